import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { UsageError } from '../errors.js';
import { DEFAULT_INTERVAL_MS, addSettingOptions, familyFlag, readFlags } from '../check/settings.js';
import { loadTlsTrust } from '../probe/tls-trust.js';
import { parseData, type HttpRequestOptions, type ResolveEntry, type StatusRange } from '../probe/http-options.js';
import type { TlsTrust } from '../probe/types.js';

/** What commander collected: strings and switches, checked by the settings table (src/check/settings.ts). */
export type ProbeCliOptions = Record<string, string | boolean | undefined>;

/** Options as typed, checked: every mistake is one line and exit 2, before any packet is sent. */
export interface ProbeSettings {
  targets: string[];
  send: string | null;
  expect: string | null;
  idleMs: number | null;
  keepaliveMs: number | null;
  connectTimeoutMs: number | null;
  tlsTimeoutMs: number | null;
  /** null: the scheme's banner wait (see src/probe/banner-wait.ts) */
  bannerTimeoutMs: number | null;
  replyTimeoutMs: number | null;
  servername: string | null;
  /** null: verify against the built-in CA store, no client certificate */
  tlsTrust: TlsTrust | null;
  /** -H, -X, --data: null when none was given */
  http: HttpRequestOptions | null;
  expectStatus: StatusRange[] | null;
  /** --resolve HOST:PORT:ADDR entries */
  resolve: ResolveEntry[];
  family: 4 | 6 | null;
  allAddresses: boolean;
  repeat: number;
  intervalMs: number;
  json: boolean;
  /** -q: one line per probe; -v: the routine waits too */
  quiet: boolean;
  verbose: boolean;
  /** follow-up experiments after a failure (docs/experiments.md) */
  followup: boolean;
  /** run the locate experiment after a failure whatever the planner says (docs/locate.md) */
  locate: boolean;
  locateTimeoutMs: number | null;
}

/** -H, -X, --data as curl reads them (each checked by its settings row); null when none was given: a plain GET. */
function httpSettings(headers: [string, string][] | undefined, method: string | undefined, data: string | undefined): HttpRequestOptions | null {
  if (!headers?.length && method === undefined && data === undefined) return null;
  return { method: method ?? null, headers: headers ?? [], body: data === undefined ? null : parseData(data) };
}

export function probeSettings(targets: string[], opts: ProbeCliOptions): ProbeSettings {
  const v = readFlags('probe', opts);
  if (v.intervalMs !== undefined && v.repeat === undefined) {
    throw new UsageError('--interval needs --repeat', 'e.g. --repeat 20 --interval 5s');
  }
  if (v.keepaliveMs !== undefined && v.idleMs === undefined) throw new UsageError('--keepalive needs --idle', 'e.g. --idle 5m --keepalive 30s');
  return {
    targets,
    send: v.send ?? null,
    expect: v.expect ?? null,
    idleMs: v.idleMs ?? null,
    keepaliveMs: v.keepaliveMs ?? null,
    connectTimeoutMs: v.connectTimeoutMs ?? null,
    tlsTimeoutMs: v.tlsTimeoutMs ?? null,
    bannerTimeoutMs: v.bannerTimeoutMs ?? null,
    replyTimeoutMs: v.replyTimeoutMs ?? null,
    servername: v.servername ?? null,
    tlsTrust: loadTlsTrust({ insecure: v.insecure, cacert: v.cacert, cert: v.cert, key: v.key }),
    http: httpSettings(v.headers as unknown as [string, string][] | undefined, v.method, v.data),
    expectStatus: v.expectStatus ?? null,
    resolve: (v.resolve as unknown as ResolveEntry[] | undefined) ?? [],
    family: familyFlag(v),
    allAddresses: v.allAddresses === true,
    repeat: v.repeat ?? 1,
    intervalMs: v.intervalMs ?? DEFAULT_INTERVAL_MS,
    json: opts.json === true,
    quiet: opts.quiet === true,
    verbose: opts.verbose === true,
    followup: v.followup !== false,
    locate: v.locate === true || v.locateTimeoutMs !== undefined,
    locateTimeoutMs: v.locateTimeoutMs ?? null,
  };
}

export function defineProbe(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('probe')
    .summary('connect to endpoints and show exactly what they do on the wire, and why')
    .description(
      'Connect to each TARGET, send a payload, read the reply, optionally hold the connection idle and ' +
        'resume it, and report the timeline (every event with its time in ms), the outcome, the likely ' +
        'causes with their evidence, and what to do.\n\n' +
        'TARGET is host:port, [v6addr]:port, or a URL: tcp://, tls://, http:// (80, sends GET), ' +
        'https:// (443), redis:// and rediss:// (6379, send PING), postgres:// (5432, sends an ' +
        'SSLRequest), mysql://, smtp://, ssh:// (the server speaks first).',
    )
    .argument('<targets...>', 'endpoints to probe');
  addSettingOptions(cmd, 'probe')
    .option('--json', 'print one JSON document (schema connreset.probe/v1) instead of the report')
    .option('-q, --quiet', 'one line per probe (outcome, target, time, summary), then a summary line')
    .option('-v, --verbose', 'show the routine waits in the timeline too (the banner wait before sending)')
    .addHelpText(
      'after',
      `
Examples:
  $ connreset probe 127.0.0.1:8080
  $ connreset probe http://127.0.0.1:8080/health --expect "^HTTP/1\\.1 200"
  $ connreset probe https://example.internal --idle 90s --keepalive 30s
  $ connreset probe redis://cache.internal --repeat 20 --interval 5s
  $ connreset probe db.internal:5432 --send hex:0000000804d2162f
  $ connreset probe upload.internal:8080 --send zeros:16MiB
  $ connreset probe api.internal:443 --all-addresses --json

Exit codes: 0 every target healthy (and --expect held), 1 a failure was found, 2 bad input,
130 interrupted by Ctrl-C, 143 by SIGTERM, 129 by SIGHUP (the results so far are printed).`,
    )
    .action(async (targets: string[], opts: ProbeCliOptions) => {
      const settings = probeSettings(targets, opts);
      const { runProbeCommand } = await import('./probe-run.js');
      ctx.exitCode = await runProbeCommand(settings, ctx);
    });
}
