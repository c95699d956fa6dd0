/**
 * What Linux's /proc says about a process and the machine: peak and current RSS, CPU seconds, and
 * the whole machine's busy CPU time (to see whether something else was running during a mode).
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** A field of /proc/<pid>/status in KiB (VmHWM = peak RSS, VmRSS = current), or undefined. */
export function statusKiB(pid: number, field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** User + system CPU seconds of a process (all its threads) so far, or undefined. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: fields are counted after its closing paren.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
  } catch {
    return undefined;
  }
}

/**
 * User + system CPU seconds of each thread of a process, largest first; the main thread is the one
 * whose tid is the pid. (Node 20 names every thread "node", so tids are all there is to tell them apart.)
 */
export function threadCpuSeconds(pid: number): Array<{ tid: number; main: boolean; cpuS: number }> {
  const threads: Array<{ tid: number; main: boolean; cpuS: number }> = [];
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return threads;
  }
  for (const tid of tids) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      threads.push({ tid: Number(tid), main: Number(tid) === pid, cpuS: (Number(fields[11]) + Number(fields[12])) / ticksPerSecond() });
    } catch {
      // the thread ended meanwhile
    }
  }
  return threads.sort((a, b) => b.cpuS - a.cpuS);
}

/**
 * The disk a directory tree takes: `allocated` as du counts it (blocks, so sparse files count only
 * what they hold) and `apparent` (file lengths). Sub-millisecond for a state directory of a few files.
 */
export function diskUsage(path: string): { allocated: number; apparent: number } {
  let allocated = 0;
  let apparent = 0;
  const walk = (p: string) => {
    let st;
    try {
      st = lstatSync(p);
    } catch {
      return;
    }
    allocated += st.blocks * 512;
    if (st.isDirectory()) {
      let entries: string[] = [];
      try {
        entries = readdirSync(p);
      } catch {
        return;
      }
      for (const e of entries) walk(join(p, e));
    } else apparent += st.size;
  };
  walk(path);
  return { allocated, apparent };
}

/** Busy CPU seconds of the whole machine, summed over cores (everything but idle and iowait). */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] as string;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = v;
  return (user + nice + system + irq + softirq + steal) / ticksPerSecond();
}

/** The pid of the first process whose command line contains `needle` (e.g. the Kafka broker). */
export function findPid(needle: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.includes(needle)) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** Samples a process's RSS every `everyMs`, keeping the largest (a cross-check of VmHWM). */
export class RssSampler {
  private timer: NodeJS.Timeout;
  maxKiB = 0;

  constructor(
    private readonly pid: number,
    everyMs = 200,
  ) {
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  sample(): void {
    const rss = statusKiB(this.pid, 'VmRSS');
    if (rss !== undefined && rss > this.maxKiB) this.maxKiB = rss;
  }

  stop(): void {
    this.sample();
    clearInterval(this.timer);
  }
}

/** CPU seconds of every process now, its reaped children included: diff two to see who ran meanwhile. */
export function allProcessesCpu(): Map<number, { name: string; cpuS: number }> {
  const out = new Map<number, { name: string; cpuS: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      // utime + stime + cutime + cstime: children that exited and were reaped count for their parent.
      const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      out.set(Number(entry), { name, cpuS: ticks / ticksPerSecond() });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The processes (other than `exclude`) that used the most CPU between two snapshots. */
export function topCpuUsers(
  before: Map<number, { name: string; cpuS: number }>,
  after: Map<number, { name: string; cpuS: number }>,
  exclude: Iterable<number>,
  minS = 0.3,
): Array<{ pid: number; name: string; cpuS: number }> {
  const skip = new Set(exclude);
  const users: Array<{ pid: number; name: string; cpuS: number }> = [];
  for (const [pid, a] of after) {
    if (skip.has(pid)) continue;
    const used = a.cpuS - (before.get(pid)?.cpuS ?? 0);
    if (used >= minS) users.push({ pid, name: a.name, cpuS: used });
  }
  return users.sort((x, y) => y.cpuS - x.cpuS).slice(0, 4);
}

/**
 * Wait until the rest of the machine is quiet: the busy CPU not used by `exclude` (this process and
 * the services, say) averaged over `windowMs` stays under `maxCores`. Other engineers' tests share
 * the box; a run started in their middle measures them. Gives up after `timeoutMs` (then runs anyway).
 */
export async function waitForQuiet(options: { exclude: number[]; maxCores?: number; windowMs?: number; timeoutMs?: number }): Promise<{ waitedS: number; cores: number; quiet: boolean }> {
  const { exclude, maxCores = 0.3, windowMs = 2_000, timeoutMs = 180_000 } = options;
  const began = performance.now();
  const excludedCpu = () => exclude.reduce((sum, pid) => sum + (processCpuSeconds(pid) ?? 0), 0);
  for (;;) {
    const busy0 = machineBusySeconds();
    const excluded0 = excludedCpu();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const cores = (machineBusySeconds() - busy0 - (excludedCpu() - excluded0)) / (windowMs / 1000);
    const waitedS = (performance.now() - began) / 1000;
    if (cores <= maxCores) return { waitedS, cores, quiet: true };
    if (waitedS * 1000 >= timeoutMs) return { waitedS, cores, quiet: false };
  }
}
