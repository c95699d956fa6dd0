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
 * usage: node dist/bench/lib/kafkajs-consumer.js <brokers> <topic> <groupId> <expectedRecords> --count-windows <windowMs>
 *   The least work a job over this topic must do, all on the consuming thread: the same consumer,
 *   plus sluice's parser and validation on every value (`parseClick`, what any job needs to read
 *   the fields) and a count per user and tumbling window, with per-event-type counts (the built-in
 *   job's result) in a Map. No watermark, no state store, no threads, no checkpoint, no output: a
 *   bound on what one consuming thread can do here, which the daemon's work can only add to.
 *   The report gains `valid`, `invalid` and `windows` (distinct user windows).
 * usage: node dist/bench/lib/kafkajs-consumer.js <brokers> <topic> <groupId> <expectedRecords> --parse
 *   The same without the count: what reading the job's fields costs on the consuming thread, the
 *   floor under any job over this topic. The report gains `valid` and `invalid`.
 * usage: node dist/bench/lib/kafkajs-consumer.js <brokers> <topic> <groupId> <expectedRecords> --count-windows-in-thread <windowMs>
 *   The same work as --count-windows, but the consuming thread only decodes: it packs each batch's
 *   values into one buffer and hands it to another thread (parse-count-thread.ts), which parses and
 *   counts and sends back the valid events' times; the consuming thread keeps the latest time per
 *   partition (what its watermark would need). The floor of a design that parses on the second
 *   core. It is done when that thread has counted every record.
 * --sluice-decoding (after <expectedRecords>, with any of the above): kafkajs decodes records with
 *   sluice's record decoding (src/streams/sources/kafka-record-decoding.ts), as the daemon does.
 * All times are ms since this process started (performance.now()) unless named epoch.
 */
import { DEFAULT_FETCH_PARTITION_BYTES, fetchMaxBytes } from '../../src/config/runtime-defaults.js';
import { parseClick } from '../../src/streams/operators/records.js';
import { installFastRecordDecoding } from '../../src/streams/sources/kafka-record-decoding.js';
import { Worker } from 'node:worker_threads';
import type { PackedBatch, ParsedTimes, ThreadCounts } from './parse-count-thread.js';
import { UserWindowCounts } from './user-window-counts.js';
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
  /** --parse and --count-windows: valid and refused records; --count-windows: the user windows counted. */
  valid?: number;
  invalid?: number;
  windows?: number;
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
  const args = process.argv.slice(2);
  const sluiceDecoding = args.includes('--sluice-decoding');
  const [brokers, topic, groupId, expectedRaw, flag, flagArg] = args.filter((a) => a !== '--sluice-decoding');
  const expected = Number(expectedRaw);
  const watch = flag === '--watch-close' && flagArg ? flagArg.split(',').map(Number) : undefined;
  const inThread = flag === '--count-windows-in-thread';
  const countWindowMs = flag === '--count-windows' || inThread ? Number(flagArg) : undefined;
  const parse = flag === '--parse' || (countWindowMs !== undefined && !inThread);
  if (
    !brokers ||
    !topic ||
    !groupId ||
    !Number.isSafeInteger(expected) ||
    (flag !== undefined && !watch && !parse && !inThread) ||
    (watch && watch.length !== 3) ||
    (countWindowMs !== undefined && !(Number.isSafeInteger(countWindowMs) && countWindowMs > 0))
  ) {
    process.stderr.write(
      'usage: kafkajs-consumer <brokers> <topic> <groupId> <expectedRecords> [--watch-close windowMs,boundMs,partitions | --count-windows windowMs | --count-windows-in-thread windowMs | --parse] [--sluice-decoding]\n',
    );
    process.exit(2);
  }
  if (sluiceDecoding) {
    const install = installFastRecordDecoding();
    if (!install.installed) throw new Error(`sluice's record decoding is not installed: ${install.reason}`);
  }
  // Loaded here, after the choice of decoder: kafkajs takes its record decoder when it loads.
  const { Kafka, logLevel } = await import('kafkajs');
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
  // --count-windows: "userId:windowStart" -> counts.
  const windows = countWindowMs !== undefined && !inThread ? new UserWindowCounts(countWindowMs) : undefined;
  let valid = 0;
  let invalid = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  // --count-windows-in-thread: the thread that parses and counts, and the latest time per partition it reported.
  const thread = inThread ? new Worker(new URL('./parse-count-thread.js', import.meta.url), { workerData: countWindowMs }) : undefined;
  const latest = new Map<number, number>();
  let threadCounts: ThreadCounts | undefined;
  let countsArrived!: () => void;
  const counted = new Promise<void>((resolve) => (countsArrived = resolve));
  thread?.on('message', (m: ParsedTimes | ThreadCounts) => {
    if ('times' in m) {
      const times = new Float64Array(m.times, 0, m.valid);
      let max = latest.get(m.partition) ?? Number.NEGATIVE_INFINITY;
      for (let i = 0; i < times.length; i++) if ((times[i] as number) > max) max = times[i] as number;
      latest.set(m.partition, max);
      return;
    }
    threadCounts = m;
    countsArrived();
  });
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
      if (thread) {
        let size = 0;
        for (const m of batch.messages) size += m.value ? m.value.length : 0;
        const bytes = new Uint8Array(size);
        const ends = new Int32Array(n);
        let at = 0;
        for (let i = 0; i < n; i++) {
          const value = (batch.messages[i] as { value: Buffer | null }).value;
          if (value === null) {
            ends[i] = -1;
            continue;
          }
          bytes.set(value, at);
          at += value.length;
          ends[i] = at;
        }
        const packed: PackedBatch = { partition: batch.partition, bytes: bytes.buffer, ends: ends.buffer };
        thread.postMessage(packed, [bytes.buffer, ends.buffer]);
      }
      if (parse) {
        const now = Date.now();
        for (const m of batch.messages) {
          const parsed = parseClick(m.value, now);
          if (!parsed.ok) {
            invalid++;
            continue;
          }
          valid++;
          windows?.add(parsed.event);
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
  if (thread) {
    // Done when the thread has counted every record: the floor includes its work.
    thread.postMessage('done');
    await counted;
    report.lastRecordMs = performance.now();
    await thread.terminate();
  }
  const usage = process.resourceUsage();
  const threads = threadCpuSeconds('self');
  report.maxRssKiB = usage.maxRSS;
  report.cpuUserS = usage.userCPUTime / 1e6;
  report.cpuSystemS = usage.systemCPUTime / 1e6;
  report.mainThreadCpuS = threads.find((t) => t.main)?.cpuS ?? 0;
  report.otherThreadsCpuS = Math.max(0, report.cpuUserS + report.cpuSystemS - report.mainThreadCpuS);
  if (parse) Object.assign(report, { valid, invalid, ...(windows ? { windows: windows.size } : {}) });
  if (threadCounts) Object.assign(report, threadCounts);
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
