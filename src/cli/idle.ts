import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { IDLE_MIN_LIMIT_MS, addSettingOptions, familyFlag, readFlags, SETTINGS } from '../check/settings.js';
import { loadTlsTrust } from '../probe/tls-trust.js';
import type { TlsTrust } from '../probe/types.js';

export type IdleCliOptions = Record<string, string | boolean | undefined>;

/** Options as typed, checked (every mistake one line, exit 2) before any connection opens. */
export interface IdleSettings {
  target: string;
  maxMs: number;
  /** --send as typed; null: the scheme's request */
  send: string | null;
  keepaliveCheck: boolean;
  replyTimeoutMs: number;
  connectTimeoutMs: number;
  maxConnections: number | undefined;
  json: boolean;
  /** -k, --cacert, --cert, --key (null: verify against the built-in CA store) */
  tlsTrust: TlsTrust | null;
  /** --servername: SNI and the name the certificate must match (null: the host) */
  servername: string | null;
  /** -4 / -6 (null: the first address the name resolves to) */
  family: 4 | 6 | null;
}

const defaultOf = (id: string): number => (SETTINGS.find((r) => r.id === id)?.default as number | null) ?? IDLE_MIN_LIMIT_MS;

export function idleSettings(target: string, opts: IdleCliOptions): IdleSettings {
  const v = readFlags('idle', opts);
  return {
    target,
    maxMs: v.maxMs ?? defaultOf('maxMs'),
    send: v.send ?? null,
    keepaliveCheck: v.keepaliveCheck === true,
    replyTimeoutMs: v.idleReplyTimeoutMs ?? defaultOf('idleReplyTimeoutMs'),
    connectTimeoutMs: v.idleConnectTimeoutMs ?? defaultOf('idleConnectTimeoutMs'),
    maxConnections: v.connections,
    json: opts.json === true,
    tlsTrust: loadTlsTrust({ insecure: v.insecure, cacert: v.cacert, cert: v.cert, key: v.key }),
    servername: v.servername ?? null,
    family: familyFlag(v),
  };
}

export function defineIdle(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('idle')
    .summary('measure the idle timeout of the path and recommend a keepalive')
    .description(
      'Measure how long a connection to TARGET may stay silent before the path kills it (server keep-alive timeout, ' +
        'NAT, firewall or load balancer), how it dies, who most likely enforces it, and the keepalive setting that ' +
        'keeps connections alive through it. Opens several connections at once, leaves each silent for a different ' +
        'time, resumes each with the request, and narrows the bracket between the last survivor and the first death: ' +
        'a timeout of T is found in a little more than T.',
    )
    .argument('<target>', 'host:port, [v6]:port, or a URL (http://, https://, redis://, …)');
  addSettingOptions(cmd, 'idle')
    .option('--json', 'print one JSON document (schema connreset.idle/v1)')
    .addHelpText(
      'after',
      `
Examples:
  $ connreset idle http://10.0.0.5:8080/health
  $ connreset idle db.internal:6379 --send 'text:PING\\r\\n' --max 10m
  $ connreset idle https://api.internal/ --max 2m --keepalive --json

Exit codes: 0 measured (a timeout found, or none up to --max), 1 could not measure, or the keepalive
check failed, 2 bad input, 130 interrupted (Ctrl-C), 143 SIGTERM, 129 SIGHUP.`,
    )
    .action(async (target: string, opts: IdleCliOptions) => {
      const settings = idleSettings(target, opts);
      const { runIdleCommand } = await import('./idle-run.js');
      ctx.exitCode = await runIdleCommand(settings, ctx);
    });
}
