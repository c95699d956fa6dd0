/**
 * fast-check arbitraries of JSON *text*, for comparing the field scanner (and the parser built on
 * it) with `JSON.parse`: objects written by hand so keys can repeat, be escaped (`"user\u0049d"`)
 * or be `__proto__`; strings with escapes of every kind and lone surrogates; number spellings
 * JSON.parse reads in odd ways (`1.0`, `-0`, `1e400`, big integers) or refuses (`01`, `1.`, `+1`);
 * whitespace valid and not; and values broken afterwards (cut, bytes dropped, inserted, replaced).
 */
import fc from 'fast-check';

export const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
export const TS = Date.UTC(2026, 10, 25, 11, 59, 0);
export const CLICK_FIELDS = ['userId', 'eventType', 'timestamp'] as const;

const hex4 = (code: number, upper: boolean) => {
  const h = code.toString(16).padStart(4, '0');
  return upper ? h.toUpperCase() : h;
};

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '/': '\\/',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/**
 * A JSON string literal of `s`, code point by code point (`how[i]` for the i-th): 1 or 2: as
 * `\uXXXX` escapes (lower or upper case hex, a surrogate pair as two); 3: its short escape where it
 * has one; otherwise as JSON.stringify writes it (raw, or escaped where it must be, lone surrogates
 * included).
 */
function literal(s: string, how: number[]): string {
  let out = '"';
  let i = 0;
  for (const ch of s) {
    const mode = how[i++] ?? 0;
    if (mode === 1 || mode === 2) {
      for (let u = 0; u < ch.length; u++) out += `\\u${hex4(ch.charCodeAt(u), mode === 2)}`;
    } else if (mode === 3 && SHORT_ESCAPES[ch]) {
      out += SHORT_ESCAPES[ch];
    } else {
      out += JSON.stringify(ch).slice(1, -1);
    }
  }
  return `${out}"`;
}

/** Mostly plain, sometimes escaped: modes 4..11 of `literal` are plain. */
const escapes = (s: string) =>
  fc.array(fc.nat({ max: 11 }), { minLength: s.length, maxLength: s.length }).map((how) => how.map((m) => (m > 3 ? 0 : m)));

/** Strings: ASCII, any code point, the contract field names, and lone surrogates (escaped). */
const rawString = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom(
    'userId',
    'eventType',
    'timestamp',
    '__proto__',
    'constructor',
    '',
    'u1',
    'click',
    'x'.repeat(64),
    'x'.repeat(65),
    'é'.repeat(128),
    'é'.repeat(129),
  ),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => `a${String.fromCharCode(c)}b`),
  fc.tuple(fc.integer({ min: 0xd800, max: 0xdbff }), fc.integer({ min: 0xdc00, max: 0xdfff })).map(([h, l]) => String.fromCharCode(h, l)),
);

export const stringText: fc.Arbitrary<string> = rawString.chain((s) => escapes(s).map((how) => literal(s, how)));

export const numberText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.integer().map(String) },
  { weight: 4, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)) },
  { weight: 2, arbitrary: fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '0',
      '-0',
      '1.0',
      '1e400',
      '-1e400',
      '1E3',
      '1e-400',
      '0.0e-0',
      '9007199254740993',
      '9007199254740991',
      '123456789012345678901234567890',
      String(TS),
      `${TS}.0`,
      `${TS}.5`,
      `${TS}e0`,
      `${TS / 1000}e3`,
      `${TS}E+0`,
      '-' + String(TS),
    ),
  },
  // Not JSON numbers.
  { weight: 1, arbitrary: fc.constantFrom('01', '-01', '1.', '.5', '1e', '1e+', '+1', '-', '--1', '0x10', 'Infinity', 'NaN', '1_000') },
);

const literalText = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom('true', 'false', 'null') },
  { weight: 1, arbitrary: fc.constantFrom('tru', 'nul', 'False', 'NULL') },
);

/** Whitespace: mostly JSON's four, sometimes what JSON.parse refuses (form feed, NBSP, BOM...). */
export const ws: fc.Arbitrary<string> = fc.oneof(
  { weight: 150, arbitrary: fc.constantFrom('', '', '', ' ', '\n', '\t', '\r\n', '  ') },
  { weight: 1, arbitrary: fc.constantFrom('\f', '\v', '\u00a0', '\ufeff', '\u2028', '\0') },
);

/** A key: a contract field or `__proto__` (maybe escaped), or any string. */
const keyText = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...CLICK_FIELDS, '__proto__').chain((k) => escapes(k).map((how) => literal(k, how))) },
  { weight: 4, arbitrary: stringText },
);

function objectText(entries: Array<[string, string, string, string]>, inner: string): string {
  return `{${entries.map(([k, a, b, v]) => `${a}${k}${b}:${a}${v}${b}`).join(',')}${inner}}`;
}

/** Any JSON-ish value, nested up to a few levels. */
export const valueText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    stringText,
    numberText,
    literalText,
    fc
      .tuple(fc.array(fc.tuple(ws, tie('value'), ws), { maxLength: 4 }), ws)
      .map(([items, w]) => `[${items.map(([a, v, b]) => a + v + b).join(',')}${items.length === 0 ? w : ''}]`),
    fc
      .tuple(fc.array(fc.tuple(keyText, ws, ws, tie('value')), { maxLength: 4 }), ws)
      .map(([entries, w]) => objectText(entries, entries.length === 0 ? w : '')),
  ),
})).value;

/** A contract field's value: usually of the right type, often not. */
function fieldValue(field: (typeof CLICK_FIELDS)[number]): fc.Arbitrary<string> {
  const good =
    field === 'timestamp'
      ? fc.integer({ min: Date.UTC(1999, 11, 31), max: NOW + 2 * 86_400_000 }).map(String)
      : field === 'userId'
        ? fc.constantFrom('"u1"', '"user-42"', '"\\u00e9t\\u00E9"', '"a\\"b"', '"\\ud83d\\ude00"')
        : fc.constantFrom('"click"', '"view"', '"add_to_cart"', '"__proto__"', '"constructor"');
  return fc.oneof(
    { weight: 12, arbitrary: good },
    { weight: 2, arbitrary: valueText },
    { weight: 1, arbitrary: fc.constantFrom('null', '""', '[]', '{}', '0', 'true') },
  );
}

/** How one contract field appears: how many times (0, 1 or 2), the second key's escapes, its values, whitespace. */
function fieldOccurrences(field: (typeof CLICK_FIELDS)[number]) {
  return fc.record({
    times: fc.oneof(
      { weight: 16, arbitrary: fc.constant(1) },
      { weight: 1, arbitrary: fc.constant(0) },
      { weight: 1, arbitrary: fc.constant(2) },
    ),
    how: escapes(field),
    values: fc.tuple(fieldValue(field), fieldValue(field)),
    space: ws,
  });
}

/** Records: the three fields (each maybe missing or twice) among other fields, in any order. */
export const recordText: fc.Arbitrary<string> = fc
  .record({
    others: fc.array(fc.tuple(keyText, ws, ws, valueText), { maxLength: 4 }),
    fields: fc.tuple(fieldOccurrences('userId'), fieldOccurrences('eventType'), fieldOccurrences('timestamp')),
    order: fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
    before: ws,
    after: ws,
  })
  .map(({ others, fields, order, before, after }) => {
    const entries: Array<[string, string, string, string]> = [...others];
    for (const [i, { times, how, values, space }] of fields.entries()) {
      const name = CLICK_FIELDS[i] as string;
      for (let t = 0; t < times; t++) {
        // The second copy is sometimes spelt with escapes: a duplicate after unescaping.
        const key = literal(name, t === 0 ? [] : how);
        entries.splice((order[i * 2 + t] ?? 0) % (entries.length + 1), 0, [key, space, '', values[t] as string]);
      }
    }
    return `${before}${objectText(entries, '')}${after}`;
  });

/** A text broken afterwards: cut short, a byte dropped, inserted or replaced. */
export function mutated(text: fc.Arbitrary<string>): fc.Arbitrary<Buffer> {
  return fc
    .tuple(
      text,
      fc.nat(),
      fc.constantFrom('cut', 'drop', 'insert', 'replace'),
      fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(...Buffer.from('{}[]",:\\ 0-eE.tfn'))),
    )
    .map(([t, at, how, byte]) => {
      const bytes = Buffer.from(t);
      const i = bytes.length === 0 ? 0 : at % bytes.length;
      if (how === 'cut') return bytes.subarray(0, i);
      if (how === 'drop') return Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + 1)]);
      if (how === 'insert') return Buffer.concat([bytes.subarray(0, i), Buffer.from([byte]), bytes.subarray(i)]);
      const copy = Buffer.from(bytes);
      if (copy.length > 0) copy[i] = byte;
      return copy;
    });
}

/** Values built to be expensive or odd: deep, wide, invalid UTF-8, a BOM, overlong encodings. */
export const hostileBytes: fc.Arbitrary<Buffer> = fc.oneof(
  fc.integer({ min: 1, max: 5_000 }).map((d) => Buffer.from('['.repeat(d) + ']'.repeat(d))),
  fc
    .integer({ min: 1, max: 5_000 })
    .map((d) => Buffer.from(`{"userId":"u1","eventType":"click","timestamp":${TS},"x":${'['.repeat(d)}${']'.repeat(d)}}`)),
  fc
    .integer({ min: 1, max: 5_000 })
    .map((d) => Buffer.from(`{"userId":${'{"userId":'.repeat(d)}1${'}'.repeat(d)},"eventType":"click","timestamp":${TS}}`)),
  fc
    .tuple(fc.integer({ min: 1, max: 2_000 }), fc.integer({ min: 0, max: 3 }))
    .map(([d, cut]) => Buffer.from(('['.repeat(d) + ']'.repeat(d)).slice(0, 2 * d - cut))),
  fc
    .tuple(fc.integer({ min: 1, max: 2_000 }), fc.constantFrom('[', '{"a":'), fc.constantFrom('', '0'))
    .map(([d, open, inner]) => Buffer.from(open.repeat(d) + inner + (open === '[' ? '}' : ']').repeat(d))),
  fc
    .integer({ min: 0, max: 20_000 })
    .map((n) => Buffer.from(`{"userId":"u1","eventType":"click","timestamp":${TS},"wide":[${'[],'.repeat(n)}{}]}`)),
  recordText.map((t) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t)])),
  fc
    .tuple(recordText, fc.constantFrom([0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80], [0x80]), fc.nat())
    .map(([t, bad, at]) => {
      const bytes = Buffer.from(t);
      const i = at % (bytes.length + 1);
      return Buffer.concat([bytes.subarray(0, i), Buffer.from(bad), bytes.subarray(i)]);
    }),
  fc
    .constantFrom(
      `{"userId":"\\ud800","eventType":"click","timestamp":${TS}}`,
      `{"userId":"\\udc00\\ud800","eventType":"click","timestamp":${TS}}`,
      `{"userId":"u1","eventType":"click","timestamp":1e400}`,
      `{"userId":"u1","eventType":"click","timestamp":-0}`,
      `{"userId":"u1","eventType":"click","timestamp":${TS}.0}`,
      `{"userId":"u1","eventType":"click","timestamp":0${TS}}`,
      `{"userId":"u1","eventType":"click","timestamp":${TS}0000000000000000000}`,
      `{"userId":"u1","eventType":"click","timestamp":${TS}}  x`,
      `{"userId":"u1","eventType":"click","timestamp":${TS},}`,
      `{"userId":"u1","eventType":"click","timestamp":${TS},"x":[1,]}`,
      `{"userId":"u1","eventType":"click","timestamp":${TS},"x":[1}}`,
      `{"userId":"u1","eventType":"click","timestamp":${TS},"x":{"a":1]}`,
      `{"userId":"u1",,"eventType":"click","timestamp":${TS}}`,
      `{"userId" "u1","eventType":"click","timestamp":${TS}}`,
      `{'userId':"u1","eventType":"click","timestamp":${TS}}`,
      `{"userId":"u1\u0001","eventType":"click","timestamp":${TS}}`,
      `{"userId":"u1\\x41","eventType":"click","timestamp":${TS}}`,
      `{"userId":"u1\\u12G4","eventType":"click","timestamp":${TS}}`,
      `{"__proto__":{"userId":"evil"},"eventType":"click","timestamp":${TS}}`,
      `{"userId":"u1","eventType":"click","timestamp":${TS}}{}`,
    )
    .map((t) => Buffer.from(t)),
);

/** Anything at all: random bytes, and random bytes that start like a record. */
export const randomBytes: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
  fc.uint8Array({ maxLength: 32 }).map((a) => Buffer.concat([Buffer.from('{"userId":"u1","eventType":"'), Buffer.from(a)])),
);
