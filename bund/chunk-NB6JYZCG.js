import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  RecordErrorCode
} from "./chunk-5F6N7MD3.js";

// dist/src/streams/operators/json-fields.js
import { isUtf8 } from "node:buffer";
var NESTED_OBJECT = Symbol("a JSON object");
var NESTED_ARRAY = Symbol("a JSON array");
var TAB = 9;
var LF = 10;
var CR = 13;
var SPACE = 32;
var QUOTE = 34;
var PLUS = 43;
var COMMA = 44;
var MINUS = 45;
var DOT = 46;
var ZERO = 48;
var ONE = 49;
var NINE = 57;
var COLON = 58;
var UPPER_E = 69;
var LBRACKET = 91;
var BACKSLASH = 92;
var RBRACKET = 93;
var LOWER_E = 101;
var LOWER_F = 102;
var LOWER_N = 110;
var LOWER_T = 116;
var LOWER_U = 117;
var LBRACE = 123;
var RBRACE = 125;
var PLAIN = new Uint8Array(256);
for (let b = SPACE; b < 128; b++)
  PLAIN[b] = b === QUOTE || b === BACKSLASH ? 0 : 1;
var PLAIN_IN_UTF8 = PLAIN.map((plain, b) => b >= 128 ? 1 : plain);
var ESCAPED = new Uint16Array(256);
for (const [letter, char] of [
  ['"', '"'],
  ["\\", "\\"],
  ["/", "/"],
  ["b", "\b"],
  ["f", "\f"],
  ["n", "\n"],
  ["r", "\r"],
  ["t", "	"]
]) {
  ESCAPED[letter.charCodeAt(0)] = char.charCodeAt(0);
}
var HEX = new Int8Array(256).fill(-1);
for (let d = 0; d < 16; d++) {
  HEX["0123456789abcdef".charCodeAt(d)] = d;
  HEX["0123456789ABCDEF".charCodeAt(d)] = d;
}
var TRUE = Buffer.from("true");
var FALSE = Buffer.from("false");
var NULL = Buffer.from("null");
var levels = new Int32Array(64);
var failAt = 0;
var sawEscape = false;
var utf8Checked = false;
function pushLevel(depth, isObject) {
  const word = depth >>> 5;
  if (word >= levels.length) {
    const grown = new Int32Array(levels.length * 2);
    grown.set(levels);
    levels = grown;
  }
  const bit = 1 << (depth & 31);
  levels[word] = isObject ? levels[word] | bit : levels[word] & ~bit;
}
function isObjectLevel(depth) {
  return (levels[depth >>> 5] & 1 << (depth & 31)) !== 0;
}
function skipWhitespace(buf, i, n) {
  while (i < n) {
    const c = buf[i];
    if (c !== SPACE && c !== LF && c !== CR && c !== TAB)
      break;
    i++;
  }
  return i;
}
function skipString(buf, i, n) {
  let escaped = false;
  i++;
  for (; ; ) {
    const plain = utf8Checked ? PLAIN_IN_UTF8 : PLAIN;
    while (i < n && plain[buf[i]] === 1)
      i++;
    if (i >= n) {
      failAt = n;
      return -1;
    }
    const c = buf[i];
    if (c === QUOTE) {
      sawEscape = escaped;
      return i + 1;
    }
    if (c >= 128) {
      if (!utf8Checked) {
        if (!isUtf8(buf)) {
          failAt = i;
          return -1;
        }
        utf8Checked = true;
      }
      i++;
      continue;
    }
    if (c !== BACKSLASH) {
      failAt = i;
      return -1;
    }
    escaped = true;
    const e = i + 1 < n ? buf[i + 1] : -1;
    if (e === LOWER_U) {
      for (let h = i + 2; h < i + 6; h++) {
        if (h >= n || HEX[buf[h]] < 0) {
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
function skipNumber(buf, i, n) {
  if (buf[i] === MINUS)
    i++;
  let c = i < n ? buf[i] : -1;
  if (c === ZERO) {
    i++;
  } else if (c >= ONE && c <= NINE) {
    i++;
    while (i < n && (c = buf[i]) >= ZERO && c <= NINE)
      i++;
  } else {
    failAt = i;
    return -1;
  }
  if (i < n && buf[i] === DOT) {
    i = skipDigits(buf, i + 1, n);
    if (i < 0)
      return -1;
  }
  if (i < n && (buf[i] === LOWER_E || buf[i] === UPPER_E)) {
    i++;
    if (i < n && (buf[i] === PLUS || buf[i] === MINUS))
      i++;
    i = skipDigits(buf, i, n);
  }
  return i;
}
function skipDigits(buf, i, n) {
  const start = i;
  let c;
  while (i < n && (c = buf[i]) >= ZERO && c <= NINE)
    i++;
  if (i === start) {
    failAt = i;
    return -1;
  }
  return i;
}
function skipLiteral(buf, i, n, word) {
  for (let j = 0; j < word.length; j++) {
    if (i + j >= n || buf[i + j] !== word[j]) {
      failAt = i + j;
      return -1;
    }
  }
  return i + word.length;
}
function numberValue(buf, start, end) {
  let i = start;
  const negative = buf[i] === MINUS;
  if (negative)
    i++;
  if (end - i <= 15) {
    let v = 0;
    for (; i < end; i++) {
      const d = buf[i] - ZERO;
      if (d < 0 || d > 9)
        return Number(buf.toString("latin1", start, end));
      v = v * 10 + d;
    }
    return negative ? -v : v;
  }
  return Number(buf.toString("latin1", start, end));
}
function stringValue(buf, start, end, escaped) {
  if (!escaped)
    return buf.toString("utf8", start, end);
  let out = "";
  let run = start;
  let i = start;
  while (i < end) {
    if (buf[i] !== BACKSLASH) {
      i++;
      continue;
    }
    if (run < i)
      out += buf.toString("utf8", run, i);
    const e = buf[i + 1];
    if (e === LOWER_U) {
      const code = HEX[buf[i + 2]] << 12 | HEX[buf[i + 3]] << 8 | HEX[buf[i + 4]] << 4 | HEX[buf[i + 5]];
      out += String.fromCharCode(code);
      i += 6;
    } else {
      out += String.fromCharCode(ESCAPED[e]);
      i += 2;
    }
    run = i;
  }
  if (run < end)
    out += buf.toString("utf8", run, end);
  return out;
}
function describeByte(buf, at) {
  if (at >= buf.length)
    return "unexpected end of input";
  const c = buf[at];
  const what = c > SPACE && c < 127 ? `'${String.fromCharCode(c)}'` : c < 128 ? `byte 0x${c.toString(16).padStart(2, "0")}` : "non-ASCII character";
  return `unexpected ${what} at byte ${at}`;
}
function kindOf(first) {
  if (first === LBRACKET)
    return "an array";
  if (first === QUOTE)
    return "a string";
  if (first === LOWER_T || first === LOWER_F)
    return "a boolean";
  if (first === LOWER_N)
    return "null";
  return "a number";
}
var NOT_UTF8 = Object.freeze({ ok: false, problem: "not-utf8" });
var VALUE = 0;
var KEY = 1;
var AFTER_VALUE = 2;
var JsonFieldScanner = class {
  names;
  nameBytes;
  /** A key longer than this, escapes and all, cannot spell a requested name (`\uXXXX` per UTF-16 unit). */
  maxEscapedKeyBytes;
  unset;
  /** @param names the top-level fields to return, in the order of `values` */
  constructor(names) {
    if (new Set(names).size !== names.length)
      throw new RangeError(`field names must be distinct: ${names.join(", ")}`);
    for (const name of names) {
      if (!name.isWellFormed())
        throw new RangeError(`field name ${JSON.stringify(name)} is not well-formed Unicode`);
    }
    this.names = [...names];
    this.nameBytes = names.map((name) => Buffer.from(name, "utf8"));
    this.maxEscapedKeyBytes = 6 * Math.max(0, ...names.map((name) => name.length));
    this.unset = names.map(() => void 0);
  }
  scan(input) {
    const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    const n = buf.length;
    utf8Checked = false;
    const values = this.unset.slice();
    let i = skipWhitespace(buf, 0, n);
    const first = i < n ? buf[i] : -1;
    let depth = 0;
    let capture = -1;
    let duplicate = -1;
    let state = VALUE;
    for (; ; ) {
      if (state === VALUE) {
        const c = i < n ? buf[i] : -1;
        let end;
        if (c === QUOTE) {
          end = skipString(buf, i, n);
          if (end >= 0 && capture >= 0)
            values[capture] = stringValue(buf, i + 1, end - 1, sawEscape);
        } else if (c === LBRACE || c === LBRACKET) {
          const isObject = c === LBRACE;
          if (capture >= 0)
            values[capture] = isObject ? NESTED_OBJECT : NESTED_ARRAY;
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
        } else if (c === MINUS || c >= ZERO && c <= NINE) {
          end = skipNumber(buf, i, n);
          if (end >= 0 && capture >= 0)
            values[capture] = numberValue(buf, i, end);
        } else if (c === LOWER_T) {
          end = skipLiteral(buf, i, n, TRUE);
          if (capture >= 0)
            values[capture] = true;
        } else if (c === LOWER_F) {
          end = skipLiteral(buf, i, n, FALSE);
          if (capture >= 0)
            values[capture] = false;
        } else if (c === LOWER_N) {
          end = skipLiteral(buf, i, n, NULL);
          if (capture >= 0)
            values[capture] = null;
        } else {
          end = -1;
          failAt = i;
        }
        if (end < 0)
          return this.syntaxError(buf, failAt);
        capture = -1;
        i = end;
        state = AFTER_VALUE;
      } else if (state === KEY) {
        if (i >= n || buf[i] !== QUOTE)
          return this.syntaxError(buf, i);
        const end = skipString(buf, i, n);
        if (end < 0)
          return this.syntaxError(buf, failAt);
        if (depth === 1) {
          const field = this.fieldOf(buf, i + 1, end - 1, sawEscape);
          if (field >= 0) {
            if (values[field] === void 0)
              capture = field;
            else if (duplicate < 0)
              duplicate = field;
          }
        }
        i = skipWhitespace(buf, end, n);
        if (i >= n || buf[i] !== COLON)
          return this.syntaxError(buf, i);
        i = skipWhitespace(buf, i + 1, n);
        state = VALUE;
      } else {
        i = skipWhitespace(buf, i, n);
        if (depth === 0) {
          if (i === n)
            break;
          return this.syntaxError(buf, i);
        }
        const c = i < n ? buf[i] : -1;
        const inObject = isObjectLevel(depth - 1);
        if (c === COMMA) {
          i = skipWhitespace(buf, i + 1, n);
          state = inObject ? KEY : VALUE;
        } else if (c === (inObject ? RBRACE : RBRACKET)) {
          depth--;
          i++;
        } else {
          return this.syntaxError(buf, i);
        }
      }
    }
    if (first !== LBRACE)
      return { ok: false, problem: "not-an-object", kind: kindOf(first) };
    if (duplicate >= 0)
      return { ok: false, problem: "duplicate", field: this.names[duplicate] };
    return { ok: true, values };
  }
  /** The index of the requested name a key spells, or -1. */
  fieldOf(buf, start, end, escaped) {
    const length = end - start;
    if (!escaped) {
      for (let f = 0; f < this.nameBytes.length; f++) {
        const name = this.nameBytes[f];
        if (name.length !== length)
          continue;
        let j = 0;
        while (j < length && buf[start + j] === name[j])
          j++;
        if (j === length)
          return f;
      }
      return -1;
    }
    if (length > this.maxEscapedKeyBytes)
      return -1;
    return this.names.indexOf(stringValue(buf, start, end, true));
  }
  /**
   * Invalid UTF-8 anywhere is what a value is refused for first, before any syntax error. A scan
   * that gets through without one read only ASCII outside strings and had the value checked at
   * the first non-ASCII byte inside one, so only a syntax error needs the whole value checked here.
   */
  syntaxError(buf, at) {
    if (!isUtf8(buf))
      return NOT_UTF8;
    return { ok: false, problem: "syntax", message: describeByte(buf, at), offset: at };
  }
};

// dist/src/streams/operators/records.js
var MAX_VALUE_BYTES = 1024 * 1024;
var MAX_RECORD_BYTES_LIMIT = 16 * 1024 * 1024;
var MAX_USER_ID_BYTES = 256;
var MAX_EVENT_TYPE_BYTES = 64;
var MIN_TIMESTAMP_MS = Date.UTC(2e3, 0, 1);
var MAX_FUTURE_MS = 24 * 60 * 60 * 1e3;
var CLICK_FIELDS = new JsonFieldScanner(["userId", "eventType", "timestamp"]);
function reject(code, message) {
  return { ok: false, code, message };
}
function parseClick(value, nowMs, options) {
  if (value === null || value === void 0 || value.length === 0) {
    return reject(RecordErrorCode.MALFORMED_JSON, "empty value: expected a JSON object");
  }
  const limit = options?.maxRecordBytes ?? MAX_VALUE_BYTES;
  if (value.length > limit) {
    return reject(RecordErrorCode.TOO_LARGE, `value is ${value.length} bytes; the limit is ${limit} bytes (SLUICE_MAX_RECORD_BYTES)`);
  }
  const scan = CLICK_FIELDS.scan(value);
  if (!scan.ok) {
    switch (scan.problem) {
      case "not-utf8":
        return reject(RecordErrorCode.MALFORMED_JSON, "value is not valid UTF-8");
      case "syntax":
        return reject(RecordErrorCode.MALFORMED_JSON, `not valid JSON: ${scan.message}`);
      case "not-an-object":
        return reject(RecordErrorCode.NOT_AN_OBJECT, `expected a JSON object, got ${scan.kind}`);
      case "duplicate":
        return reject(RecordErrorCode.DUPLICATE_KEY, `field "${scan.field}" appears more than once`);
    }
  }
  const [userId, eventType, timestamp] = scan.values;
  return validateFields(userId, eventType, timestamp, nowMs);
}
function clickParser(options) {
  const max = options.maxRecordBytes;
  if (max !== void 0 && (!Number.isSafeInteger(max) || max < 1 || max > MAX_RECORD_BYTES_LIMIT)) {
    throw new RangeError(`maxRecordBytes must be an integer from 1 to ${MAX_RECORD_BYTES_LIMIT}, got ${max}`);
  }
  const fixed = { ...options };
  return (value, nowMs) => parseClick(value, nowMs, fixed);
}
function validateFields(userId, eventType, timestamp, nowMs) {
  if (userId === void 0 || userId === null || userId === "") {
    return reject(RecordErrorCode.MISSING_USER_ID, "userId is missing, null or empty");
  }
  if (typeof userId !== "string") {
    return reject(RecordErrorCode.BAD_USER_ID, `userId must be a string, got ${typeName(userId)}`);
  }
  const userIdProblem = stringProblem(userId, MAX_USER_ID_BYTES);
  if (userIdProblem)
    return reject(RecordErrorCode.BAD_USER_ID, `userId ${userIdProblem}`);
  if (eventType === void 0 || eventType === null || eventType === "") {
    return reject(RecordErrorCode.MISSING_EVENT_TYPE, "eventType is missing, null or empty");
  }
  if (typeof eventType !== "string") {
    return reject(RecordErrorCode.BAD_EVENT_TYPE, `eventType must be a string, got ${typeName(eventType)}`);
  }
  const eventTypeProblem = stringProblem(eventType, MAX_EVENT_TYPE_BYTES);
  if (eventTypeProblem)
    return reject(RecordErrorCode.BAD_EVENT_TYPE, `eventType ${eventTypeProblem}`);
  if (timestamp === void 0 || timestamp === null) {
    return reject(RecordErrorCode.BAD_TIMESTAMP, "timestamp is missing or null");
  }
  if (typeof timestamp !== "number" || !Number.isSafeInteger(timestamp)) {
    return reject(RecordErrorCode.BAD_TIMESTAMP, `timestamp must be an integer of epoch milliseconds, got ${timestampTypeName(timestamp)}`);
  }
  const latest = nowMs + MAX_FUTURE_MS;
  if (timestamp < MIN_TIMESTAMP_MS || timestamp > latest) {
    return reject(RecordErrorCode.BAD_TIMESTAMP, `timestamp ${timestamp} is outside [${MIN_TIMESTAMP_MS} (2000-01-01), ${latest} (now + 1 day)]`);
  }
  return { ok: true, event: { userId, eventType, timestamp } };
}
function stringProblem(s, maxBytes) {
  if (!s.isWellFormed())
    return "is not well-formed Unicode (lone surrogate)";
  const bytes = Buffer.byteLength(s, "utf8");
  if (bytes > maxBytes)
    return `is ${bytes} bytes; the limit is ${maxBytes}`;
  return void 0;
}
function typeName(v) {
  if (v === null)
    return "null";
  if (v === NESTED_ARRAY)
    return "an array";
  if (v === NESTED_OBJECT)
    return "an object";
  return `a ${typeof v}`;
}
function timestampTypeName(v) {
  if (typeof v !== "number")
    return typeName(v);
  if (!Number.isFinite(v))
    return `a number too large for a double (read as ${v})`;
  if (!Number.isInteger(v))
    return `a non-integer number (${v})`;
  return `an integer out of the safe integer range (${v})`;
}

export {
  JsonFieldScanner,
  MAX_VALUE_BYTES,
  MAX_RECORD_BYTES_LIMIT,
  MIN_TIMESTAMP_MS,
  MAX_FUTURE_MS,
  parseClick,
  clickParser,
  stringProblem,
  typeName,
  timestampTypeName
};
