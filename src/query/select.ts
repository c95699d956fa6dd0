/**
 * The first `n` items of a stream in a given order, without sorting (or holding) the stream: a
 * binary heap of at most `n` items whose root is the worst kept. O(items x log n) time, O(n) memory:
 * what a worker needs to page a window's keys or find its top N in one pass over its entries.
 */
export class FirstN<T> {
  /** Heap ordered so that the root is the LAST (worst) of the kept items. */
  private readonly heap: T[] = [];

  /** `order(a, b) < 0` when a comes before b. */
  constructor(
    private readonly n: number,
    private readonly order: (a: T, b: T) => number,
  ) {}

  get size(): number {
    return this.heap.length;
  }

  /** Whether an item this far in the order would be kept (skip building it when not). */
  wouldKeep(item: T): boolean {
    if (this.n <= 0) return false;
    return this.heap.length < this.n || this.order(item, this.heap[0] as T) < 0;
  }

  offer(item: T): void {
    if (this.n <= 0) return;
    const heap = this.heap;
    if (heap.length < this.n) {
      heap.push(item);
      this.up(heap.length - 1);
    } else if (this.order(item, heap[0] as T) < 0) {
      heap[0] = item;
      this.down(0);
    }
  }

  /** The kept items, first to last. */
  sorted(): T[] {
    return [...this.heap].sort(this.order);
  }

  private up(i: number): void {
    const heap = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.order(heap[i] as T, heap[parent] as T) <= 0) return;
      [heap[i], heap[parent]] = [heap[parent] as T, heap[i] as T];
      i = parent;
    }
  }

  private down(i: number): void {
    const heap = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < heap.length && this.order(heap[l] as T, heap[worst] as T) > 0) worst = l;
      if (r < heap.length && this.order(heap[r] as T, heap[worst] as T) > 0) worst = r;
      if (worst === i) return;
      [heap[i], heap[worst]] = [heap[worst] as T, heap[i] as T];
      i = worst;
    }
  }
}

/** Code-unit order of strings (what `<` does): the order of a window's keys in pages. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Ranking order: the larger value first, then the key. Non-finite values rank last. */
export function compareRanked(a: { key: string; value: number }, b: { key: string; value: number }): number {
  const va = Number.isFinite(a.value) ? a.value : Number.NEGATIVE_INFINITY;
  const vb = Number.isFinite(b.value) ? b.value : Number.NEGATIVE_INFINITY;
  if (va !== vb) return vb > va ? 1 : -1;
  return compareKeys(a.key, b.key);
}
