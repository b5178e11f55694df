#!/usr/bin/env node
// Start-up benchmark for `connreset explain`: runs `node -e 0`, `node bin/connreset.js explain 10054`
// and `explain <a pasted line>` in turn, N rounds (so each round's three runs see the same machine
// load), and prints the medians and, for each explain case, the median of the per-round (paired)
// ratios to `node -e 0`. The target (issue #9) is at most 1.2 for both. Usage: node bench/startup.mjs [N]
// (`npm run bench:startup` builds first, so the explain bundle is current)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const runs = Math.min(Math.max(Number(process.argv[2] ?? 40) || 40, 5), 500);
const bin = fileURLToPath(new URL('../bin/connreset.js', import.meta.url));
const cases = {
  'node -e 0': [process.execPath, ['-e', '0']],
  'connreset explain 10054': [process.execPath, [bin, 'explain', '10054']],
  // a pasted log line also loads and runs the message resolver and the context tables
  'connreset explain <line>': [process.execPath, [bin, 'explain', 'read tcp 10.0.0.1:5->10.0.0.2:443: read: connection reset by peer']],
  // a proxy's line: flags, perspectives and rules all run
  'connreset explain <envoy>': [process.execPath, [bin, 'explain', 'upstream connect error or disconnect/reset before headers. reset reason: connection termination']],
};

function timeOnce([cmd, args]) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NO_COLOR: '1' }, timeout: 30_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// one warm-up each (disk cache), not counted
for (const c of Object.values(cases)) timeOnce(c);
const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let i = 0; i < runs; i++) for (const [name, c] of Object.entries(cases)) times[name].push(timeOnce(c));

// which fast path ran: the bundle (npm run build) or, without one, the separate tsc modules
const bundle = fileURLToPath(new URL('../dist/explain.bundle.cjs', import.meta.url));
const fastPath = existsSync(bundle) ? 'dist/explain.bundle.cjs (one CommonJS bundle, with its V8 code cache)' : 'dist/cli/explain-fast.js (no bundle: run npm run build)';

const base = times['node -e 0'];
console.log(`rounds: ${runs} (each round runs every command once, in turn); explain fast path: ${fastPath}`);
for (const [name, xs] of Object.entries(times)) {
  console.log(`${name.padEnd(28)} median ${median(xs).toFixed(1)} ms  min ${Math.min(...xs).toFixed(1)} ms  max ${Math.max(...xs).toFixed(1)} ms`);
}
for (const name of Object.keys(times).filter((n) => n !== 'node -e 0')) {
  const paired = times[name].map((t, i) => t / base[i]);
  console.log(`${`${name} / node -e 0`.padEnd(42)} paired median ratio ${median(paired).toFixed(2)}x  (target <= 1.20x)`);
}
