/**
 * Whether a probe's observation has something to locate, and what: the RST, the FIN without a
 * reply, or the silence that ended it, with the phase it came in and the timing facts the
 * fallback uses. Pure, so the experiment mechanism can decide without any I/O.
 */
import type { LocateAnswer } from './locate-types.js';
import type { Observation, Phase, TimelineEvent } from './observation.js';

export interface LocateTrigger {
  answer: LocateAnswer;
  phase: Phase;
  /** connect round trip of the original probe, ms; null when it never connected */
  rttMs: number | null;
  /** ms from our last send (or the SYN) to the answer; null for silence */
  answerAfterMs: number | null;
}

/** Phases where a silence is a failure to locate (a reply that never came, a resume that went unanswered). */
const SILENT_PHASES: readonly Phase[] = ['connect', 'send', 'reply', 'resume'];

export function locateTrigger(obs: Observation): LocateTrigger | null {
  if (obs.address === null) return null;
  const events = obs.events;
  const connecting = events.find((e) => e.kind === 'connecting');
  const connected = events.find((e) => e.kind === 'connected');
  const rttMs = connecting && connected ? connected.t - connecting.t : null;
  const lastSendBefore = (t: number): number | null => {
    const sent = events.filter((e) => e.kind === 'sent' && e.t <= t).at(-1);
    return sent ? sent.t : (connected?.t ?? null);
  };
  const ending = events.find(isEnding);
  if (!ending) return null;
  if (ending.kind === 'error') {
    // a SYN answered by RST; a kernel retransmission give-up is silence
    if (ending.code === 'ECONNREFUSED' && ending.phase === 'connect') {
      return { answer: 'reset', phase: 'connect', rttMs: null, answerAfterMs: connecting ? ending.t - connecting.t : null };
    }
    if (ending.code === 'ETIMEDOUT') return { answer: 'silence', phase: ending.phase, rttMs, answerAfterMs: null };
    return null;
  }
  if (ending.kind === 'timeout') {
    if (!SILENT_PHASES.includes(ending.phase)) return null;
    return { answer: 'silence', phase: ending.phase, rttMs, answerAfterMs: null };
  }
  if (ending.kind === 'fin') {
    // a FIN after a reply is an ordinary close; only a FIN in place of the reply is located
    const replied = events.some((e) => e.kind === 'received' && e.t <= ending.t && (e.phase === ending.phase || e.phase === 'reply'));
    if (replied && ending.phase !== 'resume') return null;
    if (ending.phase === 'idle') return null;
  }
  const sentAt = lastSendBefore(ending.t);
  return { answer: ending.kind === 'reset' ? 'reset' : 'fin', phase: ending.phase, rttMs, answerAfterMs: sentAt === null ? null : ending.t - sentAt };
}

function isEnding(e: TimelineEvent): e is Extract<TimelineEvent, { kind: 'reset' | 'fin' | 'timeout' | 'error' }> {
  return e.kind === 'reset' || e.kind === 'fin' || e.kind === 'error' || (e.kind === 'timeout' && e.phase !== 'banner');
}
