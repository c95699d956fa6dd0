/**
 * The side-output sink as the tests build it: the naming a daemon of job `name` uses
 * (`<name>.side-outputs`, group `<name>-group`, input topic `<name>-in`), silent, with overrides.
 */
import type { Kafka } from 'kafkajs';
import { type SideOutputOptions, TransactionalSideOutputs } from '../../src/streams/sinks/side-outputs.js';
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
