/**
 * Sliding and session windows, Flink's semantics: which windows an event belongs to, firing at
 * end - 1, re-firing within the allowed lateness, purging after it, session merging (inclusive:
 * touching windows merge), an event far behind the watermark still counting when it joins a live
 * session; and the LMDB store's per-entry deletes that sessions need, through commits and rollbacks.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { keyGroupOf, KEY_GROUPS } from '../../src/actors/key-groups.js';
import { LmdbWindowStore } from '../../src/state/lmdb-window-store.js';
import { assignerFor } from '../../src/streams/operators/window-assigners.js';
import {
  createWindowOperator,
  InMemoryWindowStore,
  type AggregateFunction,
  type FiredWindow,
  type WindowOperator,
  type WindowStateStore,
} from '../../src/streams/operators/windows.js';

/** Events as a sorted list of their timestamps: what a window holds, easy to read in assertions. */
const list: AggregateFunction<number, number[], string> = {
  createAccumulator: () => [],
  add: (acc, t) => {
    acc.push(t);
    return acc;
  },
  merge: (a, b) => [...a, ...b],
  result: (acc, key, w) => `${key}[${w.start},${w.end}):${[...acc].sort((x, y) => x - y).join(',')}`,
};

function harness(op: WindowOperator<number, string>) {
  const refired: string[] = [];
  const touched: number[] = [];
  const events = { touched: (s: number) => touched.push(s), refired: (r: string) => refired.push(r) };
  return {
    refired,
    touched,
    add: (key: string, t: number, watermark: number) => op.addEvent(key, t, t, watermark, events),
    advance: (watermark: number) => {
      const fired: string[] = [];
      const freed = op.advance(watermark, (f: FiredWindow<string>) => fired.push(f.result));
      return { fired, freed };
    },
  };
}

describe('window assigners', () => {
  test('tumbling and sliding windows of an event, earliest first; the latest end decides lateness', () => {
    assert.deepEqual(assignerFor({ type: 'tumbling', sizeMs: 10 }).assign(-1), [{ start: -10, end: 0 }]);
    const sliding = assignerFor({ type: 'sliding', sizeMs: 10, slideMs: 4 });
    assert.deepEqual(sliding.assign(9), [
      { start: 0, end: 10 },
      { start: 4, end: 14 },
      { start: 8, end: 18 },
    ]);
    assert.deepEqual(sliding.assign(12), [
      { start: 4, end: 14 },
      { start: 8, end: 18 },
      { start: 12, end: 22 },
    ]);
    assert.equal(sliding.lastEnd(12), 22);
    assert.deepEqual(assignerFor({ type: 'sliding', sizeMs: 6, slideMs: 3 }).assign(-4), [
      { start: -9, end: -3 },
      { start: -6, end: 0 },
    ]);
    assert.deepEqual(assignerFor({ type: 'session', gapMs: 5 }).assign(7), [{ start: 7, end: 12 }]);
  });
});

describe('sliding windows', () => {
  test('an event counts in every window it belongs to; each window fires at its end, in order', () => {
    const h = harness(
      createWindowOperator(
        { sizeMs: 10, allowedLatenessMs: 0, assigner: { type: 'sliding', sizeMs: 10, slideMs: 5 } },
        list,
        new InMemoryWindowStore(),
      ),
    );
    assert.equal(h.add('a', 7, -Infinity), true);
    assert.equal(h.add('a', 12, -Infinity), true);
    assert.deepEqual(h.touched, [0, 5, 5, 10]);
    assert.deepEqual(h.advance(9).fired, ['a[0,10):7']);
    assert.deepEqual(h.advance(100).fired, ['a[5,15):7,12', 'a[10,20):12']);
  });

  test('within the allowed lateness a fired window is corrected at once; an event whose windows are all gone is late', () => {
    const h = harness(
      createWindowOperator(
        { sizeMs: 10, allowedLatenessMs: 5, assigner: { type: 'sliding', sizeMs: 10, slideMs: 5 } },
        list,
        new InMemoryWindowStore(),
      ),
    );
    h.add('a', 7, -Infinity);
    assert.deepEqual(h.advance(14).fired, ['a[0,10):7', 'a[5,15):7'], '[0,10) fired and purged (9 + 5 <= 14), [5,15) fired and kept');
    // t=6 belongs to [0,10) (purged) and [5,15) (fired, within lateness): counted in the second only.
    assert.equal(h.add('a', 6, 14), true);
    assert.deepEqual(h.refired, ['a[5,15):6,7']);
    assert.equal(h.add('a', 4, 14), false, '[-5,5) and [0,10) are both past their lateness');
    assert.deepEqual(h.advance(19).freed, [5]);
  });
});

describe('session windows', () => {
  const session = (gapMs: number, allowedLatenessMs = 0, store: WindowStateStore<number[]> = new InMemoryWindowStore()) =>
    createWindowOperator({ sizeMs: gapMs, allowedLatenessMs, assigner: { type: 'session', gapMs } }, list, store);

  test('events within the gap make one session; touching windows merge (inclusive); keys are apart', () => {
    const h = harness(session(10));
    h.add('a', 0, -Infinity);
    h.add('a', 10, -Infinity); // [10,20) touches [0,10): one session
    h.add('b', 5, -Infinity);
    h.add('a', 31, -Infinity); // 31 > 20: a new session
    assert.deepEqual(h.advance(100).fired, ['b[5,15):5', 'a[0,20):0,10', 'a[31,41):31']);
  });

  test('an event between two sessions merges them, accumulators and all', () => {
    const h = harness(session(10));
    h.add('a', 0, -Infinity);
    h.add('a', 25, -Infinity);
    h.add('a', 14, -Infinity); // [14,24) touches [0,10)? no (10 < 14); overlaps [25,35)? 24 >= 25 no
    h.add('a', 12, -Infinity); // [12,22) joins [0,10)? 10 >= 12 no... joins [14,24): yes
    h.add('a', 9, -Infinity); // [9,19) joins [0,10) and [12,24): all three merge
    assert.deepEqual(h.advance(100).fired, ['a[0,24):0,9,12,14', 'a[25,35):25']);
  });

  test('far behind the watermark, an event still counts when it joins a live session, as in Flink', () => {
    const h = harness(session(10));
    h.add('a', 100, -Infinity);
    h.add('a', 108, -Infinity);
    assert.deepEqual(h.advance(110).fired, [], 'the session [100,118) ends at 117');
    assert.equal(h.add('a', 95, 110), true, '[95,105) alone would be late (104 <= 110), but it joins [100,118)');
    assert.equal(h.add('b', 95, 110), false, 'key b has no live session: late');
    assert.equal(h.add('a', 80, 110), false, '[80,90) touches nothing live: late');
    assert.deepEqual(h.advance(117).fired, ['a[95,118):95,100,108']);
  });

  test('within the allowed lateness a merge re-fires the session at once; after it the session is purged', () => {
    const h = harness(session(10, 20));
    h.add('a', 0, -Infinity);
    assert.deepEqual(h.advance(15).fired, ['a[0,10):0']);
    assert.equal(h.add('a', 3, 15), true);
    assert.deepEqual(
      h.refired,
      ['a[0,13):0,3'],
      '[3,13) joins [0,10): the merged window has passed the watermark, so it fires again at once',
    );
    assert.equal(h.add('a', 14, 15), true, '[14,24) touches nothing live ([0,13) ends before it): a session of its own, not fired yet');
    assert.equal(h.add('a', 9, 15), true, 'bridges [0,13) and [14,24): [0,24), whose end has not passed');
    assert.deepEqual(h.refired, ['a[0,13):0,3']);
    assert.deepEqual(h.advance(23).fired, ['a[0,24):0,3,9,14']);
    assert.deepEqual(h.advance(42).freed, [], 'end - 1 + lateness = 43');
    assert.deepEqual(h.advance(43), { fired: [], freed: [0] });
    assert.equal(h.add('a', 5, 43), false);
  });

  test('expiring a window start (state TTL) fires what has not fired and forgets those sessions', () => {
    const op = session(10);
    const h = harness(op);
    h.add('a', 0, -Infinity);
    h.add('b', 0, -Infinity);
    h.add('b', 30, -Infinity);
    const fired: string[] = [];
    op.expireWindow(0, (f) => fired.push(f.result));
    assert.deepEqual(fired.sort(), ['a[0,10):0', 'b[0,10):0']);
    assert.deepEqual(h.advance(100).fired, ['b[30,40):30']);
  });

  test('sessions come back from the store (LMDB) with their ends, fired flags and timers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-sessions-'));
    const groups = Array.from({ length: KEY_GROUPS }, (_, i) => i);
    const open = () =>
      new LmdbWindowStore<number[]>({ path: dir, keyGroups: groups, keyGroupOf: (k) => keyGroupOf(k), writeBufferEntries: 1000 });
    try {
      const store = open();
      const h = harness(session(10, 5, store));
      for (const [k, t] of [
        ['a', 0],
        ['a', 8],
        ['b', 3],
        ['c', 40],
        ['a', 4],
      ] as const)
        h.add(k, t, -Infinity);
      assert.deepEqual(h.advance(17).fired, ['b[3,13):3', 'a[0,18):0,4,8']);
      store.barrier(1);
      await store.close();

      const reopened = open();
      assert.deepEqual([...reopened.allEntries()].map(([s, k, e]) => [s, k, e.end, e.fired]).sort(), [
        [0, 'a', 18, true],
        [40, 'c', 50, false],
      ]);
      const again = harness(session(10, 5, reopened));
      assert.equal(
        again.add('a', 12, 17),
        true,
        'joins the restored session [0,18), which had fired: [0,22) ends later, so it fires again then',
      );
      assert.deepEqual(again.refired, []);
      assert.equal(again.add('a', 2, 17), true);
      assert.deepEqual(again.advance(100).fired, ['a[0,22):0,2,4,8,12', 'c[40,50):40']);
      assert.equal(reopened.size, 0);
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('LMDB store: deleting one entry', () => {
  test('buffered and committed deletes, re-puts, counts, allEntries, and rollbacks to a barrier', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-store-delete-'));
    const groups = Array.from({ length: KEY_GROUPS }, (_, i) => i);
    try {
      for (const buffer of [1, 1000]) {
        const store = new LmdbWindowStore<number>({
          path: join(dir, String(buffer)),
          keyGroups: groups,
          keyGroupOf: (k) => keyGroupOf(k),
          clear: true,
          writeBufferEntries: buffer,
        });
        const entry = (n: number) => ({ accumulator: n, fired: false, end: n });
        store.put(0, 'a', entry(1));
        store.put(0, 'b', entry(2));
        store.put(5, 'a', entry(3));
        store.endStep();
        store.barrier(1);
        store.delete(0, 'a');
        store.delete(0, 'a');
        store.delete(9, 'nobody');
        assert.equal(store.get(0, 'a'), undefined);
        assert.deepEqual(
          [...store.entries(0)].map(([k]) => k),
          ['b'],
        );
        assert.equal(store.size, 2);
        store.endStep();
        store.put(0, 'a', entry(4));
        store.delete(5, 'a');
        assert.equal(store.size, 2);
        assert.deepEqual([...store.windowStarts()].sort(), [0]);
        store.endStep();
        assert.deepEqual([...store.allEntries()].map(([s, k, e]) => `${s}/${k}/${e.accumulator}`).sort(), ['0/a/4', '0/b/2']);
        store.barrier(2);
        store.delete(0, 'b');
        store.endStep();
        store.commit();
        assert.deepEqual(
          [...store.allEntries()].map(([s, k]) => `${s}/${k}`),
          ['0/a'],
        );
        store.rollbackTo(2);
        assert.deepEqual([...store.allEntries()].map(([s, k, e]) => `${s}/${k}/${e.accumulator}`).sort(), ['0/a/4', '0/b/2']);
        store.rollbackTo(1);
        assert.deepEqual([...store.allEntries()].map(([s, k, e]) => `${s}/${k}/${e.accumulator}`).sort(), ['0/a/1', '0/b/2', '5/a/3']);
        assert.equal(store.size, 3);
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
