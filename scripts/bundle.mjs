#!/usr/bin/env node
/**
 * Bundles the daemon for `sluice` (package.json `bin`, `npm start`): one CommonJS bundle per thread,
 * dist/daemon/sluice.cjs (the CLI, src/cli.ts) and dist/daemon/window-worker.cjs (a window worker
 * thread's entry), each started by a small ES module beside it (sluice.js, window-worker.js:
 * src/code-cache.ts) that runs it through V8's code cache, from the TypeScript sources (tsc
 * type-checks and emits dist/src for the tests; esbuild only strips types here).
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
 *
 * CommonJS, not ES modules: Node 20 keeps no compiled code of an ES module between runs, and a
 * CommonJS script compiled by `vm` takes V8's code cache (src/code-cache.ts, docs/decisions/0035).
 * So the sources' `import.meta.url` is the bundle file's URL (`__sluiceModuleUrl`, the banner's),
 * and their `import()` of what is not bundled (import-module.ts) goes through the loader.
 */
import { createHash } from 'node:crypto';
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

/**
 * src/import-module.ts in the bundle: `import()` through the loader's, given to the bundle's code as
 * `__sluiceImport` (code-cache.ts), since a script compiled by `vm` has no module loader of its own.
 */
const importThroughLoader = {
  name: 'import-through-loader',
  setup(b) {
    b.onResolve({ filter: /[\\/]import-module\.js$/ }, (args) =>
      args.importer.startsWith(join(root, 'src')) ? { path: 'import-module', namespace: 'import-through-loader' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'import-through-loader' }, () => ({
      // Under Node's own loader (source maps on: code-cache.ts) there is no __sluiceImport, and
      // a CommonJS module's import() is Node's.
      contents:
        "export function importModule(specifier) { return typeof __sluiceImport === 'function' ? __sluiceImport(specifier) : import(specifier); }",
      loader: 'js',
    }));
  },
};

/** Each thread's bundle (dist/daemon/<name>.cjs) and its source entry. */
const BUNDLES = { sluice: 'src/cli.ts', 'window-worker': 'src/actors/window-worker.ts' };

rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: BUNDLES,
  // One directory: the bundles and their loaders side by side, so that the sources'
  // `new URL('./window-worker.js', import.meta.url)` finds the worker's loader, and
  // `../../package.json` is the package's, as from dist/src/*.
  outdir,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  define: { 'import.meta.url': '__sluiceModuleUrl' },
  // Strict, as the ES modules it is made of (and as the earlier ES module bundle ran).
  banner: { js: '"use strict";\nvar __sluiceModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  // For a stack trace in the sources: node --enable-source-maps dist/daemon/sluice.js ... (the
  // loader then leaves the bundle to Node's own CommonJS loader: code-cache.ts).
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [zodEnglishOnly, kafkajsModuleHost, importThroughLoader],
});

// Each bundle's loader, with the bundle's content hash (the name of its code cache).
for (const name of Object.keys(BUNDLES)) {
  const bundle = `${outdir}/${name}.cjs`;
  const contentHash = createHash('sha256').update(readFileSync(bundle)).digest('hex').slice(0, 16);
  await build({
    absWorkingDir: root,
    stdin: {
      contents: [
        // V8's flags first: a code cache is taken only under the flags it was made with.
        "import './src/gc-tuning.ts';",
        "import { runBundle } from './src/code-cache.ts';",
        `runBundle(new URL('./${name}.cjs', import.meta.url), ${JSON.stringify(contentHash)}, (specifier) => import(specifier));`,
      ].join('\n'),
      resolveDir: root,
      loader: 'js',
      sourcefile: `${name}-loader.js`,
    },
    outfile: `${outdir}/${name}.js`,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    ...(name === 'sluice' ? { banner: { js: '#!/usr/bin/env node' } } : {}),
    legalComments: 'none',
    logLevel: 'warning',
  });
}
