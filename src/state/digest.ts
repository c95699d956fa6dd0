/**
 * Stable digests of records: canonical JSON (keys sorted at every level) and sha256. Checkpoint
 * records, savepoint manifests and job definitions are hashed with these, so the same content
 * always gives the same digest whatever order its keys were built in.
 */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level: the same record always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
