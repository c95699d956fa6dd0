/**
 * What one send of the side outputs costs the producing thread in kafkajs's per-message work,
 * kafkajs 2.2.4's own code against sluice's (kafka-producing.ts), for sends the size of the side
 * outputs' (up to 512 KiB: ~1,500-3,500 small dead letters):
 *   - grouping by partition, to 1 and to 6 partitions, through kafkajs's default partitioner;
 *   - encoding the records (dead letters with the five headers the daemon gives them).
 * Medians of --runs, the two alternating; each run checks that both give the same grouping and the
 * same bytes.
 *
 * usage: npm run --silent build && node dist/bench/producing.js [--runs 9] [--sizes 1000,3000,10000]
 */
import {
  fastRecordEncoder,
  groupMessagesPerPartition,
  type KafkajsEncoder,
  type RecordInput,
} from '../src/streams/sinks/kafka-producing.js';
import { KafkajsEncoderClass, kafkajsGrouping, kafkajsPartitioners, kafkajsRecord } from '../test/helpers/kafkajs-producer-originals.js';
import { deadLetterMessage } from '../test/helpers/side-outputs.js';
import { int, ints, parseFlags } from './lib/options.js';
import { fmt, median, table } from './lib/report.js';
import { header, runBench } from './lib/run.js';

type Message = RecordInput & { key: Buffer };
type RecordEncoder = (record: RecordInput) => KafkajsEncoder;
const fastRecord = fastRecordEncoder(KafkajsEncoderClass);

const FLAGS = {
  runs: int(9, 'timed sends per size, partition count and implementation (medians reported)'),
  sizes: ints([1_000, 3_000, 10_000], 'messages per send'),
};

function letters(n: number): Message[] {
  return Array.from({ length: n }, (_, i) => deadLetterMessage(i));
}

/** Median ms of `run` for kafkajs's and sluice's, alternating which goes first; `check` compares their outputs. */
function race<T>(runs: number, theirs: () => T, mine: () => T, check: (a: T, b: T) => boolean): [number, number] {
  const timed = (f: () => T) => {
    const start = process.hrtime.bigint();
    const out = f();
    return { ms: Number(process.hrtime.bigint() - start) / 1e6, out };
  };
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < runs + 2; r++) {
    const first = r % 2 === 0;
    const t1 = first ? timed(theirs) : undefined;
    const m = timed(mine);
    const t = t1 ?? timed(theirs);
    if (!check(t.out, m.out)) throw new Error('the two give different outputs');
    if (r < 2) continue; // warm-up
    a.push(t.ms);
    b.push(m.ms);
  }
  return [median(a) as number, median(b) as number];
}

function sameGrouping(a: Record<number, Message[]>, b: Record<number, Message[]>): boolean {
  const keys = Object.keys(a);
  if (Object.keys(b).join() !== keys.join()) return false;
  return keys.every((p) => {
    const x = a[Number(p)] as Message[];
    const y = b[Number(p)] as Message[];
    return x.length === y.length && x.every((m, i) => m === y[i]);
  });
}

async function main(): Promise<number> {
  const o = parseFlags('usage: node dist/bench/producing.js [flags]', FLAGS);
  process.stdout.write(`${header(undefined)}\n`);
  const rows = [['work', 'messages', 'partitions', 'kafkajs ms', 'sluice ms', 'kafkajs / sluice']];
  for (const n of o.sizes) {
    const messages = letters(n);
    for (const partitions of [1, 6]) {
      const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0 }));
      const input = () => ({ topic: 'dlq', partitionMetadata, messages, partitioner: kafkajsPartitioners.default<Message>() });
      const [t, m] = race(
        o.runs,
        () => kafkajsGrouping(input()),
        () => groupMessagesPerPartition(input()),
        sameGrouping,
      );
      rows.push(['grouping', String(n), String(partitions), fmt(t, 2), fmt(m, 2), fmt(t / m, 1)]);
    }
    const records = messages.map((message, i) => ({ ...message, offsetDelta: i, timestampDelta: i % 1000 }));
    const encodeAll = (encode: RecordEncoder) => () => records.map((r) => encode(r).buffer);
    const [t, m] = race(o.runs, encodeAll(kafkajsRecord), encodeAll(fastRecord), (a, b) => a.every((x, i) => x.equals(b[i] as Buffer)));
    rows.push(['record encoding', String(n), '-', fmt(t, 2), fmt(m, 2), fmt(t / m, 1)]);
  }
  process.stdout.write(
    `${table(rows, 3)}\nms: one send's work, median of ${o.runs}; both give the same grouping (partitions, messages, order) and the same bytes.\n`,
  );
  return 0;
}

runBench(main);
