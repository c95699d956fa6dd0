import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assignmentTable, KEY_GROUPS, keyGroupOf, keyGroupsOfWorker, stableHash, workerOfKeyGroup } from '../../src/actors/key-groups.js';

describe('key groups', () => {
  test('the hash is stable across runs (fixed values)', () => {
    // Pinned: a change here would move every key of an existing state directory.
    assert.equal(stableHash(''), 2_872_998_923);
    assert.equal(stableHash('user-1'), 2_005_895_916);
    assert.equal(keyGroupOf('user-1'), 108);
    assert.equal(keyGroupOf('user-1'), keyGroupOf('user-1'));
  });

  test('keys spread evenly over key groups', () => {
    const counts = new Array<number>(KEY_GROUPS).fill(0);
    for (let i = 0; i < 128_000; i++) counts[keyGroupOf(`user-${i}`)]! += 1;
    assert.ok(Math.min(...counts) > 800 && Math.max(...counts) < 1200, `${Math.min(...counts)}..${Math.max(...counts)}`);
  });

  test('every key group has exactly one worker, in contiguous balanced ranges, for any worker count', () => {
    for (const workers of [1, 2, 3, 4, 7, 128]) {
      const table = assignmentTable(workers);
      const all = Array.from({ length: workers }, (_, w) => keyGroupsOfWorker(w, workers));
      assert.equal(all.flat().length, KEY_GROUPS);
      for (const [w, groups] of all.entries()) {
        assert.ok(groups.length >= Math.floor(KEY_GROUPS / workers) && groups.length <= Math.ceil(KEY_GROUPS / workers));
        for (const g of groups) assert.equal(table[g], w);
        assert.equal((groups.at(-1) ?? 0) - (groups[0] ?? 0) + 1, groups.length, 'contiguous');
      }
      assert.equal(workerOfKeyGroup(0, workers), 0);
      assert.equal(workerOfKeyGroup(KEY_GROUPS - 1, workers), workers - 1);
    }
  });
});
