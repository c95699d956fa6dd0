/**
 * The daemon: builds the job's source, pipeline and sinks from the configuration and runs them
 * until stopped, the bounded input ends, or something fails.
 *
 * Life cycle: starting -> running -> stopping -> stopped | failed. Barrier checkpoints make results
 * exactly-once: a start restores the latest complete checkpoint (window state, offsets, watermarks);
 * a failure stops intake at once and completes no checkpoint after it.
 */
import type { Writable } from 'node:stream';
import type { SluiceConfig } from './config.js';
import { WorkerKeyedStage } from './actors/worker-stage.js';
import { ErrorCode, SluiceError } from './errors.js';
import { StateDirectoryLock } from './state/state-lock.js';
import { CheckpointCoordinator, type CompletedCheckpoint } from './state/checkpoint-coordinator.js';
import { CHECKPOINT_FORMAT_VERSION, CheckpointStore, type CheckpointRecord } from './state/checkpoint-store.js';
import { KEY_GROUPS } from './actors/key-groups.js';
import { systemClock, systemScheduler } from './clock.js';
import { clickstreamJob, type ClickCountResult } from './job/clickstream.js';
import type { JobDefinition } from './job/job.js';
import { ClickGenerator } from './streams/generator.js';
import { createKafka } from './streams/kafka-client.js';
import { KafkaSource } from './streams/kafka-source.js';
import { WindowPipeline, type PipelinePlacement, type PipelineStats } from './streams/pipeline.js';
import { SerialExecutor } from './streams/serial.js';
import { KafkaDeadLetterSink, LoggingDeadLetterSink } from './streams/sinks/dead-letter.js';
import { ElasticsearchSink } from './streams/sinks/elasticsearch.js';
import { RedisSink } from './streams/sinks/redis.js';
import type { DeadLetterSink, ResultSink } from './streams/sinks/sink.js';
import { JsonLinesSink } from './streams/sinks/stdout.js';
import type { SourceHandler } from './streams/source.js';
import { DaemonTelemetry, type CheckpointTrace } from './telemetry/daemon-telemetry.js';
import type { Logger } from './telemetry/logging.js';
import { formatStatus } from './telemetry/status.js';

export type DaemonState = 'created' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

export interface DaemonOptions {
  logger: Logger;
  /** Where the embedded default prints results (stdout). */
  resultsOut?: Writable;
  /** Where the human status line goes (stderr); undefined = no status line. */
  statusOut?: Writable;
  statusIntervalMs?: number;
  now?: () => number;
  /** sluice's version, for sluice_build_info and spans. */
  version?: string;
  /** Which start of the job this is (0 = first; a supervised restart counts up): metrics, test hooks. */
  attempt?: number;
}

/** A worker's acknowledgement of a barrier: entries changed since the previous one. */
interface WorkerAck {
  changed: number;
}

/** How often the watermark is recomputed without new input (idle partitions, all-quiet streams). */
const TICK_MS = 200;

export class Daemon {
  private state: DaemonState = 'created';
  private readonly executor = new SerialExecutor();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly now: () => number;
  private pipeline: WindowPipeline<unknown, unknown, ClickCountResult> | undefined;
  private source: KafkaSource | undefined;
  private generatorStop: AbortController | undefined;
  private generatorDone: Promise<unknown> | undefined;
  private sinks: Array<ResultSink<ClickCountResult>> = [];
  private deadLetters: DeadLetterSink | undefined;
  private tickPending = false;
  private lock: StateDirectoryLock | undefined;
  private phase = '';
  private stage: WorkerKeyedStage<unknown, ClickCountResult> | undefined;
  private checkpoints: CheckpointStore | undefined;
  private coordinator: CheckpointCoordinator<PipelinePlacement, WorkerAck> | undefined;
  /** Checkpoint id -> workers whose barrier ack was handed over (the sinks ack once all have). */
  private readonly barrierAcks = new Map<number, Set<number>>();
  /** Checkpoint id -> its `checkpoint` span (ended when it completes or fails). */
  private readonly checkpointTraces = new Map<number, CheckpointTrace>();
  /** Set by persist for onCompleted: the oldest checkpoint still kept. */
  private oldestRetainedId = 0;
  /** Size of the last checkpoint record written (sluice_checkpoint_size_bytes). */
  private lastRecordBytes = 0;
  /** Metrics, /metrics /healthz /readyz, tracing hooks (src/telemetry). */
  readonly telemetry: DaemonTelemetry;
  private resolveFinished!: () => void;
  private rejectFinished!: (err: unknown) => void;
  /** Settles when the daemon has stopped: resolves after a clean stop, rejects with the failure. */
  readonly finished: Promise<void>;

  constructor(
    private readonly config: SluiceConfig,
    private readonly options: DaemonOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.finished = new Promise<void>((resolve, reject) => {
      this.resolveFinished = resolve;
      this.rejectFinished = reject;
    });
    // A caller that only awaits stop() must not see an unhandled rejection.
    this.finished.catch(() => undefined);
    this.telemetry = new DaemonTelemetry({ config, logger: options.logger, now: this.now, state: () => this.state, stats: () => this.stats(), ...(options.version ? { version: options.version } : {}) });
    // Restarts of the job in this process so far (the counter lives per daemon instance).
    for (let i = 0; i < (options.attempt ?? 0); i++) this.telemetry.workerRestarted();
  }

  get currentState(): DaemonState {
    return this.state;
  }

  /** During a graceful stop: what it is doing (for a stop that takes too long). */
  get stopPhase(): string {
    return this.phase;
  }

  stats(): PipelineStats | undefined {
    return this.pipeline?.stats();
  }

  async start(): Promise<void> {
    if (this.state !== 'created') throw new SluiceError(ErrorCode.INTERNAL, `cannot start a daemon in state ${this.state}`);
    this.state = 'starting';
    const { config } = this;
    const logger = this.options.logger;
    const job = clickstreamJob as unknown as JobDefinition<unknown, unknown, ClickCountResult>;
    try {
      await this.telemetry.start();
      this.lock = await StateDirectoryLock.acquire(config.state.dir);
      const kafka = config.kafka ? createKafka(config.kafka, logger) : undefined;
      let restore: { record: CheckpointRecord | undefined; newestId: number } = { record: undefined, newestId: 0 };
      if (kafka && config.kafka) {
        this.source = new KafkaSource(kafka, config.kafka, logger.child({ component: 'kafka-source' }));
        await this.source.prepareTopics();
        // Barrier checkpoints make results exactly-once: restore the latest complete one.
        this.checkpoints = new CheckpointStore(config.state.dir);
        restore = this.checkpoints.latest(config.checkpoint.onCorrupt, logger);
        const record = restore.record;
        if (record && (record.source?.topic !== config.kafka.topic || record.source?.groupId !== config.kafka.groupId)) {
          throw new SluiceError(
            ErrorCode.CHECKPOINT_INCOMPATIBLE,
            `checkpoint ${record.id} in ${config.state.dir} belongs to topic "${record.source?.topic}" (group "${record.source?.groupId}"), not to topic "${config.kafka.topic}" (group "${config.kafka.groupId}"); give each job its own SLUICE_STATE_DIR, or remove ${config.state.dir} to start from empty state`,
            { details: { checkpointId: record.id } },
          );
        }
        if (record && record.workers !== config.workers) {
          throw new SluiceError(
            ErrorCode.CHECKPOINT_INCOMPATIBLE,
            `checkpoint ${record.id} in ${config.state.dir} was taken with SLUICE_WORKERS=${record.workers}, but SLUICE_WORKERS is ${config.workers}; run with SLUICE_WORKERS=${record.workers} (changing the worker count of a checkpoint needs rescaling, not built yet)`,
            { details: { checkpointId: record.id, checkpointWorkers: record.workers, workers: config.workers } },
          );
        }
        this.deadLetters = new KafkaDeadLetterSink(kafka, logger.child({ component: 'dead-letters' }));
      } else {
        this.deadLetters = new LoggingDeadLetterSink(logger.child({ component: 'dead-letters' }));
      }
      this.deadLetters = this.telemetry.instrumentDeadLetters(this.deadLetters);
      if (kafka) this.telemetry.watchKafka(kafka);
      this.sinks = this.buildSinks(job).map((sink) => this.telemetry.instrumentSink(sink));
      await this.deadLetters.start();
      for (const sink of this.sinks) await sink.start();

      this.pipeline = new WindowPipeline({
        job,
        windows: config.windows,
        topics: config.topics,
        sinks: this.sinks,
        deadLetters: this.deadLetters,
        now: this.now,
        logger,
        ...(restore.record ? { checkpoint: restore.record.placement } : {}),
        keyedStage: (onResults) =>
          (this.stage = new WorkerKeyedStage({
            workers: config.workers,
            job: job.name,
            windows: config.windows,
            stateDir: config.state.dir,
            inbox: config.workerInbox,
            maxHeapMb: config.workerMaxHeapMb,
            onResults,
            onFailure: (err) => void this.fail(err),
            onMetrics: (thread, snapshot) => this.telemetry.metrics.mergeThread(thread, snapshot),
            ...(restore.record ? { restoreTo: restore.record.id } : {}),
            onBarrierAck: (worker, id, changed) => this.onBarrierAck(worker, id, changed),
            onBarrierDeclined: (worker, id, err) => this.coordinator?.decline(id, `worker-${worker}`, err),
            ...testWorkerExit(this.options.attempt ?? 0),
            logger: logger.child({ component: 'window-workers' }),
          })),
        telemetry: this.telemetry.pipeline,
      });
      const restoreStartedAt = this.now();
      await this.pipeline.start();
      if (restore.record) {
        const record = restore.record;
        // Records newer than the one restored cannot be restored any more (their undo logs are gone).
        await this.checkpoints?.dropAfter(record.id);
        this.source?.startAtOffsets(new Map(Object.entries(record.placement.offsets).map(([p, o]) => [Number(p), o])));
        logger.info(
          { checkpointId: record.id, offsets: record.placement.offsets, watermark: record.placement.watermark, restoreMs: this.now() - restoreStartedAt },
          'restored the latest complete checkpoint',
        );
      } else if (this.checkpoints) {
        logger.info('no checkpoint to restore: starting from empty window state');
      }

      const handler: SourceHandler = this.telemetry.instrumentSource({
        onAssign: (partitions) => this.pipeline?.assign(partitions),
        onRevoke: (partitions) =>
          this.fail(
            new SluiceError(
              ErrorCode.PIPELINE_STOPPED,
              `partitions ${partitions.join(',')} were taken away by a rebalance; sluice must be the only member of consumer group "${config.kafka?.groupId}" (window state is keyed by user, not by partition); restarting restores the last complete checkpoint`,
              { retriable: true },
            ),
          ),
        onBatch: (batch) => this.onBatch(batch),
      });

      this.state = 'running';
      this.every(TICK_MS, () => this.tick());
      if (this.source) {
        this.startCoordinator(restore.newestId + 1);
        await this.source.start(handler);
        logger.info({ topic: config.kafka?.topic, groupId: config.kafka?.groupId, sinks: this.sinks.map((s) => s.name) }, 'sluice is consuming');
      } else {
        this.startGenerator(handler);
        logger.info({ sinks: this.sinks.map((s) => s.name) }, 'sluice is running on the built-in click generator');
      }
      if (this.options.statusOut) {
        const out = this.options.statusOut;
        let last = { at: this.now(), records: 0 };
        this.every(this.options.statusIntervalMs ?? 2000, async () => {
          const stats = this.pipeline?.stats();
          if (!stats) return;
          const at = this.now();
          out.write(formatStatus(stats, (stats.recordsIn - last.records) / Math.max(0.001, (at - last.at) / 1000)) + '\n');
          last = { at, records: stats.recordsIn };
        });
      }
    } catch (err) {
      await this.fail(err);
      throw err;
    }
  }

  /** Graceful stop: stop intake, write what is due, commit, close. */
  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'failed' || this.state === 'stopping') return this.finished.catch(() => undefined);
    this.state = 'stopping';
    this.clearTimers();
    try {
      this.phase = 'stopping intake';
      this.source?.stopIntake();
      this.generatorStop?.abort();
      await this.generatorDone;
      this.phase = 'finishing the batch in progress';
      await this.executor.idle();
      this.phase = 'taking the final checkpoint';
      if (this.coordinator) {
        await this.coordinator.triggerNow({ final: true });
        await this.coordinator.stop();
      } else if (this.pipeline) {
        // No checkpoints (the built-in generator): hand over every result and flush the sinks.
        this.phase = 'flushing sinks';
        const pipeline = this.pipeline;
        await this.executor.run(() => pipeline.progress().then(() => undefined));
      }
      this.phase = 'closing connections';
      await this.closeAll();
      this.state = 'stopped';
      this.resolveFinished();
    } catch (err) {
      await this.fail(err);
    }
  }

  private async onBatch(batch: Parameters<SourceHandler['onBatch']>[0]): Promise<void> {
    if (this.state !== 'running') return;
    try {
      await this.executor.run(() => (this.pipeline as WindowPipeline<unknown, unknown, ClickCountResult>).processBatch(batch));
    } catch (err) {
      await this.fail(err);
    }
  }

  private async tick(): Promise<void> {
    if (this.tickPending || this.state !== 'running') return;
    this.tickPending = true;
    try {
      await this.executor.run(() => (this.pipeline as WindowPipeline<unknown, unknown, ClickCountResult>).tick());
    } finally {
      this.tickPending = false;
    }
  }

  /**
   * Barrier checkpoints (see docs/ARCHITECTURE.md, "Barrier checkpoints"): participants are every
   * worker and the sinks; the barrier is placed inside the serial executor, between batches.
   */
  private startCoordinator(firstCheckpointId: number): void {
    const { config } = this;
    const logger = this.options.logger.child({ component: 'checkpoints' });
    const workers = Array.from({ length: config.workers }, (_, i) => `worker-${i}`);
    this.coordinator = new CheckpointCoordinator<PipelinePlacement, WorkerAck>({
      intervalMs: config.checkpoint.intervalMs,
      minPauseMs: config.checkpoint.minPauseMs,
      timeoutMs: config.checkpoint.timeoutMs,
      tolerableConsecutiveFailures: config.checkpoint.tolerableFailures,
      firstCheckpointId,
      participants: [...workers, 'sinks'],
      clock: systemClock,
      scheduler: systemScheduler,
      logger,
      triggerBarrier: (id) =>
        this.executor.run(async () => {
          const pipeline = this.pipeline;
          const stage = this.stage;
          if (!pipeline || !stage || this.state === 'failed') throw new SluiceError(ErrorCode.PIPELINE_STOPPED, 'the pipeline is not running');
          // Between two batches: the placement and the barrier after every step posted so far
          // describe the same cut (each worker's port is FIFO).
          const placement = pipeline.placement();
          this.barrierAcks.set(id, new Set());
          this.checkpointTraces.set(id, this.telemetry.checkpointTrace(id));
          stage.barrier(id);
          return placement;
        }),
      persist: async (completed) => {
        const record = this.checkpointRecord(completed);
        const store = this.checkpoints as CheckpointStore;
        const trace = this.checkpointTraces.get(completed.id);
        const write = () => store.write(record, config.checkpoint.retained);
        const { oldestRetainedId, bytes } = await (trace ? trace.step('persist', write) : write());
        this.oldestRetainedId = oldestRetainedId;
        this.lastRecordBytes = bytes;
      },
      onCompleted: async (completed) => {
        this.barrierAcks.delete(completed.id);
        this.telemetry.checkpointCompleted(this.now() - completed.triggeredAt, this.lastRecordBytes);
        this.stage?.checkpointComplete(this.oldestRetainedId);
        logger.debug(
          { checkpointId: completed.id, offsets: completed.placement.offsets, changed: completed.sizeBytes, durationMs: this.now() - completed.triggeredAt },
          'checkpoint complete',
        );
        // For lag monitoring only: a restart seeks to the checkpoint's offsets, not to these.
        const offsets = new Map(Object.entries(completed.placement.offsets).map(([p, o]) => [Number(p), o]));
        const metadata = new Map([...offsets.keys()].map((p) => [p, JSON.stringify({ checkpoint: completed.id })]));
        const trace = this.checkpointTraces.get(completed.id);
        this.checkpointTraces.delete(completed.id);
        const source = this.source;
        try {
          if (source && (this.state === 'running' || this.state === 'stopping')) {
            const commit = () => source.commit({ offsets, metadata });
            await (trace ? trace.step('commit offsets', commit) : commit());
          }
        } finally {
          trace?.end();
        }
      },
      onAborted: (failure) => {
        this.barrierAcks.delete(failure.checkpointId);
        this.checkpointTraces.get(failure.checkpointId)?.end(failure.error);
        this.checkpointTraces.delete(failure.checkpointId);
        this.telemetry.checkpointFailed(failure.reason);
        if (failure.reason !== 'ABORTED_BY_STOP') logger.warn({ err: failure.error, checkpointId: failure.checkpointId, reason: failure.reason }, 'checkpoint failed');
      },
      onFatal: (err) => void this.fail(err),
    });
    this.coordinator.start();
  }

  /**
   * Worker `worker` acknowledged barrier `id`; its results before the barrier were handed to the
   * sinks already (same reply stream). Once every worker has, the sinks and the dead-letter
   * producer flush, and the `sinks` participant acknowledges.
   */
  private onBarrierAck(worker: number, id: number, changed: number): void {
    const coordinator = this.coordinator;
    if (!coordinator) return;
    coordinator.acknowledge(id, `worker-${worker}`, { changed }, changed);
    const acked = this.barrierAcks.get(id);
    if (!acked) return;
    acked.add(worker);
    if (acked.size < this.config.workers) return;
    const flush = () => Promise.all([...this.sinks.map((s) => s.flush()), ...(this.deadLetters ? [this.deadLetters.flush()] : [])]);
    const trace = this.checkpointTraces.get(id);
    (trace ? trace.step('flush sinks', flush) : flush()).then(
      () => coordinator.acknowledge(id, 'sinks', { changed: 0 }),
      (err: unknown) => coordinator.decline(id, 'sinks', err),
    );
  }

  private checkpointRecord(completed: CompletedCheckpoint<PipelinePlacement, WorkerAck>): CheckpointRecord {
    const changed: Record<string, number> = {};
    for (const [participant, ack] of completed.acks) {
      if (participant.startsWith('worker-')) changed[participant.slice('worker-'.length)] = ack.changed;
    }
    return {
      formatVersion: CHECKPOINT_FORMAT_VERSION,
      id: completed.id,
      kind: completed.kind,
      createdAt: this.now(),
      triggeredAt: completed.triggeredAt,
      workers: this.config.workers,
      keyGroups: KEY_GROUPS,
      source: { topic: this.config.kafka?.topic ?? '', groupId: this.config.kafka?.groupId ?? '' },
      placement: completed.placement,
      changed,
    };
  }

  private startGenerator(handler: SourceHandler): void {
    const generator = new ClickGenerator(this.config.generator, this.now);
    this.generatorStop = new AbortController();
    this.generatorDone = generator.run(handler, this.generatorStop.signal).then(
      async (outcome) => {
        if (outcome !== 'exhausted' || this.state !== 'running') return;
        // A bounded input has ended: every open window fires, then the daemon stops.
        await this.executor.run(() => (this.pipeline as WindowPipeline<unknown, unknown, ClickCountResult>).finish());
        this.generatorStop = undefined;
        this.generatorDone = undefined;
        void this.stop();
      },
      (err: unknown) => this.fail(err),
    );
  }

  private buildSinks(job: JobDefinition<unknown, unknown, ClickCountResult>): Array<ResultSink<ClickCountResult>> {
    const { config, options } = this;
    const sinks: Array<ResultSink<ClickCountResult>> = [];
    if (config.elasticsearch) {
      sinks.push(
        new ElasticsearchSink<ClickCountResult>({
          config: config.elasticsearch,
          job,
          deadLetters: this.deadLetters,
          deadLetterTopic: config.topics.dlq,
          logger: options.logger.child({ component: 'elasticsearch-sink' }),
        }),
      );
    }
    if (config.redis) {
      sinks.push(
        new RedisSink<ClickCountResult>({
          config: config.redis,
          job,
          logger: options.logger.child({ component: 'redis-sink' }),
        }),
      );
    }
    if (sinks.length === 0) sinks.push(new JsonLinesSink<ClickCountResult>(options.resultsOut ?? process.stdout));
    return sinks;
  }

  private every(ms: number, task: () => Promise<void>): void {
    const timer = setInterval(() => {
      task().catch((err: unknown) => this.fail(err));
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private clearTimers(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
  }

  private async fail(err: unknown): Promise<void> {
    if (this.state === 'failed' || this.state === 'stopped') return;
    this.state = 'failed';
    this.clearTimers();
    this.options.logger.error({ err }, 'sluice stopped on a failure; a restart restores the last complete checkpoint');
    void this.coordinator?.stop();
    this.source?.stopIntake();
    this.generatorStop?.abort();
    await this.closeAll().catch(() => undefined);
    this.rejectFinished(err);
  }

  private async closeAll(): Promise<void> {
    const closing: Array<Promise<void>> = [...this.sinks.map((s) => s.close())];
    if (this.pipeline) closing.push(this.pipeline.stop());
    if (this.deadLetters) closing.push(this.deadLetters.close());
    if (this.source) closing.push(this.source.stop());
    closing.push(this.telemetry.close());
    const results = await Promise.allSettled(closing);
    await this.checkpoints?.close().catch(() => undefined);
    this.checkpoints = undefined;
    await this.lock?.release();
    this.lock = undefined;
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

/**
 * Test only: SLUICE_TEST_WORKER_EXIT_AFTER_STEPS=N makes every worker thread exit (code 3) on its
 * N+1st step, to show that a crashed worker fails the job (WORKER_FAILED) and a restart recovers
 * exactly; SLUICE_TEST_WORKER_EXIT_ATTEMPTS=K limits it to the first K starts of the job in this
 * process (default: every start), so a supervised in-process restart can be shown. Never set them
 * in production.
 */
function testWorkerExit(attempt: number): { exitAfterSteps?: number } {
  const raw = process.env.SLUICE_TEST_WORKER_EXIT_AFTER_STEPS;
  const n = Number(raw);
  if (raw === undefined || raw === '' || !Number.isSafeInteger(n) || n < 0) return {};
  const attemptsRaw = process.env.SLUICE_TEST_WORKER_EXIT_ATTEMPTS;
  const attempts = attemptsRaw === undefined || attemptsRaw === '' ? Number.POSITIVE_INFINITY : Number(attemptsRaw);
  return attempt < attempts ? { exitAfterSteps: n } : {};
}
