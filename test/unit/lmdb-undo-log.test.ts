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
const openStore = (path: string, clear: boolean) => new LmdbWindowStore<number>({ path, keyGroups: groups, keyGroupOf: (k) => keyGroupOf(k), clear });

/** The store's content as a plain map `${windowStart}/${key}` -> value. */
function snapshot(store: LmdbWindowStore<number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const start of store.windowStarts()) for (const [key, entry] of store.entries(start)) out.set(`${start}/${key}`, entry.accumulator);
  return out;
}

const opArb = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), start: fc.integer({ min: 0, max: 3 }), key: fc.constantFrom('a', 'b', 'c', 'd', 'e'), value: fc.integer({ min: 0, max: 99 }) }),
  fc.record({ kind: fc.constant('deleteWindow' as const), start: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant('commit' as const) }),
  fc.record({ kind: fc.constant('barrier' as const) }),
);

test('rolling back to any barrier restores exactly the state at that barrier', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 60 }), fc.nat(), async (ops, pick) => {
      const path = join(root, `prop-${n++}`);
      const store = openStore(path, true);
      const atBarrier = new Map<number, Map<string, number>>();
      let epoch = 0;
      for (const op of ops) {
        if (op.kind === 'put') store.put(op.start * 60_000, op.key, { accumulator: op.value, fired: false });
        else if (op.kind === 'deleteWindow') store.deleteWindow(op.start * 60_000);
        else if (op.kind === 'commit') store.commit();
        else {
          epoch++;
          store.barrier(epoch);
          atBarrier.set(epoch, snapshot(store));
        }
      }
      store.commit();
      if (atBarrier.size > 0) {
        const target = [...atBarrier.keys()][pick % atBarrier.size] as number;
        // A crash: reopen from disk, then roll back.
        await store.close();
        const reopened = openStore(path, false);
        reopened.rollbackTo(target);
        assert.deepEqual(snapshot(reopened), atBarrier.get(target));
        await reopened.close();
      } else {
        await store.close();
      }
    }),
    { numRuns: 60 },
  );
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
