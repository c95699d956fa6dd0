/**
 * Property: for any stream (out of order, bad records, late events, allowed lateness or not) and any
 * interleaving of partition batches, window actors on 1, 2 or 4 worker threads write exactly what
 * the single-threaded reference writes, and each key's results come in the same order.
 */
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type TransferListItem, Worker } from 'node:worker_threads';
import type { ToWorker } from '../../src/actors/protocol.js';
import { parsingWorkers, POST_AT_EVENTS, WorkerKeyedStage } from '../../src/actors/worker-stage.js';
import { clickstreamJob, type ClickCountResult } from '../../src/job/clickstream.js';
import type { JobDefinition } from '../../src/job/job.js';
import type { KeyedStage, PrintedResults, ResultsCallback } from '../../src/streams/operators/keyed-stage.js';
import { LocalKeyedStage } from '../../src/streams/operators/local-stage.js';
import { WindowPipeline } from '../../src/streams/runtime/pipeline.js';
import type { DeadLetter, DeadLetterSink, ResultSink } from '../../src/streams/sinks/sink.js';
import { printLines } from '../../src/streams/sinks/stdout.js';
import type { SourceBatch } from '../../src/streams/sources/source.js';
import { InMemoryWindowStore } from '../../src/streams/operators/windows.js';
import { silentLogger } from '../../src/telemetry/logging.js';

const MIN = 60_000;
const BASE = Date.UTC(2026, 10, 25, 8, 0, 0);
const NOW = BASE + 6 * 3_600_000;
const PARTITIONS = 3;
const job = clickstreamJob as unknown as JobDefinition<unknown, unknown, ClickCountResult>;

const recordArb = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.record({
      user: fc.oneof(
        fc.integer({ min: 0, max: 12 }).map((n) => `u${n}`),
        fc.constantFrom('__proto__', 'constructor', 'ü-straße', '用户😀'),
      ),
      type: fc.constantFrom('view', 'click', 'add_to_cart', '__proto__', 'ünï'),
      step: fc.integer({ min: 0, max: 40_000 }),
      jitter: fc.integer({ min: 0, max: 90_000 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant('bad' as const) },
);
const streamArb = fc.record({
  partitions: fc.array(fc.array(recordArb, { maxLength: 60 }), { minLength: PARTITIONS, maxLength: PARTITIONS }),
  batchSizes: fc.array(fc.integer({ min: 1, max: 15 }), { minLength: 1, maxLength: 10 }),
  order: fc.array(fc.nat(), { maxLength: 40 }),
  allowedLatenessMs: fc.constantFrom(0, 30_000),
});
type Stream = typeof streamArb extends fc.Arbitrary<infer T> ? T : never;

/** Turn a generated stream into a schedule of source batches (the same for every run). */
function schedule(stream: Stream): SourceBatch[] {
  const perPartition = stream.partitions.map((records, partition) => {
    let t = BASE;
    const values = records.map((r, offset) => {
      if (r === 'bad') return { offset: String(offset), value: Buffer.from('{not json'), key: null, timestamp: String(NOW) };
      t += r.step;
      const timestamp = Math.max(BASE, t - r.jitter);
      return {
        offset: String(offset),
        value: Buffer.from(JSON.stringify({ userId: r.user, eventType: r.type, timestamp })),
        key: null,
        timestamp: String(NOW),
      };
    });
    const batches: SourceBatch[] = [];
    let i = 0;
    let b = 0;
    while (i < values.length) {
      const size = stream.batchSizes[b++ % stream.batchSizes.length] as number;
      batches.push({ topic: 'in', partition, records: values.slice(i, i + size) });
      i += size;
    }
    return batches;
  });
  const out: SourceBatch[] = [];
  let k = 0;
  while (perPartition.some((q) => q.length > 0)) {
    const nonEmpty = perPartition.filter((q) => q.length > 0);
    const pick = nonEmpty[(stream.order[k++ % Math.max(1, stream.order.length)] ?? 0) % nonEmpty.length] as SourceBatch[];
    out.push(pick.shift() as SourceBatch);
  }
  return out;
}

class Collect implements ResultSink<ClickCountResult>, DeadLetterSink {
  readonly name = 'collect';
  readonly results: ClickCountResult[] = [];
  readonly letters: string[] = [];
  /** The lines of results printed on the workers (`printResults`), as the stdout sink gets them. */
  readonly printed: string[] = [];
  async start() {}
  async writePrinted(printed: PrintedResults) {
    const lines = printed.lines.split('\n');
    assert.equal(lines.pop(), '', 'every printed line ends in a newline');
    assert.equal(lines.length, printed.count, 'the count is the number of lines');
    this.printed.push(...lines);
  }
  async write(results: readonly ClickCountResult[]) {
    for (const r of results) this.results.push({ ...r, byEventType: { ...r.byEventType } });
  }
  async send(letters: readonly DeadLetter[]) {
    for (const l of letters) this.letters.push(`${l.topic}/${l.code}/${l.source.partition}/${l.source.offset}`);
  }
  async flush() {}
  async close() {}
}

async function run(
  batches: SourceBatch[],
  allowedLatenessMs: number,
  stage: (onResults: ResultsCallback<ClickCountResult>) => KeyedStage<unknown>,
  parseOn: 'main' | 'workers' = 'main',
) {
  const out = new Collect();
  const pipeline = new WindowPipeline({
    parseOn,
    job,
    windows: { sizeMs: MIN, outOfOrdernessMs: 5000, allowedLatenessMs, idleTimeoutMs: 0 },
    topics: { dlq: 'dlq', late: 'late' },
    sinks: [out],
    deadLetters: out,
    now: () => NOW,
    logger: silentLogger,
    keyedStage: stage,
  });
  await pipeline.start();
  pipeline.assign([0, 1, 2]);
  try {
    for (const batch of batches) await pipeline.processBatch(batch);
    await pipeline.finish();
    await pipeline.flush();
  } finally {
    await pipeline.stop();
  }
  return out;
}

/** The single-threaded reference run: what every worker run must write. */
function referenceRun(batches: SourceBatch[], windows: { sizeMs: number; allowedLatenessMs: number }) {
  return run(
    batches,
    windows.allowedLatenessMs,
    (onResults) => new LocalKeyedStage(windows, job.aggregate, new InMemoryWindowStore(), onResults),
  );
}

/** What a property over random streams gets for each stream: its batches, windows, the reference run, and fresh state dirs. */
interface StreamCase {
  stream: Stream;
  batches: SourceBatch[];
  windows: { sizeMs: number; allowedLatenessMs: number };
  reference: Collect;
  /** A new state directory for one worker run (all removed when the property ends). */
  stateDir: () => string;
}

/** Check `body` on `numRuns` random streams, each with the single-threaded reference run. */
async function forEachStream(numRuns: number, body: (c: StreamCase) => Promise<void>): Promise<void> {
  const stateRoot = mkdtempSync(join(tmpdir(), 'sluice-prop-'));
  let runs = 0;
  try {
    await fc.assert(
      fc.asyncProperty(streamArb, async (stream) => {
        const batches = schedule(stream);
        const windows = { sizeMs: MIN, allowedLatenessMs: stream.allowedLatenessMs };
        const reference = await referenceRun(batches, windows);
        await body({ stream, batches, windows, reference, stateDir: () => join(stateRoot, `run-${runs++}`) });
      }),
      { numRuns },
    );
  } finally {
    rmSync(stateRoot, { recursive: true, force: true });
  }
}

/** Each key's printed lines in order (workers interleave keys; a key's results keep their order). */
const linesByKey = (lines: string[]) => {
  const m = new Map<string, string[]>();
  for (const line of lines) {
    const userId = (JSON.parse(line) as ClickCountResult).userId;
    m.set(userId, [...(m.get(userId) ?? []), line]);
  }
  return m;
};

/** What the stdout sink prints of result objects, line by line. */
const printedOf = (results: ClickCountResult[]) => printLines(results).split('\n').slice(0, -1);

const byKey = (results: ClickCountResult[]) => {
  const m = new Map<string, string[]>();
  for (const r of results) m.set(r.userId, [...(m.get(r.userId) ?? []), JSON.stringify(r)]);
  return m;
};

/** A stage of window workers as these tests use it (the inbox's credit in events; bytes to spare). */
function workerStage(o: {
  workers: number;
  windows: { sizeMs: number; allowedLatenessMs: number };
  stateDir: string;
  inboxEvents: number;
  onResults: ResultsCallback<ClickCountResult>;
  onFailure?: (err: unknown) => void;
  printResults?: boolean;
}): WorkerKeyedStage<unknown, ClickCountResult> {
  return new WorkerKeyedStage({
    ...(o.printResults ? { printResults: true } : {}),
    workers: o.workers,
    job: job.name,
    windows: o.windows,
    stateDir: o.stateDir,
    inbox: { events: o.inboxEvents, bytes: 1 << 20 },
    onResults: o.onResults,
    onFailure: o.onFailure ?? (() => undefined),
    logger: silentLogger,
  });
}

/** `seen` gets every message posted to any worker (`this`: the worker) until the returned function puts postMessage back. */
function spyOnPosts(seen: (this: Worker, message: ToWorker) => void): () => void {
  const original = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (this: Worker, message: ToWorker, transfer?: readonly TransferListItem[]) {
    seen.call(this, message);
    return original.call(this, message, transfer);
  } as typeof original;
  return () => {
    Worker.prototype.postMessage = original;
  };
}

test('1, 2 and 4 window workers write what the single-threaded reference writes', { timeout: 240_000 }, async () => {
  await forEachStream(15, async ({ stream, batches, windows, reference, stateDir }) => {
    for (const workers of [1, 2, 4]) {
      const actual = await run(batches, stream.allowedLatenessMs, (onResults) =>
        workerStage({ workers, windows, stateDir: stateDir(), inboxEvents: 7, onResults }),
      );
      assert.deepEqual(actual.letters, reference.letters, `dead letters with ${workers} workers`);
      assert.deepEqual(byKey(actual.results), byKey(reference.results), `results with ${workers} workers`);
      assert.equal(actual.results.length, reference.results.length);
    }
  });
});

test('with the parse on the workers (and here when every worker is behind and the workers print), 1 and 2 workers write what the reference writes', {
  timeout: 240_000,
}, async () => {
  let parsedHere = 0;
  await forEachStream(10, async ({ stream, batches, windows, reference, stateDir }) => {
    for (const workers of [1, 2]) {
      for (const printResults of [false, true]) {
        let stage: WorkerKeyedStage<unknown, ClickCountResult> | undefined;
        const actual = await run(
          batches,
          stream.allowedLatenessMs,
          (onResults) => {
            stage = workerStage({ workers, windows, stateDir: stateDir(), inboxEvents: 7, onResults, printResults });
            return stage;
          },
          'workers',
        );
        const what = `${workers} workers${printResults ? ', printing' : ''}`;
        assert.deepEqual(actual.letters, reference.letters, `dead letters with ${what}`);
        if (printResults) {
          parsedHere += stage?.parsedHere ?? 0;
          assert.deepEqual(linesByKey(actual.printed), linesByKey(printedOf(reference.results)), `printed with ${what}`);
        } else {
          // Feeding Elasticsearch or Redis, the main thread never parses.
          assert.equal(stage?.parsedHere, 0, `parsed on the main thread with ${what}`);
          assert.deepEqual(byKey(actual.results), byKey(reference.results), `results with ${what}`);
          assert.equal(actual.results.length, reference.results.length);
        }
      }
    }
  });
  // Batches come faster than a worker parses them here: some were parsed on this thread.
  assert.ok(parsedHere > 0, 'no batch was parsed on the main thread');
});

test('of two window workers that print, only the first parses (the main thread parses when it is behind); both count their keys', async () => {
  const stream = fc.sample(streamArb, { seed: 11, numRuns: 1 })[0] as Stream;
  const batches = schedule(stream);
  const windows = { sizeMs: MIN, allowedLatenessMs: stream.allowedLatenessMs };
  const reference = await referenceRun(batches, windows);
  const stateDir = mkdtempSync(join(tmpdir(), 'sluice-parsers-'));
  // Which thread got which message types.
  const posted = new Map<number, Set<string>>();
  const restore = spyOnPosts(function (this: Worker, message: ToWorker) {
    const types = posted.get(this.threadId) ?? new Set<string>();
    types.add(message.type === 'steps' ? 'step' : message.type);
    posted.set(this.threadId, types);
  });
  try {
    const actual = await run(
      batches,
      stream.allowedLatenessMs,
      (onResults) => workerStage({ workers: 2, windows, stateDir, inboxEvents: 7, onResults, printResults: true }),
      'workers',
    );
    assert.deepEqual(linesByKey(actual.printed), linesByKey(printedOf(reference.results)));
    const parsing = [...posted.values()].filter((types) => types.has('parse'));
    const counting = [...posted.values()].filter((types) => types.has('step'));
    assert.equal(parsing.length, 1, 'one worker parses');
    assert.equal(counting.length, 2, 'both workers count');
  } finally {
    restore();
    rmSync(stateDir, { recursive: true, force: true });
  }
  assert.equal(parsingWorkers(1), 1);
  assert.equal(parsingWorkers(2), 1);
  assert.equal(parsingWorkers(4), 3);
});

test('window workers that print their results print, key by key, the lines stdout prints of the reference results', {
  timeout: 240_000,
}, async () => {
  await forEachStream(10, async ({ stream, batches, windows, reference, stateDir }) => {
    // What the stdout sink prints of the reference's result objects.
    const expected = printedOf(reference.results);
    for (const workers of [1, 2]) {
      const actual = await run(batches, stream.allowedLatenessMs, (onResults) =>
        workerStage({ workers, windows, stateDir: stateDir(), inboxEvents: 7, onResults, printResults: true }),
      );
      assert.equal(actual.results.length, 0, 'no result objects reach the sinks');
      assert.deepEqual(linesByKey(actual.printed), linesByKey(expected), `printed lines with ${workers} workers`);
      assert.equal(actual.printed.length, expected.length);
      assert.deepEqual(actual.letters, reference.letters, `dead letters with ${workers} workers`);
    }
  });
});

test('the steps of batches processed in one turn of the event loop reach a worker in one message, applied as if each came alone', async () => {
  const stream = fc.sample(streamArb, { seed: 7, numRuns: 1 })[0] as Stream;
  stream.partitions = stream.partitions.map((_, p) =>
    Array.from({ length: 40 }, (_, i) => ({
      user: `u${(i * 7 + p) % 13}`,
      type: 'view',
      step: 2_000 + 500 * p,
      jitter: (i * 3_001) % 9_000,
    })),
  );
  stream.batchSizes = [2, 3];
  const batches = schedule(stream);
  const windows = { sizeMs: MIN, allowedLatenessMs: 0 };
  const reference = await referenceRun(batches, windows);
  const stateDir = mkdtempSync(join(tmpdir(), 'sluice-steps-'));
  // What the stage posts, by message type.
  const posted = new Map<string, number>();
  const stepsPerMessage: number[] = [];
  const restore = spyOnPosts((message) => {
    posted.set(message.type, (posted.get(message.type) ?? 0) + 1);
    if (message.type === 'steps') stepsPerMessage.push(message.steps.length);
  });
  try {
    const actual = await run(batches, 0, (onResults) => workerStage({ workers: 2, windows, stateDir, inboxEvents: 1_000, onResults }));
    assert.deepEqual(byKey(actual.results), byKey(reference.results));
    assert.equal(actual.results.length, reference.results.length);
  } finally {
    restore();
    rmSync(stateDir, { recursive: true, force: true });
  }
  // `run` awaits each batch in turn, and nothing in between waits for the event loop: with credit
  // to spare, every worker's steps go in one message.
  assert.ok((posted.get('steps') ?? 0) >= 2, `posted: ${JSON.stringify([...posted])}`);
  assert.equal(posted.get('step') ?? 0, 0, `posted: ${JSON.stringify([...posted])}`);
  assert.ok(Math.max(...stepsPerMessage) > 10, `steps per message: ${stepsPerMessage.join(', ')}`);
});

test('a step waits for the end of the turn unless it holds POST_AT_EVENTS events: then it goes at once, with what waited', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'sluice-steps-'));
  const posted: string[] = [];
  const restore = spyOnPosts((message) => {
    const steps = message.type === 'steps' ? message.steps : message.type === 'step' ? [message] : [];
    if (steps.length > 0) posted.push(steps.map((s) => s.credit.events).join('+'));
  });
  const stage = workerStage({
    workers: 1,
    windows: { sizeMs: MIN, allowedLatenessMs: 0 },
    stateDir,
    inboxEvents: 1_000_000,
    onResults: async () => undefined,
    onFailure: (err) => assert.fail(err as Error),
  });
  const step = (n: number) => ({
    events: Array.from({ length: n }, (_, i) => ({
      key: `u${i % 50}`,
      timestamp: BASE + i,
      event: { userId: `u${i % 50}`, eventType: 'view', timestamp: BASE + i },
    })),
    watermarkBefore: BASE - 1,
    watermarkAfter: BASE - 1,
    nowMs: NOW,
  });
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  try {
    await stage.start();
    await stage.process(step(3));
    await stage.process(step(4));
    assert.deepEqual(posted, [], 'small steps wait for the end of the turn');
    await turn();
    assert.deepEqual(posted, ['3+4'], 'and then go in one message');
    await stage.process(step(5));
    await stage.process(step(POST_AT_EVENTS));
    assert.deepEqual(posted, ['3+4', `5+${POST_AT_EVENTS}`], 'a large step goes at once, after what waited');
    await turn();
    assert.equal(posted.length, 2, 'nothing was left behind');
  } finally {
    restore();
    await stage.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
});
