/**
 * explain(): user input → Explanation, pure. Parses the input into an ErrorQuery (number, symbol or
 * message), looks the error up in the knowledge tables, ranks its causes for the operation the line
 * shows, and suggests a probe for any endpoint it names. Never throws (or rejects) for any input:
 * bad input is an ExplainFailure the CLI prints as one line. Async only because the message
 * resolver (the biggest tables) is loaded when a message needs it, which keeps `explain 10054` fast.
 */
import { explainCauseById, type ExplainCauseId } from '../../knowledge/explain-causes.js';
import { CONTEXT_RULES, type ContextRule, type TimingTag } from '../../knowledge/explain-context-rules.js';
import type { FlagRow, FlagSystem } from '../../knowledge/explain-formats.js';
import type { LogSide, Product } from '../../knowledge/explain-log-perspectives.js';
import { errorById, type ErrorEntry, type Operation, type Platform } from '../../knowledge/errors.js';
import { CONTEXT_CODES } from '../../knowledge/explain-context-codes.js';
import type { LogPerspective } from '../../knowledge/explain-log-perspectives.js';
import type { MessageFinding } from './message.js';
import { parseNumberText, readingsOf } from './numbers.js';
import { errorIdForSymbol, nonNetworkErrno, suggestSymbol } from './symbols.js';
import {
  EXPLANATION_SCHEMA,
  type ErrorQuery,
  type ExplainResult,
  type Explanation,
  type ExplainedCause,
  type Endpoint,
  type FlagNote,
  type LineContext,
  type NumberReading,
} from './types.js';

export interface ExplainOptions {
  platform?: Platform | undefined;
  /** fills Explanation.snippet; the caller passes the rendered snippet so this module stays table-only */
  snippet?: ((errorId: string) => { language: string; code: string } | null) | undefined;
}

const SYMBOL_RE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Classifies raw input. Whitespace-only input is reported by explain() as empty. */
export function parseErrorQuery(raw: string): ErrorQuery {
  const input = raw.trim();
  const number = parseNumberText(input);
  if (number) return { kind: 'number', input, value: number.value };
  if (SYMBOL_RE.test(input)) return { kind: 'symbol', input, symbol: input.toUpperCase() };
  return { kind: 'message', input };
}

export async function explain(raw: string, options: ExplainOptions = {}): Promise<ExplainResult> {
  try {
    return await explainUnsafe(raw, options);
  } catch (error) {
    // The tables are data and the patterns are bounded; reaching here is a bug. Still never throw.
    return { ok: false, failure: { reason: `could not explain this input (${error instanceof Error ? error.message : String(error)})` } };
  }
}

async function explainUnsafe(raw: string, options: ExplainOptions): Promise<ExplainResult> {
  if (raw.trim() === '') return fail('nothing to explain: the message is empty', 'pass a code (10054), a symbol (ECONNRESET) or a log line; use - to read stdin');
  const query = parseErrorQuery(raw);
  switch (query.kind) {
    case 'number':
      return explainNumber(query.input, query.value, options);
    case 'symbol':
      return explainSymbol(query.input, options);
    case 'message':
      return explainMessage(query.input, options);
  }
}

function fail(reason: string, hint?: string): ExplainResult {
  return { ok: false, failure: hint ? { reason, hint } : { reason } };
}

function explainNumber(input: string, value: number, options: ExplainOptions): ExplainResult {
  const readings = readingsOf(value, { platform: options.platform });
  const network = readings.find((r) => r.error !== null);
  const where = options.platform ? ` on ${options.platform}` : '';
  if (!network?.error) {
    const hresult = CONTEXT_CODES.find((c) => c.system === 'hresult' && c.code === value);
    if (hresult) return fail(`${input} is ${hresult.name}: ${hresult.meaning}`);
    if (readings.length === 0) return fail(`unknown code ${input}${where}: no platform uses it for a network error`, 'try the symbol (ECONNRESET) or paste the whole log line');
    const names = readings.slice(0, 4).map((r) => `${describeSystem(r)} ${r.symbol}`).join(', ');
    return fail(`${input} is not a network error${where} (${names})`, 'paste the whole log line so its context picks the meaning');
  }
  const entry = errorById(network.error);
  if (!entry) return fail(`unknown code ${input}`);
  return { ok: true, explanation: build(entry, { input, inputKind: 'number', readings, operation: null }, options) };
}

async function explainSymbol(input: string, options: ExplainOptions): Promise<ExplainResult> {
  const id = errorIdForSymbol(input);
  const entry = id ? errorById(id) : undefined;
  if (entry) return { ok: true, explanation: build(entry, { input, inputKind: 'symbol', readings: [], operation: null }, options) };
  const other = nonNetworkErrno(input);
  if (other) return fail(`${input.toUpperCase()} is not a network error (${other})`);
  // a single word may still be a message ("hangup"): try the message resolver before giving up
  const { resolveMessage } = await import('./message.js');
  const finding = resolveMessage(input, options.platform);
  if (finding) return explainFinding(input, finding, options);
  const suggestion = suggestSymbol(input);
  return fail(`unknown error symbol ${JSON.stringify(input)}`, suggestion ? `did you mean ${suggestion}?` : 'run `connreset explain --list` for every code connreset knows');
}

async function explainMessage(input: string, options: ExplainOptions): Promise<ExplainResult> {
  const { resolveMessage } = await import('./message.js');
  const finding = resolveMessage(input, options.platform);
  if (finding) return explainFinding(input, finding, options);
  const words = input.match(/[A-Za-z_]{4,40}/g) ?? [];
  const suggestion = words.slice(0, 200).map(suggestSymbol).find((s) => s !== undefined);
  return fail(
    'no network error found in this message',
    suggestion ? `did you mean ${suggestion}?` : 'paste the line with the error text (e.g. "Connection reset by peer") or its code',
  );
}

function explainFinding(input: string, finding: MessageFinding, options: ExplainOptions): ExplainResult {
  const entry = errorById(finding.error);
  if (!entry) return fail('no network error found in this message');
  return {
    ok: true,
    explanation: build(
      entry,
      {
        input,
        inputKind: 'message',
        readings: finding.readings,
        operation: finding.operation,
        context: finding.context,
        alsoSeen: finding.alsoSeen,
        endpoint: finding.endpoint,
        probeTarget: finding.probeTarget,
        perspective: finding.perspective,
        flags: finding.flags,
        flag: finding.flag,
        timing: finding.timing,
      },
      options,
    ),
  };
}

interface BuildInput {
  input: string;
  inputKind: ErrorQuery['kind'];
  readings: NumberReading[];
  operation: Operation | null;
  context?: Explanation['context'];
  alsoSeen?: string[];
  endpoint?: Endpoint | null;
  probeTarget?: string | null;
  perspective?: LogPerspective | null;
  flags?: FlagNote[];
  flag?: { system: FlagSystem; product: Product; row: FlagRow } | null;
  timing?: TimingTag[];
}

/** What the line's context says, for ranking: the perspective row, the first flag row, the timing words. */
export interface RankContext {
  perspective?: LogPerspective | null;
  flag?: { system: FlagSystem; product: Product; row: FlagRow } | null;
  timing?: readonly TimingTag[];
}

function ruleApplies(rule: ContextRule, f: { error: string; operation: Operation | null; product: Product | null; side: LogSide | null; timing: readonly TimingTag[] }): boolean {
  const w = rule.when;
  return (
    (!w.error || w.error.includes(f.error)) &&
    (!w.operation || (f.operation !== null && w.operation.includes(f.operation))) &&
    (!w.product || (f.product !== null && w.product.includes(f.product))) &&
    (!w.side || (f.side !== null && w.side.includes(f.side))) &&
    (!w.timing || w.timing.some((t) => f.timing.includes(t)))
  );
}

/**
 * The error's causes, ranked by what the line says, most specific first: the perspective's causes
 * for this very error (an Envoy page carrying errno 111), the proxy's or browser's own flag (HAProxy
 * SD), the perspective's causes (nginx about its client: the error's usual causes are about the other
 * side), the first context rule that applies (a database client, timing words), and last the
 * error's own ranking with the causes that fit the operation first.
 */
export function rankCauses(entry: ErrorEntry, operation: Operation | null, ctx: RankContext | null = null): { causes: ExplainCauseId[]; rankedBy: string } {
  const p = ctx?.perspective ?? null;
  const byError = p?.causesByError?.[entry.id];
  if (p && byError) return { causes: [...byError], rankedBy: `perspective:${p.id}` };
  const flag = ctx?.flag ?? null;
  if (flag && flag.row.causes.length > 0) return { causes: [...flag.row.causes], rankedBy: `flag:${flag.system}:${flag.row.code}` };
  if (p?.causes) return { causes: [...p.causes], rankedBy: `perspective:${p.id}` };
  if (ctx) {
    const facts = { error: entry.id, operation, product: flag?.product ?? p?.product ?? null, side: flag?.row.side ?? p?.side ?? null, timing: ctx.timing ?? [] };
    const rule = CONTEXT_RULES.find((r) => ruleApplies(r, facts));
    if (rule) return { causes: [...rule.causes], rankedBy: `rule:${rule.id}` };
  }
  const preferred = (operation && entry.causesByOperation?.[operation]) || [];
  return { causes: [...new Set([...preferred, ...entry.causes])], rankedBy: preferred.length > 0 ? `operation:${operation}` : 'error' };
}

function build(entry: ErrorEntry, b: BuildInput, options: ExplainOptions): Explanation {
  const endpoint = b.endpoint ?? null;
  // the cause table speaks of HOST:PORT; a message that names the endpoint fills it in
  const fill = (s: string): string =>
    endpoint ? s.replaceAll('HOST:PORT', formatTarget(endpoint)).replace(/\bPORT\b/g, String(endpoint.port)) : s;
  const perspective = b.perspective ?? null;
  const flag = b.flag ?? null;
  const message = b.inputKind === 'message';
  const ranked = rankCauses(entry, b.operation, message ? { perspective, flag, timing: b.timing ?? [] } : null);
  const causes: ExplainedCause[] = ranked.causes.map((id) => {
    const c = explainCauseById(id);
    return { id, title: c.title, summary: c.summary, howToTell: c.howToTell.map(fill), remediation: c.remediation.map(fill) };
  });
  // a flag names the writer and the other end more precisely than the line's general words
  const side = flag?.row.side ?? perspective?.side ?? null;
  const peer = flag?.row.peer ?? perspective?.peer ?? null;
  const lineContext: LineContext | null = message
    ? {
        product: flag?.product ?? perspective?.product ?? null,
        side,
        peer,
        transport: perspective?.transport ?? null,
        timing: b.timing ?? [],
        matched: perspective?.id ?? null,
        flags: b.flags ?? [],
        rankedBy: ranked.rankedBy,
      }
    : null;
  return {
    schema: EXPLANATION_SCHEMA,
    input: b.input,
    inputKind: b.inputKind,
    error: { id: entry.id, category: entry.category, title: entry.title, meaning: entry.meaning, wire: entry.wire },
    readings: b.readings,
    platforms: { linux: entry.linux, macos: entry.macos, windows: entry.windows, windowsCrt: entry.windowsCrt, libuv: entry.libuv },
    operation: b.operation,
    context: b.context ?? [],
    alsoSeen: b.alsoSeen ?? [],
    endpoint,
    probeCommand: b.probeTarget ? `connreset probe ${b.probeTarget}` : null,
    peer,
    side,
    lineContext,
    causes,
    notes: [...(perspective ? [perspective.note] : []), ...(entry.notes ?? [])],
    snippet: options.snippet ? options.snippet(entry.id) : null,
  };
}

export function formatTarget(e: Endpoint): string {
  return e.host.includes(':') ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}

const SYSTEM_LABEL: Readonly<Record<NumberReading['system'], string>> = {
  winsock: 'Windows Winsock',
  'linux-errno': 'Linux errno',
  'macos-errno': 'macOS/BSD errno',
  libuv: 'libuv/Node',
  getaddrinfo: 'getaddrinfo',
  'windows-system': 'Windows system error',
  'curl-exit': 'curl exit code',
  'grpc-status': 'gRPC status',
  'mysql-client': 'MySQL client error',
  'windows-crt-errno': 'Windows CRT errno',
  'http-status': 'HTTP status',
};

export function describeSystem(r: NumberReading): string {
  const base = SYSTEM_LABEL[r.system];
  if (r.system === 'libuv' || r.system === 'getaddrinfo') return `${base} on ${platformLabel(r.platform)}`;
  return base;
}

export function platformLabel(p: Platform | null): string {
  return p === 'linux' ? 'Linux' : p === 'macos' ? 'macOS' : p === 'windows' ? 'Windows' : 'any platform';
}
