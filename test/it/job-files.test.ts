/**
 * The example job files on the real services, each run as a user runs it (`SLUICE_JOB=examples/...
 * sluice run` in a child process; topics, index and key prefix overridden by variables, so runs
 * never see each other's data). Every document, key and dead letter is checked against what the
 * test computes itself from what it produced, with plain loops:
 *
 * - examples/clickstream.yaml: exactly what the built-in job writes (the clickstream fixture);
 * - examples/product-region.yaml: per product and region and 5 minutes, events, distinct users,
 *   the top 3 users; filtered records neither counted nor dead letters;
 * - examples/user-sessions.yaml: sessions per user with a 30-minute gap.
 */
import { Client } from '@elastic/elasticsearch';
import { Redis } from 'ioredis';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { buildFixture, MINUTE } from '../helpers/clickstream-fixture.js';
import { startDaemon, waitFor, type DaemonProcess } from '../helpers/daemon-process.js';
import { createTopics, deleteTopics, kafkaBrokers, readTopic, testKafka } from '../helpers/kafka.js';
import { esNode, redisUrl, uniqueName, waitForElasticsearch } from '../helpers/services.js';
import { esDocCount, redisKeys } from '../helpers/sink-reads.js';

const PARTITIONS = 3;
const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));
const kafka = testKafka();
const es = new Client({ node: esNode() });
const redis = new Redis(redisUrl(), { lazyConnect: true });
const daemons: DaemonProcess[] = [];
const created: { topics: string[]; indices: string[]; prefixes: string[] } = { topics: [], indices: [], prefixes: [] };

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

function startExample(file: string, names: Awaited<ReturnType<typeof runNames>>): DaemonProcess {
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
