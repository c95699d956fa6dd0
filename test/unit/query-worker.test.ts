/**
 * A worker's answers to live queries, on in-memory window state (the same reads LMDB gives): a key's
 * windows in a range, a window paged through with cursors across workers (every key once, in
 * order), the top N, the scan bound, and the job description that shapes the API.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ErrorCode, SluiceError } from '../../src/errors.js';
import { clickstreamJob, type ClickCountAccumulator, type ClickCountResult } from '../../src/job/clickstream.js';
import type { JobDefinition } from '../../src/job/job.js';
import { decodeCursor, encodeCursor } from '../../src/query/cursor.js';
import { describeJob, rankReader } from '../../src/query/describe.js';
import { mergeKeyPages, mergeTop } from '../../src/query/merge.js';
import type { KeyEntry } from '../../src/query/query-types.js';
import { answerQuery, queryResultMessage, type WorkerQueryContext } from '../../src/query/worker-query.js';
import { InMemoryWindowStore } from '../../src/streams/operators/windows.js';
import { readFileSync } from 'node:fs';
import { compileJob } from '../../src/job/compile.js';
import { parseJobFile } from '../../src/job/job-file.js';

const MIN = 60_000;
const W = Date.UTC(2026, 10, 25, 9, 0, 0);
const job = clickstreamJob as unknown as JobDefinition<unknown, ClickCountAccumulator, unknown>;

function acc(count: number, types: Record<string, number> = { view: count }): ClickCountAccumulator {
  return { count, byEventType: new Map(Object.entries(types)) };
}

/** Two "workers": keys split by a hash-like rule, each with its own store. */
function workers(keys: Array<[string, number]>, start = W) {
  const stores = [new InMemoryWindowStore<ClickCountAccumulator>(), new InMemoryWindowStore<ClickCountAccumulator>()];
  for (const [key, count] of keys)
    (stores[key.length % 2] as InMemoryWindowStore<ClickCountAccumulator>).put(start, key, { accumulator: acc(count), fired: false });
  return stores.map((state, workerIndex): WorkerQueryContext<ClickCountAccumulator> => ({ state, job, windowMs: MIN, workerIndex }));
}

describe('worker answers', () => {
  test("a key's windows: open and fired ones in the range, results in the job's shape", () => {
    const state = new InMemoryWindowStore<ClickCountAccumulator>();
    state.put(W, 'u1', { accumulator: acc(3, { click: 1, view: 2 }), fired: true });
    state.put(W + MIN, 'u1', { accumulator: acc(5), fired: false });
    state.put(W + 2 * MIN, 'u1', { accumulator: acc(1), fired: false });
    state.put(W + MIN, 'u2', { accumulator: acc(9), fired: false });
    const ctx = { state, job, windowMs: MIN, workerIndex: 0 };
    const all = answerQuery({ kind: 'key-windows', key: 'u1', from: 0, to: Number.MAX_SAFE_INTEGER }, ctx);
    assert.equal(all.kind, 'key-windows');
    assert.deepEqual(all.kind === 'key-windows' && all.windows.map((w) => [w.start, w.fired, (w.result as ClickCountResult).count]), [
      [W, true, 3],
      [W + MIN, false, 5],
      [W + 2 * MIN, false, 1],
    ]);
    const first = all.kind === 'key-windows' ? (all.windows[0]?.result as ClickCountResult) : undefined;
    assert.deepEqual(
      { ...first, byEventType: { ...first?.byEventType } },
      { userId: 'u1', windowStart: W, windowEnd: W + MIN, count: 3, byEventType: { click: 1, view: 2 } },
    );
    // Windows overlapping [from, to): W + MIN - 1 still overlaps the first; W + 2 * MIN excludes the last.
    const some = answerQuery({ kind: 'key-windows', key: 'u1', from: W + MIN - 1, to: W + 2 * MIN }, ctx);
    assert.deepEqual(some.kind === 'key-windows' && some.windows.map((w) => w.start), [W, W + MIN]);
    const none = answerQuery({ kind: 'key-windows', key: 'nobody', from: 0, to: Number.MAX_SAFE_INTEGER }, ctx);
    assert.deepEqual(none.kind === 'key-windows' && none.windows, []);
  });

  test('paging a window through cursors across workers visits every key once, in order', () => {
    const keys: Array<[string, number]> = Array.from({ length: 57 }, (_, i) => [`user-${(i * 7919) % 1000}`, i + 1]);
    const ctxs = workers(keys);
    const seen: KeyEntry[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const after = cursor === undefined ? undefined : decodeCursor(cursor, W);
      const answers = ctxs.map((ctx) =>
        answerQuery({ kind: 'window-keys', start: W, limit: 10, maxScan: 1000, ...(after === undefined ? {} : { after }) }, ctx),
      );
      const { keys: page, more } = mergeKeyPages(
        answers.map((a) => (a.kind === 'window-keys' ? a.keys : [])),
        10,
      );
      seen.push(...page);
      cursor = more ? encodeCursor(W, (page[page.length - 1] as KeyEntry).key) : undefined;
      if (!cursor) break;
    }
    const want = [...keys].sort(([a], [b]) => (a < b ? -1 : 1));
    assert.deepEqual(
      seen.map((e) => [e.key, (e.result as ClickCountResult).count]),
      want,
    );
  });

  test('the top N of a window, by count or by one event type', () => {
    const ctxs = workers([
      ['a', 5],
      ['bb', 9],
      ['c', 9],
      ['dd', 1],
      ['e', 7],
    ]);
    const top = (by: string, n: number) =>
      mergeTop(
        ctxs.map((ctx) => {
          const a = answerQuery({ kind: 'window-top', start: W, by, n, maxScan: 1000 }, ctx);
          return a.kind === 'window-top' ? a.top : [];
        }),
        n,
      ).map((r) => [r.key, r.value]);
    assert.deepEqual(top('count', 3), [
      ['bb', 9],
      ['c', 9],
      ['e', 7],
    ]);
    assert.deepEqual(top('byEventType.view', 2), [
      ['bb', 9],
      ['c', 9],
    ]);
    assert.deepEqual(top('byEventType.purchase', 1), [['a', 0]], 'an absent event type counts as 0');
  });

  test('a scan over SLUICE_QUERY_MAX_SCAN entries is refused, and never fails the worker', () => {
    const [ctx] = workers(Array.from({ length: 30 }, (_, i): [string, number] => [`k${i}`, 1]));
    const c = ctx as WorkerQueryContext<ClickCountAccumulator>;
    assert.throws(
      () => answerQuery({ kind: 'window-top', start: W, by: 'count', n: 1, maxScan: 5 }, c),
      (err: unknown) =>
        err instanceof SluiceError && err.code === ErrorCode.QUERY_TOO_BROAD && /more than 5 entries in window worker 0/.test(err.message),
    );
    const message = queryResultMessage(7, { kind: 'window-keys', start: W, limit: 1, maxScan: 5 }, c, W - 1);
    assert.equal(message.seq, 7);
    assert.equal(message.answer, undefined);
    assert.equal(message.error?.code, ErrorCode.QUERY_TOO_BROAD);
    assert.equal(message.error?.stack, undefined);
    const notReady = queryResultMessage(8, { kind: 'windows' }, undefined, Number.NEGATIVE_INFINITY);
    assert.equal(notReady.error?.code, ErrorCode.QUERY_UNAVAILABLE);
    // A key's windows never scan a window: no bound applies.
    assert.equal(
      queryResultMessage(9, { kind: 'key-windows', key: 'k1', from: 0, to: Number.MAX_SAFE_INTEGER }, c, W).answer?.kind,
      'key-windows',
    );
  });
});

describe('the API described by the job', () => {
  test('clickstream: key userId, rank by count or byEventType.<type>', () => {
    const d = describeJob(clickstreamJob as unknown as JobDefinition<unknown, unknown, unknown>, MIN);
    assert.equal(d.keyName, 'userId');
    assert.deepEqual(d.rankFields, ['count']);
    assert.deepEqual(d.rankMaps, ['byEventType']);
    assert.equal(d.defaultRankBy, 'count');
    const props = (d.resultSchema as { properties: Record<string, { type: string }> }).properties;
    assert.deepEqual(Object.fromEntries(Object.entries(props).map(([k, v]) => [k, v.type])), {
      userId: 'string',
      windowStart: 'number',
      windowEnd: 'number',
      count: 'number',
      byEventType: 'object',
    });
  });

  test('any job: inferred from one result, ranked from its result when no hint is given', () => {
    type Acc = { sum: number; n: number };
    const amounts: JobDefinition<unknown, Acc, unknown> = {
      ...(clickstreamJob as unknown as JobDefinition<unknown, Acc, unknown>),
      name: 'order-amounts',
      aggregate: {
        createAccumulator: () => ({ sum: 0, n: 0 }),
        add: (a) => a,
        result: (a, key, window) => ({
          customer: key,
          from: window.start,
          to: window.end,
          total: a.sum,
          orders: a.n,
          mean: a.n ? a.sum / a.n : null,
          tags: [],
        }),
      },
    };
    const d = describeJob(amounts as JobDefinition<unknown, unknown, unknown>, MIN);
    assert.equal(d.keyName, 'customer', 'the result field that holds the key');
    assert.deepEqual(d.rankFields, ['total', 'orders'], 'numeric fields other than the window bounds');
    assert.deepEqual(d.rankMaps, []);
    assert.equal(d.defaultRankBy, 'total');
    const read = rankReader(amounts as JobDefinition<unknown, unknown, unknown>, 'orders');
    assert.equal(read({ sum: 10, n: 4 }, 'c1', { start: 0, end: MIN }), 4);
  });

  /** As the API sends it (count-by maps are null-prototype objects). */
  const json = (value: unknown) => JSON.parse(JSON.stringify(value));

  test("a job file's answers carry its documents (what Elasticsearch gets), sessions with their own ends", () => {
    const file = new URL('../../../examples/user-sessions.yaml', import.meta.url);
    const sessions = compileJob(parseJobFile(readFileSync(file, 'utf8'), 'examples/user-sessions.yaml'));
    const sessionJob = sessions as unknown as JobDefinition<unknown, unknown, unknown>;
    const agg = sessions.aggregate;
    const state = new InMemoryWindowStore<unknown>();
    // A session of u1 from W: two views of page /a and a click of /b, its last event at W + 10 min.
    let a = agg.createAccumulator();
    for (const [type, page, t] of [
      ['view', '/a', W],
      ['view', '/a', W + MIN],
      ['click', '/b', W + 10 * MIN],
    ] as const) {
      const parsed = sessions.parse(Buffer.from(JSON.stringify({ userId: 'u1', eventType: type, page, timestamp: t })), W);
      assert.ok(parsed.ok);
      a = agg.add(a, parsed.event);
    }
    const end = W + 40 * MIN;
    state.put(W, 'u1', { accumulator: a, fired: false, end });
    const ctx = { state, job: sessionJob, windowMs: 30 * MIN, workerIndex: 0 };
    const expected = { userId: 'u1', windowStart: W, windowEnd: end, events: 3, pages: 2, byEventType: { view: 2, click: 1 } };
    const held = answerQuery({ kind: 'key-windows', key: 'u1', from: 0, to: Number.MAX_SAFE_INTEGER }, ctx);
    assert.ok(held.kind === 'key-windows');
    assert.deepEqual(json(held.windows.map((w) => ({ start: w.start, end: w.end, result: w.result }))), [
      { start: W, end, result: expected },
    ]);
    // The session ends 40 minutes after it starts, not one gap after: a range after W + 30 min still finds it.
    const late = answerQuery({ kind: 'key-windows', key: 'u1', from: W + 35 * MIN, to: Number.MAX_SAFE_INTEGER }, ctx);
    assert.equal(late.kind === 'key-windows' && late.windows.length, 1);
    const keys = answerQuery({ kind: 'window-keys', start: W, limit: 10, maxScan: 100 }, ctx);
    assert.deepEqual(keys.kind === 'window-keys' && json(keys.keys.map((k) => k.result)), [expected]);
    const top = answerQuery({ kind: 'window-top', start: W, n: 1, by: 'pages', maxScan: 100 }, ctx);
    assert.deepEqual(top.kind === 'window-top' && json(top.top.map((k) => [k.key, k.value, k.result])), [['u1', 2, expected]]);
    const d = describeJob(sessionJob, 30 * MIN);
    assert.equal(d.keyName, 'userId', 'found in the document, not the wrapper');
    assert.deepEqual(d.rankFields, ['events', 'pages']);
    assert.deepEqual(d.rankMaps, ['byEventType']);
  });

  test('a composite key (job files: a JSON array of its parts) is described, and its parts are not ranked', () => {
    const file = new URL('../../../examples/product-region.yaml', import.meta.url);
    const job = compileJob(parseJobFile(readFileSync(file, 'utf8'), 'examples/product-region.yaml'), {
      source: { kind: 'file', path: file.pathname, spec: {} },
    }) as unknown as JobDefinition<unknown, unknown, unknown>;
    const d = describeJob(job, 5 * MIN);
    assert.equal(d.keyName, 'productId+region');
    assert.match(d.keyDescription, /JSON array of productId, region/);
    assert.deepEqual(d.rankFields, ['events', 'users']);
    assert.equal(d.defaultRankBy, 'events');
    const props = (d.resultSchema as { properties: Record<string, unknown> }).properties;
    assert.deepEqual(Object.keys(props), ['productId', 'region', 'windowStart', 'windowEnd', 'events', 'users', 'topUsers']);
  });

  test("a job file named like a built-in job does not get the built-in job's hints", () => {
    const file = new URL('../../../examples/user-sessions.yaml', import.meta.url);
    const spec = parseJobFile(readFileSync(file, 'utf8'), 'examples/user-sessions.yaml');
    const job = compileJob({ ...spec, name: 'clickstream' }, { source: { kind: 'file', path: file.pathname, spec: {} } });
    const d = describeJob(job as unknown as JobDefinition<unknown, unknown, unknown>, 30 * MIN);
    assert.equal(d.keyName, 'userId');
    assert.deepEqual(d.rankFields, ['events', 'pages'], 'ranked by its own fields, not the built-in count');
  });
});
