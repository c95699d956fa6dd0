/**
 * A single-pass scanner for the top-level fields of a JSON object, over its UTF-8 bytes.
 *
 * It accepts and refuses exactly what `JSON.parse` of the value's UTF-8 text would (invalid UTF-8
 * is refused too), says whether the top level is an object, finds a requested field given twice
 * (compared after unescaping: `"user\u0049d"` is `userId`), and returns the requested fields'
 * values decoded as `JSON.parse` would: strings unescaped (lone surrogates kept), numbers with
 * `Number` semantics (`1.0` is 1, `-0` is -0, `1e400` is Infinity), `true`, `false`, `null`; a
 * nested object or array only as a marker of its kind.
 *
 * Invalid UTF-8 is refused before anything else, as `isUtf8` judges it, but `isUtf8` runs only on
 * a value that has a non-ASCII byte (at the first, inside a string) or fails: most values are
 * ASCII, and those are UTF-8 byte for byte.
 *
 * Everything else is checked and skipped without being built: no string, number, object or array
 * is allocated for it. Nesting is followed with a depth counter and one bit per level (object or
 * array) in a bit stack reused across calls, never by recursion, so no depth can overflow the
 * stack and no shape costs more than one pass over the bytes.
 *
 * Values come back by position (the i-th value is the i-th requested name): a key from the input is
 * only ever compared with the requested names, never used to assign anything, so `__proto__` and
 * its friends cannot reach any object.
 */
import { isUtf8 } from 'node:buffer';

/** The value of a requested field that is a JSON object (its contents are not read). */
export const NESTED_OBJECT: unique symbol = Symbol('a JSON object');
/** The value of a requested field that is a JSON array (its contents are not read). */
export const NESTED_ARRAY: unique symbol = Symbol('a JSON array');

export type FieldValue = string | number | boolean | null | typeof NESTED_OBJECT | typeof NESTED_ARRAY;

export type TopLevelKind = 'an array' | 'a string' | 'a number' | 'a boolean' | 'null';

export type FieldScan =
  /**
   * `values[i]` is the value of `names[i]`, undefined when the object has no such field. The
   * object and its `values` are the scanner's own, filled again by its next scan (no allocation per
   * value scanned): read them before that.
   */
  | { ok: true; values: Array<FieldValue | undefined> }
  | { ok: false; problem: 'not-utf8' }
  | { ok: false; problem: 'syntax'; message: string; offset: number }
  | { ok: false; problem: 'not-an-object'; kind: TopLevelKind }
  | { ok: false; problem: 'duplicate'; field: string };

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const ONE = 0x31;
const NINE = 0x39;
const COLON = 0x3a;
const UPPER_E = 0x45;
const LBRACKET = 0x5b;
const BACKSLASH = 0x5c;
const RBRACKET = 0x5d;
const LOWER_E = 0x65;
const LOWER_F = 0x66;
const LOWER_N = 0x6e;
const LOWER_T = 0x74;
const LOWER_U = 0x75;
const LBRACE = 0x7b;
const RBRACE = 0x7d;

/**
 * 1 for the bytes a string holds as they are: printable ASCII but `"` and `\`. A byte >= 0x80 is
 * part of a multi-byte character: the first one in a value has the whole value checked as UTF-8.
 */
const PLAIN = new Uint8Array(256);
for (let b = SPACE; b < 0x80; b++) PLAIN[b] = b === QUOTE || b === BACKSLASH ? 0 : 1;
/** PLAIN, once the value is known to be UTF-8: every byte >= 0x80 held as it is. */
const PLAIN_IN_UTF8 = PLAIN.map((plain, b) => (b >= 0x80 ? 1 : plain));

/** The character a one-letter escape stands for; 0: no such escape (`\u` is handled apart). */
const ESCAPED = new Uint16Array(256);
for (const [letter, char] of [
  ['"', '"'],
  ['\\', '\\'],
  ['/', '/'],
  ['b', '\b'],
  ['f', '\f'],
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
] as const) {
  ESCAPED[letter.charCodeAt(0)] = char.charCodeAt(0);
}

/** The value of a hex digit; -1 for other bytes. */
const HEX = new Int8Array(256).fill(-1);
for (let d = 0; d < 16; d++) {
  HEX['0123456789abcdef'.charCodeAt(d)] = d;
  HEX['0123456789ABCDEF'.charCodeAt(d)] = d;
}

const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');

// Scratch state of the one scan running at a time (a scan is synchronous and calls nothing back;
// each worker thread has its own copy of this module).

/** Bit `d` set: nesting level `d` is an object, else an array. Grows to the deepest value seen. */
let levels = new Int32Array(64);
/** Where the last helper that returned -1 found the problem. */
let failAt = 0;
/** Whether the last string skipped held an escape. */
let sawEscape = false;
/** Whether the value being scanned was found to be valid UTF-8 (checked at its first non-ASCII byte). */
let utf8Checked = false;
/** Where the value being scanned starts in its buffer (a span of a larger one: `scanSpan`). */
let spanStart = 0;

/** Whether the value being scanned, `spanStart` to `end`, is valid UTF-8. */
function valueIsUtf8(buf: Buffer, end: number): boolean {
  return isUtf8(spanStart === 0 && end === buf.length ? buf : buf.subarray(spanStart, end));
}

/**
 * Bytes as a string of the same code units (Buffer's own latin1 decoder, without `toString`'s
 * argument handling): for a run of ASCII bytes it is the UTF-8 decoding too.
 */
const latin1Slice: (buf: Buffer, start: number, end: number) => string =
  typeof (Buffer.prototype as { latin1Slice?: unknown }).latin1Slice === 'function'
    ? (buf, start, end) => (buf as unknown as { latin1Slice(start: number, end: number): string }).latin1Slice(start, end)
    : (buf, start, end) => buf.toString('latin1', start, end);

function pushLevel(depth: number, isObject: boolean): void {
  const word = depth >>> 5;
  if (word >= levels.length) {
    // At most one bit per byte of the deepest value: SLUICE_MAX_RECORD_BYTES / 8 bytes.
    const grown = new Int32Array(levels.length * 2);
    grown.set(levels);
    levels = grown;
  }
  const bit = 1 << (depth & 31);
  levels[word] = isObject ? (levels[word] as number) | bit : (levels[word] as number) & ~bit;
}

function isObjectLevel(depth: number): boolean {
  return ((levels[depth >>> 5] as number) & (1 << (depth & 31))) !== 0;
}

function skipWhitespace(buf: Buffer, i: number, n: number): number {
  while (i < n) {
    const c = buf[i] as number;
    if (c !== SPACE && c !== LF && c !== CR && c !== TAB) break;
    i++;
  }
  return i;
}

/** `i` at an opening quote: the index after the closing one, or -1 (then `failAt`). Sets `sawEscape`. */
function skipString(buf: Buffer, i: number, n: number): number {
  let escaped = false;
  i++;
  for (;;) {
    const plain = utf8Checked ? PLAIN_IN_UTF8 : PLAIN;
    while (i < n && plain[buf[i] as number] === 1) i++;
    if (i >= n) {
      failAt = n;
      return -1;
    }
    const c = buf[i] as number;
    if (c === QUOTE) {
      sawEscape = escaped;
      return i + 1;
    }
    if (c >= 0x80) {
      // The value's first non-ASCII byte: check all of it as UTF-8 once (natively), or refuse it.
      if (!utf8Checked) {
        if (!valueIsUtf8(buf, n)) {
          failAt = i;
          return -1;
        }
        utf8Checked = true;
      }
      i++;
      continue;
    }
    if (c !== BACKSLASH) {
      failAt = i; // a raw control character
      return -1;
    }
    escaped = true;
    const e = i + 1 < n ? (buf[i + 1] as number) : -1;
    if (e === LOWER_U) {
      for (let h = i + 2; h < i + 6; h++) {
        if (h >= n || (HEX[buf[h] as number] as number) < 0) {
          failAt = h;
          return -1;
        }
      }
      i += 6;
    } else if (e >= 0 && ESCAPED[e] !== 0) {
      i += 2;
    } else {
      failAt = i + 1;
      return -1;
    }
  }
}

/** The JSON number grammar from `i`: the index after the number, or -1 (then `failAt`). */
function skipNumber(buf: Buffer, i: number, n: number): number {
  if (buf[i] === MINUS) i++;
  let c = i < n ? (buf[i] as number) : -1;
  if (c === ZERO) {
    i++;
  } else if (c >= ONE && c <= NINE) {
    i++;
    while (i < n && (c = buf[i] as number) >= ZERO && c <= NINE) i++;
  } else {
    failAt = i;
    return -1;
  }
  if (i < n && buf[i] === DOT) {
    i = skipDigits(buf, i + 1, n);
    if (i < 0) return -1;
  }
  if (i < n && (buf[i] === LOWER_E || buf[i] === UPPER_E)) {
    i++;
    if (i < n && (buf[i] === PLUS || buf[i] === MINUS)) i++;
    i = skipDigits(buf, i, n);
  }
  return i;
}

/** One or more digits from `i`. */
function skipDigits(buf: Buffer, i: number, n: number): number {
  const start = i;
  let c: number;
  while (i < n && (c = buf[i] as number) >= ZERO && c <= NINE) i++;
  if (i === start) {
    failAt = i;
    return -1;
  }
  return i;
}

function skipLiteral(buf: Buffer, i: number, n: number, word: Buffer): number {
  for (let j = 0; j < word.length; j++) {
    if (i + j >= n || buf[i + j] !== word[j]) {
      failAt = i + j;
      return -1;
    }
  }
  return i + word.length;
}

/** A valid number's value, as `JSON.parse` gives it. */
function numberValue(buf: Buffer, start: number, end: number): number {
  let i = start;
  const negative = buf[i] === MINUS;
  if (negative) i++;
  // Up to 15 digits and nothing else: exact in a double, no need to build a string.
  if (end - i <= 15) {
    let v = 0;
    for (; i < end; i++) {
      const d = (buf[i] as number) - ZERO;
      if (d < 0 || d > 9) return Number(buf.toString('latin1', start, end));
      v = v * 10 + d;
    }
    return negative ? -v : v;
  }
  return Number(buf.toString('latin1', start, end));
}

/** The contents of a valid string between `start` (after its quote) and `end` (its closing quote). */
function stringValue(buf: Buffer, start: number, end: number, escaped: boolean): string {
  // No byte >= 0x80 so far in the value (the first would have set utf8Checked): this string is ASCII.
  if (!escaped) return utf8Checked ? buf.toString('utf8', start, end) : latin1Slice(buf, start, end);
  let out = '';
  let run = start;
  let i = start;
  while (i < end) {
    if (buf[i] !== BACKSLASH) {
      i++;
      continue;
    }
    // Runs end at a backslash (ASCII), so a multi-byte character is never cut.
    if (run < i) out += buf.toString('utf8', run, i);
    const e = buf[i + 1] as number;
    if (e === LOWER_U) {
      const code =
        ((HEX[buf[i + 2] as number] as number) << 12) |
        ((HEX[buf[i + 3] as number] as number) << 8) |
        ((HEX[buf[i + 4] as number] as number) << 4) |
        (HEX[buf[i + 5] as number] as number);
      // Halves of a pair escaped apart join up when concatenated; a lone one stays, as in JSON.parse.
      out += String.fromCharCode(code);
      i += 6;
    } else {
      out += String.fromCharCode(ESCAPED[e] as number);
      i += 2;
    }
    run = i;
  }
  if (run < end) out += buf.toString('utf8', run, end);
  return out;
}

function describeByte(buf: Buffer, at: number, end: number): string {
  if (at >= end) return 'unexpected end of input';
  const c = buf[at] as number;
  const what =
    c > SPACE && c < 0x7f ? `'${String.fromCharCode(c)}'` : c < 0x80 ? `byte 0x${c.toString(16).padStart(2, '0')}` : 'non-ASCII character';
  return `unexpected ${what} at byte ${at - spanStart}`;
}

function kindOf(first: number): TopLevelKind {
  if (first === LBRACKET) return 'an array';
  if (first === QUOTE) return 'a string';
  if (first === LOWER_T || first === LOWER_F) return 'a boolean';
  if (first === LOWER_N) return 'null';
  return 'a number';
}

const NOT_UTF8: FieldScan = Object.freeze({ ok: false, problem: 'not-utf8' });

/** Bytes as a Buffer over the same memory (no copy): a Buffer as it is. */
export function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

// What the scanner expects next.
const VALUE = 0;
const KEY = 1;
const AFTER_VALUE = 2;

export class JsonFieldScanner {
  private readonly names: readonly string[];
  private readonly nameBytes: readonly Buffer[];
  /** A key longer than this, escapes and all, cannot spell a requested name (`\uXXXX` per UTF-16 unit). */
  private readonly maxEscapedKeyBytes: number;
  /** What every successful scan returns, its values filled again each time. */
  private readonly found: { ok: true; values: Array<FieldValue | undefined> };

  /** @param names the top-level fields to return, in the order of `values` */
  constructor(names: readonly string[]) {
    if (new Set(names).size !== names.length) throw new RangeError(`field names must be distinct: ${names.join(', ')}`);
    for (const name of names) {
      if (!name.isWellFormed()) throw new RangeError(`field name ${JSON.stringify(name)} is not well-formed Unicode`);
    }
    this.names = [...names];
    this.nameBytes = names.map((name) => Buffer.from(name, 'utf8'));
    this.maxEscapedKeyBytes = 6 * Math.max(0, ...names.map((name) => name.length));
    this.found = { ok: true, values: names.map(() => undefined) };
  }

  scan(input: Uint8Array): FieldScan {
    const buf = bufferOf(input);
    return this.scanSpan(buf, 0, buf.length);
  }

  /**
   * `scan` of the value in `buf` from `start` to `end` (exclusive), without a view of it: the same
   * result as `scan(buf.subarray(start, end))`, error offsets counted from `start`.
   */
  scanSpan(buf: Buffer, start: number, end: number): FieldScan {
    const n = end;
    utf8Checked = false;
    spanStart = start;
    const values = this.found.values;
    for (let f = 0; f < values.length; f++) values[f] = undefined;
    let i = skipWhitespace(buf, start, n);
    const first = i < n ? (buf[i] as number) : -1;
    let depth = 0;
    /** The requested field whose value comes next, or -1. */
    let capture = -1;
    /** The first requested field seen twice, or -1. */
    let duplicate = -1;
    let state = VALUE;
    for (;;) {
      if (state === VALUE) {
        // At the first byte of a value (whitespace already skipped).
        const c = i < n ? (buf[i] as number) : -1;
        let end: number;
        if (c === QUOTE) {
          end = skipString(buf, i, n);
          if (end >= 0 && capture >= 0) values[capture] = stringValue(buf, i + 1, end - 1, sawEscape);
        } else if (c === LBRACE || c === LBRACKET) {
          const isObject = c === LBRACE;
          if (capture >= 0) values[capture] = isObject ? NESTED_OBJECT : NESTED_ARRAY;
          capture = -1;
          pushLevel(depth++, isObject);
          i = skipWhitespace(buf, i + 1, n);
          if (i < n && buf[i] === (isObject ? RBRACE : RBRACKET)) {
            depth--;
            i++;
            state = AFTER_VALUE;
          } else {
            state = isObject ? KEY : VALUE;
          }
          continue;
        } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
          end = skipNumber(buf, i, n);
          if (end >= 0 && capture >= 0) values[capture] = numberValue(buf, i, end);
        } else if (c === LOWER_T) {
          end = skipLiteral(buf, i, n, TRUE);
          if (capture >= 0) values[capture] = true;
        } else if (c === LOWER_F) {
          end = skipLiteral(buf, i, n, FALSE);
          if (capture >= 0) values[capture] = false;
        } else if (c === LOWER_N) {
          end = skipLiteral(buf, i, n, NULL);
          if (capture >= 0) values[capture] = null;
        } else {
          end = -1;
          failAt = i;
        }
        if (end < 0) return this.syntaxError(buf, failAt, n);
        capture = -1;
        i = end;
        state = AFTER_VALUE;
      } else if (state === KEY) {
        if (i >= n || buf[i] !== QUOTE) return this.syntaxError(buf, i, n);
        const end = skipString(buf, i, n);
        if (end < 0) return this.syntaxError(buf, failAt, n);
        if (depth === 1) {
          const field = this.fieldOf(buf, i + 1, end - 1, sawEscape);
          if (field >= 0) {
            if (values[field] === undefined) capture = field;
            else if (duplicate < 0) duplicate = field;
          }
        }
        i = skipWhitespace(buf, end, n);
        if (i >= n || buf[i] !== COLON) return this.syntaxError(buf, i, n);
        i = skipWhitespace(buf, i + 1, n);
        state = VALUE;
      } else {
        i = skipWhitespace(buf, i, n);
        if (depth === 0) {
          if (i === n) break;
          return this.syntaxError(buf, i, n);
        }
        const c = i < n ? (buf[i] as number) : -1;
        const inObject = isObjectLevel(depth - 1);
        if (c === COMMA) {
          i = skipWhitespace(buf, i + 1, n);
          state = inObject ? KEY : VALUE;
        } else if (c === (inObject ? RBRACE : RBRACKET)) {
          depth--;
          i++;
        } else {
          return this.syntaxError(buf, i, n);
        }
      }
    }
    if (first !== LBRACE) return { ok: false, problem: 'not-an-object', kind: kindOf(first) };
    if (duplicate >= 0) return { ok: false, problem: 'duplicate', field: this.names[duplicate] as string };
    return this.found;
  }

  /** The index of the requested name a key spells, or -1. */
  private fieldOf(buf: Buffer, start: number, end: number, escaped: boolean): number {
    const length = end - start;
    if (!escaped) {
      for (let f = 0; f < this.nameBytes.length; f++) {
        const name = this.nameBytes[f] as Buffer;
        if (name.length !== length) continue;
        let j = 0;
        while (j < length && buf[start + j] === name[j]) j++;
        if (j === length) return f;
      }
      return -1;
    }
    if (length > this.maxEscapedKeyBytes) return -1;
    return this.names.indexOf(stringValue(buf, start, end, true));
  }

  /**
   * Invalid UTF-8 anywhere is what a value is refused for first, before any syntax error. A scan
   * that gets through without one read only ASCII outside strings and had the value checked at
   * the first non-ASCII byte inside one, so only a syntax error needs the whole value checked here.
   */
  private syntaxError(buf: Buffer, at: number, end: number): FieldScan {
    if (!valueIsUtf8(buf, end)) return NOT_UTF8;
    return { ok: false, problem: 'syntax', message: describeByte(buf, at, end), offset: at - spanStart };
  }
}
