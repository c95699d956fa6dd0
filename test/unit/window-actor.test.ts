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

test('results come in bounded chunks, the last one after the step (empty)', () => {
  const { step } = actor(0);
  const events = Array.from({ length: 12 }, (_, i) => ev(`u${i}`, 1000));
  const chunks = step(events, -Infinity, MIN, 0, 5);
  assert.deepEqual(
    chunks.map((c) => c.length),
    [5, 5, 2, 0],
  );
  assert.deepEqual(
    step([], MIN, MIN, 0, 5).map((c) => c.length),
    [0],
  );
});

test("a window's results are handed over before its state is purged or marked fired, and all before the commit", () => {
  for (const lateness of [0, 30_000]) {
    const log: string[] = [];
    const store = new InMemoryWindowStore<ClickCountAccumulator>();
    // The state work that follows firing, as a slow LMDB would do it: logged, to see what came first.
    const logged = Object.assign(store, {
      deleteWindow: (start: number) => (log.push('purge'), InMemoryWindowStore.prototype.deleteWindow.call(store, start)),
      put: (start: number, key: string, entry: Parameters<typeof store.put>[2]) => (
        log.push('put'), InMemoryWindowStore.prototype.put.call(store, start, key, entry)
      ),
      endStep: () => void log.push('commit'),
    });
    const a = new WindowActor<ClickEvent, ClickCountAccumulator, ClickCountResult>(
      { sizeMs: MIN, allowedLatenessMs: lateness },
      clickCountAggregate,
      logged,
      0,
    );
    a.step(
      { events: [ev('a', 1000), ev('b', 2000), ev('c', MIN + 1000)], watermarkBefore: -Infinity, watermarkAfter: -Infinity, nowMs: 0 },
      () => undefined,
    );
    log.length = 0;
    a.step({ events: [], watermarkBefore: -Infinity, watermarkAfter: 2 * MIN, nowMs: 0 }, (results, last) =>
      log.push(`${last ? 'last' : 'results'} ${results.map((r) => `${r.userId}@${r.windowStart}`).join(',')}`),
    );
    const firstChange = log.findIndex((l) => l === 'purge' || l === 'put');
    assert.ok(firstChange > 0, `lateness ${lateness}: ${log.join(' | ')}`);
    assert.equal(log[0], 'results a@0,b@0', `lateness ${lateness}: the first window's results come before any state change`);
    assert.ok(log.indexOf('results c@60000') < log.lastIndexOf('commit'), `lateness ${lateness}: ${log.join(' | ')}`);
    assert.equal(log.at(-1), 'last ', `lateness ${lateness}: the step ends with an empty last chunk after the commit`);
  }
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

test('the operator is called with the same callbacks at every step, so optimized firing code that inlined them stays valid', () => {
  const { a, step } = actor(0);
  const operator = (a as unknown as { operator: { advance: (...args: unknown[]) => number[]; addEvent: (...args: unknown[]) => boolean } })
    .operator;
  const seen = { onFired: new Set<unknown>(), beforeStateChanges: new Set<unknown>(), events: new Set<unknown>() };
  const advance = operator.advance.bind(operator);
  const addEvent = operator.addEvent.bind(operator);
  operator.advance = (watermark, onFired, beforeStateChanges) => {
    seen.onFired.add(onFired);
    seen.beforeStateChanges.add(beforeStateChanges);
    return advance(watermark, onFired, beforeStateChanges);
  };
  operator.addEvent = (key, timestamp, value, watermark, events) => {
    seen.events.add(events);
    return addEvent(key, timestamp, value, watermark, events);
  };
  const fired: number[] = [];
  for (let m = 0; m < 4; m++) {
    const chunks = step([ev('u1', m * MIN + 10), ev('u2', m * MIN + 20)], m * MIN - 1, m * MIN + MIN - 1, m);
    fired.push(chunks.flat().length);
  }
  assert.deepEqual(fired, [2, 2, 2, 2], 'each step fired its minute for both users');
  assert.equal(seen.onFired.size, 1);
  assert.equal(seen.beforeStateChanges.size, 1);
  assert.equal(seen.events.size, 1);
});
