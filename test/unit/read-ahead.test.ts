/**
 * The Kafka source's read-ahead queue: a batch never starts in the turn that queued it (kafkajs
 * sends its next fetch from promise callbacks of that turn, and must get to send it before the
 * pipeline's synchronous work), batches run one at a time in queue order, a failed one does not
 * stop the next, and `atMost` waits for the queue to shrink.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { ReadAhead } from '../../src/streams/sources/read-ahead.js';

/** Runs every promise callback queued so far, and those they queue, without leaving the turn. */
async function drainPromiseCallbacks(rounds = 50): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

/** A handler that records its start and finishes when told to. */
function gate(log: string[], name: string): { handle: () => Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    handle: async () => {
      log.push(`start ${name}`);
      await opened;
      log.push(`end ${name}`);
    },
    open,
  };
}

describe('ReadAhead', () => {
  test('a batch starts in a later macrotask: promise callbacks of the queuing turn (kafkajs sending its next fetch) run first', async () => {
    const queue = new ReadAhead();
    const log: string[] = [];
    const handled = queue.push(() => {
      log.push('batch');
    });
    // What kafkajs does after eachBatch returns: a chain of promise callbacks, the fetch last.
    void drainPromiseCallbacks().then(() => log.push('next fetch sent'));
    await drainPromiseCallbacks(60);
    assert.deepEqual(log, ['next fetch sent']);
    await handled;
    assert.deepEqual(log, ['next fetch sent', 'batch']);
  });

  test('batches run one at a time, in the order queued, each after the previous one settled', async () => {
    const queue = new ReadAhead();
    const log: string[] = [];
    const a = gate(log, 'a');
    const b = gate(log, 'b');
    const doneA = queue.push(a.handle);
    const doneB = queue.push(b.handle);
    assert.equal(queue.length, 2);
    await nextMacrotask();
    await nextMacrotask();
    assert.deepEqual(log, ['start a']);
    b.open(); // b is ready to finish, but must not start before a ends
    await nextMacrotask();
    assert.deepEqual(log, ['start a']);
    a.open();
    await doneA;
    await doneB;
    assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b']);
    await drainPromiseCallbacks();
    assert.equal(queue.length, 0);
  });

  test('a batch that fails rejects its own promise only: the next one still runs', async () => {
    const queue = new ReadAhead();
    const ran: string[] = [];
    const failed = queue.push(() => {
      ran.push('a');
      throw new Error('refused');
    });
    const next = queue.push(() => {
      ran.push('b');
    });
    await assert.rejects(failed, /refused/);
    await next;
    assert.deepEqual(ran, ['a', 'b']);
  });

  test('atMost resolves once no more than the limit are queued or running', async () => {
    const queue = new ReadAhead();
    const log: string[] = [];
    const gates = ['a', 'b', 'c'].map((name) => gate(log, name));
    for (const g of gates) void queue.push(g.handle);
    let waited = false;
    const waiting = queue.atMost(1).then(() => {
      waited = true;
    });
    await nextMacrotask();
    assert.equal(waited, false);
    gates[0]?.open();
    await nextMacrotask();
    await drainPromiseCallbacks();
    assert.equal(waited, false, 'two still queued');
    gates[1]?.open();
    await waiting;
    assert.equal(queue.length, 1);
    gates[2]?.open();
    await queue.atMost(0);
    assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
});
