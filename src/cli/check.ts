import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { addSettingOptions, familyFlag, readFlags } from '../check/settings.js';
import { loadTlsTrust } from '../probe/tls-trust.js';
import type { TlsTrust } from '../probe/types.js';

export interface CheckCliOptions {
  config?: string;
  json?: boolean;
  /** commander's --no-followup: false when given */
  followup?: boolean;
  jsonFile?: string;
  junit?: string;
  prometheus?: string;
  concurrency?: string;
  deadline?: string;
  failFast?: boolean;
  expectOutcome?: string;
  onlyFailures?: boolean;
  allAddresses?: boolean;
}

/** Parsed, validated command-line options (everything a user can type is checked here). */
export interface CheckSettings {
  inputs: string[];
  config: string | null;
  json: boolean;
  /** follow-up experiments for failing rows (config: followup) */
  followup: boolean;
  jsonFile: string | null;
  junit: string | null;
  prometheus: string | null;
  concurrency: number | null;
  deadlineMs: number | null;
  failFast: boolean;
  expectOutcome: string;
  onlyFailures: boolean;
  /** probe every address of each target from arguments or stdin (config files: `all_addresses:`) */
  allAddresses: boolean;
  /** --locate / --locate-timeout: locate on every failing row with this much time; null: only when the planner picks it */
  locateTimeoutMs: number | null;
  /** -k, --cacert, --cert, --key: for every target whose config entry sets none of insecure/cacert/cert/key */
  tlsTrust: TlsTrust | null;
  /** -4 / -6: for every target whose config (the entry or its defaults:) sets no `family:` */
  family: 4 | 6 | null;
}

export function checkSettings(inputs: string[], opts: CheckCliOptions): CheckSettings {
  const v = readFlags('check', opts as Record<string, unknown>);
  return {
    inputs,
    config: opts.config ?? null,
    json: opts.json === true,
    followup: v.followup !== false,
    locateTimeoutMs: v.locateTimeoutMs ?? (v.locate === true ? 2_000 : null),
    jsonFile: opts.jsonFile ?? null,
    junit: opts.junit ?? null,
    prometheus: opts.prometheus ?? null,
    concurrency: v.concurrency ?? null,
    deadlineMs: v.deadlineMs ?? null,
    failFast: opts.failFast === true,
    expectOutcome: opts.expectOutcome ?? 'ok',
    onlyFailures: opts.onlyFailures === true,
    allAddresses: v.allAddresses === true,
    tlsTrust: loadTlsTrust({ insecure: v.insecure, cacert: v.cacert, cert: v.cert, key: v.key }),
    family: familyFlag(v),
  };
}

export function defineCheck(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('check')
    .summary('CI smoke checks: probe many targets against expectations')
    .description(
      'Probe every target of a config file (default connreset.yml; YAML or JSON), or targets given as arguments ' +
        'or on stdin (-, one per line: TARGET [OUTCOME,...]), concurrently, and check each against its expectation. ' +
        'Prints a summary table; writes JSON, JUnit XML and Prometheus textfile reports; prints GitHub annotations ' +
        'when GITHUB_ACTIONS=true.',
    )
    .argument('[inputs...]', 'a config file (.yml/.yaml/.json), targets (host:port, URLs), or - for targets on stdin')
    .option('-c, --config <file>', 'config file (any name; YAML or JSON)')
    .option('--json', 'print one JSON document (schema connreset.check/v1) on stdout instead of the table')
    .option('--json-file <file>', 'also write the JSON document to a file')
    .option('--junit <file>', 'write a JUnit XML report (one test case per target)')
    .option('--prometheus <file>', 'write metrics in the node_exporter textfile format (.prom)')
    .option('--fail-fast', 'stop at the first target whose expectation does not hold')
    .option('--expect-outcome <list>', 'expected outcome(s) for targets from arguments or stdin, comma-separated', 'ok')
    .option('--only-failures', 'list only failing targets in the table (large fleets)');
  addSettingOptions(cmd, 'check')
    .addHelpText(
      'after',
      `
Examples:
  $ connreset check                                  # reads connreset.yml
  $ connreset check checks.yml --junit report.xml --prometheus /var/lib/node_exporter/connreset.prom
  $ connreset check 127.0.0.1:5432 db.internal:6379 --concurrency 20
  $ connreset check 127.0.0.1:9 --expect-outcome refused
  $ cat targets.txt | connreset check - --json > result.json
  $ connreset check api.internal:443 --all-addresses   # one row per address of a round-robin name

Exit codes: 0 every expectation held, 1 some did not (or the --deadline stopped the run),
2 bad config or options (nothing was probed), 130 interrupted (Ctrl-C), 143 stopped by SIGTERM,
129 by SIGHUP (reports hold the results so far; a second signal exits at once).`,
    )
    .action(async (inputs: string[], opts: CheckCliOptions) => {
      const settings = checkSettings(inputs, opts);
      const { runCheckCommand } = await import('./check-run.js');
      ctx.exitCode = await runCheckCommand(settings, ctx);
    });
}
