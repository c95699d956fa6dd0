/**
 * The checkpoint coordinator (after Flink's CheckpointCoordinator): decides when checkpoint n
 * starts, collects the acknowledgements that make it complete, has it recorded durably, and counts
 * failures. It knows nothing of Kafka, workers or LMDB: everything it drives is injected, and time
 * comes from an injected Clock and Scheduler, so the protocol is unit-tested by hand.
 *
 * One checkpoint, step by step:
 *   1. trigger: `triggerBarrier(n, kind)` injects barrier n into the input (the source places it at
 *      known offsets, per partition) and resolves with where it went (`B`, e.g. offsets).
 *   2. acknowledge: every declared participant calls `acknowledge(n, participantId, payload)` once
 *      it is done with what preceded barrier n (a worker: its snapshot handle; the sinks: once all
 *      results before the barrier are durably written). Acks may arrive before step 1 resolves.
 *      `decline(n, participantId, reason)` fails the checkpoint.
 *   3. persist: with the placement and every ack in hand, `persist(completed)` records them durably
 *      and atomically (offsets + state handles). Only after it resolves is checkpoint n complete.
 *   4. notify: `onCompleted(completed)` (commit offsets to Kafka for lag monitoring, prune older
 *      checkpoints). Its failure is logged, never a checkpoint failure: n is already durable.
 *
 * Timing (Flink semantics, at most one checkpoint in flight):
 *   - the first periodic checkpoint starts `initialDelayMs` (default intervalMs) after `start()`;
 *   - the next one starts at max(lastTrigger + intervalMs, lastEnd + minPauseMs): minPause is the
 *     least time between the END of one checkpoint and the START of the next;
 *   - `timeoutMs` runs from the trigger until every ack is in. It does not cover `persist`: once all
 *     acks are in the checkpoint is consistent, and abandoning a half-written record would leave one
 *     the coordinator disowns; a stuck persist shows in `stats().inFlight` (phase 'persisting').
 *
 * Failures: every failed checkpoint calls `onAborted(failure)` (tell participants to drop n) with a
 * reason from CheckpointFailureReason. Periodic checkpoints that fail in a row (not counting
 * ABORTED_BY_STOP) are counted; when the count exceeds `tolerableConsecutiveFailures`, `onFatal`
 * receives a CHECKPOINT_FAILED SluiceError once and the coordinator stops (the owner fails the job,
 * and the restart strategy restarts it). Any completed checkpoint resets the count. Checkpoints asked
 * for with `triggerNow` report failure to their caller only (as Flink treats savepoints).
 */
import type { Cancel, Clock, Scheduler } from '../../clock.js';
import { ErrorCode, SluiceError } from '../../errors.js';
import type { Logger } from '../../telemetry/logging.js';

/** Why a checkpoint failed. Stable names: they appear in metrics, logs and error details. */
export const CheckpointFailureReason = {
  /** `triggerBarrier` rejected: the barrier could not be placed (source not ready, ...). */
  TRIGGER_FAILED: 'TRIGGER_FAILED',
  /** A participant declined (its snapshot failed, its alignment was cancelled, ...). */
  DECLINED: 'DECLINED',
  /** Not every participant acknowledged within `timeoutMs` of the trigger. */
  TIMEOUT: 'TIMEOUT',
  /** `persist` rejected: the checkpoint could not be recorded durably. */
  PERSIST_FAILED: 'PERSIST_FAILED',
  /** `stop()` was called while it was pending (not counted as a failure in a row). */
  ABORTED_BY_STOP: 'ABORTED_BY_STOP',
} as const;
export type CheckpointFailureReason = (typeof CheckpointFailureReason)[keyof typeof CheckpointFailureReason];

/** periodic: by the interval; forced: `triggerNow()` (e.g. the final one of a graceful stop); savepoint: `triggerNow({ savepoint: true })`. */
export type CheckpointKind = 'periodic' | 'forced' | 'savepoint';

/** What `persist` records: everything needed to restore (load state handles, seek to the placement). */
export interface CompletedCheckpoint<B, A> {
  id: number;
  kind: CheckpointKind;
  triggeredAt: number;
  /** When the last acknowledgement arrived: the checkpoint is consistent from then on. */
  acknowledgedAt: number;
  /** Where barrier `id` entered the input (what `triggerBarrier` resolved with). */
  placement: B;
  /** Every participant's acknowledgement payload, by participant id. */
  acks: ReadonlyMap<string, A>;
  /** Sum of the sizes participants reported with their acks. */
  sizeBytes: number;
}

export interface CheckpointFailure {
  checkpointId: number;
  kind: CheckpointKind;
  reason: CheckpointFailureReason;
  /** The participant that declined, for DECLINED. */
  participant?: string;
  /** The CHECKPOINT_FAILED error (details: checkpointId, reason, participant), its cause attached. */
  error: SluiceError;
  at: number;
}

/** What `acknowledge` and `decline` did with a message; only 'accepted' changed anything. */
export type AckOutcome = 'accepted' | 'duplicate' | 'late' | 'unknown-checkpoint' | 'unknown-participant';

export interface CheckpointCoordinatorOptions<B, A> {
  intervalMs: number;
  minPauseMs: number;
  timeoutMs: number;
  /** Periodic checkpoints that may fail in a row; one more is fatal. Default 3. */
  tolerableConsecutiveFailures?: number;
  /** Delay of the first periodic checkpoint after `start()`. Default intervalMs. */
  initialDelayMs?: number;
  /** Id of the first checkpoint: one above the id restored from, so ids never repeat. Default 1. */
  firstCheckpointId?: number;
  /** Every id that must acknowledge a checkpoint (e.g. 'worker-0', 'worker-1', 'sinks'). */
  participants: readonly string[];
  clock: Clock;
  scheduler: Scheduler;
  triggerBarrier(checkpointId: number, kind: CheckpointKind): Promise<B>;
  persist(completed: CompletedCheckpoint<B, A>): Promise<void>;
  onCompleted?(completed: CompletedCheckpoint<B, A>): void | Promise<void>;
  onAborted?(failure: CheckpointFailure): void;
  onFatal(err: SluiceError): void;
  logger?: Pick<Logger, 'warn'>;
}

export type CoordinatorState = 'created' | 'running' | 'stopping' | 'stopped' | 'failed';

export interface CheckpointStats {
  state: CoordinatorState;
  inFlight?: { id: number; kind: CheckpointKind; phase: CheckpointPhase; triggeredAt: number; waitingFor: string[] };
  lastCompleted?: { id: number; kind: CheckpointKind; completedAt: number; durationMs: number; sizeBytes: number };
  completed: number;
  failed: Record<CheckpointFailureReason, number>;
  consecutiveFailures: number;
  lastFailure?: { id: number; reason: CheckpointFailureReason; at: number; message: string };
  /** When the next periodic checkpoint is planned, if one is. */
  nextTriggerAt?: number;
}

export type CheckpointPhase = 'triggering' | 'acknowledging' | 'persisting';

interface Waiter<B, A> {
  resolve(completed: CompletedCheckpoint<B, A>): void;
  reject(err: SluiceError): void;
}

interface Pending<B, A> {
  id: number;
  kind: CheckpointKind;
  triggeredAt: number;
  phase: CheckpointPhase;
  placement?: { value: B };
  acks: Map<string, A>;
  sizeBytes: number;
  cancelTimeout: Cancel;
  settled: boolean;
  waiters: Array<Waiter<B, A>>;
  /** Resolves when the coordinator is done with this checkpoint (its slot is free). */
  done: Promise<void>;
  release: () => void;
}

const DEFAULT_TOLERABLE_FAILURES = 3;

export class CheckpointCoordinator<B, A> {
  private state: CoordinatorState = 'created';
  private nextId: number;
  private readonly participants: ReadonlySet<string>;
  private readonly tolerable: number;
  private pending: Pending<B, A> | undefined;
  /** triggerNow calls waiting for the in-flight checkpoint to end; served together by the next one. */
  private requested: { savepoint: boolean; waiters: Array<Waiter<B, A>> } | undefined;
  /** After `triggerNow({ final: true })`: no more periodic checkpoints. */
  private periodicOff = false;
  private timer: { at: number; cancel: Cancel } | undefined;
  private lastTriggerAt: number | undefined;
  private lastEndAt: number | undefined;
  private consecutiveFailures = 0;
  private completedCount = 0;
  private readonly failedCounts = Object.fromEntries(Object.values(CheckpointFailureReason).map((r) => [r, 0])) as Record<
    CheckpointFailureReason,
    number
  >;
  private lastCompleted: CheckpointStats['lastCompleted'];
  private lastFailure: CheckpointStats['lastFailure'];

  constructor(private readonly options: CheckpointCoordinatorOptions<B, A>) {
    this.participants = new Set(options.participants);
    this.tolerable = options.tolerableConsecutiveFailures ?? DEFAULT_TOLERABLE_FAILURES;
    this.nextId = options.firstCheckpointId ?? 1;
  }

  /** Begin periodic checkpoints. */
  start(): void {
    if (this.state !== 'created') throw new SluiceError(ErrorCode.INTERNAL, `checkpoint coordinator cannot start: it is ${this.state}`);
    this.state = 'running';
    this.scheduleNext();
  }

  /**
   * A checkpoint now (a savepoint, or the final checkpoint of a graceful stop), regardless of the
   * interval and min pause. If one is in flight, this one starts as soon as it ends; calls made
   * meanwhile share that next checkpoint. `final`: no periodic checkpoint starts after this call.
   * Rejects with CHECKPOINT_FAILED (details.reason) if it fails or the coordinator stops.
   */
  triggerNow(options: { savepoint?: boolean; final?: boolean } = {}): Promise<CompletedCheckpoint<B, A>> {
    if (this.state !== 'created' && this.state !== 'running') {
      return Promise.reject(
        this.error(CheckpointFailureReason.ABORTED_BY_STOP, `no checkpoint can start: the checkpoint coordinator is ${this.state}`),
      );
    }
    if (options.final) {
      this.periodicOff = true;
      this.cancelTimer();
    }
    return new Promise((resolve, reject) => {
      const request = (this.requested ??= { savepoint: false, waiters: [] });
      request.savepoint ||= options.savepoint === true;
      request.waiters.push({ resolve, reject });
      if (!this.pending) this.startRequested();
    });
  }

  /** Participant `participantId` is done with checkpoint `checkpointId`; `sizeBytes` feeds the stats. */
  acknowledge(checkpointId: number, participantId: string, payload: A, sizeBytes = 0): AckOutcome {
    const p = this.match(checkpointId, participantId);
    if (typeof p === 'string') return p;
    p.acks.set(participantId, payload);
    p.sizeBytes += sizeBytes;
    this.maybePersist(p);
    return 'accepted';
  }

  /** Participant `participantId` cannot complete checkpoint `checkpointId`: it fails (DECLINED). */
  decline(checkpointId: number, participantId: string, reason: unknown): AckOutcome {
    const p = this.pending;
    if (!p || p.id !== checkpointId) return this.unmatched(checkpointId);
    if (!this.participants.has(participantId)) return 'unknown-participant';
    if (p.phase === 'persisting') return 'late';
    const why = reason instanceof Error ? reason.message : String(reason);
    this.fail(
      p,
      CheckpointFailureReason.DECLINED,
      `participant ${participantId} declined checkpoint ${p.id}: ${why}`,
      reason,
      participantId,
    );
    return 'accepted';
  }

  /**
   * Stop: no new checkpoint starts, a pending one is aborted (ABORTED_BY_STOP), waiting triggerNow
   * calls reject. A checkpoint already persisting is let finish first (it is consistent).
   */
  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'failed') return;
    if (this.state === 'stopping') {
      await this.pending?.done;
      return;
    }
    this.state = 'stopping';
    this.cancelTimer();
    this.rejectRequested(
      this.error(CheckpointFailureReason.ABORTED_BY_STOP, 'the checkpoint coordinator stopped before this checkpoint could start'),
    );
    const p = this.pending;
    if (p && p.phase !== 'persisting')
      this.fail(p, CheckpointFailureReason.ABORTED_BY_STOP, `checkpoint ${p.id} aborted: the checkpoint coordinator stopped`);
    await p?.done;
    if (this.state === 'stopping') this.state = 'stopped';
  }

  stats(): CheckpointStats {
    const p = this.pending;
    return {
      state: this.state,
      ...(p
        ? {
            inFlight: {
              id: p.id,
              kind: p.kind,
              phase: p.phase,
              triggeredAt: p.triggeredAt,
              waitingFor: [...this.participants].filter((id) => !p.acks.has(id)),
            },
          }
        : {}),
      ...(this.lastCompleted ? { lastCompleted: { ...this.lastCompleted } } : {}),
      completed: this.completedCount,
      failed: { ...this.failedCounts },
      consecutiveFailures: this.consecutiveFailures,
      ...(this.lastFailure ? { lastFailure: { ...this.lastFailure } } : {}),
      ...(this.timer ? { nextTriggerAt: this.timer.at } : {}),
    };
  }

  private match(checkpointId: number, participantId: string): Pending<B, A> | AckOutcome {
    const p = this.pending;
    if (!p || p.id !== checkpointId) return this.unmatched(checkpointId);
    if (!this.participants.has(participantId)) return 'unknown-participant';
    if (p.acks.has(participantId)) return 'duplicate';
    return p;
  }

  /** An id below the next one belonged to a checkpoint that is over (or never reached us in time). */
  private unmatched(checkpointId: number): AckOutcome {
    return checkpointId < this.nextId ? 'late' : 'unknown-checkpoint';
  }

  private scheduleNext(): void {
    this.cancelTimer();
    if (this.state !== 'running' || this.periodicOff || this.pending) return;
    const now = this.options.clock.now();
    const due =
      this.lastTriggerAt === undefined
        ? now + (this.options.initialDelayMs ?? this.options.intervalMs)
        : Math.max(this.lastTriggerAt + this.options.intervalMs, (this.lastEndAt ?? now) + this.options.minPauseMs);
    const cancel = this.options.scheduler.schedule(due - now, () => {
      this.timer = undefined;
      if (this.state === 'running' && !this.pending && !this.periodicOff) this.begin('periodic', []);
    });
    this.timer = { at: Math.max(due, now), cancel };
  }

  private cancelTimer(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  private startRequested(): void {
    const request = this.requested;
    if (!request) return;
    this.requested = undefined;
    this.cancelTimer();
    this.begin(request.savepoint ? 'savepoint' : 'forced', request.waiters);
  }

  private begin(kind: CheckpointKind, waiters: Array<Waiter<B, A>>): void {
    const now = this.options.clock.now();
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const p: Pending<B, A> = {
      id: this.nextId++,
      kind,
      triggeredAt: now,
      phase: 'triggering',
      acks: new Map(),
      sizeBytes: 0,
      cancelTimeout: () => {},
      settled: false,
      waiters,
      done,
      release,
    };
    this.pending = p;
    this.lastTriggerAt = now;
    p.cancelTimeout = this.options.scheduler.schedule(this.options.timeoutMs, () => {
      if (p.phase === 'persisting') return;
      const waitingFor = [...this.participants].filter((id) => !p.acks.has(id));
      const what = p.phase === 'triggering' ? 'the barrier was not placed' : `no acknowledgement from ${waitingFor.join(', ')}`;
      this.fail(p, CheckpointFailureReason.TIMEOUT, `checkpoint ${p.id} timed out after ${this.options.timeoutMs} ms: ${what}`);
    });
    // Acks may come in while the barrier is still being placed: `p` is pending from here on.
    void this.trigger(p);
  }

  private async trigger(p: Pending<B, A>): Promise<void> {
    let placement: B;
    try {
      placement = await this.options.triggerBarrier(p.id, p.kind);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      this.fail(p, CheckpointFailureReason.TRIGGER_FAILED, `checkpoint ${p.id}: the barrier could not be placed: ${why}`, err);
      return;
    }
    if (p.settled) return; // timed out or stopped meanwhile: this placement is stale
    p.placement = { value: placement };
    p.phase = 'acknowledging';
    this.maybePersist(p);
  }

  private maybePersist(p: Pending<B, A>): void {
    if (p.settled || p.phase !== 'acknowledging' || !p.placement || p.acks.size < this.participants.size) return;
    p.phase = 'persisting';
    p.cancelTimeout();
    const completed: CompletedCheckpoint<B, A> = {
      id: p.id,
      kind: p.kind,
      triggeredAt: p.triggeredAt,
      acknowledgedAt: this.options.clock.now(),
      placement: p.placement.value,
      acks: p.acks,
      sizeBytes: p.sizeBytes,
    };
    void this.persist(p, completed);
  }

  private async persist(p: Pending<B, A>, completed: CompletedCheckpoint<B, A>): Promise<void> {
    try {
      await this.options.persist(completed);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      this.fail(p, CheckpointFailureReason.PERSIST_FAILED, `checkpoint ${p.id} could not be recorded: ${why}`, err);
      return;
    }
    p.settled = true;
    const now = this.options.clock.now();
    this.completedCount++;
    this.consecutiveFailures = 0; // any completed checkpoint proves the whole path works again
    this.lastCompleted = { id: p.id, kind: p.kind, completedAt: now, durationMs: now - p.triggeredAt, sizeBytes: p.sizeBytes };
    try {
      await this.options.onCompleted?.(completed);
    } catch (err) {
      // Checkpoint n is durable already; a failed notification (offset commit for monitoring,
      // pruning) must not turn it into a failure.
      this.options.logger?.warn({ err, checkpointId: p.id }, 'checkpoint completed, but its completion handler failed');
    }
    for (const w of p.waiters) w.resolve(completed);
    this.end(p);
  }

  private fail(p: Pending<B, A>, reason: CheckpointFailureReason, message: string, cause?: unknown, participant?: string): void {
    if (p.settled) return;
    p.settled = true;
    p.cancelTimeout();
    const error = this.error(reason, message, cause, { checkpointId: p.id, ...(participant ? { participant } : {}) });
    const failure: CheckpointFailure = {
      checkpointId: p.id,
      kind: p.kind,
      reason,
      error,
      at: this.options.clock.now(),
      ...(participant ? { participant } : {}),
    };
    this.failedCounts[reason]++;
    this.lastFailure = { id: p.id, reason, at: failure.at, message };
    try {
      this.options.onAborted?.(failure);
    } catch (err) {
      this.options.logger?.warn({ err, checkpointId: p.id }, 'the checkpoint abort handler failed');
    }
    for (const w of p.waiters) w.reject(error);
    const counted = p.kind === 'periodic' && reason !== CheckpointFailureReason.ABORTED_BY_STOP;
    if (counted && ++this.consecutiveFailures > this.tolerable) {
      this.fatal(
        new SluiceError(
          ErrorCode.CHECKPOINT_FAILED,
          `${this.consecutiveFailures} checkpoints failed in a row (tolerable: ${this.tolerable}); last: ${message}`,
          {
            cause: error,
            details: { checkpointId: p.id, reason, consecutiveFailures: this.consecutiveFailures, tolerable: this.tolerable },
          },
        ),
      );
    }
    this.end(p);
  }

  /** Free the slot, then serve waiting triggerNow calls or plan the next periodic checkpoint. */
  private end(p: Pending<B, A>): void {
    if (this.pending === p) this.pending = undefined;
    this.lastEndAt = this.options.clock.now();
    p.release();
    if (this.state !== 'running' && this.state !== 'created') return;
    if (this.requested) this.startRequested();
    else this.scheduleNext();
  }

  private fatal(err: SluiceError): void {
    if (this.state === 'failed') return;
    this.state = 'failed';
    this.cancelTimer();
    this.rejectRequested(err);
    this.options.onFatal(err);
  }

  private rejectRequested(err: SluiceError): void {
    const request = this.requested;
    this.requested = undefined;
    for (const w of request?.waiters ?? []) w.reject(err);
  }

  private error(reason: CheckpointFailureReason, message: string, cause?: unknown, details: Record<string, unknown> = {}): SluiceError {
    return new SluiceError(ErrorCode.CHECKPOINT_FAILED, message, {
      retriable: reason !== CheckpointFailureReason.ABORTED_BY_STOP,
      ...(cause === undefined ? {} : { cause }),
      details: { ...details, reason },
    });
  }
}
