/**
 * `connreset probe --json`: one document per invocation, versioned by `schema`. Fields are only
 * ever added within a schema version; a rename or removal gets a new version.
 *
 * {
 *   "schema": "connreset.probe/v1",
 *   "tool": { "name": "connreset", "version": "0.1.0" },
 *   "healthy": boolean,            // every run healthy (or its --expect held)
 *   "exitCode": 0 | 1 | 130,
 *   "interrupted": boolean,        // Ctrl-C stopped the run; results are partial
 *   "results": [{
 *     "target": string,            // as typed (passwords replaced by ***)
 *     "run": number,               // 1-based, with --repeat
 *     "observation": Observation,  // schema connreset.observation/v1: the raw timeline
 *     "diagnosis": Diagnosis       // schema connreset.diagnosis/v1: outcome, causes, client error
 *   }],
 *   "summaries": [RunSummary]      // one per target: runs, failed, outcomes with counts and timings, text,
 *                                  // stats { count, ok, failed, connectMs, firstByteMs: {min,avg,max} | null } (added within v1)
 * }
 */
import { certificateOf, type CertificateFacts } from '../diagnose/certificate.js';
import { jsonDocument } from '../escape.js';
import { VERSION } from '../version.js';
import type { Diagnosis } from '../diagnose/diagnosis.js';
import type { Observation } from '../diagnose/observation.js';
import type { RunSummary } from './probe-summary.js';

export const PROBE_SCHEMA = 'connreset.probe/v1' as const;

export interface ProbeResult {
  target: string;
  run: number;
  observation: Observation;
  diagnosis: Diagnosis;
}

/** A result as printed: the server certificate's facts beside it (days to expiry), added within v1. */
function withCertificate(r: ProbeResult): ProbeResult & { certificate: CertificateFacts | null } {
  return { ...r, certificate: certificateOf(r.observation) };
}

export interface ProbeDocument {
  schema: typeof PROBE_SCHEMA;
  tool: { name: 'connreset'; version: string };
  healthy: boolean;
  exitCode: number;
  interrupted: boolean;
  results: (ProbeResult & { certificate: CertificateFacts | null })[];
  summaries: RunSummary[];
}

export function probeDocument(
  results: ProbeResult[],
  summaries: RunSummary[],
  exitCode: number,
  interrupted: boolean,
): ProbeDocument {
  return {
    schema: PROBE_SCHEMA,
    tool: { name: 'connreset', version: VERSION },
    healthy: results.every((r) => r.diagnosis.healthy),
    exitCode,
    interrupted,
    results: results.map(withCertificate),
    summaries,
  };
}

export function renderProbeJson(doc: ProbeDocument): string {
  return jsonDocument(doc);
}
