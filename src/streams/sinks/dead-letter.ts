/**
 * Dead letters and late events. To Kafka (the contract's topics and headers) when Kafka is the
 * source; counted and logged when the embedded generator is.
 *
 * The forwarded record keeps the source record's Kafka timestamp, never the event time: an old
 * event time would make the broker's time retention delete the record at once.
 */
import type { Kafka, Producer } from 'kafkajs';
import { ErrorCode, SluiceError } from '../../errors.js';
import type { Logger } from '../../telemetry/logging.js';
import { deadLetterHeaders, type DeadLetter, type DeadLetterSink } from './sink.js';

/** Sends in flight at most; `send` waits beyond it (backpressure, bounded memory). */
const MAX_IN_FLIGHT_SENDS = 16;

/**
 * Bytes per send at most (a larger single letter goes alone). kafkajs writes one record batch per
 * partition per send, and the broker refuses a batch over the topic's max.message.bytes (1 MiB by
 * default): a burst of thousands of dead letters in one send stopped the daemon. With this, the
 * letters in flight are bounded by MAX_IN_FLIGHT_SENDS x MAX_SEND_BYTES (8 MiB), plus single large
 * letters, each at most an input record (the topics are created to take one).
 */
const MAX_SEND_BYTES = 512 * 1024;
/** A record's overhead in a batch, roughly (lengths, offsets, timestamps, header counts). */
const RECORD_OVERHEAD_BYTES = 64;

export class KafkaDeadLetterSink implements DeadLetterSink {
  readonly name = 'kafka-dead-letters';
  private producer: Producer | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  /** Sends run one after the other, so letters reach the topic in the order they were sent. */
  private chain: Promise<void> = Promise.resolve();
  private failure: SluiceError | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    // Idempotent producer: a retried send is not duplicated by the broker.
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    try {
      await producer.connect();
    } catch (err) {
      throw new SluiceError(ErrorCode.KAFKA_UNAVAILABLE, `dead-letter producer cannot connect: ${(err as Error).message}`, {
        retriable: true,
        cause: err,
      });
    }
    this.producer = producer;
  }

  async send(letters: readonly DeadLetter[]): Promise<void> {
    this.throwIfFailed();
    let chunk: DeadLetter[] = [];
    let bytes = 0;
    for (const letter of letters) {
      const size = letterBytes(letter);
      if (chunk.length > 0 && bytes + size > MAX_SEND_BYTES) {
        await this.sendChunk(chunk);
        chunk = [];
        bytes = 0;
      }
      chunk.push(letter);
      bytes += size;
    }
    if (chunk.length > 0) await this.sendChunk(chunk);
  }

  /** Start one send once fewer than MAX_IN_FLIGHT_SENDS are in flight; its outcome is seen by flush(). */
  private async sendChunk(letters: readonly DeadLetter[]): Promise<void> {
    const producer = this.producer;
    if (!producer) throw new SluiceError(ErrorCode.INTERNAL, 'dead-letter sink used before start()');
    while (this.inFlight.size >= MAX_IN_FLIGHT_SENDS) await Promise.race(this.inFlight);
    this.throwIfFailed();
    const byTopic = new Map<string, DeadLetter[]>();
    for (const letter of letters) {
      const list = byTopic.get(letter.topic) ?? [];
      list.push(letter);
      byTopic.set(letter.topic, list);
    }
    // Concurrent sendBatch calls may overtake each other inside kafkajs; a chain keeps the order.
    const sending = this.chain
      .then(() =>
        this.failure
          ? undefined
          : producer.sendBatch({
              acks: -1,
              topicMessages: [...byTopic].map(([topic, list]) => ({
                topic,
                messages: list.map((l) => ({ key: l.key, value: l.value, timestamp: l.source.timestamp, headers: deadLetterHeaders(l) })),
              })),
            }),
      )
      .then(
        () => undefined,
        (err: unknown) => {
          this.failure ??= new SluiceError(ErrorCode.DEAD_LETTER_FAILED, `writing ${letters.length} dead letters failed: ${(err as Error).message}`, {
            retriable: true,
            cause: err,
          });
          this.logger.error({ err: this.failure }, 'dead-letter write failed');
        },
      );
    this.chain = sending;
    const tracked = sending.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  async flush(): Promise<void> {
    await Promise.all([...this.inFlight]);
    this.throwIfFailed();
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    await this.producer?.disconnect();
    this.producer = undefined;
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}

function letterBytes(letter: DeadLetter): number {
  let bytes = RECORD_OVERHEAD_BYTES + (letter.value?.length ?? 0) + (letter.key?.length ?? 0);
  for (const [name, value] of Object.entries(deadLetterHeaders(letter))) bytes += name.length + Buffer.byteLength(value);
  return bytes;
}

/** For the embedded mode: no Kafka to write to, so dead letters are counted by code and logged. */
export class LoggingDeadLetterSink implements DeadLetterSink {
  readonly name = 'logged-dead-letters';
  readonly countsByCode = new Map<string, number>();

  constructor(private readonly logger: Logger) {}

  async start(): Promise<void> {}

  async send(letters: readonly DeadLetter[]): Promise<void> {
    for (const l of letters) {
      this.countsByCode.set(l.code, (this.countsByCode.get(l.code) ?? 0) + 1);
      this.logger.debug({ topic: l.topic, code: l.code, reason: l.message, source: l.source }, 'dead letter');
    }
  }

  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}
