/**
 * The job's dataflow on the main thread: source batches -> parse/validate -> watermarks -> keyed
 * windows -> sinks, with dead letters and late events diverted, and where a barrier placed now sits
 * (the next offset of every partition and the watermark clocks: a checkpoint's placement).
 *
 * Every entry point (a batch, a tick of the clock, a flush, a placement) runs to completion before
 * the next starts (the caller serializes them), so the window state, the positions and what the
 * sinks hold always agree. Time is read from an injected clock.
 */
import { ErrorCode, RecordErrorCode, SluiceError } from '../../errors.js';
import type { JobDefinition } from '../../job/job.js';
import type { Logger } from '../../telemetry/logging.js';
import { NO_PIPELINE_TELEMETRY, type PipelineTelemetry } from '../../telemetry/pipeline-hooks.js';
import type { KeyedEvent, KeyedStage, LateCandidates, PrintedResults, ResultsCallback } from '../operators/keyed-stage.js';
import type { DeadLetter, DeadLetterSink, ResultSink } from '../sinks/sink.js';
import type { SourceBatch, SourceRecord } from '../sources/source.js';
import { NO_WATERMARK, PartitionWatermarks } from '../operators/watermarks.js';
import { windowSpecOf } from '../operators/windows.js';
import { assignerFor, type WindowAssigner, type WindowSpec } from '../operators/window-assigners.js';
import { packValues, type PackedValues, type ParsedBatch } from '../../actors/batch-parse.js';
import { batchIndicesOf, timestampsOf, type EncodedStep } from '../../actors/step-codec.js';

/**
 * Batches being parsed on the workers at once, at most (SLUICE_PARSE_ON=workers): enough that every
 * worker has one to parse while the main thread forwards another's shares, and few enough that the
 * records held are a handful of fetches (the source's read-ahead holds one more).
 */
const BATCHES_PARSING = 4;

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
  /**
   * SLUICE_PARSE_ON: 'workers' has a stage that can (`parseBatch`) parse batches beside the windows,
   * for a job with one aggregation and windows that do not merge, while tracing is off. Default 'main'.
   */
  parseOn?: 'workers' | 'main';
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
  /** Batches parse on the stage (SLUICE_PARSE_ON=workers and a job that allows it). */
  private readonly parseOnStage: boolean;
  /**
   * Batches handed to the stage's parse and not finished yet, oldest first: each one's finish (they
   * finish in order, each after the one before; a failed one stays, and fails those after it).
   */
  private readonly parsing: Array<Promise<void>> = [];

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
    this.parseOnStage =
      options.parseOn === 'workers' &&
      this.stage.parseBatch !== undefined &&
      this.stage.processParsed !== undefined &&
      aggregations === undefined &&
      !this.merging;
    this.stage.bindPrinted?.((printed, epoch) => this.writePrinted(printed, epoch));
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
    if (this.parseOnStage && !this.telemetry.tracing?.()) return this.parseOnWorkers(batch);
    // Batches still parsing on the workers come first: their events, letters and watermark.
    await this.settled();
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
          const letter = this.lateLetter(batch, record, timestamp, watermark, latenessMs, name);
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
    this.telemetry.batchFinished?.(batch);
    const sending = letters.length > 0 ? this.options.deadLetters.send(letters) : undefined;
    await this.step(events, watermark, this.watermarks.current(now));
    if (sending) await this.whileBlocked(sending);
  }

  /**
   * Every batch handed to the workers' parse is finished: its events are with their owners, its
   * letters sent, the watermark past it. Call before a placement (`placement` reads the cut).
   */
  async settled(): Promise<void> {
    while (this.parsing.length > 0) await this.parsing[this.parsing.length - 1];
  }

  /**
   * SLUICE_PARSE_ON=workers (docs/decisions/0030): the batch's values go to a worker's parse now, and
   * its finish (`finishParsed`) runs once parsed and after every earlier batch's, so the main thread
   * decodes the next fetch meanwhile. The position moves past its records here (a rejoin seeks past
   * them, the next batch skips them), and a barrier waits for their finish (`settled`); the counters
   * count them when they finish. Waits only while BATCHES_PARSING are parsing.
   */
  private async parseOnWorkers(batch: SourceBatch): Promise<void> {
    const { records, partition } = batch;
    // The same run saw a prefix of this batch already (kafkajs re-fetches after a rejoin): skipped.
    const alreadyProcessed = (this.positions.get(partition) ?? 0) - 1;
    let first = 0;
    while (first < records.length && Number((records[first] as SourceRecord).offset) <= alreadyProcessed) first++;
    this.counters.redelivered += first;
    if (first === records.length) return;
    // Counted in when finished, with its letters and events: the counters always agree.
    this.positions.set(partition, Number((records[records.length - 1] as SourceRecord).offset) + 1);
    const now = this.options.now();
    const parsed = this.stageParse(packValues(records, first), now);
    // Only the finish below reads it; a failure fails that finish, and the next entry's wait.
    parsed.catch(() => undefined);
    const before = this.parsing[this.parsing.length - 1] ?? Promise.resolve();
    const finished = before.then(async () => this.finishParsed(batch, first, await parsed));
    this.parsing.push(finished);
    void finished.then(
      () => this.parsing.splice(this.parsing.indexOf(finished), 1),
      () => undefined,
    );
    while (this.parsing.length > BATCHES_PARSING) await this.parsing[0];
  }

  /**
   * A parsed batch, in batch order: what `processBatch` does after its parse. Refused records are
   * dead letters, valid events move the partition's clock, and events behind the watermark by more
   * than the allowed lateness are late letters, left out of their share (`skip`).
   */
  private async finishParsed(batch: SourceBatch, first: number, parsed: ParsedBatch): Promise<void> {
    const now = this.options.now();
    const watermark = this.watermarks.last;
    const { assigner, latenessMs } = this.lanes[0] as (typeof this.lanes)[number];
    const letters: Array<{ index: number; letter: DeadLetter }> = [];
    const { refused } = parsed;
    for (let r = 0; r < refused.index.length; r++) {
      const index = refused.index[r] as number;
      const record = batch.records[first + index] as SourceRecord;
      letters.push({
        index,
        letter: this.letter(this.options.topics.dlq, batch, record, refused.code[r] as DeadLetter['code'], refused.message[r] as string),
      });
    }
    this.counters.recordsIn += parsed.n;
    this.counters.deadLetters += refused.index.length;
    this.counters.filtered += parsed.filtered;
    this.telemetry.batchFinished?.(batch);
    let late = 0;
    if (parsed.valid > 0) {
      this.watermarks.observe(batch.partition, parsed.maxTimestamp, now);
      // lastEnd grows with the event time: if the earliest event is on time, every one is.
      if (assigner.lastEnd(parsed.minTimestamp) - 1 + latenessMs <= watermark) {
        for (const share of parsed.shares) {
          const timestamps = timestampsOf(share.columns);
          const indices = batchIndicesOf(share.columns);
          let skip: number[] | undefined;
          for (let j = 0; j < timestamps.length; j++) {
            const timestamp = timestamps[j] as number;
            if (assigner.lastEnd(timestamp) - 1 + latenessMs > watermark) continue;
            (skip ??= []).push(j);
            const index = indices[j] as number;
            letters.push({
              index,
              letter: this.lateLetter(batch, batch.records[first + index] as SourceRecord, timestamp, watermark, latenessMs),
            });
          }
          if (skip) {
            share.columns.skip = skip;
            late += skip.length;
          }
        }
      }
    }
    this.counters.lateEvents += late;
    this.counters.eventsCounted += parsed.valid - late;
    // In record order, as the main thread's parse sends them.
    letters.sort((a, b) => a.index - b.index);
    const sending = letters.length > 0 ? this.options.deadLetters.send(letters.map((l) => l.letter)) : undefined;
    const watermarkAfter = this.watermarks.current(now);
    await this.toStage(parsed.valid - late, watermarkAfter, () => this.stageProcessParsed(parsed.shares, watermark, watermarkAfter, now));
    if (sending) await this.whileBlocked(sending);
  }

  private stageParse(packed: PackedValues, nowMs: number): Promise<ParsedBatch> {
    if (!this.stage.parseBatch) throw new Error('the keyed stage cannot parse batches');
    return this.stage.parseBatch(packed, nowMs);
  }

  private stageProcessParsed(shares: readonly EncodedStep[], before: number, after: number, nowMs: number): Promise<void> {
    if (!this.stage.processParsed) throw new Error('the keyed stage cannot take parsed batches');
    return this.stage.processParsed(shares, before, after, nowMs);
  }

  /** Let wall-clock time pass: idle partitions may release the watermark and windows fire. */
  async tick(): Promise<void> {
    await this.settled();
    const watermark = this.watermarks.current(this.options.now());
    if (watermark > this.stageWatermark) await this.step([], watermark, watermark);
  }

  /** End of a bounded input: every window fires, as with Flink's final watermark. */
  async finish(): Promise<void> {
    await this.settled();
    await this.step([], this.watermarks.last, Number.POSITIVE_INFINITY);
  }

  /** Wait until the keyed stage handed over every result so far and every sink wrote it. */
  async flush(): Promise<void> {
    await this.settled();
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

  private step(events: Array<KeyedEvent<IN>>, watermarkBefore: number, watermarkAfter: number): Promise<void> {
    return this.toStage(events.length, watermarkAfter, () =>
      this.stage.process({ events, watermarkBefore, watermarkAfter, nowMs: this.options.now() }),
    );
  }

  /** Hand `events` events and the watermark to the stage (`post`), unless there is neither. */
  private async toStage(events: number, watermarkAfter: number, post: () => Promise<void>): Promise<void> {
    if (events === 0 && watermarkAfter <= this.stageWatermark) return;
    this.stageWatermark = Math.max(this.stageWatermark, watermarkAfter);
    // Waiting for worker credit is waiting on the sinks (credit returns once results are written).
    await this.whileBlocked(post());
  }

  private async writeResults(results: OUT[], epoch: number | undefined): Promise<void> {
    this.counters.resultsOut += results.length;
    // Results reach here per worker, possibly long after the watermark moved on: telemetry may
    // only forget traced windows every worker has handed over, or later results would lose links.
    const scope = this.telemetry.fired(
      results.length,
      () => results.map((r) => this.options.job.resultRef(r)),
      this.stage.handedOverWatermark(),
    );
    await scope.run(() => Promise.all(this.options.sinks.map((sink) => sink.write(results, epoch))));
  }

  /** Results a worker printed (stdout is the only sink, tracing is off: `printResultsOnWorkers`). */
  private async writePrinted(printed: PrintedResults, epoch: number | undefined): Promise<void> {
    this.counters.resultsOut += printed.count;
    const scope = this.telemetry.fired(printed.count, () => [], this.stage.handedOverWatermark());
    await scope.run(() =>
      Promise.all(
        this.options.sinks.map((sink) => {
          if (!sink.writePrinted)
            throw new SluiceError(ErrorCode.INTERNAL, `printed results reached the ${sink.name} sink, which takes result objects`);
          return sink.writePrinted(printed, epoch);
        }),
      ),
    );
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

  /** The late topic's letter of an event behind `watermark` by more than `latenessMs` (of aggregation `name`). */
  private lateLetter(
    batch: SourceBatch,
    record: SourceRecord,
    timestamp: number,
    watermark: number,
    latenessMs: number,
    name?: string,
  ): DeadLetter {
    return this.letter(
      this.options.topics.late,
      batch,
      record,
      RecordErrorCode.LATE_EVENT,
      `event time ${timestamp} is behind the watermark ${watermark} by more than the allowed lateness (${latenessMs} ms)${name === undefined ? '' : ` of aggregation ${name}`}`,
    );
  }

  private letter(topic: string, batch: SourceBatch, record: SourceRecord, code: DeadLetter['code'], message: string): DeadLetter {
    return {
      topic,
      // Copies: the record's buffers belong to the source; a letter outlives the batch.
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
