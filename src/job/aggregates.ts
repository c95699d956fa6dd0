/**
 * The aggregates a job file can name, each as a "slot" of a window's accumulator: how it starts,
 * takes one value, merges with another slot (session windows), gives its result, and reads and
 * writes itself as JSON (savepoints). Slots hold plain numbers, arrays and Maps (what LMDB's
 * msgpack encoding keeps as they are; a Set would come back as an array).
 *
 * Values come from one field of the event; `undefined` is an absent optional field: every slot
 * but count skips it.
 */
import type { AggregateType, FieldType } from './job-spec.js';

export type SlotValue = string | number | boolean | undefined;

export interface SlotOps {
  create(): unknown;
  add(slot: unknown, value: SlotValue): unknown;
  merge(a: unknown, b: unknown): unknown;
  result(slot: unknown): unknown;
  encode(slot: unknown): unknown;
  /** Throws an Error saying what is wrong (the caller adds where). */
  decode(json: unknown): unknown;
  /** The Elasticsearch mapping of its result. */
  mapping: { type: string; enabled?: boolean };
}

/** Values of one field, ordered: numbers by value, strings by UTF-16 code units, false before true. */
export function compareValues(a: SlotValue, b: SlotValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

const isCount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;

function numberOrNull(json: unknown, what: string): number | null {
  if (json === null) return null;
  if (typeof json !== 'number' || !Number.isFinite(json)) throw new Error(`${what} is not a number or null`);
  return json;
}

/** A field value as JSON gives it back: one of the field's type. */
function valueOf(json: unknown, type: FieldType): SlotValue {
  const ok =
    type === 'string'
      ? typeof json === 'string'
      : type === 'boolean'
        ? typeof json === 'boolean'
        : type === 'number'
          ? typeof json === 'number' && Number.isFinite(json)
          : Number.isSafeInteger(json);
  if (!ok) throw new Error(`${JSON.stringify(json)} is not a ${type} value`);
  return json as SlotValue;
}

/** value -> count, as sorted [value, count] pairs. */
function countsOps(type: FieldType, result: (counts: Map<SlotValue, number>) => unknown, mapping: SlotOps['mapping']): SlotOps {
  return {
    create: () => new Map<SlotValue, number>(),
    add(slot, value) {
      if (value === undefined) return slot;
      const counts = slot as Map<SlotValue, number>;
      counts.set(value, (counts.get(value) ?? 0) + 1);
      return counts;
    },
    merge(a, b) {
      const into = a as Map<SlotValue, number>;
      for (const [v, n] of b as Map<SlotValue, number>) into.set(v, (into.get(v) ?? 0) + n);
      return into;
    },
    result: (slot) => result(slot as Map<SlotValue, number>),
    encode: (slot) => [...(slot as Map<SlotValue, number>)].sort(([a], [b]) => compareValues(a, b)),
    decode(json) {
      if (!Array.isArray(json)) throw new Error('is not a list of [value, count] pairs');
      const counts = new Map<SlotValue, number>();
      for (const pair of json as unknown[]) {
        if (!Array.isArray(pair) || pair.length !== 2 || !isCount(pair[1]))
          throw new Error(`holds ${JSON.stringify(pair)}, not a [value, count] pair`);
        const v = valueOf(pair[0], type);
        if (counts.has(v)) throw new Error(`value ${JSON.stringify(v)} appears twice`);
        counts.set(v, pair[1] as number);
      }
      return counts;
    },
    mapping,
  };
}

/** `{ "<value>": count, ... }` sorted by value, on a null prototype (any value is a safe key). */
function countsObject(counts: Map<SlotValue, number>): Record<string, number> {
  const out = Object.create(null) as Record<string, number>;
  for (const v of [...counts.keys()].sort(compareValues)) out[String(v)] = counts.get(v) as number;
  return out;
}

function numericOps(pick: (a: number, b: number) => number): SlotOps {
  return {
    create: () => null,
    add: (slot, value) => (value === undefined ? slot : slot === null ? (value as number) : pick(slot as number, value as number)),
    merge: (a, b) => (a === null ? b : b === null ? a : pick(a as number, b as number)),
    result: (slot) => slot,
    encode: (slot) => slot,
    decode: (json) => numberOrNull(json, 'the value'),
    mapping: { type: 'double' },
  };
}

export function slotOps(type: AggregateType, fieldType: FieldType | undefined, n = 10): SlotOps {
  const integral = fieldType === 'integer' || fieldType === 'timestamp';
  switch (type) {
    case 'count':
      return {
        create: () => 0,
        add: (slot) => (slot as number) + 1,
        merge: (a, b) => (a as number) + (b as number),
        result: (slot) => slot,
        encode: (slot) => slot,
        decode(json) {
          if (!isCount(json)) throw new Error('is not a non-negative integer');
          return json;
        },
        mapping: { type: 'long' },
      };
    case 'sum':
      return {
        create: () => 0,
        add: (slot, value) => (value === undefined ? slot : (slot as number) + (value as number)),
        merge: (a, b) => (a as number) + (b as number),
        result: (slot) => slot,
        encode: (slot) => slot,
        decode(json) {
          if (typeof json !== 'number' || !Number.isFinite(json)) throw new Error('is not a number');
          return json;
        },
        mapping: { type: integral ? 'long' : 'double' },
      };
    case 'min':
      return { ...numericOps(Math.min), mapping: integral ? { type: fieldType === 'timestamp' ? 'date' : 'long' } : { type: 'double' } };
    case 'max':
      return { ...numericOps(Math.max), mapping: integral ? { type: fieldType === 'timestamp' ? 'date' : 'long' } : { type: 'double' } };
    case 'avg':
      return {
        create: () => [0, 0],
        add(slot, value) {
          if (value === undefined) return slot;
          const s = slot as [number, number];
          s[0] += value as number;
          s[1] += 1;
          return s;
        },
        merge: (a, b) => [(a as [number, number])[0] + (b as [number, number])[0], (a as [number, number])[1] + (b as [number, number])[1]],
        result: (slot) => ((slot as [number, number])[1] === 0 ? null : (slot as [number, number])[0] / (slot as [number, number])[1]),
        encode: (slot) => ({ sum: (slot as [number, number])[0], n: (slot as [number, number])[1] }),
        decode(json) {
          const o = json as { sum?: unknown; n?: unknown } | null;
          if (o === null || typeof o !== 'object' || typeof o.sum !== 'number' || !Number.isFinite(o.sum) || !isCount(o.n))
            throw new Error('is not { sum, n }');
          return [o.sum, o.n];
        },
        mapping: { type: 'double' },
      };
    case 'countBy':
      return countsOps(fieldType as FieldType, countsObject, { type: 'object', enabled: false });
    case 'topN':
      return countsOps(
        fieldType as FieldType,
        (counts) =>
          [...counts]
            .sort(([va, a], [vb, b]) => b - a || compareValues(va, vb))
            .slice(0, n)
            .map(([value, count]) => ({ value, count })),
        { type: 'object', enabled: false },
      );
    case 'countDistinct':
      return {
        create: () => new Map<SlotValue, 1>(),
        add(slot, value) {
          if (value !== undefined) (slot as Map<SlotValue, 1>).set(value, 1);
          return slot;
        },
        merge(a, b) {
          for (const v of (b as Map<SlotValue, 1>).keys()) (a as Map<SlotValue, 1>).set(v, 1);
          return a;
        },
        result: (slot) => (slot as Map<SlotValue, 1>).size,
        encode: (slot) => [...(slot as Map<SlotValue, 1>).keys()].sort(compareValues),
        decode(json) {
          if (!Array.isArray(json)) throw new Error('is not a list of values');
          const seen = new Map<SlotValue, 1>();
          for (const v of json as unknown[]) {
            const value = valueOf(v, fieldType as FieldType);
            if (seen.has(value)) throw new Error(`value ${JSON.stringify(value)} appears twice`);
            seen.set(value, 1);
          }
          return seen;
        },
        mapping: { type: 'long' },
      };
  }
}
