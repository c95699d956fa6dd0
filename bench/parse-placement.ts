/**
 * Where should parse + validate run? (issue 4, item 3). A micro-bench without Kafka: the same
 * pre-built source batches (realistic ~190-byte click values, 1% bad, 6 partitions, kafkajs-like
 * batches of Buffers) go through parse + validate + the pipeline's per-batch bookkeeping (watermark,
 * offsets held per window, dead letters) + routing to N window workers that count events per key,
 * under each placement:
 *
 *   main  reference: everything on the main thread, no worker threads at all;
 *   a     parse on the main thread, post parsed events as objects (structured clone) to the window
 *         workers: the daemon's shape before columnar steps (commit 6ee7993 and earlier);
 *   a2    parse on the main thread, post parsed events as columns (one transferred buffer and one
 *         key string per message): separates the cost of parsing from the cost of cloning objects;
 *         the daemon's shape since (src/actors/step-codec.ts);
 *   b     a piscina pool of stateless parse workers: main packs each batch's values into one
 *         transferred ArrayBuffer, the pool parses it and returns columns already split by owner,
 *         main does the bookkeeping from a summary and forwards the columns to the window workers;
 *   c     parse inside the window workers: main posts packed raw batches round-robin, a worker parses,
 *         counts its own keys and forwards the others as columns to their owner over a MessageChannel
 *         between workers; it returns the batch summary to main.
 *
 * Every placement is bounded by credit like the daemon (SLUICE_WORKER_INBOX_EVENTS per worker; in
 * (c) a raw batch holds its credit until its forwarded parts were counted too). Runs rotate the order
 * of placements and each starts fresh threads, warms them up on the first --warmup events, resets,
 * then times the whole data set. Results: events/s, CPU per event of the main thread (schedstat of
 * the thread: Node 20 has no process.threadCpuUsage), its event-loop utilisation, the window workers'
 * CPU, the whole process's CPU, and the CPU the rest of the machine used meanwhile. Medians per
 * placement. Every run's counts and checksums are compared with the others'.
 *
 * usage: node dist/bench/parse-placement.js [--events 1000000] [--users 100000] [--workers 2]
 *        [--pool-threads 2] [--runs 5] [--batch 1000] [--placements main,a,a2,b,c]   (--help for all)
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { assignmentTable } from '../src/actors/key-groups.js';
import { BatchParser, ColumnsBuilder, KeyCounter, packRaw, threadCpuNs, type BatchSummary, type Columns } from './parse-placement-codec.js';
import type { ParseTask, ParseTaskResult } from './parse-placement-pool.js';
import type { BenchKeyedEvent, FromWindowWorker, ToWindowWorker, WindowWorkerInit } from './parse-placement-worker.js';
import { machineBusySeconds, waitForQuiet } from './proc.js';
import { badValue, clickValue, EVENT_TYPES, prng, WINDOW_MS } from './workload.js';

const WORKER_JS = new URL('./parse-placement-worker.js', import.meta.url);
const POOL_JS = fileURLToPath(new URL('./parse-placement-pool.js', import.meta.url));
const OUT_OF_ORDERNESS_MS = 5_000;
const ALLOWED_LATENESS_MS = 0;

type Placement = 'main' | 'a' | 'a2' | 'b' | 'c';
const PLACEMENTS: Record<Placement, string> = {
  main: 'main thread only, no workers (reference)',
  a: 'parse on main, events as objects (structured clone) to window workers',
  a2: 'parse on main, events as columns (transferred) to window workers',
  b: 'piscina parse pool, packed raw in, columns by owner out, main forwards',
  c: 'parse in the window workers, packed raw round-robin, forward by MessageChannel',
};

// ---------------------------------------------------------------------------------------------
// options

interface Options {
  events: number;
  users: number;
  partitions: number;
  batch: number;
  badRatio: number;
  workers: number[];
  poolThreads: number[];
  runs: number;
  warmup: number;
  inboxEvents: number;
  poolInFlight: number;
  placements: Placement[];
  seed: number;
  quietCores: number;
  maxOtherCores: number;
  retries: number;
}

const DEFAULTS: Options = {
  events: 1_000_000,
  users: 100_000,
  partitions: 6,
  batch: 1_000,
  badRatio: 0.01,
  workers: [2],
  poolThreads: [2],
  runs: 5,
  warmup: 100_000,
  inboxEvents: 20_000,
  poolInFlight: 0,
  placements: ['main', 'a', 'a2', 'b', 'c'],
  seed: 42,
  quietCores: 0.3,
  maxOtherCores: 0.35,
  retries: 3,
};

const HELP: Record<string, string> = {
  events: 'valid events (bad records come on top)',
  users: 'distinct userIds',
  partitions: 'source partitions (batches come from one partition each, round-robin)',
  batch: 'records per source batch (kafkajs hands ~5,000 at 1 MiB per partition)',
  badRatio: 'bad records per valid event',
  workers: 'window workers (comma-separated list: each is a row of its own)',
  poolThreads: 'piscina parse threads for placement b (comma-separated list)',
  runs: 'timed runs of each placement (medians reported)',
  warmup: 'events pushed through fresh threads before each timed run (not timed)',
  inboxEvents: 'credit: events in flight to one window worker at most (SLUICE_WORKER_INBOX_EVENTS)',
  poolInFlight: 'placement b: parse tasks in flight at most (0 = 2 per pool thread)',
  placements: `which placements, of ${Object.keys(PLACEMENTS).join(',')}`,
  seed: 'seed of the generator',
  quietCores: 'before each run, wait (up to 3 min) until the rest of the machine uses at most this many cores (0 = do not wait)',
  maxOtherCores: 'a run during which the rest of the machine used more cores than this on average is perturbed: run again',
  retries: 'perturbed runs are repeated up to this many times (the last one is kept, marked)',
};

function parseArgs(argv: string[]): Options {
  const o: Options = { ...DEFAULTS };
  const kebab = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  const keys = new Map(Object.keys(DEFAULTS).map((k) => [kebab(k), k as keyof Options]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(
        `usage: node dist/bench/parse-placement.js [flags]\n${Object.entries(HELP)
          .map(([k, h]) => `  ${kebab(k).padEnd(16)} ${h} (default ${String(DEFAULTS[k as keyof Options])})`)
          .join('\n')}\n`,
      );
      process.exit(0);
    }
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const key = keys.get(name);
    if (!key) throw new Error(`unknown flag ${arg} (--help lists them)`);
    const raw = inline ?? argv[++i];
    if (raw === undefined) throw new Error(`${name} needs a value`);
    const num = (v: string) => {
      const n = Number(v.replaceAll('_', ''));
      if (!Number.isFinite(n) || n < 0) throw new Error(`${name}: expected a non-negative number, got "${v}"`);
      return n;
    };
    if (key === 'placements') {
      const list = raw.split(',').map((p) => p.trim());
      for (const p of list) if (!(p in PLACEMENTS)) throw new Error(`--placements: unknown placement "${p}"`);
      o.placements = list as Placement[];
    } else if (key === 'workers' || key === 'poolThreads') {
      o[key] = raw.split(',').map((v) => Math.max(1, Math.floor(num(v))));
    } else {
      (o as unknown as Record<string, number>)[key] = num(raw);
    }
  }
  return o;
}

// ---------------------------------------------------------------------------------------------
// data

interface SourceBatch {
  partition: number;
  baseOffset: number;
  values: Buffer[];
}

interface Data {
  batches: SourceBatch[];
  records: number;
  valid: number;
  bad: number;
  bytes: number;
}

/** The end-to-end bench's workload (bench/workload.ts), generated in memory as kafkajs would hand it over. */
function generate(o: Options): Data {
  const random = prng(o.seed);
  const start = Math.floor((Date.now() - 3 * 3_600_000) / WINDOW_MS) * WINDOW_MS;
  const spanMs = 10 * 60_000;
  const disorderMs = 2_000;
  const userDigits = String(o.users - 1).length;
  const badEvery = o.badRatio > 0 ? Math.max(1, Math.round(1 / o.badRatio)) : Number.POSITIVE_INFINITY;
  const perPartition: Buffer[][] = Array.from({ length: o.partitions }, () => []);
  let bad = 0;
  let bytes = 0;
  for (let i = 0; i < o.events; i++) {
    const u = Math.floor(random() * o.users);
    const userId = `user-${String(u).padStart(userDigits, '0')}`;
    const eventType = EVENT_TYPES[Math.floor(random() * EVENT_TYPES.length)] as string;
    const ordered = start + Math.floor((i / o.events) * spanMs);
    const timestamp = Math.max(start, ordered - Math.floor(random() * disorderMs));
    const value = Buffer.from(clickValue(i, u, userId, eventType, timestamp));
    bytes += value.length;
    (perPartition[u % o.partitions] as Buffer[]).push(value);
    if ((i + 1) % badEvery === 0) {
      const v = Buffer.from(badValue(bad, timestamp));
      bytes += v.length;
      (perPartition[bad % o.partitions] as Buffer[]).push(v);
      bad++;
    }
  }
  // kafkajs-like: each batch from one partition, partitions taking turns.
  const batches: SourceBatch[] = [];
  const cursors = perPartition.map(() => 0);
  for (let more = true; more; ) {
    more = false;
    for (let p = 0; p < o.partitions; p++) {
      const values = perPartition[p] as Buffer[];
      const from = cursors[p] as number;
      if (from >= values.length) continue;
      const to = Math.min(values.length, from + o.batch);
      batches.push({ partition: p, baseOffset: from, values: values.slice(from, to) });
      cursors[p] = to;
      more = true;
    }
  }
  return { batches, records: o.events + bad, valid: o.events, bad, bytes };
}

// ---------------------------------------------------------------------------------------------
// the main thread's bookkeeping, the same in every placement

/** What src/streams/pipeline.ts keeps per batch: watermarks, positions, dead letters. */
class Bookkeeping {
  private readonly maxByPartition = new Map<number, number>();
  /** partition -> the next offset to read (a checkpoint's placement). */
  readonly positions = new Map<number, number>();
  deadLetters = 0;
  lateEvents = 0;
  /** Dead letters are built (original value + reason) and dropped: sending them is not measured. */
  private letters: Array<{ value: Buffer | undefined; code: string; partition: number; offset: number }> = [];

  constructor(private readonly partitions: number) {}

  watermark(): number {
    if (this.maxByPartition.size < this.partitions) return Number.NEGATIVE_INFINITY;
    let min = Number.POSITIVE_INFINITY;
    for (const max of this.maxByPartition.values()) min = Math.min(min, max);
    return min - OUT_OF_ORDERNESS_MS;
  }

  apply(batch: SourceBatch, summary: BatchSummary): void {
    const { partition, baseOffset } = batch;
    if (summary.maxTimestamp > (this.maxByPartition.get(partition) ?? Number.NEGATIVE_INFINITY)) this.maxByPartition.set(partition, summary.maxTimestamp);
    this.positions.set(partition, baseOffset + batch.values.length);
    for (let i = 0; i < summary.bad.length; i++) {
      const index = summary.bad[i] as number;
      this.letters.push({ value: batch.values[index], code: summary.badCodes[i] as string, partition, offset: baseOffset + index });
    }
    this.deadLetters += summary.bad.length;
    this.lateEvents += summary.late.length;
    if (this.letters.length > 1000) this.letters = [];
  }

  /** Everything a placement must agree on with the others. */
  fingerprint(): string {
    const positions = [...this.positions].sort((x, y) => x[0] - y[0]);
    return JSON.stringify({ wm: this.watermark(), positions, dlq: this.deadLetters, late: this.lateEvents });
  }
}

// ---------------------------------------------------------------------------------------------
// credit, as src/actors/worker-stage.ts keeps it

class CreditGate {
  private available: number;
  private readonly waiters: Array<{ n: number; resolve: () => void }> = [];

  constructor(private readonly capacity: number) {
    this.available = capacity;
  }

  /** Resolves once `n` fits (a request larger than the whole inbox goes alone once it is empty). */
  reserve(n: number): Promise<void> | undefined {
    if (this.waiters.length === 0 && this.fits(n)) {
      this.available -= n;
      return undefined;
    }
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  release(n: number): void {
    this.available += n;
    while (this.waiters.length > 0) {
      const w = this.waiters[0] as { n: number; resolve: () => void };
      if (!this.fits(w.n)) break;
      this.available -= w.n;
      this.waiters.shift();
      w.resolve();
    }
    if (this.available === this.capacity) for (const r of this.idleWaiters.splice(0)) r();
  }

  private readonly idleWaiters: Array<() => void> = [];
  /** Resolves once every credit is back: everything sent was processed. */
  idle(): Promise<void> {
    if (this.available === this.capacity) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private fits(n: number): boolean {
    return this.available >= n || this.available === this.capacity;
  }
}

// ---------------------------------------------------------------------------------------------
// window workers

interface WorkerReport {
  events: number;
  keys: number;
  checksum: number;
  timestampSum: number;
  foreignKeys: number;
  cpuNs: number;
}

class WindowWorkers {
  readonly workers: Worker[] = [];
  readonly gates: CreditGate[] = [];
  /** seq -> what a message to a worker holds back: its worker, credit, and acks still due. */
  private readonly pending = new Map<number, { worker: number; credit: number; due: number; ownDone: boolean; batch?: SourceBatch }>();
  private replies: Array<((m: FromWindowWorker) => void) | undefined> = [];
  onRawSummary: ((batch: SourceBatch, summary: BatchSummary) => void) | undefined;

  constructor(
    readonly n: number,
    private readonly inboxEvents: number,
    withPeers: boolean,
  ) {
    const peers: Array<Array<MessagePort | undefined>> = Array.from({ length: n }, () => Array.from({ length: n }, () => undefined));
    if (withPeers) {
      for (let i = 0; i < n; i++)
        for (let j = i + 1; j < n; j++) {
          const { port1, port2 } = new MessageChannel();
          (peers[i] as Array<MessagePort | undefined>)[j] = port1;
          (peers[j] as Array<MessagePort | undefined>)[i] = port2;
        }
    }
    for (let i = 0; i < n; i++) {
      const mine = peers[i] as Array<MessagePort | undefined>;
      const init: WindowWorkerInit = { index: i, workers: n, peers: mine, windowMs: WINDOW_MS, allowedLatenessMs: ALLOWED_LATENESS_MS };
      const worker = new Worker(WORKER_JS, { workerData: init, transferList: mine.filter((p): p is MessagePort => p !== undefined) });
      worker.on('error', (err) => {
        process.stderr.write(`window worker ${i} failed: ${err.stack ?? err.message}\n`);
        process.exit(1);
      });
      worker.on('message', (m: FromWindowWorker) => this.onMessage(i, m));
      this.workers.push(worker);
      this.gates.push(new CreditGate(inboxEvents));
    }
  }

  async ready(): Promise<void> {
    await Promise.all(this.workers.map((_, i) => this.next(i, 'ready')));
  }

  /** Post a message that holds `credit` until acknowledged (reserve first). */
  post(worker: number, seq: number, credit: number, message: ToWindowWorker, transfer?: ArrayBuffer[], batch?: SourceBatch): void {
    const entry: { worker: number; credit: number; due: number; ownDone: boolean; batch?: SourceBatch } = { worker, credit, due: 0, ownDone: false };
    if (batch) entry.batch = batch;
    this.pending.set(seq, entry);
    (this.workers[worker] as Worker).postMessage(message, transfer);
  }

  async idle(): Promise<void> {
    await Promise.all(this.gates.map((g) => g.idle()));
  }

  async reset(): Promise<void> {
    await Promise.all(
      this.workers.map((w, i) => {
        const done = this.next(i, 'reset');
        w.postMessage({ t: 'reset' } satisfies ToWindowWorker);
        return done;
      }),
    );
  }

  async report(): Promise<WorkerReport[]> {
    return Promise.all(
      this.workers.map((w, i) => {
        const done = this.next(i, 'report') as Promise<Extract<FromWindowWorker, { t: 'report' }>>;
        w.postMessage({ t: 'report' } satisfies ToWindowWorker);
        return done;
      }),
    );
  }

  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private next(i: number, t: FromWindowWorker['t']): Promise<FromWindowWorker> {
    return new Promise((resolve) => {
      this.replies[i] = (m) => {
        if (m.t !== t) return;
        this.replies[i] = undefined;
        resolve(m);
      };
    });
  }

  private onMessage(i: number, m: FromWindowWorker): void {
    switch (m.t) {
      case 'ack':
        this.settle(m.seq, true, 0);
        return;
      case 'rawAck': {
        const entry = this.pending.get(m.seq);
        if (entry?.batch) this.onRawSummary?.(entry.batch, m.summary);
        this.settle(m.seq, true, m.forwards);
        return;
      }
      case 'fwdAck':
        this.settle(m.seq, false, -1);
        return;
      default:
        this.replies[i]?.(m);
    }
  }

  /** A message is done once its own ack came and every forwarded part was acknowledged. */
  private settle(seq: number, own: boolean, due: number): void {
    const entry = this.pending.get(seq);
    if (!entry) throw new Error(`ack for unknown seq ${seq}`);
    entry.due += due;
    if (own) entry.ownDone = true;
    if (entry.ownDone && entry.due === 0) {
      this.pending.delete(seq);
      (this.gates[entry.worker] as CreditGate).release(entry.credit);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// placements: each pushes batches through and resolves once everything was counted

interface Runner {
  /** Push these batches through; resolve once every event was counted downstream. */
  pass(batches: readonly SourceBatch[], book: Bookkeeping): Promise<void>;
  /** Reset counts between the warm-up and the timed pass; report counts and worker CPU. */
  reset(): Promise<void>;
  report(): Promise<WorkerReport[]>;
  close(): Promise<void>;
}

let seq = 0;

function contextFor(book: Bookkeeping, table: Uint16Array) {
  return { nowMs: Date.now(), watermarkBefore: book.watermark(), windowMs: WINDOW_MS, allowedLatenessMs: ALLOWED_LATENESS_MS, table };
}

function mainOnly(workers: number): Runner {
  const table = assignmentTable(workers);
  const counters = Array.from({ length: workers }, () => new KeyCounter());
  return {
    async pass(batches, book) {
      for (const batch of batches) {
        const parser = new BatchParser(contextFor(book, table), (owner, key, eventType, timestamp) => (counters[owner] as KeyCounter).add(key, eventType, timestamp));
        for (let i = 0; i < batch.values.length; i++) parser.add(i, batch.values[i] as Buffer);
        book.apply(batch, parser.summary());
      }
    },
    async reset() {
      for (const c of counters) c.reset();
    },
    async report() {
      return counters.map((c) => ({ events: c.events, keys: c.counts.size, checksum: c.checksum(), timestampSum: c.timestampSum, foreignKeys: 0, cpuNs: 0 }));
    },
    async close() {},
  };
}

/** a / a2: parse on the main thread, then objects (structured clone) or columns to the owners. */
async function parseOnMain(workers: number, inboxEvents: number, shape: 'events' | 'columns'): Promise<Runner> {
  const ww = new WindowWorkers(workers, inboxEvents, false);
  await ww.ready();
  const table = assignmentTable(workers);
  return {
    async pass(batches, book) {
      for (const batch of batches) {
        const byWorker: BenchKeyedEvent[][] = [];
        const builders: ColumnsBuilder[] = [];
        for (let w = 0; w < workers; w++) {
          if (shape === 'events') byWorker.push([]);
          else builders.push(new ColumnsBuilder());
        }
        const route =
          shape === 'events'
            ? (owner: number, key: string, eventType: string, timestamp: number) =>
                (byWorker[owner] as BenchKeyedEvent[]).push({ key, timestamp, event: { userId: key, eventType, timestamp }, replay: false })
            : (owner: number, key: string, eventType: string, timestamp: number) => (builders[owner] as ColumnsBuilder).push(key, eventType, timestamp);
        const parser = new BatchParser(contextFor(book, table), route);
        for (let i = 0; i < batch.values.length; i++) parser.add(i, batch.values[i] as Buffer);
        book.apply(batch, parser.summary());
        for (let w = 0; w < workers; w++) {
          const n = shape === 'events' ? (byWorker[w] as BenchKeyedEvent[]).length : (builders[w] as ColumnsBuilder).size;
          if (n === 0) continue;
          await (ww.gates[w] as CreditGate).reserve(n);
          const s = ++seq;
          if (shape === 'events') ww.post(w, s, n, { t: 'events', seq: s, events: byWorker[w] as BenchKeyedEvent[] });
          else {
            const columns = (builders[w] as ColumnsBuilder).finish();
            ww.post(w, s, n, { t: 'columns', seq: s, columns }, [columns.buffer]);
          }
        }
      }
      await ww.idle();
    },
    reset: () => ww.reset(),
    report: () => ww.report(),
    close: () => ww.terminate(),
  };
}

/** b: a piscina pool parses packed raw batches; main does the bookkeeping and forwards columns. */
async function parsePool(workers: number, inboxEvents: number, poolThreads: number, inFlight: number): Promise<Runner> {
  const ww = new WindowWorkers(workers, inboxEvents, false);
  await ww.ready();
  const pool = new Piscina<ParseTask, ParseTaskResult>({
    filename: POOL_JS,
    minThreads: poolThreads,
    maxThreads: poolThreads,
    idleTimeout: 60_000,
    concurrentTasksPerWorker: 1,
  });
  const limit = inFlight > 0 ? inFlight : 2 * poolThreads;
  const forward = async (batch: SourceBatch, result: ParseTaskResult, book: Bookkeeping) => {
    book.apply(batch, result.summary);
    for (let w = 0; w < workers; w++) {
      const columns = result.columns[w] as Columns | null;
      if (!columns) continue;
      await (ww.gates[w] as CreditGate).reserve(columns.n);
      const s = ++seq;
      ww.post(w, s, columns.n, { t: 'columns', seq: s, columns }, [columns.buffer]);
    }
  };
  return {
    async pass(batches, book) {
      // Results are handled in the order the batches came (watermarks and offsets need it).
      const queue: Array<{ batch: SourceBatch; result: Promise<ParseTaskResult> }> = [];
      for (const batch of batches) {
        if (queue.length >= limit) {
          const head = queue.shift() as { batch: SourceBatch; result: Promise<ParseTaskResult> };
          await forward(head.batch, await head.result, book);
        }
        const raw = packRaw(batch.values);
        const task: ParseTask = { raw, nowMs: Date.now(), watermarkBefore: book.watermark(), windowMs: WINDOW_MS, allowedLatenessMs: ALLOWED_LATENESS_MS, workers };
        queue.push({ batch, result: pool.run(task, { transferList: [raw] }) });
      }
      for (const head of queue) await forward(head.batch, await head.result, book);
      await ww.idle();
    },
    reset: () => ww.reset(),
    report: () => ww.report(),
    async close() {
      await Promise.all([pool.destroy(), ww.terminate()]);
    },
  };
}

/** c: packed raw batches round-robin to the window workers, which parse and forward among themselves. */
async function parseInWorkers(workers: number, inboxEvents: number): Promise<Runner> {
  const ww = new WindowWorkers(workers, inboxEvents, true);
  await ww.ready();
  let book: Bookkeeping | undefined;
  // Summaries come back per worker in order, but two workers' may interleave: the bookkeeping is
  // order-independent within the in-flight window (max, min, counts), as the pipeline's would be.
  ww.onRawSummary = (batch, summary) => book?.apply(batch, summary);
  let next = 0;
  return {
    async pass(batches, b) {
      book = b;
      for (const batch of batches) {
        const w = next++ % workers;
        const n = batch.values.length;
        await (ww.gates[w] as CreditGate).reserve(n);
        const raw = packRaw(batch.values);
        const s = ++seq;
        ww.post(w, s, n, { t: 'raw', seq: s, raw, nowMs: Date.now(), watermarkBefore: b.watermark() }, [raw], batch);
      }
      await ww.idle();
    },
    reset: () => ww.reset(),
    report: () => ww.report(),
    close: () => ww.terminate(),
  };
}

// ---------------------------------------------------------------------------------------------
// runs

interface RunResult {
  placement: Placement;
  /** The rest of the machine was busy during the run, even after the retries. */
  perturbed: boolean;
  workers: number;
  poolThreads: number | undefined;
  run: number;
  wallS: number;
  mainCpuS: number;
  mainElu: number;
  windowWorkersCpuS: number;
  processCpuS: number;
  otherMachineCpuS: number;
  ok: boolean;
  problems: string[];
  fingerprint: string;
}

async function runOnce(data: Data, o: Options, placement: Placement, workers: number, poolThreads: number, run: number): Promise<RunResult> {
  const runner =
    placement === 'main'
      ? mainOnly(workers)
      : placement === 'a'
        ? await parseOnMain(workers, o.inboxEvents, 'events')
        : placement === 'a2'
          ? await parseOnMain(workers, o.inboxEvents, 'columns')
          : placement === 'b'
            ? await parsePool(workers, o.inboxEvents, poolThreads, o.poolInFlight)
            : await parseInWorkers(workers, o.inboxEvents);
  try {
    // Warm-up: fresh threads and JIT, not timed, then counts start from zero.
    let warm = 0;
    const warmBatches: SourceBatch[] = [];
    for (const b of data.batches) {
      if (warm >= o.warmup) break;
      warmBatches.push(b);
      warm += b.values.length;
    }
    if (warmBatches.length > 0) await runner.pass(warmBatches, new Bookkeeping(o.partitions));
    await runner.reset();
    const before = await runner.report();
    global.gc?.();

    const book = new Bookkeeping(o.partitions);
    const busy0 = machineBusySeconds();
    const proc0 = process.cpuUsage();
    const main0 = threadCpuNs();
    const elu0 = performance.eventLoopUtilization();
    const t0 = performance.now();
    await runner.pass(data.batches, book);
    const wallS = (performance.now() - t0) / 1000;
    const mainCpuS = (threadCpuNs() - main0) / 1e9;
    const elu = performance.eventLoopUtilization(elu0);
    const procUsage = process.cpuUsage(proc0);
    const busy = machineBusySeconds() - busy0;
    const after = await runner.report();

    const processCpuS = (procUsage.user + procUsage.system) / 1e6;
    const windowWorkersCpuS = placement === 'main' ? 0 : after.reduce((s, r, i) => s + (r.cpuNs - (before[i]?.cpuNs ?? 0)) / 1e9, 0);
    const problems: string[] = [];
    const events = after.reduce((s, r) => s + r.events, 0);
    if (events !== data.valid) problems.push(`counted ${events} events, expected ${data.valid}`);
    if (book.deadLetters !== data.bad) problems.push(`${book.deadLetters} dead letters, expected ${data.bad}`);
    const foreign = after.reduce((s, r) => s + r.foreignKeys, 0);
    if (foreign > 0) problems.push(`${foreign} keys counted by a worker that does not own them`);
    const checksum = after.reduce((s, r) => (s + r.checksum) >>> 0, 0);
    const tsSum = after.reduce((s, r) => (s + r.timestampSum) % 2_147_483_647, 0);
    const keys = after.reduce((s, r) => s + r.keys, 0);
    return {
      placement,
      workers,
      poolThreads: placement === 'b' ? poolThreads : undefined,
      run,
      wallS,
      mainCpuS,
      // utilization over the timed pass: the share of wall time the event loop was busy
      mainElu: elu.utilization,
      windowWorkersCpuS,
      processCpuS,
      otherMachineCpuS: Math.max(0, busy - processCpuS),
      ok: problems.length === 0,
      perturbed: false,
      problems,
      fingerprint: `${book.fingerprint()} keys=${keys} checksum=${checksum} ts=${tsSum}`,
    };
  } finally {
    await runner.close();
  }
}

function median(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
}

function table(rows: string[][], leftColumns = 1): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows
    .map((r, i) => r.map((cell, c) => (c < leftColumns ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ') + (i === 0 ? '\n' + widths.map((w) => '-'.repeat(w)).join('  ') : ''))
    .join('\n');
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const cpu = cpus();
  process.stdout.write(
    `machine: ${cpu.length} logical CPUs (availableParallelism ${availableParallelism()}), ${cpu[0]?.model ?? '?'}; node ${process.version}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );
  const genStart = performance.now();
  const data = generate(o);
  process.stdout.write(
    `data: ${data.records.toLocaleString('en-US')} records (${data.valid.toLocaleString('en-US')} valid + ${data.bad.toLocaleString('en-US')} bad), ${o.users.toLocaleString('en-US')} users, ` +
      `${(data.bytes / data.records).toFixed(0)} B/value avg, ${data.batches.length.toLocaleString('en-US')} batches of <= ${o.batch} from ${o.partitions} partitions ` +
      `(generated in ${((performance.now() - genStart) / 1000).toFixed(1)} s); credit ${o.inboxEvents.toLocaleString('en-US')} events per window worker; warm-up ${o.warmup.toLocaleString('en-US')} events per run; ${o.runs} timed runs per placement\n`,
  );
  for (const p of o.placements) process.stdout.write(`  ${p.padEnd(4)} ${PLACEMENTS[p]}\n`);

  const configs: Array<{ placement: Placement; workers: number; poolThreads: number }> = [];
  for (const workers of o.workers)
    for (const placement of o.placements) {
      if (placement === 'b') for (const poolThreads of o.poolThreads) configs.push({ placement, workers, poolThreads });
      else configs.push({ placement, workers, poolThreads: 0 });
    }
  const label = (c: { placement: Placement; workers: number; poolThreads: number | undefined }) =>
    `${c.placement}${c.placement === 'b' ? ` pool ${c.poolThreads}` : ''}${c.placement === 'main' ? '' : ` w${c.workers}`}`;

  const results: RunResult[] = [];
  let rerun = 0;
  for (let run = 1; run <= o.runs; run++) {
    // Rotate the order so drift (thermal, other people's tests) does not favour one placement.
    const shift = (run - 1) % configs.length;
    for (const c of [...configs.slice(shift), ...configs.slice(0, shift)]) {
      let r: RunResult | undefined;
      for (let attempt = 0; attempt <= o.retries; attempt++) {
        if (o.quietCores > 0) {
          // Services count here: idle they use little, and when someone else's test drives them they compete with this bench.
          const q = await waitForQuiet({ exclude: [process.pid], maxCores: o.quietCores });
          if (q.waitedS > 5) process.stderr.write(`  (waited ${q.waitedS.toFixed(0)} s for a quiet machine: ${q.cores.toFixed(2)} other cores${q.quiet ? '' : ', gave up'})\n`);
        }
        r = await runOnce(data, o, c.placement, c.workers, c.poolThreads, run);
        const otherCores = r.otherMachineCpuS / r.wallS;
        r.perturbed = otherCores > o.maxOtherCores;
        process.stderr.write(
          `run ${run}/${o.runs} ${label(c).padEnd(12)} ${Math.round(data.records / r.wallS)
            .toLocaleString('en-US')
            .padStart(10)} events/s, main ${((r.mainCpuS / data.records) * 1e9).toFixed(0)} ns/event, other CPU ${r.otherMachineCpuS.toFixed(1)} s (${otherCores.toFixed(2)} cores)` +
            `${r.ok ? '' : ` FAILED: ${r.problems.join('; ')}`}${r.perturbed ? (attempt < o.retries ? ': perturbed, again' : ': perturbed, kept (marked)') : ''}\n`,
        );
        if (!r.perturbed) break;
        rerun++;
      }
      results.push(r as RunResult);
    }
  }

  // Every run must have produced the same counts, checksums, watermark, offsets and dead letters.
  const fingerprints = new Set(results.map((r) => r.fingerprint));
  const agree = fingerprints.size === 1;

  const per = (r: RunResult, s: number) => ((s / data.records) * 1e9).toFixed(0);
  const header = ['placement', 'workers', 'pool', 'run', 'wall s', 'events/s', 'x main-only', 'main CPU ns/ev', 'main ELU', 'window wkrs CPU ns/ev', 'process CPU ns/ev', 'other thr CPU ns/ev', 'other machine CPU s'];
  const rowOf = (r: RunResult, run: string, ref: number | undefined) => [
    r.placement,
    r.placement === 'main' ? '-' : String(r.workers),
    r.poolThreads === undefined ? '-' : String(r.poolThreads),
    run,
    r.wallS.toFixed(2),
    Math.round(data.records / r.wallS).toLocaleString('en-US'),
    ref ? (ref / r.wallS).toFixed(2) : '-',
    per(r, r.mainCpuS),
    r.mainElu.toFixed(2),
    per(r, r.windowWorkersCpuS),
    per(r, r.processCpuS),
    per(r, Math.max(0, r.processCpuS - r.mainCpuS - r.windowWorkersCpuS)),
    r.otherMachineCpuS.toFixed(1),
  ];
  const medians: RunResult[] = [];
  for (const c of configs) {
    const rs = results.filter((r) => r.placement === c.placement && r.workers === c.workers && (c.placement !== 'b' || r.poolThreads === c.poolThreads));
    const first = rs[0];
    if (!first) continue;
    medians.push({
      ...first,
      run: 0,
      wallS: median(rs.map((r) => r.wallS)),
      mainCpuS: median(rs.map((r) => r.mainCpuS)),
      mainElu: median(rs.map((r) => r.mainElu)),
      windowWorkersCpuS: median(rs.map((r) => r.windowWorkersCpuS)),
      processCpuS: median(rs.map((r) => r.processCpuS)),
      otherMachineCpuS: median(rs.map((r) => r.otherMachineCpuS)),
      ok: rs.every((r) => r.ok),
    });
  }
  const refS = medians.find((m) => m.placement === 'main')?.wallS;
  const out: string[] = ['', '== every run ==', table([header, ...results.map((r) => rowOf(r, `${r.run}${r.ok ? '' : ' FAIL'}${r.perturbed ? ' perturbed' : ''}`, refS))]), ''];
  out.push(`${rerun} run(s) were repeated because the rest of the machine used more than ${o.maxOtherCores} cores meanwhile.`, '');
  out.push(`== medians of ${o.runs} runs ==`, table([header, ...medians.map((m) => rowOf(m, m.ok ? 'median' : 'median FAIL', refS))]), '');
  out.push(
    'events/s  = every record (valid + bad) through parse + validate + bookkeeping + routing + counting, timed from the first batch to the',
    '            last credit returned (everything counted); x main-only = over the single-thread reference.',
    'main CPU  = CPU of the main thread per record (schedstat of the thread): what competes with kafkajs fetch + decode in the daemon.',
    'main ELU  = event-loop utilisation of the main thread over the timed pass.',
    'window wkrs CPU = the window workers\' threads together (each reads its own schedstat); other thr = process CPU - main - window workers:',
    '            the piscina threads (b) plus V8 GC/compiler threads. other machine CPU = busy CPU of the machine not used by this process',
    '            (someone else\'s tests, Kafka, ES): above ~1 s a run was perturbed.',
    agree
      ? `every run agreed: same counts per key (checksum), timestamps, dead letters, watermark and committable offsets (${[...fingerprints][0]})`
      : `RUNS DISAGREE:\n${results.map((r) => `  ${label(r)} #${r.run}: ${r.fingerprint}`).join('\n')}`,
  );
  process.stdout.write(out.join('\n') + '\n');
  if (!agree || results.some((r) => !r.ok)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`parse-placement failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
