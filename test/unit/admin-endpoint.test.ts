/**
 * The local admin endpoint without a daemon: request parsing (what is refused and why), a real
 * Unix socket round trip, errors carried with their code, a stale socket file taken over, a live
 * one refused, anything that is not a socket left alone, no moment when others could connect, and
 * the client commands when no daemon runs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, mock, test } from 'node:test';
import { savepointCommand, stopCommand } from '../../src/admin/admin-commands.js';
import { adminRequest } from '../../src/admin/admin-client.js';
import { MAX_MESSAGE_BYTES, parseRequest, parseResponse } from '../../src/admin/admin-protocol.js';
import { startAdminServer } from '../../src/admin/admin-server.js';
import { ErrorCode, SluiceError } from '../../src/errors.js';
import { silentLogger } from '../../src/telemetry/logging.js';

const root = mkdtempSync(join(tmpdir(), 'sluice-admin-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('admin requests: the three commands parse; anything else is refused with USAGE and a reason', () => {
  assert.deepEqual(parseRequest('{"v":1,"command":"ping"}'), { v: 1, command: 'ping' });
  assert.deepEqual(parseRequest('{"v":1,"command":"savepoint"}'), { v: 1, command: 'savepoint' });
  assert.deepEqual(parseRequest('{"v":1,"command":"savepoint","dir":"/srv/sp"}'), { v: 1, command: 'savepoint', dir: '/srv/sp' });
  assert.deepEqual(parseRequest('{"v":1,"command":"stop","savepoint":true}'), { v: 1, command: 'stop', savepoint: true });
  const refused: Array<[string, RegExp]> = [
    ['not json', /not valid JSON/],
    ['{"v":2,"command":"ping"}', /protocol version 2/],
    ['{"v":1,"command":"drop-tables"}', /commands: ping, savepoint, stop/],
    ['{"v":1,"command":"savepoint","dir":"relative/dir"}', /dir: an absolute path/],
    ['{"v":1,"command":"savepoint","dir":7}', /dir/],
    ['{"v":1,"command":"stop"}', /savepoint/],
    ['{"v":1,"command":"ping","extra":true}', /refused/],
    ['{"v":1,"__proto__":{"command":"ping"}}', /refused/],
    [`{"v":1,"command":"savepoint","dir":"/${'x'.repeat(MAX_MESSAGE_BYTES)}"}`, /over 65536 bytes/],
  ];
  for (const [line, pattern] of refused) {
    assert.throws(
      () => parseRequest(line),
      (err: unknown) => err instanceof SluiceError && err.code === ErrorCode.USAGE && pattern.test(err.message),
      line.slice(0, 80),
    );
  }
  assert.deepEqual(parseResponse('{"ok":true,"savepoint":"/a"}'), { ok: true, savepoint: '/a' });
  assert.throws(
    () => parseResponse('{"ok":"yes"}'),
    (err: unknown) => err instanceof SluiceError && err.code === ErrorCode.ADMIN_ENDPOINT_FAILED,
  );
});

/** What a daemon killed with SIGKILL leaves behind: a socket file nobody listens on. */
function staleSocket(path: string): void {
  spawnSync(process.execPath, [
    '-e',
    `require('node:net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`,
  ]);
  assert.ok(lstatSync(path).isSocket(), 'a stale socket file');
}

test('admin socket: answers requests, carries error codes, takes over a stale socket file, refuses a second listener', async () => {
  const path = join(root, 'a', 'admin.sock');
  rmSync(join(root, 'a'), { recursive: true, force: true });
  mkdirSync(join(root, 'a'));
  staleSocket(path);
  const server = await startAdminServer(
    path,
    async (request) => {
      if (request.command === 'savepoint') throw new SluiceError(ErrorCode.SAVEPOINT_FAILED, 'no savepoint taken: the daemon is stopping');
      return { ok: true, pid: 42 };
    },
    silentLogger,
  );
  try {
    assert.equal(statSync(path).mode & 0o777, 0o600, 'only the owner may connect');
    assert.deepEqual(await adminRequest(path, { v: 1, command: 'ping' }), { ok: true, pid: 42 });
    assert.deepEqual(await adminRequest(path, { v: 1, command: 'savepoint' }), {
      ok: false,
      code: 'SAVEPOINT_FAILED',
      message: 'no savepoint taken: the daemon is stopping',
    });
    await assert.rejects(
      startAdminServer(path, async () => ({ ok: true }), silentLogger),
      (err: unknown) =>
        err instanceof SluiceError && err.code === ErrorCode.ADMIN_ENDPOINT_FAILED && /another sluice daemon answers/.test(err.message),
    );
  } finally {
    await server.close();
  }
  assert.throws(() => statSync(path), 'the socket file is removed on close');
  await assert.rejects(
    adminRequest(path, { v: 1, command: 'ping' }),
    (err: unknown) => err instanceof SluiceError && err.code === ErrorCode.DAEMON_NOT_RUNNING,
  );
  await assert.rejects(
    startAdminServer(join(root, 'x'.repeat(120), 'admin.sock'), async () => ({ ok: true }), silentLogger),
    /SLUICE_ADMIN_SOCKET/,
  );
});

test('admin socket: a path that is not a socket (a regular file, a directory, a symlink, a FIFO) is never removed', async () => {
  const dir = join(root, 'not-a-socket');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'admin.sock');
  writeFileSync(file, 'precious data');
  const directory = join(dir, 'a-directory');
  mkdirSync(directory);
  writeFileSync(join(directory, 'inside'), 'x');
  const link = join(dir, 'a-link');
  symlinkSync(file, link);
  const fifo = join(dir, 'a-fifo');
  spawnSync('mkfifo', [fifo]);
  for (const [path, kind] of [
    [file, 'a regular file'],
    [directory, 'a directory'],
    [link, 'a symbolic link'],
    [fifo, 'a FIFO'],
  ] as const) {
    await assert.rejects(
      startAdminServer(path, async () => ({ ok: true }), silentLogger),
      (err: unknown) =>
        err instanceof SluiceError &&
        err.code === ErrorCode.ADMIN_ENDPOINT_FAILED &&
        err.message.includes(`is ${kind}, not a socket: refusing to replace it`),
      path,
    );
  }
  assert.equal(readFileSync(file, 'utf8'), 'precious data');
  assert.equal(readFileSync(join(directory, 'inside'), 'utf8'), 'x');
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.ok(lstatSync(fifo).isFIFO());
  assert.deepEqual(readdirSync(dir).sort(), ['a-directory', 'a-fifo', 'a-link', 'admin.sock'], 'nothing left behind');
});

test('admin socket: never reachable by other users, not even between listening and chmod (a permissive umask)', async () => {
  const dir = join(root, 'umask');
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const path = join(dir, 'admin.sock');
  // Each bind as it happens: the socket's own mode and its directory's.
  const binds: Array<{ path: string; socketMode: number; dirMode: number; finalPathExists: boolean }> = [];
  const listen = Server.prototype.listen;
  mock.method(Server.prototype, 'listen', function (this: Server, ...args: unknown[]) {
    const result = (listen as (...a: unknown[]) => Server).apply(this, args);
    if (typeof args[0] === 'string') {
      const bound = args[0];
      binds.push({
        path: bound,
        socketMode: lstatSync(bound).mode & 0o777,
        dirMode: statSync(dirname(bound)).mode & 0o777,
        finalPathExists: bound !== path && existsSync(path),
      });
    }
    return result;
  });
  const umask = process.umask(0);
  let server: Awaited<ReturnType<typeof startAdminServer>>;
  try {
    server = await startAdminServer(path, async () => ({ ok: true }), silentLogger);
  } finally {
    process.umask(umask);
    mock.restoreAll();
  }
  try {
    assert.equal(binds.length, 1);
    for (const b of binds) {
      const othersCanConnect = (b.socketMode & 0o022) !== 0 && (b.dirMode & 0o011) !== 0;
      assert.ok(!othersCanConnect, `bound ${b.path} with mode ${b.socketMode.toString(8)} in a directory of mode ${b.dirMode.toString(8)}`);
      assert.equal(b.finalPathExists, false, 'nothing at the documented path before the socket is private');
    }
    assert.equal(lstatSync(path).mode & 0o777, 0o600);
    assert.deepEqual(await adminRequest(path, { v: 1, command: 'ping' }), { ok: true });
    assert.deepEqual(readdirSync(dir), ['admin.sock'], 'the private directory is gone');
  } finally {
    await server.close();
  }
});

test('sluice savepoint / sluice stop with no daemon running: exit 1 with DAEMON_NOT_RUNNING; bad options exit 2', async () => {
  const err: string[] = [];
  const out: string[] = [];
  const io = { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) };
  const env = { SLUICE_STATE_DIR: join(root, 'empty-state') };
  assert.equal(await savepointCommand([], env, io), 1);
  assert.match(err.join(''), /DAEMON_NOT_RUNNING: no sluice daemon is running with admin socket .*empty-state\/admin\.sock/);
  assert.equal(await stopCommand(['--savepoint'], env, io), 1);
  assert.equal(await stopCommand(['--dir', '/tmp/x'], env, io), 2, '--dir without --savepoint');
  assert.equal(await savepointCommand(['--force'], env, io), 2);
  assert.equal(await savepointCommand(['--dir'], env, io), 2);
  assert.equal(out.join(''), '', 'nothing on stdout');
});
