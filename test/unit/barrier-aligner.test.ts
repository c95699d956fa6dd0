import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ErrorCode, SluiceError } from '../../src/errors.js';
import { AlignmentAbortReason, BarrierAligner, type BarrierAlignerOptions } from '../../src/state/barrier-aligner.js';
import { ManualTime } from '../helpers/manual-time.js';

/** An aligner whose callbacks are written into `out` as short strings: `c0:a`, `snap 1`, `abort 1 SUBSUMED`, `end`. */
function aligner(options: Partial<BarrierAlignerOptions> & { channels: number }) {
  const out: string[] = [];
  const a = new BarrierAligner<string>(options, {
    message: (c, m) => out.push(`c${c}:${m}`),
    snapshot: (id) => out.push(`snap ${id}`),
    aborted: (id, reason) => out.push(`abort ${id} ${reason}`),
    end: () => out.push('end'),
  });
  return { a, out };
}

describe('BarrierAligner', () => {
  test('one channel: the barrier is aligned at once; messages pass in order', () => {
    const { a, out } = aligner({ channels: 1 });
    a.message(0, 'a');
    a.barrier(0, 1);
    a.message(0, 'b');
    assert.deepEqual(out, ['c0:a', 'snap 1', 'c0:b']);
    assert.equal(a.alignment, undefined);
  });

  test('two channels: a channel that delivered the barrier is blocked and buffered (reported), then released in order after the snapshot', () => {
    const time = new ManualTime(5000);
    const { a, out } = aligner({ channels: 2, clock: time });
    a.message(0, 'a1');
    a.barrier(0, 7);
    a.message(0, 'a2', 100);
    a.message(0, 'a3', 50);
    a.message(1, 'b1');
    assert.deepEqual(out, ['c0:a1', 'c1:b1'], 'a2 and a3 come after barrier 7: they wait');
    assert.deepEqual(a.alignment, { checkpointId: 7, startedAt: 5000, blockedChannels: [0], bufferedMessages: 2, bufferedBytes: 150 });
    a.barrier(1, 7);
    a.message(1, 'b2');
    assert.deepEqual(out, ['c0:a1', 'c1:b1', 'snap 7', 'c0:a2', 'c0:a3', 'c1:b2']);
    assert.equal(a.alignment, undefined);
    assert.deepEqual(a.buffered, { messages: 0, bytes: 0 });
  });

  test('a newer barrier before the older is aligned: the older is aborted (SUBSUMED) and the newer aligns', () => {
    const { a, out } = aligner({ channels: 2 });
    a.barrier(0, 1);
    a.message(0, 'a1');
    a.barrier(1, 2); // channel 1 never delivered 1
    assert.deepEqual(out, ['abort 1 SUBSUMED', 'c0:a1']);
    assert.deepEqual(a.alignment?.blockedChannels, [1]);
    a.message(1, 'b1');
    a.barrier(0, 2);
    assert.deepEqual(out, ['abort 1 SUBSUMED', 'c0:a1', 'snap 2', 'c1:b1']);
    a.barrier(0, 1); // obsolete: ignored, does not block
    a.message(0, 'a2');
    assert.deepEqual(out.slice(-1), ['c0:a2']);
    assert.equal(a.alignment, undefined);
  });

  test('a barrier buffered behind a blocked channel is handled when released: the channel blocks again', () => {
    const { a, out } = aligner({ channels: 2 });
    a.barrier(0, 1);
    a.message(0, 'a1');
    a.barrier(0, 2);
    a.message(0, 'a2');
    a.barrier(1, 1);
    assert.deepEqual(out, ['snap 1', 'c0:a1']);
    assert.deepEqual(a.alignment, { checkpointId: 2, startedAt: undefined, blockedChannels: [0], bufferedMessages: 1, bufferedBytes: 0 });
    a.message(1, 'b1');
    a.barrier(1, 2);
    assert.deepEqual(out, ['snap 1', 'c0:a1', 'c1:b1', 'snap 2', 'c0:a2']);
  });

  test('a cancellation marker aborts the alignment (CANCELLED); the cancelled checkpoint\'s barriers are then ignored', () => {
    const { a, out } = aligner({ channels: 2 });
    a.barrier(0, 3);
    a.message(0, 'a1');
    a.cancel(1, 3);
    assert.deepEqual(out, ['abort 3 CANCELLED', 'c0:a1']);
    a.barrier(1, 3);
    a.message(1, 'b1');
    assert.deepEqual(out.slice(-1), ['c1:b1'], 'barrier 3 did not block channel 1');
    assert.equal(a.alignment, undefined);
  });

  test('a cancellation marker for a newer checkpoint subsumes the current one and cancels the newer one', () => {
    const { a, out } = aligner({ channels: 2 });
    a.barrier(0, 3);
    a.cancel(1, 4);
    assert.deepEqual(out, ['abort 3 SUBSUMED', 'abort 4 CANCELLED']);
    a.barrier(0, 4);
    a.barrier(1, 4);
    assert.deepEqual(out.length, 2, 'checkpoint 4 is never snapshotted');
    a.barrier(0, 5);
    a.barrier(1, 5);
    assert.deepEqual(out.slice(-1), ['snap 5']);
  });

  test('the end of a channel counts as its barrier, now and later; end() once every channel ended; nothing after an end', () => {
    const { a, out } = aligner({ channels: 3 });
    a.barrier(0, 1);
    a.message(0, 'a1');
    a.barrier(1, 1);
    a.end(2);
    assert.deepEqual(out, ['snap 1', 'c0:a1']);
    a.barrier(1, 2);
    a.message(1, 'b1');
    a.barrier(0, 2);
    assert.deepEqual(out.slice(2), ['snap 2', 'c1:b1'], 'channel 2 ended: two barriers align checkpoint 2');
    a.end(0);
    a.barrier(1, 3);
    assert.deepEqual(out.slice(-1), ['snap 3']);
    a.end(1);
    assert.deepEqual(out.slice(-1), ['end']);
    assert.throws(() => a.message(1, 'late'), (e: SluiceError) => e.code === ErrorCode.INTERNAL && /channel 1 after its end/.test(e.message));
  });

  test('an end queued behind a blocked channel waits its turn', () => {
    const { a, out } = aligner({ channels: 2 });
    a.barrier(0, 1);
    a.message(0, 'a1');
    a.end(0);
    a.end(1);
    assert.deepEqual(out, ['snap 1', 'c0:a1', 'end']);
  });

  test('the buffer is bounded: past maxBufferedMessages the alignment is aborted (BUFFER_FULL) and everything released in order', () => {
    const { a, out } = aligner({ channels: 2, maxBufferedMessages: 2 });
    a.barrier(0, 1);
    a.message(0, 'a1');
    a.message(0, 'a2');
    assert.equal(a.buffered.messages, 2);
    a.message(0, 'a3');
    assert.deepEqual(out, ['abort 1 BUFFER_FULL', 'c0:a1', 'c0:a2', 'c0:a3']);
    assert.deepEqual(a.buffered, { messages: 0, bytes: 0 });
    a.barrier(1, 1);
    assert.equal(out.length, 4, 'the aborted checkpoint is not snapshotted later');
  });

  test('the buffer is bounded in bytes too', () => {
    const { a, out } = aligner({ channels: 2, maxBufferedBytes: 1000 });
    a.barrier(1, 1);
    a.message(1, 'b1', 600);
    a.message(1, 'b2', 600);
    assert.deepEqual(out, ['abort 1 BUFFER_FULL', 'c1:b1', 'c1:b2']);
  });

  test('abort() from outside: the current alignment releases; a future checkpoint\'s barriers are ignored', () => {
    const { a, out } = aligner({ channels: 2 });
    a.barrier(0, 1);
    a.message(0, 'a1');
    a.abort(1);
    assert.deepEqual(out, ['abort 1 ABORTED', 'c0:a1']);
    a.abort(2);
    a.barrier(0, 2);
    a.message(0, 'a2');
    assert.deepEqual(out.slice(-1), ['c0:a2']);
    a.abort(1); // an old id: nothing happens
    assert.equal(out.length, 3);
  });

  test('callbacks may feed the aligner again: order is kept', () => {
    const out: string[] = [];
    const a: BarrierAligner<string> = new BarrierAligner<string>({ channels: 2 }, {
      message: (c, m) => out.push(`c${c}:${m}`),
      snapshot: (id) => {
        out.push(`snap ${id}`);
        a.message(1, 'from-snapshot');
      },
      aborted: () => {},
      end: () => {},
    });
    a.barrier(1, 1);
    a.message(1, 'b1');
    a.barrier(0, 1);
    assert.deepEqual(out, ['snap 1', 'c1:b1', 'c1:from-snapshot']);
  });

  test('bad channels are refused', () => {
    assert.throws(() => aligner({ channels: 0 }), SluiceError);
    const { a } = aligner({ channels: 2 });
    assert.throws(() => a.message(2, 'x'), /channels 0..1/);
  });

  test('property: each snapshot n holds exactly what every channel sent before barrier n; nothing lost, order kept', () => {
    // Each channel sends messages with barriers 1..k in order, interleaved at random.
    const channelScript = fc.array(fc.oneof(fc.constant('m'), fc.constant('b')), { maxLength: 30 });
    fc.assert(
      fc.property(fc.array(channelScript, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 200 }), (scripts, picks) => {
        // The end of a channel counts as its barrier for every later checkpoint, so every barrier id
        // any channel sent is aligned once all channels ended.
        const checkpoints = Math.max(...scripts.map((s) => s.filter((x) => x === 'b').length));
        // Per channel: the events to send; a message's label says its epoch (barriers before it).
        const events = scripts.map((s, c) => {
          let epoch = 0;
          let n = 0;
          return s.map((x): { b: number } | { m: string } => (x === 'b' ? { b: ++epoch } : { m: `${c}.${n++}.${epoch}` }));
        });
        const cursors = events.map(() => 0);
        const log: Array<{ snap: number } | { channel: number; m: string }> = [];
        const a = new BarrierAligner<string>({ channels: scripts.length }, {
          message: (channel, m) => log.push({ channel, m }),
          snapshot: (snap) => log.push({ snap }),
          aborted: () => assert.fail('no abort without cancellations'),
          end: () => {},
        });
        const feed = (c: number) => {
          const e = events[c]![cursors[c]!++]!;
          if ('b' in e) a.barrier(c, e.b);
          else a.message(c, e.m);
        };
        for (const p of picks) {
          const open = cursors.flatMap((i, c) => (i < events[c]!.length ? [c] : []));
          if (open.length === 0) break;
          feed(open[p % open.length]!);
        }
        for (let c = 0; c < events.length; c++) while (cursors[c]! < events[c]!.length) feed(c);
        for (let c = 0; c < events.length; c++) a.end(c);

        const snaps = log.flatMap((x) => ('snap' in x ? [x.snap] : []));
        assert.deepEqual(snaps, Array.from({ length: checkpoints }, (_, i) => i + 1), 'every checkpoint aligned in turn');
        let taken = 0;
        const seen = events.map(() => [] as string[]);
        for (const x of log) {
          if ('snap' in x) taken = x.snap;
          else {
            // Sent after barrier n and before barrier n+1 (or the end): after snapshot n, before snapshot n+1.
            assert.equal(Number(x.m.split('.')[2]), taken, `${x.m} processed after snapshot ${taken}`);
            seen[x.channel]!.push(x.m);
          }
        }
        events.forEach((e, c) => assert.deepEqual(seen[c], e.flatMap((x) => ('m' in x ? [x.m] : [])), `channel ${c}: all, in order`));
      }),
      { numRuns: 300 },
    );
  });

  test('abort reasons have stable names', () => {
    assert.deepEqual(Object.values(AlignmentAbortReason), ['SUBSUMED', 'CANCELLED', 'ABORTED', 'BUFFER_FULL']);
  });
});
