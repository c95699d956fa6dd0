/**
 * Runs the built daemon (dist/daemon/sluice.js, the bundle `sluice` runs: scripts/bundle.mjs) as a
 * child process, as a user would, with its stderr kept in a file for the test's failure message.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../daemon/sluice.js', import.meta.url));

export interface DaemonProcess {
  child: ChildProcess;
  logFile: string;
  stdout: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last lines of the daemon's stderr, for assertion messages. */
  tail: (lines?: number) => string;
  stop: (signal?: NodeJS.Signals) => Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startDaemon(env: Record<string, string>, args: string[] = ['run']): DaemonProcess {
  const logFile = join(tmpdir(), `sluice-daemon-${process.pid}-${Date.now()}.log`);
  const log = createWriteStream(logFile);
  // Only the variables given: a developer's own SLUICE_* exports must not leak into the test.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SLUICE_')));
  // Each daemon gets its own state directory unless the test shares one on purpose.
  const stateDir = env.SLUICE_STATE_DIR ?? mkdtempSync(join(tmpdir(), 'sluice-state-'));
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...base, SLUICE_STATE_DIR: stateDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.pipe(log);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  const tail = (lines = 40) => {
    try {
      return readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };
  return {
    child,
    logFile,
    stdout: () => out,
    exited,
    tail,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Poll `check` until it returns true or the time is up; returns whether it did. */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 500): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return check();
}

/** Run a one-shot command of the built CLI (`sluice savepoint`, `sluice stop`) with only the given SLUICE_ variables. */
export function runCli(
  env: Record<string, string>,
  args: string[],
  timeoutMs = 60_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SLUICE_')));
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    // 'close', not 'exit': after the output is read whole.
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
