/**
 * Starts worker threads and watches them. A thread that throws, exits unexpectedly, or exceeds its
 * resourceLimits is reported once through `onFailure` with a WORKER_FAILED error; the owner decides
 * what happens next (the job supervisor restarts the job from the last checkpoint), so a dead
 * worker can never leave the daemon hanging.
 *
 * Threads are ended by asking (thread-exit.ts): they exit between two messages, where no LMDB
 * transaction is open. Only a thread that does not within the bound is terminated outright.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { ErrorCode, SluiceError } from '../errors.js';
import type { Logger } from '../telemetry/logging.js';
import { adoptPrestarted, ENVELOPE_MESSAGE } from './thread-prestart.js';
import { EXIT_WAKE_UP, newExitFlag, requestExit, type ThreadEnvelope } from './thread-exit.js';

export interface ThreadSpec {
  id: string;
  file: URL;
  workerData: unknown;
  resourceLimits?: ResourceLimits;
}

interface Child {
  worker: Worker;
  exitFlag: Int32Array;
  stopping: boolean;
  exited: Promise<void>;
}

/** How long a thread gets to exit at its next message before it is terminated. */
export const THREAD_EXIT_BOUND_MS = 5_000;

/** Every supervisor with threads still running, for `exitAllThreads` at process exit. */
const live = new Set<ThreadSupervisor>();
/** Threads that could not be ended at all: the process can only end by a signal. */
let stuckThreads = 0;
let stuckHandler: ((workers: string[]) => void) | undefined;

/**
 * What to do when a thread cannot be ended (terminated inside an LMDB transaction, it holds the
 * environment's writer lock for good, so no restart in this process could write again). The
 * daemon ends the process (commands.ts); a restart outside it recovers from the last checkpoint.
 */
export function whenThreadStuck(handler: (workers: string[]) => void): void {
  stuckHandler = handler;
}

export class ThreadSupervisor {
  private readonly children = new Map<string, Child>();
  private adopted = 0;

  constructor(
    private readonly logger: Logger,
    private readonly onFailure: (err: SluiceError) => void,
  ) {}

  /** Threads started by cli.ts ahead of time and adopted here (thread-prestart.ts). */
  get adoptedThreads(): number {
    return this.adopted;
  }

  start(spec: ThreadSpec): Worker {
    const exitFlag = newExitFlag();
    const envelope: ThreadEnvelope<unknown> = { data: spec.workerData, exitFlag: exitFlag.buffer as SharedArrayBuffer };
    const adopted = adoptPrestarted(spec.file, spec.resourceLimits);
    if (adopted) {
      adopted.postMessage({ type: ENVELOPE_MESSAGE, envelope });
      this.adopted++;
    }
    const worker =
      adopted ?? new Worker(spec.file, { workerData: envelope, ...(spec.resourceLimits ? { resourceLimits: spec.resourceLimits } : {}) });
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    const child: Child = { worker, exitFlag, stopping: false, exited };
    this.children.set(spec.id, child);
    live.add(this);
    let reported = false;
    const report = (reason: string, cause?: unknown) => {
      if (reported || child.stopping) return;
      reported = true;
      const err = new SluiceError(ErrorCode.WORKER_FAILED, `worker ${spec.id} ${reason}`, {
        retriable: true,
        cause,
        details: { worker: spec.id },
      });
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
      if (this.children.size === 0) live.delete(this);
      report(`exited unexpectedly with code ${code}`);
    });
    return worker;
  }

  /** Mark a child as stopping on purpose, so its exit is not a failure. */
  expectExit(id: string): void {
    const child = this.children.get(id);
    if (child) child.stopping = true;
  }

  /**
   * End every child still running (after the graceful path had its chance): each exits at its next
   * message; one that has not within `boundMs` is terminated. Resolves false when a thread is still
   * there after that (terminated inside a transaction: see thread-exit.ts).
   */
  async exitAll(boundMs = THREAD_EXIT_BOUND_MS): Promise<boolean> {
    const running = [...this.children.entries()];
    for (const [id, child] of running) {
      this.expectExit(id);
      requestExit(child.exitFlag);
      child.worker.postMessage(EXIT_WAKE_UP);
    }
    const exited = await Promise.all(running.map(([, child]) => withinBound(child.exited, boundMs)));
    const stuck = running.filter((_, i) => !exited[i]);
    let gone = true;
    if (stuck.length > 0) {
      this.logger.warn(
        { workers: stuck.map(([id]) => id), boundMs },
        'worker threads did not exit at their next message: terminating them',
      );
      // Bounded too: a thread terminated inside a transaction never finishes exiting.
      const terminated = await Promise.all(
        stuck.map(([, child]) =>
          withinBound(
            child.worker.terminate().then(() => undefined),
            boundMs,
          ),
        ),
      );
      gone = terminated.every(Boolean);
      if (!gone) {
        const ids = stuck.filter((_, i) => !terminated[i]).map(([id]) => id);
        stuckThreads += ids.length;
        this.logger.error({ workers: ids }, 'worker threads could not be ended');
        stuckHandler?.(ids);
      }
    }
    this.children.clear();
    live.delete(this);
    return gone;
  }
}

/**
 * Before `process.exit`: end every supervised thread the safe way. Resolves false when one is
 * still there (then `process.exit` would wait for it forever: see thread-exit.ts).
 */
export async function exitAllThreads(boundMs = THREAD_EXIT_BOUND_MS): Promise<boolean> {
  const results = await Promise.all([...live].map((s) => s.exitAll(boundMs)));
  return results.every(Boolean) && stuckThreads === 0;
}

function withinBound(done: Promise<void>, boundMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), boundMs);
    void done.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
