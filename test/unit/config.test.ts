import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeConfig, loadConfig, VARIABLES } from '../../src/config.js';
import { STATE_ENTRY_HEAP_BYTES, stateCacheEntriesWithin } from '../../src/config/runtime-defaults.js';
import { connectionOptions } from '../../src/streams/sinks/redis.js';
import { ErrorCode, SluiceError } from '../../src/errors.js';

function problemFor(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof SluiceError);
    assert.equal(err.code, ErrorCode.CONFIG_INVALID);
    return err.message;
  }
  assert.fail('expected CONFIG_INVALID');
}

describe('configuration', () => {
  test('defaults are the contract defaults; no Kafka means the embedded generator', () => {
    const c = loadConfig({});
    assert.equal(c.kafka, undefined);
    assert.equal(c.elasticsearch, undefined);
    assert.equal(c.redis, undefined);
    assert.deepEqual(c.topics, { input: 'user-clicks', dlq: 'user-clicks-dlq', late: 'user-clicks-late' });
    assert.deepEqual(c.windows, {
      sizeMs: 60_000,
      outOfOrdernessMs: 5000,
      allowedLatenessMs: 0,
      idleTimeoutMs: 30_000,
      stateTtlMs: 2 * 86_400_000,
    });
    assert.deepEqual(c.checkpoint, {
      intervalMs: 30_000,
      minPauseMs: 15_000,
      timeoutMs: 600_000,
      tolerableFailures: 3,
      retained: 3,
      onCorrupt: 'fallback',
    });
    assert.deepEqual(c.restart, { strategy: 'fixed-delay', attempts: 5, delayMs: 10_000, maxDelayMs: 300_000, intervalMs: 600_000 });
    assert.equal(c.state.dir, './data');
    assert.equal(c.metricsPort, 9464);
    assert.equal(c.logLevel, 'info');
    assert.ok(c.workers >= 1);
  });

  test('every contract variable is known', () => {
    for (const name of [
      'SLUICE_KAFKA_BROKERS',
      'SLUICE_KAFKA_TOPIC',
      'SLUICE_KAFKA_GROUP_ID',
      'SLUICE_DLQ_TOPIC',
      'SLUICE_LATE_TOPIC',
      'SLUICE_ES_NODE',
      'SLUICE_ES_INDEX',
      'SLUICE_REDIS_URL',
      'SLUICE_REDIS_KEY_PREFIX',
      'SLUICE_REDIS_TTL_SECONDS',
      'SLUICE_WINDOW_MS',
      'SLUICE_OUT_OF_ORDERNESS_MS',
      'SLUICE_ALLOWED_LATENESS_MS',
      'SLUICE_IDLE_TIMEOUT_MS',
      'SLUICE_STATE_DIR',
      'SLUICE_CHECKPOINT_INTERVAL_MS',
      'SLUICE_CHECKPOINT_MIN_PAUSE_MS',
      'SLUICE_CHECKPOINT_TIMEOUT_MS',
      'SLUICE_RESTART_ATTEMPTS',
      'SLUICE_RESTART_DELAY_MS',
      'SLUICE_WORKERS',
      'SLUICE_METRICS_PORT',
      'SLUICE_LOG_LEVEL',
    ]) {
      assert.ok(name in VARIABLES, name);
    }
  });

  test('values are parsed into their types', () => {
    const c = loadConfig({
      SLUICE_KAFKA_BROKERS: '127.0.0.1:9092, kafka-2:9093',
      SLUICE_ES_NODE: 'http://127.0.0.1:9200',
      SLUICE_REDIS_URL: 'redis://127.0.0.1:6379',
      SLUICE_WINDOW_MS: '30000',
      SLUICE_LOG_LEVEL: 'DEBUG',
    });
    assert.deepEqual(c.kafka?.brokers, ['127.0.0.1:9092', 'kafka-2:9093']);
    assert.equal(c.elasticsearch?.index, 'user-click-counts');
    assert.equal(c.redis?.keyPrefix, 'clicks:');
    assert.equal(c.redis?.ttlSeconds, 86_400);
    assert.equal(c.windows.sizeMs, 30_000);
    assert.equal(c.logLevel, 'debug');
  });

  test("SLUICE_MAX_RECORD_BYTES: the contract's 1 MiB by default, 1024 to 16 MiB", () => {
    assert.equal(loadConfig({}).maxRecordBytes, 1_048_576);
    assert.equal(loadConfig({ SLUICE_MAX_RECORD_BYTES: '16777216' }).maxRecordBytes, 16 * 1_048_576);
    assert.equal(loadConfig({ SLUICE_MAX_RECORD_BYTES: '1024' }).maxRecordBytes, 1024);
    assert.match(
      problemFor({ SLUICE_MAX_RECORD_BYTES: '16777217' }),
      /SLUICE_MAX_RECORD_BYTES="16777217": allowed: an integer from 1024 to 16777216/,
    );
    assert.match(problemFor({ SLUICE_MAX_RECORD_BYTES: '1MiB' }), /SLUICE_MAX_RECORD_BYTES="1MiB"/);
  });

  test('a bad value names the variable, the value and what is allowed; all problems at once', () => {
    const message = problemFor({ SLUICE_WINDOW_MS: 'one minute', SLUICE_KAFKA_BROKERS: 'localhost', SLUICE_LOG_LEVEL: 'loud' });
    assert.match(message, /SLUICE_WINDOW_MS="one minute": allowed: an integer from 1 to 86400000/);
    assert.match(message, /SLUICE_KAFKA_BROKERS="localhost": allowed: .*host:port/);
    assert.match(message, /SLUICE_LOG_LEVEL="loud": allowed: fatal, error, warn, info, debug, trace, silent/);
    assert.match(problemFor({ SLUICE_REDIS_TTL_SECONDS: '0' }), /SLUICE_REDIS_TTL_SECONDS="0"/);
    assert.match(problemFor({ SLUICE_ES_NODE: 'ftp://x' }), /SLUICE_ES_NODE="ftp:\/\/x": allowed: an http/);
    assert.match(problemFor({ SLUICE_KAFKA_TOPIC: 'bad topic!' }), /SLUICE_KAFKA_TOPIC/);
    // Kafka refuses these two names although they match the allowed characters.
    assert.match(
      problemFor({ SLUICE_DLQ_TOPIC: '..' }),
      /SLUICE_DLQ_TOPIC="\.\.": allowed: a Kafka topic name: "\." and "\.\." are not allowed/,
    );
    assert.match(problemFor({ SLUICE_LATE_TOPIC: '.' }), /SLUICE_LATE_TOPIC="\."/);
  });

  test('a misspelt SLUICE_ variable stops start-up; tooling prefixes do not', () => {
    assert.match(
      problemFor({ SLUICE_ES_NOD: 'http://x:9200' }),
      /SLUICE_ES_NOD \(value not shown\): allowed: a known SLUICE_ variable; is it misspelt\? Did you mean SLUICE_ES_NODE\?/,
    );
    assert.doesNotThrow(() => loadConfig({ SLUICE_STACK_DIR: '/tmp/x', SLUICE_TEST_ES_NODE: 'x', SLUICE_BENCH_EVENTS: '1' }));
  });

  test('secrets never appear in errors or in `sluice config` output', () => {
    const secretUrl = 'redis://user:hunter2-secret@127.0.0.1:6379';
    const env = {
      SLUICE_REDIS_URL: secretUrl,
      SLUICE_ES_API_KEY: 'apikey-secret-value',
      SLUICE_ES_PASSWORD: 'es-secret-pass',
      SLUICE_KAFKA_SASL_MECHANISM: 'plain',
      SLUICE_KAFKA_SASL_USERNAME: 'kafka-user-secret',
      SLUICE_KAFKA_SASL_PASSWORD: 'kafka-pass-secret',
    };
    const printed = JSON.stringify(describeConfig(env));
    for (const secret of ['hunter2-secret', 'apikey-secret-value', 'es-secret-pass', 'kafka-user-secret', 'kafka-pass-secret']) {
      assert.ok(!printed.includes(secret), `${secret} leaked into sluice config`);
    }
    assert.ok(printed.includes('redis://user:****@127.0.0.1:6379'));
    const message = problemFor({ ...env, SLUICE_REDIS_URL: 'http://user:hunter2-secret@host' });
    assert.ok(!message.includes('hunter2-secret'), message);
    const sasl = problemFor({ SLUICE_KAFKA_SASL_MECHANISM: 'plain', SLUICE_KAFKA_SASL_PASSWORD: 'kafka-pass-secret' });
    assert.match(sasl, /SLUICE_KAFKA_SASL_USERNAME/);
    assert.ok(!sasl.includes('kafka-pass-secret'));
  });

  test('an unknown variable is named, never its value (a misspelt secret), with the closest known name', () => {
    let caught: unknown;
    try {
      loadConfig({
        SLUICE_KAFKA_SASL_PASWORD: 'hunter2-secret',
        SLUICE_REDIS_PASWORD: 'redis-secret',
        SLUICE_SOMETHING_ELSE_ENTIRELY: 'other-secret',
      });
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof SluiceError && caught.code === ErrorCode.CONFIG_INVALID);
    const everything = `${caught.message}\n${JSON.stringify(caught.details)}`;
    for (const secret of ['hunter2-secret', 'redis-secret', 'other-secret'])
      assert.ok(!everything.includes(secret), `${secret} leaked: ${everything}`);
    assert.match(caught.message, /SLUICE_KAFKA_SASL_PASWORD \(value not shown\): .*Did you mean SLUICE_KAFKA_SASL_PASSWORD\?/);
    assert.match(caught.message, /SLUICE_REDIS_PASWORD \(value not shown\): .*Did you mean SLUICE_REDIS_PASSWORD\?/);
    assert.match(
      caught.message,
      /SLUICE_SOMETHING_ELSE_ENTIRELY \(value not shown\): allowed: a known SLUICE_ variable; is it misspelt\? \(`sluice config` lists them all\)/,
    );
  });

  test('URL credentials are masked in errors and `sluice config`: token-only user info and credential parameters too', () => {
    const urls = {
      SLUICE_ES_NODE: 'http://es-token-secret@127.0.0.1:9200/?access_token=es-query-secret&pretty=1',
      SLUICE_REDIS_URL: 'redis://127.0.0.1:6379/?password=redis-query-secret&family=4',
    };
    const printed = JSON.stringify(describeConfig(urls));
    for (const secret of ['es-token-secret', 'es-query-secret', 'redis-query-secret'])
      assert.ok(!printed.includes(secret), `${secret} in sluice config`);
    assert.ok(printed.includes('http://****@127.0.0.1:9200/?access_token=****&pretty=1'), printed);
    assert.ok(printed.includes('redis://127.0.0.1:6379/?password=****&family=4'), printed);
    const message = problemFor({
      SLUICE_REDIS_URL: 'http://tok-secret@host/?token=q-secret',
      SLUICE_ES_NODE: 'ftp://es-tok-secret@host/?api_key=k-secret',
    });
    for (const secret of ['tok-secret', 'q-secret', 'es-tok-secret', 'k-secret'])
      assert.ok(!message.includes(secret), `${secret} in ${message}`);
    assert.match(message, /SLUICE_REDIS_URL="http:\/\/\*\*\*\*@host\/\?token=\*\*\*\*": allowed: a redis:\/\/ or rediss:\/\/ URL/);
  });

  test('a URL whose user name or password is not percent-decodable is refused by validation, not by a URIError at start-up', () => {
    const redis = problemFor({ SLUICE_REDIS_URL: 'redis://u:p%zz-secret@h:6379' });
    assert.match(
      redis,
      /SLUICE_REDIS_URL="redis:\/\/u:\*\*\*\*@h:6379": allowed: a redis:\/\/ or rediss:\/\/ URL with its user name and password percent-encoded/,
    );
    assert.ok(!redis.includes('p%zz-secret'), redis);
    assert.match(
      problemFor({ SLUICE_REDIS_URL: 'rediss://%zz-token@h' }),
      /SLUICE_REDIS_URL="rediss:\/\/\*\*\*\*@h": allowed: .*percent-encoded/,
    );
    assert.match(
      problemFor({ SLUICE_ES_NODE: 'http://elastic:pass%@es:9200' }),
      /SLUICE_ES_NODE="http:\/\/elastic:\*\*\*\*@es:9200": allowed: an http:\/\/ or https:\/\/ URL with its user name and password percent-encoded/,
    );
    // What validation accepts, the Redis client options are built from without throwing.
    for (const url of ['redis://u:p%25zz@h:6379', 'redis://:p%40ss@h', 'rediss://user@h:6380/2', 'redis://h']) {
      const redisConfig = loadConfig({ SLUICE_REDIS_URL: url }).redis;
      assert.ok(redisConfig);
      assert.doesNotThrow(() => connectionOptions(redisConfig), url);
    }
    assert.equal(connectionOptions(loadConfig({ SLUICE_REDIS_URL: 'redis://u:p%25zz@h:6379' }).redis!).password, 'p%zz');
  });
});

test("the window workers' cache of committed entries takes at most an eighth of a worker's heap", () => {
  assert.equal(stateCacheEntriesWithin(512, 100_000), 100_000, 'the defaults fit as they are');
  const eighthOf64Mb = Math.floor((64 * 1024 * 1024) / 8 / STATE_ENTRY_HEAP_BYTES);
  assert.equal(stateCacheEntriesWithin(64, 100_000), eighthOf64Mb, 'a small heap lowers it');
  assert.ok(eighthOf64Mb * STATE_ENTRY_HEAP_BYTES <= (64 * 1024 * 1024) / 8);
  assert.equal(stateCacheEntriesWithin(64, 0), 0, 'off stays off');
  assert.equal(loadConfig({}).state.cacheEntries, 100_000, 'SLUICE_STATE_CACHE_ENTRIES defaults to 100,000');
});
