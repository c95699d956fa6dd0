/**
 * Reads a whole topic with a kafkajs consumer, as the daemon's consumer does (eachBatch,
 * read_committed, sluice's fetch sizes), and prints every record it is handed as one JSON line:
 * partition, offset, timestamp, key, value (base64), headers, in order. Stops once it has seen a
 * record whose value is `END` on every partition. Run as its own process, so that kafkajs is loaded
 * fresh: with `--sluice-decoding`, after installing sluice's record decoding, as `sluice run` does.
 *
 * usage: node dist/test/helpers/dump-topic.js <brokers> <topic> <partitions> [--sluice-decoding]
 */
import { DEFAULT_FETCH_PARTITION_BYTES, fetchMaxBytes } from '../../src/config/runtime-defaults.js';
import { installFastRecordDecoding } from '../../src/streams/sources/kafka-record-decoding.js';

const bytes = (b: Buffer | null): string | null => (b === null ? null : b.toString('base64'));

function headerText(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(headerText);
  if (Buffer.isBuffer(value)) return value.toString('base64');
  // kafkajs's own quirks (an inherited property read as a header's earlier value) show as their type.
  return value === null ? null : `<${typeof value}>`;
}

async function main(): Promise<void> {
  const [brokers, topic, partitionsRaw, flag] = process.argv.slice(2);
  const partitions = Number(partitionsRaw);
  if (!brokers || !topic || !Number.isSafeInteger(partitions) || (flag !== undefined && flag !== '--sluice-decoding')) {
    process.stderr.write('usage: dump-topic <brokers> <topic> <partitions> [--sluice-decoding]\n');
    process.exit(2);
  }
  if (flag) {
    const install = installFastRecordDecoding();
    if (!install.installed) throw new Error(`not installed: ${install.reason}`);
  }
  const { Kafka, logLevel } = await import('kafkajs');
  const kafka = new Kafka({ clientId: 'sluice-test-dump', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({
    groupId: `dump-${process.pid}-${Date.now()}`,
    maxBytesPerPartition: DEFAULT_FETCH_PARTITION_BYTES,
    maxBytes: fetchMaxBytes(DEFAULT_FETCH_PARTITION_BYTES),
  });
  const ended = new Set<number>();
  const lines: string[] = [];
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) {
        const headers = Object.entries(m.headers ?? {}).map(([k, v]) => [k, headerText(v)]);
        lines.push(
          JSON.stringify({
            p: batch.partition,
            offset: m.offset,
            timestamp: m.timestamp,
            key: bytes(m.key),
            value: bytes(m.value),
            headers,
          }),
        );
        if (m.value?.toString() === 'END') ended.add(batch.partition);
      }
      if (ended.size === partitions) finish();
    },
  });
  await done;
  await consumer.disconnect();
  // A pipe is written asynchronously: exit only once all of it is out.
  await new Promise<void>((resolve) => process.stdout.write(`${lines.join('\n')}\n`, () => resolve()));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`dump-topic failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
