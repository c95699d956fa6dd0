import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import {
  exponentialBackoff,
  restartStrategyFrom,
  failureRate,
  fixedDelay,
  type FailureRecord,
  type RestartStrategy,
} from '../../src/supervision/strategies.js';

/** Failures given as [at, startedAt] pairs; decide on the last one at `now` (default: its time). */
function decide(strategy: RestartStrategy, runs: Array<[at: number, startedAt: number]>, now = runs.at(-1)![0], random = () => 0.5) {
  const failures: FailureRecord[] = runs.map(([at, startedAt]) => ({ at, startedAt, error: new Error('x') }));
  return strategy.decide({ failures, now, random });
}

/** Delays decided for failures 1..n, each run lasting `ran` ms, restarts immediate. */
function delays(strategy: RestartStrategy, n: number, ran = 0): Array<number | string> {
  const runs: Array<[number, number]> = [];
  const out: Array<number | string> = [];
  let t = 0;
  for (let i = 0; i < n; i++) {
    runs.push([t + ran, t]);
    const d = decide(strategy, runs);
    out.push(d.restart ? d.delayMs : 'give up');
    t += ran + (d.restart ? d.delayMs : 0);
  }
  return out;
}

describe('restart strategies', () => {
  test('fixed-delay: `attempts` restarts `delayMs` apart, then give up (over the whole life, as Flink)', () => {
    const s = fixedDelay(3, 100);
    assert.deepEqual(delays(s, 5, 1_000_000), [100, 100, 100, 'give up', 'give up']);
    assert.deepEqual(
      decide(s, [
        [1, 0],
        [2, 1],
        [3, 2],
        [4, 3],
      ]),
      { restart: false, reason: '4 failures, and at most 3 restarts are allowed' },
    );
    assert.equal(s.name, 'fixed-delay');
    assert.equal(s.description, 'fixed-delay (3 attempts, 100 ms apart)');
    assert.deepEqual(delays(fixedDelay(0, 100), 1), ['give up'], '0 attempts: no restart');
  });

  test("the default is the contract's fixed-delay 5 x 10 s, from SLUICE_RESTART_*", () => {
    assert.equal(restartStrategyFrom(loadConfig({}).restart).description, 'fixed-delay (5 attempts, 10000 ms apart)');
    const s = restartStrategyFrom(loadConfig({ SLUICE_RESTART_ATTEMPTS: '1', SLUICE_RESTART_DELAY_MS: '7' }).restart);
    assert.deepEqual(delays(s, 2), [7, 'give up']);
  });

  test('SLUICE_RESTART_STRATEGY selects exponential-backoff or failure-rate with the SLUICE_RESTART_* settings', () => {
    const exp = restartStrategyFrom(
      loadConfig({
        SLUICE_RESTART_STRATEGY: 'exponential-backoff',
        SLUICE_RESTART_ATTEMPTS: '4',
        SLUICE_RESTART_DELAY_MS: '100',
        SLUICE_RESTART_MAX_DELAY_MS: '300',
        SLUICE_RESTART_INTERVAL_MS: '5000',
      }).restart,
    );
    assert.equal(exp.name, 'exponential-backoff');
    // jitter 0.1 with random() = 0.5 is exactly the base delay; runs of 10 ms never reset the series
    assert.deepEqual(delays(exp, 5, 10), [100, 200, 300, 300, 'give up']);
    const rate = restartStrategyFrom(
      loadConfig({
        SLUICE_RESTART_STRATEGY: 'failure-rate',
        SLUICE_RESTART_ATTEMPTS: '2',
        SLUICE_RESTART_DELAY_MS: '50',
        SLUICE_RESTART_INTERVAL_MS: '1000',
      }).restart,
    );
    assert.equal(rate.description, 'failure-rate (at most 2 failures per 1000 ms, 50 ms apart)');
    assert.deepEqual(
      decide(rate, [
        [0, 0],
        [100, 50],
        [200, 150],
      ]),
      { restart: false, reason: '3 failures within 1000 ms, and at most 2 are allowed' },
    );
    assert.deepEqual(
      decide(rate, [
        [0, 0],
        [100, 50],
        [2000, 1500],
      ]),
      { restart: true, delayMs: 50 },
      'old failures fall out of the window',
    );
    assert.throws(
      () => loadConfig({ SLUICE_RESTART_STRATEGY: 'forever' }),
      /SLUICE_RESTART_STRATEGY.*fixed-delay, exponential-backoff or failure-rate/s,
    );
  });

  test('exponential backoff: initial, x multiplier, capped at max', () => {
    const s = exponentialBackoff({ initialMs: 100, maxMs: 1000, multiplier: 2, resetAfterMs: 5000, jitter: 0 });
    assert.deepEqual(delays(s, 7, 10), [100, 200, 400, 800, 1000, 1000, 1000]);
    assert.equal(s.name, 'exponential-backoff');
  });

  test('exponential backoff: a run that lasted resetAfterMs starts the series over', () => {
    const s = exponentialBackoff({ initialMs: 100, maxMs: 10_000, multiplier: 3, resetAfterMs: 5000, jitter: 0 });
    const runs: Array<[number, number]> = [
      [10, 0],
      [120, 110],
      [440, 420],
    ];
    assert.deepEqual(decide(s, runs), { restart: true, delayMs: 900 });
    runs.push([6340, 1340]); // ran 5000 ms: healthy long enough
    assert.deepEqual(decide(s, runs), { restart: true, delayMs: 100 });
    runs.push([6450, 6440]);
    assert.deepEqual(decide(s, runs), { restart: true, delayMs: 300 });
  });

  test('exponential backoff: jitter varies the delay by up to the fraction either way', () => {
    const s = exponentialBackoff({ initialMs: 1000, maxMs: 10_000, resetAfterMs: 60_000, jitter: 0.2 });
    assert.deepEqual(
      decide(s, [[0, 0]], 0, () => 0),
      { restart: true, delayMs: 800 },
    );
    assert.deepEqual(
      decide(s, [[0, 0]], 0, () => 0.5),
      { restart: true, delayMs: 1000 },
    );
    assert.deepEqual(
      decide(s, [[0, 0]], 0, () => 0.999_999),
      { restart: true, delayMs: 1200 },
    );
  });

  test('exponential backoff: maxAttempts failures in one series, then give up; a reset series may go on', () => {
    const s = exponentialBackoff({ initialMs: 10, maxMs: 100, resetAfterMs: 1000, jitter: 0, maxAttempts: 2 });
    assert.deepEqual(delays(s, 3), [10, 20, 'give up']);
    assert.deepEqual(
      decide(s, [
        [0, 0],
        [10, 10],
        [2010, 1010],
      ]),
      { restart: true, delayMs: 10 },
    );
    assert.match(s.description, /at most 2 in a row/);
    assert.deepEqual(
      decide(s, [
        [0, 0],
        [10, 10],
        [20, 20],
      ]),
      { restart: false, reason: '3 failures in a row, and at most 2 are allowed' },
    );
  });

  test('failure-rate: more than maxFailures within intervalMs gives up; older failures leave the window', () => {
    const s = failureRate(2, 1000, 50);
    assert.deepEqual(decide(s, [[0, 0]]), { restart: true, delayMs: 50 });
    assert.deepEqual(
      decide(s, [
        [0, 0],
        [100, 50],
      ]),
      { restart: true, delayMs: 50 },
    );
    assert.deepEqual(
      decide(s, [
        [0, 0],
        [100, 50],
        [999, 150],
      ]),
      { restart: false, reason: '3 failures within 1000 ms, and at most 2 are allowed' },
    );
    assert.deepEqual(
      decide(s, [
        [0, 0],
        [100, 50],
        [1000, 150],
      ]),
      { restart: true, delayMs: 50 },
      'the failure at 0 left the window',
    );
    assert.deepEqual(
      decide(s, [
        [0, 0],
        [100, 50],
        [200, 150],
        [5000, 250],
      ]),
      { restart: true, delayMs: 50 },
    );
    assert.equal(s.description, 'failure-rate (at most 2 failures per 1000 ms, 50 ms apart)');
  });
});
