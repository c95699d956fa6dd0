/**
 * The delivery machinery shared by the result sinks: a bounded buffer cut into batches, one batch in
 * flight at a time (or up to `maxInFlight`, never two holding the same key), and retry with
 * jittered exponential backoff until the batch is acknowledged or the sink is closed.
 *
 * The bound counts items and, when the sink gives a size, bytes; it covers everything the queue
 * holds (waiting and in flight), and results are converted to their wire form only as room frees
 * up, so a large write does not hold a second, serialized copy of itself.
 *
 * An outage of the target is backpressure, not failure: the buffer fills, `enqueue` waits, and the
 * wait reaches the source. Only an error the sink classifies as permanent (bad credentials, a bug)
 * stops the queue; then every pending and later call rejects with that error.
 */
import { systemClock, systemScheduler, type Cancel, type Clock, type Scheduler } from '../../clock.js';
import { maskUrlsInText } from '../../url-credentials.js';
import { ErrorCode, SluiceError, isRetriable } from '../../errors.js';
import type { Logger } from '../../telemetry/logging.js';

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 100, capMs: 5_000 };

/** A write that waited this long for room is logged: the operator sees why consumer lag grows. */
const BACKPRESSURE_LOG_AFTER_MS = 10_000;

/**
 * Delay before retry number `attempt` (1-based): exponential up to the cap, "equal jitter" (half
 * fixed, half random) so many sinks recovering together do not retry in lockstep, yet never retry
 * at once.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exp = Math.min(options.capMs, options.baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return exp / 2 + random() * (exp / 2);
}

/** Resolves after `ms` on `scheduler`, or as soon as `signal` aborts (the caller checks why it woke up). */
export function sleep(ms: number, signal?: AbortSignal, scheduler: Scheduler = systemScheduler): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = (): void => {
      cancel();
      resolve();
    };
    const cancel = scheduler.schedule(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Replace every occurrence of a secret, and the credentials of any URL, in a text bound for a log
 * or an error message. Client libraries sometimes echo what they were configured with.
 */
export function scrubSecrets(text: string, secrets: ReadonlyArray<string | undefined>): string {
  // User info and credential query parameters of any URL in the text (url-credentials.ts).
  let out = maskUrlsInText(text);
  for (const secret of secrets) {
    if (secret && secret.length > 0) out = out.split(secret).join('****');
  }
  return out;
}

/** What one attempt at a batch left undone: the items to send again, and why (secret-free). */
export interface BatchSendOutcome<T> {
  retry: readonly T[];
  reason?: string;
}

export interface RetryingBatchQueueOptions<T> {
  name: string;
  /** Items per batch at most. */
  maxBatch: number;
  /** Items buffered or in flight at most; `enqueue` waits beyond it. At least `maxBatch`. */
  capacity: number;
  /** Size of an item in bytes (as sent); without it only items are counted. */
  sizeOf?: (item: T) => number;
  /** Bytes per batch at most (an item larger than this is sent alone). Needs `sizeOf`. */
  maxBatchBytes?: number;
  /**
   * Bytes buffered or in flight at most (an item larger than this is taken once the queue is
   * empty, so it cannot block for ever). At least `maxBatchBytes`. Needs `sizeOf`.
   */
  capacityBytes?: number;
  /** A partial batch is sent this long after its first item arrived; 0 = as soon as one may go (see maxInFlight). */
  flushIntervalMs: number;
  /**
   * Batches in flight at once (default 1). Above 1 needs `keyOf`: a batch is not sent while an
   * item of its key is in flight (or waits for a retry), so each key's writes land in the order
   * they were made even when an earlier batch fails and is sent again after a later one.
   */
  maxInFlight?: number;
  /** The target key an item writes (what must not be in two batches in flight at once). */
  keyOf?: (item: T) => string;
  /**
   * Send a batch. Return the items to retry (transient per-item failures); throw a retriable error
   * to retry the whole batch; throw anything else to stop the queue for good.
   */
  send(batch: readonly T[], signal: AbortSignal): Promise<BatchSendOutcome<T>>;
  /** A secret-free one-line reason for a thrown retriable error. */
  describeError(err: unknown): string;
  logger: Logger;
  backoff?: BackoffOptions;
  /** A write that waited this long for room is logged at warn (default 10 s). */
  backpressureLogAfterMs?: number;
  /** Time (default: the system's): waits, warnings and the flush interval. */
  clock?: Clock;
  scheduler?: Scheduler;
}

export interface BatchQueueStats {
  buffered: number;
  inFlight: number;
  /** Bytes of the buffered and in-flight items (0 when the sink gives no sizes). */
  heldBytes: number;
  /** Items accepted by `enqueue` since start. */
  written: number;
  /** Items acknowledged by the target since start. */
  acknowledged: number;
  retries: number;
  /** Items held at most (buffered + in flight) before `enqueue` waits. */
  capacity: number;
}

interface FlushWaiter {
  target: number;
  resolve(): void;
  reject(err: unknown): void;
}

interface RoomWaiter {
  resolve(): void;
  reject(err: unknown): void;
}

export class RetryingBatchQueue<T> {
  private readonly options: RetryingBatchQueueOptions<T>;
  private readonly capacity: number;
  private readonly abort = new AbortController();
  private buffer: T[] = [];
  /** Sizes of `buffer`'s items, kept beside it (only with `sizeOf`). */
  private sizes: number[] = [];
  private inFlight = 0;
  private bufferedBytes = 0;
  private inFlightBytes = 0;
  private readonly capacityBytes: number;
  private readonly maxBatchBytes: number;
  private lastReason: string | undefined;
  /**
   * Monotonic counters. Batches are taken in order; `acked` is the end of the longest run of
   * acknowledged batches from the start (a later batch may finish first: `ackedAhead`).
   */
  private written = 0;
  private taken = 0;
  private acked = 0;
  /** Acknowledged batches past `acked`: start -> end (in `written` numbering). */
  private readonly ackedAhead = new Map<number, number>();
  /** Items in flight per key (only with more than one batch in flight: `keyOf` set). */
  private readonly keysInFlight = new Map<string, number>();
  private readonly maxInFlight: number;
  /** `options.keyOf` when more than one batch may be in flight; undefined otherwise (no keys tracked). */
  private readonly keyOf: ((item: T) => string) | undefined;
  private retries = 0;
  /** Highest `written` a flush() asked for: buffered items up to it are sent without waiting. */
  private flushTarget = 0;
  private timer: Cancel | undefined;
  private timerFired = false;
  private readonly clock: Clock;
  private readonly scheduler: Scheduler;
  /** Batches in flight (each one a running `pump`). */
  private pumps = 0;
  /** Batches waiting to be sent again: no other batch starts meanwhile (an outage is not multiplied). */
  private failing = 0;
  private failure: unknown;
  private closed = false;
  private writeChain: Promise<void> = Promise.resolve();
  private flushWaiters: FlushWaiter[] = [];
  private roomWaiters: RoomWaiter[] = [];

  constructor(options: RetryingBatchQueueOptions<T>) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.scheduler = options.scheduler ?? systemScheduler;
    this.capacity = Math.max(options.capacity, options.maxBatch);
    if ((options.maxInFlight ?? 1) > 1 && !options.keyOf) throw new Error(`${options.name}: maxInFlight above 1 needs keyOf`);
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 1);
    this.keyOf = this.maxInFlight > 1 ? options.keyOf : undefined;
    this.maxBatchBytes = options.sizeOf ? (options.maxBatchBytes ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY;
    this.capacityBytes = options.sizeOf
      ? Math.max(options.capacityBytes ?? Number.POSITIVE_INFINITY, this.maxBatchBytes)
      : Number.POSITIVE_INFINITY;
  }

  /** Resolves once every item is in the buffer (waiting for room while it is full). Order is kept. */
  enqueue(items: readonly T[]): Promise<void> {
    return this.enqueueMapped(items, identity as (item: T) => T);
  }

  /**
   * As `enqueue`, converting each item with `convert` only when there is room for it: what waits
   * for room stays in the caller's form, never in a second, serialized copy.
   */
  enqueueMapped<S>(items: readonly S[], convert: (item: S) => T): Promise<void> {
    const run = this.writeChain.then(() => this.accept(items, convert));
    this.writeChain = run.catch(() => undefined);
    return run;
  }

  /**
   * Resolves once every item enqueued before the call is acknowledged by the target. Offsets are
   * committed only after this, so a flush that waits long is logged: progress is not made durable
   * (and the source is paused, the commit holding the pipeline) until the target catches up.
   */
  flush(): Promise<void> {
    const stopped = this.stoppedError();
    if (stopped) return Promise.reject(stopped);
    const target = this.written;
    if (this.acked >= target) return Promise.resolve();
    this.flushTarget = Math.max(this.flushTarget, target);
    const done = new Promise<void>((resolve, reject) => this.flushWaiters.push({ target, resolve, reject }));
    this.kick();
    const startedAt = this.clock.now();
    let warned = false;
    const cancelWarning = this.scheduler.schedule(this.options.backpressureLogAfterMs ?? BACKPRESSURE_LOG_AFTER_MS, () => {
      warned = true;
      this.options.logger.warn(
        {
          sink: this.options.name,
          waitedMs: this.clock.now() - startedAt,
          unacknowledged: target - this.acked,
          ...this.stats(),
          lastReason: this.lastReason ?? 'slow target',
        },
        'sink flush waiting: offsets are not committed until the target acknowledges what was written (backpressure)',
      );
    });
    const settled = (): void => {
      cancelWarning();
      if (warned)
        this.options.logger.info({ sink: this.options.name, waitedMs: this.clock.now() - startedAt }, 'sink flush done: commits resume');
    };
    done.then(settled, settled);
    return done;
  }

  /**
   * Stop: abort the retry wait, reject pending calls. Does not flush (call flush() first): a close
   * during an outage must not hang. Unacknowledged items are abandoned; their source offsets were not
   * committed, so they are re-read after a restart.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    this.clearTimer();
    const abandoned = this.written - this.acked;
    if (abandoned > 0 && this.failure === undefined) {
      this.options.logger.warn(
        { sink: this.options.name, abandoned },
        'sink closed with unacknowledged results (they are replayed after restart)',
      );
    }
    this.rejectWaiters(this.closedError());
    this.buffer = [];
    this.sizes = [];
    this.bufferedBytes = 0;
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  stats(): BatchQueueStats {
    return {
      buffered: this.buffer.length,
      inFlight: this.inFlight,
      heldBytes: this.bufferedBytes + this.inFlightBytes,
      written: this.written,
      acknowledged: this.acked,
      retries: this.retries,
      capacity: this.capacity,
    };
  }

  private async accept<S>(items: readonly S[], convert: (item: S) => T): Promise<void> {
    const { sizeOf } = this.options;
    const startedAt = this.clock.now();
    let warned = false;
    const cancelWarning = this.scheduler.schedule(this.options.backpressureLogAfterMs ?? BACKPRESSURE_LOG_AFTER_MS, () => {
      warned = true;
      this.options.logger.warn(
        { sink: this.options.name, waitedMs: this.clock.now() - startedAt, ...this.stats(), lastReason: this.lastReason ?? 'slow target' },
        'sink buffer full: writes wait, so the source stops taking records until the target catches up (backpressure)',
      );
    });
    try {
      let i = 0;
      // One converted item waiting for byte room (it is already in its wire form).
      let pending: T | undefined;
      let pendingSize = 0;
      while (i < items.length) {
        const stopped = this.stoppedError();
        if (stopped) throw stopped;
        const held = this.buffer.length + this.inFlight;
        if (held >= this.capacity) {
          await this.waitForRoom();
          continue;
        }
        if (pending === undefined) {
          pending = convert(items[i] as S);
          pendingSize = sizeOf ? sizeOf(pending) : 0;
        }
        // An item larger than the byte bound is taken alone, once nothing else is held.
        if (held > 0 && this.bufferedBytes + this.inFlightBytes + pendingSize > this.capacityBytes) {
          await this.waitForRoom();
          continue;
        }
        this.buffer.push(pending);
        if (sizeOf) this.sizes.push(pendingSize);
        this.bufferedBytes += pendingSize;
        this.written += 1;
        pending = undefined;
        i += 1;
        // Kick once a batch's worth is in, or at the end: not per item.
        if (this.buffer.length >= this.options.maxBatch || this.bufferedBytes >= this.maxBatchBytes) this.kick();
      }
      this.kick();
    } finally {
      cancelWarning();
      if (warned) {
        this.options.logger.info(
          { sink: this.options.name, waitedMs: this.clock.now() - startedAt },
          'sink buffer has room again: the source resumes',
        );
      }
    }
  }

  /** Waits until a batch is acknowledged (or the queue stops); a waiting writer makes a batch due. */
  private waitForRoom(): Promise<void> {
    const room = new Promise<void>((resolve, reject) => this.roomWaiters.push({ resolve, reject }));
    this.kick();
    return room;
  }

  private due(): boolean {
    return (
      this.buffer.length >= this.options.maxBatch ||
      this.bufferedBytes >= this.maxBatchBytes ||
      // A writer waits for room: waiting for the interval would only add latency.
      this.roomWaiters.length > 0 ||
      this.flushTarget > this.taken ||
      // 0: no lingering: a batch goes as soon as the previous one is acknowledged (what arrives
      // meanwhile forms the next one), so latency is one round trip when the target keeps up.
      this.options.flushIntervalMs <= 0 ||
      this.timerFired
    );
  }

  /** Start pumps while batches are due and may go, else make sure the interval timer will send a partial one. */
  private kick(): void {
    if (this.stoppedError() || this.buffer.length === 0) return;
    let started = false;
    // pump() takes its batch before its first await, so the loop sees the buffer shrink.
    while (this.pumps < this.maxInFlight && this.buffer.length > 0 && this.due() && this.headIsFree()) {
      this.pumps++;
      started = true;
      void this.pump();
    }
    if (started || this.buffer.length === 0) return;
    if (this.timer === undefined && !this.timerFired) {
      this.timer = this.scheduler.schedule(this.options.flushIntervalMs, () => {
        this.timer = undefined;
        this.timerFired = true;
        this.kick();
      });
    }
  }

  /** One batch in flight at a time per call; it goes on with the next batch while one is due and may go. */
  private async pump(): Promise<void> {
    try {
      while (!this.stoppedError() && this.buffer.length > 0 && this.due() && this.headIsFree()) {
        const { batch, bytes } = this.takeBatch();
        const from = this.taken;
        this.taken += batch.length;
        this.timerFired = false;
        this.clearTimer();
        this.inFlight += batch.length;
        this.inFlightBytes += bytes;
        this.holdKeys(batch, 1);
        try {
          await this.deliver(batch);
        } finally {
          this.inFlight -= batch.length;
          this.inFlightBytes -= bytes;
          this.holdKeys(batch, -1);
        }
        this.acknowledge(from, from + batch.length);
        this.settle();
        // Others may wait for a key this batch held.
        if (this.maxInFlight > 1) this.kick();
      }
    } catch (err) {
      this.fail(err);
    } finally {
      this.pumps--;
      this.kick();
    }
  }

  /** Whether the next batch may go now: no batch waits to be sent again, and its first item's key is not in flight. */
  private headIsFree(): boolean {
    const { keyOf } = this;
    if (!keyOf) return true;
    if (this.failing > 0) return false;
    return this.keysInFlight.size === 0 || !this.keysInFlight.has(keyOf(this.buffer[0] as T));
  }

  private holdKeys(batch: readonly T[], delta: 1 | -1): void {
    const { keyOf } = this;
    if (!keyOf) return;
    for (const item of batch) {
      const key = keyOf(item);
      const n = (this.keysInFlight.get(key) ?? 0) + delta;
      if (n > 0) this.keysInFlight.set(key, n);
      else this.keysInFlight.delete(key);
    }
  }

  /** Batch [from, to) is acknowledged: `acked` moves over every acknowledged batch that now follows it. */
  private acknowledge(from: number, to: number): void {
    if (from !== this.acked) {
      this.ackedAhead.set(from, to);
      return;
    }
    this.acked = to;
    for (let end = this.ackedAhead.get(this.acked); end !== undefined; end = this.ackedAhead.get(this.acked)) {
      this.ackedAhead.delete(this.acked);
      this.acked = end;
    }
  }

  /**
   * The next batch: up to `maxBatch` items and `maxBatchBytes` bytes, at least one item; with
   * batches in flight, it ends before the first item whose key one of them holds.
   */
  private takeBatch(): { batch: T[]; bytes: number } {
    let n = Math.min(this.buffer.length, this.options.maxBatch);
    const { keyOf } = this;
    if (keyOf && this.keysInFlight.size > 0) {
      for (let k = 1; k < n; k++) {
        if (this.keysInFlight.has(keyOf(this.buffer[k] as T))) {
          n = k;
          break;
        }
      }
    }
    let bytes = 0;
    if (this.options.sizeOf) {
      let k = 0;
      for (; k < n; k++) {
        const size = this.sizes[k] as number;
        if (k > 0 && bytes + size > this.maxBatchBytes) break;
        bytes += size;
      }
      n = k;
      this.sizes.splice(0, n);
      this.bufferedBytes -= bytes;
    }
    return { batch: this.buffer.splice(0, n), bytes };
  }

  private async deliver(batch: readonly T[]): Promise<void> {
    const { logger, name } = this.options;
    let pending = batch;
    for (let attempt = 1; ; attempt++) {
      let outcome: BatchSendOutcome<T>;
      try {
        outcome = await this.options.send(pending, this.abort.signal);
      } catch (err) {
        if (this.closed) throw this.closedError();
        if (!isRetriable(err)) throw err;
        outcome = { retry: pending, reason: this.options.describeError(err) };
      }
      if (outcome.retry.length === 0) {
        if (attempt > 1) {
          this.failing--;
          logger.info({ sink: name, attempts: attempt }, 'sink recovered; batch acknowledged');
        }
        this.lastReason = undefined;
        return;
      }
      if (attempt === 1) this.failing++;
      this.lastReason = outcome.reason;
      if (this.closed) throw this.closedError();
      const delayMs = Math.round(backoffDelay(attempt, this.options.backoff));
      this.retries += 1;
      logger.warn(
        { sink: name, attempt, delayMs, pending: outcome.retry.length, reason: outcome.reason ?? 'unknown' },
        'sink write not acknowledged; retrying',
      );
      await sleep(delayMs, this.abort.signal, this.scheduler);
      pending = outcome.retry;
    }
  }

  private settle(): void {
    const flushers = this.flushWaiters;
    this.flushWaiters = [];
    for (const w of flushers) {
      if (w.target <= this.acked) w.resolve();
      else this.flushWaiters.push(w);
    }
    const writers = this.roomWaiters;
    this.roomWaiters = [];
    for (const w of writers) w.resolve();
  }

  private fail(err: unknown): void {
    if (this.closed || this.failure !== undefined) return;
    this.failure = err;
    this.clearTimer();
    this.options.logger.error({ sink: this.options.name, err }, 'sink stopped by a permanent error');
    this.rejectWaiters(err);
  }

  private rejectWaiters(err: unknown): void {
    const all = [...this.flushWaiters, ...this.roomWaiters];
    this.flushWaiters = [];
    this.roomWaiters = [];
    for (const w of all) w.reject(err);
  }

  private stoppedError(): unknown {
    if (this.failure !== undefined) return this.failure;
    if (this.closed) return this.closedError();
    return undefined;
  }

  private closedError(): SluiceError {
    return new SluiceError(ErrorCode.SINK_CLOSED, `${this.options.name} sink is closed`, { retriable: false });
  }

  private clearTimer(): void {
    this.timer?.();
    this.timer = undefined;
  }
}

function identity<T>(item: T): T {
  return item;
}
