/**
 * The example job files on the real services, each run as a user runs it (`SLUICE_JOB=examples/...
 * sluice run` in a child process; topics, index and key prefix overridden by variables, so runs
 * never see each other's data). Every document, key and dead letter is checked against what the
 * test computes itself from what it produced, with plain loops:
 *
 * - examples/clickstream.yaml: exactly what the built-in job writes (the clickstream fixture);
 * - examples/product-region.yaml: per product and region and 5 minutes, events, distinct users,
 *   the top 3 users; filtered records neither counted nor dead letters;
 * - examples/user-sessions.yaml: sessions per user with a 30-minute gap;
 * - examples/shop-activity.yaml: three aggregations over one parse (per user, per product, per
 *   region), SIGKILLed mid-run and restarted on its state: every document of its three indexes,
 *   every key of its three prefixes, the dead letters and the late letters (one per aggregation
 *   that found a record late) exactly once.
 */
import { Client } from '@elastic/elasticsearch';
import { Redis } from 'ioredis';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { buildFixture, MINUTE } from '../helpers/clickstream-fixture.js';
import { startDaemon, waitFor, type DaemonProcess } from '../helpers/daemon-process.js';
import { committedOffsets, createTopics, deleteTopics, kafkaBrokers, readTopic, testKafka } from '../helpers/kafka.js';
import { esNode, redisUrl, uniqueName, waitForElasticsearch } from '../helpers/services.js';
import { esDocCount, redisKeys } from '../helpers/sink-reads.js';

const PARTITIONS = 3;
const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));
const kafka = testKafka();
const es = new Client({ node: esNode() });
const redis = new Redis(redisUrl(), { lazyConnect: true });
const daemons: DaemonProcess[] = [];
const created: { topics: string[]; indices: string[]; prefixes: string[]; dirs: string[] } = {
  topics: [],
  indices: [],
  prefixes: [],
  dirs: [],
};

before(async () => {
  await waitForElasticsearch();
  await redis.connect();
});

after(async () => {
  for (const d of daemons) await d.stop('SIGKILL');
  await deleteTopics(kafka, created.topics).catch(() => undefined);
  for (const index of created.indices) await es.indices.delete({ index }, { ignore: [404] }).catch(() => undefined);
  for (const prefix of created.prefixes) {
    const keys = await redisKeys(redis, prefix);
    if (keys.length > 0) await redis.del(...keys);
  }
  for (const dir of created.dirs) rmSync(dir, { recursive: true, force: true });
  redis.disconnect();
  await es.close();
});

/** Unique topics, index and key prefix for one run of an example, and the variables that point the daemon at them. */
async function runNames(name: string) {
  const run = uniqueName(name);
  const names = { input: `${run}-in`, dlq: `${run}-dlq`, late: `${run}-late`, index: `${run}-out`, prefix: `${run}:` };
  created.topics.push(names.input, names.dlq, names.late);
  created.indices.push(names.index);
  created.prefixes.push(names.prefix);
  await createTopics(kafka, [{ topic: names.input, partitions: PARTITIONS, maxMessageBytes: 2 * 1024 * 1024 }]);
  return names;
}

function startExample(file: string, names: Awaited<ReturnType<typeof runNames>>, extra: Record<string, string> = {}): DaemonProcess {
  const daemon = startDaemon({
    SLUICE_JOB: `${EXAMPLES}${file}`,
    SLUICE_KAFKA_BROKERS: kafkaBrokers().join(','),
    SLUICE_KAFKA_TOPIC: names.input,
    SLUICE_KAFKA_GROUP_ID: `${names.input}-group`,
    SLUICE_DLQ_TOPIC: names.dlq,
    SLUICE_LATE_TOPIC: names.late,
    SLUICE_ES_NODE: esNode(),
    SLUICE_ES_INDEX: names.index,
    SLUICE_REDIS_URL: redisUrl(),
    SLUICE_REDIS_KEY_PREFIX: names.prefix,
    SLUICE_CHECKPOINT_INTERVAL_MS: '1000',
    SLUICE_WORKERS: '2',
    SLUICE_METRICS_PORT: '0',
    ...extra,
  });
  daemons.push(daemon);
  return daemon;
}

async function produce(topic: string, messages: Array<{ key: string | null; value: Buffer; partition?: number }>): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 2000) await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 2000) });
  } finally {
    await producer.disconnect();
  }
}

async function allDocs(index: string): Promise<Map<string, unknown>> {
  const docs = new Map<string, unknown>();
  for await (const hit of es.helpers.scrollSearch({ index, size: 5000, body: { query: { match_all: {} } } })) {
    for (const doc of hit.body.hits.hits) docs.set(doc._id as string, doc._source);
  }
  return docs;
}

/**
 * Wait until the expected number of documents and keys is there, then check that exactly the
 * expected ones are, document by document (JSON, so the order of fields counts too) and key by key.
 */
async function checkOutputs(
  daemon: DaemonProcess,
  names: { index: string; prefix: string },
  expected: Map<string, object>,
  redisValue: (doc: Record<string, unknown>) => string,
  ttl: number,
): Promise<void> {
  const n = expected.size;
  const written = await waitFor(
    async () => (await esDocCount(es, names.index)) >= n && (await redisKeys(redis, names.prefix)).length >= n,
    180_000,
    1000,
  );
  assert.ok(
    written,
    `not every result was written in time: ES ${await esDocCount(es, names.index)}, Redis ${(await redisKeys(redis, names.prefix)).length} of ${n}\n${daemon.tail()}`,
  );
  const docs = await allDocs(names.index);
  assert.equal(docs.size, n, 'no other document');
  for (const [id, want] of expected) assert.equal(JSON.stringify(docs.get(id)), JSON.stringify(want), `document ${id}`);
  const keys = await redisKeys(redis, names.prefix);
  assert.equal(keys.length, n, 'no other key');
  const values = await redis.mget(...keys);
  keys.forEach((key, i) => {
    const want = expected.get(key.slice(names.prefix.length)) as Record<string, unknown> | undefined;
    assert.ok(want, `unexpected key ${key}`);
    assert.equal(values[i], redisValue(want), key);
  });
  const t = await redis.ttl(keys[0] as string);
  assert.ok(t > ttl - 600 && t <= ttl, `TTL ${t}`);
}

async function checkDeadLetters(dlq: string, input: string, bad: Array<{ value: Buffer; code: string }>): Promise<void> {
  const letters = await readTopic(kafka, dlq, bad.length);
  assert.equal(letters.length, bad.length, 'every bad record, and nothing else, is a dead letter');
  const want = new Map(bad.map((b) => [b.value.toString('base64'), b.code]));
  for (const letter of letters) {
    const code = want.get(letter.value?.toString('base64') ?? '');
    assert.ok(code, `unexpected dead letter ${letter.value?.subarray(0, 100).toString()}`);
    assert.equal(letter.headers['sluice-error'], code, letter.headers['sluice-error-message']);
    assert.equal(letter.headers['sluice-source-topic'], input);
    want.delete(letter.value?.toString('base64') ?? '');
  }
  assert.equal(want.size, 0);
}

/** A small seeded PRNG, so a failing run can be reproduced. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x9e3779b9) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 16), 0x21f0aaad);
    t = Math.imul(t ^ (t >>> 15), 0x735a2d97);
    return ((t ^ (t >>> 15)) >>> 0) / 4294967296;
  };
}

const json = (o: unknown) => Buffer.from(JSON.stringify(o));

test('examples/clickstream.yaml writes what the built-in job writes: documents, keys, dead letters', async () => {
  const names = await runNames('jobfile-ref');
  const fixture = buildFixture({
    events: 12_000,
    users: 400,
    partitions: PARTITIONS,
    spanMs: 8 * MINUTE,
    badRatio: 0.012,
    maxDisorderMs: 4_000,
    includeTooLarge: true,
    seed: 7,
  });
  await produce(names.input, fixture.messages);
  await produce(names.input, fixture.trailing);
  const daemon = startExample('clickstream.yaml', names);
  // The built-in job writes byEventType sorted by type: so must the file's, byte for byte.
  const expected = new Map(
    [...fixture.expected].map(([id, doc]) => [
      id,
      { ...doc, byEventType: Object.fromEntries(Object.entries(doc.byEventType).sort(([a], [b]) => (a < b ? -1 : 1))) },
    ]),
  );
  await checkOutputs(daemon, names, expected, (doc) => String(doc.count), 86_400);
  await checkDeadLetters(names.dlq, names.input, fixture.bad);
  const exit = await daemon.stop('SIGTERM');
  assert.equal(exit.code, 0, daemon.tail());
});

test('examples/product-region.yaml: events, distinct users and top 3 users per product, region and 5 minutes', async () => {
  const names = await runNames('jobfile-pr');
  const random = prng(11);
  const WINDOW = 5 * MINUTE;
  const start = Math.floor((Date.now() - 3 * 3_600_000) / WINDOW) * WINDOW;
  const regions = ['eu', 'us', 'apac'];
  const types = ['view', 'view', 'view', 'add_to_cart', 'purchase', 'search'];
  const messages: Array<{ key: string | null; value: Buffer }> = [];
  const counted: Array<{ productId: string; region: string; userId: string; timestamp: number }> = [];
  const bad: Array<{ value: Buffer; code: string }> = [];
  let maxTs = start;
  const events = 15_000;
  for (let i = 0; i < events; i++) {
    const productId = `sku-${Math.floor(random() * 30)}`;
    const region = regions[Math.floor(random() * regions.length)] as string;
    // A few heavy users per product make the top 3 meaningful; ties are broken by user id.
    const userId = random() < 0.4 ? `user-${Math.floor(random() * 5)}` : `user-${Math.floor(random() * 400)}`;
    const eventType = types[Math.floor(random() * types.length)] as string;
    const timestamp = Math.max(start, start + Math.floor((i / events) * 40 * MINUTE) - Math.floor(random() * 4000));
    maxTs = Math.max(maxTs, timestamp);
    messages.push({ key: `${productId}:${region}`, value: json({ productId, region, userId, eventType, timestamp, price: 100 + i }) });
    if (eventType !== 'search') counted.push({ productId, region, userId, timestamp });
    if (i % 97 === 0) {
      // Bad records of every rule; a bad one that the filter leaves out is no dead letter.
      const n = i / 97;
      // Each one unique (n), so each dead letter is found by its bytes.
      const kinds: Array<[string, unknown]> = [
        ['BAD_REGION', { productId, region: 'mars', userId, eventType: 'view', timestamp, n }],
        ['MISSING_PRODUCT_ID', { region, userId, eventType: 'purchase', timestamp, n }],
        ['BAD_TIMESTAMP', { productId, region, userId, eventType: 'view', timestamp: String(timestamp), n }],
        ['MISSING_USER_ID', { productId, region, userId: '', eventType: 'view', timestamp, n }],
        ['MALFORMED_JSON', `{"n":${n},"productId":"${productId}","region":`],
      ];
      const [code, value] = kinds[n % kinds.length] as [string, unknown];
      const bytes = typeof value === 'string' ? Buffer.from(value) : json(value);
      messages.push({ key: null, value: bytes });
      bad.push({ value: bytes, code });
      messages.push({ key: null, value: json({ productId, region: 'mars', userId, eventType: 'search', timestamp, n }) });
    }
  }
  const trailing = Array.from({ length: PARTITIONS }, (_, partition) => ({
    key: null,
    partition,
    value: json({ productId: `trailer-${partition}`, region: 'eu', userId: 'trailer', eventType: 'view', timestamp: maxTs + 10 * WINDOW }),
  }));

  // The expected documents, from plain loops.
  const groups = new Map<string, { productId: string; region: string; windowStart: number; users: Map<string, number>; events: number }>();
  for (const e of counted) {
    const windowStart = e.timestamp - (e.timestamp % WINDOW);
    const id = `${e.productId}:${e.region}:${windowStart}`;
    const g = groups.get(id) ?? { productId: e.productId, region: e.region, windowStart, users: new Map(), events: 0 };
    g.events++;
    g.users.set(e.userId, (g.users.get(e.userId) ?? 0) + 1);
    groups.set(id, g);
  }
  const expected = new Map<string, object>();
  for (const [id, g] of groups) {
    const top = [...g.users].sort(([ua, a], [ub, b]) => b - a || (ua < ub ? -1 : ua > ub ? 1 : 0)).slice(0, 3);
    expected.set(id, {
      productId: g.productId,
      region: g.region,
      windowStart: g.windowStart,
      windowEnd: g.windowStart + WINDOW,
      events: g.events,
      users: g.users.size,
      topUsers: top.map(([value, count]) => ({ value, count })),
    });
  }

  await produce(names.input, messages);
  await produce(names.input, trailing);
  const daemon = startExample('product-region.yaml', names);
  await checkOutputs(daemon, names, expected, (doc) => String(doc.users), 86_400);
  await checkDeadLetters(names.dlq, names.input, bad);
  const mapping = await es.indices.getMapping({ index: names.index });
  const properties = (mapping.body as Record<string, { mappings: { properties: Record<string, { type?: string; enabled?: boolean }> } }>)[
    names.index
  ]?.mappings.properties;
  assert.deepEqual(
    [properties?.productId?.type, properties?.region?.type, properties?.users?.type, properties?.topUsers?.enabled],
    ['keyword', 'keyword', 'long', false],
    'the index was created with the mapping the job file implies',
  );
  const exit = await daemon.stop('SIGTERM');
  assert.equal(exit.code, 0, daemon.tail());
});

test('examples/user-sessions.yaml: one result per session, a session ending after 30 minutes without an event', async () => {
  const names = await runNames('jobfile-sess');
  const random = prng(23);
  const GAP = 30 * MINUTE;
  const start = Date.now() - 8 * 3_600_000;
  const types = ['view', 'click', 'add_to_cart', 'purchase'];
  interface Visit {
    userId: string;
    eventType: string;
    page?: string;
    timestamp: number;
  }
  const visits: Visit[] = [];
  for (let u = 0; u < 150; u++) {
    let t = start + Math.floor(random() * 60 * MINUTE);
    const n = 10 + Math.floor(random() * 50);
    for (let i = 0; i < n; i++) {
      const visit: Visit = { userId: `user-${u}`, eventType: types[Math.floor(random() * types.length)] as string, timestamp: t };
      if (random() < 0.8) visit.page = `/page/${Math.floor(random() * 12)}`;
      visits.push(visit);
      // Mostly a few minutes apart; now and then a pause past the gap, or exactly the gap (touching windows merge).
      const r = random();
      t += r < 0.08 ? GAP + MINUTE + Math.floor(random() * 90 * MINUTE) : r < 0.1 ? GAP : Math.floor(random() * 8 * MINUTE);
    }
  }
  // In event-time order, each value a few seconds out of order at most (the watermark's bound is 5 s).
  visits.sort((a, b) => a.timestamp - b.timestamp);
  const jittered = visits.map((v, i) => ({ v, at: v.timestamp + Math.floor(random() * 3000) + i * 0 }));
  jittered.sort((a, b) => a.at - b.at);
  const maxTs = Math.max(...visits.map((v) => v.timestamp));
  const messages = jittered.map(({ v }) => ({ key: v.userId, value: json(v) }));
  const bad = [
    { code: 'MISSING_USER_ID', value: json({ eventType: 'view', timestamp: start }) },
    { code: 'BAD_PAGE', value: json({ userId: 'u', eventType: 'view', page: 5, timestamp: start }) },
    { code: 'BAD_TIMESTAMP', value: json({ userId: 'u', eventType: 'view', timestamp: 1.5 }) },
  ];
  const trailing = Array.from({ length: PARTITIONS }, (_, partition) => ({
    key: null,
    partition,
    value: json({ userId: `trailer-${partition}`, eventType: 'view', timestamp: maxTs + 2 * GAP + MINUTE }),
  }));

  // Sessions from plain loops: per user, sorted; a new session when an event comes after the last one's end (end = last + gap; touching merges).
  const expected = new Map<string, object>();
  const byUser = new Map<string, Visit[]>();
  for (const v of visits) byUser.set(v.userId, [...(byUser.get(v.userId) ?? []), v]);
  for (const [userId, list] of byUser) {
    list.sort((a, b) => a.timestamp - b.timestamp);
    let members: Visit[] = [];
    const close = () => {
      const windowStart = (members[0] as Visit).timestamp;
      const windowEnd = Math.max(...members.map((m) => m.timestamp)) + GAP;
      const byEventType: Record<string, number> = {};
      for (const type of [...new Set(members.map((m) => m.eventType))].sort())
        byEventType[type] = members.filter((m) => m.eventType === type).length;
      expected.set(`${userId}:${windowStart}`, {
        userId,
        windowStart,
        windowEnd,
        events: members.length,
        pages: new Set(members.filter((m) => m.page !== undefined).map((m) => m.page)).size,
        byEventType,
      });
    };
    for (const v of list) {
      if (members.length > 0 && v.timestamp > Math.max(...members.map((m) => m.timestamp)) + GAP) {
        close();
        members = [];
      }
      members.push(v);
    }
    close();
  }

  await produce(names.input, messages);
  await produce(
    names.input,
    bad.map((b) => ({ key: null, value: b.value })),
  );
  await produce(names.input, trailing);
  const daemon = startExample('user-sessions.yaml', names);
  await checkOutputs(daemon, names, expected, (doc) => String(doc.events), 7 * 86_400);
  await checkDeadLetters(names.dlq, names.input, bad);
  assert.equal((await readTopic(kafka, names.late, 0, 2_000)).length, 0, 'no late event: every event was within the bound');
  const exit = await daemon.stop('SIGTERM');
  assert.equal(exit.code, 0, daemon.tail());
});

test('examples/shop-activity.yaml: three aggregations over one parse, SIGKILLed mid-run and restarted: every document, key and letter exactly once', {
  timeout: 240_000,
}, async (t) => {
  const names = await runNames('jobfile-shop');
  const aggregations = ['perUser', 'perProduct', 'perRegion'] as const;
  type Aggregation = (typeof aggregations)[number];
  const out = Object.fromEntries(
    aggregations.map((a) => [a, { index: `${names.index}-${a.toLowerCase()}`, prefix: `${names.prefix}${a}:` }]),
  ) as Record<Aggregation, { index: string; prefix: string }>;
  created.indices.push(...aggregations.map((a) => out[a].index));
  const stateDir = mkdtempSync(join(tmpdir(), 'sluice-shop-'));
  created.dirs.push(stateDir);
  const random = prng(31);
  const MINUTE_WINDOW = MINUTE;
  const REGION_WINDOW = 5 * MINUTE;
  const BOUND = 5_000; // input.outOfOrderness
  const start = Math.floor((Date.now() - 3 * 3_600_000) / REGION_WINDOW) * REGION_WINDOW;
  const regions = ['eu', 'us', 'apac'];
  const types = ['view', 'view', 'view', 'add_to_cart', 'purchase', 'search'];
  interface ShopEvent {
    userId: string;
    productId: string;
    region: string;
    eventType: string;
    timestamp: number;
  }
  type Message = { key: string | null; value: Buffer; partition: number };
  /** Which aggregations count an event: all of them, or those that did not find it late. */
  const counted: Array<{ e: ShopEvent; by: ReadonlySet<Aggregation> }> = [];
  const all: ReadonlySet<Aggregation> = new Set(aggregations);
  const bad: Array<{ value: Buffer; code: string }> = [];
  const messages: Message[] = [];
  let serial = 0;
  const eventMessage = (e: ShopEvent, partition: number): Message =>
    // n: every record's bytes are unique, so each letter is found by them.
    ({ key: e.userId, partition, value: json({ ...e, n: serial++ }) });

  // 6,000 events over 30 minutes on 3 partitions, each up to 4 s behind the event before it (within
  // the 5 s bound: none is late), a few bad records of every rule among them.
  const EVENTS = 6_000;
  const SPAN = 30 * MINUTE;
  for (let i = 0; i < EVENTS; i++) {
    const e: ShopEvent = {
      // A few heavy users and a skew towards low product numbers: distinct counts and the top 5 mean something.
      userId: random() < 0.3 ? `user-${Math.floor(random() * 8)}` : `user-${Math.floor(random() * 300)}`,
      productId: `sku-${Math.floor(random() * random() * 40)}`,
      region: regions[Math.floor(random() * regions.length)] as string,
      eventType: types[Math.floor(random() * types.length)] as string,
      timestamp: Math.max(start, start + Math.floor((i / EVENTS) * SPAN) - Math.floor(random() * 4000)),
    };
    messages.push(eventMessage(e, i % PARTITIONS));
    counted.push({ e, by: all });
    if (i % 61 === 30) {
      const n = serial++;
      const { userId, productId, region, eventType, timestamp } = e;
      const kinds: Array<[string, unknown]> = [
        ['MISSING_USER_ID', { productId, region, eventType, timestamp, n }],
        ['BAD_USER_ID', { userId: 42, productId, region, eventType, timestamp, n }],
        ['MISSING_PRODUCT_ID', { userId, productId: '', region, eventType, timestamp, n }],
        ['BAD_PRODUCT_ID', { userId, productId: `sku-${'x'.repeat(64)}`, region, eventType, timestamp, n }],
        ['MISSING_REGION', { userId, productId, region: null, eventType, timestamp, n }],
        ['BAD_REGION', { userId, productId, region: 'mars', eventType, timestamp, n }],
        ['MISSING_EVENT_TYPE', { userId, productId, region, timestamp, n }],
        ['BAD_TIMESTAMP', { userId, productId, region, eventType, timestamp: String(timestamp), n }],
        ['BAD_TIMESTAMP', { userId, productId, region, eventType, n }],
        ['MALFORMED_JSON', `{"n":${n},"userId":"${userId}","productId":`],
      ];
      const [code, value] = kinds[Math.floor(i / 61) % kinds.length] as [string, unknown];
      const bytes = typeof value === 'string' ? Buffer.from(value) : json(value);
      messages.push({ key: null, value: bytes, partition: i % PARTITIONS });
      bad.push({ value: bytes, code });
    }
  }
  const chunk = Math.ceil(messages.length / 4);
  const chunks = [0, 1, 2, 3].map((c) => messages.slice(c * chunk, (c + 1) * chunk));

  // A fence: one event per partition at F, after every other event, so that once all of them are
  // read (the group's offsets committed up to the end) the watermark is exactly F - bound - 1.
  const F = start + SPAN + 2 * MINUTE + 30_000;
  const W = F - BOUND - 1;
  const fences = Array.from({ length: PARTITIONS }, (_, p) => {
    const e: ShopEvent = { userId: `fence-${p}`, productId: `fence-${p}`, region: regions[p] as string, eventType: 'view', timestamp: F };
    counted.push({ e, by: all });
    return eventMessage(e, p);
  });
  // Then, behind that watermark: events late for every aggregation (their 5-minute windows fired
  // too); events late only for the 1-minute aggregations (minute [F-1.5m, F-0.5m) has fired, its
  // 5-minute window has not), counted per region; events behind the fence but in windows still open.
  const late: Array<{ value: Buffer; aggregations: Aggregation[] }> = [];
  const behind: Message[] = [];
  for (let i = 0; i < 150; i++) {
    const kind = i % 3;
    const timestamp =
      kind === 0
        ? start + Math.floor(random() * 10 * MINUTE)
        : kind === 1
          ? W - (W % MINUTE) - MINUTE + Math.floor(random() * MINUTE)
          : W - (W % MINUTE) + Math.floor(random() * (W % MINUTE));
    const e: ShopEvent = {
      userId: `user-${Math.floor(random() * 300)}`,
      productId: `sku-${Math.floor(random() * 40)}`,
      region: regions[Math.floor(random() * regions.length)] as string,
      eventType: types[Math.floor(random() * types.length)] as string,
      timestamp,
    };
    const m = eventMessage(e, i % PARTITIONS);
    behind.push(m);
    // Late for an aggregation: its window's end - 1 at or behind the watermark (no allowed lateness).
    const lateFor = aggregations.filter((a) => {
      const size = a === 'perRegion' ? REGION_WINDOW : MINUTE_WINDOW;
      return timestamp - (timestamp % size) + size - 1 <= W;
    });
    assert.deepEqual(lateFor, kind === 0 ? [...aggregations] : kind === 1 ? ['perUser', 'perProduct'] : [], `event ${i}`);
    if (lateFor.length > 0) late.push({ value: m.value, aggregations: lateFor });
    if (lateFor.length < aggregations.length) counted.push({ e, by: new Set(aggregations.filter((a) => !lateFor.includes(a))) });
  }
  // Trailers far ahead fire every window above (theirs never fire).
  const trailing = Array.from({ length: PARTITIONS }, (_, p) =>
    eventMessage(
      { userId: `trailer-${p}`, productId: `trailer-${p}`, region: 'eu', eventType: 'view', timestamp: F + 10 * REGION_WINDOW },
      p,
    ),
  );

  // The expected documents of each aggregation, from plain loops.
  const expected: Record<Aggregation, Map<string, object>> = { perUser: new Map(), perProduct: new Map(), perRegion: new Map() };
  const counts = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  const perUser = new Map<string, { userId: string; windowStart: number; types: Map<string, number>; events: number }>();
  const perProduct = new Map<string, { productId: string; windowStart: number; users: Set<string>; events: number }>();
  const perRegion = new Map<
    string,
    { region: string; windowStart: number; users: Set<string>; products: Map<string, number>; events: number }
  >();
  for (const { e, by } of counted) {
    const minute = e.timestamp - (e.timestamp % MINUTE_WINDOW);
    const five = e.timestamp - (e.timestamp % REGION_WINDOW);
    if (by.has('perUser')) {
      const id = `${e.userId}:${minute}`;
      const g = perUser.get(id) ?? { userId: e.userId, windowStart: minute, types: new Map(), events: 0 };
      g.events++;
      counts(g.types, e.eventType);
      perUser.set(id, g);
    }
    if (by.has('perProduct')) {
      const id = `${e.productId}:${minute}`;
      const g = perProduct.get(id) ?? { productId: e.productId, windowStart: minute, users: new Set(), events: 0 };
      g.events++;
      g.users.add(e.userId);
      perProduct.set(id, g);
    }
    if (by.has('perRegion')) {
      const id = `${e.region}:${five}`;
      const g = perRegion.get(id) ?? { region: e.region, windowStart: five, users: new Set(), products: new Map(), events: 0 };
      g.events++;
      g.users.add(e.userId);
      counts(g.products, e.productId);
      perRegion.set(id, g);
    }
  }
  const byValue = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  for (const [id, g] of perUser) {
    if (g.windowStart + MINUTE_WINDOW > F + 10 * REGION_WINDOW - BOUND) continue; // a trailer's: never fires
    const byEventType: Record<string, number> = {};
    for (const type of [...g.types.keys()].sort(byValue)) byEventType[type] = g.types.get(type) as number;
    expected.perUser.set(id, {
      aggregation: 'perUser',
      userId: g.userId,
      windowStart: g.windowStart,
      windowEnd: g.windowStart + MINUTE_WINDOW,
      events: g.events,
      byEventType,
    });
  }
  for (const [id, g] of perProduct) {
    if (g.windowStart + MINUTE_WINDOW > F + 10 * REGION_WINDOW - BOUND) continue;
    expected.perProduct.set(id, {
      aggregation: 'perProduct',
      productId: g.productId,
      windowStart: g.windowStart,
      windowEnd: g.windowStart + MINUTE_WINDOW,
      events: g.events,
      users: g.users.size,
    });
  }
  for (const [id, g] of perRegion) {
    if (g.windowStart + REGION_WINDOW > F + 10 * REGION_WINDOW - BOUND) continue;
    const top = [...g.products].sort(([pa, a], [pb, b]) => b - a || byValue(pa, pb)).slice(0, 5);
    expected.perRegion.set(id, {
      aggregation: 'perRegion',
      region: g.region,
      windowStart: g.windowStart,
      windowEnd: g.windowStart + REGION_WINDOW,
      events: g.events,
      users: g.users.size,
      topProducts: top.map(([value, count]) => ({ value, count })),
    });
  }
  t.diagnostic(
    `${messages.length} records (${bad.length} bad), ${late.length} late; ${aggregations.map((a) => `${a} ${expected[a].size}`).join(', ')} results`,
  );

  const env = {
    SLUICE_STATE_DIR: stateDir,
    // A SIGKILLed member stays in the group until its session expires: keep that short.
    SLUICE_TEST_KAFKA_SESSION_TIMEOUT_MS: '6000',
    SLUICE_LOG_LEVEL: 'debug', // "checkpoint complete"
    // A checkpoint every second (SLUICE_CHECKPOINT_INTERVAL_MS above), with no pause in between.
    SLUICE_CHECKPOINT_MIN_PAUSE_MS: '0',
  };
  const log = (d: DaemonProcess) => {
    try {
      return readFileSync(d.logFile, 'utf8');
    } catch {
      return '';
    }
  };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const checkpoints = (d: DaemonProcess) => log(d).split('"checkpoint complete"').length - 1;

  const admin = kafka.admin();
  await admin.connect();
  const committed = () => committedOffsets(admin, `${names.input}-group`, names.input);
  let checkpointsBefore: number;
  let restoredAt = 0;
  let daemon: DaemonProcess;
  try {
    // Run 1: the first quarter, a few checkpoints with offsets committed, the second quarter, and SIGKILL while at it.
    await produce(names.input, chunks[0] as Message[]);
    daemon = startExample('shop-activity.yaml', names, env);
    assert.ok(
      await waitFor(async () => checkpoints(daemon) >= 2 && [...(await committed()).values()].some((o) => o > 0), 60_000, 200),
      `no checkpoint with input completed\n${daemon.tail()}`,
    );
    // In slices while it runs, checkpoints in between: SIGKILLed right after one (the last records not
    // checkpointed yet: read again after the restart); the rest produced while it is down.
    const second = chunks[1] as Message[];
    const slices = [0, 1, 2, 3, 4].map((k) => second.slice(k * 300, (k + 1) * 300));
    slices.push(second.slice(1500));
    for (const slice of slices.slice(0, 4)) {
      await sleep(400);
      await produce(names.input, slice);
    }
    await sleep(Math.floor(random() * 150));
    checkpointsBefore = checkpoints(daemon);
    const killed = await daemon.stop('SIGKILL');
    assert.equal(killed.signal, 'SIGKILL', `the daemon had exited on its own\n${daemon.tail()}`);

    // Run 2, on the same state: the rest of the second quarter and the third produced while it was down, the rest while it runs.
    for (const slice of slices.slice(4)) await produce(names.input, slice);
    await produce(names.input, chunks[2] as Message[]);
    daemon = startExample('shop-activity.yaml', names, env);
    assert.ok(
      await waitFor(() => log(daemon).includes('"restored the latest complete checkpoint"'), 60_000, 100),
      `the restart restored no checkpoint\n${daemon.tail()}`,
    );
    const restored = log(daemon)
      .split('\n')
      .find((line) => line.includes('"restored the latest complete checkpoint"')) as string;
    const offsets = (JSON.parse(restored) as { offsets?: Record<string, number> }).offsets ?? {};
    restoredAt = Object.values(offsets).reduce((n, o) => n + o, 0);
    assert.ok(restoredAt > 0, `the restored checkpoint had read nothing: ${restored}`);
    await produce(names.input, chunks[3] as Message[]);
    await produce(names.input, fences);
    // Every record so far read and checkpointed: the watermark is W, whatever a restore brings back.
    const ends = new Map((await admin.fetchTopicOffsets(names.input)).map((o) => [o.partition, Number(o.high)]));
    const caughtUp = await waitFor(
      async () => {
        const offsets = await committed();
        return [...ends].every(([p, end]) => offsets.get(p) === end);
      },
      90_000,
      250,
    );
    assert.ok(caughtUp, `the daemon did not read up to the fence\n${daemon.tail()}`);
  } finally {
    await admin.disconnect();
  }
  await produce(names.input, behind);
  await produce(names.input, trailing);
  const firstRun = (chunks[0]?.length ?? 0) + Math.min(1200, chunks[1]?.length ?? 0);
  t.diagnostic(
    `${checkpointsBefore} checkpoints before the SIGKILL; the restart restored a checkpoint at ${restoredAt} of the ${firstRun} records produced before it: ${firstRun - restoredAt} read again`,
  );

  for (const a of aggregations) {
    await checkOutputs(daemon, out[a], expected[a], (doc) => String(a === 'perProduct' ? doc.users : doc.events), 86_400);
  }
  await checkDeadLetters(names.dlq, names.input, bad);

  // One late letter per aggregation that found the record late, each once.
  const wantLate = late.reduce((n, l) => n + l.aggregations.length, 0);
  const letters = await readTopic(kafka, names.late, wantLate);
  assert.equal(letters.length, wantLate, 'one late letter per record and aggregation that found it late, nothing else');
  const seen = new Set<string>();
  const lateOf = new Map(late.map((l) => [l.value.toString('base64'), l.aggregations]));
  for (const letter of letters) {
    const value = letter.value?.toString('base64') ?? '';
    assert.equal(letter.headers['sluice-error'], 'LATE_EVENT');
    const message = letter.headers['sluice-error-message'] ?? '';
    const aggregation = /of aggregation (\w+)$/.exec(message)?.[1] as Aggregation | undefined;
    assert.ok(
      aggregation && lateOf.get(value)?.includes(aggregation),
      `unexpected late letter: ${message} for ${letter.value?.toString()}`,
    );
    assert.ok(!seen.has(`${aggregation}:${value}`), `a late letter twice: ${message}`);
    seen.add(`${aggregation}:${value}`);
  }

  const exit = await daemon.stop('SIGTERM');
  assert.equal(exit.code, 0, daemon.tail());
});
