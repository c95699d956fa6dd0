/**
 * What a job is: how to read a record, where its event time and key are, how to aggregate it in
 * keyed event-time windows, and how a result maps onto the sinks. The engine (source, watermarks,
 * windows, sinks, offsets) is the same for every job; the clickstream job is the built-in one, and
 * job files (src/job/job-file.ts) compile into this shape.
 */
import type { RecordErrorCode } from '../errors.js';
import type { WindowSpec } from '../streams/operators/window-assigners.js';
import type { AggregateFunction } from '../streams/operators/windows.js';
import type { WindowInput } from './window-input.js';

/**
 * A dead-letter code: the engine's (RecordErrorCode) or one a job file's validation rules name
 * (upper snake case, e.g. `BAD_PRICE`).
 */
export type DeadLetterCode = RecordErrorCode | (string & {});

export type JobParseResult<IN> =
  | { ok: true; event: IN; filtered?: undefined }
  | { ok: false; code: DeadLetterCode; message: string; filtered?: undefined }
  /** Left out by the job's filters: neither counted nor a dead letter. */
  | { ok: false; filtered: true; code?: undefined; message?: undefined };

/**
 * How a worker thread gets a job that is not built in: the job file's validated content (compiled
 * again in the thread), or an ES module's path with its sha256 (imported in the thread; a module
 * changed on disk since the main thread loaded it is refused).
 */
export type JobSource =
  | { kind: 'file'; path: string; spec: unknown }
  | { kind: 'module'; path: string; sha256: string; exportName: string };

/** An Elasticsearch index mapping: `dynamic` and each top-level property's type. */
export interface EsMapping {
  dynamic: 'strict';
  properties: Record<string, { type: string; format?: string; enabled?: boolean }>;
}

/** How one aggregate is computed: what a savepoint must agree on to restore its state. */
export interface AggregateShape {
  type: string;
  field?: string;
}

/**
 * The parts of a job its state depends on, recorded in checkpoints and savepoints: another key or
 * window, or an aggregate computed another way under the same name, cannot restore that state.
 */
export interface JobStateShape {
  key: string[];
  aggregates: Record<string, AggregateShape>;
  /** A job with several aggregations: each one's name, windows, key and aggregates, in order. */
  aggregations?: AggregationShape[];
}

export interface AggregationShape {
  name: string;
  window: WindowSpec;
  key: string[];
  aggregates: Record<string, AggregateShape>;
}

/**
 * Which sinks a job writes (Elasticsearch and Redis also need their connection variable; where
 * they write, index and key prefix, is in the configuration). Absent: the built-in job's choice,
 * every sink configured, else stdout.
 */
export interface JobOutputs {
  elasticsearch: boolean;
  redis: boolean;
  stdout: boolean;
}

/**
 * A job's accumulator as plain JSON and back: what a savepoint stores, so a savepoint never depends
 * on the state engine's own encoding (msgpack in LMDB) or on a class's shape in memory.
 */
export interface StateCodec<ACC> {
  encode(accumulator: ACC): unknown;
  /** Must validate: throws (SAVEPOINT_INVALID) on anything it cannot read, never builds a half value. */
  decode(json: unknown): ACC;
}

/** How results are turned into what the sinks write: a job's own, or one aggregation's. */
export type ResultShape<OUT> = Pick<
  JobDefinition<unknown, unknown, OUT>,
  'resultId' | 'resultVersion' | 'redisKey' | 'redisValue' | 'toDocument' | 'esMapping' | 'outputs' | 'resultRef'
>;

/**
 * One aggregation of a job that has several (job files' `aggregations:`): every event is counted by
 * each aggregation under that aggregation's key and windows, into state and outputs of its own. The
 * record is parsed once; `select` gives the event as one aggregation counts it.
 */
export interface JobAggregation<IN, ACC, OUT> {
  name: string;
  window: WindowSpec;
  allowedLatenessMs: number;
  /** The event as this aggregation counts it: its key (`keyOf`), what its aggregates read, which aggregation it is for. */
  select(event: IN): IN;
  aggregate: AggregateFunction<IN, ACC, OUT>;
  /** Its results as its sinks write them (`outputs`: which ones). */
  results: ResultShape<OUT> & { outputs: JobOutputs };
  /** Where its outputs write: its index, its Redis key prefix and TTL (after the environment's overrides). */
  targets: { elasticsearchIndex?: string; redisKeyPrefix?: string; redisTtlSeconds?: number };
}

export interface JobDefinition<IN, ACC, OUT> {
  name: string;
  /** Bytes in, an event or a dead-letter reason out. Must never throw. */
  parse(value: Uint8Array | null, nowMs: number): JobParseResult<IN>;
  /**
   * Optional: `parse` of the value `length` bytes from `start` in `bytes`, giving exactly what
   * `parse(bytes.subarray(start, start + length))` gives, without making that view. A window worker
   * parses a packed batch this way (batch-parse.ts): one Buffer view per record was an allocation
   * per record for nothing.
   */
  parseSpan?(bytes: Buffer, start: number, length: number, nowMs: number): JobParseResult<IN>;
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
  /** Its windows; absent: tumbling windows of SLUICE_WINDOW_MS (the built-in job). */
  window?: WindowSpec;
  /** The Redis key of a result after the key prefix; absent: `resultId`. */
  redisKey?(result: OUT): string;
  /** The Elasticsearch index mapping of its results; absent: the clickstream documents' (RESULT_INDEX_MAPPING). */
  esMapping?: EsMapping;
  /**
   * The document a result is written as (Elasticsearch source, stdout line); absent: the result
   * itself. Lets a result carry what is not in its document (a version) across threads.
   */
  toDocument?(result: OUT): unknown;
  /** Which outputs it declares (job files); absent: the built-in job's (Elasticsearch, Redis, else stdout). */
  outputs?: JobOutputs;
  /** What its state depends on (recorded in checkpoints and savepoints, checked when restoring). */
  stateShape?: JobStateShape;
  /** A digest of the whole definition (job files: of their content), recorded beside `stateShape`. */
  definitionHash?: string;
  /**
   * How its accumulators are kept in LMDB (`clickstream/1`, `job-file/1`): a checkpoint is only
   * restored by a job that keeps them the same way (a savepoint, in JSON, moves state between them).
   */
  stateLayout?: string;
  /** How worker threads get it when it is not built in. */
  source?: JobSource;
  /**
   * Several aggregations over one parse (job files' `aggregations:`): then `window` and the result
   * functions above are the first aggregation's, and the engine runs each aggregation's own.
   */
  aggregations?: ReadonlyArray<JobAggregation<IN, ACC, OUT>>;
  /** Which of `aggregations` a selected event, an accumulator or a result belongs to (jobs with `aggregations`). */
  aggregationOf?: {
    event(event: IN): number;
    accumulator(accumulator: ACC): number;
    result(result: OUT): number;
  };
}
