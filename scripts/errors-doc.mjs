#!/usr/bin/env node
// Writes docs/errors.md from the error catalog (run after `npm run build`; `npm run errors:doc` does both).
import { writeFileSync } from 'node:fs';
import { errorsReference } from '../dist/src/errors/reference.js';

writeFileSync(new URL('../docs/errors.md', import.meta.url), errorsReference());
console.log('wrote docs/errors.md');
