/**
 * What the parse-placement bench moves between threads, and the parse step itself, shared by the
 * main thread, the piscina parse pool and the window workers of bench/parse-placement.ts.
 *
 * - A raw batch: the Kafka values of one source batch packed into ONE ArrayBuffer (offsets + bytes),
 *   transferred, never cloned, and never 1,000 Buffers.
 * - Parsed columns: the valid events bound for one window worker: the keys concatenated into one
 *   string (one string clone per message, not one per event), event types dictionary-coded, and the
 *   timestamps, key lengths and type codes in one transferred ArrayBuffer.
 * - A batch summary: what the main thread's bookkeeping needs from a batch it did not parse itself:
 *   the largest event time (watermarks), per window the lowest offset (offsets held until the window
 *   is written), and the bad records (index and code) for the dead-letter topic.
 */
import { readFileSync } from 'node:fs';
import { keyGroupOf } from '../src/actors/key-groups.js';
import { parseClick } from '../src/streams/operators/records.js';

// ---------------------------------------------------------------------------------------------
// raw batches

/** Layout: Uint32 [count, end of value 0, end of value 1, ...] then the values' bytes. */
export function packRaw(values: ReadonlyArray<Uint8Array | null>): ArrayBuffer {
  const n = values.length;
  let bytes = 0;
  for (const v of values) bytes += v ? v.length : 0;
  const header = 4 * (n + 1);
  const buffer = new ArrayBuffer(header + bytes);
  const ends = new Uint32Array(buffer, 0, n + 1);
  const data = new Uint8Array(buffer, header);
  ends[0] = n;
  let at = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v) {
      data.set(v, at);
      at += v.length;
    }
    ends[i + 1] = at;
  }
  return buffer;
}

/** Calls `each(i, value)` with a view of each value of a packed raw batch (a null value is empty). */
export function forEachRaw(buffer: ArrayBuffer, each: (index: number, value: Buffer) => void): number {
  const n = new Uint32Array(buffer, 0, 1)[0] as number;
  const ends = new Uint32Array(buffer, 4, n);
  const header = 4 * (n + 1);
  let start = 0;
  for (let i = 0; i < n; i++) {
    const end = ends[i] as number;
    each(i, Buffer.from(buffer, header + start, end - start));
    start = end;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// parsed columns

export interface Columns {
  n: number;
  /** Every key, concatenated; `keyLength(i)` says where each ends. */
  keys: string;
  /** Event types by code. */
  types: string[];
  /** Float64 timestamps [n], then Uint16 key lengths [n], then Uint8 type codes [n]. */
  buffer: ArrayBuffer;
}

export class ColumnsBuilder {
  private readonly keys: string[] = [];
  private readonly timestamps: number[] = [];
  private readonly typeCodes: number[] = [];
  private readonly types: string[] = [];
  private readonly typeIndex = new Map<string, number>();

  get size(): number {
    return this.keys.length;
  }

  push(key: string, eventType: string, timestamp: number): void {
    let code = this.typeIndex.get(eventType);
    if (code === undefined) {
      code = this.types.length;
      if (code > 255) throw new Error('more than 256 event types in one batch');
      this.types.push(eventType);
      this.typeIndex.set(eventType, code);
    }
    this.keys.push(key);
    this.timestamps.push(timestamp);
    this.typeCodes.push(code);
  }

  finish(): Columns {
    const n = this.keys.length;
    const buffer = new ArrayBuffer(n * 11);
    const ts = new Float64Array(buffer, 0, n);
    const lengths = new Uint16Array(buffer, n * 8, n);
    const codes = new Uint8Array(buffer, n * 10, n);
    for (let i = 0; i < n; i++) {
      ts[i] = this.timestamps[i] as number;
      lengths[i] = (this.keys[i] as string).length;
      codes[i] = this.typeCodes[i] as number;
    }
    return { n, keys: this.keys.join(''), types: this.types, buffer };
  }
}

export function forEachColumn(columns: Columns, each: (key: string, eventType: string, timestamp: number) => void): void {
  const { n, keys, types, buffer } = columns;
  const ts = new Float64Array(buffer, 0, n);
  const lengths = new Uint16Array(buffer, n * 8, n);
  const codes = new Uint8Array(buffer, n * 10, n);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const end = at + (lengths[i] as number);
    each(keys.slice(at, end), types[codes[i] as number] as string, ts[i] as number);
    at = end;
  }
}

// ---------------------------------------------------------------------------------------------
// batch summaries and the parse step

export interface BatchSummary {
  /** Largest event time among the valid events (-Infinity if none). */
  maxTimestamp: number;
  /** Index within the batch and error code of each bad record (to the dead-letter topic). */
  bad: number[];
  badCodes: string[];
  /** Events behind the watermark (to the late topic): their indexes. */
  late: number[];
}

export interface ParseContext {
  nowMs: number;
  watermarkBefore: number;
  windowMs: number;
  allowedLatenessMs: number;
  /** key group -> window worker. */
  table: Uint16Array;
}

/**
 * Parse and validate one value, then everything the pipeline does per record before the keyed
 * stage: lateness, window, the owner worker. `route` gets each on-time event.
 */
export class BatchParser {
  private maxTimestamp = Number.NEGATIVE_INFINITY;
  private readonly bad: number[] = [];
  private readonly badCodes: string[] = [];
  private readonly late: number[] = [];

  constructor(
    private readonly ctx: ParseContext,
    private readonly route: (owner: number, key: string, eventType: string, timestamp: number) => void,
  ) {}

  add(index: number, value: Uint8Array | null): void {
    const parsed = parseClick(value, this.ctx.nowMs);
    if (!parsed.ok) {
      this.bad.push(index);
      this.badCodes.push(parsed.code);
      return;
    }
    const { userId, eventType, timestamp } = parsed.event;
    const { windowMs } = this.ctx;
    const windowStart = timestamp - (((timestamp % windowMs) + windowMs) % windowMs);
    if (windowStart + windowMs - 1 + this.ctx.allowedLatenessMs <= this.ctx.watermarkBefore) {
      this.late.push(index);
      return;
    }
    if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp;
    this.route(this.ctx.table[keyGroupOf(userId)] as number, userId, eventType, timestamp);
  }

  summary(): BatchSummary {
    return { maxTimestamp: this.maxTimestamp, bad: this.bad, badCodes: this.badCodes, late: this.late };
  }
}

/** The window workers' downstream: events per key, and at the end an order-independent checksum. */
export class KeyCounter {
  readonly counts = new Map<string, number>();
  events = 0;
  timestampSum = 0;

  add(key: string, _eventType: string, timestamp: number): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.events++;
    // Modulo a prime: exact in a double for any run length here, and sensitive to each timestamp.
    this.timestampSum = (this.timestampSum + (timestamp % 1_000_003)) % 2_147_483_647;
  }

  reset(): void {
    this.counts.clear();
    this.events = 0;
    this.timestampSum = 0;
  }

  /** sum over keys of hash(key) * count, mod 2^32: equal iff the same keys got the same counts (w.h.p.). */
  checksum(): number {
    let sum = 0;
    for (const [key, count] of this.counts) sum = (sum + Math.imul(stableHash32(key), count)) >>> 0;
    return sum;
  }
}

function stableHash32(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** CPU nanoseconds of the calling thread so far (Linux; Node 20 has no process.threadCpuUsage). */
export function threadCpuNs(): number {
  const text = readFileSync('/proc/thread-self/schedstat', 'utf8');
  return Number(text.slice(0, text.indexOf(' ')));
}
