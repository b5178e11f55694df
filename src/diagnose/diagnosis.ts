import type { Outcome } from '../shared/outcome.js';
import type { ClientErrorView } from '../shared/client-error.js';
import type { CauseId } from '../knowledge/causes.js';
import type { ExperimentId } from './experiment-record.js';

/** What decided a cause's place: an event of the timeline, or a follow-up experiment. */
export type CauseBasis =
  | { kind: 'event'; /** index into observation.events */ index: number; t: number; what: string }
  | { kind: 'experiment'; id: ExperimentId; what: string };

/**
 * How to read `confidence`: independent fit scores. Each cause is scored on its own against the
 * timeline and the experiments; the scores do not add up to 100 %.
 */
export const CONFIDENCE_SCALE = 'fit' as const;
export const CONFIDENCE_LEGEND =
  'fit: how well each cause explains this timeline and the follow-ups, scored on its own (0–100 %; the scores do not add up to 100 %)';

export const DIAGNOSIS_SCHEMA = 'connreset.diagnosis/v1' as const;

/** A cause from the knowledge base, ranked for one observation, with the evidence for it. */
export interface RankedCause {
  id: CauseId;
  title: string;
  /** 0..1; the list is sorted by it, highest first */
  confidence: number;
  /** sentences tied to this timeline ("the RST came 0.3 ms after our 78-byte request") */
  evidence: string[];
  /** what to do, step by step, including how to confirm this cause */
  remediation: string[];
  /** the event or experiment that decided it (added in 0.2) */
  basis?: CauseBasis;
}

export type { ClientErrorView };

export interface Diagnosis {
  schema: typeof DIAGNOSIS_SCHEMA;
  outcome: Outcome;
  /** true when the endpoint behaved healthily for what was asked */
  healthy: boolean;
  /** one sentence: what happened on the wire */
  summary: string;
  causes: RankedCause[];
  clientError: ClientErrorView | null;
  /** how to read each cause's confidence (added in 0.2): 'fit', see CONFIDENCE_LEGEND */
  confidenceScale?: typeof CONFIDENCE_SCALE;
  /** the follow-up experiments whose results moved the ranking (added in 0.2; absent when none ran) */
  experimentsUsed?: ExperimentId[];
}
