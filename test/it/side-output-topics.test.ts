/**
 * A first start creates the dead-letter and late topics while the rest of the start goes on
 * (kafka-connector.ts): the side outputs must not write a letter before its topic exists, and a
 * creation that failed must fail the transaction that needed it, with the creation's error. On the
 * real broker, topics created by the test standing in for the daemon's creation.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ErrorCode, RecordErrorCode, SluiceError } from '../../src/errors.js';
import type { DeadLetter } from '../../src/streams/sinks/sink.js';
import { createTopics, deleteTopics, readTopic, testKafka } from '../helpers/kafka.js';
import { uniqueName } from '../helpers/services.js';
import { groupCheckpoint, testSideOutputs } from '../helpers/side-outputs.js';

const kafka = testKafka('sluice-test-side-output-topics');
const topics: string[] = [];

after(async () => {
  await deleteTopics(kafka, topics).catch(() => undefined);
});

function letters(topic: string, n: number): DeadLetter[] {
  return Array.from({ length: n }, (_, k) => ({
    topic,
    value: Buffer.from(`{"n":${k}`),
    key: Buffer.from(`user-${k}`),
    code: RecordErrorCode.MALFORMED_JSON,
    message: 'not valid JSON',
    source: { topic: 'in', partition: 0, offset: String(k), timestamp: String(Date.now()) },
  }));
}

test('letters wait until their topics are created; a commit of offsets alone does not', async () => {
  const name = uniqueName('so-topics');
  const out = `${name}-dlq`;
  topics.push(`${name}-in`, out);
  // The topic exists already: what holds the letters back is the creation not having reported yet.
  await createTopics(kafka, [
    { topic: `${name}-in`, partitions: 1 },
    { topic: out, partitions: 1 },
  ]);
  const sink = testSideOutputs(kafka, name, { sleep: async () => undefined });
  let created!: () => void;
  sink.writeAfter(new Promise<void>((resolve) => (created = resolve)));
  await sink.start();
  try {
    // The start's commit of the restored offsets: no letters, so it does not wait.
    await sink.commit(0, new Map([[0, 0]]), Date.now() + 30_000);
    assert.equal(await groupCheckpoint(kafka, name), 0, 'the offsets-only commit went through while the topics were being created');

    await sink.send(letters(out, 7));
    sink.seal(1);
    let committed = false;
    const committing = sink.commit(1, new Map([[0, 7]]), Date.now() + 30_000).then(() => {
      committed = true;
    });
    // A commit that did not wait takes tens of milliseconds on this broker.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal(committed, false, 'the letters were not committed before their topics were reported created');
    assert.equal(await groupCheckpoint(kafka, name), 0);
    created();
    await committing;
  } finally {
    await sink.close();
  }
  const written = await readTopic(kafka, out, 7, 20_000);
  assert.deepEqual(
    written.map((r) => Number(r.headers['sluice-source-offset'])).sort((a, b) => a - b),
    [0, 1, 2, 3, 4, 5, 6],
    'each letter once',
  );
  assert.equal(await groupCheckpoint(kafka, name), 1);
});

test('topics that could not be created fail the commit of letters with that error, and write nothing', async () => {
  const name = uniqueName('so-topics-failed');
  const out = `${name}-dlq`;
  topics.push(`${name}-in`);
  await createTopics(kafka, [{ topic: `${name}-in`, partitions: 1 }]);
  const refused = new SluiceError(ErrorCode.KAFKA_UNAVAILABLE, 'cannot create the dead-letter/late topics: refused by the test');
  const sink = testSideOutputs(kafka, name, { sleep: async () => undefined });
  const creation = Promise.reject(refused);
  creation.catch(() => undefined);
  sink.writeAfter(creation);
  await sink.start();
  try {
    await sink.send(letters(out, 3));
    sink.seal(1);
    await assert.rejects(sink.commit(1, new Map([[0, 3]]), Date.now() + 30_000), (err) => err === refused);
    assert.deepEqual(
      sink.held,
      { letters: 3, bytes: sink.held.bytes },
      'the letters stay held (a restart writes them with a later checkpoint)',
    );
  } finally {
    await sink.close();
  }
  assert.equal(await groupCheckpoint(kafka, name), undefined, 'no checkpoint was committed');
});
