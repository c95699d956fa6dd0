/**
 * The README's configuration table is written from src/config.ts's VARIABLES: every variable has
 * its row, with its default and its meaning, in the same order. A failure prints the row to paste.
 * The docs stay true to the code too: the contract's variables and defaults, every SLUICE_ name
 * mentioned, and every relative link.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { VARIABLES } from '../../src/config.js';

const README = fileURLToPath(new URL('../../../README.md', import.meta.url));

/** Defaults computed on the machine are shown in words, as their meaning explains. */
const MACHINE_DEFAULTS: Record<string, string> = { SLUICE_WORKERS: 'available cores' };

test('the README configuration table lists every variable with its default and meaning, in order', () => {
  const lines = readFileSync(README, 'utf8').split('\n');
  const header = lines.indexOf('| variable | default | meaning |');
  assert.ok(header >= 0, 'the configuration table header');
  const end = lines.indexOf('', header);
  const rows = lines
    .slice(header + 2, end)
    .filter((line) => line.startsWith('| `SLUICE_'))
    .map((line) => line.split(' | ').map((cell) => cell.replace(/^\| /, '').replace(/ \|$/, '')));
  const documented = rows.map((cells) => (cells[0] ?? '').replaceAll('`', ''));
  const wanted = Object.keys(VARIABLES);
  for (const [name, spec] of Object.entries(VARIABLES) as Array<[string, { default: string | undefined; meaning: string }]>) {
    const shown = MACHINE_DEFAULTS[name] ?? (spec.default === undefined ? 'unset' : spec.default);
    const row = `| \`${name}\` | ${shown === 'unset' ? 'unset' : `\`${shown}\``} | ${spec.meaning} |`;
    const cells = rows[documented.indexOf(name)];
    assert.ok(cells, `README lacks the row:\n${row}`);
    assert.equal(`| ${cells.join(' | ')} |`, row, `README row of ${name} differs from src/config.ts; it should be:\n${row}`);
  }
  assert.deepEqual(documented, wanted, 'the same variables, in the order of src/config.ts');
});

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** Variables of the scripts, tests and benches, which src/config.ts does not own. */
const TOOLING_PREFIXES = ['SLUICE_STACK_', 'SLUICE_TEST_', 'SLUICE_BENCH_'];
/** Promised by the contract, not built yet (docs/contract.md says so): none today. */
const NOT_BUILT = new Set<string>();

test("docs/contract.md's table of the contract's variables agrees with src/config.ts", () => {
  const lines = readFileSync(`${REPO}docs/contract.md`, 'utf8').split('\n');
  const header = lines.indexOf('| variable | default | meaning |');
  assert.ok(header >= 0, 'the contract variables table header');
  const end = lines.indexOf('', header);
  const rows = lines.slice(header + 2, end).filter((line) => line.startsWith('| `SLUICE_'));
  assert.ok(rows.length >= 20, 'the contract names at least 20 variables');
  const specs = VARIABLES as Record<string, { default: string | undefined }>;
  for (const line of rows) {
    const [name, shown] = line.split(' | ').map((cell) => cell.replace(/^\| /, '').replaceAll('`', ''));
    const spec = specs[name as string];
    assert.ok(spec, `docs/contract.md names ${name}, which src/config.ts does not define`);
    const wanted = MACHINE_DEFAULTS[name as string] ?? spec.default ?? 'unset';
    assert.equal(shown, wanted, `docs/contract.md gives ${name} the default ${shown}; src/config.ts says ${wanted}`);
  }
});

test('README.md and docs/ name only variables that exist (or are tooling, or said to be not built)', () => {
  const files = [
    'README.md',
    ...readdirSync(`${REPO}docs`, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];
  const known = new Set(Object.keys(VARIABLES));
  for (const file of files) {
    const text = readFileSync(`${REPO}${file}`, 'utf8');
    for (const [name] of text.matchAll(/\bSLUICE_[A-Z0-9_]*[A-Z0-9]\b/g)) {
      if (known.has(name) || NOT_BUILT.has(name) || TOOLING_PREFIXES.some((p) => name.startsWith(p))) continue;
      // A family written with a wildcard (SLUICE_KAFKA_SASL_*) must be a prefix of known names.
      if (text.includes(`${name}_*`) && [...known].some((k) => k.startsWith(`${name}_`))) continue;
      assert.fail(`${file} names ${name}, which src/config.ts does not define`);
    }
  }
});

test('relative links in README.md and docs/ point at files that exist', () => {
  const files = [
    'README.md',
    ...readdirSync(`${REPO}docs`, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];
  for (const file of files) {
    const text = readFileSync(`${REPO}${file}`, 'utf8');
    for (const [, target] of text.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)) {
      if (/^[a-z]+:/.test(target as string)) continue;
      const resolved = resolve(dirname(`${REPO}${file}`), target as string);
      assert.ok(resolved.startsWith(REPO), `${file} links to ${target}, outside the repository`);
      assert.ok(existsSync(resolved), `${file} links to ${target}, which does not exist`);
    }
  }
});
