/**
 * Keys -> key groups -> workers, as Flink does it: a key's group never changes (a stable hash mod a
 * fixed number of groups), and groups are assigned to workers in contiguous ranges, so the table
 * can be recomputed for another worker count and state moves by whole key groups.
 */

/** Fixed for the life of a state directory: changing it reshuffles every key (like Flink's max parallelism). */
export const KEY_GROUPS = 128;

/** FNV-1a over UTF-16 code units, then a murmur3 finalizer for a well-mixed 32-bit hash. */
export function stableHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function keyGroupOf(key: string, keyGroups: number = KEY_GROUPS): number {
  return stableHash(key) % keyGroups;
}

/** The worker that owns a key group: contiguous ranges of roughly equal size. */
export function workerOfKeyGroup(keyGroup: number, workers: number, keyGroups: number = KEY_GROUPS): number {
  return Math.floor((keyGroup * workers) / keyGroups);
}

/** The key groups a worker owns. */
export function keyGroupsOfWorker(worker: number, workers: number, keyGroups: number = KEY_GROUPS): number[] {
  const owned: number[] = [];
  for (let g = 0; g < keyGroups; g++) if (workerOfKeyGroup(g, workers, keyGroups) === worker) owned.push(g);
  return owned;
}

/** key group -> worker, precomputed for the routing hot path. */
export function assignmentTable(workers: number, keyGroups: number = KEY_GROUPS): Uint16Array {
  const table = new Uint16Array(keyGroups);
  for (let g = 0; g < keyGroups; g++) table[g] = workerOfKeyGroup(g, workers, keyGroups);
  return table;
}

/** key -> the worker that owns it, with `workers` workers: how steps and parsed shares are routed. */
export function keyOwner(workers: number): (key: string) => number {
  const table = assignmentTable(workers);
  return (key) => table[keyGroupOf(key)] as number;
}
