/**
 * The sink of one aggregation of a job with several (job files' `aggregations:`): each aggregation
 * writes its own index and Redis keys through sinks of its own, and this passes each one only its
 * aggregation's results. Flushing, closing and buffer statistics are the wrapped sink's.
 */
import type { ResultSink } from './sink.js';

export class AggregationSink<OUT> implements ResultSink<OUT> {
  readonly name: string;

  constructor(
    private readonly inner: ResultSink<OUT>,
    aggregation: string,
    private readonly belongs: (result: OUT) => boolean,
  ) {
    this.name = `${inner.name}:${aggregation}`;
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  write(results: readonly OUT[], epoch?: number): Promise<void> {
    const mine = results.filter(this.belongs);
    return mine.length === 0 ? Promise.resolve() : this.inner.write(mine, epoch);
  }

  flush(): Promise<void> {
    return this.inner.flush();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** The wrapped sink's buffer statistics (metrics), when it keeps any. */
  stats(): unknown {
    const inner = this.inner as ResultSink<OUT> & { stats?: () => unknown };
    return inner.stats?.();
  }
}
