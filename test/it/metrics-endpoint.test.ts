/**
 * The metrics endpoint scraped while the daemon runs on real Kafka (and Elasticsearch), as a child
 * process: records-in counts what was produced, consumer lag is consistent with it on every scrape
 * and reaches 0, checkpoints complete, /readyz says consuming, and `sluice status` reads it all.
 */
import { Client } from '@elastic/elasticsearch';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { METRIC_NAMES as M } from '../../src/telemetry/metrics.js';
import { buildFixture, MINUTE } from '../helpers/clickstream-fixture.js';
import { CLI, startDaemon, waitFor, type DaemonProcess } from '../helpers/daemon-process.js';
import { createTopics, deleteTopics, kafkaBrokers, testKafka } from '../helpers/kafka.js';
import { scrape, scrapeText, type Scraped } from '../helpers/metrics.js';
import { freePort } from '../helpers/ports.js';
import { esNode, uniqueName, waitForElasticsearch } from '../helpers/services.js';

const PARTITIONS = 3;
const run = uniqueName('metrics');
const topics = { input: `${run}-clicks`, dlq: `${run}-dlq`, late: `${run}-late` };
const index = `${run}-counts`;
const kafka = testKafka();
const es = new Client({ node: esNode() });
let daemon: DaemonProcess | undefined;

const fixture = buildFixture({
  events: 40_000,
  users: 300,
  partitions: PARTITIONS,
  spanMs: 8 * MINUTE,
  badRatio: 0.01,
  maxDisorderMs: 3_000,
});
const total = fixture.messages.length + fixture.trailing.length;

before(async () => {
  await waitForElasticsearch();
  await createTopics(kafka, [{ topic: topics.input, partitions: PARTITIONS }]);
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  for (let i = 0; i < fixture.messages.length; i += 2000) {
    await producer.send({ topic: topics.input, acks: -1, messages: fixture.messages.slice(i, i + 2000) });
  }
  await producer.send({ topic: topics.input, acks: -1, messages: fixture.trailing });
  await producer.disconnect();
});

after(async () => {
  await daemon?.stop('SIGKILL');
  await deleteTopics(kafka, Object.values(topics)).catch(() => undefined);
  await es.indices.delete({ index }, { ignore: [404] }).catch(() => undefined);
  await es.close();
});

test('/metrics while the daemon consumes real Kafka: records in, consumer lag, checkpoints, readiness, sluice status', async (t) => {
  const port = await freePort();
  daemon = startDaemon({
    SLUICE_KAFKA_BROKERS: kafkaBrokers().join(','),
    SLUICE_KAFKA_TOPIC: topics.input,
    SLUICE_KAFKA_GROUP_ID: `${run}-group`,
    SLUICE_DLQ_TOPIC: topics.dlq,
    SLUICE_LATE_TOPIC: topics.late,
    SLUICE_ES_NODE: esNode(),
    SLUICE_ES_INDEX: index,
    SLUICE_CHECKPOINT_INTERVAL_MS: '1000',
    SLUICE_METRICS_PORT: String(port),
    SLUICE_LOG_LEVEL: 'info',
  });

  // Scrape as fast as the endpoint answers while the backlog drains; every scrape must be consistent.
  const scrapes: Scraped[] = [];
  let last: Scraped | undefined;
  const caughtUp = await waitFor(
    async () => {
      const s = await scrape(port);
      if (!s) return false;
      scrapes.push(s);
      last = s;
      return (s.value(M.recordsIn) ?? 0) >= total && s.sum(M.consumerLag) === 0 && s.all(M.consumerLag).length === PARTITIONS;
    },
    120_000,
    100,
  );
  assert.ok(
    caughtUp,
    `did not catch up: records_in ${last?.value(M.recordsIn)} of ${total}, lag ${last?.sum(M.consumerLag)}\n${daemon.tail()}`,
  );
  const final = last as Scraped;
  t.diagnostic(`${scrapes.length} scrapes; the largest lag seen: ${Math.max(...scrapes.map((s) => s.sum(M.consumerLag)))} records`);

  // Every record counted once; the lag of a partition is what is left after its processed offset.
  assert.equal(final.value(M.recordsIn), total);
  assert.equal(final.sum(M.deadLetters), fixture.bad.length);
  let highSum = 0;
  for (let p = 0; p < PARTITIONS; p++) {
    const labels = { topic: topics.input, partition: String(p) };
    const high = final.value(M.highWatermark, labels) as number;
    assert.equal(final.value(M.processedOffset, labels), high - 1, `partition ${p}: processed up to its high watermark`);
    highSum += high;
  }
  assert.equal(highSum, total, 'the high watermarks add up to what was produced');
  for (const s of scrapes) {
    const partitions = s.all(M.consumerLag);
    if (partitions.length < PARTITIONS) continue;
    // Records not yet processed (lag) plus records processed can never be fewer than were produced.
    assert.ok(
      s.sum(M.consumerLag) + (s.value(M.recordsIn) ?? 0) >= total,
      `lag ${s.sum(M.consumerLag)} + in ${s.value(M.recordsIn)} < ${total}`,
    );
    for (const l of partitions) assert.ok(l.value >= 0 && l.value <= total);
  }

  // Windows fired into Elasticsearch; checkpoints (commits) complete; the daemon says it is ready.
  const settled = await waitFor(
    async () => {
      const s = await scrape(port);
      if (!s) return false;
      last = s;
      return (
        (s.value(M.resultsOut) ?? 0) >= fixture.expected.size &&
        (s.value(M.checkpointsCompleted) ?? 0) >= 2 &&
        (s.value(M.sinkAcknowledged, { sink: 'elasticsearch' }) ?? 0) >= fixture.expected.size
      );
    },
    60_000,
    250,
  );
  assert.ok(
    settled,
    `results ${last?.value(M.resultsOut)} of ${fixture.expected.size}, checkpoints ${last?.value(M.checkpointsCompleted)}\n${daemon.tail()}`,
  );
  const s = last as Scraped;
  assert.equal(s.value(M.windowsFired), fixture.expected.size);
  assert.equal(s.value(`${M.windowFireLatency}_count`), fixture.expected.size);
  assert.equal(s.value(M.checkpointFailures), undefined, 'no checkpoint failed (no failure series at all)');
  assert.ok((s.value(M.checkpointSize) ?? 0) > 0);
  assert.ok((s.value(M.checkpointAge) ?? Infinity) < 30);
  assert.ok(Number.isFinite(s.value(M.watermark)), 'a watermark');
  assert.ok((s.value(M.watermarkLag) ?? 0) > 2 * 60 * 60, 'the fixture is hours old in event time');
  assert.equal(s.value(M.ready), 1);
  assert.equal(s.value(M.daemonState, { state: 'running' }), 1);
  assert.equal(s.value(M.sinkCapacity, { sink: 'elasticsearch' }), 10_000);
  assert.ok((s.value('process_resident_memory_bytes') ?? 0) > 0, 'prom-client default metrics');
  assert.ok((s.value('nodejs_heap_size_used_bytes') ?? 0) > 0);
  assert.ok(s.value(M.eventLoopDelay, { thread: 'main', stat: 'p99' }) !== undefined);

  const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
  assert.equal(ready.status, 200);
  assert.match(await ready.text(), new RegExp(`consuming 3 partition\\(s\\) of ${topics.input}`));
  assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);

  // A person asks the running daemon.
  const status = spawnSync(process.execPath, [CLI, 'status', '--interval', '500'], {
    env: { ...process.env, SLUICE_METRICS_PORT: String(port) },
    encoding: 'utf8',
    timeout: 20_000,
  });
  assert.equal(status.status, 0, status.stderr);
  assert.match(status.stdout, /state +running, ready: consuming 3 partition/);
  assert.match(status.stdout, /events\/s in/);
  assert.match(status.stdout, new RegExp(`${total.toLocaleString('en-US')} records so far`));
  assert.match(status.stdout, /checkpoint +last completed (just now|\d+ s ago)/);
  assert.match(status.stdout, /consumer lag 0 records \(p0 0, p1 0, p2 0\)/);
  assert.match(status.stdout, /backpressure \d+% of the last/);
  t.diagnostic(`sluice status:\n${status.stdout}`);

  // Keep a sample for the record (the report quotes one).
  const sampleFile = join(tmpdir(), 'sluice-metrics-sample.txt');
  writeFileSync(sampleFile, await scrapeText(port));
  t.diagnostic(`scraped /metrics saved to ${sampleFile}`);

  const exit = await daemon.stop('SIGTERM');
  assert.equal(exit.code, 0, daemon.tail());
});
