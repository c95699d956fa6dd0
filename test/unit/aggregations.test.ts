/**
 * Jobs with several aggregations over one parse (job files' `aggregations:`).
 *
 * 1. Job files: a valid one parses to the JobSpec it says (the top level mirroring the first
 *    aggregation); invalid ones are reported with the path and line of each problem.
 * 2. The core promise, as properties: a job with several aggregations (tumbling, sliding and
 *    session windows, different keys, lateness and aggregates) writes exactly the union of what
 *    each aggregation, compiled as a job of its own over the same input, writes: result by result
 *    (document without its `aggregation` field, id, Redis key, version), each key's in order, and
 *    each aggregation's late events (the dead letters once). A: the WindowPipeline with the
 *    single-threaded stage and with 1, 2 and 4 worker threads, random batching and interleaving.
 *    B: the whole runtime (test/helpers/runtime-driver.ts) crashing after a checkpoint and
 *    restoring from it.
 * 3. Descriptors of multi jobs (what restores, what is refused and why) and the savepoint codec.
 * 4. applyEnvironment for multi jobs.
 */
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { WorkerKeyedStage } from '../../src/actors/worker-stage.js';
import { loadConfig } from '../../src/config.js';
import { ErrorCode, SluiceError } from '../../src/errors.js';
import { compileJob, type CompiledAccumulator, type CompiledEvent, type CompiledResult } from '../../src/job/compile.js';
import { compareDescriptors, descriptorProblem, jobDescriptor } from '../../src/job/definition.js';
import { parseJobFile } from '../../src/job/job-file.js';
import type { JobDefinition, JobSource } from '../../src/job/job.js';
import type { JobSpec } from '../../src/job/job-spec.js';
import { applyEnvironment } from '../../src/job/registry.js';
import type { KeyedStage, ResultsCallback } from '../../src/streams/operators/keyed-stage.js';
import { LocalKeyedStage } from '../../src/streams/operators/local-stage.js';
import { assignerFor, type WindowSpec } from '../../src/streams/operators/window-assigners.js';
import { InMemoryWindowStore } from '../../src/streams/operators/windows.js';
import { WindowPipeline } from '../../src/streams/runtime/pipeline.js';
import type { DeadLetter, DeadLetterSink, ResultSink } from '../../src/streams/sinks/sink.js';
import type { SourceBatch } from '../../src/streams/sources/source.js';
import { silentLogger } from '../../src/telemetry/logging.js';
import { ManualTime } from '../helpers/manual-time.js';
import { MemoryBroker, MemoryResults, RuntimeDriver } from '../helpers/runtime-driver.js';
import { assertWrittenBeforeCrash, jobFileProblems } from '../helpers/restore-checks.js';

type Job = JobDefinition<CompiledEvent, CompiledAccumulator, CompiledResult>;

const problems = jobFileProblems;

const INPUT = `name: shop
input:
  fields:
    user: { type: string, maxBytes: 64 }
    page: { type: string, maxBytes: 64 }
    amount: { type: integer, min: 0 }
    at: { type: timestamp }
  eventTime: at
  outOfOrderness: 2s
`;

const THREE = `${INPUT}aggregations:
  perUser:
    key: user
    window: { type: tumbling, size: 1m, allowedLateness: 30s }
    aggregates:
      orders: { type: count }
      revenue: { type: sum, field: amount }
    outputs:
      elasticsearch: { index: per-user }
      redis: { ttl: 1h }
  perPage:
    key: [page, user]
    window: { type: sliding, size: 2m, slide: 1m }
    aggregates:
      users: { type: countDistinct, field: user }
    outputs:
      elasticsearch: { index: per-page, id: "{page}/{user}/{windowStart}" }
      redis: { prefix: "pages:", key: "{page}:{user}:{windowStart}", value: "{users}" }
  sessions:
    key: user
    window: { type: session, gap: 30s }
    aggregates:
      top: { type: topN, field: page, n: 3 }
`;

/** A file with aggregations `a` (key user) and `b` (key page) and what `extra` adds to `b` (indented 4). */
const two = (a: string, b: string) =>
  `${INPUT}aggregations:
  a:
    key: user
    window: { type: tumbling, size: 1m }
    aggregates: { n: { type: count } }
${a}  b:
    key: page
    window: { type: tumbling, size: 1m }
    aggregates:
      n: { type: count }
${b}`;

describe('job files with aggregations:', () => {
  test('three aggregations parse to their JobSpec; the top level mirrors the first', () => {
    const spec = parseJobFile(THREE, 'shop.yaml');
    const perUser = {
      name: 'perUser',
      key: ['user'],
      window: { type: 'tumbling', sizeMs: 60_000 },
      allowedLatenessMs: 30_000,
      aggregates: [
        { name: 'orders', type: 'count' },
        { name: 'revenue', type: 'sum', field: 'amount' },
      ],
      outputs: {
        stdout: false,
        elasticsearch: { index: 'per-user', id: '{user}:{windowStart}' },
        // The default prefix: the job's name and the aggregation's.
        redis: { prefix: 'shop:perUser:', key: '{user}:{windowStart}', ttlSeconds: 3600 },
      },
    };
    assert.deepEqual(spec.aggregations, [
      perUser,
      {
        name: 'perPage',
        key: ['page', 'user'],
        window: { type: 'sliding', sizeMs: 120_000, slideMs: 60_000 },
        aggregates: [{ name: 'users', type: 'countDistinct', field: 'user' }],
        outputs: {
          stdout: false,
          elasticsearch: { index: 'per-page', id: '{page}/{user}/{windowStart}' },
          redis: { prefix: 'pages:', key: '{page}:{user}:{windowStart}', value: '{users}' },
        },
      },
      {
        name: 'sessions',
        key: ['user'],
        window: { type: 'session', gapMs: 30_000 },
        aggregates: [{ name: 'top', type: 'topN', field: 'page', n: 3 }],
        outputs: { stdout: true },
      },
    ]);
    assert.deepEqual(
      { key: spec.key, window: spec.window, allowedLatenessMs: spec.allowedLatenessMs, aggregates: spec.aggregates, outputs: spec.outputs },
      { key: perUser.key, window: perUser.window, allowedLatenessMs: 30_000, aggregates: perUser.aggregates, outputs: perUser.outputs },
    );
    assert.deepEqual(
      spec.input.fields.map((f) => f.name),
      ['user', 'page', 'amount', 'at'],
    );
    assert.equal(spec.input.outOfOrdernessMs, 2000);

    // Compiled: one parse gives every aggregation's key; each aggregation its windows, lateness and targets.
    const job = compileJob(spec);
    const parsed = job.parse(Buffer.from(JSON.stringify({ user: 'u1', page: '/a', amount: 5, at: 1_700_000_000_000 })), 1_700_000_000_000);
    assert.deepEqual(parsed, {
      ok: true,
      event: { k: '', t: 1_700_000_000_000, v: [5, 'u1', '/a'], ks: ['u1', '["/a","u1"]', 'u1'] },
    });
    assert.deepEqual(
      job.aggregations?.map((a) => [a.name, a.window, a.allowedLatenessMs, a.targets, a.results.outputs]),
      [
        [
          'perUser',
          { type: 'tumbling', sizeMs: 60_000 },
          30_000,
          { elasticsearchIndex: 'per-user', redisKeyPrefix: 'shop:perUser:', redisTtlSeconds: 3600 },
          { elasticsearch: true, redis: true, stdout: false },
        ],
        [
          'perPage',
          { type: 'sliding', sizeMs: 120_000, slideMs: 60_000 },
          0,
          { elasticsearchIndex: 'per-page', redisKeyPrefix: 'pages:' },
          { elasticsearch: true, redis: true, stdout: false },
        ],
        ['sessions', { type: 'session', gapMs: 30_000 }, 0, {}, { elasticsearch: false, redis: false, stdout: true }],
      ],
    );
    assert.deepEqual(job.window, perUser.window);
  });

  test('a problem inside an aggregation is named by its path and line', () => {
    assert.deepEqual(problems(THREE.replace('{ type: tumbling, size: 1m, allowedLateness: 30s }', '{ type: tumbling, size: 0 }')), [
      {
        line: 13,
        path: 'aggregations.perUser.window.size',
        message: 'the size must be a positive whole number of milliseconds',
      },
    ]);
    assert.deepEqual(problems(THREE.replace('{ type: session, gap: 30s }', '{ type: session, gap: 30s, slide: 1m }')), [
      {
        line: 30,
        path: 'aggregations.sessions.window.slide',
        message: 'unknown setting "slide" (allowed here: type, gap, allowedLateness)',
      },
    ]);
  });

  test('a top-level key, window, aggregates or outputs beside aggregations: is refused', () => {
    assert.deepEqual(problems(`${INPUT}key: user\n${THREE.slice(INPUT.length)}`), [
      { line: 10, path: 'key', message: 'a job with aggregations: has its key in each aggregation, not at the top level' },
    ]);
    const p = problems(
      `${INPUT}window: { type: tumbling, size: 1m }\naggregates: { n: { type: count } }\noutputs: { stdout: true }\n${THREE.slice(INPUT.length)}`,
    );
    assert.deepEqual(
      p.map((x) => [x.line, x.path, x.message]),
      [
        [10, 'window', 'a job with aggregations: has its window in each aggregation, not at the top level'],
        [11, 'aggregates', 'a job with aggregations: has its aggregates in each aggregation, not at the top level'],
        [12, 'outputs', 'a job with aggregations: has its outputs in each aggregation, not at the top level'],
      ],
    );
  });

  test('an aggregation without its key, or with an aggregate over an unknown field', () => {
    assert.deepEqual(problems(two('', '').replace('    key: page\n', '')), [
      { line: 15, path: 'aggregations.b.key', message: 'is required' },
    ]);
    assert.deepEqual(problems(two('', '      total: { type: sum, field: price }\n')), [
      {
        line: 20,
        path: 'aggregations.b.aggregates.total.field',
        message: 'names no field: "price" (fields: user, page, amount, at)',
      },
    ]);
  });

  test('two aggregations writing one index, or Redis prefixes one of which starts the other, are refused', () => {
    assert.deepEqual(
      problems(two('    outputs: { elasticsearch: { index: shared } }\n', '    outputs: { elasticsearch: { index: shared } }\n')),
      [
        {
          line: 21,
          path: 'aggregations.b.outputs.elasticsearch.index',
          message: 'aggregation a writes index shared too: each aggregation its own index',
        },
      ],
    );
    assert.deepEqual(problems(two('    outputs: { redis: { prefix: "shop:" } }\n', '    outputs: { redis: { prefix: "shop:b:" } }\n')), [
      {
        line: 21,
        path: 'aggregations.b.outputs.redis.prefix',
        message: `"shop:b:" and aggregation a's "shop:" overlap: each aggregation's Redis keys need a prefix of their own`,
      },
    ]);
    // a's default prefix (shop:a:) starts with b's.
    assert.deepEqual(problems(two('    outputs: { redis: {} }\n', '    outputs: { redis: { prefix: "shop:a" } }\n')), [
      {
        line: 21,
        path: 'aggregations.b.outputs.redis.prefix',
        message: `"shop:a" and aggregation a's "shop:a:" overlap: each aggregation's Redis keys need a prefix of their own`,
      },
    ]);
    // Apart: valid, each under its own.
    const spec = parseJobFile(
      two('    outputs: { redis: {}, elasticsearch: { index: a } }\n', '    outputs: { redis: {}, elasticsearch: { index: b } }\n'),
      'x.yaml',
    );
    assert.deepEqual(
      spec.aggregations?.map((a) => [a.outputs.redis?.prefix, a.outputs.elasticsearch?.index]),
      [
        ['shop:a:', 'a'],
        ['shop:b:', 'b'],
      ],
    );
  });

  test('an empty aggregations map, too many, a key field or aggregate named aggregation, a bad aggregation name', () => {
    assert.deepEqual(problems(`${INPUT}aggregations: {}\n`), [
      { line: 10, path: 'aggregations', message: 'at least one aggregation, each with key, window and aggregates' },
    ]);
    const seventeen = Array.from(
      { length: 17 },
      (_, i) => `  a${i}:\n    key: user\n    window: { type: tumbling, size: 1m }\n    aggregates: { n: { type: count } }\n`,
    ).join('');
    assert.deepEqual(problems(`${INPUT}aggregations:\n${seventeen}`), [
      { line: 10, path: 'aggregations', message: 'at most 16 aggregations, got 17' },
    ]);
    const withAggregationField = INPUT.replace(
      '    at: { type: timestamp }',
      '    aggregation: { type: string }\n    at: { type: timestamp }',
    );
    assert.deepEqual(
      problems(
        `${withAggregationField}aggregations:\n  a:\n    key: [user, aggregation]\n    window: { type: tumbling, size: 1m }\n    aggregates: { n: { type: count } }\n`,
      ),
      [
        {
          line: 13,
          path: 'aggregations.a.key[1]',
          message: 'a key field may not be called aggregation: results have a aggregation of their own',
        },
      ],
    );
    assert.deepEqual(
      problems(
        `${INPUT}aggregations:\n  a:\n    key: user\n    window: { type: tumbling, size: 1m }\n    aggregates: { aggregation: { type: count } }\n`,
      ),
      [
        {
          line: 14,
          path: 'aggregations.a.aggregates.aggregation',
          message:
            'a result already has a field "aggregation" (the key fields, windowStart, windowEnd, other aggregates): choose another name',
        },
      ],
    );
    assert.deepEqual(
      problems(
        `${INPUT}aggregations:\n  9lives:\n    key: user\n    window: { type: tumbling, size: 1m }\n    aggregates: { n: { type: count } }\n`,
      ),
      [
        {
          line: 11,
          path: 'aggregations.9lives',
          message: '"9lives" is not a usable aggregation name: letters, digits and _, not starting with a digit',
        },
      ],
    );
    // Without aggregations:, the single-aggregation sections are required as before.
    assert.deepEqual(
      problems(INPUT).map((p) => p.path),
      ['key', 'window', 'aggregates'],
    );
  });
});

// ---------------------------------------------------------------------------------------------
// 2. Several aggregations = the union of each one as a job of its own

const BASE = Date.UTC(2026, 10, 25, 8, 0, 0);
const NOW = BASE + 3_600_000;
const PARTITIONS = [0, 1, 2];
const USERS = ['u0', 'u1', 'u2', '__proto__', 'ü-straße'];
const KINDS = ['a', 'b', 'c', '__proto__'];
const TRAILING_USER = 'zz-trailing';

type WindowParams =
  | { type: 'tumbling'; sizeMs: number }
  | { type: 'sliding'; sizeMs: number; slideMs: number }
  | { type: 'session'; gapMs: number };
type KeyChoice = 'user' | 'kind' | 'pair';
interface AggParams {
  window: WindowParams;
  allowedLatenessMs: number;
  key: KeyChoice;
}
interface Params {
  outOfOrdernessMs: number;
  /** One per entry of AGGREGATIONS, in order. */
  aggregations: AggParams[];
}

/** The aggregations under test: names (mixed case: index names are lowercased), aggregates, outputs. */
const AGGREGATIONS = [
  {
    name: 'alpha',
    aggregates: ['events: { type: count }', 'total: { type: sum, field: seq }', 'byKind: { type: countBy, field: kind }'],
    outputs: ['elasticsearch: { index: multi-alpha }', 'redis: { ttl: 1h }'],
  },
  {
    name: 'Beta',
    aggregates: ['lo: { type: min, field: seq }', 'hi: { type: max, field: seq }', 'users: { type: countDistinct, field: user }'],
    outputs: ['elasticsearch: { index: multi-beta, id: "b/{windowStart}/{KEY}" }', 'redis: { prefix: "beta:", value: "{hi}" }'],
  },
  {
    name: 'gamma_3',
    aggregates: ['n: { type: count }', 'mean: { type: avg, field: seq }', 'top: { type: topN, field: kind, n: 2 }'],
    outputs: ['stdout: true'],
  },
] as const;

const KEY_FIELDS: Record<KeyChoice, string[]> = { user: ['user'], kind: ['kind'], pair: ['user', 'kind'] };

const windowYaml = (w: WindowParams, lateness: number) =>
  w.type === 'tumbling'
    ? `{ type: tumbling, size: ${w.sizeMs}, allowedLateness: ${lateness} }`
    : w.type === 'sliding'
      ? `{ type: sliding, size: ${w.sizeMs}, slide: ${w.slideMs}, allowedLateness: ${lateness} }`
      : `{ type: session, gap: ${w.gapMs}, allowedLateness: ${lateness} }`;

function inputYaml(name: string, params: Params): string[] {
  return [
    `name: ${name}`,
    'input:',
    '  deadLetterTopic: dlq',
    '  lateTopic: late',
    '  fields:',
    '    user: { type: string, maxBytes: 64 }',
    '    seq: { type: integer }',
    '    kind: { type: string, maxBytes: 16 }',
    '    ts: { type: timestamp, missingCode: NO_TIME }',
    '  eventTime: ts',
    `  outOfOrderness: ${params.outOfOrdernessMs}`,
    '  idleTimeout: 0',
    '  filters:',
    `    - { field: kind, in: [${KINDS.map((k) => JSON.stringify(k)).join(', ')}] }`,
  ];
}

/** Aggregation `i`'s key, window, aggregates and outputs, indented by `indent`. */
function partYaml(i: number, params: Params, indent: string): string[] {
  const def = AGGREGATIONS[i] as (typeof AGGREGATIONS)[number];
  const p = params.aggregations[i] as AggParams;
  const key = KEY_FIELDS[p.key];
  const keyTemplate = key.map((k) => `{${k}}`).join('|');
  return [
    `key: [${key.join(', ')}]`,
    `window: ${windowYaml(p.window, p.allowedLatenessMs)}`,
    'aggregates:',
    ...def.aggregates.map((a) => `  ${a}`),
    'outputs:',
    ...def.outputs.map((o) => `  ${o.replace('{KEY}', keyTemplate)}`),
  ].map((l) => `${indent}${l}`);
}

const multiYaml = (params: Params) =>
  [
    ...inputYaml('multi', params),
    'aggregations:',
    ...AGGREGATIONS.flatMap((a, i) => [`  ${a.name}:`, ...partYaml(i, params, '    ')]),
  ].join('\n');

/** Aggregation `i` as a job of its own over the same input. */
const singleYaml = (params: Params, i: number) => [...inputYaml(`single-${i}`, params), ...partYaml(i, params, '')].join('\n');

interface Compiled {
  spec: JobSpec;
  job: Job;
  source: JobSource;
}

function compileYaml(yaml: string, file: string): Compiled {
  const spec = parseJobFile(yaml, file);
  const source: JobSource = { kind: 'file', path: `/nonexistent/${file}`, spec };
  return { spec, job: compileJob(spec, { source }), source };
}

// Streams: as in windows-property.test.ts (unique seq per record; event times from a per-partition clock).
type BadHow = 'json' | 'no-user' | 'bad-seq';
type GenRecord =
  | { type: 'event'; user: string; kind: string; step: number; jitter: number }
  | { type: 'filtered'; step: number }
  | { type: 'bad'; how: BadHow };

interface Produced {
  offset: number;
  value: Buffer;
  ts: number;
}
interface Batch {
  partition: number;
  records: Produced[];
}

const grainArb = fc.constantFrom(1, 250, 1000, 1000);
const snap = (ms: number, grain: number, min = 0) => Math.max(min, Math.round(ms / grain) * grain);

const windowArb: fc.Arbitrary<WindowParams> = fc.oneof(
  fc.noBias(fc.integer({ min: 100, max: 4000 })).map((sizeMs) => ({ type: 'tumbling' as const, sizeMs })),
  fc
    .record({ slideMs: fc.noBias(fc.integer({ min: 100, max: 2000 })), factor: fc.integer({ min: 1, max: 3 }), extra: fc.nat(1999) })
    .map(({ slideMs, factor, extra }) => ({ type: 'sliding' as const, slideMs, sizeMs: slideMs * factor + (extra % slideMs) })),
  fc.noBias(fc.integer({ min: 100, max: 4000 })).map((gapMs) => ({ type: 'session' as const, gapMs })),
);
const aggParamsArb: fc.Arbitrary<AggParams> = fc.record({
  window: windowArb,
  allowedLatenessMs: fc.oneof(fc.constant(0), fc.noBias(fc.integer({ min: 1, max: 12_000 }))),
  key: fc.constantFrom<KeyChoice>('user', 'kind', 'pair', 'user'),
});
const paramsArb: fc.Arbitrary<Params> = fc.record({
  outOfOrdernessMs: fc.noBias(fc.integer({ min: 0, max: 3000 })),
  aggregations: fc.array(aggParamsArb, { minLength: AGGREGATIONS.length, maxLength: AGGREGATIONS.length }),
});

function paramsOnGrid(params: Params, grain: number): Params {
  const onGrid = (w: WindowParams): WindowParams => {
    if (w.type === 'session') return { type: 'session', gapMs: snap(w.gapMs, grain, grain) };
    if (w.type === 'tumbling') return { type: 'tumbling', sizeMs: snap(w.sizeMs, grain, grain) };
    const slideMs = snap(w.slideMs, grain, grain);
    return { type: 'sliding', slideMs, sizeMs: Math.max(slideMs, snap(w.sizeMs, grain)) };
  };
  return {
    outOfOrdernessMs: snap(params.outOfOrdernessMs, grain),
    aggregations: params.aggregations.map((a) => ({ ...a, window: onGrid(a.window), allowedLatenessMs: snap(a.allowedLatenessMs, grain) })),
  };
}

const recordArb: fc.Arbitrary<GenRecord> = fc.oneof(
  {
    weight: 24,
    arbitrary: fc.record({
      type: fc.constant('event' as const),
      user: fc.oneof({ weight: 5, arbitrary: fc.constantFrom('u0', 'u1', 'u2') }, { weight: 1, arbitrary: fc.constantFrom(...USERS) }),
      kind: fc.constantFrom(...KINDS),
      step: fc.oneof(
        { weight: 4, arbitrary: fc.noBias(fc.integer({ min: 0, max: 1500 })) },
        { weight: 1, arbitrary: fc.noBias(fc.nat(8000)) },
      ),
      jitter: fc.oneof(
        { weight: 2, arbitrary: fc.constant(0) },
        { weight: 2, arbitrary: fc.noBias(fc.integer({ min: 0, max: 8000 })) },
        { weight: 1, arbitrary: fc.noBias(fc.integer({ min: 0, max: 40_000 })) },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('filtered' as const), step: fc.integer({ min: 0, max: 1500 }) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('bad' as const), how: fc.constantFrom<BadHow>('json', 'no-user', 'bad-seq') }) },
);

function recordsOnGrid(records: readonly GenRecord[], grain: number): GenRecord[] {
  return records.map((r) => {
    if (r.type === 'bad') return r;
    if (r.type === 'filtered') return { ...r, step: snap(r.step, grain) };
    return { ...r, step: snap(r.step, grain), jitter: snap(r.jitter, grain) };
  });
}

function partitionRecords(partition: number, gen: readonly GenRecord[], firstOffset = 0, clock = { t: BASE }): Produced[] {
  return gen.map((g, i): Produced => {
    const offset = firstOffset + i;
    const seq = partition * 100_000 + offset + 1;
    if (g.type === 'bad') {
      const values: Record<BadHow, string> = {
        json: '{"user":"u1","seq":',
        'no-user': JSON.stringify({ seq, kind: 'a', ts: clock.t }),
        'bad-seq': JSON.stringify({ user: 'u1', seq: `s${seq}`, kind: 'a', ts: clock.t }),
      };
      return { offset, value: Buffer.from(values[g.how]), ts: BASE };
    }
    clock.t += g.step;
    if (g.type === 'filtered')
      return { offset, value: Buffer.from(JSON.stringify({ user: 'u0', seq, kind: 'skip', ts: clock.t })), ts: clock.t };
    const ts = Math.max(BASE, clock.t - g.jitter);
    return { offset, value: Buffer.from(JSON.stringify({ user: g.user, seq, kind: g.kind, ts })), ts };
  });
}

function chunks(partition: number, records: readonly Produced[], sizes: readonly number[]): Batch[] {
  const out: Batch[] = [];
  for (let i = 0, b = 0; i < records.length; b++) {
    const size = sizes[b % sizes.length] as number;
    out.push({ partition, records: records.slice(i, i + size) });
    i += size;
  }
  return out;
}

const toSourceBatch = (b: Batch): SourceBatch => ({
  topic: 'multi-in',
  partition: b.partition,
  records: b.records.map((r) => ({ offset: String(r.offset), value: r.value, key: null, timestamp: String(NOW) })),
});

const letterId = (l: DeadLetter) => `${l.topic}/${l.code}/${l.source.partition}/${l.source.offset}`;

/**
 * What a job wrote, comparable between the multi job and the single ones: results as
 * `aggregation|key` -> lines in the order written (the aggregation's name, id, Redis key, version
 * and document without its `aggregation` field), dead letters in order, late letters by aggregation.
 */
interface Written {
  results: Map<string, string[]>;
  /** Results in the order written: [aggregation|key, line]. */
  sequence: Array<[string, string]>;
  dlq: string[];
  late: Map<string, string[]>;
}

const emptyWritten = (): Written => ({ results: new Map(), sequence: [], dlq: [], late: new Map() });

/** `aggregation`: the name of a single job's aggregation (a multi job's results and letters name theirs). */
function lineOf(job: Job, r: CompiledResult, aggregation?: string): [string, string] {
  let name = aggregation;
  let doc = r.doc;
  let redisValue = job.redisValue?.(r);
  if (aggregation === undefined) {
    const a = job.aggregationOf?.result(r) ?? -1;
    const { aggregation: named, ...rest } = r.doc;
    name = `${a}:${String(named)}`;
    doc = rest;
    // The default Redis value is the document: a multi job's names its aggregation.
    if (redisValue === JSON.stringify(r.doc)) redisValue = JSON.stringify(rest);
    // The aggregation's own result functions agree with the job's.
    const own = job.aggregations?.[a]?.results;
    if (own?.resultId?.(r) !== job.resultId?.(r) || own?.redisKey?.(r) !== job.redisKey?.(r))
      name += ' (its own result functions disagree)';
  }
  return [`${name}|${r.key}`, `${job.resultId?.(r)} ${job.redisKey?.(r)} ${redisValue} ${job.resultVersion?.(r)} ${JSON.stringify(doc)}`];
}

function record(into: Written, [where, line]: [string, string]): void {
  into.sequence.push([where, line]);
  into.results.set(where, [...(into.results.get(where) ?? []), line]);
}

function recordLetter(into: Written, l: DeadLetter, aggregation?: string): void {
  if (l.topic !== 'late') {
    into.dlq.push(`${letterId(l)} ${l.message}`);
    return;
  }
  let name = aggregation;
  let message = l.message;
  if (name === undefined) {
    const m = / of aggregation (\w+)$/.exec(l.message);
    name = m?.[1] ?? '(none named)';
    if (m) message = l.message.slice(0, m.index);
  }
  into.late.set(name, [...(into.late.get(name) ?? []), `${letterId(l)} ${message}`]);
}

class Collect implements ResultSink<CompiledResult>, DeadLetterSink {
  readonly name = 'collect';
  readonly written = emptyWritten();
  constructor(
    private readonly job: Job,
    private readonly aggregation?: string,
  ) {}
  async start() {}
  async write(results: readonly CompiledResult[]) {
    for (const r of results) record(this.written, lineOf(this.job, r, this.aggregation));
  }
  async send(letters: readonly DeadLetter[]) {
    for (const l of letters) recordLetter(this.written, l, this.aggregation);
  }
  async flush() {}
  async close() {}
}

/** The pipeline's windows settings for a compiled job (a multi job: its first aggregation's, as the runtime passes). */
function windowsOf(spec: JobSpec) {
  return {
    sizeMs: assignerFor(spec.window).sizeMs,
    outOfOrdernessMs: spec.input.outOfOrdernessMs as number,
    allowedLatenessMs: spec.allowedLatenessMs ?? 0,
    idleTimeoutMs: 0,
    assigner: spec.window as WindowSpec,
  };
}

/**
 * Runs `batches` through a WindowPipeline; `marks`: after how many batches to note how many results
 * were written (the returned `marks`); `finish`: end with the final watermark.
 */
async function runPipeline(
  compiled: Compiled,
  batches: readonly Batch[],
  stage: (onResults: ResultsCallback<CompiledResult>) => KeyedStage<CompiledEvent>,
  options: { aggregation?: string; finish: boolean; mark?: number },
): Promise<{ written: Written; mark: number }> {
  const out = new Collect(compiled.job, options.aggregation);
  const pipeline = new WindowPipeline({
    job: compiled.job,
    windows: windowsOf(compiled.spec),
    topics: { dlq: 'dlq', late: 'late' },
    sinks: [out],
    deadLetters: out,
    now: () => NOW,
    logger: silentLogger,
    keyedStage: stage,
  });
  await pipeline.start();
  pipeline.assign(PARTITIONS);
  let mark = 0;
  try {
    for (const [i, batch] of batches.entries()) {
      if (i === options.mark) mark = out.written.sequence.length;
      await pipeline.processBatch(toSourceBatch(batch));
    }
    if (batches.length === options.mark) mark = out.written.sequence.length;
    if (options.finish) await pipeline.finish();
    await pipeline.flush();
  } finally {
    await pipeline.stop();
  }
  return { written: out.written, mark };
}

const localStage = (compiled: Compiled) => (onResults: ResultsCallback<CompiledResult>) =>
  new LocalKeyedStage(
    windowsOf(compiled.spec),
    compiled.job.aggregate,
    new InMemoryWindowStore<CompiledAccumulator>(),
    onResults,
    undefined,
    0,
    compiled.job,
  );

const stateRoot = mkdtempSync(join(tmpdir(), 'sluice-aggregations-'));
after(() => rmSync(stateRoot, { recursive: true, force: true }));
let runs = 0;
const WRITE_BUFFER: Record<number, number> = { 1: 1, 2: 1000, 4: 50 };

const workerStage = (compiled: Compiled, workers: number, stateDir: string) => (onResults: ResultsCallback<CompiledResult>) =>
  new WorkerKeyedStage<CompiledEvent, CompiledResult>({
    workers,
    job: compiled.job.name,
    jobSource: compiled.source,
    windows: windowsOf(compiled.spec),
    stateDir,
    inbox: { events: 7, bytes: 1 << 20 },
    writeBufferEntries: WRITE_BUFFER[workers] as number,
    onResults,
    onFailure: () => undefined,
    logger: silentLogger,
  });

/** What the single jobs wrote together, with their names: the multi job's expected output. */
function union(singles: readonly Written[]): Written {
  const out = emptyWritten();
  singles.forEach((w, i) => {
    const name = `${i}:${AGGREGATIONS[i]?.name}`;
    for (const [where, lines] of w.results) out.results.set(where.replace(/^[^|]*/, name), lines);
    out.late.set(AGGREGATIONS[i]?.name as string, w.late.get(AGGREGATIONS[i]?.name as string) ?? []);
    assert.deepEqual(w.dlq, singles[0]?.dlq, 'every single job finds the same dead letters');
  });
  out.dlq = [...(singles[0]?.dlq ?? [])];
  return out;
}

/** Late letters comparable: sessions' late events across keys come in no fixed order (see windows-property.test.ts). */
function lateOf(params: Params, w: Written): Map<string, string[]> {
  const out = new Map<string, string[]>();
  AGGREGATIONS.forEach(({ name }, i) => {
    const lines = w.late.get(name) ?? [];
    out.set(name, params.aggregations[i]?.window.type === 'session' ? [...lines].sort() : lines);
  });
  for (const name of w.late.keys()) if (!out.has(name)) out.set(name, w.late.get(name) ?? []);
  return out;
}

function assertSameAs(params: Params, actual: Written, expected: Written, what: string): void {
  assert.deepEqual(actual.dlq, expected.dlq, `dead letters, once each, in order (${what})`);
  assert.deepEqual(lateOf(params, actual), lateOf(params, expected), `late letters per aggregation (${what})`);
  assert.deepEqual(actual.results, expected.results, `results per aggregation and key, in order (${what})`);
}

interface Stream {
  params: Params;
  partitions: GenRecord[][];
  batchSizes: number[];
  order: number[];
}

const streamArb: fc.Arbitrary<Stream> = fc
  .record({
    params: paramsArb,
    partitions: fc.array(fc.array(recordArb, { minLength: 1, maxLength: 40, size: 'max' }), { minLength: 3, maxLength: 3 }),
    batchSizes: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 8 }),
    order: fc.array(fc.noBias(fc.nat(1000)), { maxLength: 40 }),
    grain: grainArb,
  })
  .map(({ grain, ...s }) => ({
    ...s,
    params: paramsOnGrid(s.params, grain),
    partitions: s.partitions.map((p) => recordsOnGrid(p, grain)),
  }));

function schedule(stream: Stream): Batch[] {
  const queues = stream.partitions.map((gen, p) => chunks(p, partitionRecords(p, gen), stream.batchSizes));
  const out: Batch[] = [];
  for (let k = 0; queues.some((q) => q.length > 0); k++) {
    const nonEmpty = queues.filter((q) => q.length > 0);
    const pick = nonEmpty[(stream.order[k % Math.max(1, stream.order.length)] ?? 0) % nonEmpty.length] as Batch[];
    out.push(pick.shift() as Batch);
  }
  return out;
}

async function pipelineProperty(stream: Stream): Promise<void> {
  const { params } = stream;
  const batches = schedule(stream);
  const multi = compileYaml(multiYaml(params), 'multi.yaml');
  const singles: Written[] = [];
  for (let i = 0; i < AGGREGATIONS.length; i++) {
    const single = compileYaml(singleYaml(params, i), `single-${i}.yaml`);
    const name = AGGREGATIONS[i]?.name as string;
    singles.push((await runPipeline(single, batches, localStage(single), { aggregation: name, finish: true })).written);
  }
  const expected = union(singles);

  const local = await runPipeline(multi, batches, localStage(multi), { finish: true });
  assertSameAs(params, local.written, expected, 'single-threaded stage');
  for (const workers of [1, 2, 4]) {
    const stateDir = join(stateRoot, `run-${runs++}`);
    const actual = await runPipeline(multi, batches, workerStage(multi, workers, stateDir), { finish: true });
    assertSameAs(params, actual.written, expected, `${workers} workers`);
    rmSync(stateDir, { recursive: true, force: true });
  }
}

// Hand-made streams, run first: every key choice sharing the store (two aggregations keyed by user,
// so that the same key and the same window start are in the store twice), each window type, lateness
// that differs between them (an event late for one aggregation and not for another), events joining
// live sessions behind the watermark.
const ev = (user: string, step: number, jitter = 0, kind = 'a'): GenRecord => ({ type: 'event', user, kind, step, jitter });
const examplePartitions: GenRecord[][] = [
  [
    ev('u0', 11_000),
    ev('u0', 1000, 0, 'b'),
    ev('u1', 0),
    ev('u1', 1000, 0, '__proto__'),
    ev('u1', 0, 2000),
    ev('u0', 0, 1001),
    ev('u2', 0, 4500),
    ev('u2', 0, 2500, 'c'),
    ev('u0', 0, 1000),
    ev('u0', 0, 999, 'b'),
  ],
  [{ type: 'bad', how: 'json' }, ev('ü-straße', 15_000), ev('u1', 0, 1500)],
  [ev('ü-straße', 15_000), { type: 'filtered', step: 0 }, ev('u2', 0, 0, 'c')],
];
const exampleParams = (windows: WindowParams[], lateness: number[], keys: KeyChoice[]): Params => ({
  outOfOrdernessMs: 0,
  aggregations: windows.map((window, i) => ({ window, allowedLatenessMs: lateness[i] as number, key: keys[i] as KeyChoice })),
});
const TUMBLING_1000: WindowParams = { type: 'tumbling', sizeMs: 1000 };
const SLIDING_3000_1000: WindowParams = { type: 'sliding', sizeMs: 3000, slideMs: 1000 };
const SESSION_1000: WindowParams = { type: 'session', gapMs: 1000 };
const EXAMPLES: Params[] = [
  exampleParams([TUMBLING_1000, SLIDING_3000_1000, SESSION_1000], [0, 2000, 1000], ['user', 'kind', 'user']),
  exampleParams([SESSION_1000, TUMBLING_1000, SLIDING_3000_1000], [2000, 0, 0], ['user', 'user', 'pair']),
  // The same windows and key thrice, lateness apart: only the aggregation tells their state apart.
  exampleParams([SLIDING_3000_1000, SLIDING_3000_1000, SLIDING_3000_1000], [0, 1000, 3000], ['user', 'user', 'user']),
];
const exampleStream = (params: Params): Stream => ({
  params,
  partitions: examplePartitions,
  batchSizes: [1],
  order: [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0],
});

/** Each property stops after this long (passing runs take a fraction of it), so a failure's shrinking stays bounded. */
const SHRINK_BUDGET_MS = { pipeline: 40_000, restore: 30_000 };

test('several aggregations write what each writes as a job of its own: one thread, and 1, 2 and 4 workers', {
  timeout: 300_000,
}, async () => {
  await fc.assert(fc.asyncProperty(streamArb, pipelineProperty), {
    numRuns: 14,
    includeErrorInReport: true,
    plugins: [fc.interruptAfterTimeLimit(SHRINK_BUDGET_MS.pipeline)],
    examples: EXAMPLES.map((p) => [exampleStream(p)]),
  });
});

// B: the runtime, crash after a checkpoint and restore from it

const restoreArb = fc
  .record({
    params: paramsArb,
    partitions: fc.array(fc.record({ records: fc.array(recordArb, { minLength: 1, maxLength: 30, size: 'max' }), split: fc.nat() }), {
      minLength: 3,
      maxLength: 3,
    }),
    batchSize: fc.integer({ min: 1, max: 10 }),
    workers: fc.constantFrom<1 | 2 | 4>(1, 2, 4),
    grain: grainArb,
  })
  .map(({ grain, ...c }) => ({
    ...c,
    params: paramsOnGrid(c.params, grain),
    partitions: c.partitions.map(({ records, split }) => ({ records: recordsOnGrid(records, grain), split })),
  }));
type RestoreCase = typeof restoreArb extends fc.Arbitrary<infer T> ? T : never;

const grouped = (sequence: ReadonlyArray<[string, string]>) => {
  const m = new Map<string, string[]>();
  for (const [where, line] of sequence) m.set(where, [...(m.get(where) ?? []), line]);
  return m;
};

/** What Elasticsearch keeps per aggregation and document id: the highest version (a tie goes to the later write). */
function lastVersions(sequence: ReadonlyArray<[string, string]>): Map<string, string> {
  const kept = new Map<string, { n: number; line: string }>();
  for (const [where, line] of sequence) {
    const [id, , , version] = line.split(' ');
    const at = `${where.split('|')[0]}|${id}`;
    const n = Number(version);
    const prev = kept.get(at);
    if (!prev || n >= prev.n) kept.set(at, { n, line });
  }
  return new Map([...kept].map(([at, { line }]) => [at, line]));
}

const sortedLetters = (w: Written) => ({
  dlq: [...w.dlq].sort(),
  late: new Map(AGGREGATIONS.map(({ name }) => [name, [...(w.late.get(name) ?? [])].sort()])),
  others: [...w.late.keys()].filter((name) => !AGGREGATIONS.some((a) => a.name === name)),
});

async function restoreProperty(c: RestoreCase): Promise<void> {
  const { params } = c;
  const phases = c.partitions.map(({ records, split }, p) => {
    const clock = { t: BASE };
    const k = split % (records.length + 1);
    return { one: partitionRecords(p, records.slice(0, k), 0, clock), two: partitionRecords(p, records.slice(k), k, clock) };
  });
  const maxTs = Math.max(...phases.flatMap(({ one, two }) => [...one, ...two].map((r) => r.ts)));
  const span = Math.max(
    ...params.aggregations.map((a) => (a.window.type === 'session' ? a.window.gapMs : a.window.sizeMs) + a.allowedLatenessMs),
  );
  const trailingTs = maxTs + span + params.outOfOrdernessMs + 60_000;
  const trailing = PARTITIONS.map((p) => {
    const offset = (phases[p]?.one.length ?? 0) + (phases[p]?.two.length ?? 0);
    const seq = p * 100_000 + offset + 1;
    return { offset, ts: trailingTs, value: Buffer.from(JSON.stringify({ user: TRAILING_USER, seq, kind: 'c', ts: trailingTs })) };
  });
  // The batches as the driver delivers them (partition by partition, batchSize at a time; after the
  // restore from the checkpoint's positions, where phase 1 ended: the same batches again).
  const sizes = [c.batchSize];
  const phase1 = phases.flatMap(({ one }, p) => chunks(p, one, sizes));
  const rest = [...phases.flatMap(({ two }, p) => chunks(p, two, sizes)), ...trailing.map((t, p) => ({ partition: p, records: [t] }))];
  const all = [...phase1, ...rest];

  // Each aggregation as a job of its own, on one thread, over the same batches (no final watermark: the runtime has none).
  const singles: Array<{ written: Written; mark: number }> = [];
  for (let i = 0; i < AGGREGATIONS.length; i++) {
    const single = compileYaml(singleYaml(params, i), `single-${i}.yaml`);
    singles.push(
      await runPipeline(single, all, localStage(single), {
        aggregation: AGGREGATIONS[i]?.name as string,
        finish: false,
        mark: phase1.length,
      }),
    );
  }
  const named = (i: number, sequence: ReadonlyArray<[string, string]>): Array<[string, string]> =>
    sequence.map(([where, line]) => [where.replace(/^[^|]*/, `${i}:${AGGREGATIONS[i]?.name}`), line]);
  const beforeCheckpoint = grouped(singles.flatMap((s, i) => named(i, s.written.sequence.slice(0, s.mark))));
  const afterCheckpoint = grouped(singles.flatMap((s, i) => named(i, s.written.sequence.slice(s.mark))));
  const expectedLast = lastVersions(singles.flatMap((s, i) => named(i, s.written.sequence)));
  const expectedLetters = sortedLetters(union(singles.map((s) => s.written)));

  const multi = compileYaml(multiYaml(params), 'multi.yaml');
  const env = {
    SLUICE_WORKERS: String(c.workers),
    SLUICE_OUT_OF_ORDERNESS_MS: String(params.outOfOrdernessMs),
    SLUICE_ALLOWED_LATENESS_MS: String(multi.spec.allowedLatenessMs ?? 0),
    SLUICE_IDLE_TIMEOUT_MS: '0',
    SLUICE_DLQ_TOPIC: 'dlq',
    SLUICE_LATE_TOPIC: 'late',
  };
  const broker = new MemoryBroker(PARTITIONS.length);
  const time = new ManualTime(NOW);
  const results = new MemoryResults<CompiledResult>();
  const stateDir = join(stateRoot, `runtime-${runs++}`);
  const start = () => new RuntimeDriver(multi.job, { broker, time, results, stateDir, env, batchSize: c.batchSize }).start();
  const produce = (records: readonly Produced[], p: number) => {
    for (const r of records) broker.produceRaw(p, r.value.toString());
  };
  phases.forEach(({ one }, p) => produce(one, p));
  const a = await start();
  await a.deliver();
  const committed = await a.untilCheckpointAbove(0);
  phases.forEach(({ two }, p) => produce(two, p));
  await a.deliver();
  await a.crash();
  assert.equal(broker.committedCheckpoint, committed, 'nothing committed after the checkpoint of phase 1');
  const restartedAt = results.written.length;
  const b = await start();
  await b.deliver();
  trailing.forEach((t, p) => produce([t], p));
  await b.deliver();
  await b.untilCheckpointAbove(committed);
  await b.stop();
  rmSync(stateDir, { recursive: true, force: true });

  const what = `${c.workers} workers`;
  const written = results.written.map((r) => lineOf(multi.job, r));
  const letters = emptyWritten();
  for (const l of broker.committedLetters) recordLetter(letters, l);
  assert.deepEqual(sortedLetters(letters), expectedLetters, `committed letters, each once, per aggregation (${what})`);
  assert.deepEqual(lastVersions(written), expectedLast, `the last version of each document of each aggregation (${what})`);
  assert.deepEqual(grouped(written.slice(restartedAt)), afterCheckpoint, `results per aggregation and key after the restore (${what})`);
  assertWrittenBeforeCrash(grouped(written.slice(0, restartedAt)), beforeCheckpoint, afterCheckpoint, what);
}

const exampleRestore = (params: Params, workers: 1 | 2 | 4): RestoreCase => ({
  params,
  partitions: [
    { records: examplePartitions[0] as GenRecord[], split: 4 },
    { records: examplePartitions[1] as GenRecord[], split: 3 },
    { records: examplePartitions[2] as GenRecord[], split: 2 },
  ],
  batchSize: 2,
  workers,
});

test('several aggregations crash after a checkpoint and restore from it on 1, 2 or 4 workers: each writes what it writes alone', {
  timeout: 300_000,
}, async () => {
  await fc.assert(fc.asyncProperty(restoreArb, restoreProperty), {
    numRuns: 8,
    includeErrorInReport: true,
    plugins: [fc.interruptAfterTimeLimit(SHRINK_BUDGET_MS.restore)],
    examples: [
      [exampleRestore(EXAMPLES[0] as Params, 2)],
      [exampleRestore(EXAMPLES[1] as Params, 4)],
      [exampleRestore(EXAMPLES[2] as Params, 1)],
    ],
  });
});

// ---------------------------------------------------------------------------------------------
// 3. Descriptors and the savepoint codec

describe('descriptors of jobs with several aggregations', () => {
  const compiledFrom = (text: string) => compileJob(parseJobFile(text, 'shop.yaml'));
  const descriptorOf = (text: string) => {
    const job = compiledFrom(text);
    return jobDescriptor(job, job.window as WindowSpec, 30_000);
  };
  const then = descriptorOf(THREE);
  const compare = (text: string, restoring: 'savepoint' | 'checkpoint' = 'checkpoint') =>
    compareDescriptors(then, descriptorOf(text), restoring);
  const ORDER = '(state of a job with several aggregations restores only into the same aggregations, in the same order)';

  test('a descriptor records each aggregation: name, windows, key and aggregates, in order', () => {
    assert.deepEqual(then.aggregations, [
      {
        name: 'perUser',
        window: { type: 'tumbling', sizeMs: 60_000 },
        key: ['user'],
        aggregates: { orders: { type: 'count' }, revenue: { type: 'sum', field: 'amount' } },
      },
      {
        name: 'perPage',
        window: { type: 'sliding', sizeMs: 120_000, slideMs: 60_000 },
        key: ['page', 'user'],
        aggregates: { users: { type: 'countDistinct', field: 'user' } },
      },
      { name: 'sessions', window: { type: 'session', gapMs: 30_000 }, key: ['user'], aggregates: { top: { type: 'topN', field: 'page' } } },
    ]);
    assert.equal(descriptorProblem(JSON.parse(JSON.stringify(then))), undefined, 'as stored in a checkpoint, it reads back');
    const broken = JSON.parse(JSON.stringify(then));
    broken.aggregations[1].window = { type: 'sliding', sizeMs: 0 };
    assert.match(descriptorProblem(broken) ?? '', /^aggregation perPage has no usable window/);
    assert.deepEqual(compare(THREE), { refusals: [], notes: [] }, 'the same job restores without a word');
  });

  test('an aggregate added to (or removed from) one aggregation restores, noted with its aggregation', () => {
    for (const restoring of ['checkpoint', 'savepoint'] as const) {
      const added = compare(
        THREE.replace(
          '      users: { type: countDistinct, field: user }\n',
          '      users: { type: countDistinct, field: user }\n      pages: { type: countDistinct, field: page }\n',
        ),
        restoring,
      );
      assert.deepEqual(added.refusals, []);
      assert.equal(added.notes[0], 'aggregation perPage: aggregate pages is new: it starts empty in the windows open at the restore point');
      assert.match(added.notes[1] ?? '', /^the job definition changed \(/);
    }
    const removed = compare(THREE.replace('      revenue: { type: sum, field: amount }\n', ''));
    assert.deepEqual(removed.refusals, []);
    assert.equal(removed.notes[0], 'aggregation perUser: aggregate revenue was removed: its state is dropped');
    // An aggregate changed in place is refused, naming its aggregation.
    assert.deepEqual(compare(THREE.replace('revenue: { type: sum, field: amount }', 'revenue: { type: max, field: amount }')).refusals, [
      'aggregation perUser: aggregate revenue was sum of amount, it is now max of amount (rename it to start it afresh)',
    ]);
    // Outputs are not state: a changed index restores, noted as a changed definition.
    const index = compare(THREE.replace('index: per-page,', 'index: per-page-2,'));
    assert.deepEqual(index.refusals, []);
    assert.equal(index.notes.length, 1);
  });

  test('reordered, renamed, added or removed aggregations are refused, naming both lists', () => {
    const [head, rest] = THREE.split('  perPage:\n') as [string, string];
    const [perPage, sessions] = rest.split('  sessions:\n') as [string, string];
    const cases: Array<[string, string]> = [
      [`${head}  sessions:\n${sessions}  perPage:\n${perPage}`, 'perUser, sessions, perPage'],
      [THREE.replace('  perPage:', '  pages:'), 'perUser, pages, sessions'],
      [
        `${THREE}  more:\n    key: page\n    window: { type: tumbling, size: 1m }\n    aggregates: { n: { type: count } }\n`,
        'perUser, perPage, sessions, more',
      ],
      [`${head}  perPage:\n${perPage}`, 'perUser, perPage'],
    ];
    for (const [text, names] of cases) {
      for (const restoring of ['checkpoint', 'savepoint'] as const) {
        assert.deepEqual(compare(text, restoring).refusals, [
          `its aggregations are perUser, perPage, sessions, this job's are ${names} ${ORDER}`,
        ]);
      }
    }
  });

  test("a changed window or key in one aggregation is refused, naming it; the others' are not mentioned", () => {
    assert.deepEqual(compare(THREE.replace('gap: 30s', 'gap: 1m')).refusals, [
      'aggregation sessions: its windows were session gap 30000 ms, they are now session gap 60000 ms',
    ]);
    const slide = compare(THREE.replace('size: 2m, slide: 1m', 'size: 2m, slide: 30s')).refusals;
    assert.equal(slide.length, 1);
    assert.match(slide[0] ?? '', /^aggregation perPage: its windows were .*, they are now /);
    const key = THREE.replace('key: [page, user]', 'key: [page]')
      .replace('{page}/{user}/{windowStart}', '{page}/{windowStart}')
      .replace('{page}:{user}:{windowStart}', '{page}:{windowStart}');
    assert.deepEqual(compare(key).refusals, ["aggregation perPage: its key is page + user, this job's is page (window state is per key)"]);
    // The first aggregation's window is the job's too: said once, as that aggregation's.
    assert.deepEqual(compare(THREE.replace('size: 1m, allowedLateness: 30s', 'size: 2m, allowedLateness: 30s')).refusals.length, 1);
  });

  test("a job with one aggregation's state does not restore into one with several, nor the other way", () => {
    // perUser alone, as a job of its own: the same key, windows and aggregates as the multi job's first aggregation.
    const single = `${INPUT}key: user\nwindow: { type: tumbling, size: 1m, allowedLateness: 30s }\naggregates:\n  orders: { type: count }\n  revenue: { type: sum, field: amount }\n`;
    for (const restoring of ['checkpoint', 'savepoint'] as const) {
      assert.deepEqual(compareDescriptors(descriptorOf(single), then, restoring).refusals, [
        `its aggregations are one (no aggregations:), this job's are perUser, perPage, sessions ${ORDER}`,
      ]);
      assert.deepEqual(compareDescriptors(then, descriptorOf(single), restoring).refusals, [
        `its aggregations are perUser, perPage, sessions, this job's are one (no aggregations:) ${ORDER}`,
      ]);
    }
    // A job with one aggregation under aggregations: is not a single job either.
    const one = `${INPUT}aggregations:\n  perUser:\n    key: user\n    window: { type: tumbling, size: 1m, allowedLateness: 30s }\n    aggregates:\n      orders: { type: count }\n      revenue: { type: sum, field: amount }\n`;
    assert.equal(compareDescriptors(descriptorOf(single), descriptorOf(one), 'savepoint').refusals.length, 1);
  });

  test("the savepoint codec keeps each accumulator's aggregation ('@') and slots; a malformed '@' is refused", () => {
    const job = compiledFrom(THREE);
    const aggregations = job.aggregations ?? [];
    const of = job.aggregationOf;
    assert.ok(of && aggregations.length === 3);
    const parsed = [
      { user: 'u1', page: '/a', amount: 5 },
      { user: 'u1', page: '/b', amount: 7 },
      { user: 'u2', page: '/a', amount: 0 },
    ].map((r, i) => {
      const p = job.parse(Buffer.from(JSON.stringify({ ...r, at: BASE + i })), NOW);
      assert.ok(p.ok);
      return p.event;
    });
    const window = { start: BASE, end: BASE + 60_000 };
    aggregations.forEach((aggregation, i) => {
      let acc = aggregation.aggregate.createAccumulator();
      for (const e of parsed) acc = job.aggregate.add(acc, aggregation.select(e));
      assert.equal(of.accumulator(acc), i);
      const key = aggregation.select(parsed[0] as CompiledEvent).k;
      const json = JSON.parse(JSON.stringify(job.stateCodec?.encode(acc)));
      assert.equal(json['@'], i, `aggregation ${i}'s accumulator keeps "@"`);
      const back = job.stateCodec?.decode(json) as CompiledAccumulator;
      assert.equal(of.accumulator(back), i);
      const result = job.aggregate.result(back, key, window);
      assert.deepEqual(result, job.aggregate.result(acc, key, window), `aggregation ${i}'s slots come back`);
      assert.equal(result.a, i);
      assert.equal(result.doc.aggregation, aggregation.name);
      // Merged (sessions) within its aggregation.
      const merged = job.aggregate.merge?.(back, job.stateCodec?.decode(json) as CompiledAccumulator) as CompiledAccumulator;
      assert.equal(of.accumulator(merged), i);
      assert.equal(job.aggregate.result(merged, key, window).n, 6);
    });
    const good = JSON.parse(JSON.stringify(job.stateCodec?.encode(aggregations[1]?.aggregate.createAccumulator() as CompiledAccumulator)));
    for (const at of [undefined, 3, -1, 1.5, '1', null]) {
      const bad = { ...good, '@': at };
      if (at === undefined) delete bad['@'];
      assert.throws(
        () => job.stateCodec?.decode(bad),
        /^Error: a shop accumulator in the savepoint is malformed: "@" names none of its 3 aggregations$/,
        `"@": ${JSON.stringify(at)}`,
      );
    }
    assert.throws(() => job.stateCodec?.decode([1]), /malformed/);
    assert.throws(() => job.stateCodec?.decode(null), /malformed/);
  });
});

// ---------------------------------------------------------------------------------------------
// 4. The environment's variables and jobs with several aggregations

describe('applyEnvironment with aggregations:', () => {
  const FILE = `${INPUT}aggregations:
  perUser:
    key: user
    window: { type: tumbling, size: 1m, allowedLateness: 30s }
    aggregates: { n: { type: count } }
    outputs: { elasticsearch: { index: users }, redis: { ttl: 1h } }
  perPage:
    key: page
    window: { type: session, gap: 30s }
    aggregates: { n: { type: count } }
    outputs: { elasticsearch: { index: pages }, redis: { prefix: "p:" } }
  quiet:
    key: page
    window: { type: sliding, size: 2m, slide: 1m }
    aggregates: { n: { type: count } }
`;
  const spec = parseJobFile(FILE, 'm.yaml');
  const SERVICES = {
    SLUICE_KAFKA_BROKERS: '127.0.0.1:9092',
    SLUICE_REDIS_URL: 'redis://127.0.0.1:6379',
    SLUICE_ES_NODE: 'http://127.0.0.1:9200',
  };
  const apply = (extra: Record<string, string>) => {
    const env = { ...SERVICES, ...extra };
    return applyEnvironment(spec, loadConfig(env), env, 'm.yaml');
  };
  const outline = (s: JobSpec) =>
    s.aggregations?.map((a) => [
      a.name,
      a.allowedLatenessMs,
      a.outputs.elasticsearch?.index,
      a.outputs.redis?.prefix,
      a.outputs.redis?.ttlSeconds,
    ]);
  const lanes = (s: JobSpec) => compileJob(s).aggregations?.map((a) => [a.name, a.allowedLatenessMs, a.targets]);

  test("without variables: each aggregation's own settings, the variables' defaults where it has none", () => {
    const r = apply({});
    assert.deepEqual(r.notes, []);
    assert.deepEqual(outline(r.spec), [
      ['perUser', 30_000, 'users', 'shop:perUser:', 3600],
      ['perPage', 0, 'pages', 'p:', 86_400],
      ['quiet', 0, undefined, undefined, undefined],
    ]);
    assert.deepEqual(lanes(r.spec), [
      ['perUser', 30_000, { elasticsearchIndex: 'users', redisKeyPrefix: 'shop:perUser:', redisTtlSeconds: 3600 }],
      ['perPage', 0, { elasticsearchIndex: 'pages', redisKeyPrefix: 'p:', redisTtlSeconds: 86_400 }],
      ['quiet', 0, {}],
    ]);
    // The top level and the config mirror the first aggregation.
    assert.equal(r.spec.allowedLatenessMs, 30_000);
    assert.equal(r.config.windows.allowedLatenessMs, 30_000);
    assert.equal(r.config.windows.sizeMs, 60_000);
    assert.deepEqual(r.spec.outputs, r.spec.aggregations?.[0]?.outputs);
    assert.equal(spec.aggregations?.[1]?.allowedLatenessMs, undefined, 'the parsed spec is left as it was');
  });

  test('SLUICE_ES_INDEX and SLUICE_REDIS_KEY_PREFIX become each aggregation’s; lateness and TTL apply to all; each noted', () => {
    const r = apply({
      SLUICE_ES_INDEX: 'staging',
      SLUICE_REDIS_KEY_PREFIX: 'st:',
      SLUICE_ALLOWED_LATENESS_MS: '5000',
      SLUICE_REDIS_TTL_SECONDS: '60',
    });
    assert.deepEqual(outline(r.spec), [
      ['perUser', 5000, 'staging-peruser', 'st:perUser:', 60],
      ['perPage', 5000, 'staging-perpage', 'st:perPage:', 60],
      ['quiet', 5000, undefined, undefined, undefined],
    ]);
    assert.deepEqual(lanes(r.spec), [
      ['perUser', 5000, { elasticsearchIndex: 'staging-peruser', redisKeyPrefix: 'st:perUser:', redisTtlSeconds: 60 }],
      ['perPage', 5000, { elasticsearchIndex: 'staging-perpage', redisKeyPrefix: 'st:perPage:', redisTtlSeconds: 60 }],
      ['quiet', 5000, {}],
    ]);
    assert.equal(r.config.windows.allowedLatenessMs, 5000);
    assert.deepEqual(r.notes, [
      'SLUICE_ALLOWED_LATENESS_MS=5000 overrides the allowed lateness of every aggregation (perUser, perPage, quiet) of job file m.yaml',
      'SLUICE_ES_INDEX=staging: each aggregation of job file m.yaml writes index staging-<aggregation>',
      'SLUICE_REDIS_KEY_PREFIX=st:: each aggregation of job file m.yaml writes keys under st:<aggregation>:',
      'SLUICE_REDIS_TTL_SECONDS=60 overrides the Redis TTL of every aggregation of job file m.yaml',
    ]);
    // One at a time: only what is set changes.
    assert.deepEqual(outline(apply({ SLUICE_ALLOWED_LATENESS_MS: '0' }).spec), [
      ['perUser', 0, 'users', 'shop:perUser:', 3600],
      ['perPage', 0, 'pages', 'p:', 86_400],
      ['quiet', 0, undefined, undefined, undefined],
    ]);
    assert.deepEqual(
      outline(apply({ SLUICE_ES_INDEX: 'x' }).spec)?.map((a) => a[2]),
      ['x-peruser', 'x-perpage', undefined],
    );
  });

  test('SLUICE_WINDOW_MS is refused: no one window size is every aggregation’s', () => {
    assert.throws(
      () => apply({ SLUICE_WINDOW_MS: '60000' }),
      (err: unknown) =>
        err instanceof SluiceError &&
        err.code === ErrorCode.JOB_INVALID &&
        /^SLUICE_WINDOW_MS=60000 cannot apply to job file m\.yaml: it has 3 aggregations/.test(err.message),
    );
  });

  test('SLUICE_ES_INDEX never gives two aggregations one index (names that differ only in case)', () => {
    const cased = parseJobFile(
      `${INPUT}aggregations:\n  perUser:\n    key: user\n    window: { type: tumbling, size: 1m }\n    aggregates: { n: { type: count } }\n    outputs: { elasticsearch: { index: a } }\n  peruser:\n    key: page\n    window: { type: tumbling, size: 1m }\n    aggregates: { n: { type: count } }\n    outputs: { elasticsearch: { index: b } }\n`,
      'c.yaml',
    );
    const env = { ...SERVICES, SLUICE_ES_INDEX: 'x' };
    assert.throws(
      () => applyEnvironment(cased, loadConfig(env), env, 'c.yaml'),
      (err: unknown) => err instanceof SluiceError && err.code === ErrorCode.JOB_INVALID && /x-peruser/.test(err.message),
    );
    assert.doesNotThrow(() => applyEnvironment(cased, loadConfig(SERVICES), SERVICES, 'c.yaml'));
  });
});
