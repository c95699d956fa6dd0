/**
 * Results printed where they are made (stdout the only sink): when the daemon asks the window
 * workers to print, and that the stdout sink prints such text exactly as it prints result objects.
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { clickstreamJob } from '../../src/job/clickstream.js';
import type { JobDefinition } from '../../src/job/job.js';
import { printsOnly } from '../../src/streams/runtime/assemble.js';
import { JsonLinesSink, printLines } from '../../src/streams/sinks/stdout.js';

const job = clickstreamJob as unknown as JobDefinition<unknown, unknown, unknown>;
const es = loadConfig({ SLUICE_ES_NODE: 'http://127.0.0.1:9200' }).elasticsearch;
const redis = loadConfig({ SLUICE_REDIS_URL: 'redis://127.0.0.1:6379' }).redis;

describe('printsOnly: the workers print when stdout is the only sink', () => {
  test('the built-in job with neither store configured prints; with either it does not', () => {
    assert.equal(printsOnly({ elasticsearch: undefined, redis: undefined }, job), true);
    assert.equal(printsOnly({ elasticsearch: es, redis: undefined }, job), false);
    assert.equal(printsOnly({ elasticsearch: undefined, redis }, job), false);
  });

  test("a job file's outputs decide: a store it does not write to does not count", () => {
    const stdoutOnly = { ...job, outputs: { elasticsearch: false, redis: false, stdout: true } };
    assert.equal(printsOnly({ elasticsearch: es, redis }, stdoutOnly), true);
    const esAndStdout = { ...job, outputs: { elasticsearch: true, redis: false, stdout: true } };
    assert.equal(printsOnly({ elasticsearch: es, redis }, esAndStdout), false);
  });

  test('a job with several aggregations keeps result objects (its sinks pick their own)', () => {
    const several = { ...job, aggregations: [], aggregationOf: { event: () => [], result: () => 0 } } as unknown as JobDefinition<
      unknown,
      unknown,
      unknown
    >;
    assert.equal(printsOnly({ elasticsearch: undefined, redis: undefined }, several), false);
  });
});

describe('JsonLinesSink', () => {
  const results = [
    { userId: 'ü-straße', windowStart: 0, windowEnd: 60_000, count: 2, byEventType: { click: 1, view: 1 } },
    { userId: '__proto__', windowStart: 60_000, windowEnd: 120_000, count: 1, byEventType: { 'line\nbreak': 1 } },
  ];
  const printedBy = async (write: (sink: JsonLinesSink<(typeof results)[number]>) => Promise<void>) => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString('utf8')));
    const sink = new JsonLinesSink<(typeof results)[number]>(out, (r) => ({ ...r, printed: true }));
    await write(sink);
    await sink.close();
    return text;
  };

  test('prints one JSON line per result, of its document', async () => {
    const text = await printedBy((sink) => sink.write(results));
    assert.deepEqual(text.split('\n'), [...results.map((r) => JSON.stringify({ ...r, printed: true })), '']);
  });

  test('prints lines made elsewhere by printLines exactly as it prints the results themselves', async () => {
    const fromObjects = await printedBy((sink) => sink.write(results));
    const lines = printLines(results, (r) => ({ ...r, printed: true }));
    const fromLines = await printedBy((sink) => sink.writePrinted({ lines, count: results.length }));
    assert.equal(fromLines, fromObjects);
  });
});
