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
 * kafkajs is bundled too (its ~145 files cost ~65 ms of the start when Node resolved and loaded
 * each: docs/decisions/0033). sluice swaps some of its internal modules before they load
 * (src/streams/kafkajs-modules.ts): in the bundle they are reached through a host of the bundle's
 * own (`kafkajsModuleHost` below) in place of src/streams/kafkajs-host.ts.
 *
 * Left outside (imported from node_modules as before):
 * - lmdb and msgpackr: native addons;
 * - what loads only when asked and is large: the OpenTelemetry SDK (tracing on), fastify (the
 *   query API), the Elasticsearch client and ioredis (their sinks);
 * - pino: it resolves its transports' files at run time.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/daemon`;

const EXTERNAL = [
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

/** Every `kafkajs/src/...` module named in sluice's sources (string literals): what its swaps reach. */
function kafkajsModulesNamed() {
  const named = new Set();
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts'))
        for (const m of readFileSync(path, 'utf8').matchAll(/'(kafkajs\/src\/[\w/.-]+\.js)'/g)) named.add(m[1]);
    }
  };
  walk(`${root}src`);
  return [...named].sort();
}

/**
 * kafkajs's internal modules in the bundle, as Node's require cache holds them unbundled: each
 * module sluice names registers its `module` object with the host when it has loaded (a line
 * appended to its source, so that its own loading, cycles included, is unchanged), and the host
 * loads one through a `require` esbuild resolves to the same bundled copy. A swap replaces
 * `module.exports` there, and esbuild's `require` of a bundled module returns its `module.exports`
 * as it is then: kafkajs's own requires, from then on, take the swap, as they would from Node's
 * cache. src/streams/kafkajs-host.ts is the same interface over node_modules.
 */
const kafkajsModuleHost = {
  name: 'kafkajs-module-host',
  setup(b) {
    const require = createRequire(`${root}package.json`);
    const named = kafkajsModulesNamed();
    const paths = new Map(named.map((m) => [require.resolve(m), m]));
    const version = require('kafkajs/package.json').version;
    const registered = new Set();
    b.onResolve({ filter: /^\.\/kafkajs-host\.js$/ }, (args) =>
      args.importer.endsWith(join('src', 'streams', 'kafkajs-modules.ts')) ? { path: 'host', namespace: 'kafkajs-module-host' } : undefined,
    );
    b.onResolve({ filter: /^sluice-kafkajs-module-host$/ }, () => ({ path: 'host', namespace: 'kafkajs-module-host' }));
    b.onLoad({ filter: /.*/, namespace: 'kafkajs-module-host' }, () => ({
      contents: `
        const modules = new Map();
        const loaders = { ${named.map((m) => `${JSON.stringify(m)}: () => require(${JSON.stringify(m)})`).join(',\n')} };
        const known = (module) => {
          if (!(module in loaders)) throw new Error(module + ' is not among the kafkajs modules the bundle gives sluice (scripts/bundle.mjs)');
          return module;
        };
        exports.registerKafkajsModule = (name, module) => void modules.set(name, module);
        exports.kafkajsHost = {
          kind: 'bundled',
          version: () => ${JSON.stringify(version)},
          load: (module) => loaders[known(module)](),
          isLoaded: (module) => modules.has(known(module)),
          isReplaced: (module) => modules.get(known(module))?.exports?.sluiceSwapped === true,
          replace(module, replacement) {
            loaders[known(module)]();
            modules.get(module).exports = Object.assign(replacement, { sluiceSwapped: true });
          },
        };`,
      resolveDir: root,
      loader: 'js',
    }));
    b.onLoad({ filter: /[\\/]node_modules[\\/]kafkajs[\\/]src[\\/].*\.js$/ }, (args) => {
      const name = paths.get(args.path);
      if (name === undefined) return undefined;
      registered.add(name);
      return {
        contents: `${readFileSync(args.path, 'utf8')}\n;require('sluice-kafkajs-module-host').registerKafkajsModule(${JSON.stringify(name)}, module);\n`,
        loader: 'js',
      };
    });
    b.onEnd((result) => {
      const missing = named.filter((m) => !registered.has(m));
      if (result.errors.length === 0 && missing.length > 0) {
        result.errors.push({ text: `kafkajs modules sluice names but the bundle does not hold: ${missing.join(', ')}` });
      }
    });
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
  plugins: [zodEnglishOnly, kafkajsModuleHost],
});
