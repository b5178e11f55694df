/**
 * How long the probe waits, after connecting (and after TLS), before it sends.
 *
 * The wait has two jobs. On a server-first protocol (SMTP, SSH, MySQL) it reads the banner, so
 * our bytes do not overtake the greeting. On every protocol it lets a close or reset that the
 * server started on its own (an accept-then-reset at a connection limit, a FIN on accept) arrive
 * before we send: otherwise the same RST would look like an answer to our request
 * (reset_after_send instead of reset_on_connect). The second job does not need the full banner
 * window on a client-first protocol: an RST sent at accept reaches us about one round trip after
 * our connect completed (our ACK goes out, the RST comes back), plus the server's own latency.
 * The connect itself measured one round trip, so a few of them cover it; a floor covers loopback
 * and the jitter of our own timers, and the banner timeout caps it on a slow path.
 *
 * After a TLS handshake the same short settle applies: the handshake proved the server is
 * talking, and a server that hangs up right after it does so within the same round-trip scale.
 *
 * A short wait is only safe against our own stalls (GC, a busy `check`) because the wait ends on
 * a phaseTimer, which lets socket events already waiting be delivered first: an RST that arrived
 * while the loop was blocked past the settle time is still seen before we send.
 */
import type { BannerWaitBasis } from '../diagnose/observation.js';
import { formatMs } from '../duration.js';
import { DEFAULTS, SETTLE_CONNECT_MULTIPLE, SETTLE_MIN_MS } from './defaults.js';

export interface BannerWait {
  /** how long to wait for the first byte of a banner (or a close) before sending */
  limitMs: number;
  /**
   * once a banner has begun, how long after its first byte it may go on (to BANNER_QUIET_MS of
   * quiet): a server that greets within the settle time is read like any server-first one
   */
  bannerMs: number;
  basis: BannerWaitBasis;
}

/**
 * @param speaksFirst who talks first on the target's scheme (SCHEMES in target.ts)
 * @param optionMs the user's banner timeout, or null for the scheme's default
 * @param connectMs how long the TCP connect took (one round trip plus the peer's SYN-ACK latency)
 * @param replyMs with nothing to send, what arrives is the whole reply: once it has begun it may
 *   go on for up to the reply timeout (a connect-only check, src/probe/probe.ts)
 */
export function bannerWait(speaksFirst: 'server' | 'client', optionMs: number | null, connectMs: number, replyMs: number | null = null): BannerWait {
  if (optionMs !== null) return { limitMs: optionMs, bannerMs: replyMs ?? optionMs, basis: 'option' };
  const full = DEFAULTS.bannerTimeoutMs;
  if (speaksFirst === 'server') return { limitMs: full, bannerMs: replyMs ?? full, basis: 'server_first' };
  return { limitMs: settleMs(connectMs), bannerMs: replyMs ?? full, basis: 'settle' };
}

/**
 * A connect check: nothing to send on a client-first scheme, and no --expect waiting for words.
 * Its settle is the whole check (src/probe/probe.ts), and its repeats wait longer for a late
 * hang-up (src/probe/experiments/repeat.ts).
 */
export function isConnectCheck(sendBytes: number, speaksFirst: 'server' | 'client', expect: string | null): boolean {
  return sendBytes === 0 && speaksFirst === 'client' && expect === null;
}

/** max(SETTLE_MIN_MS, SETTLE_CONNECT_MULTIPLE × connect time), capped at the banner timeout; whole ms. */
export function settleMs(connectMs: number): number {
  const scaled = Math.ceil(SETTLE_CONNECT_MULTIPLE * Math.max(0, connectMs));
  return Math.min(DEFAULTS.bannerTimeoutMs, Math.max(SETTLE_MIN_MS, scaled));
}

const BASIS_TEXT: Readonly<Record<BannerWaitBasis, string>> = {
  server_first: 'the server speaks first',
  settle: `client speaks first: ${SETTLE_CONNECT_MULTIPLE} × connect time, at least ${SETTLE_MIN_MS} ms`,
  option: 'banner timeout set',
};

/** The timeline line of a banner_wait event, shared by the probe report and check's timelines. */
export function describeBannerWait(event: { limitMs: number; basis: BannerWaitBasis }): string {
  return `waiting up to ${formatMs(event.limitMs)} for a banner or an early close (${BASIS_TEXT[event.basis]})`;
}
