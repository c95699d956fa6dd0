/**
 * The client side of the admin endpoint (`sluice savepoint`, `sluice stop`): one request, one
 * answer. No daemon on the socket is DAEMON_NOT_RUNNING; a daemon that hangs up without answering
 * (it died meanwhile) is ADMIN_ENDPOINT_FAILED. No timeout of its own: a savepoint is bounded by
 * SLUICE_CHECKPOINT_TIMEOUT_MS and a stop by SLUICE_SHUTDOWN_TIMEOUT_MS, on the daemon's side.
 */
import { connect } from 'node:net';
import { ErrorCode, SluiceError } from '../errors.js';
import { encodeMessage, MAX_MESSAGE_BYTES, parseResponse, type AdminRequest, type AdminResponse } from './admin-protocol.js';

export function adminRequest(path: string, request: AdminRequest): Promise<AdminResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let buffered = '';
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      fn();
    };
    socket.setEncoding('utf8');
    socket.once('connect', () => socket.write(encodeMessage(request)));
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline >= 0) {
        const line = buffered.slice(0, newline);
        settle(() => {
          try {
            resolve(parseResponse(line));
          } catch (err) {
            reject(err);
          }
        });
      } else if (buffered.length > MAX_MESSAGE_BYTES) {
        settle(() =>
          reject(new SluiceError(ErrorCode.ADMIN_ENDPOINT_FAILED, `the daemon's answer on ${path} is over ${MAX_MESSAGE_BYTES} bytes`)),
        );
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      settle(() => {
        if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') {
          reject(
            new SluiceError(
              ErrorCode.DAEMON_NOT_RUNNING,
              `no sluice daemon is running with admin socket ${path} (check SLUICE_STATE_DIR or SLUICE_ADMIN_SOCKET)`,
              {
                details: { path },
              },
            ),
          );
        } else {
          reject(
            new SluiceError(ErrorCode.ADMIN_ENDPOINT_FAILED, `cannot reach the daemon on ${path}: ${err.message}`, {
              cause: err,
              details: { path },
            }),
          );
        }
      });
    });
    socket.on('close', () =>
      settle(() =>
        reject(
          new SluiceError(ErrorCode.ADMIN_ENDPOINT_FAILED, `the daemon on ${path} hung up without answering (did it stop? see its log)`, {
            details: { path },
          }),
        ),
      ),
    );
  });
}
