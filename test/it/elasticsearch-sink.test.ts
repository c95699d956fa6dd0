/**
 * ElasticsearchSink against a real Elasticsearch 7.17 (scripts/stack up). Every test uses its own
 * index and deletes only that index. Faults (429, 503, dropped connections, 413) come from a small
 * HTTP proxy in front of the real node, so retries are exercised against real responses.
 */
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { Client } from '@elastic/elasticsearch';
import type { SluiceConfig } from '../../src/config.js';
import { ErrorCode, RecordErrorCode, SluiceError } from '../../src/errors.js';
import { clickstreamJob, type ClickCountResult } from '../../src/job/clickstream.js';
import { ElasticsearchSink, type ElasticsearchSinkOptions } from '../../src/streams/sinks/elasticsearch.js';
import type { DeadLetter, DeadLetterSink } from '../../src/streams/sinks/sink.js';
import { silentLogger } from '../../src/telemetry/logging.js';
import { capturingLogger } from '../helpers/capturing-logger.js';
import { esNode, uniqueName, waitForElasticsearch } from '../helpers/services.js';

type EsConfig = NonNullable<SluiceConfig['elasticsearch']>;

/** In-memory dead-letter sink: records what it got and how often it was flushed. */
class MemoryDeadLetters implements DeadLetterSink {
  readonly name = 'memory-dead-letters';
  readonly letters: DeadLetter[] = [];
  flushes = 0;
  async start(): Promise<void> {}
  async send(letters: readonly DeadLetter[]): Promise<void> {
    this.letters.push(...letters);
  }
  async flush(): Promise<void> {
    this.flushes += 1;
  }
  async close(): Promise<void> {}
}

const admin = new Client({ node: esNode() });
const createdIndices: string[] = [];
const openSinks: Array<ElasticsearchSink<ClickCountResult>> = [];
const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);

before(async () => {
  await waitForElasticsearch();
});

after(async () => {
  await Promise.allSettled(openSinks.map((s) => s.close()));
  for (const index of createdIndices) await admin.indices.delete({ index }, { ignore: [404] });
  await admin.close();
});

function newIndex(): string {
  const index = uniqueName('sluice-it-es');
  createdIndices.push(index);
  return index;
}

function result(userId: string, minute: number, byEventType: Record<string, number>): ClickCountResult {
  const windowStart = T0 + minute * 60_000;
  const count = Object.values(byEventType).reduce((a, b) => a + b, 0);
  return { userId, windowStart, windowEnd: windowStart + 60_000, count, byEventType };
}

function makeSink<OUT extends ClickCountResult = ClickCountResult>(
  index: string,
  overrides: Partial<EsConfig> = {},
  extra: Partial<ElasticsearchSinkOptions<OUT>> = {},
): ElasticsearchSink<OUT> {
  const sink = new ElasticsearchSink<OUT>({
    config: { node: esNode(), index, bulkDocs: 500, flushIntervalMs: 60_000, ...overrides },
    job: clickstreamJob,
    logger: silentLogger,
    ...extra,
  });
  openSinks.push(sink as unknown as ElasticsearchSink<ClickCountResult>);
  return sink;
}

/**
 * Raw HTTP, not the client: the client's JSON parser refuses any response holding a "__proto__" key,
 * and an eventType may be exactly that.
 */
async function getDoc(
  index: string,
  id: string,
): Promise<{ found: boolean; version?: number; raw?: string; source?: Record<string, unknown> }> {
  const res = await fetch(new URL(`/${index}/_doc/${encodeURIComponent(id)}`, esNode()));
  const body = JSON.parse(await res.text()) as { found: boolean; _version?: number; _source?: Record<string, unknown> };
  if (!body.found) return { found: false };
  return { found: true, version: body._version ?? 0, raw: JSON.stringify(body._source), source: body._source ?? {} };
}

async function countDocs(index: string): Promise<number> {
  await admin.indices.refresh({ index });
  const res = await admin.count({ index });
  return (res.body as { count: number }).count;
}

type Fault = 'forward' | 'destroy' | { status: number; body: unknown };

/** An HTTP proxy to the real node; `intercept` decides, per request, a fault or forwarding (it may wait first). */
async function esProxy(
  intercept: (req: IncomingMessage, body: Buffer) => Fault | Promise<Fault>,
): Promise<{ url: string; close: () => Promise<void> }> {
  const target = new URL(esNode());
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const fault = await intercept(req, body);
      if (fault === 'destroy') return void req.socket.destroy();
      if (fault !== 'forward') {
        res.writeHead(fault.status, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
        return void res.end(JSON.stringify(fault.body));
      }
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * `esProxy` where `decide` picks, per bulk request, a fault or forwarding. Everything that is not a
 * bulk request is forwarded.
 */
async function faultProxy(
  decide: (bulkBody: string, bulkNo: number) => Fault,
): Promise<{ url: string; bulks: () => number; close: () => Promise<void> }> {
  let bulks = 0;
  const proxy = await esProxy((req, body) => (req.url?.includes('_bulk') ? decide(body.toString('utf8'), ++bulks) : 'forward'));
  return { ...proxy, bulks: () => bulks };
}

test('start() creates the index with the explicit mapping, and a second start (or a racing one) is fine', async () => {
  const index = newIndex();
  const a = makeSink(index);
  const b = makeSink(index);
  // Two sinks racing to create the same index: one creates, the other meets resource_already_exists.
  await Promise.all([a.start(), b.start()]);
  // Creating a missing index goes on after start() (ready() says when it is done).
  await Promise.all([a.ready(), b.ready()]);
  const c = makeSink(index);
  await c.start();
  await c.ready();

  const res = await admin.indices.getMapping({ index });
  const mappings = (res.body as Record<string, { mappings: unknown }>)[index]?.mappings;
  assert.deepEqual(mappings, {
    dynamic: 'strict',
    properties: {
      byEventType: { type: 'object', enabled: false },
      count: { type: 'long' },
      userId: { type: 'keyword' },
      windowEnd: { type: 'date', format: 'epoch_millis' },
      windowStart: { type: 'date', format: 'epoch_millis' },
    },
  });
});

/**
 * `esProxy` holding the index's creation (PUT /<index>) until `release`, or answering it with
 * `refuse`; it counts the bulk requests that reach it.
 */
async function creationProxy(
  index: string,
  refuse?: { status: number; body: unknown },
): Promise<{ url: string; creationSeen: Promise<void>; release: () => void; bulks: () => number; close: () => Promise<void> }> {
  let bulks = 0;
  let seen!: () => void;
  const creationSeen = new Promise<void>((resolve) => (seen = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const proxy = await esProxy(async (req) => {
    if (req.url?.includes('_bulk')) bulks++;
    if (req.method !== 'PUT' || (req.url ?? '').split('?')[0] !== `/${index}`) return 'forward';
    seen();
    if (refuse) return refuse;
    await released;
    return 'forward';
  });
  return { ...proxy, creationSeen, release, bulks: () => bulks };
}

test('a missing index is created beside the start: start() does not wait for it, bulks do, ready() settles once it exists', async () => {
  const index = newIndex();
  const proxy = await creationProxy(index);
  try {
    const sink = makeSink(index, { node: proxy.url });
    // Held at the proxy: a start that waited for the creation would never resolve.
    await sink.start();
    await proxy.creationSeen;
    let ready = false;
    const readied = sink.ready().then(() => {
      ready = true;
    });
    await sink.write([result('u1', 0, { click: 2 }), result('u2', 0, { view: 1 })]);
    const flushed = sink.flush();
    // A bulk sent now would make ES create the index with a mapping of its own.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(proxy.bulks(), 0, 'no bulk before the index exists');
    assert.equal(ready, false);
    proxy.release();
    await Promise.all([readied, flushed]);
    assert.equal(proxy.bulks(), 1);
    assert.equal(await countDocs(index), 2);
    const res = await admin.indices.getMapping({ index });
    const mappings = (res.body as Record<string, { mappings: { dynamic?: string } }>)[index]?.mappings;
    assert.equal(mappings?.dynamic, 'strict', 'the index has the explicit mapping, not one ES made up for a bulk');
  } finally {
    await proxy.close();
  }
});

test('an index ES refuses to create: ready() rejects with ES_INDEX_SETUP_FAILED (not retriable for a 400), and no bulk is sent', async () => {
  const index = newIndex();
  const proxy = await creationProxy(index, {
    status: 400,
    body: { error: { type: 'illegal_argument_exception', reason: 'refused by the test' }, status: 400 },
  });
  try {
    const sink = makeSink(index, { node: proxy.url });
    await sink.start();
    await assert.rejects(sink.ready(), (err) => {
      assert.ok(err instanceof SluiceError);
      assert.equal(err.code, ErrorCode.ES_INDEX_SETUP_FAILED);
      assert.equal(err.retriable, false);
      assert.match(err.message, /cannot create Elasticsearch index .*refused by the test/);
      return true;
    });
    assert.equal(proxy.bulks(), 0);
  } finally {
    await proxy.close();
  }
});

test('documents have the contract shape, _id <userId>:<windowStart> and the count as external version', async () => {
  const index = newIndex();
  const sink = makeSink(index);
  await sink.start();
  // eventType keys that would break a mapped object: dots, empty, __proto__, many distinct ones.
  const weird = JSON.parse('{"__proto__": 2, "a.b": 1, "": 1, "click": 3}') as Record<string, number>;
  const many: Record<string, number> = {};
  for (let i = 0; i < 1_200; i++) many[`type-${i}`] = 1;
  const results = [result('alice', 0, { click: 2, view: 1 }), result('bob', 0, weird), result('carol.x', 1, many)];
  await sink.write(results);
  await sink.flush();

  for (const r of results) {
    const doc = await getDoc(index, `${r.userId}:${r.windowStart}`);
    assert.equal(doc.found, true);
    assert.equal(doc.raw, JSON.stringify(r), 'the _source is the result, byte for byte');
    assert.deepEqual(Object.keys(doc.source ?? {}), ['userId', 'windowStart', 'windowEnd', 'count', 'byEventType']);
    assert.equal(doc.version, r.count);
  }
  assert.equal(await countDocs(index), 3);
  // windowStart is a real date field: a range query over it finds the minute-0 windows.
  const search = await admin.search({ index, body: { _source: false, query: { range: { windowStart: { lt: T0 + 60_000 } } } } });
  assert.equal((search.body as { hits: { total: { value: number } } }).hits.total.value, 2);
});

test('rewriting the same result is idempotent', async () => {
  const index = newIndex();
  const sink = makeSink(index);
  await sink.start();
  const r = result('dave', 0, { click: 4 });
  await sink.write([r]);
  await sink.flush();
  const first = await getDoc(index, `dave:${r.windowStart}`);
  await sink.write([r, r]);
  await sink.flush();
  const second = await getDoc(index, `dave:${r.windowStart}`);
  assert.equal(second.raw, first.raw);
  assert.equal(second.version, 4);
  assert.equal(await countDocs(index), 1);
  assert.equal(sink.stats().deadLettered, 0);
});

test('an earlier (lower count) result never overwrites a later one, across flushes or within one bulk', async () => {
  const index = newIndex();
  const dead = new MemoryDeadLetters();
  const sink = makeSink(index, {}, { deadLetters: dead, deadLetterTopic: 'dlq' });
  await sink.start();
  const later = result('erin', 0, { click: 5 });
  const earlier = result('erin', 0, { click: 3 });
  await sink.write([later]);
  await sink.flush();
  await sink.write([earlier]);
  await sink.flush();
  assert.equal((await getDoc(index, `erin:${later.windowStart}`)).raw, JSON.stringify(later));

  // Both in one bulk, the later one first (as a retry could order them).
  const later2 = result('erin', 1, { view: 7 });
  const earlier2 = result('erin', 1, { view: 2 });
  await sink.write([later2, earlier2]);
  await sink.flush();
  assert.equal((await getDoc(index, `erin:${later2.windowStart}`)).raw, JSON.stringify(later2));
  assert.equal(dead.letters.length, 0, 'a version conflict is success, not a dead letter');
});

test('documents ES refuses go to the dead-letter sink with SINK_REJECTED; the rest of the bulk is written', async () => {
  const index = newIndex();
  const dead = new MemoryDeadLetters();
  type Loose = ClickCountResult & { extra?: string };
  const sink = makeSink<Loose>(index, {}, { deadLetters: dead, deadLetterTopic: 'test-dlq' });
  await sink.start();
  const good1 = result('frank', 0, { click: 1 });
  const extraField: Loose = { ...result('grace', 0, { click: 1 }), extra: 'not in the mapping' };
  const badDate = { ...result('heidi', 0, { click: 1 }), windowStart: 'yesterday' as unknown as number };
  const good2 = result('ivan', 0, { click: 2 });
  // A version ES cannot take would fail the whole bulk request: refused before sending.
  const badVersion = { ...result('judy', 0, { click: 1 }), count: -1 };
  await sink.write([good1, extraField, badDate, badVersion, good2]);
  await sink.flush();

  assert.equal(await countDocs(index), 2);
  assert.equal((await getDoc(index, `frank:${good1.windowStart}`)).found, true);
  assert.equal((await getDoc(index, `ivan:${good2.windowStart}`)).found, true);

  assert.equal(dead.letters.length, 3);
  const l0 = dead.letters.find((l) => l.key?.toString('utf8') === `judy:${badVersion.windowStart}`);
  assert.match(l0?.message ?? '', /resultVersion -1/);
  const [l1, l2] = dead.letters.filter((l) => l !== l0) as [DeadLetter, DeadLetter];
  assert.equal(l1.code, RecordErrorCode.SINK_REJECTED);
  assert.equal(l1.topic, 'test-dlq');
  assert.equal(l1.value?.toString('utf8'), JSON.stringify(extraField));
  assert.equal(l1.key?.toString('utf8'), `grace:${extraField.windowStart}`);
  assert.match(l1.message, /strict_dynamic_mapping_exception/);
  assert.deepEqual(
    { ...l1.source, timestamp: 'x' },
    { topic: `elasticsearch:${index}`, partition: -1, offset: `grace:${extraField.windowStart}`, timestamp: 'x' },
  );
  assert.match(l1.source.timestamp, /^\d{13}$/);
  assert.equal(l2.code, RecordErrorCode.SINK_REJECTED);
  assert.match(l2.message, /mapper_parsing_exception/);
  assert.equal(l2.value?.toString('utf8'), JSON.stringify(badDate));
  assert.ok(dead.flushes >= 1, 'flush() also flushes the dead letters it produced');
  assert.equal(sink.stats().deadLettered, 3);
});

test('flush(): resolves at once when empty, does not wait for the interval, and covers large writes (backpressure)', async () => {
  const index = newIndex();
  // A tiny buffer (10 per bulk, 20 buffered) so a write of 1,000 must wait for bulks to complete.
  const sink = makeSink(index, { bulkDocs: 10, flushIntervalMs: 60_000 });
  await sink.start();
  await sink.flush();

  await sink.write([result('judy', 0, { click: 1 }), result('judy', 1, { click: 1 })]);
  const started = Date.now();
  await sink.flush();
  assert.ok(Date.now() - started < 10_000, 'flush sends a partial bulk without waiting for flushIntervalMs');
  assert.equal(await countDocs(index), 2);

  const many = Array.from({ length: 1_000 }, (_, i) => result(`user-${i}`, 2, { click: 1 + (i % 3) }));
  await sink.write(many);
  const stats = sink.stats();
  assert.ok(stats.buffered + stats.inFlight <= 20, `buffer bounded: ${JSON.stringify(stats)}`);
  assert.ok(stats.acknowledged >= 980, 'write resolved only after earlier bulks freed room');
  await sink.flush();
  assert.equal(sink.stats().acknowledged, 1_002);
  assert.equal(await countDocs(index), 1_002);
});

test('a partial bulk is sent after flushIntervalMs without flush()', async () => {
  const index = newIndex();
  const sink = makeSink(index, { bulkDocs: 1_000, flushIntervalMs: 50 });
  await sink.start();
  await sink.ready();
  await sink.write([result('kim', 0, { click: 1 })]);
  const deadline = Date.now() + 10_000;
  while ((await countDocs(index)) < 1) {
    assert.ok(Date.now() < deadline, 'the document arrived by the interval flush');
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(sink.stats().acknowledged, 1);
});

test('429, 503 and dropped connections are retried until acknowledged; logs name the reason but no credentials', async () => {
  const index = newIndex();
  const faults: Fault[] = [
    { status: 429, body: { error: { type: 'es_rejected_execution_exception', reason: 'queue full' }, status: 429 } },
    'destroy',
    { status: 503, body: { error: { type: 'cluster_block_exception', reason: 'no master' }, status: 503 } },
  ];
  const proxy = await faultProxy((_body, n) => faults[n - 1] ?? 'forward');
  const { logger, lines } = capturingLogger();
  const password = 'pw-sekrit-123';
  const sink = makeSink(index, { node: proxy.url, username: 'sluice', password }, { logger });
  try {
    await sink.start();
    const rs = [result('leo', 0, { click: 1 }), result('mia', 0, { view: 2 })];
    await sink.write(rs);
    await sink.flush();
    // At least the three injected faults; more only if the real node itself was briefly unavailable.
    assert.ok(proxy.bulks() >= 4, 'three failed attempts, then success');
    assert.equal(await countDocs(index), 2);
    assert.equal(sink.stats().retries, proxy.bulks() - 1);

    const retries = lines
      .map((l) => JSON.parse(l) as { level: number; msg: string; reason?: string })
      .filter((l) => l.msg.includes('retrying'));
    assert.equal(retries.length, proxy.bulks() - 1);
    assert.match(retries[1]?.reason ?? '', /ConnectionError/);
    assert.ok(
      retries.every((l) => l.level === 40),
      'retries are logged at warn',
    );
    assert.match(retries[0]?.reason ?? '', /429 es_rejected_execution_exception/);
    assert.match(retries[2]?.reason ?? '', /503/);
    const all = lines.join('\n');
    assert.ok(!all.includes(password), 'password never logged');
    assert.ok(!all.includes(Buffer.from(`sluice:${password}`).toString('base64')), 'basic auth header never logged');
  } finally {
    await sink.close();
    await proxy.close();
  }
});

test('a bulk request too large (413) is split; a single document too large is dead-lettered', async () => {
  const index = newIndex();
  // The "server" accepts at most 2 documents (4 NDJSON lines) per request.
  const proxy = await faultProxy((body) =>
    body.trimEnd().split('\n').length > 4
      ? { status: 413, body: { error: { type: 'content_too_long', reason: 'too big' }, status: 413 } }
      : 'forward',
  );
  const dead = new MemoryDeadLetters();
  const sink = makeSink(index, { node: proxy.url }, { deadLetters: dead, deadLetterTopic: 'dlq' });
  try {
    await sink.start();
    await sink.write(Array.from({ length: 7 }, (_, i) => result(`n-${i}`, 0, { click: 1 })));
    await sink.flush();
    assert.equal(await countDocs(index), 7);
    assert.equal(dead.letters.length, 0);
  } finally {
    await sink.close();
    await proxy.close();
  }

  const tiny = await faultProxy(() => ({ status: 413, body: { error: { type: 'content_too_long', reason: 'too big' }, status: 413 } }));
  const dead2 = new MemoryDeadLetters();
  const sink2 = makeSink(index, { node: tiny.url }, { deadLetters: dead2, deadLetterTopic: 'dlq' });
  try {
    await sink2.start();
    await sink2.write([result('olga', 0, { click: 1 }), result('pete', 0, { click: 1 })]);
    await sink2.flush();
    assert.equal(dead2.letters.length, 2);
    assert.match(dead2.letters[0]?.message ?? '', /413/);
  } finally {
    await sink2.close();
    await tiny.close();
  }
});

test('close() during an outage ends the retries: pending flush() rejects with SINK_CLOSED; close() is idempotent', async () => {
  const index = newIndex();
  const proxy = await faultProxy(() => ({ status: 503, body: { error: { type: 'unavailable', reason: 'down' }, status: 503 } }));
  const sink = makeSink(index, { node: proxy.url });
  try {
    await sink.start();
    await sink.write([result('quinn', 0, { click: 1 })]);
    const flushing = sink.flush();
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(proxy.bulks() >= 2, 'still retrying');
    await sink.close();
    await assert.rejects(flushing, (err: unknown) => err instanceof SluiceError && err.code === ErrorCode.SINK_CLOSED);
    await sink.close(); // idempotent: a second close resolves too
    await assert.rejects(
      sink.write([result('quinn', 1, { click: 1 })]),
      (err: unknown) => err instanceof SluiceError && err.code === ErrorCode.SINK_CLOSED,
    );
  } finally {
    await proxy.close();
  }
});

test('start() against an unreachable node fails with a retriable ES_UNAVAILABLE that hides the credentials', async () => {
  const sink = makeSink('never-created', { node: 'http://sluice:pw-hidden-42@127.0.0.1:1' });
  await assert.rejects(sink.start(), (err: unknown) => {
    assert.ok(err instanceof SluiceError);
    assert.equal(err.code, ErrorCode.ES_UNAVAILABLE);
    assert.equal(err.retriable, true);
    assert.ok(!JSON.stringify(err.toJSON()).includes('pw-hidden-42'));
    return true;
  });
});
