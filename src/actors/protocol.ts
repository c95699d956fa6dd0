/**
 * The messages between the main thread and a window worker: a discriminated union on `type`.
 * Events travel in batches (a step), never one per message; errors travel serialized and are
 * rebuilt with their code and stack on the other side.
 */
import type { SerializedError } from '../errors.js';
import type { MetricsSnapshot } from '../telemetry/metrics.js';
import type { StepColumns } from './step-codec.js';
import type { SavepointFile } from '../state/savepoints/savepoint-format.js';
import type { WorkerQuery, WorkerQueryAnswer } from '../query/query-types.js';
import type { JobSource } from '../job/job.js';
import type { WindowSpec } from '../streams/operators/window-assigners.js';
import type { LateCandidates, PrintedResults } from '../streams/operators/keyed-stage.js';
import type { PackedValues, ParsedBatch } from './batch-parse.js';

/** Sent once as workerData. */
export interface WorkerInit {
  workerIndex: number;
  workers: number;
  keyGroups: number[];
  job: string;
  /** How to load the job when it is not built in (a job file's content, a module's path): see registry.ts. */
  jobSource?: JobSource;
  /** `assigner`: which windows (tumbling `sizeMs` when absent). */
  windows: { sizeMs: number; allowedLatenessMs: number; stateTtlMs?: number; assigner?: WindowSpec };
  /** LMDB directory of this worker's window state. */
  statePath: string;
  /** SLUICE_STATE_WRITE_BUFFER_ENTRIES: writes buffered before a step's end commits them. */
  writeBufferEntries?: number;
  /** SLUICE_STATE_CACHE_ENTRIES: committed entries kept decoded in memory. */
  cacheEntries?: number;
  /** Test only (SLUICE_TEST_WORKER_EXIT_AFTER_STEPS): the worker thread exits after this many steps. */
  exitAfterSteps?: number;
  /** SLUICE_MAX_RECORD_BYTES: the job's parse refuses larger values here as on the main thread. */
  maxRecordBytes?: number;
  /** Results go back printed as stdout's JSON lines (`printed`), not as objects: stdout is the only sink. */
  printResults?: boolean;
}

/**
 * The first message a worker handles (it is spawned before the restore is decided, so its start-up
 * overlaps the main thread's): what state to start from.
 */
export interface WorkerRestore {
  /**
   * Checkpoint to restore the state to (`LmdbWindowStore.rollbackTo`); undefined (and no
   * savepoint): no checkpoint, start from empty state (`clearAll`).
   */
  restoreTo?: number;
  /**
   * Start from a savepoint instead: drop the live state, load these key group files (only groups
   * this worker owns; the main thread verified them), then start undo epoch `epoch`.
   */
  importSavepoint?: SavepointImport;
}

export interface SavepointImport {
  dir: string;
  /** The format the files are written in: entries are migrated from it. */
  formatVersion: number;
  files: SavepointFile[];
  /** The checkpoint id the imported state becomes (restores after a crash roll back to it). */
  epoch: number;
}

/**
 * Apply a step (this worker's share of the events as columns, step-codec.ts; its buffers are
 * transferred); `credit` is what the sender reserved for it and gets back with the reply.
 */
export interface StepToWorker {
  type: 'step';
  seq: number;
  step: StepMessage;
  credit: Credit;
}

export type ToWorker =
  /** First: restore, then reply `ready`. `nowMs`: the main thread's clock (restored windows' TTL starts there). */
  | ({ type: 'restore'; nowMs: number } & WorkerRestore)
  | StepToWorker
  /**
   * Several steps, applied in order exactly as if each came alone: the steps made within one turn
   * of the main thread's event loop travel together (worker-stage.ts), one post instead of many.
   */
  | { type: 'steps'; steps: StepToWorker[] }
  /**
   * Parse a source batch's values (batch-parse.ts) and reply `parsed` with the valid events split
   * by owner. Touches no state: the main thread forwards each share as a step, in batch order.
   */
  | { type: 'parse'; seq: number; packed: PackedValues; nowMs: number }
  /** Reply `drained` once everything sent before has been processed. */
  | { type: 'drain'; seq: number }
  /** Reply with this thread's metrics (merged into the one /metrics endpoint). */
  | { type: 'metrics'; seq: number }
  /**
   * Barrier of checkpoint `id`: every step posted before it is in checkpoint `id`'s state, none
   * after. The worker commits, starts undo epoch `id`, waits for the disk and replies `barrier-ack`.
   * With `savepoint`, it also writes its key groups as of the barrier into `savepoint.dir` first.
   */
  | { type: 'barrier'; id: number; savepoint?: { dir: string } }
  /** Checkpoint `oldestRetainedId` is the oldest one kept: undo logs before it can go. */
  | { type: 'checkpoint-complete'; oldestRetainedId: number }
  /**
   * A live query (src/query): answered from the actor's live view (write buffer included) between
   * two messages, with a `query-result` of the same `seq`. Outside the credit: the query service
   * bounds how many are in flight.
   */
  | { type: 'query'; seq: number; query: WorkerQuery }
  | { type: 'stop' };

export type FromWorker =
  /** `imported`: entries loaded from a savepoint (when started with `importSavepoint`). */
  | { type: 'ready'; workerIndex: number; openWindows: number; imported?: number }
  /**
   * `last` marks the step's final chunk, which carries its credit and what became of the step's
   * late candidates (session windows).
   */
  | {
      type: 'results';
      seq: number;
      /** Empty when the worker prints its results (`WorkerInit.printResults`): they are in `printed`. */
      results: unknown[];
      printed?: PrintedResults;
      credit: Credit;
      openWindows: number;
      last: boolean;
      candidates?: LateCandidates;
    }
  | { type: 'drained'; seq: number }
  | { type: 'parsed'; seq: number; parsed: ParsedBatch }
  | { type: 'metrics'; seq: number; snapshot: MetricsSnapshot }
  /** Checkpoint `id`'s state is on disk; `changed`: entries changed since the previous barrier. */
  | { type: 'barrier-ack'; id: number; changed: number; savepointFiles?: SavepointFile[] }
  /** The snapshot of checkpoint `id` failed (the checkpoint is declined; the worker goes on). */
  | { type: 'barrier-declined'; id: number; error: SerializedError }
  | { type: 'failed'; error: SerializedError }
  /** The answer to `query` `seq` (or why not: too broad, not restored); `watermark`: of the last step applied. */
  | { type: 'query-result'; seq: number; watermark: number; answer?: WorkerQueryAnswer; error?: SerializedError }
  | { type: 'stopped' };

/** A KeyedStep with its events as columns. */
export interface StepMessage {
  columns: StepColumns;
  watermarkBefore: number;
  watermarkAfter: number;
  nowMs: number;
}

export interface Credit {
  events: number;
  bytes: number;
}
