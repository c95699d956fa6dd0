/**
 * OpenTelemetry tracing, configured the standard way (OTEL_* variables) and off unless asked for.
 *
 * On when OTEL_TRACES_EXPORTER names an exporter (otlp, zipkin, console) or an OTLP endpoint is set
 * (OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), and OTEL_SDK_DISABLED is not
 * true. Off, the SDK is not even loaded and every helper here returns after one boolean check, so
 * tracing off costs nothing measurable (bench/tracing-overhead.ts). sluice's metrics are Prometheus
 * (/metrics) and its logs pino: the SDK's own metric and log pipelines are not started.
 *
 * Spans: `process <topic>` per consumed batch (links to the producers' contexts from `traceparent`
 * headers, W3C propagation), `parse` (decode + validate the batch), `window fire` (links to the
 * sampled events counted in the windows it fires), `bulk <index>` (Elasticsearch) and
 * `pipeline SET` (Redis) linking the firings whose results they carry, and `checkpoint`.
 * A window aggregates many events, so the chain from an event to the bulk that wrote its window
 * is made of links, not parent/child: event --link-- window fire --link-- bulk.
 *
 * Threads: the SDK's globals are per thread, and only the main thread starts it: every traced step
 * (batch, parse, counting, firing, sink writes, checkpoints) runs there, the window workers trace
 * nothing. A record's context travels inside the main thread as a TraceCarrier (two strings, made
 * by carrierOf(), turned back into a context by contextOf()), which could also cross a thread
 * boundary as is should a worker ever trace.
 */
import {
  context,
  createTraceState,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanContext,
  type Tracer,
} from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Logger } from './logging.js';
import { importModule } from '../import-module.js';

/** A span context, as a sink item keeps it. */
export type SpanContextRef = SpanContext;

/** W3C trace context as strings: what Kafka headers and thread messages carry. */
export interface TraceCarrier {
  traceparent: string;
  tracestate?: string;
}

/** The SDK keeps at most 128 links per span by default (OTEL_SPAN_LINK_COUNT_LIMIT). */
export const MAX_LINKS = 128;

let enabled = false;
let tracer: Tracer = trace.getTracer('sluice');

export function tracingEnabled(): boolean {
  return enabled;
}

export interface TracingHandle {
  enabled: boolean;
  /** Flush spans still buffered, then stop the SDK. */
  shutdown(): Promise<void>;
}

/** Whether the OTEL_* variables ask for traces. */
export function tracingRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  if (/^(true|1)$/i.test(env.OTEL_SDK_DISABLED?.trim() ?? '')) return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.length > 0 && s !== 'null');
  if (exporters.length > 0) return !(exporters.length === 1 && exporters[0] === 'none');
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

/**
 * Start this thread's tracer provider (NodeSDK, configured by OTEL_* variables) if tracing is
 * requested, or with the given span processors (tests, benches). Call before anything is traced.
 */
export async function startTracing(
  options: { logger?: Logger; version?: string; spanProcessors?: SpanProcessor[]; env?: NodeJS.ProcessEnv } = {},
): Promise<TracingHandle> {
  const env = options.env ?? process.env;
  if (!options.spanProcessors && !tracingRequested(env)) return { enabled: false, shutdown: async () => undefined };
  // Loaded only when used: the SDK and its exporters take a while to import.
  const { NodeSDK } = await importModule<typeof import('@opentelemetry/sdk-node')>('@opentelemetry/sdk-node');
  const named = Boolean(env.OTEL_SERVICE_NAME) || /(^|,)\s*service\.name\s*=/.test(env.OTEL_RESOURCE_ATTRIBUTES ?? '');
  const sdk = new NodeSDK({
    ...(named ? {} : { serviceName: 'sluice' }),
    ...(options.spanProcessors ? { spanProcessors: options.spanProcessors } : {}),
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  enabled = true;
  tracer = trace.getTracer('sluice', options.version);
  options.logger?.info(
    {
      exporter: options.spanProcessors ? 'in-process' : (env.OTEL_TRACES_EXPORTER ?? 'otlp'),
      endpoint: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT,
    },
    'OpenTelemetry tracing is on',
  );
  let stopped: Promise<void> | undefined;
  return {
    enabled: true,
    shutdown: () => {
      stopped ??= (async () => {
        enabled = false;
        await sdk.shutdown();
        trace.disable();
        context.disable();
        propagation.disable();
      })();
      return stopped;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// carriers

/** The trace carrier of Kafka headers (kafkajs gives Buffers or strings), if there is one. */
export function carrierFromHeaders(headers: Record<string, unknown> | undefined): TraceCarrier | undefined {
  const parent = headers?.traceparent;
  if (parent === undefined || parent === null) return undefined;
  const traceparent = headerString(parent);
  if (!traceparent) return undefined;
  const state = headerString(headers?.tracestate);
  return state ? { traceparent, tracestate: state } : { traceparent };
}

function headerString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('latin1');
  if (Array.isArray(value) && value.length > 0) return headerString(value[0]);
  return undefined;
}

/** The carrier of a context (to send with a thread message or a Kafka record). */
export function carrierOf(ctx: Context = context.active()): TraceCarrier | undefined {
  if (!enabled) return undefined;
  const out: Record<string, string> = {};
  propagation.inject(ctx, out);
  return out.traceparent
    ? out.tracestate
      ? { traceparent: out.traceparent, tracestate: out.tracestate }
      : { traceparent: out.traceparent }
    : undefined;
}

/** The context a carrier describes (remote parent), on this thread. */
export function contextOf(carrier: TraceCarrier | undefined, base: Context = ROOT_CONTEXT): Context {
  const sc = spanContextOf(carrier);
  return sc ? trace.setSpanContext(base, sc) : base;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * The remote span context in a carrier, when it is valid (W3C Trace Context, parsed here so it
 * does not depend on which propagators OTEL_PROPAGATORS installs: the carrier is W3C by definition).
 */
export function spanContextOf(carrier: TraceCarrier | undefined): SpanContext | undefined {
  if (!carrier) return undefined;
  const m = TRACEPARENT.exec(carrier.traceparent.trim());
  if (!m || m[1] === 'ff' || (m[1] === '00' && m[5] !== undefined)) return undefined;
  const sc: SpanContext = {
    traceId: m[2] as string,
    spanId: m[3] as string,
    traceFlags: Number.parseInt(m[4] as string, 16) & 0xff,
    isRemote: true,
  };
  if (!trace.isSpanContextValid(sc)) return undefined;
  if (carrier.tracestate) sc.traceState = createTraceState(carrier.tracestate);
  return sc;
}

/** The span context active here, for a sink item to remember which firing produced it. */
export function activeSpanContext(): SpanContext | undefined {
  if (!enabled) return undefined;
  return trace.getSpanContext(context.active());
}

// ---------------------------------------------------------------------------------------------
// spans

/** Links to distinct span contexts, at most MAX_LINKS; `dropped` says how many did not fit. */
export class LinkSet {
  private readonly seen = new Set<string>();
  readonly links: Link[] = [];
  dropped = 0;

  add(sc: SpanContext | undefined): void {
    if (!sc) return;
    const id = sc.spanId;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    if (this.links.length >= MAX_LINKS) {
      this.dropped++;
      return;
    }
    this.links.push({ context: sc });
  }
}

export interface SourceBatchLike {
  topic: string;
  partition: number;
  records: ReadonlyArray<{ offset: string; trace?: TraceCarrier | undefined }>;
}

/** The span of one consumed batch, linked to its records' producer contexts. Undefined when off. */
export function startBatchSpan(batch: SourceBatchLike): { span: Span; context: Context } | undefined {
  if (!enabled) return undefined;
  const links = new LinkSet();
  for (const r of batch.records) if (r.trace) links.add(spanContextOf(r.trace));
  const first = batch.records[0]?.offset;
  const last = batch.records[batch.records.length - 1]?.offset;
  const span = tracer.startSpan(
    `process ${batch.topic}`,
    {
      kind: SpanKind.CONSUMER,
      links: links.links,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.destination.name': batch.topic,
        'messaging.destination.partition.id': String(batch.partition),
        'messaging.batch.message_count': batch.records.length,
        ...(first !== undefined ? { 'sluice.offset.first': first } : {}),
        ...(last !== undefined ? { 'sluice.offset.last': last } : {}),
        ...(links.dropped > 0 ? { 'sluice.links.dropped': links.dropped } : {}),
      },
    },
    ROOT_CONTEXT,
  );
  return { span, context: trace.setSpan(context.active(), span) };
}

/** Run `fn` in a child span of the active context (synchronous work). `fn` runs plainly when off. */
export function inSpan<T>(name: string, attributes: Attributes, fn: () => T): T {
  if (!enabled) return fn();
  const span = tracer.startSpan(name, { attributes });
  try {
    return context.with(trace.setSpan(context.active(), span), fn);
  } finally {
    span.end();
  }
}

/** Run async `fn` in a child span; errors mark the span (by code, never by message: it may hold secrets). */
export async function inSpanAsync<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span | undefined) => Promise<T>,
  links?: Link[],
): Promise<T> {
  if (!enabled) return fn(undefined);
  const span = tracer.startSpan(name, { attributes, ...(links ? { links } : {}) });
  try {
    return await context.with(trace.setSpan(context.active(), span), () => fn(span));
  } catch (err) {
    markError(span, err);
    throw err;
  } finally {
    span.end();
  }
}

export function markError(span: Span, err: unknown): void {
  const code = (err as { code?: unknown } | null)?.code;
  const type = typeof code === 'string' ? code : err instanceof Error ? err.name : 'Error';
  span.setAttribute('error.type', type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
}

export function startSpan(
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes; links?: Link[] },
  parent: Context = context.active(),
): Span | undefined {
  if (!enabled) return undefined;
  return tracer.startSpan(name, options, parent);
}

export { SpanKind, SpanStatusCode, context as otelContext, trace as otelTrace };

/**
 * Wrap a sink's batch send so each attempt is a client span linked to the firings that produced
 * its items (each item remembers `trace`, the span context active when it was written).
 */
export function traceSinkSend<T extends { trace?: SpanContext | undefined }, R extends { retry: readonly unknown[]; reason?: string }>(
  name: string,
  attributes: Attributes,
  send: (batch: readonly T[], signal: AbortSignal) => Promise<R>,
): (batch: readonly T[], signal: AbortSignal) => Promise<R> {
  return async (batch, signal) => {
    if (!enabled) return send(batch, signal);
    const links = new LinkSet();
    for (const item of batch) links.add(item.trace);
    const span = tracer.startSpan(
      name,
      {
        kind: SpanKind.CLIENT,
        links: links.links,
        attributes: {
          ...attributes,
          'db.operation.batch.size': batch.length,
          ...(links.dropped > 0 ? { 'sluice.links.dropped': links.dropped } : {}),
        },
      },
      ROOT_CONTEXT,
    );
    try {
      const outcome = await send(batch, signal);
      if (outcome.retry.length > 0) {
        span.setAttribute('sluice.retry.count', outcome.retry.length);
        span.setStatus({ code: SpanStatusCode.ERROR, message: `${outcome.retry.length} not acknowledged; retried` });
      }
      return outcome;
    } catch (err) {
      markError(span, err);
      throw err;
    } finally {
      span.end();
    }
  };
}

/**
 * Which sampled events went into which open window, so a window's firing can link to them.
 * Bounded: at most `perWindow` links per window and `maxWindows` windows remembered; what does not
 * fit is counted, never kept. Only sampled contexts are kept (the producer chose to trace them).
 */
export class WindowTraceIndex {
  private readonly byStart = new Map<number, Map<string, SpanContext[]>>();
  private size = 0;
  dropped = 0;

  constructor(
    private readonly perWindow = 8,
    private readonly maxWindows = 100_000,
  ) {}

  add(carrier: TraceCarrier, key: string, windowStart: number): void {
    const sc = spanContextOf(carrier);
    if (!sc || (sc.traceFlags & TraceFlags.SAMPLED) === 0) return;
    let keys = this.byStart.get(windowStart);
    if (!keys) {
      keys = new Map();
      this.byStart.set(windowStart, keys);
    }
    let list = keys.get(key);
    if (!list) {
      if (this.size >= this.maxWindows) {
        this.dropped++;
        return;
      }
      list = [];
      keys.set(key, list);
      this.size++;
    }
    if (list.length >= this.perWindow) {
      this.dropped++;
      return;
    }
    list.push(sc);
  }

  /** The contexts counted into one window; forgets them (a re-firing links only what came after). */
  take(key: string, windowStart: number): SpanContext[] {
    const keys = this.byStart.get(windowStart);
    const list = keys?.get(key);
    if (!keys || !list) return [];
    keys.delete(key);
    this.size--;
    if (keys.size === 0) this.byStart.delete(windowStart);
    return list;
  }

  /** Forget windows that can no longer fire (start before `start`). */
  forgetBefore(start: number): void {
    for (const [s, keys] of this.byStart) {
      if (s < start) {
        this.size -= keys.size;
        this.byStart.delete(s);
      }
    }
  }

  get windows(): number {
    return this.size;
  }
}
