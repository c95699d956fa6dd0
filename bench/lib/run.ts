/**
 * What every bench does around its measurement: child processes to kill and things to delete on the
 * way out (normal end, failure or Ctrl-C), the header naming the machine and the daemon's build,
 * and the main() wrapper that turns all that into an exit code.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { CLI } from '../../test/helpers/daemon-process.js';
import { kafkaBrokers } from '../../test/helpers/kafka.js';

const live = new Set<ChildProcess>();
const cleanups: Array<() => Promise<unknown>> = [];
/** Run at the end only when the bench succeeded (e.g. deleting daemon logs a failure message points at). */
const onSuccessCleanups: Array<() => void> = [];
let keep = false;

/** A child that must not outlive the bench. */
export function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Run at the end, last registered first; skipped with --keep (children are still stopped). */
export function onCleanup(fn: () => Promise<unknown>): () => Promise<void> {
  cleanups.push(fn);
  /** Run it now instead (e.g. drop a big index right after its run). */
  return async () => {
    const i = cleanups.indexOf(fn);
    if (i >= 0) cleanups.splice(i, 1);
    if (!keep) await fn().catch((err: unknown) => process.stderr.write(`cleanup: ${(err as Error).message}\n`));
  };
}

export function onSuccess(fn: () => void): void {
  onSuccessCleanups.push(fn);
}

export function keepData(value: boolean): void {
  keep = value;
}

let cleaning: Promise<void> | undefined;
function cleanUp(succeeded = false): Promise<void> {
  cleaning ??= (async () => {
    for (const child of live) child.kill('SIGKILL');
    if (keep) return;
    if (succeeded) for (const fn of onSuccessCleanups.splice(0)) fn();
    for (const c of cleanups.splice(0).reverse())
      await c().catch((err: unknown) => process.stderr.write(`cleanup: ${(err as Error).message}\n`));
  })();
  return cleaning;
}

/** Run a bench's main: clean up whatever happens, exit with its code (1 on a failure). */
export function runBench(main: () => Promise<number>): void {
  process.once('SIGINT', () => {
    process.stderr.write('\ninterrupted: cleaning up\n');
    void cleanUp().finally(() => process.exit(130));
  });
  main()
    .then(
      async (code) => {
        await cleanUp(code === 0);
        return code;
      },
      async (err: unknown) => {
        process.stderr.write(`\nbench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        await cleanUp();
        return 1;
      },
    )
    .then((code) => process.exit(code));
}

/** Which build of the daemon runs: its path, when it was built, and the git commit of its checkout. */
export function describeDaemon(cli: string): string {
  let built: string;
  try {
    built = statSync(cli).mtime.toISOString();
  } catch {
    throw new Error(`no daemon at ${cli}: build it first (npx tsc -p tsconfig.json)`);
  }
  let commit = 'not a git checkout';
  try {
    const dir = dirname(cli);
    const head = execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const dirty = execFileSync('git', ['-C', dir, 'status', '--porcelain', '--', ':/src'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    commit = `git ${head}${dirty ? ' + uncommitted changes in src/' : ''}`;
  } catch {
    // A snapshot without .git (git archive HEAD | tar -x): a `.commit` file at its root may name the commit.
    for (let dir = dirname(cli); dir !== dirname(dir); dir = dirname(dir)) {
      try {
        commit = `snapshot of git ${readFileSync(join(dir, '.commit'), 'utf8').trim().slice(0, 12)} (${join(dir, '.commit')})`;
        break;
      } catch {
        // not here
      }
    }
  }
  return `${cli} (built ${built}; ${commit})`;
}

/** The lines every bench prints first: machine, Node, Kafka, load, the daemon's build. */
export function header(cli: string | undefined): string {
  const cpu = cpus();
  return [
    `machine: ${cpu.length} logical CPUs (availableParallelism ${availableParallelism()}), ${cpu[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Linux ${release()}`,
    `node ${process.version}; Kafka ${kafkaBrokers().join(',')}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
    `daemon: ${describeDaemon(cli ?? CLI)}`,
  ].join('\n');
}
