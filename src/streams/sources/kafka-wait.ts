/**
 * Start-up against a Kafka that may be down (a rolling restart, a broker not up yet): retry the
 * first contact with backoff, logging each wait, until it answers or SLUICE_KAFKA_STARTUP_TIMEOUT_MS
 * runs out. Only "unreachable" is retried; anything else (a missing topic) fails at once.
 */
import { ErrorCode, SluiceError } from '../../errors.js';
import type { Logger } from '../../telemetry/logging.js';

const MIN_WAIT_MS = 500;
const MAX_WAIT_MS = 5_000;

export interface WaitOptions {
  /** 0 = forever. */
  timeoutMs: number;
  logger: Pick<Logger, 'warn' | 'info'>;
  /** Stop waiting (the daemon is being stopped). */
  isStopped?: () => boolean;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** How often a wait checks `isStopped` while an attempt or a backoff is under way. */
const STOP_POLL_MS = 100;

/**
 * Rejects once `isStopped()` is true. An attempt can take many seconds (kafkajs's own connection
 * retries) and a backoff up to 5 s: a stop must not wait for either (it used to wait out the
 * whole SLUICE_SHUTDOWN_TIMEOUT_MS when Kafka was down at start-up).
 */
function stopWatch(isStopped: (() => boolean) | undefined): { stopped: Promise<never>; cancel: () => void } {
  if (!isStopped) return { stopped: new Promise<never>(() => undefined), cancel: () => undefined };
  let timer: ReturnType<typeof setInterval> | undefined;
  const stopped = new Promise<never>((_, reject) => {
    timer = setInterval(() => {
      if (!isStopped()) return;
      clearInterval(timer);
      reject(
        new SluiceError(ErrorCode.KAFKA_UNAVAILABLE, 'stopped while waiting for Kafka to answer at start-up', {
          retriable: false,
        }),
      );
    }, STOP_POLL_MS);
  });
  stopped.catch(() => undefined);
  return { stopped, cancel: () => clearInterval(timer) };
}

export async function waitForKafka<T>(attempt: () => Promise<T>, options: WaitOptions): Promise<T> {
  const watch = stopWatch(options.isStopped);
  try {
    return await waitUntilAnswered(attempt, options, watch.stopped);
  } finally {
    watch.cancel();
  }
}

async function waitUntilAnswered<T>(attempt: () => Promise<T>, options: WaitOptions, stopped: Promise<never>): Promise<T> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const startedAt = now();
  for (let n = 1; ; n++) {
    try {
      const attempting = attempt();
      // Abandoned on a stop: its late failure is not an unhandled rejection.
      attempting.catch(() => undefined);
      const result = await Promise.race([attempting, stopped]);
      if (n > 1) options.logger.info({ waitedMs: now() - startedAt, attempts: n }, 'Kafka answers again');
      return result;
    } catch (err) {
      // Unreachable is waited for; a broker that answers and refuses (SASL, authorization) is not.
      const unreachable = err instanceof SluiceError && err.code === ErrorCode.KAFKA_UNAVAILABLE && err.retriable;
      const waited = now() - startedAt;
      if (!unreachable || options.isStopped?.() || (options.timeoutMs > 0 && waited >= options.timeoutMs)) {
        if (unreachable && options.timeoutMs > 0) {
          throw new SluiceError(
            ErrorCode.KAFKA_UNAVAILABLE,
            `${(err as Error).message} (waited ${waited} ms: SLUICE_KAFKA_STARTUP_TIMEOUT_MS=${options.timeoutMs})`,
            {
              retriable: true,
              cause: err,
            },
          );
        }
        throw err;
      }
      const wait = Math.min(MAX_WAIT_MS, MIN_WAIT_MS * 2 ** Math.min(n - 1, 4));
      options.logger.warn(
        { code: ErrorCode.KAFKA_UNAVAILABLE, attempt: n, waitedMs: waited, retryInMs: wait, reason: (err as Error).message },
        'Kafka is unreachable; waiting for it',
      );
      await Promise.race([sleep(wait), stopped]);
    }
  }
}
