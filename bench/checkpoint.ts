/**
 * Cost of a barrier checkpoint in one worker's LMDB store at a given state size: `barrier(n)` +
 * `flushed()` after a step that changed `--changed` keys (incremental: it should not grow with the
 * state), and restore time (`rollbackTo`) of the last checkpoint. Store level, no Kafka.
 *
 * usage: npm run build && node dist/bench/checkpoint.js [keys=100000] [changed=1000] [checkpoints=30]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { keyGroupOf } from '../src/actors/key-groups.js';
import { LmdbWindowStore } from '../src/state/lmdb-window-store.js';

const keys = Number(process.argv[2] ?? 100_000);
const changed = Number(process.argv[3] ?? 1_000);
const checkpoints = Number(process.argv[4] ?? 30);
const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-ckpt-'));
const keyGroups = Array.from({ length: 128 }, (_, i) => i);
const open = () => new LmdbWindowStore<{ count: number }>({ path: dir, keyGroups, keyGroupOf: (k) => keyGroupOf(k) });
const WINDOW = 0;

try {
  let store = open();
  store.clearAll();
  const t0 = performance.now();
  for (let i = 0; i < keys; i++) {
    store.put(WINDOW, `user-${i}`, { accumulator: { count: 1 }, fired: false } as never);
    if (i % 50_000 === 49_999) store.commit();
  }
  store.commit();
  const loadMs = performance.now() - t0;
  const durations: number[] = [];
  let id = 0;
  for (let c = 0; c < checkpoints; c++) {
    for (let j = 0; j < changed; j++) {
      const key = `user-${Math.floor(Math.random() * keys)}`;
      store.put(WINDOW, key, { accumulator: { count: c + 2 }, fired: false } as never);
    }
    store.commit();
    const t = performance.now();
    store.barrier(++id);
    await store.flushed();
    durations.push(performance.now() - t);
  }
  // Changes after the last barrier, then a "crash" and a restore to it.
  for (let j = 0; j < changed; j++) store.put(WINDOW, `user-${j}`, { accumulator: { count: -1 }, fired: false } as never);
  store.commit();
  await store.close();
  store = open();
  const r0 = performance.now();
  const restored = store.rollbackTo(id);
  const restoreMs = performance.now() - r0;
  await store.close();
  durations.sort((a, b) => a - b);
  const q = (p: number) => durations[Math.min(durations.length - 1, Math.floor(p * durations.length))]?.toFixed(2);
  console.log(
    JSON.stringify({
      keys,
      changedPerCheckpoint: changed,
      checkpoints,
      loadMs: Math.round(loadMs),
      checkpointMsP50: q(0.5),
      checkpointMsP99: q(0.99),
      restoreMs: restoreMs.toFixed(1),
      restoredEntries: restored,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
