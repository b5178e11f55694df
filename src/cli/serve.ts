import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { UsageError } from '../errors.js';
import { parseDuration } from '../duration.js';

export interface ServeCliOptions {
  listen?: string;
  config?: string;
  allowAnyTarget?: boolean;
  maxConcurrent?: string;
  webConfig?: string;
  timeoutOffset?: string;
  shutdownGrace?: string;
}

export interface ServeSettings {
  host: string;
  port: number;
  config: string;
  /** whether the user named the config file (a missing default file is fine, a named one is not) */
  configGiven: boolean;
  allowAnyTarget: boolean;
  maxConcurrent: number;
  webConfig: string | null;
  timeoutOffsetMs: number;
  shutdownGraceMs: number;
}

export const DEFAULT_LISTEN = '127.0.0.1:9890';
/** check's DEFAULT_CONFIG_FILE, spelled here so the CLI's start-up does not load the config reader (and yaml) */
const DEFAULT_CONFIG_FILE = 'connreset.yml';
const DEFAULT_MAX_CONCURRENT = 100;
const MAX_MAX_CONCURRENT = 10_000;

/** `HOST:PORT`, `[V6]:PORT`, or `:PORT` (every interface, as Go exporters read it). Port 0 = any free port. */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.%\w]+)\]|([^:[\]\s]*)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) {
    throw new UsageError(`bad --listen ${JSON.stringify(text)}: expected HOST:PORT, e.g. 127.0.0.1:9890 or [::1]:9890`, undefined, 'CR_BAD_OPTION');
  }
  const host = m[1] ?? (m[2] === '' ? '0.0.0.0' : m[2]!);
  return { host, port };
}

export function serveSettings(opts: ServeCliOptions): ServeSettings {
  const { host, port } = parseListen(opts.listen ?? DEFAULT_LISTEN);
  let maxConcurrent = DEFAULT_MAX_CONCURRENT;
  if (opts.maxConcurrent !== undefined) {
    maxConcurrent = Number(opts.maxConcurrent);
    if (!/^\d+$/.test(opts.maxConcurrent.trim()) || maxConcurrent < 1 || maxConcurrent > MAX_MAX_CONCURRENT) {
      throw new UsageError(`bad --max-concurrent ${JSON.stringify(opts.maxConcurrent)}: expected a whole number from 1 to ${MAX_MAX_CONCURRENT}`, undefined, 'CR_BAD_OPTION');
    }
  }
  return {
    host,
    port,
    config: opts.config ?? DEFAULT_CONFIG_FILE,
    configGiven: opts.config !== undefined,
    allowAnyTarget: opts.allowAnyTarget === true,
    maxConcurrent,
    webConfig: opts.webConfig ?? null,
    timeoutOffsetMs: opts.timeoutOffset === undefined ? 500 : parseDuration(opts.timeoutOffset, '--timeout-offset'),
    shutdownGraceMs: opts.shutdownGrace === undefined ? 30_000 : parseDuration(opts.shutdownGrace, '--shutdown-grace'),
  };
}

export function defineServe(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .summary('a Prometheus multi-target exporter: /probe?target=&module= with the cause as metrics')
    .description(
      'Serve /probe?target=HOST:PORT&module=NAME for Prometheus (blackbox-compatible probe_success and ' +
        'probe_duration_seconds, plus the outcome, top cause, failed step and phase durations), /metrics for the ' +
        "exporter's own metrics, /-/healthy, /-/ready and an index page. Modules are named profiles under " +
        '`modules:` in the config file check reads; a module probes only the targets its `allow:` lists. ' +
        'Runs until SIGTERM or Ctrl-C: stops accepting, lets probes in flight finish, exits 0.',
    )
    .option('--listen <host:port>', `address to listen on (default ${DEFAULT_LISTEN}; loopback unless you say otherwise)`)
    .option('-c, --config <file>', `config file with modules: (default ${DEFAULT_CONFIG_FILE}; without one, a "default" module that allows nothing)`)
    .option('--allow-any-target', 'probe any target, ignoring the modules\' allow-lists (anyone who reaches the exporter can make it connect anywhere)')
    .option('--max-concurrent <n>', `probes in flight at once; more get 503 (default ${DEFAULT_MAX_CONCURRENT})`)
    .option('--web-config <file>', 'TLS and basic auth, in the Prometheus exporter-toolkit web config format (--web.config.file)')
    .option('--timeout-offset <duration>', 'kept from the scrape timeout (X-Prometheus-Scrape-Timeout-Seconds) for the answer (default 500ms)')
    .option('--shutdown-grace <duration>', 'on stop, probes still running after this long are cut (default 30s)')
    .addHelpText(
      'after',
      `
Examples:
  $ connreset serve --config connreset.yml
  $ curl 'http://127.0.0.1:9890/probe?target=db.internal:5432&module=tcp'
  $ curl 'http://127.0.0.1:9890/probe?target=db.internal:5432&module=tcp&debug=true'
  $ connreset serve --listen 0.0.0.0:9890 --web-config web.yml     # TLS and basic auth

Answers: 400 bad parameters or unknown module, 403 a target the module does not allow, 503 the
concurrency cap is reached (or the exporter is stopping). See docs/fleet.md.

Exit codes: 0 stopped by a signal after the probes in flight finished, 2 bad options or config.`,
    )
    .action(async (opts: ServeCliOptions) => {
      const settings = serveSettings(opts);
      const { runServeCommand } = await import('./serve-run.js');
      ctx.exitCode = await runServeCommand(settings, ctx);
    });
}
