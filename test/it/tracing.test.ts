/**
 * One event's trace, from the `traceparent` header its producer wrote into Kafka to the
 * Elasticsearch bulk request that wrote its window: the daemon runs in-process (the JobRuntime class)
 * on real Kafka and Elasticsearch, with an in-memory span exporter.
 *
 *   producer span  <-link-  process <topic> (the consumed batch)  ->  parse (child)
 *                  <-link-  window fire (the firing that counted it)  <-link-  bulk <index>
 */
import { Client } from '@elastic/elasticsearch';
import { context, propagation, trace, type SpanContext } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { clickstreamJob } from '../../src/job/clickstream.js';
import { JobRuntime } from '../../src/streams/runtime/job-runtime.js';
import { silentLogger } from '../../src/telemetry/logging.js';
import { startTracing, type TracingHandle } from '../../src/telemetry/tracing.js';
import { buildFixture, MINUTE } from '../helpers/clickstream-fixture.js';
import { waitFor } from '../helpers/daemon-process.js';
import { createTopics, deleteTopics, kafkaBrokers, testKafka } from '../helpers/kafka.js';
import { esNode, uniqueName, waitForElasticsearch } from '../helpers/services.js';

const PARTITIONS = 2;
const run = uniqueName('trace');
const topics = { input: `${run}-clicks`, dlq: `${run}-dlq`, late: `${run}-late` };
const index = `${run}-counts`;
const kafka = testKafka();
const es = new Client({ node: esNode() });
const exporter = new InMemorySpanExporter();
let tracing: TracingHandle | undefined;
let daemon: { start(): Promise<void>; stop(): Promise<void> } | undefined;

const fixture = buildFixture({ events: 2_000, users: 40, partitions: PARTITIONS, spanMs: 3 * MINUTE, badRatio: 0, maxDisorderMs: 1_000 });

before(async () => {
  await waitForElasticsearch();
  await createTopics(kafka, [{ topic: topics.input, partitions: PARTITIONS }]);
  // The test's tracer provider is sluice's own start-up path, with an in-memory exporter.
  tracing = await startTracing({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
});

after(async () => {
  await daemon?.stop();
  await tracing?.shutdown();
  await deleteTopics(kafka, Object.values(topics)).catch(() => undefined);
  await es.indices.delete({ index }, { ignore: [404] }).catch(() => undefined);
  await es.close();
});

const hasLink = (span: ReadableSpan, sc: SpanContext) =>
  span.links.some((l) => l.context.traceId === sc.traceId && l.context.spanId === sc.spanId);

test("one event's trace goes from its Kafka traceparent header to the Elasticsearch bulk that wrote its window", async () => {
  // The producer traces one event (as an instrumented producer would) and sends its context along.
  const tracer = trace.getTracer('test-producer');
  const produceSpan = tracer.startSpan('send user-clicks');
  const headers: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), produceSpan), headers);
  produceSpan.end();
  const producerContext = produceSpan.spanContext();
  assert.match(headers.traceparent ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

  const tracedAt = 700;
  const traced = fixture.messages[tracedAt] as { key: string; value: Buffer };
  const event = JSON.parse(traced.value.toString()) as { userId: string; timestamp: number };
  const windowStart = event.timestamp - (event.timestamp % MINUTE);
  const messages = fixture.messages.map((m, i) => (i === tracedAt ? { ...m, headers } : m));
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  await producer.send({ topic: topics.input, acks: -1, messages: [...messages, ...fixture.trailing] });
  await producer.disconnect();

  const config = loadConfig({
    SLUICE_KAFKA_BROKERS: kafkaBrokers().join(','),
    SLUICE_KAFKA_TOPIC: topics.input,
    SLUICE_KAFKA_GROUP_ID: `${run}-group`,
    SLUICE_DLQ_TOPIC: topics.dlq,
    SLUICE_LATE_TOPIC: topics.late,
    SLUICE_ES_NODE: esNode(),
    SLUICE_ES_INDEX: index,
    SLUICE_CHECKPOINT_INTERVAL_MS: '1000',
    SLUICE_METRICS_PORT: '0',
    // Its own state directory: checkpoints belong to one job.
    SLUICE_STATE_DIR: mkdtempSync(join(tmpdir(), 'sluice-tracing-')),
  });
  const runtime = new JobRuntime(config, clickstreamJob, { logger: silentLogger });
  daemon = runtime;
  await runtime.start();

  const docId = `${event.userId}:${windowStart}`;
  const written = await waitFor(
    async () => {
      const res = await es.get({ index, id: docId }, { ignore: [404] }).catch(() => undefined);
      return (res?.body as { found?: boolean } | undefined)?.found === true;
    },
    60_000,
    250,
  );
  assert.ok(written, `document ${docId} was not written`);
  // A checkpoint after the write, then stop: every span has ended.
  await waitFor(
    () => exporter.getFinishedSpans().some((s) => s.name === 'checkpoint' && s.startTime[0] * 1000 > Date.now() - 900),
    10_000,
    100,
  );
  await runtime.stop();
  daemon = undefined;

  const spans = exporter.getFinishedSpans();
  const byName = (name: string) => spans.filter((s) => s.name === name);

  // 1. The consumed batch that held the event links to the producer's span.
  const batches = byName(`process ${topics.input}`).filter((s) => hasLink(s, producerContext));
  assert.equal(batches.length, 1, 'exactly one batch span links the producer span');
  const batch = batches[0] as ReadableSpan;
  assert.equal(batch.attributes['messaging.system'], 'kafka');
  assert.equal(batch.attributes['messaging.destination.name'], topics.input);
  assert.notEqual(batch.spanContext().traceId, producerContext.traceId, 'a batch starts its own trace and links its records');

  // 2. Parsing that batch is a child of it.
  const parse = byName('parse').find((s) => s.parentSpanContext?.spanId === batch.spanContext().spanId);
  assert.ok(parse, 'a parse span under the batch span');
  assert.equal(parse.attributes['messaging.batch.message_count'], batch.attributes['messaging.batch.message_count']);

  // 3. The firing that emitted the event's window links to the event.
  const fires = byName('window fire').filter((s) => hasLink(s, producerContext));
  assert.equal(fires.length, 1, 'one firing counted the traced event');
  const fire = fires[0] as ReadableSpan;
  assert.ok(
    (fire.attributes['sluice.window.start.first'] as number) <= windowStart &&
      windowStart <= (fire.attributes['sluice.window.start.last'] as number),
  );

  // 4. The Elasticsearch bulk that carried the window's document links to that firing.
  const bulks = byName(`bulk ${index}`).filter((s) => hasLink(s, fire.spanContext()));
  assert.ok(bulks.length >= 1, `a bulk span links the firing (bulk spans: ${byName(`bulk ${index}`).length})`);
  const bulk = bulks[0] as ReadableSpan;
  assert.equal(bulk.attributes['db.system.name'], 'elasticsearch');
  assert.equal(bulk.attributes['db.operation.name'], 'bulk');
  assert.ok((bulk.attributes['db.operation.batch.size'] as number) >= 1);
  assert.equal(bulk.status.code, 0, 'acknowledged (status unset)');
  assert.ok(bulk.startTime[0] * 1e9 + bulk.startTime[1] >= fire.startTime[0] * 1e9 + fire.startTime[1], 'the bulk ran after the firing');

  // Barrier checkpoints are traced with their steps.
  const checkpoint = byName('checkpoint')[0] as ReadableSpan;
  assert.ok(checkpoint, 'a checkpoint span');
  const steps = spans
    .filter((s) => s.parentSpanContext?.spanId === checkpoint.spanContext().spanId)
    .map((s) => s.name)
    .sort();
  assert.deepEqual(steps, ['commit side outputs and offsets', 'flush sinks', 'persist']);
});
