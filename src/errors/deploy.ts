import type { ErrorSpec } from '../errors.js';

// Codes of the deploy area (deploy and build). Add new codes here; tests assert codes, not wording.
export const deployErrors = {
  MLS_ERR_DEPLOY_PLAN_NOT_FOUND: {
    exit: 3,
    hint: 'Pass the plan written by `mlserve pack` with --plan plan.yaml.',
  },
  MLS_ERR_DEPLOY_PLAN_INVALID: {
    exit: 3,
    hint: 'The plan does not match its schema or names no servers; write it again with `mlserve pack`.',
  },
  MLS_ERR_DEPLOY_ARCHIVE_MISSING: {
    exit: 3,
    hint: 'Every model in the plan needs an archive (models[].archive, relative to the plan file); run `mlserve archive` or fix the path.',
  },
  MLS_ERR_DEPLOY_TEMPLATE_INVALID: {
    exit: 3,
    hint: 'A template under templates/ cannot be read or names an unknown placeholder; fix the file named.',
  },
  MLS_ERR_DEPLOY_MANIFEST_INVALID: {
    exit: 3,
    hint: 'A rendered Kubernetes object does not match the API schema; fix the template field named (path shown).',
  },
  MLS_ERR_DEPLOY_DOCKERFILE_INVALID: {
    exit: 3,
    hint: 'The Dockerfile template has errors at the lines shown; fix templates/docker/.',
  },
  MLS_ERR_DEPLOY_KUBECTL_MISSING: {
    exit: 5,
    hint: 'Install kubectl and point it at a cluster, or use --dry-run to only render and validate.',
  },
  MLS_ERR_DEPLOY_DOCKER_MISSING: {
    exit: 5,
    hint: 'Install Docker and start its engine (dockerd), or use --dry-run to only render the files.',
  },
  MLS_ERR_DEPLOY_PORT_TAKEN: {
    exit: 5,
    hint: 'Choose another --base-port, stop what listens there, or leave the port out to let mlserve pick free ones.',
  },
  MLS_ERR_DEPLOY_APPLY_FAILED: {
    exit: 1,
    hint: 'What was started is recorded in deployment.yaml: run `mlserve deploy --down --out DIR` to remove it, then fix the cause shown.',
  },
  MLS_ERR_DEPLOY_SERVER_START_FAILED: {
    exit: 1,
    hint: 'The server log named in the message says why; what was started is recorded so `mlserve deploy --down` can stop it.',
  },
  MLS_ERR_DEPLOY_READY_TIMEOUT: {
    exit: 6,
    hint: 'A server did not answer /ping within --ready-timeout: raise --ready-timeout (large models load slowly), or read its log.',
  },
  MLS_ERR_DEPLOY_ALREADY_RUNNING: {
    exit: 1,
    hint: 'The --out folder holds a deployment that is still started: run `mlserve deploy --down --out DIR` first, or choose another --out.',
  },
  MLS_ERR_DEPLOY_NOT_FOUND: {
    exit: 3,
    hint: 'Nothing to take down: pass the --out folder of the deployment (it holds deployment.yaml).',
  },
  MLS_ERR_BUILD_FAILED: {
    exit: 1,
    hint: 'docker build failed; its output is shown. The build context was left in place for inspection.',
  },
} satisfies Record<string, ErrorSpec>;
