/**
 * Elasticsearch sink: window results as documents, one per key and window, written with the bulk API.
 *
 * Idempotent and order-safe: `_id` is the job's deterministic result id and each write carries the
 * result's version with `version_type: external_gte`, so a replay rewrites the same document and an
 * earlier firing of a window can never replace a later one, whatever order retries land in.
 *
 * Not the client's bulk helper: it retries only 429 and aborts on a connection error (see
 * DESIGN-NOTES). Here a bounded queue (retry.ts) holds results, an outage is retried indefinitely as
 * backpressure, and only documents ES refuses for good go to the dead-letter topic.
 */
import { systemClock, type Clock, type Scheduler } from '../../clock.js';
import { Client, errors } from '@elastic/elasticsearch';
import { maskUrlCredentials, type SluiceConfig } from '../../config.js';
import { ErrorCode, RecordErrorCode, SluiceError } from '../../errors.js';
import type { JobDefinition } from '../../job/job.js';
import type { Logger } from '../../telemetry/logging.js';
import { activeSpanContext, traceSinkSend, type SpanContextRef } from '../../telemetry/tracing.js';
import { RetryingBatchQueue, scrubSecrets, type BatchQueueStats, type BatchSendOutcome } from './retry.js';
import type { DeadLetter, DeadLetterSink, ResultSink } from './sink.js';

/**
 * The index mapping. `dynamic: strict` so a document that does not have the contract's shape is
 * refused (and dead-lettered) instead of silently growing the mapping.
 *
 * `byEventType` is stored but not indexed (`enabled: false`): its keys are arbitrary eventType
 * strings, and mapping each as a field would explode the mapping (field limit 1000), and break on
 * keys with dots ("a.b" is read as an object path) or that are empty. Query per-type counts from
 * `_source`; aggregate by type upstream if needed.
 */
export const RESULT_INDEX_MAPPING = {
  dynamic: 'strict',
  properties: {
    userId: { type: 'keyword' },
    windowStart: { type: 'date', format: 'epoch_millis' },
    windowEnd: { type: 'date', format: 'epoch_millis' },
    count: { type: 'long' },
    byEventType: { type: 'object', enabled: false },
  },
} as const;

/**
 * Per-item errors with status 400/413 that are an operator's condition, not the document's fault:
 * retried (as backpressure) rather than dead-lettered, so fixing the cluster loses nothing.
 */
const RETRIABLE_ITEM_ERRORS = new Set(['index_closed_exception', 'cluster_block_exception', 'index_not_found_exception']);

const DEFAULT_DEAD_LETTER_TOPIC = 'user-clicks-dlq';

/** The defaults of SLUICE_ES_BULK_BYTES and SLUICE_ES_BUFFER_BYTES, for configs built by hand. */
const DEFAULT_BULK_BYTES = 5 * 1024 * 1024;

/** Dead-letter messages are Kafka headers: keep them readable and bounded. */
const MAX_REASON_CHARS = 2_000;

export interface ElasticsearchSinkOptions<OUT> {
  config: NonNullable<SluiceConfig['elasticsearch']>;
  job: Pick<JobDefinition<unknown, unknown, OUT>, 'resultId' | 'resultVersion' | 'esMapping' | 'toDocument'>;
  /** Where documents ES refuses for good are sent; without it they are logged at error and dropped. */
  deadLetters?: DeadLetterSink | undefined;
  /** The topic the letters name (SluiceConfig.topics.dlq); the contract's default when omitted. */
  deadLetterTopic?: string;
  logger: Logger;
  /** Per bulk request; a timeout is retried like any connection error. */
  requestTimeoutMs?: number;
  /** Time (default: the system's): retries, the flush interval, the dead letters' timestamps. */
  clock?: Clock;
  scheduler?: Scheduler;
}

const NEWLINE = 0x0a;

/**
 * A document's bulk action line (the index is in the request path). Written as a template: the same
 * text as `JSON.stringify({ index: { _id, version, version_type: 'external_gte' } })` for a safe
 * integer `version` (the caller checks), ~0.35 µs less main-thread CPU per result.
 */
export function bulkAction(id: string, version: number): string {
  return `{"index":{"_id":${JSON.stringify(id)},"version":${version},"version_type":"external_gte"}}`;
}

/**
 * A document's two bulk lines (action, source), encoded once. A document waits in the sink's buffer
 * as these bytes rather than as two strings: the main thread's young-generation collections copy
 * whatever survives them, and buffered documents do (~90 MB promoted per 100,000 results with both
 * sinks on, against ~35 MB sinks off; decision 0019).
 */
export function bulkLines(action: string, source: string): Buffer {
  return Buffer.from(`${action}\n${source}\n`, 'utf8');
}

/** The source line of `bulkLines`'s bytes, copied (a dead letter's value must not hold a shared buffer). */
export function sourceOfLines(lines: Buffer): Buffer {
  return Buffer.from(lines.subarray(lines.indexOf(NEWLINE) + 1, lines.length - 1));
}

/**
 * A bulk request's body as bytes: the documents' lines one after the other. Given a string, the
 * client measured its UTF-8 length (Buffer.byteLength over the whole body) and then encoded it
 * again to write it: with the string's concatenation, ~1.5 µs of main-thread CPU per document
 * (issue 13's profile).
 */
export function ndjsonBody(docs: ReadonlyArray<{ readonly lines: Buffer }>): Buffer {
  return Buffer.concat(docs.map((doc) => doc.lines));
}

/** A result ready to send: serialized once, so retries and dead letters carry the same bytes. */
interface PendingDoc {
  id: string;
  /** Its bulk action line (no index: it is in the request path) and source line (`bulkLines`). */
  lines: Buffer;
  /** Set when the result cannot be sent at all (e.g. an invalid version): dead-lettered directly. */
  invalid?: string;
  /** The span (a window firing) that wrote it, for the bulk span's links; undefined when tracing is off. */
  trace?: SpanContextRef | undefined;
  /** Barriers the producing worker had passed: a dead letter for it commits with that checkpoint. */
  epoch?: number;
}

/** The parts of a bulk response read: whether any item failed, and each item's status and error (in order). */
const BULK_FILTER_PATH = 'errors,items.*.status,items.*.error';

interface BulkItemResult {
  status: number;
  error?: { type?: string; reason?: string; caused_by?: { type?: string; reason?: string } };
}

export interface ElasticsearchSinkStats extends BatchQueueStats {
  deadLettered: number;
  dropped: number;
}

export class ElasticsearchSink<OUT> implements ResultSink<OUT> {
  readonly name = 'elasticsearch';
  private readonly client: Client;
  private readonly index: string;
  private readonly deadLetterTopic: string;
  private readonly nodeForLogs: string;
  private readonly secrets: Array<string | undefined>;
  private readonly queue: RetryingBatchQueue<PendingDoc>;
  private readonly logger: Logger;
  private readonly options: ElasticsearchSinkOptions<OUT>;
  private deadLettered = 0;
  private dropped = 0;
  /** Letters sent to the dead-letter sink since its last flush, so flush() makes them durable too. */
  private lettersUnflushed = 0;
  private closing: Promise<void> | undefined;
  /** The missing index being created (see `ensureIndex`). */
  private indexCreated: Promise<void> | undefined;

  constructor(options: ElasticsearchSinkOptions<OUT>) {
    const { config } = options;
    this.options = options;
    this.index = config.index;
    this.deadLetterTopic = options.deadLetterTopic ?? DEFAULT_DEAD_LETTER_TOPIC;
    this.nodeForLogs = maskUrlCredentials(config.node);
    this.logger = options.logger.child({ sink: this.name });
    this.secrets = [config.apiKey, config.password];
    const auth = config.apiKey
      ? { apiKey: config.apiKey }
      : config.username
        ? { username: config.username, password: config.password ?? '' }
        : undefined;
    this.client = new Client({
      node: config.node,
      ...(auth ? { auth } : {}),
      // Our queue retries, with backoff and a log line; the client's own retries would be immediate.
      maxRetries: 0,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      name: 'sluice',
    });
    const bulkBytes = config.bulkBytes ?? DEFAULT_BULK_BYTES;
    this.queue = new RetryingBatchQueue<PendingDoc>({
      name: this.name,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.scheduler ? { scheduler: options.scheduler } : {}),
      maxBatch: config.bulkDocs,
      capacity: config.bufferDocs ?? config.bulkDocs * 2,
      sizeOf: (doc) => doc.lines.length,
      maxBatchBytes: bulkBytes,
      capacityBytes: config.bufferBytes ?? bulkBytes * 2,
      flushIntervalMs: config.flushIntervalMs,
      send: traceSinkSend(
        `bulk ${config.index}`,
        { 'db.system.name': 'elasticsearch', 'db.operation.name': 'bulk', 'db.collection.name': config.index },
        (batch, signal) => this.sendBatch(batch, signal),
      ),
      describeError: (err) => this.describe(err),
      logger: options.logger,
    });
  }

  async start(): Promise<void> {
    try {
      await this.client.ping();
    } catch (err) {
      const status = statusOf(err);
      const auth = status === 401 || status === 403;
      throw new SluiceError(
        ErrorCode.ES_UNAVAILABLE,
        auth
          ? `Elasticsearch at ${this.nodeForLogs} refused the credentials (HTTP ${status}): check SLUICE_ES_API_KEY or SLUICE_ES_USERNAME / SLUICE_ES_PASSWORD`
          : `Elasticsearch at ${this.nodeForLogs} is unreachable: ${this.describe(err)}`,
        // No `cause`: the client's errors carry the request, headers (credentials) included.
        { retriable: !auth, details: { node: this.nodeForLogs, ...(status ? { status } : {}) } },
      );
    }
    await this.ensureIndex();
  }

  /** Serialized only as buffer room frees up, so a large write is not held twice. */
  async write(results: readonly OUT[], epoch?: number): Promise<void> {
    // The firing's span context (when tracing) travels with each document into its bulk span.
    const trace = activeSpanContext();
    await this.queue.enqueueMapped(results, (result) => {
      const doc = this.toPending(result);
      if (trace) doc.trace = trace;
      if (epoch !== undefined) doc.epoch = epoch;
      return doc;
    });
  }

  async flush(): Promise<void> {
    await this.queue.flush();
    // Dead letters were sent before their bulk was acknowledged; make them durable as well, so a
    // checkpoint after this flush never loses a rejected document.
    if (this.lettersUnflushed > 0 && this.options.deadLetters) {
      this.lettersUnflushed = 0;
      await this.options.deadLetters.flush();
    }
  }

  /** Idempotent: the client's close() never settles when called a second time. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.queue.close();
      await this.client.close();
    })();
    return this.closing;
  }

  stats(): ElasticsearchSinkStats {
    return { ...this.queue.stats(), deadLettered: this.deadLettered, dropped: this.dropped };
  }

  private toPending(result: OUT): PendingDoc {
    const id = this.options.job.resultId(result);
    const version = this.options.job.resultVersion(result);
    const toDocument = this.options.job.toDocument;
    const source = JSON.stringify(toDocument ? toDocument(result) : result);
    // External versions must be integers in [0, 2^63); ES would fail the whole bulk request otherwise.
    if (!Number.isSafeInteger(version) || version < 0) {
      return { id, lines: bulkLines('', source), invalid: `resultVersion ${String(version)} is not a non-negative integer` };
    }
    return { id, lines: bulkLines(bulkAction(id, version), source) };
  }

  /** The job's mapping (a job file derives one from its fields and aggregates), else the clickstream documents'. */
  private get mapping(): { dynamic: string; properties: Record<string, { type: string; format?: string; enabled?: boolean }> } {
    return this.options.job.esMapping ?? RESULT_INDEX_MAPPING;
  }

  /**
   * An existing index is checked now. A missing one is created in the background (0.1-0.3 s: ES
   * waits for its primary shard), so the start goes on: bulks wait for it (`sendBatch`), and the
   * runtime waits for `ready()` before it calls the start done.
   */
  private async ensureIndex(): Promise<void> {
    let exists: boolean;
    try {
      exists = (await this.client.indices.exists({ index: this.index })).body === true;
      if (exists) await this.checkMapping();
    } catch (err) {
      throw this.setupFailed(err);
    }
    if (exists) return;
    this.indexCreated = this.createIndex();
    // Handled by whoever waits for it (ready(), the first bulk), not here.
    this.indexCreated.catch(() => undefined);
  }

  ready(): Promise<void> {
    return this.indexCreated ?? Promise.resolve();
  }

  private async createIndex(): Promise<void> {
    try {
      await this.client.indices.create({ index: this.index, body: { mappings: this.mapping } });
      this.logger.info({ index: this.index }, 'created Elasticsearch index with explicit mapping');
    } catch (err) {
      // Another sluice instance created it between our check and our create: just as good.
      if (errorTypeOf(err) === 'resource_already_exists_exception') return;
      throw this.setupFailed(err);
    }
  }

  private setupFailed(err: unknown): SluiceError {
    return new SluiceError(ErrorCode.ES_INDEX_SETUP_FAILED, `cannot create Elasticsearch index "${this.index}": ${this.describe(err)}`, {
      retriable: isTransient(err),
      details: { index: this.index, node: this.nodeForLogs },
    });
  }

  /** An index created by someone else (or auto-created) may not fit: say so, but keep going. */
  private async checkMapping(): Promise<void> {
    const response = await this.client.indices.getMapping({ index: this.index });
    const body = response.body as Record<string, { mappings?: { properties?: Record<string, { type?: string; enabled?: boolean }> } }>;
    for (const [concrete, entry] of Object.entries(body)) {
      const props = entry.mappings?.properties ?? {};
      const wanted: Record<string, { type: string; enabled?: boolean }> = this.mapping.properties;
      const mismatched = Object.entries(wanted)
        .filter(
          ([field, want]) => props[field]?.type !== want.type || (want.enabled !== undefined && props[field]?.enabled !== want.enabled),
        )
        .map(([field]) => field);
      if (mismatched.length > 0) {
        this.logger.warn(
          { index: concrete, fields: mismatched },
          'existing Elasticsearch index does not have the expected mapping; some documents may be rejected (recreate it or reindex)',
        );
      }
    }
  }

  private async sendBatch(batch: readonly PendingDoc[], signal: AbortSignal): Promise<BatchSendOutcome<PendingDoc>> {
    // Not into an index that does not exist yet: ES would create it with a mapping of its own.
    if (this.indexCreated) await this.indexCreated;
    const retry: PendingDoc[] = [];
    const letters: DeadLetter[] = [];
    const reasons = new Set<string>();
    const sendable: PendingDoc[] = [];
    for (const doc of batch) {
      if (doc.invalid !== undefined) letters.push(this.letter(doc, doc.invalid));
      else sendable.push(doc);
    }
    await this.bulk(sendable, signal, { retry, letters, reasons });
    // Rejected documents are dead-lettered before the batch counts as acknowledged.
    if (letters.length > 0) await this.deadLetter(letters);
    return { retry, reason: [...reasons].slice(0, 3).join('; ') };
  }

  private async bulk(
    docs: readonly PendingDoc[],
    signal: AbortSignal,
    out: { retry: PendingDoc[]; letters: DeadLetter[]; reasons: Set<string> },
  ): Promise<void> {
    if (docs.length === 0) return;
    const body = ndjsonBody(docs);
    let items: BulkItemResult[];
    try {
      // Only what the outcome needs comes back: a full item (index, id, version, shards, seq_no) is
      // ~8x larger, and parsing thousands of them per request cost the main thread more than the rest of the sink.
      const request = this.client.bulk({ index: this.index, body, filter_path: BULK_FILTER_PATH });
      // The client may throw RequestAbortedError out of abort(); thrown inside an AbortSignal
      // listener it would be an uncaught exception (seen when a job restart closed the sink).
      const onAbort = (): void => {
        try {
          request.abort();
        } catch {
          // The awaited request rejects with the same error below.
        }
      };
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        const response = await request;
        const result = response.body as { errors?: boolean; items?: Array<Record<string, BulkItemResult>> };
        if (result.errors !== true) return;
        items = (result.items ?? []).map((item) => Object.values(item)[0] ?? { status: 0 });
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    } catch (err) {
      if (signal.aborted) throw err;
      const status = statusOf(err);
      // The request as a whole is too big (http.max_content_length): halve it until it fits.
      if (status === 413 && docs.length > 1) {
        const half = Math.ceil(docs.length / 2);
        await this.bulk(docs.slice(0, half), signal, out);
        await this.bulk(docs.slice(half), signal, out);
        return;
      }
      if (status === 413) {
        out.letters.push(this.letter(docs[0] as PendingDoc, 'document too large for one bulk request (HTTP 413)'));
        return;
      }
      if (isTransient(err)) {
        for (const doc of docs) out.retry.push(doc);
        out.reasons.add(this.describe(err));
        return;
      }
      throw new SluiceError(ErrorCode.ES_BULK_FAILED, `Elasticsearch refused a bulk request to "${this.index}": ${this.describe(err)}`, {
        retriable: false,
        details: { index: this.index, node: this.nodeForLogs, ...(status ? { status } : {}) },
      });
    }
    for (let i = 0; i < docs.length; i++) {
      const doc = docs[i] as PendingDoc;
      const item = items[i] ?? { status: 0, error: { type: 'missing_bulk_item', reason: 'no item in the bulk response' } };
      switch (classifyItem(item)) {
        case 'ok':
          break;
        case 'reject':
          out.letters.push(this.letter(doc, itemReason(item)));
          break;
        case 'retry':
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
  private letter(doc: PendingDoc, reason: string): DeadLetter {
    return {
      topic: this.deadLetterTopic,
      value: sourceOfLines(doc.lines),
      key: Buffer.from(doc.id, 'utf8'),
      code: RecordErrorCode.SINK_REJECTED,
      message: reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS)}...` : reason,
      source: {
        topic: `elasticsearch:${this.index}`,
        partition: -1,
        offset: doc.id,
        timestamp: String((this.options.clock ?? systemClock).now()),
      },
      ...(doc.epoch !== undefined ? { epoch: doc.epoch } : {}),
    };
  }

  private async deadLetter(letters: DeadLetter[]): Promise<void> {
    const target = this.options.deadLetters;
    if (!target) {
      this.dropped += letters.length;
      for (const l of letters) {
        this.logger.error(
          { index: this.index, id: l.source.offset, reason: l.message },
          'Elasticsearch refused a document; no dead-letter topic configured, dropped',
        );
      }
      return;
    }
    try {
      await target.send(letters);
    } catch (err) {
      throw new SluiceError(
        ErrorCode.DEAD_LETTER_FAILED,
        `cannot dead-letter ${letters.length} document(s) Elasticsearch refused: ${this.describe(err)}`,
        {
          retriable: false,
          details: { index: this.index, topic: this.deadLetterTopic },
        },
      );
    }
    this.deadLettered += letters.length;
    this.lettersUnflushed += letters.length;
    this.logger.warn(
      { index: this.index, count: letters.length, first: letters[0]?.message },
      'documents refused by Elasticsearch sent to the dead-letter topic',
    );
  }

  /** One secret-free line: HTTP status and ES error type/reason, or the connection error. */
  private describe(err: unknown): string {
    if (err instanceof errors.ResponseError) {
      const body = err.body as { error?: { type?: string; reason?: string } | string } | undefined;
      const e = body?.error;
      const what = typeof e === 'string' ? e : e ? `${e.type ?? 'error'}: ${e.reason ?? ''}` : 'no error body';
      return scrubSecrets(`HTTP ${err.statusCode ?? '?'} ${what}`.slice(0, 500), this.secrets);
    }
    if (err instanceof Error) return scrubSecrets(`${err.name}: ${err.message}`.slice(0, 500), this.secrets);
    return scrubSecrets(String(err).slice(0, 500), this.secrets);
  }
}

function statusOf(err: unknown): number | undefined {
  return err instanceof errors.ResponseError ? err.statusCode : undefined;
}

function errorTypeOf(err: unknown): string | undefined {
  if (!(err instanceof errors.ResponseError)) return undefined;
  const body = err.body as { error?: { type?: string } } | undefined;
  return body?.error?.type;
}

/** A whole request that may succeed later: overload, server errors, network trouble. */
function isTransient(err: unknown): boolean {
  if (err instanceof errors.ResponseError) {
    const status = err.statusCode ?? 0;
    return status === 429 || status >= 500;
  }
  return (
    err instanceof errors.ConnectionError ||
    err instanceof errors.TimeoutError ||
    err instanceof errors.NoLivingConnectionsError ||
    // A truncated or non-JSON body (a proxy in trouble): the request may well succeed next time.
    err instanceof errors.DeserializationError
  );
}

/**
 * 409 under external_gte means a version higher than ours is stored: a newer result is already
 * there (an equal version is accepted and rewritten), so ours is obsolete: success.
 * 400 and 413 are the document's own fault (mapping, parsing, size): dead letter.
 * Everything else (429, 5xx, blocks, closed or missing index) is retried: a stall is visible and
 * recoverable, a wrongly dropped result is not.
 */
function classifyItem(item: BulkItemResult): 'ok' | 'retry' | 'reject' {
  if (item.status >= 200 && item.status < 300) return 'ok';
  if (item.status === 409) return 'ok';
  if ((item.status === 400 || item.status === 413) && !RETRIABLE_ITEM_ERRORS.has(item.error?.type ?? '')) return 'reject';
  return 'retry';
}

function itemReason(item: BulkItemResult): string {
  const e = item.error;
  if (!e) return `HTTP ${item.status}`;
  const cause = e.caused_by ? ` (caused by ${e.caused_by.type ?? 'error'}: ${e.caused_by.reason ?? ''})` : '';
  return `${e.type ?? 'error'}: ${e.reason ?? ''}${cause}`;
}
