/**
 * What a check expects of one target, and whether an observation meets it. Pure: no I/O, so it is
 * tested on recorded observations. A check can expect an outcome (or any of several), a close
 * during the idle hold within a time window (a server's idle timeout is a contract too), and a
 * reply matching a pattern.
 */
import type { Observation, TimelineEvent } from '../diagnose/observation.js';
import type { Diagnosis } from '../diagnose/diagnosis.js';
import type { Outcome } from '../shared/outcome.js';
import { formatMs } from '../duration.js';
import { matchesPattern } from '../pattern.js';

/** The outcomes for which a time window makes sense: the peer (or a middlebox) ended an idle connection. */
export const IDLE_OUTCOMES = ['closed_while_idle', 'reset_while_idle'] as const satisfies readonly Outcome[];

export interface TimeWindow {
  minMs: number;
  maxMs: number;
}

export interface Expectation {
  /** any of these outcomes meets the expectation; empty = any outcome (only with `reply`) */
  outcomes: readonly Outcome[];
  /** for idle outcomes: the peer must end the connection after this much silence (its idle timeout) */
  idleWindow: TimeWindow | null;
  /** regex source the reply must match */
  reply: string | null;
  /**
   * The default expectation: the probe's own verdict. `ok`, or any outcome `probe` calls healthy
   * (a complete reply and a graceful close, reply_then_close): one health policy for both commands.
   */
  healthy?: true;
}

export const DEFAULT_EXPECTATION: Expectation = { outcomes: ['ok'], idleWindow: null, reply: null, healthy: true };

export interface Verdict {
  pass: boolean;
  /** why the expectation did not hold, one sentence each; empty when it passed */
  reasons: string[];
  /** what was seen, for people: "closed_while_idle after 5.0 s of idle" */
  observed: string;
}

/** "ok", "refused|connect_timeout", "closed_while_idle within 4.5 s..5.5 s", "reply /^\+PONG/" */
export function describeExpectation(exp: Expectation): string {
  const parts: string[] = [];
  if (exp.outcomes.length > 0) parts.push(exp.outcomes.join('|'));
  if (exp.idleWindow) parts.push(`within ${describeWindow(exp.idleWindow)}`);
  if (exp.reply !== null) parts.push(`reply /${exp.reply}/`);
  return parts.length > 0 ? parts.join(' ') : 'any outcome';
}

export function describeWindow(w: TimeWindow): string {
  return w.minMs === 0 ? `≤ ${formatMs(w.maxMs)}` : `${formatMs(w.minMs)}..${formatMs(w.maxMs)}`;
}

/**
 * How long the connection had been silent when the peer ended it during the idle hold, or null if
 * it did not. Silence counts from the last byte either way (the server's idle timer starts at its
 * own last write), which is the number a keep-alive or idle timeout is configured in.
 */
export function idleCloseAfterMs(obs: Observation): number | null {
  let idleStarted = false;
  let lastActivity: number | null = null;
  for (const ev of obs.events) {
    if (ev.kind === 'idle_start') {
      idleStarted = true;
      lastActivity ??= ev.t;
    } else if (ev.kind === 'sent' || ev.kind === 'received' || ev.kind === 'connected' || ev.kind === 'tls_established') {
      lastActivity = ev.t;
    } else if (idleStarted && ev.phase === 'idle' && endsConnection(ev)) {
      return ev.t - (lastActivity ?? 0);
    }
  }
  return null;
}

function endsConnection(ev: TimelineEvent): boolean {
  return ev.kind === 'fin' || ev.kind === 'reset' || ev.kind === 'error';
}

/** Whether the reply matched: the probe's own verdict when it ran with the pattern, else the received previews. */
export function replyMatches(obs: Observation, pattern: string): boolean {
  for (const ev of obs.events) {
    if (ev.kind === 'expect_matched' && ev.pattern === pattern) return true;
    if (ev.kind === 'expect_failed' && ev.pattern === pattern) return false;
  }
  const reply = obs.events
    .filter((ev): ev is Extract<TimelineEvent, { kind: 'received' }> => ev.kind === 'received')
    .map((ev) => ev.preview)
    .join('');
  return matchesPattern(pattern, reply);
}

export function evaluate(exp: Expectation, obs: Observation, diagnosis: Pick<Diagnosis, 'outcome' | 'healthy'>): Verdict {
  const outcome = diagnosis.outcome;
  const reasons: string[] = [];
  const healthyEnough = exp.healthy === true && diagnosis.healthy;
  if (exp.outcomes.length > 0 && !exp.outcomes.includes(outcome) && !healthyEnough) {
    reasons.push(`expected ${exp.outcomes.join(' or ')}, observed ${outcome}`);
  }
  // only an idle hold has a close while idle: no walk of the timeline for a connect check
  const closedAfter = exp.idleWindow || isIdleOutcome(outcome) ? idleCloseAfterMs(obs) : null;
  if (exp.idleWindow) {
    if (closedAfter === null) {
      reasons.push(`expected the peer to end the connection after ${describeWindow(exp.idleWindow)} of silence; it did not end it while idle`);
    } else if (closedAfter < exp.idleWindow.minMs || closedAfter > exp.idleWindow.maxMs) {
      reasons.push(
        `expected the peer to end the connection after ${describeWindow(exp.idleWindow)} of silence; it ended it after ${formatMs(closedAfter)}`,
      );
    }
  }
  const matched = exp.reply === null ? null : replyMatches(obs, exp.reply);
  if (matched === false) reasons.push(`the reply did not match /${exp.reply}/`);
  let observed: string = outcome;
  if (closedAfter !== null && isIdleOutcome(outcome)) observed = `${outcome} after ${formatMs(closedAfter)} silent`;
  if (matched !== null) observed = `${observed}, reply ${matched ? 'matched' : 'did not match'}`;
  return { pass: reasons.length === 0, reasons, observed };
}

export function isIdleOutcome(outcome: Outcome): boolean {
  return (IDLE_OUTCOMES as readonly Outcome[]).includes(outcome);
}
