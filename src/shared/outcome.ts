/**
 * The outcome vocabulary: one label per probe, derived from the timeline. Stable across versions
 * (CI configs and JSON consumers match on it). The wire meaning of each label is data in
 * src/knowledge/outcomes.ts.
 */
export const OUTCOMES = [
  'ok',
  'dns_failure',
  'refused',
  'unreachable',
  'connect_timeout',
  'reset_on_connect',
  'closed_on_connect',
  'tls_failure',
  /** the handshake completed, but the certificate is untrusted, expired or for another host */
  'tls_untrusted',
  'reset_after_send',
  'closed_after_send',
  'no_reply',
  'send_stalled',
  'reply_then_reset',
  'reply_then_close',
  /** a refinement of ok / reply_then_close: the wire was fine, the reply was an HTTP 5xx (src/diagnose/http-refine.ts) */
  'http_5xx',
  'slow_reply',
  'expect_failed',
  'reset_while_idle',
  'closed_while_idle',
  'reset_on_resume',
  'timeout_on_resume',
  'closed_on_resume',
  'error',
  /** an HTTP reply cut short: the peer's FIN or RST came before the end of its Content-Length or chunked body */
  'reply_truncated',
  /** stopped from outside (Ctrl-C, SIGTERM) before the probe could decide: the partial timeline, no diagnosis */
  'interrupted',
] as const;

export type Outcome = (typeof OUTCOMES)[number];

export function isOutcome(value: string): value is Outcome {
  return (OUTCOMES as readonly string[]).includes(value);
}
