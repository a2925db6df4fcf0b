// What this machine offers a gpu or inf server: the device nodes it can see, onnxruntime-node's
// CUDA provider library and the Neuron runtime library. Read from the file system (and
// `nvidia-smi -L` through exec.ts when no /dev/nvidiaN node is there), so that a server asked for a
// processor can check it before it listens. Tests pass their own DeviceProbe.
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { run } from '../exec.js';

export interface DeviceProbe {
  /** Indices of the NVIDIA GPUs visible to this process (device nodes /dev/nvidiaN), sorted. */
  gpus(): Promise<number[]>;
  /** Indices of the Neuron devices visible to this process (/dev/neuronN), sorted. */
  neuronDevices(): Promise<number[]>;
  /** Path of onnxruntime-node's CUDA execution provider library, when installed. */
  cudaProvider(): Promise<string | undefined>;
  /** Path of the Neuron runtime library (libnrt.so), when installed. */
  neuronRuntime(): Promise<string | undefined>;
}

/** Numbers N of the entries `<prefix>N` of a folder (device nodes). */
export function numberedEntries(names: readonly string[], prefix: string): number[] {
  const re = new RegExp(`^${prefix}(\\d+)$`);
  return names
    .map((n) => re.exec(n)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/** GPU indices of `nvidia-smi -L` lines ("GPU 0: NVIDIA H200 (UUID: ...)"). */
export function parseNvidiaSmi(text: string): number[] {
  return [...text.matchAll(/^GPU (\d+):/gm)].map((m) => Number(m[1]));
}

/** The folder of onnxruntime-node's native binding for this platform (where its installer puts the CUDA provider). */
export function onnxBindingDir(): string | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve('onnxruntime-node/package.json');
    const bin = join(dirname(pkg), 'bin');
    for (const napi of readdirSync(bin).filter((d) => d.startsWith('napi-v')).sort().reverse()) {
      const dir = join(bin, napi, process.platform, process.arch);
      if (existsSync(join(dir, 'onnxruntime_binding.node'))) return dir;
    }
  } catch {
    // not installed: no binding folder
  }
  return undefined;
}

function devNames(): string[] {
  try {
    return readdirSync('/dev');
  } catch {
    return [];
  }
}

/** Where the Neuron SDK's packages put libnrt (aws-neuronx-runtime-lib), then LD_LIBRARY_PATH. */
function neuronLibDirs(env: NodeJS.ProcessEnv): string[] {
  return ['/opt/aws/neuron/lib', ...(env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean)];
}

export function systemProbe(env: NodeJS.ProcessEnv = process.env): DeviceProbe {
  return {
    async gpus() {
      const nodes = numberedEntries(devNames(), 'nvidia');
      if (nodes.length > 0) return nodes;
      // Some drivers create the nodes on first use: ask the driver's own tool.
      try {
        const r = await run('nvidia-smi', ['-L'], { timeout: 10_000 });
        return r.exitCode === 0 ? parseNvidiaSmi(r.stdout) : [];
      } catch {
        return []; // no nvidia-smi: no driver
      }
    },
    async neuronDevices() {
      return numberedEntries(devNames(), 'neuron');
    },
    async cudaProvider() {
      // The CUDA provider loads through the shared provider bridge: both come from the installer.
      const dir = onnxBindingDir();
      const libs = dir ? ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so'].map((f) => join(dir, f)) : [];
      return libs.length > 0 && libs.every((l) => existsSync(l)) ? libs[0] : undefined;
    },
    async neuronRuntime() {
      for (const dir of neuronLibDirs(env)) {
        for (const name of ['libnrt.so.1', 'libnrt.so']) if (existsSync(join(dir, name))) return join(dir, name);
      }
      return undefined;
    },
  };
}
