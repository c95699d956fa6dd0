/**
 * A JobSpec (a job file, validated) compiled into a JobDefinition the engine runs like any other:
 *
 * - parse: one pass of the field scanner over each record reads every field the job names (its
 *   fields and its filters' fields) at once; then the filters, then each field's rules, in file
 *   order, the first problem giving the dead-letter code. Several aggregates share that one parse.
 * - the event: the key (one field's value, or a composite key as a JSON array), the event time, and
 *   only the values the aggregates read (`v`): that is all that travels to the window workers, in
 *   columns (a dictionary per step for strings and booleans, a Float64Array for numbers).
 * - the accumulator: one slot per aggregate by name, plus the window's event count (`#`), which is
 *   the result's version (Elasticsearch external versioning: a later firing never loses to an
 *   earlier one).
 * - a result: `{ key, n, doc }`; `doc` is the document (key fields, windowStart, windowEnd, then
 *   the aggregates in file order), written as it is to Elasticsearch and stdout.
 */
import { createHash } from 'node:crypto';
import { JsonFieldScanner, type FieldValue } from '../streams/operators/json-fields.js';
import {
  MAX_FUTURE_MS,
  MAX_RECORD_BYTES_LIMIT,
  MAX_VALUE_BYTES,
  MIN_TIMESTAMP_MS,
  scanValue,
  stringProblem,
  timestampTypeName,
  typeName,
  valueBytes,
} from '../streams/operators/records.js';
import type { AggregateFunction, TimeWindow } from '../streams/operators/windows.js';
import { canonicalJson } from '../state/digest.js';
import { slotOps, type SlotOps, type SlotValue } from './aggregates.js';
import type {
  EsMapping,
  JobAggregation,
  JobDefinition,
  JobOutputs,
  JobParseResult,
  JobSource,
  JobStateShape,
  ResultShape,
  StateCodec,
} from './job.js';
import type { AggregateSpec, AggregationSpec, FieldSpec, FieldType, JobSpec, Scalar } from './job-spec.js';
import type { WindowSpec } from '../streams/operators/window-assigners.js';
import { parseTemplate, renderTemplate } from './templates.js';
import type { EncodedValues, ValueColumnBuilder, ValueColumnCodec, WindowInput } from './window-input.js';

/** What a compiled job's parse gives: the key, the event time, the values its aggregates read. */
export interface CompiledEvent {
  k: string;
  t: number;
  v: SlotValue[];
  /** Jobs with several aggregations: which one this event is selected for. */
  a?: number;
  /** Jobs with several aggregations, as parsed: each aggregation's key (`select` picks one into `k`). */
  ks?: string[];
}

/** Slots by aggregate name, `#`: the window's event count, and `@`: its aggregation (jobs with several). */
export type CompiledAccumulator = Record<string, unknown> & { '#': number; '@'?: number };

export interface CompiledResult {
  key: string;
  /** Events in the window: the result's version. */
  n: number;
  doc: Record<string, unknown>;
  /** Jobs with several aggregations: which one it is a result of. */
  a?: number;
}

export interface CompileOptions {
  /** Records over this many bytes are dead letters (TOO_LARGE); default the contract's 1 MiB. */
  maxRecordBytes?: number;
  /** How worker threads load this job (set by the loader: a job file's path and content). */
  source?: JobSource;
}

type Reject = { ok: false; code: string; message: string };
const reject = (code: string, message: string): Reject => ({ ok: false, code, message });
const FILTERED = Object.freeze({ ok: false, filtered: true }) as JobParseResult<CompiledEvent>;

/** The digest a job file's definition is known by in checkpoints and savepoints. */
export function specHash(spec: JobSpec): string {
  return createHash('sha256').update(canonicalJson(spec)).digest('hex');
}

/** What a compiled job's state depends on: its key, and how each aggregate is computed. */
export function stateShapeOf(spec: JobSpec): JobStateShape {
  const shapes = (list: AggregateSpec[]) => {
    const aggregates: JobStateShape['aggregates'] = {};
    for (const a of list) aggregates[a.name] = { type: a.type, ...(a.field === undefined ? {} : { field: a.field }) };
    return aggregates;
  };
  return {
    key: [...spec.key],
    aggregates: shapes(spec.aggregates),
    ...(spec.aggregations
      ? {
          aggregations: spec.aggregations.map((a) => ({
            name: a.name,
            window: a.window,
            key: [...a.key],
            aggregates: shapes(a.aggregates),
          })),
        }
      : {}),
  };
}

export function compileJob(spec: JobSpec, options: CompileOptions = {}): JobDefinition<CompiledEvent, CompiledAccumulator, CompiledResult> {
  const fields = new Map(spec.input.fields.map((f) => [f.name, f]));
  const fieldOf = (name: string) => fields.get(name) as FieldSpec;
  const multi = spec.aggregations !== undefined;
  const parts: AggregationSpec[] = spec.aggregations ?? [
    {
      name: spec.name,
      key: spec.key,
      window: spec.window,
      ...(spec.allowedLatenessMs === undefined ? {} : { allowedLatenessMs: spec.allowedLatenessMs }),
      aggregates: spec.aggregates,
      outputs: spec.outputs,
    },
  ];

  // What the aggregates read, each field once, in aggregate order: the event's `v`.
  const read: FieldSpec[] = [];
  for (const part of parts)
    for (const a of part.aggregates) if (a.field !== undefined && !read.some((f) => f.name === a.field)) read.push(fieldOf(a.field));
  const compiled = parts.map((part, i) => compileAggregation(part, multi ? i : undefined, read, fieldOf));
  const { parse, parseSpan } = compileParser(
    spec,
    read,
    parts.map((part) => part.key.map(fieldOf)),
    options.maxRecordBytes ?? MAX_VALUE_BYTES,
  );
  const first = compiled[0] as CompiledAggregation;
  const common = {
    name: spec.name,
    parse,
    parseSpan,
    timestampOf: (event: CompiledEvent) => event.t,
    keyOf: (event: CompiledEvent) => event.k,
    definitionHash: specHash(spec),
    stateLayout: 'job-file/1',
    ...(options.source ? { source: options.source } : {}),
  };
  if (!multi) {
    return {
      ...common,
      ...first.results,
      aggregate: first.aggregate,
      windowInput: windowInputFor(read),
      stateCodec: first.stateCodec,
      window: spec.window,
      stateShape: stateShapeOf(spec),
    };
  }
  const byIndex = (i: number, what: string) => {
    const c = compiled[i];
    if (!c) throw new Error(`${spec.name} has no aggregation ${i} (${what})`);
    return c;
  };
  const ofAccumulator = (acc: CompiledAccumulator) => acc['@'] ?? 0;
  const ofResult = (result: CompiledResult) => result.a ?? 0;
  const aggregationOf = { event: (event: CompiledEvent) => event.a ?? 0, accumulator: ofAccumulator, result: ofResult };
  return {
    ...common,
    // What reads a job's results without knowing its aggregations (stdout, telemetry, live queries): each result's own.
    resultId: (r) => byIndex(ofResult(r), 'result').results.resultId(r),
    resultVersion: (r) => r.n,
    redisKey: (r) => byIndex(ofResult(r), 'result').results.redisKey(r),
    redisValue: (r) => byIndex(ofResult(r), 'result').results.redisValue(r),
    resultRef: first.results.resultRef,
    toDocument: first.results.toDocument,
    esMapping: first.results.esMapping,
    outputs: {
      elasticsearch: compiled.some((c) => c.results.outputs.elasticsearch),
      redis: compiled.some((c) => c.results.outputs.redis),
      stdout: compiled.some((c) => c.results.outputs.stdout),
    },
    aggregate: {
      createAccumulator: () => first.aggregate.createAccumulator(),
      add: (acc, event) => byIndex(ofAccumulator(acc), 'accumulator').aggregate.add(acc, event),
      merge: (a, b) =>
        (
          byIndex(ofAccumulator(a), 'accumulator').aggregate.merge as NonNullable<
            AggregateFunction<CompiledEvent, CompiledAccumulator, CompiledResult>['merge']
          >
        )(a, b),
      result: (acc, key, window) => byIndex(ofAccumulator(acc), 'accumulator').aggregate.result(acc, key, window),
    },
    windowInput: multiWindowInputFor(read),
    stateCodec: {
      encode: (acc) => ({ '@': ofAccumulator(acc), ...(byIndex(ofAccumulator(acc), 'accumulator').stateCodec.encode(acc) as object) }),
      decode(json) {
        const a = json !== null && typeof json === 'object' ? (json as Record<string, unknown>)['@'] : undefined;
        const part = Number.isSafeInteger(a) ? compiled[a as number] : undefined;
        if (!part)
          throw new Error(
            `a ${spec.name} accumulator in the savepoint is malformed: "@" names none of its ${compiled.length} aggregations`,
          );
        return part.stateCodec.decode(json);
      },
    },
    window: first.window,
    stateShape: stateShapeOf(spec),
    aggregations: compiled.map((c, i) => ({
      name: c.name,
      window: c.window,
      allowedLatenessMs: c.allowedLatenessMs,
      select: (event: CompiledEvent): CompiledEvent => ({ k: (event.ks as string[])[i] as string, t: event.t, v: event.v, a: i }),
      aggregate: c.aggregate,
      results: c.results,
      targets: c.targets,
    })),
    aggregationOf,
  };
}

interface CompiledAggregation {
  name: string;
  window: WindowSpec;
  allowedLatenessMs: number;
  aggregate: AggregateFunction<CompiledEvent, CompiledAccumulator, CompiledResult>;
  stateCodec: StateCodec<CompiledAccumulator>;
  results: ResultShape<CompiledResult> & {
    resultId(r: CompiledResult): string;
    redisKey(r: CompiledResult): string;
    redisValue(r: CompiledResult): string;
    toDocument(r: CompiledResult): unknown;
    resultRef(r: CompiledResult): { key: string; window: { start: number; end: number } };
    esMapping: EsMapping;
    outputs: JobOutputs;
  };
  targets: JobAggregation<CompiledEvent, CompiledAccumulator, CompiledResult>['targets'];
}

/**
 * One aggregation's accumulators, results and outputs. `index`: its place among the job's several
 * aggregations (its accumulators and results carry it, its documents name it), or undefined for a
 * job with one.
 */
function compileAggregation(
  part: AggregationSpec,
  index: number | undefined,
  read: FieldSpec[],
  fieldOf: (name: string) => FieldSpec,
): CompiledAggregation {
  const slots = part.aggregates.map((a) => ({
    name: a.name,
    index: a.field === undefined ? -1 : read.findIndex((f) => f.name === a.field),
    ops: slotOps(a.type, a.field === undefined ? undefined : fieldOf(a.field).type, a.n),
  }));
  const keyFields = part.key.map(fieldOf);
  const keyParts = keyDecoder(keyFields);
  const tagged = index !== undefined;

  const aggregate: AggregateFunction<CompiledEvent, CompiledAccumulator, CompiledResult> = {
    createAccumulator() {
      const acc = (tagged ? { '#': 0, '@': index } : { '#': 0 }) as CompiledAccumulator;
      for (const s of slots) acc[s.name] = s.ops.create();
      return acc;
    },
    add(acc, event) {
      acc['#'] += 1;
      const v = event.v;
      for (const s of slots) acc[s.name] = s.ops.add(acc[s.name] ?? s.ops.create(), s.index < 0 ? undefined : v[s.index]);
      return acc;
    },
    merge(a, b) {
      a['#'] += b['#'];
      for (const s of slots) a[s.name] = s.ops.merge(a[s.name] ?? s.ops.create(), b[s.name] ?? s.ops.create());
      return a;
    },
    result(acc, key, window: TimeWindow) {
      const doc: Record<string, unknown> = {};
      if (tagged) doc.aggregation = part.name;
      const values = keyParts(key);
      keyFields.forEach((f, i) => (doc[f.name] = values[i]));
      doc.windowStart = window.start;
      doc.windowEnd = window.end;
      for (const s of slots) doc[s.name] = s.ops.result(acc[s.name] ?? s.ops.create());
      return tagged ? { key, n: acc['#'], doc, a: index } : { key, n: acc['#'], doc };
    },
  };

  const esId = parseTemplate(part.outputs.elasticsearch?.id ?? `${part.key.map((k) => `{${k}}`).join(':')}:{windowStart}`);
  const redisKey = parseTemplate(part.outputs.redis?.key ?? esId.source);
  const redisValue = part.outputs.redis?.value === undefined ? undefined : parseTemplate(part.outputs.redis.value);
  const field = (result: CompiledResult) => (name: string) => result.doc[name];
  const mapping = mappingFor(keyFields, slots);
  if (tagged) mapping.properties = { aggregation: { type: 'keyword' }, ...mapping.properties };
  const { elasticsearch, redis } = part.outputs;
  return {
    name: part.name,
    window: part.window,
    allowedLatenessMs: part.allowedLatenessMs ?? 0,
    aggregate,
    stateCodec: stateCodecFor(part, slots),
    results: {
      resultId: (result) => renderTemplate(esId, field(result)),
      resultVersion: (result) => result.n,
      redisKey: (result) => renderTemplate(redisKey, field(result)),
      redisValue: (result) => (redisValue ? renderTemplate(redisValue, field(result)) : JSON.stringify(result.doc)),
      resultRef: (result) => ({
        key: result.key,
        window: { start: result.doc.windowStart as number, end: result.doc.windowEnd as number },
      }),
      toDocument: (result) => result.doc,
      esMapping: mapping,
      outputs: { elasticsearch: elasticsearch !== undefined, redis: redis !== undefined, stdout: part.outputs.stdout },
    },
    targets: {
      ...(elasticsearch?.index === undefined ? {} : { elasticsearchIndex: elasticsearch.index }),
      ...(redis?.prefix === undefined ? {} : { redisKeyPrefix: redis.prefix }),
      ...(redis?.ttlSeconds === undefined ? {} : { redisTtlSeconds: redis.ttlSeconds }),
    },
  };
}

/** Scan, filter, validate: the record's bytes to an event, a dead letter, or left out. */
function compileParser(
  spec: JobSpec,
  read: FieldSpec[],
  /** Each aggregation's key fields (one list: a job with one aggregation, whose key is `k`). */
  keys: FieldSpec[][],
  maxRecordBytes: number,
): Required<Pick<JobDefinition<CompiledEvent, unknown, unknown>, 'parse' | 'parseSpan'>> {
  if (!Number.isSafeInteger(maxRecordBytes) || maxRecordBytes < 1 || maxRecordBytes > MAX_RECORD_BYTES_LIMIT) {
    throw new RangeError(`maxRecordBytes must be an integer from 1 to ${MAX_RECORD_BYTES_LIMIT}, got ${maxRecordBytes}`);
  }
  const names: string[] = [];
  const at = (path: string) => {
    let i = names.indexOf(path);
    if (i < 0) i = names.push(path) - 1;
    return i;
  };
  const validators = spec.input.fields.map((f) => ({ index: at(f.path), field: f, check: fieldValidator(f) }));
  const filters = spec.input.filters.map((f) => {
    const index = at(f.field);
    // An absent field reads as null, as `exists` treats them alike.
    if ('equals' in f) return (values: Array<FieldValue | undefined>) => (values[index] ?? null) === f.equals;
    if ('in' in f) {
      const allowed = new Set<unknown>(f.in);
      return (values: Array<FieldValue | undefined>) => allowed.has(values[index] ?? null);
    }
    return (values: Array<FieldValue | undefined>) => (values[index] !== undefined && values[index] !== null) === f.exists;
  });
  const scanner = new JsonFieldScanner(names);
  const position = new Map(spec.input.fields.map((f, i) => [f.name, i]));
  const eventTime = position.get(spec.input.eventTime) as number;
  const keyAts = keys.map((keyFields) => keyFields.map((f) => position.get(f.name) as number));
  const keyAt = keyAts[0] as number[];
  const readAt = read.map((f) => position.get(f.name) as number);
  const single = keyAt.length === 1 ? (keyAt[0] as number) : -1;
  const keyOf = (at: number[]) => (at.length === 1 ? keyText(checked[at[0] as number]) : JSON.stringify(at.map((i) => checked[i])));
  const checked: unknown[] = new Array(validators.length);

  const parseSpan = (bytes: Buffer, start: number, length: number, nowMs: number): JobParseResult<CompiledEvent> => {
    const scan = scanValue(scanner, bytes, start, length, maxRecordBytes);
    if (!scan.ok) return scan;
    const values = scan.values;
    for (const keep of filters) if (!keep(values)) return FILTERED;
    for (let i = 0; i < validators.length; i++) {
      const v = validators[i] as (typeof validators)[number];
      const outcome = v.check(values[v.index], nowMs);
      if (outcome !== null && typeof outcome === 'object') return outcome as Reject;
      checked[i] = outcome;
    }
    const t = checked[eventTime] as number;
    const v = readAt.map((i) => checked[i] as SlotValue);
    // Several aggregations: every key now (`select` picks one per aggregation), none as `k`.
    if (keyAts.length > 1) return { ok: true, event: { k: '', t, v, ks: keyAts.map(keyOf) } };
    const k = single >= 0 ? keyText(checked[single]) : JSON.stringify(keyAt.map((i) => checked[i]));
    return { ok: true, event: { k, t, v } };
  };
  const parse = (value: Uint8Array | null, nowMs: number): JobParseResult<CompiledEvent> => {
    const buf = valueBytes(value);
    return parseSpan(buf, 0, buf.length, nowMs);
  };
  return { parse, parseSpan };
}

function keyText(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

/** A key back into its fields' values (results name them). */
function keyDecoder(keyFields: FieldSpec[]): (key: string) => unknown[] {
  if (keyFields.length > 1) return (key) => JSON.parse(key) as unknown[];
  const type = (keyFields[0] as FieldSpec).type;
  if (type === 'integer') return (key) => [Number(key)];
  if (type === 'boolean') return (key) => [key === 'true'];
  return (key) => [key];
}

/** A field's rules: its value (undefined: an absent optional field) or a rejection. Messages as the built-in job's. */
function fieldValidator(f: FieldSpec): (v: FieldValue | undefined, nowMs: number) => unknown {
  const name = f.path;
  const oneOf = f.oneOf ? new Set<Scalar>(f.oneOf) : undefined;
  const oneOfText = f.oneOf ? f.oneOf.map((x) => JSON.stringify(x)).join(', ') : '';
  const pattern = f.pattern === undefined ? undefined : new RegExp(f.pattern, 'u');
  const missing = (what: string) => (f.required ? reject(f.missingCode, `${name} is ${what}`) : undefined);
  const invalid = (message: string) => reject(f.invalidCode, message);
  const range = (v: number) => {
    if (f.min !== undefined && v < f.min) return invalid(`${name} ${v} is below the minimum ${f.min}`);
    if (f.max !== undefined && v > f.max) return invalid(`${name} ${v} is above the maximum ${f.max}`);
    if (oneOf && !oneOf.has(v)) return invalid(`${name} ${v} is not one of ${oneOfText}`);
    return v;
  };
  switch (f.type) {
    case 'string': {
      const maxBytes = f.maxBytes as number;
      return (v) => {
        if (v === undefined || v === null || v === '') return missing('missing, null or empty');
        if (typeof v !== 'string') return invalid(`${name} must be a string, got ${typeName(v)}`);
        const problem = stringProblem(v, maxBytes);
        if (problem) return invalid(`${name} ${problem}`);
        if (oneOf && !oneOf.has(v)) return invalid(`${name} ${JSON.stringify(v)} is not one of ${oneOfText}`);
        if (pattern && !pattern.test(v)) return invalid(`${name} ${JSON.stringify(v)} does not match /${f.pattern}/`);
        return v;
      };
    }
    case 'integer':
      return (v) => {
        if (v === undefined || v === null) return missing('missing or null');
        if (typeof v !== 'number' || !Number.isSafeInteger(v)) return invalid(`${name} must be an integer, got ${timestampTypeName(v)}`);
        return range(v);
      };
    case 'number':
      return (v) => {
        if (v === undefined || v === null) return missing('missing or null');
        if (typeof v !== 'number') return invalid(`${name} must be a number, got ${typeName(v)}`);
        if (!Number.isFinite(v)) return invalid(`${name} must be a number, got a number too large for a double (read as ${v})`);
        return range(v);
      };
    case 'boolean':
      return (v) => {
        if (v === undefined || v === null) return missing('missing or null');
        if (typeof v !== 'boolean') return invalid(`${name} must be true or false, got ${typeName(v)}`);
        return v;
      };
    case 'timestamp':
      return (v, nowMs) => {
        if (v === undefined || v === null) return missing('missing or null');
        if (typeof v !== 'number' || !Number.isSafeInteger(v))
          return invalid(`${name} must be an integer of epoch milliseconds, got ${timestampTypeName(v)}`);
        const latest = nowMs + MAX_FUTURE_MS;
        if (v < MIN_TIMESTAMP_MS || v > latest)
          return invalid(`${name} ${v} is outside [${MIN_TIMESTAMP_MS} (2000-01-01), ${latest} (now + 1 day)]`);
        return v;
      };
  }
}

/** Savepoint form: `{ "#": events, <aggregate>: its slot's JSON, ... }`. */
function stateCodecFor(spec: AggregationSpec, slots: Array<{ name: string; ops: SlotOps }>): StateCodec<CompiledAccumulator> {
  const countSlot = spec.aggregates.find((a) => a.type === 'count')?.name;
  return {
    encode(acc) {
      const json: Record<string, unknown> = { '#': acc['#'] };
      for (const s of slots) json[s.name] = s.ops.encode(acc[s.name] ?? s.ops.create());
      return json;
    },
    decode(json) {
      if (json === null || typeof json !== 'object' || Array.isArray(json))
        throw new Error(`a ${spec.name} accumulator in the savepoint is malformed: not an object`);
      const o = json as Record<string, unknown>;
      const acc = (Object.hasOwn(o, '@') ? { '#': 0, '@': o['@'] } : { '#': 0 }) as CompiledAccumulator;
      // Own keys only, by this job's aggregate names (an aggregate removed since is left behind; one
      // added starts empty in the windows open at the savepoint).
      for (const s of slots) {
        if (!Object.hasOwn(o, s.name)) {
          acc[s.name] = s.ops.create();
          continue;
        }
        try {
          acc[s.name] = s.ops.decode(o[s.name]);
        } catch (err) {
          throw new Error(`a ${spec.name} accumulator in the savepoint is malformed: aggregate ${s.name} ${(err as Error).message}`);
        }
      }
      // `#` is absent from the built-in clickstream job's savepoints: its count is the event count.
      const n = Object.hasOwn(o, '#') ? o['#'] : countSlot !== undefined ? o[countSlot] : undefined;
      if (!Number.isSafeInteger(n) || (n as number) < 0) {
        throw new Error(
          `a ${spec.name} accumulator in the savepoint is malformed: it has no event count ("#"${countSlot ? ` or ${countSlot}` : ''})`,
        );
      }
      acc['#'] = n as number;
      return acc;
    },
  };
}

function mappingFor(keyFields: FieldSpec[], slots: Array<{ name: string; ops: SlotOps }>): EsMapping {
  const byType: Record<FieldType, { type: string; format?: string }> = {
    string: { type: 'keyword' },
    integer: { type: 'long' },
    number: { type: 'double' },
    boolean: { type: 'boolean' },
    timestamp: { type: 'date', format: 'epoch_millis' },
  };
  const properties: EsMapping['properties'] = {};
  for (const f of keyFields) properties[f.name] = byType[f.type];
  properties.windowStart = { type: 'date', format: 'epoch_millis' };
  properties.windowEnd = { type: 'date', format: 'epoch_millis' };
  for (const s of slots)
    properties[s.name] = s.ops.mapping.type === 'date' ? { type: 'date', format: 'epoch_millis' } : { ...s.ops.mapping };
  return { dynamic: 'strict', properties };
}

/** The values the aggregates read, as columns: one per field, by type. */
function windowInputFor(read: FieldSpec[]): WindowInput<CompiledEvent, unknown> {
  const codecs = read.map((f) => (f.type === 'integer' || f.type === 'number' || f.type === 'timestamp' ? numberColumn : dictionaryColumn));
  const values: ValueColumnCodec<SlotValue[]> = {
    builder(expected) {
      const builders = codecs.map((c) => c.builder(expected));
      return {
        push(v) {
          for (let i = 0; i < builders.length; i++) (builders[i] as ValueColumnBuilder<SlotValue>).push(v[i]);
        },
        finish() {
          const parts = builders.map((b) => b.finish());
          return {
            column: parts.map((p) => p.column),
            transfer: parts.flatMap((p) => p.transfer),
            bytes: parts.reduce((n, p) => n + p.bytes, 0),
          };
        },
      };
    },
    reader(column, n) {
      const readers = codecs.map((c, i) => c.reader((column as unknown[])[i], n));
      return (i) => readers.map((r) => r(i));
    },
  };
  return {
    project: (event) => event.v,
    rebuild: (k, t, v) => ({ k, t, v: v as SlotValue[] }),
    values: values as ValueColumnCodec<unknown>,
  };
}

/**
 * A job with several aggregations: each event's aggregation (a byte column) beside the values its
 * aggregates read (the values of every aggregation's fields: one parse, one projection).
 */
function multiWindowInputFor(read: FieldSpec[]): WindowInput<CompiledEvent, unknown> {
  const values = windowInputFor(read).values as ValueColumnCodec<SlotValue[]>;
  const events: ValueColumnCodec<CompiledEvent> = {
    builder(expected) {
      const aggregations = new Uint8Array(expected);
      const rest = values.builder(expected);
      let n = 0;
      return {
        push(event) {
          aggregations[n++] = event.a ?? 0;
          rest.push(event.v);
        },
        finish() {
          const used = n === aggregations.length ? aggregations : aggregations.slice(0, n);
          const part = rest.finish();
          return {
            column: [used, part.column],
            transfer: [used.buffer as ArrayBuffer, ...part.transfer],
            bytes: used.byteLength + part.bytes,
          };
        },
      };
    },
    reader(column, n) {
      const [aggregations, rest] = column as [Uint8Array, unknown];
      const read = values.reader(rest, n);
      return (i) => ({ k: '', t: 0, v: read(i), a: aggregations[i] as number });
    },
  };
  return {
    project: (event) => event,
    rebuild: (k, t, value) => {
      // The reader built this object for this event alone: completed in place.
      const event = value as CompiledEvent;
      event.k = k;
      event.t = t;
      return event;
    },
    values: events as ValueColumnCodec<unknown>,
  };
}

/** Strings and booleans (and absent values) by a per-step dictionary: each distinct value cloned once. */
const dictionaryColumn: ValueColumnCodec<SlotValue> = {
  builder(expected) {
    const dict: SlotValue[] = [];
    const index = new Map<SlotValue, number>();
    const codes = new Uint32Array(expected);
    let n = 0;
    return {
      push(value) {
        let code = index.get(value);
        if (code === undefined) {
          code = dict.length;
          dict.push(value);
          index.set(value, code);
        }
        codes[n++] = code;
      },
      finish(): EncodedValues {
        const used = codes.subarray(0, n);
        const packed = dict.length <= 0x100 ? Uint8Array.from(used) : dict.length <= 0x10000 ? Uint16Array.from(used) : used.slice();
        let bytes = packed.byteLength;
        for (const v of dict) bytes += typeof v === 'string' ? v.length * 2 : 8;
        return { column: { dict, codes: packed }, transfer: [packed.buffer as ArrayBuffer], bytes };
      },
    };
  },
  reader(column) {
    const { dict, codes } = column as { dict: SlotValue[]; codes: Uint8Array | Uint16Array | Uint32Array };
    return (i) => dict[codes[i] as number];
  },
};

/** Numbers in a transferred Float64Array; NaN stands for an absent value (JSON has no NaN). */
const numberColumn: ValueColumnCodec<SlotValue> = {
  builder(expected) {
    const values = new Float64Array(expected);
    let n = 0;
    return {
      push(value) {
        values[n++] = value === undefined ? Number.NaN : (value as number);
      },
      finish(): EncodedValues {
        const used = n === values.length ? values : values.slice(0, n);
        return { column: used, transfer: [used.buffer as ArrayBuffer], bytes: used.byteLength };
      },
    };
  },
  reader(column) {
    const values = column as Float64Array;
    return (i) => {
      const v = values[i] as number;
      return Number.isNaN(v) ? undefined : v;
    };
  },
};
