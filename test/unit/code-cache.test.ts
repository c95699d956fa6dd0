/**
 * A daemon bundle run through V8's code cache (code-cache.ts): it runs as a CommonJS module would,
 * the first run writes the cache and the next takes it, a cache that is not the bundle's is never
 * taken (not another build's, not a damaged one, which would stop V8), and a cache it cannot write
 * costs nothing but the cache. The daemon's own bundles: a start after a run takes both threads' caches.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { codeCacheFile } from '../../src/code-cache.js';

const CLI = fileURLToPath(new URL('../../daemon/sluice.js', import.meta.url));

/** A bundle that reports what it was given, with a function called on its start (compiled lazily). */
function bundleSource(value: number): string {
  return `#!/usr/bin/env node
"use strict";
function twice(x) { return x * 2; }
module.exports = {
  value: twice(${value}),
  file: __filename,
  dir: __dirname,
  strict: (function () { return this === undefined; })(),
  os: typeof require('node:os').cpus,
  imported: __sluiceImport('node:path').then((m) => typeof m.join),
};
`;
}

function withDir(fn: (dir: string) => Promise<void> | void) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-code-cache-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const CODE_CACHE = fileURLToPath(new URL('../../src/code-cache.js', import.meta.url));

interface Reported {
  cache: string;
  /** The cache's state as the bundle's code reads it (`codeCacheState`), and whether writeCache wrote. */
  state: string;
  wrote: boolean;
  wroteAgain: boolean;
  value: number;
  file: string;
  dir: string;
  strict: boolean;
  os: string;
  imported: string;
}

/**
 * runBundle in a process of its own (V8 takes a code cache only in an isolate that has not compiled
 * the same source already), then writeCache, twice: what the bundle reported.
 */
function runInProcess(file: string, contentHash: string, args: string[] = []): Reported {
  const source = `
    import { codeCacheState, runBundle } from ${JSON.stringify(pathToFileURL(CODE_CACHE).href)};
    const run = runBundle(new URL(${JSON.stringify(pathToFileURL(file).href)}), ${JSON.stringify(contentHash)}, (s) => import(s));
    const state = codeCacheState();
    const wrote = run.writeCache();
    const wroteAgain = run.writeCache();
    const { imported, ...rest } = run.exports;
    console.log(JSON.stringify({ cache: run.cache, state, wrote, wroteAgain, ...rest, imported: await imported }));
  `;
  const child = spawnSync(process.execPath, [...args, '--input-type=module', '-e', source], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout) as Reported;
}

/** `bundleSource(value)` as `dir`/b.cjs, run once in a process of its own, which wrote its cache under `contentHash`. */
function bundleWithCache(dir: string, value: number, contentHash: string): string {
  const file = join(dir, 'b.cjs');
  writeFileSync(file, bundleSource(value));
  assert.equal(runInProcess(file, contentHash).wrote, true);
  return file;
}

test(
  'a bundle runs as a CommonJS module, with import() through the loader; the first run writes its cache and the next takes it',
  withDir((dir) => {
    const file = join(dir, 'b.cjs');
    writeFileSync(file, bundleSource(21));
    const first = runInProcess(file, 'hash-a');
    assert.equal(first.cache, 'none');
    assert.equal(first.state, 'none');
    assert.equal(first.value, 42);
    assert.equal(first.file, file);
    assert.equal(first.dir, dir);
    assert.equal(first.strict, true);
    assert.equal(first.os, 'function');
    assert.equal(first.imported, 'function');
    assert.equal(first.wrote, true);
    assert.equal(first.wroteAgain, false, 'written once');
    assert.ok(readFileSync(codeCacheFile(file, 'hash-a')).length > 0);
    assert.deepEqual(readdirSync(join(dir, '.code-cache')), ['b.cjs-hash-a.bin'], 'no temporary file left');

    const second = runInProcess(file, 'hash-a');
    assert.equal(second.cache, 'used');
    assert.equal(second.state, 'used');
    assert.equal(second.value, 42);
    assert.equal(second.imported, 'function');
    assert.equal(second.wrote, false, 'a cache taken is not written again');
  }),
);

test(
  'a cache made under other V8 flags is rejected, and written anew',
  withDir((dir) => {
    const file = bundleWithCache(dir, 3, 'h');
    const other = runInProcess(file, 'h', ['--max-lazy']);
    assert.equal(other.cache, 'rejected');
    assert.equal(other.value, 6);
    assert.equal(other.wrote, true);
    assert.equal(runInProcess(file, 'h', ['--max-lazy']).cache, 'used');
  }),
);

test(
  "another build's cache is never taken, even when V8 would (the same length): each build has its own",
  withDir((dir) => {
    const file = bundleWithCache(dir, 21, 'build-1');
    // The next build: other code, the same length (V8 checks only the length).
    const next = bundleSource(34);
    assert.equal(next.length, bundleSource(21).length);
    writeFileSync(file, next);
    const run = runInProcess(file, 'build-2');
    assert.equal(run.cache, 'none');
    assert.equal(run.value, 68);
  }),
);

test(
  'a damaged cache is never given to V8 (its deserializer stops the process on a damaged payload): rejected, run from the source, written anew',
  withDir((dir) => {
    const file = bundleWithCache(dir, 5, 'h');
    const cacheFile = codeCacheFile(file, 'h');
    const whole = readFileSync(cacheFile);
    // One byte in the middle of V8's payload, its header intact; then the header; then a file cut short.
    const middle = Buffer.from(whole);
    const at = Math.floor(middle.length * 0.75);
    middle[at] = (middle[at] as number) ^ 0x5a;
    const header = Buffer.from(whole);
    header.fill(0x5a, 32, 64);
    for (const damaged of [middle, header, whole.subarray(0, whole.length - 100)]) {
      writeFileSync(cacheFile, damaged);
      const run = runInProcess(file, 'h');
      assert.equal(run.cache, 'rejected');
      assert.equal(run.value, 10);
      assert.equal(run.wrote, true);
      assert.equal(runInProcess(file, 'h').cache, 'used');
    }
  }),
);

test(
  'a cache that cannot be written: the bundle runs the same, and nothing is left behind',
  withDir((dir) => {
    const file = join(dir, 'b.cjs');
    writeFileSync(file, bundleSource(1));
    // Where the cache directory would be, a file: the directory cannot be made (even as root).
    writeFileSync(join(dir, '.code-cache'), 'not a directory');
    const run = runInProcess(file, 'h');
    assert.equal(run.value, 2);
    assert.equal(run.wrote, false);
    assert.deepEqual(readdirSync(dir).sort(), ['.code-cache', 'b.cjs']);
  }),
);

test(
  'with source maps on, Node loads the bundle itself (no cache), and its import() is its own',
  withDir((dir) => {
    const file = join(dir, 'b.cjs');
    // Under Node's loader there is no __sluiceImport: the daemon's bundle then uses import() (scripts/bundle.mjs).
    writeFileSync(
      file,
      `module.exports = { value: typeof __sluiceImport === 'undefined' ? 1 : 0, imported: import('node:path').then((m) => typeof m.join) };`,
    );
    const run = runInProcess(file, 'h', ['--enable-source-maps']);
    assert.equal(run.cache, 'off');
    assert.equal(run.state, 'off');
    assert.equal(run.wrote, false);
    assert.equal(run.value, 1);
    assert.equal(run.imported, 'function');
    assert.equal(existsSync(join(dir, '.code-cache')), false);
  }),
);

/** `sluice run` on the built-in generator for `ms`, stopped by SIGINT: its log lines. */
async function runDaemonFor(ms: number, stateDir: string): Promise<Array<Record<string, unknown>>> {
  const child = spawn(process.execPath, [CLI, 'run'], {
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SLUICE_'))),
      SLUICE_STATE_DIR: stateDir,
      SLUICE_WORKERS: '1',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const timer = setTimeout(() => child.kill('SIGINT'), ms);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  assert.equal(code, 0, log);
  return log
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

test(
  "the daemon's bundles: after a run of a few seconds, both threads' caches are there, and the next start takes them",
  withDir(async (dir) => {
    const caches = join(fileURLToPath(new URL('.', pathToFileURL(CLI))), '.code-cache');
    rmSync(caches, { recursive: true, force: true });
    const started = (lines: Array<Record<string, unknown>>) =>
      lines.find((l) => l.msg === 'sluice is running on the built-in click generator');
    const first = await runDaemonFor(3500, join(dir, 'a'));
    assert.equal(started(first)?.codeCache, 'none');
    const written = readdirSync(caches).sort();
    assert.equal(written.length, 2, `caches: ${written.join(', ')}`);
    assert.match(written[0] as string, /^sluice\.cjs-[0-9a-f]{16}\.bin$/);
    assert.match(written[1] as string, /^window-worker\.cjs-[0-9a-f]{16}\.bin$/);
    const second = await runDaemonFor(1500, join(dir, 'b'));
    assert.equal(started(second)?.codeCache, 'used');
  }),
);
