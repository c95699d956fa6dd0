/**
 * The keyed stage on the calling thread: one window actor over every key group. The reference the
 * multi-worker stage is tested against, and the choice for SLUICE_WORKERS=0 style tests.
 */
import { WindowActor, type CommittableStore } from '../../actors/window-actor.js';
import type { KeyedStage, KeyedStep, ResultsCallback } from './keyed-stage.js';
import type { WindowActorOptions } from '../../actors/window-actor.js';
import type { AggregateFunction } from './windows.js';

export class LocalKeyedStage<IN, ACC, OUT> implements KeyedStage<IN> {
  private readonly actor: WindowActor<IN, ACC, OUT>;
  private handedOver = Number.NEGATIVE_INFINITY;

  constructor(
    options: WindowActorOptions,
    aggregate: AggregateFunction<IN, ACC, OUT>,
    store: CommittableStore<ACC>,
    private readonly onResults: ResultsCallback<OUT>,
    /** When the stage starts (the TTL of windows already in `store` starts over from it). */
    startedAtMs = 0,
  ) {
    this.actor = new WindowActor(options, aggregate, store, startedAtMs);
  }

  async start(): Promise<void> {}

  async process(step: KeyedStep<IN>): Promise<void> {
    const chunks: OUT[][] = [];
    this.actor.step(step, (results) => {
      if (results.length > 0) chunks.push(results);
    });
    for (const results of chunks) await this.onResults(results);
    this.handedOver = Math.max(this.handedOver, step.watermarkAfter);
  }

  handedOverWatermark(): number {
    return this.handedOver;
  }

  async drain(): Promise<void> {}

  async stop(): Promise<void> {
    await this.actor.close();
  }

  openWindows(): number {
    return this.actor.openWindows();
  }
}
