/**
 * The query service between the HTTP API and the job (no server, no workers: a fake job): 503 while
 * no job runs, windows marked final by the watermark and the allowed lateness, the freshness block,
 * the bound on queries in flight, and a cursor only when there is a next page.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode, SluiceError } from '../../src/errors.js';
import { decodeCursor } from '../../src/query/cursor.js';
import type { QueryDescription } from '../../src/query/describe.js';
import type { WorkerQuery, WorkerQueryReply } from '../../src/query/query-types.js';
import { QueryService, type QueryTarget } from '../../src/query/query-service.js';

const MIN = 60_000;
const W = Date.UTC(2026, 10, 25, 9, 0, 0);
const description: QueryDescription = {
  job: 'clickstream',
  keyName: 'userId',
  keyDescription: 'the userId',
  resultSchema: {},
  rankFields: ['count'],
  rankMaps: [],
  defaultRankBy: 'count',
};

function target(state: string, watermark: number, answer: (q: WorkerQuery) => WorkerQueryReply[]): QueryTarget & { asked: WorkerQuery[] } {
  const asked: WorkerQuery[] = [];
  return {
    state,
    asked,
    stats: () => ({ watermark }),
    query: async (q) => {
      asked.push(q);
      return answer(q);
    },
  };
}

function service(current: QueryTarget | undefined, now = W + 2 * MIN) {
  return new QueryService({
    current: () => current,
    description,
    windows: { sizeMs: MIN, allowedLatenessMs: 30_000 },
    maxScan: 500,
    timeoutMs: 1000,
    maxInFlight: 2,
    workers: 2,
    now: () => now,
    sources: { lastCheckpointAt: async () => W + MIN, consumerLag: async () => 12 },
  });
}

test('no job running: QUERY_UNAVAILABLE (503), while /status still answers', async () => {
  for (const current of [undefined, target('starting', W, () => []), target('failed', W, () => [])]) {
    const s = service(current);
    await assert.rejects(
      s.keyWindows('u', 0, 1),
      (err: unknown) => err instanceof SluiceError && err.code === ErrorCode.QUERY_UNAVAILABLE && err.retriable,
    );
    const status = await s.status();
    assert.equal(status.answering, false);
    assert.equal(status.job.keyName, 'userId');
  }
});

test("a key's windows: final once the watermark passed end - 1 + lateness; freshness on the answer", async () => {
  // Watermark W + MIN + 40 s: window W (final at W + MIN - 1 + 30 s) is final, W + MIN is not.
  const t = target('running', W + MIN + 40_000, () => [
    {
      workerIndex: 1,
      watermark: W + MIN + 39_000,
      answer: {
        kind: 'key-windows',
        windows: [
          { start: W + MIN, end: W + 2 * MIN, fired: false, result: { count: 2 } },
          { start: W, end: W + MIN, fired: true, result: { count: 5 } },
        ],
      },
    },
  ]);
  const answer = await service(t).keyWindows('u1', 0, Number.MAX_SAFE_INTEGER);
  assert.deepEqual(t.asked, [{ kind: 'key-windows', key: 'u1', from: 0, to: Number.MAX_SAFE_INTEGER }]);
  assert.deepEqual(
    answer.windows.map((w) => [w.start, w.fired, w.final, w.finalAt]),
    [
      [W, true, true, W + MIN - 1 + 30_000],
      [W + MIN, false, false, W + 2 * MIN - 1 + 30_000],
    ],
  );
  assert.deepEqual(answer.freshness, {
    answeredAt: W + 2 * MIN,
    jobState: 'running',
    watermark: W + MIN + 40_000,
    stateWatermark: W + MIN + 39_000,
    watermarkLagMs: MIN - 40_000,
    lastCheckpointAt: W + MIN,
    checkpointAgeMs: MIN,
    consumerLag: 12,
  });
});

test('a key page gets a cursor only when keys follow; the current window holds the watermark', async () => {
  const keys = (...names: string[]) => names.map((key) => ({ key, fired: false, result: {} }));
  const t = target('running', W + 30_000, (q) =>
    q.kind === 'windows'
      ? [
          { workerIndex: 0, watermark: W + 30_000, answer: { kind: 'windows', starts: [W] } },
          { workerIndex: 1, watermark: Number.NEGATIVE_INFINITY, answer: { kind: 'windows', starts: [W, W + MIN] } },
        ]
      : [
          { workerIndex: 0, watermark: W, answer: { kind: 'window-keys', keys: keys('a', 'c'), scanned: 2 } },
          { workerIndex: 1, watermark: W, answer: { kind: 'window-keys', keys: keys('b'), scanned: 1 } },
        ],
  );
  const s = service(t);
  const page = await s.windowKeys(W, undefined, 2);
  assert.deepEqual(
    page.keys.map((k) => k.key),
    ['a', 'b'],
  );
  assert.equal(decodeCursor(page.nextCursor as string, W), 'b');
  assert.equal(page.scanned, 3);
  const last = await s.windowKeys(W, 'b', 5);
  assert.equal(last.nextCursor, null);
  const windows = await s.windows();
  assert.deepEqual(
    windows.windows.map((w) => w.start),
    [W, W + MIN],
  );
  assert.equal(windows.current, W);
  assert.equal(windows.freshness.stateWatermark, null, 'a worker that applied no step yet: no watermark');
});

test('queries in flight are bounded: one more is QUERY_RATE_LIMITED (429)', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const t: QueryTarget = {
    state: 'running',
    stats: () => ({ watermark: W }),
    query: async () => {
      await gate;
      return [{ workerIndex: 0, watermark: W, answer: { kind: 'key-windows', windows: [] } }];
    },
  };
  const s = service(t);
  const two = [s.keyWindows('a', 0, 1), s.keyWindows('b', 0, 1)];
  await assert.rejects(s.keyWindows('c', 0, 1), (err: unknown) => err instanceof SluiceError && err.code === ErrorCode.QUERY_RATE_LIMITED);
  release();
  await Promise.all(two);
  await s.keyWindows('d', 0, 1);
});
