#!/usr/bin/env node
/**
 * What the scheme-aware banner wait saves. Probes the lab's `ok` scenario over http:// N times
 * with the old fixed wait (bannerTimeoutMs 300, what --banner-timeout 300ms gives) and with the
 * new default (client-first schemes settle max(25 ms, 3 × connect time)), interleaved in the same
 * run, and prints the median time to the request going out, the median whole probe, and the
 * ratios. It also probes `reset-on-accept` N times with each wait and counts reset_on_connect:
 * the shorter wait must not turn an accept-then-reset into a reset after our request.
 * Everything stays on 127.0.0.1 (the lab runs in this process, on ephemeral ports).
 *
 *   npm run build && node bench/banner-wait.mjs [N=30]
 */
const N = Math.min(Math.max(Number(process.argv[2] ?? 30) || 30, 1), 500);
const { startLab } = await import('../dist/lab/server.js');
const { probe } = await import('../dist/probe/probe.js');
const { parseTarget } = await import('../dist/probe/target.js');
const { probeOptions, DEFAULTS, REPLY_QUIET_MS } = await import('../dist/probe/defaults.js');
const { classify } = await import('../dist/diagnose/classify.js');

const WAITS = [
  { name: `fixed ${DEFAULTS.bannerTimeoutMs} ms (old)`, bannerTimeoutMs: DEFAULTS.bannerTimeoutMs },
  { name: 'scheme default (new)', bannerTimeoutMs: null },
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const sentAt = (obs) => obs.events.find((e) => e.kind === 'sent')?.t ?? null;

const lab = await startLab({ basePort: 0, only: ['ok', 'reset-on-accept'] });
try {
  const target = (name) => parseTarget(lab.scenarios.find((s) => s.scenario.name === name).target);
  const ok = target('ok');
  const reset = target('reset-on-accept');
  const results = WAITS.map(() => ({ total: [], sent: [], outcomes: new Map(), resetOnConnect: 0, waits: [] }));
  for (let i = 0; i < N; i++) {
    // interleaved, and the order alternates, so drift on a shared machine hits both alike
    const order = i % 2 === 0 ? [0, 1] : [1, 0];
    for (const w of order) {
      const options = probeOptions({ bannerTimeoutMs: WAITS[w].bannerTimeoutMs, replyTimeoutMs: 1000 });
      const obs = await probe(ok, options);
      const r = results[w];
      r.total.push(obs.durationMs);
      const t = sentAt(obs);
      if (t !== null) r.sent.push(t);
      const outcome = classify(obs);
      r.outcomes.set(outcome, (r.outcomes.get(outcome) ?? 0) + 1);
      r.waits.push(obs.events.find((e) => e.kind === 'banner_wait')?.limitMs ?? NaN);
      if (classify(await probe(reset, options)) === 'reset_on_connect') r.resetOnConnect++;
    }
  }
  console.log(`banner wait: lab 'ok' over http://, ${N} probes per wait, interleaved; node ${process.version}`);
  console.log('wait                        median wait   median to send   median probe   ok outcomes   reset-on-accept → reset_on_connect');
  for (const [w, r] of results.entries()) {
    const okCount = r.outcomes.get('ok') ?? 0;
    console.log(
      `${WAITS[w].name.padEnd(26)} ${median(r.waits).toFixed(0).padStart(8)} ms   ${median(r.sent).toFixed(1).padStart(11)} ms   ${median(r.total).toFixed(1).padStart(9)} ms   ${String(okCount).padStart(5)}/${N}       ${r.resetOnConnect}/${N}`,
    );
  }
  const [old, now] = results;
  console.log(
    `ratio new/old: time to send ×${(median(now.sent) / median(old.sent)).toFixed(3)}, whole probe ×${(median(now.total) / median(old.total)).toFixed(3)} ` +
      `(the rest of a healthy probe is the reply and its ${REPLY_QUIET_MS} ms of quiet)`,
  );
  if (results.some((r) => r.resetOnConnect !== N || (r.outcomes.get('ok') ?? 0) !== N)) process.exitCode = 1;
} finally {
  await lab.close();
}
