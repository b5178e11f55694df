/**
 * The terminal summary of a check run: one row per target (target, expected, observed, time, top
 * cause), a totals line, then each failure in detail with its evidence, remediation and timeline.
 * Everything that came from a peer or a config is passed through `safeText` first.
 */
import chalk from 'chalk';
import { escapeText } from '../escape.js';
import { formatMs } from '../duration.js';
import { cutPreview } from '../probe/preview.js';
import { SHOWN_PREVIEW_CHARS } from '../probe/defaults.js';
import { describeBannerWait } from '../probe/banner-wait.js';
import type { TimelineEvent } from '../diagnose/observation.js';
import { displayName, totals, type CheckResult, type CheckRun } from '../check/result.js';

/** Replaces control, bidi and line-separator characters with visible escapes (src/escape.ts). */
export const safeText = escapeText;

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** One line per timeline event: "  12.3 ms  reply    received 78 bytes: HTTP/1.1 200 OK…" */
export function describeEvent(ev: TimelineEvent): string {
  switch (ev.kind) {
    case 'resolved':
      return `resolved to ${ev.addresses.map((a) => a.address).join(', ')}`;
    case 'resolve_failed':
      return `resolve failed: ${ev.code} ${ev.message}`;
    case 'connecting':
      return `connecting to ${ev.family === 6 ? `[${ev.address}]` : ev.address}:${ev.port}`;
    case 'connected':
      return `connected from ${ev.localAddress}:${ev.localPort}`;
    case 'tls_established':
      return `TLS established${ev.tls.protocol ? ` (${ev.tls.protocol}${ev.tls.cipher ? `, ${ev.tls.cipher}` : ''})` : ''}`;
    case 'interrupted':
      return `stopped by ${ev.reason}`;
    case 'tls_untrusted':
      return `TLS certificate not trusted: ${ev.code} ${ev.reason}${ev.tls.subject ? ` (${ev.tls.subject})` : ''}`;
    case 'tls_failed':
      return `TLS failed: ${ev.code}${ev.alert ? ` alert ${ev.alert}` : ''} ${ev.message}`;
    case 'sent':
      return `sent ${ev.bytes} bytes`;
    case 'received':
      return `received ${ev.bytes} bytes: ${cutPreview(ev.preview, SHOWN_PREVIEW_CHARS)}`;
    case 'fin':
      return 'peer closed (FIN)';
    case 'reset':
      return `peer reset (RST, ${ev.code})`;
    case 'error':
      return `socket error ${ev.code}: ${ev.message}`;
    case 'timeout':
      return `no event within ${formatMs(ev.limitMs)}`;
    case 'idle_start':
      return `idle hold for ${formatMs(ev.durationMs)}${ev.keepaliveMs !== null ? ` (keepalive every ${formatMs(ev.keepaliveMs)})` : ''}`;
    case 'idle_end':
      return 'idle hold over';
    case 'banner_wait':
      return describeBannerWait(ev);
    case 'expect_matched':
      return `reply matched /${ev.pattern}/`;
    case 'expect_failed':
      return `reply did not match /${ev.pattern}/`;
    case 'closed_by_us':
      return 'we closed the connection';
  }
}

/** The timeline as text lines, times right-aligned. Safe for a terminal. */
export function timelineLines(events: readonly TimelineEvent[]): string[] {
  return events.map((ev) => `${formatMs(ev.t).padStart(10)}  ${ev.phase.padEnd(8)} ${safeText(describeEvent(ev))}`);
}

const COLUMNS = ['TARGET', 'EXPECTED', 'OBSERVED', 'TIME', 'TOP CAUSE'] as const;
const MAX_WIDTH = { target: 48, expected: 48, observed: 48 } as const;

function statusMark(r: CheckResult): string {
  if (r.status === 'passed') return chalk.green('✔');
  if (r.status === 'failed') return chalk.red('✘');
  return r.notRunReason === 'deadline' ? chalk.red('⏱') : chalk.yellow('–');
}

function observedText(r: CheckResult): string {
  if (r.status === 'not_run') return r.notRunReason === 'deadline' ? 'not finished (deadline)' : r.notRunReason === 'fail_fast' ? 'skipped (fail-fast)' : 'interrupted';
  return r.observed ?? '';
}

/** Failures shown in detail under the table; the rest are counted. */
export const MAX_DETAILED_FAILURES = 50;

export interface TableOptions {
  /** list only the targets that failed or did not run (large fleets) */
  onlyFailures?: boolean;
}

export function renderCheckTable(run: CheckRun, options: TableOptions = {}): string {
  const rows = run.results
    .filter((r) => !options.onlyFailures || r.status !== 'passed')
    .map((r) => ({
      r,
      cells: [
        truncate(safeText(displayName(r)), MAX_WIDTH.target),
        truncate(safeText(r.expected), MAX_WIDTH.expected),
        truncate(safeText(observedText(r)), MAX_WIDTH.observed),
        r.durationMs === null ? '—' : formatMs(r.durationMs),
        r.topCause ? safeText(r.topCause.title) : '—',
      ],
    }));
  // a loop, not Math.max(...rows): 150,000 rows as arguments overflow the call stack
  const widths = COLUMNS.map((h, i) => rows.reduce((w, row) => Math.max(w, row.cells[i]!.length), h.length));
  const pad = (cells: readonly string[]): string[] => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)));
  const out: string[] = [];
  if (rows.length > 0) out.push(chalk.bold(`  ${pad(COLUMNS).join('  ')}`.trimEnd()));
  for (const { r, cells } of rows) {
    const [target, expected, observed, time, cause] = pad(cells) as [string, string, string, string, string];
    const obsColoured = r.status === 'passed' ? chalk.green(observed) : r.status === 'failed' ? chalk.red(observed) : chalk.yellow(observed);
    out.push(`${statusMark(r)} ${target}  ${expected}  ${obsColoured}  ${time}  ${chalk.dim(cause)}`.trimEnd());
  }
  if (rows.length > 0) out.push('');
  out.push(totalsLine(run));
  const failures = run.results.filter((r) => r.status === 'failed' || (r.status === 'not_run' && r.notRunReason === 'deadline'));
  if (failures.length > 0) {
    out.push('');
    out.push(chalk.bold.red(`Failures (${failures.length}):`));
    // in detail up to a point: 200,000 failed targets are 200,000 rows above, not two million lines here
    failures.slice(0, MAX_DETAILED_FAILURES).forEach((r, i) => {
      out.push('');
      for (const line of failureDetail(r, i + 1)) out.push(line);
    });
    const more = failures.length - MAX_DETAILED_FAILURES;
    if (more > 0) out.push('', `… and ${more} more failure${more === 1 ? '' : 's'}: each has its row above, and --json or --junit has every one in full`);
  }
  return `${out.join('\n')}\n`;
}

export function totalsLine(run: CheckRun): string {
  const t = totals(run);
  const parts = [`${t.targets} target${t.targets === 1 ? '' : 's'}`, chalk.green(`${t.passed} passed`), t.failed > 0 ? chalk.red(`${t.failed} failed`) : `${t.failed} failed`];
  if (t.notRun > 0) parts.push(chalk.yellow(`${t.notRun} not run`));
  const how = `in ${formatMs(run.durationMs)}, concurrency ${run.concurrency.used}`;
  const stop =
    run.stoppedBy === 'interrupted'
      ? chalk.yellow(` — interrupted (${stopSignalText(run)}): results so far`)
      : run.stoppedBy === 'deadline'
        ? chalk.red(' — stopped at the --deadline')
        : run.stoppedBy === 'fail_fast'
          ? chalk.red(' — stopped at the first failure (--fail-fast)')
          : '';
  return `${parts[0]}: ${parts.slice(1).join(', ')} (${how})${stop}`;
}

/** "Ctrl-C" for SIGINT (what a person pressed), the signal's name otherwise (what a runner or the system sent). */
export function stopSignalText(run: CheckRun): string {
  return run.signal === null || run.signal === 'SIGINT' ? 'Ctrl-C' : run.signal;
}

function failureDetail(r: CheckResult, n: number): string[] {
  const lines: string[] = [];
  const where = r.source ? chalk.dim(` (${safeText(r.source.file)}:${r.source.line})`) : '';
  const title = r.name === r.target ? safeText(displayName(r)) : `${safeText(displayName(r))} ${chalk.dim(safeText(r.target))}`;
  lines.push(`${chalk.bold(`${n}) ${title}`)}${where}`);
  for (const reason of r.reasons) lines.push(`   ${chalk.red(safeText(reason))}`);
  if (r.attempts > 1) lines.push(`   ${r.failedAttempts} of ${r.attempts} attempts failed`);
  if (r.summary) lines.push(`   ${safeText(r.summary)}`);
  if (r.locate) lines.push(`   who sent it: ${safeText(r.locate.summary)}`);
  const cause = r.diagnosis?.causes[0];
  if (cause) {
    lines.push(`   Top cause: ${chalk.bold(safeText(cause.title))} (${Math.round(cause.confidence * 100)}%)`);
    for (const e of cause.evidence) lines.push(`     · ${safeText(e)}`);
    const steps = cause.remediation.slice(0, 2);
    if (steps.length > 0) {
      lines.push('   What to do:');
      for (const step of steps) lines.push(`     - ${safeText(step)}`);
    }
  }
  if (r.observation && r.observation.events.length > 0) {
    lines.push('   Timeline:');
    for (const l of timelineLines(r.observation.events)) lines.push(`   ${l}`);
  }
  return lines;
}
