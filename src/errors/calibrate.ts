import type { ErrorSpec } from '../errors.js';

// Codes of the calibrate area. Add new codes here; tests assert codes, not wording.
export const calibrateErrors = {
  MLS_ERR_CALIBRATE_NO_RATE: {
    exit: 2,
    hint: 'util needs the expected request rate: pass --rps-per-model R, or calibrate profiles written by `mlserve trace --rps R` (measured.rps).',
  },
  MLS_ERR_CALIBRATE_NO_ARCHIVE: { exit: 3, hint: 'Calibrate runs each model on a live server: give every profile an archive (profiles written by `mlserve trace` have one).' },
  MLS_ERR_CALIBRATE_BAD_LIST: { exit: 2, hint: 'Use comma-separated positive integers: --batch-sizes 1,4,8 --workers 1,2.' },
  MLS_ERR_CALIBRATE_SERVER_FAILED: { exit: 5, hint: 'The calibration server did not start or refused the model: read the server log quoted in the message.' },
  MLS_ERR_CALIBRATE_SLO_UNREACHABLE: {
    exit: 1,
    hint: 'No configuration served even one concurrency level within the SLO: relax the SLO, try other --batch-sizes / --workers, or check the payload.',
  },
  MLS_ERR_CALIBRATE_PROCESSOR_UNAVAILABLE: { exit: 5, hint: 'Calibrate on a machine that has the processor asked for, or with --processor cpu.' },
  MLS_ERR_CALIBRATE_FAMILY_MISMATCH: {
    exit: 2,
    hint: 'util is counted per vCPU for CPU families and per processor for gpu / inf families: calibrate a family of the catalog that runs on the --processor measured (--family c5 with cpu, g4dn with gpu, inf1 with inf).',
  },
  MLS_ERR_CALIBRATE_NOT_CALIBRATED: { exit: 3, hint: '--from-verify corrects calibrated profiles: run `mlserve calibrate` on them first.' },
} satisfies Record<string, ErrorSpec>;
