import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  RetryingBatchQueue,
  scrubSecrets
} from "./chunk-LYOI272H.js";
import {
  activeSpanContext,
  maskUrlCredentials,
  systemClock,
  traceSinkSend
} from "./chunk-V4BPHJU6.js";
import "./chunk-JAQIKBD7.js";
import "./chunk-NB6JYZCG.js";
import "./chunk-MBHVQOUX.js";
import {
  ErrorCode,
  RecordErrorCode,
  SluiceError
} from "./chunk-5F6N7MD3.js";
import "./chunk-4VNCNJCE.js";
import "./chunk-HEGIUYW6.js";

// dist/src/streams/sinks/elasticsearch.js
import { Client, errors } from "@elastic/elasticsearch";
var RESULT_INDEX_MAPPING = {
  dynamic: "strict",
  properties: {
    userId: { type: "keyword" },
    windowStart: { type: "date", format: "epoch_millis" },
    windowEnd: { type: "date", format: "epoch_millis" },
    count: { type: "long" },
    byEventType: { type: "object", enabled: false }
  }
};
var RETRIABLE_ITEM_ERRORS = /* @__PURE__ */ new Set(["index_closed_exception", "cluster_block_exception", "index_not_found_exception"]);
var DEFAULT_DEAD_LETTER_TOPIC = "user-clicks-dlq";
var DEFAULT_BULK_BYTES = 5 * 1024 * 1024;
var MAX_REASON_CHARS = 2e3;
var NEWLINE = 10;
function bulkLines(action, source) {
  return Buffer.from(`${action}
${source}
`, "utf8");
}
function sourceOfLines(lines) {
  return Buffer.from(lines.subarray(lines.indexOf(NEWLINE) + 1, lines.length - 1));
}
function ndjsonBody(docs) {
  return Buffer.concat(docs.map((doc) => doc.lines));
}
var BULK_FILTER_PATH = "errors,items.*.status,items.*.error";
var ElasticsearchSink = class {
  name = "elasticsearch";
  client;
  index;
  deadLetterTopic;
  nodeForLogs;
  secrets;
  queue;
  logger;
  options;
  deadLettered = 0;
  dropped = 0;
  /** Letters sent to the dead-letter sink since its last flush, so flush() makes them durable too. */
  lettersUnflushed = 0;
  closing;
  constructor(options) {
    const { config } = options;
    this.options = options;
    this.index = config.index;
    this.deadLetterTopic = options.deadLetterTopic ?? DEFAULT_DEAD_LETTER_TOPIC;
    this.nodeForLogs = maskUrlCredentials(config.node);
    this.logger = options.logger.child({ sink: this.name });
    this.secrets = [config.apiKey, config.password];
    const auth = config.apiKey ? { apiKey: config.apiKey } : config.username ? { username: config.username, password: config.password ?? "" } : void 0;
    this.client = new Client({
      node: config.node,
      ...auth ? { auth } : {},
      // Our queue retries, with backoff and a log line; the client's own retries would be immediate.
      maxRetries: 0,
      requestTimeout: options.requestTimeoutMs ?? 3e4,
      name: "sluice"
    });
    const bulkBytes = config.bulkBytes ?? DEFAULT_BULK_BYTES;
    this.queue = new RetryingBatchQueue({
      name: this.name,
      ...options.clock ? { clock: options.clock } : {},
      ...options.scheduler ? { scheduler: options.scheduler } : {},
      maxBatch: config.bulkDocs,
      capacity: config.bufferDocs ?? config.bulkDocs * 2,
      sizeOf: (doc) => doc.lines.length,
      maxBatchBytes: bulkBytes,
      capacityBytes: config.bufferBytes ?? bulkBytes * 2,
      flushIntervalMs: config.flushIntervalMs,
      send: traceSinkSend(`bulk ${config.index}`, { "db.system.name": "elasticsearch", "db.operation.name": "bulk", "db.collection.name": config.index }, (batch, signal) => this.sendBatch(batch, signal)),
      describeError: (err) => this.describe(err),
      logger: options.logger
    });
  }
  async start() {
    try {
      await this.client.ping();
    } catch (err) {
      const status = statusOf(err);
      const auth = status === 401 || status === 403;
      throw new SluiceError(
        ErrorCode.ES_UNAVAILABLE,
        auth ? `Elasticsearch at ${this.nodeForLogs} refused the credentials (HTTP ${status}): check SLUICE_ES_API_KEY or SLUICE_ES_USERNAME / SLUICE_ES_PASSWORD` : `Elasticsearch at ${this.nodeForLogs} is unreachable: ${this.describe(err)}`,
        // No `cause`: the client's errors carry the request, headers (credentials) included.
        { retriable: !auth, details: { node: this.nodeForLogs, ...status ? { status } : {} } }
      );
    }
    await this.ensureIndex();
  }
  /** Serialized only as buffer room frees up, so a large write is not held twice. */
  async write(results, epoch) {
    const trace = activeSpanContext();
    await this.queue.enqueueMapped(results, (result) => {
      const doc = this.toPending(result);
      if (trace)
        doc.trace = trace;
      if (epoch !== void 0)
        doc.epoch = epoch;
      return doc;
    });
  }
  async flush() {
    await this.queue.flush();
    if (this.lettersUnflushed > 0 && this.options.deadLetters) {
      this.lettersUnflushed = 0;
      await this.options.deadLetters.flush();
    }
  }
  /** Idempotent: the client's close() never settles when called a second time. */
  close() {
    this.closing ??= (async () => {
      this.queue.close();
      await this.client.close();
    })();
    return this.closing;
  }
  stats() {
    return { ...this.queue.stats(), deadLettered: this.deadLettered, dropped: this.dropped };
  }
  toPending(result) {
    const id = this.options.job.resultId(result);
    const version = this.options.job.resultVersion(result);
    const toDocument = this.options.job.toDocument;
    const source = JSON.stringify(toDocument ? toDocument(result) : result);
    if (!Number.isSafeInteger(version) || version < 0) {
      return { id, lines: bulkLines("", source), invalid: `resultVersion ${String(version)} is not a non-negative integer` };
    }
    const action = JSON.stringify({ index: { _id: id, version, version_type: "external_gte" } });
    return { id, lines: bulkLines(action, source) };
  }
  /** The job's mapping (a job file derives one from its fields and aggregates), else the clickstream documents'. */
  get mapping() {
    return this.options.job.esMapping ?? RESULT_INDEX_MAPPING;
  }
  async ensureIndex() {
    try {
      const exists = await this.client.indices.exists({ index: this.index });
      if (exists.body === true) {
        await this.checkMapping();
        return;
      }
      await this.client.indices.create({ index: this.index, body: { mappings: this.mapping } });
      this.logger.info({ index: this.index }, "created Elasticsearch index with explicit mapping");
    } catch (err) {
      if (errorTypeOf(err) === "resource_already_exists_exception")
        return;
      throw new SluiceError(ErrorCode.ES_INDEX_SETUP_FAILED, `cannot create Elasticsearch index "${this.index}": ${this.describe(err)}`, {
        retriable: isTransient(err),
        details: { index: this.index, node: this.nodeForLogs }
      });
    }
  }
  /** An index created by someone else (or auto-created) may not fit: say so, but keep going. */
  async checkMapping() {
    const response = await this.client.indices.getMapping({ index: this.index });
    const body = response.body;
    for (const [concrete, entry] of Object.entries(body)) {
      const props = entry.mappings?.properties ?? {};
      const wanted = this.mapping.properties;
      const mismatched = Object.entries(wanted).filter(([field, want]) => props[field]?.type !== want.type || want.enabled !== void 0 && props[field]?.enabled !== want.enabled).map(([field]) => field);
      if (mismatched.length > 0) {
        this.logger.warn({ index: concrete, fields: mismatched }, "existing Elasticsearch index does not have the expected mapping; some documents may be rejected (recreate it or reindex)");
      }
    }
  }
  async sendBatch(batch, signal) {
    const retry = [];
    const letters = [];
    const reasons = /* @__PURE__ */ new Set();
    const sendable = [];
    for (const doc of batch) {
      if (doc.invalid !== void 0)
        letters.push(this.letter(doc, doc.invalid));
      else
        sendable.push(doc);
    }
    await this.bulk(sendable, signal, { retry, letters, reasons });
    if (letters.length > 0)
      await this.deadLetter(letters);
    return { retry, reason: [...reasons].slice(0, 3).join("; ") };
  }
  async bulk(docs, signal, out) {
    if (docs.length === 0)
      return;
    const body = ndjsonBody(docs);
    let items;
    try {
      const request = this.client.bulk({ index: this.index, body, filter_path: BULK_FILTER_PATH });
      const onAbort = () => {
        try {
          request.abort();
        } catch {
        }
      };
      signal.addEventListener("abort", onAbort, { once: true });
      try {
        const response = await request;
        const result = response.body;
        if (result.errors !== true)
          return;
        items = (result.items ?? []).map((item) => Object.values(item)[0] ?? { status: 0 });
      } finally {
        signal.removeEventListener("abort", onAbort);
      }
    } catch (err) {
      if (signal.aborted)
        throw err;
      const status = statusOf(err);
      if (status === 413 && docs.length > 1) {
        const half = Math.ceil(docs.length / 2);
        await this.bulk(docs.slice(0, half), signal, out);
        await this.bulk(docs.slice(half), signal, out);
        return;
      }
      if (status === 413) {
        out.letters.push(this.letter(docs[0], "document too large for one bulk request (HTTP 413)"));
        return;
      }
      if (isTransient(err)) {
        for (const doc of docs)
          out.retry.push(doc);
        out.reasons.add(this.describe(err));
        return;
      }
      throw new SluiceError(ErrorCode.ES_BULK_FAILED, `Elasticsearch refused a bulk request to "${this.index}": ${this.describe(err)}`, {
        retriable: false,
        details: { index: this.index, node: this.nodeForLogs, ...status ? { status } : {} }
      });
    }
    for (let i = 0; i < docs.length; i++) {
      const doc = docs[i];
      const item = items[i] ?? { status: 0, error: { type: "missing_bulk_item", reason: "no item in the bulk response" } };
      switch (classifyItem(item)) {
        case "ok":
          break;
        case "reject":
          out.letters.push(this.letter(doc, itemReason(item)));
          break;
        case "retry":
          out.retry.push(doc);
          out.reasons.add(itemReason(item).slice(0, 200));
          break;
      }
    }
  }
  /**
   * A refused document as a dead letter. A result has no single Kafka position (a window aggregates
   * many records), so the position names the target instead: topic `elasticsearch:<index>` (':' is
   * never in a Kafka topic name, so it cannot be mistaken for one), partition -1, offset = the
   * document `_id`. The key is the `_id` too, so a consumer of the dead-letter topic can find it.
   */
  letter(doc, reason) {
    return {
      topic: this.deadLetterTopic,
      value: sourceOfLines(doc.lines),
      key: Buffer.from(doc.id, "utf8"),
      code: RecordErrorCode.SINK_REJECTED,
      message: reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS)}...` : reason,
      source: {
        topic: `elasticsearch:${this.index}`,
        partition: -1,
        offset: doc.id,
        timestamp: String((this.options.clock ?? systemClock).now())
      },
      ...doc.epoch !== void 0 ? { epoch: doc.epoch } : {}
    };
  }
  async deadLetter(letters) {
    const target = this.options.deadLetters;
    if (!target) {
      this.dropped += letters.length;
      for (const l of letters) {
        this.logger.error({ index: this.index, id: l.source.offset, reason: l.message }, "Elasticsearch refused a document; no dead-letter topic configured, dropped");
      }
      return;
    }
    try {
      await target.send(letters);
    } catch (err) {
      throw new SluiceError(ErrorCode.DEAD_LETTER_FAILED, `cannot dead-letter ${letters.length} document(s) Elasticsearch refused: ${this.describe(err)}`, {
        retriable: false,
        details: { index: this.index, topic: this.deadLetterTopic }
      });
    }
    this.deadLettered += letters.length;
    this.lettersUnflushed += letters.length;
    this.logger.warn({ index: this.index, count: letters.length, first: letters[0]?.message }, "documents refused by Elasticsearch sent to the dead-letter topic");
  }
  /** One secret-free line: HTTP status and ES error type/reason, or the connection error. */
  describe(err) {
    if (err instanceof errors.ResponseError) {
      const body = err.body;
      const e = body?.error;
      const what = typeof e === "string" ? e : e ? `${e.type ?? "error"}: ${e.reason ?? ""}` : "no error body";
      return scrubSecrets(`HTTP ${err.statusCode ?? "?"} ${what}`.slice(0, 500), this.secrets);
    }
    if (err instanceof Error)
      return scrubSecrets(`${err.name}: ${err.message}`.slice(0, 500), this.secrets);
    return scrubSecrets(String(err).slice(0, 500), this.secrets);
  }
};
function statusOf(err) {
  return err instanceof errors.ResponseError ? err.statusCode : void 0;
}
function errorTypeOf(err) {
  if (!(err instanceof errors.ResponseError))
    return void 0;
  const body = err.body;
  return body?.error?.type;
}
function isTransient(err) {
  if (err instanceof errors.ResponseError) {
    const status = err.statusCode ?? 0;
    return status === 429 || status >= 500;
  }
  return err instanceof errors.ConnectionError || err instanceof errors.TimeoutError || err instanceof errors.NoLivingConnectionsError || // A truncated or non-JSON body (a proxy in trouble): the request may well succeed next time.
  err instanceof errors.DeserializationError;
}
function classifyItem(item) {
  if (item.status >= 200 && item.status < 300)
    return "ok";
  if (item.status === 409)
    return "ok";
  if ((item.status === 400 || item.status === 413) && !RETRIABLE_ITEM_ERRORS.has(item.error?.type ?? ""))
    return "reject";
  return "retry";
}
function itemReason(item) {
  const e = item.error;
  if (!e)
    return `HTTP ${item.status}`;
  const cause = e.caused_by ? ` (caused by ${e.caused_by.type ?? "error"}: ${e.caused_by.reason ?? ""})` : "";
  return `${e.type ?? "error"}: ${e.reason ?? ""}${cause}`;
}
export {
  ElasticsearchSink,
  RESULT_INDEX_MAPPING,
  bulkLines,
  ndjsonBody,
  sourceOfLines
};
