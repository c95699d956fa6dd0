/**
 * Keyed tumbling event-time windows with an incremental aggregate, Flink semantics:
 * - an event belongs to [start, start + size) with start = timestamp - (timestamp mod size);
 * - a window fires once when the watermark reaches its last millisecond (end - 1);
 * - within the allowed lateness a late event updates the window and fires it again at once;
 * - beyond it (end - 1 + lateness <= watermark) the event is late and goes to the late topic;
 * - a window's state is purged when the watermark passes end - 1 + lateness.
 *
 * State lives behind WindowStateStore so the LMDB store (keyed actors) replaces the in-memory one
 * without touching this logic.
 */

export interface AggregateFunction<IN, ACC, OUT> {
  createAccumulator(): ACC;
  add(accumulator: ACC, value: IN): ACC;
  result(accumulator: ACC, key: string, window: TimeWindow): OUT;
}

export interface TimeWindow {
  start: number;
  /** Exclusive. */
  end: number;
}

export function assignTumblingWindow(timestamp: number, sizeMs: number): TimeWindow {
  const start = timestamp - (((timestamp % sizeMs) + sizeMs) % sizeMs);
  return { start, end: start + sizeMs };
}

export interface WindowEntry<ACC> {
  accumulator: ACC;
  /** True once the window has fired at least once (later firings are lateness corrections). */
  fired: boolean;
}

/** Where window accumulators live. Iteration order of `windowStarts` need not be sorted. */
export interface WindowStateStore<ACC> {
  get(windowStart: number, key: string): WindowEntry<ACC> | undefined;
  put(windowStart: number, key: string, entry: WindowEntry<ACC>): void;
  /** Window starts that hold at least one key. */
  windowStarts(): Iterable<number>;
  /** Keys of one window start with their entries. */
  entries(windowStart: number): Iterable<[string, WindowEntry<ACC>]>;
  deleteWindow(windowStart: number): void;
}

export class InMemoryWindowStore<ACC> implements WindowStateStore<ACC> {
  private readonly byStart = new Map<number, Map<string, WindowEntry<ACC>>>();

  get(windowStart: number, key: string): WindowEntry<ACC> | undefined {
    return this.byStart.get(windowStart)?.get(key);
  }
  put(windowStart: number, key: string, entry: WindowEntry<ACC>): void {
    let keys = this.byStart.get(windowStart);
    if (!keys) {
      keys = new Map();
      this.byStart.set(windowStart, keys);
    }
    keys.set(key, entry);
  }
  windowStarts(): Iterable<number> {
    return this.byStart.keys();
  }
  entries(windowStart: number): Iterable<[string, WindowEntry<ACC>]> {
    return this.byStart.get(windowStart)?.entries() ?? [];
  }
  deleteWindow(windowStart: number): void {
    this.byStart.delete(windowStart);
  }
  /** Number of (key, window) entries held: for status lines and tests. */
  get size(): number {
    let n = 0;
    for (const keys of this.byStart.values()) n += keys.size;
    return n;
  }
}

export interface WindowOptions {
  sizeMs: number;
  allowedLatenessMs: number;
}

export type AddOutcome<OUT> =
  /** Counted in an open window. */
  | { kind: 'added'; window: TimeWindow }
  /** Counted in a window that had fired, within the allowed lateness: the corrected result. */
  | { kind: 'refired'; window: TimeWindow; result: OUT }
  /** Beyond the allowed lateness: not counted. */
  | { kind: 'late'; window: TimeWindow };

export interface FiredWindow<OUT> {
  window: TimeWindow;
  key: string;
  result: OUT;
}

export class TumblingWindowOperator<IN, ACC, OUT> {
  constructor(
    private readonly options: WindowOptions,
    private readonly aggregate: AggregateFunction<IN, ACC, OUT>,
    private readonly store: WindowStateStore<ACC>,
  ) {}

  /** True when an event at `timestamp` could no longer be counted at `watermark`. */
  isLate(timestamp: number, watermark: number): boolean {
    const window = assignTumblingWindow(timestamp, this.options.sizeMs);
    return window.end - 1 + this.options.allowedLatenessMs <= watermark;
  }

  add(key: string, timestamp: number, value: IN, watermark: number): AddOutcome<OUT> {
    const window = assignTumblingWindow(timestamp, this.options.sizeMs);
    const lastMs = window.end - 1;
    if (lastMs + this.options.allowedLatenessMs <= watermark) return { kind: 'late', window };
    const existing = this.store.get(window.start, key);
    const entry: WindowEntry<ACC> = existing ?? { accumulator: this.aggregate.createAccumulator(), fired: false };
    entry.accumulator = this.aggregate.add(entry.accumulator, value);
    if (lastMs <= watermark) {
      // The watermark already passed this window: fire the corrected result now (a late firing).
      entry.fired = true;
      this.store.put(window.start, key, entry);
      return { kind: 'refired', window, result: this.aggregate.result(entry.accumulator, key, window) };
    }
    this.store.put(window.start, key, entry);
    return { kind: 'added', window };
  }

  /**
   * Move event time to `watermark`: fire every window whose last millisecond it reached, in
   * event-time order, and purge windows past their allowed lateness. Fired windows are handed to
   * `onFired` one by one (a watermark step may fire millions: nothing collects them all); returns
   * the window starts purged.
   */
  advance(watermark: number, onFired: (fired: FiredWindow<OUT>) => void): number[] {
    const purged: number[] = [];
    const starts = [...this.store.windowStarts()].sort((a, b) => a - b);
    for (const start of starts) {
      const window = { start, end: start + this.options.sizeMs };
      const lastMs = window.end - 1;
      if (lastMs > watermark) break;
      const purge = lastMs + this.options.allowedLatenessMs <= watermark;
      const retained: Array<[string, WindowEntry<ACC>]> = [];
      for (const [key, entry] of this.store.entries(start)) {
        if (entry.fired) continue;
        onFired({ window, key, result: this.aggregate.result(entry.accumulator, key, window) });
        if (!purge) retained.push([key, { accumulator: entry.accumulator, fired: true }]);
      }
      if (purge) {
        this.store.deleteWindow(start);
        purged.push(start);
      } else {
        // Kept for lateness corrections: remember that these fired.
        for (const [key, entry] of retained) this.store.put(start, key, entry);
      }
    }
    return purged;
  }

  /**
   * Fire a window's entries that have not fired yet and delete it, whatever the watermark: the
   * state TTL's way out for a window the watermark never reaches (a stalled input), so its counts
   * are written rather than silently dropped.
   */
  expireWindow(start: number, onFired: (fired: FiredWindow<OUT>) => void): void {
    const window = { start, end: start + this.options.sizeMs };
    for (const [key, entry] of this.store.entries(start)) {
      if (!entry.fired) onFired({ window, key, result: this.aggregate.result(entry.accumulator, key, window) });
    }
    this.store.deleteWindow(start);
  }
}
