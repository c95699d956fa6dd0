/**
 * Prestarted threads (cli.ts starts the window workers before the main thread loads its modules):
 * the supervisor adopts one started from the same file with the same limits, hands it its
 * envelope as its first message, and it then behaves as a thread started with workerData; one
 * with other limits is not adopted, and the ones nobody adopted are terminated.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { open } from 'lmdb';
import { adoptPrestarted, discardPrestarted, prestartThreads } from '../../src/supervision/thread-prestart.js';
import { ThreadSupervisor } from '../../src/supervision/thread-supervisor.js';
import { silentLogger } from '../../src/telemetry/logging.js';

const WRITER = new URL('../helpers/lmdb-writer-thread.js', import.meta.url);
const LIMITS = { maxOldGenerationSizeMb: 64 };

test('a prestarted thread is adopted, gets its envelope first and works as one started with workerData', async () => {
  prestartThreads(WRITER, 1, LIMITS);
  const path = mkdtempSync(join(tmpdir(), 'sluice-prestart-'));
  const failures: Error[] = [];
  const supervisor = new ThreadSupervisor(silentLogger, (err) => failures.push(err));
  const worker = supervisor.start({ id: 'writer', file: WRITER, workerData: { path }, resourceLimits: LIMITS });
  assert.equal(adoptPrestarted(WRITER, LIMITS), undefined, 'the only prestarted thread was taken by the supervisor');
  assert.equal(supervisor.adoptedThreads, 1);

  // Its envelope (the path) reached it: it writes to that environment.
  const written = new Promise<void>((resolve) => worker.on('message', (m: { type: string }) => m.type === 'written' && resolve()));
  worker.postMessage({ type: 'write', puts: 10 });
  await written;
  const exitCode = new Promise<number>((resolve) => worker.once('exit', resolve));
  assert.equal(await supervisor.exitAll(10_000), true);
  assert.equal(await exitCode, 0, 'it ends between two messages like any supervised thread');
  assert.deepEqual(failures, []);
  const db = open<number, number>({ path });
  assert.equal(db.getKeysCount(), 10);
  await db.close();
});

test('a prestarted thread with other limits is not adopted; discarding terminates it', async () => {
  prestartThreads(WRITER, 1, LIMITS);
  assert.equal(adoptPrestarted(WRITER, { maxOldGenerationSizeMb: 128 }), undefined);
  assert.equal(adoptPrestarted(new URL('../helpers/other-thread.js', import.meta.url), LIMITS), undefined);
  const taken = adoptPrestarted(WRITER, LIMITS);
  assert.ok(taken, 'the same file and limits are adopted');
  await taken.terminate();

  const discarded = prestartThreads(WRITER, 2, LIMITS);
  const exits = discarded.map((w) => new Promise<void>((resolve) => w.once('exit', () => resolve())));
  discardPrestarted();
  assert.equal(adoptPrestarted(WRITER, LIMITS), undefined, 'nothing left to adopt after a discard');
  await Promise.all(exits);
});
