/**
 * Worker threads end between two messages, never inside an LMDB write transaction (a thread
 * stopped inside one deadlocks in lmdb-js's clean-up and process.exit waits for it forever).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { open } from 'lmdb';
import type { Worker } from 'node:worker_threads';
import { silentLogger } from '../../src/telemetry/logging.js';
import { ThreadSupervisor } from '../../src/supervision/thread-supervisor.js';

const WRITER = new URL('../helpers/lmdb-writer-thread.js', import.meta.url);

function startWriter(path: string): { supervisor: ThreadSupervisor; worker: Worker; failures: Error[]; exitCode: Promise<number> } {
  const failures: Error[] = [];
  const supervisor = new ThreadSupervisor(silentLogger, (err) => failures.push(err));
  const worker = supervisor.start({ id: 'writer', file: WRITER, workerData: { path } });
  const exitCode = new Promise<number>((resolve) => worker.once('exit', resolve));
  return { supervisor, worker, failures, exitCode };
}

test('a thread busy with write transactions exits at its next message, not after its queue; LMDB is usable after', async () => {
  const path = mkdtempSync(join(tmpdir(), 'sluice-exit-'));
  const { supervisor, worker, failures, exitCode } = startWriter(path);
  let written = 0;
  const first = new Promise<void>((resolve) =>
    worker.on('message', (m: { type: string }) => {
      if (m.type === 'written' && ++written === 1) resolve();
    }),
  );
  const queued = 200;
  for (let i = 0; i < queued; i++) worker.postMessage({ type: 'write', puts: 5_000 });
  await first;

  assert.equal(await supervisor.exitAll(10_000), true);
  assert.equal(await exitCode, 0, 'exited by itself (terminate() would give 1)');
  assert.ok(written < queued, `exited after ${written} of ${queued} queued transactions`);
  assert.deepEqual(failures, [], 'an exit asked for is not a failure');

  // The writer lock was released: this process can write to the same environment.
  const db = open<number, number>({ path });
  db.transactionSync(() => db.putSync(-1, 42));
  assert.equal(db.get(-1), 42);
  await db.close();
});

test('a thread that never reaches its next message is terminated after the bound', async () => {
  const { supervisor, worker, failures, exitCode } = startWriter(mkdtempSync(join(tmpdir(), 'sluice-exit-')));
  const spinning = new Promise<void>((resolve) => worker.on('message', (m: { type: string }) => m.type === 'spinning' && resolve()));
  worker.postMessage({ type: 'spin' });
  await spinning;
  assert.equal(await supervisor.exitAll(300), true, 'terminated: gone');
  assert.equal(await exitCode, 1, 'terminated, not exited by itself');
  assert.deepEqual(failures, []);
});

function runExitScript(mode: 'wait' | 'stuck'): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  const script = fileURLToPath(new URL('../helpers/exit-during-transaction.js', import.meta.url));
  const child = spawn(process.execPath, [script, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  // A hang is what this guards against: give up (and fail) after 30 s instead of waiting.
  const killer = setTimeout(() => child.kill('SIGTERM'), 30_000);
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, out });
    }),
  );
}

test('a process that exits while its thread is inside a write transaction ends with its exit code', async () => {
  const { code, signal, out } = await runExitScript('wait');
  assert.deepEqual({ code, signal }, { code: 7, signal: null }, out);
});

test('a thread that cannot be ended (terminated inside a transaction) makes the process kill itself, not hang', async () => {
  const { code, signal, out } = await runExitScript('stuck');
  assert.deepEqual({ code, signal }, { code: null, signal: 'SIGKILL' }, out);
  assert.match(out, /sluice: worker threads could not be ended \(bound 200 ms\); killing the process \(exit code 7 intended\)/);
});
