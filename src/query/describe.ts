/**
 * The live-query API described by the job, not written for clicks: what the key is, the shape of a
 * result (the job's document: `toDocument(aggregate.result(accumulator, key, window))`, what the
 * sinks write), and which numeric fields a window's keys can be ranked by.
 *
 * Everything is inferred from one sample result (the empty accumulator's) so any job gets an API;
 * a job may add hints (descriptions, fast accessors that rank accumulators without building a
 * result for every entry) in QUERY_HINTS, by job name.
 */
import type { JobDefinition } from '../job/job.js';
import type { ClickCountAccumulator } from '../job/clickstream.js';
import { assignerFor } from '../streams/operators/window-assigners.js';
import type { TimeWindow } from '../streams/operators/windows.js';

export type JsonSchema = Record<string, unknown>;

export interface QueryHints<ACC> {
  /** What the key is (a field of the result equal to the key is found without this). */
  keyName?: string;
  keyDescription?: string;
  resultDescription?: string;
  /** Descriptions of the result's fields, for the OpenAPI document. */
  fieldDescriptions?: Record<string, string>;
  /** Rank by a top-level field straight from the accumulator (no result built per entry). */
  rank?: Record<string, (accumulator: ACC) => number>;
  /** Rank by `<map>.<name>`: one entry of a map-valued field, straight from the accumulator. */
  rankMaps?: Record<string, (accumulator: ACC, name: string) => number>;
  defaultRankBy?: string;
}

export const QUERY_HINTS: Record<string, QueryHints<never>> = {
  clickstream: {
    keyName: 'userId',
    keyDescription: 'the userId',
    resultDescription: "one user's counts in one window: the Elasticsearch document shape",
    fieldDescriptions: {
      userId: 'the key',
      windowStart: 'epoch ms',
      windowEnd: 'epoch ms, exclusive',
      count: 'events in the window',
      byEventType: 'events per eventType',
    },
    rank: { count: (acc: ClickCountAccumulator) => acc.count },
    rankMaps: { byEventType: (acc: ClickCountAccumulator, type: string) => acc.byEventType.get(type) ?? 0 },
    defaultRankBy: 'count',
  } satisfies QueryHints<ClickCountAccumulator> as unknown as QueryHints<never>,
};

/**
 * The hints of a built-in job: by name, and only for the built-in definition (a job file may be
 * named `clickstream` too, with accumulators of another shape).
 */
function hintsFor(job: JobDefinition<unknown, unknown, unknown>): QueryHints<unknown> {
  if (job.source !== undefined) return {};
  return (QUERY_HINTS[job.name] ?? {}) as QueryHints<unknown>;
}

export interface QueryDescription {
  job: string;
  /** A job with several aggregations: the aggregation described (each has its own key, results and ranking). */
  aggregation?: string;
  keyName: string;
  keyDescription: string;
  resultSchema: JsonSchema;
  /** Top-level numeric fields of a result that `by` may name. */
  rankFields: string[];
  /** Map-valued fields: `by` may name `<field>.<entry>` (an absent entry counts as 0). */
  rankMaps: string[];
  defaultRankBy: string | undefined;
}

const SAMPLE_KEY = 'sluice-query-sample-key\u0001';

/** A sample window far from 0, so no count of an empty accumulator can equal its bounds. */
function sampleWindow(windowMs: number): TimeWindow {
  const start = 1_000_003 * windowMs;
  return { start, end: start + windowMs };
}

/** The document of a result (`toDocument`, when the job's result wraps it): what sinks write and queries answer. */
export function documentOfResult<OUT>(job: Pick<JobDefinition<unknown, unknown, OUT>, 'toDocument'>, result: OUT): unknown {
  return job.toDocument ? job.toDocument(result) : result;
}

/**
 * One aggregation of a job with several, as a job of its own for the live queries: its aggregate,
 * its documents and its windows (the job's name and source stay the job's). Built-in hints
 * (QUERY_HINTS) describe built-in jobs, which have one aggregation: none applies to these.
 */
export function aggregationJob<ACC>(job: JobDefinition<unknown, ACC, unknown>, a: number): JobDefinition<unknown, ACC, unknown> {
  const aggregation = job.aggregations?.[a];
  if (!aggregation) throw new Error(`job ${job.name} has no aggregation ${a}`);
  const { aggregations: _all, aggregationOf: _of, toDocument: _first, ...rest } = job;
  return {
    ...rest,
    aggregate: aggregation.aggregate,
    ...(aggregation.results.toDocument ? { toDocument: aggregation.results.toDocument } : {}),
    window: aggregation.window,
  };
}

/**
 * A sample document: the empty accumulator's, for a made-up key. A composite key is a JSON array of
 * its parts (job files), so arrays of 2..8 sample parts are tried when a plain key does not work.
 */
function sampleResult(job: JobDefinition<unknown, unknown, unknown>, windowMs: number): { document: unknown; key: string } | undefined {
  const keys = [SAMPLE_KEY, ...Array.from({ length: 7 }, (_, i) => JSON.stringify(Array.from({ length: i + 2 }, () => SAMPLE_KEY)))];
  for (const key of keys) {
    try {
      const document = documentOfResult(job, job.aggregate.result(job.aggregate.createAccumulator(), key, sampleWindow(windowMs)));
      if (document !== undefined) return { document, key };
    } catch {
      // Not this key's shape: try the next.
    }
  }
  return undefined;
}

/** A JSON schema of `value`'s shape: objects stay open (additionalProperties), so nothing is ever dropped. */
export function inferSchema(value: unknown, descriptions: Record<string, string> = {}): JsonSchema {
  if (typeof value === 'string') return { type: 'string' };
  if (typeof value === 'number') return { type: 'number' };
  if (typeof value === 'boolean') return { type: 'boolean' };
  if (Array.isArray(value)) return { type: 'array', items: {} };
  if (value !== null && typeof value === 'object') {
    const properties: Record<string, JsonSchema> = {};
    for (const [name, field] of Object.entries(value)) {
      const schema = inferSchema(field);
      // An empty object in the sample is a map whose entries come with events (e.g. byEventType).
      properties[name] = descriptions[name] ? { ...schema, description: descriptions[name] } : schema;
    }
    return { type: 'object', properties, additionalProperties: true };
  }
  // null, undefined: any JSON value.
  return {};
}

/**
 * Each aggregation of a job with several, described as describeJob describes a job: its key, the
 * shape of its documents (with `aggregation` fixed to its name) and what ranks its windows' keys.
 */
export function describeAggregations(job: JobDefinition<unknown, unknown, unknown>): QueryDescription[] {
  return (job.aggregations ?? []).map((aggregation, a) => {
    const d = describeJob(aggregationJob(job, a), assignerFor(aggregation.window).sizeMs, {});
    const schema = d.resultSchema as { properties?: Record<string, JsonSchema> };
    const properties = schema.properties?.aggregation
      ? { ...schema.properties, aggregation: { type: 'string', const: aggregation.name, description: 'the aggregation' } }
      : schema.properties;
    return {
      ...d,
      aggregation: aggregation.name,
      keyDescription: d.keyDescription.replace(/^the job's key/, `the key of aggregation ${aggregation.name}`),
      resultSchema: {
        ...d.resultSchema,
        ...(properties ? { properties } : {}),
        description: `a document of aggregation ${aggregation.name} of job ${job.name}, as its sinks write it`,
      },
    };
  });
}

export function describeJob(
  job: JobDefinition<unknown, unknown, unknown>,
  windowMs: number,
  hints: QueryHints<unknown> = hintsFor(job),
): QueryDescription {
  const sampled = sampleResult(job, windowMs);
  const sample = sampled?.document;
  const window = sampleWindow(windowMs);
  const fields =
    sample !== null && typeof sample === 'object' && !Array.isArray(sample) ? Object.entries(sample as Record<string, unknown>) : [];
  // NaN: a key part read as a number from the made-up key (an integer key field), not a measure.
  const numeric = fields
    .filter(([, v]) => typeof v === 'number' && !Number.isNaN(v) && v !== window.start && v !== window.end)
    .map(([k]) => k);
  const maps = fields.filter(([, v]) => v !== null && typeof v === 'object' && !Array.isArray(v)).map(([k]) => k);
  const rankFields = [...new Set([...Object.keys(hints.rank ?? {}), ...numeric])];
  const rankMaps = [...new Set([...Object.keys(hints.rankMaps ?? {}), ...maps])];
  const keyFields = fields.filter(([, v]) => v === SAMPLE_KEY || Number.isNaN(v)).map(([k]) => k);
  const composite = sampled !== undefined && sampled.key !== SAMPLE_KEY;
  const keyField = keyFields.length > 0 ? keyFields.join('+') : undefined;
  const keyName = hints.keyName ?? keyField ?? 'key';
  const resultSchema = sample === undefined ? { description: "the job's result" } : inferSchema(sample, hints.fieldDescriptions);
  return {
    job: job.name,
    keyName,
    keyDescription:
      hints.keyDescription ??
      (composite
        ? `the job's key: a JSON array of ${keyFields.join(', ')} (e.g. ["sku-1","eu"], URL-encoded in a path)`
        : `the job's key${keyField ? ` (${keyField} in results)` : ''}`),
    resultSchema: {
      ...resultSchema,
      description: hints.resultDescription ?? `a document of job ${job.name}, as its sinks write it`,
    },
    rankFields,
    rankMaps,
    defaultRankBy: hints.defaultRankBy ?? rankFields[0],
  };
}

/** How to read the value `by` names from an entry: from the accumulator when a hint allows, else from its result. */
export function rankReader(
  job: JobDefinition<unknown, unknown, unknown>,
  by: string,
  hints: QueryHints<unknown> = hintsFor(job),
): (accumulator: unknown, key: string, window: TimeWindow) => number {
  const direct = hints.rank?.[by];
  if (direct) return (acc) => direct(acc);
  const dot = by.indexOf('.');
  if (dot > 0) {
    const field = by.slice(0, dot);
    const name = by.slice(dot + 1);
    const map = hints.rankMaps?.[field];
    if (map) return (acc) => map(acc, name);
    return (acc, key, window) => {
      const result = documentOfResult(job, job.aggregate.result(acc, key, window)) as Record<string, unknown> | null;
      const entries = result?.[field] as Record<string, unknown> | undefined;
      const value = entries !== null && typeof entries === 'object' && Object.hasOwn(entries, name) ? entries[name] : 0;
      return typeof value === 'number' ? value : Number.NaN;
    };
  }
  return (acc, key, window) => {
    const result = documentOfResult(job, job.aggregate.result(acc, key, window)) as Record<string, unknown> | null;
    const value = result !== null && typeof result === 'object' && Object.hasOwn(result, by) ? result[by] : undefined;
    return typeof value === 'number' ? value : Number.NaN;
  };
}
