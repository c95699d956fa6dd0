/**
 * Which event-time windows an event belongs to, with Flink's semantics (TumblingEventTimeWindows,
 * SlidingEventTimeWindows, EventTimeSessionWindows, offset 0):
 *
 * - tumbling `size`: [start, start + size) with start = t - (t mod size);
 * - sliding `size`/`slide`: every [start, start + size) with start a multiple of `slide` and
 *   start <= t < start + size (size / slide windows per event when slide divides size);
 * - session `gap`: [t, t + gap), merged with every window of the same key it overlaps or touches
 *   (Flink's TimeWindow.intersects is inclusive: [0, 10) and [10, 20) merge), so a session ends
 *   `gap` after its last event.
 *
 * A window fires when the watermark reaches its last millisecond (end - 1); it is purged, and an
 * event that only belongs to purged windows is late, once end - 1 + allowed lateness <= watermark.
 */
/** A window of event time: [start, end). */
export interface TimeWindow {
  start: number;
  /** Exclusive. */
  end: number;
}

export type WindowSpec =
  | { type: 'tumbling'; sizeMs: number }
  | { type: 'sliding'; sizeMs: number; slideMs: number }
  | { type: 'session'; gapMs: number };

/** Sliding windows per event at most: a finer slide would multiply state beyond reason. */
export const MAX_WINDOWS_PER_EVENT = 1000;

export interface WindowAssigner {
  readonly spec: WindowSpec;
  /** Session windows merge per key: lateness depends on the key's state, decided where it lives. */
  readonly merging: boolean;
  /** The windows an event at `timestamp` belongs to, earliest first (sessions: its own [t, t + gap)). */
  assign(timestamp: number): TimeWindow[];
  /**
   * Tumbling windows: the start of the one window an event at `timestamp` belongs to (what
   * `assign` gives, without its array and window object per event). Absent for the others.
   */
  startOf?(timestamp: number): number;
  /**
   * The end of the latest window an event at `timestamp` belongs to. With a non-merging assigner the
   * event is late when `lastEnd - 1 + allowedLateness <= watermark`; with a merging one it may still
   * join a live session of its key, so that only makes it a candidate.
   */
  lastEnd(timestamp: number): number;
  /** The end of the window starting at `start` (non-merging assigners: every window has one size). */
  endOf(start: number): number;
  /** The size of a window: the session gap for sessions (what telemetry and manifests call windowMs). */
  readonly sizeMs: number;
}

/** `n mod m`, non-negative (event times before 1970 still align). */
function floorMod(n: number, m: number): number {
  return ((n % m) + m) % m;
}

export function assignerFor(spec: WindowSpec): WindowAssigner {
  switch (spec.type) {
    case 'tumbling': {
      const size = spec.sizeMs;
      return {
        spec,
        merging: false,
        sizeMs: size,
        assign(timestamp) {
          const start = timestamp - floorMod(timestamp, size);
          return [{ start, end: start + size }];
        },
        startOf: (timestamp) => timestamp - floorMod(timestamp, size),
        lastEnd: (timestamp) => timestamp - floorMod(timestamp, size) + size,
        endOf: (start) => start + size,
      };
    }
    case 'sliding': {
      const { sizeMs: size, slideMs: slide } = spec;
      return {
        spec,
        merging: false,
        sizeMs: size,
        assign(timestamp) {
          const windows: TimeWindow[] = [];
          const lastStart = timestamp - floorMod(timestamp, slide);
          for (let start = lastStart; start > timestamp - size; start -= slide) windows.push({ start, end: start + size });
          return windows.reverse();
        },
        lastEnd: (timestamp) => timestamp - floorMod(timestamp, slide) + size,
        endOf: (start) => start + size,
      };
    }
    case 'session': {
      const gap = spec.gapMs;
      return {
        spec,
        merging: true,
        sizeMs: gap,
        assign: (timestamp) => [{ start: timestamp, end: timestamp + gap }],
        lastEnd: (timestamp) => timestamp + gap,
        endOf: () => {
          throw new Error('session windows have no fixed size: their end is kept with their state');
        },
      };
    }
  }
}

/** What is wrong with a window spec, or undefined (sizes positive safe integers, a slide that covers every instant). */
export function windowSpecProblem(spec: WindowSpec): string | undefined {
  const positive = (n: number) => Number.isSafeInteger(n) && n > 0;
  switch (spec.type) {
    case 'tumbling':
      return positive(spec.sizeMs) ? undefined : 'the size must be a positive whole number of milliseconds';
    case 'sliding':
      if (!positive(spec.sizeMs) || !positive(spec.slideMs)) return 'size and slide must be positive whole numbers of milliseconds';
      if (spec.slideMs > spec.sizeMs)
        return `the slide (${spec.slideMs} ms) is longer than the size (${spec.sizeMs} ms): events between two windows would belong to none`;
      if (Math.ceil(spec.sizeMs / spec.slideMs) > MAX_WINDOWS_PER_EVENT)
        return `size / slide is ${Math.ceil(spec.sizeMs / spec.slideMs)}: each event would be counted in that many windows (at most ${MAX_WINDOWS_PER_EVENT})`;
      return undefined;
    case 'session':
      return positive(spec.gapMs) ? undefined : 'the gap must be a positive whole number of milliseconds';
  }
}

/** `tumbling 60000 ms`, `sliding 600000 ms every 60000 ms`, `session gap 1800000 ms`: for messages. */
export function describeWindow(spec: WindowSpec): string {
  switch (spec.type) {
    case 'tumbling':
      return `tumbling ${spec.sizeMs} ms`;
    case 'sliding':
      return `sliding ${spec.sizeMs} ms every ${spec.slideMs} ms`;
    case 'session':
      return `session gap ${spec.gapMs} ms`;
  }
}
