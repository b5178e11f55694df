/**
 * When the TCP handshake completed, as far as the timeline can tell. Usually its `connected`
 * event. But a peer that accepts and resets at once can beat the client's connect callback: libuv
 * then reports the connect itself as failed with ECONNRESET (a reset in phase `connect`), where a
 * SYN answered by RST is ECONNREFUSED. Such a reset means the handshake had completed, no later than
 * the reset. On loopback the two timelines alternate from run to run for the same server (lab
 * `reset-on-accept`); reading them alike keeps the follow-up plan, and so the diagnosis, the same.
 */
import type { Observation, TimelineEvent } from './observation.js';

export function establishedEvent(obs: Observation): TimelineEvent | null {
  return obs.events.find((e) => e.kind === 'connected' || (e.kind === 'reset' && e.phase === 'connect')) ?? null;
}
