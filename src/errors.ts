/**
 * The one errors module: every condition a user can meet has a stable code here.
 *
 * Codes are part of the product interface (they appear in logs, in the `sluice-error` header of
 * dead letters, and in exit messages): add codes, never rename them.
 */

/** Why a record was diverted to the dead-letter or late topic (the `sluice-error` header). */
export const RecordErrorCode = {
  TOO_LARGE: 'TOO_LARGE',
  MALFORMED_JSON: 'MALFORMED_JSON',
  NOT_AN_OBJECT: 'NOT_AN_OBJECT',
  DUPLICATE_KEY: 'DUPLICATE_KEY',
  MISSING_USER_ID: 'MISSING_USER_ID',
  BAD_USER_ID: 'BAD_USER_ID',
  MISSING_EVENT_TYPE: 'MISSING_EVENT_TYPE',
  BAD_EVENT_TYPE: 'BAD_EVENT_TYPE',
  BAD_TIMESTAMP: 'BAD_TIMESTAMP',
  LATE_EVENT: 'LATE_EVENT',
  SINK_REJECTED: 'SINK_REJECTED',
} as const;
export type RecordErrorCode = (typeof RecordErrorCode)[keyof typeof RecordErrorCode];

/** Failures of the daemon itself (configuration, connections, sinks, internal invariants). */
export const ErrorCode = {
  CONFIG_INVALID: 'CONFIG_INVALID',
  /** A job file (SLUICE_JOB, `sluice run --job`) cannot be read, or says something invalid: the message names the field and the line. */
  JOB_INVALID: 'JOB_INVALID',
  USAGE: 'USAGE',
  KAFKA_UNAVAILABLE: 'KAFKA_UNAVAILABLE',
  KAFKA_TOPIC_MISSING: 'KAFKA_TOPIC_MISSING',
  KAFKA_COMMIT_FAILED: 'KAFKA_COMMIT_FAILED',
  /** The Kafka consumer crashed or stopped (a broker outage...): sluice reconnects it and goes on from where the pipeline is. */
  KAFKA_CONSUMER_RESTARTING: 'KAFKA_CONSUMER_RESTARTING',
  /** The consumer fetched nothing for SLUICE_KAFKA_STALL_TIMEOUT_MS while records waited in Kafka: the job fails and restarts. */
  KAFKA_CONSUMER_STALLED: 'KAFKA_CONSUMER_STALLED',
  /** Another sluice daemon is consuming the same job (topic and group): this one refuses to start. */
  KAFKA_GROUP_IN_USE: 'KAFKA_GROUP_IN_USE',
  /** A newer daemon of the same job took over its transactional id: this one stops for good. */
  KAFKA_FENCED: 'KAFKA_FENCED',
  ES_UNAVAILABLE: 'ES_UNAVAILABLE',
  ES_BULK_FAILED: 'ES_BULK_FAILED',
  ES_INDEX_SETUP_FAILED: 'ES_INDEX_SETUP_FAILED',
  REDIS_UNAVAILABLE: 'REDIS_UNAVAILABLE',
  REDIS_WRITE_FAILED: 'REDIS_WRITE_FAILED',
  DEAD_LETTER_FAILED: 'DEAD_LETTER_FAILED',
  /** A sink call after (or pending at) close(): what it held was not acknowledged. */
  SINK_CLOSED: 'SINK_CLOSED',
  PIPELINE_STOPPED: 'PIPELINE_STOPPED',
  WORKER_FAILED: 'WORKER_FAILED',
  STATE_DIR_LOCKED: 'STATE_DIR_LOCKED',
  /** The /metrics, /healthz, /readyz endpoint could not listen (port in use...). */
  METRICS_SERVER_FAILED: 'METRICS_SERVER_FAILED',
  /** A graceful stop did not finish within SLUICE_SHUTDOWN_TIMEOUT_MS. */
  SHUTDOWN_TIMEOUT: 'SHUTDOWN_TIMEOUT',
  /** A checkpoint failed; `details.reason` is a CheckpointFailureReason. Also: too many failed in a row. */
  CHECKPOINT_FAILED: 'CHECKPOINT_FAILED',
  /** A checkpoint record's checksum does not verify (and SLUICE_CHECKPOINT_ON_CORRUPT=fail), or its format is unknown. */
  CHECKPOINT_CORRUPT: 'CHECKPOINT_CORRUPT',
  /** The checkpoint to restore was taken with another SLUICE_WORKERS (rescale through a savepoint), topic or group. */
  CHECKPOINT_INCOMPATIBLE: 'CHECKPOINT_INCOMPATIBLE',
  /** A savepoint could not be taken (the daemon is not running, its checkpoint failed, the target cannot be written). */
  SAVEPOINT_FAILED: 'SAVEPOINT_FAILED',
  /** A savepoint to restore is missing, incomplete, damaged (checksum), malformed, or of an unknown format version. */
  SAVEPOINT_INVALID: 'SAVEPOINT_INVALID',
  /** A valid savepoint that does not fit this job (another job, input topic, window size or key group count). */
  SAVEPOINT_INCOMPATIBLE: 'SAVEPOINT_INCOMPATIBLE',
  /** `sluice savepoint` / `sluice stop`: no daemon answers on the admin socket of this SLUICE_STATE_DIR. */
  DAEMON_NOT_RUNNING: 'DAEMON_NOT_RUNNING',
  /** The local admin endpoint (Unix socket) could not listen, or answered something unreadable. */
  ADMIN_ENDPOINT_FAILED: 'ADMIN_ENDPOINT_FAILED',
  /** A supervisor's restart strategy gave up: the message names the strategy, the failures and the last cause. */
  RESTARTS_EXHAUSTED: 'RESTARTS_EXHAUSTED',
  /** A supervised child failed in its very first start (not retried); used when the cause has no code of its own. */
  STARTUP_FAILED: 'STARTUP_FAILED',
  /** The live-query API (SLUICE_QUERY_PORT) could not listen (port in use...). */
  QUERY_SERVER_FAILED: 'QUERY_SERVER_FAILED',
  /** A live query with a bad parameter (HTTP 400). */
  QUERY_BAD_REQUEST: 'QUERY_BAD_REQUEST',
  /** A live query without the bearer token SLUICE_QUERY_TOKEN asks for (HTTP 401). */
  QUERY_UNAUTHORIZED: 'QUERY_UNAUTHORIZED',
  /** A live query that would scan more than SLUICE_QUERY_MAX_SCAN entries in a worker: refused (HTTP 422). */
  QUERY_TOO_BROAD: 'QUERY_TOO_BROAD',
  /** Too many live queries from one client or in flight at once (HTTP 429). */
  QUERY_RATE_LIMITED: 'QUERY_RATE_LIMITED',
  /** A live query not answered within SLUICE_QUERY_TIMEOUT_MS (HTTP 504). */
  QUERY_TIMEOUT: 'QUERY_TIMEOUT',
  /** No job is running to answer a live query (starting, restarting, stopping: HTTP 503). */
  QUERY_UNAVAILABLE: 'QUERY_UNAVAILABLE',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface SluiceErrorOptions {
  /** True when retrying the same operation later may succeed (a broker restart, a 429). */
  retriable?: boolean;
  cause?: unknown;
  /** Structured, secret-free facts for logs (variable names, topic names, HTTP status...). */
  details?: Record<string, unknown>;
}

export class SluiceError extends Error {
  override readonly name = 'SluiceError';
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: SluiceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.details = options.details ?? {};
  }

  /** A plain object that survives structured clone (worker messages) and JSON logs. */
  toJSON(): SerializedError {
    return serializeError(this);
  }
}

export interface SerializedError {
  name: string;
  code: string;
  message: string;
  retriable: boolean;
  details?: Record<string, unknown>;
  stack?: string;
}

/** Turn anything thrown into a plain object, keeping code and retriable when present. */
export function serializeError(err: unknown): SerializedError {
  if (err instanceof SluiceError) {
    return {
      name: err.name,
      code: err.code,
      message: err.message,
      retriable: err.retriable,
      details: err.details,
      ...(err.stack ? { stack: err.stack } : {}),
    };
  }
  if (err instanceof Error) {
    const withCode = err as Error & { code?: unknown; retriable?: unknown };
    return {
      name: err.name,
      code: typeof withCode.code === 'string' ? withCode.code : ErrorCode.INTERNAL,
      message: err.message,
      retriable: withCode.retriable === true,
      ...(err.stack ? { stack: err.stack } : {}),
    };
  }
  return { name: 'Error', code: ErrorCode.INTERNAL, message: String(err), retriable: false };
}

/** Rebuild an error serialized on another thread, so `code`, `retriable` and the stack survive. */
export function deserializeError(data: SerializedError): SluiceError {
  const code = (Object.values(ErrorCode) as string[]).includes(data.code) ? (data.code as ErrorCode) : ErrorCode.INTERNAL;
  const err = new SluiceError(code, data.message, {
    retriable: data.retriable,
    details: data.details ?? {},
  });
  if (data.stack) err.stack = data.stack;
  return err;
}

export function isRetriable(err: unknown): boolean {
  if (err instanceof SluiceError) return err.retriable;
  const candidate = err as { retriable?: unknown } | null;
  return typeof candidate === 'object' && candidate !== null && candidate.retriable === true;
}

/** What an error in a `cause` chain may carry (kafkajs's errors: `type`, `code`, `retriable`). */
export interface CauseLike {
  name?: string;
  message?: string;
  type?: string;
  code?: number;
  retriable?: boolean;
  cause?: unknown;
}

/** `err`, then what caused it, and so on (kafkajs wraps a broker's error in its retry errors). */
export function* causeChain(err: unknown): Generator<CauseLike> {
  for (let e = err as CauseLike | undefined; e; e = e.cause as CauseLike | undefined) {
    yield e;
    if (e.cause === e) return;
  }
}
