import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ErrorCode, SluiceError } from '../../src/errors.js';
import { CHECKPOINT_FORMAT_VERSION, CheckpointStore, type CheckpointRecord } from '../../src/state/checkpoints/checkpoint-store.js';
import { canonicalJson } from '../../src/state/digest.js';

function record(id: number): CheckpointRecord {
  return {
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    id,
    kind: 'periodic',
    createdAt: 1_000 + id,
    triggeredAt: 900 + id,
    workers: 2,
    keyGroups: 128,
    source: { topic: 'clicks', groupId: 'sluice' },
    placement: {
      offsets: { '0': 10 * id, '1': 5 * id },
      maxTimestamps: { '0': 1000 * id, '1': null },
      watermark: 990 * id,
      stageWatermark: 990 * id,
    },
    changed: { '0': id, '1': 2 * id },
  };
}

async function withStore(fn: (dir: string, store: CheckpointStore) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-ckpt-'));
  const store = new CheckpointStore(dir);
  try {
    await fn(dir, store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('CheckpointStore', () => {
  test('canonical JSON does not depend on key order', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } }),
      canonicalJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }),
    );
  });

  test('writes are read back verified; only the newest `retained` are kept (two at least); durable across reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-ckpt-'));
    try {
      const store = new CheckpointStore(dir);
      assert.deepEqual(store.stored(), []);
      for (const id of [1, 2, 3, 4, 5]) {
        const { oldestRetainedId } = await store.write(record(id), 3);
        assert.equal(oldestRetainedId, Math.max(1, id - 2));
      }
      assert.deepEqual(store.ids(), [3, 4, 5]);
      assert.deepEqual(
        store.stored(),
        [3, 4, 5].map((id) => ({ id, record: record(id) })),
      );
      await store.close();
      const again = new CheckpointStore(dir);
      assert.deepEqual(again.read(5), record(5));
      await again.write(record(6), 1);
      assert.deepEqual(again.ids(), [5, 6], 'retained=1 still keeps the previous record: the restore point until 6 commits');
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a damaged record is reported as such, never read as valid', async () => {
    await withStore(async (_dir, store) => {
      for (const id of [1, 2, 3]) await store.write(record(id), 3);
      await store.corruptForTest(3);
      const stored = store.stored();
      assert.deepEqual(
        stored.slice(0, 2),
        [1, 2].map((id) => ({ id, record: record(id) })),
      );
      const damaged = stored[2];
      assert.ok(
        damaged && 'error' in damaged && damaged.error instanceof SluiceError && damaged.error.code === ErrorCode.CHECKPOINT_CORRUPT,
      );
      assert.throws(() => store.read(3), /checkpoint 3 .* is damaged/);
    });
  });

  test('dropAfter removes checkpoints newer than the one restored', async () => {
    await withStore(async (_dir, store) => {
      for (const id of [1, 2, 3]) await store.write(record(id), 5);
      await store.dropAfter(1);
      assert.deepEqual(store.ids(), [1]);
    });
  });
});
