// The instance catalog pack uses: the default shipped with mlserve, extended or replaced by a
// user's file (--catalog, --catalog-mode).
import { join } from 'node:path';
import { readCatalog, type Catalog } from '../../formats/catalog.js';
import { PACKAGE_ROOT } from '../../paths.js';

export const DEFAULT_CATALOG_PATH = join(PACKAGE_ROOT, 'src/pack/default-catalog.yaml');

export function loadDefaultCatalog(): Promise<Catalog> {
  return readCatalog(DEFAULT_CATALOG_PATH);
}

/** `extend`: the user's types and families override same-named defaults, new ones are added. */
export async function loadCatalog(userPath?: string, mode: 'extend' | 'replace' = 'extend'): Promise<Catalog> {
  if (userPath && mode === 'replace') return readCatalog(userPath);
  const base = await loadDefaultCatalog();
  if (!userPath) return base;
  const user = await readCatalog(userPath);
  return {
    ...base,
    instanceTypes: { ...base.instanceTypes, ...user.instanceTypes },
    families: { ...base.families, ...user.families },
    ...(user.spot ?? base.spot ? { spot: user.spot ?? base.spot } : {}),
  };
}
