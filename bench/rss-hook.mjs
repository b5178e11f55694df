// Loaded with `node --import` into the process being measured: on exit, it records the peak
// resident set size (KiB on Linux) to the file named by CONNRESET_BENCH_RSS_OUT.
import { writeFileSync } from 'node:fs';

const out = process.env.CONNRESET_BENCH_RSS_OUT;
if (out) process.on('exit', () => writeFileSync(out, String(process.resourceUsage().maxRSS)));
