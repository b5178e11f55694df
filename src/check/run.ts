/**
 * Runs a list of checks: probes each target (repeatedly when asked), diagnoses the observation,
 * evaluates the expectation, and streams one compact CheckResult per target to the caller. The
 * probe engine is passed in so the run logic does not pin the socket code.
 */
import type { Observation } from '../diagnose/observation.js';
import type { Diagnosis } from '../diagnose/diagnosis.js';
import type { ProbeOptions, Target } from '../probe/types.js';
import { runBounded, type ConcurrencyPlan } from '../probe/runner.js';
import type { CheckSpec } from './config.js';
import { describeExpectation, evaluate } from './expectation.js';
import { isStopSignal, type CheckResult, type CheckRun, type NotRunReason } from './result.js';

export interface ProbeEngine {
  probe(target: Target, options: ProbeOptions, signal?: AbortSignal): Promise<Observation>;
  probeOptions(partial: Partial<ProbeOptions>): ProbeOptions;
  diagnose(obs: Observation): Diagnosis;
}

export interface RunCheckOptions {
  plan: ConcurrencyPlan;
  requestedConcurrency: number;
  deadlineMs: number | null;
  failFast: boolean;
  /** aborting it stops the run (`interrupted`); abort with 'SIGTERM' as the reason to record that signal */
  signal?: AbortSignal;
  /** config file, `<stdin>`, or null */
  source: string | null;
  onResult?: (result: CheckResult) => void;
}

export async function runChecks(specs: readonly CheckSpec[], engine: ProbeEngine, opts: RunCheckOptions): Promise<CheckRun> {
  const started = Date.now();
  const t0 = performance.now();
  const results: (CheckResult | undefined)[] = new Array(specs.length);
  const jobs = specs.map((spec, index) => ({ spec, index }));
  const summary = await runBounded(
    jobs,
    ({ spec, index }, signal) => checkOne(spec, index, engine, signal),
    {
      onResult: (result) => {
        results[result.index] = result;
        opts.onResult?.(result);
      },
      onUnfinished: ({ spec, index }, reason) => {
        results[index] = notRun(spec, index, reason);
      },
    },
    {
      concurrency: Math.min(opts.plan.concurrency, Math.max(1, specs.length)),
      deadlineMs: opts.deadlineMs,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.failFast ? { stopWhen: (r: CheckResult) => r.status === 'failed' } : {}),
    },
  );
  return {
    source: opts.source,
    startedAt: new Date(started).toISOString(),
    durationMs: performance.now() - t0,
    concurrency: {
      requested: opts.requestedConcurrency,
      used: opts.plan.concurrency,
      fdLimit: opts.plan.limit.soft,
      cappedBy: opts.plan.capped ? 'fd_limit' : null,
    },
    stoppedBy: summary.stoppedBy,
    // the command aborts with the signal's name as the reason; any other abort is an interrupt
    signal: summary.stoppedBy !== 'interrupted' ? null : isStopSignal(opts.signal?.reason) ? opts.signal.reason : 'SIGINT',
    results: results.map((r, i) => r ?? notRun(specs[i]!, i, 'interrupted')),
  };
}

/** Probes one target `repeat` times; the first failing attempt decides, else the last. */
export async function checkOne(spec: CheckSpec, index: number, engine: ProbeEngine, signal: AbortSignal): Promise<CheckResult> {
  const options = engine.probeOptions(spec.options);
  let failed = 0;
  let deciding: { obs: Observation; diagnosis: Diagnosis; verdict: ReturnType<typeof evaluate> } | null = null;
  let totalMs = 0;
  let attempts = 0;
  for (let i = 0; i < spec.repeat; i++) {
    if (i > 0 && spec.intervalMs > 0) await delay(spec.intervalMs, signal);
    if (signal.aborted) break;
    const obs = await engine.probe(spec.target, options, signal);
    attempts++;
    totalMs += obs.durationMs;
    const diagnosis = engine.diagnose(obs);
    const verdict = evaluate(spec.expectation, obs, diagnosis);
    if (!verdict.pass) failed++;
    // keep the first failure (what went wrong), else the latest pass
    if (!verdict.pass ? failed === 1 : failed === 0) deciding = { obs, diagnosis, verdict };
  }
  if (!deciding) return notRun(spec, index, 'interrupted');
  const { obs, diagnosis, verdict } = deciding;
  const pass = failed === 0;
  const top = diagnosis.causes[0];
  const observed = spec.repeat > 1 ? `${verdict.observed} (${pass ? attempts : failed} of ${attempts})` : verdict.observed;
  return {
    ...identity(spec, index),
    status: pass ? 'passed' : 'failed',
    notRunReason: null,
    outcome: diagnosis.outcome,
    observed,
    durationMs: spec.repeat > 1 ? totalMs : obs.durationMs,
    connectMs: connectTime(obs),
    startedAt: obs.startedAt,
    attempts,
    failedAttempts: failed,
    reasons: pass ? [] : verdict.reasons,
    topCause: top ? { id: top.id, title: top.title, confidence: top.confidence } : null,
    summary: diagnosis.summary,
    // a passing target keeps no timeline: thousands of healthy targets cost a few fields each
    observation: pass ? null : obs,
    diagnosis: pass ? null : diagnosis,
  };
}

export function notRun(spec: CheckSpec, index: number, reason: NotRunReason): CheckResult {
  return {
    ...identity(spec, index),
    status: 'not_run',
    notRunReason: reason,
    outcome: null,
    observed: null,
    durationMs: null,
    connectMs: null,
    startedAt: null,
    attempts: 0,
    failedAttempts: 0,
    reasons: reason === 'deadline' ? ['not finished before the --deadline'] : [],
    topCause: null,
    summary: null,
    observation: null,
    diagnosis: null,
  };
}

/** What names a result, whatever its status: the fields that tie it to its check in the config. */
function identity(spec: CheckSpec, index: number): Pick<CheckResult, 'index' | 'name' | 'target' | 'source' | 'expected'> {
  return { index, name: spec.name, target: spec.target.input, source: spec.source, expected: describeExpectation(spec.expectation) };
}

function connectTime(obs: Observation): number | null {
  const connected = obs.events.find((ev) => ev.kind === 'connected');
  return connected ? connected.t : null;
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
