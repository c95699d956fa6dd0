/**
 * One measured run of each system on a topic already holding the workload: raw kafkajs
 * (bench/lib/kafkajs-consumer.ts), the sluice daemon (sinks off or ES + Redis), the reference
 * Flink job. Each returns the same Measured record; "wall" is always from the spawn of the child
 * process to the end the system reaches (see END_DEFINITIONS), start-up included.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kafka } from 'kafkajs';
import { createTopics, deleteTopics, kafkaBrokers } from '../../test/helpers/kafka.js';
import { esNode, uniqueName } from '../../test/helpers/services.js';
import { cleanEnv, Daemon, sluiceEnv, type SluiceSettings } from './daemon.js';
import { deleteGroups, deleteRunGroups, endOffsets, groupOffsets } from './kafka.js';
import type { BaselineReport } from './kafkajs-consumer.js';
import {
  cpuByThreadName,
  CpuAccount,
  processCpuSeconds,
  splitCpu,
  statusKiB,
  type CpuSplit,
  type ServiceCpu,
  type ServiceProcess,
} from './proc.js';
import { sleep } from './report.js';
import { onCleanup, onSuccess, track } from './run.js';
import {
  esCount,
  sinkTargets,
  verifyShopStdout,
  verifyShopStores,
  verifySideOutputs,
  verifyStdout,
  verifyStores,
  type SinkTargets,
  type Verification,
} from './sinks.js';
import { SHOP_AGGREGATIONS, WINDOW_MS, type Workload } from './workload.js';

const KAFKAJS_JS = fileURLToPath(new URL('./kafkajs-consumer.js', import.meta.url));
/** examples/shop-activity.yaml of this checkout (from dist/bench/lib/). */
export const SHOP_JOB = fileURLToPath(new URL('../../../examples/shop-activity.yaml', import.meta.url));
export const FLINK_RUN = '/work/shared/peers/flink/run';

export const END_DEFINITIONS = [
  "wall s = from spawn() of the system's process (start-up included) to its end:",
  '  raw kafkajs: the consumer child has seen every record on the topic (its report line reaches the bench);',
  "  sluice, sinks off: the last expected result line reaches the bench on the daemon's stdout pipe;",
  '  ES + Redis (sluice, Flink): the first poll at which Redis DBSIZE (every 0.1 s) and the refreshed ES _count',
  '    (every 0.25 s once Redis is complete) both reach the expected results (the shop job: all three',
  "    aggregations' results, its three indexes counted together).",
  'events/s = every record on the topic (valid + bad + trailing) / wall s.',
];

export interface Measured {
  system: string;
  run: number;
  ok: boolean;
  /** Outputs checked against the expected results; undefined for raw kafkajs (it writes none). */
  exact: boolean | undefined;
  wallS: number;
  /** The daemon's `processUptimeMs` of "sluice is consuming"; kafkajs: group joined, since its start. */
  toConsumingS: number | undefined;
  peakRssMiB: number | undefined;
  cpu: CpuSplit | undefined;
  otherCpuS: number;
  /** What each shared service (the broker, Elasticsearch, Redis) used from the spawn to the end. */
  services: ServiceCpu[];
  /** The machine's busy cores on average over the same span, everything included. */
  busyCores: number;
  perturbed: boolean;
  discarded: boolean;
  notes: string[];
}

export interface RunContext {
  kafka: Kafka;
  workload: Workload;
  run: number;
  services: ServiceProcess[];
  stallTimeoutS: number;
  verifySample: number;
  nodeArgs?: string[];
}

let attempts = 0;

/** The services' CPU and the machine's busy cores over a run, as a per-run note. */
function servicesNote(services: readonly ServiceCpu[], busyCores: number): string {
  const each = services.length === 0 ? 'none found' : services.map((s) => `${s.name} ${s.cpuS.toFixed(2)} s`).join(', ');
  return `services' CPU meanwhile: ${each}; the machine: ${busyCores.toFixed(2)} of ${availableParallelism()} cores busy on average`;
}

/**
 * The raw consumer's work (kafkajs as published); `decode`: the same with sluice's record decoding,
 * as the daemon runs kafkajs; then (kafkajs-consumer.ts) parsing every value too, then counting user
 * windows too; and that count with the parse on a second thread (the consuming thread only decodes).
 */
export type ConsumerWork = 'none' | 'decode' | 'parse' | 'parse+count' | 'parse+count in a thread';

/** The system names of the five. */
export const CONSUMER_SYSTEMS: Record<ConsumerWork, string> = {
  none: 'raw kafkajs',
  decode: 'kafkajs+decode',
  parse: 'kafkajs+decode+parse',
  'parse+count': 'kafkajs+decode+parse+count',
  'parse+count in a thread': 'kafkajs+decode | parse+count',
};

/** kafkajs-consumer.ts's arguments after <expectedRecords> for each work. */
const CONSUMER_ARGS: Record<ConsumerWork, string[]> = {
  none: [],
  decode: ['--sluice-decoding'],
  parse: ['--parse', '--sluice-decoding'],
  'parse+count': ['--count-windows', String(WINDOW_MS), '--sluice-decoding'],
  'parse+count in a thread': ['--count-windows-in-thread', String(WINDOW_MS), '--sluice-decoding'],
};

/**
 * The raw kafkajs consumer; with `decode`, the same consumer on sluice's record decoding; with
 * `parse`, that consumer also parses every value with sluice's parser; with `parse+count`, it also
 * counts user windows (the least work of the job, on one thread). The last two are ok only if they
 * found the workload's valid events (and windows).
 */
export async function runKafkajs(ctx: RunContext, work: ConsumerWork = 'none'): Promise<Measured> {
  const { kafka, workload } = ctx;
  const system = CONSUMER_SYSTEMS[work];
  const extraArgs = CONSUMER_ARGS[work];
  const parses = work !== 'none' && work !== 'decode';
  const countsWindows = work === 'parse+count' || work === 'parse+count in a thread';
  const groupId = uniqueName('bench-kafkajs');
  onCleanup(() => deleteGroups(kafka, [groupId]));
  const cpu = new CpuAccount(ctx.services);
  const spawnedAt = performance.now();
  const child = track(
    spawn(
      process.execPath,
      [...(ctx.nodeArgs ?? []), KAFKAJS_JS, kafkaBrokers().join(','), workload.topic, groupId, String(workload.totalRecords), ...extraArgs],
      { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    ),
  );
  let out = '';
  let err = '';
  let reportedAt = 0;
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    if (reportedAt === 0 && out.includes('\n')) reportedAt = performance.now();
  });
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), (ctx.stallTimeoutS + workload.totalRecords / 20_000) * 1000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  if (code !== 0 || reportedAt === 0) throw new Error(`the kafkajs consumer exited ${code} without a report\n${err}`);
  const report = JSON.parse(out.trim().split('\n')[0] as string) as BaselineReport;
  const totalS = report.cpuUserS + report.cpuSystemS;
  const { otherCpuS, others, services, busyCores } = cpu.finish(child.pid, totalS);
  // Each trailing event (one per partition, a user of its own) opens a window that never closes.
  const validExpected = workload.validEvents + workload.trailers;
  const windowsExpected = workload.expectedWindows + workload.trailers;
  const counted = (!parses || report.valid === validExpected) && (!countsWindows || report.windows === windowsExpected);
  const ok = report.records === workload.totalRecords && counted;
  return {
    system,
    run: ctx.run,
    ok,
    exact: undefined,
    wallS: (reportedAt - spawnedAt) / 1000,
    toConsumingS: report.joinedMs / 1000,
    peakRssMiB: report.maxRssKiB / 1024,
    cpu: { totalS, mainS: report.mainThreadCpuS, workersS: [], otherS: report.otherThreadsCpuS },
    otherCpuS,
    services,
    busyCores,
    perturbed: false,
    discarded: false,
    notes: [
      `saw ${report.records} of ${workload.totalRecords} records; group joined ${(report.joinedMs / 1000).toFixed(2)} s, first batch ${(report.firstBatchMs / 1000).toFixed(2)} s after its start`,
      ...(!parses
        ? []
        : [
            `parsed ${report.valid} valid (expected ${validExpected}, trailers included) and ${report.invalid} refused` +
              (countsWindows ? `; counted ${report.windows} user windows (expected ${windowsExpected})` : ''),
          ]),
      `other processes using CPU meanwhile: ${others}`,
      servicesNote(services, busyCores),
    ],
  };
}

/** Wait until ES and Redis hold `expected` results (see END_DEFINITIONS); undefined `doneAt` = stalled or exited. */
export async function waitForStores(t: SinkTargets, expected: number, alive: () => boolean, stallS: number) {
  // Several aggregations' indexes (`<index>-<aggregation>`) are counted together.
  const counted = t.indices.length === 1 ? t.index : `${t.index}-*`;
  let firstAt = 0;
  let redisDoneAt = 0;
  let esDoneAt = 0;
  let docs = 0;
  let keys = 0;
  let progress = -1;
  let progressAt = performance.now();
  let esPolledAt = 0;
  for (;;) {
    await sleep(100);
    if (!alive()) return { docs, keys, problem: 'exited' };
    keys = await t.redis.dbsize();
    let now = performance.now();
    if (keys > 0 && firstAt === 0) firstAt = now;
    if (keys >= expected && redisDoneAt === 0) redisDoneAt = now;
    if (esDoneAt === 0 && now - esPolledAt >= (redisDoneAt ? 250 : 1000)) {
      esPolledAt = now;
      docs = await esCount(counted, redisDoneAt !== 0).catch(() => docs);
      now = performance.now();
      if (docs >= expected && redisDoneAt !== 0) esDoneAt = now;
    }
    if (redisDoneAt && esDoneAt) return { docs, keys, firstAt, redisDoneAt, esDoneAt, doneAt: Math.max(redisDoneAt, esDoneAt) };
    if (docs + keys !== progress) {
      progress = docs + keys;
      progressAt = now;
    } else if (now - progressAt > stallS * 1000) return { docs, keys, problem: `no progress for ${stallS} s` };
  }
}

export interface SluiceMode {
  workers: number;
  sinks: boolean;
  cli?: string;
  checkpointIntervalMs: number;
  writeBufferEntries: number;
  inboxEvents: number;
  /** The system's name in the report (default: sluice sinks off / ES+Redis wN). */
  label?: string;
  /** More daemon variables (tuning experiments). */
  extra?: Record<string, string>;
  /** Node flags of this daemon (before the run context's). */
  nodeArgs?: string[];
  /**
   * A job file with examples/shop-activity.yaml's aggregations (SLUICE_JOB; the shop workload)
   * instead of the built-in job: its results are checked against the workload's `shop`. Sinks off,
   * its outputs fall back to stdout (one line per result, naming its aggregation).
   */
  shopJob?: string;
}

export async function runSluice(ctx: RunContext, mode: SluiceMode): Promise<Measured & { daemon: Daemon }> {
  const { kafka, workload } = ctx;
  const shop = mode.shopJob !== undefined ? workload.shop : undefined;
  if (mode.shopJob !== undefined && !shop) throw new Error('the shop job runs on the shop workload (--workload shop)');
  const expected = shop ? SHOP_AGGREGATIONS.reduce((n, a) => n + shop.counts[a], 0) : workload.expectedWindows;
  const tag = `${ctx.run}w${mode.workers}${mode.sinks ? 's' : ''}${shop ? 'shop' : ''}-${++attempts}`;
  const settings: SluiceSettings = {
    topic: workload.topic,
    groupId: uniqueName('bench-sluice'),
    dlqTopic: `${workload.topic}-dlq-${tag}`,
    lateTopic: `${workload.topic}-late-${tag}`,
    stateDir: mkdtempSync(join(tmpdir(), 'sluice-bench-state-')),
    workers: mode.workers,
    checkpointIntervalMs: mode.checkpointIntervalMs,
    writeBufferEntries: mode.writeBufferEntries,
    inboxEvents: mode.inboxEvents,
    ...(mode.extra || mode.shopJob ? { extra: { ...mode.extra, ...(mode.shopJob ? { SLUICE_JOB: mode.shopJob } : {}) } } : {}),
  };
  const stdoutFile = join(tmpdir(), `sluice-bench-${process.pid}-results-${tag}.jsonl`);
  onCleanup(async () => {
    rmSync(settings.stateDir, { recursive: true, force: true });
    await deleteTopics(kafka, [settings.dlqTopic, settings.lateTopic]);
    await deleteGroups(kafka, [settings.groupId]);
    await deleteRunGroups(kafka, settings.groupId);
  });
  onSuccess(() => rmSync(stdoutFile, { force: true }));
  const sinks = mode.sinks ? await sinkTargets(shop ? 'shop' : 'sluice', shop ? SHOP_AGGREGATIONS : undefined) : undefined;
  if (sinks) settings.sinks = sinks;
  const system = mode.label ?? `sluice ${mode.sinks ? 'ES+Redis' : 'sinks off'} w${mode.workers}`;
  const cpuAccount = new CpuAccount(ctx.services);
  const daemon = new Daemon(sluiceEnv(settings), {
    label: system,
    ...(mode.cli ? { cli: mode.cli } : {}),
    ...(ctx.nodeArgs || mode.nodeArgs ? { nodeArgs: [...(mode.nodeArgs ?? []), ...(ctx.nodeArgs ?? [])] } : {}),
    stdoutFile,
  });
  const notes: string[] = [];
  let doneAt: number | undefined;
  if (sinks) {
    const r = await waitForStores(sinks, expected, () => daemon.running, ctx.stallTimeoutS);
    doneAt = r.doneAt;
    if (r.doneAt)
      notes.push(
        `first result in Redis at ${((r.firstAt - daemon.spawnedAt) / 1000).toFixed(2)} s, complete at ${((r.redisDoneAt - daemon.spawnedAt) / 1000).toFixed(2)} s, ES at ${((r.esDoneAt - daemon.spawnedAt) / 1000).toFixed(2)} s`,
      );
    else notes.push(`NOT COMPLETE (${r.problem}): ${r.docs} docs, ${r.keys} keys of ${expected}`);
  } else {
    let progress = -1;
    let progressAt = performance.now();
    while (daemon.running && daemon.lines < expected) {
      await sleep(50);
      if (daemon.lines !== progress) [progress, progressAt] = [daemon.lines, performance.now()];
      else if (performance.now() - progressAt > ctx.stallTimeoutS * 1000) break;
    }
    if (daemon.lines >= expected) doneAt = daemon.lastLineAt;
    else notes.push(`NOT COMPLETE: ${daemon.lines} result lines of ${expected}`);
  }
  const hwm = statusKiB(daemon.pid, 'VmHWM');
  // Under --cpu-prof every isolate gets a profiler thread, started after it: the newest threads are
  // no longer the window workers, so they are not told apart (the profiles say where the time went).
  const profiled = ctx.nodeArgs?.some((a) => a.startsWith('--cpu-prof')) ?? false;
  const cpu = splitCpu(daemon.pid, profiled ? 0 : mode.workers);
  const { otherCpuS, others, services, busyCores } = cpuAccount.finish(daemon.pid, cpu?.totalS ?? processCpuSeconds(daemon.pid) ?? 0);
  const stop = await daemon.stop();
  notes.push(
    stop.code === 0
      ? `SIGTERM -> exit 0 in ${stop.stopS.toFixed(2)} s`
      : `SIGTERM -> exit ${stop.code ?? stop.signal} (expected 0); log ${daemon.logFile}:\n${daemon.tail(15)}`,
  );
  const checks: Verification[] = [
    sinks
      ? shop
        ? await verifyShopStores(workload, sinks, ctx.verifySample)
        : await verifyStores(workload, sinks, ctx.verifySample)
      : shop
        ? verifyShopStdout(workload, stdoutFile)
        : verifyStdout(workload, stdoutFile),
    await verifySideOutputs(kafka, workload, settings.dlqTopic, settings.lateTopic),
  ];
  const ends = await endOffsets(kafka, workload.topic);
  const committed = await groupOffsets(kafka, settings.groupId, workload.topic);
  const atEnd = [...ends].every(([p, end]) => committed.get(p) === end);
  checks.push({
    exact: atEnd,
    notes: [
      atEnd
        ? 'committed offsets = end on every partition'
        : `committed offsets not at the end: ${[...ends].map(([p, e]) => `${p}: ${committed.get(p) ?? 'none'}/${e}`).join(', ')}`,
    ],
  });
  for (const c of checks) notes.push(...c.notes);
  notes.push(`other processes using CPU meanwhile: ${others}`, servicesNote(services, busyCores));
  if (cpu)
    notes.push(
      `CPU s: main ${cpu.mainS.toFixed(1)}, window workers ${profiled ? '(not told apart under --cpu-prof)' : cpu.workersS.map((s) => s.toFixed(1)).join(' / ')}, other threads ${cpu.otherS.toFixed(1)}, total ${cpu.totalS.toFixed(1)}`,
    );
  const exact = doneAt !== undefined && checks.every((c) => c.exact);
  const ok = exact && stop.code === 0;
  if (ok) {
    rmSync(stdoutFile, { force: true });
    if (sinks) await sinks.drop();
  } else notes.push(`daemon log: ${daemon.logFile}; stdout: ${stdoutFile}`);
  const uptime = daemon.consumingUptimeMs();
  return {
    system,
    run: ctx.run,
    ok,
    exact,
    wallS: doneAt !== undefined ? (doneAt - daemon.spawnedAt) / 1000 : Number.NaN,
    toConsumingS: uptime !== undefined ? uptime / 1000 : undefined,
    peakRssMiB: hwm !== undefined ? hwm / 1024 : undefined,
    cpu,
    otherCpuS,
    services,
    busyCores,
    perturbed: false,
    discarded: false,
    notes,
    daemon,
  };
}

/**
 * Build the Flink peer before anything is timed: its `run` builds (Maven) when its sources changed,
 * then starts the JVM; an unparsable --parallelism makes the job fail at once after the build.
 */
export async function prebuildFlink(run: string): Promise<string> {
  const began = performance.now();
  const child = track(spawn(run, ['--parallelism', 'not-a-number'], { env: cleanEnv(), stdio: ['ignore', 'ignore', 'pipe'] }));
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise((resolve) => child.once('exit', resolve));
  if (!err.includes('NumberFormatException')) throw new Error(`building the Flink peer (${run}) failed:\n${err.slice(-3000)}`);
  return `Flink peer built/checked in ${((performance.now() - began) / 1000).toFixed(1)} s (${run})`;
}

export async function runFlink(
  ctx: RunContext,
  opts: { run: string; parallelism: number; checkpointIntervalMs: number },
): Promise<Measured> {
  const { kafka, workload } = ctx;
  const tag = `flink${ctx.run}-${++attempts}`;
  const groupId = uniqueName('bench-flink');
  const dlq = `${workload.topic}-dlq-${tag}`;
  const late = `${workload.topic}-late-${tag}`;
  const stateDir = mkdtempSync(join(tmpdir(), 'sluice-bench-flink-'));
  // The broker does not auto-create topics; sluice creates its side-output topics, Flink's sink does not.
  await createTopics(kafka, [
    { topic: dlq, partitions: 1 },
    { topic: late, partitions: 1 },
  ]);
  onCleanup(async () => {
    rmSync(stateDir, { recursive: true, force: true });
    await deleteTopics(kafka, [dlq, late]);
    await deleteGroups(kafka, [groupId]);
  });
  const sinks = await sinkTargets('flink');
  const interval = opts.checkpointIntervalMs > 0 ? opts.checkpointIntervalMs : 30_000;
  const env = {
    ...cleanEnv(),
    SLUICE_KAFKA_BROKERS: kafkaBrokers().join(','),
    SLUICE_KAFKA_TOPIC: workload.topic,
    SLUICE_KAFKA_GROUP_ID: groupId,
    SLUICE_DLQ_TOPIC: dlq,
    SLUICE_LATE_TOPIC: late,
    SLUICE_ES_NODE: esNode(),
    SLUICE_ES_INDEX: sinks.index,
    SLUICE_REDIS_URL: sinks.redisUrl,
    SLUICE_REDIS_KEY_PREFIX: sinks.keyPrefix,
    SLUICE_WORKERS: String(opts.parallelism),
    SLUICE_CHECKPOINT_INTERVAL_MS: String(interval),
    SLUICE_STATE_DIR: stateDir,
  };
  const logFile = join(tmpdir(), `sluice-bench-${process.pid}-${tag}.log`);
  const cpuAccount = new CpuAccount(ctx.services);
  const spawnedAt = performance.now();
  const child = track(spawn(opts.run, ['--min-pause-ms', String(Math.floor(interval / 2))], { env, stdio: ['ignore', 'ignore', 'pipe'] }));
  child.stderr?.pipe(createWriteStream(logFile));
  const pid = child.pid as number;
  let exited = false;
  child.once('exit', () => (exited = true));
  const r = await waitForStores(sinks, workload.expectedWindows, () => !exited, ctx.stallTimeoutS);
  const hwm = statusKiB(pid, 'VmHWM');
  const totalS = processCpuSeconds(pid);
  const byName = cpuByThreadName(pid);
  const { otherCpuS, others, services, busyCores } = cpuAccount.finish(pid, totalS ?? 0);
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  if (!exited) await new Promise((resolve) => child.once('exit', resolve));
  clearTimeout(killer);
  const notes: string[] = [
    r.doneAt
      ? `first result in Redis at ${((r.firstAt - spawnedAt) / 1000).toFixed(2)} s, complete at ${((r.redisDoneAt - spawnedAt) / 1000).toFixed(2)} s, ES at ${((r.esDoneAt - spawnedAt) / 1000).toFixed(2)} s (its Redis sink syncs every 500 results or at a checkpoint: the tail waits for the next one, every ${interval} ms)`
      : `NOT COMPLETE (${r.problem}): ${r.docs} docs, ${r.keys} keys of ${workload.expectedWindows}; log ${logFile}`,
  ];
  const checks = [await verifyStores(workload, sinks, ctx.verifySample), await verifySideOutputs(kafka, workload, dlq, late)];
  for (const c of checks) notes.push(...c.notes);
  notes.push(
    `CPU s by JVM thread name: ${byName
      .slice(0, 6)
      .map((g) => `${g.name} x${g.threads} ${g.cpuS.toFixed(1)}`)
      .join(', ')}`,
  );
  notes.push(`other processes using CPU meanwhile: ${others}`, servicesNote(services, busyCores));
  const exact = r.doneAt !== undefined && checks.every((c) => c.exact);
  if (exact) {
    await sinks.drop();
    rmSync(logFile, { force: true });
  } else if (existsSync(logFile)) notes.push(`Flink log: ${logFile}`);
  return {
    system: `flink ES+Redis p${opts.parallelism}`,
    run: ctx.run,
    ok: exact,
    exact,
    wallS: r.doneAt ? (r.doneAt - spawnedAt) / 1000 : Number.NaN,
    toConsumingS: undefined,
    peakRssMiB: hwm !== undefined ? hwm / 1024 : undefined,
    cpu: totalS !== undefined ? { totalS, mainS: Number.NaN, workersS: [], otherS: Number.NaN } : undefined,
    otherCpuS,
    services,
    busyCores,
    perturbed: false,
    discarded: false,
    notes,
  };
}
