/**
 * Entry point of a window worker thread: hosts the window actor of the key groups it was given,
 * with their state in its own LMDB environment. Messages are handled one at a time, in order, as
 * an RxJS stream; each step's results go back with the credit it consumed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { map, Observable } from 'rxjs';
import { serializeError } from '../errors.js';
import { jobByName } from '../job/registry.js';
import { LmdbWindowStore } from '../state/lmdb-window-store.js';
import { SluiceMetrics } from '../telemetry/metrics.js';
import { keyGroupOf } from './key-groups.js';
import type { FromWorker, ToWorker, WorkerInit } from './protocol.js';
import { WindowActor } from './window-actor.js';

const port = parentPort;
if (!port) throw new Error('window-worker.js must run as a worker thread');
const init = workerData as WorkerInit;
const send = (message: FromWorker) => port.postMessage(message);

try {
  const job = jobByName(init.job);
  const store = new LmdbWindowStore<unknown>({ path: init.statePath, keyGroups: init.keyGroups, keyGroupOf: (k) => keyGroupOf(k) });
  // Restore: back to checkpoint `restoreTo` by its undo logs; with no checkpoint, from empty.
  if (init.restoreTo === undefined) store.clearAll();
  else store.rollbackTo(init.restoreTo);
  let steps = 0;
  const actor = new WindowActor(init.windows, job.aggregate, store);
  // This thread's heap and event-loop delay, sent to the main thread on request.
  const metrics = new SluiceMetrics({ thread: `worker-${init.workerIndex}`, defaultMetrics: false });

  // One message at a time, synchronously: the inbox is bounded by the sender's credit, so no
  // operator here needs a buffer.
  // Node's `on('message')` hands over the message itself (RxJS's fromEvent would pick the
  // EventTarget interface and hand over a MessageEvent wrapper).
  new Observable<ToWorker>((subscriber) => {
    const onMessage = (message: ToWorker) => subscriber.next(message);
    port.on('message', onMessage);
    return () => port.off('message', onMessage);
  })
    .pipe(
      map((message): FromWorker | undefined => {
        switch (message.type) {
          case 'step': {
            if (init.exitAfterSteps !== undefined && ++steps > init.exitAfterSteps) process.exit(3);
            // Chunks before the last carry no credit: the step's credit comes back with the last.
            const noCredit = { events: 0, bytes: 0 };
            actor.step(message.step, (results, last) =>
              send({ type: 'results', seq: message.seq, results, credit: last ? message.credit : noCredit, openWindows: actor.openWindows(), last }),
            );
            return undefined;
          }
          case 'drain':
            return { type: 'drained', seq: message.seq };
          case 'metrics':
            void metrics.snapshot().then((snapshot) => send({ type: 'metrics', seq: message.seq, snapshot }), fail);
            return undefined;
          case 'barrier': {
            const id = message.id;
            let changed: number;
            try {
              changed = store.barrier(id);
            } catch (err) {
              return { type: 'barrier-declined', id, error: serializeError(err) };
            }
            // Later steps go on meanwhile: the undo log keeps checkpoint `id`'s state restorable.
            void store.flushed().then(
              () => send({ type: 'barrier-ack', id, changed }),
              (err: unknown) => send({ type: 'barrier-declined', id, error: serializeError(err) }),
            );
            return undefined;
          }
          case 'checkpoint-complete':
            store.pruneBefore(message.oldestRetainedId);
            return undefined;
          case 'stop':
            void actor.close().then(() => {
              send({ type: 'stopped' });
              port.close();
            });
            return undefined;
        }
      }),
    )
    .subscribe({
      next: (reply) => reply && send(reply),
      error: (err: unknown) => fail(err),
    });
  send({ type: 'ready', workerIndex: init.workerIndex, openWindows: actor.openWindows() });
} catch (err) {
  fail(err);
}

function fail(err: unknown): void {
  send({ type: 'failed', error: serializeError(err) });
}
