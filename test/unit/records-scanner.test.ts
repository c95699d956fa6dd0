/**
 * `parseClick` on the single-pass field scanner against the parser it replaced (`JSON.parse` of the
 * whole value + the duplicate-key scan, kept as test/helpers/json-parse-click.ts): the same verdict
 * and code for every input, the same event when valid, and the same message wherever the message is
 * not about JSON syntax (the scanner words those itself) or a wrong type (reworded on purpose).
 */
import assert from 'node:assert/strict';
import { describe, mock, test } from 'node:test';
import fc from 'fast-check';
import { RecordErrorCode } from '../../src/errors.js';
import { MAX_VALUE_BYTES, parseClick } from '../../src/streams/operators/records.js';
import { parseClickWithJsonParse } from '../helpers/json-parse-click.js';
import { hostileBytes, mutated, NOW, randomBytes, recordText, TS, valueText } from '../helpers/json-text.js';

function same(value: Buffer): void {
  const now = parseClick(value, NOW);
  const before = parseClickWithJsonParse(value, NOW);
  const shown = value.toString('utf8').slice(0, 300);
  if (before.ok) {
    assert.deepStrictEqual(now, before, shown);
    return;
  }
  assert.equal(now.ok, false, `${shown}: was ${before.code}, now valid`);
  if (now.ok) return;
  assert.equal(now.code, before.code, `${shown}: ${before.message} / ${now.message}`);
  assert.ok(now.message.length > 0);
  if (now.code === RecordErrorCode.MALFORMED_JSON) {
    // Only the wording of a syntax error is the scanner's own.
    if (before.message.startsWith('not valid JSON')) assert.match(now.message, /^not valid JSON: unexpected /);
    else assert.equal(now.message, before.message);
  } else if (now.code === RecordErrorCode.TOO_LARGE) {
    assert.equal(now.message, `${before.message} bytes (SLUICE_MAX_RECORD_BYTES)`);
  } else if (!/ must be /.test(before.message)) {
    assert.equal(now.message, before.message, shown);
  }
}

const RUNS = 3_000;

describe('parseClick (field scanner) gives what the JSON.parse parser gave', () => {
  test('on random JSON values', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.json({ stringUnit: 'binary' }), valueText), (t) => same(Buffer.from(t))),
      { numRuns: RUNS },
    );
  });

  test('on records: the three fields (missing, twice, escaped, odd types and numbers) among other fields, any whitespace', () => {
    fc.assert(
      fc.property(recordText, (t) => same(Buffer.from(t))),
      { numRuns: 2 * RUNS },
    );
  });

  test('on valid records cut short or with a byte dropped, inserted or replaced', () => {
    fc.assert(fc.property(mutated(recordText), same), { numRuns: RUNS });
  });

  test('on hostile values (deep, wide, lone surrogates, invalid UTF-8, BOM, 1e400, -0, 1.0, 01, big integers) and random bytes', () => {
    fc.assert(fc.property(hostileBytes, same), { numRuns: 500 });
    fc.assert(fc.property(randomBytes, same), { numRuns: RUNS });
  });

  test('on values at the size limit, of the hostile shapes', () => {
    const head = `{"userId":"u1","eventType":"click","timestamp":${TS},"x":`;
    const fits = (open: string, close: string, middle = '', prefix = '', suffix = '') => {
      const n = Math.floor((MAX_VALUE_BYTES - prefix.length - middle.length - suffix.length) / (open.length + close.length));
      return Buffer.from(prefix + open.repeat(n) + middle + close.repeat(n) + suffix);
    };
    for (const value of [
      fits('[', ']'),
      fits('[', ']', '', head, '}'),
      fits('{"a":', '}', '0'),
      fits('[', ''),
      Buffer.from(`${head}"${'x'.repeat(MAX_VALUE_BYTES - head.length - 3)}"}`),
      Buffer.from(`${head}"${'x'.repeat(MAX_VALUE_BYTES - head.length - 2)}"}`),
    ]) {
      same(value);
    }
  });
});

test('parseClick builds nothing it does not return: no JSON.parse of the value, valid or hostile', () => {
  const parse = mock.method(JSON, 'parse');
  try {
    const valid = parseClick(Buffer.from(`{"userId":"u1","eventType":"click","timestamp":${TS},"meta":{"a":[1,2,{"b":"\\u00e9"}]}}`), NOW);
    assert.deepEqual(valid, { ok: true, event: { userId: 'u1', eventType: 'click', timestamp: TS } });
    const deep = Buffer.from(`${'['.repeat(400_000)}${']'.repeat(400_000)}`);
    assert.equal(parseClick(deep, NOW).ok, false);
    assert.equal(parseClick(Buffer.from(`{"userId":"a","user\\u0049d":"b","eventType":"click","timestamp":${TS}}`), NOW).ok, false);
    assert.equal(parse.mock.callCount(), 0);
  } finally {
    parse.mock.restore();
  }
});
