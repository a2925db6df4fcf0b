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
    message: (a: { name: Arg; slo: Arg; triedCount: Arg }) => `model "${a.name}" met the SLO ${a.slo} in none of ${a.triedCount} configurations`,
    exit: EXIT.failure,
    hint: 'No configuration served even one concurrency level within the SLO: relax the SLO, try other --batch-sizes / --workers, or check the payload.',
  },
  MLS_ERR_CALIBRATE_PROCESSOR_UNAVAILABLE: {
    message: (a: { processor: Arg }) => `--processor ${a.processor}: mlserve serve has no ${a.processor} execution in this build`,
    exit: EXIT.unavailable,
    hint: 'Calibrate with --processor cpu, on the kind of machine the plan deploys to.',
  },
  MLS_ERR_CALIBRATE_NOT_CALIBRATED: {
    message: (a: { name: Arg }) => `model "${a.name}" has no calibration to correct: run \`mlserve calibrate\` without --from-verify first`,
    exit: EXIT.input,
    hint: '--from-verify corrects calibrated profiles: run `mlserve calibrate` on them first.',
  },
} satisfies Record<string, ErrorSpec>;
