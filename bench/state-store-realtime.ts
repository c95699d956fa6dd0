/**
 * The window store under a real-time job: --keys hot keys, events at --rate per second of event
 * time in steps of --step events, tumbling windows of --window-ms firing once event time passes
 * their end plus the 5 s bound, a barrier every --barrier-ms of event time. One LmdbWindowStore,
 * no threads and no Kafka: what a window worker's state costs per event, with the write buffer's
 * early-commit budget either
 *   fixed    8,000 cost units (the budget before commit-budget.ts), or
 *   learned  80 ms of commit time, a unit's cost learned from the commits measured (the default);
 *   cached   learned, with committed entries kept decoded in memory (SLUICE_STATE_CACHE_ENTRIES,
 *            the daemon's default of 100,000), so reads and firings of committed windows skip LMDB.
 * Event time runs faster than the wall clock here, so the budget's age condition is off (0 ms): in
 * the daemon a real-time window is older than its 2 s within seconds anyway.
 * Prints per mode the median over --runs of CPU per event, early commits and their time, the longest
 * firing and the longest barrier; and checks that both modes fired the same counts.
 *
 * usage: npm run --silent build && node dist/bench/state-store-realtime.js [--runs 3] [--keys 5000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LmdbWindowStore } from '../src/state/lmdb-window-store.js';
import type { WindowEntry } from '../src/streams/operators/windows.js';
import { int, parseFlags } from './lib/options.js';
import { fmt, median, table } from './lib/report.js';
import { header, runBench } from './lib/run.js';
import { prng } from './lib/workload.js';

const FLAGS = {
  runs: int(3, 'runs of each mode, alternating (medians reported)'),
  keys: int(5_000, "hot keys (one window worker's share of 10,000 users)"),
  rate: int(25_000, 'events per second of event time (a worker’s share of 50,000)'),
  step: int(50, 'events per step (what one fetch brings a worker at this rate)'),
  windowMs: int(10_000, 'tumbling window size'),
  barrierMs: int(5_000, 'a barrier every this much event time'),
  seconds: int(30, 'event time covered'),
};
const MODES = ['fixed', 'learned', 'cached'] as const;
/** SLUICE_STATE_CACHE_ENTRIES's default. */
const CACHE_ENTRIES = 100_000;
const BOUND_MS = 5_000;
const OLD_FIXED_BUDGET_UNITS = 8_000;

type Acc = { count: number };
interface RunResult {
  cpuUsPerEvent: number;
  earlyCommits: number;
  earlyCommitMs: number;
  maxFireMs: number;
  maxBarrierMs: number;
  /** Sum over fired entries of count * (a hash of the key and window): equal across modes. */
  checksum: number;
}

function run(mode: (typeof MODES)[number], o: ReturnType<typeof parseFlags<typeof FLAGS>>): RunResult {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-store-'));
  const store = new LmdbWindowStore<Acc>({
    path: dir,
    keyGroups: [0],
    keyGroupOf: () => 0,
    clear: true,
    writeBufferEntries: 1_000_000,
    commitBudgetAgeMs: 0,
    ...(mode === 'fixed' ? { commitBudget: OLD_FIXED_BUDGET_UNITS } : {}),
    ...(mode === 'cached' ? { cacheEntries: CACHE_ENTRIES } : {}),
  });
  // Early commits are the ones endStep makes: count commits that happen inside it.
  let inEndStep = false;
  let earlyCommits = 0;
  let earlyCommitMs = 0;
  const commit = store.commit.bind(store);
  store.commit = () => {
    const began = performance.now();
    commit();
    if (inEndStep && store.buffered === 0) {
      earlyCommits++;
      earlyCommitMs += performance.now() - began;
    }
  };
  const keys = Array.from({ length: o.keys }, (_, i) => `user-${i}`);
  const random = prng(42);
  let maxFireMs = 0;
  let maxBarrierMs = 0;
  let checksum = 0;
  let barrier = 0;
  let nextBarrierAt = o.barrierMs;
  const total = o.rate * o.seconds;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < total; i += o.step) {
    let eventTime = 0;
    for (let j = i; j < Math.min(total, i + o.step); j++) {
      eventTime = (j / o.rate) * 1000;
      const windowStart = Math.floor(eventTime / o.windowMs) * o.windowMs;
      const key = keys[Math.floor(random() * keys.length)] as string;
      const entry: WindowEntry<Acc> = store.get(windowStart, key) ?? { accumulator: { count: 0 }, fired: false };
      entry.accumulator.count++;
      store.put(windowStart, key, entry);
    }
    for (const start of [...store.windowStarts()]) {
      if (start + o.windowMs + BOUND_MS > eventTime) continue;
      const began = performance.now();
      for (const [key, entry] of store.entries(start))
        checksum = (checksum + entry.accumulator.count * ((start / 1000 + key.length * 31) % 1009)) % 1e15;
      store.deleteWindow(start);
      maxFireMs = Math.max(maxFireMs, performance.now() - began);
    }
    inEndStep = true;
    store.endStep();
    inEndStep = false;
    if (eventTime >= nextBarrierAt) {
      const began = performance.now();
      store.barrier(++barrier);
      maxBarrierMs = Math.max(maxBarrierMs, performance.now() - began);
      nextBarrierAt += o.barrierMs;
    }
  }
  const cpu = process.cpuUsage(cpu0);
  void store.close().finally(() => rmSync(dir, { recursive: true, force: true }));
  return { cpuUsPerEvent: (cpu.user + cpu.system) / total, earlyCommits, earlyCommitMs, maxFireMs, maxBarrierMs, checksum };
}

async function main(): Promise<number> {
  const o = parseFlags('usage: node dist/bench/state-store-realtime.js [flags]', FLAGS);
  process.stdout.write(`${header(undefined)}\n`);
  process.stdout.write(
    `${o.keys} hot keys, ${o.rate} events/s of event time in steps of ${o.step}, ${o.windowMs} ms windows, a barrier every ${o.barrierMs} ms, ${o.seconds} s\n\n`,
  );
  const results: Record<string, RunResult[]> = { fixed: [], learned: [], cached: [] };
  for (let r = 0; r < o.runs; r++) {
    for (const mode of r % 2 === 0 ? MODES : [...MODES].reverse()) results[mode]?.push(run(mode, o));
  }
  const med = (mode: string, pick: (x: RunResult) => number) => median((results[mode] ?? []).map(pick)) ?? Number.NaN;
  const rows = [['budget, cache', 'CPU µs/event', 'early commits', 'their ms', 'longest firing ms', 'longest barrier ms']];
  for (const mode of MODES) {
    rows.push([
      mode === 'fixed'
        ? `fixed ${OLD_FIXED_BUDGET_UNITS} units, none`
        : mode === 'learned'
          ? 'learned 80 ms, none'
          : `learned 80 ms, ${CACHE_ENTRIES} entries`,
      fmt(
        med(mode, (x) => x.cpuUsPerEvent),
        2,
      ),
      fmt(
        med(mode, (x) => x.earlyCommits),
        0,
      ),
      fmt(
        med(mode, (x) => x.earlyCommitMs),
        0,
      ),
      fmt(
        med(mode, (x) => x.maxFireMs),
        1,
      ),
      fmt(
        med(mode, (x) => x.maxBarrierMs),
        1,
      ),
    ]);
  }
  process.stdout.write(`${table(rows)}\n(medians of ${o.runs} runs each)\n`);
  const sums = new Set(Object.values(results).flatMap((rs) => rs.map((x) => x.checksum)));
  process.stdout.write(
    sums.size === 1 ? 'fired counts: identical in every run\n' : `fired counts DIFFER between runs: ${[...sums].join(', ')}\n`,
  );
  return sums.size === 1 ? 0 : 1;
}

runBench(main);
