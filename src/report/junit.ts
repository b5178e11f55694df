/**
 * JUnit XML for CI systems (GitLab, Jenkins, GitHub test reporters, Azure DevOps): one
 * <testsuite> per run, one <testcase> per target. A failure's message is "outcome: top cause" and
 * its body the expectation, the evidence and the timeline. Targets the run did not reach are
 * <skipped/> (interrupted by SIGINT or SIGTERM, fail-fast) or failures (deadline). Written to a temporary file and
 * renamed, so an interrupted run never leaves half a document behind.
 */
import junitModule, { type Builder } from 'junit-report-builder';
import { formatMs } from '../duration.js';
import { safeText, stopSignalText, timelineLines } from './check-table.js';
import type { CheckResult, CheckRun } from '../check/result.js';
import { writeFileAtomic } from './atomic-write.js';

// The package is CommonJS (`module.exports = builder`); its typings describe an ES default export,
// which NodeNext resolution places one level deeper. Accept either shape.
const rootBuilder: Builder =
  (junitModule as unknown as { default?: Builder }).default ?? (junitModule as unknown as Builder);

export const JUNIT_CLASSNAME = 'connreset.check';

/** JUnit times are seconds; millisecond precision is what every reader shows. */
const seconds = (ms: number): number => Math.round(ms) / 1000;

/** CDATA cannot contain "]]>"; the builder only splits the first one. */
function cdataSafe(text: string): string {
  return text.replace(/]]>/g, ']] >');
}

/** `web (http://10.0.0.7/)`; with all_addresses `api:443 (10.0.0.7)` or `api (api:443, 10.0.0.7)` */
function testName(r: CheckResult, duplicate: boolean): string {
  const at = r.address === null ? '' : r.name === r.target ? ` (${r.address})` : `, ${r.address}`;
  const base = r.name === r.target ? `${r.target}${at}` : `${r.name} (${r.target}${at})`;
  return safeText(duplicate ? `${base} [#${r.index + 1}]` : base);
}

export function failureMessage(r: CheckResult): string {
  if (r.status === 'not_run') return 'not finished before the --deadline';
  const cause = r.topCause ? `: ${r.topCause.title}` : '';
  return safeText(`${r.outcome ?? 'no outcome'}${cause}`);
}

function failureBody(r: CheckResult): string {
  const lines: string[] = [];
  lines.push(`target: ${r.target}`);
  if (r.address !== null) lines.push(`address: ${r.address}`);
  if (r.source) lines.push(`config: ${r.source.file}:${r.source.line}`);
  lines.push(`expected: ${r.expected}`);
  lines.push(`observed: ${r.observed ?? '(not finished)'}`);
  for (const reason of r.reasons) lines.push(`why: ${reason}`);
  if (r.attempts > 1) lines.push(`attempts: ${r.failedAttempts} of ${r.attempts} failed`);
  if (r.summary) lines.push(`summary: ${r.summary}`);
  const cause = r.diagnosis?.causes[0];
  if (cause) {
    lines.push(`top cause: ${cause.title} (${Math.round(cause.confidence * 100)}%)`);
    for (const e of cause.evidence) lines.push(`  evidence: ${e}`);
    for (const step of cause.remediation) lines.push(`  fix: ${step}`);
  }
  if (r.observation) {
    lines.push('timeline:');
    lines.push(...timelineLines(r.observation.events));
  }
  return cdataSafe(lines.map(safeText).join('\n'));
}

export function renderJUnit(run: CheckRun): string {
  const builder = rootBuilder.newBuilder();
  builder.name('connreset check');
  const suite = builder
    .testSuite()
    .name(safeText(run.source ?? 'connreset check'))
    .timestamp(new Date(run.startedAt))
    .time(seconds(run.durationMs));
  suite.property('connreset.stoppedBy', run.stoppedBy);
  if (run.signal) suite.property('connreset.signal', run.signal);
  suite.property('connreset.concurrency', String(run.concurrency.used));

  const seen = new Map<string, number>();
  // a target listed twice is told apart by its position; the rows of one all_addresses target by their address
  const sameName = (r: CheckResult): string => `${r.name}\u0000${r.address ?? ''}`;
  for (const r of run.results) seen.set(sameName(r), (seen.get(sameName(r)) ?? 0) + 1);

  for (const r of run.results) {
    const tc = suite
      .testCase()
      .className(JUNIT_CLASSNAME)
      .name(testName(r, (seen.get(sameName(r)) ?? 0) > 1))
      .time(seconds(r.durationMs ?? 0));
    if (r.source) tc.file(safeText(r.source.file));
    if (r.certificate) {
      if (r.certificate.daysToExpiry !== null) tc.property('connreset.tls.daysToExpiry', String(r.certificate.daysToExpiry));
      if (r.certificate.validTo) tc.property('connreset.tls.validTo', safeText(r.certificate.validTo));
      tc.property('connreset.tls.trusted', String(r.certificate.trusted));
    }
    if (r.status === 'failed' || (r.status === 'not_run' && r.notRunReason === 'deadline')) {
      tc.failure(failureMessage(r), r.status === 'not_run' ? 'deadline' : (r.outcome ?? 'failure'));
      tc.stacktrace(failureBody(r));
    } else if (r.status === 'not_run') {
      tc.skipped();
      tc.standardOutput(r.notRunReason === 'fail_fast' ? 'skipped: an earlier target failed (--fail-fast)' : `not run: interrupted (${stopSignalText(run)})`);
    } else {
      tc.standardOutput(safeText(`expected ${r.expected}, observed ${r.observed ?? ''} in ${formatMs(r.durationMs ?? 0)}`));
    }
  }
  return builder.build();
}

export function writeJUnit(path: string, run: CheckRun): void {
  writeFileAtomic(path, renderJUnit(run));
}
