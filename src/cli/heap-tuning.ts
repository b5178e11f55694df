/**
 * One V8 setting for a `check` run, set in this process only, before the first probe.
 *
 * Allocation-site pretenuring: V8 watches where objects are allocated, and when most objects of
 * a site survive a young-generation GC it allocates the site's objects straight in the old
 * generation and deoptimises the code that allocates them. A check holds hundreds of probes in
 * flight, each alive for its settle time (25 ms or more), while the young generation starts
 * small and fills faster than that: at the first scavenges nearly every probe object survives
 * (--trace-pretenuring: survival ratio 1.0), so V8 pretenures the probes' objects, recompiles
 * the probe's whole path, and the objects then die in the old generation, where only a full GC
 * frees them. Turned off, 10,000 targets cost 8-11 % less CPU (docs/scale.md).
 *
 * Node's docs warn that a flag changed after start-up may do nothing or behave unpredictably. This
 * one is a switch V8 reads when it collects and when it decides how to allocate, and every check
 * of the test suite and the benchmarks runs with it; flags that size the heap are read only at
 * start-up, and --single-threaded-gc set here crashed V8, so no other flag is set. The flag stays
 * off for the rest of the process, and V8 refuses a code cache made under other flags: the build,
 * which makes the CLI's cache by running a check (scripts/cli-code-cache.cjs), calls
 * undoHeapTuning() before writing it (bin/connreset.js).
 */
import { requireLazily } from '../shared/lazy-require.js';

let tuned = false;

/** node:v8 when a flag is set: main.ts re-exports undoHeapTuning, and other commands need not load it. */
function setFlags(flags: string): void {
  (requireLazily('node:v8') as typeof import('node:v8')).setFlagsFromString(flags);
}

export function tuneHeapForChecks(): void {
  if (tuned) return;
  tuned = true;
  setFlags('--no-allocation-site-pretenuring');
}

/** V8's default back (for a code cache made after a check ran in this process). */
export function undoHeapTuning(): void {
  if (!tuned) return;
  tuned = false;
  setFlags('--allocation-site-pretenuring');
}
