/**
 * Live queries under ingest load: the query latency (p50/p99) while the daemon ingests a backlog
 * at full speed, and the ingest throughput with 0, 100 and 1,000 queries per second (same session,
 * same backlog: ratios to the 0 q/s run).
 *
 *  1. a topic gets a backlog of contract-shaped clicks (bench/workload.ts);
 *  2. per rate: a fresh daemon (new consumer group and state, sinks off: results to /dev/null) with
 *     the query API on (rate limit off); from its first record to its last, this process sends
 *     queries open-loop at the rate: mostly one key's windows (GET /keys/:key/windows, a random
 *     user), some top-10 of the current window (GET /windows/:start/top, --top-share);
 *  3. ingest throughput = records / (time of the last record in - time of the first), read from
 *     /metrics every 200 ms.
 *
 * The load generator runs on the same 2-core machine and takes CPU from the daemon too; figures
 * are indicative. usage: node dist/bench/query-load.js [--events 600000] [--rates 0,100,1000] (--help)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CLI, waitFor } from '../test/helpers/daemon-process.js';
import { createTopics, deleteTopics, kafkaBrokers, testKafka } from '../test/helpers/kafka.js';
import { scrape } from '../test/helpers/metrics.js';
import { freePort } from '../test/helpers/ports.js';
import { uniqueName } from '../test/helpers/services.js';
import { produceWorkload, type Workload } from './lib/workload.js';

interface Options {
  events: number;
  users: number;
  partitions: number;
  spanMinutes: number;
  rates: number[];
  workers: number;
  topShare: number;
  maxOutstanding: number;
  timeoutS: number;
}

const FLAGS: Record<string, { key: keyof Options; help: string; def: number | number[] }> = {
  '--events': { key: 'events', help: 'valid events in the backlog', def: 600_000 },
  '--users': { key: 'users', help: 'distinct users', def: 50_000 },
  '--partitions': { key: 'partitions', help: 'partitions of the input topic', def: 3 },
  '--span-minutes': { key: 'spanMinutes', help: 'event time covered', def: 10 },
  '--rates': { key: 'rates', help: 'query rates (per second) to run, comma-separated', def: [0, 100, 1000] },
  '--workers': { key: 'workers', help: 'SLUICE_WORKERS of the daemon', def: 2 },
  '--top-share': { key: 'topShare', help: "share of queries that ask a window's top 10 (the rest: one key's windows)", def: 0.05 },
  '--max-outstanding': { key: 'maxOutstanding', help: 'queries in flight at most (more are counted as skipped)', def: 256 },
  '--timeout-s': { key: 'timeoutS', help: 'give up on a run after this long', def: 300 },
};

function parse(argv: string[]): Options {
  const o = Object.fromEntries(Object.values(FLAGS).map((f) => [f.key, f.def])) as unknown as Options;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(
        `usage: node dist/bench/query-load.js [flags]\n${Object.entries(FLAGS)
          .map(([k, f]) => `  ${k.padEnd(18)} ${f.help} (default ${String(f.def)})`)
          .join('\n')}\n`,
      );
      process.exit(0);
    }
    const f = FLAGS[arg];
    const value = argv[++i];
    if (!f || value === undefined) throw new Error(`unknown flag or missing value: ${arg} (--help)`);
    (o as unknown as Record<string, unknown>)[f.key] = f.key === 'rates' ? value.split(',').map(Number) : Number(value);
  }
  return o;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

interface RunResult {
  rate: number;
  ingestS: number;
  recordsPerS: number;
  sent: number;
  skipped: number;
  statuses: Record<string, number>;
  latencies: { key: number[]; top: number[] };
  /** Server-side times (request in to response out, from the daemon's log), ms. */
  server: number[];
  logFile: string;
}

async function runOnce(options: Options, workload: Workload, rate: number): Promise<RunResult> {
  const stateDir = mkdtempSync(join(tmpdir(), 'sluice-bench-query-'));
  const queryPort = await freePort();
  const metricsPort = await freePort();
  const group = uniqueName('bench-query-group');
  const logFile = join(tmpdir(), `sluice-bench-query-${process.pid}-${rate}.log`);
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SLUICE_')));
  const child = spawn(process.execPath, [CLI, 'run'], {
    env: {
      ...base,
      SLUICE_KAFKA_BROKERS: kafkaBrokers().join(','),
      SLUICE_KAFKA_TOPIC: workload.topic,
      SLUICE_KAFKA_GROUP_ID: group,
      SLUICE_DLQ_TOPIC: `${workload.topic}-dlq`,
      SLUICE_LATE_TOPIC: `${workload.topic}-late`,
      SLUICE_STATE_DIR: stateDir,
      SLUICE_WORKERS: String(options.workers),
      SLUICE_METRICS_PORT: String(metricsPort),
      SLUICE_QUERY_PORT: String(queryPort),
      SLUICE_QUERY_RATE_LIMIT: '0',
      // debug: the API logs each answer with its server-side time (every mode alike).
      SLUICE_LOG_LEVEL: 'debug',
    },
    stdio: ['ignore', 'ignore', openSync(logFile, 'w')],
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const url = `http://127.0.0.1:${queryPort}`;
  const result: RunResult = {
    rate,
    ingestS: Number.NaN,
    recordsPerS: Number.NaN,
    sent: 0,
    skipped: 0,
    statuses: {},
    latencies: { key: [], top: [] },
    server: [],
    logFile,
  };
  try {
    const ready = await waitFor(
      async () => (await fetch(`http://127.0.0.1:${metricsPort}/readyz`).catch(() => undefined))?.status === 200,
      120_000,
      200,
    );
    if (!ready) throw new Error(`daemon not ready (log: ${logFile})`);
    let first: number | undefined;
    let last: number | undefined;
    let current: number | undefined;
    let outstanding = 0;
    let credit = 0;
    let loadTimer: NodeJS.Timeout | undefined;
    let windowTimer: NodeJS.Timeout | undefined;
    const userDigits = String(options.users - 1).length;
    const ask = (kind: 'key' | 'top', path: string) => {
      if (outstanding >= options.maxOutstanding) {
        result.skipped++;
        return;
      }
      outstanding++;
      result.sent++;
      const t0 = performance.now();
      fetch(`${url}${path}`)
        .then(async (res) => {
          await res.arrayBuffer();
          result.statuses[res.status] = (result.statuses[res.status] ?? 0) + 1;
          if (res.status === 200) result.latencies[kind].push(performance.now() - t0);
        })
        .catch(() => {
          result.statuses.error = (result.statuses.error ?? 0) + 1;
        })
        .finally(() => outstanding--);
    };
    const startLoad = () => {
      if (rate <= 0) return;
      const refreshWindow = () =>
        void fetch(`${url}/windows`)
          .then((r) => r.json() as Promise<{ current: number | null }>)
          .then(
            (w) => (current = w.current ?? undefined),
            () => undefined,
          );
      refreshWindow();
      windowTimer = setInterval(refreshWindow, 1000);
      let lastTick = performance.now();
      loadTimer = setInterval(() => {
        const now = performance.now();
        credit += ((now - lastTick) / 1000) * rate;
        lastTick = now;
        for (; credit >= 1; credit--) {
          if (current !== undefined && Math.random() < options.topShare) ask('top', `/windows/${current}/top?n=10`);
          else ask('key', `/keys/user-${String(Math.floor(Math.random() * options.users)).padStart(userDigits, '0')}/windows`);
        }
      }, 5);
    };
    const deadline = Date.now() + options.timeoutS * 1000;
    for (;;) {
      if (Date.now() > deadline) throw new Error(`run at ${rate} q/s did not finish in ${options.timeoutS} s (log: ${logFile})`);
      const scraped = await scrape(metricsPort);
      const records = scraped?.sum('sluice_records_in_total') ?? 0;
      const at = performance.now();
      if (records > 0 && first === undefined) {
        first = at;
        startLoad();
      }
      if (records >= workload.totalRecords) {
        last = at;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    clearInterval(loadTimer);
    clearInterval(windowTimer);
    await waitFor(() => outstanding === 0, 10_000, 50);
    for (const line of readFileSync(logFile, 'utf8').split('\n')) {
      if (!line.includes('"query answered"')) continue;
      const entry = JSON.parse(line) as { route?: string; ms?: number };
      if (entry.route !== '/windows' && typeof entry.ms === 'number') result.server.push(entry.ms);
    }
    result.ingestS = ((last as number) - (first as number)) / 1000;
    result.recordsPerS = workload.totalRecords / result.ingestS;
    return result;
  } finally {
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(stateDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  const kafka = testKafka();
  const topic = uniqueName('bench-query');
  process.stdout.write(
    `query-load: ${cpus()[0]?.model ?? 'cpu'} x${availableParallelism()}, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; ${options.events} events, ${options.users} users, ${options.partitions} partitions, ${options.workers} workers\n`,
  );
  await createTopics(kafka, [{ topic, partitions: options.partitions }]);
  try {
    const workload = await produceWorkload(kafka, {
      topic,
      partitions: options.partitions,
      events: options.events,
      users: options.users,
      spanMs: options.spanMinutes * 60_000,
      disorderMs: 2_000,
      badRatio: 0.01,
      batchSize: 2_500,
      inFlight: 4,
      seed: 15,
    });
    process.stdout.write(
      `backlog: ${workload.totalRecords} records (${workload.expectedWindows} windows) produced in ${(workload.produceMs / 1000).toFixed(1)} s\n\n`,
    );
    const results: RunResult[] = [];
    for (const rate of options.rates) {
      const r = await runOnce(options, workload, rate);
      results.push(r);
      process.stdout.write(
        `  ${rate} q/s: ${Math.round(r.recordsPerS).toLocaleString('en-US')} records/s (${r.ingestS.toFixed(1)} s); ${r.sent} queries sent, ${r.skipped} skipped, statuses ${JSON.stringify(r.statuses)}; daemon log ${r.logFile}\n`,
      );
    }
    const baseline = results.find((r) => r.rate === 0)?.recordsPerS;
    process.stdout.write(
      '\n| queries/s | ingest records/s | vs 0 q/s | answered (200) | key query p50 / p99 ms | top-10 query p50 / p99 ms | server-side p50 / p99 ms |\n|---|---|---|---|---|---|---|\n',
    );
    for (const r of results) {
      const key = [...r.latencies.key].sort((a, b) => a - b);
      const top = [...r.latencies.top].sort((a, b) => a - b);
      const ms = (xs: number[]) => (xs.length === 0 ? '-' : `${percentile(xs, 50).toFixed(1)} / ${percentile(xs, 99).toFixed(1)}`);
      process.stdout.write(
        `| ${r.rate} | ${Math.round(r.recordsPerS).toLocaleString('en-US')} | ${baseline ? (r.recordsPerS / baseline).toFixed(2) : '-'} | ${r.statuses['200'] ?? 0} of ${r.sent} | ${ms(key)} | ${ms(top)} | ${ms([...r.server].sort((a, b) => a - b))} |\n`,
      );
    }
  } finally {
    await deleteTopics(kafka, [topic, `${topic}-dlq`, `${topic}-late`]).catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`query-load: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
