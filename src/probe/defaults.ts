/**
 * Default limits of a probe. Chosen so that a healthy endpoint answers well within them and a
 * blackhole fails in seconds, not minutes (the kernel's own SYN give-up is ~2 minutes).
 */
import type { ProbeOptions } from './types.js';

export const DEFAULTS = {
  connectTimeoutMs: 5_000,
  tlsTimeoutMs: 5_000,
  /**
   * servers that speak first (SMTP, SSH, MySQL) do so within a few ms; waiting also lets a
   * reset-on-accept show before we send. Client-first schemes wait only a settle time (below).
   */
  bannerTimeoutMs: 300,
  replyTimeoutMs: 2_000,
} as const;

/**
 * Client-first schemes wait this long before sending: SETTLE_CONNECT_MULTIPLE × the connect time
 * (an accept-then-reset's RST comes about one round trip after our connect completes, plus the
 * server's latency), at least SETTLE_MIN_MS (loopback, timer jitter, a busy server process), at
 * most bannerTimeoutMs. See src/probe/banner-wait.ts.
 */
export const SETTLE_MIN_MS = 25;
export const SETTLE_CONNECT_MULTIPLE = 3;
/** After the first byte of a reply, reading ends at this much quiet (or the reply timeout, if shorter). */
export const REPLY_QUIET_MS = 500;
/** After a banner's first byte, the banner is complete at this much quiet. */
export const BANNER_QUIET_MS = 50;
/** Bytes of the reply kept for --expect matching; the rest is counted, not kept. */
export const KEPT_REPLY_BYTES = 64 * 1024;
/** Received events kept per probe; later chunks are added to the last one (a flood stays small). */
export const MAX_RECEIVED_EVENTS = 64;
/**
 * Characters of escaped preview per received event: enough for the first words of an HTTP error
 * page to reach the diagnosis (nginx says "The plain HTTP request was sent to HTTPS port" about
 * 200 characters in). Terminal reports show a shorter cut (SHOWN_PREVIEW_CHARS).
 */
export const PREVIEW_CHARS = 512;
/** Characters of a preview shown on one timeline line of a terminal report. */
export const SHOWN_PREVIEW_CHARS = 120;
/** Extra time allowed above the sum of the phase limits before the probe's guard ends it. */
export const SLACK_MS = 500;

export function probeOptions(partial: Partial<ProbeOptions> = {}): ProbeOptions {
  return {
    payload: null,
    connectTimeoutMs: DEFAULTS.connectTimeoutMs,
    tlsTimeoutMs: DEFAULTS.tlsTimeoutMs,
    bannerTimeoutMs: null,
    replyTimeoutMs: DEFAULTS.replyTimeoutMs,
    idleMs: null,
    keepaliveMs: null,
    expect: null,
    family: null,
    allAddresses: false,
    servername: null,
    ...partial,
  };
}

/** The longest a probe with these options can take, phase by phase, before its guard fires. */
export function probeBudgetMs(options: ProbeOptions): number {
  // a stalled write may take replyTimeout; the first byte within replyTimeout, then at most replyTimeout more
  const exchange = 3 * options.replyTimeoutMs;
  const resume = options.idleMs === null ? 0 : options.idleMs + exchange;
  return (
    options.connectTimeoutMs /* resolve */ +
    options.connectTimeoutMs +
    options.tlsTimeoutMs +
    // a banner wait: its first byte within the banner timeout, then at most that long again
    Math.max(2 * (options.bannerTimeoutMs ?? DEFAULTS.bannerTimeoutMs), 2 * options.replyTimeoutMs) +
    exchange +
    resume +
    SLACK_MS
  );
}
