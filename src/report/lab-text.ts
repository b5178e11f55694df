/**
 * The lab's listing: one block per scenario with its port, what the server does, what the probe
 * should conclude, and a command to try.
 */
import chalk from 'chalk';
import { formatMs } from '../duration.js';
import type { Lab } from '../lab/server.js';
import { suggestedCommand } from '../lab/probe-plan.js';

const WRAP = 78;
const INDENT = ' '.repeat(8);

export function renderLabListing(lab: Lab): string {
  const out: string[] = [];
  out.push(
    chalk.bold(`connreset lab: ${lab.scenarios.length} fault scenarios on ${lab.host}`) +
      chalk.dim(`  (idle time ${formatMs(lab.idleAfterMs)})`),
  );
  out.push('');
  for (const running of lab.scenarios) {
    const { scenario } = running;
    // what the `try:` command prints: probe runs its follow-up experiments after a failure
    const cause = scenario.topCauseAfterFollowups ?? scenario.expectedTopCause;
    const expected = cause ? `${scenario.expectedOutcome} (${cause})` : scenario.expectedOutcome;
    out.push(`  ${chalk.cyan(String(running.port).padStart(5))}  ${chalk.bold(running.name)}  ${chalk.dim(`probe says: ${expected}`)}`);
    for (const line of wrap(scenario.description, WRAP)) out.push(`${INDENT}${line}`);
    out.push(`${INDENT}${chalk.dim('try:')} ${suggestedCommand(running, lab.idleAfterMs)}`);
    out.push('');
  }
  out.push('Point your own client at a port to see how it copes with each fault. Press Ctrl-C to stop.');
  return `${out.join('\n')}\n`;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}
