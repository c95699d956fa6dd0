/**
 * How fast sluice is back after a crash, and after a Kafka broker outage, on the real stack.
 *
 *  1. the daemon (2 workers, checkpoints every 2 s) runs while a clickstream (1% bad records, a few
 *     deliberately late events) is produced at a steady rate (test/helpers/fault-run.ts);
 *  2. --kills times, 2-8 s apart (seeded): SIGKILL, restart at once on the same state directory;
 *     measured: the kill to /readyz 200, and the restart to the first record consumed after it
 *     (sluice_records_in_total of the new process above 0);
 *  3. with --outage-seconds N: the broker is stopped (scripts/stack stop kafka) for N s and started
 *     again; measured: the broker answering again to the first record consumed after that
 *     (sluice_records_in_total rising; an in-process restart of the job, which starts the counter
 *     from 0, is recognised);
 *  4. the outputs are checked as test/it/kafka-faults.test.ts does: every Elasticsearch document
 *     and Redis key exact, each bad record once in the dead-letter topic and exactly the
 *     deliberately late events in the late topic (read_committed). Exit status 1 if not exact.
 *
 * Prints p50 / p90 / max of both crash timings. The broker it stops is the one scripts/stack manages
 * with this environment (SLUICE_STACK_*; SLUICE_TEST_KAFKA_BROKERS must point at it): never a shared one.
 *
 * usage: node dist/bench/kill-to-ready.js [--kills 20] [--outage-seconds 0] [--rate 1500] ...  (--help)
 */
import { Client } from '@elastic/elasticsearch';
import { Redis } from 'ioredis';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { METRIC_NAMES as M } from '../src/telemetry/metrics.js';
import { MINUTE } from '../test/helpers/clickstream-fixture.js';
import { brokerTarget, restoreBroker, startBroker, stopBroker } from '../test/helpers/broker-control.js';
import { FaultRun, lastError, PacedProducer, problems, sleep, summarize } from '../test/helpers/fault-run.js';
import { kafkaBrokers, testKafka } from '../test/helpers/kafka.js';
import { esNode, redisUrl, waitForElasticsearch } from '../test/helpers/services.js';
import { findPid, statusKiB, waitForQuiet } from './lib/proc.js';

interface Options {
  kills: number;
  minGapS: number;
  maxGapS: number;
  outageSeconds: number;
  rate: number;
  events: number;
  users: number;
  partitions: number;
  workers: number;
  checkpointMs: number;
  idleTimeoutMs: number;
  readyTimeoutS: number;
  seed: number;
  quietCores: number;
}

const FLAGS: Record<string, { key: keyof Options; help: string; def: number }> = {
  '--kills': { key: 'kills', help: 'SIGKILL + restart cycles', def: 20 },
  '--min-gap-s': { key: 'minGapS', help: 'least time between a restart being ready and the next kill', def: 2 },
  '--max-gap-s': { key: 'maxGapS', help: 'most time between a restart being ready and the next kill', def: 8 },
  '--outage-seconds': { key: 'outageSeconds', help: 'after the kills, stop the broker this long (0 = no outage)', def: 0 },
  '--rate': {
    key: 'rate',
    help: 'events per second produced while the daemon runs (the rest goes at full speed after the last kill or outage)',
    def: 1_000,
  },
  '--events': {
    key: 'events',
    help: 'valid events in the fixture (0 = enough to keep data flowing through the kills and the outage at --rate, even with 30 s restarts)',
    def: 0,
  },
  '--users': { key: 'users', help: 'distinct users', def: 400 },
  '--partitions': { key: 'partitions', help: 'partitions of the input topic', def: 6 },
  '--workers': { key: 'workers', help: 'SLUICE_WORKERS', def: 2 },
  '--checkpoint-ms': { key: 'checkpointMs', help: 'SLUICE_CHECKPOINT_INTERVAL_MS (min pause 500 ms)', def: 2_000 },
  '--idle-timeout-ms': { key: 'idleTimeoutMs', help: 'SLUICE_IDLE_TIMEOUT_MS', def: 3_000 },
  '--ready-timeout-s': { key: 'readyTimeoutS', help: 'give up on a restart (or an outage recovery) after this long', def: 120 },
  '--seed': { key: 'seed', help: 'seed of the kill moments and the fixture', def: 42 },
  '--quiet-cores': {
    key: 'quietCores',
    help: 'first wait (up to 3 min) until the rest of the machine uses at most this many cores; 0 = do not wait',
    def: 0.5,
  },
};

function parse(argv: string[]): Options {
  const o = Object.fromEntries(Object.values(FLAGS).map((f) => [f.key, f.def])) as unknown as Options;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(
        `usage: node dist/bench/kill-to-ready.js [flags]\n${Object.entries(FLAGS)
          .map(([k, f]) => `  ${k.padEnd(18)} ${f.help} (default ${f.def})`)
          .join('\n')}\n`,
      );
      process.exit(0);
    }
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const f = FLAGS[name];
    if (!f) throw new Error(`unknown flag ${arg} (--help)`);
    const n = Number((inline ?? argv[++i] ?? '').replaceAll('_', ''));
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name} needs a non-negative number`);
    (o as unknown as Record<string, number>)[f.key] = n;
  }
  if (o.maxGapS < o.minGapS) throw new Error('--max-gap-s must be at least --min-gap-s');
  if (o.rate <= 0) throw new Error('--rate must be positive');
  return o;
}

/** Nearest-rank percentile of `values` (ms). */
function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

const fmt = (ms: number) => (Number.isFinite(ms) ? Math.round(ms).toLocaleString('en-US') : '-');
const line = (label: string, values: number[]) =>
  `${label.padEnd(34)} p50 ${fmt(percentile(values, 50)).padStart(7)} ms   p90 ${fmt(percentile(values, 90)).padStart(7)} ms   max ${fmt(Math.max(...values)).padStart(7)} ms   (n=${values.length})`;

const kafka = testKafka('sluice-bench-kill-to-ready');
const es = new Client({ node: esNode() });
const redis = new Redis(redisUrl(), { lazyConnect: true });
let run: FaultRun | undefined;
let producer: PacedProducer | undefined;

/**
 * From `since` (performance.now()), poll the current daemon every 25 ms: when /readyz first says 200,
 * and when sluice_records_in_total first rises above `baseline` (undefined: its first reading; a
 * drop means a new job instance started counting from 0: the baseline becomes 0). Either is
 * undefined if it did not happen in time.
 */
async function watch(
  r: FaultRun,
  since: number,
  timeoutMs: number,
  baseline: number | undefined,
): Promise<{ readyMs?: number; recordMs?: number; last: string }> {
  let readyMs: number | undefined;
  let recordMs: number | undefined;
  let previous = baseline ?? Number.NaN;
  let base = baseline ?? Number.NaN;
  let readyz = 'no answer';
  let recordsIn = 'no answer';
  while (performance.now() - since < timeoutMs && (readyMs === undefined || recordMs === undefined)) {
    if (!r.alive()) return { ...(readyMs !== undefined ? { readyMs } : {}), last: `the daemon exited: ${lastError(r.logText())}` };
    const ready = await r.readyz();
    readyz = ready ? `${ready.status} ${ready.body}` : 'no answer';
    if (readyMs === undefined && ready?.status === 200) readyMs = performance.now() - since;
    if (recordMs === undefined) {
      const records = (await r.metrics())?.value(M.recordsIn);
      recordsIn = records === undefined ? 'no answer' : String(records);
      if (records !== undefined) {
        if (Number.isNaN(base)) base = records;
        if (records < previous) base = 0;
        previous = records;
        if (records > base) recordMs = performance.now() - since;
      }
    }
    await sleep(25);
  }
  const last = `/readyz ${readyz}; sluice_records_in_total ${recordsIn}; last error logged: ${lastError(r.logText())}`;
  return { ...(readyMs !== undefined ? { readyMs } : {}), ...(recordMs !== undefined ? { recordMs } : {}), last };
}

async function main(): Promise<number> {
  const options = parse(process.argv.slice(2));
  if (options.outageSeconds > 0) brokerTarget(); // refuses a broker scripts/stack does not manage with this environment
  await waitForElasticsearch(30_000);
  await redis.connect();
  let r = options.seed;
  const random = () => (r = (r * 1103515245 + 12345) % 2147483648) / 2147483648;
  // Data must flow through every restart: sized for slow ones (a kill, the gap, ~30 s until consuming).
  const cycleS = options.maxGapS + 32;
  const events =
    options.events > 0 ? options.events : Math.ceil(options.rate * (30 + options.kills * cycleS + options.outageSeconds * 2 + 40));

  run = new FaultRun(kafka, es, redis, {
    label: 'bench-ktr',
    partitions: options.partitions,
    fixture: {
      events,
      users: options.users,
      spanMs: Math.max(10, Math.round(events / options.rate / 2.5)) * MINUTE,
      badRatio: 0.01,
      maxDisorderMs: 2_000,
      seed: options.seed,
    },
    lateEvents: 12,
    env: {
      SLUICE_WORKERS: String(options.workers),
      SLUICE_CHECKPOINT_INTERVAL_MS: String(options.checkpointMs),
      SLUICE_IDLE_TIMEOUT_MS: String(options.idleTimeoutMs),
      SLUICE_LOG_LEVEL: 'info',
    },
    note: (l) => process.stderr.write(`  ${l}\n`),
  });
  const kafkaPid = findPid(`-Dsluice.stack.service=kafka `);
  process.stdout.write(
    `kill-to-ready: ${options.kills} SIGKILLs ${options.minGapS}-${options.maxGapS} s apart${options.outageSeconds > 0 ? `, then a ${options.outageSeconds} s broker outage` : ''}; ` +
      `${events.toLocaleString('en-US')} events at ${options.rate}/s, ${options.partitions} partitions, SLUICE_WORKERS=${options.workers}, ` +
      `SLUICE_CHECKPOINT_INTERVAL_MS=${options.checkpointMs}, SLUICE_IDLE_TIMEOUT_MS=${options.idleTimeoutMs}; broker ${kafkaBrokers().join(',')}\n` +
      `machine: ${cpus().length} CPUs (availableParallelism ${availableParallelism()}); node ${process.version}; load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}\n`,
  );
  if (options.quietCores > 0) {
    const quiet = await waitForQuiet({
      exclude: [process.pid, ...(kafkaPid ? [kafkaPid] : [])],
      maxCores: options.quietCores,
      timeoutMs: 180_000,
    });
    if (!quiet.quiet)
      process.stdout.write(
        `(the machine was not quiet: ${quiet.cores.toFixed(2)} other cores busy after ${quiet.waitedS.toFixed(0)} s; timings may be perturbed)\n`,
      );
  }

  await run.createTopics();
  await run.start();
  const first = await run.waitReady(options.readyTimeoutS * 1000);
  if (first.ms === undefined) throw new Error(`the daemon was not ready within ${options.readyTimeoutS} s: ${first.last}\n${run.tail()}`);
  producer = new PacedProducer(run, run.fixture.messages, options.rate);
  producer.start();
  const late = run.whenLateEventsAreLate(options.readyTimeoutS * 1000, (m) => producer?.inject(m));
  late.catch(() => undefined);
  await late;

  const killToReady: number[] = [];
  const restartToRecord: number[] = [];
  const notes: string[] = [];
  for (let kill = 1; kill <= options.kills; kill++) {
    await sleep((options.minGapS + random() * (options.maxGapS - options.minGapS)) * 1000);
    if (!run.alive()) {
      notes.push(`the daemon had exited on its own before kill ${kill}: ${lastError(run.logText())}`);
      break;
    }
    if (producer.sent >= producer.total) {
      notes.push(
        `the fixture was all produced before kill ${kill} (restarts slower than --events allows for): stopped killing; pass a larger --events`,
      );
      break;
    }
    const killedAt = await run.kill();
    const restartedAt = performance.now();
    await run.start();
    const w = await watch(run, restartedAt, options.readyTimeoutS * 1000, 0);
    const toReady = w.readyMs === undefined ? undefined : w.readyMs + (restartedAt - killedAt);
    if (toReady !== undefined) killToReady.push(toReady);
    if (w.recordMs !== undefined) restartToRecord.push(w.recordMs);
    const rss = statusKiB(run.daemon?.child.pid ?? 0, 'VmRSS');
    process.stderr.write(
      `  kill ${String(kill).padStart(2)}: kill -> ready ${fmt(toReady ?? Number.NaN)} ms, restart -> first record ${fmt(w.recordMs ?? Number.NaN)} ms${rss ? `, RSS ${(rss / 1024).toFixed(0)} MiB` : ''}${w.readyMs === undefined || w.recordMs === undefined ? ` (gave up after ${options.readyTimeoutS} s: ${w.last})` : ''}\n`,
    );
    if (w.readyMs === undefined || w.recordMs === undefined) {
      notes.push(
        `kill ${kill}: ${w.readyMs === undefined ? 'not ready' : 'no record consumed'} within ${options.readyTimeoutS} s (${w.last})`,
      );
      if (!run.alive()) break;
    }
  }

  let outageLine: string | undefined;
  if (options.outageSeconds > 0) {
    await producer.hold();
    const stopMs = await stopBroker();
    await sleep(options.outageSeconds * 1000);
    // Watched from the moment the broker answers (while scripts/stack start still runs its own check);
    // the baseline is the count then: what was consumed before the outage does not count.
    const current = run;
    let watching: ReturnType<typeof watch> | undefined;
    const startMs = await startBroker({
      onAnswering: () => {
        producer?.release();
        watching = watch(current, performance.now(), options.readyTimeoutS * 1000, undefined);
      },
    });
    const w = await (watching ?? watch(current, performance.now(), options.readyTimeoutS * 1000, undefined));
    outageLine =
      `broker outage ${options.outageSeconds} s (stop took ${fmt(stopMs)} ms, start ${fmt(startMs)} ms): broker answering -> first record consumed ${fmt(w.recordMs ?? Number.NaN)} ms` +
      `${w.recordMs === undefined ? ` (none within ${options.readyTimeoutS} s: ${w.last})` : ''}; /readyz 200 ${w.readyMs === undefined ? 'never' : `${fmt(w.readyMs)} ms`} after it`;
    process.stderr.write(`  ${outageLine}\n`);
    if (w.recordMs === undefined) notes.push(`after the outage: no record consumed within ${options.readyTimeoutS} s (${w.last})`);
  }

  producer.release();
  producer.rush();
  await producer.done;
  const fin = await run.finish(options.readyTimeoutS * 1000);
  const verdict = await run.verify();
  const wrong = problems(verdict);
  if (fin.exit.code !== 0) wrong.unshift(`SIGTERM: exit ${JSON.stringify(fin.exit)}; ${lastError(run.logText())}`);

  const out = [
    '',
    line('SIGKILL -> /readyz 200', killToReady),
    line('restart -> first record consumed', restartToRecord),
    ...(outageLine ? [outageLine] : []),
    ...notes.map((n) => `note: ${n}`),
    `outputs: ${summarize(verdict)}`,
    wrong.length === 0 ? 'outputs EXACT' : `outputs NOT EXACT:\n- ${wrong.join('\n- ')}`,
    `daemon logs: ${run.daemons.map((d) => d.logFile).join(' ')}`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  return wrong.length === 0 && notes.length === 0 ? 0 : 1;
}

let cleaning: Promise<void> | undefined;
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    await producer?.stop().catch(() => undefined);
    await restoreBroker().catch((err: unknown) => process.stderr.write(`could not start the broker again: ${(err as Error).message}\n`));
    await run?.cleanup().catch(() => undefined);
    redis.disconnect();
    await es.close().catch(() => undefined);
  })();
  return cleaning;
}

process.once('SIGINT', () => {
  void cleanUp().finally(() => process.exit(130));
});

main()
  .then(
    async (code) => {
      await cleanUp();
      return code;
    },
    async (err: unknown) => {
      process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      await cleanUp();
      return 1;
    },
  )
  .then((code) => process.exit(code));
