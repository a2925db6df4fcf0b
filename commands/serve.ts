import { Command } from 'commander';
import { bytesArg, choiceArg, durationArg, intArg, listArg } from '../src/cli-options.js';
import { printResult } from '../src/output.js';
import { stderrLogger } from '../src/log.js';
import type { ServeFlags } from '../src/serve/run.js';

type ServeCliFlags = ServeFlags & { stop?: boolean; json?: boolean };

export function serveCommand(): Command {
  return new Command('serve')
    .description('Run the model server (TorchServe-compatible inference, management and metrics APIs, gRPC on 7070/7071), or stop one with --stop')
    .option('--model-store <dir>', 'folder holding the model archives (default ./model_store)')
    .option('--models <all|name=file.mar,...>', 'models to load at start: all, or name=file.mar / file.mar entries', listArg)
    .option('--config <file>', 'TorchServe-style config.properties (inference_address, model_store, load_models, job_queue_size, ...)')
    .option('--inference-address <host:port>', 'inference API address (default 127.0.0.1:8080; port 0 picks one)')
    .option('--management-address <host:port>', 'management API address (default 127.0.0.1:8081)')
    .option('--metrics-address <host:port>', 'Prometheus metrics address (default 127.0.0.1:8082)')
    .option('--grpc-inference-address <host:port>', "gRPC inference address: TorchServe's InferenceAPIsService and KServe's GRPCInferenceService (default 127.0.0.1:7070)")
    .option('--grpc-management-address <host:port>', "gRPC management address: TorchServe's ManagementAPIsService (default 127.0.0.1:7071)")
    .option('--no-grpc', 'do not start the gRPC listeners')
    .option('--pid-file <file>', 'pid file of the server (default $TMPDIR/.mlserve-<hash of the model store>.pid: one per store)')
    .option('--workers <n>', 'workers per model loaded at start (default_workers_per_model; default: one per CPU core, or one per GPU on a gpu server, as TorchServe)', intArg('--workers', 0, 64))
    .option('--job-queue-size <n>', 'queued requests per model before 503 (default 100)', intArg('--job-queue-size', 1, 1_000_000))
    .option('--token-auth', 'require `Authorization: Bearer <management key>` on the management API (keys written to --key-file)')
    .option('--key-file <file>', 'where --token-auth writes its keys, mode 0600 (default: key_file.json next to the pid file)')
    .option('--snapshot-file <file>', 'registrations saved after every change, restored at start when no --models is given (default: next to the pid file)')
    .option('--no-snapshot', 'do not save or restore registrations')
    .option('--shared-workers <n>', 'host all models in n shared worker processes, many models each, loaded on first request (default 0: processes per model)', intArg('--shared-workers', 0, 256))
    .option('--max-model-memory <size>', 'budget for loaded models (e.g. 2GB); least recently used idle models are unloaded and reloaded on demand (implies --shared-workers)', bytesArg('--max-model-memory'))
    .option('--model-control <mode>', "Triton's model control: none (load the whole store at start), poll (follow the store: load, reload, unload), explicit (API only)", choiceArg('--model-control', ['none', 'poll', 'explicit'] as const))
    .option('--poll-interval <duration>', 'how often --model-control poll scans the store (default 2s)', durationArg('--poll-interval'))
    .option('--http-transport <kind>', 'inference transport: auto (llhttp after a start-up check, else node:http, logged), llhttp (refuse to start if its check fails) or node (default auto; env MLSERVE_HTTP_TRANSPORT)', choiceArg('--http-transport', ['auto', 'llhttp', 'node'] as const))
    .option('--python <path>', 'Python interpreter for models with Python handlers (default: MLSERVE_PYTHON, else python3 on PATH; `python:` in a model-config.yaml wins)')
    .option('--processor <kind>', 'what the models run on: cpu, gpu (CUDA; ONNX on onnxruntime\'s CUDA provider, gpu_id for Python handlers) or inf (Neuron, Python handlers); default MLSERVE_PROCESSOR, else cpu. A processor that cannot be used is refused at start', choiceArg('--processor', ['cpu', 'gpu', 'inf'] as const))
    .option('--devices <n,...>', 'the GPUs or Neuron devices this server owns (default MLSERVE_DEVICES, else every visible one)', listArg)
    .option('--neuron-cores-per-device <n>', 'inf: NeuronCores per Neuron device, for NEURON_RT_VISIBLE_CORES (inf1: 4, the default; inf2, trn1: 2)', intArg('--neuron-cores-per-device', 1, 64))
    .option('--allow-cpu-fallback', 'when --processor gpu|inf cannot be used, run on the CPU (said in the log, describe, /v2 metadata and metrics) instead of refusing to start')
    .option('--stop', 'stop the server named by the pid file (SIGTERM, waits until it exits)')
    .option('--json', 'print one JSON line when ready (or the --stop result as JSON)')
    .action(async (flags: ServeCliFlags) => {
      if (flags.stop) {
        const { stopServer } = await import('../src/serve/pid-file.js');
        const { resolveServeOptions } = await import('../src/serve/run.js');
        const r = await stopServer((await resolveServeOptions(flags, stderrLogger())).pidFile);
        printResult({ json: Boolean(flags.json), value: { stopped: true, ...r }, text: (v) => `stopped the server (pid ${v.pid})` });
        return;
      }
      const { runServe } = await import('../src/serve/run.js');
      const log = stderrLogger();
      await runServe(flags, log, (h) => {
        const grpc = { ...(h.grpcInference ? { grpcInference: h.grpcInference } : {}), ...(h.grpcManagement ? { grpcManagement: h.grpcManagement } : {}) };
        const ready = { ok: true, event: 'ready', pid: h.pid, inference: h.inference, management: h.management, metrics: h.metrics, ...grpc, models: h.models };
        if (flags.json) process.stdout.write(`${JSON.stringify(ready)}\n`);
        else log.info(`mlserve serve ready (pid ${h.pid}): inference ${h.inference}, management ${h.management}, metrics ${h.metrics}${h.grpcInference ? `, gRPC ${h.grpcInference} / ${h.grpcManagement ?? 'no management'}` : ''}; models: ${h.models.join(', ') || 'none'}`);
      });
    });
}
