/** The parts of `connreset probe --json` (schema connreset.probe/v1) the namespace tests read. */
import type { Diagnosis } from '../../src/diagnose/diagnosis.js';
import type { Observation, TimelineEvent } from '../../src/diagnose/observation.js';

export interface ProbeDoc {
  schema: string;
  results: { target: string; observation: Observation; diagnosis: Diagnosis }[];
}

export function only(doc: ProbeDoc): { observation: Observation; diagnosis: Diagnosis } {
  if (doc.results.length !== 1) throw new Error(`expected one probe result, got ${doc.results.length}`);
  return doc.results[0]!;
}

export function causeIds(diagnosis: Diagnosis): string[] {
  return diagnosis.causes.map((c) => c.id);
}

/** Everything the diagnosis says (summary, evidence, remediation), for "does it mention" checks. */
export function allText(diagnosis: Diagnosis): string {
  return [diagnosis.summary, ...diagnosis.causes.flatMap((c) => [c.title, ...c.evidence, ...c.remediation])].join('\n');
}

export function firstEvent<K extends TimelineEvent['kind']>(obs: Observation, kind: K): Extract<TimelineEvent, { kind: K }> | undefined {
  return obs.events.find((e): e is Extract<TimelineEvent, { kind: K }> => e.kind === kind);
}

/** One line per case for the test log: outcome, top cause and its confidence. */
export function describeResult(label: string, diagnosis: Diagnosis): string {
  const top = diagnosis.causes[0];
  return `[netns] ${label}: outcome=${diagnosis.outcome} top=${top ? `${top.id} (${top.confidence})` : 'none'}`;
}

/** Probes one target from the client namespace, logs its outcome and top cause, returns its one result. */
export async function probeOne(
  topo: { probe<T>(target: string, args?: string[]): Promise<{ json: T }> },
  label: string,
  target: string,
  args: string[] = [],
): Promise<{ observation: Observation; diagnosis: Diagnosis }> {
  const { json } = await topo.probe<ProbeDoc>(target, args);
  const result = only(json);
  console.log(describeResult(label, result.diagnosis));
  return result;
}
