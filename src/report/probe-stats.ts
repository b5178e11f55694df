/**
 * tcping-style figures for repeated probes, read from each observation's timeline (no clocks of
 * their own): the TCP connect time of every attempt, the time to the reply's first byte, and
 * min/avg/max of both over a target's attempts.
 */
import type { Observation, TimelineEvent } from '../diagnose/observation.js';

/** What one attempt's timeline says about its speed; null where the attempt never got that far. */
export interface AttemptTimes {
  /** `connecting` to `connected`: the TCP handshake, as tcping measures it */
  connectMs: number | null;
  /**
   * our (first) send to the first byte received; for a server that speaks first (nothing sent
   * before its banner), from the connection being ready (`connected`, or `tls_established` on TLS).
   * The banner wait before sending is ours, so it is left out.
   */
  firstByteMs: number | null;
}

export interface Spread {
  min: number;
  avg: number;
  max: number;
}

/** `stats` of one target in the probe document (added within connreset.probe/v1). */
export interface ProbeStats {
  /** attempts: runs × addresses */
  count: number;
  ok: number;
  failed: number;
  /** over the attempts that connected; null when none did */
  connectMs: Spread | null;
  /** over the attempts that got a reply; null when none did */
  firstByteMs: Spread | null;
}

export function attemptTimes(obs: Observation): AttemptTimes {
  const events = obs.events;
  const connectedAt = events.findIndex((e) => e.kind === 'connected');
  const connecting = connectedAt < 0 ? undefined : lastBefore(events, connectedAt, ['connecting']);
  const connectMs = connecting ? round(events[connectedAt]!.t - connecting.t) : null;

  const receivedAt = events.findIndex((e) => e.kind === 'received');
  const from = receivedAt < 0 ? undefined : lastBefore(events, receivedAt, ['sent']) ?? lastBefore(events, receivedAt, ['tls_established', 'connected']);
  const firstByteMs = from ? round(events[receivedAt]!.t - from.t) : null;
  return { connectMs, firstByteMs };
}

/** Min/avg/max over a target's attempts; `healthy` per attempt decides ok and failed. */
export function probeStats(attempts: readonly { observation: Observation; healthy: boolean }[]): ProbeStats {
  const times = attempts.map((a) => attemptTimes(a.observation));
  const ok = attempts.filter((a) => a.healthy).length;
  return {
    count: attempts.length,
    ok,
    failed: attempts.length - ok,
    connectMs: spread(times.map((t) => t.connectMs)),
    firstByteMs: spread(times.map((t) => t.firstByteMs)),
  };
}

function spread(values: readonly (number | null)[]): Spread | null {
  const present = values.filter((v): v is number => v !== null);
  if (present.length === 0) return null;
  // reduce, not Math.min(...values): 10,000 repeats × every address must not overflow the stack
  const sum = present.reduce((a, b) => a + b, 0);
  const min = present.reduce((a, b) => Math.min(a, b));
  const max = present.reduce((a, b) => Math.max(a, b));
  return { min, avg: round(sum / present.length), max };
}

function lastBefore(events: readonly TimelineEvent[], index: number, kinds: readonly TimelineEvent['kind'][]): TimelineEvent | undefined {
  for (let i = index - 1; i >= 0; i--) if (kinds.includes(events[i]!.kind)) return events[i];
  return undefined;
}

/** µs resolution, as the timeline has: the text rounds these same numbers, so text and JSON agree */
function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
