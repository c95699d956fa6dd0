/**
 * malloc-tuning.ts keeps freed memory in the process: after it loads, buffers of a few MiB
 * allocated, written and freed one after the other reuse the same memory instead of getting fresh
 * pages from the kernel each time (a page fault per 4 KiB page touched). Each is a little larger
 * than the one before, as fetch responses vary: glibc's own adjustment then never catches up.
 * Counted by the kernel: the minor faults of a child process (/proc/self/stat), with the module and
 * without it (the control).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const MALLOC_TUNING = fileURLToPath(new URL('../../src/malloc-tuning.js', import.meta.url));
const ROUNDS = 100;
const FIRST_BYTES = 1024 * 1024;
const GROWTH_BYTES = 64 * 1024;
/** Pages written over all rounds. */
const PAGES = (ROUNDS * FIRST_BYTES + (GROWTH_BYTES * ROUNDS * (ROUNDS - 1)) / 2) / 4096;

/** Minor page faults while buffers of 1 MiB and growing are allocated, filled and collected. */
function churnFaults(tuned: boolean): number {
  const source = `
    ${tuned ? `await import(${JSON.stringify(MALLOC_TUNING)});` : ''}
    const { readFileSync } = await import('node:fs');
    const faults = () => Number(readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')[7]);
    globalThis.gc();
    const before = faults();
    for (let i = 0; i < ${ROUNDS}; i++) {
      let b = Buffer.allocUnsafeSlow(${FIRST_BYTES} + i * ${GROWTH_BYTES});
      b.fill(i);
      b = null;
      globalThis.gc();
    }
    console.log(faults() - before);
  `;
  // A clean environment: MALLOC_* settings of the developer's would decide the outcome instead.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MALLOC_')));
  const run = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', source], { encoding: 'utf8', env, timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  return Number(run.stdout.trim());
}

test('without malloc-tuning, each freed buffer goes back to the kernel: the control', () => {
  const faults = churnFaults(false);
  assert.ok(faults > PAGES / 2, `${faults} faults for ${PAGES} pages written`);
});

test('with malloc-tuning, the freed memory is reused: a small fraction of the faults', () => {
  const faults = churnFaults(true);
  assert.ok(faults < PAGES / 10, `${faults} faults for ${PAGES} pages written`);
});
