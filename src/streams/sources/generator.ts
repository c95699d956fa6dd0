/**
 * The built-in click generator: the source of the embedded default (no Kafka configured).
 *
 * It produces contract-shaped JSON values, as if read from a topic with a few partitions, with
 * event times slightly out of order and a small share of bad records, so every path of the job
 * (windows, dead letters) is visible. Event time starts an hour back and runs `speedup` times
 * faster than the wall clock until it catches up with it, so windows close within seconds.
 */
import type { SourceHandler, SourceRecord } from './source.js';

export interface GeneratorOptions {
  eventsPerSecond: number;
  users: number;
  speedup: number;
  /** Stop after this many records (0 = never). */
  maxEvents: number;
  partitions?: number;
  /** Share of records that are deliberately bad (dead letters). */
  badRatio?: number;
  /** Out-of-orderness of generated event times, below the default 5 s watermark bound. */
  maxDelayMs?: number;
  seed?: number;
}

export const GENERATOR_TOPIC = 'generator';
const TICK_MS = 50;
const EVENT_TYPES: ReadonlyArray<[string, number]> = [
  ['view', 0.6],
  ['click', 0.28],
  ['add_to_cart', 0.09],
  ['purchase', 0.03],
];

/** A small seeded PRNG (mulberry32) so a generated stream can be reproduced. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class ClickGenerator {
  private readonly random: () => number;
  private readonly partitions: number;
  private readonly nextOffset: number[];
  private produced = 0;

  constructor(
    private readonly options: GeneratorOptions,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.random = prng(options.seed ?? 0x5eed);
    this.partitions = options.partitions ?? 3;
    this.nextOffset = new Array<number>(this.partitions).fill(0);
  }

  partitionIds(): number[] {
    return Array.from({ length: this.partitions }, (_, i) => i);
  }

  /** Produce until `signal` aborts or maxEvents is reached; resolves with which of the two. */
  async run(handler: SourceHandler, signal: AbortSignal): Promise<'exhausted' | 'stopped'> {
    handler.onAssign(this.partitionIds());
    const startWall = this.now();
    const eventClockStart = startWall - 60 * 60 * 1000;
    const { eventsPerSecond, maxEvents } = this.options;
    while (!signal.aborted) {
      const wall = this.now();
      const target = Math.floor(((wall - startWall) / 1000) * eventsPerSecond) + 1;
      let due = Math.min(target - this.produced, eventsPerSecond);
      if (maxEvents > 0) due = Math.min(due, maxEvents - this.produced);
      if (due > 0) {
        const eventNow = Math.min(eventClockStart + (wall - startWall) * this.options.speedup, wall);
        await this.emit(due, eventNow, wall, handler);
      }
      if (maxEvents > 0 && this.produced >= maxEvents) return 'exhausted';
      await this.sleep(TICK_MS);
    }
    return 'stopped';
  }

  private async emit(count: number, eventNow: number, wall: number, handler: SourceHandler): Promise<void> {
    const byPartition: SourceRecord[][] = Array.from({ length: this.partitions }, () => []);
    const badRatio = this.options.badRatio ?? 0.005;
    const maxDelay = this.options.maxDelayMs ?? 3000;
    for (let i = 0; i < count; i++) {
      const user = Math.floor(this.random() * this.options.users);
      const partition = user % this.partitions;
      const timestamp = Math.floor(eventNow - this.random() * maxDelay);
      const value = this.random() < badRatio ? this.badValue(user, timestamp) : this.goodValue(user, timestamp);
      const offset = this.nextOffset[partition] ?? 0;
      this.nextOffset[partition] = offset + 1;
      byPartition[partition]?.push({
        offset: String(offset),
        value: Buffer.from(value),
        key: Buffer.from(`user-${user}`),
        timestamp: String(wall),
      });
    }
    this.produced += count;
    for (let partition = 0; partition < this.partitions; partition++) {
      const records = byPartition[partition];
      if (records && records.length > 0) await handler.onBatch({ topic: GENERATOR_TOPIC, partition, records });
    }
  }

  private goodValue(user: number, timestamp: number): string {
    let pick = this.random();
    let eventType = 'view';
    for (const [type, share] of EVENT_TYPES) {
      if (pick < share) {
        eventType = type;
        break;
      }
      pick -= share;
    }
    return JSON.stringify({ userId: `user-${user}`, eventType, timestamp, page: `/p/${user % 97}` });
  }

  private badValue(user: number, timestamp: number): string {
    switch (Math.floor(this.random() * 3)) {
      case 0:
        return `{"userId":"user-${user}","eventType":"click","timestamp":`;
      case 1:
        return JSON.stringify({ userId: null, eventType: 'view', timestamp });
      default:
        return JSON.stringify({ userId: `user-${user}`, eventType: 'view', timestamp: 'yesterday' });
    }
  }
}
