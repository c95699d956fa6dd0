/**
 * Placement (b) of bench/parse-placement.ts: a piscina task in a pool of stateless parse workers.
 * Takes one packed raw batch (transferred), parses and validates it, and returns the valid events
 * already split by owning window worker as columns (their buffers transferred back), with the batch
 * summary the main thread's bookkeeping needs.
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { assignmentTable } from '../src/actors/key-groups.js';
import { BatchParser, ColumnsBuilder, forEachRaw, type BatchSummary, type Columns } from './parse-placement-codec.js';

export interface ParseTask {
  raw: ArrayBuffer;
  nowMs: number;
  watermarkBefore: number;
  windowMs: number;
  allowedLatenessMs: number;
  workers: number;
}

export interface ParseTaskResult {
  /** Per window worker: its events of the batch (null: none). */
  columns: Array<Columns | null>;
  summary: BatchSummary;
}

const tables = new Map<number, Uint16Array>();

export default function parseBatch(task: ParseTask): unknown {
  let table = tables.get(task.workers);
  if (!table) {
    table = assignmentTable(task.workers);
    tables.set(task.workers, table);
  }
  const builders = Array.from({ length: task.workers }, () => new ColumnsBuilder());
  const parser = new BatchParser(
    { nowMs: task.nowMs, watermarkBefore: task.watermarkBefore, windowMs: task.windowMs, allowedLatenessMs: task.allowedLatenessMs, table },
    (owner, key, eventType, timestamp) => (builders[owner] as ColumnsBuilder).push(key, eventType, timestamp),
  );
  forEachRaw(task.raw, (i, value) => parser.add(i, value));
  const columns = builders.map((b) => (b.size > 0 ? b.finish() : null));
  const result: ParseTaskResult = { columns, summary: parser.summary() };
  const buffers = columns.filter((c): c is Columns => c !== null).map((c) => c.buffer);
  return move({ [transferableSymbol]: buffers, [valueSymbol]: result } as never);
}
