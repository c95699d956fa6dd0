/** Jobs by name: a worker thread is told which job to run by name, never by code. */
import { ErrorCode, SluiceError } from '../errors.js';
import type { SluiceConfig } from '../config.js';
import { clickstreamJob, clickstreamJobWith } from './clickstream.js';
import type { JobDefinition } from './job.js';

const JOBS: Record<string, JobDefinition<unknown, unknown, unknown>> = {
  [clickstreamJob.name]: clickstreamJob as unknown as JobDefinition<unknown, unknown, unknown>,
};

export function jobByName(name: string): JobDefinition<unknown, unknown, unknown> {
  const job = JOBS[name];
  if (!job) throw new SluiceError(ErrorCode.INTERNAL, `unknown job "${name}"; known: ${Object.keys(JOBS).join(', ')}`);
  return job;
}

/**
 * The job this process runs, as the configuration shapes it: the built-in clickstream job (with
 * SLUICE_MAX_RECORD_BYTES); job files will be chosen here.
 */
export function jobFromConfig(config: Pick<SluiceConfig, 'maxRecordBytes'>): JobDefinition<unknown, unknown, unknown> {
  return clickstreamJobWith({ maxRecordBytes: config.maxRecordBytes }) as unknown as JobDefinition<unknown, unknown, unknown>;
}
