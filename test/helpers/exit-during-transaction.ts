/**
 * A process that ends while its worker thread is inside an LMDB write transaction, the way the
 * daemon does (exitAllThreads, then process.exit(7)). Run as a child by thread-exit.test.ts: a bare
 * process.exit at that moment never returns (see src/supervision/thread-exit.ts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/telemetry/logging.js';
import { exitAllThreads, ThreadSupervisor } from '../../src/supervision/thread-supervisor.js';

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
  if (m.type !== 'in-transaction') return;
  void exitAllThreads().then((clean) => {
    process.stdout.write(clean ? 'threads ended\n' : 'threads stuck\n');
    process.exit(7);
  });
});
worker.postMessage({ type: 'long', ms: 1_000 });
