/**
 * One run of the flagship job on the real services under Kafka faults (broker outages, SIGKILLs),
 * for test/it/kafka-faults.test.ts and bench/kill-to-ready.ts: its own topics, index, Redis prefix,
 * consumer group and state directory; the daemon as a child process (restarted on the same state
 * directory); the fixture produced while it runs (PacedProducer); waits on what the daemon exposes
 * (/readyz, /metrics), never on sleeps; and the check that the outputs are exactly those of a
 * failure-free run, computed independently from what was produced.
 *
 * What it relies on in the daemon (existing names): GET /readyz (200 = restored and consuming) and
 * GET /metrics on SLUICE_METRICS_PORT, with sluice_kafka_processed_offset{topic,partition} (last
 * offset processed), sluice_checkpoints_completed_total, sluice_watermark_seconds and
 * sluice_records_in_total; exit 0 after SIGTERM.
 *
 * Production is continuous (PacedProducer: the fixture at a steady rate, a send every 100 ms), as a
 * live clickstream is: every partition gets records all the time, so no partition is ever idle in
 * a failure-free run (SLUICE_IDLE_TIMEOUT_MS is 3 s), and any late valid event is the fault's doing.
 * Around a broker outage the producer holds (its sends acknowledged, none in flight while the broker
 * stops, so nothing is written twice) and afterwards catches up on what fell due meanwhile in a
 * burst, as producers that buffer through an outage do.
 */
import type { Client } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';
import kafkajs, { type Admin, type Kafka, type Producer } from 'kafkajs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METRIC_NAMES as M } from '../../src/telemetry/metrics.js';
import {
  buildFixture,
  deliberatelyLateEvents,
  MINUTE,
  type ExpectedResult,
  type Fixture,
  type FixtureMessage,
  type FixtureOptions,
  type LateEvents,
} from './clickstream-fixture.js';
import { startDaemon, type DaemonProcess } from './daemon-process.js';
import { createTopics, deleteTopics, kafkaBrokers, readTopicToEnd } from './kafka.js';
import { scrape, type Scraped } from './metrics.js';
import { freePort } from './ports.js';
import { esNode, redisUrl, uniqueName } from './services.js';
import { redisKeys } from './sink-reads.js';

/** Keys read per MGET (and TTL pipeline) when verifying Redis. */
const REDIS_READ_SLICE = 10_000;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface FaultRunOptions {
  label: string;
  partitions: number;
  fixture: Omit<FixtureOptions, 'partitions'>;
  /** Deliberately late events (see deliberatelyLateEvents). */
  lateEvents: number;
  /** Daemon settings on top of the defaults below. */
  env?: Record<string, string>;
  /** Where progress lines go (t.diagnostic in tests, stderr in the bench). */
  note?: (line: string) => void;
}

export interface Verdict {
  /** Harness self-check: records on the input topic vs what this run produced (must be equal). */
  input: { produced: number; onTopic: number };
  es: {
    expected: number;
    found: number;
    missing: number;
    wrong: number;
    extra: number;
    expectedEvents: number;
    countedEvents: number;
    examples: string[];
  };
  redis: { expected: number; found: number; missing: number; wrong: number; extra: number; withoutTtl: number; examples: string[] };
  deadLetters: {
    expected: number;
    read: number;
    complete: boolean;
    missing: number;
    duplicates: number;
    wrongCode: number;
    unexpected: number;
    examples: string[];
  };
  late: {
    expected: number;
    read: number;
    complete: boolean;
    missing: number;
    duplicates: number;
    validEventsLate: number;
    unexpected: number;
    examples: string[];
  };
}

export class FaultRun {
  readonly name: string;
  readonly topics: { input: string; dlq: string; late: string };
  readonly index: string;
  readonly prefix: string;
  readonly groupId: string;
  readonly stateDir: string;
  readonly fixture: Fixture;
  readonly late: LateEvents;
  readonly partitions: number;
  /** Every daemon started, in order (the last is the current one). */
  readonly daemons: DaemonProcess[] = [];
  daemon: DaemonProcess | undefined;
  port = 0;
  /** Records written to the input topic by this run (checked against the topic in verify()). */
  produced = 0;
  private readonly admin: Admin;
  private adminConnected = false;
  private readonly note: (line: string) => void;

  constructor(
    readonly kafka: Kafka,
    readonly es: Client,
    readonly redis: Redis,
    readonly options: FaultRunOptions,
  ) {
    this.name = uniqueName(options.label);
    this.topics = { input: `${this.name}-clicks`, dlq: `${this.name}-dlq`, late: `${this.name}-late` };
    this.index = `${this.name}-counts`;
    this.prefix = `${this.name}:`;
    this.groupId = `${this.name}-group`;
    this.stateDir = mkdtempSync(join(tmpdir(), `sluice-${options.label}-`));
    this.partitions = options.partitions;
    this.fixture = buildFixture({ ...options.fixture, partitions: options.partitions });
    this.late = deliberatelyLateEvents(this.fixture, options.lateEvents, options.partitions);
    this.admin = kafka.admin();
    this.note = options.note ?? (() => undefined);
  }

  /** The daemon's environment: only these SLUICE_ variables reach it (daemon-process.ts). */
  env(): Record<string, string> {
    return {
      SLUICE_KAFKA_BROKERS: kafkaBrokers().join(','),
      SLUICE_KAFKA_TOPIC: this.topics.input,
      SLUICE_KAFKA_GROUP_ID: this.groupId,
      SLUICE_DLQ_TOPIC: this.topics.dlq,
      SLUICE_LATE_TOPIC: this.topics.late,
      SLUICE_ES_NODE: esNode(),
      SLUICE_ES_INDEX: this.index,
      SLUICE_REDIS_URL: redisUrl(),
      SLUICE_REDIS_KEY_PREFIX: this.prefix,
      SLUICE_STATE_DIR: this.stateDir,
      SLUICE_CHECKPOINT_INTERVAL_MS: '2000',
      SLUICE_CHECKPOINT_MIN_PAUSE_MS: '500',
      SLUICE_WORKERS: '2',
      // Small, so that treating an outage's silence as idleness shows within any outage.
      SLUICE_IDLE_TIMEOUT_MS: '3000',
      SLUICE_LOG_LEVEL: 'debug',
      ...this.options.env,
    };
  }

  /** All three topics, with unlimited retention, up front (the broker may be down when the daemon starts). */
  async createTopics(): Promise<void> {
    await createTopics(this.kafka, [
      { topic: this.topics.input, partitions: this.partitions },
      { topic: this.topics.dlq, partitions: this.partitions },
      { topic: this.topics.late, partitions: this.partitions },
    ]);
  }

  /** Start a daemon on this run's state directory, with /metrics and /readyz on a fresh port. */
  async start(): Promise<DaemonProcess> {
    this.port = await freePort();
    const d = startDaemon({ ...this.env(), SLUICE_METRICS_PORT: String(this.port) });
    this.daemons.push(d);
    this.daemon = d;
    return d;
  }

  alive(): boolean {
    const c = this.daemon?.child;
    return c !== undefined && c.exitCode === null && c.signalCode === null;
  }

  /** Throws (naming `during`) if the current daemon has exited. */
  assertAlive(during: string): void {
    if (this.alive()) return;
    const c = this.daemon?.child;
    throw new Error(
      `the daemon exited (code ${c?.exitCode ?? '-'}, signal ${c?.signalCode ?? '-'}) ${during}; it must ride out Kafka faults\n${this.tail()}`,
    );
  }

  tail(lines = 25): string {
    return this.daemon ? `--- daemon log ${this.daemon.logFile} ---\n${this.daemon.tail(lines)}` : '';
  }

  logText(d: DaemonProcess | undefined = this.daemon): string {
    try {
      return d ? readFileSync(d.logFile, 'utf8') : '';
    } catch {
      return '';
    }
  }

  /** SIGKILL the current daemon and wait until it is gone; returns when it was sent (performance.now()). */
  async kill(): Promise<number> {
    const d = this.daemon;
    if (!d) throw new Error('no daemon to kill');
    this.assertAlive('before the SIGKILL');
    const at = performance.now();
    const exit = await d.stop('SIGKILL');
    if (exit.signal !== 'SIGKILL')
      throw new Error(`the daemon had exited on its own before the SIGKILL: ${JSON.stringify(exit)}\n${this.tail()}`);
    return at;
  }

  async readyz(): Promise<{ status: number; body: string } | undefined> {
    try {
      const res = await fetch(`http://127.0.0.1:${this.port}/readyz`, { signal: AbortSignal.timeout(2_000) });
      return { status: res.status, body: (await res.text()).trim() };
    } catch {
      return undefined;
    }
  }

  async healthz(): Promise<{ status: number; body: string } | undefined> {
    try {
      const res = await fetch(`http://127.0.0.1:${this.port}/healthz`, { signal: AbortSignal.timeout(2_000) });
      return { status: res.status, body: (await res.text()).trim() };
    } catch {
      return undefined;
    }
  }

  metrics(): Promise<Scraped | undefined> {
    return scrape(this.port);
  }

  /**
   * Poll /readyz every 50 ms until 200. Returns the ms it took (from `since`, performance.now(),
   * default now), or undefined when `timeoutMs` passed or the daemon exited; `last` says what
   * /readyz answered last.
   */
  async waitReady(timeoutMs: number, since = performance.now()): Promise<{ ms: number | undefined; last: string }> {
    let last = 'no answer';
    while (performance.now() - since < timeoutMs) {
      if (!this.alive())
        return { ms: undefined, last: `daemon exited (code ${this.daemon?.child.exitCode}, signal ${this.daemon?.child.signalCode})` };
      const r = await this.readyz();
      if (r?.status === 200) return { ms: performance.now() - since, last: r.body };
      last = r ? `${r.status} ${r.body}` : 'no answer (not listening yet)';
      await sleep(50);
    }
    return { ms: undefined, last };
  }

  private async adminClient(): Promise<Admin> {
    if (!this.adminConnected) {
      await this.admin.connect();
      this.adminConnected = true;
    }
    return this.admin;
  }

  /** partition -> end offset (offset after the last record) of the input topic, as the broker says now. */
  async endOffsets(): Promise<Map<number, number>> {
    const offsets = await (await this.adminClient()).fetchTopicOffsets(this.topics.input);
    return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
  }

  /** partition -> last offset processed, from /metrics (only partitions with a batch in this daemon's life). */
  static processed(s: Scraped | undefined, topic: string): Map<number, number> {
    const out = new Map<number, number>();
    for (const sample of s?.all(M.processedOffset) ?? []) {
      if (sample.labels.topic === topic) out.set(Number(sample.labels.partition), sample.value);
    }
    return out;
  }

  /**
   * Records on the input topic the daemon has not processed yet, per its /metrics now (NaN: no
   * answer). `ends`: the input's end offsets if known (while the broker is down nothing can be
   * produced, so the ends taken before the stop still hold); else asked from the broker.
   */
  async backlog(ends?: Map<number, number>): Promise<number> {
    const [e, s] = await Promise.all([ends ?? this.endOffsets(), this.metrics()]);
    if (!s) return Number.NaN;
    const processed = FaultRun.processed(s, this.topics.input);
    let n = 0;
    for (const [p, end] of e) n += Math.max(0, end - 1 - (processed.get(p) ?? -1));
    return n;
  }

  /**
   * Wait until the daemon has processed every record on the input topic (as of the call) on every
   * partition: sluice_kafka_processed_offset >= end - 1. A partition with nothing new for this
   * daemon (no batch since its start, so no sample) counts as done when the group's committed
   * offset (written at each checkpoint) is at its end. Throws, naming `during`, on timeout or exit.
   */
  async waitCaughtUp(timeoutMs: number, during: string, options: { tolerateExit?: boolean } = {}): Promise<number> {
    const t0 = performance.now();
    const ends = await this.endOffsets();
    let committedAt = 0;
    let committed = new Map<number, number>();
    let pending: string[] = [];
    while (performance.now() - t0 < timeoutMs) {
      // While another part of the test SIGKILLs and restarts the daemon, wait for the next one.
      if (options.tolerateExit && !this.alive()) {
        await sleep(100);
        continue;
      }
      this.assertAlive(during);
      const processed = FaultRun.processed(await this.metrics(), this.topics.input);
      if ([...ends].some(([p, end]) => end > 0 && !processed.has(p)) && performance.now() - committedAt > 2_000) {
        committedAt = performance.now();
        const [t] = await (await this.adminClient()).fetchOffsets({ groupId: this.groupId, topics: [this.topics.input] }).catch(() => []);
        committed = new Map((t?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      }
      pending = [...ends]
        .filter(([p, end]) => end > 0 && (processed.get(p) ?? -1) < end - 1 && (processed.has(p) || (committed.get(p) ?? -1) < end))
        .map(
          ([p, end]) => `p${p} ${processed.has(p) ? `at ${processed.get(p)}` : `committed ${committed.get(p) ?? 'none'}`} of ${end - 1}`,
        );
      if (pending.length === 0) return performance.now() - t0;
      await sleep(100);
    }
    const r = await this.readyz();
    throw new Error(
      `${during}: the daemon did not process the input within ${timeoutMs} ms (${pending.join(', ')}); /readyz: ${r ? `${r.status} ${r.body}` : 'no answer'}\n${this.tail()}`,
    );
  }

  /** Wait until `count` more checkpoints complete in the current daemon (sluice_checkpoints_completed_total). */
  async waitCheckpoints(count: number, timeoutMs: number, during: string): Promise<void> {
    const t0 = performance.now();
    let base: number | undefined;
    let now: number | undefined;
    while (performance.now() - t0 < timeoutMs) {
      this.assertAlive(during);
      now = (await this.metrics())?.value(M.checkpointsCompleted);
      base ??= now;
      if (base !== undefined && now !== undefined && now >= base + count) return;
      await sleep(100);
    }
    throw new Error(
      `${during}: ${count} checkpoint(s) did not complete within ${timeoutMs} ms (completed ${base} -> ${now})\n${this.tail()}`,
    );
  }

  /** Produce in order, 2,000 per send (a message's `partition`, when set, is where it goes). */
  async produce(messages: FixtureMessage[]): Promise<void> {
    if (messages.length === 0) return;
    this.produced += messages.length;
    const producer = this.kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      for (let i = 0; i < messages.length; i += 2000) {
        await producer.send({ topic: this.topics.input, acks: -1, messages: messages.slice(i, i + 2000) });
      }
    } finally {
      await producer.disconnect();
    }
  }

  /**
   * Wait until the deliberately late events are late for good: the combined watermark past the
   * first window, and two more checkpoints completed (the second started after the first ended, so
   * after that watermark), so any restore brings that watermark back. Then `send` them.
   */
  async whenLateEventsAreLate(timeoutMs: number, send: (messages: FixtureMessage[]) => void | Promise<void>): Promise<void> {
    const firstWindowEnd = this.fixture.windowStartMin + MINUTE;
    const t0 = performance.now();
    let watermarkMs = Number.NaN;
    while (!(watermarkMs >= firstWindowEnd)) {
      if (performance.now() - t0 > timeoutMs) {
        throw new Error(
          `the watermark did not pass the first window (${iso(firstWindowEnd)}) within ${timeoutMs} ms: it is ${iso(watermarkMs)}\n${this.tail()}`,
        );
      }
      this.assertAlive('before the late events');
      watermarkMs = ((await this.metrics())?.value(M.watermark) ?? Number.NaN) * 1000;
      await sleep(100);
    }
    await this.waitCheckpoints(2, timeoutMs, 'waiting for checkpoints before the late events');
    await send(this.late.messages);
    this.note(`${this.late.messages.length} deliberately late events produced (watermark ${iso(watermarkMs)})`);
  }

  /** The end of every expected window: once the watermark is past it, every result has fired. */
  lastWindowEnd(): number {
    let end = 0;
    for (const r of this.fixture.expected.values()) end = Math.max(end, r.windowEnd);
    return end;
  }

  /**
   * The trailing events (every partition's watermark past every window), wait until they are
   * processed and the watermark is past the last window (not asserted: the comparison says what is
   * missing), then SIGTERM and wait for the exit (a graceful stop flushes every sink).
   */
  async finish(
    timeoutMs = 60_000,
  ): Promise<{ settled: boolean; unsettled?: string; exit: { code: number | null; signal: NodeJS.Signals | null } }> {
    await this.produce(this.fixture.trailing);
    const d = this.daemon;
    if (!d) throw new Error('no daemon');
    let settled = false;
    let unsettled: string | undefined;
    try {
      await this.waitCaughtUp(timeoutMs, 'processing the trailing events');
      const lastEnd = this.lastWindowEnd();
      const t0 = performance.now();
      let watermark = Number.NaN;
      while (!settled && performance.now() - t0 < 20_000) {
        this.assertAlive('after the trailing events');
        watermark = ((await this.metrics())?.value(M.watermark) ?? Number.NaN) * 1000;
        settled = watermark >= lastEnd - 1;
        if (!settled) await sleep(100);
      }
      if (!settled)
        unsettled = `the watermark (${iso(watermark)}) did not pass the last window end (${iso(lastEnd)}) within 20 s of the trailing events being processed`;
    } catch (err) {
      unsettled = (err as Error).message.split('\n')[0];
    }
    const exit = await d.stop('SIGTERM');
    return { settled, ...(settled ? {} : { unsettled }), exit };
  }

  /** Everything the run wrote, against what a failure-free run writes (computed from the fixture). */
  async verify(): Promise<Verdict> {
    const { fixture } = this;
    // Elasticsearch: every document, field by field; none other.
    const docs = new Map<string, ExpectedResult>();
    const exists = await this.es.indices.exists({ index: this.index });
    if (exists.body) {
      await this.es.indices.refresh({ index: this.index });
      for await (const hit of this.es.helpers.scrollSearch<ExpectedResult>({
        index: this.index,
        size: 5000,
        body: { query: { match_all: {} } },
      })) {
        for (const doc of hit.body.hits.hits) docs.set(doc._id, doc._source as ExpectedResult);
      }
    }
    const es: Verdict['es'] = {
      expected: fixture.expected.size,
      found: docs.size,
      missing: 0,
      wrong: 0,
      extra: 0,
      expectedEvents: fixture.validEvents,
      countedEvents: 0,
      examples: [],
    };
    for (const [id, want] of fixture.expected) {
      const got = docs.get(id);
      if (!got) {
        es.missing++;
        if (es.examples.length < 4) es.examples.push(`missing ${id} (count ${want.count})`);
      } else if (!sameResult(got, want)) {
        es.wrong++;
        if (es.examples.length < 4) es.examples.push(`${id}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
      }
    }
    for (const [id, got] of docs) {
      es.countedEvents += Number(got.count) || 0;
      if (!fixture.expected.has(id)) {
        es.extra++;
        if (es.examples.length < 6) es.examples.push(`extra ${id}: ${JSON.stringify(got)}`);
      }
    }

    // Redis: every key the expected count, with a TTL; none other.
    const keys = await redisKeys(this.redis, this.prefix);
    // In slices: hundreds of thousands of keys spread into one call's arguments overflow the stack.
    const values: Array<string | null> = [];
    const ttls: Array<[Error | null, unknown]> = [];
    for (let i = 0; i < keys.length; i += REDIS_READ_SLICE) {
      const slice = keys.slice(i, i + REDIS_READ_SLICE);
      values.push(...(await this.redis.mget(slice)));
      ttls.push(...((await slice.reduce((p, k) => p.ttl(k), this.redis.pipeline()).exec()) ?? []));
    }
    const redis: Verdict['redis'] = {
      expected: fixture.expected.size,
      found: keys.length,
      missing: 0,
      wrong: 0,
      extra: 0,
      withoutTtl: 0,
      examples: [],
    };
    const seen = new Set<string>();
    for (const [i, key] of keys.entries()) {
      const id = key.slice(this.prefix.length);
      seen.add(id);
      const want = fixture.expected.get(id);
      const ttl = Number(ttls[i]?.[1]);
      if (!(ttl > 0)) redis.withoutTtl++;
      if (!want) {
        redis.extra++;
        if (redis.examples.length < 4) redis.examples.push(`extra ${key} = ${values[i]}`);
      } else if (values[i] !== String(want.count)) {
        redis.wrong++;
        if (redis.examples.length < 4) redis.examples.push(`${key} = ${values[i]}, want ${want.count}`);
      }
    }
    for (const id of fixture.expected.keys()) if (!seen.has(id)) redis.missing++;

    // Dead letters (read_committed): each bad record once, with its code.
    const dlqRead = await readTopicToEnd(this.kafka, this.topics.dlq, fixture.bad.length, 60_000);
    const wantLetters = new Map<string, number>();
    const codeOf = new Map<string, string>();
    for (const b of fixture.bad) {
      const k = b.value.toString('base64');
      wantLetters.set(`${k}|${b.code}`, (wantLetters.get(`${k}|${b.code}`) ?? 0) + 1);
      codeOf.set(k, b.code);
    }
    const deadLetters: Verdict['deadLetters'] = {
      expected: fixture.bad.length,
      read: dlqRead.records.length,
      complete: dlqRead.complete,
      missing: 0,
      duplicates: 0,
      wrongCode: 0,
      unexpected: 0,
      examples: [],
    };
    const gotLetters = new Map<string, number>();
    for (const r of dlqRead.records) {
      const k = r.value?.toString('base64') ?? '';
      const key = `${k}|${r.headers['sluice-error'] ?? ''}`;
      if (wantLetters.has(key)) {
        gotLetters.set(key, (gotLetters.get(key) ?? 0) + 1);
      } else if (codeOf.has(k)) {
        deadLetters.wrongCode++;
        if (deadLetters.examples.length < 4) deadLetters.examples.push(`code ${r.headers['sluice-error']} for a ${codeOf.get(k)} record`);
      } else {
        deadLetters.unexpected++;
        if (deadLetters.examples.length < 4)
          deadLetters.examples.push(`unexpected dead letter ${r.headers['sluice-error']}: ${r.value?.subarray(0, 100).toString()}`);
      }
    }
    for (const [key, want] of wantLetters) {
      const got = gotLetters.get(key) ?? 0;
      if (got < want) deadLetters.missing += want - got;
      if (got > want) {
        deadLetters.duplicates += got - want;
        if (deadLetters.examples.length < 4)
          deadLetters.examples.push(
            `${got}x ${key.split('|')[1]} (source offset ${dlqRead.records.find((r) => `${r.value?.toString('base64')}|${r.headers['sluice-error']}` === key)?.headers['sluice-source-offset']})`,
          );
      }
    }

    // Late events (read_committed): exactly the deliberately late ones, once each.
    const lateRead = await readTopicToEnd(this.kafka, this.topics.late, this.late.values.length, 60_000);
    const wantLate = new Map(this.late.values.map((v) => [v.toString('base64'), 0]));
    const valid = new Set<string>();
    const bad = new Set(fixture.bad.map((b) => b.value.toString('base64')));
    for (const m of [...fixture.messages, ...fixture.trailing]) {
      const k = m.value.toString('base64');
      if (!bad.has(k)) valid.add(k);
    }
    const late: Verdict['late'] = {
      expected: this.late.values.length,
      read: lateRead.records.length,
      complete: lateRead.complete,
      missing: 0,
      duplicates: 0,
      validEventsLate: 0,
      unexpected: 0,
      examples: [],
    };
    for (const r of lateRead.records) {
      const k = r.value?.toString('base64') ?? '';
      const n = wantLate.get(k);
      if (n !== undefined && r.headers['sluice-error'] === 'LATE_EVENT') {
        wantLate.set(k, n + 1);
      } else if (valid.has(k)) {
        late.validEventsLate++;
        if (late.examples.length < 4)
          late.examples.push(
            `valid event late: p${r.headers['sluice-source-partition']}@${r.headers['sluice-source-offset']} ${r.value?.toString()}`,
          );
      } else {
        late.unexpected++;
        if (late.examples.length < 4)
          late.examples.push(`unexpected ${r.headers['sluice-error']}: ${r.value?.subarray(0, 100).toString()}`);
      }
    }
    for (const n of wantLate.values()) {
      if (n === 0) late.missing++;
      if (n > 1) late.duplicates += n - 1;
    }
    const onTopic = [...(await this.endOffsets())].reduce((n, [, end]) => n + end, 0);
    return { input: { produced: this.produced, onTopic }, es, redis, deadLetters, late };
  }

  async cleanup(): Promise<void> {
    for (const d of this.daemons) await d.stop('SIGKILL');
    await deleteTopics(this.kafka, Object.values(this.topics)).catch(() => undefined);
    await this.es.indices.delete({ index: this.index }, { ignore: [404] }).catch(() => undefined);
    const keys = await redisKeys(this.redis, this.prefix).catch(() => []);
    for (let i = 0; i < keys.length; i += 1000) await this.redis.del(...keys.slice(i, i + 1000)).catch(() => undefined);
    if (this.adminConnected) {
      await this.admin.deleteGroups([this.groupId]).catch(() => undefined);
      await this.admin.disconnect().catch(() => undefined);
    }
    rmSync(this.stateDir, { recursive: true, force: true });
  }
}

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms);
}

/** The last error the daemon logged (message and cause), for a line in a report. */
export function lastError(text: string): string {
  const lines = text.split('\n').filter((l) => l.startsWith('{') && /"level":"(error|fatal)"/.test(l));
  const last = lines[lines.length - 1];
  if (!last) return 'no error logged';
  try {
    const j = JSON.parse(last) as { msg?: string; err?: { message?: string; code?: string } };
    return `${j.msg ?? ''}${j.err ? `: ${j.err.code ? `${j.err.code} ` : ''}${j.err.message ?? ''}` : ''}`.slice(0, 400);
  } catch {
    return last.slice(0, 400);
  }
}

function sameResult(got: ExpectedResult, want: ExpectedResult): boolean {
  const g = got as unknown as Record<string, unknown>;
  if (g.userId !== want.userId || g.windowStart !== want.windowStart || g.windowEnd !== want.windowEnd || g.count !== want.count)
    return false;
  const a = (g.byEventType ?? {}) as Record<string, unknown>;
  const b = want.byEventType;
  return Object.keys(a).length === Object.keys(b).length && Object.entries(b).every(([k, v]) => a[k] === v);
}

/** One line with every number of a verdict. */
export function summarize(v: Verdict): string {
  return [
    `input ${v.input.onTopic} records on the topic, ${v.input.produced} produced`,
    `ES docs ${v.es.found}/${v.es.expected} (missing ${v.es.missing}, wrong ${v.es.wrong}, extra ${v.es.extra}; events counted ${v.es.countedEvents} of ${v.es.expectedEvents})`,
    `Redis keys ${v.redis.found}/${v.redis.expected} (missing ${v.redis.missing}, wrong ${v.redis.wrong}, extra ${v.redis.extra}, without TTL ${v.redis.withoutTtl})`,
    `dead letters read ${v.deadLetters.read}/${v.deadLetters.expected} (missing ${v.deadLetters.missing}, duplicates ${v.deadLetters.duplicates}, wrong code ${v.deadLetters.wrongCode}, unexpected ${v.deadLetters.unexpected}${v.deadLetters.complete ? '' : ', topic NOT read to its end'})`,
    `late topic read ${v.late.read}/${v.late.expected} (missing ${v.late.missing}, duplicates ${v.late.duplicates}, VALID EVENTS MADE LATE ${v.late.validEventsLate}, unexpected ${v.late.unexpected}${v.late.complete ? '' : ', topic NOT read to its end'})`,
  ].join('; ');
}

/** Human lines saying what is wrong ([] = exact). */
export function problems(v: Verdict): string[] {
  const out: string[] = [];
  if (v.input.onTopic !== v.input.produced) {
    out.push(
      `HARNESS: the input topic holds ${v.input.onTopic} records but the test produced ${v.input.produced}: the expected results do not describe it (not a finding about the daemon)`,
    );
  }
  if (v.es.missing + v.es.wrong + v.es.extra > 0)
    out.push(
      `Elasticsearch: ${v.es.missing} missing, ${v.es.wrong} wrong, ${v.es.extra} extra of ${v.es.expected} documents; e.g. ${v.es.examples.join(' | ')}`,
    );
  if (v.redis.missing + v.redis.wrong + v.redis.extra + v.redis.withoutTtl > 0) {
    out.push(
      `Redis: ${v.redis.missing} missing, ${v.redis.wrong} wrong, ${v.redis.extra} extra of ${v.redis.expected} keys, ${v.redis.withoutTtl} without TTL; e.g. ${v.redis.examples.join(' | ')}`,
    );
  }
  if (
    v.deadLetters.missing + v.deadLetters.duplicates + v.deadLetters.wrongCode + v.deadLetters.unexpected > 0 ||
    !v.deadLetters.complete
  ) {
    out.push(
      `dead-letter topic (read_committed): ${v.deadLetters.read} records for ${v.deadLetters.expected} bad records: ${v.deadLetters.missing} missing, ${v.deadLetters.duplicates} duplicates, ${v.deadLetters.wrongCode} with a wrong code, ${v.deadLetters.unexpected} unexpected${v.deadLetters.complete ? '' : ', not readable to its end'}; e.g. ${v.deadLetters.examples.join(' | ')}`,
    );
  }
  if (v.late.missing + v.late.duplicates + v.late.validEventsLate + v.late.unexpected > 0 || !v.late.complete) {
    out.push(
      `late topic (read_committed): ${v.late.read} records for ${v.late.expected} deliberately late events: ${v.late.missing} missing, ${v.late.duplicates} duplicates, ${v.late.validEventsLate} valid events made late, ${v.late.unexpected} unexpected${v.late.complete ? '' : ', not readable to its end'}; e.g. ${v.late.examples.join(' | ')}`,
    );
  }
  return out;
}

/**
 * The fixture produced at a steady rate, as a live clickstream: every `everyMs` a send (2,000
 * messages at most per send, in order) of what fell due by the wall clock since `start()`. While
 * held (a broker outage) nothing is sent; on release what fell due meanwhile (up to `maxBurstMs`
 * of it, so that the stream goes on after the outage) goes out in a burst.
 * Sends are acknowledged by all in-sync replicas (acks -1) before the next; none is in flight
 * while held, so no record is written twice.
 */
/** Messages by the partition Kafka's default partitioner gives them (murmur2 of the key), in order. */
function byPartition(messages: FixtureMessage[], partitions: number): Map<number, FixtureMessage[]> {
  const partitioner = kafkajs.Partitioners.DefaultPartitioner();
  const metadata = Array.from({ length: partitions }, (_, p) => ({ partitionId: p, leader: 0 }));
  const out = new Map<number, FixtureMessage[]>();
  for (const m of messages) {
    const p = m.partition ?? partitioner({ topic: '', partitionMetadata: metadata as never, message: { key: m.key, value: m.value } });
    const list = out.get(p);
    if (list) list.push(m);
    else out.set(p, [m]);
  }
  return out;
}

export class PacedProducer {
  private next = 0;
  private injected: Array<{ messages: FixtureMessage[]; settle: (err?: Error) => void }> = [];
  private held = false;
  private busy = false;
  /** Every message of the fixture was sent: later injections are sent on their own. */
  private complete = false;
  private sending: Promise<void> = Promise.resolve();
  private producer: Producer | undefined;
  private startedAt = 0;
  private heldAt: number | undefined;
  private failure: Error | undefined;
  private timer: NodeJS.Timeout | undefined;
  private finished!: () => void;
  private fail!: (err: Error) => void;
  /** Resolves when every message was sent; rejects if a send failed. */
  readonly done: Promise<void>;

  constructor(
    private readonly run: FaultRun,
    private readonly messages: FixtureMessage[],
    readonly ratePerSecond: number,
    /** After a hold, at most this much of what fell due meanwhile goes out at once; the rest of the schedule moves later. */
    private readonly maxBurstMs = 15_000,
    private readonly everyMs = 100,
  ) {
    this.done = new Promise<void>((resolve, reject) => {
      this.finished = resolve;
      this.fail = reject;
    });
    this.done.catch(() => undefined);
  }

  get sent(): number {
    return this.next;
  }

  get total(): number {
    return this.messages.length;
  }

  /** Seconds the whole fixture takes at this rate. */
  get seconds(): number {
    return this.messages.length / this.ratePerSecond;
  }

  start(): void {
    this.startedAt = performance.now();
    this.timer = setInterval(() => this.tick(), this.everyMs);
  }

  /** Send these too, with the next send (on their own once the fixture is all sent); resolves once written. */
  inject(messages: FixtureMessage[]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.complete) return this.run.produce(messages);
    return new Promise<void>((resolve, reject) => {
      this.injected.push({ messages, settle: (err) => (err ? reject(err) : resolve()) });
    });
  }

  /** Stop sending; resolves once no send is in flight (and the connection is closed). */
  async hold(): Promise<void> {
    if (!this.held) this.heldAt = performance.now();
    this.held = true;
    await this.sending;
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }

  release(): void {
    if (this.held && this.heldAt !== undefined && this.startedAt > 0) {
      const heldMs = performance.now() - this.heldAt;
      this.startedAt += heldMs - Math.min(heldMs, this.maxBurstMs);
    }
    this.heldAt = undefined;
    this.held = false;
  }

  /** From now on, everything left is due: it goes out as fast as the broker takes it. */
  rush(): void {
    this.startedAt = Number.NEGATIVE_INFINITY;
  }

  /** Resolves once `fraction` of the fixture was sent (0..1). */
  async whenSent(fraction: number): Promise<void> {
    while (this.next < Math.min(this.messages.length, Math.ceil(fraction * this.messages.length))) {
      if (this.failure) throw this.failure;
      await sleep(50);
    }
  }

  /** Stop for good (also after a failure of the test). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.hold();
    for (const i of this.injected.splice(0)) i.settle(new Error('the producer was stopped'));
  }

  private due(): number {
    return Math.min(this.messages.length, Math.floor(((performance.now() - this.startedAt) / 1000) * this.ratePerSecond));
  }

  private tick(): void {
    if (this.held || this.busy || this.failure || this.complete) return;
    if (this.due() <= this.next && this.injected.length === 0) {
      if (this.next >= this.messages.length) {
        this.complete = true;
        void this.stop().then(() => this.finished());
      }
      return;
    }
    this.busy = true;
    this.sending = this.sendDue().finally(() => (this.busy = false));
  }

  private async send(partition: number, messages: FixtureMessage[]): Promise<void> {
    if (!this.producer) {
      // Idempotent: a send kafkajs retries (the broker busy right after a restart) is written once.
      const producer = this.run.kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      this.producer = producer;
    }
    await this.producer.send({ topic: this.run.topics.input, acks: -1, messages: messages.map((m) => ({ ...m, partition })) });
  }

  private async sendDue(): Promise<void> {
    let injections: PacedProducer['injected'] = [];
    try {
      for (;;) {
        if (this.held) return;
        injections = this.injected.splice(0);
        const batch = injections.flatMap((i) => i.messages);
        const take = Math.min(Math.max(0, 2_000 - batch.length), Math.max(0, this.due() - this.next));
        batch.push(...this.messages.slice(this.next, this.next + take));
        if (batch.length === 0) return;
        // One send per partition: a send the broker refuses with OUT_OF_ORDER_SEQUENCE_NUMBER (kafkajs's
        // idempotent producer can lose track of its sequence across a broker restart) wrote nothing, so
        // it is sent again, once, by a new producer (a new producer id starts its sequences afresh).
        for (const [partition, messages] of byPartition(batch, this.run.partitions)) {
          for (let attempt = 1; ; attempt++) {
            try {
              await this.send(partition, messages);
              break;
            } catch (err) {
              if (attempt > 1 || (err as { type?: string }).type !== 'OUT_OF_ORDER_SEQUENCE_NUMBER') throw err;
              const stale = this.producer;
              this.producer = undefined;
              await stale?.disconnect().catch(() => undefined);
            }
          }
        }
        this.run.produced += batch.length;
        this.next += take;
        for (const i of injections) i.settle();
        injections = [];
      }
    } catch (err) {
      this.failure = new Error(`the test's producer failed (the broker was up): ${(err as Error).message}`);
      for (const i of [...injections, ...this.injected.splice(0)]) i.settle(this.failure);
      if (this.timer) clearInterval(this.timer);
      this.fail(this.failure);
    }
  }
}
