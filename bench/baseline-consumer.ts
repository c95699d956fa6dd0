/**
 * The baseline, run as its own process so its memory is its own: raw kafkajs consume-and-discard
 * of a whole topic with a fresh group, `eachBatch`, no auto-commit, the same consumer settings as
 * sluice's Kafka source (src/streams/kafka-source.ts). It counts messages, resolves offsets,
 * heartbeats, and nothing else.
 *
 * usage: node dist/bench/baseline-consumer.js <brokers> <topic> <groupId> <expectedRecords>
 * Prints one JSON line (BaselineReport) on stdout when every expected record was seen.
 * All times are ms since this process started (performance.now()).
 */
import { Kafka, logLevel } from 'kafkajs';

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
}

async function main(): Promise<void> {
  const [brokers, topic, groupId, expectedRaw] = process.argv.slice(2);
  const expected = Number(expectedRaw);
  if (!brokers || !topic || !groupId || !Number.isSafeInteger(expected)) {
    process.stderr.write('usage: baseline-consumer <brokers> <topic> <groupId> <expectedRecords>\n');
    process.exit(2);
  }
  const kafka = new Kafka({ clientId: 'sluice-bench-baseline', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
    maxBytesPerPartition: 1024 * 1024,
    maxBytes: 10 * 1024 * 1024,
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
  };
  consumer.on(consumer.events.GROUP_JOIN, () => {
    if (report.joinedMs === 0) report.joinedMs = performance.now();
  });
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
      resolveOffset((batch.messages[n - 1] as { offset: string }).offset);
      await heartbeat();
      if (report.records >= expected && report.lastRecordMs === 0) {
        report.lastRecordMs = performance.now();
        done();
      }
    },
  });
  await finished;
  const usage = process.resourceUsage();
  report.maxRssKiB = usage.maxRSS;
  report.cpuUserS = usage.userCPUTime / 1e6;
  report.cpuSystemS = usage.systemCPUTime / 1e6;
  process.stdout.write(JSON.stringify(report) + '\n');
  await consumer.disconnect();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`baseline consumer failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
