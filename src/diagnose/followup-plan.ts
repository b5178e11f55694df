/**
 * The follow-up planner: which experiments would tell this diagnosis's top causes apart (rows of
 * src/knowledge/followups.ts). Pure. Nothing is planned for a healthy diagnosis: a healthy target
 * never pays for follow-ups.
 */
import type { Diagnosis } from './diagnosis.js';
import type { Observation } from './observation.js';
import type { ExperimentId } from './experiment-record.js';
import { FOLLOWUPS, FOLLOWUP_TOP_CAUSES, type FollowupNeed } from '../knowledge/followups.js';
import type { CauseId } from '../knowledge/causes.js';
import { neutralPayloadFor } from './neutral.js';
import { failureDelayMs } from './findings.js';
import { locateTrigger } from './locate-trigger.js';
import { establishedEvent } from './handshake.js';

/** Follow-ups add about this much time by default (they run concurrently, each bounded by it). */
export const DEFAULT_FOLLOWUP_BUDGET_MS = 2_000;
/** A top cause this sure needs no experiment (0.95 is the most a cause can score). */
const DECIDED_CONFIDENCE = 0.9;
/** A failure is repeated only when it came within this multiple of the budget. */
const REPEATABLE_FACTOR = 1.25;

export interface PlannedExperiment {
  id: ExperimentId;
  question: string;
  /** the top causes it separates */
  separates: CauseId[];
  /** how long it may run: the budget, or for a repeat of a failure that took nearly that long, the failure's time plus a margin */
  limitMs: number;
}

/** A repeat needs the failure's own delay plus the connect and the banner settle. */
const REPEAT_MARGIN_MS = 300;

export function planFollowups(obs: Observation, diagnosis: Diagnosis, budgetMs: number = DEFAULT_FOLLOWUP_BUDGET_MS): PlannedExperiment[] {
  if (diagnosis.healthy || budgetMs <= 0) return [];
  // the timeline has already decided (a TLS record in answer to plain text, a proxy's 502 page)
  if ((diagnosis.causes[0]?.confidence ?? 0) >= DECIDED_CONFIDENCE) return [];
  const top = diagnosis.causes.slice(0, FOLLOWUP_TOP_CAUSES).map((c) => c.id);
  const planned: PlannedExperiment[] = [];
  for (const row of FOLLOWUPS) {
    if (!row.outcomes.includes(diagnosis.outcome)) continue;
    const separates = top.filter((id) => row.separates.includes(id));
    // the question must be about the causes at hand: the leading one and at least one rival
    if (separates.length < 2 || !separates.includes(top[0]!)) continue;
    if (!row.needs.every((need) => meets(need, obs, budgetMs))) continue;
    const delay = failureDelayMs(obs);
    const limitMs = row.needs.includes('fast_failure') && delay !== null ? Math.max(budgetMs, Math.ceil(delay + REPEAT_MARGIN_MS)) : budgetMs;
    planned.push({ id: row.experiment, question: row.question, separates, limitMs });
  }
  return planned;
}

function meets(need: FollowupNeed, obs: Observation, budgetMs: number): boolean {
  switch (need) {
    case 'connected':
      return establishedEvent(obs) !== null;
    case 'fast_failure': {
      const delay = failureDelayMs(obs);
      return delay !== null && delay <= budgetMs * REPEATABLE_FACTOR;
    }
    case 'distinct_neutral':
      return neutralPayloadFor(obs) !== null;
    case 'locatable':
      return locateTrigger(obs) !== null;
  }
}
