/**
 * Validation of the live-query API's parameters, as pure functions: each returns the value or throws
 * QUERY_BAD_REQUEST (HTTP 400) with a message naming the parameter, what was given and what is allowed.
 * The HTTP schemas (query-server.ts) check types and lengths first; these check meaning.
 */
import { ErrorCode, SluiceError } from '../errors.js';
import type { QueryDescription } from './describe.js';
import { decodeCursor } from './cursor.js';

export const LIMITS = {
  /** Longest key accepted (characters, URL-decoded). */
  maxKeyChars: 1024,
  defaultPage: 100,
  maxPage: 1000,
  defaultTop: 10,
  maxTop: 1000,
  /** `<map>.<name>`: longest name. */
  maxRankNameChars: 256,
} as const;

/** Dates between these are accepted (what a JavaScript Date holds). */
const MAX_TIME = 8_640_000_000_000_000;

export function badRequest(param: string, message: string): SluiceError {
  return new SluiceError(ErrorCode.QUERY_BAD_REQUEST, `${param}: ${message}`, { details: { param } });
}

function shown(raw: string): string {
  return JSON.stringify(raw.length > 64 ? `${raw.slice(0, 64)}...` : raw);
}

/** An integer in [min, max], or `fallback` when absent. */
export function parseInteger(param: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d{1,16}$/.test(raw.trim())) throw badRequest(param, `${shown(raw)} is not an integer from ${min} to ${max}`);
  const n = Number(raw.trim());
  if (!Number.isSafeInteger(n) || n < min || n > max) throw badRequest(param, `${shown(raw)} is not an integer from ${min} to ${max}`);
  return n;
}

/** A time: epoch milliseconds (an integer) or an ISO 8601 date-time such as 2025-01-01T09:30:00Z. */
export function parseTime(param: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const text = raw.trim();
  if (/^-?\d{1,16}$/.test(text)) {
    const n = Number(text);
    if (Number.isSafeInteger(n) && Math.abs(n) <= MAX_TIME) return n;
  } else if (/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(text)) {
    const ms = Date.parse(text);
    if (Number.isFinite(ms)) return ms;
  }
  throw badRequest(
    param,
    `${shown(raw)} is not a time: give epoch milliseconds (e.g. 1764064800000) or an ISO 8601 date-time (e.g. 2025-11-25T09:20:00Z)`,
  );
}

export function parseKey(raw: string | undefined): string {
  if (raw === undefined || raw.length === 0) throw badRequest('key', 'a key is required (URL-encode it as one path segment)');
  if (raw.length > LIMITS.maxKeyChars) throw badRequest('key', `longer than ${LIMITS.maxKeyChars} characters`);
  return raw;
}

/** `from` and `to` of a key's windows: windows overlapping [from, to) are returned. */
export function parseRange(rawFrom: string | undefined, rawTo: string | undefined): { from: number; to: number } {
  const from = parseTime('from', rawFrom, 0);
  const to = parseTime('to', rawTo, Number.MAX_SAFE_INTEGER);
  if (from >= to) throw badRequest('to', `must be after from (from=${from}, to=${to})`);
  return { from, to };
}

/** A window's start: an integer multiple of `alignMs` (the size of tumbling windows, the slide of sliding ones, 1 for sessions). */
export function parseWindowStart(raw: string | undefined, alignMs: number): number {
  const start = parseInteger('start', raw, Number.NaN, -MAX_TIME, MAX_TIME);
  if (Number.isNaN(start)) throw badRequest('start', 'a window start (epoch milliseconds) is required');
  const offset = ((start % alignMs) + alignMs) % alignMs;
  if (offset !== 0) {
    throw badRequest(
      'start',
      `${start} is not a window start: windows start at multiples of ${alignMs} ms (the latest window start before ${start} is ${start - offset})`,
    );
  }
  return start;
}

export function parseLimit(raw: string | undefined): number {
  return parseInteger('limit', raw, LIMITS.defaultPage, 1, LIMITS.maxPage);
}

export function parseTopN(raw: string | undefined): number {
  return parseInteger('n', raw, LIMITS.defaultTop, 1, LIMITS.maxTop);
}

/** What to rank by: a numeric field of the job's result, or `<map field>.<entry>` (e.g. byEventType.purchase). */
export function parseBy(raw: string | undefined, description: Pick<QueryDescription, 'rankFields' | 'rankMaps' | 'defaultRankBy'>): string {
  const allowed =
    [...description.rankFields, ...description.rankMaps.map((m) => `${m}.<name>`)].join(', ') ||
    "(none: this job's results have no numeric field)";
  if (raw === undefined || raw === '') {
    if (description.defaultRankBy === undefined) throw badRequest('by', `required; one of ${allowed}`);
    return description.defaultRankBy;
  }
  if (description.rankFields.includes(raw)) return raw;
  const dot = raw.indexOf('.');
  if (dot > 0) {
    const field = raw.slice(0, dot);
    const name = raw.slice(dot + 1);
    if (description.rankMaps.includes(field) && name.length > 0 && name.length <= LIMITS.maxRankNameChars) return raw;
  }
  throw badRequest('by', `${shown(raw)} is not something to rank by; one of ${allowed}`);
}

/**
 * Which aggregation of a job with several a query reads (`?aggregation=<name>`): its index among
 * `names`. Required: there is no default. The aggregations differ in their key (`user-7` is a
 * userId in one and means nothing in another), their window starts and their documents, so an
 * answer for an aggregation the client did not mean would look plausible and be wrong; a 400 that
 * lists the choices costs one retry. GET /status lists them.
 */
export function parseAggregation(raw: string | undefined, names: readonly string[], job: string): number {
  const choices = names.join(', ');
  if (raw === undefined || raw === '')
    throw badRequest('aggregation', `required: job ${job} has several aggregations, name one (?aggregation=<name>): one of ${choices}`);
  const index = names.indexOf(raw);
  if (index < 0) throw badRequest('aggregation', `${shown(raw)} is not an aggregation of job ${job}; one of ${choices}`);
  return index;
}

export function parseCursor(raw: string | undefined, windowStart: number, aggregation?: string): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  return decodeCursor(raw, windowStart, aggregation);
}
