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
