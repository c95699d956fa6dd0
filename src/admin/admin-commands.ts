/**
 * `sluice savepoint [--dir PATH]` and `sluice stop [--savepoint] [--dir PATH]`: ask the daemon of
 * this configuration (SLUICE_STATE_DIR / SLUICE_ADMIN_SOCKET) over its admin socket. The savepoint's
 * path is the only thing printed on stdout, so scripts can capture it. Exit codes: 0 done, 1 failed
 * (no daemon, savepoint failed, stop failed), 2 bad usage or configuration.
 */
import { resolve } from 'node:path';
import { adminSocketPath, loadConfig } from '../config.js';
import { ErrorCode, SluiceError } from '../errors.js';
import { adminRequest } from './admin-client.js';
import type { AdminRequest } from './admin-protocol.js';

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

const stdio: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

export function savepointCommand(args: string[], env: NodeJS.ProcessEnv = process.env, io: Io = stdio): Promise<number> {
  const parsed = parseOptions('savepoint', args, ['--dir'], io);
  if (!parsed) return Promise.resolve(2);
  const dir = parsed.values.get('--dir');
  return send({ v: 1, command: 'savepoint', ...(dir ? { dir: resolve(dir) } : {}) }, env, io);
}

export function stopCommand(args: string[], env: NodeJS.ProcessEnv = process.env, io: Io = stdio): Promise<number> {
  const parsed = parseOptions('stop', args, ['--dir', '--savepoint'], io);
  if (!parsed) return Promise.resolve(2);
  const dir = parsed.values.get('--dir');
  const savepoint = parsed.flags.has('--savepoint');
  if (dir && !savepoint) {
    io.err('sluice stop: --dir goes with --savepoint\n');
    return Promise.resolve(2);
  }
  return send({ v: 1, command: 'stop', savepoint, ...(dir ? { dir: resolve(dir) } : {}) }, env, io);
}

async function send(request: AdminRequest, env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  let socket: string;
  try {
    socket = adminSocketPath(loadConfig(env));
  } catch (err) {
    io.err(`sluice ${request.command}: ${(err as Error).message}\n`);
    return 2;
  }
  try {
    const response = await adminRequest(socket, request);
    if (!response.ok) {
      io.err(`sluice ${request.command}: ${response.code}: ${response.message}\n`);
      return 1;
    }
    if (response.savepoint) io.out(`${response.savepoint}\n`);
    if (response.stopped) io.err('sluice stopped\n');
    return 0;
  } catch (err) {
    const code = err instanceof SluiceError ? err.code : ErrorCode.INTERNAL;
    io.err(`sluice ${request.command}: ${code}: ${(err as Error).message}\n`);
    return 1;
  }
}

function parseOptions(
  command: string,
  args: string[],
  allowed: string[],
  io: Io,
): { values: Map<string, string>; flags: Set<string> } | undefined {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!allowed.includes(arg)) {
      io.err(`sluice ${command}: unknown option "${arg}" (allowed: ${allowed.join(', ')})\n`);
      return undefined;
    }
    if (arg === '--savepoint') {
      flags.add(arg);
      continue;
    }
    const value = args[++i];
    if (value === undefined || value === '') {
      io.err(`sluice ${command}: ${arg} needs a value\n`);
      return undefined;
    }
    values.set(arg, value);
  }
  return { values, flags };
}
