/**
 * The commands of the `sluice` CLI (its entry point is cli.ts): `sluice run [--from-savepoint PATH]`
 * (the daemon), `sluice savepoint` / `sluice stop` (ask a running daemon over its admin socket),
 * `sluice status` (ask a running daemon), `sluice config` (effective configuration, secrets
 * masked), `sluice help`.
 * Exit codes: 0 clean stop, 1 runtime failure (or a graceful stop over SLUICE_SHUTDOWN_TIMEOUT_MS),
 * 2 bad usage or configuration, 130 stopped by a second signal.
 */
import { readFileSync } from 'node:fs';
import { adminSocketPath, describeConfig, loadConfig, VARIABLES } from './config.js';
import { savepointCommand, stopCommand } from './admin/admin-commands.js';
import type { AdminRequest, AdminResponse } from './admin/admin-protocol.js';
import { startAdminServer, type AdminServer } from './admin/admin-server.js';
import { loadJob, type LoadedJob } from './job/registry.js';
import type { QueryServer } from './query/query-server.js';
import { describeWindow } from './streams/operators/window-assigners.js';
import { JobRuntime } from './streams/runtime/job-runtime.js';
import { superviseJob } from './supervision/job-supervisor.js';
import { exitProcess } from './supervision/process-exit.js';
import { whenThreadStuck } from './supervision/thread-supervisor.js';
import { ErrorCode, SluiceError } from './errors.js';
import { DaemonTelemetry } from './telemetry/daemon-telemetry.js';
import { createLogger } from './telemetry/logging.js';
import { runStatus } from './telemetry/status-command.js';
import { startTracing } from './telemetry/tracing.js';
import { kafkajsCarriage, type ModuleSwap } from './streams/kafkajs-modules.js';
import { fastProducingStatus } from './streams/sinks/kafka-producing.js';
import { fastRecordDecodingStatus } from './streams/sources/kafka-record-decoding.js';

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * The kafkajs this build runs and whether cli.ts's swaps of its modules took: a swap that did not
 * leaves the daemon correct but slower (docs/decisions/0016, 0017).
 */
function kafkajsLine(): string {
  const { version: kafkajs, kind } = kafkajsCarriage();
  const swap = (name: string, status: ModuleSwap | undefined) =>
    status === undefined ? `${name} not tried` : status.installed ? `${name} on` : `${name} off (${status.reason})`;
  return `kafkajs ${kafkajs} (${kind}): ${swap('fast record decoding', fastRecordDecodingStatus())}, ${swap('fast producing', fastProducingStatus())}`;
}

const USAGE = `sluice: a stream processor for clickstream windows (Kafka in, Elasticsearch and Redis out)

usage:
  sluice run       run the daemon (with no SLUICE_KAFKA_BROKERS: the built-in generator, results on stdout)
                   --job FILE: run the job in FILE (a job file .yaml/.yml/.json, or a module .mjs/.js
                   exporting a JobDefinition) instead of SLUICE_JOB or the built-in clickstream job
                   --from-savepoint PATH: start from a savepoint (replaces the checkpoints in SLUICE_STATE_DIR;
                   any SLUICE_WORKERS: state moves by key group)
  sluice check     validate the configuration and the job (--job FILE, else SLUICE_JOB) and say what it runs
  sluice savepoint take a savepoint of the running daemon and print its path
                   (--dir PATH: create it in PATH instead of $SLUICE_STATE_DIR/savepoints)
  sluice stop      stop the running daemon gracefully (final checkpoint, sinks flushed)
                   --savepoint [--dir PATH]: take a savepoint first and print its path
  sluice status    how a running daemon is doing: events/s, watermark, windows, last checkpoint, lag,
                   backpressure (asks http://127.0.0.1:$SLUICE_METRICS_PORT; --url URL, --interval MS)
  sluice config    print every setting (environment variables) with its value, default and meaning
  sluice version   print sluice's version, and kafkajs's with its fast paths (also --version, -v)
  sluice help      this text

Configuration is by environment variables only; see \`sluice config\`.
`;

function printConfig(): number {
  const rows = describeConfig();
  const width = Math.max(...rows.map((r) => r.name.length));
  const valueWidth = Math.min(40, Math.max(...rows.map((r) => r.value.length)));
  process.stdout.write(`${'VARIABLE'.padEnd(width)}  ${'VALUE'.padEnd(valueWidth)}  MEANING (default)\n`);
  for (const r of rows) {
    process.stdout.write(`${r.name.padEnd(width)}  ${r.value.padEnd(valueWidth)}  ${r.meaning} (default: ${r.default})\n`);
  }
  try {
    loadConfig();
  } catch (err) {
    if (err instanceof SluiceError) {
      process.stderr.write(`\n${err.message}\n`);
      return 2;
    }
    throw err;
  }
  return 0;
}

/** The configuration and the job (`--job`, SLUICE_JOB, or the built-in one), or an exit code after saying what is wrong. */
async function configAndJob(command: string, jobFile: string | undefined): Promise<LoadedJob | number> {
  try {
    return await loadJob(loadConfig(), process.env, jobFile);
  } catch (err) {
    if (err instanceof SluiceError && err.code === ErrorCode.CONFIG_INVALID) {
      process.stderr.write(`sluice ${command}: ${err.message}\n(see \`sluice config\` for every variable and what it allows)\n`);
      return 2;
    }
    if (err instanceof SluiceError && err.code === ErrorCode.JOB_INVALID) {
      process.stderr.write(`sluice ${command}: ${err.message}\n(job files: docs/job-files.md and examples/)\n`);
      return 2;
    }
    throw err;
  }
}

async function check(args: string[]): Promise<number> {
  let jobFile: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--job' && args[i + 1]) jobFile = args[++i];
    else {
      process.stderr.write(`sluice check: unknown option "${args[i]}" (allowed: --job FILE)\n`);
      return 2;
    }
  }
  const loaded = await configAndJob('check', jobFile);
  if (typeof loaded === 'number') return loaded;
  const { job, config, notes } = loaded;
  const window = job.window ?? { type: 'tumbling' as const, sizeMs: config.windows.sizeMs };
  const aggregates = (shapes: Record<string, { type: string; field?: string }>) =>
    Object.entries(shapes)
      .map(([n, a]) => `${n} (${a.type}${a.field ? ` of ${a.field}` : ''})`)
      .join(', ');
  const where = (targets: { elasticsearchIndex?: string; redisKeyPrefix?: string }, outputs: { stdout: boolean }) =>
    [
      targets.elasticsearchIndex ? `index ${targets.elasticsearchIndex}` : '',
      targets.redisKeyPrefix !== undefined ? `Redis keys ${targets.redisKeyPrefix}...` : '',
      outputs.stdout ? 'stdout' : '',
    ]
      .filter(Boolean)
      .join(', ');
  const shape = job.stateShape;
  const lines = [
    `job ${job.name}${job.source ? ` (${job.source.kind === 'file' ? 'job file' : 'module'} ${job.source.path})` : ' (built in)'}: valid`,
    `  input: topic ${config.topics.input}, dead letters to ${config.topics.dlq}, late events to ${config.topics.late}, watermark ${config.windows.outOfOrdernessMs} ms behind`,
    ...(job.aggregations
      ? job.aggregations.flatMap((a, i) => [
          `  aggregation ${a.name}:`,
          `    key: ${shape?.aggregations?.[i]?.key.join(' + ') ?? '?'}`,
          `    aggregates: ${aggregates(shape?.aggregations?.[i]?.aggregates ?? {})}`,
          `    windows: ${describeWindow(a.window)}, allowed lateness ${a.allowedLatenessMs} ms`,
          `    writes: ${where(a.targets, a.results.outputs) || 'nothing (no outputs)'}`,
        ])
      : [
          ...(shape ? [`  key: ${shape.key.join(' + ')}`, `  aggregates: ${aggregates(shape.aggregates)}`] : []),
          `  windows: ${describeWindow(window)}, allowed lateness ${config.windows.allowedLatenessMs} ms`,
        ]),
    ...notes.map((n) => `  note: ${n}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

async function run(args: string[]): Promise<number> {
  let fromSavepoint: string | undefined;
  let jobFile: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--from-savepoint' && args[i + 1]) fromSavepoint = args[++i];
    else if (args[i] === '--job' && args[i + 1]) jobFile = args[++i];
    else {
      process.stderr.write(`sluice run: unknown option "${args[i]}" (allowed: --job FILE, --from-savepoint PATH)\n`);
      return 2;
    }
  }
  const loaded = await configAndJob('run', jobFile);
  if (typeof loaded === 'number') return loaded;
  const { config, job: jobDefinition } = loaded;
  const logger = createLogger(config.logLevel);
  for (const note of loaded.notes) logger.info({ job: jobDefinition.name }, note);
  if (jobDefinition.source)
    logger.info(
      { job: jobDefinition.name, file: jobDefinition.source.path, definition: jobDefinition.definitionHash },
      `running job ${jobDefinition.name} from ${jobDefinition.source.path}`,
    );
  const embedded = config.kafka === undefined;
  const tracing = await startTracing({ logger, version: version() });
  // One telemetry for the process: /metrics and the probes stay up through restarts of the job.
  const telemetry = new DaemonTelemetry({ config, logger, version: version(), state: () => 'created', stats: () => undefined });
  /** The start of the job running now (live queries ask it). */
  let runtime: JobRuntime<unknown, unknown, unknown> | undefined;
  const job = superviseJob({
    config,
    logger,
    onRestart: (cause, delayMs) => {
      telemetry.workerRestarted();
      telemetry.jobRestarting(cause, delayMs);
    },
    makeJob: (attempt) =>
      (runtime = new JobRuntime(config, jobDefinition, {
        logger,
        telemetry,
        resultsOut: process.stdout,
        version: version(),
        attempt,
        // A restart restores the checkpoints taken since the savepoint, never the savepoint again.
        ...(fromSavepoint && attempt === 0 ? { fromSavepoint } : {}),
        ...(embedded ? { statusOut: process.stderr } : {}),
        ...testWorkerExit(attempt),
      })),
  });

  let signals = 0;
  let stopBound: NodeJS.Timeout | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: exiting at once');
      void exitProcess(130);
    }
    beginStop({ signal });
  };
  /** The graceful stop, from a signal or `sluice stop`: bounded by SLUICE_SHUTDOWN_TIMEOUT_MS. */
  const beginStop = (by: object) => {
    if (stopBound) return;
    logger.info(
      { ...by, timeoutMs: config.shutdownTimeoutMs },
      'stopping: finishing in-flight work, flushing sinks, committing (signal again to exit at once)',
    );
    // The bound of a graceful stop (a sink in an outage would otherwise hold it forever). Not
    // unref'd: a stop stuck on nothing but a promise must still end here, not exit 0 silently.
    stopBound = setTimeout(() => {
      const phase = job.current()?.stopPhase || 'stopping';
      const message = `graceful stop did not finish within SLUICE_SHUTDOWN_TIMEOUT_MS=${config.shutdownTimeoutMs} ms (still ${phase}); no checkpoint completed after that, a restart restores the last complete checkpoint`;
      logger.error({ code: ErrorCode.SHUTDOWN_TIMEOUT, phase }, message);
      process.stderr.write(`sluice: stopped on ${ErrorCode.SHUTDOWN_TIMEOUT}: ${message}\n`);
      void exitProcess(1);
    }, config.shutdownTimeoutMs);
    void job.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A thread that cannot be ended holds its LMDB environment: no restart in this process can work.
  whenThreadStuck((workers) => {
    logger.fatal(
      { code: ErrorCode.WORKER_FAILED, workers },
      'worker threads could not be ended; exiting so that a restart of the process recovers from the last checkpoint',
    );
    void exitProcess(1);
  });

  const handleAdmin = async (request: AdminRequest): Promise<AdminResponse> => {
    switch (request.command) {
      case 'ping':
        return { ok: true, pid: process.pid };
      case 'savepoint': {
        const daemon = job.current();
        if (!daemon) throw new SluiceError(ErrorCode.SAVEPOINT_FAILED, 'no savepoint taken: the job has not started');
        return { ok: true, savepoint: await daemon.savepoint(request.dir) };
      }
      case 'stop': {
        // Savepoint first: if it fails, the daemon keeps running (and the caller hears why).
        const savepoint = request.savepoint ? await job.current()?.savepoint(request.dir) : undefined;
        if (request.savepoint && !savepoint)
          throw new SluiceError(ErrorCode.SAVEPOINT_FAILED, 'no savepoint taken: the job has not started');
        beginStop({ by: 'sluice stop', ...(savepoint ? { savepoint } : {}) });
        await job.supervisor.exited;
        return { ok: true, stopped: true, ...(savepoint ? { savepoint } : {}) };
      }
    }
  };

  let admin: AdminServer | undefined;
  let queries: QueryServer | undefined;
  try {
    // Probes answer from the start (while Kafka is waited for and the state restored).
    await telemetry.start();
    // Live queries too (503 until the job runs); process-level, so they outlive restarts of the job.
    // Loaded only when served: the HTTP framework costs start-up time a daemon without queries need not pay.
    if (config.query && config.query.port !== 0) {
      const { startQueryApi } = await import('./query/query-api.js');
      queries = await startQueryApi({ config, job: jobDefinition, telemetry, current: () => runtime, logger, version: version() });
    }
    await job.supervisor.start();
    // After the first start: the daemon holds the state directory's lock, so a socket file left
    // there belongs to a dead daemon.
    try {
      admin = await startAdminServer(adminSocketPath(config), handleAdmin, logger.child({ component: 'admin' }));
      logger.info({ socket: admin.path }, 'admin endpoint listening (sluice savepoint, sluice stop)');
    } catch (err) {
      logger.error({ err }, 'admin endpoint off: `sluice savepoint` and `sluice stop` cannot reach this daemon (signals still stop it)');
    }
    await job.supervisor.exited;
    logger.info('sluice stopped');
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const code = err instanceof SluiceError ? err.code : ErrorCode.INTERNAL;
    process.stderr.write(`sluice: stopped on ${code}: ${message}\n`);
    return 1;
  } finally {
    clearTimeout(stopBound);
    // A `sluice stop` waiting for the exit gets its answer before the socket goes.
    await admin?.close();
    await queries?.close().catch(() => undefined);
    await telemetry.close().catch(() => undefined);
    // Send the spans still buffered, without letting an unreachable collector hold the exit.
    await Promise.race([tracing.shutdown().catch(() => undefined), new Promise((r) => setTimeout(r, 5_000).unref())]);
  }
}

function status(args: string[]): Promise<number> {
  let url: string | undefined;
  let intervalMs = 1000;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--url') url = args[++i];
    else if (arg === '--interval') intervalMs = Number(args[++i]);
    else {
      process.stderr.write(`sluice status: unknown option "${arg}" (allowed: --url URL, --interval MS)\n`);
      return Promise.resolve(2);
    }
  }
  if (!url) {
    const raw = process.env.SLUICE_METRICS_PORT?.trim() || VARIABLES.SLUICE_METRICS_PORT.default;
    const port = Number(raw);
    if (!Number.isInteger(port) || port <= 0 || port > 65_535) {
      process.stderr.write(`sluice status: SLUICE_METRICS_PORT=${JSON.stringify(raw)} has no endpoint to ask (0 = off); pass --url\n`);
      return Promise.resolve(2);
    }
    url = `http://127.0.0.1:${port}`;
  }
  if (!Number.isFinite(intervalMs) || intervalMs < 100 || intervalMs > 60_000) {
    process.stderr.write('sluice status: --interval must be 100 to 60000 ms\n');
    return Promise.resolve(2);
  }
  return runStatus(url, intervalMs);
}

async function main(argv: string[]): Promise<number> {
  const command = argv[0] ?? 'help';
  switch (command) {
    case 'run':
      return run(argv.slice(1));
    case 'savepoint':
      return savepointCommand(argv.slice(1));
    case 'stop':
      return stopCommand(argv.slice(1));
    case 'status':
      return status(argv.slice(1));
    case 'config':
      return printConfig();
    case 'check':
      return check(argv.slice(1));
    case 'version':
    case '--version':
    case '-v':
      process.stdout.write(`sluice ${version()}\n${kafkajsLine()}\n`);
      return 0;
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`sluice: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Open handles (a closing socket) must not keep a stopped daemon alive.
    setTimeout(() => void exitProcess(code), 2000).unref();
  },
  (err: unknown) => {
    process.stderr.write(`sluice: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    void exitProcess(1);
  },
);

/**
 * Test only: SLUICE_TEST_WORKER_EXIT_AFTER_STEPS=N makes every worker thread exit (code 3) on its
 * N+1st step, to show that a crashed worker fails the job (WORKER_FAILED) and a restart recovers
 * exactly; SLUICE_TEST_WORKER_EXIT_ATTEMPTS=K limits it to the first K starts of the job in this
 * process (default: every start). Never set them in production.
 */
function testWorkerExit(attempt: number): { workerExitAfterSteps?: number } {
  const raw = process.env.SLUICE_TEST_WORKER_EXIT_AFTER_STEPS;
  const n = Number(raw);
  if (raw === undefined || raw === '' || !Number.isSafeInteger(n) || n < 0) return {};
  const attemptsRaw = process.env.SLUICE_TEST_WORKER_EXIT_ATTEMPTS;
  const attempts = attemptsRaw === undefined || attemptsRaw === '' ? Number.POSITIVE_INFINITY : Number(attemptsRaw);
  return attempt < attempts ? { workerExitAfterSteps: n } : {};
}
