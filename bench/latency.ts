/**
 * How long after a window closes is its result in Redis? p50/p99 at a paced input (default ~50,000
 * events/s, 10,000 users), measured from outside, with the daemon unchanged:
 *
 *  - the input is produced at a fixed rate with event time = the wall clock when each record is made
 *    (bench/lib/java/PacedProducer.java, the Java client: kafkajs would need ~1.6 cores for 50,000
 *    records/s on its own), so each window's close is known: a window [s, e) closes once every
 *    partition holds a record with event time >= e + 5 s (the watermark, min over partitions of max
 *    event time - 5 s - 1 ms, then passes e - 1). t_close = the latest broker append time of those
 *    records (the topic uses LogAppendTime; the producer's acks carry it): before it, the input that
 *    closes the window did not exist;
 *  - after each window's end, a sample of its keys (users that had events in it) is polled in Redis
 *    every --poll-ms; t_written = when Redis executed the SET, on Redis's own clock: TIME + PTTL - the
 *    TTL the daemon set (SLUICE_REDIS_TTL_SECONDS), in one pipeline. Both ends are clocks of the
 *    servers on this machine, so neither the bench's nor the producer's scheduling enters;
 *  - latency = t_written - t_close, over the sampled keys of every window that opened and closed
 *    within the run.
 * Beside it, in the same run: a raw kafkajs consumer of the same topic reports when it has seen
 * every partition pass e + 5 s (the earliest any Kafka consumer can know the window closed), and the
 * daemon's own sluice_window_fire_latency_seconds, consumer lag and watermark lag.
 * --system floor runs the least work in the daemon's place (bench/lib/redis-window-floor.ts: one
 * thread that consumes, parses, counts and writes each closed window through sluice's RedisSink),
 * under the same input and load: what this machine allows, for the daemon's figure to be read against.
 *
 * usage: npm run bench:latency -- [--rate 50000] [--duration-s 420] [--sample 200]   (--help for all)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, homedir, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deleteTopics, kafkaBrokers, testKafka } from '../test/helpers/kafka.js';
import { redisCommandStat, uniqueName, waitForElasticsearch } from '../test/helpers/services.js';
import { cleanEnv, Daemon, type Exit, metricSum, metricsPort, parseDaemonEnv, sluiceEnv } from './lib/daemon.js';
import { deleteGroups, deleteRunGroups } from './lib/kafka.js';
import type { CloseSeen } from './lib/kafkajs-consumer.js';
import { bool, int, parseFlags, str } from './lib/options.js';
import { allProcessesCpu, findPid, MachineBusyTrace, processCpuSeconds } from './lib/proc.js';
import { fmt, fmtInt, quantile, sleep, table } from './lib/report.js';
import { header, keepData, onCleanup, runBench, track } from './lib/run.js';
import { sinkTargets, type SinkTargets } from './lib/sinks.js';

const BOUND_MS = 5_000;
const TTL_S = 86_400;
const WATCHER_JS = fileURLToPath(new URL('./lib/kafkajs-consumer.js', import.meta.url));
const FLOOR_JS = fileURLToPath(new URL('./lib/redis-window-floor.js', import.meta.url));
const PRODUCER_JAVA = fileURLToPath(new URL('../../bench/lib/java/PacedProducer.java', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));

const FLAGS = {
  rate: int(50_000, 'input events per second (event time = wall clock)'),
  users: int(10_000, 'distinct userIds'),
  partitions: int(6, 'partitions of the input topic'),
  durationS: int(420, 'seconds of input: windows that open and close within it are measured'),
  windowMs: int(60_000, 'SLUICE_WINDOW_MS (a smaller window gives more windows in a short run)'),
  sample: int(200, 'keys of each window polled in Redis'),
  pollMs: int(5, 'how often the sampled keys are polled'),
  es: bool(true, 'Elasticsearch sink on as well (as deployed); --no-es: Redis only'),
  baseline: bool(true, 'run the raw kafkajs close watcher beside the daemon'),
  loadNice: int(
    0,
    'nice value (0-19) of the load: the producer JVM, the kafkajs watcher and this bench. 19: they take the CPU only when the daemon, broker, Redis and ES leave it idle, as on a host where the producers are elsewhere',
  ),
  system: str(
    'sluice',
    "sluice: the daemon; floor: the least work in its place (one thread: consume, parse, count, write each closed window through sluice's RedisSink; needs --no-es)",
  ),
  workers: int(0, "SLUICE_WORKERS; 0 = the daemon's default"),
  checkpointIntervalMs: int(0, "SLUICE_CHECKPOINT_INTERVAL_MS; 0 = the daemon's default"),
  kafkaLib: str(undefined, "a folder of jars with kafka-clients and slf4j-api; default the stack's Kafka lib (.stack/kafka/lib)"),
  cli: str(undefined, 'the daemon to run; default dist/daemon/sluice.js of this checkout'),
  daemonEnv: str(undefined, 'extra variables for the daemon, K=V,K=V (e.g. SLUICE_WORKER_INBOX_EVENTS=2000)'),
  nodeArgs: str(undefined, 'node flags of the daemon, space-separated (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof")'),
  keep: bool(false, 'keep the topic, index and keys'),
};

interface WindowTrack {
  start: number;
  users?: number[];
  closeAt?: number;
  baselineAt?: number;
  /** Sampled key -> when Redis ran its SET (0 = not yet). */
  keys?: Map<string, number>;
}

function kafkaLib(given: string | undefined): string {
  const candidates = [
    given,
    process.env.SLUICE_STACK_DIR && join(process.env.SLUICE_STACK_DIR, 'kafka/lib'),
    join(REPO, '.stack/kafka/lib'),
    '/work/main/.stack/kafka/lib',
  ];
  const found = candidates.find((d) => d && existsSync(join(d, 'kafka-clients-3.9.1.jar')));
  if (found) return join(found, '*');
  const m2 = join(homedir(), '.m2/repository');
  const jars = [
    join(m2, 'org/apache/kafka/kafka-clients/3.9.1/kafka-clients-3.9.1.jar'),
    join(m2, 'org/slf4j/slf4j-api/1.7.36/slf4j-api-1.7.36.jar'),
  ];
  if (jars.every(existsSync)) return jars.join(':');
  throw new Error('no kafka-clients jar found: start the stack (npm run stack -- up) or pass --kafka-lib DIR');
}

/** What the bench measures: the daemon, or the floor process in its place. */
interface Subject {
  pid: number;
  /** The daemon's /metrics (the floor has none: empty). */
  metrics(): Promise<Map<string, number>>;
  stop(): Promise<Exit>;
}

/** The floor (redis-window-floor.ts) as a child process, started once its consumer has joined. */
async function startFloor(env: NodeJS.ProcessEnv): Promise<Subject & { report(): string }> {
  const child = track(spawn(process.execPath, [FLOOR_JS], { env, stdio: ['ignore', 'pipe', 'inherit'] }));
  let report = '';
  let ready!: () => void;
  const joined = new Promise<void>((resolve) => (ready = resolve));
  onLines(child.stdout, (line) => {
    if (line === 'ready') ready();
    else report = line;
  });
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  await Promise.race([
    joined,
    exited.then((e) => {
      throw new Error(`the floor exited before it consumed (${e.code ?? e.signal})`);
    }),
  ]);
  return {
    pid: child.pid as number,
    metrics: async () => new Map(),
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
    report: () => report,
  };
}

/** Lines of a child's stdout, one callback each. */
function onLines(stream: NodeJS.ReadableStream | null, fn: (line: string) => void): void {
  let buf = '';
  stream?.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      fn(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
  });
}

async function main(): Promise<number> {
  const o = parseFlags('usage: npm run bench:latency -- [flags]', FLAGS);
  keepData(o.keep);
  if (o.loadNice < 0 || o.loadNice > 19) throw new Error(`--load-nice: 0 to 19, got ${o.loadNice}`);
  if (o.system !== 'sluice' && o.system !== 'floor') throw new Error(`--system: sluice or floor, got ${o.system}`);
  const floor = o.system === 'floor';
  if (floor && o.es) throw new Error('--system floor writes Redis only: add --no-es');
  // The load's own processes are started through nice(1) so that every thread they make inherits it.
  const niced = (cmd: string, args: string[]): [string, string[]] =>
    o.loadNice > 0 ? ['nice', ['-n', String(o.loadNice), cmd, ...args]] : [cmd, args];
  const kafka = testKafka('sluice-bench-latency');
  const classpath = kafkaLib(o.kafkaLib);
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
  onCleanup(async () => {
    rmSync(stateDir, { recursive: true, force: true });
    await deleteTopics(kafka, [`${topic}-dlq`, `${topic}-late`]);
    await deleteGroups(kafka, [groupId, `${groupId}-watch`]);
    await deleteRunGroups(kafka, groupId);
  });
  const port = await metricsPort();
  const env = sluiceEnv({
    ...{
      topic,
      groupId,
      dlqTopic: `${topic}-dlq`,
      lateTopic: `${topic}-late`,
      stateDir,
      workers: o.workers,
      checkpointIntervalMs: o.checkpointIntervalMs,
    },
    metricsPort: port,
    sinks,
    extra: { SLUICE_WINDOW_MS: String(o.windowMs), SLUICE_REDIS_TTL_SECONDS: String(TTL_S), ...parseDaemonEnv(o.daemonEnv) },
  });
  if (!o.es) for (const k of ['SLUICE_ES_NODE', 'SLUICE_ES_INDEX']) delete env[k];
  const nodeArgs = o.nodeArgs?.split(' ').filter((a) => a !== '');
  let daemon: Subject;
  let floorReport = () => '';
  if (floor) {
    const started = await startFloor(env);
    daemon = started;
    floorReport = started.report;
    process.stdout.write(`floor consuming (one thread, sluice's parser and RedisSink); sinks: Redis; window ${o.windowMs} ms\n`);
  } else {
    const started = new Daemon(env, {
      label: 'latency',
      ...(o.cli ? { cli: o.cli } : {}),
      ...(nodeArgs ? { nodeArgs } : {}),
      metricsPort: port,
    });
    await started.whenReady();
    daemon = started;
    process.stdout.write(
      `daemon consuming ${fmt((started.consumingUptimeMs() ?? Number.NaN) / 1000, 2)} s after its start; sinks: Redis${o.es ? ' + Elasticsearch' : ''}; window ${o.windowMs} ms\n`,
    );
  }
  const redisBefore = await redisWriteCost(sinks.redis);

  const windows = new Map<number, WindowTrack>();
  const at = (start: number) => windows.get(start) ?? (windows.set(start, { start }).get(start) as WindowTrack);
  let watcherPid: number | undefined;
  if (o.baseline) {
    const args = [
      WATCHER_JS,
      kafkaBrokers().join(','),
      topic,
      `${groupId}-watch`,
      '0',
      '--watch-close',
      `${o.windowMs},${BOUND_MS},${o.partitions}`,
    ];
    const watcher = track(spawn(...niced(process.execPath, args), { env: cleanEnv(), stdio: ['ignore', 'pipe', 'inherit'] }));
    watcherPid = watcher.pid;
    onLines(watcher.stdout, (line) => {
      const seen = JSON.parse(line) as CloseSeen;
      at(seen.windowEnd - o.windowMs).baselineAt ??= seen.seenAtEpochMs;
    });
    onCleanup(async () => void watcher.kill('SIGKILL'));
    await sleep(3_000); // its group join
  }

  // The producer: its lines give each window's users and close.
  process.stderr.write(`producing ${fmtInt(o.rate)} events/s for ${o.durationS} s (Java client)...\n`);
  let startedAt = 0;
  let made = 0;
  let behindMs = 0;
  // This process (the Redis poller) is load too: it reads Redis's clock, so its own delays do not enter the figures.
  if (o.loadNice > 0) setPriority(o.loadNice);
  // Who uses the machine during the input, and how busy it is around each window's close.
  const busyTrace = new MachineBusyTrace(10);
  const cpuBefore = allProcessesCpu();
  const benchCpuBefore = process.cpuUsage();
  const inputBegan = Date.now();
  const producerArgs = [topic, o.partitions, o.rate, o.durationS * 1000, o.users, o.windowMs, BOUND_MS, 42].map(String);
  const producer = track(
    spawn(...niced('java', ['-cp', classpath, PRODUCER_JAVA, kafkaBrokers().join(','), ...producerArgs]), {
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let producerErr = '';
  producer.stderr?.on('data', (d: Buffer) => (producerErr += d.toString()));
  const producerExit = new Promise<number | null>((resolve) => producer.once('exit', resolve));
  onLines(producer.stdout, (line) => {
    const [kind, a = '', b = ''] = line.split(' ');
    if (kind === 'started') startedAt = Number(a);
    else if (kind === 'users')
      at(Number(a)).users = b
        .split(',')
        .filter((u) => u !== '')
        .map(Number);
    else if (kind === 'close') at(Number(a) - o.windowMs).closeAt = Number(b);
    else if (kind === 'done') [made, behindMs] = [Number(a), Number(b)];
  });
  let producerCpuS = 0;
  const digits = String(o.users - 1).length;
  // Measured: windows that opened after the input started and closed (end + bound, plus a second) before it ended.
  const measured = (w: WindowTrack) =>
    startedAt > 0 &&
    w.start >= Math.floor(startedAt / o.windowMs) * o.windowMs + o.windowMs &&
    w.start + o.windowMs + BOUND_MS + 1_000 <= startedAt + o.durationS * 1000;
  const pending = (w: WindowTrack) => measured(w) && (!w.keys || [...w.keys.values()].includes(0));

  // The poller: once a window's users are known, sample them and read their SET times.
  let polling = true;
  let random = 42;
  const poller = (async () => {
    while (polling) {
      for (const w of [...windows.values()].filter((x) => pending(x) && x.users)) {
        const users = w.users as number[];
        if (!w.keys) {
          const pick = new Set<number>();
          while (pick.size < Math.min(o.sample, users.length)) {
            random = (Math.imul(random, 1_664_525) + 1_013_904_223) >>> 0;
            pick.add(users[random % users.length] as number);
          }
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
          const pttl = replies[i + 1]?.[1];
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
    producerCpuS = processCpuSeconds(producer.pid as number) ?? producerCpuS;
    if (floor) return;
    daemon.metrics().then(
      (m) => {
        lagSamples.push(metricSum(m, 'sluice_kafka_consumer_lag'));
        const wl = m.get('sluice_watermark_lag_seconds');
        if (wl !== undefined && Number.isFinite(wl)) watermarkLagSamples.push(wl * 1000);
      },
      () => undefined,
    );
  }, 1_000);
  if ((await producerExit) !== 0) throw new Error(`the Java producer failed:\n${producerErr.slice(-2000)}`);
  const inputEnded = Date.now();
  const cpuAfter = allProcessesCpu();
  const benchCpu = process.cpuUsage(benchCpuBefore);
  // The last measured window's keys: up to 60 s more.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && [...windows.values()].some(pending)) await sleep(100);
  polling = false;
  clearInterval(sampler);
  await poller;
  busyTrace.stop();
  const metrics = await daemon.metrics();
  const stop = await daemon.stop();
  const redisAfter = await redisWriteCost(sinks.redis);
  const redisSets = redisAfter.sets - redisBefore.sets;
  // SETs inside a script count in both the script's time and their own: the scripts' time when any ran.
  const scriptsUsec = redisAfter.scriptsUsec - redisBefore.scriptsUsec;
  const redisUsPerSet = (scriptsUsec > 0 ? scriptsUsec : redisAfter.setsUsec - redisBefore.setsUsec) / redisSets;

  const rows = [['window start', 'keys', 'close -> kafkajs saw it ms', 'close -> Redis p50 ms', 'p99 ms', 'max ms', 'missing']];
  const all: number[] = [];
  const base: number[] = [];
  const burstBusy: number[] = [];
  for (const w of [...windows.values()].filter(measured).sort((a, b) => a.start - b.start)) {
    if (w.closeAt === undefined || !w.keys) continue;
    const lat = [...w.keys.values()].filter((t) => t > 0).map((t) => t - (w.closeAt as number));
    all.push(...lat);
    const seenByKafkajs = w.baselineAt !== undefined ? w.baselineAt - w.closeAt : undefined;
    if (seenByKafkajs !== undefined) base.push(seenByKafkajs);
    const missing = [...w.keys.values()].filter((t) => t === 0).length;
    const burstCores = lat.length > 0 ? busyTrace.cores(w.closeAt, w.closeAt + Math.max(...lat)) : undefined;
    if (burstCores !== undefined) burstBusy.push(burstCores);
    const q = (x: number) => fmt(quantile(lat, x), 0);
    rows.push([
      new Date(w.start).toISOString().slice(11, 19),
      String(w.keys.size),
      fmt(seenByKafkajs, 0),
      q(0.5),
      q(0.99),
      q(1),
      String(missing),
    ]);
  }
  const inputS = (inputEnded - inputBegan) / 1000;
  const coresOf = (pid: number | undefined) =>
    pid === undefined ? 0 : ((cpuAfter.get(pid)?.cpuS ?? 0) - (cpuBefore.get(pid)?.cpuS ?? 0)) / inputS;
  const users: Array<[string, number]> = [
    [floor ? 'floor' : 'daemon', coresOf(daemon.pid)],
    ['Kafka broker', coresOf(findPid('kafka.Kafka'))],
    // Gone by now (its time counts for this process, its parent): as last sampled, within a second of its exit.
    ['producer JVM', producerCpuS / inputS],
    ['raw kafkajs watcher', coresOf(watcherPid)],
    ['this bench (Redis poller)', (benchCpu.user + benchCpu.system) / 1e6 / inputS],
    ...(o.es
      ? [
          ['Elasticsearch', coresOf(findPid('sluice.stack.service=elasticsearch') ?? findPid('org.elasticsearch.bootstrap'))] as [
            string,
            number,
          ],
        ]
      : []),
    ['Redis', coresOf(findPid('redis-server'))],
  ];
  const machineCores = busyTrace.cores(inputBegan, inputEnded) ?? Number.NaN;
  const rest = machineCores - users.reduce((sum, [, c]) => sum + c, 0);
  const hist = [...metrics]
    .filter(([k]) => k.startsWith('sluice_window_fire_latency_seconds_bucket'))
    .map(([k, v]) => ({ le: k.includes('le="+Inf"') ? Number.POSITIVE_INFINITY : Number(/le="([^"]+)"/.exec(k)?.[1]), n: v }));
  const total = hist.find((h) => h.le === Number.POSITIVE_INFINITY)?.n ?? 0;
  const bucketMs = (q: number) => fmt(total > 0 ? (hist.find((h) => h.n >= q * total)?.le ?? Number.NaN) * 1000 : undefined, 0);
  const line = (name: string, v: number[]) => [
    name,
    String(v.length),
    fmt(quantile(v, 0.5), 0),
    fmt(quantile(v, 0.99), 0),
    fmt(quantile(v, 1), 0),
  ];
  process.stdout.write(
    [
      '',
      `input: ${fmtInt(made)} events in ${o.durationS} s = ${fmtInt(made / o.durationS)} events/s (asked ${fmtInt(o.rate)}; generation fell behind by ${behindMs} ms at worst); the producer JVM used ${fmt(producerCpuS / o.durationS, 2)} cores` +
        (o.loadNice > 0 ? `; the load (producer, watcher, this bench) ran at nice ${o.loadNice}` : ''),
      ...(floor
        ? [`floor: ${floorReport()}; SIGTERM -> exit ${stop.code ?? stop.signal}`]
        : [
            `daemon: read ${fmtInt(metricSum(metrics, 'sluice_records_in_total'))} records, consumer lag at the end ${fmtInt(metricSum(metrics, 'sluice_kafka_consumer_lag'))}; SIGTERM -> exit ${stop.code ?? stop.signal}`,
            `daemon during the input (its /metrics every 1 s): consumer lag p50 ${fmtInt(quantile(lagSamples, 0.5))} / max ${fmtInt(quantile(lagSamples, 1))} records; ` +
              `watermark lag (wall clock - watermark) p50 ${fmtInt(quantile(watermarkLagSamples, 0.5))} / max ${fmtInt(quantile(watermarkLagSamples, 1))} ms, of which ${BOUND_MS} ms is the bound`,
          ]),
      '',
      table(rows),
      '',
      table([
        ['measure', 'n', 'p50 ms', 'p99 ms', 'max ms'],
        line(`${floor ? 'floor' : 'sluice'}: window close -> result in Redis`, all),
        line('baseline: window close -> a raw kafkajs consumer has seen it', base),
        ...(floor
          ? []
          : [
              [
                "daemon's histogram: fired windows reach main -> every sink accepted (bucket bounds)",
                fmtInt(total),
                bucketMs(0.5),
                bucketMs(0.99),
                '-',
              ],
            ]),
      ]),
      '',
      `close = the broker's append time (LogAppendTime) of the first record with event time >= window end + ${BOUND_MS} ms, on the last`,
      `  partition to get one (event time = the wall clock when the producer made the record); Redis = when Redis ran the SET: its TIME +`,
      `  PTTL - ${TTL_S} s (the TTL set), read in one pipeline, polled every ${o.pollMs} ms for a sample of ${o.sample} keys per window.`,
      'Windows measured: those that opened after the input started and closed before it ended. p50/p99: nearest rank over every sampled key.',
      'kafkajs column: when a raw kafkajs consumer of the same topic had seen every partition pass end + bound (its clock), minus close.',
      'Read only if the daemon kept up: consumer lag near 0 (latency grows without bound otherwise).',
      '',
      `machine during the input: ${fmt(machineCores, 2)} of ${availableParallelism()} cores busy on average (/proc/stat); by process, in cores: ` +
        `${users.map(([name, c]) => `${name} ${fmt(c, 2)}`).join(', ')}, the rest ${fmt(rest, 2)}`,
      `  from each measured window's close to its last sampled key in Redis: ${fmt(quantile(burstBusy, 0.5), 2)} cores busy (median of windows; min ${fmt(quantile(burstBusy, 0), 2)}):`,
      `  a window's burst shares the CPU with everything above; near ${availableParallelism()} cores, it waits for CPU, not for the daemon's own work.`,
      `Redis's own thread spent ${fmt(redisUsPerSet, 2)} µs per key written (${fmtInt(redisSets)} SETs, INFO commandstats): ${fmtInt(o.users)} windows closing at once`,
      `  need >= ${fmt((redisUsPerSet * o.users) / 1000, 0)} ms of Redis alone before the last of them is in, whatever the daemon does.`,
    ].join('\n') + '\n',
  );
  return stop.code === 0 && all.length > 0 ? 0 : 1;
}

/** What Redis's thread has spent so far (its INFO commandstats): script calls, SET commands, and SETs made. */
async function redisWriteCost(redis: SinkTargets['redis']): Promise<{ scriptsUsec: number; setsUsec: number; sets: number }> {
  const [evalsha, evalStat, set] = await Promise.all(['evalsha', 'eval', 'set'].map((c) => redisCommandStat(redis, c)));
  return { scriptsUsec: (evalsha?.usec ?? 0) + (evalStat?.usec ?? 0), setsUsec: set?.usec ?? 0, sets: set?.calls ?? 0 };
}

runBench(main);
