import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  FirstN,
  aggregationJob,
  compareKeys,
  compareRanked,
  documentOfResult,
  rankReader
} from "../chunk-VUDITE4Y.js";
import {
  createWindowOperator,
  forEachEvent,
  jobByName,
  keyGroupOf,
  loadJobSource,
  supervisedThread,
  windowInputOf
} from "../chunk-GVLRBWAU.js";
import "../chunk-XURSPE6P.js";
import "../chunk-HIIISYGC.js";
import "../chunk-OY2TSX2N.js";
import "../chunk-YMRU26Q3.js";
import {
  assignerFor
} from "../chunk-4T5SS3NF.js";
import "../chunk-NB6JYZCG.js";
import {
  ErrorCode,
  SluiceError,
  serializeError
} from "../chunk-5F6N7MD3.js";
import "../chunk-HEGIUYW6.js";

// dist/src/actors/window-worker.js
import { parentPort } from "node:worker_threads";

// dist/src/state/lmdb-window-store.js
import { open, TransactionFlags } from "lmdb";
import { mkdirSync } from "node:fs";

// dist/src/state/commit-budget.js
var INITIAL_MICROS_PER_UNIT = 10;
var MIN_MEASURED_UNITS = 1e3;
var LEARNING_RATE = 0.3;
var MIN_MICROS_PER_UNIT = 0.25;
var MAX_MICROS_PER_UNIT = 100;
var CommitBudget = class {
  setting;
  microsPerUnit = INITIAL_MICROS_PER_UNIT;
  constructor(setting) {
    this.setting = setting;
  }
  /** The buffer's cost, in units, at which an early commit is due. */
  get units() {
    if ("units" in this.setting)
      return this.setting.units;
    return Math.max(1, Math.floor(this.setting.ms * 1e3 / this.microsPerUnit));
  }
  /** A commit of `units` took `ms`: learn what a unit costs (a fixed unit budget ignores it). */
  observe(units, ms) {
    if ("units" in this.setting || units < MIN_MEASURED_UNITS || !(ms >= 0))
      return;
    const measured = Math.min(MAX_MICROS_PER_UNIT, Math.max(MIN_MICROS_PER_UNIT, ms * 1e3 / units));
    this.microsPerUnit += LEARNING_RATE * (measured - this.microsPerUnit);
  }
  /** What a unit is estimated to cost now (µs). */
  get estimatedMicrosPerUnit() {
    return this.microsPerUnit;
  }
};

// dist/src/state/lmdb-window-store.js
var DISK_UPDATE_WEIGHT = 6;
var DEFAULT_COMMIT_BUDGET_MS = 80;
var STEP_COMMIT = TransactionFlags.ABORTABLE | TransactionFlags.SYNCHRONOUS_COMMIT | TransactionFlags.NO_SYNC_FLUSH;
var DELETE_SLICE = 1e4;
var DELETED = Symbol("deleted");
var LmdbWindowStore = class {
  env;
  db;
  undo;
  /** The last barrier seen; undefined before the first (nothing to roll back to: state is dropped). */
  epoch;
  /** Entries already saved in this epoch's undo log (bounded by the entries changed since the barrier). */
  saved = /* @__PURE__ */ new Set();
  changedThisEpoch = 0;
  keyGroups;
  keyGroupOf;
  /** Writes not yet committed: window start -> key -> entry, or DELETED (one entry deleted). */
  pending = /* @__PURE__ */ new Map();
  pendingEntries = 0;
  /** Windows whose entries on disk are to be deleted at the next commit. */
  pendingWindowDeletes = /* @__PURE__ */ new Set();
  /** Window starts with entries on disk (committed): a window not here is read from the buffer only. */
  diskWindows = /* @__PURE__ */ new Set();
  /** Window starts holding state, with their entry count: small (one per open window). */
  windows = /* @__PURE__ */ new Map();
  writeBufferEntries;
  commitBudget;
  commitBudgetAgeMs;
  now;
  /** When each live window got its first write in this store's life (the commit budget's age). */
  bornAt = /* @__PURE__ */ new Map();
  /** Birth of each window with buffered writes; and the oldest of them, recomputed when stale. */
  pendingBirths = /* @__PURE__ */ new Map();
  oldestPendingBirth;
  oldestPendingStale = false;
  /** Buffered writes that change (or delete) an entry already on disk. */
  pendingDiskUpdates = 0;
  /** What the last `get` found on disk; forgotten whenever the disk changes. */
  lastRead;
  constructor(options) {
    mkdirSync(options.path, { recursive: true });
    this.env = open({ path: options.path, mapSize: options.mapSize ?? 64 * 1024 ** 3 });
    this.db = this.env.openDB({ name: "windows" });
    this.undo = this.env.openDB({ name: "undo" });
    this.keyGroups = [...options.keyGroups].sort((a, b) => a - b);
    this.keyGroupOf = options.keyGroupOf;
    this.writeBufferEntries = Math.max(1, options.writeBufferEntries ?? 1);
    this.commitBudget = new CommitBudget(options.commitBudget === void 0 ? { ms: options.commitBudgetMs ?? DEFAULT_COMMIT_BUDGET_MS } : { units: Math.max(1, options.commitBudget) });
    this.commitBudgetAgeMs = Math.max(0, options.commitBudgetAgeMs ?? 2e3);
    this.now = options.now ?? (() => performance.now());
    if (options.clear) {
      this.db.clearSync();
      this.undo.clearSync();
    } else
      this.rebuildIndex();
  }
  get(windowStart, key) {
    const buffered = this.pending.get(windowStart)?.get(key);
    if (buffered)
      return buffered === DELETED ? void 0 : buffered;
    const entry = this.readsDisk(windowStart) ? this.db.get([this.keyGroupOf(key), windowStart, key]) : void 0;
    this.lastRead = { windowStart, key, existed: entry !== void 0 };
    return entry;
  }
  put(windowStart, key, entry) {
    let window = this.pending.get(windowStart);
    if (!window) {
      window = /* @__PURE__ */ new Map();
      this.pending.set(windowStart, window);
      this.bufferWindow(windowStart);
    }
    const buffered = window.get(key);
    if (buffered === void 0)
      this.pendingEntries++;
    const onDisk = buffered === void 0 && this.existsOnDisk(windowStart, key);
    const isNew = buffered === DELETED || buffered === void 0 && !onDisk;
    if (onDisk)
      this.pendingDiskUpdates++;
    window.set(key, entry);
    if (isNew)
      this.windows.set(windowStart, (this.windows.get(windowStart) ?? 0) + 1);
  }
  /** Delete one entry (session windows): buffered as a tombstone until the next commit. */
  delete(windowStart, key) {
    let window = this.pending.get(windowStart);
    const buffered = window?.get(key);
    if (buffered === DELETED)
      return;
    const existed = buffered !== void 0 || this.existsOnDisk(windowStart, key);
    if (!existed)
      return;
    if (!window) {
      window = /* @__PURE__ */ new Map();
      this.pending.set(windowStart, window);
      this.bufferWindow(windowStart);
    }
    if (buffered === void 0) {
      this.pendingEntries++;
      this.pendingDiskUpdates++;
    }
    window.set(key, DELETED);
    const left = (this.windows.get(windowStart) ?? 1) - 1;
    if (left > 0)
      this.windows.set(windowStart, left);
    else {
      this.windows.delete(windowStart);
      this.bornAt.delete(windowStart);
    }
  }
  bufferWindow(windowStart) {
    let born = this.bornAt.get(windowStart);
    if (born === void 0) {
      born = this.now();
      this.bornAt.set(windowStart, born);
    }
    this.pendingBirths.set(windowStart, born);
    if (!this.oldestPendingStale && (this.oldestPendingBirth === void 0 || born < this.oldestPendingBirth))
      this.oldestPendingBirth = born;
  }
  unbufferWindow(windowStart) {
    const born = this.pendingBirths.get(windowStart);
    if (born === void 0)
      return;
    this.pendingBirths.delete(windowStart);
    if (born === this.oldestPendingBirth)
      this.oldestPendingStale = true;
  }
  /** Whether window `windowStart` may have live entries on disk. */
  readsDisk(windowStart) {
    return this.diskWindows.has(windowStart) && !this.pendingWindowDeletes.has(windowStart);
  }
  /** The operator reads an entry right before it writes it: reuse that read instead of a second one. */
  existsOnDisk(windowStart, key) {
    const last = this.lastRead;
    this.lastRead = void 0;
    if (last && last.windowStart === windowStart && last.key === key)
      return last.existed;
    return this.readsDisk(windowStart) && this.db.doesExist([this.keyGroupOf(key), windowStart, key]);
  }
  windowStarts() {
    return this.windows.keys();
  }
  /** Every entry: one range scan per key group, merged with what is buffered. */
  *allEntries() {
    const pending = [...this.pending].map(([start, window]) => [start, new Map(window)]);
    const overrides = new Map(pending);
    for (const [start, window] of pending)
      for (const [key, entry] of window)
        if (entry !== DELETED)
          yield [start, key, entry];
    for (const keyGroup of this.keyGroups) {
      for (const { key, value } of this.db.getRange({ start: [keyGroup], end: [keyGroup + 1] })) {
        const [, start, k] = key;
        if (this.pendingWindowDeletes.has(start) || overrides.get(start)?.has(k))
          continue;
        yield [start, k, value];
      }
    }
  }
  /**
   * The buffered entries of a window, then those on disk the buffer does not override. The buffer
   * is copied first: the caller may put entries of this window while it iterates (firing marks
   * them fired), and those must not come round again.
   */
  *entries(windowStart) {
    const buffered = [...this.pending.get(windowStart) ?? []];
    for (const [key, entry] of buffered)
      if (entry !== DELETED)
        yield [key, entry];
    if (!this.readsDisk(windowStart))
      return;
    const overridden = new Set(buffered.map(([key]) => key));
    for (const keyGroup of this.keyGroups) {
      for (const { key, value } of this.db.getRange({ start: [keyGroup, windowStart], end: [keyGroup, windowStart + 1] })) {
        if (!overridden.has(key[2]))
          yield [key[2], value];
      }
    }
  }
  deleteWindow(windowStart) {
    this.pendingEntries -= this.pending.get(windowStart)?.size ?? 0;
    this.pending.delete(windowStart);
    this.unbufferWindow(windowStart);
    this.bornAt.delete(windowStart);
    if (this.diskWindows.has(windowStart))
      this.pendingWindowDeletes.add(windowStart);
    this.windows.delete(windowStart);
  }
  /** The end of a step: commit if the write buffer is full, or over its commit budget for long enough; else keep buffering. */
  endStep() {
    if (this.buffered >= this.writeBufferEntries || this.pendingCost >= this.commitBudget.units && this.oldestPendingAgeMs() >= this.commitBudgetAgeMs) {
      this.commit();
    }
  }
  /** How long the oldest window with buffered writes has lived (0: none). */
  oldestPendingAgeMs() {
    if (this.oldestPendingStale) {
      this.oldestPendingBirth = void 0;
      for (const born of this.pendingBirths.values())
        if (this.oldestPendingBirth === void 0 || born < this.oldestPendingBirth)
          this.oldestPendingBirth = born;
      this.oldestPendingStale = false;
    }
    return this.oldestPendingBirth === void 0 ? 0 : this.now() - this.oldestPendingBirth;
  }
  /** Writes buffered and not yet committed (entries, and windows to delete). */
  get buffered() {
    return this.pendingEntries + this.pendingWindowDeletes.size;
  }
  /** What committing the buffer would cost, in units: each buffered entry once, those on disk DISK_UPDATE_WEIGHT in all. */
  get pendingCost() {
    return this.pendingEntries + (DISK_UPDATE_WEIGHT - 1) * this.pendingDiskUpdates;
  }
  /** Apply every buffered write in one transaction (saving undo entries first in an epoch). */
  commit() {
    if (this.pendingEntries === 0 && this.pendingWindowDeletes.size === 0)
      return;
    const units = this.pendingWindowDeletes.size === 0 ? this.pendingCost : 0;
    const startedAt = this.now();
    this.db.transactionSync(() => {
      for (const start of this.pendingWindowDeletes) {
        for (const keyGroup of this.keyGroups) {
          for (; ; ) {
            const keys = [...this.db.getKeys({ start: [keyGroup, start], end: [keyGroup, start + 1], limit: DELETE_SLICE })];
            for (const key of keys) {
              this.saveUndo(key);
              this.db.removeSync(key);
            }
            if (keys.length < DELETE_SLICE)
              break;
          }
        }
      }
      for (const [start, window] of this.pending) {
        for (const [key, entry] of window) {
          const stateKey = [this.keyGroupOf(key), start, key];
          this.saveUndo(stateKey);
          if (entry === DELETED)
            this.db.removeSync(stateKey);
          else
            this.db.putSync(stateKey, entry);
        }
      }
    }, STEP_COMMIT);
    this.commitBudget.observe(units, this.now() - startedAt);
    for (const start of this.pendingWindowDeletes)
      this.diskWindows.delete(start);
    for (const start of this.pending.keys())
      this.diskWindows.add(start);
    this.clearPending();
  }
  /** Drop what is buffered, and the last read (the disk changed, or the buffer did). */
  clearPending() {
    this.lastRead = void 0;
    this.pending.clear();
    this.pendingBirths.clear();
    this.oldestPendingBirth = void 0;
    this.oldestPendingStale = false;
    this.pendingEntries = 0;
    this.pendingDiskUpdates = 0;
    this.pendingWindowDeletes.clear();
  }
  /**
   * Barrier `epoch`: the state as of now is what checkpoint `epoch` holds. Commits what is buffered
   * and starts a new undo log; await `flushed()` before acknowledging the barrier.
   * Returns the entries changed since the previous barrier (the incremental size).
   */
  barrier(epoch) {
    this.commit();
    const changed = this.changedThisEpoch;
    this.epoch = epoch;
    this.saved.clear();
    this.changedThisEpoch = 0;
    return changed;
  }
  /** Resolves once every commit so far is on disk. */
  async flushed() {
    await this.env.flushed;
  }
  /**
   * Bring the live state back to what it was at barrier `epoch`: undo logs of epochs >= `epoch`
   * are applied newest first, then dropped (older ones stay, for older retained checkpoints).
   * Returns the entries restored.
   */
  rollbackTo(epoch) {
    this.clearPending();
    const epochs = /* @__PURE__ */ new Set();
    for (const key of this.undo.getKeys({ start: [epoch] }))
      epochs.add(key[0]);
    let restored = 0;
    this.db.transactionSync(() => {
      for (const e of [...epochs].sort((a, b) => b - a)) {
        for (const { key, value } of this.undo.getRange({ start: [e], end: [e + 1] })) {
          const stateKey = [key[1], key[2], key[3]];
          if (value.absent)
            this.db.removeSync(stateKey);
          else
            this.db.putSync(stateKey, value.entry);
          restored++;
        }
      }
      for (; ; ) {
        const keys = [...this.undo.getKeys({ start: [epoch], limit: DELETE_SLICE })];
        for (const key of keys)
          this.undo.removeSync(key);
        if (keys.length < DELETE_SLICE)
          break;
      }
    });
    this.epoch = epoch;
    this.saved.clear();
    this.changedThisEpoch = 0;
    this.rebuildIndex();
    return restored;
  }
  /** Undo logs older than `epoch` are no longer needed (checkpoint `epoch` is the oldest kept). */
  pruneBefore(epoch) {
    this.db.transactionSync(() => {
      for (; ; ) {
        const keys = [...this.undo.getKeys({ end: [epoch], limit: DELETE_SLICE })];
        for (const key of keys)
          this.undo.removeSync(key);
        if (keys.length < DELETE_SLICE)
          break;
      }
    }, STEP_COMMIT);
  }
  /**
   * A read snapshot of the state as of now (what is buffered is committed first). LMDB is MVCC: later
   * commits never change what a snapshot shows, so a savepoint is written from it while steps go on.
   * Call `done()` when finished: an open snapshot keeps LMDB from reusing the pages freed meanwhile.
   */
  snapshot() {
    this.commit();
    const db = this.db;
    const transaction = db.useReadTransaction();
    return {
      *keyGroup(keyGroup) {
        for (const { key, value } of db.getRange({ start: [keyGroup], end: [keyGroup + 1], transaction }))
          yield [key[1], key[2], value];
      },
      done: () => transaction.done()
    };
  }
  /**
   * Add entries to the state (a savepoint's import into an empty store, before the first barrier),
   * in transactions of at most 10,000 entries. Returns how many were loaded.
   */
  load(entries) {
    this.commit();
    this.lastRead = void 0;
    let loaded = 0;
    let slice = [];
    const flush = () => {
      if (slice.length === 0)
        return;
      const batch = slice;
      this.db.transactionSync(() => {
        for (const [key, entry] of batch)
          this.db.putSync(key, entry);
      });
      slice = [];
    };
    for (const e of entries) {
      slice.push([[e.keyGroup, e.windowStart, e.key], e.entry]);
      loaded++;
      if (slice.length >= DELETE_SLICE)
        flush();
    }
    flush();
    this.rebuildIndex();
    return loaded;
  }
  /** Drop all state and undo logs (no checkpoint to restore). */
  clearAll() {
    this.clearPending();
    this.db.clearSync();
    this.undo.clearSync();
    this.epoch = void 0;
    this.saved.clear();
    this.windows.clear();
    this.bornAt.clear();
    this.diskWindows.clear();
  }
  /** Inside a write transaction: the first change of an entry in this epoch saves its old value. */
  saveUndo(stateKey) {
    if (this.epoch === void 0)
      return;
    const id = `${stateKey[0]}\0${stateKey[1]}\0${stateKey[2]}`;
    if (this.saved.has(id))
      return;
    this.saved.add(id);
    this.changedThisEpoch++;
    const before = this.db.get(stateKey);
    this.undo.putSync([this.epoch, ...stateKey], before === void 0 ? { absent: true } : { absent: false, entry: before });
  }
  /** (key, window) entries held. */
  get size() {
    let n = 0;
    for (const count of this.windows.values())
      n += count;
    return n;
  }
  async close() {
    this.commit();
    await this.env.close();
  }
  rebuildIndex() {
    this.windows.clear();
    this.diskWindows.clear();
    for (const keyGroup of this.keyGroups) {
      for (const key of this.db.getKeys({ start: [keyGroup], end: [keyGroup + 1] })) {
        const start = key[1];
        this.windows.set(start, (this.windows.get(start) ?? 0) + 1);
        this.diskWindows.add(start);
      }
    }
    for (const start of this.bornAt.keys())
      if (!this.windows.has(start))
        this.bornAt.delete(start);
  }
};

// dist/src/streams/operators/aggregation-windows.js
function storedStart(start, a, n) {
  return start * n + a;
}
function splitStoredStart(stored, n) {
  const a = (stored % n + n) % n;
  return { a, start: (stored - a) / n };
}
var AggregationStoreView = class {
  store;
  a;
  n;
  constructor(store, a, n) {
    this.store = store;
    this.a = a;
    this.n = n;
  }
  get(windowStart, key) {
    return this.store.get(storedStart(windowStart, this.a, this.n), key);
  }
  put(windowStart, key, entry) {
    this.store.put(storedStart(windowStart, this.a, this.n), key, entry);
  }
  *windowStarts() {
    for (const stored of this.store.windowStarts()) {
      const { a, start } = splitStoredStart(stored, this.n);
      if (a === this.a)
        yield start;
    }
  }
  entries(windowStart) {
    return this.store.entries(storedStart(windowStart, this.a, this.n));
  }
  deleteWindow(windowStart) {
    this.store.deleteWindow(storedStart(windowStart, this.a, this.n));
  }
  delete(windowStart, key) {
    this.store.delete(storedStart(windowStart, this.a, this.n), key);
  }
  *allEntries() {
    const all = this.store.allEntries?.() ?? (function* (store) {
      for (const s of [...store.windowStarts()])
        for (const [key, entry] of store.entries(s))
          yield [s, key, entry];
    })(this.store);
    for (const [stored, key, entry] of all) {
      const { a, start } = splitStoredStart(stored, this.n);
      if (a === this.a)
        yield [start, key, entry];
    }
  }
};
var AggregationsWindowOperator = class {
  aggregationOf;
  operators;
  n;
  constructor(aggregations, aggregationOf, store) {
    this.aggregationOf = aggregationOf;
    this.n = aggregations.length;
    this.operators = aggregations.map((agg, a) => createWindowOperator({ sizeMs: 0, allowedLatenessMs: agg.allowedLatenessMs, assigner: agg.window }, agg.aggregate, new AggregationStoreView(store, a, aggregations.length)));
  }
  /** Late only when it is late for every aggregation (each judges with its own windows and lateness). */
  isLate(timestamp, watermark) {
    return this.operators.every((op) => op.isLate(timestamp, watermark));
  }
  addEvent(key, timestamp, value, watermark, events) {
    const a = this.aggregationOf(value);
    const operator = this.operators[a];
    if (!operator)
      throw new Error(`an event for aggregation ${a}; the job has ${this.n}`);
    const n = this.n;
    return operator.addEvent(key, timestamp, value, watermark, {
      // The actor's TTL bookkeeping is by stored start: expireWindow gets it back.
      touched: (start) => events.touched(storedStart(start, a, n)),
      refired: events.refired
    });
  }
  advance(watermark, onFired, beforeStateChanges) {
    const purged = [];
    this.operators.forEach((op, a) => {
      for (const start of op.advance(watermark, onFired, beforeStateChanges))
        purged.push(storedStart(start, a, this.n));
    });
    return purged;
  }
  expireWindow(stored, onFired) {
    const { a, start } = splitStoredStart(stored, this.n);
    this.operators[a]?.expireWindow(start, onFired);
  }
};

// dist/src/query/worker-query.js
function scopeOf(query, ctx) {
  const aggregations = ctx.job.aggregations;
  const a = query.aggregation;
  if (!aggregations) {
    if (a !== void 0)
      throw badAggregation(`job ${ctx.job.name} has one aggregation: a query names none (got ${a})`);
    return { state: ctx.state, job: ctx.job, windowMs: ctx.windowMs };
  }
  const names = aggregations.map((g) => g.name).join(", ");
  if (a === void 0)
    throw badAggregation(`job ${ctx.job.name} has several aggregations (${names}): a query must name one`);
  const aggregation = Number.isSafeInteger(a) ? aggregations[a] : void 0;
  if (!aggregation)
    throw badAggregation(`job ${ctx.job.name} has no aggregation ${a} (its aggregations: ${names})`);
  if (!isStore(ctx.state))
    throw new SluiceError(ErrorCode.INTERNAL, "a job with several aggregations is queried on a state that is not a whole window store");
  return {
    state: new AggregationStoreView(ctx.state, a, aggregations.length),
    job: aggregationJob(ctx.job, a),
    windowMs: assignerFor(aggregation.window).sizeMs,
    hints: {}
  };
}
function isStore(state) {
  return typeof state.put === "function";
}
function badAggregation(message) {
  return new SluiceError(ErrorCode.QUERY_BAD_REQUEST, `aggregation: ${message}`, { details: { param: "aggregation" } });
}
function answerQuery(query, ctx) {
  const { state, job, windowMs, hints } = scopeOf(query, ctx);
  switch (query.kind) {
    case "windows":
      return { kind: "windows", starts: [...state.windowStarts()].sort((a, b) => a - b) };
    case "key-windows": {
      const windows = [];
      for (const start of state.windowStarts()) {
        const entry = state.get(start, query.key);
        if (!entry)
          continue;
        const end = entry.end ?? start + windowMs;
        if (end <= query.from || start >= query.to)
          continue;
        windows.push({ start, end, fired: entry.fired, result: documentOf(job, entry, query.key, start, windowMs) });
      }
      windows.sort((a, b) => a.start - b.start);
      return { kind: "key-windows", windows };
    }
    case "window-keys": {
      const page = new FirstN(query.limit + 1, (a, b) => compareKeys(a[0], b[0]));
      let scanned = 0;
      for (const item of state.entries(query.start)) {
        if (++scanned > query.maxScan)
          throw tooBroad(query.start, query.maxScan, ctx.workerIndex);
        if (query.after !== void 0 && item[0] <= query.after)
          continue;
        page.offer(item);
      }
      const keys = page.sorted().map(([key, entry]) => ({ key, fired: entry.fired, result: documentOf(job, entry, key, query.start, windowMs) }));
      return { kind: "window-keys", keys, scanned };
    }
    case "window-top": {
      const read = rankReader(job, query.by, hints);
      const top = new FirstN(query.n, compareRanked);
      let scanned = 0;
      for (const [key, entry] of state.entries(query.start)) {
        if (++scanned > query.maxScan)
          throw tooBroad(query.start, query.maxScan, ctx.workerIndex);
        const window = { start: query.start, end: entry.end ?? query.start + windowMs };
        const candidate = { key, value: read(entry.accumulator, key, window), entry };
        if (top.wouldKeep(candidate))
          top.offer(candidate);
      }
      const ranked = top.sorted().map(({ key, value, entry }) => ({
        key,
        value,
        fired: entry.fired,
        result: documentOf(job, entry, key, query.start, windowMs)
      }));
      return { kind: "window-top", top: ranked, scanned };
    }
  }
}
function documentOf(job, entry, key, start, windowMs) {
  return documentOfResult(job, job.aggregate.result(entry.accumulator, key, { start, end: entry.end ?? start + windowMs }));
}
function tooBroad(start, maxScan, workerIndex) {
  return new SluiceError(ErrorCode.QUERY_TOO_BROAD, `window ${start} holds more than ${maxScan} entries in window worker ${workerIndex}: scanning it is refused (SLUICE_QUERY_MAX_SCAN=${maxScan}), so that a query never holds ingestion back for long; ask for one key's windows instead (GET /keys/{key}/windows)`, { details: { windowStart: start, maxScan, workerIndex } });
}
function queryResultMessage(seq, query, ctx, watermark) {
  try {
    if (!ctx)
      throw new SluiceError(ErrorCode.QUERY_UNAVAILABLE, "the window worker has not restored its state yet", { retriable: true });
    return { type: "query-result", seq, watermark, answer: answerQuery(query, ctx) };
  } catch (err) {
    const error = serializeError(err);
    delete error.stack;
    return { type: "query-result", seq, watermark, error };
  }
}

// dist/src/actors/window-actor.js
var DEFAULT_CHUNK = 500;
var WindowActor = class {
  options;
  store;
  operator;
  /** windowStart -> wall-clock time an event last touched it (state TTL). */
  touched = /* @__PURE__ */ new Map();
  expired = 0;
  // The step being applied. The callbacks below read it instead of closing over it, so the
  // operator calls the same functions at every step: optimized firing code that inlined them stays
  // valid from one window close to the next (new closures per step deoptimized it, "wrong call
  // target", and its recompilation ran on the cores the burst of results needed).
  results = [];
  emit = () => void 0;
  chunkSize = DEFAULT_CHUNK;
  nowMs = 0;
  handOver = () => {
    if (this.results.length === 0)
      return;
    const chunk = this.results;
    this.results = [];
    this.emit(chunk, false);
  };
  push = (result) => {
    this.results.push(result);
    if (this.results.length >= this.chunkSize)
      this.handOver();
  };
  pushFired = (fired) => this.push(fired.result);
  events = {
    touched: (start) => this.touched.set(start, this.nowMs),
    refired: this.push
  };
  constructor(options, aggregate, store, startedAtMs, job) {
    this.options = options;
    this.store = store;
    this.operator = job?.aggregations && job.aggregationOf ? new AggregationsWindowOperator(job.aggregations, job.aggregationOf.event, store) : createWindowOperator(options, aggregate, store);
    for (const start of store.windowStarts())
      this.touched.set(start, startedAtMs);
  }
  /** Windows dropped by the state TTL so far. */
  get expiredWindows() {
    return this.expired;
  }
  /**
   * Apply a step. Results go to `emit` in chunks of at most `chunkSize`, so firing a million
   * windows never holds a million results, each window's before its state is purged or marked
   * fired and all before the commit; the last call (empty) comes after the state changes are
   * committed, with what became of the step's late candidates.
   */
  step(step, emit, chunkSize = DEFAULT_CHUNK) {
    this.apply(step, (add) => {
      for (const e of step.events)
        add(e.key, e.timestamp, e.event, e.lateCandidate);
    }, emit, chunkSize);
  }
  /**
   * `step` with the events supplied by `forEachEvent` (a worker reads them straight from a step
   * message's columns, without building KeyedEvent objects).
   */
  apply(step, forEachEvent2, emit, chunkSize = DEFAULT_CHUNK) {
    this.results = [];
    this.emit = emit;
    this.chunkSize = chunkSize;
    this.nowMs = step.nowMs;
    const events = this.events;
    let candidates;
    forEachEvent2((key, timestamp, event, lateCandidate) => {
      const counted = this.operator.addEvent(key, timestamp, event, step.watermarkBefore, events);
      if (lateCandidate === void 0)
        return;
      candidates ??= { counted: [], late: [] };
      (counted ? candidates.counted : candidates.late).push(lateCandidate);
    });
    if (step.watermarkAfter > Number.NEGATIVE_INFINITY) {
      const purged = this.operator.advance(step.watermarkAfter, this.pushFired, this.handOver);
      for (const start of purged)
        this.touched.delete(start);
    }
    const ttl = this.options.stateTtlMs ?? 0;
    if (ttl > 0) {
      for (const [start, at] of this.touched) {
        if (step.nowMs - at < ttl)
          continue;
        this.operator.expireWindow(start, this.pushFired);
        this.touched.delete(start);
        this.expired++;
      }
    }
    this.handOver();
    this.store.endStep?.();
    emit([], true, candidates);
  }
  openWindows() {
    return this.store.size;
  }
  async close() {
    await this.store.close?.();
  }
};

// dist/src/actors/window-worker.js
var port = parentPort;
if (!port)
  throw new Error("window-worker.js must run as a worker thread");
var thread = await supervisedThread();
var init = thread.data;
var send = (message) => port.postMessage(message);
try {
  const job = init.jobSource ? await loadJobSource(init.jobSource) : jobByName(init.job);
  if (job.name !== init.job)
    throw new Error(`the job loaded in the worker is "${job.name}", the main thread runs "${init.job}"`);
  const store = new LmdbWindowStore({
    path: init.statePath,
    keyGroups: init.keyGroups,
    keyGroupOf: (k) => keyGroupOf(k),
    ...init.writeBufferEntries === void 0 ? {} : { writeBufferEntries: init.writeBufferEntries }
  });
  const exporting = /* @__PURE__ */ new Set();
  let steps = 0;
  let appliedWatermark = Number.NEGATIVE_INFINITY;
  let actor;
  let restoring = false;
  let restored = false;
  let stopping = false;
  const restoreDone = (nowMs, imported) => {
    actor = new WindowActor(init.windows, job.aggregate, store, nowMs, job);
    restored = true;
    void store.flushed().then(() => send({
      type: "ready",
      workerIndex: init.workerIndex,
      openWindows: actor.openWindows(),
      ...imported === void 0 ? {} : { imported }
    }), fail);
  };
  const restore = (plan) => {
    if (restoring)
      throw new Error("restore received twice");
    restoring = true;
    const fromSavepoint = plan.importSavepoint;
    if (!fromSavepoint) {
      if (plan.restoreTo === void 0)
        store.clearAll();
      else
        store.rollbackTo(plan.restoreTo);
      restoreDone(plan.nowMs);
      return void 0;
    }
    void import("../savepoint-reader-BQVF7Q3T.js").then(({ readKeyGroup }) => {
      if (stopping)
        return;
      store.clearAll();
      const imported = store.load((function* () {
        for (const file of fromSavepoint.files)
          yield* readKeyGroup(fromSavepoint.dir, file, fromSavepoint.formatVersion, job.stateCodec, (k) => keyGroupOf(k));
      })());
      store.barrier(fromSavepoint.epoch);
      restoreDone(plan.nowMs, imported);
    }).catch(fail);
    return void 0;
  };
  const input = windowInputOf(job);
  let metrics;
  const threadMetrics = () => metrics ??= import("../metrics-BVPSLPKV.js").then(({ SluiceMetrics }) => new SluiceMetrics({ thread: `worker-${init.workerIndex}`, defaultMetrics: false }));
  const noCredit = { events: 0, bytes: 0 };
  let answering;
  const emitResults = (results, last, candidates) => {
    const message = answering;
    send({
      type: "results",
      seq: message.seq,
      results,
      credit: last ? message.credit : noCredit,
      openWindows: actor.openWindows(),
      last,
      ...candidates ? { candidates } : {}
    });
  };
  const applyStep = (message) => {
    if (init.exitAfterSteps !== void 0 && ++steps > init.exitAfterSteps)
      process.exit(3);
    const { columns, ...step } = message.step;
    answering = message;
    actor.apply(step, (add) => forEachEvent(columns, input, add), emitResults);
    answering = void 0;
    appliedWatermark = Math.max(appliedWatermark, step.watermarkAfter);
    return void 0;
  };
  const handle = (message) => {
    if (!restored && message.type !== "restore" && message.type !== "stop" && message.type !== "metrics" && message.type !== "query") {
      throw new Error(`a ${message.type} message before the restore`);
    }
    switch (message.type) {
      case "restore":
        return restore(message);
      case "step":
        return applyStep(message);
      case "steps":
        for (const step of message.steps)
          applyStep(step);
        return void 0;
      case "query":
        return queryResultMessage(message.seq, message.query, restored ? { state: store, job, windowMs: init.windows.sizeMs, workerIndex: init.workerIndex } : void 0, appliedWatermark);
      case "drain":
        return { type: "drained", seq: message.seq };
      case "metrics":
        void threadMetrics().then((m) => m.snapshot()).then((snapshot) => send({ type: "metrics", seq: message.seq, snapshot }), fail);
        return void 0;
      case "barrier": {
        const id = message.id;
        let changed;
        let snapshot;
        try {
          changed = store.barrier(id);
          if (message.savepoint)
            snapshot = store.snapshot();
        } catch (err) {
          return { type: "barrier-declined", id, error: serializeError(err) };
        }
        const dir = message.savepoint?.dir;
        const taken = snapshot;
        const written = taken && dir !== void 0 ? import("../savepoint-writer-ZY2Q7UGS.js").then(({ exportKeyGroups }) => exportKeyGroups(taken, init.keyGroups, dir, job.stateCodec)) : Promise.resolve(void 0);
        const done = Promise.all([store.flushed(), written]).then(([, savepointFiles]) => send({ type: "barrier-ack", id, changed, ...savepointFiles ? { savepointFiles } : {} }), (err) => send({ type: "barrier-declined", id, error: serializeError(err) }));
        exporting.add(done);
        void done.finally(() => exporting.delete(done));
        return void 0;
      }
      case "checkpoint-complete":
        store.pruneBefore(message.oldestRetainedId);
        return void 0;
      case "stop":
        stopping = true;
        void Promise.allSettled([...exporting]).then(() => restored ? actor.close() : store.close()).then(() => {
          send({ type: "stopped" });
          port.close();
        });
        return void 0;
    }
  };
  let failed = false;
  thread.onMessage((message) => {
    if (failed && message.type !== "stop")
      return;
    try {
      const reply = handle(message);
      if (reply)
        send(reply);
    } catch (err) {
      failed = true;
      fail(err);
    }
  });
} catch (err) {
  fail(err);
}
function fail(err) {
  send({ type: "failed", error: serializeError(err) });
}
