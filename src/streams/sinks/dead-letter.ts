/**
 * Dead letters and late events in the embedded mode (no Kafka): counted by code and logged. With
 * Kafka they go to the contract's topics through TransactionalSideOutputs (side-outputs.ts).
 */
import type { Logger } from '../../telemetry/logging.js';
import type { DeadLetter, DeadLetterSink } from './sink.js';

/** For the embedded mode: no Kafka to write to, so dead letters are counted by code and logged. */
export class LoggingDeadLetterSink implements DeadLetterSink {
  readonly name = 'logged-dead-letters';
  readonly countsByCode = new Map<string, number>();

  constructor(private readonly logger: Logger) {}

  async start(): Promise<void> {}

  async send(letters: readonly DeadLetter[]): Promise<void> {
    for (const l of letters) {
      this.countsByCode.set(l.code, (this.countsByCode.get(l.code) ?? 0) + 1);
      this.logger.debug({ topic: l.topic, code: l.code, reason: l.message, source: l.source }, 'dead letter');
    }
  }

  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}
