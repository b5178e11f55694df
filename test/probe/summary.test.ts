import { describe, expect, it } from 'vitest';
import { summariseRuns, type ProbeRun } from '../../src/report/probe-summary.js';
import { OBSERVATION_SCHEMA, type Observation, type TimelineEvent } from '../../src/diagnose/observation.js';
import { DIAGNOSIS_SCHEMA, type Diagnosis } from '../../src/diagnose/diagnosis.js';
import type { Outcome } from '../../src/shared/outcome.js';

function run(outcome: Outcome, healthy: boolean, events: TimelineEvent[]): ProbeRun {
  const observation: Observation = {
    schema: OBSERVATION_SCHEMA, target: 'db:5432', host: 'db', port: 5432, scheme: 'tcp', address: '10.0.0.1', family: 4,
    startedAt: '2026-01-01T00:00:00.000Z', durationMs: events.at(-1)?.t ?? 0,
    options: { send: 'text', sendBytes: 5, connectTimeoutMs: 5000, replyTimeoutMs: 2000, idleMs: 60_000, keepaliveMs: null, expect: null, tls: false },
    events,
  };
  const diagnosis: Diagnosis = { schema: DIAGNOSIS_SCHEMA, outcome, healthy, summary: '', causes: [], clientError: null };
  return { observation, diagnosis };
}

const opening: TimelineEvent[] = [
  { t: 0, phase: 'connect', kind: 'connecting', address: '10.0.0.1', port: 5432, family: 4 },
  { t: 1, phase: 'connect', kind: 'connected', localAddress: '10.0.0.9', localPort: 40000 },
  { t: 2, phase: 'send', kind: 'sent', bytes: 5 },
  { t: 3, phase: 'reply', kind: 'received', bytes: 2, preview: 'OK' },
  { t: 500, phase: 'idle', kind: 'idle_start', durationMs: 120_000, keepaliveMs: null },
];
const resetAfterIdle = (silenceMs: number): ProbeRun =>
  run('reset_while_idle', false, [...opening, { t: 3 + silenceMs, phase: 'idle', kind: 'reset', code: 'ECONNRESET' }]);
const healthy = (): ProbeRun => run('ok', true, [...opening, { t: 120_500, phase: 'idle', kind: 'idle_end' }]);

describe('summariseRuns', () => {
  it('counts failures and times idle resets from the last byte: "always after ~60 s of silence"', () => {
    const runs = [healthy(), resetAfterIdle(60_010), healthy(), resetAfterIdle(59_990), resetAfterIdle(60_002), healthy()];
    const s = summariseRuns('db:5432', runs);
    expect(s.runs).toBe(6);
    expect(s.failed).toBe(3);
    expect(s.outcomes[0]).toMatchObject({ outcome: 'reset_while_idle', count: 3, measuredFrom: 'silence', afterMs: [60_010, 59_990, 60_002] });
    expect(s.text).toBe('3 of 6 runs failed: reset_while_idle ×3 (always after ~1 m 00 s of silence); ok ×3');
  });

  it('gives a range when the failures come at different times', () => {
    const s = summariseRuns('db:5432', [resetAfterIdle(10_000), resetAfterIdle(30_000)]);
    expect(s.text).toBe('2 of 2 runs failed: reset_while_idle ×2 (after 10.0 s to 30.0 s of silence, median 30.0 s)');
  });

  it('times a reset after the request from our send', () => {
    const r = run('reset_after_send', false, [...opening.slice(0, 3), { t: 2.5, phase: 'reply', kind: 'reset', code: 'ECONNRESET' }]);
    expect(summariseRuns('db:5432', [r]).text).toBe('1 of 1 runs failed: reset_after_send ×1 (0.5 ms after our send)');
  });

  it('all healthy', () => {
    expect(summariseRuns('db:5432', [healthy(), healthy()]).text).toBe('all 2 runs healthy: ok ×2');
  });
});
