/**
 * A process that ends with exitProcess(7) while its worker thread is inside an LMDB write
 * transaction, as the daemon does. Run as a child by thread-exit.test.ts (a bare process.exit at
 * that moment never returns: see src/supervision/thread-exit.ts).
 *   mode `wait`  (default): the transaction lasts 1 s, within the bound: exit code 7.
 *   mode `stuck`: the transaction outlasts the 200 ms bound, so the thread is terminated inside it
 *                 and can never end: the process kills itself (SIGKILL) instead of hanging.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exitProcess } from '../../src/supervision/process-exit.js';
import { ThreadSupervisor } from '../../src/supervision/thread-supervisor.js';
import { silentLogger } from '../../src/telemetry/logging.js';

const stuck = process.argv[2] === 'stuck';
const supervisor = new ThreadSupervisor(silentLogger, (err) => {
  process.stderr.write(`unexpected failure: ${err.message}\n`);
  process.exit(2);
});
const worker = supervisor.start({
  id: 'writer',
  file: new URL('./lmdb-writer-thread.js', import.meta.url),
  workerData: { path: mkdtempSync(join(tmpdir(), 'sluice-exit-')) },
});
worker.on('message', (m: { type: string }) => {
  if (m.type === 'in-transaction') void exitProcess(7, stuck ? 200 : undefined);
});
worker.postMessage({ type: 'long', ms: stuck ? 3_000 : 1_000 });
