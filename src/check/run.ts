/**
 * Runs a list of checks: probes each target (repeatedly when asked), diagnoses the observation,
 * evaluates the expectation, and streams one compact CheckResult per target to the caller. The
 * probe engine is passed in so the run logic does not pin the socket code.
 */
import { certificateOf } from '../diagnose/certificate.js';
import { isIP } from 'node:net';
import type { Observation } from '../diagnose/observation.js';
import type { Diagnosis } from '../diagnose/diagnosis.js';
import type { ProbeOptions, Target } from '../probe/types.js';
import { runBounded, type ConcurrencyPlan } from '../probe/runner.js';
import type { CheckSpec } from './config.js';
import { describeExpectation, evaluate, type Verdict } from './expectation.js';
import type { CheckResult, CheckRun, LocatedSender, NotRunReason } from './result.js';
import { isStopSignal } from '../stop-signals.js';
import type { Outcome } from '../shared/outcome.js';
import { OUTCOME_INFO } from '../knowledge/outcomes.js';

export interface ProbeEngine {
  probe(target: Target, options: ProbeOptions, signal?: AbortSignal): Promise<Observation>;
  /** one observation per address the target's name resolves to (all_addresses); resolves once */
  probeAll(target: Target, options: ProbeOptions, signal?: AbortSignal): Promise<Observation[]>;
  probeOptions(partial: Partial<ProbeOptions>): ProbeOptions;
  diagnose(obs: Observation): Diagnosis;
  /**
   * The outcome alone, without ranking causes (src/diagnose/classify.ts). When given, an attempt
   * whose outcome already meets its expectation skips the full diagnosis: a passing row keeps
   * neither timeline nor causes, so computing them for thousands of healthy targets is waste.
   */
  classify?(obs: Observation): Outcome;
  /** follow-up experiments for a failing row (absent: none run); src/probe/experiments/followup.ts */
  followup?(target: Target, options: ProbeOptions, obs: Observation, signal: AbortSignal): Promise<{ observation: Observation; diagnosis: Diagnosis }>;
}

export { FOLLOWUP_CONCURRENCY, FOLLOWUP_MAX_ROWS, FollowupLimiter } from '../probe/experiments/limiter.js';
import { FollowupLimiter } from '../probe/experiments/limiter.js';

export interface RunCheckOptions {
  plan: ConcurrencyPlan;
  requestedConcurrency: number;
  deadlineMs: number | null;
  failFast: boolean;
  /** aborting it stops the run (`interrupted`); abort with 'SIGTERM' as the reason to record that signal */
  signal?: AbortSignal;
  /** config file, `<stdin>`, or null */
  source: string | null;
  /** the rows of one finished target: one, or one per address with all_addresses */
  onTarget?: (rows: readonly CheckResult[]) => void;
}

export async function runChecks(specs: readonly CheckSpec[], engine: ProbeEngine, opts: RunCheckOptions): Promise<CheckRun> {
  const started = Date.now();
  const t0 = performance.now();
  const rows: (CheckResult[] | undefined)[] = new Array(specs.length);
  const jobs = specs.map((spec, index) => ({ spec, index }));
  const followups = new FollowupLimiter();
  const summary = await runBounded(
    jobs,
    ({ spec, index }, signal) => checkOne(spec, index, engine, signal, followups),
    {
      onResult: (result, { index }) => {
        rows[index] = result;
        opts.onTarget?.(result);
      },
      onUnfinished: ({ spec, index }, reason) => {
        rows[index] = [notRun(spec, index, reason)];
      },
    },
    {
      concurrency: Math.min(opts.plan.concurrency, Math.max(1, specs.length)),
      deadlineMs: opts.deadlineMs,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.failFast ? { stopWhen: (r: CheckResult[]) => r.some((x) => x.status === 'failed') } : {}),
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
    results: rows.flatMap((r, i) => r ?? [notRun(specs[i]!, i, 'interrupted')]),
  };
}

interface Attempt {
  obs: Observation;
  outcome: Outcome;
  /** null for an attempt that passed on its outcome alone (see ProbeEngine.classify) */
  diagnosis: Diagnosis | null;
  verdict: Verdict;
}

/** Judges one observation: from its outcome alone when that settles a pass, else with the full diagnosis. */
function judge(spec: CheckSpec, engine: ProbeEngine, obs: Observation): Attempt {
  if (engine.classify) {
    const outcome = engine.classify(obs);
    const severity = OUTCOME_INFO[outcome].severity;
    // a 'warning' outcome is healthy only if its benign cause ranks first: that needs the ranking
    if (severity !== 'warning') {
      const verdict = evaluate(spec.expectation, obs, { outcome, healthy: severity === 'ok' });
      if (verdict.pass) return { obs, outcome, diagnosis: null, verdict };
    }
  }
  const diagnosis = engine.diagnose(obs);
  return { obs, outcome: diagnosis.outcome, diagnosis, verdict: evaluate(spec.expectation, obs, diagnosis) };
}

/** The attempts at one address (or at the target, without all_addresses): the first failure decides, else the latest pass. */
class Tally {
  attempts = 0;
  failed = 0;
  totalMs = 0;
  deciding: Attempt | null = null;

  add(attempt: Attempt): void {
    this.attempts++;
    this.totalMs += attempt.obs.durationMs;
    if (!attempt.verdict.pass) this.failed++;
    if (!attempt.verdict.pass ? this.failed === 1 : this.failed === 0) this.deciding = attempt;
  }
}

/**
 * Probes one target `repeat` times; the first failing attempt decides, else the last. With
 * all_addresses and a name (not an IP literal), every resolved address is probed and becomes its
 * own row with the target's expectation, so one bad address behind a round-robin name fails the run.
 */
export async function checkOne(
  spec: CheckSpec,
  index: number,
  engine: ProbeEngine,
  signal: AbortSignal,
  /** where failing rows get their follow-up experiments; none without it */
  followups: FollowupLimiter | null = null,
): Promise<CheckResult[]> {
  const options = engine.probeOptions(spec.options);
  const perAddress = options.allAddresses && isIP(spec.target.host) === 0;
  // insertion order is resolution order: rows come out in the order the resolver gave the addresses
  const tallies = new Map<string | null, Tally>();
  for (let i = 0; i < spec.repeat; i++) {
    if (i > 0 && spec.intervalMs > 0) await delay(spec.intervalMs, signal);
    if (signal.aborted) break;
    const observations = perAddress ? await engine.probeAll(spec.target, options, signal) : [await engine.probe(spec.target, options, signal)];
    for (const obs of observations) {
      const key = perAddress ? obs.address : null;
      let tally = tallies.get(key);
      if (!tally) tallies.set(key, (tally = new Tally()));
      tally.add(judge(spec, engine, obs));
    }
  }
  // the same health policy as `probe`: a failing row's follow-ups may re-rank its causes (never its outcome)
  if (followups && engine.followup && options.followup !== false && !signal.aborted) {
    for (const tally of tallies.values()) {
      const deciding = tally.deciding;
      if (!deciding || deciding.verdict.pass || !deciding.diagnosis || deciding.diagnosis.healthy) continue;
      const followed = await followups.run(() => engine.followup!(spec.target, options, deciding.obs, signal));
      if (followed) tally.deciding = { ...deciding, obs: followed.observation, diagnosis: followed.diagnosis };
    }
  }
  const rows = [...tallies].flatMap(([address, tally]) => (tally.deciding ? [resultOf(spec, index, address, tally, tally.deciding)] : []));
  return rows.length > 0 ? rows : [notRun(spec, index, 'interrupted')];
}

function resultOf(spec: CheckSpec, index: number, address: string | null, tally: Tally, deciding: Attempt): CheckResult {
  const { obs, diagnosis, verdict } = deciding;
  const pass = tally.failed === 0;
  const top = diagnosis?.causes[0];
  const observed = spec.repeat > 1 ? `${verdict.observed} (${pass ? tally.attempts : tally.failed} of ${tally.attempts})` : verdict.observed;
  return {
    ...identity(spec, index, address),
    status: pass ? 'passed' : 'failed',
    notRunReason: null,
    outcome: deciding.outcome,
    observed,
    durationMs: spec.repeat > 1 ? tally.totalMs : obs.durationMs,
    connectMs: connectTime(obs),
    certificate: certificateOf(obs),
    startedAt: obs.startedAt,
    attempts: tally.attempts,
    failedAttempts: tally.failed,
    reasons: pass ? [] : verdict.reasons,
    topCause: top ? { id: top.id, title: top.title, confidence: top.confidence } : null,
    ...(pass ? {} : { locate: locatedSender(obs) }),
    // a pass judged on its outcome alone says what the outcome means on the wire
    summary: diagnosis?.summary ?? OUTCOME_INFO[deciding.outcome].wire,
    // a passing target keeps no timeline: thousands of healthy targets cost a few fields each
    observation: pass ? null : obs,
    diagnosis: pass ? null : diagnosis,
  };
}

export function notRun(spec: CheckSpec, index: number, reason: NotRunReason): CheckResult {
  return {
    ...identity(spec, index, null),
    status: 'not_run',
    notRunReason: reason,
    outcome: null,
    observed: null,
    durationMs: null,
    connectMs: null,
    certificate: null,
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
function identity(spec: CheckSpec, index: number, address: string | null): Pick<CheckResult, 'index' | 'name' | 'target' | 'address' | 'source' | 'expected'> {
  return { index, name: spec.name, target: spec.target.input, address, source: spec.source, expected: describeExpectation(spec.expectation) };
}

/** The locate follow-up's verdict on a failing row, when it ran. */
function locatedSender(obs: Observation): LocatedSender | null {
  const result = obs.experiments?.find((e) => e.id === 'locate')?.locate;
  if (!result || !result.ran) return null;
  const { sender, hop, hopAddress, summary } = result.verdict;
  return { sender, hop, hopAddress, summary };
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
