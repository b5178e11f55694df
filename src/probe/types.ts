import type { HttpRequestOptions, StatusRange } from './http-options.js';
import type { AddressFamily, TimelineEvent } from '../diagnose/observation.js';

/** What the probe sends after connecting. */
export type Payload =
  | { kind: 'none' }
  | { kind: 'http' }
  | { kind: 'text'; text: string }
  | { kind: 'hex'; bytes: Uint8Array }
  | { kind: 'file'; path: string; bytes: Uint8Array }
  /** a scheme's own greeting, e.g. redis:// sends PING */
  | { kind: 'protocol'; name: string; bytes: Uint8Array }
  /** `--send zeros:SIZE`: SIZE zero bytes, generated (more than a file may hold: fills socket buffers) */
  | { kind: 'zeros'; size: number };

export type Scheme = 'tcp' | 'tls' | 'http' | 'https' | 'redis' | 'rediss' | 'postgres' | 'mysql' | 'smtp' | 'ssh';

/** A parsed TARGET: `host:port`, `[::1]:port`, or a URL whose scheme sets port and payload. */
export interface Target {
  /** as the user wrote it */
  input: string;
  scheme: Scheme;
  host: string;
  port: number;
  /** whether to run a TLS handshake after connecting */
  tls: boolean;
  /** URL path for http(s) payloads */
  path: string;
  /** the payload the scheme implies when --send is not given */
  defaultPayload: Payload;
}

/** Options of one probe; every duration in ms. Defaults live in src/probe/defaults.ts. */
export interface ProbeOptions {
  payload: Payload | null;
  connectTimeoutMs: number;
  tlsTimeoutMs: number;
  /**
   * How long to wait for a banner before sending. null: the scheme decides (src/probe/banner-wait.ts):
   * a server-first scheme (smtp, ssh, mysql) waits DEFAULTS.bannerTimeoutMs for its banner; a
   * client-first one (http, redis, postgres, tcp/tls with a payload…) only settles briefly, scaled
   * to the connect time, so that an accept-then-reset still shows before we send. A number (the
   * user's --banner-timeout, check's banner_timeout) waits up to that long on any scheme.
   */
  bannerTimeoutMs: number | null;
  /** read until this long of quiet after the last byte, or close */
  replyTimeoutMs: number;
  /** hold the connection open and silent this long, then resume; null = no idle hold */
  idleMs: number | null;
  /** TCP keepalive interval during the idle hold; null = off */
  keepaliveMs: number | null;
  /** regex source the reply must match */
  expect: string | null;
  family: AddressFamily | null;
  allAddresses: boolean;
  /** TLS servername override (SNI); defaults to the host when it is a name */
  servername: string | null;
  /**
   * Certificate verification and the client certificate (mTLS). Absent: verify against Node's CA
   * store, like curl; an untrusted, expired or wrong-host certificate is the outcome tls_untrusted.
   */
  tlsTrust?: TlsTrust;
  /** -H, -X, --data for http(s) payloads (src/probe/http-options.ts); absent: a plain GET */
  http?: HttpRequestOptions | null;
  /** --expect-status: the reply's HTTP status must be in one of these ranges, else expect_failed */
  expectStatus?: readonly StatusRange[] | null;
  /**
   * Follow-up experiments after a failure (docs/experiments.md): on unless false (--no-followup,
   * config `followup: false`). The engine ignores it; the commands read it.
   */
  followup?: boolean;
  /** called with each timeline event as it is recorded (tests interrupt a probe at a chosen phase) */
  onEvent?: (event: TimelineEvent) => void;
  /** injected resolver (tests use it to avoid the machine's DNS) */
  lookup?: LookupFn;
  /** socket hooks for follow-up experiments (locate sets TTLs on the descriptor); absent for a plain probe */
  hooks?: SocketHooks;
}

/** Where a hook sees the TCP socket: once connected, right before the payload goes out, right before the resume send. */
export type HookPoint = 'connected' | 'send' | 'resume';

/**
 * Hooks into the engine's own connection, so experiments reuse its connect and FIN/RST watcher
 * instead of a socket loop of their own: `create` makes the socket (a descriptor prepared before
 * the SYN, e.g. with a TTL), `at` sees the raw TCP socket at each HookPoint.
 */
export interface SocketHooks {
  create?(family: AddressFamily): import('node:net').Socket;
  at?(point: HookPoint, raw: import('node:net').Socket): void;
}

/** -k/--insecure, --cacert, --cert, --key as PEM text (read by the CLI or the check config). */
export interface TlsTrust {
  /** accept any certificate (curl -k): the handshake facts are still recorded */
  insecure: boolean;
  /** PEM CA certificates to trust instead of the built-in store (curl --cacert) */
  ca: string | null;
  /** PEM client certificate and its key, for servers that require one */
  cert: string | null;
  key: string | null;
}

export type LookupFn = (host: string) => Promise<{ address: string; family: AddressFamily }[]>;
