import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NO_WATERMARK, PartitionWatermarks } from '../../src/streams/watermarks.js';

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
