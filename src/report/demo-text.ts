/**
 * The demo's report: per lab scenario, the outcome the probe found (in colour) and the top cause,
 * with the one-sentence summary of what happened on the wire; then a tally and what to try next.
 */
import chalk from 'chalk';
import type { Diagnosis } from '../diagnose/diagnosis.js';
import { OUTCOME_INFO, type Severity } from '../knowledge/outcomes.js';
import { formatMs } from '../duration.js';
import type { Scenario } from '../lab/scenarios.js';
import { escapeControls } from '../escape.js';

export interface DemoRow {
  scenario: Scenario;
  target: string;
  diagnosis: Diagnosis;
}

const SEVERITY_COLOUR: Readonly<Record<Severity, (s: string) => string>> = {
  ok: (s) => chalk.green(s),
  warning: (s) => chalk.yellow(s),
  failure: (s) => chalk.red(s),
};

const NAME_WIDTH = 17;
const OUTCOME_WIDTH = 18;

export function isExpected(row: DemoRow): boolean {
  return row.diagnosis.outcome === row.scenario.expectedOutcome && (row.diagnosis.causes[0]?.id ?? null) === row.scenario.expectedTopCause;
}

export function renderDemoHeader(host: string, count: number, idleAfterMs: number): string {
  return (
    `${chalk.bold('connreset demo')}: a fault lab on ${host} with ${count} misbehaving servers, each probed once, all at once.\n` +
    chalk.dim(`The idle scenarios drop connections after ${formatMs(idleAfterMs)} of silence, so this takes a few seconds.\n`) +
    '\n'
  );
}

export function renderDemoRows(rows: readonly DemoRow[]): string {
  const out: string[] = [];
  out.push(chalk.dim(`    ${'scenario'.padEnd(NAME_WIDTH)} ${'outcome'.padEnd(OUTCOME_WIDTH)} top cause`));
  for (const row of rows) {
    const { diagnosis, scenario } = row;
    const expected = isExpected(row);
    const mark = expected ? chalk.green('✓') : chalk.red('✗');
    const colour = SEVERITY_COLOUR[OUTCOME_INFO[diagnosis.outcome].severity];
    const top = diagnosis.causes[0];
    const cause = top ? `${top.title} ${chalk.dim(`(${Math.round(top.confidence * 100)}%)`)}` : chalk.dim('healthy: nothing to explain');
    out.push(`  ${mark} ${chalk.bold(scenario.name.padEnd(NAME_WIDTH))} ${colour(diagnosis.outcome.padEnd(OUTCOME_WIDTH))} ${cause}`);
    out.push(`    ${' '.repeat(NAME_WIDTH)} ${chalk.dim(escapeControls(diagnosis.summary))}`);
    if (!expected) {
      const want = scenario.expectedTopCause ? `${scenario.expectedOutcome} / ${scenario.expectedTopCause}` : scenario.expectedOutcome;
      out.push(`    ${' '.repeat(NAME_WIDTH)} ${chalk.red(`expected ${want}, got ${diagnosis.outcome} / ${top?.id ?? 'no cause'}`)}`);
    }
  }
  return `${out.join('\n')}\n`;
}

export function renderDemoFooter(rows: readonly DemoRow[], elapsedMs: number, example: string | null): string {
  const good = rows.filter(isExpected).length;
  const all = good === rows.length;
  const tally = `${good} of ${rows.length} scenarios gave the expected outcome and top cause`;
  const out = ['', `${all ? chalk.green(tally) : chalk.red(tally)} ${chalk.dim(`(${formatMs(elapsedMs)})`)}.`, ''];
  out.push(chalk.bold('Try next:'));
  const tries: [string, string][] = [['connreset lab', 'run these servers until Ctrl-C and point your own client at them']];
  if (example) tries.push([example, 'with the lab running: one full report (timeline, causes, remediation)']);
  tries.push(['connreset explain "read ECONNRESET"', 'what an error from your logs means, and what to do about it']);
  const width = Math.max(...tries.map(([command]) => command.length)) + 2;
  for (const [command, what] of tries) out.push(`  ${chalk.cyan(command.padEnd(width))}${chalk.dim(what)}`);
  return `${out.join('\n')}\n`;
}

