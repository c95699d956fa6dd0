import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { mergeSnapshots, METRIC_NAMES, SluiceMetrics } from '../../src/telemetry/metrics.js';
import { parsePrometheusText, type Sample } from '../../src/telemetry/status-command.js';

const made: SluiceMetrics[] = [];
function metrics(thread: string): SluiceMetrics {
  const m = new SluiceMetrics({ thread });
  made.push(m);
  return m;
}
after(() => made.forEach((m) => m.close()));

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

describe('metrics registry', () => {
  test('worker snapshots merge into the main endpoint: counters and histograms summed, per-thread gauges side by side', async () => {
    const main = metrics('main');
    const w1 = metrics('worker-1');
    const w2 = metrics('worker-2');
    main.recordsIn.inc(10);
    w1.eventsCounted.inc(100);
    w2.eventsCounted.inc(50);
    w1.deadLetters.inc({ code: 'MALFORMED_JSON' }, 3);
    w2.deadLetters.inc({ code: 'MALFORMED_JSON' }, 4);
    w2.deadLetters.inc({ code: 'BAD_TIMESTAMP' }, 1);
    w1.openWindows.set(7);
    w2.openWindows.set(5);
    w1.windowFireLatency.observe(0.003);
    w2.windowFireLatency.observe(0.2);
    w2.windowFireLatency.observe(0.2);
    // A worker's value for a main-only metric must never reach the endpoint.
    w1.ready.set(1);
    w1.watermark.set(123);
    main.ready.set(0);
    main.watermark.set(456);

    main.mergeThread('1', structuredClone(await w1.snapshot()));
    main.mergeThread('2', structuredClone(await w2.snapshot()));
    const text = await main.exposition();
    const s = parsePrometheusText(text);
    assert.equal(value(s, METRIC_NAMES.recordsIn), 10);
    assert.equal(value(s, METRIC_NAMES.eventsCounted), 150);
    assert.equal(value(s, METRIC_NAMES.deadLetters, { code: 'MALFORMED_JSON' }), 7);
    assert.equal(value(s, METRIC_NAMES.deadLetters, { code: 'BAD_TIMESTAMP' }), 1);
    assert.equal(value(s, METRIC_NAMES.openWindows), 12);
    assert.equal(value(s, `${METRIC_NAMES.windowFireLatency}_count`), 3);
    assert.equal(value(s, `${METRIC_NAMES.windowFireLatency}_bucket`, { le: '0.005' }), 1);
    assert.equal(value(s, `${METRIC_NAMES.windowFireLatency}_bucket`, { le: '0.25' }), 3);
    assert.equal(value(s, METRIC_NAMES.ready), 0);
    assert.equal(value(s, METRIC_NAMES.watermark), 456);
    for (const thread of ['main', 'worker-1', 'worker-2']) {
      assert.ok(value(s, METRIC_NAMES.heapUsed, { thread }) !== undefined, `heap of ${thread}`);
      assert.ok(value(s, METRIC_NAMES.eventLoopDelay, { thread, stat: 'p99' }) !== undefined, `event loop of ${thread}`);
    }
    // Every family is announced once.
    const types = text.split('\n').filter((l) => l.startsWith(`# TYPE ${METRIC_NAMES.eventsCounted} `));
    assert.deepEqual(types, [`# TYPE ${METRIC_NAMES.eventsCounted} counter`]);
  });

  test('a newer snapshot of a thread replaces its previous one', async () => {
    const main = metrics('main');
    const w = metrics('worker-1');
    w.eventsCounted.inc(5);
    main.mergeThread('1', await w.snapshot());
    w.eventsCounted.inc(5);
    main.mergeThread('1', await w.snapshot());
    assert.equal(value(parsePrometheusText(await main.exposition()), METRIC_NAMES.eventsCounted), 10);
  });

  test('a retired (crashed) worker keeps its counts, loses its gauges; its replacement counts on top', async () => {
    const main = metrics('main');
    const old = metrics('worker-1');
    old.eventsCounted.inc(40);
    old.sinkRetries.inc({ sink: 'elasticsearch' }, 2);
    old.openWindows.set(9);
    old.batchDuration.observe(0.01);
    main.mergeThread('1', await old.snapshot());
    main.retireThread('1');
    let s = parsePrometheusText(await main.exposition());
    assert.equal(value(s, METRIC_NAMES.eventsCounted), 40);
    assert.equal(value(s, METRIC_NAMES.openWindows), 0, 'the dead worker held no windows any more');
    assert.equal(value(s, `${METRIC_NAMES.batchDuration}_count`), 1);
    assert.equal(value(s, METRIC_NAMES.heapUsed, { thread: 'worker-1' }), undefined);

    const replacement = metrics('worker-1');
    replacement.eventsCounted.inc(3);
    replacement.openWindows.set(2);
    main.mergeThread('1b', await replacement.snapshot());
    main.workerRestarts.inc();
    s = parsePrometheusText(await main.exposition());
    assert.equal(value(s, METRIC_NAMES.eventsCounted), 43, 'the total never goes back');
    assert.equal(value(s, METRIC_NAMES.sinkRetries, { sink: 'elasticsearch' }), 2);
    assert.equal(value(s, METRIC_NAMES.openWindows), 2);
    assert.equal(value(s, METRIC_NAMES.workerRestarts), 1);
  });

  test('mergeSnapshots is a pure function of snapshots', async () => {
    const a = metrics('a');
    const b = metrics('b');
    a.resultsOut.inc(2);
    b.resultsOut.inc(3);
    const merged = mergeSnapshots([await a.snapshot(), await b.snapshot()]);
    const results = merged.find((m) => m.name === METRIC_NAMES.resultsOut);
    assert.equal(results?.values[0]?.value, 5);
    assert.deepEqual(mergeSnapshots([[], []]), []);
  });

  test('a counter set from a running total never decreases, even when the total restarts', async () => {
    const m = metrics('main');
    m.setTotal(m.recordsIn, 10);
    m.setTotal(m.recordsIn, 25);
    m.setTotal(m.recordsIn, 4); // the owner was rebuilt: 4 new records
    m.setTotal(m.recordsIn, 6);
    assert.equal(value(parsePrometheusText(await m.exposition()), METRIC_NAMES.recordsIn), 31);
  });

  test('daemon state is one-hot', async () => {
    const m = metrics('main');
    m.setState('running');
    const s = parsePrometheusText(await m.exposition()).filter((x) => x.name === METRIC_NAMES.daemonState);
    assert.equal(s.length, 6);
    assert.deepEqual(
      s.filter((x) => x.value === 1).map((x) => x.labels.state),
      ['running'],
    );
  });
});
