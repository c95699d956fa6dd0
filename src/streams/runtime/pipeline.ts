/**
 * The job's dataflow on the main thread: source batches -> parse/validate -> watermarks -> keyed
 * windows -> sinks, with dead letters and late events diverted, and where a barrier placed now sits
 * (the next offset of every partition and the watermark clocks: a checkpoint's placement).
 *
 * Every entry point (a batch, a tick of the clock, a flush, a placement) runs to completion before
 * the next starts (the caller serializes them), so the window state, the positions and what the
 * sinks hold always agree. Time is read from an injected clock.
 */
import { RecordErrorCode } from '../../errors.js';
import type { JobDefinition } from '../../job/job.js';
import type { Logger } from '../../telemetry/logging.js';
import { NO_PIPELINE_TELEMETRY, type PipelineTelemetry } from '../../telemetry/pipeline-hooks.js';
import type { KeyedEvent, KeyedStage, LateCandidates, ResultsCallback } from '../operators/keyed-stage.js';
import type { DeadLetter, DeadLetterSink, ResultSink } from '../sinks/sink.js';
import type { SourceBatch, SourceRecord } from '../sources/source.js';
import { NO_WATERMARK, PartitionWatermarks } from '../operators/watermarks.js';
import { windowSpecOf } from '../operators/windows.js';
import { assignerFor, type WindowAssigner, type WindowSpec } from '../operators/window-assigners.js';

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
  /** Records a job's filters left out (neither counted nor dead letters). */
  filtered?: number;
  deadLetters: number;
  lateEvents: number;
  redelivered: number;
  resultsOut: number;
  watermark: number;
  openWindows: number;
}

export interface PipelineOptions<IN, ACC, OUT> {
  job: JobDefinition<IN, ACC, OUT>;
  /** `assigner`: which windows (tumbling `sizeMs` when absent). */
  windows: {
    sizeMs: number;
    outOfOrdernessMs: number;
    allowedLatenessMs: number;
    idleTimeoutMs: number;
    stateTtlMs?: number;
    assigner?: WindowSpec;
  };
  topics: { dlq: string; late: string };
  sinks: ReadonlyArray<ResultSink<OUT>>;
  deadLetters: DeadLetterSink;
  now: () => number;
  logger: Logger;
  /** Go on from a checkpoint's placement (its window state is restored by the keyed stage). */
  checkpoint?: PipelinePlacement;
  /** Builds the keyed stage (windows), given where it must hand its results. */
  keyedStage: (onResults: ResultsCallback<OUT>) => KeyedStage<IN>;
  /** Metrics and tracing hooks (src/telemetry); none by default. */
  telemetry?: PipelineTelemetry;
  /** How idleness is judged (see PartitionWatermarks): 'caught-up' when the source reports its log ends (Kafka). */
  idleness?: 'silence' | 'caught-up';
}

export class WindowPipeline<IN, ACC, OUT> {
  private readonly watermarks: PartitionWatermarks;
  private readonly stage: KeyedStage<IN>;
  /** The watermark the keyed stage was last advanced to. */
  private stageWatermark = NO_WATERMARK;
  /** partition -> the next offset to read: what a checkpoint's placement records. */
  private readonly positions = new Map<number, number>();
  private readonly telemetry: PipelineTelemetry;
  private readonly counters = { recordsIn: 0, eventsCounted: 0, filtered: 0, deadLetters: 0, lateEvents: 0, redelivered: 0, resultsOut: 0 };
  private readonly assigner: WindowAssigner;
  /**
   * Who counts each event: the job's windows, or each of its aggregations' (a job with several:
   * the event each one counts, its windows, its lateness, its name for late letters).
   */
  private readonly lanes: Array<{ assigner: WindowAssigner; latenessMs: number; select?: (event: IN) => IN; name?: string }>;
  /** Some lane has session windows: lateness is decided in the stage (late candidates). */
  private readonly merging: boolean;
  /** Late candidates (session windows) sent to the stage, by id: their letter if the stage finds them late. */
  private readonly pendingLate = new Map<number, DeadLetter>();
  private nextCandidate = 0;

  constructor(private readonly options: PipelineOptions<IN, ACC, OUT>) {
    this.watermarks = new PartitionWatermarks({ ...options.windows, idleness: options.idleness ?? 'silence' });
    this.assigner = assignerFor(windowSpecOf(options.windows));
    const aggregations = options.job.aggregations;
    this.lanes = aggregations
      ? aggregations.map((a) => ({
          assigner: assignerFor(a.window),
          latenessMs: a.allowedLatenessMs,
          select: (event: IN) => a.select(event),
          name: a.name,
        }))
      : [{ assigner: this.assigner, latenessMs: options.windows.allowedLatenessMs }];
    this.merging = this.lanes.some((lane) => lane.assigner.merging);
    if (options.checkpoint) this.restorePlacement(options.checkpoint);
    this.telemetry = options.telemetry ?? NO_PIPELINE_TELEMETRY;
    this.stage = options.keyedStage((results, epoch) => this.writeResults(results, epoch));
    if (this.merging) {
      if (!this.stage.bindLate) throw new Error('session windows need a keyed stage that reports late candidates (bindLate)');
      this.stage.bindLate((candidates, epoch) => this.resolveLate(candidates, epoch));
    }
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
    for (const p of partitions) this.positions.delete(p);
  }

  /**
   * Where the source's partitions' logs end (Kafka: the offsets after the last readable record),
   * observed now. `start` is where a partition not read yet is read from; `fetched`, positions the
   * source moved past without records for the pipeline (batches of transaction markers only).
   */
  observeLogEnds(ends: ReadonlyMap<number, { start: number; end: number }>, fetched: ReadonlyMap<number, number>): void {
    const now = this.options.now();
    for (const [p, { start, end }] of ends) {
      const position = Math.max(this.positions.get(p) ?? start, fetched.get(p) ?? start);
      this.watermarks.observeLogEnd(p, position, end, now);
    }
  }

  /** The source could not learn where the logs end: no partition counts as caught up. */
  logEndsUnknown(): void {
    this.watermarks.logEndUnknown();
  }

  /** partition -> the next offset to read, for every partition read so far (or restored). */
  nextOffsets(): ReadonlyMap<number, number> {
    return this.positions;
  }

  async processBatch(batch: SourceBatch): Promise<void> {
    const { job } = this.options;
    const now = this.options.now();
    const partition = batch.partition;
    const watermark = this.watermarks.last;
    const events: Array<KeyedEvent<IN>> = [];
    const letters: DeadLetter[] = [];
    const lanes = this.lanes;

    const alreadyProcessed = (this.positions.get(partition) ?? 0) - 1;
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
      this.positions.set(partition, offset + 1);

      const parsed = parsedBatch[i] as ReturnType<typeof job.parse>;
      if (!parsed.ok) {
        if (parsed.filtered) {
          this.counters.filtered++;
          continue;
        }
        this.counters.deadLetters++;
        letters.push(this.letter(this.options.topics.dlq, batch, record, parsed.code, parsed.message));
        continue;
      }
      const parsedEvent = parsed.event;
      const timestamp = job.timestampOf(parsedEvent);
      this.watermarks.observe(partition, timestamp, now);
      // One lane per aggregation (one for most jobs): each counts the event, or finds it late, on its own.
      for (let l = 0; l < lanes.length; l++) {
        const { assigner, latenessMs, select, name } = lanes[l] as (typeof lanes)[number];
        const event = select ? select(parsedEvent) : parsedEvent;
        const lastEnd = assigner.lastEnd(timestamp);
        let lateCandidate: number | undefined;
        if (lastEnd - 1 + latenessMs <= watermark) {
          const letter = this.letter(
            this.options.topics.late,
            batch,
            record,
            RecordErrorCode.LATE_EVENT,
            `event time ${timestamp} is behind the watermark ${watermark} by more than the allowed lateness (${latenessMs} ms)${name === undefined ? '' : ` of aggregation ${name}`}`,
          );
          if (!assigner.merging) {
            this.counters.lateEvents++;
            letters.push(letter);
            continue;
          }
          // Session windows: it still counts if it joins a live session of its key; the stage knows.
          lateCandidate = this.nextCandidate++;
          this.pendingLate.set(lateCandidate, letter);
        } else {
          this.counters.eventsCounted++;
        }
        const key = job.keyOf(event);
        if (record.trace !== undefined) this.telemetry.counted(record.trace, key, assigner.merging ? timestamp : lastEnd - assigner.sizeMs);
        events.push(lateCandidate === undefined ? { key, timestamp, event } : { key, timestamp, event, lateCandidate });
      }
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

  /** Wait until the keyed stage handed over every result so far and every sink wrote it. */
  async flush(): Promise<void> {
    await this.whileBlocked(this.stage.drain());
    await this.whileBlocked(Promise.all([...this.options.sinks.map((s) => s.flush()), this.options.deadLetters.flush()]));
  }

  /**
   * Where a barrier placed now sits: for every partition read so far, the next offset to read; the
   * watermark clocks. Call it between batches (inside the main loop), then post the barrier.
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
    // Records before the placement are in the restored state: one delivered again is skipped.
    for (const [p, next] of Object.entries(placement.offsets)) this.positions.set(Number(p), next);
  }

  stats(): PipelineStats {
    return { ...this.counters, watermark: this.watermarks.last, openWindows: this.stage.openWindows() };
  }

  private async step(events: Array<KeyedEvent<IN>>, watermarkBefore: number, watermarkAfter: number): Promise<void> {
    if (events.length === 0 && watermarkAfter <= this.stageWatermark) return;
    this.stageWatermark = Math.max(this.stageWatermark, watermarkAfter);
    // Waiting for worker credit is waiting on the sinks (credit returns once results are written).
    await this.whileBlocked(this.stage.process({ events, watermarkBefore, watermarkAfter, nowMs: this.options.now() }));
  }

  private async writeResults(results: OUT[], epoch: number | undefined): Promise<void> {
    this.counters.resultsOut += results.length;
    // Results reach here per worker, possibly long after the watermark moved on: telemetry may
    // only forget traced windows every worker has handed over, or later results would lose links.
    const scope = this.telemetry.fired(
      results.map((r) => this.options.job.resultRef(r)),
      this.stage.handedOverWatermark(),
    );
    await scope.run(() => Promise.all(this.options.sinks.map((sink) => sink.write(results, epoch))));
  }

  /** The stage found what became of late candidates: the late ones' letters go out now. */
  private async resolveLate(candidates: LateCandidates, epoch: number | undefined): Promise<void> {
    for (const id of candidates.counted) {
      this.pendingLate.delete(id);
      this.counters.eventsCounted++;
    }
    const letters: DeadLetter[] = [];
    for (const id of candidates.late) {
      const letter = this.pendingLate.get(id);
      if (!letter) continue;
      this.pendingLate.delete(id);
      this.counters.lateEvents++;
      // Joins the side outputs of the checkpoint its record belongs to (as a refused result does).
      letters.push(epoch === undefined ? letter : { ...letter, epoch });
    }
    if (letters.length > 0) await this.options.deadLetters.send(letters);
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

  private letter(topic: string, batch: SourceBatch, record: SourceRecord, code: DeadLetter['code'], message: string): DeadLetter {
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
