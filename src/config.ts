/**
 * Configuration: every setting is an environment variable, validated at start-up with zod.
 *
 * The table of variables (config/variables.ts) drives validation, defaults, `sluice config` and the
 * README's table, so the three cannot drift apart. A bad value stops start-up with a message naming
 * the variable, the value (masked when secret) and what is allowed.
 */
import { join } from 'node:path';
import type { z } from 'zod';
import { ErrorCode, SluiceError } from './errors.js';
import { MASK, maskUrlCredentials } from './url-credentials.js';

// The sinks read it from here.
export { maskUrlCredentials };
export { VARIABLES, type VariableName } from './config/variables.js';
import {
  type LOG_LEVELS,
  type SASL_MECHANISMS,
  TOOLING_PREFIXES,
  VARIABLES,
  type VariableName,
  type VariableSpec,
} from './config/variables.js';

type Parsed<N extends VariableName> = z.output<(typeof VARIABLES)[N]['schema']>;

export interface SluiceConfig {
  /** SLUICE_JOB: the job file or module to run; undefined: the built-in clickstream job (see src/job/registry.ts). */
  job?: string;
  kafka:
    | {
        brokers: string[];
        topic: string;
        groupId: string;
        clientId: string;
        dlqTopic: string;
        lateTopic: string;
        ssl: boolean;
        sasl?: { mechanism: (typeof SASL_MECHANISMS)[number]; username: string; password: string };
        /** Optional so a hand-built config (tests, benches) gets the defaults. */
        startupTimeoutMs?: number;
        stallTimeoutMs?: number;
        sideOutputBufferBytes?: number;
        /** SLUICE_KAFKA_FETCH_PARTITION_BYTES. */
        fetchPartitionBytes?: number;
      }
    | undefined;
  /** Topics exist even without Kafka so the embedded mode can print where dead letters would go. */
  topics: { input: string; dlq: string; late: string };
  /** Record values over this many bytes are dead letters (TOO_LARGE), never parsed. */
  maxRecordBytes: number;
  elasticsearch:
    | {
        node: string;
        index: string;
        bulkDocs: number;
        flushIntervalMs: number;
        /** The buffer bounds: optional so a hand-built config (tests, embedding) gets the defaults. */
        bulkBytes?: number;
        bufferDocs?: number;
        bufferBytes?: number;
        apiKey?: string;
        username?: string;
        password?: string;
      }
    | undefined;
  redis:
    | {
        url: string;
        keyPrefix: string;
        ttlSeconds: number;
        batchSize: number;
        flushIntervalMs: number;
        bufferKeys?: number;
        /** Batches in flight at once (SLUICE_REDIS_MAX_IN_FLIGHT); default 1. */
        maxInFlight?: number;
        password?: string;
      }
    | undefined;
  windows: { sizeMs: number; outOfOrdernessMs: number; allowedLatenessMs: number; idleTimeoutMs: number; stateTtlMs: number };
  /** `adminSocket`: absent in hand-built configs; see `adminSocketPath`. */
  state: { dir: string; adminSocket?: string; writeBufferEntries: number; cacheEntries: number };
  checkpoint: {
    intervalMs: number;
    minPauseMs: number;
    timeoutMs: number;
    tolerableFailures: number;
    retained: number;
    onCorrupt: 'fallback' | 'fail';
  };
  restart: {
    strategy: 'fixed-delay' | 'exponential-backoff' | 'failure-rate';
    attempts: number;
    delayMs: number;
    maxDelayMs: number;
    intervalMs: number;
  };
  workers: number;
  workerInbox: { events: number; bytes: number };
  /** SLUICE_PARSE_ON; absent in hand-built configs (= workers). */
  parseOn?: 'workers' | 'main';
  workerMaxHeapMb: number;
  metricsPort: number;
  /** The live-query API; absent in hand-built configs (= off). */
  query?: { port: number; host: string; token?: string; maxScan: number; timeoutMs: number; rateLimit: number };
  shutdownTimeoutMs: number;
  logLevel: (typeof LOG_LEVELS)[number];
  generator: { eventsPerSecond: number; users: number; speedup: number; maxEvents: number };
}

export interface ConfigProblem {
  variable: string;
  /** As shown (secrets masked); absent for a variable sluice does not know, whose value is never shown. */
  value?: string;
  allowed: string;
}

/** Mask a value for display: secrets fully, URLs only in their credentials. */
export function displayValue(name: string, raw: string | undefined): string {
  if (raw === undefined) return '(unset)';
  const spec = (VARIABLES as Record<string, VariableSpec>)[name];
  if (spec?.secret) {
    if (name.endsWith('_URL') || name.endsWith('_NODE')) return maskUrlCredentials(raw);
    return MASK;
  }
  return raw;
}

/**
 * The known variable a misspelt name most likely meant: the closest by edit distance (a swap of two
 * neighbours counts once), if it is close enough to be a typo.
 */
export function closestVariable(name: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const known of Object.keys(VARIABLES)) {
    const d = editDistance(name, known);
    if (d < bestDistance) {
      best = known;
      bestDistance = d;
    }
  }
  const significant = name.length - 'SLUICE_'.length;
  return bestDistance <= Math.min(3, Math.ceil(significant / 3)) ? best : undefined;
}

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => (rows[i] as number[])[j] as number;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, at(i - 2, j - 2) + 1);
      (rows[i] as number[])[j] = d;
    }
  }
  return at(a.length, b.length);
}

function readOne<N extends VariableName>(name: N, env: NodeJS.ProcessEnv, problems: ConfigProblem[]): Parsed<N> | undefined {
  const spec: VariableSpec = VARIABLES[name];
  const raw = env[name] === '' ? undefined : env[name];
  const effective = raw ?? spec.default;
  if (effective === undefined) return undefined;
  const result = spec.schema.safeParse(effective);
  if (result.success) return result.data as Parsed<N>;
  problems.push({
    variable: name,
    value: displayValue(name, effective),
    allowed: result.error.issues.map((i) => i.message).join('; '),
  });
  return undefined;
}

/** Parse and validate the environment. Throws SluiceError(CONFIG_INVALID) listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): SluiceConfig {
  const problems: ConfigProblem[] = [];
  const get = <N extends VariableName>(name: N) => readOne(name, env, problems);
  const must = <N extends VariableName>(name: N) => get(name) as Parsed<N>;

  for (const name of Object.keys(env)) {
    if (name.startsWith('SLUICE_') && !TOOLING_PREFIXES.some((p) => name.startsWith(p)) && !(name in VARIABLES)) {
      // Its value is never shown: a misspelt secret variable (SLUICE_KAFKA_SASL_PASWORD) holds a secret.
      const meant = closestVariable(name);
      problems.push({
        variable: name,
        allowed: `a known SLUICE_ variable; is it misspelt?${meant ? ` Did you mean ${meant}?` : ''} (\`sluice config\` lists them all)`,
      });
    }
  }

  const brokers = get('SLUICE_KAFKA_BROKERS');
  const topics = { input: must('SLUICE_KAFKA_TOPIC'), dlq: must('SLUICE_DLQ_TOPIC'), late: must('SLUICE_LATE_TOPIC') };
  const saslMechanism = get('SLUICE_KAFKA_SASL_MECHANISM');
  const saslUser = get('SLUICE_KAFKA_SASL_USERNAME');
  const saslPassword = get('SLUICE_KAFKA_SASL_PASSWORD');
  if (saslMechanism && (!saslUser || !saslPassword)) {
    problems.push({
      variable: 'SLUICE_KAFKA_SASL_MECHANISM',
      value: saslMechanism,
      allowed: 'set together with SLUICE_KAFKA_SASL_USERNAME and SLUICE_KAFKA_SASL_PASSWORD',
    });
  }
  const groupId = must('SLUICE_KAFKA_GROUP_ID');
  const clientId = must('SLUICE_KAFKA_CLIENT_ID');
  const ssl = must('SLUICE_KAFKA_SSL');

  const esNode = get('SLUICE_ES_NODE');
  const esIndex = must('SLUICE_ES_INDEX');
  const esBulkDocs = must('SLUICE_ES_BULK_DOCS');
  const esFlush = must('SLUICE_ES_FLUSH_INTERVAL_MS');
  const esBulkBytes = must('SLUICE_ES_BULK_BYTES');
  const esBufferDocs = must('SLUICE_ES_BUFFER_DOCS');
  const esBufferBytes = must('SLUICE_ES_BUFFER_BYTES');
  const esApiKey = get('SLUICE_ES_API_KEY');
  const esUser = get('SLUICE_ES_USERNAME');
  const esPassword = get('SLUICE_ES_PASSWORD');

  const redisUrlValue = get('SLUICE_REDIS_URL');
  const redisPrefix = must('SLUICE_REDIS_KEY_PREFIX');
  const redisTtl = must('SLUICE_REDIS_TTL_SECONDS');
  const redisBatch = must('SLUICE_REDIS_BATCH_SIZE');
  const redisFlush = must('SLUICE_REDIS_FLUSH_INTERVAL_MS');
  const redisBufferKeys = must('SLUICE_REDIS_BUFFER_KEYS');
  const redisInFlight = must('SLUICE_REDIS_MAX_IN_FLIGHT');
  const redisPassword = get('SLUICE_REDIS_PASSWORD');
  const queryToken = get('SLUICE_QUERY_TOKEN');

  const job = get('SLUICE_JOB');
  const config: SluiceConfig = {
    ...(job === undefined ? {} : { job }),
    kafka:
      brokers === undefined
        ? undefined
        : {
            brokers,
            topic: topics.input,
            groupId,
            clientId,
            dlqTopic: topics.dlq,
            lateTopic: topics.late,
            ssl,
            startupTimeoutMs: must('SLUICE_KAFKA_STARTUP_TIMEOUT_MS'),
            stallTimeoutMs: must('SLUICE_KAFKA_STALL_TIMEOUT_MS'),
            sideOutputBufferBytes: must('SLUICE_SIDE_OUTPUT_BUFFER_BYTES'),
            fetchPartitionBytes: must('SLUICE_KAFKA_FETCH_PARTITION_BYTES'),
            ...(saslMechanism && saslUser && saslPassword
              ? { sasl: { mechanism: saslMechanism, username: saslUser, password: saslPassword } }
              : {}),
          },
    topics,
    maxRecordBytes: must('SLUICE_MAX_RECORD_BYTES'),
    elasticsearch:
      esNode === undefined
        ? undefined
        : {
            node: esNode,
            index: esIndex,
            bulkDocs: esBulkDocs,
            flushIntervalMs: esFlush,
            // A buffer smaller than one bulk could never fill a bulk: the documented floor.
            bulkBytes: esBulkBytes,
            bufferDocs: Math.max(esBufferDocs, esBulkDocs),
            bufferBytes: Math.max(esBufferBytes, esBulkBytes),
            ...(esApiKey ? { apiKey: esApiKey } : {}),
            ...(esUser ? { username: esUser } : {}),
            ...(esPassword ? { password: esPassword } : {}),
          },
    redis:
      redisUrlValue === undefined
        ? undefined
        : {
            url: redisUrlValue,
            keyPrefix: redisPrefix,
            ttlSeconds: redisTtl,
            batchSize: redisBatch,
            flushIntervalMs: redisFlush,
            bufferKeys: Math.max(redisBufferKeys, redisBatch),
            maxInFlight: redisInFlight,
            ...(redisPassword ? { password: redisPassword } : {}),
          },
    windows: {
      sizeMs: must('SLUICE_WINDOW_MS'),
      outOfOrdernessMs: must('SLUICE_OUT_OF_ORDERNESS_MS'),
      allowedLatenessMs: must('SLUICE_ALLOWED_LATENESS_MS'),
      idleTimeoutMs: must('SLUICE_IDLE_TIMEOUT_MS'),
      stateTtlMs: must('SLUICE_STATE_TTL_MS'),
    },
    state: {
      dir: must('SLUICE_STATE_DIR'),
      adminSocket: get('SLUICE_ADMIN_SOCKET'),
      writeBufferEntries: must('SLUICE_STATE_WRITE_BUFFER_ENTRIES'),
      cacheEntries: must('SLUICE_STATE_CACHE_ENTRIES'),
    },
    checkpoint: {
      intervalMs: must('SLUICE_CHECKPOINT_INTERVAL_MS'),
      minPauseMs: must('SLUICE_CHECKPOINT_MIN_PAUSE_MS'),
      timeoutMs: must('SLUICE_CHECKPOINT_TIMEOUT_MS'),
      tolerableFailures: must('SLUICE_CHECKPOINT_TOLERABLE_FAILURES'),
      retained: must('SLUICE_CHECKPOINTS_RETAINED'),
      onCorrupt: must('SLUICE_CHECKPOINT_ON_CORRUPT'),
    },
    restart: {
      strategy: must('SLUICE_RESTART_STRATEGY'),
      attempts: must('SLUICE_RESTART_ATTEMPTS'),
      delayMs: must('SLUICE_RESTART_DELAY_MS'),
      maxDelayMs: must('SLUICE_RESTART_MAX_DELAY_MS'),
      intervalMs: must('SLUICE_RESTART_INTERVAL_MS'),
    },
    workers: must('SLUICE_WORKERS'),
    workerInbox: { events: must('SLUICE_WORKER_INBOX_EVENTS'), bytes: must('SLUICE_WORKER_INBOX_BYTES') },
    parseOn: must('SLUICE_PARSE_ON'),
    workerMaxHeapMb: must('SLUICE_WORKER_MAX_HEAP_MB'),
    metricsPort: must('SLUICE_METRICS_PORT'),
    query: {
      port: must('SLUICE_QUERY_PORT'),
      host: must('SLUICE_QUERY_HOST'),
      maxScan: must('SLUICE_QUERY_MAX_SCAN'),
      timeoutMs: must('SLUICE_QUERY_TIMEOUT_MS'),
      rateLimit: must('SLUICE_QUERY_RATE_LIMIT'),
      ...(queryToken ? { token: queryToken } : {}),
    },
    shutdownTimeoutMs: must('SLUICE_SHUTDOWN_TIMEOUT_MS'),
    logLevel: must('SLUICE_LOG_LEVEL'),
    generator: {
      eventsPerSecond: must('SLUICE_GENERATOR_EVENTS_PER_SECOND'),
      users: must('SLUICE_GENERATOR_USERS'),
      speedup: must('SLUICE_GENERATOR_SPEEDUP'),
      maxEvents: must('SLUICE_GENERATOR_MAX_EVENTS'),
    },
  };

  if (problems.length > 0) {
    const lines = problems.map(
      (p) => `  ${p.variable}${p.value === undefined ? ' (value not shown)' : `=${JSON.stringify(p.value)}`}: allowed: ${p.allowed}`,
    );
    throw new SluiceError(ErrorCode.CONFIG_INVALID, `invalid configuration:\n${lines.join('\n')}`, {
      details: { problems },
    });
  }
  return config;
}

/** Where the admin endpoint listens (and `sluice savepoint` / `sluice stop` connect). */
export function adminSocketPath(config: Pick<SluiceConfig, 'state'>): string {
  return config.state.adminSocket ?? join(config.state.dir, 'admin.sock');
}

/** Rows for `sluice config`: name, effective value (masked), default, meaning. */
export function describeConfig(
  env: NodeJS.ProcessEnv = process.env,
): Array<{ name: string; value: string; default: string; meaning: string }> {
  return Object.entries(VARIABLES).map(([name, spec]: [string, VariableSpec]) => {
    const raw = env[name] === '' ? undefined : env[name];
    return {
      name,
      value: raw === undefined ? displayValue(name, spec.default) : displayValue(name, raw),
      default: spec.default === undefined ? '(unset)' : spec.default,
      meaning: spec.meaning,
    };
  });
}
