/**
 * Re-ranks a diagnosis on the locate verdict (pure): a middlebox that sent the RST (or drops the
 * packets) moves the cause its kind stands for to the top and demotes the causes that need the
 * server host to have sent it; the server's own RST demotes the path's causes. The factors and
 * lists are data in src/knowledge/locate.ts.
 */
import type { Diagnosis, RankedCause } from './diagnosis.js';
import type { LocateResult } from './locate-types.js';
import { LOCATED_CAUSE_CONFIDENCE, MIDDLEBOX_KINDS, SENDER_RERANK } from '../knowledge/locate.js';
import { causeById } from '../knowledge/causes.js';

export function applyLocate(diagnosis: Diagnosis, result: LocateResult | null | undefined): Diagnosis {
  if (!result || !result.ran || diagnosis.healthy) return diagnosis;
  const { verdict } = result;
  if (verdict.sender === 'unknown') return diagnosis;
  const rule = SENDER_RERANK[verdict.sender];
  const evidence = `locate: ${verdict.summary}.`;
  let causes: RankedCause[] = diagnosis.causes.map((c) =>
    rule.demote.includes(c.id) ? { ...c, confidence: round(c.confidence * rule.factor), evidence: [...c.evidence, `less likely: ${evidence}`] } : c,
  );
  if (verdict.sender === 'middlebox' && verdict.kind) {
    const id = MIDDLEBOX_KINDS[verdict.kind].cause;
    const existing = causes.find((c) => c.id === id);
    const promoted: RankedCause = existing
      ? { ...existing, confidence: Math.max(existing.confidence, LOCATED_CAUSE_CONFIDENCE), evidence: [evidence, ...verdict.evidence, ...existing.evidence] }
      : (() => {
          const cause = causeById(id);
          return { id, title: cause.title, confidence: LOCATED_CAUSE_CONFIDENCE, evidence: [evidence, ...verdict.evidence], remediation: [...cause.howToTell, ...cause.remediation] };
        })();
    causes = [promoted, ...causes.filter((c) => c.id !== id)];
  }
  causes.sort((a, b) => b.confidence - a.confidence);
  return { ...diagnosis, causes };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
