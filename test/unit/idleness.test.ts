/**
 * Idleness and backpressure: time the pipeline spends blocked on a sink does not count as a
 * partition's silence, so a sink outage longer than the idle timeout does not make the other
 * partitions idle, move the watermark past their records, and turn those records into late events.
 */
import { MemoryLetters } from '../helpers/memory-sinks.js';
import { LocalKeyedStage } from '../../src/streams/operators/local-stage.js';
import { InMemoryWindowStore } from '../../src/streams/operators/windows.js';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clickCountAggregate, clickstreamJob, type ClickCountResult } from '../../src/job/clickstream.js';
import type { JobDefinition } from '../../src/job/job.js';
import { WindowPipeline } from '../../src/streams/runtime/pipeline.js';
import type { ResultSink } from '../../src/streams/sinks/sink.js';
import type { SourceRecord } from '../../src/streams/sources/source.js';
import { NO_WATERMARK, PartitionWatermarks } from '../../src/streams/operators/watermarks.js';
import { silentLogger } from '../../src/telemetry/logging.js';

const BASE = Date.UTC(2026, 10, 25, 10, 0, 0);
const NOW = BASE + 3_600_000;

/** A sink whose writes wait until the test opens it: a target that is down. */
class StuckSink implements ResultSink<ClickCountResult> {
  readonly name = 'stuck';
  readonly written: ClickCountResult[] = [];
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;
  async start() {}
  block(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }
  release(): void {
    this.open?.();
    this.gate = undefined;
  }
  async write(results: readonly ClickCountResult[]) {
    await this.gate;
    this.written.push(...results);
  }
  async flush() {
    await this.gate;
  }
  async close() {}
}

let offset = 0;
const rec = (userId: string, t: number): SourceRecord => ({
  offset: String(offset++),
  value: Buffer.from(JSON.stringify({ userId, eventType: 'click', timestamp: BASE + t })),
  key: null,
  timestamp: String(NOW),
});

describe('idleness is not measured while the pipeline is blocked on a sink', () => {
  test('PartitionWatermarks: paused time does not count; nested pauses count once', () => {
    const w = new PartitionWatermarks({ outOfOrdernessMs: 5000, idleTimeoutMs: 30_000 });
    w.assign([0, 1], 0);
    w.observe(0, 100_000, 0);
    w.observe(1, 50_000, 0);
    w.pauseIdleness(1_000);
    w.pauseIdleness(2_000);
    assert.equal(w.isIdle(1, 60_000), false, 'a paused clock does not run');
    w.resumeIdleness(50_000);
    assert.equal(w.isIdle(1, 60_000), false, 'still paused once');
    w.resumeIdleness(61_000);
    assert.equal(w.current(61_000), 44_999, 'partition 1 still holds the watermark');
    // 1 s ran before the pause, so 29 s more make the 30 s of unpaused silence.
    assert.equal(w.isIdle(1, 61_000 + 28_999), false);
    assert.equal(w.isIdle(1, 61_000 + 29_000), true, 'idle after 30 s of unpaused time');
    w.resumeIdleness(100_000); // unbalanced resume: ignored
    assert.notEqual(w.current(91_000), NO_WATERMARK);
  });

  test('a sink outage longer than the idle timeout makes no record late', async () => {
    const sink = new StuckSink();
    const letters = new MemoryLetters();
    let now = NOW;
    const pipeline = new WindowPipeline({
      job: clickstreamJob as unknown as JobDefinition<unknown, unknown, ClickCountResult>,
      windows: { sizeMs: 60_000, outOfOrdernessMs: 5000, allowedLatenessMs: 0, idleTimeoutMs: 30_000 },
      topics: { dlq: 'dlq', late: 'late' },
      sinks: [sink],
      deadLetters: letters,
      now: () => now,
      logger: silentLogger,
      keyedStage: (onResults) =>
        new LocalKeyedStage({ sizeMs: 60_000, allowedLatenessMs: 0 }, clickCountAggregate, new InMemoryWindowStore(), onResults),
    });
    pipeline.assign([0, 1]);
    await pipeline.processBatch({ topic: 't', partition: 0, records: [rec('a', 1_000), rec('a', 70_000)] });
    // Partition 1 moves the watermark past the first window, which fires into a sink that is down.
    sink.block();
    const blocked = pipeline.processBatch({ topic: 't', partition: 1, records: [rec('b', 2_000), rec('b', 70_000)] });
    now += 90_000; // the outage: three idle timeouts
    const tick = pipeline.tick(); // a clock tick queued behind the blocked batch, as in the daemon
    sink.release();
    await blocked;
    await tick;
    assert.equal(sink.written.length, 2, 'the first window of both users was written after the outage');

    // Partition 0 delivers first after the outage, far ahead; partition 1 is behind it but was
    // never silent by choice: its records waited while the sink was down.
    await pipeline.processBatch({ topic: 't', partition: 0, records: [rec('a', 400_000)] });
    await pipeline.processBatch({ topic: 't', partition: 1, records: [rec('b', 100_000)] });
    assert.deepEqual(
      letters.letters.map((l) => l.code),
      [],
      'no event was late: partition 1 kept holding the watermark',
    );
    assert.equal(pipeline.stats().lateEvents, 0);
  });
});
