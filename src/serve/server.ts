/**
 * `connreset serve`: the HTTP side of the exporter. Routes, the safety checks that run before any
 * socket to a target is opened (auth, parameters, module, allow-list, concurrency cap, scrape
 * budget), one probe through the shared engine (probe() + diagnose()), and graceful shutdown.
 *
 *   GET /probe?target=&module=[&debug=true]   one probe, Prometheus text (or the timeline with debug)
 *   GET /metrics                               the exporter's own metrics
 *   GET /-/healthy, /-/ready                   liveness and readiness (not ready once stopping)
 *   GET /                                      modules and recent probes
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { stripVTControlCharacters } from 'node:util';
import type { ConnresetError } from '../errors.js';
import { parseTarget } from '../probe/target.js';
import { probe } from '../probe/probe.js';
import { probeOptions, probeBudgetMs } from '../probe/defaults.js';
import type { Target } from '../probe/types.js';
import { diagnoseWithFollowups } from '../probe/experiments/followup.js';
import { DEFAULT_FOLLOWUP_BUDGET_MS } from '../diagnose/followup-plan.js';
import { classifyDetailed } from '../diagnose/classify.js';
import type { Observation, Phase } from '../diagnose/observation.js';
import { evaluate, type Verdict } from '../check/expectation.js';
import type { Diagnosis } from '../diagnose/diagnosis.js';
import { renderProbeText } from '../report/probe-text.js';
import { isAllowed } from './allow.js';
import type { Module, ServeConfig } from './config.js';
import { DEFAULT_MODULE_NAME, describeModuleExpectation } from './config.js';
import { DEFAULT_TIMEOUT_OFFSET_MS, fitOptions, parseScrapeTimeout } from './deadline.js';
import { ownMetrics, type OwnMetrics, type RejectReason } from './own-metrics.js';
import { probeRegistry, type ProbeReport } from './probe-metrics.js';
import { BasicAuth, NO_WEB_CONFIG, type WebConfig } from './web-config.js';
import { renderIndex, type RecentProbe } from './index-page.js';

export interface ServeOptions {
  config: ServeConfig;
  host: string;
  port: number;
  /** probe any target, ignoring the modules' allow-lists (--allow-any-target) */
  allowAnyTarget: boolean;
  /** probes in flight at once; more get 503 */
  maxConcurrent: number;
  /** kept from the scrape timeout for the answer to travel back */
  timeoutOffsetMs?: number;
  web?: WebConfig;
  /** after a stop, probes still running this long after it are cut (their scrapes get probe_success 0) */
  shutdownGraceMs?: number;
  /** one line per notable event (start, stop, internal errors) */
  log?: (line: string) => void;
}

export interface Exporter {
  /** base URL, e.g. http://127.0.0.1:9890 */
  url: string;
  address: AddressInfo;
  metrics: OwnMetrics;
  inFlight(): number;
  /** stop accepting, let in-flight probes finish (cut after the grace), close every connection */
  close(): Promise<void>;
}

const MAX_TARGET_CHARS = 2048;
const RECENT_PROBES = 50;
const KNOWN_PARAMS = ['target', 'module', 'debug'] as const;
/** Follow-ups need at least this long to tell anything apart; with less left of the scrape, they are skipped. */
const MIN_FOLLOWUP_MS = 200;
/** Follow-up runs allowed at once: this many, or a quarter of --max-concurrent when that is more. */
const MIN_FOLLOWUP_SLOTS = 4;
/** Kept between the follow-ups' end and the deadline, for diagnosing and writing the answer. */
const FOLLOWUP_MARGIN_MS = 50;

/** One line answer; the status says what kind of problem. */
class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly reason: RejectReason,
    message: string,
  ) {
    super(message);
  }
}

export async function startExporter(opts: ServeOptions): Promise<Exporter> {
  const metrics = ownMetrics(opts.maxConcurrent);
  const web = opts.web ?? NO_WEB_CONFIG;
  const auth = new BasicAuth(web.users);
  const offsetMs = opts.timeoutOffsetMs ?? DEFAULT_TIMEOUT_OFFSET_MS;
  const log = opts.log ?? (() => undefined);
  const recent: RecentProbe[] = [];
  /** each running probe's controller: a stop past the grace aborts them */
  const running = new Set<AbortController>();
  /** probe requests not yet answered: a stop waits for their answers to be written, not only for the probes */
  const answering = new Set<ServerResponse>();
  let stopping = false;
  /** follow-up runs in progress: they open sockets of their own, so only so many run at once */
  let followupsRunning = 0;
  const maxFollowups = Math.max(MIN_FOLLOWUP_SLOTS, Math.ceil(opts.maxConcurrent / 4));
  let drained: (() => void) | null = null;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        throw new HttpProblem(405, 'bad_request', `method ${req.method ?? '?'} not allowed: use GET`);
      }
      if (!(await auth.check(req.headers.authorization))) {
        res.setHeader('WWW-Authenticate', 'Basic realm="connreset"');
        throw new HttpProblem(401, 'unauthorized', 'unauthorized');
      }
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://exporter.invalid');
      } catch {
        throw new HttpProblem(400, 'bad_request', 'bad request URL');
      }
      switch (url.pathname) {
        case '/probe':
          answering.add(res);
          res.once('close', () => {
            answering.delete(res);
            if (stopping && answering.size === 0) drained?.();
          });
          return await probeRoute(req, res, url);
        case '/metrics':
          return send(res, 200, metrics.registry.contentType, await metrics.registry.metrics());
        case '/-/healthy':
          return send(res, 200, 'text/plain; charset=utf-8', 'Healthy\n');
        case '/-/ready':
          if (stopping) throw new HttpProblem(503, 'shutting_down', 'shutting down');
          return send(res, 200, 'text/plain; charset=utf-8', 'Ready\n');
        case '/':
          return send(res, 200, 'text/html; charset=utf-8', renderIndex(opts.config, recent, { allowAnyTarget: opts.allowAnyTarget, maxConcurrent: opts.maxConcurrent, inFlight: running.size }));
        default:
          throw new HttpProblem(404, 'not_found', `not found: ${url.pathname.slice(0, 100)}`);
      }
    } catch (error) {
      if (error instanceof HttpProblem) {
        metrics.rejected.inc({ reason: error.reason });
        return send(res, error.status, 'text/plain; charset=utf-8', `${oneLine(error.message)}\n`);
      }
      log(`internal error: ${error instanceof Error ? error.message : String(error)}`);
      return send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
    }
  };

  const probeRoute = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    if (stopping) throw new HttpProblem(503, 'shutting_down', 'shutting down: not starting new probes');
    const params = readParams(url);
    const module = pickModule(opts.config, params.module);
    const target = readTarget(params.target);
    if (!opts.allowAnyTarget) {
      const verdict = isAllowed(module.allow, target.host, target.port);
      if (!verdict.allowed) {
        throw new HttpProblem(403, 'forbidden', `target ${JSON.stringify(params.target)} not allowed by module ${JSON.stringify(module.name)}: ${verdict.why} (or start with --allow-any-target)`);
      }
    }
    const scrape = parseScrapeTimeout(req.headers['x-prometheus-scrape-timeout-seconds']);
    if (scrape !== null && typeof scrape === 'object') throw new HttpProblem(400, 'bad_request', scrape.error);
    let options = probeOptions(module.options);
    let deadlineMs = probeBudgetMs(options);
    if (scrape !== null) {
      const fit = fitOptions(options, scrape - offsetMs);
      if (!fit.ok) throw new HttpProblem(400, 'bad_request', fit.why);
      options = fit.options;
      deadlineMs = Math.min(probeBudgetMs(options), scrape - offsetMs);
    }
    // the cap is taken synchronously, before any await, so concurrent requests cannot overshoot it
    if (running.size >= opts.maxConcurrent) {
      throw new HttpProblem(503, 'busy', `too many probes in flight (limit ${opts.maxConcurrent}): retry, scrape less often, or raise --max-concurrent`);
    }
    const controller = new AbortController();
    running.add(controller);
    metrics.inFlight.inc();
    // the deadline is a backstop: the fitted limits normally end the probe first
    const timer = setTimeout(() => controller.abort('deadline'), deadlineMs);
    // Prometheus gave up on the scrape (or the client went away): nobody waits for the answer
    const onGone = (): void => {
      if (!res.writableFinished) controller.abort('client_gone');
    };
    res.on('close', onGone);
    const started = performance.now();
    let obs: Observation;
    let diagnosis: Diagnosis;
    try {
      obs = await probe(target, options, controller.signal);
      // a failure runs its follow-up experiments (as probe and check do), in what is left of the deadline
      const left = deadlineMs - (performance.now() - started) - FOLLOWUP_MARGIN_MS;
      // when every slot is taken the probe answers without them (a scrape has no time to queue)
      const followup = module.options.followup !== false && !controller.signal.aborted && left >= MIN_FOLLOWUP_MS && followupsRunning < maxFollowups;
      if (followup) followupsRunning++;
      try {
        const d = await diagnoseWithFollowups(target, options, obs, { enabled: followup, budgetMs: Math.min(DEFAULT_FOLLOWUP_BUDGET_MS, left) }, controller.signal);
        obs = d.observation;
        diagnosis = d.diagnosis;
      } finally {
        if (followup) followupsRunning--;
      }
    } finally {
      clearTimeout(timer);
      res.off('close', onGone);
      running.delete(controller);
      metrics.inFlight.dec();
    }
    const report = reportOf(obs, diagnosis, module, controller.signal.aborted ? String(controller.signal.reason) : null);
    metrics.probes.inc({ module: module.name, outcome: report.diagnosis.outcome, success: report.verdict.pass ? '1' : '0' });
    metrics.durations.observe({ module: module.name }, obs.durationMs / 1000);
    recent.unshift({
      at: obs.startedAt,
      module: module.name,
      target: target.input,
      outcome: report.diagnosis.outcome,
      success: report.verdict.pass,
      cause: report.diagnosis.causes[0]?.id ?? null,
      durationMs: obs.durationMs,
    });
    if (recent.length > RECENT_PROBES) recent.pop();
    const registry = probeRegistry(report);
    const text = await registry.metrics();
    if (params.debug) return send(res, 200, 'text/plain; charset=utf-8', debugText(report, module, text, options, controller.signal));
    return send(res, 200, registry.contentType, text);
  };

  const server: Server = web.tls
    ? createHttpsServer(
        { cert: web.tls.cert, key: web.tls.key, ...(web.tls.ca ? { ca: web.tls.ca } : {}), requestCert: web.tls.requestCert, rejectUnauthorized: web.tls.rejectUnauthorized, minVersion: web.tls.minVersion },
        (req, res) => void handle(req, res),
      )
    : createHttpServer((req, res) => void handle(req, res));
  // a scrape that never finishes sending its request must not hold a socket forever
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 12\r\n\r\nbad request\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${web.tls ? 'https' : 'http'}://${host}:${address.port}`;

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (answering.size > 0) {
        const grace = opts.shutdownGraceMs ?? 30_000;
        log(`stopping: waiting for ${answering.size} probe(s) in flight (at most ${grace / 1000} s)`);
        await new Promise<void>((resolve) => {
          drained = resolve;
          const cut = setTimeout(() => {
            for (const c of running) c.abort('shutdown');
          }, grace);
          cut.unref();
        });
      }
      // answers are written; keep-alive connections of scrapers go now
      server.closeAllConnections();
      await closed;
    })();
    return closing;
  };

  return { url, address, metrics, inFlight: () => running.size, close };
}

interface Params {
  target: string;
  module: string | null;
  debug: boolean;
}

function readParams(url: URL): Params {
  const seen = new Map<string, string>();
  for (const [key, value] of url.searchParams) {
    if (!(KNOWN_PARAMS as readonly string[]).includes(key)) {
      throw new HttpProblem(400, 'bad_request', `unknown parameter ${JSON.stringify(key.slice(0, 40))}: use ${KNOWN_PARAMS.join(', ')}`);
    }
    if (seen.has(key)) throw new HttpProblem(400, 'bad_request', `parameter ${key} given twice`);
    seen.set(key, value);
  }
  const target = seen.get('target');
  if (target === undefined || target.trim() === '') throw new HttpProblem(400, 'bad_request', 'target parameter is missing: /probe?target=HOST:PORT&module=NAME');
  if (target.length > MAX_TARGET_CHARS) throw new HttpProblem(400, 'bad_request', `target parameter longer than ${MAX_TARGET_CHARS} characters`);
  const debug = seen.get('debug');
  if (debug !== undefined && debug !== 'true' && debug !== 'false') throw new HttpProblem(400, 'bad_request', `bad debug ${JSON.stringify(debug.slice(0, 20))}: use true or false`);
  return { target, module: seen.get('module') ?? null, debug: debug === 'true' };
}

/** No module given: the one named `default`, or the only one there is. */
function pickModule(config: ServeConfig, name: string | null): Module {
  const names = [...config.modules.keys()];
  if (name === null) {
    const only = config.modules.size === 1 ? config.modules.values().next().value : undefined;
    const chosen = config.modules.get(DEFAULT_MODULE_NAME) ?? only;
    if (!chosen) throw new HttpProblem(400, 'bad_request', `module parameter is missing: one of ${names.join(', ')}`);
    return chosen;
  }
  const module = config.modules.get(name);
  if (!module) throw new HttpProblem(400, 'bad_request', `unknown module ${JSON.stringify(name.slice(0, 60))}: modules are ${names.join(', ')}`);
  return module;
}

function readTarget(input: string): Target {
  try {
    return parseTarget(input);
  } catch (error) {
    const e = error as ConnresetError & { hint?: string };
    if (typeof e?.code === 'string' && e.code.startsWith('CR_')) throw new HttpProblem(400, 'bad_request', `${e.message}${e.hint ? ` (${e.hint})` : ''}`);
    throw error;
  }
}

/** `cut`: why the probe was stopped before its own end (deadline, shutdown, client gone); a cut probe never succeeds. */
export function reportOf(obs: Observation, diagnosis: Diagnosis, module: Module, cut: string | null = null): ProbeReport {
  const evaluated = module.expectation ? evaluate(module.expectation, obs, diagnosis) : healthyVerdict(diagnosis);
  const verdict = cut === null ? evaluated : { ...evaluated, pass: false, reasons: [...evaluated.reasons, `the probe was cut (${cut}) before it ended`] };
  let failedAtStep: Phase | null = null;
  if (!verdict.pass) {
    const { decisive } = classifyDetailed(obs);
    failedAtStep = decisive?.phase ?? obs.events[obs.events.length - 1]?.phase ?? 'resolve';
  }
  return { obs, diagnosis, verdict, failedAtStep, sender: senderOf(obs) };
}

function healthyVerdict(diagnosis: Diagnosis): Verdict {
  return { pass: diagnosis.healthy, reasons: diagnosis.healthy ? [] : [`${diagnosis.outcome} is not a healthy outcome`], observed: diagnosis.outcome };
}

/** The locate follow-up's verdict says who sent the reset; the sender kinds it may name (a bounded label). */
const SENDERS = new Set(['server', 'middlebox', 'unknown']);

/**
 * Who sent the reset: the verdict of the `locate` follow-up experiment (#11), when the planner ran
 * it (it rides the follow-ups, so serve needs no code of its own to run it). Read structurally, so
 * that this holds whether or not the locate experiment is part of this build: without it, or when
 * it did not run, the series is absent, never guessed.
 */
export function senderOf(obs: Observation): string | null {
  for (const record of obs.experiments ?? []) {
    if (String(record.id) !== 'locate') continue;
    const sender = (record as { locate?: { verdict?: { sender?: unknown } } }).locate?.verdict?.sender;
    if (typeof sender === 'string' && SENDERS.has(sender)) return sender;
  }
  return null;
}

function debugText(r: ProbeReport, module: Module, metricsText: string, options: ReturnType<typeof probeOptions>, signal: AbortSignal): string {
  const lines = [
    stripVTControlCharacters(renderProbeText(r.obs, r.diagnosis)).trimEnd(),
    '',
    `Expectation (module ${module.name}): ${describeModuleExpectation(module)}: ${r.verdict.pass ? 'met' : `not met: ${r.verdict.reasons.join('; ')}`}`,
    ...(signal.aborted ? [`The probe was cut (${String(signal.reason)}): the timeline ends there.`] : []),
    `Limits used: connect ${options.connectTimeoutMs} ms, tls ${options.tlsTimeoutMs} ms, reply ${options.replyTimeoutMs} ms${options.idleMs !== null ? `, idle ${options.idleMs} ms` : ''}`,
    '',
    'Metrics that would have been returned:',
    metricsText.trimEnd(),
    '',
  ];
  return lines.join('\n');
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  if (res.headersSent || res.destroyed) return;
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.setHeader('Cache-Control', 'no-store');
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function oneLine(s: string): string {
  return stripVTControlCharacters(s).replace(/[\r\n]+/g, ' ').slice(0, 500);
}
