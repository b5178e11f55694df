/**
 * The exporter as Prometheus uses it: a real Prometheus (Debian's /usr/bin/prometheus, its own
 * config and storage in a temporary directory, loopback, free ports) scrapes a real
 * `connreset serve` process with the multi-target relabelling of
 * deploy/kubernetes/prometheus-scrape.yaml (read from that file, only the exporter's address
 * changed), and the test reads back through Prometheus' HTTP API probe_success and the cause for
 * a lab target that resets and one that is healthy. The same server then evaluates every query
 * of the Grafana dashboard and the alert rules, which must all be valid against real data.
 * Skipped, with the reason printed, where prometheus is not installed (.ci/run installs it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { startLab, type Lab } from '../../src/lab/server.js';
import { freePort } from '../real/servers.js';
import { get, spawnServe, type ServeProcess } from './helpers.js';

const PROMETHEUS = '/usr/bin/prometheus';
const HAVE = existsSync(PROMETHEUS);
if (!HAVE) console.warn('test/serve/prometheus.test.ts skipped: no /usr/bin/prometheus (apt-get install prometheus; .ci/run installs it as root)');

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Job {
  job_name: string;
  relabel_configs?: { target_label?: string; replacement?: string; source_labels?: string[] }[];
}

/** The multi-target job as the repository ships it, with the exporter's address replaced by ours. */
export function shippedMultiTargetJob(exporterAddress: string): Job {
  const file = parse(readFileSync(join(ROOT, 'deploy/kubernetes/prometheus-scrape.yaml'), 'utf8')) as { scrape_configs: Job[] };
  const job = structuredClone(file.scrape_configs.find((j) => j.job_name === 'connreset'));
  if (!job) throw new Error('deploy/kubernetes/prometheus-scrape.yaml has no job "connreset"');
  const address = job.relabel_configs?.find((r) => r.target_label === '__address__' && r.source_labels === undefined);
  if (!address) throw new Error('the connreset job does not point __address__ at the exporter');
  address.replacement = exporterAddress;
  return job;
}

interface QueryResult {
  metric: Record<string, string>;
  value: [number, string];
}

describe.skipIf(!HAVE)('a real Prometheus scrapes connreset serve', () => {
  let lab: Lab;
  let serve: ServeProcess;
  let prometheus: ChildProcess | null = null;
  let prometheusExit: Promise<unknown> = Promise.resolve();
  let promUrl = '';
  let promLog = '';
  const dir = mkdtempSync(join(tmpdir(), 'connreset-prometheus-'));
  let healthy = '';
  let resetting = '';

  async function query(expr: string): Promise<{ status: string; error?: string; data?: { result: QueryResult[] } }> {
    const r = await get(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    return JSON.parse(r.body) as { status: string; data?: { result: QueryResult[] } };
  }

  /** Polls Prometheus (bounded: 240 tries, about a minute) until `done` holds for the query's result. */
  async function until(expr: string, done: (r: QueryResult[]) => boolean): Promise<QueryResult[]> {
    let last: QueryResult[] = [];
    for (let i = 0; i < 240; i++) {
      const r = await query(expr);
      last = r.data?.result ?? [];
      if (r.status === 'success' && done(last)) return last;
      await new Promise((res) => setTimeout(res, 250));
    }
    throw new Error(`Prometheus never answered ${expr} as expected; last: ${JSON.stringify(last)}\n${promLog.slice(-2000)}`);
  }

  beforeAll(async () => {
    lab = await startLab({ basePort: 0, only: ['ok', 'reset-on-request'] });
    healthy = lab.scenarios.find((s) => s.name === 'ok')!.target;
    resetting = lab.scenarios.find((s) => s.name === 'reset-on-request')!.target;
    writeFileSync(join(dir, 'connreset.yml'), 'modules:\n  http:\n    send: http\n    reply_timeout: 500ms\n    allow: { cidrs: [127.0.0.1/32] }\n');
    serve = await spawnServe(['--config', join(dir, 'connreset.yml')]);
    const exporterAddress = new URL(serve.url).host;

    const job = shippedMultiTargetJob(exporterAddress);
    const config = {
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: [join(ROOT, 'deploy/prometheus/alerts.yml')],
      scrape_configs: [
        {
          ...job,
          params: { module: ['http'] },
          scrape_interval: '2s',
          scrape_timeout: '2s',
          static_configs: [{ targets: [healthy, resetting], labels: { vantage: 'ci' } }],
        },
        { job_name: 'connreset-exporter', scrape_interval: '1s', static_configs: [{ targets: [exporterAddress], labels: { vantage: 'ci' } }] },
      ],
    };
    writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--query.lookback-delta=30s',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stdout!.setEncoding('utf8').on('data', (d: string) => (promLog += d));
    prometheus.stderr!.setEncoding('utf8').on('data', (d: string) => (promLog += d));
    prometheusExit = new Promise((r) => prometheus!.once('exit', r));
    // ready: poll its readiness endpoint, bounded (about a minute)
    for (let i = 0; ; i++) {
      const ready = await get(`${promUrl}/-/ready`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ready) break;
      if (i >= 240 || prometheus.exitCode !== null) throw new Error(`prometheus did not become ready:\n${promLog.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 90_000);

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      prometheus.kill('SIGTERM');
      await prometheusExit;
    }
    if (serve && serve.child.exitCode === null) {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
    await lab?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('finds probe_success 1 for the healthy target and 0 for the one that resets, labelled by target and vantage', async () => {
    const r = await until('probe_success{job="connreset"}', (x) => x.length === 2);
    const by = new Map(r.map((s) => [s.metric.instance, s]));
    expect(by.get(healthy)?.value[1]).toBe('1');
    expect(by.get(resetting)?.value[1]).toBe('0');
    for (const s of r) expect(s.metric.vantage).toBe('ci');
  }, 90_000);

  it('finds the cause of the reset, with its confidence, and where it failed', async () => {
    const cause = await until(`probe_connreset_cause{instance="${resetting}"}`, (x) => x.length === 1);
    expect(cause[0]!.metric.cause).toBe('app_error_close');
    expect(Number(cause[0]!.value[1])).toBeGreaterThan(0);
    const outcome = await until(`probe_connreset_outcome{instance="${resetting}"}`, (x) => x.length === 1);
    expect(outcome[0]!.metric.outcome).toBe('reset_after_send');
    const ok = await until(`probe_connreset_outcome{instance="${healthy}"}`, (x) => x.length === 1);
    expect(ok[0]!.metric.outcome).toBe('ok');
    const failing = await until('probe_connreset_cause and on (job, instance, vantage) (probe_success == 0)', (x) => x.length === 1);
    expect(failing[0]!.metric.instance).toBe(resetting);
  }, 90_000);

  it('every query of the Grafana dashboard is valid PromQL, and the main panels have data', async () => {
    await until('connreset_serve_probes_total', (x) => x.length > 0);
    const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/connreset-dashboard.json'), 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
    for (const panel of dashboard.panels) {
      for (const t of panel.targets) {
        const expr = t.expr.replaceAll('$job', '.*').replaceAll('$vantage', '.*').replaceAll('$instance', '.*');
        const r = await query(expr);
        expect(r.status, `${panel.title}: ${expr}: ${r.error ?? ''}`).toBe('success');
      }
    }
    for (const title of ['Failing targets', 'Why it fails: top cause of each failing target', 'Outcomes', 'Time per phase', 'Exporter: probes in flight and cap']) {
      const panel = dashboard.panels.find((p) => p.title === title)!;
      const r = await query(panel.targets[0]!.expr.replaceAll('$job', '.*').replaceAll('$vantage', '.*').replaceAll('$instance', '.*'));
      expect(r.data?.result.length, title).toBeGreaterThan(0);
    }
  }, 90_000);

  it('the alert rules load and evaluate without error; the failing target is pending or firing with its cause', async () => {
    let rules: { health: string; name: string; lastError?: string }[] = [];
    for (let i = 0; i < 240; i++) {
      const r = JSON.parse((await get(`${promUrl}/api/v1/rules`)).body) as { data: { groups: { rules: { health: string; name: string; lastError?: string }[] }[] } };
      rules = r.data.groups.flatMap((g) => g.rules);
      if (rules.length > 0 && rules.every((x) => x.health !== 'unknown')) break;
      await new Promise((res) => setTimeout(res, 250));
    }
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) expect(rule.health, `${rule.name}: ${rule.lastError ?? ''}`).toBe('ok');
    const alerts = await until('ALERTS{alertname="ConnresetProbeFailing"}', (x) => x.length === 1);
    expect(alerts[0]!.metric).toMatchObject({ instance: resetting, cause: 'app_error_close', vantage: 'ci' });
  }, 90_000);
});
