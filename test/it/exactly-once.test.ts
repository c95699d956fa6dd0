/**
 * Exactly-once across crashes, on the real services: the daemon runs as a child process with
 * barrier checkpoints every second while the fixture is produced in chunks; it is SIGKILLed at
 * random moments and restarted on the SAME state directory each time. At the end every
 * Elasticsearch document and Redis key must equal the counts computed independently from what was
 * produced: nothing lost, nothing counted twice.
 *
 * A second test crashes one worker thread (SLUICE_TEST_WORKER_EXIT_AFTER_STEPS, test only) with no
 * restarts allowed: the daemon stops with WORKER_FAILED, and a restart recovers exactly. A third
 * lets the supervisor restart the job in-process (fixed delay) after a worker crash: exact again.
 */
import { Client } from '@elastic/elasticsearch';
import { Redis } from 'ioredis';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildFixture, MINUTE, type ExpectedResult, type Fixture, type FixtureMessage } from '../helpers/clickstream-fixture.js';
import { startDaemon, waitFor, type DaemonProcess } from '../helpers/daemon-process.js';
import { createTopics, deleteTopics, kafkaBrokers, testKafka } from '../helpers/kafka.js';
import { esNode, redisUrl, uniqueName, waitForElasticsearch } from '../helpers/services.js';
import { esDocCount, redisKeys } from '../helpers/sink-reads.js';

const PARTITIONS = 3;
const kafka = testKafka();
const es = new Client({ node: esNode() });
const redis = new Redis(redisUrl(), { lazyConnect: true });
const daemons: DaemonProcess[] = [];
const cleanups: Array<() => Promise<void>> = [];

interface Run {
  name: string;
  topics: { input: string; dlq: string; late: string };
  index: string;
  prefix: string;
  stateDir: string;
  env: Record<string, string>;
}

function newRun(label: string): Run {
  const name = uniqueName(label);
  const run: Run = {
    name,
    topics: { input: `${name}-clicks`, dlq: `${name}-dlq`, late: `${name}-late` },
    index: `${name}-counts`,
    prefix: `${name}:`,
    // The same state directory across every restart: it holds the window state and checkpoints.
    stateDir: mkdtempSync(join(tmpdir(), 'sluice-eo-')),
    env: {},
  };
  run.env = {
    SLUICE_KAFKA_BROKERS: kafkaBrokers().join(','),
    SLUICE_KAFKA_TOPIC: run.topics.input,
    SLUICE_KAFKA_GROUP_ID: `${name}-group`,
    SLUICE_DLQ_TOPIC: run.topics.dlq,
    SLUICE_LATE_TOPIC: run.topics.late,
    SLUICE_ES_NODE: esNode(),
    SLUICE_ES_INDEX: run.index,
    SLUICE_REDIS_URL: redisUrl(),
    SLUICE_REDIS_KEY_PREFIX: run.prefix,
    SLUICE_STATE_DIR: run.stateDir,
    SLUICE_CHECKPOINT_INTERVAL_MS: '1000',
    SLUICE_CHECKPOINT_MIN_PAUSE_MS: '0',
    SLUICE_WORKERS: '2',
    SLUICE_METRICS_PORT: '0',
    SLUICE_LOG_LEVEL: 'debug',
    // A SIGKILLed member stays in the group until its session expires: keep that short.
    SLUICE_TEST_KAFKA_SESSION_TIMEOUT_MS: '6000',
  };
  cleanups.push(async () => {
    await deleteTopics(kafka, Object.values(run.topics)).catch(() => undefined);
    await es.indices.delete({ index: run.index }, { ignore: [404] }).catch(() => undefined);
    const keys = await redisKeys(redis, run.prefix);
    if (keys.length > 0) await redis.del(...keys);
    rmSync(run.stateDir, { recursive: true, force: true });
  });
  return run;
}

before(async () => {
  await waitForElasticsearch();
  await redis.connect();
});

after(async () => {
  for (const d of daemons) await d.stop('SIGKILL');
  for (const c of cleanups) await c();
  redis.disconnect();
  await es.close();
});

async function produce(run: Run, messages: FixtureMessage[]): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 2000) {
      await producer.send({ topic: run.topics.input, acks: -1, messages: messages.slice(i, i + 2000) });
    }
  } finally {
    await producer.disconnect();
  }
}

function start(run: Run, extra: Record<string, string> = {}): DaemonProcess {
  const d = startDaemon({ ...run.env, ...extra });
  daemons.push(d);
  return d;
}

function log(d: DaemonProcess): string {
  try {
    return readFileSync(d.logFile, 'utf8');
  } catch {
    return '';
  }
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

/** Every window written, then exactly the expected documents and keys, value by value. */
async function assertExact(run: Run, fixture: Fixture, d: DaemonProcess): Promise<void> {
  const expectedCount = fixture.expected.size;
  const allWritten = await waitFor(
    async () => (await esDocCount(es, run.index)) >= expectedCount && (await redisKeys(redis, run.prefix)).length >= expectedCount,
    90_000,
    1000,
  );
  assert.ok(
    allWritten,
    `not every window was written in time: ES ${await esDocCount(es, run.index)}, Redis ${(await redisKeys(redis, run.prefix)).length} of ${expectedCount}\n${d.tail()}`,
  );
  // Let anything still in flight land (a double count would show as a higher count).
  await new Promise((resolve) => setTimeout(resolve, 2000));

  const docs = new Map<string, ExpectedResult>();
  for await (const hit of es.helpers.scrollSearch<ExpectedResult>({ index: run.index, size: 5000, body: { query: { match_all: {} } } })) {
    for (const doc of hit.body.hits.hits) docs.set(doc._id, doc._source as ExpectedResult);
  }
  assert.equal(docs.size, expectedCount, 'no other document was written');
  let wrong = 0;
  const examples: string[] = [];
  for (const [id, want] of fixture.expected) {
    const got = docs.get(id);
    try {
      assert.deepEqual(got, want);
    } catch {
      wrong++;
      if (examples.length < 5) examples.push(`${id}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    }
  }
  assert.equal(wrong, 0, `${wrong} Elasticsearch documents differ, e.g.\n${examples.join('\n')}`);

  const keys = await redisKeys(redis, run.prefix);
  assert.equal(keys.length, expectedCount, 'no other key was written');
  const values = await redis.mget(...keys);
  for (const [i, key] of keys.entries()) {
    const want = fixture.expected.get(key.slice(run.prefix.length));
    assert.ok(want, `unexpected key ${key}`);
    assert.equal(values[i], String(want.count), key);
  }
}

function chunks<T>(items: T[], n: number): T[][] {
  const size = Math.ceil(items.length / n);
  return Array.from({ length: n }, (_, i) => items.slice(i * size, (i + 1) * size));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('SIGKILL at random moments, restarted on the same state directory: every document and key is exact', {
  timeout: 240_000,
}, async (t) => {
  const run = newRun('eo-kill');
  await createTopics(kafka, [{ topic: run.topics.input, partitions: PARTITIONS }]);
  const fixture = buildFixture({
    events: 40_000,
    users: 500,
    partitions: PARTITIONS,
    spanMs: 16 * MINUTE,
    badRatio: 0.01,
    maxDisorderMs: 4_000,
    seed: 7,
  });
  const parts = chunks(fixture.messages, 4);
  const seed = Number(process.env.SLUICE_TEST_SEED ?? Date.now() % 100_000);
  let r = seed;
  const random = () => (r = (r * 1103515245 + 12345) % 2147483648) / 2147483648;
  t.diagnostic(`seed ${seed}; ${fixture.messages.length} records for ${fixture.expected.size} windows`);

  let kills = 0;
  let restores = 0;
  let checkpoints = 0;
  let daemon = start(run);
  for (const part of parts) {
    await produce(run, part);
    // Kill at a random moment once the daemon consumes (and usually after a few checkpoints).
    const consuming = await waitFor(() => log(daemon).includes('sluice is consuming'), 30_000, 100);
    assert.ok(consuming, `the daemon did not start consuming\n${daemon.tail()}`);
    await sleep(1500 + random() * 3000);
    const text = log(daemon);
    checkpoints += count(text, '"checkpoint complete"');
    restores += count(text, '"restored the latest complete checkpoint"');
    const exit = await daemon.stop('SIGKILL');
    assert.equal(exit.signal, 'SIGKILL', `the daemon had exited on its own: ${JSON.stringify(exit)}\n${daemon.tail()}`);
    kills++;
    daemon = start(run);
  }
  await produce(run, fixture.trailing);
  await assertExact(run, fixture, daemon);
  restores += count(log(daemon), '"restored the latest complete checkpoint"');
  t.diagnostic(`${kills} SIGKILLs, ${checkpoints} checkpoints completed before them, ${restores} restores`);
  assert.ok(kills >= 3);
  assert.ok(restores >= 3, `a restart restored a checkpoint at least 3 times (got ${restores})`);

  const exit = await daemon.stop('SIGTERM');
  assert.equal(exit.code, 0, `exit ${JSON.stringify(exit)}\n${daemon.tail()}`);
});

test('a crashed worker thread with no restarts allowed stops the daemon with WORKER_FAILED; a restart recovers exactly', {
  timeout: 120_000,
}, async (t) => {
  const run = newRun('eo-worker');
  await createTopics(kafka, [{ topic: run.topics.input, partitions: PARTITIONS }]);
  const fixture = buildFixture({
    events: 20_000,
    users: 300,
    partitions: PARTITIONS,
    spanMs: 10 * MINUTE,
    badRatio: 0.005,
    maxDisorderMs: 4_000,
    seed: 11,
  });
  const parts = chunks(fixture.messages, 8);

  // Every worker exits on its 41st step: the first to get there fails the job, and with no
  // restart attempts the supervisor gives up at once.
  let daemon = start(run, { SLUICE_TEST_WORKER_EXIT_AFTER_STEPS: '40', SLUICE_RESTART_ATTEMPTS: '0' });
  assert.ok(await waitFor(() => log(daemon).includes('sluice is consuming'), 30_000, 100), daemon.tail());
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void daemon.exited.then((e) => (exited = e));
  let next = 0;
  while (next < parts.length && !exited) {
    await produce(run, parts[next++] as FixtureMessage[]);
    await sleep(1200);
  }
  assert.ok(await waitFor(() => exited !== undefined, 30_000, 200), `the daemon did not stop after its worker crashed\n${daemon.tail()}`);
  assert.notEqual(exited?.code, 0, `a crashed worker must stop the daemon non-zero: ${JSON.stringify(exited)}`);
  assert.match(log(daemon), /WORKER_FAILED/, daemon.tail());
  assert.match(log(daemon), /RESTARTS_EXHAUSTED/, daemon.tail());
  t.diagnostic(`crashed after ${count(log(daemon), '"checkpoint complete"')} checkpoints`);

  // A restart without the crash switch, then the rest of the input.
  daemon = start(run);
  while (next < parts.length) await produce(run, parts[next++] as FixtureMessage[]);
  await produce(run, fixture.trailing);
  await assertExact(run, fixture, daemon);
  assert.match(log(daemon), /restored the latest complete checkpoint|no checkpoint to restore/);
  const exit = await daemon.stop('SIGTERM');
  assert.equal(exit.code, 0, `exit ${JSON.stringify(exit)}\n${daemon.tail()}`);

  // The graceful stop took a final checkpoint with 2 workers: 3 workers cannot restore a checkpoint
  // (rescaling goes through a savepoint: test/it/savepoints.test.ts).
  const rescaled = start(run, { SLUICE_WORKERS: '3' });
  const rescaledExit = await rescaled.exited;
  assert.notEqual(rescaledExit.code, 0);
  assert.match(log(rescaled), /CHECKPOINT_INCOMPATIBLE/, rescaled.tail());
  assert.match(log(rescaled), /SLUICE_WORKERS=2/, rescaled.tail());
});

test('a crashed worker thread: the supervisor restarts the job in-process from the last checkpoint, exactly', {
  timeout: 150_000,
}, async (t) => {
  const run = newRun('eo-restart');
  await createTopics(kafka, [{ topic: run.topics.input, partitions: PARTITIONS }]);
  const fixture = buildFixture({
    events: 20_000,
    users: 300,
    partitions: PARTITIONS,
    spanMs: 10 * MINUTE,
    badRatio: 0.005,
    maxDisorderMs: 4_000,
    seed: 13,
  });
  const parts = chunks(fixture.messages, 8);

  // The workers of the first start exit on their 41st step; the restarted job runs normally.
  const daemon = start(run, {
    SLUICE_TEST_WORKER_EXIT_AFTER_STEPS: '40',
    SLUICE_TEST_WORKER_EXIT_ATTEMPTS: '1',
    SLUICE_RESTART_DELAY_MS: '500',
  });
  assert.ok(await waitFor(() => log(daemon).includes('sluice is consuming'), 30_000, 100), daemon.tail());
  for (const part of parts) {
    await produce(run, part);
    await sleep(800);
  }
  await produce(run, fixture.trailing);
  await assertExact(run, fixture, daemon);

  const text = log(daemon);
  assert.match(text, /WORKER_FAILED/, 'a worker crashed');
  assert.equal(count(text, 'restarting it from the last completed checkpoint'), 1, 'the job was restarted once, in-process');
  assert.equal(count(text, '"sluice is consuming"'), 2, 'and consumed again');
  assert.equal(daemon.child.exitCode, null, 'the process kept running through the restart');
  // From the failure to consuming again: the restart delay plus a restore.
  const lines = text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { time: string; msg: string });
  const failedAt = lines.find((l) => l.msg.includes('restarting it from the last completed checkpoint'))?.time;
  const resumedAt = lines.filter((l) => l.msg === 'sluice is consuming')[1]?.time;
  if (failedAt && resumedAt)
    t.diagnostic(`worker crash to consuming again: ${Date.parse(resumedAt) - Date.parse(failedAt)} ms (restart delay 500 ms)`);

  const exit = await daemon.stop('SIGTERM');
  assert.equal(exit.code, 0, `exit ${JSON.stringify(exit)}\n${daemon.tail()}`);
});
