/**
 * Start-up against a Kafka that is down: the first contact is retried with backoff (time injected,
 * no sleeping) until it answers or the start-up timeout runs out; other failures are not retried.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ErrorCode, SluiceError } from '../../src/errors.js';
import { waitForKafka } from '../../src/streams/sources/kafka-wait.js';

function manualClock() {
  let now = 0;
  const waits: number[] = [];
  const warnings: Array<Record<string, unknown>> = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      waits.push(ms);
      now += ms;
    },
    logger: { warn: (obj: object) => warnings.push(obj as Record<string, unknown>), info: () => undefined },
    waits,
    warnings,
  };
}

const unreachable = () =>
  new SluiceError(ErrorCode.KAFKA_UNAVAILABLE, 'cannot connect to Kafka at 127.0.0.1:9092: Connection refused', { retriable: true });

describe('waitForKafka', () => {
  test('an unreachable broker is waited for with growing, bounded waits, logged with a code, until it answers', async () => {
    const clock = manualClock();
    let calls = 0;
    const result = await waitForKafka(
      async () => {
        if (++calls < 8) throw unreachable();
        return 'topics ready';
      },
      { timeoutMs: 300_000, ...clock },
    );
    assert.equal(result, 'topics ready');
    assert.deepEqual(clock.waits, [500, 1000, 2000, 4000, 5000, 5000, 5000]);
    assert.equal(clock.warnings.length, 7);
    assert.equal(clock.warnings[0]?.code, ErrorCode.KAFKA_UNAVAILABLE);
  });

  test('it gives up after the start-up timeout with KAFKA_UNAVAILABLE naming the variable', async () => {
    const clock = manualClock();
    await assert.rejects(
      waitForKafka(async () => Promise.reject(unreachable()), { timeoutMs: 20_000, ...clock }),
      (err: unknown) =>
        err instanceof SluiceError && err.code === ErrorCode.KAFKA_UNAVAILABLE && /SLUICE_KAFKA_STARTUP_TIMEOUT_MS=20000/.test(err.message),
    );
    assert.ok(clock.now() >= 20_000 && clock.now() < 30_000);
  });

  test('a failure that is not "unreachable" (a missing topic) fails at once', async () => {
    const clock = manualClock();
    const missing = new SluiceError(ErrorCode.KAFKA_TOPIC_MISSING, 'input topic "x" does not exist');
    await assert.rejects(
      waitForKafka(async () => Promise.reject(missing), { timeoutMs: 0, ...clock }),
      (err: unknown) => err === missing,
    );
    assert.deepEqual(clock.waits, []);
  });

  test('a stop during the wait ends it', async () => {
    const clock = manualClock();
    let stopped = false;
    let calls = 0;
    await assert.rejects(
      waitForKafka(
        async () => {
          if (++calls === 3) stopped = true;
          throw unreachable();
        },
        { timeoutMs: 0, isStopped: () => stopped, ...clock },
      ),
      (err: unknown) => err instanceof SluiceError && err.code === ErrorCode.KAFKA_UNAVAILABLE,
    );
    assert.equal(calls, 3);
  });
});

test('a stop ends the wait while an attempt is still under way (kafkajs retrying its connection)', async () => {
  const clock = manualClock();
  let stopped = false;
  const waiting = waitForKafka(() => new Promise<never>(() => undefined), { timeoutMs: 0, isStopped: () => stopped, ...clock });
  stopped = true;
  await assert.rejects(waiting, (err: unknown) => {
    assert.ok(err instanceof SluiceError);
    assert.equal(err.code, ErrorCode.KAFKA_UNAVAILABLE);
    assert.equal(err.retriable, false);
    assert.match(err.message, /stopped while waiting for Kafka/);
    return true;
  });
  assert.deepEqual(clock.waits, [], 'no backoff: the attempt never failed');
});

describe('connectionRetriable', () => {
  test('an unreachable broker is waited for (the deepest cause decides, not the retries-exhausted wrapper); a broker refusing SASL is not', async () => {
    const { connectionRetriable } = await import('../../src/streams/sources/kafka-source.js');
    const refused = Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092'), {
      name: 'KafkaJSConnectionError',
      retriable: true,
    });
    assert.equal(
      connectionRetriable(
        Object.assign(new Error('retries exhausted'), { name: 'KafkaJSNumberOfRetriesExceeded', retriable: false, cause: refused }),
      ),
      true,
    );
    const sasl = Object.assign(new Error('Request is not valid given the current SASL state'), {
      name: 'KafkaJSProtocolError',
      retriable: false,
    });
    assert.equal(
      connectionRetriable(Object.assign(new Error('Failed to connect to seed broker'), { retriable: false, cause: sasl })),
      false,
    );
    assert.equal(
      connectionRetriable(Object.assign(new Error('SASL PLAIN authentication failed'), { name: 'KafkaJSSASLAuthenticationError' })),
      false,
    );
  });
});
