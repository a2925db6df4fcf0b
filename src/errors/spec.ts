// What a catalog entry holds (src/errors.ts merges the area tables).

/** CLI exit codes by meaning: catalog entries name these, never bare numbers. */
export const EXIT = {
  ok: 0,
  failure: 1, // the command ran and found a problem (partial failure, SLO missed)
  usage: 2, // bad flags or arguments
  input: 3, // bad input file (model, archive, profile, plan, config)
  io: 4, // file system: cannot read, cannot write, exists
  unavailable: 5, // a tool or engine is missing, a port is taken, a server is down
  timeout: 6,
  internal: 70,
  interrupted: 130, // SIGINT, as shells report it
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface ErrorSpec {
  /** Exit code of the CLI when this error ends a command. */
  exit: ExitCode;
  /** HTTP status when the server answers with this error (500 when absent). */
  http?: number;
  /** TorchServe's exception type in {code, type, message}; derived from the status when absent. */
  type?: string;
  /** The message, from the arguments a throw site passes (their names are the template's). */
  message: (args: never) => string;
  /** What the user can do about it. */
  hint: string;
  /**
   * A better hint for some wordings (keyed by the wording's name); a function gets the wording's
   * arguments and may return undefined to keep `hint`.
   */
  hints?: Record<string, string | ((a: never) => string | undefined)>;
}

/** What a template quotes: names, paths, counts. */
export type Arg = string | number;

type Template = (a: never) => string;
type VariantArgs<T extends Record<string, Template>> = {
  [K in keyof T]: { [P in K]: Parameters<T[K]>[0] extends undefined ? Record<string, never> : Parameters<T[K]>[0] };
}[keyof T];

/**
 * The message of a code that has a few wordings (one per way the same failure shows): the throw
 * site names the wording and gives its arguments, `{ notBoth: { first, second } }`.
 */
export function variants<T extends Record<string, Template>>(wordings: T): (a: VariantArgs<T>) => string {
  return (a) => {
    const [name, args] = Object.entries(a)[0] as [string, unknown];
    return (wordings[name] as (a: unknown) => string)(args);
  };
}
