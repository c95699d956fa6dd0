#!/usr/bin/env node
// Rewrites the configuration table in README.md from src/config.ts (run after `npm run build`),
// so the README, `sluice config` and validation share one source.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { describeConfig } = await import(`${root}dist/src/config.js`);
const rows = describeConfig({}).map((r) => {
  const def = r.name === 'SLUICE_WORKERS' ? 'available cores' : r.default;
  return `| \`${r.name}\` | ${def === '(unset)' ? 'unset' : `\`${def}\``} | ${r.meaning.replaceAll('|', '\\|')} |`;
});
const table = ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
const readme = readFileSync(`${root}README.md`, 'utf8');
const next = readme.replace(/\| variable \| default \| meaning \|\n\|---\|---\|---\|\n(?:\|.*\|\n)+/, `${table}\n`);
writeFileSync(`${root}README.md`, next);
console.log(next === readme ? 'README configuration table already up to date' : 'README configuration table updated');
