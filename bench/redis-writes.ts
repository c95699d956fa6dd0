/**
 * What a window close costs the Redis sink: --keys results (default 10,000, one per user, as when
 * the windows of 10,000 users close at one watermark) written through RedisSink and flushed, with
 * its two write modes in turn (the order alternates each run):
 *   script    the SETs of a batch inside a Lua script, one call per 1,000 keys (the default);
 *   pipeline  one SET command per key in a pipeline (what a user whose ACL refuses scripts gets).
 * Prints, per mode, the median over --runs of the time from write() to flush() resolved and the
 * main thread's CPU per key, plus the ratio; then checks every value and TTL in Redis.
 *
 * usage: npm run --silent build && node dist/bench/redis-writes.js [--runs 9] [--keys 10000] [--batch 5000]
 */
import { Redis } from 'ioredis';
import { clickstreamJob, type ClickCountResult } from '../src/job/clickstream.js';
import { RedisSink } from '../src/streams/sinks/redis.js';
import { silentLogger } from '../src/telemetry/logging.js';
import { redisUrl, uniqueName } from '../test/helpers/services.js';
import { int, parseFlags } from './lib/options.js';
import { fmt, median, table } from './lib/report.js';
import { header, runBench } from './lib/run.js';

const FLAGS = {
  runs: int(9, 'writes of --keys results per mode (medians reported)'),
  keys: int(10_000, 'results per write (distinct keys)'),
  batch: int(5_000, "SLUICE_REDIS_BATCH_SIZE (the daemon's default 5,000)"),
};
const MODES = ['script', 'pipeline'] as const;
const TTL_S = 86_400;

function ratioOf(by: Record<string, number[]>): number {
  return (median(by.pipeline ?? []) ?? Number.NaN) / (median(by.script ?? []) ?? Number.NaN);
}

async function main(): Promise<number> {
  const o = parseFlags('usage: node dist/bench/redis-writes.js [flags]', FLAGS);
  process.stdout.write(`${header(undefined)}\n`);
  const admin = new Redis(redisUrl());
  const prefix = `${uniqueName('bench-redis-writes')}:`;
  const sinks = Object.fromEntries(
    MODES.map((mode) => [
      mode,
      new RedisSink<ClickCountResult>({
        config: { url: redisUrl(), keyPrefix: `${prefix}${mode}:`, ttlSeconds: TTL_S, batchSize: o.batch, flushIntervalMs: 0 },
        job: clickstreamJob,
        logger: silentLogger,
        writeMode: mode,
      }),
    ]),
  ) as Record<(typeof MODES)[number], RedisSink<ClickCountResult>>;
  const ms: Record<string, number[]> = { script: [], pipeline: [] };
  const cpuUs: Record<string, number[]> = { script: [], pipeline: [] };
  let problems = 0;
  try {
    for (const sink of Object.values(sinks)) await sink.start();
    for (let run = 0; run < o.runs; run++) {
      const order = run % 2 === 0 ? MODES : [...MODES].reverse();
      for (const mode of order) {
        const windowStart = Date.UTC(2026, 0, 1) + run * 60_000;
        const results: ClickCountResult[] = Array.from({ length: o.keys }, (_, i) => ({
          userId: `user-${String(i).padStart(5, '0')}`,
          windowStart,
          windowEnd: windowStart + 60_000,
          count: (i % 17) + run + 1,
          byEventType: { click: (i % 17) + run + 1 },
        }));
        const cpu = process.cpuUsage();
        const t = performance.now();
        await sinks[mode].write(results);
        await sinks[mode].flush();
        ms[mode]?.push(performance.now() - t);
        const used = process.cpuUsage(cpu);
        cpuUs[mode]?.push((used.user + used.system) / o.keys);
        // Exact: every value, and the TTL of a sample.
        const keys = results.map((r) => `${prefix}${mode}:${r.userId}:${r.windowStart}`);
        const values = await admin.mget(...keys);
        problems += values.filter((v, i) => v !== String(results[i]?.count)).length;
        const ttls = await Promise.all(keys.filter((_, i) => i % 1000 === 0).map((k) => admin.ttl(k)));
        problems += ttls.filter((ttl) => ttl <= TTL_S - 10 || ttl > TTL_S).length;
      }
    }
  } finally {
    await Promise.allSettled(Object.values(sinks).map((s) => s.close()));
    const keys = await admin.keys(`${prefix}*`);
    for (let i = 0; i < keys.length; i += 10_000) await admin.del(...keys.slice(i, i + 10_000));
    admin.disconnect();
  }
  const row = (mode: (typeof MODES)[number]) => [
    mode,
    fmt(median(ms[mode] ?? []), 1),
    fmt(Math.min(...(ms[mode] ?? [])), 1),
    fmt(median(cpuUs[mode] ?? []), 2),
  ];
  process.stdout.write(
    [
      '',
      `${o.keys} results per write (distinct keys), SLUICE_REDIS_BATCH_SIZE ${o.batch}, ${o.runs} runs per mode, alternating order`,
      table([['mode', 'write -> flushed ms (median)', 'min ms', 'main-thread CPU µs per key (median)'], row('script'), row('pipeline')]),
      `pipeline / script: ${fmt(ratioOf(ms), 2)}x the time, ${fmt(ratioOf(cpuUs), 2)}x the CPU`,
      `outputs: ${problems === 0 ? 'exact (every value; TTL of every 1,000th key)' : `${problems} WRONG`}`,
      '',
    ].join('\n'),
  );
  return problems === 0 ? 0 : 1;
}

runBench(main);
