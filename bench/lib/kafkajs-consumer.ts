/**
 * The physical baseline, run as its own process so its memory and CPU are its own: raw kafkajs
 * consume-and-discard of a whole topic with a fresh group, `eachBatch`, no auto-commit, the same
 * consumer settings as sluice's Kafka source (its default fetch sizes). It counts messages,
 * resolves offsets, heartbeats, and nothing else.
 *
 * usage: node dist/bench/lib/kafkajs-consumer.js <brokers> <topic> <groupId> <expectedRecords>
 *   Prints one JSON line (BaselineReport) on stdout when every expected record was seen.
 * usage: node dist/bench/lib/kafkajs-consumer.js <brokers> <topic> <groupId> 0 --watch-close <windowMs>,<boundMs>,<partitions>
 *   Runs until killed; prints one JSON line (CloseSeen) the moment it has seen, on every partition,
 *   an event time >= a window's end + bound: the earliest any consumer can know the window closed.
 * All times are ms since this process started (performance.now()) unless named epoch.
 */
import { Kafka, logLevel } from 'kafkajs';
import { DEFAULT_FETCH_PARTITION_BYTES, fetchMaxBytes } from '../../src/config/runtime-defaults.js';
import { threadCpuSeconds } from './proc.js';

export interface BaselineReport {
  records: number;
  connectStartMs: number;
  subscribedMs: number;
  /** consumer.run() called: from here on the time includes the group join. */
  runMs: number;
  joinedMs: number;
  firstBatchMs: number;
  lastRecordMs: number;
  maxRssKiB: number;
  cpuUserS: number;
  cpuSystemS: number;
  /** CPU of the main thread (kafkajs and the loop) and of all other threads (V8, libuv). */
  mainThreadCpuS: number;
  otherThreadsCpuS: number;
}

export interface CloseSeen {
  windowEnd: number;
  seenAtEpochMs: number;
}

/** The event time of a click value, read without a JSON parse (the watcher only needs this). */
function timestampOf(value: Buffer | null): number {
  if (!value) return Number.NaN;
  const at = value.indexOf('"timestamp":');
  if (at < 0) return Number.NaN;
  let n = 0;
  let i = at + 12;
  for (let c = value[i]; c !== undefined && c >= 48 && c <= 57; c = value[++i]) n = n * 10 + (c - 48);
  return i > at + 12 ? n : Number.NaN;
}

async function main(): Promise<void> {
  const [brokers, topic, groupId, expectedRaw, watchFlag, watchArg] = process.argv.slice(2);
  const expected = Number(expectedRaw);
  const watch = watchFlag === '--watch-close' && watchArg ? watchArg.split(',').map(Number) : undefined;
  if (!brokers || !topic || !groupId || !Number.isSafeInteger(expected) || (watch && watch.length !== 3)) {
    process.stderr.write(
      'usage: kafkajs-consumer <brokers> <topic> <groupId> <expectedRecords> [--watch-close windowMs,boundMs,partitions]\n',
    );
    process.exit(2);
  }
  const kafka = new Kafka({ clientId: 'sluice-bench-baseline', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  // sluice's default fetch sizes (SLUICE_KAFKA_FETCH_PARTITION_BYTES in this process's environment overrides).
  const partitionBytes = Number(process.env.SLUICE_KAFKA_FETCH_PARTITION_BYTES ?? DEFAULT_FETCH_PARTITION_BYTES);
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
    maxBytesPerPartition: partitionBytes,
    maxBytes: fetchMaxBytes(partitionBytes),
  });
  const report: BaselineReport = {
    records: 0,
    connectStartMs: performance.now(),
    subscribedMs: 0,
    runMs: 0,
    joinedMs: 0,
    firstBatchMs: 0,
    lastRecordMs: 0,
    maxRssKiB: 0,
    cpuUserS: 0,
    cpuSystemS: 0,
    mainThreadCpuS: 0,
    otherThreadsCpuS: 0,
  };
  consumer.on(consumer.events.GROUP_JOIN, () => {
    if (report.joinedMs === 0) report.joinedMs = performance.now();
  });
  // --watch-close: the max event time seen per partition, and the next window end to report.
  const [windowMs = 60_000, boundMs = 5_000, partitions = 1] = watch ?? [];
  const maxTs = new Map<number, number>();
  let nextEnd = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  report.subscribedMs = performance.now();
  report.runMs = performance.now();
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: 1,
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      const n = batch.messages.length;
      if (n === 0) return;
      if (report.firstBatchMs === 0) report.firstBatchMs = performance.now();
      report.records += n;
      if (watch) {
        let max = maxTs.get(batch.partition) ?? 0;
        for (const m of batch.messages) max = Math.max(max, timestampOf(m.value) || 0);
        maxTs.set(batch.partition, max);
        if (maxTs.size === partitions) {
          const low = Math.min(...maxTs.values());
          if (nextEnd === 0) nextEnd = Math.floor((low - boundMs) / windowMs) * windowMs;
          for (; low >= nextEnd + boundMs; nextEnd += windowMs) {
            process.stdout.write(JSON.stringify({ windowEnd: nextEnd, seenAtEpochMs: Date.now() } satisfies CloseSeen) + '\n');
          }
        }
      }
      resolveOffset((batch.messages[n - 1] as { offset: string }).offset);
      await heartbeat();
      if (!watch && report.records >= expected && report.lastRecordMs === 0) {
        report.lastRecordMs = performance.now();
        done();
      }
    },
  });
  await finished;
  const usage = process.resourceUsage();
  const threads = threadCpuSeconds('self');
  report.maxRssKiB = usage.maxRSS;
  report.cpuUserS = usage.userCPUTime / 1e6;
  report.cpuSystemS = usage.systemCPUTime / 1e6;
  report.mainThreadCpuS = threads.find((t) => t.main)?.cpuS ?? 0;
  report.otherThreadsCpuS = Math.max(0, report.cpuUserS + report.cpuSystemS - report.mainThreadCpuS);
  process.stdout.write(JSON.stringify(report) + '\n');
  await consumer.disconnect();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`kafkajs consumer failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
