/**
 * The local admin endpoint without a daemon: request parsing (what is refused and why), a real
 * Unix socket round trip, errors carried with their code, a stale socket file taken over, a live
 * one refused, and the client commands when no daemon runs.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
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
    assert.throws(() => parseRequest(line), (err: unknown) => err instanceof SluiceError && err.code === ErrorCode.USAGE && pattern.test(err.message), line.slice(0, 80));
  }
  assert.deepEqual(parseResponse('{"ok":true,"savepoint":"/a"}'), { ok: true, savepoint: '/a' });
  assert.throws(() => parseResponse('{"ok":"yes"}'), (err: unknown) => err instanceof SluiceError && err.code === ErrorCode.ADMIN_ENDPOINT_FAILED);
});

test('admin socket: answers requests, carries error codes, takes over a stale socket file, refuses a second listener', async () => {
  const path = join(root, 'a', 'admin.sock');
  // A file left behind where the socket goes (a daemon killed with SIGKILL): nobody answers on it.
  rmSync(join(root, 'a'), { recursive: true, force: true });
  mkdirSync(join(root, 'a'));
  writeFileSync(path, '');
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
    assert.deepEqual(await adminRequest(path, { v: 1, command: 'savepoint' }), { ok: false, code: 'SAVEPOINT_FAILED', message: 'no savepoint taken: the daemon is stopping' });
    await assert.rejects(startAdminServer(path, async () => ({ ok: true }), silentLogger), (err: unknown) => err instanceof SluiceError && err.code === ErrorCode.ADMIN_ENDPOINT_FAILED && /another sluice daemon answers/.test(err.message));
  } finally {
    await server.close();
  }
  assert.throws(() => statSync(path), 'the socket file is removed on close');
  await assert.rejects(adminRequest(path, { v: 1, command: 'ping' }), (err: unknown) => err instanceof SluiceError && err.code === ErrorCode.DAEMON_NOT_RUNNING);
  await assert.rejects(startAdminServer(join(root, 'x'.repeat(120), 'admin.sock'), async () => ({ ok: true }), silentLogger), /SLUICE_ADMIN_SOCKET/);
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
