import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { clickCountAggregate, sortedCounts, type ClickCountAccumulator, type ClickCountResult } from '../../src/job/clickstream.js';
import type { ClickEvent } from '../../src/streams/operators/records.js';
import {
  assignTumblingWindow,
  InMemoryWindowStore,
  TumblingWindowOperator,
  type FiredWindow,
} from '../../src/streams/operators/windows.js';

const MIN = 60_000;
const ev = (userId: string, timestamp: number, eventType = 'click'): ClickEvent => ({ userId, eventType, timestamp });

function advance<OUT>(op: TumblingWindowOperator<ClickEvent, ClickCountAccumulator, OUT>, watermark: number) {
  const fired: Array<FiredWindow<OUT>> = [];
  const purged = op.advance(watermark, (f) => fired.push(f));
  return { fired, purged };
}

function operator(allowedLatenessMs = 0) {
  const store = new InMemoryWindowStore<ClickCountAccumulator>();
  const op = new TumblingWindowOperator<ClickEvent, ClickCountAccumulator, ClickCountResult>(
    { sizeMs: MIN, allowedLatenessMs },
    clickCountAggregate,
    store,
  );
  const add = (e: ClickEvent, wm: number) => op.add(e.userId, e.timestamp, e, wm);
  return { op, store, add };
}

describe('tumbling windows', () => {
  test('assignment: [start, start + size), aligned to the epoch', () => {
    assert.deepEqual(assignTumblingWindow(0, MIN), { start: 0, end: MIN });
    assert.deepEqual(assignTumblingWindow(MIN - 1, MIN), { start: 0, end: MIN });
    assert.deepEqual(assignTumblingWindow(MIN, MIN), { start: MIN, end: 2 * MIN });
    assert.deepEqual(assignTumblingWindow(1_764_072_123_456, MIN), { start: 1_764_072_120_000, end: 1_764_072_180_000 });
  });

  test('a window fires once, when the watermark reaches its last millisecond, with count and per-type counts', () => {
    const { op, store, add } = operator();
    add(ev('a', 1000, 'view'), -Infinity);
    add(ev('a', 2000, 'click'), -Infinity);
    add(ev('a', 3000, 'view'), -Infinity);
    add(ev('b', 59_999), -Infinity);
    add(ev('a', MIN + 5), -Infinity);
    assert.deepEqual(advance(op, MIN - 2).fired, []);
    const { fired, purged } = advance(op, MIN - 1);
    assert.deepEqual(
      fired.map((f) => f.result),
      [
        { userId: 'a', windowStart: 0, windowEnd: MIN, count: 3, byEventType: { click: 1, view: 2 } },
        { userId: 'b', windowStart: 0, windowEnd: MIN, count: 1, byEventType: { click: 1 } },
      ],
    );
    assert.deepEqual(purged, [0]);
    assert.deepEqual(
      advance(op, MIN * 10).fired.map((f) => [f.key, f.window.start]),
      [['a', MIN]],
    );
    assert.equal(store.size, 0, 'fired windows leave no state behind');
  });

  test('windows fire in event-time order', () => {
    const { op, add } = operator();
    add(ev('z', 3 * MIN), -Infinity);
    add(ev('b', MIN), -Infinity);
    add(ev('a', 2 * MIN), -Infinity);
    add(ev('a', MIN), -Infinity);
    const fired = advance(op, 10 * MIN).fired.map((f) => `${f.key}@${f.window.start / MIN}`);
    assert.deepEqual(
      fired.map((f) => f.split('@')[1]),
      ['1', '1', '2', '3'],
    );
    assert.deepEqual([...fired].sort(), ['a@1', 'a@2', 'b@1', 'z@3']);
  });

  test('without allowed lateness, an event for a fired window is late and not counted', () => {
    const { op, add } = operator();
    add(ev('a', 1000), -Infinity);
    advance(op, MIN - 1);
    assert.equal(add(ev('a', 2000), MIN - 1).kind, 'late');
    assert.equal(op.isLate(2000, MIN - 1), true);
    assert.equal(op.isLate(MIN, MIN - 1), false);
  });

  test('within allowed lateness a late event re-fires the corrected window; beyond it, late', () => {
    const { op, store, add } = operator(10_000);
    add(ev('a', 1000), -Infinity);
    assert.equal(advance(op, MIN - 1).fired[0]?.result.count, 1);
    const refire = add(ev('a', 2000, 'view'), MIN + 5000);
    assert.equal(refire.kind, 'refired');
    if (refire.kind === 'refired') assert.equal(refire.result.count, 2);
    assert.deepEqual(advance(op, MIN + 9998).fired, [], 'no second firing by the watermark itself');
    assert.equal(store.size, 1, 'kept until the lateness has passed');
    assert.deepEqual(advance(op, MIN - 1 + 10_000).purged, [0]);
    assert.equal(add(ev('a', 3000), MIN - 1 + 10_000).kind, 'late');
  });

  test('eventType "__proto__" and "constructor" are counted like any other', () => {
    const { op, add } = operator();
    add(ev('a', 1, '__proto__'), -Infinity);
    add(ev('a', 2, 'constructor'), -Infinity);
    add(ev('a', 3, '__proto__'), -Infinity);
    const result = advance(op, MIN).fired[0]?.result;
    assert.equal(JSON.stringify(result?.byEventType), '{"__proto__":2,"constructor":1}');
  });
});

describe('the per-type counts of a result', () => {
  /** What the counts printed as before sortedCounts: a null-prototype object filled in sorted order. */
  const reference = (counts: Map<string, number>): string => {
    const object = Object.create(null) as Record<string, number>;
    for (const type of [...counts.keys()].sort()) object[type] = counts.get(type) as number;
    return JSON.stringify(object);
  };
  const hostile = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '', '0', '10', '9', '-1', 'a.b', 'é', '😀', 'click', 'view'];

  test('print as the sorted null-prototype object did, with every type an own count, whatever the types and their order (few or many)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.oneof(fc.constantFrom(...hostile), fc.string(), fc.string({ unit: 'binary' })), { maxLength: 40, size: 'max' }),
        fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
        (types, ns) => {
          const counts = new Map(types.map((t, i) => [t, ns[i] as number]));
          const sorted = sortedCounts(counts);
          assert.equal(JSON.stringify(sorted), reference(counts));
          assert.equal(Object.getPrototypeOf(sorted), Object.prototype);
          assert.deepEqual(new Set(Object.keys(sorted)), new Set(types));
          for (const [t, n] of counts) assert.equal(Object.getOwnPropertyDescriptor(sorted, t)?.value, n);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('"__proto__" is a count, not a prototype, and survives a copy to another thread', () => {
    const sorted = sortedCounts(
      new Map([
        ['view', 2],
        ['__proto__', 7],
        ['click', 1],
      ]),
    );
    assert.equal(Object.getPrototypeOf(sorted), Object.prototype);
    assert.equal(JSON.stringify(sorted), '{"__proto__":7,"click":1,"view":2}');
    assert.equal(JSON.stringify(structuredClone(sorted)), '{"__proto__":7,"click":1,"view":2}');
  });
});
