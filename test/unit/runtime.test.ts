/**
 * The whole runtime, in-process, on manual time (test/helpers/runtime-driver.ts): checkpoint,
 * restore, restart and lateness wiring, with an in-memory source whose side outputs commit with
 * checkpoints as Kafka's transactions do. Every assertion compares with results computed here,
 * independently, from what was produced.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { clickstreamJob, type ClickCountResult } from '../../src/job/clickstream.js';
import { superviseJob } from '../../src/supervision/job-supervisor.js';
import { silentLogger } from '../../src/telemetry/logging.js';
import { ManualTime, settle } from '../helpers/manual-time.js';
import { MemoryBroker, MemoryResults, RuntimeDriver } from '../helpers/runtime-driver.js';

const MINUTE = 60_000;
const BASE = Date.UTC(2026, 10, 25, 10, 0, 0);
const cleanups: Array<() => void> = [];
after(() => {
  for (const c of cleanups) c();
});

interface Click {
  userId: string;
  eventType: string;
  timestamp: number;
}

/** Deterministic clicks over `minutes` of event time, in order within each partition. */
function clicks(partition: number, n: number, minutes: number): Click[] {
  return Array.from({ length: n }, (_, i) => ({
    userId: `user-${(i * 7 + partition) % 13}`,
    eventType: ['view', 'click', 'purchase'][i % 3] as string,
    timestamp: BASE + Math.floor((i * minutes * MINUTE) / n),
  }));
}

/** What a failure-free run writes last for each (user, window): computed with plain loops. */
function expectedCounts(events: Click[]): Map<string, { count: number; byEventType: Record<string, number> }> {
  const out = new Map<string, { count: number; byEventType: Record<string, number> }>();
  for (const e of events) {
    const start = e.timestamp - (e.timestamp % MINUTE);
    const key = `${e.userId}:${start}`;
    const cur = out.get(key) ?? { count: 0, byEventType: {} };
    cur.count++;
    cur.byEventType[e.eventType] = (cur.byEventType[e.eventType] ?? 0) + 1;
    out.set(key, cur);
  }
  return out;
}

/** The last result written per (user, window), as Elasticsearch (version = count) would keep it. */
function lastWritten(results: readonly ClickCountResult[]): Map<string, { count: number; byEventType: Record<string, number> }> {
  const out = new Map<string, { count: number; byEventType: Record<string, number> }>();
  for (const r of results) {
    const key = `${r.userId}:${r.windowStart}`;
    const prev = out.get(key);
    if (!prev || r.count >= prev.count) out.set(key, { count: r.count, byEventType: { ...r.byEventType } });
  }
  return out;
}

/** Wait for something another thread does (a worker exits, LMDB closes): event-loop turns, bounded; never a timed assertion. */
async function until(check: () => boolean, maxMs = 15_000): Promise<boolean> {
  for (const deadline = Date.now() + maxMs; Date.now() < deadline; await settle(1)) if (check()) return true;
  return check();
}

function setup() {
  const broker = new MemoryBroker(2);
  const time = new ManualTime(BASE + 2 * 60 * MINUTE);
  const results = new MemoryResults<ClickCountResult>();
  return { broker, time, results };
}

async function startDriver(env: ReturnType<typeof setup>, stateDir?: string, extra: { workerExitAfterSteps?: number } = {}) {
  const driver = new RuntimeDriver(clickstreamJob, { ...env, ...(stateDir ? { stateDir } : {}), ...extra });
  if (!stateDir) cleanups.push(() => driver.removeState());
  return driver.start();
}

describe('the runtime, in-process on manual time', () => {
  test('crash after a checkpoint, restart on the same state: every window exact, every dead letter and late event once', async () => {
    const env = setup();
    const { broker } = env;
    const first = [...clicks(0, 300, 4), ...clicks(1, 300, 4)];
    for (const c of clicks(0, 300, 4)) broker.produce(0, c);
    for (const c of clicks(1, 300, 4)) broker.produce(1, c);
    broker.produceRaw(0, '{"userId":"u","eventType":'); // malformed: a dead letter
    broker.produce(1, { userId: 'user-1', eventType: 'view', timestamp: 'yesterday' });

    const a = await startDriver(env);
    assert.equal(await a.deliver(), 602);
    const committed = await a.untilCheckpointAbove(0);
    // More input after the checkpoint, read but never checkpointed: the crash loses it, the replay re-reads it.
    const later = [...clicks(0, 200, 8).slice(100), ...clicks(1, 200, 8).slice(100)];
    for (const c of clicks(0, 200, 8).slice(100)) broker.produce(0, c);
    for (const c of clicks(1, 200, 8).slice(100)) broker.produce(1, c);
    broker.produceRaw(1, 'not json');
    // Late: behind the watermark (both partitions are past minute 7 by now).
    broker.produce(0, { userId: 'late-user', eventType: 'click', timestamp: BASE + 30_000 });
    await a.deliver();
    await a.crash();
    assert.equal(broker.committedCheckpoint, committed, 'nothing committed after the crash');
    assert.equal(broker.committedLetters.length, 2, 'only the letters before the checkpoint are visible');

    const b = await startDriver(env, a.stateDir);
    await b.deliver();
    // Trailing events push the watermark past every window of the input.
    const trailing = { userId: 'trailing', eventType: 'view', timestamp: BASE + 20 * MINUTE };
    broker.produce(0, trailing);
    broker.produce(1, trailing);
    await b.deliver();
    await b.untilCheckpointAbove(committed);
    await b.stop();

    const expected = expectedCounts([...first, ...later]);
    const written = lastWritten(env.results.written);
    for (const [key, want] of expected) assert.deepEqual(written.get(key), want, key);
    assert.equal([...written.keys()].filter((k) => !expected.has(k) && !k.startsWith('trailing:')).length, 0, 'no other window');
    const codes = broker.committedLetters.map((l) => l.code).sort();
    assert.deepEqual(
      codes,
      ['BAD_TIMESTAMP', 'LATE_EVENT', 'MALFORMED_JSON', 'MALFORMED_JSON'],
      'each bad record and late event exactly once',
    );
  });

  test("a checkpoint whose side-output commit fails does not count: after a crash the previous one is restored, and the replay's letters appear once", async () => {
    const env = setup();
    const { broker } = env;
    for (const c of clicks(0, 100, 2)) broker.produce(0, c);
    for (const c of clicks(1, 100, 2)) broker.produce(1, c);
    const a = await startDriver(env);
    await a.deliver();
    const good = await a.untilCheckpointAbove(0);
    broker.produceRaw(0, '{');
    await a.deliver();
    // The broker goes away: the next checkpoint's record is written, its commit fails.
    broker.failCommits = true;
    await a.advance(5_000);
    await settle(20);
    assert.equal(broker.committedCheckpoint, good, 'no commit went through');
    await a.crash();
    broker.failCommits = false;

    const b = await startDriver(env, a.stateDir);
    await b.deliver();
    await b.untilCheckpointAbove(good);
    await b.stop();
    assert.deepEqual(
      broker.committedLetters.map((l) => `${l.code}@${l.source.partition}:${l.source.offset}`),
      ['MALFORMED_JSON@0:100'],
      'the bad record once: its uncommitted checkpoint was not restored, so the replay wrote it again',
    );
  });

  test('a crashed worker: the supervisor restarts the job in-process after the restart delay, from the last checkpoint, exactly', async () => {
    const env = setup();
    const { broker, time } = env;
    const events = [...clicks(0, 400, 5), ...clicks(1, 400, 5)];
    for (const c of clicks(0, 400, 5)) broker.produce(0, c);
    for (const c of clicks(1, 400, 5)) broker.produce(1, c);
    let driver: RuntimeDriver<unknown, unknown, ClickCountResult> | undefined;
    let stateDir: string | undefined;
    const config = new RuntimeDriver(clickstreamJob, { ...env, stateDir: '/nonexistent' }).config;
    const supervised = superviseJob({
      config: { ...config, restart: { strategy: 'fixed-delay', attempts: 2, delayMs: 3_000, maxDelayMs: 3_000, intervalMs: 60_000 } },
      logger: silentLogger,
      clock: time,
      scheduler: time,
      makeJob: (attempt) => {
        // The first start's workers crash after a few steps; the restart's do not.
        driver = new RuntimeDriver(clickstreamJob as never, {
          ...env,
          ...(stateDir ? { stateDir } : {}),
          ...(attempt === 0 ? { workerExitAfterSteps: 6 } : {}),
        });
        stateDir ??= driver.stateDir;
        return driver.runtime;
      },
    });
    cleanups.push(() => driver?.removeState());
    await supervised.supervisor.start();
    const firstRun = driver as RuntimeDriver<unknown, unknown, ClickCountResult>;
    await firstRun.deliver();
    // The worker thread exits on its own thread: wait for the job to notice, and for the supervisor to plan the restart.
    assert.ok(await until(() => firstRun.runtime.state === 'failed'), 'the worker crash fails the job');
    const failedAt = time.now();
    assert.ok(await until(() => time.pending.includes(failedAt + 3_000)), 'a restart planned after the 3 s delay');
    await time.advance(2_999);
    assert.equal(driver, firstRun, 'nothing restarts before the delay');
    await time.advance(1);
    assert.ok(await until(() => driver !== firstRun && driver?.runtime.state === 'running'), 'a new start of the job, running');
    const second = driver as RuntimeDriver<unknown, unknown, ClickCountResult>;
    await second.deliver();
    const trailing = { userId: 'trailing', eventType: 'view', timestamp: BASE + 20 * MINUTE };
    broker.produce(0, trailing);
    broker.produce(1, trailing);
    await second.deliver();
    await second.untilCheckpointAbove(broker.committedCheckpoint ?? 0);
    await supervised.supervisor.stop();
    const expected = expectedCounts(events);
    const written = lastWritten(env.results.written);
    for (const [key, want] of expected) assert.deepEqual(written.get(key), want, key);
  });
});
