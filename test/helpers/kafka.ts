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

export async function createTopics(
  kafka: Kafka,
  topics: Array<{ topic: string; partitions: number; maxMessageBytes?: number }>,
): Promise<void> {
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

export interface TopicRead {
  records: ReadRecord[];
  /** Every partition was read up to the end offsets taken once `expected` records had arrived. */
  complete: boolean;
  /** partition -> the end offset read up to (or that was not reached, when incomplete). */
  ends: Map<number, number>;
}

/**
 * Read a topic from the beginning with a fresh consumer group (read_committed, kafkajs's default;
 * `readUncommitted` also returns the records of open and aborted transactions) until `expected`
 * records arrived AND every partition was read to its end (the end offsets are taken once
 * `expected` records are in, so records beyond the expected count, e.g. duplicates, are read too,
 * never cut off), or the time is up. Control records (transaction markers), and for
 * read_committed aborted records, count as read (the position moves past them) but are not returned.
 */
export async function readTopicToEnd(
  kafka: Kafka,
  topic: string,
  expected: number,
  timeoutMs = 60_000,
  { readUncommitted = false }: { readUncommitted?: boolean } = {},
): Promise<TopicRead> {
  const consumer = kafka.consumer({
    groupId: `reader-${topic}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
    maxWaitTimeInMs: 200,
    readUncommitted,
  });
  const admin = kafka.admin();
  const records: ReadRecord[] = [];
  /** partition -> the next offset to read (every batch counts, also one of only control records). */
  const positions = new Map<number, number>();
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    if (payload.topic !== topic) return;
    const next = Number(payload.lastOffset) + 1;
    if (next > (positions.get(payload.partition) ?? 0)) positions.set(payload.partition, next);
  });
  const deadline = Date.now() + timeoutMs;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  let ends = new Map<number, number>();
  let complete = false;
  await admin.connect();
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
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
      },
    });
    while (records.length < expected && Date.now() < deadline) await sleep(100);
    // The ends as of now: everything written so far, beyond the expected count too.
    const offsets = await admin.fetchTopicOffsets(topic);
    ends = new Map(offsets.filter((o) => Number(o.high) > Number(o.low)).map((o) => [o.partition, Number(o.high)]));
    const reachedEnds = () => [...ends].every(([p, end]) => (positions.get(p) ?? 0) >= end);
    // Past the deadline, still give the tail a moment: the count may be in, its end not read yet.
    const tailDeadline = Math.max(deadline, Date.now() + 10_000);
    while (!(complete = reachedEnds()) && Date.now() < tailDeadline) await sleep(100);
  } finally {
    await consumer.disconnect();
    await admin.disconnect();
  }
  return { records, complete, ends };
}

/**
 * Read a topic from the beginning until `expected` records arrived and every partition was read to
 * its end, or the time is up (see readTopicToEnd): records beyond `expected` are returned too.
 */
export async function readTopic(kafka: Kafka, topic: string, expected: number, timeoutMs = 60_000): Promise<ReadRecord[]> {
  return (await readTopicToEnd(kafka, topic, expected, timeoutMs)).records;
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
