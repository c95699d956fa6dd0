/**
 * A job file's problems: collected section by section (one bad setting never hides another's
 * problem), located in the YAML document (line and column of the deepest node on the path), and
 * reported all at once as one JOB_INVALID error.
 */
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter } from 'yaml';
import type { z } from 'zod';
import { ErrorCode, SluiceError } from '../errors.js';

export type Path = Array<string | number>;

export interface JobFileProblem {
  path: Path;
  message: string;
  line?: number;
  column?: number;
}

export class Problems {
  readonly list: JobFileProblem[] = [];
  add(path: Path, message: string): void {
    // Aggregations sharing a field may find the same problem with it: said once.
    if (this.list.some((p) => p.message === message && formatPath(p.path) === formatPath(path))) return;
    this.list.push({ path, message });
  }
  /**
   * Validate `value` as a map of `shape`'s settings at `path`, setting by setting: each valid one is
   * in the result, each invalid or unknown one is a problem (and absent from the result), so one
   * bad setting does not hide the others' problems. Undefined when `value` is not a map at all.
   */
  section<S extends z.ZodRawShape>(shape: S, value: unknown, path: Path, what: string): Partial<z.infer<z.ZodObject<S>>> | undefined {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.add(path, `${what} must be a map (key: value lines)`);
      return undefined;
    }
    const map = value as Record<string, unknown>;
    const allowed = Object.keys(shape);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(map)) {
      if (!allowed.includes(key))
        this.add([...path, key], `unknown setting "${key}"${suggest(key, allowed)} (allowed here: ${allowed.join(', ')})`);
    }
    for (const key of allowed) {
      const schema = shape[key] as z.ZodType;
      const present = Object.hasOwn(map, key);
      const result = schema.safeParse(present ? map[key] : undefined);
      if (result.success) {
        if (result.data !== undefined) out[key] = result.data;
        continue;
      }
      if (!present) {
        this.add([...path, key], 'is required');
        continue;
      }
      for (const issue of result.error.issues) this.add([...path, key, ...(issue.path as Path)], issue.message);
    }
    return out as Partial<z.infer<z.ZodObject<S>>>;
  }
}

/** ` (did you mean "x"?)` for a misspelt setting. */
function suggest(key: string, allowed: string[]): string {
  const lower = key.toLowerCase();
  const near = allowed.find((a) => a.toLowerCase() === lower || editDistance(a.toLowerCase(), lower) <= 2);
  return near ? ` (did you mean "${near}"?)` : '';
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length] as number;
}

export function invalidJob(file: string, problems: JobFileProblem[]): SluiceError {
  const sorted = [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  const lines = sorted.map(
    (p) =>
      `  ${p.line === undefined ? '' : `line ${p.line}, column ${p.column}: `}${p.path.length > 0 ? `${formatPath(p.path)}: ` : ''}${p.message}`,
  );
  return new SluiceError(ErrorCode.JOB_INVALID, `job file ${file} is invalid:\n${lines.join('\n')}`, {
    details: { file, problems: sorted.map((p) => ({ path: formatPath(p.path), line: p.line, column: p.column, message: p.message })) },
  });
}

export function formatPath(path: Path): string {
  return path.map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : i === 0 ? seg : `.${seg}`)).join('');
}

/** The line and column of `path` in the document: the deepest node found (a missing key: its map's key). */
export function locate(doc: Document, lines: LineCounter, path: Path): { line?: number; column?: number } {
  let node: unknown = doc.contents;
  let at: number | undefined = (doc.contents as { range?: [number, number, number] } | null)?.range?.[0];
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      at = (pair.key as { range?: [number, number, number] }).range?.[0] ?? at;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as { range?: [number, number, number] } | undefined;
      if (!item) break;
      at = item.range?.[0] ?? at;
      node = item;
    } else {
      break;
    }
  }
  if (at === undefined) return {};
  const pos = lines.linePos(at);
  return { line: pos.line, column: pos.col };
}
