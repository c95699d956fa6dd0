/**
 * Job files: a job in YAML (or JSON, which YAML reads too), validated section by section with zod
 * schemas and cross-checked (a key field that exists, an aggregate over a field of the right type,
 * templates naming what a result has). Every problem is reported at once, each with its line and
 * column and the path of the field (`line 12, column 5: window.size: ...`): yaml's parseDocument
 * keeps each node's source range, and a path is looked up in the document to find it.
 *
 * The settings' schemas and limits are in job-file-schema.ts, the collecting, locating and
 * reporting of problems in job-file-problems.ts; this module parses and cross-checks.
 * The result is a normalized JobSpec (job-spec.ts); compile.ts turns it into a JobDefinition.
 * The format is described for users in docs/job-files.md and shown in examples/.
 */
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { invalidJob, locate, Problems, type Path } from './job-file-problems.js';
import {
  AGGREGATE_FIELD_TYPES,
  DEFAULT_STRING_BYTES,
  durationMs,
  IDENT,
  MAX_AGGREGATIONS,
  MAX_KEY_BYTES,
  RESERVED_NAMES,
  SCALAR_AGGREGATES,
  SECTIONS,
} from './job-file-schema.js';
import { windowSpecProblem, type WindowSpec } from '../streams/operators/window-assigners.js';
import {
  RESERVED_CODES,
  type AggregateSpec,
  type AggregationSpec,
  type FieldSpec,
  type FieldType,
  type FilterSpec,
  type JobSpec,
} from './job-spec.js';
import { parseTemplate, type Template } from './templates.js';

/** `userId` -> `USER_ID`, `eventType` -> `EVENT_TYPE`: the default codes' suffix. */
export function upperSnake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
}

/**
 * Parse and validate a job file's text. Throws JOB_INVALID listing every problem with its line,
 * column and path; `file` names the file in the message.
 */
export function parseJobFile(text: string, file: string): JobSpec {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => {
      const at = lineCounter.linePos(e.pos[0]);
      return {
        path: [],
        message: `not valid YAML or JSON: ${e.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`,
        line: at.line,
        column: at.col,
      };
    });
    throw invalidJob(file, problems);
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw invalidJob(file, [{ path: [], message: `cannot be read: ${(err as Error).message}` }]);
  }
  const problems = new Problems();
  const spec = validate(raw, problems);
  if (problems.list.length > 0 || !spec) {
    for (const p of problems.list) Object.assign(p, locate(doc, lineCounter, p.path));
    throw invalidJob(file, problems.list);
  }
  return spec;
}

/** The sections and their cross-references; a JobSpec only when there is no problem. */
function validate(raw: unknown, problems: Problems): JobSpec | undefined {
  const top = problems.section(SECTIONS.top, raw, [], 'a job file');
  if (!top) return undefined;
  const input = top.input === undefined ? undefined : problems.section(SECTIONS.input, top.input, ['input'], 'input');

  // Fields, in file order (the order they are validated in).
  const fields: FieldSpec[] = [];
  const byName = new Map<string, FieldSpec>();
  /** Every field named, valid or not: a reference to an invalid one is not a second problem. */
  const declared = new Set<string>();
  /** A reference to a field is checked only when the fields could be read at all. */
  const unknownField = (n: string) => input?.fields !== undefined && !declared.has(n);
  const fieldList = () => [...declared].join(', ');
  if (input?.fields) {
    const map = input.fields;
    const entries = Object.keys(map).map((k) => [k, map[k]] as const);
    for (const [n] of entries) declared.add(n);
    if (entries.length === 0) problems.add(['input', 'fields'], 'at least one field: what the job reads of each record');
    const paths = new Map<string, string>();
    for (const [fieldName, value] of entries) {
      const at: Path = ['input', 'fields', fieldName];
      if (!IDENT.test(fieldName) || RESERVED_NAMES.has(fieldName)) {
        problems.add(
          at,
          `"${fieldName}" is not a usable field name: letters, digits and _, not starting with a digit (name the JSON field with path: if it differs)`,
        );
        continue;
      }
      const f = problems.section(SECTIONS.field, value, at, `field ${fieldName}`);
      if (!f || f.type === undefined) continue;
      const spec = fieldSpec(fieldName, { ...f, type: f.type }, at, problems);
      const other = paths.get(spec.path);
      if (other) problems.add([...at, 'path'], `reads the JSON field "${spec.path}", as field ${other} does: read it once`);
      paths.set(spec.path, fieldName);
      fields.push(spec);
      byName.set(fieldName, spec);
    }
  }
  if (input?.eventTime !== undefined) {
    const f = byName.get(input.eventTime);
    if (!f) {
      if (unknownField(input.eventTime))
        problems.add(['input', 'eventTime'], `names no field: "${input.eventTime}" (fields: ${fieldList()})`);
    } else if (f.type !== 'timestamp') {
      problems.add(
        ['input', 'eventTime'],
        `field ${f.name} is of type ${f.type}; the event time must be a field of type timestamp (integer epoch milliseconds)`,
      );
    } else if (!f.required) {
      problems.add(['input', 'fields', f.name, 'required'], 'the event time field must be required');
    }
  }
  const filters = input?.filters ? filterSpecs(input.filters, problems) : [];

  const fieldsOf = { byName, unknownField, fieldList };
  let parts: AggregationParts | undefined;
  let aggregations: AggregationSpec[] | undefined;
  if (top.aggregations !== undefined) {
    for (const single of ['key', 'window', 'aggregates', 'outputs'] as const) {
      if (top[single] !== undefined)
        problems.add([single], `a job with aggregations: has its ${single} in each aggregation, not at the top level`);
    }
    aggregations = aggregationSpecs(top.aggregations, top.name ?? 'job', fieldsOf, problems);
    parts = aggregations?.[0];
  } else {
    for (const single of ['key', 'window', 'aggregates'] as const) {
      if (top[single] === undefined) problems.add([single], 'is required (or aggregations:, for several aggregations over one parse)');
    }
    parts = aggregationParts(top, [], fieldsOf, problems);
  }
  if (problems.list.length > 0 || !input || !parts || top.name === undefined || input.eventTime === undefined) return undefined;
  return {
    name: top.name,
    ...(top.description ? { description: top.description } : {}),
    input: {
      ...(input.topic ? { topic: input.topic } : {}),
      ...(input.groupId ? { groupId: input.groupId } : {}),
      ...(input.deadLetterTopic ? { deadLetterTopic: input.deadLetterTopic } : {}),
      ...(input.lateTopic ? { lateTopic: input.lateTopic } : {}),
      fields,
      eventTime: input.eventTime,
      ...(input.outOfOrderness === undefined ? {} : { outOfOrdernessMs: durationMs(input.outOfOrderness) }),
      ...(input.idleTimeout === undefined ? {} : { idleTimeoutMs: durationMs(input.idleTimeout) }),
      filters,
    },
    key: parts.key,
    window: parts.window,
    ...(parts.allowedLatenessMs === undefined ? {} : { allowedLatenessMs: parts.allowedLatenessMs }),
    aggregates: parts.aggregates,
    outputs: parts.outputs,
    ...(aggregations ? { aggregations } : {}),
  };
}

interface FieldsOf {
  byName: Map<string, FieldSpec>;
  /** True when `n` names no field (and the fields could be read at all). */
  unknownField(n: string): boolean;
  fieldList(): string;
}

type AggregationParts = Omit<AggregationSpec, 'name'>;

/** `aggregations:`: each a key, window, aggregates and outputs of its own; indexes and Redis prefixes apart. */
function aggregationSpecs(
  raw: Record<string, unknown>,
  jobName: string,
  fieldsOf: FieldsOf,
  problems: Problems,
): AggregationSpec[] | undefined {
  const names = Object.keys(raw);
  if (names.length === 0) problems.add(['aggregations'], 'at least one aggregation, each with key, window and aggregates');
  if (names.length > MAX_AGGREGATIONS) problems.add(['aggregations'], `at most ${MAX_AGGREGATIONS} aggregations, got ${names.length}`);
  const out: AggregationSpec[] = [];
  const indexes = new Map<string, string>();
  const prefixes = new Map<string, string>();
  for (const name of names) {
    const at: Path = ['aggregations', name];
    if (!IDENT.test(name) || RESERVED_NAMES.has(name)) {
      problems.add(at, `"${name}" is not a usable aggregation name: letters, digits and _, not starting with a digit`);
      continue;
    }
    const section = problems.section(SECTIONS.aggregation, raw[name], at, `aggregation ${name}`);
    if (!section) continue;
    const parts = aggregationParts(section, at, fieldsOf, problems, name);
    if (!parts) continue;
    const index = parts.outputs.elasticsearch?.index;
    if (index !== undefined) {
      const other = indexes.get(index);
      if (other)
        problems.add(
          [...at, 'outputs', 'elasticsearch', 'index'],
          `aggregation ${other} writes index ${index} too: each aggregation its own index`,
        );
      indexes.set(index, name);
    }
    if (parts.outputs.redis) {
      // Each aggregation's keys under a prefix of their own: two aggregations never write one key.
      const prefix = (parts.outputs.redis.prefix ??= `${jobName}:${name}:`);
      const other = [...prefixes].find(([p]) => p.startsWith(prefix) || prefix.startsWith(p));
      if (other)
        problems.add(
          [...at, 'outputs', 'redis', 'prefix'],
          `"${prefix}" and aggregation ${other[1]}'s "${other[0]}" overlap: each aggregation's Redis keys need a prefix of their own`,
        );
      prefixes.set(prefix, name);
    }
    out.push({ name, ...parts });
  }
  return problems.list.length > 0 ? undefined : out;
}

/** Key, window, aggregates and outputs: of the job, or of one of its aggregations (`at`). */
function aggregationParts(
  top: {
    key?: string | string[];
    window?: Record<string, unknown>;
    aggregates?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
  },
  at: Path,
  { byName, unknownField, fieldList }: FieldsOf,
  problems: Problems,
  aggregationName?: string,
): AggregationParts | undefined {
  // Key.
  const key = top.key === undefined ? [] : typeof top.key === 'string' ? [top.key] : top.key;
  const keyBytes = key.reduce((n, k) => n + (byName.get(k)?.maxBytes ?? 20), 0);
  key.forEach((k, i) => {
    const where: Path = typeof top.key === 'string' ? [...at, 'key'] : [...at, 'key', i];
    if (k === 'windowStart' || k === 'windowEnd' || (aggregationName !== undefined && k === 'aggregation'))
      problems.add(where, `a key field may not be called ${k}: results have a ${k} of their own`);
    const f = byName.get(k);
    if (!f) {
      if (unknownField(k)) problems.add(where, `names no field: "${k}" (fields: ${fieldList()})`);
      return;
    }
    if (key.indexOf(k) !== i) problems.add(where, `field ${k} is in the key twice`);
    if (f.type !== 'string' && f.type !== 'integer' && f.type !== 'boolean')
      problems.add(where, `field ${k} is of type ${f.type}; a key field is a string, integer or boolean`);
    if (!f.required)
      problems.add(
        ['input', 'fields', k, 'required'],
        `field ${k} is in the key: it must be required (a record without it is a dead letter)`,
      );
  });
  if (keyBytes > MAX_KEY_BYTES)
    problems.add(
      [...at, 'key'],
      `the key's strings may be ${keyBytes} bytes together (their maxBytes); at most ${MAX_KEY_BYTES}: lower maxBytes of the key fields`,
    );

  // Window.
  const window = top.window === undefined ? undefined : windowSpec(top.window, [...at, 'window'], problems);

  // Aggregates, in file order (the result document's order).
  const aggregates: AggregateSpec[] = [];
  const outputNames = new Set([...key, 'windowStart', 'windowEnd', ...(aggregationName === undefined ? [] : ['aggregation'])]);
  const aggregateMap = top.aggregates ?? {};
  const aggregateEntries = Object.keys(aggregateMap).map((k) => [k, aggregateMap[k]] as const);
  if (top.aggregates !== undefined && aggregateEntries.length === 0)
    problems.add([...at, 'aggregates'], 'at least one aggregate, e.g. count: { type: count }');
  for (const [aggName, value] of aggregateEntries) {
    const where: Path = [...at, 'aggregates', aggName];
    if (!IDENT.test(aggName) || RESERVED_NAMES.has(aggName)) {
      problems.add(where, `"${aggName}" is not a usable aggregate name: letters, digits and _, not starting with a digit`);
      continue;
    }
    if (outputNames.has(aggName))
      problems.add(
        where,
        `a result already has a field "${aggName}" (the key fields, windowStart, windowEnd, other aggregates): choose another name`,
      );
    outputNames.add(aggName);
    const a = problems.section(SECTIONS.aggregate, value, where, `aggregate ${aggName}`);
    if (!a || a.type === undefined) continue;
    const spec: AggregateSpec = { name: aggName, type: a.type };
    const readable = AGGREGATE_FIELD_TYPES[a.type];
    if (a.type === 'count') {
      if (a.field !== undefined) problems.add([...where, 'field'], 'count reads no field (it counts events)');
    } else if (a.field === undefined) {
      problems.add(where, `${a.type} reads a field: add field: <name>`);
    } else {
      spec.field = a.field;
      const f = byName.get(a.field);
      if (!f) {
        if (unknownField(a.field)) problems.add([...where, 'field'], `names no field: "${a.field}" (fields: ${fieldList()})`);
      } else if (!readable.includes(f.type)) {
        problems.add([...where, 'field'], `field ${f.name} is of type ${f.type}; ${a.type} reads ${readable.join(' or ')} fields`);
      }
    }
    if (a.type === 'topN') spec.n = a.n ?? 10;
    else if (a.n !== undefined) problems.add([...where, 'n'], 'only topN takes n');
    aggregates.push(spec);
  }

  const outputs = outputSpecs(top.outputs, [...at, 'outputs'], key, aggregates, problems);
  if (!window || !outputs) return undefined;
  return {
    key,
    window: window.spec,
    ...(window.allowedLatenessMs === undefined ? {} : { allowedLatenessMs: window.allowedLatenessMs }),
    aggregates,
    outputs,
  };
}

function fieldSpec(
  fieldName: string,
  f: Partial<z.infer<z.ZodObject<typeof SECTIONS.field>>> & { type: FieldType },
  at: Path,
  problems: Problems,
): FieldSpec {
  const only = (setting: keyof typeof f, types: FieldType[]) => {
    if (f[setting] !== undefined && !types.includes(f.type))
      problems.add([...at, setting], `${setting} applies to ${types.join(' and ')} fields, not ${f.type}`);
  };
  only('maxBytes', ['string']);
  only('pattern', ['string']);
  only('min', ['integer', 'number']);
  only('max', ['integer', 'number']);
  only('oneOf', ['string', 'integer', 'number']);
  if (f.min !== undefined && f.max !== undefined && f.min > f.max) problems.add([...at, 'min'], `min ${f.min} is above max ${f.max}`);
  if (f.oneOf) {
    f.oneOf.forEach((v, i) => {
      const fits = f.type === 'string' ? typeof v === 'string' : f.type === 'integer' ? Number.isSafeInteger(v) : typeof v === 'number';
      if (!fits) problems.add([...at, 'oneOf', i], `${JSON.stringify(v)} is not a value of a ${f.type} field`);
    });
  }
  if (f.pattern !== undefined) {
    try {
      new RegExp(f.pattern, 'u');
    } catch (err) {
      problems.add([...at, 'pattern'], `not a regular expression: ${(err as Error).message}`);
    }
  }
  const path = f.path ?? fieldName;
  if (!path.isWellFormed()) problems.add([...at, 'path'], 'is not well-formed Unicode');
  const suffix = upperSnake(fieldName) || 'FIELD';
  const spec: FieldSpec = {
    name: fieldName,
    path,
    type: f.type,
    required: f.required ?? true,
    ...(f.type === 'string' ? { maxBytes: f.maxBytes ?? DEFAULT_STRING_BYTES } : {}),
    ...(f.min === undefined ? {} : { min: f.min }),
    ...(f.max === undefined ? {} : { max: f.max }),
    ...(f.oneOf ? { oneOf: f.oneOf } : {}),
    ...(f.pattern ? { pattern: f.pattern } : {}),
    missingCode: f.missingCode ?? `MISSING_${suffix}`,
    invalidCode: f.invalidCode ?? `BAD_${suffix}`,
  };
  for (const which of ['missingCode', 'invalidCode'] as const) {
    if (RESERVED_CODES.includes(spec[which])) problems.add([...at, which], `${spec[which]} is the engine's own code; choose another`);
  }
  return spec;
}

function filterSpecs(raw: unknown[], problems: Problems): FilterSpec[] {
  const out: FilterSpec[] = [];
  raw.forEach((value, i) => {
    const at: Path = ['input', 'filters', i];
    const f = problems.section(SECTIONS.filter, value, at, 'a filter');
    if (!f || f.field === undefined) return;
    const field = f.field;
    const has = (k: string) => Object.hasOwn(value as object, k);
    const tests = ['equals', 'in', 'exists'].filter(has);
    if (tests.length !== 1) {
      problems.add(
        at,
        `a filter has exactly one test: equals, in or exists (this one has ${tests.length === 0 ? 'none' : tests.join(' and ')})`,
      );
      return;
    }
    if (has('equals')) out.push({ field, equals: f.equals ?? null });
    else if (has('in')) out.push({ field, in: f.in ?? [] });
    else out.push({ field, exists: f.exists ?? true });
  });
  return out;
}

function windowSpec(
  raw: Record<string, unknown>,
  at: Path,
  problems: Problems,
): { spec: WindowSpec; allowedLatenessMs?: number } | undefined {
  const type = raw.type;
  let spec: WindowSpec | undefined;
  let lateness: number | string | undefined;
  if (type === 'tumbling') {
    const w = problems.section(SECTIONS.tumbling, raw, at, 'window');
    if (w?.size !== undefined) spec = { type, sizeMs: durationMs(w.size) };
    lateness = w?.allowedLateness;
  } else if (type === 'sliding') {
    const w = problems.section(SECTIONS.sliding, raw, at, 'window');
    if (w?.size !== undefined && w.slide !== undefined) spec = { type, sizeMs: durationMs(w.size), slideMs: durationMs(w.slide) };
    lateness = w?.allowedLateness;
  } else if (type === 'session') {
    const w = problems.section(SECTIONS.session, raw, at, 'window');
    if (w?.gap !== undefined) spec = { type, gapMs: durationMs(w.gap) };
    lateness = w?.allowedLateness;
  } else {
    problems.add(
      [...at, 'type'],
      type === undefined
        ? 'is required: tumbling, sliding or session'
        : `${JSON.stringify(type)} is not a window type: tumbling, sliding or session`,
    );
    return undefined;
  }
  if (!spec) return undefined;
  const problem = windowSpecProblem(spec);
  if (problem) {
    problems.add([...at, spec.type === 'session' ? 'gap' : 'size'], problem);
    return undefined;
  }
  return { spec, ...(lateness === undefined ? {} : { allowedLatenessMs: durationMs(lateness) }) };
}

function outputSpecs(
  raw: Record<string, unknown> | undefined,
  at: Path,
  key: string[],
  aggregates: AggregateSpec[],
  problems: Problems,
): JobSpec['outputs'] | undefined {
  if (raw === undefined) return { stdout: true };
  const o = problems.section(SECTIONS.outputs, raw, at, 'outputs');
  if (!o) return undefined;
  const idNames = new Set([...key, 'windowStart', 'windowEnd']);
  const scalars = new Set([...idNames, ...aggregates.filter((a) => SCALAR_AGGREGATES.has(a.type)).map((a) => a.name)]);
  const defaultId = `${key.map((k) => `{${k}}`).join(':')}:{windowStart}`;
  /** A template naming only what it may name; an id also needs every key field and the window start. */
  const template = (source: string, at: Path, allowed: Set<string>, isId: boolean): Template | undefined => {
    let t: Template;
    try {
      t = parseTemplate(source);
    } catch (err) {
      problems.add(at, (err as Error).message);
      return undefined;
    }
    for (const n of t.names) {
      if (!allowed.has(n)) {
        problems.add(at, `{${n}} is not something a result has here (allowed: ${[...allowed].map((a) => `{${a}}`).join(', ')})`);
        return undefined;
      }
    }
    if (isId) {
      const missing = [...key, 'windowStart'].filter((n) => !t.names.includes(n));
      if (missing.length > 0)
        problems.add(
          at,
          `must name ${missing.map((m) => `{${m}}`).join(' and ')}: two results with the same id would overwrite each other`,
        );
    }
    return t;
  };
  const out: JobSpec['outputs'] = { stdout: o.stdout ?? false };
  if (o.elasticsearch) {
    const es = problems.section(SECTIONS.elasticsearch, o.elasticsearch, [...at, 'elasticsearch'], 'elasticsearch');
    if (es) {
      const id = es.id ?? defaultId;
      template(id, [...at, 'elasticsearch', es.id === undefined ? 'index' : 'id'], idNames, true);
      out.elasticsearch = { index: es.index, id };
    }
  }
  if (o.redis) {
    const r = problems.section(SECTIONS.redis, o.redis, [...at, 'redis'], 'redis');
    if (r) {
      const keyTemplate = r.key ?? defaultId;
      template(keyTemplate, [...at, 'redis', 'key'], idNames, true);
      if (r.value !== undefined) template(r.value, [...at, 'redis', 'value'], scalars, false);
      const ttlMs = r.ttl === undefined ? undefined : durationMs(r.ttl);
      if (ttlMs !== undefined && (ttlMs < 1000 || ttlMs % 1000 !== 0))
        problems.add([...at, 'redis', 'ttl'], 'a whole number of seconds, at least 1s (Redis EX)');
      out.redis = {
        ...(r.prefix === undefined ? {} : { prefix: r.prefix }),
        key: keyTemplate,
        ...(r.value === undefined ? {} : { value: r.value }),
        ...(ttlMs === undefined ? {} : { ttlSeconds: ttlMs / 1000 }),
      };
    }
  }
  if (!out.elasticsearch && !out.redis && o.stdout === undefined) out.stdout = true;
  return out;
}
