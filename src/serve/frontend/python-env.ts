// The Python interpreter a model's workers run on, and the model's own dependencies.
// Precedence: `python` in the model's model-config.yaml, then the server's --python / MLSERVE_PYTHON,
// then `python3` on PATH. An interpreter that cannot be found is a coded error at registration:
// the server stays up and says which interpreter it looked for.
import { access, constants, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { MlsError } from '../../errors.js';
import { run } from '../../exec.js';
import { PACKAGE_ROOT } from '../../paths.js';

/** The folder holding mlserve_worker/ and mlserve's `ts` package (shipped with the package). */
export const PYTHON_SOURCES = join(PACKAGE_ROOT, 'src', 'serve', 'python');

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Resolves a command name on PATH (or checks a path) to an executable file. */
export async function findInterpreter(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (name.includes('/')) return (await executable(resolve(name))) ? resolve(name) : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isAbsolute(dir) && (await executable(join(dir, name)))) return join(dir, name);
  }
  return undefined;
}

export async function choosePython(modelConfig: Record<string, unknown>, serverPython: string | undefined, model: string): Promise<string> {
  const fromModel = typeof modelConfig.python === 'string' ? modelConfig.python : undefined;
  const wanted = fromModel ?? serverPython ?? 'python3';
  const found = await findInterpreter(wanted);
  if (!found) {
    const where = fromModel ? `model-config.yaml of ${model}` : serverPython ? '--python / MLSERVE_PYTHON' : 'the default (python3 on PATH)';
    throw new MlsError('MLS_ERR_SERVE_PYTHON_NOT_FOUND', { model, wanted, where }, {
      details: { python: wanted },
    });
  }
  return found;
}

const DEPS_DIR = '.mlserve-python-deps';

/**
 * install_py_dep_per_model: the archive's requirements file installed with pip into a folder of
 * the model (put first on the worker's sys.path), once per extracted archive.
 */
export async function installModelDependencies(python: string, modelDir: string, requirementsFile: string | undefined, model: string): Promise<string[]> {
  if (!requirementsFile) return [];
  const target = join(modelDir, DEPS_DIR);
  const marker = join(target, '.installed');
  const req = resolve(modelDir, requirementsFile);
  const text = await readFile(req, 'utf8').catch(() => undefined);
  if (text === undefined) throw new MlsError('MLS_ERR_SERVE_INVALID_ARCHIVE', { noRequirementsFile: { model, requirementsFile } });
  if ((await readFile(marker, 'utf8').catch(() => '')) === text) return [target];
  await rm(target, { recursive: true, force: true });
  await mkdir(target, { recursive: true });
  const r = await run(python, ['-m', 'pip', 'install', '--no-input', '--disable-pip-version-check', '--target', target, '-r', req], { timeout: 600_000 });
  if (r.exitCode !== 0) {
    await rm(target, { recursive: true, force: true });
    const tail = `${r.stderr}\n${r.stdout}`.trim().split('\n').slice(-4).join('\n');
    throw new MlsError('MLS_ERR_SERVE_PYTHON_DEPS', { model, requirementsFile, tail }, { details: { python } });
  }
  await writeFile(marker, text);
  return [target];
}
