/**
 * The parse-and-count thread of kafkajs-consumer.ts's --count-windows-in-thread: what the consuming
 * thread's floor becomes when it hands the values to another thread (issue 13's "parsing on the
 * cores that idle"). Each message is one batch's values packed in one transferred buffer; the
 * thread parses them (sluice's parser), counts user windows as --count-windows does, and sends back
 * each valid event's time in a transferred buffer: what the consuming thread needs for its own
 * decisions (watermarks, lateness).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { parseClick } from '../../src/streams/operators/records.js';
import { UserWindowCounts } from './user-window-counts.js';

export interface PackedBatch {
  partition: number;
  /** Every value's bytes, back to back. */
  bytes: ArrayBuffer;
  /** Value i is bytes[ends[i - 1] ?? 0, ends[i]); -1: a null value. */
  ends: ArrayBuffer;
}

export interface ParsedTimes {
  partition: number;
  /** The valid events' times, in order. */
  times: ArrayBuffer;
  valid: number;
}

export interface ThreadCounts {
  valid: number;
  invalid: number;
  windows: number;
}

const port = parentPort;
if (!port) throw new Error('parse-count-thread.js must run as a worker thread');
const windows = new UserWindowCounts(Number(workerData));
let valid = 0;
let invalid = 0;

port.on('message', (message: PackedBatch | 'done') => {
  if (message === 'done') {
    port.postMessage({ valid, invalid, windows: windows.size } satisfies ThreadCounts);
    return;
  }
  const bytes = Buffer.from(message.bytes);
  const ends = new Int32Array(message.ends);
  const times = new Float64Array(ends.length);
  const now = Date.now();
  let from = 0;
  let n = 0;
  for (let i = 0; i < ends.length; i++) {
    const end = ends[i] as number;
    const parsed = parseClick(end < 0 ? null : bytes.subarray(from, end), now);
    if (end >= 0) from = end;
    if (!parsed.ok) {
      invalid++;
      continue;
    }
    valid++;
    times[n++] = parsed.event.timestamp;
    windows.add(parsed.event);
  }
  port.postMessage({ partition: message.partition, times: times.buffer, valid: n } satisfies ParsedTimes, [times.buffer]);
});
