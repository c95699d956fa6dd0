import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  DEFAULT_FETCH_PARTITION_BYTES,
  DEFAULT_WORKER_MAX_HEAP_MB,
  MAX_WORKERS,
  workersByDefault
} from "./chunk-JAQIKBD7.js";
import {
  MAX_RECORD_BYTES_LIMIT,
  MAX_VALUE_BYTES
} from "./chunk-NB6JYZCG.js";
import {
  external_exports
} from "./chunk-MBHVQOUX.js";
import {
  ErrorCode,
  SluiceError
} from "./chunk-5F6N7MD3.js";
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  context,
  createTraceState,
  init_esm,
  propagation,
  trace
} from "./chunk-4VNCNJCE.js";

// dist/src/url-credentials.js
var MASK = "****";
var SECRET_PARAMS = /* @__PURE__ */ new Set(["key", "pass", "pwd", "sig", "sas", "code", "otp", "jwt", "bearer", "cred", "creds"]);
var SECRET_PARTS = [
  "password",
  "passwd",
  "passphrase",
  "secret",
  "token",
  "apikey",
  "accesskey",
  "privatekey",
  "auth",
  "credential",
  "signature",
  "session"
];
function isSecretParam(name) {
  const n = name.toLowerCase().replace(/[^a-z0-9]/g, "");
  return SECRET_PARAMS.has(n) || SECRET_PARTS.some((part) => n.includes(part)) || n.endsWith("key");
}
function maskParams(params) {
  if (!params.includes("="))
    return void 0;
  let masked = false;
  const out = params.split("&").map((pair) => {
    const eq = pair.indexOf("=");
    if (eq < 0)
      return pair;
    let name = pair.slice(0, eq);
    try {
      name = decodeURIComponent(name.replaceAll("+", " "));
    } catch {
    }
    if (!isSecretParam(name))
      return pair;
    masked = true;
    return `${pair.slice(0, eq)}=${MASK}`;
  });
  return masked ? out.join("&") : void 0;
}
function maskInPlace(u) {
  let masked = false;
  if (u.password) {
    u.password = MASK;
    masked = true;
  } else if (u.username) {
    u.username = MASK;
    masked = true;
  }
  const query = maskParams(u.search.slice(1));
  if (query !== void 0) {
    u.search = query;
    masked = true;
  }
  const fragment = maskParams(u.hash.slice(1));
  if (fragment !== void 0) {
    u.hash = fragment;
    masked = true;
  }
  return masked;
}
function maskUrlCredentials(raw) {
  let u;
  try {
    u = new URL(raw.trim());
  } catch {
    return MASK;
  }
  maskInPlace(u);
  return u.toString().replace(/\/$/, "");
}
function maskUrlsInText(text) {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`\\]+/gi, (url) => {
    let u;
    try {
      u = new URL(url);
    } catch {
      return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, `$1${MASK}@`).replace(/([?&#])([^=&#]+)=([^&#]*)/g, (pair, sep, name) => isSecretParam(name) ? `${sep}${name}=${MASK}` : pair);
    }
    return maskInPlace(u) ? u.toString() : url;
  });
}

// dist/src/config/variables.js
var TOOLING_PREFIXES = ["SLUICE_STACK_", "SLUICE_TEST_", "SLUICE_BENCH_"];
var LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];
var SASL_MECHANISMS = ["plain", "scram-sha-256", "scram-sha-512"];
var hostPort = /^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/;
var topicName = /^[A-Za-z0-9._-]{1,249}$/;
var int = (min, max) => external_exports.string().trim().regex(/^-?\d+$/, { message: `an integer from ${min} to ${max}` }).transform(Number).pipe(external_exports.number().int().min(min, { message: `an integer from ${min} to ${max}` }).max(max, { message: `an integer from ${min} to ${max}` }));
var bool = external_exports.string().trim().toLowerCase().pipe(external_exports.enum(["true", "false", "1", "0", "yes", "no"], { message: "one of true, false, 1, 0, yes, no" })).transform((v2) => v2 === "true" || v2 === "1" || v2 === "yes");
function urlOf(v2, protocols) {
  try {
    const u = new URL(v2);
    return protocols.includes(u.protocol) ? u : void 0;
  } catch {
    return void 0;
  }
}
function credentialsDecode(v2) {
  const u = new URL(v2);
  try {
    decodeURIComponent(u.username);
    decodeURIComponent(u.password);
    return true;
  } catch {
    return false;
  }
}
var CREDENTIALS_ENCODING = "its user name and password percent-encoded (a % must start an escape such as %25 for % itself)";
var httpUrl = external_exports.string().trim().refine((v2) => urlOf(v2, ["http:", "https:"]) !== void 0, {
  message: "an http:// or https:// URL, e.g. http://127.0.0.1:9200",
  abort: true
}).refine(credentialsDecode, { message: `an http:// or https:// URL with ${CREDENTIALS_ENCODING}` });
var redisUrl = external_exports.string().trim().refine((v2) => urlOf(v2, ["redis:", "rediss:"]) !== void 0, {
  message: "a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379",
  abort: true
}).refine(credentialsDecode, { message: `a redis:// or rediss:// URL with ${CREDENTIALS_ENCODING}` });
var topic = external_exports.string().trim().regex(topicName, { message: "a Kafka topic name: 1-249 of [A-Za-z0-9._-]" });
var v = (spec) => spec;
var VARIABLES = {
  SLUICE_JOB: v({
    group: "job",
    default: void 0,
    schema: external_exports.string().trim().min(1, { message: "a file path" }),
    meaning: "the job to run: a job file (.yaml, .yml, .json; see examples/) or a module exporting a JobDefinition (.mjs, .js); its settings that are also variables are defaults the environment overrides; `sluice run --job FILE` wins over it; unset => the built-in clickstream job"
  }),
  SLUICE_KAFKA_BROKERS: v({
    group: "source",
    default: void 0,
    schema: external_exports.string().trim().transform((s) => s.split(",").map((x) => x.trim()).filter((x) => x.length > 0)).pipe(external_exports.array(external_exports.string().regex(hostPort, { message: "comma-separated host:port list, e.g. 127.0.0.1:9092" })).min(1, { message: "at least one host:port" })),
    meaning: "comma-separated host:port; unset => the built-in click generator is the source"
  }),
  SLUICE_KAFKA_TOPIC: v({ group: "source", default: "user-clicks", schema: topic, meaning: "input topic" }),
  SLUICE_KAFKA_GROUP_ID: v({
    group: "source",
    default: "sluice-clickstream",
    schema: external_exports.string().trim().min(1, { message: "a non-empty consumer group id" }),
    meaning: "consumer group"
  }),
  SLUICE_KAFKA_CLIENT_ID: v({
    group: "source",
    default: "sluice",
    schema: external_exports.string().trim().min(1, { message: "a non-empty client id" }),
    meaning: "Kafka client id (shows in broker logs and quotas)"
  }),
  SLUICE_DLQ_TOPIC: v({ group: "source", default: "user-clicks-dlq", schema: topic, meaning: "dead letters" }),
  SLUICE_LATE_TOPIC: v({ group: "source", default: "user-clicks-late", schema: topic, meaning: "late events" }),
  SLUICE_KAFKA_STARTUP_TIMEOUT_MS: v({
    group: "source",
    default: "300000",
    schema: int(0, 864e5),
    meaning: "how long a (re)start waits for an unreachable Kafka, retrying, before it fails with KAFKA_UNAVAILABLE (0 = forever)"
  }),
  SLUICE_KAFKA_STALL_TIMEOUT_MS: v({
    group: "source",
    default: "30000",
    schema: int(0, 864e5),
    meaning: "records waiting in Kafka while the consumer fetched nothing (and the pipeline was not blocked) this long fail the job with KAFKA_CONSUMER_STALLED, and it restarts from its last checkpoint (0 = never)"
  }),
  SLUICE_KAFKA_FETCH_PARTITION_BYTES: v({
    group: "source",
    default: String(DEFAULT_FETCH_PARTITION_BYTES),
    schema: int(1024, 64 * 1024 * 1024),
    meaning: "bytes a fetch asks per partition (a fetch asks 8 times this in all; a larger record still comes whole). Small fetches keep few decoded records alive at once: at 128 KiB rather than 1 MiB, kafkajs spent 40% less CPU per record here (docs/decisions/0013). Raise it for a broker far away (high round-trip time)"
  }),
  SLUICE_SIDE_OUTPUT_BUFFER_BYTES: v({
    group: "source",
    default: String(64 * 1024 * 1024),
    schema: int(1024, 1024 * 1024 * 1024),
    meaning: "dead letters and late events held until their checkpoint commits them in one Kafka transaction; when full, intake waits and a checkpoint is started early"
  }),
  SLUICE_MAX_RECORD_BYTES: v({
    group: "source",
    default: String(MAX_VALUE_BYTES),
    schema: int(1024, MAX_RECORD_BYTES_LIMIT),
    meaning: `largest record value read, 1024 to ${MAX_RECORD_BYTES_LIMIT} (16 MiB); a larger one goes to the dead-letter topic as TOO_LARGE without being parsed (default: the contract's 1 MiB)`
  }),
  SLUICE_ES_NODE: v({
    group: "sinks",
    default: void 0,
    schema: httpUrl,
    // May carry credentials (http://user:password@host, http://token@host, ?api_key=): shown masked.
    secret: true,
    meaning: "Elasticsearch URL, e.g. http://127.0.0.1:9200 (credentials inside it are masked when shown); unset => no Elasticsearch sink"
  }),
  SLUICE_ES_INDEX: v({
    group: "sinks",
    default: "user-click-counts",
    schema: external_exports.string().trim().regex(/^[a-z0-9][a-z0-9._-]{0,254}$/, { message: "a lowercase Elasticsearch index name" }),
    meaning: "index of window results (created with an explicit mapping if missing)"
  }),
  SLUICE_ES_BULK_DOCS: v({ group: "sinks", default: "5000", schema: int(1, 1e5), meaning: "documents per bulk request at most" }),
  SLUICE_ES_FLUSH_INTERVAL_MS: v({
    group: "sinks",
    default: "50",
    schema: int(0, 6e4),
    meaning: "a partial bulk is sent after this long (0 = as soon as no bulk is in flight)"
  }),
  SLUICE_ES_BULK_BYTES: v({
    group: "sinks",
    default: String(5 * 1024 * 1024),
    schema: int(1024, 100 * 1024 * 1024),
    meaning: "bytes per bulk request at most (a larger document is sent alone)"
  }),
  SLUICE_ES_BUFFER_DOCS: v({
    group: "sinks",
    default: "10000",
    schema: int(1, 1e7),
    meaning: "documents the Elasticsearch sink holds at most, waiting or in flight (never fewer than SLUICE_ES_BULK_DOCS); when full, writes wait and the Kafka consumer stops fetching (backpressure)"
  }),
  SLUICE_ES_BUFFER_BYTES: v({
    group: "sinks",
    default: String(10 * 1024 * 1024),
    schema: int(1024, 2 ** 40),
    meaning: "serialized bytes the Elasticsearch sink holds at most, waiting or in flight (never fewer than SLUICE_ES_BULK_BYTES)"
  }),
  SLUICE_REDIS_URL: v({
    group: "sinks",
    default: void 0,
    schema: redisUrl,
    secret: true,
    meaning: "e.g. redis://127.0.0.1:6379 (credentials inside it are masked when shown); unset => no Redis sink"
  }),
  SLUICE_REDIS_KEY_PREFIX: v({
    group: "sinks",
    default: "clicks:",
    schema: external_exports.string().max(200, { message: "at most 200 characters" }),
    meaning: "key prefix"
  }),
  SLUICE_REDIS_TTL_SECONDS: v({ group: "sinks", default: "86400", schema: int(1, 2147483647), meaning: "TTL of each key" }),
  SLUICE_REDIS_BATCH_SIZE: v({ group: "sinks", default: "5000", schema: int(1, 1e5), meaning: "SET commands per pipeline at most" }),
  SLUICE_REDIS_FLUSH_INTERVAL_MS: v({
    group: "sinks",
    default: "0",
    schema: int(0, 6e4),
    meaning: "a partial pipeline is sent after this long; 0 (default) = as soon as no pipeline is in flight: a fired window reaches Redis within one round trip, and pipelines grow by themselves under load"
  }),
  SLUICE_REDIS_BUFFER_KEYS: v({
    group: "sinks",
    default: "10000",
    schema: int(1, 1e7),
    meaning: "SET commands the Redis sink holds at most, waiting or in flight (never fewer than SLUICE_REDIS_BATCH_SIZE); when full, writes wait and the Kafka consumer stops fetching (backpressure)"
  }),
  SLUICE_WINDOW_MS: v({
    group: "windows",
    default: "60000",
    schema: int(1, 864e5),
    meaning: "window size: the built-in job's tumbling windows; overrides a job file's window.size (tumbling, sliding); refused for session windows"
  }),
  SLUICE_OUT_OF_ORDERNESS_MS: v({ group: "windows", default: "5000", schema: int(0, 864e5), meaning: "watermark bound" }),
  SLUICE_ALLOWED_LATENESS_MS: v({
    group: "windows",
    default: "0",
    schema: int(0, 864e5),
    meaning: "a fired window re-fires for events this late"
  }),
  SLUICE_STATE_TTL_MS: v({
    group: "windows",
    default: String(2 * 864e5),
    schema: int(0, 365 * 864e5),
    meaning: "a window no event touched for this long (wall clock) is fired as it is and dropped, so a stalled watermark cannot grow state forever (0 = never)"
  }),
  SLUICE_IDLE_TIMEOUT_MS: v({
    group: "windows",
    default: "30000",
    schema: int(0, 864e5),
    meaning: "a partition silent this long stops holding the watermark back (0 = never)"
  }),
  SLUICE_STATE_DIR: v({
    group: "state",
    default: "./data",
    schema: external_exports.string().trim().min(1, { message: "a directory path" }),
    meaning: "LMDB window state (with its undo logs), completed checkpoints (`checkpoints/`), savepoints (`savepoints/`) and the admin socket; keep it across restarts; one daemon per directory"
  }),
  SLUICE_STATE_WRITE_BUFFER_ENTRIES: v({
    group: "state",
    default: "100000",
    schema: int(1, 1e6),
    meaning: "window-state entries a worker keeps in memory before one LMDB transaction writes them (1 = a transaction per step; about 330 bytes of worker heap each); a window that opens and fires within the buffer never reaches LMDB; barriers always commit"
  }),
  SLUICE_ADMIN_SOCKET: v({
    group: "state",
    default: void 0,
    schema: external_exports.string().trim().min(1, { message: "a file path" }),
    meaning: "Unix socket of the local admin endpoint (`sluice savepoint`, `sluice stop`); unset => admin.sock in SLUICE_STATE_DIR"
  }),
  SLUICE_CHECKPOINT_INTERVAL_MS: v({
    group: "state",
    default: "30000",
    schema: int(100, 864e5),
    meaning: "how often a barrier checkpoint starts (window state, offsets and watermarks; exactly-once across crashes)"
  }),
  SLUICE_CHECKPOINT_MIN_PAUSE_MS: v({
    group: "state",
    default: "15000",
    schema: int(0, 864e5),
    meaning: "least time between the end of one checkpoint and the start of the next"
  }),
  SLUICE_CHECKPOINT_TIMEOUT_MS: v({
    group: "state",
    default: "600000",
    schema: int(1e3, 864e5),
    meaning: "a checkpoint not acknowledged by every worker and the sinks by then fails"
  }),
  SLUICE_CHECKPOINT_TOLERABLE_FAILURES: v({
    group: "state",
    default: "3",
    schema: int(0, 1e3),
    meaning: "periodic checkpoints that may fail in a row; one more stops the daemon with CHECKPOINT_FAILED"
  }),
  SLUICE_CHECKPOINTS_RETAINED: v({
    group: "state",
    default: "3",
    schema: int(1, 100),
    meaning: "completed checkpoints kept (and the undo logs to restore them)"
  }),
  SLUICE_CHECKPOINT_ON_CORRUPT: v({
    group: "state",
    default: "fallback",
    schema: external_exports.enum(["fallback", "fail"], { message: "fallback or fail" }),
    meaning: "a damaged latest checkpoint at start: fallback (warn, restore the previous retained one) or fail (stop with CHECKPOINT_CORRUPT)"
  }),
  SLUICE_RESTART_STRATEGY: v({
    group: "runtime",
    default: "fixed-delay",
    schema: external_exports.enum(["fixed-delay", "exponential-backoff", "failure-rate"], { message: "fixed-delay, exponential-backoff or failure-rate" }),
    meaning: "how a failed job is restarted (in-process, from the last completed checkpoint): fixed-delay (the reference job's), exponential-backoff, or failure-rate; when the strategy gives up the daemon exits 1"
  }),
  SLUICE_RESTART_ATTEMPTS: v({
    group: "runtime",
    default: "5",
    schema: int(0, 1e3),
    meaning: "fixed-delay: restarts over the daemon's life; exponential-backoff: failures in a row; failure-rate: failures per SLUICE_RESTART_INTERVAL_MS; 0 = never restart"
  }),
  SLUICE_RESTART_DELAY_MS: v({
    group: "runtime",
    default: "10000",
    schema: int(0, 36e5),
    meaning: "wait before each restart (exponential-backoff: the first wait, doubled each time)"
  }),
  SLUICE_RESTART_MAX_DELAY_MS: v({
    group: "runtime",
    default: "300000",
    schema: int(0, 36e5),
    meaning: "exponential-backoff: the longest wait"
  }),
  SLUICE_RESTART_INTERVAL_MS: v({
    group: "runtime",
    default: "600000",
    schema: int(1, 864e5),
    meaning: "failure-rate: the window failures are counted in; exponential-backoff: a run this long resets the waits to SLUICE_RESTART_DELAY_MS"
  }),
  SLUICE_WORKERS: v({
    group: "runtime",
    default: String(workersByDefault()),
    schema: int(1, MAX_WORKERS),
    meaning: "worker threads holding keyed window actors (default: available cores)"
  }),
  SLUICE_WORKER_INBOX_EVENTS: v({
    group: "runtime",
    // Every event queued here is latency for the window it closes: 20,000 held ~0.8 s at 50k events/s
    // (bench/latency.ts: close -> Redis p50 ~1.1 s; 2,000: ~0.26 s), for no throughput (bench/throughput.ts).
    default: "2000",
    schema: int(1, 1e7),
    meaning: "events in flight to one worker at most (credit): the bound between Kafka and the windows; a step larger than this still goes, alone. More buys no throughput and adds queueing latency to every window close"
  }),
  SLUICE_WORKER_INBOX_BYTES: v({
    group: "runtime",
    default: String(16 * 1024 * 1024),
    schema: int(1024, 2 ** 40),
    meaning: "bytes in flight to one worker at most (credit: the step messages' encoded size)"
  }),
  SLUICE_WORKER_MAX_HEAP_MB: v({
    group: "runtime",
    default: String(DEFAULT_WORKER_MAX_HEAP_MB),
    schema: int(16, 1e6),
    meaning: "heap limit of each worker thread; exceeding it fails the worker, not the process"
  }),
  SLUICE_METRICS_PORT: v({
    group: "runtime",
    default: "9464",
    schema: int(0, 65535),
    meaning: "Prometheus /metrics, /healthz, /readyz on 127.0.0.1, 0 = off"
  }),
  SLUICE_SHUTDOWN_TIMEOUT_MS: v({
    group: "runtime",
    default: "25000",
    schema: int(1e3, 36e5),
    meaning: "a graceful stop (SIGTERM/SIGINT) not finished by then exits with code 1 and a message; keep it below the orchestrator's grace period"
  }),
  SLUICE_LOG_LEVEL: v({
    group: "runtime",
    default: "info",
    schema: external_exports.string().trim().toLowerCase().pipe(external_exports.enum(LOG_LEVELS, { message: LOG_LEVELS.join(", ") })),
    meaning: "log level (logs are JSON lines on stderr)"
  }),
  SLUICE_QUERY_PORT: v({
    group: "query",
    default: "0",
    schema: int(0, 65535),
    meaning: "live-query HTTP API and page (state of every open window, OpenAPI at /openapi.json); 0 = off (it serves per-key data: opt in)"
  }),
  SLUICE_QUERY_HOST: v({
    group: "query",
    default: "127.0.0.1",
    schema: external_exports.string().trim().regex(/^[A-Za-z0-9.:\-[\]]{1,253}$/, { message: "an IP address or host name to listen on, e.g. 127.0.0.1 or 0.0.0.0" }),
    meaning: "address the live-query API listens on (another than loopback exposes per-key data: set SLUICE_QUERY_TOKEN)"
  }),
  SLUICE_QUERY_TOKEN: v({
    group: "query",
    default: void 0,
    schema: external_exports.string().regex(/^[\x21-\x7e]{16,4096}$/, { message: "16 to 4096 visible ASCII characters (no spaces), e.g. from openssl rand -hex 24" }),
    secret: true,
    meaning: "bearer token the live-query API requires (Authorization: Bearer ...), 16 to 4096 visible ASCII characters; unset => no token asked"
  }),
  SLUICE_QUERY_MAX_SCAN: v({
    group: "query",
    default: "100000",
    schema: int(1, 1e8),
    meaning: "window entries one query may scan in one worker (a window's keys, its top N); a query over more is refused (422) instead of holding ingestion back"
  }),
  SLUICE_QUERY_TIMEOUT_MS: v({
    group: "query",
    default: "2000",
    schema: int(10, 6e5),
    meaning: "a live query not answered by the window workers by then fails (504)"
  }),
  SLUICE_QUERY_RATE_LIMIT: v({
    group: "query",
    default: "50",
    schema: int(0, 1e6),
    meaning: "live-query requests per second one client address may make (429 beyond); 0 = no limit"
  }),
  SLUICE_GENERATOR_EVENTS_PER_SECOND: v({
    group: "generator",
    default: "2000",
    schema: int(1, 1e7),
    meaning: "embedded generator: events per wall-clock second"
  }),
  SLUICE_GENERATOR_USERS: v({
    group: "generator",
    default: "50",
    schema: int(1, 1e8),
    meaning: "embedded generator: distinct users"
  }),
  SLUICE_GENERATOR_SPEEDUP: v({
    group: "generator",
    default: "20",
    schema: int(1, 1e6),
    meaning: "embedded generator: event time runs this many times faster than the wall clock"
  }),
  SLUICE_GENERATOR_MAX_EVENTS: v({
    group: "generator",
    default: "0",
    schema: int(0, Number.MAX_SAFE_INTEGER),
    meaning: "embedded generator: stop after this many events (0 = never)"
  }),
  SLUICE_KAFKA_SSL: v({ group: "credentials", default: "false", schema: bool, meaning: "connect to Kafka over TLS" }),
  SLUICE_KAFKA_SASL_MECHANISM: v({
    group: "credentials",
    default: void 0,
    schema: external_exports.string().trim().toLowerCase().pipe(external_exports.enum(SASL_MECHANISMS, { message: SASL_MECHANISMS.join(", ") })),
    meaning: "SASL mechanism; needs the two variables below"
  }),
  SLUICE_KAFKA_SASL_USERNAME: v({
    group: "credentials",
    default: void 0,
    schema: external_exports.string().min(1),
    secret: true,
    meaning: "SASL user name"
  }),
  SLUICE_KAFKA_SASL_PASSWORD: v({
    group: "credentials",
    default: void 0,
    schema: external_exports.string().min(1),
    secret: true,
    meaning: "SASL password"
  }),
  SLUICE_ES_API_KEY: v({
    group: "credentials",
    default: void 0,
    schema: external_exports.string().min(1),
    secret: true,
    meaning: "Elasticsearch API key (base64 id:key)"
  }),
  SLUICE_ES_USERNAME: v({
    group: "credentials",
    default: void 0,
    schema: external_exports.string().min(1),
    secret: true,
    meaning: "Elasticsearch basic-auth user"
  }),
  SLUICE_ES_PASSWORD: v({
    group: "credentials",
    default: void 0,
    schema: external_exports.string().min(1),
    secret: true,
    meaning: "Elasticsearch basic-auth password"
  }),
  SLUICE_REDIS_PASSWORD: v({
    group: "credentials",
    default: void 0,
    schema: external_exports.string().min(1),
    secret: true,
    meaning: "Redis password (overrides one in the URL)"
  })
};

// dist/src/config.js
import { join } from "node:path";
function displayValue(name, raw) {
  if (raw === void 0)
    return "(unset)";
  const spec = VARIABLES[name];
  if (spec?.secret) {
    if (name.endsWith("_URL") || name.endsWith("_NODE"))
      return maskUrlCredentials(raw);
    return MASK;
  }
  return raw;
}
function closestVariable(name) {
  let best;
  let bestDistance = Infinity;
  for (const known of Object.keys(VARIABLES)) {
    const d = editDistance(name, known);
    if (d < bestDistance) {
      best = known;
      bestDistance = d;
    }
  }
  const significant = name.length - "SLUICE_".length;
  return bestDistance <= Math.min(3, Math.ceil(significant / 3)) ? best : void 0;
}
function editDistance(a, b) {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_2, j) => i === 0 ? j : j === 0 ? i : 0));
  const at = (i, j) => rows[i][j];
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, at(i - 2, j - 2) + 1);
      rows[i][j] = d;
    }
  }
  return at(a.length, b.length);
}
function readOne(name, env, problems) {
  const spec = VARIABLES[name];
  const raw = env[name] === "" ? void 0 : env[name];
  const effective = raw ?? spec.default;
  if (effective === void 0)
    return void 0;
  const result = spec.schema.safeParse(effective);
  if (result.success)
    return result.data;
  problems.push({
    variable: name,
    value: displayValue(name, effective),
    allowed: result.error.issues.map((i) => i.message).join("; ")
  });
  return void 0;
}
function loadConfig(env = process.env) {
  const problems = [];
  const get = (name) => readOne(name, env, problems);
  const must = (name) => get(name);
  for (const name of Object.keys(env)) {
    if (name.startsWith("SLUICE_") && !TOOLING_PREFIXES.some((p) => name.startsWith(p)) && !(name in VARIABLES)) {
      const meant = closestVariable(name);
      problems.push({
        variable: name,
        allowed: `a known SLUICE_ variable; is it misspelt?${meant ? ` Did you mean ${meant}?` : ""} (\`sluice config\` lists them all)`
      });
    }
  }
  const brokers = get("SLUICE_KAFKA_BROKERS");
  const topics = { input: must("SLUICE_KAFKA_TOPIC"), dlq: must("SLUICE_DLQ_TOPIC"), late: must("SLUICE_LATE_TOPIC") };
  const saslMechanism = get("SLUICE_KAFKA_SASL_MECHANISM");
  const saslUser = get("SLUICE_KAFKA_SASL_USERNAME");
  const saslPassword = get("SLUICE_KAFKA_SASL_PASSWORD");
  if (saslMechanism && (!saslUser || !saslPassword)) {
    problems.push({
      variable: "SLUICE_KAFKA_SASL_MECHANISM",
      value: saslMechanism,
      allowed: "set together with SLUICE_KAFKA_SASL_USERNAME and SLUICE_KAFKA_SASL_PASSWORD"
    });
  }
  const groupId = must("SLUICE_KAFKA_GROUP_ID");
  const clientId = must("SLUICE_KAFKA_CLIENT_ID");
  const ssl = must("SLUICE_KAFKA_SSL");
  const esNode = get("SLUICE_ES_NODE");
  const esIndex = must("SLUICE_ES_INDEX");
  const esBulkDocs = must("SLUICE_ES_BULK_DOCS");
  const esFlush = must("SLUICE_ES_FLUSH_INTERVAL_MS");
  const esBulkBytes = must("SLUICE_ES_BULK_BYTES");
  const esBufferDocs = must("SLUICE_ES_BUFFER_DOCS");
  const esBufferBytes = must("SLUICE_ES_BUFFER_BYTES");
  const esApiKey = get("SLUICE_ES_API_KEY");
  const esUser = get("SLUICE_ES_USERNAME");
  const esPassword = get("SLUICE_ES_PASSWORD");
  const redisUrlValue = get("SLUICE_REDIS_URL");
  const redisPrefix = must("SLUICE_REDIS_KEY_PREFIX");
  const redisTtl = must("SLUICE_REDIS_TTL_SECONDS");
  const redisBatch = must("SLUICE_REDIS_BATCH_SIZE");
  const redisFlush = must("SLUICE_REDIS_FLUSH_INTERVAL_MS");
  const redisBufferKeys = must("SLUICE_REDIS_BUFFER_KEYS");
  const redisPassword = get("SLUICE_REDIS_PASSWORD");
  const queryToken = get("SLUICE_QUERY_TOKEN");
  const job = get("SLUICE_JOB");
  const config = {
    ...job === void 0 ? {} : { job },
    kafka: brokers === void 0 ? void 0 : {
      brokers,
      topic: topics.input,
      groupId,
      clientId,
      dlqTopic: topics.dlq,
      lateTopic: topics.late,
      ssl,
      startupTimeoutMs: must("SLUICE_KAFKA_STARTUP_TIMEOUT_MS"),
      stallTimeoutMs: must("SLUICE_KAFKA_STALL_TIMEOUT_MS"),
      sideOutputBufferBytes: must("SLUICE_SIDE_OUTPUT_BUFFER_BYTES"),
      fetchPartitionBytes: must("SLUICE_KAFKA_FETCH_PARTITION_BYTES"),
      ...saslMechanism && saslUser && saslPassword ? { sasl: { mechanism: saslMechanism, username: saslUser, password: saslPassword } } : {}
    },
    topics,
    maxRecordBytes: must("SLUICE_MAX_RECORD_BYTES"),
    elasticsearch: esNode === void 0 ? void 0 : {
      node: esNode,
      index: esIndex,
      bulkDocs: esBulkDocs,
      flushIntervalMs: esFlush,
      // A buffer smaller than one bulk could never fill a bulk: the documented floor.
      bulkBytes: esBulkBytes,
      bufferDocs: Math.max(esBufferDocs, esBulkDocs),
      bufferBytes: Math.max(esBufferBytes, esBulkBytes),
      ...esApiKey ? { apiKey: esApiKey } : {},
      ...esUser ? { username: esUser } : {},
      ...esPassword ? { password: esPassword } : {}
    },
    redis: redisUrlValue === void 0 ? void 0 : {
      url: redisUrlValue,
      keyPrefix: redisPrefix,
      ttlSeconds: redisTtl,
      batchSize: redisBatch,
      flushIntervalMs: redisFlush,
      bufferKeys: Math.max(redisBufferKeys, redisBatch),
      ...redisPassword ? { password: redisPassword } : {}
    },
    windows: {
      sizeMs: must("SLUICE_WINDOW_MS"),
      outOfOrdernessMs: must("SLUICE_OUT_OF_ORDERNESS_MS"),
      allowedLatenessMs: must("SLUICE_ALLOWED_LATENESS_MS"),
      idleTimeoutMs: must("SLUICE_IDLE_TIMEOUT_MS"),
      stateTtlMs: must("SLUICE_STATE_TTL_MS")
    },
    state: {
      dir: must("SLUICE_STATE_DIR"),
      adminSocket: get("SLUICE_ADMIN_SOCKET"),
      writeBufferEntries: must("SLUICE_STATE_WRITE_BUFFER_ENTRIES")
    },
    checkpoint: {
      intervalMs: must("SLUICE_CHECKPOINT_INTERVAL_MS"),
      minPauseMs: must("SLUICE_CHECKPOINT_MIN_PAUSE_MS"),
      timeoutMs: must("SLUICE_CHECKPOINT_TIMEOUT_MS"),
      tolerableFailures: must("SLUICE_CHECKPOINT_TOLERABLE_FAILURES"),
      retained: must("SLUICE_CHECKPOINTS_RETAINED"),
      onCorrupt: must("SLUICE_CHECKPOINT_ON_CORRUPT")
    },
    restart: {
      strategy: must("SLUICE_RESTART_STRATEGY"),
      attempts: must("SLUICE_RESTART_ATTEMPTS"),
      delayMs: must("SLUICE_RESTART_DELAY_MS"),
      maxDelayMs: must("SLUICE_RESTART_MAX_DELAY_MS"),
      intervalMs: must("SLUICE_RESTART_INTERVAL_MS")
    },
    workers: must("SLUICE_WORKERS"),
    workerInbox: { events: must("SLUICE_WORKER_INBOX_EVENTS"), bytes: must("SLUICE_WORKER_INBOX_BYTES") },
    workerMaxHeapMb: must("SLUICE_WORKER_MAX_HEAP_MB"),
    metricsPort: must("SLUICE_METRICS_PORT"),
    query: {
      port: must("SLUICE_QUERY_PORT"),
      host: must("SLUICE_QUERY_HOST"),
      maxScan: must("SLUICE_QUERY_MAX_SCAN"),
      timeoutMs: must("SLUICE_QUERY_TIMEOUT_MS"),
      rateLimit: must("SLUICE_QUERY_RATE_LIMIT"),
      ...queryToken ? { token: queryToken } : {}
    },
    shutdownTimeoutMs: must("SLUICE_SHUTDOWN_TIMEOUT_MS"),
    logLevel: must("SLUICE_LOG_LEVEL"),
    generator: {
      eventsPerSecond: must("SLUICE_GENERATOR_EVENTS_PER_SECOND"),
      users: must("SLUICE_GENERATOR_USERS"),
      speedup: must("SLUICE_GENERATOR_SPEEDUP"),
      maxEvents: must("SLUICE_GENERATOR_MAX_EVENTS")
    }
  };
  if (problems.length > 0) {
    const lines = problems.map((p) => `  ${p.variable}${p.value === void 0 ? " (value not shown)" : `=${JSON.stringify(p.value)}`}: allowed: ${p.allowed}`);
    throw new SluiceError(ErrorCode.CONFIG_INVALID, `invalid configuration:
${lines.join("\n")}`, {
      details: { problems }
    });
  }
  return config;
}
function adminSocketPath(config) {
  return config.state.adminSocket ?? join(config.state.dir, "admin.sock");
}
function describeConfig(env = process.env) {
  return Object.entries(VARIABLES).map(([name, spec]) => {
    const raw = env[name] === "" ? void 0 : env[name];
    return {
      name,
      value: raw === void 0 ? displayValue(name, spec.default) : displayValue(name, raw),
      default: spec.default === void 0 ? "(unset)" : spec.default,
      meaning: spec.meaning
    };
  });
}

// dist/src/clock.js
var systemClock = { now: () => Date.now() };
var systemScheduler = {
  schedule(delayMs, fn) {
    const timer = setTimeout(fn, Math.max(0, delayMs));
    return () => clearTimeout(timer);
  }
};

// dist/src/telemetry/tracing.js
init_esm();
var MAX_LINKS = 128;
var enabled = false;
var tracer = trace.getTracer("sluice");
function tracingEnabled() {
  return enabled;
}
function tracingRequested(env = process.env) {
  if (/^(true|1)$/i.test(env.OTEL_SDK_DISABLED?.trim() ?? ""))
    return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? "").split(",").map((s) => s.trim().toLowerCase()).filter((s) => s.length > 0 && s !== "null");
  if (exporters.length > 0)
    return !(exporters.length === 1 && exporters[0] === "none");
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}
async function startTracing(options = {}) {
  const env = options.env ?? process.env;
  if (!options.spanProcessors && !tracingRequested(env))
    return { enabled: false, shutdown: async () => void 0 };
  const { NodeSDK } = await import("@opentelemetry/sdk-node");
  const named = Boolean(env.OTEL_SERVICE_NAME) || /(^|,)\s*service\.name\s*=/.test(env.OTEL_RESOURCE_ATTRIBUTES ?? "");
  const sdk = new NodeSDK({
    ...named ? {} : { serviceName: "sluice" },
    ...options.spanProcessors ? { spanProcessors: options.spanProcessors } : {},
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: []
  });
  sdk.start();
  enabled = true;
  tracer = trace.getTracer("sluice", options.version);
  options.logger?.info({
    exporter: options.spanProcessors ? "in-process" : env.OTEL_TRACES_EXPORTER ?? "otlp",
    endpoint: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT
  }, "OpenTelemetry tracing is on");
  let stopped;
  return {
    enabled: true,
    shutdown: () => {
      stopped ??= (async () => {
        enabled = false;
        await sdk.shutdown();
        trace.disable();
        context.disable();
        propagation.disable();
      })();
      return stopped;
    }
  };
}
function carrierFromHeaders(headers) {
  const parent = headers?.traceparent;
  if (parent === void 0 || parent === null)
    return void 0;
  const traceparent = headerString(parent);
  if (!traceparent)
    return void 0;
  const state = headerString(headers?.tracestate);
  return state ? { traceparent, tracestate: state } : { traceparent };
}
function headerString(value) {
  if (typeof value === "string")
    return value;
  if (Buffer.isBuffer(value))
    return value.toString("latin1");
  if (Array.isArray(value) && value.length > 0)
    return headerString(value[0]);
  return void 0;
}
var TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
function spanContextOf(carrier) {
  if (!carrier)
    return void 0;
  const m = TRACEPARENT.exec(carrier.traceparent.trim());
  if (!m || m[1] === "ff" || m[1] === "00" && m[5] !== void 0)
    return void 0;
  const sc = {
    traceId: m[2],
    spanId: m[3],
    traceFlags: Number.parseInt(m[4], 16) & 255,
    isRemote: true
  };
  if (!trace.isSpanContextValid(sc))
    return void 0;
  if (carrier.tracestate)
    sc.traceState = createTraceState(carrier.tracestate);
  return sc;
}
function activeSpanContext() {
  if (!enabled)
    return void 0;
  return trace.getSpanContext(context.active());
}
var LinkSet = class {
  seen = /* @__PURE__ */ new Set();
  links = [];
  dropped = 0;
  add(sc) {
    if (!sc)
      return;
    const id = sc.spanId;
    if (this.seen.has(id))
      return;
    this.seen.add(id);
    if (this.links.length >= MAX_LINKS) {
      this.dropped++;
      return;
    }
    this.links.push({ context: sc });
  }
};
function startBatchSpan(batch) {
  if (!enabled)
    return void 0;
  const links = new LinkSet();
  for (const r of batch.records)
    if (r.trace)
      links.add(spanContextOf(r.trace));
  const first = batch.records[0]?.offset;
  const last = batch.records[batch.records.length - 1]?.offset;
  const span = tracer.startSpan(`process ${batch.topic}`, {
    kind: SpanKind.CONSUMER,
    links: links.links,
    attributes: {
      "messaging.system": "kafka",
      "messaging.operation.type": "process",
      "messaging.operation.name": "process",
      "messaging.destination.name": batch.topic,
      "messaging.destination.partition.id": String(batch.partition),
      "messaging.batch.message_count": batch.records.length,
      ...first !== void 0 ? { "sluice.offset.first": first } : {},
      ...last !== void 0 ? { "sluice.offset.last": last } : {},
      ...links.dropped > 0 ? { "sluice.links.dropped": links.dropped } : {}
    }
  }, ROOT_CONTEXT);
  return { span, context: trace.setSpan(context.active(), span) };
}
async function inSpanAsync(name, attributes, fn, links) {
  if (!enabled)
    return fn(void 0);
  const span = tracer.startSpan(name, { attributes, ...links ? { links } : {} });
  try {
    return await context.with(trace.setSpan(context.active(), span), () => fn(span));
  } catch (err) {
    markError(span, err);
    throw err;
  } finally {
    span.end();
  }
}
function markError(span, err) {
  const code = err?.code;
  const type = typeof code === "string" ? code : err instanceof Error ? err.name : "Error";
  span.setAttribute("error.type", type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
}
function startSpan(name, options, parent = context.active()) {
  if (!enabled)
    return void 0;
  return tracer.startSpan(name, options, parent);
}
function traceSinkSend(name, attributes, send) {
  return async (batch, signal) => {
    if (!enabled)
      return send(batch, signal);
    const links = new LinkSet();
    for (const item of batch)
      links.add(item.trace);
    const span = tracer.startSpan(name, {
      kind: SpanKind.CLIENT,
      links: links.links,
      attributes: {
        ...attributes,
        "db.operation.batch.size": batch.length,
        ...links.dropped > 0 ? { "sluice.links.dropped": links.dropped } : {}
      }
    }, ROOT_CONTEXT);
    try {
      const outcome = await send(batch, signal);
      if (outcome.retry.length > 0) {
        span.setAttribute("sluice.retry.count", outcome.retry.length);
        span.setStatus({ code: SpanStatusCode.ERROR, message: `${outcome.retry.length} not acknowledged; retried` });
      }
      return outcome;
    } catch (err) {
      markError(span, err);
      throw err;
    } finally {
      span.end();
    }
  };
}
var WindowTraceIndex = class {
  perWindow;
  maxWindows;
  byStart = /* @__PURE__ */ new Map();
  size = 0;
  dropped = 0;
  constructor(perWindow = 8, maxWindows = 1e5) {
    this.perWindow = perWindow;
    this.maxWindows = maxWindows;
  }
  add(carrier, key, windowStart) {
    const sc = spanContextOf(carrier);
    if (!sc || (sc.traceFlags & TraceFlags.SAMPLED) === 0)
      return;
    let keys = this.byStart.get(windowStart);
    if (!keys) {
      keys = /* @__PURE__ */ new Map();
      this.byStart.set(windowStart, keys);
    }
    let list = keys.get(key);
    if (!list) {
      if (this.size >= this.maxWindows) {
        this.dropped++;
        return;
      }
      list = [];
      keys.set(key, list);
      this.size++;
    }
    if (list.length >= this.perWindow) {
      this.dropped++;
      return;
    }
    list.push(sc);
  }
  /** The contexts counted into one window; forgets them (a re-firing links only what came after). */
  take(key, windowStart) {
    const keys = this.byStart.get(windowStart);
    const list = keys?.get(key);
    if (!keys || !list)
      return [];
    keys.delete(key);
    this.size--;
    if (keys.size === 0)
      this.byStart.delete(windowStart);
    return list;
  }
  /** Forget windows that can no longer fire (start before `start`). */
  forgetBefore(start) {
    for (const [s, keys] of this.byStart) {
      if (s < start) {
        this.size -= keys.size;
        this.byStart.delete(s);
      }
    }
  }
  get windows() {
    return this.size;
  }
};

export {
  maskUrlCredentials,
  maskUrlsInText,
  VARIABLES,
  loadConfig,
  adminSocketPath,
  describeConfig,
  systemClock,
  systemScheduler,
  tracingEnabled,
  startTracing,
  carrierFromHeaders,
  activeSpanContext,
  LinkSet,
  startBatchSpan,
  inSpanAsync,
  markError,
  startSpan,
  traceSinkSend,
  WindowTraceIndex
};
