/**
 * Event-time watermarks: bounded out-of-orderness per source partition, the minimum across the
 * partitions that are active, idle partitions excluded after a timeout.
 *
 * Semantics follow Flink's BoundedOutOfOrdernessWatermarks so results match the reference job:
 * a partition's watermark is (max event time seen - bound - 1); the combined watermark never goes
 * back. Wall-clock time is passed in (`nowMs`), never read here, so tests drive it by hand.
 *
 * Idleness is measured on a clock that stops while the pipeline is blocked downstream
 * (`pauseIdleness` / `resumeIdleness`, as Flink's PausableRelativeClock stops during backpressure):
 * a partition whose records wait in Kafka because a sink is slow or down is not silent. Without
 * this, a sink outage longer than the idle timeout made every partition but the first to deliver
 * afterwards look idle, the watermark jumped to that partition's event time, and the others'
 * records became late.
 *
 * With a source that can tell how far a partition's log reaches (Kafka), silence alone is not
 * idleness: a partition is idle only when it is also *caught up* (its read position at the end of
 * its log, as last observed) for the idle timeout, and that observation is fresh. A partition whose
 * records wait in Kafka (broker down, fetches failing, catching up after an outage or a restore)
 * is never caught up, so it keeps holding the watermark back however long it is silent.
 */

export const NO_WATERMARK = Number.NEGATIVE_INFINITY;

export interface WatermarkOptions {
  outOfOrdernessMs: number;
  /** A partition with no event for this long stops holding the watermark back; 0 = never. */
  idleTimeoutMs: number;
  /**
   * 'silence' (default): no event for the idle timeout is idleness (a source with no backlog, such as
   * the built-in generator). 'caught-up': idleness also needs the partition caught up with its log
   * for the idle timeout, as reported by `observeLogEnd` (Kafka).
   */
  idleness?: 'silence' | 'caught-up';
  /** 'caught-up': a log-end observation older than this no longer proves anything (default 10 s). */
  logEndFreshnessMs?: number;
}

interface PartitionClock {
  maxTimestamp: number;
  lastEventAtMs: number;
  /** Wall time since which every log-end observation found the partition caught up; undefined: not (known to be). */
  caughtUpSinceMs: number | undefined;
  /** Wall time of the last log-end observation of this partition. */
  logEndSeenAtMs: number;
}

const DEFAULT_LOG_END_FRESHNESS_MS = 10_000;

export class PartitionWatermarks {
  private readonly partitions = new Map<number, PartitionClock>();
  private combined = NO_WATERMARK;
  /** The idleness clock: wall time minus the time spent paused (nested pauses count once). */
  private pausedDepth = 0;
  private pausedSinceMs = 0;
  private pausedTotalMs = 0;

  constructor(private readonly options: WatermarkOptions) {}

  /** Partitions this source reads. A partition with no event yet holds the watermark back until idle. */
  assign(partitions: Iterable<number>, nowMs: number): void {
    for (const p of partitions) {
      if (!this.partitions.has(p)) this.partitions.set(p, newClock(NO_WATERMARK, this.idleClock(nowMs)));
    }
  }

  /** Partitions no longer read by this source (a rebalance took them away). */
  revoke(partitions: Iterable<number>): void {
    for (const p of partitions) this.partitions.delete(p);
  }

  observe(partition: number, eventTimestamp: number, nowMs: number): void {
    const at = this.idleClock(nowMs);
    let clock = this.partitions.get(partition);
    if (!clock) {
      clock = newClock(NO_WATERMARK, at);
      this.partitions.set(partition, clock);
    }
    if (eventTimestamp > clock.maxTimestamp) clock.maxTimestamp = eventTimestamp;
    clock.lastEventAtMs = at;
  }

  /**
   * What the source knows of a partition's log at `nowMs`: `position` is the next offset it will
   * read, `logEnd` the offset after the last readable record. Caught up when position >= logEnd.
   */
  observeLogEnd(partition: number, position: number, logEnd: number, nowMs: number): void {
    const clock = this.partitions.get(partition);
    if (!clock) return;
    clock.logEndSeenAtMs = nowMs;
    if (position < logEnd) clock.caughtUpSinceMs = undefined;
    else clock.caughtUpSinceMs ??= nowMs;
  }

  /** The source could not learn where the logs end (broker down, request failed): nothing is caught up. */
  logEndUnknown(): void {
    for (const clock of this.partitions.values()) clock.caughtUpSinceMs = undefined;
  }

  /** The pipeline is blocked downstream (a sink): from now on, time does not count towards idleness. */
  pauseIdleness(nowMs: number): void {
    if (this.pausedDepth++ === 0) this.pausedSinceMs = nowMs;
  }

  /** The pipeline can take records again: idleness time runs again. */
  resumeIdleness(nowMs: number): void {
    if (this.pausedDepth === 0) return;
    if (--this.pausedDepth === 0) this.pausedTotalMs += Math.max(0, nowMs - this.pausedSinceMs);
  }

  /** The watermark of one partition (its own view, ignoring the others). */
  partitionWatermark(partition: number): number {
    const clock = this.partitions.get(partition);
    return clock ? this.fromMax(clock.maxTimestamp) : NO_WATERMARK;
  }

  isIdle(partition: number, nowMs: number): boolean {
    const clock = this.partitions.get(partition);
    const timeout = this.options.idleTimeoutMs;
    if (!clock || timeout <= 0) return false;
    if (this.idleClock(nowMs) - clock.lastEventAtMs < timeout) return false;
    if (this.options.idleness !== 'caught-up') return true;
    const freshness = this.options.logEndFreshnessMs ?? DEFAULT_LOG_END_FRESHNESS_MS;
    return clock.caughtUpSinceMs !== undefined && nowMs - clock.caughtUpSinceMs >= timeout && nowMs - clock.logEndSeenAtMs <= freshness;
  }

  /**
   * The combined watermark at `nowMs`: the minimum over active partitions, never lower than before.
   * When every partition is idle the watermark holds where it is (as Flink does).
   */
  current(nowMs: number): number {
    let min = Number.POSITIVE_INFINITY;
    let active = 0;
    for (const [p, clock] of this.partitions) {
      if (this.isIdle(p, nowMs)) continue;
      active++;
      const wm = this.fromMax(clock.maxTimestamp);
      if (wm < min) min = wm;
    }
    if (active > 0 && min > this.combined) this.combined = min;
    return this.combined;
  }

  /** partition -> max event time seen (NO_WATERMARK: none yet): what a checkpoint records. */
  clocks(): Map<number, number> {
    return new Map([...this.partitions].map(([p, clock]) => [p, clock.maxTimestamp]));
  }

  /**
   * Back to a checkpoint's clocks: each partition's max event time, idle timers starting at `nowMs`
   * (wall-clock time while the daemon was down does not count), and the combined watermark.
   */
  restore(clocks: ReadonlyMap<number, number>, combined: number, nowMs: number): void {
    this.partitions.clear();
    for (const [p, maxTimestamp] of clocks) this.partitions.set(p, newClock(maxTimestamp, nowMs));
    this.combined = combined;
  }

  /** The last combined watermark computed, without recomputing. */
  get last(): number {
    return this.combined;
  }

  private idleClock(nowMs: number): number {
    const pausedNow = this.pausedDepth > 0 ? Math.max(0, nowMs - this.pausedSinceMs) : 0;
    return nowMs - this.pausedTotalMs - pausedNow;
  }

  private fromMax(maxTimestamp: number): number {
    return maxTimestamp === NO_WATERMARK ? NO_WATERMARK : maxTimestamp - this.options.outOfOrdernessMs - 1;
  }
}

function newClock(maxTimestamp: number, lastEventAtMs: number): PartitionClock {
  return { maxTimestamp, lastEventAtMs, caughtUpSinceMs: undefined, logEndSeenAtMs: Number.NEGATIVE_INFINITY };
}
