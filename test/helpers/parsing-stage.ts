/**
 * A keyed stage that parses batches as the window workers do (src/actors/batch-parse.ts), on the
 * calling thread: `parseBatch` runs the same code a worker runs and passes its reply through a
 * structured clone (buffers transferred), and `processParsed` decodes each share, leaving out the
 * events the pipeline marked `skip`, and steps an in-process stage. Pipeline tests run against it
 * to check SLUICE_PARSE_ON=workers gives what the main thread's parse gives.
 */
import { parseForOwners, type PackedValues, type ParsedBatch } from '../../src/actors/batch-parse.js';
import { decodeStep, windowInputOf, type EncodedStep } from '../../src/actors/step-codec.js';
import type { JobDefinition } from '../../src/job/job.js';
import type { KeyedEvent, KeyedStage, KeyedStep } from '../../src/streams/operators/keyed-stage.js';

export class ParsingStage<IN> implements KeyedStage<IN> {
  /** Batches parsed so far (a test can tell the workers' path ran). */
  parsedBatches = 0;

  constructor(
    private readonly inner: KeyedStage<IN>,
    private readonly job: JobDefinition<IN, unknown, unknown>,
    /** Owners the shares are split between (as many window workers). */
    private readonly parts = 2,
  ) {}

  start(): Promise<void> {
    return this.inner.start();
  }

  process(step: KeyedStep<IN>): Promise<void> {
    return this.inner.process(step);
  }

  async parseBatch(packed: PackedValues, nowMs: number): Promise<ParsedBatch> {
    // As a worker gets it: a structured clone, its buffers moved.
    const request = structuredClone(packed, { transfer: [packed.bytes, packed.starts, packed.lengths] });
    const input = windowInputOf(this.job);
    const ownerOf = (key: string) => key.length % this.parts;
    const { parsed, transfer } = parseForOwners(this.job, request, nowMs, this.parts, ownerOf, input);
    this.parsedBatches++;
    // As the main thread gets the reply.
    return structuredClone(parsed, { transfer });
  }

  async processParsed(shares: readonly EncodedStep[], watermarkBefore: number, watermarkAfter: number, nowMs: number): Promise<void> {
    const input = windowInputOf(this.job);
    const events: Array<KeyedEvent<IN>> = [];
    for (const share of shares) events.push(...decodeStep(share.columns, input));
    await this.inner.process({ events, watermarkBefore, watermarkAfter, nowMs });
  }

  drain(): Promise<void> {
    return this.inner.drain();
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }

  openWindows(): number {
    return this.inner.openWindows();
  }

  handedOverWatermark(): number {
    return this.inner.handedOverWatermark();
  }
}
