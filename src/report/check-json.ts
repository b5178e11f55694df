/**
 * `connreset check --json`: one versioned document (schema `connreset.check/v1`, documented in the
 * README). Fields are only ever added within a schema version, never renamed or removed.
 *
 * {
 *   schema: "connreset.check/v1", connresetVersion, source, startedAt, durationMs,
 *   concurrency: { requested, used, fdLimit, cappedBy: "fd_limit" | null },
 *   stoppedBy: "completed" | "deadline" | "interrupted" | "fail_fast",
 *   signal: "SIGINT" | "SIGTERM" | "SIGHUP" | null   (which signal interrupted the run; added within v1),
 *   ok, exitCode, totals: { targets, passed, failed, notRun },
 *   results: [{ index, name, target, address (all_addresses rows; else null), source: { file, line } | null, expected,
 *               status: "passed" | "failed" | "not_run", notRunReason, outcome, observed,
 *               durationMs, startedAt, attempts, failedAttempts, reasons, topCause,
 *               summary, observation (failures only), diagnosis (failures only) }]
 * }
 */
import { jsonDocument } from '../escape.js';
import { VERSION } from '../version.js';
import { CHECK_SCHEMA, runExitCode, totals, type CheckResult, type CheckRun, type Totals } from '../check/result.js';

export interface CheckJsonDocument {
  schema: typeof CHECK_SCHEMA;
  connresetVersion: string;
  source: string | null;
  startedAt: string;
  durationMs: number;
  concurrency: CheckRun['concurrency'];
  stoppedBy: CheckRun['stoppedBy'];
  signal: CheckRun['signal'];
  ok: boolean;
  exitCode: number;
  totals: Totals;
  results: CheckResult[];
}

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

export function checkJsonDocument(run: CheckRun): CheckJsonDocument {
  const exitCode = runExitCode(run);
  return {
    schema: CHECK_SCHEMA,
    connresetVersion: VERSION,
    source: run.source,
    startedAt: run.startedAt,
    durationMs: round3(run.durationMs),
    concurrency: run.concurrency,
    stoppedBy: run.stoppedBy,
    signal: run.signal,
    ok: exitCode === 0,
    exitCode,
    totals: totals(run),
    results: run.results.map((r) => ({ ...r, durationMs: r.durationMs === null ? null : round3(r.durationMs) })),
  };
}

export function renderCheckJson(run: CheckRun): string {
  return jsonDocument(checkJsonDocument(run));
}
