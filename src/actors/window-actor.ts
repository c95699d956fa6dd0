/**
 * The keyed window actor: owns the window state of a set of key groups and applies steps to it.
 * Runs on a worker thread (see window-worker.ts) or, for one-thread runs and tests, in-process.
 * A step's results are returned only after its state changes are committed.
 */
import type { KeyedStep } from '../streams/keyed-stage.js';
import { TumblingWindowOperator, type AggregateFunction, type WindowOptions, type WindowStateStore } from '../streams/windows.js';

/** A store that buffers a step's writes until `commit` (LMDB); in-memory stores need no commit. */
export interface CommittableStore<ACC> extends WindowStateStore<ACC> {
  readonly size: number;
  commit?(): void;
  close?(): Promise<void>;
}

export class WindowActor<IN, ACC, OUT> {
  private readonly operator: TumblingWindowOperator<IN, ACC, OUT>;

  constructor(
    options: WindowOptions,
    aggregate: AggregateFunction<IN, ACC, OUT>,
    private readonly store: CommittableStore<ACC>,
  ) {
    this.operator = new TumblingWindowOperator(options, aggregate, store);
  }

  step(step: KeyedStep<IN>): OUT[] {
    const results: OUT[] = [];
    for (const e of step.events) {
      const outcome = this.operator.add(e.key, e.timestamp, e.event, step.watermarkBefore);
      if (outcome.kind === 'refired' && !e.replay) results.push(outcome.result);
    }
    if (step.watermarkAfter > Number.NEGATIVE_INFINITY) {
      for (const fired of this.operator.advance(step.watermarkAfter).fired) results.push(fired.result);
    }
    this.store.commit?.();
    return results;
  }

  openWindows(): number {
    return this.store.size;
  }

  async close(): Promise<void> {
    await this.store.close?.();
  }
}
