/**
 * Time as an injected dependency. Timing logic (checkpoint intervals, timeouts, restart delays)
 * takes a `Clock` and a `Scheduler` instead of calling Date.now/setTimeout, so unit tests drive
 * time by hand (test/helpers/manual-time.ts) and never sleep.
 */

export interface Clock {
  /** Milliseconds; only differences matter (wall clock in production, anything in tests). */
  now(): number;
}

/** Cancels a scheduled call; calling it after the call ran, or twice, does nothing. */
export type Cancel = () => void;

export interface Scheduler {
  /** Run `fn` once, `delayMs` from now (0 or less: as soon as possible, never synchronously). */
  schedule(delayMs: number, fn: () => void): Cancel;
}

export const systemClock: Clock = { now: () => Date.now() };

export const systemScheduler: Scheduler = {
  schedule(delayMs, fn) {
    // Timers keep the process alive on purpose: a pending restart or checkpoint is work to do.
    const timer = setTimeout(fn, Math.max(0, delayMs));
    return () => clearTimeout(timer);
  },
};
