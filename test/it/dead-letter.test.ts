/**
 * Transactional side outputs on the real broker: dead letters and late events become visible to a
 * read_committed reader only with their checkpoint's transaction, exactly once, together with the
 * checkpoint's offsets in the job's group; commits asked at once run in turn; a second producer of
 * the same job fences the first.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ErrorCode, RecordErrorCode, SluiceError } from '../../src/errors.js';
import type { TransactionalSideOutputs } from '../../src/streams/sinks/side-outputs.js';
import type { DeadLetter } from '../../src/streams/sinks/sink.js';
import { createTopics, deleteTopics, readTopic, testKafka } from '../helpers/kafka.js';
import { uniqueName } from '../helpers/services.js';
import { capturingLogger } from '../helpers/capturing-logger.js';
import { groupCommit, testSideOutputs } from '../helpers/side-outputs.js';

const kafka = testKafka('sluice-test-side-outputs');
const topics: string[] = [];

after(async () => {
  await deleteTopics(kafka, topics).catch(() => undefined);
});

function sideOutputs(name: string, maxBufferedBytes = 64 * 1024 * 1024): TransactionalSideOutputs {
  return testSideOutputs(kafka, name, { maxBufferedBytes });
}

function letters(topic: string, from: number, n: number, pad = 0): DeadLetter[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return {
      topic,
      value: Buffer.from(JSON.stringify({ userId: `user-${i}`, eventType: 'click', timestamp: 1, pad: 'x'.repeat(pad) })),
      key: Buffer.from(`user-${i}`),
      code: RecordErrorCode.LATE_EVENT,
      message: 'late',
      source: { topic: 'in', partition: 0, offset: String(i), timestamp: String(Date.now()) },
    };
  });
}

async function newTopics(name: string): Promise<{ out: string; input: string }> {
  const out = `${name}-out`;
  const input = `${name}-in`;
  topics.push(out, input);
  await createTopics(kafka, [
    { topic: out, partitions: 1 },
    { topic: input, partitions: 2 },
  ]);
  return { out, input };
}

test('a checkpoint of 5,000 letters (2.5 MB) commits in one transaction to a topic with the default 1 MiB max.message.bytes, in order, with its offsets', async () => {
  const name = uniqueName('side-outputs');
  const { out } = await newTopics(name);
  const sink = sideOutputs(name);
  await sink.start();
  try {
    await sink.send(letters(out, 0, 5_000, 400));
    sink.seal(7);
    await sink.commit(
      7,
      new Map([
        [0, 5_000],
        [1, 12],
      ]),
      Date.now() + 60_000,
    );
    assert.deepEqual(sink.held, { letters: 0, bytes: 0 }, 'nothing held after the commit');
  } finally {
    await sink.close();
  }
  const records = await readTopic(kafka, out, 5_000);
  assert.deepEqual(
    records.map((r) => Number(r.headers['sluice-source-offset'])),
    Array.from({ length: 5_000 }, (_, i) => i),
    'all of them, once, in order',
  );
  const committed = await groupCommit(kafka, name);
  assert.equal(committed.checkpoint, 7, 'the group records the checkpoint');
  assert.deepEqual(committed.offsets, { 0: 5_000, 1: 12 });
});

test('letters after a barrier wait for the next checkpoint; a result letter joins the checkpoint of its epoch; nothing is visible before its commit', async () => {
  const name = uniqueName('side-outputs-epochs');
  const { out } = await newTopics(name);
  const sink = sideOutputs(name);
  await sink.start();
  try {
    await sink.send(letters(out, 0, 3));
    sink.seal(1); // barrier 1 passes: letters 0-2 belong to checkpoint 1
    await sink.send(letters(out, 3, 2)); // after the barrier: checkpoint 2
    // A refused result the worker produced before barrier 1 (epoch 0) arrives late.
    await sink.send(letters(out, 100, 1).map((l) => ({ ...l, code: RecordErrorCode.SINK_REJECTED, epoch: 0 })));
    assert.equal((await readTopic(kafka, out, 0)).length, 0, 'uncommitted: invisible to read_committed');
    await sink.commit(1, new Map([[0, 3]]), Date.now() + 60_000);
    const first = await readTopic(kafka, out, 4);
    assert.deepEqual(
      first.map((r) => Number(r.headers['sluice-source-offset'])).sort((a, b) => a - b),
      [0, 1, 2, 100],
    );
    sink.seal(2);
    await sink.commit(2, new Map([[0, 5]]), Date.now() + 60_000);
    const all = await readTopic(kafka, out, 6);
    assert.deepEqual(
      all.map((r) => Number(r.headers['sluice-source-offset'])).sort((a, b) => a - b),
      [0, 1, 2, 3, 4, 100],
      'each once',
    );
  } finally {
    await sink.close();
  }
});

test("commits asked at once run one after the other, in order: the start's record of its restore (offsets only) and a first checkpoint with letters both land", async () => {
  const name = uniqueName('side-outputs-queue');
  const { out } = await newTopics(name);
  const { logger, lines: warnings } = capturingLogger('warn');
  const sink = testSideOutputs(kafka, name, { logger });
  await sink.start();
  try {
    await sink.send(letters(out, 0, 4));
    sink.seal(6);
    // Not awaited one by one: kafkajs refuses a second transaction while one is open, so both
    // landing means the second waited for the first.
    await Promise.all([
      sink.commit(5, new Map([[0, 10]]), Date.now() + 60_000),
      sink.commit(
        6,
        new Map([
          [0, 14],
          [1, 3],
        ]),
        Date.now() + 60_000,
      ),
    ]);
    assert.deepEqual(sink.held, { letters: 0, bytes: 0 });
    // Each landed at its first attempt: none failed on the other's open transaction and was retried.
    assert.deepEqual(warnings, []);
  } finally {
    await sink.close();
  }
  const records = await readTopic(kafka, out, 4);
  assert.deepEqual(
    records.map((r) => Number(r.headers['sluice-source-offset'])),
    [0, 1, 2, 3],
    'each letter once',
  );
  const committed = await groupCommit(kafka, name);
  assert.equal(committed.checkpoint, 6, 'the later commit is the last');
  assert.deepEqual(committed.offsets, { 0: 14, 1: 3 });
});

test('a second daemon of the same job fences the first: its commit fails with KAFKA_FENCED and its letters never become visible', async () => {
  const name = uniqueName('side-outputs-fenced');
  const { out } = await newTopics(name);
  const first = sideOutputs(name);
  await first.start();
  const second = sideOutputs(name);
  try {
    await first.send(letters(out, 0, 10));
    first.seal(1);
    await second.start(); // the newer producer: bumps the epoch
    await assert.rejects(
      first.commit(1, new Map([[0, 10]]), Date.now() + 10_000),
      (err: unknown) => err instanceof SluiceError && err.code === ErrorCode.KAFKA_FENCED && err.retriable === false,
    );
    await assert.rejects(
      first.send(letters(out, 10, 1)),
      (err: unknown) => err instanceof SluiceError && err.code === ErrorCode.KAFKA_FENCED,
    );
    await second.send(letters(out, 50, 2));
    second.seal(1);
    await second.commit(1, new Map([[0, 2]]), Date.now() + 60_000);
  } finally {
    await first.close();
    await second.close();
  }
  const records = await readTopic(kafka, out, 2);
  assert.deepEqual(
    records.map((r) => Number(r.headers['sluice-source-offset'])).sort((a, b) => a - b),
    [50, 51],
    "only the second daemon's letters",
  );
});
