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
import { OffsetTracker } from './offset-tracker.js';
import type { DeadLetter, DeadLetterSink, ResultSink } from './sinks/sink.js';
import type { SourceBatch, SourceRecord } from './source.js';
import { NO_WATERMARK, PartitionWatermarks } from './watermarks.js';
import { InMemoryWindowStore, TumblingWindowOperator } from './windows.js';

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
  windows: { sizeMs: number; outOfOrdernessMs: number; allowedLatenessMs: number; idleTimeoutMs: number };
  topics: { dlq: string; late: string };
  sinks: ReadonlyArray<ResultSink<OUT>>;
  deadLetters: DeadLetterSink;
  now: () => number;
  logger: Logger;
  restored?: readonly RestoredPartition[];
}

const METADATA_VERSION = 1;

export class WindowPipeline<IN, ACC, OUT> {
  private readonly watermarks: PartitionWatermarks;
  private readonly store = new InMemoryWindowStore<ACC>();
  private readonly operator: TumblingWindowOperator<IN, ACC, OUT>;
  private readonly offsets = new OffsetTracker();
  /** partition -> last offset processed by the previous run: records up to it are a replay. */
  private readonly replayUpTo = new Map<number, number>();
  private readonly counters = { recordsIn: 0, eventsCounted: 0, deadLetters: 0, lateEvents: 0, replaySkipped: 0, redelivered: 0, resultsOut: 0 };

  constructor(private readonly options: PipelineOptions<IN, ACC, OUT>) {
    const restored = options.restored ?? [];
    const floor = restored.length > 0 ? Math.min(...restored.map((r) => r.watermark)) : NO_WATERMARK;
    this.watermarks = new PartitionWatermarks(options.windows, floor);
    for (const r of restored) this.replayUpTo.set(r.partition, r.lastProcessed);
    this.operator = new TumblingWindowOperator(options.windows, options.job.aggregate, this.store);
  }

  assign(partitions: readonly number[]): void {
    this.watermarks.assign(partitions, this.options.now());
  }

  revoke(partitions: readonly number[]): void {
    this.watermarks.revoke(partitions);
    for (const p of partitions) this.offsets.forget(p);
  }

  async processBatch(batch: SourceBatch): Promise<void> {
    const { job } = this.options;
    const now = this.options.now();
    const partition = batch.partition;
    const replayBound = this.replayUpTo.get(partition);
    const watermark = this.watermarks.last;
    const results: OUT[] = [];
    const letters: DeadLetter[] = [];

    const alreadyProcessed = this.offsets.lastProcessed(partition) ?? -1;
    for (const record of batch.records) {
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

      const parsed = job.parse(record.value, now);
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
      const outcome = this.operator.add(job.keyOf(event), timestamp, event, watermark);
      if (outcome.kind === 'late') {
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
      this.offsets.hold(outcome.window.start, partition, offset);
      // A replayed record rebuilds a window whose corrected result was already written.
      if (outcome.kind === 'refired' && !replay) results.push(outcome.result);
    }
    if (replayBound !== undefined && (this.offsets.lastProcessed(partition) ?? -1) >= replayBound) {
      this.replayUpTo.delete(partition);
    }
    this.fire(this.watermarks.current(now), results);
    await this.emit(results, letters);
  }

  /** Let wall-clock time pass: idle partitions may release the watermark and windows fire. */
  async tick(): Promise<void> {
    const results: OUT[] = [];
    this.fire(this.watermarks.current(this.options.now()), results);
    await this.emit(results, []);
  }

  /** End of a bounded input: every window fires, as with Flink's final watermark. */
  async finish(): Promise<void> {
    const results: OUT[] = [];
    this.fire(Number.POSITIVE_INFINITY, results);
    await this.emit(results, []);
  }

  /** Flush every sink, then say which offsets are safe to commit. */
  async progress(): Promise<Progress> {
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

  stats(): PipelineStats {
    return { ...this.counters, watermark: this.watermarks.last, openWindows: this.store.size };
  }

  private fire(watermark: number, results: OUT[]): void {
    const { fired, purged } = this.operator.advance(watermark);
    for (const f of fired) results.push(f.result);
    for (const start of purged) this.offsets.release(start);
  }

  private async emit(results: OUT[], letters: DeadLetter[]): Promise<void> {
    const writes: Array<Promise<void>> = [];
    if (results.length > 0) {
      this.counters.resultsOut += results.length;
      for (const sink of this.options.sinks) writes.push(sink.write(results));
    }
    if (letters.length > 0) writes.push(this.options.deadLetters.send(letters));
    await this.whileBlocked(Promise.all(writes));
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
      value: record.value,
      key: record.key,
      code,
      message,
      source: { topic: batch.topic, partition: batch.partition, offset: record.offset, timestamp: record.timestamp },
    };
  }
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
