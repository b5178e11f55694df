/**
 * The exporter's endpoints over real HTTP, probing the lab on loopback: what Prometheus gets back
 * for a healthy target and for one that resets, the debug timeline, the exporter's own metrics,
 * health and readiness, the index page, and the scrape-timeout header.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { startLab, type Lab } from '../../src/lab/server.js';
import type { Exporter } from '../../src/serve/server.js';
import { parseExposition } from '../check/prom-text.js';
import { get, probeUrl, readMetrics, startTestExporter } from './helpers.js';

let lab: Lab;
let exporter: Exporter;
const port = (name: string): number => lab.scenarios.find((s) => s.name === name)!.port;

const CONFIG = `
version: 1
defaults:
  connect_timeout: 2s
modules:
  tcp:
    allow: { cidrs: [127.0.0.0/8] }
  http:
    send: http
    reply_timeout: 1s
    allow: { hosts: [localhost], cidrs: [127.0.0.1/32] }
  http_nofollowup:
    send: http
    followup: false
    allow: { cidrs: [127.0.0.1/32] }
  refused_expected:
    expect: refused
    allow: { cidrs: [127.0.0.1] }
targets: [127.0.0.1:1]
`;

beforeAll(async () => {
  lab = await startLab({ basePort: 0, only: ['ok', 'reset-on-request', 'refused', 'tls-ok', 'never-reply', 'close-on-accept'] });
  exporter = await startTestExporter(CONFIG);
});
afterAll(async () => {
  await exporter?.close();
  await lab?.close();
});

/** promtool's own parser and linter, where installed: the exposition must be what Prometheus reads. */
function promtoolAccepts(text: string): void {
  if (!existsSync('/usr/bin/promtool')) return;
  // `check metrics` exits 1 on lint problems and 3 on a parse error; the lint of a per-probe
  // registry (gauges without units in the name, as blackbox's) is not the point: a parse error is
  try {
    execFileSync('/usr/bin/promtool', ['check', 'metrics'], { input: text, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (error) {
    const out = String((error as { stdout?: Buffer }).stdout ?? '') + String((error as { stderr?: Buffer }).stderr ?? '');
    expect(out).not.toMatch(/error while linting|parse/i);
  }
}

describe('GET /probe', () => {
  it('a healthy target: probe_success 1, outcome ok, phase durations, no failed step', async () => {
    const r = await get(probeUrl(exporter, { target: `http://127.0.0.1:${port('ok')}/`, module: 'http' }));
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const m = parseExposition(r.body);
    expect(m.get('probe_success')?.samples[0]?.value).toBe(1);
    expect(m.get('probe_connreset_outcome')?.samples).toEqual([{ name: 'probe_connreset_outcome', labels: { outcome: 'ok' }, value: 1 }]);
    expect(m.has('probe_connreset_failed_at_step')).toBe(false);
    const phases = m.get('probe_connreset_phase_duration_seconds')!.samples.map((s) => s.labels.phase);
    expect(phases).toEqual(expect.arrayContaining(['resolve', 'connect', 'send', 'reply']));
    const duration = m.get('probe_duration_seconds')!.samples[0]!.value;
    const sum = m.get('probe_connreset_phase_duration_seconds')!.samples.reduce((a, s) => a + s.value, 0);
    expect(sum).toBeCloseTo(duration, 3);
    promtoolAccepts(r.body);
  });

  it('a target that resets after the request: probe_success 0, the cause with its confidence, failed at the reply', async () => {
    const r = await get(probeUrl(exporter, { target: `http://127.0.0.1:${port('reset-on-request')}/`, module: 'http' }));
    expect(r.status).toBe(200);
    const m = parseExposition(r.body);
    expect(m.get('probe_success')?.samples[0]?.value).toBe(0);
    expect(m.get('probe_connreset_outcome')?.samples[0]?.labels.outcome).toBe('reset_after_send');
    const cause = m.get('probe_connreset_cause')!.samples;
    expect(cause).toHaveLength(1);
    expect(cause[0]!.labels.cause).toBe('app_error_close');
    expect(cause[0]!.value).toBeGreaterThan(0);
    expect(cause[0]!.value).toBeLessThanOrEqual(1);
    expect(m.get('probe_connreset_failed_at_step')?.samples[0]?.labels.step).toMatch(/^(send|reply)$/);
    promtoolAccepts(r.body);
  });

  it("the module's expectation decides probe_success: a refusal expected is a success", async () => {
    const r = await get(probeUrl(exporter, { target: `127.0.0.1:${port('refused')}`, module: 'refused_expected' }));
    const m = parseExposition(r.body);
    expect(m.get('probe_connreset_outcome')?.samples[0]?.labels.outcome).toBe('refused');
    expect(m.get('probe_success')?.samples[0]?.value).toBe(1);
  });

  it('a TLS target: the certificate expiry as a Unix time, and whether the chain verified', async () => {
    const r = await get(probeUrl(exporter, { target: `tls://127.0.0.1:${port('tls-ok')}`, module: 'tcp' }));
    const m = parseExposition(r.body);
    const expiry = m.get('probe_ssl_earliest_cert_expiry')!.samples[0]!.value;
    expect(expiry).toBeGreaterThan(Date.now() / 1000);
    expect(m.get('probe_connreset_tls_verified')?.samples[0]?.value).toBe(0); // the lab's certificate is self-signed
    // certificates are verified by default: a self-signed one is a failure, never a success
    expect(m.get('probe_connreset_outcome')?.samples[0]?.labels.outcome).toBe('tls_untrusted');
    expect(m.get('probe_success')?.samples[0]?.value).toBe(0);
  });

  it('a failure runs its follow-up experiments, which decide the cause; followup: false turns them off', async () => {
    const target = `http://127.0.0.1:${port('close-on-accept')}/`;
    const followed = await get(probeUrl(exporter, { target, module: 'http', debug: 'true' }));
    expect(followed.body).toMatch(/follow-up experiments/);
    // which cause the experiments settle on depends on what they saw (timing under load among it):
    // the metric must carry the cause the diagnosis ranked first, after them
    expect(followed.body).toMatch(/^probe_connreset_cause\{cause="[a-z_]+"\} 0\.\d+$/m);
    const plain = await get(probeUrl(exporter, { target, module: 'http_nofollowup', debug: 'true' }));
    expect(plain.body).not.toMatch(/follow-up experiments/);
    expect(plain.body).toMatch(/^probe_connreset_outcome\{outcome="closed_on_connect"\} 1$/m);
  });

  it('debug=true: the timeline, the diagnosis, the expectation and the metrics as text', async () => {
    const r = await get(probeUrl(exporter, { target: `http://127.0.0.1:${port('reset-on-request')}/`, module: 'http', debug: 'true' }));
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain/);
    expect(r.body).toMatch(/connect\s+connecting to 127\.0\.0\.1/);
    expect(r.body).toMatch(/outcome\s+reset_after_send/);
    expect(r.body).toMatch(/likely causes/);
    expect(r.body).toMatch(/Expectation \(module http\): a healthy outcome: not met/);
    expect(r.body).toMatch(/Metrics that would have been returned:\n# HELP probe_success/);
    // no terminal colours in an HTTP answer
    expect(r.body).not.toMatch(/\x1b\[/);
  });

  it('X-Prometheus-Scrape-Timeout-Seconds: the probe fits inside the scrape, and says where it timed out', async () => {
    // a module whose limits add up to far more than the scrape allows (never-reply would take 3 s)
    const r = await get(probeUrl(exporter, { target: `http://127.0.0.1:${port('never-reply')}/`, module: 'http', debug: 'true' }), {
      'X-Prometheus-Scrape-Timeout-Seconds': '2',
    });
    expect(r.status).toBe(200);
    const limits = /Limits used: connect (\d+) ms, tls (\d+) ms, reply (\d+) ms/.exec(r.body);
    expect(limits).not.toBeNull();
    expect(Number(limits![3])).toBeLessThan(1000); // the module says 1 s
    expect(r.body).toMatch(/outcome\s+no_reply/);
    const duration = Number(/^probe_duration_seconds (\S+)$/m.exec(r.body)![1]);
    expect(duration).toBeLessThan(2); // within the scrape timeout Prometheus sent
  });
});

describe('the other endpoints', () => {
  it('/metrics: build info, probes by outcome, in flight, durations, event-loop lag, rejections', async () => {
    await get(probeUrl(exporter, { target: `127.0.0.1:${port('ok')}`, module: 'tcp' }));
    await get(probeUrl(exporter, { target: '10.1.2.3:80', module: 'tcp' }));
    const r = await get(`${exporter.url}/metrics`);
    expect(r.status).toBe(200);
    const { samples, types } = readMetrics(r.body);
    const find = (name: string, labels: Record<string, string> = {}) =>
      samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    expect(find('connreset_build_info', { node_version: process.version })?.value).toBe(1);
    expect(find('connreset_serve_probes_total', { module: 'tcp', outcome: 'ok', success: '1' })?.value).toBeGreaterThanOrEqual(1);
    expect(find('connreset_serve_probes_in_flight')?.value).toBe(0);
    expect(types.get('connreset_serve_probe_duration_seconds')).toBe('histogram');
    expect(find('connreset_serve_requests_rejected_total', { reason: 'forbidden' })?.value).toBeGreaterThanOrEqual(1);
    expect(find('nodejs_eventloop_lag_seconds')).toBeDefined();
    expect(find('process_open_fds')).toBeDefined();
    promtoolAccepts(r.body);
  });

  it('/-/healthy and /-/ready answer 200', async () => {
    expect((await get(`${exporter.url}/-/healthy`)).status).toBe(200);
    expect((await get(`${exporter.url}/-/ready`)).status).toBe(200);
  });

  it('the index lists the modules, what they allow, and recent probes, escaped', async () => {
    await get(probeUrl(exporter, { target: `http://127.0.0.1:${port('ok')}/<script>`, module: 'http' }));
    const r = await get(`${exporter.url}/`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    expect(r.body).toContain('<td>refused_expected</td>');
    expect(r.body).toContain('127.0.0.0/8');
    expect(r.body).toContain('/&#60;script&#62;');
    expect(r.body).not.toContain('<script>');
  });

  it('an unknown path is 404, a POST 405', async () => {
    expect((await get(`${exporter.url}/nope`)).status).toBe(404);
    const post = await new Promise<number>((resolve, reject) => {
      import('node:http').then(({ request }) => {
        const req = request(`${exporter.url}/probe`, { method: 'POST', agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      }, reject);
    });
    expect(post).toBe(405);
  });
});
