/**
 * The results of a check run, as every reporter (table, JSON, JUnit, annotations, Prometheus)
 * reads them. A passing result is a few small fields; only a failing one keeps its observation and
 * diagnosis (the timeline is what a failure report shows), so memory grows with the results, not
 * with the timelines of thousands of healthy targets.
 */
import type { Observation } from '../diagnose/observation.js';
import type { CertificateFacts } from '../diagnose/certificate.js';
import type { Diagnosis } from '../diagnose/diagnosis.js';
import type { Outcome } from '../shared/outcome.js';
import type { CauseId } from '../knowledge/causes.js';
import type { SourceRef } from './config.js';
import type { Sender } from '../diagnose/locate-types.js';
import { SIGNAL_EXIT_CODES, type StopSignal } from '../stop-signals.js';

export const CHECK_SCHEMA = 'connreset.check/v1' as const;

/** Why a target was not (fully) checked. `deadline` counts as a failure; the others do not by themselves. */
export type NotRunReason = 'deadline' | 'fail_fast' | 'interrupted';

/** The locate verdict as a check row carries it. */
export interface LocatedSender {
  sender: Sender;
  hop: number | null;
  hopAddress: string | null;
  summary: string;
}

export type CheckStatus = 'passed' | 'failed' | 'not_run';

export interface TopCause {
  id: CauseId;
  title: string;
  confidence: number;
}

export interface CheckResult {
  /** position in the input, 0-based */
  index: number;
  name: string;
  /** the target as written (credentials redacted by the target parser) */
  target: string;
  /**
   * with all_addresses (a name that resolves to several addresses): the address this row probed,
   * one row per address; null otherwise (and when the name did not resolve)
   */
  address: string | null;
  source: SourceRef | null;
  /** describeExpectation() of the expectation */
  expected: string;
  status: CheckStatus;
  notRunReason: NotRunReason | null;
  /** outcome of the deciding attempt (the first failing one, else the last) */
  outcome: Outcome | null;
  /** for people: "closed_while_idle after 5.0 s idle", "reset_after_send (2 of 5)" */
  observed: string | null;
  durationMs: number | null;
  /** ms from the start of the deciding probe to the TCP connection being established */
  connectMs: number | null;
  /** the server certificate of a TLS target (days to expiry, trusted or not); null otherwise (added within v1) */
  certificate?: CertificateFacts | null;
  startedAt: string | null;
  attempts: number;
  failedAttempts: number;
  /** why the expectation did not hold */
  reasons: string[];
  topCause: TopCause | null;
  /** one sentence of what happened on the wire */
  summary: string | null;
  /** with --locate, on a failure: who sent the RST (or where packets stop); null otherwise */
  locate?: LocatedSender | null;
  /** kept for failures only */
  observation: Observation | null;
  diagnosis: Diagnosis | null;
}

/** How people see a row: its name, and with all_addresses the address it probed: `api.internal:443 (10.0.0.7)`. */
export function displayName(r: Pick<CheckResult, 'name' | 'address'>): string {
  return r.address === null ? r.name : `${r.name} (${r.address})`;
}

export type StopReason = 'completed' | 'deadline' | 'interrupted' | 'fail_fast';

export interface ConcurrencyInfo {
  requested: number;
  used: number;
  /** soft open-file limit of the process, when known */
  fdLimit: number | null;
  /** set when the requested concurrency was lowered to stay under the open-file limit */
  cappedBy: 'fd_limit' | null;
}

export interface CheckRun {
  /** config file, `<stdin>` or null (arguments only) */
  source: string | null;
  startedAt: string;
  durationMs: number;
  concurrency: ConcurrencyInfo;
  stoppedBy: StopReason;
  /** with stoppedBy `interrupted`: the signal (Ctrl-C is SIGINT; timeout(1), systemd and Kubernetes send SIGTERM; a closed terminal SIGHUP); else null */
  signal: StopSignal | null;
  results: CheckResult[];
}

export interface Totals {
  targets: number;
  passed: number;
  failed: number;
  notRun: number;
}

export function totals(run: CheckRun): Totals {
  const t: Totals = { targets: run.results.length, passed: 0, failed: 0, notRun: 0 };
  for (const r of run.results) {
    if (r.status === 'passed') t.passed++;
    else if (r.status === 'failed') t.failed++;
    else t.notRun++;
  }
  return t;
}

/** A target counts against the run when it failed or the deadline stopped it. */
export function isFailure(r: CheckResult): boolean {
  return r.status === 'failed' || (r.status === 'not_run' && r.notRunReason === 'deadline');
}

/** The exit code of a run: 130 interrupted (SIGINT), 143 terminated (SIGTERM), 129 hung up (SIGHUP), 1 any failure, 0 every expectation held. */
export function runExitCode(run: CheckRun): 0 | 1 | 129 | 130 | 143 {
  if (run.stoppedBy === 'interrupted') return SIGNAL_EXIT_CODES[run.signal ?? 'SIGINT'];
  return run.results.some(isFailure) ? 1 : 0;
}
