import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import type { PipelineStats } from '../../src/streams/runtime/pipeline.js';
import type { DeadLetter, ResultSink } from '../../src/streams/sinks/sink.js';
import { DaemonTelemetry, type DaemonStateName } from '../../src/telemetry/daemon-telemetry.js';
import { silentLogger } from '../../src/telemetry/logging.js';
import { METRIC_NAMES } from '../../src/telemetry/metrics.js';
import { formatStatusReport, parsePrometheusText, type Sample } from '../../src/telemetry/status-command.js';
import { carrierFromHeaders, tracingRequested, WindowTraceIndex } from '../../src/telemetry/tracing.js';
import { freePort } from '../helpers/ports.js';

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

const STATS: PipelineStats = {
  recordsIn: 0,
  eventsCounted: 0,
  deadLetters: 0,
  lateEvents: 0,
  redelivered: 0,
  resultsOut: 0,
  watermark: Number.NEGATIVE_INFINITY,
  openWindows: 0,
};

function setup(env: Record<string, string> = {}, port = 0) {
  let state: DaemonStateName = 'created';
  let stats: PipelineStats | undefined;
  let now = 1_800_000_000_000;
  const config = loadConfig({ SLUICE_METRICS_PORT: String(port), ...env });
  const telemetry = new DaemonTelemetry({
    config,
    logger: silentLogger,
    state: () => state,
    stats: () => stats,
    now: () => now,
    defaultMetrics: false,
  });
  return {
    telemetry,
    setState: (s: DaemonStateName) => (state = s),
    setStats: (s: PipelineStats) => (stats = s),
    tick: (ms: number) => (now += ms),
    scrape: async () => parsePrometheusText(await telemetry.metrics.exposition()),
  };
}

describe('daemon telemetry', () => {
  test('readiness: not ready until running with partitions assigned; health fails only on failure', async () => {
    const t = setup({ SLUICE_KAFKA_BROKERS: '127.0.0.1:9092' });
    const handler = t.telemetry.instrumentControl({ onAssign: (_p: number[]) => undefined, onRevoke: (_p: number[]) => undefined });
    assert.equal(t.telemetry.readiness().ok, false);
    t.setState('starting');
    assert.match(t.telemetry.readiness().detail, /restoring/);
    t.setState('running');
    assert.equal(t.telemetry.readiness().ok, false);
    assert.match(t.telemetry.readiness().detail, /no partitions assigned/);
    handler.onAssign([0, 1, 2]);
    assert.equal(t.telemetry.readiness().ok, true);
    assert.equal(value(await t.scrape(), METRIC_NAMES.ready), 1);
    t.setState('stopping');
    assert.equal(t.telemetry.readiness().ok, false);
    assert.equal(t.telemetry.health().ok, true);
    t.setState('failed');
    assert.equal(t.telemetry.health().ok, false);
    await t.telemetry.close();
  });

  test('through a supervised restart: the probes say the job failed and when it restarts, counters go on from where they were', async () => {
    const t = setup({ SLUICE_KAFKA_BROKERS: '127.0.0.1:9092' });
    t.setState('running');
    t.setStats({ ...STATS, recordsIn: 700, resultsOut: 40 });
    assert.equal(value(await t.scrape(), METRIC_NAMES.recordsIn), 700);
    t.setState('failed');
    t.telemetry.jobRestarting(Object.assign(new Error('no fetch for 30 s'), { code: 'KAFKA_CONSUMER_STALLED' }), 10_000);
    t.tick(4_000);
    const health = t.telemetry.health();
    assert.equal(health.ok, false);
    assert.match(
      health.detail,
      /the job failed \(KAFKA_CONSUMER_STALLED: no fetch for 30 s\); restarting it from its last checkpoint in 6000 ms/,
    );
    assert.equal(t.telemetry.readiness().ok, false);
    // The new start of the job: its own totals count on top of the previous start's.
    let state: DaemonStateName = 'starting';
    let stats: PipelineStats = { ...STATS, recordsIn: 5, resultsOut: 1 };
    t.telemetry.attach({
      state: () => state,
      stats: () => stats,
      source: () => ({ state: 'reconnecting', since: 0, lastError: 'Connection refused' }),
    });
    assert.equal(t.telemetry.health().ok, true);
    const samples = await t.scrape();
    assert.equal(value(samples, METRIC_NAMES.recordsIn), 705, 'counters never go back');
    state = 'running';
    stats = { ...stats, recordsIn: 9 };
    assert.match(t.telemetry.readiness().detail, /the Kafka consumer is reconnecting .*Connection refused/);
    assert.equal(value(await t.scrape(), METRIC_NAMES.recordsIn), 709);
  });

  test('pipeline totals, watermark lag and checkpoint age come from the daemon at scrape time', async () => {
    const t = setup({ SLUICE_KAFKA_BROKERS: '127.0.0.1:9092' });
    let s = await t.scrape();
    assert.ok(Number.isNaN(value(s, METRIC_NAMES.watermarkLag)), 'no watermark yet');
    t.setStats({ ...STATS, recordsIn: 500, resultsOut: 7, openWindows: 30, watermark: 1_800_000_000_000 - 65_000 });
    t.tick(10_000);
    s = await t.scrape();
    assert.equal(value(s, METRIC_NAMES.recordsIn), 500);
    assert.equal(value(s, METRIC_NAMES.resultsOut), 7);
    assert.equal(value(s, METRIC_NAMES.openWindows), 30);
    assert.equal(value(s, METRIC_NAMES.watermarkLag), 75);
    assert.equal(value(s, METRIC_NAMES.checkpointAge), 10, 'since start-up before the first checkpoint');

    t.telemetry.checkpointCompleted(120, 392);
    t.tick(3_000);
    t.telemetry.checkpointFailed('TIMEOUT');
    s = await t.scrape();
    assert.equal(value(s, METRIC_NAMES.checkpointsCompleted), 1);
    assert.equal(value(s, METRIC_NAMES.checkpointFailures, { code: 'TIMEOUT' }), 1);
    assert.equal(value(s, METRIC_NAMES.checkpointSize), 392);
    assert.equal(value(s, METRIC_NAMES.checkpointAge), 3, 'since the last completed one');
    assert.equal(value(s, `${METRIC_NAMES.checkpointDuration}_count`), 1);
    assert.equal(value(s, `${METRIC_NAMES.checkpointDuration}_sum`), 0.12);
    await t.telemetry.close();
  });

  test('without Kafka there is no checkpoint age to alert on', async () => {
    const t = setup();
    assert.equal(value(await t.scrape(), METRIC_NAMES.checkpointAge), undefined);
    await t.telemetry.close();
  });

  test('time waiting on sinks is backpressure (overlapping waits counted once); dead letters by code, late apart', async () => {
    const t = setup();
    let release!: () => void;
    const slow: ResultSink<number> & { stats(): unknown } = {
      name: 'slow',
      start: async () => undefined,
      write: () => new Promise<void>((r) => (release = r)),
      flush: async () => undefined,
      close: async () => undefined,
      stats: () => ({ buffered: 6, inFlight: 4, written: 10, acknowledged: 0, retries: 2, capacity: 10 }),
    };
    const sink = t.telemetry.instrumentSink(slow);
    const letters = t.telemetry.instrumentDeadLetters({
      name: 'dl',
      start: async () => undefined,
      send: () => new Promise<void>((r) => setTimeout(r, 60)),
      flush: async () => undefined,
      close: async () => undefined,
    });
    const letter = (code: string) => ({ code }) as unknown as DeadLetter;
    const writing = sink.write([1, 2, 3]);
    const sending = letters.send([letter('MALFORMED_JSON'), letter('MALFORMED_JSON'), letter('LATE_EVENT'), letter('SINK_REJECTED')]);
    await new Promise((r) => setTimeout(r, 120));
    release();
    await Promise.all([writing, sending]);
    const s = await t.scrape();
    const busy = value(s, METRIC_NAMES.backpressure) ?? 0;
    const slowWait = value(s, METRIC_NAMES.sinkWriteWait, { sink: 'slow' }) ?? 0;
    const dlWait = value(s, METRIC_NAMES.sinkWriteWait, { sink: 'dead-letters' }) ?? 0;
    assert.ok(busy >= slowWait - 0.005 && busy < slowWait + dlWait, `union of waits: busy ${busy}, slow ${slowWait}, dl ${dlWait}`);
    assert.equal(value(s, METRIC_NAMES.deadLetters, { code: 'MALFORMED_JSON' }), 2);
    assert.equal(value(s, METRIC_NAMES.deadLetters, { code: 'SINK_REJECTED' }), 1);
    assert.equal(value(s, METRIC_NAMES.deadLetters, { code: 'LATE_EVENT' }), undefined);
    assert.equal(value(s, METRIC_NAMES.lateEvents), 1);
    assert.equal(value(s, METRIC_NAMES.sinkResults, { sink: 'slow' }), 3);
    assert.equal(value(s, METRIC_NAMES.sinkBufferFill, { sink: 'slow' }), 1);
    assert.equal(value(s, METRIC_NAMES.sinkRetries, { sink: 'slow' }), 2);
    assert.equal(typeof (sink as unknown as { stats?: unknown }).stats, 'function', 'the wrapped sink keeps its stats');
    await t.telemetry.close();
  });

  test('window fire latency is observed per fired window once the sinks accepted the results', async () => {
    const t = setup();
    const scope = t.telemetry.pipeline.fired(
      2,
      () => [
        { key: 'a', window: { start: 0, end: 60_000 } },
        { key: 'b', window: { start: 0, end: 60_000 } },
      ],
      60_000,
    );
    await scope.run(() => new Promise((r) => setTimeout(r, 30)));
    const s = await t.scrape();
    assert.equal(value(s, `${METRIC_NAMES.windowFireLatency}_count`), 2);
    assert.ok((value(s, `${METRIC_NAMES.windowFireLatency}_sum`) ?? 0) >= 0.05);
    assert.equal(value(s, METRIC_NAMES.windowsFired), 2);
    await t.telemetry.close();
  });

  test('the endpoint serves /metrics, /healthz, /readyz on 127.0.0.1 and refuses a busy port clearly', async () => {
    const port = await freePort();
    const t = setup({}, port);
    await t.telemetry.start();
    const get = (path: string) => fetch(`http://127.0.0.1:${port}${path}`);
    let res = await get('/readyz');
    assert.equal(res.status, 503);
    assert.match(await res.text(), /^not ok: created/);
    t.setState('running');
    t.telemetry.instrumentControl({ onAssign: (_p: number[]) => undefined, onRevoke: (_p: number[]) => undefined }).onAssign([0]);
    res = await get('/readyz');
    assert.equal(res.status, 200);
    assert.match(await res.text(), /^ok: the built-in generator is running/);
    res = await get('/healthz');
    assert.equal(res.status, 200);
    res = await get('/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    assert.match(await res.text(), /^sluice_ready 1$/m);
    assert.equal((await get('/nope')).status, 404);
    assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'POST' })).status, 405);

    const clash = setup({}, port);
    await assert.rejects(
      clash.telemetry.start(),
      (err: Error & { code?: string }) => err.code === 'METRICS_SERVER_FAILED' && /in use/.test(err.message),
    );
    await clash.telemetry.close();
    await t.telemetry.close();
  });
});

describe('tracing helpers', () => {
  test('tracing is off unless OTEL_* asks for it', () => {
    assert.equal(tracingRequested({}), false);
    assert.equal(tracingRequested({ OTEL_SERVICE_NAME: 'x' }), false);
    assert.equal(tracingRequested({ OTEL_TRACES_EXPORTER: 'none' }), false);
    assert.equal(tracingRequested({ OTEL_TRACES_EXPORTER: 'otlp' }), true);
    assert.equal(tracingRequested({ OTEL_TRACES_EXPORTER: 'console,otlp' }), true);
    assert.equal(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }), true);
    assert.equal(tracingRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }), true);
    assert.equal(tracingRequested({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'true' }), false);
  });

  test('a trace carrier comes from Kafka headers (Buffers or strings) and is two strings', () => {
    const tp = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    assert.deepEqual(carrierFromHeaders({ traceparent: Buffer.from(tp) }), { traceparent: tp });
    assert.deepEqual(carrierFromHeaders({ traceparent: tp, tracestate: Buffer.from('k=v') }), { traceparent: tp, tracestate: 'k=v' });
    assert.equal(carrierFromHeaders({ other: 'x' }), undefined);
    assert.equal(carrierFromHeaders(undefined), undefined);
    assert.deepEqual(structuredClone(carrierFromHeaders({ traceparent: tp })), { traceparent: tp });
  });

  test('the window trace index is bounded and keeps only sampled, valid contexts', () => {
    const index = new WindowTraceIndex(2, 3);
    const tp = (n: number, flags = '01') => ({
      traceparent: `00-${n.toString(16).padStart(32, '0')}-${n.toString(16).padStart(16, '0')}-${flags}`,
    });
    index.add(tp(1), 'a', 0);
    index.add(tp(2), 'a', 0);
    index.add(tp(3), 'a', 0); // third for the window: dropped
    index.add(tp(4, '00'), 'b', 0); // not sampled: not kept
    index.add({ traceparent: 'garbage' }, 'c', 0);
    index.add(tp(5), 'b', 60_000);
    index.add(tp(6), 'c', 60_000);
    index.add(tp(7), 'd', 60_000); // fourth window: over the bound
    assert.equal(index.windows, 3);
    assert.equal(index.dropped, 2);
    assert.deepEqual(
      index.take('a', 0).map((sc) => sc.spanId),
      [tp(1).traceparent.split('-')[2], tp(2).traceparent.split('-')[2]],
    );
    assert.deepEqual(index.take('a', 0), []);
    index.forgetBefore(60_001);
    assert.equal(index.windows, 0);
  });
});

describe('sluice status', () => {
  test('a person reads events/s, watermark, windows, last checkpoint, lag and backpressure at a glance', () => {
    const metrics = (records: number, backpressure: number) =>
      parsePrometheusText(`
sluice_daemon_state{state="running"} 1
sluice_daemon_state{state="stopping"} 0
sluice_records_in_total ${records}
sluice_results_out_total 10
sluice_dead_letters_total{code="MALFORMED_JSON"} 3
sluice_late_events_total 1
sluice_watermark_seconds 1795600362
sluice_watermark_lag_seconds 41
sluice_open_windows 50
sluice_windows_fired_total 12
sluice_checkpoints_completed_total 4
sluice_checkpoint_failures_total{code="KAFKA_COMMIT_FAILED"} 0
sluice_checkpoint_age_seconds 12
sluice_checkpoint_size_bytes 300
sluice_checkpoint_duration_seconds_sum 0.2
sluice_checkpoint_duration_seconds_count 4
sluice_kafka_consumer_lag{topic="t",partition="1"} 30
sluice_kafka_consumer_lag{topic="t",partition="0"} 70
sluice_backpressure_seconds_total ${backpressure}
sluice_sink_results_total{sink="elasticsearch"} 10
sluice_sink_buffered{sink="elasticsearch"} 5
sluice_sink_in_flight{sink="elasticsearch"} 0
sluice_sink_capacity{sink="elasticsearch"} 10000
sluice_sink_retries_total{sink="elasticsearch"} 2
`);
    const text = formatStatusReport(
      metrics(1000, 1),
      metrics(3000, 1.5),
      2,
      { ok: true, detail: 'consuming 2 partition(s)' },
      'http://127.0.0.1:9464',
    );
    assert.match(text, /state +running, ready: consuming 2 partition\(s\)/);
    assert.match(text, /1,000 events\/s in/);
    assert.match(text, /watermark +2026-11-25T09:52:42Z \(41\.0 s behind the clock\)/);
    assert.match(text, /windows +50 open/);
    assert.match(text, /checkpoint +last completed 12 s ago, 4 completed \(avg 50 ms\), 0 failed/);
    assert.match(text, /consumer lag 100 records \(p0 70, p1 30\)/);
    assert.match(text, /backpressure 25% of the last 2\.0 s/);
    assert.match(text, /elasticsearch 0 items\/s, buffer 5\/10,000, 2 retries/);
  });
});
