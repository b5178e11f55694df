/**
 * The follow-up experiments in a terminal report: one line per experiment with how long it took,
 * then one line per trial (what it sent, what came back). Peer bytes are already escaped in the
 * previews; the cut keeps escapes whole.
 */
import chalk from 'chalk';
import type { ExperimentRecord, ExperimentTrial } from '../diagnose/experiment-record.js';
import type { Diagnosis } from '../diagnose/diagnosis.js';
import { EXPERIMENT_NAMES } from '../diagnose/diagnose.js';
import { classify } from '../diagnose/classify.js';
import { formatMs } from '../duration.js';
import { cutPreview } from '../probe/preview.js';
import { escapeControls } from '../escape.js';

const TRIAL_NAMES: Readonly<Record<string, string>> = {
  tls_hello: 'TLS ClientHello',
  http_get: 'GET / HTTP/1.1',
  postgres_ssl: 'PostgreSQL SSLRequest',
  redis_ping: 'Redis PING',
  listen: 'listen for a banner',
  repeat: 'same probe again',
  neutral: 'neutral payload',
};

export function renderExperimentsText(experiments: readonly ExperimentRecord[], diagnosis: Diagnosis): string[] {
  if (experiments.length === 0) return [];
  const used = new Set(diagnosis.experimentsUsed ?? []);
  const out = ['', chalk.bold('follow-up experiments') + chalk.dim('  (after the failure; --no-followup turns them off)')];
  for (const record of experiments) {
    const stopped = record.stopped === 'budget' ? ', stopped at the time budget' : record.stopped === 'interrupted' ? ', interrupted' : '';
    const mark = used.has(record.id) ? chalk.green('used') : chalk.dim('inconclusive');
    out.push(`  ${chalk.bold(EXPERIMENT_NAMES[record.id])}  ${chalk.dim(`${formatMs(record.durationMs)}${stopped}`)}  ${mark}`);
    for (const trial of record.trials) out.push(`      ${(TRIAL_NAMES[trial.label] ?? trial.label).padEnd(22)} ${trialLine(trial)}`);
  }
  return out;
}

function trialLine(trial: ExperimentTrial): string {
  const obs = trial.observation;
  const tls = obs.events.find((e) => e.kind === 'tls_established');
  const tlsFailed = obs.events.find((e) => e.kind === 'tls_failed');
  const received = obs.events.filter((e) => e.kind === 'received');
  const end = obs.events.find((e) => e.kind === 'fin' || e.kind === 'reset');
  const parts: string[] = [];
  if (tls?.kind === 'tls_established') parts.push(`TLS ${tls.tls.protocol ?? ''}${tls.tls.subject ? `, ${tls.tls.subject}` : ''}`);
  if (tlsFailed?.kind === 'tls_failed') parts.push(`TLS failed: ${tlsFailed.message}`);
  if (received.length > 0 && received[0]!.kind === 'received') parts.push(`"${cutPreview(received[0]!.preview, 50)}"`);
  if (end) parts.push(`${end.kind === 'fin' ? 'FIN' : 'RST'} at ${formatMs(end.t)}`);
  const finished = obs.events.some((e) => ['fin', 'reset', 'error', 'timeout', 'closed_by_us', 'tls_failed'].includes(e.kind));
  if (!finished) parts.push('cut off');
  else if (parts.length === 0) parts.push('nothing came back');
  return `${classify(obs)}: ${escapeControls(parts.join('; '))}`;
}
