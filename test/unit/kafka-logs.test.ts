/**
 * kafkajs's logs in sluice's logger: warnings that do not apply to sluice's settings are logged at
 * debug with the reason; every other warning stays a warning, and its errors (requests it retries)
 * are warnings as well; connection details never pass; a
 * warning or error repeated within a period (a broker outage) is logged once per period, with the
 * count held back. Time is driven by hand.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logLevel } from 'kafkajs';
import { EXPECTED_KAFKAJS_WARNINGS, pinoLogCreator } from '../../src/streams/sources/kafka-client.js';
import { LogRepeats } from '../../src/telemetry/log-repeats.js';
import type { Logger } from '../../src/telemetry/logging.js';
import { ManualTime } from '../helpers/manual-time.js';

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

test('any other kafkajs warning stays a warning; its errors (requests it retries) are warnings too, marked as its errors', () => {
  const { logger, lines } = capture();
  const log = pinoLogCreator(logger)(logLevel.INFO);
  log(entry(logLevel.WARN, 'Connection timeout', { broker: '127.0.0.1:9092' }));
  log(entry(logLevel.ERROR, 'Crash: KafkaJSNumberOfRetriesExceeded'));
  log(entry(logLevel.INFO, 'Consumer has joined the group'));
  assert.deepEqual(
    lines.map((l) => [l.level, l.msg]),
    [
      ['warn', 'kafka: Connection timeout'],
      ['warn', 'kafka: Crash: KafkaJSNumberOfRetriesExceeded'],
      ['debug', 'kafka: Consumer has joined the group'],
    ],
  );
  assert.equal(lines[0]?.fields.broker, '127.0.0.1:9092');
  assert.equal(lines[0]?.fields.kafkajsLevel, undefined);
  assert.equal(lines[1]?.fields.kafkajsLevel, 'error');
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

test("LogRepeats: a kind repeated within its period is held back; the next period's first line says how many were", async () => {
  const time = new ManualTime(1_000);
  const repeats = new LogRepeats(10_000, time);
  assert.deepEqual(repeats.admit('a'), { held: 0 });
  for (let i = 0; i < 5; i++) assert.equal(repeats.admit('a'), undefined);
  assert.deepEqual(repeats.admit('b'), { held: 0 }, 'another kind has a period of its own');
  await time.advance(9_999);
  assert.equal(repeats.admit('a'), undefined, 'still within the period');
  await time.advance(1);
  assert.deepEqual(repeats.admit('a'), { held: 6 });
  assert.equal(repeats.admit('a'), undefined);
  await time.advance(10_000);
  assert.deepEqual(repeats.admit('a'), { held: 1 });
  await time.advance(10_000);
  assert.deepEqual(repeats.admit('a'), { held: 0 }, 'a period with no repeats holds none back');
});

test('LogRepeats remembers a bounded number of kinds, forgetting the oldest first', () => {
  const time = new ManualTime(0);
  const repeats = new LogRepeats(10_000, time, 3);
  for (const kind of ['a', 'b', 'c']) assert.deepEqual(repeats.admit(kind), { held: 0 });
  assert.deepEqual(repeats.admit('d'), { held: 0 }, 'a fourth kind makes room by forgetting a');
  assert.deepEqual(repeats.admit('a'), { held: 0 }, 'a was forgotten: logged again');
  assert.equal(repeats.admit('d'), undefined, 'd is remembered');
});

test('a broker outage: the same connection error on every retry is logged once per period, with the count held back', async () => {
  const time = new ManualTime(0);
  const { logger, lines } = capture();
  const log = pinoLogCreator(logger, new LogRepeats(10_000, time))(logLevel.INFO);
  const refused = () =>
    log({
      ...entry(logLevel.ERROR, 'Connection error: connect ECONNREFUSED 127.0.0.1:9092', { broker: '127.0.0.1:9092' }),
      namespace: 'Connection',
    });
  // 47 retries 150 ms apart: 7 s, within one period.
  for (let i = 0; i < 47; i++) {
    refused();
    await time.advance(150);
  }
  log({ ...entry(logLevel.ERROR, 'Failed to connect to seed broker', { error: 'Connection error' }), namespace: 'BrokerPool' });
  log(entry(logLevel.INFO, 'Consumer has joined the group'));
  log(entry(logLevel.INFO, 'Consumer has joined the group'));
  assert.deepEqual(
    lines.map((l) => [l.level, l.msg, l.fields.repeatsHeldBack]),
    [
      ['warn', 'kafka: Connection error: connect ECONNREFUSED 127.0.0.1:9092', undefined],
      ['warn', 'kafka: Failed to connect to seed broker', undefined],
      ['debug', 'kafka: Consumer has joined the group', undefined],
      ['debug', 'kafka: Consumer has joined the group', undefined],
    ],
    'info lines (at debug) are never held back',
  );
  await time.advance(10_000);
  refused();
  assert.equal(lines.at(-1)?.msg, 'kafka: Connection error: connect ECONNREFUSED 127.0.0.1:9092');
  assert.equal(lines.at(-1)?.fields.repeatsHeldBack, 46);
});
