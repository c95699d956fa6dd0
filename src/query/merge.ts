/**
 * Putting the workers' answers together (each worker holds the keys of its key groups): a window's
 * key page is the first `limit` keys of the union of each worker's first `limit + 1`, its top N
 * the first N of the union of each worker's top N.
 */
import type { KeyEntry, RankedKey } from './query-types.js';
import { compareKeys, compareRanked } from './select.js';

export function mergeKeyPages(pages: ReadonlyArray<readonly KeyEntry[]>, limit: number): { keys: KeyEntry[]; more: boolean } {
  const all = pages.flat().sort((a, b) => compareKeys(a.key, b.key));
  return { keys: all.slice(0, limit), more: all.length > limit };
}

export function mergeTop(tops: ReadonlyArray<readonly RankedKey[]>, n: number): RankedKey[] {
  return tops.flat().sort(compareRanked).slice(0, n);
}

export function mergeStarts(lists: ReadonlyArray<readonly number[]>): number[] {
  return [...new Set(lists.flat())].sort((a, b) => a - b);
}
