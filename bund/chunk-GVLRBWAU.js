import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  ENVELOPE_MESSAGE
} from "./chunk-XURSPE6P.js";
import {
  parseTemplate,
  renderTemplate
} from "./chunk-HIIISYGC.js";
import {
  RegularFileError,
  readRegularFile
} from "./chunk-OY2TSX2N.js";
import {
  canonicalJson
} from "./chunk-YMRU26Q3.js";
import {
  assignerFor,
  describeWindow,
  windowSpecProblem
} from "./chunk-4T5SS3NF.js";
import {
  JsonFieldScanner,
  MAX_FUTURE_MS,
  MAX_RECORD_BYTES_LIMIT,
  MAX_VALUE_BYTES,
  MIN_TIMESTAMP_MS,
  clickParser,
  parseClick,
  stringProblem,
  timestampTypeName,
  typeName
} from "./chunk-NB6JYZCG.js";
import {
  ErrorCode,
  RecordErrorCode,
  SluiceError
} from "./chunk-5F6N7MD3.js";

// dist/src/job/registry.js
import { createHash as createHash2 } from "node:crypto";
import { realpathSync } from "node:fs";
import { extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";

// dist/src/job/window-input.js
var dictionaryStrings = {
  builder(expected) {
    const dict = [];
    const index = /* @__PURE__ */ new Map();
    const codes = new Uint32Array(expected);
    let n = 0;
    return {
      push(value) {
        let code = index.get(value);
        if (code === void 0) {
          code = dict.length;
          dict.push(value);
          index.set(value, code);
        }
        if (n === codes.length)
          throw new RangeError(`more values than the ${codes.length} expected`);
        codes[n++] = code;
      },
      finish() {
        const used = codes.subarray(0, n);
        const packed = dict.length <= 256 ? Uint8Array.from(used) : dict.length <= 65536 ? Uint16Array.from(used) : used.slice();
        let bytes = packed.byteLength;
        for (const s of dict)
          bytes += s.length * 2;
        return { column: { dict, codes: packed }, transfer: [packed.buffer], bytes };
      }
    };
  },
  reader(column) {
    const { dict, codes } = column;
    return (i) => dict[codes[i]];
  }
};
var clonedValues = {
  builder(expected) {
    const values = new Array(expected);
    let n = 0;
    return {
      push(value) {
        values[n++] = value;
      },
      // A clone's size is not known without cloning: a rough 96 bytes per value, as before columns.
      finish: () => ({ column: values.length === n ? values : values.slice(0, n), transfer: [], bytes: n * 96 })
    };
  },
  reader(column) {
    const values = column;
    return (i) => values[i];
  }
};
var WHOLE_EVENT = {
  project: (event) => event,
  rebuild: (_key, _timestamp, value) => value,
  values: clonedValues
};

// dist/src/job/clickstream.js
var clickCountAggregate = {
  createAccumulator: () => ({ count: 0, byEventType: /* @__PURE__ */ new Map() }),
  add(acc, event) {
    acc.count += 1;
    acc.byEventType.set(event.eventType, (acc.byEventType.get(event.eventType) ?? 0) + 1);
    return acc;
  },
  result(acc, key, window) {
    const byEventType = /* @__PURE__ */ Object.create(null);
    for (const type of [...acc.byEventType.keys()].sort())
      byEventType[type] = acc.byEventType.get(type);
    return { userId: key, windowStart: window.start, windowEnd: window.end, count: acc.count, byEventType };
  }
};
var clickCountCodec = {
  encode: (acc) => ({ count: acc.count, byEventType: [...acc.byEventType].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0) }),
  decode(json) {
    const bad = (why) => new SluiceError(ErrorCode.SAVEPOINT_INVALID, `a clickstream accumulator in the savepoint is malformed: ${why}`);
    if (json === null || typeof json !== "object" || Array.isArray(json))
      throw bad("not an object");
    const { count, byEventType } = json;
    if (!Number.isSafeInteger(count) || count < 0)
      throw bad("count is not a non-negative integer");
    if (!Array.isArray(byEventType))
      throw bad("byEventType is not a list of [eventType, count] pairs");
    const types = /* @__PURE__ */ new Map();
    for (const pair of byEventType) {
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string" || !Number.isSafeInteger(pair[1]) || pair[1] < 0) {
        throw bad(`byEventType holds ${JSON.stringify(pair)}, not an [eventType, count] pair`);
      }
      if (types.has(pair[0]))
        throw bad(`event type ${JSON.stringify(pair[0])} appears twice`);
      types.set(pair[0], pair[1]);
    }
    return { count, byEventType: types };
  }
};
var clickWindowInput = {
  project: (event) => event.eventType,
  rebuild: (userId, timestamp, eventType) => ({ userId, eventType, timestamp }),
  values: dictionaryStrings
};
var clickstreamJob = {
  name: "clickstream",
  parse: (value, nowMs) => parseClick(value, nowMs),
  timestampOf: (event) => event.timestamp,
  keyOf: (event) => event.userId,
  aggregate: clickCountAggregate,
  windowInput: clickWindowInput,
  stateCodec: clickCountCodec,
  /** `_id` in Elasticsearch, the Redis key after its prefix: stable, so re-delivery rewrites. */
  resultId: (result) => `${result.userId}:${result.windowStart}`,
  /** Grows with every correction of a window, so an earlier result never replaces a later one. */
  resultVersion: (result) => result.count,
  redisValue: (result) => String(result.count),
  resultRef: (result) => ({ key: result.userId, window: { start: result.windowStart, end: result.windowEnd } }),
  /** As examples/clickstream.yaml says it: savepoints move between this job and that file. */
  stateShape: { key: ["userId"], aggregates: { count: { type: "count" }, byEventType: { type: "countBy", field: "eventType" } } },
  stateLayout: "clickstream/1"
};
function clickstreamJobWith(options) {
  return { ...clickstreamJob, parse: clickParser(options) };
}

// dist/src/job/compile.js
import { createHash } from "node:crypto";

// dist/src/job/aggregates.js
function compareValues(a, b) {
  if (typeof a === "number" && typeof b === "number")
    return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
var isCount = (n) => Number.isSafeInteger(n) && n >= 0;
function numberOrNull(json, what) {
  if (json === null)
    return null;
  if (typeof json !== "number" || !Number.isFinite(json))
    throw new Error(`${what} is not a number or null`);
  return json;
}
function valueOf(json, type) {
  const ok = type === "string" ? typeof json === "string" : type === "boolean" ? typeof json === "boolean" : type === "number" ? typeof json === "number" && Number.isFinite(json) : Number.isSafeInteger(json);
  if (!ok)
    throw new Error(`${JSON.stringify(json)} is not a ${type} value`);
  return json;
}
function countsOps(type, result, mapping) {
  return {
    create: () => /* @__PURE__ */ new Map(),
    add(slot, value) {
      if (value === void 0)
        return slot;
      const counts = slot;
      counts.set(value, (counts.get(value) ?? 0) + 1);
      return counts;
    },
    merge(a, b) {
      const into = a;
      for (const [v, n] of b)
        into.set(v, (into.get(v) ?? 0) + n);
      return into;
    },
    result: (slot) => result(slot),
    encode: (slot) => [...slot].sort(([a], [b]) => compareValues(a, b)),
    decode(json) {
      if (!Array.isArray(json))
        throw new Error("is not a list of [value, count] pairs");
      const counts = /* @__PURE__ */ new Map();
      for (const pair of json) {
        if (!Array.isArray(pair) || pair.length !== 2 || !isCount(pair[1]))
          throw new Error(`holds ${JSON.stringify(pair)}, not a [value, count] pair`);
        const v = valueOf(pair[0], type);
        if (counts.has(v))
          throw new Error(`value ${JSON.stringify(v)} appears twice`);
        counts.set(v, pair[1]);
      }
      return counts;
    },
    mapping
  };
}
function countsObject(counts) {
  const out = /* @__PURE__ */ Object.create(null);
  for (const v of [...counts.keys()].sort(compareValues))
    out[String(v)] = counts.get(v);
  return out;
}
function numericOps(pick) {
  return {
    create: () => null,
    add: (slot, value) => value === void 0 ? slot : slot === null ? value : pick(slot, value),
    merge: (a, b) => a === null ? b : b === null ? a : pick(a, b),
    result: (slot) => slot,
    encode: (slot) => slot,
    decode: (json) => numberOrNull(json, "the value"),
    mapping: { type: "double" }
  };
}
function slotOps(type, fieldType, n = 10) {
  const integral = fieldType === "integer" || fieldType === "timestamp";
  switch (type) {
    case "count":
      return {
        create: () => 0,
        add: (slot) => slot + 1,
        merge: (a, b) => a + b,
        result: (slot) => slot,
        encode: (slot) => slot,
        decode(json) {
          if (!isCount(json))
            throw new Error("is not a non-negative integer");
          return json;
        },
        mapping: { type: "long" }
      };
    case "sum":
      return {
        create: () => 0,
        add: (slot, value) => value === void 0 ? slot : slot + value,
        merge: (a, b) => a + b,
        result: (slot) => slot,
        encode: (slot) => slot,
        decode(json) {
          if (typeof json !== "number" || !Number.isFinite(json))
            throw new Error("is not a number");
          return json;
        },
        mapping: { type: integral ? "long" : "double" }
      };
    case "min":
      return { ...numericOps(Math.min), mapping: integral ? { type: fieldType === "timestamp" ? "date" : "long" } : { type: "double" } };
    case "max":
      return { ...numericOps(Math.max), mapping: integral ? { type: fieldType === "timestamp" ? "date" : "long" } : { type: "double" } };
    case "avg":
      return {
        create: () => [0, 0],
        add(slot, value) {
          if (value === void 0)
            return slot;
          const s = slot;
          s[0] += value;
          s[1] += 1;
          return s;
        },
        merge: (a, b) => [a[0] + b[0], a[1] + b[1]],
        result: (slot) => slot[1] === 0 ? null : slot[0] / slot[1],
        encode: (slot) => ({ sum: slot[0], n: slot[1] }),
        decode(json) {
          const o = json;
          if (o === null || typeof o !== "object" || typeof o.sum !== "number" || !Number.isFinite(o.sum) || !isCount(o.n))
            throw new Error("is not { sum, n }");
          return [o.sum, o.n];
        },
        mapping: { type: "double" }
      };
    case "countBy":
      return countsOps(fieldType, countsObject, { type: "object", enabled: false });
    case "topN":
      return countsOps(fieldType, (counts) => [...counts].sort(([va, a], [vb, b]) => b - a || compareValues(va, vb)).slice(0, n).map(([value, count]) => ({ value, count })), { type: "object", enabled: false });
    case "countDistinct":
      return {
        create: () => /* @__PURE__ */ new Map(),
        add(slot, value) {
          if (value !== void 0)
            slot.set(value, 1);
          return slot;
        },
        merge(a, b) {
          for (const v of b.keys())
            a.set(v, 1);
          return a;
        },
        result: (slot) => slot.size,
        encode: (slot) => [...slot.keys()].sort(compareValues),
        decode(json) {
          if (!Array.isArray(json))
            throw new Error("is not a list of values");
          const seen = /* @__PURE__ */ new Map();
          for (const v of json) {
            const value = valueOf(v, fieldType);
            if (seen.has(value))
              throw new Error(`value ${JSON.stringify(value)} appears twice`);
            seen.set(value, 1);
          }
          return seen;
        },
        mapping: { type: "long" }
      };
  }
}

// dist/src/job/compile.js
var reject = (code, message) => ({ ok: false, code, message });
var FILTERED = Object.freeze({ ok: false, filtered: true });
function specHash(spec) {
  return createHash("sha256").update(canonicalJson(spec)).digest("hex");
}
function stateShapeOf(spec) {
  const shapes = (list) => {
    const aggregates = {};
    for (const a of list)
      aggregates[a.name] = { type: a.type, ...a.field === void 0 ? {} : { field: a.field } };
    return aggregates;
  };
  return {
    key: [...spec.key],
    aggregates: shapes(spec.aggregates),
    ...spec.aggregations ? {
      aggregations: spec.aggregations.map((a) => ({
        name: a.name,
        window: a.window,
        key: [...a.key],
        aggregates: shapes(a.aggregates)
      }))
    } : {}
  };
}
function compileJob(spec, options = {}) {
  const fields = new Map(spec.input.fields.map((f) => [f.name, f]));
  const fieldOf = (name) => fields.get(name);
  const multi = spec.aggregations !== void 0;
  const parts = spec.aggregations ?? [
    {
      name: spec.name,
      key: spec.key,
      window: spec.window,
      ...spec.allowedLatenessMs === void 0 ? {} : { allowedLatenessMs: spec.allowedLatenessMs },
      aggregates: spec.aggregates,
      outputs: spec.outputs
    }
  ];
  const read = [];
  for (const part of parts)
    for (const a of part.aggregates)
      if (a.field !== void 0 && !read.some((f) => f.name === a.field))
        read.push(fieldOf(a.field));
  const compiled = parts.map((part, i) => compileAggregation(part, multi ? i : void 0, read, fieldOf));
  const parse = compileParser(spec, read, parts.map((part) => part.key.map(fieldOf)), options.maxRecordBytes ?? MAX_VALUE_BYTES);
  const first = compiled[0];
  const common = {
    name: spec.name,
    parse,
    timestampOf: (event) => event.t,
    keyOf: (event) => event.k,
    definitionHash: specHash(spec),
    stateLayout: "job-file/1",
    ...options.source ? { source: options.source } : {}
  };
  if (!multi) {
    return {
      ...common,
      ...first.results,
      aggregate: first.aggregate,
      windowInput: windowInputFor(read),
      stateCodec: first.stateCodec,
      window: spec.window,
      stateShape: stateShapeOf(spec)
    };
  }
  const byIndex = (i, what) => {
    const c = compiled[i];
    if (!c)
      throw new Error(`${spec.name} has no aggregation ${i} (${what})`);
    return c;
  };
  const ofAccumulator = (acc) => acc["@"] ?? 0;
  const ofResult = (result) => result.a ?? 0;
  const aggregationOf = { event: (event) => event.a ?? 0, accumulator: ofAccumulator, result: ofResult };
  return {
    ...common,
    // What reads a job's results without knowing its aggregations (stdout, telemetry, live queries): each result's own.
    resultId: (r) => byIndex(ofResult(r), "result").results.resultId(r),
    resultVersion: (r) => r.n,
    redisKey: (r) => byIndex(ofResult(r), "result").results.redisKey(r),
    redisValue: (r) => byIndex(ofResult(r), "result").results.redisValue(r),
    resultRef: first.results.resultRef,
    toDocument: first.results.toDocument,
    esMapping: first.results.esMapping,
    outputs: {
      elasticsearch: compiled.some((c) => c.results.outputs.elasticsearch),
      redis: compiled.some((c) => c.results.outputs.redis),
      stdout: compiled.some((c) => c.results.outputs.stdout)
    },
    aggregate: {
      createAccumulator: () => first.aggregate.createAccumulator(),
      add: (acc, event) => byIndex(ofAccumulator(acc), "accumulator").aggregate.add(acc, event),
      merge: (a, b) => byIndex(ofAccumulator(a), "accumulator").aggregate.merge(a, b),
      result: (acc, key, window) => byIndex(ofAccumulator(acc), "accumulator").aggregate.result(acc, key, window)
    },
    windowInput: multiWindowInputFor(read),
    stateCodec: {
      encode: (acc) => ({ "@": ofAccumulator(acc), ...byIndex(ofAccumulator(acc), "accumulator").stateCodec.encode(acc) }),
      decode(json) {
        const a = json !== null && typeof json === "object" ? json["@"] : void 0;
        const part = Number.isSafeInteger(a) ? compiled[a] : void 0;
        if (!part)
          throw new Error(`a ${spec.name} accumulator in the savepoint is malformed: "@" names none of its ${compiled.length} aggregations`);
        return part.stateCodec.decode(json);
      }
    },
    window: first.window,
    stateShape: stateShapeOf(spec),
    aggregations: compiled.map((c, i) => ({
      name: c.name,
      window: c.window,
      allowedLatenessMs: c.allowedLatenessMs,
      select: (event) => ({ k: event.ks[i], t: event.t, v: event.v, a: i }),
      aggregate: c.aggregate,
      results: c.results,
      targets: c.targets
    })),
    aggregationOf
  };
}
function compileAggregation(part, index, read, fieldOf) {
  const slots = part.aggregates.map((a) => ({
    name: a.name,
    index: a.field === void 0 ? -1 : read.findIndex((f) => f.name === a.field),
    ops: slotOps(a.type, a.field === void 0 ? void 0 : fieldOf(a.field).type, a.n)
  }));
  const keyFields = part.key.map(fieldOf);
  const keyParts = keyDecoder(keyFields);
  const tagged = index !== void 0;
  const aggregate = {
    createAccumulator() {
      const acc = tagged ? { "#": 0, "@": index } : { "#": 0 };
      for (const s of slots)
        acc[s.name] = s.ops.create();
      return acc;
    },
    add(acc, event) {
      acc["#"] += 1;
      const v = event.v;
      for (const s of slots)
        acc[s.name] = s.ops.add(acc[s.name] ?? s.ops.create(), s.index < 0 ? void 0 : v[s.index]);
      return acc;
    },
    merge(a, b) {
      a["#"] += b["#"];
      for (const s of slots)
        a[s.name] = s.ops.merge(a[s.name] ?? s.ops.create(), b[s.name] ?? s.ops.create());
      return a;
    },
    result(acc, key, window) {
      const doc = {};
      if (tagged)
        doc.aggregation = part.name;
      const values = keyParts(key);
      keyFields.forEach((f, i) => doc[f.name] = values[i]);
      doc.windowStart = window.start;
      doc.windowEnd = window.end;
      for (const s of slots)
        doc[s.name] = s.ops.result(acc[s.name] ?? s.ops.create());
      return tagged ? { key, n: acc["#"], doc, a: index } : { key, n: acc["#"], doc };
    }
  };
  const esId = parseTemplate(part.outputs.elasticsearch?.id ?? `${part.key.map((k) => `{${k}}`).join(":")}:{windowStart}`);
  const redisKey = parseTemplate(part.outputs.redis?.key ?? esId.source);
  const redisValue = part.outputs.redis?.value === void 0 ? void 0 : parseTemplate(part.outputs.redis.value);
  const field = (result) => (name) => result.doc[name];
  const mapping = mappingFor(keyFields, slots);
  if (tagged)
    mapping.properties = { aggregation: { type: "keyword" }, ...mapping.properties };
  const { elasticsearch, redis } = part.outputs;
  return {
    name: part.name,
    window: part.window,
    allowedLatenessMs: part.allowedLatenessMs ?? 0,
    aggregate,
    stateCodec: stateCodecFor(part, slots),
    results: {
      resultId: (result) => renderTemplate(esId, field(result)),
      resultVersion: (result) => result.n,
      redisKey: (result) => renderTemplate(redisKey, field(result)),
      redisValue: (result) => redisValue ? renderTemplate(redisValue, field(result)) : JSON.stringify(result.doc),
      resultRef: (result) => ({
        key: result.key,
        window: { start: result.doc.windowStart, end: result.doc.windowEnd }
      }),
      toDocument: (result) => result.doc,
      esMapping: mapping,
      outputs: { elasticsearch: elasticsearch !== void 0, redis: redis !== void 0, stdout: part.outputs.stdout }
    },
    targets: {
      ...elasticsearch?.index === void 0 ? {} : { elasticsearchIndex: elasticsearch.index },
      ...redis?.prefix === void 0 ? {} : { redisKeyPrefix: redis.prefix },
      ...redis?.ttlSeconds === void 0 ? {} : { redisTtlSeconds: redis.ttlSeconds }
    }
  };
}
function compileParser(spec, read, keys, maxRecordBytes) {
  if (!Number.isSafeInteger(maxRecordBytes) || maxRecordBytes < 1 || maxRecordBytes > MAX_RECORD_BYTES_LIMIT) {
    throw new RangeError(`maxRecordBytes must be an integer from 1 to ${MAX_RECORD_BYTES_LIMIT}, got ${maxRecordBytes}`);
  }
  const names = [];
  const at = (path) => {
    let i = names.indexOf(path);
    if (i < 0)
      i = names.push(path) - 1;
    return i;
  };
  const validators = spec.input.fields.map((f) => ({ index: at(f.path), field: f, check: fieldValidator(f) }));
  const filters = spec.input.filters.map((f) => {
    const index = at(f.field);
    if ("equals" in f)
      return (values) => (values[index] ?? null) === f.equals;
    if ("in" in f) {
      const allowed = new Set(f.in);
      return (values) => allowed.has(values[index] ?? null);
    }
    return (values) => (values[index] !== void 0 && values[index] !== null) === f.exists;
  });
  const scanner = new JsonFieldScanner(names);
  const position = new Map(spec.input.fields.map((f, i) => [f.name, i]));
  const eventTime = position.get(spec.input.eventTime);
  const keyAts = keys.map((keyFields) => keyFields.map((f) => position.get(f.name)));
  const keyAt = keyAts[0];
  const readAt = read.map((f) => position.get(f.name));
  const single = keyAt.length === 1 ? keyAt[0] : -1;
  const keyOf = (at2) => at2.length === 1 ? keyText(checked[at2[0]]) : JSON.stringify(at2.map((i) => checked[i]));
  const checked = new Array(validators.length);
  return (value, nowMs) => {
    if (value === null || value === void 0 || value.length === 0)
      return reject(RecordErrorCode.MALFORMED_JSON, "empty value: expected a JSON object");
    if (value.length > maxRecordBytes) {
      return reject(RecordErrorCode.TOO_LARGE, `value is ${value.length} bytes; the limit is ${maxRecordBytes} bytes (SLUICE_MAX_RECORD_BYTES)`);
    }
    const scan = scanner.scan(value);
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
    const values = scan.values;
    for (const keep of filters)
      if (!keep(values))
        return FILTERED;
    for (let i = 0; i < validators.length; i++) {
      const v2 = validators[i];
      const outcome = v2.check(values[v2.index], nowMs);
      if (outcome !== null && typeof outcome === "object")
        return outcome;
      checked[i] = outcome;
    }
    const t = checked[eventTime];
    const v = readAt.map((i) => checked[i]);
    if (keyAts.length > 1)
      return { ok: true, event: { k: "", t, v, ks: keyAts.map(keyOf) } };
    const k = single >= 0 ? keyText(checked[single]) : JSON.stringify(keyAt.map((i) => checked[i]));
    return { ok: true, event: { k, t, v } };
  };
}
function keyText(value) {
  return typeof value === "string" ? value : String(value);
}
function keyDecoder(keyFields) {
  if (keyFields.length > 1)
    return (key) => JSON.parse(key);
  const type = keyFields[0].type;
  if (type === "integer")
    return (key) => [Number(key)];
  if (type === "boolean")
    return (key) => [key === "true"];
  return (key) => [key];
}
function fieldValidator(f) {
  const name = f.path;
  const oneOf = f.oneOf ? new Set(f.oneOf) : void 0;
  const oneOfText = f.oneOf ? f.oneOf.map((x) => JSON.stringify(x)).join(", ") : "";
  const pattern = f.pattern === void 0 ? void 0 : new RegExp(f.pattern, "u");
  const missing = (what) => f.required ? reject(f.missingCode, `${name} is ${what}`) : void 0;
  const invalid = (message) => reject(f.invalidCode, message);
  const range = (v) => {
    if (f.min !== void 0 && v < f.min)
      return invalid(`${name} ${v} is below the minimum ${f.min}`);
    if (f.max !== void 0 && v > f.max)
      return invalid(`${name} ${v} is above the maximum ${f.max}`);
    if (oneOf && !oneOf.has(v))
      return invalid(`${name} ${v} is not one of ${oneOfText}`);
    return v;
  };
  switch (f.type) {
    case "string": {
      const maxBytes = f.maxBytes;
      return (v) => {
        if (v === void 0 || v === null || v === "")
          return missing("missing, null or empty");
        if (typeof v !== "string")
          return invalid(`${name} must be a string, got ${typeName(v)}`);
        const problem = stringProblem(v, maxBytes);
        if (problem)
          return invalid(`${name} ${problem}`);
        if (oneOf && !oneOf.has(v))
          return invalid(`${name} ${JSON.stringify(v)} is not one of ${oneOfText}`);
        if (pattern && !pattern.test(v))
          return invalid(`${name} ${JSON.stringify(v)} does not match /${f.pattern}/`);
        return v;
      };
    }
    case "integer":
      return (v) => {
        if (v === void 0 || v === null)
          return missing("missing or null");
        if (typeof v !== "number" || !Number.isSafeInteger(v))
          return invalid(`${name} must be an integer, got ${timestampTypeName(v)}`);
        return range(v);
      };
    case "number":
      return (v) => {
        if (v === void 0 || v === null)
          return missing("missing or null");
        if (typeof v !== "number")
          return invalid(`${name} must be a number, got ${typeName(v)}`);
        if (!Number.isFinite(v))
          return invalid(`${name} must be a number, got a number too large for a double (read as ${v})`);
        return range(v);
      };
    case "boolean":
      return (v) => {
        if (v === void 0 || v === null)
          return missing("missing or null");
        if (typeof v !== "boolean")
          return invalid(`${name} must be true or false, got ${typeName(v)}`);
        return v;
      };
    case "timestamp":
      return (v, nowMs) => {
        if (v === void 0 || v === null)
          return missing("missing or null");
        if (typeof v !== "number" || !Number.isSafeInteger(v))
          return invalid(`${name} must be an integer of epoch milliseconds, got ${timestampTypeName(v)}`);
        const latest = nowMs + MAX_FUTURE_MS;
        if (v < MIN_TIMESTAMP_MS || v > latest)
          return invalid(`${name} ${v} is outside [${MIN_TIMESTAMP_MS} (2000-01-01), ${latest} (now + 1 day)]`);
        return v;
      };
  }
}
function stateCodecFor(spec, slots) {
  const countSlot = spec.aggregates.find((a) => a.type === "count")?.name;
  return {
    encode(acc) {
      const json = { "#": acc["#"] };
      for (const s of slots)
        json[s.name] = s.ops.encode(acc[s.name] ?? s.ops.create());
      return json;
    },
    decode(json) {
      if (json === null || typeof json !== "object" || Array.isArray(json))
        throw new Error(`a ${spec.name} accumulator in the savepoint is malformed: not an object`);
      const o = json;
      const acc = Object.hasOwn(o, "@") ? { "#": 0, "@": o["@"] } : { "#": 0 };
      for (const s of slots) {
        if (!Object.hasOwn(o, s.name)) {
          acc[s.name] = s.ops.create();
          continue;
        }
        try {
          acc[s.name] = s.ops.decode(o[s.name]);
        } catch (err) {
          throw new Error(`a ${spec.name} accumulator in the savepoint is malformed: aggregate ${s.name} ${err.message}`);
        }
      }
      const n = Object.hasOwn(o, "#") ? o["#"] : countSlot !== void 0 ? o[countSlot] : void 0;
      if (!Number.isSafeInteger(n) || n < 0) {
        throw new Error(`a ${spec.name} accumulator in the savepoint is malformed: it has no event count ("#"${countSlot ? ` or ${countSlot}` : ""})`);
      }
      acc["#"] = n;
      return acc;
    }
  };
}
function mappingFor(keyFields, slots) {
  const byType = {
    string: { type: "keyword" },
    integer: { type: "long" },
    number: { type: "double" },
    boolean: { type: "boolean" },
    timestamp: { type: "date", format: "epoch_millis" }
  };
  const properties = {};
  for (const f of keyFields)
    properties[f.name] = byType[f.type];
  properties.windowStart = { type: "date", format: "epoch_millis" };
  properties.windowEnd = { type: "date", format: "epoch_millis" };
  for (const s of slots)
    properties[s.name] = s.ops.mapping.type === "date" ? { type: "date", format: "epoch_millis" } : { ...s.ops.mapping };
  return { dynamic: "strict", properties };
}
function windowInputFor(read) {
  const codecs = read.map((f) => f.type === "integer" || f.type === "number" || f.type === "timestamp" ? numberColumn : dictionaryColumn);
  const values = {
    builder(expected) {
      const builders = codecs.map((c) => c.builder(expected));
      return {
        push(v) {
          for (let i = 0; i < builders.length; i++)
            builders[i].push(v[i]);
        },
        finish() {
          const parts = builders.map((b) => b.finish());
          return {
            column: parts.map((p) => p.column),
            transfer: parts.flatMap((p) => p.transfer),
            bytes: parts.reduce((n, p) => n + p.bytes, 0)
          };
        }
      };
    },
    reader(column, n) {
      const readers = codecs.map((c, i) => c.reader(column[i], n));
      return (i) => readers.map((r) => r(i));
    }
  };
  return {
    project: (event) => event.v,
    rebuild: (k, t, v) => ({ k, t, v }),
    values
  };
}
function multiWindowInputFor(read) {
  const values = windowInputFor(read).values;
  const events = {
    builder(expected) {
      const aggregations = new Uint8Array(expected);
      const rest = values.builder(expected);
      let n = 0;
      return {
        push(event) {
          aggregations[n++] = event.a ?? 0;
          rest.push(event.v);
        },
        finish() {
          const used = n === aggregations.length ? aggregations : aggregations.slice(0, n);
          const part = rest.finish();
          return {
            column: [used, part.column],
            transfer: [used.buffer, ...part.transfer],
            bytes: used.byteLength + part.bytes
          };
        }
      };
    },
    reader(column, n) {
      const [aggregations, rest] = column;
      const read2 = values.reader(rest, n);
      return (i) => ({ k: "", t: 0, v: read2(i), a: aggregations[i] });
    }
  };
  return {
    project: (event) => event,
    rebuild: (k, t, value) => {
      const event = value;
      event.k = k;
      event.t = t;
      return event;
    },
    values: events
  };
}
var dictionaryColumn = {
  builder(expected) {
    const dict = [];
    const index = /* @__PURE__ */ new Map();
    const codes = new Uint32Array(expected);
    let n = 0;
    return {
      push(value) {
        let code = index.get(value);
        if (code === void 0) {
          code = dict.length;
          dict.push(value);
          index.set(value, code);
        }
        codes[n++] = code;
      },
      finish() {
        const used = codes.subarray(0, n);
        const packed = dict.length <= 256 ? Uint8Array.from(used) : dict.length <= 65536 ? Uint16Array.from(used) : used.slice();
        let bytes = packed.byteLength;
        for (const v of dict)
          bytes += typeof v === "string" ? v.length * 2 : 8;
        return { column: { dict, codes: packed }, transfer: [packed.buffer], bytes };
      }
    };
  },
  reader(column) {
    const { dict, codes } = column;
    return (i) => dict[codes[i]];
  }
};
var numberColumn = {
  builder(expected) {
    const values = new Float64Array(expected);
    let n = 0;
    return {
      push(value) {
        values[n++] = value === void 0 ? Number.NaN : value;
      },
      finish() {
        const used = n === values.length ? values : values.slice(0, n);
        return { column: used, transfer: [used.buffer], bytes: used.byteLength };
      }
    };
  },
  reader(column) {
    const values = column;
    return (i) => {
      const v = values[i];
      return Number.isNaN(v) ? void 0 : v;
    };
  }
};

// dist/src/job/registry.js
var JOBS = {
  [clickstreamJob.name]: clickstreamJob
};
function jobByName(name) {
  const job = Object.hasOwn(JOBS, name) ? JOBS[name] : void 0;
  if (!job)
    throw new SluiceError(ErrorCode.INTERNAL, `unknown job "${name}"; known: ${Object.keys(JOBS).join(", ")}`);
  return job;
}
function jobFromConfig(config) {
  return clickstreamJobWith({ maxRecordBytes: config.maxRecordBytes });
}
async function loadJob(config, env = process.env, path) {
  const file = path ?? config.job;
  if (file === void 0)
    return { job: jobFromConfig(config), config, notes: [] };
  const abs = resolve(file);
  const ext = extname(abs).toLowerCase();
  if (ext === ".mjs" || ext === ".js")
    return loadModuleJob(abs, config, env);
  if (ext !== ".yaml" && ext !== ".yml" && ext !== ".json") {
    throw new SluiceError(ErrorCode.JOB_INVALID, `job file ${file}: expected .yaml, .yml or .json (a job file) or .mjs / .js (a module exporting a JobDefinition)`);
  }
  const { parseJobFile } = await import("./job-file-MPQE5TTA.js");
  const text = readJobFile(abs, file).toString("utf8");
  const spec = parseJobFile(text, file);
  const resolved = applyEnvironment(spec, config, env, file);
  const source = { kind: "file", path: abs, spec: resolved.spec };
  const job = compileJob(resolved.spec, { maxRecordBytes: resolved.config.maxRecordBytes, source });
  return { job, config: resolved.config, notes: resolved.notes };
}
var MAX_JOB_FILE_BYTES = 1024 * 1024;
function readJobFile(abs, shown) {
  try {
    return readRegularFile(realpathSync(abs), MAX_JOB_FILE_BYTES);
  } catch (err) {
    const why = err instanceof RegularFileError ? err.message : err.code === "ENOENT" ? "no such file" : err.message;
    throw new SluiceError(ErrorCode.JOB_INVALID, `job file ${shown} cannot be read: ${why}`, { details: { file: shown } });
  }
}
var set = (env, name) => env[name] !== void 0 && env[name] !== "";
function applyEnvironment(spec, config, env, file) {
  const notes = [];
  const s = structuredClone(spec);
  const c = structuredClone(config);
  const pick = (variable, fileValue, configValue, what) => {
    if (set(env, variable)) {
      if (fileValue !== void 0 && fileValue !== configValue)
        notes.push(`${variable}=${String(configValue)} overrides ${what} (${String(fileValue)}) of job file ${file}`);
      return configValue;
    }
    return fileValue ?? configValue;
  };
  const input = s.input;
  c.topics.input = input.topic = pick("SLUICE_KAFKA_TOPIC", input.topic, c.topics.input, "input.topic");
  c.topics.dlq = input.deadLetterTopic = pick("SLUICE_DLQ_TOPIC", input.deadLetterTopic, c.topics.dlq, "input.deadLetterTopic");
  c.topics.late = input.lateTopic = pick("SLUICE_LATE_TOPIC", input.lateTopic, c.topics.late, "input.lateTopic");
  const groupId = pick("SLUICE_KAFKA_GROUP_ID", input.groupId, c.kafka?.groupId ?? "sluice-clickstream", "input.groupId");
  input.groupId = groupId;
  if (c.kafka)
    Object.assign(c.kafka, { topic: c.topics.input, dlqTopic: c.topics.dlq, lateTopic: c.topics.late, groupId });
  c.windows.outOfOrdernessMs = input.outOfOrdernessMs = pick("SLUICE_OUT_OF_ORDERNESS_MS", input.outOfOrdernessMs, c.windows.outOfOrdernessMs, "input.outOfOrderness");
  c.windows.idleTimeoutMs = input.idleTimeoutMs = pick("SLUICE_IDLE_TIMEOUT_MS", input.idleTimeoutMs, c.windows.idleTimeoutMs, "input.idleTimeout");
  if (s.aggregations)
    return applyToAggregations(s, c, env, file, notes);
  c.windows.allowedLatenessMs = s.allowedLatenessMs = pick("SLUICE_ALLOWED_LATENESS_MS", s.allowedLatenessMs, c.windows.allowedLatenessMs, "window.allowedLateness");
  if (set(env, "SLUICE_WINDOW_MS")) {
    if (s.window.type === "session") {
      throw new SluiceError(ErrorCode.JOB_INVALID, `SLUICE_WINDOW_MS=${c.windows.sizeMs} cannot apply to job file ${file}: its windows are sessions (window.gap); unset the variable or edit the file`);
    }
    if (s.window.sizeMs !== c.windows.sizeMs) {
      notes.push(`SLUICE_WINDOW_MS=${c.windows.sizeMs} overrides window.size (${s.window.sizeMs} ms) of job file ${file}`);
      s.window = { ...s.window, sizeMs: c.windows.sizeMs };
      const problem = windowSpecProblem(s.window);
      if (problem)
        throw new SluiceError(ErrorCode.JOB_INVALID, `SLUICE_WINDOW_MS=${c.windows.sizeMs} with job file ${file}: ${problem}`);
    }
  }
  c.windows.sizeMs = assignerFor(s.window).sizeMs;
  const es = s.outputs.elasticsearch;
  if (es && c.elasticsearch)
    c.elasticsearch.index = es.index = pick("SLUICE_ES_INDEX", es.index, c.elasticsearch.index, "outputs.elasticsearch.index");
  const redis = s.outputs.redis;
  if (redis) {
    const prefix = pick("SLUICE_REDIS_KEY_PREFIX", redis.prefix ?? `${s.name}:`, c.redis?.keyPrefix ?? `${s.name}:`, "outputs.redis.prefix");
    const ttl = pick("SLUICE_REDIS_TTL_SECONDS", redis.ttlSeconds, c.redis?.ttlSeconds ?? 86400, "outputs.redis.ttl");
    redis.prefix = prefix;
    redis.ttlSeconds = ttl;
    if (c.redis)
      Object.assign(c.redis, { keyPrefix: prefix, ttlSeconds: ttl });
  }
  return { spec: s, config: c, notes };
}
function applyToAggregations(s, c, env, file, notes) {
  const aggregations = s.aggregations ?? [];
  if (set(env, "SLUICE_WINDOW_MS")) {
    throw new SluiceError(ErrorCode.JOB_INVALID, `SLUICE_WINDOW_MS=${c.windows.sizeMs} cannot apply to job file ${file}: it has ${aggregations.length} aggregations, each with windows of its own; unset the variable or edit the file`);
  }
  const names = aggregations.map((a) => a.name).join(", ");
  const indexes = /* @__PURE__ */ new Map();
  for (const a of aggregations) {
    if (set(env, "SLUICE_ALLOWED_LATENESS_MS"))
      a.allowedLatenessMs = c.windows.allowedLatenessMs;
    else
      a.allowedLatenessMs ??= c.windows.allowedLatenessMs;
    const es = a.outputs.elasticsearch;
    if (es && set(env, "SLUICE_ES_INDEX") && c.elasticsearch) {
      es.index = `${c.elasticsearch.index}-${a.name.toLowerCase()}`;
      const other = indexes.get(es.index);
      if (other !== void 0)
        throw new SluiceError(ErrorCode.JOB_INVALID, `SLUICE_ES_INDEX=${c.elasticsearch.index} cannot apply to job file ${file}: aggregations ${other} and ${a.name} would both write index ${es.index}; rename one of them or unset the variable`);
      indexes.set(es.index, a.name);
    }
    const redis = a.outputs.redis;
    if (redis) {
      if (set(env, "SLUICE_REDIS_KEY_PREFIX") && c.redis)
        redis.prefix = `${c.redis.keyPrefix}${a.name}:`;
      if (set(env, "SLUICE_REDIS_TTL_SECONDS") && c.redis)
        redis.ttlSeconds = c.redis.ttlSeconds;
      redis.ttlSeconds ??= c.redis?.ttlSeconds ?? 86400;
    }
  }
  if (set(env, "SLUICE_ALLOWED_LATENESS_MS"))
    notes.push(`SLUICE_ALLOWED_LATENESS_MS=${c.windows.allowedLatenessMs} overrides the allowed lateness of every aggregation (${names}) of job file ${file}`);
  if (set(env, "SLUICE_ES_INDEX") && c.elasticsearch)
    notes.push(`SLUICE_ES_INDEX=${c.elasticsearch.index}: each aggregation of job file ${file} writes index ${c.elasticsearch.index}-<aggregation>`);
  if (set(env, "SLUICE_REDIS_KEY_PREFIX") && c.redis)
    notes.push(`SLUICE_REDIS_KEY_PREFIX=${c.redis.keyPrefix}: each aggregation of job file ${file} writes keys under ${c.redis.keyPrefix}<aggregation>:`);
  if (set(env, "SLUICE_REDIS_TTL_SECONDS") && c.redis)
    notes.push(`SLUICE_REDIS_TTL_SECONDS=${c.redis.ttlSeconds} overrides the Redis TTL of every aggregation of job file ${file}`);
  const first = aggregations[0];
  if (first) {
    s.allowedLatenessMs = first.allowedLatenessMs ?? 0;
    s.outputs = structuredClone(first.outputs);
    c.windows.sizeMs = assignerFor(first.window).sizeMs;
  }
  c.windows.allowedLatenessMs = s.allowedLatenessMs ?? c.windows.allowedLatenessMs;
  return { spec: s, config: c, notes };
}
async function loadModuleJob(abs, config, env) {
  const bytes = readJobFile(abs, abs);
  const sha256 = createHash2("sha256").update(bytes).digest("hex");
  const { job, exportName } = await importJob(abs, sha256);
  const notes = [];
  const c = structuredClone(config);
  if (job.window) {
    if (set(env, "SLUICE_WINDOW_MS") && (job.window.type === "session" || job.window.sizeMs !== c.windows.sizeMs)) {
      throw new SluiceError(ErrorCode.JOB_INVALID, `SLUICE_WINDOW_MS=${c.windows.sizeMs} conflicts with the windows of job module ${abs} (${describeWindow(job.window)}); unset the variable or change the module`);
    }
    c.windows.sizeMs = assignerFor(job.window).sizeMs;
  }
  return { job: { ...job, source: { kind: "module", path: abs, sha256, exportName } }, config: c, notes };
}
async function importJob(abs, sha256) {
  let module;
  try {
    module = await import(`${pathToFileURL(abs).href}?sha256=${sha256}`);
  } catch (err) {
    throw new SluiceError(ErrorCode.JOB_INVALID, `job module ${abs} cannot be imported: ${err.message}`, {
      cause: err,
      details: { file: abs }
    });
  }
  const exportName = module.default !== void 0 ? "default" : "job";
  const job = module[exportName];
  const problem = jobDefinitionProblem(job);
  if (problem)
    throw new SluiceError(ErrorCode.JOB_INVALID, `job module ${abs}: its ${exportName === "default" ? "default export" : "`job` export"} ${problem}`, { details: { file: abs } });
  return { job, exportName };
}
function jobDefinitionProblem(job) {
  if (job === null || typeof job !== "object")
    return "is not a JobDefinition object (export default { name, parse, timestampOf, keyOf, aggregate, stateCodec, ... })";
  const j = job;
  if (typeof j.name !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(j.name))
    return "has no usable name (letters, digits, ., _ and -)";
  for (const fn of ["parse", "timestampOf", "keyOf", "resultId", "resultVersion", "redisValue", "resultRef"]) {
    if (typeof j[fn] !== "function")
      return `has no function ${fn}`;
  }
  const agg = j.aggregate;
  if (!agg || typeof agg.createAccumulator !== "function" || typeof agg.add !== "function" || typeof agg.result !== "function")
    return "has no aggregate { createAccumulator, add, result }";
  const codec = j.stateCodec;
  if (!codec || typeof codec.encode !== "function" || typeof codec.decode !== "function")
    return "has no stateCodec { encode, decode }";
  if (j.window !== void 0) {
    const problem = windowSpecProblem(j.window);
    if (problem)
      return `has windows that do not work: ${problem}`;
    if (j.window.type === "session" && typeof agg.merge !== "function")
      return "has session windows and an aggregate without merge (sessions merge accumulators)";
  }
  return void 0;
}
var loaded = /* @__PURE__ */ new Map();
function loadJobSource(source) {
  const id = source.kind === "file" ? `file:${JSON.stringify(source.spec)}` : `module:${source.path}:${source.sha256}`;
  let job = loaded.get(id);
  if (!job) {
    job = (async () => {
      if (source.kind === "file")
        return compileJob(source.spec, { source });
      const bytes = readJobFile(source.path, source.path);
      const sha256 = createHash2("sha256").update(bytes).digest("hex");
      if (sha256 !== source.sha256) {
        throw new SluiceError(ErrorCode.JOB_INVALID, `job module ${source.path} changed on disk since the daemon started: restart the daemon to run the new version`, { details: { file: source.path } });
      }
      const { job: imported } = await importJob(source.path, sha256);
      return { ...imported, source };
    })();
    loaded.set(id, job);
    job.catch(() => loaded.delete(id));
  }
  return job;
}

// dist/src/supervision/thread-exit.js
import { parentPort, workerData } from "node:worker_threads";
var EXIT_WAKE_UP = { type: "exit-requested" };
function newExitFlag() {
  return new Int32Array(new SharedArrayBuffer(4));
}
function requestExit(flag) {
  Atomics.store(flag, 0, 1);
}
async function supervisedThread() {
  const port = parentPort;
  if (!port)
    throw new Error("this module must run as a worker thread");
  const envelope = workerData === void 0 || workerData === null ? await new Promise((resolve2) => port.once("message", (message) => {
    if (message.type !== ENVELOPE_MESSAGE)
      throw new Error(`a prestarted thread's first message was ${message.type}, not its envelope`);
    resolve2(message.envelope);
  })) : workerData;
  const flag = new Int32Array(envelope.exitFlag);
  return {
    data: envelope.data,
    onMessage: (handler) => {
      const listener = (message) => {
        if (Atomics.load(flag, 0) === 1)
          process.exit(0);
        handler(message);
      };
      port.on("message", listener);
      return () => port.off("message", listener);
    }
  };
}

// dist/src/actors/key-groups.js
var KEY_GROUPS = 128;
function stableHash(key) {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 2246822507);
  h ^= h >>> 13;
  h = Math.imul(h, 3266489909);
  h ^= h >>> 16;
  return h >>> 0;
}
function keyGroupOf(key, keyGroups = KEY_GROUPS) {
  return stableHash(key) % keyGroups;
}
function workerOfKeyGroup(keyGroup, workers, keyGroups = KEY_GROUPS) {
  return Math.floor(keyGroup * workers / keyGroups);
}
function keyGroupsOfWorker(worker, workers, keyGroups = KEY_GROUPS) {
  const owned = [];
  for (let g = 0; g < keyGroups; g++)
    if (workerOfKeyGroup(g, workers, keyGroups) === worker)
      owned.push(g);
  return owned;
}
function assignmentTable(workers, keyGroups = KEY_GROUPS) {
  const table = new Uint16Array(keyGroups);
  for (let g = 0; g < keyGroups; g++)
    table[g] = workerOfKeyGroup(g, workers, keyGroups);
  return table;
}

// dist/src/actors/step-codec.js
function windowInputOf(job) {
  return job.windowInput ?? WHOLE_EVENT;
}
function encodeSteps(events, parts, ownerOf, input) {
  const total = events.length;
  const owners = new Uint32Array(total);
  const counts = new Uint32Array(parts);
  for (let i = 0; i < total; i++) {
    const owner = ownerOf(events[i].key);
    owners[i] = owner;
    counts[owner]++;
  }
  const shares = Array.from({ length: parts }, (_, p) => new ShareBuilder(counts[p], input));
  for (let i = 0; i < total; i++) {
    const e = events[i];
    shares[owners[i]].push(e);
  }
  return shares.map((s) => s.finish());
}
var ShareBuilder = class {
  n;
  input;
  keys;
  buffer;
  timestamps;
  keyEnds;
  values;
  candidates;
  at = 0;
  keyEnd = 0;
  constructor(n, input) {
    this.n = n;
    this.input = input;
    this.keys = new Array(n);
    this.buffer = new ArrayBuffer(n * 12);
    this.timestamps = new Float64Array(this.buffer, 0, n);
    this.keyEnds = new Uint32Array(this.buffer, n * 8, n);
    this.values = input.values.builder(n);
  }
  push(e) {
    const i = this.at++;
    this.keys[i] = e.key;
    this.keyEnd += e.key.length;
    this.keyEnds[i] = this.keyEnd;
    this.timestamps[i] = e.timestamp;
    this.values.push(this.input.project(e.event));
    if (e.lateCandidate !== void 0)
      (this.candidates ??= []).push(i, e.lateCandidate);
  }
  finish() {
    if (this.at !== this.n)
      throw new Error(`a step share got ${this.at} events, ${this.n} expected`);
    const keys = this.keys.join("");
    const values = this.values.finish();
    return {
      columns: { n: this.n, keys, buffer: this.buffer, values: values.column, ...this.candidates ? { candidates: this.candidates } : {} },
      transfer: [this.buffer, ...values.transfer],
      // A string clones at up to 2 bytes per UTF-16 unit.
      bytes: this.buffer.byteLength + keys.length * 2 + values.bytes + (this.candidates?.length ?? 0) * 8
    };
  }
};
function forEachEvent(columns, input, add) {
  const { n, keys, buffer, candidates } = columns;
  const timestamps = new Float64Array(buffer, 0, n);
  const keyEnds = new Uint32Array(buffer, n * 8, n);
  const valueAt = input.values.reader(columns.values, n);
  let start = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const end = keyEnds[i];
    const key = keys.slice(start, end);
    const timestamp = timestamps[i];
    if (candidates !== void 0 && candidates[c] === i) {
      add(key, timestamp, input.rebuild(key, timestamp, valueAt(i)), candidates[c + 1]);
      c += 2;
    } else {
      add(key, timestamp, input.rebuild(key, timestamp, valueAt(i)));
    }
    start = end;
  }
}

// dist/src/streams/operators/windows.js
function windowSpecOf(options) {
  return options.assigner ?? { type: "tumbling", sizeMs: options.sizeMs };
}
function createWindowOperator(options, aggregate, store) {
  const spec = windowSpecOf(options);
  if (spec.type === "session")
    return new SessionWindowOperator(spec.gapMs, options.allowedLatenessMs, aggregate, store);
  return new AlignedWindowOperator(assignerFor(spec), options.allowedLatenessMs, aggregate, store);
}
var AlignedWindowOperator = class {
  assigner;
  allowedLatenessMs;
  aggregate;
  store;
  constructor(assigner, allowedLatenessMs, aggregate, store) {
    this.assigner = assigner;
    this.allowedLatenessMs = allowedLatenessMs;
    this.aggregate = aggregate;
    this.store = store;
    if (assigner.merging)
      throw new Error("AlignedWindowOperator takes tumbling or sliding windows");
  }
  isLate(timestamp, watermark) {
    return this.assigner.lastEnd(timestamp) - 1 + this.allowedLatenessMs <= watermark;
  }
  addEvent(key, timestamp, value, watermark, events) {
    let counted = false;
    for (const window of this.assigner.assign(timestamp)) {
      const refired = this.addTo(window, key, value, watermark);
      if (refired === LATE)
        continue;
      counted = true;
      events.touched(window.start);
      if (refired !== void 0)
        events.refired(refired);
    }
    return counted;
  }
  /** Add to one window: LATE, the corrected result of a window that had fired, or undefined. */
  addTo(window, key, value, watermark) {
    const lastMs = window.end - 1;
    if (lastMs + this.allowedLatenessMs <= watermark)
      return LATE;
    const existing = this.store.get(window.start, key);
    const entry = existing ?? { accumulator: this.aggregate.createAccumulator(), fired: false };
    entry.accumulator = this.aggregate.add(entry.accumulator, value);
    if (lastMs <= watermark) {
      entry.fired = true;
      this.store.put(window.start, key, entry);
      return this.aggregate.result(entry.accumulator, key, window);
    }
    this.store.put(window.start, key, entry);
    return void 0;
  }
  advance(watermark, onFired, beforeStateChanges) {
    const starts = [...this.store.windowStarts()].sort((a, b) => a - b);
    let purged = 0;
    for (const start of starts) {
      const window = { start, end: this.assigner.endOf(start) };
      const lastMs = window.end - 1;
      if (lastMs > watermark)
        break;
      const purge = lastMs + this.allowedLatenessMs <= watermark;
      const retained = [];
      for (const [key, entry] of this.store.entries(start)) {
        if (entry.fired)
          continue;
        onFired({ window, key, result: this.aggregate.result(entry.accumulator, key, window) });
        if (!purge)
          retained.push([key, { accumulator: entry.accumulator, fired: true }]);
      }
      beforeStateChanges?.();
      if (purge) {
        this.store.deleteWindow(start);
        starts[purged++] = start;
      } else {
        for (const [key, entry] of retained)
          this.store.put(start, key, entry);
      }
    }
    starts.length = purged;
    return starts;
  }
  expireWindow(start, onFired) {
    const window = { start, end: this.assigner.endOf(start) };
    for (const [key, entry] of this.store.entries(start)) {
      if (!entry.fired)
        onFired({ window, key, result: this.aggregate.result(entry.accumulator, key, window) });
    }
    this.store.deleteWindow(start);
  }
};
var LATE = Symbol("late");
var SessionWindowOperator = class {
  gapMs;
  allowedLatenessMs;
  aggregate;
  store;
  /** key -> its live sessions, ordered by start, disjoint. */
  sessions = /* @__PURE__ */ new Map();
  /** session start -> live sessions starting there (a start is "free" for the TTL bookkeeping at 0). */
  starts = /* @__PURE__ */ new Map();
  timers = new TimerHeap();
  constructor(gapMs, allowedLatenessMs, aggregate, store) {
    this.gapMs = gapMs;
    this.allowedLatenessMs = allowedLatenessMs;
    this.aggregate = aggregate;
    this.store = store;
    if (!aggregate.merge)
      throw new Error("session windows need an aggregate that can merge accumulators (AggregateFunction.merge)");
    const all = store.allEntries?.() ?? (function* () {
      for (const start of [...store.windowStarts()])
        for (const [key, entry] of store.entries(start))
          yield [start, key, entry];
    })();
    for (const [start, key, entry] of all) {
      const end = entry.end ?? start + gapMs;
      this.insert(key, { start, end });
      this.timers.push({ at: entry.fired ? end - 1 + allowedLatenessMs : end - 1, key, start, end });
    }
  }
  /** A merging window is never late before the key's sessions are seen: the worker decides. */
  isLate() {
    return false;
  }
  addEvent(key, timestamp, value, watermark, events) {
    const lateness = this.allowedLatenessMs;
    const isLate = (s) => s.end - 1 + lateness <= watermark;
    let merged = { start: timestamp, end: timestamp + this.gapMs };
    const list = this.sessions.get(key);
    const joined = [];
    if (list) {
      for (const s of list) {
        if (s.start <= merged.end && s.end >= merged.start && !isLate(s))
          joined.push(s);
      }
    }
    for (const s of joined)
      merged = { start: Math.min(merged.start, s.start), end: Math.max(merged.end, s.end) };
    if (isLate(merged))
      return false;
    let accumulator;
    for (const s of joined) {
      const entry = this.store.get(s.start, key);
      if (!entry)
        throw new Error(`session ${s.start}..${s.end} of key ${JSON.stringify(key)} has no state`);
      accumulator = accumulator === void 0 ? entry.accumulator : this.aggregate.merge(accumulator, entry.accumulator);
    }
    accumulator = this.aggregate.add(accumulator ?? this.aggregate.createAccumulator(), value);
    const unchanged = joined.length === 1 && joined[0].start === merged.start && joined[0].end === merged.end;
    for (const s of joined) {
      this.remove(key, s);
      if (s.start !== merged.start)
        this.store.delete(s.start, key);
    }
    this.insert(key, merged);
    const lastMs = merged.end - 1;
    const fired = lastMs <= watermark;
    this.store.put(merged.start, key, { accumulator, fired, end: merged.end });
    if (!unchanged)
      this.timers.push({ at: fired ? lastMs + lateness : lastMs, key, start: merged.start, end: merged.end });
    events.touched(merged.start);
    if (fired)
      events.refired(this.aggregate.result(accumulator, key, merged));
    return true;
  }
  advance(watermark, onFired) {
    const freed = [];
    for (let timer = this.timers.peek(); timer !== void 0 && timer.at <= watermark; timer = this.timers.peek()) {
      this.timers.pop();
      const { key, start, end } = timer;
      if (!this.isLive(key, start, end))
        continue;
      const entry = this.store.get(start, key);
      if (!entry)
        continue;
      const window = { start, end };
      if (!entry.fired)
        onFired({ window, key, result: this.aggregate.result(entry.accumulator, key, window) });
      if (end - 1 + this.allowedLatenessMs <= watermark) {
        this.store.delete(start, key);
        if (this.remove(key, { start, end }))
          freed.push(start);
      } else {
        if (!entry.fired)
          this.store.put(start, key, { accumulator: entry.accumulator, fired: true, end });
        this.timers.push({ at: end - 1 + this.allowedLatenessMs, key, start, end });
      }
    }
    return freed;
  }
  expireWindow(start, onFired) {
    for (const [key, entry] of [...this.store.entries(start)]) {
      const end = entry.end ?? start + this.gapMs;
      const window = { start, end };
      if (!entry.fired)
        onFired({ window, key, result: this.aggregate.result(entry.accumulator, key, window) });
      this.store.delete(start, key);
      this.remove(key, window);
    }
  }
  isLive(key, start, end) {
    const list = this.sessions.get(key);
    return list?.some((s) => s.start === start && s.end === end) ?? false;
  }
  insert(key, session) {
    let list = this.sessions.get(key);
    if (!list) {
      list = [];
      this.sessions.set(key, list);
    }
    let i = list.length;
    while (i > 0 && list[i - 1].start > session.start)
      i--;
    list.splice(i, 0, session);
    this.starts.set(session.start, (this.starts.get(session.start) ?? 0) + 1);
  }
  /** Forget a session; true when no live session starts where it did any more. */
  remove(key, session) {
    const list = this.sessions.get(key);
    const i = list ? list.findIndex((s) => s.start === session.start && s.end === session.end) : -1;
    if (!list || i < 0)
      return false;
    list.splice(i, 1);
    if (list.length === 0)
      this.sessions.delete(key);
    const left = (this.starts.get(session.start) ?? 1) - 1;
    if (left > 0) {
      this.starts.set(session.start, left);
      return false;
    }
    this.starts.delete(session.start);
    return true;
  }
};
var TimerHeap = class {
  items = [];
  push(timer) {
    const items = this.items;
    items.push(timer);
    let i = items.length - 1;
    while (i > 0) {
      const parent = i - 1 >> 1;
      if (!before(items[i], items[parent]))
        break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }
  peek() {
    return this.items[0];
  }
  pop() {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== void 0) {
      items[0] = last;
      let i = 0;
      for (; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && before(items[l], items[m]))
          m = l;
        if (r < items.length && before(items[r], items[m]))
          m = r;
        if (m === i)
          break;
        [items[i], items[m]] = [items[m], items[i]];
        i = m;
      }
    }
    return top;
  }
};
function before(a, b) {
  if (a.at !== b.at)
    return a.at < b.at;
  if (a.key !== b.key)
    return a.key < b.key;
  return a.start < b.start;
}

export {
  jobByName,
  loadJob,
  loadJobSource,
  EXIT_WAKE_UP,
  newExitFlag,
  requestExit,
  supervisedThread,
  KEY_GROUPS,
  keyGroupOf,
  keyGroupsOfWorker,
  assignmentTable,
  windowInputOf,
  encodeSteps,
  forEachEvent,
  windowSpecOf,
  createWindowOperator
};
