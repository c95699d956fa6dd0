/**
 * The live-query API on the real stack: the daemon as a child process with SLUICE_QUERY_PORT,
 * events produced to Kafka, and answers compared exactly with counts computed here from what was
 * produced: one key's open window and its fired window still held (allowed lateness), a window paged
 * through with a cursor, its top N; more events change the answer. Also: 401 without the token, 400
 * for bad parameters, 422 for a scan over SLUICE_QUERY_MAX_SCAN, the OpenAPI document, 503 while no
 * job runs, and the API answering on through a supervised restart of the job. Every wait is on a
 * condition (/readyz, the API), never a sleep.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { startDaemon, waitFor, type DaemonProcess } from '../helpers/daemon-process.js';
import { createTopics, deleteTopics, kafkaBrokers, testKafka } from '../helpers/kafka.js';
import { freePort } from '../helpers/ports.js';
import { uniqueName } from '../helpers/services.js';

const MIN = 60_000;
const PARTITIONS = 2;
const TYPES = ['view', 'click', 'add_to_cart'];
const run = uniqueName('query-api');
const kafka = testKafka();
const topics = { input: `${run}-clicks`, dlq: `${run}-dlq`, late: `${run}-late`, restart: `${run}-restart` };
const token = `qt-${randomBytes(16).toString('hex')}`;
const daemons: DaemonProcess[] = [];
/** A window start well in the past (valid event times, far from the clock). */
const S = Math.floor((Date.now() - 30 * MIN) / MIN) * MIN;

interface Click {
  userId: string;
  eventType: string;
  timestamp: number;
  partition: number;
}
interface Result {
  userId: string;
  windowStart: number;
  windowEnd: number;
  count: number;
  byEventType: Record<string, number>;
}

/** What sluice must hold, computed from what was produced: `${userId}:${windowStart}` -> result. */
const expected = new Map<string, Result>();
function expect(clicks: Click[]): void {
  for (const c of clicks) {
    const start = c.timestamp - (c.timestamp % MIN);
    const id = `${c.userId}:${start}`;
    const r = expected.get(id) ?? { userId: c.userId, windowStart: start, windowEnd: start + MIN, count: 0, byEventType: {} };
    r.count++;
    r.byEventType[c.eventType] = (r.byEventType[c.eventType] ?? 0) + 1;
    expected.set(id, r);
  }
}
const windowOf = (start: number) =>
  [...expected.values()].filter((r) => r.windowStart === start).sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));

async function produce(topic: string, clicks: Click[]): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: clicks.map((c) => ({
        key: c.userId,
        partition: c.partition,
        value: Buffer.from(JSON.stringify({ userId: c.userId, eventType: c.eventType, timestamp: c.timestamp })),
      })),
    });
  } finally {
    await producer.disconnect();
  }
}

/** Users u-0..u-(n-1): user i gets 1 + (i * 7) % 11 events in window W1 = S and 1 + (i * 5) % 9 in W2 = S + MIN. */
function phaseOne(users: number): Click[] {
  const clicks: Click[] = [];
  for (let i = 0; i < users; i++) {
    const userId = `u-${i}`;
    const partition = i % PARTITIONS;
    for (let j = 0; j < 1 + ((i * 7) % 11); j++)
      clicks.push({ userId, eventType: TYPES[(i + j) % 3] as string, timestamp: S + 1_000 + ((i * 997 + j * 131) % 55_000), partition });
    for (let j = 0; j < 1 + ((i * 5) % 9); j++)
      clicks.push({ userId, eventType: TYPES[(i * 2 + j) % 3] as string, timestamp: S + MIN + ((i * 613 + j * 271) % 35_000), partition });
  }
  // Event time S + 100 s on every partition: the watermark (min over partitions, 5 s bound) passes W1's end.
  for (let p = 0; p < PARTITIONS; p++) clicks.push({ userId: `trailer-${p}`, eventType: 'view', timestamp: S + 100_000, partition: p });
  return clicks;
}

interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

async function get<T = Record<string, unknown>>(base: string, path: string, auth: string | null = token): Promise<Answer<T>> {
  const res = await fetch(`${base}${path}`, {
    headers: auth ? { authorization: `Bearer ${auth}` } : {},
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, headers: res.headers, body: body as T };
}

/** Poll `path` until `ok(body)` holds; returns the last answer. */
async function until<T = Record<string, unknown>>(
  base: string,
  path: string,
  ok: (a: Answer<T>) => boolean,
  timeoutMs = 90_000,
): Promise<Answer<T>> {
  let last: Answer<T> | undefined;
  await waitFor(
    async () => {
      try {
        last = await get<T>(base, path);
        return ok(last);
      } catch {
        return false;
      }
    },
    timeoutMs,
    250,
  );
  return last as Answer<T>;
}

function deepEqualish(a: unknown, b: unknown): boolean {
  try {
    assert.deepEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

async function daemon(topic: string, extra: Record<string, string> = {}) {
  const queryPort = await freePort();
  const metricsPort = await freePort();
  const d = startDaemon({
    SLUICE_KAFKA_BROKERS: kafkaBrokers().join(','),
    SLUICE_KAFKA_TOPIC: topic,
    SLUICE_KAFKA_GROUP_ID: `${topic}-group`,
    SLUICE_DLQ_TOPIC: topics.dlq,
    SLUICE_LATE_TOPIC: topics.late,
    SLUICE_WORKERS: '2',
    SLUICE_ALLOWED_LATENESS_MS: String(10 * MIN),
    SLUICE_CHECKPOINT_INTERVAL_MS: '1000',
    SLUICE_CHECKPOINT_MIN_PAUSE_MS: '500',
    SLUICE_METRICS_PORT: String(metricsPort),
    SLUICE_QUERY_PORT: String(queryPort),
    SLUICE_QUERY_TOKEN: token,
    SLUICE_QUERY_MAX_SCAN: '40',
    SLUICE_LOG_LEVEL: 'debug',
    ...extra,
  });
  daemons.push(d);
  const ready = await waitFor(async () => {
    try {
      return (await fetch(`http://127.0.0.1:${metricsPort}/readyz`)).status === 200;
    } catch {
      return false;
    }
  }, 120_000);
  assert.ok(ready, `the daemon did not become ready\n${d.tail()}`);
  return { d, base: `http://127.0.0.1:${queryPort}` };
}

before(async () => {
  await createTopics(kafka, [
    { topic: topics.input, partitions: PARTITIONS },
    { topic: topics.restart, partitions: PARTITIONS },
  ]);
});

after(async () => {
  for (const d of daemons) await d.stop('SIGKILL');
  await deleteTopics(kafka, Object.values(topics)).catch(() => undefined);
});

test('answers 503 while no job runs (Kafka unreachable: the job is still starting)', async () => {
  const queryPort = await freePort();
  const d = startDaemon({
    SLUICE_KAFKA_BROKERS: '127.0.0.1:1',
    SLUICE_KAFKA_TOPIC: topics.input,
    SLUICE_KAFKA_STARTUP_TIMEOUT_MS: '0',
    SLUICE_METRICS_PORT: '0',
    SLUICE_QUERY_PORT: String(queryPort),
  });
  daemons.push(d);
  const base = `http://127.0.0.1:${queryPort}`;
  const answer = await until(base, '/keys/u-1/windows', (a) => a.status !== 0, 30_000);
  assert.equal(answer.status, 503, JSON.stringify(answer.body));
  assert.equal(answer.body.code, 'QUERY_UNAVAILABLE');
  assert.equal(answer.headers.get('retry-after'), '1');
  const status = await get(base, '/status');
  assert.equal(status.status, 200);
  assert.equal(status.body.answering, false);
  assert.equal((status.body.freshness as { jobState: string }).jobState, 'starting');
  // (A graceful stop of a job still waiting for Kafka is not what this test is about.)
  await d.stop('SIGKILL');
});

test('a key, a window, its top N: exactly the counts produced, fresh, and changing with new events', async (t) => {
  const first = phaseOne(30);
  expect(first);
  await produce(topics.input, first);
  const { d, base } = await daemon(topics.input);

  // The key's windows: W1 fired and held (allowed lateness 10 min), W2 open.
  const want = (userId: string) =>
    [S, S + MIN].map((start) => {
      const r = expected.get(`${userId}:${start}`) as Result;
      return { start, end: start + MIN, fired: start === S, final: false, finalAt: start + MIN - 1 + 10 * MIN, result: r };
    });
  const key = await until<{ windows: unknown[]; freshness: Record<string, number | null> }>(
    base,
    '/keys/u-3/windows',
    (a) => a.status === 200 && deepEqualish(a.body.windows, want('u-3')),
  );
  assert.equal(key.status, 200, JSON.stringify(key.body));
  assert.deepEqual(key.body.windows, want('u-3'), 'u-3: W1 fired and held, W2 open, counts as produced');
  const f = key.body.freshness;
  assert.equal(f.watermark, S + 95_000 - 1, 'the watermark: min over partitions of the max event time - 5 s - 1');
  assert.equal(f.stateWatermark, S + 95_000 - 1);
  assert.ok(typeof f.watermarkLagMs === 'number' && f.watermarkLagMs > 25 * MIN);
  // In a range: only W2.
  const w2only = await get<{ windows: Array<{ start: number }> }>(
    base,
    `/keys/u-3/windows?from=${S + MIN}&to=${new Date(S + 2 * MIN).toISOString()}`,
  );
  assert.deepEqual(
    w2only.body.windows.map((w) => w.start),
    [S + MIN],
  );
  for (const u of ['u-0', 'u-17', 'u-29']) assert.deepEqual((await get(base, `/keys/${u}/windows`)).body.windows, want(u), u);
  assert.deepEqual((await get(base, '/keys/nobody/windows')).body.windows, []);

  // W2 paged through with a cursor, 7 keys a page: every key once, in order, exact results.
  const seen: Result[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: Answer<{ keys: Array<{ key: string; fired: boolean; result: Result }>; nextCursor: string | null }> = await get(
      base,
      `/windows/${S + MIN}/keys?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    assert.equal(page.status, 200, JSON.stringify(page.body));
    assert.ok(page.body.keys.length <= 7);
    for (const k of page.body.keys) {
      assert.equal(k.key, k.result.userId);
      assert.equal(k.fired, false);
      seen.push(k.result);
    }
    cursor = page.body.nextCursor;
    pages++;
  } while (cursor && pages < 20);
  assert.deepEqual(seen, windowOf(S + MIN), 'every key of W2 once, in key order, with its exact result');
  assert.equal(pages, Math.ceil(windowOf(S + MIN).length / 7));

  // Top N, by count and by one event type (ties: key order).
  const rank = (by: (r: Result) => number, n: number) =>
    windowOf(S + MIN)
      .map((r) => ({ key: r.userId, value: by(r) }))
      .sort((a, b) => b.value - a.value || (a.key < b.key ? -1 : 1))
      .slice(0, n);
  const top = await get<{ top: Array<{ rank: number; key: string; value: number; result: Result }> }>(
    base,
    `/windows/${S + MIN}/top?by=count&n=5`,
  );
  assert.deepEqual(
    top.body.top.map((x) => ({ key: x.key, value: x.value })),
    rank((r) => r.count, 5),
  );
  assert.deepEqual(
    top.body.top.map((x) => x.rank),
    [1, 2, 3, 4, 5],
  );
  assert.deepEqual(top.body.top[0]?.result, expected.get(`${top.body.top[0]?.key}:${S + MIN}`));
  const clicks = await get<{ top: Array<{ key: string; value: number }> }>(base, `/windows/${S + MIN}/top?by=byEventType.click&n=3`);
  assert.deepEqual(
    clicks.body.top.map((x) => ({ key: x.key, value: x.value })),
    rank((r) => r.byEventType.click ?? 0, 3),
  );

  const windows = await get<{ windows: Array<{ start: number; final: boolean }>; current: number }>(base, '/windows');
  assert.deepEqual(
    windows.body.windows.map((w) => [w.start, w.final]),
    [
      [S, false],
      [S + MIN, false],
    ],
  );
  assert.equal(windows.body.current, S + MIN, 'the window holding the watermark');

  // Freshness: a checkpoint completes (every second here) and shows in every answer.
  const status = await until<{ freshness: { lastCheckpointAt: number | null; checkpointAgeMs: number | null } }>(
    base,
    '/status',
    (a) => a.body.freshness?.lastCheckpointAt !== null,
  );
  assert.ok((status.body.freshness.lastCheckpointAt as number) > Date.now() - 5 * MIN);
  assert.ok((status.body.freshness.checkpointAgeMs as number) >= 0);

  // More events: u-3 gets 3 more in W2, u-4 one late (within the lateness) in fired W1.
  const more: Click[] = [
    ...[0, 1, 2].map((j): Click => ({ userId: 'u-3', eventType: 'add_to_cart', timestamp: S + MIN + 40_000 + j, partition: 1 })),
    { userId: 'u-4', eventType: 'click', timestamp: S + 30_000, partition: 0 },
  ];
  expect(more);
  await produce(topics.input, more);
  const changed = await until(base, '/keys/u-3/windows', (a) => deepEqualish(a.body.windows, want('u-3')));
  assert.deepEqual(changed.body.windows, want('u-3'), 'the answer follows the new events');
  assert.equal(((want('u-3')[1] as { result: Result }).result as Result).byEventType.add_to_cart !== undefined, true);
  const late = await until(base, '/keys/u-4/windows', (a) => deepEqualish(a.body.windows, want('u-4')));
  assert.deepEqual(late.body.windows, want('u-4'), 'a late event within the lateness updates the fired window');

  // The token: required on every API route, never logged.
  for (const path of ['/status', '/windows', '/keys/u-3/windows', `/windows/${S}/keys`, `/windows/${S}/top`]) {
    for (const auth of [null, 'wrong-token-of-some-length', `${token}x`]) {
      const denied = await get(base, path, auth);
      assert.equal(denied.status, 401, `${path} with ${auth}`);
      assert.equal(denied.body.code, 'QUERY_UNAUTHORIZED');
      assert.equal(denied.headers.get('www-authenticate'), 'Bearer realm="sluice"');
    }
  }

  // Bad parameters: 400, naming the parameter.
  const bad: Array<[string, RegExp]> = [
    [`/windows/${S + 1234}/keys`, /^start: .* is not a window start: windows start at multiples of 60000 ms/],
    ['/windows/soon/keys', /^start: /],
    [`/windows/${S}/keys?limit=0`, /^limit: "0" is not an integer from 1 to 1000/],
    [`/windows/${S}/keys?limit=abc`, /^limit: /],
    [`/windows/${S}/keys?cursor=bogus`, /^cursor: not a cursor this API made/],
    [`/windows/${S}/keys?limt=5`, /^limt: unknown querystring parameter \(allowed: cursor, limit\)/],
    [`/windows/${S}/top?by=userId`, /^by: "userId" is not something to rank by; one of count, byEventType\.<name>/],
    [`/windows/${S}/top?n=100000`, /^n: /],
    ['/keys/u-3/windows?from=20&to=10', /^to: must be after from/],
    ['/keys/u-3/windows?from=yesterday', /^from: "yesterday" is not a time/],
  ];
  for (const [path, message] of bad) {
    const answer = await get(base, path);
    assert.equal(answer.status, 400, `${path}: ${JSON.stringify(answer.body)}`);
    assert.equal(answer.body.code, 'QUERY_BAD_REQUEST', path);
    assert.match(String(answer.body.message), message, path);
  }

  // A scan over SLUICE_QUERY_MAX_SCAN (40 per worker): 100 keys in window W0 (late within the lateness).
  const broad: Click[] = Array.from({ length: 100 }, (_, i) => ({
    userId: `w0-${i}`,
    eventType: 'view',
    timestamp: S - MIN + i,
    partition: i % PARTITIONS,
  }));
  expect(broad);
  await produce(topics.input, broad);
  await until(base, '/keys/w0-99/windows', (a) => (a.body.windows as unknown[] | undefined)?.length === 1);
  for (const path of [`/windows/${S - MIN}/keys`, `/windows/${S - MIN}/top`]) {
    const refused = await get(base, path);
    assert.equal(refused.status, 422, path);
    assert.equal(refused.body.code, 'QUERY_TOO_BROAD');
    assert.match(
      String(refused.body.message),
      /holds more than 40 entries in window worker \d: scanning it is refused \(SLUICE_QUERY_MAX_SCAN=40\)/,
    );
  }
  assert.deepEqual(
    (await get<{ windows: Array<{ result: Result }> }>(base, '/keys/w0-7/windows')).body.windows.map((w) => w.result),
    [expected.get(`w0-7:${S - MIN}`)],
  );

  // The OpenAPI document: public, parses, describes the routes and the job's result shape.
  const doc = await get<{
    openapi: string;
    paths: Record<
      string,
      Record<
        string,
        {
          parameters?: Array<{ name: string }>;
          responses: Record<string, { content?: Record<string, { schema: { properties: Record<string, unknown> } }> }>;
        }
      >
    >;
  }>(base, '/openapi.json', null);
  assert.equal(doc.status, 200);
  assert.equal(doc.body.openapi, '3.1.0');
  for (const path of ['/status', '/windows', '/keys/{key}/windows', '/windows/{start}/keys', '/windows/{start}/top'])
    assert.ok(doc.body.paths[path]?.get, `${path} documented`);
  const keyWindows = doc.body.paths['/keys/{key}/windows']?.get;
  assert.deepEqual(keyWindows?.parameters?.map((p) => p.name).sort(), ['from', 'key', 'to']);
  type WindowsSchema = { properties: { windows: { items: { properties: { result: { properties: Record<string, unknown> } } } } } };
  const schema = keyWindows?.responses['200']?.content?.['application/json']?.schema as WindowsSchema | undefined;
  assert.ok(schema, 'the 200 answer has a schema');
  const items = schema.properties.windows.items;
  assert.deepEqual(Object.keys(items.properties.result.properties), ['userId', 'windowStart', 'windowEnd', 'count', 'byEventType']);
  assert.ok(keyWindows?.responses['401'] && keyWindows.responses['400']);

  const exit = await d.stop('SIGTERM');
  assert.equal(exit.code, 0, d.tail());
  const log = readFileSync(d.logFile, 'utf8');
  assert.ok(log.includes('"msg":"serving live queries"'));
  assert.ok(log.includes('"route":"/keys/:key/windows"'), 'requests are logged by route');
  assert.ok(!log.includes(token), 'the token never appears in the log');
  t.diagnostic(`${expected.size} (key, window) results compared`);
});

test('the API outlives a supervised restart of the job: 503 while restarting, then exact answers again', async () => {
  const clicks: Click[] = Array.from({ length: 60 }, (_, i) => ({
    userId: `r-${i % 6}`,
    eventType: TYPES[i % 3] as string,
    timestamp: S + MIN + i * 100,
    partition: i % PARTITIONS,
  }));
  const counts = new Map<string, number>();
  for (const c of clicks) counts.set(c.userId, (counts.get(c.userId) ?? 0) + 1);
  const { d, base } = await daemon(topics.restart, {
    // Every worker exits on its first step in the first start of the job: the supervisor restarts the job.
    SLUICE_TEST_WORKER_EXIT_AFTER_STEPS: '0',
    SLUICE_TEST_WORKER_EXIT_ATTEMPTS: '1',
    SLUICE_RESTART_DELAY_MS: '3000',
  });
  // Ready with nothing read yet: the events make the first steps, and the workers exit.
  assert.equal((await get(base, '/keys/r-2/windows')).status, 200);
  await produce(topics.restart, clicks);
  let unavailable = 0;
  const answer = await until<{ windows: Array<{ result: Result }> }>(
    base,
    '/keys/r-2/windows',
    (a) => {
      if (a.status === 503) unavailable++;
      return a.status === 200 && a.body.windows[0]?.result.count === counts.get('r-2');
    },
    120_000,
  );
  assert.equal(answer.body.windows[0]?.result.count, counts.get('r-2'), d.tail());
  assert.ok(readFileSync(d.logFile, 'utf8').includes('restarting it from the last completed checkpoint'), 'the job was restarted');
  assert.ok(unavailable > 0, 'the API answered 503 while the job restarted');
  for (const [userId, count] of counts)
    assert.equal(
      (await get<{ windows: Array<{ result: Result }> }>(base, `/keys/${userId}/windows`)).body.windows[0]?.result.count,
      count,
      userId,
    );
  const exit = await d.stop('SIGTERM');
  assert.equal(exit.code, 0, d.tail());
});
