import { describe, expect, it } from 'vitest';
import { describeExpectation, evaluate, idleCloseAfterMs, type Expectation } from '../../src/check/expectation.js';
import type { TimelineEvent } from '../../src/diagnose/observation.js';
import { diagnosis, observation, okEvents, resetEvents } from './fixtures.js';

const idleEvents = (closeAt: number, kind: 'fin' | 'reset'): TimelineEvent[] => [
  { t: 0.3, phase: 'connect', kind: 'connecting', address: '127.0.0.1', port: 8083, family: 4 },
  { t: 0.5, phase: 'connect', kind: 'connected', localAddress: '127.0.0.1', localPort: 50002 },
  { t: 1, phase: 'send', kind: 'sent', bytes: 78 },
  { t: 2, phase: 'reply', kind: 'received', bytes: 20, preview: '+PONG\\r\\n' },
  // the probe waits out the reply's quiet period before the idle hold starts
  { t: 502, phase: 'idle', kind: 'idle_start', durationMs: 10_000, keepaliveMs: null },
  kind === 'fin' ? { t: 2 + closeAt, phase: 'idle', kind: 'fin' } : { t: 2 + closeAt, phase: 'idle', kind: 'reset', code: 'ECONNRESET' },
];

const exp = (e: Partial<Expectation>): Expectation => ({ outcomes: [], idleWindow: null, reply: null, ...e });

describe('evaluate', () => {
  it('passes when the outcome is the expected one, or one of a list', () => {
    expect(evaluate(exp({ outcomes: ['ok'] }), observation('a:1', okEvents), diagnosis('ok')).pass).toBe(true);
    expect(evaluate(exp({ outcomes: ['refused', 'connect_timeout'] }), observation('a:1', []), diagnosis('connect_timeout')).pass).toBe(true);
  });

  it('fails with a reason naming expected and observed', () => {
    const v = evaluate(exp({ outcomes: ['ok'] }), observation('a:1', resetEvents), diagnosis('reply_then_reset'));
    expect(v.pass).toBe(false);
    expect(v.reasons).toEqual(['expected ok, observed reply_then_reset']);
    expect(v.observed).toBe('reply_then_reset');
  });

  it('checks the time of an idle close against the window', () => {
    const e = exp({ outcomes: ['closed_while_idle'], idleWindow: { minMs: 4500, maxMs: 5500 } });
    const inside = evaluate(e, observation('a:1', idleEvents(5000, 'fin')), diagnosis('closed_while_idle'));
    expect(inside.pass).toBe(true);
    expect(inside.observed).toBe('closed_while_idle after 5.0 s silent');
    const early = evaluate(e, observation('a:1', idleEvents(1200, 'fin')), diagnosis('closed_while_idle'));
    expect(early.pass).toBe(false);
    expect(early.reasons[0]).toContain('it ended it after 1.2 s');
    const never = evaluate(e, observation('a:1', okEvents), diagnosis('ok'));
    expect(never.pass).toBe(false);
    expect(never.reasons).toHaveLength(2);
  });

  it('measures the silence before an idle close from the last byte, not from the start of the idle hold', () => {
    expect(idleCloseAfterMs(observation('a:1', idleEvents(61_000, 'reset')))).toBe(61_000);
    expect(idleCloseAfterMs(observation('a:1', resetEvents))).toBeNull();
  });

  it('matches the reply by the probe verdict when present, else by the received preview', () => {
    const withVerdict: TimelineEvent[] = [...okEvents, { t: 3, phase: 'reply', kind: 'expect_failed', pattern: '^HTTP/1\\.1 200' }];
    expect(evaluate(exp({ reply: '^HTTP/1\\.1 200' }), observation('a:1', withVerdict), diagnosis('expect_failed')).pass).toBe(false);
    expect(evaluate(exp({ reply: '^HTTP/1\\.1 200' }), observation('a:1', okEvents), diagnosis('ok')).pass).toBe(true);
    const v = evaluate(exp({ reply: '^\\+PONG' }), observation('a:1', okEvents), diagnosis('ok'));
    expect(v.pass).toBe(false);
    expect(v.reasons).toEqual(['the reply did not match /^\\+PONG/']);
    expect(v.observed).toBe('ok, reply did not match');
    expect(evaluate(exp({ reply: '^HTTP' }), observation('a:1', okEvents), diagnosis('ok')).observed).toBe('ok, reply matched');
  });

  it('describes expectations for reports', () => {
    expect(describeExpectation(exp({ outcomes: ['ok'] }))).toBe('ok');
    expect(describeExpectation(exp({ outcomes: ['refused', 'connect_timeout'] }))).toBe('refused|connect_timeout');
    expect(describeExpectation(exp({ outcomes: ['closed_while_idle'], idleWindow: { minMs: 4500, maxMs: 5500 } }))).toBe(
      'closed_while_idle within 4.5 s..5.5 s',
    );
    expect(describeExpectation(exp({ reply: '^\\+PONG' }))).toBe('reply /^\\+PONG/');
  });
});
