// Where mlserve's own files are, whether it runs from dist/ (built) or from sources (tsx).
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'templates'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('mlserve: cannot find the package root');
}

/** The package root (the folder holding package.json, templates/ and fixtures/). */
export const PACKAGE_ROOT = findRoot();
export const TEMPLATES_DIR = join(PACKAGE_ROOT, 'templates');
export const FIXTURES_DIR = join(PACKAGE_ROOT, 'fixtures');

/** True when this module runs from TypeScript sources (tsx) rather than dist/. */
export const RUNNING_FROM_SOURCE = import.meta.url.endsWith('.ts');

/** Path of a module under src/ as it exists at run time (dist/src/x.js or src/x.ts). */
export function runtimeModulePath(srcRelative: string): string {
  const base = srcRelative.replace(/\.(ts|js)$/, '');
  return RUNNING_FROM_SOURCE ? join(PACKAGE_ROOT, 'src', `${base}.ts`) : join(PACKAGE_ROOT, 'dist', 'src', `${base}.js`);
}

/** The CLI entry point as it exists at run time. */
export const CLI_PATH = runtimeModulePath('cli');
