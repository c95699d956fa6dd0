/**
 * V8 garbage-collector settings of the daemon, applied when this module loads: cli.ts imports it
 * before anything else, so they hold from the first allocation, in every thread (V8's flags are
 * per process, and the window workers start after this).
 *
 * Allocation-site pretenuring is off. V8 watches where objects are made; when most objects of a
 * place in the code survive a scavenge, it makes that place's later objects straight in the old
 * generation. kafkajs makes each record's objects in a few places, and a fetch's records survive a
 * scavenge or two while they wait for the pipeline, so in about one run in four V8 tenured them:
 * then the main thread promoted ~280 MB to the old generation in a 1M-record run instead of ~30 MB,
 * with 9-10 full collections instead of 2, and the process used ~15% more CPU. Without it, the
 * throughput bench's medians rose 8% sinks off and 13% with both sinks
 * (docs/decisions/0014-no-allocation-site-pretenuring.md).
 *
 * `node --allocation-site-pretenuring` (given explicitly) keeps V8's default.
 */
import { setFlagsFromString } from 'node:v8';

const PRETENURING_FLAG = '--allocation-site-pretenuring';

if (!process.execArgv.includes(PRETENURING_FLAG)) setFlagsFromString('--no-allocation-site-pretenuring');
