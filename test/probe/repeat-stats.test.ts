/**
 * --repeat's per-attempt lines and tcping-style statistics, computed from recorded observations'
 * timelines (test/fixtures/observations): which events each time spans, what an attempt that
 * never connected or never got a reply shows, and that peer bytes stay escaped.
 */
import chalk from 'chalk';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../diagnose/fixtures.js';
import { attemptTimes, probeStats } from '../../src/report/probe-stats.js';
import { renderAttemptLines, renderAttemptsText, renderStatsLine, type AttemptView } from '../../src/report/probe-text.js';
import { summariseRuns } from '../../src/report/probe-summary.js';
import { DIAGNOSIS_SCHEMA, type Diagnosis } from '../../src/diagnose/diagnosis.js';
import type { Observation, TimelineEvent } from '../../src/diagnose/observation.js';
import { OUTCOME_INFO } from '../../src/knowledge/outcomes.js';

beforeAll(() => {
  chalk.level = 0; // what NO_COLOR and a pipe give
});

function attempt(name: string, run: number): AttemptView {
  const f = fixture(name);
  const healthy = f.expected.healthy ?? OUTCOME_INFO[f.expected.outcome].severity === 'ok';
  const diagnosis: Diagnosis = { schema: DIAGNOSIS_SCHEMA, outcome: f.expected.outcome, healthy, summary: '', causes: [], clientError: null };
  return { run, observation: f.observation, diagnosis };
}

const at = (obs: Observation, kind: TimelineEvent['kind']): number => obs.events.find((e) => e.kind === kind)!.t;

describe('attemptTimes', () => {
  // HTTP: the banner wait between connect and send is ours, left out; TLS: connect is the TCP handshake only
  it.each(['lab-ok', 'lab-tls-ok'])('%s: connect is connecting → connected; first byte is our send → the first received byte', (name) => {
    const obs = fixture(name).observation;
    const t = attemptTimes(obs);
    expect(t.connectMs).toBeCloseTo(at(obs, 'connected') - at(obs, 'connecting'), 3);
    expect(t.firstByteMs).toBeCloseTo(at(obs, 'received') - at(obs, 'sent'), 3);
  });

  it('a server that speaks first: the first byte counts from the connection being ready', () => {
    const obs = fixture('lab-banner').observation;
    expect(obs.events.some((e) => e.kind === 'sent')).toBe(false);
    expect(attemptTimes(obs).firstByteMs).toBeCloseTo(at(obs, 'received') - at(obs, 'connected'), 3);
  });

  it('refused: no connect time and no first byte; an RST after the request: a connect time, no first byte', () => {
    expect(attemptTimes(fixture('lab-refused').observation)).toEqual({ connectMs: null, firstByteMs: null });
    const reset = attemptTimes(fixture('lab-reset-on-request').observation);
    expect(reset.connectMs).not.toBeNull();
    expect(reset.firstByteMs).toBeNull();
  });

  it('an idle hold and a resume: the first reply counts, not the one after the resume', () => {
    const obs = fixture('hand-resume-502').observation;
    const received = obs.events.filter((e) => e.kind === 'received');
    const sent = obs.events.filter((e) => e.kind === 'sent');
    expect(received.length).toBeGreaterThan(1);
    expect(attemptTimes(obs).firstByteMs).toBeCloseTo(received[0]!.t - sent[0]!.t, 3);
  });
});

describe('probeStats and the text', () => {
  const attempts = [attempt('lab-ok', 1), attempt('lab-reset-on-request', 2), attempt('lab-refused', 3), attempt('lab-banner', 4)];

  it('counts ok and failed; min/avg/max over the attempts that got that far', () => {
    const stats = probeStats(attempts.map((a) => ({ observation: a.observation, healthy: a.diagnosis.healthy })));
    const connects = attempts.map((a) => attemptTimes(a.observation).connectMs).filter((v): v is number => v !== null);
    const firsts = attempts.map((a) => attemptTimes(a.observation).firstByteMs).filter((v): v is number => v !== null);
    expect(connects).toHaveLength(3);
    expect(firsts).toHaveLength(2);
    expect(stats).toMatchObject({ count: 4, ok: 2, failed: 2 });
    expect(stats.connectMs!.min).toBe(Math.min(...connects));
    expect(stats.connectMs!.max).toBe(Math.max(...connects));
    expect(stats.connectMs!.avg).toBeCloseTo((connects[0]! + connects[1]! + connects[2]!) / 3, 3);
    expect(stats.firstByteMs!.avg).toBeCloseTo((firsts[0]! + firsts[1]!) / 2, 3);
  });

  it('one line per attempt: number, outcome, connect and first-byte times, or what was missing', () => {
    const lines = renderAttemptLines(attempts, 4);
    const ok = attemptTimes(attempts[0]!.observation);
    expect(lines[0]).toBe(`  1  ${'ok'.padEnd(18)} connect ${ok.connectMs!.toFixed(1)} ms  first byte ${ok.firstByteMs!.toFixed(1)} ms`);
    expect(lines[1]).toMatch(/^ {2}2 {2}reset_after_send +connect \d+\.\d ms {2}no reply$/);
    expect(lines[2]).toMatch(/^ {2}3 {2}refused +no connection$/);
    expect(lines[3]).toMatch(/^ {2}4 {2}ok +connect \d+\.\d ms {2}first byte \d+\.\d ms$/);
  });

  it('the statistics line says the same numbers as the stats object, one decimal', () => {
    const { stats } = summariseRuns('t', attempts);
    const c = stats.connectMs!;
    const f = stats.firstByteMs!;
    expect(renderStatsLine(stats)).toBe(
      `4 probes: 2 ok, 2 failed; connect min/avg/max ${c.min.toFixed(1)}/${c.avg.toFixed(1)}/${c.max.toFixed(1)} ms; ` +
        `first byte min/avg/max ${f.min.toFixed(1)}/${f.avg.toFixed(1)}/${f.max.toFixed(1)} ms`,
    );
  });

  it('nothing connected: the line says so instead of inventing numbers', () => {
    const refused = [attempt('lab-refused', 1), attempt('lab-refused', 2)];
    const { stats } = summariseRuns('t', refused);
    expect(stats).toEqual({ count: 2, ok: 0, failed: 2, connectMs: null, firstByteMs: null });
    expect(renderStatsLine(stats)).toBe('2 probes: 0 ok, 2 failed; connect: never connected; first byte: no reply');
  });

  it('several addresses (--all-addresses): each line names its address, escaped', () => {
    const a = attempt('lab-ok', 1);
    const b = attempt('lab-ok', 1);
    b.observation.address = '10.0.0.2\x1b[2J';
    const lines = renderAttemptLines([a, b], 1);
    expect(lines[0]).toMatch(/^ {2}1 {2}127\.0\.0\.1 {2}ok/);
    expect(lines[1]).toContain('10.0.0.2\\x1b[2J');
    expect(lines.join('\n')).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  });

  it('the head names the target escaped, and how many of the planned runs were done when interrupted', () => {
    const runs = [attempt('lab-ok', 1), attempt('lab-ok', 2)];
    const text = renderAttemptsText('http://evil\x07/', runs, 5, summariseRuns('t', runs).stats);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('probe http://evil\\x07/  (2 of 5 runs)');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toMatch(/^2 probes: 2 ok, 0 failed; /);
  });
});
