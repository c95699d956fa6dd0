/** Scrape a daemon's /metrics and read values by name and labels. */
import { parsePrometheusText, type Sample } from '../../src/telemetry/status-command.js';

export class Scraped {
  constructor(readonly samples: Sample[]) {}
  value(name: string, labels: Record<string, string> = {}): number | undefined {
    return this.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
  }
  all(name: string): Sample[] {
    return this.samples.filter((s) => s.name === name);
  }
  sum(name: string): number {
    return this.all(name).reduce((a, s) => a + s.value, 0);
  }
}

export async function scrape(port: number): Promise<Scraped | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) return undefined;
    return new Scraped(parsePrometheusText(await res.text()));
  } catch {
    return undefined;
  }
}

export async function scrapeText(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5_000) });
  return res.text();
}
