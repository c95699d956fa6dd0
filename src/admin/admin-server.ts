/**
 * The daemon's local admin endpoint: a Unix domain socket (default `${SLUICE_STATE_DIR}/admin.sock`,
 * mode 0600), so `sluice savepoint` and `sluice stop` find the daemon from the same configuration,
 * with no port and nothing reachable from the network. Protocol: admin-protocol.ts.
 *
 * It belongs to the process, not to one start of the job: it lives across supervised restarts
 * (a request meanwhile gets the current daemon's state in its error).
 */
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { ErrorCode, SluiceError } from '../errors.js';
import type { Logger } from '../telemetry/logging.js';
import { encodeMessage, errorResponse, MAX_MESSAGE_BYTES, parseRequest, type AdminRequest, type AdminResponse } from './admin-protocol.js';

/** sun_path holds 108 bytes with the terminating NUL on Linux (104 on macOS). */
const MAX_SOCKET_PATH_BYTES = 103;

export interface AdminServer {
  readonly path: string;
  /** Stop listening, let requests in progress answer (at most `graceMs`), remove the socket file. */
  close(graceMs?: number): Promise<void>;
}

export type AdminHandler = (request: AdminRequest) => Promise<AdminResponse>;

export async function startAdminServer(path: string, handler: AdminHandler, logger: Pick<Logger, 'warn' | 'debug'>): Promise<AdminServer> {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
    throw new SluiceError(
      ErrorCode.ADMIN_ENDPOINT_FAILED,
      `admin socket path ${path} is longer than a Unix socket allows (${MAX_SOCKET_PATH_BYTES} bytes); set SLUICE_ADMIN_SOCKET to a shorter path`,
      { details: { path } },
    );
  }
  mkdirSync(dirname(path), { recursive: true });
  if (await answers(path)) {
    throw new SluiceError(ErrorCode.ADMIN_ENDPOINT_FAILED, `another sluice daemon answers on ${path}; give each daemon its own SLUICE_STATE_DIR or SLUICE_ADMIN_SOCKET`, { details: { path } });
  }
  // Left by a daemon that was killed: nobody answers on it.
  rmSync(path, { force: true });

  const inFlight = new Set<Promise<void>>();
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffered = '';
    let handled = false;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      if (handled) return;
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline < 0 && Buffer.byteLength(buffered) <= MAX_MESSAGE_BYTES) return;
      handled = true;
      const line = newline < 0 ? buffered : buffered.slice(0, newline);
      const work = answer(line, handler, logger).then((response) => {
        if (!socket.destroyed) socket.end(encodeMessage(response));
      });
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(new SluiceError(ErrorCode.ADMIN_ENDPOINT_FAILED, `cannot listen on admin socket ${path}: ${err.message}`, { cause: err, details: { path } })),
    );
    server.listen(path, () => resolve());
  });
  // Only this user may connect (connecting to a Unix socket needs write permission on it).
  chmodSync(path, 0o600);
  server.unref();

  let closing: Promise<void> | undefined;
  return {
    path,
    close: (graceMs = 5_000) =>
      (closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([Promise.allSettled([...inFlight]), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
        clearTimeout(timer);
        for (const socket of sockets) socket.destroy();
        await closed;
        rmSync(path, { force: true });
      })()),
  };
}

async function answer(line: string, handler: AdminHandler, logger: Pick<Logger, 'warn' | 'debug'>): Promise<AdminResponse> {
  try {
    const request = parseRequest(line);
    logger.debug({ command: request.command }, 'admin request');
    return await handler(request);
  } catch (err) {
    logger.warn({ err }, 'admin request failed');
    return errorResponse(err);
  }
}

/** Does a live daemon answer on `path`? (A socket file nobody listens on is refused at once.) */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
