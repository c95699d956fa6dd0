/**
 * Which processes ran the job on this state directory (their Kafka run ids), newest last. The
 * state directory's lock proves those processes are gone, so run-scoped consumer groups of theirs
 * that still show members (a SIGKILLed daemon's, until its session expires) are not another
 * daemon: a restart need not wait for them.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_ID } from '../streams/sources/kafka-source.js';

const FILE = 'kafka-runs.json';
const KEEP = 20;

export function previousRuns(stateDir: string): string[] {
  try {
    const runs = JSON.parse(readFileSync(join(stateDir, FILE), 'utf8')) as unknown;
    return Array.isArray(runs) ? runs.filter((r): r is string => typeof r === 'string' && /^[0-9a-f]{1,32}$/.test(r)) : [];
  } catch {
    return [];
  }
}

/** Add this process's run id (call while holding the state directory's lock). */
export function recordRun(stateDir: string): void {
  const runs = previousRuns(stateDir).filter((r) => r !== RUN_ID);
  runs.push(RUN_ID);
  mkdirSync(stateDir, { recursive: true });
  const path = join(stateDir, FILE);
  writeFileSync(`${path}.tmp`, JSON.stringify(runs.slice(-KEEP)));
  renameSync(`${path}.tmp`, path);
}
