/**
 * GitHub Actions workflow commands: one `::error` line per failed target, attached to the config
 * line that declared it, so the failure shows on the pull request's file view and in the job
 * summary. Escaping follows the runner's rules (as @actions/core does): in the message `%`, CR and
 * LF are percent-encoded; in property values `:` and `,` are too.
 */
import { isAbsolute, relative } from 'node:path';
import { safeText } from './check-table.js';
import { displayName, isFailure, type CheckResult, type CheckRun } from '../check/result.js';

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function githubActionsEnabled(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return env.GITHUB_ACTIONS === 'true';
}

/** Paths in annotations are relative to the repository root (the workspace). */
function annotationPath(file: string, workspace: string | undefined): string {
  if (workspace && isAbsolute(file)) {
    const rel = relative(workspace, file);
    if (!rel.startsWith('..')) return rel;
  }
  return file;
}

function annotation(r: CheckResult, workspace: string | undefined): string {
  const props: string[] = [];
  if (r.source && r.source.file !== '<stdin>') {
    props.push(`file=${escapeProperty(safeText(annotationPath(r.source.file, workspace)))}`);
    props.push(`line=${r.source.line}`);
  }
  props.push(`title=${escapeProperty(safeText(`connreset check: ${displayName(r)}`))}`);
  const lines: string[] = [];
  const [first, ...more] = r.reasons.length > 0 ? r.reasons : [`expected ${r.expected}, observed ${r.observed ?? 'nothing'}`];
  lines.push(`${r.address === null ? r.target : `${r.target} (${r.address})`}: ${first}`, ...more);
  if (r.topCause) lines.push(`Top cause: ${r.topCause.title} (${Math.round(r.topCause.confidence * 100)}%)`);
  if (r.summary) lines.push(r.summary);
  // the message may span lines (encoded); each line is made terminal-safe first
  return `::error ${props.join(',')}::${escapeData(lines.map(safeText).join('\n'))}`;
}

/**
 * GitHub shows at most 50 annotations of a job (10 error annotations per step); past that a fleet's
 * failures would only be noise in the log, so the rest are counted in one last annotation.
 */
export const MAX_ANNOTATIONS = 50;

export function renderGithubAnnotations(run: CheckRun, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const failures = run.results.filter(isFailure);
  const shown = failures.length > MAX_ANNOTATIONS ? failures.slice(0, MAX_ANNOTATIONS - 1) : failures;
  const lines = shown.map((r) => annotation(r, env.GITHUB_WORKSPACE));
  if (shown.length < failures.length) {
    const more = failures.length - shown.length;
    lines.push(`::error title=${escapeProperty('connreset check')}::${escapeData(`${more} more targets failed: see the table in the job log, or the JUnit/JSON report`)}`);
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
