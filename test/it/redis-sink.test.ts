/**
 * RedisSink against a real Redis (scripts/stack up). Every test writes under its own key prefix and
 * deletes only those keys. Outages come from a TCP proxy in front of the real server that can drop
 * its connections and refuse new ones, then come back.
 */
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { Redis } from 'ioredis';
import type { SluiceConfig } from '../../src/config.js';
import { ErrorCode, SluiceError } from '../../src/errors.js';
import { clickstreamJob, type ClickCountResult } from '../../src/job/clickstream.js';
import { RedisSink, connectionOptions, type RedisSinkOptions } from '../../src/streams/sinks/redis.js';
import { silentLogger, type Logger } from '../../src/telemetry/logging.js';
import { capturingLogger } from '../helpers/capturing-logger.js';
import { redisCommandStat, redisUrl, uniqueName } from '../helpers/services.js';

type RedisConfig = NonNullable<SluiceConfig['redis']>;

const admin = new Redis(redisUrl(), { lazyConnect: true });
const prefixes: string[] = [];
const openSinks: Array<RedisSink<ClickCountResult>> = [];
const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);

after(async () => {
  await Promise.allSettled(openSinks.map((s) => s.close()));
  for (const prefix of prefixes) {
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
  }
  admin.disconnect();
});

function newPrefix(): string {
  const prefix = `${uniqueName('sluice-it-redis')}:clicks:`;
  prefixes.push(prefix);
  return prefix;
}

function result(userId: string, minute: number, count: number): ClickCountResult {
  const windowStart = T0 + minute * 60_000;
  return { userId, windowStart, windowEnd: windowStart + 60_000, count, byEventType: { click: count } };
}

function makeSink(
  overrides: Partial<RedisConfig> = {},
  logger: Logger = silentLogger,
  flushIntervalMs = 60_000,
  options: Pick<RedisSinkOptions<ClickCountResult>, 'writeMode'> & { job?: typeof clickstreamJob } = {},
): RedisSink<ClickCountResult> {
  const sink = new RedisSink<ClickCountResult>({
    config: { url: redisUrl(), keyPrefix: newPrefix(), ttlSeconds: 86_400, batchSize: 500, flushIntervalMs, ...overrides },
    job: options.job ?? clickstreamJob,
    logger,
    ...(options.writeMode ? { writeMode: options.writeMode } : {}),
  });
  openSinks.push(sink);
  return sink;
}

function keyOf(prefix: string, r: ClickCountResult): string {
  return `${prefix}${r.userId}:${r.windowStart}`;
}

/** A TCP proxy to the real Redis that can go down (drop and refuse connections) and come back. */
async function tcpProxy(): Promise<{ url: string; down: () => Promise<void>; up: () => Promise<void>; close: () => Promise<void> }> {
  const target = new URL(redisUrl());
  const sockets = new Set<Socket>();
  let port = 0;
  let server: Server;
  const listen = (): Promise<void> => {
    server = createServer((client) => {
      const upstream = connect(Number(target.port || 6379), target.hostname);
      sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const drop = (): void => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
    return new Promise((resolve) =>
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as AddressInfo).port;
        resolve();
      }),
    );
  };
  const down = (): Promise<void> =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      sockets.clear();
      server.close(() => resolve());
    });
  await listen();
  return { url: `redis://127.0.0.1:${port}`, down, up: listen, close: down };
}

test('SET <prefix><userId>:<windowStart> = count as a decimal string, with the TTL', async () => {
  const sink = makeSink({ ttlSeconds: 3_600 });
  const prefix = prefixes.at(-1) as string;
  await sink.start();
  const rs = [result('alice', 0, 3), result('bob', 0, 12), result('alice', 1, 1)];
  await sink.write(rs);
  await sink.flush();
  for (const r of rs) {
    assert.equal(await admin.get(keyOf(prefix, r)), String(r.count));
    const ttl = await admin.ttl(keyOf(prefix, r));
    assert.ok(ttl > 3_590 && ttl <= 3_600, `ttl ${ttl}`);
    assert.equal(await admin.type(keyOf(prefix, r)), 'string');
  }
  assert.equal((await admin.keys(`${prefix}*`)).length, 3);
});

test('a replayed result writes the same value (never increments) and renews the TTL', async () => {
  const sink = makeSink({ ttlSeconds: 100 });
  const prefix = prefixes.at(-1) as string;
  await sink.start();
  const r = result('carol', 0, 7);
  await sink.write([r]);
  await sink.flush();
  await admin.expire(keyOf(prefix, r), 10);
  await sink.write([r, r]);
  await sink.flush();
  assert.equal(await admin.get(keyOf(prefix, r)), '7');
  assert.ok((await admin.ttl(keyOf(prefix, r))) > 90);
});

test('several firings of one window: the last written wins, within a pipeline and across pipelines', async () => {
  const sink = makeSink({ batchSize: 3 });
  const prefix = prefixes.at(-1) as string;
  await sink.start();
  const firings = [result('dave', 0, 1), result('dave', 0, 2), result('erin', 0, 5), result('dave', 0, 4), result('dave', 0, 6)];
  await sink.write(firings);
  await sink.flush();
  assert.equal(await admin.get(keyOf(prefix, result('dave', 0, 0))), '6');
  assert.equal(await admin.get(keyOf(prefix, result('erin', 0, 0))), '5');
});

test('flush(): resolves at once when empty, sends a partial pipeline, and covers large writes (backpressure)', async () => {
  const sink = makeSink({ batchSize: 10 });
  const prefix = prefixes.at(-1) as string;
  await sink.start();
  await sink.flush();

  await sink.write([result('frank', 0, 1)]);
  assert.equal(await admin.get(keyOf(prefix, result('frank', 0, 1))), null, 'not sent before the interval or a flush');
  await sink.flush();
  assert.equal(await admin.get(keyOf(prefix, result('frank', 0, 1))), '1');

  const many = Array.from({ length: 1_000 }, (_, i) => result(`user-${i}`, 1, i + 1));
  await sink.write(many);
  const stats = sink.stats();
  assert.ok(stats.buffered + stats.inFlight <= 20, `buffer bounded: ${JSON.stringify(stats)}`);
  await sink.flush();
  assert.equal(sink.stats().acknowledged, 1_001);
  const values = await admin.mget(...many.map((r) => keyOf(prefix, r)));
  assert.deepEqual(
    values,
    many.map((r) => String(r.count)),
  );
});

test('a partial pipeline is sent after flushIntervalMs without flush()', async () => {
  const sink = makeSink({}, silentLogger, 50);
  const prefix = prefixes.at(-1) as string;
  await sink.start();
  const r = result('grace', 0, 2);
  await sink.write([r]);
  const deadline = Date.now() + 5_000;
  while ((await admin.get(keyOf(prefix, r))) === null) {
    assert.ok(Date.now() < deadline, 'written by the interval flush');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
});

test('a Redis outage is retried with backoff until it is over; nothing is lost', async () => {
  const proxy = await tcpProxy();
  const { logger, lines } = capturingLogger();
  const sink = makeSink({ url: proxy.url }, logger);
  const prefix = prefixes.at(-1) as string;
  try {
    await sink.start();
    await sink.write([result('heidi', 0, 1)]);
    await sink.flush();

    await proxy.down();
    const rs = [result('heidi', 0, 3), result('ivan', 0, 2)];
    await sink.write(rs);
    const flushing = sink.flush();
    let settled = false;
    void flushing.then(
      () => (settled = true),
      () => (settled = true),
    );
    const deadline = Date.now() + 5_000;
    while (sink.stats().retries < 3) {
      assert.ok(Date.now() < deadline, 'retrying while Redis is down');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(settled, false, 'flush waits for the outage to end');

    await proxy.up();
    await flushing;
    for (const r of rs) assert.equal(await admin.get(keyOf(prefix, r)), String(r.count));
    const warns = lines
      .map((l) => JSON.parse(l) as { level: number; msg: string; reason?: string })
      .filter((l) => l.msg.includes('retrying'));
    assert.ok(warns.length >= 3 && warns.every((l) => l.level === 40 && typeof l.reason === 'string'));
  } finally {
    await sink.close();
    await proxy.close().catch(() => undefined);
  }
});

test('pipelines in flight at once: each key ends with its last write, when an outage catches them in flight', async () => {
  const proxy = await tcpProxy();
  const sink = makeSink({ url: proxy.url, batchSize: 3, maxInFlight: 8, bufferKeys: 1_000 }, silentLogger, 0);
  const prefix = prefixes.at(-1) as string;
  const users = ['ann', 'bob', 'cid', 'dee', 'eve'];
  const last = new Map<string, number>();
  const writes: Array<Promise<void>> = [];
  try {
    await sink.start();
    // 200 firings of 5 keys, each a write of its own: batches of at most 3 start while others fly,
    // and every key's last writes are among those the outage catches.
    for (let i = 0; i < 200; i++) {
      const r = result(users[(i * 7) % users.length] as string, 0, i);
      last.set(r.userId, i);
      writes.push(sink.write([r]));
      if (i % 40 === 39) await new Promise((resolve) => setImmediate(resolve));
    }
    const inFlight = sink.stats().inFlight;
    assert.ok(inFlight > 3, `more than one batch of 3 in flight when Redis goes away (${inFlight} items)`);
    await proxy.down();
    const deadline = Date.now() + 5_000;
    while (sink.stats().retries < 2) {
      assert.ok(Date.now() < deadline, 'retrying while Redis is down');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await proxy.up();
    await Promise.all(writes);
    await sink.flush();
    for (const [userId, count] of last) assert.equal(await admin.get(keyOf(prefix, result(userId, 0, 0))), String(count), userId);
  } finally {
    await sink.close();
    await proxy.close().catch(() => undefined);
  }
});

test('close() during an outage ends the retries: pending flush() rejects with SINK_CLOSED; close() is idempotent', async () => {
  const proxy = await tcpProxy();
  const sink = makeSink({ url: proxy.url });
  try {
    await sink.start();
    await proxy.down();
    await sink.write([result('judy', 0, 1)]);
    const flushing = sink.flush();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await sink.close();
    await assert.rejects(flushing, (err: unknown) => err instanceof SluiceError && err.code === ErrorCode.SINK_CLOSED);
    await sink.close(); // idempotent: a second close resolves too
  } finally {
    await proxy.close().catch(() => undefined);
  }
});

/** Calls of a command on the server, from INFO commandstats (commands run inside scripts count too). */
async function commandCalls(name: string): Promise<number> {
  return (await redisCommandStat(admin, name)).calls;
}

/** Script calls on the server: EVALSHA, and EVAL when Redis did not have the script yet. */
async function scriptCalls(): Promise<number> {
  return (await commandCalls('evalsha')) + (await commandCalls('eval'));
}

/** A Redis ACL user for one test, deleted after it. */
async function aclUser(t: { after: (fn: () => Promise<unknown>) => void }, rules: string[]): Promise<string> {
  const name = uniqueName('sluice-it-acl');
  const password = `pw-${name}`;
  await admin.acl('SETUSER', name, 'on', `>${password}`, ...rules);
  t.after(() => admin.acl('DELUSER', name));
  const url = new URL(redisUrl());
  url.username = name;
  url.password = password;
  return url.toString();
}

test('a batch is written by script calls of at most 1,000 keys, not one SET command per key', async () => {
  const sink = makeSink({ batchSize: 2_500 });
  const prefix = prefixes.at(-1) as string;
  await sink.start();
  const many = Array.from({ length: 2_500 }, (_, i) => result(`user-${i}`, 2, i + 1));
  const scriptsBefore = await scriptCalls();
  const setsBefore = await commandCalls('set');
  await sink.write(many);
  await sink.flush();
  assert.equal((await scriptCalls()) - scriptsBefore, 3, '2,500 keys: 3 script calls');
  assert.equal((await commandCalls('set')) - setsBefore, 2_500, 'each key SET once, inside the scripts');
  const values = await admin.mget(...many.map((r) => keyOf(prefix, r)));
  assert.deepEqual(
    values,
    many.map((r) => String(r.count)),
  );
  const ttls = await Promise.all(many.slice(0, 10).map((r) => admin.ttl(keyOf(prefix, r))));
  assert.ok(
    ttls.every((ttl) => ttl > 86_390 && ttl <= 86_400),
    `ttls ${ttls}`,
  );
});

test('keys and values of any characters (":", digits, multi-byte, lone surrogates) are written exactly as pipelined SETs write them', async () => {
  // A value with ':' and digits as well: the packed form must not depend on separators.
  const job = { ...clickstreamJob, redisValue: (r: ClickCountResult) => `${r.count}:${r.userId}:12:` };
  const sinks = (['script', 'pipeline'] as const).map((writeMode) => ({
    sink: makeSink({}, silentLogger, 60_000, { job, writeMode }),
    prefix: prefixes.at(-1) as string,
  }));
  const users = ['3:ab', ':', '12:12:', 'ü-ß', '雪', '👍🏽', 'lone-\ud800', 'tail-\udfff-x', '0', 'a'.repeat(300)];
  const rs = users.map((u, i) => result(u, i % 3, i + 1));
  for (const { sink } of sinks) {
    await sink.start();
    await sink.write(rs);
    await sink.flush();
  }
  const [scripted, pipelined] = await Promise.all(
    sinks.map(({ prefix }) => Promise.all(rs.map((r) => admin.getBuffer(Buffer.from(keyOf(prefix, r)))))),
  );
  assert.deepEqual(
    scripted?.map((b) => b?.toString('utf8')),
    rs.map((r) => job.redisValue(r).toWellFormed()),
  );
  assert.deepEqual(scripted, pipelined, 'the script wrote the same bytes under the same keys as pipelined SETs');
  // Nothing else under the script sink's prefix: no key was cut at a wrong length.
  assert.equal((await admin.keys(`${sinks[0]?.prefix}*`)).length, rs.length);
});

test('a Redis that forgot the script (restarted, SCRIPT FLUSH) is sent it again: every value written', async () => {
  const sink = makeSink({ batchSize: 100 });
  const prefix = prefixes.at(-1) as string;
  await sink.start();
  const first = Array.from({ length: 150 }, (_, i) => result(`kim-${i}`, 0, i + 1));
  await sink.write(first);
  await sink.flush();
  await admin.script('FLUSH');
  const second = Array.from({ length: 150 }, (_, i) => result(`kim-${i}`, 1, i + 7));
  await sink.write(second);
  await sink.flush();
  assert.deepEqual(
    await admin.mget(...[...first, ...second].map((r) => keyOf(prefix, r))),
    [...first, ...second].map((r) => String(r.count)),
  );
});

test("a user whose ACL allows only the sink's key prefix writes through the script (each SET inside it is checked)", async (t) => {
  const prefix = newPrefix();
  const url = await aclUser(t, [`~${prefix}*`, '+@all']);
  const sink = makeSink({ url, keyPrefix: prefix, batchSize: 1_200 });
  await sink.start();
  const rs = Array.from({ length: 1_200 }, (_, i) => result(`lee-${i}`, 0, i + 1));
  const scriptsBefore = await scriptCalls();
  await sink.write(rs);
  await sink.flush();
  assert.equal((await scriptCalls()) - scriptsBefore, 2, 'written by 2 script calls, not pipelined SETs');
  assert.deepEqual(
    await admin.mget(...rs.map((r) => keyOf(prefix, r))),
    rs.map((r) => String(r.count)),
  );
});

test('a user whose ACL refuses scripts: one warning, then pipelined SETs; every value written', async (t) => {
  const url = await aclUser(t, ['~*', '+@all', '-eval', '-evalsha', '-script']);
  const { logger, lines } = capturingLogger();
  const sink = makeSink({ url, batchSize: 3 }, logger);
  const prefix = prefixes.at(-1) as string;
  await sink.start();
  const rs = Array.from({ length: 8 }, (_, i) => result(`ivy-${i}`, 0, i + 1));
  await sink.write(rs);
  await sink.flush();
  assert.deepEqual(
    await admin.mget(...rs.map((r) => keyOf(prefix, r))),
    rs.map((r) => String(r.count)),
  );
  const warnings = lines.filter((l) => l.includes('refuses scripts'));
  assert.equal(warnings.length, 1, lines.join('\n'));
  assert.ok(!warnings[0]?.includes(`pw-`), 'the password is not logged');
});

test('a user without access to the keys: REDIS_WRITE_FAILED, not retried', async (t) => {
  const url = await aclUser(t, ['~some-other-prefix:*', '+@all']);
  const sink = makeSink({ url });
  await sink.start();
  await sink.write([result('judy', 0, 1)]);
  await assert.rejects(sink.flush(), (err: unknown) => {
    assert.ok(err instanceof SluiceError, String(err));
    assert.equal(err.code, ErrorCode.REDIS_WRITE_FAILED);
    assert.equal(err.retriable, false);
    // Refused inside the script: Redis words it as "can't access at least one of the keys".
    assert.match(err.message, /NOPERM|can't access at least one of the keys/);
    return true;
  });
});

test('start() against an unreachable Redis fails with a retriable REDIS_UNAVAILABLE that hides the password', async () => {
  const sink = makeSink({ url: 'redis://:pw-hidden-42@127.0.0.1:1', password: 'pw-override-43' });
  await assert.rejects(sink.start(), (err: unknown) => {
    assert.ok(err instanceof SluiceError);
    assert.equal(err.code, ErrorCode.REDIS_UNAVAILABLE);
    assert.equal(err.retriable, true);
    const text = JSON.stringify(err.toJSON());
    assert.ok(!text.includes('pw-hidden-42') && !text.includes('pw-override-43'), text);
    return true;
  });
});

test('connection options: SLUICE_REDIS_PASSWORD overrides the URL password; rediss:// means TLS', () => {
  const base = { keyPrefix: 'clicks:', ttlSeconds: 1, batchSize: 1, flushIntervalMs: 50 };
  const tls = connectionOptions({ ...base, url: 'rediss://app:url%40pw@cache.example.com:6380/2', password: 'from-env' });
  assert.deepEqual(tls, {
    host: 'cache.example.com',
    port: 6380,
    db: 2,
    username: 'app',
    password: 'from-env',
    tls: { servername: 'cache.example.com' },
  });
  const plain = connectionOptions({ ...base, url: 'redis://:url%40pw@[::1]:6379' });
  assert.deepEqual(plain, { host: '::1', port: 6379, password: 'url@pw' });
});
