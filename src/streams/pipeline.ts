/**
 * The job's dataflow on one thread: source batches -> parse/validate -> watermarks -> keyed windows
 * -> sinks, with dead letters and late events diverted, and the offsets that are safe to commit.
 *
 * Every entry point (a batch, a tick of the clock, a progress snapshot) runs to completion before
 * the next starts (the caller serializes them), so the window state, the offsets and what the sinks
 * hold always agree. Time is read from an injected clock.
 */
import { RecordErrorCode } from '../errors.js';
import type { JobDefinition } from '../job/job.js';
import type { Logger } from '../telemetry/logging.js';
import { NO_PIPELINE_TELEMETRY, type PipelineTelemetry } from '../telemetry/pipeline-hooks.js';
import type { KeyedEvent, KeyedStage, ResultsCallback } from './keyed-stage.js';
import { OffsetTracker } from './offset-tracker.js';
import type { DeadLetter, DeadLetterSink, ResultSink } from './sinks/sink.js';
import type { SourceBatch, SourceRecord } from './source.js';
import { NO_WATERMARK, PartitionWatermarks } from './watermarks.js';
import { assignTumblingWindow } from './windows.js';

/** What a previous run recorded with its last commit of one partition (see progressMetadata). */
export interface RestoredPartition {
  partition: number;
  /** The combined watermark when the commit was made. */
  watermark: number;
  /** The last offset that run had processed when it committed. */
  lastProcessed: number;
}

export interface Progress {
  /** partition -> next offset to read after a restart. */
  offsets: Map<number, number>;
  /** partition -> metadata to store with the commit (restores the watermark and the replay bound). */
  metadata: Map<number, string>;
}

/**
 * Where a checkpoint's barrier entered the pipeline, as JSON (infinite watermarks as null): all it
 * takes to go on from there after a restore.
 */
export interface PipelinePlacement {
  /** partition -> the next offset to read (the last processed + 1). */
  offsets: Record<string, number>;
  /** partition -> max event time seen (null: none yet): the per-partition watermark clocks. */
  maxTimestamps: Record<string, number | null>;
  /** The combined watermark. */
  watermark: number | null;
  /** The watermark the keyed stage was advanced to. */
  stageWatermark: number | null;
}

export interface PipelineStats {
  recordsIn: number;
  eventsCounted: number;
  deadLetters: number;
  lateEvents: number;
  replaySkipped: number;
  redelivered: number;
  resultsOut: number;
  watermark: number;
  openWindows: number;
}

export interface PipelineOptions<IN, ACC, OUT> {
  job: JobDefinition<IN, ACC, OUT>;
  windows: { sizeMs: number; outOfOrdernessMs: number; allowedLatenessMs: number; idleTimeoutMs: number; stateTtlMs?: number };
  topics: { dlq: string; late: string };
  sinks: ReadonlyArray<ResultSink<OUT>>;
  deadLetters: DeadLetterSink;
  now: () => number;
  logger: Logger;
  restored?: readonly RestoredPartition[];
  /** Go on from a checkpoint's placement (its window state is restored by the keyed stage). */
  checkpoint?: PipelinePlacement;
  /** Builds the keyed stage (windows), given where it must hand its results. */
  keyedStage: (onResults: ResultsCallback<OUT>) => KeyedStage<IN>;
  /** Metrics and tracing hooks (src/telemetry); none by default. */
  telemetry?: PipelineTelemetry;
}

const METADATA_VERSION = 1;

export class WindowPipeline<IN, ACC, OUT> {
  private readonly watermarks: PartitionWatermarks;
  private readonly stage: KeyedStage<IN>;
  private readonly offsets = new OffsetTracker();
  /** The watermark the keyed stage was last advanced to. */
  private stageWatermark = NO_WATERMARK;
  /** partition -> last offset processed by the previous run: records up to it are a replay. */
  private readonly replayUpTo = new Map<number, number>();
  /** partition -> the next offset to read (what a checkpoint's placement records). */
  private readonly positions = new Map<number, number>();
  private readonly telemetry: PipelineTelemetry;
  private readonly counters = { recordsIn: 0, eventsCounted: 0, deadLetters: 0, lateEvents: 0, replaySkipped: 0, redelivered: 0, resultsOut: 0 };

  constructor(private readonly options: PipelineOptions<IN, ACC, OUT>) {
    const restored = options.restored ?? [];
    const floor = restored.length > 0 ? Math.min(...restored.map((r) => r.watermark)) : NO_WATERMARK;
    this.watermarks = new PartitionWatermarks(options.windows, floor);
    for (const r of restored) this.replayUpTo.set(r.partition, r.lastProcessed);
    this.stageWatermark = floor;
    if (options.checkpoint) this.restorePlacement(options.checkpoint);
    this.telemetry = options.telemetry ?? NO_PIPELINE_TELEMETRY;
    this.stage = options.keyedStage((results) => this.writeResults(results));
  }

  start(): Promise<void> {
    return this.stage.start();
  }

  stop(): Promise<void> {
    return this.stage.stop();
  }

  assign(partitions: readonly number[]): void {
    this.watermarks.assign(partitions, this.options.now());
  }

  revoke(partitions: readonly number[]): void {
    this.watermarks.revoke(partitions);
    for (const p of partitions) {
      this.offsets.forget(p);
      this.positions.delete(p);
    }
  }

  async processBatch(batch: SourceBatch): Promise<void> {
    const { job } = this.options;
    const now = this.options.now();
    const partition = batch.partition;
    const replayBound = this.replayUpTo.get(partition);
    const watermark = this.watermarks.last;
    const events: Array<KeyedEvent<IN>> = [];
    const letters: DeadLetter[] = [];
    const { sizeMs, allowedLatenessMs } = this.options.windows;

    const alreadyProcessed = this.offsets.lastProcessed(partition) ?? -1;
    // Parse and validate the whole batch first: one stage, one span.
    const parsedBatch = this.telemetry.parse(batch, () => batch.records.map((r) => job.parse(r.value, now)));
    for (let i = 0; i < batch.records.length; i++) {
      const record = batch.records[i] as SourceRecord;
      const offset = Number(record.offset);
      // The same run saw this record already (kafkajs re-fetches after a rejoin): its effect is in
      // the window state, so counting it again would count it twice.
      if (offset <= alreadyProcessed) {
        this.counters.redelivered++;
        continue;
      }
      this.counters.recordsIn++;
      // Up to the previous run's last processed offset, dead letters, late events and purged
      // windows were already written before its commit: do not write them twice.
      const replay = replayBound !== undefined && offset <= replayBound;
      this.offsets.markProcessed(partition, offset);
      this.positions.set(partition, offset + 1);

      const parsed = parsedBatch[i] as ReturnType<typeof job.parse>;
      if (!parsed.ok) {
        if (replay) this.counters.replaySkipped++;
        else {
          this.counters.deadLetters++;
          letters.push(this.letter(this.options.topics.dlq, batch, record, parsed.code, parsed.message));
        }
        continue;
      }
      const event = parsed.event;
      const timestamp = job.timestampOf(event);
      this.watermarks.observe(partition, timestamp, now);
      const window = assignTumblingWindow(timestamp, sizeMs);
      if (window.end - 1 + allowedLatenessMs <= watermark) {
        if (replay) this.counters.replaySkipped++;
        else {
          this.counters.lateEvents++;
          letters.push(
            this.letter(
              this.options.topics.late,
              batch,
              record,
              RecordErrorCode.LATE_EVENT,
              `event time ${timestamp} is behind the watermark ${watermark} by more than the allowed lateness (${this.options.windows.allowedLatenessMs} ms)`,
            ),
          );
        }
        continue;
      }
      this.counters.eventsCounted++;
      this.offsets.hold(window.start, partition, offset);
      const key = job.keyOf(event);
      if (record.trace !== undefined) this.telemetry.counted(record.trace, key, window.start);
      // A replayed record rebuilds a window whose corrected result was already written.
      events.push({ key, timestamp, event, replay });
    }
    if (replayBound !== undefined && (this.offsets.lastProcessed(partition) ?? -1) >= replayBound) {
      this.replayUpTo.delete(partition);
    }
    const sending = letters.length > 0 ? this.options.deadLetters.send(letters) : undefined;
    await this.step(events, watermark, this.watermarks.current(now));
    if (sending) await this.whileBlocked(sending);
  }

  /** Let wall-clock time pass: idle partitions may release the watermark and windows fire. */
  async tick(): Promise<void> {
    const watermark = this.watermarks.current(this.options.now());
    if (watermark > this.stageWatermark) await this.step([], watermark, watermark);
  }

  /** End of a bounded input: every window fires, as with Flink's final watermark. */
  async finish(): Promise<void> {
    await this.step([], this.watermarks.last, Number.POSITIVE_INFINITY);
  }

  /** Wait for the keyed stage, flush every sink, then say which offsets are safe to commit. */
  async progress(): Promise<Progress> {
    await this.whileBlocked(this.stage.drain());
    await this.whileBlocked(Promise.all([...this.options.sinks.map((s) => s.flush()), this.options.deadLetters.flush()]));
    const offsets = this.offsets.committable();
    const watermark = this.watermarks.last;
    const metadata = new Map<number, string>();
    for (const partition of offsets.keys()) {
      const last = this.offsets.lastProcessed(partition);
      metadata.set(
        partition,
        JSON.stringify({ v: METADATA_VERSION, wm: Number.isFinite(watermark) ? watermark : null, last: last ?? null }),
      );
    }
    return { offsets, metadata };
  }

  /**
   * Where a barrier placed now sits: for every partition read so far, the next offset to read; the
   * watermark clocks. Call it between batches (inside the serial executor), then post the barrier.
   */
  placement(): PipelinePlacement {
    const offsets: Record<string, number> = {};
    for (const [p, next] of this.positions) offsets[String(p)] = next;
    const maxTimestamps: Record<string, number | null> = {};
    for (const [p, max] of this.watermarks.clocks()) maxTimestamps[String(p)] = finiteOrNull(max);
    return { offsets, maxTimestamps, watermark: finiteOrNull(this.watermarks.last), stageWatermark: finiteOrNull(this.stageWatermark) };
  }

  private restorePlacement(placement: PipelinePlacement): void {
    const clocks = new Map<number, number>();
    for (const [p, max] of Object.entries(placement.maxTimestamps)) clocks.set(Number(p), max ?? NO_WATERMARK);
    this.watermarks.restore(clocks, placement.watermark ?? NO_WATERMARK, this.options.now());
    this.stageWatermark = placement.stageWatermark ?? NO_WATERMARK;
    for (const [p, next] of Object.entries(placement.offsets)) {
      this.positions.set(Number(p), next);
      // Records before the placement are in the restored state: one delivered again is skipped.
      if (next > 0) this.offsets.markProcessed(Number(p), next - 1);
    }
  }

  stats(): PipelineStats {
    return { ...this.counters, watermark: this.watermarks.last, openWindows: this.stage.openWindows() };
  }

  private async step(events: Array<KeyedEvent<IN>>, watermarkBefore: number, watermarkAfter: number): Promise<void> {
    if (events.length === 0 && watermarkAfter <= this.stageWatermark) return;
    this.stageWatermark = Math.max(this.stageWatermark, watermarkAfter);
    // Windows purged at this watermark: their records stop holding offsets once the stage has
    // handed their results over (progress() drains the stage before it commits).
    const { sizeMs, allowedLatenessMs } = this.options.windows;
    this.offsets.releaseThrough(watermarkAfter - allowedLatenessMs + 1 - sizeMs);
    // Waiting for worker credit is waiting on the sinks (credit returns once results are written).
    await this.whileBlocked(this.stage.process({ events, watermarkBefore, watermarkAfter, nowMs: this.options.now() }));
  }

  private async writeResults(results: OUT[]): Promise<void> {
    this.counters.resultsOut += results.length;
    // Results reach here per worker, possibly long after the watermark moved on: telemetry may
    // only forget traced windows every worker has handed over, or later results would lose links.
    const scope = this.telemetry.fired(results.map((r) => this.options.job.resultRef(r)), this.stage.handedOverWatermark());
    await scope.run(() => Promise.all(this.options.sinks.map((sink) => sink.write(results))));
  }

  /** Wait on the sinks with the idleness clock stopped: records waiting upstream are no partition's silence. */
  private async whileBlocked<T>(wait: Promise<T>): Promise<T> {
    this.watermarks.pauseIdleness(this.options.now());
    try {
      return await wait;
    } finally {
      this.watermarks.resumeIdleness(this.options.now());
    }
  }

  private letter(topic: string, batch: SourceBatch, record: SourceRecord, code: RecordErrorCode, message: string): DeadLetter {
    return {
      topic,
      // Copies: the record's buffers belong to the source and are reused after this batch.
      value: record.value ? Buffer.from(record.value) : null,
      key: record.key ? Buffer.from(record.key) : null,
      code,
      message,
      source: { topic: batch.topic, partition: batch.partition, offset: record.offset, timestamp: record.timestamp },
    };
  }
}

function finiteOrNull(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}

/** Read what `progress()` stored with a commit. Unknown or damaged metadata means "no restore". */
export function parseProgressMetadata(partition: number, metadata: string | null | undefined): RestoredPartition | undefined {
  if (!metadata) return undefined;
  try {
    const data = JSON.parse(metadata) as { v?: unknown; wm?: unknown; last?: unknown };
    if (data.v !== METADATA_VERSION || typeof data.last !== 'number') return undefined;
    const watermark = typeof data.wm === 'number' ? data.wm : NO_WATERMARK;
    return { partition, watermark, lastProcessed: data.last };
  } catch {
    return undefined;
  }
}
