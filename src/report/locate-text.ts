/**
 * The "who sent it" block of a probe report: the locate verdict in one sentence, its evidence, the
 * path the SYN sweep saw, and every method that could not run with the reason.
 */
import chalk from 'chalk';
import type { LocateResult } from '../diagnose/locate-types.js';
import { escapeControls } from '../escape.js';
import { formatMs } from '../duration.js';

export function renderLocateText(result: LocateResult): string {
  const out: string[] = ['', chalk.bold('who sent it') + chalk.dim(`  (locate, ${formatMs(result.durationMs)})`)];
  if (!result.ran) {
    out.push(`  ${escapeControls(result.reason)}`);
  } else {
    const { verdict, measurements } = result;
    const colour = verdict.sender === 'middlebox' ? chalk.yellow : verdict.sender === 'server' ? chalk.cyan : chalk.dim;
    out.push(`  ${colour(chalk.bold(verdict.sender))}  ${escapeControls(verdict.summary)}`);
    for (const line of verdict.evidence) out.push(`    - ${escapeControls(line)}`);
    if (measurements.path.length > 0 || measurements.serverHops !== null) {
      const hops = measurements.path.map((p) => `${p.hop} ${p.address ?? '*'}`);
      if (measurements.serverHops !== null) hops.push(`${measurements.serverHops} ${measurements.address} (server)`);
      out.push(chalk.dim(`    path: ${escapeControls(hops.join('  →  '))}`));
    }
  }
  for (const n of result.notRun) out.push(chalk.dim(`    ${n.method}: ${escapeControls(n.reason)}`));
  return `${out.join('\n')}\n`;
}
