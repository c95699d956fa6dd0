/**
 * One place that turns configuration into a kafkajs client, with kafkajs's own logs routed into
 * our structured logger (and never its connection options, which can hold SASL credentials).
 */
import { Kafka, logLevel as KafkaLogLevel, type KafkaConfig, type logCreator } from 'kafkajs';
import type { SluiceConfig } from '../../config.js';
import { LogRepeats } from '../../telemetry/log-repeats.js';
import type { Logger } from '../../telemetry/logging.js';

type KafkaSettings = NonNullable<SluiceConfig['kafka']>;

/**
 * kafkajs warnings that do not apply to sluice's settings, and why: logged at debug with the reason,
 * so an operator reading warnings sees only what needs attention.
 */
export const EXPECTED_KAFKAJS_WARNINGS: ReadonlyArray<{ startsWith: string; why: string }> = [
  {
    startsWith: 'Limiting retries for the idempotent producer',
    why: 'sluice limits retries on purpose: its only producer is transactional and sends each produce once per transaction (a send that fails aborts its transaction, whose letters are written again in a new one), so nothing is duplicated or lost',
  },
];

function expectedWarning(message: string): string | undefined {
  return EXPECTED_KAFKAJS_WARNINGS.find((w) => message.startsWith(w.startsWith))?.why;
}

/**
 * kafkajs's logs as our log lines, its errors as warnings (see below). Its warnings and errors repeat on every retry of every
 * connection while a broker is down: a repeat within `LogRepeats`'s period is held back, and the
 * next line of its kind says how many were (`repeatsHeldBack`).
 */
export function pinoLogCreator(logger: Logger, repeats: LogRepeats = new LogRepeats()): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, ...extra } = log;
      // kafkajs may include broker connection details; keep only fields that carry no secrets.
      const safe: Record<string, unknown> = {
        namespace,
        broker: extra.broker,
        clientId: extra.clientId,
        groupId: extra.groupId,
        error: extra.error,
        retryCount: extra.retryCount,
      };
      if (level === KafkaLogLevel.ERROR || level === KafkaLogLevel.WARN) {
        const admitted = repeats.admit(`${level}|${namespace}|${message}|${String(extra.error)}`);
        if (!admitted) return;
        if (admitted.held > 0) safe.repeatsHeldBack = admitted.held;
      }
      switch (level) {
        case KafkaLogLevel.ERROR:
          // A failed request or connection, which kafkajs retries (as Kafka's Java client logs it, a
          // warning): what fails for good stops or restarts the job, and sluice logs that as an
          // error with its code. `error` level stays sluice's: the lines that need someone.
          logger.warn({ ...safe, kafkajsLevel: 'error' }, `kafka: ${message}`);
          break;
        case KafkaLogLevel.WARN: {
          const why = expectedWarning(message);
          if (why) logger.debug({ ...safe, expected: why }, `kafka: ${message}`);
          else logger.warn(safe, `kafka: ${message}`);
          break;
        }
        case KafkaLogLevel.INFO:
          logger.debug(safe, `kafka: ${message}`);
          break;
        default:
          logger.trace(safe, `kafka: ${message}`);
      }
    };
}

export function createKafka(settings: KafkaSettings, logger: Logger): Kafka {
  const config: KafkaConfig = {
    clientId: settings.clientId,
    brokers: settings.brokers,
    ssl: settings.ssl,
    logLevel: KafkaLogLevel.INFO,
    logCreator: pinoLogCreator(logger.child({ component: 'kafkajs' })),
    // At most 2 s between connection attempts: once a broker is back after an outage it is found
    // within ~2 s (with 10 s, reading resumed 8-10 s after the broker answered, or only through the
    // stall watch's restart: docs/kafka-failures.md). 20 retries keep kafkajs's own retry window
    // near the ~35 s of the earlier 8 retries up to 10 s apart.
    retry: { retries: 20, initialRetryTime: 300, maxRetryTime: 2_000 },
  };
  if (settings.sasl) {
    const { mechanism, username, password } = settings.sasl;
    config.sasl = { mechanism, username, password } as KafkaConfig['sasl'];
  }
  return new Kafka(config);
}
