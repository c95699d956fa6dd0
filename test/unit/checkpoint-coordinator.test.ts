import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ErrorCode, SluiceError } from '../../src/errors.js';
import {
  CheckpointCoordinator,
  CheckpointFailureReason,
  type CheckpointCoordinatorOptions,
  type CheckpointFailure,
  type CheckpointKind,
  type CompletedCheckpoint,
} from '../../src/state/checkpoints/checkpoint-coordinator.js';
import { ManualTime, settle } from '../helpers/manual-time.js';
import { deferred } from '../helpers/deferred.js';

type Placement = { offsets: Record<string, number> };
type Completed = CompletedCheckpoint<Placement, string>;
const PARTICIPANTS = ['worker-0', 'worker-1', 'sinks'];

/** A coordinator over a manual clock, recording everything it calls. Times: interval 1000, min pause 500, timeout 5000. */
function harness(overrides: Partial<CheckpointCoordinatorOptions<Placement, string>> = {}) {
  const time = new ManualTime(0);
  const triggered: Array<{ id: number; kind: CheckpointKind; at: number }> = [];
  const persisted: Completed[] = [];
  const completed: Completed[] = [];
  const aborted: CheckpointFailure[] = [];
  const fatal: SluiceError[] = [];
  const warnings: string[] = [];
  const coordinator = new CheckpointCoordinator<Placement, string>({
    intervalMs: 1000,
    minPauseMs: 500,
    timeoutMs: 5000,
    tolerableConsecutiveFailures: 2,
    participants: PARTICIPANTS,
    clock: time,
    scheduler: time,
    triggerBarrier: async (id, kind) => {
      triggered.push({ id, kind, at: time.now() });
      return { offsets: { 'user-clicks-0': id * 100 } };
    },
    persist: async (c) => {
      persisted.push(c);
    },
    onCompleted: (c) => {
      completed.push(c);
    },
    onAborted: (f) => aborted.push(f),
    onFatal: (err) => fatal.push(err),
    logger: { warn: (_obj: unknown, msg?: string) => warnings.push(String(msg)) } as never,
    ...overrides,
  });
  /** Every participant acknowledges checkpoint `id` (10 bytes each). */
  const ackAll = (id: number, except: string[] = []) => {
    for (const p of PARTICIPANTS) if (!except.includes(p)) assert.equal(coordinator.acknowledge(id, p, `${p}@${id}`, 10), 'accepted');
  };
  return { time, coordinator, triggered, persisted, completed, aborted, fatal, warnings, ackAll };
}

describe('CheckpointCoordinator: timing', () => {
  test('the first checkpoint starts one interval after start; all acks -> persist -> onCompleted', async () => {
    const h = harness();
    h.coordinator.start();
    await h.time.advance(999);
    assert.equal(h.triggered.length, 0);
    await h.time.advance(1);
    assert.deepEqual(h.triggered, [{ id: 1, kind: 'periodic', at: 1000 }]);
    h.ackAll(1, ['sinks']);
    await settle();
    assert.equal(h.persisted.length, 0, 'not complete before the sinks acknowledged');
    await h.time.advance(30);
    h.ackAll(1, ['worker-0', 'worker-1']);
    await settle();
    assert.equal(h.persisted.length, 1);
    const c = h.persisted[0]!;
    assert.equal(c.id, 1);
    assert.equal(c.kind, 'periodic');
    assert.equal(c.triggeredAt, 1000);
    assert.equal(c.acknowledgedAt, 1030);
    assert.deepEqual(c.placement, { offsets: { 'user-clicks-0': 100 } });
    assert.deepEqual([...c.acks.entries()].sort(), [
      ['sinks', 'sinks@1'],
      ['worker-0', 'worker-0@1'],
      ['worker-1', 'worker-1@1'],
    ]);
    assert.equal(c.sizeBytes, 30);
    assert.deepEqual(h.completed, [c]);
    const stats = h.coordinator.stats();
    assert.deepEqual(stats.lastCompleted, { id: 1, kind: 'periodic', completedAt: 1030, durationMs: 30, sizeBytes: 30 });
    assert.equal(stats.completed, 1);
    assert.equal(stats.inFlight, undefined);
  });

  test('a quick checkpoint: the next starts one interval after the previous START', async () => {
    const h = harness();
    h.coordinator.start();
    await h.time.advance(1000);
    h.ackAll(1);
    await h.time.advance(10);
    assert.equal(h.coordinator.stats().nextTriggerAt, 2000, 'max(1000 + 1000, 1010 + 500)');
    await h.time.advanceTo(2000);
    assert.deepEqual(
      h.triggered.map((t) => [t.id, t.at]),
      [
        [1, 1000],
        [2, 2000],
      ],
    );
  });

  test('a slow checkpoint: min pause holds between its END and the next START', async () => {
    const h = harness();
    h.coordinator.start();
    await h.time.advance(1000);
    await h.time.advance(1800); // longer than the interval: still only one in flight
    assert.equal(h.triggered.length, 1);
    h.ackAll(1);
    await settle();
    assert.equal(h.coordinator.stats().nextTriggerAt, 3300, 'max(1000 + 1000, 2800 + 500)');
    await h.time.advanceTo(3299);
    assert.equal(h.triggered.length, 1);
    await h.time.advanceTo(3300);
    assert.deepEqual(
      h.triggered.map((t) => [t.id, t.at]),
      [
        [1, 1000],
        [2, 3300],
      ],
    );
  });

  test('at most one checkpoint in flight, however long it takes (until its timeout)', async () => {
    const h = harness();
    h.coordinator.start();
    await h.time.advance(1000);
    h.ackAll(1, ['worker-1']);
    await h.time.advance(4999);
    assert.equal(h.triggered.length, 1);
    const stats = h.coordinator.stats();
    assert.deepEqual(stats.inFlight, { id: 1, kind: 'periodic', phase: 'acknowledging', triggeredAt: 1000, waitingFor: ['worker-1'] });
    assert.equal(stats.nextTriggerAt, undefined);
  });

  test('firstCheckpointId continues the ids of the checkpoint restored from', async () => {
    const h = harness({ firstCheckpointId: 42, initialDelayMs: 10 });
    h.coordinator.start();
    await h.time.advance(10);
    assert.deepEqual(h.triggered, [{ id: 42, kind: 'periodic', at: 10 }]);
    assert.equal(h.coordinator.acknowledge(41, 'sinks', 'old'), 'late');
  });
});

describe('CheckpointCoordinator: acknowledgements', () => {
  test('acks that arrive while the barrier is still being placed count', async () => {
    const placed = deferred<Placement>();
    const h = harness({ triggerBarrier: () => placed.promise });
    h.coordinator.start();
    await h.time.advance(1000);
    assert.equal(h.coordinator.stats().inFlight?.phase, 'triggering');
    h.ackAll(1);
    await settle();
    assert.equal(h.persisted.length, 0, 'no persist without the placement');
    placed.resolve({ offsets: { p: 7 } });
    await settle();
    assert.equal(h.persisted.length, 1);
    assert.deepEqual(h.persisted[0]!.placement, { offsets: { p: 7 } });
  });

  test('duplicate, unknown and late acks are ignored and change nothing', async () => {
    const h = harness();
    h.coordinator.start();
    await h.time.advance(1000);
    assert.equal(h.coordinator.acknowledge(1, 'worker-0', 'first'), 'accepted');
    assert.equal(h.coordinator.acknowledge(1, 'worker-0', 'second'), 'duplicate');
    assert.equal(h.coordinator.acknowledge(1, 'worker-9', 'x'), 'unknown-participant');
    assert.equal(h.coordinator.acknowledge(2, 'worker-1', 'x'), 'unknown-checkpoint');
    assert.equal(h.coordinator.acknowledge(0, 'worker-1', 'x'), 'late');
    assert.equal(h.coordinator.decline(1, 'worker-9', 'x'), 'unknown-participant');
    assert.equal(h.coordinator.decline(2, 'worker-1', 'x'), 'unknown-checkpoint');
    await settle();
    assert.deepEqual(h.coordinator.stats().inFlight?.waitingFor, ['worker-1', 'sinks']);
    assert.equal(h.coordinator.acknowledge(1, 'worker-1', 'w1'), 'accepted');
    assert.equal(h.coordinator.acknowledge(1, 'sinks', 's'), 'accepted');
    await settle();
    assert.equal(h.persisted.length, 1);
    assert.equal(h.persisted[0]!.acks.get('worker-0'), 'first', 'the duplicate did not overwrite');
    assert.equal(h.coordinator.acknowledge(1, 'worker-0', 'again'), 'late', 'after completion');
    assert.equal(h.persisted.length, 1);
  });

  test('a decline fails the checkpoint at once (DECLINED, naming the participant); later acks are late', async () => {
    const h = harness();
    h.coordinator.start();
    await h.time.advance(1000);
    h.coordinator.acknowledge(1, 'worker-0', 'ok');
    assert.equal(h.coordinator.decline(1, 'worker-1', new Error('alignment cancelled')), 'accepted');
    assert.equal(h.aborted.length, 1);
    const f = h.aborted[0]!;
    assert.equal(f.reason, CheckpointFailureReason.DECLINED);
    assert.equal(f.participant, 'worker-1');
    assert.equal(f.checkpointId, 1);
    assert.equal(f.error.code, ErrorCode.CHECKPOINT_FAILED);
    assert.deepEqual(f.error.details, { checkpointId: 1, participant: 'worker-1', reason: 'DECLINED' });
    assert.match(f.error.message, /worker-1 declined checkpoint 1: alignment cancelled/);
    assert.equal(h.coordinator.acknowledge(1, 'sinks', 'late'), 'late');
    await settle();
    assert.equal(h.persisted.length, 0);
    assert.equal(h.coordinator.stats().failed.DECLINED, 1);
    assert.equal(h.coordinator.stats().nextTriggerAt, 2000, 'max(1000 + 1000, 1000 + 500)');
  });
});

describe('CheckpointCoordinator: failures', () => {
  test('timeout: not all acks within timeoutMs -> TIMEOUT naming who is missing, the next one after min pause', async () => {
    const h = harness();
    h.coordinator.start();
    await h.time.advance(1000);
    h.ackAll(1, ['worker-1']);
    await h.time.advance(4999);
    assert.equal(h.aborted.length, 0);
    await h.time.advance(1);
    assert.equal(h.aborted.length, 1);
    assert.equal(h.aborted[0]!.reason, CheckpointFailureReason.TIMEOUT);
    assert.match(h.aborted[0]!.error.message, /checkpoint 1 timed out after 5000 ms: no acknowledgement from worker-1/);
    assert.equal(h.coordinator.acknowledge(1, 'worker-1', 'too late'), 'late');
    const stats = h.coordinator.stats();
    assert.equal(stats.failed.TIMEOUT, 1);
    assert.equal(stats.consecutiveFailures, 1);
    assert.deepEqual(stats.lastFailure, {
      id: 1,
      reason: 'TIMEOUT',
      at: 6000,
      message: 'checkpoint 1 timed out after 5000 ms: no acknowledgement from worker-1',
    });
    assert.equal(stats.nextTriggerAt, 6500);
    await h.time.advanceTo(6500);
    assert.equal(h.triggered.at(-1)?.id, 2);
  });

  test('a trigger that fails -> TRIGGER_FAILED; one that hangs -> TIMEOUT, and its late placement is ignored', async () => {
    const placed = deferred<Placement>();
    let calls = 0;
    const h = harness({
      triggerBarrier: async () => {
        if (++calls === 1) throw new Error('source not assigned yet');
        return placed.promise;
      },
    });
    h.coordinator.start();
    await h.time.advance(1000);
    assert.equal(h.aborted[0]?.reason, CheckpointFailureReason.TRIGGER_FAILED);
    assert.match(h.aborted[0]!.error.message, /barrier could not be placed: source not assigned yet/);
    await h.time.advanceTo(2000);
    h.ackAll(2);
    await h.time.advance(5000);
    assert.equal(h.aborted[1]?.reason, CheckpointFailureReason.TIMEOUT);
    assert.match(h.aborted[1]!.error.message, /the barrier was not placed/);
    placed.resolve({ offsets: {} });
    await settle();
    assert.equal(h.persisted.length, 0);
  });

  test('persist failure -> PERSIST_FAILED; onCompleted is not called', async () => {
    const h = harness({
      persist: async () => {
        throw new Error('disk full');
      },
    });
    h.coordinator.start();
    await h.time.advance(1000);
    h.ackAll(1);
    await settle();
    assert.equal(h.aborted[0]?.reason, CheckpointFailureReason.PERSIST_FAILED);
    assert.match(h.aborted[0]!.error.message, /checkpoint 1 could not be recorded: disk full/);
    assert.equal((h.aborted[0]!.error.cause as Error).message, 'disk full');
    assert.equal(h.completed.length, 0);
    assert.equal(h.coordinator.stats().completed, 0);
  });

  test('a persist slower than the timeout is not timed out (the checkpoint is consistent once acked)', async () => {
    const written = deferred<void>();
    const h = harness({ persist: () => written.promise });
    h.coordinator.start();
    await h.time.advance(1000);
    h.ackAll(1);
    await h.time.advance(20_000);
    assert.equal(h.aborted.length, 0);
    assert.equal(h.coordinator.stats().inFlight?.phase, 'persisting');
    written.resolve();
    await settle();
    assert.equal(h.completed.length, 1);
    assert.equal(h.coordinator.stats().lastCompleted?.durationMs, 20_000);
  });

  test('a failing onCompleted is logged, not a checkpoint failure', async () => {
    const h = harness({
      onCompleted: () => {
        throw new Error('offset commit failed');
      },
    });
    h.coordinator.start();
    await h.time.advance(1000);
    h.ackAll(1);
    await settle();
    assert.equal(h.aborted.length, 0);
    assert.equal(h.coordinator.stats().completed, 1);
    assert.deepEqual(h.warnings, ['checkpoint completed, but its completion handler failed']);
  });

  test('more failures in a row than tolerable -> onFatal once with CHECKPOINT_FAILED, and no more checkpoints', async () => {
    const h = harness(); // tolerable: 2
    h.coordinator.start();
    await h.time.advance(1000);
    h.coordinator.decline(1, 'worker-0', 'snapshot failed');
    await h.time.advanceTo(2000);
    h.coordinator.decline(2, 'worker-0', 'snapshot failed');
    assert.equal(h.coordinator.stats().consecutiveFailures, 2);
    assert.equal(h.fatal.length, 0, 'two in a row are tolerated');
    await h.time.advanceTo(3000);
    h.coordinator.decline(3, 'worker-0', 'snapshot failed');
    assert.equal(h.fatal.length, 1);
    const err = h.fatal[0]!;
    assert.ok(err instanceof SluiceError);
    assert.equal(err.code, ErrorCode.CHECKPOINT_FAILED);
    assert.match(
      err.message,
      /^3 checkpoints failed in a row \(tolerable: 2\); last: participant worker-0 declined checkpoint 3: snapshot failed$/,
    );
    assert.equal(err.details.reason, 'DECLINED');
    assert.equal(h.coordinator.stats().state, 'failed');
    await h.time.advance(100_000);
    assert.equal(h.triggered.length, 3);
    assert.equal(h.fatal.length, 1);
    await assert.rejects(h.coordinator.triggerNow(), (e: SluiceError) => e.code === ErrorCode.CHECKPOINT_FAILED);
  });

  test('a completed checkpoint resets the count of failures in a row', async () => {
    const h = harness();
    h.coordinator.start();
    await h.time.advance(1000);
    h.coordinator.decline(1, 'sinks', 'x');
    await h.time.advanceTo(2000);
    h.coordinator.decline(2, 'sinks', 'x');
    await h.time.advanceTo(3000);
    h.ackAll(3);
    await settle();
    assert.equal(h.coordinator.stats().consecutiveFailures, 0);
    await h.time.advanceTo(4000);
    h.coordinator.decline(4, 'sinks', 'x');
    await h.time.advanceTo(5000);
    h.coordinator.decline(5, 'sinks', 'x');
    assert.equal(h.fatal.length, 0);
    assert.deepEqual(h.coordinator.stats().failed, { TRIGGER_FAILED: 0, DECLINED: 4, TIMEOUT: 0, PERSIST_FAILED: 0, ABORTED_BY_STOP: 0 });
  });
});

describe('CheckpointCoordinator: triggerNow and stop', () => {
  test('triggerNow when idle starts at once (ignoring interval and min pause) and resolves once persisted', async () => {
    const h = harness();
    h.coordinator.start();
    await h.time.advance(1000);
    h.ackAll(1);
    await h.time.advance(10);
    const now = h.coordinator.triggerNow();
    assert.deepEqual(h.triggered.at(-1), { id: 2, kind: 'forced', at: 1010 });
    h.ackAll(2);
    const c = await now;
    assert.equal(c.id, 2);
    assert.equal(c.kind, 'forced');
    await settle();
    assert.equal(h.coordinator.stats().nextTriggerAt, 2010, 'periodic ones resume: max(1010 + 1000, 1010 + 500)');
  });

  test('triggerNow while one is in flight: starts right after it ends; calls meanwhile share it; a savepoint wins', async () => {
    const h = harness();
    h.coordinator.start();
    await h.time.advance(1000);
    const a = h.coordinator.triggerNow();
    const b = h.coordinator.triggerNow({ savepoint: true });
    await settle();
    assert.equal(h.triggered.length, 1, 'still one in flight');
    await h.time.advance(200);
    h.ackAll(1);
    await settle();
    assert.deepEqual(h.triggered.at(-1), { id: 2, kind: 'savepoint', at: 1200 }, 'no min pause for a requested checkpoint');
    h.ackAll(2);
    const [ca, cb] = await Promise.all([a, b]);
    assert.equal(ca.id, 2);
    assert.equal(cb, ca);
    assert.equal(ca.kind, 'savepoint');
  });

  test('a failed triggerNow rejects its caller and does not count toward failures in a row', async () => {
    const h = harness();
    const now = h.coordinator.triggerNow();
    h.coordinator.decline(1, 'sinks', 'flush failed');
    await assert.rejects(now, (e: SluiceError) => e.code === ErrorCode.CHECKPOINT_FAILED && e.details.reason === 'DECLINED');
    assert.equal(h.coordinator.stats().consecutiveFailures, 0);
  });

  test('triggerNow({ final: true }): no periodic checkpoint after it', async () => {
    const h = harness();
    h.coordinator.start();
    await h.time.advance(500);
    const last = h.coordinator.triggerNow({ final: true });
    h.ackAll(1);
    await last;
    await h.time.advance(100_000);
    assert.deepEqual(
      h.triggered.map((t) => t.kind),
      ['forced'],
    );
  });

  test('stop aborts the pending checkpoint (ABORTED_BY_STOP, not counted), rejects waiting triggerNow calls, plans nothing', async () => {
    const h = harness();
    h.coordinator.start();
    await h.time.advance(1000);
    h.coordinator.acknowledge(1, 'worker-0', 'ok');
    const waiting = h.coordinator.triggerNow();
    await h.coordinator.stop();
    assert.equal(h.aborted.length, 1);
    assert.equal(h.aborted[0]!.reason, CheckpointFailureReason.ABORTED_BY_STOP);
    assert.equal(h.aborted[0]!.error.retriable, false);
    await assert.rejects(waiting, (e: SluiceError) => e.code === ErrorCode.CHECKPOINT_FAILED && e.details.reason === 'ABORTED_BY_STOP');
    const stats = h.coordinator.stats();
    assert.equal(stats.state, 'stopped');
    assert.equal(stats.consecutiveFailures, 0);
    assert.equal(stats.failed.ABORTED_BY_STOP, 1);
    assert.equal(h.coordinator.acknowledge(1, 'worker-1', 'x'), 'late');
    await h.time.advance(100_000);
    assert.equal(h.triggered.length, 1);
    assert.deepEqual(h.time.pending, [], 'no timer left behind');
    assert.equal(h.fatal.length, 0);
    await assert.rejects(h.coordinator.triggerNow(), /checkpoint coordinator is stopped/);
  });

  test('stop while persisting lets the persist finish (the checkpoint completes)', async () => {
    const written = deferred<void>();
    const h = harness({ persist: () => written.promise });
    h.coordinator.start();
    await h.time.advance(1000);
    h.ackAll(1);
    await settle();
    let stopped = false;
    const stopping = h.coordinator.stop().then(() => (stopped = true));
    await settle();
    assert.equal(stopped, false);
    written.resolve();
    await stopping;
    assert.equal(h.completed.length, 1);
    assert.equal(h.aborted.length, 0);
    assert.equal(h.coordinator.stats().state, 'stopped');
    assert.deepEqual(h.time.pending, []);
  });
});
