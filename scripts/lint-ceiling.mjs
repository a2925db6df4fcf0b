#!/usr/bin/env node
// `npm run lint`: ESLint over the repository, failing on any error (as `eslint .` does) and on any
// warning count that grows past its ceiling in lint-ceilings.json. The size rules (max-params,
// max-lines-per-function, complexity) are warnings so that today's code passes; the ceilings keep
// new code from adding to them. Counts are kept per rule and per file, so a failure names the file
// that went over and its warnings.
//
//   node scripts/lint-ceiling.mjs            check (what npm test runs)
//   node scripts/lint-ceiling.mjs --update   write today's counts as the ceilings (after removing
//                                            warnings, or when the lead accepts new ones)
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { relative } from 'node:path';
import { ESLint } from 'eslint';

const CEILINGS = 'lint-ceilings.json';
const RULES = ['max-params', 'max-lines-per-function', 'complexity'];

const eslint = new ESLint();
const results = await eslint.lintFiles(['.']);
const errors = results.filter((r) => r.errorCount > 0 || r.fatalErrorCount > 0);
if (errors.length > 0) {
  const formatter = await eslint.loadFormatter('stylish');
  process.stdout.write(await formatter.format(errors));
  process.exit(1);
}

/** rule → file → warnings of that rule in that file. */
const found = Object.fromEntries(RULES.map((rule) => [rule, new Map()]));
const others = [];
for (const r of results) {
  const file = relative(process.cwd(), r.filePath);
  for (const m of r.messages) {
    if (m.severity !== 1) continue;
    const byFile = found[m.ruleId];
    if (!byFile) {
      others.push(`${file}:${m.line}:${m.column} ${m.message} (${m.ruleId})`);
      continue;
    }
    if (!byFile.has(file)) byFile.set(file, []);
    byFile.get(file).push(m);
  }
}

const counts = Object.fromEntries(
  RULES.map((rule) => {
    const files = Object.fromEntries([...found[rule]].sort(([a], [b]) => a.localeCompare(b)).map(([f, ms]) => [f, ms.length]));
    return [rule, { total: Object.values(files).reduce((a, b) => a + b, 0), files }];
  }),
);

if (process.argv.includes('--update')) {
  writeFileSync(CEILINGS, `${JSON.stringify(counts, null, 2)}\n`);
  for (const rule of RULES) console.log(`${rule}: ${counts[rule].total}`);
  console.log(`wrote ${CEILINGS}`);
  process.exit(0);
}

if (!existsSync(CEILINGS)) {
  console.error(`${CEILINGS} is missing: run node scripts/lint-ceiling.mjs --update`);
  process.exit(1);
}
const ceilings = JSON.parse(readFileSync(CEILINGS, 'utf8'));
let failed = others.length > 0;
if (others.length > 0) console.error(`warnings of rules without a ceiling (fix them):\n  ${others.join('\n  ')}`);
for (const rule of RULES) {
  const ceiling = ceilings[rule] ?? { total: 0, files: {} };
  const now = counts[rule];
  // The files over their own count say where the new warnings are.
  const over = Object.entries(now.files).filter(([f, n]) => n > (ceiling.files[f] ?? 0));
  if (now.total > ceiling.total) {
    failed = true;
    console.error(`${rule}: ${now.total} warnings, ceiling ${ceiling.total}`);
    for (const [f, n] of over) {
      console.error(`  ${f}: ${n} (was ${ceiling.files[f] ?? 0})`);
      for (const m of found[rule].get(f)) console.error(`    ${f}:${m.line}:${m.column} ${m.message}`);
    }
  } else if (now.total < ceiling.total) {
    console.log(`${rule}: ${now.total} warnings, below the ceiling ${ceiling.total}: lower it with node scripts/lint-ceiling.mjs --update`);
  }
}
if (failed) {
  console.error(`lint: warning counts over ${CEILINGS}; split the function or pass an options object, or (if the lead accepts it) run node scripts/lint-ceiling.mjs --update`);
  process.exit(1);
}
console.log(`lint: no errors; ${RULES.map((r) => `${r} ${counts[r].total}/${ceilings[r]?.total ?? 0}`).join(', ')}`);
