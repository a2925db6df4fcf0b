// `mlserve trace`: for each model, optimize and check it here, measure it in a fresh process, and
// write one profile per model. A model that fails is reported with its code; the others' profiles
// are still written.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { toMlsError, MlsError } from '../errors.js';
import { writeProfiles, type ModelProfile } from '../formats/profiles.js';
import { readExample } from './example-file.js';
import { familyResources, loadCatalog, MEASURED_FAMILY, type MeasuredFigures } from './estimate.js';
import { deviceBusy, onnxProviders, pythonOnDevice, traceDevice, withDeviceFigures, type TraceDevice } from './device-trace.js';
import type { DeviceProbe } from '../serve/devices.js';
import { hostInfo, type HostInfo } from './host-info.js';
import { DEFAULT_MEASURE, measureModel, type MeasureSettings } from './measure.js';
import { resolveModelSource } from './model-source.js';
import { optimizeModel } from './optimize.js';
import { buildProfile } from './profile-entry.js';
import { rebuildArchive } from './rebuild-archive.js';
import { measurePythonArchive } from './python-measure.js';
import { choosePython } from '../serve/frontend/python-env.js';
import type { ModelSource } from './model-source.js';
import { savedOptimizationLevel, SERVING_LEVEL, type Processor, type SavedLevel } from './session.js';

export interface TraceOptions {
  inputs: string[];
  processor: Processor;
  batchSize: number;
  /** Expected requests per second of each model (util is the busy share at this rate). */
  rps: number;
  examplePath?: string;
  /** --shape by input name; applies to every model that has that input. */
  shapes: Record<string, number[]>;
  out: string;
  /** Where optimized models (and rebuilt archives) go; default `optimized/` next to `out`. */
  optimizedDir?: string;
  writeArchive: boolean;
  catalogPath?: string;
  measure?: Partial<MeasureSettings>;
  tolerance?: number;
  /** Copies to place per model name (--replicas name=N); others get 1. */
  replicas?: Record<string, number>;
  /** Interpreter for archives with Python handlers (else MLSERVE_PYTHON, else python3; model-config `python` wins). */
  python?: string;
  /** What the machine offers (tests inject one): trace measures on a gpu / inf device when one is usable. */
  probe?: DeviceProbe;
}

export type TracePhase = 'queued' | 'optimizing' | 'measuring' | 'archiving' | 'done' | 'failed';

export interface TraceEvent {
  index: number;
  input: string;
  model?: string;
  phase: TracePhase;
  profile?: ModelProfile;
  error?: MlsError;
}

export interface TraceFailure {
  input: string;
  model?: string;
  code: string;
  message: string;
  hint: string;
  exitCode: number;
  details?: Record<string, unknown>;
}

export interface TraceResult {
  ok: boolean;
  /** profiles.yaml written (absent when no model could be traced). */
  out?: string;
  processor: Processor;
  /** Graph optimizations saved in the optimized models. */
  optimization: SavedLevel;
  host: HostInfo;
  profiles: ModelProfile[];
  failures: TraceFailure[];
  /** E.g. a --shape naming an input no traced model has (a typo would otherwise go unnoticed). */
  warnings: string[];
  /** The device measured on (trace --processor gpu|inf where one is usable), e.g. "gpu 0". */
  measuredOn?: string;
}

/** A model name as a file name: names come from manifests, which must not reach outside the folder. */
function fileStem(model: string): string {
  return model.replace(/[^\w.-]/g, '_').replace(/^\.+/, '_');
}

export async function traceModels(opts: TraceOptions, onEvent: (e: TraceEvent) => void = () => {}): Promise<TraceResult> {
  const settings: MeasureSettings = { ...DEFAULT_MEASURE, ...opts.measure };
  const catalog = await loadCatalog(opts.catalogPath);
  // Python archives take --example as a request body: it is parsed as tensors only for ONNX models.
  const parsedExample = opts.examplePath ? await readExample(opts.examplePath).catch((e: unknown) => toMlsError(e)) : undefined;
  // Only archives can hold Python handlers: with bare .onnx files a bad example stops the run at once.
  if (parsedExample instanceof MlsError && opts.inputs.every((i) => /\.onnx$/i.test(i))) throw parsedExample;
  const example = parsedExample instanceof MlsError ? undefined : parsedExample;
  const optimizedDir = opts.optimizedDir ?? join(dirname(opts.out), 'optimized');
  const host = hostInfo(settings.threads);
  const profiles: ModelProfile[] = [];
  const failures: TraceFailure[] = [];
  const names = new Set<string>();
  const inputNames = new Set<string>();
  opts.inputs.forEach((input, index) => onEvent({ index, input, phase: 'queued' }));
  const device = await traceDevice(opts.processor, opts.probe);
  // The families of the device's kind get the device's figures; the others are estimated as before.
  const resourcesOf = (measured: MeasuredFigures) => {
    const all = familyResources(catalog, measured);
    return device ? withDeviceFigures(all, all[MEASURED_FAMILY]!, device) : all;
  };
  const workDir = await mkdtemp(join(tmpdir(), 'mlserve-trace-'));
  try {
    for (const [index, input] of opts.inputs.entries()) {
      let model: string | undefined;
      try {
        const source = await resolveModelSource(input, join(workDir, String(index)));
        model = source.name;
        if (names.has(model)) throw new MlsError('MLS_ERR_TRACE_DUPLICATE_NAME', { model, input }, { details: { model } });
        names.add(model);
        if (source.python) {
          onEvent({ index, input, model, phase: 'measuring' });
          const profile = await tracePython(source, opts, settings, host, resourcesOf, device);
          profiles.push(profile);
          onEvent({ index, input, model, phase: 'done', profile });
          continue;
        }
        if (parsedExample instanceof MlsError) throw parsedExample;
        onEvent({ index, input, model, phase: 'optimizing' });
        const single = opts.inputs.length === 1;
        const optimized = await optimizeModel({
          model,
          modelPath: source.modelPath,
          optimizedPath: join(optimizedDir, `${fileStem(model)}.onnx`),
          processor: opts.processor,
          batchSize: opts.batchSize,
          shapes: opts.shapes,
          ...(example ? { example } : {}),
          strictNames: single,
          threads: settings.threads,
          ...(opts.tolerance !== undefined ? { tolerance: opts.tolerance } : {}),
        });
        for (const plan of optimized.plans) inputNames.add(plan.name);
        onEvent({ index, input, model, phase: 'measuring' });
        const { timeoutMs, ...job } = settings;
        // ONNX runs on the device only through onnxruntime's CUDA provider; otherwise it is measured on the CPU and the device estimated.
        const providers = device ? onnxProviders(device) : undefined;
        const cpuMeasurement = await measureModel(
          { ...job, model, modelPath: optimized.optimizedPath, level: SERVING_LEVEL, plans: optimized.plans, batchSize: optimized.batchSize, ...(providers ? { executionProviders: providers } : {}) },
          timeoutMs,
        );
        const measurement = providers ? deviceBusy(cpuMeasurement) : cpuMeasurement;
        let archive: string | undefined = source.archive ? input : undefined;
        if (opts.writeArchive && source.archive) {
          onEvent({ index, input, model, phase: 'archiving' });
          archive = (await rebuildArchive(source, optimized.optimizedPath, optimizedDir, join(workDir, `${index}-staging`))).path;
        }
        const profile = buildProfile({ name: model, input, archive, out: opts.out, optimized, measurement, rps: opts.rps, host, processor: opts.processor, replicas: opts.replicas?.[model] ?? 1 }, (measured) =>
          providers ? resourcesOf(measured) : familyResources(catalog, measured),
        );
        profiles.push(profile);
        onEvent({ index, input, model, phase: 'done', profile });
      } catch (e) {
        const err = toMlsError(e);
        failures.push({ input, ...(model ? { model } : {}), code: err.code, message: err.message, hint: err.hint, exitCode: err.exitCode, ...(err.details ? { details: err.details } : {}) });
        onEvent({ index, input, ...(model ? { model } : {}), phase: 'failed', error: err });
      }
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
  const unknownReplicas = Object.keys(opts.replicas ?? {}).filter((n) => !names.has(n));
  if (unknownReplicas.length) {
    throw new MlsError('MLS_ERR_USAGE', { replicasUnknownModel: { unknownReplicas: unknownReplicas.map((n) => `"${n}"`).join(', ') } }, { details: { known: [...names] } });
  }
  if (profiles.length > 0) {
    await writeProfiles(opts.out, { apiVersion: 'mlserve/v1', kind: 'ModelProfiles', createdAt: new Date().toISOString(), models: profiles });
  }
  const optimization = savedOptimizationLevel(opts.processor);
  const warnings = profiles.length === 0 ? [] : unusedNames(opts.shapes, example, inputNames);
  return { ok: failures.length === 0, ...(profiles.length > 0 ? { out: opts.out } : {}), processor: opts.processor, optimization, host, profiles, failures, warnings, ...(device ? { measuredOn: `${device.processor} ${device.deviceId}` } : {}) };
}

/** A Python archive: measured through a Python worker; nothing to optimize, the archive is deployed as it is. */
async function tracePython(source: ModelSource, opts: TraceOptions, settings: MeasureSettings, host: HostInfo, resources: Parameters<typeof buildProfile>[1], device?: TraceDevice): Promise<ModelProfile> {
  const archive = source.archive!;
  const python = await choosePython(archive.modelConfig ?? {}, opts.python ?? process.env.MLSERVE_PYTHON, source.name);
  const onDevice = device ? pythonOnDevice(device) : undefined;
  const measured0 = await measurePythonArchive({ model: source.name, archive, python, examplePath: opts.examplePath, batchSize: opts.batchSize, settings, ...(onDevice ? { onDevice } : {}) });
  const measurement = device ? deviceBusy(measured0) : measured0;
  const optimized = { plans: [], optimizedPath: source.modelPath, level: 'basic' as SavedLevel, batchSize: opts.batchSize, maxAbsDiff: 0, outputs: [] };
  const profile = buildProfile({ name: source.name, input: source.input, archive: source.input, out: opts.out, optimized, measurement, rps: opts.rps, host, processor: opts.processor }, resources);
  // No ONNX optimization happened: say what ran instead of onnxruntime levels.
  const measured = { ...profile.measured, servedWith: 'python worker', python, handler: archive.manifest.model.handler };
  delete measured.optimizedModel;
  delete measured.graphOptimization;
  delete measured.maxAbsDiff;
  return { ...profile, measured };
}

function unusedNames(shapes: Record<string, number[]>, example: Record<string, unknown> | undefined, used: Set<string>): string[] {
  const flags: Array<[string, string[]]> = [
    ['--shape', Object.keys(shapes)],
    ['--example', Object.keys(example ?? {})],
  ];
  return flags.flatMap(([flag, names]) => names.filter((n) => !used.has(n)).map((n) => `${flag} ${n}: no traced model has an input named "${n}"`));
}
