/**
 * What a job is: how to read a record, where its event time and key are, how to aggregate it in a
 * keyed tumbling window, and how a result maps onto the sinks. The engine (source, watermarks,
 * windows, sinks, offsets) is the same for every job; the clickstream job is the built-in one.
 */
import type { RecordErrorCode } from '../errors.js';
import type { AggregateFunction } from '../streams/operators/windows.js';
import type { WindowInput } from './window-input.js';

export type JobParseResult<IN> = { ok: true; event: IN } | { ok: false; code: RecordErrorCode; message: string };

/**
 * A job's accumulator as plain JSON and back: what a savepoint stores, so a savepoint never depends
 * on the state engine's own encoding (msgpack in LMDB) or on a class's shape in memory.
 */
export interface StateCodec<ACC> {
  encode(accumulator: ACC): unknown;
  /** Must validate: throws (SAVEPOINT_INVALID) on anything it cannot read, never builds a half value. */
  decode(json: unknown): ACC;
}

export interface JobDefinition<IN, ACC, OUT> {
  name: string;
  /** Bytes in, an event or a dead-letter reason out. Must never throw. */
  parse(value: Uint8Array | null, nowMs: number): JobParseResult<IN>;
  timestampOf(event: IN): number;
  keyOf(event: IN): string;
  aggregate: AggregateFunction<IN, ACC, OUT>;
  /**
   * What `aggregate` reads of an event besides its key and time: only that travels to the window
   * workers (see src/actors/step-codec.ts). Without it, whole events are cloned to the workers.
   */
  windowInput?: WindowInput<IN, unknown>;
  /** How savepoints write and read this job's accumulators. */
  stateCodec: StateCodec<ACC>;
  /** Deterministic id of a result: the same key and window always give the same id. */
  resultId(result: OUT): string;
  /** Monotonic within a window: a sink refuses to replace a result by one with a lower version. */
  resultVersion(result: OUT): number;
  redisValue(result: OUT): string;
  /** The key and window a result belongs to (telemetry: traces and fire latency). */
  resultRef(result: OUT): { key: string; window: { start: number; end: number } };
}
