#!/usr/bin/env node
/**
 * What the locate experiment costs per failure: for three failures (the server's own RST after the
 * request, a refused connect, a server that never answers), N probes each, then locate on each
 * failed observation with its default time (2 s). Prints the median and the maximum locate time,
 * and the ratio against the failed probe itself (the baseline, measured in
 * the same run). The servers run in this process on 127.0.0.1, ephemeral ports; nothing leaves
 * loopback. On loopback the server is hop 1, so this is the floor of locate's cost: each further
 * hop adds one TTL to the replay (run in parallel) but no round.
 *
 *   npm run build && node bench/locate-cost.mjs [N=10]
 *   (as root the AF_PACKET capture runs too; CONNRESET_NO_NATIVE=1 measures the timing-only fallback)
 */
import net from 'node:net';

const N = Math.min(Math.max(Number(process.argv[2] ?? 10) || 10, 1), 200);
const { probe } = await import('../dist/probe/probe.js');
const { parseTarget } = await import('../dist/probe/target.js');
const { probeOptions } = await import('../dist/probe/defaults.js');
const { locate, LOCATE_TIMEOUT_MS } = await import('../dist/probe/locate.js');
const { classify } = await import('../dist/diagnose/classify.js');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function listen(onConnection) {
  return new Promise((resolve) => {
    const server = net.createServer(onConnection);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

const open = new Set();
const resetter = await listen((s) => {
  s.on('error', () => undefined);
  s.on('data', () => s.resetAndDestroy());
});
const silent = await listen((s) => {
  open.add(s);
  s.on('error', () => undefined);
  s.on('close', () => open.delete(s));
});
// a port that was just free: nothing listens there
const closedPort = await new Promise((resolve) => {
  const probeServer = net.createServer();
  probeServer.listen(0, '127.0.0.1', () => {
    const { port } = probeServer.address();
    probeServer.close(() => resolve(port));
  });
});

const cases = [
  { name: 'server RST after the request', port: resetter.address().port, options: {} },
  { name: 'refused (nothing listening)', port: closedPort, options: {} },
  { name: 'no reply (silence, 1 s reply timeout)', port: silent.address().port, options: { replyTimeoutMs: 1000 } },
];

console.log(`locate cost per failure, ${N} failures per case, locate time ${LOCATE_TIMEOUT_MS} ms, ${process.getuid?.() === 0 ? 'as root (capture on)' : 'unprivileged'}${process.env.CONNRESET_NO_NATIVE === '1' ? ', native module off' : ''}\n`);
console.log(`${'case'.padEnd(40)} ${'outcome'.padEnd(18)} ${'probe med'.padStart(10)} ${'locate med'.padStart(11)} ${'locate max'.padStart(11)} ${'ratio'.padStart(7)}  sender@hop`);
for (const c of cases) {
  const target = parseTarget(`tcp://127.0.0.1:${c.port}`);
  const options = probeOptions({ payload: { kind: 'text', text: 'hello\n' }, ...c.options });
  const probeMs = [];
  const locateMs = [];
  const verdicts = new Map();
  let outcome = '';
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    const obs = await probe(target, options);
    probeMs.push(performance.now() - t0);
    outcome = classify(obs);
    const t1 = performance.now();
    const result = await locate(target, options, obs, { timeoutMs: LOCATE_TIMEOUT_MS });
    locateMs.push(performance.now() - t1);
    const key = result.ran ? `${result.verdict.sender}@${result.verdict.hop ?? '?'}` : 'not run';
    verdicts.set(key, (verdicts.get(key) ?? 0) + 1);
  }
  const ratio = median(locateMs) / median(probeMs);
  console.log(
    `${c.name.padEnd(40)} ${outcome.padEnd(18)} ${median(probeMs).toFixed(1).padStart(8)}ms ${median(locateMs).toFixed(1).padStart(9)}ms ${Math.max(...locateMs).toFixed(1).padStart(9)}ms ${ratio.toFixed(2).padStart(6)}x  ${[...verdicts].map(([k, n]) => `${k} ×${n}`).join(', ')}`,
  );
}
for (const s of open) s.destroy();
resetter.close();
silent.close();
