/** In-memory sinks for unit tests of pure logic (no services): they keep what they are given. */
import type { DeadLetter, DeadLetterSink, ResultSink } from '../../src/streams/sinks/sink.js';

export class MemoryResults<OUT> implements ResultSink<OUT> {
  readonly name = 'memory';
  readonly written: OUT[] = [];
  async start() {}
  async write(results: readonly OUT[]) {
    this.written.push(...results);
  }
  async flush() {}
  async close() {}
}

export class MemoryLetters implements DeadLetterSink {
  readonly name = 'memory-letters';
  readonly letters: DeadLetter[] = [];
  async start() {}
  async send(letters: readonly DeadLetter[]) {
    this.letters.push(...letters);
  }
  async flush() {}
  async close() {}
}
