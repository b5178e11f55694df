/**
 * The outcome vocabulary as data: what each label means on the wire, how bad it is, and which
 * family of client error a program would have seen. The README's outcome table is this table.
 */
import type { Outcome } from '../shared/outcome.js';
import type { ClientErrorFamily } from './client-errors.js';

/** ok: healthy; warning: worked, but with a caveat worth knowing; failure: what the user is hunting. */
export type Severity = 'ok' | 'warning' | 'failure';

export interface OutcomeInfo {
  /** the summary of one probe with this outcome, filled from its timeline: the first alternative whose facts the timeline has, else `wire` */
  story: readonly string[];
  /** what happened on the wire, in one sentence (README, reports) */
  wire: string;
  severity: Severity;
  /** what the user's own client would have reported; null when nothing went wrong */
  clientError: ClientErrorFamily | null;
}

export const OUTCOME_INFO: Readonly<Record<Outcome, OutcomeInfo>> = {
  ok: {
    story: [
      'Connected to {remote} and got {reply} ({httpStatus}) to {sent}; the connection stayed usable.',
      'Connected to {remote} and got {reply} to {sent}; the connection stayed usable.',
      'Connected to {remote} and got a {bannerBytes}-byte banner; the connection stayed usable.',
      'Connected to {remote}; the connection stayed usable.',
    ],
    wire: 'Connected, sent the payload, got a reply (or a banner); the connection stayed usable through any idle hold and resume.',
    severity: 'ok',
    clientError: null,
  },
  dns_failure: {
    // -6 on a name with only IPv4 addresses (or -4, only IPv6): it resolved, just not to that family
    story: ['{host} resolved, but {familyMissing}: nothing to connect to with -{wantedFamily}.', '{host} did not resolve ({errorCode}).'],
    wire: 'The name did not resolve: no packet was sent to the host.',
    severity: 'failure',
    clientError: 'dns',
  },
  refused: {
    story: ['The connection to {remote} was refused {connectAnswer} after our SYN.'],
    wire: 'Our SYN was answered with an RST (or ICMP port unreachable): nothing listens on the port, or a firewall rejects it.',
    severity: 'failure',
    clientError: 'refused',
  },
  unreachable: {
    story: ['The connection to {remote} failed with {errorCode}: no route to it.'],
    wire: 'ICMP host or network unreachable, or no local route: the SYN could not be delivered.',
    severity: 'failure',
    clientError: 'unreachable',
  },
  connect_timeout: {
    story: ['Our SYN to {remote} got no answer within {connectTimeout}.'],
    wire: 'Our SYN got no answer at all within the connect timeout: dropped by a firewall, a black-holed route, a dead host or a full accept queue.',
    severity: 'failure',
    clientError: 'connect_timeout',
  },
  reset_on_connect: {
    story: [
      'Connected to {remote}, then the peer reset the connection {afterConnect} later, before we sent anything.',
      'The peer reset the connection to {remote} {connectAnswer} after our SYN, before we sent anything: the handshake had completed (a refusal would be ECONNREFUSED).',
    ],
    wire: 'The TCP handshake completed, then the peer sent an RST before we sent anything.',
    severity: 'failure',
    clientError: 'reset',
  },
  closed_on_connect: {
    story: [
      'Connected to {remote}, then the peer closed the connection {afterConnect} later, before we sent anything.',
      'The peer closed the connection to {remote} {connectAnswer} after our SYN, before we sent anything.',
    ],
    wire: 'The TCP handshake completed, then the peer closed (FIN) before we sent anything, possibly after a banner.',
    severity: 'failure',
    clientError: 'eof',
  },
  tls_failure: {
    story: ['Connected to {remote}, but the TLS handshake failed: {tlsError}.'],
    wire: 'TCP connected but the TLS handshake failed: an alert, an RST or a FIN from the peer, or bytes that are not TLS.',
    severity: 'failure',
    clientError: 'tls',
  },
  interrupted: {
    story: ['Stopped by {stopReason} during the {stopPhase} phase, {stopAfter} into the probe: the timeline shows what was seen until then; no outcome was observed and nothing is concluded.'],
    wire: 'The probe was stopped (Ctrl-C, SIGTERM, SIGHUP) before it could observe an outcome: the partial timeline is reported, with no diagnosis.',
    severity: 'failure',
    clientError: null,
  },
  tls_untrusted: {
    story: [
      'Connected to {remote} and completed the TLS handshake, but the certificate {tlsSubject} is not trusted: {tlsUntrusted}.',
      'Connected to {remote} and completed the TLS handshake, but the certificate is not trusted: {tlsUntrusted}.',
    ],
    wire: 'The TLS handshake completed, but the certificate did not verify (self-signed, unknown issuer, expired, or for another host), so we sent nothing. Use --cacert for a private CA or -k to skip the check.',
    severity: 'failure',
    clientError: 'tls_untrusted',
  },
  reset_after_send: {
    story: ['The peer reset the connection {afterSend} after {sent}, without replying.'],
    wire: 'We sent the payload; the peer answered with an RST and no reply.',
    severity: 'failure',
    clientError: 'reset',
  },
  closed_after_send: {
    story: ['The peer closed the connection {afterSend} after {sent}, without replying.'],
    wire: 'We sent the payload; the peer closed the connection (FIN) without replying.',
    severity: 'failure',
    clientError: 'eof',
  },
  no_reply: {
    story: ['No reply to {sent} within {replyTimeout}; the connection stayed open.'],
    wire: 'We sent the payload; the connection stayed open but not one byte came back within the reply timeout.',
    severity: 'failure',
    clientError: 'read_timeout',
  },
  send_stalled: {
    story: [
      'The peer stopped reading: {limit} after we began writing {intended}, it still had not all left our buffers.',
      'The peer stopped reading: {intended} could not be sent.',
    ],
    wire: 'The peer stopped reading: its receive window stayed closed and our payload could not be sent within the timeout.',
    severity: 'failure',
    clientError: 'write_timeout',
  },
  reply_then_reset: {
    story: ['The peer sent {reply} to {sent}, then reset the connection {afterReply} later.'],
    wire: 'The peer replied, then reset the connection (RST) instead of closing it gracefully.',
    severity: 'failure',
    clientError: 'reset',
  },
  reply_then_close: {
    story: ['The peer sent {reply} to {sent}, then closed the connection {afterReply} later.'],
    wire: 'The peer replied, then closed the connection (FIN): fine for one request, but the connection cannot be reused.',
    severity: 'warning',
    clientError: null,
  },
  http_5xx: {
    story: [
      'The TCP connection to {remote} is fine, but the request failed: {httpAnswerer} answered {httpStatus} {httpAfter} after {sent} and {connectionFate}.',
      'The TCP connection to {remote} is fine, but the request failed: the answer to {sent} was {httpStatus}.',
    ],
    wire: 'The connection behaved (the reply came whole; the peer closed gracefully or kept the connection open), but the reply was an HTTP 5xx: the server, or the upstream behind a proxy (502, 503, 504), failed the request.',
    severity: 'failure',
    clientError: 'http_5xx',
  },
  slow_reply: {
    story: [
      'The reply to {sent} trickled in ({replyBytes} in {replySpan}) and had not reached the end of its headers when the read ended.',
      'The reply to {sent} trickled in ({replyBytes}) and had not reached the end of its headers when the read ended.',
    ],
    wire: 'The reply came too slowly to finish: bytes still trickling in when the reply timeout ended the read, or an HTTP reply stopped before the end of its headers.',
    severity: 'failure',
    clientError: 'read_timeout',
  },
  expect_failed: {
    story: ['The reply {replyPreview} did not match /{expect}/.'],
    wire: 'A reply arrived but did not match --expect.',
    severity: 'failure',
    clientError: null,
  },
  reset_while_idle: {
    story: ['After {silence} of silence the peer reset the connection.'],
    wire: 'During the idle hold, with no traffic either way, the peer reset the connection (RST).',
    severity: 'failure',
    clientError: 'reset',
  },
  closed_while_idle: {
    story: ['After {silence} of silence the peer closed the connection gracefully (FIN).'],
    wire: 'During the idle hold, with no traffic either way, the peer closed the connection gracefully (FIN): an idle timeout.',
    severity: 'failure',
    clientError: 'stale_reuse',
  },
  reset_on_resume: {
    story: ['The connection stayed silent for {silence}; our next {sentResume} was answered with an RST {afterSend} later.'],
    wire: 'The connection stayed silent through the idle hold, but our first send after it was answered with an RST: the peer or a middlebox had forgotten the connection.',
    severity: 'failure',
    clientError: 'reset',
  },
  timeout_on_resume: {
    story: ['The connection stayed silent for {silence}; our next {sentResume} got no answer within {replyTimeout}.'],
    wire: 'The connection stayed silent through the idle hold; our send after it got no answer at all: its packets are being dropped.',
    severity: 'failure',
    clientError: 'read_timeout',
  },
  closed_on_resume: {
    story: ['The connection stayed silent for {silence}; our next {sentResume} was answered with a close (FIN).'],
    wire: 'The connection stayed silent through the idle hold; our send after it was answered by a close (FIN) with no reply.',
    severity: 'failure',
    clientError: 'eof',
  },
  reply_truncated: {
    story: [
      'The peer sent {reply} to {sent} (status {truncStatus}, {bodyFraming}), then {truncEnd} with {bodyMissing} of the body missing.',
      'The peer sent {reply} to {sent} (status {truncStatus}, {bodyFraming}), then {truncEnd} before the end of the body.',
    ],
    wire: 'An HTTP reply was cut short: the peer closed (FIN) or reset (RST) the connection before the end of the body its Content-Length or chunked framing announced.',
    severity: 'failure',
    clientError: 'truncated',
  },
  error: {
    story: ['The socket failed with {errorCode}: {errorMessage}.'],
    wire: 'Another socket error; the timeline shows which.',
    severity: 'failure',
    clientError: null,
  },
};

/** Socket errors before the connection was established, and the outcome each one means. */
export const CONNECT_ERROR_OUTCOMES: Readonly<Record<string, Outcome>> = {
  ECONNREFUSED: 'refused',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  EHOSTDOWN: 'unreachable',
  ENETDOWN: 'unreachable',
  EACCES: 'unreachable', // a local firewall rule (ICMP admin-prohibited) refusing the connect
  EPERM: 'unreachable',
  ETIMEDOUT: 'connect_timeout',
  ECONNRESET: 'reset_on_connect',
  ENOTFOUND: 'dns_failure',
  EAI_AGAIN: 'dns_failure',
};

/** Socket error codes that mean the peer (or something on the path) reset the connection. */
export const RESET_LIKE_CODES: readonly string[] = ['ECONNRESET', 'EPIPE', 'ECONNABORTED'];

export function isHealthy(outcome: Outcome): boolean {
  return OUTCOME_INFO[outcome].severity !== 'failure';
}
