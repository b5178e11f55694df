/**
 * Runs a list of checks: probes each target (repeatedly when asked), diagnoses the observation,
 * evaluates the expectation, and streams one compact CheckResult per target to the caller. The
 * probe engine is passed in so the run logic does not pin the socket code.
 */
import { certificateOf } from '../diagnose/certificate.js';
import { ipFamily } from '../shared/ip-family.js';
import type { Observation } from '../diagnose/observation.js';
import type { Diagnosis } from '../diagnose/diagnosis.js';
import type { ProbeOptions, Target } from '../probe/types.js';
import { runBounded, type ConcurrencyPlan } from '../probe/runner.js';
import type { CheckSpec } from './config.js';
import { describeExpectation, evaluate, type Expectation, type Verdict } from './expectation.js';
import type { CheckResult, CheckRun, LocatedSender, NotRunReason, TopCause } from './result.js';
import { isStopSignal } from '../stop-signals.js';
import type { Outcome } from '../shared/outcome.js';
import { OUTCOME_INFO } from '../knowledge/outcomes.js';

export interface ProbeEngine {
  probe(target: Target, options: ProbeOptions, signal?: AbortSignal): Promise<Observation>;
  /** one observation per address the target's name resolves to (all_addresses); resolves once */
  probeAll(target: Target, options: ProbeOptions, signal?: AbortSignal): Promise<Observation[]>;
  probeOptions(partial: Partial<ProbeOptions>): ProbeOptions;
  /** the full diagnosis; may load its modules on first use (a run of passing targets never needs them) */
  diagnose(obs: Observation): Diagnosis | Promise<Diagnosis>;
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
  // one row per target in the usual case, so the rows are kept flat; a target with several rows
  // (all_addresses) keeps its list. No job objects: the runner is fed indexes.
  const rows: (CheckResult | CheckResult[] | undefined)[] = new Array(specs.length);
  const followups = new FollowupLimiter();
  const lean = leanEngine(engine);
  const summary = await runBounded<number, CheckResult | CheckResult[]>(
    indexes(specs.length),
    (index, signal) => checkTarget(specs[index]!, index, lean, signal, followups),
    {
      onResult: (result, index) => {
        rows[index] = result;
        opts.onTarget?.(Array.isArray(result) ? result : [result]);
      },
      onUnfinished: (index, reason) => {
        rows[index] = notRun(specs[index]!, index, reason);
      },
    },
    {
      concurrency: Math.min(opts.plan.concurrency, Math.max(1, specs.length)),
      deadlineMs: opts.deadlineMs,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.failFast ? { stopWhen: (r: CheckResult | CheckResult[]) => (Array.isArray(r) ? r : [r]).some((x) => x.status === 'failed') } : {}),
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
    results: flatRows(rows, specs),
  };
}

function* indexes(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

/** The rows in input order; a target that never got a row (an interrupt past the grace) is not_run. */
function flatRows(rows: readonly (CheckResult | CheckResult[] | undefined)[], specs: readonly CheckSpec[]): CheckResult[] {
  const out: CheckResult[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (r === undefined) out.push(notRun(specs[i]!, i, 'interrupted'));
    else if (Array.isArray(r)) for (const x of r) out.push(x);
    else out.push(r);
  }
  return out;
}

/**
 * The engine with its options built once per distinct options object: targets from stdin or
 * arguments share one, so 100,000 of them do not build 100,000 equal ProbeOptions.
 */
function leanEngine(engine: ProbeEngine): ProbeEngine {
  const built = new WeakMap<Partial<ProbeOptions>, ProbeOptions>();
  return {
    ...engine,
    probeOptions: (partial) => {
      let options = built.get(partial);
      if (!options) built.set(partial, (options = engine.probeOptions(partial)));
      return options;
    },
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
async function judge(spec: CheckSpec, engine: ProbeEngine, obs: Observation): Promise<Attempt> {
  return judgeByOutcome(spec, engine, obs) ?? judgeFully(spec, engine, obs);
}

/** A pass settled by the outcome alone (ProbeEngine.classify), or null when it takes the diagnosis. */
function judgeByOutcome(spec: CheckSpec, engine: ProbeEngine, obs: Observation): Attempt | null {
  if (engine.classify) {
    const outcome = engine.classify(obs);
    const severity = OUTCOME_INFO[outcome].severity;
    // a 'warning' outcome is healthy only if its benign cause ranks first: that needs the ranking
    if (severity !== 'warning') {
      const verdict = evaluate(spec.expectation, obs, { outcome, healthy: severity === 'ok' });
      if (verdict.pass) return { obs, outcome, diagnosis: null, verdict };
    }
  }
  return null;
}

async function judgeFully(spec: CheckSpec, engine: ProbeEngine, obs: Observation): Promise<Attempt> {
  const diagnosis = await engine.diagnose(obs);
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

/** With all_addresses and a name (not an IP literal), every resolved address is probed and is its own row. */
function perAddress(spec: CheckSpec, options: ProbeOptions): boolean {
  return options.allAddresses && ipFamily(spec.target.host) === 0;
}

/** One target's row, or its rows (all_addresses): checkOnce for the usual single attempt, without an array. */
function checkTarget(spec: CheckSpec, index: number, engine: ProbeEngine, signal: AbortSignal, followups: FollowupLimiter): Promise<CheckResult | CheckResult[]> {
  const options = engine.probeOptions(spec.options);
  if (spec.repeat === 1 && !perAddress(spec, options)) return checkOnce(spec, index, engine, options, signal, followups);
  return checkOne(spec, index, engine, signal, followups);
}

/**
 * The same health policy as `probe`: a failing attempt after its follow-up experiments, which may
 * re-rank its causes (never its outcome); any other attempt as it is.
 */
async function followedUp(spec: CheckSpec, engine: ProbeEngine, options: ProbeOptions, deciding: Attempt, signal: AbortSignal, followups: FollowupLimiter | null): Promise<Attempt> {
  if (!followups || !engine.followup || options.followup === false || signal.aborted) return deciding;
  if (deciding.verdict.pass || !deciding.diagnosis || deciding.diagnosis.healthy) return deciding;
  const followed = await followups.run(() => engine.followup!(spec.target, options, deciding.obs, signal));
  return followed ? { ...deciding, obs: followed.observation, diagnosis: followed.diagnosis } : deciding;
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
  const byAddress = perAddress(spec, options);
  // the usual check, one attempt at one address: no per-address bookkeeping
  if (spec.repeat === 1 && !byAddress) return [await checkOnce(spec, index, engine, options, signal, followups)];
  // insertion order is resolution order: rows come out in the order the resolver gave the addresses
  const tallies = new Map<string | null, Tally>();
  for (let i = 0; i < spec.repeat; i++) {
    if (i > 0 && spec.intervalMs > 0) await delay(spec.intervalMs, signal);
    if (signal.aborted) break;
    const observations = byAddress ? await engine.probeAll(spec.target, options, signal) : [await engine.probe(spec.target, options, signal)];
    for (const obs of observations) {
      const key = byAddress ? obs.address : null;
      let tally = tallies.get(key);
      if (!tally) tallies.set(key, (tally = new Tally()));
      tally.add(await judge(spec, engine, obs));
    }
  }
  for (const tally of tallies.values()) {
    if (tally.deciding) tally.deciding = await followedUp(spec, engine, options, tally.deciding, signal, followups);
  }
  const rows = [...tallies].flatMap(([address, tally]) => (tally.deciding ? [resultOf(spec, index, address, tally, tally.deciding)] : []));
  return rows.length > 0 ? rows : [notRun(spec, index, 'interrupted')];
}

/** One attempt at one address (repeat 1, no all_addresses): checkOne without its tallies. */
async function checkOnce(
  spec: CheckSpec,
  index: number,
  engine: ProbeEngine,
  options: ProbeOptions,
  signal: AbortSignal,
  followups: FollowupLimiter | null,
): Promise<CheckResult> {
  if (signal.aborted) return notRun(spec, index, 'interrupted');
  const obs = await engine.probe(spec.target, options, signal);
  let deciding = judgeByOutcome(spec, engine, obs) ?? (await judgeFully(spec, engine, obs));
  const pass = deciding.verdict.pass;
  // a passing attempt skips the call: no promise per healthy target
  if (!pass) deciding = await followedUp(spec, engine, options, deciding, signal, followups);
  return rowOf(spec, index, null, deciding, 1, pass ? 0 : 1, deciding.obs.durationMs);
}

function resultOf(spec: CheckSpec, index: number, address: string | null, tally: Tally, deciding: Attempt): CheckResult {
  return rowOf(spec, index, address, deciding, tally.attempts, tally.failed, spec.repeat > 1 ? tally.totalMs : deciding.obs.durationMs);
}

/** The row of a finished target; `locate` is a failing row's only. */
function rowOf(spec: CheckSpec, index: number, address: string | null, deciding: Attempt, attempts: number, failed: number, durationMs: number): CheckResult {
  const { obs, diagnosis, verdict } = deciding;
  const pass = failed === 0;
  const observed = spec.repeat > 1 ? `${verdict.observed} (${pass ? attempts : failed} of ${attempts})` : verdict.observed;
  // a pass judged on its outcome alone says what the outcome means on the wire
  const summary = diagnosis?.summary ?? OUTCOME_INFO[deciding.outcome].wire;
  const name = spec.name;
  const target = spec.target.input;
  const source = spec.source;
  const expected = expectedText(spec.expectation);
  const connectMs = connectTime(obs);
  const certificate = obs.options.tls ? certificateOf(obs) : null;
  const { outcome } = deciding;
  const { startedAt } = obs;
  // Two whole literals, not `{ ...head, … }`: building a row by spreads cost ~29 µs of a passing
  // probe's ~400 µs of CPU at 10,000 targets (V8 adds spread-then-extended properties one by one);
  // a literal is one allocation from its boilerplate. Same keys in the same order as identity() + the rest.
  if (pass) {
    // a passing target keeps no timeline: thousands of healthy targets cost a few fields each
    return {
      index, name, target, address, source, expected,
      status: 'passed', notRunReason: null, outcome, observed, durationMs, connectMs, certificate, startedAt, attempts, failedAttempts: failed, reasons: [], topCause: topCauseOf(diagnosis),
      summary, observation: null, diagnosis: null,
    };
  }
  return {
    index, name, target, address, source, expected,
    status: 'failed', notRunReason: null, outcome, observed, durationMs, connectMs, certificate, startedAt, attempts, failedAttempts: failed, reasons: verdict.reasons, topCause: topCauseOf(diagnosis),
    locate: locatedSender(obs), summary, observation: obs, diagnosis,
  };
}

function topCauseOf(diagnosis: Diagnosis | null): TopCause | null {
  const top = diagnosis?.causes[0];
  return top ? { id: top.id, title: top.title, confidence: top.confidence } : null;
}

/** describeExpectation, once per expectation object (targets from stdin share a few). */
const EXPECTED_TEXT = new WeakMap<Expectation, string>();
function expectedText(exp: Expectation): string {
  let text = EXPECTED_TEXT.get(exp);
  if (text === undefined) EXPECTED_TEXT.set(exp, (text = describeExpectation(exp)));
  return text;
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
  return { index, name: spec.name, target: spec.target.input, address, source: spec.source, expected: expectedText(spec.expectation) };
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
