/**
 * Where the real services of the integration tests are, and names that keep concurrent or repeated
 * runs from seeing each other's data. Tests clean up only what they created under these names.
 */
import { randomBytes } from 'node:crypto';

export function esNode(): string {
  return process.env.SLUICE_TEST_ES_NODE ?? 'http://127.0.0.1:9200';
}

export function redisUrl(): string {
  return process.env.SLUICE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/**
 * One command's line of Redis's INFO commandstats: its calls and the microseconds of Redis's thread
 * they took, since the server's stats were last reset (commands run inside scripts count too).
 */
export async function redisCommandStat(
  redis: { info(section: string): Promise<string> },
  command: string,
): Promise<{ calls: number; usec: number }> {
  const line = new RegExp(`^cmdstat_${command}:(.*)$`, 'm').exec(await redis.info('commandstats'))?.[1] ?? '';
  const field = (name: string) => Number(new RegExp(`(?:^|,)${name}=(\\d+)`).exec(line)?.[1] ?? 0);
  return { calls: field('calls'), usec: field('usec') };
}

/** A name unique to this run: lowercase, so it is also a valid Elasticsearch index name. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`.toLowerCase();
}

/** Poll until Elasticsearch answers with a yellow or green cluster (it may still be starting). */
export async function waitForElasticsearch(timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      // fetch() refuses URLs with credentials: move them into a header.
      const url = new URL('/_cluster/health?wait_for_status=yellow&timeout=5s', esNode());
      const headers: Record<string, string> = {};
      if (url.username) {
        headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
        url.username = '';
        url.password = '';
      }
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
      const body = (await res.json()) as { status?: string };
      if (res.ok && (body.status === 'yellow' || body.status === 'green')) return;
      last = `HTTP ${res.status} ${body.status ?? ''}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  throw new Error(`Elasticsearch at ${esNode()} not ready after ${timeoutMs} ms (${last}); start it with scripts/stack up`);
}
