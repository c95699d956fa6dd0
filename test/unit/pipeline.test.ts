import { MemoryLetters, MemoryResults } from '../helpers/memory-sinks.js';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RecordErrorCode } from '../../src/errors.js';
import { clickstreamJob, type ClickCountResult } from '../../src/job/clickstream.js';
import type { JobDefinition } from '../../src/job/job.js';
import { WindowPipeline } from '../../src/streams/runtime/pipeline.js';
import type { SourceRecord } from '../../src/streams/sources/source.js';
import { silentLogger } from '../../src/telemetry/logging.js';
import { LocalKeyedStage } from '../../src/streams/operators/local-stage.js';
import { InMemoryWindowStore } from '../../src/streams/operators/windows.js';

const MIN = 60_000;
const BASE = Date.UTC(2026, 10, 25, 10, 0, 0);
const NOW = BASE + 3_600_000;

function setup(allowedLatenessMs = 0) {
  const results = new MemoryResults<ClickCountResult>();
  const letters = new MemoryLetters();
  let now = NOW;
  const job = clickstreamJob as unknown as JobDefinition<unknown, unknown, ClickCountResult>;
  const pipeline = new WindowPipeline({
    job,
    windows: { sizeMs: MIN, outOfOrdernessMs: 5000, allowedLatenessMs, idleTimeoutMs: 30_000 },
    topics: { dlq: 'dlq', late: 'late' },
    sinks: [results],
    deadLetters: letters,
    now: () => now,
    logger: silentLogger,
    keyedStage: (onResults) => new LocalKeyedStage({ sizeMs: MIN, allowedLatenessMs }, job.aggregate, new InMemoryWindowStore(), onResults),
  });
  pipeline.assign([0, 1]);
  return { pipeline, results, letters, advanceClock: (ms: number) => (now += ms) };
}

const rec = (offset: number, value: unknown): SourceRecord => ({
  offset: String(offset),
  value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
  key: null,
  timestamp: String(NOW),
});
const click = (userId: string, t: number, eventType = 'click') => ({ userId, eventType, timestamp: BASE + t });

describe('WindowPipeline', () => {
  test('counts per user and window once every partition passed the window, and diverts bad records', async () => {
    const { pipeline, results, letters } = setup();
    await pipeline.processBatch({
      topic: 'in',
      partition: 0,
      records: [rec(0, click('a', 1000)), rec(1, '{bad'), rec(2, click('b', 2000, 'view'))],
    });
    await pipeline.processBatch({
      topic: 'in',
      partition: 1,
      records: [rec(0, click('a', 3000, 'view')), rec(1, { userId: '', eventType: 'x', timestamp: BASE })],
    });
    assert.equal(results.written.length, 0);
    // Partition 0 moves past the window + bound, partition 1 still holds it back.
    await pipeline.processBatch({ topic: 'in', partition: 0, records: [rec(3, click('c', MIN + 5000))] });
    assert.equal(results.written.length, 0);
    await pipeline.processBatch({ topic: 'in', partition: 1, records: [rec(2, click('c', MIN + 5000))] });
    assert.deepEqual(
      results.written.map((r) => [r.userId, r.windowStart - BASE, r.count, { ...r.byEventType }]),
      [
        ['a', 0, 2, { click: 1, view: 1 }],
        ['b', 0, 1, { view: 1 }],
      ],
    );
    assert.deepEqual(
      letters.letters.map((l) => [l.topic, l.code, l.source.partition, l.source.offset, l.value?.toString()]),
      [
        ['dlq', RecordErrorCode.MALFORMED_JSON, 0, '1', '{bad'],
        ['dlq', RecordErrorCode.MISSING_USER_ID, 1, '1', JSON.stringify({ userId: '', eventType: 'x', timestamp: BASE })],
      ],
    );
  });

  test('late events go to the late topic with LATE_EVENT', async () => {
    const { pipeline, results, letters } = setup();
    await pipeline.processBatch({ topic: 'in', partition: 0, records: [rec(0, click('a', 1000)), rec(1, click('a', 2 * MIN))] });
    await pipeline.processBatch({ topic: 'in', partition: 1, records: [rec(0, click('a', 2 * MIN))] });
    assert.equal(results.written.length, 1);
    await pipeline.processBatch({ topic: 'in', partition: 1, records: [rec(1, click('a', 2000))] });
    assert.deepEqual(
      letters.letters.map((l) => [l.topic, l.code, l.source.offset]),
      [['late', RecordErrorCode.LATE_EVENT, '1']],
    );
    assert.equal(results.written.length, 1);
    assert.equal(pipeline.stats().lateEvents, 1);
  });

  test('an idle partition releases the watermark on a clock tick', async () => {
    const { pipeline, results, advanceClock } = setup();
    await pipeline.processBatch({ topic: 'in', partition: 0, records: [rec(0, click('a', 1000))] });
    advanceClock(20_000);
    await pipeline.processBatch({ topic: 'in', partition: 0, records: [rec(1, click('a', MIN + 6000))] });
    await pipeline.tick();
    assert.equal(results.written.length, 0);
    advanceClock(10_000);
    await pipeline.tick();
    assert.equal(results.written.length, 1);
  });

  test('records the same run already processed are not counted again (kafkajs re-fetch), whole batches or overlapping ones', async () => {
    const { pipeline, results } = setup();
    const batch = { topic: 'in', partition: 0, records: [rec(0, click('a', 1000)), rec(1, click('a', 2000))] };
    await pipeline.processBatch(batch);
    await pipeline.processBatch(batch);
    assert.equal(pipeline.nextOffsets().get(0), 2, 'a batch seen whole leaves the position where it was');
    // Overlapping: offset 1 again, then 2 for the first time.
    await pipeline.processBatch({ topic: 'in', partition: 0, records: [rec(1, click('a', 2000)), rec(2, click('a', 3000))] });
    assert.equal(pipeline.nextOffsets().get(0), 3);
    await pipeline.finish();
    assert.deepEqual(
      results.written.map((r) => r.count),
      [3],
    );
    assert.equal(pipeline.stats().redelivered, 3);
  });

  test('allowed lateness: a corrected result follows the first one', async () => {
    const { pipeline, results } = setup(30_000);
    await pipeline.processBatch({ topic: 'in', partition: 0, records: [rec(0, click('a', 1000)), rec(1, click('a', MIN + 6000))] });
    await pipeline.processBatch({ topic: 'in', partition: 1, records: [rec(0, click('a', MIN + 6000))] });
    await pipeline.processBatch({ topic: 'in', partition: 1, records: [rec(1, click('a', 2000, 'view'))] });
    assert.deepEqual(
      results.written.map((r) => [r.windowStart - BASE, r.count]),
      [
        [0, 1],
        [0, 2],
      ],
    );
  });
});
