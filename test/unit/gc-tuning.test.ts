/**
 * The daemon runs without V8's allocation-site pretenuring (gc-tuning.ts): it is off from the
 * module's import on, in the thread that imports it and in threads started after, and
 * `node --allocation-site-pretenuring` keeps V8's default. Observed through V8's own
 * `--trace-pretenuring-statistics`, which prints a line for each allocation site whose survival it
 * judged at a scavenge: with pretenuring off V8 tracks no site, so it prints none.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const GC_TUNING = fileURLToPath(new URL('../../src/gc-tuning.js', import.meta.url));
const CLI = fileURLToPath(new URL('../../daemon/sluice.js', import.meta.url));

/** Objects from one allocation site that survive many scavenges: what V8 tenures by default. */
const SURVIVORS = `
  const kept = [];
  for (let round = 0; round < 100; round++) {
    const batch = [];
    for (let i = 0; i < 20000; i++) batch.push({ i, tags: [i, i + 1], s: 'x' + i });
    kept.push(batch);
    if (kept.length > 8) kept.shift();
  }
  console.log('survivors made');
`;

function pretenuringLines(args: string[], source: string): number {
  const run = spawnSync(
    process.execPath,
    ['--trace-pretenuring', '--trace-pretenuring-statistics', ...args, '--input-type=module', '-e', source],
    { encoding: 'utf8', timeout: 60_000 },
  );
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /survivors made/, 'the allocating code ran to its end');
  return run.stdout.split('\n').filter((line) => line.includes('pretenuring:')).length;
}

test('V8 judges long-lived allocation sites by default: the control that the trace shows pretenuring', () => {
  assert.ok(pretenuringLines([], SURVIVORS) > 0);
});

test('after gc-tuning.js, V8 tracks no allocation site, on the importing thread and in a worker started later', () => {
  assert.equal(pretenuringLines(['--import', GC_TUNING], SURVIVORS), 0);
  const inWorker = `
    import { Worker } from 'node:worker_threads';
    await new Promise((resolve, reject) => new Worker(${JSON.stringify(SURVIVORS)}, { eval: true }).on('exit', resolve).on('error', reject));
  `;
  assert.ok(pretenuringLines([], inWorker) > 0, 'a worker pretenures by default');
  assert.equal(pretenuringLines(['--import', GC_TUNING], inWorker), 0);
});

test("node --allocation-site-pretenuring keeps V8's default", () => {
  assert.ok(pretenuringLines(['--allocation-site-pretenuring', '--import', GC_TUNING], SURVIVORS) > 0);
});

test('a process that loaded the sluice entry point runs without it', () => {
  // `sluice help` loads the CLI and its commands; the same allocations follow, in the same process.
  const source = `process.argv[2] = 'help'; await import(${JSON.stringify(CLI)}); ${SURVIVORS}`;
  assert.equal(pretenuringLines([], source), 0);
});
