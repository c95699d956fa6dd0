import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ErrorCode, SluiceError } from '../../src/errors.js';
import { canonicalJson, CHECKPOINT_FORMAT_VERSION, CheckpointStore, type CheckpointRecord } from '../../src/state/checkpoints/checkpoint-store.js';

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
    placement: { offsets: { '0': 10 * id, '1': 5 * id }, maxTimestamps: { '0': 1000 * id, '1': null }, watermark: 990 * id, stageWatermark: 990 * id },
    changed: { '0': id, '1': 2 * id },
  };
}

function collectingLogger() {
  const warnings: Array<{ obj: object; msg: string }> = [];
  return { warnings, warn: (obj: object, msg: string) => warnings.push({ obj, msg }) };
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
    assert.equal(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } }), canonicalJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }));
  });

  test('writes are read back verified; the latest wins; only the newest `retained` are kept; durable across reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-ckpt-'));
    try {
      const store = new CheckpointStore(dir);
      assert.deepEqual(store.latest('fallback', collectingLogger()), { record: undefined, newestId: 0 });
      for (const id of [1, 2, 3, 4, 5]) {
        const { oldestRetainedId } = await store.write(record(id), 3);
        assert.equal(oldestRetainedId, Math.max(1, id - 2));
      }
      assert.deepEqual(store.ids(), [3, 4, 5]);
      assert.deepEqual(store.latest('fallback', collectingLogger()), { record: record(5), newestId: 5 });
      await store.close();
      const again = new CheckpointStore(dir);
      assert.deepEqual(again.latest('fail', collectingLogger()).record, record(5));
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a damaged latest checkpoint: fallback warns naming it and restores the previous one; fail stops with CHECKPOINT_CORRUPT', async () => {
    await withStore(async (_dir, store) => {
      for (const id of [1, 2, 3]) await store.write(record(id), 3);
      await store.corruptForTest(3);
      const logger = collectingLogger();
      const { record: restored, newestId } = store.latest('fallback', logger);
      assert.equal(restored?.id, 2);
      assert.equal(newestId, 3, 'ids never repeat: the next checkpoint is 4');
      assert.equal(logger.warnings.length, 1);
      assert.match(logger.warnings[0]?.msg ?? '', /checkpoint 3 is damaged/);
      assert.throws(
        () => store.latest('fail', collectingLogger()),
        (err: unknown) => err instanceof SluiceError && err.code === ErrorCode.CHECKPOINT_CORRUPT && /checkpoint 3/.test(err.message) && /SLUICE_CHECKPOINT_ON_CORRUPT/.test(err.message),
      );
      await store.corruptForTest(2);
      await store.corruptForTest(1);
      assert.equal(store.latest('fallback', collectingLogger()).record, undefined, 'nothing verifies: no checkpoint');
    });
  });

  test('a record whose Kafka transaction did not commit is passed over: the newest one the group confirms is restored; two are always kept', async () => {
    await withStore(async (_dir, store) => {
      for (const id of [1, 2, 3]) await store.write({ ...record(id), sideOutputsTxn: true }, 1);
      assert.deepEqual(store.ids(), [2, 3], 'retained=1 still keeps the previous record: it is the restore point until 3 commits');
      const logger = collectingLogger();
      const committed = 2;
      const restorable = (r: CheckpointRecord) => !r.sideOutputsTxn || r.id <= committed;
      const { record: chosen, newestId } = store.latest('fallback', logger, restorable);
      assert.equal(chosen?.id, 2);
      assert.equal(newestId, 3, 'ids never repeat: the next checkpoint is above 3');
      assert.match(logger.warnings[0]?.msg ?? '', /checkpoint 3 was recorded but its Kafka transaction never committed/);
      assert.equal(store.latest('fallback', collectingLogger(), (r) => r.id <= 0).record, undefined, 'none confirmed: start from empty state');
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
