/**
 * Redis sink: each window result as `SET <prefix><resultId> <value> EX <ttl>`, pipelined in batches.
 *
 * Plain SET, never INCR: a replayed result writes the same value, so a whole failed batch can simply
 * be sent again. ioredis's own offline queue is unbounded, so it is off: the bounded queue in
 * retry.ts is the only buffer, and it is the only thing that retries (ioredis never re-sends a
 * command behind our back), which keeps writes to one key in the order they were made.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { maskUrlCredentials, type SluiceConfig } from '../../config.js';
import { ErrorCode, SluiceError } from '../../errors.js';
import type { JobDefinition } from '../../job/job.js';
import type { Logger } from '../../telemetry/logging.js';
import { activeSpanContext, traceSinkSend, type SpanContextRef } from '../../telemetry/tracing.js';
import { RetryingBatchQueue, backoffDelay, scrubSecrets, type BatchQueueStats, type BatchSendOutcome } from './retry.js';
import type { ResultSink } from './sink.js';

/** Replies that no retry will fix: the credentials or the ACL are wrong. */
const PERMANENT_REPLY = /^(NOAUTH|WRONGPASS|NOPERM)\b/;

/** At most one log line per distinct connection error in this period: reconnects can be frequent. */
const CONNECTION_LOG_PERIOD_MS = 10_000;

export interface RedisSinkOptions<OUT> {
  config: NonNullable<SluiceConfig['redis']>;
  job: Pick<JobDefinition<unknown, unknown, OUT>, 'resultId' | 'redisValue' | 'redisKey'>;
  logger: Logger;
  connectTimeoutMs?: number;
}

interface PendingSet {
  key: string;
  value: string;
  /** The span (a window firing) that wrote it, for the pipeline span's links; undefined when tracing is off. */
  trace?: SpanContextRef | undefined;
}

export class RedisSink<OUT> implements ResultSink<OUT> {
  readonly name = 'redis';
  private readonly redis: Redis;
  private readonly queue: RetryingBatchQueue<PendingSet>;
  private readonly logger: Logger;
  private readonly options: RedisSinkOptions<OUT>;
  private readonly urlForLogs: string;
  private readonly secrets: Array<string | undefined>;
  private lastConnectionLog = { message: '', at: 0 };
  private closing: Promise<void> | undefined;

  constructor(options: RedisSinkOptions<OUT>) {
    this.options = options;
    this.logger = options.logger.child({ sink: this.name });
    this.urlForLogs = maskUrlCredentials(options.config.url);
    const connection = connectionOptions(options.config);
    this.secrets = [connection.password];
    this.redis = new Redis({
      ...connection,
      lazyConnect: true,
      enableOfflineQueue: false,
      // 0 + no auto-resend: a command caught by a disconnect fails at once and our queue retries it.
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      connectTimeout: options.connectTimeoutMs ?? 10_000,
      connectionName: 'sluice',
      // Reconnect forever, with the same backoff as writes; close() stops it.
      retryStrategy: (times) => Math.round(backoffDelay(times)),
    });
    // Without a listener ioredis prints every connection error to the console.
    this.redis.on('error', (err: unknown) => this.logConnectionError(err));
    this.queue = new RetryingBatchQueue<PendingSet>({
      name: this.name,
      maxBatch: options.config.batchSize,
      capacity: options.config.bufferKeys ?? options.config.batchSize * 2,
      flushIntervalMs: options.config.flushIntervalMs,
      send: traceSinkSend('pipeline SET', { 'db.system.name': 'redis', 'db.operation.name': 'PIPELINE' }, (batch) => this.sendBatch(batch)),
      describeError: (err) => this.describe(err),
      logger: options.logger,
    });
  }

  async start(): Promise<void> {
    try {
      await this.redis.connect();
      await this.redis.ping();
    } catch (err) {
      // Stop the background reconnect loop: the caller decides whether to start again.
      this.redis.disconnect();
      const reason = this.describe(err);
      const auth = PERMANENT_REPLY.test(errorMessage(err));
      throw new SluiceError(
        ErrorCode.REDIS_UNAVAILABLE,
        auth
          ? `Redis at ${this.urlForLogs} refused the credentials: ${reason} (check SLUICE_REDIS_PASSWORD or the URL)`
          : `Redis at ${this.urlForLogs} is unreachable: ${reason}`,
        { retriable: !auth, details: { url: this.urlForLogs } },
      );
    }
  }

  /** Converted only as buffer room frees up, so a large write is not held twice. */
  async write(results: readonly OUT[]): Promise<void> {
    const { job, config } = this.options;
    const trace = activeSpanContext();
    const keyOf = job.redisKey ?? job.resultId;
    await this.queue.enqueueMapped(results, (r): PendingSet => {
      const set: PendingSet = { key: config.keyPrefix + keyOf(r), value: job.redisValue(r) };
      if (trace) set.trace = trace;
      return set;
    });
  }

  flush(): Promise<void> {
    return this.queue.flush();
  }

  /** Idempotent, like the Elasticsearch sink's. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.queue.close();
      if (this.redis.status === 'ready') {
        // QUIT waits for replies to commands already sent; fall back to dropping the socket.
        await this.redis.quit().catch(() => this.redis.disconnect());
      } else {
        this.redis.disconnect();
      }
    })();
    return this.closing;
  }

  stats(): BatchQueueStats {
    return this.queue.stats();
  }

  private async sendBatch(batch: readonly PendingSet[]): Promise<BatchSendOutcome<PendingSet>> {
    // The last result per key wins (a window's later firing is written later). Collapsing first
    // means retrying only the failed part of a batch can never put an older value back.
    const latest = new Map<string, PendingSet>();
    for (const set of batch) latest.set(set.key, set);
    const sets = [...latest.values()];

    if (this.redis.status !== 'ready') return { retry: sets, reason: `connection ${this.redis.status}` };

    const pipeline = this.redis.pipeline();
    const ttl = this.options.config.ttlSeconds;
    for (const { key, value } of sets) pipeline.set(key, value, 'EX', ttl);
    let replies: Array<[Error | null, unknown]> | null;
    try {
      replies = await pipeline.exec();
    } catch (err) {
      return { retry: sets, reason: this.describe(err) };
    }
    if (replies === null) return { retry: sets, reason: 'pipeline discarded' };

    const retry: PendingSet[] = [];
    const reasons = new Set<string>();
    for (let i = 0; i < sets.length; i++) {
      const err = replies[i]?.[0];
      if (!err) continue;
      if (PERMANENT_REPLY.test(err.message)) {
        throw new SluiceError(ErrorCode.REDIS_WRITE_FAILED, `Redis at ${this.urlForLogs} refused a write: ${this.describe(err)}`, {
          retriable: false,
          details: { url: this.urlForLogs },
        });
      }
      retry.push(sets[i] as PendingSet);
      reasons.add(this.describe(err));
    }
    return { retry, reason: [...reasons].slice(0, 3).join('; ') };
  }

  private logConnectionError(err: unknown): void {
    const message = this.describe(err);
    const now = Date.now();
    if (message === this.lastConnectionLog.message && now - this.lastConnectionLog.at < CONNECTION_LOG_PERIOD_MS) return;
    this.lastConnectionLog = { message, at: now };
    this.logger.warn({ url: this.urlForLogs, reason: message }, 'Redis connection error; reconnecting');
  }

  private describe(err: unknown): string {
    const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return scrubSecrets(text.slice(0, 500), this.secrets);
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Connection settings from the URL, built here rather than by ioredis: ioredis lets a URL's password
 * win over an explicit one, and SLUICE_REDIS_PASSWORD must override the URL.
 */
export function connectionOptions(config: NonNullable<SluiceConfig['redis']>): RedisOptions {
  const url = new URL(config.url);
  const db = url.pathname.length > 1 ? Number.parseInt(url.pathname.slice(1), 10) : 0;
  const family = url.searchParams.get('family');
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const urlPassword = url.password ? decodeURIComponent(url.password) : undefined;
  const password = config.password ?? urlPassword;
  // WHATWG URL keeps IPv6 hosts bracketed; sockets want them bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    host,
    port: url.port ? Number(url.port) : 6379,
    ...(Number.isSafeInteger(db) && db > 0 ? { db } : {}),
    ...(family === '4' || family === '6' ? { family: Number(family) } : {}),
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    // rediss:// means TLS; servername so the certificate is checked against the host name.
    ...(url.protocol === 'rediss:' ? { tls: { servername: host } } : {}),
  };
}
