/**
 * The end-to-end bench's settings: command-line flags, each with a SLUICE_BENCH_* environment
 * variable as a fallback (the daemon's config ignores that prefix), then the default.
 */

export interface BenchOptions {
  /** Valid events to produce (bad records and one trailing event per partition come on top). */
  events: number;
  users: number;
  partitions: number;
  /** Event time covered by the valid events. */
  spanMinutes: number;
  /** Largest disorder of event times; must stay well below the 5 s watermark bound. */
  disorderMs: number;
  badRatio: number;
  runs: number;
  /** Also run sluice with the Elasticsearch and Redis sinks. */
  sinks: boolean;
  /** Skip the raw-kafkajs baseline (e.g. when only profiling sluice). */
  baseline: boolean;
  /** Run the daemon of the first sluice run under `node --cpu-prof` and summarise the profile. */
  cpuProf: boolean;
  /** Producer: messages per send and sends in flight. */
  batchSize: number;
  inFlight: number;
  /** A mode that makes no progress for this long fails. */
  stallTimeoutS: number;
  /** Leave the topic (and index, keys) in place, to re-run by hand. */
  keep: boolean;
  seed: number;
  /** The daemon's entry point; default: this checkout's dist/src/cli.js. */
  cli: string | undefined;
  /** SLUICE_WORKERS of the sluice modes: each count is its own mode (e.g. 1,2). */
  workers: number[];
  /** Before each mode, wait until the rest of the machine uses at most this many cores (0 = do not wait). */
  quietCores: number;
  /** A run during which the rest of the machine used more cores than this on average is run again. */
  maxOtherCores: number;
  retries: number;
  /** SLUICE_CHECKPOINT_INTERVAL_MS of the daemon (min pause: half of it); 0 = the daemon's defaults. */
  checkpointIntervalMs: number;
  /** SLUICE_STATE_WRITE_BUFFER_ENTRIES of the daemon; 0 = the daemon's default. */
  writeBufferEntries: number;
  /** SLUICE_WORKER_INBOX_EVENTS of the daemon; 0 = the daemon's default. */
  inboxEvents: number;
}

interface Flag {
  key: keyof BenchOptions;
  env: string;
  kind: 'int' | 'number' | 'bool' | 'string' | 'ints';
  default: number | boolean | number[] | undefined;
  help: string;
}

const FLAGS: Record<string, Flag> = {
  '--events': { key: 'events', env: 'SLUICE_BENCH_EVENTS', kind: 'int', default: 1_000_000, help: 'valid events to produce' },
  '--users': { key: 'users', env: 'SLUICE_BENCH_USERS', kind: 'int', default: 100_000, help: 'distinct userIds' },
  '--partitions': { key: 'partitions', env: 'SLUICE_BENCH_PARTITIONS', kind: 'int', default: 6, help: 'partitions of the input topic' },
  '--span-minutes': { key: 'spanMinutes', env: 'SLUICE_BENCH_SPAN_MINUTES', kind: 'number', default: 10, help: 'event time covered by the events' },
  '--disorder-ms': { key: 'disorderMs', env: 'SLUICE_BENCH_DISORDER_MS', kind: 'int', default: 2_000, help: 'largest event-time disorder (< 5000)' },
  '--bad-ratio': { key: 'badRatio', env: 'SLUICE_BENCH_BAD_RATIO', kind: 'number', default: 0.01, help: 'bad records per valid event' },
  '--runs': { key: 'runs', env: 'SLUICE_BENCH_RUNS', kind: 'int', default: 1, help: 'repetitions of each mode (medians reported)' },
  '--sinks': { key: 'sinks', env: 'SLUICE_BENCH_SINKS', kind: 'bool', default: false, help: 'also run sluice with Elasticsearch + Redis sinks' },
  '--baseline': { key: 'baseline', env: 'SLUICE_BENCH_BASELINE', kind: 'bool', default: true, help: 'run the raw kafkajs baseline (--no-baseline to skip)' },
  '--workers': {
    key: 'workers',
    env: 'SLUICE_BENCH_WORKERS',
    kind: 'ints',
    default: [1, 2],
    help: 'comma-separated SLUICE_WORKERS values: each is a sluice mode of its own',
  },
  '--cpu-prof': {
    key: 'cpuProf',
    env: 'SLUICE_BENCH_CPU_PROF',
    kind: 'bool',
    default: false,
    help: 'after the measured runs, one extra sluice run per worker count (sinks off) under node --cpu-prof, every thread profiled; not in the medians',
  },
  '--batch-size': { key: 'batchSize', env: 'SLUICE_BENCH_BATCH_SIZE', kind: 'int', default: 2_500, help: 'producer: messages per send; a send holds one partition, so ~2,500 x 190 B stays under the 1 MiB max.message.bytes' },
  '--in-flight': { key: 'inFlight', env: 'SLUICE_BENCH_IN_FLIGHT', kind: 'int', default: 4, help: 'producer: sends in flight (at least one per partition, one at a time within a partition)' },
  '--stall-timeout-s': { key: 'stallTimeoutS', env: 'SLUICE_BENCH_STALL_TIMEOUT_S', kind: 'int', default: 60, help: 'fail a mode after this long without progress' },
  '--keep': { key: 'keep', env: 'SLUICE_BENCH_KEEP', kind: 'bool', default: false, help: 'do not delete the topics, index and keys' },
  '--cli': {
    key: 'cli',
    env: 'SLUICE_BENCH_CLI',
    kind: 'string',
    default: undefined,
    help: 'the daemon to run: path to a built cli.js (e.g. a snapshot of a commit); default dist/src/cli.js of this checkout',
  },
  '--quiet-cores': {
    key: 'quietCores',
    env: 'SLUICE_BENCH_QUIET_CORES',
    kind: 'number',
    default: 0.3,
    help: 'before each mode, wait (up to 5 min) until everything but this bench (services included) uses at most this many cores; 0 = do not wait',
  },
  '--max-other-cores': {
    key: 'maxOtherCores',
    env: 'SLUICE_BENCH_MAX_OTHER_CORES',
    kind: 'number',
    default: 0.3,
    help: 'a run during which other processes used more cores than this on average (other CPU s / wall s) is perturbed: run again',
  },
  '--checkpoint-interval-ms': {
    key: 'checkpointIntervalMs',
    env: 'SLUICE_BENCH_CHECKPOINT_INTERVAL_MS',
    kind: 'int',
    default: 0,
    help: "the daemon's SLUICE_CHECKPOINT_INTERVAL_MS (and half of it as the min pause); 0 = the daemon's defaults (30 s, 15 s); a graceful stop always takes a final checkpoint",
  },
  '--write-buffer-entries': {
    key: 'writeBufferEntries',
    env: 'SLUICE_BENCH_WRITE_BUFFER_ENTRIES',
    kind: 'int',
    default: 0,
    help: "the daemon's SLUICE_STATE_WRITE_BUFFER_ENTRIES; 0 = the daemon's default",
  },
  '--inbox-events': {
    key: 'inboxEvents',
    env: 'SLUICE_BENCH_INBOX_EVENTS',
    kind: 'int',
    default: 0,
    help: "the daemon's SLUICE_WORKER_INBOX_EVENTS; 0 = the daemon's default",
  },
  '--retries': { key: 'retries', env: 'SLUICE_BENCH_RETRIES', kind: 'int', default: 2, help: 'perturbed runs are repeated up to this many times; the last is kept (marked)' },
  '--seed': { key: 'seed', env: 'SLUICE_BENCH_SEED', kind: 'int', default: 42, help: 'seed of the event generator' },
};

export function usage(): string {
  const lines = Object.entries(FLAGS).map(
    ([flag, f]) =>
      `  ${`${flag}${f.kind === 'bool' ? '' : f.kind === 'string' ? ' PATH' : f.kind === 'ints' ? ' N,N' : ' N'}`.padEnd(22)} ${f.help} (default ${String(f.default ?? '-')}; env ${f.env})`,
  );
  return `usage: node dist/bench/end-to-end.js [flags]\n${lines.join('\n')}\n`;
}

function parseValue(flag: string, f: Flag, raw: string): number | boolean | string | number[] {
  if (f.kind === 'string') return raw;
  if (f.kind === 'ints') {
    const list = raw.split(',').map((part) => parseValue(flag, { ...f, kind: 'int' }, part.trim()) as number);
    if (list.length === 0 || list.some((n) => n < 1)) throw new Error(`${flag}: expected a comma-separated list of positive integers, got "${raw}"`);
    return [...new Set(list)];
  }
  if (f.kind === 'bool') {
    const v = raw.trim().toLowerCase();
    if (['1', 'true', 'yes'].includes(v)) return true;
    if (['0', 'false', 'no'].includes(v)) return false;
    throw new Error(`${flag}: expected true or false, got "${raw}"`);
  }
  const n = Number(raw.replaceAll('_', ''));
  if (!Number.isFinite(n) || n < 0 || (f.kind === 'int' && !Number.isSafeInteger(n))) {
    throw new Error(`${flag}: expected a non-negative ${f.kind === 'int' ? 'integer' : 'number'}, got "${raw}"`);
  }
  return n;
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const values: Record<string, number | boolean | string | number[] | undefined> = {};
  for (const [flag, f] of Object.entries(FLAGS)) {
    const raw = env[f.env];
    values[f.key] = raw !== undefined && raw !== '' ? parseValue(f.env, f, raw) : f.default;
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(usage());
      process.exit(0);
    }
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const negated = name.startsWith('--no-') ? `--${name.slice(5)}` : undefined;
    const f = FLAGS[negated ?? name];
    if (!f) throw new Error(`unknown flag "${arg}"\n${usage()}`);
    if (f.kind === 'bool') {
      values[f.key] = negated ? false : inline === undefined ? true : parseValue(name, f, inline);
      continue;
    }
    const raw = inline ?? argv[++i];
    if (raw === undefined) throw new Error(`${name} needs a value`);
    values[f.key] = parseValue(name, f, raw);
  }
  const options = values as unknown as BenchOptions;
  if (options.events < 1) throw new Error('--events must be at least 1');
  if (options.users < 1 || options.partitions < 1 || options.runs < 1) throw new Error('--users, --partitions and --runs must be at least 1');
  if (options.disorderMs >= 5_000) throw new Error('--disorder-ms must stay below the 5000 ms watermark bound, or events would be late');
  return options;
}
