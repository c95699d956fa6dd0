/**
 * The side-output transaction when the connection fails at its very end, on the real broker: the
 * EndTxn either never reached the broker or committed with its reply lost. kafkajs cannot go on with
 * a transaction whose end failed (its state machine stays in COMMITTING), so the sink must start a
 * new producer, learn from the group which way it went, and write every letter exactly once.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { TransactionalSideOutputs } from '../../src/streams/sinks/side-outputs.js';
import type { DeadLetter } from '../../src/streams/sinks/sink.js';
import { RecordErrorCode } from '../../src/errors.js';
import { createTopics, deleteTopics, readTopic, readTopicToEnd, testKafka } from '../helpers/kafka.js';
import { ApiKey, type Cut, CuttableKafka } from '../helpers/kafka-cut.js';
import { uniqueName } from '../helpers/services.js';
import { groupCheckpoint, testSideOutputs } from '../helpers/side-outputs.js';

const kafka = testKafka('sluice-test-side-output-faults');
const topics: string[] = [];

after(async () => {
  await deleteTopics(kafka, topics).catch(() => undefined);
});

function letters(topic: string, from: number, n: number): DeadLetter[] {
  return Array.from({ length: n }, (_, k) => ({
    topic,
    value: Buffer.from(JSON.stringify({ n: from + k })),
    key: Buffer.from(`user-${from + k}`),
    code: RecordErrorCode.MALFORMED_JSON,
    message: 'bad',
    source: { topic: 'in', partition: 0, offset: String(from + k), timestamp: String(Date.now()) },
  }));
}

async function setUp(label: string): Promise<{ name: string; out: string; cuts: CuttableKafka; sink: TransactionalSideOutputs }> {
  const name = uniqueName(label);
  const out = `${name}-out`;
  topics.push(out, `${name}-in`);
  await createTopics(kafka, [
    { topic: out, partitions: 1 },
    { topic: `${name}-in`, partitions: 1 },
  ]);
  const cuts = new CuttableKafka(`sluice-test-${label}`);
  // No backoff between attempts: the cut is over by the time the next one runs.
  const sink = testSideOutputs(cuts.kafka, name, { sleep: async () => undefined });
  await sink.start();
  return { name, out, cuts, sink };
}

async function written(out: string, expected: number): Promise<number[]> {
  const records = await readTopic(kafka, out, expected, 20_000);
  return records.map((r) => Number(r.headers['sluice-source-offset'])).sort((a, b) => a - b);
}

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

for (const cut of ['drop-request', 'lose-reply'] as Cut[]) {
  test(`the connection fails at the commit's EndTxn (${cut}): the commit is retried on a new producer and every letter appears once`, async () => {
    const { name, out, cuts, sink } = await setUp(`so-endtxn-${cut}`);
    try {
      await sink.send(letters(out, 0, 20));
      sink.seal(1);
      const hit = cuts.arm(ApiKey.EndTxn, cut);
      await sink.commit(1, new Map([[0, 20]]), Date.now() + 30_000);
      await hit;
      assert.deepEqual(sink.held, { letters: 0, bytes: 0 }, 'nothing held after the commit');
      // The sink goes on: the next checkpoint's letters commit as usual.
      await sink.send(letters(out, 20, 5));
      sink.seal(2);
      await sink.commit(2, new Map([[0, 25]]), Date.now() + 30_000);
    } finally {
      await sink.close();
    }
    assert.deepEqual(await written(out, 25), range(0, 25), 'each letter once, for a read_committed reader');
    assert.equal(await groupCheckpoint(kafka, name), 2, 'the group records the last checkpoint');
  });
}

// The deadline is now: the first failure fails checkpoint 1, and its letters stay held. Whether they
// are written again with checkpoint 2 depends on whether its EndTxn reached the broker.
const failedAtDeadline: Array<[Cut, string]> = [
  ['lose-reply', 'its commit landed with the reply lost: the next commit learns that and does not write its letters again'],
  ['drop-request', 'its EndTxn was never sent: the next commit writes its letters (once) with its own'],
];
for (const [cut, what] of failedAtDeadline) {
  test(`a checkpoint that failed at its deadline with the outcome unknown (${cut}): ${what}`, async () => {
    const { name, out, cuts, sink } = await setUp(`so-deadline-${cut}`);
    try {
      await sink.send(letters(out, 0, 10));
      sink.seal(1);
      const hit = cuts.arm(ApiKey.EndTxn, cut);
      await assert.rejects(sink.commit(1, new Map([[0, 10]]), Date.now()));
      await hit;
      await sink.send(letters(out, 10, 4));
      sink.seal(2);
      await sink.commit(2, new Map([[0, 14]]), Date.now() + 30_000);
      assert.deepEqual(sink.held, { letters: 0, bytes: 0 });
    } finally {
      await sink.close();
    }
    assert.deepEqual(await written(out, 14), range(0, 14), 'checkpoint 1 once, checkpoint 2 once');
    assert.equal(await groupCheckpoint(kafka, name), 2);
  });
}

// The broker appended the produce, but its reply never came (as when a broker stops between the
// two). kafkajs would send it again inside the same transaction, and the committed transaction would
// then hold whatever the broker made of both copies. The sink sends a produce once per transaction:
// the transaction fails, is aborted with its copy, and the letters commit once in a new one.
test('a produce whose reply is lost is not sent again inside its transaction: that transaction is aborted, and every letter commits once in a new one', async () => {
  const { name, out, cuts, sink } = await setUp('so-produce-lost');
  try {
    await sink.send(letters(out, 0, 12));
    sink.seal(1);
    const hit = cuts.arm(ApiKey.Produce, 'lose-reply');
    await sink.commit(1, new Map([[0, 12]]), Date.now() + 30_000);
    await hit;
    assert.deepEqual(sink.held, { letters: 0, bytes: 0 }, 'nothing held after the commit');
  } finally {
    await sink.close();
  }
  assert.deepEqual(await written(out, 12), range(0, 12), 'each letter once, for a read_committed reader');
  // In the log: the lost produce's copy (its transaction aborted), then the committed one.
  const all = await readTopicToEnd(kafka, out, 24, 20_000, { readUncommitted: true });
  const offsets = all.records.map((r) => Number(r.headers['sluice-source-offset']));
  assert.deepEqual(offsets, [...range(0, 12), ...range(0, 12)], 'the first copy is in the log, in an aborted transaction');
  assert.equal(await groupCheckpoint(kafka, name), 1);
});
