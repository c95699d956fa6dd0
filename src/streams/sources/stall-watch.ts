/**
 * The stall watchdog's decision, kept pure so it is tested on a hand-driven clock: records wait in
 * Kafka (a partition's log end is beyond the read position) while no batch arrived, and the
 * pipeline was not holding a batch (waiting on downstream credit is backpressure, not a stall),
 * for the whole timeout.
 */

export interface StallInputs {
  now: number;
  /** When a batch last arrived or progress was last seen (a join, a caught-up check). */
  lastProgressAt: number;
  timeoutMs: number;
  /** The consumer is consuming (not connecting or reconnecting), intake is on, no batch is being handled. */
  idle: boolean;
  assigned: Iterable<number>;
  /** The last log ends seen and when (undefined: unknown, nothing is decided). */
  logEnds: { at: number; ends: ReadonlyMap<number, { start: number; end: number }> } | undefined;
  /** Older log ends than this prove nothing. */
  maxLogEndAgeMs: number;
  positions: ReadonlyMap<number, number>;
  /** Positions kafkajs moved past without records (transaction markers). */
  fetched: ReadonlyMap<number, number>;
}

export type StallVerdict =
  | { kind: 'unknown' }
  | { kind: 'caught-up' }
  | { kind: 'behind'; records: number }
  | { kind: 'stalled'; records: number; forMs: number };

export function judgeStall(inputs: StallInputs): StallVerdict {
  const { logEnds, now } = inputs;
  if (!inputs.idle || !logEnds || now - logEnds.at > inputs.maxLogEndAgeMs) return { kind: 'unknown' };
  let behind = 0;
  for (const p of inputs.assigned) {
    const ends = logEnds.ends.get(p);
    if (!ends) continue;
    const position = Math.max(inputs.positions.get(p) ?? ends.start, inputs.fetched.get(p) ?? ends.start);
    behind += Math.max(0, ends.end - position);
  }
  if (behind === 0) return { kind: 'caught-up' };
  const forMs = now - inputs.lastProgressAt;
  return forMs < inputs.timeoutMs ? { kind: 'behind', records: behind } : { kind: 'stalled', records: behind, forMs };
}

/**
 * Where the stall clock stands once Kafka tells the log ends again, after `unknownSince` (when a
 * poll first failed; undefined: the last poll answered). While nothing answered, nothing proved that
 * records waited: after an outage longer than `maxLogEndAgeMs` (one failed poll is not one), the
 * consumer gets the whole timeout from Kafka's return to rejoin and fetch, instead of being judged
 * stalled for the outage itself (the broker is back, its coordinator still loading).
 */
export function progressOnLogEnds(lastProgressAt: number, unknownSince: number | undefined, now: number, maxLogEndAgeMs: number): number {
  if (unknownSince === undefined || now - unknownSince < maxLogEndAgeMs) return lastProgressAt;
  return Math.max(lastProgressAt, now);
}
