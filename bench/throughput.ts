/**
 * How fast is sluice end to end, start-up included, next to the physical limit (raw kafkajs) and
 * the reference Flink job, on the same topic in the same session? (issue 13)
 *
 * One topic gets the workload (default: issue 13's 1,000,000 valid events + 1% bad, 10,000 users,
 * 6 partitions, 10 minutes of event time; --users 100000 is the earlier end-to-end workload). Then,
 * --runs times, in alternating order (run 1 in the listed order, run 2 reversed, ...):
 *   raw kafkajs     consume-and-discard in a child process (the physical baseline: kafkajs as
 *                   published);
 *   kafkajs+decode  (--floors) the same consumer on sluice's record decoding, as the daemon runs
 *                   kafkajs (src/streams/sources/kafka-record-decoding.ts);
 *   kafkajs+decode+parse (--floors) that consumer also parsing every value with sluice's parser:
 *                   the floor under any job's consuming thread here (kafkajs decodes on it, the
 *                   job must read its fields);
 *   kafkajs+decode+parse+count (--floors) and counting user windows in a Map as well: the least
 *                   work of the built-in job, all on one thread (no watermark, state, threads,
 *                   checkpoints or output);
 *   kafkajs+decode | parse+count (--floors) the same work with the parse and the count on a
 *                   second thread: the consuming thread decodes and hands over each batch's values,
 *                   and gets the events' times back (the floor of parsing on the idle core);
 *   sluice          the daemon, sinks off (its stdout sink, piped to the bench and kept in a file);
 *   sluice ES+Redis the daemon with both sinks;
 *   flink (--flink) the reference job (/work/shared/peers/flink/run) with both sinks.
 * Every output is verified against the workload's expected results ("outputs exact").
 *
 * Issue 14: `--workload shop --jobs builtin,shop` gives every event a productId and a region and
 * also runs examples/shop-activity.yaml (three aggregations over one parse: per user and minute,
 * per product and minute, per region and 5 minutes) as systems of their own, "sluice shop sinks off
 * wN" (its outputs fall back to stdout: every line checked) and "sluice shop ES+Redis wN" (each of
 * its three indexes and key prefixes counted and sampled), on the same topic as the built-in job
 * (which ignores the two fields).
 *
 * usage: npm run bench:throughput -- [--runs 3] [--flink] [--users 100000] [--workers 1,2]   (--help for all)
 *        npm run bench:throughput -- --runs 3 --workload shop --jobs builtin,shop --no-kafkajs --no-sinks-off
 */
import { availableParallelism } from 'node:os';
import { testKafka } from '../test/helpers/kafka.js';
import { waitForElasticsearch } from '../test/helpers/services.js';
import { parseDaemonEnv } from './lib/daemon.js';
import { bool, int, ints, num, parseFlags, str, strs } from './lib/options.js';
import { processCpuSeconds, serviceProcesses, waitForQuiet } from './lib/proc.js';
import { fmt, fmtInt, median, ratio, sleep, table } from './lib/report.js';
import { header, keepData, runBench } from './lib/run.js';
import {
  END_DEFINITIONS,
  CONSUMER_SYSTEMS,
  FLINK_RUN,
  prebuildFlink,
  runFlink,
  runKafkajs,
  runSluice,
  SHOP_JOB,
  type Measured,
  type RunContext,
} from './lib/systems.js';
import { warmElasticsearch } from './lib/sinks.js';
import { setUpWorkload, WORKLOAD_FLAGS, type Workload } from './lib/workload.js';

const FLAGS = {
  ...WORKLOAD_FLAGS,
  runs: int(1, 'repetitions of each system (medians reported)'),
  workers: ints([2], 'SLUICE_WORKERS of the sluice runs: each count is a system of its own'),
  kafkajs: bool(true, 'run the raw kafkajs baseline'),
  floors: bool(
    true,
    "run kafkajs+decode, kafkajs+decode+parse, kafkajs+decode+parse+count and kafkajs+decode | parse+count: the raw consumer on sluice's record decoding, plus the parse (and a window count), on one thread, then with the parse and count on a second thread",
  ),
  sinksOff: bool(true, 'run sluice with sinks off'),
  sinks: bool(true, 'run sluice with Elasticsearch + Redis'),
  flink: bool(false, 'run the reference Flink job (ES + Redis)'),
  jobs: strs(
    ['builtin'],
    'the sluice jobs, each a system of its own: builtin (the built-in job, or SLUICE_JOB of --daemon-env), shop (--shop-job, on --workload shop)',
  ),
  shopJob: str(SHOP_JOB, 'the job file of the shop systems (SLUICE_JOB): aggregations perUser, perProduct, perRegion'),
  flinkRun: str(FLINK_RUN, "the Flink peer's run script"),
  flinkParallelism: int(2, "the Flink job's parallelism (its SLUICE_WORKERS)"),
  checkpointIntervalMs: int(10_000, 'SLUICE_CHECKPOINT_INTERVAL_MS of sluice and Flink (min pause: half); 0 = their defaults (30 s)'),
  writeBufferEntries: int(0, "SLUICE_STATE_WRITE_BUFFER_ENTRIES; 0 = the daemon's default"),
  inboxEvents: int(0, "SLUICE_WORKER_INBOX_EVENTS; 0 = the daemon's default"),
  cli: str(
    undefined,
    'the daemon to run (a built dist/daemon/sluice.js, or dist/src/cli.js of a build before the bundle); default dist/daemon/sluice.js of this checkout',
  ),
  baselineCli: str(
    undefined,
    'another build of the daemon (its dist/daemon/sluice.js, or dist/src/cli.js before the bundle) run as well, on the same workload in the same session: the before of a before/after',
  ),
  nodeArgs: str(undefined, 'node flags of the sluice runs (not the baseline), space-separated, e.g. "--max-semi-space-size=32"'),
  daemonEnv: str(
    undefined,
    'extra variables for the sluice runs (not the baseline), K=V,K=V (e.g. SLUICE_ES_BUFFER_DOCS=50000, or SLUICE_JOB=examples/clickstream.yaml with --baseline-cli dist/daemon/sluice.js: job file vs built-in)',
  ),
  verifySample: int(2_000, 'ES documents and Redis keys checked value by value per run (sinks off: every line)'),
  stallTimeoutS: int(60, 'fail a run after this long without progress'),
  quietCores: num(0.3, 'before each run, wait (up to 5 min) until the rest of the machine uses at most this many cores; 0 = do not'),
  maxOtherCores: num(0.3, 'a run during which other processes used more cores than this is perturbed: run again'),
  retries: int(2, 'perturbed runs are repeated up to this many times; the last is kept (marked)'),
  esWarmup: bool(
    true,
    'before the first run (sinks or Flink on), index rounds of 100,000 documents into a scratch index until a round costs Elasticsearch at least 1/1.15 of the CPU of the round before (it stopped getting cheaper), so the first run pays less for a freshly started node JIT-compiling its indexing path (decision 0020: less, not nothing)',
  ),
  keep: bool(false, 'keep the topics, index and keys'),
};

type Options = ReturnType<typeof parseFlags<typeof FLAGS>>;

interface System {
  name: string;
  run: (ctx: RunContext) => Promise<Measured>;
}

/** `K=V,K=V` -> variables; only SLUICE_ names (anything else is a typo worth hearing about). */
function systems(o: Options): System[] {
  const extra = parseDaemonEnv(o.daemonEnv);
  for (const job of o.jobs) if (job !== 'builtin' && job !== 'shop') throw new Error(`--jobs: builtin and/or shop, got "${job}"`);
  const shop = o.jobs.includes('shop');
  if (shop && o.workload !== 'shop') throw new Error('--jobs shop needs --workload shop (events with productId and region)');
  const nodeArgs = o.nodeArgs?.split(' ').filter((a) => a !== '');
  const mode = (workers: number, sinks: boolean, cli = o.cli, label?: string) => ({
    workers,
    sinks,
    checkpointIntervalMs: o.checkpointIntervalMs,
    writeBufferEntries: o.writeBufferEntries,
    inboxEvents: o.inboxEvents,
    ...(cli ? { cli } : {}),
    ...(label ? { label } : {}),
    // Tuning applies to the build under test, never to the baseline.
    ...(extra && cli === o.cli ? { extra } : {}),
    ...(nodeArgs && cli === o.cli ? { nodeArgs } : {}),
  });
  const list: System[] = [];
  if (o.kafkajs) list.push({ name: CONSUMER_SYSTEMS.none, run: (ctx) => runKafkajs(ctx) });
  if (o.floors)
    for (const work of ['decode', 'parse', 'parse+count', 'parse+count in a thread'] as const)
      list.push({ name: CONSUMER_SYSTEMS[work], run: (ctx) => runKafkajs(ctx, work) });
  const builds: Array<{ cli: string | undefined; prefix: string }> = [
    ...(o.baselineCli ? [{ cli: o.baselineCli, prefix: 'baseline' }] : []),
    { cli: o.cli, prefix: 'sluice' },
  ];
  for (const { cli, prefix } of builds) {
    if (o.jobs.includes('builtin')) {
      for (const w of o.sinksOff ? o.workers : [])
        list.push({ name: `${prefix} sinks off w${w}`, run: (ctx) => runSluice(ctx, mode(w, false, cli, `${prefix} sinks off w${w}`)) });
      for (const w of o.sinks ? o.workers : [])
        list.push({ name: `${prefix} ES+Redis w${w}`, run: (ctx) => runSluice(ctx, mode(w, true, cli, `${prefix} ES+Redis w${w}`)) });
    }
    const shopSystem = (w: number, sinks: boolean) => {
      const name = `${prefix} shop ${sinks ? 'ES+Redis' : 'sinks off'} w${w}`;
      list.push({ name, run: (ctx) => runSluice(ctx, { ...mode(w, sinks, cli, name), shopJob: o.shopJob as string }) });
    };
    // Sinks off, the shop job's outputs fall back to stdout (SLUICE_ES_NODE and SLUICE_REDIS_URL unset).
    for (const w of shop && o.sinksOff ? o.workers : []) shopSystem(w, false);
    for (const w of shop && o.sinks ? o.workers : []) shopSystem(w, true);
  }
  if (o.flink)
    list.push({
      name: `flink ES+Redis p${o.flinkParallelism}`,
      run: (ctx) =>
        runFlink(ctx, { run: o.flinkRun as string, parallelism: o.flinkParallelism, checkpointIntervalMs: o.checkpointIntervalMs }),
    });
  return list;
}

function report(results: Measured[], names: string[], workload: Workload, o: Options): void {
  const records = workload.totalRecords;
  const usable = (r: Measured) => r.ok && !r.discarded;
  const medians = new Map<string, Measured>();
  for (const name of names) {
    const rs = results.filter((r) => r.system === name && usable(r));
    const m = (pick: (r: Measured) => number | undefined) => median(rs.map(pick));
    if (rs.length === 0) continue;
    const workers = Math.max(...rs.map((r) => r.cpu?.workersS.length ?? 0));
    medians.set(name, {
      ...(rs[0] as Measured),
      run: 0,
      wallS: m((r) => r.wallS) as number,
      toConsumingS: m((r) => r.toConsumingS),
      peakRssMiB: m((r) => r.peakRssMiB),
      cpu: {
        totalS: m((r) => r.cpu?.totalS) ?? Number.NaN,
        mainS: m((r) => r.cpu?.mainS) ?? Number.NaN,
        workersS: Array.from({ length: workers }, (_, i) => m((r) => r.cpu?.workersS[i]) ?? Number.NaN),
        otherS: m((r) => r.cpu?.otherS) ?? Number.NaN,
      },
      exact: rs.every((r) => r.exact !== false) ? rs[0]?.exact : false,
      services: (rs[0] as Measured).services.map((svc) => ({
        name: svc.name,
        cpuS: m((r) => r.services.find((x) => x.name === svc.name)?.cpuS) ?? Number.NaN,
      })),
      busyCores: m((r) => r.busyCores) ?? Number.NaN,
    });
  }
  const baseOf = (r: Measured, prefix: string) =>
    (r.run === 0 ? [...medians.values()] : results.filter((x) => x.run === r.run && usable(x))).find((x) => x.system.startsWith(prefix));
  const us = (s: number | undefined) => fmt(s !== undefined ? (s / records) * 1e6 : undefined, 2);
  const row = (r: Measured, label: string) => [
    r.system,
    label,
    fmt(r.wallS, 2),
    fmtInt(records / r.wallS),
    fmt(ratio(baseOf(r, 'raw kafkajs')?.wallS, r.wallS), 3),
    o.flink ? fmt(ratio(baseOf(r, 'flink')?.wallS, r.wallS), 3) : '-',
    fmt(r.toConsumingS, 2),
    fmt(r.peakRssMiB, 0),
    us(r.cpu?.mainS),
    r.cpu && r.cpu.workersS.length > 0 ? r.cpu.workersS.map((s) => us(s)).join(' / ') : '-',
    us(r.cpu?.otherS),
    us(r.cpu?.totalS),
    r.services.length > 0 ? r.services.map((svc) => fmt(svc.cpuS, 2)).join(' / ') : '-',
    fmt(r.busyCores, 2),
    r.exact === undefined ? 'n/a' : r.exact ? 'yes' : 'NO',
  ];
  const serviceNames =
    [...medians.values()][0]?.services.map((svc) => (svc.name === 'Elasticsearch' ? 'ES' : svc.name)).join(' / ') || 'services';
  const rows = [
    [
      'system',
      'run',
      'wall s',
      'events/s',
      'x kafkajs',
      'x flink',
      'to consuming s',
      'peak RSS MiB',
      'CPU us/ev main',
      'window workers',
      'other thr',
      'total',
      `${serviceNames} CPU s`,
      'busy cores',
      'outputs exact',
    ],
  ];
  for (const name of names) {
    for (const r of results.filter((x) => x.system === name))
      rows.push(row(r, `${r.run}${r.ok ? '' : ' FAIL'}${r.discarded ? ' discarded' : r.perturbed ? ' perturbed' : ''}`));
  }
  if (o.runs > 1) for (const m of medians.values()) rows.push(row(m, 'median'));

  const out = ['', '== per-run notes =='];
  for (const r of results) out.push(`${r.system} #${r.run}:`, ...r.notes.map((n) => `  ${n.split('\n').join('\n    ')}`));
  out.push('', '== results ==', table(rows, 2), '', ...END_DEFINITIONS);
  out.push(
    "x kafkajs / x flink = events/s over the same run's raw kafkajs / Flink events/s (median rows: over the medians).",
    "to consuming = sluice: processUptimeMs of its 'sluice is consuming' log line; kafkajs: group joined, since its process started; Flink: not reported.",
    'peak RSS = VmHWM of the process (sluice: main thread and window workers together).',
    `${serviceNames} CPU s = what each shared service used from the system's spawn to its end (the broker serves every system's fetches;`,
    "  Elasticsearch and Redis work only for the ES + Redis systems); busy cores = the whole machine's busy CPU over the same span",
    `  (/proc/stat) per second of wall time, out of ${availableParallelism()}: near that number, the run waited for a core.`,
    'CPU us/ev = CPU seconds (user + system, /proc/<pid>/task/*/stat) per record on the topic: the main thread; each window worker',
    '  (the threads created last: Node names every thread "node"); other = the rest of the process (V8 GC and compiler, libuv,',
    '  threads already ended); total = the whole process. Flink: total only (threads by name in its notes).',
    `outputs exact = sinks off: every stdout line equals its expected result, none missing or repeated; ES + Redis: document and key`,
    `  counts equal the expected results and a sample of ${o.verifySample} values matches (shop: per aggregation, its index and keys, its sample`,
    `  compared as whole documents); and every bad record dead-lettered, no late event`,
    "  (read_committed), and sluice's committed offsets at the end of every partition.",
    `perturbed/discarded: other processes used more than ${o.maxOtherCores} cores on average during the run (discarded runs were repeated, not in the medians).`,
  );
  // `medians` holds every system with a usable run (a single run is its own median).
  const floors = [
    CONSUMER_SYSTEMS.decode,
    CONSUMER_SYSTEMS.parse,
    CONSUMER_SYSTEMS['parse+count'],
    CONSUMER_SYSTEMS['parse+count in a thread'],
  ].filter((f) => medians.has(f));
  if (floors.length > 0) {
    out.push(
      `${CONSUMER_SYSTEMS.decode} = the raw kafkajs consumer with sluice's record decoding (kafka-record-decoding.ts), as the daemon runs kafkajs;`,
      `${CONSUMER_SYSTEMS.parse} = that + parseClick (sluice's parser and validation) on every value, on its one thread;`,
      `${CONSUMER_SYSTEMS['parse+count']} = that + a count per user window (and per event type) in a Map: the least work of the job on one thread;`,
      `${CONSUMER_SYSTEMS['parse+count in a thread']} = the same work with the parse and the count on a second thread, the events' times sent back: the least work of the job when the consuming thread does not parse`,
      '  (no watermark, state store, threads, checkpoint or output). Every system against them (medians when several runs):',
    );
    for (const [name, m] of medians) {
      if (name.startsWith('flink')) continue;
      out.push(`  ${name}: ${floors.map((f) => `${fmt(ratio(medians.get(f)?.wallS, m.wallS), 3)}x ${f}`).join(', ')}`);
    }
  }
  const allExact = results.filter((r) => r.exact !== undefined).every((r) => r.exact);
  out.push('', `outputs exact: ${allExact ? 'yes' : 'no'}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

async function main(): Promise<number> {
  const o = parseFlags('usage: npm run bench:throughput -- [flags]', FLAGS);
  keepData(o.keep);
  const kafka = testKafka('sluice-bench');
  const services = serviceProcesses();
  process.stdout.write(
    `${header(o.cli)}\nservices found for CPU accounting: ${services.length} (${services.map((s) => `${s.name} ${s.pid}`).join(', ')})\n`,
  );
  const list = systems(o);
  process.stdout.write(
    `systems: ${list.map((s) => s.name).join(', ')}; ${o.runs} run(s) each, alternating order; checkpoints every ${o.checkpointIntervalMs || 'default'} ms\n`,
  );
  if (o.sinks || o.flink) await waitForElasticsearch(30_000);
  if (o.flink) process.stdout.write(`${await prebuildFlink(o.flinkRun as string)}\n`);
  const workload = await setUpWorkload(kafka, o);
  if ((o.sinks || o.flink) && o.esWarmup) {
    const es = services.find((s) => s.name === 'Elasticsearch');
    const started = performance.now();
    const rounds = await warmElasticsearch({
      roundDocs: 100_000,
      maxRounds: 15,
      settled: 1.15,
      cpuSeconds: () => (es ? processCpuSeconds(es.pid) : undefined),
    });
    process.stdout.write(
      `Elasticsearch warmed up in ${fmt((performance.now() - started) / 1000, 1)} s: its CPU per round of 100,000 documents ${rounds.map((c) => fmt(c, 1)).join(', ')} s\n`,
    );
  }

  const results: Measured[] = [];
  for (let run = 1; run <= o.runs; run++) {
    const order = run % 2 === 1 ? list : [...list].reverse();
    for (const system of order) {
      for (let attempt = 0; ; attempt++) {
        if (o.quietCores > 0) {
          const q = await waitForQuiet({ exclude: [process.pid], maxCores: o.quietCores, timeoutMs: 300_000 });
          if (q.waitedS > 5)
            process.stderr.write(
              `(waited ${q.waitedS.toFixed(0)} s for a quiet machine: ${q.cores.toFixed(2)} other cores${q.quiet ? '' : ', gave up'}) `,
            );
        }
        process.stderr.write(`run ${run}/${o.runs}: ${system.name}... `);
        const r = await system.run({
          kafka,
          workload,
          run,
          services,
          stallTimeoutS: o.stallTimeoutS,
          verifySample: o.verifySample,
        });
        r.perturbed = r.otherCpuS / r.wallS > o.maxOtherCores;
        r.discarded = r.perturbed && attempt < o.retries;
        process.stderr.write(
          `${fmt(r.wallS, 2)} s${r.ok ? '' : ' (FAILED)'}, other CPU ${fmt(r.otherCpuS, 1)} s${r.discarded ? ': perturbed, again' : r.perturbed ? ': perturbed, kept' : ''}\n`,
        );
        results.push(r);
        await sleep(2_000);
        if (!r.discarded) break;
      }
    }
  }
  report(
    results,
    list.map((s) => s.name),
    workload,
    o,
  );
  return results.every((r) => r.ok) ? 0 : 1;
}

runBench(main);
