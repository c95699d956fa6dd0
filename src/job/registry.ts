/**
 * Which job a process runs, and how every thread finds it.
 *
 * - Built-in jobs are known by name in every thread (`jobByName`): the clickstream job.
 * - A job file (SLUICE_JOB or `sluice run --job FILE`, YAML or JSON) is read and validated once on
 *   the main thread, with the environment's overrides applied (`loadJob`); worker threads get the
 *   resulting spec in their WorkerInit (`JobSource`) and compile the very same job from it, so an
 *   edit of the file while the daemon runs never reaches a restarted worker.
 * - A JavaScript module (`--job file.mjs`, exporting a JobDefinition as `default` or `job`) is for
 *   what a file cannot say; every thread imports it, and refuses a file changed since the main
 *   thread loaded it (sha256).
 *
 * A job file's settings that are also variables (topics, group, window, lateness, index, Redis
 * prefix and TTL) are defaults: a variable set in the environment overrides the file, and the
 * start-up log says so.
 */
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ErrorCode, SluiceError } from '../errors.js';
import type { SluiceConfig } from '../config.js';
import { readRegularFile, RegularFileError } from '../state/regular-file.js';
import { assignerFor, describeWindow, windowSpecProblem, type WindowSpec } from '../streams/operators/window-assigners.js';
import { clickstreamJob, clickstreamJobWith } from './clickstream.js';
import { compileJob } from './compile.js';
import type { JobDefinition, JobSource } from './job.js';
import type { JobSpec } from './job-spec.js';
import type { ParseOptions } from '../streams/operators/records.js';
import { importModule } from '../import-module.js';

type AnyJob = JobDefinition<unknown, unknown, unknown>;

/** The built-in jobs by name, each built for its parse options. */
const JOBS: Record<string, (options: ParseOptions) => AnyJob> = {
  [clickstreamJob.name]: (options) => clickstreamJobWith(options) as unknown as AnyJob,
};

/**
 * A built-in job by name, shaped by `options` as on the main thread (a window worker parses
 * batches too: src/actors/batch-parse.ts).
 */
export function jobByName(name: string, options: ParseOptions = {}): AnyJob {
  const build = Object.hasOwn(JOBS, name) ? JOBS[name] : undefined;
  if (!build) throw new SluiceError(ErrorCode.INTERNAL, `unknown job "${name}"; known: ${Object.keys(JOBS).join(', ')}`);
  return build(options);
}

/**
 * The built-in job as the configuration shapes it (SLUICE_MAX_RECORD_BYTES): what runs when no job
 * file is given.
 */
export function jobFromConfig(config: Pick<SluiceConfig, 'maxRecordBytes'>): AnyJob {
  return clickstreamJobWith({ maxRecordBytes: config.maxRecordBytes }) as unknown as AnyJob;
}

export interface LoadedJob {
  job: AnyJob;
  /** The configuration with the job file's settings where the environment did not set them. */
  config: SluiceConfig;
  /** What the start-up log says about where settings came from (overrides). */
  notes: string[];
}

/**
 * The job to run: `path` (`--job`), else SLUICE_JOB (`config.job`), else the built-in one.
 * Throws JOB_INVALID (a file that cannot be read or says something invalid: field and line named).
 */
export async function loadJob(config: SluiceConfig, env: NodeJS.ProcessEnv = process.env, path?: string): Promise<LoadedJob> {
  const file = path ?? config.job;
  if (file === undefined) return { job: jobFromConfig(config), config, notes: [] };
  const abs = resolve(file);
  const ext = extname(abs).toLowerCase();
  if (ext === '.mjs' || ext === '.js') return loadModuleJob(abs, config, env);
  if (ext !== '.yaml' && ext !== '.yml' && ext !== '.json') {
    throw new SluiceError(
      ErrorCode.JOB_INVALID,
      `job file ${file}: expected .yaml, .yml or .json (a job file) or .mjs / .js (a module exporting a JobDefinition)`,
    );
  }
  // The YAML parser is loaded only for a job file: the built-in job starts without it.
  const { parseJobFile } = await import('./job-file.js');
  const text = readJobFile(abs, file).toString('utf8');
  const spec = parseJobFile(text, file);
  const resolved = applyEnvironment(spec, config, env, file);
  const source: JobSource = { kind: 'file', path: abs, spec: resolved.spec };
  const job = compileJob(resolved.spec, { maxRecordBytes: resolved.config.maxRecordBytes, source }) as unknown as AnyJob;
  return { job, config: resolved.config, notes: resolved.notes };
}

/** A job file or module larger than this is refused (a mistake, not a job). */
const MAX_JOB_FILE_BYTES = 1024 * 1024;

function readJobFile(abs: string, shown: string): Buffer {
  try {
    // A job file may be a symlink (a Kubernetes ConfigMap mount is): read what it points at.
    return readRegularFile(realpathSync(abs), MAX_JOB_FILE_BYTES);
  } catch (err) {
    const why =
      err instanceof RegularFileError
        ? err.message
        : (err as NodeJS.ErrnoException).code === 'ENOENT'
          ? 'no such file'
          : (err as Error).message;
    throw new SluiceError(ErrorCode.JOB_INVALID, `job file ${shown} cannot be read: ${why}`, { details: { file: shown } });
  }
}

const set = (env: NodeJS.ProcessEnv, name: string) => env[name] !== undefined && env[name] !== '';

/**
 * The job file's settings and the environment's, reconciled: a variable set in the environment
 * wins (noted), otherwise the file's value (or the variable's default) goes into both.
 */
export function applyEnvironment(
  spec: JobSpec,
  config: SluiceConfig,
  env: NodeJS.ProcessEnv,
  file: string,
): { spec: JobSpec; config: SluiceConfig; notes: string[] } {
  const notes: string[] = [];
  const s: JobSpec = structuredClone(spec);
  const c: SluiceConfig = structuredClone(config);
  /** `variable` set: it wins over the file's `fileValue` (noted); else the file's value, if any, is used. */
  const pick = <T>(variable: string, fileValue: T | undefined, configValue: T, what: string): T => {
    if (set(env, variable)) {
      if (fileValue !== undefined && fileValue !== configValue)
        notes.push(`${variable}=${String(configValue)} overrides ${what} (${String(fileValue)}) of job file ${file}`);
      return configValue;
    }
    return fileValue ?? configValue;
  };
  const input = s.input;
  c.topics.input = input.topic = pick('SLUICE_KAFKA_TOPIC', input.topic, c.topics.input, 'input.topic');
  c.topics.dlq = input.deadLetterTopic = pick('SLUICE_DLQ_TOPIC', input.deadLetterTopic, c.topics.dlq, 'input.deadLetterTopic');
  c.topics.late = input.lateTopic = pick('SLUICE_LATE_TOPIC', input.lateTopic, c.topics.late, 'input.lateTopic');
  const groupId = pick('SLUICE_KAFKA_GROUP_ID', input.groupId, c.kafka?.groupId ?? 'sluice-clickstream', 'input.groupId');
  input.groupId = groupId;
  if (c.kafka) Object.assign(c.kafka, { topic: c.topics.input, dlqTopic: c.topics.dlq, lateTopic: c.topics.late, groupId });
  c.windows.outOfOrdernessMs = input.outOfOrdernessMs = pick(
    'SLUICE_OUT_OF_ORDERNESS_MS',
    input.outOfOrdernessMs,
    c.windows.outOfOrdernessMs,
    'input.outOfOrderness',
  );
  c.windows.idleTimeoutMs = input.idleTimeoutMs = pick(
    'SLUICE_IDLE_TIMEOUT_MS',
    input.idleTimeoutMs,
    c.windows.idleTimeoutMs,
    'input.idleTimeout',
  );
  if (s.aggregations) return applyToAggregations(s, c, env, file, notes);
  c.windows.allowedLatenessMs = s.allowedLatenessMs = pick(
    'SLUICE_ALLOWED_LATENESS_MS',
    s.allowedLatenessMs,
    c.windows.allowedLatenessMs,
    'window.allowedLateness',
  );
  if (set(env, 'SLUICE_WINDOW_MS')) {
    if (s.window.type === 'session') {
      throw new SluiceError(
        ErrorCode.JOB_INVALID,
        `SLUICE_WINDOW_MS=${c.windows.sizeMs} cannot apply to job file ${file}: its windows are sessions (window.gap); unset the variable or edit the file`,
      );
    }
    if (s.window.sizeMs !== c.windows.sizeMs) {
      notes.push(`SLUICE_WINDOW_MS=${c.windows.sizeMs} overrides window.size (${s.window.sizeMs} ms) of job file ${file}`);
      s.window = { ...s.window, sizeMs: c.windows.sizeMs };
      const problem = windowSpecProblem(s.window);
      if (problem) throw new SluiceError(ErrorCode.JOB_INVALID, `SLUICE_WINDOW_MS=${c.windows.sizeMs} with job file ${file}: ${problem}`);
    }
  }
  c.windows.sizeMs = assignerFor(s.window).sizeMs;
  const es = s.outputs.elasticsearch;
  if (es && c.elasticsearch)
    c.elasticsearch.index = es.index = pick('SLUICE_ES_INDEX', es.index, c.elasticsearch.index, 'outputs.elasticsearch.index');
  const redis = s.outputs.redis;
  if (redis) {
    const prefix = pick(
      'SLUICE_REDIS_KEY_PREFIX',
      redis.prefix ?? `${s.name}:`,
      c.redis?.keyPrefix ?? `${s.name}:`,
      'outputs.redis.prefix',
    );
    const ttl = pick('SLUICE_REDIS_TTL_SECONDS', redis.ttlSeconds, c.redis?.ttlSeconds ?? 86_400, 'outputs.redis.ttl');
    redis.prefix = prefix;
    redis.ttlSeconds = ttl;
    if (c.redis) Object.assign(c.redis, { keyPrefix: prefix, ttlSeconds: ttl });
  }
  return { spec: s, config: c, notes };
}

/**
 * The rest of applyEnvironment for a job with several aggregations: variables that name one index,
 * one key prefix or one window cannot mean all of them. SLUICE_ES_INDEX and SLUICE_REDIS_KEY_PREFIX
 * become each aggregation's (`<index>-<aggregation>`, `<prefix><aggregation>:`), so that a run can
 * still be pointed elsewhere as a whole; SLUICE_ALLOWED_LATENESS_MS and SLUICE_REDIS_TTL_SECONDS
 * apply to every one; SLUICE_WINDOW_MS is refused.
 */
function applyToAggregations(
  s: JobSpec,
  c: SluiceConfig,
  env: NodeJS.ProcessEnv,
  file: string,
  notes: string[],
): { spec: JobSpec; config: SluiceConfig; notes: string[] } {
  const aggregations = s.aggregations ?? [];
  if (set(env, 'SLUICE_WINDOW_MS')) {
    throw new SluiceError(
      ErrorCode.JOB_INVALID,
      `SLUICE_WINDOW_MS=${c.windows.sizeMs} cannot apply to job file ${file}: it has ${aggregations.length} aggregations, each with windows of its own; unset the variable or edit the file`,
    );
  }
  const names = aggregations.map((a) => a.name).join(', ');
  /** Index -> the aggregation writing it (SLUICE_ES_INDEX): names that differ only in case would share one. */
  const indexes = new Map<string, string>();
  for (const a of aggregations) {
    if (set(env, 'SLUICE_ALLOWED_LATENESS_MS')) a.allowedLatenessMs = c.windows.allowedLatenessMs;
    else a.allowedLatenessMs ??= c.windows.allowedLatenessMs;
    const es = a.outputs.elasticsearch;
    if (es && set(env, 'SLUICE_ES_INDEX') && c.elasticsearch) {
      es.index = `${c.elasticsearch.index}-${a.name.toLowerCase()}`;
      const other = indexes.get(es.index);
      if (other !== undefined)
        throw new SluiceError(
          ErrorCode.JOB_INVALID,
          `SLUICE_ES_INDEX=${c.elasticsearch.index} cannot apply to job file ${file}: aggregations ${other} and ${a.name} would both write index ${es.index}; rename one of them or unset the variable`,
        );
      indexes.set(es.index, a.name);
    }
    const redis = a.outputs.redis;
    if (redis) {
      if (set(env, 'SLUICE_REDIS_KEY_PREFIX') && c.redis) redis.prefix = `${c.redis.keyPrefix}${a.name}:`;
      if (set(env, 'SLUICE_REDIS_TTL_SECONDS') && c.redis) redis.ttlSeconds = c.redis.ttlSeconds;
      redis.ttlSeconds ??= c.redis?.ttlSeconds ?? 86_400;
    }
  }
  if (set(env, 'SLUICE_ALLOWED_LATENESS_MS'))
    notes.push(
      `SLUICE_ALLOWED_LATENESS_MS=${c.windows.allowedLatenessMs} overrides the allowed lateness of every aggregation (${names}) of job file ${file}`,
    );
  if (set(env, 'SLUICE_ES_INDEX') && c.elasticsearch)
    notes.push(
      `SLUICE_ES_INDEX=${c.elasticsearch.index}: each aggregation of job file ${file} writes index ${c.elasticsearch.index}-<aggregation>`,
    );
  if (set(env, 'SLUICE_REDIS_KEY_PREFIX') && c.redis)
    notes.push(
      `SLUICE_REDIS_KEY_PREFIX=${c.redis.keyPrefix}: each aggregation of job file ${file} writes keys under ${c.redis.keyPrefix}<aggregation>:`,
    );
  if (set(env, 'SLUICE_REDIS_TTL_SECONDS') && c.redis)
    notes.push(`SLUICE_REDIS_TTL_SECONDS=${c.redis.ttlSeconds} overrides the Redis TTL of every aggregation of job file ${file}`);
  // The top level mirrors the first aggregation (job-spec.ts).
  const first = aggregations[0];
  if (first) {
    s.allowedLatenessMs = first.allowedLatenessMs ?? 0;
    s.outputs = structuredClone(first.outputs);
    c.windows.sizeMs = assignerFor(first.window).sizeMs;
  }
  c.windows.allowedLatenessMs = s.allowedLatenessMs ?? c.windows.allowedLatenessMs;
  return { spec: s, config: c, notes };
}

async function loadModuleJob(abs: string, config: SluiceConfig, env: NodeJS.ProcessEnv): Promise<LoadedJob> {
  const bytes = readJobFile(abs, abs);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const { job, exportName } = await importJob(abs, sha256);
  const notes: string[] = [];
  const c: SluiceConfig = structuredClone(config);
  if (job.window) {
    if (set(env, 'SLUICE_WINDOW_MS') && (job.window.type === 'session' || job.window.sizeMs !== c.windows.sizeMs)) {
      throw new SluiceError(
        ErrorCode.JOB_INVALID,
        `SLUICE_WINDOW_MS=${c.windows.sizeMs} conflicts with the windows of job module ${abs} (${describeWindow(job.window)}); unset the variable or change the module`,
      );
    }
    c.windows.sizeMs = assignerFor(job.window).sizeMs;
  }
  return { job: { ...job, source: { kind: 'module', path: abs, sha256, exportName } }, config: c, notes };
}

/** Import a job module and check it exports a JobDefinition (as `default` or `job`). */
async function importJob(abs: string, sha256: string): Promise<{ job: AnyJob; exportName: string }> {
  let module: Record<string, unknown>;
  try {
    module = await importModule<Record<string, unknown>>(`${pathToFileURL(abs).href}?sha256=${sha256}`);
  } catch (err) {
    throw new SluiceError(ErrorCode.JOB_INVALID, `job module ${abs} cannot be imported: ${(err as Error).message}`, {
      cause: err,
      details: { file: abs },
    });
  }
  const exportName = module.default !== undefined ? 'default' : 'job';
  const job = module[exportName];
  const problem = jobDefinitionProblem(job);
  if (problem)
    throw new SluiceError(
      ErrorCode.JOB_INVALID,
      `job module ${abs}: its ${exportName === 'default' ? 'default export' : '`job` export'} ${problem}`,
      { details: { file: abs } },
    );
  return { job: job as AnyJob, exportName };
}

/** What a module's export lacks to be a JobDefinition, or undefined. */
function jobDefinitionProblem(job: unknown): string | undefined {
  if (job === null || typeof job !== 'object')
    return 'is not a JobDefinition object (export default { name, parse, timestampOf, keyOf, aggregate, stateCodec, ... })';
  const j = job as Record<string, unknown>;
  if (typeof j.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(j.name))
    return 'has no usable name (letters, digits, ., _ and -)';
  for (const fn of ['parse', 'timestampOf', 'keyOf', 'resultId', 'resultVersion', 'redisValue', 'resultRef']) {
    if (typeof j[fn] !== 'function') return `has no function ${fn}`;
  }
  const agg = j.aggregate as Record<string, unknown> | undefined;
  if (!agg || typeof agg.createAccumulator !== 'function' || typeof agg.add !== 'function' || typeof agg.result !== 'function')
    return 'has no aggregate { createAccumulator, add, result }';
  const codec = j.stateCodec as Record<string, unknown> | undefined;
  if (!codec || typeof codec.encode !== 'function' || typeof codec.decode !== 'function') return 'has no stateCodec { encode, decode }';
  if (j.window !== undefined) {
    const problem = windowSpecProblem(j.window as WindowSpec);
    if (problem) return `has windows that do not work: ${problem}`;
    if ((j.window as WindowSpec).type === 'session' && typeof agg.merge !== 'function')
      return 'has session windows and an aggregate without merge (sessions merge accumulators)';
  }
  return undefined;
}

const loaded = new Map<string, Promise<AnyJob>>();

/**
 * The job as a window worker loads it, and as the main thread's stage parses like it: from its
 * source when it has one, else by name, with SLUICE_MAX_RECORD_BYTES.
 */
export async function loadThreadJob(name: string, source: JobSource | undefined, maxRecordBytes: number | undefined): Promise<AnyJob> {
  const options: ParseOptions = maxRecordBytes === undefined ? {} : { maxRecordBytes };
  return source ? loadJobSource(source, options) : jobByName(name, options);
}

/**
 * A job from its source, in any thread (cached per thread): a job file's spec is compiled, a
 * module imported (refused if the file changed since the main thread loaded it).
 */
export function loadJobSource(source: JobSource, options: ParseOptions = {}): Promise<AnyJob> {
  const id =
    source.kind === 'file'
      ? `file:${options.maxRecordBytes ?? ''}:${JSON.stringify(source.spec)}`
      : `module:${source.path}:${source.sha256}`;
  let job = loaded.get(id);
  if (!job) {
    job = (async (): Promise<AnyJob> => {
      if (source.kind === 'file') {
        const { maxRecordBytes } = options;
        return compileJob(source.spec as JobSpec, {
          source,
          ...(maxRecordBytes === undefined ? {} : { maxRecordBytes }),
        }) as unknown as AnyJob;
      }
      const bytes = readJobFile(source.path, source.path);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      if (sha256 !== source.sha256) {
        throw new SluiceError(
          ErrorCode.JOB_INVALID,
          `job module ${source.path} changed on disk since the daemon started: restart the daemon to run the new version`,
          { details: { file: source.path } },
        );
      }
      const { job: imported } = await importJob(source.path, sha256);
      return { ...imported, source };
    })();
    loaded.set(id, job);
    job.catch(() => loaded.delete(id));
  }
  return job;
}
