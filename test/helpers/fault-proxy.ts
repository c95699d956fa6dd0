/**
 * A fault-injecting TCP proxy for tests and benches: sluice connects to the proxy, the proxy
 * forwards to the real service (Elasticsearch, Redis), and the test switches faults on and off.
 *
 * It works at the TCP level, so it knows nothing about HTTP or RESP: the faults are what a network
 * or a sick server does to any client.
 *
 *  - pass      forward both ways
 *  - throttle  forward each chunk only after `chunk bytes / bytesPerSecond` (+ `latencyMs`), per
 *              connection and direction: a slow link or a slow server
 *  - hang      accept and keep connections, forward nothing until the mode changes: a stuck server
 *  - refuse    stop listening (connect gets ECONNREFUSED) and drop every open connection: a server
 *              that is down
 *  - reset     accept, then reset at once (ECONNRESET); open connections are dropped
 *
 * The proxy never buffers more than one chunk per direction and connection: it pauses the side it
 * reads from until the chunk is written (and drained), so it adds no hidden buffer of its own.
 */
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

export type ProxyMode =
  | { kind: 'pass' }
  | { kind: 'throttle'; bytesPerSecond: number; latencyMs?: number }
  | { kind: 'hang' }
  | { kind: 'refuse' }
  | { kind: 'reset' };

export interface ProxyStats {
  /** Connections accepted since start. */
  accepted: number;
  /** Connections open now. */
  open: number;
  /** Bytes forwarded client -> target and target -> client. */
  bytesUp: number;
  bytesDown: number;
}

interface Pair {
  client: Socket;
  upstream: Socket;
}

export class FaultProxy {
  private server: Server;
  private mode: ProxyMode = { kind: 'pass' };
  private readonly pairs = new Set<Pair>();
  private readonly modeWaiters: Array<() => void> = [];
  private readonly counters = { accepted: 0, bytesUp: 0, bytesDown: 0 };
  private listening = false;

  private constructor(
    private readonly target: { host: string; port: number },
    readonly port: number,
    server: Server,
  ) {
    this.server = server;
  }

  /** Listen on 127.0.0.1 (a free port unless `port` is given) and forward to `target` ("host:port" or a URL). */
  static async start(target: string, port = 0): Promise<FaultProxy> {
    const parsed = parseTarget(target);
    const holder: { proxy?: FaultProxy } = {};
    const server = createServer((client) => holder.proxy?.onConnection(client));
    await listen(server, port);
    const proxy = new FaultProxy(parsed, (server.address() as AddressInfo).port, server);
    proxy.listening = true;
    holder.proxy = proxy;
    return proxy;
  }

  /** The proxy's address in the target's scheme, e.g. http://127.0.0.1:40123 for an Elasticsearch URL. */
  url(scheme: string): string {
    return `${scheme}://127.0.0.1:${this.port}`;
  }

  get currentMode(): ProxyMode {
    return this.mode;
  }

  stats(): ProxyStats {
    return { ...this.counters, open: this.pairs.size };
  }

  /** Switch the fault. Resolves once the proxy behaves accordingly (listening or not). */
  async setMode(mode: ProxyMode): Promise<void> {
    this.mode = mode;
    if (mode.kind === 'refuse' || mode.kind === 'reset') this.dropConnections();
    if (mode.kind === 'refuse' && this.listening) {
      this.listening = false;
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
    } else if (mode.kind !== 'refuse' && !this.listening) {
      // The same port again, so the client's configured address works after the outage.
      this.server = createServer((client) => this.onConnection(client));
      await listen(this.server, this.port);
      this.listening = true;
    }
    for (const wake of this.modeWaiters.splice(0)) wake();
  }

  /** Drop every open connection (both sides), as a crashed peer or a broken network would. */
  dropConnections(): void {
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    this.pairs.clear();
  }

  async close(): Promise<void> {
    this.mode = { kind: 'refuse' };
    this.dropConnections();
    for (const wake of this.modeWaiters.splice(0)) wake();
    if (this.listening) {
      this.listening = false;
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }
  }

  private onConnection(client: Socket): void {
    this.counters.accepted++;
    client.on('error', () => undefined);
    if (this.mode.kind === 'reset' || this.mode.kind === 'refuse') {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(this.target.port, this.target.host);
    upstream.on('error', () => undefined);
    const pair: Pair = { client, upstream };
    this.pairs.add(pair);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    client.on('close', drop);
    upstream.on('close', drop);
    this.relay(client, upstream, 'bytesUp');
    this.relay(upstream, client, 'bytesDown');
  }

  /** Forward `from` -> `to` one chunk at a time, applying the mode in force when each chunk arrives. */
  private relay(from: Socket, to: Socket, counter: 'bytesUp' | 'bytesDown'): void {
    from.on('data', (chunk: Buffer) => {
      from.pause();
      this.forward(chunk, to).then(
        () => {
          this.counters[counter] += chunk.length;
          if (!from.destroyed) from.resume();
        },
        () => from.destroy(),
      );
    });
  }

  private async forward(chunk: Buffer, to: Socket): Promise<void> {
    for (;;) {
      const mode = this.mode;
      if (mode.kind === 'hang') {
        await new Promise<void>((resolve) => this.modeWaiters.push(resolve));
        continue;
      }
      if (mode.kind === 'throttle') {
        await sleep((mode.latencyMs ?? 0) + (chunk.length / mode.bytesPerSecond) * 1000);
      }
      break;
    }
    if (to.destroyed) return;
    if (!to.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          to.off('drain', done);
          to.off('close', done);
          resolve();
        };
        to.on('drain', done);
        to.on('close', done);
      });
    }
  }
}

function parseTarget(target: string): { host: string; port: number } {
  if (target.includes('://')) {
    const url = new URL(target);
    const defaultPort = url.protocol === 'redis:' ? 6379 : url.protocol === 'https:' ? 443 : 80;
    return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port ? Number(url.port) : defaultPort };
  }
  const at = target.lastIndexOf(':');
  return { host: target.slice(0, at), port: Number(target.slice(at + 1)) };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
