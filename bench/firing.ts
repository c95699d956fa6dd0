/**
 * What does a window close cost a window worker, per result? One WindowActor on an LmdbWindowStore
 * with the built-in job's aggregate, in this thread (no worker threads, Kafka or sinks): --keys
 * users send events at --rate per second of event time, in steps of --step, into tumbling windows
 * of --window-ms; each step's watermark trails its events by the 5 s bound, so every --window-ms
 * one step closes a window of --keys results, as in the daemon. The wall clock (the commit budget's
 * age) moves 2 ms per step, so windows are committed to LMDB before they fire, as in real time.
 * Prints, per run, the CPU (this process's, so V8's compiler threads included) of each closing step
 * per result: the first bursts and the median of the rest. Runs share the process, so only run 1's
 * first bursts include compiling the firing code (a freshly started worker's case).
 * The results are counted and checked against the events sent.
 *
 * usage: npm run --silent build && node dist/bench/firing.js [--runs 3] [--keys 5000] [--bursts 14]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WindowActor } from '../src/actors/window-actor.js';
import { keyGroupOf, KEY_GROUPS } from '../src/actors/key-groups.js';
import { clickCountAggregate, type ClickCountAccumulator, type ClickCountResult } from '../src/job/clickstream.js';
import { LmdbWindowStore } from '../src/state/lmdb-window-store.js';
import type { KeyedEvent } from '../src/streams/operators/keyed-stage.js';
import type { ClickEvent } from '../src/streams/operators/records.js';
import { int, parseFlags } from './lib/options.js';
import { fmt, median, table } from './lib/report.js';
import { header, runBench } from './lib/run.js';
import { prng } from './lib/workload.js';

const FLAGS = {
  runs: int(3, 'runs (each in a fresh store; medians over them at the end)'),
  keys: int(5_000, "users: one window worker's share of 10,000"),
  rate: int(25_000, "events per second of event time (a worker's share of 50,000)"),
  step: int(50, 'events per step'),
  windowMs: int(10_000, 'tumbling window size'),
  bursts: int(14, 'windows closed per run'),
  warm: int(3, "the first bursts, reported apart (run 1's include compiling the firing code)"),
};
const BOUND_MS = 5_000;
const TYPES = ['view', 'click', 'add_to_cart', 'purchase', 'remove_from_cart'];

interface Burst {
  results: number;
  cpuMs: number;
}

function run(o: ReturnType<typeof parseFlags<typeof FLAGS>>, seed: number): { bursts: Burst[]; counted: number; sent: number } {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-firing-'));
  let wallMs = 0;
  const store = new LmdbWindowStore<ClickCountAccumulator>({
    path: dir,
    keyGroups: Array.from({ length: KEY_GROUPS }, (_, g) => g),
    keyGroupOf,
    clear: true,
    now: () => wallMs,
  });
  const actor = new WindowActor<ClickEvent, ClickCountAccumulator, ClickCountResult>(
    { sizeMs: o.windowMs, allowedLatenessMs: 0 },
    clickCountAggregate,
    store,
    0,
  );
  const random = prng(seed);
  const bursts: Burst[] = [];
  let eventTime = Date.UTC(2026, 0, 1);
  const end = eventTime + (o.bursts + 1) * o.windowMs + BOUND_MS;
  let watermark = Number.NEGATIVE_INFINITY;
  let sent = 0;
  let counted = 0;
  let fired = 0;
  const emit = (results: ClickCountResult[]) => {
    fired += results.length;
    for (const r of results) counted += r.count;
  };
  while (eventTime < end && bursts.length < o.bursts) {
    const events: Array<KeyedEvent<ClickEvent>> = [];
    for (let i = 0; i < o.step; i++, eventTime += 1000 / o.rate) {
      const userId = `user-${Math.floor(random() * o.keys)}`;
      const timestamp = Math.floor(eventTime);
      events.push({ key: userId, timestamp, event: { userId, eventType: TYPES[i % TYPES.length] as string, timestamp } });
    }
    sent += events.length;
    wallMs += 2;
    const before = watermark;
    watermark = Math.floor(eventTime) - BOUND_MS - 1;
    const closes = Number.isFinite(before) && Math.floor((watermark + 1) / o.windowMs) > Math.floor((before + 1) / o.windowMs);
    fired = 0;
    const cpu0 = process.cpuUsage();
    actor.step({ events, watermarkBefore: before, watermarkAfter: watermark, nowMs: wallMs }, emit);
    const cpu = process.cpuUsage(cpu0);
    if (closes && fired > 0) bursts.push({ results: fired, cpuMs: (cpu.user + cpu.system) / 1000 });
  }
  // What is still open fires at the end, so every event sent is in some result.
  actor.step({ events: [], watermarkBefore: watermark, watermarkAfter: Number.POSITIVE_INFINITY, nowMs: wallMs }, emit);
  void actor.close().finally(() => rmSync(dir, { recursive: true, force: true }));
  return { bursts, counted, sent };
}

async function main(): Promise<number> {
  const o = parseFlags('usage: node dist/bench/firing.js [flags]', FLAGS);
  process.stdout.write(`${header(undefined)}\n`);
  process.stdout.write(
    `${o.keys} users, ${o.rate} events/s of event time in steps of ${o.step}, ${o.windowMs} ms windows, ${o.bursts} windows closed per run; CPU µs per result of each closing step\n\n`,
  );
  const rows: string[][] = [];
  const warmUs: number[] = [];
  const steadyUs: number[] = [];
  let exact = true;
  for (let r = 1; r <= o.runs; r++) {
    const { bursts, counted, sent } = run(o, 42 + r);
    if (counted !== sent) exact = false;
    const perResult = bursts.map((b) => (b.cpuMs * 1000) / b.results);
    const warm = perResult.slice(0, o.warm);
    const steady = median(perResult.slice(o.warm)) ?? Number.NaN;
    warmUs.push(...warm);
    steadyUs.push(steady);
    rows.push([
      String(r),
      fmt(median(bursts.map((b) => b.results)) ?? Number.NaN, 0),
      warm.map((u) => fmt(u, 2)).join(', '),
      fmt(steady, 2),
      counted === sent ? 'yes' : `no (${counted} of ${sent})`,
    ]);
  }
  process.stdout.write(
    table([
      ['run', 'results per burst', `first ${o.warm} bursts µs/result`, 'later bursts, median µs/result', 'every event counted'],
      ...rows,
    ]),
  );
  process.stdout.write(
    `\nmedian over runs: later bursts ${fmt(median(steadyUs) ?? Number.NaN, 2)} µs per result; first bursts ${fmt(median(warmUs) ?? Number.NaN, 2)}\n`,
  );
  return exact ? 0 : 1;
}

runBench(main);
