/**
 * How long after a window closes is its result in Redis? p50/p99 at a paced input (default ~50,000
 * events/s, 10,000 users), measured from outside, with the daemon unchanged:
 *
 *  - the bench produces at a fixed rate with event time = the wall clock when each record is made,
 *    so it knows when each window closes: a window [s, e) closes once every partition holds a record
 *    with event time >= e + 5 s (the watermark, min over partitions of max event time - 5 s - 1 ms,
 *    then passes e - 1). t_close = the broker's append time (the topic uses LogAppendTime; the
 *    producer's ack carries it) of the last of those records: before it, the input that closes the
 *    window did not exist;
 *  - after each window's end, a sample of its keys (users that had events in it) is polled in Redis
 *    every --poll-ms; t_written = when Redis executed the SET, on Redis's own clock: TIME + PTTL - the
 *    TTL the daemon set (SLUICE_REDIS_TTL_SECONDS), in one pipeline. Both ends are server clocks of
 *    this machine, so the bench's own scheduling (it also produces the input) does not enter;
 *  - latency = t_written - t_close, over the sampled keys of every window that opened and closed
 *    within the run.
 * Beside it, in the same run: a raw kafkajs consumer of the same topic reports when it has seen
 * every partition pass e + 5 s (the earliest any Kafka consumer can know the window closed), and the
 * daemon's own sluice_window_fire_latency_seconds histogram.
 *
 * usage: npm run bench:latency -- [--rate 50000] [--duration-s 420] [--sample 200]   (--help for all)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deleteTopics, kafkaBrokers, testKafka } from '../test/helpers/kafka.js';
import { uniqueName, waitForElasticsearch } from '../test/helpers/services.js';
import { cleanEnv, Daemon, metricSum, metricsPort, sluiceEnv } from './lib/daemon.js';
import { deleteGroups, deleteRunGroups } from './lib/kafka.js';
import type { CloseSeen } from './lib/kafkajs-consumer.js';
import { bool, int, parseFlags, str } from './lib/options.js';
import { Producer } from './lib/paced.js';
import { fmt, fmtInt, quantile, sleep, table } from './lib/report.js';
import { header, keepData, onCleanup, runBench, track } from './lib/run.js';
import { sinkTargets } from './lib/sinks.js';
import { clickValue, EVENT_TYPES, prng } from './lib/workload.js';

const BOUND_MS = 5_000;
const TTL_S = 86_400;
const WATCHER_JS = fileURLToPath(new URL('./lib/kafkajs-consumer.js', import.meta.url));

const FLAGS = {
  rate: int(50_000, 'input events per second (event time = wall clock)'),
  users: int(10_000, 'distinct userIds'),
  partitions: int(6, 'partitions of the input topic'),
  durationS: int(420, 'seconds of input: windows that open and close within it are measured'),
  windowMs: int(60_000, 'SLUICE_WINDOW_MS (a smaller window gives more windows in a short run)'),
  sample: int(200, 'keys of each window polled in Redis'),
  pollMs: int(5, 'how often the sampled keys are polled (the resolution of t_written)'),
  es: bool(true, 'Elasticsearch sink on as well (as deployed); --no-es: Redis only'),
  baseline: bool(true, 'run the raw kafkajs close watcher beside the daemon'),
  workers: int(0, "SLUICE_WORKERS; 0 = the daemon's default"),
  checkpointIntervalMs: int(0, "SLUICE_CHECKPOINT_INTERVAL_MS; 0 = the daemon's default"),
  cli: str(undefined, 'the daemon to run; default dist/src/cli.js of this checkout'),
  keep: bool(false, 'keep the topic, index and keys'),
};

interface WindowTrack {
  start: number;
  users: Set<number>;
  /** Partition -> ack time of its first batch holding event time >= end + bound. */
  closeAcks: Map<number, number>;
  closeAt?: number;
  baselineAt?: number;
  /** Sampled key -> when it was first seen in Redis (0 = not yet). */
  keys?: Map<string, number>;
}

async function main(): Promise<number> {
  const o = parseFlags('usage: npm run bench:latency -- [flags]', FLAGS);
  keepData(o.keep);
  const kafka = testKafka('sluice-bench-latency');
  process.stdout.write(`${header(o.cli)}\n`);
  if (o.es) await waitForElasticsearch(30_000);
  const topic = uniqueName('bench-latency');
  const admin = kafka.admin();
  await admin.connect();
  const configEntries = [
    { name: 'retention.ms', value: '-1' },
    { name: 'message.timestamp.type', value: 'LogAppendTime' },
  ];
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: o.partitions, configEntries }] });
  await admin.disconnect();
  onCleanup(() => deleteTopics(kafka, [topic]));
  const sinks = await sinkTargets('latency');
  const stateDir = mkdtempSync(join(tmpdir(), 'sluice-bench-state-'));
  const groupId = uniqueName('bench-latency');
  const dlq = `${topic}-dlq`;
  const late = `${topic}-late`;
  onCleanup(async () => {
    rmSync(stateDir, { recursive: true, force: true });
    await deleteTopics(kafka, [dlq, late]);
    await deleteGroups(kafka, [groupId, `${groupId}-watch`]);
    await deleteRunGroups(kafka, groupId);
  });
  const port = await metricsPort();
  const env = sluiceEnv({
    topic,
    groupId,
    dlqTopic: dlq,
    lateTopic: late,
    stateDir,
    workers: o.workers,
    checkpointIntervalMs: o.checkpointIntervalMs,
    metricsPort: port,
    sinks,
    extra: { SLUICE_WINDOW_MS: String(o.windowMs), SLUICE_REDIS_TTL_SECONDS: String(TTL_S) },
  });
  if (!o.es) for (const k of ['SLUICE_ES_NODE', 'SLUICE_ES_INDEX']) delete env[k];
  const daemon = new Daemon(env, { label: 'latency', ...(o.cli ? { cli: o.cli } : {}), metricsPort: port });
  await daemon.whenReady();
  process.stdout.write(
    `daemon consuming ${(daemon.consumingUptimeMs() ?? Number.NaN) / 1000} s after its start; sinks: Redis${o.es ? ' + Elasticsearch' : ''}; window ${o.windowMs} ms\n`,
  );

  const windows = new Map<number, WindowTrack>();
  const windowOf = (ts: number) => Math.floor(ts / o.windowMs) * o.windowMs;
  const track_ = (start: number) => {
    let w = windows.get(start);
    if (!w) {
      w = { start, users: new Set(), closeAcks: new Map() };
      windows.set(start, w);
    }
    return w;
  };
  if (o.baseline) {
    const watcher = track(
      spawn(
        process.execPath,
        [
          WATCHER_JS,
          kafkaBrokers().join(','),
          topic,
          `${groupId}-watch`,
          '0',
          '--watch-close',
          `${o.windowMs},${BOUND_MS},${o.partitions}`,
        ],
        { env: cleanEnv(), stdio: ['ignore', 'pipe', 'inherit'] },
      ),
    );
    let buf = '';
    watcher.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const seen = JSON.parse(buf.slice(0, nl)) as CloseSeen;
        buf = buf.slice(nl + 1);
        const w = windows.get(seen.windowEnd - o.windowMs);
        if (w && w.baselineAt === undefined) w.baselineAt = seen.seenAtEpochMs;
      }
    });
    onCleanup(async () => void watcher.kill('SIGKILL'));
    await sleep(3_000); // its group join
  }

  let closeClock = "the broker's LogAppendTime";
  const producer = await Producer.connect(kafka, topic, o.partitions, (partition, maxTs, ackedAt, appendedAt) => {
    if (appendedAt === undefined) closeClock = "the producer's ack time (the broker sent no LogAppendTime)";
    const now = appendedAt ?? ackedAt;
    // The windows this ack closes on this partition: every end e with maxTs >= e + bound.
    for (const w of windows.values()) {
      if (w.closeAt !== undefined || w.closeAcks.has(partition) || maxTs < w.start + o.windowMs + BOUND_MS) continue;
      w.closeAcks.set(partition, now);
      if (w.closeAcks.size === o.partitions) w.closeAt = Math.max(...w.closeAcks.values());
    }
  });
  const random = prng(42);
  const digits = String(o.users - 1).length;
  const firstFull = windowOf(Date.now()) + o.windowMs;
  const endAt = Date.now() + o.durationS * 1000;
  // Windows measured: opened after the input started, closed (end + bound, plus a second) before it ends.
  const measured = (w: WindowTrack) => w.start >= firstFull && w.start + o.windowMs + BOUND_MS + 1_000 <= endAt;

  // The poller: after a window's end its users are known; sample them, poll until each key is seen.
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const now = Date.now();
      const active = [...windows.values()].filter(
        (w) => measured(w) && now >= w.start + o.windowMs && (!w.keys || [...w.keys.values()].includes(0)),
      );
      for (const w of active) {
        if (!w.keys) {
          const users = [...w.users];
          const pick = new Set<number>();
          while (pick.size < Math.min(o.sample, users.length)) pick.add(users[Math.floor(random() * users.length)] as number);
          w.keys = new Map([...pick].map((u) => [`${sinks.keyPrefix}user-${String(u).padStart(digits, '0')}:${w.start}`, 0]));
        }
        const waiting = [...w.keys].filter(([, t]) => t === 0).map(([k]) => k);
        // TIME and the PTTLs run back to back on the server: a key's SET happened at now + PTTL - TTL.
        const pipeline = sinks.redis.pipeline().time();
        for (const k of waiting) pipeline.pttl(k);
        const replies = (await pipeline.exec()) ?? [];
        const [sec, usec] = (replies[0]?.[1] as [string, string] | undefined) ?? ['0', '0'];
        const redisNow = Number(sec) * 1000 + Number(usec) / 1000;
        waiting.forEach((k, i) => {
          const pttl = replies[i + 1]?.[1] as number | undefined;
          if (typeof pttl === 'number' && pttl >= 0) w.keys?.set(k, redisNow + pttl - TTL_S * 1000);
        });
      }
      await sleep(o.pollMs);
    }
  })();

  // The daemon's view every second: records behind the log end, and wall clock - watermark.
  const lagSamples: number[] = [];
  const watermarkLagSamples: number[] = [];
  const sampler = setInterval(() => {
    daemon.metrics().then(
      (m) => {
        lagSamples.push(metricSum(m, 'sluice_kafka_consumer_lag'));
        const wl = m.get('sluice_watermark_lag_seconds');
        if (wl !== undefined && Number.isFinite(wl)) watermarkLagSamples.push(wl * 1000);
      },
      () => undefined,
    );
  }, 1_000);
  const cpu0 = process.cpuUsage();
  process.stderr.write(`producing ${fmtInt(o.rate)} events/s for ${o.durationS} s...\n`);
  const produced = await producer.paced(o.rate, o.durationS * 1000, (i, now) => {
    const u = Math.floor(random() * o.users);
    const userId = `user-${String(u).padStart(digits, '0')}`;
    track_(windowOf(now)).users.add(u);
    return {
      key: userId,
      value: clickValue(i, u, userId, EVENT_TYPES[i % EVENT_TYPES.length] as string, now),
      partition: u % o.partitions,
      ts: now,
    };
  });
  const cpu = process.cpuUsage(cpu0);
  // The last measured window's keys: give them up to 60 s more.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && [...windows.values()].some((w) => measured(w) && (!w.keys || [...w.keys.values()].includes(0))))
    await sleep(100);
  polling = false;
  clearInterval(sampler);
  await poller;
  const metrics = await daemon.metrics();
  await producer.close();
  const stop = await daemon.stop();

  const rows = [['window start', 'keys', 'close -> kafkajs saw it ms', 'close -> Redis p50 ms', 'p99 ms', 'max ms', 'missing']];
  const all: number[] = [];
  const base: number[] = [];
  for (const w of [...windows.values()].filter(measured).sort((a, b) => a.start - b.start)) {
    if (w.closeAt === undefined || !w.keys) continue;
    const lat = [...w.keys.values()].filter((t) => t > 0).map((t) => t - (w.closeAt as number));
    all.push(...lat);
    if (w.baselineAt !== undefined) base.push(w.baselineAt - w.closeAt);
    rows.push([
      new Date(w.start).toISOString().slice(11, 19),
      String(w.keys.size),
      w.baselineAt !== undefined ? String(w.baselineAt - w.closeAt) : '-',
      fmt(quantile(lat, 0.5), 0),
      fmt(quantile(lat, 0.99), 0),
      fmt(quantile(lat, 1), 0),
      String([...w.keys.values()].filter((t) => t === 0).length),
    ]);
  }
  const hist = [...metrics]
    .filter(([k]) => k.startsWith('sluice_window_fire_latency_seconds_bucket'))
    .map(([k, v]) => {
      const le = /le="([^"]+)"/.exec(k)?.[1] ?? 'NaN';
      return { le: le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le), n: v };
    });
  const total = hist.find((h) => h.le === Infinity)?.n ?? 0;
  const bucketQ = (q: number) => (total > 0 ? hist.find((h) => h.n >= q * total)?.le : undefined);
  const lag = metricSum(metrics, 'sluice_kafka_consumer_lag');
  const recordsIn = metricSum(metrics, 'sluice_records_in_total');
  process.stdout.write(
    [
      '',
      `input: ${fmtInt(produced.made)} events in ${o.durationS} s = ${fmtInt(produced.made / o.durationS)} events/s (asked ${fmtInt(o.rate)}; generation fell behind by ${fmt(produced.worstBehindMs, 0)} ms at worst); the bench's own CPU while producing ${fmt((cpu.user + cpu.system) / 1e6 / o.durationS, 2)} cores`,
      `daemon: read ${fmtInt(recordsIn)} records, consumer lag at the end ${fmtInt(lag)}; SIGTERM -> exit ${stop.code ?? stop.signal}`,
      `daemon during the input (its /metrics every 1 s): consumer lag p50 ${fmtInt(quantile(lagSamples, 0.5))} / max ${fmtInt(quantile(lagSamples, 1))} records; ` +
        `watermark lag (wall clock - watermark) p50 ${fmtInt(quantile(watermarkLagSamples, 0.5))} / max ${fmtInt(quantile(watermarkLagSamples, 1))} ms, of which ${BOUND_MS} ms is the bound: the rest is how far the daemon's event time trails the input`,
      '',
      table(rows),
      '',
      table([
        ['measure', 'n', 'p50 ms', 'p99 ms', 'max ms'],
        [
          'sluice: window close -> result in Redis',
          String(all.length),
          fmt(quantile(all, 0.5), 0),
          fmt(quantile(all, 0.99), 0),
          fmt(quantile(all, 1), 0),
        ],
        [
          'baseline: window close -> a raw kafkajs consumer has seen it',
          String(base.length),
          fmt(quantile(base, 0.5), 0),
          fmt(quantile(base, 0.99), 0),
          fmt(quantile(base, 1), 0),
        ],
        [
          `daemon's histogram: watermark passes the end -> every sink accepted (bucket bounds)`,
          fmtInt(total),
          fmt(bucketQ(0.5) !== undefined ? (bucketQ(0.5) as number) * 1000 : undefined, 0),
          fmt(bucketQ(0.99) !== undefined ? (bucketQ(0.99) as number) * 1000 : undefined, 0),
          '-',
        ],
      ]),
      '',
      `close = ${closeClock} of the first record with event time >= window end + ${BOUND_MS} ms on the last partition to get one (event`,
      `  time = the wall clock when the bench made the record); Redis = when Redis ran the SET: its TIME + PTTL - ${TTL_S} s (the TTL set),`,
      `  read in one pipeline, polled every ${o.pollMs} ms for a sample of ${o.sample} keys per window. Both are clocks of the servers on this machine.`,
      'Windows measured: those that opened after the input started and closed before it ended. p50/p99: nearest rank over every sampled key.',
      'kafkajs column: when a raw kafkajs consumer of the same topic had seen every partition pass end + bound (its clock), minus close.',
      'Read only if the daemon kept up: consumer lag near 0 (latency grows without bound otherwise).',
    ].join('\n') + '\n',
  );
  return stop.code === 0 && all.length > 0 ? 0 : 1;
}

runBench(main);
