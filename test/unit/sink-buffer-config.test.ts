/** The sink buffer bounds: defaults, parsing, and the floor of one batch. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { ErrorCode, SluiceError } from '../../src/errors.js';

const sinks = { SLUICE_ES_NODE: 'http://127.0.0.1:9200', SLUICE_REDIS_URL: 'redis://127.0.0.1:6379' };

test('defaults: 10,000 documents and 10 MiB for Elasticsearch (5 MiB bulks), 10,000 commands for Redis', () => {
  const c = loadConfig(sinks);
  assert.equal(c.elasticsearch?.bufferDocs, 10_000);
  assert.equal(c.elasticsearch?.bufferBytes, 10 * 1024 * 1024);
  assert.equal(c.elasticsearch?.bulkBytes, 5 * 1024 * 1024);
  assert.equal(c.redis?.bufferKeys, 10_000);
});

test('set values are used; a buffer smaller than one batch is raised to one batch', () => {
  const c = loadConfig({
    ...sinks,
    SLUICE_ES_BULK_DOCS: '1000',
    SLUICE_ES_BULK_BYTES: '1048576',
    SLUICE_ES_BUFFER_DOCS: '2000',
    SLUICE_ES_BUFFER_BYTES: '4194304',
    SLUICE_REDIS_BATCH_SIZE: '1000',
    SLUICE_REDIS_BUFFER_KEYS: '1500',
  });
  assert.equal(c.elasticsearch?.bufferDocs, 2_000);
  assert.equal(c.elasticsearch?.bufferBytes, 4 * 1024 * 1024);
  assert.equal(c.redis?.bufferKeys, 1_500);
  const small = loadConfig({
    ...sinks,
    SLUICE_ES_BULK_DOCS: '5000',
    SLUICE_ES_BUFFER_DOCS: '100',
    SLUICE_ES_BUFFER_BYTES: '2048',
    SLUICE_REDIS_BUFFER_KEYS: '10',
  });
  assert.equal(small.elasticsearch?.bufferDocs, 5_000);
  assert.equal(small.elasticsearch?.bufferBytes, 5 * 1024 * 1024);
  assert.equal(small.redis?.bufferKeys, 5_000);
});

test('a bad bound names the variable', () => {
  assert.throws(
    () => loadConfig({ ...sinks, SLUICE_ES_BUFFER_DOCS: '0', SLUICE_REDIS_BUFFER_KEYS: 'lots' }),
    (err: unknown) =>
      err instanceof SluiceError &&
      err.code === ErrorCode.CONFIG_INVALID &&
      /SLUICE_ES_BUFFER_DOCS="0"/.test(err.message) &&
      /SLUICE_REDIS_BUFFER_KEYS="lots"/.test(err.message),
  );
});
