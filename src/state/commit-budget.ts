/**
 * How much a window store's write buffer may hold before it commits early, so that the commit a
 * barrier has to make stays near a time budget (LmdbWindowStore.endStep).
 *
 * The buffer's size is counted in cost units: a new entry is one unit, a change to an entry already
 * on disk weighs more (DISK_UPDATE_WEIGHT). What a unit costs depends on the tree: in a tree of
 * 500,000 random keys nearly every write copies a B-tree page of its own (~9.5 µs per new entry,
 * 25-40 µs per update), while in a tree of 10,000 entries a commit of 8,000 units takes ~8 ms, about
 * 1 µs per unit, because its writes share the few pages there are. A fixed unit budget tuned for the
 * large tree made a real-time job with a few thousand hot keys commit every ~60 ms, rewriting the
 * same keys each time (2.7-3.8 µs per event instead of 0.7-0.9 in bench/state-store-realtime.ts) and
 * firing its windows from disk. So the budget is in milliseconds, and each commit's measured
 * duration teaches what a unit costs in this store now.
 */

/** Until a commit is measured, a unit is assumed to cost this much (a new entry in a large tree). */
export const INITIAL_MICROS_PER_UNIT = 10;
/** Commits smaller than this are not measured: their fixed cost would dominate. */
const MIN_MEASURED_UNITS = 1_000;
/** The weight of the latest measurement in the running estimate. */
const LEARNING_RATE = 0.3;
/** Bounds on the estimate, so one odd commit (a stalled disk, a descheduled thread) cannot run away. */
const MIN_MICROS_PER_UNIT = 0.25;
const MAX_MICROS_PER_UNIT = 100;

export type CommitBudgetSetting = { units: number } | { ms: number };

export class CommitBudget {
  private microsPerUnit = INITIAL_MICROS_PER_UNIT;

  constructor(private readonly setting: CommitBudgetSetting) {}

  /** The buffer's cost, in units, at which an early commit is due. */
  get units(): number {
    if ('units' in this.setting) return this.setting.units;
    return Math.max(1, Math.floor((this.setting.ms * 1000) / this.microsPerUnit));
  }

  /** A commit of `units` took `ms`: learn what a unit costs (a fixed unit budget ignores it). */
  observe(units: number, ms: number): void {
    if ('units' in this.setting || units < MIN_MEASURED_UNITS || !(ms >= 0)) return;
    const measured = Math.min(MAX_MICROS_PER_UNIT, Math.max(MIN_MICROS_PER_UNIT, (ms * 1000) / units));
    this.microsPerUnit += LEARNING_RATE * (measured - this.microsPerUnit);
  }

  /** What a unit is estimated to cost now (µs). */
  get estimatedMicrosPerUnit(): number {
    return this.microsPerUnit;
  }
}
