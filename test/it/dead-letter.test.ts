/**
 * KafkaDeadLetterSink on the real broker: a burst of dead letters larger than a topic's
 * max.message.bytes (as after a sink outage, or a producer writing garbage) is written in pieces,
 * never as one record batch the broker refuses.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { RecordErrorCode } from '../../src/errors.js';
import { KafkaDeadLetterSink } from '../../src/streams/sinks/dead-letter.js';
import type { DeadLetter } from '../../src/streams/sinks/sink.js';
import { silentLogger } from '../../src/telemetry/logging.js';
import { createTopics, deleteTopics, readTopic, testKafka } from '../helpers/kafka.js';
import { uniqueName } from '../helpers/services.js';

const kafka = testKafka('sluice-test-dead-letters');
const topic = uniqueName('dead-letters');

after(async () => {
  await deleteTopics(kafka, [topic]).catch(() => undefined);
});

test('5,000 dead letters (2.5 MB) in one send() reach a topic with the default 1 MiB max.message.bytes', async () => {
  await createTopics(kafka, [{ topic, partitions: 1 }]);
  const sink = new KafkaDeadLetterSink(kafka, silentLogger);
  await sink.start();
  try {
    const letters: DeadLetter[] = Array.from({ length: 5_000 }, (_, i) => ({
      topic,
      value: Buffer.from(JSON.stringify({ userId: `user-${i}`, eventType: 'click', timestamp: 1, pad: 'x'.repeat(400) })),
      key: Buffer.from(`user-${i}`),
      code: RecordErrorCode.LATE_EVENT,
      message: 'late',
      source: { topic: 'in', partition: 0, offset: String(i), timestamp: String(Date.now()) },
    }));
    await sink.send(letters);
    await sink.flush();
  } finally {
    await sink.close();
  }
  const records = await readTopic(kafka, topic, 5_000);
  assert.equal(records.length, 5_000);
  assert.deepEqual(
    records.map((r) => Number(r.headers['sluice-source-offset'])),
    Array.from({ length: 5_000 }, (_, i) => i),
    'all of them, in order',
  );
});
