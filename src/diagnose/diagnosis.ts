import type { Outcome } from './outcome.js';
import type { CauseId } from '../knowledge/causes.js';

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
}

/** What the user's own client would have reported for this outcome, per platform/runtime. */
export interface ClientErrorView {
  symbol: string | null;
  linux: string | null;
  macos: string | null;
  windows: string | null;
  node: string | null;
  python: string | null;
  java: string | null;
  go: string | null;
  /** curl's and .NET's words, for the failures where they differ from the OS's (an HTTP error reply); absent otherwise */
  curl?: string | null;
  dotnet?: string | null;
}

export interface Diagnosis {
  schema: typeof DIAGNOSIS_SCHEMA;
  outcome: Outcome;
  /** true when the endpoint behaved healthily for what was asked */
  healthy: boolean;
  /** one sentence: what happened on the wire */
  summary: string;
  causes: RankedCause[];
  clientError: ClientErrorView | null;
}
