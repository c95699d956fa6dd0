/**
 * A declarative job, as a job file says it once validated and normalized (durations in
 * milliseconds, defaults filled in, maps turned into ordered lists): what `compileJob` turns into a
 * JobDefinition, and what travels to the worker threads (plain JSON) so that they compile the very
 * same job. The file format itself is in job-file.ts; docs/job-files.md describes it for users.
 */
import type { WindowSpec } from '../streams/operators/window-assigners.js';

export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'timestamp';
export type Scalar = string | number | boolean;

export interface FieldSpec {
  /** The field's name in the job (key, aggregates, templates refer to it). */
  name: string;
  /** The top-level JSON field of the record it reads. */
  path: string;
  type: FieldType;
  /** Missing, null (or for a string, empty) is a dead letter with `missingCode`; else the value is absent. */
  required: boolean;
  /** Strings: the longest value in UTF-8 bytes. */
  maxBytes?: number;
  /** Integers and numbers: the allowed range, inclusive. */
  min?: number;
  max?: number;
  /** The only values allowed. */
  oneOf?: Scalar[];
  /** Strings: a regular expression (JavaScript syntax, unanchored unless it says ^...$) the value must match. */
  pattern?: string;
  missingCode: string;
  invalidCode: string;
}

export type FilterSpec =
  | { field: string; equals: Scalar | null }
  | { field: string; in: Array<Scalar | null> }
  | { field: string; exists: boolean };

export type AggregateType = 'count' | 'sum' | 'min' | 'max' | 'avg' | 'countBy' | 'countDistinct' | 'topN';

export interface AggregateSpec {
  /** Its name in the result document. */
  name: string;
  type: AggregateType;
  /** The field it reads (every type but count). */
  field?: string;
  /** topN: how many values. */
  n?: number;
}

export interface OutputsSpec {
  elasticsearch?: { index?: string; id: string };
  redis?: { prefix?: string; key: string; value?: string; ttlSeconds?: number };
  stdout: boolean;
}

/**
 * One aggregation of a job with several (`aggregations:` in the file): its own key, windows,
 * aggregates and outputs, over the job's one parse of each record.
 */
export interface AggregationSpec {
  /** Its name in the job (results carry it as `aggregation`). */
  name: string;
  key: string[];
  window: WindowSpec;
  allowedLatenessMs?: number;
  aggregates: AggregateSpec[];
  outputs: OutputsSpec;
}

export interface JobSpec {
  name: string;
  description?: string;
  input: {
    topic?: string;
    groupId?: string;
    deadLetterTopic?: string;
    lateTopic?: string;
    /** In the order they are validated (the first problem is the dead letter's code). */
    fields: FieldSpec[];
    /** The field (of type timestamp) that is the event time. */
    eventTime: string;
    outOfOrdernessMs?: number;
    idleTimeoutMs?: number;
    /**
     * Every filter must hold, on the record's raw values, before validation; else the record is left
     * out. An absent field reads as null.
     */
    filters: FilterSpec[];
  };
  /** The key's fields: one, or a composite key. */
  key: string[];
  window: WindowSpec;
  allowedLatenessMs?: number;
  /** In result-document order. */
  aggregates: AggregateSpec[];
  outputs: OutputsSpec;
  /**
   * A job with several aggregations: each one's key, windows, aggregates and outputs (in file
   * order). The top-level key, window, aggregates and outputs are then the first one's, so that
   * what reads a single-aggregation job reads the first aggregation of this one.
   */
  aggregations?: AggregationSpec[];
}

/** The record-validation codes the engine reserves for itself (never a job file's). */
export const RESERVED_CODES = ['LATE_EVENT', 'SINK_REJECTED'];
