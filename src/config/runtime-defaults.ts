/**
 * Defaults of the runtime variables that are also read before the configuration is loaded: cli.ts
 * prestarts the window workers from the raw environment (thread-prestart.ts). No imports but
 * node: built-ins, so the entry point stays light.
 */
import { availableParallelism } from 'node:os';

/** SLUICE_WORKERS's range. */
export const MAX_WORKERS = 256;

/** SLUICE_WORKER_MAX_HEAP_MB's default. */
export const DEFAULT_WORKER_MAX_HEAP_MB = 512;

/** SLUICE_WORKERS's default: one window worker per available core. */
export function workersByDefault(): number {
  return availableParallelism();
}

/** SLUICE_KAFKA_FETCH_PARTITION_BYTES's default: what a fetch asks per partition. */
export const DEFAULT_FETCH_PARTITION_BYTES = 128 * 1024;

/**
 * What one fetch asks in all, given the bytes per partition: room for 8 partitions' worth, so a
 * fetch stays small (kafkajs decodes a whole response before handing over its first batch).
 */
export function fetchMaxBytes(partitionBytes: number): number {
  return 8 * partitionBytes;
}

/** About what one window-state entry held in a worker's memory costs (the write buffer's estimate). */
export const STATE_ENTRY_HEAP_BYTES = 330;

/**
 * SLUICE_STATE_CACHE_ENTRIES as a window worker with `heapMb` of heap holds it: at most an eighth of
 * the heap, so a small SLUICE_WORKER_MAX_HEAP_MB that the write buffer fits in is not outgrown by
 * the cache (the default 100,000 entries need ~33 MB of the default 512).
 */
export function stateCacheEntriesWithin(heapMb: number, entries: number): number {
  return Math.min(entries, Math.floor((heapMb * 1024 * 1024) / 8 / STATE_ENTRY_HEAP_BYTES));
}
