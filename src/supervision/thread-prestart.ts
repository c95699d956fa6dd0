/**
 * Threads started before the main thread has loaded its own modules, so that their start-up
 * (a new V8 isolate, Node's bootstrap, the thread's modules: ~300 ms of CPU each) overlaps the
 * main thread's instead of following it. Measured: spawned from the daemon's start-up, the window
 * workers began only after the main thread's ~500 ms of module loading and configuration, and the
 * daemon consumed ~1.0-1.2 s after its process started.
 *
 * A prestarted thread is started without workerData: it loads its modules and then waits for its
 * envelope as its first message (thread-exit.ts). The supervisor adopts one when it would start the
 * same file with the same resource limits; the count and limits guessed here from the raw
 * environment are only a guess, so a thread the validated configuration does not ask for is
 * terminated (it holds nothing yet: no LMDB environment is open before the envelope).
 *
 * Only node: built-ins are imported here: this module is loaded before anything else.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';

/** The first message of an adopted thread: what workerData carries for a thread started normally. */
export const ENVELOPE_MESSAGE = 'sluice-thread-envelope';

interface Prestarted {
  worker: Worker;
  key: string;
}

let waiting: Prestarted[] = [];

function keyOf(file: URL, resourceLimits: ResourceLimits | undefined): string {
  return JSON.stringify([file.href, resourceLimits?.maxOldGenerationSizeMb ?? null]);
}

/** Start `count` threads of `file` now; unreferenced, so a process that never adopts them still ends. */
export function prestartThreads(file: URL, count: number, resourceLimits?: ResourceLimits): Worker[] {
  const started: Worker[] = [];
  for (let i = 0; i < count; i++) {
    const worker = new Worker(file, resourceLimits ? { resourceLimits } : {});
    worker.unref();
    // Until adopted nobody else listens: a thread that fails to load is simply not adopted.
    const dropOnExit = () => {
      waiting = waiting.filter((p) => p.worker !== worker);
    };
    worker.once('exit', dropOnExit);
    worker.on('error', () => undefined);
    waiting.push({ worker, key: keyOf(file, resourceLimits) });
    started.push(worker);
  }
  return started;
}

/** A prestarted thread of `file` with these limits, now the caller's (referenced again), if one is waiting. */
export function adoptPrestarted(file: URL, resourceLimits: ResourceLimits | undefined): Worker | undefined {
  const key = keyOf(file, resourceLimits);
  const index = waiting.findIndex((p) => p.key === key);
  if (index < 0) return undefined;
  const [taken] = waiting.splice(index, 1);
  const worker = (taken as Prestarted).worker;
  worker.removeAllListeners('exit');
  worker.removeAllListeners('error');
  worker.ref();
  return worker;
}

/** Terminate every prestarted thread nobody adopted. */
export function discardPrestarted(): void {
  const left = waiting;
  waiting = [];
  for (const { worker } of left) void worker.terminate();
}
