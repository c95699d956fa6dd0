import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  maskUrlsInText,
  systemClock,
  systemScheduler
} from "./chunk-V4BPHJU6.js";
import {
  ErrorCode,
  SluiceError,
  isRetriable
} from "./chunk-5F6N7MD3.js";

// dist/src/streams/sinks/retry.js
var DEFAULT_BACKOFF = { baseMs: 100, capMs: 5e3 };
var BACKPRESSURE_LOG_AFTER_MS = 1e4;
function backoffDelay(attempt, options = DEFAULT_BACKOFF, random = Math.random) {
  const exp = Math.min(options.capMs, options.baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return exp / 2 + random() * (exp / 2);
}
function sleep(ms, signal, scheduler = systemScheduler) {
  return new Promise((resolve) => {
    if (signal?.aborted)
      return resolve();
    const onAbort = () => {
      cancel();
      resolve();
    };
    const cancel = scheduler.schedule(ms, () => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
function scrubSecrets(text, secrets) {
  let out = maskUrlsInText(text);
  for (const secret of secrets) {
    if (secret && secret.length > 0)
      out = out.split(secret).join("****");
  }
  return out;
}
var RetryingBatchQueue = class {
  options;
  capacity;
  abort = new AbortController();
  buffer = [];
  /** Sizes of `buffer`'s items, kept beside it (only with `sizeOf`). */
  sizes = [];
  inFlight = 0;
  bufferedBytes = 0;
  inFlightBytes = 0;
  capacityBytes;
  maxBatchBytes;
  lastReason;
  /** Monotonic counters: items are acknowledged in the order they were written (FIFO, one batch in flight). */
  written = 0;
  taken = 0;
  acked = 0;
  retries = 0;
  /** Highest `written` a flush() asked for: buffered items up to it are sent without waiting. */
  flushTarget = 0;
  timer;
  timerFired = false;
  clock;
  scheduler;
  pumping = false;
  failure;
  closed = false;
  writeChain = Promise.resolve();
  flushWaiters = [];
  roomWaiters = [];
  constructor(options) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.scheduler = options.scheduler ?? systemScheduler;
    this.capacity = Math.max(options.capacity, options.maxBatch);
    this.maxBatchBytes = options.sizeOf ? options.maxBatchBytes ?? Number.POSITIVE_INFINITY : Number.POSITIVE_INFINITY;
    this.capacityBytes = options.sizeOf ? Math.max(options.capacityBytes ?? Number.POSITIVE_INFINITY, this.maxBatchBytes) : Number.POSITIVE_INFINITY;
  }
  /** Resolves once every item is in the buffer (waiting for room while it is full). Order is kept. */
  enqueue(items) {
    return this.enqueueMapped(items, identity);
  }
  /**
   * As `enqueue`, converting each item with `convert` only when there is room for it: what waits
   * for room stays in the caller's form, never in a second, serialized copy.
   */
  enqueueMapped(items, convert) {
    const run = this.writeChain.then(() => this.accept(items, convert));
    this.writeChain = run.catch(() => void 0);
    return run;
  }
  /**
   * Resolves once every item enqueued before the call is acknowledged by the target. Offsets are
   * committed only after this, so a flush that waits long is logged: progress is not made durable
   * (and the source is paused, the commit holding the pipeline) until the target catches up.
   */
  flush() {
    const stopped = this.stoppedError();
    if (stopped)
      return Promise.reject(stopped);
    const target = this.written;
    if (this.acked >= target)
      return Promise.resolve();
    this.flushTarget = Math.max(this.flushTarget, target);
    const done = new Promise((resolve, reject) => this.flushWaiters.push({ target, resolve, reject }));
    this.kick();
    const startedAt = this.clock.now();
    let warned = false;
    const cancelWarning = this.scheduler.schedule(this.options.backpressureLogAfterMs ?? BACKPRESSURE_LOG_AFTER_MS, () => {
      warned = true;
      this.options.logger.warn({
        sink: this.options.name,
        waitedMs: this.clock.now() - startedAt,
        unacknowledged: target - this.acked,
        ...this.stats(),
        lastReason: this.lastReason ?? "slow target"
      }, "sink flush waiting: offsets are not committed until the target acknowledges what was written (backpressure)");
    });
    const settled = () => {
      cancelWarning();
      if (warned)
        this.options.logger.info({ sink: this.options.name, waitedMs: this.clock.now() - startedAt }, "sink flush done: commits resume");
    };
    done.then(settled, settled);
    return done;
  }
  /**
   * Stop: abort the retry wait, reject pending calls. Does not flush (call flush() first): a close
   * during an outage must not hang. Unacknowledged items are abandoned; their source offsets were not
   * committed, so they are re-read after a restart.
   */
  close() {
    if (this.closed)
      return;
    this.closed = true;
    this.abort.abort();
    this.clearTimer();
    const abandoned = this.written - this.acked;
    if (abandoned > 0 && this.failure === void 0) {
      this.options.logger.warn({ sink: this.options.name, abandoned }, "sink closed with unacknowledged results (they are replayed after restart)");
    }
    this.rejectWaiters(this.closedError());
    this.buffer = [];
    this.sizes = [];
    this.bufferedBytes = 0;
  }
  get signal() {
    return this.abort.signal;
  }
  stats() {
    return {
      buffered: this.buffer.length,
      inFlight: this.inFlight,
      heldBytes: this.bufferedBytes + this.inFlightBytes,
      written: this.written,
      acknowledged: this.acked,
      retries: this.retries,
      capacity: this.capacity
    };
  }
  async accept(items, convert) {
    const { sizeOf } = this.options;
    const startedAt = this.clock.now();
    let warned = false;
    const cancelWarning = this.scheduler.schedule(this.options.backpressureLogAfterMs ?? BACKPRESSURE_LOG_AFTER_MS, () => {
      warned = true;
      this.options.logger.warn({ sink: this.options.name, waitedMs: this.clock.now() - startedAt, ...this.stats(), lastReason: this.lastReason ?? "slow target" }, "sink buffer full: writes wait, so the source stops taking records until the target catches up (backpressure)");
    });
    try {
      let i = 0;
      let pending;
      let pendingSize = 0;
      while (i < items.length) {
        const stopped = this.stoppedError();
        if (stopped)
          throw stopped;
        const held = this.buffer.length + this.inFlight;
        if (held >= this.capacity) {
          await this.waitForRoom();
          continue;
        }
        if (pending === void 0) {
          pending = convert(items[i]);
          pendingSize = sizeOf ? sizeOf(pending) : 0;
        }
        if (held > 0 && this.bufferedBytes + this.inFlightBytes + pendingSize > this.capacityBytes) {
          await this.waitForRoom();
          continue;
        }
        this.buffer.push(pending);
        if (sizeOf)
          this.sizes.push(pendingSize);
        this.bufferedBytes += pendingSize;
        this.written += 1;
        pending = void 0;
        i += 1;
        if (this.buffer.length >= this.options.maxBatch || this.bufferedBytes >= this.maxBatchBytes)
          this.kick();
      }
      this.kick();
    } finally {
      cancelWarning();
      if (warned) {
        this.options.logger.info({ sink: this.options.name, waitedMs: this.clock.now() - startedAt }, "sink buffer has room again: the source resumes");
      }
    }
  }
  /** Waits until a batch is acknowledged (or the queue stops); a waiting writer makes a batch due. */
  waitForRoom() {
    const room = new Promise((resolve, reject) => this.roomWaiters.push({ resolve, reject }));
    this.kick();
    return room;
  }
  due() {
    return this.buffer.length >= this.options.maxBatch || this.bufferedBytes >= this.maxBatchBytes || // A writer waits for room: waiting for the interval would only add latency.
    this.roomWaiters.length > 0 || this.flushTarget > this.taken || // 0: no lingering: a batch goes as soon as the previous one is acknowledged (what arrives
    // meanwhile forms the next one), so latency is one round trip when the target keeps up.
    this.options.flushIntervalMs <= 0 || this.timerFired;
  }
  /** Start the pump if a batch is due, else make sure the interval timer will send a partial one. */
  kick() {
    if (this.stoppedError() || this.buffer.length === 0)
      return;
    if (!this.pumping && this.due()) {
      this.pumping = true;
      void this.pump();
      return;
    }
    if (this.timer === void 0 && !this.timerFired) {
      this.timer = this.scheduler.schedule(this.options.flushIntervalMs, () => {
        this.timer = void 0;
        this.timerFired = true;
        this.kick();
      });
    }
  }
  async pump() {
    try {
      while (!this.stoppedError() && this.buffer.length > 0 && this.due()) {
        const { batch, bytes } = this.takeBatch();
        this.taken += batch.length;
        this.timerFired = false;
        this.clearTimer();
        this.inFlight = batch.length;
        this.inFlightBytes = bytes;
        await this.deliver(batch);
        this.inFlight = 0;
        this.inFlightBytes = 0;
        this.acked += batch.length;
        this.settle();
      }
    } catch (err) {
      this.fail(err);
    } finally {
      this.pumping = false;
      this.kick();
    }
  }
  /** The next batch: up to `maxBatch` items and `maxBatchBytes` bytes, at least one item. */
  takeBatch() {
    let n = Math.min(this.buffer.length, this.options.maxBatch);
    let bytes = 0;
    if (this.options.sizeOf) {
      let k = 0;
      for (; k < n; k++) {
        const size = this.sizes[k];
        if (k > 0 && bytes + size > this.maxBatchBytes)
          break;
        bytes += size;
      }
      n = k;
      this.sizes.splice(0, n);
      this.bufferedBytes -= bytes;
    }
    return { batch: this.buffer.splice(0, n), bytes };
  }
  async deliver(batch) {
    const { logger, name } = this.options;
    let pending = batch;
    for (let attempt = 1; ; attempt++) {
      let outcome;
      try {
        outcome = await this.options.send(pending, this.abort.signal);
      } catch (err) {
        if (this.closed)
          throw this.closedError();
        if (!isRetriable(err))
          throw err;
        outcome = { retry: pending, reason: this.options.describeError(err) };
      }
      if (outcome.retry.length === 0) {
        if (attempt > 1)
          logger.info({ sink: name, attempts: attempt }, "sink recovered; batch acknowledged");
        this.lastReason = void 0;
        return;
      }
      this.lastReason = outcome.reason;
      if (this.closed)
        throw this.closedError();
      const delayMs = Math.round(backoffDelay(attempt, this.options.backoff));
      this.retries += 1;
      logger.warn({ sink: name, attempt, delayMs, pending: outcome.retry.length, reason: outcome.reason ?? "unknown" }, "sink write not acknowledged; retrying");
      await sleep(delayMs, this.abort.signal, this.scheduler);
      pending = outcome.retry;
    }
  }
  settle() {
    const flushers = this.flushWaiters;
    this.flushWaiters = [];
    for (const w of flushers) {
      if (w.target <= this.acked)
        w.resolve();
      else
        this.flushWaiters.push(w);
    }
    const writers = this.roomWaiters;
    this.roomWaiters = [];
    for (const w of writers)
      w.resolve();
  }
  fail(err) {
    if (this.closed || this.failure !== void 0)
      return;
    this.failure = err;
    this.clearTimer();
    this.options.logger.error({ sink: this.options.name, err }, "sink stopped by a permanent error");
    this.rejectWaiters(err);
  }
  rejectWaiters(err) {
    const all = [...this.flushWaiters, ...this.roomWaiters];
    this.flushWaiters = [];
    this.roomWaiters = [];
    for (const w of all)
      w.reject(err);
  }
  stoppedError() {
    if (this.failure !== void 0)
      return this.failure;
    if (this.closed)
      return this.closedError();
    return void 0;
  }
  closedError() {
    return new SluiceError(ErrorCode.SINK_CLOSED, `${this.options.name} sink is closed`, { retriable: false });
  }
  clearTimer() {
    this.timer?.();
    this.timer = void 0;
  }
};
function identity(item) {
  return item;
}

export {
  backoffDelay,
  scrubSecrets,
  RetryingBatchQueue
};
