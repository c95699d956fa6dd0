/**
 * How a supervised worker thread ends: between two messages, never in the middle of one.
 *
 * Why not `worker.terminate()` or a bare `process.exit()`: both stop a thread wherever its
 * JavaScript is. A window worker stopped inside an LMDB write transaction (`transactionSync`) keeps
 * lmdb-js's writer mutex, and lmdb-js's clean-up of the environment then waits for that mutex on
 * the same thread, forever; `process.exit()` joins every worker thread, so the whole daemon hangs
 * (seen in CI: "second signal: exiting at once" logged, the process alive 80 minutes later, the
 * worker blocked in `EnvWrap::cleanupStrayTxns`). A message handler never runs inside a
 * synchronous transaction, so a thread that exits at the start of a message holds no lock.
 *
 * The parent sets a shared flag, then posts a wake-up message; the thread checks the flag before
 * every message, so it exits at its next message however many steps are queued before it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ENVELOPE_MESSAGE } from './thread-prestart.js';

/** What the supervisor sends as workerData: the caller's data plus the exit flag. */
export interface ThreadEnvelope<T> {
  data: T;
  exitFlag: SharedArrayBuffer;
}

/** Posted after the flag is set, so an idle thread wakes up and sees it. */
export const EXIT_WAKE_UP = { type: 'exit-requested' } as const;

export function newExitFlag(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4));
}

export function requestExit(flag: Int32Array): void {
  Atomics.store(flag, 0, 1);
}

/** A supervised thread's start: its data (the envelope's) and the handler of every later message. */
export interface SupervisedThread<T, M> {
  data: T;
  onMessage: (handler: (message: M) => void) => () => void;
}

/**
 * In a supervised thread: its workerData, and `onMessage` to receive its parent's messages with
 * the exit check in front of each one. A prestarted thread (thread-prestart.ts) was started with
 * no workerData: its envelope is its first message, awaited here (later messages wait in the port).
 */
export async function supervisedThread<T, M>(): Promise<SupervisedThread<T, M>> {
  const port = parentPort;
  if (!port) throw new Error('this module must run as a worker thread');
  const envelope =
    workerData === undefined || workerData === null
      ? await new Promise<ThreadEnvelope<T>>((resolve) =>
          port.once('message', (message: { type: string; envelope: ThreadEnvelope<T> }) => {
            if (message.type !== ENVELOPE_MESSAGE)
              throw new Error(`a prestarted thread's first message was ${message.type}, not its envelope`);
            resolve(message.envelope);
          }),
        )
      : (workerData as ThreadEnvelope<T>);
  const flag = new Int32Array(envelope.exitFlag);
  return {
    data: envelope.data,
    onMessage: (handler) => {
      const listener = (message: M) => {
        // Between messages no transaction is open: exiting here releases everything cleanly.
        if (Atomics.load(flag, 0) === 1) process.exit(0);
        handler(message);
      };
      port.on('message', listener);
      return () => port.off('message', listener);
    },
  };
}
