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
import type { SourceBatch } from '../../src/streams/sources/source.js';
import { ParsingStage } from '../helpers/parsing-stage.js';

const MIN = 60_000;
const BASE = Date.UTC(2026, 10, 25, 10, 0, 0);
const NOW = BASE + 3_600_000;

type Placement = 'main' | 'workers';

/**
 * A pipeline over an in-process stage. 'workers': SLUICE_PARSE_ON=workers, the stage parsing as a
 * window worker does (test/helpers/parsing-stage.ts); `process` waits for the batch to finish.
 */
function setup(allowedLatenessMs = 0, placement: Placement = 'main') {
  const results = new MemoryResults<ClickCountResult>();
  const letters = new MemoryLetters();
  let now = NOW;
  const job = clickstreamJob as unknown as JobDefinition<unknown, unknown, ClickCountResult>;
  let stage!: ParsingStage<unknown>;
  const pipeline = new WindowPipeline({
    job,
    windows: { sizeMs: MIN, outOfOrdernessMs: 5000, allowedLatenessMs, idleTimeoutMs: 30_000 },
    topics: { dlq: 'dlq', late: 'late' },
    sinks: [results],
    deadLetters: letters,
    now: () => now,
    logger: silentLogger,
    keyedStage: (onResults) => {
      const local = new LocalKeyedStage({ sizeMs: MIN, allowedLatenessMs }, job.aggregate, new InMemoryWindowStore(), onResults);
      stage = new ParsingStage(local, job);
      return placement === 'workers' ? stage : local;
    },
    parseOn: placement,
  });
  pipeline.assign([0, 1]);
  const process = async (batch: SourceBatch) => {
    await pipeline.processBatch(batch);
    await pipeline.settled();
  };
  return { pipeline, process, stage, results, letters, advanceClock: (ms: number) => (now += ms) };
}

const rec = (offset: number, value: unknown): SourceRecord => ({
  offset: String(offset),
  // null: a tombstone (no value at all).
  value: value === null ? null : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
  key: null,
  timestamp: String(NOW),
});
const click = (userId: string, t: number, eventType = 'click') => ({ userId, eventType, timestamp: BASE + t });

for (const placement of ['main', 'workers'] as const)
  describe(`WindowPipeline (parse on ${placement})`, () => {
    test('counts per user and window once every partition passed the window, and diverts bad records', async () => {
      const { process, results, letters } = setup(0, placement);
      await process({
        topic: 'in',
        partition: 0,
        records: [rec(0, click('a', 1000)), rec(1, '{bad'), rec(2, click('b', 2000, 'view'))],
      });
      await process({
        topic: 'in',
        partition: 1,
        records: [rec(0, click('a', 3000, 'view')), rec(1, { userId: '', eventType: 'x', timestamp: BASE })],
      });
      assert.equal(results.written.length, 0);
      // Partition 0 moves past the window + bound, partition 1 still holds it back.
      await process({ topic: 'in', partition: 0, records: [rec(3, click('c', MIN + 5000))] });
      assert.equal(results.written.length, 0);
      await process({ topic: 'in', partition: 1, records: [rec(2, click('c', MIN + 5000))] });
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
      const { pipeline, process, results, letters } = setup(0, placement);
      await process({ topic: 'in', partition: 0, records: [rec(0, click('a', 1000)), rec(1, click('a', 2 * MIN))] });
      await process({ topic: 'in', partition: 1, records: [rec(0, click('a', 2 * MIN))] });
      assert.equal(results.written.length, 1);
      await process({ topic: 'in', partition: 1, records: [rec(1, click('a', 2000))] });
      assert.deepEqual(
        letters.letters.map((l) => [l.topic, l.code, l.source.offset]),
        [['late', RecordErrorCode.LATE_EVENT, '1']],
      );
      assert.equal(results.written.length, 1);
      assert.equal(pipeline.stats().lateEvents, 1);
    });

    test('an idle partition releases the watermark on a clock tick', async () => {
      const { pipeline, process, results, advanceClock } = setup(0, placement);
      await process({ topic: 'in', partition: 0, records: [rec(0, click('a', 1000))] });
      advanceClock(20_000);
      await process({ topic: 'in', partition: 0, records: [rec(1, click('a', MIN + 6000))] });
      await pipeline.tick();
      assert.equal(results.written.length, 0);
      advanceClock(10_000);
      await pipeline.tick();
      assert.equal(results.written.length, 1);
    });

    test('records the same run already processed are not counted again (kafkajs re-fetch), whole batches or overlapping ones', async () => {
      const { pipeline, process, results } = setup(0, placement);
      const batch = { topic: 'in', partition: 0, records: [rec(0, click('a', 1000)), rec(1, click('a', 2000))] };
      await process(batch);
      await process(batch);
      assert.equal(pipeline.nextOffsets().get(0), 2, 'a batch seen whole leaves the position where it was');
      // Overlapping: offset 1 again, then 2 for the first time.
      await process({ topic: 'in', partition: 0, records: [rec(1, click('a', 2000)), rec(2, click('a', 3000))] });
      assert.equal(pipeline.nextOffsets().get(0), 3);
      await pipeline.finish();
      assert.deepEqual(
        results.written.map((r) => r.count),
        [3],
      );
      assert.equal(pipeline.stats().redelivered, 3);
    });

    test('allowed lateness: a corrected result follows the first one', async () => {
      const { process, results } = setup(30_000, placement);
      await process({ topic: 'in', partition: 0, records: [rec(0, click('a', 1000)), rec(1, click('a', MIN + 6000))] });
      await process({ topic: 'in', partition: 1, records: [rec(0, click('a', MIN + 6000))] });
      await process({ topic: 'in', partition: 1, records: [rec(1, click('a', 2000, 'view'))] });
      assert.deepEqual(
        results.written.map((r) => [r.windowStart - BASE, r.count]),
        [
          [0, 1],
          [0, 2],
        ],
      );
    });
  });

describe('WindowPipeline with parse on the workers', () => {
  test('batches in flight finish in order, each judged late against the watermark when it finishes', async () => {
    const { pipeline, stage, results, letters } = setup(0, 'workers');
    // None awaited to its finish: the three are parsing or waiting for the one before.
    await pipeline.processBatch({ topic: 'in', partition: 0, records: [rec(0, click('a', 1000)), rec(1, click('b', 2 * MIN))] });
    await pipeline.processBatch({ topic: 'in', partition: 1, records: [rec(0, click('a', 2 * MIN)), rec(1, '[1]')] });
    await pipeline.processBatch({
      topic: 'in',
      partition: 1,
      records: [rec(2, click('c', 2000)), rec(3, null), rec(4, click('a', 2 * MIN + 1))],
    });
    await pipeline.settled();
    assert.equal(stage.parsedBatches, 3);
    // The second batch moved the watermark past the first window: the third's event in it is late.
    assert.deepEqual(
      letters.letters.map((l) => [l.topic, l.code, l.source.partition, l.source.offset]),
      [
        ['dlq', RecordErrorCode.NOT_AN_OBJECT, 1, '1'],
        ['late', RecordErrorCode.LATE_EVENT, 1, '2'],
        ['dlq', RecordErrorCode.MALFORMED_JSON, 1, '3'],
      ],
    );
    assert.deepEqual(
      results.written.map((r) => [r.userId, r.windowStart - BASE, r.count]),
      [['a', 0, 1]],
    );
    assert.deepEqual(pipeline.placement().offsets, { '0': 2, '1': 5 });
    const stats = pipeline.stats();
    assert.deepEqual([stats.recordsIn, stats.eventsCounted, stats.deadLetters, stats.lateEvents], [7, 4, 2, 1]);
    await pipeline.finish();
    assert.deepEqual(results.written.map((r) => [r.userId, r.windowStart - BASE, r.count]).sort(), [
      ['a', 0, 1],
      ['a', 2 * MIN, 2],
      ['b', 2 * MIN, 1],
    ]);
  });
});
