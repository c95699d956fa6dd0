/**
 * What a job file may say: its sections and settings as zod schemas (each validated setting by
 * setting, job-file-problems.ts), and the limits and name rules the cross-checks in job-file.ts use.
 */
import { z } from 'zod';
import { MAX_RECORD_BYTES_LIMIT } from '../streams/operators/records.js';
import type { AggregateType, FieldType } from './job-spec.js';

export const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Names that would mean something else on a JavaScript object, refused as field and aggregate names. */
export const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf']);
export const CODE = /^[A-Z][A-Z0-9_]{0,63}$/;
export const DURATION = /^(\d+)(ms|s|m|h|d)$/;
export const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
export const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;
export const INDEX = /^[a-z0-9][a-z0-9._-]{0,254}$/;
export const JOB_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/** 365 days, in ms: the most a duration may say (windows, gaps, lateness, out-of-orderness), with or without a unit. */
export const MAX_DURATION_MS = 365 * 86_400_000;
export const DEFAULT_STRING_BYTES = 256;
/** A key's strings together: LMDB keys are at most ~2 KB, and the key is part of one. */
export const MAX_KEY_BYTES = 1024;
export const MAX_KEY_FIELDS = 8;
export const MAX_TOP_N = 1000;

export const FIELD_TYPES = ['string', 'integer', 'number', 'boolean', 'timestamp'] as const satisfies readonly FieldType[];
export const AGGREGATE_TYPES = [
  'count',
  'sum',
  'min',
  'max',
  'avg',
  'countBy',
  'countDistinct',
  'topN',
] as const satisfies readonly AggregateType[];
/** What each aggregate may read. */
export const AGGREGATE_FIELD_TYPES: Record<AggregateType, readonly FieldType[]> = {
  count: [],
  sum: ['integer', 'number'],
  min: ['integer', 'number', 'timestamp'],
  max: ['integer', 'number', 'timestamp'],
  avg: ['integer', 'number'],
  countBy: ['string', 'integer', 'boolean'],
  countDistinct: ['string', 'integer', 'number', 'boolean', 'timestamp'],
  topN: ['string', 'integer', 'boolean'],
};
/** Aggregates whose result is one number: usable in a Redis value template. */
export const SCALAR_AGGREGATES: ReadonlySet<AggregateType> = new Set(['count', 'sum', 'min', 'max', 'avg', 'countDistinct']);

export const durationText = 'a duration: a whole number of milliseconds, or one with a unit (500ms, 30s, 5m, 2h, 1d)';
export const duration = z.union(
  [
    z.number().int().min(0).max(MAX_DURATION_MS),
    z
      .string()
      .regex(DURATION, { message: durationText })
      .refine((text) => !DURATION.test(text) || durationMs(text) <= MAX_DURATION_MS, { message: 'at most 365 days' }),
  ],
  { error: durationText },
);
export const scalar = z.union([z.string(), z.number(), z.boolean()], { error: 'a string, number or boolean' });
export const scalarOrNull = z.union([z.string(), z.number(), z.boolean(), z.null()], { error: 'a string, number, boolean or null' });
export const code = z
  .string()
  .regex(CODE, { error: 'a dead-letter code: upper case letters, digits and _, starting with a letter (e.g. BAD_PRICE)' });
export const name = (what: string) => z.string({ error: `${what}: a string` });
export const plainMap = (what: string) =>
  z.custom<Record<string, unknown>>((v) => v !== null && typeof v === 'object' && !Array.isArray(v), {
    error: `${what}: a map of names to their settings`,
  });

export const keySchema = z.union([z.string(), z.array(z.string()).min(1).max(MAX_KEY_FIELDS)], {
  error: `a field name, or a list of 1 to ${MAX_KEY_FIELDS} field names (a composite key)`,
});
/** A job may hold this many aggregations (each is a window operator over every record). */
export const MAX_AGGREGATIONS = 16;

export const SECTIONS = {
  top: {
    name: z
      .string()
      .regex(JOB_NAME, { error: 'a job name: letters, digits, ., _ and -, starting with a letter or digit, at most 100 characters' }),
    description: z.string().optional(),
    input: plainMap('input'),
    key: keySchema.optional(),
    window: plainMap('window').optional(),
    aggregates: plainMap('aggregates').optional(),
    outputs: plainMap('outputs').optional(),
    aggregations: plainMap('aggregations').optional(),
  },
  aggregation: {
    key: keySchema,
    window: plainMap('window'),
    aggregates: plainMap('aggregates'),
    outputs: plainMap('outputs').optional(),
  },
  input: {
    topic: z.string().regex(TOPIC, { error: 'a Kafka topic name: 1-249 of [A-Za-z0-9._-]' }).optional(),
    groupId: z.string().min(1).optional(),
    deadLetterTopic: z.string().regex(TOPIC, { error: 'a Kafka topic name: 1-249 of [A-Za-z0-9._-]' }).optional(),
    lateTopic: z.string().regex(TOPIC, { error: 'a Kafka topic name: 1-249 of [A-Za-z0-9._-]' }).optional(),
    fields: plainMap('fields'),
    eventTime: name('the name of the field (of type timestamp) that is the event time'),
    outOfOrderness: duration.optional(),
    idleTimeout: duration.optional(),
    filters: z.array(z.unknown(), { error: 'a list of filters' }).optional(),
  },
  field: {
    type: z.enum(FIELD_TYPES, { error: `one of ${FIELD_TYPES.join(', ')}` }),
    path: z.string().min(1, { error: 'the name of a top-level field of the record' }).optional(),
    required: z.boolean().optional(),
    maxBytes: z.number().int().min(1).max(MAX_RECORD_BYTES_LIMIT).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    oneOf: z.array(scalar).min(1).max(10_000).optional(),
    pattern: z.string().min(1).optional(),
    missingCode: code.optional(),
    invalidCode: code.optional(),
  },
  filter: {
    field: z.string().min(1, { error: 'the name of a top-level field of the record' }),
    equals: scalarOrNull.optional(),
    in: z.array(scalarOrNull).min(1).max(10_000).optional(),
    exists: z.boolean().optional(),
  },
  tumbling: { type: z.literal('tumbling'), size: duration, allowedLateness: duration.optional() },
  sliding: { type: z.literal('sliding'), size: duration, slide: duration, allowedLateness: duration.optional() },
  session: { type: z.literal('session'), gap: duration, allowedLateness: duration.optional() },
  aggregate: {
    type: z.enum(AGGREGATE_TYPES, { error: `one of ${AGGREGATE_TYPES.join(', ')}` }),
    field: z.string().optional(),
    n: z.number().int().min(1).max(MAX_TOP_N).optional(),
  },
  outputs: { elasticsearch: plainMap('elasticsearch').optional(), redis: plainMap('redis').optional(), stdout: z.boolean().optional() },
  elasticsearch: {
    index: z.string().regex(INDEX, { error: 'a lowercase Elasticsearch index name' }),
    id: z.string().min(1).optional(),
  },
  redis: {
    prefix: z.string().max(200).optional(),
    key: z.string().min(1).optional(),
    value: z.string().min(1).optional(),
    ttl: duration.optional(),
  },
} satisfies Record<string, z.ZodRawShape>;

export function durationMs(value: number | string): number {
  if (typeof value === 'number') return value;
  const m = DURATION.exec(value) as RegExpExecArray;
  return Number(m[1]) * (UNIT_MS[m[2] as string] as number);
}
