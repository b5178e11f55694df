/**
 * Service identification: short probes made for the purpose (src/knowledge/services.ts), all at
 * once: a TLS ClientHello, GET /, a PostgreSQL SSLRequest, a Redis PING, and a silent connection
 * that listens for a server-first banner (SSH, SMTP, FTP, MySQL). A trial that would repeat what
 * the user already sent is skipped.
 */
import { SERVICE_PROBES, type ServiceProbeRow } from '../../knowledge/services.js';
import { expectedService } from '../../diagnose/findings.js';
import type { Payload } from '../types.js';
import { trial, type ExperimentModule } from './context.js';

/** Each trial's reply wait: a banner or an answer to a greeting comes within milliseconds. */
const TRIAL_REPLY_MS = 1_000;

export const serviceId: ExperimentModule = {
  async run(ctx) {
    const expected = expectedService(ctx.obs);
    const rows = SERVICE_PROBES.filter((row) => !(row.asks === expected && row.tls === ctx.obs.options.tls && ctx.obs.options.send !== 'none'));
    return Promise.all(
      rows.map((row) =>
        trial(ctx, row.label, {
          target: { tls: row.tls, scheme: row.tls ? 'tls' : 'tcp', path: '/' },
          // a service that waits for a line (Redis, SMTP) holds a ClientHello forever: the handshake gets the same short limit
          options: {
            replyTimeoutMs: Math.min(ctx.options.replyTimeoutMs, TRIAL_REPLY_MS),
            tlsTimeoutMs: Math.min(ctx.options.tlsTimeoutMs, TRIAL_REPLY_MS),
            // the silent listener sends nothing on a client-first scheme: without a banner timeout
            // the probe would end at the connect-only settle time (25 ms), before a slow banner
            bannerTimeoutMs: row.send.kind === 'none' ? Math.min(ctx.options.replyTimeoutMs, TRIAL_REPLY_MS) : null,
            // asking "does this port speak TLS?": any certificate answers yes; trust is the main probe's question
            tlsTrust: { insecure: true, ca: null, cert: null, key: null },
          },
          payload: payloadOf(row),
        }),
      ),
    );
  },
};

function payloadOf(row: ServiceProbeRow): Payload {
  switch (row.send.kind) {
    case 'none':
      return { kind: 'none' };
    case 'http':
      return { kind: 'http' };
    case 'text':
      return { kind: 'text', text: row.send.text };
    case 'hex':
      return { kind: 'hex', bytes: Uint8Array.from(Buffer.from(row.send.hex, 'hex')) };
  }
}
