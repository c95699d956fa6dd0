import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);

// dist/src/config/runtime-defaults.js
import { availableParallelism } from "node:os";
var MAX_WORKERS = 256;
var DEFAULT_WORKER_MAX_HEAP_MB = 512;
function workersByDefault() {
  return availableParallelism();
}
var DEFAULT_FETCH_PARTITION_BYTES = 128 * 1024;
function fetchMaxBytes(partitionBytes) {
  return 8 * partitionBytes;
}

export {
  MAX_WORKERS,
  DEFAULT_WORKER_MAX_HEAP_MB,
  workersByDefault,
  DEFAULT_FETCH_PARTITION_BYTES,
  fetchMaxBytes
};
