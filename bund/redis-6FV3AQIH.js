import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  RetryingBatchQueue,
  backoffDelay,
  scrubSecrets
} from "./chunk-LYOI272H.js";
import {
  activeSpanContext,
  maskUrlCredentials,
  traceSinkSend
} from "./chunk-V4BPHJU6.js";
import "./chunk-JAQIKBD7.js";
import "./chunk-NB6JYZCG.js";
import "./chunk-MBHVQOUX.js";
import {
  ErrorCode,
  SluiceError
} from "./chunk-5F6N7MD3.js";
import "./chunk-4VNCNJCE.js";
import "./chunk-HEGIUYW6.js";

// dist/src/streams/sinks/redis.js
import { Redis } from "ioredis";
var PERMANENT_REPLY = /^(NOAUTH|WRONGPASS|NOPERM)\b|can't access at least one of the keys/;
var SCRIPTS_REFUSED = /^NOPERM\b.*'(evalsha|eval|script)\b/i;
var SCRIPT_KEYS = 1e3;
var SET_PACKED_LUA = `local ttl, packed = ARGV[1], ARGV[2]
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
function packSets(sets) {
  let packed = "";
  for (const { key, value } of sets)
    packed += `${Buffer.byteLength(key)}:${key}${Buffer.byteLength(value)}:${value}`;
  return packed;
}
var CONNECTION_LOG_PERIOD_MS = 1e4;
var RedisSink = class {
  name = "redis";
  redis;
  queue;
  logger;
  options;
  urlForLogs;
  secrets;
  lastConnectionLog = { message: "", at: 0 };
  closing;
  /** False once Redis refused the script commands: batches go as pipelined SETs from then on. */
  scripts;
  constructor(options) {
    this.options = options;
    this.scripts = options.writeMode !== "pipeline";
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
      connectTimeout: options.connectTimeoutMs ?? 1e4,
      connectionName: "sluice",
      // Reconnect forever, with the same backoff as writes; close() stops it.
      retryStrategy: (times) => Math.round(backoffDelay(times))
    });
    this.redis.defineCommand("sluiceSetPacked", { numberOfKeys: 0, lua: SET_PACKED_LUA });
    this.redis.on("error", (err) => this.logConnectionError(err));
    this.queue = new RetryingBatchQueue({
      name: this.name,
      maxBatch: options.config.batchSize,
      capacity: options.config.bufferKeys ?? options.config.batchSize * 2,
      flushIntervalMs: options.config.flushIntervalMs,
      send: traceSinkSend("pipeline SET", { "db.system.name": "redis", "db.operation.name": "PIPELINE" }, (batch) => this.sendBatch(batch)),
      describeError: (err) => this.describe(err),
      logger: options.logger
    });
  }
  async start() {
    try {
      await this.redis.connect();
      await this.redis.ping();
    } catch (err) {
      this.redis.disconnect();
      const reason = this.describe(err);
      const auth = PERMANENT_REPLY.test(errorMessage(err));
      throw new SluiceError(ErrorCode.REDIS_UNAVAILABLE, auth ? `Redis at ${this.urlForLogs} refused the credentials: ${reason} (check SLUICE_REDIS_PASSWORD or the URL)` : `Redis at ${this.urlForLogs} is unreachable: ${reason}`, { retriable: !auth, details: { url: this.urlForLogs } });
    }
  }
  /** Converted only as buffer room frees up, so a large write is not held twice. */
  async write(results) {
    const { job, config } = this.options;
    const trace = activeSpanContext();
    const keyOf = job.redisKey ?? job.resultId;
    await this.queue.enqueueMapped(results, (r) => {
      const set = { key: config.keyPrefix + keyOf(r), value: job.redisValue(r) };
      if (trace)
        set.trace = trace;
      return set;
    });
  }
  flush() {
    return this.queue.flush();
  }
  /** Idempotent, like the Elasticsearch sink's. */
  close() {
    this.closing ??= (async () => {
      this.queue.close();
      if (this.redis.status === "ready") {
        await this.redis.quit().catch(() => this.redis.disconnect());
      } else {
        this.redis.disconnect();
      }
    })();
    return this.closing;
  }
  stats() {
    return this.queue.stats();
  }
  async sendBatch(batch) {
    const latest = /* @__PURE__ */ new Map();
    for (const set of batch)
      latest.set(set.key, set);
    const sets = [...latest.values()];
    if (this.redis.status !== "ready")
      return { retry: sets, reason: `connection ${this.redis.status}` };
    if (this.scripts) {
      const outcome = await this.sendByScript(sets);
      if (outcome)
        return outcome;
    }
    return this.sendByPipeline(sets);
  }
  /** The batch in script calls of SCRIPT_KEYS keys, all sent before any reply is awaited. Undefined: scripts are refused. */
  async sendByScript(sets) {
    const ttl = this.options.config.ttlSeconds;
    const calls = [];
    for (let from = 0; from < sets.length; from += SCRIPT_KEYS) {
      const part = sets.slice(from, from + SCRIPT_KEYS);
      calls.push({ part, reply: this.redis.sluiceSetPacked(ttl, packSets(part)) });
    }
    const replies = await Promise.allSettled(calls.map((c) => c.reply));
    const retry = [];
    const reasons = /* @__PURE__ */ new Set();
    for (let i = 0; i < calls.length; i++) {
      const reply = replies[i];
      if (reply.status === "fulfilled")
        continue;
      const message = errorMessage(reply.reason);
      if (SCRIPTS_REFUSED.test(message)) {
        this.scripts = false;
        this.logger.warn({ url: this.urlForLogs, reason: this.describe(reply.reason) }, "Redis refuses scripts to this user: writing with pipelined SET commands from now on (slower)");
        return void 0;
      }
      this.throwIfPermanent(reply.reason);
      retry.push(...calls[i].part);
      reasons.add(this.describe(reply.reason));
    }
    return { retry, reason: [...reasons].slice(0, 3).join("; ") };
  }
  async sendByPipeline(sets) {
    const pipeline = this.redis.pipeline();
    const ttl = this.options.config.ttlSeconds;
    for (const { key, value } of sets)
      pipeline.set(key, value, "EX", ttl);
    let replies;
    try {
      replies = await pipeline.exec();
    } catch (err) {
      return { retry: sets, reason: this.describe(err) };
    }
    if (replies === null)
      return { retry: sets, reason: "pipeline discarded" };
    const retry = [];
    const reasons = /* @__PURE__ */ new Set();
    for (let i = 0; i < sets.length; i++) {
      const err = replies[i]?.[0];
      if (!err)
        continue;
      this.throwIfPermanent(err);
      retry.push(sets[i]);
      reasons.add(this.describe(err));
    }
    return { retry, reason: [...reasons].slice(0, 3).join("; ") };
  }
  /** A reply no retry will fix (credentials, ACL) fails the sink. */
  throwIfPermanent(err) {
    if (!PERMANENT_REPLY.test(errorMessage(err)))
      return;
    throw new SluiceError(ErrorCode.REDIS_WRITE_FAILED, `Redis at ${this.urlForLogs} refused a write: ${this.describe(err)}`, {
      retriable: false,
      details: { url: this.urlForLogs }
    });
  }
  logConnectionError(err) {
    const message = this.describe(err);
    const now = Date.now();
    if (message === this.lastConnectionLog.message && now - this.lastConnectionLog.at < CONNECTION_LOG_PERIOD_MS)
      return;
    this.lastConnectionLog = { message, at: now };
    this.logger.warn({ url: this.urlForLogs, reason: message }, "Redis connection error; reconnecting");
  }
  describe(err) {
    const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return scrubSecrets(text.slice(0, 500), this.secrets);
  }
};
function errorMessage(err) {
  return err instanceof Error ? err.message : String(err);
}
function connectionOptions(config) {
  const url = new URL(config.url);
  const db = url.pathname.length > 1 ? Number.parseInt(url.pathname.slice(1), 10) : 0;
  const family = url.searchParams.get("family");
  const username = url.username ? decodeURIComponent(url.username) : void 0;
  const urlPassword = url.password ? decodeURIComponent(url.password) : void 0;
  const password = config.password ?? urlPassword;
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return {
    host,
    port: url.port ? Number(url.port) : 6379,
    ...Number.isSafeInteger(db) && db > 0 ? { db } : {},
    ...family === "4" || family === "6" ? { family: Number(family) } : {},
    ...username ? { username } : {},
    ...password ? { password } : {},
    // rediss:// means TLS; servername so the certificate is checked against the host name.
    ...url.protocol === "rediss:" ? { tls: { servername: host } } : {}
  };
}
export {
  RedisSink,
  connectionOptions
};
