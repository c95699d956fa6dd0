/**
 * A window worker's side of a live query: answered synchronously from the actor's live view (the
 * store's `get`, `entries` and `windowStarts` read its write buffer before LMDB), between two
 * messages of the worker's queue. So an answer is the state as of the last step the worker applied,
 * consistent per key, and costs the pipeline at most the time of this one query, which
 * `maxScan` bounds: a scan that would visit more entries stops there and is refused.
 */
import { ErrorCode, serializeError, SluiceError } from '../errors.js';
import type { JobDefinition } from '../job/job.js';
import { AggregationStoreView } from '../streams/operators/aggregation-windows.js';
import { assignerFor } from '../streams/operators/window-assigners.js';
import type { WindowEntry, WindowStateStore } from '../streams/operators/windows.js';
import { aggregationJob, documentOfResult, type QueryHints, rankReader } from './describe.js';
import type { HeldWindow, KeyEntry, RankedKey, WorkerQuery, WorkerQueryAnswer } from './query-types.js';
import { compareKeys, compareRanked, FirstN } from './select.js';

/** The reads a query needs of a worker's window state (LmdbWindowStore, InMemoryWindowStore). */
export interface QueryableState<ACC> {
  windowStarts(): Iterable<number>;
  get(windowStart: number, key: string): WindowEntry<ACC> | undefined;
  entries(windowStart: number): Iterable<[string, WindowEntry<ACC>]>;
}

export interface WorkerQueryContext<ACC> {
  /**
   * The worker's store. A job with several aggregations keeps them all in it, each window under
   * its stored start (aggregation-windows.ts): a query reads one aggregation's view of it, which
   * needs the whole store interface (the view is the one the window operators use).
   */
  state: QueryableState<ACC> | WindowStateStore<ACC>;
  job: JobDefinition<unknown, ACC, unknown>;
  /** The job's window size (sessions: the gap); a job with several aggregations: unused (each has its own). */
  windowMs: number;
  workerIndex: number;
}

/** What a query reads: the job's windows, or the windows of the aggregation it names. */
interface QueryScope<ACC> {
  state: QueryableState<ACC>;
  job: JobDefinition<unknown, ACC, unknown>;
  windowMs: number;
  hints?: QueryHints<unknown>;
}

/**
 * A job with several aggregations is answered from the named aggregation's view of the store (its
 * windows under their real starts), with its aggregate, documents and window size; the raw store
 * (encoded starts, every aggregation's entries) is never read. The query service always names one
 * (a request without one is refused before any worker is asked): a query without one here is a bug.
 */
function scopeOf<ACC>(query: WorkerQuery, ctx: WorkerQueryContext<ACC>): QueryScope<ACC> {
  const aggregations = ctx.job.aggregations;
  const a = query.aggregation;
  if (!aggregations) {
    if (a !== undefined) throw badAggregation(`job ${ctx.job.name} has one aggregation: a query names none (got ${a})`);
    return { state: ctx.state, job: ctx.job, windowMs: ctx.windowMs };
  }
  const names = aggregations.map((g) => g.name).join(', ');
  if (a === undefined) throw badAggregation(`job ${ctx.job.name} has several aggregations (${names}): a query must name one`);
  const aggregation = Number.isSafeInteger(a) ? aggregations[a] : undefined;
  if (!aggregation) throw badAggregation(`job ${ctx.job.name} has no aggregation ${a} (its aggregations: ${names})`);
  if (!isStore(ctx.state))
    throw new SluiceError(ErrorCode.INTERNAL, 'a job with several aggregations is queried on a state that is not a whole window store');
  return {
    state: new AggregationStoreView(ctx.state, a as number, aggregations.length),
    job: aggregationJob(ctx.job, a as number),
    windowMs: assignerFor(aggregation.window).sizeMs,
    hints: {},
  };
}

function isStore<ACC>(state: QueryableState<ACC> | WindowStateStore<ACC>): state is WindowStateStore<ACC> {
  return typeof (state as Partial<WindowStateStore<ACC>>).put === 'function';
}

function badAggregation(message: string): SluiceError {
  return new SluiceError(ErrorCode.QUERY_BAD_REQUEST, `aggregation: ${message}`, { details: { param: 'aggregation' } });
}

export function answerQuery<ACC>(query: WorkerQuery, ctx: WorkerQueryContext<ACC>): WorkerQueryAnswer {
  const { state, job, windowMs, hints } = scopeOf(query, ctx);
  switch (query.kind) {
    case 'windows':
      return { kind: 'windows', starts: [...state.windowStarts()].sort((a, b) => a - b) };
    case 'key-windows': {
      const windows: HeldWindow[] = [];
      for (const start of state.windowStarts()) {
        const entry = state.get(start, query.key);
        if (!entry) continue;
        const end = entry.end ?? start + windowMs;
        if (end <= query.from || start >= query.to) continue;
        windows.push({ start, end, fired: entry.fired, result: documentOf(job, entry, query.key, start, windowMs) });
      }
      windows.sort((a, b) => a.start - b.start);
      return { kind: 'key-windows', windows };
    }
    case 'window-keys': {
      const page = new FirstN<[string, WindowEntry<ACC>]>(query.limit + 1, (a, b) => compareKeys(a[0], b[0]));
      let scanned = 0;
      for (const item of state.entries(query.start)) {
        if (++scanned > query.maxScan) throw tooBroad(query.start, query.maxScan, ctx.workerIndex);
        if (query.after !== undefined && item[0] <= query.after) continue;
        page.offer(item);
      }
      const keys: KeyEntry[] = page
        .sorted()
        .map(([key, entry]) => ({ key, fired: entry.fired, result: documentOf(job, entry, key, query.start, windowMs) }));
      return { kind: 'window-keys', keys, scanned };
    }
    case 'window-top': {
      const read = rankReader(job as JobDefinition<unknown, unknown, unknown>, query.by, hints);
      const top = new FirstN<{ key: string; value: number; entry: WindowEntry<ACC> }>(query.n, compareRanked);
      let scanned = 0;
      for (const [key, entry] of state.entries(query.start)) {
        if (++scanned > query.maxScan) throw tooBroad(query.start, query.maxScan, ctx.workerIndex);
        const window = { start: query.start, end: entry.end ?? query.start + windowMs };
        const candidate = { key, value: read(entry.accumulator, key, window), entry };
        if (top.wouldKeep(candidate)) top.offer(candidate);
      }
      const ranked: RankedKey[] = top.sorted().map(({ key, value, entry }) => ({
        key,
        value,
        fired: entry.fired,
        result: documentOf(job, entry, key, query.start, windowMs),
      }));
      return { kind: 'window-top', top: ranked, scanned };
    }
  }
}

/**
 * What an answer carries for an entry: the job's document (what Elasticsearch and stdout get), so
 * a job whose result wraps its document (job files: `{key, n, doc}`) answers in the document's shape.
 * A session window keeps its own end; aligned windows end `windowMs` after their start.
 */
function documentOf<ACC>(
  job: JobDefinition<unknown, ACC, unknown>,
  entry: WindowEntry<ACC>,
  key: string,
  start: number,
  windowMs: number,
): unknown {
  return documentOfResult(job, job.aggregate.result(entry.accumulator, key, { start, end: entry.end ?? start + windowMs }));
}

function tooBroad(start: number, maxScan: number, workerIndex: number): SluiceError {
  return new SluiceError(
    ErrorCode.QUERY_TOO_BROAD,
    `window ${start} holds more than ${maxScan} entries in window worker ${workerIndex}: scanning it is refused (SLUICE_QUERY_MAX_SCAN=${maxScan}), so that a query never holds ingestion back for long; ask for one key's windows instead (GET /keys/{key}/windows)`,
    { details: { windowStart: start, maxScan, workerIndex } },
  );
}

/** The `query-result` message for a `query` message: an answer, or the error (a query never fails the worker). */
export function queryResultMessage<ACC>(
  seq: number,
  query: WorkerQuery,
  ctx: WorkerQueryContext<ACC> | undefined,
  watermark: number,
): { type: 'query-result'; seq: number; watermark: number; answer?: WorkerQueryAnswer; error?: ReturnType<typeof serializeError> } {
  try {
    if (!ctx) throw new SluiceError(ErrorCode.QUERY_UNAVAILABLE, 'the window worker has not restored its state yet', { retriable: true });
    return { type: 'query-result', seq, watermark, answer: answerQuery(query, ctx) };
  } catch (err) {
    const error = serializeError(err);
    // The stack of a refused query says nothing the message does not, and never leaves the process anyway.
    delete error.stack;
    return { type: 'query-result', seq, watermark, error };
  }
}
