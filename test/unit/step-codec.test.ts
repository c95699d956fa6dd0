/**
 * The columnar step message: what the main thread encodes is what a window worker reads back, after
 * a real postMessage with the buffers transferred (a MessagePort clones exactly as a worker's does).
 */
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import { decodeStep, encodeStep, encodeSteps, windowInputOf, type EncodedStep, type StepColumns } from '../../src/actors/step-codec.js';
import { clickstreamJob } from '../../src/job/clickstream.js';
import { WHOLE_EVENT, type WindowInput } from '../../src/job/window-input.js';
import type { KeyedEvent } from '../../src/streams/operators/keyed-stage.js';
import type { ClickEvent } from '../../src/streams/operators/records.js';

const T = Date.UTC(2026, 10, 25, 9, 0, 0);
const input = windowInputOf(clickstreamJob);

const click = (userId: string, eventType: string, timestamp: number): KeyedEvent<ClickEvent> => ({
  key: userId,
  timestamp,
  event: { userId, eventType, timestamp },
});

/** Through a MessagePort, as the worker stage posts it; resolves with what the other side got. */
async function post(encoded: EncodedStep): Promise<StepColumns> {
  const { port1, port2 } = new MessageChannel();
  try {
    const received = new Promise<StepColumns>((resolve) => port2.once('message', (m: StepColumns) => resolve(m)));
    port1.postMessage(encoded.columns, encoded.transfer);
    return await received;
  } finally {
    port1.close();
    port2.close();
  }
}

const awkwardKeys = [
  '__proto__',
  'constructor',
  'hasOwnProperty',
  '',
  'ü-ßtraße',
  '用户-42',
  '😀👩‍👩‍👧',
  'a\u0301',
  '\ud800lone',
  'x'.repeat(300),
];

test('round trip through a port: keys (unicode, __proto__, lone surrogates), times and event types', async () => {
  const events = awkwardKeys.flatMap((key, i) => [
    click(key, '__proto__', T + i),
    click(key, 'view', T - i * 1_000.5 - 1e12),
    click(key, 'ünïcødé', Number.MAX_SAFE_INTEGER - i),
  ]);
  const encoded = encodeStep(events, input);
  assert.equal(encoded.columns.buffer.byteLength, events.length * 12, 'times and key ends only');
  const received = await post(encoded);
  assert.equal(encoded.columns.buffer.byteLength, 0, 'the buffer was transferred, not copied');
  const decoded = decodeStep(received, input);
  assert.deepEqual(decoded, events);
  // The aggregate's event comes back as a plain object, not one with an own `__proto__` surprise.
  assert.equal(Object.getPrototypeOf(decoded[0]?.event), Object.prototype);
});

test('an empty step (a watermark advance) encodes and decodes to no events', async () => {
  const encoded = encodeStep([], input);
  assert.equal(encoded.columns.n, 0);
  assert.deepEqual(decodeStep(await post(encoded), input), []);
  for (const share of encodeSteps([], 3, () => 0, input)) assert.equal(share.columns.n, 0);
});

test('credit bytes are the encoded size: buffers, the key string and the dictionary', () => {
  const events = [click('ab', 'view', T), click('cde', 'view', T), click('f', 'click', T)];
  const { bytes, columns } = encodeStep(events, input);
  // 3 x (8 time + 4 key end) + 6 key units x 2 + 3 one-byte codes + ('view' + 'click') x 2.
  assert.equal(bytes, 36 + 12 + 3 + 18);
  assert.equal(columns.keys, 'abcdef');
});

test('split by owner: each share holds its owner’s events in step order, and nothing else', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.record({
          key: fc.string({ unit: 'grapheme', maxLength: 6 }),
          type: fc.constantFrom('view', 'click', '__proto__'),
          t: fc.integer({ min: 0, max: 1e9 }),
        }),
        { maxLength: 80 },
      ),
      fc.integer({ min: 1, max: 5 }),
      async (rows, parts) => {
        const events = rows.map((r) => click(r.key, r.type, T + r.t));
        const ownerOf = (key: string) => key.length % parts;
        const shares = encodeSteps(events, parts, ownerOf, input);
        assert.equal(shares.length, parts);
        for (let p = 0; p < parts; p++) {
          const decoded = decodeStep(await post(shares[p] as EncodedStep), input);
          assert.deepEqual(
            decoded,
            events.filter((e) => ownerOf(e.key) === p),
          );
        }
      },
    ),
    { numRuns: 60 },
  );
});

test('more than 256 distinct values widen the codes (Uint16), still exact', async () => {
  const events = Array.from({ length: 700 }, (_, i) => click(`u${i % 7}`, `type-${i % 300}`, T + i));
  const encoded = encodeStep(events, input);
  assert.ok((encoded.columns.values as { codes: ArrayLike<number> }).codes instanceof Uint16Array);
  assert.deepEqual(decodeStep(await post(encoded), input), events);
});

test('a job without a projection gets its whole events cloned', async () => {
  type Order = { customer: string; lines: Array<{ sku: string; qty: number }>; at: Date };
  const whole = WHOLE_EVENT as WindowInput<Order, unknown>;
  const events: Array<KeyedEvent<Order>> = [
    { key: 'c1', timestamp: T, event: { customer: 'c1', lines: [{ sku: '__proto__', qty: 2 }], at: new Date(T) } },
    { key: 'c2', timestamp: T + 5, event: { customer: 'c2', lines: [], at: new Date(T + 5) } },
  ];
  assert.equal(windowInputOf<Order>({}), whole);
  assert.deepEqual(decodeStep(await post(encodeStep(events, whole)), whole), events);
});
