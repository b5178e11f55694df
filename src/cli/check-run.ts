/**
 * `connreset check`: gathers the specs (config file, arguments, stdin) and validates all of them
 * before any probe runs; runs them; prints the table or JSON; writes the report files; returns the
 * exit code. Loaded lazily by src/cli/check.ts.
 */
import type { FollowupSettings } from '../probe/experiments/followup.js';
import { FOLLOWUP_FD_RESERVE } from '../probe/experiments/limiter.js';
import { statSync } from 'node:fs';
import type { CliContext } from './context.js';
import { startSpinner } from './spinner.js';
import type { CheckSettings } from './check.js';
import { ConfigError, ConnresetError, ignoreClosedPipe, messageLine } from '../errors.js';
import { capList } from '../escape.js';
import { EXIT } from '../exit-codes.js';
import { familyConflict, parseTarget } from '../probe/target.js';
import { parseSend } from '../probe/payload.js';
import { DEFAULT_CONCURRENCY, concurrencyNotice, localLimitNotice, planConcurrency } from '../probe/runner.js';
import {
  ConfigProblems,
  DEFAULT_CONFIG_FILE,
  loadConfigFile,
  parseOutcomeList,
  parseTargetLines,
  specsFromArgs,
  type CheckSpec,
  type ConfigDeps,
} from '../check/config.js';
import type { Expectation } from '../check/expectation.js';
import { runChecks, type ProbeEngine } from '../check/run.js';
import { reportPathProblem } from '../report/atomic-write.js';
import { isFailure, runExitCode, type CheckRun } from '../check/result.js';
import { handleStopSignals } from '../stop-signals.js';
import { tuneHeapForChecks } from './heap-tuning.js';

const CONFIG_EXTENSION = /\.(ya?ml|json)$/i;
/** Problems echoed one per line before the rest are counted: enough to fix a file, never a flood. */
const MAX_PROBLEMS_SHOWN = 20;
const DEPS: ConfigDeps = { parseTarget, parseSend };

/** stdin targets, bounded: a fleet list of 100,000 lines is a few MB. */
const STDIN_LIMIT = 64 * 1024 * 1024;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > STDIN_LIMIT) throw new ConfigProblems([new ConfigError('<stdin>', `larger than ${STDIN_LIMIT} bytes`)]);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function looksLikeConfigFile(arg: string): boolean {
  if (CONFIG_EXTENSION.test(arg)) return true;
  // an existing file without a port is a config file too (a target always has host:port or a scheme)
  if (arg.includes(':')) return false;
  // a pipe too: `connreset check <(generate-config)`
  const st = statSync(arg, { throwIfNoEntry: false });
  return st !== undefined && (st.isFile() || st.isFIFO());
}

interface Gathered {
  specs: CheckSpec[];
  source: string | null;
}

/** Every input is parsed and every problem collected before anything is probed. */
async function gatherSpecs(settings: CheckSettings): Promise<Gathered> {
  const problems: ConfigError[] = [];
  const specs: CheckSpec[] = [];
  // a loop, not push(...list): spreading 125,000 items as arguments overflows the call stack
  const collect = (fn: () => CheckSpec[]): void => {
    try {
      for (const spec of fn()) specs.push(spec);
    } catch (error) {
      if (error instanceof ConfigProblems) for (const p of error.problems) problems.push(p);
      else throw error;
    }
  };
  const outcomes = parseOutcomeList(settings.expectOutcome);
  if (typeof outcomes === 'string') throw new ConfigProblems([new ConfigError('--expect-outcome', outcomes)]);
  // the default (`ok`) is the probe's own health verdict, as for config targets without `expect:`
  const isDefault = outcomes.length === 1 && outcomes[0] === 'ok';
  const argExpectation: Expectation = { outcomes, idleWindow: null, reply: null, ...(isDefault ? { healthy: true as const } : {}) };

  const files = settings.config ? [settings.config] : [];
  const targets: string[] = [];
  let stdin = false;
  for (const arg of settings.inputs) {
    if (arg === '-') stdin = true;
    else if (looksLikeConfigFile(arg)) files.push(arg);
    else targets.push(arg);
  }
  if (files.length === 0 && targets.length === 0 && !stdin) files.push(DEFAULT_CONFIG_FILE);
  for (const file of files) collect(() => loadConfigFile(file, DEPS));
  // --all-addresses is for targets from arguments and stdin; a config file says it with `all_addresses:`
  const argOptions = (list: CheckSpec[]): CheckSpec[] =>
    settings.allAddresses ? withOptions(list, (options) => ({ ...options, allAddresses: true })) : list;
  if (targets.length > 0) collect(() => argOptions(specsFromArgs(targets, DEPS, argExpectation)));
  if (stdin) {
    const text = await readStdin();
    collect(() => argOptions(parseTargetLines(text, '<stdin>', DEPS, argExpectation)));
  }
  for (const [option, path] of [
    ['--junit', settings.junit],
    ['--prometheus', settings.prometheus],
    ['--json-file', settings.jsonFile],
  ] as const) {
    if (path !== null) {
      const problem = reportPathProblem(path);
      if (problem) problems.push(new ConfigError(option, `cannot write ${path}: ${problem}`));
    }
  }
  // an address of the other family can only fail: bad input, as in probe and idle, naming what
  // asked for the family: the config (the entry or its defaults:) wins over -4/-6
  const family = settings.family;
  for (const spec of specs) {
    const own = spec.options.family ?? null;
    const conflict = own !== null ? familyConflict(spec.target, own, `family: ${own}`) : familyConflict(spec.target, family);
    if (conflict) problems.push(new ConfigError(spec.source?.file ?? 'arguments', conflict, spec.source?.line));
  }
  if (problems.length > 0) throw new ConfigProblems(problems);
  // -4/-6 hold for every target whose config (the entry or its defaults:) sets no `family:`
  if (family !== null) withOptions(specs, (options) => (options.family === undefined || options.family === null ? { ...options, family } : options));
  // -k/--cacert/--cert/--key: a config entry's own insecure/cacert/cert/key is more specific and wins
  if (settings.tlsTrust) {
    const trust = settings.tlsTrust;
    withOptions(specs, (options) => (options.tlsTrust ? options : { ...options, tlsTrust: trust }));
  }
  // --no-followup applies to every row, from any input (a config's `followup: false` to its rows)
  if (!settings.followup) withOptions(specs, (options) => ({ ...options, followup: false }));
  if (specs.length === 0) throw new ConfigProblems([new ConfigError(stdin ? '<stdin>' : (files[0] ?? 'arguments'), 'no targets to check')]);
  const sources = [...files, ...(stdin ? ['<stdin>'] : [])];
  return { specs, source: sources.length > 0 ? sources.join(', ') : null };
}

/**
 * Gives every spec the options `change` makes of its own, in place (not splice(...list): 200,000
 * specs as arguments overflow the call stack). Specs that share an options object (every target
 * from stdin or the arguments) share the changed one too: one object, not one per target.
 */
function withOptions(specs: CheckSpec[], change: (options: CheckSpec['options']) => CheckSpec['options']): CheckSpec[] {
  const changed = new Map<CheckSpec['options'], CheckSpec['options']>();
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i]!;
    let options = changed.get(spec.options);
    if (!options) changed.set(spec.options, (options = change(spec.options)));
    if (options !== spec.options) specs[i] = { ...spec, options };
  }
  return specs;
}

async function loadEngine(locateTimeoutMs: number | null): Promise<ProbeEngine> {
  const [{ probe, probeAll }, { probeOptions }, { classify }] = await Promise.all([
    import('../probe/probe.js'),
    import('../probe/defaults.js'),
    import('../diagnose/classify.js'),
  ]);
  // the diagnosis and the follow-ups are for failing rows: loaded at the first one (a run of
  // passing targets never loads them; they are a good part of the command's start-up)
  let diagnosing: Promise<typeof import('../diagnose/diagnose.js')> | null = null;
  type Followups = { diagnoseWithFollowups: typeof import('../probe/experiments/followup.js').diagnoseWithFollowups; settings: FollowupSettings };
  let following: Promise<Followups> | null = null;
  const loadFollowups = async (): Promise<Followups> => {
    const [{ diagnoseWithFollowups }, { DEFAULT_FOLLOWUP_BUDGET_MS }] = await Promise.all([import('../probe/experiments/followup.js'), import('../diagnose/followup-plan.js')]);
    // --locate: the locate experiment on every failing row, with its own time (--locate-timeout)
    const settings: FollowupSettings = locateTimeoutMs === null ? { enabled: true } : { enabled: true, force: ['locate'], budgetMs: Math.max(DEFAULT_FOLLOWUP_BUDGET_MS, locateTimeoutMs) };
    return { diagnoseWithFollowups, settings };
  };
  return {
    probe,
    probeAll,
    probeOptions,
    classify,
    diagnose: async (obs) => (await (diagnosing ??= import('../diagnose/diagnose.js'))).diagnose(obs),
    followup: async (target, options, obs, signal) => {
      const { diagnoseWithFollowups, settings } = await (following ??= loadFollowups());
      return diagnoseWithFollowups(target, options, obs, settings, signal);
    },
  };
}

/** Progress on stderr: an ora spinner on a TTY (done / total, failures so far); nothing otherwise. */
async function startProgress(ctx: CliContext, total: number): Promise<{ update(done: number, failed: number): void; stop(): void }> {
  const spinner = await startSpinner(ctx.stderr, `checking 0/${total}`);
  if (spinner === null) return { update: () => undefined, stop: () => undefined };
  let last = { done: 0, failed: 0 };
  const timer = setInterval(() => {
    spinner.text = `checking ${last.done}/${total}${last.failed > 0 ? `, ${last.failed} failed` : ''}`;
  }, 100);
  return {
    update: (done, failed) => {
      last = { done, failed };
    },
    stop: () => {
      clearInterval(timer);
      spinner.stop();
    },
  };
}

export async function runCheckCommand(settings: CheckSettings, ctx: CliContext): Promise<number> {
  // main() guards process.stdout; a caller's own stream (tests, embedding) gets the same guard
  ignoreClosedPipe(ctx.stdout);
  let gathered: Gathered;
  try {
    gathered = await gatherSpecs(settings);
  } catch (error) {
    if (!(error instanceof ConfigProblems)) throw error;
    // a 10 MB config of garbage is not echoed back whole: the first few problems, then a count
    const { shown, more } = capList(error.problems, MAX_PROBLEMS_SHOWN);
    for (const p of shown) ctx.stderr.write(messageLine(p.message));
    if (more > 0) ctx.stderr.write(messageLine(`… and ${more} more problem${more === 1 ? '' : 's'}`));
    const n = error.problems.length;
    ctx.stderr.write(`connreset: ${n} problem${n === 1 ? '' : 's'} in the input; nothing was probed\n`);
    return EXIT.usage;
  }
  const { specs, source } = gathered;

  const requested = settings.concurrency ?? DEFAULT_CONCURRENCY;
  // failing rows' follow-ups run beside the probes: their descriptors are kept free (src/probe/experiments/limiter.ts)
  const plan = planConcurrency(Math.min(requested, specs.length), undefined, settings.followup || settings.locateTimeoutMs !== null ? FOLLOWUP_FD_RESERVE : 0);
  if (plan.capped) ctx.stderr.write(concurrencyNotice(requested, plan));

  const engine = await loadEngine(settings.locateTimeoutMs);
  tuneHeapForChecks();
  const stop = handleStopSignals();
  try {
    const progress = await startProgress(ctx, specs.length);
    let done = 0;
    let failed = 0;
    let run: CheckRun;
    try {
      run = await runChecks(specs, engine, {
        plan,
        requestedConcurrency: requested,
        deadlineMs: settings.deadlineMs,
        failFast: settings.failFast,
        signal: stop.signal,
        source,
        onTarget: (rows) => {
          done++;
          if (rows.some(isFailure)) failed++;
          progress.update(done, failed);
        },
      });
    } finally {
      progress.stop();
    }
    return await emitReports(run, settings, ctx);
  } finally {
    stop.release();
  }
}

async function emitReports(run: CheckRun, settings: CheckSettings, ctx: CliContext): Promise<number> {
  const exitCode = runExitCode(run);
  const writeErrors: string[] = [];
  const writeFile = (what: string, fn: () => void): void => {
    try {
      fn();
    } catch (error) {
      writeErrors.push(error instanceof ConnresetError ? error.message : `cannot write the ${what}: ${String(error)}`);
    }
  };
  // files first: they are what CI keeps, and a second Ctrl-C during printing must not lose them
  if (settings.junit) {
    const { writeJUnit } = await import('../report/junit.js');
    writeFile('JUnit report', () => writeJUnit(settings.junit!, run));
  }
  if (settings.prometheus) {
    const { writePrometheus } = await import('../report/prometheus.js');
    writeFile('Prometheus file', () => writePrometheus(settings.prometheus!, run));
  }
  const { renderCheckJson, checkJsonPieces } = await import('../report/check-json.js');
  if (settings.jsonFile) {
    const { writeFileAtomic } = await import('../report/atomic-write.js');
    // in pieces: the document of a large run is never one string in memory
    writeFile('JSON report', () => writeFileAtomic(settings.jsonFile!, checkJsonPieces(run)));
  }
  const { githubActionsEnabled, renderGithubAnnotations } = await import('../report/github-annotations.js');
  const annotations = githubActionsEnabled() ? renderGithubAnnotations(run) : '';
  if (settings.json) {
    ctx.stdout.write(renderCheckJson(run));
    // stdout holds the JSON document; workflow commands go to stderr, which the runner also reads
    if (annotations) ctx.stderr.write(annotations);
  } else {
    const { renderCheckTable } = await import('../report/check-table.js');
    ctx.stdout.write(renderCheckTable(run, { onlyFailures: settings.onlyFailures }));
    if (annotations) ctx.stdout.write(annotations);
  }
  for (const message of writeErrors) ctx.stderr.write(messageLine(message));
  const ourLimit = localLimitNotice(run.results.map((r) => r.observation));
  if (ourLimit) ctx.stderr.write(ourLimit);
  if (writeErrors.length > 0 && exitCode === EXIT.ok) return EXIT.usage;
  return exitCode;
}
