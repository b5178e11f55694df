/** Terminal rendering of an Explanation (and of the --list table). */
import { escapeControls } from '../escape.js';
import { OPERATION_LABEL, type NamedCode } from '../knowledge/errors.js';
import { describeSystem, platformLabel } from '../diagnose/explain/explain.js';
import type { Explanation, NumberReading } from '../diagnose/explain/types.js';
import type { KnownCode } from '../diagnose/explain/list.js';

/**
 * A few ANSI styles, without chalk: `explain` must start fast, and chalk's colour detection costs
 * more than this whole renderer. The decision honours NO_COLOR, --no-color, FORCE_COLOR and TTYs.
 */
export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  underline(s: string): string;
}

export function createStyle(enabled: boolean): Style {
  const wrap = (open: number, close: number) => (s: string) => (enabled ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), underline: wrap(4, 24) };
}

export function colorEnabled(stream: { isTTY?: boolean }, argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  if (argv.includes('--no-color') || 'NO_COLOR' in env) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

const CONTEXT_LABEL = { curl: 'curl exit code', grpc: 'gRPC status', mysql: 'MySQL client error', hresult: 'HRESULT' } as const;

const PEER_LABEL = {
  client: 'the client that connected to the server which wrote this log, not a server (see the note)',
  upstream: 'the upstream (backend) server of the proxy which wrote this log',
  server: 'the server the client which wrote this log connected to',
} as const;

const SIDE_LABEL = { client: 'a client', server: 'a server, about its client', proxy: 'a proxy or load balancer' } as const;

const WIRE_LABEL = { rst: 'RST', fin: 'FIN', icmp: 'ICMP', silence: 'silence', local: 'nothing (local)', dns: 'DNS', tls: 'TLS', http: 'HTTP reply' } as const;

/** Control, bidi and separator characters from pasted input are shown escaped (src/escape.ts, the one escaper). */
export const escapeControl = escapeControls;

function codeLine(label: string, codes: readonly NamedCode[]): string[] {
  return codes.map((c, i) => `  ${(i === 0 ? label : '').padEnd(13)}${`${c.symbol} ${c.number}`.padEnd(30)} ${c.text}`);
}

function readingLine(chalk: Style, r: NumberReading, primary: boolean): string {
  const marker = primary ? chalk.green('▸') : ' ';
  const tail = r.error === null ? chalk.dim('  (not a network error)') : r.error !== r.symbol ? chalk.dim(`  → ${r.error}`) : '';
  return `  ${marker} ${describeSystem(r).padEnd(28)}${r.symbol.padEnd(26)}${r.text}${tail}`;
}

export function renderExplanationText(x: Explanation, chalk: Style = createStyle(false)): string {
  const heading = chalk.bold;
  const out: string[] = [];
  out.push(`${chalk.bold(chalk.red(x.error.id))} — ${chalk.bold(x.error.title)}`);
  out.push(`  ${x.error.meaning}`);
  out.push(`  ${chalk.bold('On the wire:')} ${WIRE_LABEL[x.error.wire.signal]} — ${x.error.wire.description}`);
  if (x.operation) out.push(`  ${chalk.bold('Operation:')} ${OPERATION_LABEL[x.operation]}`);
  for (const c of x.context) {
    const code = c.system === 'hresult' ? `0x${c.code.toString(16).toUpperCase()}` : String(c.code);
    out.push(`  ${chalk.bold('Context:')} ${CONTEXT_LABEL[c.system]} ${code} ${c.name} — ${c.meaning} (not an errno)`);
  }
  if (x.alsoSeen.length > 0) out.push(`  ${chalk.bold('Also in the message:')} ${x.alsoSeen.join(', ')}`);
  const ctx = x.lineContext;
  if (x.side) out.push(`  ${chalk.bold('Written by:')} ${SIDE_LABEL[x.side]}${ctx?.product ? ` (${ctx.product})` : ''}${ctx?.transport === 'udp' ? ', on a UDP socket' : ''}`);
  if (x.peer) out.push(`  ${chalk.bold('Other end:')} ${PEER_LABEL[x.peer]}`);
  for (const f of ctx?.flags ?? []) out.push(`  ${chalk.bold('Code:')} ${escapeControl(f.code)} (${f.name}) — ${f.meaning} ${chalk.dim(`[${f.source}]`)}`);
  if (ctx && ctx.timing.length > 0) out.push(`  ${chalk.bold('Timing words:')} ${ctx.timing.join(', ')}`);
  if (x.probeCommand) out.push(`  ${chalk.bold('Test the endpoint:')} ${escapeControl(x.probeCommand)}`);

  if (x.readings.length > 0) {
    const numbers = [...new Set(x.readings.map((r) => r.number))];
    out.push('', heading(`${numbers.join(', ')} can mean`));
    const primary = x.readings.find((r) => r.error === x.error.id);
    for (const r of x.readings) out.push(readingLine(chalk, r, r === primary));
    const others = [...new Set(x.readings.filter((r) => r.error !== null && r.error !== x.error.id && r.platform).map((r) => r.platform))];
    if (x.inputKind === 'number' && others.length > 0) out.push(chalk.dim(`  (explained below: ${x.error.id}; pick another reading with --platform ${others.join('|')})`));
  }

  out.push('', heading('Names and numbers on each platform'));
  const p = x.platforms;
  out.push(...codeLine('Linux', p.linux), ...codeLine('macOS/BSD', p.macos), ...codeLine('Windows', p.windows));
  if (p.windowsCrt.length > 0 && p.windowsCrt.some((c) => !p.windows.some((w) => w.number === c.number))) {
    out.push(...codeLine('Windows CRT', p.windowsCrt));
  }
  if (p.libuv) {
    const nums = (['linux', 'macos', 'windows'] as const)
      .map((k) => (p.libuv?.[k] !== null ? `${p.libuv?.[k]} ${platformLabel(k)}` : null))
      .filter((s): s is string => s !== null);
    out.push(`  ${'libuv/Node'.padEnd(13)}${p.libuv.name.padEnd(30)} ${nums.join(' · ')}  "${p.libuv.text}"`);
  }
  if (x.error.category === 'http') out.push('  (no errno: an HTTP status; the socket error happened on the proxy\'s other connection)');
  else if (p.linux.length + p.macos.length + p.windows.length === 0 && !p.libuv) out.push('  (no errno: this is reported by the library, not by the OS)');

  out.push('', heading('Likely causes, most likely first'));
  x.causes.forEach((c, i) => {
    out.push(`  ${chalk.bold(`${i + 1}. ${c.title}`)}`);
    out.push(`     ${c.summary}`);
    out.push(`     ${chalk.underline('How to tell')}`);
    for (const s of c.howToTell) out.push(`       - ${s}`);
    out.push(`     ${chalk.underline('What to do')}`);
    c.remediation.forEach((s, j) => out.push(`       ${j + 1}) ${s}`));
  });

  // a server's line about its client: there is no server on the other end to probe
  if (!x.probeCommand && x.peer !== 'client' && x.error.category !== 'dns' && x.error.wire.signal !== 'local') {
    out.push('', `${heading('Test the endpoint:')} connreset probe HOST:PORT`);
  }
  for (const n of x.notes) out.push('', `${chalk.dim('Note:')} ${escapeControl(n)}`);
  if (x.snippet) out.push('', heading(`Snippet (${x.snippet.language})`), x.snippet.code);
  return `${out.join('\n')}\n`;
}

/** The --list columns: a column is as wide as its longest cell (an error with three Windows codes, 10061/1225/1234), plus a gap. */
const LIST_COLUMNS: readonly { title: string; cell: (c: KnownCode) => string; min: number }[] = [
  { title: 'symbol', cell: (c) => c.id, min: 20 },
  { title: 'Linux', cell: (c) => c.linux, min: 8 },
  { title: 'macOS', cell: (c) => c.macos, min: 8 },
  { title: 'Windows', cell: (c) => c.windows, min: 13 },
  { title: 'CRT', cell: (c) => c.windowsCrt, min: 6 },
  { title: 'libuv', cell: (c) => c.libuv, min: 18 },
];

export function renderListText(codes: readonly KnownCode[], chalk: Style = createStyle(false)): string {
  const widths = LIST_COLUMNS.map((col) => Math.max(col.min, ...codes.map((c) => col.cell(c).length + 2)));
  const row = (cells: readonly string[], last: string): string => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('') + last;
  const out = [chalk.bold(row(LIST_COLUMNS.map((col) => col.title), 'title'))];
  for (const c of codes) out.push(row(LIST_COLUMNS.map((col) => col.cell(c)), c.title));
  out.push('', 'Every name in the table is accepted too (WSAECONNRESET, UV_ECONNRESET, EAI_NONAME, ERROR_NETNAME_DELETED, ...); --list --json lists them.');
  return `${out.join('\n')}\n`;
}
