/**
 * The serve command's action: read the config and web config (every problem before listening),
 * start the exporter, run until a stop signal, then stop gracefully: readiness goes 503, no new
 * probes, probes in flight finish (or are cut after the grace), connections close.
 */
import type { CliContext } from './context.js';
import type { ServeSettings } from './serve.js';
import { EXIT } from '../exit-codes.js';
import { oneLine } from '../escape.js';
import { UsageError } from '../errors.js';
import { handleStopSignals } from '../stop-signals.js';
import { parseTarget } from '../probe/target.js';
import { parseSend } from '../probe/payload.js';
import { loadServeConfig } from '../serve/config.js';
import { loadWebConfig, NO_WEB_CONFIG } from '../serve/web-config.js';
import { startExporter } from '../serve/server.js';
import { planConcurrency } from '../probe/runner.js';

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/i;

export async function runServeCommand(settings: ServeSettings, ctx: CliContext): Promise<number> {
  const config = loadServeConfig(settings.config, settings.configGiven, { parseTarget, parseSend });
  const web = settings.webConfig ? loadWebConfig(settings.webConfig) : NO_WEB_CONFIG;
  // one line per event, whatever a path or an error message holds (a log reader splits on newlines)
  const log = (line: string): void => void ctx.stderr.write(`connreset serve: ${oneLine(line)}\n`);
  // each probe in flight holds two descriptors (the scraper's connection and the probe's socket):
  // the cap stays below the open-file limit, as check's concurrency does
  const plan = planConcurrency(settings.maxConcurrent * 2);
  const maxConcurrent = plan.capped ? Math.max(1, Math.floor(plan.concurrency / 2)) : settings.maxConcurrent;
  if (plan.capped) {
    log(`--max-concurrent lowered from ${settings.maxConcurrent} to ${maxConcurrent}: the open-file limit is ${plan.limit.soft} (${plan.limit.open ?? '?'} open); raise it with \`ulimit -n\``);
  }
  const stop = handleStopSignals();
  try {
    let exporter;
    try {
      exporter = await startExporter({
        config,
        host: settings.host,
        port: settings.port,
        allowAnyTarget: settings.allowAnyTarget,
        maxConcurrent,
        timeoutOffsetMs: settings.timeoutOffsetMs,
        shutdownGraceMs: settings.shutdownGraceMs,
        web,
        log,
      });
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      const why = e.code === 'EADDRINUSE' ? 'address in use' : e.code === 'EADDRNOTAVAIL' ? 'no such local address' : e.code === 'EACCES' ? 'permission denied' : (e.code ?? e.message);
      throw new UsageError(`cannot listen on ${settings.host}:${settings.port}: ${why}`, undefined, 'CR_BAD_OPTION');
    }
    if (!LOOPBACK.test(settings.host)) {
      log(`listening on ${settings.host}, not loopback: keep it behind a firewall${web.users.size === 0 ? ', or set basic auth with --web-config' : ''}`);
    }
    if (settings.allowAnyTarget) log('--allow-any-target: every module probes any target it is given');
    log(`listening on ${exporter.url} (modules: ${[...config.modules.keys()].join(', ')}${config.file ? `, from ${config.file}` : ''})`);
    await new Promise<void>((resolve) => {
      if (stop.signal.aborted) resolve();
      else stop.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    log(`stopping (${String(stop.signal.reason)})`);
    await exporter.close();
    log('stopped');
    return EXIT.ok;
  } finally {
    stop.release();
  }
}
