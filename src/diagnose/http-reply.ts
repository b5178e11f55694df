/**
 * HTTP replies read back from a timeline: the status line, the headers and the start of the body
 * of each reply, parsed from the escaped previews the probe recorded (at most PREVIEW_CHARS of
 * each chunk, so a long page may be cut). Then, from the tables in src/knowledge/http-replies.ts,
 * which proxy answered and which cause its 5xx points to. Pure.
 */
import type { Observation, TimelineEvent } from './observation.js';
import {
  ERROR_PAGE_ROWS,
  HTTP_PROXIES,
  proxyById,
  statusRow,
  type HttpFailureCause,
  type HttpProxy,
  type HttpStatusRow,
} from '../knowledge/http-replies.js';
// text from a peer is made safe again for a terminal before it goes into a sentence
import { escapeControls } from '../escape.js';

type Received = Extract<TimelineEvent, { kind: 'received' }>;

export interface HttpReply {
  status: number;
  /** "502 Bad Gateway", escaped (safe for a terminal) */
  statusText: string;
  /** the reason words alone ("Bad Gateway"), escaped; '' when the status line has none */
  reason: string;
  /** lower-case header name → value (escaped); the first of repeated headers */
  headers: ReadonlyMap<string, string>;
  /** the body as far as the preview reaches (unescaped text) */
  body: string;
}

/** One reply: the bytes that answered one of our sends (the first request, or the resume). */
export interface ReplyChunk {
  sent: Extract<TimelineEvent, { kind: 'sent' }>;
  first: Received;
  text: string;
  http: HttpReply | null;
}

/** What a 5xx (or 4xx) reply tells about who failed and why. */
export interface HttpFailure {
  reply: HttpReply;
  chunk: ReplyChunk;
  row: HttpStatusRow;
  cause: HttpFailureCause;
  /** the proxy named by a header or recognised by its error page; null when nothing names one */
  proxy: HttpProxy | null;
  /** the header that named the proxy, as seen: "Server: nginx/1.24.0" */
  proxyHeader: string | null;
  /** the proxy's own words from its error page, when a row recognised them */
  pageWords: string | null;
  /** the http(s) URL probed, as a client library would print it; null for other targets */
  url: string | null;
}

/**
 * The replies to each of our sends, in order: the received bytes after a send up to the next
 * send or the idle hold (bytes that arrive during the idle hold answered nothing).
 */
export function replyChunks(obs: Observation): ReplyChunk[] {
  const out: ReplyChunk[] = [];
  let current: { sent: Extract<TimelineEvent, { kind: 'sent' }>; received: Received[] } | null = null;
  const flush = (): void => {
    if (current && current.received.length > 0) {
      const text = current.received.map((e) => e.preview).join('');
      out.push({ sent: current.sent, first: current.received[0]!, text, http: parseHttpReply(text) });
    }
  };
  for (const event of obs.events) {
    if (event.kind === 'sent') {
      flush();
      current = { sent: event, received: [] };
    } else if (event.phase === 'idle') {
      flush();
      current = null;
    } else if (event.kind === 'received' && current) {
      current.received.push(event);
    }
  }
  flush();
  return out;
}

/** The first reply with a status of 500 or more, or null. */
export function firstServerError(chunks: readonly ReplyChunk[]): ReplyChunk | null {
  return chunks.find((c) => c.http !== null && c.http.status >= 500 && c.http.status <= 599) ?? null;
}

/**
 * The HTTP failure a timeline shows: its first 5xx reply, else its first 4xx; null when every
 * reply succeeded or none was HTTP.
 */
export function httpFailureOf(obs: Observation): HttpFailure | null {
  const chunks = replyChunks(obs);
  const chunk = firstServerError(chunks) ?? chunks.find((c) => c.http !== null && c.http.status >= 400 && c.http.status <= 499) ?? null;
  if (!chunk?.http) return null;
  const reply = chunk.http;
  const row = statusRow(reply.status);
  const named = proxyFromHeaders(reply.headers);
  const page = reply.status >= 500 ? ERROR_PAGE_ROWS.find((r) => r.pattern.test(reply.body)) : undefined;
  // words that only sign the page name the proxy; they are not worth quoting
  const pageMatch = page?.cause ? (page.pattern.exec(reply.body)?.[0] ?? null) : null;
  return {
    reply,
    chunk,
    row,
    cause: page?.cause ?? row.cause,
    proxy: named?.proxy ?? (page ? proxyById(page.proxy) : null),
    proxyHeader: named?.header ?? null,
    pageWords: pageMatch === null ? null : escapeControls(pageMatch),
    url: /^https?:\/\//i.test(obs.target) && URL.canParse(obs.target) ? new URL(obs.target).href : null,
  };
}

function proxyFromHeaders(headers: ReadonlyMap<string, string>): { proxy: HttpProxy; header: string } | null {
  const server = headers.get('server');
  const via = headers.get('via');
  for (const proxy of HTTP_PROXIES) {
    if (proxy.server && server !== undefined && proxy.server.test(server)) return { proxy, header: `Server: ${server}` };
    if (proxy.via && via !== undefined && proxy.via.test(via)) return { proxy, header: `Via: ${via}` };
  }
  return null;
}

const STATUS_LINE = /^HTTP\/\d(?:\.\d)? ([1-5]\d\d)(?:[ \t]([^\r\n]*))?(?:\r?\n|$)/;
/** Header values and status words are quoted in sentences: keep them short. */
const MAX_VALUE_CHARS = 80;

/** Parses an HTTP/1.x response head from an escaped preview; null when it does not start with a status line. */
export function parseHttpReply(preview: string): HttpReply | null {
  const text = unescapePreview(preview);
  const status = STATUS_LINE.exec(text);
  if (!status) return null;
  const code = Number(status[1]);
  const reason = (status[2] ?? '').trim();
  const headEnd = text.search(/\r?\n\r?\n/);
  const head = text.slice(status[0].length, headEnd === -1 ? text.length : headEnd);
  const body = headEnd === -1 ? '' : text.slice(headEnd).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, clip(escapeControls(line.slice(colon + 1).trim())));
  }
  return { status: code, statusText: clip(escapeControls(reason === '' ? String(code) : `${code} ${reason}`)), reason: clip(escapeControls(reason)), headers, body };
}

/** Undoes the probe's escaping (src/probe/preview.ts): `\r \n \t \\ \xHH`; a trailing "…" stays. */
export function unescapePreview(preview: string): string {
  return preview.replace(/\\(x([0-9a-f]{2})|.)/g, (whole, what: string, hex: string | undefined) => {
    if (hex !== undefined) return String.fromCharCode(parseInt(hex, 16));
    return UNESCAPES[what] ?? whole;
  });
}

const UNESCAPES: Readonly<Record<string, string>> = { r: '\r', n: '\n', t: '\t', '\\': '\\' };

function clip(text: string): string {
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}
