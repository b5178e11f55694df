/**
 * The fault lab's scenarios, as data: one port each, what the server on it does, and what
 * `connreset probe` should conclude about it. The lab command lists this table, the demo and the
 * integration tests probe every row, and the README documents it.
 */
import type { Outcome } from '../shared/outcome.js';
import type { CauseId } from '../knowledge/causes.js';

/** How the server on a scenario's port behaves (implemented in src/lab/handlers.ts). */
export const HANDLER_KINDS = [
  'http-keepalive',
  'reset-on-accept',
  'close-on-accept',
  'reset-on-request',
  'close-on-request',
  'reply-then-reset',
  'reply-then-close',
  'close-when-idle',
  'reset-when-idle',
  'forget-when-idle',
  'blackhole-when-idle',
  'never-reply',
  'trickle',
  'never-read',
  'tls-on-plain',
  'http-strict',
  'smtp-banner',
  'nothing-listening',
  'bad-gateway',
  'no-healthy-upstream',
  'gateway-timeout',
  'truncated-body',
] as const;

export type HandlerKind = (typeof HANDLER_KINDS)[number];

/**
 * What the listening socket speaks before the handler sees the connection: plain TCP, TLS with
 * the lab's certificate, or TLS restricted to TLS 1.0 (which modern clients refuse to offer).
 */
export type Transport = 'tcp' | 'tls' | 'tls-1.0-only';

export interface Scenario {
  name: string;
  /** what the server does, for people (lab listing, README) */
  description: string;
  /** what a resilient client should do about this fault ("a resilient client should …") */
  clientShould: string;
  /** port = base + offset when the lab runs on a base port */
  offset: number;
  handler: HandlerKind;
  transport: Transport;
  /** the scheme to probe it with (the one a client of this port would use) */
  scheme: 'http' | 'https' | 'tcp' | 'smtp';
  /** whether the probe must hold the connection idle past the lab's idle time to see the fault */
  idle: boolean;
  /**
   * send this many bytes instead of the scheme's payload (null: the scheme's own); from the CLI
   * that is `--send zeros:SIZE`, which the lab's suggested command uses.
   */
  payloadBytes: number | null;
  expectedOutcome: Outcome;
  /** null when the outcome is healthy and there is nothing to explain */
  expectedTopCause: CauseId | null;
  /**
   * The top cause once the follow-up experiments ran, where it differs from the timeline's alone:
   * what `connreset probe` (follow-ups on) prints, while the demo ranks from the timeline only.
   */
  topCauseAfterFollowups?: CauseId;
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'ok',
    description: 'HTTP keep-alive server: replies to every request and keeps the connection open indefinitely.',
    clientShould: 'work normally: this is the baseline (and an endless idle hold for `connreset idle`).',
    offset: 0,
    handler: 'http-keepalive',
    transport: 'tcp',
    scheme: 'http',
    idle: true,
    payloadBytes: null,
    expectedOutcome: 'ok',
    expectedTopCause: null,
  },
  {
    name: 'reset-on-accept',
    description: 'Accepts the connection, then resets it at once (RST), before reading anything.',
    clientShould: 'treat ECONNRESET on a fresh connection as retryable with backoff and jitter, and give up after a few tries.',
    offset: 1,
    handler: 'reset-on-accept',
    transport: 'tcp',
    scheme: 'http',
    idle: false,
    payloadBytes: null,
    expectedOutcome: 'reset_on_connect',
    expectedTopCause: 'connection_limit',
    // every attempt is turned away at once, 3 of 3, and no service answers: a policy, not a momentary limit
    topCauseAfterFollowups: 'turned_away_by_policy',
  },
  {
    name: 'close-on-accept',
    description: 'Accepts the connection, then closes it gracefully (FIN) at once, without a word.',
    clientShould: 'report "connection closed before the request" clearly, retry with backoff, and not hang waiting for a reply.',
    offset: 2,
    handler: 'close-on-accept',
    transport: 'tcp',
    scheme: 'http',
    idle: false,
    payloadBytes: null,
    expectedOutcome: 'closed_on_connect',
    expectedTopCause: 'connection_limit',
    // every attempt is turned away at once, 3 of 3, and no service answers: a policy, not a momentary limit
    topCauseAfterFollowups: 'turned_away_by_policy',
  },
  {
    name: 'reset-on-request',
    description: 'Reads the request, then resets the connection (RST) without replying.',
    clientShould: 'surface the reset with the request that caused it; retry only idempotent requests.',
    offset: 3,
    handler: 'reset-on-request',
    transport: 'tcp',
    scheme: 'http',
    idle: false,
    payloadBytes: null,
    expectedOutcome: 'reset_after_send',
    expectedTopCause: 'app_error_close',
  },
  {
    name: 'close-on-request',
    description: 'Reads the request, then closes the connection (FIN) without replying.',
    clientShould: 'treat EOF before a reply as a failed request ("socket hang up"), not as an empty success.',
    offset: 4,
    handler: 'close-on-request',
    transport: 'tcp',
    scheme: 'http',
    idle: false,
    payloadBytes: null,
    expectedOutcome: 'closed_after_send',
    expectedTopCause: 'app_error_close',
  },
  {
    name: 'reply-then-reset',
    description: 'Sends a complete HTTP reply, then resets the connection (RST) instead of closing it.',
    clientShould: 'keep the reply it already read, and not reuse the connection.',
    offset: 5,
    handler: 'reply-then-reset',
    transport: 'tcp',
    scheme: 'http',
    idle: false,
    payloadBytes: null,
    expectedOutcome: 'reply_then_reset',
    expectedTopCause: 'reset_after_reply',
  },
  {
    name: 'reply-then-close',
    description: 'Sends a complete HTTP reply with "Connection: close", then closes the connection (FIN).',
    clientShould: 'honour Connection: close and open a new connection for the next request instead of reusing this one.',
    offset: 6,
    handler: 'reply-then-close',
    transport: 'tcp',
    scheme: 'http',
    idle: false,
    payloadBytes: null,
    expectedOutcome: 'reply_then_close',
    expectedTopCause: 'server_closes_after_reply',
  },
  {
    name: 'idle-close',
    description: 'HTTP keep-alive server that closes (FIN) a connection after the idle time of silence, like a server keep-alive timeout.',
    clientShould: 'drop pooled connections before the server\'s idle timeout (or validate them before use), and retry once on a stale connection.',
    offset: 7,
    handler: 'close-when-idle',
    transport: 'tcp',
    scheme: 'http',
    idle: true,
    payloadBytes: null,
    expectedOutcome: 'closed_while_idle',
    expectedTopCause: 'server_idle_timeout',
  },
  {
    name: 'idle-reset',
    description: 'HTTP keep-alive server that resets (RST) a connection after the idle time of silence.',
    clientShould: 'same as idle-close, and handle ECONNRESET on an idle pooled connection by reconnecting.',
    offset: 8,
    handler: 'reset-when-idle',
    transport: 'tcp',
    scheme: 'http',
    idle: true,
    payloadBytes: null,
    expectedOutcome: 'reset_while_idle',
    expectedTopCause: 'server_idle_timeout',
  },
  {
    name: 'idle-forget',
    description: 'After the idle time of silence, forgets the connection without a word; the next request is answered with an RST, as from a NAT gateway whose idle timer expired.',
    clientShould: 'send TCP keepalives (or application pings) more often than the idle time, and reconnect and retry on a reset after a quiet period.',
    offset: 9,
    handler: 'forget-when-idle',
    transport: 'tcp',
    scheme: 'http',
    idle: true,
    payloadBytes: null,
    expectedOutcome: 'reset_on_resume',
    expectedTopCause: 'middlebox_idle_timeout',
  },
  {
    name: 'idle-blackhole',
    description: 'After the idle time of silence, silently ignores the connection: the next request gets no answer, as behind a load balancer or firewall that drops expired flows.',
    clientShould: 'use read timeouts on every request, keepalives shorter than the idle time, and reconnect when a request on an old connection times out.',
    offset: 10,
    handler: 'blackhole-when-idle',
    transport: 'tcp',
    scheme: 'http',
    idle: true,
    payloadBytes: null,
    expectedOutcome: 'timeout_on_resume',
    expectedTopCause: 'middlebox_idle_timeout',
  },
  {
    name: 'never-reply',
    description: 'Reads the request and never answers; the connection stays open.',
    clientShould: 'have a read timeout, and fail the request when it expires instead of waiting forever.',
    offset: 11,
    handler: 'never-reply',
    transport: 'tcp',
    scheme: 'http',
    idle: false,
    payloadBytes: null,
    expectedOutcome: 'no_reply',
    expectedTopCause: 'server_slow_or_overloaded',
  },
  {
    name: 'trickle',
    description: 'Answers the request one byte per second (a slow-loris reply).',
    clientShould: 'enforce a total deadline for the reply, not only a timeout between bytes.',
    offset: 12,
    handler: 'trickle',
    transport: 'tcp',
    scheme: 'http',
    idle: false,
    payloadBytes: null,
    expectedOutcome: 'slow_reply',
    expectedTopCause: 'server_slow_or_overloaded',
  },
  {
    name: 'never-read',
    description: 'Accepts and never reads: a client writing more than the socket buffers hold (about 4 MB on Linux loopback) stalls; a small request just sits unanswered (no_reply).',
    clientShould: 'have write timeouts as well as read timeouts, and bound the data it queues for one connection.',
    offset: 13,
    handler: 'never-read',
    transport: 'tcp',
    scheme: 'http',
    idle: false,
    // more than a Linux loopback connection buffers (about 4 MB) when the receiver never reads
    payloadBytes: 8 * 1024 * 1024,
    expectedOutcome: 'send_stalled',
    expectedTopCause: 'server_slow_or_overloaded',
  },
  {
    name: 'tls-on-plain',
    description: 'A TLS port: TLS clients get a real handshake, plain HTTP gets the "Client sent an HTTP request to an HTTPS server" answer of Go servers, other plain bytes a TLS alert.',
    clientShould: 'use the scheme the port expects (https://); recognise a TLS record or this message as a protocol mismatch, not a network fault.',
    offset: 14,
    handler: 'tls-on-plain',
    transport: 'tcp',
    scheme: 'http',
    idle: false,
    payloadBytes: null,
    expectedOutcome: 'reply_then_close',
    expectedTopCause: 'protocol_mismatch',
  },
  {
    name: 'plain-on-tls',
    description: 'A plain HTTP server where the client expects TLS: it answers the ClientHello with "400 Bad Request" in plain text and closes.',
    clientShould: 'report the TLS error ("wrong version number") as a protocol mismatch: use http:// or the TLS port.',
    offset: 15,
    handler: 'http-strict',
    transport: 'tcp',
    scheme: 'https',
    idle: false,
    payloadBytes: null,
    expectedOutcome: 'tls_failure',
    expectedTopCause: 'protocol_mismatch',
  },
  {
    name: 'tls-ok',
    description: 'HTTPS keep-alive server with a self-signed certificate generated when the lab starts.',
    clientShould: 'work normally once it trusts the lab\'s certificate (the demo trusts it as a CA; from the command line, -k accepts it).',
    offset: 16,
    handler: 'http-keepalive',
    transport: 'tls',
    scheme: 'https',
    idle: false,
    payloadBytes: null,
    expectedOutcome: 'ok',
    expectedTopCause: null,
  },
  {
    name: 'tls-legacy',
    description: 'TLS server that only speaks TLS 1.0: a modern client\'s handshake fails with a "protocol version" alert.',
    clientShould: 'report the alert; do not lower its minimum TLS version to talk to it, get the server upgraded.',
    offset: 17,
    handler: 'http-keepalive',
    transport: 'tls-1.0-only',
    scheme: 'https',
    idle: false,
    payloadBytes: null,
    expectedOutcome: 'tls_failure',
    expectedTopCause: 'tls_problem',
  },
  {
    name: 'tls-reset',
    description: 'Resets the connection (RST) as soon as the TLS ClientHello arrives, as a server rejecting the offer or an SNI-filtering firewall does.',
    clientShould: 'report a reset during the handshake as a TLS/firewall problem, and retry with backoff at most a few times.',
    offset: 18,
    handler: 'reset-on-request',
    transport: 'tcp',
    scheme: 'https',
    idle: false,
    payloadBytes: null,
    expectedOutcome: 'tls_failure',
    expectedTopCause: 'tls_problem',
  },
  {
    name: 'banner',
    description: 'Speaks first, like SMTP: sends a "220" banner on connect, answers commands line by line, and keeps the connection open.',
    clientShould: 'read the banner before sending (protocols where the server speaks first).',
    offset: 19,
    handler: 'smtp-banner',
    transport: 'tcp',
    scheme: 'smtp',
    idle: false,
    payloadBytes: null,
    expectedOutcome: 'ok',
    expectedTopCause: null,
  },
  {
    name: 'refused',
    description: 'Nothing listens on this port: the kernel answers the SYN with an RST (connection refused).',
    clientShould: 'fail fast with ECONNREFUSED and retry with backoff while a service starts; never spin.',
    offset: 20,
    handler: 'nothing-listening',
    transport: 'tcp',
    scheme: 'tcp',
    idle: false,
    payloadBytes: null,
    expectedOutcome: 'refused',
    expectedTopCause: 'nothing_listening',
  },
  // a reverse proxy whose upstream failed: the client's connection is fine, its request is not
  {
    name: 'http-502',
    description: 'A reverse proxy whose upstream reset the connection: answers every request with nginx\'s own "502 Bad Gateway" page (Server: nginx, Connection: close), then closes (FIN).',
    clientShould: 'treat a 502 as a failed request, retry idempotent ones with backoff, and look behind the proxy (its error log, the upstream itself) rather than at its own connection.',
    offset: 21,
    handler: 'bad-gateway',
    transport: 'tcp',
    scheme: 'http',
    idle: false,
    payloadBytes: null,
    expectedOutcome: 'http_5xx',
    expectedTopCause: 'upstream_reset',
  },
  {
    name: 'http-503',
    description: 'A proxy with no healthy upstream, like Envoy: answers every request with "503 Service Unavailable", "no healthy upstream" and Retry-After, and keeps the connection open.',
    clientShould: 'retry 503s with backoff, honour Retry-After, and not mistake a kept-alive connection for a healthy service.',
    offset: 22,
    handler: 'no-healthy-upstream',
    transport: 'tcp',
    scheme: 'http',
    idle: false,
    payloadBytes: null,
    expectedOutcome: 'http_5xx',
    expectedTopCause: 'upstream_unavailable',
  },
  {
    name: 'http-504',
    description: 'A reverse proxy whose upstream never answers: after its proxy timeout (half a second here, 60 s in nginx) answers with nginx\'s "504 Gateway Time-out" page and keeps the connection open.',
    clientShould: 'fail the request on a 504 (retry only idempotent ones), and keep its own timeout above the proxy\'s so it sees the 504 rather than a timeout of its own.',
    offset: 23,
    handler: 'gateway-timeout',
    transport: 'tcp',
    scheme: 'http',
    idle: false,
    payloadBytes: null,
    expectedOutcome: 'http_5xx',
    expectedTopCause: 'upstream_timeout',
  },
  {
    name: 'truncated-body',
    description: 'Answers with "Content-Length: 1000", sends 7 bytes of the body, then closes the connection (FIN), as a worker that dies mid-reply does.',
    clientShould: 'check the body against its Content-Length (curl: "(18) transfer closed with 993 bytes remaining to read") and treat a short body as a failed request, never as a reply.',
    offset: 24,
    handler: 'truncated-body',
    transport: 'tcp',
    scheme: 'http',
    idle: false,
    payloadBytes: null,
    expectedOutcome: 'reply_truncated',
    expectedTopCause: 'server_crash_restart',
  },
];

export function scenarioByName(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
