/**
 * Side-output letters held until their checkpoint commits, bucketed by the barrier they precede.
 *
 * A letter made on the main thread (a bad record) joins the open bucket. A letter made for what a
 * worker reported (a refused result, a session event found late) carries the barrier count of that
 * worker when it reported (`DeadLetter.epoch`): the worker's reply may reach the main thread after
 * the next barrier was placed and the open bucket sealed, and the letter still belongs to the
 * checkpoint its record belongs to, so it joins the bucket of that epoch.
 */
import { deadLetterHeaders, type DeadLetter } from './sink.js';

const RECORD_OVERHEAD_BYTES = 64;

interface Bucket {
  /** Barriers sealed before this bucket opened (the epoch of its letters). */
  epoch: number;
  /** The checkpoint whose barrier sealed it; undefined while open. */
  checkpointId: number | undefined;
  letters: DeadLetter[];
  bytes: number;
}

/** The letters of the checkpoints up to one id, and how to let them go once they are durable. */
export interface DueLetters {
  letters: DeadLetter[];
  release(): void;
}

export class LetterBuckets {
  private readonly sealed: Bucket[] = [];
  private open: Bucket = { epoch: 0, checkpointId: undefined, letters: [], bytes: 0 };
  private total = 0;

  add(letters: readonly DeadLetter[]): void {
    for (const letter of letters) {
      const bucket = (letter.epoch !== undefined && this.sealed.find((b) => b.epoch === letter.epoch)) || this.open;
      const size = letterBytes(letter);
      bucket.letters.push(letter);
      bucket.bytes += size;
      this.total += size;
    }
  }

  /** Barrier `checkpointId` was placed: the letters so far belong to it. */
  seal(checkpointId: number): void {
    this.open.checkpointId = checkpointId;
    this.sealed.push(this.open);
    this.open = { epoch: this.open.epoch + 1, checkpointId: undefined, letters: [], bytes: 0 };
  }

  /** Every letter sealed up to checkpoint `checkpointId`; `release()` drops them once committed. */
  due(checkpointId: number): DueLetters {
    const buckets = this.sealed.filter((b) => (b.checkpointId as number) <= checkpointId);
    return {
      letters: buckets.flatMap((b) => b.letters),
      release: () => {
        for (const b of buckets) {
          const at = this.sealed.indexOf(b);
          if (at < 0) continue;
          this.sealed.splice(at, 1);
          this.total -= b.bytes;
        }
      },
    };
  }

  get bytes(): number {
    return this.total;
  }

  get letters(): number {
    let n = this.open.letters.length;
    for (const b of this.sealed) n += b.letters.length;
    return n;
  }
}

export function letterBytes(letter: DeadLetter): number {
  let bytes = RECORD_OVERHEAD_BYTES + (letter.value?.length ?? 0) + (letter.key?.length ?? 0);
  for (const [name, value] of Object.entries(deadLetterHeaders(letter))) bytes += name.length + Buffer.byteLength(value);
  return bytes;
}
