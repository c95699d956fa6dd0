/**
 * The count behind the bench's job floors (kafkajs-consumer.ts --count-windows, and its second
 * thread's in parse-count-thread.ts): per user and tumbling window, the count and the count per
 * event type, in a Map. The built-in job's result with none of its machinery.
 */
import type { ClickEvent } from '../../src/streams/operators/records.js';

export class UserWindowCounts {
  private readonly windows = new Map<string, { count: number; byEventType: Map<string, number> }>();

  constructor(private readonly windowMs: number) {}

  add({ userId, eventType, timestamp }: ClickEvent): void {
    const key = `${userId}:${timestamp - (timestamp % this.windowMs)}`;
    let w = this.windows.get(key);
    if (w === undefined) this.windows.set(key, (w = { count: 0, byEventType: new Map() }));
    w.count++;
    w.byEventType.set(eventType, (w.byEventType.get(eventType) ?? 0) + 1);
  }

  /** Distinct user windows counted. */
  get size(): number {
    return this.windows.size;
  }
}
