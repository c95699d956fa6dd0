/**
 * The outputs of one run and their checks: a fresh Elasticsearch index and Redis key prefix (in an
 * empty Redis database, so DBSIZE is a cheap progress count), and the verification of what a run
 * wrote against the workload's expected results (bench/lib/workload.ts).
 */
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import type { ExpectedResult } from '../../test/helpers/clickstream-fixture.js';
import { esNode, redisUrl, uniqueName } from '../../test/helpers/services.js';
import { loadConfig } from '../../src/config.js';
import { clickstreamJob, type ClickCountResult } from '../../src/job/clickstream.js';
import { ElasticsearchSink } from '../../src/streams/sinks/elasticsearch.js';
import { silentLogger } from '../../src/telemetry/logging.js';
import { countCommitted } from './kafka.js';
import { onCleanup } from './run.js';
import { SHOP_AGGREGATIONS, type Workload } from './workload.js';

export interface SinkTargets {
  /** SLUICE_ES_INDEX: the index, or with a job of several aggregations the start of theirs (`<index>-<aggregation>`). */
  index: string;
  /** The indexes written: `index`, or each aggregation's. */
  indices: string[];
  /** The Redis URL with the database chosen for this run. */
  redisUrl: string;
  keyPrefix: string;
  redis: Redis;
  /** Delete the index and the keys now (they are big); also done at exit if a run fails first. */
  drop: () => Promise<void>;
}

export async function esFetch(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(new URL(path, esNode()), { ...init, signal: AbortSignal.timeout(30_000) });
}

/** Documents in an index (0 if it does not exist); `refresh` first makes every acknowledged write count. */
export async function esCount(index: string, refresh = true): Promise<number> {
  if (refresh) await esFetch(`/${index}/_refresh`, { method: 'POST' });
  const res = await esFetch(`/${index}/_count`);
  if (res.status === 404) return 0;
  return ((await res.json()) as { count?: number }).count ?? 0;
}

export async function scanCount(redis: Redis, prefix: string, unlink = false): Promise<number> {
  let cursor = '0';
  let n = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 5000);
    cursor = next;
    n += keys.length;
    if (unlink && keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
  return n;
}

/**
 * A unique index and key prefix, in an empty Redis database (from 15 down): DBSIZE counts only this
 * run's keys. `aggregations`: the job has several, each writing `<index>-<aggregation lowercased>`.
 */
export async function sinkTargets(label: string, aggregations?: readonly string[]): Promise<SinkTargets> {
  for (let db = 15; db >= 1; db--) {
    const redis = new Redis(`${redisUrl()}/${db}`, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    if ((await redis.dbsize()) !== 0) {
      redis.disconnect();
      continue;
    }
    const index = uniqueName(`bench-${label}`);
    const keyPrefix = `${uniqueName(`bench-${label}`)}:`;
    const indices = aggregations ? aggregations.map((a) => `${index}-${a.toLowerCase()}`) : [index];
    const drop = onCleanup(async () => {
      for (const i of indices) await esFetch(`/${i}`, { method: 'DELETE' }).catch(() => undefined);
      await scanCount(redis, keyPrefix, true).catch(() => undefined);
      redis.disconnect();
    });
    return { index, indices, redisUrl: `${redisUrl()}/${db}`, keyPrefix, redis, drop };
  }
  throw new Error('no empty Redis database among 1..15 for the bench');
}

export interface Verification {
  exact: boolean;
  notes: string[];
}

function sameResult(got: Partial<ExpectedResult> | undefined, want: ExpectedResult): boolean {
  if (!got) return false;
  const types = (o: Record<string, number> | undefined) =>
    JSON.stringify(
      Object.entries(o ?? {})
        .map(([k, v]) => [k, Number(v)])
        .sort(),
    );
  return (
    got.userId === want.userId &&
    Number(got.windowStart) === want.windowStart &&
    Number(got.windowEnd) === want.windowEnd &&
    Number(got.count) === want.count &&
    types(got.byEventType) === types(want.byEventType)
  );
}

/** A uniform sample of the expected results (reservoir), the same for every run of a seed. */
export function sampleExpected(workload: Workload, size: number, seed = 7): ExpectedResult[] {
  let a = seed >>> 0;
  const random = () => {
    a = (Math.imul(a, 1_664_525) + 1_013_904_223) >>> 0;
    return a / 4294967296;
  };
  const sample: ExpectedResult[] = [];
  let seen = 0;
  for (const r of workload.expectedResults()) {
    seen++;
    if (sample.length < size) sample.push(r);
    else {
      const j = Math.floor(random() * seen);
      if (j < size) sample[j] = r;
    }
  }
  return sample;
}

/** Sinks off: every stdout line against the expected results, all of them, none twice. */
export function verifyStdout(workload: Workload, file: string): Verification {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
  const seen = new Set<string>();
  let wrong = 0;
  let duplicates = 0;
  let example = '';
  for (const line of lines) {
    let got: ExpectedResult | undefined;
    try {
      got = JSON.parse(line) as ExpectedResult;
    } catch {
      // counted wrong below
    }
    const id = got ? `${got.userId}:${got.windowStart}` : line;
    if (seen.has(id)) duplicates++;
    seen.add(id);
    const want = workload.expected(id);
    if (!want || !sameResult(got, want)) {
      wrong++;
      example ||= `${line.slice(0, 200)} (expected ${want ? JSON.stringify(want) : 'no such result'})`;
    }
  }
  const exact = lines.length === workload.expectedWindows && wrong === 0 && duplicates === 0;
  const notes = [
    `stdout: ${lines.length} lines (expected ${workload.expectedWindows}), every line checked: ${wrong} wrong, ${duplicates} repeated`,
  ];
  if (example) notes.push(`first wrong line: ${example}`);
  return { exact, notes };
}

/**
 * ES + Redis: the document and key counts, and a sample of values (documents by _id with _mget,
 * keys with MGET) against the expected results. Redis holds the count (the contract; so does Flink's).
 */
export async function verifyStores(workload: Workload, t: SinkTargets, sampleSize: number): Promise<Verification> {
  const docs = await esCount(t.index);
  const keys = await scanCount(t.redis, t.keyPrefix);
  const sample = sampleExpected(workload, sampleSize);
  const ids = sample.map((r) => `${r.userId}:${r.windowStart}`);
  let esWrong = 0;
  let redisWrong = 0;
  const examples: string[] = [];
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    const res = await esFetch(`/${t.index}/_mget`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ids: chunk }),
    });
    const body = (await res.json()) as { docs?: Array<{ _id: string; found?: boolean; _source?: ExpectedResult }> };
    const byId = new Map((body.docs ?? []).map((d) => [d._id, d.found ? d._source : undefined]));
    const values = await t.redis.mget(...chunk.map((id) => `${t.keyPrefix}${id}`));
    chunk.forEach((id, j) => {
      const want = sample[i + j] as ExpectedResult;
      if (!sameResult(byId.get(id), want)) {
        esWrong++;
        if (examples.length < 2) examples.push(`ES ${id}: ${JSON.stringify(byId.get(id) ?? null)} (expected ${JSON.stringify(want)})`);
      }
      if (values[j] !== String(want.count)) {
        redisWrong++;
        if (examples.length < 2) examples.push(`Redis ${id}: ${values[j] ?? 'missing'} (expected ${want.count})`);
      }
    });
  }
  const exact = docs === workload.expectedWindows && keys === workload.expectedWindows && esWrong === 0 && redisWrong === 0;
  return {
    exact,
    notes: [
      `ES ${docs} docs, Redis ${keys} keys (expected ${workload.expectedWindows} of each); a sample of ${sample.length}: ${esWrong} ES documents and ${redisWrong} Redis values wrong`,
      ...examples,
    ],
  };
}

/**
 * examples/shop-activity.yaml with sinks off (its outputs fall back to stdout): every line equal to
 * its expected result of its aggregation (JSON, fields in order), all of them, none twice.
 */
export function verifyShopStdout(workload: Workload, file: string): Verification {
  const shop = workload.shop;
  if (!shop) return { exact: false, notes: ['the workload is not the shop workload (--workload shop)'] };
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
  const seen = new Set<string>();
  let wrong = 0;
  let duplicates = 0;
  let example = '';
  for (const line of lines) {
    let got: Record<string, unknown> | undefined;
    try {
      got = JSON.parse(line) as Record<string, unknown>;
    } catch {
      // counted wrong below
    }
    const aggregation = SHOP_AGGREGATIONS.find((a) => a === got?.aggregation);
    const key = aggregation === 'perUser' ? got?.userId : aggregation === 'perProduct' ? got?.productId : got?.region;
    const id = `${String(key)}:${String(got?.windowStart)}`;
    if (seen.has(`${aggregation}/${id}`)) duplicates++;
    seen.add(`${aggregation}/${id}`);
    const want = aggregation ? shop.expected(aggregation, id) : undefined;
    if (!want || JSON.stringify(want) !== JSON.stringify(got)) {
      wrong++;
      example ||= `${line.slice(0, 200)} (expected ${want ? JSON.stringify(want) : 'no such result'})`;
    }
  }
  const expected = SHOP_AGGREGATIONS.reduce((n, a) => n + shop.counts[a], 0);
  const notes = [`stdout: ${lines.length} lines (expected ${expected}), every line checked: ${wrong} wrong, ${duplicates} repeated`];
  if (example) notes.push(`first wrong line: ${example}`);
  return { exact: lines.length === expected && wrong === 0 && duplicates === 0, notes };
}

/**
 * examples/shop-activity.yaml with ES + Redis: per aggregation, the documents in its index and the
 * keys under its prefix (`<prefix><aggregation>:`) against its expected results, and a sample of up
 * to `sampleSize` of them value by value: each document equal to the expected one field by field
 * and in the same order (JSON), each Redis value the example's `redis.value`.
 */
export async function verifyShopStores(workload: Workload, t: SinkTargets, sampleSize: number): Promise<Verification> {
  const shop = workload.shop;
  if (!shop) return { exact: false, notes: ['the workload is not the shop workload (--workload shop)'] };
  let exact = true;
  const notes: string[] = [];
  for (const [i, aggregation] of SHOP_AGGREGATIONS.entries()) {
    const index = t.indices[i] as string;
    const prefix = `${t.keyPrefix}${aggregation}:`;
    const docs = await esCount(index);
    const keys = await scanCount(t.redis, prefix);
    const want = shop.counts[aggregation];
    const sample = sampleOf(shop.results(aggregation), sampleSize);
    let esWrong = 0;
    let redisWrong = 0;
    const examples: string[] = [];
    for (let j = 0; j < sample.length; j += 1000) {
      const chunk = sample.slice(j, j + 1000);
      const res = await esFetch(`/${index}/_mget`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ids: chunk.map(([id]) => id) }),
      });
      const body = (await res.json()) as { docs?: Array<{ _id: string; found?: boolean; _source?: unknown }> };
      const byId = new Map((body.docs ?? []).map((d) => [d._id, d.found ? d._source : undefined]));
      const values = await t.redis.mget(...chunk.map(([id]) => `${prefix}${id}`));
      chunk.forEach(([id, result], k) => {
        const got = JSON.stringify(byId.get(id) ?? null);
        if (got !== JSON.stringify(result)) {
          esWrong++;
          if (examples.length < 2) examples.push(`ES ${aggregation} ${id}: ${got} (expected ${JSON.stringify(result)})`);
        }
        if (values[k] !== shop.redisValue(result)) {
          redisWrong++;
          if (examples.length < 2)
            examples.push(`Redis ${aggregation} ${id}: ${values[k] ?? 'missing'} (expected ${shop.redisValue(result)})`);
        }
      });
    }
    exact &&= docs === want && keys === want && esWrong === 0 && redisWrong === 0;
    notes.push(
      `${aggregation}: ES ${docs} docs in ${index}, Redis ${keys} keys (expected ${want} of each); a sample of ${sample.length}: ${esWrong} documents and ${redisWrong} values wrong`,
      ...examples,
    );
  }
  return { exact, notes };
}

/** A uniform sample (reservoir, fixed seed) of `size` items; all of them when there are fewer. */
function sampleOf<T>(items: Iterable<T>, size: number, seed = 7): T[] {
  let a = seed >>> 0;
  const random = () => {
    a = (Math.imul(a, 1_664_525) + 1_013_904_223) >>> 0;
    return a / 4294967296;
  };
  const sample: T[] = [];
  let seen = 0;
  for (const item of items) {
    seen++;
    if (sample.length < size) sample.push(item);
    else {
      const j = Math.floor(random() * seen);
      if (j < size) sample[j] = item;
    }
  }
  return sample;
}

/** Every bad record dead-lettered, no event late (as a read_committed reader sees the topics). */
export async function verifySideOutputs(kafka: Kafka, workload: Workload, dlqTopic: string, lateTopic: string): Promise<Verification> {
  const dlq = await countCommitted(kafka, dlqTopic, workload.badRecords).catch(() => -1);
  const late = await countCommitted(kafka, lateTopic, 0, 6_000).catch(() => -1);
  return {
    exact: dlq === workload.badRecords && late === 0,
    notes: [`dead letters ${dlq} (expected ${workload.badRecords}), late events ${late} (expected 0)`],
  };
}

/**
 * Warm a JVM-based Elasticsearch up before the measured runs. A freshly started node JIT-compiles
 * its indexing path while it works: on this machine its CPU for the same 100,000 result documents
 * fell from 12.5 s in the first run of a session to 2.2-2.8 s several runs later, and the first run
 * of whichever system came first paid for it. So: rounds of `roundDocs` clickstream results written
 * through sluice's own Elasticsearch sink (the same client, bulk requests and versions as the
 * daemon's) into a scratch index, until a round is no longer cheaper for the node than the round
 * before by a factor of `settled` (or `maxRounds`); the index is then deleted. `cpuSeconds` reads
 * the node's CPU (undefined: one round). Returns each round's CPU seconds.
 */
export async function warmElasticsearch(options: {
  roundDocs: number;
  maxRounds: number;
  settled: number;
  cpuSeconds: () => number | undefined;
}): Promise<number[]> {
  const index = uniqueName('bench-es-warmup');
  const config = loadConfig({ SLUICE_ES_NODE: esNode(), SLUICE_ES_INDEX: index }).elasticsearch;
  if (!config) throw new Error('Elasticsearch warm-up: no Elasticsearch configuration');
  const sink = new ElasticsearchSink<ClickCountResult>({ config, job: clickstreamJob, logger: silentLogger });
  const drop = onCleanup(() => esFetch(`/${index}`, { method: 'DELETE' }));
  const users = 10_000;
  const minute = 60_000;
  const rounds: number[] = [];
  await sink.start();
  try {
    for (let round = 0; round < options.maxRounds; round++) {
      const cpu0 = options.cpuSeconds();
      for (let from = 0; from < options.roundDocs; from += users) {
        const windowStart = (round * options.roundDocs + from) * (minute / users);
        await sink.write(
          Array.from({ length: Math.min(users, options.roundDocs - from) }, (_, i) => ({
            userId: `user-${i}`,
            windowStart,
            windowEnd: windowStart + minute,
            count: 1 + (i % 7),
            byEventType: { click: 1 + (i % 7) },
          })),
        );
      }
      await sink.flush();
      const cpu1 = options.cpuSeconds();
      if (cpu0 === undefined || cpu1 === undefined) break;
      rounds.push(cpu1 - cpu0);
      const before = rounds.at(-2);
      if (before !== undefined && (cpu1 - cpu0) * options.settled >= before) break;
    }
  } finally {
    await sink.close();
    await drop();
  }
  return rounds;
}
