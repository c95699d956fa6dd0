/**
 * The install tests every kafkajs module swap (src/streams/kafkajs-modules.ts) owes, each in a fresh
 * node process (installing is per process, each with its own module cache): installed before
 * kafkajs loads, kafkajs takes the swapped modules and a second install changes nothing; after
 * kafkajs has loaded, installing does nothing and says why; the `sluice` entry point installs it
 * (in the kafkajs its bundle carries).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

export interface SwapInstall {
  /** The built module that exports the install (absolute path of its .js). */
  module: string;
  /** Its install function and its status function. */
  install: string;
  status: string;
  /** What `sluice version` calls it ("<label> on" when installed). */
  versionLabel: string;
  /** name -> kafkajs module it swaps (`kafkajs/src/...`): each reported as swapped or not. */
  swaps: Record<string, string>;
}

const CLI = fileURLToPath(new URL('../../daemon/sluice.js', import.meta.url));

/** Runs `source` as an ES module in a fresh node process; the JSON its last stdout line prints. */
function runModuleScript(source: string): unknown {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', source], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout.trim().split('\n').at(-1) as string);
}

export function testSwapInstall(swap: SwapInstall): void {
  const module = JSON.stringify(swap.module);
  const names = Object.keys(swap.swaps);
  /** Prints `extra` (variables of the script) and whether each swapped module holds sluice's export. */
  const report = (extra = '') => `
    const { createRequire } = await import('node:module');
    const req = createRequire(${module});
    const swapped = (m) => req(m).sluiceSwapped === true;
    console.log(JSON.stringify({ ${extra} ${names.map((n) => `${JSON.stringify(n)}: swapped(${JSON.stringify(swap.swaps[n])})`).join(', ')} }));
  `;
  const each = (value: boolean) => Object.fromEntries(names.map((n) => [n, value]));

  test('installed before kafkajs loads, kafkajs takes the swapped modules; installing again changes nothing', () => {
    const out = runModuleScript(`
      const { ${swap.install} } = await import(${module});
      const first = ${swap.install}();
      await import('kafkajs');
      const again = ${swap.install}();
      ${report('first, again,')}
    `);
    assert.deepStrictEqual(out, { first: { installed: true }, again: { installed: true }, ...each(true) });
  });

  test('after kafkajs has loaded, installing does nothing and says why', () => {
    const out = runModuleScript(`
      await import('kafkajs');
      const { ${swap.install}, ${swap.status} } = await import(${module});
      const result = ${swap.install}();
      ${report(`result, status: ${swap.status}(),`)}
    `);
    const reason = 'kafkajs is loaded already (install before importing kafkajs)';
    assert.deepStrictEqual(out, { result: { installed: false, reason }, status: { installed: false, reason }, ...each(false) });
  });

  test('the sluice entry point installs it in its bundled kafkajs before that loads', () => {
    // The daemon bundle carries kafkajs (scripts/bundle.mjs): `sluice version` says what its swaps did.
    const run = spawnSync(process.execPath, [CLI, 'version'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^kafkajs \\S+ \\(bundled\\): .*\\b${swap.versionLabel} on\\b`, 'm'));
  });
}
