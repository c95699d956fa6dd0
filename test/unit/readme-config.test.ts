/**
 * The README's configuration table is written from src/config.ts's VARIABLES: every variable has
 * its row, with its default and its meaning, in the same order. A failure prints the row to paste.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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
