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

export interface QueryServiceOptions {
  current: () => QueryTarget | undefined;
  description: QueryDescription;
  /** `spec`: the job's windows (absent: tumbling windows of `sizeMs`). */
  windows: { sizeMs: number; allowedLatenessMs: number; spec?: WindowSpec };
  maxScan: number;
  timeoutMs: number;
  /** Queries in flight at once at most (beyond: QUERY_RATE_LIMITED); default 64. */
  maxInFlight?: number;
  workers: number;
  sources: FreshnessSources;
  now?: () => number;
}

const finite = (n: number | undefined): number | null => (n !== undefined && Number.isFinite(n) ? n : null);

export class QueryService {
  private inFlight = 0;
  private readonly now: () => number;

  constructor(private readonly options: QueryServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  get description(): QueryDescription {
    return this.options.description;
  }

  get windowMs(): number {
    return this.options.windows.sizeMs;
  }

  /** What window starts are multiples of: the size (tumbling), the slide (sliding), 1 ms (sessions start at an event). */
  get startAlignMs(): number {
    const spec = this.options.windows.spec;
    if (spec?.type === 'sliding') return spec.slideMs;
    if (spec?.type === 'session') return 1;
    return this.options.windows.sizeMs;
  }

  get windowType(): WindowSpec['type'] {
    return this.options.windows.spec?.type ?? 'tumbling';
  }

  /** One key's windows overlapping [from, to): open ones and fired ones still held. */
  async keyWindows(key: string, from: number, to: number) {
    const { replies, freshness } = await this.ask({ kind: 'key-windows', key, from, to });
    const windows = replies.flatMap((r) => answer(r, 'key-windows').windows).sort((a, b) => a.start - b.start);
    return {
      key,
      from,
      to,
      windows: windows.map((w) => ({ ...this.windowInfo(w.start, freshness.watermark), fired: w.fired, result: w.result })),
      freshness,
    };
  }

  /** A page of a window's keys, in key order, after the cursor's key. */
  async windowKeys(start: number, after: string | undefined, limit: number) {
    const { replies, freshness } = await this.ask({
      kind: 'window-keys',
      start,
      limit,
      maxScan: this.options.maxScan,
      ...(after === undefined ? {} : { after }),
    });
    const pages = replies.map((r) => answer(r, 'window-keys'));
    const { keys, more } = mergeKeyPages(
      pages.map((p) => p.keys),
      limit,
    );
    const last = keys[keys.length - 1];
    return {
      window: this.windowInfo(start, freshness.watermark),
      limit,
      keys,
      nextCursor: more && last ? encodeCursor(start, last.key) : null,
      scanned: pages.reduce((n, p) => n + p.scanned, 0),
      freshness,
    };
  }

  /** A window's top `n` keys by `by`. */
  async windowTop(start: number, by: string, n: number) {
    const { replies, freshness } = await this.ask({ kind: 'window-top', start, by, n, maxScan: this.options.maxScan });
    const answers = replies.map((r) => answer(r, 'window-top'));
    const top = mergeTop(
      answers.map((a) => a.top),
      n,
    );
    return {
      window: this.windowInfo(start, freshness.watermark),
      by,
      n,
      top: top.map((entry, i) => ({ rank: i + 1, ...entry })),
      scanned: answers.reduce((sum, a) => sum + a.scanned, 0),
      freshness,
    };
  }

  /** The windows held in state, and the current one (holding the watermark). */
  async windows() {
    const { replies, freshness } = await this.ask({ kind: 'windows' });
    const starts = mergeStarts(replies.map((r) => answer(r, 'windows').starts));
    const align = this.startAlignMs;
    const wm = freshness.watermark;
    // The latest window holding the watermark (sessions: the latest held start at or before it).
    const current =
      wm === null
        ? (starts[starts.length - 1] ?? null)
        : this.windowType === 'session'
          ? (starts.filter((s) => s <= wm).pop() ?? null)
          : wm - (((wm % align) + align) % align);
    return { windows: starts.map((s) => this.windowInfo(s, wm)), current, freshness };
  }

  /** The job, its API description, and how fresh answers are now (no worker is asked). */
  async status() {
    const target = this.options.current();
    const d = this.options.description;
    return {
      job: {
        name: d.job,
        keyName: d.keyName,
        windowMs: this.options.windows.sizeMs,
        windowType: this.windowType,
        ...(this.windowType === 'sliding' ? { slideMs: this.startAlignMs } : {}),
        allowedLatenessMs: this.options.windows.allowedLatenessMs,
        workers: this.options.workers,
        rankFields: d.rankFields,
        rankMaps: d.rankMaps,
        defaultRankBy: d.defaultRankBy ?? null,
      },
      answering: target?.state === 'running',
      limits: { maxScan: this.options.maxScan, timeoutMs: this.options.timeoutMs },
      freshness: await this.freshness(target, undefined),
    };
  }

  /** Sessions: `end` is the earliest a session starting there can end (start + gap); each key's answer has its own end. */
  windowInfo(start: number, watermark: number | null): WindowInfo {
    const end = start + this.options.windows.sizeMs;
    const finalAt = end - 1 + this.options.windows.allowedLatenessMs;
    return { start, end, final: watermark !== null && finalAt <= watermark, finalAt };
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
