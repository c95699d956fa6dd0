/**
 * End-to-end throughput of sluice against the raw-kafkajs baseline, in one run, on one topic.
 *
 *  1. a fresh topic (6 partitions, retention.ms=-1) gets N contract-shaped clicks (~1% bad, one
 *     trailing event per partition far ahead in event time so every real window fires);
 *  2. baseline: a child process consumes and discards the whole topic with raw kafkajs (eachBatch);
 *  3. sluice: the real daemon (`node dist/src/cli.js run`) as a child process, results on stdout
 *     (no sinks configured), counted by line until the expected number of windows arrived, once
 *     per worker count of --workers (SLUICE_WORKERS);
 *  4. with --sinks: the daemon with Elasticsearch + Redis, until both hold every window, again per
 *     worker count.
 * Each mode runs --runs times; the table shows every run and the medians, the ratio of each mode's
 * events/s to the baseline's, peak RSS (VmHWM: worker threads live in the same process), the CPU of
 * the daemon's main thread, and the window state on disk (du of SLUICE_STATE_DIR after the daemon
 * stopped, and the largest seen while it ran).
 * With --cpu-prof, one extra run per worker count (sinks off, not in the medians) runs under
 * `node --cpu-prof`; every thread writes a profile, and the main thread's and the window workers'
 * top self times are printed.
 *
 * usage: npm run bench -- [--events 1000000] [--workers 1,2] [--runs 3] [--sinks] [--cpu-prof] [--cli PATH]   (--help for all)
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import { CLI } from '../test/helpers/daemon-process.js';
import { committedOffsets, createTopics, deleteTopics, kafkaBrokers, testKafka } from '../test/helpers/kafka.js';
import { esNode, redisUrl, uniqueName, waitForElasticsearch } from '../test/helpers/services.js';
import type { BaselineReport } from './baseline-consumer.js';
import { formatSummary, profileThreadId, summariseProfile } from './cpu-profile.js';
import { parseOptions, type BenchOptions } from './options.js';
import {
  allProcessesCpu,
  diskUsage,
  findPid,
  machineBusySeconds,
  processCpuSeconds,
  RssSampler,
  statusKiB,
  threadCpuSeconds,
  topCpuUsers,
  waitForQuiet,
} from './proc.js';
import { produceWorkload, type Workload } from './workload.js';

const BASELINE_JS = fileURLToPath(new URL('./baseline-consumer.js', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const PROFILE_DIR = join(REPO, '.bench', 'profiles');

type Mode = 'baseline' | 'sluice' | 'sluice+sinks';

interface RunResult {
  mode: Mode;
  /** SLUICE_WORKERS of a sluice mode; undefined for the baseline. */
  workers: number | undefined;
  run: number;
  /** An extra run under the CPU profiler: shown, never in the medians. */
  profiled: boolean;
  /** Other processes used more than --max-other-cores during the run. */
  perturbed: boolean;
  /** A perturbed run that was run again: shown, never in the medians. */
  discarded: boolean;
  ok: boolean;
  /** Spawn of the child process -> the last record seen (baseline) / the last result observed (sluice). */
  wallS: number;
  /** baseline: first batch -> last record; sluice: first result line -> last (stdout mode only). */
  activeS: number | undefined;
  /** baseline only: consumer.run() (group join included) -> last record. */
  consumeS: number | undefined;
  /** After start-up: baseline group joined -> last record; sluice partitions assigned -> every window written. */
  steadyS: number | undefined;
  peakRssMiB: number | undefined;
  childCpuS: number | undefined;
  /** sluice only: CPU of the daemon's main thread (Kafka fetch + decode, parse, routing, sinks). */
  mainThreadCpuS: number | undefined;
  /** sluice only: du of SLUICE_STATE_DIR after the daemon stopped, and the largest seen while it ran. */
  stateMiB: number | undefined;
  statePeakMiB: number | undefined;
  servicesCpuS: number;
  otherCpuS: number;
  notes: string[];
}

/** The CPU time of the machine during a mode, split into who used it. */
class CpuAccount {
  private readonly busy0 = machineBusySeconds();
  private readonly parent0 = process.cpuUsage();
  private readonly services0: number;
  private readonly processes0 = allProcessesCpu();

  constructor(private readonly servicePids: number[]) {
    this.services0 = this.servicesCpu();
  }

  private servicesCpu(): number {
    return this.servicePids.reduce((sum, pid) => sum + (processCpuSeconds(pid) ?? 0), 0);
  }

  /** childCpuS: what the measured child used; "others" names who else used the CPU meanwhile. */
  finish(childPid: number | undefined, childCpuS: number): { servicesCpuS: number; otherCpuS: number; others: string } {
    const busy = machineBusySeconds() - this.busy0;
    const parent = process.cpuUsage(this.parent0);
    const parentS = (parent.user + parent.system) / 1e6;
    const servicesCpuS = this.servicesCpu() - this.services0;
    const exclude = [process.pid, ...this.servicePids, ...(childPid ? [childPid] : [])];
    const top = topCpuUsers(this.processes0, allProcessesCpu(), exclude);
    const others = top.length === 0 ? 'none over 0.3 s' : top.map((t) => `${t.name}[${t.pid}] ${t.cpuS.toFixed(1)} s`).join(', ');
    return { servicesCpuS, otherCpuS: Math.max(0, busy - childCpuS - parentS - servicesCpuS), others };
  }
}

const live = new Set<ChildProcess>();
const cleanups: Array<() => Promise<void>> = [];
/** --keep: leave topics, groups, index and keys in place (children are still stopped). */
let keep = false;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function baseEnv(): NodeJS.ProcessEnv {
  // Only the variables given: a developer's own SLUICE_* exports must not leak into the daemon.
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SLUICE_')));
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function endOffsets(kafka: Kafka, topic: string): Promise<Map<number, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
  } finally {
    await admin.disconnect();
  }
}

async function groupOffsets(kafka: Kafka, groupId: string, topic: string): Promise<Map<number, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await committedOffsets(admin, groupId, topic);
  } finally {
    await admin.disconnect();
  }
}

/** Sluice runs started so far, attempts included: names each run's dead-letter and late topics. */
let attempts = 0;

const sum = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);

// ---------------------------------------------------------------------------------------------
// baseline

async function runBaseline(kafka: Kafka, workload: Workload, run: number, options: BenchOptions, servicePids: number[]): Promise<RunResult> {
  const groupId = uniqueName('bench-baseline');
  cleanups.push(() => deleteGroups(kafka, [groupId]));
  const cpu = new CpuAccount(servicePids);
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [BASELINE_JS, kafkaBrokers().join(','), workload.topic, groupId, String(workload.totalRecords)], {
    env: baseEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let out = '';
  let err = '';
  let reportedAt = 0;
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (reportedAt === 0 && out.includes('\n')) reportedAt = performance.now();
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const deadlineMs = (options.stallTimeoutS + workload.totalRecords / 20_000) * 1000;
  const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
  const exit = await exitOf(child);
  clearTimeout(timer);
  live.delete(child);
  if (exit.code !== 0 || reportedAt === 0) {
    throw new Error(`baseline consumer exited ${exit.code ?? exit.signal} without a report (deadline ${(deadlineMs / 1000).toFixed(0)} s)\n${err}`);
  }
  const report = JSON.parse(out.trim().split('\n')[0] as string) as BaselineReport;
  const childCpuS = report.cpuUserS + report.cpuSystemS;
  const { servicesCpuS, otherCpuS, others } = cpu.finish(child.pid, childCpuS);
  const notes: string[] = [
    `other processes using CPU meanwhile: ${others}`,
    `connect+subscribe ${((report.subscribedMs - report.connectStartMs) / 1000).toFixed(2)} s, group join ${((report.joinedMs - report.runMs) / 1000).toFixed(2)} s, join->first batch ${((report.firstBatchMs - report.joinedMs) / 1000).toFixed(2)} s`,
  ];
  if (report.records !== workload.totalRecords) notes.push(`saw ${report.records} records, expected ${workload.totalRecords}`);
  return {
    mode: 'baseline',
    workers: undefined,
    run,
    profiled: false,
    perturbed: false,
    discarded: false,
    ok: report.records === workload.totalRecords,
    wallS: (reportedAt - spawnedAt) / 1000,
    activeS: (report.lastRecordMs - report.firstBatchMs) / 1000,
    consumeS: (report.lastRecordMs - report.runMs) / 1000,
    steadyS: report.joinedMs > 0 ? (report.lastRecordMs - report.joinedMs) / 1000 : undefined,
    peakRssMiB: report.maxRssKiB / 1024,
    childCpuS,
    mainThreadCpuS: undefined,
    stateMiB: undefined,
    statePeakMiB: undefined,
    servicesCpuS,
    otherCpuS,
    notes,
  };
}

async function deleteGroups(kafka: Kafka, groups: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteGroups(groups).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------
// sinks: Elasticsearch index and Redis keys of one run

interface SinkTargets {
  index: string;
  redisDb: number;
  keyPrefix: string;
  redis: Redis;
}

async function esFetch(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(new URL(path, esNode()), { ...init, signal: AbortSignal.timeout(30_000) });
}

async function esCount(index: string): Promise<number> {
  await esFetch(`/${index}/_refresh`, { method: 'POST' });
  const res = await esFetch(`/${index}/_count`);
  if (res.status === 404) return 0;
  const body = (await res.json()) as { count?: number };
  return body.count ?? 0;
}

/** An empty Redis database (from 15 down), so DBSIZE counts this run's keys and nothing else. */
async function pickRedisDb(): Promise<{ redis: Redis; db: number }> {
  for (let db = 15; db >= 1; db--) {
    const redis = new Redis(`${redisUrl()}/${db}`, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    if ((await redis.dbsize()) === 0) return { redis, db };
    redis.disconnect();
  }
  throw new Error('no empty Redis database among 1..15 for the sinks bench');
}

async function scanCount(redis: Redis, prefix: string, unlink = false): Promise<number> {
  let cursor = '0';
  let n = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 5000);
    cursor = next;
    n += keys.length;
    if (unlink && keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
  return n;
}

// ---------------------------------------------------------------------------------------------
// sluice

async function runSluice(
  kafka: Kafka,
  workload: Workload,
  run: number,
  options: BenchOptions,
  servicePids: number[],
  withSinks: boolean,
  workers: number,
  profile: boolean,
): Promise<RunResult> {
  const mode: Mode = withSinks ? 'sluice+sinks' : 'sluice';
  const groupId = uniqueName('bench-sluice');
  // Unique per attempt: a repeated (perturbed) run must not find the dead letters of the one before.
  const tag = `${run}${profile ? 'p' : ''}w${workers}${withSinks ? 's' : ''}-${++attempts}`;
  const dlqTopic = `${workload.topic}-dlq-${tag}`;
  const lateTopic = `${workload.topic}-late-${tag}`;
  const stateDir = mkdtempSync(join(tmpdir(), 'sluice-bench-state-'));
  const logFile = join(tmpdir(), `sluice-bench-${process.pid}-${mode}-${tag}.log`);
  const profDir = profile ? mkdtempSync(join(tmpdir(), 'sluice-bench-prof-')) : undefined;
  cleanups.push(async () => {
    rmSync(stateDir, { recursive: true, force: true });
    await deleteTopics(kafka, [dlqTopic, lateTopic]);
    await deleteGroups(kafka, [groupId]);
  });

  let sinks: SinkTargets | undefined;
  /** Drops this run's index and keys: right after the run (they are big), or at exit if it failed. */
  let dropSinkData: (() => Promise<void>) | undefined;
  if (withSinks) {
    const { redis, db } = await pickRedisDb();
    sinks = { index: uniqueName('bench-counts'), redisDb: db, keyPrefix: `${uniqueName('bench')}:`, redis };
    const s = sinks;
    dropSinkData = async () => {
      const i = cleanups.indexOf(dropSinkData as () => Promise<void>);
      if (i >= 0) cleanups.splice(i, 1);
      await esFetch(`/${s.index}`, { method: 'DELETE' }).catch(() => undefined);
      await scanCount(s.redis, s.keyPrefix, true).catch(() => undefined);
      s.redis.disconnect();
    };
    cleanups.push(dropSinkData);
  }

  const env: NodeJS.ProcessEnv = {
    ...baseEnv(),
    SLUICE_KAFKA_BROKERS: kafkaBrokers().join(','),
    SLUICE_KAFKA_TOPIC: workload.topic,
    SLUICE_KAFKA_GROUP_ID: groupId,
    SLUICE_DLQ_TOPIC: dlqTopic,
    SLUICE_LATE_TOPIC: lateTopic,
    SLUICE_STATE_DIR: stateDir,
    SLUICE_WORKERS: String(workers),
    SLUICE_METRICS_PORT: '0',
    // info: a handful of lines per run, among them "partitions assigned" (the end of start-up).
    SLUICE_LOG_LEVEL: 'info',
    ...(options.checkpointIntervalMs > 0
      ? { SLUICE_CHECKPOINT_INTERVAL_MS: String(options.checkpointIntervalMs), SLUICE_CHECKPOINT_MIN_PAUSE_MS: String(Math.floor(options.checkpointIntervalMs / 2)) }
      : {}),
    ...(options.writeBufferEntries > 0 ? { SLUICE_STATE_WRITE_BUFFER_ENTRIES: String(options.writeBufferEntries) } : {}),
    ...(options.inboxEvents > 0 ? { SLUICE_WORKER_INBOX_EVENTS: String(options.inboxEvents) } : {}),
    ...(sinks
      ? {
          SLUICE_ES_NODE: esNode(),
          SLUICE_ES_INDEX: sinks.index,
          SLUICE_REDIS_URL: `${redisUrl()}/${sinks.redisDb}`,
          SLUICE_REDIS_KEY_PREFIX: sinks.keyPrefix,
        }
      : {}),
  };
  const nodeArgs = profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];

  const cpu = new CpuAccount(servicePids);
  const spawnedAt = performance.now();
  const spawnedAtEpoch = Date.now();
  const child = spawn(process.execPath, [...nodeArgs, options.cli ?? CLI, 'run'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const log = createWriteStream(logFile);
  const logClosed = new Promise<void>((resolve) => log.once('close', () => resolve()));
  child.stderr.pipe(log);
  const pid = child.pid as number;
  const sampler = new RssSampler(pid);
  // The state directory's size while the daemon runs (a few files: a stat each, every second).
  let statePeak = 0;
  let stateSampledAt = 0;
  const sampleState = () => {
    stateSampledAt = performance.now();
    statePeak = Math.max(statePeak, diskUsage(stateDir).allocated);
  };

  let lines = 0;
  let firstLineAt = 0;
  let lastLineAt = 0;
  child.stdout.on('data', (d: Buffer) => {
    let n = 0;
    for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) n++;
    if (n === 0) return;
    const now = performance.now();
    if (firstLineAt === 0) firstLineAt = now;
    lastLineAt = now;
    lines += n;
  });
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = exitOf(child).then((e) => (exited = e));

  // Wait for every window, failing on an early exit or a stall.
  const expected = workload.expectedWindows;
  let esDocs = 0;
  let redisKeys = 0;
  let esDoneAt = 0;
  let redisDoneAt = 0;
  let progress = -1;
  let progressAt = performance.now();
  let doneAt = 0;
  let stalled: string | undefined;
  while (doneAt === 0) {
    await sleep(withSinks ? 500 : 50);
    if (exited) {
      sampler.stop();
      live.delete(child);
      throw new Error(`${mode}: the daemon exited (${exited.code ?? exited.signal}) before writing every window (${lines} lines, ${esDocs} docs, ${redisKeys} keys of ${expected}); log ${logFile}:\n${tail(logFile)}`);
    }
    let now = performance.now();
    if (now - stateSampledAt >= 1000) sampleState();
    let current: number;
    if (sinks) {
      esDocs = await esCount(sinks.index).catch(() => esDocs);
      redisKeys = await sinks.redis.dbsize();
      now = performance.now();
      if (esDocs >= expected && esDoneAt === 0) esDoneAt = now;
      if (redisKeys >= expected && redisDoneAt === 0) redisDoneAt = now;
      current = esDocs + redisKeys;
      if (esDoneAt && redisDoneAt) doneAt = Math.max(esDoneAt, redisDoneAt);
    } else {
      current = lines;
      if (lines >= expected) doneAt = lastLineAt;
    }
    if (current !== progress) {
      progress = current;
      progressAt = now;
    } else if (now - progressAt > options.stallTimeoutS * 1000) {
      // Stalled: stop it the normal way and run the checks below, which say what went missing.
      stalled = `no progress for ${options.stallTimeoutS} s at ${lines} lines, ${esDocs} docs, ${redisKeys} keys of ${expected} expected`;
      break;
    }
  }

  const hwmKiB = statusKiB(pid, 'VmHWM');
  const childCpuS = processCpuSeconds(pid) ?? Number.NaN;
  const threads = threadCpuSeconds(pid);
  sampler.stop();
  sampleState();
  const { servicesCpuS, otherCpuS, others } = cpu.finish(pid, childCpuS);

  const notes: string[] = [];
  let ok = stalled === undefined;
  if (stalled) notes.push(`STALLED: ${stalled}; log ${logFile}`);
  const stopAt = performance.now();
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  await exitPromise;
  clearTimeout(killer);
  live.delete(child);
  const stopS = (performance.now() - stopAt) / 1000;
  // What the windows left on disk once the daemon closed LMDB (LMDB never shrinks its file: this
  // is also the largest the state got, give or take the free pages it reuses).
  const stateAfter = diskUsage(stateDir);
  statePeak = Math.max(statePeak, stateAfter.allocated);
  if (!keep) rmSync(stateDir, { recursive: true, force: true });
  await Promise.race([logClosed, sleep(2_000)]);
  const assignedAt = firstLogTime(logFile, 'partitions assigned');
  if (exited?.code !== 0) {
    ok = false;
    notes.push(`SIGTERM -> exit ${exited?.code ?? exited?.signal} after ${stopS.toFixed(2)} s (expected 0); log ${logFile}:\n${tail(logFile, 15)}`);
  } else notes.push(`SIGTERM -> exit 0 in ${stopS.toFixed(2)} s`);

  // Correctness, cheaply: every window once, every bad record dead-lettered, nothing late, and the
  // commit held back only by the trailing events' open windows.
  if (!withSinks && lines !== expected) {
    ok = false;
    notes.push(`${lines} result lines, expected ${expected}`);
  }
  if (sinks) {
    const keys = await scanCount(sinks.redis, sinks.keyPrefix);
    const docs = await esCount(sinks.index);
    if (keys !== expected || docs !== expected) {
      ok = false;
      notes.push(`ES ${docs} docs, Redis ${keys} keys, expected ${expected} of each`);
    }
    notes.push(`ES complete at ${((esDoneAt - spawnedAt) / 1000).toFixed(1)} s, Redis at ${((redisDoneAt - spawnedAt) / 1000).toFixed(1)} s (polled every 0.5 s)`);
  }
  const dlq = sum(await endOffsets(kafka, dlqTopic).catch(() => new Map<number, number>()));
  const late = sum(await endOffsets(kafka, lateTopic).catch(() => new Map<number, number>()));
  if (dlq !== workload.badRecords || late !== 0) ok = false;
  notes.push(`dead letters ${dlq} (expected ${workload.badRecords}), late events ${late} (expected 0)`);
  const ends = await endOffsets(kafka, workload.topic);
  const committed = await groupOffsets(kafka, groupId, workload.topic);
  // Barrier checkpoints (the final one at SIGTERM) commit the next offset to read: the end. Builds
  // from before checkpoints committed end - 1 (the trailing event's open window held its offset).
  const atEnd = [...ends].every(([p, end]) => committed.get(p) === end);
  const atEndMinusOne = [...ends].every(([p, end]) => committed.get(p) === end - 1);
  notes.push(
    atEnd
      ? 'committed = end on every partition (the final checkpoint covers every record read)'
      : atEndMinusOne
        ? 'committed = end - 1 on every partition (pre-checkpoint build: only the trailing event is held)'
        : `committed offsets neither end nor end - 1: ${[...ends].map(([p, end]) => `${p}: ${committed.get(p) ?? 'none'}/${end}`).join(', ')}`,
  );
  notes.push(`other processes using CPU meanwhile: ${others}`);
  if (sampler.maxKiB > 0 && hwmKiB !== undefined) notes.push(`RSS sampled every 0.2 s peaked at ${(sampler.maxKiB / 1024).toFixed(0)} MiB (VmHWM ${(hwmKiB / 1024).toFixed(0)} MiB)`);
  const mainThread = threads.find((t) => t.main);
  notes.push(
    `CPU by thread (s): main ${fmt(mainThread?.cpuS, 1)}; others ${threads
      .filter((t) => !t.main && t.cpuS >= 0.05)
      .map((t) => t.cpuS.toFixed(1))
      .join(', ')} (the ${workers} window worker(s) are the largest; the rest are V8 GC/compiler and libuv threads)`,
  );
  notes.push(
    `state dir: ${mib(stateAfter.allocated)} MiB on disk after stop (apparent ${mib(stateAfter.apparent)} MiB), ${mib(statePeak)} MiB largest seen (sampled every 1 s)`,
  );
  if (profDir) notes.push(...keepProfiles(profDir, workload, workers));

  if (dropSinkData && !keep) await dropSinkData();
  if (ok && !keep) rmSync(logFile, { force: true });
  else notes.push(`daemon log: ${logFile}`);

  // The daemon's log clock (ISO time, ms) against ours at spawn: start-up = spawn -> assignment.
  const assignedS = assignedAt !== undefined ? (assignedAt - spawnedAtEpoch) / 1000 : undefined;
  const wallS = stalled ? Number.NaN : (doneAt - spawnedAt) / 1000;
  if (assignedS !== undefined) notes.push(`start-up (spawn -> partitions assigned) ${assignedS.toFixed(2)} s`);
  return {
    mode,
    workers,
    run,
    profiled: profile,
    perturbed: false,
    discarded: false,
    ok,
    wallS,
    activeS: withSinks || firstLineAt === 0 ? undefined : (lastLineAt - firstLineAt) / 1000,
    consumeS: undefined,
    steadyS: assignedS !== undefined && Number.isFinite(wallS) ? wallS - assignedS : undefined,
    peakRssMiB: hwmKiB !== undefined ? hwmKiB / 1024 : sampler.maxKiB / 1024,
    childCpuS,
    mainThreadCpuS: mainThread?.cpuS,
    stateMiB: stateAfter.allocated / 2 ** 20,
    statePeakMiB: statePeak / 2 ** 20,
    servicesCpuS,
    otherCpuS,
    notes: profile ? [`profiled run (slower under the profiler; not in the medians): ${notes[0]}`, ...notes.slice(1)] : notes,
  };
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

/** The time (epoch ms) of the first JSON log line whose msg is `msg`, or undefined. */
function firstLogTime(file: string, msg: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    if (!line.includes(msg)) continue;
    try {
      const entry = JSON.parse(line) as { msg?: string; time?: string | number };
      if (entry.msg === msg && entry.time !== undefined) return typeof entry.time === 'number' ? entry.time : Date.parse(entry.time);
    } catch {
      // not a log line
    }
  }
  return undefined;
}

/**
 * Keep every thread's profile of a `--cpu-prof` run under .bench/profiles and summarise them: the
 * main thread (thread 0), and each window worker (a thread whose profile ran window-worker.js).
 */
function keepProfiles(profDir: string, workload: Workload, workers: number): string[] {
  const files = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) {
    rmSync(profDir, { recursive: true, force: true });
    return ['no CPU profile was written (did the daemon exit cleanly?)'];
  }
  mkdirSync(PROFILE_DIR, { recursive: true });
  const stamp = Date.now();
  const notes: string[] = [];
  const sorted = files.map((f) => ({ f, tid: profileThreadId(f) ?? -1 })).sort((a, b) => a.tid - b.tid);
  for (const { f, tid } of sorted) {
    const kept = join(PROFILE_DIR, `sluice-w${workers}-${workload.validEvents}-${stamp}-thread${tid}.cpuprofile`);
    renameSync(join(profDir, f), kept);
    const summary = summariseProfile(kept);
    const isWindowWorker = [...summary.urls].some((u) => u.endsWith('/actors/window-worker.js'));
    const label = tid === 0 ? 'the main thread' : isWindowWorker ? `window worker thread ${tid}` : `thread ${tid}`;
    notes.push(`CPU profile of ${label}: ${kept}\n${formatSummary(summary, tid === 0 ? 30 : 20, label)}`);
  }
  rmSync(profDir, { recursive: true, force: true });
  return notes;
}

// ---------------------------------------------------------------------------------------------
// report

function median(values: Array<number | undefined>): number | undefined {
  const v = values.filter((x): x is number => x !== undefined && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? v[mid] : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
}

function fmt(n: number | undefined, digits = 1): string {
  return n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(digits);
}

function fmtRate(records: number, seconds: number | undefined): string {
  return seconds === undefined || !(seconds > 0) ? '-' : Math.round(records / seconds).toLocaleString('en-US');
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows.map((r, i) => r.map((cell, c) => (c <= 1 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ') + (i === 0 ? '\n' + widths.map((w) => '-'.repeat(w)).join('  ') : '')).join('\n');
}

function report(results: RunResult[], workload: Workload, options: BenchOptions): void {
  const records = workload.totalRecords;
  const groupOf = (r: Pick<RunResult, 'mode' | 'workers'>) => `${r.mode}${r.workers === undefined ? '' : ` w${r.workers}`}`;
  const groups: string[] = ['baseline'];
  for (const withSinks of [false, true]) for (const w of options.workers) groups.push(`${withSinks ? 'sluice+sinks' : 'sluice'} w${w}`);
  const medians = new Map<string, RunResult>();
  for (const group of groups) {
    const rs = results.filter((r) => groupOf(r) === group && r.ok && !r.profiled && !r.discarded);
    const first = rs[0];
    if (!first) continue;
    const m = (pick: (r: RunResult) => number | undefined) => median(rs.map(pick));
    medians.set(group, {
      mode: first.mode,
      workers: first.workers,
      run: 0,
      profiled: false,
      perturbed: false,
      discarded: false,
      ok: true,
      wallS: m((r) => r.wallS) as number,
      activeS: m((r) => r.activeS),
      consumeS: m((r) => r.consumeS),
      steadyS: m((r) => r.steadyS),
      peakRssMiB: m((r) => r.peakRssMiB),
      childCpuS: m((r) => r.childCpuS),
      mainThreadCpuS: m((r) => r.mainThreadCpuS),
      stateMiB: m((r) => r.stateMiB),
      statePeakMiB: m((r) => r.statePeakMiB),
      servicesCpuS: m((r) => r.servicesCpuS) as number,
      otherCpuS: m((r) => r.otherCpuS) as number,
      notes: [],
    });
  }
  const base = medians.get('baseline');
  const ratio = (baseS: number | undefined, s: number | undefined) => (baseS !== undefined && s !== undefined && s > 0 ? baseS / s : undefined);

  const header = [
    'mode',
    'workers',
    'run',
    'events',
    'wall s',
    'events/s',
    'x base',
    'steady s',
    'events/s (steady)',
    'x base (steady)',
    'peak RSS MiB',
    'state MiB',
    'state peak MiB',
    'CPU s',
    'main thr CPU s',
    'CPU us/event',
    'services CPU s',
    'other CPU s',
  ];
  const row = (r: RunResult, run: string) => [
    r.mode,
    r.workers === undefined ? '-' : String(r.workers),
    run,
    records.toLocaleString('en-US'),
    fmt(r.wallS, 2),
    fmtRate(records, r.wallS),
    fmt(ratio(base?.wallS, r.wallS), 3),
    fmt(r.steadyS, 2),
    fmtRate(records, r.steadyS),
    fmt(ratio(base?.steadyS, r.steadyS), 3),
    fmt(r.peakRssMiB, 0),
    fmt(r.stateMiB, 1),
    fmt(r.statePeakMiB, 1),
    fmt(r.childCpuS, 1),
    fmt(r.mainThreadCpuS, 1),
    fmt(r.childCpuS !== undefined ? (r.childCpuS / records) * 1e6 : undefined, 1),
    fmt(r.servicesCpuS, 1),
    fmt(r.otherCpuS, 1),
  ];
  const ordered = [...results].sort((a, b) => groups.indexOf(groupOf(a)) - groups.indexOf(groupOf(b)) || Number(a.profiled) - Number(b.profiled) || a.run - b.run);
  const rows = [header, ...ordered.map((r) => row(r, `${r.profiled ? 'prof' : r.run}${r.ok ? '' : ' FAIL'}${r.discarded ? ' discarded' : r.perturbed ? ' perturbed' : ''}`))];
  if (options.runs > 1) rows.push(...[...medians.values()].map((m) => row(m, 'median')));

  const out: string[] = [];
  out.push('', '== per-run notes ==');
  for (const r of ordered) {
    out.push(`${groupOf(r)} #${r.profiled ? 'profiled' : r.run}${r.ok ? '' : ' (FAILED CHECKS)'}${r.discarded ? ' (perturbed, discarded, run again)' : r.perturbed ? ' (perturbed, kept)' : ''}:`);
    if (r.mode === 'baseline') out.push(`  active (first batch -> last record) ${fmt(r.activeS, 2)} s, consume (run() -> last record) ${fmt(r.consumeS, 2)} s`);
    else if (r.activeS !== undefined) out.push(`  active (first result line -> last) ${fmt(r.activeS, 2)} s`);
    for (const n of r.notes) out.push('  ' + n.split('\n').join('\n    '));
  }
  out.push('', '== results ==', table(rows), '');
  out.push(
    `events = every record on the topic: ${workload.validEvents.toLocaleString('en-US')} valid + ${workload.badRecords.toLocaleString('en-US')} bad + ${workload.trailers} trailing; ${workload.expectedWindows.toLocaleString('en-US')} windows expected.`,
    'wall s   = spawn of the child process -> last record seen (baseline) / every window written (sluice), start-up included.',
    'steady s = after start-up: baseline group joined -> last record; sluice partitions assigned (its log) -> every window written.',
    'x base   = events/s over the baseline median\'s events/s (same clock); median rows compare medians.',
    'peak RSS = VmHWM of the process (sluice: main thread and window workers together); state MiB = du of SLUICE_STATE_DIR after the',
    '  daemon stopped (LMDB files never shrink, so this is about the largest the state got); state peak = largest du seen, sampled every 1 s.',
    'CPU = user+system of the measured process, all threads; main thr = the daemon\'s main thread alone; services = Kafka + Elasticsearch + Redis;',
    '  other = the rest of the machine minus this bench process (other > ~1 s means something else ran meanwhile, e.g. someone else\'s tests).',
    'prof rows: extra runs under node --cpu-prof, slower, not in the medians. discarded: other processes used more than',
    `  ${options.maxOtherCores} cores meanwhile, so the run was repeated (not in the medians); perturbed: still so after ${options.retries} repeats (kept).`,
  );
  if (base) {
    out.push('', `target: sluice with sinks off >= 0.8x the raw kafkajs consume baseline (${fmtRate(records, base.wallS)} events/s wall, ${fmtRate(records, base.steadyS)} events/s steady)`);
    for (const group of groups.slice(1)) {
      const m = medians.get(group);
      if (!m) continue;
      const wall = ratio(base.wallS, m.wallS);
      const steady = ratio(base.steadyS, m.steadyS);
      const verdict = m.mode === 'sluice' ? `  -> target ${wall !== undefined && wall >= 0.8 ? 'MET' : 'MISSED'} (wall)` : '';
      out.push(
        `  ${group.padEnd(16)} ${fmtRate(records, m.wallS).padStart(9)} events/s = ${fmt(wall, 3)}x baseline (wall); ${fmtRate(records, m.steadyS).padStart(9)} events/s = ${fmt(steady, 3)}x (steady)${verdict}`,
      );
    }
  }
  process.stdout.write(out.join('\n') + '\n');
}

/** Which build of the daemon runs: its path, when it was built, and the git commit of its checkout. */
function describeDaemon(cli: string): string {
  let built = '?';
  try {
    built = statSync(cli).mtime.toISOString();
  } catch {
    throw new Error(`no daemon at ${cli}: build it first (npx tsc -p tsconfig.json)`);
  }
  let commit = 'not a git checkout';
  try {
    const dir = dirname(cli);
    const head = execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['-C', dir, 'status', '--porcelain', '--', ':/src'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    commit = `git ${head}${dirty ? ' + uncommitted changes in src/' : ''}`;
  } catch {
    // A snapshot without .git (git archive HEAD | tar -x): a `.commit` file at its root may name the commit.
    for (let dir = dirname(cli); dir !== dirname(dir); dir = dirname(dir)) {
      try {
        commit = `snapshot of git ${readFileSync(join(dir, '.commit'), 'utf8').trim().slice(0, 12)} (${join(dir, '.commit')})`;
        break;
      } catch {
        // not here
      }
    }
  }
  return `${cli} (built ${built}; ${commit})`;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const kafka = testKafka('sluice-bench');
  const servicePids = [findPid('kafka.Kafka'), findPid('sluice.stack.service=elasticsearch') ?? findPid('org.elasticsearch.bootstrap'), findPid('redis-server')].filter(
    (p): p is number => p !== undefined,
  );
  const cpu = cpus();
  process.stdout.write(
    [
      `machine: ${cpu.length} logical CPUs (availableParallelism ${availableParallelism()}), ${cpu[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Linux ${release()}`,
      `node ${process.version}; Kafka ${kafkaBrokers().join(',')}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
      `daemon: ${describeDaemon(options.cli ?? CLI)}`,
      `services found for CPU accounting: ${servicePids.length} (${servicePids.join(', ')})`,
      `workload: ${options.events.toLocaleString('en-US')} events, ${options.users.toLocaleString('en-US')} users, ${options.partitions} partitions, ${options.spanMinutes} min of event time, disorder < ${options.disorderMs} ms, bad ratio ${options.badRatio}; ${options.runs} run(s) per mode; workers ${options.workers.join(',')}${options.sinks ? '; sinks off and on' : '; sinks off'}${options.cpuProf ? '; + one profiled run per worker count' : ''}; checkpoints ${options.checkpointIntervalMs > 0 ? `every ${options.checkpointIntervalMs} ms` : "at the daemon's default interval"}`,
      '',
    ].join('\n'),
  );
  if (options.sinks) await waitForElasticsearch(30_000);

  const topic = uniqueName('bench-clicks');
  await createTopics(kafka, [{ topic, partitions: options.partitions }]);
  keep = options.keep;
  cleanups.push(() => deleteTopics(kafka, [topic]));

  let lastPrinted = 0;
  const workload = await produceWorkload(
    kafka,
    {
      topic,
      partitions: options.partitions,
      events: options.events,
      users: options.users,
      spanMs: options.spanMinutes * 60_000,
      disorderMs: options.disorderMs,
      badRatio: options.badRatio,
      batchSize: options.batchSize,
      inFlight: options.inFlight,
      seed: options.seed,
    },
    (sent) => {
      if (process.stderr.isTTY && sent - lastPrinted >= 100_000) {
        lastPrinted = sent;
        process.stderr.write(`\rproduced ${sent.toLocaleString('en-US')}`);
      }
    },
  );
  if (process.stderr.isTTY) process.stderr.write('\r');
  const ends = await endOffsets(kafka, topic);
  process.stdout.write(
    `produced ${workload.totalRecords.toLocaleString('en-US')} records (${(workload.valueBytes / workload.totalRecords).toFixed(0)} B/value avg, ` +
      `${(workload.valueBytes / 2 ** 20).toFixed(0)} MiB) to ${topic} in ${(workload.produceMs / 1000).toFixed(2)} s = ` +
      `${fmtRate(workload.totalRecords, workload.produceMs / 1000)} records/s; expected windows ${workload.expectedWindows.toLocaleString('en-US')}\n`,
  );
  if (sum(ends) !== workload.totalRecords) throw new Error(`the topic holds ${sum(ends)} records, expected ${workload.totalRecords}`);

  const results: RunResult[] = [];
  const step = async (label: string, fn: () => Promise<RunResult>) => {
    for (let attempt = 0; ; attempt++) {
      if (options.quietCores > 0) {
        // The services count here too: between modes they should idle, unless someone else's test drives them.
        const q = await waitForQuiet({ exclude: [process.pid], maxCores: options.quietCores, timeoutMs: 300_000 });
        if (q.waitedS > 5) process.stderr.write(`(waited ${q.waitedS.toFixed(0)} s for a quiet machine: ${q.cores.toFixed(2)} other cores${q.quiet ? '' : ', gave up'}) `);
      }
      process.stderr.write(`${label}... `);
      const r = await fn();
      const otherCores = r.otherCpuS / r.wallS;
      r.perturbed = otherCores > options.maxOtherCores;
      r.discarded = r.perturbed && attempt < options.retries;
      process.stderr.write(
        `${fmt(r.wallS, 2)} s${r.ok ? '' : ' (FAILED CHECKS)'}, other CPU ${fmt(r.otherCpuS, 1)} s (${fmt(otherCores, 2)} cores)${r.discarded ? ': perturbed, again' : r.perturbed ? ': perturbed, kept' : ''}\n`,
      );
      results.push(r);
      // Let Kafka's and the page cache's after-effects settle between modes.
      await sleep(2_000);
      if (!r.discarded) return;
    }
  };
  for (let run = 1; run <= options.runs; run++) {
    if (options.baseline) await step(`run ${run}/${options.runs}: baseline`, () => runBaseline(kafka, workload, run, options, servicePids));
    for (const withSinks of options.sinks ? [false, true] : [false]) {
      for (const workers of options.workers) {
        const mode = withSinks ? 'sluice+sinks' : 'sluice';
        await step(`run ${run}/${options.runs}: ${mode} w${workers}`, () => runSluice(kafka, workload, run, options, servicePids, withSinks, workers, false));
      }
    }
  }
  if (options.cpuProf) {
    for (const workers of options.workers) {
      await step(`profiled: sluice w${workers}`, () => runSluice(kafka, workload, 0, options, servicePids, false, workers, true));
    }
  }
  report(results, workload, options);
  return results.every((r) => r.ok) ? 0 : 1;
}

async function cleanUp(): Promise<void> {
  for (const child of live) child.kill('SIGKILL');
  if (keep) return;
  for (const c of cleanups.splice(0).reverse()) await c().catch((err: unknown) => process.stderr.write(`cleanup: ${(err as Error).message}\n`));
}

process.once('SIGINT', () => {
  process.stderr.write('\ninterrupted: cleaning up\n');
  void cleanUp().finally(() => process.exit(130));
});

main()
  .then(
    async (code) => {
      await cleanUp();
      return code;
    },
    async (err: unknown) => {
      process.stderr.write(`\nbench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      await cleanUp();
      return 1;
    },
  )
  .then((code) => process.exit(code));
