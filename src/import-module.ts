/**
 * `import()` of a module the daemon does not carry in its bundle and cannot `require`: a job's own
 * ES module, the OpenTelemetry SDK. In the daemon's bundle this module is replaced
 * (scripts/bundle.mjs) by one that asks the bundle's loader (code-cache.ts): a script compiled with
 * V8's code cache has no module loader of its own.
 */
export function importModule<T>(specifier: string): Promise<T> {
  return import(specifier) as Promise<T>;
}
