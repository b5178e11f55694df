/**
 * `--repeat N --interval D`: the same probe N times, D apart (measured start to start, so a long
 * probe is followed at once by the next), for faults that come and go.
 */
import type { Observation } from '../diagnose/observation.js';
import { probe, probeAll } from './probe.js';
import type { ProbeOptions, Target } from './types.js';

export interface RepeatPlan {
  count: number;
  intervalMs: number;
}

/** At most this many runs: a typo like --repeat 1000000 must not run for days. */
export const MAX_REPEAT = 10_000;

/**
 * Runs the probe `plan.count` times (every address each time with allAddresses) and returns the
 * observations in order. An abort stops before the next run; the runs so far are returned.
 */
export async function repeatProbe(
  target: Target,
  options: ProbeOptions,
  plan: RepeatPlan,
  signal?: AbortSignal,
  onRun?: (observations: Observation[], run: number) => void,
): Promise<Observation[]> {
  const all: Observation[] = [];
  const count = Math.min(Math.max(1, Math.floor(plan.count)), MAX_REPEAT);
  for (let run = 1; run <= count; run++) {
    if (signal?.aborted) break;
    const started = performance.now();
    const observations = options.allAddresses ? await probeAll(target, options, signal) : [await probe(target, options, signal)];
    all.push(...observations);
    onRun?.(observations, run);
    if (run < count) await sleep(plan.intervalMs - (performance.now() - started), signal);
  }
  return all;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
