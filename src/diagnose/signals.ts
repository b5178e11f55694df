/**
 * Signals: yes/no facts about one timeline that move causes up or down (the rules that use them
 * are data in src/knowledge/outcome-causes.ts).
 */
import type { Observation } from './observation.js';
import type { Outcome } from '../shared/outcome.js';
import { isIdleOutcome, type Facts } from './facts.js';
import type { Signal } from '../knowledge/outcome-causes.js';
import type { HttpFailureCause } from '../knowledge/http-replies.js';

/** A TLS record header (handshake 0x16 or alert 0x15, version 3.x) as the escaped preview shows it. */
const TLS_RECORD = /^\\x1[56]\\x03\\x0[0-4]/;
/** What servers that speak TLS say to a plain HTTP request (Go net/http, nginx). */
const HTTPS_PORT_WORDS = /HTTP request to an HTTPS server|plain HTTP request was sent to HTTPS port|requires? (TLS|SSL)/i;
/** OpenSSL's words for a peer that answered our ClientHello with something that is not TLS. */
const NOT_TLS_ERRORS = /WRONG_VERSION_NUMBER|wrong version number|PACKET_LENGTH_TOO_LONG|packet length too long|HTTP_REQUEST|http request|UNKNOWN_PROTOCOL|unknown protocol/;
/** 4xx: the client's business; a 5xx has signals of its own (the cause its status points to). */
const HTTP_CLIENT_ERROR_STATUS = /^HTTP\/\d(\.\d)? 4\d\d/;
/** What servers at a connection limit say (MySQL, PostgreSQL "too many clients", Redis "max number of clients reached"). */
const LIMIT_WORDS = /too many (connections|clients)|max(imum)?[ _-]?connections|max(imum)? number of (clients|connections)|server (is )?busy|overloaded|try again later/i;

type Check = (obs: Observation, outcome: Outcome, facts: Facts) => boolean;

/** Signals read off the timeline itself; the `exp_` ones come from follow-up experiments (findings.ts). */
type TimelineSignal = Exclude<Signal, `exp_${string}`>;

const CHECKS: Readonly<Record<TimelineSignal, Check>> = {
  reply_looks_tls_on_plain: (obs, _o, f) => !obs.options.tls && TLS_RECORD.test(f.replyText || f.bannerText),
  reply_says_https_port: (obs, _o, f) => !obs.options.tls && HTTPS_PORT_WORDS.test(f.replyText),
  tls_peer_not_tls: (_obs, _o, f) => f.tlsFailure !== null && NOT_TLS_ERRORS.test(`${f.tlsFailure.code} ${f.tlsFailure.message}`),
  tls_alert: (_obs, _o, f) => f.tlsFailure?.alert != null,
  tls_reset_after_hello: (obs, outcome) => outcome === 'tls_failure' && obs.events.some((e) => e.phase === 'tls' && e.kind === 'reset'),
  idle_matches_known_middlebox: (_obs, _o, f) => f.knownIdle?.enforcer === 'middlebox',
  idle_matches_known_server: (_obs, _o, f) => f.knownIdle?.enforcer === 'server',
  idle_round_seconds: (_obs, _o, f) => f.dropSeen && f.silenceMs !== null && f.silenceMs >= 1000 && isRoundSeconds(f.silenceMs),
  silent_client_timed_out: (obs, outcome) =>
    (outcome === 'closed_on_connect' || outcome === 'reset_on_connect') && isRoundSeconds(connectedToEndMs(obs) ?? 0) && (connectedToEndMs(obs) ?? 0) >= 1000,
  reply_is_http_error: (_obs, _o, f) => HTTP_CLIENT_ERROR_STATUS.test(f.replyText),
  http_upstream_reset: (_obs, _o, f) => serverErrorCause(f) === 'upstream_reset',
  http_upstream_unavailable: (_obs, _o, f) => serverErrorCause(f) === 'upstream_unavailable',
  http_upstream_timeout: (_obs, _o, f) => serverErrorCause(f) === 'upstream_timeout',
  http_app_error: (_obs, _o, f) => serverErrorCause(f) === 'app_server_error',
  reply_mentions_limit: (_obs, _o, f) => LIMIT_WORDS.test(`${f.bannerText} ${f.replyText}`),
  keepalive_was_on: (obs, outcome) => obs.options.keepaliveMs !== null && isIdleOutcome(outcome),
  host_unreachable_at_once: (obs, outcome) => outcome === 'unreachable' && (hostUnreachableAfterMs(obs) ?? Infinity) < ARP_GIVE_UP_MS / 3,
  host_unreachable_after_arp: (obs, outcome) => outcome === 'unreachable' && (hostUnreachableAfterMs(obs) ?? 0) >= ARP_GIVE_UP_MS * 0.8,
  failure_round_delay: (obs, outcome) => {
    if (outcome !== 'reset_after_send' && outcome !== 'closed_after_send') return false;
    const delay = sentToEndMs(obs);
    return delay !== null && delay >= 1000 && isRoundSeconds(delay);
  },
};

/** ms from our first send to the peer's FIN or RST, or null without both. */
function sentToEndMs(obs: Observation): number | null {
  const sent = obs.events.find((e) => e.kind === 'sent');
  const end = obs.events.find((e) => e.kind === 'fin' || e.kind === 'reset');
  return sent && end && end.t >= sent.t ? end.t - sent.t : null;
}

/** The cause a 5xx reply points to (src/knowledge/http-replies.ts), or null without one. */
function serverErrorCause(f: Facts): HttpFailureCause | null {
  return f.http !== null && f.http.reply.status >= 500 ? f.http.cause : null;
}

/** Linux gives up resolving a neighbour after 3 probes 1 s apart (mcast_solicit 3, retrans_time 1 s). */
const ARP_GIVE_UP_MS = 3000;

/** ms from the connect attempt to EHOSTUNREACH, or null when the connect did not fail that way. */
function hostUnreachableAfterMs(obs: Observation): number | null {
  const connecting = obs.events.find((e) => e.kind === 'connecting');
  const failed = obs.events.find((e) => e.kind === 'error' && e.code === 'EHOSTUNREACH');
  return connecting && failed ? failed.t - connecting.t : null;
}

/** ms from the connection's establishment to the peer's FIN or RST, or null without both. */
function connectedToEndMs(obs: Observation): number | null {
  const connected = obs.events.find((e) => e.kind === 'connected');
  const end = obs.events.find((e) => e.kind === 'fin' || e.kind === 'reset');
  return connected && end ? end.t - connected.t : null;
}

/** Within 2 % (at least 50 ms) of a whole number of seconds, as a configured timer fires. */
function isRoundSeconds(ms: number): boolean {
  const nearest = Math.round(ms / 1000) * 1000;
  return Math.abs(ms - nearest) <= Math.max(50, ms * 0.02);
}

export function signalsOf(obs: Observation, outcome: Outcome, facts: Facts): Set<Signal> {
  const found = new Set<Signal>();
  for (const [signal, check] of Object.entries(CHECKS) as [TimelineSignal, Check][]) {
    if (check(obs, outcome, facts)) found.add(signal);
  }
  return found;
}
