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

const DEFAULT_CHUNK = 5000;

export class WindowActor<IN, ACC, OUT> {
  private readonly operator: TumblingWindowOperator<IN, ACC, OUT>;

  constructor(
    options: WindowOptions,
    aggregate: AggregateFunction<IN, ACC, OUT>,
    private readonly store: CommittableStore<ACC>,
  ) {
    this.operator = new TumblingWindowOperator(options, aggregate, store);
  }

  /**
   * Apply a step. Results go to `emit` in chunks of at most `chunkSize`, so firing a million
   * windows never holds a million results; the last call (possibly empty) comes after the state
   * changes are committed.
   */
  step(step: KeyedStep<IN>, emit: (results: OUT[], last: boolean) => void, chunkSize = DEFAULT_CHUNK): void {
    let results: OUT[] = [];
    const push = (result: OUT) => {
      results.push(result);
      if (results.length >= chunkSize) {
        emit(results, false);
        results = [];
      }
    };
    for (const e of step.events) {
      const outcome = this.operator.add(e.key, e.timestamp, e.event, step.watermarkBefore);
      if (outcome.kind === 'refired' && !e.replay) push(outcome.result);
    }
    if (step.watermarkAfter > Number.NEGATIVE_INFINITY) {
      this.operator.advance(step.watermarkAfter, (fired) => push(fired.result));
    }
    this.store.commit?.();
    emit(results, true);
  }

  openWindows(): number {
    return this.store.size;
  }

  async close(): Promise<void> {
    await this.store.close?.();
  }
}
