/**
 * Keyed event-time windows with an incremental aggregate, Flink semantics (window-assigners.ts says
 * which windows an event belongs to):
 * - a window fires once when the watermark reaches its last millisecond (end - 1);
 * - within the allowed lateness a late event updates the window and fires it again at once;
 * - beyond it (end - 1 + lateness <= watermark) the window is gone: an event that belongs to no
 *   live window is late and goes to the late topic;
 * - a window's state is purged when the watermark passes end - 1 + lateness.
 *
 * Tumbling and sliding windows (`AlignedWindowOperator`) are found by their start: every window has
 * the same size. Session windows (`SessionWindowOperator`) merge per key and keep their end with
 * their state.
 *
 * State lives behind WindowStateStore so the LMDB store (keyed actors) replaces the in-memory one
 * without touching this logic.
 */
import { assignerFor, type TimeWindow, type WindowAssigner, type WindowSpec } from './window-assigners.js';

export interface AggregateFunction<IN, ACC, OUT> {
  createAccumulator(): ACC;
  add(accumulator: ACC, value: IN): ACC;
  result(accumulator: ACC, key: string, window: TimeWindow): OUT;
  /** Both accumulators' contents in one (session windows merge): may reuse either argument. */
  merge?(a: ACC, b: ACC): ACC;
}

export type { TimeWindow } from './window-assigners.js';

export function assignTumblingWindow(timestamp: number, sizeMs: number): TimeWindow {
  const start = timestamp - (((timestamp % sizeMs) + sizeMs) % sizeMs);
  return { start, end: start + sizeMs };
}

export interface WindowEntry<ACC> {
  accumulator: ACC;
  /** True once the window has fired at least once (later firings are lateness corrections). */
  fired: boolean;
  /** Session windows only: the window's end (exclusive); aligned windows' ends follow from their start. */
  end?: number;
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
  /** Delete one key's entry of a window (session windows: merged away or purged). */
  delete(windowStart: number, key: string): void;
  /** Every entry, any order (rebuilding an index at start); stores that cannot list cheaply may omit it. */
  allEntries?(): Iterable<[windowStart: number, key: string, entry: WindowEntry<ACC>]>;
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
  delete(windowStart: number, key: string): void {
    const keys = this.byStart.get(windowStart);
    if (!keys) return;
    keys.delete(key);
    if (keys.size === 0) this.byStart.delete(windowStart);
  }
  *allEntries(): Iterable<[number, string, WindowEntry<ACC>]> {
    for (const [start, keys] of this.byStart) for (const [key, entry] of keys) yield [start, key, entry];
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
  /** Which windows (tumbling `sizeMs` when absent: the built-in job's). */
  assigner?: WindowSpec;
}

/** The window spec of options: the assigner given, or tumbling windows of `sizeMs`. */
export function windowSpecOf(options: WindowOptions): WindowSpec {
  return options.assigner ?? { type: 'tumbling', sizeMs: options.sizeMs };
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

/** What adding an event did, told as it happens (no outcome objects per event). */
export interface AddEvents<OUT> {
  /** The event was counted in the window starting at `start` (state TTL bookkeeping). */
  touched(start: number): void;
  /** A window that had fired was changed within the allowed lateness: its corrected result. */
  refired(result: OUT): void;
}

/** A keyed window operator: tumbling, sliding or session windows over one store. */
export interface WindowOperator<IN, OUT> {
  /** True when an event at `timestamp` can no longer be counted at `watermark` whatever its key (merging windows: never sure). */
  isLate(timestamp: number, watermark: number): boolean;
  /** Count an event; false when it is late (counted in no window). */
  addEvent(key: string, timestamp: number, value: IN, watermark: number, events: AddEvents<OUT>): boolean;
  /**
   * Move event time to `watermark`: fire every window whose last millisecond it reached, in
   * event-time order, and purge windows past their allowed lateness. Fired windows are handed to
   * `onFired` one by one (a watermark step may fire millions: nothing collects them all); returns
   * the window starts that hold no state any more. `beforeStateChanges`, when given, is called
   * after a window's results were handed to `onFired` and before its state is purged or marked
   * fired: a caller hands those results on there, so the state work never holds them back
   * (tumbling and sliding windows; session windows fire and change state key by key, and leave
   * the hand-over to the end of the step).
   */
  advance(watermark: number, onFired: (fired: FiredWindow<OUT>) => void, beforeStateChanges?: () => void): number[];
  /**
   * Fire the entries of windows starting at `start` that have not fired yet and delete them,
   * whatever the watermark: the state TTL's way out for a window the watermark never reaches (a
   * stalled input), so its counts are written rather than silently dropped.
   */
  expireWindow(start: number, onFired: (fired: FiredWindow<OUT>) => void): void;
}

export function createWindowOperator<IN, ACC, OUT>(
  options: WindowOptions,
  aggregate: AggregateFunction<IN, ACC, OUT>,
  store: WindowStateStore<ACC>,
): WindowOperator<IN, OUT> {
  const spec = windowSpecOf(options);
  if (spec.type === 'session') return new SessionWindowOperator(spec.gapMs, options.allowedLatenessMs, aggregate, store);
  return new AlignedWindowOperator(assignerFor(spec), options.allowedLatenessMs, aggregate, store);
}

/** Tumbling and sliding windows: every window has the same size, so a start names it. */
export class AlignedWindowOperator<IN, ACC, OUT> implements WindowOperator<IN, OUT> {
  constructor(
    protected readonly assigner: WindowAssigner,
    protected readonly allowedLatenessMs: number,
    protected readonly aggregate: AggregateFunction<IN, ACC, OUT>,
    protected readonly store: WindowStateStore<ACC>,
  ) {
    if (assigner.merging) throw new Error('AlignedWindowOperator takes tumbling or sliding windows');
  }

  isLate(timestamp: number, watermark: number): boolean {
    return this.assigner.lastEnd(timestamp) - 1 + this.allowedLatenessMs <= watermark;
  }

  addEvent(key: string, timestamp: number, value: IN, watermark: number, events: AddEvents<OUT>): boolean {
    const startOf = this.assigner.startOf;
    if (startOf !== undefined) {
      // Tumbling: one window, found without assign's array and window object per event.
      const start = startOf(timestamp);
      const refired = this.addTo(start, this.assigner.endOf(start), key, value, watermark);
      if (refired === LATE) return false;
      events.touched(start);
      if (refired !== undefined) events.refired(refired);
      return true;
    }
    let counted = false;
    for (const window of this.assigner.assign(timestamp)) {
      const refired = this.addTo(window.start, window.end, key, value, watermark);
      if (refired === LATE) continue;
      counted = true;
      events.touched(window.start);
      if (refired !== undefined) events.refired(refired);
    }
    return counted;
  }

  /** Add to one window: LATE, the corrected result of a window that had fired, or undefined. */
  protected addTo(start: number, end: number, key: string, value: IN, watermark: number): OUT | typeof LATE | undefined {
    const lastMs = end - 1;
    if (lastMs + this.allowedLatenessMs <= watermark) return LATE;
    const existing = this.store.get(start, key);
    const entry: WindowEntry<ACC> = existing ?? { accumulator: this.aggregate.createAccumulator(), fired: false };
    entry.accumulator = this.aggregate.add(entry.accumulator, value);
    if (lastMs <= watermark) {
      // The watermark already passed this window: fire the corrected result now (a late firing).
      entry.fired = true;
      this.store.put(start, key, entry);
      return this.aggregate.result(entry.accumulator, key, { start, end });
    }
    this.store.put(start, key, entry);
    return undefined;
  }

  advance(watermark: number, onFired: (fired: FiredWindow<OUT>) => void, beforeStateChanges?: () => void): number[] {
    const starts = [...this.store.windowStarts()].sort((a, b) => a - b);
    // The purged starts are written over the front of `starts` (already read there), not pushed
    // onto a new array: a new `[]` holds small integers until its first push of a window start
    // (a double), and that change of element kind deoptimized this code at the first purges.
    let purged = 0;
    for (const start of starts) {
      const window = { start, end: this.assigner.endOf(start) };
      const lastMs = window.end - 1;
      if (lastMs > watermark) break;
      const purge = lastMs + this.allowedLatenessMs <= watermark;
      const retained: Array<[string, WindowEntry<ACC>]> = [];
      for (const [key, entry] of this.store.entries(start)) {
        if (entry.fired) continue;
        onFired({ window, key, result: this.aggregate.result(entry.accumulator, key, window) });
        if (!purge) retained.push([key, { accumulator: entry.accumulator, fired: true }]);
      }
      beforeStateChanges?.();
      if (purge) {
        this.store.deleteWindow(start);
        starts[purged++] = start;
      } else {
        // Kept for lateness corrections: remember that these fired.
        for (const [key, entry] of retained) this.store.put(start, key, entry);
      }
    }
    starts.length = purged;
    return starts;
  }

  expireWindow(start: number, onFired: (fired: FiredWindow<OUT>) => void): void {
    const window = { start, end: this.assigner.endOf(start) };
    for (const [key, entry] of this.store.entries(start)) {
      if (!entry.fired) onFired({ window, key, result: this.aggregate.result(entry.accumulator, key, window) });
    }
    this.store.deleteWindow(start);
  }
}

const LATE = Symbol('late');

/** Tumbling windows, with the outcome-per-event API the first operator had (tests, benches). */
export class TumblingWindowOperator<IN, ACC, OUT> extends AlignedWindowOperator<IN, ACC, OUT> {
  constructor(options: WindowOptions, aggregate: AggregateFunction<IN, ACC, OUT>, store: WindowStateStore<ACC>) {
    super(assignerFor({ type: 'tumbling', sizeMs: options.sizeMs }), options.allowedLatenessMs, aggregate, store);
  }

  add(key: string, timestamp: number, value: IN, watermark: number): AddOutcome<OUT> {
    const window = this.assigner.assign(timestamp)[0] as TimeWindow;
    const refired = this.addTo(window.start, window.end, key, value, watermark);
    if (refired === LATE) return { kind: 'late', window };
    return refired === undefined ? { kind: 'added', window } : { kind: 'refired', window, result: refired };
  }
}

/** A session of one key: [start, end). */
interface Session {
  start: number;
  end: number;
}

/** When something is due for a session: its firing (at end - 1) or its purge (end - 1 + lateness). */
interface Timer {
  at: number;
  key: string;
  start: number;
  end: number;
}

/**
 * Session windows (Flink's EventTimeSessionWindows with a MergingWindowSet): each event opens
 * [t, t + gap); windows of a key that overlap or touch merge into one, their accumulators merged
 * (`AggregateFunction.merge`). Lateness is judged on the merged window, as Flink does: an event far
 * behind the watermark still counts when it joins a session that is live.
 *
 * The sessions of each key and the timers (a heap ordered by due time, stale entries skipped) are
 * kept in memory, rebuilt from the store at start; the store holds every session's entry under
 * (start, key) with its end.
 */
export class SessionWindowOperator<IN, ACC, OUT> implements WindowOperator<IN, OUT> {
  /** key -> its live sessions, ordered by start, disjoint. */
  private readonly sessions = new Map<string, Session[]>();
  /** session start -> live sessions starting there (a start is "free" for the TTL bookkeeping at 0). */
  private readonly starts = new Map<number, number>();
  private readonly timers = new TimerHeap();

  constructor(
    private readonly gapMs: number,
    private readonly allowedLatenessMs: number,
    private readonly aggregate: AggregateFunction<IN, ACC, OUT>,
    private readonly store: WindowStateStore<ACC>,
  ) {
    if (!aggregate.merge) throw new Error('session windows need an aggregate that can merge accumulators (AggregateFunction.merge)');
    const all: Iterable<[number, string, WindowEntry<ACC>]> =
      store.allEntries?.() ??
      (function* () {
        for (const start of [...store.windowStarts()])
          for (const [key, entry] of store.entries(start)) yield [start, key, entry] as [number, string, WindowEntry<ACC>];
      })();
    for (const [start, key, entry] of all) {
      const end = entry.end ?? start + gapMs;
      this.insert(key, { start, end });
      this.timers.push({ at: entry.fired ? end - 1 + allowedLatenessMs : end - 1, key, start, end });
    }
  }

  /** A merging window is never late before the key's sessions are seen: the worker decides. */
  isLate(): boolean {
    return false;
  }

  addEvent(key: string, timestamp: number, value: IN, watermark: number, events: AddEvents<OUT>): boolean {
    const lateness = this.allowedLatenessMs;
    const isLate = (s: Session) => s.end - 1 + lateness <= watermark;
    let merged: Session = { start: timestamp, end: timestamp + this.gapMs };
    const list = this.sessions.get(key);
    // Live sessions this window overlaps or touches (inclusive, as Flink's TimeWindow.intersects).
    const joined: Session[] = [];
    if (list) {
      for (const s of list) {
        if (s.start <= merged.end && s.end >= merged.start && !isLate(s)) joined.push(s);
      }
    }
    for (const s of joined) merged = { start: Math.min(merged.start, s.start), end: Math.max(merged.end, s.end) };
    if (isLate(merged)) return false;

    let accumulator: ACC | undefined;
    for (const s of joined) {
      const entry = this.store.get(s.start, key);
      if (!entry) throw new Error(`session ${s.start}..${s.end} of key ${JSON.stringify(key)} has no state`);
      accumulator =
        accumulator === undefined
          ? entry.accumulator
          : (this.aggregate.merge as NonNullable<typeof this.aggregate.merge>)(accumulator, entry.accumulator);
    }
    accumulator = this.aggregate.add(accumulator ?? this.aggregate.createAccumulator(), value);
    const unchanged = joined.length === 1 && (joined[0] as Session).start === merged.start && (joined[0] as Session).end === merged.end;
    for (const s of joined) {
      this.remove(key, s);
      if (s.start !== merged.start) this.store.delete(s.start, key);
    }
    this.insert(key, merged);
    const lastMs = merged.end - 1;
    const fired = lastMs <= watermark;
    this.store.put(merged.start, key, { accumulator, fired, end: merged.end });
    if (!unchanged) this.timers.push({ at: fired ? lastMs + lateness : lastMs, key, start: merged.start, end: merged.end });
    events.touched(merged.start);
    // The merged window's end had passed already: fire its corrected result now (a late firing).
    if (fired) events.refired(this.aggregate.result(accumulator, key, merged));
    return true;
  }

  advance(watermark: number, onFired: (fired: FiredWindow<OUT>) => void): number[] {
    const freed: number[] = [];
    for (let timer = this.timers.peek(); timer !== undefined && timer.at <= watermark; timer = this.timers.peek()) {
      this.timers.pop();
      const { key, start, end } = timer;
      if (!this.isLive(key, start, end)) continue; // merged away or purged since
      const entry = this.store.get(start, key);
      if (!entry) continue;
      const window = { start, end };
      if (!entry.fired) onFired({ window, key, result: this.aggregate.result(entry.accumulator, key, window) });
      if (end - 1 + this.allowedLatenessMs <= watermark) {
        this.store.delete(start, key);
        if (this.remove(key, { start, end })) freed.push(start);
      } else {
        if (!entry.fired) this.store.put(start, key, { accumulator: entry.accumulator, fired: true, end });
        this.timers.push({ at: end - 1 + this.allowedLatenessMs, key, start, end });
      }
    }
    return freed;
  }

  expireWindow(start: number, onFired: (fired: FiredWindow<OUT>) => void): void {
    for (const [key, entry] of [...this.store.entries(start)]) {
      const end = entry.end ?? start + this.gapMs;
      const window = { start, end };
      if (!entry.fired) onFired({ window, key, result: this.aggregate.result(entry.accumulator, key, window) });
      this.store.delete(start, key);
      this.remove(key, window);
    }
  }

  private isLive(key: string, start: number, end: number): boolean {
    const list = this.sessions.get(key);
    return list?.some((s) => s.start === start && s.end === end) ?? false;
  }

  private insert(key: string, session: Session): void {
    let list = this.sessions.get(key);
    if (!list) {
      list = [];
      this.sessions.set(key, list);
    }
    let i = list.length;
    while (i > 0 && (list[i - 1] as Session).start > session.start) i--;
    list.splice(i, 0, session);
    this.starts.set(session.start, (this.starts.get(session.start) ?? 0) + 1);
  }

  /** Forget a session; true when no live session starts where it did any more. */
  private remove(key: string, session: Session): boolean {
    const list = this.sessions.get(key);
    const i = list ? list.findIndex((s) => s.start === session.start && s.end === session.end) : -1;
    if (!list || i < 0) return false;
    list.splice(i, 1);
    if (list.length === 0) this.sessions.delete(key);
    const left = (this.starts.get(session.start) ?? 1) - 1;
    if (left > 0) {
      this.starts.set(session.start, left);
      return false;
    }
    this.starts.delete(session.start);
    return true;
  }
}

/** A binary min-heap of timers by due time, then key and start (a deterministic order). */
class TimerHeap {
  private readonly items: Timer[] = [];

  push(timer: Timer): void {
    const items = this.items;
    items.push(timer);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i] as Timer, items[parent] as Timer)) break;
      [items[i], items[parent]] = [items[parent] as Timer, items[i] as Timer];
      i = parent;
    }
  }

  peek(): Timer | undefined {
    return this.items[0];
  }

  pop(): Timer | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && before(items[l] as Timer, items[m] as Timer)) m = l;
        if (r < items.length && before(items[r] as Timer, items[m] as Timer)) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m] as Timer, items[i] as Timer];
        i = m;
      }
    }
    return top;
  }
}

function before(a: Timer, b: Timer): boolean {
  if (a.at !== b.at) return a.at < b.at;
  if (a.key !== b.key) return a.key < b.key;
  return a.start < b.start;
}
