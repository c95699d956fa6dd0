/**
 * The sink contracts. A sink owns a bounded buffer: `write` resolves once the results are accepted
 * (it waits while the buffer is full: that wait is the backpressure reaching the source), and
 * `flush` resolves once everything written before it is durable in the target. Offsets are only
 * committed (and, later, checkpoints only completed) after `flush` resolves.
 */
import type { RecordErrorCode } from '../../errors.js';
import type { PrintedResults } from '../operators/keyed-stage.js';

export interface ResultSink<OUT> {
  readonly name: string;
  /** Connect and prepare the target (e.g. check the index). Throws SluiceError on failure. */
  start(): Promise<void>;
  /**
   * What `start` left going on (a missing index being created) is done; rejects with why it could
   * not be. Writes meanwhile wait in the sink's bounded buffer. Absent: nothing is left going on.
   */
  ready?(): Promise<void>;
  /** `epoch`: barriers the producing worker had passed (see DeadLetter.epoch), for sinks that dead-letter. */
  write(results: readonly OUT[], epoch?: number): Promise<void>;
  /** As `write`, for results already printed as JSON lines (a sink that prints them as they are: stdout). */
  writePrinted?(printed: PrintedResults, epoch?: number): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Where a record came from: carried in dead-letter headers. */
export interface SourcePosition {
  topic: string;
  partition: number;
  /** Kafka offsets are 64-bit: kept as the decimal string kafkajs gives. */
  offset: string;
  /** The source record's Kafka timestamp (ms, decimal string), reused so retention treats it as new. */
  timestamp: string;
}

export interface DeadLetter {
  /** The dead-letter topic for bad records, or the late topic for late events. */
  topic: string;
  /** The original value bytes, unchanged (a copy, never a view into a fetch buffer). */
  value: Buffer | null;
  key: Buffer | null;
  /** The engine's codes, or one a job file's validation rule names (upper snake case). */
  code: RecordErrorCode | (string & {});
  message: string;
  source: SourcePosition;
  /**
   * For a letter about a result (SINK_REJECTED): the number of barriers the worker that produced the
   * result had passed, so the letter commits with the checkpoint the result belongs to. Letters of
   * input records need none: they are sent before the next barrier is placed.
   */
  epoch?: number;
}

export interface DeadLetterSink {
  readonly name: string;
  start(): Promise<void>;
  send(letters: readonly DeadLetter[]): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Header names of dead-letter and late records (fixed by the contract). */
export const DeadLetterHeader = {
  ERROR: 'sluice-error',
  MESSAGE: 'sluice-error-message',
  SOURCE_TOPIC: 'sluice-source-topic',
  SOURCE_PARTITION: 'sluice-source-partition',
  SOURCE_OFFSET: 'sluice-source-offset',
} as const;

export function deadLetterHeaders(letter: DeadLetter): Record<string, string> {
  return {
    [DeadLetterHeader.ERROR]: letter.code,
    [DeadLetterHeader.MESSAGE]: letter.message,
    [DeadLetterHeader.SOURCE_TOPIC]: letter.source.topic,
    [DeadLetterHeader.SOURCE_PARTITION]: String(letter.source.partition),
    [DeadLetterHeader.SOURCE_OFFSET]: letter.source.offset,
  };
}
