/**
 * The Kafka source: a kafkajs consumer in `eachBatch` mode with manual offsets.
 *
 * - Offsets are committed only through `commit`, which the daemon calls when a checkpoint completes
 *   (never by kafkajs on its own), for lag monitoring: a restart seeks to the checkpoint's offsets.
 * - A batch's values are copied out of kafkajs's fetch buffer before they are kept.
 * - While the pipeline holds a batch (a slow sink), the consumer keeps heartbeating, so a slow sink
 *   never causes a rebalance.
 */
import kafkajs, { type Admin, type Consumer, type EachBatchPayload, type Kafka } from 'kafkajs';
import type { SluiceConfig } from '../config.js';
import { ErrorCode, SluiceError } from '../errors.js';
import type { Logger } from '../telemetry/logging.js';
import { carrierFromHeaders } from '../telemetry/tracing.js';
import type { SourceHandler, SourceRecord } from './source.js';

type KafkaSettings = NonNullable<SluiceConfig['kafka']>;

// kafkajs is CommonJS and this export is not visible to ESM named imports.
const { ConfigResourceTypes } = kafkajs;
const HEARTBEAT_WHILE_BLOCKED_MS = 3_000;
const DEAD_LETTER_HEADER_ROOM = 64 * 1024;

export class KafkaSource {
  private consumer: Consumer | undefined;
  private assigned = new Set<number>();
  private intakeStopped = false;
  /** Restored checkpoint offsets: the consumer seeks there on its first assignment. */
  private startAt: Map<number, number> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: KafkaSettings,
    private readonly logger: Logger,
  ) {}

  /** The input topic must exist; the dead-letter and late topics are created if missing. */
  async prepareTopics(): Promise<number> {
    const admin = this.kafka.admin();
    try {
      await connect(admin, this.settings);
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
      const missing = [this.settings.dlqTopic, this.settings.lateTopic].filter((t) => !existing.has(t));
      if (missing.length > 0) {
        // A dead letter carries the original value unchanged: the topic must take values as large
        // as the input topic does, plus room for our headers.
        const maxBytes = await inputMaxMessageBytes(admin, this.settings.topic);
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({
            topic,
            numPartitions: partitions,
            ...(maxBytes ? { configEntries: [{ name: 'max.message.bytes', value: String(maxBytes + DEAD_LETTER_HEADER_ROOM) }] } : {}),
          })),
        });
        this.logger.info({ topics: missing }, 'created missing dead-letter/late topics');
      }
      return partitions;
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Start reading exactly at these offsets (a restored checkpoint's placement), whatever the group
   * has committed: the consumer seeks there when the partitions are first assigned, before its
   * first fetch. Partitions not listed are read from the group's committed offset or the beginning.
   */
  startAtOffsets(offsets: ReadonlyMap<number, number>): void {
    this.startAt = new Map(offsets);
  }

  async start(handler: SourceHandler): Promise<void> {
    const testSession = Number(process.env.SLUICE_TEST_KAFKA_SESSION_TIMEOUT_MS);
    const consumer = this.kafka.consumer({
      groupId: this.settings.groupId,
      // A rebalance must not be triggered by a batch that waits on a slow sink: we heartbeat
      // while waiting, and allow a generous session. (Tests that SIGKILL the daemon shorten it
      // with SLUICE_TEST_KAFKA_SESSION_TIMEOUT_MS, so the dead member leaves the group sooner.)
      sessionTimeout: Number.isSafeInteger(testSession) && testSession >= 6_000 ? testSession : 30_000,
      heartbeatInterval: 3_000,
      maxBytesPerPartition: 1024 * 1024,
      maxBytes: 10 * 1024 * 1024,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      const mine = new Set<number>(event.payload.memberAssignment[this.settings.topic] ?? []);
      const revoked = [...this.assigned].filter((p) => !mine.has(p));
      if (revoked.length > 0) handler.onRevoke(revoked);
      this.assigned = mine;
      handler.onAssign([...mine]);
      // Restore: seek before the first fetch of this generation. kafkajs applies a pending seek to
      // the next fetch and drops batches of a partition with a seek pending (isStale), so no record
      // from the group's committed position reaches the pipeline. Only on the first assignment: a
      // later rejoin goes on from where this run is.
      const startAt = this.startAt;
      this.startAt = undefined;
      for (const [partition, offset] of startAt ?? []) {
        if (mine.has(partition)) consumer.seek({ topic: this.settings.topic, partition, offset: String(offset) });
      }
      if (startAt) this.logger.info({ offsets: Object.fromEntries(startAt) }, 'seeking to the restored checkpoint offsets');
      this.logger.info({ partitions: [...mine].sort((a, b) => a - b), memberId: event.payload.memberId }, 'partitions assigned');
    });
    await connect(consumer, this.settings);
    await consumer.subscribe({ topics: [this.settings.topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.onBatch(payload, handler),
    });
  }

  private async onBatch(payload: EachBatchPayload, handler: SourceHandler): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    if (this.intakeStopped || !isRunning() || isStale() || batch.messages.length === 0) return;
    // Views into kafkajs's fetch buffer, valid while this handler runs: the pipeline parses them
    // in place and copies only what it keeps (dead letters), so valid records cost no copy.
    const records = batch.messages.map((m) => {
      const record: SourceRecord = { offset: m.offset, value: m.value, key: m.key, timestamp: m.timestamp };
      const trace = m.headers?.traceparent === undefined ? undefined : carrierFromHeaders(m.headers);
      if (trace) record.trace = trace;
      return record;
    });
    const keepAlive = setInterval(() => {
      heartbeat().catch((err: unknown) => this.logger.warn({ err }, 'heartbeat while blocked failed'));
    }, HEARTBEAT_WHILE_BLOCKED_MS);
    try {
      await handler.onBatch({ topic: batch.topic, partition: batch.partition, records, highWatermark: batch.highWatermark });
    } finally {
      clearInterval(keepAlive);
    }
    const last = batch.messages[batch.messages.length - 1];
    if (last) resolveOffset(last.offset);
    await heartbeat();
  }

  /** Commit partition -> next offset, each with its metadata (the checkpoint it belongs to). */
  async commit(offsets: ReadonlyMap<number, number>, metadata: ReadonlyMap<number, string>): Promise<void> {
    const consumer = this.consumer;
    if (!consumer || offsets.size === 0) return;
    const partitions = [...offsets].filter(([p]) => this.assigned.has(p));
    if (partitions.length === 0) return;
    try {
      await consumer.commitOffsets(
        partitions.map(([partition, offset]) => ({
          topic: this.settings.topic,
          partition,
          offset: String(offset),
          metadata: metadata.get(partition) ?? null,
        })),
      );
    } catch (err) {
      throw new SluiceError(ErrorCode.KAFKA_COMMIT_FAILED, `committing offsets of ${this.settings.topic} failed: ${(err as Error).message}`, {
        retriable: true,
        cause: err,
      });
    }
  }

  /**
   * Stop taking records but stay in the group, so a final commit can still be made. Batches fetched
   * but not yet handed over are dropped: they are after the offsets we commit, so they are re-read.
   */
  stopIntake(): void {
    this.intakeStopped = true;
    this.consumer?.pause([{ topic: this.settings.topic }]);
  }

  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    if (consumer) await consumer.disconnect();
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
    throw new SluiceError(ErrorCode.KAFKA_UNAVAILABLE, `cannot connect to Kafka at ${settings.brokers.join(',')}: ${(err as Error).message}`, {
      retriable: true,
      cause: err,
    });
  }
}
