/**
 * RetryingBatchQueue's memory bound, with a target the test opens and closes by hand: what the
 * queue holds (waiting + in flight) never exceeds the bound in items or bytes, writes wait instead,
 * results are converted only as room frees up, and nothing is lost or reordered.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { pino } from 'pino';
import { SluiceError, ErrorCode } from '../../src/errors.js';
import { RetryingBatchQueue, type RetryingBatchQueueOptions } from '../../src/streams/sinks/retry.js';
import { silentLogger } from '../../src/telemetry/logging.js';
import { ManualTime } from '../helpers/manual-time.js';

/** A target whose every batch waits until the test lets it through. */
class GatedTarget {
  readonly batches: string[][] = [];
  private gates: Array<() => void> = [];
  /** Largest buffered + in-flight seen when a batch was sent. */
  maxHeld = 0;
  maxHeldBytes = 0;
  queue!: RetryingBatchQueue<string>;

  send = async (batch: readonly string[]): Promise<{ retry: string[] }> => {
    const s = this.queue.stats();
    this.maxHeld = Math.max(this.maxHeld, s.buffered + s.inFlight);
    this.maxHeldBytes = Math.max(this.maxHeldBytes, s.heldBytes);
    this.batches.push([...batch]);
    await new Promise<void>((resolve) => this.gates.push(resolve));
    return { retry: [] };
  };

  /** Let every batch through as it comes, from now on. */
  open(): void {
    this.send = async (batch) => {
      const s = this.queue.stats();
      this.maxHeld = Math.max(this.maxHeld, s.buffered + s.inFlight);
      this.maxHeldBytes = Math.max(this.maxHeldBytes, s.heldBytes);
      this.batches.push([...batch]);
      return { retry: [] };
    };
    for (const g of this.gates.splice(0)) g();
  }

  release(): void {
    this.gates.shift()?.();
  }
}

function queueFor(target: GatedTarget, options: Partial<RetryingBatchQueueOptions<string>>): RetryingBatchQueue<string> {
  const queue = new RetryingBatchQueue<string>({
    name: 'test',
    maxBatch: 10,
    capacity: 20,
    flushIntervalMs: 60_000,
    send: (batch) => target.send(batch),
    describeError: String,
    logger: silentLogger,
    backoff: { baseMs: 1, capMs: 5 },
    ...options,
  });
  target.queue = queue;
  return queue;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('RetryingBatchQueue bounds', () => {
  test('a write larger than the buffer waits; items held never exceed the capacity; order is kept', async () => {
    const target = new GatedTarget();
    const queue = queueFor(target, {});
    const items = Array.from({ length: 1_000 }, (_, i) => `item-${i}`);
    let converted = 0;
    let done = false;
    const writing = queue.enqueueMapped(items, (i) => (converted++, i)).then(() => (done = true));
    for (let n = 0; n < 5; n++) await tick();
    assert.equal(done, false, 'the write waits while the target holds its batch');
    assert.equal(converted, 20, 'only what fits was converted');
    assert.deepEqual(queue.stats().buffered + queue.stats().inFlight, 20);
    target.release();
    for (let n = 0; n < 5; n++) await tick();
    assert.equal(converted, 30, 'one acknowledged batch makes room for one more');
    target.open();
    await writing;
    await queue.flush();
    assert.ok(target.maxHeld <= 20, `held at most ${target.maxHeld}`);
    assert.deepEqual(target.batches.flat(), items, 'nothing lost, duplicated or reordered');
    assert.ok(target.batches.every((b) => b.length <= 10));
    queue.close();
  });

  test('flush interval 0: a batch goes at once when none is in flight; what arrives meanwhile forms the next batch (no timer)', async () => {
    const target = new GatedTarget();
    const time = new ManualTime(0);
    const queue = queueFor(target, { flushIntervalMs: 0, scheduler: time, clock: time });
    await queue.enqueueMapped(['a'], (i) => i);
    for (let n = 0; n < 5; n++) await tick();
    assert.deepEqual(target.batches, [['a']], 'sent without any time passing');
    await queue.enqueueMapped(['b', 'c', 'd'], (i) => i);
    for (let n = 0; n < 5; n++) await tick();
    assert.deepEqual(target.batches, [['a']], 'one batch in flight: the others wait for it');
    target.release();
    for (let n = 0; n < 5; n++) await tick();
    assert.deepEqual(target.batches, [['a'], ['b', 'c', 'd']], 'the next batch holds everything that arrived meanwhile');
    assert.deepEqual(time.pending, [], 'no flush timer was needed');
    target.open();
    await queue.flush();
  });

  test('with sizes: batches and the buffer are bounded in bytes too', async () => {
    const target = new GatedTarget();
    const queue = queueFor(target, { maxBatch: 1_000, capacity: 1_000, sizeOf: (s) => s.length, maxBatchBytes: 50, capacityBytes: 100 });
    const items = Array.from({ length: 200 }, (_, i) => `x${String(i).padStart(9, '0')}`); // 10 bytes each
    const writing = queue.enqueue(items);
    for (let n = 0; n < 5; n++) await tick();
    assert.equal(queue.stats().heldBytes, 100, 'stops at the byte bound');
    assert.equal(queue.stats().buffered + queue.stats().inFlight, 10);
    target.open();
    await writing;
    await queue.flush();
    assert.ok(target.maxHeldBytes <= 100, `held at most ${target.maxHeldBytes} bytes`);
    assert.ok(
      target.batches.every((b) => b.join('').length <= 50),
      'each batch within maxBatchBytes',
    );
    assert.deepEqual(target.batches.flat(), items);
    assert.equal(queue.stats().heldBytes, 0);
    queue.close();
  });

  test('an item larger than the byte bound is taken alone, once the queue is empty, and sent alone', async () => {
    const target = new GatedTarget();
    target.open();
    const queue = queueFor(target, { maxBatch: 100, capacity: 100, sizeOf: (s) => s.length, maxBatchBytes: 50, capacityBytes: 100 });
    const big = 'B'.repeat(500);
    await queue.enqueue(['a', 'b', big, 'c']);
    await queue.flush();
    assert.deepEqual(target.batches.flat(), ['a', 'b', big, 'c']);
    assert.ok(
      target.batches.some((b) => b.length === 1 && b[0] === big),
      'the big item went alone',
    );
    queue.close();
  });

  test('a write that waits for room longer than the threshold is logged at warn, and again when it resumes', async () => {
    const lines: Array<{ level: number; msg: string; lastReason?: string; buffered?: number }> = [];
    const logger = pino(
      { level: 'info' },
      new Writable({ write: (c: Buffer, _e, done) => (lines.push(JSON.parse(c.toString())), done()) }),
    );
    const target = new GatedTarget();
    const queue = queueFor(target, { logger, backpressureLogAfterMs: 50 });
    const writing = queue.enqueue(Array.from({ length: 50 }, (_, i) => String(i)));
    await new Promise((resolve) => setTimeout(resolve, 120));
    const warn = lines.find((l) => l.level === 40);
    assert.match(warn?.msg ?? '', /backpressure/);
    target.open();
    await writing;
    assert.ok(lines.some((l) => l.level === 30 && /resumes/.test(l.msg)));
    queue.close();
  });

  test('a flush that waits longer than the threshold is logged at warn, and again when done', async () => {
    const lines: Array<{ level: number; msg: string; unacknowledged?: number }> = [];
    const logger = pino(
      { level: 'info' },
      new Writable({ write: (c: Buffer, _e, done) => (lines.push(JSON.parse(c.toString())), done()) }),
    );
    const target = new GatedTarget();
    const queue = queueFor(target, { logger, backpressureLogAfterMs: 50 });
    await queue.enqueue(['a', 'b', 'c']);
    const flushing = queue.flush();
    await new Promise((resolve) => setTimeout(resolve, 120));
    const warn = lines.find((l) => l.level === 40);
    assert.match(warn?.msg ?? '', /flush waiting/);
    assert.equal(warn?.unacknowledged, 3);
    target.open();
    await flushing;
    await tick();
    assert.ok(lines.some((l) => l.level === 30 && /flush done/.test(l.msg)));
    queue.close();
  });

  test('close() while a write waits for room rejects it with SINK_CLOSED', async () => {
    const target = new GatedTarget();
    const queue = queueFor(target, {});
    const writing = queue.enqueue(Array.from({ length: 100 }, (_, i) => String(i)));
    await tick();
    queue.close();
    await assert.rejects(writing, (err: unknown) => err instanceof SluiceError && err.code === ErrorCode.SINK_CLOSED);
    assert.equal(queue.stats().heldBytes, 0);
  });
});

/** A target that holds each batch until the test settles that batch, in any order. */
class PickTarget {
  readonly sent: Array<{ batch: string[]; ack(): void; fail(): void }> = [];
  readonly landed: string[] = [];
  send = (batch: readonly string[]): Promise<{ retry: string[] }> =>
    new Promise((resolve) =>
      this.sent.push({
        batch: [...batch],
        ack: () => {
          this.landed.push(...batch);
          resolve({ retry: [] });
        },
        fail: () => resolve({ retry: [...batch] }),
      }),
    );
}

describe('RetryingBatchQueue with batches in flight at once', () => {
  const keyOf = (item: string) => item.split('=')[0] as string;
  const queueOn = (target: PickTarget, maxInFlight: number) =>
    new RetryingBatchQueue<string>({
      name: 'test',
      maxBatch: 10,
      capacity: 100,
      flushIntervalMs: 0,
      maxInFlight,
      keyOf,
      send: (batch) => target.send(batch),
      describeError: String,
      logger: silentLogger,
      backoff: { baseMs: 1, capMs: 2 },
    });

  test('batches go while earlier ones are in flight, up to the limit; a flush waits for every batch before it, whichever lands first', async () => {
    const target = new PickTarget();
    const queue = queueOn(target, 3);
    for (const write of [['a=1', 'b=1'], ['c=1'], ['d=1'], ['e=1']]) await queue.enqueue(write);
    for (let n = 0; n < 5; n++) await tick();
    assert.deepEqual(
      target.sent.map((s) => s.batch),
      [['a=1', 'b=1'], ['c=1'], ['d=1']],
      'three in flight, the fourth waits',
    );
    assert.equal(queue.stats().inFlight, 4);
    let flushed = false;
    const flushing = queue.flush().then(() => (flushed = true));
    target.sent[2]?.ack();
    for (let n = 0; n < 5; n++) await tick();
    assert.deepEqual(target.sent[3]?.batch, ['e=1'], 'a landed batch makes way for the next');
    target.sent[1]?.ack();
    target.sent[3]?.ack();
    for (let n = 0; n < 5; n++) await tick();
    assert.equal(flushed, false, 'the first batch is still in flight');
    assert.equal(queue.stats().acknowledged, 0, 'acknowledged counts only an unbroken run from the start');
    target.sent[0]?.ack();
    await flushing;
    assert.equal(queue.stats().acknowledged, 5);
    queue.close();
  });

  test('a key is never in two batches in flight: a later write of it waits, and lands after the earlier one even when that one is sent again', async () => {
    const target = new PickTarget();
    const queue = queueOn(target, 4);
    await queue.enqueue(['k=old', 'x=1']);
    for (let n = 0; n < 3; n++) await tick();
    await queue.enqueue(['y=1', 'k=new', 'z=1']);
    for (let n = 0; n < 5; n++) await tick();
    assert.deepEqual(
      target.sent.map((s) => s.batch),
      [['k=old', 'x=1'], ['y=1']],
      'the second batch ends before the key in flight',
    );
    target.sent[0]?.fail();
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(target.sent[2]?.batch, ['k=old', 'x=1'], 'the failed batch is sent again');
    assert.equal(target.sent.length, 3, 'nothing else starts while a batch waits to be sent again');
    target.sent[1]?.ack();
    target.sent[2]?.ack();
    for (let n = 0; n < 5; n++) await tick();
    assert.deepEqual(target.sent[3]?.batch, ['k=new', 'z=1'], 'the later write of the key goes once the earlier one landed');
    target.sent[3]?.ack();
    await queue.flush();
    assert.deepEqual(
      target.landed.filter((item) => item.startsWith('k=')),
      ['k=old', 'k=new'],
      "the key's writes land in the order they were made",
    );
    assert.deepEqual([...target.landed].sort(), ['k=new', 'k=old', 'x=1', 'y=1', 'z=1']);
    queue.close();
  });

  test('while a batch waits to be sent again, no other batch starts: an outage is not multiplied', async () => {
    const target = new PickTarget();
    const queue = queueOn(target, 4);
    await queue.enqueue(['a=1']);
    for (let n = 0; n < 3; n++) await tick();
    target.sent[0]?.fail();
    for (let n = 0; n < 3; n++) await tick();
    await queue.enqueue(['b=1']);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(
      target.sent.map((s) => s.batch),
      [['a=1'], ['a=1']],
      'only the failed batch is sent (again) until it lands',
    );
    target.sent[1]?.ack();
    for (let n = 0; n < 5; n++) await tick();
    assert.deepEqual(target.sent[2]?.batch, ['b=1'], 'then the others go');
    target.sent[2]?.ack();
    await queue.flush();
    queue.close();
  });

  test('more than one batch in flight needs keyOf', () => {
    assert.throws(
      () =>
        new RetryingBatchQueue<string>({
          name: 'test',
          maxBatch: 10,
          capacity: 10,
          flushIntervalMs: 0,
          maxInFlight: 2,
          send: async () => ({ retry: [] }),
          describeError: String,
          logger: silentLogger,
        }),
      /needs keyOf/,
    );
  });
});
