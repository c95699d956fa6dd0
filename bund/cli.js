#!/usr/bin/env node
import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  installFastProducing,
  installFastRecordDecoding
} from "./chunk-CIPMMRG3.js";
import {
  prestartThreads
} from "./chunk-XURSPE6P.js";
import {
  DEFAULT_WORKER_MAX_HEAP_MB,
  MAX_WORKERS,
  workersByDefault
} from "./chunk-JAQIKBD7.js";
import "./chunk-HEGIUYW6.js";

// dist/src/gc-tuning.js
import { setFlagsFromString } from "node:v8";
var PRETENURING_FLAG = "--allocation-site-pretenuring";
if (!process.execArgv.includes(PRETENURING_FLAG))
  setFlagsFromString("--no-allocation-site-pretenuring");

// dist/src/cli.js
installFastRecordDecoding();
installFastProducing();
function intFromEnv(name, fallback, max) {
  const raw = process.env[name];
  if (raw === void 0 || raw.trim() === "")
    return fallback;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n >= 1 && n <= max ? n : void 0;
}
if (process.argv[2] === "run") {
  const workers = intFromEnv("SLUICE_WORKERS", workersByDefault(), MAX_WORKERS);
  const heapMb = intFromEnv("SLUICE_WORKER_MAX_HEAP_MB", DEFAULT_WORKER_MAX_HEAP_MB, 1e6);
  if (workers !== void 0 && heapMb !== void 0) {
    prestartThreads(new URL("./actors/window-worker.js", import.meta.url), workers, { maxOldGenerationSizeMb: heapMb });
  }
}
await import("./commands-42MBEFAN.js");
