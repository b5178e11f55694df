/**
 * The locate experiment's lines in a probe report (under "follow-up experiments"): the verdict in
 * one sentence, its evidence, the path the SYN sweep saw, and every method that could not run
 * with the reason.
 */
import chalk from 'chalk';
import type { LocateResult } from '../diagnose/locate-types.js';
import { escapeControls } from '../escape.js';

export function locateLines(result: LocateResult, indent = '      '): string[] {
  const out: string[] = [];
  if (!result.ran) {
    out.push(`${indent}${escapeControls(result.reason)}`);
  } else {
    const { verdict, measurements } = result;
    const colour = verdict.sender === 'middlebox' ? chalk.yellow : verdict.sender === 'server' ? chalk.cyan : chalk.dim;
    out.push(`${indent}${colour(chalk.bold(`sender: ${verdict.sender}`))}  ${escapeControls(verdict.summary)}`);
    for (const line of verdict.evidence) out.push(`${indent}  - ${escapeControls(line)}`);
    if (measurements.path.length > 0 || measurements.serverHops !== null) {
      const hops = measurements.path.map((p) => `${p.hop} ${p.address ?? '*'}`);
      if (measurements.serverHops !== null) hops.push(`${measurements.serverHops} ${measurements.address} (server)`);
      out.push(chalk.dim(`${indent}  path: ${escapeControls(hops.join('  →  '))}`));
    }
  }
  for (const n of result.notRun) out.push(chalk.dim(`${indent}  ${n.method}: ${escapeControls(n.reason)}`));
  return out;
}
