import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ErrorCode, SluiceError } from '../../src/errors.js';
import { exponentialBackoff, failureRate, fixedDelay, type RestartStrategy } from '../../src/supervision/strategies.js';
import {
  Supervisor,
  supervisorSpec,
  type ChildSpec,
  type RestartEvent,
  type RunningChild,
  type SupervisionMode,
} from '../../src/supervision/supervisor.js';
import { ManualTime, settle } from '../helpers/manual-time.js';

/**
 * A child driven by the test: `fail()` / `finish()` end its current run; `failStarts` makes the
 * next starts reject. Everything it does goes into the shared log ("start a", "stop a").
 */
class FakeChild {
  starts = 0;
  failStarts = 0;
  startError: unknown = new Error('cannot connect');
  /** A stop that makes `exited` reject, as a terminated worker thread does. */
  stopLooksLikeFailure = false;
  private run: { resolve: () => void; reject: (err: unknown) => void } | undefined;

  constructor(
    readonly id: string,
    private readonly log: string[],
    readonly restart: ChildSpec['restart'] = 'transient',
  ) {}

  get spec(): ChildSpec {
    return { id: this.id, restart: this.restart, start: () => this.start() };
  }

  get running(): boolean {
    return this.run !== undefined;
  }

  fail(err: unknown = new Error(`${this.id} crashed`)): void {
    const run = this.run;
    this.run = undefined;
    run?.reject(err);
  }

  finish(): void {
    const run = this.run;
    this.run = undefined;
    run?.resolve();
  }

  private async start(): Promise<RunningChild> {
    this.starts++;
    this.log.push(`start ${this.id}`);
    if (this.failStarts > 0) {
      this.failStarts--;
      throw this.startError;
    }
    const exited = new Promise<void>((resolve, reject) => (this.run = { resolve, reject }));
    return {
      exited,
      stop: async () => {
        this.log.push(`stop ${this.id}`);
        if (this.stopLooksLikeFailure) this.fail(new Error('terminated'));
        else this.finish();
      },
    };
  }
}

function setup(ids: string[], mode: SupervisionMode, strategy: RestartStrategy = fixedDelay(5, 1000), extra: Partial<ChildSpec> = {}) {
  const time = new ManualTime(0);
  const log: string[] = [];
  const children = Object.fromEntries(ids.map((id) => [id, new FakeChild(id, log)])) as Record<string, FakeChild>;
  const restarts: RestartEvent[] = [];
  const gaveUp: SluiceError[] = [];
  const supervisor = new Supervisor({
    id: 'job',
    mode,
    strategy,
    children: ids.map((id) => ({ ...children[id]!.spec, ...extra })),
    clock: time,
    scheduler: time,
    random: () => 0.5,
    onRestart: (e) => restarts.push(e),
    onGiveUp: (err) => gaveUp.push(err),
  });
  return { time, log, children, restarts, gaveUp, supervisor };
}

describe('Supervisor', () => {
  test('starts children in order, stops them in reverse; exited resolves on stop', async () => {
    const s = setup(['source', 'workers', 'sinks'], 'one_for_all');
    await s.supervisor.start();
    assert.deepEqual(s.log, ['start source', 'start workers', 'start sinks']);
    assert.equal(s.supervisor.stats().state, 'running');
    await s.supervisor.stop();
    assert.deepEqual(s.log.slice(3), ['stop sinks', 'stop workers', 'stop source']);
    await s.supervisor.exited;
    assert.equal(s.supervisor.stats().state, 'stopped');
  });

  test('fixed delay: restarts after the delay, N times, then gives up (RESTARTS_EXHAUSTED naming strategy, failures and cause)', async () => {
    const s = setup(['source', 'worker'], 'one_for_one', fixedDelay(2, 1000));
    await s.supervisor.start();
    const worker = s.children.worker!;
    worker.fail();
    await s.time.advance(999);
    assert.equal(worker.starts, 1, 'not before the delay');
    await s.time.advance(1);
    assert.equal(worker.starts, 2);
    assert.deepEqual(s.restarts[0], {
      supervisor: 'job',
      child: 'worker',
      restarting: ['worker'],
      delayMs: 1000,
      failures: 1,
      cause: s.restarts[0]!.cause,
    });
    worker.fail();
    await s.time.advance(1000);
    assert.equal(worker.starts, 3);
    assert.equal(s.children.source!.starts, 1, 'one_for_one: the source kept running');
    worker.fail(new SluiceError(ErrorCode.WORKER_FAILED, 'worker window-worker-1 threw: boom'));
    await settle();
    assert.equal(s.gaveUp.length, 1);
    const err = s.gaveUp[0]!;
    assert.equal(err.code, ErrorCode.RESTARTS_EXHAUSTED);
    assert.equal(
      err.message,
      'supervisor job gave up: fixed-delay (2 attempts, 1000 ms apart): 3 failures, and at most 2 restarts are allowed; last cause: WORKER_FAILED: worker window-worker-1 threw: boom',
    );
    assert.deepEqual(err.details, { supervisor: 'job', strategy: 'fixed-delay', failures: 3, restarts: 2 });
    assert.equal((err.cause as SluiceError).code, ErrorCode.WORKER_FAILED);
    await assert.rejects(s.supervisor.exited, (e) => e === err);
    assert.equal(s.children.source!.running, false, 'everything stopped');
    assert.deepEqual(s.log.slice(-1), ['stop source']);
    assert.equal(s.supervisor.stats().state, 'failed');
    await s.time.advance(100_000);
    assert.equal(worker.starts, 3);
  });

  test('a fatal failure (a newer instance fenced this one) is not restarted: the supervisor ends with that failure', async () => {
    const s = setup(['job'], 'one_for_all', fixedDelay(5, 1000), { fatal: (err) => (err as SluiceError).code === ErrorCode.KAFKA_FENCED });
    await s.supervisor.start();
    const fenced = new SluiceError(ErrorCode.KAFKA_FENCED, 'another sluice daemon started on this job', { retriable: false });
    s.children.job!.fail(fenced);
    await settle();
    await s.time.advance(10_000);
    assert.equal(s.children.job!.starts, 1, 'never restarted');
    assert.equal(s.restarts.length, 0);
    await assert.rejects(s.supervisor.exited, (e) => e === fenced);
    assert.equal(s.gaveUp[0], fenced);
  });

  test('exponential backoff: growing delays, and a long healthy run resets them', async () => {
    const s = setup(['worker'], 'one_for_one', exponentialBackoff({ initialMs: 100, maxMs: 1000, resetAfterMs: 10_000, jitter: 0 }));
    await s.supervisor.start();
    const worker = s.children.worker!;
    const startTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      worker.fail();
      await settle();
      const delay = s.restarts.at(-1)!.delayMs;
      await s.time.advance(delay - 1);
      assert.equal(worker.starts, i + 1, `restart ${i + 1} waits ${delay} ms`);
      await s.time.advance(1);
      startTimes.push(s.time.now());
    }
    assert.deepEqual(
      s.restarts.map((r) => r.delayMs),
      [100, 200, 400, 800, 1000],
    );
    assert.deepEqual(startTimes, [100, 300, 700, 1500, 2500]);
    await s.time.advance(10_000);
    worker.fail();
    await settle();
    assert.equal(s.restarts.at(-1)!.delayMs, 100, 'ran 10 s: the backoff was reset');
  });

  test('failure rate: restarts while failures stay under the rate, gives up above it', async () => {
    const s = setup(['worker'], 'one_for_one', failureRate(2, 10_000, 100));
    await s.supervisor.start();
    const worker = s.children.worker!;
    worker.fail(); // t=0
    await s.time.advance(5000);
    worker.fail(); // t=5000
    await s.time.advance(6000);
    worker.fail(); // t=11000: the one at 0 left the window
    await s.time.advance(100);
    assert.equal(s.gaveUp.length, 0);
    assert.equal(worker.starts, 4);
    worker.fail(); // t=11100: three within 10 s
    await settle();
    assert.equal(s.gaveUp.length, 1);
    assert.match(s.gaveUp[0]!.message, /failure-rate \(at most 2 failures per 10000 ms, 100 ms apart\): 3 failures within 10000 ms/);
  });

  test("a failure during the first start is not retried: the others stop, start() rejects with the cause's code and the child named", async () => {
    const s = setup(['source', 'workers', 'sinks'], 'one_for_all');
    s.children.workers!.failStarts = 1;
    s.children.workers!.startError = new SluiceError(ErrorCode.STATE_DIR_LOCKED, 'state directory ./data is in use by process 42');
    await assert.rejects(s.supervisor.start(), (err: SluiceError) => {
      assert.equal(err.code, ErrorCode.STATE_DIR_LOCKED);
      assert.equal(
        err.message,
        'workers failed at start-up: state directory ./data is in use by process 42 (a failure at start-up is not retried)',
      );
      assert.deepEqual(err.details.path, ['workers']);
      return true;
    });
    assert.deepEqual(s.log, ['start source', 'start workers', 'stop source']);
    assert.deepEqual(s.time.pending, [], 'no restart planned');
    await s.time.advance(100_000);
    assert.equal(s.children.workers!.starts, 1);
    assert.equal(s.gaveUp.length, 0);
    await assert.rejects(s.supervisor.exited, /workers failed at start-up/);
  });

  test('a start-up failure without a code of its own is STARTUP_FAILED', async () => {
    const s = setup(['source'], 'one_for_one');
    s.children.source!.failStarts = 1;
    await assert.rejects(
      s.supervisor.start(),
      (err: SluiceError) => err.code === ErrorCode.STARTUP_FAILED && /^source failed at start-up: cannot connect/.test(err.message),
    );
  });

  test('a child that fails while later children are still starting is a start-up failure too', async () => {
    const log: string[] = [];
    const source = new FakeChild('source', log);
    const time = new ManualTime();
    const supervisor = new Supervisor({
      id: 'job',
      mode: 'one_for_all',
      strategy: fixedDelay(5, 1000),
      clock: time,
      scheduler: time,
      children: [
        source.spec,
        {
          id: 'workers',
          start: async () => {
            source.fail(new Error('lost the broker'));
            await settle();
            return { exited: new Promise<void>(() => {}), stop: async () => void log.push('stop workers') };
          },
        },
      ],
    });
    await assert.rejects(
      supervisor.start(),
      (err: SluiceError) => err.code === ErrorCode.STARTUP_FAILED && /^source failed at start-up: lost the broker/.test(err.message),
    );
    assert.deepEqual(log, ['start source', 'stop workers']);
  });

  test('a failure while restarting is one more failure for the strategy, not a start-up failure', async () => {
    const s = setup(['worker'], 'one_for_one', fixedDelay(3, 1000));
    await s.supervisor.start();
    const worker = s.children.worker!;
    worker.failStarts = 2;
    worker.fail();
    await s.time.advance(1000); // restart 1: start fails
    await s.time.advance(1000); // restart 2: start fails
    assert.equal(s.gaveUp.length, 0);
    await s.time.advance(1000); // restart 3: runs
    assert.equal(worker.starts, 4);
    assert.equal(worker.running, true);
    assert.deepEqual(s.supervisor.stats(), { state: 'running', failures: 3, restarts: 3, children: { worker: 'running' } });
  });

  test('one_for_all: any child failing stops all (reverse order) and restarts all (in order), done ones included', async () => {
    const s = setup(['source', 'workers', 'sinks'], 'one_for_all');
    await s.supervisor.start();
    s.children.source!.finish(); // e.g. a bounded source reached its end
    await settle();
    s.children.workers!.stopLooksLikeFailure = true; // a terminated thread: not a failure when stopped on purpose
    s.children.sinks!.fail();
    await settle();
    assert.deepEqual(s.log.slice(3), ['stop workers']);
    assert.deepEqual(
      s.restarts.map((r) => r.restarting),
      [['source', 'workers', 'sinks']],
    );
    await s.time.advance(1000);
    assert.deepEqual(s.log.slice(4), ['start source', 'start workers', 'start sinks']);
    assert.equal(s.supervisor.stats().failures, 1, 'the worker stopped on purpose did not count');
  });

  test('rest_for_one: the failed child and those after it restart', async () => {
    const s = setup(['source', 'workers', 'sinks'], 'rest_for_one');
    await s.supervisor.start();
    s.children.workers!.fail();
    await s.time.advance(1000);
    assert.deepEqual(s.log.slice(3), ['stop sinks', 'start workers', 'start sinks']);
  });

  test('a supervision tree: a child supervisor restarts its own children; when it gives up, the parent restarts the whole job', async () => {
    const time = new ManualTime();
    const log: string[] = [];
    const source = new FakeChild('source', log);
    const w0 = new FakeChild('w0', log);
    const w1 = new FakeChild('w1', log);
    const sinks = new FakeChild('sinks', log);
    const gaveUp: SluiceError[] = [];
    const job = new Supervisor({
      id: 'job',
      mode: 'one_for_all',
      strategy: fixedDelay(5, 10_000),
      clock: time,
      scheduler: time,
      onGiveUp: (e) => gaveUp.push(e),
      children: [
        source.spec,
        supervisorSpec({
          id: 'workers',
          mode: 'one_for_one',
          strategy: fixedDelay(1, 100),
          clock: time,
          scheduler: time,
          children: [w0.spec, w1.spec],
        }),
        sinks.spec,
      ],
    });
    await job.start();
    assert.deepEqual(log.splice(0), ['start source', 'start w0', 'start w1', 'start sinks']);
    w1.fail();
    await time.advance(100);
    assert.deepEqual(log.splice(0), ['start w1'], 'the workers supervisor restarted w1 alone');
    w1.fail(); // a second failure: the workers supervisor gives up, the job restarts
    await settle();
    assert.deepEqual(log.splice(0), ['stop w0', 'stop sinks', 'stop source']);
    assert.deepEqual(job.stats().children, { source: 'waiting', workers: 'waiting', sinks: 'waiting' });
    await time.advance(10_000);
    assert.deepEqual(log.splice(0), ['start source', 'start w0', 'start w1', 'start sinks']);
    w1.fail();
    await time.advance(100);
    assert.deepEqual(log.splice(0), ['start w1'], 'a fresh workers supervisor: a fresh history');
    assert.equal(gaveUp.length, 0);
    await job.stop();
    assert.deepEqual(log.splice(0), ['stop sinks', 'stop w1', 'stop w0', 'stop source']);
  });

  test('a start-up failure deep in the tree names the path and is not retried anywhere', async () => {
    const time = new ManualTime();
    const log: string[] = [];
    const w1 = new FakeChild('w1', log);
    w1.failStarts = 1;
    w1.startError = new SluiceError(ErrorCode.WORKER_FAILED, 'worker w1 exceeded its resource limits');
    const job = new Supervisor({
      id: 'job',
      mode: 'one_for_all',
      strategy: fixedDelay(5, 10_000),
      clock: time,
      scheduler: time,
      children: [
        supervisorSpec({
          id: 'workers',
          mode: 'one_for_one',
          strategy: fixedDelay(5, 100),
          clock: time,
          scheduler: time,
          children: [new FakeChild('w0', log).spec, w1.spec],
        }),
      ],
    });
    await assert.rejects(job.start(), (err: SluiceError) => {
      assert.equal(err.code, ErrorCode.WORKER_FAILED);
      assert.equal(
        err.message,
        'workers > w1 failed at start-up: worker w1 exceeded its resource limits (a failure at start-up is not retried)',
      );
      return true;
    });
    assert.deepEqual(log, ['start w0', 'start w1', 'stop w0']);
    assert.deepEqual(time.pending, []);
  });

  test('stop during the backoff: the pending restart is cancelled, nothing starts again', async () => {
    const s = setup(['source', 'workers'], 'one_for_all');
    await s.supervisor.start();
    s.children.workers!.fail();
    await settle();
    assert.deepEqual(s.time.pending, [1000]);
    await s.time.advance(500);
    await s.supervisor.stop();
    assert.deepEqual(s.time.pending, []);
    await s.time.advance(100_000);
    assert.deepEqual(s.log, ['start source', 'start workers', 'stop source']);
    await s.supervisor.exited;
    assert.deepEqual(s.supervisor.stats().children, { source: 'stopped', workers: 'stopped' });
  });

  test('transient children that finish are done (not restarted); when all are done the supervisor is done', async () => {
    const s = setup(['a', 'b'], 'one_for_one');
    await s.supervisor.start();
    s.children.a!.finish();
    await s.time.advance(10_000);
    assert.equal(s.children.a!.starts, 1);
    let done = false;
    void s.supervisor.exited.then(() => (done = true));
    await settle();
    assert.equal(done, false);
    s.children.b!.finish();
    await settle();
    assert.equal(done, true);
    assert.equal(s.supervisor.stats().state, 'stopped');
  });

  test('a permanent child that exits cleanly has failed', async () => {
    const time = new ManualTime();
    const log: string[] = [];
    const sinks = new FakeChild('sinks', log, 'permanent');
    const supervisor = new Supervisor({
      id: 'job',
      mode: 'one_for_one',
      strategy: fixedDelay(0, 0),
      clock: time,
      scheduler: time,
      children: [sinks.spec],
    });
    await supervisor.start();
    sinks.finish();
    await assert.rejects(supervisor.exited, /sinks exited, but it is permanent/);
  });

  test('two children with one id are refused', () => {
    const log: string[] = [];
    const time = new ManualTime();
    assert.throws(
      () =>
        new Supervisor({
          id: 'job',
          mode: 'one_for_one',
          strategy: fixedDelay(1, 1),
          clock: time,
          scheduler: time,
          children: [new FakeChild('a', log).spec, new FakeChild('a', log).spec],
        }),
      /two children are called a/,
    );
  });
});
