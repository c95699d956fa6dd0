/**
 * Window state in LMDB: one entry per (key group, window start, key) holding the accumulator and
 * whether the window has fired. Ordered keys make "every key of window W in key group G" one range
 * scan, and keep a key group's state contiguous so it can move between workers as a whole.
 *
 * Writes are buffered in memory (`pending`, by window start then key, read through by `get` and
 * `entries`) and applied in one write transaction (`commit`) when a step ends with at least
 * `writeBufferEntries` of them buffered, or with more buffered than a barrier should have to
 * commit (`commitBudget`, `endStep`), and always before a barrier, a snapshot or close. One transaction per many steps is the point: LMDB copies every B-tree page a transaction
 * touches, and with random keys nearly every write of a small transaction touches its own page, so
 * per-step commits cost a page write per event (measured: 39% of a window worker's CPU). And a
 * window that opens, fires and is purged between two commits never reaches LMDB at all: `entries`
 * merges the buffer with the disk, `deleteWindow` drops its buffered entries, and `get` skips the
 * disk for a window with nothing there (`diskWindows`). What lies between two barriers need not be
 * on disk at any particular moment: recovery always rolls back to a barrier (`rollbackTo`), and
 * `barrier` commits first. Commits do not wait for fsync; `flushed()` does.
 *
 * Incremental snapshots by undo log: after `barrier(n)`, the first change of an entry in epoch n
 * saves the entry's value as of barrier n into the `undo` database (same transaction). The live
 * store plus the undo logs of epochs >= n can always be rolled back to exactly the state at barrier
 * n (`rollbackTo`), so a checkpoint costs a commit, an fsync and the entries changed since the last
 * barrier, never a copy of the whole state.
 *
 * Committed entries stay decoded in memory (`cached`, up to `cacheEntries`), window by window: a
 * window is cached only while the cache holds every entry it has on disk, so `get`, `entries` and
 * the check before a write answer from memory instead of LMDB. A window open longer than the commit
 * budget's age (real time) is committed while its users are still sending events, and without the
 * cache each later event read its entry back from LMDB (11% of a worker's samples at a paced rate,
 * decision 0026) and each close decoded the whole window from disk.
 */
import { open, TransactionFlags, type Database, type RootDatabase } from 'lmdb';
import { mkdirSync } from 'node:fs';
import type { WindowEntry, WindowStateStore } from '../streams/operators/windows.js';
import { CommitBudget } from './commit-budget.js';

type StateKey = [keyGroup: number, windowStart: number, key: string];
type UndoKey = [epoch: number, keyGroup: number, windowStart: number, key: string];
/** The value an entry had at the barrier; `absent` when it did not exist then. */
type UndoValue<ACC> = { absent: true } | { absent: false; entry: WindowEntry<ACC> };

/** What a write to an entry already on disk costs a commit, in new entries (see `commitBudget`). */
export const DISK_UPDATE_WEIGHT = 6;

/** The estimated commit time at which the write buffer commits early (see commit-budget.ts). */
export const DEFAULT_COMMIT_BUDGET_MS = 80;

/**
 * Rebuilding the window index: LMDB counting one window's keys costs about what decoding ~60-80 keys
 * does (lmdb-js sets up a range each time), so windows with fewer entries than this in a key group
 * are cheaper to count key by key.
 */
const COUNTED_WINDOW_ENTRIES = 256;

/** Step commits return without waiting for the disk; barriers wait for `flushed`. */
const STEP_COMMIT = TransactionFlags.ABORTABLE | TransactionFlags.SYNCHRONOUS_COMMIT | TransactionFlags.NO_SYNC_FLUSH;

export interface LmdbWindowStoreOptions {
  path: string;
  /** The key groups this store holds: range scans visit only these. */
  keyGroups: readonly number[];
  keyGroupOf: (key: string) => number;
  /** Start empty (drop what a previous run left). */
  clear?: boolean;
  /** LMDB map size in bytes: an upper bound on the state file, not memory. */
  mapSize?: number;
  /**
   * `endStep` commits once this many entries are buffered (default 1: every step). Bounds the
   * memory the buffer holds: this many entries plus one step's.
   */
  writeBufferEntries?: number;
  /**
   * `endStep` also commits once the buffer would cost a barrier more than this many milliseconds to
   * commit (default 80), estimated from the commits measured so far (commit-budget.ts): a write to
   * an entry already on disk weighs DISK_UPDATE_WEIGHT new entries. What is buffered at a barrier is
   * what the barrier commits, so committing as the buffer crosses the budget spreads that cost over
   * the epoch and bounds a checkpoint's commit, while a window whose entries open and fire within
   * the budget never reaches LMDB.
   */
  commitBudgetMs?: number;
  /** A fixed budget in cost units (new entries) instead of `commitBudgetMs`: tests. */
  commitBudget?: number;
  /**
   * ...but only once a window in the buffer has been there this long (ms, default 2,000): windows
   * that open and fire within it (a replay races through event time) stay off LMDB whatever their
   * size; a window that stays open (real time, or a million keys loading into one) is committed.
   */
  commitBudgetAgeMs?: number;
  /** Wall-clock milliseconds (default performance.now), for the budget's age. */
  now?: () => number;
  /**
   * Rebuilding the window index, a window with at least this many entries in a key group is
   * counted by LMDB; below it, the rest of the key group is decoded key by key (default 256; tests).
   */
  countedWindowEntries?: number;
  /**
   * A restore (`rollbackTo`, `clearAll` or `load`) comes before any other use, and builds the window
   * index: the open leaves it to that (a worker restoring 1M keys built it twice). A barrier or a
   * snapshot before the restore throws.
   */
  restoreFirst?: boolean;
  /**
   * Committed entries kept decoded in memory, across all windows (default 0: none). A window whose
   * committed entries would pass this bound is dropped from the cache, and read from LMDB until it
   * is deleted.
   */
  cacheEntries?: number;
}

/** A consistent read view of the state (see `LmdbWindowStore.snapshot`). */
export interface StateSnapshot<ACC> {
  /** Every entry of one key group, ordered by window start, then key. */
  keyGroup(keyGroup: number): Iterable<[windowStart: number, key: string, entry: WindowEntry<ACC>]>;
  done(): void;
}

const DELETE_SLICE = 10_000;

/** A buffered deletion of one entry (session windows merge and purge entry by entry). */
const DELETED = Symbol('deleted');

export class LmdbWindowStore<ACC> implements WindowStateStore<ACC> {
  private readonly env: RootDatabase;
  private readonly db: Database<WindowEntry<ACC>, StateKey>;
  private readonly undo: Database<UndoValue<ACC>, UndoKey>;
  /** The last barrier seen; undefined before the first (nothing to roll back to: state is dropped). */
  private epoch: number | undefined;
  /** Entries already saved in this epoch's undo log (bounded by the entries changed since the barrier). */
  private readonly saved = new Set<string>();
  private changedThisEpoch = 0;
  private readonly keyGroups: readonly number[];
  private readonly keyGroupOf: (key: string) => number;
  /** Writes not yet committed: window start -> key -> entry, or DELETED (one entry deleted). */
  private readonly pending = new Map<number, Map<string, WindowEntry<ACC> | typeof DELETED>>();
  /**
   * The write buffer's map of the window last looked up in it (undefined: none buffered), as
   * `pendingOf` found it: an operator's events mostly fall in one window in a row. Kept true by
   * every change of `pending`'s windows.
   */
  private lastPendingStart = Number.NaN;
  private lastPendingWindow: Map<string, WindowEntry<ACC> | typeof DELETED> | undefined;
  private pendingEntries = 0;
  /** Windows whose entries on disk are to be deleted at the next commit. */
  private readonly pendingWindowDeletes = new Set<number>();
  /** Window starts with entries on disk (committed): a window not here is read from the buffer only. */
  private readonly diskWindows = new Set<number>();
  /** Window starts holding state, with their entry count: small (one per open window). */
  private readonly windows = new Map<number, number>();
  private readonly writeBufferEntries: number;
  private readonly commitBudget: CommitBudget;
  private readonly commitBudgetAgeMs: number;
  private readonly countedWindowEntries: number;
  private readonly now: () => number;
  /** When each live window got its first write in this store's life (the commit budget's age). */
  private readonly bornAt = new Map<number, number>();
  /** Birth of each window with buffered writes; and the oldest of them, recomputed when stale. */
  private readonly pendingBirths = new Map<number, number>();
  private oldestPendingBirth: number | undefined;
  private oldestPendingStale = false;
  /** Buffered writes that change (or delete) an entry already on disk. */
  private pendingDiskUpdates = 0;
  /**
   * Committed entries of the windows whose every entry on disk is here: window start -> key ->
   * entry. A window on disk and not here is read from LMDB.
   */
  private readonly cached = new Map<number, Map<string, WindowEntry<ACC>>>();
  private cachedEntries = 0;
  private readonly cacheEntries: number;
  /**
   * The entry the last `get` found in the write buffer, where: a `put` of that same entry back
   * (the window operator's read-modify-write) changes nothing, and costs no lookups. Forgotten
   * whenever the buffer changes otherwise.
   */
  private lastBuffered: { windowStart: number; key: string; entry: WindowEntry<ACC> | undefined } = {
    windowStart: 0,
    key: '',
    entry: undefined,
  };
  /** What the last `get` found on disk; forgotten whenever the disk changes. */
  private lastRead: { windowStart: number; key: string; existed: boolean } | undefined;
  /** False between an open with `restoreFirst` and the restore: the window index is not built yet. */
  private indexed = true;

  constructor(options: LmdbWindowStoreOptions) {
    mkdirSync(options.path, { recursive: true });
    this.env = open({ path: options.path, mapSize: options.mapSize ?? 64 * 1024 ** 3 });
    this.db = this.env.openDB<WindowEntry<ACC>, StateKey>({ name: 'windows' });
    this.undo = this.env.openDB<UndoValue<ACC>, UndoKey>({ name: 'undo' });
    this.keyGroups = [...options.keyGroups].sort((a, b) => a - b);
    this.keyGroupOf = options.keyGroupOf;
    this.writeBufferEntries = Math.max(1, options.writeBufferEntries ?? 1);
    this.commitBudget = new CommitBudget(
      options.commitBudget === undefined
        ? { ms: options.commitBudgetMs ?? DEFAULT_COMMIT_BUDGET_MS }
        : { units: Math.max(1, options.commitBudget) },
    );
    this.commitBudgetAgeMs = Math.max(0, options.commitBudgetAgeMs ?? 2_000);
    this.now = options.now ?? (() => performance.now());
    this.countedWindowEntries = Math.max(1, options.countedWindowEntries ?? COUNTED_WINDOW_ENTRIES);
    this.cacheEntries = Math.max(0, options.cacheEntries ?? 0);
    if (options.clear) {
      this.db.clearSync();
      this.undo.clearSync();
    } else if (options.restoreFirst) this.indexed = false;
    else this.rebuildIndex();
  }

  get(windowStart: number, key: string): WindowEntry<ACC> | undefined {
    const buffered = this.pendingOf(windowStart)?.get(key);
    if (buffered) {
      if (buffered === DELETED) return undefined;
      const last = this.lastBuffered;
      last.windowStart = windowStart;
      last.key = key;
      last.entry = buffered;
      return buffered;
    }
    if (!this.readsDisk(windowStart)) return undefined;
    const cached = this.cached.get(windowStart);
    const entry = cached ? cached.get(key) : this.db.get([this.keyGroupOf(key), windowStart, key]);
    this.lastRead = { windowStart, key, existed: entry !== undefined };
    return entry;
  }

  put(windowStart: number, key: string, entry: WindowEntry<ACC>): void {
    const last = this.lastBuffered;
    if (entry === last.entry && windowStart === last.windowStart && key === last.key) return;
    last.entry = undefined;
    let window = this.pendingOf(windowStart);
    if (!window) {
      window = this.addPendingWindow(windowStart);
    }
    const buffered = window.get(key);
    if (buffered === undefined) this.pendingEntries++;
    const onDisk = buffered === undefined && this.existsOnDisk(windowStart, key);
    const isNew = buffered === DELETED || (buffered === undefined && !onDisk);
    if (onDisk) this.pendingDiskUpdates++;
    window.set(key, entry);
    if (isNew) this.windows.set(windowStart, (this.windows.get(windowStart) ?? 0) + 1);
  }

  /** Delete one entry (session windows): buffered as a tombstone until the next commit. */
  delete(windowStart: number, key: string): void {
    this.lastBuffered.entry = undefined;
    let window = this.pendingOf(windowStart);
    const buffered = window?.get(key);
    if (buffered === DELETED) return;
    const existed = buffered !== undefined || this.existsOnDisk(windowStart, key);
    if (!existed) return;
    if (!window) window = this.addPendingWindow(windowStart);
    if (buffered === undefined) {
      this.pendingEntries++;
      this.pendingDiskUpdates++;
    }
    window.set(key, DELETED);
    const left = (this.windows.get(windowStart) ?? 1) - 1;
    if (left > 0) this.windows.set(windowStart, left);
    else {
      this.windows.delete(windowStart);
      this.bornAt.delete(windowStart);
    }
  }

  private pendingOf(windowStart: number): Map<string, WindowEntry<ACC> | typeof DELETED> | undefined {
    if (windowStart === this.lastPendingStart) return this.lastPendingWindow;
    const window = this.pending.get(windowStart);
    this.lastPendingStart = windowStart;
    this.lastPendingWindow = window;
    return window;
  }

  private addPendingWindow(windowStart: number): Map<string, WindowEntry<ACC> | typeof DELETED> {
    const window = new Map<string, WindowEntry<ACC> | typeof DELETED>();
    this.pending.set(windowStart, window);
    this.lastPendingStart = windowStart;
    this.lastPendingWindow = window;
    this.bufferWindow(windowStart);
    return window;
  }

  private bufferWindow(windowStart: number): void {
    let born = this.bornAt.get(windowStart);
    if (born === undefined) {
      born = this.now();
      this.bornAt.set(windowStart, born);
    }
    this.pendingBirths.set(windowStart, born);
    if (!this.oldestPendingStale && (this.oldestPendingBirth === undefined || born < this.oldestPendingBirth))
      this.oldestPendingBirth = born;
  }

  private unbufferWindow(windowStart: number): void {
    const born = this.pendingBirths.get(windowStart);
    if (born === undefined) return;
    this.pendingBirths.delete(windowStart);
    if (born === this.oldestPendingBirth) this.oldestPendingStale = true;
  }

  /** Whether window `windowStart` may have live entries on disk. */
  private readsDisk(windowStart: number): boolean {
    return this.diskWindows.has(windowStart) && !this.pendingWindowDeletes.has(windowStart);
  }

  /** The operator reads an entry right before it writes it: reuse that read instead of a second one. */
  private existsOnDisk(windowStart: number, key: string): boolean {
    const last = this.lastRead;
    this.lastRead = undefined;
    if (last && last.windowStart === windowStart && last.key === key) return last.existed;
    if (!this.readsDisk(windowStart)) return false;
    const cached = this.cached.get(windowStart);
    return cached ? cached.has(key) : this.db.doesExist([this.keyGroupOf(key), windowStart, key]);
  }

  windowStarts(): Iterable<number> {
    return this.windows.keys();
  }

  /** Every entry: one range scan per key group, merged with what is buffered. */
  *allEntries(): Iterable<[windowStart: number, key: string, entry: WindowEntry<ACC>]> {
    const pending = [...this.pending].map(([start, window]) => [start, new Map(window)] as const);
    const overrides = new Map(pending);
    for (const [start, window] of pending) for (const [key, entry] of window) if (entry !== DELETED) yield [start, key, entry];
    for (const keyGroup of this.keyGroups) {
      for (const { key, value } of this.db.getRange({ start: [keyGroup], end: [keyGroup + 1] })) {
        const [, start, k] = key;
        if (this.pendingWindowDeletes.has(start) || overrides.get(start)?.has(k)) continue;
        yield [start, k, value];
      }
    }
  }

  /**
   * The buffered entries of a window, then those on disk the buffer does not override. The buffer
   * is copied first: the caller may put entries of this window while it iterates (firing marks
   * them fired), and those must not come round again.
   */
  *entries(windowStart: number): Iterable<[string, WindowEntry<ACC>]> {
    const buffered = [...(this.pending.get(windowStart) ?? [])];
    for (const [key, entry] of buffered) if (entry !== DELETED) yield [key, entry];
    if (!this.readsDisk(windowStart)) return;
    const overridden = new Set(buffered.map(([key]) => key));
    const cached = this.cached.get(windowStart);
    if (cached) {
      // Copied for the same reason as the buffer: a commit while the caller iterates changes it.
      for (const [key, entry] of [...cached]) if (!overridden.has(key)) yield [key, entry];
      return;
    }
    for (const keyGroup of this.keyGroups) {
      for (const { key, value } of this.db.getRange({ start: [keyGroup, windowStart], end: [keyGroup, windowStart + 1] })) {
        if (!overridden.has(key[2])) yield [key[2], value];
      }
    }
  }

  deleteWindow(windowStart: number): void {
    this.lastBuffered.entry = undefined;
    this.pendingEntries -= this.pending.get(windowStart)?.size ?? 0;
    this.pending.delete(windowStart);
    this.lastPendingStart = Number.NaN;
    this.unbufferWindow(windowStart);
    this.bornAt.delete(windowStart);
    if (this.diskWindows.has(windowStart)) this.pendingWindowDeletes.add(windowStart);
    this.windows.delete(windowStart);
  }

  /** The end of a step: commit if the write buffer is full, or over its commit budget for long enough; else keep buffering. */
  endStep(): void {
    if (
      this.buffered >= this.writeBufferEntries ||
      (this.pendingCost >= this.commitBudget.units && this.oldestPendingAgeMs() >= this.commitBudgetAgeMs)
    ) {
      this.commit();
    }
  }

  /** How long the oldest window with buffered writes has lived (0: none). */
  private oldestPendingAgeMs(): number {
    if (this.oldestPendingStale) {
      this.oldestPendingBirth = undefined;
      for (const born of this.pendingBirths.values())
        if (this.oldestPendingBirth === undefined || born < this.oldestPendingBirth) this.oldestPendingBirth = born;
      this.oldestPendingStale = false;
    }
    return this.oldestPendingBirth === undefined ? 0 : this.now() - this.oldestPendingBirth;
  }

  /** Writes buffered and not yet committed (entries, and windows to delete). */
  get buffered(): number {
    return this.pendingEntries + this.pendingWindowDeletes.size;
  }

  /** What committing the buffer would cost, in units: each buffered entry once, those on disk DISK_UPDATE_WEIGHT in all. */
  private get pendingCost(): number {
    return this.pendingEntries + (DISK_UPDATE_WEIGHT - 1) * this.pendingDiskUpdates;
  }

  /** Apply every buffered write in one transaction (saving undo entries first in an epoch). */
  commit(): void {
    if (this.pendingEntries === 0 && this.pendingWindowDeletes.size === 0) return;
    // Deleting whole windows costs what is on disk, which the units do not count: not a measurement.
    const units = this.pendingWindowDeletes.size === 0 ? this.pendingCost : 0;
    const startedAt = this.now();
    this.db.transactionSync(() => {
      for (const start of this.pendingWindowDeletes) {
        for (const keyGroup of this.keyGroups) {
          // In slices: deleting while a cursor walks the same range is not safe, and collecting a
          // million keys at once would not fit a small worker heap.
          for (;;) {
            const keys = [...this.db.getKeys({ start: [keyGroup, start], end: [keyGroup, start + 1], limit: DELETE_SLICE })];
            for (const key of keys) {
              this.saveUndo(key);
              this.db.removeSync(key);
            }
            if (keys.length < DELETE_SLICE) break;
          }
        }
      }
      for (const [start, window] of this.pending) {
        for (const [key, entry] of window) {
          const stateKey: StateKey = [this.keyGroupOf(key), start, key];
          this.saveUndo(stateKey);
          if (entry === DELETED) this.db.removeSync(stateKey);
          else this.db.putSync(stateKey, entry);
        }
      }
    }, STEP_COMMIT);
    this.commitBudget.observe(units, this.now() - startedAt);
    for (const start of this.pendingWindowDeletes) {
      this.diskWindows.delete(start);
      this.uncache(start);
    }
    for (const [start, window] of this.pending) {
      // A window reaching the disk for the first time is cached whole; one already there only if it was.
      if (!this.diskWindows.has(start)) {
        this.diskWindows.add(start);
        if (this.cacheEntries > 0) this.cached.set(start, new Map());
      }
      this.cacheCommitted(start, window);
    }
    this.clearPending();
  }

  /** Bring a window's cache up to what was just committed, or drop the window from the cache if it would pass the bound. */
  private cacheCommitted(start: number, committed: Map<string, WindowEntry<ACC> | typeof DELETED>): void {
    const cached = this.cached.get(start);
    if (!cached) return;
    for (const [key, entry] of committed) {
      if (entry === DELETED) {
        if (cached.delete(key)) this.cachedEntries--;
      } else {
        if (!cached.has(key)) this.cachedEntries++;
        cached.set(key, entry);
      }
    }
    // The window that passes the bound leaves the cache, for good: it is read from LMDB until deleted.
    if (this.cachedEntries > this.cacheEntries) this.uncache(start);
  }

  private uncache(start: number): void {
    const cached = this.cached.get(start);
    if (!cached) return;
    this.cachedEntries -= cached.size;
    this.cached.delete(start);
  }

  /** Forget every cached entry (the disk changed under the cache: a rollback, a clear, a load). */
  private clearCache(): void {
    this.cached.clear();
    this.cachedEntries = 0;
  }

  /** Drop what is buffered, and the last read (the disk changed, or the buffer did). */
  private clearPending(): void {
    this.lastRead = undefined;
    this.lastBuffered.entry = undefined;
    this.pending.clear();
    this.lastPendingStart = Number.NaN;
    this.pendingBirths.clear();
    this.oldestPendingBirth = undefined;
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
  barrier(epoch: number): number {
    this.mustBeIndexed('a barrier');
    this.commit();
    const changed = this.changedThisEpoch;
    this.epoch = epoch;
    this.saved.clear();
    this.changedThisEpoch = 0;
    return changed;
  }

  /** Resolves once every commit so far is on disk. */
  async flushed(): Promise<void> {
    await this.env.flushed;
  }

  /**
   * Bring the live state back to what it was at barrier `epoch`: undo logs of epochs >= `epoch`
   * are applied newest first, then dropped (older ones stay, for older retained checkpoints).
   * Returns the entries restored.
   */
  rollbackTo(epoch: number): number {
    this.clearPending();
    const epochs = new Set<number>();
    for (const key of this.undo.getKeys({ start: [epoch] })) epochs.add(key[0]);
    let restored = 0;
    this.db.transactionSync(() => {
      for (const e of [...epochs].sort((a, b) => b - a)) {
        for (const { key, value } of this.undo.getRange({ start: [e], end: [e + 1] })) {
          const stateKey: StateKey = [key[1], key[2], key[3]];
          if (value.absent) this.db.removeSync(stateKey);
          else this.db.putSync(stateKey, value.entry);
          restored++;
        }
      }
      for (;;) {
        const keys = [...this.undo.getKeys({ start: [epoch], limit: DELETE_SLICE })];
        for (const key of keys) this.undo.removeSync(key);
        if (keys.length < DELETE_SLICE) break;
      }
    });
    this.epoch = epoch;
    this.saved.clear();
    this.changedThisEpoch = 0;
    this.rebuildIndex();
    return restored;
  }

  /** Undo logs older than `epoch` are no longer needed (checkpoint `epoch` is the oldest kept). */
  pruneBefore(epoch: number): void {
    this.db.transactionSync(() => {
      for (;;) {
        const keys = [...this.undo.getKeys({ end: [epoch], limit: DELETE_SLICE })];
        for (const key of keys) this.undo.removeSync(key);
        if (keys.length < DELETE_SLICE) break;
      }
    }, STEP_COMMIT);
  }

  /**
   * A read snapshot of the state as of now (what is buffered is committed first). LMDB is MVCC: later
   * commits never change what a snapshot shows, so a savepoint is written from it while steps go on.
   * Call `done()` when finished: an open snapshot keeps LMDB from reusing the pages freed meanwhile.
   */
  snapshot(): StateSnapshot<ACC> {
    this.mustBeIndexed('a snapshot');
    this.commit();
    const db = this.db;
    const transaction = db.useReadTransaction();
    return {
      *keyGroup(keyGroup: number): Iterable<[windowStart: number, key: string, entry: WindowEntry<ACC>]> {
        for (const { key, value } of db.getRange({ start: [keyGroup], end: [keyGroup + 1], transaction })) yield [key[1], key[2], value];
      },
      done: () => transaction.done(),
    };
  }

  /**
   * Add entries to the state (a savepoint's import into an empty store, before the first barrier),
   * in transactions of at most 10,000 entries. Returns how many were loaded.
   */
  load(entries: Iterable<{ keyGroup: number; windowStart: number; key: string; entry: WindowEntry<ACC> }>): number {
    this.commit();
    this.lastRead = undefined;
    let loaded = 0;
    let slice: Array<[StateKey, WindowEntry<ACC>]> = [];
    const flush = () => {
      if (slice.length === 0) return;
      const batch = slice;
      this.db.transactionSync(() => {
        for (const [key, entry] of batch) this.db.putSync(key, entry);
      });
      slice = [];
    };
    for (const e of entries) {
      slice.push([[e.keyGroup, e.windowStart, e.key], e.entry]);
      loaded++;
      if (slice.length >= DELETE_SLICE) flush();
    }
    flush();
    this.rebuildIndex();
    return loaded;
  }

  /** Drop all state and undo logs (no checkpoint to restore). */
  clearAll(): void {
    this.clearPending();
    this.db.clearSync();
    this.undo.clearSync();
    this.epoch = undefined;
    this.saved.clear();
    this.windows.clear();
    this.bornAt.clear();
    this.diskWindows.clear();
    this.clearCache();
    this.indexed = true;
  }

  private mustBeIndexed(what: string): void {
    if (!this.indexed) throw new Error(`${what} before the restore of a store opened with restoreFirst`);
  }

  /** Inside a write transaction: the first change of an entry in this epoch saves its old value. */
  private saveUndo(stateKey: StateKey): void {
    if (this.epoch === undefined) return;
    const id = `${stateKey[0]}\u0000${stateKey[1]}\u0000${stateKey[2]}`;
    if (this.saved.has(id)) return;
    this.saved.add(id);
    this.changedThisEpoch++;
    const before = this.db.get(stateKey);
    this.undo.putSync([this.epoch, ...stateKey], before === undefined ? { absent: true } : { absent: false, entry: before });
  }

  /** (key, window) entries held. */
  get size(): number {
    let n = 0;
    for (const count of this.windows.values()) n += count;
    return n;
  }

  async close(): Promise<void> {
    this.commit();
    await this.env.close();
  }

  /**
   * The open windows and their entry counts, from disk. Window by window within each key group: the
   * first key past the previous window, then LMDB counts that window's keys itself. Reading every
   * key instead decoded each one (its user key a new string) only to count it: ~0.2 s for 500,000
   * entries (a worker's restore builds it once, after the rollback: `restoreFirst`). A count costs
   * about as much as decoding a few dozen keys, so where windows turn out sparse (session windows:
   * nearly one key each) the rest of the key group is decoded key by key after all.
   */
  private rebuildIndex(): void {
    this.indexed = true;
    // Windows found on disk are not cached: the cache never holds part of a window.
    this.clearCache();
    this.windows.clear();
    this.diskWindows.clear();
    const add = (start: number, count: number) => {
      this.windows.set(start, (this.windows.get(start) ?? 0) + count);
      this.diskWindows.add(start);
    };
    for (const keyGroup of this.keyGroups) {
      let from: number[] = [keyGroup];
      for (;;) {
        let start: number | undefined;
        for (const key of this.db.getKeys({ start: from, end: [keyGroup + 1], limit: 1 })) start = key[1];
        if (start === undefined) break;
        // Window starts are integer milliseconds (the window ranges here end at start + 1).
        if (!Number.isSafeInteger(start)) throw new Error(`window state holds a window start that is not a safe integer: ${start}`);
        const count = this.db.getKeysCount({ start: [keyGroup, start], end: [keyGroup, start + 1] });
        add(start, count);
        from = [keyGroup, start + 1];
        if (count < this.countedWindowEntries) {
          for (const key of this.db.getKeys({ start: from, end: [keyGroup + 1] })) add(key[1], 1);
          break;
        }
      }
    }
    for (const start of this.bornAt.keys()) if (!this.windows.has(start)) this.bornAt.delete(start);
  }
}
