/**
 * The sluice daemon as a child process, as a user runs it (`node dist/daemon/sluice.js run`): its
 * environment built from the bench's settings, its log (stderr) in a file and read back by message,
 * its stdout results counted as they arrive (and kept in a file to verify), /metrics and /readyz.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from '../../test/helpers/daemon-process.js';
import { kafkaBrokers } from '../../test/helpers/kafka.js';
import { freePort } from '../../test/helpers/ports.js';
import { esNode } from '../../test/helpers/services.js';
import { sleep } from './report.js';
import { onSuccess, track } from './run.js';
import type { SinkTargets } from './sinks.js';

export type Exit = { code: number | null; signal: NodeJS.Signals | null };

/** The environment without the developer's own SLUICE_* exports (they must not leak into a run). */
export function cleanEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter((e): e is [string, string] => !e[0].startsWith('SLUICE_') && e[1] !== undefined),
  );
}

export interface SluiceSettings {
  topic: string;
  groupId: string;
  dlqTopic: string;
  lateTopic: string;
  stateDir: string;
  /** SLUICE_WORKERS; undefined = the daemon's default (available cores). */
  workers?: number;
  /** SLUICE_CHECKPOINT_INTERVAL_MS, and half of it as the min pause; 0 = the daemon's defaults. */
  checkpointIntervalMs?: number;
  writeBufferEntries?: number;
  inboxEvents?: number;
  sinks?: SinkTargets;
  metricsPort?: number;
  extra?: Record<string, string>;
}

export function sluiceEnv(s: SluiceSettings): Record<string, string> {
  const some = (name: string, v: number | undefined): Record<string, string> => (v !== undefined && v > 0 ? { [name]: String(v) } : {});
  return {
    ...cleanEnv(),
    SLUICE_KAFKA_BROKERS: kafkaBrokers().join(','),
    SLUICE_KAFKA_TOPIC: s.topic,
    SLUICE_KAFKA_GROUP_ID: s.groupId,
    SLUICE_DLQ_TOPIC: s.dlqTopic,
    SLUICE_LATE_TOPIC: s.lateTopic,
    SLUICE_STATE_DIR: s.stateDir,
    // 0 = off; a bench that reads /metrics passes a free port.
    SLUICE_METRICS_PORT: String(s.metricsPort ?? 0),
    // info: a handful of lines per run, among them "sluice is consuming" (the end of start-up).
    SLUICE_LOG_LEVEL: 'info',
    ...some('SLUICE_WORKERS', s.workers),
    ...some('SLUICE_CHECKPOINT_INTERVAL_MS', s.checkpointIntervalMs),
    ...some('SLUICE_CHECKPOINT_MIN_PAUSE_MS', s.checkpointIntervalMs ? Math.floor(s.checkpointIntervalMs / 2) : undefined),
    ...some('SLUICE_STATE_WRITE_BUFFER_ENTRIES', s.writeBufferEntries),
    ...some('SLUICE_WORKER_INBOX_EVENTS', s.inboxEvents),
    ...(s.sinks
      ? {
          SLUICE_ES_NODE: esNode(),
          SLUICE_ES_INDEX: s.sinks.index,
          SLUICE_REDIS_URL: s.sinks.redisUrl,
          SLUICE_REDIS_KEY_PREFIX: s.sinks.keyPrefix,
        }
      : {}),
    ...s.extra,
  };
}

export function metricsPort(): Promise<number> {
  return freePort();
}

/** Prometheus text as `name{labels}` -> value (`name` alone when unlabelled). */
export function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

/** The sum of a metric over all its label sets (NaN-free), e.g. a counter kept per thread or sink. */
export function metricSum(metrics: Map<string, number>, name: string): number {
  let total = 0;
  for (const [key, value] of metrics) if ((key === name || key.startsWith(`${name}{`)) && Number.isFinite(value)) total += value;
  return total;
}

export class Daemon {
  readonly child: ChildProcess;
  readonly pid: number;
  /** performance.now() and Date.now() right before spawn(): the start of every "including start-up" time. */
  readonly spawnedAt: number;
  readonly spawnedAtEpoch: number;
  readonly logFile: string;
  readonly exited: Promise<Exit>;
  exit: Exit | undefined;
  /** Result lines on stdout so far, and when (performance.now()) the first and the last arrived. */
  lines = 0;
  firstLineAt = 0;
  lastLineAt = 0;
  private readonly out: WriteStream | undefined;
  private readonly metricsPortNumber: number | undefined;

  constructor(
    env: Record<string, string>,
    options: { label: string; cli?: string; nodeArgs?: string[]; args?: string[]; stdoutFile?: string; metricsPort?: number },
  ) {
    this.logFile = join(tmpdir(), `sluice-bench-${process.pid}-${options.label.replace(/\W+/g, '-')}-${Date.now().toString(36)}.log`);
    this.metricsPortNumber = options.metricsPort;
    this.spawnedAtEpoch = Date.now();
    this.spawnedAt = performance.now();
    this.child = track(
      spawn(process.execPath, [...(options.nodeArgs ?? []), options.cli ?? CLI, ...(options.args ?? ['run'])], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    this.pid = this.child.pid as number;
    this.child.stderr?.pipe(createWriteStream(this.logFile));
    // Kept when the bench fails: its message names the log.
    onSuccess(() => rmSync(this.logFile, { force: true }));
    this.out = options.stdoutFile ? createWriteStream(options.stdoutFile) : undefined;
    this.child.stdout?.on('data', (d: Buffer) => {
      this.out?.write(d);
      let n = 0;
      for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) n++;
      if (n === 0) return;
      const now = performance.now();
      if (this.firstLineAt === 0) this.firstLineAt = now;
      this.lastLineAt = now;
      this.lines += n;
    });
    this.exited = new Promise<Exit>((resolve) =>
      this.child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      }),
    );
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  tail(lines = 20): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  /** The first JSON log line whose msg starts with `msg`, with its time as epoch ms. */
  firstLog(msg: string): { timeMs: number; entry: Record<string, unknown> } | undefined {
    let text: string;
    try {
      text = readFileSync(this.logFile, 'utf8');
    } catch {
      return undefined;
    }
    for (const line of text.split('\n')) {
      if (!line.includes(msg)) continue;
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        if (typeof entry.msg === 'string' && entry.msg.startsWith(msg)) {
          const t = entry.time;
          return { timeMs: typeof t === 'number' ? t : Date.parse(String(t)), entry };
        }
      } catch {
        // not a log line
      }
    }
    return undefined;
  }

  /** `processUptimeMs` of the "sluice is consuming" line: the daemon's own start-up time. */
  consumingUptimeMs(): number | undefined {
    const v = this.firstLog('sluice is consuming')?.entry.processUptimeMs;
    return typeof v === 'number' ? v : undefined;
  }

  private url(path: string): string {
    if (!this.metricsPortNumber) throw new Error('the daemon was started without a metrics port');
    return `http://127.0.0.1:${this.metricsPortNumber}${path}`;
  }

  async metrics(): Promise<Map<string, number>> {
    const res = await fetch(this.url('/metrics'), { signal: AbortSignal.timeout(10_000) });
    return parseMetrics(await res.text());
  }

  async ready(): Promise<boolean> {
    try {
      return (await fetch(this.url('/readyz'), { signal: AbortSignal.timeout(2_000) })).status === 200;
    } catch {
      return false;
    }
  }

  /** Poll /readyz every `everyMs` until 200; the performance.now() it first answered 200. */
  async whenReady(timeoutMs = 120_000, everyMs = 20): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      if (!this.running)
        throw new Error(
          `the daemon exited (${this.exit?.code ?? this.exit?.signal}) before it was ready; log ${this.logFile}:\n${this.tail(15)}`,
        );
      if (await this.ready()) return performance.now();
      await sleep(everyMs);
    }
    throw new Error(`the daemon was not ready after ${timeoutMs} ms; log ${this.logFile}:\n${this.tail(15)}`);
  }

  /** SIGTERM (graceful: final checkpoint), SIGKILL after `timeoutMs`; resolves with the exit and how long it took. */
  async stop(timeoutMs = 60_000): Promise<Exit & { stopS: number }> {
    const began = performance.now();
    if (this.running) this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const exit = await this.exited;
    clearTimeout(killer);
    await new Promise<void>((resolve) => (this.out ? this.out.end(() => resolve()) : resolve()));
    return { ...exit, stopS: (performance.now() - began) / 1000 };
  }

  kill(): Promise<Exit> {
    if (this.running) this.child.kill('SIGKILL');
    return this.exited;
  }
}

/** `--daemon-env K=V,K=V`: extra SLUICE_ variables for the daemon (undefined when none). */
export function parseDaemonEnv(text: string | undefined): Record<string, string> | undefined {
  if (!text) return undefined;
  const out: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    if (eq <= 0 || !name.startsWith('SLUICE_')) throw new Error(`--daemon-env: expected SLUICE_NAME=value, got ${JSON.stringify(pair)}`);
    out[name] = pair.slice(eq + 1);
  }
  return out;
}
