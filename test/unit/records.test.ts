import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RecordErrorCode } from '../../src/errors.js';
import { clickstreamJob, clickstreamJobWith } from '../../src/job/clickstream.js';
import { clickParser, MAX_RECORD_BYTES_LIMIT, MAX_VALUE_BYTES, MIN_TIMESTAMP_MS, parseClick } from '../../src/streams/operators/records.js';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const TS = Date.UTC(2026, 10, 25, 11, 59, 0);
const bytes = (s: string) => Buffer.from(s, 'utf8');
const json = (o: unknown) => bytes(JSON.stringify(o));

function rejected(value: Buffer | null, code: RecordErrorCode) {
  const r = parseClick(value, NOW);
  assert.equal(r.ok, false, `expected ${code}, got a valid event`);
  if (!r.ok) {
    assert.equal(r.code, code, r.message);
    assert.ok(r.message.length > 0);
  }
}

describe('parseClick', () => {
  test('accepts a valid record and ignores other fields', () => {
    const r = parseClick(json({ userId: 'u1', eventType: 'click', timestamp: TS, page: '/x', extra: { nested: [1, 2] } }), NOW);
    assert.deepEqual(r, { ok: true, event: { userId: 'u1', eventType: 'click', timestamp: TS } });
  });

  test('MALFORMED_JSON: broken JSON, empty and null values, invalid UTF-8', () => {
    rejected(bytes('{"userId":"u1",'), RecordErrorCode.MALFORMED_JSON);
    rejected(bytes(''), RecordErrorCode.MALFORMED_JSON);
    rejected(null, RecordErrorCode.MALFORMED_JSON);
    rejected(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), RecordErrorCode.MALFORMED_JSON);
  });

  test('NOT_AN_OBJECT: arrays, strings, numbers, null', () => {
    for (const text of ['[1,2]', '"u1"', '42', 'null', 'true']) rejected(bytes(text), RecordErrorCode.NOT_AN_OBJECT);
  });

  test('TOO_LARGE: a value over 1 MiB is refused before parsing', () => {
    const big = json({ userId: 'u1', eventType: 'click', timestamp: TS, pad: 'x'.repeat(MAX_VALUE_BYTES) });
    rejected(big, RecordErrorCode.TOO_LARGE);
    const justUnder = json({ userId: 'u1', eventType: 'click', timestamp: TS, pad: 'x'.repeat(MAX_VALUE_BYTES - 100) });
    assert.ok(justUnder.length <= MAX_VALUE_BYTES);
    assert.equal(parseClick(justUnder, NOW).ok, true);
  });

  test('TOO_LARGE: the limit is configurable (SLUICE_MAX_RECORD_BYTES), up to 16 MiB, and the message names it', () => {
    const record = (padBytes: number) => json({ userId: 'u1', eventType: 'click', timestamp: TS, pad: 'x'.repeat(padBytes) });
    const twoMiB = record(2 * MAX_VALUE_BYTES);
    const refused = parseClick(twoMiB, NOW);
    assert.deepEqual(refused, {
      ok: false,
      code: RecordErrorCode.TOO_LARGE,
      message: `value is ${twoMiB.length} bytes; the limit is ${MAX_VALUE_BYTES} bytes (SLUICE_MAX_RECORD_BYTES)`,
    });
    assert.equal(parseClick(twoMiB, NOW, { maxRecordBytes: 4 * MAX_VALUE_BYTES }).ok, true);
    const small = record(600);
    const r = parseClick(small, NOW, { maxRecordBytes: 512 });
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.message, /the limit is 512 bytes \(SLUICE_MAX_RECORD_BYTES\)/);
    // The job the daemon builds from the configuration, in JobDefinition.parse's shape.
    const job = clickstreamJobWith({ maxRecordBytes: MAX_RECORD_BYTES_LIMIT });
    assert.equal(job.parse(record(MAX_RECORD_BYTES_LIMIT - 100), NOW).ok, true);
    assert.equal(job.parse(record(MAX_RECORD_BYTES_LIMIT), NOW).ok, false);
    assert.equal(clickstreamJob.parse(twoMiB, NOW).ok, false, "the default job keeps the contract's 1 MiB");
    assert.equal(job.name, clickstreamJob.name);
    assert.throws(() => clickParser({ maxRecordBytes: MAX_RECORD_BYTES_LIMIT + 1 }), RangeError);
    assert.throws(() => clickParser({ maxRecordBytes: 0 }), RangeError);
  });

  test('MISSING_USER_ID: missing, null, empty', () => {
    rejected(json({ eventType: 'click', timestamp: TS }), RecordErrorCode.MISSING_USER_ID);
    rejected(json({ userId: null, eventType: 'click', timestamp: TS }), RecordErrorCode.MISSING_USER_ID);
    rejected(json({ userId: '', eventType: 'click', timestamp: TS }), RecordErrorCode.MISSING_USER_ID);
  });

  test('BAD_USER_ID: not a string, over 256 bytes (counted in UTF-8), lone surrogate', () => {
    rejected(json({ userId: 42, eventType: 'click', timestamp: TS }), RecordErrorCode.BAD_USER_ID);
    rejected(json({ userId: { id: 1 }, eventType: 'click', timestamp: TS }), RecordErrorCode.BAD_USER_ID);
    rejected(json({ userId: 'é'.repeat(129), eventType: 'click', timestamp: TS }), RecordErrorCode.BAD_USER_ID);
    assert.equal(parseClick(json({ userId: 'é'.repeat(128), eventType: 'click', timestamp: TS }), NOW).ok, true);
    rejected(bytes(`{"userId":"\\ud800","eventType":"click","timestamp":${TS}}`), RecordErrorCode.BAD_USER_ID);
  });

  test('MISSING_EVENT_TYPE and BAD_EVENT_TYPE', () => {
    rejected(json({ userId: 'u1', timestamp: TS }), RecordErrorCode.MISSING_EVENT_TYPE);
    rejected(json({ userId: 'u1', eventType: '', timestamp: TS }), RecordErrorCode.MISSING_EVENT_TYPE);
    rejected(json({ userId: 'u1', eventType: 7, timestamp: TS }), RecordErrorCode.BAD_EVENT_TYPE);
    rejected(json({ userId: 'u1', eventType: 'x'.repeat(65), timestamp: TS }), RecordErrorCode.BAD_EVENT_TYPE);
    assert.equal(parseClick(json({ userId: 'u1', eventType: 'x'.repeat(64), timestamp: TS }), NOW).ok, true);
  });

  test('BAD_TIMESTAMP: missing, string, fraction, before 2000, after now + 1 day', () => {
    rejected(json({ userId: 'u1', eventType: 'click' }), RecordErrorCode.BAD_TIMESTAMP);
    rejected(json({ userId: 'u1', eventType: 'click', timestamp: String(TS) }), RecordErrorCode.BAD_TIMESTAMP);
    rejected(json({ userId: 'u1', eventType: 'click', timestamp: TS + 0.5 }), RecordErrorCode.BAD_TIMESTAMP);
    rejected(json({ userId: 'u1', eventType: 'click', timestamp: MIN_TIMESTAMP_MS - 1 }), RecordErrorCode.BAD_TIMESTAMP);
    rejected(json({ userId: 'u1', eventType: 'click', timestamp: NOW + 86_400_000 + 1 }), RecordErrorCode.BAD_TIMESTAMP);
    rejected(bytes(`{"userId":"u1","eventType":"click","timestamp":1e400}`), RecordErrorCode.BAD_TIMESTAMP);
    assert.equal(parseClick(json({ userId: 'u1', eventType: 'click', timestamp: MIN_TIMESTAMP_MS }), NOW).ok, true);
    assert.equal(parseClick(json({ userId: 'u1', eventType: 'click', timestamp: NOW + 86_400_000 }), NOW).ok, true);
  });

  test('a wrong type is named as it is: a numeric userId or eventType is "a number", timestamps say what is wrong', () => {
    const message = (text: string) => {
      const r = parseClick(bytes(text), NOW);
      assert.equal(r.ok, false, text);
      return r.ok ? '' : r.message;
    };
    assert.equal(message(`{"userId":42,"eventType":"click","timestamp":${TS}}`), 'userId must be a string, got a number');
    assert.equal(message(`{"userId":4.5,"eventType":"click","timestamp":${TS}}`), 'userId must be a string, got a number');
    assert.equal(message(`{"userId":{"id":1},"eventType":"click","timestamp":${TS}}`), 'userId must be a string, got an object');
    assert.equal(message(`{"userId":[],"eventType":"click","timestamp":${TS}}`), 'userId must be a string, got an array');
    assert.equal(message(`{"userId":true,"eventType":"click","timestamp":${TS}}`), 'userId must be a string, got a boolean');
    assert.equal(message(`{"userId":"u1","eventType":7,"timestamp":${TS}}`), 'eventType must be a string, got a number');
    assert.equal(message(`{"userId":"u1","eventType":{},"timestamp":${TS}}`), 'eventType must be a string, got an object');
    const ts = (raw: string) => message(`{"userId":"u1","eventType":"click","timestamp":${raw}}`);
    assert.equal(ts(`"${TS}"`), 'timestamp must be an integer of epoch milliseconds, got a string');
    assert.equal(ts(`${TS}.5`), `timestamp must be an integer of epoch milliseconds, got a non-integer number (${TS}.5)`);
    assert.equal(
      ts('1e20'),
      'timestamp must be an integer of epoch milliseconds, got an integer out of the safe integer range (100000000000000000000)',
    );
    assert.match(ts('1e400'), /^timestamp must be an integer of epoch milliseconds, got a number too large for a double/);
    assert.equal(ts('[1]'), 'timestamp must be an integer of epoch milliseconds, got an array');
    assert.equal(ts('1.0'), `timestamp 1 is outside [${MIN_TIMESTAMP_MS} (2000-01-01), ${NOW + 86_400_000} (now + 1 day)]`);
  });

  test('DUPLICATE_KEY: a required field twice, also when spelt with escapes', () => {
    rejected(bytes(`{"userId":"a","eventType":"click","timestamp":${TS},"userId":"b"}`), RecordErrorCode.DUPLICATE_KEY);
    rejected(bytes(`{"userId":"a","eventType":"click","timestamp":${TS},"user\\u0049d":"b"}`), RecordErrorCode.DUPLICATE_KEY);
    // The same name nested, or inside a string value, is no duplicate.
    const ok = parseClick(bytes(`{"meta":{"userId":"x"},"note":"\\"userId\\":","userId":"a","eventType":"click","timestamp":${TS}}`), NOW);
    assert.deepEqual(ok, { ok: true, event: { userId: 'a', eventType: 'click', timestamp: TS } });
  });

  test('__proto__ keys neither supply fields nor pollute prototypes', () => {
    const r = parseClick(bytes(`{"__proto__":{"userId":"evil","polluted":true},"eventType":"click","timestamp":${TS}}`), NOW);
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.code, RecordErrorCode.MISSING_USER_ID);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    const ok = parseClick(bytes(`{"userId":"u1","eventType":"__proto__","timestamp":${TS},"constructor":{"prototype":{"x":1}}}`), NOW);
    assert.deepEqual(ok, { ok: true, event: { userId: 'u1', eventType: '__proto__', timestamp: TS } });
    assert.equal(({} as Record<string, unknown>).x, undefined);
  });
});
