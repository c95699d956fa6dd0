/**
 * Reading back what the sinks wrote, for integration tests: every Redis key under a prefix, and the
 * document count of an Elasticsearch index (refreshed first, so every acknowledged write counts).
 */
import type { Client } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';

export async function redisKeys(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

/** 0 when the index does not exist (yet). */
export async function esDocCount(es: Client, index: string): Promise<number> {
  const exists = await es.indices.exists({ index });
  if (!exists.body) return 0;
  await es.indices.refresh({ index });
  const { body } = await es.count({ index });
  return body.count as number;
}
