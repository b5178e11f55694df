/**
 * Summary of repeated probes of one target: how many failed, how, and when in the connection's
 * life ("3 of 20 runs failed: reset_while_idle ×3 (always after ~60.0 s of silence)").
 */
import type { Diagnosis } from '../diagnose/diagnosis.js';
import type { Observation, TimelineEvent } from '../diagnose/observation.js';
import type { Outcome } from '../shared/outcome.js';
import { formatMs } from '../duration.js';
import { probeStats, type ProbeStats } from './probe-stats.js';

export interface ProbeRun {
  observation: Observation;
  diagnosis: Diagnosis;
}

export interface OutcomeTally {
  outcome: Outcome;
  healthy: boolean;
  count: number;
  /** what the failure times measure: the silence before it (idle outcomes), or the time since our send or the connect */
  measuredFrom: 'silence' | 'send' | 'connect' | null;
  /** ms from `measuredFrom` to the event that decided the outcome, one per run */
  afterMs: number[];
}

export interface RunSummary {
  target: string;
  runs: number;
  failed: number;
  outcomes: OutcomeTally[];
  /** one sentence for people */
  text: string;
  /** tcping's figures: attempts, ok, failed, connect and first-byte min/avg/max (added within probe/v1) */
  stats: ProbeStats;
}

const DECISIVE = new Set<TimelineEvent['kind']>(['reset', 'fin', 'error', 'timeout', 'tls_failed', 'tls_untrusted', 'interrupted', 'resolve_failed', 'expect_failed']);

export function summariseRuns(target: string, runs: readonly ProbeRun[]): RunSummary {
  const tallies = new Map<Outcome, OutcomeTally>();
  for (const { observation, diagnosis } of runs) {
    const tally = tallies.get(diagnosis.outcome) ?? {
      outcome: diagnosis.outcome,
      healthy: diagnosis.healthy,
      count: 0,
      measuredFrom: null,
      afterMs: [],
    };
    tally.count++;
    const when = diagnosis.healthy ? null : timing(observation);
    if (when) {
      tally.measuredFrom = when.from;
      tally.afterMs.push(when.ms);
    }
    tallies.set(diagnosis.outcome, tally);
  }
  const outcomes = [...tallies.values()].sort((a, b) => Number(a.healthy) - Number(b.healthy) || b.count - a.count);
  const failed = outcomes.filter((o) => !o.healthy).reduce((n, o) => n + o.count, 0);
  const stats = probeStats(runs.map((r) => ({ observation: r.observation, healthy: r.diagnosis.healthy })));
  return { target, runs: runs.length, failed, outcomes, text: sentence(runs.length, failed, outcomes), stats };
}

function timing(obs: Observation): { from: 'silence' | 'send' | 'connect'; ms: number } | null {
  const decisive = obs.events.find((e) => DECISIVE.has(e.kind));
  if (!decisive) return null;
  const before = obs.events.slice(0, obs.events.indexOf(decisive));
  const lastOf = (events: TimelineEvent[], kinds: TimelineEvent['kind'][]): TimelineEvent | undefined =>
    events.filter((e) => kinds.includes(e.kind)).at(-1);
  const idle = lastOf(before, ['idle_start']);
  if (idle && (decisive.phase === 'idle' || decisive.phase === 'resume')) {
    // idle timeouts count from the last byte either way, not from when we began to wait
    const lastTraffic = lastOf(before.slice(0, before.indexOf(idle)), ['sent', 'received']) ?? idle;
    const end = decisive.phase === 'resume' ? (lastOf(before, ['sent']) ?? decisive) : decisive;
    return { from: 'silence', ms: end.t - lastTraffic.t };
  }
  const sent = lastOf(before, ['sent']);
  if (sent) return { from: 'send', ms: decisive.t - sent.t };
  const connected = lastOf(before, ['connected', 'connecting']);
  return connected ? { from: 'connect', ms: decisive.t - connected.t } : null;
}

function sentence(total: number, failed: number, outcomes: readonly OutcomeTally[]): string {
  const parts = outcomes.map((o) => `${o.outcome} ×${o.count}${o.healthy ? '' : when(o)}`);
  const head = failed === 0 ? `all ${total} runs healthy` : `${failed} of ${total} runs failed`;
  return `${head}: ${parts.join('; ')}`;
}

function when(o: OutcomeTally): string {
  if (o.afterMs.length === 0 || o.measuredFrom === null) return '';
  const sorted = [...o.afterMs].sort((a, b) => a - b);
  const min = sorted[0]!;
  const max = sorted[sorted.length - 1]!;
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const anchor = { silence: 'of silence', send: 'after our send', connect: 'after connecting' }[o.measuredFrom];
  const lead = o.measuredFrom === 'silence' ? 'after ' : '';
  if (sorted.length === 1) return ` (${lead}${formatMs(median)} ${anchor})`;
  const steady = max - min <= Math.max(50, median * 0.1);
  return steady
    ? ` (always ${lead}~${formatMs(median)} ${anchor})`
    : ` (${lead}${formatMs(min)} to ${formatMs(max)} ${anchor}, median ${formatMs(median)})`;
}
