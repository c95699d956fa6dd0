/**
 * The runtime's main loop: ONE RxJS composition that runs, one at a time and in arrival order,
 * everything that touches the pipeline: the source's batches, clock ticks, and control tasks
 * (barriers, flushes, the end of a bounded input). Entries never interleave, so the window state,
 * the read positions and what the sinks hold always agree where a barrier is placed.
 *
 * Bounds (no buffer grows without limit):
 * - batches: the source is credit-pulled (pulled-batches.ts): it hands over its next batch only
 *   after this loop called `done()` on the previous one, so at most one batch per source caller waits.
 * - ticks: a tick arriving while another is queued or running is dropped.
 * - tasks: their callers take turns already (one checkpoint in flight, savepoints queued behind
 *   each other, one stop), so only a handful can wait.
 * `concatMap` queues what arrives while an entry runs; the bounds above are what keep it short.
 */
import { concatMap, filter, from, map, merge, Observable, Subject, type Subscription } from '../rx.js';
import type { Scheduler } from '../../clock.js';
import type { PulledBatch } from '../sources/pulled-batches.js';

type Entry =
  | { kind: 'batch'; pulled: PulledBatch }
  | { kind: 'tick' }
  | { kind: 'task'; task: () => Promise<unknown>; settle: (outcome: PromiseSettledResult<unknown>) => void };

export interface MainLoopOptions {
  batches: Observable<PulledBatch>;
  scheduler: Scheduler;
  /** How often the clock ticks (idle partitions, windows that fire without new input). */
  tickMs: number;
  onBatch(pulled: PulledBatch): Promise<void>;
  onTick(): Promise<void>;
  /** A batch or tick failed: the job fails (tasks report to their caller instead). */
  onError(err: unknown): void;
}

export class MainLoop {
  private readonly tasks = new Subject<Entry>();
  private subscription: Subscription | undefined;
  private tickQueued = false;
  private stopped = false;

  constructor(private readonly options: MainLoopOptions) {}

  start(): void {
    const { options } = this;
    const batches = options.batches.pipe(map((pulled): Entry => ({ kind: 'batch', pulled })));
    const ticks = clockTicks(options.scheduler, options.tickMs).pipe(
      // One tick queued at most: the next is dropped until this one runs.
      filter(() => !this.tickQueued && (this.tickQueued = true)),
      map((): Entry => ({ kind: 'tick' })),
    );
    this.subscription = merge(batches, ticks, this.tasks)
      .pipe(concatMap((entry) => from(this.runEntry(entry))))
      .subscribe({ error: (err: unknown) => options.onError(err) });
  }

  /** Run `task` in turn with the batches and ticks; resolves or rejects with its outcome. */
  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.stopped) return Promise.reject(new Error('the main loop has stopped'));
    return new Promise<T>((resolve, reject) => {
      this.tasks.next({
        kind: 'task',
        task,
        settle: (outcome) => (outcome.status === 'fulfilled' ? resolve(outcome.value as T) : reject(outcome.reason)),
      });
    });
  }

  /** Resolves once everything queued before it ran. */
  idle(): Promise<void> {
    return this.run(async () => undefined);
  }

  /** Stop taking entries; a batch waiting for its credit is released (the source re-reads it after a restore). */
  stop(): void {
    this.stopped = true;
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }

  private async runEntry(entry: Entry): Promise<void> {
    switch (entry.kind) {
      case 'batch':
        try {
          await this.options.onBatch(entry.pulled);
        } catch (err) {
          this.options.onError(err);
        } finally {
          entry.pulled.done();
        }
        return;
      case 'tick':
        this.tickQueued = false;
        try {
          await this.options.onTick();
        } catch (err) {
          this.options.onError(err);
        }
        return;
      case 'task':
        try {
          entry.settle({ status: 'fulfilled', value: await entry.task() });
        } catch (err) {
          entry.settle({ status: 'rejected', reason: err });
        }
        return;
    }
  }
}

function clockTicks(scheduler: Scheduler, everyMs: number): Observable<void> {
  return new Observable<void>((subscriber) => {
    let cancel = () => {};
    const next = () => {
      cancel = scheduler.schedule(everyMs, () => {
        subscriber.next();
        next();
      });
    };
    next();
    return () => cancel();
  });
}
