import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);

// dist/src/supervision/thread-prestart.js
import { Worker } from "node:worker_threads";
var ENVELOPE_MESSAGE = "sluice-thread-envelope";
var waiting = [];
function keyOf(file, resourceLimits) {
  return JSON.stringify([file.href, resourceLimits?.maxOldGenerationSizeMb ?? null]);
}
function prestartThreads(file, count, resourceLimits) {
  const started = [];
  for (let i = 0; i < count; i++) {
    const worker = new Worker(file, resourceLimits ? { resourceLimits } : {});
    worker.unref();
    const dropOnExit = () => {
      waiting = waiting.filter((p) => p.worker !== worker);
    };
    worker.once("exit", dropOnExit);
    worker.on("error", () => void 0);
    waiting.push({ worker, key: keyOf(file, resourceLimits) });
    started.push(worker);
  }
  return started;
}
function adoptPrestarted(file, resourceLimits) {
  const key = keyOf(file, resourceLimits);
  const index = waiting.findIndex((p) => p.key === key);
  if (index < 0)
    return void 0;
  const [taken] = waiting.splice(index, 1);
  const worker = taken.worker;
  worker.removeAllListeners("exit");
  worker.removeAllListeners("error");
  worker.ref();
  return worker;
}
function discardPrestarted() {
  const left = waiting;
  waiting = [];
  for (const { worker } of left)
    void worker.terminate();
}

export {
  ENVELOPE_MESSAGE,
  prestartThreads,
  adoptPrestarted,
  discardPrestarted
};
