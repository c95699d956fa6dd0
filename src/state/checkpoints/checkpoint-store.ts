/**
 * Completed checkpoints on disk: an LMDB environment at `${SLUICE_STATE_DIR}/checkpoints`, database
 * `checkpoints`, key = checkpoint id, value = `{ json, sha256 }` where `json` is the canonical JSON
 * (keys sorted) of the CheckpointRecord and `sha256` its hex digest. A record is written with a
 * synchronous, flushed commit: once `write` resolves, the checkpoint is complete.
 *
 * The window state itself is not copied here: each worker's LMDB environment keeps undo logs from
 * the oldest retained checkpoint on (`LmdbWindowStore`), so a record is small (placement and sizes)
 * and restoring checkpoint n is `rollbackTo(n)` in every worker.
 */
import { mkdirSync } from 'node:fs';
import { open, type Database, type RootDatabase } from 'lmdb';
import { ErrorCode, SluiceError } from '../../errors.js';
import { canonicalJson, sha256 } from '../digest.js';
import type { CheckpointKind } from './checkpoint-coordinator.js';
import type { PipelinePlacement } from '../../streams/runtime/pipeline.js';
import type { JobDescriptor } from '../../job/definition.js';

export const CHECKPOINT_FORMAT_VERSION = 1;

export interface CheckpointRecord {
  formatVersion: number;
  id: number;
  kind: CheckpointKind;
  /** Wall-clock time the checkpoint was recorded. */
  createdAt: number;
  triggeredAt: number;
  /** SLUICE_WORKERS when it was taken: a checkpoint restores into the same count only (rescale through a savepoint). */
  workers: number;
  keyGroups: number;
  /** The input it belongs to: a state directory holds the checkpoints of one job. */
  source: { topic: string; groupId: string };
  /** Where barrier `id` entered the input: offsets and watermark clocks. */
  placement: PipelinePlacement;
  /** worker index -> entries changed since the previous barrier (the incremental size). */
  changed: Record<string, number>;
  /** The job definition it was taken with (records since job files): a restore checks it part by part. */
  definition?: JobDescriptor;
  /**
   * Set when the checkpoint's side outputs and offsets commit in a Kafka transaction after this
   * record is written: the record counts only if the job's group says that transaction committed
   * (see `latest`'s `restorable`). Absent: complete once written (savepoint imports, older records).
   */
  sideOutputsTxn?: boolean;
}

interface StoredRecord {
  json: string;
  sha256: string;
}

export type StoredCheckpoint = { id: number; record: CheckpointRecord } | { id: number; error: Error };

export class CheckpointStore {
  private readonly env: RootDatabase;
  private readonly db: Database<StoredRecord, number>;
  private readonly path: string;

  constructor(stateDir: string) {
    const path = `${stateDir}/checkpoints`;
    this.path = path;
    mkdirSync(path, { recursive: true });
    this.env = open({ path, mapSize: 256 * 1024 ** 2 });
    this.db = this.env.openDB<StoredRecord, number>({ name: 'checkpoints' });
  }

  /** Record a completed checkpoint durably (synchronous commit, flushed), then keep the newest `retained`. */
  async write(record: CheckpointRecord, retained: number): Promise<{ oldestRetainedId: number; bytes: number }> {
    const json = canonicalJson(record);
    await this.db.put(record.id, { json, sha256: sha256(json) });
    await this.env.flushed;
    const ids = this.ids();
    // Two at least: until this record's transaction commits, the previous one is the restore point.
    const keep = ids.slice(-Math.max(2, retained));
    const drop = ids.slice(0, ids.length - keep.length);
    if (drop.length > 0) {
      await this.env.transaction(() => {
        for (const id of drop) this.db.remove(id);
      });
    }
    return { oldestRetainedId: keep[0] ?? record.id, bytes: Buffer.byteLength(json) };
  }

  /** Ids of the records held, oldest first. */
  ids(): number[] {
    return [...this.db.getKeys()].sort((a, b) => a - b);
  }

  /** The record `id` if its checksum verifies; `undefined` if absent; throws CHECKPOINT_CORRUPT if damaged. */
  read(id: number): CheckpointRecord | undefined {
    const stored = this.db.get(id);
    if (stored === undefined) return undefined;
    if (typeof stored?.json !== 'string' || sha256(stored.json) !== stored.sha256) {
      throw new SluiceError(ErrorCode.CHECKPOINT_CORRUPT, `checkpoint ${id} in ${this.path} is damaged: its checksum does not verify`, {
        details: { checkpointId: id },
      });
    }
    const record = JSON.parse(stored.json) as CheckpointRecord;
    if (record.formatVersion !== CHECKPOINT_FORMAT_VERSION || record.id !== id) {
      throw new SluiceError(
        ErrorCode.CHECKPOINT_CORRUPT,
        `checkpoint ${id} has format version ${record.formatVersion} (this sluice reads ${CHECKPOINT_FORMAT_VERSION})`,
        {
          details: { checkpointId: id },
        },
      );
    }
    return record;
  }

  /** Every record held, each read and verified, or the error reading it raised (for planRestore). */
  stored(): StoredCheckpoint[] {
    return this.ids().flatMap((id): StoredCheckpoint[] => {
      try {
        const record = this.read(id);
        return record ? [{ id, record }] : [];
      } catch (err) {
        return [{ id, error: err as Error }];
      }
    });
  }

  /** Drop records newer than `id` (after restoring `id`, their undo logs are gone). */
  async dropAfter(id: number): Promise<void> {
    const drop = this.ids().filter((i) => i > id);
    if (drop.length === 0) return;
    await this.env.transaction(() => {
      for (const i of drop) this.db.remove(i);
    });
    await this.env.flushed;
  }

  /** Test helper: overwrite the stored bytes of record `id` (to simulate damage). */
  async corruptForTest(id: number): Promise<void> {
    const stored = this.db.get(id);
    if (!stored) return;
    await this.db.put(id, { json: stored.json.replace(/"createdAt":\d/, '"createdAt":9'), sha256: stored.sha256 });
    await this.env.flushed;
  }

  async close(): Promise<void> {
    await this.env.close();
  }
}
