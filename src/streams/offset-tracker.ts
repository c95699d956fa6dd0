/**
 * Which source offsets are safe to commit, before checkpoints exist.
 *
 * A record's effect lives only in memory until its window is purged and the result written. So a
 * partition's committable offset is its earliest record still held by an unpurged window (or, if
 * none, the offset after the last record processed). A crash then re-reads every record whose
 * window was not yet written: nothing is lost. Dead letters and late events are flushed before each
 * commit, so they hold nothing.
 *
 * Offsets are numbers here: Kafka offsets are 64-bit, but a partition would need 2^53 records to
 * lose precision.
 */
export class OffsetTracker {
  /** windowStart -> partition -> lowest offset of a record counted in that window. */
  private readonly held = new Map<number, Map<number, number>>();
  /** partition -> last offset processed (counted, diverted or skipped). */
  private readonly processed = new Map<number, number>();

  hold(windowStart: number, partition: number, offset: number): void {
    let byPartition = this.held.get(windowStart);
    if (!byPartition) {
      byPartition = new Map();
      this.held.set(windowStart, byPartition);
    }
    const current = byPartition.get(partition);
    if (current === undefined || offset < current) byPartition.set(partition, offset);
  }

  markProcessed(partition: number, offset: number): void {
    const current = this.processed.get(partition);
    if (current === undefined || offset > current) this.processed.set(partition, offset);
  }

  /** The window was purged and its results handed to the sinks: its records no longer hold. */
  release(windowStart: number): void {
    this.held.delete(windowStart);
  }

  /** Release every window starting at or before `lastPurgedStart` (the watermark purged them). */
  releaseThrough(lastPurgedStart: number): void {
    for (const start of this.held.keys()) if (start <= lastPurgedStart) this.held.delete(start);
  }

  /** Forget a partition (revoked in a rebalance): its new owner starts from the committed offset. */
  forget(partition: number): void {
    this.processed.delete(partition);
    for (const byPartition of this.held.values()) byPartition.delete(partition);
  }

  lastProcessed(partition: number): number | undefined {
    return this.processed.get(partition);
  }

  /** partition -> the next offset to read after a restart (Kafka's commit semantics). */
  committable(): Map<number, number> {
    const result = new Map<number, number>();
    for (const [partition, last] of this.processed) result.set(partition, last + 1);
    for (const byPartition of this.held.values()) {
      for (const [partition, offset] of byPartition) {
        const current = result.get(partition);
        if (current === undefined || offset < current) result.set(partition, offset);
      }
    }
    return result;
  }
}
