/**
 * The flagship job, written against the engine's job interface. It reads like the Flink job it
 * replaces:
 *
 *   source(user-clicks) -> parse + validate (bad -> DLQ) -> event time = timestamp, 5 s bound
 *     -> keyBy(userId) -> tumbling 1 min window -> count and count per eventType -> ES + Redis
 */
import { parseClick, type ClickEvent } from '../streams/records.js';
import type { AggregateFunction, TimeWindow } from '../streams/windows.js';
import type { JobDefinition } from './job.js';

/** One result per user and window: the Elasticsearch document and stdout line shape. */
export interface ClickCountResult {
  userId: string;
  windowStart: number;
  windowEnd: number;
  count: number;
  byEventType: Record<string, number>;
}

export interface ClickCountAccumulator {
  count: number;
  /** A Map, not an object: an eventType may be "__proto__" or "constructor". */
  byEventType: Map<string, number>;
}

export const clickCountAggregate: AggregateFunction<ClickEvent, ClickCountAccumulator, ClickCountResult> = {
  createAccumulator: () => ({ count: 0, byEventType: new Map() }),
  add(acc, event) {
    acc.count += 1;
    acc.byEventType.set(event.eventType, (acc.byEventType.get(event.eventType) ?? 0) + 1);
    return acc;
  },
  result(acc, key, window: TimeWindow) {
    // Sorted, null-prototype: the same accumulator always prints the same document.
    const byEventType: Record<string, number> = Object.create(null) as Record<string, number>;
    for (const type of [...acc.byEventType.keys()].sort()) byEventType[type] = acc.byEventType.get(type) as number;
    return { userId: key, windowStart: window.start, windowEnd: window.end, count: acc.count, byEventType };
  },
};

export const clickstreamJob: JobDefinition<ClickEvent, ClickCountAccumulator, ClickCountResult> = {
  name: 'clickstream',
  parse: parseClick,
  timestampOf: (event) => event.timestamp,
  keyOf: (event) => event.userId,
  aggregate: clickCountAggregate,
  /** `_id` in Elasticsearch, the Redis key after its prefix: stable, so re-delivery rewrites. */
  resultId: (result) => `${result.userId}:${result.windowStart}`,
  /** Grows with every correction of a window, so an earlier result never replaces a later one. */
  resultVersion: (result) => result.count,
  redisValue: (result) => String(result.count),
  resultRef: (result) => ({ key: result.userId, window: { start: result.windowStart, end: result.windowEnd } }),
};
