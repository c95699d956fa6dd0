/**
 * One start of a job: assembled from the configuration and a JobDefinition, run until it is
 * stopped, its bounded input ends, or something fails (the supervisor then starts a new one).
 *
 *   source (credit-pulled batches) ──> main loop (batches, ticks, barriers: one at a time)
 *     ──> pipeline (parse, watermarks, side outputs) ──> window workers ──> sinks
 *
 * Start-up: lock the state directory, spawn the window workers, open the source (Kafka: checks,
 * fencing, the committed checkpoint), plan the restore (a pure function), restore, start the
 * checkpoints and the source. A failure stops intake at once and completes no checkpoint after it.
 */
import type { Writable } from 'node:stream';
import { WorkerKeyedStage } from '../../actors/worker-stage.js';
import { systemClock, systemScheduler, type Cancel, type Clock, type Scheduler } from '../../clock.js';
import type { SluiceConfig } from '../../config.js';
import { stateCacheEntriesWithin } from '../../config/runtime-defaults.js';
import { ErrorCode, SluiceError } from '../../errors.js';
import type { JobDefinition } from '../../job/job.js';
import { tracingEnabled } from '../../telemetry/tracing.js';
import type { WorkerQuery, WorkerQueryReply } from '../../query/query-types.js';
import { Checkpointing } from '../../state/checkpoints/checkpointing.js';
import { CHECKPOINT_FORMAT_VERSION, CheckpointStore } from '../../state/checkpoints/checkpoint-store.js';
import { KEY_GROUPS } from '../../actors/key-groups.js';
import { checkCompatible, readSavepoint } from '../../state/savepoints/savepoint-reader.js';
import { SAVEPOINT_FORMAT_VERSION } from '../../state/savepoints/savepoint-format.js';
import { StateDirectoryLock } from '../../state/state-lock.js';
import { DaemonTelemetry } from '../../telemetry/daemon-telemetry.js';
import type { Logger } from '../../telemetry/logging.js';
import { formatStatus } from '../../telemetry/status.js';
import type { ResultSink } from '../sinks/sink.js';
import type { SourceConnector, SourceOpening } from '../sources/connector.js';
import { preloadSinks, printsOnly, sinksFromConfig, sourceFromConfig, type SourceHooks } from './assemble.js';
import { Lifecycle, type JobState } from './lifecycle.js';
import { MainLoop } from './main-loop.js';
import { WindowPipeline, type PipelineStats } from './pipeline.js';
import { planRestore, type RestorePlan } from './restore-plan.js';
import { jobDescriptor, type JobDescriptor } from '../../job/definition.js';
import { assignerFor, type WindowSpec } from '../operators/window-assigners.js';
import { codeCacheState } from '../../code-cache.js';

export interface JobRuntimeOptions<OUT> {
  logger: Logger;
  /** Where the default stdout sink prints results. */
  resultsOut?: Writable;
  /** Where the human status line goes (stderr); undefined = no status line. */
  statusOut?: Writable;
  statusIntervalMs?: number;
  clock?: Clock;
  scheduler?: Scheduler;
  /** sluice's version, for savepoint manifests. */
  version?: string;
  /** Which start of the job this is (0 = first; a supervised restart counts up). */
  attempt?: number;
  /** `sluice run --from-savepoint PATH` (the first start only: a restart restores the checkpoints taken since). */
  fromSavepoint?: string;
  /** The process's telemetry (it outlives a restart); without it the runtime makes and closes its own. */
  telemetry?: DaemonTelemetry;
  /** Where records come from; default from the configuration (Kafka, or the built-in generator). */
  source?: (hooks: SourceHooks) => SourceConnector;
  /** Where results go; default from the configuration (Elasticsearch, Redis, or stdout). */
  sinks?: Array<ResultSink<OUT>>;
  /** Test only: each worker thread exits after this many steps. */
  workerExitAfterSteps?: number;
}

/** How often the watermark is recomputed without new input (idle partitions, all-quiet streams). */
const TICK_MS = 200;

export class JobRuntime<IN, ACC, OUT> {
  private readonly lifecycle = new Lifecycle();
  private readonly clock: Clock;
  private readonly scheduler: Scheduler;
  private readonly telemetry: DaemonTelemetry;
  private readonly ownsTelemetry: boolean;
  private source: SourceConnector | undefined;
  private stage: WorkerKeyedStage<IN, OUT> | undefined;
  private pipeline: WindowPipeline<IN, ACC, OUT> | undefined;
  private loop: MainLoop | undefined;
  private checkpointing: Checkpointing | undefined;
  private checkpoints: CheckpointStore | undefined;
  private lock: StateDirectoryLock | undefined;
  /** Settles when start() has returned or thrown (a stop during the start waits for it). */
  private startSettled: Promise<void> = Promise.resolve();
  private sinks: Array<ResultSink<OUT>> = [];
  private readonly cancels: Cancel[] = [];
  private phase = '';
  /** The job's windows: its own, or tumbling windows of SLUICE_WINDOW_MS (the built-in job). */
  private readonly windowSpec: WindowSpec;
  /** What checkpoints and savepoints record of the job, and restores check. */
  private readonly definition: JobDescriptor;
  private resolveFinished!: () => void;
  private rejectFinished!: (err: unknown) => void;
  /** What failed the job (see `fail`). */
  private failure: unknown;
  /** Settles when the job has stopped: resolves after a clean stop, rejects with the failure. */
  readonly finished: Promise<void>;

  constructor(
    private readonly config: SluiceConfig,
    private readonly job: JobDefinition<IN, ACC, OUT>,
    private readonly options: JobRuntimeOptions<OUT>,
  ) {
    this.clock = options.clock ?? systemClock;
    this.scheduler = options.scheduler ?? systemScheduler;
    this.windowSpec = job.window ?? { type: 'tumbling', sizeMs: config.windows.sizeMs };
    this.definition = jobDescriptor(job as JobDefinition<unknown, unknown, unknown>, this.windowSpec, config.windows.allowedLatenessMs);
    this.finished = new Promise<void>((resolve, reject) => {
      this.resolveFinished = resolve;
      this.rejectFinished = reject;
    });
    // A caller that only awaits stop() must not see an unhandled rejection.
    this.finished.catch(() => undefined);
    const view = { state: () => this.state, stats: () => this.stats(), source: () => this.source?.status?.() };
    this.ownsTelemetry = options.telemetry === undefined;
    this.telemetry =
      options.telemetry ??
      new DaemonTelemetry({
        config,
        logger: options.logger,
        now: () => this.clock.now(),
        ...view,
        ...(options.version ? { version: options.version } : {}),
      });
    this.telemetry.attach(view);
  }

  get state(): JobState {
    return this.lifecycle.state;
  }

  /** Still starting: a stop now ends the start (JobSupervisor.stop). */
  get starting(): boolean {
    return this.lifecycle.is('starting');
  }

  /** During a graceful stop: what it is doing (for a stop that takes too long). */
  get stopPhase(): string {
    return this.phase;
  }

  stats(): PipelineStats | undefined {
    return this.pipeline?.stats();
  }

  async start(): Promise<void> {
    this.lifecycle.to('starting');
    const steps = this.startSteps();
    this.startSettled = steps.then(
      () => undefined,
      () => undefined,
    );
    return steps;
  }

  private async startSteps(): Promise<void> {
    const { config, job, options } = this;
    const logger = options.logger;
    const startedAt = this.clock.now();
    try {
      const sinkModules = options.sinks ? undefined : preloadSinks(config);
      sinkModules?.catch(() => undefined);
      await this.telemetry.start();
      this.lock = await StateDirectoryLock.acquire(config.state.dir);
      const stage = this.spawnWorkers();
      const source = (options.source ?? ((hooks) => sourceFromConfig(config, this.clock, logger, hooks)))({
        requestCheckpoint: () => this.checkpointing?.requestEarly(),
        isStopped: () => !this.lifecycle.is('starting'),
        watchKafka: (kafka) => this.telemetry.watchKafka(kafka),
      });
      this.source = source;
      if (options.fromSavepoint && !source.checkpointed) {
        throw new SluiceError(
          ErrorCode.SAVEPOINT_INCOMPATIBLE,
          '--from-savepoint needs SLUICE_KAFKA_BROKERS: a savepoint goes on from Kafka offsets, and the built-in generator has none',
        );
      }
      const deadLetters = this.telemetry.instrumentDeadLetters(source.sideOutputs);
      const opened: Promise<SourceOpening> = source.checkpointed
        ? source.open()
        : Promise.resolve({ committed: undefined, logStarts: new Map() });
      // The sinks start (Elasticsearch's index, Redis's connection) while Kafka opens (topics,
      // fencing, offsets). Both settle before either's failure counts: nothing is left starting
      // behind a failed start (a Kafka open still in flight could fence the next attempt's producer).
      const sinksStarted = (async () => {
        this.sinks = (
          options.sinks ??
          (await sinksFromConfig(
            config,
            job as JobDefinition<unknown, unknown, OUT>,
            deadLetters,
            options.resultsOut ?? process.stdout,
            logger,
          ))
        ).map((s) => this.telemetry.instrumentSink(s));
        for (const sink of this.sinks) await sink.start();
      })();
      const [openOutcome, sinksOutcome] = await Promise.allSettled([opened, sinksStarted]);
      if (openOutcome.status === 'rejected') throw openOutcome.reason;
      if (sinksOutcome.status === 'rejected') throw sinksOutcome.reason;
      const opening = openOutcome.value;
      if (!source.checkpointed) await source.sideOutputs.start();

      const plan = source.checkpointed ? this.planRestore(opening) : undefined;
      this.pipeline = new WindowPipeline<IN, ACC, OUT>({
        job,
        windows: { ...config.windows, assigner: this.windowSpec },
        topics: config.topics,
        sinks: this.sinks,
        deadLetters,
        now: () => this.clock.now(),
        logger,
        ...(plan?.from === 'checkpoint'
          ? { checkpoint: plan.record.placement }
          : plan?.from === 'savepoint'
            ? { checkpoint: plan.savepoint.manifest.placement }
            : {}),
        keyedStage: (onResults) => {
          stage.bindResults(onResults);
          if (plan?.from === 'checkpoint') stage.setRestore({ restoreTo: plan.record.id });
          if (plan?.from === 'savepoint') {
            const { dir, formatVersion, manifest } = plan.savepoint;
            stage.setRestore({ importSavepoint: { dir, formatVersion, files: manifest.files, epoch: plan.epoch } });
          }
          return stage;
        },
        telemetry: this.telemetry.pipeline,
        idleness: source.idleness,
        parseOn: config.parseOn ?? 'workers',
      });
      // A savepoint replaces the checkpoints on disk: drop them before the workers import it, so a
      // crash in between can never restore a checkpoint whose undo logs the import cleared.
      if (plan?.from === 'savepoint') await (this.checkpoints as CheckpointStore).dropAfter(0);
      await this.pipeline.start();
      const restored = plan && source.checkpointed ? await this.afterRestore(plan, opening) : undefined;
      if (!restored) logger.info('no checkpoints with the built-in generator: starting from empty window state');
      // Waited for below, with the consumer's join.
      restored?.committed.catch(() => undefined);

      this.loop = new MainLoop({
        batches: source.batches,
        scheduler: this.scheduler,
        tickMs: TICK_MS,
        onBatch: (pulled) =>
          this.telemetry.timeBatch(pulled.batch, () => (this.pipeline as WindowPipeline<IN, ACC, OUT>).processBatch(pulled.batch)),
        onTick: () => (this.pipeline as WindowPipeline<IN, ACC, OUT>).tick(),
        onError: (err) => void this.fail(err),
      });
      this.loop.start();
      this.lifecycle.to('running');
      if (plan && source.checkpointed) {
        const { sideOutputs } = source;
        this.checkpointing = new Checkpointing({
          checkpoint: config.checkpoint,
          workers: config.workers,
          firstCheckpointId: plan.firstCheckpointId,
          identity: {
            ...source.identity,
            job: job.name,
            windowMs: assignerFor(this.windowSpec).sizeMs,
            version: options.version ?? 'unknown',
            definition: this.definition,
          },
          stateDir: config.state.dir,
          store: this.checkpoints as CheckpointStore,
          sideOutputs,
          placeBarrier: (id, savepoint) => this.placeBarrier(id, savepoint, sideOutputs),
          flushSinks: () => Promise.all([...this.sinks.map((s) => s.flush()), deadLetters.flush()]).then(() => undefined),
          pruneBefore: (oldest) => stage.checkpointComplete(oldest),
          telemetry: {
            trace: (id) => this.telemetry.checkpointTrace(id),
            completed: (ms, bytes) => this.telemetry.checkpointCompleted(ms, bytes),
            failed: (reason) => this.telemetry.checkpointFailed(reason),
          },
          clock: this.clock,
          scheduler: this.scheduler,
          logger: logger.child({ component: 'checkpoints' }),
          onFatal: (err) => void this.fail(err),
        });
        this.checkpointing.start();
      }
      await source.start(
        this.telemetry.instrumentControl({
          positions: () => this.pipeline?.nextOffsets() ?? new Map(),
          onAssign: (partitions) => this.pipeline?.assign(partitions),
          onRevoke: (partitions) =>
            void this.fail(
              new SluiceError(
                ErrorCode.PIPELINE_STOPPED,
                `partitions ${partitions.join(',')} were taken away by a rebalance of sluice's own run-scoped consumer group (something else joined it); restarting restores the last complete checkpoint`,
                {
                  retriable: true,
                },
              ),
            ),
          onLogEnds: (ends, fetched) => this.pipeline?.observeLogEnds(ends, fetched),
          onLogEndsUnknown: () => this.pipeline?.logEndsUnknown(),
          onEnd: () => void this.finishBoundedInput(),
          onFatal: (err) => void this.fail(err),
        }),
      );
      await restored?.committed;
      // A failure reported while the source was starting (topics that could not be created) has
      // stopped the job already: it is not consuming.
      if (this.lifecycle.is('failed')) throw this.failure;
      const codeCache = codeCacheState();
      logger.info(
        {
          ...source.identity,
          sinks: this.sinks.map((s) => s.name),
          processUptimeMs: Math.round(process.uptime() * 1000),
          startMs: this.clock.now() - startedAt,
          // The bundle's compiled code from an earlier run: used, none yet, rejected (code-cache.ts).
          ...(codeCache ? { codeCache } : {}),
        },
        source.checkpointed ? 'sluice is consuming' : 'sluice is running on the built-in click generator',
      );
      this.startStatusLine();
      // What the sinks' and the source's start left going on (a missing index, missing side-output
      // topics being created) overlaps the first batches, whose results and letters wait for it;
      // the start is done (or failed, and not retried) only once it is.
      await Promise.all([...this.sinks.map((s) => s.ready?.()), source.ready?.()]);
    } catch (err) {
      // A stop during the start (a signal while Kafka is still down at start-up) ends the wait
      // (isStopped) and is not a failure: stop() closes what was opened once this has unwound.
      if (this.lifecycle.is('stopping')) return;
      await this.fail(err);
      // The first failure is the start's: one reported meanwhile (topics or an index that could not
      // be created) may have made a later step fail as well, for that reason.
      throw this.failure ?? err;
    }
  }

  /** Graceful stop: stop intake, finish the batch in progress, take a final checkpoint (or flush), close. */
  async stop(): Promise<void> {
    if (!this.lifecycle.can('stopping')) return this.finished.catch(() => undefined);
    const duringStart = this.lifecycle.is('starting');
    this.lifecycle.to('stopping');
    this.cancelTimers();
    try {
      if (duringStart) {
        // The start sees the stop at its next wait (waitForKafka polls isStopped) and unwinds.
        this.phase = 'ending the start';
        await this.startSettled;
      }
      this.phase = 'stopping intake';
      this.source?.stopIntake();
      this.phase = 'finishing the batch in progress';
      await this.loop?.idle();
      if (this.checkpointing) {
        this.phase = 'taking the final checkpoint';
        await this.checkpointing.final();
      } else if (this.pipeline && this.loop) {
        // No checkpoints (the built-in generator): hand over every result and flush the sinks.
        this.phase = 'flushing sinks';
        const pipeline = this.pipeline;
        await this.loop.run(() => pipeline.flush());
      }
      this.phase = 'closing connections';
      await this.closeAll();
      this.lifecycle.to('stopped');
      this.resolveFinished();
    } catch (err) {
      await this.fail(err);
    }
  }

  /** Take a savepoint now; resolves with its path once complete (SAVEPOINT_FAILED when it cannot be). */
  async savepoint(parentDir?: string): Promise<string> {
    if (!this.lifecycle.is('running'))
      throw new SluiceError(ErrorCode.SAVEPOINT_FAILED, `no savepoint taken: the job is ${this.state}`, { details: { state: this.state } });
    if (!this.checkpointing) {
      throw new SluiceError(
        ErrorCode.SAVEPOINT_FAILED,
        'no savepoint taken: savepoints need Kafka (SLUICE_KAFKA_BROKERS); the built-in generator runs without checkpoints',
      );
    }
    return this.checkpointing.savepoint(parentDir);
  }

  /**
   * A live query (the query API, src/query), answered by the window workers from their live state
   * through their message queues. Only while running: QUERY_UNAVAILABLE otherwise.
   */
  query(query: WorkerQuery, timeoutMs: number): Promise<WorkerQueryReply[]> {
    const stage = this.stage;
    if (!this.lifecycle.is('running') || !stage) {
      return Promise.reject(
        new SluiceError(ErrorCode.QUERY_UNAVAILABLE, `no job is running to answer (the job is ${this.state})`, {
          retriable: true,
          details: { state: this.state },
        }),
      );
    }
    return stage.query(query, timeoutMs);
  }

  private spawnWorkers(): WorkerKeyedStage<IN, OUT> {
    const { config, job, options } = this;
    // The window workers start now (modules, LMDB), beside the source's checks; what they restore
    // is decided later and sent when the pipeline starts.
    const cacheEntries = stateCacheEntriesWithin(config.workerMaxHeapMb, config.state.cacheEntries);
    if (cacheEntries < config.state.cacheEntries)
      options.logger.info(
        { configured: config.state.cacheEntries, cacheEntries, workerMaxHeapMb: config.workerMaxHeapMb },
        'SLUICE_STATE_CACHE_ENTRIES lowered to an eighth of SLUICE_WORKER_MAX_HEAP_MB',
      );
    const stage = new WorkerKeyedStage<IN, OUT>({
      workers: config.workers,
      job: job.name,
      ...(job.source ? { jobSource: job.source } : {}),
      windows: {
        sizeMs: config.windows.sizeMs,
        allowedLatenessMs: config.windows.allowedLatenessMs,
        stateTtlMs: config.windows.stateTtlMs,
        assigner: this.windowSpec,
      },
      stateDir: config.state.dir,
      writeBufferEntries: config.state.writeBufferEntries,
      cacheEntries,
      inbox: config.workerInbox,
      maxHeapMb: config.workerMaxHeapMb,
      maxRecordBytes: config.maxRecordBytes,
      // Stdout alone (the sinks off, the embedded default): the workers print, the main thread
      // passes their text on. Not for sinks a caller gave, nor with tracing (its spans link the
      // windows of the results, which printed results no longer name).
      printResults: !options.sinks && printsOnly(config, job as JobDefinition<unknown, unknown, unknown>) && !tracingEnabled(),
      onFailure: (err) => void this.fail(err),
      onMetrics: (thread, snapshot) => this.telemetry.metrics.mergeThread(thread, snapshot),
      onBarrierAck: (worker, id, changed, files) => this.checkpointing?.workerAcked(worker, id, changed, files),
      onBarrierDeclined: (worker, id, err) => this.checkpointing?.workerDeclined(worker, id, err),
      ...(options.workerExitAfterSteps === undefined ? {} : { exitAfterSteps: options.workerExitAfterSteps }),
      logger: options.logger.child({ component: 'window-workers' }),
      clock: this.clock,
      scheduler: this.scheduler,
    });
    this.stage = stage;
    stage.spawn();
    return stage;
  }

  private planRestore(opening: SourceOpening): RestorePlan {
    const { config, job, options } = this;
    const source = this.source as SourceConnector;
    this.checkpoints = new CheckpointStore(config.state.dir);
    const savepoint = options.fromSavepoint ? readSavepoint(options.fromSavepoint) : undefined;
    if (savepoint) {
      const shape = {
        job: job.name,
        ...source.identity,
        windowMs: assignerFor(this.windowSpec).sizeMs,
        keyGroups: KEY_GROUPS,
        definition: this.definition,
      };
      for (const note of checkCompatible(savepoint.manifest, shape, savepoint.dir)) options.logger.info({ savepoint: savepoint.dir }, note);
    }
    const plan = planRestore({
      stored: this.checkpoints.stored(),
      committed: opening.committed,
      onCorrupt: config.checkpoint.onCorrupt,
      ...(savepoint ? { savepoint } : {}),
      expect: { ...source.identity, workers: config.workers, stateDir: config.state.dir, definition: this.definition },
    });
    for (const w of plan.warnings) options.logger.warn(w.details, w.message);
    return plan;
  }

  /**
   * What the start does once the state is restored: drops the checkpoints after it, records an
   * imported savepoint as a checkpoint, and starts Kafka's record of what was restored (`committed`:
   * a transaction, which goes on while the consumer joins its group; the side outputs commit one
   * transaction at a time, so a first checkpoint's comes after it).
   */
  private async afterRestore(plan: RestorePlan, opening: SourceOpening): Promise<{ committed: Promise<void> }> {
    const { config, options } = this;
    const store = this.checkpoints as CheckpointStore;
    const source = this.source as Extract<SourceConnector, { checkpointed: true }>;
    const pipeline = this.pipeline as WindowPipeline<IN, ACC, OUT>;
    // Records after the one restored cannot be restored any more (their undo logs are gone).
    if (plan.dropAfter !== undefined && plan.from !== 'savepoint') await store.dropAfter(plan.dropAfter);
    let restoredId = 0;
    if (plan.from === 'checkpoint') {
      restoredId = plan.record.id;
      options.logger.info(
        { checkpointId: restoredId, offsets: plan.record.placement.offsets, watermark: plan.record.placement.watermark },
        'restored the latest complete checkpoint',
      );
    } else if (plan.from === 'savepoint') {
      const { manifest, dir, formatVersion } = plan.savepoint;
      restoredId = plan.epoch;
      // The imported state is checkpoint `epoch` from now on: a crash before the next checkpoint restores it.
      await store.write(
        {
          formatVersion: CHECKPOINT_FORMAT_VERSION,
          id: plan.epoch,
          kind: 'savepoint',
          createdAt: this.clock.now(),
          triggeredAt: this.clock.now(),
          workers: config.workers,
          keyGroups: KEY_GROUPS,
          source: source.identity,
          placement: manifest.placement,
          changed: {},
        },
        config.checkpoint.retained,
      );
      options.logger.info(
        {
          savepoint: dir,
          savepointCheckpointId: manifest.checkpointId,
          checkpointId: plan.epoch,
          formatVersion,
          savepointWorkers: manifest.workers,
          workers: config.workers,
          importedEntries: this.stage?.imported,
        },
        formatVersion < SAVEPOINT_FORMAT_VERSION
          ? `restored savepoint ${dir} (format ${formatVersion}, migrated to ${SAVEPOINT_FORMAT_VERSION})`
          : `restored savepoint ${dir}`,
      );
    } else {
      options.logger.info('no checkpoint to restore: starting from empty window state');
    }
    // Kafka's record of what was restored: a restart after a crash before the next commit finds
    // it again (and the group's lag is measured from it). Partitions never read: their log start.
    const offsets = new Map([...opening.logStarts, ...pipeline.nextOffsets()]);
    return { committed: source.sideOutputs.commit(restoredId, offsets, this.clock.now() + config.checkpoint.timeoutMs) };
  }

  /** In the main loop, between two batches: the placement and the barrier describe the same cut. */
  private placeBarrier(id: number, savepoint: { dir: string } | undefined, sideOutputs: { seal(id: number): void }) {
    const loop = this.loop;
    if (!loop) return Promise.reject(new SluiceError(ErrorCode.PIPELINE_STOPPED, 'the pipeline is not running'));
    return loop.run(async () => {
      const pipeline = this.pipeline;
      const stage = this.stage;
      if (!pipeline || !stage || this.lifecycle.is('failed'))
        throw new SluiceError(ErrorCode.PIPELINE_STOPPED, 'the pipeline is not running');
      // Batches still being parsed on the workers are part of this cut: their steps go first.
      await pipeline.settled();
      const placement = pipeline.placement();
      stage.barrier(id, savepoint);
      // Every letter of a record before the barrier was sent already (same main loop).
      sideOutputs.seal(id);
      return placement;
    });
  }

  /** A bounded input (the generator's maxEvents) has ended: every open window fires, then the job stops. */
  private async finishBoundedInput(): Promise<void> {
    if (!this.lifecycle.is('running') || !this.loop) return;
    const pipeline = this.pipeline as WindowPipeline<IN, ACC, OUT>;
    await this.loop.run(() => pipeline.finish());
    await this.stop();
  }

  private startStatusLine(): void {
    const out = this.options.statusOut;
    if (!out) return;
    const every = this.options.statusIntervalMs ?? 2000;
    let last = { at: this.clock.now(), records: 0 };
    const tick = () => {
      const stats = this.pipeline?.stats();
      if (stats) {
        const at = this.clock.now();
        out.write(`${formatStatus(stats, (stats.recordsIn - last.records) / Math.max(0.001, (at - last.at) / 1000))}\n`);
        last = { at, records: stats.recordsIn };
      }
      this.cancels.push(this.scheduler.schedule(every, tick));
    };
    this.cancels.push(this.scheduler.schedule(every, tick));
  }

  private cancelTimers(): void {
    for (const cancel of this.cancels.splice(0)) cancel();
  }

  private async fail(err: unknown): Promise<void> {
    if (!this.lifecycle.can('failed')) return;
    this.lifecycle.to('failed');
    this.failure = err;
    this.cancelTimers();
    this.options.logger.error({ err }, 'the job stopped on a failure; a restart restores the last complete checkpoint');
    void this.checkpointing?.stop();
    this.source?.stopIntake();
    await this.closeAll().catch(() => undefined);
    this.rejectFinished(err);
  }

  private async closeAll(): Promise<void> {
    // The loop first: a batch waiting for its credit is released, so the source can stop.
    this.loop?.stop();
    const closing: Array<Promise<void>> = [...this.sinks.map((s) => s.close())];
    if (this.pipeline) closing.push(this.pipeline.stop());
    else if (this.stage) closing.push(this.stage.stop());
    if (this.source) closing.push(this.source.close());
    if (this.ownsTelemetry) closing.push(this.telemetry.close());
    const results = await Promise.allSettled(closing);
    await this.checkpoints?.close().catch(() => undefined);
    this.checkpoints = undefined;
    await this.lock?.release();
    this.lock = undefined;
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
