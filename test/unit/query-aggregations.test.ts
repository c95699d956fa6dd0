/**
 * Live queries of a job with several aggregations (job files' `aggregations:`), without servers: a
 * job file compiled as the daemon compiles it, its windows filled through the WindowActor (so the
 * store holds every aggregation's windows under their stored starts, as a worker's does), and each
 * aggregation's answers checked exactly: real starts and ends (tumbling, sliding, a session's own
 * end), its documents, its rankings, its description; and the refusals: no aggregation, an unknown
 * one, a cursor of another.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WindowActor } from '../../src/actors/window-actor.js';
import { ErrorCode, SluiceError } from '../../src/errors.js';
import { compileJob, type CompiledEvent } from '../../src/job/compile.js';
import { parseJobFile } from '../../src/job/job-file.js';
import type { JobDefinition } from '../../src/job/job.js';
import { decodeCursor } from '../../src/query/cursor.js';
import { describeAggregations } from '../../src/query/describe.js';
import { parseAggregation } from '../../src/query/params.js';
import type { WorkerQuery, WorkerQueryAnswer } from '../../src/query/query-types.js';
import { QueryService, type QueryTarget } from '../../src/query/query-service.js';
import { answerQuery, type WorkerQueryContext } from '../../src/query/worker-query.js';
import { storedStart } from '../../src/streams/operators/aggregation-windows.js';
import type { KeyedEvent } from '../../src/streams/operators/keyed-stage.js';
import { assignerFor } from '../../src/streams/operators/window-assigners.js';
import { InMemoryWindowStore } from '../../src/streams/operators/windows.js';

const MIN = 60_000;
const S = 1000;
/** An even minute: a tumbling 1m window and a sliding 2m/1m window both start here. */
const W = Date.UTC(2026, 10, 25, 9, 0, 0);

const YAML = `
name: shop-live
input:
  fields:
    userId: { type: string }
    eventType: { type: string }
    page: { type: string }
    timestamp: { type: timestamp }
  eventTime: timestamp
aggregations:
  perUser:
    key: userId
    window: { type: tumbling, size: 1m, allowedLateness: 5m }
    aggregates:
      events: { type: count }
      byType: { type: countBy, field: eventType }
    outputs: { stdout: true }
  perPage:
    key: page
    window: { type: sliding, size: 2m, slide: 1m }
    aggregates:
      events: { type: count }
      users: { type: countDistinct, field: userId }
    outputs: { stdout: true }
  perType:
    key: eventType
    window: { type: session, gap: 30s }
    aggregates:
      events: { type: count }
    outputs: { stdout: true }
`;

type Click = [userId: string, eventType: string, page: string, t: number];
/** Before W + 1 min: in perUser's first window, perPage's windows W - 1 min and W, and three sessions. */
const FIRST: Click[] = [
  ['u1', 'view', '/a', W + 1 * S],
  ['u4', 'purchase', '/c', W + 5 * S],
  ['u1', 'click', '/a', W + 20 * S],
  ['u2', 'view', '/a', W + 30 * S],
];
/** The next minute: perUser's second window, perPage's windows W and W + 1 min, new sessions. */
const SECOND: Click[] = [
  ['u2', 'view', '/b', W + 70 * S],
  ['u1', 'view', '/b', W + 80 * S],
  ['u3', 'click', '/a', W + 90 * S],
];

const job = compileJob(parseJobFile(YAML, 'shop-live.yaml'), { source: { kind: 'file', path: '/jobs/shop-live.yaml', spec: {} } });
const anyJob = job as unknown as JobDefinition<unknown, unknown, unknown>;
const aggregations = job.aggregations ?? [];

/**
 * One worker's store, filled as the daemon fills it: every event selected for each aggregation
 * (its key), stepped through the actor. The first step ends at watermark W + 1 min - 1: perUser's
 * first window fires and is held (5 min of lateness); perPage's window W - 1 min and the first
 * sessions (lateness 0) fire and are purged.
 */
function filled() {
  const store = new InMemoryWindowStore<unknown>();
  const actor = new WindowActor({ sizeMs: MIN, allowedLatenessMs: 0 }, job.aggregate, store, 0, job);
  const events = (clicks: Click[]): Array<KeyedEvent<CompiledEvent>> =>
    clicks.flatMap(([userId, eventType, page, timestamp]) => {
      const parsed = job.parse(Buffer.from(JSON.stringify({ userId, eventType, page, timestamp })), W);
      assert.ok(parsed.ok, 'a valid click');
      return aggregations.map((a) => {
        const event = a.select(parsed.event);
        return { key: job.keyOf(event), timestamp: job.timestampOf(event), event };
      });
    });
  const emit = () => {};
  actor.step({ events: events(FIRST), watermarkBefore: Number.NEGATIVE_INFINITY, watermarkAfter: W + MIN - 1, nowMs: 0 }, emit);
  actor.step({ events: events(SECOND), watermarkBefore: W + MIN - 1, watermarkAfter: W + MIN - 1, nowMs: 0 }, emit);
  const ctx: WorkerQueryContext<unknown> = { state: store, job: anyJob, windowMs: MIN, workerIndex: 0 };
  return { store, ctx };
}

const index = (name: string) => aggregations.findIndex((a) => a.name === name);
/** As the API sends it (count-by maps are null-prototype objects). */
const json = (value: unknown) => JSON.parse(JSON.stringify(value));

function ask<K extends WorkerQueryAnswer['kind']>(
  ctx: WorkerQueryContext<unknown>,
  aggregation: string,
  query: Extract<WorkerQuery, { kind: K }>,
): Extract<WorkerQueryAnswer, { kind: K }> {
  const answer = answerQuery({ ...query, aggregation: index(aggregation) }, ctx);
  assert.equal(answer.kind, query.kind);
  return answer as Extract<WorkerQueryAnswer, { kind: K }>;
}

const ALL = { from: 0, to: Number.MAX_SAFE_INTEGER };

describe('a worker answers for one aggregation of a job with several', () => {
  test('the store really is shared: its raw starts are encoded, and every aggregation has its own windows', () => {
    const { store, ctx } = filled();
    const raw = [...store.windowStarts()].sort((a, b) => a - b);
    // perUser W and W + 1 min, perPage W and W + 1 min, perType's two live sessions: under start * 3 + a.
    assert.deepEqual(
      raw,
      [
        storedStart(W, 0, 3),
        storedStart(W, 1, 3),
        storedStart(W + MIN, 0, 3),
        storedStart(W + MIN, 1, 3),
        storedStart(W + 70 * S, 2, 3),
        storedStart(W + 90 * S, 2, 3),
      ].sort((a, b) => a - b),
    );
    assert.deepEqual(ask(ctx, 'perUser', { kind: 'windows' }).starts, [W, W + MIN]);
    assert.deepEqual(ask(ctx, 'perPage', { kind: 'windows' }).starts, [W, W + MIN], 'W - 1 min fired and was purged');
    assert.deepEqual(ask(ctx, 'perType', { kind: 'windows' }).starts, [W + 70 * S, W + 90 * S], 'the first sessions were purged');
  });

  test("a key's windows: real starts and ends, fired or not, the aggregation's documents", () => {
    const { ctx } = filled();
    const perUser = ask(ctx, 'perUser', { kind: 'key-windows', key: 'u1', ...ALL });
    assert.deepEqual(json(perUser.windows), [
      {
        start: W,
        end: W + MIN,
        fired: true,
        result: {
          aggregation: 'perUser',
          userId: 'u1',
          windowStart: W,
          windowEnd: W + MIN,
          events: 2,
          byType: { view: 1, click: 1 },
        },
      },
      {
        start: W + MIN,
        end: W + 2 * MIN,
        fired: false,
        result: { aggregation: 'perUser', userId: 'u1', windowStart: W + MIN, windowEnd: W + 2 * MIN, events: 1, byType: { view: 1 } },
      },
    ]);
    // Sliding windows of 2 min every minute: /a's two held windows overlap.
    const perPage = ask(ctx, 'perPage', { kind: 'key-windows', key: '/a', ...ALL });
    assert.deepEqual(json(perPage.windows), [
      {
        start: W,
        end: W + 2 * MIN,
        fired: false,
        result: { aggregation: 'perPage', page: '/a', windowStart: W, windowEnd: W + 2 * MIN, events: 4, users: 3 },
      },
      {
        start: W + MIN,
        end: W + 3 * MIN,
        fired: false,
        result: { aggregation: 'perPage', page: '/a', windowStart: W + MIN, windowEnd: W + 3 * MIN, events: 1, users: 1 },
      },
    ]);
    // The range is on the aggregation's own ends: from W + 2 min leaves out the window ending there.
    const later = ask(ctx, 'perPage', { kind: 'key-windows', key: '/a', from: W + 2 * MIN, to: Number.MAX_SAFE_INTEGER });
    assert.deepEqual(
      later.windows.map((w) => w.start),
      [W + MIN],
    );
    // A session ends a gap after its last event (W + 80 s), not a gap after its start.
    const perType = ask(ctx, 'perType', { kind: 'key-windows', key: 'view', ...ALL });
    assert.deepEqual(json(perType.windows), [
      {
        start: W + 70 * S,
        end: W + 110 * S,
        fired: false,
        result: { aggregation: 'perType', eventType: 'view', windowStart: W + 70 * S, windowEnd: W + 110 * S, events: 2 },
      },
    ]);
    // Keys are the aggregation's: a page is no user, an event type no page.
    assert.deepEqual(ask(ctx, 'perUser', { kind: 'key-windows', key: '/a', ...ALL }).windows, []);
    assert.deepEqual(ask(ctx, 'perPage', { kind: 'key-windows', key: 'view', ...ALL }).windows, []);
  });

  test("a window's keys and its top N are the aggregation's, by its own fields", () => {
    const { ctx } = filled();
    const keys = ask(ctx, 'perPage', { kind: 'window-keys', start: W, limit: 10, maxScan: 100 });
    assert.deepEqual(json(keys.keys.map((k) => [k.key, k.fired, k.result])), [
      ['/a', false, { aggregation: 'perPage', page: '/a', windowStart: W, windowEnd: W + 2 * MIN, events: 4, users: 3 }],
      ['/b', false, { aggregation: 'perPage', page: '/b', windowStart: W, windowEnd: W + 2 * MIN, events: 2, users: 2 }],
      ['/c', false, { aggregation: 'perPage', page: '/c', windowStart: W, windowEnd: W + 2 * MIN, events: 1, users: 1 }],
    ]);
    assert.equal(keys.scanned, 3, "only perPage's entries of window W are scanned");
    const userKeys = ask(ctx, 'perUser', { kind: 'window-keys', start: W, limit: 10, maxScan: 100 });
    assert.deepEqual(
      userKeys.keys.map((k) => [k.key, k.fired]),
      [
        ['u1', true],
        ['u2', true],
        ['u4', true],
      ],
    );
    const top = (aggregation: string, start: number, by: string, n: number) =>
      ask(ctx, aggregation, { kind: 'window-top', start, by, n, maxScan: 100 }).top.map((t) => [t.key, t.value]);
    assert.deepEqual(top('perPage', W, 'users', 2), [
      ['/a', 3],
      ['/b', 2],
    ]);
    assert.deepEqual(top('perPage', W + MIN, 'events', 5), [
      ['/b', 2],
      ['/a', 1],
    ]);
    assert.deepEqual(top('perUser', W, 'byType.click', 2), [
      ['u1', 1],
      ['u2', 0],
    ]);
    assert.deepEqual(top('perUser', W + MIN, 'events', 5), [
      ['u1', 1],
      ['u2', 1],
      ['u3', 1],
    ]);
    assert.deepEqual(top('perType', W + 90 * S, 'events', 3), [['click', 1]]);
    // A window start of one aggregation holds nothing in another.
    assert.deepEqual(top('perType', W, 'events', 3), []);
  });

  test('a query without an aggregation, or naming one the job lacks, is refused: the raw store is never read', () => {
    const { ctx } = filled();
    const refused = (query: WorkerQuery, message: RegExp) =>
      assert.throws(
        () => answerQuery(query, ctx),
        (err: unknown) => err instanceof SluiceError && err.code === ErrorCode.QUERY_BAD_REQUEST && message.test(err.message),
      );
    refused({ kind: 'windows' }, /several aggregations \(perUser, perPage, perType\): a query must name one/);
    refused({ kind: 'window-keys', start: W, limit: 1, maxScan: 10 }, /must name one/);
    refused({ kind: 'windows', aggregation: 3 }, /no aggregation 3 \(its aggregations: perUser, perPage, perType\)/);
    refused({ kind: 'windows', aggregation: -1 }, /no aggregation -1/);
  });
});

describe('the API of a job with several aggregations', () => {
  test('each aggregation is described: its key, its documents, what ranks it', () => {
    const described = describeAggregations(anyJob);
    assert.deepEqual(
      described.map((d) => [d.aggregation, d.keyName, d.rankFields, d.rankMaps, d.defaultRankBy]),
      [
        ['perUser', 'userId', ['events'], ['byType'], 'events'],
        ['perPage', 'page', ['events', 'users'], [], 'events'],
        ['perType', 'eventType', ['events'], [], 'events'],
      ],
    );
    const schema = described[1]?.resultSchema as { properties: Record<string, unknown> };
    assert.deepEqual(Object.keys(schema.properties), ['aggregation', 'page', 'windowStart', 'windowEnd', 'events', 'users']);
    assert.deepEqual(schema.properties.aggregation, { type: 'string', const: 'perPage', description: 'the aggregation' });
  });

  /** The service over one worker answering from the filled store, as the HTTP routes call it. */
  function service(watermark = W + MIN + 30 * S) {
    const { ctx } = filled();
    const asked: WorkerQuery[] = [];
    const target: QueryTarget = {
      state: 'running',
      stats: () => ({ watermark }),
      query: async (query) => {
        asked.push(query);
        return [{ workerIndex: 0, watermark, answer: answerQuery(query, ctx) }];
      },
    };
    const descriptions = describeAggregations(anyJob);
    return {
      asked,
      service: new QueryService({
        current: () => target,
        job: job.name,
        aggregations: aggregations.map((a, i) => ({
          name: a.name,
          description: descriptions[i] as (typeof descriptions)[number],
          windows: { sizeMs: assignerFor(a.window).sizeMs, allowedLatenessMs: a.allowedLatenessMs, spec: a.window },
        })),
        maxScan: 100,
        timeoutMs: 1000,
        workers: 1,
        now: () => W + 10 * MIN,
        sources: { lastCheckpointAt: async () => undefined, consumerLag: async () => undefined },
      }),
    };
  }

  test('no aggregation, or an unknown one: QUERY_BAD_REQUEST (400) naming the aggregations, before any worker is asked', async () => {
    const { service: s, asked } = service();
    const badRequest = (message: RegExp) => (err: unknown) =>
      err instanceof SluiceError && err.code === ErrorCode.QUERY_BAD_REQUEST && message.test(err.message);
    assert.throws(
      () => s.scope(undefined),
      badRequest(/^aggregation: required: job shop-live has several aggregations.*perUser, perPage, perType$/),
    );
    assert.throws(
      () => s.scope('perSku'),
      badRequest(/^aggregation: "perSku" is not an aggregation of job shop-live; one of perUser, perPage, perType$/),
    );
    await assert.rejects(s.windows(), badRequest(/required/));
    await assert.rejects(s.keyWindows('u1', 0, 1), badRequest(/required/));
    assert.deepEqual(asked, []);
    assert.equal(parseAggregation('perType', ['perUser', 'perPage', 'perType'], 'shop-live'), 2);
  });

  test("answers are the aggregation's: its windows' ends and finality, its name, cursors that stay in it", async () => {
    // Watermark W + 1 min 30 s.
    const { service: s, asked } = service();
    const perUser = await s.keyWindows('u2', 0, Number.MAX_SAFE_INTEGER, s.scope('perUser'));
    assert.equal(perUser.aggregation, 'perUser');
    // Window W: final at W + 1 min - 1 + 5 min of lateness, not yet.
    assert.deepEqual(
      perUser.windows.map((w) => [w.start, w.end, w.fired, w.final, w.finalAt]),
      [
        [W, W + MIN, true, false, W + 6 * MIN - 1],
        [W + MIN, W + 2 * MIN, false, false, W + 7 * MIN - 1],
      ],
    );
    // A session's own end (its last event + the gap), and final once the watermark passed it (no lateness).
    const perType = await s.keyWindows('click', 0, Number.MAX_SAFE_INTEGER, s.scope('perType'));
    assert.deepEqual(
      perType.windows.map((w) => [w.start, w.end, w.final, (w.result as { events: number }).events]),
      [[W + 90 * S, W + 120 * S, false, 1]],
    );
    assert.deepEqual(
      asked.map((q) => q.aggregation),
      [0, 2],
    );

    const windows = await s.windows(s.scope('perPage'));
    assert.equal(windows.aggregation, 'perPage');
    assert.deepEqual(
      windows.windows.map((w) => [w.start, w.end]),
      [
        [W, W + 2 * MIN],
        [W + MIN, W + 3 * MIN],
      ],
    );
    assert.equal(windows.current, W + MIN, "the latest of the aggregation's windows holding the watermark (a multiple of its slide)");

    const page = await s.windowKeys(W, undefined, 2, s.scope('perPage'));
    assert.deepEqual(
      page.keys.map((k) => k.key),
      ['/a', '/b'],
    );
    assert.ok(page.nextCursor);
    assert.equal(decodeCursor(page.nextCursor, W, 'perPage'), '/b');
    assert.throws(
      () => decodeCursor(page.nextCursor as string, W, 'perUser'),
      (err: unknown) => err instanceof SluiceError && /belongs to aggregation perPage, not perUser/.test(err.message),
    );
    const next = await s.windowKeys(W, decodeCursor(page.nextCursor, W, 'perPage'), 2, s.scope('perPage'));
    assert.deepEqual(
      next.keys.map((k) => k.key),
      ['/c'],
    );
    assert.equal(next.nextCursor, null);

    const top = await s.windowTop(W, 'users', 1, s.scope('perPage'));
    assert.deepEqual(json(top.top), [
      {
        rank: 1,
        key: '/a',
        value: 3,
        fired: false,
        result: { aggregation: 'perPage', page: '/a', windowStart: W, windowEnd: W + 2 * MIN, events: 4, users: 3 },
      },
    ]);
    assert.deepEqual(top.window, { start: W, end: W + 2 * MIN, final: false, finalAt: W + 2 * MIN - 1 });
  });

  test('/status lists each aggregation: its key, windows, lateness and what ranks it', async () => {
    const { service: s } = service();
    const status = await s.status();
    assert.equal(status.job.name, 'shop-live');
    assert.equal(status.job.keyName, undefined, 'the job has no one key');
    assert.deepEqual(json(status.job.aggregations), [
      {
        name: 'perUser',
        keyName: 'userId',
        keyDescription: 'the key of aggregation perUser (userId in results)',
        windowMs: MIN,
        windowType: 'tumbling',
        allowedLatenessMs: 5 * MIN,
        rankFields: ['events'],
        rankMaps: ['byType'],
        defaultRankBy: 'events',
      },
      {
        name: 'perPage',
        keyName: 'page',
        keyDescription: 'the key of aggregation perPage (page in results)',
        windowMs: 2 * MIN,
        windowType: 'sliding',
        slideMs: MIN,
        allowedLatenessMs: 0,
        rankFields: ['events', 'users'],
        rankMaps: [],
        defaultRankBy: 'events',
      },
      {
        name: 'perType',
        keyName: 'eventType',
        keyDescription: 'the key of aggregation perType (eventType in results)',
        windowMs: 30 * S,
        windowType: 'session',
        allowedLatenessMs: 0,
        rankFields: ['events'],
        rankMaps: [],
        defaultRankBy: 'events',
      },
    ]);
  });
});
