/**
 * The flagship job end to end on the real services: Kafka (KRaft) in, Elasticsearch and Redis out,
 * the daemon run as a user runs it (`sluice run` in a child process).
 *
 * Every document and key must equal what the test computes from what it produced, nothing else may
 * be written, every bad record must be in the DLQ with its code, and late events in the late topic.
 */
import { Client } from '@elastic/elasticsearch';
import { Redis } from 'ioredis';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { buildFixture, MINUTE, type ExpectedResult } from '../helpers/clickstream-fixture.js';
import { startDaemon, waitFor, type DaemonProcess } from '../helpers/daemon-process.js';
import { createTopics, deleteTopics, kafkaBrokers, readTopic, testKafka } from '../helpers/kafka.js';
import { freePort } from '../helpers/ports.js';
import { esNode, redisUrl, uniqueName, waitForElasticsearch } from '../helpers/services.js';
import { esDocCount, redisKeys } from '../helpers/sink-reads.js';

const PARTITIONS = 3;
const run = uniqueName('e2e');
const topics = { input: `${run}-clicks`, dlq: `${run}-dlq`, late: `${run}-late` };
const index = `${run}-counts`;
const prefix = `${run}:`;
const kafka = testKafka();
const es = new Client({ node: esNode() });
const redis = new Redis(redisUrl(), { lazyConnect: true });
let daemon: DaemonProcess | undefined;

const fixture = buildFixture({
  events: 24_000,
  users: 600,
  partitions: PARTITIONS,
  spanMs: 12 * MINUTE,
  badRatio: 0.012,
  maxDisorderMs: 4_000,
  includeTooLarge: true,
});

before(async () => {
  await waitForElasticsearch();
  await redis.connect();
  // The input topic allows 2 MiB values so the over-1-MiB record reaches sluice (TOO_LARGE).
  await createTopics(kafka, [{ topic: topics.input, partitions: PARTITIONS, maxMessageBytes: 2 * 1024 * 1024 }]);
});

after(async () => {
  await daemon?.stop('SIGKILL');
  await deleteTopics(kafka, Object.values(topics)).catch(() => undefined);
  await es.indices.delete({ index }, { ignore: [404] }).catch(() => undefined);
  const keys = await redisKeys(redis, prefix);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await es.close();
});

async function allDocs(): Promise<Map<string, ExpectedResult>> {
  const docs = new Map<string, ExpectedResult>();
  for await (const hit of es.helpers.scrollSearch<ExpectedResult>({ index, size: 5000, body: { query: { match_all: {} } } })) {
    for (const doc of hit.body.hits.hits) docs.set(doc._id, doc._source as ExpectedResult);
  }
  return docs;
}

async function produce(messages: Array<{ key: string | null; value: Buffer; partition?: number }>): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 2000) {
      await producer.send({ topic: topics.input, acks: -1, messages: messages.slice(i, i + 2000) });
    }
  } finally {
    await producer.disconnect();
  }
}

test('the clickstream job writes exact counts to Elasticsearch and Redis, bad records to the DLQ, late ones to the late topic', async (t) => {
  await produce(fixture.messages);
  await produce(fixture.trailing);

  daemon = startDaemon({
    SLUICE_KAFKA_BROKERS: kafkaBrokers().join(','),
    SLUICE_KAFKA_TOPIC: topics.input,
    SLUICE_KAFKA_GROUP_ID: `${run}-group`,
    SLUICE_DLQ_TOPIC: topics.dlq,
    SLUICE_LATE_TOPIC: topics.late,
    SLUICE_ES_NODE: esNode(),
    SLUICE_ES_INDEX: index,
    SLUICE_REDIS_URL: redisUrl(),
    SLUICE_REDIS_KEY_PREFIX: prefix,
    SLUICE_CHECKPOINT_INTERVAL_MS: '1000',
    SLUICE_WORKERS: '2',
    SLUICE_METRICS_PORT: '0',
    SLUICE_LOG_LEVEL: 'info',
  });
  const expectedCount = fixture.expected.size;
  t.diagnostic(`produced ${fixture.messages.length} records (${fixture.bad.length} bad) for ${expectedCount} windows`);

  const allWritten = await waitFor(
    async () => (await esDocCount(es, index)) >= expectedCount && (await redisKeys(redis, prefix)).length >= expectedCount,
    180_000,
    1000,
  );
  assert.ok(
    allWritten,
    `not every window was written in time: ES ${await esDocCount(es, index)}, Redis ${(await redisKeys(redis, prefix)).length} of ${expectedCount}\n${daemon.tail()}`,
  );

  // Elasticsearch: exactly the expected documents, field by field.
  const docs = await allDocs();
  assert.equal(docs.size, expectedCount, 'no other document was written');
  for (const [id, want] of fixture.expected) {
    assert.deepEqual(docs.get(id), want, `document ${id}`);
  }
  const mapping = await es.indices.getMapping({ index });
  const properties = (mapping.body as Record<string, { mappings: { properties: Record<string, { type?: string }> } }>)[index]?.mappings
    .properties;
  assert.equal(properties?.count?.type, 'long', 'the index was created with an explicit mapping');

  // Redis: exactly the expected keys, each the count as a decimal string, with the default TTL.
  const keys = await redisKeys(redis, prefix);
  assert.equal(keys.length, expectedCount, 'no other key was written');
  const values = await redis.mget(...keys);
  for (const [i, key] of keys.entries()) {
    const want = fixture.expected.get(key.slice(prefix.length));
    assert.ok(want, `unexpected key ${key}`);
    assert.equal(values[i], String(want.count), key);
  }
  const ttl = await redis.ttl(keys[0] as string);
  assert.ok(ttl > 86_000 && ttl <= 86_400, `TTL ${ttl}`);

  // Dead letters: every bad record, value bytes unchanged, with its code and its source position.
  const dlq = await readTopic(kafka, topics.dlq, fixture.bad.length);
  assert.equal(dlq.length, fixture.bad.length, 'every bad record and nothing else is in the DLQ');
  const wantByValue = new Map(fixture.bad.map((b) => [b.value.toString('base64'), b.code]));
  for (const letter of dlq) {
    const want = wantByValue.get(letter.value?.toString('base64') ?? '');
    assert.ok(want, `unexpected DLQ value ${letter.value?.subarray(0, 80).toString()}`);
    assert.equal(letter.headers['sluice-error'], want, letter.headers['sluice-error-message']);
    assert.ok((letter.headers['sluice-error-message'] ?? '').length > 0);
    assert.equal(letter.headers['sluice-source-topic'], topics.input);
    assert.match(letter.headers['sluice-source-partition'] ?? '', /^[0-2]$/);
    assert.match(letter.headers['sluice-source-offset'] ?? '', /^\d+$/);
    wantByValue.delete(letter.value?.toString('base64') ?? '');
  }
  assert.equal(wantByValue.size, 0, 'each bad record appears once');

  // Late events: the watermark has passed every window now; events for the first window are late.
  const lateEvents = Array.from({ length: PARTITIONS }, (_, partition) => ({
    key: `late-${partition}`,
    partition,
    value: Buffer.from(JSON.stringify({ userId: `late-${partition}`, eventType: 'click', timestamp: fixture.windowStartMin + 1000 })),
  }));
  await produce(lateEvents);
  const late = await readTopic(kafka, topics.late, lateEvents.length);
  assert.equal(late.length, lateEvents.length);
  for (const record of late) {
    assert.equal(record.headers['sluice-error'], 'LATE_EVENT');
    assert.equal(record.headers['sluice-source-topic'], topics.input);
  }
  assert.equal(await esDocCount(es, index), expectedCount, 'late events are not counted');

  // Ctrl-C / SIGTERM: a clean stop.
  const exit = await daemon.stop('SIGTERM');
  assert.equal(exit.code, 0, `exit ${JSON.stringify(exit)}\n${daemon.tail()}`);

  // A run without faults warns about nothing: kafkajs's notices that do not apply to sluice's
  // settings (its 1.x partitioner, limited retries of a transactional producer) are not warnings.
  const warnings = readFileSync(daemon.logFile, 'utf8')
    .split('\n')
    .filter((l) => /"level":"(warn|error|fatal)"/.test(l));
  assert.deepEqual(warnings, [], 'a clean run logs no warnings');
});

test('an input topic that does not exist: the daemon exits 1 with KAFKA_TOPIC_MISSING, its only error line, and creates nothing', async () => {
  const missing = `${run}-no-such-topic`;
  const refused = startDaemon({
    SLUICE_KAFKA_BROKERS: kafkaBrokers().join(','),
    SLUICE_KAFKA_TOPIC: missing,
    SLUICE_KAFKA_GROUP_ID: `${run}-missing-group`,
    SLUICE_DLQ_TOPIC: `${missing}-dlq`,
    SLUICE_LATE_TOPIC: `${missing}-late`,
    // Metrics on: their consumer-lag poller is what used to log kafkajs's error ahead of sluice's.
    SLUICE_METRICS_PORT: String(await freePort()),
  });
  const exit = await refused.exited;
  assert.equal(exit.code, 1, `exit ${JSON.stringify(exit)}\n${refused.tail()}`);
  const log = readFileSync(refused.logFile, 'utf8');
  assert.match(log, new RegExp(`stopped on KAFKA_TOPIC_MISSING: .*input topic "${missing}" does not exist`));
  const errors = log.split('\n').filter((l) => /"level":"(error|fatal)"/.test(l));
  assert.equal(errors.length, 1, `one error line, sluice's own:\n${errors.join('\n')}`);
  assert.match(errors[0] as string, /"code":"KAFKA_TOPIC_MISSING"/);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = await admin.listTopics();
    assert.deepEqual(
      existing.filter((t) => t.startsWith(missing)),
      [],
      'no input, dead-letter or late topic was created for a job that did not start',
    );
  } finally {
    await admin.disconnect();
  }
});

test("a dead-letter topic Kafka refuses to create (its name collides with an existing topic's): the start fails at once with the broker's reason", async () => {
  const input = `${run}-refused-dlq-in`;
  // Kafka refuses a name that differs from an existing topic's only by "." against "_".
  const existing = `${run}.refused.dlq`;
  const dlq = `${run}_refused_dlq`;
  await createTopics(kafka, [
    { topic: input, partitions: 1 },
    { topic: existing, partitions: 1 },
  ]);
  const refused = startDaemon({
    SLUICE_KAFKA_BROKERS: kafkaBrokers().join(','),
    SLUICE_KAFKA_TOPIC: input,
    SLUICE_KAFKA_GROUP_ID: `${run}-refused-dlq-group`,
    SLUICE_DLQ_TOPIC: dlq,
    SLUICE_LATE_TOPIC: `${input}-late`,
  });
  const exit = await refused.exited.finally(() => deleteTopics(kafka, [input, existing, `${input}-late`]).catch(() => undefined));
  assert.equal(exit.code, 1, `exit ${JSON.stringify(exit)}\n${refused.tail()}`);
  const log = readFileSync(refused.logFile, 'utf8');
  // Not waited for as an unreachable Kafka, and not retried. The refusal may come before or just
  // after "sluice is consuming" (the topics are created beside the rest of the start): the start
  // fails either way, as for an index that cannot be created.
  assert.match(
    log,
    new RegExp(
      `stopped on KAFKA_UNAVAILABLE: job failed at start-up: cannot create the dead-letter/late topics: "${dlq}": INVALID_TOPIC_EXCEPTION`,
    ),
  );
  assert.doesNotMatch(log, /Kafka is unreachable; waiting for it/);
  assert.doesNotMatch(log, /restarting it/);
});
