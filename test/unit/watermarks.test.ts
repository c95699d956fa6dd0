import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NO_WATERMARK, PartitionWatermarks } from '../../src/streams/operators/watermarks.js';

describe('PartitionWatermarks', () => {
  const options = { outOfOrdernessMs: 5000, idleTimeoutMs: 30_000 };

  test('a partition watermark is max event time - bound - 1, and never goes back', () => {
    const w = new PartitionWatermarks(options);
    w.assign([0], 0);
    assert.equal(w.current(0), NO_WATERMARK);
    w.observe(0, 100_000, 0);
    assert.equal(w.current(0), 100_000 - 5000 - 1);
    w.observe(0, 90_000, 0); // out of order: no regression
    assert.equal(w.current(0), 94_999);
  });

  test('the combined watermark is the minimum over partitions', () => {
    const w = new PartitionWatermarks(options);
    w.assign([0, 1, 2], 0);
    w.observe(0, 100_000, 0);
    w.observe(1, 50_000, 0);
    assert.equal(w.current(0), NO_WATERMARK, 'partition 2 has no event yet and is not idle');
    w.observe(2, 70_000, 0);
    assert.equal(w.current(0), 44_999);
    w.observe(1, 200_000, 0);
    assert.equal(w.current(0), 64_999);
  });

  test('an idle partition stops holding the watermark back after the timeout (injected clock)', () => {
    const w = new PartitionWatermarks(options);
    w.assign([0, 1], 0);
    w.observe(0, 100_000, 20_000);
    assert.equal(w.current(29_999), NO_WATERMARK);
    assert.equal(w.isIdle(1, 30_000), true);
    assert.equal(w.current(30_000), 94_999);
    // Partition 0 keeps producing; partition 1 wakes up behind: the watermark does not go back.
    w.observe(0, 160_000, 40_000);
    w.observe(1, 10_000, 40_000);
    assert.equal(w.current(40_000), 94_999);
    w.observe(1, 170_000, 41_000);
    assert.equal(w.current(41_000), 154_999);
  });

  test('when every partition is idle the watermark holds', () => {
    const w = new PartitionWatermarks(options);
    w.assign([0, 1], 0);
    w.observe(0, 100_000, 0);
    w.observe(1, 80_000, 0);
    assert.equal(w.current(1000), 74_999);
    assert.equal(w.current(1_000_000), 74_999);
  });

  test('idle timeout 0 means a silent partition holds the watermark forever', () => {
    const w = new PartitionWatermarks({ outOfOrdernessMs: 0, idleTimeoutMs: 0 });
    w.assign([0, 1], 0);
    w.observe(0, 1000, 0);
    assert.equal(w.current(10_000_000), NO_WATERMARK);
  });

  test('a restored watermark is a floor', () => {
    const w = new PartitionWatermarks(options);
    w.restore(new Map(), 500_000, 0);
    w.assign([0], 0);
    assert.equal(w.current(0), 500_000);
    w.observe(0, 100_000, 0);
    assert.equal(w.current(0), 500_000);
    w.observe(0, 600_000, 0);
    assert.equal(w.current(0), 594_999);
  });
});

describe("PartitionWatermarks, idleness 'caught-up' (a source that knows where its logs end)", () => {
  const options = { outOfOrdernessMs: 5000, idleTimeoutMs: 30_000, idleness: 'caught-up' as const, logEndFreshnessMs: 10_000 };

  /** Partition 0 active at event time 100 s; partition 1 silent since t=0 with event time 50 s. */
  function twoPartitions(): PartitionWatermarks {
    const w = new PartitionWatermarks(options);
    w.assign([0, 1], 0);
    w.observe(0, 100_000, 0);
    w.observe(1, 50_000, 0);
    return w;
  }

  test('silence alone is not idleness: a partition never seen caught up holds the watermark forever', () => {
    const w = twoPartitions();
    for (let t = 0; t <= 600_000; t += 1_000) w.observe(0, 100_000 + t, t);
    assert.equal(w.isIdle(1, 600_000), false);
    assert.equal(w.current(600_000), 44_999, 'held by partition 1');
  });

  test('records waiting in Kafka (position behind the log end) keep a silent partition active', () => {
    const w = twoPartitions();
    for (let t = 1_000; t <= 120_000; t += 1_000) {
      w.observe(0, 100_000 + t, t);
      w.observeLogEnd(1, 40, 900, t); // 860 records wait: a broker outage, a slow fetch, catching up
    }
    assert.equal(w.isIdle(1, 120_000), false);
    assert.equal(w.current(120_000), 44_999);
  });

  test('caught up for the idle timeout (and silent as long): idle', () => {
    const w = twoPartitions();
    for (let t = 1_000; t <= 31_000; t += 1_000) w.observeLogEnd(1, 900, 900, t);
    assert.equal(w.isIdle(1, 30_999), false, 'caught up since t=1 s: 29.999 s is not enough');
    assert.equal(w.isIdle(1, 31_000), true);
    assert.equal(w.current(31_000), 94_999);
  });

  test('one observation that finds it behind restarts the caught-up time', () => {
    const w = twoPartitions();
    for (let t = 1_000; t <= 20_000; t += 1_000) w.observeLogEnd(1, 900, 900, t);
    w.observeLogEnd(1, 900, 905, 21_000); // new records appeared
    for (let t = 22_000; t <= 50_000; t += 1_000) w.observeLogEnd(1, 905, 905, t);
    assert.equal(w.isIdle(1, 50_000), false, 'caught up again only since 22 s');
    assert.equal(w.isIdle(1, 52_000), true);
  });

  test('an unknown log end (broker unreachable) or a stale observation is not caught up', () => {
    const w = twoPartitions();
    for (let t = 1_000; t <= 40_000; t += 1_000) w.observeLogEnd(1, 900, 900, t);
    assert.equal(w.isIdle(1, 40_000), true);
    w.logEndUnknown();
    assert.equal(w.isIdle(1, 41_000), false, 'the broker went away');
    for (let t = 42_000; t <= 80_000; t += 1_000) w.observeLogEnd(1, 900, 900, t);
    assert.equal(w.isIdle(1, 80_000), true);
    assert.equal(w.isIdle(1, 90_001), false, 'no observation for more than 10 s: stale');
  });

  test('a restore starts not caught up, whatever the clocks say', () => {
    const w = new PartitionWatermarks(options);
    w.restore(
      new Map([
        [0, 100_000],
        [1, 50_000],
      ]),
      44_999,
      0,
    );
    assert.equal(w.isIdle(1, 10_000_000), false);
    assert.equal(w.current(10_000_000), 44_999);
  });
});
