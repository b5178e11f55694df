#!/usr/bin/env node
// Start-up benchmark for `connreset explain`: runs `node bin/connreset.js explain 10054` and
// `node -e 0` alternately (so both see the same machine load), N times each, and prints the
// medians and their ratio; a pasted log line (`explain <line>`) is timed too, for reference.
// The target is a ratio of at most 1.3. Usage: node bench/startup.mjs [N]
// (`npm run bench:startup` builds first, so the explain bundle is current)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const runs = Math.min(Math.max(Number(process.argv[2] ?? 40) || 40, 5), 500);
const bin = fileURLToPath(new URL('../bin/connreset.js', import.meta.url));
const cases = {
  'node -e 0': [process.execPath, ['-e', '0']],
  'connreset explain 10054': [process.execPath, [bin, 'explain', '10054']],
  // a pasted log line also loads and runs the message resolver: shown for reference, no target
  'connreset explain <line>': [process.execPath, [bin, 'explain', 'read tcp 10.0.0.1:5->10.0.0.2:443: read: connection reset by peer']],
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
const bundle = fileURLToPath(new URL('../dist/explain.bundle.js', import.meta.url));
const fastPath = existsSync(bundle) ? 'dist/explain.bundle.js (one bundled module)' : 'dist/cli/explain-fast.js (no bundle: run npm run build)';

const base = median(times['node -e 0']);
const cli = median(times['connreset explain 10054']);
console.log(`runs per command: ${runs} (alternating); explain fast path: ${fastPath}`);
for (const [name, xs] of Object.entries(times)) {
  console.log(`${name.padEnd(26)} median ${median(xs).toFixed(1)} ms  min ${Math.min(...xs).toFixed(1)} ms  max ${Math.max(...xs).toFixed(1)} ms`);
}
console.log(`median ratio (explain / node -e 0): ${(cli / base).toFixed(2)}x  (target <= 1.30x)`);
console.log(`log line ratio (explain <line> / node -e 0): ${(median(times['connreset explain <line>']) / base).toFixed(2)}x  (for reference: no target)`);
