/**
 * Entry point of a window worker thread: hosts the window actor of the key groups it was given,
 * with their state in its own LMDB environment. Messages are handled one at a time, in order;
 * each step's results go back with the credit it consumed.
 */
import { parentPort, type MessagePort } from 'node:worker_threads';
import { serializeError } from '../errors.js';
import { loadThreadJob } from '../job/registry.js';
import { LmdbWindowStore } from '../state/lmdb-window-store.js';
import { queryResultMessage } from '../query/worker-query.js';
import { printLines } from '../streams/sinks/stdout.js';
import type { LateCandidates } from '../streams/operators/keyed-stage.js';
import { supervisedThread, type SupervisedThread } from '../supervision/thread-exit.js';
import type { SluiceMetrics } from '../telemetry/metrics.js';
import { keyGroupOf, keyOwner } from './key-groups.js';
import { parseForOwners } from './batch-parse.js';
import type { FromWorker, StepToWorker, ToWorker, WorkerInit, WorkerRestore } from './protocol.js';
import { forEachEvent, windowInputOf } from './step-codec.js';
import { WindowActor } from './window-actor.js';

if (!parentPort) throw new Error('window-worker.js must run as a worker thread');
const port: MessagePort = parentPort;
const send = (message: FromWorker) => port.postMessage(message);

// Not a top-level await: the bundle is a CommonJS script (code-cache.ts).
supervisedThread<WorkerInit, ToWorker>().then(serve, fail);

async function serve(thread: SupervisedThread<WorkerInit, ToWorker>): Promise<void> {
  const init = thread.data;
  try {
    // A job file is compiled again here (from the content the main thread validated); a module is
    // imported (and checked to be the one the main thread loaded). Messages wait in the port meanwhile.
    // Both with the daemon's SLUICE_MAX_RECORD_BYTES: batches are parsed here too (batch-parse.ts).
    const job = await loadThreadJob(init.job, init.jobSource, init.maxRecordBytes);
    if (job.name !== init.job) throw new Error(`the job loaded in the worker is "${job.name}", the main thread runs "${init.job}"`);
    const store = new LmdbWindowStore<unknown>({
      path: init.statePath,
      keyGroups: init.keyGroups,
      keyGroupOf: (k) => keyGroupOf(k),
      // No step comes before the restore message, which builds the index of open windows.
      restoreFirst: true,
      ...(init.writeBufferEntries === undefined ? {} : { writeBufferEntries: init.writeBufferEntries }),
      ...(init.cacheEntries === undefined ? {} : { cacheEntries: init.cacheEntries }),
    });
    /** Savepoint exports still writing (a stop waits for them: they hold a read snapshot). */
    const exporting = new Set<Promise<unknown>>();
    let steps = 0;
    /** watermarkAfter of the last step applied: what a live query's answer is as of. */
    let appliedWatermark = Number.NEGATIVE_INFINITY;
    // Built after the restore: it reads the restored windows.
    let actor!: WindowActor<unknown, unknown, unknown>;
    /** A restore message came (the savepoint import may still be loading its reader). */
    let restoring = false;
    /** The restore is done: `actor` exists. */
    let restored = false;
    let stopping = false;
    const restoreDone = (nowMs: number, imported?: number) => {
      actor = new WindowActor(init.windows, job.aggregate, store, nowMs, job);
      restored = true;
      // After an import, ready means the imported state is on disk.
      void store.flushed().then(
        () =>
          send({
            type: 'ready',
            workerIndex: init.workerIndex,
            openWindows: actor.openWindows(),
            ...(imported === undefined ? {} : { imported }),
          }),
        fail,
      );
    };
    /** Restore: from a savepoint (its key groups this worker owns now), or back to checkpoint `restoreTo` by its undo logs; with neither, from empty. */
    const restore = (plan: WorkerRestore & { nowMs: number }): FromWorker | undefined => {
      if (restoring) throw new Error('restore received twice');
      restoring = true;
      const fromSavepoint = plan.importSavepoint;
      if (!fromSavepoint) {
        if (plan.restoreTo === undefined) store.clearAll();
        else store.rollbackTo(plan.restoreTo);
        restoreDone(plan.nowMs);
        return undefined;
      }
      // The savepoint reader (and its schema library, ~100 ms of a thread's start-up) is loaded only
      // when a savepoint is imported. No step comes before this worker's 'ready'.
      void import('../state/savepoints/savepoint-reader.js')
        .then(({ readKeyGroup }) => {
          if (stopping) return;
          store.clearAll();
          // The main thread sent only the files of the key groups this worker owns (worker-stage.ts).
          const imported = store.load(
            (function* () {
              for (const file of fromSavepoint.files)
                yield* readKeyGroup(fromSavepoint.dir, file, fromSavepoint.formatVersion, job.stateCodec, (k) => keyGroupOf(k));
            })(),
          );
          // The imported state is checkpoint `epoch`'s: a crash from here on rolls back to it.
          store.barrier(fromSavepoint.epoch);
          restoreDone(plan.nowMs, imported);
        })
        .catch(fail);
      return undefined;
    };
    const input = windowInputOf(job);
    // Who owns a key: the same routing as the main thread's (key-groups.ts).
    const ownerOf = keyOwner(init.workers);
    // This thread's heap and event-loop delay, sent to the main thread on request. prom-client takes
    // tens of ms of CPU to load: loaded at the first request (seconds in), not while the daemon
    // starts and the main thread loads its own modules on the same cores.
    let metrics: Promise<SluiceMetrics> | undefined;
    const threadMetrics = (): Promise<SluiceMetrics> =>
      (metrics ??= import('../telemetry/metrics.js').then(
        ({ SluiceMetrics }) => new SluiceMetrics({ thread: `worker-${init.workerIndex}`, defaultMetrics: false }),
      ));

    // Chunks before a step's last carry no credit: the step's credit comes back with the last.
    const noCredit = { events: 0, bytes: 0 };
    // One emit function for every step (the step it answers is `answering`): see WindowActor's callbacks.
    let answering: StepToWorker | undefined;
    // Stdout the only sink: results leave as its lines (the same text the main thread would print).
    const toDocument = job.toDocument?.bind(job);
    const noResults: unknown[] = [];
    const emitResults = (results: unknown[], last: boolean, candidates?: LateCandidates): void => {
      const message = answering as StepToWorker;
      const printed = init.printResults && results.length > 0;
      send({
        type: 'results',
        seq: message.seq,
        results: printed ? noResults : results,
        ...(printed ? { printed: { lines: printLines(results, toDocument), count: results.length } } : {}),
        credit: last ? message.credit : noCredit,
        openWindows: actor.openWindows(),
        last,
        ...(candidates ? { candidates } : {}),
      });
    };
    const applyStep = (message: StepToWorker): undefined => {
      if (init.exitAfterSteps !== undefined && ++steps > init.exitAfterSteps) process.exit(3);
      const { columns, ...step } = message.step;
      answering = message;
      actor.apply(step, (add) => forEachEvent(columns, input, add), emitResults);
      answering = undefined;
      appliedWatermark = Math.max(appliedWatermark, step.watermarkAfter);
      return undefined;
    };

    // One message at a time, synchronously, in arrival order: plain message handling (the inbox is
    // bounded by the sender's credit, so nothing here needs a buffer). Each message passes the
    // supervisor's exit check first (thread-exit.ts).
    const handle = (message: ToWorker): FromWorker | undefined => {
      if (!restored && message.type !== 'restore' && message.type !== 'stop' && message.type !== 'metrics' && message.type !== 'query') {
        throw new Error(`a ${message.type} message before the restore`);
      }
      switch (message.type) {
        case 'restore':
          return restore(message);
        case 'step':
          return applyStep(message);
        case 'steps':
          for (const step of message.steps) applyStep(step);
          return undefined;
        case 'query':
          // Synchronous, between two steps: the state as of the last step applied, write buffer included.
          return queryResultMessage(
            message.seq,
            message.query,
            restored ? { state: store, job, windowMs: init.windows.sizeMs, workerIndex: init.workerIndex } : undefined,
            appliedWatermark,
          );
        case 'parse': {
          const { parsed, transfer } = parseForOwners(job, message.packed, message.nowMs, init.workers, ownerOf, input);
          port.postMessage({ type: 'parsed', seq: message.seq, parsed } satisfies FromWorker, transfer);
          return undefined;
        }
        case 'drain':
          return { type: 'drained', seq: message.seq };
        case 'metrics':
          void threadMetrics()
            .then((m) => m.snapshot())
            .then((snapshot) => send({ type: 'metrics', seq: message.seq, snapshot }), fail);
          return undefined;
        case 'barrier': {
          const id = message.id;
          let changed: number;
          let snapshot: ReturnType<typeof store.snapshot> | undefined;
          try {
            changed = store.barrier(id);
            // Taken here, synchronously: exactly the state at the barrier, whatever comes after.
            if (message.savepoint) snapshot = store.snapshot();
          } catch (err) {
            return { type: 'barrier-declined', id, error: serializeError(err) };
          }
          // Later steps go on meanwhile: the undo log keeps checkpoint `id`'s state restorable,
          // and the snapshot keeps the savepoint's view.
          // The savepoint writer is loaded on the first savepoint (as the reader: see restore).
          const dir = message.savepoint?.dir;
          const taken = snapshot;
          const written =
            taken && dir !== undefined
              ? import('../state/savepoints/savepoint-writer.js').then(({ exportKeyGroups }) =>
                  exportKeyGroups(taken, init.keyGroups, dir, job.stateCodec),
                )
              : Promise.resolve(undefined);
          const done = Promise.all([store.flushed(), written]).then(
            ([, savepointFiles]) => send({ type: 'barrier-ack', id, changed, ...(savepointFiles ? { savepointFiles } : {}) }),
            (err: unknown) => send({ type: 'barrier-declined', id, error: serializeError(err) }),
          );
          exporting.add(done);
          void done.finally(() => exporting.delete(done));
          return undefined;
        }
        case 'checkpoint-complete':
          store.pruneBefore(message.oldestRetainedId);
          return undefined;
        case 'stop':
          stopping = true;
          void Promise.allSettled([...exporting])
            .then(() => (restored ? actor.close() : store.close()))
            .then(() => {
              send({ type: 'stopped' });
              port.close();
            });
          return undefined;
      }
    };
    // After a failure nothing more is applied (the main thread fails the job and rolls back); a stop still ends the thread.
    let failed = false;
    thread.onMessage((message) => {
      if (failed && message.type !== 'stop') return;
      try {
        const reply = handle(message);
        if (reply) send(reply);
      } catch (err) {
        failed = true;
        fail(err);
      }
    });
  } catch (err) {
    fail(err);
  }
}

function fail(err: unknown): void {
  send({ type: 'failed', error: serializeError(err) });
}
