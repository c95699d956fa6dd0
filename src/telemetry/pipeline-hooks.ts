/**
 * What the pipeline tells telemetry, in three calls: the parse stage of a batch, an event counted
 * into a window, and windows fired. The default does nothing; DaemonTelemetry implements them
 * (metrics and, when tracing is on, spans). Kept in its own small module so the dataflow code
 * depends on an interface only, wherever it runs (main thread today, worker threads later).
 */
import type { TraceCarrier } from './tracing.js';

export interface FiredWindowRef {
  key: string;
  window: { start: number; end: number };
}

export interface FireScope {
  /** Run the hand-over of the fired results to the sinks; the firing ends when it settles. */
  run<T>(handOver: () => Promise<T>): Promise<T>;
}

export interface PipelineTelemetry {
  /** The parse and validate stage of one batch (`parse` runs synchronously, once). */
  parse<T>(batch: { topic: string; partition: number; records: { length: number } }, parse: () => T): T;
  /** An event carrying a trace context was counted into window (key, windowStart). */
  counted(trace: TraceCarrier, key: string, windowStart: number): void;
  /**
   * The watermark fired `count` windows; their results are handed to the sinks inside the scope.
   * `refs` names them, and is called only when tracing needs them (its spans link their events):
   * results printed on a worker (RenderedResults) have none to give, and are made only with tracing off.
   */
  fired(count: number, refs: () => readonly FiredWindowRef[], watermark: number): FireScope;
  /**
   * Whether records' trace contexts are followed now: then the main thread parses (`counted` needs
   * each event there, and the parse its span). Absent: never.
   */
  tracing?(): boolean;
  /**
   * A batch's records are counted in (`stats().recordsIn`), its letters counted: its offsets are
   * processed (consumer lag). With the parse on the workers, after `processBatch` resolved.
   */
  batchFinished?(batch: { partition: number; records: ArrayLike<{ offset: string }>; highWatermark?: string }): void;
}

const IMMEDIATE: FireScope = { run: (handOver) => handOver() };

export const NO_PIPELINE_TELEMETRY: PipelineTelemetry = {
  parse: (_batch, parse) => parse(),
  counted: () => undefined,
  fired: () => IMMEDIATE,
};

export const IMMEDIATE_SCOPE = IMMEDIATE;
