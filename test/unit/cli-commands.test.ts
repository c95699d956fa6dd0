/**
 * The `sluice` command line as a user meets it first: help, the version, an unknown command. Runs
 * the built daemon bundle (dist/daemon/sluice.js), as `npm start` and the package's bin do.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CLI } from '../helpers/daemon-process.js';

const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

function sluice(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
}

test('sluice version, --version and -v print the package version, and the bundled kafkajs with its fast paths on, on stdout and exit 0', () => {
  const kafkajs = (
    JSON.parse(readFileSync(new URL('../../../node_modules/kafkajs/package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;
  for (const flag of ['version', '--version', '-v']) {
    const r = sluice(flag);
    assert.equal(r.status, 0, `${flag}: ${r.stderr}`);
    assert.equal(r.stdout, `sluice ${PACKAGE_VERSION}\nkafkajs ${kafkajs} (bundled): fast record decoding on, fast producing on\n`, flag);
    assert.equal(r.stderr, '', flag);
  }
});

test('sluice help lists every command; an unknown one exits 2 with the reason and the usage on stderr', () => {
  const help = sluice('help');
  assert.equal(help.status, 0);
  for (const command of ['run', 'check', 'savepoint', 'stop', 'status', 'config', 'version', 'help']) {
    assert.match(help.stdout, new RegExp(`^  sluice ${command} `, 'm'), command);
  }
  const unknown = sluice('--verison');
  assert.equal(unknown.status, 2);
  assert.equal(unknown.stdout, '');
  assert.match(unknown.stderr, /^sluice: unknown command "--verison"\n\nsluice: a stream processor/);
});
