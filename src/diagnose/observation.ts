/**
 * An Observation is the raw fact a probe records: plain JSON data, so that diagnosis can be
 * tested on recorded observations without any network. Times are monotonic milliseconds since
 * the probe started (performance.now() based), never wall-clock.
 */

import type { ExperimentRecord } from './experiment-record.js';

export const OBSERVATION_SCHEMA = 'connreset.observation/v1' as const;

import { PHASES, type Phase } from '../shared/phases.js';

export { PHASES, type Phase };

export type AddressFamily = 4 | 6;

export interface ResolvedAddress {
  address: string;
  family: AddressFamily;
}

/** Peer certificate and session facts of a completed TLS handshake. */
export interface TlsInfo {
  protocol: string | null;
  cipher: string | null;
  alpn: string | null;
  subject: string | null;
  issuer: string | null;
  validFrom: string | null;
  validTo: string | null;
  /** whether the chain verified against the trust store (the probe does not require it) */
  authorized: boolean;
  authorizationError: string | null;
  /** whole days from the probe to validTo (negative once expired); absent in observations recorded before it existed */
  daysToExpiry?: number | null;
}

interface EventBase {
  /** ms since the probe started, monotonic, fractional */
  t: number;
  phase: Phase;
}

export type BannerWaitBasis = 'server_first' | 'settle' | 'option';

/** One thing seen on the wire or in the socket API. A discriminated union on `kind`. */
export type TimelineEvent =
  | (EventBase & { kind: 'resolved'; addresses: ResolvedAddress[] })
  | (EventBase & { kind: 'resolve_failed'; code: string; message: string })
  | (EventBase & { kind: 'connecting'; address: string; port: number; family: AddressFamily })
  | (EventBase & { kind: 'connected'; localAddress: string; localPort: number })
  | (EventBase & { kind: 'tls_established'; tls: TlsInfo })
  /**
   * The handshake completed but the certificate did not verify (untrusted issuer, self-signed,
   * expired, not for this host) and verification was on: we closed without sending. `code` is
   * OpenSSL's or Node's (DEPTH_ZERO_SELF_SIGNED_CERT, CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID…).
   */
  | (EventBase & { kind: 'tls_untrusted'; code: string; reason: string; tls: TlsInfo })
  /** TLS handshake failed: alert from the peer, or the peer spoke something that is not TLS */
  | (EventBase & { kind: 'tls_failed'; code: string; message: string; alert: string | null })
  | (EventBase & { kind: 'sent'; bytes: number })
  /** bytes from the peer; `preview` is escaped text safe for a terminal (no control characters) */
  | (EventBase & { kind: 'received'; bytes: number; preview: string })
  /** the peer closed its side gracefully (FIN) */
  | (EventBase & { kind: 'fin' })
  /** the peer reset the connection (RST) */
  | (EventBase & { kind: 'reset'; code: string })
  /** another socket error: ECONNREFUSED, EHOSTUNREACH, ETIMEDOUT (kernel retransmission give-up), EPIPE... */
  | (EventBase & { kind: 'error'; code: string; message: string })
  /**
   * Before sending: how long the probe waits for a banner (or an early close) before it speaks.
   * basis 'server_first': the scheme's server speaks first, the full banner wait; 'settle': a
   * client-first scheme, a short wait scaled to the connect time; 'option': set by the user (or,
   * in a follow-up experiment's trial, by the experiment: the repeat of a connect check, service_id's listen).
   */
  | (EventBase & { kind: 'banner_wait'; limitMs: number; basis: BannerWaitBasis })
  /** our own timer expired with no event from the peer in this phase */
  | (EventBase & { kind: 'timeout'; limitMs: number })
  | (EventBase & { kind: 'idle_start'; durationMs: number; keepaliveMs: number | null })
  | (EventBase & { kind: 'idle_end' })
  | (EventBase & { kind: 'expect_matched'; pattern: string })
  | (EventBase & { kind: 'expect_failed'; pattern: string })
  /**
   * The probe was stopped from outside (Ctrl-C, SIGTERM, SIGHUP, a caller's abort) before it
   * finished: the timeline ends here, and nothing after it was observed. `reason`: the signal's name.
   */
  | (EventBase & { kind: 'interrupted'; reason: string })
  /** we closed the connection ourselves at the end of the probe */
  | (EventBase & { kind: 'closed_by_us' });

export type TimelineEventKind = TimelineEvent['kind'];

/** The options the probe ran with, as they matter to diagnosis (all durations in ms). */
export interface ObservedOptions {
  send: 'none' | 'http' | 'text' | 'hex' | 'file' | 'protocol' | 'zeros';
  sendBytes: number;
  connectTimeoutMs: number;
  replyTimeoutMs: number;
  idleMs: number | null;
  keepaliveMs: number | null;
  expect: string | null;
  tls: boolean;
  /** whether the certificate had to verify (false with --insecure); absent in older recordings */
  tlsVerify?: boolean;
}

export interface Observation {
  schema: typeof OBSERVATION_SCHEMA;
  /** the target as the user wrote it */
  target: string;
  host: string;
  port: number;
  scheme: string;
  /** the address this probe connected (or tried to connect) to, once resolved */
  address: string | null;
  family: AddressFamily | null;
  /** wall-clock start, ISO 8601, for reports only */
  startedAt: string;
  /** ms from start to the end of the probe */
  durationMs: number;
  options: ObservedOptions;
  events: TimelineEvent[];
  /**
   * Follow-up experiments run after a failure to tell its likely causes apart (absent when none
   * ran: a healthy target, --no-followup, or nothing to separate). Added in 0.2; additive.
   */
  experiments?: ExperimentRecord[];
}
