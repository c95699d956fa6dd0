/**
 * Job files: what a valid one compiles to, how an invalid one is reported (field and line), the
 * environment's overrides, module jobs, and examples/clickstream.yaml against the built-in job:
 * the same verdict, code and message for every record, and the same documents, ids, Redis keys and
 * values, versions, mapping and savepoint state.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { loadConfig } from '../../src/config.js';
import { ErrorCode, type SluiceError } from '../../src/errors.js';
import { clickstreamJob, type ClickCountResult } from '../../src/job/clickstream.js';
import { compileJob, type CompiledResult } from '../../src/job/compile.js';
import { parseJobFile } from '../../src/job/job-file.js';
import type { JobDefinition } from '../../src/job/job.js';
import { applyEnvironment, loadJob, loadJobSource } from '../../src/job/registry.js';
import { parseTemplate, renderTemplate } from '../../src/job/templates.js';
import { decodeStep, encodeStep, windowInputOf } from '../../src/actors/step-codec.js';
import { RESULT_INDEX_MAPPING } from '../../src/streams/sinks/elasticsearch.js';
import { InMemoryWindowStore } from '../../src/streams/operators/windows.js';
import { LocalKeyedStage } from '../../src/streams/operators/local-stage.js';
import { WindowPipeline } from '../../src/streams/runtime/pipeline.js';
import type { SourceBatch } from '../../src/streams/sources/source.js';
import { silentLogger } from '../../src/telemetry/logging.js';
import { MemoryLetters, MemoryResults } from '../helpers/memory-sinks.js';
import { hostileBytes, mutated, NOW, recordText, TS, valueText } from '../helpers/json-text.js';
import { jobFileProblems } from '../helpers/restore-checks.js';

const EXAMPLES = new URL('../../../examples/', import.meta.url);
const example = (name: string) => readFileSync(new URL(name, EXAMPLES), 'utf8');
const reference = parseJobFile(example('clickstream.yaml'), 'examples/clickstream.yaml');
const compiled = compileJob(reference);

const problems = jobFileProblems;

const MINIMAL = `name: orders
input:
  fields:
    shop: { type: string }
    amount: { type: integer, min: 0 }
    at: { type: timestamp }
  eventTime: at
key: shop
window: { type: tumbling, size: 5m }
aggregates:
  orders: { type: count }
  revenue: { type: sum, field: amount }
`;

describe('job files', () => {
  test('examples/clickstream.yaml says what the built-in job does', () => {
    assert.equal(reference.name, 'clickstream');
    assert.deepEqual(reference.key, ['userId']);
    assert.deepEqual(reference.window, { type: 'tumbling', sizeMs: 60_000 });
    assert.deepEqual(
      reference.input.fields.map((f) => [f.name, f.type, f.maxBytes, f.missingCode, f.invalidCode]),
      [
        ['userId', 'string', 256, 'MISSING_USER_ID', 'BAD_USER_ID'],
        ['eventType', 'string', 64, 'MISSING_EVENT_TYPE', 'BAD_EVENT_TYPE'],
        ['timestamp', 'timestamp', undefined, 'BAD_TIMESTAMP', 'BAD_TIMESTAMP'],
      ],
    );
    assert.deepEqual(compiled.stateShape, clickstreamJob.stateShape);
    assert.deepEqual(compiled.esMapping, RESULT_INDEX_MAPPING);
  });

  test('a minimal file gets its defaults: every field required, codes from the field names, stdout output', () => {
    const spec = parseJobFile(MINIMAL, 'orders.yaml');
    assert.deepEqual(spec.outputs, { stdout: true });
    assert.deepEqual(
      spec.input.fields.map((f) => [f.required, f.missingCode, f.invalidCode]),
      [
        [true, 'MISSING_SHOP', 'BAD_SHOP'],
        [true, 'MISSING_AMOUNT', 'BAD_AMOUNT'],
        [true, 'MISSING_AT', 'BAD_AT'],
      ],
    );
    const job = compileJob(spec);
    const ok = job.parse(Buffer.from(JSON.stringify({ shop: 's1', amount: 250, at: TS, other: [1, 2] })), NOW);
    assert.deepEqual(ok, { ok: true, event: { k: 's1', t: TS, v: [250] } });
    assert.deepEqual(job.parse(Buffer.from(JSON.stringify({ shop: 's1', amount: -1, at: TS })), NOW), {
      ok: false,
      code: 'BAD_AMOUNT',
      message: 'amount -1 is below the minimum 0',
    });
    assert.deepEqual(job.parse(Buffer.from(JSON.stringify({ shop: 's1', amount: 1.5, at: TS })), NOW), {
      ok: false,
      code: 'BAD_AMOUNT',
      message: 'amount must be an integer, got a non-integer number (1.5)',
    });
    assert.deepEqual(job.parse(Buffer.from(JSON.stringify({ amount: 1, at: TS })), NOW), {
      ok: false,
      code: 'MISSING_SHOP',
      message: 'shop is missing, null or empty',
    });
  });

  test('every problem is reported with its line, column and path', () => {
    const text = `name: bad job
input:
  fields:
    user: { type: strnig }
    price: { type: number, maxBytes: 4 }
    at: { type: timestamp, required: false }
  eventTime: at
  filters:
    - { field: region, equals: eu, in: [us] }
key: [user, shop]
window:
  type: sliding
  size: 1m
  slid: 10s
aggregates:
  windowEnd: { type: count }
  total: { type: sum, field: at }
  top: { type: topN, field: price, n: 5 }
outputs:
  redis: { key: "{user}", value: "{total" }
  stdout: yes please
`;
    const rows = problems(text);
    const at = (path: string) => rows.find((r) => r.path === path);
    assert.equal(at('name')?.line, 1);
    assert.match(at('name')?.message ?? '', /job name/);
    assert.equal(at('input.fields.price.maxBytes')?.line, 5);
    assert.match(at('input.fields.price.maxBytes')?.message ?? '', /applies to string fields, not number/);
    assert.equal(at('input.fields.user.type')?.line, 4);
    assert.equal(at('input.fields.at.required')?.line, 6, 'the event time must be required');
    assert.equal(at('input.filters[0]')?.line, 9);
    assert.match(at('input.filters[0]')?.message ?? '', /exactly one test.*equals and in/);
    assert.equal(at('key[1]')?.line, 10);
    assert.match(at('key[1]')?.message ?? '', /names no field: "shop"/);
    assert.equal(
      rows.some((r) => r.path === 'key[0]'),
      false,
      'a reference to a field with its own problem is not a second problem',
    );
    assert.equal(at('window.slide')?.message, 'is required');
    assert.equal(at('window.slid')?.line, 14);
    assert.match(at('window.slid')?.message ?? '', /unknown setting "slid" \(did you mean "slide"\?\)/);
    assert.equal(at('aggregates.windowEnd')?.line, 16);
    assert.match(at('aggregates.total.field')?.message ?? '', /field at is of type timestamp; sum reads integer or number fields/);
    assert.match(at('aggregates.top.field')?.message ?? '', /topN reads string or integer or boolean fields/);
    assert.match(at('outputs.redis.key')?.message ?? '', /must name \{shop\} and \{windowStart\}/);
    assert.match(at('outputs.redis.value')?.message ?? '', /unclosed/);
    assert.equal(at('outputs.stdout')?.line, 21);
    const lines = rows.map((r) => r.line ?? 0);
    assert.deepEqual(
      lines,
      [...lines].sort((a, b) => a - b),
      'sorted by line',
    );
  });

  test('a duration is at most 365 days, with or without a unit', () => {
    const withSize = (size: string) => MINIMAL.replace('size: 5m', `size: ${size}`);
    assert.deepEqual(problems(withSize('100000d')), [{ line: 9, path: 'window.size', message: 'at most 365 days' }]);
    assert.deepEqual(
      problems(withSize('31536000001')).map((r) => r.path),
      ['window.size'],
    );
    assert.equal(parseJobFile(withSize('365d'), 'test.yaml').window.type, 'tumbling');
    // Not a duration at all: the one message that says what a duration looks like (no crash).
    assert.deepEqual(
      problems(withSize('5 minutes')).map((r) => [r.line, r.path]),
      [[9, 'window.size']],
    );
    assert.match(problems(withSize('5 minutes'))[0]?.message ?? '', /a duration: a whole number of milliseconds, or one with a unit/);
  });

  test('YAML and JSON syntax errors, duplicate keys and wrong shapes name their line', () => {
    assert.deepEqual(
      problems('name: x\nname: y\n').map((r) => r.line),
      [2],
    );
    assert.match(problems('name: x\nname: y\n')[0]?.message ?? '', /not valid YAML or JSON: Map keys must be unique/);
    const json = problems('{\n  "name": "x",\n  "input": {\n    "fields": [1, 2\n}');
    assert.ok(
      json.every((r) => r.line !== undefined && r.line >= 4),
      JSON.stringify(json),
    );
    assert.deepEqual(
      problems('- a\n- b\n').map((r) => r.message),
      ['a job file must be a map (key: value lines)'],
    );
    const shapes = problems(
      MINIMAL.replace('window: { type: tumbling, size: 5m }', 'window: { type: hopping, size: 5m }').replace(
        '  orders: { type: count }',
        '  orders: { type: count, field: shop }',
      ),
    );
    assert.deepEqual(
      shapes.map((r) => [r.line, r.path]),
      [
        [9, 'window.type'],
        [11, 'aggregates.orders.field'],
      ],
    );
  });

  test('field names that mean something on JavaScript objects are refused', () => {
    const rows = problems(
      MINIMAL.replace('    shop: { type: string }', '    shop: { type: string }\n    __proto__: { type: string }').replace(
        '  orders: { type: count }',
        '  constructor: { type: count }',
      ),
    );
    assert.deepEqual(
      rows.map((r) => r.path),
      ['input.fields.__proto__', 'aggregates.constructor'],
    );
  });

  test('templates: placeholders, literal braces, what an id must name', () => {
    const t = parseTemplate('{{x}}:{shop}:{windowStart}');
    assert.equal(
      renderTemplate(t, (n) => ({ shop: 'a:b', windowStart: 60_000 })[n]),
      '{x}:a:b:60000',
    );
    assert.throws(() => parseTemplate('{a'), /unclosed/);
    assert.throws(() => parseTemplate('a}'), /without/);
    assert.throws(() => parseTemplate('{a b}'), /not a placeholder/);
    const rows = problems(`${MINIMAL}outputs:\n  elasticsearch: { index: orders, id: "{shop}" }\n`);
    assert.deepEqual(
      rows.map((r) => [r.path, r.message]),
      [['outputs.elasticsearch.id', 'must name {windowStart}: two results with the same id would overwrite each other']],
    );
  });

  test('filters run on raw values before validation; a filtered record is neither counted nor a dead letter', () => {
    const spec = parseJobFile(
      MINIMAL.replace(
        '  eventTime: at',
        '  eventTime: at\n  filters:\n    - { field: kind, equals: order }\n    - { field: region, in: [eu, us, null] }\n    - { field: test, exists: false }',
      ),
      'f.yaml',
    );
    const job = compileJob(spec);
    const parse = (o: object) => job.parse(Buffer.from(JSON.stringify(o)), NOW);
    const base = { shop: 's', amount: 1, at: TS, kind: 'order' };
    assert.equal(parse(base).ok, true, 'an absent field reads as null');
    assert.equal(parse({ ...base, region: 'eu' }).ok, true);
    assert.equal(parse({ ...base, region: null }).ok, true);
    assert.deepEqual(parse({ ...base, region: 'apac' }), { ok: false, filtered: true });
    assert.deepEqual(parse({ ...base, region: 'eu', kind: 'refund' }), { ok: false, filtered: true });
    assert.deepEqual(parse({ ...base, region: 'eu', test: true }), { ok: false, filtered: true });
    assert.deepEqual(parse({ ...base, region: 'eu', amount: 'x' }), {
      ok: false,
      code: 'BAD_AMOUNT',
      message: 'amount must be an integer, got a string',
    });
    assert.deepEqual(parse({ kind: 'refund', amount: 'x' }), { ok: false, filtered: true }, 'filtered before validation');
    assert.equal(
      job.parse(Buffer.from('{"kind":"order","kind":"x"}'), NOW).ok === false &&
        (job.parse(Buffer.from('{"kind":"order","kind":"x"}'), NOW) as { code: string }).code,
      'DUPLICATE_KEY',
    );
  });

  test('validation rules: oneOf, pattern, optional fields, custom codes', () => {
    const spec = parseJobFile(
      `name: v
input:
  fields:
    sku: { type: string, pattern: "^[A-Z]{3}-[0-9]+$", invalidCode: BAD_SKU_FORMAT }
    region: { type: string, oneOf: [eu, us] }
    coupon: { type: string, required: false }
    qty: { type: integer, required: false, max: 100 }
    gift: { type: boolean, required: false }
    at: { type: timestamp }
  eventTime: at
key: [sku, region]
window: { type: tumbling, size: 1m }
aggregates:
  n: { type: count }
  coupons: { type: countDistinct, field: coupon }
  qty: { type: sum, field: qty }
  gifts: { type: countBy, field: gift }
`,
      'v.yaml',
    );
    const job = compileJob(spec);
    const parse = (o: object) => job.parse(Buffer.from(JSON.stringify(o)), NOW);
    assert.deepEqual(parse({ sku: 'abc-1', region: 'eu', at: TS }), {
      ok: false,
      code: 'BAD_SKU_FORMAT',
      message: 'sku "abc-1" does not match /^[A-Z]{3}-[0-9]+$/',
    });
    assert.deepEqual(parse({ sku: 'ABC-1', region: 'apac', at: TS }), {
      ok: false,
      code: 'BAD_REGION',
      message: 'region "apac" is not one of "eu", "us"',
    });
    assert.deepEqual(parse({ sku: 'ABC-1', region: 'eu', at: TS, qty: 101 }), {
      ok: false,
      code: 'BAD_QTY',
      message: 'qty 101 is above the maximum 100',
    });
    assert.deepEqual(parse({ sku: 'ABC-1', region: 'eu', at: TS, gift: 'no' }), {
      ok: false,
      code: 'BAD_GIFT',
      message: 'gift must be true or false, got a string',
    });
    const ok = parse({ sku: 'ABC-1', region: 'eu', at: TS, coupon: '', qty: null });
    assert.deepEqual(
      ok,
      { ok: true, event: { k: '["ABC-1","eu"]', t: TS, v: [undefined, undefined, undefined] } },
      'absent optional values; a composite key as a JSON array',
    );
    const acc = job.aggregate.createAccumulator();
    job.aggregate.add(acc, (ok as unknown as { event: never }).event);
    job.aggregate.add(acc, { k: '["ABC-1","eu"]', t: TS, v: ['C1', 3, true] } as never);
    job.aggregate.add(acc, { k: '["ABC-1","eu"]', t: TS, v: ['C1', 4, false] } as never);
    const result = job.aggregate.result(acc, '["ABC-1","eu"]', { start: 0, end: 60_000 });
    assert.equal(
      JSON.stringify(result.doc),
      '{"sku":"ABC-1","region":"eu","windowStart":0,"windowEnd":60000,"n":3,"coupons":1,"qty":7,"gifts":{"false":1,"true":1}}',
    );
    assert.equal(job.resultId(result), 'ABC-1:eu:0');
    assert.equal(job.resultVersion(result), 3);
    assert.equal(job.redisValue(result), JSON.stringify(result.doc), 'no value template: the document as JSON');
  });

  test('aggregates: min, max, avg, topN (ties by value), and their savepoint JSON', () => {
    const spec = parseJobFile(
      `name: agg
input:
  fields:
    k: { type: string }
    p: { type: number, required: false }
    u: { type: string }
    at: { type: timestamp }
  eventTime: at
key: k
window: { type: session, gap: 30m }
aggregates:
  lo: { type: min, field: p }
  hi: { type: max, field: p }
  mean: { type: avg, field: p }
  top: { type: topN, field: u, n: 2 }
  first: { type: min, field: at }
`,
      'agg.yaml',
    );
    const job = compileJob(spec);
    const acc = job.aggregate.createAccumulator();
    const empty = job.aggregate.result(job.aggregate.createAccumulator(), 'k', { start: 0, end: 1 });
    assert.deepEqual(empty.doc, { k: 'k', windowStart: 0, windowEnd: 1, lo: null, hi: null, mean: null, top: [], first: null });
    for (const [p, u, at] of [
      [2.5, 'b', 5],
      [undefined, 'a', 3],
      [0.5, 'c', 9],
      [4, 'b', 4],
      [1, 'a', 7],
    ] as const)
      job.aggregate.add(acc, { k: 'k', t: at, v: [p, u, at] } as never);
    const result = job.aggregate.result(acc, 'k', { start: 3, end: 10 });
    assert.deepEqual(result.doc, {
      k: 'k',
      windowStart: 3,
      windowEnd: 10,
      lo: 0.5,
      hi: 4,
      mean: 2,
      top: [
        { value: 'a', count: 2 },
        { value: 'b', count: 2 },
      ],
      first: 3,
    });
    const json = job.stateCodec.encode(acc);
    assert.deepEqual(json, {
      '#': 5,
      lo: 0.5,
      hi: 4,
      mean: { sum: 8, n: 4 },
      top: [
        ['a', 2],
        ['b', 2],
        ['c', 1],
      ],
      first: 3,
    });
    assert.deepEqual(job.aggregate.result(job.stateCodec.decode(JSON.parse(JSON.stringify(json))), 'k', { start: 3, end: 10 }), result);
    assert.throws(() => job.stateCodec.decode({ '#': 1, top: [['a', -1]] }), /aggregate top holds/);
    assert.throws(() => job.stateCodec.decode({ lo: 1 }), /no event count/);
    // merge (sessions)
    const other = job.aggregate.createAccumulator();
    job.aggregate.add(other, { k: 'k', t: 1, v: [10, 'c', 1] } as never);
    const merged = job.aggregate.result(job.aggregate.merge!(acc, other), 'k', { start: 1, end: 10 });
    assert.deepEqual(merged.doc, {
      k: 'k',
      windowStart: 1,
      windowEnd: 10,
      lo: 0.5,
      hi: 10,
      mean: 18 / 5,
      top: [
        { value: 'a', count: 2 },
        { value: 'b', count: 2 },
      ],
      first: 1,
    });
    assert.equal(merged.n, 6);
  });

  test('settings that are variables: the environment wins over the file, and says so; a session window refuses SLUICE_WINDOW_MS', () => {
    const env = {
      SLUICE_KAFKA_BROKERS: '127.0.0.1:9092',
      SLUICE_REDIS_URL: 'redis://127.0.0.1:6379',
      SLUICE_ES_NODE: 'http://127.0.0.1:9200',
    };
    const fromFile = applyEnvironment(reference, loadConfig(env), env, 'c.yaml');
    assert.deepEqual(fromFile.notes, []);
    assert.equal(fromFile.config.redis?.keyPrefix, 'clicks:');
    assert.equal(fromFile.config.elasticsearch?.index, 'user-click-counts');
    const other = parseJobFile(
      `${MINIMAL.replace('name: orders', 'name: orders\ndescription: x').replace('  eventTime: at', '  eventTime: at\n  topic: orders\n  outOfOrderness: 2s')}outputs:\n  redis: { ttl: 1h }\n  elasticsearch: { index: order-totals }\n`,
      'o.yaml',
    );
    const overridden = { ...env, SLUICE_KAFKA_TOPIC: 'orders-staging', SLUICE_REDIS_TTL_SECONDS: '60' };
    const r = applyEnvironment(other, loadConfig(overridden), overridden, 'o.yaml');
    assert.equal(r.config.topics.input, 'orders-staging');
    assert.equal(r.config.kafka?.topic, 'orders-staging');
    assert.equal(r.spec.input.topic, 'orders-staging');
    assert.equal(r.config.windows.outOfOrdernessMs, 2000);
    assert.equal(r.config.windows.sizeMs, 300_000);
    assert.equal(r.config.redis?.keyPrefix, 'orders:', 'the default prefix is the job name');
    assert.equal(r.config.redis?.ttlSeconds, 60);
    assert.equal(r.config.elasticsearch?.index, 'order-totals');
    assert.deepEqual(r.notes, [
      'SLUICE_KAFKA_TOPIC=orders-staging overrides input.topic (orders) of job file o.yaml',
      'SLUICE_REDIS_TTL_SECONDS=60 overrides outputs.redis.ttl (3600) of job file o.yaml',
    ]);
    const session = parseJobFile(MINIMAL.replace('{ type: tumbling, size: 5m }', '{ type: session, gap: 30m }'), 's.yaml');
    const withSize = { SLUICE_WINDOW_MS: '60000' };
    assert.throws(
      () => applyEnvironment(session, loadConfig(withSize), withSize, 's.yaml'),
      /SLUICE_WINDOW_MS=60000 cannot apply .* sessions/,
    );
    assert.equal(
      applyEnvironment(session, loadConfig({}), {}, 's.yaml').config.windows.sizeMs,
      1_800_000,
      "a session job's windowMs is its gap",
    );
  });

  test('loadJob: a job file by SLUICE_JOB or --job; a module exporting a JobDefinition; an unreadable file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-jobs-'));
    try {
      const file = join(dir, 'orders.yaml');
      writeFileSync(file, MINIMAL);
      const byEnv = await loadJob(loadConfig({ SLUICE_JOB: file }), { SLUICE_JOB: file });
      assert.equal(byEnv.job.name, 'orders');
      assert.equal(byEnv.job.source?.kind, 'file');
      const again = await loadJobSource(byEnv.job.source!);
      assert.equal(again.name, 'orders');
      assert.deepEqual(again.stateShape, byEnv.job.stateShape);
      const builtIn = await loadJob(loadConfig({}), {});
      assert.equal(builtIn.job.name, 'clickstream');
      assert.equal(builtIn.job.source, undefined);

      const module = join(dir, 'upper.mjs');
      writeFileSync(
        module,
        `const base = { name: 'upper', parse: (v) => ({ ok: true, event: JSON.parse(Buffer.from(v).toString()) }), timestampOf: (e) => e.t, keyOf: (e) => e.k.toUpperCase(),
          aggregate: { createAccumulator: () => 0, add: (a) => a + 1, result: (a, key, w) => ({ key, start: w.start, n: a }), merge: (a, b) => a + b },
          stateCodec: { encode: (a) => a, decode: (j) => j }, resultId: (r) => r.key + ':' + r.start, resultVersion: (r) => r.n, redisValue: (r) => String(r.n),
          resultRef: (r) => ({ key: r.key, window: { start: r.start, end: r.start + 1000 } }), window: { type: 'session', gapMs: 1000 } };
        export default base;`,
      );
      const loaded = await loadJob(loadConfig({}), {}, module);
      assert.equal(loaded.job.name, 'upper');
      assert.equal(loaded.job.source?.kind, 'module');
      assert.equal(loaded.config.windows.sizeMs, 1000);
      assert.equal((await loadJobSource(loaded.job.source!)).keyOf({ k: 'ab', t: 1 }), 'AB');
      // A worker (a thread of its own, nothing cached) finding another file than the main thread loaded.
      const changed = join(dir, 'upper-changed.mjs');
      writeFileSync(changed, `${readFileSync(module, 'utf8')}\n// changed`);
      await assert.rejects(
        loadJobSource({ ...(loaded.job.source as { kind: 'module'; sha256: string; exportName: string }), path: changed }),
        /changed on disk since the daemon started/,
      );

      const bad = join(dir, 'bad.mjs');
      writeFileSync(bad, 'export default { name: "x" };');
      await assert.rejects(
        loadJob(loadConfig({}), {}, bad),
        (err: SluiceError) => err.code === ErrorCode.JOB_INVALID && /has no function parse/.test(err.message),
      );
      await assert.rejects(
        loadJob(loadConfig({}), {}, join(dir, 'missing.yaml')),
        (err: SluiceError) => err.code === ErrorCode.JOB_INVALID && /cannot be read: no such file/.test(err.message),
      );
      await assert.rejects(loadJob(loadConfig({}), {}, join(dir, 'job.toml')), /expected \.yaml, \.yml or \.json/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('what travels to the window workers', () => {
  test('only the values the aggregates read, one column per field, whatever else the job reads', () => {
    const spec = parseJobFile(
      `name: wide
input:
  fields:
    shop: { type: string }
    region: { type: string }
    note: { type: string, maxBytes: 1000 }
    amount: { type: integer, required: false }
    user: { type: string }
    at: { type: timestamp }
  eventTime: at
key: [shop, region]
window: { type: tumbling, size: 1m }
aggregates:
  n: { type: count }
  revenue: { type: sum, field: amount }
  users: { type: countDistinct, field: user }
  top: { type: topN, field: user, n: 3 }
`,
      'wide.yaml',
    );
    const job = compileJob(spec);
    const note = 'x'.repeat(900);
    const records = [
      { shop: 's1', region: 'eu', note, amount: 5, user: 'u1', at: TS },
      { shop: 's1', region: 'eu', note, user: 'u2', at: TS + 1 },
      { shop: 's2', region: 'us', note, amount: 7, user: 'u1', at: TS + 2 },
    ];
    const events = records.map((r) => {
      const parsed = job.parse(Buffer.from(JSON.stringify(r)), NOW);
      assert.ok(parsed.ok);
      return { key: job.keyOf(parsed.event), timestamp: job.timestampOf(parsed.event), event: parsed.event };
    });
    assert.deepEqual(
      events.map((e) => e.event.v),
      [
        [5, 'u1'],
        [undefined, 'u2'],
        [7, 'u1'],
      ],
      'the note, the region and the shop are not in the event (the key is)',
    );
    const input = windowInputOf(job);
    const step = encodeStep(events, input);
    const columns = step.columns.values as unknown[];
    assert.equal(columns.length, 2, 'one column per field read: amount and user');
    assert.ok(columns[0] instanceof Float64Array, 'numbers travel in a transferred Float64Array');
    assert.deepEqual((columns[1] as { dict: string[] }).dict, ['u1', 'u2'], 'strings in a per-step dictionary');
    assert.ok(step.bytes < 200, `${step.bytes} bytes for 3 events of ~1 KB each`);
    assert.deepEqual(decodeStep(step.columns, input), events);
    const countOnly = compileJob({ ...spec, aggregates: [{ name: 'n', type: 'count' }] });
    assert.deepEqual(
      encodeStep(
        events.map((e) => ({ ...e, event: { ...e.event, v: [] } })),
        windowInputOf(countOnly),
      ).columns.values,
      [],
      'a count needs no value at all',
    );
  });
});

describe('examples/clickstream.yaml is the built-in job', () => {
  const builtIn = clickstreamJob;

  /** Same verdict, code and message; when valid, the same key, event time and event type. */
  function sameParse(value: Buffer): void {
    const a = builtIn.parse(value, NOW);
    const b = compiled.parse(value, NOW);
    const shown = value ? value.toString('utf8').slice(0, 200) : String(value);
    if (a.ok) {
      assert.ok(b.ok, `${shown}: the file's job refused it: ${JSON.stringify(b)}`);
      if (!b.ok) return;
      assert.deepEqual([b.event.k, b.event.t, b.event.v], [a.event.userId, a.event.timestamp, [a.event.eventType]], shown);
    } else {
      assert.deepEqual(b, a, shown);
    }
  }

  test('every record gets the same verdict, code and message', () => {
    fc.assert(
      fc.property(recordText, (t) => sameParse(Buffer.from(t))),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.oneof(fc.json(), valueText), (t) => sameParse(Buffer.from(t))),
      { numRuns: 1000 },
    );
    fc.assert(fc.property(mutated(recordText), sameParse), { numRuns: 1000 });
    fc.assert(fc.property(hostileBytes, sameParse), { numRuns: 300 });
    for (const v of [null, Buffer.alloc(0), Buffer.alloc(1024 * 1024 + 1, 0x20)]) sameParse(v as Buffer);
  });

  test('the same documents, ids, Redis keys and values, versions, and savepoint state, through the pipeline', async () => {
    const recordArb = fc.record({
      user: fc.oneof(
        fc.integer({ min: 0, max: 6 }).map((n) => `u${n}`),
        fc.constantFrom('__proto__', 'constructor', 'ü-straße'),
      ),
      type: fc.constantFrom('view', 'click', '__proto__', 'toString', '1'),
      step: fc.integer({ min: 0, max: 30_000 }),
      jitter: fc.integer({ min: 0, max: 70_000 }),
      bad: fc.integer({ min: 0, max: 20 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(recordArb, { maxLength: 80 }), fc.constantFrom(0, 30_000), async (records, allowedLatenessMs) => {
        let t = NOW - 3_600_000;
        const values = records.map((r, offset) => {
          t += r.step;
          const value =
            r.bad === 0
              ? '{"userId":'
              : JSON.stringify({ userId: r.user, eventType: r.type, timestamp: Math.max(NOW - 3_600_000, t - r.jitter) });
          return { offset: String(offset), value: Buffer.from(value), key: null, timestamp: '0' };
        });
        const batches: SourceBatch[] = [];
        for (let i = 0; i < values.length; i += 7) batches.push({ topic: 'in', partition: 0, records: values.slice(i, i + 7) });
        const run = async <OUT>(job: JobDefinition<unknown, unknown, OUT>) => {
          const results = new MemoryResults<OUT>();
          const letters = new MemoryLetters();
          const store = new InMemoryWindowStore<unknown>();
          const pipeline = new WindowPipeline({
            job,
            windows: { sizeMs: 60_000, outOfOrdernessMs: 5000, allowedLatenessMs, idleTimeoutMs: 0 },
            topics: { dlq: 'dlq', late: 'late' },
            sinks: [results],
            deadLetters: letters,
            now: () => NOW,
            logger: silentLogger,
            keyedStage: (onResults) => new LocalKeyedStage({ sizeMs: 60_000, allowedLatenessMs }, job.aggregate, store, onResults),
          });
          await pipeline.start();
          pipeline.assign([0]);
          for (const b of batches) await pipeline.processBatch(b);
          // Savepoint state of what is still open, read back by the other job's codec.
          const state = [...store.windowStarts()].flatMap((s) =>
            [...store.entries(s)].map(([k, e]) => [s, k, job.stateCodec.encode(e.accumulator)]),
          );
          await pipeline.finish();
          await pipeline.stop();
          return {
            results: results.written,
            letters: letters.letters.map((l) => `${l.topic}/${l.code}/${l.message}/${l.source.offset}`),
            state,
          };
        };
        const a = await run(builtIn as unknown as JobDefinition<unknown, unknown, ClickCountResult>);
        const b = await run(compiled as unknown as JobDefinition<unknown, unknown, CompiledResult>);
        assert.deepEqual(b.letters, a.letters);
        assert.equal(b.results.length, a.results.length);
        a.results.forEach((ra, i) => {
          const rb = b.results[i] as CompiledResult;
          assert.equal(JSON.stringify(compiled.toDocument!(rb)), JSON.stringify(ra), 'the document, byte for byte');
          assert.equal(compiled.resultId(rb), builtIn.resultId(ra));
          assert.equal(compiled.redisKey!(rb), builtIn.resultId(ra));
          assert.equal(compiled.redisValue(rb), builtIn.redisValue(ra));
          assert.equal(compiled.resultVersion(rb), builtIn.resultVersion(ra));
          assert.deepEqual(compiled.resultRef(rb), builtIn.resultRef(ra));
        });
        // Savepoints move between the two: each reads the other's accumulators to the same results.
        assert.equal(b.state.length, a.state.length);
        a.state.forEach(([start, key, json], i) => {
          const [, , other] = b.state[i] as [number, string, unknown];
          const window = { start: start as number, end: (start as number) + 60_000 };
          assert.equal(
            JSON.stringify(compiled.toDocument!(compiled.aggregate.result(compiled.stateCodec.decode(json), key as string, window))),
            JSON.stringify(builtIn.aggregate.result(builtIn.stateCodec.decode(json), key as string, window)),
          );
          assert.equal(
            JSON.stringify(builtIn.aggregate.result(builtIn.stateCodec.decode(other), key as string, window)),
            JSON.stringify(compiled.toDocument!(compiled.aggregate.result(compiled.stateCodec.decode(other), key as string, window))),
          );
          assert.equal(compiled.stateCodec.decode(json)['#'], builtIn.stateCodec.decode(json).count);
        });
      }),
      { numRuns: 60 },
    );
  });
});

test("a window worker's job refuses what the main thread's refuses: SLUICE_MAX_RECORD_BYTES reaches jobByName and loadJobSource", async () => {
  const { jobByName } = await import('../../src/job/registry.js');
  const value = Buffer.from(JSON.stringify({ userId: 'u', eventType: 'click', timestamp: NOW }));
  const limit = value.length - 1;
  // The built-in job, as a worker loads it (by name, with the daemon's parse options).
  assert.equal(jobByName('clickstream').parse(value, NOW).ok, true);
  const builtIn = jobByName('clickstream', { maxRecordBytes: limit }).parse(value, NOW);
  assert.equal(builtIn.ok ? undefined : builtIn.code, 'TOO_LARGE');
  // A job file, as a worker compiles it again from the validated content.
  const source = { kind: 'file' as const, path: 'examples/clickstream.yaml', spec: reference };
  const fileJob = await loadJobSource(source, { maxRecordBytes: limit });
  const fromFile = fileJob.parse(value, NOW);
  assert.equal(fromFile.ok ? undefined : fromFile.code, 'TOO_LARGE');
  assert.equal((await loadJobSource(source)).parse(value, NOW).ok, true);
});
