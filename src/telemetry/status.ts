/** The one-line status a person reads at a glance (stderr in the embedded default). */
import type { PipelineStats } from '../streams/runtime/pipeline.js';

const n = (x: number) => Math.round(x).toLocaleString('en-US');

export function formatWatermark(watermark: number): string {
  if (watermark === Number.NEGATIVE_INFINITY) return 'none yet';
  if (watermark === Number.POSITIVE_INFINITY) return 'end of input';
  return new Date(watermark).toISOString().replace('.000Z', 'Z');
}

export function formatStatus(stats: PipelineStats, eventsPerSecond: number): string {
  return [
    'sluice',
    `${n(stats.recordsIn)} records (${n(eventsPerSecond)}/s)`,
    `${n(stats.deadLetters)} dead letters`,
    `${n(stats.lateEvents)} late`,
    `watermark ${formatWatermark(stats.watermark)}`,
    `${n(stats.openWindows)} open windows`,
    `${n(stats.resultsOut)} results`,
  ].join(' | ');
}
