/**
 * The benches' input: contract-shaped clicks produced straight to a topic (generated on the fly,
 * never all held in memory), ~1% bad records spread through them, and one trailing event per
 * partition far ahead in event time so every real window fires. While generating, the results a
 * correct run writes (count and count per event type of each userId x window among the valid
 * events, in the shape of test/helpers/clickstream-fixture.ts's ExpectedResult) are counted here,
 * with plain loops, independently of sluice's code.
 *
 * Not the fixture's buildFixture: it holds every message in memory (a few hundred MB at a million),
 * and its DUPLICATE_KEY bad records are valid events to the reference Flink job (Jackson keeps the
 * last duplicate), so a side-by-side run could not check both systems against one expectation.
 * The bad records here are bad to both.
 *
 * The shop workload (`--workload shop`, issue 14) is the same clicks, each also carrying a
 * `productId` (skewed towards low numbers, from a PRNG of its own: the clicks and their expected
 * results stay those of the seed) and its user's `region`, for examples/shop-activity.yaml (three
 * aggregations over one parse: per user and minute, per product and minute, per region and 5
 * minutes), whose results are counted here too (ShopExpected). The built-in job ignores the two
 * fields: both jobs run on one topic. Every bad record is bad to the shop job as well (missing
 * userId, productId or JSON, not an object), and the trailers carry both fields.
 */
import { CompressionTypes, type Kafka, type Message } from 'kafkajs';
import type { ExpectedResult } from '../../test/helpers/clickstream-fixture.js';
import { createTopics, deleteTopics } from '../../test/helpers/kafka.js';
import { uniqueName } from '../../test/helpers/services.js';
import { endOffsets, sum } from './kafka.js';
import { int, num, str } from './options.js';
import { onCleanup } from './run.js';

export const WINDOW_MS = 60_000;
/** The window of examples/shop-activity.yaml's perRegion aggregation. */
export const REGION_WINDOW_MS = 5 * 60_000;
/** examples/shop-activity.yaml's region values (input.fields.region.oneOf). */
export const REGIONS = ['eu', 'us', 'apac'];
export const EVENT_TYPES = ['view', 'click', 'add_to_cart', 'purchase', 'remove_from_cart', 'search'];
const DEVICES = ['mobile', 'desktop', 'tablet'];
const COUNTRIES = ['DE', 'FR', 'US', 'GB', 'IN', 'BR', 'JP', 'NL'];

export interface WorkloadOptions {
  topic: string;
  partitions: number;
  events: number;
  users: number;
  spanMs: number;
  disorderMs: number;
  badRatio: number;
  batchSize: number;
  inFlight: number;
  seed: number;
  /** 'shop': every event also has productId and region (examples/shop-activity.yaml); default 'clicks'. */
  kind?: WorkloadKind;
  /** The shop workload's distinct productIds (default 1,000). */
  products?: number;
}

export type WorkloadKind = 'clicks' | 'shop';

/** One document of examples/shop-activity.yaml, in its field order. */
export type ShopResult =
  | { aggregation: 'perUser'; userId: string; windowStart: number; windowEnd: number; events: number; byEventType: Record<string, number> }
  | { aggregation: 'perProduct'; productId: string; windowStart: number; windowEnd: number; events: number; users: number }
  | {
      aggregation: 'perRegion';
      region: string;
      windowStart: number;
      windowEnd: number;
      events: number;
      users: number;
      topProducts: Array<{ value: string; count: number }>;
    };

export type ShopAggregation = ShopResult['aggregation'];

export const SHOP_AGGREGATIONS: readonly ShopAggregation[] = ['perUser', 'perProduct', 'perRegion'];

/** The expected results of examples/shop-activity.yaml, per aggregation. */
export interface ShopExpected {
  /** Results per aggregation. */
  counts: Record<ShopAggregation, number>;
  /** The result whose Elasticsearch _id (and Redis key after the aggregation's prefix) is `id`. */
  expected(aggregation: ShopAggregation, id: string): ShopResult | undefined;
  /** Every expected result of one aggregation, with its id, in no particular order. */
  results(aggregation: ShopAggregation): Iterable<[string, ShopResult]>;
  /** The Redis value the example writes for a result (its `redis.value`). */
  redisValue(result: ShopResult): string;
}

export interface Workload {
  topic: string;
  partitions: number;
  validEvents: number;
  badRecords: number;
  trailers: number;
  /** Every record on the topic: valid + bad + trailers. */
  totalRecords: number;
  /** Results (stdout lines, ES documents, Redis keys) a correct run writes. */
  expectedWindows: number;
  valueBytes: number;
  produceMs: number;
  /** The result a correct run writes for `${userId}:${windowStart}`, undefined if none. */
  expected(resultId: string): ExpectedResult | undefined;
  /** Every expected result, in no particular order. */
  expectedResults(): Iterable<ExpectedResult>;
  /** The shop workload: what examples/shop-activity.yaml writes. */
  shop?: ShopExpected;
}

/** Per user x window x event type counts, in one flat array (26 MB for 100,000 users x 11 windows). */
class ExpectedCounts {
  private readonly counts: Uint32Array;
  private readonly prefix = 'user-';

  constructor(
    private readonly users: number,
    private readonly windows: number,
    private readonly start: number,
    private readonly digits: number,
  ) {
    const cells = users * windows * EVENT_TYPES.length;
    if (cells > 500_000_000) throw new Error(`${users} users x ${windows} windows is too many to count the expected results of`);
    this.counts = new Uint32Array(cells);
  }

  /** Distinct user x window pairs counted so far: the results a correct run writes. */
  results = 0;

  add(u: number, w: number, type: number): void {
    const base = (u * this.windows + w) * EVENT_TYPES.length;
    let before = 0;
    for (let t = 0; t < EVENT_TYPES.length; t++) before += this.counts[base + t] as number;
    if (before === 0) this.results++;
    this.counts[base + type]! += 1;
  }

  userId(u: number): string {
    return `${this.prefix}${String(u).padStart(this.digits, '0')}`;
  }

  result(u: number, w: number): ExpectedResult | undefined {
    if (u < 0 || u >= this.users || w < 0 || w >= this.windows) return undefined;
    const base = (u * this.windows + w) * EVENT_TYPES.length;
    let count = 0;
    const byEventType: Record<string, number> = {};
    for (let t = 0; t < EVENT_TYPES.length; t++) {
      const n = this.counts[base + t] as number;
      if (n > 0) byEventType[EVENT_TYPES[t] as string] = n;
      count += n;
    }
    if (count === 0) return undefined;
    const windowStart = this.start + w * WINDOW_MS;
    return { userId: this.userId(u), windowStart, windowEnd: windowStart + WINDOW_MS, count, byEventType };
  }

  lookup(resultId: string): ExpectedResult | undefined {
    const m = /^user-(\d+):(\d+)$/.exec(resultId);
    if (!m || (m[1] as string).length !== this.digits) return undefined;
    const offset = Number(m[2]) - this.start;
    if (offset % WINDOW_MS !== 0) return undefined;
    return this.result(Number(m[1]), offset / WINDOW_MS);
  }

  *all(): Iterable<ExpectedResult> {
    for (let u = 0; u < this.users; u++) {
      for (let w = 0; w < this.windows; w++) {
        const r = this.result(u, w);
        if (r) yield r;
      }
    }
  }
}

/**
 * examples/shop-activity.yaml's perProduct (productId x minute: events, distinct users) and
 * perRegion (region x 5 minutes: events, distinct users, top 5 products) results, counted with
 * plain maps; its perUser results are the built-in job's (ExpectedCounts), under other names.
 */
class ShopCounts {
  private readonly products = new Map<string, { events: number; users: Set<number> }>();
  private readonly regions = new Map<string, { events: number; users: Set<number>; products: Map<string, number> }>();

  constructor(private readonly clicks: ExpectedCounts) {}

  add(u: number, productId: string, region: string, timestamp: number): void {
    const minute = timestamp - (timestamp % WINDOW_MS);
    const pid = `${productId}:${minute}`;
    let p = this.products.get(pid);
    if (!p) this.products.set(pid, (p = { events: 0, users: new Set() }));
    p.events++;
    p.users.add(u);
    const five = timestamp - (timestamp % REGION_WINDOW_MS);
    const rid = `${region}:${five}`;
    let r = this.regions.get(rid);
    if (!r) this.regions.set(rid, (r = { events: 0, users: new Set(), products: new Map() }));
    r.events++;
    r.users.add(u);
    r.products.set(productId, (r.products.get(productId) ?? 0) + 1);
  }

  private product(id: string): ShopResult | undefined {
    const p = this.products.get(id);
    if (!p) return undefined;
    const at = id.lastIndexOf(':');
    const windowStart = Number(id.slice(at + 1));
    return {
      aggregation: 'perProduct',
      productId: id.slice(0, at),
      windowStart,
      windowEnd: windowStart + WINDOW_MS,
      events: p.events,
      users: p.users.size,
    };
  }

  private region(id: string): ShopResult | undefined {
    const r = this.regions.get(id);
    if (!r) return undefined;
    const at = id.lastIndexOf(':');
    const windowStart = Number(id.slice(at + 1));
    const byValue = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const top = [...r.products].sort(([pa, a], [pb, b]) => b - a || byValue(pa, pb)).slice(0, 5);
    return {
      aggregation: 'perRegion',
      region: id.slice(0, at),
      windowStart,
      windowEnd: windowStart + REGION_WINDOW_MS,
      events: r.events,
      users: r.users.size,
      topProducts: top.map(([value, count]) => ({ value, count })),
    };
  }

  private user(id: string): ShopResult | undefined {
    const c = this.clicks.lookup(id);
    if (!c) return undefined;
    const byEventType: Record<string, number> = {};
    for (const type of Object.keys(c.byEventType).sort()) byEventType[type] = c.byEventType[type] as number;
    return { aggregation: 'perUser', userId: c.userId, windowStart: c.windowStart, windowEnd: c.windowEnd, events: c.count, byEventType };
  }

  view(): ShopExpected {
    const lookup = (aggregation: ShopAggregation, id: string) =>
      aggregation === 'perUser' ? this.user(id) : aggregation === 'perProduct' ? this.product(id) : this.region(id);
    const clicks = this.clicks;
    const self = this;
    return {
      counts: { perUser: clicks.results, perProduct: this.products.size, perRegion: this.regions.size },
      expected: lookup,
      *results(aggregation) {
        if (aggregation === 'perUser') {
          for (const c of clicks.all()) yield [`${c.userId}:${c.windowStart}`, self.user(`${c.userId}:${c.windowStart}`) as ShopResult];
          return;
        }
        for (const id of (aggregation === 'perProduct' ? self.products : self.regions).keys())
          yield [id, lookup(aggregation, id) as ShopResult];
      },
      redisValue: (r) => String(r.aggregation === 'perProduct' ? r.users : r.events),
    };
  }
}

/** A small, fast, seeded PRNG (same stream for the same seed). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x9e3779b9) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 16), 0x21f0aaad);
    t = Math.imul(t ^ (t >>> 15), 0x735a2d97);
    return ((t ^ (t >>> 15)) >>> 0) / 4294967296;
  };
}

/** Bad records of the contract's kinds; each must end in the dead-letter topic. */
export function badValue(n: number, ts: number): string {
  switch (n % 7) {
    case 0:
      return `{"userId":"user-${n}","eventType":"click","timestamp":`; // MALFORMED_JSON
    case 1:
      return JSON.stringify({ eventType: 'click', timestamp: ts, page: `/p/${n}` }); // MISSING_USER_ID
    case 2:
      return JSON.stringify({ userId: '', eventType: 'view', timestamp: ts }); // MISSING_USER_ID
    case 3:
      return JSON.stringify({ userId: `user-${n}`, eventType: 'click', timestamp: String(ts) }); // BAD_TIMESTAMP
    case 4:
      return JSON.stringify({ userId: `user-${n}`, eventType: 'click', timestamp: Date.now() + 3 * 86_400_000 }); // BAD_TIMESTAMP
    case 5:
      return JSON.stringify([`user-${n}`, 'click', ts]); // NOT_AN_OBJECT
    default:
      return JSON.stringify({ userId: `user-${n}`, timestamp: ts }); // MISSING_EVENT_TYPE
  }
}

/** The value of the i-th valid click of user u: ~170-200 bytes, with fields the job must ignore. */
export function clickValue(i: number, u: number, userId: string, eventType: string, timestamp: number): string {
  return (
    `{"userId":"${userId}","eventType":"${eventType}","timestamp":${timestamp},"sessionId":"s-${u.toString(36)}-${(i % 97).toString(36)}",` +
    `"page":"/product/${i % 50_021}","device":"${DEVICES[i % DEVICES.length]}","country":"${COUNTRIES[u % COUNTRIES.length]}","ua":"Mozilla/5.0 (X11; Linux x86_64)"}`
  );
}

/** The shop workload's fields of an event: a skewed product (from its own PRNG), the user's region. */
function shopFields(random: () => number, products: number, u: number): { productId: string; region: string } {
  const r = random();
  return { productId: `sku-${Math.floor(r * r * products)}`, region: REGIONS[u % REGIONS.length] as string };
}

export async function produceWorkload(kafka: Kafka, options: WorkloadOptions, onProgress?: (sent: number) => void): Promise<Workload> {
  const random = prng(options.seed);
  const shop = options.kind === 'shop';
  const shopRandom = prng(options.seed + 1);
  const products = options.products ?? 1_000;
  // A few hours back, on a window boundary: every timestamp is valid "now" and far from the future bound.
  const start = Math.floor((Date.now() - 3 * 3_600_000) / WINDOW_MS) * WINDOW_MS;
  const windows = Math.ceil(options.spanMs / WINDOW_MS) + 1;
  const badEvery = options.badRatio > 0 ? Math.max(1, Math.round(1 / options.badRatio)) : Number.POSITIVE_INFINITY;
  const userDigits = String(options.users - 1).length;
  const expected = new ExpectedCounts(options.users, windows, start, userDigits);
  const shopCounts = shop ? new ShopCounts(expected) : undefined;

  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const began = performance.now();
  // Concurrent send() calls of kafkajs may reach the broker in any order (measured: 30 s of event
  // time disorder with 4 sends in flight, hence late events). So each partition has its own chain
  // of sends, one at a time, and the partitions' chains run concurrently: order within a
  // partition is the order of generation, as a real producer with max.in.flight=1 keeps it.
  const chains: Array<Promise<void>> = Array.from({ length: options.partitions }, () => Promise.resolve());
  const inFlight = new Set<Promise<void>>();
  const limit = Math.max(options.inFlight, options.partitions);
  let failure: unknown;
  let sent = 0;
  let bytes = 0;
  let bad = 0;
  let badRoundRobin = 0;
  let maxTimestamp = start;
  const send = async (partition: number, messages: Message[]) => {
    while (inFlight.size >= limit) await Promise.race(inFlight);
    if (failure) throw failure;
    const link: Promise<void> = (chains[partition] as Promise<void>)
      .then(() => (failure ? undefined : producer.send({ topic: options.topic, messages, compression: CompressionTypes.None })))
      .then(
        () => {
          sent += messages.length;
          onProgress?.(sent);
        },
        (err: unknown) => {
          failure ??= err;
        },
      );
    chains[partition] = link;
    const tracked = link.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };

  try {
    const perPartition = options.batchSize;
    const batches: Message[][] = Array.from({ length: options.partitions }, () => []);
    const push = async (partition: number, message: Message) => {
      const batch = batches[partition] as Message[];
      batch.push(message);
      if (batch.length >= perPartition) {
        batches[partition] = [];
        await send(partition, batch);
      }
    };
    for (let i = 0; i < options.events; i++) {
      const u = Math.floor(random() * options.users);
      const userId = expected.userId(u);
      const type = Math.floor(random() * EVENT_TYPES.length);
      const eventType = EVENT_TYPES[type] as string;
      const ordered = start + Math.floor((i / options.events) * options.spanMs);
      const timestamp = Math.max(start, ordered - Math.floor(random() * options.disorderMs));
      if (timestamp > maxTimestamp) maxTimestamp = timestamp;
      const w = Math.floor((timestamp - start) / WINDOW_MS);
      expected.add(u, w, type);
      let value = clickValue(i, u, userId, eventType, timestamp);
      if (shopCounts) {
        const { productId, region } = shopFields(shopRandom, products, u);
        shopCounts.add(u, productId, region, timestamp);
        value = `${value.slice(0, -1)},"productId":"${productId}","region":"${region}"}`;
      }
      bytes += value.length;
      // Keyed by userId, partitioned by user (sluice must not rely on either).
      const partition = u % options.partitions;
      await push(partition, { key: userId, value, partition });
      if ((i + 1) % badEvery === 0) {
        const v = badValue(bad, timestamp);
        bytes += v.length;
        const p = badRoundRobin++ % options.partitions;
        await push(p, { key: bad % 3 === 0 ? null : `bad-${bad}`, value: v, partition: p });
        bad++;
      }
    }
    for (const [partition, batch] of batches.entries()) if (batch.length > 0) await send(partition, batch);
    await Promise.all(chains);
    if (failure) throw failure;
    // Trailing events: only after every real event is on the topic, one per partition, far ahead
    // in event time. Their own windows never close, so they write nothing.
    const trailingTs = maxTimestamp + 10 * WINDOW_MS;
    await producer.send({
      topic: options.topic,
      messages: Array.from({ length: options.partitions }, (_, partition) => ({
        partition,
        key: `trailer-${partition}`,
        value: JSON.stringify({
          userId: `trailer-${partition}`,
          eventType: 'view',
          timestamp: trailingTs,
          ...(shop ? { productId: `trailer-${partition}`, region: REGIONS[partition % REGIONS.length] } : {}),
        }),
      })),
    });
  } finally {
    await producer.disconnect();
  }
  const produceMs = performance.now() - began;
  return {
    topic: options.topic,
    partitions: options.partitions,
    validEvents: options.events,
    badRecords: bad,
    trailers: options.partitions,
    totalRecords: options.events + bad + options.partitions,
    expectedWindows: expected.results,
    valueBytes: bytes,
    produceMs,
    expected: (id) => expected.lookup(id),
    expectedResults: () => expected.all(),
    ...(shopCounts ? { shop: shopCounts.view() } : {}),
  };
}

/** The workload's flags, shared by the benches that produce it (issue 13's workload by default). */
export const WORKLOAD_FLAGS = {
  events: int(1_000_000, 'valid events to produce'),
  users: int(10_000, 'distinct userIds (10,000: issue 13; 100,000: the earlier end-to-end workload)'),
  partitions: int(6, 'partitions of the input topic'),
  spanMinutes: num(10, 'event time covered by the events'),
  disorderMs: int(2_000, 'largest event-time disorder (< 5000, the watermark bound)'),
  badRatio: num(0.01, 'bad records per valid event'),
  seed: int(42, 'seed of the event generator'),
  batchSize: int(2_500, 'producer: messages per send (one partition per send: ~2,500 x 190 B stays under 1 MiB)'),
  inFlight: int(4, 'producer: sends in flight'),
  workload: str(
    'clicks',
    "clicks: the clickstream contract's events; shop: the same, each with a productId and its user's region (examples/shop-activity.yaml's input; the built-in job ignores them)",
  ),
  products: int(1_000, 'shop workload: distinct productIds (skewed towards low numbers)'),
};

type WorkloadFlags = { [K in keyof typeof WORKLOAD_FLAGS]: (typeof WORKLOAD_FLAGS)[K]['default'] };

/** A fresh topic (deleted at the end) holding the workload; prints what it holds. */
export async function setUpWorkload(kafka: Kafka, o: WorkloadFlags): Promise<Workload> {
  if (o.disorderMs >= 5_000) throw new Error('--disorder-ms must stay below the 5000 ms watermark bound, or events would be late');
  if (o.workload !== 'clicks' && o.workload !== 'shop') throw new Error(`--workload: clicks or shop, got "${o.workload}"`);
  const topic = uniqueName('bench-clicks');
  await createTopics(kafka, [{ topic, partitions: o.partitions }]);
  onCleanup(() => deleteTopics(kafka, [topic]));
  const w = await produceWorkload(kafka, { ...o, topic, spanMs: o.spanMinutes * 60_000, kind: o.workload });
  const onTopic = sum(await endOffsets(kafka, topic));
  if (onTopic !== w.totalRecords) throw new Error(`the topic holds ${onTopic} records, expected ${w.totalRecords}`);
  const n = (x: number) => x.toLocaleString('en-US');
  process.stdout.write(
    `workload: ${n(w.totalRecords)} records on ${topic} (${n(w.validEvents)} valid, ${n(w.badRecords)} bad, ${w.trailers} trailing; ` +
      `${(w.valueBytes / w.totalRecords).toFixed(0)} B/value), ${n(o.users)} users, ${o.partitions} partitions, ${o.spanMinutes} min of event time; ` +
      `${n(w.expectedWindows)} results expected${w.shop ? ` (shop job: ${SHOP_AGGREGATIONS.map((a) => `${a} ${n(w.shop?.counts[a] ?? 0)}`).join(', ')})` : ''}; produced in ${(w.produceMs / 1000).toFixed(1)} s\n`,
  );
  return w;
}
