#!/usr/bin/env node
/**
 * How fast and how precisely `connreset idle` finds an idle timeout T.
 *
 * 1. The search on a virtual clock (src/diagnose/idle.ts without sockets), for T from 1 s to
 *    10 min: the bracket's width relative to its upper end, and the wall time relative to T.
 *    Baseline for the ratio: a sequential bisection between 0.5 s and --max, each step a new
 *    connection held for the tested silence (what a naive search does), measured in the same run.
 * 2. Real runs of the built CLI on loopback against the lab's idle-forget scenario (a middlebox
 *    emulated in the server: forget after N s, reset the next request) for a few N.
 *
 *   npm run build && node bench/idle-search.mjs [--real 2,5]
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SEARCH, bracketOf, isNarrowEnough, ladder, planRefinement } from '../dist/diagnose/idle.js';
import { startLab } from '../dist/lab/server.js';

const BIN = fileURLToPath(new URL('../bin/connreset.js', import.meta.url));
const MAX_MS = 900_000;

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** The ladder-and-refine search; the path kills a connection silent for T or more. */
function ladderSearch(T) {
  const rungs = ladder(SEARCH.minMs, MAX_MS, SEARCH.ratio);
  const last = rungs.map(() => 0);
  const planned = new Map(rungs.map((age, conn) => [conn, age]));
  const dead = new Set();
  const trials = [];
  let now = 0;
  for (let step = 0; step < 1000; step++) {
    const next = [...planned.entries()].map(([conn, age]) => ({ conn, at: last[conn] + age })).sort((a, b) => a.at - b.at)[0];
    if (!next) break;
    now = next.at;
    planned.delete(next.conn);
    const age = now - last[next.conn];
    if (age >= T) {
      trials.push({ idleMs: age, result: 'reset_on_resume' });
      dead.add(next.conn);
    } else {
      trials.push({ idleMs: age, result: 'alive' });
      last[next.conn] = now;
    }
    const b = bracketOf(trials);
    for (const [conn, p] of planned) if (p <= b.loMs || (b.hiMs !== null && p >= b.hiMs)) planned.delete(conn);
    if (b.hiMs !== null && isNarrowEnough(b)) break;
    if (b.hiMs !== null) {
      const free = last.map((t, conn) => ({ conn, ageMs: now - t })).filter((c) => !dead.has(c.conn) && !planned.has(c.conn) && c.ageMs < b.hiMs);
      for (const p of planRefinement(b, free, [...planned.values()], SEARCH.precision, Math.max(0.25 * b.hiMs, 4000))) planned.set(p.conn, p.atAgeMs);
    }
  }
  const b = bracketOf(trials);
  return { width: (b.hiMs - b.loMs) / b.hiMs, timeRatio: now / T, connections: rungs.length };
}

/** Sequential bisection to the same precision: each probe holds a fresh connection for its silence. */
function bisection(T) {
  let lo = SEARCH.minMs;
  let hi = MAX_MS;
  let wall = 0;
  while ((hi - lo) / hi > SEARCH.precision) {
    const mid = Math.sqrt(lo * hi);
    wall += Math.min(mid, T);
    if (mid < T) lo = mid;
    else hi = mid;
  }
  return { timeRatio: wall / T };
}

const quantile = (sorted, p) => sorted[Math.floor(p * (sorted.length - 1))];
const widths = [];
const ratios = [];
const baseline = [];
let connections = 0;
for (let T = 1000; T <= 600_000; T = Math.round(T * 1.013)) {
  const r = ladderSearch(T);
  widths.push(r.width);
  ratios.push(r.timeRatio);
  baseline.push(bisection(T).timeRatio);
  connections = r.connections;
}
for (const a of [widths, ratios, baseline]) a.sort((x, y) => x - y);
const fmt = (a, digits = 3) => `median ${quantile(a, 0.5).toFixed(digits)}, p90 ${quantile(a, 0.9).toFixed(digits)}, max ${a.at(-1).toFixed(digits)}`;
console.log(`virtual clock, ${widths.length} timeouts from 1 s to 10 min, --max 15m (${connections} connections):`);
console.log(`  bracket width / upper end:     ${fmt(widths)}`);
console.log(`  wall time / T (ladder+refine): ${fmt(ratios)}`);
console.log(`  wall time / T (bisection):     ${fmt(baseline)}`);
console.log(`  ratio of medians (bisection / ladder): ${(quantile(baseline, 0.5) / quantile(ratios, 0.5)).toFixed(1)}x`);

const real = arg('--real', '2,5').split(',').filter(Boolean).map(Number);
if (real.length > 0) console.log('\nreal runs on loopback (lab idle-forget: forgets after N s, resets the next request):');
for (const seconds of real) {
  const lab = await startLab({ basePort: 0, idleAfterMs: seconds * 1000, only: ['idle-forget'] });
  try {
    const target = `${lab.scenarios[0].target}/`;
    const start = performance.now();
    const out = await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, 'idle', target, '--max', `${seconds * 3}s`, '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      child.stdout.on('data', (d) => (text += d));
      child.on('error', reject);
      child.on('close', () => resolve(text));
    });
    const wall = performance.now() - start;
    const doc = JSON.parse(out);
    const b = doc.bracket;
    console.log(
      `  N=${seconds} s: bracket ${b.loMs}-${b.hiMs} ms (${(((b.hiMs - b.loMs) / b.hiMs) * 100).toFixed(1)} %), ${doc.death}, ` +
        `measured in ${doc.durationMs} ms = ${(doc.durationMs / (seconds * 1000)).toFixed(2)} T; process wall ${Math.round(wall)} ms`,
    );
  } finally {
    await lab.close();
  }
}
