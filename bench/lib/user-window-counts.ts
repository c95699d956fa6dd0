/**
 * The count behind the bench's job floors (kafkajs-consumer.ts --count-windows, and its second
 * thread's in parse-count-thread.ts): per user and tumbling window, the count and the count per
 * event type. The built-in job's result with none of its machinery, kept as cheap as plain
 * JavaScript makes it, since a floor is only a limit if nothing simpler does the same work:
 * - users in a Map, each user's windows in a Map by window start (no key string built per event:
 *   a `${userId}:${windowStart}` key cost ~2x the time in isolation, and far more in a run, where
 *   100,000 fresh key strings and an inner Map per window fill the old generation);
 * - each window's per-type counts in an array indexed by a type number shared by all windows.
 */
import type { ClickEvent } from '../../src/streams/operators/records.js';

interface WindowCount {
  count: number;
  /** Indexed by `typeIds`' numbers; holes for types this window has not seen. */
  byType: number[];
}

export class UserWindowCounts {
  private readonly users = new Map<string, Map<number, WindowCount>>();
  private readonly typeIds = new Map<string, number>();
  private windows = 0;

  constructor(private readonly windowMs: number) {}

  add({ userId, eventType, timestamp }: ClickEvent): void {
    const start = timestamp - (timestamp % this.windowMs);
    let byStart = this.users.get(userId);
    if (byStart === undefined) this.users.set(userId, (byStart = new Map()));
    let w = byStart.get(start);
    if (w === undefined) {
      byStart.set(start, (w = { count: 0, byType: [] }));
      this.windows++;
    }
    w.count++;
    let type = this.typeIds.get(eventType);
    if (type === undefined) this.typeIds.set(eventType, (type = this.typeIds.size));
    w.byType[type] = (w.byType[type] ?? 0) + 1;
  }

  /** Distinct user windows counted. */
  get size(): number {
    return this.windows;
  }
}
