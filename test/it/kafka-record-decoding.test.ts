/**
 * On the real broker: a consumer on sluice's record decoding (kafka-record-decoding.ts) is handed
 * exactly the records, in the same order within each partition, that a consumer on kafkajs's own decoding is, for the
 * record shapes a topic can hold: headers (repeated names, `__proto__`, `constructor`), null keys
 * and tombstones, explicit timestamps, gzip'd batches, a value near 1 MiB, committed and aborted
 * transactions (their control records), and a topic stamped with log-append time. Each consumer
 * runs in a process of its own (test/helpers/dump-topic.ts), so each loads kafkajs fresh.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CompressionTypes, type Message } from 'kafkajs';
import { deleteTopics, kafkaBrokers, testKafka } from '../helpers/kafka.js';
import { uniqueName } from '../helpers/services.js';

const DUMP = fileURLToPath(new URL('../helpers/dump-topic.js', import.meta.url));
const PARTITIONS = 2;
const kafka = testKafka('sluice-test-decoding');
const topics: string[] = [];
after(() => deleteTopics(kafka, topics));

async function createTopic(configEntries: Array<{ name: string; value: string }> = []): Promise<string> {
  const topic = uniqueName('decoding');
  topics.push(topic);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: PARTITIONS, configEntries: [{ name: 'max.message.bytes', value: '2000000' }, ...configEntries] }],
    });
  } finally {
    await admin.disconnect();
  }
  return topic;
}

interface DumpedRecord {
  p: number;
  offset: string;
  timestamp: string;
  key: string | null;
  value: string | null;
  headers: Array<[string, unknown]>;
}

function dump(topic: string, sluiceDecoding: boolean): Promise<DumpedRecord[]> {
  return new Promise((resolve, reject) => {
    const args = [DUMP, kafkaBrokers().join(','), topic, String(PARTITIONS), ...(sluiceDecoding ? ['--sluice-decoding'] : [])];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`dump-topic exited ${code}: ${err}`));
      else
        resolve(
          out
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line) as DumpedRecord),
        );
    });
  });
}

/** Per partition, in offset order: the partitions' batches interleave differently from run to run. */
function byPartition(records: DumpedRecord[]): DumpedRecord[][] {
  return Array.from({ length: PARTITIONS }, (_, p) => records.filter((r) => r.p === p));
}

const END: Message[] = Array.from({ length: PARTITIONS }, (_, partition) => ({ partition, value: 'END' }));

test("the records a consumer gets on sluice's decoding are kafkajs's own, on every shape a topic holds", async () => {
  const topic = await createTopic();
  const producer = kafka.producer();
  await producer.connect();
  // Own properties named like Object.prototype's: a literal `{ __proto__: ... }` would set the prototype.
  const hostileHeaders = JSON.parse('{"__proto__":"p","constructor":"c","toString":"t"}') as Record<string, string>;
  const plain: Message[] = [];
  for (let i = 0; i < 40; i++) {
    plain.push({
      partition: i % PARTITIONS,
      key: i % 5 === 0 ? null : `user-${i}`,
      value: i % 7 === 0 ? null : JSON.stringify({ userId: `user-${i}`, eventType: 'click', timestamp: 1_796_385_960_000 + i }),
      headers:
        i % 3 === 0 ? { traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`, seen: ['1', '2', '3'], ...hostileHeaders } : undefined,
      ...(i % 4 === 0 ? { timestamp: String([1, 946_684_800_000, 4_102_444_800_000, 1_796_385_960_123][(i / 4) % 4]) } : {}),
    });
  }
  await producer.send({ topic, messages: plain });
  await producer.send({
    topic,
    compression: CompressionTypes.GZIP,
    messages: Array.from({ length: 300 }, (_, i) => ({
      partition: i % PARTITIONS,
      key: `k${i}`,
      value: `gzip'd ${i} ${'x'.repeat(i % 50)}`,
    })),
  });
  await producer.send({ topic, messages: [{ partition: 1, key: 'big', value: randomBytes(900_000) }] });

  const transactional = kafka.producer({ transactionalId: uniqueName('decoding-txn'), idempotent: true, maxInFlightRequests: 1 });
  await transactional.connect();
  const committed = await transactional.transaction();
  await committed.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ partition: i % PARTITIONS, value: `committed ${i}` })) });
  await committed.commit();
  const aborted = await transactional.transaction();
  await aborted.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ partition: i % PARTITIONS, value: `aborted ${i}` })) });
  await aborted.abort();
  await transactional.disconnect();
  await producer.send({ topic, messages: END });
  await producer.disconnect();

  const [theirs, mine] = await Promise.all([dump(topic, false), dump(topic, true)]);
  assert.deepStrictEqual(byPartition(mine), byPartition(theirs));
  // What the comparison covered: every message sent but the aborted ones, the shapes among them.
  assert.equal(theirs.length, 40 + 300 + 1 + 10 + PARTITIONS);
  const values = theirs.map((r) => (r.value === null ? null : Buffer.from(r.value, 'base64').toString('latin1')));
  assert.ok(!values.some((v) => v?.startsWith('aborted')), 'aborted records are never handed over');
  assert.equal(values.filter((v) => v?.startsWith('committed')).length, 10);
  assert.ok(theirs.some((r) => r.value === null) && theirs.some((r) => r.key === null));
  assert.ok(theirs.some((r) => r.timestamp === '1') && theirs.some((r) => r.timestamp === '4102444800000'));
  assert.ok(theirs.some((r) => r.headers.some(([k]) => k === '__proto__')));
});

test('on a topic stamped with log-append time, both decodings give the broker-stamped timestamps', async () => {
  const topic = await createTopic([{ name: 'message.timestamp.type', value: 'LogAppendTime' }]);
  const producer = kafka.producer();
  await producer.connect();
  const before = Date.now();
  await producer.send({
    topic,
    messages: Array.from({ length: 20 }, (_, i) => ({ partition: i % PARTITIONS, value: `v${i}`, timestamp: '1' })),
  });
  await producer.send({ topic, messages: END });
  await producer.disconnect();
  const [theirs, mine] = await Promise.all([dump(topic, false), dump(topic, true)]);
  assert.deepStrictEqual(byPartition(mine), byPartition(theirs));
  assert.equal(theirs.length, 20 + PARTITIONS);
  // The producer's timestamp '1' was replaced by the broker's clock.
  assert.ok(
    theirs.every((r) => Number(r.timestamp) >= before - 60_000),
    'log-append timestamps',
  );
});
