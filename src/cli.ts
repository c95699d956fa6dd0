#!/usr/bin/env node
/**
 * The `sluice` entry point. For `sluice run` it starts the window worker threads first, before the
 * rest of sluice is loaded, so that their start-up overlaps the main thread's module loading
 * (thread-prestart.ts); then the commands (commands.ts) take over. The memory allocator's and the
 * garbage collector's settings (malloc-tuning.ts, gc-tuning.ts) come first of all, and the faster
 * kafkajs record decoding (streams/sources/kafka-record-decoding.ts) and producing
 * (streams/sinks/kafka-producing.ts) before kafkajs is loaded.
 *
 * The worker count and heap limit are read from the raw environment here, with the configuration's
 * defaults: a value the configuration later rejects or reads differently only wastes the threads
 * (the daemon adopts a prestarted thread only when its validated settings match).
 */
import './malloc-tuning.js';
import './gc-tuning.js';
import { windowWorkerFile } from './actors/window-worker-file.js';
import { DEFAULT_WORKER_MAX_HEAP_MB, MAX_WORKERS, workersByDefault } from './config/runtime-defaults.js';
import { installFastProducing } from './streams/sinks/kafka-producing.js';
import { installFastRecordDecoding } from './streams/sources/kafka-record-decoding.js';
import { prestartThreads } from './supervision/thread-prestart.js';

// Before kafkajs loads (commands.js imports it): its record decoder, swapped for one on numbers,
// and its producer's grouping and record encoding, for cheaper ones (the same bytes).
installFastRecordDecoding();
installFastProducing();

function intFromEnv(name: string, fallback: number, max: number): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n >= 1 && n <= max ? n : undefined;
}

if (process.argv[2] === 'run') {
  const workers = intFromEnv('SLUICE_WORKERS', workersByDefault(), MAX_WORKERS);
  const heapMb = intFromEnv('SLUICE_WORKER_MAX_HEAP_MB', DEFAULT_WORKER_MAX_HEAP_MB, 1_000_000);
  if (workers !== undefined && heapMb !== undefined) {
    prestartThreads(windowWorkerFile(), workers, { maxOldGenerationSizeMb: heapMb });
  }
}

// Not awaited at the top level: the bundle is a CommonJS script (code-cache.ts), which has no
// top-level await. A failure to load still ends the process with the error (an unhandled rejection).
void import('./commands.js');
