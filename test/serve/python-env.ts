// Finds the Python interpreters the Python-worker tests can use: any python3 for handlers without
// torch, and one with torch for the TorchScript tests (Debian's /usr/bin/python3 after
// `apt-get install python3-torch`; the python3 first on PATH may be another without it).
import { execFileSync } from 'node:child_process';
import { findInterpreter } from '../../src/serve/frontend/python-env.js';

function imports(python: string, module: string): boolean {
  try {
    execFileSync(python, ['-c', `import ${module}`], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

const CANDIDATES = [process.env.MLSERVE_TEST_PYTHON, process.env.MLSERVE_PYTHON, '/usr/bin/python3', 'python3'].filter((p): p is string => Boolean(p));

/** An interpreter that imports `module` (torch, or a stdlib module for any Python). */
export async function pythonWith(module = 'json'): Promise<string | undefined> {
  for (const c of CANDIDATES) {
    const found = await findInterpreter(c);
    if (found && imports(found, module)) return found;
  }
  return undefined;
}
