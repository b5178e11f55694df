#!/usr/bin/env node
/**
 * How exact are the probe's times? Captures the loopback packets of probes against local fault
 * servers with tcpdump and compares each interval the probe reports with the same interval
 * between packet timestamps:
 *   connect → RST     (server resets on accept)        probe: connecting → reset;  wire: SYN → RST
 *   send → RST        (server resets after reading)     probe: sent → reset;        wire: request → RST
 *   send → reply      (server answers)                  probe: sent → received;     wire: request → reply
 *   reply → FIN idle  (server closes 400 ms after reply) probe: received → fin;      wire: reply → FIN
 * Prints the median and worst error in ms per interval. Traffic stays on 127.0.0.1.
 *
 * Usage: npm run build && node bench/probe-timing.mjs [runs-per-scenario=20]
 * Needs tcpdump (installed from Debian when missing and running as root).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';

const RUNS = Math.min(Math.max(Number(process.argv[2] ?? 20) || 20, 1), 200);
const { probe } = await import('../dist/probe/probe.js');
const { parseTarget } = await import('../dist/probe/target.js');
const { probeOptions } = await import('../dist/probe/defaults.js');

function ensureTcpdump() {
  if (spawnSync('tcpdump', ['--version']).status === 0) return;
  if (process.getuid?.() !== 0) {
    console.error('tcpdump is missing and we are not root: install it (apt-get install tcpdump) and rerun');
    process.exit(2);
  }
  console.error('installing tcpdump from Debian…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'tcpdump'], { stdio: 'inherit', env });
  if (r.status !== 0) process.exit(2);
}

async function server(onConnection) {
  const sockets = new Set();
  const s = createServer({ allowHalfOpen: true }, (c) => {
    sockets.add(c);
    c.on('close', () => sockets.delete(c));
    c.on('error', () => {});
    onConnection(c);
  });
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const close = () =>
    new Promise((r) => {
      for (const c of sockets) c.destroy();
      s.close(r);
    });
  return { port: s.address().port, close };
}

const reply = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
const IDLE_AFTER_MS = 400;
/** `lab`: the lab scenario that shows it, when src/lab is built; `serve`: our own server otherwise. */
const SCENARIOS = [
  {
    name: 'connect → RST',
    lab: 'reset-on-accept',
    serve: (c) => c.resetAndDestroy(),
    options: {},
    probeInterval: (ev) => span(ev, (e) => e.kind === 'connecting', (e) => e.kind === 'reset'),
    wireInterval: (f) => f.syn !== undefined && f.rst !== undefined ? f.rst - f.syn : null,
  },
  {
    name: 'send → RST',
    lab: 'reset-on-request',
    serve: (c) => c.once('data', () => c.resetAndDestroy()),
    options: {},
    probeInterval: (ev) => span(ev, (e) => e.kind === 'sent', (e) => e.kind === 'reset'),
    wireInterval: (f) => f.request !== undefined && f.rst !== undefined ? f.rst - f.request : null,
  },
  {
    name: 'send → reply',
    lab: 'ok',
    serve: (c) => c.on('data', () => c.write(reply)),
    options: { replyTimeoutMs: 200 },
    probeInterval: (ev) => span(ev, (e) => e.kind === 'sent', (e) => e.kind === 'received'),
    wireInterval: (f) => f.request !== undefined && f.reply !== undefined ? f.reply - f.request : null,
  },
  {
    name: 'idle: reply → FIN',
    lab: 'idle-close',
    serve: (c) => c.once('data', () => c.write(reply, () => setTimeout(() => c.destroy(), IDLE_AFTER_MS))),
    options: { replyTimeoutMs: 100, idleMs: 2000 },
    probeInterval: (ev) => span(ev, (e) => e.kind === 'received', (e) => e.kind === 'fin'),
    wireInterval: (f) => f.reply !== undefined && f.fin !== undefined ? f.fin - f.reply : null,
  },
];

/** The lab's servers when built (dist/lab), else small servers of our own: the same behaviours. */
async function startServers() {
  let lab = null;
  try {
    const { startLab } = await import('../dist/lab/server.js');
    lab = await startLab({ basePort: 0, idleAfterMs: IDLE_AFTER_MS, only: SCENARIOS.map((s) => s.lab) });
  } catch (error) {
    console.error(`(lab not available: ${error.message}; using the benchmark's own servers)`);
  }
  if (lab) {
    const byName = new Map(lab.scenarios.map((r) => [r.name, r]));
    if (SCENARIOS.every((s) => byName.has(s.lab))) {
      return { source: 'lab', ports: SCENARIOS.map((s) => byName.get(s.lab).port), close: () => lab.close() };
    }
    await lab.close();
  }
  const own = [];
  for (const s of SCENARIOS) own.push(await server(s.serve));
  return { source: 'own servers', ports: own.map((o) => o.port), close: async () => { for (const o of own) await o.close(); } };
}

function span(events, isStart, isEnd) {
  const a = events.find(isStart);
  const b = events.find(isEnd);
  return a && b ? b.t - a.t : null;
}

/** Per client port: times (ms) of the packets that matter. */
function parseCapture(text, serverPorts) {
  const flows = new Map();
  const line = /^(\d+\.\d+) IP (\d+\.\d+\.\d+\.\d+)\.(\d+) > (\d+\.\d+\.\d+\.\d+)\.(\d+): Flags \[([^\]]+)\].*length (\d+)/;
  for (const raw of text.split('\n')) {
    const m = line.exec(raw);
    if (!m) continue;
    const [, ts, , srcPort, , dstPort, flags, length] = m;
    const t = Number(ts) * 1000;
    const fromClient = serverPorts.has(Number(dstPort));
    const clientPort = fromClient ? Number(srcPort) : Number(dstPort);
    const serverPort = fromClient ? Number(dstPort) : Number(srcPort);
    if (!serverPorts.has(serverPort)) continue;
    const flow = flows.get(clientPort) ?? { serverPort, first: t };
    flows.set(clientPort, flow);
    if (fromClient && flags === 'S') flow.syn ??= t;
    if (fromClient && Number(length) > 0) flow.request ??= t;
    if (!fromClient && Number(length) > 0) flow.reply ??= t;
    if (!fromClient && flags.includes('F')) flow.fin ??= t;
    if (!fromClient && flags.includes('R')) flow.rst ??= t;
  }
  return flows;
}

function stats(errors) {
  const sorted = [...errors].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: sorted[Math.floor(sorted.length / 2)],
    p95: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))],
    worst: sorted[sorted.length - 1],
  };
}

ensureTcpdump();
const servers = await startServers();
const ports = servers.ports;
const dir = mkdtempSync(join(tmpdir(), 'connreset-bench-'));
const pcap = join(dir, 'probe.pcap');
const filter = ports.map((p) => `tcp port ${p}`).join(' or ');
const dump = spawn('tcpdump', ['-i', 'lo', '-n', '-U', '-s', '128', '--time-stamp-precision=nano', '-w', pcap, filter], {
  stdio: ['ignore', 'ignore', 'pipe'],
});
await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('tcpdump did not start within 10 s')), 10_000);
  dump.stderr.on('data', (d) => {
    if (String(d).includes('listening on')) {
      clearTimeout(timer);
      resolve();
    }
  });
  dump.on('exit', (code) => reject(new Error(`tcpdump exited with ${code}`)));
});

// the probes run one after another, so the k-th connection to a server port is the k-th probe
const observations = SCENARIOS.map(() => []);
for (let run = 0; run < RUNS; run++) {
  for (const [i, s] of SCENARIOS.entries()) {
    const target = parseTarget(`http://127.0.0.1:${ports[i]}/`);
    observations[i].push(await probe(target, probeOptions({ bannerTimeoutMs: 50, ...s.options })));
  }
}
await new Promise((r) => setTimeout(r, 1000)); // let tcpdump read the last packets from the kernel before it stops
dump.removeAllListeners('exit');
dump.kill('SIGINT');
await once(dump, 'exit');
await servers.close();

const read = spawnSync('tcpdump', ['-r', pcap, '-n', '-tt', '--time-stamp-precision=nano'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
rmSync(dir, { recursive: true, force: true });
const flows = parseCapture(read.stdout, new Set(ports));

console.log(`probe timing vs packet timestamps (tcpdump on lo), ${RUNS} probes per interval against ${servers.source}, node ${process.version}`);
console.log('interval             n   median error    p95 error   worst error   median interval');
const all = [];
for (const [i, s] of SCENARIOS.entries()) {
  const byPort = [...flows.entries()].filter(([, f]) => f.serverPort === ports[i]).sort((a, b) => a[1].first - b[1].first);
  const errors = [];
  const intervals = [];
  observations[i].forEach((obs, k) => {
    const flow = byPort[k]?.[1];
    const p = s.probeInterval(obs.events);
    const w = flow ? s.wireInterval(flow) : null;
    if (p === null || w === null) {
      if (process.env.BENCH_DEBUG) console.error(s.name, k, { p, flow, events: obs.events.map((e) => `${e.t} ${e.kind}`) });
      return;
    }
    errors.push(Math.abs(p - w));
    intervals.push(w);
  });
  all.push(...errors);
  const e = stats(errors);
  const iv = stats(intervals);
  console.log(
    `${s.name.padEnd(19)} ${String(e.n).padStart(3)}   ${e.median?.toFixed(3).padStart(8)} ms  ${e.p95?.toFixed(3).padStart(8)} ms   ${e.worst?.toFixed(3).padStart(8)} ms   ${iv.median?.toFixed(3).padStart(9)} ms`,
  );
}
const total = stats(all);
console.log(`${'all'.padEnd(19)} ${String(total.n).padStart(3)}   ${total.median?.toFixed(3).padStart(8)} ms  ${total.p95?.toFixed(3).padStart(8)} ms   ${total.worst?.toFixed(3).padStart(8)} ms`);
