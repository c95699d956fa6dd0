/**
 * kafkajs 2.2.4's own producer code that sluice's fast paths (src/streams/sinks/kafka-producing.ts)
 * are checked against (test/unit/kafka-producing.test.ts) and timed against (bench/producing.ts).
 * Each is loaded as its own module, never through kafkajs's index, so a process that imports this
 * can still test installing the fast paths before kafkajs's producer loads.
 */
import { kafkajsModule } from '../../src/streams/kafkajs-modules.js';
import type { EncoderClass, GroupingInput, KafkajsEncoder, RecordInput } from '../../src/streams/sinks/kafka-producing.js';

/** A kafkajs partitioner factory: `createPartitioner()` gives the per-message function. */
type PartitionerFactory = <M>() => GroupingInput<M>['partitioner'];

/** kafkajs's grouping of a send's messages by partition. */
export const kafkajsGrouping = kafkajsModule<<M>(input: GroupingInput<M>) => Record<number, M[]>>(
  'kafkajs/src/producer/groupMessagesPerPartition.js',
);

/** kafkajs's two partitioners (the default, murmur2 like the Java client's, and the legacy one). */
export const kafkajsPartitioners = {
  default: kafkajsModule<PartitionerFactory>('kafkajs/src/producer/partitioners/default/index.js'),
  legacy: kafkajsModule<PartitionerFactory>('kafkajs/src/producer/partitioners/legacy/index.js'),
};

/** kafkajs's `Encoder`, which the fast record encoder writes into. */
export const KafkajsEncoderClass = kafkajsModule<EncoderClass>('kafkajs/src/protocol/encoder.js');

/** kafkajs's record encoder (record batch v2, record v0). */
export const kafkajsRecord = kafkajsModule<(record: RecordInput) => KafkajsEncoder>('kafkajs/src/protocol/recordBatch/record/v0/index.js');
