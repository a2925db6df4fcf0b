import { EXIT, variants, type Arg, type ErrorSpec } from './spec.js';

// Codes of the loadtest area. Add new codes here; tests assert codes, not wording.
export const loadtestErrors = {
  MLS_ERR_LOADTEST_NO_TARGET: {
    message: variants({
      both: () => `pass --deployment or --url, not both`,
      none: () => `no target: pass --deployment FILE or --url URL`,
      verifyNeedsDeployment: () => `--verify needs --deployment deployment.yaml (the servers deployed from the plan)`,
    }),
    exit: EXIT.usage,
    hint: 'Pass either --deployment deployment.yaml (written by `mlserve deploy`) or --url http://HOST:PORT with --models.',
  },
  MLS_ERR_LOADTEST_BAD_URL: {
    message: variants({
      notUrl: (a: { what: Arg; text: Arg }) => `${a.what}: "${a.text}" is not a URL`,
      notPlainHttp: (a: { what: Arg; text: Arg }) => `${a.what}: "${a.text}" must be a plain http(s) URL without query, fragment or credentials`,
    }),
    exit: EXIT.usage,
    hint: 'Give a base URL such as http://127.0.0.1:8080 (http or https, no query string).',
  },
  MLS_ERR_LOADTEST_NO_MODELS: {
    message: variants({
      urlNeedsModels: (a: { base: Arg }) => `--url ${a.base}: name the models to test with --models a,b (or --models all)`,
      deploymentEmpty: (a: { file: Arg }) => `${a.file}: the deployment lists no models`,
      noModelList: (a: { url: Arg; status: Arg }) => `--models all: ${a.url} answered ${a.status} without a model list; name the models with --models a,b`,
      serverEmpty: (a: { root: Arg }) => `--models all: the server at ${a.root} serves no models`,
    }),
    exit: EXIT.usage,
    hint: 'Name the models to test with --models a,b (with --url), or check that the deployment lists models.',
  },
  MLS_ERR_LOADTEST_UNKNOWN_MODEL: {
    message: (a: { name: Arg; file: Arg }) => `model "${a.name}" is not in ${a.file}`,
    exit: EXIT.usage,
    hint: 'Use model names listed in the deployment (servers[].models[].name), or --models all.',
  },
  MLS_ERR_LOADTEST_BAD_CONCURRENCY: {
    message: variants({
      notInteger: (a: { v: Arg; max: Arg }) => `--concurrency: "${a.v}" is not an integer between 1 and ${a.max}`,
      rangeSyntax: (a: { text: Arg }) => `--concurrency-range: "${a.text}" is not START:END[:STEP]`,
      rangeBounds: (a: { text: Arg; max: Arg }) => `--concurrency-range: "${a.text}" needs 1 <= START <= END <= ${a.max}`,
      stepNeverReaches: (a: { step: Arg }) => `--concurrency-range: step "${a.step}" would never reach END`,
      empty: (a: { flag: Arg }) => `${a.flag}: no concurrency level given`,
    }),
    exit: EXIT.usage,
    hint: 'Use --concurrency 1,2,4 (positive integers) or --concurrency-range START:END:STEP, where STEP is +N or xN (1:256:x2).',
  },
  MLS_ERR_LOADTEST_BAD_SLO: {
    message: variants({
      duration: (a: { reason: Arg }) => `${a.reason}`,
      syntax: (a: { part: Arg }) => `--slo: "${a.part}" is not pNN=DURATION or errors=PCT`,
      errorsPercentage: (a: { value: Arg }) => `--slo: errors=${a.value} is not a percentage such as 1%`,
      percentile: (a: { key: Arg }) => `--slo: ${a.key} is not a percentile between p0 and p100 (p50, p90, p99.9)`,
      thresholdZero: (a: { key: Arg }) => `--slo: ${a.key} threshold must be above zero`,
      noLatency: (a: { text: Arg }) => `--slo: "${a.text}" names no latency percentile (p90=100ms)`,
      verifyNeedsSlo: () => `--verify needs --slo, the objective each server must meet at its planned rate (p90=100ms)`,
    }),
    exit: EXIT.usage,
    hint: 'Write the SLO as pNN=DURATION, optionally with errors=PCT: --slo p90=100ms or --slo p99=250ms,errors=1%.',
  },
  MLS_ERR_LOADTEST_PAYLOAD_MISSING: {
    message: variants({
      noFile: (a: { dir: Arg; model: Arg }) => `--payload-dir ${a.dir} has no file for model "${a.model}"`,
      manyFiles: (a: { dir: Arg; model: Arg; count: Arg; files: Arg }) => `--payload-dir ${a.dir} has ${a.count} files (${a.files}) for model "${a.model}"`,
    }),
    exit: EXIT.input,
    hint: 'Put one file per model in --payload-dir, named after the model (resnet.json, resnet.png, resnet.bin), or use --payload FILE for all.',
  },
  MLS_ERR_LOADTEST_PAYLOAD_TOO_LARGE: {
    message: (a: { file: Arg; size: Arg; limit: Arg }) => `payload ${a.file} is ${a.size} bytes (limit ${a.limit})`,
    exit: EXIT.input,
    hint: 'Payloads are held in memory for every connection; use a file under 64MiB.',
  },
  MLS_ERR_LOADTEST_UNREACHABLE: {
    message: variants({
      metadata: (a: { model: Arg; url: Arg; why: Arg }) => `cannot read the metadata of model "${a.model}" at ${a.url}: ${a.why}`,
      noResponse: (a: { concurrency: Arg; connectionErrors: Arg }) => `no response at concurrency ${a.concurrency}: ${a.connectionErrors} connection errors`,
      cannotConnect: (a: { origin: Arg; why: Arg }) => `cannot connect to ${a.origin}: ${a.why}`,
      cannotList: (a: { url: Arg; why: Arg }) => `--models all: cannot list the models at ${a.url}: ${a.why}`,
    }),
    exit: EXIT.unavailable,
    hint: 'No request got an answer: check that the server is running (mlserve serve, or the deployment) and the URL and port are right.',
  },
  MLS_ERR_LOADTEST_NO_METADATA: {
    message: variants({
      noInputs: (a: { model: Arg }) => `model "${a.model}": its metadata lists no inputs to generate a request from`,
      tooManyElements: (a: { model: Arg; name: Arg; count: Arg }) => `model "${a.model}": input ${a.name} has ${a.count} elements, too many to generate`,
      datatype: (a: { model: Arg; input: Arg; datatype: Arg }) => `model "${a.model}": input ${a.input} has datatype ${a.datatype}, which cannot be generated`,
      notDescribed: (a: { model: Arg; url: Arg; status: Arg; text: Arg }) => `model "${a.model}": ${a.url} answered ${a.status} without input metadata (${a.text})`,
    }),
    exit: EXIT.input,
    hint: 'Without --payload or --payload-dir, requests are built from GET /v2/models/{model} (Open Inference Protocol v2); give a payload file for servers that do not describe their inputs.',
  },
  MLS_ERR_LOADTEST_ALL_ERRORS: {
    message: (a: { where: Arg; counts: Arg; answer: Arg }) => `every request failed at ${a.where} (${a.counts})${a.answer}`,
    exit: EXIT.failure,
    hint: 'Every request failed, so nothing was measured: the statuses say why (400: the payload does not fit the model, 404: unknown model, 503: the server is overloaded or its workers died). Check --payload / --payload-dir and the model names.',
  },
  MLS_ERR_SLO_NOT_MET: {
    message: (a: { percentile: Arg; thresholdMs: Arg }) => `no load level met the SLO p${a.percentile}=${a.thresholdMs}ms`,
    exit: EXIT.failure,
    hint: 'No load level met the SLO: the report shows the measured percentiles; add capacity, lower the load, or relax the SLO.',
  },
  MLS_ERR_VERIFY_FAILED: {
    message: variants({
      missed: (a: { failedCount: Arg; slo: Arg; failed: Arg }) => `${a.failedCount} server model(s) missed ${a.slo} at the planned load: ${a.failed}`,
      roundMissed: (a: { round: Arg; failedCount: Arg; failed: Arg }) => `round ${a.round}: ${a.failedCount} server model(s) missed the SLO at the planned load: ${a.failed}`,
    }),
    exit: EXIT.failure,
    hint: 'The named servers missed the SLO at the load the plan gives them: calibrate the profiles (`mlserve calibrate`), pack again with a lower --max-util, or relax the SLO.',
  },
  MLS_ERR_VERIFY_NO_RATE: {
    message: (a: { name: Arg; plan: Arg }) => `model "${a.name}" in ${a.plan} has no planned request rate (rps)`,
    exit: EXIT.input,
    hint: 'The plan has no request rate for this model: pack profiles that carry measured.rps (`mlserve trace --rps`, or `mlserve calibrate`).',
  },
  MLS_ERR_VERIFY_PLAN_MISMATCH: {
    message: variants({
      serverNotPlanned: (a: { name: Arg; deployment: Arg; plan: Arg }) => `server "${a.name}" of ${a.deployment} is not in ${a.plan}`,
      modelNotPlanned: (a: { name: Arg; name2: Arg; plan: Arg }) => `model "${a.name}" on server "${a.name2}" is not planned there in ${a.plan}`,
      noRequest: (a: { name: Arg; name2: Arg }) => `no request was built for model "${a.name}" on server "${a.name2}"`,
    }),
    exit: EXIT.input,
    hint: 'Verify the deployment against the plan it was deployed from (`mlserve deploy --plan`).',
  },
} satisfies Record<string, ErrorSpec>;
