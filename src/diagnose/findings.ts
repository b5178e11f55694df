/**
 * What the follow-up experiments recorded beside an observation conclude: signals (the rows of
 * src/knowledge/outcome-causes.ts that move causes) and the facts their evidence sentences quote.
 * Pure: the experiments are plain data on the Observation.
 */
import { establishedEvent } from './handshake.js';
import type { Observation, TimelineEvent } from './observation.js';
import type { ExperimentId, ExperimentRecord, ExperimentTrial } from './experiment-record.js';
import type { Outcome } from '../shared/outcome.js';
import type { Signal } from '../knowledge/outcome-causes.js';
import { classifyDetailed } from './classify.js';
import { OUTCOME_INFO } from '../knowledge/outcomes.js';
import { SERVICE_NAMES, SERVICE_PROBES, SERVICE_SIGNATURES, type ServiceId } from '../knowledge/services.js';
import { isRoundSeconds, matchTimers, type TimerTrigger } from '../knowledge/server-timers.js';
import { formatMs } from '../duration.js';
import { escapeControls } from '../escape.js';
import { neutralPayloadFor } from './neutral.js';
import { MIDDLEBOX_KINDS, SENDER_SIGNALS } from '../knowledge/locate.js';

/** The facts the experiments' evidence sentences quote (null when an experiment did not establish them). */
export const FINDING_VARS = [
  'serviceName',
  'serviceDetail',
  'expectedService',
  'repeatSummary',
  'repeatDelay',
  'timerCandidates',
  'kOfN',
  'neutralWhat',
  'neutralAnswer',
  'ourFate',
  'locateSummary',
] as const;

export interface Findings {
  signals: Set<Signal>;
  vars: Record<string, string | null>;
  /** the experiment each signal came from */
  source: Map<Signal, ExperimentId>;
}

/** A failure is "prompt" (content filtering acts at once) when it came this soon after our send. */
const PROMPT_MS = 1_000;
/**
 * Delays under this are "at once" (a policy): no configured timer fires this soon, while a program
 * spawned per connection (inetd, socat EXEC) on a busy host can take a few hundred ms to exit.
 */
const IMMEDIATE_MS = 500;

export function findingsOf(obs: Observation, outcome: Outcome): Findings {
  const out: Findings = { signals: new Set(), vars: {}, source: new Map() };
  for (const record of obs.experiments ?? []) {
    const found = CONCLUDE[record.id](record, obs, outcome);
    Object.assign(out.vars, found.vars);
    for (const signal of found.signals) {
      out.signals.add(signal);
      out.source.set(signal, record.id);
    }
  }
  return out;
}

interface Conclusion {
  signals: Signal[];
  vars: Record<string, string | null>;
}

const CONCLUDE: Readonly<Record<ExperimentId, (record: ExperimentRecord, obs: Observation, outcome: Outcome) => Conclusion>> = {
  service_id: concludeService,
  repeat: concludeRepeat,
  neutral_payload: concludeNeutral,
  locate: concludeLocate,
};

/** The locate verdict's signals: who sent it (demotions) and the kind of middlebox (the cause it is). */
function concludeLocate(record: ExperimentRecord): Conclusion {
  const result = record.locate;
  if (!result || !result.ran) return { signals: [], vars: {} };
  const { verdict } = result;
  if (verdict.sender === 'unknown') return { signals: [], vars: {} };
  const signals: Signal[] = [SENDER_SIGNALS[verdict.sender]];
  if (verdict.sender === 'middlebox' && verdict.kind) signals.push(MIDDLEBOX_KINDS[verdict.kind].signal);
  return { signals, vars: { locateSummary: escapeControls(verdict.summary) } };
}

// ---- service identification -------------------------------------------------------------

export interface ServiceFinding {
  service: ServiceId;
  detail: string;
  /** the trial that told */
  trial: string;
}

/** What the trials say listens on the port; null when nothing identified it. */
export function identifyService(record: ExperimentRecord): ServiceFinding | null {
  const finished = record.trials.filter((t) => trialFinished(t.observation));
  const plain = finished.filter((t) => !t.observation.options.tls);
  const text = (t: ExperimentTrial): string => received(t.observation).join('');
  const bySignature = (rows: typeof SERVICE_SIGNATURES): ServiceFinding | null => {
    for (const row of rows) {
      for (const trial of plain) {
        if (!row.trials.includes(trial.label) && !row.trials.includes('*')) continue;
        const m = row.pattern.exec(text(trial));
        if (m) return { service: row.service, detail: escapeControls(row.detail(m, text(trial))), trial: trial.label };
      }
    }
    return null;
  };
  // a banner or PostgreSQL's S/N first: these servers also fail a TLS hello, or answer any bytes
  const specific = bySignature(SERVICE_SIGNATURES.filter((r) => r.service !== 'http' && r.service !== 'redis'));
  if (specific) return specific;
  const tls = finished.find((t) => t.observation.options.tls);
  const established = tls?.observation.events.find((e): e is Extract<TimelineEvent, { kind: 'tls_established' }> => e.kind === 'tls_established');
  if (tls && established) {
    const facts = [established.tls.protocol, established.tls.subject ? `certificate ${established.tls.subject}` : null].filter(Boolean).join(', ');
    return { service: 'tls', detail: escapeControls(`ClientHello answered by a ServerHello: ${facts}`), trial: tls.label };
  }
  const other = bySignature(SERVICE_SIGNATURES.filter((r) => r.service === 'http' || r.service === 'redis'));
  if (other) return other;
  const alert = tls?.observation.events.find((e): e is Extract<TimelineEvent, { kind: 'tls_failed' }> => e.kind === 'tls_failed' && e.alert !== null && !NOT_TLS.test(`${e.code} ${e.message}`));
  if (tls && alert) return { service: 'tls', detail: escapeControls(`ClientHello answered by the TLS alert "${alert.alert}"`), trial: tls.label };
  // every trial connected, none heard a byte, none was turned away: it waits for a protocol we did not try
  const silent =
    finished.length === record.trials.length &&
    finished.length > 0 &&
    finished.every((t) => t.observation.events.some((e) => e.kind === 'connected') && received(t.observation).length === 0 && !endedByPeer(t.observation));
  if (silent) {
    const tried = SERVICE_PROBES.filter((p) => record.trials.some((t) => t.label === p.label)).map((p) => p.what);
    return { service: 'silent', detail: `nothing answered ${tried.join(', ')}`, trial: 'listen' };
  }
  return null;
}

const NOT_TLS = /WRONG_VERSION_NUMBER|wrong version number|PACKET_LENGTH_TOO_LONG|packet length too long|HTTP_REQUEST|http request|UNKNOWN_PROTOCOL|unknown protocol/;

/** The service the user's probe meant to talk to, from its scheme and payload; null when it does not say. */
export function expectedService(obs: Observation): ServiceId | null {
  switch (obs.scheme) {
    case 'http':
    case 'https':
      return 'http';
    case 'redis':
    case 'rediss':
      return 'redis';
    case 'postgres':
      return 'postgres';
    case 'mysql':
      return 'mysql';
    case 'smtp':
      return 'smtp';
    case 'ssh':
      return 'ssh';
    default:
      return obs.options.send === 'http' ? 'http' : null;
  }
}

function concludeService(record: ExperimentRecord, obs: Observation): Conclusion {
  const found = identifyService(record);
  if (!found) return { signals: [], vars: {} };
  const expected = expectedService(obs);
  const vars = {
    serviceName: SERVICE_NAMES[found.service],
    serviceDetail: found.detail,
    expectedService: expected ? SERVICE_NAMES[expected] : null,
  };
  if (found.service === 'silent') return { signals: ['exp_silent_service'], vars };
  if (found.service === 'tls' && !obs.options.tls) return { signals: ['exp_port_speaks_tls'], vars };
  if (found.service !== 'tls' && obs.options.tls) return { signals: ['exp_port_not_tls'], vars };
  // a connection that said nothing expected nothing: what listens is worth knowing, not a mismatch
  if (expected === null) return { signals: found.service === 'tls' || obs.options.send === 'none' ? [] : ['exp_service_named'], vars };
  if (found.service === expected || found.service === 'tls') return { signals: ['exp_same_service'], vars };
  return { signals: ['exp_other_service'], vars };
}

// ---- timing and consistency -----------------------------------------------------------

/** ms from our last send (or from the connection, if we had not sent) to the event the outcome rests on. */
export function failureDelayMs(obs: Observation): number | null {
  const { decisive } = classifyDetailed(obs);
  if (!decisive) return null;
  const before = obs.events.slice(0, obs.events.indexOf(decisive));
  // a reset that beat the connect callback is its own anchor: it came at once after the handshake
  const anchor = [...before].reverse().find((e) => e.kind === 'sent') ?? before.find((e) => e.kind === 'connected') ?? (decisive === establishedEvent(obs) ? decisive : undefined);
  return anchor ? decisive.t - anchor.t : null;
}

function concludeRepeat(record: ExperimentRecord, obs: Observation, outcome: Outcome): Conclusion {
  const finished = record.trials.filter((t) => trialFinished(t.observation)).map((t) => t.observation);
  // a repeat cut off by the budget or an interrupt may have been let in: the rest cannot say
  // "every time" (a limit that let one in would read as a policy)
  if (finished.length < record.trials.length) return { signals: [], vars: {} };
  const runs = [obs, ...finished];
  if (runs.length < 2) return { signals: [], vars: {} };
  const outcomes = runs.map((o) => classifyDetailed(o).outcome);
  const same = outcomes.filter((o) => o === outcome).length;
  const n = runs.length;
  const delays = runs.map(failureDelayMs);
  const shown = delays.map((d) => (d === null ? '?' : formatMs(d))).join(', ');
  const vars: Record<string, string | null> = { kOfN: `${same} of ${n}`, repeatSummary: null, repeatDelay: null, timerCandidates: null };
  if (same < n) {
    const others = [...new Set(outcomes.filter((o) => o !== outcome))].join(', ');
    vars.repeatSummary = `repeated ${n - 1} more time${n === 2 ? '' : 's'}: ${outcome} ${same} of ${n}, otherwise ${others}`;
    // it failed once and then worked: a limit or a load that comes and goes
    const healthyOthers = outcomes.some((o) => OUTCOME_INFO[o].severity !== 'failure');
    return { signals: healthyOthers ? ['exp_repeat_intermittent'] : ['exp_repeat_varies'], vars };
  }
  const known = delays.filter((d): d is number => d !== null);
  vars.repeatSummary = `${outcome} ${n} of ${n} times, after ${shown}`;
  if (known.length < n) return { signals: ['exp_repeat_consistent'], vars };
  const max = Math.max(...known);
  const min = Math.min(...known);
  const median = [...known].sort((a, b) => a - b)[Math.floor(known.length / 2)]!;
  if (max < IMMEDIATE_MS) {
    // a peer that says why it turns us away ("max number of clients reached") has told us; a
    // policy (no backend, an ACL, a program that exits) says nothing
    const silent = !obs.events.some((e) => e.kind === 'received');
    const onConnect = (outcome === 'closed_on_connect' || outcome === 'reset_on_connect') && silent;
    return { signals: [onConnect ? 'exp_repeat_immediate' : 'exp_repeat_consistent'], vars };
  }
  const steady = max - min <= Math.max(60, median * 0.03);
  if (steady && median >= 900) {
    vars.repeatDelay = formatMs(median);
    const trigger: TimerTrigger = !obs.events.some((e) => e.kind === 'sent') ? 'silent_client' : obs.options.send === 'http' || obs.options.send === 'protocol' ? 'after_request' : 'incomplete_request';
    const ended = endedWith(obs);
    const fits = matchTimers(median, trigger, ended).slice(0, 5);
    vars.timerCandidates = fits.length === 0 ? null : fits.map(({ timer, atDefault }) => `${timer.software} ${timer.setting}${atDefault ? ` (its default, ${formatMs(timer.defaultMs!)})` : ''}${timer.note && ended === 'reset' ? ` (${timer.note})` : ''}`).join('; ');
    return { signals: [isRoundSeconds(median) ? 'exp_repeat_timer' : 'exp_repeat_steady_delay'], vars };
  }
  return { signals: ['exp_repeat_consistent'], vars };
}

function endedWith(obs: Observation): 'close' | 'reset' {
  const { decisive } = classifyDetailed(obs);
  return decisive?.kind === 'fin' ? 'close' : 'reset';
}

// ---- payload differential ---------------------------------------------------------------

function concludeNeutral(record: ExperimentRecord, obs: Observation, outcome: Outcome): Conclusion {
  const trial = record.trials.find((t) => trialFinished(t.observation));
  const neutral = neutralPayloadFor(obs);
  if (!trial || !neutral) return { signals: [], vars: {} };
  const reply = received(trial.observation);
  const delay = failureDelayMs(obs);
  const vars: Record<string, string | null> = { neutralWhat: neutral.what, neutralAnswer: null, ourFate: OUR_FATE[outcome] ?? outcome };
  if (reply.length > 0) {
    const first = reply.join('').split('\\r\\n')[0]!.slice(0, 60);
    const sent = trial.observation.events.find((e) => e.kind === 'sent');
    const answer = trial.observation.events.find((e) => e.kind === 'received');
    vars.neutralAnswer = `"${first}"${sent && answer ? ` after ${formatMs(answer.t - sent.t)}` : ''}`;
    // a timer that fired long after our send is not a filter reacting to the content
    const prompt = outcome === 'no_reply' || (delay !== null && delay < PROMPT_MS);
    return { signals: prompt ? ['exp_neutral_answered'] : [], vars };
  }
  return { signals: classifyDetailed(trial.observation).outcome === outcome ? ['exp_neutral_fails_too'] : [], vars };
}

const OUR_FATE: Partial<Record<Outcome, string>> = {
  no_reply: 'got silence',
  reset_after_send: 'was reset',
  closed_after_send: 'was closed without a reply',
};

// ---- helpers -----------------------------------------------------------------------------

function received(obs: Observation): string[] {
  return obs.events.filter((e): e is Extract<TimelineEvent, { kind: 'received' }> => e.kind === 'received').map((e) => e.preview);
}

function endedByPeer(obs: Observation): boolean {
  return obs.events.some((e) => e.kind === 'fin' || e.kind === 'reset' || (e.kind === 'error' && e.phase !== 'connect') || e.kind === 'tls_failed');
}

/** A trial that ran to its own end (not cut off by the follow-up budget or Ctrl-C). */
export function trialFinished(obs: Observation): boolean {
  return obs.events.some((e) => ['fin', 'reset', 'error', 'timeout', 'closed_by_us', 'resolve_failed', 'tls_failed'].includes(e.kind));
}
