/**
 * The probe must end before Prometheus gives up on the scrape. Prometheus sends its scrape timeout
 * in X-Prometheus-Scrape-Timeout-Seconds; as blackbox_exporter does, the exporter keeps an offset
 * (default 0.5 s) for the answer to travel back, and fits the probe into what remains by scaling
 * its phase limits down, so the probe ends on its own timers and records where it timed out
 * (never an invented outcome). An idle hold is the module's point and is not shortened: a hold
 * that does not fit is an error that says so.
 */
import { probeBudgetMs, SLACK_MS } from '../probe/defaults.js';
import type { ProbeOptions } from '../probe/types.js';

export const DEFAULT_TIMEOUT_OFFSET_MS = 500;
/** No phase limit goes below this: a 1 ms connect timeout fails on loopback. */
const MIN_LIMIT_MS = 10;

export type Fit = { ok: true; options: ProbeOptions } | { ok: false; why: string };

/** Scrape timeout header value (seconds, may be fractional) -> ms, or an error sentence. */
export function parseScrapeTimeout(header: string | string[] | undefined): number | null | { error: string } {
  if (header === undefined) return null;
  const text = Array.isArray(header) ? header[0] ?? '' : header;
  const s = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(s) || s <= 0 || s > 86_400) {
    return { error: `bad X-Prometheus-Scrape-Timeout-Seconds ${JSON.stringify(text.slice(0, 40))}: expected seconds, e.g. 10` };
  }
  return s * 1000;
}

export function fitOptions(options: ProbeOptions, budgetMs: number): Fit {
  if (probeBudgetMs(options) <= budgetMs) return { ok: true, options };
  const idle = options.idleMs ?? 0;
  if (idle > 0 && idle + SLACK_MS + 4 * MIN_LIMIT_MS >= budgetMs) {
    return { ok: false, why: `the module holds the connection idle ${idle / 1000} s, longer than the ${(budgetMs / 1000).toFixed(1)} s this scrape allows: raise scrape_timeout or use a module without idle` };
  }
  if (budgetMs <= SLACK_MS + 4 * MIN_LIMIT_MS) {
    return { ok: false, why: `the scrape timeout leaves ${Math.max(0, budgetMs / 1000).toFixed(2)} s after the offset, too little for a probe: raise scrape_timeout` };
  }
  const scaled = (f: number): ProbeOptions => {
    const scale = (ms: number): number => Math.max(MIN_LIMIT_MS, Math.floor(ms * f));
    return {
      ...options,
      connectTimeoutMs: scale(options.connectTimeoutMs),
      tlsTimeoutMs: scale(options.tlsTimeoutMs),
      replyTimeoutMs: scale(options.replyTimeoutMs),
      bannerTimeoutMs: options.bannerTimeoutMs === null ? null : scale(options.bannerTimeoutMs),
    };
  };
  // the budget grows with the factor (but not linearly: the default banner wait has a floor), so
  // the largest factor that fits is found by bisection
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 30; i++) {
    const mid = (lo + hi) / 2;
    if (probeBudgetMs(scaled(mid)) <= budgetMs) lo = mid;
    else hi = mid;
  }
  const fitted = scaled(lo);
  if (probeBudgetMs(fitted) > budgetMs) {
    return { ok: false, why: `the scrape timeout leaves ${(budgetMs / 1000).toFixed(2)} s after the offset, too little for this module's probe: raise scrape_timeout` };
  }
  return { ok: true, options: fitted };
}
