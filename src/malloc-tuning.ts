/**
 * glibc malloc's thresholds raised for the whole process, applied when this module loads (cli.ts
 * imports it first of all, before the window workers start).
 *
 * glibc returns freed memory to the kernel eagerly: a block of 128 KiB or more is mmap'd and
 * unmapped on free, and the heap's free top is trimmed once it passes 128 KiB. The daemon churns
 * through exactly such memory (each Kafka fetch response and its copy for a worker's parse, socket
 * reads, the compiler's zones), so the same memory came back from the kernel again and again, and
 * every first touch of a returned page is a page fault. In the throughput bench that was ~80,000
 * faults a run, ~1/8 of the process's CPU time (perf, sinks off), where a first touch costs most:
 * on a virtual machine.
 *
 * The thresholds adjust themselves (mallopt(3), M_MMAP_THRESHOLD): freeing an mmap'd block raises
 * the mmap threshold to its size (at most 32 MiB on 64-bit) and the trim threshold to twice that.
 * So one block just under 32 MiB is allocated here and dropped: the next collection frees it (its
 * pages never touched: no fault, no RSS), and from then on blocks up to 32 MiB come from the heap
 * and up to 64 MiB of freed memory stays in the process. Measured: ~80,000 -> ~64,000 faults a run,
 * the same as MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_ in the environment (which a process
 * cannot give itself once started).
 *
 * Elsewhere than glibc (musl) this only allocates and frees one untouched block. The environment's
 * MALLOC_* settings, when given, still apply: they set the thresholds for good (glibc stops adjusting).
 */

/** Just under glibc's largest dynamic mmap threshold (32 MiB), header and page rounding included. */
const THRESHOLD_RAISING_BYTES = 32 * 1024 * 1024 - 64 * 1024;

// Zero-filled by calloc from fresh mmap'd pages: nothing is written, nothing is resident.
new ArrayBuffer(THRESHOLD_RAISING_BYTES);
