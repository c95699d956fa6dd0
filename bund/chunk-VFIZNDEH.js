import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  canonicalJson,
  sha256
} from "./chunk-YMRU26Q3.js";
import {
  describeWindow,
  windowSpecProblem
} from "./chunk-4T5SS3NF.js";
import {
  external_exports
} from "./chunk-MBHVQOUX.js";
import {
  ErrorCode,
  SluiceError
} from "./chunk-5F6N7MD3.js";

// dist/src/job/definition.js
import { createHash } from "node:crypto";
function jobDescriptor(job, window, allowedLatenessMs) {
  const parts = {
    window,
    allowedLatenessMs,
    ...job.stateShape ? { key: [...job.stateShape.key], aggregates: structuredClone(job.stateShape.aggregates) } : {},
    ...job.stateShape?.aggregations ? { aggregations: structuredClone(job.stateShape.aggregations) } : {},
    ...job.stateLayout ? { stateLayout: job.stateLayout } : {}
  };
  const hash = job.definitionHash ?? createHash("sha256").update(canonicalJson({ name: job.name, ...parts })).digest("hex");
  return { hash, ...parts };
}
function compareDescriptors(then, now, restoring) {
  const refusals = [];
  const notes = [];
  if (then.aggregations || now.aggregations) {
    compareAggregations(then.aggregations, now.aggregations, refusals, notes);
  } else if (canonicalJson(then.window) !== canonicalJson(now.window)) {
    refusals.push(`its windows are ${describeWindow(then.window)}, this job's are ${describeWindow(now.window)} (window state belongs to windows of one shape)`);
  }
  if (!then.aggregations && !now.aggregations)
    compareKeyAndAggregates(then, now, "", refusals, notes);
  if (restoring === "checkpoint" && (then.stateLayout ?? "") !== (now.stateLayout ?? "")) {
    refusals.push(`its accumulators are kept as ${then.stateLayout ?? "another job kept them"}, this job keeps them as ${now.stateLayout ?? "its own"}; move the state through a savepoint (\`sluice stop --savepoint\` with the old job, \`sluice run --from-savepoint PATH\` with the new one)`);
  }
  if (then.allowedLatenessMs !== now.allowedLatenessMs)
    notes.push(`the allowed lateness was ${then.allowedLatenessMs} ms, it is now ${now.allowedLatenessMs} ms`);
  if (refusals.length === 0 && then.hash !== now.hash)
    notes.push(`the job definition changed (${then.hash.slice(0, 12)} -> ${now.hash.slice(0, 12)}) in ways its state does not depend on`);
  return { refusals, notes };
}
function compareKeyAndAggregates(then, now, of, refusals, notes) {
  if (then.key && now.key && canonicalJson(then.key) !== canonicalJson(now.key)) {
    refusals.push(`${of}its key is ${then.key.join(" + ")}, this job's is ${now.key.join(" + ")} (window state is per key)`);
  }
  if (then.aggregates && now.aggregates) {
    for (const [name, shape] of Object.entries(now.aggregates)) {
      const before = Object.hasOwn(then.aggregates, name) ? then.aggregates[name] : void 0;
      if (!before)
        notes.push(`${of}aggregate ${name} is new: it starts empty in the windows open at the restore point`);
      else if (before.type !== shape.type || before.field !== shape.field) {
        refusals.push(`${of}aggregate ${name} was ${describeAggregate(before)}, it is now ${describeAggregate(shape)} (rename it to start it afresh)`);
      }
    }
    for (const name of Object.keys(then.aggregates)) {
      if (!Object.hasOwn(now.aggregates, name))
        notes.push(`${of}aggregate ${name} was removed: its state is dropped`);
    }
  }
}
function compareAggregations(then, now, refusals, notes) {
  const names = (list) => list ? list.map((a) => a.name).join(", ") : "one (no aggregations:)";
  if (!then || !now || names(then) !== names(now)) {
    refusals.push(`its aggregations are ${names(then)}, this job's are ${names(now)} (state of a job with several aggregations restores only into the same aggregations, in the same order)`);
    return;
  }
  then.forEach((before, i) => {
    const after = now[i];
    const of = `aggregation ${after.name}: `;
    if (canonicalJson(before.window) !== canonicalJson(after.window))
      refusals.push(`${of}its windows were ${describeWindow(before.window)}, they are now ${describeWindow(after.window)}`);
    compareKeyAndAggregates(before, after, of, refusals, notes);
  });
}
function describeAggregate(shape) {
  return shape.field === void 0 ? shape.type : `${shape.type} of ${shape.field}`;
}
function descriptorProblem(value) {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    return "not an object";
  const d = value;
  if (typeof d.hash !== "string")
    return "no hash";
  if (d.window === null || typeof d.window !== "object")
    return "no window";
  const problem = windowSpecProblem(d.window);
  if (problem)
    return `window: ${problem}`;
  if (!Number.isSafeInteger(d.allowedLatenessMs))
    return "no allowedLatenessMs";
  if (d.key !== void 0 && (!Array.isArray(d.key) || !d.key.every((k) => typeof k === "string")))
    return "key is not a list of field names";
  if (d.aggregates !== void 0) {
    if (d.aggregates === null || typeof d.aggregates !== "object" || Array.isArray(d.aggregates))
      return "aggregates is not an object";
    for (const shape of Object.values(d.aggregates)) {
      if (shape === null || typeof shape !== "object" || typeof shape.type !== "string" || shape.field !== void 0 && typeof shape.field !== "string")
        return "an aggregate is not { type, field }";
    }
  }
  if (d.stateLayout !== void 0 && typeof d.stateLayout !== "string")
    return "stateLayout is not a string";
  if (d.aggregations !== void 0) {
    if (!Array.isArray(d.aggregations))
      return "aggregations is not a list";
    for (const a of d.aggregations) {
      const shape = a;
      if (shape === null || typeof shape !== "object" || typeof shape.name !== "string")
        return "an aggregation has no name";
      if (shape.window === null || typeof shape.window !== "object" || windowSpecProblem(shape.window))
        return `aggregation ${shape.name} has no usable window`;
      const problem2 = descriptorProblem({
        hash: "-",
        window: shape.window,
        allowedLatenessMs: 0,
        key: shape.key,
        aggregates: shape.aggregates
      });
      if (problem2)
        return `aggregation ${shape.name}: ${problem2}`;
    }
  }
  return void 0;
}

// dist/src/state/savepoints/savepoint-format.js
var SAVEPOINT_FORMAT_VERSION = 2;
var MANIFEST_FILE = "manifest.json";
var KEY_GROUP_DIR = "keygroups";
var MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
var MAX_KEY_GROUP_FILE_BYTES = 256 * 1024 * 1024;
function keyGroupFile(keyGroup) {
  return `${KEY_GROUP_DIR}/kg-${String(keyGroup).padStart(3, "0")}.ndjson`;
}
function savepointName(checkpointId, at) {
  const stamp = new Date(at).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  return `savepoint-${checkpointId}-${stamp}`;
}
function manifestChecksum(manifest) {
  const { sha256: _ignored, ...rest } = manifest;
  return sha256(canonicalJson(rest));
}
var int = external_exports.number().int();
var placementSchema = external_exports.object({
  offsets: external_exports.record(external_exports.string().regex(/^\d+$/), int.min(0)),
  maxTimestamps: external_exports.record(external_exports.string().regex(/^\d+$/), int.nullable()),
  watermark: int.nullable(),
  stageWatermark: int.nullable()
});
var fileSchema = external_exports.object({
  keyGroup: int.min(0),
  path: external_exports.string().regex(/^keygroups\/kg-\d{3}\.ndjson$/),
  entries: int.min(0),
  sha256: external_exports.string().regex(/^[0-9a-f]{64}$/)
});
var manifestV1 = external_exports.object({
  formatVersion: external_exports.literal(1),
  sluiceVersion: external_exports.string(),
  createdAt: external_exports.string(),
  checkpointId: int.min(1),
  source: external_exports.object({ topic: external_exports.string(), groupId: external_exports.string() }),
  keyGroups: int.min(1),
  workers: int.min(1),
  windowMs: int.min(1),
  placement: placementSchema,
  files: external_exports.array(fileSchema),
  sha256: external_exports.string()
});
var definitionSchema = external_exports.custom((v) => descriptorProblem(v) === void 0, {
  message: "not a job definition { hash, window, allowedLatenessMs, key?, aggregates?, stateLayout? }"
});
var manifestV2 = manifestV1.extend({ formatVersion: external_exports.literal(2), job: external_exports.string().min(1), definition: definitionSchema.optional() });
var entryBase = { windowStart: int, key: external_exports.string().min(1), fired: external_exports.boolean() };
var countsObject = external_exports.custom((v) => v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).every((k) => Number.isSafeInteger(v[k]) && v[k] >= 0), { message: "an object of non-negative integer counts" });
var entryV1 = external_exports.object({ ...entryBase, byEventType: countsObject });
var entryV2 = external_exports.object({ ...entryBase, accumulator: external_exports.unknown(), windowEnd: int.optional() });
var SCHEMAS = {
  1: { manifest: manifestV1, entry: entryV1 },
  2: { manifest: manifestV2, entry: entryV2 }
};
var MIGRATIONS = {
  1: {
    manifest: (m) => ({ ...m, formatVersion: 2, job: "clickstream" }),
    entry: (raw) => {
      const e = raw;
      const pairs = Object.keys(e.byEventType).sort().map((type) => [type, e.byEventType[type]]);
      const count = pairs.reduce((sum, [, n]) => sum + n, 0);
      return { windowStart: e.windowStart, key: e.key, fired: e.fired, accumulator: { count, byEventType: pairs } };
    }
  }
};
function invalid(message, details = {}, cause) {
  return new SluiceError(ErrorCode.SAVEPOINT_INVALID, message, { details, ...cause === void 0 ? {} : { cause } });
}
function checkVersion(version, where) {
  if (!Number.isSafeInteger(version))
    throw invalid(`${where} has no formatVersion`);
  const v = version;
  if (v > SAVEPOINT_FORMAT_VERSION) {
    throw invalid(`${where} has format version ${v}, newer than this sluice reads (1 to ${SAVEPOINT_FORMAT_VERSION}); restore it with a newer sluice`, { formatVersion: v });
  }
  if (!SCHEMAS[v])
    throw invalid(`${where} has format version ${v}, which no sluice ever wrote (this one reads 1 to ${SAVEPOINT_FORMAT_VERSION})`, {
      formatVersion: v
    });
  return v;
}
function describe(err) {
  return err.issues.slice(0, 3).map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`).join("; ");
}
function upgradeManifest(raw, where) {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    throw invalid(`${where} is not a JSON object`);
  const record = raw;
  if (typeof record.sha256 !== "string" || manifestChecksum(record) !== record.sha256) {
    throw invalid(`${where} is damaged: its checksum does not verify`);
  }
  const from = checkVersion(record.formatVersion, where);
  let value = raw;
  for (let v = from; v <= SAVEPOINT_FORMAT_VERSION; v++) {
    const parsed = SCHEMAS[v].manifest.safeParse(value);
    if (!parsed.success)
      throw invalid(`${where} (format ${v}) is malformed: ${describe(parsed.error)}`);
    value = v < SAVEPOINT_FORMAT_VERSION ? MIGRATIONS[v].manifest(parsed.data) : parsed.data;
  }
  const manifest = value;
  const groups = /* @__PURE__ */ new Set();
  for (const file of manifest.files) {
    if (file.keyGroup >= manifest.keyGroups || groups.has(file.keyGroup) || file.path !== keyGroupFile(file.keyGroup)) {
      throw invalid(`${where} lists key group ${file.keyGroup} (${file.path}) twice, out of range or under another name`);
    }
    groups.add(file.keyGroup);
  }
  return manifest;
}
function upgradeEntry(raw, fromVersion, where) {
  let value = raw;
  for (let v = fromVersion; v <= SAVEPOINT_FORMAT_VERSION; v++) {
    const parsed = SCHEMAS[v].entry.safeParse(value);
    if (!parsed.success)
      throw invalid(`${where} (format ${v}) holds a malformed entry: ${describe(parsed.error)}`);
    value = v < SAVEPOINT_FORMAT_VERSION ? MIGRATIONS[v].entry(parsed.data) : parsed.data;
  }
  return value;
}

export {
  jobDescriptor,
  compareDescriptors,
  SAVEPOINT_FORMAT_VERSION,
  MANIFEST_FILE,
  KEY_GROUP_DIR,
  MAX_MANIFEST_BYTES,
  MAX_KEY_GROUP_FILE_BYTES,
  keyGroupFile,
  savepointName,
  manifestChecksum,
  upgradeManifest,
  upgradeEntry
};
