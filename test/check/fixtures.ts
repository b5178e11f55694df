/**
 * Recorded-style data for the check reporters and expectation tests: observations and results as
 * a real run produces them, written out so that reports are tested without any network.
 */
import { OBSERVATION_SCHEMA, type Observation, type TimelineEvent } from '../../src/diagnose/observation.js';
import { DIAGNOSIS_SCHEMA, type Diagnosis } from '../../src/diagnose/diagnosis.js';
import type { Outcome } from '../../src/shared/outcome.js';
import type { CheckResult, CheckRun } from '../../src/check/result.js';

export function observation(target: string, events: TimelineEvent[], extra: Partial<Observation> = {}): Observation {
  const [host, port] = target.split(':');
  return {
    schema: OBSERVATION_SCHEMA,
    target,
    host: host ?? '127.0.0.1',
    port: Number(port ?? 80),
    scheme: 'tcp',
    address: host ?? null,
    family: 4,
    startedAt: '2026-11-25T12:00:00.000Z',
    durationMs: events.at(-1)?.t ?? 0,
    options: {
      send: 'http',
      sendBytes: 78,
      connectTimeoutMs: 5000,
      replyTimeoutMs: 2000,
      idleMs: null,
      keepaliveMs: null,
      expect: null,
      tls: false,
    },
    events,
    ...extra,
  };
}

export function diagnosis(outcome: Outcome, cause?: { title: string; evidence?: string[] }): Diagnosis {
  return {
    schema: DIAGNOSIS_SCHEMA,
    outcome,
    healthy: outcome === 'ok',
    summary: `summary of ${outcome}`,
    causes: cause
      ? [
          {
            id: 'app_error_close',
            title: cause.title,
            confidence: 0.8,
            evidence: cause.evidence ?? ['the RST came 0.3 ms after our request'],
            remediation: ['look at the server log', 'retry idempotent requests'],
          },
        ]
      : [],
    clientError: null,
  };
}

/** A reply preview as the probe escapes it, and then some hostile bytes the reporters must neutralise. */
export const HOSTILE_PREVIEW = 'HTTP/1.1 500 \u001b[31mboom\u0007 ]]> <b>&amp; "q" 100%, a:b\r\nend';

export const resetEvents: TimelineEvent[] = [
  { t: 0.2, phase: 'resolve', kind: 'resolved', addresses: [{ address: '127.0.0.1', family: 4 }] },
  { t: 0.3, phase: 'connect', kind: 'connecting', address: '127.0.0.1', port: 8081, family: 4 },
  { t: 0.6, phase: 'connect', kind: 'connected', localAddress: '127.0.0.1', localPort: 50000 },
  { t: 1.0, phase: 'send', kind: 'sent', bytes: 78 },
  { t: 1.5, phase: 'reply', kind: 'received', bytes: 40, preview: HOSTILE_PREVIEW },
  { t: 1.9, phase: 'reply', kind: 'reset', code: 'ECONNRESET' },
];

export const okEvents: TimelineEvent[] = [
  { t: 0.2, phase: 'resolve', kind: 'resolved', addresses: [{ address: '127.0.0.1', family: 4 }] },
  { t: 0.3, phase: 'connect', kind: 'connecting', address: '127.0.0.1', port: 8080, family: 4 },
  { t: 0.5, phase: 'connect', kind: 'connected', localAddress: '127.0.0.1', localPort: 50001 },
  { t: 0.9, phase: 'send', kind: 'sent', bytes: 78 },
  { t: 1.4, phase: 'reply', kind: 'received', bytes: 120, preview: 'HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nok' },
  { t: 502, phase: 'reply', kind: 'closed_by_us' },
];

function base(index: number, name: string, target: string): Omit<CheckResult, 'status'> {
  return {
    index,
    name,
    target,
    address: null,
    source: { file: 'checks/connreset.yml', line: 4 + index * 3 },
    expected: 'ok',
    notRunReason: null,
    outcome: null,
    observed: null,
    durationMs: null,
    connectMs: null,
    startedAt: null,
    attempts: 0,
    failedAttempts: 0,
    reasons: [],
    topCause: null,
    summary: null,
    observation: null,
    diagnosis: null,
  };
}

/** A run with one of each: passed, failed (hostile reply), deadline, fail-fast skip, duplicate name. */
export function fixtureRun(overrides: Partial<CheckRun> = {}): CheckRun {
  const failedObs = observation('127.0.0.1:8081', resetEvents);
  const failedDiag = diagnosis('reply_then_reset', { title: 'The application closed the socket with an error', evidence: [`reply was ${HOSTILE_PREVIEW}`] });
  const results: CheckResult[] = [
    {
      ...base(0, 'api health', 'http://127.0.0.1:8080/health'),
      status: 'passed',
      outcome: 'ok',
      observed: 'ok',
      durationMs: 502.25,
      connectMs: 0.5,
      startedAt: '2026-11-25T12:00:00.000Z',
      attempts: 1,
      summary: 'healthy',
    },
    {
      ...base(1, 'payments, "eu"', '127.0.0.1:8081'),
      status: 'failed',
      outcome: 'reply_then_reset',
      observed: 'reply_then_reset',
      durationMs: 1.9,
      connectMs: 0.6,
      startedAt: '2026-11-25T12:00:00.000Z',
      attempts: 1,
      failedAttempts: 1,
      reasons: ['expected ok, observed reply_then_reset'],
      topCause: { id: 'app_error_close', title: 'The application closed the socket with an error', confidence: 0.8 },
      summary: `The peer replied then reset: ${HOSTILE_PREVIEW}`,
      observation: failedObs,
      diagnosis: failedDiag,
    },
    { ...base(2, '10.0.0.1:5432', '10.0.0.1:5432'), status: 'not_run', notRunReason: 'deadline', reasons: ['not finished before the --deadline'] },
    { ...base(3, '127.0.0.1:9', '127.0.0.1:9'), status: 'not_run', notRunReason: 'fail_fast' },
    {
      ...base(4, '127.0.0.1:9', '127.0.0.1:9'),
      status: 'passed',
      expected: 'refused',
      outcome: 'refused',
      observed: 'refused',
      durationMs: 0.4,
      startedAt: '2026-11-25T12:00:00.000Z',
      attempts: 1,
    },
  ];
  return {
    source: 'checks/connreset.yml',
    startedAt: '2026-11-25T12:00:00.000Z',
    durationMs: 1234.5,
    concurrency: { requested: 100, used: 5, fdLimit: 1024, cappedBy: null },
    stoppedBy: 'fail_fast',
    signal: null,
    results,
    ...overrides,
  };
}
