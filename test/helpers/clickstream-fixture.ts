/**
 * A clickstream to produce in tests and benches, with the results a correct run must write,
 * computed here independently of sluice's code (plain loops over what was produced).
 */

export const MINUTE = 60_000;
/** The event types of the fixture's valid events (unless `rareEventTypes` adds others). */
export const EVENT_TYPES = ['view', 'click', 'add_to_cart', 'purchase', 'remove_from_cart'];

export interface FixtureMessage {
  key: string | null;
  value: Buffer;
  /** Set only for the trailing events, which must reach every partition. */
  partition?: number;
}

export interface BadRecord {
  value: Buffer;
  code: string;
}

export interface ExpectedResult {
  userId: string;
  windowStart: number;
  windowEnd: number;
  count: number;
  byEventType: Record<string, number>;
}

export interface Fixture {
  messages: FixtureMessage[];
  trailing: FixtureMessage[];
  bad: BadRecord[];
  /** `${userId}:${windowStart}` -> the document sluice must write. */
  expected: Map<string, ExpectedResult>;
  validEvents: number;
  windowStartMin: number;
}

export interface FixtureOptions {
  events: number;
  users: number;
  partitions: number;
  /** Event time covered by the stream. */
  spanMs: number;
  /** Share of bad records (on top of `events`). */
  badRatio: number;
  /** Maximal disorder of event times; must stay below the watermark bound (5 s). */
  maxDisorderMs: number;
  windowMs?: number;
  seed?: number;
  /** Include a value over 1 MiB among the bad records (the topic must allow 2 MiB messages). */
  includeTooLarge?: boolean;
  /** This share of the valid events gets an event type drawn from `types` instead of the usual ones. */
  rareEventTypes?: { types: string[]; ratio: number };
}

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x9e3779b9) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 16), 0x21f0aaad);
    t = Math.imul(t ^ (t >>> 15), 0x735a2d97);
    return ((t ^ (t >>> 15)) >>> 0) / 4294967296;
  };
}

export function buildFixture(options: FixtureOptions): Fixture {
  const windowMs = options.windowMs ?? MINUTE;
  const random = prng(options.seed ?? 42);
  // Start a few hours back, on a window boundary, so every timestamp is valid "now".
  const start = Math.floor((Date.now() - 3 * 3_600_000) / windowMs) * windowMs;
  const messages: FixtureMessage[] = [];
  const expected = new Map<string, ExpectedResult>();
  let maxTimestamp = start;

  for (let i = 0; i < options.events; i++) {
    const userId = `user-${Math.floor(random() * options.users)}`;
    let eventType = EVENT_TYPES[Math.floor(random() * EVENT_TYPES.length)] as string;
    // Drawn only when asked for, so fixtures without it keep their exact event sequence.
    const rare = options.rareEventTypes;
    if (rare && random() < rare.ratio) eventType = rare.types[Math.floor(random() * rare.types.length)] as string;
    const ordered = start + Math.floor((i / options.events) * options.spanMs);
    const timestamp = Math.max(start, ordered - Math.floor(random() * options.maxDisorderMs));
    maxTimestamp = Math.max(maxTimestamp, timestamp);
    const value = { userId, eventType, timestamp, sessionId: `s${i % 977}`, page: `/product/${i % 311}` };
    messages.push({ key: userId, value: Buffer.from(JSON.stringify(value)) });

    const windowStart = timestamp - (timestamp % windowMs);
    const id = `${userId}:${windowStart}`;
    let doc = expected.get(id);
    if (!doc) {
      doc = { userId, windowStart, windowEnd: windowStart + windowMs, count: 0, byEventType: {} };
      expected.set(id, doc);
    }
    doc.count++;
    doc.byEventType[eventType] = (doc.byEventType[eventType] ?? 0) + 1;
  }

  const bad = badRecords(Math.ceil(options.events * options.badRatio), start, options.includeTooLarge ?? false);
  // Spread the bad records through the stream.
  for (const [n, b] of bad.entries()) {
    const at = Math.floor(((n + 0.5) / bad.length) * messages.length);
    messages.splice(at + n, 0, { key: n % 3 === 0 ? null : `bad-${n}`, value: b.value });
  }

  // One trailing event per partition, far enough ahead to move every partition's watermark past
  // the last window; their own windows never close, so they produce no result.
  const trailingTs = maxTimestamp + 10 * windowMs;
  const trailing = Array.from({ length: options.partitions }, (_, partition) => ({
    key: `trailer-${partition}`,
    partition,
    value: Buffer.from(JSON.stringify({ userId: `trailer-${partition}`, eventType: 'view', timestamp: trailingTs })),
  }));
  return { messages, trailing, bad, expected, validEvents: options.events, windowStartMin: start };
}

function badRecords(count: number, ts: number, includeTooLarge: boolean): BadRecord[] {
  const kinds: Array<(n: number) => BadRecord> = [
    (n) => ({ code: 'MALFORMED_JSON', value: Buffer.from(`{"userId":"u${n}","eventType":"click","timestamp":`) }),
    (n) => ({ code: 'MISSING_USER_ID', value: Buffer.from(JSON.stringify({ eventType: 'click', timestamp: ts, n })) }),
    (n) => ({ code: 'MISSING_USER_ID', value: Buffer.from(JSON.stringify({ userId: null, eventType: 'click', timestamp: ts, n })) }),
    (n) => ({ code: 'MISSING_USER_ID', value: Buffer.from(JSON.stringify({ userId: '', eventType: 'view', timestamp: ts, n })) }),
    (n) => ({
      code: 'BAD_TIMESTAMP',
      value: Buffer.from(JSON.stringify({ userId: `u${n}`, eventType: 'click', timestamp: String(ts), n })),
    }),
    (n) => ({
      code: 'BAD_TIMESTAMP',
      value: Buffer.from(JSON.stringify({ userId: `u${n}`, eventType: 'click', timestamp: 915_148_800_000, n })),
    }),
    (n) => ({
      code: 'BAD_TIMESTAMP',
      value: Buffer.from(JSON.stringify({ userId: `u${n}`, eventType: 'click', timestamp: Date.now() + 3 * 86_400_000, n })),
    }),
    (n) => ({ code: 'NOT_AN_OBJECT', value: Buffer.from(JSON.stringify([`u${n}`, 'click', ts])) }),
    (n) => ({ code: 'DUPLICATE_KEY', value: Buffer.from(`{"userId":"a${n}","eventType":"click","timestamp":${ts},"userId":"b${n}"}`) }),
    (n) => ({ code: 'MISSING_USER_ID', value: Buffer.from(`{"__proto__":{"userId":"p${n}"},"eventType":"click","timestamp":${ts}}`) }),
    (n) => ({ code: 'MISSING_EVENT_TYPE', value: Buffer.from(JSON.stringify({ userId: `u${n}`, timestamp: ts, n })) }),
    (n) => ({
      code: 'BAD_USER_ID',
      value: Buffer.from(JSON.stringify({ userId: 'x'.repeat(257) + n, eventType: 'click', timestamp: ts })),
    }),
    (n) => ({
      code: 'MALFORMED_JSON',
      value: Buffer.concat([Buffer.from(`{"userId":"u${n}","x":"`), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]),
    }),
  ];
  const out = Array.from({ length: count }, (_, n) => (kinds[n % kinds.length] as (n: number) => BadRecord)(n));
  if (includeTooLarge && out.length > 0) {
    out[0] = {
      code: 'TOO_LARGE',
      value: Buffer.from(JSON.stringify({ userId: 'big', eventType: 'click', timestamp: ts, pad: 'x'.repeat(1024 * 1024 + 10) })),
    };
  }
  return out;
}

export interface LateEvents {
  /** To produce, each to its own partition (round robin), once the condition below holds. */
  messages: FixtureMessage[];
  /** Their values: exactly what the late topic must hold, once each. */
  values: Buffer[];
}

/**
 * `count` events that are late by construction: they belong to the fixture's first window (userIds
 * `late-<n>`, never used elsewhere, so one counted by mistake shows as an extra document), spread
 * over the partitions. They are late only once the combined watermark (the minimum over every
 * partition) has passed the end of the first window for good: produce them once the daemon says so
 * (sluice_watermark_seconds) AND a checkpoint started after that has completed (any restore then
 * brings that watermark back, so a replay finds them late again). They change no expected result.
 */
export function deliberatelyLateEvents(fixture: Fixture, count: number, partitions: number, windowMs = MINUTE): LateEvents {
  const messages: FixtureMessage[] = [];
  for (let n = 0; n < count; n++) {
    const timestamp = fixture.windowStartMin + 1_000 + ((n * 997) % (windowMs - 2_000));
    const value = Buffer.from(JSON.stringify({ userId: `late-${n}`, eventType: 'click', timestamp, late: true }));
    messages.push({ key: `late-${n}`, value, partition: n % partitions });
  }
  return { messages, values: messages.map((m) => m.value) };
}
