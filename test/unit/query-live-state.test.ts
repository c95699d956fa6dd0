/**
 * Live queries on real window worker threads with LMDB state: the answer includes writes still in
 * the worker's buffer (not committed to LMDB), then the same after a barrier commits them; a key
 * is asked of the worker owning it; a window of every worker. Queries go through the worker's
 * message queue, so an answer reflects every step posted before it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { WorkerKeyedStage } from '../../src/actors/worker-stage.js';
import { ErrorCode, SluiceError } from '../../src/errors.js';
import type { ClickCountResult } from '../../src/job/clickstream.js';
import { mergeKeyPages, mergeTop } from '../../src/query/merge.js';
import type { KeyedEvent } from '../../src/streams/operators/keyed-stage.js';
import type { ClickEvent } from '../../src/streams/operators/records.js';
import { silentLogger } from '../../src/telemetry/logging.js';

const root = mkdtempSync(join(tmpdir(), 'sluice-query-live-'));
after(() => rmSync(root, { recursive: true, force: true }));
const W = Date.UTC(2026, 10, 25, 9, 0, 0);
const MIN = 60_000;

function clicks(counts: Record<string, number>, start: number): Array<KeyedEvent<ClickEvent>> {
  const out: Array<KeyedEvent<ClickEvent>> = [];
  for (const [userId, n] of Object.entries(counts)) {
    for (let i = 0; i < n; i++)
      out.push({ key: userId, timestamp: start + i, event: { userId, eventType: i % 2 ? 'click' : 'view', timestamp: start + i } });
  }
  return out;
}

test('a query sees the worker write buffer, then the committed state, through the worker queue', { timeout: 60_000 }, async () => {
  const stage = new WorkerKeyedStage<ClickEvent, ClickCountResult>({
    workers: 2,
    job: 'clickstream',
    windows: { sizeMs: MIN, allowedLatenessMs: 10 * MIN },
    stateDir: join(root, 'state'),
    // Nothing is committed to LMDB before a barrier: answers come from the buffer.
    writeBufferEntries: 1_000_000,
    inbox: { events: 1_000_000, bytes: 2 ** 40 },
    onResults: async () => {},
    onBarrierAck: () => {},
    onFailure: (err) => assert.fail(err),
    logger: silentLogger,
  });
  await stage.start();
  try {
    const counts: Record<string, number> = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`user-${i}`, (i % 7) + 1]));
    // Window W fires (the watermark passes it) and is held for the lateness; W + MIN stays open.
    await stage.process({ events: clicks(counts, W), watermarkBefore: W - 1, watermarkAfter: W - 1, nowMs: 0 });
    await stage.process({ events: clicks({ 'user-3': 2 }, W + MIN), watermarkBefore: W - 1, watermarkAfter: W + MIN + 5_000, nowMs: 0 });
    // No drain: the query is queued behind the steps and answers after them.
    const [reply] = await stage.query({ kind: 'key-windows', key: 'user-3', from: 0, to: Number.MAX_SAFE_INTEGER }, 5_000);
    assert.ok(reply);
    assert.equal(reply.watermark, W + MIN + 5_000, 'as of the last step applied');
    assert.equal(reply.answer.kind, 'key-windows');
    const windows = reply.answer.kind === 'key-windows' ? reply.answer.windows : [];
    assert.deepEqual(
      windows.map((w) => [w.start, w.fired, (w.result as ClickCountResult).count]),
      [
        [W, true, 4],
        [W + MIN, false, 2],
      ],
    );
    assert.deepEqual({ ...((windows[0] as { result: unknown }).result as ClickCountResult).byEventType }, { click: 2, view: 2 });

    const page = async () => {
      const replies = await stage.query({ kind: 'window-keys', start: W, limit: 100, maxScan: 1000 }, 5_000);
      assert.equal(replies.length, 2, 'every worker answers for a window');
      return mergeKeyPages(
        replies.map((r) => (r.answer.kind === 'window-keys' ? r.answer.keys : [])),
        100,
      );
    };
    const buffered = await page();
    assert.equal(buffered.more, false);
    assert.deepEqual(Object.fromEntries(buffered.keys.map((k) => [k.key, (k.result as ClickCountResult).count])), counts);
    assert.ok(buffered.keys.every((k) => k.fired));

    // A barrier commits the buffer to LMDB: the same answer from disk.
    stage.barrier(1);
    const committed = await page();
    assert.deepEqual(committed, buffered);

    const top = mergeTop(
      (await stage.query({ kind: 'window-top', start: W, by: 'count', n: 3, maxScan: 1000 }, 5_000)).map((r) =>
        r.answer.kind === 'window-top' ? r.answer.top : [],
      ),
      3,
    );
    assert.deepEqual(
      top.map((t) => [t.key, t.value]),
      [
        ['user-13', 7],
        ['user-20', 7],
        ['user-27', 7],
      ],
    );

    // Refused scans come back as errors; the worker goes on.
    await assert.rejects(
      stage.query({ kind: 'window-keys', start: W, limit: 1, maxScan: 3 }, 5_000),
      (err: unknown) => err instanceof SluiceError && err.code === ErrorCode.QUERY_TOO_BROAD,
    );
    await stage.process({
      events: clicks({ 'user-3': 1 }, W + MIN),
      watermarkBefore: W + MIN + 5_000,
      watermarkAfter: W + MIN + 5_000,
      nowMs: 0,
    });
    const [again] = await stage.query({ kind: 'key-windows', key: 'user-3', from: W + MIN, to: W + 2 * MIN }, 5_000);
    assert.deepEqual(again?.answer.kind === 'key-windows' && again.answer.windows.map((w) => (w.result as ClickCountResult).count), [3]);
  } finally {
    await stage.stop();
  }
  await assert.rejects(
    stage.query({ kind: 'windows' }, 1_000),
    (err: unknown) => err instanceof SluiceError && err.code === ErrorCode.QUERY_UNAVAILABLE,
  );
});
