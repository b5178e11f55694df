/**
 * How to probe a lab scenario so that its fault shows: the target, short limits (everything is on
 * loopback), an idle hold just past the lab's idle time where the fault needs one, and the
 * command a person would type for the same probe. Shared by the demo, the lab listing and the
 * integration tests.
 */
import { parseTarget } from '../probe/target.js';
import { probeOptions } from '../probe/defaults.js';
import { formatSize } from '../probe/payload.js';
import type { ProbeOptions, Target } from '../probe/types.js';
import type { RunningScenario } from './server.js';

/** Loopback answers in microseconds: these limits are generous for it and keep the demo short. */
export const LAB_PROBE_LIMITS = { connectTimeoutMs: 2000, tlsTimeoutMs: 2000, replyTimeoutMs: 1000 } as const;

/** The idle hold: past the lab's idle time by this much, so the server's timer has surely fired. */
const IDLE_MARGIN_MS = 500;

export interface LabProbe {
  target: Target;
  options: ProbeOptions;
}

export function idleHoldMs(idleAfterMs: number): number {
  return idleAfterMs + IDLE_MARGIN_MS;
}

/**
 * `certificate`: the lab's own certificate, trusted as a CA (as `--cacert` does), so that the TLS
 * scenarios are verified like any server and show their own fault, not an untrusted certificate.
 */
export function labProbe(running: RunningScenario, idleAfterMs: number, certificate: string | null = null): LabProbe {
  const target = parseTarget(running.target);
  const { idle, payloadBytes } = running.scenario;
  return {
    target,
    options: probeOptions({
      ...LAB_PROBE_LIMITS,
      idleMs: idle ? idleHoldMs(idleAfterMs) : null,
      payload: payloadBytes === null ? null : { kind: 'zeros', size: payloadBytes },
      ...(certificate && target.tls ? { tlsTrust: { insecure: false, ca: certificate, cert: null, key: null } } : {}),
    }),
  };
}

/**
 * The CLI command that shows the scenario's fault: the same probe as labProbe(), so that it
 * reproduces the demo's outcome (never-read needs its payload: --send zeros:8MiB). The lab's
 * certificate lives only in the lab's memory, so a TLS scenario's command accepts it with -k
 * (--insecure) where the demo trusts it as a CA: the outcome is the same.
 */
export function suggestedCommand(running: RunningScenario, idleAfterMs: number): string {
  const { idle, payloadBytes } = running.scenario;
  const send = payloadBytes === null ? '' : ` --send zeros:${formatSize(payloadBytes)}`;
  const hold = idle ? ` --idle ${seconds(idleHoldMs(idleAfterMs))}` : '';
  const insecure = running.tls ? ' -k' : '';
  return `connreset probe ${running.target}${insecure}${send}${hold}`;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
