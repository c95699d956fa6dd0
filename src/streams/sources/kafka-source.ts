/**
 * The Kafka source: kafkajs consumers that only fetch; the pipeline owns the read positions.
 *
 * Failure model (docs/kafka-failures.md):
 * - **Run-scoped groups.** Each consumer joins a group of its own, `<group>.sluice-run.<run>.<n>`,
 *   which it is the only member of: the join completes at once (no dead member of a killed daemon
 *   to wait for), and the group never holds committed offsets. The job's configured group gets the
 *   checkpoints' offsets through the side-output transactions (monitoring, and the commit decision).
 * - **A rejoin never moves the read position.** On every assignment the consumer seeks each
 *   partition to the pipeline's next offset (`SourceHandler.positions`), and the pipeline drops a
 *   record it already processed. Whatever kafkajs does (retries, a rebalance, a new generation),
 *   the next record of a partition is the one after those already processed.
 * - **A consumer that stops is replaced.** kafkajs is told never to restart a crashed consumer
 *   itself; a crash (a broker outage that outlasts its retries) or an unexpected stop makes this
 *   source start a new consumer in a new run group, with backoff, for as long as it takes.
 * - **It never stalls silently.** A watchdog compares the log ends with the positions: records
 *   waiting in Kafka while no batch arrives (and the pipeline is not blocked) for the stall timeout
 *   fail the job (KAFKA_CONSUMER_STALLED), which the supervisor restarts from its checkpoint.
 * - **Log ends for idleness.** Every second the partitions' log ends are fetched and handed to the
 *   pipeline: a partition is idle only when caught up (see PartitionWatermarks).
 */
import { systemScheduler, type Cancel, type Scheduler } from '../../clock.js';
import { randomBytes } from 'node:crypto';
import kafkajs, { type Admin, type Consumer, type EachBatchPayload, type Kafka } from 'kafkajs';
import type { SluiceConfig } from '../../config.js';
import { DEFAULT_FETCH_PARTITION_BYTES, fetchMaxBytes } from '../../config/runtime-defaults.js';
import { type CauseLike, causeChain, ErrorCode, SluiceError } from '../../errors.js';
import type { Logger } from '../../telemetry/logging.js';
import { carrierFromHeaders } from '../../telemetry/tracing.js';
import { fastRecordDecodingStatus } from './kafka-record-decoding.js';
import { ReadAhead } from './read-ahead.js';
import { judgeStall, progressOnLogEnds } from './stall-watch.js';
import type { SourceBatch, SourceHandler, SourceRecord } from './source.js';

type KafkaSettings = NonNullable<SluiceConfig['kafka']>;

// kafkajs is CommonJS and this export is not visible to ESM named imports.
const { ConfigResourceTypes } = kafkajs;
const HEARTBEAT_WHILE_BLOCKED_MS = 3_000;
const DEAD_LETTER_HEADER_ROOM = 64 * 1024;
const LOG_END_POLL_MS = 1_000;
const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 5_000;

/** This process's run id: every consumer it starts joins `<group>.sluice-run.<RUN_ID>.<n>`. */
export const RUN_ID = randomBytes(6).toString('hex');
let consumersStarted = 0;

/** Whether the first consumer decodes records the fast way (cli.ts installs it), and if not why. */
function logRecordDecoding(logger: Logger): void {
  const status = fastRecordDecodingStatus();
  if (status?.installed) logger.debug('kafka records decoded on numbers (kafka-record-decoding.ts)');
  else logger.info({ reason: status?.reason ?? 'not installed in this process' }, "kafka records decoded by kafkajs's own decoder");
}

/** The prefix of every run-scoped group of a job, whatever process started it. */
export function runGroupPrefix(groupId: string): string {
  return `${groupId}.sluice-run.`;
}

export type SourceState = 'created' | 'connecting' | 'consuming' | 'reconnecting' | 'stopped';

/** What checkTopics found: the input's partition count, the side-output topics to create. */
export interface SideTopicsPlan {
  partitions: number;
  missing: string[];
}

export interface KafkaSourceStatus {
  state: SourceState;
  /** Since when it is in this state (ms). */
  since: number;
  /** Consumers started after the first (each a reconnect). */
  reconnects: number;
  lastError?: string;
}

export interface KafkaSourceOptions {
  /** The stall watchdog's timeout (SLUICE_KAFKA_STALL_TIMEOUT_MS); 0 = off. */
  stallTimeoutMs: number;
  /** Called once when the watchdog finds the consumer stalled: the job must fail. */
  onStalled: (err: SluiceError) => void;
  now?: () => number;
  /** Runs the log-end poll and the watchdog (default: the system's timers). */
  scheduler?: Scheduler;
}

export class KafkaSource {
  private consumer: Consumer | undefined;
  private admin: Admin | undefined;
  private handler: SourceHandler | undefined;
  private assigned = new Set<number>();
  private intakeStopped = false;
  private stopping = false;
  private status: KafkaSourceStatus;
  private readonly now: () => number;
  private timers: Cancel[] = [];
  private reconnecting: Promise<void> | undefined;
  /**
   * Fetched batches handed over and not processed yet, oldest first (bounded in onBatch): the one
   * the pipeline handles now and those queued for it (they may wait on credit: not a stall).
   */
  private readonly readAhead = new ReadAhead();
  private lastProgressAt = 0;
  /** partition -> where kafkajs moved past records the pipeline never sees (transaction markers). */
  private readonly fetched = new Map<number, number>();
  /** The last log ends seen and when; undefined while unknown. */
  private logEnds: { at: number; ends: Map<number, { start: number; end: number }> } | undefined;
  /** When a poll of the log ends first failed since the last that answered (Kafka unreachable). */
  private logEndsUnknownSince: number | undefined;
  private polling = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: KafkaSettings,
    private readonly logger: Logger,
    private readonly options: KafkaSourceOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.status = { state: 'created', since: this.now(), reconnects: 0 };
  }

  get state(): KafkaSourceStatus {
    return { ...this.status };
  }

  /**
   * The input topic must exist: its partition count, and which of the dead-letter and late topics
   * are missing (createSideTopics makes them).
   */
  async checkTopics(given?: Admin): Promise<SideTopicsPlan> {
    return this.withAdmin(given, async (admin) => {
      const existing = new Set(await admin.listTopics());
      if (!existing.has(this.settings.topic)) {
        throw new SluiceError(
          ErrorCode.KAFKA_TOPIC_MISSING,
          `input topic "${this.settings.topic}" does not exist on ${this.settings.brokers.join(',')}; create it (e.g. kafka-topics --create --topic ${this.settings.topic} --partitions 6) or set SLUICE_KAFKA_TOPIC`,
          { details: { topic: this.settings.topic } },
        );
      }
      const meta = await admin.fetchTopicMetadata({ topics: [this.settings.topic] });
      const partitions = meta.topics[0]?.partitions.length ?? 1;
      return { partitions, missing: [this.settings.dlqTopic, this.settings.lateTopic].filter((t) => !existing.has(t)) };
    });
  }

  /** Create the dead-letter and late topics checkTopics found missing, partitioned as the input. */
  async createSideTopics(plan: SideTopicsPlan, given?: Admin): Promise<void> {
    if (plan.missing.length === 0) return;
    await this.withAdmin(given, async (admin) => {
      // A dead letter carries the original value unchanged: the topic must take values as large
      // as the input topic does, plus room for our headers.
      const maxBytes = await inputMaxMessageBytes(admin, this.settings.topic);
      await admin.createTopics({
        waitForLeaders: true,
        topics: plan.missing.map((topic) => ({
          topic,
          numPartitions: plan.partitions,
          ...(maxBytes ? { configEntries: [{ name: 'max.message.bytes', value: String(maxBytes + DEAD_LETTER_HEADER_ROOM) }] } : {}),
        })),
      });
      this.logger.info({ topics: plan.missing }, 'created missing dead-letter/late topics');
    });
  }

  /**
   * Refuse to run beside another daemon of the same job: a run-scoped group of this job with live
   * members that is not this process's and not one of `ownRuns` (earlier runs on this state
   * directory, which holds the lock: they are dead, their members only wait to expire).
   */
  async assertNoOtherDaemon(ownRuns: readonly string[], given?: Admin): Promise<void> {
    return this.withAdmin(given, async (admin) => {
      const prefix = runGroupPrefix(this.settings.groupId);
      const mine = new Set([RUN_ID, ...ownRuns]);
      const candidates = (await admin.listGroups()).groups
        .map((g) => g.groupId)
        .filter((id) => id.startsWith(prefix) && !mine.has(id.slice(prefix.length).split('.')[0] ?? ''));
      if (candidates.length === 0) return;
      const described = await admin.describeGroups(candidates);
      const live = described.groups.filter((g) => g.members.length > 0 && g.state !== 'Empty' && g.state !== 'Dead');
      if (live.length === 0) return;
      const first = live[0] as (typeof live)[number];
      throw new SluiceError(
        ErrorCode.KAFKA_GROUP_IN_USE,
        `another sluice daemon is consuming topic "${this.settings.topic}" for group "${this.settings.groupId}" (its run group "${first.groupId}" has ${first.members.length} live member(s), client "${first.members[0]?.clientId ?? '?'}" on ${first.members[0]?.clientHost ?? '?'}); two daemons would count the same records. Stop it first; if it was killed, its membership expires within the session timeout (30 s)`,
        { details: { runGroup: first.groupId, topic: this.settings.topic, groupId: this.settings.groupId } },
      );
    });
  }

  /** partition -> the first offset still in the log (where a partition never read starts). */
  async logStartOffsets(given?: Admin): Promise<Map<number, number>> {
    return this.withAdmin(given, async (admin) => {
      try {
        const offsets = await admin.fetchTopicOffsets(this.settings.topic);
        return new Map(offsets.map((o) => [o.partition, Number(o.low)]));
      } catch (err) {
        throw new SluiceError(ErrorCode.KAFKA_UNAVAILABLE, `cannot read the offsets of ${this.settings.topic}: ${(err as Error).message}`, {
          retriable: true,
          cause: err,
        });
      }
    });
  }

  /** Run `use` with the given admin client, or with one of its own for the call. */
  private async withAdmin<T>(given: Admin | undefined, use: (admin: Admin) => Promise<T>): Promise<T> {
    if (given) return use(given);
    const admin = this.kafka.admin();
    try {
      await connect(admin, this.settings);
      return await use(admin);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** Start consuming; resolves once the first consumer joined (or is being replaced after a failure). */
  async start(handler: SourceHandler): Promise<void> {
    this.handler = handler;
    this.lastProgressAt = this.now();
    this.admin = this.kafka.admin({ retry: { retries: 1, initialRetryTime: 200, maxRetryTime: 1_000 } });
    this.every(LOG_END_POLL_MS, () => this.pollLogEnds());
    if (this.options.stallTimeoutMs > 0) this.every(1_000, () => this.watchForStall());
    await this.startConsumer();
  }

  /**
   * Stop taking records but stay connected (a final checkpoint can still be taken). Batches fetched
   * but not handed over are dropped: they are after the positions a checkpoint records.
   */
  stopIntake(): void {
    this.intakeStopped = true;
    try {
      this.consumer?.pause([{ topic: this.settings.topic }]);
    } catch {
      // Not running (between two consumers): nothing to pause.
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.intakeStopped = true;
    for (const cancel of this.timers) cancel();
    this.timers = [];
    this.setState('stopped');
    const consumer = this.consumer;
    this.consumer = undefined;
    await Promise.allSettled([consumer?.disconnect(), this.admin?.disconnect()]);
    this.admin = undefined;
  }

  private async startConsumer(): Promise<void> {
    const n = consumersStarted++;
    if (n === 0) logRecordDecoding(this.logger);
    const groupId = `${runGroupPrefix(this.settings.groupId)}${RUN_ID}.${n}`;
    this.setState(this.status.state === 'created' ? 'connecting' : 'reconnecting');
    const partitionBytes = this.settings.fetchPartitionBytes ?? DEFAULT_FETCH_PARTITION_BYTES;
    const consumer = this.kafka.consumer({
      groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      // Small fetches (docs/decisions/0013): kafkajs decodes a whole response at once, and the
      // fewer records alive at a time, the less the garbage collector copies and marks.
      maxBytesPerPartition: partitionBytes,
      maxBytes: fetchMaxBytes(partitionBytes),
      // A fetch on a caught-up partition waits at most this long: what a stop or a rejoin waits for.
      maxWaitTimeInMs: 1_000,
      // A crashed consumer is replaced by this source (a new run group, positions from the
      // pipeline), never restarted by kafkajs from a group's committed offsets.
      retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 5_000, restartOnFailure: async () => false },
    });
    this.consumer = consumer;
    const mine = () => this.consumer === consumer && !this.stopping;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      if (!mine()) return;
      this.onAssigned(consumer, new Set(event.payload.memberAssignment[this.settings.topic] ?? []), groupId);
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
      // A batch of transaction markers only: the pipeline sees nothing, but the position moved on.
      if (mine() && event.payload.batchSize === 0) this.fetched.set(event.payload.partition, Number(event.payload.lastOffset) + 1);
    });
    consumer.on(consumer.events.CRASH, (event) => {
      if (!mine()) return;
      this.replace(consumer, `the consumer crashed: ${event.payload.error.message}`);
    });
    consumer.on(consumer.events.STOP, () => {
      // kafkajs stops a consumer itself only on its way to a crash; any stop we did not ask for
      // leaves the job without input.
      if (mine()) this.replace(consumer, 'the consumer stopped');
    });
    try {
      await connect(consumer, this.settings);
      await consumer.subscribe({ topics: [this.settings.topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: (payload) => this.onBatch(consumer, payload),
      });
    } catch (err) {
      if (mine()) this.replace(consumer, (err as Error).message);
    }
  }

  private onAssigned(consumer: Consumer, partitions: Set<number>, groupId: string): void {
    const handler = this.handler as SourceHandler;
    const revoked = [...this.assigned].filter((p) => !partitions.has(p));
    if (revoked.length > 0) handler.onRevoke(revoked);
    // Go on exactly where the pipeline is: seek before the first fetch of this generation (kafkajs
    // applies a pending seek to the next fetch and drops batches fetched before it).
    const positions = handler.positions?.() ?? new Map<number, number>();
    const seeks: Record<string, number> = {};
    for (const p of partitions) {
      const next = positions.get(p);
      if (next === undefined) continue;
      consumer.seek({ topic: this.settings.topic, partition: p, offset: String(next) });
      seeks[String(p)] = next;
    }
    const firstJoin = this.assigned.size === 0;
    this.assigned = partitions;
    if (firstJoin || revoked.length > 0) handler.onAssign([...partitions]);
    this.lastProgressAt = this.now();
    this.setState('consuming');
    this.logger.info({ partitions: [...partitions].sort((a, b) => a - b), runGroup: groupId, seekTo: seeks }, 'partitions assigned');
  }

  private async onBatch(consumer: Consumer, payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    if (this.intakeStopped || this.consumer !== consumer || !isRunning() || isStale() || batch.messages.length === 0) return;
    this.lastProgressAt = this.now();
    // kafkajs's messages are SourceRecords already (offset, value, key, timestamp): handed over as
    // they are, no object per record. Values are views into the fetch response's buffer, which
    // kafkajs never reuses: they stay valid while the batch waits in the read-ahead queue.
    const records = batch.messages as Array<(typeof batch.messages)[number] & SourceRecord>;
    for (const m of records) {
      if (m.headers?.traceparent !== undefined) {
        const trace = carrierFromHeaders(m.headers);
        if (trace) m.trace = trace;
      }
    }
    const piece: SourceBatch = { topic: batch.topic, partition: batch.partition, records, highWatermark: batch.highWatermark };
    const handled = this.handOver(consumer, piece);
    // kafkajs fetches from here on: the next fetch overlaps with the pipeline's work on this batch
    // (which starts in a later macrotask, after kafkajs sent that fetch: read-ahead.ts).
    const last = batch.messages[batch.messages.length - 1];
    if (last) resolveOffset(last.offset);
    // Read ahead at most one fetch (a batch per assigned partition): beyond that this handler
    // waits, kafkajs stops fetching and the slow pipeline is a slow consumer, as before.
    const limit = Math.max(1, this.assigned.size);
    if (this.readAhead.length > limit) {
      const keepAlive = setInterval(() => {
        heartbeat().catch((err: unknown) => this.logger.debug({ err }, 'heartbeat while blocked failed'));
      }, HEARTBEAT_WHILE_BLOCKED_MS);
      try {
        await this.readAhead.atMost(limit);
      } finally {
        clearInterval(keepAlive);
      }
    }
    await heartbeat().catch(() => undefined);
    void handled;
  }

  /**
   * Queue a fetched batch for the pipeline, behind the batches fetched before it (so each
   * partition's records arrive in order). A batch whose consumer was replaced, whose partition was
   * revoked or that arrives after intake stopped is dropped: positions come from the pipeline, so
   * the records are fetched again where it needs them.
   */
  private handOver(consumer: Consumer, piece: SourceBatch): Promise<void> {
    const handler = this.handler as SourceHandler;
    return this.readAhead
      .push(() => {
        if (this.intakeStopped || this.consumer !== consumer || !this.assigned.has(piece.partition)) return;
        return handler.onBatch(piece);
      })
      .catch((err: unknown) => {
        if (this.consumer === consumer && !this.stopping) this.replace(consumer, `the pipeline refused a batch: ${(err as Error).message}`);
      })
      .finally(() => {
        this.lastProgressAt = this.now();
      });
  }

  /** Replace a consumer that crashed or stopped: a new one in a new run group, with backoff. */
  private replace(old: Consumer, reason: string): void {
    if (this.stopping || this.reconnecting) return;
    this.status.lastError = reason;
    this.setState('reconnecting');
    this.status.reconnects++;
    this.logger.warn(
      { code: ErrorCode.KAFKA_CONSUMER_RESTARTING, reason, reconnects: this.status.reconnects },
      'Kafka consumer lost; starting a new one where the pipeline is',
    );
    this.consumer = undefined;
    this.reconnecting = (async () => {
      // The old consumer's group membership dies with it (or expires): nobody waits on it.
      await withTimeout(old.disconnect(), 5_000).catch(() => undefined);
      for (let attempt = 0; !this.stopping; attempt++) {
        await sleep(Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** Math.min(attempt, 5)));
        if (this.stopping) return;
        try {
          // Reachable again? (A consumer's own connect would sit in kafkajs's retries instead.)
          const probe = this.kafka.admin({ retry: { retries: 0 } });
          try {
            await withTimeout(probe.connect(), 5_000);
          } finally {
            void probe.disconnect().catch(() => undefined);
          }
          break;
        } catch (err) {
          this.status.lastError = (err as Error).message;
          if (attempt % 5 === 0)
            this.logger.warn({ code: ErrorCode.KAFKA_CONSUMER_RESTARTING, attempt, err }, 'Kafka still unreachable; retrying');
        }
      }
    })().finally(() => {
      this.reconnecting = undefined;
      if (!this.stopping) void this.startConsumer();
    });
  }

  private async pollLogEnds(): Promise<void> {
    const admin = this.admin;
    const handler = this.handler;
    if (!admin || !handler || this.polling) return;
    this.polling = true;
    try {
      const offsets = await withTimeout(admin.fetchTopicOffsets(this.settings.topic), 5_000);
      const ends = new Map(offsets.map((o) => [o.partition, { start: Number(o.low), end: Number(o.high) }]));
      const now = this.now();
      this.lastProgressAt = progressOnLogEnds(this.lastProgressAt, this.logEndsUnknownSince, now, 5 * LOG_END_POLL_MS);
      this.logEndsUnknownSince = undefined;
      this.logEnds = { at: now, ends };
      handler.onLogEnds?.(ends, this.fetched);
    } catch (err) {
      if (this.logEnds !== undefined) this.logger.debug({ err }, 'cannot learn where the partitions end; none counts as caught up');
      this.logEnds = undefined;
      this.logEndsUnknownSince ??= this.now();
      handler.onLogEndsUnknown?.();
    } finally {
      this.polling = false;
    }
  }

  private watchForStall(): void {
    const handler = this.handler;
    if (!handler) return;
    const now = this.now();
    const verdict = judgeStall({
      now,
      lastProgressAt: this.lastProgressAt,
      timeoutMs: this.options.stallTimeoutMs,
      idle: this.status.state === 'consuming' && !this.intakeStopped && this.readAhead.length === 0,
      assigned: this.assigned,
      logEnds: this.logEnds,
      maxLogEndAgeMs: 5 * LOG_END_POLL_MS,
      positions: handler.positions?.() ?? new Map<number, number>(),
      fetched: this.fetched,
    });
    if (verdict.kind === 'caught-up') this.lastProgressAt = now;
    if (verdict.kind !== 'stalled') return;
    this.lastProgressAt = now;
    this.options.onStalled(
      new SluiceError(
        ErrorCode.KAFKA_CONSUMER_STALLED,
        `the Kafka consumer fetched nothing for ${verdict.forMs} ms while ${verdict.records} record(s) wait in ${this.settings.topic} (SLUICE_KAFKA_STALL_TIMEOUT_MS=${this.options.stallTimeoutMs}); failing the job so that it restarts from its last checkpoint`,
        { retriable: true, details: { behind: verdict.records } },
      ),
    );
  }

  private setState(state: SourceState): void {
    if (this.status.state === state) return;
    this.status.state = state;
    this.status.since = this.now();
  }

  private every(ms: number, task: () => unknown): void {
    const scheduler = this.options.scheduler ?? systemScheduler;
    const index = this.timers.length;
    const run = () => {
      void task();
      if (!this.stopping) this.timers[index] = scheduler.schedule(ms, run);
    };
    this.timers.push(scheduler.schedule(ms, run));
  }
}

/** The input topic's max.message.bytes (its own or the broker default), if the broker says. */
async function inputMaxMessageBytes(admin: Admin, topic: string): Promise<number | undefined> {
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['max.message.bytes'] }],
  });
  const value = described.resources[0]?.configEntries.find((e) => e.configName === 'max.message.bytes')?.configValue;
  const bytes = Number(value);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}

async function connect(client: Admin | Consumer, settings: KafkaSettings): Promise<void> {
  try {
    await client.connect();
  } catch (err) {
    throw new SluiceError(
      ErrorCode.KAFKA_UNAVAILABLE,
      `cannot connect to Kafka at ${settings.brokers.join(',')}: ${(err as Error).message}`,
      {
        retriable: connectionRetriable(err),
        cause: err,
      },
    );
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Whether a failed connection is worth waiting out: a broker that cannot be reached (refused, timed
 * out, restarting) is; one that answers and refuses us (SASL state or authentication, authorization:
 * kafkajs marks them not retriable) is a configuration error to report at once.
 */
export function connectionRetriable(err: unknown): boolean {
  // kafkajs wraps the original error (retries exhausted: not retriable itself): the deepest cause decides.
  let deepest: CauseLike | undefined;
  for (const e of causeChain(err)) {
    if (/SASL|Authentication|AUTHORIZATION/i.test(`${e.name ?? ''} ${e.message ?? ''}`)) return false;
    deepest = e;
  }
  return deepest?.retriable !== false;
}
