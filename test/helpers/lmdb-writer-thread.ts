/**
 * A supervised worker thread that writes to LMDB in synchronous transactions, for the thread-exit
 * tests: `write` commits `puts` entries in one transaction and replies `written`; `long` replies
 * `in-transaction` from inside a transaction that then runs for about `ms`; `spin` replies `spinning` and never returns.
 */
import { parentPort } from 'node:worker_threads';
import { open } from 'lmdb';
import { supervisedThread } from '../../src/supervision/thread-exit.js';

type Message = { type: 'write'; puts: number } | { type: 'long'; ms: number } | { type: 'spin' };

const thread = await supervisedThread<{ path: string }, Message>();
const db = open<number, number>({ path: thread.data.path });
const port = parentPort;
let next = 0;

thread.onMessage((message) => {
  switch (message.type) {
    case 'write':
      db.transactionSync(() => {
        for (let i = 0; i < message.puts; i++) db.putSync(next++ % 10_000, i);
      });
      port?.postMessage({ type: 'written' });
      return;
    case 'long':
      db.transactionSync(() => {
        port?.postMessage({ type: 'in-transaction' });
        const until = Date.now() + message.ms;
        while (Date.now() < until) db.putSync(next++ % 10_000, 0);
      });
      return;
    case 'spin':
      port?.postMessage({ type: 'spinning' });
      for (;;) next++;
  }
});
