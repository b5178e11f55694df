/**
 * Follow-ups as pure logic over recorded data (issue #8): a truncated HTTP body, the planner (never
 * for a healthy diagnosis), the findings of each experiment, the contradiction rule and the basis
 * each cause cites. The real-server and netns runs are in test/real/followup.test.ts and
 * test/netns/content-filter.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { planFollowups } from '../../src/diagnose/followup-plan.js';
import { identifyService } from '../../src/diagnose/findings.js';
import { CAUSE_CLAIMS } from '../../src/knowledge/cause-conditions.js';
import { matchTimers } from '../../src/knowledge/server-timers.js';
import type { Observation, TimelineEvent } from '../../src/diagnose/observation.js';
import type { ExperimentRecord } from '../../src/diagnose/experiment-record.js';
import { fixture, loadFixtures } from './fixtures.js';

/** An HTTP exchange on loopback: connect, send 83 bytes, the given reply chunks, then the peer's end. */
function httpExchange(chunks: string[], end: 'fin' | 'reset'): Observation {
  const events: TimelineEvent[] = [
    { t: 0.1, phase: 'resolve', kind: 'resolved', addresses: [{ address: '127.0.0.1', family: 4 }] },
    { t: 1, phase: 'connect', kind: 'connecting', address: '127.0.0.1', port: 8080, family: 4 },
    { t: 1.2, phase: 'connect', kind: 'connected', localAddress: '127.0.0.1', localPort: 40000 },
    { t: 30, phase: 'send', kind: 'sent', bytes: 83 },
  ];
  let t = 31;
  for (const chunk of chunks) {
    const bytes = Buffer.from(chunk, 'latin1');
    const preview = [...bytes].map((b) => (b === 0x0d ? '\\r' : b === 0x0a ? '\\n' : String.fromCharCode(b))).join('');
    events.push({ t: t++, phase: 'reply', kind: 'received', bytes: bytes.length, preview });
  }
  events.push(end === 'fin' ? { t: t + 2, phase: 'reply', kind: 'fin' } : { t: t + 2, phase: 'reply', kind: 'reset', code: 'ECONNRESET' });
  return {
    schema: 'connreset.observation/v1',
    target: 'http://127.0.0.1:8080/',
    host: '127.0.0.1',
    port: 8080,
    scheme: 'http',
    address: '127.0.0.1',
    family: 4,
    startedAt: '2026-12-04T00:00:00.000Z',
    durationMs: t + 3,
    options: { send: 'http', sendBytes: 83, connectTimeoutMs: 5000, replyTimeoutMs: 2000, idleMs: null, keepaliveMs: null, expect: null, tls: false },
    events,
  };
}

describe('a truncated HTTP body', () => {
  it('Content-Length: 1000, 7 bytes, FIN: reply_truncated, unhealthy, curl (18) with the bytes remaining', () => {
    const d = diagnose(httpExchange(['HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n', 'hello\r\n'], 'fin'));
    expect(d.outcome).toBe('reply_truncated');
    expect(d.healthy).toBe(false);
    expect(d.clientError?.curl).toBe('curl: (18) transfer closed with 993 bytes remaining to read');
    expect(d.clientError?.python).toContain('IncompleteRead(7 bytes read, 993 more expected)');
    expect(d.summary).toContain('with 993 bytes of the body missing');
  });

  it('the same cut by an RST: reply_truncated, curl (56)', () => {
    const d = diagnose(httpExchange(['HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nhello'], 'reset'));
    expect(d.outcome).toBe('reply_truncated');
    expect(d.clientError?.curl).toBe('curl: (56) Recv failure: Connection reset by peer');
  });

  it('a whole Content-Length body, then FIN: reply_then_close, healthy (closes after each reply)', () => {
    const d = diagnose(httpExchange(['HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello'], 'fin'));
    expect(d.outcome).toBe('reply_then_close');
    expect(d.healthy).toBe(true);
  });

  it('chunked: a last chunk (with a trailer) is whole; without it the body was cut', () => {
    const head = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
    expect(diagnose(httpExchange([head, '5\r\nhello\r\n0\r\nX-Trailer: 1\r\n\r\n'], 'fin')).outcome).toBe('reply_then_close');
    const cut = diagnose(httpExchange([head, '5\r\nhello\r\n'], 'fin'));
    expect(cut.outcome).toBe('reply_truncated');
    expect(cut.clientError?.curl).toBe('curl: (18) transfer closed with outstanding read data remaining');
  });

  it('a close-delimited body (no length, HTTP/1.0), a 204 and a 304 are never truncated', () => {
    expect(diagnose(httpExchange(['HTTP/1.0 200 OK\r\n\r\nhello'], 'fin')).outcome).toBe('reply_then_close');
    expect(diagnose(httpExchange(['HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n'], 'fin')).outcome).toBe('reply_then_close');
    expect(diagnose(httpExchange(['HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n'], 'fin')).outcome).toBe('reply_then_close');
  });
});

describe('the follow-up planner', () => {
  it('plans nothing for a healthy diagnosis: no healthy target pays for follow-ups', () => {
    for (const f of loadFixtures()) {
      const d = diagnose(f.observation);
      if (d.healthy) expect(planFollowups(f.observation, d), f.name).toEqual([]);
    }
  });

  it('plans service identification when the top causes are a mismatch, a wrong service or an application close', () => {
    const f = fixture('lab-close-on-request');
    const planned = planFollowups(f.observation, diagnose(f.observation)).map((p) => p.id);
    expect(planned).toContain('service_id');
  });

  it('plans nothing when the budget is zero', () => {
    const f = fixture('lab-close-on-request');
    expect(planFollowups(f.observation, diagnose(f.observation), 0)).toEqual([]);
  });
});

/** A service-identification record whose trials got these replies (an escaped preview, or null for silence). */
function serviceRecord(replies: Record<string, string | null>, tls: Partial<Record<'established' | 'alert', string>> = {}): ExperimentRecord {
  const base = httpExchange([], 'fin');
  const trials = Object.entries(replies).map(([label, reply]) => {
    const events: TimelineEvent[] = base.events.slice(0, 3);
    if (label === 'tls_hello') {
      if (tls.established) {
        events.push({
          t: 3,
          phase: 'tls',
          kind: 'tls_established',
          tls: { protocol: 'TLSv1.3', cipher: null, alpn: null, subject: tls.established, issuer: null, validFrom: null, validTo: null, authorized: false, authorizationError: null },
        });
      } else {
        events.push({ t: 3, phase: 'tls', kind: 'tls_failed', code: 'ERR_SSL_WRONG_VERSION_NUMBER', message: 'wrong version number', alert: tls.alert ?? null });
      }
    } else {
      events.push({ t: 4, phase: 'send', kind: 'sent', bytes: 6 });
      if (reply !== null) events.push({ t: 5, phase: 'reply', kind: 'received', bytes: reply.length, preview: reply });
    }
    events.push({ t: 9, phase: 'reply', kind: 'closed_by_us' });
    return { label, observation: { ...base, options: { ...base.options, tls: label === 'tls_hello' }, events } };
  });
  return { id: 'service_id', question: 'q', separates: [], startedAfterMs: 0, durationMs: 10, stopped: null, trials };
}

describe('service identification reads the replies', () => {
  it.each([
    [{ listen: 'SSH-2.0-OpenSSH_9.2p1 Debian-2\\r\\n' }, 'ssh'],
    [{ listen: '220 mail.example ESMTP Postfix\\r\\n' }, 'smtp'],
    [{ listen: '220 (vsFTPd 3.0.3)\\r\\n' }, 'ftp'],
    [{ listen: 'J\\x00\\x00\\x00\\x0a8.0.36\\x00' }, 'mysql'],
    [{ postgres_ssl: 'N', http_get: null }, 'postgres'],
    [{ redis_ping: '-NOAUTH Authentication required.\\r\\n' }, 'redis'],
    [{ http_get: 'HTTP/1.1 400 Bad Request\\r\\nServer: nginx\\r\\n\\r\\n' }, 'http'],
  ])('%j → %s', (replies, service) => {
    expect(identifyService(serviceRecord({ tls_hello: null, ...replies }))?.service).toBe(service);
  });

  it('a completed handshake is TLS, with the version and the certificate subject', () => {
    const found = identifyService(serviceRecord({ tls_hello: null, http_get: null }, { established: 'CN=db.internal' }));
    expect(found).toMatchObject({ service: 'tls' });
    expect(found?.detail).toContain('TLSv1.3, certificate CN=db.internal');
  });

  it('nothing answered anything, and no one hung up: a silent client-first service', () => {
    expect(identifyService(serviceRecord({ http_get: null, redis_ping: null, listen: null }))?.service).toBe('silent');
  });
});

describe('server and proxy timers', () => {
  it('a reset after 60 s of an incomplete request names nginx client_header_timeout at its default first', () => {
    const fits = matchTimers(60_000, 'incomplete_request', 'reset');
    expect(fits[0]).toMatchObject({ atDefault: true, timer: { software: 'nginx', setting: 'client_header_timeout' } });
    // a timer that answers 408 and closes does not fit a reset
    expect(fits.map((f) => f.timer.setting)).not.toContain('headersTimeout');
  });
});

describe('honest ranking', () => {
  it('never ranks a cause whose title the timeline contradicts', () => {
    for (const f of loadFixtures()) {
      const d = diagnose(f.observation);
      const replied = f.observation.events.some((e) => e.kind === 'received' && (e.phase === 'reply' || e.phase === 'resume'));
      for (const cause of d.causes) {
        if (CAUSE_CLAIMS[cause.id] === 'no_reply' && d.outcome.startsWith('reply_')) throw new Error(`${f.name}: ${cause.id} ranked for ${d.outcome}`);
        if (CAUSE_CLAIMS[cause.id] === 'replied' && !replied) throw new Error(`${f.name}: ${cause.id} ranked without a reply`);
      }
    }
  });

  it('every failure cites what decided each cause: an event of its timeline or an experiment', () => {
    for (const f of loadFixtures()) {
      const d = diagnose(f.observation);
      if (d.healthy) continue;
      expect(d.confidenceScale).toBe('fit');
      for (const cause of d.causes) {
        expect(cause.basis, `${f.name}: ${cause.id}`).toBeDefined();
        if (cause.basis?.kind === 'event') expect(f.observation.events[cause.basis.index]?.t).toBeCloseTo(cause.basis.t, 1);
      }
    }
  });
});

/** A reset on accept, as libuv reports it either way: after the connect callback, or as the connect's own failure. */
function resetOnAccept(beatConnectCallback: boolean): Observation {
  const base = httpExchange([], 'reset');
  const events: TimelineEvent[] = [
    base.events[0]!,
    base.events[1]!,
    ...(beatConnectCallback
      ? [{ t: 1.3, phase: 'connect', kind: 'reset', code: 'ECONNRESET' } as TimelineEvent]
      : [base.events[2]!, { t: 1.3, phase: 'banner', kind: 'reset', code: 'ECONNRESET' } as TimelineEvent]),
  ];
  return { ...base, events, durationMs: 1.4 };
}

describe('a reset on accept, whichever way libuv reports it', () => {
  it('plans the same experiments (the handshake had completed either way) and reads the same outcome', () => {
    const after = resetOnAccept(false);
    const during = resetOnAccept(true);
    const plan = (o: Observation): string[] => planFollowups(o, diagnose(o)).map((p) => p.id);
    expect(diagnose(during).outcome).toBe('reset_on_connect');
    expect(diagnose(after).outcome).toBe('reset_on_connect');
    expect(plan(after)).toContain('repeat');
    expect(plan(during)).toEqual(plan(after));
  });
});
