/**
 * Every lab scenario probed over real loopback sockets with the real probe: the outcome and the
 * top cause must be what the scenario table promises, and what this file promises independently.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLabProcess, type LabProcess } from '../helpers/lab-process.js';
import { labProbe } from '../../src/lab/probe-plan.js';
import { SCENARIOS } from '../../src/lab/scenarios.js';
import { probe } from '../../src/probe/probe.js';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { diagnoseWithFollowups } from '../../src/probe/experiments/followup.js';
import type { Diagnosis } from '../../src/diagnose/diagnosis.js';

/** Written out by hand, not read from the table: if the table and the wire drift apart, this fails. */
const EXPECTED: Readonly<Record<string, readonly [string, string | null]>> = {
  ok: ['ok', null],
  'reset-on-accept': ['reset_on_connect', 'connection_limit'],
  'close-on-accept': ['closed_on_connect', 'connection_limit'],
  'reset-on-request': ['reset_after_send', 'app_error_close'],
  'close-on-request': ['closed_after_send', 'app_error_close'],
  'reply-then-reset': ['reply_then_reset', 'reset_after_reply'],
  'reply-then-close': ['reply_then_close', 'server_closes_after_reply'],
  'idle-close': ['closed_while_idle', 'server_idle_timeout'],
  'idle-reset': ['reset_while_idle', 'server_idle_timeout'],
  'idle-forget': ['reset_on_resume', 'middlebox_idle_timeout'],
  'idle-blackhole': ['timeout_on_resume', 'middlebox_idle_timeout'],
  'never-reply': ['no_reply', 'server_slow_or_overloaded'],
  trickle: ['slow_reply', 'server_slow_or_overloaded'],
  'never-read': ['send_stalled', 'server_slow_or_overloaded'],
  'tls-on-plain': ['reply_then_close', 'protocol_mismatch'],
  'plain-on-tls': ['tls_failure', 'protocol_mismatch'],
  'tls-ok': ['ok', null],
  'tls-legacy': ['tls_failure', 'tls_problem'],
  'tls-reset': ['tls_failure', 'tls_problem'],
  banner: ['ok', null],
  refused: ['refused', 'nothing_listening'],
  'http-502': ['http_5xx', 'upstream_reset'],
  'http-503': ['http_5xx', 'upstream_unavailable'],
  'http-504': ['http_5xx', 'upstream_timeout'],
  'truncated-body': ['reply_truncated', 'server_crash_restart'],
};

const IDLE_AFTER_MS = 1000;
// in a process of its own: see test/helpers/lab-process.ts
let lab: LabProcess;
const results = new Map<string, Diagnosis>();
/** the same probes with the follow-up experiments `connreset probe` runs after a failure */
const followed = new Map<string, Diagnosis>();

beforeAll(async () => {
  lab = await startLabProcess({ basePort: 0, idleAfterMs: IDLE_AFTER_MS });
  // all at once, as the demo does: the scenarios must not disturb each other
  await Promise.all(
    lab.scenarios.map(async (running) => {
      const { target, options } = labProbe(running, lab.idleAfterMs, lab.certificate);
      const observation = await probe(target, options);
      results.set(running.name, diagnose(observation));
      followed.set(running.name, (await diagnoseWithFollowups(target, options, observation, { enabled: true })).diagnosis);
    }),
  );
});

afterAll(async () => {
  await lab?.close();
});

describe('the lab, probed', () => {
  it('runs every scenario of the table, each on its own loopback port', () => {
    expect(lab.scenarios.map((s) => s.name).sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(new Set(lab.scenarios.map((s) => s.port)).size).toBe(lab.scenarios.length);
    for (const s of lab.scenarios) expect(s.target).toMatch(/^(http|https|tcp|smtp):\/\/127\.0\.0\.1:\d+$/);
  });

  it("the table's promises are the ones written out here", () => {
    for (const s of SCENARIOS) expect([s.expectedOutcome, s.expectedTopCause], s.name).toEqual(EXPECTED[s.name]);
  });

  // The lab listing prints this beside each scenario's `try:` command, which runs the follow-ups.
  // Idle scenarios are left out: whether their repeats fit the 2 s follow-up budget depends on the
  // lab's idle time (1 s here; the listing's lab uses its default, where they do not run).
  it('with follow-ups, every scenario that holds no idle connection ranks the cause its listing promises', () => {
    const active = SCENARIOS.filter((s) => !s.idle || s.expectedOutcome === 'ok');
    expect(active.length).toBeGreaterThan(15);
    const got = Object.fromEntries(active.map((s) => [s.name, [followed.get(s.name)?.outcome, followed.get(s.name)?.causes[0]?.id ?? null]]));
    const promised = Object.fromEntries(active.map((s) => [s.name, [s.expectedOutcome, s.topCauseAfterFollowups ?? s.expectedTopCause]]));
    expect(got).toEqual(promised);
  });

  for (const [name, [outcome, topCause]] of Object.entries(EXPECTED)) {
    it(`${name}: ${outcome}${topCause ? `, top cause ${topCause}` : ''}`, () => {
      const d = results.get(name);
      expect(d?.outcome).toBe(outcome);
      expect(d?.causes[0]?.id ?? null).toBe(topCause);
      if (topCause !== null) expect(d?.causes[0]?.evidence.length).toBeGreaterThan(0);
    });
  }

  it("a proxy's 502 and 503 say the connection is fine, name the proxy, and fail the probe", () => {
    const bad = results.get('http-502');
    expect(bad?.healthy).toBe(false);
    expect(bad?.summary).toMatch(/^The TCP connection to 127\.0\.0\.1:\d+ is fine, but the request failed: nginx answered "502 Bad Gateway" [\d.]+ ms after our \d+-byte HTTP request and closed the connection gracefully [\d.]+ ms later\.$/);
    expect(bad?.causes[0]?.evidence.join('\n')).toContain("nginx's error log has the reason for this request");
    const unavailable = results.get('http-503');
    expect(unavailable?.summary).toContain('Envoy answered "503 Service Unavailable"');
    expect(unavailable?.summary).toContain('and kept the connection open');
    expect(unavailable?.causes[0]?.evidence.join('\n')).toContain('its error page says "no healthy upstream"');
    // the 504 came after the lab proxy's timeout, and the evidence dates it
    expect(results.get('http-504')?.causes[0]?.evidence[0]).toMatch(/^nginx answered "504 Gateway Time-out" (\d+ ms|[\d.]+ s) after/);
  });

  it('an idle close names the idle timeout it measured (the lab\'s is 1 s) and when to reconnect', () => {
    const evidence = results.get('idle-close')?.causes[0]?.evidence[0] ?? '';
    const match = /^the server closed the connection gracefully after (?:\d+ ms|\d+\.\d s) of silence: its idle timeout is about (\d+ ms|\d+(?:\.\d)? s); drop pooled connections \(or send an application-level request, e\.g\. a PING\) before (\d+ ms|\d+(?:\.\d)? s) of silence: TCP keepalive does not reset a server's idle timer$/.exec(evidence);
    expect(match, evidence).not.toBeNull();
    const ms = (text: string): number => (text.endsWith(' ms') ? Number(text.slice(0, -3)) : Number(text.slice(0, -2)) * 1000);
    const about = ms(match![1]!);
    expect(about).toBeGreaterThanOrEqual(500);
    expect(about).toBeLessThanOrEqual(1500);
    expect(ms(match![2]!)).toBeLessThan(about);
  });
});
