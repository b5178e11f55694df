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
 * frees them. Turned off, 10,000 FIN targets cost about 7 % less CPU (docs/scale.md).
 *
 * The flag is read at each GC, so setting it at run time is safe: Node's docs show
 * v8.setFlagsFromString for flags of this kind. No other V8 flag is set (one that sizes the heap
 * must be given at start-up and crashed when set here, e.g. --single-threaded-gc).
 */
import { setFlagsFromString } from 'node:v8';

let tuned = false;

export function tuneHeapForChecks(): void {
  if (tuned) return;
  tuned = true;
  setFlagsFromString('--no-allocation-site-pretenuring');
}
