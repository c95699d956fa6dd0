/**
 * The side-output sink as the tests build it: the naming a daemon of job `name` uses
 * (`<name>.side-outputs`, group `<name>-group`, input topic `<name>-in`), silent, with overrides.
 */
import type { Kafka } from 'kafkajs';
import { RecordErrorCode } from '../../src/errors.js';
import { committedCheckpoint, type SideOutputOptions, TransactionalSideOutputs } from '../../src/streams/sinks/side-outputs.js';
import { committedOffsets } from './kafka.js';
import { deadLetterHeaders } from '../../src/streams/sinks/sink.js';
import { silentLogger } from '../../src/telemetry/logging.js';

export function testSideOutputs(kafka: Kafka, name: string, overrides: Partial<SideOutputOptions> = {}): TransactionalSideOutputs {
  return new TransactionalSideOutputs({
    kafka,
    transactionalId: `${name}.side-outputs`,
    groupId: `${name}-group`,
    inputTopic: `${name}-in`,
    maxBufferedBytes: 64 * 1024 * 1024,
    transactionTimeoutMs: 60_000,
    logger: silentLogger,
    ...overrides,
  });
}

/** The checkpoint the group of `testSideOutputs(kafka, name)` records as committed (undefined: none). */
export async function groupCheckpoint(kafka: Kafka, name: string): Promise<number | undefined> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await committedCheckpoint(admin, `${name}-group`, `${name}-in`);
  } finally {
    await admin.disconnect();
  }
}

/** What the group of `testSideOutputs(kafka, name)` records as committed: the checkpoint and the input's offsets by partition. */
export async function groupCommit(
  kafka: Kafka,
  name: string,
): Promise<{ checkpoint: number | undefined; offsets: Record<number, number> }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return {
      checkpoint: await committedCheckpoint(admin, `${name}-group`, `${name}-in`),
      offsets: Object.fromEntries(await committedOffsets(admin, `${name}-group`, `${name}-in`)),
    };
  } finally {
    await admin.disconnect();
  }
}

/**
 * The i-th of a run of dead letters (a cut-off click, MALFORMED_JSON) as the side outputs hand it to
 * kafkajs's producer: key, value and the daemon's five headers (`deadLetterHeaders`).
 */
export function deadLetterMessage(i: number): { key: Buffer; value: Buffer; headers: Record<string, string> } {
  const key = Buffer.from(`user-${i}`);
  const value = Buffer.from(`{"userId":"user-${i}","eventType":`);
  const headers = deadLetterHeaders({
    topic: 'user-clicks-dlq',
    key,
    value,
    code: RecordErrorCode.MALFORMED_JSON,
    message: 'not valid JSON: unexpected end of input',
    source: { topic: 'user-clicks', partition: i % 6, offset: String(10 ** 12 + i), timestamp: String(1_764_000_000_000 + i) },
  });
  return { key, value, headers };
}
