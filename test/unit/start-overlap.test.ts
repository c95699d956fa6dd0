/**
 * The start's two slow parts overlap: the sinks start (Elasticsearch's index, Redis's connection)
 * while the source opens (Kafka's topic checks, fencing, offsets). Neither part's failure counts
 * until both have settled, so a failed start leaves nothing starting behind it. In-process on
 * manual time (test/helpers/runtime-driver.ts), real window workers.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { clickstreamJob, type ClickCountResult } from '../../src/job/clickstream.js';
import type { SourceOpening } from '../../src/streams/sources/connector.js';
import { deferred } from '../helpers/deferred.js';
import { ManualTime } from '../helpers/manual-time.js';
import { MemoryBroker, MemoryResults, RuntimeDriver } from '../helpers/runtime-driver.js';

const BASE = Date.UTC(2026, 10, 25, 10, 0, 0);
/** A start that does not overlap waits forever in these tests: they fail on this bound instead. */
const BOUNDED = { timeout: 30_000 };
const drivers: Array<{ removeState(): void }> = [];
after(() => {
  for (const d of drivers) d.removeState();
});

/** A results sink whose start the test holds, logging when it began and ended. */
class HeldSink extends MemoryResults<ClickCountResult> {
  readonly started = deferred();
  readonly release = deferred();

  constructor(
    private readonly log: string[],
    private readonly startError?: Error,
  ) {
    super();
  }

  override async start(): Promise<void> {
    this.log.push('sink start begun');
    this.started.resolve();
    await this.release.promise;
    this.log.push('sink start ended');
    if (this.startError) throw this.startError;
  }
}

/** A results sink whose setup goes on after its start (an index being created) until the test says. */
class SettingUpSink extends MemoryResults<ClickCountResult> {
  readonly asked = deferred();
  readonly setUp = deferred();

  ready(): Promise<void> {
    this.asked.resolve();
    return this.setUp.promise;
  }
}

function driverWith(open: (opening: SourceOpening) => Promise<SourceOpening>, sink: HeldSink) {
  const driver = new RuntimeDriver(clickstreamJob, {
    broker: new MemoryBroker(2),
    time: new ManualTime(BASE),
    results: sink,
    sinks: [sink],
    open,
  });
  drivers.push(driver);
  return driver;
}

describe('the start', () => {
  test('the sinks start while the source is still opening', BOUNDED, async () => {
    const log: string[] = [];
    const sink = new HeldSink(log);
    const driver = driverWith(async (opening) => {
      log.push('open begun');
      // Kafka's open waits here until the sink's start has begun: a start that runs them in turn
      // never gets there (and the test times out).
      await sink.started.promise;
      log.push('open saw the sink starting');
      sink.release.resolve();
      return opening;
    }, sink);
    await driver.start();
    assert.deepEqual(log, ['open begun', 'sink start begun', 'open saw the sink starting', 'sink start ended']);
    await driver.stop();
  });

  test("a failed open is reported once the sinks' start has settled, not while it is still running", BOUNDED, async () => {
    const log: string[] = [];
    const sink = new HeldSink(log);
    const driver = driverWith(async () => {
      await sink.started.promise;
      log.push('open failed');
      // The sink's start ends only after the open has failed (a later turn of the event loop).
      setImmediate(() => sink.release.resolve());
      throw new Error('KAFKA_TOPIC_MISSING: input topic does not exist');
    }, sink);
    await assert.rejects(
      driver.start().finally(() => log.push('start rejected')),
      /input topic does not exist/,
    );
    assert.deepEqual(log, ['sink start begun', 'open failed', 'sink start ended', 'start rejected']);
  });

  test("a sink that fails to start fails the start, after the source's open has settled", BOUNDED, async () => {
    const log: string[] = [];
    const sink = new HeldSink(log, new Error('Elasticsearch at http://127.0.0.1:1 is unreachable'));
    const opened = deferred();
    const driver = driverWith(async (opening) => {
      sink.release.resolve();
      await opened.promise;
      log.push('open ended');
      return opening;
    }, sink);
    const started = driver.start().finally(() => log.push('start rejected'));
    await sink.started.promise;
    setImmediate(() => opened.resolve());
    await assert.rejects(started, /is unreachable/);
    assert.deepEqual(log, ['sink start begun', 'sink start ended', 'open ended', 'start rejected']);
  });

  test(
    "a sink's setup left going on (its index being created) overlaps the first batches; the start is done once it is",
    BOUNDED,
    async () => {
      const sink = new SettingUpSink();
      const broker = new MemoryBroker(2);
      for (let i = 0; i < 40; i++) broker.produce(i % 2, { userId: `user-${i % 5}`, eventType: 'click', timestamp: BASE + i * 1_000 });
      const driver = new RuntimeDriver(clickstreamJob, { broker, time: new ManualTime(BASE), results: sink, sinks: [sink] });
      drivers.push(driver);
      let done = false;
      const starting = driver.start().then(() => {
        done = true;
      });
      // The start asks for the sink's setup only once the source is consuming.
      await sink.asked.promise;
      assert.equal(await driver.deliver(), 40, 'records go through while the sink is still being set up');
      assert.equal(done, false, 'the start is not done while the sink is still being set up');
      sink.setUp.resolve();
      await starting;
      await driver.stop();
    },
  );

  test("a sink whose setup fails after its start fails the start with that error (not retried: a start's failure)", BOUNDED, async () => {
    const sink = new SettingUpSink();
    const driver = new RuntimeDriver(clickstreamJob, {
      broker: new MemoryBroker(2),
      time: new ManualTime(BASE),
      results: sink,
      sinks: [sink],
    });
    drivers.push(driver);
    const starting = driver.start();
    await sink.asked.promise;
    sink.setUp.reject(new Error('cannot create Elasticsearch index "clicks": illegal_argument_exception'));
    await assert.rejects(starting, /cannot create Elasticsearch index/);
  });

  test(
    "side-output topics refused after the source started consuming fail the start with that error (not retried: a start's failure)",
    BOUNDED,
    async () => {
      const asked = deferred();
      const topics = deferred();
      const broker = new MemoryBroker(2);
      for (let i = 0; i < 10; i++) broker.produce(i % 2, { userId: `user-${i % 5}`, eventType: 'click', timestamp: BASE + i * 1_000 });
      const driver = new RuntimeDriver(clickstreamJob, {
        broker,
        time: new ManualTime(BASE),
        results: new MemoryResults<ClickCountResult>(),
        sourceReady: () => {
          asked.resolve();
          return topics.promise;
        },
      });
      drivers.push(driver);
      const starting = driver.start();
      await asked.promise;
      assert.equal(await driver.deliver(), 10, 'records go through while the topics are being created');
      topics.reject(new Error('cannot create the dead-letter/late topics: "clicks_dlq": INVALID_TOPIC_EXCEPTION'));
      await assert.rejects(starting, /INVALID_TOPIC_EXCEPTION/);
    },
  );
});
