/**
 * Window state in LMDB: one entry per (key group, window start, key) holding the accumulator and
 * whether the window has fired. Ordered keys make "every key of window W in key group G" one range
 * scan, and keep a key group's state contiguous so it can move between workers as a whole.
 *
 * Writes of one step (a batch of events, a watermark advance) are buffered in memory and applied in
 * a single write transaction (`commit`), so a fired window's deletion and the results it emitted
 * belong to one transaction. LMDB is opened without fsync: durability comes from checkpoints, not
 * from the live store.
 */
import { open, type Database, type RootDatabase } from 'lmdb';
import { mkdirSync } from 'node:fs';
import type { WindowEntry, WindowStateStore } from '../streams/windows.js';

type StateKey = [keyGroup: number, windowStart: number, key: string];

export interface LmdbWindowStoreOptions {
  path: string;
  /** The key groups this store holds: range scans visit only these. */
  keyGroups: readonly number[];
  keyGroupOf: (key: string) => number;
  /** Start empty (drop what a previous run left). */
  clear?: boolean;
  /** LMDB map size in bytes: an upper bound on the state file, not memory. */
  mapSize?: number;
}

const DELETED = Symbol('deleted');
const DELETE_SLICE = 10_000;

export class LmdbWindowStore<ACC> implements WindowStateStore<ACC> {
  private readonly env: RootDatabase;
  private readonly db: Database<WindowEntry<ACC>, StateKey>;
  private readonly keyGroups: readonly number[];
  private readonly keyGroupOf: (key: string) => number;
  /** Writes not yet committed: `${windowStart}\u0000${key}` -> entry (or DELETED). */
  private readonly pending = new Map<string, { start: number; key: string; entry: WindowEntry<ACC> | typeof DELETED }>();
  private readonly pendingWindowDeletes = new Set<number>();
  /** Window starts holding state, with their entry count: small (one per open window). */
  private readonly windows = new Map<number, number>();

  constructor(options: LmdbWindowStoreOptions) {
    mkdirSync(options.path, { recursive: true });
    this.env = open({ path: options.path, noSync: true, noMetaSync: true, mapSize: options.mapSize ?? 64 * 1024 ** 3 });
    this.db = this.env.openDB<WindowEntry<ACC>, StateKey>({ name: 'windows' });
    this.keyGroups = [...options.keyGroups].sort((a, b) => a - b);
    this.keyGroupOf = options.keyGroupOf;
    if (options.clear) this.db.clearSync();
    else this.rebuildIndex();
  }

  get(windowStart: number, key: string): WindowEntry<ACC> | undefined {
    const buffered = this.pending.get(pendingKey(windowStart, key));
    if (buffered) return buffered.entry === DELETED ? undefined : buffered.entry;
    if (this.pendingWindowDeletes.has(windowStart)) return undefined;
    return this.db.get([this.keyGroupOf(key), windowStart, key]);
  }

  put(windowStart: number, key: string, entry: WindowEntry<ACC>): void {
    const id = pendingKey(windowStart, key);
    const before = this.pending.get(id);
    const isNew = before ? before.entry === DELETED : this.pendingWindowDeletes.has(windowStart) || this.db.doesExist([this.keyGroupOf(key), windowStart, key]) === false;
    this.pending.set(id, { start: windowStart, key, entry });
    if (isNew) this.windows.set(windowStart, (this.windows.get(windowStart) ?? 0) + 1);
  }

  windowStarts(): Iterable<number> {
    return this.windows.keys();
  }

  *entries(windowStart: number): Iterable<[string, WindowEntry<ACC>]> {
    this.commit();
    for (const keyGroup of this.keyGroups) {
      for (const { key, value } of this.db.getRange({ start: [keyGroup, windowStart], end: [keyGroup, windowStart + 1] })) {
        yield [key[2], value];
      }
    }
  }

  deleteWindow(windowStart: number): void {
    for (const [id, p] of this.pending) if (p.start === windowStart) this.pending.delete(id);
    this.pendingWindowDeletes.add(windowStart);
    this.windows.delete(windowStart);
  }

  /** Apply every buffered write in one transaction. */
  commit(): void {
    if (this.pending.size === 0 && this.pendingWindowDeletes.size === 0) return;
    this.db.transactionSync(() => {
      for (const start of this.pendingWindowDeletes) {
        for (const keyGroup of this.keyGroups) {
          // In slices: deleting while a cursor walks the same range is not safe, and collecting a
          // million keys at once would not fit a small worker heap.
          for (;;) {
            const keys = [...this.db.getKeys({ start: [keyGroup, start], end: [keyGroup, start + 1], limit: DELETE_SLICE })];
            for (const key of keys) this.db.removeSync(key);
            if (keys.length < DELETE_SLICE) break;
          }
        }
      }
      for (const { start, key, entry } of this.pending.values()) {
        const stateKey: StateKey = [this.keyGroupOf(key), start, key];
        if (entry === DELETED) this.db.removeSync(stateKey);
        else this.db.putSync(stateKey, entry);
      }
    });
    this.pending.clear();
    this.pendingWindowDeletes.clear();
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

  private rebuildIndex(): void {
    this.windows.clear();
    for (const keyGroup of this.keyGroups) {
      for (const key of this.db.getKeys({ start: [keyGroup], end: [keyGroup + 1] })) {
        const start = key[1];
        this.windows.set(start, (this.windows.get(start) ?? 0) + 1);
      }
    }
  }
}

function pendingKey(windowStart: number, key: string): string {
  return `${windowStart}\u0000${key}`;
}
