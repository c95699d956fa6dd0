/**
 * Where does sluice's CPU go, next to where raw kafkajs's goes, on the same topic? One run of each
 * under `node --cpu-prof` (every thread writes a profile): the raw kafkajs consumer, then the
 * daemon (sinks off by default). The profiles are kept under .bench/profiles and summarised here:
 * self time by function and by file for the kafkajs consumer's main thread, the daemon's main
 * thread and each window worker. Profiled runs are slower than unprofiled ones: read shares, not
 * rates (bench/throughput.ts measures rates). The daemon runs as tsc's modules (dist/src/cli.js),
 * not as the bundle `sluice` runs (dist/daemon/), so that the profiles name sluice's source files;
 * `--cli dist/daemon/sluice.js` profiles the bundle.
 *
 * usage: npm run bench:profile -- [--events 1000000] [--workers 2] [--sinks] [--top 25]   (--help for all)
 */
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testKafka } from '../test/helpers/kafka.js';
import { waitForElasticsearch } from '../test/helpers/services.js';
import { formatSummary, profileThreadId, summariseProfile } from './lib/cpu-profile.js';
import { bool, int, parseFlags, str } from './lib/options.js';
import { serviceProcesses } from './lib/proc.js';
import { fmt, fmtInt } from './lib/report.js';
import { header, keepData, runBench } from './lib/run.js';
import { runKafkajs, runSluice, type Measured } from './lib/systems.js';
import { setUpWorkload, WORKLOAD_FLAGS } from './lib/workload.js';

const PROFILES = fileURLToPath(new URL('../../.bench/profiles/', import.meta.url));

/** The daemon as tsc's modules: a profile of the bundle would name its chunks, not sluice's files. */
const MODULES_CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));

const FLAGS = {
  ...WORKLOAD_FLAGS,
  workers: int(2, 'SLUICE_WORKERS of the profiled daemon'),
  sinks: bool(false, 'profile the daemon with Elasticsearch + Redis instead of sinks off'),
  kafkajs: bool(true, 'profile the raw kafkajs consumer too'),
  top: int(25, 'functions listed per thread'),
  checkpointIntervalMs: int(10_000, 'SLUICE_CHECKPOINT_INTERVAL_MS (min pause: half); 0 = the default'),
  cli: str(
    undefined,
    "the daemon to run; default this checkout's dist/src/cli.js, tsc's modules rather than the bundle, so that the profiles name sluice's source files",
  ),
  verifySample: int(2_000, 'values checked per sink (sinks off: every line)'),
  stallTimeoutS: int(120, 'fail after this long without progress'),
  keep: bool(false, 'keep the topic, index and keys'),
};

/** Move a run's profiles under .bench/profiles and summarise each thread's. */
function summarise(dir: string, label: string, top: number, r: Measured): string[] {
  mkdirSync(PROFILES, { recursive: true });
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const out = [
    `== ${label}: ${fmt(r.wallS, 2)} s under the profiler, outputs exact: ${r.exact === undefined ? 'n/a' : r.exact ? 'yes' : 'NO'} ==`,
  ];
  if (files.length === 0) out.push('no profile was written (did the process exit cleanly?)');
  const stamp = Date.now();
  for (const { f, tid } of files.map((f) => ({ f, tid: profileThreadId(f) ?? -1 })).sort((a, b) => a.tid - b.tid)) {
    const kept = join(PROFILES, `${label.replace(/\W+/g, '-')}-${stamp}-thread${tid}.cpuprofile`);
    renameSync(join(dir, f), kept);
    const summary = summariseProfile(kept);
    const worker = [...summary.urls].some((u) => u.endsWith('/window-worker.js'));
    const name = tid === 0 ? 'the main thread' : worker ? `window worker (thread ${tid})` : `thread ${tid}`;
    out.push(`${kept}`, formatSummary(summary, tid === 0 || worker ? top : 10, name), '');
  }
  rmSync(dir, { recursive: true, force: true });
  return out;
}

async function main(): Promise<number> {
  const o = parseFlags('usage: npm run bench:profile -- [flags]', FLAGS);
  keepData(o.keep);
  const kafka = testKafka('sluice-bench-profile');
  const cli = o.cli ?? MODULES_CLI;
  process.stdout.write(`${header(cli)}\n`);
  if (o.sinks) await waitForElasticsearch(30_000);
  const workload = await setUpWorkload(kafka, o);
  const services = serviceProcesses();
  const out: string[] = [];
  let ok = true;
  const ctx = (nodeArgs: string[]) => ({
    kafka,
    workload,
    run: 1,
    services,
    stallTimeoutS: o.stallTimeoutS,
    verifySample: o.verifySample,
    nodeArgs,
  });
  if (o.kafkajs) {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-prof-'));
    process.stderr.write('profiling raw kafkajs...\n');
    const r = await runKafkajs(ctx(['--cpu-prof', `--cpu-prof-dir=${dir}`]));
    ok &&= r.ok;
    out.push(...summarise(dir, 'raw kafkajs', o.top, r));
  }
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-prof-'));
  process.stderr.write(`profiling sluice (${o.sinks ? 'ES + Redis' : 'sinks off'}, ${o.workers} workers)...\n`);
  const r = await runSluice(ctx(['--cpu-prof', `--cpu-prof-dir=${dir}`]), {
    workers: o.workers,
    sinks: o.sinks,
    checkpointIntervalMs: o.checkpointIntervalMs,
    writeBufferEntries: 0,
    inboxEvents: 0,
    cli,
  });
  ok &&= r.ok;
  out.push(...summarise(dir, `sluice ${o.sinks ? 'ES+Redis' : 'sinks off'} w${o.workers}`, o.top, r), ...r.notes.map((n) => `  ${n}`));
  out.push('', `${fmtInt(workload.totalRecords)} records; a function's ms / records = its CPU per record on that thread.`);
  process.stdout.write(`\n${out.join('\n')}\n`);
  return ok ? 0 : 1;
}

runBench(main);
