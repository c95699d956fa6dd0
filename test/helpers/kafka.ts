/**
 * Kafka test helpers on the real broker: topics created up front (never auto-created, see
 * STACK.md), with unlimited retention so records stamped with old event times are not deleted.
 */
import { Kafka, logLevel, type Admin, type IHeaders, type KafkaMessage } from 'kafkajs';

export function kafkaBrokers(): string[] {
  return (process.env.SLUICE_TEST_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
}

export function testKafka(clientId = 'sluice-test'): Kafka {
  return new Kafka({ clientId, brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
}

export async function createTopics(kafka: Kafka, topics: Array<{ topic: string; partitions: number; maxMessageBytes?: number }>): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map((t) => ({
        topic: t.topic,
        numPartitions: t.partitions,
        configEntries: [
          { name: 'retention.ms', value: '-1' },
          ...(t.maxMessageBytes ? [{ name: 'max.message.bytes', value: String(t.maxMessageBytes) }] : []),
        ],
      })),
    });
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTopics(kafka: Kafka, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const mine = topics.filter((t) => existing.has(t));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine });
  } finally {
    await admin.disconnect();
  }
}

export interface ReadRecord {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
  timestamp: string;
}

function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.map(String).join(',') : String(v);
  }
  return out;
}

/** Read a topic from the beginning until `expected` records arrived or the time is up. */
export async function readTopic(kafka: Kafka, topic: string, expected: number, timeoutMs = 60_000): Promise<ReadRecord[]> {
  const consumer = kafka.consumer({ groupId: `reader-${topic}-${Date.now()}`, maxWaitTimeInMs: 200 });
  const records: ReadRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let done!: () => void;
    const enough = new Promise<void>((resolve) => (done = resolve));
    if (expected === 0) done();
    await consumer.run({
      eachMessage: async ({ partition, message }: { partition: number; message: KafkaMessage }) => {
        records.push({
          partition,
          offset: message.offset,
          key: message.key ? Buffer.from(message.key) : null,
          value: message.value ? Buffer.from(message.value) : null,
          headers: headersToStrings(message.headers),
          timestamp: message.timestamp,
        });
        if (records.length >= expected) done();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([enough, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    // A short grace period catches records beyond the expected count ("nothing else was written").
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/**
 * A group's committed offsets for `topic` (-1: none), by partition. Retries what the broker calls
 * retriable (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS right after the broker starts), which
 * kafkajs's fetchOffsets passes through.
 */
export async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<Map<number, number>> {
  for (let attempt = 1; ; attempt++) {
    try {
      const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return new Map((t?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    } catch (err) {
      const retriable = (err as { retriable?: boolean }).retriable === true;
      if (!retriable || attempt >= 20) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }
}
