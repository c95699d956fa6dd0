/**
 * The fault-injecting proxy of the sink fault tests, against a local echo server: each mode does
 * what it says, and switching back to `pass` restores service on the same port.
 */
import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { FaultProxy } from '../helpers/fault-proxy.js';

let echo: Server;
let echoPort = 0;
const echoSockets = new Set<Socket>();

before(async () => {
  echo = createServer((s) => {
    echoSockets.add(s);
    s.on('close', () => echoSockets.delete(s));
    s.on('error', () => undefined);
    s.pipe(s);
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoPort = (echo.address() as AddressInfo).port;
});

after(async () => {
  for (const s of echoSockets) s.destroy();
  await new Promise<void>((resolve) => echo.close(() => resolve()));
});

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** Send `bytes` and resolve when as many came back. */
function roundTrip(s: Socket, bytes: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let got = 0;
    const onData = (d: Buffer): void => {
      got += d.length;
      if (got >= bytes) {
        s.off('data', onData);
        resolve();
      }
    };
    s.on('data', onData);
    s.once('error', reject);
    s.write(Buffer.alloc(bytes, 7));
  });
}

test('pass forwards both ways; throttle slows the transfer down; hang holds data until released', async () => {
  const proxy = await FaultProxy.start(`127.0.0.1:${echoPort}`);
  try {
    const s = await open(proxy.port);
    await roundTrip(s, 100_000);
    assert.equal(proxy.stats().bytesUp, 100_000);

    // 200 kB/s each way: 50 kB up and 50 kB down take at least 0.5 s (a lower bound only).
    await proxy.setMode({ kind: 'throttle', bytesPerSecond: 200_000 });
    const t0 = Date.now();
    await roundTrip(s, 50_000);
    assert.ok(Date.now() - t0 >= 450, `throttled round trip took ${Date.now() - t0} ms`);

    await proxy.setMode({ kind: 'hang' });
    let arrived = false;
    const pending = roundTrip(s, 10).then(() => (arrived = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(arrived, false, 'nothing passes while hanging');
    await proxy.setMode({ kind: 'pass' });
    await pending;
    s.destroy();
  } finally {
    await proxy.close();
  }
});

test('refuse: connect fails with ECONNREFUSED and open connections are dropped; pass listens again on the same port', async () => {
  const proxy = await FaultProxy.start(`127.0.0.1:${echoPort}`);
  try {
    const s = await open(proxy.port);
    const closed = new Promise((resolve) => s.once('close', resolve));
    await proxy.setMode({ kind: 'refuse' });
    await closed;
    await assert.rejects(open(proxy.port), /ECONNREFUSED/);
    await proxy.setMode({ kind: 'pass' });
    const again = await open(proxy.port);
    await roundTrip(again, 1_000);
    again.destroy();
  } finally {
    await proxy.close();
  }
});

test('reset: a new connection is reset at once; dropConnections() closes open ones', async () => {
  const proxy = await FaultProxy.start(`127.0.0.1:${echoPort}`);
  try {
    const kept = await open(proxy.port);
    const keptClosed = new Promise((resolve) => kept.once('close', resolve));
    proxy.dropConnections();
    await keptClosed;

    await proxy.setMode({ kind: 'reset' });
    const s = connect(proxy.port, '127.0.0.1');
    const err = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      s.once('error', resolve);
      s.once('close', () => resolve(undefined));
    });
    assert.equal(err?.code, 'ECONNRESET');
  } finally {
    await proxy.close();
  }
});
