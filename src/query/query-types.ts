/**
 * What the live-query API asks a window worker, and what it answers (carried by the `query` and
 * `query-result` messages of src/actors/protocol.ts). A worker answers from its actor's live view:
 * the store's reads merge the write buffer, so the answer is the state as of the last step the
 * worker applied, committed to LMDB or not.
 */

export type WorkerQuery =
  /** One key's windows (open, and fired ones still held for the allowed lateness) overlapping [from, to). */
  (
    | { kind: 'key-windows'; key: string; from: number; to: number }
    /** A window's keys after `after` (string order), at most `limit + 1` of them (the extra one says "more"). */
    | { kind: 'window-keys'; start: number; after?: string; limit: number; maxScan: number }
    /** A window's `n` keys with the largest `by` (ties: key order). */
    | { kind: 'window-top'; start: number; by: string; n: number; maxScan: number }
    /** The window starts the worker holds state for. */
    | { kind: 'windows' }
  ) & {
    /**
     * A job with several aggregations: which one (its index) the query reads; the worker answers from
     * that aggregation's view of its one store (AggregationStoreView), with that aggregation's windows
     * and documents. Required for such a job, absent for a job with one.
     */
    aggregation?: number;
  };

export type WorkerQueryKind = WorkerQuery['kind'];

export interface HeldWindow {
  start: number;
  /** Exclusive. */
  end: number;
  /** The window fired (its result went to the sinks); it is held for lateness corrections. */
  fired: boolean;
  /** The job's document for the entry (`toDocument(aggregate.result(...))`): what its sinks write. */
  result: unknown;
}

export interface KeyEntry {
  key: string;
  fired: boolean;
  result: unknown;
}

export interface RankedKey extends KeyEntry {
  /** The value ranked by. */
  value: number;
}

export type WorkerQueryAnswer =
  | { kind: 'key-windows'; windows: HeldWindow[] }
  | { kind: 'window-keys'; keys: KeyEntry[]; scanned: number }
  | { kind: 'window-top'; top: RankedKey[]; scanned: number }
  | { kind: 'windows'; starts: number[] };

/** One worker's answer, with the watermark of the last step it applied (what the answer is as of). */
export interface WorkerQueryReply {
  workerIndex: number;
  watermark: number;
  answer: WorkerQueryAnswer;
}
