/**
 * Restart strategies as values (after Flink's restart strategies and OTP's restart intensity).
 * A strategy is a pure function of the failure history and the time: restart after a delay, or
 * give up with a reason. It holds no state, so one strategy value can serve any supervisor, and a
 * supervisor's history (not the strategy) is what a restart carries forward.
 *
 *   fixedDelay(attempts, delayMs)            Flink's fixed-delay: at most `attempts` restarts over the
 *                                            supervisor's life, each `delayMs` after the failure. The
 *                                            contract's default: SLUICE_RESTART_ATTEMPTS x SLUICE_RESTART_DELAY_MS.
 *   exponentialBackoff({ initialMs, maxMs,   delays initialMs, x multiplier, ... capped at maxMs, +/- jitter;
 *     multiplier, resetAfterMs, jitter,      a run that lasted resetAfterMs before failing starts the series
 *     maxAttempts })                         over; gives up after maxAttempts failures in one series.
 *   failureRate(maxFailures, intervalMs,     gives up when more than maxFailures happened within the last
 *     delayMs)                               intervalMs; otherwise restarts after delayMs.
 */

export interface FailureRecord {
  /** When the failure happened (clock ms). */
  at: number;
  /** When the run that failed had started; equal to `at` for a failure while (re)starting. */
  startedAt: number;
  error: unknown;
}

export interface RestartContext {
  /** Every failure this supervisor saw, oldest first; the last is the one being decided on. */
  failures: readonly FailureRecord[];
  now: number;
  /** Uniform in [0, 1): the only source of randomness (jitter), injected so tests are exact. */
  random: () => number;
}

export type RestartDecision = { restart: true; delayMs: number } | { restart: false; reason: string };

export interface RestartStrategy {
  /** Stable name: 'fixed-delay', 'exponential-backoff', 'failure-rate'. */
  readonly name: string;
  /** The strategy with its parameters, for messages: "fixed-delay (5 attempts, 10000 ms apart)". */
  readonly description: string;
  decide(context: RestartContext): RestartDecision;
}

export function fixedDelay(attempts: number, delayMs: number): RestartStrategy {
  return {
    name: 'fixed-delay',
    description: `fixed-delay (${attempts} attempts, ${delayMs} ms apart)`,
    decide({ failures }) {
      // Failure n needs restart n: allowed while n <= attempts.
      if (failures.length <= attempts) return { restart: true, delayMs };
      return { restart: false, reason: `${failures.length} failures, and at most ${attempts} restarts are allowed` };
    },
  };
}

export interface ExponentialBackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Default 2. */
  multiplier?: number;
  /** A run that lasted this long before it failed resets the delay to initialMs. */
  resetAfterMs: number;
  /** Each delay varies by up to this fraction either way (0..1), so restarts of many do not align. Default 0.1. */
  jitter?: number;
  /** Failures in one series (since the last reset) before giving up. Default: never give up. */
  maxAttempts?: number;
}

export function exponentialBackoff(options: ExponentialBackoffOptions): RestartStrategy {
  const multiplier = options.multiplier ?? 2;
  const jitter = options.jitter ?? 0.1;
  const maxAttempts = options.maxAttempts ?? Number.POSITIVE_INFINITY;
  const limit = Number.isFinite(maxAttempts) ? `, at most ${maxAttempts} in a row` : '';
  return {
    name: 'exponential-backoff',
    description: `exponential-backoff (${options.initialMs} ms x ${multiplier} up to ${options.maxMs} ms, reset after ${options.resetAfterMs} ms running${limit})`,
    decide({ failures, random }) {
      const series = failuresInSeries(failures, options.resetAfterMs);
      if (series > maxAttempts) return { restart: false, reason: `${series} failures in a row, and at most ${maxAttempts} are allowed` };
      const base = Math.min(options.maxMs, options.initialMs * multiplier ** (series - 1));
      const delayMs = Math.max(0, Math.round(base * (1 + jitter * (2 * random() - 1))));
      return { restart: true, delayMs };
    },
  };
}

/** Failures since the last run that lasted `resetAfterMs`, counting the last failure (at least 1). */
function failuresInSeries(failures: readonly FailureRecord[], resetAfterMs: number): number {
  let n = 0;
  for (let i = failures.length - 1; i >= 0; i--) {
    const f = failures[i]!;
    n++;
    if (f.at - f.startedAt >= resetAfterMs) break; // that run was healthy long enough: the series started with it
  }
  return Math.max(1, n);
}

export function failureRate(maxFailures: number, intervalMs: number, delayMs: number): RestartStrategy {
  return {
    name: 'failure-rate',
    description: `failure-rate (at most ${maxFailures} failures per ${intervalMs} ms, ${delayMs} ms apart)`,
    decide({ failures, now }) {
      const recent = failures.filter((f) => f.at > now - intervalMs).length;
      if (recent > maxFailures)
        return { restart: false, reason: `${recent} failures within ${intervalMs} ms, and at most ${maxFailures} are allowed` };
      return { restart: true, delayMs };
    },
  };
}

export interface RestartSettings {
  strategy: 'fixed-delay' | 'exponential-backoff' | 'failure-rate';
  attempts: number;
  delayMs: number;
  maxDelayMs: number;
  intervalMs: number;
}

/**
 * The strategy SLUICE_RESTART_STRATEGY names, from the SLUICE_RESTART_* settings. The contract's
 * default is fixed-delay, SLUICE_RESTART_ATTEMPTS x SLUICE_RESTART_DELAY_MS.
 */
export function restartStrategyFrom(restart: RestartSettings): RestartStrategy {
  switch (restart.strategy) {
    case 'fixed-delay':
      return fixedDelay(restart.attempts, restart.delayMs);
    case 'exponential-backoff':
      return exponentialBackoff({
        initialMs: restart.delayMs,
        maxMs: Math.max(restart.delayMs, restart.maxDelayMs),
        resetAfterMs: restart.intervalMs,
        maxAttempts: restart.attempts,
      });
    case 'failure-rate':
      return failureRate(restart.attempts, restart.intervalMs, restart.delayMs);
  }
}
