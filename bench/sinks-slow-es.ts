/**
 * What a slow Elasticsearch does to sluice: memory and consumer lag over time while Elasticsearch is
 * N times slower (default 10), and throughput with the sinks on vs off.
 *
 *  1. a topic gets a backlog of contract-shaped clicks (bench/workload.ts; ~1% bad records);
 *  2. sinks off: the daemon prints results to stdout; time until every window is printed;
 *  3. sinks on: Elasticsearch + Redis, direct; time until both hold every window;
 *  4. slow ES: Elasticsearch through the fault proxy (test/helpers/fault-proxy.ts), throttled so one
 *     bulk takes N times as long (calibrated now, test/helpers/es-throttle.ts), Redis direct; a row
 *     every --sample-s seconds: RSS, lag, ES documents, Redis keys; after --slow-s seconds the
 *     throttle is lifted and the run continues until every window is written (the recovery);
 *  5. (--contrast) the same with the Elasticsearch buffer unbounded (SLUICE_ES_BUFFER_DOCS=10^7):
 *     what the bound is for.
 *
 * Lag = records on the topic not covered by the group's committed offsets (what kafka-consumer-groups
 * shows). sluice commits only after the sinks flushed and only up to the oldest open window, so lag
 * never drops to 0 mid-stream; Redis keys (a fast, direct sink) show how far the pipeline got.
 *
 * usage: node dist/bench/sinks-slow-es.js [--events 500000] [--users 80000] [--slow-s 120] [--no-contrast]  (--help)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Admin, Kafka } from 'kafkajs';
import { CLI } from '../test/helpers/daemon-process.js';
import { calibrateEsThrottle } from '../test/helpers/es-throttle.js';
import { FaultProxy } from '../test/helpers/fault-proxy.js';
import { createTopics, deleteTopics, kafkaBrokers, testKafka } from '../test/helpers/kafka.js';
import { esNode, redisUrl, uniqueName, waitForElasticsearch } from '../test/helpers/services.js';
import { statusKiB } from './proc.js';
import { produceWorkload, type Workload } from './workload.js';

interface Options {
  events: number;
  users: number;
  partitions: number;
  spanMinutes: number;
  factor: number;
  slowS: number;
  sampleS: number;
  checkpointMs: number;
  contrast: boolean;
  throughput: boolean;
  /** NODE_OPTIONS=--max-old-space-size for the daemon; 0 = Node's default. */
  heapMib: number;
  /** Give up on a mode after this long without progress. */
  stallS: number;
}

const FLAGS: Record<string, { key: keyof Options; help: string; def: number | boolean }> = {
  '--events': { key: 'events', help: 'valid events in the backlog', def: 500_000 },
  '--users': { key: 'users', help: 'distinct users', def: 80_000 },
  '--partitions': { key: 'partitions', help: 'partitions of the input topic', def: 3 },
  '--span-minutes': { key: 'spanMinutes', help: 'event time covered', def: 20 },
  '--factor': { key: 'factor', help: 'how many times slower Elasticsearch is made', def: 10 },
  '--slow-s': { key: 'slowS', help: 'seconds Elasticsearch stays slow', def: 120 },
  '--sample-s': { key: 'sampleS', help: 'seconds between table rows', def: 5 },
  '--checkpoint-ms': { key: 'checkpointMs', help: 'SLUICE_CHECKPOINT_INTERVAL_MS of the daemon (its default)', def: 30_000 },
  '--contrast': { key: 'contrast', help: 'also run slow ES with an unbounded ES buffer (--no-contrast to skip)', def: true },
  '--throughput': { key: 'throughput', help: 'run the sinks off / sinks on modes (--no-throughput to skip)', def: true },
  '--heap-mib': { key: 'heapMib', help: "the daemon's V8 old-space cap in MiB (0 = Node's default)", def: 0 },
  '--stall-s': { key: 'stallS', help: 'fail a mode after this long without progress', def: 120 },
};

function parse(argv: string[]): Options {
  const o = Object.fromEntries(Object.values(FLAGS).map((f) => [f.key, f.def])) as unknown as Options;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(`usage: node dist/bench/sinks-slow-es.js [flags]\n${Object.entries(FLAGS).map(([k, f]) => `  ${k.padEnd(16)} ${f.help} (default ${String(f.def)})`).join('\n')}\n`);
      process.exit(0);
    }
    if (arg.startsWith('--no-') && FLAGS[`--${arg.slice(5)}`]?.def === true) {
      (o as unknown as Record<string, unknown>)[(FLAGS[`--${arg.slice(5)}`] as { key: string }).key] = false;
      continue;
    }
    const f = FLAGS[arg];
    if (!f) throw new Error(`unknown flag ${arg}`);
    if (typeof f.def === 'boolean') {
      (o as unknown as Record<string, unknown>)[f.key] = true;
      continue;
    }
    const n = Number((argv[++i] ?? '').replaceAll('_', ''));
    if (!Number.isFinite(n) || n < 0) throw new Error(`${arg} needs a non-negative number`);
    (o as unknown as Record<string, unknown>)[f.key] = n;
  }
  return o;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const live = new Set<ChildProcess>();
const cleanups: Array<() => Promise<unknown>> = [];
const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');

function baseEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SLUICE_')));
}

async function esCount(index: string): Promise<number> {
  const url = (p: string) => new URL(p, esNode());
  await fetch(url(`/${index}/_refresh`), { method: 'POST', signal: AbortSignal.timeout(30_000) });
  const res = await fetch(url(`/${index}/_count`), { signal: AbortSignal.timeout(30_000) });
  if (res.status === 404) return 0;
  return ((await res.json()) as { count?: number }).count ?? 0;
}

async function scanCount(redis: Redis, prefix: string, unlink = false): Promise<number> {
  let cursor = '0';
  let n = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 10_000);
    cursor = next;
    n += keys.length;
    if (unlink && keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
  return n;
}

async function topicRecords(admin: Admin, topic: string): Promise<number> {
  if (!(await admin.listTopics()).includes(topic)) return 0;
  return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
}

async function lagOf(admin: Admin, topic: string, groupId: string): Promise<number> {
  const ends = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const at = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  return ends.reduce((sum, e) => {
    const c = at.get(e.partition) ?? -1;
    return sum + Number(e.high) - (c < 0 ? Number(e.low) : c);
  }, 0);
}

interface ModeResult {
  name: string;
  seconds: number;
  peakRssMiB: number;
  rows?: string[][];
  note?: string;
}

interface ModeSpec {
  name: string;
  sinks: boolean;
  /** Route Elasticsearch through a proxy throttled to this rate for `slowS` seconds. */
  throttleBytesPerSecond?: number;
  extraEnv?: Record<string, string>;
}

async function runMode(kafka: Kafka, admin: Admin, workload: Workload, options: Options, spec: ModeSpec): Promise<ModeResult> {
  const groupId = uniqueName('bench-slow-es');
  const dlq = `${workload.topic}-dlq-${groupId.slice(-6)}`;
  const late = `${workload.topic}-late-${groupId.slice(-6)}`;
  const index = uniqueName('bench-slow-es');
  const prefix = `${uniqueName('bench-slow-es')}:`;
  const stateDir = mkdtempSync(join(tmpdir(), 'sluice-bench-state-'));
  const redis = new Redis(redisUrl(), { lazyConnect: true });
  await redis.connect();
  let proxy: FaultProxy | undefined;
  if (spec.throttleBytesPerSecond !== undefined) proxy = await FaultProxy.start(esNode());
  cleanups.push(async () => {
    await proxy?.close();
    rmSync(stateDir, { recursive: true, force: true });
    await deleteTopics(kafka, [dlq, late]).catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await fetch(new URL(`/${index}`, esNode()), { method: 'DELETE' }).catch(() => undefined);
    await scanCount(redis, prefix, true).catch(() => undefined);
    redis.disconnect();
  });

  const env: NodeJS.ProcessEnv = {
    ...baseEnv(),
    SLUICE_KAFKA_BROKERS: kafkaBrokers().join(','),
    SLUICE_KAFKA_TOPIC: workload.topic,
    SLUICE_KAFKA_GROUP_ID: groupId,
    SLUICE_DLQ_TOPIC: dlq,
    SLUICE_LATE_TOPIC: late,
    SLUICE_STATE_DIR: stateDir,
    SLUICE_METRICS_PORT: '0',
    SLUICE_LOG_LEVEL: 'info',
    SLUICE_CHECKPOINT_INTERVAL_MS: String(options.checkpointMs),
    ...(options.heapMib > 0 ? { NODE_OPTIONS: `--max-old-space-size=${options.heapMib}` } : {}),
    ...(spec.sinks
      ? { SLUICE_ES_NODE: proxy ? proxy.url('http') : esNode(), SLUICE_ES_INDEX: index, SLUICE_REDIS_URL: redisUrl(), SLUICE_REDIS_KEY_PREFIX: prefix }
      : {}),
    ...spec.extraEnv,
  };
  const logFile = join(tmpdir(), `sluice-bench-slow-es-${process.pid}-${spec.name.replace(/\W+/g, '-')}.log`);
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, 'run'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  child.stderr.pipe(createWriteStream(logFile));
  let lines = 0;
  child.stdout.on('data', (d: Buffer) => {
    for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) lines++;
  });
  const pid = child.pid as number;
  const expected = workload.expectedWindows;
  const rows: string[][] = [];
  let slowUntil = 0;
  let lastProgress = -1;
  let progressAt = performance.now();
  let peakKiB = 0;
  let nextRow = 0;
  let note: string | undefined;

  try {
    for (;;) {
      await sleep(spec.sinks ? 1_000 : 50);
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${spec.name}: the daemon exited (${child.exitCode ?? child.signalCode}); log ${logFile}:\n${readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n')}`);
      }
      const rss = statusKiB(pid, 'VmRSS') ?? 0;
      peakKiB = Math.max(peakKiB, rss);
      const t = (performance.now() - started) / 1000;
      let progress: number;
      if (!spec.sinks) {
        if (lines >= expected) break;
        progress = lines;
      } else {
        // Throttled once the daemon runs (its start-up passes unthrottled), lifted after slowS.
        if (proxy && slowUntil === 0 && t > 1) {
          await proxy.setMode({ kind: 'throttle', bytesPerSecond: spec.throttleBytesPerSecond as number });
          slowUntil = performance.now() + options.slowS * 1000;
        }
        if (proxy && slowUntil > 0 && performance.now() >= slowUntil && proxy.currentMode.kind !== 'pass') {
          await proxy.setMode({ kind: 'pass' });
          rows.push(['', '', '', '', '', `ES back to full speed at ${t.toFixed(0)} s`]);
          process.stderr.write(`  ES back to full speed at ${t.toFixed(0)} s\n`);
        }
        const [docs, keys] = await Promise.all([esCount(index).catch(() => 0), scanCount(redis, prefix)]);
        const done = docs >= expected && keys >= expected;
        if (t >= nextRow || done) {
          const lag = await lagOf(admin, workload.topic, groupId);
          const row = [t.toFixed(0), (rss / 1024).toFixed(0), (peakKiB / 1024).toFixed(0), fmtInt(lag), fmtInt(docs), fmtInt(keys)];
          rows.push(row);
          process.stderr.write(`  ${row.join('\t')}\n`);
          nextRow = t + options.sampleS;
        }
        if (done) break;
        progress = docs + keys;
      }
      if (progress !== lastProgress) {
        lastProgress = progress;
        progressAt = performance.now();
      } else if (performance.now() - progressAt > options.stallS * 1000) {
        note = `STALLED after ${options.stallS} s without progress`;
        break;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const lateRecords = await topicRecords(admin, late);
    const deadLetters = await topicRecords(admin, dlq);
    if (!spec.sinks && lines !== expected) note = `${note ? `${note}; ` : ''}${lines} result lines of ${expected}`;
    const checks = `late events ${lateRecords} (expected 0), dead letters ${deadLetters} (expected ${workload.badRecords})`;
    note = note ? `${note}; ${checks}` : checks;
    if (lateRecords !== 0 || deadLetters !== workload.badRecords) note = `CHECK FAILED: ${note}`;
    const peak = (statusKiB(pid, 'VmHWM') ?? peakKiB) / 1024;
    if (proxy) note = `${note ? `${note}; ` : ''}proxy forwarded ${fmtInt(proxy.stats().bytesUp)} B up, ${fmtInt(proxy.stats().bytesDown)} B down`;
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    return { name: spec.name, seconds, peakRssMiB: peak, rows: spec.sinks ? rows : undefined, ...(note ? { note } : {}) } as ModeResult;
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    live.delete(child);
  }
}

function table(rows: string[][]): string {
  const data = rows.filter((r) => r[0] !== '');
  const widths = rows[0]?.map((_, c) => Math.max(...data.map((r) => (r[c] ?? '').length))) ?? [];
  return rows
    .map((r, i) => {
      if (r[0] === '' && r[5]) return `  -- ${r[5]} --`;
      const line = r.map((cell, c) => cell.padStart(widths[c] ?? 0)).join('  ');
      return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

async function main(): Promise<number> {
  const options = parse(process.argv.slice(2));
  const kafka = testKafka('sluice-bench-slow-es');
  const admin = kafka.admin();
  await admin.connect();
  cleanups.push(() => admin.disconnect());
  await waitForElasticsearch(30_000);
  process.stdout.write(
    `daemon: SLUICE_CHECKPOINT_INTERVAL_MS=${options.checkpointMs}, ${options.heapMib > 0 ? `NODE_OPTIONS=--max-old-space-size=${options.heapMib}` : "Node's default heap"}\n` +
    `machine: ${cpus().length} CPUs (availableParallelism ${availableParallelism()}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB; node ${process.version}; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`,
  );

  const throttle = await calibrateEsThrottle(esNode(), options.factor);
  process.stdout.write(
    `Elasticsearch: one bulk of ${throttle.docsPerBulk} docs takes ${throttle.bulkMs.toFixed(0)} ms direct, ${fmtInt(throttle.wireBytes)} B on the wire; ` +
      `${options.factor}x slower = throttle at ${fmtInt(throttle.bytesPerSecond)} B/s per direction\n`,
  );

  const topic = uniqueName('bench-slow-es');
  await createTopics(kafka, [{ topic, partitions: options.partitions }]);
  cleanups.push(() => deleteTopics(kafka, [topic]));
  const workload = await produceWorkload(kafka, {
    topic,
    partitions: options.partitions,
    events: options.events,
    users: options.users,
    spanMs: options.spanMinutes * 60_000,
    disorderMs: 2_000,
    badRatio: 0.01,
    batchSize: 5_000,
    // One send at a time: concurrent kafkajs sends can overtake each other, and ~30 s of event-time
    // disorder turns into late events (fixed in workload.ts on main; kept safe here either way).
    inFlight: 1,
    seed: 42,
  });
  process.stdout.write(
    `backlog: ${fmtInt(workload.totalRecords)} records (${fmtInt(workload.validEvents)} valid, ${fmtInt(workload.badRecords)} bad) -> ${fmtInt(workload.expectedWindows)} windows, produced in ${(workload.produceMs / 1000).toFixed(1)} s\n\n`,
  );

  const results: ModeResult[] = [];
  const modes: ModeSpec[] = [
    ...(options.throughput
      ? [
          { name: 'sinks off (stdout)', sinks: false },
          { name: 'sinks on (ES + Redis)', sinks: true },
        ]
      : []),
    { name: `ES ${options.factor}x slower for ${options.slowS} s (bounded: 10,000 docs)`, sinks: true, throttleBytesPerSecond: throttle.bytesPerSecond },
  ];
  if (options.contrast) {
    modes.push({
      name: `ES ${options.factor}x slower for ${options.slowS} s, ES buffer UNBOUNDED (contrast)`,
      sinks: true,
      throttleBytesPerSecond: throttle.bytesPerSecond,
      extraEnv: { SLUICE_ES_BUFFER_DOCS: '10000000', SLUICE_ES_BUFFER_BYTES: String(2 ** 40) },
    });
  }
  for (const spec of modes) {
    process.stderr.write(`${spec.name}...\n`);
    try {
      results.push(await runMode(kafka, admin, workload, options, spec));
    } catch (err) {
      // The unbounded contrast may run out of heap under --heap-mib: that is a result, not a crash.
      const message = err instanceof Error ? err.message : String(err);
      results.push({ name: spec.name, seconds: Number.NaN, peakRssMiB: Number.NaN, note: `DIED: ${message.split('\n').slice(0, 1).join('')} ${/heap out of memory|Allocation failed/i.test(message) ? '(JavaScript heap out of memory)' : ''}` });
    }
    await sleep(2_000);
  }

  const out: string[] = ['== throughput (backlog consumed until every window is written) =='];
  const header = ['mode', 'seconds', 'events/s', 'windows/s', 'peak RSS MiB'];
  const ok = (r: ModeResult) => Number.isFinite(r.seconds);
  const rows = [
    header,
    ...results.map((r) =>
      ok(r)
        ? [r.name, r.seconds.toFixed(1), fmtInt(workload.totalRecords / r.seconds), fmtInt(workload.expectedWindows / r.seconds), r.peakRssMiB.toFixed(0)]
        : [r.name, '-', '-', '-', '-'],
    ),
  ];
  const widths = header.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  out.push(rows.map((r, i) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ') + (i === 0 ? `\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : '')).join('\n'));
  out.push('(start-up included; seconds and rates of the slow modes include the slow period)');
  for (const r of results) if (r.note) out.push(`${r.name}: ${r.note}`);
  for (const r of results) {
    if (!r.rows) continue;
    out.push('', `== ${r.name}: every ${options.sampleS} s ==`, table([['t s', 'RSS MiB', 'peak MiB', 'lag records', 'ES docs', 'Redis keys'], ...r.rows]));
  }
  out.push(
    '',
    `lag = records on the topic beyond the committed offsets (commits every ${options.checkpointMs} ms, after the sinks flushed, up to the oldest open window).`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
  return results.some((r) => /STALLED|CHECK FAILED/.test(r.note ?? '')) ? 1 : 0;
}

let cleaning: Promise<void> | undefined;

/** Once, whoever asks first (Ctrl-C, or main ending because Ctrl-C killed its daemon): both wait for it. */
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const child of live) child.kill('SIGKILL');
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  })();
  return cleaning;
}

process.once('SIGINT', () => {
  void cleanUp().finally(() => process.exit(130));
});

main()
  .then(
    async (code) => {
      await cleanUp();
      return code;
    },
    async (err: unknown) => {
      process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      await cleanUp();
      return 1;
    },
  )
  .then((code) => process.exit(code));
