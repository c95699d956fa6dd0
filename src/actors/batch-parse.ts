/**
 * A source batch parsed on a window worker (docs/decisions/0030): the main thread packs the batch's
 * values into one transferred buffer (`packValues`); a worker runs the job's parse over them, keys
 * and times the valid events, splits them by owning worker and encodes each share as step columns
 * (`parseForOwners`). The shares go back to the main thread, which keeps every decision that needs
 * the whole stream (watermarks, lateness, dead letters, offsets) and forwards each share to its
 * owner in batch order, so the main thread no longer parses and the cores that idled do.
 */
import type { JobDefinition } from '../job/job.js';
import type { WindowInput } from '../job/window-input.js';
import { VALUE_AT, VALUE_BYTES, VALUE_LENGTH, type SourceRecord } from '../streams/sources/source.js';
import { encodeParsed, type EncodedStep } from './step-codec.js';

/**
 * A batch's values as one message: bytes holding every value, and each value's place in them
 * (`starts`, Int32 [n]) and length (`lengths`, Int32 [n]; -1: a null value).
 */
export interface PackedValues {
  n: number;
  bytes: ArrayBuffer;
  starts: ArrayBuffer;
  lengths: ArrayBuffer;
}

/** What a worker found in a batch; `index` always counts from the first packed value. */
export interface ParsedBatch {
  n: number;
  /** Valid events, in every share together. */
  valid: number;
  /** The least and the greatest event time of the valid events (Infinity and -Infinity when none). */
  minTimestamp: number;
  maxTimestamp: number;
  /** Records the job's filters left out. */
  filtered: number;
  /** Records refused: their indexes (ascending), dead-letter codes and messages. */
  refused: { index: number[]; code: string[]; message: string[] };
  /**
   * The valid events of each owning worker (by worker index), as indexed columns: an encoded step
   * (`transfer`: its buffers, which the message to the owner moves again).
   */
  shares: EncodedStep[];
}

/**
 * Copy the values of `records` from `first` on into one buffer (the records stay untouched). Kafka's
 * values lie in one fetch response, and its records say where (`VALUE_BYTES`, `VALUE_AT`,
 * `VALUE_LENGTH`: no view per value): the span from the first to the last is copied at once
 * (record headers between them included, a few bytes each), which costs far less than a copy per
 * value. Values from different buffers are copied one by one.
 */
export function packValues(records: readonly SourceRecord[], first: number): PackedValues {
  const n = records.length - first;
  const starts = new Int32Array(n);
  const lengths = new Int32Array(n);
  let base: ArrayBufferLike | undefined;
  let lastHolder: Buffer | undefined;
  let lastHolderOffset = 0;
  let low = Number.POSITIVE_INFINITY;
  let high = 0;
  let total = 0;
  let shared = true;
  for (let i = 0; i < n; i++) {
    const record = records[first + i] as SourceRecord;
    let holder = record[VALUE_BYTES];
    let at: number;
    let length: number;
    if (holder !== undefined) {
      at = record[VALUE_AT] as number;
      length = record[VALUE_LENGTH] as number;
    } else {
      const value = record.value;
      holder = value ?? undefined;
      at = 0;
      length = value === null ? -1 : value.length;
    }
    lengths[i] = length;
    if (length < 0 || holder === undefined) continue;
    total += length;
    // Records read in place from one fetch share one holder: its place in memory is read once.
    if (holder !== lastHolder) {
      lastHolder = holder;
      lastHolderOffset = holder.byteOffset;
      if (base === undefined) base = holder.buffer;
      else if (holder.buffer !== base) shared = false;
    }
    const from = lastHolderOffset + at;
    if (from < low) low = from;
    if (from + length > high) high = from + length;
    starts[i] = from;
  }
  if (base === undefined) return { n, bytes: new ArrayBuffer(0), starts: starts.buffer, lengths: lengths.buffer };
  // One span, unless it would copy much more than the values (views scattered over a large buffer).
  if (shared && high - low <= 2 * total + 4096) {
    const bytes = new Uint8Array(base, low, high - low).slice().buffer;
    for (let i = 0; i < n; i++) if ((lengths[i] as number) >= 0) starts[i] = (starts[i] as number) - low;
    return { n, bytes, starts: starts.buffer, lengths: lengths.buffer };
  }
  const into = new Uint8Array(total);
  let to = 0;
  for (let i = 0; i < n; i++) {
    const value = (records[first + i] as SourceRecord).value;
    if (value === null) continue;
    into.set(value, to);
    starts[i] = to;
    to += value.length;
  }
  return { n, bytes: into.buffer, starts: starts.buffer, lengths: lengths.buffer };
}

/**
 * Parse packed values with the job's own parse, exactly as the main thread would (same function,
 * same clock reading), and split the valid events by owner. Never throws for bad input: the job's
 * parse does not. `transfer`: the buffers the reply moves rather than copies.
 */
export function parseForOwners<IN>(
  job: Pick<JobDefinition<IN, unknown, unknown>, 'parse' | 'parseSpan' | 'keyOf' | 'timestampOf'>,
  packed: PackedValues,
  nowMs: number,
  parts: number,
  ownerOf: (key: string) => number,
  input: WindowInput<IN, unknown>,
): { parsed: ParsedBatch; transfer: ArrayBuffer[] } {
  const { n } = packed;
  const starts = new Int32Array(packed.starts);
  const lengths = new Int32Array(packed.lengths);
  // The valid events as columns (no object per event beyond what the job's parse makes).
  const keys: string[] = [];
  const timestamps = new Float64Array(n);
  const projected: unknown[] = [];
  const batchIndices = new Uint32Array(n);
  const owners = parts <= 0x100 ? new Uint8Array(n) : new Uint16Array(n);
  let valid = 0;
  const refused: ParsedBatch['refused'] = { index: [], code: [], message: [] };
  let filtered = 0;
  let minTimestamp = Number.POSITIVE_INFINITY;
  let maxTimestamp = Number.NEGATIVE_INFINITY;
  const bytes = Buffer.from(packed.bytes);
  for (let i = 0; i < n; i++) {
    const length = lengths[i] as number;
    // Read in place when the job can (no view per value), else a view, as the source's own records
    // are: the job's parse reads it and keeps nothing of it.
    const parsed =
      length < 0
        ? job.parse(null, nowMs)
        : job.parseSpan
          ? job.parseSpan(bytes, starts[i] as number, length, nowMs)
          : job.parse(bytes.subarray(starts[i] as number, (starts[i] as number) + length), nowMs);
    if (!parsed.ok) {
      if (parsed.filtered) {
        filtered++;
      } else {
        refused.index.push(i);
        refused.code.push(parsed.code);
        refused.message.push(parsed.message);
      }
      continue;
    }
    const event = parsed.event;
    const timestamp = job.timestampOf(event);
    if (timestamp < minTimestamp) minTimestamp = timestamp;
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
    const key = job.keyOf(event);
    keys.push(key);
    timestamps[valid] = timestamp;
    projected.push(input.project(event));
    batchIndices[valid] = i;
    owners[valid] = ownerOf(key);
    valid++;
  }
  const encoded = encodeParsed(valid, keys, timestamps, projected, batchIndices, owners, parts, input);
  return {
    parsed: { n, valid, minTimestamp, maxTimestamp, filtered, refused, shares: encoded },
    // The shares' buffers move to the main thread, and from there to their owners.
    transfer: encoded.flatMap((share) => share.transfer),
  };
}
