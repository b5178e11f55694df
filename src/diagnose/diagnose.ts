/**
 * Diagnosis: the outcome of one observation, the causes it points to ranked by confidence with
 * the evidence from this very timeline, and what the user's own client would have reported.
 * Pure: every judgement is a row in src/knowledge/; this module only combines them.
 */
import { CONFIDENCE_SCALE, DIAGNOSIS_SCHEMA, type CauseBasis, type ClientErrorView, type Diagnosis, type RankedCause } from './diagnosis.js';
import type { Observation, TimelineEvent } from './observation.js';
import type { ExperimentId } from './experiment-record.js';
import { findingsOf, type Findings } from './findings.js';
import { CAUSE_CLAIMS } from '../knowledge/cause-conditions.js';
import { formatMs } from '../duration.js';
import type { Outcome } from '../shared/outcome.js';
import { classifyDetailed } from './classify.js';
import { computeFacts, type Facts, type Vars } from './facts.js';
import { signalsOf } from './signals.js';
import { fillFirst, type Template } from './template.js';
import { CAUSES, type CauseId } from '../knowledge/causes.js';
import { OUTCOME_CAUSES, SIGNAL_RULES, type Signal } from '../knowledge/outcome-causes.js';
import { OUTCOME_INFO, isHealthy } from '../knowledge/outcomes.js';
import { CLIENT_ERRORS, CLIENT_ERRORS_BY_SCHEME } from '../knowledge/client-errors.js';
import { LOST_SYN_NOTE } from '../knowledge/syn-retransmits.js';

/** Confidence stays inside this range: a timeline never proves a cause outright, nor rules one out. */
const MIN_CONFIDENCE = 0.05;
const MAX_CONFIDENCE = 0.95;
/** A signal that moves a cause this much leads its evidence. */
const STRONG_SIGNAL = 0.3;

export function diagnose(obs: Observation): Diagnosis {
  const { outcome, decisive } = classifyDetailed(obs);
  const timeline = computeFacts(obs, outcome, decisive);
  // what the follow-up experiments found joins the timeline's own signals and facts
  const findings = findingsOf(obs, outcome);
  const facts: Facts = { ...timeline, vars: { ...timeline.vars, ...findings.vars } };
  const signals = new Set<Signal>([...signalsOf(obs, outcome, facts), ...findings.signals]);
  const ranked = rankCauses(outcome, facts, signals, { obs, decisive, findings });
  const causes = [...ranked.causes, ...notesOnHealthy(outcome, facts)];
  const ran = obs.experiments !== undefined && obs.experiments.length > 0;
  return {
    schema: DIAGNOSIS_SCHEMA,
    outcome,
    healthy: healthyGiven(outcome, causes),
    summary: fillFirst(OUTCOME_INFO[outcome].story, facts.vars) ?? OUTCOME_INFO[outcome].wire,
    causes,
    clientError: clientErrorFor(outcome, facts.vars, obs.scheme),
    confidenceScale: CONFIDENCE_SCALE,
    ...(ran ? { experimentsUsed: ranked.used } : {}),
  };
}

/** What rankCauses needs to cite the basis of each cause and drop the ones the timeline contradicts. */
interface RankContext {
  obs: Observation;
  decisive: TimelineEvent | null;
  findings: Findings;
}

/**
 * A 'warning' outcome (it worked, with a caveat) stays healthy only while its own, benign reading
 * (the first row of its table, e.g. "closes after each reply") ranks first. When the timeline's
 * signals put another cause on top (plain HTTP answered by a TLS port's error page, then a
 * close), the endpoint is not doing what the client needs: that is a failure.
 */
function healthyGiven(outcome: Outcome, causes: readonly RankedCause[]): boolean {
  if (!isHealthy(outcome)) return false;
  if (OUTCOME_INFO[outcome].severity !== 'warning') return true;
  const benign = OUTCOME_CAUSES[outcome][0]?.cause;
  return causes[0] === undefined || causes[0].id === benign;
}

/**
 * A healthy outcome has nothing to explain, yet its timeline can show something worth knowing: a
 * connect that waited for a SYN retransmission (a lost SYN or SYN-ACK). It is listed like a cause,
 * with its evidence, and changes neither the outcome nor healthiness. Only for severity 'ok': a
 * warning outcome's own causes decide whether it stays healthy.
 */
function notesOnHealthy(outcome: Outcome, facts: Facts): RankedCause[] {
  if (OUTCOME_INFO[outcome].severity !== 'ok' || facts.synRetransmits === null) return [];
  const note = LOST_SYN_NOTE;
  return [
    {
      id: note.cause,
      title: CAUSES[note.cause].title,
      confidence: note.confidence,
      evidence: sentences(note.evidence, facts.vars),
      remediation: [...CAUSES[note.cause].remediation],
    },
  ];
}

interface Scored {
  id: CauseId;
  score: number;
  evidence: string[];
  /** a strong signal of the timeline itself leads the evidence */
  timelineLed?: boolean;
  /** position in the outcome's table, to break ties the way the table orders them */
  order: number;
}

export function rankCauses(
  outcome: Outcome,
  facts: Facts,
  signals: ReadonlySet<Signal>,
  context: RankContext | null = null,
): { causes: RankedCause[]; used: ExperimentId[] } {
  const scored = new Map<CauseId, Scored>();
  /** per cause, the experiment that raised it most */
  const raisedBy = new Map<CauseId, { id: ExperimentId; delta: number; sentence: string | null }>();
  const used = new Set<ExperimentId>();
  OUTCOME_CAUSES[outcome].forEach((candidate, order) => {
    scored.set(candidate.cause, {
      id: candidate.cause,
      score: candidate.weight,
      evidence: sentences(candidate.evidence, facts.vars),
      order,
    });
  });
  // signals only speak about a timeline that failed; a healthy one has nothing to explain
  if (scored.size > 0) {
    for (const rule of SIGNAL_RULES) {
      if (!signals.has(rule.signal)) continue;
      const existed = scored.has(rule.cause);
      const entry = scored.get(rule.cause) ?? { id: rule.cause, score: 0, evidence: [], order: scored.size };
      entry.score += rule.delta;
      const sentence = rule.evidence === null ? null : fillFirst(rule.evidence, facts.vars);
      const experiment = context?.findings.source.get(rule.signal);
      // an experiment was used when it raised a cause, or lowered one that was in the running
      if (experiment !== undefined && (rule.delta > 0 || (rule.delta < 0 && existed))) {
        used.add(experiment);
        const best = raisedBy.get(rule.cause);
        if (rule.delta > 0 && (!best || rule.delta > best.delta)) raisedBy.set(rule.cause, { id: experiment, delta: rule.delta, sentence });
      }
      // a strong signal is the headline evidence; a weak one only adds to it
      if (sentence !== null) {
        // the timeline's own strong evidence keeps the lead; an experiment that agrees comes next
        if (rule.delta >= STRONG_SIGNAL) entry.evidence.splice(experiment !== undefined && entry.timelineLed ? 1 : 0, 0, sentence);
        else entry.evidence.push(sentence);
        if (rule.delta >= STRONG_SIGNAL && experiment === undefined) entry.timelineLed = true;
      }
      scored.set(rule.cause, entry);
    }
  }
  const replied = context ? repliedBeforeEnd(context.obs, context.decisive) : null;
  const causes = [...scored.values()]
    .filter((entry) => entry.score > 0)
    // a cause whose title says what the timeline shows did not happen is never ranked
    .filter((entry) => replied === null || CAUSE_CLAIMS[entry.id] === undefined || (CAUSE_CLAIMS[entry.id] === 'replied') === replied)
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .map((entry) => {
      const experiment = raisedBy.get(entry.id);
      const basis = experiment ? experimentBasis(experiment.id, experiment.sentence) : context ? eventBasis(context.obs, context.decisive) : null;
      return {
        id: entry.id,
        title: CAUSES[entry.id].title,
        confidence: round2(Math.min(MAX_CONFIDENCE, Math.max(MIN_CONFIDENCE, entry.score))),
        evidence: entry.evidence,
        remediation: [...CAUSES[entry.id].remediation],
        ...(basis ? { basis } : {}),
      };
    });
  return { causes, used: [...used] };
}

/** Whether any byte answered our request before the event the outcome rests on; null when we sent nothing. */
function repliedBeforeEnd(obs: Observation, decisive: TimelineEvent | null): boolean | null {
  const end = decisive === null ? obs.events.length : obs.events.indexOf(decisive);
  const before = obs.events.slice(0, end < 0 ? obs.events.length : end);
  const sent = before.findIndex((e) => e.kind === 'sent');
  if (sent < 0) return null;
  return before.slice(sent + 1).some((e) => e.kind === 'received');
}

export const EXPERIMENT_NAMES: Readonly<Record<ExperimentId, string>> = {
  service_id: 'service identification',
  repeat: 'timing and consistency repeats',
  neutral_payload: 'payload differential',
};

function experimentBasis(id: ExperimentId, sentence: string | null): CauseBasis {
  return { kind: 'experiment', id, what: sentence ?? EXPERIMENT_NAMES[id] };
}

/** The decisive event (or, for a timeline without one, its last event) as the basis of a cause. */
function eventBasis(obs: Observation, decisive: TimelineEvent | null): CauseBasis | null {
  const event = decisive ?? obs.events.at(-1) ?? null;
  if (!event) return null;
  return { kind: 'event', index: obs.events.indexOf(event), t: round2(event.t), what: `${event.kind} at ${formatMs(event.t)} (${event.phase})` };
}

function sentences(templates: readonly Template[], vars: Vars): string[] {
  return templates.flatMap((template) => {
    const text = fillFirst(template, vars);
    return text === null ? [] : [text];
  });
}

/** The error each client would report; `scheme` picks a protocol's own client libraries where it has them. */
function clientErrorFor(outcome: Outcome, vars: Vars, scheme: string): ClientErrorView | null {
  const family = OUTCOME_INFO[outcome].clientError;
  if (family === null) return null;
  const view = { ...CLIENT_ERRORS[family], ...CLIENT_ERRORS_BY_SCHEME[scheme]?.[family] };
  // a fact this timeline lacks (the URL of a host:port target) becomes "…"; the facts it has stay
  const put = (text: string | null): string | null => (text === null ? null : text.replace(/\{(\w+)\}/g, (_whole, name: string) => vars[name] ?? '…'));
  return {
    symbol: view.symbol,
    linux: put(view.linux),
    macos: put(view.macos),
    windows: put(view.windows),
    node: put(view.node),
    python: put(view.python),
    java: put(view.java),
    go: put(view.go),
    ...(view.curl === undefined ? {} : { curl: put(view.curl) }),
    ...(view.dotnet === undefined ? {} : { dotnet: put(view.dotnet) }),
  };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
