/**
 * The producer's fast paths (src/streams/sinks/kafka-producing.ts) against kafkajs 2.2.4's own code:
 * the grouping by partition (the same partitions, messages and order, through kafkajs's
 * partitioners) and the record encoding (the same bytes, or the same error, for random records);
 * and both installed before kafkajs's producer loads.
 */
import assert from 'node:assert/strict';

import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import {
  KafkajsEncoderClass as Encoder,
  kafkajsGrouping,
  kafkajsPartitioners as partitioners,
  kafkajsRecord,
} from '../helpers/kafkajs-producer-originals.js';
import { testSwapInstall } from '../helpers/module-swap-install.js';
import { deadLetterMessage } from '../helpers/side-outputs.js';
import {
  fastRecordEncoder,
  groupMessagesPerPartition,
  type KafkajsEncoder,
  type RecordInput,
} from '../../src/streams/sinks/kafka-producing.js';

type Message = { key?: Buffer | string | null; value: Buffer | null; partition?: number };
// kafkajs's own grouping, partitioners and encoders come without kafkajs's index (the install tests
// below need a process where it is not loaded).

const message: fc.Arbitrary<Message> = fc.record(
  {
    key: fc.oneof(
      fc.constant(null),
      fc.string({ maxLength: 12 }),
      fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b)),
    ),
    value: fc.oneof(
      fc.constant(null),
      fc.string({ maxLength: 8 }).map((s) => Buffer.from(s)),
    ),
    partition: fc.nat({ max: 7 }),
  },
  { requiredKeys: ['value'] },
);

test('gives what kafkajs 2.2.4 gives: the same partitions, messages and order, through its partitioners', () => {
  fc.assert(
    fc.property(
      fc.array(message, { maxLength: 300 }),
      fc.integer({ min: 0, max: 8 }),
      fc.constantFrom('default', 'legacy') as fc.Arbitrary<keyof typeof partitioners>,
      (messages, partitions, which) => {
        const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0 }));
        // A message's explicit partition must exist, as kafkajs's callers ensure.
        const sent = messages.map((m) => (m.partition !== undefined && m.partition >= partitions ? { ...m, partition: undefined } : m));
        // kafkajs's grouping through a real partitioner (the legacy one places keyless messages at
        // random), each decision recorded; then the one pass, given the same decisions back, must ask
        // for the same messages in the same order.
        const decisions: Array<{ message: Message; partition: number }> = [];
        const partitioner = partitioners[which]();
        const theirs = kafkajsGrouping({
          topic: 't',
          partitionMetadata,
          messages: sent,
          partitioner: (args) => {
            const partition = partitioner(args);
            decisions.push({ message: args.message, partition });
            return partition;
          },
        });
        let asked = 0;
        const mine = groupMessagesPerPartition({
          topic: 't',
          partitionMetadata,
          messages: sent,
          partitioner: (args) => {
            const decision = decisions[asked++];
            assert.ok(decision !== undefined, 'asked more often than kafkajs asks');
            assert.equal(args.message, decision.message);
            assert.equal(args.topic, 't');
            assert.equal(args.partitionMetadata, partitionMetadata);
            return decision.partition;
          },
        });
        assert.equal(asked, decisions.length);
        assert.deepStrictEqual(Object.keys(mine), Object.keys(theirs));
        for (const p of Object.keys(theirs)) {
          const a = mine[Number(p)] as Message[];
          const b = theirs[Number(p)] as Message[];
          assert.equal(a.length, b.length);
          // The very message objects, not copies.
          for (let i = 0; i < b.length; i++) assert.equal(a[i], b[i]);
        }
      },
    ),
    { numRuns: 1000 },
  );
});

test('no partitions: nothing, as kafkajs', () => {
  const input = { topic: 't', partitionMetadata: [], messages: [{ value: null }], partitioner: () => 0 };
  assert.deepStrictEqual(groupMessagesPerPartition(input), kafkajsGrouping(input));
});

const fastRecord = fastRecordEncoder(Encoder);

/** The bytes, or the error, an encoder gives for a record. */
function encoded(encode: (r: RecordInput) => KafkajsEncoder, record: RecordInput): { bytes: string } | { error: string } {
  try {
    const e = encode(record);
    // What the batch encoder reads: `buf` must be a Buffer, `buffer` the record's bytes.
    assert.ok(Buffer.isBuffer(e.buf) && e instanceof (Encoder as unknown as new () => object));
    return { bytes: e.buffer.toString('hex') };
  } catch (err) {
    return { error: `${(err as Error).name}: ${(err as Error).message}` };
  }
}

const text = fc.string({ unit: 'binary', maxLength: 40 });
const bytesOrText = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  text,
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
);
const headerValue = fc.oneof(
  text,
  fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
);
const record: fc.Arbitrary<RecordInput> = fc.record(
  {
    offsetDelta: fc.oneof(fc.nat({ max: 100_000 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })),
    timestampDelta: fc.oneof(
      fc.integer({ min: -100_000, max: 100_000 }),
      fc.maxSafeInteger(),
      // Varint byte boundaries (zigzag 127/128, 16383/16384), the number path's edge, and beyond it.
      fc.constantFrom(
        63,
        64,
        -64,
        -65,
        8191,
        8192,
        -8192,
        -8193,
        2 ** 51,
        -(2 ** 51),
        2 ** 51 + 2,
        -(2 ** 53) + 1,
        2 ** 53 + 10,
        1.5,
        -0.5,
        Number.NaN,
        1e300,
      ),
    ),
    key: bytesOrText,
    value: bytesOrText,
    headers: fc.dictionary(
      fc.oneof(text, fc.constantFrom('sluice-error', '__proto__', 'constructor')),
      fc.oneof(headerValue, fc.array(headerValue, { maxLength: 3 }), fc.constant(null)),
      { maxKeys: 6 },
    ),
  },
  { requiredKeys: [] },
);

test("encodes a record into the bytes kafkajs's record encoder writes, or fails as it does", () => {
  fc.assert(
    fc.property(record, (r) => {
      assert.deepStrictEqual(encoded(fastRecord, r), encoded(kafkajsRecord, r));
    }),
    { numRuns: 3000 },
  );
});

test('a dead letter as the side outputs send it: the same bytes, records after records', () => {
  const letter = (i: number): RecordInput => ({ ...deadLetterMessage(i), offsetDelta: i, timestampDelta: i * 37 - 1000 });
  // A large value first: the scratch buffer grows, and later records still come out right.
  const big: RecordInput = { ...letter(0), value: Buffer.alloc(200_000, 7) };
  for (const r of [big, ...Array.from({ length: 50 }, (_, i) => letter(i))]) {
    assert.deepStrictEqual(encoded(fastRecord, r), encoded(kafkajsRecord, r));
  }
});

testSwapInstall({
  module: fileURLToPath(new URL('../../src/streams/sinks/kafka-producing.js', import.meta.url)),
  install: 'installFastProducing',
  status: 'fastProducingStatus',
  versionLabel: 'fast producing',
  swaps: {
    grouping: 'kafkajs/src/producer/groupMessagesPerPartition.js',
    record: 'kafkajs/src/protocol/recordBatch/record/v0/index.js',
  },
});
