/**
 * The idle command's action, loaded only when `idle` runs: parses the target and request, runs the
 * search (src/probe/idle.ts) and the optional keepalive check, prints the report or JSON.
 */
import type { CliContext } from './context.js';
import type { IdleSettings } from './idle.js';
import { startSpinner } from './spinner.js';
import { UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { checkFamily, parseTarget } from '../probe/target.js';
import { parseSend } from '../probe/payload.js';
import { measureIdle, checkKeepalive } from '../probe/idle.js';
import { conclude, recommend, decisiveDeath, bracketOf } from '../diagnose/idle.js';
import { idleDocument, renderIdleJson } from '../report/idle-json.js';
import { handleStopSignals } from '../stop-signals.js';

export async function runIdleCommand(settings: IdleSettings, ctx: CliContext): Promise<number> {
  const target = checkFamily(parseTarget(settings.target), settings.family);
  const { maxMs, replyTimeoutMs, connectTimeoutMs, maxConnections } = settings;
  const payload = settings.send !== null ? parseSend(settings.send) : target.defaultPayload;
  if (payload.kind === 'none') {
    throw new UsageError(
      `idle needs a request that the server answers, and ${target.scheme}:// sends none`,
      "give one with --send (e.g. --send 'text:PING\\r\\n') or use a URL such as http://HOST:PORT/",
    );
  }
  // Ctrl-C, SIGTERM (timeout(1), CI runners, systemd) and SIGHUP end the search; the bracket so far is reported
  const stop = handleStopSignals();
  const spinner = await startProgress(ctx);
  try {
    const run = await measureIdle(target, {
      maxMs,
      payload,
      replyTimeoutMs,
      connectTimeoutMs,
      maxConnections,
      tlsTrust: settings.tlsTrust,
      servername: settings.servername,
      family: settings.family,
      signal: stop.signal,
      onProgress: spinner?.update,
    });
    if (settings.keepaliveCheck && run.failure === null && !run.interrupted) {
      const rec = recommend(bracketOf(run.trials), decisiveDeath(run.trials));
      if (rec) {
        run.keepaliveCheck = await checkKeepalive(target, run, {
          payload,
          replyTimeoutMs,
          connectTimeoutMs,
          keepaliveS: rec.tcpKeepalive?.idleS ?? Math.max(1, Math.floor(rec.poolIdleS / 2)),
          tlsTrust: settings.tlsTrust,
          servername: settings.servername,
          signal: stop.signal,
          onProgress: spinner?.update,
        });
      }
    }
    spinner?.stop();
    const doc = idleDocument(run, conclude(run.trials));
    if (settings.json) ctx.stdout.write(renderIdleJson(doc));
    else {
      const { renderIdleText } = await import('../report/idle-text.js');
      ctx.stdout.write(renderIdleText(doc));
    }
    return run.interrupted
      ? (stop.exitCode() ?? EXIT.interrupted)
      : doc.status === 'failed' || doc.status === 'inconsistent' || (doc.keepaliveCheck !== null && doc.keepaliveCheck.result !== 'alive')
        ? EXIT.failure
        : EXIT.ok;
  } finally {
    spinner?.stop();
    stop.release();
  }
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
