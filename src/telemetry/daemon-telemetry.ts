/**
 * Telemetry of the process: the metrics registry, the /metrics /healthz /readyz endpoint, consumer
 * lag, and the instrumentation wrapped around the job's parts (source handler, sinks, dead
 * letters, pipeline hooks, checkpoints). It outlives each start of the job: a supervised restart
 * `attach`es the new job, counters go on from where they were, and the probes keep answering
 * (saying that the job failed and is being restarted) while no job runs.
 */
import { performance } from 'node:perf_hooks';
import type { Kafka } from 'kafkajs';
import type { SluiceConfig } from '../config.js';
import type { PipelineStats } from '../streams/runtime/pipeline.js';
import type { DeadLetter, DeadLetterSink, ResultSink } from '../streams/sinks/sink.js';
import type { PrintedResults } from '../streams/operators/keyed-stage.js';
import type { SourceBatch } from '../streams/sources/source.js';
import { startOpsServer, type OpsServer, type Probe } from './http-server.js';
import { KafkaLagWatcher } from './kafka-lag.js';
import type { Logger } from './logging.js';
import { type DAEMON_STATES, METRIC_NAMES, SluiceMetrics } from './metrics.js';
import { IMMEDIATE_SCOPE, type FiredWindowRef, type FireScope, type PipelineTelemetry } from './pipeline-hooks.js';
import {
  inSpanAsync,
  LinkSet,
  markError,
  otelContext,
  otelTrace,
  startBatchSpan,
  startSpan,
  tracingEnabled,
  WindowTraceIndex,
  type TraceCarrier,
} from './tracing.js';

export type DaemonStateName = (typeof DAEMON_STATES)[number];

/** Statistics a sink's bounded queue reports (RetryingBatchQueue.stats()). */
interface QueueStatsLike {
  buffered: number;
  inFlight: number;
  acknowledged: number;
  retries: number;
  capacity?: number;
}

/** What telemetry reads of the job running now. */
export interface JobView {
  state: () => DaemonStateName;
  stats: () => PipelineStats | undefined;
  /** Kafka: the consumer's state ('consuming', 'reconnecting'...), for readiness. */
  source?: () => { state: string; since: number; lastError?: string } | undefined;
}

export interface DaemonTelemetryOptions extends JobView {
  config: Pick<SluiceConfig, 'metricsPort' | 'kafka' | 'windows'>;
  logger: Logger;
  now?: () => number;
  version?: string;
  /** prom-client's process metrics (default true); off in benches that build many. */
  defaultMetrics?: boolean;
}

/** Wall time during which at least one of several overlapping waits was pending. */
class BusyClock {
  private pending = 0;
  private since = 0;
  constructor(private readonly onBusy: (seconds: number) => void) {}
  enter(): void {
    if (this.pending++ === 0) this.since = performance.now();
  }
  exit(): void {
    if (--this.pending === 0) this.onBusy((performance.now() - this.since) / 1000);
  }
}

export class DaemonTelemetry {
  readonly metrics: SluiceMetrics;
  readonly pipeline: PipelineTelemetry;
  private readonly options: DaemonTelemetryOptions;
  private readonly now: () => number;
  private readonly startedAt: number;
  private readonly assigned = new Set<number>();
  private readonly sinkStats: Array<{ name: string; stats: () => QueueStatsLike }> = [];
  private readonly busy: BusyClock;
  private readonly windowIndex = new WindowTraceIndex();
  private server: OpsServer | undefined;
  private lag: KafkaLagWatcher | undefined;
  private lastCheckpointAt: number | undefined;
  private job: JobView;
  /** Totals of the jobs that ran before the current one (counters never go back). */
  private readonly base = { recordsIn: 0, eventsCounted: 0, redelivered: 0, resultsOut: 0 };
  private lastStats: PipelineStats | undefined;
  /** Set while the supervisor waits to restart a failed job. */
  private restarting: { code: string; message: string; at: number; delayMs: number } | undefined;

  constructor(options: DaemonTelemetryOptions) {
    this.options = options;
    this.job = options;
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
    this.metrics = new SluiceMetrics({
      defaultMetrics: options.defaultMetrics ?? true,
      ...(options.version ? { version: options.version } : {}),
    });
    this.busy = new BusyClock((s) => this.metrics.backpressure.inc(s));
    this.metrics.onCollect(() => this.refresh());
    // Without Kafka there are no checkpoints: no age to alert on.
    if (!options.config.kafka) this.metrics.registry.removeSingleMetric(METRIC_NAMES.checkpointAge);
    this.pipeline = {
      parse: (batch, parse) => this.parse(batch, parse),
      counted: (trace, key, windowStart) => this.counted(trace, key, windowStart),
      fired: (count, refs, watermark) => this.fired(count, refs, watermark),
      tracing: () => tracingEnabled(),
      batchFinished: (batch) => this.noteBatch(batch),
    };
  }

  /** Serve the endpoint (when SLUICE_METRICS_PORT is not 0). Call first: probes answer while restoring. */
  async start(): Promise<void> {
    const port = this.options.config.metricsPort;
    if (port === 0 || this.server) return;
    this.server = await startOpsServer(port, {
      metrics: async () => ({ contentType: this.metrics.contentType, body: await this.metrics.exposition() }),
      health: () => this.health(),
      readiness: () => this.readiness(),
    });
    this.options.logger.info({ url: `http://127.0.0.1:${this.server.port}/metrics` }, 'serving /metrics, /healthz, /readyz');
  }

  /** The port the endpoint listens on (undefined when off). */
  get port(): number | undefined {
    return this.server?.port;
  }

  /** A new start of the job: its totals add to the previous ones'; its parts register anew. */
  attach(job: JobView): void {
    const last = this.job.stats() ?? this.lastStats;
    if (last && this.job !== job) {
      this.base.recordsIn += last.recordsIn;
      this.base.eventsCounted += last.eventsCounted;
      this.base.redelivered += last.redelivered;
      this.base.resultsOut += last.resultsOut;
    }
    this.lastStats = undefined;
    this.job = job;
    this.restarting = undefined;
    this.assigned.clear();
    this.sinkStats.length = 0;
  }

  /** The job failed and the supervisor restarts it in `delayMs`: the probes say so meanwhile. */
  jobRestarting(cause: unknown, delayMs: number): void {
    const code = (cause as { code?: unknown })?.code;
    this.lastStats = this.job.stats() ?? this.lastStats;
    this.restarting = {
      code: typeof code === 'string' ? code : 'INTERNAL',
      message: (cause as Error)?.message ?? String(cause),
      at: this.now(),
      delayMs,
    };
  }

  health(): Probe {
    const restarting = this.restarting;
    if (restarting) {
      const left = Math.max(0, restarting.at + restarting.delayMs - this.now());
      return {
        ok: false,
        detail: `the job failed (${restarting.code}: ${restarting.message}); restarting it from its last checkpoint in ${left} ms`,
      };
    }
    const state = this.job.state();
    if (state === 'failed') return { ok: false, detail: 'failed: the job stopped on a failure (see the logs)' };
    return { ok: true, detail: `alive, ${state}` };
  }

  readiness(): Probe {
    if (this.restarting) return { ok: false, detail: `restarting the job after ${this.restarting.code}` };
    const state = this.job.state();
    const kafka = this.options.config.kafka;
    switch (state) {
      case 'created':
      case 'starting':
        return { ok: false, detail: `${state}: connecting and restoring from the last commit` };
      case 'running': {
        const source = this.job.source?.();
        if (source && source.state !== 'consuming') {
          return {
            ok: false,
            detail: `running, the Kafka consumer is ${source.state} (since ${new Date(source.since).toISOString()}${source.lastError ? `: ${source.lastError}` : ''})`,
          };
        }
        if (this.assigned.size === 0) {
          return {
            ok: false,
            detail: kafka
              ? `running, but no partitions assigned yet (joining consumer group "${kafka.groupId}")`
              : 'running, the generator has not started',
          };
        }
        return {
          ok: true,
          detail: kafka
            ? `consuming ${this.assigned.size} partition(s) of ${kafka.topic} as group "${kafka.groupId}"`
            : `the built-in generator is running (${this.assigned.size} partitions)`,
        };
      }
      default:
        return { ok: false, detail: state };
    }
  }

  /** Watch per-partition consumer lag of the input topic (only useful with the endpoint on). */
  watchKafka(kafka: Kafka): void {
    const settings = this.options.config.kafka;
    if (!settings || this.lag) return;
    this.lag = new KafkaLagWatcher(
      settings.topic,
      settings.groupId,
      this.metrics,
      this.options.logger.child({ component: 'consumer-lag' }),
    );
    if (this.options.config.metricsPort !== 0) this.lag.start(kafka);
  }

  // -------------------------------------------------------------------------------------------
  // instrumentation around the daemon's parts

  /** Readiness from the source's assignments. */
  instrumentControl<C extends { onAssign(partitions: number[]): void; onRevoke(partitions: number[]): void }>(control: C): C {
    return {
      ...control,
      onAssign: (partitions: number[]) => {
        this.assigned.clear();
        for (const p of partitions) this.assigned.add(p);
        control.onAssign(partitions);
      },
      onRevoke: (partitions: number[]) => {
        for (const p of partitions) this.assigned.delete(p);
        control.onRevoke(partitions);
      },
    };
  }

  /** One batch through the pipeline: its span (linked to the producer's trace) and duration (its lag: `batchFinished`). */
  async timeBatch(batch: SourceBatch, process: () => Promise<void>): Promise<void> {
    const t0 = performance.now();
    const traced = startBatchSpan(batch);
    try {
      if (traced) await otelContext.with(traced.context, process);
      else await process();
    } finally {
      traced?.span.end();
      this.metrics.batchDuration.observe((performance.now() - t0) / 1000);
    }
  }

  /** Counts, write waits (backpressure) and buffer statistics of a result sink. */
  instrumentSink<OUT>(sink: ResultSink<OUT>): ResultSink<OUT> {
    const name = sink.name;
    const withStats = sink as ResultSink<OUT> & { stats?: () => QueueStatsLike };
    if (typeof withStats.stats === 'function')
      this.sinkStats.push({ name, stats: () => (withStats.stats as () => QueueStatsLike).call(sink) });
    const labels = { sink: name };
    return {
      name,
      start: () => sink.start(),
      ...(sink.ready ? { ready: () => (sink.ready as () => Promise<void>).call(sink) } : {}),
      flush: () => sink.flush(),
      close: () => sink.close(),
      write: (results, epoch) => this.meteredWrite(labels, results.length, () => sink.write(results, epoch)),
      ...(sink.writePrinted
        ? {
            writePrinted: (printed: PrintedResults, epoch?: number) =>
              this.meteredWrite(labels, printed.count, () =>
                (sink.writePrinted as NonNullable<typeof sink.writePrinted>).call(sink, printed, epoch),
              ),
          }
        : {}),
      // The wrapped sink's own statistics stay reachable.
      ...(typeof withStats.stats === 'function' ? { stats: () => (withStats.stats as () => QueueStatsLike).call(sink) } : {}),
    } as ResultSink<OUT>;
  }

  /** A sink's write of `count` results: counted, and its wait (the sink's backpressure) timed. */
  private async meteredWrite(labels: { sink: string }, count: number, write: () => Promise<void>): Promise<void> {
    this.metrics.sinkResults.inc(labels, count);
    const t0 = performance.now();
    this.busy.enter();
    try {
      await write();
    } finally {
      this.busy.exit();
      this.metrics.sinkWriteWait.inc(labels, (performance.now() - t0) / 1000);
    }
  }

  /** Dead letters by code, late events, and the wait when too many sends are in flight. */
  instrumentDeadLetters(sink: DeadLetterSink): DeadLetterSink {
    const labels = { sink: 'dead-letters' };
    return {
      name: sink.name,
      start: () => sink.start(),
      flush: () => sink.flush(),
      close: () => sink.close(),
      send: async (letters: readonly DeadLetter[]) => {
        this.countLetters(letters);
        this.metrics.sinkResults.inc(labels, letters.length);
        const t0 = performance.now();
        this.busy.enter();
        try {
          await sink.send(letters);
        } finally {
          this.busy.exit();
          this.metrics.sinkWriteWait.inc(labels, (performance.now() - t0) / 1000);
        }
      },
    };
  }

  /**
   * The `checkpoint` span of barrier checkpoint `id`, from its trigger to its end; its steps (flush
   * sinks, persist, commit side outputs and offsets) run as children, from whichever callback performs them.
   */
  checkpointTrace(id: number): CheckpointTrace {
    const span = startSpan('checkpoint', { attributes: { 'sluice.checkpoint.id': id } });
    if (!span) return { step: (_name, fn) => fn(), end: () => {} };
    const ctx = otelTrace.setSpan(otelContext.active(), span);
    return {
      step: (name, fn) => otelContext.with(ctx, () => inSpanAsync(name, {}, () => fn())),
      end: (err) => {
        if (err !== undefined) markError(span, err);
        span.end();
      },
    };
  }

  /** A barrier checkpoint completed (from the coordinator): duration from trigger to recorded, size. */
  checkpointCompleted(durationMs: number, sizeBytes: number): void {
    this.metrics.checkpointDuration.observe(durationMs / 1000);
    this.metrics.checkpointSize.set(sizeBytes);
    this.metrics.checkpointsCompleted.inc();
    this.lastCheckpointAt = this.now();
    this.metrics.checkpointLastCompleted.set(this.lastCheckpointAt / 1000);
  }

  /** A barrier checkpoint failed; `code` is its CheckpointFailureReason. */
  checkpointFailed(code: string): void {
    this.metrics.checkpointFailures.inc({ code });
  }

  /** The supervisor restarted the job (sluice_worker_restarts_total: restarts of the whole job, after a worker or any other failure). */
  workerRestarted(): void {
    this.metrics.workerRestarts.inc();
  }

  async close(): Promise<void> {
    await this.lag?.close();
    await this.server?.close();
    this.server = undefined;
    this.metrics.close();
  }

  // -------------------------------------------------------------------------------------------
  // pipeline hooks

  private parse<T>(batch: { topic: string; partition: number; records: { length: number } }, parse: () => T): T {
    if (!tracingEnabled()) return parse();
    const span = startSpan('parse', { attributes: { 'messaging.batch.message_count': batch.records.length } });
    try {
      const result = otelContext.with(otelTrace.setSpan(otelContext.active(), span as NonNullable<typeof span>), parse);
      if (Array.isArray(result))
        span?.setAttribute('sluice.parse.invalid', result.filter((r: { ok?: boolean }) => r && r.ok === false).length);
      return result;
    } finally {
      span?.end();
    }
  }

  private counted(trace: TraceCarrier, key: string, windowStart: number): void {
    if (tracingEnabled()) this.windowIndex.add(trace, key, windowStart);
  }

  private fired(count: number, refs: () => readonly FiredWindowRef[], watermark: number): FireScope {
    if (count === 0) return IMMEDIATE_SCOPE;
    const t0 = performance.now();
    this.metrics.windowsFired.inc(count);
    let span: ReturnType<typeof startSpan>;
    if (tracingEnabled()) {
      const fired = refs();
      const links = new LinkSet();
      let first = Number.POSITIVE_INFINITY;
      let last = Number.NEGATIVE_INFINITY;
      for (const f of fired) {
        for (const sc of this.windowIndex.take(f.key, f.window.start)) links.add(sc);
        first = Math.min(first, f.window.start);
        last = Math.max(last, f.window.start);
      }
      const { sizeMs, allowedLatenessMs } = this.options.config.windows;
      if (Number.isFinite(watermark)) this.windowIndex.forgetBefore(watermark - sizeMs + 2 - allowedLatenessMs);
      span = startSpan('window fire', {
        links: links.links,
        attributes: {
          'sluice.windows.fired': count,
          'sluice.window.start.first': first,
          'sluice.window.start.last': last,
          ...(Number.isFinite(watermark) ? { 'sluice.watermark': watermark } : { 'sluice.watermark.final': true }),
          ...(links.dropped > 0 ? { 'sluice.links.dropped': links.dropped } : {}),
        },
      });
    }
    return {
      run: async (handOver) => {
        try {
          return span ? await otelContext.with(otelTrace.setSpan(otelContext.active(), span), handOver) : await handOver();
        } finally {
          span?.end();
          const seconds = (performance.now() - t0) / 1000;
          for (let i = 0; i < count; i++) this.metrics.windowFireLatency.observe(seconds);
        }
      },
    };
  }

  // -------------------------------------------------------------------------------------------

  /** The batch's offsets are processed: the lag watcher's position moves past its last record. */
  private noteBatch(batch: { partition: number; records: ArrayLike<{ offset: string }>; highWatermark?: string }): void {
    const last = batch.records[batch.records.length - 1];
    if (!last || !this.lag) return;
    const high = batch.highWatermark === undefined ? undefined : Number(batch.highWatermark);
    this.lag.noteBatch(batch.partition, Number(last.offset), high);
  }

  private countLetters(letters: readonly DeadLetter[]): void {
    let late = 0;
    const byCode = new Map<string, number>();
    for (const l of letters) {
      if (l.code === 'LATE_EVENT') late++;
      else byCode.set(l.code, (byCode.get(l.code) ?? 0) + 1);
    }
    if (late > 0) this.metrics.lateEvents.inc(late);
    for (const [code, n] of byCode) this.metrics.deadLetters.inc({ code }, n);
  }

  /** Before each scrape: copy the pipeline's totals and the sinks' queue statistics. */
  private refresh(): void {
    const m = this.metrics;
    const state = this.job.state();
    m.setState(state);
    m.ready.set(this.readiness().ok ? 1 : 0);
    const stats = this.job.stats() ?? this.lastStats;
    if (stats) {
      const b = this.base;
      m.setTotal(m.recordsIn, b.recordsIn + stats.recordsIn);
      m.setTotal(m.eventsCounted, b.eventsCounted + stats.eventsCounted);
      m.setTotal(m.redelivered, b.redelivered + stats.redelivered);
      m.setTotal(m.resultsOut, b.resultsOut + stats.resultsOut);
      m.openWindows.set(stats.openWindows);
      const wm = stats.watermark;
      if (Number.isFinite(wm)) {
        m.watermark.set(wm / 1000);
        m.watermarkLag.set((this.now() - wm) / 1000);
      } else {
        m.watermark.set(Number.NaN);
        m.watermarkLag.set(Number.NaN);
      }
    }
    for (const s of this.sinkStats) {
      const q = s.stats();
      const labels = { sink: s.name };
      m.sinkBuffered.set(labels, q.buffered);
      m.sinkInFlight.set(labels, q.inFlight);
      m.setTotal(m.sinkAcknowledged, q.acknowledged, labels);
      m.setTotal(m.sinkRetries, q.retries, labels);
      if (q.capacity !== undefined && q.capacity > 0) {
        m.sinkCapacity.set(labels, q.capacity);
        m.sinkBufferFill.set(labels, (q.buffered + q.inFlight) / q.capacity);
      }
    }
    if (this.options.config.kafka) {
      const since = this.lastCheckpointAt ?? this.startedAt;
      m.checkpointAge.set((this.now() - since) / 1000);
    }
  }
}

/** The `checkpoint` span of one barrier checkpoint: its steps run as child spans. */
export interface CheckpointTrace {
  step<T>(name: string, fn: () => Promise<T>): Promise<T>;
  end(err?: unknown): void;
}
