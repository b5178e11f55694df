/**
 * Follow-up experiments as recorded beside an Observation: plain JSON, so a diagnosis that uses
 * them is tested on recorded data like any timeline. Each trial is a whole Observation of its own
 * (its own timeline, its own clock starting at zero), made by the same probe engine with a changed
 * payload, scheme or timing. A leaf module: the knowledge tables and the probe both import it.
 */
import type { Observation } from './observation.js';

import { EXPERIMENT_IDS, type ExperimentId } from '../shared/experiment-ids.js';

export { EXPERIMENT_IDS, type ExperimentId };

/** One probe an experiment made. */
export interface ExperimentTrial {
  /** what this trial tried, stable for machines: 'tls_hello', 'http_get', 'postgres_ssl', 'redis_ping', 'listen', 'repeat', 'neutral' */
  label: string;
  /** its own timeline (schema connreset.observation/v1, without experiments of its own) */
  observation: Observation;
}

export interface ExperimentRecord {
  id: ExperimentId;
  /** the question it answers, for people ("which service answers on port 5432?") */
  question: string;
  /** the causes it was run to tell apart (the planner's reason) */
  separates: string[];
  /** ms after the main probe ended that it started, and how long it took (trials run concurrently) */
  startedAfterMs: number;
  durationMs: number;
  /** set when the run was cut short (time budget, Ctrl-C): what it saw is still recorded */
  stopped: 'budget' | 'interrupted' | null;
  trials: ExperimentTrial[];
}
