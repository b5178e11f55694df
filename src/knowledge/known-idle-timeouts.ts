/**
 * Idle timeouts that leave a fingerprint: a connection dropped after almost exactly one of these
 * many seconds of silence names a likely culprit. Source: shared/reference/idle-timeouts.md.
 */

export interface KnownIdleTimeout {
  seconds: number;
  /** who enforces it */
  who: string;
  enforcer: 'middlebox' | 'server';
}

export const KNOWN_IDLE_TIMEOUTS: readonly KnownIdleTimeout[] = [
  { seconds: 5, who: 'Node.js http.Server keepAliveTimeout (default 5 s)', enforcer: 'server' },
  { seconds: 60, who: 'AWS Application/Classic Load Balancer (default 60 s) or nginx upstream keepalive', enforcer: 'middlebox' },
  { seconds: 75, who: 'nginx keepalive_timeout (default 75 s)', enforcer: 'server' },
  { seconds: 240, who: 'Azure Load Balancer (default 4 min)', enforcer: 'middlebox' },
  { seconds: 350, who: 'AWS NAT Gateway, Network Load Balancer or Network Firewall (350 s)', enforcer: 'middlebox' },
  { seconds: 600, who: 'GCP VPC firewall connection tracking or GCP load balancer (10 min)', enforcer: 'middlebox' },
  { seconds: 610, who: 'GCP global external Application Load Balancer client keepalive (610 s)', enforcer: 'middlebox' },
  { seconds: 1200, who: 'GCP Cloud NAT established-TCP timeout (20 min)', enforcer: 'middlebox' },
  { seconds: 7200, who: 'a home router or the 2 h TCP keepalive start', enforcer: 'middlebox' },
];

/** How close a measured silence must be to a known timeout to name it: 3 %, at least 1 s. */
export const IDLE_MATCH_TOLERANCE = { fraction: 0.03, minMs: 1000 } as const;

export function matchKnownIdleTimeout(silenceMs: number): KnownIdleTimeout | null {
  for (const known of KNOWN_IDLE_TIMEOUTS) {
    const ms = known.seconds * 1000;
    // a timer fires at or after its deadline, never much before it
    const tolerance = Math.max(IDLE_MATCH_TOLERANCE.minMs, ms * IDLE_MATCH_TOLERANCE.fraction);
    if (silenceMs >= ms - 200 && silenceMs <= ms + tolerance) return known;
  }
  return null;
}
