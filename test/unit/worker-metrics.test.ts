/** Each window worker's own metrics (heap, event-loop delay) reach the one main-thread registry. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { WorkerKeyedStage } from '../../src/actors/worker-stage.js';
import type { ClickCountResult } from '../../src/job/clickstream.js';
import { METRIC_NAMES, SluiceMetrics } from '../../src/telemetry/metrics.js';
import { silentLogger } from '../../src/telemetry/logging.js';

test('worker threads send metric snapshots that merge into the main registry, labelled by thread', { timeout: 60_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'sluice-worker-metrics-'));
  const main = new SluiceMetrics({ thread: 'main', defaultMetrics: false });
  const seen = new Set<string>();
  const stage = new WorkerKeyedStage<unknown, ClickCountResult>({
    workers: 2,
    job: 'clickstream',
    windows: { sizeMs: 60_000, allowedLatenessMs: 0 },
    stateDir: root,
    inbox: { events: 100, bytes: 1 << 20 },
    onResults: async () => undefined,
    onFailure: () => undefined,
    onMetrics: (thread, snapshot) => {
      seen.add(thread);
      main.mergeThread(thread, snapshot);
    },
    metricsIntervalMs: 50,
    logger: silentLogger,
  });
  try {
    await stage.start();
    const deadline = Date.now() + 20_000;
    while (seen.size < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual([...seen].sort(), ['worker-0', 'worker-1']);
    const text = await main.exposition();
    for (const thread of ['worker-0', 'worker-1']) {
      assert.match(text, new RegExp(`${METRIC_NAMES.heapUsed}\\{thread="${thread}"\\} [1-9]`), `heap of ${thread}`);
    }
  } finally {
    await stage.stop();
    rmSync(root, { recursive: true, force: true });
  }
});
