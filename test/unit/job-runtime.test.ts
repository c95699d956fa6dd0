/**
 * Job files in the whole runtime, in-process on manual time (test/helpers/runtime-driver.ts, real
 * window workers that load the job from its spec, real LMDB state and checkpoints): session windows
 * across a crash and a restore from the last checkpoint, late events decided by the key's sessions,
 * and savepoints restored under a changed job definition (allowed) or refused (another key, other
 * windows, with SAVEPOINT_INCOMPATIBLE and a clear message); a checkpoint refused likewise.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ErrorCode, type SluiceError } from '../../src/errors.js';
import { compileJob, type CompiledResult } from '../../src/job/compile.js';
import { parseJobFile } from '../../src/job/job-file.js';
import type { JobDefinition } from '../../src/job/job.js';
import { ManualTime } from '../helpers/manual-time.js';
import { MemoryBroker, MemoryResults, RuntimeDriver } from '../helpers/runtime-driver.js';

const MINUTE = 60_000;
const BASE = Date.UTC(2026, 10, 25, 10, 0, 0);
const cleanups: Array<() => void> = [];
after(() => {
  for (const c of cleanups) c();
});

/** A job file's text, compiled as `sluice run --job` would: workers get its spec. */
function jobOf(text: string): JobDefinition<unknown, unknown, CompiledResult> {
  const spec = parseJobFile(text, 'test.yaml');
  return compileJob(spec, { source: { kind: 'file', path: 'test.yaml', spec } }) as unknown as JobDefinition<
    unknown,
    unknown,
    CompiledResult
  >;
}

const SESSIONS = `name: sessions
input:
  fields:
    user: { type: string }
    page: { type: string }
    at: { type: timestamp }
  eventTime: at
key: user
window: { type: session, gap: 10m }
aggregates:
  events: { type: count }
  pages: { type: countDistinct, field: page }
`;

interface Visit {
  user: string;
  page: string;
  at: number;
}

/** Sessions per user from plain loops: sorted times, a new session when one starts after the last ends (touching merges). */
function expectedSessions(visits: Visit[], gap: number): Map<string, { windowEnd: number; events: number; pages: number }> {
  const byUser = new Map<string, Visit[]>();
  for (const v of visits) byUser.set(v.user, [...(byUser.get(v.user) ?? []), v]);
  const out = new Map<string, { windowEnd: number; events: number; pages: number }>();
  for (const [user, list] of byUser) {
    list.sort((a, b) => a.at - b.at);
    let start = (list[0] as Visit).at;
    let end = start + gap;
    let members: Visit[] = [];
    const close = () =>
      out.set(`${user}:${start}`, { windowEnd: end, events: members.length, pages: new Set(members.map((m) => m.page)).size });
    for (const v of list) {
      if (v.at > end) {
        close();
        start = v.at;
        end = v.at + gap;
        members = [];
      }
      members.push(v);
      end = Math.max(end, v.at + gap);
    }
    close();
  }
  return out;
}

/** The last document written per id, as Elasticsearch keeps it (version = events). */
function lastWritten(results: readonly CompiledResult[]): Map<string, { windowEnd: number; events: number; pages: number }> {
  const out = new Map<string, { version: number; doc: { windowEnd: number; events: number; pages: number } }>();
  for (const r of results) {
    const id = `${r.doc.user}:${r.doc.windowStart}`;
    const prev = out.get(id);
    if (!prev || r.n >= prev.version)
      out.set(id, {
        version: r.n,
        doc: { windowEnd: r.doc.windowEnd as number, events: r.doc.events as number, pages: r.doc.pages as number },
      });
  }
  return new Map([...out].map(([id, { doc }]) => [id, doc]));
}

/** Visits of five users in one partition; per user, pauses of 3 to 31 minutes: some within the gap, some not. */
function visits(partition: number, n: number): Visit[] {
  const steps = [1, 1, 2, 15, 1, 3, 12, 1];
  let at = BASE + partition * 1000;
  return Array.from({ length: n }, (_, i) => {
    at += (steps[i % steps.length] as number) * MINUTE;
    return { user: `user-${(i + partition) % 5}`, page: `/p/${(i * 3) % 7}`, at };
  });
}

function setup() {
  return { broker: new MemoryBroker(2), time: new ManualTime(BASE + 48 * 60 * MINUTE), results: new MemoryResults<CompiledResult>() };
}

async function start(
  job: JobDefinition<unknown, unknown, CompiledResult>,
  env: ReturnType<typeof setup>,
  options: { stateDir?: string; fromSavepoint?: string; env?: Record<string, string> } = {},
) {
  const driver = new RuntimeDriver(job, { ...env, ...options });
  if (!options.stateDir) cleanups.push(() => driver.removeState());
  return driver.start();
}

describe('job files in the runtime', () => {
  test("session windows: a crash after a checkpoint and a restore write every session exactly; late events by the key's sessions, each once", async () => {
    const env = setup();
    const { broker } = env;
    const job = jobOf(SESSIONS);
    const all: Visit[] = [];
    const produce = (p: number, list: Visit[]) => {
      for (const v of list) broker.produce(p, v);
      all.push(...list);
    };
    const p0 = visits(0, 60);
    const p1 = visits(1, 60);
    produce(0, p0.slice(0, 30));
    produce(1, p1.slice(0, 30));
    broker.produce(0, { user: 'x', page: '/', at: 'now' }); // a dead letter

    const a = await start(job, env);
    await a.deliver();
    const committed = await a.untilCheckpointAbove(0);
    produce(0, p0.slice(30));
    produce(1, p1.slice(30));
    await a.deliver();
    await a.crash();

    const b = await start(job, env, { stateDir: a.stateDir });
    await b.deliver();
    // A user whose one session is live at the end, then events that move every partition's
    // watermark 5 minutes past it.
    const end = Math.max(...all.map((v) => v.at)) + MINUTE;
    produce(0, [{ user: 'late-joiner', page: '/a', at: end }]);
    produce(0, [{ user: 'pusher', page: '/', at: end + 5 * MINUTE }]);
    produce(1, [{ user: 'pusher', page: '/', at: end + 5 * MINUTE }]);
    await b.deliver();
    // Far behind the watermark ([end - 8m, end + 2m) is past it): it joins the live session
    // [end, end + 10m) of its user, so it counts, as in Flink. user-9 has no session: late.
    produce(0, [{ user: 'late-joiner', page: '/b', at: end - 8 * MINUTE }]);
    broker.produce(1, { user: 'user-9', page: '/late', at: end - 8 * MINUTE });
    await b.deliver();
    const trailing = { user: 'trailing', page: '/', at: BASE + 40 * 60 * MINUTE };
    broker.produce(0, trailing);
    broker.produce(1, trailing);
    await b.deliver();
    await b.untilCheckpointAbove(committed);
    await b.stop();

    const expected = expectedSessions(all, 10 * MINUTE);
    const written = lastWritten(env.results.written);
    for (const [id, want] of expected) assert.deepEqual(written.get(id), want, id);
    assert.deepEqual(
      [...written.keys()].filter((id) => !expected.has(id) && !id.startsWith('trailing:')),
      [],
      'no other session (a merged-away start is overwritten by the merged one or never written)',
    );
    const letters = broker.committedLetters.map((l) => `${l.topic}/${l.code}/${l.value?.toString()}`);
    assert.deepEqual(
      letters.sort(),
      [
        'user-clicks-dlq/BAD_AT/{"user":"x","page":"/","at":"now"}',
        `user-clicks-late/LATE_EVENT/${JSON.stringify({ user: 'user-9', page: '/late', at: end - 8 * MINUTE })}`,
      ].sort(),
    );
    assert.deepEqual(written.get(`late-joiner:${end - 8 * MINUTE}`), { windowEnd: end + 10 * MINUTE, events: 2, pages: 2 });
  });

  test('savepoints: an added aggregate and changed outputs restore; another key or other windows are refused', async () => {
    const v1 = `name: shop
input:
  fields:
    shop: { type: string }
    region: { type: string }
    amount: { type: integer }
    at: { type: timestamp }
  eventTime: at
key: shop
window: { type: tumbling, size: 1m }
aggregates:
  orders: { type: count }
`;
    const env = setup();
    const { broker } = env;
    const orders = Array.from({ length: 40 }, (_, i) => ({
      shop: `s${i % 3}`,
      region: i % 2 ? 'eu' : 'us',
      amount: i,
      at: BASE + i * 3000,
    }));
    for (const o of orders.slice(0, 20)) broker.produce(0, o);
    const a = await start(jobOf(v1), env);
    await a.deliver();
    const dir = mkdtempSync(join(tmpdir(), 'sluice-savepoints-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const savepoint = await a.runtime.savepoint(dir);
    await a.stop();
    const before = env.results.written.length;

    const refused = async (text: string, why: RegExp) => {
      const driver = new RuntimeDriver(jobOf(text), { ...env, fromSavepoint: savepoint });
      cleanups.push(() => driver.removeState());
      await assert.rejects(
        driver.start(),
        (err: SluiceError) => err.code === ErrorCode.SAVEPOINT_INCOMPATIBLE && why.test(err.message),
        'refused',
      );
    };
    await refused(
      v1.replace('key: shop', 'key: [shop, region]'),
      /does not fit this job: its key is shop, this job's is shop \+ region \(window state is per key\)/,
    );
    await refused(v1.replace('size: 1m', 'size: 30s'), /its windows are tumbling 60000 ms, this job's are tumbling 30000 ms/);
    await refused(
      v1.replace('  orders: { type: count }', '  orders: { type: sum, field: amount }'),
      /aggregate orders was count, it is now sum of amount/,
    );

    const v2 = `${v1}  revenue: { type: sum, field: amount }\noutputs:\n  redis: { key: "shop:{shop}:{windowStart}", value: "{orders}" }\n`;
    const b = await start(jobOf(v2), env, { fromSavepoint: savepoint });
    for (const o of orders.slice(20)) broker.produce(0, o);
    for (const p of [0, 1]) broker.produce(p, { shop: 'trailing', region: 'eu', amount: 0, at: BASE + 60 * MINUTE });
    await b.deliver();
    await b.untilCheckpointAbove(broker.committedCheckpoint ?? 0);
    await b.stop();
    const after = env.results.written.slice(before);
    for (const r of after.filter((x) => x.doc.shop !== 'trailing')) {
      const inWindow = orders.filter(
        (o) => o.shop === r.doc.shop && o.at >= (r.doc.windowStart as number) && o.at < (r.doc.windowEnd as number),
      );
      assert.equal(r.doc.orders, inWindow.length, 'the count goes on from the savepoint');
      // The new aggregate started empty in the windows open at the savepoint: it has what came after.
      assert.equal(
        r.doc.revenue,
        inWindow.filter((o) => orders.indexOf(o) >= 20).reduce((n, o) => n + o.amount, 0),
      );
    }
    assert.ok(after.length > 0);
  });

  test("a checkpoint taken with another job definition is refused (CHECKPOINT_INCOMPATIBLE); the built-in job's by a job file too", async () => {
    const env = setup();
    env.broker.produce(0, { user: 'u', page: '/', at: BASE });
    const a = await start(jobOf(SESSIONS), env);
    await a.deliver();
    await a.untilCheckpointAbove(0);
    await a.stop();
    const changed = new RuntimeDriver(jobOf(SESSIONS.replace('gap: 10m', 'gap: 5m')), { ...env, stateDir: a.stateDir });
    await assert.rejects(
      changed.start(),
      (err: SluiceError) =>
        err.code === ErrorCode.CHECKPOINT_INCOMPATIBLE &&
        /another job definition: its windows are session gap 600000 ms, this job's are session gap 300000 ms/.test(err.message),
    );
  });
});
