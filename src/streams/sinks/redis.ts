/**
 * Redis sink: each window result as `SET <prefix><resultId> <value> EX <ttl>`, in batches.
 *
 * A batch is written by a Lua script that runs those SETs, one script call per SCRIPT_KEYS keys,
 * with one reply per call instead of one per key, which matters when thousands of windows fire at
 * once. The call's keys and values travel packed in one argument (`packSets`), not as one argument
 * each: ioredis's per-argument encoding was most of the main thread's cost (bench/redis-writes.ts,
 * 10,000 results: 0.8-1.35 main-thread CPU-µs per key packed, 2.2-2.3 with an argument each, ~10
 * as a pipeline of SET commands). The keys, values and TTLs are the same as pipelined SETs'.
 * Undeclared keys are fine on a standalone Redis (the only kind this sink talks to); its ACL still
 * checks each SET inside the script. A Redis whose ACL refuses scripts (EVALSHA/EVAL) gets
 * pipelined SETs instead, with a warning.
 *
 * Plain SET, never INCR: a replayed result writes the same value, so a whole failed batch can simply
 * be sent again (a script that failed half-way too). ioredis's own offline queue is unbounded, so it
 * is off: the bounded queue in retry.ts is the only buffer, and it is the only thing that retries
 * (ioredis never re-sends a command behind our back), which keeps writes to one key in the order
 * they were made.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { maskUrlCredentials, type SluiceConfig } from '../../config.js';
import { ErrorCode, SluiceError } from '../../errors.js';
import type { JobDefinition } from '../../job/job.js';
import type { Logger } from '../../telemetry/logging.js';
import { activeSpanContext, traceSinkSend, type SpanContextRef } from '../../telemetry/tracing.js';
import { RetryingBatchQueue, backoffDelay, scrubSecrets, type BatchQueueStats, type BatchSendOutcome } from './retry.js';
import type { ResultSink } from './sink.js';

/**
 * Replies that no retry will fix: the credentials or the ACL are wrong (a key the ACL denies to a
 * SET inside the script is reported as "can't access at least one of the keys").
 */
const PERMANENT_REPLY = /^(NOAUTH|WRONGPASS|NOPERM)\b|can't access at least one of the keys/;

/** A refusal of the script commands themselves (not of a key or SET inside a script): pipeline instead. */
const SCRIPTS_REFUSED = /^NOPERM\b.*'(evalsha|eval|script)\b/i;

/** Keys per script call: 1,000 was the fastest of 500, 1,000 and 5,000 (and bounds a call's arguments). */
const SCRIPT_KEYS = 1_000;

/**
 * ARGV[1] = the TTL in seconds, ARGV[2] = the sets packed by `packSets`: for each, the key's length
 * in bytes, ':', the key, the value's length in bytes, ':', the value. Returns how many were SET.
 */
const SET_PACKED_LUA = `local ttl, packed = ARGV[1], ARGV[2]
local find, sub = string.find, string.sub
local pos, n = 1, 0
while pos <= #packed do
  local colon = find(packed, ':', pos, true)
  local keyEnd = colon + tonumber(sub(packed, pos, colon - 1))
  local key = sub(packed, colon + 1, keyEnd)
  colon = find(packed, ':', keyEnd + 1, true)
  pos = colon + tonumber(sub(packed, keyEnd + 1, colon - 1)) + 1
  redis.call('SET', key, sub(packed, colon + 1, pos - 1), 'EX', ttl)
  n = n + 1
end
return n`;

/** The script as an ioredis command (EVALSHA, loading it by EVAL when Redis does not have it yet). */
interface WithSetPacked {
  sluiceSetPacked(ttlSeconds: number, packed: string): Promise<number>;
}

/** `sets` in SET_PACKED_LUA's form. Lengths are UTF-8 bytes: what ioredis sends and Lua's string functions count. */
function packSets(sets: ReadonlyArray<{ key: string; value: string }>): string {
  let packed = '';
  for (const { key, value } of sets) packed += `${Buffer.byteLength(key)}:${key}${Buffer.byteLength(value)}:${value}`;
  return packed;
}

/** At most one log line per distinct connection error in this period: reconnects can be frequent. */
const CONNECTION_LOG_PERIOD_MS = 10_000;

export interface RedisSinkOptions<OUT> {
  config: NonNullable<SluiceConfig['redis']>;
  job: Pick<JobDefinition<unknown, unknown, OUT>, 'resultId' | 'redisValue' | 'redisKey'>;
  logger: Logger;
  connectTimeoutMs?: number;
  /** 'pipeline': pipelined SET commands from the start (bench/redis-writes.ts compares the two). Default 'script'. */
  writeMode?: 'script' | 'pipeline';
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
  /** False once Redis refused the script commands: batches go as pipelined SETs from then on. */
  private scripts: boolean;

  constructor(options: RedisSinkOptions<OUT>) {
    this.options = options;
    this.scripts = options.writeMode !== 'pipeline';
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
    this.redis.defineCommand('sluiceSetPacked', { numberOfKeys: 0, lua: SET_PACKED_LUA });
    // Without a listener ioredis prints every connection error to the console.
    this.redis.on('error', (err: unknown) => this.logConnectionError(err));
    this.queue = new RetryingBatchQueue<PendingSet>({
      name: this.name,
      maxBatch: options.config.batchSize,
      capacity: options.config.bufferKeys ?? options.config.batchSize * 2,
      flushIntervalMs: options.config.flushIntervalMs,
      maxInFlight: options.config.maxInFlight ?? 1,
      keyOf: (set) => set.key,
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
    if (this.scripts) {
      const outcome = await this.sendByScript(sets);
      if (outcome) return outcome;
    }
    return this.sendByPipeline(sets);
  }

  /** The batch in script calls of SCRIPT_KEYS keys, all sent before any reply is awaited. Undefined: scripts are refused. */
  private async sendByScript(sets: readonly PendingSet[]): Promise<BatchSendOutcome<PendingSet> | undefined> {
    const ttl = this.options.config.ttlSeconds;
    const calls: Array<{ part: readonly PendingSet[]; reply: Promise<number> }> = [];
    for (let from = 0; from < sets.length; from += SCRIPT_KEYS) {
      const part = sets.slice(from, from + SCRIPT_KEYS);
      calls.push({ part, reply: (this.redis as unknown as WithSetPacked).sluiceSetPacked(ttl, packSets(part)) });
    }
    const replies = await Promise.allSettled(calls.map((c) => c.reply));
    const retry: PendingSet[] = [];
    const reasons = new Set<string>();
    for (let i = 0; i < calls.length; i++) {
      const reply = replies[i] as PromiseSettledResult<number>;
      if (reply.status === 'fulfilled') continue;
      const message = errorMessage(reply.reason);
      if (SCRIPTS_REFUSED.test(message)) {
        this.scripts = false;
        this.logger.warn(
          { url: this.urlForLogs, reason: this.describe(reply.reason) },
          'Redis refuses scripts to this user: writing with pipelined SET commands from now on (slower)',
        );
        return undefined;
      }
      this.throwIfPermanent(reply.reason);
      retry.push(...(calls[i] as (typeof calls)[number]).part);
      reasons.add(this.describe(reply.reason));
    }
    return { retry, reason: [...reasons].slice(0, 3).join('; ') };
  }

  private async sendByPipeline(sets: readonly PendingSet[]): Promise<BatchSendOutcome<PendingSet>> {
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
      this.throwIfPermanent(err);
      retry.push(sets[i] as PendingSet);
      reasons.add(this.describe(err));
    }
    return { retry, reason: [...reasons].slice(0, 3).join('; ') };
  }

  /** A reply no retry will fix (credentials, ACL) fails the sink. */
  private throwIfPermanent(err: unknown): void {
    if (!PERMANENT_REPLY.test(errorMessage(err))) return;
    throw new SluiceError(ErrorCode.REDIS_WRITE_FAILED, `Redis at ${this.urlForLogs} refused a write: ${this.describe(err)}`, {
      retriable: false,
      details: { url: this.urlForLogs },
    });
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
