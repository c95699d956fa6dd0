/**
 * Runs async tasks one at a time, in the order they were submitted. The pipeline's entry points
 * (batches, clock ticks, progress snapshots) go through one of these so they never interleave.
 */
export class SerialExecutor {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.tail.then(task, task);
    // The chain must not reject: each caller sees its own task's failure through `next`.
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** Resolves when everything submitted so far has finished. */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
