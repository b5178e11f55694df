/**
 * The server certificate a probe saw, in the few fields reports carry beside the outcome (check's
 * JSON, JUnit properties, Prometheus, probe's JSON): who it is for, when it expires, whether it
 * verified. Pure: read from the timeline's tls_established or tls_untrusted event.
 */
import type { Observation } from './observation.js';

export interface CertificateFacts {
  subject: string | null;
  issuer: string | null;
  validTo: string | null;
  /** whole days from the probe to validTo; negative once expired; null when the date was unreadable */
  daysToExpiry: number | null;
  /** whether the chain verified (against the built-in store or --cacert) and named the host */
  trusted: boolean;
  /** OpenSSL's or Node's code when it did not verify */
  verifyError: string | null;
}

export function certificateOf(obs: Observation): CertificateFacts | null {
  for (const e of obs.events) {
    if (e.kind !== 'tls_established' && e.kind !== 'tls_untrusted') continue;
    const t = e.tls;
    if (t.subject === null && t.validTo === null) return null;
    return {
      subject: t.subject,
      issuer: t.issuer,
      validTo: t.validTo,
      daysToExpiry: t.daysToExpiry ?? null,
      trusted: t.authorized,
      verifyError: t.authorizationError,
    };
  }
  return null;
}
