/**
 * The live-query API of a daemon process (src/commands.ts): built once, before the first start of the
 * job, and kept through supervised restarts; it asks whichever JobRuntime is current, and answers
 * 503 while none runs. Freshness facts that outlive a job (last checkpoint, consumer lag) come from
 * the process's telemetry.
 */
import type { SluiceConfig } from '../config.js';
import type { JobDefinition } from '../job/job.js';
import type { DaemonTelemetry } from '../telemetry/daemon-telemetry.js';
import type { Logger } from '../telemetry/logging.js';
import { assignerFor } from '../streams/operators/window-assigners.js';
import { describeAggregations, describeJob, type QueryDescription } from './describe.js';
import { startQueryServer, type QueryServer } from './query-server.js';
import { QueryService, type QueryTarget } from './query-service.js';

export interface QueryApiOptions {
  config: Pick<SluiceConfig, 'query' | 'windows' | 'workers'>;
  job: JobDefinition<unknown, unknown, unknown>;
  telemetry: Pick<DaemonTelemetry, 'metrics'>;
  current: () => QueryTarget | undefined;
  logger: Logger;
  version?: string;
}

/** Serve the API when SLUICE_QUERY_PORT is set (not 0); undefined when off. */
export async function startQueryApi(options: QueryApiOptions): Promise<QueryServer | undefined> {
  const settings = options.config.query;
  if (!settings || settings.port === 0) return undefined;
  const metrics = options.telemetry.metrics;
  const job = options.job;
  // A job with several aggregations: each is queried on its own (?aggregation=<name>), with its own
  // key, windows (size, slide or gap, lateness) and documents.
  const descriptions = job.aggregations ? describeAggregations(job) : undefined;
  const shape = job.aggregations
    ? {
        job: job.name,
        aggregations: job.aggregations.map((a, i) => ({
          name: a.name,
          description: descriptions?.[i] as QueryDescription,
          windows: { sizeMs: assignerFor(a.window).sizeMs, allowedLatenessMs: a.allowedLatenessMs, spec: a.window },
        })),
      }
    : {
        description: describeJob(job, options.config.windows.sizeMs),
        windows: { ...options.config.windows, spec: job.window ?? { type: 'tumbling' as const, sizeMs: options.config.windows.sizeMs } },
      };
  const service = new QueryService({
    current: options.current,
    ...shape,
    maxScan: settings.maxScan,
    timeoutMs: settings.timeoutMs,
    workers: options.config.workers,
    sources: {
      lastCheckpointAt: async () => {
        const seconds = (await metrics.checkpointLastCompleted.get()).values[0]?.value;
        return seconds ? seconds * 1000 : undefined;
      },
      consumerLag: async () => {
        const values = (await metrics.consumerLag.get()).values;
        return values.length > 0 ? values.reduce((sum, v) => sum + v.value, 0) : undefined;
      },
    },
  });
  const logger = options.logger.child({ component: 'query-api' });
  const server = await startQueryServer({
    port: settings.port,
    host: settings.host,
    ...(settings.token ? { token: settings.token } : {}),
    rateLimit: settings.rateLimit,
    service,
    logger,
    ...(options.version ? { version: options.version } : {}),
  });
  logger.info(
    {
      url: server.url,
      openapi: `${server.url}/openapi.json`,
      token: settings.token ? 'required' : 'none',
      maxScan: settings.maxScan,
      rateLimit: settings.rateLimit,
    },
    'serving live queries',
  );
  return server;
}
