/**
 * The single-pass field scanner (src/streams/json-fields.ts) against its reference, `JSON.parse`
 * of the UTF-8 text: the same values accepted, the same fields with the same values (numbers
 * compared with Object.is, so -0 counts), the same duplicates (after unescaping), on random JSON,
 * hand-written objects with escapes and repeated keys, broken values, hostile values and random
 * bytes. Then what JSON.parse cannot show: nothing is built for skipped values, no depth overflows
 * the stack, and `__proto__` is a name like any other.
 */
import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { describe, mock, test } from 'node:test';
import fc from 'fast-check';
import { JsonFieldScanner, NESTED_ARRAY, NESTED_OBJECT, type FieldScan, type FieldValue } from '../../src/streams/operators/json-fields.js';
import { topLevelKeys } from '../helpers/json-parse-click.js';
import { hostileBytes, mutated, randomBytes, recordText, valueText } from '../helpers/json-text.js';

const NAMES = ['userId', 'eventType', 'timestamp', '__proto__', ''];
const scanner = new JsonFieldScanner(NAMES);
const bytes = (s: string) => Buffer.from(s, 'utf8');

type Expected =
  | { ok: true; values: Array<FieldValue | undefined> }
  | { ok: false; problem: 'not-utf8' | 'syntax' }
  | { ok: false; problem: 'not-an-object'; kind: string }
  | { ok: false; problem: 'duplicate'; field: string };

/** What the scanner must say, worked out with JSON.parse. */
function reference(value: Buffer, names: readonly string[]): Expected {
  if (!isUtf8(value)) return { ok: false, problem: 'not-utf8' };
  const text = value.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'syntax' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    const kind = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`;
    return { ok: false, problem: 'not-an-object', kind };
  }
  const seen = new Set<string>();
  for (const key of topLevelKeys(text)) {
    if (!names.includes(key)) continue;
    if (seen.has(key)) return { ok: false, problem: 'duplicate', field: key };
    seen.add(key);
  }
  const obj = parsed as Record<string, unknown>;
  const values = names.map((name): FieldValue | undefined => {
    if (!Object.hasOwn(obj, name)) return undefined;
    const v = obj[name];
    if (Array.isArray(v)) return NESTED_ARRAY;
    if (typeof v === 'object' && v !== null) return NESTED_OBJECT;
    return v as FieldValue;
  });
  return { ok: true, values };
}

/** The scan result without what the reference cannot know (message, offset). */
function comparable(scan: FieldScan): Expected {
  if (scan.ok) return scan;
  if (scan.problem === 'syntax') return { ok: false, problem: 'syntax' };
  return scan;
}

/** Bytes around a value in a larger buffer that would change the scan if it read past its span. */
const BEFORE = Buffer.from([0xff, 0x22, 0x7b, 0x20]);
const AFTER = Buffer.from([0x22, 0xc3, 0x5c, 0x7d, 0x5d, 0x20]);

function agrees(value: Buffer): void {
  // A copy: the scanner fills the same result again at its next scan.
  const found = scanner.scan(value);
  const scan = found.ok ? { ...found, values: [...found.values] } : found;
  assert.deepStrictEqual(comparable(scan), reference(value, NAMES), value.toString('utf8').slice(0, 300));
  if (!scan.ok && scan.problem === 'syntax') {
    assert.ok(scan.offset >= 0 && scan.offset <= value.length);
    assert.match(scan.message, /^unexpected .+/);
  }
  // The same value as a span of a larger buffer: the same result, offsets and messages included.
  const whole = Buffer.concat([BEFORE, value, AFTER]);
  assert.deepStrictEqual(scanner.scanSpan(whole, BEFORE.length, BEFORE.length + value.length), scan);
}

const RUNS = 3_000;

describe('JsonFieldScanner agrees with JSON.parse', () => {
  test('on random JSON texts (fc.json, any code point)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.json({ stringUnit: 'binary' })), (t) => agrees(bytes(t))),
      { numRuns: RUNS },
    );
  });

  test('on objects holding the fields among others, with escapes, duplicates, __proto__, odd numbers and whitespace', () => {
    fc.assert(
      fc.property(recordText, (t) => agrees(bytes(t))),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(valueText, (t) => agrees(bytes(t))),
      { numRuns: RUNS },
    );
  });

  test('on broken values: cut short, a byte dropped, inserted or replaced', () => {
    fc.assert(fc.property(mutated(recordText), agrees), { numRuns: RUNS });
    fc.assert(fc.property(mutated(fc.json()), agrees), { numRuns: RUNS });
  });

  test('on hostile values and random bytes', () => {
    fc.assert(fc.property(hostileBytes, agrees), { numRuns: 500 });
    fc.assert(fc.property(randomBytes, agrees), { numRuns: RUNS });
  });

  test('on non-ASCII bytes inside strings and keys: valid UTF-8 or not, at every boundary of the encoding', () => {
    // The scanner checks UTF-8 inside strings itself (isUtf8 only once a value fails): lead bytes of
    // every length, the bytes at the edges of each range, and random ones, in a value and in a key.
    const edges = [
      0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5,
      0xff,
    ];
    const byte = fc.oneof(fc.constantFrom(...edges), fc.integer({ min: 0x80, max: 0xff }), fc.constantFrom(0x61, 0x22, 0x5c));
    const chars = fc.oneof(
      fc.array(byte, { maxLength: 8 }),
      fc.string({ unit: 'binary', maxLength: 4 }).map((t) => [...bytes(t)]),
    );
    const fragment = fc.array(chars, { maxLength: 4 }).map((runs) => runs.flat());
    fc.assert(
      fc.property(fragment, fragment, fc.boolean(), (inValue, inKey, requested) => {
        const value = Buffer.concat([
          bytes(`{"${requested ? 'userId' : 'x'}":"`),
          Buffer.from(inValue),
          bytes('","k'),
          Buffer.from(inKey),
          bytes('":1,"eventType":"e"}'),
        ]);
        agrees(value);
      }),
      { numRuns: RUNS },
    );
    // Each shortest form at its limits, and the first of each refused form.
    for (const codePoint of [0x80, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xffff, 0x10000, 0x10ffff]) {
      const text = String.fromCodePoint(codePoint);
      assert.deepStrictEqual(scanner.scan(bytes(`{"userId":"${text}"}`)), {
        ok: true,
        values: [text, undefined, undefined, undefined, undefined],
      });
    }
    for (const bad of [
      [0xc0, 0x80],
      [0xc1, 0xbf],
      [0xe0, 0x9f, 0xbf],
      [0xed, 0xa0, 0x80],
      [0xf0, 0x8f, 0xbf, 0xbf],
      [0xf4, 0x90, 0x80, 0x80],
      [0xf5, 0x80, 0x80, 0x80],
      [0xe1, 0x80],
      [0x80],
    ]) {
      const value = Buffer.concat([bytes('{"userId":"'), Buffer.from(bad), bytes('"}')]);
      assert.deepStrictEqual(scanner.scan(value), { ok: false, problem: 'not-utf8' }, Buffer.from(bad).toString('hex'));
    }
  });

  test('examples', () => {
    for (const t of [
      '',
      ' ',
      '{}',
      ' {} ',
      '{"userId":"a"}',
      '{"userId":"a",}',
      '[1,]',
      '[,1]',
      '{"a":1 "b":2}',
      '{"a" 1}',
      '{"a":}',
      '{"userId":-0,"eventType":1.0,"timestamp":1e400}',
      '{"timestamp":-1e400}',
      '{"timestamp":01}',
      '{"timestamp":1.}',
      '{"timestamp":123456789012345678901234567890}',
      '{"timestamp":9007199254740993}',
      '{"timestamp":0.1e1}',
      '{"userId":"\\ud800"}',
      '{"userId":"\\ud83d\\ude00"}',
      '{"userId":"\\uD83D\\uDE00x"}',
      '{"userId":"\\/\\b\\f\\n\\r\\t\\"\\\\"}',
      '{"user\\u0049d":"a","userId":"b"}',
      '{"userId":{"userId":1},"eventType":[{"eventType":2}]}',
      '[1}',
      '{"a":1]',
      '[[1]}',
      '{"a":[1}}',
      '[{"a":1]]',
      '\ufeff{}',
      '{}\u00a0',
      '{"a":"\u0000"}',
      '{"a":"\u007f"}',
      'nul',
      'nulll',
      '"\\u00"',
      '"\\u00zz"',
      '"\\x"',
    ]) {
      agrees(bytes(t));
    }
  });
});

describe('JsonFieldScanner', () => {
  test('decodes what it returns as JSON.parse would, and returns fields by position', () => {
    const scan = scanner.scan(bytes('{"timestamp":1.0,"userId":"\\u00e9\\ud83d\\ude00\\n","eventType":null,"__proto__":{"x":1},"":[]}'));
    assert.deepStrictEqual(scan, { ok: true, values: ['é😀\n', null, 1, NESTED_OBJECT, NESTED_ARRAY] });
    const negativeZero = scanner.scan(bytes('{"timestamp":-0}'));
    assert.ok(negativeZero.ok && Object.is(negativeZero.values[2], -0));
  });

  test('a requested field twice is a duplicate, also when spelt with escapes; a nested or unrequested one is not', () => {
    assert.deepStrictEqual(scanner.scan(bytes('{"userId":"a","x":1,"user\\u0049d":"b"}')), {
      ok: false,
      problem: 'duplicate',
      field: 'userId',
    });
    assert.deepStrictEqual(scanner.scan(bytes('{"__proto__":1,"__proto__":2}')), { ok: false, problem: 'duplicate', field: '__proto__' });
    assert.equal(scanner.scan(bytes('{"userId":"a","x":{"userId":"b"},"y":1,"y":2}')).ok, true);
    // Invalid JSON wins over a duplicate, and the duplicate must be at the top level of an object.
    assert.equal((scanner.scan(bytes('{"userId":"a","userId":"b"')) as { problem: string }).problem, 'syntax');
  });

  test('says what a top level that is not an object is, after validating all of it', () => {
    assert.deepStrictEqual(scanner.scan(bytes(' [1, {"a": 2}] ')), { ok: false, problem: 'not-an-object', kind: 'an array' });
    assert.deepStrictEqual(scanner.scan(bytes('"x"')), { ok: false, problem: 'not-an-object', kind: 'a string' });
    assert.deepStrictEqual(scanner.scan(bytes('-1.5')), { ok: false, problem: 'not-an-object', kind: 'a number' });
    assert.deepStrictEqual(scanner.scan(bytes('false')), { ok: false, problem: 'not-an-object', kind: 'a boolean' });
    assert.deepStrictEqual(scanner.scan(bytes('null')), { ok: false, problem: 'not-an-object', kind: 'null' });
    assert.equal((scanner.scan(bytes('[1,}')) as { problem: string }).problem, 'syntax');
  });

  test('syntax errors say where', () => {
    assert.deepStrictEqual(scanner.scan(bytes('{"a":1,}')), {
      ok: false,
      problem: 'syntax',
      message: "unexpected '}' at byte 7",
      offset: 7,
    });
    assert.deepStrictEqual(scanner.scan(bytes('{"a":')), { ok: false, problem: 'syntax', message: 'unexpected end of input', offset: 5 });
    assert.deepStrictEqual(scanner.scan(bytes('{"a":"\n"}')), {
      ok: false,
      problem: 'syntax',
      message: 'unexpected byte 0x0a at byte 6',
      offset: 6,
    });
  });

  test('a value nested a million deep is scanned without recursion (no stack overflow), in one pass', () => {
    const depth = 1_000_000;
    const deep = bytes(
      `{"userId":"u","x":${'['.repeat(depth)}${']'.repeat(depth)},"timestamp":${'{"a":'.repeat(depth)}0${'}'.repeat(depth)}}`,
    );
    assert.deepStrictEqual(scanner.scan(deep), { ok: true, values: ['u', undefined, NESTED_OBJECT, undefined, undefined] });
    assert.equal((scanner.scan(bytes('['.repeat(depth) + ']'.repeat(depth - 1))) as { problem: string }).problem, 'syntax');
    assert.equal((scanner.scan(bytes('['.repeat(depth) + '}'.repeat(depth))) as { problem: string }).problem, 'syntax');
  });

  test('builds nothing for what it skips: no JSON.parse, no string decoding of unrequested values', () => {
    const parse = mock.method(JSON, 'parse');
    const toString = mock.method(Buffer.prototype, 'toString');
    // An ASCII string is decoded by Buffer's latin1 decoder directly (json-fields.ts `latin1Slice`).
    const latin1 = mock.method(Buffer.prototype as unknown as { latin1Slice(start: number, end: number): string }, 'latin1Slice');
    try {
      const value = bytes(`{"page":"/p/\\u00e9","n":1.5e3,"nested":{"userId":"x","deep":[[["y"]]]},"eventType":"click","ok":true}`);
      const scan = scanner.scan(value);
      assert.deepStrictEqual(scan, { ok: true, values: [undefined, 'click', undefined, undefined, undefined] });
      assert.equal(parse.mock.callCount(), 0, 'JSON.parse');
      // One decode: the requested "click"; none for the page, the number or anything nested.
      assert.equal(toString.mock.callCount() + latin1.mock.callCount(), 1, 'string decodes');
    } finally {
      parse.mock.restore();
      toString.mock.restore();
      latin1.mock.restore();
    }
  });

  test('__proto__ and constructor are names like any other: nothing is polluted', () => {
    const proto = new JsonFieldScanner(['__proto__', 'constructor', 'polluted']);
    const scan = proto.scan(bytes('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":1}}}'));
    assert.deepStrictEqual(scan, { ok: true, values: [NESTED_OBJECT, NESTED_OBJECT, undefined] });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf((scan as { values: unknown[] }).values), Array.prototype);
  });

  test('reads a Uint8Array that is not a Buffer, at an offset', () => {
    const backing = new Uint8Array(64);
    const text = bytes('{"userId":"u1"}');
    backing.set(text, 7);
    assert.deepStrictEqual(scanner.scan(backing.subarray(7, 7 + text.length)), {
      ok: true,
      values: ['u1', undefined, undefined, undefined, undefined],
    });
  });

  test('refuses names it could not match exactly', () => {
    assert.throws(() => new JsonFieldScanner(['a', 'a']), RangeError);
    assert.throws(() => new JsonFieldScanner(['\ud800']), RangeError);
  });
});
