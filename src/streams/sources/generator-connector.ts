/**
 * The built-in click generator as the runtime's source (the embedded default): no offsets to go
 * back to, so no checkpoints; dead letters and late events are counted and logged.
 */
import type { Logger } from '../../telemetry/logging.js';
import { LoggingDeadLetterSink } from '../sinks/dead-letter.js';
import type { EphemeralSource, SourceControl } from './connector.js';
import { ClickGenerator, GENERATOR_TOPIC, type GeneratorOptions } from './generator.js';
import { BatchStream } from './pulled-batches.js';

export class GeneratorConnector implements EphemeralSource {
  readonly checkpointed = false;
  readonly idleness = 'silence';
  readonly identity = { topic: GENERATOR_TOPIC, groupId: '' };
  readonly sideOutputs: LoggingDeadLetterSink;
  private readonly stream = new BatchStream();
  readonly batches = this.stream.batches;
  private readonly stopGenerating = new AbortController();
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly options: GeneratorOptions,
    private readonly now: () => number,
    logger: Logger,
  ) {
    this.sideOutputs = new LoggingDeadLetterSink(logger.child({ component: 'dead-letters' }));
  }

  async start(control: SourceControl): Promise<void> {
    const generator = new ClickGenerator(this.options, this.now);
    this.running = generator
      .run(
        { onAssign: (p) => control.onAssign(p), onRevoke: (p) => control.onRevoke(p), onBatch: (batch) => this.stream.push(batch) },
        this.stopGenerating.signal,
      )
      .then(
        (outcome) => {
          if (outcome === 'exhausted') control.onEnd?.();
        },
        (err: unknown) => control.onFatal(err),
      );
  }

  stopIntake(): void {
    this.stopGenerating.abort();
  }

  async close(): Promise<void> {
    this.stopGenerating.abort();
    await this.running;
  }
}
