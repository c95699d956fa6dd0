/**
 * A supervisor (after Erlang/OTP and Pekko): runs child specs, watches them, and restarts them by
 * a restart strategy (a value, see strategies.ts). Pure logic: time comes from an injected Clock
 * and Scheduler, children are anything with `start()` -> `{ exited, stop() }`.
 *
 *   - `start()` starts the children in order. A failure during this FIRST start (a child's start
 *     rejects, or a started child fails before the others are up) is not retried: the children
 *     already started are stopped in reverse order and `start()` rejects with a clear error naming
 *     the child path (code of the cause if it has one, else STARTUP_FAILED). Restarting a job whose
 *     configuration or environment is wrong would only loop.
 *   - After that, a child whose `exited` rejects has failed: the failure is added to the history, the
 *     strategy decides, and (mode)
 *       one_for_one:  only that child restarts;
 *       one_for_all:  every child stops (reverse order) and all restart in order, those whose work
 *                     was done included (Flink's "restart the job from the last completed
 *                     checkpoint": each child's start() restores from it);
 *       rest_for_one: that child and the children after it restart.
 *     The restart happens `delayMs` later (injected scheduler); a failure while restarting is one
 *     more failure for the strategy, not a start-up failure.
 *   - When the strategy gives up, every child stops, `exited` rejects with RESTARTS_EXHAUSTED (the
 *     message names the supervisor, the strategy, the failures and the last cause) and `onGiveUp`
 *     gets the same error.
 *   - A clean exit (`exited` resolves) of a transient child (the default) means its work is done; of a
 *     permanent child it is a failure. When every child is done, the supervisor is done.
 *   - `stop()` cancels a pending restart and stops the children in reverse order.
 *   - A supervisor is a child too (`supervisorSpec`): supervision trees; its give-up is its parent's
 *     failure, and each restart of it starts a fresh supervisor (fresh history), as in OTP.
 * Every state change runs one at a time (an internal queue), so failures arriving together are
 * handled in turn and an exit of a child being stopped on purpose is never taken for a failure.
 */
import type { Cancel, Clock, Scheduler } from '../clock.js';
import { ErrorCode, SluiceError } from '../errors.js';
import type { FailureRecord, RestartStrategy } from './strategies.js';

export interface RunningChild {
  /**
   * Resolves when the child stopped cleanly (after `stop()`, or its work is done); rejects when it
   * failed. Must not settle before `start()` resolved: a child failing while starting rejects start().
   */
  exited: Promise<void>;
  /** Stop it; resolves once it stopped. Called at most once per start. */
  stop(): Promise<void>;
}

export interface ChildSpec {
  id: string;
  /** Resolves once the child runs (e.g. a worker said `ready`); rejects if it could not start. */
  start(): Promise<RunningChild>;
  /** transient (default): a clean exit is the end of its work; permanent: a clean exit is a failure. */
  restart?: 'transient' | 'permanent';
  /** A failure no restart can fix (a newer instance fenced this one): the supervisor gives up at once, with that failure. */
  fatal?: (error: unknown) => boolean;
}

export type SupervisionMode = 'one_for_one' | 'one_for_all' | 'rest_for_one';

export interface RestartEvent {
  supervisor: string;
  /** The child that failed. */
  child: string;
  /** The children that will be started again, in order. */
  restarting: string[];
  delayMs: number;
  /** Failures so far, this one included. */
  failures: number;
  cause: unknown;
}

export interface SupervisorOptions {
  id: string;
  children: readonly ChildSpec[];
  mode: SupervisionMode;
  strategy: RestartStrategy;
  clock: Clock;
  scheduler: Scheduler;
  /** For jittered strategies; default Math.random. */
  random?: () => number;
  /** A restart is planned (for logs and metrics). */
  onRestart?(event: RestartEvent): void;
  /** The strategy gave up (the same error `exited` rejects with). */
  onGiveUp?(err: SluiceError): void;
}

export type SupervisorState = 'created' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';
export type ChildState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed' | 'waiting' | 'done';

interface Slot {
  spec: ChildSpec;
  state: ChildState;
  child: RunningChild | undefined;
  /** Bumped at every start and stop: an exit of an older generation is not news. */
  generation: number;
  startedAt: number;
}

export interface SupervisorStats {
  state: SupervisorState;
  failures: number;
  restarts: number;
  children: Record<string, ChildState>;
}

export class Supervisor {
  private state: SupervisorState = 'created';
  private readonly slots: Slot[];
  private readonly failures: FailureRecord[] = [];
  private restarts = 0;
  private readonly timers = new Set<Cancel>();
  private ops: Promise<void> = Promise.resolve();
  private stopRequested = false;
  private startupFailure: { slot: Slot; error: unknown } | undefined;
  private settleExited!: { resolve: () => void; reject: (err: SluiceError) => void };
  /** Resolves when the supervisor stopped or all its children are done; rejects when it gave up. */
  readonly exited: Promise<void>;

  constructor(private readonly options: SupervisorOptions) {
    const ids = new Set<string>();
    for (const spec of options.children) {
      if (ids.has(spec.id)) throw new SluiceError(ErrorCode.INTERNAL, `supervisor ${options.id}: two children are called ${spec.id}`);
      ids.add(spec.id);
    }
    this.slots = options.children.map((spec) => ({ spec, state: 'idle', child: undefined, generation: 0, startedAt: 0 }));
    this.exited = new Promise<void>((resolve, reject) => (this.settleExited = { resolve, reject }));
    this.exited.catch(() => {}); // a give-up is reported through onGiveUp too; nobody must await this
  }

  /** Start every child in order; rejects (after stopping those started) if any fails to start. */
  start(): Promise<void> {
    if (this.state !== 'created')
      return Promise.reject(new SluiceError(ErrorCode.INTERNAL, `supervisor ${this.options.id} cannot start: it is ${this.state}`));
    this.state = 'starting';
    return this.run(() => this.firstStart(), true);
  }

  /** Stop: cancel a pending restart, stop the children in reverse order. */
  async stop(): Promise<void> {
    this.stopRequested = true;
    this.cancelTimers();
    await this.run(async () => {
      if (this.state === 'stopped' || this.state === 'failed') return;
      this.state = 'stopping';
      await this.stopSlots(this.slots);
      this.state = 'stopped';
      this.settleExited.resolve();
    });
  }

  stats(): SupervisorStats {
    return {
      state: this.state,
      failures: this.failures.length,
      restarts: this.restarts,
      children: Object.fromEntries(this.slots.map((s) => [s.spec.id, s.state])),
    };
  }

  /** Run `op` after every state change queued before it; rethrow its error only if asked. */
  private run(op: () => Promise<void>, rethrow = false): Promise<void> {
    const result = this.ops.then(op);
    this.ops = result.catch(() => {});
    return rethrow ? result : result.catch((err: unknown) => this.giveUp(err, 'the supervisor itself failed'));
  }

  private async firstStart(): Promise<void> {
    for (const slot of this.slots) {
      if (this.stopRequested) break;
      try {
        await this.startSlot(slot);
      } catch (err) {
        slot.state = 'failed';
        this.startupFailure ??= { slot, error: err };
      }
      if (this.startupFailure) break;
    }
    const failure = this.startupFailure;
    if (failure) {
      this.state = 'stopping';
      await this.stopSlots(this.slots);
      this.state = 'failed';
      const err = startupError(failure.slot.spec.id, failure.error);
      this.settleExited.reject(err);
      throw err;
    }
    if (this.state === 'starting') this.state = 'running';
  }

  private async startSlot(slot: Slot): Promise<void> {
    const generation = ++slot.generation;
    slot.state = 'starting';
    const child = await slot.spec.start();
    slot.child = child;
    slot.state = 'running';
    slot.startedAt = this.options.clock.now();
    child.exited.then(
      () => this.onExit(slot, generation, undefined),
      (err: unknown) =>
        this.onExit(slot, generation, err ?? new SluiceError(ErrorCode.INTERNAL, `child ${slot.spec.id} failed without a reason`)),
    );
  }

  private onExit(slot: Slot, generation: number, error: unknown): void {
    if (generation !== slot.generation || slot.state !== 'running') return; // stopped on purpose
    const at = this.options.clock.now();
    const startedAt = slot.startedAt;
    slot.child = undefined;
    if (error === undefined && (slot.spec.restart ?? 'transient') === 'transient') {
      slot.state = 'done';
      if (this.state === 'running' && this.slots.every((s) => s.state === 'done')) {
        void this.run(async () => {
          if (this.state !== 'running') return;
          this.state = 'stopped';
          this.settleExited.resolve();
        });
      }
      return;
    }
    const failure = error ?? new SluiceError(ErrorCode.INTERNAL, `child ${slot.spec.id} exited, but it is permanent`);
    slot.state = 'failed';
    if (this.state === 'starting') {
      this.startupFailure ??= { slot, error: failure };
      return;
    }
    void this.run(() => this.handleFailure(slot, slot.generation, failure, at, startedAt));
  }

  private async handleFailure(slot: Slot, generation: number, error: unknown, at: number, startedAt: number): Promise<void> {
    // A failure of a child that was stopped meanwhile (one_for_all, stop()) is not news.
    if (this.state !== 'running' || this.stopRequested || generation !== slot.generation) return;
    this.failures.push({ at, startedAt, error });
    if (slot.spec.fatal?.(error)) return this.giveUp(error, 'no restart can fix this failure', true);
    const decision = this.options.strategy.decide({
      failures: this.failures,
      now: this.options.clock.now(),
      random: this.options.random ?? Math.random,
    });
    if (!decision.restart) return this.giveUp(error, decision.reason);
    const index = this.slots.indexOf(slot);
    const affected =
      this.options.mode === 'one_for_one' ? [slot] : this.options.mode === 'one_for_all' ? this.slots : this.slots.slice(index);
    await this.stopSlots(affected);
    for (const s of affected) s.state = 'waiting';
    this.options.onRestart?.({
      supervisor: this.options.id,
      child: slot.spec.id,
      restarting: affected.map((s) => s.spec.id),
      delayMs: decision.delayMs,
      failures: this.failures.length,
      cause: error,
    });
    const cancel = this.options.scheduler.schedule(decision.delayMs, () => {
      this.timers.delete(cancel);
      void this.run(() => this.restart(affected));
    });
    this.timers.add(cancel);
  }

  private async restart(affected: Slot[]): Promise<void> {
    if (this.state !== 'running' || this.stopRequested) return;
    this.restarts++;
    for (const slot of affected) {
      try {
        await this.startSlot(slot);
      } catch (err) {
        // Not the first start: one more failure for the strategy (the run lasted 0 ms).
        slot.state = 'failed';
        const now = this.options.clock.now();
        return this.handleFailure(slot, slot.generation, err, now, now);
      }
    }
  }

  private async giveUp(cause: unknown, reason: string, withCause = false): Promise<void> {
    if (this.state === 'failed' || this.state === 'stopped') return;
    this.state = 'stopping';
    this.cancelTimers();
    await this.stopSlots(this.slots);
    this.state = 'failed';
    const { id, strategy } = this.options;
    const err = new SluiceError(
      ErrorCode.RESTARTS_EXHAUSTED,
      `supervisor ${id} gave up: ${strategy.description}: ${reason}; last cause: ${describe(cause)}`,
      { cause, details: { supervisor: id, strategy: strategy.name, failures: this.failures.length, restarts: this.restarts } },
    );
    // A fatal failure ends the supervisor with that failure itself (its code is what the user reads).
    const final = withCause && cause instanceof SluiceError ? cause : err;
    this.settleExited.reject(final);
    this.options.onGiveUp?.(final);
  }

  /** Stop running children in reverse order; a child that fails to stop is stopped all the same. */
  private async stopSlots(slots: readonly Slot[]): Promise<void> {
    for (const slot of [...slots].reverse()) {
      slot.generation++;
      const child = slot.child;
      slot.child = undefined;
      if (child) {
        slot.state = 'stopping';
        await child.stop().catch(() => {});
      }
      if (slot.state !== 'done' && slot.state !== 'failed') slot.state = 'stopped';
    }
  }

  private cancelTimers(): void {
    for (const cancel of this.timers) cancel();
    this.timers.clear();
  }
}

/** A supervisor as a child of another: each start builds a fresh one (fresh failure history). */
export function supervisorSpec(options: SupervisorOptions, restart: ChildSpec['restart'] = 'transient'): ChildSpec {
  return {
    id: options.id,
    restart,
    async start() {
      const supervisor = new Supervisor(options);
      await supervisor.start();
      return { exited: supervisor.exited, stop: () => supervisor.stop() };
    },
  };
}

function describe(err: unknown): string {
  if (err instanceof SluiceError) return `${err.code}: ${err.message}`;
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * The error of a failed first start, naming the path of children down to the one that failed
 * ("workers > window-worker-1 failed at start-up: ...") and keeping the root cause's code.
 */
function startupError(child: string, cause: unknown): SluiceError {
  const inner = cause instanceof SluiceError && cause.details.startupFailure === true ? cause : undefined;
  const path = inner ? [child, ...(inner.details.path as string[])] : [child];
  const root = inner ? inner.cause : cause;
  const code = root instanceof SluiceError ? root.code : ErrorCode.STARTUP_FAILED;
  const message = root instanceof Error ? root.message : String(root);
  return new SluiceError(code, `${path.join(' > ')} failed at start-up: ${message} (a failure at start-up is not retried)`, {
    cause: root,
    details: { ...(root instanceof SluiceError ? root.details : {}), startupFailure: true, path },
  });
}
