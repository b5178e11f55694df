#!/usr/bin/env node
/**
 * Benchmark of `connreset serve` as Prometheus drives it: probes per second through /probe at a
 * fixed concurrency, against blackbox_exporter's /probe at the same concurrency on the same target
 * (when prometheus-blackbox-exporter is installed), and the exporter's RSS as the probes add up
 * (it should stay flat: no per-probe state is kept beyond the 50 recent probes of the index page).
 *
 * Both exporters run as their own processes on loopback with their own config, and probe one local
 * HTTP server (Connection: close, 200) with an HTTP GET: blackbox's http prober against connreset's
 * `send: http` module. The client keeps its connections to the exporter alive, as Prometheus does.
 * Each round is ROUND probes; the figures are medians over the rounds. The RSS run then makes
 * --probes probes through connreset (default 100,000) and samples VmRSS every tenth of them.
 *
 *   npm run build && node bench/serve.mjs [--concurrency 16] [--round 2000] [--rounds 5] [--probes 100000]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/connreset.js', import.meta.url));
const BLACKBOX = '/usr/bin/prometheus-blackbox-exporter';

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const CONCURRENCY = arg('--concurrency', 16);
const ROUND = arg('--round', 2000);
const ROUNDS = arg('--rounds', 5);
const TOTAL = arg('--probes', 100_000);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** GET with a keep-alive agent; resolves with the status and body */
function get(agent, url) {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.setTimeout(30_000, () => req.destroy(new Error('no answer in 30 s')));
    req.on('error', reject);
    req.end();
  });
}

/** n probes through url, `CONCURRENCY` at a time; every answer must say probe_success 1 */
async function drive(url, n, onProgress) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let next = 0;
  let failures = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) {
        const i = next++;
        const r = await get(agent, url);
        if (r.status !== 200 || !/^probe_success 1$/m.test(r.body)) failures++;
        if (onProgress) await onProgress(i);
      }
    }),
  );
  agent.destroy();
  return { seconds: (performance.now() - t0) / 1000, failures };
}

function startProcess(cmd, args, readyUrl) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (log += d));
  const exited = new Promise((r) => child.once('exit', r));
  return {
    child,
    exited,
    log: () => log,
    async ready() {
      const agent = new Agent();
      for (let i = 0; i < 200; i++) {
        const ok = await get(agent, readyUrl).then((r) => r.status === 200, () => false);
        if (ok) return;
        if (child.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`${cmd} did not become ready: ${log}`);
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

const rssKiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

const dir = mkdtempSync(join(tmpdir(), 'connreset-bench-serve-'));
const target = createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain', Connection: 'close' });
  res.end('ok\n');
});
await new Promise((r) => target.listen(0, '127.0.0.1', r));
const targetUrl = `http://127.0.0.1:${target.address().port}/`;
const procs = [];
try {
  writeFileSync(join(dir, 'connreset.yml'), 'modules:\n  http:\n    send: http\n    allow: { cidrs: [127.0.0.1/32] }\n');
  const cPort = await freePort();
  const connreset = startProcess(process.execPath, [BIN, 'serve', '--listen', `127.0.0.1:${cPort}`, '--config', join(dir, 'connreset.yml'), '--max-concurrent', String(CONCURRENCY * 2)], `http://127.0.0.1:${cPort}/-/healthy`);
  procs.push(connreset);
  await connreset.ready();
  const cUrl = `http://127.0.0.1:${cPort}/probe?module=http&target=${encodeURIComponent(targetUrl)}`;

  let bUrl = null;
  if (existsSync(BLACKBOX)) {
    writeFileSync(join(dir, 'blackbox.yml'), 'modules:\n  http_2xx:\n    prober: http\n    timeout: 5s\n    http:\n      preferred_ip_protocol: ip4\n');
    const bPort = await freePort();
    const blackbox = startProcess(BLACKBOX, [`--config.file=${join(dir, 'blackbox.yml')}`, `--web.listen-address=127.0.0.1:${bPort}`], `http://127.0.0.1:${bPort}/-/healthy`);
    procs.push(blackbox);
    await blackbox.ready();
    bUrl = `http://127.0.0.1:${bPort}/probe?module=http_2xx&target=${encodeURIComponent(targetUrl)}`;
  } else {
    console.log(`(${BLACKBOX} not installed: no blackbox_exporter comparison)`);
  }

  console.log(`connreset serve vs blackbox_exporter: HTTP GET of a loopback server, concurrency ${CONCURRENCY}, ${ROUNDS} rounds of ${ROUND} probes each (after one warm-up round)`);
  await drive(cUrl, Math.min(ROUND, 500));
  if (bUrl) await drive(bUrl, Math.min(ROUND, 500));
  const rates = { connreset: [], blackbox: [] };
  for (let r = 0; r < ROUNDS; r++) {
    // alternate, so that a busy moment of the shared machine does not land on one exporter only
    const c = await drive(cUrl, ROUND);
    if (c.failures) throw new Error(`connreset: ${c.failures} probes without probe_success 1`);
    rates.connreset.push(ROUND / c.seconds);
    if (bUrl) {
      const b = await drive(bUrl, ROUND);
      if (b.failures) throw new Error(`blackbox: ${b.failures} probes without probe_success 1`);
      rates.blackbox.push(ROUND / b.seconds);
    }
  }
  const cMed = median(rates.connreset);
  console.log(`  connreset serve   median ${cMed.toFixed(0)} probes/s   (rounds: ${rates.connreset.map((x) => x.toFixed(0)).join(', ')})`);
  if (bUrl) {
    const bMed = median(rates.blackbox);
    console.log(`  blackbox_exporter median ${bMed.toFixed(0)} probes/s   (rounds: ${rates.blackbox.map((x) => x.toFixed(0)).join(', ')})`);
    console.log(`  ratio connreset / blackbox: ${(cMed / bMed).toFixed(2)}`);
    console.log(`  RSS after the rounds: connreset ${(rssKiB(connreset.child.pid) / 1024).toFixed(1)} MiB, blackbox ${(rssKiB(procs[1].child.pid) / 1024).toFixed(1)} MiB`);
  }

  if (TOTAL > 0) {
    console.log(`\nconnreset serve RSS over ${TOTAL.toLocaleString('en')} probes (concurrency ${CONCURRENCY}), sampled every ${(TOTAL / 10).toLocaleString('en')}:`);
    const samples = [[0, rssKiB(connreset.child.pid)]];
    const step = Math.max(1, Math.floor(TOTAL / 10));
    const run = await drive(cUrl, TOTAL, async (i) => {
      if ((i + 1) % step === 0) samples.push([i + 1, rssKiB(connreset.child.pid)]);
    });
    if (run.failures) throw new Error(`connreset: ${run.failures} probes without probe_success 1`);
    for (const [n, kib] of samples) console.log(`  after ${String(n.toLocaleString('en')).padStart(7)} probes: ${(kib / 1024).toFixed(1)} MiB`);
    const firstTenth = samples[1]?.[1] ?? samples[0][1];
    const last = samples[samples.length - 1][1];
    const later = samples.slice(1).map(([, k]) => k);
    console.log(`  median of the samples after the first tenth: ${(median(later) / 1024).toFixed(1)} MiB; last / first-tenth ratio ${(last / firstTenth).toFixed(2)}; ${(TOTAL / run.seconds).toFixed(0)} probes/s over the run`);
  }
} finally {
  for (const p of procs) await p.stop();
  await new Promise((r) => target.close(r));
  rmSync(dir, { recursive: true, force: true });
}
