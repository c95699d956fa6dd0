/**
 * Parse and validate one click record (a Kafka value) per the contract's input rules.
 *
 * Never throws on bad input: every rejection is a value with a stable code, so the caller can send
 * the original bytes to the dead-letter topic with the reason. The value is read in one pass by the
 * field scanner (json-fields.ts): the whole value is validated as JSON, only the three contract
 * fields are decoded, and no key from the input is ever used to assign anything, so `__proto__`
 * keys and other tricks cannot reach our objects.
 */
import { RecordErrorCode } from '../../errors.js';
import { bufferOf, JsonFieldScanner, NESTED_ARRAY, NESTED_OBJECT, type FieldValue } from './json-fields.js';

/** The contract's limit on a value, and the default of SLUICE_MAX_RECORD_BYTES. */
export const MAX_VALUE_BYTES = 1024 * 1024;
/** The most SLUICE_MAX_RECORD_BYTES may allow. */
export const MAX_RECORD_BYTES_LIMIT = 16 * 1024 * 1024;
export const MAX_USER_ID_BYTES = 256;
export const MAX_EVENT_TYPE_BYTES = 64;
/** 2000-01-01T00:00:00Z: the earliest event time the contract accepts. */
export const MIN_TIMESTAMP_MS = Date.UTC(2000, 0, 1);
/** Event time may run at most one day ahead of the wall clock. */
export const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;

export interface ClickEvent {
  userId: string;
  eventType: string;
  /** Event time, epoch milliseconds. */
  timestamp: number;
}

export type ParseResult = { ok: true; event: ClickEvent } | Refusal;

export interface ParseOptions {
  /** Larger values are refused with TOO_LARGE before they are read (SLUICE_MAX_RECORD_BYTES). Default MAX_VALUE_BYTES. */
  maxRecordBytes?: number;
}

const CLICK_FIELDS = new JsonFieldScanner(['userId', 'eventType', 'timestamp']);

/** A value refused: its dead-letter code and reason. */
export interface Refusal {
  ok: false;
  code: RecordErrorCode;
  message: string;
}

function reject(code: RecordErrorCode, message: string): Refusal {
  return { ok: false, code, message };
}

/**
 * The requested fields of the value `length` bytes from `start` in `bytes` (the scanner's own
 * result: read it before the next scan), or why the value is refused before any field is judged:
 * empty, over `limit` bytes, not UTF-8, not JSON, not an object, or a requested field twice. One set
 * of reasons for the built-in job and compiled job files.
 */
export function scanValue(
  scanner: JsonFieldScanner,
  bytes: Buffer,
  start: number,
  length: number,
  limit: number,
): { ok: true; values: Array<FieldValue | undefined> } | Refusal {
  if (length === 0) return reject(RecordErrorCode.MALFORMED_JSON, 'empty value: expected a JSON object');
  if (length > limit) {
    return reject(RecordErrorCode.TOO_LARGE, `value is ${length} bytes; the limit is ${limit} bytes (SLUICE_MAX_RECORD_BYTES)`);
  }
  const scan = scanner.scanSpan(bytes, start, start + length);
  if (scan.ok) return scan;
  switch (scan.problem) {
    case 'not-utf8':
      return reject(RecordErrorCode.MALFORMED_JSON, 'value is not valid UTF-8');
    case 'syntax':
      return reject(RecordErrorCode.MALFORMED_JSON, `not valid JSON: ${scan.message}`);
    case 'not-an-object':
      return reject(RecordErrorCode.NOT_AN_OBJECT, `expected a JSON object, got ${scan.kind}`);
    case 'duplicate':
      // Readers disagree on duplicates (JSON.parse keeps the last, others the first), so
      // `{"userId":"a","userId":"b"}` could be counted as "b" here and as "a" elsewhere.
      return reject(RecordErrorCode.DUPLICATE_KEY, `field "${scan.field}" appears more than once`);
  }
}

/**
 * @param value the raw Kafka value (may be null for a tombstone)
 * @param nowMs the wall clock, injected so tests control the "now + 1 day" bound
 */
export function parseClick(value: Uint8Array | null | undefined, nowMs: number, options?: ParseOptions): ParseResult {
  const buf = valueBytes(value);
  return parseClickSpan(buf, 0, buf.length, nowMs, options);
}

const EMPTY_VALUE = Buffer.alloc(0);

/** A value's bytes as a Buffer (no copy); a tombstone (null) reads as an empty value, refused the same way. */
export function valueBytes(value: Uint8Array | null | undefined): Buffer {
  return value === null || value === undefined ? EMPTY_VALUE : bufferOf(value);
}

/** `parseClick` of the value `length` bytes from `start` in `bytes`, without a view of it. */
export function parseClickSpan(bytes: Buffer, start: number, length: number, nowMs: number, options?: ParseOptions): ParseResult {
  const scan = scanValue(CLICK_FIELDS, bytes, start, length, options?.maxRecordBytes ?? MAX_VALUE_BYTES);
  if (!scan.ok) return scan;
  const [userId, eventType, timestamp] = scan.values;
  return validateFields(userId, eventType, timestamp, nowMs);
}

/**
 * `parseClick` with options, in the shape of `JobDefinition.parse`: how the daemon applies
 * SLUICE_MAX_RECORD_BYTES (through clickstreamJobWith in src/job/clickstream.ts).
 */
export function clickParser(options: ParseOptions): {
  parse: (value: Uint8Array | null | undefined, nowMs: number) => ParseResult;
  parseSpan: (bytes: Buffer, start: number, length: number, nowMs: number) => ParseResult;
} {
  const max = options.maxRecordBytes;
  if (max !== undefined && (!Number.isSafeInteger(max) || max < 1 || max > MAX_RECORD_BYTES_LIMIT)) {
    throw new RangeError(`maxRecordBytes must be an integer from 1 to ${MAX_RECORD_BYTES_LIMIT}, got ${max}`);
  }
  const fixed: ParseOptions = { ...options };
  return {
    parse: (value, nowMs) => parseClick(value, nowMs, fixed),
    parseSpan: (bytes, start, length, nowMs) => parseClickSpan(bytes, start, length, nowMs, fixed),
  };
}

type Field = FieldValue | undefined;

function validateFields(userId: Field, eventType: Field, timestamp: Field, nowMs: number): ParseResult {
  if (userId === undefined || userId === null || userId === '') {
    return reject(RecordErrorCode.MISSING_USER_ID, 'userId is missing, null or empty');
  }
  if (typeof userId !== 'string') {
    return reject(RecordErrorCode.BAD_USER_ID, `userId must be a string, got ${typeName(userId)}`);
  }
  const userIdProblem = stringProblem(userId, MAX_USER_ID_BYTES);
  if (userIdProblem) return reject(RecordErrorCode.BAD_USER_ID, `userId ${userIdProblem}`);

  if (eventType === undefined || eventType === null || eventType === '') {
    return reject(RecordErrorCode.MISSING_EVENT_TYPE, 'eventType is missing, null or empty');
  }
  if (typeof eventType !== 'string') {
    return reject(RecordErrorCode.BAD_EVENT_TYPE, `eventType must be a string, got ${typeName(eventType)}`);
  }
  const eventTypeProblem = stringProblem(eventType, MAX_EVENT_TYPE_BYTES);
  if (eventTypeProblem) return reject(RecordErrorCode.BAD_EVENT_TYPE, `eventType ${eventTypeProblem}`);

  if (timestamp === undefined || timestamp === null) {
    return reject(RecordErrorCode.BAD_TIMESTAMP, 'timestamp is missing or null');
  }
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp)) {
    return reject(RecordErrorCode.BAD_TIMESTAMP, `timestamp must be an integer of epoch milliseconds, got ${timestampTypeName(timestamp)}`);
  }
  const latest = nowMs + MAX_FUTURE_MS;
  if (timestamp < MIN_TIMESTAMP_MS || timestamp > latest) {
    return reject(
      RecordErrorCode.BAD_TIMESTAMP,
      `timestamp ${timestamp} is outside [${MIN_TIMESTAMP_MS} (2000-01-01), ${latest} (now + 1 day)]`,
    );
  }
  return { ok: true, event: { userId, eventType, timestamp } };
}

/** What is wrong with a string of at most `maxBytes` UTF-8 bytes (job files' string fields say the same). */
export function stringProblem(s: string, maxBytes: number): string | undefined {
  if (!s.isWellFormed()) return 'is not well-formed Unicode (lone surrogate)';
  const bytes = Buffer.byteLength(s, 'utf8');
  if (bytes > maxBytes) return `is ${bytes} bytes; the limit is ${maxBytes}`;
  return undefined;
}

/** The JSON type of a value, for "must be a string, got ...". */
export function typeName(v: FieldValue): string {
  if (v === null) return 'null';
  if (v === NESTED_ARRAY) return 'an array';
  if (v === NESTED_OBJECT) return 'an object';
  return `a ${typeof v}`;
}

/** What is wrong with a timestamp that is not a safe integer. */
export function timestampTypeName(v: FieldValue): string {
  if (typeof v !== 'number') return typeName(v);
  if (!Number.isFinite(v)) return `a number too large for a double (read as ${v})`;
  if (!Number.isInteger(v)) return `a non-integer number (${v})`;
  return `an integer out of the safe integer range (${v})`;
}
