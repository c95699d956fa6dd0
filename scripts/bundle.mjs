#!/usr/bin/env node
/**
 * Bundles the daemon for `sluice` (package.json `bin`, `npm start`): dist/daemon/sluice.js (the
 * CLI, src/cli.ts), dist/daemon/window-worker.js (a window worker thread's entry) and their shared
 * chunks, from the TypeScript sources (tsc type-checks and emits dist/src for the tests; esbuild
 * only strips types here).
 *
 * Why: Node's ES module loader costs ~1 ms per module, and a start loaded ~220 of them on the main
 * thread (sluice's 80, zod's 95) and ~54 in each worker, plus ~140 CommonJS files of prom-client,
 * the OpenTelemetry API and RxJS. In one bundle per thread, "sluice is consuming" came ~100 ms
 * sooner (docs/decisions/0029).
 *
 * Left outside (imported from node_modules as before):
 * - kafkajs: sluice swaps two of its internal modules through the require cache before it loads
 *   (src/streams/kafkajs-modules.ts), which needs kafkajs's own files;
 * - lmdb and msgpackr: native addons;
 * - what loads only when asked and is large: the OpenTelemetry SDK (tracing on), fastify (the
 *   query API), the Elasticsearch client and ioredis (their sinks);
 * - pino: it resolves its transports' files at run time.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/daemon`;

const EXTERNAL = [
  'kafkajs',
  'lmdb',
  'msgpackr',
  '@opentelemetry/sdk-node',
  '@opentelemetry/sdk-trace-base',
  '@opentelemetry/core',
  'fastify',
  '@fastify/*',
  '@elastic/elasticsearch',
  'ioredis',
  'pino',
];

/**
 * zod's `z` namespace re-exports every locale's messages (`z.locales`, ~370 KB of the ~750 KB zod
 * puts in the bundle): through a namespace object esbuild cannot tell them unused, so every start
 * compiled them. sluice's messages are English (zod's default, which its schemas module imports by
 * itself), and nothing in sluice calls `z.config(z.locales.xx())`: the locale index bundles as
 * English alone.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer) ? { path: 'zod-locales', namespace: 'zod-english-only' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, () => ({
      contents: "export { default as en } from 'zod/v4/locales/en.js';",
      resolveDir: root,
      loader: 'js',
    }));
  },
};

rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { sluice: 'src/cli.ts', 'window-worker': 'src/actors/window-worker.ts' },
  outdir,
  // One directory: the chunks, the CLI and the worker entry side by side, so that a module's
  // `new URL('./window-worker.js', import.meta.url)` finds the worker from any chunk, and
  // `../../package.json` is the package's, as from dist/src/*.
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  // The bundled CommonJS packages (prom-client, the OpenTelemetry API, RxJS) call require() for
  // Node's own modules; an ES module has none unless it makes one.
  banner: {
    js: "import { createRequire as __sluiceCreateRequire } from 'node:module'; const require = __sluiceCreateRequire(import.meta.url);",
  },
  // For a stack trace in the sources: node --enable-source-maps dist/daemon/sluice.js ...
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [zodEnglishOnly],
});
