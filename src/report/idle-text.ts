/** Terminal rendering of an idle measurement. */
import chalk from 'chalk';
import { formatMs } from '../duration.js';
import type { IdleDocument } from './idle-json.js';

const ENFORCER_TEXT = {
  server: 'the server (or a proxy that terminates the connection)',
  middlebox: 'a middlebox on the path (NAT, stateful firewall or load balancer), not the server',
  server_or_middlebox: 'the server, or a middlebox that resets both sides',
} as const;

const row = (label: string, text: string): string => `  ${chalk.bold(label.padEnd(14))}${text}`;

/** Seconds with the precision the measurement has: 8.19 s, 58.2 s, 5 m 50 s. */
function fmt(ms: number): string {
  if (ms < 1000) return formatMs(ms);
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  return formatMs(ms);
}

function bracketText(doc: IdleDocument): string {
  const b = doc.bracket;
  if (!b || b.hiMs === null) return '';
  if (doc.death === 'fin_while_idle' || doc.death === 'reset_while_idle') {
    const when = b.hiMs - b.loMs < 10 ? fmt(b.hiMs) : `${fmt(b.loMs)} to ${fmt(b.hiMs)}`;
    return `${when} (the far end closed idle connections after that long)`;
  }
  return `between ${fmt(b.loMs)} and ${fmt(b.hiMs)}`;
}

export function renderIdleText(doc: IdleDocument): string {
  const out: string[] = [];
  const where = doc.address && doc.address !== doc.target ? ` (${doc.address}:${doc.port})` : '';
  out.push(`${chalk.bold('connreset idle')} ${doc.target}${where}`);
  if (doc.failure) {
    out.push(row('failed', `${doc.failure.message} [${doc.failure.code}]`));
    out.push(row('try', `connreset probe ${doc.target} to see what the endpoint does`));
    return `${out.join('\n')}\n`;
  }
  switch (doc.status) {
    case 'none_up_to_max':
      out.push(row('idle timeout', chalk.green(`none up to ${formatMs(doc.maxMs)}`) + chalk.dim(` (connections survived ${formatMs(doc.bracket?.loMs ?? 0)} of silence)`)));
      out.push(row('', chalk.dim('raise --max to look further (GCP Cloud NAT 20 min, home routers 2 h)')));
      break;
    case 'interrupted':
      out.push(row('idle timeout', chalk.yellow(`not found before the interruption`) + chalk.dim(` (connections survived ${fmt(doc.bracket?.loMs ?? 0)} of silence)`)));
      break;
    case 'inconsistent':
      out.push(row('idle timeout', chalk.yellow('inconsistent: some connections survived longer silences than others that died')));
      out.push(row('', chalk.dim('the path drops connections for another reason too (load, several backends with different timeouts); run again')));
      break;
    default:
      out.push(row('idle timeout', chalk.bold.red(bracketText(doc))));
  }
  if (doc.death && doc.status !== 'none_up_to_max') out.push(row('how it died', `${doc.deathLabel}`));
  if (doc.enforcer && doc.status === 'found') {
    out.push(row('enforced by', ENFORCER_TEXT[doc.enforcer]));
    out.push(row('', chalk.dim(doc.reason ?? '')));
  }
  for (const known of doc.knownTimeouts) {
    out.push(row('matches', `${known.name}: ${known.defaultS} s by default${known.verified ? '' : ' (commonly reported)'} ${chalk.dim(known.source)}`));
  }
  const rec = doc.recommendation;
  if (rec) {
    out.push('');
    if (rec.tcpKeepalive) {
      const k = rec.tcpKeepalive;
      out.push(row('keep alive', `TCP keepalive after ${k.idleS} s idle (probes every ${k.intvlS} s, ${k.cnt} probes), or drop pooled connections idle longer than ${rec.poolIdleS} s`));
    } else {
      out.push(row('keep alive', `drop pooled connections idle longer than ${rec.poolIdleS} s (TCP keepalive does not reset a server's idle timer)`));
    }
    // one line per stack; the notes (defaults, caveats) are in --json
    for (const s of rec.settings) out.push(`    ${chalk.cyan(s.stack)}\n      ${s.setting}`);
  }
  if (doc.keepaliveCheck) {
    const c = doc.keepaliveCheck;
    const verdict =
      c.result === 'alive'
        ? chalk.green(`a connection with TCP keepalive after ${c.keepaliveS} s idle was still alive after ${fmt(c.heldMs)} of silence: keepalive keeps this path open`)
        : chalk.red(`a connection with TCP keepalive after ${c.keepaliveS} s idle died (${c.result.replaceAll('_', ' ')}${c.code ? `, ${c.code}` : ''}) within ${fmt(c.heldMs)} of silence: TCP keepalive does not keep this path open`);
    out.push('', row('verified', verdict));
  }
  out.push('');
  out.push(row('trials', trialSummary(doc)));
  const check = doc.keepaliveCheck ? ` (+ ${formatMs(doc.keepaliveCheck.durationMs)} for the keepalive check)` : '';
  out.push(row('took', `${formatMs(doc.durationMs)} with ${doc.connections} connections${check}${doc.interrupted ? chalk.yellow(' (interrupted: partial result)') : ''}`));
  return `${out.join('\n')}\n`;
}

/** The trials around the bracket: the longest silences survived and the shortest that killed. */
function trialSummary(doc: IdleDocument): string {
  const alive = doc.trials.filter((t) => t.result === 'alive').sort((a, b) => b.idleMs - a.idleMs).slice(0, 3).reverse();
  const dead = doc.trials.filter((t) => t.result !== 'alive').sort((a, b) => a.idleMs - b.idleMs).slice(0, 3);
  const survived = alive.map((t) => fmt(t.idleMs)).join(', ');
  const died = dead.map((t) => `${fmt(t.idleMs)} (${t.result.replaceAll('_', ' ')})`).join(', ');
  const total = `${doc.trials.length} in all`;
  return [survived && `survived ${survived}`, died && `died ${died}`, total].filter(Boolean).join('; ');
}
