/**
 * Incremental snapshots by undo log: for any sequence of writes, window deletions and barriers,
 * rolling the live store back to barrier n gives exactly the state it had at barrier n, also after
 * a reopen (a crash), and pruning older logs keeps newer barriers restorable.
 */
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { keyGroupOf } from '../../src/actors/key-groups.js';
import { LmdbWindowStore } from '../../src/state/lmdb-window-store.js';

const root = mkdtempSync(join(tmpdir(), 'sluice-undo-'));
after(() => rmSync(root, { recursive: true, force: true }));
const groups = Array.from({ length: 128 }, (_, g) => g);
let n = 0;
const openStore = (path: string, clear: boolean, writeBufferEntries = 1, restoreFirst = false, cacheEntries = 0) =>
  new LmdbWindowStore<number>({
    path,
    keyGroups: groups,
    keyGroupOf: (k) => keyGroupOf(k),
    clear,
    writeBufferEntries,
    restoreFirst,
    cacheEntries,
  });

/** The store's content as a plain map `${windowStart}/${key}` -> value. */
function snapshot(store: LmdbWindowStore<number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const start of store.windowStarts()) for (const [key, entry] of store.entries(start)) out.set(`${start}/${key}`, entry.accumulator);
  return out;
}

const opArb = fc.oneof(
  fc.record({
    kind: fc.constant('put' as const),
    start: fc.integer({ min: 0, max: 3 }),
    key: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
    value: fc.integer({ min: 0, max: 99 }),
  }),
  fc.record({ kind: fc.constant('deleteWindow' as const), start: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant('delete' as const), start: fc.integer({ min: 0, max: 3 }), key: fc.constantFrom('a', 'b', 'c', 'd', 'e') }),
  fc.record({ kind: fc.constant('commit' as const) }),
  fc.record({ kind: fc.constant('endStep' as const) }),
  fc.record({ kind: fc.constant('barrier' as const) }),
);

test('rolling back to any barrier restores exactly the state at that barrier, whatever was still buffered', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(opArb, { minLength: 1, maxLength: 60 }),
      fc.nat(),
      fc.integer({ min: 1, max: 8 }),
      fc.boolean(),
      fc.boolean(),
      // No cache, caches that windows outgrow (a window leaves it for good), and one nothing outgrows.
      fc.constantFrom(0, 1, 3, 8, 1000),
      async (ops, pick, writeBuffer, reopen, restoreFirst, cacheEntries) => {
        const path = join(root, `prop-${n++}`);
        const store = openStore(path, true, writeBuffer, false, cacheEntries);
        const atBarrier = new Map<number, Map<string, number>>();
        // What the store must show at every moment, buffered or not.
        const model = new Map<string, number>();
        let epoch = 0;
        for (const op of ops) {
          if (op.kind === 'put') {
            store.put(op.start * 60_000, op.key, { accumulator: op.value, fired: false });
            model.set(`${op.start * 60_000}/${op.key}`, op.value);
          } else if (op.kind === 'deleteWindow') {
            store.deleteWindow(op.start * 60_000);
            for (const id of [...model.keys()]) if (id.startsWith(`${op.start * 60_000}/`)) model.delete(id);
          } else if (op.kind === 'delete') {
            store.delete(op.start * 60_000, op.key);
            model.delete(`${op.start * 60_000}/${op.key}`);
          } else if (op.kind === 'commit') store.commit();
          else if (op.kind === 'endStep') {
            store.endStep();
            assert.ok(store.buffered < writeBuffer, 'a step end commits a full write buffer');
          } else {
            epoch++;
            store.barrier(epoch);
            atBarrier.set(epoch, snapshot(store));
          }
          assert.deepEqual(snapshot(store), model, `after ${op.kind}: entries() merge the buffer and the disk`);
          assert.equal(store.size, model.size);
          for (const start of [0, 1, 2, 3]) {
            for (const key of ['a', 'b', 'c', 'd', 'e'])
              assert.equal(store.get(start * 60_000, key)?.accumulator, model.get(`${start * 60_000}/${key}`));
          }
        }
        if (atBarrier.size > 0) {
          const target = [...atBarrier.keys()][pick % atBarrier.size] as number;
          if (reopen) {
            // A restart: what was committed is on disk; reopen it (as a worker does, leaving the
            // window index to the rollback, or indexing it at the open), then roll back.
            store.commit();
            await store.close();
            const reopened = openStore(path, false, 1, restoreFirst, cacheEntries);
            reopened.rollbackTo(target);
            assert.deepEqual(snapshot(reopened), atBarrier.get(target));
            assert.equal(reopened.size, atBarrier.get(target)?.size);
            await checkAfterRestore(reopened, atBarrier.get(target) as Map<string, number>);
            await reopened.close();
          } else {
            // A crash with writes still buffered: they are dropped, the rest rolls back.
            store.rollbackTo(target);
            assert.deepEqual(snapshot(store), atBarrier.get(target));
            await checkAfterRestore(store, atBarrier.get(target) as Map<string, number>);
            await store.close();
          }
        } else {
          await store.close();
        }
      },
    ),
    { numRuns: 80 },
  );
});

/**
 * After a rollback the store goes on: writes, commits and deletes over the restored state (which a
 * cache must not hold in part) show what a model of it says, through `get` and `entries`.
 */
async function checkAfterRestore(store: LmdbWindowStore<number>, restored: Map<string, number>): Promise<void> {
  const model = new Map(restored);
  const check = (what: string) => {
    assert.deepEqual(snapshot(store), model, what);
    for (const start of [0, 1, 2, 3])
      for (const key of ['a', 'b', 'c', 'd', 'e'])
        assert.equal(store.get(start * 60_000, key)?.accumulator, model.get(`${start * 60_000}/${key}`), what);
  };
  store.put(0, 'a', { accumulator: 100, fired: false });
  model.set('0/a', 100);
  store.put(180_000, 'e', { accumulator: 101, fired: false });
  model.set('180000/e', 101);
  store.commit();
  check('after a write and a commit over the restored state');
  store.deleteWindow(60_000);
  for (const id of [...model.keys()]) if (id.startsWith('60000/')) model.delete(id);
  store.put(60_000, 'b', { accumulator: 102, fired: false });
  model.set('60000/b', 102);
  store.commit();
  check('after a window deleted and written again');
}

test('a store opened to be restored first refuses a barrier or a snapshot until its restore', async () => {
  const path = join(root, 'restore-first');
  const store = openStore(path, true);
  store.put(0, 'a', { accumulator: 1, fired: false });
  store.barrier(1);
  store.put(60_000, 'b', { accumulator: 2, fired: false });
  store.commit();
  await store.close();
  const reopened = openStore(path, false, 1, true);
  assert.throws(() => reopened.barrier(2), /a barrier before the restore of a store opened with restoreFirst/);
  assert.throws(() => reopened.snapshot(), /a snapshot before the restore/);
  reopened.rollbackTo(1);
  assert.deepEqual(snapshot(reopened), new Map([['0/a', 1]]));
  assert.equal(reopened.barrier(2), 0);
  await reopened.close();
  const cleared = openStore(path, false, 1, true);
  cleared.clearAll();
  assert.equal(cleared.barrier(1), 0, 'a clear is a restore (from empty)');
  assert.equal(cleared.size, 0);
  await cleared.close();
});

test('a barrier reports the entries changed since the previous one (the incremental size)', async () => {
  const store = openStore(join(root, 'size'), true);
  for (let i = 0; i < 1000; i++) store.put(0, `k${i}`, { accumulator: i, fired: false });
  store.commit();
  assert.equal(store.barrier(1), 0, 'before the first barrier nothing is logged');
  for (let i = 0; i < 10; i++) store.put(0, `k${i}`, { accumulator: -i, fired: false });
  store.put(0, 'k0', { accumulator: 5, fired: false });
  store.commit();
  store.put(0, 'k1', { accumulator: 6, fired: false });
  assert.equal(store.barrier(2), 10, 'ten entries changed, however often');
  await store.flushed();
  assert.equal(store.barrier(3), 0);
  await store.close();
});

test('pruning logs older than the oldest kept checkpoint keeps newer barriers restorable', async () => {
  const store = openStore(join(root, 'prune'), true);
  store.barrier(1);
  store.put(0, 'a', { accumulator: 1, fired: false });
  store.barrier(2);
  store.put(0, 'a', { accumulator: 2, fired: false });
  store.barrier(3);
  store.put(0, 'a', { accumulator: 3, fired: false });
  store.commit();
  store.pruneBefore(2);
  store.rollbackTo(2);
  assert.deepEqual(snapshot(store), new Map([['0/a', 1]]));
  await store.close();
});

test('writes still buffered at a crash are dropped; a step end commits a full buffer; a barrier commits everything', async () => {
  const store = openStore(join(root, 'buffered'), true, 3);
  store.put(0, 'a', { accumulator: 1, fired: false });
  store.barrier(1);
  store.put(0, 'b', { accumulator: 2, fired: false });
  store.put(60_000, 'c', { accumulator: 3, fired: false });
  store.endStep();
  assert.equal(store.buffered, 2, 'two writes stay buffered under a buffer of three');
  assert.equal(store.get(0, 'b')?.accumulator, 2, 'buffered writes are read through');
  store.rollbackTo(1);
  assert.deepEqual(snapshot(store), new Map([['0/a', 1]]));
  for (const key of ['x', 'y', 'z']) store.put(0, key, { accumulator: 9, fired: false });
  store.endStep();
  assert.equal(store.buffered, 0, 'a full buffer is committed at the step end');
  store.put(0, 'w', { accumulator: 7, fired: false });
  assert.equal(store.barrier(2), 4, 'the barrier committed the buffered write: four entries changed since barrier 1');
  assert.equal(store.buffered, 0);
  store.rollbackTo(2);
  assert.deepEqual(
    snapshot(store),
    new Map([
      ['0/a', 1],
      ['0/w', 7],
      ['0/x', 9],
      ['0/y', 9],
      ['0/z', 9],
    ]),
  );
  store.put(60_000, 'v', { accumulator: 1, fired: false });
  store.deleteWindow(0);
  store.endStep();
  assert.equal(store.buffered, 2, "a fired window's deletion waits in the buffer like any write");
  assert.deepEqual([...store.entries(0)], [], 'its entries on disk are no longer read');
  assert.equal(store.get(0, 'a'), undefined);
  store.rollbackTo(2);
  assert.equal(snapshot(store).get('0/a'), 1, 'a crash before the commit brings the window back with its checkpoint');
  await store.close();
});

test('a window opened, fired and deleted between two commits never reaches LMDB', async () => {
  const store = openStore(join(root, 'transient'), true, 1_000);
  store.barrier(1);
  store.put(0, 'kept', { accumulator: 1, fired: false });
  assert.equal(store.barrier(2), 1, 'the committed entry');
  for (let i = 0; i < 100; i++) store.put(60_000, `k${i}`, { accumulator: i, fired: false });
  assert.equal([...store.entries(60_000)].length, 100, 'read from the buffer');
  store.deleteWindow(60_000);
  assert.equal(store.buffered, 0, 'nothing is left to write');
  assert.equal(store.barrier(3), 0, 'no entry changed on disk: no undo entry, no write');
  assert.deepEqual(snapshot(store), new Map([['0/kept', 1]]));
  await store.close();
});

test('entries() of a window on disk and in the buffer: each key once, the buffered value winning', async () => {
  const store = openStore(join(root, 'merge'), true, 1_000);
  for (const key of ['a', 'b', 'c']) store.put(0, key, { accumulator: 1, fired: false });
  store.commit();
  store.put(0, 'b', { accumulator: 2, fired: false });
  store.put(0, 'd', { accumulator: 2, fired: false });
  const seen: string[] = [];
  for (const [key, entry] of store.entries(0)) {
    seen.push(`${key}=${entry.accumulator}`);
    // Firing marks entries while it iterates: they must not come round again.
    store.put(0, key, { accumulator: entry.accumulator, fired: true });
  }
  assert.deepEqual(seen.sort(), ['a=1', 'b=2', 'c=1', 'd=2']);
  assert.equal(store.size, 4);
  await store.close();
});
