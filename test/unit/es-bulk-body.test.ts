/** The Elasticsearch sink's bulk body, built as bytes: the same NDJSON as the string it replaced. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ErrorCode, SluiceError } from '../../src/errors.js';
import { ndjsonBody } from '../../src/streams/sinks/elasticsearch.js';

const doc = (id: string, source: unknown) => {
  const action = JSON.stringify({ index: { _id: id, version: 1, version_type: 'external_gte' } });
  const text = JSON.stringify(source);
  return { action, source: text, bytes: Buffer.byteLength(action) + Buffer.byteLength(text) + 2 };
};

test('the body is every action and source line, in order, as UTF-8: multi-byte characters and lone surrogates included', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })), { maxLength: 30 }), (pairs) => {
      const docs = pairs.map(([id, userId]) => doc(id, { userId, count: userId.length }));
      const expected = Buffer.from(docs.map((d) => `${d.action}\n${d.source}\n`).join(''), 'utf8');
      assert.ok(ndjsonBody(docs).equals(expected));
    }),
    { numRuns: 500 },
  );
});

test('a document whose byte count is wrong fails the body as an internal error, never sends a cut one', () => {
  const good = doc('a', { userId: 'é' });
  for (const bytes of [good.bytes - 1, good.bytes + 1]) {
    assert.throws(
      () => ndjsonBody([{ ...good, bytes }]),
      (err: unknown) => err instanceof SluiceError && err.code === ErrorCode.INTERNAL,
    );
  }
});
