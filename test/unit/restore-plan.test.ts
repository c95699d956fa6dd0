/**
 * Where a start goes on from (planRestore, a pure function): the newest checkpoint that verifies
 * and that Kafka confirms committed, a savepoint over everything, ids that never repeat, and
 * refusals of another job's or worker count's checkpoints.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ErrorCode, SluiceError } from '../../src/errors.js';
import { CHECKPOINT_FORMAT_VERSION, type CheckpointRecord, type StoredCheckpoint } from '../../src/state/checkpoints/checkpoint-store.js';
import type { VerifiedSavepoint } from '../../src/state/savepoints/savepoint-reader.js';
import { planRestore, type RestoreInputs } from '../../src/streams/runtime/restore-plan.js';

const expect = { topic: 'clicks', groupId: 'sluice', workers: 2, stateDir: '/var/lib/sluice' };

function record(id: number, extra: Partial<CheckpointRecord> = {}): CheckpointRecord {
  return {
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    id,
    kind: 'periodic',
    createdAt: 1_000 + id,
    triggeredAt: 900 + id,
    workers: 2,
    keyGroups: 128,
    source: { topic: 'clicks', groupId: 'sluice' },
    placement: { offsets: { '0': 10 * id }, maxTimestamps: { '0': 1000 * id }, watermark: 990 * id, stageWatermark: 990 * id },
    changed: {},
    sideOutputsTxn: true,
    ...extra,
  };
}

const ok = (r: CheckpointRecord): StoredCheckpoint => ({ id: r.id, record: r });
const damaged = (id: number): StoredCheckpoint => ({
  id,
  error: new SluiceError(ErrorCode.CHECKPOINT_CORRUPT, `checkpoint ${id} is damaged`),
});
const plan = (inputs: Partial<RestoreInputs>) =>
  planRestore({ stored: [], committed: undefined, onCorrupt: 'fallback', expect, ...inputs });

describe('planRestore', () => {
  test('nothing on disk: empty state; ids start above what Kafka has seen', () => {
    const p = plan({ committed: 41 });
    assert.equal(p.from, 'empty');
    assert.equal(p.firstCheckpointId, 42);
    assert.equal(p.dropAfter, undefined);
  });

  test('the newest confirmed checkpoint is restored; a newer one whose transaction never committed is passed over, named, and dropped', () => {
    const p = plan({ stored: [ok(record(4)), ok(record(5)), ok(record(6))], committed: 5 });
    assert.equal(p.from, 'checkpoint');
    assert.equal(p.from === 'checkpoint' && p.record.id, 5);
    assert.equal(p.dropAfter, 5);
    assert.equal(p.firstCheckpointId, 7, 'ids never repeat');
    assert.match(p.warnings[0]?.message ?? '', /checkpoint 6 was recorded but its Kafka transaction never committed/);
  });

  test('records without a transaction (a savepoint import, older versions) count as written', () => {
    const p = plan({ stored: [ok(record(3)), ok(record(9, { sideOutputsTxn: undefined, kind: 'savepoint' }))], committed: 3 });
    assert.equal(p.from === 'checkpoint' && p.record.id, 9);
  });

  test('none confirmed: empty state, every record dropped', () => {
    const p = plan({ stored: [ok(record(1)), ok(record(2))], committed: 0 });
    assert.equal(p.from, 'empty');
    assert.equal(p.dropAfter, 0);
    assert.equal(p.firstCheckpointId, 3);
  });

  test('no committed checkpoint in Kafka (expired offsets): the latest, with a warning that says what may repeat', () => {
    const p = plan({ stored: [ok(record(1)), ok(record(2))], committed: undefined });
    assert.equal(p.from === 'checkpoint' && p.record.id, 2);
    assert.match(p.warnings[0]?.message ?? '', /holds no committed checkpoint .* may repeat once/);
  });

  test('a damaged newest record: fallback warns and restores the previous; fail stops with CHECKPOINT_CORRUPT naming the variable', () => {
    const stored = [ok(record(1)), ok(record(2)), damaged(3)];
    const p = plan({ stored, committed: 3 });
    assert.equal(p.from === 'checkpoint' && p.record.id, 2);
    assert.equal(p.firstCheckpointId, 4);
    assert.match(p.warnings[0]?.message ?? '', /checkpoint 3 is damaged/);
    assert.throws(
      () => plan({ stored, committed: 3, onCorrupt: 'fail' }),
      (err: unknown) =>
        err instanceof SluiceError && err.code === ErrorCode.CHECKPOINT_CORRUPT && /SLUICE_CHECKPOINT_ON_CORRUPT=fail/.test(err.message),
    );
  });

  test("another topic's or worker count's checkpoint is refused with CHECKPOINT_INCOMPATIBLE", () => {
    assert.throws(
      () => plan({ stored: [ok(record(1, { source: { topic: 'other', groupId: 'sluice' } }))], committed: 1 }),
      (err: unknown) => err instanceof SluiceError && err.code === ErrorCode.CHECKPOINT_INCOMPATIBLE && /topic "other"/.test(err.message),
    );
    assert.throws(
      () => plan({ stored: [ok(record(1, { workers: 4 }))], committed: 1 }),
      (err: unknown) =>
        err instanceof SluiceError && err.code === ErrorCode.CHECKPOINT_INCOMPATIBLE && /SLUICE_WORKERS=4/.test(err.message),
    );
  });

  test('a savepoint wins over the checkpoints on disk, which are dropped; its state becomes a checkpoint above every id seen', () => {
    const savepoint = { dir: '/backups/sp', formatVersion: 2, manifest: { checkpointId: 30 } } as unknown as VerifiedSavepoint;
    const p = plan({ stored: [ok(record(40))], committed: 44, savepoint });
    assert.equal(p.from, 'savepoint');
    assert.equal(p.from === 'savepoint' && p.epoch, 45);
    assert.equal(p.firstCheckpointId, 46);
    assert.equal(p.dropAfter, 0);
    assert.match(p.warnings[0]?.message ?? '', /takes precedence over the 1 checkpoint/);
  });
});
