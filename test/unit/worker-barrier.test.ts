/**
 * Barriers on real worker threads: a worker's ack comes after every result it emitted before the
 * barrier was handed over; a worker started with `restoreTo: n` has exactly the state of barrier n,
 * whatever it processed after it; one started without has empty state.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { WorkerKeyedStage } from '../../src/actors/worker-stage.js';
import type { ClickCountResult } from '../../src/job/clickstream.js';
import type { KeyedEvent } from '../../src/streams/operators/keyed-stage.js';
import type { ClickEvent } from '../../src/streams/operators/records.js';
import { silentLogger } from '../../src/telemetry/logging.js';

const root = mkdtempSync(join(tmpdir(), 'sluice-worker-barrier-'));
after(() => rmSync(root, { recursive: true, force: true }));
const START = Date.UTC(2026, 10, 25, 9, 0, 0);
const MIN = 60_000;

function stage(stateDir: string, restoreTo?: number) {
  const log: string[] = [];
  const acks: Array<{ worker: number; id: number; changed: number; resultsBefore: number }> = [];
  const s = new WorkerKeyedStage<ClickEvent, ClickCountResult>({
    workers: 2,
    job: 'clickstream',
    windows: { sizeMs: MIN, allowedLatenessMs: 0 },
    stateDir,
    inbox: { events: 1_000_000, bytes: 2 ** 40 },
    ...(restoreTo === undefined ? {} : { restoreTo }),
    onResults: async (results) => {
      await new Promise((resolve) => setTimeout(resolve, 5)); // a slow sink
      for (const r of results) log.push(`result ${r.userId}:${r.windowStart}=${r.count}`);
    },
    onBarrierAck: (worker, id, changed) => {
      acks.push({ worker, id, changed, resultsBefore: log.filter((l) => l.startsWith('result')).length });
      log.push(`ack ${worker} ${id}`);
    },
    onFailure: (err) => assert.fail(err),
    logger: silentLogger,
  });
  return { s, log, acks };
}

function events(users: number, windowIndex: number): Array<KeyedEvent<ClickEvent>> {
  return Array.from({ length: users }, (_, i) => {
    const userId = `u${i}`;
    const timestamp = START + windowIndex * MIN + i;
    return { key: userId, timestamp, event: { userId, eventType: 'view', timestamp } };
  });
}

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(check());
}

test('barrier acks follow the results before them; restoreTo brings back the state of that barrier', { timeout: 60_000 }, async () => {
  const dir = join(root, 'restore');
  const first = stage(dir);
  await first.s.start();
  // Window 0 fires before barrier 1 (the watermark passes it); window 1 stays open.
  await first.s.process({ events: events(50, 0), watermarkBefore: START - 1, watermarkAfter: START - 1, nowMs: 0 });
  await first.s.process({ events: events(30, 1), watermarkBefore: START - 1, watermarkAfter: START + MIN, nowMs: 0 });
  first.s.barrier(1);
  await waitFor(() => first.acks.length === 2);
  // Window 0 fired before the barrier: once both acks are in, all 50 results were handed over.
  assert.equal(Math.max(...first.acks.map((a) => a.resultsBefore)), 50, 'the last ack comes after every result before the barrier');
  assert.equal(
    first.acks.reduce((n, a) => n + a.changed, 0),
    0,
    'no barrier before: nothing logged as changed',
  );
  const atBarrier = first.s.openWindows();
  assert.equal(atBarrier, 30);

  // After the barrier: more events, window 1 fires and is purged, window 2 opens; a second barrier.
  await first.s.process({ events: events(40, 2), watermarkBefore: START + MIN, watermarkAfter: START + 2 * MIN, nowMs: 0 });
  first.s.barrier(2);
  await waitFor(() => first.acks.length === 4);
  assert.equal(
    first.acks.filter((a) => a.id === 2).reduce((n, a) => n + a.changed, 0),
    30 + 40,
    'changed since barrier 1: 30 deleted, 40 added',
  );
  await first.s.process({ events: events(10, 2), watermarkBefore: START + 2 * MIN, watermarkAfter: START + 2 * MIN, nowMs: 0 });
  await first.s.drain();
  assert.equal(first.s.openWindows(), 40);
  await first.s.stop();

  // Restore to barrier 1: window 1's 30 users again, with their counts (window 1 fires them).
  const restored = stage(dir, 1);
  await restored.s.start();
  await restored.s.process({ events: [], watermarkBefore: START + MIN, watermarkAfter: START + 2 * MIN, nowMs: 0 });
  await restored.s.drain();
  const results = restored.log.filter((l) => l.startsWith('result'));
  assert.equal(results.length, 30);
  assert.ok(results.every((l) => l.endsWith('=1') && l.includes(`:${START + MIN}=`)));
  assert.equal(restored.s.openWindows(), 0, 'window 2 (after barrier 1) is not in checkpoint 1');
  await restored.s.stop();

  // No checkpoint: empty.
  const fresh = stage(dir);
  await fresh.s.start();
  await fresh.s.drain();
  assert.equal(fresh.s.openWindows(), 0);
  await fresh.s.stop();
});
