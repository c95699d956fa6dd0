/**
 * V8 garbage-collector settings of the daemon, applied when this module loads: cli.ts imports it
 * before anything else, so they hold from the first allocation, in every thread (V8's flags are
 * per process, and the window workers start after this).
 *
 * Allocation-site pretenuring is off. V8 watches where objects are made; when most objects of a
 * place in the code survive a scavenge, it makes that place's later objects straight in the old
 * generation. kafkajs makes each record's objects in one place, and a fetch's records survive a
 * scavenge or two while they wait for the pipeline, so in some runs V8 tenured them: then the main
 * thread promoted ~280 MB to the old generation in a 1M-record run instead of ~30 MB, with 9-10
 * full collections instead of 2, and the whole process used ~15% more CPU. The throughput bench
 * ran 17-23% faster without it (docs/decisions/0014-no-allocation-site-pretenuring.md). Without pretenuring those records die
 * young, as they do in a plain kafkajs consumer.
 *
 * `node --allocation-site-pretenuring` (given explicitly) keeps V8's default.
 */
import { setFlagsFromString } from 'node:v8';

export const PRETENURING_FLAG = '--allocation-site-pretenuring';

if (!process.execArgv.includes(PRETENURING_FLAG)) setFlagsFromString('--no-allocation-site-pretenuring');
