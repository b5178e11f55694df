import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { UsageError } from '../errors.js';
import { parseDuration } from '../duration.js';
import { loadTlsTrust } from '../probe/tls-trust.js';
import { parseData, parseHeader, parseMethod, parseResolve, parseStatusList, type HttpRequestOptions, type ResolveEntry, type StatusRange } from '../probe/http-options.js';
import type { TlsTrust } from '../probe/types.js';

export interface ProbeCliOptions {
  send?: string;
  expect?: string;
  idle?: string;
  keepalive?: string;
  connectTimeout?: string;
  tlsTimeout?: string;
  bannerTimeout?: string;
  replyTimeout?: string;
  servername?: string;
  header?: string[];
  method?: string;
  data?: string;
  expectStatus?: string;
  resolve?: string[];
  insecure?: boolean;
  cacert?: string;
  cert?: string;
  key?: string;
  ipv4?: boolean;
  ipv6?: boolean;
  allAddresses?: boolean;
  repeat?: string;
  interval?: string;
  json?: boolean;
  /** commander's --no-followup: false when given */
  followup?: boolean;
}

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
  /** follow-up experiments after a failure (docs/experiments.md) */
  followup: boolean;
}

const MAX_REPEAT = 10_000;
const DEFAULT_INTERVAL_MS = 1_000;

function positiveDuration(value: string | undefined, option: string): number | null {
  if (value === undefined) return null;
  const ms = parseDuration(value, option);
  if (ms <= 0) throw new UsageError(`bad ${option} ${JSON.stringify(value)}: give a positive duration, e.g. 5s`, undefined, 'CR_BAD_DURATION');
  return ms;
}

/** -H, -X, --data as curl reads them; null when none was given (a plain GET). */
export function httpSettings(opts: Pick<ProbeCliOptions, 'header' | 'method' | 'data'>): HttpRequestOptions | null {
  const headers = (opts.header ?? []).map((h) => parseHeader(h));
  if (headers.length === 0 && opts.method === undefined && opts.data === undefined) return null;
  return { method: opts.method === undefined ? null : parseMethod(opts.method), headers, body: opts.data === undefined ? null : parseData(opts.data) };
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function probeSettings(targets: string[], opts: ProbeCliOptions): ProbeSettings {
  if (opts.ipv4 && opts.ipv6) throw new UsageError('-4 and -6 exclude each other', 'give one, or neither to use what the name resolves to');
  let expect: string | null = null;
  if (opts.expect !== undefined) {
    try {
      new RegExp(opts.expect);
    } catch (error) {
      throw new UsageError(`bad --expect ${JSON.stringify(opts.expect)}: ${(error as Error).message}`, 'a JavaScript regular expression, e.g. "^HTTP/1\\.1 200"', 'CR_BAD_OPTION');
    }
    expect = opts.expect;
  }
  let repeat = 1;
  if (opts.repeat !== undefined) {
    repeat = Number(opts.repeat);
    if (!/^\d+$/.test(opts.repeat.trim()) || repeat < 1 || repeat > MAX_REPEAT) {
      throw new UsageError(`bad --repeat ${JSON.stringify(opts.repeat)}: expected a whole number from 1 to ${MAX_REPEAT}`, undefined, 'CR_BAD_OPTION');
    }
  }
  if (opts.interval !== undefined && opts.repeat === undefined) {
    throw new UsageError('--interval needs --repeat', 'e.g. --repeat 20 --interval 5s');
  }
  const intervalMs = opts.interval === undefined ? DEFAULT_INTERVAL_MS : parseDuration(opts.interval, '--interval');
  const idleMs = positiveDuration(opts.idle, '--idle');
  const keepaliveMs = positiveDuration(opts.keepalive, '--keepalive');
  if (keepaliveMs !== null && idleMs === null) throw new UsageError('--keepalive needs --idle', 'e.g. --idle 5m --keepalive 30s');
  return {
    targets,
    send: opts.send ?? null,
    expect,
    idleMs,
    keepaliveMs,
    connectTimeoutMs: positiveDuration(opts.connectTimeout, '--connect-timeout'),
    tlsTimeoutMs: positiveDuration(opts.tlsTimeout, '--tls-timeout'),
    bannerTimeoutMs: positiveDuration(opts.bannerTimeout, '--banner-timeout'),
    replyTimeoutMs: positiveDuration(opts.replyTimeout, '--reply-timeout'),
    servername: opts.servername ?? null,
    tlsTrust: loadTlsTrust(opts),
    http: httpSettings(opts),
    expectStatus: opts.expectStatus === undefined ? null : parseStatusList(opts.expectStatus),
    resolve: (opts.resolve ?? []).map((r) => parseResolve(r)),
    family: opts.ipv4 ? 4 : opts.ipv6 ? 6 : null,
    allAddresses: opts.allAddresses === true,
    repeat,
    intervalMs,
    json: opts.json === true,
    followup: opts.followup !== false,
  };
}

export function defineProbe(program: Command, ctx: CliContext): void {
  program
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
    .argument('<targets...>', 'endpoints to probe')
    .option(
      '--send <payload>',
      'what to send: none | http | text:STRING (\\r\\n escapes) | hex:BYTES | @FILE (up to 1 MiB) | zeros:SIZE (up to 256MiB, e.g. zeros:16MiB) (default: what the scheme implies)',
    )
    .option('--expect <regex>', 'the reply (or banner) must match this regular expression')
    .option('--idle <duration>', 'after the reply, hold the connection silent this long, then send again (e.g. 90s)')
    .option('--keepalive <duration>', 'turn TCP keepalive on during the idle hold, first probe after this long')
    .option('--connect-timeout <duration>', 'give up connecting after this long (default 5s)')
    .option('--tls-timeout <duration>', 'give up on the TLS handshake after this long (default 5s)')
    .option(
      '--banner-timeout <duration>',
      'wait up to this long for a banner before sending, whatever the scheme (default: 300ms for servers that speak first, smtp:// ssh:// mysql://; otherwise 3 × the connect time, at least 25ms)',
    )
    .option('--reply-timeout <duration>', 'wait this long for the first byte of a reply (default 2s)')
    .option('--servername <name>', 'TLS server name (SNI) to send and the name the certificate must match; default: the host')
    .option('-H, --header <header>', 'add (or replace) an HTTP request header, "Name: value"; repeatable', collect)
    .option('-X, --method <method>', 'HTTP request method (default GET, or POST with --data)')
    .option('--data <data>', 'HTTP request body: a STRING or @FILE (up to 1 MiB); sends a POST unless -X says otherwise')
    .option('--expect-status <list>', 'the HTTP status must be one of these, e.g. 200-399 or 200,204,301-308; else expect_failed')
    .option('--resolve <host:port:addr>', 'connect to ADDR for HOST:PORT, keeping the name for Host and SNI (as curl); repeatable', collect)
    .option('-k, --insecure', 'accept a certificate that does not verify (self-signed, expired, other host); its facts are still shown')
    .option('--cacert <file>', 'trust the CA certificate(s) in this PEM file instead of the built-in store')
    .option('--cert <file>', 'client certificate (PEM) for servers that require one (mTLS); may hold the key too')
    .option('--key <file>', 'private key (PEM) of --cert')
    .option('-4, --ipv4', 'use IPv4 addresses only')
    .option('-6, --ipv6', 'use IPv6 addresses only')
    .option('--all-addresses', 'probe every address the name resolves to, one report each')
    .option('--repeat <n>', 'probe N times and summarise (e.g. 3 of 20 runs failed, always after ~60 s idle)')
    .option('--interval <duration>', 'time between the starts of repeated probes (default 1s)')
    .option('--no-followup', 'after a failure, do not run the follow-up experiments that tell its causes apart (they add up to ~2 s)')
    .option('--json', 'print one JSON document (schema connreset.probe/v1) instead of the report')
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
