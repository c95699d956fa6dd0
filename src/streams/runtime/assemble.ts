/**
 * The parts of a job that the configuration chooses: where records come from (Kafka, or the
 * built-in generator when no broker is configured) and where results go (Elasticsearch, Redis, or
 * stdout when neither is).
 */
import type { Writable } from 'node:stream';
import type { Kafka } from 'kafkajs';
import type { Clock } from '../../clock.js';
import type { SluiceConfig } from '../../config.js';
import type { JobDefinition } from '../../job/job.js';
import type { Logger } from '../../telemetry/logging.js';
import type { DeadLetterSink, ResultSink } from '../sinks/sink.js';
import { AggregationSink } from '../sinks/aggregation-sink.js';
import { JsonLinesSink } from '../sinks/stdout.js';
import type { SourceConnector } from '../sources/connector.js';
import { GeneratorConnector } from '../sources/generator-connector.js';
import { createKafka } from '../sources/kafka-client.js';
import { KafkaConnector } from '../sources/kafka-connector.js';

export interface SourceHooks {
  /** The side outputs' buffer is full: start a checkpoint. */
  requestCheckpoint(): void;
  /** The job is being stopped: stop waiting for Kafka. */
  isStopped(): boolean;
  /** The Kafka client, for consumer-lag telemetry. */
  watchKafka?(kafka: Kafka): void;
}

export function sourceFromConfig(config: SluiceConfig, clock: Clock, logger: Logger, hooks: SourceHooks): SourceConnector {
  if (!config.kafka) return new GeneratorConnector(config.generator, () => clock.now(), logger);
  const kafka = createKafka(config.kafka, logger);
  hooks.watchKafka?.(kafka);
  return new KafkaConnector({
    kafka,
    settings: config.kafka,
    stateDir: config.state.dir,
    checkpoint: config.checkpoint,
    logger,
    requestCheckpoint: hooks.requestCheckpoint,
    isStopped: hooks.isStopped,
  });
}

/**
 * Start loading the configured sinks' modules now (their clients take a while to import): called
 * first thing at start-up, so the loading overlaps the source's network round trips.
 */
export function preloadSinks(config: Pick<SluiceConfig, 'elasticsearch' | 'redis'>): Promise<unknown> {
  return Promise.all([
    config.elasticsearch ? import('../sinks/elasticsearch.js') : undefined,
    config.redis ? import('../sinks/redis.js') : undefined,
  ]);
}

/**
 * Whether stdout is the only sink `sinksFromConfig` makes for this job: no Elasticsearch or Redis
 * output configured for it, one aggregation. The window workers may then print the results
 * themselves (`WorkerStageOptions.printResults`).
 */
export function printsOnly(config: Pick<SluiceConfig, 'elasticsearch' | 'redis'>, job: JobDefinition<unknown, unknown, unknown>): boolean {
  if (job.aggregations && job.aggregationOf) return false;
  const outputs = job.outputs ?? DEFAULT_OUTPUTS;
  return !(config.elasticsearch && outputs.elasticsearch) && !(config.redis && outputs.redis);
}

/** The built-in job writes every output configured. */
const DEFAULT_OUTPUTS = { elasticsearch: true, redis: true, stdout: false };

export async function sinksFromConfig<OUT>(
  config: SluiceConfig,
  job: JobDefinition<unknown, unknown, OUT>,
  deadLetters: DeadLetterSink,
  resultsOut: Writable,
  logger: Logger,
): Promise<Array<ResultSink<OUT>>> {
  if (job.aggregations && job.aggregationOf) return aggregationSinks(config, job, deadLetters, resultsOut, logger);
  const sinks = await storeSinks(config, job, deadLetters, logger);
  const outputs = job.outputs ?? DEFAULT_OUTPUTS;
  if (sinks.length === 0 || outputs.stdout) sinks.push(new JsonLinesSink<OUT>(resultsOut, job.toDocument?.bind(job)));
  return sinks;
}

/** The Elasticsearch and Redis sinks of a job (or of one aggregation: `job` its view, `config` its targets). */
async function storeSinks<OUT>(
  config: SluiceConfig,
  job: JobDefinition<unknown, unknown, OUT>,
  deadLetters: DeadLetterSink,
  logger: Logger,
): Promise<Array<ResultSink<OUT>>> {
  const sinks: Array<ResultSink<OUT>> = [];
  // A job file says which outputs it writes.
  const outputs = job.outputs ?? DEFAULT_OUTPUTS;
  if (config.elasticsearch && outputs.elasticsearch) {
    const { ElasticsearchSink } = await import('../sinks/elasticsearch.js');
    sinks.push(
      new ElasticsearchSink<OUT>({
        config: config.elasticsearch,
        job,
        deadLetters,
        deadLetterTopic: config.topics.dlq,
        logger: logger.child({ component: 'elasticsearch-sink' }),
      }),
    );
  }
  if (config.redis && outputs.redis) {
    const { RedisSink } = await import('../sinks/redis.js');
    sinks.push(new RedisSink<OUT>({ config: config.redis, job, logger: logger.child({ component: 'redis-sink' }) }));
  }
  if (job.outputs?.elasticsearch && !config.elasticsearch)
    logger.warn({ job: job.name }, 'the job writes to Elasticsearch, and SLUICE_ES_NODE is not set: its results are not written there');
  if (job.outputs?.redis && !config.redis)
    logger.warn({ job: job.name }, 'the job writes to Redis, and SLUICE_REDIS_URL is not set: its results are not written there');
  return sinks;
}

/**
 * A job with several aggregations: each aggregation's outputs are sinks of their own (its index,
 * its Redis key prefix and TTL), fed only its results; stdout prints every aggregation's that asks
 * for it (each document names its aggregation).
 */
async function aggregationSinks<OUT>(
  config: SluiceConfig,
  job: JobDefinition<unknown, unknown, OUT>,
  deadLetters: DeadLetterSink,
  resultsOut: Writable,
  logger: Logger,
): Promise<Array<ResultSink<OUT>>> {
  const aggregations = job.aggregations ?? [];
  const aggregationOf = (job.aggregationOf as NonNullable<typeof job.aggregationOf>).result;
  const sinks: Array<ResultSink<OUT>> = [];
  const printed = new Set<number>();
  for (const [a, { results, targets, name }] of aggregations.entries()) {
    const own = { ...job, ...results, name: `${job.name}/${name}` };
    const ownConfig: SluiceConfig = {
      ...config,
      elasticsearch: config.elasticsearch && { ...config.elasticsearch, index: targets.elasticsearchIndex ?? config.elasticsearch.index },
      redis: config.redis && {
        ...config.redis,
        keyPrefix: targets.redisKeyPrefix ?? config.redis.keyPrefix,
        ttlSeconds: targets.redisTtlSeconds ?? config.redis.ttlSeconds,
      },
    };
    for (const inner of await storeSinks(ownConfig, own, deadLetters, logger.child({ aggregation: name })))
      sinks.push(new AggregationSink(inner, name, (r: OUT) => aggregationOf(r) === a));
    if (results.outputs.stdout) printed.add(a);
  }
  // Nothing else to write to: every aggregation prints, as a job with one does.
  if (sinks.length === 0) aggregations.forEach((_, a) => printed.add(a));
  if (printed.size > 0) {
    const toDocument = job.toDocument?.bind(job);
    const stdout = new JsonLinesSink<OUT>(resultsOut, toDocument);
    sinks.push(
      printed.size === aggregations.length
        ? stdout
        : new AggregationSink(stdout, [...printed].map((a) => aggregations[a]?.name).join('+'), (r) => printed.has(aggregationOf(r))),
    );
  }
  return sinks;
}
