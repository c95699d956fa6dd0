/**
 * Swapping one of kafkajs's internal modules for sluice's version of it, for the places where
 * kafkajs 2.2.4 has no hook: record decoding (sources/kafka-record-decoding.ts) and the producer's
 * grouping and encoding of messages (sinks/kafka-producing.ts).
 *
 * kafkajs's modules take each other's exports when they first load, so a swap must come before
 * its users load: cli.ts swaps before anything imports kafkajs. Each swap is written against one
 * kafkajs release and checks it; for another release, or once the users are loaded, it does
 * nothing and says why (the daemon then runs on kafkajs's own code, only slower).
 *
 * The modules are reached through a host (kafkajs-host.ts): kafkajs's files in node_modules through
 * Node's require cache, or, in the daemon's bundle, the bundle's own copies of them.
 */
import { kafkajsHost } from './kafkajs-host.js';

/** The kafkajs release the swapped modules mirror. */
export const KAFKAJS_VERSION = '2.2.4';

export type ModuleSwap = { installed: true } | { installed: false; reason: string };

/** Which kafkajs this thread runs, and how it is carried. */
export function kafkajsCarriage(): { version: string; kind: 'node_modules' | 'bundled' } {
  return { version: kafkajsHost.version(), kind: kafkajsHost.kind };
}

/** Why no module of this kafkajs may be swapped, or undefined if they may. */
function kafkajsVersionProblem(): string | undefined {
  const version = kafkajsHost.version();
  return version === KAFKAJS_VERSION ? undefined : `kafkajs ${version} is not ${KAFKAJS_VERSION}`;
}

/** Replaces the export of a kafkajs module (`kafkajs/src/...`, loaded first) with `replacement`, marked as swapped. */
export function swapExport(module: string, replacement: object): void {
  kafkajsHost.replace(module, replacement);
}

/** kafkajs's own module (`kafkajs/src/...`), for the parts a swapped one keeps. */
export function kafkajsModule<T>(module: string): T {
  return kafkajsHost.load<T>(module);
}

export interface SwapPlan {
  /** The kafkajs modules (`kafkajs/src/...`) whose exports `swap` replaces. */
  replaces: readonly string[];
  /** The kafkajs modules that take those exports when they load: once one has, it is too late. */
  takenBy: readonly string[];
  /** Replaces every module of `replaces` (`swapExport`). */
  swap(): void;
}

/**
 * One set of swapped modules: `install` swaps them in this thread (each thread has its own module
 * cache) unless the kafkajs version differs or a module that takes them has loaded; idempotent,
 * never throws, a reason says why it did nothing. `status`: what the last `install` did, undefined
 * if it never ran.
 */
export function moduleSwap(plan: SwapPlan): { install(): ModuleSwap; status(): ModuleSwap | undefined } {
  let last: ModuleSwap | undefined;
  const attempt = (): ModuleSwap => {
    try {
      const versionProblem = kafkajsVersionProblem();
      if (versionProblem) return { installed: false, reason: versionProblem };
      if (plan.replaces.every((module) => kafkajsHost.isReplaced(module))) return { installed: true };
      if (plan.takenBy.some((module) => kafkajsHost.isLoaded(module))) {
        return { installed: false, reason: 'kafkajs is loaded already (install before importing kafkajs)' };
      }
      plan.swap();
      return { installed: true };
    } catch (err) {
      return { installed: false, reason: (err as Error).message };
    }
  };
  return {
    install: () => {
      last = attempt();
      return last;
    },
    status: () => last,
  };
}
