#!/usr/bin/env node
/**
 * What follow-up experiments cost. Probes lab scenarios N times each (the lab runs in this
 * process, on ephemeral ports on 127.0.0.1) and times the diagnosis step: with follow-ups
 * (diagnoseWithFollowups, the default of `probe` and `check`) against without (diagnose alone,
 * what --no-followup does), interleaved in the same run. Prints, per scenario, the median and the
 * maximum time the follow-ups add, the experiments that ran, and the probe's own median as the
 * baseline (ratio: probe + follow-ups over probe alone). Healthy scenarios must add zero.
 *
 *   npm run build && node bench/followup-cost.mjs [N=10]
 */
const N = Math.min(Math.max(Number(process.argv[2] ?? 10) || 10, 1), 200);
const { startLab } = await import('../dist/lab/server.js');
const { probe } = await import('../dist/probe/probe.js');
const { parseTarget } = await import('../dist/probe/target.js');
const { probeOptions } = await import('../dist/probe/defaults.js');
const { diagnose } = await import('../dist/diagnose/diagnose.js');
const { diagnoseWithFollowups } = await import('../dist/probe/experiments/followup.js');

const HEALTHY = ['ok', 'reply-then-close', 'tls-ok'];
const FAILING = ['close-on-accept', 'reset-on-accept', 'close-on-request', 'reset-on-request', 'reply-then-reset', 'never-reply', 'tls-on-plain', 'plain-on-tls'];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x) => (Number.isNaN(x) ? '-' : x < 10 ? `${x.toFixed(2)} ms` : `${Math.round(x)} ms`);

const lab = await startLab({ basePort: 0, only: [...HEALTHY, ...FAILING] });
try {
  const rows = [];
  const allFailing = [];
  for (const name of [...HEALTHY, ...FAILING]) {
    const target = parseTarget(lab.scenarios.find((s) => s.scenario.name === name).target);
    const options = probeOptions({ replyTimeoutMs: 1000 });
    const added = [];
    const probeMs = [];
    const ran = new Map();
    let unhealthy = 0;
    for (let i = 0; i < N; i++) {
      const obs = await probe(target, options);
      probeMs.push(obs.durationMs);
      // without follow-ups: the diagnosis alone
      let t0 = performance.now();
      const plain = diagnose(obs);
      const without = performance.now() - t0;
      t0 = performance.now();
      const followed = await diagnoseWithFollowups(target, options, obs, { enabled: true });
      const withFollowups = performance.now() - t0;
      added.push(Math.max(0, withFollowups - without));
      if (!plain.healthy) unhealthy++;
      for (const e of followed.observation.experiments ?? []) ran.set(e.id, (ran.get(e.id) ?? 0) + 1);
    }
    if (FAILING.includes(name)) allFailing.push(...added);
    rows.push({ name, healthy: unhealthy === 0, probe: median(probeMs), median: median(added), max: Math.max(...added), ran });
  }
  console.log(`follow-up cost, ${N} probes per scenario (lab on 127.0.0.1, reply timeout 1 s, budget 2 s)\n`);
  console.log(`${'scenario'.padEnd(18)} ${'verdict'.padEnd(8)} ${'probe (median)'.padStart(15)} ${'added median'.padStart(13)} ${'added max'.padStart(10)} ${'ratio'.padStart(6)}  experiments`);
  for (const r of rows) {
    const ratio = (r.probe + r.median) / r.probe;
    const ran = [...r.ran].map(([id, n]) => `${id}×${n}`).join(' ') || 'none';
    console.log(`${r.name.padEnd(18)} ${(r.healthy ? 'healthy' : 'failure').padEnd(8)} ${ms(r.probe).padStart(15)} ${ms(r.median).padStart(13)} ${ms(r.max).padStart(10)} ${`${ratio.toFixed(2)}×`.padStart(6)}  ${ran}`);
  }
  const healthyMax = Math.max(...rows.filter((r) => r.healthy).map((r) => r.max));
  console.log(`\nfailures: follow-ups add median ${ms(median(allFailing))}, max ${ms(Math.max(...allFailing))}`);
  console.log(`healthy: follow-ups add at most ${ms(healthyMax)} (the diagnosis only: no experiment runs)`);
} finally {
  await lab.close();
}
