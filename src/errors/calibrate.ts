import { EXIT, variants, type Arg, type ErrorSpec } from './spec.js';

// Codes of the calibrate area. Add new codes here; tests assert codes, not wording.
export const calibrateErrors = {
  MLS_ERR_CALIBRATE_NO_RATE: {
    message: (a: { name: Arg }) => `model "${a.name}" has no expected rate (measured.rps) and no --rps-per-model was given`,
    exit: EXIT.usage,
    hint: 'util needs the expected request rate: pass --rps-per-model R, or calibrate profiles written by `mlserve trace --rps R` (measured.rps).',
  },
  MLS_ERR_CALIBRATE_NO_ARCHIVE: {
    message: (a: { name: Arg; profiles: Arg }) => `model "${a.name}" in ${a.profiles} names no archive`,
    exit: EXIT.input,
    hint: 'Calibrate runs each model on a live server: give every profile an archive (profiles written by `mlserve trace` have one).',
  },
  MLS_ERR_CALIBRATE_BAD_LIST: {
    message: variants({
      notInteger: (a: { flag: Arg; v: Arg; max: Arg }) => `${a.flag}: "${a.v}" is not an integer between 1 and ${a.max}`,
      empty: (a: { flag: Arg }) => `${a.flag}: no value given`,
    }),
    exit: EXIT.usage,
    hint: 'Use comma-separated positive integers: --batch-sizes 1,4,8 --workers 1,2.',
  },
  MLS_ERR_CALIBRATE_SERVER_FAILED: {
    message: variants({
      notReady: (a: { ms: Arg; logTail: Arg }) => `calibration server not ready after ${a.ms} ms${a.logTail}`,
      exited: (a: { how: Arg; logTail: Arg }) => `calibration server exited with code ${a.how}${a.logTail}`,
      answered: (a: { method: Arg; path: Arg; status: Arg; body: Arg; logTail: Arg }) => `calibration server ${a.method} ${a.path} answered ${a.status}: ${a.body}${a.logTail}`,
    }),
    exit: EXIT.unavailable,
    hint: 'The calibration server did not start or refused the model: read the server log quoted in the message.',
  },
  MLS_ERR_CALIBRATE_SLO_UNREACHABLE: {
    message: variants({
      model: (a: { name: Arg; slo: Arg; triedCount: Arg }) => `model "${a.name}" met the SLO ${a.slo} in none of ${a.triedCount} configurations`,
      server: (a: { server: Arg; models: Arg; slo: Arg; minPercent: Arg }) => `server "${a.server}" (${a.models}) missed ${a.slo} even at ${a.minPercent}% of its planned load`,
    }),
    exit: EXIT.failure,
    hint: 'No configuration served even one concurrency level within the SLO: relax the SLO, try other --batch-sizes / --workers, or check the payload.',
  },
  MLS_ERR_CALIBRATE_PROCESSOR_UNAVAILABLE: {
    // One wording per processor so each gets its own hint; `problems` is serve's own refusal.
    message: variants({
      gpu: (a: { problems: Arg }) => `--processor gpu: ${a.problems}; nothing was measured`,
      inf: (a: { problems: Arg }) => `--processor inf: ${a.problems}; nothing was measured`,
    }),
    exit: EXIT.unavailable,
    hint: 'Calibrate on a machine that has the processor asked for, or with --processor cpu.',
    hints: {
      gpu: 'Run calibrate on a machine with an NVIDIA GPU of the kind the plan deploys to (g4dn: a T4), or calibrate on the CPU and let pack estimate the GPU family from it.',
      inf: 'Run calibrate on an Inferentia instance with the Neuron driver and runtime, or calibrate on the CPU and let pack estimate the inf family from it.',
    },
  },
  MLS_ERR_CALIBRATE_FAMILY_MISMATCH: {
    message: variants({
      notInCatalog: (a: { family: Arg }) => `family "${a.family}" is not in the catalog, so its util has no meaning for pack`,
      otherProcessor: (a: { family: Arg; kind: Arg; processor: Arg }) =>
        `family "${a.family}" runs on ${a.kind}, but calibrate measures on --processor ${a.processor}: a ${a.processor} capacity written as ${a.family} util would be wrong`,
      cpuPerInstance: (a: { family: Arg }) =>
        `CPU family "${a.family}" counts util per whole instance CPU (utilPer: processor): a local measurement cannot be scaled to it; give the family utilPer: vcpu`,
      ambiguous: (a: { name: Arg; families: Arg; processor: Arg }) => `model "${a.name}": ${a.families} of the profile run on ${a.processor}: name the one to write with --family`,
    }),
    exit: EXIT.usage,
    hint: 'util is counted per vCPU for CPU families and per processor for gpu / inf families: calibrate a family of the catalog that runs on the --processor measured (--family c5 with cpu, g4dn with gpu, inf1 with inf).',
  },
  MLS_ERR_CALIBRATE_NOT_CALIBRATED: {
    message: (a: { name: Arg }) => `model "${a.name}" has no calibration to correct: run \`mlserve calibrate\` without --from-verify first`,
    exit: EXIT.input,
    hint: '--from-verify corrects calibrated profiles: run `mlserve calibrate` on them first.',
  },
} satisfies Record<string, ErrorSpec>;
