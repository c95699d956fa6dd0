/**
 * Where kafkajs's internal modules live, for the module swaps (kafkajs-modules.ts). This one is
 * kafkajs as installed: its files in node_modules, reached through Node's require and its cache.
 * The daemon's bundle (scripts/bundle.mjs) carries kafkajs inside it and puts a host of its own in
 * place of this module, with the same interface, over the bundle's copies of the same files.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface KafkajsHost {
  /** How this kafkajs is carried (in the logs and `sluice version`). */
  readonly kind: 'node_modules' | 'bundled';
  /** The version of this kafkajs (its package.json's). */
  version(): string;
  /** A module's export (`kafkajs/src/...`), loading it now if nothing has yet. */
  load<T>(module: string): T;
  /** Whether kafkajs itself has loaded the module (its users may have taken its export already). */
  isLoaded(module: string): boolean;
  /** Whether the module's export is one `replace` put there. */
  isReplaced(module: string): boolean;
  /** Puts `replacement` in place of the module's export, marked as swapped (`sluiceSwapped`). */
  replace(module: string, replacement: object): void;
}

function cached(module: string): NodeJS.Module | undefined {
  return require.cache[require.resolve(module)];
}

export const kafkajsHost: KafkajsHost = {
  kind: 'node_modules',
  version: () => (require('kafkajs/package.json') as { version: string }).version,
  load: <T>(module: string) => require(module) as T,
  isLoaded: (module) => cached(module) !== undefined,
  isReplaced: (module) => (cached(module)?.exports as { sluiceSwapped?: boolean } | undefined)?.sluiceSwapped === true,
  replace(module, replacement) {
    require(module);
    const loaded = cached(module);
    if (!loaded) throw new Error(`${module} is not in the require cache`);
    loaded.exports = Object.assign(replacement, { sluiceSwapped: true });
  },
};
