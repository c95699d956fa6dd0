/**
 * Graceful stop of the daemon as a user runs it (child process, real Kafka):
 *  - SIGTERM stops intake, flushes, commits and exits 0 within SLUICE_SHUTDOWN_TIMEOUT_MS, and the
 *    group's committed offsets moved;
 *  - a stop that cannot finish (a sink that never acknowledges) ends at the bound with exit 1 and
 *    a message naming SLUICE_SHUTDOWN_TIMEOUT_MS, and commits no checkpoint;
 *  - a second signal during a graceful stop exits at once (130);
 *  - SIGTERM while the start still waits for an unreachable Kafka exits 0 at once, not at the bound.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Kafka } from 'kafkajs';
import { committedCheckpoint } from '../../src/streams/sinks/side-outputs.js';
import { METRIC_NAMES as M } from '../../src/telemetry/metrics.js';
import { buildFixture, MINUTE } from '../helpers/clickstream-fixture.js';
import { startDaemon, waitFor, type DaemonProcess } from '../helpers/daemon-process.js';
import { committedOffsets, createTopics, deleteTopics, kafkaBrokers, testKafka } from '../helpers/kafka.js';
import { scrape } from '../helpers/metrics.js';
import { freePort } from '../helpers/ports.js';
import { uniqueName } from '../helpers/services.js';
import { startStallingEs, type StallingEs } from '../helpers/stalling-es.js';

const PARTITIONS = 3;
const run = uniqueName('stop');
const topics = { input: `${run}-clicks`, dlq: `${run}-dlq`, late: `${run}-late` };
const kafka = testKafka();
const daemons: DaemonProcess[] = [];
let stalling: StallingEs | undefined;

const fixture = buildFixture({
  events: 6_000,
  users: 100,
  partitions: PARTITIONS,
  spanMs: 4 * MINUTE,
  badRatio: 0.01,
  maxDisorderMs: 2_000,
});
const total = fixture.messages.length + fixture.trailing.length;

before(async () => {
  await createTopics(kafka, [{ topic: topics.input, partitions: PARTITIONS }]);
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  await producer.send({ topic: topics.input, acks: -1, messages: fixture.messages });
  await producer.send({ topic: topics.input, acks: -1, messages: fixture.trailing });
  await producer.disconnect();
  stalling = await startStallingEs(`${run}-counts`);
});

after(async () => {
  for (const d of daemons) await d.stop('SIGKILL');
  await stalling?.close();
  await deleteTopics(kafka, Object.values(topics)).catch(() => undefined);
});

async function committed(k: Kafka, groupId: string): Promise<number[]> {
  const admin = k.admin();
  await admin.connect();
  try {
    const offsets = await committedOffsets(admin, groupId, topics.input);
    return [...offsets.entries()].sort(([a], [b]) => a - b).map(([, offset]) => offset);
  } finally {
    await admin.disconnect();
  }
}

function env(groupId: string, port: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SLUICE_KAFKA_BROKERS: kafkaBrokers().join(','),
    SLUICE_KAFKA_TOPIC: topics.input,
    SLUICE_KAFKA_GROUP_ID: groupId,
    SLUICE_DLQ_TOPIC: topics.dlq,
    SLUICE_LATE_TOPIC: topics.late,
    // Commits only at the stop: what the stop commits is what the test sees.
    SLUICE_CHECKPOINT_INTERVAL_MS: '3600000',
    SLUICE_METRICS_PORT: String(port),
    SLUICE_LOG_LEVEL: 'info',
    ...extra,
  };
}

async function consumedAll(port: number): Promise<boolean> {
  return waitFor(async () => ((await scrape(port))?.value(M.recordsIn) ?? 0) >= total, 60_000, 200);
}

describe('graceful stop', () => {
  test('SIGTERM: intake stops, sinks flush, offsets are committed, exit 0 within the bound', async () => {
    const groupId = `${run}-clean`;
    const port = await freePort();
    assert.deepEqual(await committed(kafka, groupId), [-1, -1, -1], 'a new group has no commit');
    const daemon = startDaemon(env(groupId, port, { SLUICE_SHUTDOWN_TIMEOUT_MS: '20000', SLUICE_WORKERS: '2' }));
    daemons.push(daemon);
    assert.ok(await consumedAll(port), daemon.tail());
    // Both window workers were the threads cli.ts started before loading the rest (thread-prestart.ts).
    const ready = readFileSync(daemon.logFile, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"window workers ready"'))
      .map((l) => JSON.parse(l) as { workers: number; prestarted: number });
    assert.deepEqual(ready, [{ ...ready[0], workers: 2, prestarted: 2 }], daemon.tail());

    const signalledAt = Date.now();
    const exit = await daemon.stop('SIGTERM');
    const tookMs = Date.now() - signalledAt;
    assert.deepEqual(exit, { code: 0, signal: null }, daemon.tail());
    assert.ok(tookMs < 20_000, `exited after ${tookMs} ms, beyond the 20000 ms bound`);
    assert.match(daemon.tail(), /"msg":"sluice stopped"/);

    // Every window but the trailing ones (their windows never close) was written, so the commit is
    // past almost everything: beyond the start of every partition.
    const after = await committed(kafka, groupId);
    assert.equal(after.length, PARTITIONS);
    for (const [p, offset] of after.entries()) assert.ok(offset > 0, `partition ${p} committed ${offset}`);
    // The results of the stop are on stdout (no sink configured): every closed window.
    const lines = daemon
      .stdout()
      .trim()
      .split('\n')
      .filter((l) => l.length > 0);
    assert.equal(lines.length, fixture.expected.size);
  });

  test('a stop that cannot finish (a sink never acknowledges) ends at SLUICE_SHUTDOWN_TIMEOUT_MS with exit 1, committing nothing', async () => {
    const groupId = `${run}-bounded`;
    const port = await freePort();
    const daemon = startDaemon(
      env(groupId, port, { SLUICE_ES_NODE: stalling?.url as string, SLUICE_ES_INDEX: `${run}-counts`, SLUICE_SHUTDOWN_TIMEOUT_MS: '3000' }),
    );
    daemons.push(daemon);
    assert.ok(await consumedAll(port), daemon.tail());
    assert.ok(await waitFor(() => (stalling?.bulkRequests() ?? 0) > 0, 30_000, 100), 'a bulk request is pending');

    const signalledAt = Date.now();
    const exit = await daemon.stop('SIGTERM');
    const tookMs = Date.now() - signalledAt;
    assert.deepEqual(exit, { code: 1, signal: null }, daemon.tail());
    assert.ok(tookMs >= 2_900, `gave up after ${tookMs} ms, before the bound`);
    assert.ok(tookMs < 15_000, `gave up after ${tookMs} ms`);
    assert.match(
      daemon.tail(),
      /sluice: stopped on SHUTDOWN_TIMEOUT: graceful stop did not finish within SLUICE_SHUTDOWN_TIMEOUT_MS=3000 ms \(still taking the final checkpoint\)/,
    );
    // At start the daemon records where it began (the log starts, checkpoint 0); no checkpoint after it.
    assert.deepEqual(await committed(kafka, groupId), [0, 0, 0], 'nothing was committed beyond the start');
    const admin = kafka.admin();
    await admin.connect();
    try {
      assert.equal(await committedCheckpoint(admin, groupId, topics.input), 0, 'no checkpoint committed');
    } finally {
      await admin.disconnect();
    }
  });

  test('SIGTERM while the start waits for an unreachable Kafka: exit 0 at once, not at SLUICE_SHUTDOWN_TIMEOUT_MS', async () => {
    const port = await freePort();
    // Nothing listens on port 1: every connection is refused, and kafkajs keeps retrying.
    const daemon = startDaemon({
      SLUICE_KAFKA_BROKERS: '127.0.0.1:1',
      SLUICE_KAFKA_TOPIC: topics.input,
      SLUICE_KAFKA_GROUP_ID: `${run}-unreachable`,
      SLUICE_METRICS_PORT: String(port),
      SLUICE_SHUTDOWN_TIMEOUT_MS: '120000',
    });
    daemons.push(daemon);
    assert.ok(
      await waitFor(
        () =>
          fetch(`http://127.0.0.1:${port}/healthz`).then(
            (r) => r.status === 200,
            () => false,
          ),
        30_000,
        100,
      ),
      daemon.tail(),
    );
    const exit = await daemon.stop('SIGTERM');
    assert.deepEqual(exit, { code: 0, signal: null }, daemon.tail());
    assert.match(daemon.tail(40), /sluice stopped/);
    assert.doesNotMatch(daemon.tail(40), /SHUTDOWN_TIMEOUT/);
  });

  test('a second signal during a graceful stop exits at once', async () => {
    const groupId = `${run}-twice`;
    const port = await freePort();
    const daemon = startDaemon(
      env(groupId, port, {
        SLUICE_ES_NODE: stalling?.url as string,
        SLUICE_ES_INDEX: `${run}-counts`,
        SLUICE_SHUTDOWN_TIMEOUT_MS: '120000',
      }),
    );
    daemons.push(daemon);
    assert.ok(await consumedAll(port), daemon.tail());
    const bulksBefore = stalling?.bulkRequests() ?? 0;
    assert.ok(
      await waitFor(() => (stalling?.bulkRequests() ?? 0) > bulksBefore || bulksBefore > 0, 30_000, 100),
      'a bulk request is pending',
    );

    daemon.child.kill('SIGTERM');
    // The stop is under way (and stuck on the sink): /readyz says not ready, /healthz alive.
    assert.ok(
      await waitFor(
        async () =>
          (await fetch(`http://127.0.0.1:${port}/readyz`).then(
            (r) => r.status,
            () => 0,
          )) === 503,
        10_000,
        100,
      ),
      'not ready while stopping',
    );
    assert.equal(daemon.child.exitCode, null, 'still stopping');
    const secondAt = Date.now();
    daemon.child.kill('SIGTERM');
    const exit = await daemon.exited;
    assert.deepEqual(exit, { code: 130, signal: null }, daemon.tail());
    assert.ok(Date.now() - secondAt < 10_000, 'the second signal did not wait for the stop');
    assert.match(daemon.tail(), /second signal: exiting at once/);
  });
});
