/**
 * The table of every environment variable sluice reads: its group, default, zod schema, meaning and
 * whether it is a secret. One table drives validation (config.ts), `sluice config` and the README's
 * table, so the three cannot drift apart.
 */
import { z } from 'zod';
import { DEFAULT_FETCH_PARTITION_BYTES, DEFAULT_WORKER_MAX_HEAP_MB, MAX_WORKERS, workersByDefault } from './runtime-defaults.js';
import { MAX_RECORD_BYTES_LIMIT, MAX_VALUE_BYTES } from '../streams/operators/records.js';

/** Variables of the project's scripts, tests and benches: not the daemon's, so not "unknown". */
export const TOOLING_PREFIXES = ['SLUICE_STACK_', 'SLUICE_TEST_', 'SLUICE_BENCH_'];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

const hostPort = /^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/;
const topicName = /^[A-Za-z0-9._-]{1,249}$/;

const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+$/, { message: `an integer from ${min} to ${max}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, { message: `an integer from ${min} to ${max}` })
        .max(max, { message: `an integer from ${min} to ${max}` }),
    );

const bool = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'one of true, false, 1, 0, yes, no' }))
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** A URL of one of `protocols`, or undefined. */
function urlOf(v: string, protocols: readonly string[]): URL | undefined {
  try {
    const u = new URL(v);
    return protocols.includes(u.protocol) ? u : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The clients percent-decode the user name and password (decodeURIComponent), and a `%` that
 * starts no valid escape would throw a bare URIError at start-up: refuse it here instead.
 */
function credentialsDecode(v: string): boolean {
  const u = new URL(v);
  try {
    decodeURIComponent(u.username);
    decodeURIComponent(u.password);
    return true;
  } catch {
    return false;
  }
}

const CREDENTIALS_ENCODING = 'its user name and password percent-encoded (a % must start an escape such as %25 for % itself)';

const httpUrl = z
  .string()
  .trim()
  .refine((v) => urlOf(v, ['http:', 'https:']) !== undefined, {
    message: 'an http:// or https:// URL, e.g. http://127.0.0.1:9200',
    abort: true,
  })
  .refine(credentialsDecode, { message: `an http:// or https:// URL with ${CREDENTIALS_ENCODING}` });

const redisUrl = z
  .string()
  .trim()
  .refine((v) => urlOf(v, ['redis:', 'rediss:']) !== undefined, {
    message: 'a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379',
    abort: true,
  })
  .refine(credentialsDecode, { message: `a redis:// or rediss:// URL with ${CREDENTIALS_ENCODING}` });

const topic = z
  .string()
  .trim()
  .regex(topicName, { message: 'a Kafka topic name: 1-249 of [A-Za-z0-9._-]' })
  .refine((name) => name !== '.' && name !== '..', { message: 'a Kafka topic name: "." and ".." are not allowed' });

export interface VariableSpec<S extends z.ZodType<unknown, string> = z.ZodType<unknown, string>> {
  /** Default as the user would type it; undefined means "unset". */
  default: string | undefined;
  schema: S;
  meaning: string;
  secret?: boolean;
  group: 'job' | 'source' | 'sinks' | 'windows' | 'state' | 'runtime' | 'query' | 'generator' | 'credentials';
}

const v = <S extends z.ZodType<unknown, string>>(spec: VariableSpec<S>): VariableSpec<S> => spec;

/** Every variable sluice reads. Order is the order of `sluice config` and the README table. */
export const VARIABLES = {
  SLUICE_JOB: v({
    group: 'job',
    default: undefined,
    schema: z.string().trim().min(1, { message: 'a file path' }),
    meaning:
      'the job to run: a job file (.yaml, .yml, .json; see examples/) or a module exporting a JobDefinition (.mjs, .js); its settings that are also variables are defaults the environment overrides; `sluice run --job FILE` wins over it; unset => the built-in clickstream job',
  }),
  SLUICE_KAFKA_BROKERS: v({
    group: 'source',
    default: undefined,
    schema: z
      .string()
      .trim()
      .transform((s) =>
        s
          .split(',')
          .map((x) => x.trim())
          .filter((x) => x.length > 0),
      )
      .pipe(
        z
          .array(z.string().regex(hostPort, { message: 'comma-separated host:port list, e.g. 127.0.0.1:9092' }))
          .min(1, { message: 'at least one host:port' }),
      ),
    meaning: 'comma-separated host:port; unset => the built-in click generator is the source',
  }),
  SLUICE_KAFKA_TOPIC: v({ group: 'source', default: 'user-clicks', schema: topic, meaning: 'input topic' }),
  SLUICE_KAFKA_GROUP_ID: v({
    group: 'source',
    default: 'sluice-clickstream',
    schema: z.string().trim().min(1, { message: 'a non-empty consumer group id' }),
    meaning: 'consumer group',
  }),
  SLUICE_KAFKA_CLIENT_ID: v({
    group: 'source',
    default: 'sluice',
    schema: z.string().trim().min(1, { message: 'a non-empty client id' }),
    meaning: 'Kafka client id (shows in broker logs and quotas)',
  }),
  SLUICE_DLQ_TOPIC: v({ group: 'source', default: 'user-clicks-dlq', schema: topic, meaning: 'dead letters' }),
  SLUICE_LATE_TOPIC: v({ group: 'source', default: 'user-clicks-late', schema: topic, meaning: 'late events' }),
  SLUICE_KAFKA_STARTUP_TIMEOUT_MS: v({
    group: 'source',
    default: '300000',
    schema: int(0, 86_400_000),
    meaning: 'how long a (re)start waits for an unreachable Kafka, retrying, before it fails with KAFKA_UNAVAILABLE (0 = forever)',
  }),
  SLUICE_KAFKA_STALL_TIMEOUT_MS: v({
    group: 'source',
    default: '30000',
    schema: int(0, 86_400_000),
    meaning:
      'records waiting in Kafka while the consumer fetched nothing (and the pipeline was not blocked) this long fail the job with KAFKA_CONSUMER_STALLED, and it restarts from its last checkpoint (0 = never)',
  }),
  SLUICE_KAFKA_FETCH_PARTITION_BYTES: v({
    group: 'source',
    default: String(DEFAULT_FETCH_PARTITION_BYTES),
    schema: int(1024, 64 * 1024 * 1024),
    meaning:
      'bytes a fetch asks per partition (a fetch asks 8 times this in all; a larger record still comes whole). Small fetches keep few decoded records alive at once: at 128 KiB rather than 1 MiB, kafkajs spent 40% less CPU per record here (docs/decisions/0013). Raise it for a broker far away (high round-trip time)',
  }),
  SLUICE_SIDE_OUTPUT_BUFFER_BYTES: v({
    group: 'source',
    default: String(64 * 1024 * 1024),
    schema: int(1024, 1024 * 1024 * 1024),
    meaning:
      'dead letters and late events held until their checkpoint commits them in one Kafka transaction; when full, intake waits and a checkpoint is started early',
  }),
  SLUICE_MAX_RECORD_BYTES: v({
    group: 'source',
    default: String(MAX_VALUE_BYTES),
    schema: int(1024, MAX_RECORD_BYTES_LIMIT),
    meaning: `largest record value read, 1024 to ${MAX_RECORD_BYTES_LIMIT} (16 MiB); a larger one goes to the dead-letter topic as TOO_LARGE without being parsed (default: the contract's 1 MiB)`,
  }),
  SLUICE_ES_NODE: v({
    group: 'sinks',
    default: undefined,
    schema: httpUrl,
    // May carry credentials (http://user:password@host, http://token@host, ?api_key=): shown masked.
    secret: true,
    meaning: 'Elasticsearch URL, e.g. http://127.0.0.1:9200 (credentials inside it are masked when shown); unset => no Elasticsearch sink',
  }),
  SLUICE_ES_INDEX: v({
    group: 'sinks',
    default: 'user-click-counts',
    schema: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9._-]{0,254}$/, { message: 'a lowercase Elasticsearch index name' }),
    meaning: 'index of window results (created with an explicit mapping if missing)',
  }),
  SLUICE_ES_BULK_DOCS: v({ group: 'sinks', default: '5000', schema: int(1, 100_000), meaning: 'documents per bulk request at most' }),
  SLUICE_ES_FLUSH_INTERVAL_MS: v({
    group: 'sinks',
    default: '50',
    schema: int(0, 60_000),
    meaning: 'a partial bulk is sent after this long (0 = as soon as no bulk is in flight)',
  }),
  SLUICE_ES_BULK_BYTES: v({
    group: 'sinks',
    default: String(5 * 1024 * 1024),
    schema: int(1024, 100 * 1024 * 1024),
    meaning: 'bytes per bulk request at most (a larger document is sent alone)',
  }),
  SLUICE_ES_BUFFER_DOCS: v({
    group: 'sinks',
    default: '10000',
    schema: int(1, 10_000_000),
    meaning:
      'documents the Elasticsearch sink holds at most, waiting or in flight (never fewer than SLUICE_ES_BULK_DOCS); when full, writes wait and the Kafka consumer stops fetching (backpressure)',
  }),
  SLUICE_ES_BUFFER_BYTES: v({
    group: 'sinks',
    default: String(10 * 1024 * 1024),
    schema: int(1024, 2 ** 40),
    meaning: 'serialized bytes the Elasticsearch sink holds at most, waiting or in flight (never fewer than SLUICE_ES_BULK_BYTES)',
  }),
  SLUICE_REDIS_URL: v({
    group: 'sinks',
    default: undefined,
    schema: redisUrl,
    secret: true,
    meaning: 'e.g. redis://127.0.0.1:6379 (credentials inside it are masked when shown); unset => no Redis sink',
  }),
  SLUICE_REDIS_KEY_PREFIX: v({
    group: 'sinks',
    default: 'clicks:',
    schema: z.string().max(200, { message: 'at most 200 characters' }),
    meaning: 'key prefix',
  }),
  SLUICE_REDIS_TTL_SECONDS: v({ group: 'sinks', default: '86400', schema: int(1, 2_147_483_647), meaning: 'TTL of each key' }),
  SLUICE_REDIS_BATCH_SIZE: v({ group: 'sinks', default: '5000', schema: int(1, 100_000), meaning: 'SET commands per pipeline at most' }),
  SLUICE_REDIS_FLUSH_INTERVAL_MS: v({
    group: 'sinks',
    default: '0',
    schema: int(0, 60_000),
    meaning:
      'a partial pipeline is sent after this long; 0 (default) = as soon as one may go (fewer than SLUICE_REDIS_MAX_IN_FLIGHT in flight): a fired window reaches Redis within one round trip, and pipelines grow by themselves under load',
  }),
  SLUICE_REDIS_MAX_IN_FLIGHT: v({
    group: 'sinks',
    default: '16',
    schema: int(1, 256),
    meaning:
      'pipelines in flight at once on the one connection; a key is never in two at once, so its writes land in order; 1 = one at a time. Above 1, Redis writes the first results of a burst while the rest are still being handed over',
  }),
  SLUICE_REDIS_BUFFER_KEYS: v({
    group: 'sinks',
    default: '10000',
    schema: int(1, 10_000_000),
    meaning:
      'SET commands the Redis sink holds at most, waiting or in flight (never fewer than SLUICE_REDIS_BATCH_SIZE); when full, writes wait and the Kafka consumer stops fetching (backpressure)',
  }),
  SLUICE_WINDOW_MS: v({
    group: 'windows',
    default: '60000',
    schema: int(1, 86_400_000),
    meaning:
      "window size: the built-in job's tumbling windows; overrides a job file's window.size (tumbling, sliding); refused for session windows",
  }),
  SLUICE_OUT_OF_ORDERNESS_MS: v({ group: 'windows', default: '5000', schema: int(0, 86_400_000), meaning: 'watermark bound' }),
  SLUICE_ALLOWED_LATENESS_MS: v({
    group: 'windows',
    default: '0',
    schema: int(0, 86_400_000),
    meaning: 'a fired window re-fires for events this late',
  }),
  SLUICE_STATE_TTL_MS: v({
    group: 'windows',
    default: String(2 * 86_400_000),
    schema: int(0, 365 * 86_400_000),
    meaning:
      'a window no event touched for this long (wall clock) is fired as it is and dropped, so a stalled watermark cannot grow state forever (0 = never)',
  }),
  SLUICE_IDLE_TIMEOUT_MS: v({
    group: 'windows',
    default: '30000',
    schema: int(0, 86_400_000),
    meaning: 'a partition silent this long stops holding the watermark back (0 = never)',
  }),
  SLUICE_STATE_DIR: v({
    group: 'state',
    default: './data',
    schema: z.string().trim().min(1, { message: 'a directory path' }),
    meaning:
      'LMDB window state (with its undo logs), completed checkpoints (`checkpoints/`), savepoints (`savepoints/`) and the admin socket; keep it across restarts; one daemon per directory',
  }),
  SLUICE_STATE_WRITE_BUFFER_ENTRIES: v({
    group: 'state',
    default: '100000',
    schema: int(1, 1_000_000),
    meaning:
      'window-state entries a worker keeps in memory before one LMDB transaction writes them (1 = a transaction per step; about 330 bytes of worker heap each); a window that opens and fires within the buffer never reaches LMDB; barriers always commit',
  }),
  SLUICE_STATE_CACHE_ENTRIES: v({
    group: 'state',
    default: '100000',
    schema: int(0, 10_000_000),
    meaning:
      'committed window-state entries a worker keeps decoded in memory, so a window open longer than a commit is read and fired without LMDB (0 = none; about 330 bytes of worker heap each, at most an eighth of SLUICE_WORKER_MAX_HEAP_MB: lowered with a log line otherwise); a window whose entries pass the bound is read from LMDB',
  }),
  SLUICE_ADMIN_SOCKET: v({
    group: 'state',
    default: undefined,
    schema: z.string().trim().min(1, { message: 'a file path' }),
    meaning: 'Unix socket of the local admin endpoint (`sluice savepoint`, `sluice stop`); unset => admin.sock in SLUICE_STATE_DIR',
  }),
  SLUICE_CHECKPOINT_INTERVAL_MS: v({
    group: 'state',
    default: '30000',
    schema: int(100, 86_400_000),
    meaning: 'how often a barrier checkpoint starts (window state, offsets and watermarks; exactly-once across crashes)',
  }),
  SLUICE_CHECKPOINT_MIN_PAUSE_MS: v({
    group: 'state',
    default: '15000',
    schema: int(0, 86_400_000),
    meaning: 'least time between the end of one checkpoint and the start of the next',
  }),
  SLUICE_CHECKPOINT_TIMEOUT_MS: v({
    group: 'state',
    default: '600000',
    schema: int(1000, 86_400_000),
    meaning: 'a checkpoint not acknowledged by every worker and the sinks by then fails',
  }),
  SLUICE_CHECKPOINT_TOLERABLE_FAILURES: v({
    group: 'state',
    default: '3',
    schema: int(0, 1000),
    meaning: 'periodic checkpoints that may fail in a row; one more stops the daemon with CHECKPOINT_FAILED',
  }),
  SLUICE_CHECKPOINTS_RETAINED: v({
    group: 'state',
    default: '3',
    schema: int(1, 100),
    meaning: 'completed checkpoints kept (and the undo logs to restore them)',
  }),
  SLUICE_CHECKPOINT_ON_CORRUPT: v({
    group: 'state',
    default: 'fallback',
    schema: z.enum(['fallback', 'fail'], { message: 'fallback or fail' }),
    meaning:
      'a damaged latest checkpoint at start: fallback (warn, restore the previous retained one) or fail (stop with CHECKPOINT_CORRUPT)',
  }),
  SLUICE_RESTART_STRATEGY: v({
    group: 'runtime',
    default: 'fixed-delay',
    schema: z.enum(['fixed-delay', 'exponential-backoff', 'failure-rate'], { message: 'fixed-delay, exponential-backoff or failure-rate' }),
    meaning:
      "how a failed job is restarted (in-process, from the last completed checkpoint): fixed-delay (the reference job's), exponential-backoff, or failure-rate; when the strategy gives up the daemon exits 1",
  }),
  SLUICE_RESTART_ATTEMPTS: v({
    group: 'runtime',
    default: '5',
    schema: int(0, 1000),
    meaning:
      "fixed-delay: restarts over the daemon's life; exponential-backoff: failures in a row; failure-rate: failures per SLUICE_RESTART_INTERVAL_MS; 0 = never restart",
  }),
  SLUICE_RESTART_DELAY_MS: v({
    group: 'runtime',
    default: '10000',
    schema: int(0, 3_600_000),
    meaning: 'wait before each restart (exponential-backoff: the first wait, doubled each time)',
  }),
  SLUICE_RESTART_MAX_DELAY_MS: v({
    group: 'runtime',
    default: '300000',
    schema: int(0, 3_600_000),
    meaning: 'exponential-backoff: the longest wait',
  }),
  SLUICE_RESTART_INTERVAL_MS: v({
    group: 'runtime',
    default: '600000',
    schema: int(1, 86_400_000),
    meaning:
      'failure-rate: the window failures are counted in; exponential-backoff: a run this long resets the waits to SLUICE_RESTART_DELAY_MS',
  }),
  SLUICE_WORKERS: v({
    group: 'runtime',
    default: String(workersByDefault()),
    schema: int(1, MAX_WORKERS),
    meaning: 'worker threads holding keyed window actors (default: available cores)',
  }),
  SLUICE_WORKER_INBOX_EVENTS: v({
    group: 'runtime',
    // Every event queued here is latency for the window it closes once the workers fall behind. When
    // the main thread parsed, 2,000 cost no throughput (20,000 held ~0.8 s at a saturated 50k events/s).
    // With the parse on the workers (decision 0030), 2,000 starved them between the main thread's
    // turns: sinks off 3.09 s against 2.69 s at 10,000 (median of 5, 1M records); close -> Redis at
    // 50k events/s, which no longer saturates: p50 72 / p99 184 ms at 2,000, 72 / 159 ms at 10,000.
    default: '10000',
    schema: int(1, 10_000_000),
    meaning:
      'events in flight to one worker at most (credit): the bound between Kafka and the windows; a step larger than this still goes, alone. More buys no throughput and adds queueing latency to every window close while the workers are behind',
  }),
  SLUICE_PARSE_ON: v({
    group: 'runtime',
    // docs/decisions/0030: the main thread decodes Kafka's records and keeps every decision that
    // needs the whole stream; the parse runs on the window workers' cores, which idled.
    default: 'workers',
    schema: z.enum(['workers', 'main'], { message: 'workers or main' }),
    meaning:
      'where records are parsed: workers (each batch on the least busy window worker; the main thread keeps watermarks, lateness, dead letters and offsets) or main (the main thread parses every record). Jobs with several aggregations or session windows, and every record while tracing is on, are parsed on the main thread',
  }),
  SLUICE_WORKER_INBOX_BYTES: v({
    group: 'runtime',
    default: String(16 * 1024 * 1024),
    schema: int(1024, 2 ** 40),
    meaning: "bytes in flight to one worker at most (credit: the step messages' encoded size)",
  }),
  SLUICE_WORKER_MAX_HEAP_MB: v({
    group: 'runtime',
    default: String(DEFAULT_WORKER_MAX_HEAP_MB),
    schema: int(16, 1_000_000),
    meaning:
      'heap limit of each worker thread; exceeding it fails the worker (WORKER_FAILED, the job restarts from its checkpoint), not the process, except that Node enforces it on a best-effort basis: rarely it aborts the whole process instead (then a restart restores the last checkpoint)',
  }),
  SLUICE_METRICS_PORT: v({
    group: 'runtime',
    default: '9464',
    schema: int(0, 65_535),
    meaning: 'Prometheus /metrics, /healthz, /readyz on 127.0.0.1, 0 = off',
  }),
  SLUICE_SHUTDOWN_TIMEOUT_MS: v({
    group: 'runtime',
    default: '25000',
    schema: int(1000, 3_600_000),
    meaning:
      "a graceful stop (SIGTERM/SIGINT) not finished by then exits with code 1 and a message; keep it below the orchestrator's grace period",
  }),
  SLUICE_LOG_LEVEL: v({
    group: 'runtime',
    default: 'info',
    schema: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(LOG_LEVELS, { message: LOG_LEVELS.join(', ') })),
    meaning: 'log level (logs are JSON lines on stderr)',
  }),
  SLUICE_QUERY_PORT: v({
    group: 'query',
    default: '0',
    schema: int(0, 65_535),
    meaning:
      'live-query HTTP API and page (state of every open window, OpenAPI at /openapi.json); 0 = off (it serves per-key data: opt in)',
  }),
  SLUICE_QUERY_HOST: v({
    group: 'query',
    default: '127.0.0.1',
    schema: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9.:\-[\]]{1,253}$/, { message: 'an IP address or host name to listen on, e.g. 127.0.0.1 or 0.0.0.0' }),
    meaning: 'address the live-query API listens on (another than loopback exposes per-key data: set SLUICE_QUERY_TOKEN)',
  }),
  SLUICE_QUERY_TOKEN: v({
    group: 'query',
    default: undefined,
    schema: z
      .string()
      .regex(/^[\x21-\x7e]{16,4096}$/, { message: '16 to 4096 visible ASCII characters (no spaces), e.g. from openssl rand -hex 24' }),
    secret: true,
    meaning:
      'bearer token the live-query API requires (Authorization: Bearer ...), 16 to 4096 visible ASCII characters; unset => no token asked',
  }),
  SLUICE_QUERY_MAX_SCAN: v({
    group: 'query',
    default: '100000',
    schema: int(1, 100_000_000),
    meaning:
      "window entries one query may scan in one worker (a window's keys, its top N); a query over more is refused (422) instead of holding ingestion back",
  }),
  SLUICE_QUERY_TIMEOUT_MS: v({
    group: 'query',
    default: '2000',
    schema: int(10, 600_000),
    meaning: 'a live query not answered by the window workers by then fails (504)',
  }),
  SLUICE_QUERY_RATE_LIMIT: v({
    group: 'query',
    default: '50',
    schema: int(0, 1_000_000),
    meaning: 'live-query requests per second one client address may make (429 beyond); 0 = no limit',
  }),
  SLUICE_GENERATOR_EVENTS_PER_SECOND: v({
    group: 'generator',
    default: '2000',
    schema: int(1, 10_000_000),
    meaning: 'embedded generator: events per wall-clock second',
  }),
  SLUICE_GENERATOR_USERS: v({
    group: 'generator',
    default: '50',
    schema: int(1, 100_000_000),
    meaning: 'embedded generator: distinct users',
  }),
  SLUICE_GENERATOR_SPEEDUP: v({
    group: 'generator',
    default: '20',
    schema: int(1, 1_000_000),
    meaning: 'embedded generator: event time runs this many times faster than the wall clock',
  }),
  SLUICE_GENERATOR_MAX_EVENTS: v({
    group: 'generator',
    default: '0',
    schema: int(0, Number.MAX_SAFE_INTEGER),
    meaning: 'embedded generator: stop after this many events (0 = never)',
  }),
  SLUICE_KAFKA_SSL: v({ group: 'credentials', default: 'false', schema: bool, meaning: 'connect to Kafka over TLS' }),
  SLUICE_KAFKA_SASL_MECHANISM: v({
    group: 'credentials',
    default: undefined,
    schema: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(SASL_MECHANISMS, { message: SASL_MECHANISMS.join(', ') })),
    meaning: 'SASL mechanism; needs the two variables below',
  }),
  SLUICE_KAFKA_SASL_USERNAME: v({
    group: 'credentials',
    default: undefined,
    schema: z.string().min(1),
    secret: true,
    meaning: 'SASL user name',
  }),
  SLUICE_KAFKA_SASL_PASSWORD: v({
    group: 'credentials',
    default: undefined,
    schema: z.string().min(1),
    secret: true,
    meaning: 'SASL password',
  }),
  SLUICE_ES_API_KEY: v({
    group: 'credentials',
    default: undefined,
    schema: z.string().min(1),
    secret: true,
    meaning: 'Elasticsearch API key (base64 id:key)',
  }),
  SLUICE_ES_USERNAME: v({
    group: 'credentials',
    default: undefined,
    schema: z.string().min(1),
    secret: true,
    meaning: 'Elasticsearch basic-auth user',
  }),
  SLUICE_ES_PASSWORD: v({
    group: 'credentials',
    default: undefined,
    schema: z.string().min(1),
    secret: true,
    meaning: 'Elasticsearch basic-auth password',
  }),
  SLUICE_REDIS_PASSWORD: v({
    group: 'credentials',
    default: undefined,
    schema: z.string().min(1),
    secret: true,
    meaning: 'Redis password (overrides one in the URL)',
  }),
} satisfies Record<string, VariableSpec>;

export type VariableName = keyof typeof VARIABLES;
