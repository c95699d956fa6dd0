/**
 * A step as a thread message: columns, not parsed event objects. Measured (bench/parse-placement.ts,
 * placement a2 vs a): posting a step's events as objects costs the window worker ~2.5 µs per event
 * to deserialize, columns ~0.8 µs, and the window workers are the daemon's bottleneck.
 *
 * Columns of one step (n events, in step order):
 * - `keys`: every key concatenated, one string (one string clone per message, not n);
 * - `buffer` (transferred): Float64 event times [n], then Uint32 key ends [n];
 * - `values`: what the job's aggregate reads of each event (`WindowInput`), in the job's codec;
 * - with `indexed` (a share a worker parsed: batch-parse.ts), the buffer also holds each event's
 *   index in its source batch, Uint32 [n] after the key ends, so the main thread can tell which
 *   record an event came from; `skip` lists positions the owner must leave out (found late).
 *
 * No per-event trace context travels: the pipeline records a traced event's window on the main
 * thread (`PipelineTelemetry.counted`), and firings are traced there when results come back.
 */
import type { KeyedEvent } from '../streams/operators/keyed-stage.js';
import { WHOLE_EVENT, type ValueColumnBuilder, type WindowInput } from '../job/window-input.js';
import type { JobDefinition } from '../job/job.js';

export interface StepColumns {
  n: number;
  keys: string;
  buffer: ArrayBuffer;
  values: unknown;
  /** Late candidates (session windows), as pairs: [index in this step, candidate id, ...], by index. */
  candidates?: number[];
  /** The buffer holds each event's index in its source batch (Uint32 [n], after the key ends). */
  indexed?: true;
  /** Positions in this step the owner leaves out (the main thread found them late), ascending. */
  skip?: number[];
}

export interface EncodedStep {
  columns: StepColumns;
  /** The postMessage transfer list: the buffers move, they are not copied. */
  transfer: ArrayBuffer[];
  /** Size in the message: what the step's credit counts. */
  bytes: number;
}

/** The job's projection, or the whole event (cloned) for a job that declares none. */
export function windowInputOf<IN>(job: Pick<JobDefinition<IN, unknown, unknown>, 'windowInput'>): WindowInput<IN, unknown> {
  return job.windowInput ?? (WHOLE_EVENT as WindowInput<IN, unknown>);
}

/** Encode events as one step's columns (all to one worker). */
export function encodeStep<IN>(events: ReadonlyArray<KeyedEvent<IN>>, input: WindowInput<IN, unknown>): EncodedStep {
  return encodeSteps(events, 1, () => 0, input)[0] as EncodedStep;
}

/**
 * Split events by owner (`ownerOf(key)` in [0, parts)) and encode each share: one pass to count
 * (so every buffer is allocated at its final size), one to fill. Order within a share is kept.
 */
export function encodeSteps<IN>(
  events: ReadonlyArray<KeyedEvent<IN>>,
  parts: number,
  ownerOf: (key: string) => number,
  input: WindowInput<IN, unknown>,
): EncodedStep[] {
  const total = events.length;
  const owners = new Uint32Array(total);
  const counts = new Uint32Array(parts);
  for (let i = 0; i < total; i++) {
    const owner = ownerOf((events[i] as KeyedEvent<IN>).key);
    owners[i] = owner;
    counts[owner]!++;
  }
  const shares = Array.from({ length: parts }, (_, p) => new ShareBuilder(counts[p] as number, input));
  for (let i = 0; i < total; i++) {
    const e = events[i] as KeyedEvent<IN>;
    (shares[owners[i] as number] as ShareBuilder<IN>).push(e);
  }
  return shares.map((s) => s.finish());
}

/**
 * Events a worker parsed (batch-parse.ts), as parallel columns of `n`: split by `owners` into one
 * indexed share per owner, each event with its index in the batch (`batchIndices`).
 */
export function encodeParsed<IN>(
  n: number,
  keys: readonly string[],
  timestamps: Float64Array,
  projected: readonly unknown[],
  batchIndices: Uint32Array,
  owners: Uint8Array | Uint16Array,
  parts: number,
  input: WindowInput<IN, unknown>,
): EncodedStep[] {
  const counts = new Uint32Array(parts);
  for (let i = 0; i < n; i++) counts[owners[i] as number]!++;
  const shares = Array.from({ length: parts }, (_, p) => new ShareBuilder(counts[p] as number, input, true));
  for (let i = 0; i < n; i++) {
    (shares[owners[i] as number] as ShareBuilder<IN>).pushProjected(
      keys[i] as string,
      timestamps[i] as number,
      projected[i],
      batchIndices[i] as number,
    );
  }
  return shares.map((s) => s.finish());
}

class ShareBuilder<IN> {
  private readonly keys: string[];
  private readonly buffer: ArrayBuffer;
  private readonly timestamps: Float64Array;
  private readonly keyEnds: Uint32Array;
  private readonly indices: Uint32Array | undefined;
  private readonly values: ValueColumnBuilder<unknown>;
  private candidates: number[] | undefined;
  private at = 0;
  private keyEnd = 0;

  constructor(
    private readonly n: number,
    private readonly input: WindowInput<IN, unknown>,
    indexed = false,
  ) {
    this.keys = new Array<string>(n);
    this.buffer = new ArrayBuffer(n * (indexed ? 16 : 12));
    this.timestamps = new Float64Array(this.buffer, 0, n);
    this.keyEnds = new Uint32Array(this.buffer, n * 8, n);
    this.indices = indexed ? new Uint32Array(this.buffer, n * 12, n) : undefined;
    this.values = input.values.builder(n);
  }

  push(e: KeyedEvent<IN>): void {
    if (e.lateCandidate !== undefined) (this.candidates ??= []).push(this.at, e.lateCandidate);
    this.pushProjected(e.key, e.timestamp, this.input.project(e.event), 0);
  }

  /** An event already keyed, timed and projected, with its index in its source batch (`indexed`). */
  pushProjected(key: string, timestamp: number, value: unknown, batchIndex: number): void {
    const i = this.at++;
    this.keys[i] = key;
    this.keyEnd += key.length;
    this.keyEnds[i] = this.keyEnd;
    this.timestamps[i] = timestamp;
    this.values.push(value);
    if (this.indices) this.indices[i] = batchIndex;
  }

  finish(): EncodedStep {
    if (this.at !== this.n) throw new Error(`a step share got ${this.at} events, ${this.n} expected`);
    const keys = this.keys.join('');
    const values = this.values.finish();
    return {
      columns: {
        n: this.n,
        keys,
        buffer: this.buffer,
        values: values.column,
        ...(this.candidates ? { candidates: this.candidates } : {}),
        ...(this.indices ? { indexed: true as const } : {}),
      },
      transfer: [this.buffer, ...values.transfer],
      // A string clones at up to 2 bytes per UTF-16 unit.
      bytes: this.buffer.byteLength + keys.length * 2 + values.bytes + (this.candidates?.length ?? 0) * 8,
    };
  }
}

/** Calls `add` for each event of the columns, in order, without building KeyedEvent objects. */
export function forEachEvent<IN>(
  columns: StepColumns,
  input: WindowInput<IN, unknown>,
  add: (key: string, timestamp: number, event: IN, lateCandidate?: number) => void,
): void {
  const { n, keys, buffer, candidates, skip } = columns;
  const timestamps = timestampsOf(columns);
  const keyEnds = new Uint32Array(buffer, n * 8, n);
  const valueAt = input.values.reader(columns.values, n);
  let start = 0;
  /** The next candidate's position in `candidates` (pairs, ordered by index). */
  let c = 0;
  /** The next position to leave out, in `skip`. */
  let s = 0;
  for (let i = 0; i < n; i++) {
    const end = keyEnds[i] as number;
    if (skip !== undefined && skip[s] === i) {
      s++;
      start = end;
      continue;
    }
    const key = keys.slice(start, end);
    const timestamp = timestamps[i] as number;
    if (candidates !== undefined && candidates[c] === i) {
      add(key, timestamp, input.rebuild(key, timestamp, valueAt(i)), candidates[c + 1]);
      c += 2;
    } else {
      add(key, timestamp, input.rebuild(key, timestamp, valueAt(i)));
    }
    start = end;
  }
}

/** The events of the columns as KeyedEvent objects (tests, and any consumer wanting the old shape). */
export function decodeStep<IN>(columns: StepColumns, input: WindowInput<IN, unknown>): Array<KeyedEvent<IN>> {
  const events: Array<KeyedEvent<IN>> = [];
  forEachEvent(columns, input, (key, timestamp, event, lateCandidate) =>
    events.push(lateCandidate === undefined ? { key, timestamp, event } : { key, timestamp, event, lateCandidate }),
  );
  return events;
}

/** The source-batch index of each event of indexed columns (a share a worker parsed). */
export function batchIndicesOf(columns: StepColumns): Uint32Array {
  if (!columns.indexed) throw new Error('the columns hold no batch indices');
  return new Uint32Array(columns.buffer, columns.n * 12, columns.n);
}

/** The event times of a step's columns. */
export function timestampsOf(columns: StepColumns): Float64Array {
  return new Float64Array(columns.buffer, 0, columns.n);
}
