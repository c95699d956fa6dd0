import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { keyGroupOf } from '../../src/actors/key-groups.js';
import { WorkerKeyedStage } from '../../src/actors/worker-stage.js';
import type { ClickCountAccumulator, ClickCountResult } from '../../src/job/clickstream.js';
import { DISK_UPDATE_WEIGHT, LmdbWindowStore } from '../../src/state/lmdb-window-store.js';
import type { KeyedEvent } from '../../src/streams/operators/keyed-stage.js';
import type { ClickEvent } from '../../src/streams/operators/records.js';
import { silentLogger } from '../../src/telemetry/logging.js';

const root = mkdtempSync(join(tmpdir(), 'sluice-lmdb-'));
after(() => rmSync(root, { recursive: true, force: true }));
const allGroups = Array.from({ length: 128 }, (_, g) => g);
const acc = (count: number): ClickCountAccumulator => ({ count, byEventType: new Map([['view', count]]) });
/** A fresh store at `name` holding every key group, with `options` (the write buffer and its budget). */
const freshStore = (name: string, options: Partial<ConstructorParameters<typeof LmdbWindowStore>[0]> = {}) =>
  new LmdbWindowStore<ClickCountAccumulator>({
    path: join(root, name),
    keyGroups: allGroups,
    keyGroupOf: (k) => keyGroupOf(k),
    clear: true,
    ...options,
  });

describe('LmdbWindowStore', () => {
  test('buffered writes are visible before and after commit; windows delete as a whole', async () => {
    const path = join(root, 'basic');
    const store = new LmdbWindowStore<ClickCountAccumulator>({ path, keyGroups: allGroups, keyGroupOf: (k) => keyGroupOf(k), clear: true });
    store.put(0, 'a', { accumulator: acc(1), fired: false });
    store.put(0, 'b', { accumulator: acc(2), fired: false });
    store.put(60_000, 'a', { accumulator: acc(3), fired: false });
    assert.equal(store.get(0, 'b')?.accumulator.count, 2, 'visible before commit');
    store.commit();
    assert.equal(store.get(0, 'b')?.accumulator.count, 2, 'and after');
    assert.equal(store.get(0, 'b')?.accumulator.byEventType.get('view'), 2, 'Maps survive encoding');
    assert.deepEqual([...store.windowStarts()].sort(), [0, 60_000]);
    assert.deepEqual(new Set([...store.entries(0)].map(([k]) => k)), new Set(['a', 'b']));
    assert.equal(store.size, 3);
    store.deleteWindow(0);
    assert.equal(store.get(0, 'a'), undefined, 'deleted before commit');
    store.commit();
    assert.equal(store.size, 1);
    assert.deepEqual([...store.entries(0)], []);
    await store.close();

    const reopened = new LmdbWindowStore<ClickCountAccumulator>({ path, keyGroups: allGroups, keyGroupOf: (k) => keyGroupOf(k) });
    assert.deepEqual([...reopened.windowStarts()], [60_000], 'the window index is rebuilt from disk');
    assert.equal(reopened.get(60_000, 'a')?.accumulator.count, 3);
    await reopened.close();
  });

  test('endStep commits early once the buffer would cost a barrier more than its budget: an entry on disk weighs DISK_UPDATE_WEIGHT new ones', async () => {
    const store = freshStore('disk-updates', { writeBufferEntries: 100, commitBudget: 14, commitBudgetAgeMs: 0 });
    assert.equal(DISK_UPDATE_WEIGHT, 6, 'the weights below assume 6');
    for (const k of ['a', 'b', 'c', 'd']) store.put(0, k, { accumulator: acc(1), fired: false });
    store.endStep();
    assert.equal(store.buffered, 4, 'four new entries cost 4, under the budget of 14: they wait');
    store.barrier(1);
    assert.equal(store.buffered, 0, 'a barrier commits');
    for (const k of ['a', 'b']) store.put(0, k, { ...(store.get(0, k) as NonNullable<ReturnType<typeof store.get>>), accumulator: acc(2) });
    store.put(0, 'a', { accumulator: acc(3), fired: false });
    store.put(60_000, 'e', { accumulator: acc(1), fired: false });
    store.endStep();
    assert.equal(store.buffered, 3, 'two entries on disk changed (one twice) and one new: 2 x 6 + 1 = 13, under the budget');
    store.delete(0, 'c');
    store.endStep();
    assert.equal(store.buffered, 0, 'a third entry on disk changed (deleted): 19, committed');
    assert.equal(store.get(0, 'a')?.accumulator.count, 3);
    assert.equal(store.get(0, 'c'), undefined);
    // Rolling back to the barrier undoes the early commit's changes.
    store.rollbackTo(1);
    assert.deepEqual(
      new Map([...store.entries(0)].map(([k, e]) => [k, e.accumulator.count])),
      new Map([
        ['a', 1],
        ['b', 1],
        ['c', 1],
        ['d', 1],
      ]),
    );
    assert.equal(store.get(60_000, 'e'), undefined);
    // New entries alone: committed once fourteen are buffered, long before the write buffer's 100.
    for (let i = 0; i < 13; i++) store.put(120_000, `n${i}`, { accumulator: acc(1), fired: false });
    store.endStep();
    assert.equal(store.buffered, 13, 'thirteen new entries: under the budget');
    store.put(120_000, 'n13', { accumulator: acc(1), fired: false });
    store.endStep();
    assert.equal(store.buffered, 0, 'the fourteenth reaches the budget: committed');
    assert.equal([...store.entries(120_000)].length, 14);
    await store.close();
  });

  test('over its budget, the buffer is committed only once a window in it is old enough: windows that open and fire quickly stay off LMDB', async () => {
    let now = 0;
    const store = freshStore('budget-age', { writeBufferEntries: 100, commitBudget: 3, commitBudgetAgeMs: 1_000, now: () => now });
    for (const k of ['a', 'b', 'c']) store.put(0, k, { accumulator: acc(1), fired: false });
    now = 999;
    store.endStep();
    assert.equal(store.buffered, 3, 'over the budget, but its window has been buffered 999 ms: kept');
    store.deleteWindow(0); // it fired and was purged: it never reached LMDB
    for (const k of ['a', 'b', 'c']) store.put(60_000, k, { accumulator: acc(1), fired: false });
    now = 1_998;
    store.endStep();
    assert.equal(store.buffered, 3, 'the next window, 999 ms old');
    now = 1_999;
    store.endStep();
    assert.equal(store.buffered, 0, 'once 1,000 ms old: committed');
    assert.deepEqual([...store.windowStarts()], [60_000], 'the purged window left nothing on disk');
    // A window that stays open (a million keys loading into it): its next writes go at the budget,
    // its age counts from its first write, not from the last commit.
    for (const k of ['d', 'e']) store.put(60_000, k, { accumulator: acc(1), fired: false });
    store.endStep();
    assert.equal(store.buffered, 2, 'under the budget');
    store.put(60_000, 'f', { accumulator: acc(1), fired: false });
    store.endStep();
    assert.equal(store.buffered, 0, 'at the budget, the old window is committed at once');
    await store.close();
  });

  test('with a budget in milliseconds, a store whose commits prove cheap keeps its hot entries buffered instead of rewriting them', async () => {
    // A clock that never moves: every commit measures as instant (the cheapest a unit can be).
    const store = freshStore('budget-ms', { writeBufferEntries: 1_000_000, commitBudgetMs: 10, commitBudgetAgeMs: 0, now: () => 0 });
    const keys = Array.from({ length: 1_000 }, (_, i) => `user-${i}`);
    const touchAll = (count: number) => {
      for (const k of keys) store.put(0, k, { accumulator: acc(count), fired: false });
      store.endStep();
    };
    touchAll(1);
    assert.equal(store.buffered, 0, 'at first a unit is assumed to cost 10 µs: 1,000 new entries fill a 10 ms budget');
    let earlyCommits = 0;
    for (let round = 2; round <= 12; round++) {
      touchAll(round);
      if (store.buffered === 0) earlyCommits++;
    }
    assert.ok(earlyCommits >= 1, 'updating 1,000 entries on disk (6,000 units) commits early while the estimate is high');
    assert.equal(store.buffered, 1_000, 'once commits measured cheap, the same 1,000 hot entries stay buffered');
    assert.equal(store.get(0, 'user-7')?.accumulator.count, 12);
    store.barrier(1);
    assert.equal(store.buffered, 0, 'a barrier still commits everything');
    await store.close();
  });

  test('committed entries stay in memory up to cacheEntries, whole windows only; a rollback or a reopen reads LMDB again', async () => {
    const path = join(root, 'cache');
    const store = freshStore('cache', { writeBufferEntries: 1_000, cacheEntries: 3 });
    const entry = (count: number) => ({ accumulator: acc(count), fired: false });
    const [a, b, c, d] = [entry(1), entry(2), entry(3), entry(4)];
    store.put(0, 'a', a);
    store.put(0, 'b', b);
    store.commit();
    // LMDB decodes a new object at every read: the same object is the one kept in memory.
    assert.equal(store.get(0, 'a'), a, 'a committed entry is read from memory');
    assert.deepEqual(new Set([...store.entries(0)].map(([, e]) => e)), new Set([a, b]), 'and a window fires from memory');
    store.put(60_000, 'c', c);
    store.put(60_000, 'd', d);
    store.commit();
    const outgrown = store.get(60_000, 'c');
    assert.notEqual(outgrown, c, 'the window that passed the bound is read from LMDB');
    assert.equal(outgrown?.accumulator.count, 3);
    assert.equal(store.get(0, 'a'), a, 'the others stay in memory');
    store.delete(0, 'b');
    store.commit();
    assert.equal(store.get(0, 'b'), undefined, 'a deleted entry leaves the memory too');
    assert.deepEqual(
      [...store.entries(0)].map(([key]) => key),
      ['a'],
    );

    store.barrier(1);
    store.put(0, 'a', { accumulator: acc(10), fired: false });
    store.commit();
    assert.equal(store.get(0, 'a')?.accumulator.count, 10);
    store.rollbackTo(1);
    assert.equal(store.get(0, 'a')?.accumulator.count, 1, 'the rollback is read, not what memory held');
    assert.notEqual(store.get(0, 'a'), a);
    await store.close();

    const reopened = new LmdbWindowStore<ClickCountAccumulator>({
      path,
      keyGroups: allGroups,
      keyGroupOf: (k) => keyGroupOf(k),
      cacheEntries: 100,
    });
    const e = entry(5);
    reopened.put(0, 'e', e);
    reopened.commit();
    assert.notEqual(reopened.get(0, 'e'), e, 'a window found on disk at the open is never cached in part');
    assert.deepEqual([...reopened.entries(0)].map(([key, entry]) => [key, entry.accumulator.count]).sort(), [
      ['a', 1],
      ['e', 5],
    ]);
    await reopened.close();
  });

  test('a store only sees its own key groups', async () => {
    const path = join(root, 'groups');
    const key = 'user-1';
    const mine = keyGroupOf(key);
    const store = new LmdbWindowStore<ClickCountAccumulator>({ path, keyGroups: [mine], keyGroupOf: (k) => keyGroupOf(k), clear: true });
    store.put(0, key, { accumulator: acc(1), fired: false });
    store.commit();
    await store.close();
    const other = new LmdbWindowStore<ClickCountAccumulator>({
      path,
      keyGroups: allGroups.filter((g) => g !== mine),
      keyGroupOf: (k) => keyGroupOf(k),
    });
    assert.equal(other.size, 0);
    await other.close();
  });
});

test('a worker with a 96 MiB heap holds 1,000,000 live keys in LMDB and fires them all', { timeout: 300_000 }, async () => {
  const KEYS = 1_000_000;
  const STEP = 20_000;
  const windowStart = Date.UTC(2026, 10, 25, 9, 0, 0);
  let results = 0;
  let total = 0;
  const users = new Set<string>();
  const stateDir = join(root, 'million');
  const stage = new WorkerKeyedStage<ClickEvent, ClickCountResult>({
    workers: 1,
    job: 'clickstream',
    windows: { sizeMs: 60_000, allowedLatenessMs: 0 },
    stateDir,
    inbox: { events: 40_000, bytes: 64 << 20 },
    // Far less than the state would need as JavaScript objects (about 1,000,000 x 200+ bytes).
    maxHeapMb: 96,
    onResults: async (chunk) => {
      results += chunk.length;
      for (const r of chunk) {
        total += r.count;
        if (users.size < 1000) users.add(r.userId);
      }
    },
    onFailure: () => undefined,
    logger: silentLogger,
  });
  await stage.start();
  try {
    for (let i = 0; i < KEYS; i += STEP) {
      const events: Array<KeyedEvent<ClickEvent>> = [];
      for (let j = i; j < i + STEP; j++) {
        const userId = `live-user-${j}`;
        const timestamp = windowStart + (j % 60_000);
        events.push({ key: userId, timestamp, event: { userId, eventType: 'view', timestamp } });
      }
      await stage.process({ events, watermarkBefore: windowStart - 10_000, watermarkAfter: windowStart - 10_000, nowMs: Date.now() });
    }
    await stage.drain();
    assert.equal(stage.openWindows(), KEYS, 'every key is live at once');
    const bytesOnDisk = readdirSync(join(stateDir, 'windows', 'worker-0')).reduce(
      (n, f) => n + statSync(join(stateDir, 'windows', 'worker-0', f)).size,
      0,
    );
    assert.ok(bytesOnDisk > 50 * 1024 * 1024, `state is on disk (${bytesOnDisk} bytes)`);

    await stage.process({ events: [], watermarkBefore: windowStart - 10_000, watermarkAfter: windowStart + 60_000, nowMs: Date.now() });
    await stage.drain();
    assert.equal(results, KEYS, 'one result per key');
    assert.equal(total, KEYS, 'each counted once');
    assert.equal(stage.openWindows(), 0, 'fired windows leave no state');
  } finally {
    await stage.stop();
  }
});

test("a reopened store's window index is the disk's: each window open until its last entry of the store's key groups is deleted", async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(fc.tuple(fc.string({ maxLength: 6 }), fc.constantFrom(0, 1, 59_999, 60_000, 120_000, 1_796_385_960_000)), {
        // Dense enough that windows share key groups (a count per group would then be wrong).
        maxLength: 200,
        size: 'max',
        selector: ([key, start]) => `${key}\u0000${start}`,
      }),
      fc.integer({ min: 0, max: 127 }),
      fc.integer({ min: 1, max: 128 }),
      fc.boolean(),
      // Every window counted by LMDB, a mix, or (the default) decoded key by key.
      fc.constantFrom(1, 2, 256),
      async (entries, firstGroup, groupCount, rollBack, countedWindowEntries) => {
        const path = join(root, `reindex-${run++}`);
        const writer = freshStore(`reindex-${run - 1}`);
        for (const [key, start] of entries) writer.put(start, key, { accumulator: acc(1), fired: false });
        writer.commit();
        writer.barrier(1);
        await writer.flushed();
        await writer.close();
        // A worker's share: a contiguous range of key groups, cut at the last one.
        const groups = allGroups.slice(firstGroup, Math.min(128, firstGroup + groupCount));
        const owned = entries.filter(([key]) => groups.includes(keyGroupOf(key)));
        const store = new LmdbWindowStore<ClickCountAccumulator>({
          path,
          keyGroups: groups,
          keyGroupOf: (k) => keyGroupOf(k),
          countedWindowEntries,
        });
        // A restore reads the index again after its rollback.
        if (rollBack) store.rollbackTo(1);
        assert.equal(store.size, owned.length);
        assert.deepEqual(
          [...store.windowStarts()].sort((a, b) => a - b),
          [...new Set(owned.map(([, start]) => start))].sort((a, b) => a - b),
        );
        for (const [i, [key, start]] of owned.entries()) {
          store.delete(start, key);
          const left = owned.slice(i + 1).some(([, s]) => s === start);
          assert.equal([...store.windowStarts()].includes(start), left, `window ${start} after deleting ${JSON.stringify(key)}`);
        }
        await store.close();
        rmSync(path, { recursive: true, force: true });
      },
    ),
    { numRuns: 90 },
  );
});
