/**
 * The daemon's local admin endpoint: a Unix domain socket (default `${SLUICE_STATE_DIR}/admin.sock`,
 * mode 0600), so `sluice savepoint` and `sluice stop` find the daemon from the same configuration,
 * with no port and nothing reachable from the network. Protocol: admin-protocol.ts.
 *
 * The socket is never reachable by anyone else, not even for a moment: it is bound inside a fresh
 * 0700 directory beside its path, made 0600 there, and only then hard-linked into place (a link
 * never replaces anything). Chmod after listening would leave it open with umask permissions in
 * between; setting the umask around listen would change it for the whole process, worker threads
 * and libuv's file system threads included. Only a stale socket (no one answers on it) is replaced
 * at the path; a regular file, a directory, a symlink or anything else there is refused.
 *
 * It belongs to the process, not to one start of the job: it lives across supervised restarts
 * (a request meanwhile gets the current daemon's state in its error).
 */
import { chmodSync, linkSync, lstatSync, mkdirSync, mkdtempSync, renameSync, rmSync, type Stats } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
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

function failed(message: string, path: string, cause?: unknown): SluiceError {
  return new SluiceError(ErrorCode.ADMIN_ENDPOINT_FAILED, message, { details: { path }, ...(cause === undefined ? {} : { cause }) });
}

export async function startAdminServer(path: string, handler: AdminHandler, logger: Pick<Logger, 'warn' | 'debug'>): Promise<AdminServer> {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
    throw failed(
      `admin socket path ${path} is longer than a Unix socket allows (${MAX_SOCKET_PATH_BYTES} bytes); set SLUICE_ADMIN_SOCKET to a shorter path`,
      path,
    );
  }
  mkdirSync(dirname(path), { recursive: true });
  await removeStaleSocket(path);

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
  const ours = await listenPrivately(server, path);
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
        // Only our own socket: another daemon may have taken the path over since.
        if (sameFile(statOrUndefined(path), ours)) rmSync(path, { force: true });
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

function statOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function sameFile(a: Stats | undefined, b: Stats): boolean {
  return a !== undefined && a.isSocket() && a.dev === b.dev && a.ino === b.ino;
}

function describeFile(st: Stats): string {
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a directory';
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isFIFO()) return 'a FIFO';
  return 'a device or other special file';
}

/** Make room at `path`: nothing there, or a socket nobody answers on (left by a killed daemon). */
async function removeStaleSocket(path: string): Promise<void> {
  const st = statOrUndefined(path);
  if (st === undefined) return;
  if (!st.isSocket()) {
    throw failed(
      `admin socket path ${path} is ${describeFile(st)}, not a socket: refusing to replace it; remove it if it is not needed, or set SLUICE_ADMIN_SOCKET to another path`,
      path,
    );
  }
  const state = await probe(path);
  if (state === 'live')
    throw failed(`another sluice daemon answers on ${path}; give each daemon its own SLUICE_STATE_DIR or SLUICE_ADMIN_SOCKET`, path);
  if (state !== 'stale')
    throw failed(`cannot tell whether a daemon answers on admin socket ${path} (${state}): refusing to replace it`, path);
  rmSync(path, { force: true });
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Listen on `path` without a moment of broader permissions; the socket file's identity. */
async function listenPrivately(server: Server, path: string): Promise<Stats> {
  const privateDir = mkdtempSync(join(dirname(path), '.admin-'));
  const bound = join(privateDir, 's');
  try {
    if (Buffer.byteLength(bound) > MAX_SOCKET_PATH_BYTES) {
      throw failed(
        `admin socket path ${path} is too long to be set up safely (${bound} is over ${MAX_SOCKET_PATH_BYTES} bytes); set SLUICE_ADMIN_SOCKET to a shorter path`,
        path,
      );
    }
    try {
      await listen(server, bound);
    } catch (err) {
      throw failed(`cannot listen on admin socket ${path}: ${(err as Error).message}`, path, err);
    }
    try {
      // Connecting to a Unix socket needs write permission on it: only this user, from the start.
      chmodSync(bound, 0o600);
      putInPlace(bound, path);
      return lstatSync(path);
    } catch (err) {
      server.close();
      throw err instanceof SluiceError ? err : failed(`cannot set up admin socket ${path}: ${(err as Error).message}`, path, err);
    }
  } finally {
    rmSync(privateDir, { recursive: true, force: true });
  }
}

/** Give the bound socket its documented path, never over anything that appeared there meanwhile. */
function putInPlace(bound: string, path: string): void {
  try {
    linkSync(bound, path);
    return;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw failed(`something appeared at ${path} while the admin socket was being set up: refusing to replace it`, path, err);
    // A file system without hard links: rename, after checking again that nothing is there.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS' && code !== 'EXDEV') throw err;
  }
  if (statOrUndefined(path) !== undefined)
    throw failed(`something appeared at ${path} while the admin socket was being set up: refusing to replace it`, path);
  renameSync(bound, path);
}

/** Does a live daemon answer on `path`? 'stale': a socket file nobody listens on; else the error code. */
function probe(path: string): Promise<'live' | 'stale' | string> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve('live');
    });
    socket.once('error', (err: NodeJS.ErrnoException) =>
      resolve(err.code === 'ECONNREFUSED' || err.code === 'ENOENT' ? 'stale' : (err.code ?? err.message)),
    );
  });
}
