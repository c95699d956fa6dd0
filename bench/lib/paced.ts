/**
 * Producing in order per partition, as a real producer with max.in.flight=1 does: each partition
 * has its own chain of sends, one at a time, the partitions' chains concurrent. `Producer.paced`
 * holds a rate (records are made when due, with the wall clock of that moment, so event time can
 * be "now"); `Producer.push` sends as fast as Kafka takes it. Every ack reports the batch's largest
 * event time and when the ack arrived. (kafkajs costs ~30 us of CPU a record here: a paced input of
 * tens of thousands a second comes from bench/lib/java/PacedProducer.java instead.)
 */
import { CompressionTypes, type Kafka, type Message, type Producer as KafkaProducer } from 'kafkajs';

export interface Made {
  key: string;
  value: string;
  partition: number;
  /** Event time of the record (its `timestamp` field). */
  ts: number;
}

export type OnAck = (partition: number, maxTs: number, ackedAtEpochMs: number) => void;

class PartitionChain {
  private pending: Message[] = [];
  /** Event time of each pending message. */
  private pendingTs: number[] = [];
  private busy: Promise<void> | undefined;

  constructor(
    private readonly producer: KafkaProducer,
    private readonly topic: string,
    private readonly partition: number,
    private readonly maxBatch: number,
    private readonly onAck: OnAck | undefined,
    private readonly onError: (err: unknown) => void,
  ) {}

  get queued(): number {
    return this.pending.length;
  }

  push(m: Made): void {
    this.pending.push({ key: m.key, value: m.value, partition: this.partition });
    this.pendingTs.push(m.ts);
    this.kick();
  }

  private kick(): void {
    if (this.busy || this.pending.length === 0) return;
    const batch = this.pending.splice(0, this.maxBatch);
    const maxTs = Math.max(...this.pendingTs.splice(0, batch.length));
    this.busy = this.producer.send({ topic: this.topic, messages: batch, compression: CompressionTypes.None }).then(
      () => {
        this.onAck?.(this.partition, maxTs, Date.now());
        this.busy = undefined;
        this.kick();
      },
      (err: unknown) => this.onError(err),
    );
  }

  async drained(): Promise<void> {
    while (this.busy || this.pending.length > 0) {
      await (this.busy ?? Promise.resolve());
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

export class Producer {
  sent = 0;
  private failure: unknown;
  private chains: PartitionChain[] = [];

  private constructor(private readonly producer: KafkaProducer) {}

  static async connect(kafka: Kafka, topic: string, partitions: number, onAck?: OnAck, maxBatch = 2_500): Promise<Producer> {
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const p = new Producer(producer);
    p.chains = Array.from(
      { length: partitions },
      (_, i) => new PartitionChain(producer, topic, i, maxBatch, onAck, (err) => (p.failure ??= err)),
    );
    return p;
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }

  /** As fast as Kafka takes it (at most ~`maxQueued` records waiting per partition). */
  async push(count: number, make: (i: number) => Made, maxQueued = 10_000): Promise<void> {
    for (let i = 0; i < count; i++) {
      const m = make(i);
      const chain = this.chains[m.partition] as PartitionChain;
      while (chain.queued >= maxQueued) {
        this.check();
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      chain.push(m);
      this.sent++;
    }
    await this.drain();
  }

  /**
   * `rate` records per second for `durationMs` (or until `stop()` says so), made when due: every
   * `tickMs` the records due since the start are made with that moment's wall clock. Resolves with
   * the records made and how far (ms) the generation fell behind the rate at worst.
   */
  async paced(
    rate: number,
    durationMs: number,
    make: (i: number, nowMs: number) => Made,
    stop?: () => boolean,
    tickMs = 5,
  ): Promise<{ made: number; worstBehindMs: number }> {
    const began = performance.now();
    let made = 0;
    let worstBehindMs = 0;
    for (;;) {
      this.check();
      const elapsed = performance.now() - began;
      if (elapsed >= durationMs || stop?.()) break;
      const due = Math.floor((elapsed * rate) / 1000);
      if (due - made > rate / 100) worstBehindMs = Math.max(worstBehindMs, ((due - made) / rate) * 1000);
      const now = Date.now();
      for (; made < due; made++) {
        const m = make(made, now);
        (this.chains[m.partition] as PartitionChain).push(m);
        this.sent++;
      }
      await new Promise((resolve) => setTimeout(resolve, tickMs));
    }
    await this.drain();
    return { made, worstBehindMs };
  }

  async drain(): Promise<void> {
    await Promise.all(this.chains.map((c) => c.drained()));
    this.check();
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
