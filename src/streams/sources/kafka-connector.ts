/**
 * Kafka as the runtime's source: the consumer (kafka-source.ts), the transactional side outputs
 * (sinks/side-outputs.ts) and the start-up sequence that makes a restore exact
 * (docs/kafka-failures.md):
 *
 *   wait for Kafka -> refuse if another daemon runs the job -> start the side-output producer
 *   (fences older ones, settles their transaction; the log start offsets are read meanwhile) ->
 *   read the committed checkpoint (final now)
 */
import type { Admin, Kafka } from 'kafkajs';
import type { SluiceConfig } from '../../config.js';
import { ErrorCode, SluiceError } from '../../errors.js';
import { previousRuns, recordRun } from '../../state/run-history.js';
import type { Logger } from '../../telemetry/logging.js';
import { committedCheckpoint, TransactionalSideOutputs } from '../sinks/side-outputs.js';
import type { CheckpointedSource, SourceControl, SourceOpening, SourceStatus } from './connector.js';
import { connectionRetriable, KafkaSource } from './kafka-source.js';
import { waitForKafka } from './kafka-wait.js';
import { BatchStream } from './pulled-batches.js';

type KafkaSettings = NonNullable<SluiceConfig['kafka']>;

export interface KafkaConnectorOptions {
  kafka: Kafka;
  settings: KafkaSettings;
  stateDir: string;
  checkpoint: { intervalMs: number; timeoutMs: number };
  logger: Logger;
  /** The side-output buffer is full: a checkpoint would empty it. */
  requestCheckpoint: () => void;
  /** Whether start-up should stop waiting for Kafka (the job is being stopped). */
  isStopped: () => boolean;
}

export class KafkaConnector implements CheckpointedSource {
  readonly checkpointed = true;
  readonly idleness = 'caught-up';
  readonly identity: { topic: string; groupId: string };
  readonly sideOutputs: TransactionalSideOutputs;
  private readonly stream = new BatchStream();
  readonly batches = this.stream.batches;
  private readonly source: KafkaSource;
  private control: SourceControl | undefined;
  /** The missing side-output topics being created (a first start), if any. */
  private sideTopics: Promise<void> | undefined;
  private closing = false;

  constructor(private readonly options: KafkaConnectorOptions) {
    const { settings, kafka, logger, checkpoint } = options;
    this.identity = { topic: settings.topic, groupId: settings.groupId };
    this.source = new KafkaSource(kafka, settings, logger.child({ component: 'kafka-source' }), {
      stallTimeoutMs: settings.stallTimeoutMs ?? 30_000,
      onStalled: (err) => this.control?.onFatal(err),
    });
    this.sideOutputs = new TransactionalSideOutputs({
      kafka,
      transactionalId: `sluice.${settings.groupId}.side-outputs`,
      groupId: settings.groupId,
      inputTopic: settings.topic,
      maxBufferedBytes: settings.sideOutputBufferBytes ?? 64 * 1024 * 1024,
      // Open from a checkpoint's first side output to its commit; the broker caps it (15 min by default).
      transactionTimeoutMs: Math.min(900_000, Math.max(60_000, 2 * checkpoint.intervalMs + checkpoint.timeoutMs)),
      logger: logger.child({ component: 'side-outputs' }),
      onFull: options.requestCheckpoint,
    });
  }

  async open(): Promise<SourceOpening> {
    const { settings, logger, stateDir, kafka } = this.options;
    // A broker that is down (restarting) is waited for, not a reason to fail the start. One admin
    // connection serves every check (each attempt gets a fresh one).
    return waitForKafka(
      async () => {
        const admin = kafka.admin();
        try {
          await connectAdmin(admin, settings.brokers);
          // Refused before the producer starts: a refused daemon must not fence the running one.
          const [topics] = await Promise.all([
            this.source.checkTopics(admin),
            this.source.assertNoOtherDaemon(previousRuns(stateDir), admin),
          ]);
          recordRun(stateDir);
          // Creating missing side-output topics waits for their leaders (0.1-0.3 s, on a first
          // start), on an admin connection of its own: it overlaps the rest of the start, and the
          // side outputs write nothing before it is done (their first transaction waits for it).
          // A retried attempt starts it again (kafkajs takes "already exists" as done).
          // A broker that stops answering meanwhile is waited for, as during the rest of the start.
          if (topics.missing.length > 0) {
            const create = () =>
              this.source.createSideTopics(topics).catch((err: unknown) => {
                throw err instanceof SluiceError
                  ? err
                  : new SluiceError(
                      ErrorCode.KAFKA_UNAVAILABLE,
                      `cannot create the dead-letter/late topics: ${creationErrors(err, topics.missing)}`,
                      {
                        retriable: creationRetriable(err),
                        cause: err,
                      },
                    );
              });
            this.sideTopics = waitForKafka(create, {
              timeoutMs: settings.startupTimeoutMs ?? 300_000,
              logger,
              isStopped: () => this.closing,
            });
            // Handled by whoever waits for it (start, the first transaction, close), not here.
            this.sideTopics.catch(() => undefined);
            this.sideOutputs.writeAfter(this.sideTopics);
          }
          // Where each partition's log starts does not depend on the fencing: asked meanwhile.
          const logStarts = this.source.logStartOffsets(admin);
          logStarts.catch(() => undefined); // awaited below, unless the fencing fails first
          // Fences any older producer of this job and settles the transaction it left open: from
          // here on, the committed checkpoint read below is final.
          await this.sideOutputs.start();
          const [committed, starts] = await Promise.all([this.readCommittedCheckpoint(admin), logStarts]);
          return { committed, logStarts: starts };
        } catch (err) {
          // A broker just back may answer "coordinator loading", "not coordinator"...: waited out too.
          if (err instanceof SluiceError) throw err;
          throw new SluiceError(ErrorCode.KAFKA_UNAVAILABLE, `Kafka is not ready: ${(err as Error).message}`, {
            retriable: connectionRetriable(err),
            cause: err,
          });
        } finally {
          await admin.disconnect().catch(() => undefined);
        }
      },
      { timeoutMs: settings.startupTimeoutMs ?? 300_000, logger, isStopped: this.options.isStopped },
    );
  }

  /** The side-output topics a first start creates: a refusal fails the start, even after "consuming". */
  ready(): Promise<void> {
    return this.sideTopics ?? Promise.resolve();
  }

  async start(control: SourceControl): Promise<void> {
    this.control = control;
    // Topics that could not be created stop the job now, not at its first checkpoint.
    this.sideTopics?.catch((err: unknown) => control.onFatal(err));
    await this.source.start({
      positions: () => control.positions(),
      onAssign: (partitions) => control.onAssign(partitions),
      onRevoke: (partitions) => control.onRevoke(partitions),
      onLogEnds: (ends, fetched) => control.onLogEnds?.(ends, fetched),
      onLogEndsUnknown: () => control.onLogEndsUnknown?.(),
      // Before the main loop (so the barrier that empties the buffer can still be placed): a full
      // side-output buffer holds the next batch back, and kafkajs keeps it until there is room.
      onBatch: async (batch) => {
        await this.sideOutputs.whenRoom();
        await this.stream.push(batch);
      },
    });
  }

  stopIntake(): void {
    this.source.stopIntake();
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([this.source.stop(), this.sideOutputs.close(), this.sideTopics]);
  }

  status(): SourceStatus {
    return this.source.state;
  }

  private async readCommittedCheckpoint(admin: Admin): Promise<number | undefined> {
    const { settings } = this.options;
    try {
      return await committedCheckpoint(admin, settings.groupId, settings.topic);
    } catch (err) {
      throw new SluiceError(
        ErrorCode.KAFKA_UNAVAILABLE,
        `cannot read the committed checkpoint of group "${settings.groupId}": ${(err as Error).message}`,
        {
          retriable: true,
          cause: err,
        },
      );
    }
  }
}

async function connectAdmin(admin: Admin, brokers: readonly string[]): Promise<void> {
  try {
    await admin.connect();
  } catch (err) {
    throw new SluiceError(ErrorCode.KAFKA_UNAVAILABLE, `cannot connect to Kafka at ${brokers.join(',')}: ${(err as Error).message}`, {
      retriable: connectionRetriable(err),
      cause: err,
    });
  }
}

/** kafkajs reports a failed CreateTopics as "Topic creation errors"; the broker's reasons are inside. */
function creationErrors(err: unknown, topics: readonly string[]): string {
  const inner = (err as { errors?: Array<{ topic?: string; type?: string; message?: string }> }).errors;
  if (!Array.isArray(inner) || inner.length === 0) return `${topics.map((t) => JSON.stringify(t)).join(', ')}: ${(err as Error).message}`;
  return inner.map((e) => `${JSON.stringify(e.topic ?? '?')}: ${e.type ?? 'error'} (${e.message ?? ''})`).join('; ');
}

/** A refusal the broker gives per topic (an invalid name, no authorization) is not waited out. */
function creationRetriable(err: unknown): boolean {
  const inner = (err as { errors?: Array<{ retriable?: boolean }> }).errors;
  if (Array.isArray(inner) && inner.length > 0) return inner.some((e) => e.retriable !== false);
  return connectionRetriable(err);
}
