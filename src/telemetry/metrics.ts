/**
 * The Prometheus registry: every metric sluice exports, under one name list (METRIC_NAMES) that the
 * dashboard, the alert rules and their tests refer to.
 *
 * Threads: one `SluiceMetrics` per thread. A worker thread sends `await metrics.snapshot()` (plain
 * objects: structured-clone safe) to the main thread, which calls `mergeThread(id, snapshot)`; the
 * one /metrics endpoint then serves the main thread's metrics with every thread's merged in
 * (counters and histograms summed, gauges by each metric's aggregator). When a worker dies,
 * `retireThread(id)` keeps its counters and histograms (so totals never go back, which Prometheus
 * would read as a counter reset) and drops its gauges. Metrics only the main thread knows (the
 * watermark, readiness, consumer lag, checkpoints) are never taken from a thread's snapshot.
 *
 * Heap and process metrics are prom-client's defaults (main thread). Event-loop delay is measured
 * per thread with perf_hooks.monitorEventLoopDelay over fixed 10 s windows, so that a scrape (or
 * `sluice status`) does not reset what the next scrape reads.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import promClient, { Counter, Gauge, Histogram, Registry, type Aggregator } from 'prom-client';

// prom-client is CommonJS; its AggregatorRegistry is reached through the default export.
const { AggregatorRegistry, collectDefaultMetrics } = promClient;

/** What `getMetricsAsJSON()` gives: plain objects, safe to post between threads. */
export interface MetricSample {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}
export interface MetricFamilySnapshot {
  name: string;
  help: string;
  type: string;
  aggregator: Aggregator;
  values: MetricSample[];
}
export type MetricsSnapshot = MetricFamilySnapshot[];

/** Every metric name sluice defines (prom-client's process_* and nodejs_* come in addition). */
export const METRIC_NAMES = {
  buildInfo: 'sluice_build_info',
  daemonState: 'sluice_daemon_state',
  ready: 'sluice_ready',
  recordsIn: 'sluice_records_in_total',
  eventsCounted: 'sluice_events_counted_total',
  redelivered: 'sluice_records_redelivered_total',
  resultsOut: 'sluice_results_out_total',
  deadLetters: 'sluice_dead_letters_total',
  lateEvents: 'sluice_late_events_total',
  batchDuration: 'sluice_batch_duration_seconds',
  watermark: 'sluice_watermark_seconds',
  watermarkLag: 'sluice_watermark_lag_seconds',
  openWindows: 'sluice_open_windows',
  windowsFired: 'sluice_windows_fired_total',
  windowFireLatency: 'sluice_window_fire_latency_seconds',
  consumerLag: 'sluice_kafka_consumer_lag',
  highWatermark: 'sluice_kafka_high_watermark',
  processedOffset: 'sluice_kafka_processed_offset',
  checkpointDuration: 'sluice_checkpoint_duration_seconds',
  checkpointSize: 'sluice_checkpoint_size_bytes',
  checkpointsCompleted: 'sluice_checkpoints_completed_total',
  checkpointFailures: 'sluice_checkpoint_failures_total',
  checkpointLastCompleted: 'sluice_checkpoint_last_completed_timestamp_seconds',
  checkpointAge: 'sluice_checkpoint_age_seconds',
  backpressure: 'sluice_backpressure_seconds_total',
  sinkWriteWait: 'sluice_sink_write_wait_seconds_total',
  sinkResults: 'sluice_sink_results_total',
  sinkBuffered: 'sluice_sink_buffered',
  sinkInFlight: 'sluice_sink_in_flight',
  sinkCapacity: 'sluice_sink_capacity',
  sinkBufferFill: 'sluice_sink_buffer_fill_ratio',
  sinkAcknowledged: 'sluice_sink_acknowledged_total',
  sinkRetries: 'sluice_sink_retries_total',
  workerRestarts: 'sluice_worker_restarts_total',
  eventLoopDelay: 'sluice_event_loop_delay_seconds',
  heapUsed: 'sluice_thread_heap_used_bytes',
} as const;

/** Metrics only the main thread owns: a worker's snapshot never contributes to them. */
const MAIN_ONLY = new Set<string>([
  METRIC_NAMES.buildInfo,
  METRIC_NAMES.daemonState,
  METRIC_NAMES.ready,
  METRIC_NAMES.watermark,
  METRIC_NAMES.watermarkLag,
  METRIC_NAMES.consumerLag,
  METRIC_NAMES.highWatermark,
  METRIC_NAMES.processedOffset,
  METRIC_NAMES.checkpointDuration,
  METRIC_NAMES.checkpointSize,
  METRIC_NAMES.checkpointsCompleted,
  METRIC_NAMES.checkpointFailures,
  METRIC_NAMES.checkpointLastCompleted,
  METRIC_NAMES.checkpointAge,
  METRIC_NAMES.workerRestarts,
]);

export const DAEMON_STATES = ['created', 'starting', 'running', 'stopping', 'stopped', 'failed'] as const;

/** Seconds. Sub-millisecond to half a minute: a window result waits on sinks under backpressure. */
const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const EVENT_LOOP_WINDOW_MS = 10_000;

export interface SluiceMetricsOptions {
  /** The thread's name in per-thread metrics ("main", "worker-1", ...). */
  thread?: string;
  /** prom-client's process and Node.js metrics (heap, RSS, CPU, GC, handles): main thread only. */
  defaultMetrics?: boolean;
  version?: string;
}

export class SluiceMetrics {
  readonly registry = new Registry();
  readonly thread: string;

  readonly buildInfo: Gauge<'version' | 'node_version'>;
  readonly daemonState: Gauge<'state'>;
  readonly ready: Gauge;
  readonly recordsIn: Counter;
  readonly eventsCounted: Counter;
  readonly redelivered: Counter;
  readonly resultsOut: Counter;
  readonly deadLetters: Counter<'code'>;
  readonly lateEvents: Counter;
  readonly batchDuration: Histogram;
  readonly watermark: Gauge;
  readonly watermarkLag: Gauge;
  readonly openWindows: Gauge;
  readonly windowsFired: Counter;
  readonly windowFireLatency: Histogram;
  readonly consumerLag: Gauge<'topic' | 'partition'>;
  readonly highWatermark: Gauge<'topic' | 'partition'>;
  readonly processedOffset: Gauge<'topic' | 'partition'>;
  readonly checkpointDuration: Histogram;
  readonly checkpointSize: Gauge;
  readonly checkpointsCompleted: Counter;
  readonly checkpointFailures: Counter<'code'>;
  readonly checkpointLastCompleted: Gauge;
  readonly checkpointAge: Gauge;
  readonly backpressure: Counter;
  readonly sinkWriteWait: Counter<'sink'>;
  readonly sinkResults: Counter<'sink'>;
  readonly sinkBuffered: Gauge<'sink'>;
  readonly sinkInFlight: Gauge<'sink'>;
  readonly sinkCapacity: Gauge<'sink'>;
  readonly sinkBufferFill: Gauge<'sink'>;
  readonly sinkAcknowledged: Counter<'sink'>;
  readonly sinkRetries: Counter<'sink'>;
  readonly workerRestarts: Counter;
  private readonly eventLoopDelay: Gauge<'thread' | 'stat'>;
  private readonly heapUsed: Gauge<'thread'>;

  /** Run before every collection: they copy totals and states into the metrics above. */
  private readonly refreshers: Array<() => void> = [];
  private readonly threads = new Map<string, MetricsSnapshot>();
  private retired: MetricsSnapshot = [];
  private readonly totals = new Map<string, number>();
  private readonly loop: EventLoopWindow;

  constructor(options: SluiceMetricsOptions = {}) {
    this.thread = options.thread ?? 'main';
    const registers = [this.registry];
    const counter = <L extends string = string>(name: string, help: string, labelNames: L[] = []) =>
      new Counter<L>({ name, help, labelNames, registers, aggregator: 'sum' });
    const gauge = <L extends string = string>(name: string, help: string, aggregator: Aggregator, labelNames: L[] = []) =>
      new Gauge<L>({ name, help, labelNames, registers, aggregator });
    const histogram = (name: string, help: string, buckets: number[]) =>
      new Histogram({ name, help, buckets, registers, aggregator: 'sum' });
    const N = METRIC_NAMES;

    this.buildInfo = gauge(N.buildInfo, 'Always 1; the labels say which sluice and Node.js run.', 'first', ['version', 'node_version']);
    this.buildInfo.set({ version: options.version ?? 'unknown', node_version: process.version }, 1);
    this.daemonState = gauge(N.daemonState, 'Life-cycle state of the daemon: 1 for the current state, 0 for the others.', 'max', ['state']);
    this.ready = gauge(N.ready, '1 when restored and consuming (what /readyz says), else 0.', 'max');

    this.recordsIn = counter(N.recordsIn, 'Source records taken in (each offset once per run; redeliveries excluded).');
    this.eventsCounted = counter(N.eventsCounted, 'Valid events counted into a window.');
    this.redelivered = counter(N.redelivered, 'Records delivered again by Kafka within one run, recognised by offset and skipped.');
    this.resultsOut = counter(N.resultsOut, 'Window results handed to the sinks (a late re-firing counts again).');
    this.deadLetters = counter(N.deadLetters, 'Records sent to the dead-letter topic, by sluice-error code.', ['code']);
    this.lateEvents = counter(N.lateEvents, 'Events beyond the allowed lateness, sent to the late topic.');
    this.batchDuration = histogram(N.batchDuration, 'Wall time to process one source batch, sink waits included.', LATENCY_BUCKETS);

    this.watermark = gauge(N.watermark, 'The combined event-time watermark (Unix seconds); NaN before the first.', 'min');
    this.watermarkLag = gauge(N.watermarkLag, 'Wall clock minus the watermark, in seconds; NaN before the first watermark.', 'max');
    this.openWindows = gauge(N.openWindows, 'Keyed windows held in state (fired windows within the allowed lateness included).', 'sum');
    this.windowsFired = counter(N.windowsFired, 'Windows fired because the watermark passed their end.');
    this.windowFireLatency = histogram(
      N.windowFireLatency,
      'Wall time from the watermark passing a window end to its result being accepted by every sink.',
      LATENCY_BUCKETS,
    );

    this.consumerLag = gauge(
      N.consumerLag,
      'Records in the partition after the next offset sluice will process (high watermark - next offset).',
      'max',
      ['topic', 'partition'],
    );
    this.highWatermark = gauge(N.highWatermark, 'The partition high watermark (offset after the last record), as last seen.', 'max', [
      'topic',
      'partition',
    ]);
    this.processedOffset = gauge(N.processedOffset, 'The last offset processed in this partition.', 'max', ['topic', 'partition']);

    this.checkpointDuration = histogram(
      N.checkpointDuration,
      'Wall time of a checkpoint (barrier trigger until its record is on disk and its side outputs and offsets are committed).',
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    );
    this.checkpointSize = gauge(
      N.checkpointSize,
      'Bytes of the last completed checkpoint record (placement and sizes; window state stays in the worker LMDB environments).',
      'max',
    );
    this.checkpointsCompleted = counter(N.checkpointsCompleted, 'Checkpoints completed.');
    this.checkpointFailures = counter(N.checkpointFailures, 'Checkpoints failed, by error code.', ['code']);
    this.checkpointLastCompleted = gauge(
      N.checkpointLastCompleted,
      'When the last checkpoint completed (Unix seconds); 0 before the first.',
      'max',
    );
    this.checkpointAge = gauge(
      N.checkpointAge,
      'Seconds since the last completed checkpoint (since start-up before the first); absent when there are no checkpoints (embedded generator).',
      'max',
    );

    this.backpressure = counter(
      N.backpressure,
      'Wall time during which the pipeline waited for a sink (results or dead letters) to accept writes.',
    );
    this.sinkWriteWait = counter(N.sinkWriteWait, "Wall time spent waiting in each sink's write (its buffer was full).", ['sink']);
    this.sinkResults = counter(N.sinkResults, 'Results (or dead letters) handed to each sink.', ['sink']);
    this.sinkBuffered = gauge(N.sinkBuffered, 'Items buffered in the sink, not yet sent.', 'sum', ['sink']);
    this.sinkInFlight = gauge(N.sinkInFlight, 'Items sent to the target, not yet acknowledged.', 'sum', ['sink']);
    this.sinkCapacity = gauge(N.sinkCapacity, 'Items the sink holds at most (buffered + in flight) before writes wait.', 'sum', ['sink']);
    this.sinkBufferFill = gauge(N.sinkBufferFill, '(buffered + in flight) / capacity: 1 means writes wait (backpressure).', 'max', [
      'sink',
    ]);
    this.sinkAcknowledged = counter(N.sinkAcknowledged, 'Items the target acknowledged.', ['sink']);
    this.sinkRetries = counter(N.sinkRetries, 'Batch attempts the target did not acknowledge (retried with backoff).', ['sink']);

    this.workerRestarts = counter(N.workerRestarts, 'Restarts of the job by the supervisor (after a worker crash or any other failure).');
    this.eventLoopDelay = gauge(N.eventLoopDelay, 'Event-loop delay of each thread over the last 10 s window (perf_hooks).', 'max', [
      'thread',
      'stat',
    ]);
    this.heapUsed = gauge(N.heapUsed, 'V8 heap used by each thread.', 'sum', ['thread']);

    this.watermark.set(Number.NaN);
    this.watermarkLag.set(Number.NaN);
    this.setState('created');
    this.loop = new EventLoopWindow(EVENT_LOOP_WINDOW_MS);
    this.refreshers.push(() => {
      const w = this.loop.read();
      this.eventLoopDelay.set({ thread: this.thread, stat: 'p50' }, w.p50);
      this.eventLoopDelay.set({ thread: this.thread, stat: 'p99' }, w.p99);
      this.eventLoopDelay.set({ thread: this.thread, stat: 'max' }, w.max);
      this.heapUsed.set({ thread: this.thread }, getHeapStatistics().used_heap_size);
    });
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** Add something to run before each collection (copy a total, read a queue's stats...). */
  onCollect(refresh: () => void): void {
    this.refreshers.push(refresh);
  }

  setState(state: (typeof DAEMON_STATES)[number]): void {
    for (const s of DAEMON_STATES) this.daemonState.set({ state: s }, s === state ? 1 : 0);
  }

  /**
   * Make a counter equal a running total kept elsewhere (e.g. the pipeline's stats). A total that
   * went back (its owner was rebuilt) counts again from zero, so the counter never decreases.
   */
  setTotal<L extends string>(counter: Counter<L>, total: number, labels: Partial<Record<L, string | number>> = {}): void {
    const key = `${(counter as unknown as { name: string }).name}${JSON.stringify(labels)}`;
    const last = this.totals.get(key) ?? 0;
    const delta = total >= last ? total - last : total;
    this.totals.set(key, total);
    if (delta > 0) counter.inc(labels, delta);
  }

  /** This thread's metrics as plain objects, to post to the main thread. */
  async snapshot(): Promise<MetricsSnapshot> {
    for (const refresh of this.refreshers) refresh();
    return (await this.registry.getMetricsAsJSON()) as unknown as MetricsSnapshot;
  }

  /** Take a worker thread's latest snapshot (replaces its previous one). */
  mergeThread(threadId: string, snapshot: MetricsSnapshot): void {
    this.threads.set(
      threadId,
      snapshot.filter((m) => !MAIN_ONLY.has(m.name)),
    );
  }

  /**
   * A worker thread is gone (crashed or stopped): keep what it counted (counters, histograms) so
   * the merged totals never decrease; forget its gauges (its buffers and windows are gone with it).
   */
  retireThread(threadId: string): void {
    const last = this.threads.get(threadId);
    this.threads.delete(threadId);
    if (!last) return;
    const cumulative = last.filter((m) => m.type === 'counter' || m.type === 'histogram');
    this.retired = mergeSnapshots([this.retired, cumulative]);
  }

  /** Every thread's metrics merged, as one snapshot. */
  async merged(): Promise<MetricsSnapshot> {
    const own = await this.snapshot();
    if (this.threads.size === 0 && this.retired.length === 0) return own;
    return mergeSnapshots([own, ...this.threads.values(), this.retired]);
  }

  /** The Prometheus text exposition of every thread's metrics. */
  async exposition(): Promise<string> {
    if (this.threads.size === 0 && this.retired.length === 0) {
      for (const refresh of this.refreshers) refresh();
      return this.registry.metrics();
    }
    return AggregatorRegistry.aggregate([await this.merged()]).metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  close(): void {
    this.loop.close();
  }
}

/**
 * Merge snapshots by metric name and label set, with each metric's aggregator (prom-client's
 * cluster aggregation, which works the same for threads). Pure: a unit test checks it.
 */
export function mergeSnapshots(snapshots: readonly MetricsSnapshot[]): MetricsSnapshot {
  const nonEmpty = snapshots.filter((s) => s.length > 0);
  if (nonEmpty.length === 0) return [];
  const registry = AggregatorRegistry.aggregate(nonEmpty as unknown as object[]);
  // The aggregated registry's metrics are plain wrappers: get() is synchronous underneath.
  return registry.getMetricsAsArray().map((m) => (m as unknown as { get(): MetricFamilySnapshot }).get());
}

/** Event-loop delay over fixed windows: the last complete window is reported (the current one before the first ends). */
class EventLoopWindow {
  private readonly histogram: IntervalHistogram;
  private readonly timer: NodeJS.Timeout;
  private last: { p50: number; p99: number; max: number } | undefined;

  constructor(windowMs: number) {
    this.histogram = monitorEventLoopDelay({ resolution: 10 });
    this.histogram.enable();
    this.timer = setInterval(() => {
      this.last = this.current();
      this.histogram.reset();
    }, windowMs);
    this.timer.unref();
  }

  read(): { p50: number; p99: number; max: number } {
    return this.last ?? this.current();
  }

  private current(): { p50: number; p99: number; max: number } {
    const h = this.histogram;
    if (h.count === 0) return { p50: 0, p99: 0, max: 0 };
    return { p50: h.percentile(50) / 1e9, p99: h.percentile(99) / 1e9, max: h.max / 1e9 };
  }

  close(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }
}
