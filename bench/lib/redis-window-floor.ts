/**
 * The latency bench's floor (bench/latency.ts --system floor): the least work that gets a window's
 * result into Redis after its close, run on the same machine under the same load as the daemon.
 * One thread: kafkajs with sluice's record decoding, sluice's parser on every value, the built-in
 * job's aggregate (clickCountAggregate) per user and tumbling window in a Map, the watermark (min
 * over partitions of the latest event time, minus the bound, minus 1 ms), and each closed window's
 * results written through sluice's own RedisSink (the same packed script, batch size, flush interval
 * and pipelines in flight as the daemon's: the configuration is loaded the same way). No window
 * workers, state store, checkpoints, dead letters, late events or Elasticsearch: a bound on what
 * the daemon's close-to-Redis latency can be here, which its work can only add to.
 *
 * usage: node dist/bench/lib/redis-window-floor.js   (configured by the daemon's SLUICE_* variables:
 *   SLUICE_KAFKA_BROKERS, SLUICE_KAFKA_TOPIC, SLUICE_KAFKA_GROUP_ID, SLUICE_WINDOW_MS,
 *   SLUICE_OUT_OF_ORDERNESS_MS, SLUICE_REDIS_*)
 * Prints `ready` on stdout once its consumer has joined; on SIGTERM it flushes the sink, prints one
 * JSON line (FloorReport) and exits 0.
 */
import { loadConfig } from '../../src/config.js';
import { DEFAULT_FETCH_PARTITION_BYTES, fetchMaxBytes } from '../../src/config/runtime-defaults.js';
import { type ClickCountAccumulator, clickCountAggregate, clickstreamJob, type ClickCountResult } from '../../src/job/clickstream.js';
import { parseClick } from '../../src/streams/operators/records.js';
import { RedisSink } from '../../src/streams/sinks/redis.js';
import { installFastRecordDecoding } from '../../src/streams/sources/kafka-record-decoding.js';
import { silentLogger } from '../../src/telemetry/logging.js';

export interface FloorReport {
  records: number;
  valid: number;
  invalid: number;
  windowsFired: number;
  resultsWritten: number;
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  if (!config.kafka || !config.redis) throw new Error('the floor needs SLUICE_KAFKA_BROKERS and SLUICE_REDIS_URL');
  const install = installFastRecordDecoding();
  if (!install.installed) throw new Error(`sluice's record decoding is not installed: ${install.reason}`);
  // Loaded after the decoder swap: kafkajs takes its record decoder when it loads.
  const { Kafka, logLevel } = await import('kafkajs');
  const { sizeMs: windowMs, outOfOrdernessMs } = config.windows;
  const sink = new RedisSink<ClickCountResult>({ config: config.redis, job: clickstreamJob, logger: silentLogger });
  await sink.start();

  const kafka = new Kafka({ clientId: 'sluice-bench-floor', brokers: config.kafka.brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({
    groupId: config.kafka.groupId,
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
    maxBytesPerPartition: DEFAULT_FETCH_PARTITION_BYTES,
    maxBytes: fetchMaxBytes(DEFAULT_FETCH_PARTITION_BYTES),
  });
  const admin = kafka.admin();
  await admin.connect();
  const { partitions } = (await admin.fetchTopicMetadata({ topics: [config.kafka.topic] })).topics[0] ?? { partitions: [] };
  await admin.disconnect();
  const report: FloorReport = { records: 0, valid: 0, invalid: 0, windowsFired: 0, resultsWritten: 0 };
  /** Window start -> user -> the job's accumulator, for the windows still open. */
  const open = new Map<number, Map<string, ClickCountAccumulator>>();
  const latest = new Map<number, number>();
  consumer.on(consumer.events.GROUP_JOIN, () => process.stdout.write('ready\n'));
  await consumer.connect();
  await consumer.subscribe({ topics: [config.kafka.topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: 1,
    eachBatch: async ({ batch }) => {
      const now = Date.now();
      let max = latest.get(batch.partition) ?? Number.NEGATIVE_INFINITY;
      for (const m of batch.messages) {
        report.records++;
        const parsed = parseClick(m.value, now);
        if (!parsed.ok) {
          report.invalid++;
          continue;
        }
        report.valid++;
        const { userId, timestamp } = parsed.event;
        if (timestamp > max) max = timestamp;
        const start = timestamp - (timestamp % windowMs);
        let users = open.get(start);
        if (users === undefined) open.set(start, (users = new Map()));
        let acc = users.get(userId);
        if (acc === undefined) users.set(userId, (acc = clickCountAggregate.createAccumulator()));
        clickCountAggregate.add(acc, parsed.event);
      }
      latest.set(batch.partition, max);
      if (latest.size < partitions.length) return;
      const watermark = Math.min(...latest.values()) - outOfOrdernessMs - 1;
      for (const start of [...open.keys()].sort((a, b) => a - b)) {
        if (start + windowMs - 1 > watermark) break;
        const users = open.get(start) as Map<string, ClickCountAccumulator>;
        open.delete(start);
        const window = { start, end: start + windowMs };
        const results: ClickCountResult[] = [];
        for (const [userId, acc] of users) results.push(clickCountAggregate.result(acc, userId, window));
        report.windowsFired++;
        report.resultsWritten += results.length;
        // The sink's bounded buffer: a slow Redis holds the consumer back, as in the daemon.
        await sink.write(results);
      }
    },
  });
  await new Promise<void>((resolve) => process.once('SIGTERM', resolve));
  await consumer.disconnect();
  await sink.close();
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`redis window floor failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
