/**
 * Starts worker threads and watches them. A thread that throws, exits unexpectedly, or exceeds its
 * resourceLimits is reported once through `onFailure` with a WORKER_FAILED error; the owner decides
 * what happens next (today: the daemon stops and a restart re-reads from the last commit), so a
 * dead worker can never leave the daemon hanging.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { ErrorCode, SluiceError } from '../errors.js';
import type { Logger } from '../telemetry/logging.js';

export interface ThreadSpec {
  id: string;
  file: URL;
  workerData: unknown;
  resourceLimits?: ResourceLimits;
}

export class ThreadSupervisor {
  private readonly children = new Map<string, { worker: Worker; stopping: boolean }>();

  constructor(
    private readonly logger: Logger,
    private readonly onFailure: (err: SluiceError) => void,
  ) {}

  start(spec: ThreadSpec): Worker {
    const worker = new Worker(spec.file, { workerData: spec.workerData, ...(spec.resourceLimits ? { resourceLimits: spec.resourceLimits } : {}) });
    const child = { worker, stopping: false };
    this.children.set(spec.id, child);
    let reported = false;
    const report = (reason: string, cause?: unknown) => {
      if (reported || child.stopping) return;
      reported = true;
      const err = new SluiceError(ErrorCode.WORKER_FAILED, `worker ${spec.id} ${reason}`, { retriable: true, cause, details: { worker: spec.id } });
      this.logger.error({ err, worker: spec.id }, 'worker thread failed');
      this.onFailure(err);
    };
    worker.on('error', (err: Error & { code?: string }) => {
      const reason = err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `exceeded its resource limits (${err.message})` : `threw: ${err.message}`;
      report(reason, err);
    });
    worker.on('messageerror', (err) => report(`sent a message that could not be read: ${err.message}`, err));
    worker.on('exit', (code) => {
      this.children.delete(spec.id);
      report(`exited unexpectedly with code ${code}`);
    });
    return worker;
  }

  /** Mark a child as stopping on purpose, so its exit is not a failure. */
  expectExit(id: string): void {
    const child = this.children.get(id);
    if (child) child.stopping = true;
  }

  /** Terminate every child still running (after the graceful path had its chance). */
  async terminateAll(): Promise<void> {
    const running = [...this.children.entries()];
    for (const [id] of running) this.expectExit(id);
    await Promise.all(running.map(([, c]) => c.worker.terminate()));
    this.children.clear();
  }
}
