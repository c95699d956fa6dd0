/**
 * The live-query API's parameters: every bad value is a QUERY_BAD_REQUEST (HTTP 400) naming the
 * parameter, what was given and what is allowed; good values parse to what they say.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ErrorCode, SluiceError } from '../../src/errors.js';
import {
  LIMITS,
  parseBy,
  parseCursor,
  parseInteger,
  parseKey,
  parseLimit,
  parseRange,
  parseTime,
  parseTopN,
  parseWindowStart,
} from '../../src/query/params.js';
import { encodeCursor } from '../../src/query/cursor.js';

function rejects(fn: () => unknown, param: string, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof SluiceError, String(err));
    assert.equal(err.code, ErrorCode.QUERY_BAD_REQUEST);
    assert.equal(err.details.param, param);
    assert.ok(err.message.startsWith(`${param}: `), err.message);
    assert.match(err.message, pattern);
    return true;
  });
}

const clicks = { rankFields: ['count'], rankMaps: ['byEventType'], defaultRankBy: 'count' };

describe('live-query parameters', () => {
  test('integers: default when absent, bounds inclusive, anything else named', () => {
    assert.equal(parseInteger('limit', undefined, 7, 1, 10), 7);
    assert.equal(parseInteger('limit', '', 7, 1, 10), 7);
    assert.equal(parseInteger('limit', '1', 7, 1, 10), 1);
    assert.equal(parseInteger('limit', '10', 7, 1, 10), 10);
    for (const bad of ['0', '11', '-1', '1.5', '1e3', 'abc', '0x10', ' ', '99999999999999999999'])
      rejects(() => parseInteger('limit', bad, 7, 1, 10), 'limit', /not an integer from 1 to 10/);
  });

  test('limit and n: defaults and maxima', () => {
    assert.equal(parseLimit(undefined), LIMITS.defaultPage);
    assert.equal(parseLimit(String(LIMITS.maxPage)), LIMITS.maxPage);
    rejects(() => parseLimit(String(LIMITS.maxPage + 1)), 'limit', /1 to 1000/);
    assert.equal(parseTopN(undefined), LIMITS.defaultTop);
    rejects(() => parseTopN('0'), 'n', /1 to 1000/);
  });

  test('times: epoch ms or ISO 8601', () => {
    assert.equal(parseTime('from', '1764064800000', 0), 1764064800000);
    assert.equal(parseTime('from', '2025-11-25T10:00:00Z', 0), Date.UTC(2025, 10, 25, 10));
    assert.equal(parseTime('from', '2025-11-25T10:00:00.250+01:00', 0), Date.UTC(2025, 10, 25, 9, 0, 0, 250));
    assert.equal(parseTime('from', undefined, 42), 42);
    for (const bad of ['yesterday', '2025-13-45T99:00:00Z', '1.5', '2025/11/25', '99999999999999999'])
      rejects(() => parseTime('from', bad, 0), 'from', /epoch milliseconds .* or an ISO 8601/);
  });

  test('a range needs from before to; defaults cover everything', () => {
    assert.deepEqual(parseRange(undefined, undefined), { from: 0, to: Number.MAX_SAFE_INTEGER });
    assert.deepEqual(parseRange('10', '20'), { from: 10, to: 20 });
    rejects(() => parseRange('20', '20'), 'to', /after from \(from=20, to=20\)/);
    rejects(() => parseRange('30', '20'), 'to', /after from/);
  });

  test('a window start is a multiple of the alignment (size, slide, 1 ms for sessions), and the message says which start was meant', () => {
    assert.equal(parseWindowStart('1764064800000', 60_000), 1764064800000);
    assert.equal(parseWindowStart('-60000', 60_000), -60000);
    rejects(
      () => parseWindowStart('1764064812345', 60_000),
      'start',
      /not a window start: windows start at multiples of 60000 ms .* is 1764064800000/,
    );
    rejects(() => parseWindowStart('-1', 60_000), 'start', /is -60000/);
    // Sliding windows of 60 s every 10 s start at multiples of the slide; sessions anywhere.
    assert.equal(parseWindowStart('1764064810000', 10_000), 1764064810000);
    rejects(() => parseWindowStart('1764064812345', 10_000), 'start', /is 1764064810000/);
    assert.equal(parseWindowStart('1764064812345', 1), 1764064812345);
    rejects(() => parseWindowStart('now', 60_000), 'start', /not an integer/);
  });

  test('keys: required, bounded', () => {
    assert.equal(parseKey('user-1'), 'user-1');
    assert.equal(parseKey('a/b ü'), 'a/b ü');
    rejects(() => parseKey(''), 'key', /required/);
    rejects(() => parseKey('k'.repeat(LIMITS.maxKeyChars + 1)), 'key', /longer than 1024/);
  });

  test('by: a numeric field of the result or <map>.<name>, default from the job', () => {
    assert.equal(parseBy(undefined, clicks), 'count');
    assert.equal(parseBy('count', clicks), 'count');
    assert.equal(parseBy('byEventType.purchase', clicks), 'byEventType.purchase');
    rejects(() => parseBy('userId', clicks), 'by', /not something to rank by; one of count, byEventType\.<name>/);
    rejects(() => parseBy('byEventType.', clicks), 'by', /one of/);
    rejects(() => parseBy('other.x', clicks), 'by', /one of/);
    rejects(() => parseBy(undefined, { rankFields: [], rankMaps: [], defaultRankBy: undefined }), 'by', /required/);
  });

  test('cursors: only ours, only for their window', () => {
    const start = 1764064800000;
    assert.equal(parseCursor(undefined, start), undefined);
    assert.equal(parseCursor(encodeCursor(start, 'user-9'), start), 'user-9');
    assert.equal(parseCursor(encodeCursor(start, 'ü/"{}'), start), 'ü/"{}');
    rejects(() => parseCursor(encodeCursor(start - 60_000, 'user-9'), start), 'cursor', /belongs to window 1764064740000/);
    for (const bad of [
      'zzz',
      'not a cursor!',
      Buffer.from('{"v":2,"w":1,"k":"x"}').toString('base64url'),
      Buffer.from('[1,2]').toString('base64url'),
      Buffer.from('{"__proto__":{"v":1}}').toString('base64url'),
    ]) {
      rejects(() => parseCursor(bad, start), 'cursor', /not a cursor this API made/);
    }
  });
});
