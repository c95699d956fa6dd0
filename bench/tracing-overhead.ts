/**
 * Does tracing cost anything when it is off? And what does it cost when on?
 *
 * In-process, no services: the clickstream pipeline wired as the daemon wires it (instrumented
 * source handler, pipeline hooks, instrumented sink), fed pre-built batches of 1,000 contract-shaped
 * records over 6 partitions, results into a counting sink. Modes, interleaved round by round so
 * drift of the machine hits them all alike:
 *   bare            the pipeline with no telemetry at all (no hooks, no wrappers): the reference
 *   off             telemetry wired as in the daemon, tracing off (no OTEL_*): the default
 *   off+headers     the same, but every record carries a sampled traceparent header
 *   on              tracing on (SDK started, batch span processor, exporter that drops spans), no headers
 *   on+1%headers    tracing on, 1% of records carry a sampled traceparent
 *   on+headers      tracing on, every record carries a sampled traceparent (worst case)
 * Prints events/s per run, the median per mode and each median relative to `bare`, and the spread
 * of `bare` against itself (the noise floor any difference must exceed to mean something).
 *
 * usage: npm run bench:tracing -- [--events 300000] [--rounds 5] [--only bare,off]
 */
import type { ResultsCallback } from '../src/streams/operators/keyed-stage.js';
import { LocalKeyedStage } from '../src/streams/operators/local-stage.js';
import { InMemoryWindowStore } from '../src/streams/operators/windows.js';
import type { ExportResult } from '@opentelemetry/core';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { availableParallelism, cpus } from 'node:os';
import { loadConfig } from '../src/config.js';
import { clickstreamJob, type ClickCountResult } from '../src/job/clickstream.js';
import type { JobDefinition } from '../src/job/job.js';
import { WindowPipeline } from '../src/streams/runtime/pipeline.js';
import type { DeadLetterSink, ResultSink } from '../src/streams/sinks/sink.js';
import type { SourceBatch, SourceHandler, SourceRecord } from '../src/streams/sources/source.js';
import { DaemonTelemetry } from '../src/telemetry/daemon-telemetry.js';
import { silentLogger } from '../src/telemetry/logging.js';
import { startTracing, type TracingHandle } from '../src/telemetry/tracing.js';

type Mode = 'bare' | 'off' | 'off+headers' | 'on' | 'on+1%headers' | 'on+headers';
const ALL_MODES: Mode[] = ['bare', 'off', 'off+headers', 'on', 'on+1%headers', 'on+headers'];
const onlyAt = process.argv.indexOf('--only');
const MODES: Mode[] = onlyAt >= 0 ? ALL_MODES.filter((m) => (process.argv[onlyAt + 1] ?? '').split(',').includes(m)) : ALL_MODES;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}
const EVENTS = arg('events', 300_000);
const ROUNDS = arg('rounds', 5);
const PARTITIONS = 6;
const BATCH = 1_000;
const USERS = 2_000;
const MINUTE = 60_000;

/** Pre-built batches (values are Buffers, as a Kafka source hands them over). */
function buildBatches(headerShare: number): SourceBatch[] {
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) >>> 0;
    return seed / 4_294_967_296;
  };
  const start = Math.floor((Date.now() - 3 * 3_600_000) / MINUTE) * MINUTE;
  const span = 10 * MINUTE;
  const types = ['view', 'click', 'add_to_cart', 'purchase'];
  const perPartition: SourceRecord[][] = Array.from({ length: PARTITIONS }, () => []);
  const hex = (n: number, len: number) => n.toString(16).padStart(len, '0').slice(-len);
  for (let i = 0; i < EVENTS; i++) {
    const user = Math.floor(random() * USERS);
    const ts = start + Math.floor((i / EVENTS) * span) - Math.floor(random() * 2000);
    const value = Buffer.from(
      JSON.stringify({ userId: `user-${user}`, eventType: types[i % 4], timestamp: Math.max(start, ts), page: `/p/${i % 97}` }),
    );
    const p = user % PARTITIONS;
    const list = perPartition[p] as SourceRecord[];
    const record: SourceRecord = { offset: String(list.length), value, key: Buffer.from(`user-${user}`), timestamp: String(Date.now()) };
    if (headerShare > 0 && random() < headerShare) record.trace = { traceparent: `00-${hex(i + 1, 32)}-${hex(i + 1, 16)}-01` };
    list.push(record);
  }
  // Trailing event per partition so every window fires; then interleave partitions batch by batch.
  for (const [p, list] of perPartition.entries()) {
    list.push({
      offset: String(list.length),
      value: Buffer.from(JSON.stringify({ userId: `t${p}`, eventType: 'view', timestamp: start + span + 10 * MINUTE })),
      key: null,
      timestamp: String(Date.now()),
    });
  }
  const batches: SourceBatch[] = [];
  const maxLen = Math.max(...perPartition.map((l) => l.length));
  for (let off = 0; off < maxLen; off += BATCH) {
    for (const [p, list] of perPartition.entries()) {
      const records = list.slice(off, off + BATCH);
      if (records.length > 0) batches.push({ topic: 'bench', partition: p, records, highWatermark: String(list.length) });
    }
  }
  return batches;
}

class CountingSink implements ResultSink<ClickCountResult> {
  readonly name = 'count';
  count = 0;
  async start() {}
  async write(results: readonly ClickCountResult[]) {
    this.count += results.length;
  }
  async flush() {}
  async close() {}
}

const NO_LETTERS: DeadLetterSink = {
  name: 'none',
  start: async () => undefined,
  send: async () => undefined,
  flush: async () => undefined,
  close: async () => undefined,
};

class DroppingExporter implements SpanExporter {
  spans = 0;
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.spans += spans.length;
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

async function runOnce(
  mode: Mode,
  batches: SourceBatch[],
): Promise<{ eventsPerSecond: number; eventsPerCpuSecond: number; results: number; spans: number }> {
  const config = loadConfig({ SLUICE_METRICS_PORT: '0' });
  const exporter = new DroppingExporter();
  let tracing: TracingHandle | undefined;
  if (mode.startsWith('on')) tracing = await startTracing({ spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 65_536 })] });
  const sink = new CountingSink();
  const job = clickstreamJob as unknown as JobDefinition<unknown, unknown, ClickCountResult>;
  let telemetry: DaemonTelemetry | undefined;
  let pipeline: WindowPipeline<unknown, unknown, ClickCountResult>;
  // Windows on this thread (LocalKeyedStage): the bench isolates the main thread's telemetry cost.
  const keyedStage = (onResults: ResultsCallback<ClickCountResult>) =>
    new LocalKeyedStage(config.windows, job.aggregate, new InMemoryWindowStore(), onResults);
  const base = {
    job,
    windows: config.windows,
    topics: config.topics,
    deadLetters: NO_LETTERS,
    now: Date.now,
    logger: silentLogger,
    keyedStage,
  };
  let handler: SourceHandler;
  const plain: SourceHandler = { onAssign: (p) => pipeline.assign(p), onRevoke: () => undefined, onBatch: (b) => pipeline.processBatch(b) };
  if (mode === 'bare') {
    pipeline = new WindowPipeline({ ...base, sinks: [sink] });
    handler = plain;
  } else {
    telemetry = new DaemonTelemetry({
      config,
      logger: silentLogger,
      state: () => 'running',
      stats: () => pipeline.stats(),
      defaultMetrics: false,
    });
    pipeline = new WindowPipeline({
      ...base,
      sinks: [telemetry.instrumentSink(sink)],
      deadLetters: telemetry.instrumentDeadLetters(NO_LETTERS),
      telemetry: telemetry.pipeline,
    });
    const t = telemetry;
    handler = { ...t.instrumentControl(plain), onBatch: (b) => t.timeBatch(b, () => pipeline.processBatch(b)) };
  }
  handler.onAssign(Array.from({ length: PARTITIONS }, (_, i) => i));
  // Start every run from a collected heap (node --expose-gc), so one run's garbage is not the next's cost.
  (globalThis as { gc?: () => void }).gc?.();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const batch of batches) await handler.onBatch(batch);
  await pipeline.finish();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  await telemetry?.close();
  await tracing?.shutdown();
  return { eventsPerSecond: EVENTS / seconds, eventsPerCpuSecond: EVENTS / cpuSeconds, results: sink.count, spans: exporter.spans };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function main(): Promise<void> {
  process.stdout.write(
    `tracing overhead: ${EVENTS.toLocaleString('en-US')} events, ${PARTITIONS} partitions, batches of ${BATCH}, ${ROUNDS} rounds; Node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'})\n`,
  );
  const batchesFor = { none: buildBatches(0), some: buildBatches(0.01), all: buildBatches(1) };
  const input = (mode: Mode) =>
    mode === 'off+headers' || mode === 'on+headers' ? batchesFor.all : mode === 'on+1%headers' ? batchesFor.some : batchesFor.none;
  // Warm-up: JIT, caches.
  for (const mode of MODES) await runOnce(mode, input(mode));
  // Events per CPU second of this process: other work on the machine (services, other builds)
  // shows in wall time far more than in the CPU this process itself spends.
  const results = new Map<Mode, number[]>(MODES.map((m) => [m, []]));
  const wall = new Map<Mode, number[]>(MODES.map((m) => [m, []]));
  const info = new Map<Mode, { results: number; spans: number }>();
  for (let round = 1; round <= ROUNDS; round++) {
    // Rotate the order each round so no mode always runs first or last.
    const order = MODES.map((_, i) => MODES[(i + round) % MODES.length] as Mode);
    for (const mode of order) {
      const r = await runOnce(mode, input(mode));
      results.get(mode)?.push(r.eventsPerCpuSecond);
      wall.get(mode)?.push(r.eventsPerSecond);
      info.set(mode, { results: r.results, spans: r.spans });
    }
  }
  const bare = median(results.get('bare') ?? []);
  const bareBest = Math.max(...(results.get('bare') ?? []));
  const bareRuns = results.get('bare') ?? [];
  const sorted = [...bareRuns].sort((a, b) => a - b);
  const iqr = ((sorted[Math.floor((sorted.length * 3) / 4)] as number) - (sorted[Math.floor(sorted.length / 4)] as number)) / bare;
  const pct = (x: number, ref: number) => {
    const r = ((x - ref) / ref) * 100;
    return `${r >= 0 ? '+' : ''}${r.toFixed(1)}%`;
  };
  const k = (x: number) => Math.round(x).toLocaleString('en-US');
  process.stdout.write(`\nevents per CPU-second of the process (median and best of ${ROUNDS}), and wall-clock events/s (median)\n`);
  process.stdout.write(
    `${'mode'.padEnd(14)} ${'median'.padStart(9)} ${'vs bare'.padStart(8)} ${'best'.padStart(9)} ${'vs bare'.padStart(8)} ${'wall ev/s'.padStart(10)} ${'spans/run'.padStart(9)}\n`,
  );
  for (const mode of MODES) {
    const runs = results.get(mode) ?? [];
    const med = median(runs);
    const best = Math.max(...runs);
    process.stdout.write(
      `${mode.padEnd(14)} ${k(med).padStart(9)} ${pct(med, bare).padStart(8)} ${k(best).padStart(9)} ${pct(best, bareBest).padStart(8)} ${k(median(wall.get(mode) ?? [])).padStart(10)} ${String(info.get(mode)?.spans ?? 0).padStart(9)}\n`,
    );
  }
  if (bareRuns.length > 0) {
    process.stdout.write(
      `\nnoise floor: the interquartile range of the bare runs is ${(iqr * 100).toFixed(1)}% of their median; a smaller difference is not measurable here.\n`,
    );
  }
  process.stdout.write(
    'To see what telemetry itself costs, profile one mode: node --expose-gc --cpu-prof dist/bench/tracing-overhead.js --only off, then node dist/bench/lib/cpu-profile.js <file>.\n',
  );
  process.stdout.write(`every run wrote ${[...info.values()][0]?.results.toLocaleString('en-US')} window results.\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
