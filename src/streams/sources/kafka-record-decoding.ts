/**
 * Faster decoding of Kafka records for kafkajs, giving the same records.
 *
 * kafkajs 2.2.4 decodes each record's timestamp and offset with its BigInt-backed `Long`: it parses
 * the batch's first offset and first timestamp from decimal strings again for every record, adds
 * the record's delta, and prints the sum back to a string, and it reads the timestamp delta varlong
 * through a `Long` per byte; its consumer then compares every offset with the fetched one as two
 * more `Long`s. It also cuts every record into a buffer slice and a decoder of its own. That is some
 * twenty objects per record, on the thread that consumes. Here:
 * - `fastRecordDecoding`: the same values from plain numbers while every one of them is a safe
 *   integer, which is what any real topic holds (offsets and epoch milliseconds are far below
 *   2^53); any other value takes kafkajs's own `Long` path;
 * - `fastBatchDecoder`: each record read in place in the fetch's buffer; a record whose lengths do
 *   not fit inside it is read kafkajs's way, from its own slice, for kafkajs's result or error;
 * - `fastConsumerBatch`: the offset filter on numbers.
 * Each record has the same fields, values and strings as kafkajs's (it reads its key only when
 * asked, and one without headers read in place shares one empty headers object).
 *
 * kafkajs has no hook for any of this. Its modules take each other when they are first loaded (the
 * consumer's batch with kafkajs itself, the record-batch decoder lazily at the first fetch).
 * `installFastRecordDecoding` swaps those modules' exports before that happens (kafkajs-modules.ts:
 * for kafkajs 2.2.4 only, and not once kafkajs is loaded; the daemon then reads with kafkajs's
 * decoding, only slower, logged at start-up). cli.ts installs it before anything else.
 */
import { kafkajsModule, moduleSwap, swapExport, type ModuleSwap } from '../kafkajs-modules.js';
import { VALUE_AT, VALUE_BYTES, VALUE_LENGTH } from './source.js';

const RECORD_DECODER = 'kafkajs/src/protocol/recordBatch/record/v0/decoder.js';
const BATCH_DECODER = 'kafkajs/src/protocol/recordBatch/v0/decoder.js';
const CONSUMER_BATCH = 'kafkajs/src/consumer/batch.js';
const FETCH_MESSAGES = 'kafkajs/src/protocol/requests/fetch/v4/decodeMessages.js';
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
  partitionLeaderEpoch?: number;
  inTransaction?: boolean;
  isControlBatch?: boolean;
  lastOffsetDelta?: number;
  producerId?: string;
  producerEpoch?: number;
  firstSequence?: number;
  maxTimestamp?: string;
  timestampType?: number;
  magicByte?: number;
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

/** A decimal integer (kafkajs's offsets and timestamps) as a number; NaN when it is not a safe integer. */
function safeInteger(decimal: string): number {
  const n = Number(decimal);
  return Number.isSafeInteger(n) ? n : Number.NaN;
}

/** A record decoded in place could differ from kafkajs's decoding of its own slice: decode it that way. */
const NOT_IN_PLACE = Symbol('decode from a slice');

/** kafkajs's record decoder, and the same decoding in place within a fetch's buffer. */
export interface RecordDecoding {
  /** As kafkajs's: `decoder` holds this record only (kafkajs's slice of it). */
  decode: RecordDecoder;
  /**
   * The record at `decoder.offset`, whose bytes end at `end`, read in place; NOT_IN_PLACE when a
   * length or count in it is negative (other than null's -1) or reaches past `end`: reading from
   * the record's own slice could then give something else, or fail.
   */
  decodeWithin(decoder: KafkajsDecoder, batchContext: BatchContext, end: number): unknown;
}

/**
 * kafkajs's own record decoder rebuilt on numbers. `Long` and `headerDecoder` are kafkajs's, for
 * the values that are not safe integers and for headers read from a slice.
 */
export function fastRecordDecoding(Long: LongClass, headerDecoder: HeaderDecoder): RecordDecoding {
  // The context of the batch being decoded, its first offset and timestamp as numbers (NaN: not safe).
  let lastContext: BatchContext | undefined;
  let firstOffset = Number.NaN;
  let firstTimestamp = Number.NaN;

  const useContext = (batchContext: BatchContext): void => {
    if (batchContext === lastContext) return;
    lastContext = batchContext;
    firstOffset = safeInteger(batchContext.firstOffset);
    firstTimestamp = safeInteger(batchContext.firstTimestamp);
  };

  /**
   * The timestamp, for the record's constructor: its delta from the batch's first timestamp, or
   * (`timestampText`) the whole timestamp as kafkajs gives it when the sum is not a safe integer
   * or the broker set the time (kafkajs's `Long` path, or the batch's max timestamp).
   */
  let timestampText: string | undefined;
  const readTimestamp = (decoder: KafkajsDecoder, batchContext: BatchContext): number => {
    const smallDelta = readSmallVarLong(decoder);
    const timestampDelta = smallDelta === undefined ? decoder.readVarLong() : smallDelta;
    if (batchContext.timestampType === LOG_APPEND_TIME && batchContext.maxTimestamp) {
      timestampText = batchContext.maxTimestamp;
      return 0;
    }
    const sum = smallDelta === undefined ? Number.NaN : firstTimestamp + smallDelta;
    if (Number.isSafeInteger(sum)) {
      timestampText = undefined;
      return smallDelta as number;
    }
    timestampText = Long.fromValue(batchContext.firstTimestamp).add(timestampDelta).toString();
    return 0;
  };

  /** The offset as a number, NaN when it is not a safe integer (then `offsetText` of kafkajs's `Long`). */
  let offsetText: string | undefined;
  const offsetOf = (offsetDelta: number, batchContext: BatchContext): number => {
    const sum = firstOffset + offsetDelta;
    if (Number.isSafeInteger(sum)) {
      offsetText = undefined;
      return sum;
    }
    offsetText = Long.fromValue(batchContext.firstOffset).add(offsetDelta).toString();
    return Number.NaN;
  };

  const decode: RecordDecoder = (decoder, batchContext = {} as BatchContext) => {
    useContext(batchContext);
    const attributes = decoder.readInt8();
    const timestampDelta = readTimestamp(decoder, batchContext);
    const offset = offsetOf(decoder.readVarInt(), batchContext);
    const key = decoder.readVarIntBytes();
    const value = decoder.readVarIntBytes();
    const headerList = decoder.readVarIntArray(headerDecoder);
    return new KafkaRecord(
      batchContext,
      attributes,
      timestampDelta,
      timestampText,
      offset,
      offsetText,
      key ?? NO_BYTES,
      0,
      key === null ? -1 : key.length,
      value ?? NO_BYTES,
      0,
      value === null ? -1 : value.length,
      headersObject(headerList),
    );
  };

  /**
   * Past a length-prefixed run of bytes within `end`: its length (-1 for null; it starts at
   * `decoder.offset - length` then), NOT_IN_PLACE when out of bounds.
   */
  const skipWithin = (decoder: KafkajsDecoder, end: number): number | typeof NOT_IN_PLACE => {
    const length = decoder.readVarInt();
    const at = decoder.offset;
    if (at > end) return NOT_IN_PLACE;
    if (length === -1) return -1;
    if (length < 0 || at + length > end) return NOT_IN_PLACE;
    decoder.offset = at + length;
    return length;
  };

  /** A length-prefixed run of bytes within `end`: null for -1, NOT_IN_PLACE when out of bounds. */
  const bytesWithin = (decoder: KafkajsDecoder, end: number): Buffer | null | typeof NOT_IN_PLACE => {
    const length = skipWithin(decoder, end);
    if (length === NOT_IN_PLACE) return NOT_IN_PLACE;
    if (length === -1) return null;
    return decoder.buffer.subarray(decoder.offset - length, decoder.offset);
  };

  const decodeWithin = (decoder: KafkajsDecoder, batchContext: BatchContext, end: number): unknown => {
    useContext(batchContext);
    if (decoder.offset >= end) return NOT_IN_PLACE;
    const attributes = decoder.readInt8();
    const timestampDelta = readTimestamp(decoder, batchContext);
    const timestamp = timestampText;
    const offsetDelta = decoder.readVarInt();
    if (decoder.offset > end) return NOT_IN_PLACE;
    const keyLength = skipWithin(decoder, end);
    if (keyLength === NOT_IN_PLACE) return NOT_IN_PLACE;
    const keyAt = decoder.offset - Math.max(keyLength, 0);
    const valueLength = skipWithin(decoder, end);
    if (valueLength === NOT_IN_PLACE) return NOT_IN_PLACE;
    const valueAt = decoder.offset - Math.max(valueLength, 0);
    const count = decoder.readVarInt();
    // Each header takes at least two bytes (its two lengths).
    if (decoder.offset > end || count < -1 || count * 2 > end - decoder.offset) return NOT_IN_PLACE;
    let headers: Record<string, unknown> = NO_HEADERS;
    if (count > 0) {
      const list: Array<{ key: string; value: Buffer | null }> = [];
      for (let i = 0; i < count; i++) {
        const name = bytesWithin(decoder, end);
        const headerValue = name === NOT_IN_PLACE ? NOT_IN_PLACE : bytesWithin(decoder, end);
        if (name === NOT_IN_PLACE || headerValue === NOT_IN_PLACE) return NOT_IN_PLACE;
        // kafkajs reads a header name as a UTF-8 string (null for -1).
        list.push({ key: name === null ? (null as unknown as string) : name.toString('utf8'), value: headerValue });
      }
      headers = headersObject(list);
    }
    const offset = offsetOf(offsetDelta, batchContext);
    return new KafkaRecord(
      batchContext,
      attributes,
      timestampDelta,
      timestamp,
      offset,
      offsetText,
      decoder.buffer,
      keyAt,
      keyLength,
      decoder.buffer,
      valueAt,
      valueLength,
      headers,
    );
  };

  return { decode, decodeWithin };
}

/**
 * The headers of a record that has none: one object for all of them (kafkajs makes an empty object
 * per record). Frozen, so that nothing can give one record's headers to every other.
 */
const NO_HEADERS: Record<string, unknown> = Object.freeze({});

/** The buffer of a record whose key or value is null (its length -1 says so; nothing is read from it). */
const NO_BYTES = Buffer.alloc(0);

/**
 * A record, with kafkajs's fields and values, made of one object. Its key and value stay in the
 * buffer they were read from (the fetch's, for a record read in place) and its offset and
 * timestamp stay numbers, until something reads them: kafkajs made two strings and a Buffer view
 * per record, and sluice's hot path reads none of them (the contract says not to rely on keys,
 * a batch's values are packed from `VALUE_BYTES`/`VALUE_AT`/`VALUE_LENGTH`, and offsets are
 * compared as numbers). Each read of `key` or `value` gives a new view of the same bytes, and of
 * `offset` or `timestamp` the same string as kafkajs's. One class for every record, so that the
 * code reading records sees one shape.
 */
class KafkaRecord {
  readonly magicByte: number | undefined;
  readonly isControlRecord: boolean;
  readonly [VALUE_BYTES]: Buffer;
  readonly [VALUE_AT]: number;
  readonly [VALUE_LENGTH]: number;
  readonly #buffer: Buffer;
  readonly #keyAt: number;
  readonly #keyLength: number;
  /** The offset; NaN when it is not a safe integer, then `#offsetText` is kafkajs's string. */
  readonly #offset: number;
  readonly #offsetText: string | undefined;
  /** Added to the batch's first timestamp; unless `#timestampText`, kafkajs's string for it. */
  readonly #timestampDelta: number;
  readonly #timestampText: string | undefined;

  constructor(
    readonly batchContext: BatchContext,
    readonly attributes: number,
    timestampDelta: number,
    timestampText: string | undefined,
    offset: number,
    offsetText: string | undefined,
    buffer: Buffer,
    keyAt: number,
    keyLength: number,
    valueBytes: Buffer,
    valueAt: number,
    valueLength: number,
    readonly headers: Record<string, unknown>,
  ) {
    this.magicByte = batchContext.magicByte;
    this.isControlRecord = batchContext.isControlBatch === undefined ? false : batchContext.isControlBatch;
    this[VALUE_BYTES] = valueBytes;
    this[VALUE_AT] = valueAt;
    this[VALUE_LENGTH] = valueLength;
    this.#buffer = buffer;
    this.#keyAt = keyAt;
    this.#keyLength = keyLength;
    this.#offset = offset;
    this.#offsetText = offsetText;
    this.#timestampDelta = timestampDelta;
    this.#timestampText = timestampText;
  }

  /** A record's offset as a number when it is one of these and a safe integer, else undefined. */
  static offsetNumber(record: object): number | undefined {
    if (!(#offset in record)) return undefined;
    const offset = (record as KafkaRecord).#offset;
    return Number.isNaN(offset) ? undefined : offset;
  }

  get offset(): string {
    return this.#offsetText ?? String(this.#offset);
  }

  get timestamp(): string {
    // Taken as a delta only when the batch's first timestamp is a safe integer (see readTimestamp).
    return this.#timestampText ?? String(Number(this.batchContext.firstTimestamp) + this.#timestampDelta);
  }

  get key(): Buffer | null {
    return this.#keyLength < 0 ? null : this.#buffer.subarray(this.#keyAt, this.#keyAt + this.#keyLength);
  }

  get value(): Buffer | null {
    const length = this[VALUE_LENGTH];
    return length < 0 ? null : this[VALUE_BYTES].subarray(this[VALUE_AT], this[VALUE_AT] + length);
  }
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

interface DecoderClass {
  new (buffer: Buffer): KafkajsDecoder;
}
/** kafkajs's decoder, with the methods its record-batch decoder uses. */
interface BatchDecoderInput extends KafkajsDecoder {
  readInt16(): number;
  readInt32(): number;
  readInt64(): { toString(): string };
  readAll(): Buffer;
  readArray<T>(reader: (decoder: KafkajsDecoder) => T): T[];
  slice(size: number): BatchDecoderInput;
  forward(size: number): void;
}
interface Codec {
  decompress(buffer: Buffer): Promise<Buffer>;
}
export interface BatchDecoderParts {
  Decoder: DecoderClass;
  records: RecordDecoding;
  lookupCodecByAttributes: (attributes: number) => Codec | null;
  PartialMessageError: new (message: string) => Error;
}

const TIMESTAMP_TYPE_FLAG = 0x08;
const TRANSACTIONAL_FLAG = 0x10;
const CONTROL_FLAG = 0x20;

/**
 * kafkajs's record-batch decoder (Kafka's RecordBatch v2, magic 2), with each record decoded in
 * place: kafkajs cuts every record into a buffer slice of its own and a new decoder over it, two
 * more objects per record. A record whose decoding throws, or reads past its length, is decoded
 * again kafkajs's way, so that a malformed one fails (or not) exactly as it did.
 */
export function fastBatchDecoder(parts: BatchDecoderParts): (fetchDecoder: BatchDecoderInput) => Promise<Record<string, unknown>> {
  const { Decoder, records: decoding, lookupCodecByAttributes, PartialMessageError } = parts;

  const record = (decoder: KafkajsDecoder, context: BatchContext): unknown => {
    const start = decoder.offset;
    const length = decoder.readVarInt();
    const end = decoder.offset + length;
    if (length >= 0 && end <= decoder.buffer.length) {
      let decoded: unknown;
      try {
        decoded = decoding.decodeWithin(decoder, context, end);
      } catch {
        // A varlong running past the record can fail in place where the slice would not.
        decoded = NOT_IN_PLACE;
      }
      if (decoded !== NOT_IN_PLACE) {
        // Bytes left in the record after its fields are skipped, as kafkajs's slice skips them.
        decoder.offset = end;
        return decoded;
      }
    }
    // kafkajs's way: the record's slice, a decoder over it (whatever it gives, or throws).
    decoder.offset = start;
    return decoding.decode(new Decoder(decoder.readVarIntBytes() as Buffer), context);
  };

  return async (fetchDecoder) => {
    const firstOffset = fetchDecoder.readInt64().toString();
    const length = fetchDecoder.readInt32();
    const decoder = fetchDecoder.slice(length);
    fetchDecoder.forward(length);
    const remainingBytes = decoder.buffer.length;
    if (remainingBytes < length) {
      // The last batch of a fetch may be cut short by its size limit: the fetch decoder stops there.
      throw new PartialMessageError(
        `Tried to decode a partial record batch: remainingBytes(${remainingBytes}) < recordBatchLength(${length})`,
      );
    }
    const partitionLeaderEpoch = decoder.readInt32();
    const magicByte = decoder.readInt8(); // read by the fetch decoder already (2)
    decoder.readInt32(); // CRC, not checked (as in kafkajs)
    const attributes = decoder.readInt16();
    const lastOffsetDelta = decoder.readInt32();
    const firstTimestamp = decoder.readInt64().toString();
    const maxTimestamp = decoder.readInt64().toString();
    const producerId = decoder.readInt64().toString();
    const producerEpoch = decoder.readInt16();
    const firstSequence = decoder.readInt32();
    const inTransaction = (attributes & TRANSACTIONAL_FLAG) > 0;
    const isControlBatch = (attributes & CONTROL_FLAG) > 0;
    const timestampType = (attributes & TIMESTAMP_TYPE_FLAG) > 0 ? LOG_APPEND_TIME : 0;
    // Literals, not `{ ...batch, magicByte }`: a spread copy gets a map of its own as the code warms
    // up, so every batch's context had a new map and the per-record code that reads it deoptimized,
    // batch after batch (--trace-deopt: "wrong map" in `record`). Same fields, same order as before.
    const context: BatchContext = {
      firstOffset,
      firstTimestamp,
      partitionLeaderEpoch,
      inTransaction,
      isControlBatch,
      lastOffsetDelta,
      producerId,
      producerEpoch,
      firstSequence,
      maxTimestamp,
      timestampType,
      magicByte,
    };
    const codec = lookupCodecByAttributes(attributes);
    let records: unknown[];
    if (!codec) {
      records = decoder.readArray((d) => record(d, context));
    } else {
      const count = decoder.readInt32();
      if (count <= 0) {
        records = [];
      } else {
        const inflated = new Decoder(await codec.decompress(decoder.readAll()));
        records = new Array(count);
        for (let i = 0; i < count; i++) records[i] = record(inflated, context);
      }
    }
    return {
      firstOffset,
      firstTimestamp,
      partitionLeaderEpoch,
      inTransaction,
      isControlBatch,
      lastOffsetDelta,
      producerId,
      producerEpoch,
      firstSequence,
      maxTimestamp,
      timestampType,
      records,
    };
  };
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
      const from = safeInteger(fetchedOffset);
      const withinOffset = kept(messages, (m) => {
        const offset = KafkaRecord.offsetNumber(m) ?? safeInteger(m.offset);
        // NaN on either side: compared as kafkajs compares, with Longs.
        return Number.isNaN(offset) || Number.isNaN(from) ? Long.fromValue(m.offset).gte(fetchedOffset) : offset >= from;
      });
      Object.assign(this, {
        rawMessages: messages,
        messagesWithinOffset: withinOffset,
        messages: kept(filterAborted({ messages: withinOffset, abortedTransactions }), (m) => !m.isControlRecord),
      });
    }
  };
}

/**
 * `messages.filter(keep)`, or `messages` itself when every message is kept: what a fetch almost
 * always gives (no record below the fetched offset, no control record), so the usual batch makes
 * no copy of its message array, where kafkajs made three (~55 MB a 1M-record run, a seventh of
 * what the consuming thread allocated). The batch never changes the arrays it holds.
 */
function kept<T>(messages: T[], keep: (message: T) => boolean): T[] {
  for (let i = 0; i < messages.length; i++) {
    if (!keep(messages[i] as T)) return messages.filter(keep);
  }
  return messages;
}

export type FastDecodingInstall = ModuleSwap;

const decodingSwap = moduleSwap({
  replaces: [RECORD_DECODER, BATCH_DECODER, CONSUMER_BATCH],
  // The replaced modules are captured by their users when those load: too late once they have.
  takenBy: [FETCH_MESSAGES, CONSUMER_GROUP],
  swap() {
    const Long = kafkajsModule<LongClass>('kafkajs/src/utils/long.js');
    const records = fastRecordDecoding(Long, kafkajsModule<HeaderDecoder>('kafkajs/src/protocol/recordBatch/header/v0/decoder.js'));
    swapExport(RECORD_DECODER, records.decode);
    const batchDecoder = fastBatchDecoder({
      Decoder: kafkajsModule<DecoderClass>('kafkajs/src/protocol/decoder.js'),
      records,
      lookupCodecByAttributes: kafkajsModule<Pick<BatchDecoderParts, 'lookupCodecByAttributes'>>(
        'kafkajs/src/protocol/message/compression/index.js',
      ).lookupCodecByAttributes,
      PartialMessageError: kafkajsModule<{ KafkaJSPartialMessageError: BatchDecoderParts['PartialMessageError'] }>('kafkajs/src/errors.js')
        .KafkaJSPartialMessageError,
    });
    swapExport(BATCH_DECODER, batchDecoder);
    swapExport(
      CONSUMER_BATCH,
      fastConsumerBatch(
        kafkajsModule<BatchClass>(CONSUMER_BATCH),
        Long,
        kafkajsModule<AbortedFilter>('kafkajs/src/consumer/filterAbortedMessages.js'),
      ),
    );
  },
});

/** What the last `installFastRecordDecoding` did in this thread; undefined if it never ran. */
export function fastRecordDecodingStatus(): FastDecodingInstall | undefined {
  return decodingSwap.status();
}

/**
 * Makes kafkajs decode record batches with `fastBatchDecoder` (records with `fastRecordDecoding`) and filter fetched messages with
 * `fastConsumerBatch` in this thread (each thread has its own module cache). Idempotent; never
 * throws: a reason says why it did nothing.
 */
export function installFastRecordDecoding(): FastDecodingInstall {
  return decodingSwap.install();
}
