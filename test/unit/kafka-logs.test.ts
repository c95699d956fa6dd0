/**
 * kafkajs's logs in sluice's logger: warnings that do not apply to sluice's settings are logged at
 * debug with the reason; every other warning stays a warning; connection details never pass.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logLevel } from 'kafkajs';
import { EXPECTED_KAFKAJS_WARNINGS, pinoLogCreator } from '../../src/streams/sources/kafka-client.js';
import type { Logger } from '../../src/telemetry/logging.js';

type Line = { level: string; fields: Record<string, unknown>; msg: string };

function capture(): { logger: Logger; lines: Line[] } {
  const lines: Line[] = [];
  const at =
    (level: string) =>
    (fields: Record<string, unknown>, msg: string): void => {
      lines.push({ level, fields, msg });
    };
  const logger = { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), trace: at('trace') };
  return { logger: logger as unknown as Logger, lines };
}

function entry(level: logLevel, message: string, extra: Record<string, unknown> = {}) {
  return {
    namespace: 'Producer',
    level,
    label: 'WARN',
    log: { timestamp: '2026-12-04T00:00:00.000Z', logger: 'kafkajs', message, ...extra },
  };
}

test('the transactional producer notice about limited retries is logged at debug, with why it does not apply', () => {
  const { logger, lines } = capture();
  const log = pinoLogCreator(logger)(logLevel.INFO);
  log(entry(logLevel.WARN, 'Limiting retries for the idempotent producer may invalidate EoS guarantees'));
  assert.equal(lines.length, 1);
  const [line] = lines as [Line];
  assert.equal(line.level, 'debug');
  assert.equal(line.msg, 'kafka: Limiting retries for the idempotent producer may invalidate EoS guarantees');
  assert.equal(line.fields.expected, (EXPECTED_KAFKAJS_WARNINGS[0] as { why: string }).why);
  assert.match(String(line.fields.expected), /transactional/);
});

test('any other kafkajs warning stays a warning, and errors stay errors', () => {
  const { logger, lines } = capture();
  const log = pinoLogCreator(logger)(logLevel.INFO);
  log(entry(logLevel.WARN, 'Connection timeout', { broker: '127.0.0.1:9092' }));
  log(entry(logLevel.ERROR, 'Crash: KafkaJSNumberOfRetriesExceeded'));
  log(entry(logLevel.INFO, 'Consumer has joined the group'));
  assert.deepEqual(
    lines.map((l) => [l.level, l.msg]),
    [
      ['warn', 'kafka: Connection timeout'],
      ['error', 'kafka: Crash: KafkaJSNumberOfRetriesExceeded'],
      ['debug', 'kafka: Consumer has joined the group'],
    ],
  );
  assert.equal(lines[0]?.fields.broker, '127.0.0.1:9092');
});

test('connection options and credentials in a kafkajs log entry never reach the logger', () => {
  const { logger, lines } = capture();
  const log = pinoLogCreator(logger)(logLevel.INFO);
  const secret = 's3cret-sasl-password';
  log(entry(logLevel.WARN, 'Limiting retries for the idempotent producer may invalidate EoS guarantees', { sasl: { password: secret } }));
  log(entry(logLevel.WARN, 'Failed to connect', { sasl: { mechanism: 'plain', username: 'u', password: secret }, ssl: { key: secret } }));
  assert.equal(lines.length, 2);
  assert.ok(!JSON.stringify(lines).includes(secret), JSON.stringify(lines));
});
