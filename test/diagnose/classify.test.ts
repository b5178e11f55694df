import { describe, expect, it } from 'vitest';
import { classify } from '../../src/diagnose/classify.js';
import type { Observation, TimelineEvent } from '../../src/diagnose/observation.js';

type Body = TimelineEvent;

function timeline(events: Body[], options: Partial<Observation['options']> = {}): Observation {
  return {
    schema: 'connreset.observation/v1',
    target: 'http://127.0.0.1:8080',
    host: '127.0.0.1',
    port: 8080,
    scheme: 'http',
    address: '127.0.0.1',
    family: 4,
    startedAt: '2026-11-25T12:00:00.000Z',
    durationMs: events.at(-1)?.t ?? 0,
    options: { send: 'http', sendBytes: 80, connectTimeoutMs: 5000, replyTimeoutMs: 2000, idleMs: null, keepaliveMs: null, expect: null, tls: false, ...options },
    events,
  };
}

const connected: Body[] = [
  { t: 0.1, phase: 'resolve', kind: 'resolved', addresses: [{ address: '127.0.0.1', family: 4 }] },
  { t: 0.2, phase: 'connect', kind: 'connecting', address: '127.0.0.1', port: 8080, family: 4 },
  { t: 0.4, phase: 'connect', kind: 'connected', localAddress: '127.0.0.1', localPort: 50000 },
];
const sent: Body = { t: 300.5, phase: 'send', kind: 'sent', bytes: 80 };

describe('classify', () => {
  it('an RST before the connect completed is a reset on connect; an ECONNREFUSED is a refusal', () => {
    const base = connected.slice(0, 2);
    expect(classify(timeline([...base, { t: 0.5, phase: 'connect', kind: 'reset', code: 'ECONNRESET' }]))).toBe('reset_on_connect');
    expect(classify(timeline([...base, { t: 0.5, phase: 'connect', kind: 'error', code: 'ECONNREFUSED', message: 'refused' }]))).toBe('refused');
    expect(classify(timeline([...base, { t: 5000, phase: 'connect', kind: 'timeout', limitMs: 5000 }]))).toBe('connect_timeout');
  });

  it('the first decisive event wins: a FIN while idle stays the outcome even when the resume then draws an RST', () => {
    const events: Body[] = [
      ...connected,
      sent,
      { t: 301, phase: 'reply', kind: 'received', bytes: 40, preview: 'HTTP/1.1 200 OK\\r\\n\\r\\n' },
      { t: 801, phase: 'idle', kind: 'idle_start', durationMs: 10000, keepaliveMs: null },
      { t: 5801, phase: 'idle', kind: 'fin' },
      { t: 5802, phase: 'idle', kind: 'idle_end' },
      { t: 5803, phase: 'resume', kind: 'sent', bytes: 80 },
      { t: 5804, phase: 'resume', kind: 'reset', code: 'EPIPE' },
    ];
    expect(classify(timeline(events, { idleMs: 10000 }))).toBe('closed_while_idle');
  });

  it('a reply timer with no byte is no reply; with bytes still flowing it is a slow reply', () => {
    expect(classify(timeline([...connected, sent, { t: 2300.5, phase: 'reply', kind: 'timeout', limitMs: 2000 }]))).toBe('no_reply');
    const flowing: Body[] = [
      ...connected,
      sent,
      { t: 301, phase: 'reply', kind: 'received', bytes: 1, preview: 'H' },
      { t: 2201, phase: 'reply', kind: 'received', bytes: 1, preview: 'T' },
      { t: 2301, phase: 'reply', kind: 'timeout', limitMs: 2000 },
    ];
    expect(classify(timeline(flowing))).toBe('slow_reply');
  });

  it('an HTTP reply that stopped before the end of its headers is slow; a whole one, or one too big to judge, is fine', () => {
    const reply = (preview: string): Body[] => [
      ...connected,
      sent,
      { t: 301, phase: 'reply', kind: 'received', bytes: preview.length, preview },
      { t: 801, phase: 'reply', kind: 'closed_by_us' },
    ];
    expect(classify(timeline(reply('HTTP/1.1 20')))).toBe('slow_reply');
    expect(classify(timeline(reply('HTTP/1.1 200 OK\\r\\nContent-Length: 0\\r\\n\\r\\n')))).toBe('ok');
    expect(classify(timeline(reply('HTTP/1.1 200 OK\\r\\nServer: a-very-long-header…')))).toBe('ok');
    // not an HTTP reply at all: another protocol's answer is not "slow"
    expect(classify(timeline(reply('-ERR unknown command\\r\\n')))).toBe('ok');
  });

  it('a write that never completed is a stalled send', () => {
    expect(classify(timeline([...connected, { t: 2300, phase: 'send', kind: 'timeout', limitMs: 2000 }]))).toBe('send_stalled');
  });

  it('a banner that is all there is (nothing to send) is healthy; the banner timer is not decisive', () => {
    const events: Body[] = [
      ...connected,
      { t: 2, phase: 'banner', kind: 'received', bytes: 20, preview: '220 ready\\r\\n' },
      { t: 502, phase: 'banner', kind: 'closed_by_us' },
    ];
    expect(classify(timeline(events, { send: 'none', sendBytes: 0 }))).toBe('ok');
  });

  it('a FIN or RST during the TLS handshake is a TLS failure', () => {
    expect(classify(timeline([...connected, { t: 1, phase: 'tls', kind: 'fin' }], { tls: true }))).toBe('tls_failure');
    expect(classify(timeline([...connected, { t: 1, phase: 'tls', kind: 'reset', code: 'ECONNRESET' }], { tls: true }))).toBe('tls_failure');
  });
});
