/**
 * A window worker of bench/parse-placement.ts: owns the keys of its key groups and counts events per
 * key (the trivial but real downstream). It takes its events in one of three shapes:
 *
 * - `events`:  parsed events as objects, structured-cloned (placement a: the daemon's shape today);
 * - `columns`: parsed events as columns (placement a2 and b);
 * - `raw`:     packed raw values round-robin (placement c): it parses and validates them itself,
 *              counts the events of keys it owns, and forwards the others as columns to their owner
 *              over a MessageChannel between the two workers (not through the main thread).
 *
 * Credit: every batch is acknowledged to the main thread once processed; a forwarded part is
 * acknowledged by the worker that processed it, so the main thread's credit covers forwarded events.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { assignmentTable, keyGroupsOfWorker, keyGroupOf } from '../src/actors/key-groups.js';
import { BatchParser, ColumnsBuilder, forEachColumn, forEachRaw, KeyCounter, threadCpuNs, type BatchSummary, type Columns } from './parse-placement-codec.js';

export interface WindowWorkerInit {
  index: number;
  workers: number;
  /** port to worker j at index j (undefined at this worker's own index); only for raw batches. */
  peers: Array<MessagePort | undefined>;
  windowMs: number;
  allowedLatenessMs: number;
}

/** The daemon's KeyedEvent shape (src/streams/keyed-stage.ts). */
export interface BenchKeyedEvent {
  key: string;
  timestamp: number;
  event: { userId: string; eventType: string; timestamp: number };
  replay: boolean;
}

export type ToWindowWorker =
  | { t: 'events'; seq: number; events: BenchKeyedEvent[] }
  | { t: 'columns'; seq: number; columns: Columns }
  | { t: 'raw'; seq: number; raw: ArrayBuffer; nowMs: number; watermarkBefore: number }
  | { t: 'reset' }
  | { t: 'report' };

export type FromWindowWorker =
  | { t: 'ready' }
  | { t: 'ack'; seq: number }
  /** A raw batch was parsed: its summary, and how many forwarded parts will be acknowledged by peers. */
  | { t: 'rawAck'; seq: number; forwards: number; summary: BatchSummary }
  | { t: 'fwdAck'; seq: number }
  | { t: 'reset' }
  | { t: 'report'; events: number; keys: number; checksum: number; timestampSum: number; foreignKeys: number; cpuNs: number };

type PeerMessage = { t: 'fwd'; seq: number; columns: Columns };

const port = parentPort;
if (!port) throw new Error('parse-placement-worker.js must run as a worker thread');
const init = workerData as WindowWorkerInit;
const send = (m: FromWindowWorker, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer);
const counter = new KeyCounter();
const add = (key: string, eventType: string, timestamp: number) => counter.add(key, eventType, timestamp);
const table = assignmentTable(init.workers);

for (const peer of init.peers) {
  peer?.on('message', (m: PeerMessage) => {
    forEachColumn(m.columns, add);
    send({ t: 'fwdAck', seq: m.seq });
  });
}

port.on('message', (m: ToWindowWorker) => {
  switch (m.t) {
    case 'events':
      for (const e of m.events) counter.add(e.key, e.event.eventType, e.timestamp);
      send({ t: 'ack', seq: m.seq });
      return;
    case 'columns':
      forEachColumn(m.columns, add);
      send({ t: 'ack', seq: m.seq });
      return;
    case 'raw': {
      const builders: Array<ColumnsBuilder | undefined> = init.peers.map((p) => (p ? new ColumnsBuilder() : undefined));
      const parser = new BatchParser(
        { nowMs: m.nowMs, watermarkBefore: m.watermarkBefore, windowMs: init.windowMs, allowedLatenessMs: init.allowedLatenessMs, table },
        (owner, key, eventType, timestamp) => {
          if (owner === init.index) counter.add(key, eventType, timestamp);
          else (builders[owner] as ColumnsBuilder).push(key, eventType, timestamp);
        },
      );
      forEachRaw(m.raw, (i, value) => parser.add(i, value));
      let forwards = 0;
      for (const [j, builder] of builders.entries()) {
        if (!builder || builder.size === 0) continue;
        const columns = builder.finish();
        (init.peers[j] as MessagePort).postMessage({ t: 'fwd', seq: m.seq, columns } satisfies PeerMessage, [columns.buffer]);
        forwards++;
      }
      send({ t: 'rawAck', seq: m.seq, forwards, summary: parser.summary() });
      return;
    }
    case 'reset':
      counter.reset();
      send({ t: 'reset' });
      return;
    case 'report': {
      const cpuNs = threadCpuNs();
      // Every key counted here must be one this worker owns.
      const owned = new Set(keyGroupsOfWorker(init.index, init.workers));
      let foreignKeys = 0;
      for (const key of counter.counts.keys()) if (!owned.has(keyGroupOf(key))) foreignKeys++;
      send({
        t: 'report',
        events: counter.events,
        keys: counter.counts.size,
        checksum: counter.checksum(),
        timestampSum: counter.timestampSum,
        foreignKeys,
        cpuNs,
      });
      return;
    }
  }
});
send({ t: 'ready' });
