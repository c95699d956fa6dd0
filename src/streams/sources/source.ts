/**
 * What every source (Kafka, the built-in generator) hands to the pipeline: batches of records of
 * one partition, in offset order, plus partition assignment changes.
 */
import type { TraceCarrier } from '../../telemetry/tracing.js';

/**
 * Optional, on a record read in place in a larger buffer (a Kafka fetch's): the buffer holding its
 * value, where the value starts in it and its length (-1: a null value). Code that only copies
 * values (a batch packed for a worker's parse) reads these instead of `value`, which makes a view.
 * Symbols, so that a record's string-named fields stay kafkajs's.
 */
export const VALUE_BYTES: unique symbol = Symbol('value bytes');
export const VALUE_AT: unique symbol = Symbol('value at');
export const VALUE_LENGTH: unique symbol = Symbol('value length');

/**
 * `value` and `key` may be views into a source's buffer, which the source never reuses: they stay
 * valid while the pipeline holds the batch (a batch parsed on the workers finishes after `onBatch`
 * resolved). Whatever outlives the batch (a dead letter) must be copied.
 */
export interface SourceRecord {
  offset: string;
  value: Buffer | null;
  key: Buffer | null;
  /** The Kafka record timestamp (ms, decimal string). */
  timestamp: string;
  /** The producer's W3C trace context (`traceparent` header), when it sent one. */
  trace?: TraceCarrier;
  readonly [VALUE_BYTES]?: Buffer;
  readonly [VALUE_AT]?: number;
  readonly [VALUE_LENGTH]?: number;
}

export interface SourceBatch {
  topic: string;
  partition: number;
  records: readonly SourceRecord[];
  /** The partition's high watermark when the batch was fetched (Kafka), for consumer lag. */
  highWatermark?: string;
}

export interface SourceHandler {
  onAssign(partitions: number[]): void;
  onRevoke(partitions: number[]): void;
  /** Resolves when the batch is processed; a slow resolve is backpressure on the source. */
  onBatch(batch: SourceBatch): Promise<void>;
  /** partition -> the next offset the pipeline expects: where a (re)joining consumer seeks to. */
  positions?(): ReadonlyMap<number, number>;
  /**
   * Where each partition's log ends now (`start`: its first offset; `end`: the offset after its last
   * readable record), and positions the source moved past without records (transaction markers).
   */
  onLogEnds?(ends: ReadonlyMap<number, { start: number; end: number }>, fetched: ReadonlyMap<number, number>): void;
  /** The source cannot tell where the logs end (broker unreachable). */
  onLogEndsUnknown?(): void;
}
