/**
 * One pass over a worker's entries keeps the first N in an order (FirstN), and the workers' answers
 * put together (merge.ts) equal what one sort of the whole window gives: property-tested.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { mergeKeyPages, mergeStarts, mergeTop } from '../../src/query/merge.js';
import type { KeyEntry, RankedKey } from '../../src/query/query-types.js';
import { compareKeys, compareRanked, FirstN } from '../../src/query/select.js';

test('FirstN keeps exactly the first n of a stream in order', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: -50, max: 50 })), fc.integer({ min: 0, max: 20 }), (items, n) => {
      const first = new FirstN<number>(n, (a, b) => a - b);
      for (const i of items) first.offer(i);
      assert.deepEqual(first.sorted(), [...items].sort((a, b) => a - b).slice(0, n));
    }),
  );
});

test('ranking: larger value first, ties by key, non-finite last', () => {
  const ranked = [
    { key: 'b', value: 3 },
    { key: 'a', value: 3 },
    { key: 'c', value: Number.NaN },
    { key: 'd', value: 10 },
  ].sort(compareRanked);
  assert.deepEqual(
    ranked.map((r) => r.key),
    ['d', 'a', 'b', 'c'],
  );
});

const entry = (key: string): KeyEntry => ({ key, fired: false, result: { key } });

test('key pages of several workers merge into the global key order', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.string({ maxLength: 6 }), { maxLength: 60 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 15 }),
      (keys, workers, limit) => {
        // Each worker answers its own first limit + 1 keys, as answerQuery does.
        const shares = Array.from({ length: workers }, (_, w) =>
          keys
            .filter((_k, i) => i % workers === w)
            .sort(compareKeys)
            .slice(0, limit + 1)
            .map(entry),
        );
        const { keys: page, more } = mergeKeyPages(shares, limit);
        const all = [...keys].sort(compareKeys);
        assert.deepEqual(
          page.map((e) => e.key),
          all.slice(0, limit),
        );
        assert.equal(more, all.length > limit);
      },
    ),
  );
});

test('top N of several workers merge into the global top N', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.record({ key: fc.string({ maxLength: 4 }), value: fc.integer({ min: 0, max: 9 }) }), {
        selector: (r) => r.key,
        maxLength: 60,
      }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 12 }),
      (rows, workers, n) => {
        const ranked: RankedKey[] = rows.map((r) => ({ ...r, fired: false, result: null }));
        const shares = Array.from({ length: workers }, (_, w) =>
          ranked
            .filter((_r, i) => i % workers === w)
            .sort(compareRanked)
            .slice(0, n),
        );
        assert.deepEqual(
          mergeTop(shares, n).map((r) => r.key),
          [...ranked]
            .sort(compareRanked)
            .slice(0, n)
            .map((r) => r.key),
        );
      },
    ),
  );
});

test('window starts merge sorted and unique', () => {
  assert.deepEqual(mergeStarts([[120, 0], [60, 0], []]), [0, 60, 120]);
});
