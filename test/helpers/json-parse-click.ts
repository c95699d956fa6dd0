/**
 * The record parser as it was before the single-pass field scanner (src/streams/json-fields.ts):
 * `JSON.parse` of the whole value, then a duplicate-key scan. Kept, unchanged but for its name and
 * an optional size limit, as the oracle of the scanner-based `parseClick` in
 * test/unit/records-scanner.test.ts and as the "old" side of bench/parse-hostile.ts.
 */
import { isUtf8 } from 'node:buffer';
import { RecordErrorCode } from '../../src/errors.js';
import {
  MAX_EVENT_TYPE_BYTES,
  MAX_FUTURE_MS,
  MAX_USER_ID_BYTES,
  MAX_VALUE_BYTES,
  MIN_TIMESTAMP_MS,
  type ParseResult,
} from '../../src/streams/operators/records.js';

const REQUIRED_FIELDS = ['userId', 'eventType', 'timestamp'] as const;
const QUOTED_FIELDS = REQUIRED_FIELDS.map((f) => `"${f}"`);
const hasOwn = Object.prototype.hasOwnProperty;

function reject(code: RecordErrorCode, message: string): ParseResult {
  return { ok: false, code, message };
}

export function parseClickWithJsonParse(value: Uint8Array | null | undefined, nowMs: number, maxValueBytes = MAX_VALUE_BYTES): ParseResult {
  if (value === null || value === undefined || value.length === 0) {
    return reject(RecordErrorCode.MALFORMED_JSON, 'empty value: expected a JSON object');
  }
  if (value.length > maxValueBytes) {
    return reject(RecordErrorCode.TOO_LARGE, `value is ${value.length} bytes; the limit is ${maxValueBytes}`);
  }
  if (!isUtf8(value)) {
    return reject(RecordErrorCode.MALFORMED_JSON, 'value is not valid UTF-8');
  }
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  const text = bytes.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return reject(RecordErrorCode.MALFORMED_JSON, `not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    const kind = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`;
    return reject(RecordErrorCode.NOT_AN_OBJECT, `expected a JSON object, got ${kind}`);
  }
  const duplicate = findDuplicateRequiredKey(text);
  if (duplicate !== undefined) {
    return reject(RecordErrorCode.DUPLICATE_KEY, `field "${duplicate}" appears more than once`);
  }
  return validateFields(parsed as Record<string, unknown>, nowMs);
}

function validateFields(obj: Record<string, unknown>, nowMs: number): ParseResult {
  const userId = hasOwn.call(obj, 'userId') ? obj.userId : undefined;
  if (userId === undefined || userId === null || userId === '') {
    return reject(RecordErrorCode.MISSING_USER_ID, 'userId is missing, null or empty');
  }
  if (typeof userId !== 'string') {
    return reject(RecordErrorCode.BAD_USER_ID, `userId must be a string, got ${typeName(userId)}`);
  }
  const userIdProblem = stringProblem(userId, MAX_USER_ID_BYTES);
  if (userIdProblem) return reject(RecordErrorCode.BAD_USER_ID, `userId ${userIdProblem}`);

  const eventType = hasOwn.call(obj, 'eventType') ? obj.eventType : undefined;
  if (eventType === undefined || eventType === null || eventType === '') {
    return reject(RecordErrorCode.MISSING_EVENT_TYPE, 'eventType is missing, null or empty');
  }
  if (typeof eventType !== 'string') {
    return reject(RecordErrorCode.BAD_EVENT_TYPE, `eventType must be a string, got ${typeName(eventType)}`);
  }
  const eventTypeProblem = stringProblem(eventType, MAX_EVENT_TYPE_BYTES);
  if (eventTypeProblem) return reject(RecordErrorCode.BAD_EVENT_TYPE, `eventType ${eventTypeProblem}`);

  const timestamp = hasOwn.call(obj, 'timestamp') ? obj.timestamp : undefined;
  if (timestamp === undefined || timestamp === null) {
    return reject(RecordErrorCode.BAD_TIMESTAMP, 'timestamp is missing or null');
  }
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp)) {
    return reject(RecordErrorCode.BAD_TIMESTAMP, `timestamp must be an integer of epoch milliseconds, got ${typeName(timestamp)}`);
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

function stringProblem(s: string, maxBytes: number): string | undefined {
  if (!s.isWellFormed()) return 'is not well-formed Unicode (lone surrogate)';
  const bytes = Buffer.byteLength(s, 'utf8');
  if (bytes > maxBytes) return `is ${bytes} bytes; the limit is ${maxBytes}`;
  return undefined;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number' && !Number.isInteger(v)) return `a non-integer number (${v})`;
  if (typeof v === 'number') return `a number out of the safe integer range`;
  return `a ${typeof v}`;
}

/**
 * JSON.parse keeps the last of duplicate keys, so `{"userId":"a","userId":"b"}` would be read as "b"
 * while another consumer of the same topic may read "a". We reject such records. The scan runs only
 * when the text could hold a duplicate (a field name twice, or an escape that could spell one).
 */
function findDuplicateRequiredKey(text: string): string | undefined {
  // Any escape could spell a field name; otherwise a duplicate needs a quoted name twice.
  let suspicious = text.includes('\\');
  for (let i = 0; !suspicious && i < QUOTED_FIELDS.length; i++) {
    const quoted = QUOTED_FIELDS[i] as string;
    const first = text.indexOf(quoted);
    suspicious = first !== -1 && text.indexOf(quoted, first + quoted.length) !== -1;
  }
  if (!suspicious) return undefined;
  const seen = new Set<string>();
  for (const key of topLevelKeys(text)) {
    if ((REQUIRED_FIELDS as readonly string[]).includes(key)) {
      if (seen.has(key)) return key;
      seen.add(key);
    }
  }
  return undefined;
}

/** The keys of the outermost object of a text already known to be valid JSON, decoded. */
export function* topLevelKeys(text: string): Generator<string> {
  let depth = 0;
  let i = 0;
  let expectKey = false;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      i++;
      let escaped = false;
      while (i < text.length) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) {
          escaped = true;
          i += 2;
          continue;
        }
        if (d === 0x22) break;
        i++;
      }
      if (depth === 1 && expectKey) {
        const raw = text.slice(start, i + 1);
        yield escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        expectKey = false;
      }
      i++;
      continue;
    }
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      if (depth === 1 && c === 0x7b) expectKey = true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    } else if (c === 0x2c /* , */ && depth === 1) {
      expectKey = true;
    }
    i++;
  }
}
