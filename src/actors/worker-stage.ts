/**
 * The keyed stage on worker threads: routes each event to the worker owning its key group and
 * keeps every worker's inbox bounded with credits.
 *
 * Credit path: `process` reserves credit (events and bytes) on each worker before posting; a worker
 * returns the credit with the step's results, and the credit is released only after those results
 * were handed to the sinks. So a slow sink holds credit back, `process` waits, the pipeline's batch
 * waits, and the Kafka consumer stops taking records (while heartbeating). Nothing here buffers
 * without bound: each worker's results run through an RxJS `concatMap` whose queue is bounded by the
 * credit the worker could have received.
 */
import { systemClock, systemScheduler, type Cancel, type Clock, type Scheduler } from '../clock.js';
import type { Worker } from 'node:worker_threads';
import { Subject, concatMap, type Subscription } from '../streams/rx.js';
import { deserializeError, ErrorCode, SluiceError } from '../errors.js';
import type {
  KeyedStage,
  KeyedStep,
  LateCandidatesCallback,
  PrintedResultsCallback,
  ResultsCallback,
} from '../streams/operators/keyed-stage.js';
import { discardPrestarted } from '../supervision/thread-prestart.js';
import { ThreadSupervisor } from '../supervision/thread-supervisor.js';
import type { Logger } from '../telemetry/logging.js';
import { KEY_GROUPS, keyGroupsOfWorker, keyOwner } from './key-groups.js';
import type { MetricsSnapshot } from '../telemetry/metrics.js';
import type { Credit, FromWorker, SavepointImport, StepToWorker, ToWorker, WorkerInit } from './protocol.js';
import { encodeSteps, windowInputOf, type EncodedStep } from './step-codec.js';
import { parseForOwners, type PackedValues, type ParsedBatch } from './batch-parse.js';
import { windowWorkerFile } from './window-worker-file.js';
import { loadThreadJob } from '../job/registry.js';
import type { JobDefinition, JobSource } from '../job/job.js';
import type { WindowSpec } from '../streams/operators/window-assigners.js';
import type { WindowInput } from '../job/window-input.js';
import type { SavepointFile } from '../state/savepoints/savepoint-format.js';
import type { WorkerQuery, WorkerQueryReply } from '../query/query-types.js';

/**
 * `parseBatch` parses on the main thread (when it prints only stdout's text: `printResults`) once
 * every parsing worker has this many batches waiting for their parse: the workers are behind, and
 * the main thread would otherwise wait for them (with the results printed on the workers, it idled
 * half of a one-worker run while the worker was the slowest thread: docs/decisions/0034).
 */
export const PARSE_HERE_WHEN_QUEUED = 2;

/**
 * How many of `workers` window workers parse batches (the first ones) when the main thread may
 * parse too (`printResults`): all but one, and at least one. The main thread parses when they are
 * behind (`PARSE_HERE_WHEN_QUEUED`), so as many threads as there are workers can still parse, and
 * one isolate fewer warms the parser up (TurboFan compiles it in each; decision 0032). Two workers
 * on two cores, 6 interleaved pairs: 3.31 against 3.49 s, CPU 5.31 against 5.69 s (decision 0034).
 */
export function parsingWorkers(workers: number): number {
  return Math.max(1, workers - 1);
}

/** Steps holding this many events are posted at once rather than at the end of the turn (`postStep`). */
export const POST_AT_EVENTS = 1_000;

export interface WorkerStageOptions<OUT> {
  workers: number;
  /** The job's name: built-in jobs are found by it in every thread (registry.ts). */
  job: string;
  /** How the workers load a job that is not built in (a job file, a module). */
  jobSource?: JobSource;
  /** `assigner`: which windows (tumbling `sizeMs` when absent). */
  windows: { sizeMs: number; allowedLatenessMs: number; stateTtlMs?: number; assigner?: WindowSpec };
  /** Each worker's state lives in `${stateDir}/windows/worker-<n>`. */
  stateDir: string;
  /** Writes each worker buffers before committing them (LmdbWindowStore.endStep); default 1. */
  writeBufferEntries?: number;
  /** Committed entries each worker keeps decoded in memory (LmdbWindowStore's cacheEntries); default 0. */
  cacheEntries?: number;
  /** Inbox bound of each worker. */
  inbox: Credit;
  /** Heap limit of each worker thread (MiB); exceeding it is a worker failure, not a daemon crash. */
  maxHeapMb?: number;
  /** Where results go; or later, through `bindResults`. */
  onResults?: ResultsCallback<OUT>;
  /** Where what became of late candidates goes (session windows); or later, through `bindLate`. */
  onLate?: LateCandidatesCallback;
  /** Called once when a worker fails; the stage rejects everything pending with the same error. */
  onFailure: (err: SluiceError) => void;
  /** Receives each worker's metrics every `metricsIntervalMs` (e.g. SluiceMetrics.mergeThread). */
  onMetrics?: (thread: string, snapshot: MetricsSnapshot) => void;
  metricsIntervalMs?: number;
  /** Restore every worker's state to this checkpoint; undefined: start from empty state. */
  restoreTo?: number;
  /** Start from a savepoint instead: each worker imports the files of the key groups it owns now. */
  importSavepoint?: SavepointImport;
  /**
   * A worker acknowledged barrier `id`. Called from the worker's reply stream, so every result the
   * worker emitted before its ack was handed to `onResults` first.
   */
  onBarrierAck?: (workerIndex: number, id: number, changed: number, savepointFiles?: SavepointFile[]) => void;
  onBarrierDeclined?: (workerIndex: number, id: number, err: SluiceError) => void;
  /** Time (default: the system's): restore times, the metrics interval, the stop bound. */
  clock?: Clock;
  scheduler?: Scheduler;
  /** Test only: each worker thread exits after this many steps (crash a worker on purpose). */
  exitAfterSteps?: number;
  /** SLUICE_MAX_RECORD_BYTES, for the job's parse on the workers (`parseBatch`). */
  maxRecordBytes?: number;
  /**
   * The workers print their results as stdout's lines and hand them to `bindPrinted`'s callback,
   * not to `onResults` (stdout is the only sink, and no trace needs the results' windows).
   */
  printResults?: boolean;
  logger: Logger;
}

interface WorkerHandle {
  index: number;
  worker: Worker;
  available: Credit;
  /** Each returns true once it took its credit. */
  creditWaiters: Array<() => boolean>;
  replies: Subject<FromWorker>;
  subscription: Subscription;
  drainWaiters: Map<number, () => void>;
  openWindows: number;
  /** watermarkAfter of each step posted and not yet fully answered, in order. */
  pendingWatermarks: number[];
  /** The watermark of the last step whose results were all handed over. */
  handedOver: number;
  /** Barriers this worker passed (acked or declined): the epoch of the results it sends next. */
  barriersPassed: number;
  /** Live queries waiting for this worker's `query-result`, by seq. */
  queries: Map<number, PendingQuery>;
  /** Steps made but not posted yet (`postStep`), and the buffers they transfer. */
  outbox: StepToWorker[];
  outboxTransfer: ArrayBuffer[];
  outboxEvents: number;
  /** Batches this worker is parsing (`parseBatch`), by seq, and how many records they hold. */
  parses: Map<number, { records: number; resolve: (parsed: ParsedBatch) => void }>;
  parsing: number;
}

interface PendingQuery {
  resolve: (reply: WorkerQueryReply) => void;
  reject: (err: SluiceError) => void;
  timer: NodeJS.Timeout;
}

export class WorkerKeyedStage<IN, OUT> implements KeyedStage<IN> {
  private readonly supervisor: ThreadSupervisor;
  private readonly handles: Array<WorkerHandle> = [];
  private seq = 0;
  /** Batches `parseBatch` parsed on this thread because every worker was behind. */
  parsedHere = 0;
  /** Which worker `parseBatch` looks at first (round the workers). */
  private parseTurn = 0;
  /** A post of the workers' outboxes is due at the end of this turn of the event loop. */
  private outboxScheduled = false;
  private failure: SluiceError | undefined;
  private cancelMetrics: Cancel | undefined;
  private readonly failureWaiters = new Set<(err: SluiceError) => void>();
  private importedEntries = 0;
  /** Set by stop(): live queries are refused from then on. */
  private stopping = false;
  /** What the job's aggregate reads of an event: all a step message carries of it. */
  private input: WindowInput<IN, unknown> | undefined;
  /** The job as the workers load it (the same parse options): for batches parsed here (`parseBatch`). */
  private parser: JobDefinition<IN, unknown, unknown> | undefined;
  private readonly ownerOf: (key: string) => number;

  private onResults: ResultsCallback<OUT>;
  private onPrinted: PrintedResultsCallback = async () => {
    throw new SluiceError(ErrorCode.INTERNAL, 'printed results before bindPrinted()');
  };
  private readonly clock: Clock;
  private readonly scheduler: Scheduler;
  private onLate: LateCandidatesCallback | undefined;
  private restore: { restoreTo?: number; importSavepoint?: SavepointImport };

  constructor(private readonly options: WorkerStageOptions<OUT>) {
    this.clock = options.clock ?? systemClock;
    this.scheduler = options.scheduler ?? systemScheduler;
    this.onResults =
      options.onResults ??
      (async () => {
        throw new SluiceError(ErrorCode.INTERNAL, 'window results before bindResults()');
      });
    this.onLate = options.onLate;
    this.restore = {
      ...(options.restoreTo === undefined ? {} : { restoreTo: options.restoreTo }),
      ...(options.importSavepoint ? { importSavepoint: options.importSavepoint } : {}),
    };
    this.ownerOf = keyOwner(options.workers);
    this.supervisor = new ThreadSupervisor(options.logger, (err) => this.fail(err));
  }

  /**
   * Start the worker threads now, before the restore is decided: their start-up (modules, LMDB)
   * overlaps the main thread's. `start()` later tells them what to restore. Idempotent.
   */
  spawn(): void {
    if (this.handles.length > 0) return;
    const { workers } = this.options;
    for (let index = 0; index < workers; index++) {
      const init: WorkerInit = {
        workerIndex: index,
        workers,
        keyGroups: keyGroupsOfWorker(index, workers),
        job: this.options.job,
        ...(this.options.jobSource ? { jobSource: this.options.jobSource } : {}),
        windows: this.options.windows,
        statePath: `${this.options.stateDir}/windows/worker-${index}`,
        ...(this.options.writeBufferEntries === undefined ? {} : { writeBufferEntries: this.options.writeBufferEntries }),
        ...(this.options.cacheEntries === undefined ? {} : { cacheEntries: this.options.cacheEntries }),
        ...(this.options.exitAfterSteps === undefined ? {} : { exitAfterSteps: this.options.exitAfterSteps }),
        ...(this.options.maxRecordBytes === undefined ? {} : { maxRecordBytes: this.options.maxRecordBytes }),
        ...(this.options.printResults ? { printResults: true } : {}),
      };
      const worker = this.supervisor.start({
        id: `window-worker-${index}`,
        file: windowWorkerFile(),
        workerData: init,
        ...(this.options.maxHeapMb ? { resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb } } : {}),
      });
      this.handles.push(this.attach(index, worker));
    }
    // Threads cli.ts prestarted that these settings did not ask for.
    discardPrestarted();
  }

  /** Where results go (when the stage was built before the pipeline that consumes them). */
  bindResults(onResults: ResultsCallback<OUT>): void {
    this.onResults = onResults;
  }

  /** Where results the workers printed go (`printResults`). */
  bindPrinted(onPrinted: PrintedResultsCallback): void {
    this.onPrinted = onPrinted;
  }

  /** Where what became of late candidates goes (session windows). */
  bindLate(onLate: LateCandidatesCallback): void {
    this.onLate = onLate;
  }

  /** What to restore (when decided after the stage was built and spawned). */
  setRestore(restore: { restoreTo?: number; importSavepoint?: SavepointImport }): void {
    this.restore = restore;
  }

  async start(): Promise<void> {
    this.spawn();
    const { workers } = this.options;
    const ready: Array<Promise<void>> = [];
    for (const handle of this.handles) {
      const { worker, index } = handle;
      const keyGroups = keyGroupsOfWorker(index, workers);
      const fromSavepoint = this.restore.importSavepoint;
      ready.push(
        this.untilFailure(
          new Promise<void>((resolve) => {
            const onReady = (m: FromWorker) => {
              if (m.type === 'ready') {
                worker.off('message', onReady);
                this.importedEntries += m.imported ?? 0;
                resolve();
              }
            };
            worker.on('message', onReady);
          }),
        ),
      );
      this.post(handle, {
        type: 'restore',
        nowMs: this.clock.now(),
        ...(this.restore.restoreTo === undefined ? {} : { restoreTo: this.restore.restoreTo }),
        // Rescaling: whatever the worker count was when it was taken, each worker gets the files
        // of the key groups it owns now.
        ...(fromSavepoint
          ? { importSavepoint: { ...fromSavepoint, files: fromSavepoint.files.filter((f) => keyGroups.includes(f.keyGroup)) } }
          : {}),
      });
    }
    await Promise.all(ready);
    // After the workers: an unknown job fails as a worker that cannot start (the workers know jobs by name too).
    const job = await loadThreadJob(this.options.job, this.options.jobSource, this.options.maxRecordBytes);
    this.input = windowInputOf(job as { windowInput?: WindowInput<IN, unknown> });
    this.parser = job as JobDefinition<IN, unknown, unknown>;
    if (this.options.onMetrics) {
      const every = this.options.metricsIntervalMs ?? 5_000;
      const ask = () => {
        if (this.failure) return;
        for (const handle of this.handles) this.post(handle, { type: 'metrics', seq: ++this.seq });
        this.cancelMetrics = this.scheduler.schedule(every, ask);
      };
      this.cancelMetrics = this.scheduler.schedule(every, ask);
    }
    this.options.logger.info(
      {
        workers,
        keyGroups: KEY_GROUPS,
        // Started by cli.ts before the modules loaded (thread-prestart.ts): the rest started here.
        prestarted: this.supervisor.adoptedThreads,
        ...(this.options.importSavepoint ? { importedEntries: this.importedEntries } : {}),
      },
      'window workers ready',
    );
  }

  async process(step: KeyedStep<IN>): Promise<void> {
    this.throwIfFailed();
    if (!this.input) throw new SluiceError(ErrorCode.INTERNAL, 'process() before start()');
    const shares = encodeSteps(step.events, this.handles.length, this.ownerOf, this.input);
    await this.postShares(shares, step.watermarkBefore, step.watermarkAfter, step.nowMs);
  }

  /**
   * Parse a source batch's values on the worker with the fewest records being parsed
   * (batch-parse.ts). Nothing is applied: the caller forwards the shares with `processParsed`, in
   * batch order. Rejects if a worker fails meanwhile.
   */
  parseBatch(packed: PackedValues, nowMs: number): Promise<ParsedBatch> {
    this.throwIfFailed();
    // Among the parsing workers, the fewest records being parsed; ties go round them, so none
    // parses more than its share.
    const n = this.handles.length;
    // The main thread helps only when it prints no more than stdout's text: with Elasticsearch or
    // Redis it feeds their sinks, and a parse there slowed the run (docs/decisions/0034).
    const mainParses = this.options.printResults === true;
    const m = mainParses ? parsingWorkers(n) : n;
    const from = this.parseTurn++ % m;
    let handle = this.handles[from] as WorkerHandle;
    for (let k = 1; k < m; k++) {
      const h = this.handles[(from + k) % m] as WorkerHandle;
      if (h.parsing < handle.parsing) handle = h;
    }
    // Every parsing worker is behind: parse here (the same function the workers run, so the same result).
    if (mainParses && this.parser && this.input && this.parsingWorkersBehind(m)) {
      this.parsedHere++;
      return Promise.resolve(parseForOwners(this.parser, packed, nowMs, n, this.ownerOf, this.input).parsed);
    }
    const seq = ++this.seq;
    const target = handle;
    target.parsing += packed.n;
    const parsed = new Promise<ParsedBatch>((resolve) => target.parses.set(seq, { records: packed.n, resolve }));
    this.post(target, { type: 'parse', seq, packed, nowMs }, [packed.bytes, packed.starts, packed.lengths]);
    return this.untilFailure(parsed);
  }

  /** Whether each of the first `m` workers (the parsing ones) has PARSE_HERE_WHEN_QUEUED batches waiting for their parse. */
  private parsingWorkersBehind(m: number): boolean {
    for (let k = 0; k < m; k++) if ((this.handles[k] as WorkerHandle).parses.size < PARSE_HERE_WHEN_QUEUED) return false;
    return true;
  }

  /** A step whose events a worker parsed and split by owner (`parseBatch`): each share goes to its owner. */
  processParsed(shares: readonly EncodedStep[], watermarkBefore: number, watermarkAfter: number, nowMs: number): Promise<void> {
    this.throwIfFailed();
    return this.postShares(shares, watermarkBefore, watermarkAfter, nowMs);
  }

  private async postShares(shares: readonly EncodedStep[], watermarkBefore: number, watermarkAfter: number, nowMs: number): Promise<void> {
    const advancing = watermarkAfter > watermarkBefore;
    for (const handle of this.handles) {
      const { columns, transfer, bytes } = shares[handle.index] as EncodedStep;
      if (columns.n === 0 && !advancing) continue;
      // The encoded size: what the message holds in the worker's inbox.
      const credit = { events: columns.n, bytes };
      await this.untilFailure(this.reserve(handle, credit));
      handle.pendingWatermarks.push(watermarkAfter);
      this.postStep(handle, { type: 'step', seq: ++this.seq, step: { columns, watermarkBefore, watermarkAfter, nowMs }, credit }, transfer);
    }
  }

  /**
   * Barrier of checkpoint `id` after every step posted so far (a port is FIFO: that is the cut).
   * With `savepoint`, every worker also writes its key groups as of the barrier into `savepoint.dir`.
   * Acks come back through `onBarrierAck`, in each worker's reply order.
   */
  barrier(id: number, savepoint?: { dir: string }): void {
    this.throwIfFailed();
    for (const handle of this.handles) this.post(handle, { type: 'barrier', id, ...(savepoint ? { savepoint } : {}) });
  }

  /** Entries the workers loaded from a savepoint at start. */
  get imported(): number {
    return this.importedEntries;
  }

  /** Checkpoint `oldestRetainedId` is the oldest kept: workers drop older undo logs. */
  checkpointComplete(oldestRetainedId: number): void {
    if (this.failure) return;
    for (const handle of this.handles) this.post(handle, { type: 'checkpoint-complete', oldestRetainedId });
  }

  async drain(): Promise<void> {
    this.throwIfFailed();
    await this.untilFailure(
      Promise.all(
        this.handles.map(
          (handle) =>
            new Promise<void>((resolve) => {
              const seq = ++this.seq;
              handle.drainWaiters.set(seq, resolve);
              this.post(handle, { type: 'drain', seq });
            }),
        ),
      ).then(() => undefined),
    );
  }

  async stop(): Promise<void> {
    this.cancelMetrics?.();
    this.stopping = true;
    this.rejectQueries(new SluiceError(ErrorCode.QUERY_UNAVAILABLE, 'the job is stopping', { retriable: true }));
    // After a failure the rest of the workers' state is rolled back anyway: no graceful stop.
    if (!this.failure) {
      const stopped = this.handles.map(
        (handle) =>
          new Promise<void>((resolve) => {
            this.supervisor.expectExit(`window-worker-${handle.index}`);
            const cancel = this.scheduler.schedule(5_000, resolve);
            handle.worker.once('exit', () => {
              cancel();
              resolve();
            });
            this.post(handle, { type: 'stop' });
          }),
      );
      await Promise.all(stopped);
    }
    // Whatever did not stop by itself exits at its next message (never inside a transaction).
    await this.supervisor.exitAll();
    for (const handle of this.handles) handle.subscription.unsubscribe();
  }

  openWindows(): number {
    return this.handles.reduce((n, h) => n + h.openWindows, 0);
  }

  handedOverWatermark(): number {
    return this.handles.reduce((wm, h) => Math.min(wm, h.handedOver), Number.POSITIVE_INFINITY);
  }

  /**
   * A live query (src/query), through the workers' message queues: a key's query goes to the worker
   * owning its key group, a window's to every worker. Each answers between two steps, from its live
   * state. Rejects with QUERY_TIMEOUT after `timeoutMs` (a late answer is dropped), with the
   * worker's error (QUERY_TOO_BROAD...), or with the failure of the stage.
   */
  query(query: WorkerQuery, timeoutMs: number): Promise<WorkerQueryReply[]> {
    if (this.failure)
      return Promise.reject(
        new SluiceError(ErrorCode.QUERY_UNAVAILABLE, `the window workers failed (${this.failure.code}); the job is restarting`, {
          retriable: true,
        }),
      );
    if (this.handles.length === 0 || this.stopping) {
      return Promise.reject(
        new SluiceError(ErrorCode.QUERY_UNAVAILABLE, this.stopping ? 'the job is stopping' : 'the window workers have not started', {
          retriable: true,
        }),
      );
    }
    const targets = query.kind === 'key-windows' ? [this.handles[this.ownerOf(query.key)] as WorkerHandle] : this.handles;
    return Promise.all(
      targets.map(
        (handle) =>
          new Promise<WorkerQueryReply>((resolve, reject) => {
            const seq = ++this.seq;
            const timer = setTimeout(() => {
              handle.queries.delete(seq);
              reject(
                new SluiceError(
                  ErrorCode.QUERY_TIMEOUT,
                  `window worker ${handle.index} did not answer within ${timeoutMs} ms (SLUICE_QUERY_TIMEOUT_MS): it is busy with the steps queued before the query`,
                  { retriable: true, details: { timeoutMs } },
                ),
              );
            }, timeoutMs);
            handle.queries.set(seq, { resolve, reject, timer });
            this.post(handle, { type: 'query', seq, query });
          }),
      ),
    );
  }

  private attach(index: number, worker: Worker): WorkerHandle {
    const replies = new Subject<FromWorker>();
    const handle: WorkerHandle = {
      index,
      worker,
      available: { ...this.options.inbox },
      creditWaiters: [],
      replies,
      drainWaiters: new Map(),
      openWindows: 0,
      pendingWatermarks: [],
      handedOver: Number.NEGATIVE_INFINITY,
      barriersPassed: 0,
      queries: new Map(),
      outbox: [],
      outboxTransfer: [],
      outboxEvents: 0,
      parses: new Map(),
      parsing: 0,
      subscription: undefined as unknown as Subscription,
    };
    // Replies are handled in arrival order; a step's credit comes back only after its results
    // were accepted by the sinks.
    handle.subscription = replies.pipe(concatMap((reply) => this.onReply(handle, reply))).subscribe({
      error: (err: unknown) => this.fail(toSluiceError(err)),
    });
    worker.on('message', (message: FromWorker) => {
      // Answers to live queries go straight back: never queued behind results waiting for a sink.
      if (message.type === 'query-result') this.onQueryResult(handle, message);
      // Parsed batches too: the main thread forwards them in batch order, whatever the sinks do.
      else if (message.type === 'parsed') this.onParsed(handle, message);
      else replies.next(message);
    });
    return handle;
  }

  private async onReply(handle: WorkerHandle, reply: FromWorker): Promise<void> {
    switch (reply.type) {
      case 'results':
        handle.openWindows = reply.openWindows;
        if (reply.printed) await this.onPrinted(reply.printed, handle.barriersPassed);
        else if (reply.results.length > 0) await this.onResults(reply.results as OUT[], handle.barriersPassed);
        if (reply.candidates) {
          if (!this.onLate) throw new SluiceError(ErrorCode.INTERNAL, 'late candidates reported, and nothing to hand them to (bindLate)');
          await this.onLate(reply.candidates, handle.barriersPassed);
        }
        if (reply.last) handle.handedOver = Math.max(handle.handedOver, handle.pendingWatermarks.shift() ?? handle.handedOver);
        this.release(handle, reply.credit);
        return;
      case 'drained': {
        const resolve = handle.drainWaiters.get(reply.seq);
        handle.drainWaiters.delete(reply.seq);
        resolve?.();
        return;
      }
      case 'barrier-ack':
        handle.barriersPassed++;
        this.options.onBarrierAck?.(handle.index, reply.id, reply.changed, reply.savepointFiles);
        return;
      case 'barrier-declined':
        handle.barriersPassed++;
        this.options.onBarrierDeclined?.(handle.index, reply.id, deserializeError(reply.error));
        return;
      case 'failed':
        this.fail(deserializeError(reply.error));
        return;
      case 'ready':
        handle.openWindows = reply.openWindows;
        return;
      case 'metrics':
        this.options.onMetrics?.(`worker-${handle.index}`, reply.snapshot);
        return;
      case 'query-result':
      case 'parsed':
      case 'stopped':
        return;
    }
  }

  private onParsed(handle: WorkerHandle, reply: Extract<FromWorker, { type: 'parsed' }>): void {
    const pending = handle.parses.get(reply.seq);
    if (!pending) return;
    handle.parses.delete(reply.seq);
    handle.parsing -= pending.records;
    pending.resolve(reply.parsed);
  }

  private onQueryResult(handle: WorkerHandle, reply: Extract<FromWorker, { type: 'query-result' }>): void {
    const pending = handle.queries.get(reply.seq);
    if (!pending) return;
    handle.queries.delete(reply.seq);
    clearTimeout(pending.timer);
    if (reply.answer) pending.resolve({ workerIndex: handle.index, watermark: reply.watermark, answer: reply.answer });
    else
      pending.reject(reply.error ? deserializeError(reply.error) : new SluiceError(ErrorCode.INTERNAL, 'a query result without an answer'));
  }

  /** Queries still waiting get `err` (the stage failed or stopped). */
  private rejectQueries(err: SluiceError): void {
    for (const handle of this.handles) {
      for (const pending of handle.queries.values()) {
        clearTimeout(pending.timer);
        pending.reject(err);
      }
      handle.queries.clear();
    }
  }

  private reserve(handle: WorkerHandle, credit: Credit): Promise<void> {
    const fits = () => {
      const { available } = handle;
      const full = available.events >= this.options.inbox.events && available.bytes >= this.options.inbox.bytes;
      // A step larger than the whole inbox still goes, alone, once the inbox is empty.
      return full || (available.events >= credit.events && available.bytes >= credit.bytes);
    };
    const take = () => {
      handle.available.events -= credit.events;
      handle.available.bytes -= credit.bytes;
    };
    if (handle.creditWaiters.length === 0 && fits()) {
      take();
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const attempt = () => {
        if (!fits()) return false;
        take();
        resolve();
        return true;
      };
      handle.creditWaiters.push(attempt);
    });
  }

  private release(handle: WorkerHandle, credit: Credit): void {
    handle.available.events += credit.events;
    handle.available.bytes += credit.bytes;
    // Wake waiters in order while their credit fits.
    while (handle.creditWaiters.length > 0) {
      const waiter = handle.creditWaiters[0] as () => boolean;
      if (!waiter()) break;
      handle.creditWaiters.shift();
    }
  }

  /** Any message: after the steps made before it (a port is FIFO, and so is what we send). */
  private post(handle: WorkerHandle, message: ToWorker, transfer?: ArrayBuffer[]): void {
    this.postOutbox(handle);
    handle.worker.postMessage(message, transfer);
  }

  /**
   * A step waits for the end of the event loop's turn, so that the steps of every batch processed
   * in that turn (the read-ahead queue holds up to one per partition) reach a worker in one post.
   * A post has a cost of its own whatever its size, and at 50k events/s kafkajs hands over batches
   * of tens of records: 2,800 step messages a second, 476 once per turn (decision 0012). The
   * worker applies them one by one, as if each came alone: no result changes. What waits is
   * bounded by the credit it reserved.
   */
  private postStep(handle: WorkerHandle, message: StepToWorker, transfer: ArrayBuffer[]): void {
    handle.outbox.push(message);
    handle.outboxEvents += message.credit.events;
    for (const buffer of transfer) handle.outboxTransfer.push(buffer);
    // Enough to pay for its post: sent now, so the worker starts while this thread goes on.
    if (handle.outboxEvents >= POST_AT_EVENTS) {
      this.postOutbox(handle);
      return;
    }
    if (this.outboxScheduled) return;
    this.outboxScheduled = true;
    setImmediate(() => {
      this.outboxScheduled = false;
      for (const h of this.handles) this.postOutbox(h);
    });
  }

  private postOutbox(handle: WorkerHandle): void {
    const steps = handle.outbox;
    if (steps.length === 0) return;
    const transfer = handle.outboxTransfer;
    handle.outbox = [];
    handle.outboxTransfer = [];
    handle.outboxEvents = 0;
    handle.worker.postMessage(steps.length === 1 ? steps[0] : { type: 'steps', steps }, transfer);
  }

  private fail(err: SluiceError): void {
    if (this.failure) return;
    this.failure = err;
    this.rejectQueries(
      new SluiceError(ErrorCode.QUERY_UNAVAILABLE, `the window workers failed (${err.code}); the job is restarting`, { retriable: true }),
    );
    for (const waiter of this.failureWaiters) waiter(err);
    this.failureWaiters.clear();
    this.options.onFailure(err);
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  /** Settle with the promise, or reject as soon as a worker fails: no wait outlives a failure. */
  private untilFailure<T>(promise: Promise<T>): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<T>((resolve, reject) => {
      const onFailure = (err: SluiceError) => reject(err);
      this.failureWaiters.add(onFailure);
      promise.then(
        (value) => {
          this.failureWaiters.delete(onFailure);
          resolve(value);
        },
        (err: unknown) => {
          this.failureWaiters.delete(onFailure);
          reject(err);
        },
      );
    });
  }
}

function toSluiceError(err: unknown): SluiceError {
  return err instanceof SluiceError
    ? err
    : new SluiceError(ErrorCode.INTERNAL, err instanceof Error ? err.message : String(err), { cause: err });
}
