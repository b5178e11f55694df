/**
 * Finds the network error in a pasted log line or stack trace. Every pattern in the knowledge
 * tables that matches adds its weight to the error it names; the error with the highest total wins
 * (ties: the one mentioned first). Numbers are read in the context the line gives them.
 */
import { ERRORS, type Operation, type Platform } from '../../knowledge/errors.js';
import {
  CONTEXT_CODES,
  CONTEXT_PATTERNS,
  DIRECT_TLS_PORTS,
  ENDPOINT_PATTERNS,
  ERROR_TEXT_PATTERNS,
  GRPC_STATUS_BY_NAME,
  NUMBER_PATTERNS,
  OPERATION_PATTERNS,
  STATUS_PATTERNS,
  TYPED_ONLY_SYMBOLS,
  URL_DEFAULT_PORTS,
  WEIGHT,
} from '../../knowledge/log-patterns.js';
import { perspectiveOf, type LogPerspective, type Product } from '../../knowledge/explain-log-perspectives.js';
import { FLAG_FORMATS, FLAG_SOURCES, type FlagRow, type FlagSystem } from '../../knowledge/explain-formats.js';
import { HTTP_STATUS_ERROR_CODES } from '../../knowledge/explain-http-errors.js';
import { timingTags, type TimingTag } from '../../knowledge/explain-context-rules.js';
import { mayMatch } from '../../shared/regex-literals.js';
import { parseNumberText, readingsOf } from './numbers.js';
import { symbolIndex } from './symbols.js';
import type { ContextNote, Endpoint, FlagNote, NumberReading, NumberSystem } from './types.js';

/** Long pastes are cut here: the error is in the first screenfuls, and patterns stay fast. */
export const MAX_MESSAGE_CHARS = 100_000;

export interface MessageFinding {
  error: string;
  operation: Operation | null;
  readings: NumberReading[];
  context: ContextNote[];
  alsoSeen: string[];
  endpoint: Endpoint | null;
  /** what to give `connreset probe` for that endpoint */
  probeTarget: string | null;
  /** whose side the line is written from (nginx about its client or its upstream), when the line says */
  perspective: LogPerspective | null;
  /** proxies' and browsers' own codes in the line, and the first row that carries causes */
  flags: FlagNote[];
  flag: { system: FlagSystem; product: Product; row: FlagRow } | null;
  timing: TimingTag[];
}

interface Score {
  total: number;
  first: number;
  operation: Operation | null;
  operationWeight: number;
}

const ERRNO_SYSTEMS: readonly NumberSystem[] = ['winsock', 'linux-errno', 'macos-errno', 'libuv', 'windows-system'];
const GAI_SYSTEMS: readonly NumberSystem[] = ['getaddrinfo', 'winsock'];
const SOURCE_FILE = /\.(?:java|kt|scala|py|go|js|mjs|cjs|ts|cs|c|h|cc|cpp|rs|rb|php|ex|exs)$/i;

let standardTextList: readonly (readonly [text: string, error: string])[] | undefined;

const isWordChar = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/**
 * The error symbols (ECONNRESET, WSAECONNRESET, EAI_AGAIN) that stand in the text as whole words,
 * left to right: a scan for words and a lookup, as `(?<!\w)(SYM1|SYM2|…)(?!\w)` would find them
 * (every symbol is a word, test/explain checks). Compiling that alternation of ~120 symbols cost
 * about 1 ms of a pasted line's start-up.
 */
export function* symbolMatches(text: string): Generator<{ at: number; id: string }> {
  const index = symbolIndex();
  let found = 0;
  let start = -1;
  for (let i = 0; i <= text.length && found < 1000; i++) {
    if (i < text.length && isWordChar(text.charCodeAt(i))) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0 && i - start >= 5) {
      const word = text.slice(start, i);
      const id = TYPED_ONLY_SYMBOLS.has(word) ? undefined : index.get(word);
      if (id) {
        found++;
        yield { at: start, id };
      }
    }
    start = -1;
  }
}

/** Every platform's standard text of every error ("Connection reset by peer", "No such host is known"), lower case, longest first. */
function standardTexts(): readonly (readonly [text: string, error: string])[] {
  if (!standardTextList) {
    const byText = new Map<string, string>();
    for (const e of ERRORS) {
      const codes = [...e.linux, ...e.macos, ...e.windows];
      const texts = codes.map((c) => c.text.replace(/\.$/, ''));
      if (e.libuv && e.category === 'errno') texts.push(e.libuv.text);
      for (const t of texts) if (t.length >= 12 && !byText.has(t.toLowerCase())) byText.set(t.toLowerCase(), e.id);
    }
    standardTextList = [...byText.entries()].sort((a, b) => b[0].length - a[0].length);
  }
  return standardTextList;
}

/** The standard texts as the resolver searches them: exported for the property test that checks the search. */
export const standardTextsForTest = standardTexts;

/**
 * Where the standard texts occur, as a case-insensitive alternation regex would find them (leftmost
 * first, the longest text at a position, no overlaps), by indexOf on the lower-cased text: compiling
 * that regex alone cost about 2 ms of a pasted line's start-up.
 */
export function* standardTextMatches(text: string, lower: string = text.toLowerCase()): Generator<{ at: number; error: string }> {
  const found: { at: number; length: number; order: number; error: string }[] = [];
  standardTexts().forEach(([phrase, error], order) => {
    for (let at = lower.indexOf(phrase); at !== -1 && found.length < 1000; at = lower.indexOf(phrase, at + 1)) found.push({ at, length: phrase.length, order, error });
  });
  found.sort((a, b) => a.at - b.at || a.order - b.order);
  let end = 0;
  for (const f of found) {
    if (f.at < end) continue;
    end = f.at + f.length;
    yield { at: f.at, error: f.error };
  }
}

function* matches(re: RegExp, text: string, lower: string): Generator<RegExpExecArray> {
  if (!mayMatch(re, text, lower)) return;
  const global = re.global ? re : new RegExp(re.source, `${re.flags}g`);
  global.lastIndex = 0;
  let m: RegExpExecArray | null;
  let guard = 0;
  while ((m = global.exec(text)) !== null && guard++ < 1000) {
    if (m[0] === '') global.lastIndex++;
    yield m;
  }
}

export function resolveMessage(raw: string, platform?: Platform): MessageFinding | null {
  const text = raw.length > MAX_MESSAGE_CHARS ? raw.slice(0, MAX_MESSAGE_CHARS) : raw;
  const scores = new Map<string, Score>();
  const add = (error: string, weight: number, at: number, operation?: Operation): void => {
    const s = scores.get(error) ?? { total: 0, first: at, operation: null, operationWeight: 0 };
    s.total += weight;
    s.first = Math.min(s.first, at);
    if (operation && weight > s.operationWeight) {
      s.operation = operation;
      s.operationWeight = weight;
    }
    scores.set(error, s);
  };

  // lower-cased once for every table's literal prefilter (most patterns share no word with a line,
  // and compiling them was most of a pasted line's start-up)
  const lower = text.toLowerCase();
  for (const p of ERROR_TEXT_PATTERNS) {
    const m = mayMatch(p.re, text, lower) ? p.re.exec(text) : null;
    if (m) add(p.error, p.weight, m.index, p.operation);
  }
  for (const m of symbolMatches(text)) add(m.id, WEIGHT.symbol, m.at);
  for (const m of standardTextMatches(text, lower)) add(m.error, WEIGHT.standardText, m.at);

  const readings: NumberReading[] = [];
  const seenNumberAt = new Set<number>();
  const looksLikeDns = /gaierror|getaddrinfo|name resolution|nodename|servname|resolve/i.test(text);
  for (const p of NUMBER_PATTERNS) {
    for (const m of matches(p.re, text, lower)) {
      const digits = m[1];
      if (!digits) continue;
      const at = m.index + m[0].indexOf(digits);
      if (seenNumberAt.has(at)) continue;
      seenNumberAt.add(at);
      const parsed = parseNumberText(digits);
      if (!parsed) continue;
      const systems = p.getaddrinfo || (looksLikeDns && parsed.value < 0) ? GAI_SYSTEMS : ERRNO_SYSTEMS;
      const where = p.platform ?? (parsed.hresult ? 'windows' : platform);
      let found = readingsOf(parsed.value, { platform: where, systems });
      if (found.length === 0 && looksLikeDns) found = readingsOf(parsed.value, { platform: where, systems: GAI_SYSTEMS });
      const network = found.filter((r) => r.error !== null);
      const best = network[0];
      if (!best?.error) continue;
      add(best.error, WEIGHT.number, at);
      for (const r of found) if (!readings.some((x) => x.number === r.number && x.system === r.system && x.platform === r.platform)) readings.push(r);
    }
  }

  const context: ContextNote[] = [];
  let contextOperation: Operation | null = null;
  for (const p of CONTEXT_PATTERNS) {
    for (const m of matches(p.re, text, lower)) {
      const token = m[1] ?? '';
      const code = /^\d+$/.test(token) ? Number(token) : /^0x/i.test(token) ? parseInt(token, 16) : GRPC_STATUS_BY_NAME[token];
      const known = CONTEXT_CODES.find((c) => c.system === p.system && c.code === code);
      if (!known || context.some((c) => c.system === known.system && c.code === known.code)) continue;
      context.push({ system: known.system, code: known.code, name: known.name, meaning: known.meaning });
      // "the error it usually stands for when the line names no errno": an explicit errno (MySQL's
      // "system error: 104") outranks the code's default reading
      if (known.usually && readings.every((r) => r.error === null)) add(known.usually.error, known.usually.weight, m.index, known.operation);
      contextOperation ??= known.operation ?? null;
    }
  }

  // proxies' and browsers' own codes: Envoy flags and reset reasons, HAProxy states, AWS access logs, Chrome net::ERR_*
  const flags: FlagNote[] = [];
  let flag: MessageFinding['flag'] = null;
  let flagProbe: 'none' | 'any' | null = null;
  for (const f of FLAG_FORMATS) {
    if (!f.hint.some((h) => lower.includes(h))) continue;
    for (const m of matches(f.re, text, lower)) {
      for (const code of f.key(m)) {
        const row = f.rows.find((r) => r.code === code);
        if (!row || flags.some((x) => x.system === f.system && x.code === row.code)) continue;
        flags.push({ system: f.system, code: row.code, name: row.name, meaning: row.meaning, source: FLAG_SOURCES[f.system] });
        if (row.error) add(row.error, f.weight ?? WEIGHT.specificText, m.index, row.operation);
        flag ??= { system: f.system, product: f.product, row };
        flagProbe ??= f.probe;
      }
    }
  }
  // an HTTP status a proxy answered or logged (a status line, an access log, an error page)
  for (const re of STATUS_PATTERNS) {
    for (const m of matches(re, text, lower)) {
      const status = Number(m[1]);
      if (HTTP_STATUS_ERROR_CODES.includes(status)) add(`HTTP_${status}`, WEIGHT.contextDefault + 3, m.index);
    }
  }
  const perspective = perspectiveOf(text, lower);
  if (perspective?.error) add(perspective.error.id, perspective.error.weight, text.length);

  let winner: [string, Score] | undefined;
  for (const entry of scores) {
    if (!winner || entry[1].total > winner[1].total || (entry[1].total === winner[1].total && entry[1].first < winner[1].first)) winner = entry;
  }
  if (!winner) return null;
  const [error, score] = winner;

  // the flag's or the perspective's phase is knowledge about this product's line; the verbs come next
  let operation: Operation | null = flag?.row.operation ?? perspective?.operation ?? null;
  for (const p of operation ? [] : OPERATION_PATTERNS) {
    if (mayMatch(p.re, text, lower) && p.re.test(text)) {
      operation = p.operation;
      break;
    }
  }
  operation ??= score.operation ?? contextOperation;

  const alsoSeen = [...scores.entries()]
    .filter(([id, s]) => id !== error && s.total >= WEIGHT.standardText)
    .sort((a, b) => b[1].total - a[1].total)
    .map(([id]) => id);
  const dns = operation === 'dns' || error === 'ENOTFOUND' || error === 'EAI_AGAIN';
  // a proxy's line names its upstream (the only endpoint worth probing); a server's line about its
  // client names none, nor does an access log (its first address is the client's)
  const probe = flagProbe === 'none' ? 'none' : perspective?.probe;
  const endpoint = dns || probe === 'none' ? null : findEndpoint(text, probe === 'upstream', lower);
  const tls = error === 'TLS_UNEXPECTED_EOF' || operation === 'tls_handshake';
  const timing = timingTags(text, lower);
  return { error, operation, readings, context, alsoSeen, endpoint, probeTarget: endpoint ? probeTarget(endpoint, tls) : null, perspective, flags, flag, timing };
}

/** The probe target: the message's URL scheme when it had one, tls:// for a TLS failure on a TLS port. */
export function probeTarget(e: Endpoint, tlsFailure: boolean): string {
  const target = e.host.includes(':') ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
  if (e.scheme) return `${e.scheme}://${target}`;
  return tlsFailure && DIRECT_TLS_PORTS.has(e.port) ? `tls://${target}` : target;
}

/** `lower`: the text lower-cased, passed in by a caller that already has it (a paste may be 100 KB). */
export function findEndpoint(text: string, upstreamOnly = false, lower: string = text.toLowerCase()): Endpoint | null {
  for (const p of ENDPOINT_PATTERNS) {
    if (upstreamOnly && !p.upstream) continue;
    for (const m of matches(p.re, text, lower)) {
      const groups = m.slice(1).filter((g): g is string => g !== undefined);
      let scheme: string | undefined;
      if (groups[0] && URL_DEFAULT_PORTS[groups[0].toLowerCase()] !== undefined && groups.length >= 2 && !/^\d+$/.test(groups[1] ?? '')) {
        scheme = groups.shift()?.toLowerCase();
      }
      const host = groups[0];
      const portText = groups[1];
      const port = portText !== undefined ? Number(portText) : scheme ? URL_DEFAULT_PORTS[scheme] : p.defaultPort;
      if (!host || port === undefined || !Number.isInteger(port) || port < 1 || port > 65535) continue;
      if (SOURCE_FILE.test(host) || !/^[A-Za-z0-9._:[\]-]+$/.test(host)) continue;
      const hostAt = m.index + m[0].indexOf(host);
      const urlScheme = scheme ?? /(https?):\/\/\[?$/i.exec(text.slice(Math.max(0, hostAt - 9), hostAt))?.[1]?.toLowerCase();
      return { host: host.replace(/^\[|\]$/g, ''), port, scheme: urlScheme === 'http' || urlScheme === 'https' ? urlScheme : null };
    }
  }
  return null;
}
