import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LetterBuckets } from '../../src/streams/sinks/letter-buckets.js';
import type { DeadLetter } from '../../src/streams/sinks/sink.js';

const letter = (offset: number, epoch?: number): DeadLetter => ({
  topic: 'late',
  value: Buffer.from(`{"n":${offset}}`),
  key: null,
  code: 'LATE_EVENT',
  message: 'late',
  source: { topic: 'clicks', partition: 0, offset: String(offset), timestamp: '0' },
  ...(epoch === undefined ? {} : { epoch }),
});
const offsets = (letters: readonly DeadLetter[]) => letters.map((l) => Number(l.source.offset));

test('a worker report that arrives after the next barrier was placed joins the checkpoint of its epoch', () => {
  const buckets = new LetterBuckets();
  buckets.add([letter(1)]);
  buckets.seal(1); // barrier 1 placed; the worker had not passed it when it found record 2 late
  buckets.add([letter(3)]);
  buckets.add([letter(2, 0)]);
  buckets.seal(2);
  buckets.add([letter(4, 1), letter(5, 2)]);

  const first = buckets.due(1);
  assert.deepEqual(offsets(first.letters), [1, 2], 'checkpoint 1 holds the bad record and the late report of epoch 0');
  first.release();
  assert.deepEqual(offsets(buckets.due(2).letters), [3, 4], 'checkpoint 2: its own letter and the report of epoch 1');
  assert.equal(buckets.letters, 3, 'checkpoint 2 not released yet, epoch 2 still open');
});

test('letters are counted in bytes until their checkpoint releases them', () => {
  const buckets = new LetterBuckets();
  buckets.add([letter(1), letter(2)]);
  const held = buckets.bytes;
  assert.ok(held > 2 * 64, 'overhead plus value and headers');
  buckets.seal(7);
  const due = buckets.due(6);
  assert.deepEqual(due.letters, [], 'nothing sealed at or before checkpoint 6');
  const seventh = buckets.due(7);
  seventh.release();
  seventh.release();
  assert.equal(buckets.bytes, 0, 'released once, even when released twice');
  assert.equal(buckets.letters, 0);
});
