/**
 * Sinks under faults, on the real services: the daemon runs as a user runs it (a child process),
 * with Elasticsearch and Redis reached through fault-injecting TCP proxies (test/helpers/fault-proxy.ts).
 *
 *  (a) Elasticsearch 10x slower for 2 minutes   (throttle calibrated on this machine, es-throttle.ts)
 *  (b) Elasticsearch refusing connections for 60 s
 *  (c) Redis down (refusing connections) for 60 s
 *  (d) Elasticsearch rejecting some documents with 400: Elasticsearch itself does it, not the proxy.
 *      The index exists before sluice starts, with a stricter mapping than sluice's (byEventType
 *      mapped field by field, `dynamic: strict`), as a team that maps every field would do; results
 *      with an event type it does not list are refused with strict_dynamic_mapping_exception (400).
 *      That is the daemon's real path: a real bulk response with real per-item errors.
 *
 * Each scenario produces enough records during the fault that an unbounded sink would hold tens of
 * thousands of results more than the bound, and checks, from the outside only:
 *  - backpressure reached the source: at every sample, the healthy sink is ahead of the faulted one
 *    by at most the faulted sink's buffer plus what one fetch of records can fire (see emitBound);
 *  - during an outage no offsets are committed (a stuck sink means no commit), and the daemon logs
 *    why it is waiting;
 *  - the daemon's peak RSS (VmHWM) stays under RSS_BOUND_MIB;
 *  - no rebalance: one "partitions assigned" in the daemon's log, the same single member before and
 *    after, the group Stable;
 *  - after recovery every Elasticsearch document and Redis key equals the fixture's independently
 *    computed result, nothing else was written, nothing went to the late topic, and the documents
 *    Elasticsearch refused are in the dead-letter topic with SINK_REJECTED and its reason.
 *
 * The four scenarios run concurrently (separate topics, groups, indices, key prefixes, proxies and
 * daemons), so the file takes about as long as the longest, (a).
 */
import { Client } from '@elastic/elasticsearch';
import { Redis } from 'ioredis';
import type { Admin, Kafka } from 'kafkajs';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test, type TestContext } from 'node:test';
import { RESULT_INDEX_MAPPING } from '../../src/streams/sinks/elasticsearch.js';
import {
  buildFixture,
  EVENT_TYPES,
  MINUTE,
  type ExpectedResult,
  type Fixture,
  type FixtureMessage,
  type FixtureOptions,
} from '../helpers/clickstream-fixture.js';
import { startDaemon, waitFor, type DaemonProcess } from '../helpers/daemon-process.js';
import { calibrateEsThrottle, type EsThrottle } from '../helpers/es-throttle.js';
import { FaultProxy, type ProxyMode } from '../helpers/fault-proxy.js';
import { committedOffsets, createTopics, deleteTopics, kafkaBrokers, readTopic, testKafka } from '../helpers/kafka.js';
import { esNode, redisUrl, uniqueName, waitForElasticsearch } from '../helpers/services.js';

const PARTITIONS = 3;
/** Both sinks' buffers, set explicitly (they are the defaults) because the checks below use them. */
const SINK_BUFFER = 10_000;
/**
 * The daemon runs with its V8 old space capped (NODE_OPTIONS=--max-old-space-size): whatever it
 * keeps (window state, sink buffers, records in flight) must fit, or it dies with "heap out of
 * memory" and the test fails. Without a cap V8 lets garbage pile up far longer (peaks of ~300 MiB
 * RSS for the same run), which says nothing about what is kept.
 */
const DAEMON_HEAP_MIB = 160;
/**
 * The daemon's peak RSS (VmHWM) must stay under this: the old space above, plus the young
 * generation (up to 3 x 16 MiB semi-spaces), code, and memory outside the heap (kafkajs's fetch
 * buffers, up to 10 MiB a fetch; copies of a batch's records).
 */
/** Window workers, each with its old space capped too (SLUICE_WORKER_MAX_HEAP_MB). */
const WORKERS = 2;
const WORKER_HEAP_MIB = 64;
/**
 * ...plus, per worker thread, its capped old space and ~32 MiB more (its own young generation and
 * isolate, and the LMDB pages it touched, which count as resident).
 */
const RSS_BOUND_MIB = DAEMON_HEAP_MIB + 128 + WORKERS * (WORKER_HEAP_MIB + 32);
/**
 * What one emit can hold. The watermark moves when the partition holding it back delivers a batch,
 * and by at most that batch's span of event time. A batch is at most 1 MiB (kafka-source.ts),
 * ~7,700 of these ~135-byte records, and the fixtures of (a)-(c) put 5,500-6,000 records per
 * partition in a minute: a step spans under 1.5 minutes, so it fires windows of at most 2 starts.
 */
const FETCH_SPAN_MINUTES = 2;
const TEST_TIMEOUT_MS = 12 * 60_000;

type SinkName = 'elasticsearch' | 'redis';

interface LogLine {
  level?: string;
  msg?: string;
  sink?: string;
  [key: string]: unknown;
}

function kib(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

const mib = (k: number | undefined): number => Math.round(((k ?? 0) / 1024) * 10) / 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The most windows whose start lies in any `minutes` consecutive minutes of the fixture. */
function windowsInSpan(expected: Map<string, ExpectedResult>, minutes: number): number {
  const perMinute = new Map<number, number>();
  for (const doc of expected.values()) perMinute.set(doc.windowStart, (perMinute.get(doc.windowStart) ?? 0) + 1);
  const starts = [...perMinute.keys()].sort((a, b) => a - b);
  let best = 0;
  for (const s of starts) {
    let sum = 0;
    for (let m = 0; m < minutes; m++) sum += perMinute.get(s + m * MINUTE) ?? 0;
    best = Math.max(best, sum);
  }
  return best;
}

/** One daemon with its own topics, group, index, key prefix and proxies, and what to check it with. */
class Scenario {
  readonly run: string;
  readonly topics: { input: string; dlq: string; late: string };
  readonly index: string;
  readonly prefix: string;
  readonly groupId: string;
  readonly fixture: Fixture;
  /** The most results one step of the watermark can hand the sinks at once. */
  readonly emitBound: number;
  readonly es = new Client({ node: esNode() });
  /** Connected to this scenario's own database once claimed (see claimRedisDb). */
  redis!: Redis;
  redisDb = 0;
  readonly kafka: Kafka;
  esProxy!: FaultProxy;
  redisProxy!: FaultProxy;
  daemon: DaemonProcess | undefined;
  private admin: Admin | undefined;
  /** The largest lead of the healthy sink over the faulted one seen in any sample. */
  maxLead = 0;
  samples = 0;

  constructor(
    readonly name: string,
    fixtureOptions: FixtureOptions,
  ) {
    this.run = uniqueName(`faults-${name}`);
    this.topics = { input: `${this.run}-clicks`, dlq: `${this.run}-dlq`, late: `${this.run}-late` };
    this.index = `${this.run}-counts`;
    this.prefix = `${this.run}:`;
    this.groupId = `${this.run}-group`;
    this.kafka = testKafka(`sluice-faults-${name}`);
    this.fixture = buildFixture(fixtureOptions);
    this.emitBound = windowsInSpan(this.fixture.expected, FETCH_SPAN_MINUTES);
  }

  async setup(prepareIndex?: (es: Client, index: string) => Promise<void>): Promise<void> {
    ({ redis: this.redis, db: this.redisDb } = await claimRedisDb(this.run));
    await createTopics(this.kafka, [{ topic: this.topics.input, partitions: PARTITIONS }]);
    this.admin = this.kafka.admin();
    await this.admin.connect();
    this.esProxy = await FaultProxy.start(esNode());
    this.redisProxy = await FaultProxy.start(redisUrl());
    if (prepareIndex) await prepareIndex(this.es, this.index);
  }

  start(): DaemonProcess {
    this.daemon = startDaemon({
      SLUICE_KAFKA_BROKERS: kafkaBrokers().join(','),
      SLUICE_KAFKA_TOPIC: this.topics.input,
      SLUICE_KAFKA_GROUP_ID: this.groupId,
      SLUICE_DLQ_TOPIC: this.topics.dlq,
      SLUICE_LATE_TOPIC: this.topics.late,
      SLUICE_ES_NODE: this.esProxy.url('http'),
      SLUICE_ES_INDEX: this.index,
      SLUICE_ES_BUFFER_DOCS: String(SINK_BUFFER),
      SLUICE_REDIS_URL: `${this.redisProxy.url('redis')}/${this.redisDb}`,
      SLUICE_REDIS_KEY_PREFIX: this.prefix,
      SLUICE_REDIS_BUFFER_KEYS: String(SINK_BUFFER),
      // The default (30 s). Much shorter, and the commits' flushes alone would hold the pipeline
      // during a fault, hiding whether the sink's buffer bound does (checked: with 5 s, an
      // unbounded Elasticsearch buffer passed the lead check).
      SLUICE_CHECKPOINT_INTERVAL_MS: '30000',
      SLUICE_WORKERS: String(WORKERS),
      SLUICE_WORKER_MAX_HEAP_MB: String(WORKER_HEAP_MIB),
      SLUICE_METRICS_PORT: '0',
      SLUICE_LOG_LEVEL: 'info',
      // The configured memory bound: a heap this size must hold everything the daemon keeps.
      NODE_OPTIONS: `--max-old-space-size=${DAEMON_HEAP_MIB}`,
    });
    return this.daemon;
  }

  get pid(): number {
    const pid = this.daemon?.child.pid;
    assert.ok(pid, 'the daemon is running');
    return pid;
  }

  async produce(messages: FixtureMessage[]): Promise<void> {
    const producer = this.kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      for (let i = 0; i < messages.length; i += 5_000) {
        await producer.send({ topic: this.topics.input, acks: -1, messages: messages.slice(i, i + 5_000) });
      }
    } finally {
      await producer.disconnect();
    }
  }

  async redisKeys(): Promise<string[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 10_000);
      cursor = next;
      for (const k of batch) keys.push(k);
    } while (cursor !== '0');
    return keys;
  }

  async esDocs(): Promise<number> {
    const exists = await this.es.indices.exists({ index: this.index });
    if (!exists.body) return 0;
    await this.es.indices.refresh({ index: this.index });
    const { body } = await this.es.count({ index: this.index });
    return body.count as number;
  }

  /** Keys in this scenario's database but the claim marker: O(1), unlike a SCAN of a big keyspace. */
  async redisCount(): Promise<number> {
    return Math.max(0, (await this.redis.dbsize()) - 1);
  }

  async counts(): Promise<{ es: number; redis: number }> {
    return { es: await this.esDocs(), redis: await this.redisCount() };
  }

  /**
   * Backpressure reached the source: the healthy sink cannot run ahead of the faulted one by more
   * than the faulted sink's buffer plus one emit. Counted healthy first, then faulted: the faulted
   * count can only have grown meanwhile, so the check never passes by a sampling accident.
   */
  async checkBackpressure(faulted: SinkName): Promise<{ es: number; redis: number }> {
    let es: number;
    let redis: number;
    if (faulted === 'elasticsearch') {
      redis = await this.redisCount();
      es = await this.esDocs();
    } else {
      es = await this.esDocs();
      redis = await this.redisCount();
    }
    let lead = faulted === 'elasticsearch' ? redis - es : es - redis;
    const bound = SINK_BUFFER + this.emitBound;
    if (lead > bound) {
      // DBSIZE would count a stranger's keys too: count ours exactly (same order) before failing.
      if (faulted === 'elasticsearch') {
        redis = (await this.redisKeys()).length;
        es = await this.esDocs();
      } else {
        es = await this.esDocs();
        redis = (await this.redisKeys()).length;
      }
      lead = faulted === 'elasticsearch' ? redis - es : es - redis;
    }
    this.maxLead = Math.max(this.maxLead, lead);
    this.samples++;
    assert.ok(
      lead <= bound,
      `${this.name}: the healthy sink is ${lead} results ahead of ${faulted} (bound ${SINK_BUFFER} buffered + ${this.emitBound} in one emit): results were not held back\n${this.daemon?.tail()}`,
    );
    return { es, redis };
  }

  /** Sample the backpressure invariant every few seconds until `until` (a time, or a condition). */
  async watch(
    faulted: SinkName,
    until: number | ((c: { es: number; redis: number }) => boolean),
    timeoutMs: number,
  ): Promise<{ es: number; redis: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.assertAlive();
      const c = await this.checkBackpressure(faulted);
      if (typeof until === 'number' ? Date.now() >= until : until(c)) return c;
      assert.ok(
        Date.now() < deadline,
        `${this.name}: not done in ${timeoutMs} ms: ES ${c.es}, Redis ${c.redis} of ${this.fixture.expected.size}\n${this.daemon?.tail()}`,
      );
      await sleep(Math.min(3_000, Math.max(0, (typeof until === 'number' ? until : deadline) - Date.now())));
    }
  }

  assertAlive(): void {
    const d = this.daemon;
    assert.ok(d && d.child.exitCode === null && d.child.signalCode === null, `${this.name}: the daemon exited\n${d?.tail()}`);
  }

  /** Peak RSS of the daemon's whole life so far (the kernel's high-water mark, no sampling gaps). */
  peakRssMiB(): number {
    return mib(kib(this.pid, 'VmHWM'));
  }

  rssMiB(): number {
    return mib(kib(this.pid, 'VmRSS'));
  }

  logLines(): LogLine[] {
    const file = this.daemon?.logFile;
    if (!file) return [];
    const out: LogLine[] = [];
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        out.push(JSON.parse(line) as LogLine);
      } catch {
        // a partial last line
      }
    }
    return out;
  }

  async committed(): Promise<string> {
    const offsets = await committedOffsets(this.admin as Admin, this.groupId, this.topics.input);
    return JSON.stringify([...offsets.entries()].sort(([a], [b]) => a - b));
  }

  /** The daemon's consumer: the live member of its run-scoped group (`<group>.sluice-run.*`; docs/kafka-failures.md). */
  async group(): Promise<{ state: string; members: string[] }> {
    const admin = this.admin as Admin;
    const prefix = `${this.groupId}.sluice-run.`;
    const ids = (await admin.listGroups()).groups.map((g) => g.groupId).filter((id) => id.startsWith(prefix));
    const live = ids.length === 0 ? [] : (await admin.describeGroups(ids)).groups.filter((g) => g.members.length > 0);
    return { state: live[0]?.state ?? 'missing', members: live.flatMap((g) => g.members.map((m) => `${g.groupId}/${m.memberId}`)).sort() };
  }

  /** Records in a topic (sum over partitions of high - low watermark); 0 if it does not exist. */
  async recordsIn(topic: string): Promise<number> {
    const admin = this.admin as Admin;
    if (!(await admin.listTopics()).includes(topic)) return 0;
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  }

  /**
   * Every Elasticsearch document and Redis key equals the fixture's result; nothing else exists.
   * `refused`: results Elasticsearch must have refused (absent there, present in Redis).
   */
  async verifyExact(refused: ReadonlySet<string> = new Set()): Promise<void> {
    const docs = new Map<string, ExpectedResult>();
    for await (const page of this.es.helpers.scrollSearch<ExpectedResult>({
      index: this.index,
      size: 5_000,
      body: { query: { match_all: {} } },
    })) {
      for (const hit of page.body.hits.hits) docs.set(hit._id, hit._source as ExpectedResult);
    }
    assert.equal(docs.size, this.fixture.expected.size - refused.size, `${this.name}: exactly the expected documents`);
    let wrong = 0;
    for (const [id, want] of this.fixture.expected) {
      if (refused.has(id)) {
        assert.equal(docs.has(id), false, `${this.name}: refused document ${id} is not in the index`);
        continue;
      }
      const got = docs.get(id);
      if (wrong < 5 && !isDeepEqual(got, want)) assert.deepEqual(got, want, `${this.name}: document ${id}`);
      if (!isDeepEqual(got, want)) wrong++;
    }
    assert.equal(wrong, 0, `${this.name}: documents differing from the expected result`);

    const keys = await this.redisKeys();
    assert.equal(keys.length, this.fixture.expected.size, `${this.name}: exactly the expected Redis keys`);
    for (let i = 0; i < keys.length; i += 10_000) {
      const chunk = keys.slice(i, i + 10_000);
      const values = await this.redis.mget(...chunk);
      for (const [j, key] of chunk.entries()) {
        const want = this.fixture.expected.get(key.slice(this.prefix.length));
        assert.ok(want, `${this.name}: unexpected key ${key}`);
        assert.equal(values[j], String(want.count), `${this.name}: ${key}`);
      }
    }
    assert.equal(await this.recordsIn(this.topics.late), 0, `${this.name}: no event was late (a fault must not make partitions look idle)`);
  }

  /** No rebalance: joined once, the same single member before and after, the group Stable. */
  async verifyNoRebalance(memberBefore: { state: string; members: string[] }): Promise<void> {
    const joins = this.logLines().filter((l) => l.msg === 'partitions assigned');
    assert.equal(joins.length, 1, `${this.name}: the daemon joined the group once (${joins.length} assignments)\n${this.daemon?.tail()}`);
    const after = await this.group();
    assert.deepEqual(after.members, memberBefore.members, `${this.name}: the same member throughout`);
    assert.equal(after.members.length, 1);
    assert.equal(after.state, 'Stable');
  }

  verifyRss(): number {
    const peak = this.peakRssMiB();
    assert.ok(peak > 0, 'VmHWM readable');
    assert.ok(peak <= RSS_BOUND_MIB, `${this.name}: peak RSS ${peak} MiB over the bound of ${RSS_BOUND_MIB} MiB`);
    return peak;
  }

  async stopCleanly(): Promise<void> {
    const exit = await (this.daemon as DaemonProcess).stop('SIGTERM');
    assert.equal(exit.code, 0, `${this.name}: clean stop ${JSON.stringify(exit)}\n${this.daemon?.tail()}`);
  }

  async cleanup(): Promise<void> {
    await this.daemon?.stop('SIGKILL');
    await this.esProxy?.close();
    await this.redisProxy?.close();
    await this.admin?.disconnect().catch(() => undefined);
    await deleteTopics(this.kafka, Object.values(this.topics)).catch(() => undefined);
    await this.es.indices.delete({ index: this.index }, { ignore: [404] }).catch(() => undefined);
    if (this.redis) {
      const keys = await this.redisKeys().catch(() => [] as string[]);
      for (let i = 0; i < keys.length; i += 5_000) await this.redis.unlink(...keys.slice(i, i + 5_000));
      await this.redis.del(CLAIM_KEY).catch(() => undefined);
      this.redis.disconnect();
    }
    await this.es.close();
  }
}

const CLAIM_KEY = 'sluice-test:database-claimed-by';

/**
 * A Redis database of this scenario's own (15 down to 1), so its keys can be counted with DBSIZE
 * while hundreds of thousands of other keys live in database 0. Claimed with SET NX on a marker
 * key (concurrent scenarios never share one; a tool that looks for an empty database skips it); a
 * database with anything else in it is left alone. Keys are still prefixed, and checked by prefix.
 */
async function claimRedisDb(owner: string): Promise<{ redis: Redis; db: number }> {
  for (let db = 15; db >= 1; db--) {
    const redis = new Redis(`${redisUrl()}/${db}`, { lazyConnect: true });
    await redis.connect();
    if ((await redis.set(CLAIM_KEY, owner, 'EX', 3_600, 'NX')) === 'OK') {
      if ((await redis.dbsize()) === 1) return { redis, db };
      await redis.del(CLAIM_KEY);
    }
    redis.disconnect();
  }
  throw new Error('no free Redis database among 1..15 for the sink fault tests');
}

function isDeepEqual(a: unknown, b: unknown): boolean {
  try {
    assert.deepEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

/**
 * The outage / slowness scenarios: 30% of the stream before the fault, the rest produced as the
 * fault starts, the trailing events after it; the invariant sampled throughout.
 */
async function faultScenario(
  t: TestContext,
  name: string,
  fixtureOptions: FixtureOptions,
  faulted: SinkName,
  fault: ProxyMode,
  faultMs: number,
): Promise<void> {
  const s = new Scenario(name, fixtureOptions);
  try {
    await s.setup();
    const { messages, trailing, expected } = s.fixture;
    const split = Math.floor(messages.length * 0.3);
    t.diagnostic(`${name}: ${messages.length} records, ${expected.size} windows; one emit holds at most ${s.emitBound} results`);
    await s.produce(messages.slice(0, split));
    s.start();
    await s.watch(faulted, (c) => c.es > 0 && c.redis > 0, 180_000);
    const group = await s.group();
    assert.equal(group.members.length, 1, 'one member');

    const proxy = faulted === 'elasticsearch' ? s.esProxy : s.redisProxy;
    await proxy.setMode(fault);
    const faultStart = Date.now();
    const rssAtFault = s.rssMiB();
    const atFault = await s.counts();
    await s.produce(messages.slice(split));
    t.diagnostic(
      `${name}: fault on at ES ${atFault.es}, Redis ${atFault.redis}; the rest of the stream produced in ${Date.now() - faultStart} ms`,
    );

    const outage = fault.kind === 'refuse' || fault.kind === 'reset' || fault.kind === 'hang';
    let committedDuring: string | undefined;
    if (outage) {
      // The pipeline is stuck on the faulted sink once a write (buffer full) or a commit's flush has
      // waited 10 s (both logged). From then on no commit can complete: a commit waits for every
      // sink to flush, and batches, ticks and commits run one at a time.
      const stuck = await waitFor(
        () =>
          s
            .logLines()
            .some(
              (l) =>
                l.sink === faulted &&
                typeof l.msg === 'string' &&
                /sink buffer full|sink flush waiting/.test(l.msg) &&
                Date.parse(String(l.time)) >= faultStart,
            ),
        faultMs - 10_000,
        1_000,
      );
      assert.ok(stuck, `${name}: the daemon logs that it waits on ${faulted}\n${s.daemon?.tail()}`);
      committedDuring = await s.committed();
    }
    const end = await s.watch(faulted, faultStart + faultMs, faultMs + 60_000);
    const rssEndOfFault = s.rssMiB();
    if (outage) {
      assert.equal(await s.committed(), committedDuring, `${name}: no offsets committed while ${faulted} was down`);
      assert.ok(
        (faulted === 'elasticsearch' ? end.redis : end.es) < expected.size,
        `${name}: the healthy sink did not get everything during the outage (the source was held back)`,
      );
    }
    t.diagnostic(
      `${name}: fault off after ${Date.now() - faultStart} ms at ES ${end.es}, Redis ${end.redis}; RSS ${rssAtFault} MiB at fault start, ${rssEndOfFault} MiB at its end; proxy ${JSON.stringify(proxy.stats())}`,
    );
    await proxy.setMode({ kind: 'pass' });
    const recovery = Date.now();
    await s.produce(trailing);
    await s.watch(faulted, (c) => c.es >= expected.size && c.redis >= expected.size, 300_000);
    t.diagnostic(
      `${name}: everything written ${Date.now() - recovery} ms after the fault ended; largest lead of the healthy sink ${s.maxLead} over ${s.samples} samples`,
    );
    if (outage) {
      const resumed = await waitFor(async () => (await s.committed()) !== committedDuring, 120_000, 1_000);
      assert.ok(resumed, `${name}: commits resume after recovery`);
    }
    const sinkLog = s.logLines().filter((l) => l.sink === faulted);
    if (outage) {
      assert.ok(
        sinkLog.some((l) => typeof l.msg === 'string' && /retrying/.test(l.msg)),
        `${name}: the sink logged the fault`,
      );
      assert.ok(
        sinkLog.some((l) => typeof l.msg === 'string' && /room again|flush done/.test(l.msg)),
        `${name}: the sink logged the end of the wait`,
      );
    }

    await s.verifyExact();
    assert.equal(await s.recordsIn(s.topics.dlq), 0, `${name}: nothing dead-lettered`);
    await s.verifyNoRebalance(group);
    const peak = s.verifyRss();
    t.diagnostic(`${name}: peak RSS ${peak} MiB (bound ${RSS_BOUND_MIB} MiB)`);
    await s.stopCleanly();
  } finally {
    await s.cleanup();
  }
}

/** The throttle that makes Elasticsearch 10x slower, measured before the scenarios load the machine. */
let throttle: EsThrottle;

before(async () => {
  await waitForElasticsearch();
  throttle = await calibrateEsThrottle(esNode(), 10);
});

describe('sinks under faults (real Kafka, Elasticsearch, Redis; the daemon as a child process)', { concurrency: true }, () => {
  test('(a) Elasticsearch 10x slower for 2 minutes: backpressure, bounded memory, no rebalance, exact results', {
    timeout: TEST_TIMEOUT_MS,
  }, async (t) => {
    t.diagnostic(
      `(a) one bulk of ${throttle.docsPerBulk} docs: ${Math.round(throttle.bulkMs)} ms, ${throttle.wireBytes} bytes on the wire; throttle ${throttle.bytesPerSecond} bytes/s per direction`,
    );
    await faultScenario(
      t,
      'es-slow',
      { events: 360_000, users: 60_000, partitions: PARTITIONS, spanMs: 20 * MINUTE, badRatio: 0, maxDisorderMs: 4_000, seed: 11 },
      'elasticsearch',
      { kind: 'throttle', bytesPerSecond: throttle.bytesPerSecond },
      120_000,
    );
  });

  test('(b) Elasticsearch refusing connections for 60 s', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await faultScenario(
      t,
      'es-down',
      { events: 200_000, users: 40_000, partitions: PARTITIONS, spanMs: 12 * MINUTE, badRatio: 0, maxDisorderMs: 4_000, seed: 12 },
      'elasticsearch',
      { kind: 'refuse' },
      60_000,
    );
  });

  test('(c) Redis down for 60 s', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await faultScenario(
      t,
      'redis-down',
      { events: 200_000, users: 40_000, partitions: PARTITIONS, spanMs: 12 * MINUTE, badRatio: 0, maxDisorderMs: 4_000, seed: 13 },
      'redis',
      { kind: 'refuse' },
      60_000,
    );
  });

  test('(d) Elasticsearch rejecting some documents with 400: dead-lettered with the reason, the rest exact', {
    timeout: TEST_TIMEOUT_MS,
  }, async (t) => {
    const s = new Scenario('es-rejects', {
      events: 60_000,
      users: 12_000,
      partitions: PARTITIONS,
      spanMs: 10 * MINUTE,
      badRatio: 0,
      maxDisorderMs: 4_000,
      seed: 14,
      rareEventTypes: { types: ['share'], ratio: 0.01 },
    });
    try {
      // A stricter mapping than sluice's: every event type listed, no other allowed.
      await s.setup(async (es, index) => {
        const byEventType = {
          type: 'object',
          dynamic: 'strict',
          properties: Object.fromEntries(EVENT_TYPES.map((e) => [e, { type: 'integer' }])),
        };
        await es.indices.create({
          index,
          body: { mappings: { ...RESULT_INDEX_MAPPING, properties: { ...RESULT_INDEX_MAPPING.properties, byEventType } } },
        });
      });
      const { messages, trailing, expected } = s.fixture;
      const refused = new Set([...expected].filter(([, doc]) => 'share' in doc.byEventType).map(([id]) => id));
      assert.ok(refused.size > 100 && refused.size < expected.size / 10, `a few refused documents (${refused.size})`);
      t.diagnostic(
        `es-rejects: ${messages.length} records, ${expected.size} windows, ${refused.size} of them with an event type the index refuses`,
      );

      s.start();
      await s.produce(messages);
      await waitFor(async () => (await s.counts()).es > 0, 180_000, 1_000);
      const group = await s.group();
      await s.produce(trailing);
      await waitFor(
        async () => {
          s.assertAlive();
          const c = await s.counts();
          return c.es >= expected.size - refused.size && c.redis >= expected.size;
        },
        300_000,
        2_000,
      );

      const letters = await readTopic(s.kafka, s.topics.dlq, refused.size, 120_000);
      assert.equal(letters.length, refused.size, 'every refused document is dead-lettered');
      // Offsets are no count here: the topic is written transactionally, and each commit adds a
      // marker. The read_committed reader read the topic to its end: each refused document once.
      assert.equal(new Set(letters.map((l) => l.key?.toString('utf8'))).size, refused.size, 'and nothing else (no duplicates)');
      const seen = new Set<string>();
      for (const letter of letters) {
        const id = letter.key?.toString('utf8') ?? '';
        assert.ok(refused.has(id), `unexpected dead letter ${id}`);
        assert.ok(!seen.has(id), `dead-lettered twice: ${id}`);
        seen.add(id);
        assert.deepEqual(JSON.parse(letter.value?.toString('utf8') ?? 'null'), expected.get(id), 'the value is the refused document');
        assert.equal(letter.headers['sluice-error'], 'SINK_REJECTED');
        assert.match(letter.headers['sluice-error-message'] ?? '', /strict_dynamic_mapping_exception.*share/);
        assert.equal(letter.headers['sluice-source-topic'], `elasticsearch:${s.index}`);
        assert.equal(letter.headers['sluice-source-offset'], id);
      }
      await s.verifyExact(refused);
      await s.verifyNoRebalance(group);
      const peak = s.verifyRss();
      t.diagnostic(`es-rejects: ${letters.length} dead letters, all SINK_REJECTED with the reason; peak RSS ${peak} MiB`);
      await s.stopCleanly();
    } finally {
      await s.cleanup();
    }
  });
});
