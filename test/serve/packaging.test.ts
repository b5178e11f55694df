/**
 * The packaging files, validated where no Docker engine, cluster, Grafana or GitHub runner is at
 * hand: the Dockerfile is parsed (stages, non-root USER, the serve ENTRYPOINT, the files it copies,
 * and the runtime dependencies a production install keeps); the Kubernetes manifests are parsed and
 * cross-checked with the CLI (the args are serve's options, the ConfigMap is a valid serve config,
 * probes hit the health endpoints); the scrape configs pass `promtool check config`; the alert
 * rules pass `promtool check rules` and their unit tests (`promtool test rules`); every query of
 * the Grafana dashboard and of the rules uses only metric names the exporter emits; the GitHub
 * Action's check step runs for real against the lab.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { buildProgram } from '../../src/cli/main.js';
import { parseListen, serveSettings } from '../../src/cli/serve.js';
import { ownMetrics, OWN_METRIC_NAMES } from '../../src/serve/own-metrics.js';
import { PROBE_METRIC_NAMES } from '../../src/serve/probe-metrics.js';
import { startLab, type Lab } from '../../src/lab/server.js';
import { serveConfig } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (rel: string): string => readFileSync(join(ROOT, rel), 'utf8');
const PROMTOOL = '/usr/bin/promtool';
const HAVE_PROMTOOL = existsSync(PROMTOOL);
if (!HAVE_PROMTOOL) console.warn('test/serve/packaging.test.ts: promtool checks skipped: no /usr/bin/promtool (apt-get install prometheus)');

interface Instruction {
  op: string;
  args: string;
  line: number;
}

/** Dockerfile instructions: comments dropped, backslash continuations joined. */
function dockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    const start = i + 1;
    if (/^\s*(#|$)/.test(line)) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)} ${lines[++i]!.trim()}`;
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`Dockerfile:${start}: not an instruction: ${line}`);
    out.push({ op: m[1]!.toUpperCase(), args: m[2]!.trim(), line: start });
  }
  return out;
}

describe('Dockerfile', () => {
  const ins = dockerfile(read('Dockerfile'));
  const stages: { name: string; image: string; body: Instruction[] }[] = [];
  for (const i of ins) {
    if (i.op === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(i.args)!;
      stages.push({ image: m[1]!, name: m[2] ?? String(stages.length), body: [] });
    } else stages[stages.length - 1]?.body.push(i);
  }
  const final = stages[stages.length - 1]!;

  it('is multi-stage: a build stage and a runtime stage from the same Node base', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    for (const s of stages) expect(s.image).toMatch(/^node:\$\{NODE_VERSION\}-/);
    const version = /^NODE_VERSION=(\d+)$/.exec(ins.find((i) => i.op === 'ARG')!.args)![1]!;
    const engines = /(\d+)/.exec((JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node)![1]!;
    expect(Number(version)).toBeGreaterThanOrEqual(Number(engines));
  });

  it('the runtime stage runs as a non-root user, with `connreset serve` as the entrypoint', () => {
    const user = final.body.filter((i) => i.op === 'USER').pop();
    expect(user?.args).toBeDefined();
    expect(user!.args).not.toMatch(/^(root|0)(:|$)/);
    const entry = JSON.parse(final.body.find((i) => i.op === 'ENTRYPOINT')!.args) as string[];
    expect(entry).toEqual(['node', '/app/bin/connreset.js', 'serve']);
    // the default CMD is valid serve options, listening on the port the image exposes
    const cmd = JSON.parse(final.body.find((i) => i.op === 'CMD')!.args) as string[];
    const listen = cmd[cmd.indexOf('--listen') + 1]!;
    expect(String(parseListen(listen).port)).toBe(final.body.find((i) => i.op === 'EXPOSE')!.args);
    expect(() => serveSettings({ listen, config: cmd[cmd.indexOf('--config') + 1] })).not.toThrow();
  });

  it('copies only what exists, from stages that exist; the runtime stage gets no sources or dev tools', () => {
    for (const s of stages) {
      for (const i of s.body.filter((x) => x.op === 'COPY')) {
        const parts = i.args.split(/\s+/);
        const from = parts.find((p) => p.startsWith('--from='))?.slice('--from='.length);
        const sources = parts.filter((p) => !p.startsWith('--')).slice(0, -1);
        if (from) {
          expect(stages.map((x) => x.name), `Dockerfile:${i.line}`).toContain(from);
          for (const src of sources) expect(src, `Dockerfile:${i.line}`).not.toMatch(/^\/src\/(src|test|scripts)\b/);
        } else {
          for (const src of sources) expect(existsSync(join(ROOT, src)), `Dockerfile:${i.line}: ${src}`).toBe(true);
        }
      }
    }
    // .dockerignore keeps local builds and tests out of the context
    expect(read('.dockerignore').split('\n')).toEqual(expect.arrayContaining(['node_modules', 'dist', 'test']));
  });

  it('every package the built code imports is a production dependency (the image prunes dev dependencies)', () => {
    const deps = Object.keys((JSON.parse(read('package.json')) as { dependencies: Record<string, string> }).dependencies);
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.js')) files.push(p);
      }
    };
    walk(join(ROOT, 'dist'));
    expect(files.length).toBeGreaterThan(10);
    const missing = new Set<string>();
    for (const f of files) {
      // static imports and re-exports at the start of a line, and dynamic import('...')
      for (const m of readFileSync(f, 'utf8').matchAll(/^\s*(?:import|export)\b[^'"\n;]*?from\s*['"]([^'"./][^'"]*)['"]|^\s*import\s*['"]([^'"./][^'"]*)['"]|\bimport\(\s*['"]([^'"./][^'"]*)['"]\s*\)/gm)) {
        const spec = (m[1] ?? m[2] ?? m[3])!;
        if (spec.startsWith('node:')) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (!deps.includes(name)) missing.add(`${name} (${relative(ROOT, f)})`);
      }
    }
    expect([...missing]).toEqual([]);
  });
});

describe('Kubernetes example', () => {
  const docs = parseAllDocuments(read('deploy/kubernetes/connreset-exporter.yaml')).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS() as { kind: string; metadata: { name: string }; spec: any; data: any };
  });
  const daemonSet = docs.find((d) => d.kind === 'DaemonSet')!;
  const pod = daemonSet.spec.template.spec;
  const container = pod.containers[0];

  it('has a Namespace, a ConfigMap, a DaemonSet and a Service', () => {
    expect(docs.map((d) => d.kind).sort()).toEqual(['ConfigMap', 'DaemonSet', 'Namespace', 'Service']);
    expect(daemonSet.spec.selector.matchLabels).toEqual(daemonSet.spec.template.metadata.labels);
  });

  it('runs non-root, read-only, without privileges', () => {
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
  });

  it("the container's args are serve's options; its port, probes and config mount match them", () => {
    const serve = buildProgram({ exitCode: 0, stdout: process.stdout, stderr: process.stderr }).commands.find((c) => c.name() === 'serve')!;
    const known = new Set(serve.options.map((o) => o.long));
    const args = container.args as string[];
    for (const a of args.filter((x) => x.startsWith('--'))) expect(known, a).toContain(a);
    const opt = (name: string): string => args[args.indexOf(name) + 1]!;
    const settings = serveSettings({ listen: opt('--listen'), config: opt('--config'), maxConcurrent: opt('--max-concurrent'), shutdownGrace: opt('--shutdown-grace') });
    expect(container.ports[0].containerPort).toBe(settings.port);
    expect(container.readinessProbe.httpGet.path).toBe('/-/ready');
    expect(container.livenessProbe.httpGet.path).toBe('/-/healthy');
    expect(settings.config.startsWith(`${container.volumeMounts[0].mountPath}/`)).toBe(true);
    // the grace fits in the pod's termination grace period, so Kubernetes does not kill it mid-answer
    expect(settings.shutdownGraceMs).toBeLessThan(pod.terminationGracePeriodSeconds * 1000);
  });

  it('the ConfigMap holds a valid serve config, and the modules the scrape config asks for exist', () => {
    const configMap = docs.find((d) => d.kind === 'ConfigMap')!;
    const config = serveConfig(configMap.data['connreset.yml']);
    const scrape = parse(read('deploy/kubernetes/prometheus-scrape.yaml')) as { scrape_configs: { job_name: string; params?: { module?: string[] } }[] };
    for (const job of scrape.scrape_configs) {
      for (const m of job.params?.module ?? []) expect([...config.modules.keys()], job.job_name).toContain(m);
    }
  });

  it('the scrape configs: target to __param_target, instance from the target, __address__ to the exporter; vantage from the node', () => {
    const scrape = parse(read('deploy/kubernetes/prometheus-scrape.yaml')) as { scrape_configs: { job_name: string; relabel_configs: Record<string, unknown>[] }[] };
    const multi = scrape.scrape_configs.find((j) => j.job_name === 'connreset')!;
    expect(multi.relabel_configs).toEqual([
      { source_labels: ['__address__'], target_label: '__param_target' },
      { source_labels: ['__param_target'], target_label: 'instance' },
      { target_label: '__address__', replacement: 'connreset-exporter.monitoring.svc:9890' },
    ]);
    const perNode = scrape.scrape_configs.find((j) => j.job_name === 'connreset-per-node-postgres')!;
    expect(perNode.relabel_configs).toContainEqual({ source_labels: ['__meta_kubernetes_pod_node_name'], target_label: 'vantage' });
  });

  it.skipIf(!HAVE_PROMTOOL)('promtool check config accepts the scrape configs and the rule file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'connreset-promtool-'));
    const scrape = parse(read('deploy/kubernetes/prometheus-scrape.yaml')) as { scrape_configs: Record<string, unknown>[] };
    const check = (): ReturnType<typeof spawnSync> => {
      writeFileSync(join(dir, 'prometheus.yml'), stringify({ ...scrape, rule_files: [join(ROOT, 'deploy/prometheus/alerts.yml')] }));
      return spawnSync(PROMTOOL, ['check', 'config', join(dir, 'prometheus.yml')], { encoding: 'utf8' });
    };
    let r = check();
    // Debian builds Prometheus without Kubernetes service discovery, so its promtool rejects the
    // kubernetes_sd_configs key itself: then that block is swapped for a file_sd_configs one (what
    // it discovers cannot be checked without a cluster) and everything else is checked as shipped
    if (r.status !== 0 && /field kubernetes_sd_configs not found/.test(String(r.stdout) + String(r.stderr))) {
      console.warn('packaging.test.ts: this promtool has no Kubernetes service discovery (Debian build): checking the scrape configs with file_sd_configs in its place');
      for (const job of scrape.scrape_configs) {
        if (!job.kubernetes_sd_configs) continue;
        delete job.kubernetes_sd_configs;
        job.file_sd_configs = [{ files: [join(dir, 'pods.json')] }];
      }
      r = check();
    }
    expect(r.status, String(r.stdout) + String(r.stderr)).toBe(0);
  });
});

describe.skipIf(!HAVE_PROMTOOL)('alert rules', () => {
  it('promtool check rules', () => {
    const r = spawnSync(PROMTOOL, ['check', 'rules', join(ROOT, 'deploy/prometheus/alerts.yml')], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SUCCESS: \d+ rules found/);
  });
  it('promtool test rules: the failing target alerts with its cause, the healthy vantage does not', () => {
    const r = spawnSync(PROMTOOL, ['test', 'rules', join(ROOT, 'deploy/prometheus/alerts.test.yml')], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});

/** Metric names a PromQL expression reads: strings, label matchers, ranges, grouping clauses and functions removed. */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names: string[] = [];
  for (const m of stripped.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    const [, name, call] = m;
    if (call) continue; // a function or aggregation
    if (/^(and|or|unless|bool|offset|by|without|on|ignoring|group_left|group_right|inf|nan)$/i.test(name!)) continue;
    if (/^\d/.test(name!)) continue;
    names.push(name!);
  }
  return names;
}

describe('the dashboard and the rules query only metrics the exporter emits', () => {
  const emitted = new Set<string>([...PROBE_METRIC_NAMES, ...OWN_METRIC_NAMES, 'up']);
  beforeAll(async () => {
    // the process metrics come from prom-client's collectors: take their names from a real registry
    for (const m of await ownMetrics(1).registry.getMetricsAsJSON()) {
      emitted.add(m.name);
      if (String(m.type) === 'histogram') for (const s of ['_bucket', '_sum', '_count']) emitted.add(`${m.name}${s}`);
    }
  });

  it('metricNames() reads PromQL as intended', () => {
    expect(metricNames('sum by (le, module) (rate(a_bucket{job=~"x|y"}[5m])) and on (job) b == 0 or vector(0)')).toEqual(['a_bucket', 'b']);
  });

  it('every Grafana panel query', () => {
    const dashboard = JSON.parse(read('deploy/grafana/connreset-dashboard.json')) as { panels: { id: number; title: string; targets: { expr: string }[] }[]; templating: { list: { query: unknown }[] } };
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    const unknown: string[] = [];
    for (const p of dashboard.panels) for (const t of p.targets) for (const n of metricNames(t.expr)) if (!emitted.has(n)) unknown.push(`${p.title}: ${n}`);
    for (const v of dashboard.templating.list) {
      const q = typeof v.query === 'object' && v.query !== null ? (v.query as { query: string }).query : null;
      const m = q ? /label_values\((\w+)/.exec(q) : null;
      if (m && !emitted.has(m[1]!)) unknown.push(`variable: ${m[1]}`);
    }
    expect(unknown).toEqual([]);
  });

  it('every alert rule expression', () => {
    const rules = parse(read('deploy/prometheus/alerts.yml')) as { groups: { rules: { alert: string; expr: string }[] }[] };
    const unknown = rules.groups.flatMap((g) => g.rules.flatMap((r) => metricNames(r.expr).filter((n) => !emitted.has(n)).map((n) => `${r.alert}: ${n}`)));
    expect(unknown).toEqual([]);
  });
});

describe('GitHub Action (action.yml)', () => {
  const action = parse(read('action.yml')) as {
    inputs: Record<string, { default?: string }>;
    runs: { using: string; steps: { name: string; run?: string; shell?: string; uses?: string; env?: Record<string, string>; id?: string }[] };
  };
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ basePort: 0, only: ['ok', 'reset-on-request'] });
  });
  afterAll(async () => {
    await lab?.close();
  });

  it('is a composite action whose scripts take inputs through env only, and installs from the repository', () => {
    expect(action.runs.using).toBe('composite');
    for (const step of action.runs.steps.filter((s) => s.run)) {
      expect(step.shell, step.name).toBe('bash');
      expect(step.run, step.name).not.toMatch(/\$\{\{\s*inputs\./);
      expect(step.run, step.name).not.toMatch(/npx\b/);
    }
    expect(action.runs.steps.some((s) => s.run?.includes('npm ci'))).toBe(true);
    for (const [, expr] of action.runs.steps.flatMap((s) => Object.entries(s.env ?? {}))) {
      const m = /\$\{\{\s*inputs\.([\w-]+)\s*\}\}/.exec(expr);
      if (m) expect(Object.keys(action.inputs)).toContain(m[1]);
    }
  });

  it('its check step, run as the runner runs it: annotations for the failure, a JUnit report, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'connreset-action-'));
    const ok = lab.scenarios.find((s) => s.name === 'ok')!.target;
    const bad = lab.scenarios.find((s) => s.name === 'reset-on-request')!.target;
    writeFileSync(join(dir, 'connreset.yml'), `targets:\n  - ${ok}\n  - target: ${bad}\n    name: api\n`);
    const step = action.runs.steps.find((s) => s.id === 'check')!;
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(step.env ?? {})) {
      const input = /\$\{\{\s*inputs\.([\w-]+)\s*\}\}/.exec(v)![1]!;
      env[k] = action.inputs[input]!.default ?? '';
    }
    // asynchronously: the lab answering the probes runs in this very process
    const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn('bash', ['-e', '-c', step.run!], {
        cwd: dir,
        env: { ...process.env, ...env, CONNRESET_ARGS: '--concurrency 2', GITHUB_ACTIONS: 'true', GITHUB_ACTION_PATH: ROOT, GITHUB_OUTPUT: join(dir, 'out'), GITHUB_WORKSPACE: dir, NO_COLOR: '1' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('error', reject);
      child.on('close', (status) => {
        clearTimeout(timer);
        resolve({ status, stdout, stderr });
      });
    });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^::error file=connreset\.yml,line=3[^:]*::/m);
    expect(readFileSync(join(dir, 'out'), 'utf8')).toBe(`junit=${env.CONNRESET_JUNIT}\n`);
    const junit = readFileSync(join(dir, env.CONNRESET_JUNIT!), 'utf8');
    expect(junit).toMatch(/<testsuites?[^>]*failures="1"/);
  });
});
