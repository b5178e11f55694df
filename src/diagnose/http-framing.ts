/**
 * Was an HTTP reply complete when the peer ended the connection? A body is framed by
 * Content-Length or by chunked transfer coding (RFC 9112 section 6); a FIN or RST before the end
 * of that frame cut the reply short, which curl reports as "(18) transfer closed with N bytes
 * remaining to read". Read from the timeline: byte counts are exact, text comes from the escaped
 * previews (PREVIEW_CHARS per chunk), so a claim is made only where the previews reach. Pure.
 */
import type { Observation, TimelineEvent } from './observation.js';
import type { Outcome } from '../shared/outcome.js';
import { formatMs } from '../duration.js';
import { unescapePreview } from './http-reply.js';

type Received = Extract<TimelineEvent, { kind: 'received' }>;

export interface Truncation {
  framing: 'content-length' | 'chunked';
  /** the body length the headers announced (Content-Length), null for chunked */
  expected: number | null;
  /** body bytes that arrived */
  got: number;
  /** body bytes that never came (Content-Length only) */
  missing: number | null;
  /** the peer's FIN or RST that ended it */
  end: TimelineEvent;
  status: number;
}

/** Statuses that never carry a body (RFC 9112 section 6.3). */
const BODYLESS = (status: number): boolean => (status >= 100 && status < 200) || status === 204 || status === 304;

/** The truncation of the reply that the peer's FIN or RST (`end`) ended, or null when it was whole (or cannot be told). */
export function truncationAt(obs: Observation, end: TimelineEvent): Truncation | null {
  if (end.kind !== 'fin' && end.kind !== 'reset' && end.kind !== 'error') return null;
  const endIndex = obs.events.indexOf(end);
  let sentIndex = -1;
  for (let i = endIndex - 1; i >= 0; i--) {
    if (obs.events[i]!.kind === 'sent') {
      sentIndex = i;
      break;
    }
  }
  if (sentIndex < 0) return null;
  const received = obs.events.slice(sentIndex + 1, endIndex).filter((e): e is Received => e.kind === 'received');
  if (received.length === 0) return null;
  const total = received.reduce((n, e) => n + e.bytes, 0);
  // the exact bytes the previews hold, up to the first preview that was cut
  let exact = '';
  let whole = true;
  for (const e of received) {
    const cut = e.preview.endsWith('…');
    exact += unescapePreview(cut ? e.preview.slice(0, -1) : e.preview);
    if (cut || unescapedLength(e.preview) < e.bytes) {
      whole = false;
      break;
    }
  }
  const status = /^HTTP\/\d(?:\.\d)? ([1-5]\d\d)/.exec(exact);
  const headEnd = exact.indexOf('\r\n\r\n');
  if (!status || headEnd < 0) return null;
  const code = Number(status[1]);
  if (BODYLESS(code)) return null;
  const head = exact.slice(0, headEnd);
  const bodyStart = headEnd + 4;
  const got = total - bodyStart;
  const length = /\r\nContent-Length:[ \t]*(\d+)[ \t]*(?=\r\n|$)/i.exec(head);
  const chunked = /\r\nTransfer-Encoding:[^\r\n]*\bchunked\b/i.test(head);
  if (chunked) {
    const last = received[received.length - 1]!;
    // a merged event (MAX_RECEIVED_EVENTS) previews its first chunk, not the tail
    const tailKnown = whole || unescapedLength(last.preview) === last.bytes;
    if (!tailKnown) return null;
    const complete = whole ? chunkedComplete(exact.slice(bodyStart)) : /(^|\r\n)0(;[^\r\n]*)?\r\n(?:[^\r\n]+\r\n)*\r\n$/.test(unescapePreview(last.preview));
    return complete ? null : { framing: 'chunked', expected: null, got, missing: null, end, status: code };
  }
  if (length) {
    const expected = Number(length[1]);
    if (got < expected) return { framing: 'content-length', expected, got, missing: expected - got, end, status: code };
  }
  return null;
}

/** Walks chunk sizes to the last chunk (size 0) and the blank line after its trailers. */
function chunkedComplete(body: string): boolean {
  let at = 0;
  for (let guard = 0; guard < 100_000; guard++) {
    const lineEnd = body.indexOf('\r\n', at);
    if (lineEnd < 0) return false;
    const size = Number.parseInt(body.slice(at, lineEnd).split(';')[0]!.trim(), 16);
    if (!Number.isFinite(size)) return false;
    at = lineEnd + 2;
    if (size === 0) {
      // trailers, then an empty line
      for (;;) {
        const end = body.indexOf('\r\n', at);
        if (end < 0) return false;
        if (end === at) return true;
        at = end + 2;
      }
    }
    at += size + 2;
    if (at > body.length) return false;
  }
  return false;
}

/** Bytes an escaped preview stands for (each escape is one byte). */
function unescapedLength(preview: string): number {
  return unescapePreview(preview.endsWith('…') ? preview.slice(0, -1) : preview).length;
}

/** The words a truncated reply gives its story, evidence and client rows; all null for other outcomes. */
export function truncationVars(obs: Observation, outcome: Outcome, decisive: TimelineEvent | null): Record<string, string | null> {
  const cut = outcome === 'reply_truncated' && decisive ? truncationAt(obs, decisive) : null;
  if (!cut) return { truncStatus: null, bodyFraming: null, bodyGot: null, bodyMissing: null, bodyGotN: null, bodyMissingN: null, truncEnd: null, curlTruncated: null };
  const reset = cut.end.kind !== 'fin';
  const lastByte = [...obs.events.slice(0, obs.events.indexOf(cut.end))].reverse().find((e) => e.kind === 'received');
  const after = lastByte ? ` ${formatMs(cut.end.t - lastByte.t)} after its last byte` : '';
  const bytes = (n: number): string => `${n} byte${n === 1 ? '' : 's'}`;
  return {
    truncStatus: String(cut.status),
    bodyFraming: cut.framing === 'chunked' ? 'chunked transfer coding' : `Content-Length: ${cut.expected}`,
    bodyGot: bytes(cut.got),
    bodyMissing: cut.missing === null ? null : bytes(cut.missing),
    bodyGotN: String(cut.got),
    bodyMissingN: cut.missing === null ? null : String(cut.missing),
    truncEnd: reset ? `reset the connection (RST)${after}` : `closed the connection (FIN)${after}`,
    curlTruncated: reset
      ? 'curl: (56) Recv failure: Connection reset by peer'
      : cut.missing !== null
        ? `curl: (18) transfer closed with ${cut.missing} bytes remaining to read`
        : 'curl: (18) transfer closed with outstanding read data remaining',
  };
}
