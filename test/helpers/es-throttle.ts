/**
 * How to make Elasticsearch "N times slower" with the TCP proxy, measured on this machine now:
 * time a few bulks of contract-shaped documents (the daemon's default bulk size) through the proxy
 * in pass mode, count their bytes on the wire, and pick the throttle rate that stretches one bulk
 * to N times its time (transfer both ways at that rate + the server's own time).
 */
import { Client } from '@elastic/elasticsearch';
import { RESULT_INDEX_MAPPING } from '../../src/streams/sinks/elasticsearch.js';
import { FaultProxy } from './fault-proxy.js';
import { uniqueName } from './services.js';

export interface EsThrottle {
  /** Throttle each direction of each connection to this rate. */
  bytesPerSecond: number;
  /** Median time of one bulk without the throttle. */
  bulkMs: number;
  /** Bytes of one bulk on the wire, request + response. */
  wireBytes: number;
  docsPerBulk: number;
}

function bulkBody(run: number, docs: number): string {
  const windowStart = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000;
  let body = '';
  for (let i = 0; i < docs; i++) {
    const userId = `user-${run * docs + i}`;
    const doc = { userId, windowStart, windowEnd: windowStart + 60_000, count: 3, byEventType: { click: 1, view: 2 } };
    body += `${JSON.stringify({ index: { _id: `${userId}:${windowStart}`, version: 3, version_type: 'external_gte' } })}\n${JSON.stringify(doc)}\n`;
  }
  return body;
}

export async function calibrateEsThrottle(node: string, factor: number, docsPerBulk = 5_000, runs = 5): Promise<EsThrottle> {
  const proxy = await FaultProxy.start(node);
  const client = new Client({ node: proxy.url(new URL(node).protocol.replace(':', '')), maxRetries: 0 });
  const index = uniqueName('sluice-calibrate');
  try {
    await client.indices.create({ index, body: { mappings: RESULT_INDEX_MAPPING } });
    const times: number[] = [];
    const bytes: number[] = [];
    for (let run = 0; run < runs; run++) {
      const body = bulkBody(run, docsPerBulk);
      const before = proxy.stats();
      const t0 = performance.now();
      await client.bulk({ index, body });
      times.push(performance.now() - t0);
      const after = proxy.stats();
      bytes.push(after.bytesUp - before.bytesUp + after.bytesDown - before.bytesDown);
    }
    // The first bulk warms the index up; the median of the rest is the figure.
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    const bulkMs = median(times.slice(1));
    const wireBytes = median(bytes.slice(1));
    const bytesPerSecond = Math.max(1_000, Math.round(wireBytes / (((factor - 1) * bulkMs) / 1000)));
    return { bytesPerSecond, bulkMs, wireBytes, docsPerBulk };
  } finally {
    await client.indices.delete({ index }, { ignore: [404] }).catch(() => undefined);
    await client.close();
    await proxy.close();
  }
}
