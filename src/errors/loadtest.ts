import type { ErrorSpec } from '../errors.js';

// Codes of the loadtest area. Add new codes here; tests assert codes, not wording.
export const loadtestErrors = {
  MLS_ERR_LOADTEST_NO_TARGET: {
    exit: 2,
    hint: 'Pass either --deployment deployment.yaml (written by `mlserve deploy`) or --url http://HOST:PORT with --models.',
  },
  MLS_ERR_LOADTEST_BAD_URL: { exit: 2, hint: 'Give a base URL such as http://127.0.0.1:8080 (http or https, no query string).' },
  MLS_ERR_LOADTEST_NO_MODELS: {
    exit: 2,
    hint: 'Name the models to test with --models a,b (with --url), or check that the deployment lists models.',
  },
  MLS_ERR_LOADTEST_UNKNOWN_MODEL: { exit: 2, hint: 'Use model names listed in the deployment (servers[].models[].name), or --models all.' },
  MLS_ERR_LOADTEST_BAD_CONCURRENCY: {
    exit: 2,
    hint: 'Use --concurrency 1,2,4 (positive integers) or --concurrency-range START:END:STEP, where STEP is +N or xN (1:256:x2).',
  },
  MLS_ERR_LOADTEST_BAD_SLO: { exit: 2, hint: 'Write the SLO as pNN=DURATION, optionally with errors=PCT: --slo p90=100ms or --slo p99=250ms,errors=1%.' },
  MLS_ERR_LOADTEST_PAYLOAD_MISSING: {
    exit: 3,
    hint: 'Put one file per model in --payload-dir, named after the model (resnet.json, resnet.png, resnet.bin), or use --payload FILE for all.',
  },
  MLS_ERR_LOADTEST_PAYLOAD_TOO_LARGE: { exit: 3, hint: 'Payloads are held in memory for every connection; use a file under 64MiB.' },
  MLS_ERR_LOADTEST_UNREACHABLE: {
    exit: 5,
    hint: 'No request got an answer: check that the server is running (mlserve serve, or the deployment) and the URL and port are right.',
  },
  MLS_ERR_LOADTEST_NO_METADATA: {
    exit: 3,
    hint: 'Without --payload or --payload-dir, requests are built from GET /v2/models/{model} (Open Inference Protocol v2); give a payload file for servers that do not describe their inputs.',
  },
  MLS_ERR_LOADTEST_ALL_ERRORS: {
    exit: 1,
    hint: 'Every request failed, so nothing was measured: the statuses say why (400: the payload does not fit the model, 404: unknown model, 503: the server is overloaded or its workers died). Check --payload / --payload-dir and the model names.',
  },
  MLS_ERR_SLO_NOT_MET: {
    exit: 1,
    hint: 'No load level met the SLO: the report shows the measured percentiles; add capacity, lower the load, or relax the SLO.',
  },
  MLS_ERR_VERIFY_FAILED: {
    exit: 1,
    hint: 'The named servers missed the SLO at the load the plan gives them: calibrate the profiles (`mlserve calibrate`), pack again with a lower --max-util, or relax the SLO.',
  },
  MLS_ERR_VERIFY_NO_RATE: {
    exit: 3,
    hint: 'The plan has no request rate for this model: pack profiles that carry measured.rps (`mlserve trace --rps`, or `mlserve calibrate`).',
  },
  MLS_ERR_VERIFY_PLAN_MISMATCH: { exit: 3, hint: 'Verify the deployment against the plan it was deployed from (`mlserve deploy --plan`).' },
} satisfies Record<string, ErrorSpec>;
