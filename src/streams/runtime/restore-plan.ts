/**
 * Where a start of the job goes on from: a pure function of what is on disk, what Kafka says was
 * committed, and the savepoint asked for (docs/kafka-failures.md, "A checkpoint, in two phases").
 *
 * - A savepoint, when given, wins: the checkpoints on disk are dropped, and the imported state
 *   becomes a checkpoint with an id above every id seen.
 * - Otherwise the newest checkpoint that verifies and counts: a record whose side-output
 *   transaction Kafka does not confirm (`sideOutputsTxn` and id > committed) is passed over, so a
 *   crash between writing a record and committing its transaction restores the one before.
 * - A damaged record: with `fallback` a warning and the previous one; with `fail`, CHECKPOINT_CORRUPT.
 * - Checkpoints of another topic, group or worker count are refused (CHECKPOINT_INCOMPATIBLE).
 */
import { ErrorCode, SluiceError } from '../../errors.js';
import type { CheckpointRecord, StoredCheckpoint } from '../../state/checkpoints/checkpoint-store.js';
import type { VerifiedSavepoint } from '../../state/savepoints/savepoint-reader.js';
import { compareDescriptors, type JobDescriptor } from '../../job/definition.js';

export interface RestoreInputs {
  /** Every record on disk, any order. */
  stored: readonly StoredCheckpoint[];
  /** The checkpoint Kafka says the side outputs were committed up to (undefined: none recorded). */
  committed: number | undefined;
  onCorrupt: 'fallback' | 'fail';
  savepoint?: VerifiedSavepoint;
  /** `definition`: the job's now, compared with what a checkpoint recorded (when it did). */
  expect: { topic: string; groupId: string; workers: number; stateDir: string; definition?: JobDescriptor };
}

export interface RestoreNote {
  message: string;
  details: Record<string, unknown>;
}

export type RestorePlan = {
  /** Ids of records to drop before anything else runs (a savepoint replaces them; unconfirmed ones after the restored). */
  dropAfter: number | undefined;
  /** The first id new checkpoints take: above every id on disk and every id Kafka has seen. */
  firstCheckpointId: number;
  warnings: RestoreNote[];
} & (
  | { from: 'empty' }
  | { from: 'checkpoint'; record: CheckpointRecord }
  | { from: 'savepoint'; savepoint: VerifiedSavepoint; epoch: number }
);

export function planRestore(inputs: RestoreInputs): RestorePlan {
  const { stored, committed, savepoint } = inputs;
  const warnings: RestoreNote[] = [];
  const newest = Math.max(0, committed ?? 0, ...stored.map((s) => s.id));

  if (savepoint) {
    const epoch = Math.max(newest, savepoint.manifest.checkpointId) + 1;
    if (stored.length > 0) {
      warnings.push({
        message: `restoring a savepoint: it takes precedence over the ${stored.length} checkpoint(s) in ${inputs.expect.stateDir}, which are dropped`,
        details: { savepoint: savepoint.dir, droppedCheckpoints: stored.map((s) => s.id).sort((a, b) => a - b) },
      });
    }
    return { from: 'savepoint', savepoint, epoch, dropAfter: 0, firstCheckpointId: epoch + 1, warnings };
  }

  if (committed === undefined && stored.some((s) => 'record' in s && s.record.sideOutputsTxn)) {
    warnings.push({
      message: `group "${inputs.expect.groupId}" holds no committed checkpoint (its offsets expired: offsets.retention.minutes); restoring the latest recorded checkpoint, whose dead letters and late events may repeat once`,
      details: { groupId: inputs.expect.groupId },
    });
  }
  const counts = (record: CheckpointRecord) => !record.sideOutputsTxn || committed === undefined || record.id <= committed;
  for (const entry of [...stored].sort((a, b) => b.id - a.id)) {
    if ('error' in entry) {
      if (inputs.onCorrupt === 'fail') {
        throw new SluiceError(
          ErrorCode.CHECKPOINT_CORRUPT,
          `${entry.error.message}; SLUICE_CHECKPOINT_ON_CORRUPT=fail, so sluice stops (set it to fallback to restore the previous retained checkpoint instead)`,
          { cause: entry.error, details: { checkpointId: entry.id } },
        );
      }
      warnings.push({
        message: `checkpoint ${entry.id} is damaged (checksum does not verify); falling back to the previous retained checkpoint`,
        details: { checkpointId: entry.id },
      });
      continue;
    }
    if (!counts(entry.record)) {
      warnings.push({
        message: `checkpoint ${entry.id} was recorded but its Kafka transaction never committed; restoring an earlier one`,
        details: { checkpointId: entry.id, committed },
      });
      continue;
    }
    assertCompatible(entry.record, inputs.expect);
    if (entry.record.definition && inputs.expect.definition) {
      const { refusals, notes } = compareDescriptors(entry.record.definition, inputs.expect.definition, 'checkpoint');
      if (refusals.length > 0) {
        throw new SluiceError(
          ErrorCode.CHECKPOINT_INCOMPATIBLE,
          `checkpoint ${entry.record.id} in ${inputs.expect.stateDir} was taken with another job definition: ${refusals.join('; ')}; run the job it was taken with, or remove ${inputs.expect.stateDir} to start from empty state`,
          { details: { checkpointId: entry.record.id } },
        );
      }
      for (const note of notes)
        warnings.push({
          message: `restoring checkpoint ${entry.record.id} under a changed job definition: ${note}`,
          details: { checkpointId: entry.record.id },
        });
    }
    return { from: 'checkpoint', record: entry.record, dropAfter: entry.record.id, firstCheckpointId: newest + 1, warnings };
  }
  return { from: 'empty', dropAfter: stored.length > 0 ? 0 : undefined, firstCheckpointId: newest + 1, warnings };
}

function assertCompatible(record: CheckpointRecord, expect: RestoreInputs['expect']): void {
  if (record.source?.topic !== expect.topic || record.source?.groupId !== expect.groupId) {
    throw new SluiceError(
      ErrorCode.CHECKPOINT_INCOMPATIBLE,
      `checkpoint ${record.id} in ${expect.stateDir} belongs to topic "${record.source?.topic}" (group "${record.source?.groupId}"), not to topic "${expect.topic}" (group "${expect.groupId}"); give each job its own SLUICE_STATE_DIR, or remove ${expect.stateDir} to start from empty state`,
      { details: { checkpointId: record.id } },
    );
  }
  if (record.workers !== expect.workers) {
    throw new SluiceError(
      ErrorCode.CHECKPOINT_INCOMPATIBLE,
      `checkpoint ${record.id} in ${expect.stateDir} was taken with SLUICE_WORKERS=${record.workers}, but SLUICE_WORKERS is ${expect.workers}; run with SLUICE_WORKERS=${record.workers}, or rescale through a savepoint: \`sluice stop --savepoint\`, then \`sluice run --from-savepoint PATH\` with the new SLUICE_WORKERS`,
      { details: { checkpointId: record.id, checkpointWorkers: record.workers, workers: expect.workers } },
    );
  }
}
