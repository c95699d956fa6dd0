/**
 * The embedded default's sink: one JSON line per result on stdout, in the Elasticsearch document
 * shape. Honors the stream's backpressure ('drain'), and a closed pipe (`| head`) ends output
 * quietly instead of crashing the daemon.
 */
import type { Writable } from 'node:stream';
import type { PrintedResults } from '../operators/keyed-stage.js';
import type { ResultSink } from './sink.js';

/** Results as stdout prints them: one JSON line each (the job's document when it has one), each ending in a newline. */
export function printLines<OUT>(results: readonly OUT[], toDocument?: (result: OUT) => unknown): string {
  let text = '';
  for (let i = 0; i < results.length; i++) text += `${JSON.stringify(toDocument ? toDocument(results[i] as OUT) : results[i])}\n`;
  return text;
}

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
    await this.print(printLines(results, toDocument));
  }

  /** Lines `printLines` made where the results were (a window worker): the same text, printed as it is. */
  async writePrinted(printed: PrintedResults): Promise<void> {
    if (this.closedPipe || printed.count === 0) return;
    await this.print(printed.lines);
  }

  private async print(text: string): Promise<void> {
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
