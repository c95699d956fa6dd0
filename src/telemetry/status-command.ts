/**
 * `sluice status`: ask a running daemon's endpoint (127.0.0.1:SLUICE_METRICS_PORT) how it is doing
 * and print it for a person: state, events/s, watermark, open windows, last checkpoint, lag,
 * backpressure, sinks. Rates come from two scrapes `intervalMs` apart.
 */
import { METRIC_NAMES as M } from './metrics.js';
import { formatWatermark } from './status.js';
import { maskUrlsInText } from '../url-credentials.js';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parse the Prometheus text format (what /metrics serves); comments and malformed lines are skipped. */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    const body = m[3] ?? '';
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
    for (let l = re.exec(body); l; l = re.exec(body))
      labels[l[1] as string] = (l[2] as string).replace(/\\"/g, '"').replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
    const v = m[4] as string;
    const value = v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : Number(v);
    samples.push({ name: m[1] as string, labels, value });
  }
  return samples;
}

class Scrape {
  constructor(readonly samples: Sample[]) {}
  all(name: string): Sample[] {
    return this.samples.filter((s) => s.name === name);
  }
  sum(name: string): number | undefined {
    const found = this.all(name);
    return found.length === 0 ? undefined : found.reduce((a, s) => a + s.value, 0);
  }
  one(name: string, labels: Record<string, string> = {}): number | undefined {
    return this.all(name).find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
  }
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');

function ago(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'never';
  if (seconds < 1) return 'just now';
  if (seconds < 120) return `${Math.round(seconds)} s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min ago`;
  return `${(seconds / 3600).toFixed(1)} h ago`;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'n/a';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** The human report from two scrapes `seconds` apart, and what /readyz said. */
export function formatStatusReport(
  first: Sample[],
  second: Sample[],
  seconds: number,
  readiness: { ok: boolean; detail: string },
  url: string,
): string {
  const a = new Scrape(first);
  const b = new Scrape(second);
  const rate = (name: string) => ((b.sum(name) ?? 0) - (a.sum(name) ?? 0)) / seconds;
  const state = b.all(M.daemonState).find((s) => s.value === 1)?.labels.state ?? 'unknown';
  const lines: string[] = [];
  const row = (label: string, text: string) => lines.push(`  ${label.padEnd(13)}${text}`);

  lines.push(`sluice at ${maskUrlsInText(url)}`);
  row('state', `${state}, ${readiness.ok ? 'ready' : 'NOT ready'}: ${readiness.detail}`);
  row(
    'throughput',
    `${n(rate(M.recordsIn))} events/s in, ${n(rate(M.resultsOut))} results/s out (over ${seconds.toFixed(1)} s); ` +
      `${n(b.sum(M.recordsIn) ?? 0)} records so far, ${n(b.sum(M.deadLetters) ?? 0)} dead letters, ${n(b.sum(M.lateEvents) ?? 0)} late`,
  );
  const wm = b.one(M.watermark);
  const wmLag = b.one(M.watermarkLag);
  row(
    'watermark',
    wm === undefined || !Number.isFinite(wm)
      ? 'none yet'
      : `${formatWatermark(wm * 1000).replace(/\.\d{3}Z$/, 'Z')} (${duration(wmLag ?? NaN)} behind the clock)`,
  );
  row('windows', `${n(b.sum(M.openWindows) ?? 0)} open, ${n(b.sum(M.windowsFired) ?? 0)} fired`);

  const completed = b.sum(M.checkpointsCompleted) ?? 0;
  const failures = b.sum(M.checkpointFailures) ?? 0;
  const age = b.one(M.checkpointAge);
  if (age === undefined) {
    row('checkpoint', 'none (embedded generator: nothing to commit)');
  } else if (completed === 0) {
    row('checkpoint', `none completed yet (started ${duration(age)} ago); ${n(failures)} failed`);
  } else {
    const count = b.sum(`${M.checkpointDuration}_count`) ?? 0;
    const total = b.sum(`${M.checkpointDuration}_sum`) ?? 0;
    const avg = count > 0 ? total / count : NaN;
    row(
      'checkpoint',
      `last completed ${ago(age)}, ${n(completed)} completed (avg ${duration(avg)}), ${n(failures)} failed, last ${n(b.one(M.checkpointSize) ?? 0)} bytes`,
    );
  }

  const lags = b.all(M.consumerLag).sort((x, y) => Number(x.labels.partition) - Number(y.labels.partition));
  if (lags.length > 0) {
    const total = lags.reduce((s, l) => s + l.value, 0);
    const parts = lags
      .slice(0, 12)
      .map((l) => `p${l.labels.partition} ${n(l.value)}`)
      .join(', ');
    row('consumer lag', `${n(total)} records (${parts}${lags.length > 12 ? ', ...' : ''})`);
  }

  const busy = rate(M.backpressure);
  row(
    'backpressure',
    `${Math.round(Math.min(1, Math.max(0, busy)) * 100)}% of the last ${seconds.toFixed(1)} s waiting on sinks (${duration(b.sum(M.backpressure) ?? 0)} in total)`,
  );
  const sinks = [...new Set(b.all(M.sinkResults).map((s) => s.labels.sink as string))];
  const sinkTexts: string[] = [];
  for (const sink of sinks) {
    const buffered = (b.one(M.sinkBuffered, { sink }) ?? 0) + (b.one(M.sinkInFlight, { sink }) ?? 0);
    const capacity = b.one(M.sinkCapacity, { sink });
    const retries = b.one(M.sinkRetries, { sink });
    const perSecond = ((b.one(M.sinkResults, { sink }) ?? 0) - (a.one(M.sinkResults, { sink }) ?? 0)) / seconds;
    const parts = [`${n(perSecond)} items/s`];
    if (capacity !== undefined) parts.push(`buffer ${n(buffered)}/${n(capacity)}`);
    if (retries !== undefined) parts.push(`${n(retries)} retries`);
    sinkTexts.push(`${sink} ${parts.join(', ')}`);
  }
  if (sinkTexts.length > 0) row('sinks', sinkTexts.join('; '));
  const rss = b.one('process_resident_memory_bytes');
  const heap = b.one('nodejs_heap_size_used_bytes');
  const loop = b.one(M.eventLoopDelay, { thread: 'main', stat: 'p99' });
  if (rss !== undefined || heap !== undefined) {
    row(
      'memory',
      `${rss !== undefined ? `${n(rss / 1048576)} MiB resident` : ''}${heap !== undefined ? `, ${n(heap / 1048576)} MiB heap used` : ''}${loop !== undefined ? `; event-loop delay p99 ${duration(loop)}` : ''}`,
    );
  }
  const restarts = b.sum(M.workerRestarts);
  if (restarts) row('restarts', `${n(restarts)} worker restarts`);
  return lines.join('\n') + '\n';
}

export async function runStatus(url: string, intervalMs: number, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const base = url.replace(/\/+$/, '');
  const get = async (path: string) => {
    const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(5_000) });
    return { status: res.status, text: await res.text() };
  };
  let first: Sample[];
  try {
    first = parsePrometheusText((await get('/metrics')).text);
  } catch (err) {
    process.stderr.write(
      maskUrlsInText(
        `sluice status: no daemon answers at ${base} (${err instanceof Error ? err.message : String(err)}); is it running, with SLUICE_METRICS_PORT set to this port?\n`,
      ),
    );
    return 1;
  }
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, intervalMs));
  const second = parsePrometheusText((await get('/metrics')).text);
  const seconds = (performance.now() - t0) / 1000;
  const ready = await get('/readyz');
  const detail = ready.text.trim().replace(/^(not ok|ok):\s*/, '');
  out.write(formatStatusReport(first, second, seconds, { ok: ready.status === 200, detail }, base));
  return 0;
}
