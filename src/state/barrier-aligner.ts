/**
 * Barrier alignment for an operator with several input channels (the exactly-once alignment of
 * Flink's asynchronous barrier snapshots, after Chandy-Lamport). Pure logic: no threads, no I/O.
 *
 * Each input channel carries messages, barriers (checkpoint n), cancellation markers (checkpoint n
 * was given up upstream) and finally its end. For checkpoint n the operator must snapshot state
 * that holds exactly what every channel sent BEFORE barrier n:
 *   - barrier n on channel c: c is blocked; what c sends next is buffered, in order;
 *   - barrier n on every open channel: `snapshot(n)` is called, then the buffered messages are
 *     released in order (so nothing sent after a barrier leaks into snapshot n);
 *   - a newer barrier (n+1) before n is aligned: n is aborted (SUBSUMED) and n+1 starts, as in Flink;
 *   - a cancellation marker for n (or newer) aborts the alignment (CANCELLED), and barriers of a
 *     checkpoint that was aborted or is older than the latest are ignored;
 *   - the end of a channel counts as its barrier for the current and every later checkpoint; when
 *     every channel ended, `end()` is called once;
 *   - the buffer is bounded (`maxBufferedMessages`, `maxBufferedBytes`): past the bound the
 *     alignment is aborted (BUFFER_FULL) rather than holding memory without limit;
 *   - `abort(n)` gives n up from outside (the coordinator aborted it: timeout, another decline).
 * Every abort calls `aborted(n, reason)`; the owner declines checkpoint n to the coordinator.
 *
 * `snapshot(n)` is called synchronously between two messages: it must capture the state as of now
 * (e.g. commit the pending LMDB transaction and note what to copy) before returning; slow work can
 * continue asynchronously afterwards. Callbacks may feed the aligner again (re-entrant calls are
 * queued and processed in order).
 *
 * In sluice today each window worker has a single input (the main thread), so alignment there is
 * immediate; this is for operators with several inputs (joins, unions, several sources).
 */
import type { Clock } from '../clock.js';
import { ErrorCode, SluiceError } from '../errors.js';

/** Why an alignment was given up. Stable names (logs, metrics, decline reasons). */
export const AlignmentAbortReason = {
  /** A barrier of a newer checkpoint arrived before this one was aligned. */
  SUBSUMED: 'SUBSUMED',
  /** A channel delivered a cancellation marker for it. */
  CANCELLED: 'CANCELLED',
  /** `abort()` from outside (the coordinator gave the checkpoint up). */
  ABORTED: 'ABORTED',
  /** The blocked channels buffered more than the bound. */
  BUFFER_FULL: 'BUFFER_FULL',
} as const;
export type AlignmentAbortReason = (typeof AlignmentAbortReason)[keyof typeof AlignmentAbortReason];

export interface AlignerHandler<M> {
  /** Process a message now (it is after every snapshot already taken, in its channel's order). */
  message(channel: number, message: M): void;
  /** Every channel delivered barrier `checkpointId`: capture the state now, then acknowledge. */
  snapshot(checkpointId: number): void;
  /** Checkpoint `checkpointId` will not be snapshotted here: decline it. */
  aborted(checkpointId: number, reason: AlignmentAbortReason): void;
  /** Every channel ended. */
  end(): void;
}

export interface BarrierAlignerOptions {
  channels: number;
  /** Messages buffered on blocked channels at most; one more aborts the alignment. Default: no bound. */
  maxBufferedMessages?: number;
  /** Bytes (as reported with each message) buffered at most; more aborts the alignment. Default: no bound. */
  maxBufferedBytes?: number;
  /** For `alignment.startedAt` (alignment duration metrics). */
  clock?: Clock;
}

export interface AlignmentStatus {
  checkpointId: number;
  startedAt: number | undefined;
  /** Channels that delivered the barrier (and are buffering). */
  blockedChannels: number[];
  bufferedMessages: number;
  bufferedBytes: number;
}

type Item<M> = { kind: 'message'; message: M; bytes: number } | { kind: 'barrier'; id: number } | { kind: 'cancel'; id: number } | { kind: 'end' };

/** A FIFO queue that does not shift arrays (buffers can hold many messages). */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(item: T): void {
    this.items.push(item);
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

export class BarrierAligner<M> {
  private readonly queues: Array<Fifo<Item<M>>>;
  private readonly blocked: boolean[];
  private readonly closed: boolean[];
  /** An end was received (possibly still queued): nothing more may arrive on the channel. */
  private readonly ended: boolean[];
  private current: number | undefined;
  private startedAt: number | undefined;
  /** The highest checkpoint id seen (aligned, aborted or cancelled): older barriers are obsolete. */
  private latest = Number.NEGATIVE_INFINITY;
  private bufferedMessages = 0;
  private bufferedBytes = 0;
  private draining = false;
  private endSignalled = false;

  constructor(
    private readonly options: BarrierAlignerOptions,
    private readonly handler: AlignerHandler<M>,
  ) {
    if (!Number.isInteger(options.channels) || options.channels < 1) {
      throw new SluiceError(ErrorCode.INTERNAL, `a barrier aligner needs at least one channel, not ${options.channels}`);
    }
    this.queues = Array.from({ length: options.channels }, () => new Fifo<Item<M>>());
    this.blocked = new Array<boolean>(options.channels).fill(false);
    this.closed = new Array<boolean>(options.channels).fill(false);
    this.ended = new Array<boolean>(options.channels).fill(false);
  }

  message(channel: number, message: M, bytes = 0): void {
    this.check(channel, 'a message');
    // Fast path: nothing queued ahead of it, channel not blocked.
    if (!this.draining && !this.blocked[channel] && this.queues[channel]!.length === 0) {
      this.handler.message(channel, message);
      return;
    }
    this.enqueue(channel, { kind: 'message', message, bytes });
  }

  barrier(channel: number, checkpointId: number): void {
    this.check(channel, 'a barrier');
    this.enqueue(channel, { kind: 'barrier', id: checkpointId });
  }

  /** A cancellation marker: upstream gave checkpoint `checkpointId` up. In-band, like a barrier. */
  cancel(channel: number, checkpointId: number): void {
    this.check(channel, 'a cancellation marker');
    this.enqueue(channel, { kind: 'cancel', id: checkpointId });
  }

  /** The channel's input ended: it counts as a barrier for the current and every later checkpoint. */
  end(channel: number): void {
    this.check(channel, 'an end');
    this.ended[channel] = true;
    this.enqueue(channel, { kind: 'end' });
  }

  /** Give checkpoint `checkpointId` up from outside; if it is being aligned, release what was buffered. */
  abort(checkpointId: number, reason: AlignmentAbortReason = AlignmentAbortReason.ABORTED): void {
    if (checkpointId === this.current) this.abortCurrent(reason);
    else if (checkpointId > this.latest) this.latest = checkpointId; // its barriers will be ignored
    this.drain();
  }

  /** The alignment in progress, for metrics (undefined when none). */
  get alignment(): AlignmentStatus | undefined {
    if (this.current === undefined) return undefined;
    return {
      checkpointId: this.current,
      startedAt: this.startedAt,
      blockedChannels: this.blocked.flatMap((b, c) => (b ? [c] : [])),
      bufferedMessages: this.bufferedMessages,
      bufferedBytes: this.bufferedBytes,
    };
  }

  get buffered(): { messages: number; bytes: number } {
    return { messages: this.bufferedMessages, bytes: this.bufferedBytes };
  }

  private check(channel: number, what: string): void {
    if (!Number.isInteger(channel) || channel < 0 || channel >= this.options.channels) {
      throw new SluiceError(ErrorCode.INTERNAL, `${what} on channel ${channel}, but the aligner has channels 0..${this.options.channels - 1}`);
    }
    if (this.ended[channel]) throw new SluiceError(ErrorCode.INTERNAL, `${what} on channel ${channel} after its end`);
  }

  private enqueue(channel: number, item: Item<M>): void {
    this.queues[channel]!.push(item);
    if (item.kind === 'message') {
      this.bufferedMessages++;
      this.bufferedBytes += item.bytes;
      if (this.blocked[channel] && this.overBound()) this.abortCurrent(AlignmentAbortReason.BUFFER_FULL);
    }
    this.drain();
  }

  private overBound(): boolean {
    const { maxBufferedMessages, maxBufferedBytes } = this.options;
    return (maxBufferedMessages !== undefined && this.bufferedMessages > maxBufferedMessages) || (maxBufferedBytes !== undefined && this.bufferedBytes > maxBufferedBytes);
  }

  /** Process queued items of every unblocked channel, until none is left or all that remain are blocked. */
  private drain(): void {
    if (this.draining) return; // a callback fed us: the loop below picks it up, in order
    this.draining = true;
    try {
      let progressed = true;
      while (progressed) {
        progressed = false;
        for (let c = 0; c < this.queues.length; c++) {
          const queue = this.queues[c]!;
          while (!this.blocked[c] && queue.length > 0) {
            this.process(c, queue.shift()!);
            progressed = true;
          }
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private process(channel: number, item: Item<M>): void {
    switch (item.kind) {
      case 'message':
        this.bufferedMessages--;
        this.bufferedBytes -= item.bytes;
        this.handler.message(channel, item.message);
        return;
      case 'barrier':
        return this.onBarrier(channel, item.id);
      case 'cancel':
        return this.onCancel(item.id);
      case 'end':
        this.closed[channel] = true;
        this.blocked[channel] = false;
        this.completeIfAligned();
        if (!this.endSignalled && this.closed.every(Boolean)) {
          this.endSignalled = true;
          this.handler.end();
        }
        return;
    }
  }

  private onBarrier(channel: number, id: number): void {
    if (id === this.current) {
      this.blocked[channel] = true;
    } else if (id > this.latest) {
      if (this.current !== undefined) this.abortCurrent(AlignmentAbortReason.SUBSUMED);
      this.current = id;
      this.latest = id;
      this.startedAt = this.options.clock?.now();
      this.blocked[channel] = true;
    } else {
      return; // a checkpoint already aligned, aborted or subsumed
    }
    this.completeIfAligned();
  }

  private onCancel(id: number): void {
    if (id === this.current) {
      this.abortCurrent(AlignmentAbortReason.CANCELLED);
    } else if (id > this.latest) {
      if (this.current !== undefined) this.abortCurrent(AlignmentAbortReason.SUBSUMED);
      this.latest = id;
      this.handler.aborted(id, AlignmentAbortReason.CANCELLED);
    }
  }

  private completeIfAligned(): void {
    if (this.current === undefined) return;
    for (let c = 0; c < this.blocked.length; c++) if (!this.blocked[c] && !this.closed[c]) return;
    const id = this.current;
    this.release();
    this.handler.snapshot(id);
  }

  private abortCurrent(reason: AlignmentAbortReason): void {
    const id = this.current;
    if (id === undefined) return;
    this.release();
    this.handler.aborted(id, reason);
  }

  /** End the alignment: every channel unblocked; the drain loop then replays their buffers in order. */
  private release(): void {
    this.current = undefined;
    this.startedAt = undefined;
    this.blocked.fill(false);
  }
}
