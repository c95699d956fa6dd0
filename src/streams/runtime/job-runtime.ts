/**
 * The daemon: builds the job's source, pipeline and sinks from the configuration and runs them
 * until stopped, the bounded input ends, or something fails.
 *
 * Life cycle: starting -> running -> stopping -> stopped | failed. Barrier checkpoints make results
 * exactly-once: a start restores the latest complete checkpoint (window state, offsets, watermarks);
 * a failure stops intake at once and completes no checkpoint after it.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { SluiceConfig } from '../../config.js';
import { WorkerKeyedStage } from '../../actors/worker-stage.js';
import { ErrorCode, SluiceError } from '../../errors.js';
import { StateDirectoryLock } from '../../state/state-lock.js';
import { CheckpointCoordinator, type CompletedCheckpoint } from '../../state/checkpoints/checkpoint-coordinator.js';
import { CHECKPOINT_FORMAT_VERSION, CheckpointStore, type CheckpointRecord } from '../../state/checkpoints/checkpoint-store.js';
import { KEY_GROUPS } from '../../actors/key-groups.js';
import { SAVEPOINT_FORMAT_VERSION, savepointName, type SavepointFile } from '../../state/savepoints/savepoint-format.js';
import { checkCompatible, readSavepoint, type VerifiedSavepoint } from '../../state/savepoints/savepoint-reader.js';
import { discardSavepoint, finishSavepoint, prepareSavepoint, type SavepointTarget } from '../../state/savepoints/savepoint-writer.js';
import { systemClock, systemScheduler } from '../../clock.js';
import { clickstreamJob, type ClickCountResult } from '../../job/clickstream.js';
import type { JobDefinition } from '../../job/job.js';
import { ClickGenerator } from '../sources/generator.js';
import { createKafka } from '../sources/kafka-client.js';
import { KafkaSource } from '../sources/kafka-source.js';
import { committedCheckpoint, TransactionalSideOutputs } from '../sinks/side-outputs.js';
import { recordRun, previousRuns } from '../../state/run-history.js';
import { waitForKafka } from '../sources/kafka-wait.js';
import { WindowPipeline, type PipelinePlacement, type PipelineStats } from './pipeline.js';
import { SerialExecutor } from './serial.js';
import { LoggingDeadLetterSink } from '../sinks/dead-letter.js';
import { ElasticsearchSink } from '../sinks/elasticsearch.js';
import { RedisSink } from '../sinks/redis.js';
import type { DeadLetterSink, ResultSink } from '../sinks/sink.js';
import { JsonLinesSink } from '../sinks/stdout.js';
import type { SourceHandler } from '../sources/source.js';
import { DaemonTelemetry, type CheckpointTrace } from '../../telemetry/daemon-telemetry.js';
import type { Logger } from '../../telemetry/logging.js';
import { formatStatus } from '../../telemetry/status.js';

export type DaemonState = 'created' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

export interface DaemonOptions {
  logger: Logger;
  /** Where the embedded default prints results (stdout). */
  resultsOut?: Writable;
  /** Where the human status line goes (stderr); undefined = no status line. */
  statusOut?: Writable;
  statusIntervalMs?: number;
  now?: () => number;
  /** sluice's version, for sluice_build_info and spans. */
  version?: string;
  /**
   * The process's telemetry (it outlives a restart of the job: /metrics and the probes stay up,
   * counters go on). Without it the daemon makes its own and closes it when it ends.
   */
  telemetry?: DaemonTelemetry;
  /** Which start of the job this is (0 = first; a supervised restart counts up): metrics, test hooks. */
  attempt?: number;
  /**
   * `sluice run --from-savepoint PATH`: start from this savepoint instead of the state directory's
   * checkpoints (give it to the first start only: a restart restores the checkpoints taken since).
   */
  fromSavepoint?: string;
}

/** A worker's acknowledgement of a barrier: entries changed since the previous one; a savepoint's files. */
interface WorkerAck {
  changed: number;
  savepointFiles?: SavepointFile[];
}

/** How often the watermark is recomputed without new input (idle partitions, all-quiet streams). */
const TICK_MS = 200;

export class Daemon {
  private state: DaemonState = 'created';
  private readonly executor = new SerialExecutor();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly now: () => number;
  private pipeline: WindowPipeline<unknown, unknown, ClickCountResult> | undefined;
  private source: KafkaSource | undefined;
  private generatorStop: AbortController | undefined;
  private generatorDone: Promise<unknown> | undefined;
  private sinks: Array<ResultSink<ClickCountResult>> = [];
  private deadLetters: DeadLetterSink | undefined;
  /** Kafka mode: the transactional side outputs behind `deadLetters` (sealed at barriers, committed with checkpoints). */
  private sideOutputs: TransactionalSideOutputs | undefined;
  private tickPending = false;
  private lock: StateDirectoryLock | undefined;
  private phase = '';
  private stage: WorkerKeyedStage<unknown, ClickCountResult> | undefined;
  private checkpoints: CheckpointStore | undefined;
  private coordinator: CheckpointCoordinator<PipelinePlacement, WorkerAck> | undefined;
  /** Checkpoint id -> workers whose barrier ack was handed over (the sinks ack once all have). */
  private readonly barrierAcks = new Map<number, Set<number>>();
  /** Checkpoint id -> its `checkpoint` span (ended when it completes or fails). */
  private readonly checkpointTraces = new Map<number, CheckpointTrace>();
  /** Set by persist for onCompleted: the oldest checkpoint still kept. */
  private oldestRetainedId = 0;
  /** Size of the last checkpoint record written (sluice_checkpoint_size_bytes). */
  private lastRecordBytes = 0;
  /** Where the next savepoint barrier writes (set by `savepoint()`, which runs one at a time). */
  private savepointParent: string | undefined;
  /** Checkpoint id -> the savepoint it writes, while in flight; then its final path, for `savepoint()`. */
  private readonly savepointTargets = new Map<number, SavepointTarget>();
  private readonly savepointPaths = new Map<number, string>();
  private readonly savepointSummaries = new Map<number, object>();
  private savepointQueue: Promise<unknown> = Promise.resolve();
  /** Metrics, /metrics /healthz /readyz, tracing hooks (src/telemetry). */
  readonly telemetry: DaemonTelemetry;
  private readonly ownsTelemetry: boolean;
  private resolveFinished!: () => void;
  private rejectFinished!: (err: unknown) => void;
  /** Settles when the daemon has stopped: resolves after a clean stop, rejects with the failure. */
  readonly finished: Promise<void>;

  constructor(
    private readonly config: SluiceConfig,
    private readonly options: DaemonOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.finished = new Promise<void>((resolve, reject) => {
      this.resolveFinished = resolve;
      this.rejectFinished = reject;
    });
    // A caller that only awaits stop() must not see an unhandled rejection.
    this.finished.catch(() => undefined);
    const view = { state: () => this.state, stats: () => this.stats(), source: () => this.source?.state };
    this.ownsTelemetry = options.telemetry === undefined;
    this.telemetry = options.telemetry ?? new DaemonTelemetry({ config, logger: options.logger, now: this.now, ...view, ...(options.version ? { version: options.version } : {}) });
    this.telemetry.attach(view);
  }

  get currentState(): DaemonState {
    return this.state;
  }

  /** During a graceful stop: what it is doing (for a stop that takes too long). */
  get stopPhase(): string {
    return this.phase;
  }

  stats(): PipelineStats | undefined {
    return this.pipeline?.stats();
  }

  async start(): Promise<void> {
    if (this.state !== 'created') throw new SluiceError(ErrorCode.INTERNAL, `cannot start a daemon in state ${this.state}`);
    this.state = 'starting';
    const { config } = this;
    const logger = this.options.logger;
    const job = clickstreamJob as unknown as JobDefinition<unknown, unknown, ClickCountResult>;
    const startedAt = this.now();
    try {
      await this.telemetry.start();
      this.lock = await StateDirectoryLock.acquire(config.state.dir);
      // The window workers start now (modules, LMDB), beside the Kafka checks; what they restore
      // is decided below and sent when the pipeline starts.
      const stage = new WorkerKeyedStage<unknown, ClickCountResult>({
        workers: config.workers,
        job: job.name,
        windows: config.windows,
        stateDir: config.state.dir,
        writeBufferEntries: config.state.writeBufferEntries,
        inbox: config.workerInbox,
        maxHeapMb: config.workerMaxHeapMb,
        onFailure: (err) => void this.fail(err),
        onMetrics: (thread, snapshot) => this.telemetry.metrics.mergeThread(thread, snapshot),
        onBarrierAck: (worker, id, changed, files) => this.onBarrierAck(worker, id, changed, files),
        onBarrierDeclined: (worker, id, err) => this.coordinator?.decline(id, `worker-${worker}`, err),
        ...testWorkerExit(this.options.attempt ?? 0),
        logger: logger.child({ component: 'window-workers' }),
      });
      this.stage = stage;
      stage.spawn();
      const kafka = config.kafka ? createKafka(config.kafka, logger) : undefined;
      let restore: { record: CheckpointRecord | undefined; newestId: number } = { record: undefined, newestId: 0 };
      let savepoint: { verified: VerifiedSavepoint; epoch: number } | undefined;
      if (this.options.fromSavepoint && !(kafka && config.kafka)) {
        throw new SluiceError(
          ErrorCode.SAVEPOINT_INCOMPATIBLE,
          '--from-savepoint needs SLUICE_KAFKA_BROKERS: a savepoint goes on from Kafka offsets, and the built-in generator has none',
        );
      }
      let logStarts = new Map<number, number>();
      if (kafka && config.kafka) {
        const settings = config.kafka;
        this.source = new KafkaSource(kafka, settings, logger.child({ component: 'kafka-source' }), {
          stallTimeoutMs: settings.stallTimeoutMs ?? 30_000,
          onStalled: (err) => void this.fail(err),
        });
        const source = this.source;
        // A broker that is down (restarting) is waited for, not a reason to fail the start.
        const waitOptions = { timeoutMs: settings.startupTimeoutMs ?? 300_000, logger, isStopped: () => this.state !== 'starting' };
        const patiently = <T>(step: () => Promise<T>) => waitForKafka(step, waitOptions);
        // Refused before the producer below starts: a refused daemon must not fence the running one.
        await Promise.all([patiently(() => source.prepareTopics()), patiently(() => source.assertNoOtherDaemon(previousRuns(config.state.dir)))]);
        recordRun(config.state.dir);
        this.checkpoints = new CheckpointStore(config.state.dir);
        // Fences any older producer of this job (a killed daemon still alive, a second daemon) and
        // settles the transaction it left open: from here on, Kafka's answer below is final.
        this.sideOutputs = new TransactionalSideOutputs({
          kafka,
          transactionalId: `sluice.${settings.groupId}.side-outputs`,
          groupId: settings.groupId,
          inputTopic: settings.topic,
          maxBufferedBytes: settings.sideOutputBufferBytes ?? 64 * 1024 * 1024,
          // Open from a checkpoint's first side output to its commit; the broker caps it (15 min by default).
          transactionTimeoutMs: Math.min(900_000, Math.max(60_000, 2 * config.checkpoint.intervalMs + config.checkpoint.timeoutMs)),
          logger: logger.child({ component: 'side-outputs' }),
          onFull: () => void this.coordinator?.triggerNow().catch(() => undefined),
        });
        const sideOutputs = this.sideOutputs;
        await patiently(() => sideOutputs.start());
        const [committed, starts] = await Promise.all([
          patiently(() => readCommittedCheckpoint(kafka, settings.groupId, settings.topic)),
          patiently(() => source.logStartOffsets()),
        ]);
        logStarts = starts;
        if (this.options.fromSavepoint) {
          // Verified whole (every checksum) before the live state or any checkpoint is touched.
          const verified = readSavepoint(this.options.fromSavepoint);
          const notes = checkCompatible(
            verified.manifest,
            { job: job.name, topic: settings.topic, groupId: settings.groupId, windowMs: config.windows.sizeMs, keyGroups: KEY_GROUPS },
            verified.dir,
          );
          for (const note of notes) logger.info({ savepoint: verified.dir }, note);
          const ids = this.checkpoints.ids();
          // Ids never repeat: the imported state becomes a checkpoint above every id seen.
          const epoch = Math.max(ids[ids.length - 1] ?? 0, verified.manifest.checkpointId, committed ?? 0) + 1;
          if (ids.length > 0) {
            logger.warn(
              { savepoint: verified.dir, droppedCheckpoints: ids },
              `restoring a savepoint: it takes precedence over the ${ids.length} checkpoint(s) in ${config.state.dir}, which are dropped`,
            );
          }
          await this.checkpoints.dropAfter(0);
          savepoint = { verified, epoch };
          restore = { record: undefined, newestId: epoch };
        } else {
          // Barrier checkpoints make results exactly-once: restore the latest complete one, where
          // complete includes its side-output transaction (Kafka's word, read above).
          if (committed === undefined && this.checkpoints.ids().length > 0) {
            logger.warn(
              { groupId: settings.groupId },
              `group "${settings.groupId}" holds no committed checkpoint (its offsets expired: offsets.retention.minutes); restoring the latest recorded checkpoint, whose dead letters and late events may repeat once`,
            );
          }
          restore = this.checkpoints.latest(config.checkpoint.onCorrupt, logger, (record) => !record.sideOutputsTxn || committed === undefined || record.id <= committed);
          restore.newestId = Math.max(restore.newestId, committed ?? 0);
        }
        const record = restore.record;
        if (record && (record.source?.topic !== settings.topic || record.source?.groupId !== settings.groupId)) {
          throw new SluiceError(
            ErrorCode.CHECKPOINT_INCOMPATIBLE,
            `checkpoint ${record.id} in ${config.state.dir} belongs to topic "${record.source?.topic}" (group "${record.source?.groupId}"), not to topic "${settings.topic}" (group "${settings.groupId}"); give each job its own SLUICE_STATE_DIR, or remove ${config.state.dir} to start from empty state`,
            { details: { checkpointId: record.id } },
          );
        }
        if (record && record.workers !== config.workers) {
          throw new SluiceError(
            ErrorCode.CHECKPOINT_INCOMPATIBLE,
            `checkpoint ${record.id} in ${config.state.dir} was taken with SLUICE_WORKERS=${record.workers}, but SLUICE_WORKERS is ${config.workers}; run with SLUICE_WORKERS=${record.workers}, or rescale through a savepoint: \`sluice stop --savepoint\`, then \`sluice run --from-savepoint PATH\` with the new SLUICE_WORKERS`,
            { details: { checkpointId: record.id, checkpointWorkers: record.workers, workers: config.workers } },
          );
        }
        this.deadLetters = this.sideOutputs;
      } else {
        this.deadLetters = new LoggingDeadLetterSink(logger.child({ component: 'dead-letters' }));
      }
      this.deadLetters = this.telemetry.instrumentDeadLetters(this.deadLetters);
      if (kafka) this.telemetry.watchKafka(kafka);
      this.sinks = this.buildSinks(job).map((sink) => this.telemetry.instrumentSink(sink));
      if (this.deadLetters !== this.sideOutputs) await this.deadLetters.start();
      for (const sink of this.sinks) await sink.start();

      this.pipeline = new WindowPipeline({
        job,
        windows: config.windows,
        topics: config.topics,
        sinks: this.sinks,
        deadLetters: this.deadLetters,
        now: this.now,
        logger,
        ...(restore.record ? { checkpoint: restore.record.placement } : savepoint ? { checkpoint: savepoint.verified.manifest.placement } : {}),
        keyedStage: (onResults) => {
          stage.bindResults(onResults);
          stage.setRestore({
            ...(restore.record ? { restoreTo: restore.record.id } : {}),
            ...(savepoint
              ? { importSavepoint: { dir: savepoint.verified.dir, formatVersion: savepoint.verified.formatVersion, files: savepoint.verified.manifest.files, epoch: savepoint.epoch } }
              : {}),
          });
          return stage;
        },
        telemetry: this.telemetry.pipeline,
        // Kafka tells where each partition ends: only a caught-up partition can be idle.
        idleness: this.source ? 'caught-up' : 'silence',
      });
      const restoreStartedAt = this.now();
      await this.pipeline.start();
      if (restore.record) {
        const record = restore.record;
        // Records newer than the one restored cannot be restored any more (their undo logs are gone).
        await this.checkpoints?.dropAfter(record.id);
        logger.info(
          { checkpointId: record.id, offsets: record.placement.offsets, watermark: record.placement.watermark, restoreMs: this.now() - restoreStartedAt },
          'restored the latest complete checkpoint',
        );
      } else if (savepoint && this.checkpoints) {
        const { verified, epoch } = savepoint;
        const { manifest } = verified;
        // The imported state is checkpoint `epoch` from now on: a crash before the next checkpoint
        // restores it, not the empty state.
        await this.checkpoints.write(
          {
            formatVersion: CHECKPOINT_FORMAT_VERSION,
            id: epoch,
            kind: 'savepoint',
            createdAt: this.now(),
            triggeredAt: this.now(),
            workers: config.workers,
            keyGroups: KEY_GROUPS,
            source: { topic: config.kafka?.topic ?? '', groupId: config.kafka?.groupId ?? '' },
            placement: manifest.placement,
            changed: {},
          },
          config.checkpoint.retained,
        );
        logger.info(
          {
            savepoint: verified.dir,
            savepointCheckpointId: manifest.checkpointId,
            checkpointId: epoch,
            formatVersion: verified.formatVersion,
            savepointWorkers: manifest.workers,
            workers: config.workers,
            importedEntries: this.stage?.imported,
            offsets: manifest.placement.offsets,
            watermark: manifest.placement.watermark,
            restoreMs: this.now() - restoreStartedAt,
          },
          verified.formatVersion < SAVEPOINT_FORMAT_VERSION
            ? `restored savepoint ${verified.dir} (format ${verified.formatVersion}, migrated to ${SAVEPOINT_FORMAT_VERSION})`
            : `restored savepoint ${verified.dir}`,
        );
      } else if (this.checkpoints) {
        logger.info('no checkpoint to restore: starting from empty window state');
      }

      // Kafka's record of the checkpoint restored: what a restart after a crash before the next
      // commit finds again (and what the group's lag is measured from).
      if (this.sideOutputs) {
        const pipeline = this.pipeline;
        const restoredId = restore.record?.id ?? savepoint?.epoch ?? 0;
        const offsets = new Map([...logStarts, ...pipeline.nextOffsets()]);
        await this.sideOutputs.commit(restoredId, offsets, this.now() + config.checkpoint.timeoutMs);
      }

      const handler: SourceHandler = this.telemetry.instrumentSource({
        positions: () => this.pipeline?.nextOffsets() ?? new Map(),
        onLogEnds: (ends, fetched) => this.pipeline?.observeLogEnds(ends, fetched),
        onLogEndsUnknown: () => this.pipeline?.logEndsUnknown(),
        onAssign: (partitions) => this.pipeline?.assign(partitions),
        onRevoke: (partitions) =>
          this.fail(
            new SluiceError(
              ErrorCode.PIPELINE_STOPPED,
              `partitions ${partitions.join(',')} were taken away by a rebalance of sluice's own run-scoped consumer group (something else joined it); restarting restores the last complete checkpoint`,
              { retriable: true },
            ),
          ),
        onBatch: (batch) => this.onBatch(batch),
      });

      this.state = 'running';
      this.every(TICK_MS, () => this.tick());
      if (this.source) {
        this.startCoordinator(restore.newestId + 1);
        await this.source.start(handler);
        logger.info(
          { topic: config.kafka?.topic, groupId: config.kafka?.groupId, sinks: this.sinks.map((s) => s.name), processUptimeMs: Math.round(process.uptime() * 1000), startMs: this.now() - startedAt },
          'sluice is consuming',
        );
      } else {
        this.startGenerator(handler);
        logger.info({ sinks: this.sinks.map((s) => s.name) }, 'sluice is running on the built-in click generator');
      }
      if (this.options.statusOut) {
        const out = this.options.statusOut;
        let last = { at: this.now(), records: 0 };
        this.every(this.options.statusIntervalMs ?? 2000, async () => {
          const stats = this.pipeline?.stats();
          if (!stats) return;
          const at = this.now();
          out.write(formatStatus(stats, (stats.recordsIn - last.records) / Math.max(0.001, (at - last.at) / 1000)) + '\n');
          last = { at, records: stats.recordsIn };
        });
      }
    } catch (err) {
      await this.fail(err);
      throw err;
    }
  }

  /** Graceful stop: stop intake, write what is due, commit, close. */
  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'failed' || this.state === 'stopping') return this.finished.catch(() => undefined);
    this.state = 'stopping';
    this.clearTimers();
    try {
      this.phase = 'stopping intake';
      this.source?.stopIntake();
      this.generatorStop?.abort();
      await this.generatorDone;
      this.phase = 'finishing the batch in progress';
      await this.executor.idle();
      this.phase = 'taking the final checkpoint';
      if (this.coordinator) {
        await this.coordinator.triggerNow({ final: true });
        await this.coordinator.stop();
      } else if (this.pipeline) {
        // No checkpoints (the built-in generator): hand over every result and flush the sinks.
        this.phase = 'flushing sinks';
        const pipeline = this.pipeline;
        await this.executor.run(() => pipeline.flush());
      }
      this.phase = 'closing connections';
      await this.closeAll();
      this.state = 'stopped';
      this.resolveFinished();
    } catch (err) {
      await this.fail(err);
    }
  }

  /**
   * Take a savepoint now: a checkpoint of kind 'savepoint' whose barrier also makes every worker
   * write its key groups into `<parentDir>/savepoint-<id>-<time>` (default
   * `${SLUICE_STATE_DIR}/savepoints`). Resolves with its path once the checkpoint is complete (sinks
   * flushed what preceded the barrier). One at a time; SAVEPOINT_FAILED when it cannot be taken.
   */
  savepoint(parentDir?: string): Promise<string> {
    const take = async (): Promise<string> => {
      const coordinator = this.coordinator;
      if (this.state !== 'running') throw new SluiceError(ErrorCode.SAVEPOINT_FAILED, `no savepoint taken: the daemon is ${this.state}`, { details: { state: this.state } });
      if (!coordinator) {
        throw new SluiceError(ErrorCode.SAVEPOINT_FAILED, 'no savepoint taken: savepoints need Kafka (SLUICE_KAFKA_BROKERS); the built-in generator runs without checkpoints');
      }
      this.savepointParent = parentDir ?? join(this.config.state.dir, 'savepoints');
      let completed;
      try {
        completed = await coordinator.triggerNow({ savepoint: true });
      } catch (err) {
        throw new SluiceError(ErrorCode.SAVEPOINT_FAILED, `the savepoint's checkpoint failed: ${(err as Error).message}`, { cause: err });
      }
      const path = this.savepointPaths.get(completed.id);
      this.savepointPaths.delete(completed.id);
      if (!path) throw new SluiceError(ErrorCode.SAVEPOINT_FAILED, `checkpoint ${completed.id} completed without writing its savepoint`);
      return path;
    };
    const result = this.savepointQueue.then(take, take);
    this.savepointQueue = result.catch(() => undefined);
    return result;
  }

  private async onBatch(batch: Parameters<SourceHandler['onBatch']>[0]): Promise<void> {
    if (this.state !== 'running') return;
    try {
      // Outside the serial section, so a barrier (which empties the buffer) can still be placed.
      await this.sideOutputs?.whenRoom();
      await this.executor.run(() => (this.pipeline as WindowPipeline<unknown, unknown, ClickCountResult>).processBatch(batch));
    } catch (err) {
      await this.fail(err);
    }
  }

  private async tick(): Promise<void> {
    if (this.tickPending || this.state !== 'running') return;
    this.tickPending = true;
    try {
      await this.executor.run(() => (this.pipeline as WindowPipeline<unknown, unknown, ClickCountResult>).tick());
    } finally {
      this.tickPending = false;
    }
  }

  /**
   * Barrier checkpoints (see docs/ARCHITECTURE.md, "Barrier checkpoints"): participants are every
   * worker and the sinks; the barrier is placed inside the serial executor, between batches.
   */
  private startCoordinator(firstCheckpointId: number): void {
    const { config } = this;
    const logger = this.options.logger.child({ component: 'checkpoints' });
    const workers = Array.from({ length: config.workers }, (_, i) => `worker-${i}`);
    this.coordinator = new CheckpointCoordinator<PipelinePlacement, WorkerAck>({
      intervalMs: config.checkpoint.intervalMs,
      minPauseMs: config.checkpoint.minPauseMs,
      timeoutMs: config.checkpoint.timeoutMs,
      tolerableConsecutiveFailures: config.checkpoint.tolerableFailures,
      firstCheckpointId,
      participants: [...workers, 'sinks'],
      clock: systemClock,
      scheduler: systemScheduler,
      logger,
      triggerBarrier: (id, kind) =>
        this.executor.run(async () => {
          const pipeline = this.pipeline;
          const stage = this.stage;
          if (!pipeline || !stage || this.state === 'failed') throw new SluiceError(ErrorCode.PIPELINE_STOPPED, 'the pipeline is not running');
          let target: SavepointTarget | undefined;
          if (kind === 'savepoint') {
            target = prepareSavepoint(this.savepointParent ?? join(config.state.dir, 'savepoints'), savepointName(id, this.now()));
            this.savepointTargets.set(id, target);
          }
          // Between two batches: the placement and the barrier after every step posted so far
          // describe the same cut (each worker's port is FIFO).
          const placement = pipeline.placement();
          this.barrierAcks.set(id, new Set());
          this.checkpointTraces.set(id, this.telemetry.checkpointTrace(id));
          stage.barrier(id, target ? { dir: target.tmpDir } : undefined);
          // Every letter of a record before the barrier was sent already (same serial section).
          this.sideOutputs?.seal(id);
          return placement;
        }),
      persist: async (completed) => {
        const record = this.checkpointRecord(completed);
        const store = this.checkpoints as CheckpointStore;
        const trace = this.checkpointTraces.get(completed.id);
        // A savepoint is complete with its manifest, written only now that every ack is in.
        const target = this.savepointTargets.get(completed.id);
        if (target) this.finishSavepoint(target, completed);
        const write = () => store.write(record, config.checkpoint.retained);
        try {
          const { oldestRetainedId, bytes } = await (trace ? trace.step('persist', write) : write());
          // Second phase: the side outputs up to the barrier and the offsets, in one transaction.
          // Until it commits the record does not count (a restart asks Kafka, see start()).
          const sideOutputs = this.sideOutputs;
          if (sideOutputs) {
            const offsets = new Map(Object.entries(completed.placement.offsets).map(([p, o]) => [Number(p), o]));
            const commit = () => sideOutputs.commit(completed.id, offsets, this.now() + config.checkpoint.timeoutMs);
            try {
              await (trace ? trace.step('commit side outputs and offsets', commit) : commit());
            } catch (err) {
              await store.dropAfter(completed.id - 1).catch(() => undefined);
              throw err;
            }
          }
          this.oldestRetainedId = oldestRetainedId;
          this.lastRecordBytes = bytes;
        } catch (err) {
          // The savepoint is reported failed: it must not stay behind looking complete.
          if (target) rmSync(target.finalDir, { recursive: true, force: true });
          this.savepointPaths.delete(completed.id);
          throw err;
        }
      },
      onCompleted: async (completed) => {
        this.barrierAcks.delete(completed.id);
        this.savepointTargets.delete(completed.id);
        const savepointPath = this.savepointPaths.get(completed.id);
        if (savepointPath) logger.info({ savepoint: savepointPath, checkpointId: completed.id, ...this.savepointSummaries.get(completed.id) }, 'savepoint complete');
        this.savepointSummaries.delete(completed.id);
        this.telemetry.checkpointCompleted(this.now() - completed.triggeredAt, this.lastRecordBytes);
        this.stage?.checkpointComplete(this.oldestRetainedId);
        logger.debug(
          { checkpointId: completed.id, offsets: completed.placement.offsets, changed: completed.sizeBytes, durationMs: this.now() - completed.triggeredAt },
          'checkpoint complete',
        );
        this.checkpointTraces.get(completed.id)?.end();
        this.checkpointTraces.delete(completed.id);
      },
      onAborted: (failure) => {
        this.barrierAcks.delete(failure.checkpointId);
        const target = this.savepointTargets.get(failure.checkpointId);
        this.savepointTargets.delete(failure.checkpointId);
        if (target) discardSavepoint(target);
        this.checkpointTraces.get(failure.checkpointId)?.end(failure.error);
        this.checkpointTraces.delete(failure.checkpointId);
        this.telemetry.checkpointFailed(failure.reason);
        if (failure.reason !== 'ABORTED_BY_STOP') logger.warn({ err: failure.error, checkpointId: failure.checkpointId, reason: failure.reason }, 'checkpoint failed');
      },
      onFatal: (err) => void this.fail(err),
    });
    this.coordinator.start();
  }

  /**
   * Worker `worker` acknowledged barrier `id`; its results before the barrier were handed to the
   * sinks already (same reply stream). Once every worker has, the sinks and the dead-letter
   * producer flush, and the `sinks` participant acknowledges.
   */
  private onBarrierAck(worker: number, id: number, changed: number, savepointFiles?: SavepointFile[]): void {
    const coordinator = this.coordinator;
    if (!coordinator) return;
    coordinator.acknowledge(id, `worker-${worker}`, { changed, ...(savepointFiles ? { savepointFiles } : {}) }, changed);
    const acked = this.barrierAcks.get(id);
    if (!acked) return;
    acked.add(worker);
    if (acked.size < this.config.workers) return;
    const flush = () => Promise.all([...this.sinks.map((s) => s.flush()), ...(this.deadLetters ? [this.deadLetters.flush()] : [])]);
    const trace = this.checkpointTraces.get(id);
    (trace ? trace.step('flush sinks', flush) : flush()).then(
      () => coordinator.acknowledge(id, 'sinks', { changed: 0 }),
      (err: unknown) => coordinator.decline(id, 'sinks', err),
    );
  }

  /** Every worker wrote its key groups: write the manifest and give the savepoint its final name. */
  private finishSavepoint(target: SavepointTarget, completed: CompletedCheckpoint<PipelinePlacement, WorkerAck>): void {
    const { config } = this;
    const files = [...completed.acks.values()].flatMap((ack) => ack.savepointFiles ?? []);
    const manifest = finishSavepoint(target, {
      formatVersion: SAVEPOINT_FORMAT_VERSION,
      sluiceVersion: this.options.version ?? 'unknown',
      createdAt: new Date(this.now()).toISOString(),
      checkpointId: completed.id,
      job: clickstreamJob.name,
      source: { topic: config.kafka?.topic ?? '', groupId: config.kafka?.groupId ?? '' },
      keyGroups: KEY_GROUPS,
      workers: config.workers,
      windowMs: config.windows.sizeMs,
      placement: completed.placement,
      files,
    });
    this.savepointPaths.set(completed.id, target.finalDir);
    this.savepointSummaries.set(completed.id, { keyGroupFiles: files.length, entries: files.reduce((n, f) => n + f.entries, 0), offsets: manifest.placement.offsets });
  }

  private checkpointRecord(completed: CompletedCheckpoint<PipelinePlacement, WorkerAck>): CheckpointRecord {
    const changed: Record<string, number> = {};
    for (const [participant, ack] of completed.acks) {
      if (participant.startsWith('worker-')) changed[participant.slice('worker-'.length)] = ack.changed;
    }
    return {
      formatVersion: CHECKPOINT_FORMAT_VERSION,
      id: completed.id,
      kind: completed.kind,
      createdAt: this.now(),
      triggeredAt: completed.triggeredAt,
      workers: this.config.workers,
      keyGroups: KEY_GROUPS,
      source: { topic: this.config.kafka?.topic ?? '', groupId: this.config.kafka?.groupId ?? '' },
      placement: completed.placement,
      changed,
      ...(this.sideOutputs ? { sideOutputsTxn: true } : {}),
    };
  }

  private startGenerator(handler: SourceHandler): void {
    const generator = new ClickGenerator(this.config.generator, this.now);
    this.generatorStop = new AbortController();
    this.generatorDone = generator.run(handler, this.generatorStop.signal).then(
      async (outcome) => {
        if (outcome !== 'exhausted' || this.state !== 'running') return;
        // A bounded input has ended: every open window fires, then the daemon stops.
        await this.executor.run(() => (this.pipeline as WindowPipeline<unknown, unknown, ClickCountResult>).finish());
        this.generatorStop = undefined;
        this.generatorDone = undefined;
        void this.stop();
      },
      (err: unknown) => this.fail(err),
    );
  }

  private buildSinks(job: JobDefinition<unknown, unknown, ClickCountResult>): Array<ResultSink<ClickCountResult>> {
    const { config, options } = this;
    const sinks: Array<ResultSink<ClickCountResult>> = [];
    if (config.elasticsearch) {
      sinks.push(
        new ElasticsearchSink<ClickCountResult>({
          config: config.elasticsearch,
          job,
          deadLetters: this.deadLetters,
          deadLetterTopic: config.topics.dlq,
          logger: options.logger.child({ component: 'elasticsearch-sink' }),
        }),
      );
    }
    if (config.redis) {
      sinks.push(
        new RedisSink<ClickCountResult>({
          config: config.redis,
          job,
          logger: options.logger.child({ component: 'redis-sink' }),
        }),
      );
    }
    if (sinks.length === 0) sinks.push(new JsonLinesSink<ClickCountResult>(options.resultsOut ?? process.stdout));
    return sinks;
  }

  private every(ms: number, task: () => Promise<void>): void {
    const timer = setInterval(() => {
      task().catch((err: unknown) => this.fail(err));
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private clearTimers(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
  }

  private async fail(err: unknown): Promise<void> {
    if (this.state === 'failed' || this.state === 'stopped') return;
    this.state = 'failed';
    this.clearTimers();
    this.options.logger.error({ err }, 'sluice stopped on a failure; a restart restores the last complete checkpoint');
    void this.coordinator?.stop();
    this.source?.stopIntake();
    this.generatorStop?.abort();
    await this.closeAll().catch(() => undefined);
    this.rejectFinished(err);
  }

  private async closeAll(): Promise<void> {
    const closing: Array<Promise<void>> = [...this.sinks.map((s) => s.close())];
    if (this.pipeline) closing.push(this.pipeline.stop());
    else if (this.stage) closing.push(this.stage.stop());
    if (this.deadLetters) closing.push(this.deadLetters.close());
    if (this.source) closing.push(this.source.stop());
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

/**
 * Test only: SLUICE_TEST_WORKER_EXIT_AFTER_STEPS=N makes every worker thread exit (code 3) on its
 * N+1st step, to show that a crashed worker fails the job (WORKER_FAILED) and a restart recovers
 * exactly; SLUICE_TEST_WORKER_EXIT_ATTEMPTS=K limits it to the first K starts of the job in this
 * process (default: every start), so a supervised in-process restart can be shown. Never set them
 * in production.
 */
function testWorkerExit(attempt: number): { exitAfterSteps?: number } {
  const raw = process.env.SLUICE_TEST_WORKER_EXIT_AFTER_STEPS;
  const n = Number(raw);
  if (raw === undefined || raw === '' || !Number.isSafeInteger(n) || n < 0) return {};
  const attemptsRaw = process.env.SLUICE_TEST_WORKER_EXIT_ATTEMPTS;
  const attempts = attemptsRaw === undefined || attemptsRaw === '' ? Number.POSITIVE_INFINITY : Number(attemptsRaw);
  return attempt < attempts ? { exitAfterSteps: n } : {};
}

/** The checkpoint Kafka says the job's side outputs were committed up to (undefined: none yet). */
async function readCommittedCheckpoint(kafka: ReturnType<typeof createKafka>, groupId: string, topic: string): Promise<number | undefined> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    return await committedCheckpoint(admin, groupId, topic);
  } catch (err) {
    throw new SluiceError(ErrorCode.KAFKA_UNAVAILABLE, `cannot read the committed checkpoint of group "${groupId}": ${(err as Error).message}`, { retriable: true, cause: err });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
