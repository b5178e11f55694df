/**
 * Terminal report of a probe: the timeline with times, the outcome in colour, the ranked causes
 * with their evidence and remediation, and the error the user's own client would have seen.
 * Everything that came from the peer is already escaped in the observation; messages from the
 * system are escaped here as well, as they may quote what the peer sent.
 */
import chalk from 'chalk';
import type { ClientErrorView, Diagnosis } from '../diagnose/diagnosis.js';
import type { Observation, TimelineEvent, TlsInfo } from '../diagnose/observation.js';
import { expiryPhrase } from '../diagnose/facts.js';
import { OUTCOME_INFO, type Severity } from '../knowledge/outcomes.js';
import { formatMs } from '../duration.js';
import { cutPreview } from '../probe/preview.js';
import { SHOWN_PREVIEW_CHARS } from '../probe/defaults.js';
import { describeBannerWait } from '../probe/banner-wait.js';
import type { RunSummary } from './probe-summary.js';
import { attemptTimes, type ProbeStats, type Spread } from './probe-stats.js';
import { escapeControls } from '../escape.js';
import { renderExperimentsText } from './experiments-text.js';
import { CONFIDENCE_LEGEND } from '../diagnose/diagnosis.js';

export interface TextOptions {
  /** how many causes to show in full (the rest are listed by title) */
  causes?: number;
  /** -v: also the routine waits (the banner wait before sending), which are noise in most reports */
  verbose?: boolean;
}

/** Timeline events shown only with -v: they say how long we waited, not what the peer did. */
const VERBOSE_ONLY: ReadonlySet<TimelineEvent['kind']> = new Set(['banner_wait']);

/**
 * -q: one line per probe, "OUTCOME  TARGET (ADDRESS)  TIME  summary", tcping-style, for many
 * targets or a loop. The summary is escaped like every other peer-derived text.
 */
export function renderQuietLine(obs: Observation, diagnosis: Diagnosis): string {
  const severity = OUTCOME_INFO[diagnosis.outcome].severity;
  const where = obs.address === null ? '' : ` (${obs.family === 6 ? `[${obs.address}]` : obs.address}:${obs.port})`;
  return `${SEVERITY_COLOUR[severity](diagnosis.outcome.padEnd(18))} ${escapeControls(obs.target)}${escapeControls(where)}  ${formatMs(obs.durationMs)}  ${escapeControls(diagnosis.summary)}`;
}

/** After several targets: "3 targets: 2 healthy, 1 failing (reset_after_send ×1)". */
export function renderRunSummaryLine(diagnoses: readonly Diagnosis[], targets: number, interrupted: boolean): string {
  const failing = diagnoses.filter((d) => !d.healthy);
  const counts = new Map<string, number>();
  for (const d of failing) counts.set(d.outcome, (counts.get(d.outcome) ?? 0) + 1);
  const which = failing.length === 0 ? '' : ` (${[...counts].map(([o, n]) => `${o} ×${n}`).join(', ')})`;
  const probes = diagnoses.length === targets ? `${targets} targets` : `${targets} targets, ${diagnoses.length} probes`;
  return `${chalk.bold(probes)}: ${diagnoses.length - failing.length} healthy, ${failing.length} failing${which}${interrupted ? ' — interrupted: results so far' : ''}`;
}

/** One attempt of a repeated probe, as it is listed before the statistics line. */
export interface AttemptView {
  run: number;
  observation: Observation;
  diagnosis: Diagnosis;
}

/**
 * --repeat: one line per attempt, tcping-style: "  3  ok                 connect 0.4 ms  first byte 1.2 ms".
 * With several addresses (--all-addresses) each line names its address. Times are in ms with one
 * decimal whatever their size, so a column of them reads at a glance.
 */
export function renderAttemptLines(attempts: readonly AttemptView[], runs: number): string[] {
  const width = String(runs).length;
  const addresses = new Set(attempts.map((a) => a.observation.address));
  return attempts.map(({ run, observation: obs, diagnosis }) => {
    const severity = OUTCOME_INFO[diagnosis.outcome].severity;
    const where = addresses.size > 1 ? `  ${escapeControls(addressText(obs))}` : '';
    const { connectMs, firstByteMs } = attemptTimes(obs);
    const times =
      connectMs === null ? 'no connection' : `connect ${statMs(connectMs)}${firstByteMs === null ? '  no reply' : `  first byte ${statMs(firstByteMs)}`}`;
    return `  ${String(run).padStart(width)}${where}  ${SEVERITY_COLOUR[severity](diagnosis.outcome.padEnd(18))} ${times}`;
  });
}

/**
 * --repeat's head: "probe TARGET  (N runs)" ("2 of 5 runs" when interrupted), a line per attempt,
 * the statistics line.
 */
export function renderAttemptsText(target: string, attempts: readonly AttemptView[], runs: number, stats: ProbeStats): string {
  const done = new Set(attempts.map((a) => a.run)).size;
  const head = `${chalk.bold(`probe ${escapeControls(target)}`)}  (${done < runs ? `${done} of ${runs}` : runs} runs)`;
  return `${[head, ...renderAttemptLines(attempts, runs), renderStatsLine(stats)].join('\n')}\n`;
}

/** tcping's statistics in one line: "3 probes: 3 ok, 0 failed; connect min/avg/max 0.3/0.4/0.6 ms; first byte min/avg/max …". */
export function renderStatsLine(stats: ProbeStats): string {
  const spread = (name: string, s: Spread | null, none: string): string =>
    s === null ? `${name}: ${none}` : `${name} min/avg/max ${s.min.toFixed(1)}/${s.avg.toFixed(1)}/${s.max.toFixed(1)} ms`;
  const counts = `${stats.count} ${stats.count === 1 ? 'probe' : 'probes'}: ${stats.ok} ok, ${stats.failed} failed`;
  return `${chalk.bold(counts)}; ${spread('connect', stats.connectMs, 'never connected')}; ${spread('first byte', stats.firstByteMs, 'no reply')}`;
}

function statMs(ms: number): string {
  return `${ms.toFixed(1)} ms`;
}

function addressText(obs: Observation): string {
  if (obs.address === null) return '-';
  return obs.family === 6 ? `[${obs.address}]` : obs.address;
}

const SEVERITY_COLOUR: Readonly<Record<Severity, (s: string) => string>> = {
  ok: (s) => chalk.green(s),
  warning: (s) => chalk.yellow(s),
  failure: (s) => chalk.red(s),
};

const CLIENT_ROWS: readonly [keyof ClientErrorView, string][] = [
  ['curl', 'curl'],
  ['linux', 'Linux'],
  ['macos', 'macOS'],
  ['windows', 'Windows'],
  ['node', 'Node.js'],
  ['python', 'Python'],
  ['java', 'Java'],
  ['go', 'Go'],
  ['dotnet', '.NET'],
];

export function renderProbeText(obs: Observation, diagnosis: Diagnosis, options: TextOptions = {}): string {
  const out: string[] = [];
  const where = obs.address === null ? '' : chalk.dim(`  (${escapeControls(obs.family === 6 ? `[${obs.address}]` : obs.address)}:${obs.port})`);
  out.push(`${chalk.bold(`probe ${escapeControls(obs.target)}`)}${where}`);
  out.push('');
  for (const event of obs.events) if (options.verbose || !VERBOSE_ONLY.has(event.kind)) out.push(timelineLine(event, obs));
  out.push(...renderExperimentsText(obs.experiments ?? [], diagnosis));
  out.push('');
  const severity = OUTCOME_INFO[diagnosis.outcome].severity;
  out.push(`${chalk.bold('outcome')}  ${SEVERITY_COLOUR[severity](chalk.bold(diagnosis.outcome))}  ${escapeControls(diagnosis.summary)}`);

  if (diagnosis.clientError) {
    out.push('');
    out.push(chalk.bold('your client would have seen'));
    for (const [key, label] of CLIENT_ROWS) {
      const text = diagnosis.clientError[key];
      if (text) out.push(`  ${label.padEnd(8)} ${escapeControls(text)}`);
    }
  }

  if (diagnosis.causes.length > 0) {
    const shown = options.causes ?? 3;
    out.push('');
    out.push(chalk.bold(diagnosis.healthy ? 'worth knowing' : 'likely causes'));
    diagnosis.causes.forEach((cause, index) => {
      const pct = `${Math.round(cause.confidence * 100)}%`.padStart(4);
      out.push(`  ${index + 1}. ${chalk.bold(pct)}  ${escapeControls(cause.title)}`);
      if (index >= shown) return;
      if (cause.basis) {
        const basis = cause.basis.kind === 'experiment' ? `follow-up: ${cause.basis.what.split(':')[0]}` : `timeline: ${cause.basis.what}`;
        out.push(`            ${chalk.magenta('decided ')}  ${escapeControls(basis)}`);
      }
      for (const line of cause.evidence) out.push(`            ${chalk.cyan('evidence')}  ${escapeControls(line)}`);
      cause.remediation.forEach((step, i) => out.push(`            ${i === 0 ? chalk.green('do      ') : '        '}  - ${escapeControls(step)}`));
    });
    if (!diagnosis.healthy) out.push(chalk.dim(`  ${CONFIDENCE_LEGEND}`));
  }
  return `${out.join('\n')}\n`;
}

export function renderSummaryText(summary: RunSummary): string {
  const colour = summary.failed === 0 ? chalk.green : chalk.red;
  return `${chalk.bold(`${escapeControls(summary.target)}`)}  ${colour(escapeControls(summary.text))}\n`;
}

function timelineLine(event: TimelineEvent, obs: Observation): string {
  const time = `${event.t < 10_000 ? `${event.t.toFixed(1)} ms` : formatMs(event.t)}`.padStart(10);
  const phase = event.phase.padEnd(7);
  const { text: raw, tone } = describe(event, obs);
  // every line as a whole: addresses, previews and messages may come from a peer or a resolver
  const text = escapeControls(raw);
  const coloured = tone === 'bad' ? chalk.red(text) : tone === 'warn' ? chalk.yellow(text) : tone === 'good' ? chalk.green(text) : text;
  return `  ${chalk.dim(time)}  ${chalk.dim(phase)}  ${coloured}`;
}

type Tone = 'bad' | 'warn' | 'good' | 'plain';

function describe(e: TimelineEvent, obs: Observation): { text: string; tone: Tone } {
  switch (e.kind) {
    case 'resolved':
      return e.addresses.length === 1 && e.addresses[0]!.address === obs.host
        ? { text: `${obs.host} is an address: no lookup`, tone: 'plain' }
        : { text: `resolved ${obs.host} → ${e.addresses.map((a) => a.address).join(', ')}`, tone: 'plain' };
    case 'resolve_failed':
      return { text: `lookup failed: ${e.code} (${escapeControls(e.message)})`, tone: 'bad' };
    case 'connecting':
      return { text: `connecting to ${e.family === 6 ? `[${e.address}]` : e.address}:${e.port}`, tone: 'plain' };
    case 'connected':
      return { text: `connected (local port ${e.localPort})`, tone: 'good' };
    case 'tls_established': {
      const t = e.tls;
      const facts = [t.protocol, t.cipher, t.alpn ? `ALPN ${t.alpn}` : null].filter(Boolean).join(', ');
      const cert = t.subject ? `; certificate ${t.subject}${expiryText(t)}` : '';
      const trust = t.authorized ? ', verified' : ` (not trusted: ${t.authorizationError ?? 'unknown'}; accepted with --insecure)`;
      return { text: escapeControls(`TLS established: ${facts}${cert}${trust}`), tone: 'good' };
    }
    case 'tls_untrusted': {
      const t = e.tls;
      const issuer = t.issuer && t.issuer !== t.subject ? `, issued by ${t.issuer}` : t.issuer ? ' (self-signed)' : '';
      return {
        text: escapeControls(`certificate not trusted: ${e.reason} [${e.code}]; ${t.subject ?? 'no subject'}${issuer}${expiryText(t)}; we closed (-k to accept it, --cacert FILE to trust its CA)`),
        tone: 'bad',
      };
    }
    case 'tls_failed':
      return { text: `TLS handshake failed: ${escapeControls(e.message)}${e.alert ? ` (alert: ${escapeControls(e.alert)})` : ''} [${e.code}]`, tone: 'bad' };
    case 'sent':
      return { text: `sent ${e.bytes} bytes${PAYLOAD_NAME[obs.options.send]}${e.phase === 'resume' ? ' again' : ''}`, tone: 'plain' };
    case 'received':
      return { text: `received ${e.bytes} bytes: "${cutPreview(e.preview, SHOWN_PREVIEW_CHARS)}"`, tone: 'plain' };
    case 'fin':
      return { text: 'peer closed the connection (FIN)', tone: 'warn' };
    case 'reset':
      return { text: `peer reset the connection (RST) → ${e.code}`, tone: 'bad' };
    case 'error':
      return { text: `${e.code}: ${escapeControls(e.message)}`, tone: 'bad' };
    case 'timeout':
      return { text: timeoutText(e.phase, e.limitMs), tone: 'bad' };
    case 'idle_start':
      return {
        text: `holding the connection idle for ${formatMs(e.durationMs)}${e.keepaliveMs === null ? ', no keepalive' : `, TCP keepalive after ${formatMs(e.keepaliveMs)}`}`,
        tone: 'plain',
      };
    case 'idle_end':
      return { text: 'idle hold over', tone: 'plain' };
    case 'banner_wait':
      return { text: describeBannerWait(e), tone: 'plain' };
    // --expect-status records its pattern as "status 200-399"; --expect a regular expression
    case 'expect_matched':
      return { text: e.pattern.startsWith('status ') ? `reply ${escapeControls(e.pattern)}: as expected` : `reply matches /${escapeControls(e.pattern)}/`, tone: 'good' };
    case 'expect_failed':
      return { text: e.pattern.startsWith('status ') ? `reply not ${escapeControls(e.pattern)} (--expect-status)` : `reply does not match /${escapeControls(e.pattern)}/`, tone: 'bad' };
    case 'interrupted':
      return { text: `stopped by ${escapeControls(e.reason)}: the probe ends here, nothing after this was observed`, tone: 'warn' };
    case 'closed_by_us':
      return { text: 'we closed the connection', tone: 'plain' };
  }
}

/** ", expires in 29 days (Jan  3 …)": the days first, as that is what a user watches */
function expiryText(t: TlsInfo): string {
  if (t.daysToExpiry === undefined || t.daysToExpiry === null) return t.validTo ? `, valid until ${t.validTo}` : '';
  return `, ${expiryPhrase(t.daysToExpiry, t.validTo)}`;
}

const PAYLOAD_NAME: Readonly<Record<Observation['options']['send'], string>> = {
  none: '',
  http: ' (HTTP request)',
  text: ' (text)',
  hex: ' (hex payload)',
  file: ' (file payload)',
  protocol: ` (the scheme's greeting)`,
  zeros: ' (zeros)',
};

const TIMEOUT_TEXT: Readonly<Record<TimelineEvent['phase'], string>> = {
  resolve: 'no answer from the resolver',
  connect: 'no answer to our SYN',
  tls: 'TLS handshake not finished',
  banner: 'no banner',
  send: 'could not send: the peer is not reading',
  reply: 'no (complete) reply',
  idle: 'gave up during the idle hold',
  resume: 'no answer to the resumed request',
};

function timeoutText(phase: TimelineEvent['phase'], limitMs: number): string {
  return `${TIMEOUT_TEXT[phase]} within ${formatMs(limitMs)}`;
}

