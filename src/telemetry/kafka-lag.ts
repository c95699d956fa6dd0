/**
 * Per-partition consumer lag: high watermark - the next offset sluice will process.
 *
 * Two sources, so the gauge is fresh both when records flow and when they do not: every processed
 * batch brings its partition's high watermark (kafkajs `batch.highWatermark`), and a poller asks
 * the cluster (admin fetchTopicOffsets) every few seconds, which catches a consumer that is stuck
 * (no batches) while producers keep writing. Before a partition's first batch in this run, the next
 * offset is the group's committed offset (or the partition's first offset for a new group).
 */
import type { Admin, Kafka } from 'kafkajs';
import type { Logger } from './logging.js';
import type { SluiceMetrics } from './metrics.js';

export const LAG_POLL_MS = 5_000;

export class KafkaLagWatcher {
  private readonly processed = new Map<number, number>();
  private readonly high = new Map<number, number>();
  private readonly committed = new Map<number, number>();
  private readonly low = new Map<number, number>();
  private admin: Admin | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private connected = false;
  private lastError = '';
  private closed = false;

  constructor(
    private readonly topic: string,
    private readonly groupId: string,
    private readonly metrics: SluiceMetrics,
    private readonly logger: Logger,
  ) {}

  /**
   * Poll the cluster every `intervalMs` (an admin connection of its own), the first time once the
   * start is over: the start checks the input topic first, and a poll of a missing topic would put
   * kafkajs's metadata error in the log ahead of sluice's KAFKA_TOPIC_MISSING. Until then the
   * batches' high watermarks keep the gauges.
   */
  start(kafka: Kafka, intervalMs = LAG_POLL_MS): void {
    if (this.timer || this.closed) return;
    this.admin = kafka.admin();
    const poll = () => {
      if (this.polling) return;
      this.polling = true;
      this.poll().finally(() => (this.polling = false));
    };
    this.timer = setInterval(poll, intervalMs);
    this.timer.unref();
  }

  /** A batch was processed up to `lastOffset`; `highWatermark` as the broker reported with it. */
  noteBatch(partition: number, lastOffset: number, highWatermark?: number): void {
    this.processed.set(partition, lastOffset);
    if (highWatermark !== undefined && Number.isFinite(highWatermark)) {
      this.high.set(partition, Math.max(highWatermark, this.high.get(partition) ?? 0));
    }
    this.update(partition);
  }

  private async poll(): Promise<void> {
    const admin = this.admin;
    if (!admin || this.closed) return;
    try {
      if (!this.connected) {
        await admin.connect();
        this.connected = true;
      }
      const offsets = await admin.fetchTopicOffsets(this.topic);
      for (const o of offsets) {
        this.high.set(o.partition, Number(o.high));
        this.low.set(o.partition, Number(o.low));
      }
      const [group] = await admin.fetchOffsets({ groupId: this.groupId, topics: [this.topic] });
      for (const p of group?.partitions ?? []) {
        const committed = Number(p.offset);
        if (committed >= 0) this.committed.set(p.partition, committed);
      }
      for (const partition of this.high.keys()) this.update(partition);
      this.lastError = '';
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.connected = false;
      await admin.disconnect().catch(() => undefined);
      if (message !== this.lastError) this.logger.warn({ reason: message }, 'consumer lag poll failed; lag gauges may be stale');
      this.lastError = message;
    }
  }

  private update(partition: number): void {
    const high = this.high.get(partition);
    const processed = this.processed.get(partition);
    const labels = { topic: this.topic, partition: String(partition) };
    if (processed !== undefined) this.metrics.processedOffset.set(labels, processed);
    if (high === undefined) return;
    this.metrics.highWatermark.set(labels, high);
    // Nothing processed yet in this run: it resumes at the group's commit, or (a new group, which
    // reads from the beginning) at the partition's first offset.
    const next = processed !== undefined ? processed + 1 : (this.committed.get(partition) ?? this.low.get(partition));
    if (next !== undefined) this.metrics.consumerLag.set(labels, Math.max(0, high - next));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.admin?.disconnect().catch(() => undefined);
    this.admin = undefined;
  }
}
