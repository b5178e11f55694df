/**
 * Outcome classification: one label of the vocabulary, derived from the timeline alone.
 *
 * The first *decisive* event wins: a reset, a close, a socket error, a failed handshake, or a
 * timer that expired where the peer owed us something. What came before it (did we send? did a
 * reply arrive?) and the phase it happened in pick the label. Timers that merely end a phase
 * normally (no banner, the quiet after a complete reply) are not decisive. A wire that behaved
 * but carried an HTTP 5xx is then refined to `http_5xx`.
 */
import type { Observation, Phase, TimelineEvent } from './observation.js';
import type { Outcome } from '../shared/outcome.js';
import { CONNECT_ERROR_OUTCOMES, RESET_LIKE_CODES } from '../knowledge/outcomes.js';
import { firstServerError, replyChunks } from './http-reply.js';
import { truncationAt } from './http-framing.js';

export interface Classification {
  outcome: Outcome;
  /** the event the outcome rests on (null for `ok` without a decisive event) */
  decisive: TimelineEvent | null;
}

/** Where the connection stood when an event arrived. */
interface Progress {
  connected: boolean;
  sent: boolean;
  /** bytes received since our most recent send (the reply to it) */
  replyBytes: number;
  /** time of the last received byte, to tell a quiet end of a reply from a cut-off */
  lastReceivedT: number | null;
  resumed: boolean;
}

export function classify(obs: Observation): Outcome {
  return classifyDetailed(obs).outcome;
}

export function classifyDetailed(obs: Observation): Classification {
  return refineHttp(obs, classifyWire(obs));
}

/**
 * Outcomes that say the wire behaved: the reply came whole and the connection closed gracefully
 * or stayed open. Only these are refined by what the reply said; a reset, a timeout or a stall
 * keeps its wire label (its evidence still names the HTTP status).
 */
const REFINABLE: ReadonlySet<Outcome> = new Set<Outcome>(['ok', 'reply_then_close']);

/**
 * An HTTP 5xx over a healthy connection is what a user behind a proxy meets as "connection reset
 * by peer" one hop further: nginx answering 502 because its upstream reset. The reply itself
 * shows the peer speaks HTTP, whatever the scheme or payload. An --expect that matched is the
 * user's own verdict on the reply (a check may expect a maintenance 503), so it is left alone.
 */
function refineHttp(obs: Observation, wire: Classification): Classification {
  // a body cut short by the peer's FIN or RST is a failure of its own, whatever its status said
  if ((wire.outcome === 'reply_then_close' || wire.outcome === 'reply_then_reset') && wire.decisive && truncationAt(obs, wire.decisive)) {
    return { outcome: 'reply_truncated', decisive: wire.decisive };
  }
  if (!REFINABLE.has(wire.outcome)) return wire;
  // the reply came and the peer then closed (its FIN is on the timeline before our check ran): the
  // user's --expect or --expect-status verdict on that reply still decides, as on a kept connection
  const unmet = obs.events.find((e) => e.kind === 'expect_failed');
  if (unmet) return { outcome: 'expect_failed', decisive: unmet };
  if (obs.events.some((e) => e.kind === 'expect_matched')) return wire;
  // no byte received, no reply to read a status from (a connect check's usual timeline)
  const failed = obs.events.some(isReceived) ? firstServerError(replyChunks(obs)) : null;
  return failed ? { outcome: 'http_5xx', decisive: failed.first } : wire;
}

function isReceived(event: TimelineEvent): boolean {
  return event.kind === 'received';
}

function classifyWire(obs: Observation): Classification {
  const p: Progress = { connected: false, sent: false, replyBytes: 0, lastReceivedT: null, resumed: false };
  let replyOpen = false;
  for (const event of obs.events) {
    if (replyOpen && endsReplyPhase(event)) {
      replyOpen = false;
      if (stoppedMidHeader(obs, p)) return { outcome: 'slow_reply', decisive: lastReceived(obs, event) };
    }
    const outcome = decide(event, p, obs);
    if (outcome !== null) return { outcome, decisive: event };
    advance(event, p);
    if (event.kind === 'sent' && event.phase !== 'resume') replyOpen = true;
  }
  if (replyOpen && stoppedMidHeader(obs, p)) return { outcome: 'slow_reply', decisive: lastReceived(obs, null) };
  return { outcome: endOfTimeline(p, obs), decisive: null };
}

function endsReplyPhase(event: TimelineEvent): boolean {
  return event.phase === 'idle' || event.phase === 'resume' || event.kind === 'closed_by_us' || event.kind === 'expect_matched' || event.kind === 'expect_failed';
}

/**
 * The probe ends a reply after a short quiet period, so a peer that trickles bytes slower than
 * that leaves a reply that merely looks short. For HTTP the wire still tells: a response that
 * stopped before the end of its header block was not finished. Previews cut short (…) came in
 * big chunks, which is not a trickle.
 */
function stoppedMidHeader(obs: Observation, p: Progress): boolean {
  if (obs.options.send !== 'http' || p.replyBytes === 0) return false;
  const previews = replyPreviews(obs);
  if (previews.some((preview) => preview.endsWith('…'))) return false;
  const text = previews.join('');
  const looksHttp = text.startsWith('HTTP/') || 'HTTP/'.startsWith(text);
  return looksHttp && !text.includes('\\r\\n\\r\\n');
}

/** Previews of the bytes received after our first send, up to the end of the reply phase. */
function replyPreviews(obs: Observation): string[] {
  const out: string[] = [];
  let sent = false;
  for (const event of obs.events) {
    if (event.kind === 'sent') {
      if (sent) break;
      sent = true;
    } else if (sent && event.kind === 'received' && (event.phase === 'reply' || event.phase === 'send')) {
      out.push(event.preview);
    }
  }
  return out;
}

function lastReceived(obs: Observation, before: TimelineEvent | null): TimelineEvent | null {
  let found: TimelineEvent | null = null;
  for (const event of obs.events) {
    if (event === before) break;
    if (event.kind === 'received') found = event;
  }
  return found;
}

function advance(event: TimelineEvent, p: Progress): void {
  switch (event.kind) {
    case 'connected':
      p.connected = true;
      break;
    case 'sent':
      p.sent = true;
      p.replyBytes = 0;
      if (event.phase === 'resume') p.resumed = true;
      break;
    case 'received':
      p.replyBytes += event.bytes;
      p.lastReceivedT = event.t;
      break;
    default:
      break;
  }
}

/** The outcome this event settles, or null when it does not settle anything. */
function decide(event: TimelineEvent, p: Progress, obs: Observation): Outcome | null {
  switch (event.kind) {
    case 'resolve_failed':
      return 'dns_failure';
    case 'tls_failed':
      return 'tls_failure';
    case 'tls_untrusted':
      return 'tls_untrusted';
    case 'interrupted':
      return 'interrupted';
    case 'expect_failed':
      return 'expect_failed';
    case 'reset':
      return peerEnded('reset', event.phase, p);
    case 'fin':
      return peerEnded('fin', event.phase, p);
    case 'error':
      return socketError(event.code, event.phase, p);
    case 'timeout':
      return timerExpired(event.phase, event.t, event.limitMs, p, obs);
    default:
      return null;
  }
}

function socketError(code: string, phase: Phase, p: Progress): Outcome {
  if (!p.connected) return CONNECT_ERROR_OUTCOMES[code] ?? (code === 'ECONNRESET' ? 'reset_on_connect' : 'error');
  // A write into a connection the peer already dropped surfaces as EPIPE: the wire saw a reset.
  if (RESET_LIKE_CODES.includes(code)) return peerEnded('reset', phase, p);
  if (code === 'ETIMEDOUT' && (phase === 'resume' || phase === 'idle')) return 'timeout_on_resume';
  return 'error';
}

function peerEnded(how: 'reset' | 'fin', phase: Phase, p: Progress): Outcome {
  if (phase === 'tls') return 'tls_failure';
  if (phase === 'resolve' || phase === 'connect') return how === 'reset' ? 'reset_on_connect' : 'closed_on_connect';
  if (phase === 'idle') return how === 'reset' ? 'reset_while_idle' : 'closed_while_idle';
  if (phase === 'resume' || p.resumed) {
    if (p.replyBytes > 0) return how === 'reset' ? 'reply_then_reset' : 'reply_then_close';
    return how === 'reset' ? 'reset_on_resume' : 'closed_on_resume';
  }
  if (!p.sent) return how === 'reset' ? 'reset_on_connect' : 'closed_on_connect';
  if (p.replyBytes > 0) return how === 'reset' ? 'reply_then_reset' : 'reply_then_close';
  return how === 'reset' ? 'reset_after_send' : 'closed_after_send';
}

/**
 * A reply that ends after a full quiet period is complete; a timer that fires while bytes are
 * still arriving (the last one came less than a quiet period ago) cut a slow reply short.
 */
const QUIET_FRACTION = 0.9;

function timerExpired(phase: Phase, t: number, limitMs: number, p: Progress, obs: Observation): Outcome | null {
  switch (phase) {
    case 'resolve':
    case 'connect':
      return p.connected ? null : 'connect_timeout';
    case 'tls':
      return 'tls_failure';
    case 'banner':
    case 'idle':
      return null;
    case 'send':
      return 'send_stalled';
    case 'reply':
    case 'resume': {
      const inResume = phase === 'resume' || p.resumed;
      if (!p.sent) return obs.options.sendBytes > 0 ? 'send_stalled' : null;
      if (p.replyBytes === 0) return inResume ? 'timeout_on_resume' : 'no_reply';
      const sinceLastByte = t - (p.lastReceivedT ?? t);
      return sinceLastByte < limitMs * QUIET_FRACTION && sinceLastByte < obs.options.replyTimeoutMs * QUIET_FRACTION
        ? 'slow_reply'
        : null;
    }
  }
}

/** No decisive event: the peer behaved, as far as this probe asked. */
function endOfTimeline(p: Progress, obs: Observation): Outcome {
  if (!p.connected) return 'error';
  if (obs.options.sendBytes > 0 && !p.sent) return 'send_stalled';
  if (p.sent && p.replyBytes === 0) return p.resumed ? 'timeout_on_resume' : 'no_reply';
  return 'ok';
}
