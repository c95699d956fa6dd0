#!/usr/bin/env node
/**
 * `sluice run` (the daemon), `sluice config` (effective configuration, secrets masked), `sluice help`.
 * Exit codes: 0 clean stop, 1 runtime failure, 2 bad usage or configuration, 130 stopped by a second signal.
 */
import { describeConfig, loadConfig } from './config.js';
import { Daemon } from './daemon.js';
import { ErrorCode, SluiceError } from './errors.js';
import { createLogger } from './telemetry/logging.js';

const USAGE = `sluice: a stream processor for clickstream windows (Kafka in, Elasticsearch and Redis out)

usage:
  sluice run       run the daemon (with no SLUICE_KAFKA_BROKERS: the built-in generator, results on stdout)
  sluice config    print every setting (environment variables) with its value, default and meaning
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

async function run(): Promise<number> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof SluiceError && err.code === ErrorCode.CONFIG_INVALID) {
      process.stderr.write(`sluice: ${err.message}\n(see \`sluice config\` for every variable and what it allows)\n`);
      return 2;
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const embedded = config.kafka === undefined;
  const daemon = new Daemon(config, {
    logger,
    resultsOut: process.stdout,
    ...(embedded ? { statusOut: process.stderr } : {}),
  });

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: exiting at once');
      process.exit(130);
    }
    logger.info({ signal }, 'stopping: finishing in-flight work, flushing sinks, committing (signal again to exit at once)');
    void daemon.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    await daemon.start();
    await daemon.finished;
    logger.info('sluice stopped');
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const code = err instanceof SluiceError ? err.code : ErrorCode.INTERNAL;
    process.stderr.write(`sluice: stopped on ${code}: ${message}\n`);
    return 1;
  }
}

async function main(argv: string[]): Promise<number> {
  const command = argv[0] ?? 'help';
  switch (command) {
    case 'run':
      return run();
    case 'config':
      return printConfig();
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
    setTimeout(() => process.exit(code), 2000).unref();
  },
  (err: unknown) => {
    process.stderr.write(`sluice: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
