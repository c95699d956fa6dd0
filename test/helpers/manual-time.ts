/**
 * A Clock and Scheduler driven by hand: `advance(ms)` moves time forward and runs what came due, in
 * due order, letting promise callbacks settle after each one. Tests of timing logic use this
 * instead of sleeping.
 */
import type { Cancel, Clock, Scheduler } from '../../src/clock.js';

interface Task {
  due: number;
  seq: number;
  fn: () => void;
}

/** Let every pending promise callback run (a macrotask turn, not a sleep). */
export async function settle(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export class ManualTime implements Clock, Scheduler {
  private current: number;
  private seq = 0;
  private tasks: Task[] = [];

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  schedule(delayMs: number, fn: () => void): Cancel {
    const task: Task = { due: this.current + Math.max(0, delayMs), seq: this.seq++, fn };
    this.tasks.push(task);
    return () => {
      this.tasks = this.tasks.filter((t) => t !== task);
    };
  }

  /** Due times of scheduled calls, earliest first (what a test expects the code to have planned). */
  get pending(): number[] {
    return this.tasks.map((t) => t.due).sort((a, b) => a - b);
  }

  /** Move time forward by `ms`, running every call that comes due on the way. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.current + ms);
  }

  async advanceTo(target: number): Promise<void> {
    await settle();
    for (;;) {
      const next = this.nextDue();
      if (!next || next.due > target) break;
      this.tasks = this.tasks.filter((t) => t !== next);
      this.current = Math.max(this.current, next.due);
      next.fn();
      await settle();
    }
    this.current = Math.max(this.current, target);
  }

  private nextDue(): Task | undefined {
    let best: Task | undefined;
    for (const t of this.tasks) if (!best || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t;
    return best;
  }
}
