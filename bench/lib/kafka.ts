/** Kafka look-ups the benches make around a run (the test helpers do topics and committed offsets). */
import type { Kafka } from 'kafkajs';
import { committedOffsets } from '../../test/helpers/kafka.js';

export const sum = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);

async function withAdmin<T>(kafka: Kafka, fn: (admin: ReturnType<Kafka['admin']>) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

/** The high watermark (offset after the last record) of each partition. */
export function endOffsets(kafka: Kafka, topic: string): Promise<Map<number, number>> {
  return withAdmin(kafka, async (admin) => new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.high)])));
}

/** Records on a topic (0 when it does not exist): dead letters, late events. */
export async function topicRecords(kafka: Kafka, topic: string): Promise<number> {
  return withAdmin(kafka, async (admin) => {
    if (!(await admin.listTopics()).includes(topic)) return 0;
    return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  });
}

export function groupOffsets(kafka: Kafka, groupId: string, topic: string): Promise<Map<number, number>> {
  return withAdmin(kafka, (admin) => committedOffsets(admin, groupId, topic));
}

export function deleteGroups(kafka: Kafka, groups: string[]): Promise<void> {
  return withAdmin(kafka, async (admin) => {
    await admin.deleteGroups(groups).catch(() => undefined);
  });
}

/** Records on the topic beyond the group's committed offsets (what kafka-consumer-groups calls lag). */
export function lagOf(kafka: Kafka, topic: string, groupId: string): Promise<number> {
  return withAdmin(kafka, async (admin) => {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const at = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    return ends.reduce((n, e) => {
      const c = at.get(e.partition) ?? -1;
      return n + Number(e.high) - (c < 0 ? Number(e.low) : c);
    }, 0);
  });
}

/**
 * Records a read_committed reader sees on a topic (transaction markers and aborted records of
 * sluice's transactional side outputs excluded): read from the start until `expected` arrived or
 * `timeoutMs` passed, then 1 s more to catch any beyond it. Its consumer group is deleted after.
 */
export async function countCommitted(kafka: Kafka, topic: string, expected: number, timeoutMs = 20_000): Promise<number> {
  if ((await topicRecords(kafka, topic)) === 0) return 0;
  const groupId = `bench-reader-${topic}-${Date.now().toString(36)}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200, readUncommitted: false });
  let n = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let done!: () => void;
    const enough = new Promise<void>((resolve) => (done = resolve));
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        n += batch.messages.length;
        if (n >= expected) done();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([enough, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  } finally {
    await consumer.disconnect();
    await deleteGroups(kafka, [groupId]);
  }
  return n;
}

/**
 * The daemon's run-scoped consumer groups (`<group>.sluice-run.<run>.<n>`, never holding offsets) of
 * a finished run. A SIGKILLed daemon's member stays until its session times out (30 s): a group that
 * cannot be deleted yet is tried again every 5 s for up to `patienceMs`.
 */
export async function deleteRunGroups(kafka: Kafka, groupId: string, patienceMs = 40_000): Promise<void> {
  const deadline = Date.now() + patienceMs;
  for (;;) {
    const left = await withAdmin(kafka, async (admin) => {
      const { groups } = await admin.listGroups();
      const mine = groups.map((g) => g.groupId).filter((g) => g.startsWith(`${groupId}.sluice-run.`));
      if (mine.length === 0) return 0;
      await admin.deleteGroups(mine).catch(() => undefined);
      return (await admin.listGroups()).groups.filter((g) => mine.includes(g.groupId)).length;
    });
    if (left === 0 || Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 5_000));
  }
}
