import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);

// dist/src/streams/kafkajs-modules.js
import { createRequire } from "node:module";
var require2 = createRequire(import.meta.url);
var KAFKAJS_VERSION = "2.2.4";
function kafkajsVersionProblem() {
  const version = require2("kafkajs/package.json").version;
  return version === KAFKAJS_VERSION ? void 0 : `kafkajs ${version} is not ${KAFKAJS_VERSION}`;
}
function kafkajsPath(module) {
  return require2.resolve(module);
}
function isLoaded(path) {
  return require2.cache[path] !== void 0;
}
function isSwapped(path) {
  return require2.cache[path]?.exports?.sluiceSwapped === true;
}
function loadedModule(path) {
  require2(path);
  const module = require2.cache[path];
  if (!module)
    throw new Error(`${path} is not in the require cache`);
  return module;
}
function swapExport(path, replacement) {
  loadedModule(path).exports = Object.assign(replacement, { sluiceSwapped: true });
}
function kafkajsModule(module) {
  return require2(module);
}
function moduleSwap(plan) {
  let last;
  const attempt = () => {
    try {
      const versionProblem = kafkajsVersionProblem();
      if (versionProblem)
        return { installed: false, reason: versionProblem };
      if (plan.replaces.every((module) => isSwapped(kafkajsPath(module))))
        return { installed: true };
      if (plan.takenBy.some((module) => isLoaded(kafkajsPath(module)))) {
        return { installed: false, reason: "kafkajs is loaded already (install before importing kafkajs)" };
      }
      plan.swap();
      return { installed: true };
    } catch (err) {
      return { installed: false, reason: err.message };
    }
  };
  return {
    install: () => {
      last = attempt();
      return last;
    },
    status: () => last
  };
}

// dist/src/streams/sinks/kafka-producing.js
var GROUPING = "kafkajs/src/producer/groupMessagesPerPartition.js";
var RECORD_ENCODER = "kafkajs/src/protocol/recordBatch/record/v0/index.js";
var SEND_MESSAGES = "kafkajs/src/producer/sendMessages.js";
var PRODUCE_REQUEST = "kafkajs/src/protocol/requests/produce/v3/request.js";
function groupMessagesPerPartition({ topic, partitionMetadata, messages, partitioner }) {
  if (partitionMetadata.length === 0)
    return {};
  const byPartition = {};
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    const list = byPartition[partition];
    if (list === void 0)
      byPartition[partition] = [message];
    else
      list.push(message);
  }
  return byPartition;
}
var NUMBER_VARLONG_MAX = 2 ** 51;
function fastRecordEncoder(Encoder) {
  let scratch = Buffer.allocUnsafe(64 * 1024);
  let at = 0;
  const ensure = (n) => {
    if (at + n <= scratch.length)
      return;
    const grown = Buffer.allocUnsafe(Math.max(scratch.length * 2, at + n));
    scratch.copy(grown, 0, 0, at);
    scratch = grown;
  };
  const varInt = (value) => {
    let v = value << 1 ^ value >> 31;
    ensure(5);
    while ((v & 4294967168) !== 0) {
      scratch[at++] = v & 127 | 128;
      v >>>= 7;
    }
    scratch[at++] = v & 127;
  };
  const varLong = (value) => {
    if (Number.isSafeInteger(value) && Math.abs(value) <= NUMBER_VARLONG_MAX) {
      let v = value >= 0 ? value * 2 : -value * 2 - 1;
      ensure(8);
      while (v >= 128) {
        scratch[at++] = v % 128 | 128;
        v = Math.floor(v / 128);
      }
      scratch[at++] = v;
      return;
    }
    bytes(new Encoder(16).writeVarLong(value).buffer);
  };
  const bytes = (buffer) => {
    ensure(buffer.length);
    buffer.copy(scratch, at);
    at += buffer.length;
  };
  const utf8 = (text) => {
    const length = Buffer.byteLength(text, "utf8");
    varInt(length);
    ensure(length);
    scratch.write(text, at, length, "utf8");
    at += length;
  };
  const varIntBytes = (value) => {
    if (value == null)
      varInt(-1);
    else if (Buffer.isBuffer(value)) {
      varInt(value.length);
      bytes(value);
    } else
      utf8(String(value));
  };
  const sizeOfVarLong = (value) => {
    if (!(Number.isSafeInteger(value) && Math.abs(value) <= NUMBER_VARLONG_MAX))
      return Encoder.sizeOfVarLong(value);
    let v = value >= 0 ? value * 2 : -value * 2 - 1;
    let size = 1;
    while (v >= 128) {
      size++;
      v = Math.floor(v / 128);
    }
    return size;
  };
  return ({ offsetDelta = 0, timestampDelta = 0, key, value, headers = {} }) => {
    const list = [];
    for (const name of Object.keys(headers)) {
      const v = headers[name];
      if (Array.isArray(v))
        for (const each of v)
          list.push({ key: name, value: each });
      else
        list.push({ key: name, value: v });
    }
    let sizeOfBody = 1 + sizeOfVarLong(timestampDelta) + Encoder.sizeOfVarInt(offsetDelta) + Encoder.sizeOfVarIntBytes(key) + Encoder.sizeOfVarIntBytes(value);
    sizeOfBody += Encoder.sizeOfVarInt(list.length);
    for (const header of list) {
      const keySize = Buffer.byteLength(header.key);
      const valueSize = Buffer.byteLength(header.value);
      sizeOfBody += Encoder.sizeOfVarInt(keySize) + keySize;
      sizeOfBody += header.value === null ? Encoder.sizeOfVarInt(-1) : Encoder.sizeOfVarInt(valueSize) + valueSize;
    }
    at = 0;
    varInt(sizeOfBody);
    ensure(1);
    scratch[at++] = 0;
    varLong(timestampDelta);
    varInt(offsetDelta);
    varIntBytes(key);
    varIntBytes(value);
    varInt(list.length);
    for (const header of list) {
      if (header.key == null)
        varInt(-1);
      else
        utf8(header.key);
      varIntBytes(header.value);
    }
    const encoder = Object.create(Encoder.prototype);
    encoder.buf = Buffer.allocUnsafe(at);
    scratch.copy(encoder.buf, 0, 0, at);
    encoder.offset = at;
    return encoder;
  };
}
var producingSwap = moduleSwap({
  replaces: [GROUPING, RECORD_ENCODER],
  takenBy: [SEND_MESSAGES, PRODUCE_REQUEST],
  swap() {
    swapExport(kafkajsPath(GROUPING), (input) => groupMessagesPerPartition(input));
    const encode = fastRecordEncoder(kafkajsModule("kafkajs/src/protocol/encoder.js"));
    swapExport(kafkajsPath(RECORD_ENCODER), (record) => encode(record));
  }
});
function fastProducingStatus() {
  return producingSwap.status();
}
function installFastProducing() {
  return producingSwap.install();
}

// dist/src/streams/sources/kafka-record-decoding.js
var RECORD_DECODER = "kafkajs/src/protocol/recordBatch/record/v0/decoder.js";
var BATCH_DECODER = "kafkajs/src/protocol/recordBatch/v0/decoder.js";
var CONSUMER_BATCH = "kafkajs/src/consumer/batch.js";
var FETCH_MESSAGES = "kafkajs/src/protocol/requests/fetch/v4/decodeMessages.js";
var CONSUMER_GROUP = "kafkajs/src/consumer/consumerGroup.js";
var LOG_APPEND_TIME = 1;
var SAFE_VARLONG_BYTES = 7;
function readSmallVarLong(decoder) {
  const buf = decoder.buffer;
  const start = decoder.offset;
  let value = 0;
  let scale = 1;
  for (let i = 0; i < SAFE_VARLONG_BYTES; i++) {
    const at = start + i;
    if (at >= buf.length)
      return void 0;
    const byte = buf[at];
    value += (byte & 127) * scale;
    if (byte < 128) {
      decoder.offset = at + 1;
      return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
    }
    scale *= 128;
  }
  return void 0;
}
function safeInteger(decimal) {
  const n = Number(decimal);
  return Number.isSafeInteger(n) ? n : Number.NaN;
}
var NOT_IN_PLACE = Symbol("decode from a slice");
function fastRecordDecoding(Long, headerDecoder) {
  let lastContext;
  let firstOffset = Number.NaN;
  let firstTimestamp = Number.NaN;
  const useContext = (batchContext) => {
    if (batchContext === lastContext)
      return;
    lastContext = batchContext;
    firstOffset = safeInteger(batchContext.firstOffset);
    firstTimestamp = safeInteger(batchContext.firstTimestamp);
  };
  const readTimestamp = (decoder, batchContext) => {
    const smallDelta = readSmallVarLong(decoder);
    const timestampDelta = smallDelta === void 0 ? decoder.readVarLong() : smallDelta;
    if (batchContext.timestampType === LOG_APPEND_TIME && batchContext.maxTimestamp)
      return batchContext.maxTimestamp;
    const sum = smallDelta === void 0 ? Number.NaN : firstTimestamp + smallDelta;
    return Number.isSafeInteger(sum) ? String(sum) : Long.fromValue(batchContext.firstTimestamp).add(timestampDelta).toString();
  };
  const offsetOf = (offsetDelta, batchContext) => {
    const sum = firstOffset + offsetDelta;
    return Number.isSafeInteger(sum) ? String(sum) : Long.fromValue(batchContext.firstOffset).add(offsetDelta).toString();
  };
  const record = (batchContext, attributes, timestamp, offset, key, value, headers) => ({
    magicByte: batchContext.magicByte,
    attributes,
    timestamp,
    offset,
    key,
    value,
    headers,
    isControlRecord: batchContext.isControlBatch === void 0 ? false : batchContext.isControlBatch,
    batchContext
  });
  const decode = (decoder, batchContext = {}) => {
    useContext(batchContext);
    const attributes = decoder.readInt8();
    const timestamp = readTimestamp(decoder, batchContext);
    const offset = offsetOf(decoder.readVarInt(), batchContext);
    const key = decoder.readVarIntBytes();
    const value = decoder.readVarIntBytes();
    const headerList = decoder.readVarIntArray(headerDecoder);
    return record(batchContext, attributes, timestamp, offset, key, value, headersObject(headerList));
  };
  const bytesWithin = (decoder, end) => {
    const length = decoder.readVarInt();
    const at = decoder.offset;
    if (at > end)
      return NOT_IN_PLACE;
    if (length === -1)
      return null;
    if (length < 0 || at + length > end)
      return NOT_IN_PLACE;
    decoder.offset = at + length;
    return decoder.buffer.subarray(at, at + length);
  };
  const decodeWithin = (decoder, batchContext, end) => {
    useContext(batchContext);
    if (decoder.offset >= end)
      return NOT_IN_PLACE;
    const attributes = decoder.readInt8();
    const timestamp = readTimestamp(decoder, batchContext);
    const offsetDelta = decoder.readVarInt();
    if (decoder.offset > end)
      return NOT_IN_PLACE;
    const key = bytesWithin(decoder, end);
    if (key === NOT_IN_PLACE)
      return NOT_IN_PLACE;
    const value = bytesWithin(decoder, end);
    if (value === NOT_IN_PLACE)
      return NOT_IN_PLACE;
    const count = decoder.readVarInt();
    if (decoder.offset > end || count < -1 || count * 2 > end - decoder.offset)
      return NOT_IN_PLACE;
    let headers = {};
    if (count > 0) {
      const list = [];
      for (let i = 0; i < count; i++) {
        const name = bytesWithin(decoder, end);
        const headerValue = name === NOT_IN_PLACE ? NOT_IN_PLACE : bytesWithin(decoder, end);
        if (name === NOT_IN_PLACE || headerValue === NOT_IN_PLACE)
          return NOT_IN_PLACE;
        list.push({ key: name === null ? null : name.toString("utf8"), value: headerValue });
      }
      headers = headersObject(list);
    }
    return record(batchContext, attributes, timestamp, offsetOf(offsetDelta, batchContext), key, value, headers);
  };
  return { decode, decodeWithin };
}
function headersObject(list) {
  const out = {};
  for (const { key, value } of list) {
    const seen = out[key];
    const next = seen === void 0 ? value : Array.isArray(seen) ? seen.concat([value]) : [seen, value];
    Object.defineProperty(out, key, { value: next, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
var TIMESTAMP_TYPE_FLAG = 8;
var TRANSACTIONAL_FLAG = 16;
var CONTROL_FLAG = 32;
function fastBatchDecoder(parts) {
  const { Decoder, records: decoding, lookupCodecByAttributes, PartialMessageError } = parts;
  const record = (decoder, context) => {
    const start = decoder.offset;
    const length = decoder.readVarInt();
    const end = decoder.offset + length;
    if (length >= 0 && end <= decoder.buffer.length) {
      let decoded;
      try {
        decoded = decoding.decodeWithin(decoder, context, end);
      } catch {
        decoded = NOT_IN_PLACE;
      }
      if (decoded !== NOT_IN_PLACE) {
        decoder.offset = end;
        return decoded;
      }
    }
    decoder.offset = start;
    return decoding.decode(new Decoder(decoder.readVarIntBytes()), context);
  };
  return async (fetchDecoder) => {
    const firstOffset = fetchDecoder.readInt64().toString();
    const length = fetchDecoder.readInt32();
    const decoder = fetchDecoder.slice(length);
    fetchDecoder.forward(length);
    const remainingBytes = decoder.buffer.length;
    if (remainingBytes < length) {
      throw new PartialMessageError(`Tried to decode a partial record batch: remainingBytes(${remainingBytes}) < recordBatchLength(${length})`);
    }
    const partitionLeaderEpoch = decoder.readInt32();
    const magicByte = decoder.readInt8();
    decoder.readInt32();
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
    const context = {
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
      magicByte
    };
    const codec = lookupCodecByAttributes(attributes);
    let records;
    if (!codec) {
      records = decoder.readArray((d) => record(d, context));
    } else {
      const count = decoder.readInt32();
      if (count <= 0) {
        records = [];
      } else {
        const inflated = new Decoder(await codec.decompress(decoder.readAll()));
        records = new Array(count);
        for (let i = 0; i < count; i++)
          records[i] = record(inflated, context);
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
      records
    };
  };
}
function fastConsumerBatch(Batch, Long, filterAborted) {
  return class FastBatch extends Batch {
    constructor(topic, fetchedOffset, partitionData) {
      super(topic, fetchedOffset, { ...partitionData, messages: [] });
      const { messages, abortedTransactions } = partitionData;
      const from = safeInteger(fetchedOffset);
      const withinOffset = messages.filter((m) => {
        const offset = safeInteger(m.offset);
        return Number.isNaN(offset) || Number.isNaN(from) ? Long.fromValue(m.offset).gte(fetchedOffset) : offset >= from;
      });
      Object.assign(this, {
        rawMessages: messages,
        messagesWithinOffset: withinOffset,
        messages: filterAborted({ messages: withinOffset, abortedTransactions }).filter((m) => !m.isControlRecord)
      });
    }
  };
}
var decodingSwap = moduleSwap({
  replaces: [RECORD_DECODER, BATCH_DECODER, CONSUMER_BATCH],
  // The replaced modules are captured by their users when those load: too late once they have.
  takenBy: [FETCH_MESSAGES, CONSUMER_GROUP],
  swap() {
    const Long = kafkajsModule("kafkajs/src/utils/long.js");
    const records = fastRecordDecoding(Long, kafkajsModule("kafkajs/src/protocol/recordBatch/header/v0/decoder.js"));
    swapExport(kafkajsPath(RECORD_DECODER), records.decode);
    const batchDecoder = fastBatchDecoder({
      Decoder: kafkajsModule("kafkajs/src/protocol/decoder.js"),
      records,
      lookupCodecByAttributes: kafkajsModule("kafkajs/src/protocol/message/compression/index.js").lookupCodecByAttributes,
      PartialMessageError: kafkajsModule("kafkajs/src/errors.js").KafkaJSPartialMessageError
    });
    swapExport(kafkajsPath(BATCH_DECODER), batchDecoder);
    const batchPath = kafkajsPath(CONSUMER_BATCH);
    const batchModule = loadedModule(batchPath);
    swapExport(batchPath, fastConsumerBatch(batchModule.exports, Long, kafkajsModule("kafkajs/src/consumer/filterAbortedMessages.js")));
  }
});
function fastRecordDecodingStatus() {
  return decodingSwap.status();
}
function installFastRecordDecoding() {
  return decodingSwap.install();
}

export {
  fastProducingStatus,
  installFastProducing,
  fastRecordDecodingStatus,
  installFastRecordDecoding
};
