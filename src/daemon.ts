/**
 * The daemon: builds the job's source, pipeline and sinks from the configuration and runs them
 * until stopped, the bounded input ends, or something fails.
 *
 * Life cycle: starting -> running -> stopping -> stopped | failed. A failure stops intake at once
 * and never commits again, so a restart re-reads everything whose results were not written.
 */
import type { Writable } from 'node:stream';
import type { SluiceConfig } from './config.js';
import { WorkerKeyedStage } from './actors/worker-stage.js';
import { ErrorCode, SluiceError } from './errors.js';
import { StateDirectoryLock } from './state/state-lock.js';
import { clickstreamJob, type ClickCountResult } from './job/clickstream.js';
import type { JobDefinition } from './job/job.js';
import { ClickGenerator } from './streams/generator.js';
import { createKafka } from './streams/kafka-client.js';
import { KafkaSource } from './streams/kafka-source.js';
import { WindowPipeline, type PipelineStats } from './streams/pipeline.js';
import { SerialExecutor } from './streams/serial.js';
import { KafkaDeadLetterSink, LoggingDeadLetterSink } from './streams/sinks/dead-letter.js';
import { ElasticsearchSink } from './streams/sinks/elasticsearch.js';
import { RedisSink } from './streams/sinks/redis.js';
import type { DeadLetterSink, ResultSink } from './streams/sinks/sink.js';
import { JsonLinesSink } from './streams/sinks/stdout.js';
import type { SourceHandler } from './streams/source.js';
import { DaemonTelemetry } from './telemetry/daemon-telemetry.js';
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
  private commitPending = false;
  private phase = '';
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
      let restored: Awaited<ReturnType<KafkaSource['readRestorePoint']>> = [];
      if (kafka && config.kafka) {
        this.source = new KafkaSource(kafka, config.kafka, logger.child({ component: 'kafka-source' }));
        await this.source.prepareTopics();
        restored = await this.source.readRestorePoint();
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
        restored,
        keyedStage: (onResults) =>
          new WorkerKeyedStage({
            workers: config.workers,
            job: job.name,
            windows: config.windows,
            stateDir: config.state.dir,
            inbox: config.workerInbox,
            maxHeapMb: config.workerMaxHeapMb,
            onResults,
            onFailure: (err) => void this.fail(err),
            onMetrics: (thread, snapshot) => this.telemetry.metrics.mergeThread(thread, snapshot),
            logger: logger.child({ component: 'window-workers' }),
          }),
        telemetry: this.telemetry.pipeline,
      });
      await this.pipeline.start();
      if (restored.length > 0) logger.info({ partitions: restored.length }, 'resuming from the last commit and its watermark');

      const handler: SourceHandler = this.telemetry.instrumentSource({
        onAssign: (partitions) => this.pipeline?.assign(partitions),
        onRevoke: (partitions) =>
          this.fail(
            new SluiceError(
              ErrorCode.PIPELINE_STOPPED,
              `partitions ${partitions.join(',')} were taken away by a rebalance; sluice must be the only member of consumer group "${config.kafka?.groupId}" (window state is keyed by user, not by partition); restarting re-reads from the last commit`,
              { retriable: true },
            ),
          ),
        onBatch: (batch) => this.onBatch(batch),
      });

      this.state = 'running';
      this.every(TICK_MS, () => this.tick());
      if (this.source) {
        this.every(config.checkpoint.intervalMs, () => this.commitProgress());
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
      this.phase = 'flushing sinks and committing offsets';
      if (this.source) await this.executor.run(() => this.commitNow());
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

  private async commitProgress(): Promise<void> {
    if (this.commitPending || this.state !== 'running') return;
    this.commitPending = true;
    try {
      await this.executor.run(() => this.commitNow());
    } finally {
      this.commitPending = false;
    }
  }

  private async commitNow(): Promise<void> {
    if (!this.pipeline || !this.source || this.state === 'failed') return;
    const { pipeline, source } = this;
    await this.telemetry.checkpoint(async (step) => {
      const progress = await step('flush sinks', () => pipeline.progress());
      await step('commit offsets', () => source.commit(progress));
      this.options.logger.debug({ offsets: Object.fromEntries(progress.offsets) }, 'offsets committed');
      return progress;
    });
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
    this.options.logger.error({ err }, 'sluice stopped on a failure; nothing is committed after it, a restart re-reads from the last commit');
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
    await this.lock?.release();
    this.lock = undefined;
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
