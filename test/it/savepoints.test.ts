/**
 * Savepoints on the real services, through the CLI as a user runs it:
 *   1. a daemon with 2 workers consumes while the fixture is produced; `sluice savepoint` mid-stream,
 *      then `sluice stop --savepoint --dir D`; a fresh daemon on ANOTHER state directory with
 *      SLUICE_WORKERS=1 (rescaling) runs `--from-savepoint`, the rest is produced, and every ES
 *      document and Redis key equals the counts computed independently from what was produced. A
 *      damaged copy of a savepoint is refused (SAVEPOINT_INVALID) before anything starts.
 *   2. the committed format-1 fixture (test/fixtures/savepoints/v1-clickstream, made by
 *      make-v1-fixture.ts) restores into 2 workers: its topic gets the fixture's event set, and the
 *      results are exactly what those events give for the windows still open at the savepoint.
 *      Its topic name is fixed by the fixture (a savepoint's offsets belong to one topic), so two
 *      runs of this test at the same moment against the same Kafka would collide.
 */
import { Client } from '@elastic/elasticsearch';
import { Redis } from 'ioredis';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { after, before, test } from 'node:test';
import { readSavepoint } from '../../src/state/savepoints/savepoint-reader.js';
import { buildFixture, MINUTE, type ExpectedResult, type FixtureMessage } from '../helpers/clickstream-fixture.js';
import { runCli, startDaemon, waitFor, type DaemonProcess } from '../helpers/daemon-process.js';
import { createTopics, deleteTopics, kafkaBrokers, testKafka } from '../helpers/kafka.js';
import { esNode, redisUrl, uniqueName, waitForElasticsearch } from '../helpers/services.js';
import { esDocCount, redisKeys } from '../helpers/sink-reads.js';

const kafka = testKafka();
const es = new Client({ node: esNode() });
const redis = new Redis(redisUrl(), { lazyConnect: true });
const daemons: DaemonProcess[] = [];
const cleanups: Array<() => Promise<void>> = [];
const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/savepoints/', import.meta.url));

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

interface Run {
  index: string;
  prefix: string;
  env: Record<string, string>;
}

function newRun(label: string, topic?: string): Run {
  const name = uniqueName(label);
  const input = topic ?? `${name}-clicks`;
  const dirs: string[] = [];
  const tmp = (what: string) => {
    const dir = mkdtempSync(join(tmpdir(), `sluice-sp-${what}-`));
    dirs.push(dir);
    return dir;
  };
  const run: Run = {
    index: `${name}-counts`,
    prefix: `${name}:`,
    env: {
      SLUICE_KAFKA_BROKERS: kafkaBrokers().join(','),
      SLUICE_KAFKA_TOPIC: input,
      SLUICE_KAFKA_GROUP_ID: `${name}-group`,
      SLUICE_DLQ_TOPIC: `${name}-dlq`,
      SLUICE_LATE_TOPIC: `${name}-late`,
      SLUICE_ES_NODE: esNode(),
      SLUICE_ES_INDEX: `${name}-counts`,
      SLUICE_REDIS_URL: redisUrl(),
      SLUICE_REDIS_KEY_PREFIX: `${name}:`,
      SLUICE_STATE_DIR: tmp('state'),
      SLUICE_CHECKPOINT_INTERVAL_MS: '1000',
      SLUICE_CHECKPOINT_MIN_PAUSE_MS: '0',
      SLUICE_WORKERS: '2',
      SLUICE_METRICS_PORT: '0',
      SLUICE_LOG_LEVEL: 'debug',
    },
  };
  (run as Run & { tmp: typeof tmp }).tmp = tmp;
  cleanups.push(async () => {
    await deleteTopics(
      kafka,
      [input, `${name}-dlq`, `${name}-late`].filter((t) => t !== topic),
    ).catch(() => undefined);
    await es.indices.delete({ index: run.index }, { ignore: [404] }).catch(() => undefined);
    const keys = await redisKeys(redis, run.prefix);
    if (keys.length > 0) await redis.del(...keys);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  return run;
}

const tmpOf = (run: Run) => (run as Run & { tmp: (what: string) => string }).tmp;

async function produce(topic: string, messages: FixtureMessage[]): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 2000) await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 2000) });
  } finally {
    await producer.disconnect();
  }
}

const log = (d: DaemonProcess) => (existsSync(d.logFile) ? readFileSync(d.logFile, 'utf8') : '');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function start(env: Record<string, string>, args: string[] = ['run']): DaemonProcess {
  const d = startDaemon(env, args);
  daemons.push(d);
  return d;
}

/** Every expected window written, then exactly those documents and keys, value by value. */
async function assertExact(run: Run, expected: Map<string, ExpectedResult>, d: DaemonProcess): Promise<void> {
  const n = expected.size;
  const written = await waitFor(
    async () => (await esDocCount(es, run.index)) >= n && (await redisKeys(redis, run.prefix)).length >= n,
    60_000,
    1000,
  );
  assert.ok(
    written,
    `not every window was written in time: ES ${await esDocCount(es, run.index)}, Redis ${(await redisKeys(redis, run.prefix)).length} of ${n}\n${d.tail()}`,
  );
  await sleep(1500); // anything still in flight lands (a double count would show as a higher count)
  const docs = new Map<string, ExpectedResult>();
  for await (const hit of es.helpers.scrollSearch<ExpectedResult>({ index: run.index, size: 5000, body: { query: { match_all: {} } } })) {
    for (const doc of hit.body.hits.hits) docs.set(doc._id, doc._source as ExpectedResult);
  }
  assert.equal(docs.size, n, 'no other document was written');
  const wrong = [...expected].filter(([id, want]) => !isDeepStrictEqual(docs.get(id), want));
  assert.equal(
    wrong.length,
    0,
    `${wrong.length} documents differ, e.g. ${wrong
      .slice(0, 3)
      .map(([id, want]) => `${id}: got ${JSON.stringify(docs.get(id))}, want ${JSON.stringify(want)}`)
      .join('\n')}`,
  );
  const keys = await redisKeys(redis, run.prefix);
  assert.equal(keys.length, n, 'no other key was written');
  const values = await redis.mget(...keys);
  for (const [i, key] of keys.entries()) assert.equal(values[i], String(expected.get(key.slice(run.prefix.length))?.count), key);
}

function chunks<T>(items: T[], n: number): T[][] {
  const size = Math.ceil(items.length / n);
  return Array.from({ length: n }, (_, i) => items.slice(i * size, (i + 1) * size));
}

test('savepoint mid-stream, stop with a savepoint, restore on another state directory with 1 worker instead of 2: exact', {
  timeout: 110_000,
}, async (t) => {
  const run = newRun('sp-rescale');
  const topic = run.env.SLUICE_KAFKA_TOPIC as string;
  await createTopics(kafka, [{ topic, partitions: 3 }]);
  const fixture = buildFixture({
    events: 20_000,
    users: 300,
    partitions: 3,
    spanMs: 10 * MINUTE,
    badRatio: 0.005,
    maxDisorderMs: 4_000,
    seed: 23,
  });
  const parts = chunks(fixture.messages, 6);

  const first = start(run.env);
  assert.ok(await waitFor(() => log(first).includes('admin endpoint listening'), 30_000, 100), first.tail());
  await produce(topic, [...(parts[0] as FixtureMessage[]), ...(parts[1] as FixtureMessage[])]);
  await sleep(1500);

  // `sluice savepoint` while it consumes: the path on stdout, under the state directory.
  const taken = await runCli(run.env, ['savepoint']);
  assert.equal(taken.code, 0, `sluice savepoint: ${taken.stderr}\n${first.tail()}`);
  const midway = taken.stdout.trim();
  assert.match(midway, new RegExp(`^${run.env.SLUICE_STATE_DIR}/savepoints/savepoint-\\d+-\\d{8}T\\d{6}Z$`));
  const mid = readSavepoint(midway);
  assert.equal(mid.manifest.workers, 2);
  assert.ok(mid.manifest.files.length > 10 && mid.manifest.files.every((f) => f.entries > 0), 'key group files of both workers');
  assert.ok(Object.keys(mid.manifest.placement.offsets).length > 0);

  await produce(topic, [...(parts[2] as FixtureMessage[]), ...(parts[3] as FixtureMessage[])]);
  await sleep(1000);
  // `sluice stop --savepoint --dir D`: the savepoint in D, then a graceful stop (exit 0).
  const elsewhere = tmpOf(run)('portable');
  const stopped = await runCli(run.env, ['stop', '--savepoint', '--dir', elsewhere]);
  assert.equal(stopped.code, 0, `sluice stop --savepoint: ${stopped.stderr}\n${first.tail()}`);
  const final = stopped.stdout.trim();
  assert.equal(readdirSync(elsewhere).length, 1, 'only the finished savepoint, no in-progress directory');
  assert.ok(final.startsWith(`${elsewhere}/savepoint-`), final);
  assert.equal((await first.exited).code, 0, first.tail());
  assert.ok(readSavepoint(final).manifest.checkpointId > mid.manifest.checkpointId);
  const noDaemon = await runCli(run.env, ['savepoint']);
  assert.equal(noDaemon.code, 1);
  assert.match(noDaemon.stderr, /DAEMON_NOT_RUNNING/);

  // A damaged copy is refused before anything is consumed.
  const damaged = join(tmpOf(run)('damaged'), 'sp');
  cpSync(final, damaged, { recursive: true });
  const victim = join(damaged, readSavepoint(final).manifest.files[0]?.path as string);
  writeFileSync(
    victim,
    readFileSync(victim, 'utf8').replace(/"count":(\d)/, (_m, d: string) => `"count":${(Number(d) + 1) % 10}`),
  );
  const refused = start({ ...run.env, SLUICE_STATE_DIR: tmpOf(run)('refused') }, ['run', '--from-savepoint', damaged]);
  assert.equal((await refused.exited).code, 1);
  assert.match(log(refused), /SAVEPOINT_INVALID.*is damaged: its sha256/, refused.tail());

  // Restore on another state directory, with 1 worker: each key group moves to worker 0.
  const restored = start({ ...run.env, SLUICE_STATE_DIR: tmpOf(run)('restored'), SLUICE_WORKERS: '1' }, ['run', '--from-savepoint', final]);
  assert.ok(await waitFor(() => log(restored).includes('sluice is consuming'), 30_000, 100), restored.tail());
  assert.match(log(restored), /"savepointWorkers":2,"workers":1/, 'restored the 2-worker savepoint into 1 worker');
  await produce(topic, [...(parts[4] as FixtureMessage[]), ...(parts[5] as FixtureMessage[]), ...fixture.trailing]);
  await assertExact(run, fixture.expected, restored);
  const imported = /"importedEntries":(\d+)/.exec(log(restored));
  t.diagnostic(
    `midway ${mid.manifest.files.reduce((n, f) => n + f.entries, 0)} entries; final savepoint imported ${imported?.[1]} entries; ${fixture.expected.size} windows exact`,
  );
  const exit = await restored.stop('SIGTERM');
  assert.equal(exit.code, 0, restored.tail());
});

test('the committed format-1 savepoint fixture restores (migrated) into 2 workers: results are what its event set gives', {
  timeout: 90_000,
}, async () => {
  const dir = join(FIXTURES, 'v1-clickstream');
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
    source: { topic: string };
    placement: { watermark: number };
  };
  const topic = manifest.source.topic;
  const run = newRun('sp-v1', topic);
  // The fixture's topic, fresh: its offsets 0.. are the event set's.
  await deleteTopics(kafka, [topic]);
  assert.ok(
    await waitFor(
      async () => {
        try {
          await createTopics(kafka, [{ topic, partitions: 1 }]);
          const admin = kafka.admin();
          await admin.connect();
          const offsets = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
          return offsets.length === 1 && offsets[0]?.high === '0';
        } catch {
          return false;
        }
      },
      30_000,
      1000,
    ),
    `topic ${topic} could not be recreated empty`,
  );
  cleanups.push(() => deleteTopics(kafka, [topic]).catch(() => undefined));

  const events = readFileSync(join(FIXTURES, 'v1-clickstream.events.ndjson'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { userId: string; eventType: string; timestamp: number });
  const last = Math.max(...events.map((e) => e.timestamp));
  const messages: FixtureMessage[] = events.map((e) => ({ key: e.userId, value: Buffer.from(JSON.stringify(e)), partition: 0 }));
  // Past every window of the set; its own window never fires.
  messages.push({
    key: 'trailer',
    partition: 0,
    value: Buffer.from(JSON.stringify({ userId: 'trailer', eventType: 'view', timestamp: last + 10 * MINUTE })),
  });
  await produce(topic, messages);

  // Independently: every window of the event set the savepoint's watermark had not passed (those
  // before it were written by the daemon that took the savepoint).
  const expected = new Map<string, ExpectedResult>();
  for (const e of events) {
    const windowStart = e.timestamp - (e.timestamp % MINUTE);
    if (windowStart + MINUTE - 1 <= manifest.placement.watermark) continue;
    const id = `${e.userId}:${windowStart}`;
    const doc = expected.get(id) ?? { userId: e.userId, windowStart, windowEnd: windowStart + MINUTE, count: 0, byEventType: {} };
    doc.count++;
    doc.byEventType[e.eventType] = (doc.byEventType[e.eventType] ?? 0) + 1;
    expected.set(id, doc);
  }
  assert.ok(expected.size >= 6);

  const daemon = start(run.env, ['run', '--from-savepoint', dir]);
  assert.ok(await waitFor(() => log(daemon).includes('sluice is consuming'), 30_000, 100), daemon.tail());
  assert.match(log(daemon), /restored savepoint .*v1-clickstream \(format 1, migrated to 2\)/, daemon.tail());
  assert.match(log(daemon), /going on in group/, 'another consumer group is allowed, and said');
  await assertExact(run, expected, daemon);
  const exit = await daemon.stop('SIGTERM');
  assert.equal(exit.code, 0, daemon.tail());
  assert.ok(readSavepoint(dir), 'the fixture is read only: it still verifies');
});
