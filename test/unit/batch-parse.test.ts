/**
 * A batch parsed on a window worker (SLUICE_PARSE_ON=workers) gives exactly what the job's parse of
 * each record gives on the main thread: the same refusals (codes and messages, by record), the same
 * events, each in its owner's share with its index in the batch, whatever the values (valid clicks,
 * hostile JSON, tombstones, empty values, non-UTF-8) and however they sit in memory.
 */
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { packValues, parseForOwners } from '../../src/actors/batch-parse.js';
import { batchIndicesOf, decodeStep, windowInputOf } from '../../src/actors/step-codec.js';
import { clickstreamJobWith } from '../../src/job/clickstream.js';
import { VALUE_AT, VALUE_BYTES, VALUE_LENGTH, type SourceRecord } from '../../src/streams/sources/source.js';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const job = clickstreamJobWith({ maxRecordBytes: 200 });
const input = windowInputOf(job);
const PARTS = 3;
const ownerOf = (key: string) => (key.charCodeAt(0) || 0) % PARTS;

const value = fc.oneof(
  // Valid clicks (a few users and types, so owners repeat).
  fc
    .record({
      userId: fc.constantFrom('a', 'b', 'user-7', 'é', '__proto__'),
      eventType: fc.constantFrom('click', 'view'),
      timestamp: fc.integer({ min: NOW - 3_600_000, max: NOW }),
    })
    .map((c) => Buffer.from(JSON.stringify(c))),
  // Anything: most are refused, each for its own reason.
  fc.string({ maxLength: 40 }).map((s) => Buffer.from(s)),
  fc.json({ maxDepth: 2 }).map((s) => Buffer.from(s)),
  fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b)),
  // Too large for maxRecordBytes, a tombstone, an empty value.
  fc.constant(Buffer.from(JSON.stringify({ userId: 'a'.repeat(250), eventType: 'click', timestamp: NOW }))),
  fc.constant(null),
  fc.constant(Buffer.alloc(0)),
);

type Layout = 'views' | 'own' | 'in place';

/**
 * Records as kafkajs hands them: views into one fetch buffer (with bytes between), values of their
 * own, or (sluice's decoding) the fetch buffer with each value's place in it. The fetch buffer is
 * itself a view that starts inside a larger allocation, as a response cut from a socket's is.
 */
function records(values: Array<Buffer | null>, layout: Layout): SourceRecord[] {
  const gap = Buffer.from([0xff, 0x00, 0x7b]);
  const whole = Buffer.concat([Buffer.from('head'), ...values.flatMap((v) => [gap, v ?? Buffer.alloc(0)])]).subarray(4);
  let at = 0;
  return values.map((v, i) => {
    at += gap.length;
    const from = at;
    at += v?.length ?? 0;
    const record = { offset: String(i), key: null, timestamp: String(NOW) };
    if (layout === 'in place') {
      const length = v === null ? -1 : v.length;
      return {
        ...record,
        get value() {
          return length < 0 ? null : whole.subarray(from, from + length);
        },
        [VALUE_BYTES]: whole,
        [VALUE_AT]: from,
        [VALUE_LENGTH]: length,
      };
    }
    return { ...record, value: v === null ? null : layout === 'views' ? whole.subarray(from, from + v.length) : Buffer.from(v) };
  });
}

test("a worker's parse of a packed batch is the main thread's parse of each record, split by owner", () => {
  fc.assert(
    fc.property(
      fc.array(value, { maxLength: 40 }),
      fc.constantFrom<Layout>('views', 'own', 'in place'),
      fc.nat({ max: 3 }),
      (values, layout, skipped) => {
        const batch = records(values, layout);
        const first = Math.min(skipped, batch.length);
        const { parsed } = parseForOwners(job, packValues(batch, first), NOW, PARTS, ownerOf, input);

        const expected = batch.slice(first).map((r) => job.parse(r.value, NOW));
        assert.equal(parsed.n, expected.length);
        const refused = expected.flatMap((r, index) => (r.ok ? [] : [[index, r.code, r.message]]));
        assert.deepEqual(
          parsed.refused.index.map((index, k) => [index, parsed.refused.code[k], parsed.refused.message[k]]),
          refused,
        );
        const valid = expected.flatMap((r, index) => (r.ok ? [{ index, event: r.event }] : []));
        assert.equal(parsed.valid, valid.length);
        assert.equal(parsed.filtered, 0);
        const times = valid.map((v) => v.event.timestamp);
        assert.equal(parsed.minTimestamp, Math.min(...times));
        assert.equal(parsed.maxTimestamp, Math.max(...times));

        assert.equal(parsed.shares.length, PARTS);
        for (let owner = 0; owner < PARTS; owner++) {
          const { columns } = parsed.shares[owner] as (typeof parsed.shares)[number];
          const mine = valid.filter((v) => ownerOf(v.event.userId) === owner);
          assert.deepEqual(
            decodeStep(columns, input).map((e) => [e.key, e.timestamp, e.event]),
            mine.map((v) => [v.event.userId, v.event.timestamp, v.event]),
          );
          assert.deepEqual(
            [...batchIndicesOf(columns)],
            mine.map((v) => v.index),
          );
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('packing copies one span of a shared buffer, and leaves the records as they were', () => {
  const whole = Buffer.from('xx{"a":1}yy{"b":2}zz');
  const batch: SourceRecord[] = [
    { offset: '0', value: whole.subarray(2, 9), key: null, timestamp: '0' },
    { offset: '1', value: null, key: null, timestamp: '0' },
    { offset: '2', value: whole.subarray(11, 18), key: null, timestamp: '0' },
  ];
  const packed = packValues(batch, 0);
  // From the first value's start to the last value's end: 16 bytes, not the whole buffer.
  assert.equal(packed.bytes.byteLength, 16);
  assert.deepEqual(
    [...new Int32Array(packed.starts)].filter((_, i) => i !== 1),
    [0, 9],
  );
  assert.deepEqual([...new Int32Array(packed.lengths)], [7, -1, 7]);
  assert.equal(Buffer.from(packed.bytes, 9, 7).toString(), '{"b":2}');
  assert.equal(batch[0]?.value?.toString(), '{"a":1}');
});
