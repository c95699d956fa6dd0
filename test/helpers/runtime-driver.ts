/**
 * A runtime test driver, in the spirit of Kafka Streams' TopologyTestDriver: the whole JobRuntime
 * in-process (real window workers and LMDB state, the real checkpointing, restore planning and
 * supervisor) on manual time, with an in-memory source and in-memory sinks. Tests push records,
 * move time by hand, crash and restart the job, and read exactly what a Kafka reader and the sinks
 * would hold — without services and without sleeping.
 *
 * `MemoryBroker` plays Kafka's part: the input partitions, the committed side outputs (what a
 * read_committed reader sees) and the job group's committed checkpoint. It outlives the runtimes.
 */
import { MemoryResults } from './memory-sinks.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type SluiceConfig } from '../../src/config.js';
import type { JobDefinition } from '../../src/job/job.js';
import { LetterBuckets } from '../../src/streams/sinks/letter-buckets.js';
import type { DeadLetter, ResultSink } from '../../src/streams/sinks/sink.js';
import type { CheckpointedSideOutputs, CheckpointedSource, SourceControl, SourceOpening } from '../../src/streams/sources/connector.js';
import { BatchStream } from '../../src/streams/sources/pulled-batches.js';
import type { SourceRecord } from '../../src/streams/sources/source.js';
import { JobRuntime } from '../../src/streams/runtime/job-runtime.js';
import { silentLogger } from '../../src/telemetry/logging.js';
import { type ManualTime, settle } from './manual-time.js';

/** Kafka, in memory: partitions of values, committed side outputs, the committed checkpoint. */
export class MemoryBroker {
  readonly partitions: Buffer[][];
  /** What a read_committed reader of the dead-letter and late topics sees. */
  readonly committedLetters: DeadLetter[] = [];
  committedCheckpoint: number | undefined;
  committedOffsets = new Map<number, number>();
  /** Make the next side-output commits fail (a broker outage during a checkpoint). */
  failCommits = false;

  constructor(partitions: number) {
    this.partitions = Array.from({ length: partitions }, () => []);
  }

  produce(partition: number, ...values: object[]): void {
    for (const v of values) (this.partitions[partition] as Buffer[]).push(Buffer.from(JSON.stringify(v)));
  }

  produceRaw(partition: number, value: string): void {
    (this.partitions[partition] as Buffer[]).push(Buffer.from(value));
  }
}

/**
 * Side outputs held per barrier and committed with their checkpoint, as the Kafka transactions do:
 * the same buckets (a worker's late report joins the checkpoint of its epoch), a Map for the broker.
 */
class MemorySideOutputs implements CheckpointedSideOutputs {
  readonly name = 'memory-side-outputs';
  private readonly buckets = new LetterBuckets();

  constructor(private readonly broker: MemoryBroker) {}

  async start() {}
  async send(letters: readonly DeadLetter[]) {
    this.buckets.add(letters);
  }
  seal(id: number) {
    this.buckets.seal(id);
  }
  async commit(id: number, offsets: ReadonlyMap<number, number>) {
    if (this.broker.failCommits) throw new Error('broker unreachable');
    const due = this.buckets.due(id);
    this.broker.committedLetters.push(...due.letters);
    due.release();
    this.broker.committedCheckpoint = id;
    this.broker.committedOffsets = new Map(offsets);
  }
  async whenRoom() {}
  async flush() {}
  async close() {}
}

class MemorySource implements CheckpointedSource {
  readonly checkpointed = true;
  readonly idleness = 'silence';
  readonly identity = { topic: 'memory-clicks', groupId: 'memory-group' };
  readonly sideOutputs: MemorySideOutputs;
  private readonly stream = new BatchStream();
  readonly batches = this.stream.batches;
  private control: SourceControl | undefined;
  private stopped = false;

  constructor(
    private readonly broker: MemoryBroker,
    private readonly batchSize: number,
    private readonly opening?: DriverOptions<unknown>['open'],
    private readonly setUp?: DriverOptions<unknown>['sourceReady'],
  ) {
    this.sideOutputs = new MemorySideOutputs(broker);
  }

  /** What the start left going on beside the consuming (Kafka: side-output topics being created). */
  ready(): Promise<void> {
    return this.setUp ? this.setUp() : Promise.resolve();
  }

  async open(): Promise<SourceOpening> {
    const opening = { committed: this.broker.committedCheckpoint, logStarts: new Map(this.broker.partitions.map((_, p) => [p, 0])) };
    return this.opening ? this.opening(opening) : opening;
  }

  async start(control: SourceControl) {
    this.control = control;
    control.onAssign(this.broker.partitions.map((_, p) => p));
  }

  /** Hand over every record not read yet, batch by batch, each processed before the next. */
  async deliver(): Promise<number> {
    const control = this.control;
    if (!control || this.stopped) return 0;
    let delivered = 0;
    for (let p = 0; p < this.broker.partitions.length; p++) {
      const log = this.broker.partitions[p] as Buffer[];
      for (
        let from = control.positions().get(p) ?? 0;
        from < log.length && !this.stopped;
        from = control.positions().get(p) ?? from + this.batchSize
      ) {
        const records: SourceRecord[] = log
          .slice(from, from + this.batchSize)
          .map((value, i) => ({ offset: String(from + i), value, key: null, timestamp: '0' }));
        await this.stream.push({ topic: this.identity.topic, partition: p, records });
        delivered += records.length;
      }
    }
    return delivered;
  }

  stopIntake() {
    this.stopped = true;
  }
  async close() {
    this.stopped = true;
  }
}

/** The driver's results sink: the one unit tests use everywhere (memory-sinks.ts). */
export { MemoryResults };

export interface DriverOptions<OUT> {
  broker: MemoryBroker;
  time: ManualTime;
  results: MemoryResults<OUT>;
  /** Reuse a state directory (a restart after a crash); default a new temporary one. */
  stateDir?: string;
  env?: Record<string, string>;
  batchSize?: number;
  /** Crash the window workers after this many steps (a worker failure). */
  workerExitAfterSteps?: number;
  /** Start from this savepoint (`sluice run --from-savepoint`). */
  fromSavepoint?: string;
  /** The source's open (Kafka's checks and fencing), in the test's hands: gets what it would return. */
  open?: (opening: SourceOpening) => Promise<SourceOpening>;
  /** The source's setup left going on after its start (side-output topics being created), in the test's hands. */
  sourceReady?: () => Promise<void>;
  /** The result sinks; default [results]. */
  sinks?: Array<ResultSink<OUT>>;
}

/** One start of the job under test. */
export class RuntimeDriver<IN, ACC, OUT> {
  readonly runtime: JobRuntime<IN, ACC, OUT>;
  readonly stateDir: string;
  readonly config: SluiceConfig;
  private source: MemorySource | undefined;

  constructor(
    job: JobDefinition<IN, ACC, OUT>,
    private readonly options: DriverOptions<OUT>,
  ) {
    this.stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'sluice-driver-'));
    this.config = loadConfig({
      SLUICE_KAFKA_BROKERS: 'memory:9092',
      SLUICE_STATE_DIR: this.stateDir,
      SLUICE_METRICS_PORT: '0',
      SLUICE_WORKERS: '2',
      SLUICE_CHECKPOINT_INTERVAL_MS: '1000',
      SLUICE_CHECKPOINT_MIN_PAUSE_MS: '0',
      SLUICE_STATE_WRITE_BUFFER_ENTRIES: '1000',
      ...options.env,
    });
    this.runtime = new JobRuntime(this.config, job, {
      logger: silentLogger,
      clock: options.time,
      scheduler: options.time,
      source: () => (this.source = new MemorySource(options.broker, options.batchSize ?? 50, options.open, options.sourceReady)),
      sinks: options.sinks ?? [options.results],
      ...(options.workerExitAfterSteps === undefined ? {} : { workerExitAfterSteps: options.workerExitAfterSteps }),
      ...(options.fromSavepoint === undefined ? {} : { fromSavepoint: options.fromSavepoint }),
    });
  }

  async start(): Promise<this> {
    await this.runtime.start();
    return this;
  }

  /** Every record produced and not read yet goes through the pipeline. */
  async deliver(): Promise<number> {
    const n = (await this.source?.deliver()) ?? 0;
    await settle();
    return n;
  }

  /** Move manual time; checkpoints, ticks and timeouts that come due run. */
  async advance(ms: number): Promise<void> {
    await this.options.time.advance(ms);
  }

  /**
   * Advance manual time a checkpoint interval at a time until the broker records a committed
   * checkpoint above `above`. Between steps it waits (event-loop turns, bounded in real time) for
   * what the worker threads answer on their own: their barrier acks.
   */
  async untilCheckpointAbove(above: number, maxIntervals = 10): Promise<number> {
    const committed = () => this.options.broker.committedCheckpoint ?? 0;
    for (let i = 0; i < maxIntervals && committed() <= above; i++) {
      await this.options.time.advance(this.config.checkpoint.intervalMs);
      for (const deadline = Date.now() + 3_000; Date.now() < deadline && committed() <= above; ) await settle(1);
    }
    if (committed() <= above) throw new Error(`no checkpoint above ${above} within ${maxIntervals} checkpoint intervals`);
    return committed();
  }

  /** The process dies: nothing more is checkpointed or committed, what was held is lost. */
  async crash(): Promise<void> {
    await (this.runtime as unknown as { fail(err: unknown): Promise<void> }).fail(new Error('simulated crash'));
  }

  async stop(): Promise<void> {
    await this.runtime.stop();
  }

  removeState(): void {
    rmSync(this.stateDir, { recursive: true, force: true });
  }
}
