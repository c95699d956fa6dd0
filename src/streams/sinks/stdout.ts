/**
 * The embedded default's sink: one JSON line per result on stdout, in the Elasticsearch document
 * shape. Honors the stream's backpressure ('drain'), and a closed pipe (`| head`) ends output
 * quietly instead of crashing the daemon.
 */
import type { Writable } from 'node:stream';
import type { ResultSink } from './sink.js';

export class JsonLinesSink<OUT> implements ResultSink<OUT> {
  readonly name = 'stdout';
  private closedPipe = false;

  /** `toDocument`: what a result prints as (the job's document), default the result itself. */
  constructor(
    private readonly out: Writable = process.stdout,
    private readonly toDocument?: (result: OUT) => unknown,
  ) {
    out.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') this.closedPipe = true;
    });
  }

  async start(): Promise<void> {}

  async write(results: readonly OUT[]): Promise<void> {
    if (this.closedPipe || results.length === 0) return;
    const toDocument = this.toDocument;
    const text = results.map((r) => JSON.stringify(toDocument ? toDocument(r) : r)).join('\n') + '\n';
    if (!this.out.write(text)) await this.drained();
  }

  async flush(): Promise<void> {
    if (this.closedPipe || !this.out.writableNeedDrain) return;
    await this.drained();
  }

  async close(): Promise<void> {
    await this.flush();
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.out.off('drain', done);
        this.out.off('error', done);
        this.out.off('close', done);
        resolve();
      };
      this.out.once('drain', done);
      this.out.once('error', done);
      this.out.once('close', done);
    });
  }
}
