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
import { jsonDocument, safeJson } from '../escape.js';
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
    results: run.results.map(jsonRow),
  };
}

/** A row with its duration rounded to µs; most already are (the probe's clock is), and are not copied. */
function jsonRow(r: CheckResult): CheckResult {
  return r.durationMs === null || r.durationMs === round3(r.durationMs) ? r : { ...r, durationMs: round3(r.durationMs) };
}

export function renderCheckJson(run: CheckRun): string {
  return jsonDocument(checkJsonDocument(run));
}

const PIECE_HEAD = '{\n  "r": [\n';
const PIECE_TAIL = '\n  ]\n}';

/**
 * Rows per piece of checkJsonPieces: ~50 KB of text for passing rows (a failing row carries its
 * timeline and is larger). Passing pieces stay under V8's large-object size (~128 KB), so a written
 * piece is young garbage, freed by the next scavenge; pieces of 500 rows (~250 KB) went to
 * large-object space and stayed until a full GC, at the run's peak of memory.
 */
const ROWS_PER_PIECE = 100;

/**
 * The same text as renderCheckJson, in pieces of ROWS_PER_PIECE rows: a report file of 100,000
 * targets is written without holding the whole document (tens of MB) as one string, and its
 * escaped copy. Each piece is `JSON.stringify(…, null, 2)` of its rows under a key, which puts
 * them at the depth they have in the document (4 spaces), then cut out of that wrapper.
 */
export function* checkJsonPieces(run: CheckRun): Generator<string> {
  const rows = run.results;
  // the head: every field but the rows, as the whole document has them (totals of every row)
  const head = JSON.stringify({ ...checkJsonDocument({ ...run, results: [] }), exitCode: runExitCode(run), ok: runExitCode(run) === 0, totals: totals(run) }, null, 2);
  const emptyTail = '[]\n}';
  if (rows.length === 0 || !head.endsWith(emptyTail)) {
    yield renderCheckJson(run);
    return;
  }
  yield `${safeJson(head.slice(0, head.length - emptyTail.length))}[\n`;
  for (let start = 0; start < rows.length; start += ROWS_PER_PIECE) {
    // a slice of rows under a key, '{\n  "r": [\n    {…},\n    {…}\n  ]\n}': the elements are at the
    // rows' depth in the document already (no second pass to indent ~5 MB of text at 10,000 rows)
    const text = JSON.stringify({ r: rows.slice(start, start + ROWS_PER_PIECE).map(jsonRow) }, null, 2);
    const last = start + ROWS_PER_PIECE >= rows.length;
    yield `${safeJson(text.slice(PIECE_HEAD.length, -PIECE_TAIL.length))}${last ? '\n' : ',\n'}`;
  }
  yield '  ]\n}\n';
}
