/**
 * Checkpoint placement and restore of the pipeline: what a barrier records (next offsets, watermark
 * clocks), and that a pipeline restored from a placement plus the keyed state at that barrier goes
 * on to write exactly what an uninterrupted run writes.
 */
import { MemoryLetters, MemoryResults } from '../helpers/memory-sinks.js';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clickstreamJob, type ClickCountResult } from '../../src/job/clickstream.js';
import type { JobDefinition } from '../../src/job/job.js';
import { WindowPipeline, type PipelinePlacement } from '../../src/streams/runtime/pipeline.js';
import type { SourceBatch, SourceRecord } from '../../src/streams/sources/source.js';
import { silentLogger } from '../../src/telemetry/logging.js';
import { LocalKeyedStage } from '../../src/streams/operators/local-stage.js';
import { InMemoryWindowStore } from '../../src/streams/operators/windows.js';

const MIN = 60_000;
const BASE = Date.UTC(2026, 10, 25, 10, 0, 0);
const NOW = BASE + 3_600_000;

const job = clickstreamJob as unknown as JobDefinition<unknown, unknown, ClickCountResult>;

function setup(store: InMemoryWindowStore<unknown>, checkpoint?: PipelinePlacement) {
  const results = new MemoryResults<ClickCountResult>();
  const pipeline = new WindowPipeline({
    job,
    windows: { sizeMs: MIN, outOfOrdernessMs: 5000, allowedLatenessMs: 0, idleTimeoutMs: 30_000 },
    topics: { dlq: 'dlq', late: 'late' },
    sinks: [results],
    deadLetters: new MemoryLetters(),
    now: () => NOW,
    logger: silentLogger,
    keyedStage: (onResults) => new LocalKeyedStage({ sizeMs: MIN, allowedLatenessMs: 0 }, job.aggregate, store, onResults),
    ...(checkpoint ? { checkpoint } : {}),
  });
  pipeline.assign([0, 1]);
  return { pipeline, results };
}

/** The keyed state as of now (what LMDB's rollbackTo gives back for a barrier placed now). */
function cloneStore(store: InMemoryWindowStore<unknown>): InMemoryWindowStore<unknown> {
  const copy = new InMemoryWindowStore<unknown>();
  for (const start of store.windowStarts()) for (const [key, entry] of store.entries(start)) copy.put(start, key, structuredClone(entry));
  return copy;
}

const rec = (offset: number, value: unknown): SourceRecord => ({
  offset: String(offset),
  value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
  key: null,
  timestamp: String(NOW),
});

/** A deterministic stream: two partitions, in-order-ish events over 6 minutes, batches of 7. */
function batches(): SourceBatch[] {
  const out: SourceBatch[] = [];
  const offsets: Record<number, number> = { 0: 0, 1: 0 };
  let seed = 5;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let b = 0; b < 60; b++) {
    const partition = b % 2;
    const records: SourceRecord[] = [];
    for (let i = 0; i < 7; i++) {
      const t = Math.floor(((b * 7 + i) / 420) * 6 * MIN - random() * 3000);
      const value =
        i === 3 && b % 5 === 0 ? '{bad' : { userId: `u${Math.floor(random() * 9)}`, eventType: 'click', timestamp: BASE + Math.max(0, t) };
      records.push(rec((offsets[partition] = (offsets[partition] ?? 0) + 1) - 1, value));
    }
    out.push({ topic: 'in', partition, records });
  }
  // Trailing events move both partitions' watermarks past every window.
  for (const partition of [0, 1])
    out.push({
      topic: 'in',
      partition,
      records: [
        rec((offsets[partition] = (offsets[partition] ?? 0) + 1) - 1, { userId: 'trailer', eventType: 'view', timestamp: BASE + 20 * MIN }),
      ],
    });
  return out;
}

function lastWrites(results: readonly ClickCountResult[]): Map<string, number> {
  const last = new Map<string, number>();
  for (const r of results) last.set(`${r.userId}:${r.windowStart}`, r.count);
  return last;
}

describe('pipeline checkpoint placement and restore', () => {
  test('a placement records, per partition, the next offset and the max event time, and the watermarks', async () => {
    const { pipeline } = setup(new InMemoryWindowStore());
    await pipeline.processBatch({
      topic: 'in',
      partition: 0,
      records: [
        rec(0, { userId: 'a', eventType: 'click', timestamp: BASE + 9000 }),
        rec(1, '{bad'),
        rec(2, { userId: 'b', eventType: 'click', timestamp: BASE + 8000 }),
      ],
    });
    await pipeline.processBatch({
      topic: 'in',
      partition: 1,
      records: [rec(4, { userId: 'a', eventType: 'click', timestamp: BASE + 7000 })],
    });
    await pipeline.tick();
    const placement = pipeline.placement();
    assert.deepEqual(placement.offsets, { '0': 3, '1': 5 });
    assert.deepEqual(placement.maxTimestamps, { '0': BASE + 9000, '1': BASE + 7000 });
    assert.equal(placement.watermark, BASE + 7000 - 5000 - 1);
    assert.equal(placement.stageWatermark, BASE + 7000 - 5000 - 1);
    assert.deepEqual(JSON.parse(JSON.stringify(placement)), placement, 'JSON round trip');
    const fresh = setup(new InMemoryWindowStore()).pipeline.placement();
    assert.deepEqual(fresh, { offsets: {}, maxTimestamps: { '0': null, '1': null }, watermark: null, stageWatermark: null });
  });

  test('restored at any barrier (records before it delivered again), the results equal an uninterrupted run', async () => {
    const input = batches();
    const reference = setup(new InMemoryWindowStore());
    for (const b of input) await reference.pipeline.processBatch(b);
    const want = lastWrites(reference.results.written);
    assert.ok(want.size > 20);

    for (let cut = 0; cut <= input.length; cut += 7) {
      const store = new InMemoryWindowStore<unknown>();
      const first = setup(store);
      for (const b of input.slice(0, cut)) await first.pipeline.processBatch(b);
      const placement = JSON.parse(JSON.stringify(first.pipeline.placement())) as PipelinePlacement;
      const state = cloneStore(store);
      // The crashed run went on past the barrier: its later writes stay in the sinks (idempotent).
      for (const b of input.slice(cut, cut + 3)) await first.pipeline.processBatch(b);

      const restored = setup(state, placement);
      // kafkajs may deliver the batch before the barrier again: those records must be skipped.
      for (const b of input.slice(Math.max(0, cut - 2))) await restored.pipeline.processBatch(b);
      const got = lastWrites([...first.results.written, ...restored.results.written]);
      assert.deepEqual(got, want, `restored at barrier after batch ${cut}`);
    }
  });
});
