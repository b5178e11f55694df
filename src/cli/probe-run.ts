/**
 * The probe command's action, loaded only when `probe` runs: parses targets and payload, runs the
 * probes (targets concurrently, repeats of one target in sequence), diagnoses each observation
 * and prints the report or the JSON document.
 */
import { lookupWithOverrides } from '../probe/http-options.js';
import type { CliContext } from './context.js';
import { startSpinner } from './spinner.js';
import { handleStopSignals } from '../stop-signals.js';
import type { ProbeSettings } from './probe.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../errors.js';
import { checkFamily, parseTarget } from '../probe/target.js';
import { parseSend } from '../probe/payload.js';
import { probeOptions } from '../probe/defaults.js';
import { repeatProbe } from '../probe/repeat.js';
import { concurrencyNotice, localLimitNotice, planConcurrency, runBounded } from '../probe/runner.js';
import type { ProbeOptions, Target } from '../probe/types.js';
import { diagnoseWithFollowups, type FollowupSettings } from '../probe/experiments/followup.js';
import { DEFAULT_FOLLOWUP_BUDGET_MS } from '../diagnose/followup-plan.js';
import { FOLLOWUP_FD_RESERVE, FollowupLimiter } from '../probe/experiments/limiter.js';
import { summariseRuns, type RunSummary } from '../report/probe-summary.js';
import { probeDocument, renderProbeJson, type ProbeResult } from '../report/probe-json.js';
import { renderAttemptsText, renderProbeText, renderQuietLine, renderRunSummaryLine, renderSummaryText } from '../report/probe-text.js';

export async function runProbeCommand(settings: ProbeSettings, ctx: CliContext): Promise<number> {
  const targets = settings.targets.map((input) => checkFamily(parseTarget(input), settings.family));
  const payload = settings.send === null ? null : parseSend(settings.send);
  const notHttp = targets.find((t) => (payload ?? t.defaultPayload).kind !== 'http');
  if ((settings.http || settings.expectStatus) && notHttp) {
    throw new UsageError(`-H, -X, --data and --expect-status shape an HTTP request, and ${notHttp.input} sends none`, 'use an http:// or https:// target (or --send http)');
  }
  const options: ProbeOptions = probeOptions({
    payload,
    expect: settings.expect,
    idleMs: settings.idleMs,
    keepaliveMs: settings.keepaliveMs,
    family: settings.family,
    allAddresses: settings.allAddresses,
    servername: settings.servername,
    ...(settings.tlsTrust ? { tlsTrust: settings.tlsTrust } : {}),
    ...(settings.http ? { http: settings.http } : {}),
    ...(settings.expectStatus ? { expectStatus: settings.expectStatus } : {}),
    ...(settings.connectTimeoutMs !== null ? { connectTimeoutMs: settings.connectTimeoutMs } : {}),
    ...(settings.tlsTimeoutMs !== null ? { tlsTimeoutMs: settings.tlsTimeoutMs } : {}),
    bannerTimeoutMs: settings.bannerTimeoutMs,
    ...(settings.replyTimeoutMs !== null ? { replyTimeoutMs: settings.replyTimeoutMs } : {}),
  });

  // every target at once, as many as the open-file limit allows (check's cap, src/probe/runner.ts)
  // follow-ups run beside the probes: their descriptors are kept free (src/probe/experiments/limiter.ts)
  const followupsOn = settings.followup || settings.locate;
  const plan = planConcurrency(targets.length, undefined, followupsOn ? FOLLOWUP_FD_RESERVE : 0);
  if (plan.capped) ctx.stderr.write(concurrencyNotice(targets.length, plan));

  // Ctrl-C, SIGTERM (timeout(1), CI runners) and SIGHUP end the probes and report what was seen so far
  const stop = handleStopSignals();
  // the handlers stay until the report is written: a second signal meanwhile exits at once
  try {
    const spinner = await startSpinner(ctx.stderr, spinnerText(targets, settings));
    const perTarget: ProbeResult[][] = [];
    try {
      let done = 0;
      const total = targets.length * settings.repeat;
      // --locate forces the locate experiment (with its own time, --locate-timeout); --no-followup keeps the planner's others off
      const followup: FollowupSettings = {
        enabled: followupsOn,
        plan: settings.followup,
        limiter: new FollowupLimiter(),
        ...(settings.locate ? { force: ['locate'] as const, budgetMs: Math.max(DEFAULT_FOLLOWUP_BUDGET_MS, settings.locateTimeoutMs ?? 0) } : {}),
      };
      // the same fd-aware cap as check: 400 targets under `ulimit -n 256` must not turn our EMFILE into their fault
      await runBounded(
        targets.map((target, index) => ({ target, index })),
        async ({ target, index }, signal) => {
          // a failure's follow-up experiments run while the next repeat waits its interval
          const pending: Promise<ProbeResult>[] = [];
          // --resolve HOST:PORT:ADDR pins this target's name for its port only, as curl does
          const lookup = lookupWithOverrides(settings.resolve, target.port, options.lookup);
          const targetOptions = lookup ? { ...options, lookup } : options;
          await repeatProbe(target, targetOptions, { count: settings.repeat, intervalMs: settings.intervalMs }, signal, (observations, run) => {
            for (const observation of observations) {
              pending.push(diagnoseWithFollowups(target, targetOptions, observation, followup, signal).then((d) => ({ target: target.input, run, ...d })));
            }
            done++;
            if (spinner && total > 1) spinner.text = `${spinnerText(targets, settings)} (${done}/${total})`;
          });
          perTarget[index] = await Promise.all(pending);
        },
        { onResult: () => undefined, onUnfinished: () => undefined },
        { concurrency: plan.concurrency, deadlineMs: null, signal: stop.signal },
      );
    } finally {
      spinner?.stop();
    }

    const results = perTarget.flat();
    const ourLimit = localLimitNotice(results.map((r) => r.observation));
    if (ourLimit) ctx.stderr.write(ourLimit);
    const summaries: RunSummary[] = targets.map((t, i) => summariseRuns(t.input, perTarget[i] ?? []));
    const failed = results.some((r) => !r.diagnosis.healthy);
    const stoppedWith = stop.exitCode();
    const interrupted = stoppedWith !== null;
    const exitCode = stoppedWith ?? (failed ? EXIT.failure : EXIT.ok);

    if (settings.json) {
      ctx.stdout.write(renderProbeJson(probeDocument(results, summaries, exitCode, interrupted)));
      return exitCode;
    }
    const text = { verbose: settings.verbose };
    if (settings.quiet) {
      // -q: one line per probe (per attempt with --repeat), then the summary line
      const lines = results.map((r) => renderQuietLine(r.observation, r.diagnosis));
      if (results.length > 1) lines.push(renderRunSummaryLine(results.map((r) => r.diagnosis), targets.length, interrupted));
      ctx.stdout.write(`${lines.join('\n')}\n`);
      if (interrupted) ctx.stderr.write(`connreset: interrupted (${String(stop.signal.reason)}); the results above are partial\n`);
      return exitCode;
    }
    const blocks: string[] = [];
    targets.forEach((_, i) => {
      const runs = perTarget[i] ?? [];
      if (settings.repeat === 1) {
        for (const r of runs) blocks.push(renderProbeText(r.observation, r.diagnosis, text));
        return;
      }
      // repeated: a line per attempt and tcping's statistics line, then the summary and the first
      // failure in full (or the last run when all were healthy)
      const shown = runs.find((r) => !r.diagnosis.healthy) ?? runs.at(-1);
      const summary = `${renderAttemptsText(targets[i]!.input, runs, settings.repeat, summaries[i]!.stats)}${renderSummaryText(summaries[i]!)}`;
      blocks.push(shown ? `${summary}\n${shown.run > 1 || !shown.diagnosis.healthy ? `run ${shown.run}:\n` : ''}${renderProbeText(shown.observation, shown.diagnosis, text)}` : summary);
    });
    // several targets (or addresses): one line that says how many failed, after the reports
    if (results.length > 1 && settings.repeat === 1) blocks.push(`${renderRunSummaryLine(results.map((r) => r.diagnosis), targets.length, interrupted)}\n`);
    ctx.stdout.write(blocks.join('\n'));
    if (interrupted) ctx.stderr.write(`connreset: interrupted (${String(stop.signal.reason)}); the results above are partial\n`);
    return exitCode;
  } finally {
    stop.release();
  }
}

function spinnerText(targets: Target[], settings: ProbeSettings): string {
  const what = targets.length === 1 ? targets[0]!.input : `${targets.length} targets`;
  return `probing ${what}${settings.idleMs !== null ? ' (with an idle hold)' : ''}`;
}

