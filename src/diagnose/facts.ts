/**
 * Facts about one timeline, in the words evidence templates use: delays between events, byte
 * counts, what the payload was, how long the connection sat silent. Pure functions of the
 * Observation and the event its outcome rests on.
 */
import { formatMs } from '../duration.js';
import type { Observation, TimelineEvent } from './observation.js';
import type { Outcome } from '../shared/outcome.js';
import { matchKnownIdleTimeout, type IdleTimeoutMatch } from '../knowledge/known-idle-timeouts.js';
import { httpFailureOf, type HttpFailure } from './http-reply.js';
import { truncationVars } from './http-framing.js';
import { proxyById } from '../knowledge/http-replies.js';
import { describeSynReadings, matchSynRetransmits, type SynRetransmitMatch } from '../knowledge/syn-retransmits.js';

import type { Vars } from '../shared/template.js';
export type { Vars };

export interface Facts {
  vars: Vars;
  /** ms of silence before the connection was dropped (idle and resume outcomes) */
  silenceMs: number | null;
  /** whether the drop itself was seen during the silence, which dates the peer's idle timeout */
  dropSeen: boolean;
  knownIdle: IdleTimeoutMatch | null;
  /** escaped text of what came back after our first send (reply phase) */
  replyText: string;
  /** escaped text received before our first send (a banner) */
  bannerText: string;
  tlsFailure: Extract<TimelineEvent, { kind: 'tls_failed' }> | null;
  /** the first HTTP 5xx reply (else 4xx) of the timeline, with what it points to */
  http: HttpFailure | null;
  /** the SYN retransmission timeouts the TCP connect took, when its time fits one */
  synRetransmits: SynRetransmitMatch | null;
}

const PAYLOAD_NAMES: Readonly<Record<Observation['options']['send'], string | null>> = {
  none: null,
  http: 'HTTP request',
  text: 'text payload',
  hex: 'payload',
  file: 'file payload',
  protocol: 'protocol greeting',
  zeros: 'payload of zeros',
};

const IDLE_OUTCOMES: ReadonlySet<Outcome> = new Set<Outcome>([
  'reset_while_idle',
  'closed_while_idle',
  'reset_on_resume',
  'timeout_on_resume',
  'closed_on_resume',
]);

export function isIdleOutcome(outcome: Outcome): boolean {
  return IDLE_OUTCOMES.has(outcome);
}

export function computeFacts(obs: Observation, outcome: Outcome, decisive: TimelineEvent | null): Facts {
  const events = obs.events;
  // a reply cut short rests on its last byte, which belongs to the reply
  const index = decisive ? events.indexOf(decisive) : -1;
  const until = index < 0 ? events.length : decisive?.kind === 'received' ? index + 1 : index;
  const before = events.slice(0, until);
  const at = decisive?.t ?? null;

  const connecting = find(events, 'connecting');
  const connected = find(before, 'connected');
  const firstSent = find(events, 'sent');
  const lastSentBefore = findLast(before, 'sent');
  const resumeSent = events.find((e): e is EventOf<'sent'> => e.kind === 'sent' && e.phase === 'resume') ?? null;
  const replyEvents = receivedAfter(before, lastSentBefore);
  const replyBytes = sum(replyEvents);
  const lastReceivedBefore = findLast(before, 'received');
  const errorEvent = decisive?.kind === 'error' || decisive?.kind === 'resolve_failed' ? decisive : (find(events, 'error') ?? find(events, 'resolve_failed'));
  const tlsFailure = decisive?.kind === 'tls_failed' ? decisive : null;

  const silenceMs = isIdleOutcome(outcome) ? silenceBefore(events, outcome, decisive, resumeSent) : null;
  // only a drop seen while idle dates the timeout; after a resume, the silence is our own idle hold
  const dropSeen = outcome === 'reset_while_idle' || outcome === 'closed_while_idle';
  const knownIdle = silenceMs === null || !dropSeen ? null : matchKnownIdleTimeout(silenceMs);

  const remote = `${obs.address !== null && obs.address.includes(':') ? `[${obs.address}]` : (obs.address ?? obs.host)}:${obs.port}`;
  const payloadName = PAYLOAD_NAMES[obs.options.send];
  const sizedPayload =
    firstSent && payloadName ? `${firstSent.bytes}-byte ${payloadName}${obs.options.tls ? ' (inside TLS)' : ''}` : null;
  const replyText = replyPreviewText(events, firstSent);
  const banner = receivedBefore(events, firstSent);
  const bannerText = banner.map((e) => e.preview).join('');
  const bannerBytes = banner.reduce((total, e) => total + e.bytes, 0);
  const resumeAnswer = resumeAnswerText(events, resumeSent);
  const http = httpFailureOf(obs);
  const connectMs = establishedAfterMs(events);
  const synRetransmits = connectMs === null ? null : matchSynRetransmits(connectMs);
  const synWords = synRetransmits === null ? null : describeSynReadings(synRetransmits);

  const vars: Record<string, string | null> = {
    host: obs.host,
    port: String(obs.port),
    remote,
    altTarget: alternativeTarget(obs),
    errorCode: errorEvent && 'code' in errorEvent ? errorEvent.code : null,
    errorMessage: errorEvent && 'message' in errorEvent ? errorEvent.message : null,
    connectAnswer: span(connecting?.t, at),
    connectTimeout: formatMs(obs.options.connectTimeoutMs),
    afterConnect: span(connected?.t, at),
    afterTlsStart: obs.options.tls ? span(connected?.t, at) : null,
    tlsError: tlsErrorText(decisive),
    tlsAlert: tlsFailure?.alert ?? null,
    ...tlsTrustVars(events),
    ...stopVars(events),
    ...familyVars(events),
    sent: sizedPayload ? `our ${sizedPayload}` : null,
    intended: payloadName && obs.options.sendBytes > 0 ? `our ${formatBytes(obs.options.sendBytes)} ${payloadName}` : null,
    limit: decisive?.kind === 'timeout' ? formatMs(decisive.limitMs) : null,
    sentResume: resumeSent && payloadName ? `${resumeSent.bytes}-byte ${payloadName}` : null,
    afterSend: span(lastSentBefore?.t, at),
    reply: replyBytes > 0 ? `a ${replyBytes}-byte reply` : null,
    replyBytes: replyBytes > 0 ? plural(replyBytes, 'byte') : null,
    afterReply: span(lastReceivedBefore?.t, at),
    replySpan: replyEvents.length > 1 ? span(replyEvents[0]?.t, replyEvents[replyEvents.length - 1]?.t) : null,
    bannerBytes: bannerBytes > 0 ? String(bannerBytes) : null,
    replyPreview: replyText ? quote(replyText) : bannerText ? quote(bannerText) : null,
    replyTitle: htmlTitle(replyText),
    replyTimeout: formatMs(obs.options.replyTimeoutMs),
    silence: silenceMs === null ? null : formatMs(silenceMs),
    idleAbout: silenceMs === null ? null : aboutSeconds(silenceMs),
    reconnectBefore: silenceMs === null ? null : reconnectBefore(silenceMs),
    resumeAnswer,
    expect: obs.options.expect,
    keepalive: obs.options.keepaliveMs === null ? null : formatMs(obs.options.keepaliveMs),
    knownIdle: knownIdle?.who ?? null,
    synConnectTime: synRetransmits === null ? null : `${(synRetransmits.connectMs / 1000).toFixed(2)} s`,
    synRetransmits: synWords?.readings ?? null,
    synLost: synWords?.lost ?? null,
    ...httpVars(events, http),
    ...truncationVars(obs, outcome, decisive),
  };
  return { vars, silenceMs, dropSeen, knownIdle, replyText, bannerText, tlsFailure, http, synRetransmits };
}

type Kind = TimelineEvent['kind'];
type EventOf<K extends Kind> = Extract<TimelineEvent, { kind: K }>;

function find<K extends Kind>(events: readonly TimelineEvent[], kind: K): EventOf<K> | null {
  return (events.find((e) => e.kind === kind) as EventOf<K> | undefined) ?? null;
}

function findLast<K extends Kind>(events: readonly TimelineEvent[], kind: K): EventOf<K> | null {
  for (let i = events.length - 1; i >= 0; i--) if (events[i]?.kind === kind) return events[i] as EventOf<K>;
  return null;
}

function receivedAfter(events: readonly TimelineEvent[], from: TimelineEvent | null): EventOf<'received'>[] {
  if (!from) return [];
  const start = events.indexOf(from);
  return events.slice(start + 1).filter((e): e is EventOf<'received'> => e.kind === 'received');
}

function receivedBefore(events: readonly TimelineEvent[], until: TimelineEvent | null): EventOf<'received'>[] {
  const end = until ? events.indexOf(until) : events.length;
  return events.slice(0, end).filter((e): e is EventOf<'received'> => e.kind === 'received');
}

/** ms the TCP handshake took: from the attempt that succeeded to its completion; null without one. */
function establishedAfterMs(events: readonly TimelineEvent[]): number | null {
  const connected = events.findIndex((e) => e.kind === 'connected');
  if (connected < 0) return null;
  const attempt = findLast(events.slice(0, connected), 'connecting');
  return attempt === null ? null : events[connected]!.t - attempt.t;
}

function sum(events: readonly EventOf<'received'>[]): number {
  return events.reduce((total, e) => total + e.bytes, 0);
}

function span(from: number | undefined, to: number | null | undefined): string | null {
  if (from === undefined || to === null || to === undefined || to < from) return null;
  return formatMs(to - from);
}

/** The text of the reply to our first send, from the escaped previews of its chunks. */
function replyPreviewText(events: readonly TimelineEvent[], firstSent: TimelineEvent | null): string {
  if (!firstSent) return '';
  const out: string[] = [];
  for (const e of events.slice(events.indexOf(firstSent) + 1)) {
    if (e.kind === 'sent' || e.phase === 'idle' || e.phase === 'resume') break;
    if (e.kind === 'received') out.push(e.preview);
  }
  return out.join('');
}

/**
 * The words an HTTP error reply gives the evidence: its status, how soon it came, who sent it,
 * what that proxy logs for it, and what became of the connection. 5xx facts stay null for a 4xx.
 */
function httpVars(events: readonly TimelineEvent[], http: HttpFailure | null): Record<string, string | null> {
  const serverError = http !== null && http.reply.status >= 500;
  const unknown = proxyById('unknown');
  const who = http?.proxy ?? null;
  const answerer = who ? who.name : http?.row.gateway ? 'the proxy' : 'the server';
  const fate = http ? connectionFate(events, http.chunk.first) : null;
  return {
    httpStatus: http ? `"${http.reply.statusText}"` : null,
    httpCode: http ? String(http.reply.status) : null,
    httpReason: http ? http.reply.reason : null,
    httpUrl: http?.url ?? null,
    httpAfter: http ? span(http.chunk.sent.t, http.chunk.first.t) : null,
    httpAnswerer: serverError ? answerer : null,
    httpAnsweredBy: serverError ? answeredBy(answerer, http.proxyHeader) : null,
    httpMeaning: serverError ? http.row.meaning : null,
    httpPage: serverError && http.pageWords ? `"${http.pageWords}"` : null,
    proxyLog: serverError ? (who?.says[http.cause] ?? unknown.says[http.cause] ?? null) : null,
    proxyKeepalive: serverError ? (who?.upstreamKeepalive ?? unknown.upstreamKeepalive) : null,
    retryAfter: http?.reply.headers.get('retry-after') ?? null,
    connectionFate: fate === null ? null : fate.reset ? `reset the connection ${fate.after} later` : fate.after === null ? 'kept the connection open' : `closed the connection gracefully ${fate.after} later`,
    // "the connection itself is fine" holds only when the peer did not reset it
    connectionKept: fate === null || fate.reset ? null : fate.after === null ? 'the peer kept it open' : `the peer closed it gracefully ${fate.after} later`,
  };
}

/** What the peer did with the connection after the reply (a client cares that it was fine): ended it how and when, or kept it. */
function connectionFate(events: readonly TimelineEvent[], reply: TimelineEvent): { reset: boolean; after: string | null } {
  const end = events.slice(events.indexOf(reply) + 1).find((e) => e.kind === 'fin' || e.kind === 'reset');
  return end ? { reset: end.kind === 'reset', after: formatMs(end.t - reply.t) } : { reset: false, after: null };
}

/** "nginx (Server: nginx/1.22.1)"; the header is left out when it says no more than the name. */
function answeredBy(name: string, header: string | null): string {
  if (header === null || header.toLowerCase() === `server: ${name.toLowerCase()}`) return name;
  return `${name} (${header})`;
}

/** When the silence began: the last thing either side said before the drop. */
function silenceBefore(
  events: readonly TimelineEvent[],
  outcome: Outcome,
  decisive: TimelineEvent | null,
  resumeSent: TimelineEvent | null,
): number | null {
  const resumed = outcome === 'reset_on_resume' || outcome === 'timeout_on_resume' || outcome === 'closed_on_resume';
  const end = resumed ? resumeSent : decisive;
  if (!end) return null;
  let lastActivity: number | null = null;
  for (const e of events) {
    if (e === end) break;
    if (e.kind === 'sent' || e.kind === 'received' || e.kind === 'connected' || e.kind === 'tls_established') lastActivity = e.t;
  }
  return lastActivity === null ? null : end.t - lastActivity;
}

/** "about 5 s": whole seconds from 2 s up, else the measured time. */
function aboutSeconds(ms: number): string {
  // rounded before the form is chosen: 1,999 and 2,001 ms are both "2 s"
  const tenths = Math.round(ms / 100) * 100;
  if (tenths < 2000) return formatMs(tenths);
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : formatMs(s * 1000);
}

/** A safe margin under the measured timeout: 80 %, in whole seconds where that makes sense. */
function reconnectBefore(ms: number): string {
  const safe = ms * 0.8;
  // from the rounded estimate, so that "about 1.0 s" pairs with "800 ms", not with 792 ms → 700 ms
  if (safe < 2000) return formatMs(Math.max(100, Math.round((Math.round(ms / 100) * 100 * 0.8) / 100) * 100));
  const s = Math.floor(Math.round(ms / 1000) * 0.8);
  return s < 60 ? `${s} s` : formatMs(s * 1000);
}

/** A name that resolved, but not to the family -4/-6 asked for (the engine's resolve_failed message says which). */
function familyVars(events: readonly TimelineEvent[]): Record<string, string | null> {
  const failed = events.find((e): e is EventOf<'resolve_failed'> => e.kind === 'resolve_failed') ?? null;
  const m = failed ? /has no IPv([46]) address \(it has ([^)]*)\)/.exec(failed.message) : null;
  return { familyMissing: m ? `it has no IPv${m[1]} address (only ${m[2]})` : null, wantedFamily: m ? m[1]! : null };
}

/** Who stopped the probe, in which phase and when (the interrupted story). */
function stopVars(events: readonly TimelineEvent[]): Record<string, string | null> {
  const stop = events.find((e): e is EventOf<'interrupted'> => e.kind === 'interrupted') ?? null;
  const words: Readonly<Record<string, string>> = { SIGINT: 'Ctrl-C (SIGINT)', SIGTERM: 'SIGTERM', SIGHUP: 'SIGHUP' };
  return {
    stopReason: stop ? (words[stop.reason] ?? stop.reason) : null,
    stopPhase: stop?.phase ?? null,
    stopAfter: stop ? formatMs(stop.t) : null,
  };
}

/** The certificate facts of a completed handshake, for the tls_untrusted story and evidence. */
function tlsTrustVars(events: readonly TimelineEvent[]): Record<string, string | null> {
  const untrusted = events.find((e): e is EventOf<'tls_untrusted'> => e.kind === 'tls_untrusted') ?? null;
  const tls = untrusted?.tls ?? events.find((e): e is EventOf<'tls_established'> => e.kind === 'tls_established')?.tls ?? null;
  return {
    tlsSubject: tls?.subject ?? null,
    tlsIssuer: tls?.issuer ?? null,
    tlsUntrusted: untrusted ? `${untrusted.reason} (${untrusted.code})` : null,
    tlsExpiry: tls?.daysToExpiry === undefined || tls.daysToExpiry === null ? null : expiryPhrase(tls.daysToExpiry, tls.validTo),
  };
}

/** "expires in 29 days (Jan  3 10:00:00 2027 GMT)", "expired 1 day ago (…)": never a bare negative number */
export function expiryPhrase(days: number, validTo: string | null): string {
  const when = validTo ? ` (${validTo})` : '';
  if (days < 0) return `expired ${-days === 1 ? '1 day' : `${-days} days`} ago${when}`;
  return `expires ${days === 0 ? 'today' : days === 1 ? 'in 1 day' : `in ${days} days`}${when}`;
}

function tlsErrorText(decisive: TimelineEvent | null): string | null {
  if (!decisive || (decisive.phase !== 'tls' && decisive.kind !== 'tls_failed')) return null;
  switch (decisive.kind) {
    case 'tls_failed':
      return `${decisive.code} (${decisive.message})`;
    case 'reset':
      return `an RST from the peer (${decisive.code})`;
    case 'fin':
      return 'a graceful close (FIN) from the peer';
    case 'timeout':
      return `no answer within ${formatMs(decisive.limitMs)}`;
    case 'error':
      return `${decisive.code} (${decisive.message})`;
    default:
      return null;
  }
}

/** What happened when we spoke again after the peer's FIN (the probe tries, as a pooled client would). */
function resumeAnswerText(events: readonly TimelineEvent[], resumeSent: TimelineEvent | null): string | null {
  if (!resumeSent) return null;
  const after = events.slice(events.indexOf(resumeSent) + 1);
  const answer = after.find((e) => e.kind === 'reset' || e.kind === 'error' || e.kind === 'received');
  if (!answer) return null;
  if (answer.kind === 'reset') return `our request after the idle hold drew an RST ${formatMs(answer.t - resumeSent.t)} later (${answer.code})`;
  if (answer.kind === 'error') return `our request after the idle hold failed with ${answer.code}`;
  return null;
}

/** The same endpoint in the other protocol: TLS if we spoke plain, plain if we spoke TLS. */
function alternativeTarget(obs: Observation): string {
  const host = obs.host.includes(':') ? `[${obs.host}]` : obs.host;
  const http = obs.options.send === 'http';
  const scheme = obs.options.tls ? (http ? 'http' : 'tcp') : http ? 'https' : 'tls';
  return `connreset probe ${scheme}://${host}:${obs.port}`;
}

/** The <title> of an HTML reply (error pages say what went wrong there), quoted; null without one. */
function htmlTitle(text: string): string | null {
  const title = /<title>([^<]{1,200})<\/title>/i.exec(text)?.[1]?.trim();
  return title ? `"${title}"` : null;
}

function quote(text: string): string {
  const max = 60;
  return `"${text.length > max ? `${text.slice(0, max)}…` : text}"`;
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

function formatBytes(n: number): string {
  if (n < 10 * 1024) return `${n}-byte`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}
