/**
 * The faster kafkajs record decoding (kafka-record-decoding.ts) gives the same records as kafkajs's
 * own decoder, byte for byte and field for field, for any record: offsets and timestamps near and
 * past 2^53, varlong deltas of every length up to 10 bytes, log-append time, control batches,
 * null keys and values, repeated and hostile header names. Its consumer batch keeps the same
 * messages as kafkajs's. And the daemon's entry point installs it before kafkajs loads.
 */
import assert from 'node:assert/strict';

import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { testSwapInstall } from '../helpers/module-swap-install.js';
import { gzipSync } from 'node:zlib';
import {
  fastBatchDecoder,
  fastConsumerBatch,
  fastRecordDecoding,
  readSmallVarLong,
} from '../../src/streams/sources/kafka-record-decoding.js';

const require = createRequire(import.meta.url);
type Decoder = { offset: number; buffer: Buffer };
const KafkajsDecoder = require('kafkajs/src/protocol/decoder.js') as new (buffer: Buffer) => Decoder;
const kafkajsRecordDecoder = require('kafkajs/src/protocol/recordBatch/record/v0/decoder.js') as (d: Decoder, ctx: object) => unknown;
const Long = require('kafkajs/src/utils/long.js');
const headerDecoder = require('kafkajs/src/protocol/recordBatch/header/v0/decoder.js');
const KafkajsBatch = require('kafkajs/src/consumer/batch.js');
const filterAborted = require('kafkajs/src/consumer/filterAbortedMessages.js');

const decoding = fastRecordDecoding(Long, headerDecoder);
const fast = decoding.decode as unknown as (d: Decoder, ctx: object) => unknown;
const FastBatch = fastConsumerBatch(KafkajsBatch, Long, filterAborted);
const kafkajsBatchDecoder = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (d: Decoder) => Promise<unknown>;
const fastBatch = fastBatchDecoder({
  Decoder: KafkajsDecoder as never,
  records: decoding,
  lookupCodecByAttributes: require('kafkajs/src/protocol/message/compression/index.js').lookupCodecByAttributes,
  PartialMessageError: require('kafkajs/src/errors.js').KafkaJSPartialMessageError,
}) as unknown as (d: Decoder) => Promise<unknown>;

// The record layout written by hand (not by kafkajs's encoder, which cannot repeat a header name in
// any order, or write a delta of every length).

function unsignedVarint(value: bigint): number[] {
  const out: number[] = [];
  let v = value;
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? low | 0x80 : low);
  } while (v > 0n);
  return out;
}

const zigzag64 = (v: bigint): bigint => BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
const varLong = (v: bigint): number[] => unsignedVarint(zigzag64(v));
const varInt = (v: number): number[] => unsignedVarint(BigInt((v << 1) ^ (v >> 31)) & 0xffffffffn);
const varBytes = (b: Buffer | null): number[] => (b === null ? varInt(-1) : [...varInt(b.length), ...b]);

interface RecordSpec {
  attributes: number;
  timestampDelta: bigint;
  offsetDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<{ key: string; value: Buffer | null }>;
}

function recordBytes(r: RecordSpec): Buffer {
  const headers = [...varInt(r.headers.length)];
  for (const h of r.headers) headers.push(...varBytes(Buffer.from(h.key, 'utf8')), ...varBytes(h.value));
  return Buffer.from([
    r.attributes & 0xff,
    ...varLong(r.timestampDelta),
    ...varInt(r.offsetDelta),
    ...varBytes(r.key),
    ...varBytes(r.value),
    ...headers,
  ]);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const SAFE = 2n ** 53n;

/** Mostly what real topics hold, and the edges: around 2^53 and the whole int64 range. */
const int64 = (small: fc.Arbitrary<bigint>) =>
  fc.oneof(
    { weight: 5, arbitrary: small },
    { weight: 2, arbitrary: fc.bigInt({ min: SAFE - 1000n, max: SAFE + 1000n }) },
    { weight: 1, arbitrary: fc.bigInt({ min: -SAFE - 1000n, max: -SAFE + 1000n }) },
    { weight: 1, arbitrary: fc.bigInt({ min: INT64_MIN, max: INT64_MAX }) },
  );

const bytes = fc.option(
  fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
  { freq: 4 },
);
const headerName = fc.oneof(fc.constantFrom('traceparent', '__proto__', 'constructor', 'toString', 'a', 'b'), fc.string({ maxLength: 8 }));
const record: fc.Arbitrary<RecordSpec> = fc.record({
  attributes: fc.integer({ min: -128, max: 127 }),
  timestampDelta: int64(fc.bigInt({ min: -100_000n, max: 100_000n })),
  offsetDelta: fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })),
  key: bytes,
  value: bytes,
  headers: fc.array(fc.record({ key: headerName, value: bytes }), { maxLength: 4 }),
});
const context = fc.record(
  {
    firstOffset: int64(fc.bigInt({ min: 0n, max: 10_000_000n })).map(String),
    firstTimestamp: int64(fc.bigInt({ min: -1n, max: 2_000_000_000_000n })).map(String),
    maxTimestamp: fc.oneof(fc.constant(''), int64(fc.bigInt({ min: 0n, max: 2_000_000_000_000n })).map(String)),
    timestampType: fc.constantFrom(0, 1, -1),
    magicByte: fc.constant(2),
    isControlBatch: fc.boolean(),
  },
  { requiredKeys: ['firstOffset', 'firstTimestamp', 'magicByte'] },
);

test('every record decodes to what kafkajs decodes: fields, values, strings, and where the decoder stops', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(context, fc.array(record, { minLength: 1, maxLength: 5 })), { minLength: 1, maxLength: 4 }),
      (batches) => {
        // Batches one after another through one decoder, as kafkajs runs them: the fast decoder's
        // per-batch numbers must follow each new context.
        for (const [ctx, records] of batches) {
          for (const r of records) {
            const buf = recordBytes(r);
            const mine = new KafkajsDecoder(buf);
            const theirs = new KafkajsDecoder(buf);
            assert.deepStrictEqual(asReadRecord(fast(mine, ctx) as Record<string, unknown>), kafkajsRecordDecoder(theirs, ctx));
            assert.equal(mine.offset, theirs.offset);
          }
        }
      },
    ),
    { numRuns: 3000 },
  );
});

test('the usual record takes the number path: the same strings as BigInt arithmetic gives', () => {
  const ctx = { firstOffset: '41', firstTimestamp: '1796385960000', magicByte: 2 };
  const buf = recordBytes({ attributes: 0, timestampDelta: -1234n, offsetDelta: 9, key: null, value: Buffer.from('{}'), headers: [] });
  const decoded = fast(new KafkajsDecoder(buf), ctx) as { offset: string; timestamp: string; headers: object };
  assert.equal(decoded.offset, '50');
  assert.equal(decoded.timestamp, String(1796385960000n - 1234n));
  assert.deepStrictEqual(decoded.headers, {});
});

test('a varlong of up to 7 bytes is read as a number; a longer one, or one cut short, is left to kafkajs', () => {
  for (const v of [0n, 1n, -1n, 63n, -64n, 2n ** 48n - 1n, -(2n ** 48n)]) {
    const d = new KafkajsDecoder(Buffer.from([...varLong(v), 0x55]));
    assert.equal(readSmallVarLong(d as never), Number(v), String(v));
    assert.equal(d.offset, varLong(v).length);
  }
  for (const v of [2n ** 48n, -(2n ** 48n) - 1n, INT64_MAX, INT64_MIN]) {
    const d = new KafkajsDecoder(Buffer.from(varLong(v)));
    assert.equal(readSmallVarLong(d as never), undefined, String(v));
    assert.equal(d.offset, 0);
  }
  const cut = new KafkajsDecoder(Buffer.from([0x80, 0x80]));
  assert.equal(readSmallVarLong(cut as never), undefined);
  assert.equal(cut.offset, 0);
});

interface BatchSpec {
  firstOffset: bigint;
  firstTimestamp: bigint;
  maxTimestamp: bigint;
  /** Compression codec bits (0 none, 1 gzip) and the timestamp-type, transactional and control flags. */
  gzip: boolean;
  flags: number;
  producerId: bigint;
  records: RecordSpec[];
  /** Break one record's length varint (index, new length): a malformed batch, both decoders must agree on it. */
  corrupt?: [number, number];
}

function int64Bytes(v: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt.asIntN(64, v));
  return b;
}

/** A record batch (magic 2) as a broker sends it, records uncompressed or gzip'd. */
function batchBytes(spec: BatchSpec): Buffer {
  const bodies = spec.records.map((r, i) => {
    const body = recordBytes(r);
    const length = spec.corrupt?.[0] === i ? spec.corrupt[1] : body.length;
    return Buffer.concat([Buffer.from(varInt(length)), body]);
  });
  const records = Buffer.concat(bodies);
  const count = Buffer.alloc(4);
  count.writeInt32BE(spec.records.length);
  const head = Buffer.alloc(2 + 4);
  head.writeInt16BE((spec.gzip ? 1 : 0) | spec.flags);
  head.writeInt32BE(spec.records.length - 1, 2);
  const tail = Buffer.alloc(2 + 4);
  const body = Buffer.concat([
    head,
    int64Bytes(spec.firstTimestamp),
    int64Bytes(spec.maxTimestamp),
    int64Bytes(spec.producerId),
    tail,
    count,
    spec.gzip ? gzipSync(records) : records,
  ]);
  const afterLength = Buffer.concat([Buffer.from([0, 0, 0, 7, 2, 0, 0, 0, 0]), body]);
  const length = Buffer.alloc(4);
  length.writeInt32BE(afterLength.length);
  return Buffer.concat([int64Bytes(spec.firstOffset), length, afterLength]);
}

/**
 * A decoded batch as its readers see it: each record as a plain object of kafkajs's record fields,
 * in kafkajs's order, each read from the record (a record read in place has its key as a getter).
 */
function asRead(batch: unknown): unknown {
  const { records, ...rest } = batch as { records: Array<Record<string, unknown>> };
  return { ...rest, records: records.map(asReadRecord) };
}

/** A record as a plain object of kafkajs's record fields, each read from it. */
function asReadRecord(r: Record<string, unknown>): Record<string, unknown> {
  const fields = ['magicByte', 'attributes', 'timestamp', 'offset', 'key', 'value', 'headers', 'isControlRecord', 'batchContext'];
  return Object.fromEntries(fields.map((f) => [f, r[f]]));
}

test("a record's fields as a reader sees them are kafkajs's record fields, no more, no fewer", async () => {
  const spec: BatchSpec = {
    firstOffset: 7n,
    firstTimestamp: 1_796_385_960_000n,
    maxTimestamp: 1_796_385_960_009n,
    gzip: false,
    flags: 0,
    producerId: -1n,
    records: [{ attributes: 0, timestampDelta: 1n, offsetDelta: 0, key: Buffer.from('k'), value: Buffer.from('v'), headers: [] }],
  };
  const [mine, theirs] = [
    await fastBatch(new KafkajsDecoder(batchBytes(spec))),
    await kafkajsBatchDecoder(new KafkajsDecoder(batchBytes(spec))),
  ];
  // Own enumerable fields, and the getters of a class's prototype.
  const readable = (r: object): string[] => {
    const proto = Object.getPrototypeOf(r) as object;
    const getters = proto === Object.prototype ? [] : Object.entries(Object.getOwnPropertyDescriptors(proto)).filter(([, d]) => d.get);
    return [...Object.keys(r), ...getters.map(([name]) => name)].sort();
  };
  const [m, t] = [(mine as { records: object[] }).records[0] as object, (theirs as { records: object[] }).records[0] as object];
  assert.deepStrictEqual(readable(m), readable(t));
  assert.deepStrictEqual((asRead(mine) as { records: unknown[] }).records, (theirs as { records: unknown[] }).records);
  assert.deepStrictEqual((m as { key: Buffer }).key, Buffer.from('k'));
});

async function outcome(decode: (d: Decoder) => Promise<unknown>, d: Decoder): Promise<unknown> {
  try {
    return { batch: asRead(await decode(d)), offset: d.offset };
  } catch (err) {
    return { error: (err as Error).name, offset: d.offset };
  }
}

test("every record batch decodes to what kafkajs's batch decoder gives: gzip'd, flagged, cut short", async () => {
  const spec: fc.Arbitrary<BatchSpec> = fc.record({
    firstOffset: int64(fc.bigInt({ min: 0n, max: 10_000_000n })),
    firstTimestamp: int64(fc.bigInt({ min: -1n, max: 2_000_000_000_000n })),
    maxTimestamp: fc.bigInt({ min: 0n, max: 2_000_000_000_000n }),
    gzip: fc.boolean(),
    flags: fc.constantFrom(0, 0x08, 0x10, 0x20, 0x30),
    producerId: fc.constantFrom(-1n, 7n),
    records: fc.array(record, { maxLength: 6 }),
  });
  await fc.assert(
    fc.asyncProperty(fc.array(spec, { minLength: 1, maxLength: 3 }), fc.nat(40), async (specs, cut) => {
      // Batches back to back, as in a fetch response, the last one possibly cut short.
      const whole = Buffer.concat(specs.map(batchBytes));
      const buf = whole.subarray(0, Math.max(0, whole.length - cut));
      const mine = new KafkajsDecoder(buf);
      const theirs = new KafkajsDecoder(buf);
      for (let i = 0; i < specs.length; i++) {
        const [a, b] = [await outcome(fastBatch, mine), await outcome(kafkajsBatchDecoder, theirs)];
        assert.deepStrictEqual(a, b);
        if ('error' in (a as object)) break;
      }
    }),
    { numRuns: 1500 },
  );
});

test("a record whose length is wrong decodes (or fails) as kafkajs's own decoding does", async () => {
  const plain: RecordSpec = { attributes: 0, timestampDelta: 5n, offsetDelta: 0, key: null, value: Buffer.from('{"a":1}'), headers: [] };
  const second: RecordSpec = { ...plain, offsetDelta: 1, value: Buffer.from('{"b":22}') };
  const base = {
    firstOffset: 10n,
    firstTimestamp: 1_796_385_960_000n,
    maxTimestamp: 1_796_385_960_009n,
    gzip: false,
    flags: 0,
    producerId: -1n,
  };
  const size = recordBytes(plain).length;
  // Shorter than its fields (decoding reads into the next record), longer (a trailing byte is skipped),
  // far too long, negative, and null (-1).
  for (const length of [size - 1, size - 3, size + 1, size + 200, -2, -1, 0]) {
    for (const gzip of [false, true]) {
      const buf = batchBytes({ ...base, gzip, records: [plain, second], corrupt: [0, length] });
      const [a, b] = [await outcome(fastBatch, new KafkajsDecoder(buf)), await outcome(kafkajsBatchDecoder, new KafkajsDecoder(buf))];
      assert.deepStrictEqual(a, b, `length ${length} instead of ${size}, gzip ${gzip}`);
    }
  }
});

interface Message {
  offset: string;
  key: Buffer | null;
  isControlRecord: boolean;
  batchContext: { producerId: string; inTransaction: boolean };
}

test("the consumer batch keeps the messages kafkajs's keeps, past the fetched offset, aborted and control records out", () => {
  const offsets = fc.oneof(fc.bigInt({ min: 0n, max: 200n }), fc.bigInt({ min: SAFE - 100n, max: SAFE + 100n }));
  const message = fc.record({
    offset: offsets,
    abortMarker: fc.boolean(),
    isControlRecord: fc.boolean(),
    producerId: fc.constantFrom('1', '2'),
    inTransaction: fc.boolean(),
  });
  fc.assert(
    fc.property(
      fc.array(message, { maxLength: 12 }),
      offsets,
      fc.array(fc.record({ firstOffset: offsets, producerId: fc.constantFrom('1', '2') }), { maxLength: 2 }),
      (specs, fetched, aborted) => {
        const messages: Message[] = specs
          .sort((a, b) => (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0))
          .map((s) => ({
            offset: String(s.offset),
            key: s.abortMarker ? Buffer.from([0, 0, 0, 0]) : null,
            isControlRecord: s.isControlRecord,
            batchContext: { producerId: s.producerId, inTransaction: s.inTransaction },
          }));
        const abortedTransactions = aborted.map((a) => ({ firstOffset: String(a.firstOffset), producerId: a.producerId }));
        const partitionData = { partition: 3, highWatermark: '999', messages, abortedTransactions };
        const theirs = new KafkajsBatch('t', String(fetched), { ...partitionData, abortedTransactions: [...abortedTransactions] });
        const mine = new FastBatch('t', String(fetched), {
          ...partitionData,
          abortedTransactions: [...abortedTransactions],
        }) as typeof theirs;
        for (const field of ['topic', 'partition', 'highWatermark', 'fetchedOffset', 'rawMessages', 'messagesWithinOffset', 'messages']) {
          assert.deepStrictEqual(mine[field], theirs[field], field);
        }
        assert.equal(mine.firstOffset(), theirs.firstOffset());
        assert.equal(mine.lastOffset(), theirs.lastOffset());
        assert.equal(mine.isEmptyDueToLogCompactedMessages(), theirs.isEmptyDueToLogCompactedMessages());
        assert.ok(mine instanceof KafkajsBatch);
      },
    ),
    { numRuns: 2000 },
  );
});

test('a consumer batch that filters nothing out keeps the fetched message array, not a copy of it', () => {
  const messages: Message[] = [5, 6, 7].map((o) => ({
    offset: String(o),
    key: null,
    isControlRecord: false,
    batchContext: { producerId: '1', inTransaction: false },
  }));
  const batch = new FastBatch('t', '5', { messages, abortedTransactions: [] }) as unknown as Record<string, unknown>;
  assert.equal(batch.messages, messages);
  assert.equal(batch.messagesWithinOffset, messages);
  // One below the fetched offset: filtered, as kafkajs filters (a copy; the fetched array untouched).
  const from6 = new FastBatch('t', '6', { messages, abortedTransactions: [] }) as unknown as Record<string, Message[]>;
  assert.deepEqual(
    from6.messages?.map((m) => m.offset),
    ['6', '7'],
  );
  assert.equal(messages.length, 3);
});

testSwapInstall({
  module: fileURLToPath(new URL('../../src/streams/sources/kafka-record-decoding.js', import.meta.url)),
  install: 'installFastRecordDecoding',
  status: 'fastRecordDecodingStatus',
  versionLabel: 'fast record decoding',
  swaps: {
    record: 'kafkajs/src/protocol/recordBatch/record/v0/decoder.js',
    recordBatch: 'kafkajs/src/protocol/recordBatch/v0/decoder.js',
    batch: 'kafkajs/src/consumer/batch.js',
  },
});

// Every batch's context, and every batch, has the one shape (hidden class): a record's fields read
// from a context of a new shape each batch deoptimized the per-record code, batch after batch. V8's
// own check (%HaveSameMap), in a child with natives syntax, after the code has warmed up.
test('every batch and its records context keep one shape, batch after batch', () => {
  const batches = Array.from({ length: 3000 }, (_, b) =>
    batchBytes({
      firstOffset: BigInt(b * 10),
      firstTimestamp: 1_700_000_000_000n + BigInt(b),
      maxTimestamp: 1_700_000_000_010n + BigInt(b),
      gzip: false,
      flags: 0,
      producerId: -1n,
      records: Array.from({ length: 10 }, (_, i) => ({
        attributes: 0,
        timestampDelta: BigInt(i),
        offsetDelta: i,
        key: Buffer.from(`user-${b}`),
        value: Buffer.from(`{"n":${i}}`),
        headers: [],
      })),
    }),
  );
  const child = `
    import { createRequire } from 'node:module';
    const require = createRequire(${JSON.stringify(fileURLToPath(import.meta.url))});
    const { fastBatchDecoder, fastRecordDecoding } = await import(${JSON.stringify(new URL('../../src/streams/sources/kafka-record-decoding.js', import.meta.url).href)});
    const Decoder = require('kafkajs/src/protocol/decoder.js');
    const decode = fastBatchDecoder({
      Decoder,
      records: fastRecordDecoding(require('kafkajs/src/utils/long.js'), require('kafkajs/src/protocol/recordBatch/header/v0/decoder.js')),
      lookupCodecByAttributes: require('kafkajs/src/protocol/message/compression/index.js').lookupCodecByAttributes,
      PartialMessageError: require('kafkajs/src/errors.js').KafkaJSPartialMessageError,
    });
    const decoder = new Decoder(require('node:fs').readFileSync(0));
    const out = [];
    while (decoder.offset < decoder.buffer.length) out.push(await decode(decoder));
    const [first, last] = [out[0], out[out.length - 1]];
    process.stdout.write(JSON.stringify({
      batches: out.length,
      sameBatch: %HaveSameMap(first, last),
      sameContext: %HaveSameMap(first.records[0].batchContext, last.records[0].batchContext),
      sameRecord: %HaveSameMap(first.records[0], last.records[9]),
    }));
  `;
  const result = spawnSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', child], {
    input: Buffer.concat(batches),
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), { batches: 3000, sameBatch: true, sameContext: true, sameRecord: true });
});
