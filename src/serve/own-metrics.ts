/**
 * The exporter's own metrics, on /metrics (prom-client): the process (CPU, memory, open fds,
 * event-loop lag, GC, from collectDefaultMetrics), build info, probes by module and outcome,
 * probes in flight, probe durations, and requests turned away by reason. Module and outcome
 * labels come from the config and the outcome vocabulary, so the series stay bounded.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { VERSION } from '../version.js';

export type RejectReason = 'bad_request' | 'forbidden' | 'busy' | 'unauthorized' | 'not_found' | 'shutting_down';

export interface OwnMetrics {
  registry: Registry;
  probes: Counter<'module' | 'outcome' | 'success'>;
  inFlight: Gauge;
  durations: Histogram<'module'>;
  rejected: Counter<'reason'>;
}

export const OWN_METRIC_NAMES = [
  'connreset_build_info',
  'connreset_serve_probes_total',
  'connreset_serve_probes_in_flight',
  'connreset_serve_probe_duration_seconds',
  'connreset_serve_requests_rejected_total',
  'connreset_serve_max_concurrent_probes',
] as const;

export function ownMetrics(maxConcurrent: number): OwnMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  new Gauge({ name: 'connreset_build_info', help: 'connreset version and the Node.js running it (always 1).', labelNames: ['version', 'node_version'], registers: [registry] }).set(
    { version: VERSION, node_version: process.version },
    1,
  );
  new Gauge({ name: 'connreset_serve_max_concurrent_probes', help: 'The concurrency cap (--max-concurrent): probes beyond it get 503.', registers: [registry] }).set(maxConcurrent);
  return {
    registry,
    probes: new Counter({ name: 'connreset_serve_probes_total', help: 'Probes run, by module, outcome and whether the expectation held.', labelNames: ['module', 'outcome', 'success'], registers: [registry] }),
    inFlight: new Gauge({ name: 'connreset_serve_probes_in_flight', help: 'Probes running now.', registers: [registry] }),
    durations: new Histogram({
      name: 'connreset_serve_probe_duration_seconds',
      help: 'Duration of probes, by module.',
      labelNames: ['module'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    rejected: new Counter({ name: 'connreset_serve_requests_rejected_total', help: 'Requests turned away, by reason.', labelNames: ['reason'], registers: [registry] }),
  };
}
