/**
 * Holds back a log line repeated within a period: during a broker outage kafkajs logs the same
 * connection error on every retry of every connection (~100 lines in 8 s), which buries the lines
 * that say something new. The first line of a kind in a period is logged; the repeats are counted,
 * and the kind's next line after the period says how many were held back (a count whose kind never
 * comes again is not reported: the outage it belonged to has ended).
 */
import { systemClock, type Clock } from '../clock.js';

/** How long a line of one kind stands for its repeats. */
export const DEFAULT_REPEAT_PERIOD_MS = 10_000;

export class LogRepeats {
  /** kind -> when its period began, and the repeats held back in it. */
  private readonly periods = new Map<string, { since: number; held: number }>();

  constructor(
    private readonly periodMs: number = DEFAULT_REPEAT_PERIOD_MS,
    private readonly clock: Clock = systemClock,
    /** At most this many kinds are remembered (the oldest is forgotten first): messages can embed ids. */
    private readonly maxKinds = 1_000,
  ) {}

  /**
   * `undefined`: a repeat to hold back. Otherwise log the line, with `held` (when > 0): how many
   * lines of this kind were held back in its previous period.
   */
  admit(kind: string): { held: number } | undefined {
    const now = this.clock.now();
    const period = this.periods.get(kind);
    if (period && now - period.since < this.periodMs) {
      period.held++;
      return undefined;
    }
    const held = period?.held ?? 0;
    this.periods.delete(kind);
    if (this.periods.size >= this.maxKinds) this.periods.delete(this.periods.keys().next().value as string);
    this.periods.set(kind, { since: now, held: 0 });
    return { held };
  }
}
