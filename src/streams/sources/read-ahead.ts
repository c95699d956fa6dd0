/**
 * The Kafka source's read-ahead: fetched batches waiting for the pipeline, handled one at a time in
 * the order they were queued.
 *
 * Each batch starts in a macrotask of its own (`setImmediate`), never in the turn that queued it.
 * kafkajs sends its next fetch only when the eachBatch handler has returned and its own
 * continuations (promise callbacks) have run. A batch started from a promise callback would run
 * first: the pipeline's work on a batch is synchronous up to its first real wait, so the next
 * fetch would leave only after it, and every fetch's round trip would be idle time for the
 * pipeline (measured: the next fetch started after the batch was done, ~400 times in a run of
 * 1M records; decision 0018).
 */
export class ReadAhead {
  /** Queued or being handled, oldest first. */
  private readonly pending: Array<Promise<void>> = [];
  private last: Promise<void> = Promise.resolve();

  /** Batches queued or being handled. */
  get length(): number {
    return this.pending.length;
  }

  /**
   * Queue `handle` behind everything queued before it. It starts in a later macrotask than this
   * call; the promise settles when it did (it rejects as `handle` does; the queue goes on).
   */
  push(handle: () => Promise<void> | void): Promise<void> {
    const handled = this.last.then(nextMacrotask).then(handle);
    const forget = (): void => {
      this.pending.splice(this.pending.indexOf(done), 1);
    };
    const done: Promise<void> = handled.then(forget, forget);
    this.pending.push(done);
    this.last = done;
    return handled;
  }

  /** Resolves once at most `limit` batches are queued or being handled. */
  async atMost(limit: number): Promise<void> {
    while (this.pending.length > limit) await this.pending[0];
  }
}

function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
