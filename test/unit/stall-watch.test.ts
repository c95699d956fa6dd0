/**
 * The consumer stall watchdog's decision on a hand-driven clock: records waiting in Kafka while no
 * batch arrives, for the whole timeout, is a stall; backpressure, reconnects, caught-up partitions,
 * transaction markers and stale log ends are not; after an outage (log ends unknown), the timeout
 * counts from Kafka's return.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { judgeStall, progressOnLogEnds, type StallInputs } from '../../src/streams/sources/stall-watch.js';

const base: StallInputs = {
  now: 100_000,
  lastProgressAt: 60_000,
  timeoutMs: 30_000,
  idle: true,
  assigned: [0, 1],
  logEnds: {
    at: 99_500,
    ends: new Map([
      [0, { start: 0, end: 500 }],
      [1, { start: 100, end: 300 }],
    ]),
  },
  maxLogEndAgeMs: 5_000,
  positions: new Map([
    [0, 500],
    [1, 250],
  ]),
  fetched: new Map(),
};

describe('judgeStall', () => {
  test('records wait and nothing arrived for the whole timeout: stalled, with how many and for how long', () => {
    assert.deepEqual(judgeStall(base), { kind: 'stalled', records: 50, forMs: 40_000 });
  });

  test('not yet the timeout: behind, not stalled', () => {
    assert.deepEqual(judgeStall({ ...base, lastProgressAt: 80_000 }), { kind: 'behind', records: 50 });
  });

  test('a batch held downstream (backpressure), a reconnect, or a stopped intake: nothing is decided', () => {
    assert.deepEqual(judgeStall({ ...base, idle: false }), { kind: 'unknown' });
  });

  test('log ends unknown or older than the bound: nothing is decided', () => {
    assert.deepEqual(judgeStall({ ...base, logEnds: undefined }), { kind: 'unknown' });
    assert.deepEqual(judgeStall({ ...base, logEnds: { ...(base.logEnds as NonNullable<StallInputs['logEnds']>), at: 90_000 } }), {
      kind: 'unknown',
    });
  });

  test('caught up: a partition never read counts from its log start; transaction markers passed count as read', () => {
    assert.deepEqual(
      judgeStall({
        ...base,
        positions: new Map([[0, 500]]),
        logEnds: {
          at: 99_500,
          ends: new Map([
            [0, { start: 0, end: 500 }],
            [1, { start: 300, end: 300 }],
          ]),
        },
      }),
      { kind: 'caught-up' },
    );
    assert.deepEqual(judgeStall({ ...base, fetched: new Map([[1, 300]]) }), { kind: 'caught-up' });
  });

  test('partitions not assigned to this consumer do not count', () => {
    assert.deepEqual(judgeStall({ ...base, assigned: [0] }), { kind: 'caught-up' });
  });
});

describe('progressOnLogEnds', () => {
  test('after an outage longer than the log ends stay fresh, the stall clock starts again when Kafka answers', () => {
    // Last batch at 60 s; polls failed from 62 s; Kafka answers again at 95 s.
    const restarted = progressOnLogEnds(60_000, 62_000, 95_000, 5_000);
    assert.equal(restarted, 95_000);
    // The records that waited through the outage are not a stall yet: the consumer gets its timeout from 95 s.
    assert.deepEqual(judgeStall({ ...base, now: 100_000, lastProgressAt: restarted }), { kind: 'behind', records: 50 });
    assert.deepEqual(judgeStall({ ...base, now: 125_000, lastProgressAt: restarted, logEnds: { ...base.logEnds!, at: 124_500 } }), {
      kind: 'stalled',
      records: 50,
      forMs: 30_000,
    });
  });

  test('a poll that failed briefly, or none that failed, leaves the stall clock where it was', () => {
    assert.equal(progressOnLogEnds(60_000, 98_000, 100_000, 5_000), 60_000);
    assert.equal(progressOnLogEnds(60_000, undefined, 100_000, 5_000), 60_000);
  });

  test('never moves the clock back', () => {
    assert.equal(progressOnLogEnds(99_000, 62_000, 95_000, 5_000), 99_000);
  });
});
