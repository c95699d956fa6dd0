/**
 * What Linux's /proc says about a process and the machine: peak and current RSS, CPU seconds (per
 * thread too), and the whole machine's busy CPU time (to see whether something else ran meanwhile).
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

export interface ThreadCpu {
  tid: number;
  main: boolean;
  /** The thread's name (comm): Node 20 names every thread "node"; a JVM names its threads. */
  name: string;
  cpuS: number;
  /** When the thread started, in clock ticks since boot (field 22 of stat). */
  startTicks: number;
}

/** User + system CPU seconds of each live thread of a process, largest first; the main thread's tid is the pid. */
export function threadCpuSeconds(pid: number | 'self'): ThreadCpu[] {
  const threads: ThreadCpu[] = [];
  const self = pid === 'self' ? process.pid : pid;
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${self}/task`);
  } catch {
    return threads;
  }
  for (const tid of tids) {
    try {
      const text = readFileSync(`/proc/${self}/task/${tid}/stat`, 'utf8');
      const name = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      threads.push({
        tid: Number(tid),
        main: Number(tid) === self,
        name,
        cpuS: (Number(fields[11]) + Number(fields[12])) / ticksPerSecond(),
        startTicks: Number(fields[19]),
      });
    } catch {
      // the thread ended meanwhile
    }
  }
  return threads.sort((a, b) => b.cpuS - a.cpuS);
}

/** A sluice daemon's CPU split by thread: main, each window worker, everything else. */
export interface CpuSplit {
  totalS: number;
  mainS: number;
  /** The window workers, busiest first. */
  workersS: number[];
  /** total - main - workers: V8 (GC, compiler) and libuv threads, and threads that ended before the sample. */
  otherS: number;
}

/**
 * Split a process's CPU by thread. Node 20 gives every thread the name "node" and no API for a
 * worker's OS thread id, so the window workers are taken to be the `workers` threads created last:
 * Node starts its V8 platform and libuv threads while it loads (seen in /proc: all within the
 * first ~0.1 s), the job spawns its window workers after that, and nothing starts threads later.
 */
export function splitCpu(pid: number, workers: number, totalS = processCpuSeconds(pid)): CpuSplit | undefined {
  const threads = threadCpuSeconds(pid);
  if (threads.length === 0 || totalS === undefined) return undefined;
  const mainS = threads.find((t) => t.main)?.cpuS ?? 0;
  const newest = threads.filter((t) => !t.main).sort((a, b) => b.startTicks - a.startTicks || b.tid - a.tid);
  const workersS = newest
    .slice(0, workers)
    .map((t) => t.cpuS)
    .sort((a, b) => b - a);
  return { totalS, mainS, workersS, otherS: Math.max(0, totalS - mainS - workersS.reduce((a, b) => a + b, 0)) };
}

/** A JVM's (or any named-thread process's) CPU by thread name, numbers folded ("GC Thread#3" -> "GC Thread#N"). */
export function cpuByThreadName(pid: number): Array<{ name: string; threads: number; cpuS: number }> {
  const groups = new Map<string, { threads: number; cpuS: number }>();
  for (const t of threadCpuSeconds(pid)) {
    const name = t.name.replace(/\d+/g, 'N');
    const g = groups.get(name) ?? { threads: 0, cpuS: 0 };
    g.threads++;
    g.cpuS += t.cpuS;
    groups.set(name, g);
  }
  return [...groups].map(([name, g]) => ({ name, ...g })).sort((a, b) => b.cpuS - a.cpuS);
}

/**
 * The disk a directory tree takes: `allocated` as du counts it (blocks, so sparse files count only
 * what they hold) and `apparent` (file lengths). Sub-millisecond for a state directory of a few files.
 */
export function diskUsage(path: string): { allocated: number; apparent: number } {
  let allocated = 0;
  let apparent = 0;
  const walk = (p: string) => {
    let st: ReturnType<typeof lstatSync>;
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

/**
 * The machine's busy CPU over time: `machineBusySeconds` sampled every `everyMs` (wall clock,
 * Date.now), so a bench can ask how busy the machine was between two moments (a burst, say).
 */
export class MachineBusyTrace {
  private readonly samples: Array<{ at: number; busyS: number }> = [];
  private readonly timer: NodeJS.Timeout;

  constructor(everyMs = 10) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  private sample(): void {
    this.samples.push({ at: Date.now(), busyS: machineBusySeconds() });
  }

  stop(): void {
    this.sample();
    clearInterval(this.timer);
  }

  /** Busy cores on average from `from` to `to` (epoch ms), between the samples nearest inside; undefined if too short. */
  cores(from: number, to: number): number | undefined {
    const first = this.samples.find((x) => x.at >= from);
    const last = this.samples.findLast((x) => x.at <= to);
    if (!first || !last || last.at - first.at < 20) return undefined;
    return (last.busyS - first.busyS) / ((last.at - first.at) / 1000);
  }
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
export async function waitForQuiet(options: {
  exclude: number[];
  maxCores?: number;
  windowMs?: number;
  timeoutMs?: number;
}): Promise<{ waitedS: number; cores: number; quiet: boolean }> {
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

/** The CPU time of the machine while one thing is measured, split into who used it. */
export class CpuAccount {
  private readonly busy0 = machineBusySeconds();
  private readonly at0 = performance.now();
  private readonly parent0 = process.cpuUsage();
  private readonly services0: number[];
  private readonly processes0 = allProcessesCpu();

  constructor(private readonly services: readonly ServiceProcess[]) {
    this.services0 = this.servicesCpu();
  }

  private servicesCpu(): number[] {
    return this.services.map((s) => processCpuSeconds(s.pid) ?? 0);
  }

  /**
   * `measuredCpuS`: what the measured child used. `others` names who else used the CPU meanwhile;
   * `services`, what each shared service (the broker, Elasticsearch, Redis) used; `busyCores`, how
   * many of the machine's cores were busy on average, everything included.
   */
  finish(
    childPid: number | undefined,
    measuredCpuS: number,
  ): { services: ServiceCpu[]; busyCores: number; otherCpuS: number; others: string } {
    const busy = machineBusySeconds() - this.busy0;
    const wallS = (performance.now() - this.at0) / 1000;
    const parent = process.cpuUsage(this.parent0);
    const parentS = (parent.user + parent.system) / 1e6;
    const now = this.servicesCpu();
    const services = this.services.map((s, i) => ({ name: s.name, cpuS: (now[i] ?? 0) - (this.services0[i] ?? 0) }));
    const servicesCpuS = services.reduce((sum, s) => sum + s.cpuS, 0);
    const exclude = [process.pid, ...this.services.map((s) => s.pid), ...(childPid ? [childPid] : [])];
    const top = topCpuUsers(this.processes0, allProcessesCpu(), exclude);
    const others = top.length === 0 ? 'none over 0.3 s' : top.map((t) => `${t.name}[${t.pid}] ${t.cpuS.toFixed(1)} s`).join(', ');
    return {
      services,
      busyCores: wallS > 0 ? busy / wallS : Number.NaN,
      otherCpuS: Math.max(0, busy - measuredCpuS - parentS - servicesCpuS),
      others,
    };
  }
}

/** A shared service's process, found by its command line. */
export interface ServiceProcess {
  name: 'Kafka' | 'Elasticsearch' | 'Redis';
  pid: number;
}

/** What one shared service used while something was measured. */
export interface ServiceCpu {
  name: ServiceProcess['name'];
  cpuS: number;
}

/** The shared services (Kafka, Elasticsearch, Redis) found running, for CPU accounting. */
export function serviceProcesses(): ServiceProcess[] {
  const found: Array<[ServiceProcess['name'], number | undefined]> = [
    ['Kafka', findPid('kafka.Kafka')],
    ['Elasticsearch', findPid('sluice.stack.service=elasticsearch') ?? findPid('org.elasticsearch.bootstrap')],
    ['Redis', findPid('redis-server')],
  ];
  return found.filter((f): f is [ServiceProcess['name'], number] => f[1] !== undefined).map(([name, pid]) => ({ name, pid }));
}
