// Loaded with `node --import` into the process being measured. On exit it writes JSON to
// CONNRESET_BENCH_RSS_OUT: the peak resident set size (KiB on Linux), the CPU time (user +
// system, ms) the process used, and, when CONNRESET_BENCH_SAMPLE_MS is set (and node runs with
// --expose-gc), the peak live heap: the heap after a full GC, sampled at that interval (what the
// process really holds, as opposed to garbage V8 has not collected yet).
import { writeFileSync } from 'node:fs';

const out = process.env.CONNRESET_BENCH_RSS_OUT;
const every = Number(process.env.CONNRESET_BENCH_SAMPLE_MS ?? 0);
let peakLive = 0;
const sample = () => {
  globalThis.gc?.();
  peakLive = Math.max(peakLive, process.memoryUsage().heapUsed);
};
if (every > 0) setInterval(sample, every).unref();
if (out) {
  process.on('exit', () => {
    if (every > 0) sample();
    const usage = process.resourceUsage();
    writeFileSync(
      out,
      JSON.stringify({
        maxRssKiB: usage.maxRSS,
        cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
        peakLiveHeapBytes: every > 0 ? peakLive : null,
      }),
    );
  });
}
