/**
 * The windows of a job with several aggregations (job files' `aggregations:`), in one worker's one
 * store: each aggregation has a window operator of its own (its windows, lateness and aggregate),
 * and the events selected for it.
 *
 * The aggregations share the store (one LMDB environment, one undo log, one checkpoint), kept apart
 * by the window start: aggregation `a` of `n` keeps the window starting at `s` under `s * n + a`.
 * Starts stay integers (|s| < 2^53 / n for any millisecond timestamp and n <= 16), order is kept
 * within an aggregation, and keys stay the job's keys, so key groups (where a key lives, which
 * savepoint file holds it) do not depend on the aggregation.
 */
import {
  createWindowOperator,
  type AddEvents,
  type AggregateFunction,
  type FiredWindow,
  type WindowEntry,
  type WindowOperator,
  type WindowStateStore,
} from './windows.js';
import type { WindowSpec } from './window-assigners.js';

export interface AggregationWindows<IN, ACC, OUT> {
  window: WindowSpec;
  allowedLatenessMs: number;
  aggregate: AggregateFunction<IN, ACC, OUT>;
}

/** Where aggregation `a` of `n` keeps the window starting at `start`. */
export function storedStart(start: number, a: number, n: number): number {
  return start * n + a;
}

/** Which aggregation a stored start belongs to, and the window's own start. */
export function splitStoredStart(stored: number, n: number): { a: number; start: number } {
  const a = ((stored % n) + n) % n;
  return { a, start: (stored - a) / n };
}

/** One aggregation's view of the shared store: its windows under their own starts. */
export class AggregationStoreView<ACC> implements WindowStateStore<ACC> {
  constructor(
    private readonly store: WindowStateStore<ACC>,
    private readonly a: number,
    private readonly n: number,
  ) {}

  get(windowStart: number, key: string): WindowEntry<ACC> | undefined {
    return this.store.get(storedStart(windowStart, this.a, this.n), key);
  }
  put(windowStart: number, key: string, entry: WindowEntry<ACC>): void {
    this.store.put(storedStart(windowStart, this.a, this.n), key, entry);
  }
  *windowStarts(): Iterable<number> {
    for (const stored of this.store.windowStarts()) {
      const { a, start } = splitStoredStart(stored, this.n);
      if (a === this.a) yield start;
    }
  }
  entries(windowStart: number): Iterable<[string, WindowEntry<ACC>]> {
    return this.store.entries(storedStart(windowStart, this.a, this.n));
  }
  deleteWindow(windowStart: number): void {
    this.store.deleteWindow(storedStart(windowStart, this.a, this.n));
  }
  delete(windowStart: number, key: string): void {
    this.store.delete(storedStart(windowStart, this.a, this.n), key);
  }
  *allEntries(): Iterable<[number, string, WindowEntry<ACC>]> {
    const all =
      this.store.allEntries?.() ??
      (function* (store: WindowStateStore<ACC>) {
        for (const s of [...store.windowStarts()])
          for (const [key, entry] of store.entries(s)) yield [s, key, entry] as [number, string, WindowEntry<ACC>];
      })(this.store);
    for (const [stored, key, entry] of all) {
      const { a, start } = splitStoredStart(stored, this.n);
      if (a === this.a) yield [start, key, entry];
    }
  }
}

/** Every aggregation's window operator; events go to theirs, time moves them all. */
export class AggregationsWindowOperator<IN, ACC, OUT> implements WindowOperator<IN, OUT> {
  private readonly operators: Array<WindowOperator<IN, OUT>>;
  private readonly n: number;

  constructor(
    aggregations: ReadonlyArray<AggregationWindows<IN, ACC, OUT>>,
    /** Which aggregation an event was selected for. */
    private readonly aggregationOf: (event: IN) => number,
    store: WindowStateStore<ACC>,
  ) {
    this.n = aggregations.length;
    this.operators = aggregations.map((agg, a) =>
      createWindowOperator(
        { sizeMs: 0, allowedLatenessMs: agg.allowedLatenessMs, assigner: agg.window },
        agg.aggregate,
        new AggregationStoreView(store, a, aggregations.length),
      ),
    );
  }

  /** Late only when it is late for every aggregation (each judges with its own windows and lateness). */
  isLate(timestamp: number, watermark: number): boolean {
    return this.operators.every((op) => op.isLate(timestamp, watermark));
  }

  addEvent(key: string, timestamp: number, value: IN, watermark: number, events: AddEvents<OUT>): boolean {
    const a = this.aggregationOf(value);
    const operator = this.operators[a];
    if (!operator) throw new Error(`an event for aggregation ${a}; the job has ${this.n}`);
    const n = this.n;
    return operator.addEvent(key, timestamp, value, watermark, {
      // The actor's TTL bookkeeping is by stored start: expireWindow gets it back.
      touched: (start) => events.touched(storedStart(start, a, n)),
      refired: events.refired,
    });
  }

  advance(watermark: number, onFired: (fired: FiredWindow<OUT>) => void, beforeStateChanges?: () => void): number[] {
    const purged: number[] = [];
    this.operators.forEach((op, a) => {
      for (const start of op.advance(watermark, onFired, beforeStateChanges)) purged.push(storedStart(start, a, this.n));
    });
    return purged;
  }

  expireWindow(stored: number, onFired: (fired: FiredWindow<OUT>) => void): void {
    const { a, start } = splitStoredStart(stored, this.n);
    this.operators[a]?.expireWindow(start, onFired);
  }
}
