/**
 * A faster decoder of Kafka records for kafkajs, giving the same records.
 *
 * kafkajs 2.2.4 decodes each record's timestamp and offset with its BigInt-backed `Long`: it parses
 * the batch's first offset and first timestamp from decimal strings again for every record, adds
 * the record's delta, and prints the sum back to a string, and it reads the timestamp delta varlong
 * through a `Long` per byte. That is some twenty BigInt and `Long` objects per record, on the thread
 * that consumes. Here the same values come from plain numbers while every one of them is a safe
 * integer, which is what any real topic holds (offsets and epoch milliseconds are far below 2^53);
 * any other record takes kafkajs's own path. Either way each record object has the same fields,
 * values and strings as kafkajs's.
 *
 * kafkajs has no hook for a record decoder. Its record-batch decoder requires the record decoder
 * module once, when it is first loaded (lazily, at the first fetch). `installFastRecordDecoding`
 * swaps the record decoder module's export in the require cache before that happens. It checks the
 * kafkajs version it was written against and does nothing for another version, or when the batch
 * decoder has been loaded already: the daemon then reads with kafkajs's decoder, only slower.
 * cli.ts installs it before anything else.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The kafkajs release whose record layout and decoder this module mirrors. */
export const KAFKAJS_VERSION = '2.2.4';

const RECORD_DECODER = 'kafkajs/src/protocol/recordBatch/record/v0/decoder.js';
const BATCH_DECODER = 'kafkajs/src/protocol/recordBatch/v0/decoder.js';
const CONSUMER_BATCH = 'kafkajs/src/consumer/batch.js';
const CONSUMER_GROUP = 'kafkajs/src/consumer/consumerGroup.js';

/** kafkajs's protocol decoder: the fields and methods the record decoder uses. */
interface KafkajsDecoder {
  buffer: Buffer;
  offset: number;
  readInt8(): number;
  readVarInt(): number;
  readVarLong(): unknown;
  readVarIntBytes(): Buffer | null;
  readVarIntArray<T>(reader: (decoder: KafkajsDecoder) => T): T[];
}

/** What kafkajs's record-batch decoder passes for each record. */
interface BatchContext {
  firstOffset: string;
  firstTimestamp: string;
  magicByte?: number;
  isControlBatch?: boolean;
  timestampType?: number;
  maxTimestamp?: string;
}

type RecordDecoder = (decoder: KafkajsDecoder, batchContext?: BatchContext) => unknown;
type HeaderDecoder = (decoder: KafkajsDecoder) => { key: string; value: Buffer | null };
interface LongValue {
  add(addend: unknown): LongValue;
  gte(other: unknown): boolean;
  toString(): string;
}
interface LongClass {
  fromValue(value: unknown): LongValue;
}

const LOG_APPEND_TIME = 1;
/** A varlong of at most this many bytes holds at most 49 bits: a safe integer. */
const SAFE_VARLONG_BYTES = 7;

/**
 * The zigzag varlong at `decoder.offset` as a number, advancing past it; undefined (the offset
 * left alone) when it is longer than 7 bytes or runs past the buffer, for kafkajs's `readVarLong`.
 */
export function readSmallVarLong(decoder: KafkajsDecoder): number | undefined {
  const buf = decoder.buffer;
  const start = decoder.offset;
  let value = 0;
  let scale = 1;
  for (let i = 0; i < SAFE_VARLONG_BYTES; i++) {
    const at = start + i;
    if (at >= buf.length) return undefined;
    const byte = buf[at] as number;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      decoder.offset = at + 1;
      // Zigzag: even values are non-negative, odd ones negative.
      return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
    }
    scale *= 128;
  }
  return undefined;
}

/**
 * kafkajs's own record decoder rebuilt on numbers. `original` decodes whatever the fast path does
 * not take, and `Long`, `headerDecoder` are kafkajs's, so headers decode exactly as before.
 */
export function fastRecordDecoder(Long: LongClass, headerDecoder: HeaderDecoder): RecordDecoder {
  // The context of the batch being decoded, its first offset and timestamp as numbers (NaN: not safe).
  let lastContext: BatchContext | undefined;
  let firstOffset = Number.NaN;
  let firstTimestamp = Number.NaN;

  const safeNumber = (decimal: string): number => {
    const n = Number(decimal);
    return Number.isSafeInteger(n) ? n : Number.NaN;
  };

  return (decoder, batchContext = {} as BatchContext) => {
    if (batchContext !== lastContext) {
      lastContext = batchContext;
      firstOffset = safeNumber(batchContext.firstOffset);
      firstTimestamp = safeNumber(batchContext.firstTimestamp);
    }
    const { magicByte, isControlBatch = false, timestampType, maxTimestamp } = batchContext;
    const attributes = decoder.readInt8();

    const smallDelta = readSmallVarLong(decoder);
    const timestampDelta = smallDelta === undefined ? decoder.readVarLong() : smallDelta;
    let timestamp: string;
    if (timestampType === LOG_APPEND_TIME && maxTimestamp) {
      timestamp = maxTimestamp;
    } else {
      const sum = smallDelta === undefined ? Number.NaN : firstTimestamp + smallDelta;
      timestamp = Number.isSafeInteger(sum) ? String(sum) : Long.fromValue(batchContext.firstTimestamp).add(timestampDelta).toString();
    }

    const offsetDelta = decoder.readVarInt();
    const offsetSum = firstOffset + offsetDelta;
    const offset = Number.isSafeInteger(offsetSum)
      ? String(offsetSum)
      : Long.fromValue(batchContext.firstOffset).add(offsetDelta).toString();

    const key = decoder.readVarIntBytes();
    const value = decoder.readVarIntBytes();
    const headerList = decoder.readVarIntArray(headerDecoder);
    const headers = headerList.length === 0 ? {} : headersObject(headerList);

    return {
      magicByte,
      attributes,
      timestamp,
      offset,
      key,
      value,
      headers,
      isControlRecord: isControlBatch,
      batchContext,
    };
  };
}

/**
 * Headers exactly as kafkajs 2.2.4 builds them: one property per name, a repeated name's values in
 * an array in order. (Its lookup of the value so far reads inherited properties too, so a header
 * named `constructor` comes out as an array; kept, so that records never differ.)
 */
function headersObject(list: ReadonlyArray<{ key: string; value: Buffer | null }>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of list) {
    const seen = out[key];
    const next = seen === undefined ? value : Array.isArray(seen) ? seen.concat([value]) : [seen, value];
    // Defined, not assigned: a header named `__proto__` is a property, as in kafkajs's object literal.
    Object.defineProperty(out, key, { value: next, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

interface FetchedMessage {
  offset: string;
  isControlRecord?: boolean;
}
interface PartitionData {
  messages: FetchedMessage[];
  abortedTransactions?: unknown[];
}
type BatchClass = new (topic: string, fetchedOffset: string, partitionData: PartitionData) => object;
type AbortedFilter = (args: { messages: FetchedMessage[]; abortedTransactions?: unknown[] }) => FetchedMessage[];

/**
 * kafkajs's consumer `Batch` with its offset filter on numbers: kafkajs compares every fetched
 * message's offset with the fetched offset as two `Long`s parsed from strings. The messages kept,
 * and every field and method, are kafkajs's.
 */
export function fastConsumerBatch(Batch: BatchClass, Long: LongClass, filterAborted: AbortedFilter): BatchClass {
  return class FastBatch extends Batch {
    constructor(topic: string, fetchedOffset: string, partitionData: PartitionData) {
      // kafkajs's constructor with no messages sets every other field; the messages are filtered here.
      super(topic, fetchedOffset, { ...partitionData, messages: [] });
      const { messages, abortedTransactions } = partitionData;
      const from = Number(fetchedOffset);
      const withinOffset = Number.isSafeInteger(from)
        ? messages.filter((m) => {
            const offset = Number(m.offset);
            return Number.isSafeInteger(offset) ? offset >= from : Long.fromValue(m.offset).gte(fetchedOffset);
          })
        : messages.filter((m) => Long.fromValue(m.offset).gte(fetchedOffset));
      Object.assign(this, {
        rawMessages: messages,
        messagesWithinOffset: withinOffset,
        messages: filterAborted({ messages: withinOffset, abortedTransactions }).filter((m) => !m.isControlRecord),
      });
    }
  };
}

/** A module loaded through `require`, as the require cache holds it. */
function loaded(path: string): NodeJS.Module {
  require(path);
  const module = require.cache[path];
  if (!module) throw new Error(`${path} is not in the require cache`);
  return module;
}

export type FastDecodingInstall = { installed: true } | { installed: false; reason: string };

let lastInstall: FastDecodingInstall | undefined;

/** What the last `installFastRecordDecoding` did in this thread; undefined if it never ran. */
export function fastRecordDecodingStatus(): FastDecodingInstall | undefined {
  return lastInstall;
}

/**
 * Makes kafkajs decode records with `fastRecordDecoder` and filter fetched messages with
 * `fastConsumerBatch` in this thread (each thread has its own module cache). Idempotent; never
 * throws: a reason says why it did nothing.
 */
export function installFastRecordDecoding(): FastDecodingInstall {
  lastInstall = tryInstall();
  return lastInstall;
}

function tryInstall(): FastDecodingInstall {
  try {
    const version = (require('kafkajs/package.json') as { version: string }).version;
    if (version !== KAFKAJS_VERSION) return { installed: false, reason: `kafkajs ${version} is not ${KAFKAJS_VERSION}` };
    const recordPath = require.resolve(RECORD_DECODER);
    const batchPath = require.resolve(CONSUMER_BATCH);
    const installed = (path: string) => (require.cache[path]?.exports as { sluiceFast?: boolean } | undefined)?.sluiceFast === true;
    if (installed(recordPath) && installed(batchPath)) return { installed: true };
    // Both replaced modules are captured by their users when those load: too late once they have.
    if (require.cache[require.resolve(BATCH_DECODER)] || require.cache[require.resolve(CONSUMER_GROUP)]) {
      return { installed: false, reason: 'kafkajs is loaded already (install before importing kafkajs)' };
    }
    const Long = require('kafkajs/src/utils/long.js') as LongClass;
    const recordModule = loaded(recordPath);
    recordModule.exports = Object.assign(
      fastRecordDecoder(Long, require('kafkajs/src/protocol/recordBatch/header/v0/decoder.js') as HeaderDecoder),
      { sluiceFast: true },
    );
    const batchModule = loaded(batchPath);
    batchModule.exports = Object.assign(
      fastConsumerBatch(batchModule.exports as BatchClass, Long, require('kafkajs/src/consumer/filterAbortedMessages.js') as AbortedFilter),
      { sluiceFast: true },
    );
    return { installed: true };
  } catch (err) {
    return { installed: false, reason: (err as Error).message };
  }
}
