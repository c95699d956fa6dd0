/**
 * Runs one of the daemon's bundles (scripts/bundle.mjs: a CommonJS file per thread) through V8's
 * code cache, so that a start does not compile again what the last run compiled.
 *
 * Why: Node 20 keeps no compiled code between runs of an ES module (its compile cache came in Node
 * 22), and a start compiled ~2 MB of bundled JavaScript on the main thread and ~0.7 MB in each window
 * worker, then compiled each function again on its first call. A CommonJS bundle compiled as a
 * `vm.Script` may be given the bytecode a previous run produced (`cachedData`), which V8 checks (its
 * version, its flags, the source's length) and either takes or rejects. Measured (docs/decisions/
 * 0035): "sluice is consuming" ~70 ms sooner, ~90 ms less CPU by then.
 *
 * The cache is written beside the bundle (`.code-cache/<bundle>-<content hash>.bin`) by the first run
 * that finds none, or finds it rejected (another Node, other V8 flags), a few seconds after the start,
 * when the functions the run needs have been compiled. It is written to a temporary file and renamed,
 * so a reader sees a whole file or none; a directory the daemon may not write (a read-only install)
 * only means no cache. The content hash, fixed at build time, keeps a cache from being taken by
 * another build of the same length (V8 checks only the length). `npm run build` empties the directory.
 *
 * Each cache file starts with the SHA-256 of the cache after it, checked before V8 sees the cache: V8
 * checks its header, not its contents, and a cache damaged inside (a bad disk, a copy cut short)
 * stopped the process with a fatal error in V8's deserializer at every start. A file that fails the
 * check counts as rejected and is written anew.
 *
 * V8 rejects a cache made under other flags: the loader imports gc-tuning.ts (the daemon's own flag)
 * before this module compiles the bundle, as the bundle would set it a moment later anyway. With `--enable-source-maps`
 * the bundle is loaded by Node's own CommonJS loader instead (no cache), so that stack traces map to
 * the sources.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

/** How long after the start the cache is written: the start's and the first batches' functions are compiled by then. */
export const CODE_CACHE_WRITE_AFTER_MS = 2000;

/** The parameters the bundle's code sees, as Node's CommonJS loader gives a module, plus `import()` for it. */
const WRAPPER_PARAMETERS = 'exports, require, module, __filename, __dirname, __sluiceImport';

/** Where the cache of `bundleFile` (whose content hash is `contentHash`) is kept. */
export function codeCacheFile(bundleFile: string, contentHash: string): string {
  return join(dirname(bundleFile), '.code-cache', `${basename(bundleFile)}-${contentHash}.bin`);
}

/** What became of a bundle's code cache at its start: taken, none yet, rejected by V8, or not used (source maps on). */
export type CodeCacheState = 'used' | 'none' | 'rejected' | 'off';

export interface BundleRun {
  /** The bundle's `module.exports`. */
  exports: unknown;
  cache: CodeCacheState;
  /** Writes the cache now if this run found none or had it rejected (what the timer does); true if written. */
  writeCache(): boolean;
}

/**
 * Run the CommonJS bundle `bundleUrl` in this thread. `importModule` is the loader's own `import()`
 * (an ES module's), which the bundle uses for modules it cannot `require` (a job's ES module):
 * a script compiled by `vm` has no module loader of its own without an experimental flag.
 */
export function runBundle(bundleUrl: URL, contentHash: string, importModule: (specifier: string) => Promise<unknown>): BundleRun {
  const file = fileURLToPath(bundleUrl);
  const require = createRequire(file);
  if (process.sourceMapsEnabled) {
    // Node's loader gives the bundle no `__sluiceImport`: its `import()` (import-module.ts) is then its own.
    return record({ exports: require(file), cache: 'off', writeCache: () => false });
  }
  const cacheFile = codeCacheFile(file, contentHash);
  let cachedData: Buffer | undefined;
  let damaged = false;
  try {
    cachedData = checkedCache(readFileSync(cacheFile));
    damaged = cachedData === undefined;
  } catch {
    // No cache yet: this run writes it.
  }
  const source = readFileSync(file, 'utf8').replace(/^#!/, '//');
  // On one line with the source's first: line numbers in stack traces stay the file's.
  const script = new vm.Script(`(function (${WRAPPER_PARAMETERS}) {${source}\n})`, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  const cache: CodeCacheState = damaged || script.cachedDataRejected === true ? 'rejected' : cachedData === undefined ? 'none' : 'used';
  let pending = cache !== 'used';
  const writeCache = (): boolean => {
    if (!pending) return false;
    pending = false;
    const data = script.createCachedData();
    return writeAtomically(cacheFile, Buffer.concat([digest(data), data]));
  };
  if (pending) setTimeout(writeCache, CODE_CACHE_WRITE_AFTER_MS).unref();
  const module: { exports: unknown } = { exports: {} };
  const started = { exports: module.exports, cache, writeCache };
  // Recorded before the bundle runs: its code reads it (`codeCacheState`).
  record(started);
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, require, module, file, dirname(file), importModule);
  started.exports = module.exports;
  return started;
}

const STATE = Symbol.for('sluice.codeCache');

function record(run: BundleRun): BundleRun {
  (globalThis as Record<symbol, unknown>)[STATE] = run.cache;
  return run;
}

/** This thread's bundle's code cache at its start; undefined when sluice runs from dist/src, not its bundle. */
export function codeCacheState(): CodeCacheState | undefined {
  return (globalThis as Record<symbol, unknown>)[STATE] as CodeCacheState | undefined;
}

const DIGEST_BYTES = 32;

function digest(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

/** The cache a cache file holds, or undefined if it does not match the digest in front of it. */
function checkedCache(file: Buffer): Buffer | undefined {
  if (file.length <= DIGEST_BYTES) return undefined;
  const data = file.subarray(DIGEST_BYTES);
  return digest(data).equals(file.subarray(0, DIGEST_BYTES)) ? data : undefined;
}

/** Write `data` to `file` through a temporary file and a rename; false (nothing left behind) if the directory is not writable. */
function writeAtomically(file: string, data: Buffer): boolean {
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temporary, data);
    renameSync(temporary, file);
    return true;
  } catch {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Its directory could not be made: there is nothing to remove.
    }
    return false;
  }
}
