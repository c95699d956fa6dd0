/**
 * Dead letters and late events to Kafka, exactly once for a `read_committed` reader, through one
 * transactional producer whose transaction commits with the checkpoint (docs/kafka-failures.md).
 *
 * - Letters are held in memory, bucketed by the barrier they precede. `seal(id)` closes the bucket
 *   at barrier `id`; `commit(id, offsets)`, called once checkpoint `id` is recorded, writes every
 *   sealed bucket up to it in ONE transaction that also commits the checkpoint's input offsets, with
 *   the checkpoint id as their metadata, to the job's consumer group. That group's committed
 *   metadata is therefore the durable decision of which checkpoint's side outputs are in Kafka
 *   (`committedCheckpoint`): a restore never goes past it, so a replay writes again exactly the
 *   letters that were never committed.
 * - A letter made for what a worker reported (Elasticsearch refused a result; a session event found
 *   late) carries that worker's barrier count (`DeadLetter.epoch`) and joins the bucket of that
 *   barrier, even when the next barrier was placed before the report arrived (letter-buckets.ts).
 * - Starting the producer fences every older producer of the same transactional id (a daemon that
 *   was killed but is still alive, or another daemon on the same job) and completes or aborts the
 *   transaction it left open. A fenced producer stops its daemon for good (KAFKA_FENCED).
 * - Memory: the buckets hold at most `maxBufferedBytes` (soft: one batch's letters may cross it);
 *   `whenRoom()` is where the source waits, outside the pipeline's serial section, and `onFull`
 *   asks for an early checkpoint.
 */
import { type Admin, type Kafka, Partitioners, type Producer, type Transaction } from 'kafkajs';
import { systemClock, type Clock } from '../../clock.js';
import { causeChain, ErrorCode, SluiceError } from '../../errors.js';
import type { Logger } from '../../telemetry/logging.js';
import { fastProducingStatus } from './kafka-producing.js';
import { LetterBuckets, letterBytes } from './letter-buckets.js';
import { deadLetterHeaders, type DeadLetter, type DeadLetterSink } from './sink.js';

/** Bytes per send inside a transaction at most (the broker refuses batches over max.message.bytes). */
const MAX_SEND_BYTES = 512 * 1024;
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5_000;
/** The previous transaction's markers take a few ms: waits of 20, 40, ... 200 ms, about 2 s in all. */
const CONCURRENT_TXN_WAIT_MS = 20;
const CONCURRENT_TXN_MAX_WAIT_MS = 200;
const CONCURRENT_TXN_ATTEMPTS = 15;

export interface SideOutputOptions {
  kafka: Kafka;
  /** One per job: `sluice.<group>.side-outputs`. A second producer with it fences the first. */
  transactionalId: string;
  /** The job's consumer group: receives the checkpoint offsets inside each transaction. */
  groupId: string;
  /** The input topic those offsets are of. */
  inputTopic: string;
  maxBufferedBytes: number;
  /** Kafka aborts a transaction left open longer (the broker caps it at transaction.max.timeout.ms). */
  transactionTimeoutMs: number;
  logger: Logger;
  /** The buffer is full: a checkpoint would empty it. */
  onFull?: () => void;
  sleep?: (ms: number) => Promise<void>;
  /** Time for the commit deadline (default: the system's). */
  clock?: Clock;
}

export class TransactionalSideOutputs implements DeadLetterSink {
  readonly name = 'kafka-side-outputs';
  private producer: Producer | undefined;
  private readonly buckets = new LetterBuckets();
  private roomWaiters: Array<() => void> = [];
  private fenced: SluiceError | undefined;
  private closed = false;
  /** What a transaction with letters waits for (see `writeAfter`). */
  private ready: Promise<void> = Promise.resolve();
  /** A checkpoint whose transaction failed with an unknown outcome (`knowable`: it carried offsets). */
  private unsettled: { checkpointId: number; knowable: boolean } | undefined;
  /** The last commit asked for (settled either way): the next one starts after it. */
  private commits: Promise<void> = Promise.resolve();

  constructor(private readonly options: SideOutputOptions) {}

  /** Connect and initialise transactions: fences older producers of this job, settles their open transaction. */
  async start(): Promise<void> {
    if (this.producer) return; // started (and fenced the others) already: a retried start-up step
    const producing = fastProducingStatus();
    if (producing?.installed) this.options.logger.debug('side-output messages grouped and encoded the fast way (kafka-producing.ts)');
    else
      this.options.logger.info(
        { reason: producing?.reason ?? 'not installed in this process' },
        "side-output messages grouped and encoded by kafkajs's own code",
      );
    this.producer = await this.openProducer('initialising the side-output transactions');
  }

  /**
   * A connected producer whose transactions are initialised. kafkajs initialises the producer id
   * (InitProducerId: the fencing step, which also makes Kafka complete or abort the transaction an
   * older producer of this id left open) on the first transaction; an empty one is aborted locally.
   */
  private async openProducer(what: string): Promise<Producer> {
    const producer = this.options.kafka.producer({
      transactionalId: this.options.transactionalId,
      // A produce is sent once per transaction: kafkajs would otherwise re-send a produce that
      // failed (a connection lost after the request left, a "not the leader" answer while a broker
      // stops) inside the same transaction, and the transaction would commit whatever the broker
      // made of both copies; exactly-once then rests on the idempotent sequence numbers of the
      // client and of a broker that restarted between the copies (a duplicate dead letter was seen
      // so, docs/kafka-failures.md). Failing instead makes `commitNow` settle the transaction on a
      // new producer (aborting it, copies and all) and write the letters again in a new one.
      // kafkajs refuses `retries: 0` on an idempotent producer; its transactions are idempotent
      // regardless (`transaction()` sends with idempotence on), and the coordinator requests
      // (InitProducerId, offsets, EndTxn) keep the client's retries.
      idempotent: false,
      retry: { retries: 0 },
      maxInFlightRequests: 1,
      // kafkajs 2's default, named so it does not warn about the 1.x one at every start.
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      transactionTimeout: this.options.transactionTimeoutMs,
    });
    try {
      await producer.connect();
      const init = await producer.transaction();
      await init.abort();
      return producer;
    } catch (err) {
      await producer.disconnect().catch(() => undefined);
      const failure = this.classify(err, what);
      if (failure.code === ErrorCode.KAFKA_FENCED) throw failure;
      throw new SluiceError(ErrorCode.KAFKA_UNAVAILABLE, failure.message, { retriable: true, cause: err });
    }
  }

  /** Transactions with letters wait for `ready` (the side-output topics being created); it failing fails them. */
  writeAfter(ready: Promise<void>): void {
    this.ready = ready;
  }

  /** Hold letters until their checkpoint commits. Never blocks: see `whenRoom`. */
  async send(letters: readonly DeadLetter[]): Promise<void> {
    if (this.fenced) throw this.fenced;
    this.buckets.add(letters);
    if (this.buckets.bytes >= this.options.maxBufferedBytes) this.options.onFull?.();
  }

  /** Resolves when the held letters are below the bound (at once, usually). */
  whenRoom(): Promise<void> {
    if (this.buckets.bytes < this.options.maxBufferedBytes || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** Barrier `checkpointId` passed: the letters so far belong to it. */
  seal(checkpointId: number): void {
    this.buckets.seal(checkpointId);
  }

  /** Letters held now (for status and tests). */
  get held(): { letters: number; bytes: number } {
    return { letters: this.buckets.letters, bytes: this.buckets.bytes };
  }

  /**
   * Checkpoint `checkpointId` is recorded: write every letter sealed up to it and the checkpoint's
   * offsets in one transaction, retrying until `deadline`. A failed attempt leaves the transaction's
   * outcome unknown (its EndTxn may have committed with the reply lost), so the next attempt (of
   * this checkpoint or a later one) first settles it: see `settle`.
   */
  commit(checkpointId: number, offsets: ReadonlyMap<number, number>, deadline: number): Promise<void> {
    // One transaction at a time, in the order asked: the start's commit of what it restored may
    // still be in flight when a checkpoint (or a savepoint) commits.
    const turn = this.commits.then(() => this.commitNow(checkpointId, offsets, deadline));
    this.commits = turn.catch(() => undefined);
    return turn;
  }

  private async commitNow(checkpointId: number, offsets: ReadonlyMap<number, number>, deadline: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (this.fenced) throw this.fenced;
      let due = this.buckets.due(checkpointId);
      // Letters need their topics (a first start creates them); offsets alone do not.
      if (due.letters.length > 0) await this.ready;
      try {
        // A failed transaction that had committed after all takes its letters out of what is due.
        if (await this.settle()) due = this.buckets.due(checkpointId);
        if (due.letters.length > 0 || offsets.size > 0) await this.transact(due.letters, offsets, checkpointId);
        due.release();
        this.wakeRoomWaiters();
        return;
      } catch (err) {
        const failure = this.classify(
          err,
          `committing checkpoint ${checkpointId}'s side outputs (${due.letters.length} records) and offsets`,
        );
        if (failure.code !== ErrorCode.KAFKA_FENCED && this.unsettled === undefined) {
          this.unsettled = { checkpointId, knowable: offsets.size > 0 };
        }
        if (failure.code === ErrorCode.KAFKA_FENCED || (this.options.clock ?? systemClock).now() >= deadline || this.closed) throw failure;
        const wait = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.min(attempt - 1, 5));
        this.options.logger.warn({ err: failure, checkpointId, attempt, retryInMs: wait }, 'side-output transaction failed; retrying');
        await this.sleep(wait);
      }
    }
  }

  /**
   * After a failed attempt: kafkajs cannot go on with a transaction whose commit or abort failed (its
   * state machine stays in COMMITTING or ABORTING for good), so a new producer replaces it. Its
   * initialisation makes Kafka finish the old transaction (a commit that reached the broker
   * completes, anything else is aborted) before it returns; the group's committed checkpoint then
   * says which way it went. Returns true when it had committed: its letters are released (they are
   * in Kafka, once).
   */
  private async settle(): Promise<boolean> {
    const unsettled = this.unsettled;
    if (!unsettled) return false;
    const stale = this.producer;
    this.producer = undefined;
    await stale?.disconnect().catch(() => undefined);
    this.producer = await this.openProducer('replacing the side-output producer after a failed transaction');
    // Without offsets the transaction left no record in the group: its letters are written again.
    const committed = unsettled.knowable ? await this.committedCheckpointNow() : undefined;
    this.unsettled = undefined;
    if (committed === undefined || committed < unsettled.checkpointId) return false;
    this.options.logger.info(
      { checkpointId: unsettled.checkpointId },
      'the side-output transaction whose end failed had committed; not writing it again',
    );
    this.buckets.due(unsettled.checkpointId).release();
    this.wakeRoomWaiters();
    return true;
  }

  private async committedCheckpointNow(): Promise<number | undefined> {
    const admin = this.options.kafka.admin();
    await admin.connect();
    try {
      return await committedCheckpoint(admin, this.options.groupId, this.options.inputTopic);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** Nothing to flush: letters become durable with their checkpoint's transaction. */
  async flush(): Promise<void> {
    if (this.fenced) throw this.fenced;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wakeRoomWaiters();
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }

  private async transact(letters: readonly DeadLetter[], offsets: ReadonlyMap<number, number>, checkpointId: number): Promise<void> {
    const producer = this.producer;
    if (!producer) throw new SluiceError(ErrorCode.PIPELINE_STOPPED, 'the side-output producer is closed');
    const tx: Transaction = await producer.transaction();
    try {
      // Offsets first: their AddOffsetsToTxn is where a transaction begun while the previous one is
      // still completing (its markers being written) meets CONCURRENT_TRANSACTIONS, and it is safe
      // to repeat. Once it has passed, the letters' produces (sent once each, see `openProducer`)
      // do not meet it.
      if (offsets.size > 0) await this.sendOffsets(tx, offsets, checkpointId);
      for (const chunk of chunks(letters)) {
        await tx.sendBatch({
          acks: -1,
          topicMessages: byTopic(chunk).map(([topic, list]) => ({
            topic,
            // The source record's Kafka timestamp, never the event time (time retention).
            messages: list.map((l) => ({ key: l.key, value: l.value, timestamp: l.source.timestamp, headers: deadLetterHeaders(l) })),
          })),
        });
      }
      await tx.commit();
    } catch (err) {
      if (tx.isActive()) await tx.abort().catch(() => undefined);
      throw err;
    }
  }

  /**
   * The checkpoint's offsets into `tx`, repeated while the coordinator is still completing the
   * previous transaction (kafkajs does not retry AddOffsetsToTxn). Repeating is harmless: adding
   * the group again and committing the same offsets again change nothing.
   */
  private async sendOffsets(tx: Transaction, offsets: ReadonlyMap<number, number>, checkpointId: number): Promise<void> {
    const metadata = JSON.stringify({ checkpoint: checkpointId });
    for (let attempt = 1; ; attempt++) {
      try {
        await tx.sendOffsets({
          consumerGroupId: this.options.groupId,
          topics: [
            {
              topic: this.options.inputTopic,
              partitions: [...offsets].map(([partition, offset]) => ({ partition, offset: String(offset), metadata })),
            },
          ],
        });
        return;
      } catch (err) {
        if (attempt >= CONCURRENT_TXN_ATTEMPTS || !hasErrorType(err, 'CONCURRENT_TRANSACTIONS')) throw err;
        await this.sleep(Math.min(CONCURRENT_TXN_MAX_WAIT_MS, CONCURRENT_TXN_WAIT_MS * attempt));
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return this.options.sleep ? this.options.sleep(ms) : new Promise<void>((resolve) => setTimeout(resolve, ms));
  }

  private classify(err: unknown, what: string): SluiceError {
    if (err instanceof SluiceError) return err;
    if (isFenced(err)) {
      this.fenced ??= new SluiceError(
        ErrorCode.KAFKA_FENCED,
        `another sluice daemon started on this job (transactional id "${this.options.transactionalId}", group "${this.options.groupId}") and fenced this one while ${what}; this daemon stops for good. Run one daemon per job`,
        { retriable: false, cause: err },
      );
      return this.fenced;
    }
    return new SluiceError(ErrorCode.DEAD_LETTER_FAILED, `${what} failed: ${(err as Error).message}`, { retriable: true, cause: err });
  }

  private wakeRoomWaiters(): void {
    if (this.buckets.bytes >= this.options.maxBufferedBytes && !this.closed) return;
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const wake of waiters) wake();
  }
}

/**
 * The checkpoint whose side outputs were committed last: the metadata the transactions commit with
 * the offsets to the job's group (undefined when the group has none, e.g. a new job).
 */
export async function committedCheckpoint(admin: Admin, groupId: string, topic: string): Promise<number | undefined> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  let newest: number | undefined;
  for (const p of entry?.partitions ?? []) {
    const id = checkpointOf(p.metadata);
    if (id !== undefined && (newest === undefined || id > newest)) newest = id;
  }
  return newest;
}

function checkpointOf(metadata: string | null | undefined): number | undefined {
  if (!metadata) return undefined;
  try {
    const id = (JSON.parse(metadata) as { checkpoint?: unknown }).checkpoint;
    return Number.isSafeInteger(id) ? (id as number) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `err`, or an error it was caused by, is the broker's error `type` (kafkajs wraps them). */
function hasErrorType(err: unknown, type: string): boolean {
  for (const e of causeChain(err)) if (e.type === type) return true;
  return false;
}

/** kafkajs reports fencing as INVALID_PRODUCER_EPOCH, or PRODUCER_FENCED (code 90, unknown to it). */
export function isFenced(err: unknown): boolean {
  for (const e of causeChain(err)) {
    if (e.type === 'INVALID_PRODUCER_EPOCH' || e.type === 'PRODUCER_FENCED' || e.code === 90 || e.code === 47) return true;
  }
  return false;
}

function* chunks(letters: readonly DeadLetter[]): Generator<DeadLetter[]> {
  let chunk: DeadLetter[] = [];
  let bytes = 0;
  for (const letter of letters) {
    const size = letterBytes(letter);
    if (chunk.length > 0 && bytes + size > MAX_SEND_BYTES) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(letter);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}

function byTopic(letters: readonly DeadLetter[]): Array<[string, DeadLetter[]]> {
  const map = new Map<string, DeadLetter[]>();
  for (const letter of letters) {
    const list = map.get(letter.topic) ?? [];
    list.push(letter);
    map.set(letter.topic, list);
  }
  return [...map];
}
