/**
 * Summarise a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by source file,
 * so a bench run can say where the time goes without opening DevTools.
 *
 * usage (standalone): node dist/bench/lib/cpu-profile.js <file.cpuprofile> [top]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Every script URL the profile saw: tells a window worker's profile from the main thread's. */
  urls: Set<string>;
  /** Self time of the (idle) pseudo-frame: the thread waited for work. */
  idleMs: number;
  byFunction: SelfTime[];
  byFile: SelfTime[];
}

/** A short name for where code lives: a package, a file of ours, or a V8/Node pseudo-frame. */
function whereOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + 'node_modules/'.length).split('/');
    const pkg = rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    return `${pkg}/${rest.slice(pkg?.startsWith('@') ? 2 : 1).join('/')}`;
  }
  const dist = path.lastIndexOf('/dist/');
  if (dist >= 0) return path.slice(dist + '/dist/'.length);
  return path;
}

export function summariseProfile(file: string): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number;
    // The delta before the next sample is the time attributed to this one.
    const dt = profile.timeDeltas[i + 1] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, dt));
  }
  const fn = new Map<string, number>();
  const files = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = whereOf(url, functionName);
    const name = url ? `${functionName || '(anonymous)'}  ${where}:${lineNumber + 1}` : functionName || '(anonymous)';
    fn.set(name, (fn.get(name) ?? 0) + us);
    files.set(where, (files.get(where) ?? 0) + us);
    total += us;
  }
  const rank = (m: Map<string, number>): SelfTime[] =>
    [...m].map(([name, us]) => ({ name, ms: us / 1000, share: total > 0 ? us / total : 0 })).sort((a, b) => b.ms - a.ms);
  const urls = new Set(profile.nodes.map((n) => n.callFrame.url).filter((u) => u !== ''));
  return { totalMs: total / 1000, urls, idleMs: (fn.get('(idle)') ?? 0) / 1000, byFunction: rank(fn), byFile: rank(files) };
}

/**
 * Which thread a `node --cpu-prof` file is from: its name is CPU.<date>.<time>.<pid>.<threadId>.<seq>.cpuprofile,
 * thread 0 being the main thread.
 */
export function profileThreadId(file: string): number | undefined {
  const m = /\.(\d+)\.(\d+)\.(\d+)\.cpuprofile$/.exec(file);
  return m ? Number(m[2]) : undefined;
}

export function formatSummary(summary: ProfileSummary, top = 25, label = 'the main thread'): string {
  const row = (s: SelfTime) => `  ${s.ms.toFixed(0).padStart(8)} ms ${(s.share * 100).toFixed(1).padStart(5)}%  ${s.name}`;
  return [
    `profiled ${(summary.totalMs / 1000).toFixed(1)} s of ${label}: busy ${((summary.totalMs - summary.idleMs) / 1000).toFixed(1)} s, (idle) ${(summary.idleMs / 1000).toFixed(1)} s (shares below are of the whole profile)`,
    `top ${top} functions by self time:`,
    ...summary.byFunction.slice(0, top).map(row),
    `top ${Math.min(15, top)} files/packages by self time:`,
    ...summary.byFile.slice(0, Math.min(15, top)).map(row),
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: cpu-profile <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  process.stdout.write(formatSummary(summariseProfile(file), Number(top ?? 25)) + '\n');
}
