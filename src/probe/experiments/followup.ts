/**
 * Follow-ups after a failure: diagnose, ask the planner which experiments would tell the top causes
 * apart, run them all at once within the budget, record them beside the observation, diagnose
 * again. A healthy observation returns at once: it never pays for follow-ups.
 */
import type { Observation } from '../../diagnose/observation.js';
import type { Diagnosis } from '../../diagnose/diagnosis.js';
import type { ExperimentId, ExperimentRecord } from '../../diagnose/experiment-record.js';
import { FOLLOWUPS } from '../../knowledge/followups.js';
import { planFollowups, DEFAULT_FOLLOWUP_BUDGET_MS, type PlannedExperiment } from '../../diagnose/followup-plan.js';
import { diagnose } from '../../diagnose/diagnose.js';
import type { ProbeOptions, Target } from '../types.js';
import { boundedOptions, type ExperimentContext } from './context.js';
import { EXPERIMENTS } from './registry.js';
import type { FollowupLimiter } from './limiter.js';

export interface FollowupSettings {
  /** false: --no-followup (config: followup: false) */
  enabled: boolean;
  /** the most time follow-ups may add, in ms */
  budgetMs?: number;
  /** false: run only `force` (probe --locate --no-followup) */
  plan?: boolean;
  /** experiments to run after a failure even when the planner would not (probe --locate) */
  force?: readonly ExperimentId[];
  /** the run's follow-up slots (./limiter.ts); past its quota a failure keeps its first diagnosis */
  limiter?: FollowupLimiter;
}

export interface Diagnosed {
  observation: Observation;
  diagnosis: Diagnosis;
}

/** Diagnoses an observation, with follow-up experiments when it failed and they are enabled. */
export async function diagnoseWithFollowups(
  target: Target,
  options: ProbeOptions,
  observation: Observation,
  settings: FollowupSettings,
  signal?: AbortSignal,
): Promise<Diagnosed> {
  const first = diagnose(observation);
  if (!settings.enabled || first.healthy || signal?.aborted) return { observation, diagnosis: first };
  const budgetMs = settings.budgetMs ?? DEFAULT_FOLLOWUP_BUDGET_MS;
  const planned = settings.plan === false ? [] : planFollowups(observation, first, budgetMs);
  for (const id of settings.force ?? []) {
    const row = FOLLOWUPS.find((r) => r.experiment === id);
    if (row && !planned.some((p) => p.id === id)) planned.push({ id, question: row.question, separates: [], limitMs: budgetMs });
  }
  if (planned.length === 0) return { observation, diagnosis: first };
  const run = () => runFollowups(target, options, observation, planned, budgetMs, signal);
  const experiments = settings.limiter ? await settings.limiter.run(run) : await run();
  if (experiments === null) return { observation, diagnosis: first };
  const followed: Observation = { ...observation, experiments };
  return { observation: followed, diagnosis: diagnose(followed) };
}

/** Runs the planned experiments concurrently; each is stopped at the budget (what it saw stays recorded). */
export async function runFollowups(
  target: Target,
  options: ProbeOptions,
  observation: Observation,
  planned: readonly PlannedExperiment[],
  budgetMs: number,
  signal?: AbortSignal,
): Promise<ExperimentRecord[]> {
  const budget = new AbortController();
  // a repeat of a 2.0 s timer needs a little more than a 2 s budget: the longest planned limit applies
  const limitMs = Math.max(budgetMs, ...planned.map((p) => p.limitMs));
  const timer = setTimeout(() => budget.abort('budget'), limitMs);
  const stop = signal ? AbortSignal.any([signal, budget.signal]) : budget.signal;
  const ctx: ExperimentContext = { target, options: boundedOptions(options, observation, limitMs), obs: observation, budgetMs: limitMs, signal: stop };
  const t0 = performance.now();
  try {
    return await Promise.all(
      planned.map(async (plan): Promise<ExperimentRecord> => {
        const started = performance.now();
        const output = await EXPERIMENTS[plan.id].run(ctx);
        const { trials, locate } = Array.isArray(output) ? { trials: output, locate: undefined } : output;
        return {
          id: plan.id,
          question: plan.question,
          separates: plan.separates,
          startedAfterMs: round1(started - t0),
          durationMs: round1(performance.now() - started),
          stopped: signal?.aborted ? 'interrupted' : budget.signal.aborted ? 'budget' : null,
          trials,
          ...(locate ? { locate } : {}),
        };
      }),
    );
  } finally {
    clearTimeout(timer);
  }
}

function round1(ms: number): number {
  return Math.round(ms * 10) / 10;
}
