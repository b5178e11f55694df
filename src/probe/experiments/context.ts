/**
 * What every follow-up experiment gets: the user's target and options, pinned to the address the
 * main probe reached (no second DNS lookup: the same host, the same network rule), with limits cut
 * to the follow-up budget, and a signal that ends it at that budget. Trials are whole probes made
 * by the one engine (`probe()`), never a socket loop of their own.
 */
import type { Observation } from '../../diagnose/observation.js';
import type { ExperimentTrial } from '../../diagnose/experiment-record.js';
import type { Payload, ProbeOptions, Target } from '../types.js';
import { probe } from '../probe.js';

export interface ExperimentContext {
  target: Target;
  /** the user's options, pinned to the address and bounded by the budget (see boundedOptions) */
  options: ProbeOptions;
  obs: Observation;
  budgetMs: number;
  signal: AbortSignal;
}

/** One module per experiment: it runs its trials and returns them (what they mean is diagnose/'s job). */
export interface ExperimentModule {
  run(ctx: ExperimentContext): Promise<ExperimentTrial[]>;
}

/** The user's options for a follow-up: same address, no idle hold, every limit within the budget. */
export function boundedOptions(options: ProbeOptions, obs: Observation, budgetMs: number): ProbeOptions {
  const address = obs.address;
  const family = obs.family;
  return {
    ...options,
    idleMs: null,
    keepaliveMs: null,
    expect: null,
    allAddresses: false,
    connectTimeoutMs: Math.min(options.connectTimeoutMs, budgetMs),
    tlsTimeoutMs: Math.min(options.tlsTimeoutMs, budgetMs),
    replyTimeoutMs: Math.min(options.replyTimeoutMs, budgetMs),
    ...(address !== null && family !== null ? { lookup: () => Promise.resolve([{ address, family }]) } : {}),
  };
}

/** Runs one trial: a probe with these changes. */
export async function trial(ctx: ExperimentContext, label: string, change: { target?: Partial<Target>; options?: Partial<ProbeOptions>; payload?: Payload | null }): Promise<ExperimentTrial> {
  const target: Target = { ...ctx.target, ...change.target };
  const options: ProbeOptions = { ...ctx.options, ...change.options, ...(change.payload !== undefined ? { payload: change.payload } : {}) };
  const observation = await probe(target, options, ctx.signal);
  return { label, observation };
}
