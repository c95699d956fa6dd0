/**
 * The live-query service: between the HTTP API and the job running now. Process-level (it outlives
 * supervised restarts of the job): it asks whichever JobRuntime is current, puts the workers'
 * answers together (merge.ts), marks windows final or not, and adds to every answer how fresh it is:
 * the job's watermark, the watermark of the state answered, the last completed checkpoint and the lag.
 */
import { ErrorCode, SluiceError } from '../errors.js';
import type { WindowSpec } from '../streams/operators/window-assigners.js';
import type { QueryDescription } from './describe.js';
import { encodeCursor } from './cursor.js';
import { badRequest, parseAggregation } from './params.js';
import { mergeKeyPages, mergeStarts, mergeTop } from './merge.js';
import type { WorkerQuery, WorkerQueryAnswer, WorkerQueryReply } from './query-types.js';

/** What the service needs of a JobRuntime. */
export interface QueryTarget {
  readonly state: string;
  stats(): { watermark: number } | undefined;
  query(query: WorkerQuery, timeoutMs: number): Promise<WorkerQueryReply[]>;
}

/** Process-level facts (telemetry): they survive restarts of the job. */
export interface FreshnessSources {
  /** When the last checkpoint completed (epoch ms), if any did. */
  lastCheckpointAt(): Promise<number | undefined>;
  /** Records in Kafka the job has not processed yet (all partitions), if known. */
  consumerLag(): Promise<number | undefined>;
}

export interface Freshness {
  answeredAt: number;
  jobState: string;
  /** The job's combined watermark now (epoch ms); null before the first. */
  watermark: number | null;
  /** The watermark of the last step the answering workers had applied: the answer is the state as of it. */
  stateWatermark: number | null;
  /** answeredAt - watermark. */
  watermarkLagMs: number | null;
  lastCheckpointAt: number | null;
  checkpointAgeMs: number | null;
  consumerLag: number | null;
}

export interface WindowInfo {
  start: number;
  end: number;
  /** No event can change it any more: the watermark passed end - 1 + allowed lateness. */
  final: boolean;
  /** The watermark at which it becomes final. */
  finalAt: number;
}

/** How /status describes a job's (or one aggregation's) windows. */
export interface StatusWindows {
  windowMs: number;
  windowType: WindowSpec['type'];
  /** Sliding windows only. */
  slideMs?: number;
  allowedLatenessMs: number;
}

/** What ranks a window's keys (/status). */
export interface StatusRanking {
  rankFields: string[];
  rankMaps: string[];
  defaultRankBy: string | null;
}

export interface QueryStatus {
  /**
   * A job with one aggregation: its key, windows and ranking. A job with several: `aggregations`,
   * each one's (the job itself has no one key, window or ranking).
   */
  job: { name: string; workers: number; keyName?: string; aggregations?: Array<StatusAggregation> } & Partial<StatusWindows> &
    Partial<StatusRanking>;
  answering: boolean;
  limits: { maxScan: number; timeoutMs: number };
  freshness: Freshness;
}

export type StatusAggregation = { name: string; keyName: string; keyDescription: string } & StatusWindows & StatusRanking;

/** A job's windows, or one aggregation's. `spec` absent: tumbling windows of `sizeMs`. */
export interface QueryWindows {
  sizeMs: number;
  allowedLatenessMs: number;
  spec?: WindowSpec;
}

/** One aggregation of a job with several: its name, what describes its API, its windows. */
export interface QueryAggregation {
  name: string;
  description: QueryDescription;
  windows: QueryWindows;
}

/**
 * What a query reads: the job's windows (a job with one aggregation), or one aggregation's (a job
 * with several: `aggregation` is its index and name). Its key, documents and windows.
 */
export class QueryScope {
  constructor(
    readonly description: QueryDescription,
    readonly windows: QueryWindows,
    readonly aggregation?: { index: number; name: string },
  ) {}

  get windowMs(): number {
    return this.windows.sizeMs;
  }

  /** What window starts are multiples of: the size (tumbling), the slide (sliding), 1 ms (sessions start at an event). */
  get startAlignMs(): number {
    const spec = this.windows.spec;
    if (spec?.type === 'sliding') return spec.slideMs;
    if (spec?.type === 'session') return 1;
    return this.windows.sizeMs;
  }

  get windowType(): WindowSpec['type'] {
    return this.windows.spec?.type ?? 'tumbling';
  }

  /**
   * `end`: the window's own, when known (a key's session); without it, sessions get the earliest a
   * session starting there can end (start + gap), and aligned windows their one end.
   */
  windowInfo(start: number, watermark: number | null, end = start + this.windows.sizeMs): WindowInfo {
    const finalAt = end - 1 + this.windows.allowedLatenessMs;
    return { start, end, final: watermark !== null && finalAt <= watermark, finalAt };
  }

  /** The window shape as /status describes it. */
  describeWindows(): StatusWindows {
    return {
      windowMs: this.windows.sizeMs,
      windowType: this.windowType,
      ...(this.windowType === 'sliding' ? { slideMs: this.startAlignMs } : {}),
      allowedLatenessMs: this.windows.allowedLatenessMs,
    };
  }

  /** What the worker query carries, and what an answer starts with: the aggregation (jobs with several). */
  get query(): { aggregation?: number } {
    return this.aggregation ? { aggregation: this.aggregation.index } : {};
  }
  get answer(): { aggregation?: string } {
    return this.aggregation ? { aggregation: this.aggregation.name } : {};
  }
}

export type QueryServiceOptions = {
  current: () => QueryTarget | undefined;
  maxScan: number;
  timeoutMs: number;
  /** Queries in flight at once at most (beyond: QUERY_RATE_LIMITED); default 64. */
  maxInFlight?: number;
  workers: number;
  sources: FreshnessSources;
  now?: () => number;
} & (
  | {
      description: QueryDescription;
      /** `spec`: the job's windows (absent: tumbling windows of `sizeMs`). */
      windows: QueryWindows;
      aggregations?: undefined;
    }
  | {
      /**
       * A job with several aggregations (job files' `aggregations:`), in order: every query names one
       * (QueryService.scope), and is answered from that aggregation's windows only.
       */
      aggregations: QueryAggregation[];
      /** The job's name (each aggregation's description names it too). */
      job: string;
      description?: undefined;
      windows?: undefined;
    }
);

const finite = (n: number | undefined): number | null => (n !== undefined && Number.isFinite(n) ? n : null);

export class QueryService {
  private inFlight = 0;
  private readonly now: () => number;
  /** A job with one aggregation: its one scope; with several: each aggregation's, in order. */
  private readonly scopes: QueryScope[];

  constructor(private readonly options: QueryServiceOptions) {
    this.now = options.now ?? Date.now;
    this.scopes = options.aggregations
      ? options.aggregations.map((a, index) => new QueryScope(a.description, a.windows, { index, name: a.name }))
      : [new QueryScope(options.description, options.windows)];
  }

  /** The job's name. */
  get job(): string {
    return this.options.aggregations ? this.options.job : this.options.description.job;
  }

  /** A job with several aggregations: each one's scope, in order; a job with one: undefined. */
  get aggregations(): readonly QueryScope[] | undefined {
    return this.options.aggregations ? this.scopes : undefined;
  }

  /**
   * What a request reads. A job with one aggregation: the job (no `aggregation` parameter is
   * accepted). A job with several: the aggregation `name` names; without one, or with a name the
   * job does not have, QUERY_BAD_REQUEST (400) listing the aggregations (no default: see
   * parseAggregation).
   */
  scope(name?: string): QueryScope {
    const names = this.options.aggregations?.map((a) => a.name);
    if (!names) {
      if (name !== undefined) throw badRequest('aggregation', `job ${this.job} has one aggregation: do not name one`);
      return this.scopes[0] as QueryScope;
    }
    return this.scopes[parseAggregation(name, names, this.job)] as QueryScope;
  }

  /** A job with one aggregation: its description (several: the first aggregation's; each has its own, see `aggregations`). */
  get description(): QueryDescription {
    return (this.scopes[0] as QueryScope).description;
  }

  /** A job with one aggregation: its window size (several: the first aggregation's). */
  get windowMs(): number {
    return (this.scopes[0] as QueryScope).windowMs;
  }

  /** A job with one aggregation: what its window starts are multiples of (several: the first aggregation's). */
  get startAlignMs(): number {
    return (this.scopes[0] as QueryScope).startAlignMs;
  }

  get windowType(): WindowSpec['type'] {
    return (this.scopes[0] as QueryScope).windowType;
  }

  /** One key's windows overlapping [from, to): open ones and fired ones still held. */
  async keyWindows(key: string, from: number, to: number, scope: QueryScope = this.single()) {
    const { replies, freshness } = await this.ask({ kind: 'key-windows', key, from, to, ...scope.query });
    const windows = replies.flatMap((r) => answer(r, 'key-windows').windows).sort((a, b) => a.start - b.start);
    return {
      ...scope.answer,
      key,
      from,
      to,
      // Each window's own end (a session's is in its entry; aligned windows' is start + size).
      windows: windows.map((w) => ({ ...scope.windowInfo(w.start, freshness.watermark, w.end), fired: w.fired, result: w.result })),
      freshness,
    };
  }

  /** A page of a window's keys, in key order, after the cursor's key. */
  async windowKeys(start: number, after: string | undefined, limit: number, scope: QueryScope = this.single()) {
    const { replies, freshness } = await this.ask({
      kind: 'window-keys',
      start,
      limit,
      maxScan: this.options.maxScan,
      ...(after === undefined ? {} : { after }),
      ...scope.query,
    });
    const pages = replies.map((r) => answer(r, 'window-keys'));
    const { keys, more } = mergeKeyPages(
      pages.map((p) => p.keys),
      limit,
    );
    const last = keys[keys.length - 1];
    return {
      ...scope.answer,
      window: scope.windowInfo(start, freshness.watermark),
      limit,
      keys,
      nextCursor: more && last ? encodeCursor(start, last.key, scope.aggregation?.name) : null,
      scanned: pages.reduce((n, p) => n + p.scanned, 0),
      freshness,
    };
  }

  /** A window's top `n` keys by `by`. */
  async windowTop(start: number, by: string, n: number, scope: QueryScope = this.single()) {
    const { replies, freshness } = await this.ask({ kind: 'window-top', start, by, n, maxScan: this.options.maxScan, ...scope.query });
    const answers = replies.map((r) => answer(r, 'window-top'));
    const top = mergeTop(
      answers.map((a) => a.top),
      n,
    );
    return {
      ...scope.answer,
      window: scope.windowInfo(start, freshness.watermark),
      by,
      n,
      top: top.map((entry, i) => ({ rank: i + 1, ...entry })),
      scanned: answers.reduce((sum, a) => sum + a.scanned, 0),
      freshness,
    };
  }

  /** The windows held in state, and the current one (holding the watermark). */
  async windows(scope: QueryScope = this.single()) {
    const { replies, freshness } = await this.ask({ kind: 'windows', ...scope.query });
    const starts = mergeStarts(replies.map((r) => answer(r, 'windows').starts));
    const align = scope.startAlignMs;
    const wm = freshness.watermark;
    // The latest window holding the watermark (sessions: the latest held start at or before it).
    const current =
      wm === null
        ? (starts[starts.length - 1] ?? null)
        : scope.windowType === 'session'
          ? (starts.filter((s) => s <= wm).pop() ?? null)
          : wm - (((wm % align) + align) % align);
    return { ...scope.answer, windows: starts.map((s) => scope.windowInfo(s, wm)), current, freshness };
  }

  /**
   * The job, its API description, and how fresh answers are now (no worker is asked). A job with
   * several aggregations: `job.aggregations` describes each (its key, windows, lateness and what
   * ranks it) in place of the one key, window and ranking of a job with one.
   */
  async status(): Promise<QueryStatus> {
    const target = this.options.current();
    const ranking = (d: QueryDescription) => ({ rankFields: d.rankFields, rankMaps: d.rankMaps, defaultRankBy: d.defaultRankBy ?? null });
    const single = this.options.aggregations ? undefined : (this.scopes[0] as QueryScope);
    return {
      job: single
        ? {
            name: single.description.job,
            keyName: single.description.keyName,
            ...single.describeWindows(),
            workers: this.options.workers,
            ...ranking(single.description),
          }
        : {
            name: this.job,
            workers: this.options.workers,
            aggregations: this.scopes.map((scope) => ({
              name: scope.aggregation?.name ?? '',
              keyName: scope.description.keyName,
              keyDescription: scope.description.keyDescription,
              ...scope.describeWindows(),
              ...ranking(scope.description),
            })),
          },
      answering: target?.state === 'running',
      limits: { maxScan: this.options.maxScan, timeoutMs: this.options.timeoutMs },
      freshness: await this.freshness(target, undefined),
    };
  }

  /** A job with one aggregation: see QueryScope.windowInfo (several: the first aggregation's windows). */
  windowInfo(start: number, watermark: number | null): WindowInfo {
    return (this.scopes[0] as QueryScope).windowInfo(start, watermark);
  }

  /** The scope of a call that names none: a job with one aggregation's; refused for a job with several. */
  private single(): QueryScope {
    return this.scope(undefined);
  }

  private async ask(query: WorkerQuery): Promise<{ replies: WorkerQueryReply[]; freshness: Freshness }> {
    const target = this.options.current();
    if (target?.state !== 'running') {
      throw new SluiceError(
        ErrorCode.QUERY_UNAVAILABLE,
        `no job is running to answer (${target ? `the job is ${target.state}` : 'the job has not started'}); try again shortly`,
        { retriable: true },
      );
    }
    const max = this.options.maxInFlight ?? 64;
    if (this.inFlight >= max)
      throw new SluiceError(ErrorCode.QUERY_RATE_LIMITED, `${max} queries are in flight already; try again shortly`, { retriable: true });
    this.inFlight++;
    try {
      const replies = await target.query(query, this.options.timeoutMs);
      return { replies, freshness: await this.freshness(target, replies) };
    } finally {
      this.inFlight--;
    }
  }

  private async freshness(target: QueryTarget | undefined, replies: WorkerQueryReply[] | undefined): Promise<Freshness> {
    const answeredAt = this.now();
    const watermark = finite(target?.stats()?.watermark);
    const stateWatermark = replies && replies.length > 0 ? finite(Math.min(...replies.map((r) => r.watermark))) : null;
    const [checkpointAt, lag] = await Promise.all([
      this.options.sources.lastCheckpointAt().catch(() => undefined),
      this.options.sources.consumerLag().catch(() => undefined),
    ]);
    const lastCheckpointAt = finite(checkpointAt);
    return {
      answeredAt,
      jobState: target?.state ?? 'created',
      watermark,
      stateWatermark,
      watermarkLagMs: watermark === null ? null : answeredAt - watermark,
      lastCheckpointAt,
      checkpointAgeMs: lastCheckpointAt === null ? null : answeredAt - lastCheckpointAt,
      consumerLag: finite(lag),
    };
  }
}

function answer<K extends WorkerQueryAnswer['kind']>(reply: WorkerQueryReply, kind: K): Extract<WorkerQueryAnswer, { kind: K }> {
  if (reply.answer.kind !== kind)
    throw new SluiceError(ErrorCode.INTERNAL, `worker ${reply.workerIndex} answered a ${reply.answer.kind} query to a ${kind} query`);
  return reply.answer as Extract<WorkerQueryAnswer, { kind: K }>;
}
