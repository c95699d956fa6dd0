/**
 * The operations endpoint on 127.0.0.1:SLUICE_METRICS_PORT (node:http, no framework):
 *   GET /metrics   Prometheus text exposition (every thread's metrics merged)
 *   GET /healthz   200 while the process is alive and has not failed; 503 once it failed
 *   GET /readyz    200 when restored and consuming (Kafka: joined the group with partitions
 *                  assigned; embedded: the generator runs); 503 otherwise (starting, stopping...)
 * Bodies of /healthz and /readyz are one human line saying why.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode, SluiceError } from '../errors.js';

export interface Probe {
  ok: boolean;
  /** One line for a person (or a probe log): the state and why. */
  detail: string;
}

export interface OpsEndpoints {
  metrics(): Promise<{ contentType: string; body: string }>;
  health(): Probe;
  readiness(): Probe;
}

export interface OpsServer {
  readonly port: number;
  close(): Promise<void>;
}

export const OPS_HOST = '127.0.0.1';

export async function startOpsServer(port: number, endpoints: OpsEndpoints, host = OPS_HOST): Promise<OpsServer> {
  const server = createServer((req, res) => {
    handle(req, res, endpoints).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    });
  });
  // A scraper's keep-alive connection must not hold a stopping daemon open.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(
        new SluiceError(
          ErrorCode.METRICS_SERVER_FAILED,
          err.code === 'EADDRINUSE'
            ? `cannot serve /metrics on ${host}:${port}: the port is in use (set SLUICE_METRICS_PORT to a free port, or 0 to turn the endpoint off)`
            : `cannot serve /metrics on ${host}:${port}: ${err.message}`,
          { details: { port, host } },
        ),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.unref();
  let closing: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, endpoints: OpsEndpoints): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
    res.end('method not allowed\n');
    return;
  }
  switch (path) {
    case '/metrics': {
      const { contentType, body } = await endpoints.metrics();
      res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    case '/healthz':
      return probe(req, res, endpoints.health());
    case '/readyz':
      return probe(req, res, endpoints.readiness());
    case '/':
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(
        req.method === 'HEAD'
          ? undefined
          : 'sluice: /metrics (Prometheus), /healthz (alive, not failed), /readyz (restored and consuming)\n',
      );
      return;
    default:
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found: try /metrics, /healthz or /readyz\n');
  }
}

function probe(req: IncomingMessage, res: ServerResponse, result: Probe): void {
  res.writeHead(result.ok ? 200 : 503, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : `${result.ok ? 'ok' : 'not ok'}: ${result.detail}\n`);
}
