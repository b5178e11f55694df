/**
 * The metrics of one `/probe` answer, in a registry of its own (prom-client, as the exporter's own
 * /metrics), blackbox_exporter-compatible where a name exists there so that its dashboards and
 * alerts carry over:
 *
 *   probe_success                               1 when the module's expectation held, else 0
 *   probe_duration_seconds                      how long the probe took
 *   probe_ssl_earliest_cert_expiry              the peer certificate's notAfter, Unix seconds (TLS targets;
 *                                               connreset sees the leaf certificate, blackbox the whole chain)
 *   probe_connreset_outcome{outcome}            1 for the observed outcome (src/knowledge/outcomes.ts)
 *   probe_connreset_cause{cause}                the top-ranked cause, its confidence (0..1) as the value
 *   probe_connreset_failed_at_step{step}        1 for the phase the failure happened in (failures only)
 *   probe_connreset_phase_duration_seconds{phase}  time spent in each phase the probe went through
 *   probe_connreset_sender{sender}              who sent the reset (server|middlebox|unknown), when the locate follow-up ran
 *   probe_connreset_tls_verified                1 when the certificate chain verified (TLS targets)
 *
 * Every label takes values from a fixed vocabulary (outcomes, cause ids, phases, sender kinds), so
 * the series per target stay bounded. The per-target labels (instance, vantage) come from the
 * scrape configuration, as with any multi-target exporter.
 */
import { Gauge, Registry } from 'prom-client';
import type { Observation, Phase } from '../diagnose/observation.js';
import type { Diagnosis } from '../diagnose/diagnosis.js';
import type { Verdict } from '../check/expectation.js';

export interface ProbeReport {
  obs: Observation;
  diagnosis: Diagnosis;
  verdict: Verdict;
  /** phase the failure happened in; null when the probe met its expectation */
  failedAtStep: Phase | null;
  /** who sent the reset, from the locate experiment; null when it did not run or could not tell */
  sender: string | null;
}

export const PROBE_METRIC_NAMES = [
  'probe_success',
  'probe_duration_seconds',
  'probe_ssl_earliest_cert_expiry',
  'probe_connreset_outcome',
  'probe_connreset_cause',
  'probe_connreset_failed_at_step',
  'probe_connreset_phase_duration_seconds',
  'probe_connreset_sender',
  'probe_connreset_tls_verified',
] as const;

export function probeRegistry(r: ProbeReport): Registry {
  const registry = new Registry();
  const gauge = (name: (typeof PROBE_METRIC_NAMES)[number], help: string, labelNames: string[] = []): Gauge =>
    new Gauge({ name, help, labelNames, registers: [registry] });

  gauge('probe_success', 'Whether the probe met the module expectation (1) or not (0).').set(r.verdict.pass ? 1 : 0);
  gauge('probe_duration_seconds', 'How long the probe took, in seconds.').set(r.obs.durationMs / 1000);
  gauge('probe_connreset_outcome', 'The outcome connreset observed (1 for the observed one).', ['outcome']).set({ outcome: r.diagnosis.outcome }, 1);
  const top = r.diagnosis.causes[0];
  // a family with no sample is left out: an empty HELP/TYPE block says nothing
  if (top) gauge('probe_connreset_cause', 'The top-ranked likely cause; the value is its confidence (0..1).', ['cause']).set({ cause: top.id }, top.confidence);
  if (r.failedAtStep) gauge('probe_connreset_failed_at_step', 'The phase in which the probe failed (1), present only on failure.', ['step']).set({ step: r.failedAtStep }, 1);
  const phases = gauge('probe_connreset_phase_duration_seconds', 'Time spent in each phase of the probe, in seconds.', ['phase']);
  for (const [phase, ms] of phaseDurations(r.obs)) phases.set({ phase }, ms / 1000);
  if (r.sender) gauge('probe_connreset_sender', 'Who sent the reset, from the locate experiment (1 for the sender found).', ['sender']).set({ sender: r.sender }, 1);

  // an untrusted certificate still has an expiry worth alerting on (tls_untrusted carries it too)
  const tls = r.obs.events.find((e) => e.kind === 'tls_established' || e.kind === 'tls_untrusted');
  if (tls?.kind === 'tls_established' || tls?.kind === 'tls_untrusted') {
    const notAfter = tls.tls.validTo ? Date.parse(tls.tls.validTo) : NaN;
    if (Number.isFinite(notAfter)) gauge('probe_ssl_earliest_cert_expiry', 'Expiry of the peer certificate (notAfter) as a Unix timestamp.').set(notAfter / 1000);
    gauge('probe_connreset_tls_verified', 'Whether the peer certificate chain verified against the trust store.').set(tls.tls.authorized ? 1 : 0);
  }
  return registry;
}

/**
 * A phase ends at its last event and the next one begins there (resolve begins at 0; the last
 * phase ends with the probe): connect ends at `connected`, so the TLS handshake is not counted in
 * it. A phase the probe never reached has no series; one left and re-entered adds up.
 */
export function phaseDurations(obs: Observation): [Phase, number][] {
  const groups: { phase: Phase; end: number }[] = [];
  for (const ev of obs.events) {
    const last = groups[groups.length - 1];
    if (last && last.phase === ev.phase) last.end = ev.t;
    else groups.push({ phase: ev.phase, end: ev.t });
  }
  const out = new Map<Phase, number>();
  groups.forEach((g, i) => {
    const start = i === 0 ? 0 : groups[i - 1]!.end;
    const end = i === groups.length - 1 ? obs.durationMs : g.end;
    out.set(g.phase, (out.get(g.phase) ?? 0) + Math.max(0, end - start));
  });
  return [...out];
}
