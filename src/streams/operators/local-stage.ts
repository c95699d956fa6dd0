/**
 * The keyed stage on the calling thread: one window actor over every key group. The reference the
 * multi-worker stage is tested against, and the choice for SLUICE_WORKERS=0 style tests.
 */
import { WindowActor, type CommittableStore } from '../../actors/window-actor.js';
import type { KeyedStage, KeyedStep, LateCandidates, LateCandidatesCallback, ResultsCallback } from './keyed-stage.js';
import type { WindowActorOptions } from '../../actors/window-actor.js';
import type { AggregateFunction } from './windows.js';
import type { JobDefinition } from '../../job/job.js';

export class LocalKeyedStage<IN, ACC, OUT> implements KeyedStage<IN> {
  private readonly actor: WindowActor<IN, ACC, OUT>;
  private handedOver = Number.NEGATIVE_INFINITY;

  constructor(
    options: WindowActorOptions,
    aggregate: AggregateFunction<IN, ACC, OUT>,
    store: CommittableStore<ACC>,
    private readonly onResults: ResultsCallback<OUT>,
    private onLate?: LateCandidatesCallback,
    /** When the stage starts (the TTL of windows already in `store` starts over from it). */
    startedAtMs = 0,
    /** A job with several aggregations: each one's windows. */
    job?: Pick<JobDefinition<IN, ACC, OUT>, 'aggregations' | 'aggregationOf'>,
  ) {
    this.actor = new WindowActor(options, aggregate, store, startedAtMs, job);
  }

  async start(): Promise<void> {}

  /** Where what became of late candidates goes (session windows), when bound after construction. */
  bindLate(onLate: LateCandidatesCallback): void {
    this.onLate = onLate;
  }

  async process(step: KeyedStep<IN>): Promise<void> {
    const chunks: OUT[][] = [];
    let candidates: LateCandidates | undefined;
    this.actor.step(step, (results, _last, resolved) => {
      if (results.length > 0) chunks.push(results);
      if (resolved) candidates = resolved;
    });
    for (const results of chunks) await this.onResults(results);
    if (candidates) await this.onLate?.(candidates);
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
