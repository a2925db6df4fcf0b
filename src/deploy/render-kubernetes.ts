// Renders the Kubernetes objects of a plan from the YAML templates in templates/kubernetes/:
// a Namespace; per server a ConfigMap, a Deployment and a Service (and an HPA with --autoscale);
// one Ingress routing every model's paths with --ingress-host. Archives are either baked into the
// server image or fetched at pod start by an init container running fetch-models.mjs.
import { join } from 'node:path';
import { MlsError } from '../errors.js';
import type { DeployServer } from './deploy-plan.js';
import { serverResources } from './k8s-resources.js';
import { disruptionBudgets, GROUP_LABEL, isSpotPlan, spotScheduling } from './k8s-spot.js';
import type { InstanceShape, ProcessorKind, ProcessorTable } from './processors.js';
import { serveArgs, CONTAINER_STORE, CONTAINER_WORKDIR } from './serve-args.js';
import { kubernetesNeuronCores } from './devices.js';
import { fillTemplate, loadTemplate, readTemplateText } from './template-fill.js';

export interface KubernetesRenderOptions {
  templatesDir: string;
  namespace: string;
  /** Image each server runs, by processor kind (with archives baked in, unless archiveUrl). */
  images: Record<ProcessorKind, string>;
  /** Archives are fetched at start from `${archiveUrl}/${file}` instead of baked into the image. */
  archiveUrl?: string;
  autoscale?: { min: number; max: number; targetCpu: number };
  ingress?: { host: string; className?: string };
  table: ProcessorTable;
  shapes: Record<string, InstanceShape>;
  /** Flags every server gets on top of addresses and models (token authorization...). */
  extraServeArgs: string[];
  /** Serve the management API on the pod network and the Service (private by default). */
  exposeManagement?: boolean;
}

export interface RenderedObject {
  file: string; // relative to the output folder
  object: Record<string, unknown>;
}

const APP = 'mlserve';

export async function renderKubernetes(servers: DeployServer[], o: KubernetesRenderOptions): Promise<RenderedObject[]> {
  const dir = join(o.templatesDir, 'kubernetes');
  const t = {
    namespace: await loadTemplate(join(dir, 'namespace.yaml')),
    configmap: await loadTemplate(join(dir, 'configmap.yaml')),
    deployment: await loadTemplate(join(dir, 'deployment.yaml')),
    service: await loadTemplate(join(dir, 'service.yaml')),
    hpa: await loadTemplate(join(dir, 'hpa.yaml')),
    ingress: await loadTemplate(join(dir, 'ingress.yaml')),
    pdb: await loadTemplate(join(dir, 'pdb.yaml')),
  };
  const spot = isSpotPlan(servers) ? spotScheduling(servers) : undefined;
  const fetchScript = o.archiveUrl ? await readTemplateText(join(dir, 'fetch-models.mjs')) : undefined;
  const serverConfig = await readTemplateText(join(dir, 'config.properties'));
  const commonLabels = { 'app.kubernetes.io/name': APP, 'app.kubernetes.io/managed-by': 'mlserve' };
  const out: RenderedObject[] = [
    { file: 'kubernetes/00-namespace.yaml', object: fillTemplate(t.namespace, { namespace: o.namespace, commonLabels }, 'namespace.yaml') },
  ];

  for (const s of servers) {
    const file = `kubernetes/server-${s.dnsName}.yaml`;
    const selector = { 'app.kubernetes.io/name': APP, 'app.kubernetes.io/instance': s.dnsName };
    const sched = spot?.get(s.dnsName);
    const labels = { ...commonLabels, 'app.kubernetes.io/instance': s.dnsName, 'mlserve.dev/instance-id': toLabelValue(s.instanceId), 'mlserve.dev/processor': s.processor, 'mlserve.dev/processor-index': String(s.processorIndex), ...sched?.labels };
    const configName = `${s.dnsName}-config`;
    const files: Record<string, string> = { 'config.properties': serverConfig };
    if (fetchScript) files['fetch-models.mjs'] = fetchScript;
    const image = o.images[s.processor];
    const volumes: unknown[] = [
      { name: 'tmp', emptyDir: {} },
      { name: 'config', configMap: { name: configName } },
      ...(o.archiveUrl ? [{ name: 'model-store', emptyDir: {} }] : []),
    ];
    const storeMount = o.archiveUrl ? [{ name: 'model-store', mountPath: CONTAINER_STORE }] : [];
    const initContainers = o.archiveUrl
      ? [
          {
            name: 'fetch-models',
            image,
            command: ['node', '/etc/mlserve/fetch-models.mjs'],
            env: [
              { name: 'MLSERVE_MODEL_STORE', value: CONTAINER_STORE },
              { name: 'MLSERVE_FETCH', value: JSON.stringify(s.models.map((m) => ({ url: `${o.archiveUrl!.replace(/\/+$/, '')}/${m.file}`, file: m.file }))) },
            ],
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
            volumeMounts: [...storeMount, { name: 'config', mountPath: '/etc/mlserve', readOnly: true }],
          },
        ]
      : undefined;
    const values = {
      server: s.dnsName,
      namespace: o.namespace,
      labels,
      selector,
      configName,
      files,
      replicas: o.autoscale ? o.autoscale.min : 1,
      modelList: s.models.map((m) => m.name).join(','),
      instanceType: s.instanceType,
      tolerations: s.device || sched?.tolerations.length ? [...(s.device ? [{ key: s.device, operator: 'Exists', effect: 'NoSchedule' }] : []), ...(sched?.tolerations ?? [])] : undefined,
      affinity: sched?.affinity,
      topologySpread: sched?.topologySpread,
      initContainers,
      image,
      workingDir: CONTAINER_WORKDIR,
      managementContainerPort: o.exposeManagement ? { name: 'management', containerPort: 8081, protocol: 'TCP' } : undefined,
      managementServicePort: o.exposeManagement ? { name: 'management', port: 8081, targetPort: 'management', protocol: 'TCP' } : undefined,
      args: serveArgs(s, { store: CONTAINER_STORE, inference: '0.0.0.0:8080', management: o.exposeManagement ? '0.0.0.0:8081' : '127.0.0.1:8081', metrics: '0.0.0.0:8082', grpcInference: '0.0.0.0:7070', grpcManagement: '127.0.0.1:7071' }, [
        '--config',
        '/etc/mlserve/config.properties',
        ...o.extraServeArgs,
      ], false),
      neuronCores: kubernetesNeuronCores(s),
      resources: serverResources(s, o.table, o.shapes[s.instanceType]),
      volumeMounts: [
        { name: 'tmp', mountPath: '/tmp' },
        { name: 'tmp', mountPath: CONTAINER_WORKDIR, subPath: 'work' },
        { name: 'config', mountPath: '/etc/mlserve', readOnly: true },
        ...storeMount,
      ],
      volumes,
      minReplicas: o.autoscale?.min,
      maxReplicas: o.autoscale?.max,
      targetCpu: o.autoscale?.targetCpu,
    };
    out.push({ file, object: fillTemplate(t.configmap, values, 'configmap.yaml') });
    out.push({ file, object: fillTemplate(t.deployment, values, 'deployment.yaml') });
    out.push({ file, object: fillTemplate(t.service, values, 'service.yaml') });
    if (o.autoscale) out.push({ file, object: fillTemplate(t.hpa, values, 'hpa.yaml') });
  }

  for (const b of spot ? disruptionBudgets(servers) : []) {
    const name = `${APP}-${b.group}`;
    const selector = { 'app.kubernetes.io/name': APP, [GROUP_LABEL]: b.group };
    out.push({ file: 'kubernetes/disruption-budgets.yaml', object: fillTemplate(t.pdb, { name, namespace: o.namespace, labels: { ...commonLabels, [GROUP_LABEL]: b.group }, selector }, 'pdb.yaml') });
  }

  if (o.ingress) {
    const paths = servers.flatMap((s) =>
      s.models.flatMap((m) =>
        [`/predictions/${m.name}`, `/v1/models/${m.name}`, `/v2/models/${m.name}`].map((path) => ({
          path,
          pathType: 'Prefix',
          backend: { service: { name: s.dnsName, port: { name: 'inference' } } },
        })),
      ),
    );
    assertOneServerPerModel(servers);
    out.push({
      file: 'kubernetes/ingress.yaml',
      object: fillTemplate(t.ingress, { name: APP, namespace: o.namespace, commonLabels, ingressClass: o.ingress.className, host: o.ingress.host, paths }, 'ingress.yaml'),
    });
  }
  return out;
}

/** Label values: 63 characters of [A-Za-z0-9._-], starting and ending alphanumeric. */
function toLabelValue(v: string): string {
  return v.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

/** An Ingress path can lead to one Service only: replicas of a model on several servers cannot share it. */
function assertOneServerPerModel(servers: DeployServer[]): void {
  const where = new Map<string, string>();
  for (const s of servers) {
    for (const m of s.models) {
      const other = where.get(m.name);
      if (other && other !== s.dnsName) {
        throw new MlsError('MLS_ERR_USAGE', { ingressSplitModel: { name: m.name, other, dnsName: s.dnsName } });
      }
      where.set(m.name, s.dnsName);
    }
  }
}
