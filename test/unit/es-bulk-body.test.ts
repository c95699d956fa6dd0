/**
 * The Elasticsearch sink's documents as bytes while they wait (`bulkLines`), the bulk body built
 * from them (`ndjsonBody`) and a dead letter's value (`sourceOfLines`): the same NDJSON and the
 * same source bytes as the strings they replaced.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { bulkAction, bulkLines, ndjsonBody, sourceOfLines } from '../../src/streams/sinks/elasticsearch.js';

const action = (id: string) => JSON.stringify({ index: { _id: id, version: 1, version_type: 'external_gte' } });
// Ids and field values of any UTF-16: multi-byte characters, lone surrogates, newlines and quotes.
const pairs = fc.array(fc.tuple(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })), { maxLength: 30 });

test('an action line is the text of its object stringified, for any id and any non-negative safe integer version', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), fc.maxSafeNat(), (id, version) => {
      assert.equal(bulkAction(id, version), JSON.stringify({ index: { _id: id, version, version_type: 'external_gte' } }));
    }),
    { numRuns: 2_000 },
  );
  assert.equal(bulkAction('__proto__', 0), '{"index":{"_id":"__proto__","version":0,"version_type":"external_gte"}}');
});

test('the body is every action and source line, in order, as UTF-8', () => {
  fc.assert(
    fc.property(pairs, (docs) => {
      const texts = docs.map(([id, userId]) => ({ action: action(id), source: JSON.stringify({ userId, count: userId.length }) }));
      const expected = Buffer.from(texts.map((t) => `${t.action}\n${t.source}\n`).join(''), 'utf8');
      assert.ok(ndjsonBody(texts.map((t) => ({ lines: bulkLines(t.action, t.source) }))).equals(expected));
    }),
    { numRuns: 500 },
  );
});

test("a dead letter's value is the source's UTF-8 bytes, in a buffer of its own; also for a document with no action", () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), fc.boolean(), (id, text, withAction) => {
      const source = JSON.stringify({ userId: text, note: 'a\nb' });
      const lines = bulkLines(withAction ? action(id) : '', source);
      const value = sourceOfLines(lines);
      assert.ok(value.equals(Buffer.from(source, 'utf8')));
      value.fill(0);
      assert.ok(sourceOfLines(lines).equals(Buffer.from(source, 'utf8')), "the letter does not share the lines' memory");
    }),
    { numRuns: 500 },
  );
});
