/**
 * Command-line flags of the benches: each option is declared once with its default and help; its
 * flag is the kebab-case name (`spanMinutes` -> `--span-minutes`, booleans also `--no-...`) and its
 * environment fallback SLUICE_BENCH_<SNAKE_NAME> (the daemon's config ignores that prefix).
 * Precedence: flag, then environment, then default.
 */

export type Kind = 'int' | 'number' | 'bool' | 'string' | 'ints' | 'strings';

export interface Spec<V> {
  kind: Kind;
  default: V;
  help: string;
}

type Values<S> = { [K in keyof S]: S[K] extends Spec<infer V> ? V : never };

export const int = (def: number, help: string): Spec<number> => ({ kind: 'int', default: def, help });
export const num = (def: number, help: string): Spec<number> => ({ kind: 'number', default: def, help });
export const bool = (def: boolean, help: string): Spec<boolean> => ({ kind: 'bool', default: def, help });
export const str = (def: string | undefined, help: string): Spec<string | undefined> => ({ kind: 'string', default: def, help });
export const ints = (def: number[], help: string): Spec<number[]> => ({ kind: 'ints', default: def, help });
export const strs = (def: string[], help: string): Spec<string[]> => ({ kind: 'strings', default: def, help });

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const envName = (key: string) => `SLUICE_BENCH_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

function parseValue(name: string, kind: Kind, raw: string): unknown {
  switch (kind) {
    case 'string':
      return raw;
    case 'strings':
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
    case 'ints': {
      const list = raw.split(',').map((part) => parseValue(name, 'int', part.trim()) as number);
      if (list.length === 0 || list.some((n) => n < 1))
        throw new Error(`${name}: expected a comma-separated list of positive integers, got "${raw}"`);
      return [...new Set(list)];
    }
    case 'bool': {
      const v = raw.trim().toLowerCase();
      if (['1', 'true', 'yes'].includes(v)) return true;
      if (['0', 'false', 'no'].includes(v)) return false;
      throw new Error(`${name}: expected true or false, got "${raw}"`);
    }
    default: {
      const n = Number(raw.replaceAll('_', ''));
      if (!Number.isFinite(n) || n < 0 || (kind === 'int' && !Number.isSafeInteger(n))) {
        throw new Error(`${name}: expected a non-negative ${kind === 'int' ? 'integer' : 'number'}, got "${raw}"`);
      }
      return n;
    }
  }
}

export function usage<S extends Record<string, Spec<unknown>>>(head: string, specs: S): string {
  const lines = Object.entries(specs).map(([key, s]) => {
    const arg = s.kind === 'bool' ? '' : s.kind === 'string' ? ' VALUE' : s.kind === 'ints' ? ' N,N' : s.kind === 'strings' ? ' A,B' : ' N';
    const def = Array.isArray(s.default) ? s.default.join(',') : String(s.default ?? '-');
    const name = s.kind === 'bool' && s.default === true ? `--[no-]${kebab(key)}` : `--${kebab(key)}`;
    return `  ${`${name}${arg}`.padEnd(28)} ${s.help} (default ${def}; env ${envName(key)})`;
  });
  return `${head}\n${lines.join('\n')}\n`;
}

/** Parse argv (and SLUICE_BENCH_* variables) against `specs`; --help prints the usage and exits. */
export function parseFlags<S extends Record<string, Spec<unknown>>>(
  head: string,
  specs: S,
  argv = process.argv.slice(2),
  env = process.env,
): Values<S> {
  const values: Record<string, unknown> = {};
  const byFlag = new Map<string, [string, Spec<unknown>]>();
  for (const [key, s] of Object.entries(specs)) {
    byFlag.set(`--${kebab(key)}`, [key, s]);
    const raw = env[envName(key)];
    values[key] = raw !== undefined && raw !== '' ? parseValue(envName(key), s.kind, raw) : s.default;
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(usage(head, specs));
      process.exit(0);
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    const negated = name.startsWith('--no-') ? byFlag.get(`--${name.slice(5)}`) : undefined;
    const found = negated ?? byFlag.get(name);
    if (!found) throw new Error(`unknown flag "${arg}"\n${usage(head, specs)}`);
    const [key, s] = found;
    if (s.kind === 'bool') {
      values[key] = negated ? false : inline === undefined ? true : parseValue(name, 'bool', inline);
      continue;
    }
    const raw = inline ?? argv[++i];
    if (raw === undefined) throw new Error(`${name} needs a value`);
    values[key] = parseValue(name, s.kind, raw);
  }
  return values as Values<S>;
}
