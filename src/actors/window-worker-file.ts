/**
 * Where the window workers' entry point is, for the thread `cli.ts` prestarts and for the ones
 * `WorkerKeyedStage` starts: one URL, so a prestarted thread is adopted (the two must match).
 * Relative to this module, so it holds in both layouts: `dist/src/actors/` (tsc's output, which
 * the unit tests import) and `dist/daemon/` (the bundle `sluice` runs, scripts/bundle.mjs, where
 * this module sits in a chunk beside `window-worker.js`).
 */
export function windowWorkerFile(): URL {
  return new URL('./window-worker.js', import.meta.url);
}
