/**
 * Property tests of sliding and session windows against an independent model.
 *
 * The model (`WindowModel` below) is written from the documented semantics with plain loops and
 * lists, sharing no code with src/: per-partition watermarks (max event time - out-of-orderness -
 * 1, combined as the minimum over the partitions, never going back), every record of a batch judged
 * against the watermark before the batch; sliding windows enumerated by brute force, session
 * windows merged inclusively (touching windows merge), firing at end - 1, re-firing at once within
 * the allowed lateness, purged and late beyond it; documents recomputed from the events; dead
 * letters with the job file's codes. The job is a job file (YAML, compiled as the daemon compiles
 * it) whose aggregates identify a window's content: count, sum/min/max/distinct count of a unique
 * per-event number (a duplicate or lost event shows), distinct count and count per value of a string.
 *
 * A. For random job files (sliding: size a multiple of the slide or not; sessions: random gaps;
 *    random allowed lateness and out-of-orderness), random streams over 3 partitions (out of order,
 *    late, filtered and bad records), random batch sizes and interleavings of the partitions'
 *    batches: the WindowPipeline with the single-threaded LocalKeyedStage and with WorkerKeyedStage
 *    on 1, 2 and 4 worker threads (LMDB state) writes, for every key, exactly the model's firings
 *    in the model's order, and exactly the model's dead letters and late events (in order, except
 *    sessions' late events across keys: see pipelineProperty).
 * B. The whole runtime (test/helpers/runtime-driver.ts: real workers, checkpoints, restore) with a
 *    compiled sliding or session job on 1, 2 or 4 workers: deliver phase 1, checkpoint, deliver
 *    phase 2, crash, restart on the same state directory, deliver, trailing events, checkpoint,
 *    stop. After the restore the job writes, per key, exactly the model's firings after the
 *    checkpoint, in order; what Elasticsearch keeps per document id (the highest version) and the
 *    committed dead letters and late events (each exactly once) equal the model's over the same
 *    batches. A run of the same input without the crash writes, per key, exactly the model's firings.
 *
 * Besides random streams, each property runs hand-made ones first (exact boundaries, a late event
 * joining a live session, re-firing, restored sessions: see `examplePartitions`), and most random
 * streams keep times on a coarse grid so that boundaries are hit.
 */
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { WorkerKeyedStage } from '../../src/actors/worker-stage.js';
import { compileJob, type CompiledAccumulator, type CompiledEvent, type CompiledResult } from '../../src/job/compile.js';
import type { JobDefinition, JobSource } from '../../src/job/job.js';
import { parseJobFile } from '../../src/job/job-file.js';
import type { JobSpec } from '../../src/job/job-spec.js';
import type { KeyedStage, ResultsCallback } from '../../src/streams/operators/keyed-stage.js';
import { LocalKeyedStage } from '../../src/streams/operators/local-stage.js';
import { InMemoryWindowStore } from '../../src/streams/operators/windows.js';
import { WindowPipeline } from '../../src/streams/runtime/pipeline.js';
import type { DeadLetter, DeadLetterSink, ResultSink } from '../../src/streams/sinks/sink.js';
import type { SourceBatch } from '../../src/streams/sources/source.js';
import { silentLogger } from '../../src/telemetry/logging.js';
import { ManualTime } from '../helpers/manual-time.js';
import { MemoryBroker, MemoryResults, RuntimeDriver } from '../helpers/runtime-driver.js';
import { assertWrittenBeforeCrash } from '../helpers/restore-checks.js';

const BASE = Date.UTC(2026, 10, 25, 8, 0, 0);
const NOW = BASE + 3_600_000;
const PARTITIONS = [0, 1, 2];
const USERS = ['u0', 'u1', 'u2', 'u3', '__proto__', 'ü-straße'];
const KINDS = ['a', 'b', 'c', '__proto__', 'ü'];
const TRAILING_USER = 'zz-trailing';

type Job = JobDefinition<CompiledEvent, CompiledAccumulator, CompiledResult>;

// ---------------------------------------------------------------------------------------------
// Streams

type WindowParams = { type: 'sliding'; sizeMs: number; slideMs: number } | { type: 'session'; gapMs: number };
type BadHow = 'json' | 'array' | 'no-user' | 'bad-seq' | 'no-time' | 'bad-time';

/** What a test generates for one record; its event time is the partition's clock minus `jitter`. */
type GenRecord =
  | { type: 'event'; user: string; kind: string; step: number; jitter: number }
  | { type: 'filtered'; step: number }
  | { type: 'bad'; how: BadHow };

/** A record as the model sees it (and as it is written to the input). */
type ModelRecord =
  | { type: 'event'; user: string; kind: string; seq: number; ts: number }
  | { type: 'filtered'; ts: number }
  | { type: 'bad'; code: string; value: string };

interface Produced {
  offset: number;
  record: ModelRecord;
  value: Buffer;
}

const slidingArb: fc.Arbitrary<WindowParams> = fc
  .record({
    slideMs: fc.noBias(fc.integer({ min: 100, max: 2000 })),
    factor: fc.integer({ min: 1, max: 4 }),
    extra: fc.noBias(fc.nat(1999)),
    aligned: fc.boolean(),
  })
  .map(({ slideMs, factor, extra, aligned }) => ({
    type: 'sliding' as const,
    slideMs,
    sizeMs: slideMs * factor + (aligned ? 0 : extra % slideMs),
  }));
const sessionArb: fc.Arbitrary<WindowParams> = fc
  .noBias(fc.integer({ min: 100, max: 4000 }))
  .map((gapMs) => ({ type: 'session' as const, gapMs }));

const recordArb: fc.Arbitrary<GenRecord> = fc.oneof(
  {
    weight: 24,
    arbitrary: fc.record({
      type: fc.constant('event' as const),
      user: fc.oneof(
        { weight: 5, arbitrary: fc.constantFrom('u0', 'u1', 'u2', 'u3') },
        { weight: 1, arbitrary: fc.constantFrom(...USERS) },
      ),
      kind: fc.constantFrom(...KINDS),
      step: fc.oneof(
        { weight: 4, arbitrary: fc.noBias(fc.integer({ min: 0, max: 1500 })) },
        { weight: 1, arbitrary: fc.noBias(fc.nat(8000)) },
      ),
      jitter: fc.oneof(
        { weight: 2, arbitrary: fc.constant(0) },
        { weight: 2, arbitrary: fc.noBias(fc.integer({ min: 0, max: 8000 })) },
        { weight: 1, arbitrary: fc.noBias(fc.integer({ min: 0, max: 40_000 })) },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('filtered' as const), step: fc.integer({ min: 0, max: 1500 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('bad' as const),
      how: fc.constantFrom<BadHow>('json', 'array', 'no-user', 'bad-seq', 'no-time', 'bad-time'),
    }),
  },
);

const paramsArb = (window: fc.Arbitrary<WindowParams>) =>
  fc.record({
    window,
    allowedLatenessMs: fc.oneof(fc.constant(0), fc.noBias(fc.integer({ min: 1, max: 12_000 }))),
    outOfOrdernessMs: fc.noBias(fc.integer({ min: 0, max: 3000 })),
  });
type Params = typeof paramsArb extends (w: fc.Arbitrary<WindowParams>) => fc.Arbitrary<infer T> ? T : never;

/**
 * Times on a grid (most streams): with every duration and time step a multiple of 250 or 1000 ms,
 * equalities (a window's end - 1 just reached by the watermark, end - 1 + lateness exactly equal to
 * it, a session's event exactly `gap` after another) come up often; on the 1 ms grid, almost never.
 */
const grainArb = fc.constantFrom(1, 250, 1000, 1000);
const snap = (ms: number, grain: number, min = 0) => Math.max(min, Math.round(ms / grain) * grain);

function paramsOnGrid(params: Params, grain: number): Params {
  const w = params.window;
  let window: WindowParams;
  if (w.type === 'sliding') {
    const slideMs = snap(w.slideMs, grain, grain);
    window = { type: 'sliding', slideMs, sizeMs: Math.max(slideMs, snap(w.sizeMs, grain)) };
  } else {
    window = { type: 'session', gapMs: snap(w.gapMs, grain, grain) };
  }
  return { window, allowedLatenessMs: snap(params.allowedLatenessMs, grain), outOfOrdernessMs: snap(params.outOfOrdernessMs, grain) };
}

function recordsOnGrid(records: readonly GenRecord[], grain: number): GenRecord[] {
  return records.map((r) => {
    if (r.type === 'bad') return r;
    if (r.type === 'filtered') return { ...r, step: snap(r.step, grain) };
    return { ...r, step: snap(r.step, grain), jitter: snap(r.jitter, grain) };
  });
}

/** The job file under test: its windows and watermark settings from `params`, aggregates that identify a window's content. */
function jobYaml(params: Params): string {
  const w = params.window;
  const window =
    w.type === 'sliding'
      ? `{ type: sliding, size: ${w.sizeMs}, slide: ${w.slideMs}, allowedLateness: ${params.allowedLatenessMs} }`
      : `{ type: session, gap: ${w.gapMs}, allowedLateness: ${params.allowedLatenessMs} }`;
  return [
    'name: windows-property',
    'input:',
    '  topic: prop-in',
    '  deadLetterTopic: dlq',
    '  lateTopic: late',
    '  fields:',
    '    user: { type: string, maxBytes: 64 }',
    '    seq: { type: integer }',
    '    kind: { type: string, maxBytes: 16 }',
    '    ts: { type: timestamp, missingCode: NO_TIME }',
    '  eventTime: ts',
    `  outOfOrderness: ${params.outOfOrdernessMs}`,
    '  idleTimeout: 0',
    '  filters:',
    `    - { field: kind, in: [${KINDS.map((k) => JSON.stringify(k)).join(', ')}] }`,
    'key: user',
    `window: ${window}`,
    'aggregates:',
    '  events: { type: count }',
    '  total: { type: sum, field: seq }',
    '  first: { type: min, field: seq }',
    '  last: { type: max, field: seq }',
    '  seqs: { type: countDistinct, field: seq }',
    '  kinds: { type: countDistinct, field: kind }',
    '  byKind: { type: countBy, field: kind }',
    'outputs:',
    '  elasticsearch: { index: windows-property, id: "{user}:{windowStart}" }',
  ].join('\n');
}

function compile(params: Params): { spec: JobSpec; job: Job; source: JobSource } {
  const spec = parseJobFile(jobYaml(params), 'windows-property.yaml');
  const source: JobSource = { kind: 'file', path: '/nonexistent/windows-property.yaml', spec };
  return { spec, job: compileJob(spec, { source }), source };
}

/** The records of one partition: seq is unique over all partitions, event times from a clock moved by `step`. */
function partitionRecords(partition: number, gen: readonly GenRecord[], firstOffset = 0, clock = { t: BASE }): Produced[] {
  return gen.map((g, i): Produced => {
    const offset = firstOffset + i;
    const seq = partition * 100_000 + offset + 1;
    let record: ModelRecord;
    let json: string;
    if (g.type === 'bad') {
      const ts = clock.t;
      const values: Record<BadHow, [string, string]> = {
        json: ['MALFORMED_JSON', '{"user":"u1","seq":'],
        array: ['NOT_AN_OBJECT', '[1,2,3]'],
        'no-user': ['MISSING_USER', JSON.stringify({ seq, kind: 'a', ts })],
        'bad-seq': ['BAD_SEQ', JSON.stringify({ user: 'u1', seq: `s${seq}`, kind: 'a', ts })],
        'no-time': ['NO_TIME', JSON.stringify({ user: 'u1', seq, kind: 'a' })],
        'bad-time': ['BAD_TS', JSON.stringify({ user: 'u1', seq, kind: 'a', ts: 'soon' })],
      };
      const [code, value] = values[g.how];
      record = { type: 'bad', code, value };
      json = value;
    } else {
      clock.t += g.step;
      if (g.type === 'filtered') {
        record = { type: 'filtered', ts: clock.t };
        json = JSON.stringify({ user: 'u0', seq, kind: 'skip', ts: clock.t });
      } else {
        const ts = Math.max(BASE, clock.t - g.jitter);
        record = { type: 'event', user: g.user, kind: g.kind, seq, ts };
        json = JSON.stringify({ user: g.user, seq, kind: g.kind, ts });
      }
    }
    return { offset, record, value: Buffer.from(json) };
  });
}

/** A batch the model and the pipeline both take: the same records, by partition. */
interface Batch {
  partition: number;
  records: Produced[];
}

function chunks(partition: number, records: readonly Produced[], sizes: readonly number[]): Batch[] {
  const out: Batch[] = [];
  for (let i = 0, b = 0; i < records.length; b++) {
    const size = sizes[b % sizes.length] as number;
    out.push({ partition, records: records.slice(i, i + size) });
    i += size;
  }
  return out;
}

const toSourceBatch = (b: Batch): SourceBatch => ({
  topic: 'prop-in',
  partition: b.partition,
  records: b.records.map((r) => ({ offset: String(r.offset), value: r.value, key: null, timestamp: String(NOW) })),
});

// ---------------------------------------------------------------------------------------------
// The model

interface ModelEvent {
  seq: number;
  kind: string;
}

interface Firing {
  key: string;
  start: number;
  end: number;
  /** Events in the window: the result's version. */
  n: number;
  /** The document, as JSON. */
  doc: string;
}

/**
 * The semantics, by brute force: windows are lists of their events, nothing is incremental; each
 * firing recomputes the document from the events.
 */
class WindowModel {
  readonly firings: Firing[] = [];
  /** `topic/code/partition/offset`, in the order the model produces them. */
  readonly letters: string[] = [];
  private readonly maxTs = new Map<number, number>();
  private watermark = Number.NEGATIVE_INFINITY;
  /** Sliding: key -> window start -> its events and whether it fired. */
  private readonly aligned = new Map<string, Map<number, { events: ModelEvent[]; fired: boolean }>>();
  /** Sessions: key -> its sessions. */
  private readonly sessions = new Map<string, Array<{ start: number; end: number; events: ModelEvent[]; fired: boolean }>>();

  constructor(private readonly params: Params) {}

  batch(b: Batch): void {
    const before = this.watermark;
    for (const { offset, record } of b.records) {
      if (record.type === 'bad') {
        this.letters.push(`dlq/${record.code}/${b.partition}/${offset}`);
        continue;
      }
      if (record.type === 'filtered') continue;
      this.maxTs.set(b.partition, Math.max(this.maxTs.get(b.partition) ?? Number.NEGATIVE_INFINITY, record.ts));
      const counted =
        this.params.window.type === 'sliding' ? this.addSliding(record, before) : this.addSession(record, this.params.window.gapMs, before);
      if (!counted) this.letters.push(`late/LATE_EVENT/${b.partition}/${offset}`);
    }
    let min = Number.POSITIVE_INFINITY;
    for (const p of PARTITIONS) {
      const max = this.maxTs.get(p);
      min = Math.min(min, max === undefined ? Number.NEGATIVE_INFINITY : max - this.params.outOfOrdernessMs - 1);
    }
    if (min > this.watermark) this.watermark = min;
    this.advance(this.watermark);
  }

  /** The end of the input: the final watermark fires everything. */
  finish(): void {
    this.advance(Number.POSITIVE_INFINITY);
  }

  private addSliding(e: Extract<ModelRecord, { type: 'event' }>, watermark: number): boolean {
    const w = this.params.window as Extract<WindowParams, { type: 'sliding' }>;
    const lateness = this.params.allowedLatenessMs;
    // Every start that is a multiple of the slide with start <= ts < start + size, earliest first.
    const starts: number[] = [];
    for (let start = Math.ceil((e.ts - w.sizeMs + 1) / w.slideMs) * w.slideMs; start <= e.ts; start += w.slideMs) {
      if (start <= e.ts && e.ts < start + w.sizeMs) starts.push(start);
    }
    let counted = false;
    for (const start of starts) {
      const end = start + w.sizeMs;
      if (end - 1 + lateness <= watermark) continue; // gone
      counted = true;
      let windows = this.aligned.get(e.user);
      if (!windows) this.aligned.set(e.user, (windows = new Map()));
      let win = windows.get(start);
      if (!win) windows.set(start, (win = { events: [], fired: false }));
      win.events.push({ seq: e.seq, kind: e.kind });
      if (end - 1 <= watermark) {
        win.fired = true;
        this.fire(e.user, start, end, win.events);
      }
    }
    return counted;
  }

  private addSession(e: Extract<ModelRecord, { type: 'event' }>, gap: number, watermark: number): boolean {
    const lateness = this.params.allowedLatenessMs;
    const list = this.sessions.get(e.user) ?? [];
    const touching = list.filter((s) => s.start <= e.ts + gap && e.ts <= s.end);
    if (touching.length === 0 && e.ts + gap - 1 + lateness <= watermark) return false;
    let start = e.ts;
    let end = e.ts + gap;
    const events: ModelEvent[] = [];
    for (const s of touching) {
      start = Math.min(start, s.start);
      end = Math.max(end, s.end);
      events.push(...s.events);
    }
    events.push({ seq: e.seq, kind: e.kind });
    const merged = { start, end, events, fired: end - 1 <= watermark };
    this.sessions.set(e.user, [...list.filter((s) => !touching.includes(s)), merged]);
    if (merged.fired) this.fire(e.user, start, end, events);
    return true;
  }

  private advance(watermark: number): void {
    const lateness = this.params.allowedLatenessMs;
    for (const [key, windows] of this.aligned) {
      const size = (this.params.window as Extract<WindowParams, { type: 'sliding' }>).sizeMs;
      for (const start of [...windows.keys()].sort((a, b) => a - b)) {
        const win = windows.get(start) as { events: ModelEvent[]; fired: boolean };
        if (start + size - 1 > watermark) continue;
        if (!win.fired) {
          win.fired = true;
          this.fire(key, start, start + size, win.events);
        }
        if (start + size - 1 + lateness <= watermark) windows.delete(start);
      }
    }
    for (const [key, list] of this.sessions) {
      const kept = [];
      for (const s of [...list].sort((a, b) => a.start - b.start)) {
        if (s.end - 1 <= watermark && !s.fired) {
          s.fired = true;
          this.fire(key, s.start, s.end, s.events);
        }
        if (s.end - 1 + lateness > watermark) kept.push(s);
      }
      this.sessions.set(key, kept);
    }
  }

  private fire(key: string, start: number, end: number, events: readonly ModelEvent[]): void {
    let total = 0;
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    const seqs: number[] = [];
    const counts: Array<[string, number]> = [];
    for (const e of events) {
      total += e.seq;
      first = Math.min(first, e.seq);
      last = Math.max(last, e.seq);
      if (!seqs.includes(e.seq)) seqs.push(e.seq);
      const c = counts.find(([k]) => k === e.kind);
      if (c) c[1]++;
      else counts.push([e.kind, 1]);
    }
    counts.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    // Written by hand: the document's fields in the job file's order, byKind's keys sorted (any key, `__proto__` too).
    const byKind = `{${counts.map(([k, n]) => `${JSON.stringify(k)}:${n}`).join(',')}}`;
    const doc =
      `{"user":${JSON.stringify(key)},"windowStart":${start},"windowEnd":${end},"events":${events.length},"total":${total},` +
      `"first":${first},"last":${last},"seqs":${seqs.length},"kinds":${counts.length},"byKind":${byKind}}`;
    this.firings.push({ key, start, end, n: events.length, doc });
  }
}

// ---------------------------------------------------------------------------------------------
// Running the implementation

class Collect implements ResultSink<CompiledResult>, DeadLetterSink {
  readonly name = 'collect';
  readonly results: Array<{ key: string; line: string }> = [];
  readonly letters: string[] = [];
  async start() {}
  async write(results: readonly CompiledResult[]) {
    for (const r of results) this.results.push({ key: r.key, line: `${r.n} ${JSON.stringify(r.doc)}` });
  }
  async send(letters: readonly DeadLetter[]) {
    for (const l of letters) this.letters.push(letterId(l));
  }
  async flush() {}
  async close() {}
}

const letterId = (l: DeadLetter) => `${l.topic}/${l.code}/${l.source.partition}/${l.source.offset}`;

/** key -> its results in the order they were written. */
function byKey(results: ReadonlyArray<{ key: string; line: string }>): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const r of results) m.set(r.key, [...(m.get(r.key) ?? []), r.line]);
  return m;
}

const modelLines = (firings: readonly Firing[]) => firings.map((f) => ({ key: f.key, line: `${f.n} ${f.doc}` }));

async function runPipeline(
  compiled: ReturnType<typeof compile>,
  params: Params,
  batches: readonly Batch[],
  stage: (onResults: ResultsCallback<CompiledResult>) => KeyedStage<CompiledEvent>,
): Promise<Collect> {
  const out = new Collect();
  const { spec, job } = compiled;
  const pipeline = new WindowPipeline({
    job,
    windows: {
      sizeMs: params.window.type === 'sliding' ? params.window.sizeMs : params.window.gapMs,
      outOfOrdernessMs: spec.input.outOfOrdernessMs as number,
      allowedLatenessMs: spec.allowedLatenessMs as number,
      idleTimeoutMs: spec.input.idleTimeoutMs as number,
      assigner: spec.window,
    },
    topics: { dlq: 'dlq', late: 'late' },
    sinks: [out],
    deadLetters: out,
    now: () => NOW,
    logger: silentLogger,
    keyedStage: stage,
  });
  await pipeline.start();
  pipeline.assign(PARTITIONS);
  try {
    for (const batch of batches) await pipeline.processBatch(toSourceBatch(batch));
    await pipeline.finish();
    await pipeline.flush();
  } finally {
    await pipeline.stop();
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// A: the pipeline, 1/2/4 workers and the single-threaded stage, against the model

const streamArb = (window: fc.Arbitrary<WindowParams>) =>
  fc
    .record({
      params: paramsArb(window),
      partitions: fc.array(fc.array(recordArb, { minLength: 1, maxLength: 40, size: 'max' }), { minLength: 3, maxLength: 3 }),
      batchSizes: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 8 }),
      order: fc.array(fc.noBias(fc.nat(1000)), { maxLength: 40 }),
      grain: grainArb,
    })
    .map(({ grain, ...s }) => ({
      ...s,
      params: paramsOnGrid(s.params, grain),
      partitions: s.partitions.map((p) => recordsOnGrid(p, grain)),
    }));
type Stream = typeof streamArb extends (w: fc.Arbitrary<WindowParams>) => fc.Arbitrary<infer T> ? T : never;

/** The partitions' batches, interleaved as `order` says (each partition's batches stay in order). */
function schedule(stream: Stream): Batch[] {
  const queues = stream.partitions.map((gen, p) => chunks(p, partitionRecords(p, gen), stream.batchSizes));
  const out: Batch[] = [];
  for (let k = 0; queues.some((q) => q.length > 0); k++) {
    const nonEmpty = queues.filter((q) => q.length > 0);
    const pick = nonEmpty[(stream.order[k % Math.max(1, stream.order.length)] ?? 0) % nonEmpty.length] as Batch[];
    out.push(pick.shift() as Batch);
  }
  return out;
}

const stateRoot = mkdtempSync(join(tmpdir(), 'sluice-windows-prop-'));
after(() => rmSync(stateRoot, { recursive: true, force: true }));
let runs = 0;
/** LMDB writes each worker buffers before committing (by worker count): every write committed at once, or buffered across steps. */
const WRITE_BUFFER: Record<number, number> = { 1: 1, 2: 1000, 4: 50 };

async function pipelineProperty(stream: Stream): Promise<void> {
  const { params } = stream;
  const compiled = compile(params);
  const batches = schedule(stream);
  const model = new WindowModel(params);
  for (const b of batches) model.batch(b);
  model.finish();
  const expected = byKey(modelLines(model.firings));
  // Sliding windows: every letter comes from the pipeline's own loop, in batch and record order.
  // Sessions: whether an event far behind the watermark is late is decided where its key lives, and
  // each worker reports its late events after its results for the step, so across workers (keys)
  // their order is free: compared as sorted lists (each letter names its partition and offset).
  const letters = (l: readonly string[]) => (params.window.type === 'session' ? [...l].sort() : [...l]);
  const windows = {
    sizeMs: params.window.type === 'sliding' ? params.window.sizeMs : params.window.gapMs,
    allowedLatenessMs: params.allowedLatenessMs,
    assigner: compiled.spec.window,
  };

  const local = await runPipeline(
    compiled,
    params,
    batches,
    (onResults) => new LocalKeyedStage(windows, compiled.job.aggregate, new InMemoryWindowStore<CompiledAccumulator>(), onResults),
  );
  assert.deepEqual(letters(local.letters), letters(model.letters), 'letters, single-threaded stage');
  assert.deepEqual(byKey(local.results), expected, 'results per key, single-threaded stage');

  for (const workers of [1, 2, 4]) {
    const stateDir = join(stateRoot, `run-${runs++}`);
    const actual = await runPipeline(
      compiled,
      params,
      batches,
      (onResults) =>
        new WorkerKeyedStage<CompiledEvent, CompiledResult>({
          workers,
          job: compiled.job.name,
          jobSource: compiled.source,
          windows,
          stateDir,
          inbox: { events: 7, bytes: 1 << 20 },
          writeBufferEntries: WRITE_BUFFER[workers],
          onResults,
          onFailure: () => undefined,
          logger: silentLogger,
        }),
    );
    assert.deepEqual(letters(actual.letters), letters(model.letters), `letters, ${workers} workers`);
    assert.deepEqual(byKey(actual.results), expected, `results per key, ${workers} workers`);
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/**
 * Each property stops after this long, passing or not: a failure found is then reported shrunk as far
 * as it got (each shrink step starts worker threads), and the file stays within its time limit.
 * Passing runs take a fraction of it.
 */
const SHRINK_BUDGET_MS = { pipeline: 75_000, restore: 50_000 };

// Hand-made streams, run before the random ones (fast-check `examples`), so that every run of this
// file covers what random streams hit only now and then, exact boundaries included. Event times
// relative to BASE. Partition 0 reads u0@11000, u0@12000, u1@12000, u1@13000; partitions 1 and 2
// then reach 15000 (with a bad and a filtered record, and u4@13500): the watermark is 12999. Then
// u4@15000, and partition 0 reads, behind the watermark: u1@11000, u0@11999, u2@8500, u2@10500,
// u3@12000, u3@12001.
// - Sliding 3000/1000, lateness 2000: [10000, 13000) fires exactly at its end - 1; u1@11000 and
//   u0@11999 re-fire windows that fired; u2@8500 is late exactly at the boundary (its last window
//   [8000, 11000) has end - 1 + lateness = 12999); u2@10500 counts in [9000, 12000) and
//   [10000, 13000) but not in [8000, 11000), gone exactly at the boundary.
// - Sessions of gap 1000, lateness 0: u0@11000 and u0@12000 touch (one session), which fires
//   exactly at its end - 1 and is purged; u1@11000 would be late alone but touches the live
//   [12000, 14000) of u1 and joins it; u0@11999 is late (its session is gone); u3@12000 is late
//   exactly at the boundary, u3@12001 is not. Lateness 2000: u0@11999 joins the session
//   [11000, 13000) that fired, which fires again at once; u3@12000 opens a session that fires at
//   once, u3@12001 extends it past the watermark, so it fires again later.
// - Restores (property B) cut the stream after the watermark reached 12999 (u4@13500 in phase 1,
//   u4@15000 after it): the restored sessions that fired, that did not, and u4's two sessions,
//   one restored and one new, firing in order at the last watermark.
const ev = (user: string, step: number, jitter = 0, kind = 'a'): GenRecord => ({ type: 'event', user, kind, step, jitter });
const examplePartitions: GenRecord[][] = [
  [
    ev('u0', 11_000),
    ev('u0', 1000, 0, 'b'),
    ev('u1', 0),
    ev('u1', 1000, 0, '__proto__'),
    ev('u1', 0, 2000),
    ev('u0', 0, 1001),
    ev('u2', 0, 4500),
    ev('u2', 0, 2500),
    ev('u3', 0, 1000),
    ev('u3', 0, 999),
  ],
  [{ type: 'bad', how: 'json' }, ev('ü-straße', 15_000), ev('u4', 0, 1500)],
  [ev('ü-straße', 15_000), { type: 'filtered', step: 0 }, ev('u4', 0)],
];
/** One record per batch: partition 0's first four, then partitions 1 and 2, then the rest of partition 0. */
const exampleStream = (params: Params): Stream => ({
  params,
  partitions: examplePartitions,
  batchSizes: [1],
  order: [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0],
});
const sliding3000by1000: WindowParams = { type: 'sliding', sizeMs: 3000, slideMs: 1000 };
const gap1000: WindowParams = { type: 'session', gapMs: 1000 };

test('sliding windows: the pipeline on 1, 2 and 4 workers and on one thread writes what the model fires, key by key, in order', {
  timeout: 300_000,
}, async () => {
  await fc.assert(fc.asyncProperty(streamArb(slidingArb), pipelineProperty), {
    numRuns: 12,
    includeErrorInReport: true,
    plugins: [fc.interruptAfterTimeLimit(SHRINK_BUDGET_MS.pipeline)],
    examples: [
      [exampleStream({ window: sliding3000by1000, allowedLatenessMs: 2000, outOfOrdernessMs: 0 })],
      [exampleStream({ window: { type: 'sliding', sizeMs: 2500, slideMs: 1000 }, allowedLatenessMs: 0, outOfOrdernessMs: 500 })],
    ],
  });
});

test('session windows: the pipeline on 1, 2 and 4 workers and on one thread writes what the model fires, key by key, in order', {
  timeout: 300_000,
}, async () => {
  await fc.assert(fc.asyncProperty(streamArb(sessionArb), pipelineProperty), {
    numRuns: 12,
    includeErrorInReport: true,
    plugins: [fc.interruptAfterTimeLimit(SHRINK_BUDGET_MS.pipeline)],
    examples: [
      [exampleStream({ window: gap1000, allowedLatenessMs: 0, outOfOrdernessMs: 0 })],
      [exampleStream({ window: gap1000, allowedLatenessMs: 2000, outOfOrdernessMs: 0 })],
    ],
  });
});

// ---------------------------------------------------------------------------------------------
// B: the runtime, crash and restore, against the model

const restoreArb = (window: fc.Arbitrary<WindowParams>) =>
  fc
    .record({
      params: paramsArb(window),
      partitions: fc.array(fc.record({ records: fc.array(recordArb, { minLength: 1, maxLength: 30, size: 'max' }), split: fc.nat() }), {
        minLength: 3,
        maxLength: 3,
      }),
      batchSize: fc.integer({ min: 1, max: 10 }),
      workers: fc.constantFrom<1 | 2 | 4>(1, 2, 4),
      grain: grainArb,
    })
    .map(({ grain, ...c }) => ({
      ...c,
      params: paramsOnGrid(c.params, grain),
      partitions: c.partitions.map(({ records, split }) => ({ records: recordsOnGrid(records, grain), split })),
    }));
type RestoreCase = typeof restoreArb extends (w: fc.Arbitrary<WindowParams>) => fc.Arbitrary<infer T> ? T : never;

/** What Elasticsearch keeps per document id: the highest version (external_gte: a tie goes to the later write). */
function lastVersions(results: ReadonlyArray<{ id: string; n: number; line: string }>): Map<string, string> {
  const kept = new Map<string, { n: number; line: string }>();
  for (const r of results) {
    const prev = kept.get(r.id);
    if (!prev || r.n >= prev.n) kept.set(r.id, { n: r.n, line: r.line });
  }
  return new Map([...kept].map(([id, { line }]) => [id, line]));
}

async function restoreProperty(c: RestoreCase): Promise<void> {
  const { params } = c;
  const compiled = compile(params);
  // Each partition's records: phase 1 up to `split`, phase 2 after it, on one clock per partition.
  const phases = c.partitions.map(({ records, split }, p) => {
    const clock = { t: BASE };
    const k = split % (records.length + 1);
    const one = partitionRecords(p, records.slice(0, k), 0, clock);
    const two = partitionRecords(p, records.slice(k), k, clock);
    return { one, two };
  });
  const maxTs = Math.max(...phases.flatMap(({ one, two }) => [...one, ...two].map((r) => (r.record.type === 'bad' ? BASE : r.record.ts))));
  const span = params.window.type === 'sliding' ? params.window.sizeMs : params.window.gapMs;
  const trailingTs = maxTs + span + params.outOfOrdernessMs + params.allowedLatenessMs + 60_000;
  const trailing = PARTITIONS.map((p) => {
    const offset = (phases[p]?.one.length ?? 0) + (phases[p]?.two.length ?? 0);
    const seq = p * 100_000 + offset + 1;
    const record: ModelRecord = { type: 'event', user: TRAILING_USER, kind: 'a', seq, ts: trailingTs };
    return { offset, record, value: Buffer.from(JSON.stringify({ user: TRAILING_USER, seq, kind: 'a', ts: trailingTs })) };
  });

  // The batches as the driver delivers them: partition by partition, `batchSize` records at a time
  // from where the partition was read to (after the restore: the checkpoint's positions, which are
  // where phase 1 ended, so the replay of phase 2 has the same batches).
  const sizes = [c.batchSize];
  const phase1 = phases.flatMap(({ one }, p) => chunks(p, one, sizes));
  const rest = [...phases.flatMap(({ two }, p) => chunks(p, two, sizes)), ...trailing.map((t, p) => ({ partition: p, records: [t] }))];
  const model = new WindowModel(params);
  for (const b of phase1) model.batch(b);
  // Firings up to the checkpoint (the end of phase 1), and what a restore from it must fire.
  const beforeCheckpoint = byKey(modelLines(model.firings));
  const fromCheckpoint = model.firings.length;
  for (const b of rest) model.batch(b);
  const afterCheckpoint = byKey(modelLines(model.firings.slice(fromCheckpoint)));
  const expectedLast = lastVersions(model.firings.map((f) => ({ id: `${f.key}:${f.start}`, n: f.n, line: `${f.n} ${f.doc}` })));
  const expectedLetters = [...model.letters].sort();

  const env = {
    SLUICE_WORKERS: String(c.workers),
    SLUICE_OUT_OF_ORDERNESS_MS: String(params.outOfOrdernessMs),
    SLUICE_ALLOWED_LATENESS_MS: String(params.allowedLatenessMs),
    SLUICE_IDLE_TIMEOUT_MS: '0',
    SLUICE_DLQ_TOPIC: 'dlq',
    SLUICE_LATE_TOPIC: 'late',
  };
  const produce = (broker: MemoryBroker, records: readonly Produced[], p: number) => {
    for (const r of records) broker.produceRaw(p, r.value.toString());
  };
  const line = (r: CompiledResult) => ({
    key: r.key,
    id: compiled.job.resultId(r),
    n: compiled.job.resultVersion(r),
    line: `${r.n} ${JSON.stringify(r.doc)}`,
  });

  for (const crash of [true, false]) {
    const broker = new MemoryBroker(PARTITIONS.length);
    const time = new ManualTime(NOW);
    const results = new MemoryResults<CompiledResult>();
    const stateDir = join(stateRoot, `runtime-${runs++}`);
    const start = (dir: string) =>
      new RuntimeDriver(compiled.job, { broker, time, results, stateDir: dir, env, batchSize: c.batchSize }).start();

    phases.forEach(({ one }, p) => produce(broker, one, p));
    const a = await start(stateDir);
    await a.deliver();
    const committed = await a.untilCheckpointAbove(0);
    phases.forEach(({ two }, p) => produce(broker, two, p));
    await a.deliver();
    let b = a;
    let restartedAt = 0;
    if (crash) {
      await a.crash();
      assert.equal(broker.committedCheckpoint, committed, 'nothing committed after the checkpoint of phase 1');
      restartedAt = results.written.length;
      b = await start(stateDir);
      await b.deliver();
    }
    trailing.forEach((t, p) => produce(broker, [t], p));
    await b.deliver();
    await b.untilCheckpointAbove(committed);
    await b.stop();
    rmSync(stateDir, { recursive: true, force: true });

    const written = results.written.map(line);
    const what = `${crash ? 'crash and restore' : 'no crash'}, ${c.workers} workers`;
    assert.deepEqual(broker.committedLetters.map(letterId).sort(), expectedLetters, `committed letters, each once (${what})`);
    assert.deepEqual(lastVersions(written), expectedLast, `the last version of each document (${what})`);
    if (!crash) {
      assert.deepEqual(byKey(written), byKey(modelLines(model.firings)), `results per key, in order (${what})`);
      continue;
    }
    // Before the crash: per key, phase 1's firings, then some of phase 2's (what reached the sink
    // before the crash). After the restore: exactly what the model fires after the checkpoint.
    assert.deepEqual(byKey(written.slice(restartedAt)), afterCheckpoint, `results per key after the restore, in order (${what})`);
    assertWrittenBeforeCrash(byKey(written.slice(0, restartedAt)), beforeCheckpoint, afterCheckpoint, what);
  }
}

/** The hand-made stream again: phase 1 is everything up to the watermark 12999, phase 2 (replayed after the restore) the rest. */
const exampleRestore = (params: Params, workers: 1 | 2 | 4): RestoreCase => ({
  params,
  partitions: [
    { records: examplePartitions[0] as GenRecord[], split: 4 },
    { records: examplePartitions[1] as GenRecord[], split: 3 },
    { records: examplePartitions[2] as GenRecord[], split: 2 },
  ],
  batchSize: 2,
  workers,
});

test('sliding windows: crash after a checkpoint and restore on 1, 2 or 4 workers give the model’s documents and letters, once', {
  timeout: 300_000,
}, async () => {
  await fc.assert(fc.asyncProperty(restoreArb(slidingArb), restoreProperty), {
    numRuns: 5,
    includeErrorInReport: true,
    plugins: [fc.interruptAfterTimeLimit(SHRINK_BUDGET_MS.restore)],
    examples: [[exampleRestore({ window: sliding3000by1000, allowedLatenessMs: 2000, outOfOrdernessMs: 0 }, 2)]],
  });
});

test('session windows: crash after a checkpoint and restore on 1, 2 or 4 workers give the model’s documents and letters, once', {
  timeout: 300_000,
}, async () => {
  await fc.assert(fc.asyncProperty(restoreArb(sessionArb), restoreProperty), {
    numRuns: 5,
    includeErrorInReport: true,
    plugins: [fc.interruptAfterTimeLimit(SHRINK_BUDGET_MS.restore)],
    examples: [
      [exampleRestore({ window: gap1000, allowedLatenessMs: 0, outOfOrdernessMs: 0 }, 2)],
      [exampleRestore({ window: gap1000, allowedLatenessMs: 2000, outOfOrdernessMs: 0 }, 4)],
    ],
  });
});
