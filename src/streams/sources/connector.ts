/**
 * What the runtime needs of where records come from, whatever it is (Kafka, the built-in
 * generator, the test driver's memory source): a credit-pulled stream of batches, a way to start
 * and stop it, and the side outputs (dead letters, late events) that go with it. A checkpointed
 * source also commits its side outputs with each checkpoint and says, at start-up, up to which
 * checkpoint it did (the restore decision).
 */
import type { Observable } from '../rx.js';
import type { DeadLetterSink } from '../sinks/sink.js';
import type { PulledBatch } from './pulled-batches.js';

/** What a source asks of the runtime while it runs. */
export interface SourceControl {
  /** partition -> the next offset the pipeline expects: where a (re)joining consumer seeks to. */
  positions(): ReadonlyMap<number, number>;
  onAssign(partitions: number[]): void;
  onRevoke(partitions: number[]): void;
  /** Where each partition's log ends now, and positions passed without records (see SourceHandler). */
  onLogEnds?(ends: ReadonlyMap<number, { start: number; end: number }>, fetched: ReadonlyMap<number, number>): void;
  onLogEndsUnknown?(): void;
  /** A bounded input ended (the generator's maxEvents): every window fires, then the job stops. */
  onEnd?(): void;
  /** The source cannot go on (a stalled consumer): the job fails. */
  onFatal(err: unknown): void;
}

/** Side outputs that commit with checkpoints (Kafka transactions; the test driver's memory). */
export interface CheckpointedSideOutputs extends DeadLetterSink {
  /** Barrier `checkpointId` passed: letters so far belong to it. */
  seal(checkpointId: number): void;
  /** Checkpoint `checkpointId` is recorded: make its letters and offsets durable, retrying until `deadline`. */
  commit(checkpointId: number, offsets: ReadonlyMap<number, number>, deadline: number): Promise<void>;
  /** Resolves when the letters held are below their bound. */
  whenRoom(): Promise<void>;
}

/** What a checkpointed source found before anything was restored. */
export interface SourceOpening {
  /** The checkpoint whose side outputs were committed last (undefined: none recorded). */
  committed: number | undefined;
  /** partition -> first offset still in the log (where a partition never read starts). */
  logStarts: ReadonlyMap<number, number>;
}

export interface SourceStatus {
  state: string;
  since: number;
  lastError?: string;
}

interface SourceBase {
  readonly batches: Observable<PulledBatch>;
  /** The input a checkpoint belongs to (checked at restore). */
  readonly identity: { topic: string; groupId: string };
  /** 'caught-up': the source reports its log ends (idle only when caught up); 'silence' otherwise. */
  readonly idleness: 'silence' | 'caught-up';
  /** Start handing over batches (resolves once consuming). */
  start(control: SourceControl): Promise<void>;
  /**
   * What the start left going on beside the consuming (missing side-output topics being created):
   * the job's start is done, or failed and not retried, once this settles (as a sink's `ready`).
   */
  ready?(): Promise<void>;
  /** Hand over nothing more (a graceful stop): what was not handed over is re-read after a restore. */
  stopIntake(): void;
  close(): Promise<void>;
  status?(): SourceStatus;
}

/** Offsets, checkpoints, savepoints and transactional side outputs (Kafka). */
export interface CheckpointedSource extends SourceBase {
  readonly checkpointed: true;
  readonly sideOutputs: CheckpointedSideOutputs;
  /** Checks and fencing before the restore; says where the side outputs were committed up to. */
  open(): Promise<SourceOpening>;
}

/** No offsets to go back to (the built-in generator): no checkpoints; side outputs are logged. */
export interface EphemeralSource extends SourceBase {
  readonly checkpointed: false;
  readonly sideOutputs: DeadLetterSink;
}

export type SourceConnector = CheckpointedSource | EphemeralSource;
