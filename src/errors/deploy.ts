import { EXIT, variants, type Arg, type ErrorSpec } from './spec.js';

// Codes of the deploy area (deploy and build). Add new codes here; tests assert codes, not wording.
/** How a server that did not start, or did not get ready, is described (local process or container). */
const logTail = (tail: Arg): string => (tail ? `:\n${tail}` : '');
const START_FAILED = {
  serverExited: (a: { name: Arg; code: Arg; log: Arg; tail: Arg }) => `server ${a.name} exited with code ${a.code} (log ${a.log})${logTail(a.tail)}`,
  containerExited: (a: { container: Arg; server: Arg; logs: Arg }) => `container ${a.container} (${a.server}) exited:\n${a.logs}`,
};
const NOT_READY = {
  serverNotReady: (a: { name: Arg; ms: Arg; log: Arg; tail: Arg }) => `server ${a.name} not ready after ${a.ms} ms (log ${a.log})${logTail(a.tail)}`,
  containerNotReady: (a: { container: Arg; server: Arg; ms: Arg; logs: Arg }) => `container ${a.container} (${a.server}) is not ready after ${a.ms} ms:\n${a.logs}`,
};

export const deployErrors = {
  MLS_ERR_DEPLOY_PLAN_NOT_FOUND: {
    message: (a: { planPath: Arg }) => `plan ${a.planPath} does not exist`,
    exit: EXIT.input,
    hint: 'Pass the plan written by `mlserve pack` with --plan plan.yaml.',
  },
  MLS_ERR_DEPLOY_PLAN_INVALID: {
    message: variants({
      invalidPlan: (a: { reason: Arg }) => `invalid plan: ${a.reason}`,
      dnsClash: (a: { clash: Arg; name: Arg; dnsName: Arg }) => `servers "${a.clash}" and "${a.name}" both become "${a.dnsName}" as Kubernetes names`,
      archiveClash: (a: { name: Arg; file: Arg }) => `two models on server "${a.name}" use archives named ${a.file}`,
      noServers: (a: { planPath: Arg }) => `plan ${a.planPath} has no servers to deploy`,
    }),
    exit: EXIT.input,
    hint: 'The plan does not match its schema or names no servers; write it again with `mlserve pack`.',
    hints: {
      dnsClash: 'Give the servers in the plan distinct names (lowercase letters, digits and -).',
      archiveClash: 'Name each archive after its model (model_store/<name>.mar).',
      noServers: 'Run `mlserve pack` with at least one model profile.',
    },
  },
  MLS_ERR_DEPLOY_ARCHIVE_MISSING: {
    message: variants({
      notInPlan: (a: { name: Arg; name2: Arg }) => `model "${a.name}" on server "${a.name2}" names no archive in the plan`,
      notFound: (a: { model: Arg; path: Arg }) => `archive of model "${a.model}" not found: ${a.path}`,
    }),
    exit: EXIT.input,
    hint: 'Every model in the plan needs an archive (models[].archive, relative to the plan file); run `mlserve archive` or fix the path.',
  },
  MLS_ERR_DEPLOY_TEMPLATE_INVALID: {
    message: variants({
      schema: (a: { reason: Arg }) => `${a.reason}`,
      dockerfileArg: (a: { name: Arg }) => `the Dockerfile template has no "ARG ${a.name}" line`,
      noProcessorKind: (a: { family: Arg }) => `instance family "${a.family}" has no processor kind in templates/processors.yaml`,
      unknownPlaceholder: (a: { source: Arg; path: Arg }) => `${a.source}: unknown placeholder \${${a.path}}`,
      placeholderType: (a: { source: Arg; path: Arg; s: Arg }) => `${a.source}: \${${a.path}} inside "${a.s}" must be a string or number`,
      notMapping: (a: { source: Arg }) => `${a.source}: a template must hold one YAML mapping`,
      cannotRead: (a: { path: Arg; reason: Arg }) => `${a.path}: cannot read the template (${a.reason})`,
      unreadable: (a: { path: Arg; reason: Arg }) => `${a.path}: ${a.reason}`,
    }),
    exit: EXIT.input,
    hint: 'A template under templates/ cannot be read or names an unknown placeholder; fix the file named.',
    hints: {
      noProcessorKind: (a: { family: Arg }) => `Add "${a.family}: { processor: cpu|gpu|inf }" under families: in processors.yaml.`,
    },
  },
  MLS_ERR_DEPLOY_MANIFEST_INVALID: {
    message: (a: { allCount: Arg; lines: Arg }) => `${a.allCount} Kubernetes schema error(s): ${a.lines}`,
    exit: EXIT.input,
    hint: 'A rendered Kubernetes object does not match the API schema; fix the template field named (path shown).',
  },
  MLS_ERR_DEPLOY_DOCKERFILE_INVALID: {
    message: (a: { issues: Arg }) => `${a.issues}`,
    exit: EXIT.input,
    hint: 'The Dockerfile template has errors at the lines shown; fix templates/docker/.',
  },
  MLS_ERR_DEPLOY_KUBECTL_MISSING: {
    message: () => `kubectl is not installed (not found on PATH)`,
    exit: EXIT.unavailable,
    hint: 'Install kubectl and point it at a cluster, or use --dry-run to only render and validate.',
  },
  MLS_ERR_DEPLOY_DOCKER_MISSING: {
    message: variants({
      cannotStart: (a: { reason: Arg }) => `docker could not be started: ${a.reason}`,
      notInstalled: () => `docker is not installed (not found on PATH)`,
      engineDown: (a: { reason: Arg }) => `the Docker engine is not reachable: ${a.reason}`,
    }),
    exit: EXIT.unavailable,
    hint: 'Install Docker and start its engine (dockerd), or use --dry-run to only render the files.',
    hints: {
      engineDown: 'Start dockerd (or Docker Desktop) and check `docker info`, or use --dry-run to only render the files.',
    },
  },
  MLS_ERR_DEPLOY_PORT_TAKEN: {
    message: (a: { port: Arg; what: Arg; host: Arg }) => `port ${a.port} (${a.what}) on ${a.host} is already in use`,
    exit: EXIT.unavailable,
    hint: 'Choose another --base-port, stop what listens there, or leave the port out to let mlserve pick free ones.',
  },
  MLS_ERR_DEPLOY_APPLY_FAILED: {
    message: variants({
      step: (a: { code: Arg; reason: Arg }) => `${a.code}: ${a.reason}`,
      dockerRun: (a: { name: Arg; stderr: Arg }) => `docker run for ${a.name} failed: ${a.stderr}`,
      kubectlApply: (a: { stderr: Arg }) => `kubectl apply failed: ${a.stderr}`,
      kubectlDelete: (a: { stderr: Arg }) => `kubectl delete failed: ${a.stderr}`,
    }),
    exit: EXIT.failure,
    hint: 'What was started is recorded in deployment.yaml: run `mlserve deploy --down --out DIR` to remove it, then fix the cause shown.',
    hints: {
      kubectlDelete: 'Check the cluster with `kubectl get all -n NAMESPACE` and delete what is left by hand.',
    },
  },
  MLS_ERR_DEPLOY_SERVER_START_FAILED: {
    message: variants({ failed: (a: { name: Arg; reason: Arg }) => `${a.name}: ${a.reason}`, ...START_FAILED }),
    exit: EXIT.failure,
    hint: 'The server log named in the message says why; what was started is recorded so `mlserve deploy --down` can stop it.',
  },
  MLS_ERR_DEPLOY_READY_TIMEOUT: {
    message: variants(NOT_READY),
    exit: EXIT.timeout,
    hint: 'A server did not answer /ping within --ready-timeout: raise --ready-timeout (large models load slowly), or read its log.',
  },
  MLS_ERR_DEPLOY_ALREADY_RUNNING: {
    message: (a: { file: Arg; runtime: Arg; status: Arg }) => `${a.file} records a ${a.runtime} deployment that is ${a.status}`,
    exit: EXIT.failure,
    hint: 'The --out folder holds a deployment that is still started: run `mlserve deploy --down --out DIR` first, or choose another --out.',
  },
  MLS_ERR_DEPLOY_NOT_FOUND: {
    message: (a: { outDir: Arg }) => `no deployment.yaml in ${a.outDir}`,
    exit: EXIT.input,
    hint: 'Nothing to take down: pass the --out folder of the deployment (it holds deployment.yaml).',
  },
  MLS_ERR_BUILD_FAILED: {
    message: (a: { tag: Arg; exitCode: Arg; output: Arg }) => `docker build of ${a.tag} failed (exit ${a.exitCode}):\n${a.output}`,
    exit: EXIT.failure,
    hint: 'docker build failed; its output is shown. The build context was left in place for inspection.',
  },
} satisfies Record<string, ErrorSpec>;
