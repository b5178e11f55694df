/**
 * Recognising a known idle timeout in one observed silence: a connection dropped after almost
 * exactly one of these many seconds names a likely culprit. The rows (with their sources) are
 * the idle command's table in src/knowledge/middleboxes.ts; this module only matches against it.
 */
import { KNOWN_IDLE_TIMEOUTS, type MiddleboxKind } from './middleboxes.js';

export interface IdleTimeoutMatch {
  seconds: number;
  /** who enforces it, in words: "Azure Load Balancer", "AWS NAT Gateway or AWS Network Firewall" */
  who: string;
  /** whether the thing the client talks to enforces it (server, proxy) or something on the path */
  enforcer: 'middlebox' | 'server';
}

/** How close a measured silence must be to a known timeout to name it: 3 %, at least 1 s. */
export const IDLE_MATCH_TOLERANCE = { fraction: 0.03, minMs: 1000 } as const;
/** A timer fires at or after its deadline; the silence we measure can start a little late. */
const EARLY_MS = 200;

const ENFORCER: Readonly<Record<MiddleboxKind, IdleTimeoutMatch['enforcer']>> = {
  server: 'server',
  proxy: 'server',
  load_balancer: 'middlebox',
  nat: 'middlebox',
  firewall: 'middlebox',
  os: 'middlebox',
};

export function matchKnownIdleTimeout(silenceMs: number): IdleTimeoutMatch | null {
  const rows = KNOWN_IDLE_TIMEOUTS.filter((row) => {
    const ms = row.defaultS * 1000;
    const tolerance = Math.max(IDLE_MATCH_TOLERANCE.minMs, ms * IDLE_MATCH_TOLERANCE.fraction);
    return silenceMs >= ms - EARLY_MS && silenceMs <= ms + tolerance;
  });
  const first = rows[0];
  if (!first) return null;
  const names = rows.map((row) => row.name);
  const who = names.length === 1 ? first.name : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
  // anything on the path that matches outranks the server: it is the less obvious suspect
  const enforcer = rows.some((row) => ENFORCER[row.kind] === 'middlebox') ? 'middlebox' : 'server';
  return { seconds: first.defaultS, who: `${who} (${first.defaultS} s)`, enforcer };
}
