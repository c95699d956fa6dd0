/**
 * A credit-pulled stream of source batches. A source hands a batch over with `push` and waits until
 * the stream's consumer calls `done()`: one credit per batch. So a slow pipeline is a slow source
 * (kafkajs stops fetching and keeps heartbeating, the generator stops generating) and nothing
 * queues here: at most one batch per pushing caller is outstanding.
 */
import { Observable, type Subscriber } from '../rx.js';
import type { SourceBatch } from './source.js';

export interface PulledBatch {
  readonly batch: SourceBatch;
  /** The batch is processed: the source may hand over its next one. */
  done(): void;
}

export class BatchStream {
  private subscriber: Subscriber<PulledBatch> | undefined;
  private readonly outstanding = new Set<() => void>();

  /** Hot: batches pushed while nobody subscribes are dropped (the source re-reads them after a restore). */
  readonly batches = new Observable<PulledBatch>((subscriber) => {
    this.subscriber = subscriber;
    return () => {
      this.subscriber = undefined;
      // Whoever waits on a batch nobody will process is released (a stop, a failure).
      for (const release of [...this.outstanding]) release();
    };
  });

  /** Hand over a batch; resolves once it was processed (or the stream was closed). */
  push(batch: SourceBatch): Promise<void> {
    const subscriber = this.subscriber;
    if (!subscriber) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const release = () => {
        this.outstanding.delete(release);
        resolve();
      };
      this.outstanding.add(release);
      subscriber.next({ batch, done: release });
    });
  }
}
