/**
 * The keyed part of a job (keyBy -> window -> aggregate), seen from the pipeline. It takes steps:
 * the validated, on-time events of one source batch with the watermark before and after it. Where
 * the keyed state lives (this thread, or actors on worker threads) is the stage's business.
 */
import type { PackedValues, ParsedBatch } from '../../actors/batch-parse.js';
import type { EncodedStep } from '../../actors/step-codec.js';

export interface KeyedEvent<IN> {
  key: string;
  timestamp: number;
  event: IN;
  /**
   * Set for an event behind the watermark by more than its own window allows, with session
   * windows: it still counts if it joins a live session of its key, which only the stage holding
   * the key's state can tell. The stage reports what became of it by this id (`LateCandidates`).
   */
  lateCandidate?: number;
}

/**
 * Events the pipeline could not judge late or on time (session windows: whether an event far behind
 * the watermark joins a live session depends on its key's state): by id, which counted and which
 * were late.
 */
export interface LateCandidates {
  counted: number[];
  late: number[];
}

export interface KeyedStep<IN> {
  events: Array<KeyedEvent<IN>>;
  /** Lateness and re-firing are judged against this (the watermark when the batch arrived). */
  watermarkBefore: number;
  /** Windows up to this watermark fire after the events are added. */
  watermarkAfter: number;
  /** Wall-clock time of the step (the main thread's clock): drives the state TTL. */
  nowMs: number;
}

export interface KeyedStage<IN> {
  start(): Promise<void>;
  /** Resolves once the step is accepted; a slow resolve is backpressure. Results go to the stage's results callback. */
  process(step: KeyedStep<IN>): Promise<void>;
  /** Resolves once every step before it was processed and its results were handed over. */
  drain(): Promise<void>;
  stop(): Promise<void>;
  /** (key, window) entries held: for status and metrics. */
  openWindows(): number;
  /** Every result of every window up to this watermark has been handed to the results callback. */
  handedOverWatermark(): number;
  /** Where what became of late candidates goes (stages that may get them: session windows). */
  bindLate?(onLate: LateCandidatesCallback): void;
  /**
   * Where results printed where they were made go (a stage on worker threads, told to print them:
   * `WorkerStageOptions.printResults`); such a stage hands no result objects to its results callback.
   */
  bindPrinted?(onPrinted: PrintedResultsCallback): void;
  /**
   * Parse a source batch's values beside the windows (a stage on worker threads): the valid events
   * come back split by owner, keyed and timed, for `processParsed`. Nothing is applied before that.
   */
  parseBatch?(packed: PackedValues, nowMs: number): Promise<ParsedBatch>;
  /** A step of events `parseBatch` split by owner (their late ones marked `skip`). */
  processParsed?(shares: readonly EncodedStep[], watermarkBefore: number, watermarkAfter: number, nowMs: number): Promise<void>;
}

/**
 * Where a stage hands its results; awaited, so a slow sink slows the stage. `epoch`: barriers the
 * producing worker had passed (a stage with barriers), so what the results cause later (a refused
 * document's dead letter) is committed with the right checkpoint.
 */
export type ResultsCallback<OUT> = (results: OUT[], epoch?: number) => Promise<void>;

/**
 * Results as the stdout sink prints them, printed by the thread that made them: one JSON line per
 * result (the job's document, `JSON.stringify`), each ending in a newline. When stdout is the only
 * output, the main thread then neither rebuilds result objects from a worker's message nor prints
 * them, work that was a tenth of the daemon's CPU with the sinks off (docs/decisions/0034).
 */
export interface PrintedResults {
  readonly lines: string;
  readonly count: number;
}

/** Where a stage hands results it printed (`PrintedResults`), as `ResultsCallback` does objects. */
export type PrintedResultsCallback = (printed: PrintedResults, epoch?: number) => Promise<void>;

/**
 * Where a stage tells what became of a step's late candidates, after that step's results; `epoch`
 * as for results, so a late event's letter commits with the checkpoint its record belongs to.
 */
export type LateCandidatesCallback = (candidates: LateCandidates, epoch?: number) => Promise<void>;
