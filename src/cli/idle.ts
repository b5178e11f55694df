import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { startSpinner } from './spinner.js';
import { UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { parseDuration } from '../duration.js';

interface IdleCliOptions {
  max: string;
  send?: string;
  keepalive?: boolean;
  replyTimeout: string;
  connectTimeout: string;
  connections?: string;
  json?: boolean;
  insecure?: boolean;
  cacert?: string;
  cert?: string;
  key?: string;
}

/** The ladder starts at 0.5 s; a bound below 1 s leaves nothing to search. */
const MIN_MAX_MS = 1_000;

export function defineIdle(program: Command, ctx: CliContext): void {
  program
    .command('idle')
    .summary('measure the idle timeout of the path and recommend a keepalive')
    .description(
      'Measure how long a connection to TARGET may stay silent before the path kills it (server keep-alive timeout, ' +
        'NAT, firewall or load balancer), how it dies, who most likely enforces it, and the keepalive setting that ' +
        'keeps connections alive through it. Opens several connections at once, leaves each silent for a different ' +
        'time, resumes each with the request, and narrows the bracket between the last survivor and the first death: ' +
        'a timeout of T is found in a little more than T.',
    )
    .argument('<target>', 'host:port, [v6]:port, or a URL (http://, https://, redis://, …)')
    .option('--max <duration>', 'longest silence to test', '15m')
    .option('--send <payload>', 'request sent after connecting and at each resume: http, text:STRING, hex:BYTES, @FILE (default: the scheme\'s)')
    .option('--keepalive', 'then verify that the recommended TCP keepalive keeps a connection alive past the timeout')
    .option('--reply-timeout <duration>', 'silence after a resume that counts as dead', '3s')
    .option('--connect-timeout <duration>', 'limit for each connect', '5s')
    .option('--connections <n>', 'open at most N connections at once (default: one per rung, 35 for 15m); fewer make the search coarser and slower')
    .option('-k, --insecure', 'accept a TLS certificate that does not verify (self-signed, expired, other host)')
    .option('--cacert <file>', 'trust the CA certificate(s) in this PEM file instead of the built-in store')
    .option('--cert <file>', 'client certificate (PEM) for servers that require one (mTLS); may hold the key too')
    .option('--key <file>', 'private key (PEM) of --cert')
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
    .action(async (targetText: string, opts: IdleCliOptions) => {
      const { parseTarget } = await import('../probe/target.js');
      const target = parseTarget(targetText);
      const maxMs = parseDuration(opts.max, '--max');
      if (maxMs < MIN_MAX_MS) throw new UsageError(`--max ${opts.max} is too short`, 'the shortest silence tested is 0.5 s; use at least 1s');
      const replyTimeoutMs = parseDuration(opts.replyTimeout, '--reply-timeout');
      const connectTimeoutMs = parseDuration(opts.connectTimeout, '--connect-timeout');
      for (const [name, ms] of [['--reply-timeout', replyTimeoutMs], ['--connect-timeout', connectTimeoutMs]] as const) {
        if (ms < 100) throw new UsageError(`${name} must be at least 100ms`);
      }
      let maxConnections: number | undefined;
      if (opts.connections !== undefined) {
        maxConnections = Number(opts.connections);
        if (!/^\d+$/.test(opts.connections.trim()) || maxConnections < 2 || maxConnections > 200) {
          throw new UsageError(`bad --connections ${JSON.stringify(opts.connections)}: give a whole number from 2 to 200`, undefined, 'CR_BAD_OPTION');
        }
      }
      const { loadTlsTrust } = await import('../probe/tls-trust.js');
      const tlsTrust = loadTlsTrust(opts);
      const { parseSend } = await import('../probe/payload.js');
      const payload = opts.send !== undefined ? parseSend(opts.send) : target.defaultPayload;
      if (payload.kind === 'none') {
        throw new UsageError(
          `idle needs a request that the server answers, and ${target.scheme}:// sends none`,
          "give one with --send (e.g. --send 'text:PING\\r\\n') or use a URL such as http://HOST:PORT/",
        );
      }

      const [{ measureIdle }, { conclude, recommend, decisiveDeath, bracketOf }, { idleDocument, renderIdleJson }] = await Promise.all([
        import('../probe/idle.js'),
        import('../diagnose/idle.js'),
        import('../report/idle-json.js'),
      ]);
      // Ctrl-C, SIGTERM (timeout(1), CI runners, systemd) and SIGHUP end the search; the bracket so far is reported
      const { handleStopSignals } = await import('../stop-signals.js');
      const stop = handleStopSignals();
      const spinner = await startProgress(ctx);
      try {
        const run = await measureIdle(target, {
          maxMs,
          payload,
          replyTimeoutMs,
          connectTimeoutMs,
          maxConnections,
          tlsTrust,
          signal: stop.signal,
          onProgress: spinner?.update,
        });
        if (opts.keepalive && run.failure === null && !run.interrupted) {
          const rec = recommend(bracketOf(run.trials), decisiveDeath(run.trials));
          if (rec) {
            const { checkKeepalive } = await import('../probe/idle.js');
            run.keepaliveCheck = await checkKeepalive(target, run, {
              payload,
              replyTimeoutMs,
              connectTimeoutMs,
              keepaliveS: rec.tcpKeepalive?.idleS ?? Math.max(1, Math.floor(rec.poolIdleS / 2)),
              tlsTrust,
              signal: stop.signal,
              onProgress: spinner?.update,
            });
          }
        }
        spinner?.stop();
        const doc = idleDocument(run, conclude(run.trials));
        if (opts.json) ctx.stdout.write(renderIdleJson(doc));
        else {
          const { renderIdleText } = await import('../report/idle-text.js');
          ctx.stdout.write(renderIdleText(doc));
        }
        ctx.exitCode = run.interrupted
          ? (stop.exitCode() ?? EXIT.interrupted)
          : doc.status === 'failed' || doc.status === 'inconsistent' || (doc.keepaliveCheck !== null && doc.keepaliveCheck.result !== 'alive')
            ? EXIT.failure
            : EXIT.ok;
      } finally {
        spinner?.stop();
        stop.release();
      }
    });
}

interface Progress {
  open: number;
  loMs: number;
  hiMs: number | null;
  nextResumeAtAgeMs: number | null;
  phase: string;
}

interface Spinner {
  update: (p: Progress) => void;
  stop: () => void;
}

/** Progress on stderr, only when it is a terminal (never mixed into stdout, so --json stays clean). */
async function startProgress(ctx: CliContext): Promise<Spinner | null> {
  const stream = ctx.stderr as NodeJS.WriteStream;
  const spinner = await startSpinner(stream, 'opening connections…');
  if (spinner === null) return null;
  const { formatMs } = await import('../duration.js');
  const started = performance.now();
  let last: Progress | null = null;
  const render = (p: Progress): void => {
    last = p;
    const bracket = p.hiMs === null ? `survived ${formatMs(p.loMs)}` : `between ${formatMs(p.loMs)} and ${formatMs(p.hiMs)}`;
    const next = p.nextResumeAtAgeMs === null ? '' : `, next resume at ${formatMs(p.nextResumeAtAgeMs)}`;
    const phase = p.phase === 'keepalive_check' ? 'verifying keepalive' : p.phase;
    const text = `${formatMs(performance.now() - started)} ${phase}: ${p.open} open, ${bracket}${next}`;
    // one line, always: the spinner redraws by counting wrapped lines
    const room = Math.max(10, (stream.columns ?? 80) - 4);
    spinner.text = text.length > room ? `${text.slice(0, room - 1)}…` : text;
  };
  // the elapsed time moves on between events too
  const ticker = setInterval(() => last && render(last), 1000);
  ticker.unref();
  return {
    update: render,
    stop: () => {
      clearInterval(ticker);
      if (spinner.isSpinning) spinner.stop();
    },
  };
}
