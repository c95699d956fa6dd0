/**
 * The per-message work of kafkajs's producer, done as kafkajs does it, for less: the side outputs
 * (dead letters, late events) go through it, on the thread that consumes, and bad input can make
 * hundreds of thousands of them.
 *
 * kafkajs 2.2.4:
 * - groups a send's messages by partition with an array spread per message
 *   (`[...current, message]`): n messages to one partition copy n²/2 array elements, ~17 ms for
 *   3,000 messages and ~135 ms for 10,000 (kafkajs pull request #1576 reports the same);
 * - encodes each record with a new `Encoder` for the record and one per header, each allocating
 *   a zero-filled 512-byte buffer, and each varint it writes through a `Buffer.from` of its own:
 *   some twenty buffers per dead letter (five headers), and a `Long` for the timestamp delta.
 *
 * Here:
 * - `groupMessagesPerPartition`: the same grouping (the same partitions, the same message objects
 *   in the same order, the partitioner asked once per message in order) in one pass;
 * - `fastRecordEncoder`: the same record bytes, written into one buffer (the timestamp delta as a
 *   number while it is a safe integer; any other through kafkajs's own `Long` path).
 *
 * `installFastProducing` swaps both in before kafkajs's producer loads (kafkajs-modules.ts:
 * kafkajs 2.2.4 only; otherwise the producer works kafkajs's way, only slower, and
 * `fastProducingStatus` says why). cli.ts installs it.
 */
import { kafkajsModule, moduleSwap, swapExport, type ModuleSwap } from '../kafkajs-modules.js';

const GROUPING = 'kafkajs/src/producer/groupMessagesPerPartition.js';
const RECORD_ENCODER = 'kafkajs/src/protocol/recordBatch/record/v0/index.js';
/** Modules that take the grouping and the record encoder when they load (with the producer). */
const SEND_MESSAGES = 'kafkajs/src/producer/sendMessages.js';
const PRODUCE_REQUEST = 'kafkajs/src/protocol/requests/produce/v3/request.js';

export interface GroupingInput<M> {
  topic: string;
  partitionMetadata: readonly unknown[];
  messages: readonly M[];
  partitioner: (args: { topic: string; partitionMetadata: readonly unknown[]; message: M }) => number;
}

/** partition -> its messages in send order, as kafkajs 2.2.4's grouping returns them. */
export function groupMessagesPerPartition<M>({ topic, partitionMetadata, messages, partitioner }: GroupingInput<M>): Record<number, M[]> {
  if (partitionMetadata.length === 0) return {};
  const byPartition: Record<number, M[]> = {};
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    const list = byPartition[partition];
    if (list === undefined) byPartition[partition] = [message];
    else list.push(message);
  }
  return byPartition;
}

/** What kafkajs's record encoder is given (produce/v3/request.js: a message, its deltas). */
export interface RecordInput {
  offsetDelta?: number;
  timestampDelta?: number;
  key?: Buffer | string | null;
  value?: Buffer | string | null;
  headers?: Record<string, unknown>;
}

/** kafkajs's protocol encoder: what a record encoder returns and what the batch encoder reads. */
export interface KafkajsEncoder {
  buf: Buffer;
  offset: number;
  readonly buffer: Buffer;
  writeVarLong(value: number): KafkajsEncoder;
}
export interface EncoderClass {
  new (initialSize?: number): KafkajsEncoder;
  prototype: KafkajsEncoder;
  sizeOfVarInt(value: number): number;
  sizeOfVarLong(value: number): number;
  sizeOfVarIntBytes(value: unknown): number;
}

/** A varlong is written as a number up to this magnitude (its zigzag form stays a safe integer). */
const NUMBER_VARLONG_MAX = 2 ** 51;

/**
 * kafkajs 2.2.4's record encoder (`recordBatch/record/v0`), writing the same bytes into one buffer.
 * Sizes are computed with kafkajs's own formulas, so the length prefix, and any error a malformed
 * header throws there, are kafkajs's.
 */
export function fastRecordEncoder(Encoder: EncoderClass): (record: RecordInput) => KafkajsEncoder {
  let scratch = Buffer.allocUnsafe(64 * 1024);
  let at = 0;

  const ensure = (n: number): void => {
    if (at + n <= scratch.length) return;
    const grown = Buffer.allocUnsafe(Math.max(scratch.length * 2, at + n));
    scratch.copy(grown, 0, 0, at);
    scratch = grown;
  };
  // kafkajs's varint: zigzag on 32 bits, then 7 bits at a time while any of the upper 25 are set.
  const varInt = (value: number): void => {
    let v = (value << 1) ^ (value >> 31);
    ensure(5);
    while ((v & 0xffffff80) !== 0) {
      scratch[at++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    scratch[at++] = v & 0x7f;
  };
  const varLong = (value: number): void => {
    if (Number.isSafeInteger(value) && Math.abs(value) <= NUMBER_VARLONG_MAX) {
      // zigzag64 of a safe integer, as a number: 2v for v >= 0, -2v - 1 below.
      let v = value >= 0 ? value * 2 : -value * 2 - 1;
      ensure(8);
      while (v >= 0x80) {
        scratch[at++] = (v % 0x80) | 0x80;
        v = Math.floor(v / 0x80);
      }
      scratch[at++] = v;
      return;
    }
    bytes(new Encoder(16).writeVarLong(value).buffer);
  };
  const bytes = (buffer: Buffer): void => {
    ensure(buffer.length);
    buffer.copy(scratch, at);
    at += buffer.length;
  };
  const utf8 = (text: string): void => {
    const length = Buffer.byteLength(text, 'utf8');
    varInt(length);
    ensure(length);
    scratch.write(text, at, length, 'utf8');
    at += length;
  };
  // writeVarIntBytes: null is -1, a Buffer as it is, anything else as its String() in UTF-8.
  const varIntBytes = (value: unknown): void => {
    if (value == null) varInt(-1);
    else if (Buffer.isBuffer(value)) {
      varInt(value.length);
      bytes(value);
    } else utf8(String(value));
  };
  const sizeOfVarLong = (value: number): number => {
    if (!(Number.isSafeInteger(value) && Math.abs(value) <= NUMBER_VARLONG_MAX)) return Encoder.sizeOfVarLong(value);
    let v = value >= 0 ? value * 2 : -value * 2 - 1;
    let size = 1;
    while (v >= 0x80) {
      size++;
      v = Math.floor(v / 0x80);
    }
    return size;
  };

  return ({ offsetDelta = 0, timestampDelta = 0, key, value, headers = {} }) => {
    // As kafkajs: own enumerable names, an array value one header per element.
    const list: Array<{ key: string; value: unknown }> = [];
    for (const name of Object.keys(headers)) {
      const v = headers[name];
      if (Array.isArray(v)) for (const each of v) list.push({ key: name, value: each });
      else list.push({ key: name, value: v });
    }
    // In kafkajs's order, so that a value it cannot encode fails with kafkajs's error.
    let sizeOfBody =
      1 +
      sizeOfVarLong(timestampDelta) +
      Encoder.sizeOfVarInt(offsetDelta) +
      Encoder.sizeOfVarIntBytes(key) +
      Encoder.sizeOfVarIntBytes(value);
    sizeOfBody += Encoder.sizeOfVarInt(list.length);
    for (const header of list) {
      const keySize = Buffer.byteLength(header.key);
      const valueSize = Buffer.byteLength(header.value as string);
      sizeOfBody += Encoder.sizeOfVarInt(keySize) + keySize;
      sizeOfBody += header.value === null ? Encoder.sizeOfVarInt(-1) : Encoder.sizeOfVarInt(valueSize) + valueSize;
    }

    at = 0;
    varInt(sizeOfBody);
    ensure(1);
    scratch[at++] = 0; // attributes: none used
    varLong(timestampDelta);
    varInt(offsetDelta);
    varIntBytes(key);
    varIntBytes(value);
    varInt(list.length);
    for (const header of list) {
      // writeVarIntString: null is -1.
      if (header.key == null) varInt(-1);
      else utf8(header.key);
      varIntBytes(header.value);
    }
    // An Encoder holding exactly these bytes, as the batch encoder reads records (`buf`, `buffer`).
    const encoder = Object.create(Encoder.prototype) as KafkajsEncoder;
    encoder.buf = Buffer.allocUnsafe(at);
    scratch.copy(encoder.buf, 0, 0, at);
    encoder.offset = at;
    return encoder;
  };
}

const producingSwap = moduleSwap({
  replaces: [GROUPING, RECORD_ENCODER],
  takenBy: [SEND_MESSAGES, PRODUCE_REQUEST],
  swap() {
    // Wrappers, not the functions themselves: a swap marks what it installs.
    swapExport(GROUPING, (input: GroupingInput<unknown>) => groupMessagesPerPartition(input));
    const encode = fastRecordEncoder(kafkajsModule<EncoderClass>('kafkajs/src/protocol/encoder.js'));
    swapExport(RECORD_ENCODER, (record: RecordInput) => encode(record));
  },
});

/** What the last `installFastProducing` did in this thread; undefined if it never ran. */
export function fastProducingStatus(): ModuleSwap | undefined {
  return producingSwap.status();
}

/** Makes kafkajs's producers in this thread group and encode messages the ways above. Idempotent; never throws. */
export function installFastProducing(): ModuleSwap {
  return producingSwap.install();
}
