import { Command } from 'commander';
import { choiceArg, durationArg, intArg } from '../src/cli-options.js';
import { MlsError } from '../src/errors.js';
import { printResult, table } from '../src/output.js';
import { stderrLogger } from '../src/log.js';

interface DeployFlags {
  plan?: string;
  runtime: 'local' | 'docker' | 'kubernetes';
  out: string;
  dryRun?: boolean;
  namespace: string;
  down?: boolean;
  image?: string;
  baseImage?: string;
  archiveUrl?: string;
  autoscale?: { min: number; max: number; targetCpu: number };
  ingressHost?: string;
  ingressClass?: string;
  basePort?: number;
  dockerNetwork: 'bridge' | 'host';
  catalog?: string;
  templates?: string;
  exposeManagement?: boolean;
  allowCpuFallback?: boolean;
  readyTimeout?: number;
  json?: boolean;
}

function namespaceArg(v: string): string {
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(v)) {
    throw new MlsError('MLS_ERR_USAGE', { namespace: { v } });
  }
  return v;
}

function autoscaleArg(v: string): { min: number; max: number; targetCpu: number } {
  const m = /^(\d+):(\d+)(?:@(\d+)%?)?$/.exec(v.trim());
  const [min, max, cpu] = m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 70)] : [NaN, NaN, NaN];
  if (!m || min < 1 || max < min || cpu < 1 || cpu > 100) {
    throw new MlsError('MLS_ERR_USAGE', { autoscale: { v } });
  }
  return { min, max, targetCpu: cpu };
}

export function deployCommand(): Command {
  return new Command('deploy')
    .description('Render a plan for docker, kubernetes or local, validate it, start the servers, and write deployment.yaml (--down removes them)')
    .option('--plan <file>', 'plan.yaml written by mlserve pack (required unless --down)')
    .option('--runtime <runtime>', 'local, docker or kubernetes', choiceArg('--runtime', ['local', 'docker', 'kubernetes'] as const), 'local')
    .option('--out <dir>', 'output folder for rendered files and deployment.yaml', 'deploy')
    .option('--dry-run', 'render and validate only; start nothing')
    .option('--namespace <name>', 'Kubernetes namespace', namespaceArg, 'mlserve')
    .option('--down', 'stop and remove what deployment.yaml in --out records as started')
    .option('--image <image>', 'server image, {processor} → cpu|gpu|inf (default mlserve-{processor}:latest, as mlserve build tags it)')
    .option('--base-image <image>', 'base image the server Dockerfiles are linted with (as in mlserve build)')
    .option('--archive-url <url>', 'kubernetes: fetch archives at pod start from URL/<file> instead of baking them into an image')
    .option('--autoscale <min:max[@cpu%]>', 'kubernetes: add a HorizontalPodAutoscaler per server (e.g. 1:4@70)', autoscaleArg)
    .option('--ingress-host <host>', 'kubernetes: add an Ingress routing each model\'s paths to its server')
    .option('--ingress-class <name>', 'kubernetes: ingressClassName of the Ingress')
    .option('--base-port <port>', 'local/docker: fixed ports, server i on PORT+3i (inference), +1 (management), +2 (metrics); default: free ports', intArg('--base-port', 1, 65_000))
    .option('--docker-network <mode>', 'docker: bridge (publish on 127.0.0.1) or host', choiceArg('--docker-network', ['bridge', 'host'] as const), 'bridge')
    .option('--expose-management', 'docker/kubernetes: publish the management API too (kept on the container loopback by default)')
    .option('--allow-cpu-fallback', 'servers whose GPU or Neuron device cannot be used run on the CPU and say so (mlserve serve --allow-cpu-fallback) instead of refusing to start')
    .option('--catalog <file>', 'instance catalog for CPU requests (default: the built-in catalog)')
    .option('--templates <dir>', 'templates folder to use instead of the built-in one (copy templates/ and edit it)')
    .option('--ready-timeout <duration>', 'how long a server may take to load its models (default 120s)', durationArg('--ready-timeout'))
    .option('--json', 'print the result as JSON')
    .action(async (flags: DeployFlags) => {
      const logger = stderrLogger();
      if (flags.down) {
        const { down } = await import('../src/deploy/down.js');
        const r = await down({ outDir: flags.out, logger });
        printResult({ json: Boolean(flags.json), value: r, text: (v) => `stopped ${v.stopped.length} server(s)${v.notRunning.length ? `, ${v.notRunning.length} were not running` : ''} (${v.runtime})` });
        return;
      }
      if (!flags.plan) throw new MlsError('MLS_ERR_USAGE', { planRequired: {} });
      const { deploy } = await import('../src/deploy/deploy.js');
      const { TEMPLATES_DIR } = await import('../src/paths.js');
      const r = await deploy({
        planPath: flags.plan,
        runtime: flags.runtime,
        outDir: flags.out,
        dryRun: Boolean(flags.dryRun),
        namespace: flags.namespace,
        templatesDir: flags.templates ?? TEMPLATES_DIR,
        image: flags.image,
        baseImage: flags.baseImage,
        archiveUrl: flags.archiveUrl,
        autoscale: flags.autoscale,
        ingress: flags.ingressHost ? { host: flags.ingressHost, className: flags.ingressClass } : undefined,
        catalogPath: flags.catalog,
        exposeManagement: Boolean(flags.exposeManagement),
        allowCpuFallback: Boolean(flags.allowCpuFallback),
        basePort: flags.basePort,
        dockerNetwork: flags.dockerNetwork,
        readyTimeoutMs: flags.readyTimeout ?? 120_000,
        logger,
      });
      printResult({
        json: Boolean(flags.json),
        value: { deploymentFile: r.deploymentFile, ...r.deployment },
        text: (v) =>
          [
            `${v.started ? 'deployed' : 'rendered'} ${v.servers.length} server(s) on ${v.runtime}; wrote ${v.deploymentFile}`,
            table(['server', 'inference', 'models'], v.servers.map((s) => [s.name, s.inference, s.models.map((m) => m.name).join(',')])),
          ].join('\n'),
      });
    });
}
