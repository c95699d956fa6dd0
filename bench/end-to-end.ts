/**
 * End-to-end throughput of sluice against the raw-kafkajs baseline, in one run, on one topic.
 *
 *  1. a fresh topic (6 partitions, retention.ms=-1) gets N contract-shaped clicks (~1% bad, one
 *     trailing event per partition far ahead in event time so every real window fires);
 *  2. baseline: a child process consumes and discards the whole topic with raw kafkajs (eachBatch);
 *  3. sluice: the real daemon (`node dist/src/cli.js run`) as a child process, results on stdout
 *     (no sinks configured), counted by line until the expected number of windows arrived;
 *  4. with --sinks: the daemon with Elasticsearch + Redis, until both hold every window.
 * Each mode runs --runs times; the table shows every run and the medians.
 *
 * usage: npm run bench -- [--events 200000] [--runs 3] [--sinks] [--cpu-prof]   (--help for all)
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import { CLI } from '../test/helpers/daemon-process.js';
import { createTopics, deleteTopics, kafkaBrokers, testKafka } from '../test/helpers/kafka.js';
import { esNode, redisUrl, uniqueName, waitForElasticsearch } from '../test/helpers/services.js';
import type { BaselineReport } from './baseline-consumer.js';
import { formatSummary, summariseProfile } from './cpu-profile.js';
import { parseOptions, type BenchOptions } from './options.js';
import { allProcessesCpu, findPid, machineBusySeconds, processCpuSeconds, RssSampler, statusKiB, topCpuUsers } from './proc.js';
import { produceWorkload, type Workload } from './workload.js';

const BASELINE_JS = fileURLToPath(new URL('./baseline-consumer.js', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const PROFILE_DIR = join(REPO, '.bench', 'profiles');

type Mode = 'baseline' | 'sluice' | 'sluice+sinks';

interface RunResult {
  mode: Mode;
  run: number;
  ok: boolean;
  /** Spawn of the child process -> the last record seen (baseline) / the last result observed (sluice). */
  wallS: number;
  /** baseline: first batch -> last record; sluice: first result line -> last (stdout mode only). */
  activeS: number | undefined;
  /** baseline only: consumer.run() (group join included) -> last record. */
  consumeS: number | undefined;
  peakRssMiB: number | undefined;
  childCpuS: number | undefined;
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

async function committedOffsets(kafka: Kafka, groupId: string, topic: string): Promise<Map<number, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((t?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}

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
    run,
    ok: report.records === workload.totalRecords,
    wallS: (reportedAt - spawnedAt) / 1000,
    activeS: (report.lastRecordMs - report.firstBatchMs) / 1000,
    consumeS: (report.lastRecordMs - report.runMs) / 1000,
    peakRssMiB: report.maxRssKiB / 1024,
    childCpuS,
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
  profile: boolean,
): Promise<RunResult> {
  const mode: Mode = withSinks ? 'sluice+sinks' : 'sluice';
  const groupId = uniqueName('bench-sluice');
  const dlqTopic = `${workload.topic}-dlq-${run}${withSinks ? 's' : ''}`;
  const lateTopic = `${workload.topic}-late-${run}${withSinks ? 's' : ''}`;
  const stateDir = mkdtempSync(join(tmpdir(), 'sluice-bench-state-'));
  const logFile = join(tmpdir(), `sluice-bench-${process.pid}-${mode}-${run}.log`);
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
    SLUICE_METRICS_PORT: '0',
    SLUICE_LOG_LEVEL: 'warn',
    SLUICE_CHECKPOINT_INTERVAL_MS: '1000',
    SLUICE_CHECKPOINT_MIN_PAUSE_MS: '500',
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
  const child = spawn(process.execPath, [...nodeArgs, options.cli ?? CLI, 'run'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const log = createWriteStream(logFile);
  child.stderr.pipe(log);
  const pid = child.pid as number;
  const sampler = new RssSampler(pid);

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
  sampler.stop();
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
  const committed = await committedOffsets(kafka, groupId, workload.topic);
  const lagging = [...ends].filter(([p, end]) => (committed.get(p) ?? -1) !== end - 1);
  notes.push(
    lagging.length === 0
      ? 'committed = end - 1 on every partition (only the trailing event is held)'
      : `committed offsets short of end - 1 on partitions ${lagging.map(([p, end]) => `${p}: ${committed.get(p)}/${end - 1}`).join(', ')}`,
  );
  notes.push(`other processes using CPU meanwhile: ${others}`);
  if (sampler.maxKiB > 0 && hwmKiB !== undefined) notes.push(`RSS sampled every 0.2 s peaked at ${(sampler.maxKiB / 1024).toFixed(0)} MiB (VmHWM ${(hwmKiB / 1024).toFixed(0)} MiB)`);
  if (profDir) {
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    if (file) {
      mkdirSync(PROFILE_DIR, { recursive: true });
      const kept = join(PROFILE_DIR, `sluice-${workload.validEvents}-${Date.now()}.cpuprofile`);
      renameSync(join(profDir, file), kept);
      notes.push(`CPU profile (the run is slower under the profiler): ${kept}\n${formatSummary(summariseProfile(kept), 25)}`);
    } else notes.push('no CPU profile was written');
    rmSync(profDir, { recursive: true, force: true });
  }

  if (dropSinkData && !keep) await dropSinkData();
  if (ok && !keep) rmSync(logFile, { force: true });
  else notes.push(`daemon log: ${logFile}`);

  return {
    mode,
    run,
    ok,
    wallS: stalled ? Number.NaN : (doneAt - spawnedAt) / 1000,
    activeS: withSinks || firstLineAt === 0 ? undefined : (lastLineAt - firstLineAt) / 1000,
    consumeS: undefined,
    peakRssMiB: hwmKiB !== undefined ? hwmKiB / 1024 : sampler.maxKiB / 1024,
    childCpuS,
    servicesCpuS,
    otherCpuS,
    notes: profile ? [`profiled run: ${notes[0]}`, ...notes.slice(1)] : notes,
  };
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
  const header = ['mode', 'run', 'events', 'wall s', 'events/s', 'active s', 'events/s (active)', 'consume s', 'peak RSS MiB', 'child CPU s', 'services CPU s', 'other CPU s'];
  const row = (r: Pick<RunResult, 'mode' | 'wallS' | 'activeS' | 'consumeS' | 'peakRssMiB' | 'childCpuS' | 'servicesCpuS' | 'otherCpuS'>, run: string) => [
    r.mode,
    run,
    records.toLocaleString('en-US'),
    fmt(r.wallS, 2),
    fmtRate(records, r.wallS),
    fmt(r.activeS, 2),
    r.mode === 'baseline' ? fmtRate(records, r.activeS) : '-',
    fmt(r.consumeS, 2),
    fmt(r.peakRssMiB, 0),
    fmt(r.childCpuS, 1),
    fmt(r.servicesCpuS, 1),
    fmt(r.otherCpuS, 1),
  ];
  const modes: Mode[] = ['baseline', 'sluice', 'sluice+sinks'];
  const medians = new Map<Mode, RunResult>();
  for (const mode of modes) {
    const rs = results.filter((r) => r.mode === mode && r.ok);
    if (rs.length === 0) continue;
    medians.set(mode, {
      mode,
      run: 0,
      ok: true,
      wallS: median(rs.map((r) => r.wallS)) as number,
      activeS: median(rs.map((r) => r.activeS)),
      consumeS: median(rs.map((r) => r.consumeS)),
      peakRssMiB: median(rs.map((r) => r.peakRssMiB)),
      childCpuS: median(rs.map((r) => r.childCpuS)),
      servicesCpuS: median(rs.map((r) => r.servicesCpuS)) as number,
      otherCpuS: median(rs.map((r) => r.otherCpuS)) as number,
      notes: [],
    });
  }
  const rows = [header, ...results.map((r) => row(r, `${r.run}${r.ok ? '' : ' FAIL'}`))];
  if (options.runs > 1) rows.push(...[...medians.values()].map((m) => row(m, 'median')));

  const out: string[] = [];
  out.push('', '== per-run notes ==');
  for (const r of results) {
    out.push(`${r.mode} #${r.run}${r.ok ? '' : ' (FAILED CHECKS)'}:`);
    for (const n of r.notes) out.push('  ' + n.split('\n').join('\n    '));
  }
  out.push('', '== results ==', table(rows), '');
  out.push(
    `events = every record on the topic: ${workload.validEvents.toLocaleString('en-US')} valid + ${workload.badRecords.toLocaleString('en-US')} bad + ${workload.trailers} trailing; ${workload.expectedWindows.toLocaleString('en-US')} windows expected.`,
    'wall s   = spawn of the child process -> last record seen (baseline) / every window written (sluice), start-up included.',
    'active s = baseline: first batch -> last record; sluice: first result line -> last one (the first window fires ~1 window of event time in).',
    'consume s = baseline: consumer.run() (group join included) -> last record.',
    'child CPU = user+system of the measured process; services = Kafka + Elasticsearch + Redis; other = the rest of the machine minus this bench process',
    '  (other > ~1 s means something else ran meanwhile, e.g. someone else\'s tests on the same box).',
  );
  const base = medians.get('baseline');
  for (const mode of ['sluice', 'sluice+sinks'] as const) {
    const m = medians.get(mode);
    if (!base || !m) continue;
    out.push(
      `${mode}/baseline events/s (wall, start-up included): ${(base.wallS / m.wallS).toFixed(3)}  ` +
        `(sluice ${fmtRate(records, m.wallS)}/s vs baseline ${fmtRate(records, base.wallS)}/s; vs baseline active ${fmtRate(records, base.activeS)}/s: ${((base.activeS ?? Number.NaN) / m.wallS).toFixed(3)})`,
    );
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
    // a snapshot without .git
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
      `workload: ${options.events.toLocaleString('en-US')} events, ${options.users.toLocaleString('en-US')} users, ${options.partitions} partitions, ${options.spanMinutes} min of event time, disorder < ${options.disorderMs} ms, bad ratio ${options.badRatio}; ${options.runs} run(s) per mode${options.sinks ? ', with the sinks mode' : ''}`,
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
  for (let run = 1; run <= options.runs; run++) {
    const modes: Array<[Mode, () => Promise<RunResult>]> = [];
    if (options.baseline) modes.push(['baseline', () => runBaseline(kafka, workload, run, options, servicePids)]);
    modes.push(['sluice', () => runSluice(kafka, workload, run, options, servicePids, false, options.cpuProf && run === 1)]);
    if (options.sinks) modes.push(['sluice+sinks', () => runSluice(kafka, workload, run, options, servicePids, true, false)]);
    for (const [mode, fn] of modes) {
      process.stderr.write(`run ${run}/${options.runs}: ${mode}... `);
      const r = await fn();
      process.stderr.write(`${fmt(r.wallS, 2)} s${r.ok ? '' : ' (FAILED CHECKS)'}\n`);
      results.push(r);
      // Let Kafka's and the page cache's after-effects settle between modes.
      await sleep(2_000);
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
