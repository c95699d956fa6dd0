/**
 * What a job's window aggregate reads of an event, and how that travels to a window worker. The
 * main thread parses; a worker only needs the key, the event time and this projection (for the
 * clickstream job, the event type), so a step message carries columns, not parsed objects.
 */

/** One step's values as a column: `column` goes in the message, `transfer` in its transfer list. */
export interface EncodedValues {
  column: unknown;
  transfer: ArrayBuffer[];
  /** Size in the message (bytes): what the step's credit counts. */
  bytes: number;
}

export interface ValueColumnBuilder<V> {
  push(value: V): void;
  finish(): EncodedValues;
}

/** How one step's projected values are packed on the main thread and read on a worker. */
export interface ValueColumnCodec<V> {
  builder(expected: number): ValueColumnBuilder<V>;
  /** The value at index i of an encoded column of `n` values. */
  reader(column: unknown, n: number): (i: number) => V;
}

/**
 * Method syntax on purpose (bivariant parameters): a job's `WindowInput<ClickEvent, string>` is
 * held as `WindowInput<IN, unknown>` by the engine, which only passes values between its own calls.
 */
export interface WindowInput<IN, V> {
  /** What the aggregate reads of an event, beyond its key and event time. */
  project(event: IN): V;
  /** An event the aggregate treats exactly as the original one (built on the worker). */
  rebuild(key: string, timestamp: number, value: V): IN;
  values: ValueColumnCodec<V>;
}

/**
 * Short strings from a small set (event types): a dictionary per step plus one code per value in a
 * transferred buffer, so a message clones each distinct string once.
 */
export const dictionaryStrings: ValueColumnCodec<string> = {
  builder(expected) {
    const dict: string[] = [];
    const index = new Map<string, number>();
    const codes = new Uint32Array(expected);
    let n = 0;
    return {
      push(value) {
        let code = index.get(value);
        if (code === undefined) {
          code = dict.length;
          dict.push(value);
          index.set(value, code);
        }
        if (n === codes.length) throw new RangeError(`more values than the ${codes.length} expected`);
        codes[n++] = code;
      },
      finish() {
        // The narrowest code width that holds the dictionary: 1 byte per event for the usual handful of types.
        const used = codes.subarray(0, n);
        const packed = dict.length <= 0x100 ? Uint8Array.from(used) : dict.length <= 0x10000 ? Uint16Array.from(used) : used.slice();
        let bytes = packed.byteLength;
        for (const s of dict) bytes += s.length * 2;
        return { column: { dict, codes: packed }, transfer: [packed.buffer as ArrayBuffer], bytes };
      },
    };
  },
  reader(column) {
    const { dict, codes } = column as { dict: string[]; codes: Uint8Array | Uint16Array | Uint32Array };
    return (i) => dict[codes[i] as number] as string;
  },
};

/** Any value, by structured clone: the fallback for a job that declares no projection. */
export const clonedValues: ValueColumnCodec<unknown> = {
  builder(expected) {
    const values: unknown[] = new Array(expected);
    let n = 0;
    return {
      push(value) {
        values[n++] = value;
      },
      // A clone's size is not known without cloning: a rough 96 bytes per value, as before columns.
      finish: () => ({ column: values.length === n ? values : values.slice(0, n), transfer: [], bytes: n * 96 }),
    };
  },
  reader(column) {
    const values = column as unknown[];
    return (i) => values[i];
  },
};

/** The whole event, cloned: what a job without `windowInput` gets. */
export const WHOLE_EVENT: WindowInput<unknown, unknown> = {
  project: (event) => event,
  rebuild: (_key, _timestamp, value) => value,
  values: clonedValues,
};
