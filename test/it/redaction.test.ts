/**
 * Secrets never reach stdout or stderr, at debug level, on the happy path and on error paths: the
 * daemon runs as a child process with every credential variable set (Redis URL with a password,
 * SLUICE_REDIS_PASSWORD, SLUICE_ES_PASSWORD, SLUICE_ES_API_KEY, an ES URL with credentials, SASL),
 * and its whole output is searched for each secret in every form it could take on the wire.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { buildFixture, MINUTE } from '../helpers/clickstream-fixture.js';
import { CLI, startDaemon, waitFor, type DaemonProcess } from '../helpers/daemon-process.js';
import { createTopics, deleteTopics, kafkaBrokers, testKafka } from '../helpers/kafka.js';
import { scrape } from '../helpers/metrics.js';
import { freePort } from '../helpers/ports.js';
import { esNode, redisUrl, uniqueName, waitForElasticsearch } from '../helpers/services.js';
import { Client } from '@elastic/elasticsearch';
import { Redis } from 'ioredis';

const run = uniqueName('redact');
const topics = { input: `${run}-clicks`, dlq: `${run}-dlq`, late: `${run}-late` };
const index = `${run}-counts`;
const kafka = testKafka();
const es = new Client({ node: esNode() });
const daemons: DaemonProcess[] = [];

/** A user name inside a URL is shown by design (only its password is masked), so it is not listed here. */
const URL_USER = 'url-user-Hk2';
const SECRETS = {
  esUser: 'es-user-Qx7',
  esPassword: 'es-pass-Zr9#p@ss/w:rd',
  esUrlPassword: 'url-pass-Wm4',
  esApiKey: Buffer.from('apikey-id-Lp1:apikey-secret-Vb8').toString('base64'),
  redisUrlPassword: 'redis-url-pass-Ty5',
  redisPassword: 'redis-pass-Nc3',
  saslUser: 'sasl-user-Gd6',
  saslPassword: 'sasl-pass-Jf2',
};

/** Every form a secret could take in output: raw, URL-encoded, inside basic auth, base64. */
function forms(): string[] {
  const out = new Set<string>();
  for (const s of Object.values(SECRETS)) {
    out.add(s);
    out.add(encodeURIComponent(s));
    out.add(Buffer.from(s).toString('base64'));
  }
  out.add(Buffer.from(`${SECRETS.esUser}:${SECRETS.esPassword}`).toString('base64'));
  out.add(Buffer.from(`${URL_USER}:${SECRETS.esUrlPassword}`).toString('base64'));
  out.add(`${URL_USER}:${SECRETS.esUrlPassword}`);
  out.add(Buffer.from(`${SECRETS.saslUser}:${SECRETS.saslPassword}`).toString('base64'));
  // The API key's own parts.
  out.add('apikey-secret-Vb8');
  return [...out];
}

function assertClean(what: string, text: string): void {
  for (const secret of forms()) {
    const at = text.indexOf(secret);
    assert.equal(at, -1, `${what} contains a secret (${secret.slice(0, 6)}...): ...${text.slice(Math.max(0, at - 120), at + 40)}...`);
  }
}

function output(d: DaemonProcess): string {
  return `${d.stdout()}\n${readFileSync(d.logFile, 'utf8')}`;
}

const fixture = buildFixture({ events: 3_000, users: 50, partitions: 2, spanMs: 3 * MINUTE, badRatio: 0.01, maxDisorderMs: 2_000 });

before(async () => {
  await waitForElasticsearch();
  await createTopics(kafka, [{ topic: topics.input, partitions: 2 }]);
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  await producer.send({ topic: topics.input, acks: -1, messages: [...fixture.messages, ...fixture.trailing] });
  await producer.disconnect();
});

after(async () => {
  for (const d of daemons) await d.stop('SIGKILL');
  const redis = new Redis(redisUrl());
  const keys = await redis.keys(`${run}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await deleteTopics(kafka, Object.values(topics)).catch(() => undefined);
  await es.indices.delete({ index }, { ignore: [404] }).catch(() => undefined);
  await es.close();
});

function baseEnv(groupSuffix: string): Record<string, string> {
  return {
    SLUICE_KAFKA_BROKERS: kafkaBrokers().join(','),
    SLUICE_KAFKA_TOPIC: topics.input,
    SLUICE_KAFKA_GROUP_ID: `${run}-${groupSuffix}`,
    SLUICE_DLQ_TOPIC: topics.dlq,
    SLUICE_LATE_TOPIC: topics.late,
    SLUICE_ES_INDEX: index,
    SLUICE_CHECKPOINT_INTERVAL_MS: '1000',
    SLUICE_METRICS_PORT: '0',
    SLUICE_LOG_LEVEL: 'debug',
    SLUICE_ES_USERNAME: SECRETS.esUser,
    SLUICE_ES_PASSWORD: SECRETS.esPassword,
  };
}

function withCredentialsUrl(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(user);
  u.password = encodeURIComponent(password);
  return u.toString();
}

async function runToExit(env: Record<string, string>, timeoutMs = 120_000): Promise<{ code: number | null; text: string }> {
  const d = startDaemon(env);
  daemons.push(d);
  const timer = setTimeout(() => d.child.kill('SIGKILL'), timeoutMs);
  const exit = await d.exited;
  clearTimeout(timer);
  return { code: exit.code, text: output(d) };
}

describe('secrets are redacted from every output', () => {
  test('happy path at debug level: Elasticsearch with basic auth in the URL and variables, consuming and writing', async () => {
    const port = await freePort();
    const d = startDaemon({
      ...baseEnv('happy'),
      SLUICE_ES_NODE: withCredentialsUrl(esNode(), URL_USER, SECRETS.esUrlPassword),
      SLUICE_METRICS_PORT: String(port),
    });
    daemons.push(d);
    const total = fixture.messages.length + fixture.trailing.length;
    assert.ok(await waitFor(async () => ((await scrape(port))?.value('sluice_records_in_total') ?? 0) >= total, 60_000, 250), d.tail());
    assert.ok(
      await waitFor(async () => ((await scrape(port))?.value('sluice_checkpoints_completed_total') ?? 0) >= 1, 30_000, 250),
      d.tail(),
    );
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    assertClean('/metrics', metrics);
    const exit = await d.stop('SIGTERM');
    assert.equal(exit.code, 0, d.tail());
    const text = output(d);
    assert.match(text, /"level":"debug"/, 'debug logs were on');
    assertClean('stdout/stderr', text);
  });

  test('Redis with a password in its URL and SLUICE_REDIS_PASSWORD: writing, then unreachable; no secret in either output', async () => {
    const ok = await runToExit({
      ...baseEnv('redis'),
      SLUICE_KAFKA_BROKERS: '',
      SLUICE_GENERATOR_MAX_EVENTS: '3000',
      SLUICE_GENERATOR_EVENTS_PER_SECOND: '3000',
      SLUICE_REDIS_URL: `redis://:${SECRETS.redisUrlPassword}@${new URL(redisUrl()).host}`,
      SLUICE_REDIS_PASSWORD: SECRETS.redisPassword,
      SLUICE_REDIS_KEY_PREFIX: `${run}:`,
    });
    assert.equal(ok.code, 0, ok.text.slice(-2000));
    assert.match(ok.text, /sluice is running on the built-in click generator/);
    assertClean('stdout/stderr (writing to Redis)', ok.text);

    const closed = await freePort();
    const down = await runToExit({
      ...baseEnv('redis-down'),
      SLUICE_REDIS_URL: `redis://:${SECRETS.redisUrlPassword}@127.0.0.1:${closed}`,
      SLUICE_REDIS_PASSWORD: SECRETS.redisPassword,
    });
    assert.equal(down.code, 1, down.text.slice(-2000));
    assert.match(down.text, /REDIS_UNAVAILABLE/);
    assertClean('stdout/stderr (Redis unreachable)', down.text);
  });

  test('Elasticsearch unreachable with credentials in its URL and an API key: the error names no secret', async () => {
    const closed = await freePort();
    const { code, text } = await runToExit({
      ...baseEnv('es-down'),
      SLUICE_ES_NODE: `http://${URL_USER}:${SECRETS.esUrlPassword}@127.0.0.1:${closed}`,
      SLUICE_ES_API_KEY: SECRETS.esApiKey,
    });
    assert.equal(code, 1, text.slice(-2000));
    assert.match(text, /ES_UNAVAILABLE/);
    assert.match(text, /http:\/\/url-user-Hk2:\*\*\*\*@127\.0\.0\.1/, 'the URL is shown with its password masked');
    assertClean('stdout/stderr', text);
  });

  test('Kafka SASL credentials on a broker without SASL: the error names no secret', async () => {
    const { code, text } = await runToExit({
      ...baseEnv('sasl'),
      SLUICE_KAFKA_SASL_MECHANISM: 'plain',
      SLUICE_KAFKA_SASL_USERNAME: SECRETS.saslUser,
      SLUICE_KAFKA_SASL_PASSWORD: SECRETS.saslPassword,
    });
    assert.equal(code, 1, text.slice(-2000));
    assert.match(text, /KAFKA_UNAVAILABLE/);
    assertClean('stdout/stderr', text);
  });

  test('`sluice config` and a configuration error mask every secret', () => {
    const env = {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SLUICE_'))),
      ...baseEnv('config'),
      SLUICE_ES_NODE: withCredentialsUrl(esNode(), URL_USER, SECRETS.esUrlPassword),
      SLUICE_ES_API_KEY: SECRETS.esApiKey,
      SLUICE_REDIS_URL: `redis://:${SECRETS.redisUrlPassword}@127.0.0.1:6379`,
      SLUICE_REDIS_PASSWORD: SECRETS.redisPassword,
      SLUICE_KAFKA_SASL_MECHANISM: 'plain',
      SLUICE_KAFKA_SASL_USERNAME: SECRETS.saslUser,
      SLUICE_KAFKA_SASL_PASSWORD: SECRETS.saslPassword,
    };
    const config = spawnSync(process.execPath, [CLI, 'config'], { env, encoding: 'utf8' });
    assert.equal(config.status, 0, config.stderr);
    assertClean('sluice config', config.stdout + config.stderr);
    const bad = spawnSync(process.execPath, [CLI, 'run'], {
      env: { ...env, SLUICE_REDIS_URL: `http://:${SECRETS.redisUrlPassword}@x`, SLUICE_WINDOW_MS: 'x' },
      encoding: 'utf8',
    });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /SLUICE_REDIS_URL/);
    assertClean('a configuration error', bad.stdout + bad.stderr);
  });
});
