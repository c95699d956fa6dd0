/**
 * What a slow Elasticsearch does to sluice: memory and consumer lag over time while Elasticsearch is
 * N times slower (default 10), and throughput with the sinks on vs off.
 *
 *  1. a topic gets a backlog of contract-shaped clicks (bench/lib/workload.ts; ~1% bad records);
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
 * usage: npm run bench:sinks -- [--events 500000] [--users 80000] [--slow-s 120] [--no-contrast]  (--help)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import { calibrateEsThrottle } from '../test/helpers/es-throttle.js';
import { FaultProxy } from '../test/helpers/fault-proxy.js';
import { createTopics, deleteTopics, testKafka } from '../test/helpers/kafka.js';
import { esNode, redisUrl, uniqueName, waitForElasticsearch } from '../test/helpers/services.js';
import { Daemon, sluiceEnv } from './lib/daemon.js';
import { countCommitted, deleteGroups, deleteRunGroups, lagOf } from './lib/kafka.js';
import { bool, int, parseFlags } from './lib/options.js';
import { statusKiB } from './lib/proc.js';
import { fmtInt, sleep, table as alignedTable } from './lib/report.js';
import { header as benchHeader, onCleanup, runBench } from './lib/run.js';
import { esCount, scanCount } from './lib/sinks.js';
import { produceWorkload, type Workload } from './lib/workload.js';

const FLAGS = {
  events: int(500_000, 'valid events in the backlog'),
  users: int(80_000, 'distinct users'),
  partitions: int(3, 'partitions of the input topic'),
  spanMinutes: int(20, 'event time covered'),
  factor: int(10, 'how many times slower Elasticsearch is made'),
  slowS: int(120, 'seconds Elasticsearch stays slow'),
  sampleS: int(5, 'seconds between table rows'),
  checkpointMs: int(30_000, 'SLUICE_CHECKPOINT_INTERVAL_MS of the daemon (its default)'),
  contrast: bool(true, 'also run slow ES with an unbounded ES buffer'),
  throughput: bool(true, 'run the sinks off / sinks on modes'),
  heapMib: int(0, "the daemon's V8 old-space cap in MiB (0 = Node's default)"),
  stallS: int(120, 'fail a mode after this long without progress'),
};

type Options = ReturnType<typeof parseFlags<typeof FLAGS>>;

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

async function runMode(kafka: Kafka, workload: Workload, options: Options, spec: ModeSpec): Promise<ModeResult> {
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
  onCleanup(async () => {
    await proxy?.close();
    rmSync(stateDir, { recursive: true, force: true });
    await deleteTopics(kafka, [dlq, late]).catch(() => undefined);
    await deleteGroups(kafka, [groupId]);
    await deleteRunGroups(kafka, groupId).catch(() => undefined);
    await fetch(new URL(`/${index}`, esNode()), { method: 'DELETE' }).catch(() => undefined);
    await scanCount(redis, prefix, true).catch(() => undefined);
    redis.disconnect();
  });

  const env = sluiceEnv({
    topic: workload.topic,
    groupId,
    dlqTopic: dlq,
    lateTopic: late,
    stateDir,
    extra: {
      SLUICE_CHECKPOINT_INTERVAL_MS: String(options.checkpointMs),
      ...(options.heapMib > 0 ? { NODE_OPTIONS: `--max-old-space-size=${options.heapMib}` } : {}),
      ...(spec.sinks
        ? {
            SLUICE_ES_NODE: proxy ? proxy.url('http') : esNode(),
            SLUICE_ES_INDEX: index,
            SLUICE_REDIS_URL: redisUrl(),
            SLUICE_REDIS_KEY_PREFIX: prefix,
          }
        : {}),
      ...spec.extraEnv,
    },
  });
  const daemon = new Daemon(env, { label: `slow-es-${spec.name}` });
  const started = daemon.spawnedAt;
  const pid = daemon.pid;
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
      if (!daemon.running)
        throw new Error(
          `${spec.name}: the daemon exited (${daemon.exit?.code ?? daemon.exit?.signal}); log ${daemon.logFile}:\n${daemon.tail(15)}`,
        );
      const rss = statusKiB(pid, 'VmRSS') ?? 0;
      peakKiB = Math.max(peakKiB, rss);
      const t = (performance.now() - started) / 1000;
      let progress: number;
      if (!spec.sinks) {
        if (daemon.lines >= expected) break;
        progress = daemon.lines;
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
          const lag = await lagOf(kafka, workload.topic, groupId);
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
    const peak = (statusKiB(pid, 'VmHWM') ?? peakKiB) / 1024;
    // The side outputs are committed with each checkpoint: the final one (at SIGTERM) commits the rest.
    await daemon.stop();
    const lateRecords = await countCommitted(kafka, late, 0, 6_000);
    const deadLetters = await countCommitted(kafka, dlq, workload.badRecords);
    if (!spec.sinks && daemon.lines !== expected) note = `${note ? `${note}; ` : ''}${daemon.lines} result lines of ${expected}`;
    const checks = `late events ${lateRecords} (expected 0), dead letters ${deadLetters} (expected ${workload.badRecords}; read_committed)`;
    note = note ? `${note}; ${checks}` : checks;
    if (lateRecords !== 0 || deadLetters !== workload.badRecords) note = `CHECK FAILED: ${note}`;
    if (proxy)
      note = `${note ? `${note}; ` : ''}proxy forwarded ${fmtInt(proxy.stats().bytesUp)} B up, ${fmtInt(proxy.stats().bytesDown)} B down`;
    return { name: spec.name, seconds, peakRssMiB: peak, rows: spec.sinks ? rows : undefined, ...(note ? { note } : {}) } as ModeResult;
  } finally {
    await daemon.kill();
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
  const options = parseFlags('usage: npm run bench:sinks -- [flags]', FLAGS);
  const kafka = testKafka('sluice-bench-slow-es');
  await waitForElasticsearch(30_000);
  process.stdout.write(
    `${benchHeader(undefined)}\ndaemon settings: SLUICE_CHECKPOINT_INTERVAL_MS=${options.checkpointMs}, ${options.heapMib > 0 ? `NODE_OPTIONS=--max-old-space-size=${options.heapMib}` : "Node's default heap"}\n`,
  );

  const throttle = await calibrateEsThrottle(esNode(), options.factor);
  process.stdout.write(
    `Elasticsearch: one bulk of ${throttle.docsPerBulk} docs takes ${throttle.bulkMs.toFixed(0)} ms direct, ${fmtInt(throttle.wireBytes)} B on the wire; ` +
      `${options.factor}x slower = throttle at ${fmtInt(throttle.bytesPerSecond)} B/s per direction\n`,
  );

  const topic = uniqueName('bench-slow-es');
  await createTopics(kafka, [{ topic, partitions: options.partitions }]);
  onCleanup(() => deleteTopics(kafka, [topic]));
  const workload = await produceWorkload(kafka, {
    topic,
    partitions: options.partitions,
    events: options.events,
    users: options.users,
    spanMs: options.spanMinutes * 60_000,
    disorderMs: 2_000,
    badRatio: 0.01,
    // ~2,500 values of ~190 B per send stay under the broker's 1 MiB message limit (5,000 did not).
    batchSize: 2_500,
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
    {
      name: `ES ${options.factor}x slower for ${options.slowS} s (bounded: 10,000 docs)`,
      sinks: true,
      throttleBytesPerSecond: throttle.bytesPerSecond,
    },
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
      results.push(await runMode(kafka, workload, options, spec));
    } catch (err) {
      // The unbounded contrast may run out of heap under --heap-mib: that is a result, not a crash.
      const message = err instanceof Error ? err.message : String(err);
      results.push({
        name: spec.name,
        seconds: Number.NaN,
        peakRssMiB: Number.NaN,
        note: `DIED: ${message.split('\n').slice(0, 1).join('')} ${/heap out of memory|Allocation failed/i.test(message) ? '(JavaScript heap out of memory)' : ''}`,
      });
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
        ? [
            r.name,
            r.seconds.toFixed(1),
            fmtInt(workload.totalRecords / r.seconds),
            fmtInt(workload.expectedWindows / r.seconds),
            r.peakRssMiB.toFixed(0),
          ]
        : [r.name, '-', '-', '-', '-'],
    ),
  ];
  out.push(alignedTable(rows));
  out.push('(start-up included; seconds and rates of the slow modes include the slow period)');
  for (const r of results) if (r.note) out.push(`${r.name}: ${r.note}`);
  for (const r of results) {
    if (!r.rows) continue;
    out.push(
      '',
      `== ${r.name}: every ${options.sampleS} s ==`,
      table([['t s', 'RSS MiB', 'peak MiB', 'lag records', 'ES docs', 'Redis keys'], ...r.rows]),
    );
  }
  out.push(
    '',
    `lag = records on the topic beyond the committed offsets (commits every ${options.checkpointMs} ms, after the sinks flushed, up to the oldest open window).`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
  return results.some((r) => /STALLED|CHECK FAILED/.test(r.note ?? '')) ? 1 : 0;
}

runBench(main);
