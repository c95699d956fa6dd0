import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  assignerFor
} from "./chunk-4T5SS3NF.js";

// dist/src/query/describe.js
var QUERY_HINTS = {
  clickstream: {
    keyName: "userId",
    keyDescription: "the userId",
    resultDescription: "one user's counts in one window: the Elasticsearch document shape",
    fieldDescriptions: {
      userId: "the key",
      windowStart: "epoch ms",
      windowEnd: "epoch ms, exclusive",
      count: "events in the window",
      byEventType: "events per eventType"
    },
    rank: { count: (acc) => acc.count },
    rankMaps: { byEventType: (acc, type) => acc.byEventType.get(type) ?? 0 },
    defaultRankBy: "count"
  }
};
function hintsFor(job) {
  if (job.source !== void 0)
    return {};
  return QUERY_HINTS[job.name] ?? {};
}
var SAMPLE_KEY = "sluice-query-sample-key";
function sampleWindow(windowMs) {
  const start = 1000003 * windowMs;
  return { start, end: start + windowMs };
}
function documentOfResult(job, result) {
  return job.toDocument ? job.toDocument(result) : result;
}
function aggregationJob(job, a) {
  const aggregation = job.aggregations?.[a];
  if (!aggregation)
    throw new Error(`job ${job.name} has no aggregation ${a}`);
  const { aggregations: _all, aggregationOf: _of, toDocument: _first, ...rest } = job;
  return {
    ...rest,
    aggregate: aggregation.aggregate,
    ...aggregation.results.toDocument ? { toDocument: aggregation.results.toDocument } : {},
    window: aggregation.window
  };
}
function sampleResult(job, windowMs) {
  const keys = [SAMPLE_KEY, ...Array.from({ length: 7 }, (_, i) => JSON.stringify(Array.from({ length: i + 2 }, () => SAMPLE_KEY)))];
  for (const key of keys) {
    try {
      const document = documentOfResult(job, job.aggregate.result(job.aggregate.createAccumulator(), key, sampleWindow(windowMs)));
      if (document !== void 0)
        return { document, key };
    } catch {
    }
  }
  return void 0;
}
function inferSchema(value, descriptions = {}) {
  if (typeof value === "string")
    return { type: "string" };
  if (typeof value === "number")
    return { type: "number" };
  if (typeof value === "boolean")
    return { type: "boolean" };
  if (Array.isArray(value))
    return { type: "array", items: {} };
  if (value !== null && typeof value === "object") {
    const properties = {};
    for (const [name, field] of Object.entries(value)) {
      const schema = inferSchema(field);
      properties[name] = descriptions[name] ? { ...schema, description: descriptions[name] } : schema;
    }
    return { type: "object", properties, additionalProperties: true };
  }
  return {};
}
function describeAggregations(job) {
  return (job.aggregations ?? []).map((aggregation, a) => {
    const d = describeJob(aggregationJob(job, a), assignerFor(aggregation.window).sizeMs, {});
    const schema = d.resultSchema;
    const properties = schema.properties?.aggregation ? { ...schema.properties, aggregation: { type: "string", const: aggregation.name, description: "the aggregation" } } : schema.properties;
    return {
      ...d,
      aggregation: aggregation.name,
      keyDescription: d.keyDescription.replace(/^the job's key/, `the key of aggregation ${aggregation.name}`),
      resultSchema: {
        ...d.resultSchema,
        ...properties ? { properties } : {},
        description: `a document of aggregation ${aggregation.name} of job ${job.name}, as its sinks write it`
      }
    };
  });
}
function describeJob(job, windowMs, hints = hintsFor(job)) {
  const sampled = sampleResult(job, windowMs);
  const sample = sampled?.document;
  const window = sampleWindow(windowMs);
  const fields = sample !== null && typeof sample === "object" && !Array.isArray(sample) ? Object.entries(sample) : [];
  const numeric = fields.filter(([, v]) => typeof v === "number" && !Number.isNaN(v) && v !== window.start && v !== window.end).map(([k]) => k);
  const maps = fields.filter(([, v]) => v !== null && typeof v === "object" && !Array.isArray(v)).map(([k]) => k);
  const rankFields = [.../* @__PURE__ */ new Set([...Object.keys(hints.rank ?? {}), ...numeric])];
  const rankMaps = [.../* @__PURE__ */ new Set([...Object.keys(hints.rankMaps ?? {}), ...maps])];
  const keyFields = fields.filter(([, v]) => v === SAMPLE_KEY || Number.isNaN(v)).map(([k]) => k);
  const composite = sampled !== void 0 && sampled.key !== SAMPLE_KEY;
  const keyField = keyFields.length > 0 ? keyFields.join("+") : void 0;
  const keyName = hints.keyName ?? keyField ?? "key";
  const resultSchema = sample === void 0 ? { description: "the job's result" } : inferSchema(sample, hints.fieldDescriptions);
  return {
    job: job.name,
    keyName,
    keyDescription: hints.keyDescription ?? (composite ? `the job's key: a JSON array of ${keyFields.join(", ")} (e.g. ["sku-1","eu"], URL-encoded in a path)` : `the job's key${keyField ? ` (${keyField} in results)` : ""}`),
    resultSchema: {
      ...resultSchema,
      description: hints.resultDescription ?? `a document of job ${job.name}, as its sinks write it`
    },
    rankFields,
    rankMaps,
    defaultRankBy: hints.defaultRankBy ?? rankFields[0]
  };
}
function rankReader(job, by, hints = hintsFor(job)) {
  const direct = hints.rank?.[by];
  if (direct)
    return (acc) => direct(acc);
  const dot = by.indexOf(".");
  if (dot > 0) {
    const field = by.slice(0, dot);
    const name = by.slice(dot + 1);
    const map = hints.rankMaps?.[field];
    if (map)
      return (acc) => map(acc, name);
    return (acc, key, window) => {
      const result = documentOfResult(job, job.aggregate.result(acc, key, window));
      const entries = result?.[field];
      const value = entries !== null && typeof entries === "object" && Object.hasOwn(entries, name) ? entries[name] : 0;
      return typeof value === "number" ? value : Number.NaN;
    };
  }
  return (acc, key, window) => {
    const result = documentOfResult(job, job.aggregate.result(acc, key, window));
    const value = result !== null && typeof result === "object" && Object.hasOwn(result, by) ? result[by] : void 0;
    return typeof value === "number" ? value : Number.NaN;
  };
}

// dist/src/query/select.js
var FirstN = class {
  n;
  order;
  /** Heap ordered so that the root is the LAST (worst) of the kept items. */
  heap = [];
  /** `order(a, b) < 0` when a comes before b. */
  constructor(n, order) {
    this.n = n;
    this.order = order;
  }
  get size() {
    return this.heap.length;
  }
  /** Whether an item this far in the order would be kept (skip building it when not). */
  wouldKeep(item) {
    if (this.n <= 0)
      return false;
    return this.heap.length < this.n || this.order(item, this.heap[0]) < 0;
  }
  offer(item) {
    if (this.n <= 0)
      return;
    const heap = this.heap;
    if (heap.length < this.n) {
      heap.push(item);
      this.up(heap.length - 1);
    } else if (this.order(item, heap[0]) < 0) {
      heap[0] = item;
      this.down(0);
    }
  }
  /** The kept items, first to last. */
  sorted() {
    return [...this.heap].sort(this.order);
  }
  up(i) {
    const heap = this.heap;
    while (i > 0) {
      const parent = i - 1 >> 1;
      if (this.order(heap[i], heap[parent]) <= 0)
        return;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }
  down(i) {
    const heap = this.heap;
    for (; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < heap.length && this.order(heap[l], heap[worst]) > 0)
        worst = l;
      if (r < heap.length && this.order(heap[r], heap[worst]) > 0)
        worst = r;
      if (worst === i)
        return;
      [heap[i], heap[worst]] = [heap[worst], heap[i]];
      i = worst;
    }
  }
};
function compareKeys(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
function compareRanked(a, b) {
  const va = Number.isFinite(a.value) ? a.value : Number.NEGATIVE_INFINITY;
  const vb = Number.isFinite(b.value) ? b.value : Number.NEGATIVE_INFINITY;
  if (va !== vb)
    return vb > va ? 1 : -1;
  return compareKeys(a.key, b.key);
}

export {
  documentOfResult,
  aggregationJob,
  describeAggregations,
  describeJob,
  rankReader,
  FirstN,
  compareKeys,
  compareRanked
};
