/**
 * Ending the daemon's process: `process.exit` only after every worker thread ended at a message
 * boundary (thread-exit.ts says why a bare `process.exit` can hang for good). If a thread is still
 * there after the bounds, the process says so on stderr and kills itself with SIGKILL rather than
 * hang; its checkpoints are what a restart recovers from either way.
 */
import { exitAllThreads, THREAD_EXIT_BOUND_MS } from './thread-supervisor.js';

export async function exitProcess(code: number, boundMs = THREAD_EXIT_BOUND_MS): Promise<void> {
  if (!(await exitAllThreads(boundMs))) {
    process.stderr.write(
      `sluice: worker threads could not be ended (bound ${boundMs} ms); killing the process (exit code ${code} intended)\n`,
    );
    process.kill(process.pid, 'SIGKILL');
  }
  process.exit(code);
}
