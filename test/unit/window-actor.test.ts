import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WindowActor } from '../../src/actors/window-actor.js';
import { clickCountAggregate, type ClickCountAccumulator, type ClickCountResult } from '../../src/job/clickstream.js';
import type { KeyedEvent } from '../../src/streams/operators/keyed-stage.js';
import type { ClickEvent } from '../../src/streams/operators/records.js';
import { InMemoryWindowStore } from '../../src/streams/operators/windows.js';

const MIN = 60_000;
const ev = (key: string, timestamp: number): KeyedEvent<ClickEvent> => ({
  key,
  timestamp,
  event: { userId: key, eventType: 'view', timestamp },
});

function actor(stateTtlMs: number, allowedLatenessMs = 0) {
  const store = new InMemoryWindowStore<ClickCountAccumulator>();
  const a = new WindowActor<ClickEvent, ClickCountAccumulator, ClickCountResult>(
    { sizeMs: MIN, allowedLatenessMs, stateTtlMs },
    clickCountAggregate,
    store,
    0,
  );
  const step = (events: Array<KeyedEvent<ClickEvent>>, before: number, after: number, nowMs: number, chunk?: number) => {
    const chunks: ClickCountResult[][] = [];
    a.step({ events, watermarkBefore: before, watermarkAfter: after, nowMs }, (r) => chunks.push(r), chunk);
    return chunks;
  };
  return { a, store, step };
}

test('results come in bounded chunks, the last one after the step (possibly empty)', () => {
  const { step } = actor(0);
  const events = Array.from({ length: 12 }, (_, i) => ev(`u${i}`, 1000));
  const chunks = step(events, -Infinity, MIN, 0, 5);
  assert.deepEqual(
    chunks.map((c) => c.length),
    [5, 5, 2],
  );
  assert.deepEqual(
    step([], MIN, MIN, 0, 5).map((c) => c.length),
    [0],
  );
});

test('events within the allowed lateness re-fire their passed window, each with the corrected count', () => {
  const { step } = actor(0, 30_000);
  const refire = step([ev('a', 1000), ev('a', 2000)], MIN, MIN, 0).flat();
  assert.deepEqual(
    refire.map((r) => r.count),
    [1, 2],
  );
});

test('state TTL: a window no event touched for the TTL is fired as it is and dropped', () => {
  const { a, store, step } = actor(10_000);
  step([ev('a', 5 * MIN), ev('b', 5 * MIN)], -Infinity, -Infinity, 0);
  assert.deepEqual(step([ev('c', 9 * MIN)], -Infinity, -Infinity, 9_999).flat(), []);
  const expired = step([], -Infinity, -Infinity, 10_000).flat();
  assert.deepEqual(expired.map((r) => [r.userId, r.count]).sort(), [
    ['a', 1],
    ['b', 1],
  ]);
  assert.equal(store.size, 1, 'the window touched later is kept');
  assert.equal(a.expiredWindows, 1);
  assert.deepEqual(
    step([], -Infinity, -Infinity, 19_999)
      .flat()
      .map((r) => r.userId),
    ['c'],
  );
});

test('state TTL 0 keeps state until the watermark fires it', () => {
  const { store, step } = actor(0);
  step([ev('a', MIN)], -Infinity, -Infinity, 0);
  assert.deepEqual(step([], -Infinity, -Infinity, 10 * 86_400_000).flat(), []);
  assert.equal(store.size, 1);
});
