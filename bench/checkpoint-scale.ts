/**
 * What does a checkpoint cost with a million open keys, and how long does a restore of them take
 * after a SIGKILL? Measured on the real daemon (not the store alone), through its /metrics:
 *
 *  1. the daemon starts on an empty topic: the cold start (spawn -> consuming, -> /readyz) is the
 *     restore's baseline;
 *  2. small state: a paced trickle (--trickle-rate) over --small-keys users for --phase-s: the
 *     checkpoint baseline;
 *  3. loading: one event for each of --keys new users, as fast as Kafka takes them;
 *  4. large state: the same trickle over the --keys users for --phase-s;
 *  5. SIGKILL, then the daemon again on the same state directory and group: spawn -> "restored the
 *     latest complete checkpoint" (its log) -> consuming -> /readyz, and until /metrics shows every
 *     open window again.
 * Every event lies in the first 50 s of one 1-minute window and nothing passes its end, so every key
 * stays open (in state) from its first event to the end. Checkpoint durations are the daemon's
 * sluice_checkpoint_duration_seconds (barrier trigger -> checkpoint complete): /metrics is scraped
 * every --scrape-ms, and each scrape that saw the _count grow gives the new checkpoint's duration
 * as the growth of _sum (exact for one checkpoint per scrape; checkpoints are >= half the interval apart).
 *
 * usage: npm run bench:checkpoints -- [--keys 1000000] [--phase-s 60] [--interval-ms 5000]   (--help for all)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTopics, deleteTopics, testKafka } from '../test/helpers/kafka.js';
import { uniqueName } from '../test/helpers/services.js';
import { Daemon, metricSum, metricsPort, sluiceEnv, type SluiceSettings } from './lib/daemon.js';
import { deleteGroups, deleteRunGroups } from './lib/kafka.js';
import { bool, int, parseFlags, str } from './lib/options.js';
import { Producer } from './lib/paced.js';
import { diskUsage } from './lib/proc.js';
import { fmt, fmtInt, quantile, sleep, table } from './lib/report.js';
import { header, keepData, onCleanup, runBench } from './lib/run.js';
import { clickValue, prng } from './lib/workload.js';

const FLAGS = {
  keys: int(1_000_000, 'distinct users put into open windows (one event each)'),
  smallKeys: int(1_000, 'users of the small-state phase (the checkpoint baseline)'),
  trickleRate: int(2_000, 'events per second during the measured phases (random users of the phase)'),
  phaseS: int(60, 'seconds of each measured phase'),
  intervalMs: int(5_000, 'SLUICE_CHECKPOINT_INTERVAL_MS (min pause: half of it)'),
  partitions: int(6, 'partitions of the input topic'),
  workers: int(0, "SLUICE_WORKERS; 0 = the daemon's default"),
  writeBufferEntries: int(0, "SLUICE_STATE_WRITE_BUFFER_ENTRIES; 0 = the daemon's default"),
  scrapeMs: int(250, 'how often /metrics is scraped'),
  cli: str(undefined, 'the daemon to run; default dist/daemon/sluice.js of this checkout'),
  keep: bool(false, 'keep the topic and the state directory'),
};

interface Checkpoint {
  phase: string;
  ms: number;
  /** Checkpoints completed between two scrapes (> 1: `ms` is their mean). */
  n: number;
  openWindows: number;
}

/** Scrapes a daemon's /metrics: checkpoint durations, open windows, records read. */
class Watch {
  phase = 'start-up';
  readonly checkpoints: Checkpoint[] = [];
  openWindows = 0;
  recordsIn = 0;
  private count = 0;
  private sum = 0;
  private running = true;
  private readonly loop: Promise<void>;

  constructor(
    private readonly daemon: Daemon,
    everyMs: number,
  ) {
    this.loop = (async () => {
      while (this.running && daemon.running) {
        await this.scrape().catch(() => undefined);
        await sleep(everyMs);
      }
    })();
  }

  private async scrape(): Promise<void> {
    const m = await this.daemon.metrics();
    const count = m.get('sluice_checkpoint_duration_seconds_count') ?? 0;
    const sum = m.get('sluice_checkpoint_duration_seconds_sum') ?? 0;
    this.openWindows = metricSum(m, 'sluice_open_windows');
    this.recordsIn = metricSum(m, 'sluice_records_in_total');
    if (count > this.count)
      this.checkpoints.push({
        phase: this.phase,
        ms: ((sum - this.sum) / (count - this.count)) * 1000,
        n: count - this.count,
        openWindows: this.openWindows,
      });
    this.count = count;
    this.sum = sum;
  }

  async until(what: string, check: () => boolean, timeoutMs: number): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    while (!check()) {
      if (!this.daemon.running)
        throw new Error(`the daemon exited while waiting for ${what}; log ${this.daemon.logFile}:\n${this.daemon.tail(15)}`);
      if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}; log ${this.daemon.logFile}`);
      await sleep(50);
    }
    return performance.now();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

async function main(): Promise<number> {
  const o = parseFlags('usage: npm run bench:checkpoints -- [flags]', FLAGS);
  keepData(o.keep);
  const kafka = testKafka('sluice-bench-checkpoints');
  process.stdout.write(`${header(o.cli)}\n`);
  const topic = uniqueName('bench-ckpt');
  await createTopics(kafka, [{ topic, partitions: o.partitions }]);
  const settings: SluiceSettings = {
    topic,
    groupId: uniqueName('bench-ckpt'),
    dlqTopic: `${topic}-dlq`,
    lateTopic: `${topic}-late`,
    stateDir: mkdtempSync(join(tmpdir(), 'sluice-bench-state-')),
    workers: o.workers,
    checkpointIntervalMs: o.intervalMs,
    writeBufferEntries: o.writeBufferEntries,
  };
  onCleanup(async () => {
    rmSync(settings.stateDir, { recursive: true, force: true });
    await deleteTopics(kafka, [topic, settings.dlqTopic, settings.lateTopic]);
    await deleteGroups(kafka, [settings.groupId]);
    await deleteRunGroups(kafka, settings.groupId);
  });
  const start = async (label: string) => {
    const port = await metricsPort();
    return new Daemon(sluiceEnv({ ...settings, metricsPort: port }), { label, ...(o.cli ? { cli: o.cli } : {}), metricsPort: port });
  };

  // 1. cold start
  const first = await start('checkpoints-1');
  const coldReadyAt = await first.whenReady();
  const cold = { consuming: first.consumingUptimeMs(), ready: coldReadyAt - first.spawnedAt };
  const watch = new Watch(first, o.scrapeMs);

  const window = Math.floor((Date.now() - 2 * 3_600_000) / 60_000) * 60_000;
  const digits = String(o.keys - 1).length;
  const random = prng(42);
  const event = (i: number, userId: string, u: number) => ({
    key: userId,
    value: clickValue(i, u, userId, 'view', window + (i % 50_000)),
    partition: u % o.partitions,
    ts: window + (i % 50_000),
  });
  const producer = await Producer.connect(kafka, topic, o.partitions);
  const trickle = async (phase: string, users: number, name: (u: number) => string) => {
    watch.phase = phase;
    process.stderr.write(`${phase}: ${fmtInt(o.trickleRate)} events/s over ${fmtInt(users)} users for ${o.phaseS} s\n`);
    await producer.paced(o.trickleRate, o.phaseS * 1000, (i) => {
      const u = Math.floor(random() * users);
      return event(i, name(u), u);
    });
  };
  const small = (u: number) => `small-${u}`;
  const large = (u: number) => `user-${String(u).padStart(digits, '0')}`;

  // 2. small state
  await trickle('small state', o.smallKeys, small);
  // 3. loading
  watch.phase = 'loading';
  process.stderr.write(`loading: ${fmtInt(o.keys)} users, one event each\n`);
  const loadBegan = performance.now();
  await producer.push(o.keys, (i) => event(i, large(i), i));
  await watch.until('every record read', () => watch.recordsIn >= producer.sent, 600_000);
  await watch.until(`${o.keys} open windows`, () => watch.openWindows >= o.keys, 120_000);
  const loadS = (performance.now() - loadBegan) / 1000;
  // 4. large state
  await trickle('large state', o.keys, large);
  const openBefore = watch.openWindows;
  const state = diskUsage(settings.stateDir);
  // 5. SIGKILL and restore
  await watch.stop();
  const killedAt = performance.now();
  await first.kill();
  process.stderr.write('SIGKILL; starting again\n');
  const second = await start('checkpoints-2');
  const readyAt = await second.whenReady(600_000);
  const rewatch = new Watch(second, o.scrapeMs);
  rewatch.phase = 'after restore';
  const reopenedAt = await rewatch.until(`${openBefore} open windows again`, () => rewatch.openWindows >= openBefore, 120_000);
  const restoredLog = second.firstLog('restored the latest complete checkpoint');
  await rewatch.stop();
  const stop = await second.stop();
  await producer.close();

  const rows = [['phase', 'open windows', 'checkpoints', 'p50 ms', 'p99 ms', 'max ms']];
  for (const phase of ['small state', 'loading', 'large state']) {
    const cs = watch.checkpoints.filter((c) => c.phase === phase);
    const ms = cs.flatMap((c) => Array.from({ length: c.n }, () => c.ms));
    const open = cs.map((c) => c.openWindows);
    rows.push([
      phase,
      open.length ? `${fmtInt(Math.min(...open))}-${fmtInt(Math.max(...open))}` : '-',
      String(ms.length),
      fmt(quantile(ms, 0.5), 1),
      fmt(quantile(ms, 0.99), 1),
      fmt(quantile(ms, 1), 1),
    ]);
  }
  const merged = watch.checkpoints.filter((c) => c.n > 1).length;
  const s = (ms: number | undefined) => fmt(ms !== undefined ? ms / 1000 : undefined, 2);
  const restoreRows = [
    [
      'start',
      'state',
      'spawn -> restored',
      'spawn -> consuming',
      'spawn -> /readyz',
      'SIGKILL -> /readyz',
      'SIGKILL -> all open windows back',
    ],
    ['cold (empty state directory)', '-', '-', s(cold.consuming), s(cold.ready), '-', '-'],
    [
      'after SIGKILL',
      `${fmtInt(openBefore)} open windows, ${fmt(state.allocated / 2 ** 20, 0)} MiB on disk`,
      s(restoredLog ? restoredLog.timeMs - second.spawnedAtEpoch : undefined),
      s(second.consumingUptimeMs()),
      s(readyAt - second.spawnedAt),
      s(readyAt - killedAt),
      s(reopenedAt - killedAt),
    ],
  ];
  process.stdout.write(
    [
      '',
      `loading ${fmtInt(o.keys)} keys took ${loadS.toFixed(1)} s (produce + consume); checkpoints every ${o.intervalMs} ms; ${producer.sent} records in all`,
      '',
      "== checkpoint duration (the daemon's sluice_checkpoint_duration_seconds: barrier trigger -> checkpoint complete) ==",
      table(rows),
      'open windows = sluice_open_windows at the scrapes that saw the checkpoints (window workers report it every 5 s, so it lags);',
      'p50/p99 by nearest rank: with fewer than 100 checkpoints in a phase its p99 is its largest. The first checkpoint of "large state" may',
      'still write what loading left in the write buffer.',
      // In order, so a phase's largest can be told apart: the first of "large state", or a slow one among many.
      ...['small state', 'loading', 'large state'].map(
        (phase) =>
          `${phase}, in order (ms): ${
            watch.checkpoints
              .filter((c) => c.phase === phase)
              .map((c) => fmt(c.ms, 0) + (c.n > 1 ? ` (x${c.n})` : ''))
              .join(', ') || '-'
          }`,
      ),
      ...(merged > 0 ? [`(${merged} scrape(s) saw more than one new checkpoint: those count with their mean)`] : []),
      '',
      '== start-up: cold (the baseline) and the restore after SIGKILL ==',
      table(restoreRows),
      '',
      `restored: ${restoredLog ? `checkpoint ${String(restoredLog.entry.checkpointId)}` : 'NO "restored the latest complete checkpoint" log line'}; open windows after the restore ${fmtInt(rewatch.openWindows)} (before the kill ${fmtInt(openBefore)}); SIGTERM -> exit ${stop.code ?? stop.signal}`,
      'spawn -> restored: the time of the daemon\'s "restored the latest complete checkpoint" log line; consuming: processUptimeMs of "sluice is consuming";',
      '/readyz: first 200 (polled every 20 ms); all open windows back: sluice_open_windows (window workers report every 5 s) back at its value before the kill.',
    ].join('\n') + '\n',
  );
  return stop.code === 0 && restoredLog !== undefined && rewatch.openWindows >= openBefore ? 0 : 1;
}

runBench(main);
