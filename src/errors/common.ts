import { EXIT, variants, type Arg, type ErrorSpec } from './spec.js';

export const commonErrors = {
  MLS_ERR_INTERNAL: {
    message: (a: { reason: Arg }) => `${a.reason}`,
    exit: EXIT.internal,
    http: 500,
    hint: 'This is a bug in mlserve. Please report it with the command you ran and this message.',
  },
  MLS_ERR_USAGE: {
    message: variants({
      versionRequired: () => `a model version (-v/--version) is required`,
      handlerRequired: (a: { builtins: Arg }) => `a handler (--handler) is required: a file or one of ${a.builtins}`,
      payloadOrDir: () => `pass --payload or --payload-dir, not both`,
      calibrateNeedsSlo: () => `calibrate needs --slo, the objective capacity is measured at (p90=100ms)`,
      durationTooShort: (a: { durationMs: Arg }) => `--duration ${a.durationMs}ms is too short to measure anything (minimum 100ms)`,
      notIntegerIn: (a: { name: Arg; v: Arg; min: Arg; max: Arg }) => `${a.name}: "${a.v}" is not an integer between ${a.min} and ${a.max}`,
      notNumberIn: (a: { name: Arg; v: Arg; min: Arg; max: Arg }) => `${a.name}: "${a.v}" is not a number between ${a.min} and ${a.max}`,
      notOneOf: (a: { name: Arg; v: Arg; choices: Arg }) => `${a.name}: "${a.v}" is not one of ${a.choices}`,
      baseImage: (a: { value: Arg }) => `--base-image: "${a.value}" is not an image reference`,
      ingressSplitModel: (a: { name: Arg; other: Arg; dnsName: Arg }) => `--ingress-host: model "${a.name}" is on servers ${a.other} and ${a.dnsName}; an Ingress path routes to one Service`,
      concurrencyOrRange: () => `pass --concurrency or --concurrency-range, not both`,
      spotWithCount: () => `--spot minimizes cost: it cannot be combined with --objective count`,
      survive: (a: { survive: Arg }) => `--survive must be a whole number ≥ 1 (got ${a.survive})`,
      spotMaxShare: (a: { maxShare: Arg }) => `--spot-max-share must be between 0 and 1 (got ${a.maxShare})`,
      replicasSyntax: (a: { text: Arg }) => `--replicas: "${a.text}" is not NAME=N with N a whole number of at least 1 (mlp=2)`,
      // a flag parser's own refusal (commander, node:util parseArgs)
      commander: (a: { reason: Arg }) => `${a.reason}`,
      namespace: (a: { v: Arg }) => `--namespace: "${a.v}" is not a Kubernetes namespace name (lowercase letters, digits and -)`,
      autoscale: (a: { v: Arg }) => `--autoscale: "${a.v}" is not MIN:MAX[@CPU%] with 1 <= MIN <= MAX (e.g. 1:4@70)`,
      planRequired: () => `--plan is required (or pass --down)`,
      flagRequired: (a: { flag: Arg }) => `the flag ${a.flag} is required`,
      notPositiveInteger: (a: { flag: Arg; v: Arg }) => `--${a.flag} must be a positive integer, got "${a.v}"`,
      transformerNeedsBoth: () => `a sized transformer needs both --transformer-layers and --transformer-hidden`,
      replicasUnknownModel: (a: { unknownReplicas: Arg }) => `--replicas: no traced model is named ${a.unknownReplicas}`,
    }),
    exit: EXIT.usage, http: 400, hint: 'Run the command with --help to see its flags.' },
  MLS_ERR_INVALID_UNIT: {
    message: variants({
      notSize: (a: { what: Arg; text: Arg }) => `${a.what}: ${a.text} is not a size`,
      notSizeWithUnit: (a: { what: Arg; text: Arg }) => `${a.what}: "${a.text}" is not a size with a unit, written exactly as B, KB, MB, GB, TB, KiB, MiB, GiB or TiB`,
      unknownUnit: (a: { what: Arg; text: Arg }) => `${a.what}: unknown unit in "${a.text}"`,
      notDuration: (a: { what: Arg; text: Arg }) => `${a.what}: ${a.text} is not a duration`,
      notDurationWithUnit: (a: { what: Arg; text: Arg }) => `${a.what}: "${a.text}" is not a duration with a unit (us, ms, s, m, h)`,
      notPercentage: (a: { what: Arg; text: Arg }) => `${a.what}: "${a.text}" is not a percentage between 0 and 100`,
    }),
    exit: EXIT.usage,
    http: 400,
    hint: 'Sizes take a unit (512MiB, 7.4GB, 7.4GiB); durations take one too (250ms, 30s, 2m).',
  },
  MLS_ERR_FILE_NOT_FOUND: {
    message: variants({
      noSuchArchive: (a: { path: Arg }) => `${a.path}: no such archive`,
      cliNotBuilt: (a: { cli: Arg }) => `${a.cli} is missing: the image needs the compiled CLI`,
      errno: (a: { reason: Arg }) => `${a.reason}`,
      catalog: (a: { catalogPath: Arg; reason: Arg }) => `catalog ${a.catalogPath}: ${a.reason}`,
    }),
    exit: EXIT.io, http: 404, hint: 'Check the path; relative paths are taken from the current folder.' },
  MLS_ERR_PERMISSION: { message: (a: { reason: Arg }) => `${a.reason}`, exit: EXIT.io, http: 500, hint: 'Check the permissions of the file and its folder.' },
  MLS_ERR_DISK_FULL: {
    message: variants({
      extracting: (a: { archive: Arg; bytes: Arg; dir: Arg; free: Arg }) => `${a.archive}: extracting needs ${a.bytes}, ${a.dir} has ${a.free} free`,
      errno: (a: { reason: Arg }) => `${a.reason}`,
    }),
    exit: EXIT.io, http: 507, hint: 'Free some disk space; the previous file, if any, was left intact.' },
  MLS_ERR_OUTPUT_EXISTS: {
    message: variants({
      notEmptyFolder: (a: { destDir: Arg }) => `${a.destDir} exists and is not an empty folder`,
      alreadyExists: (a: { target: Arg }) => `${a.target} already exists`,
    }),
    exit: EXIT.io,
    hint: 'Pass --force to overwrite it, or choose another output path.',
  },
  MLS_ERR_INVALID_YAML: {
    message: (a: { source: Arg; reason: Arg }) => `${a.source}: ${a.reason}`,
    exit: EXIT.input, http: 400, hint: 'Fix the YAML syntax at the line shown.' },
  MLS_ERR_INVALID_FILE_FORMAT: {
    message: variants({
      issues: (a: { issues: Arg }) => `${a.issues}`,
      notVerifyReport: (a: { verifyPath: Arg; reason: Arg }) => `${a.verifyPath}: not a verify report (${a.reason})`,
      notVerifyReportKind: (a: { verifyPath: Arg }) => `${a.verifyPath}: not a verify report (kind VerifyReport, written by loadtest --verify)`,
      rootNotMapping: (a: { path: Arg }) => `${a.path}: (root): expected a mapping`,
      globMatchesNothing: (a: { source: Arg; index: Arg; file: Arg }) => `${a.source}: models.${a.index}.file: "${a.file}" matches no file`,
      globSharesName: (a: { source: Arg; index: Arg; filesCount: Arg }) => `${a.source}: models.${a.index}.name: a glob matching ${a.filesCount} files cannot share one name`,
      nameTaken: (a: { source: Arg; index: Arg; name: Arg; other: Arg }) => `${a.source}: models.${a.index}.name: "${a.name}" is also the name of models.${a.other}`,
      fileNameTaken: (a: { source: Arg; index: Arg; file: Arg; name: Arg; other: Arg }) => `${a.source}: models.${a.index}.file: ${a.file} gives the name "${a.name}", which models.${a.other} already gives`,
      schema: (a: { source: Arg; lines: Arg }) => `${a.source}: ${a.lines}`,
      payloadNotJson: (a: { file: Arg; reason: Arg }) => `payload ${a.file}: not valid JSON (${a.reason})`,
    }),
    exit: EXIT.input,
    http: 400,
    hint: 'The file does not match its schema; fix the fields named (path.to.key: message).',
  },
  MLS_ERR_TOOL_MISSING: {
    message: (a: { cmd: Arg }) => `${a.cmd} was not found`,
    exit: EXIT.unavailable,
    hint: 'Install the tool or put it on PATH.',
  },
  MLS_ERR_CHILD_PROCESS: {
    message: (a: { cmd: Arg; reason: Arg }) => `${a.cmd} could not be started: ${a.reason}`,
    exit: EXIT.failure,
    hint: 'The command it ran failed; its output is shown above.',
  },
  MLS_ERR_INTERRUPTED: {
    message: variants({
      loadtest: () => `load test interrupted`,
      verify: () => `verification interrupted`,
    }),
    exit: EXIT.interrupted,
    hint: 'The command was interrupted; partial outputs were not kept.',
  },
} satisfies Record<string, ErrorSpec>;
