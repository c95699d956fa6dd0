/**
 * Barrier checkpoints of one start of the job (docs/checkpoints.md): the coordinator decides when a
 * checkpoint starts and when it is complete; this module connects it to the job's parts.
 *
 *   trigger ──> barrier placed in the main loop (placement = the read positions, watermark clocks)
 *           ──> every worker acks (state on disk) ──> sinks flush ──> the `sinks` participant acks
 *           ──> record written ──> side outputs + offsets committed (Kafka transaction)
 *           ──> workers may drop undo logs older than the oldest retained checkpoint
 *
 * Each checkpoint in flight is ONE record here (`InFlight`): which workers acked, its trace, and,
 * for a savepoint, where it is written and who waits for its path.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock, Scheduler } from '../../clock.js';
import { ErrorCode, SluiceError } from '../../errors.js';
import { KEY_GROUPS } from '../../actors/key-groups.js';
import type { CheckpointedSideOutputs } from '../../streams/sources/connector.js';
import type { PipelinePlacement } from '../../streams/runtime/pipeline.js';
import type { CheckpointTrace } from '../../telemetry/daemon-telemetry.js';
import type { Logger } from '../../telemetry/logging.js';
import type { JobDescriptor } from '../../job/definition.js';
import { SAVEPOINT_FORMAT_VERSION, savepointName, type SavepointFile } from '../savepoints/savepoint-format.js';
import { discardSavepoint, finishSavepoint, prepareSavepoint, type SavepointTarget } from '../savepoints/savepoint-writer.js';
import { CheckpointCoordinator, type CheckpointKind, type CompletedCheckpoint } from './checkpoint-coordinator.js';
import { CHECKPOINT_FORMAT_VERSION, type CheckpointRecord, type CheckpointStore } from './checkpoint-store.js';

/** A worker's acknowledgement of a barrier: entries changed since the previous one; a savepoint's files. */
export interface WorkerAck {
  changed: number;
  savepointFiles?: SavepointFile[];
}

export interface CheckpointingOptions {
  checkpoint: { intervalMs: number; minPauseMs: number; timeoutMs: number; tolerableFailures: number; retained: number };
  workers: number;
  firstCheckpointId: number;
  /** What checkpoint records and savepoint manifests say the state belongs to. */
  identity: { topic: string; groupId: string; job: string; windowMs: number; version: string; definition?: JobDescriptor };
  stateDir: string;
  store: CheckpointStore;
  sideOutputs: CheckpointedSideOutputs;
  /** In the main loop, between two batches: record the placement, send the barrier, seal the side outputs. */
  placeBarrier(id: number, savepoint: { dir: string } | undefined): Promise<PipelinePlacement>;
  flushSinks(): Promise<void>;
  /** Checkpoint `oldestRetainedId` is the oldest kept: workers drop older undo logs. */
  pruneBefore(oldestRetainedId: number): void;
  telemetry: { trace(id: number): CheckpointTrace; completed(durationMs: number, sizeBytes: number): void; failed(reason: string): void };
  clock: Clock;
  scheduler: Scheduler;
  logger: Logger;
  onFatal(err: SluiceError): void;
}

interface InFlight {
  id: number;
  workersAcked: Set<number>;
  trace: CheckpointTrace;
  savepoint?: { target: SavepointTarget; resolve?: (path: string) => void };
}

export class Checkpointing {
  private readonly coordinator: CheckpointCoordinator<PipelinePlacement, WorkerAck>;
  private readonly inFlight = new Map<number, InFlight>();
  /** Where the next savepoint goes and who waits for its path (set by `savepoint()`, one at a time). */
  private nextSavepoint: { parentDir: string; resolve: (path: string) => void } | undefined;
  private savepointQueue: Promise<unknown> = Promise.resolve();
  private savepointSummary: object | undefined;

  constructor(private readonly options: CheckpointingOptions) {
    const { checkpoint, workers, clock, scheduler, logger } = options;
    this.coordinator = new CheckpointCoordinator<PipelinePlacement, WorkerAck>({
      intervalMs: checkpoint.intervalMs,
      minPauseMs: checkpoint.minPauseMs,
      timeoutMs: checkpoint.timeoutMs,
      tolerableConsecutiveFailures: checkpoint.tolerableFailures,
      firstCheckpointId: options.firstCheckpointId,
      participants: [...Array.from({ length: workers }, (_, i) => `worker-${i}`), 'sinks'],
      clock,
      scheduler,
      logger,
      triggerBarrier: (id, kind) => this.trigger(id, kind),
      persist: (completed) => this.persist(completed),
      onCompleted: (completed) => this.completed(completed),
      onAborted: (failure) => {
        const entry = this.inFlight.get(failure.checkpointId);
        this.inFlight.delete(failure.checkpointId);
        if (entry?.savepoint) discardSavepoint(entry.savepoint.target);
        entry?.trace.end(failure.error);
        options.telemetry.failed(failure.reason);
        if (failure.reason !== 'ABORTED_BY_STOP')
          logger.warn({ err: failure.error, checkpointId: failure.checkpointId, reason: failure.reason }, 'checkpoint failed');
      },
      onFatal: (err) => options.onFatal(err),
    });
  }

  start(): void {
    this.coordinator.start();
  }

  stop(): Promise<void> {
    return this.coordinator.stop();
  }

  /** A checkpoint now (the side-output buffer is full, say); no-op failures. */
  requestEarly(): void {
    void this.coordinator.triggerNow().catch(() => undefined);
  }

  /** The final checkpoint of a graceful stop: no periodic one after it. */
  async final(): Promise<void> {
    await this.coordinator.triggerNow({ final: true });
    await this.coordinator.stop();
  }

  /**
   * Take a savepoint: a checkpoint whose barrier also makes every worker write its key groups into
   * `<parentDir>/savepoint-<id>-<time>`. Resolves with its path once complete. One at a time.
   */
  savepoint(parentDir = join(this.options.stateDir, 'savepoints')): Promise<string> {
    const take = async (): Promise<string> => {
      const path = new Promise<string>((resolve) => (this.nextSavepoint = { parentDir, resolve }));
      try {
        await this.coordinator.triggerNow({ savepoint: true });
      } catch (err) {
        throw new SluiceError(ErrorCode.SAVEPOINT_FAILED, `the savepoint's checkpoint failed: ${(err as Error).message}`, { cause: err });
      } finally {
        this.nextSavepoint = undefined;
      }
      return path;
    };
    const result = this.savepointQueue.then(take, take);
    this.savepointQueue = result.catch(() => undefined);
    return result;
  }

  /** Worker `worker` acked barrier `id`; once every worker has, the sinks flush and ack for `sinks`. */
  workerAcked(worker: number, id: number, changed: number, savepointFiles?: SavepointFile[]): void {
    this.coordinator.acknowledge(id, `worker-${worker}`, { changed, ...(savepointFiles ? { savepointFiles } : {}) }, changed);
    const entry = this.inFlight.get(id);
    if (!entry) return;
    entry.workersAcked.add(worker);
    if (entry.workersAcked.size < this.options.workers) return;
    // Every result before the barrier was handed to the sinks (same reply streams): flush them.
    entry.trace
      .step('flush sinks', () => this.options.flushSinks())
      .then(
        () => this.coordinator.acknowledge(id, 'sinks', { changed: 0 }),
        (err: unknown) => this.coordinator.decline(id, 'sinks', err),
      );
  }

  workerDeclined(worker: number, id: number, err: unknown): void {
    this.coordinator.decline(id, `worker-${worker}`, err);
  }

  private async trigger(id: number, kind: CheckpointKind): Promise<PipelinePlacement> {
    const request = kind === 'savepoint' ? this.nextSavepoint : undefined;
    const target = request ? prepareSavepoint(request.parentDir, savepointName(id, this.options.clock.now())) : undefined;
    const entry: InFlight = {
      id,
      workersAcked: new Set(),
      trace: this.options.telemetry.trace(id),
      ...(target ? { savepoint: { target, ...(request ? { resolve: request.resolve } : {}) } } : {}),
    };
    this.inFlight.set(id, entry);
    return this.options.placeBarrier(id, target ? { dir: target.tmpDir } : undefined);
  }

  /** Phase 1: the record; phase 2: the side outputs and offsets (until that commits, the record does not count). */
  private async persist(completed: CompletedCheckpoint<PipelinePlacement, WorkerAck>): Promise<void> {
    const { store, sideOutputs, checkpoint, clock } = this.options;
    const entry = this.inFlight.get(completed.id);
    const trace = entry?.trace;
    const step = <T>(name: string, fn: () => Promise<T>) => (trace ? trace.step(name, fn) : fn());
    // A savepoint is complete with its manifest, written only now that every ack is in.
    const savepointPath = entry?.savepoint ? this.finishSavepoint(entry.savepoint.target, completed) : undefined;
    try {
      const { oldestRetainedId, bytes } = await step('persist', () => store.write(this.record(completed), checkpoint.retained));
      const offsets = new Map(Object.entries(completed.placement.offsets).map(([p, o]) => [Number(p), o]));
      try {
        await step('commit side outputs and offsets', () => sideOutputs.commit(completed.id, offsets, clock.now() + checkpoint.timeoutMs));
      } catch (err) {
        await store.dropAfter(completed.id - 1).catch(() => undefined);
        throw err;
      }
      this.options.pruneBefore(oldestRetainedId);
      this.options.telemetry.completed(clock.now() - completed.triggeredAt, bytes);
    } catch (err) {
      // The savepoint is reported failed: it must not stay behind looking complete.
      if (savepointPath) rmSync(savepointPath, { recursive: true, force: true });
      throw err;
    }
    if (savepointPath) {
      this.options.logger.info(this.savepointSummary ?? {}, 'savepoint complete');
      entry?.savepoint?.resolve?.(savepointPath);
    }
  }

  private completed(completed: CompletedCheckpoint<PipelinePlacement, WorkerAck>): void {
    const entry = this.inFlight.get(completed.id);
    this.inFlight.delete(completed.id);
    entry?.trace.end();
    this.options.logger.debug(
      {
        checkpointId: completed.id,
        kind: completed.kind,
        offsets: completed.placement.offsets,
        changed: completed.sizeBytes,
        durationMs: this.options.clock.now() - completed.triggeredAt,
      },
      'checkpoint complete',
    );
  }

  /** Every worker wrote its key groups: write the manifest and give the savepoint its final name. */
  private finishSavepoint(target: SavepointTarget, completed: CompletedCheckpoint<PipelinePlacement, WorkerAck>): string {
    const { identity, workers, clock } = this.options;
    const files = [...completed.acks.values()].flatMap((ack) => ack.savepointFiles ?? []);
    const manifest = finishSavepoint(target, {
      formatVersion: SAVEPOINT_FORMAT_VERSION,
      sluiceVersion: identity.version,
      createdAt: new Date(clock.now()).toISOString(),
      checkpointId: completed.id,
      job: identity.job,
      source: { topic: identity.topic, groupId: identity.groupId },
      keyGroups: KEY_GROUPS,
      workers,
      windowMs: identity.windowMs,
      placement: completed.placement,
      files,
      ...(identity.definition ? { definition: identity.definition } : {}),
    });
    this.savepointSummary = {
      savepoint: target.finalDir,
      checkpointId: completed.id,
      keyGroupFiles: files.length,
      entries: files.reduce((n, f) => n + f.entries, 0),
      offsets: manifest.placement.offsets,
    };
    return target.finalDir;
  }

  private record(completed: CompletedCheckpoint<PipelinePlacement, WorkerAck>): CheckpointRecord {
    const changed: Record<string, number> = {};
    for (const [participant, ack] of completed.acks) {
      if (participant.startsWith('worker-')) changed[participant.slice('worker-'.length)] = ack.changed;
    }
    const { identity, workers, clock } = this.options;
    return {
      formatVersion: CHECKPOINT_FORMAT_VERSION,
      id: completed.id,
      kind: completed.kind,
      createdAt: clock.now(),
      triggeredAt: completed.triggeredAt,
      workers,
      keyGroups: KEY_GROUPS,
      source: { topic: identity.topic, groupId: identity.groupId },
      placement: completed.placement,
      changed,
      // No partition read yet (nothing consumed since an empty start): no letters can exist and the
      // side outputs commit no transaction, so the record must not wait for Kafka to confirm one.
      sideOutputsTxn: Object.keys(completed.placement.offsets).length > 0,
      ...(identity.definition ? { definition: identity.definition } : {}),
    };
  }
}
