/**
 * The live-query HTTP API (Fastify 5) on SLUICE_QUERY_HOST:SLUICE_QUERY_PORT:
 *
 *   GET /                          the live page (page.ts)
 *   GET /openapi.json              the OpenAPI 3.1 document (@fastify/swagger), described by the job
 *   GET /status                    the job, what `by` accepts, freshness
 *   GET /windows                   the windows held in state, and the current one
 *   GET /keys/:key/windows         one key's open windows and fired ones still held, in a time range
 *   GET /windows/:start/keys       a window's keys, paged with a cursor
 *   GET /windows/:start/top        a window's top N keys by a numeric field of the result
 *
 * A job with several aggregations (job files' `aggregations:`): every route but /status, the page
 * and the OpenAPI document takes `?aggregation=<name>`, required (400 listing the aggregations
 * without it or with a name the job does not have: no default, see parseAggregation), and answers
 * for that aggregation only (its key, its window starts and ends, its documents); answers carry
 * `aggregation`. /status lists the aggregations. A job with one takes no such parameter.
 *
 * Every answer carries `freshness`. Requests and responses have JSON schemas; bad parameters get a
 * 400 naming the parameter. With SLUICE_QUERY_TOKEN every API route wants `Authorization: Bearer`
 * (the page and the OpenAPI document hold no data and do not); a client address gets at most
 * SLUICE_QUERY_RATE_LIMIT requests per second (@fastify/rate-limit). Requests carry no body (1 KiB
 * at most). Nothing logged here holds a header or the token.
 */
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';
import { ErrorCode, SluiceError } from '../errors.js';
import type { Logger } from '../telemetry/logging.js';
import type { JsonSchema } from './describe.js';
import { LIMITS, parseBy, parseCursor, parseKey, parseLimit, parseRange, parseTopN, parseWindowStart } from './params.js';
import { PAGE_HTML } from './page.js';
import type { QueryService } from './query-service.js';
import { tokenCheck } from './token.js';

export interface QueryServerOptions {
  port: number;
  host: string;
  token?: string;
  /** Requests per second per client address; 0 = no limit. */
  rateLimit: number;
  service: QueryService;
  logger: Logger;
  version?: string;
}

export interface QueryServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

const HTTP_STATUS: Partial<Record<string, number>> = {
  [ErrorCode.QUERY_BAD_REQUEST]: 400,
  [ErrorCode.QUERY_UNAUTHORIZED]: 401,
  [ErrorCode.QUERY_TOO_BROAD]: 422,
  [ErrorCode.QUERY_RATE_LIMITED]: 429,
  [ErrorCode.QUERY_UNAVAILABLE]: 503,
  [ErrorCode.QUERY_TIMEOUT]: 504,
};

const nullableNumber = { type: ['number', 'null'] } as const;
const epochMs = (description: string) => ({ type: 'integer', description });

const freshnessSchema = {
  type: 'object',
  description: 'How fresh the answer is: state as of `stateWatermark` (the last step the window workers applied, write buffers included).',
  required: [
    'answeredAt',
    'jobState',
    'watermark',
    'stateWatermark',
    'watermarkLagMs',
    'lastCheckpointAt',
    'checkpointAgeMs',
    'consumerLag',
  ],
  properties: {
    answeredAt: epochMs('wall clock when answered (epoch ms)'),
    jobState: { type: 'string', description: 'created, starting, running, stopping, stopped or failed' },
    watermark: { ...nullableNumber, description: "the job's event-time watermark now (epoch ms); null before the first" },
    stateWatermark: { ...nullableNumber, description: 'the watermark of the state answered (the oldest of the workers asked)' },
    watermarkLagMs: { ...nullableNumber, description: 'answeredAt - watermark' },
    lastCheckpointAt: {
      ...nullableNumber,
      description: 'when the last checkpoint completed (epoch ms); null before the first, and without Kafka',
    },
    checkpointAgeMs: { ...nullableNumber, description: 'answeredAt - lastCheckpointAt' },
    consumerLag: { ...nullableNumber, description: 'records in Kafka not processed yet (all partitions); null when unknown' },
  },
} as const;

const errorSchema = {
  type: 'object',
  required: ['statusCode', 'code', 'error', 'message'],
  properties: {
    statusCode: { type: 'integer' },
    code: {
      type: 'string',
      description:
        'a stable error code: QUERY_BAD_REQUEST, QUERY_UNAUTHORIZED, QUERY_TOO_BROAD, QUERY_RATE_LIMITED, QUERY_UNAVAILABLE, QUERY_TIMEOUT...',
    },
    error: { type: 'string' },
    message: { type: 'string' },
  },
} as const;

const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [c, { ...errorSchema, description: HTTP_DESCRIPTIONS[c] ?? 'error' }]));
const HTTP_DESCRIPTIONS: Record<number, string> = {
  400: 'a bad parameter (the message names it)',
  401: 'SLUICE_QUERY_TOKEN is set and the request has no (or another) bearer token',
  422: 'the query would scan more than SLUICE_QUERY_MAX_SCAN entries in a window worker: refused',
  429: 'over SLUICE_QUERY_RATE_LIMIT requests per second from this address, or too many queries in flight',
  503: 'no job is running (starting, restarting after a failure, stopping)',
  504: 'the window workers did not answer within SLUICE_QUERY_TIMEOUT_MS',
};

const windowInfoProperties = {
  start: epochMs('window start (epoch ms)'),
  end: epochMs('window end (epoch ms, exclusive)'),
  final: { type: 'boolean', description: 'no event can change it any more: the watermark passed end - 1 + the allowed lateness' },
  finalAt: epochMs('the watermark at which it becomes final'),
} as const;

const secured = (token: string | undefined) => (token ? { security: [{ bearer: [] }] } : {});

/** /status's description of one aggregation of a job with several. */
const statusAggregationSchema = {
  type: 'object',
  required: ['name', 'keyName', 'keyDescription', 'windowMs', 'windowType', 'allowedLatenessMs', 'rankFields', 'rankMaps', 'defaultRankBy'],
  properties: {
    name: { type: 'string', description: 'what ?aggregation= names' },
    keyName: { type: 'string', description: 'what its key is' },
    keyDescription: { type: 'string' },
    windowMs: { type: 'integer', description: 'window size (sessions: the gap)' },
    windowType: { type: 'string', enum: ['tumbling', 'sliding', 'session'] },
    slideMs: { type: 'integer', description: 'sliding windows only' },
    allowedLatenessMs: { type: 'integer' },
    rankFields: { type: 'array', items: { type: 'string' }, description: 'numeric result fields `by` may name' },
    rankMaps: { type: 'array', items: { type: 'string' }, description: 'map-valued result fields: `by` may name <field>.<entry>' },
    defaultRankBy: { type: ['string', 'null'] },
  },
} as const;

export async function startQueryServer(options: QueryServerOptions): Promise<QueryServer> {
  const { service, logger } = options;
  const description = service.description;
  /** A job with several aggregations: each one's scope (a job with one: undefined, and nothing below changes for it). */
  const aggregations = service.aggregations;
  const names = aggregations?.map((a) => a.aggregation?.name ?? '') ?? [];
  // Several aggregations: a result is one aggregation's document, told apart by its `aggregation` field.
  const resultSchema: JsonSchema = aggregations
    ? {
        description: `a document of one aggregation of job ${service.job} (the one asked for), as its sinks write it`,
        anyOf: aggregations.map((a) => a.description.resultSchema),
      }
    : description.resultSchema;
  const keyName = aggregations ? 'key' : description.keyName;
  /** The `aggregation` query parameter (jobs with several aggregations), and the field that echoes it in answers. */
  const aggregationParam = aggregations
    ? {
        aggregation: {
          type: 'string',
          maxLength: 200,
          description: `which aggregation, required: one of ${names.join(', ')} (GET /status describes each)`,
        },
      }
    : {};
  const aggregationField = aggregations ? { aggregation: { type: 'string', description: 'the aggregation answered' } } : {};
  /** Required response fields, `aggregation` first when answers carry it. */
  const required = (...fields: string[]) => (aggregations ? ['aggregation', ...fields] : fields);
  const aggregationOf = (query: { aggregation?: string }) => service.scope(query.aggregation);
  const authorized = tokenCheck(options.token);
  const app: FastifyInstance = Fastify({
    logger: false,
    bodyLimit: 1024,
    routerOptions: { maxParamLength: 10_000 },
    requestTimeout: 30_000,
    keepAliveTimeout: 5_000,
    return503OnClosing: true,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, allErrors: false, verbose: true } },
    schemaErrorFormatter: (errs, dataVar) => {
      const e = errs[0];
      const param =
        e?.instancePath.replace(/^\//, '') ||
        (e?.params as { additionalProperty?: string; missingProperty?: string })?.additionalProperty ||
        (e?.params as { missingProperty?: string })?.missingProperty ||
        dataVar;
      const what =
        e?.keyword === 'additionalProperties'
          ? `unknown ${dataVar} parameter (allowed: ${Object.keys((e as { parentSchema?: { properties?: object } }).parentSchema?.properties ?? {}).join(', ') || 'none'})`
          : (e?.message ?? 'invalid');
      return new SluiceError(ErrorCode.QUERY_BAD_REQUEST, `${param}: ${what}`, { details: { param } });
    },
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: `sluice live queries: job ${description.job}`,
        version: options.version ?? 'unknown',
        description: aggregations
          ? `The live state of every window of job "${service.job}", aggregation by aggregation (${names.join(', ')}: every query names one with ?aggregation=, GET /status describes each one's key and windows), read from the window workers' live state (write buffers included). Results have the shape of the documents the aggregation writes (its Elasticsearch and stdout documents). Every answer says how fresh it is.`
          : `The live state of every window of job "${description.job}" (key: ${description.keyDescription}), read from the window workers' live state (write buffers included). Results have the shape of the documents the job writes (its Elasticsearch and stdout documents). Every answer says how fresh it is.`,
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'SLUICE_QUERY_TOKEN' } } },
    },
  });
  if (options.rateLimit > 0) {
    await app.register(rateLimit, {
      global: true,
      max: options.rateLimit,
      timeWindow: 1000,
      errorResponseBuilder: (_req, context) =>
        new SluiceError(
          ErrorCode.QUERY_RATE_LIMITED,
          `over ${context.max} requests per second from this address (SLUICE_QUERY_RATE_LIMIT); retry in ${context.after}`,
        ),
    });
  }

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const config = request.routeOptions.config as { public?: boolean } | undefined;
    if (config?.public || authorized(request.headers.authorization)) return;
    reply.header('www-authenticate', 'Bearer realm="sluice"');
    throw new SluiceError(ErrorCode.QUERY_UNAUTHORIZED, 'a bearer token is required: Authorization: Bearer <SLUICE_QUERY_TOKEN>');
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
  });
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, never the URL (keys are user data) nor a header (the token).
    logger.debug(
      {
        method: request.method,
        route: request.routeOptions.url ?? '(no route)',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'query answered',
    );
  });

  app.setErrorHandler((err: FastifyError | SluiceError, _request, reply) => {
    const code = err instanceof SluiceError ? err.code : undefined;
    let status =
      (code && HTTP_STATUS[code]) || (typeof (err as FastifyError).statusCode === 'number' ? (err as FastifyError).statusCode : 500) || 500;
    if (status < 400) status = 500;
    if (status >= 500 && !code) logger.error({ err: { message: err.message, code: (err as FastifyError).code } }, 'live query failed');
    const body = {
      statusCode: status,
      code:
        code ??
        (status === 400
          ? ErrorCode.QUERY_BAD_REQUEST
          : status === 429
            ? ErrorCode.QUERY_RATE_LIMITED
            : ((err as FastifyError).code ?? ErrorCode.INTERNAL)),
      error: statusText(status),
      message: status >= 500 && !code ? "internal error (see the daemon's log)" : err.message,
    };
    if (status === 503 || status === 429) reply.header('retry-after', '1');
    void reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({
      statusCode: 404,
      code: 'NOT_FOUND',
      error: 'Not Found',
      message: `no ${request.method} ${request.url.split('?')[0]?.slice(0, 100)}: see /openapi.json (GET /status, /windows, /keys/{key}/windows, /windows/{start}/keys, /windows/{start}/top)`,
    });
  });

  app.get('/', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
    void reply
      .type('text/html; charset=utf-8')
      .header(
        'content-security-policy',
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      )
      .header('referrer-policy', 'no-referrer');
    return PAGE_HTML;
  });

  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());

  app.get(
    '/status',
    {
      schema: {
        summary: 'The job, what its API accepts, and how fresh answers are now',
        ...secured(options.token),
        response: {
          200: {
            type: 'object',
            required: ['job', 'answering', 'limits', 'freshness'],
            properties: {
              job: {
                type: 'object',
                properties: {
                  name: { type: 'string' },
                  keyName: { type: 'string', description: 'what the key is' },
                  windowMs: { type: 'integer', description: 'window size (sessions: the gap)' },
                  windowType: { type: 'string', enum: ['tumbling', 'sliding', 'session'] },
                  slideMs: { type: 'integer', description: 'sliding windows only' },
                  allowedLatenessMs: { type: 'integer' },
                  workers: { type: 'integer' },
                  rankFields: { type: 'array', items: { type: 'string' }, description: 'numeric result fields `by` may name' },
                  rankMaps: {
                    type: 'array',
                    items: { type: 'string' },
                    description: 'map-valued result fields: `by` may name <field>.<entry>',
                  },
                  defaultRankBy: { type: ['string', 'null'] },
                  aggregations: {
                    type: 'array',
                    items: statusAggregationSchema,
                    description:
                      'a job with several aggregations: each one (name its `name` with ?aggregation= in every query); the job then has no keyName, window or ranking of its own',
                  },
                },
              },
              answering: { type: 'boolean', description: 'a job is running and answers queries' },
              limits: { type: 'object', properties: { maxScan: { type: 'integer' }, timeoutMs: { type: 'integer' } } },
              freshness: freshnessSchema,
            },
          },
          ...errors(401, 429),
        },
      },
    },
    () => service.status(),
  );

  app.get<{ Querystring: { aggregation?: string } }>(
    '/windows',
    {
      schema: {
        summary: 'The windows held in state (open, and fired ones kept for the allowed lateness), and the current one',
        ...secured(options.token),
        ...(aggregations ? { querystring: { type: 'object', additionalProperties: false, properties: aggregationParam } } : {}),
        response: {
          200: {
            type: 'object',
            required: required('windows', 'current', 'freshness'),
            properties: {
              ...aggregationField,
              windows: { type: 'array', items: { type: 'object', properties: windowInfoProperties } },
              current: { ...nullableNumber, description: 'start of the window holding the watermark (the next to fire)' },
              freshness: freshnessSchema,
            },
          },
          ...errors(401, 429, 503, 504),
        },
      },
    },
    (request) => service.windows(aggregationOf(request.query)),
  );

  app.get<{ Params: { key: string }; Querystring: { from?: string; to?: string; aggregation?: string } }>(
    '/keys/:key/windows',
    {
      schema: {
        summary: `One ${keyName}'s windows: open ones with their current result, fired ones still held (allowed lateness), each marked final or not`,
        ...secured(options.token),
        params: {
          type: 'object',
          required: ['key'],
          properties: {
            key: {
              type: 'string',
              minLength: 1,
              maxLength: LIMITS.maxKeyChars,
              description: `${aggregations ? "the aggregation's key" : description.keyDescription} (one URL-encoded path segment)`,
            },
          },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            from: { type: 'string', maxLength: 40, description: 'windows ending after this time: epoch ms or ISO 8601 (default: all)' },
            to: { type: 'string', maxLength: 40, description: 'windows starting before this time: epoch ms or ISO 8601 (default: all)' },
            ...aggregationParam,
          },
        },
        response: {
          200: {
            type: 'object',
            required: required('key', 'from', 'to', 'windows', 'freshness'),
            properties: {
              ...aggregationField,
              key: { type: 'string' },
              from: { type: 'integer' },
              to: { type: 'integer' },
              windows: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['start', 'end', 'fired', 'final', 'finalAt', 'result'],
                  properties: {
                    ...windowInfoProperties,
                    fired: { type: 'boolean', description: 'the result went to the sinks; held for lateness corrections' },
                    result: resultSchema,
                  },
                },
              },
              freshness: freshnessSchema,
            },
          },
          ...errors(400, 401, 429, 503, 504),
        },
      },
    },
    (request) => {
      const scope = aggregationOf(request.query);
      const key = parseKey(request.params.key);
      const { from, to } = parseRange(request.query.from, request.query.to);
      return service.keyWindows(key, from, to, scope);
    },
  );

  const startParam = {
    type: 'object',
    required: ['start'],
    properties: {
      start: {
        type: 'string',
        maxLength: 20,
        pattern: '^-?[0-9]+$',
        description: aggregations
          ? `window start, epoch ms (a multiple of the aggregation's window size, of its slide for sliding windows, any for sessions: ${aggregations.map((a) => `${a.aggregation?.name} ${a.startAlignMs}`).join(', ')})`
          : `window start, epoch ms (a multiple of ${service.startAlignMs})`,
      },
    },
  } as const;

  app.get<{ Params: { start: string }; Querystring: { cursor?: string; limit?: string; aggregation?: string } }>(
    '/windows/:start/keys',
    {
      schema: {
        summary: "A window's keys with their current results, in key order, paged with a cursor",
        ...secured(options.token),
        params: startParam,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            cursor: { type: 'string', maxLength: 4096, description: 'nextCursor of the previous page' },
            limit: { type: 'string', maxLength: 10, description: `keys per page, 1 to ${LIMITS.maxPage} (default ${LIMITS.defaultPage})` },
            ...aggregationParam,
          },
        },
        response: {
          200: {
            type: 'object',
            required: required('window', 'limit', 'keys', 'nextCursor', 'scanned', 'freshness'),
            properties: {
              ...aggregationField,
              window: { type: 'object', properties: windowInfoProperties },
              limit: { type: 'integer' },
              keys: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['key', 'fired', 'result'],
                  properties: { key: { type: 'string' }, fired: { type: 'boolean' }, result: resultSchema },
                },
              },
              nextCursor: { type: ['string', 'null'], description: 'null on the last page' },
              scanned: { type: 'integer', description: 'entries the workers scanned for this page' },
              freshness: freshnessSchema,
            },
          },
          ...errors(400, 401, 422, 429, 503, 504),
        },
      },
    },
    (request) => {
      // The aggregation first: where its windows start depends on it.
      const scope = aggregationOf(request.query);
      const start = parseWindowStart(request.params.start, scope.startAlignMs);
      return service.windowKeys(
        start,
        parseCursor(request.query.cursor, start, scope.aggregation?.name),
        parseLimit(request.query.limit),
        scope,
      );
    },
  );

  const byChoicesOf = (d: typeof description) => [...d.rankFields, ...d.rankMaps.map((m) => `${m}.<name>`)].join(', ') || '(none)';
  const byDescription = aggregations
    ? `what to rank by, per aggregation: ${aggregations
        .map(
          (a) =>
            `${a.aggregation?.name}: one of ${byChoicesOf(a.description)}${a.description.defaultRankBy ? ` (default ${a.description.defaultRankBy})` : ''}`,
        )
        .join('; ')}`
    : `one of ${byChoicesOf(description)}${description.defaultRankBy ? ` (default ${description.defaultRankBy})` : ''}`;
  app.get<{ Params: { start: string }; Querystring: { by?: string; n?: string; aggregation?: string } }>(
    '/windows/:start/top',
    {
      schema: {
        summary: `A window's top N ${keyName}s by a numeric field of the result`,
        ...secured(options.token),
        params: startParam,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            by: { type: 'string', maxLength: 300, description: byDescription },
            n: { type: 'string', maxLength: 10, description: `how many, 1 to ${LIMITS.maxTop} (default ${LIMITS.defaultTop})` },
            ...aggregationParam,
          },
        },
        response: {
          200: {
            type: 'object',
            required: required('window', 'by', 'n', 'top', 'scanned', 'freshness'),
            properties: {
              ...aggregationField,
              window: { type: 'object', properties: windowInfoProperties },
              by: { type: 'string' },
              n: { type: 'integer' },
              top: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['rank', 'key', 'value', 'fired', 'result'],
                  properties: {
                    rank: { type: 'integer' },
                    key: { type: 'string' },
                    value: { type: ['number', 'null'] },
                    fired: { type: 'boolean' },
                    result: resultSchema,
                  },
                },
              },
              scanned: { type: 'integer' },
              freshness: freshnessSchema,
            },
          },
          ...errors(400, 401, 422, 429, 503, 504),
        },
      },
    },
    (request) => {
      const scope = aggregationOf(request.query);
      const start = parseWindowStart(request.params.start, scope.startAlignMs);
      return service.windowTop(start, parseBy(request.query.by, scope.description), parseTopN(request.query.n), scope);
    },
  );

  try {
    await app.listen({ port: options.port, host: options.host });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    await app.close().catch(() => undefined);
    throw new SluiceError(
      ErrorCode.QUERY_SERVER_FAILED,
      e.code === 'EADDRINUSE'
        ? `cannot serve live queries on ${options.host}:${options.port}: the port is in use (set SLUICE_QUERY_PORT to a free port, or 0 to turn the API off)`
        : `cannot serve live queries on ${options.host}:${options.port}: ${e.message}`,
      { details: { host: options.host, port: options.port } },
    );
  }
  const address = app.server.address() as AddressInfo;
  app.server.unref();
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    port: address.port,
    url: `http://${host}:${address.port}`,
    close: () => (closing ??= app.close()),
  };
}

function statusText(status: number): string {
  switch (status) {
    case 400:
      return 'Bad Request';
    case 401:
      return 'Unauthorized';
    case 404:
      return 'Not Found';
    case 413:
      return 'Payload Too Large';
    case 422:
      return 'Unprocessable Content';
    case 429:
      return 'Too Many Requests';
    case 503:
      return 'Service Unavailable';
    case 504:
      return 'Gateway Timeout';
    default:
      return status >= 500 ? 'Internal Server Error' : 'Error';
  }
}
