import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { OUTCOME_INFO } from '../../src/knowledge/outcomes.js';
import { fixture, loadFixtures } from './fixtures.js';

const fixtures = loadFixtures();

describe('diagnosis of recorded observations', () => {
  it('has fixtures for both the lab and hand-written timelines', () => {
    expect(fixtures.filter((f) => f.name.startsWith('lab-')).length).toBeGreaterThanOrEqual(21);
    expect(fixtures.filter((f) => f.name.startsWith('hand-')).length).toBeGreaterThanOrEqual(10);
  });

  for (const f of fixtures) {
    it(`${f.name}: ${f.expected.outcome}, top cause ${f.expected.topCause ?? 'none'}`, () => {
      const d = diagnose(f.observation);
      expect(d.outcome).toBe(f.expected.outcome);
      expect(d.causes[0]?.id ?? null).toBe(f.expected.topCause);
      expect(d.healthy).toBe(f.expected.healthy ?? OUTCOME_INFO[d.outcome].severity !== 'failure');
      const confidences = d.causes.map((c) => c.confidence);
      expect([...confidences].sort((a, b) => b - a)).toEqual(confidences);
      for (const c of d.causes) {
        expect(c.confidence).toBeGreaterThan(0);
        expect(c.confidence).toBeLessThan(1);
        expect(c.remediation.length).toBeGreaterThan(0);
      }
      // every sentence is whole: no placeholder left, no missing value printed
      const text = [d.summary, ...d.causes.flatMap((c) => c.evidence), ...Object.values(d.clientError ?? {})].join('\n');
      expect(text).not.toMatch(/\{\w+\}|undefined|\bnull\b|NaN/);
    });
  }

  it('a failure always comes with evidence from its own timeline for the top cause', () => {
    for (const f of fixtures) {
      const d = diagnose(f.observation);
      if (d.healthy && d.causes.length === 0) continue;
      expect(d.causes[0]?.evidence.length, f.name).toBeGreaterThan(0);
    }
  });
});

describe('evidence tied to the timeline', () => {
  it('a reset right after the request names the delay, the request and the suspicion', () => {
    const d = diagnose(fixture('lab-reset-on-request').observation);
    expect(d.causes[0]?.evidence[0]).toMatch(/^the RST came \d+(\.\d)? ms after our 83-byte HTTP request, with no reply: the service on this port rejected the request$/);
    expect(d.summary).toMatch(/reset the connection .* after our 83-byte HTTP request, without replying/);
  });

  it('a close after 5 s of silence names the idle timeout and when to reconnect', () => {
    const d = diagnose(fixture('hand-node-keepalive-5s').observation);
    const evidence = d.causes[0]?.evidence.join('\n') ?? '';
    expect(evidence).toContain('the server closed the connection gracefully after 5.0 s of silence: its idle timeout is about 5 s; drop pooled connections (or send an application-level request, e.g. a PING) before 4 s of silence: TCP keepalive does not reset a server\'s idle timer');
    expect(evidence).toContain('Node.js http.Server keepAliveTimeout');
    // the probe wrote again after the FIN, as a pooled client would, and drew an RST
    const reuse = d.causes.find((c) => c.id === 'wrote_after_peer_closed');
    expect(reuse?.evidence.join(' ')).toMatch(/drew an RST [\d.]+ ms later \(EPIPE\)/);
  });

  it('a reset after exactly 4 minutes of silence points at an Azure load balancer', () => {
    const d = diagnose(fixture('hand-azure-lb-240s').observation);
    expect(d.causes[0]?.id).toBe('middlebox_idle_timeout');
    expect(d.causes[0]?.evidence.join(' ')).toContain('Azure Load Balancer');
  });

  it('TCP keepalive during the idle hold lowers the middlebox explanation', () => {
    const withKeepalive = diagnose(fixture('hand-keepalive-reset-while-idle').observation);
    const plain = fixture('hand-keepalive-reset-while-idle');
    plain.observation.options.keepaliveMs = null;
    const withoutKeepalive = diagnose(plain.observation);
    const middlebox = (d: ReturnType<typeof diagnose>): number =>
      d.causes.find((c) => c.id === 'middlebox_idle_timeout')?.confidence ?? 0;
    expect(middlebox(withKeepalive)).toBeLessThan(middlebox(withoutKeepalive));
    expect(withKeepalive.causes.find((c) => c.id === 'middlebox_idle_timeout')?.evidence.join(' ')).toContain('TCP keepalive was on (every 30.0 s)');
  });

  it('a TLS record in answer to plain text is a protocol mismatch, and says which probe to try', () => {
    const f = fixture('lab-tls-on-plain-text');
    const d = diagnose(f.observation);
    expect(d.causes[0]?.evidence[0]).toContain('are a TLS record');
    expect(d.causes[0]?.evidence[0]).toContain(`connreset probe tls://127.0.0.1:${f.observation.port}`);
  });

  it('"wrong version number" from our handshake means the port speaks plain text', () => {
    const f = fixture('lab-plain-on-tls');
    const d = diagnose(f.observation);
    expect(d.causes[0]?.evidence[0]).toMatch(/wrong version number.*this port does not speak TLS, try connreset probe http:\/\/127\.0\.0\.1:\d+/);
  });

  it('without the signal, the same close after a request ranks the application first', () => {
    // the tls-on-plain reply with its words removed is just a reply and a close
    const f = fixture('lab-tls-on-plain');
    for (const e of f.observation.events) if (e.kind === 'received') e.preview = 'HTTP/1.0 400 Bad Request\\r\\n\\r\\nbad request\\n';
    const d = diagnose(f.observation);
    expect(d.outcome).toBe('reply_then_close');
    expect(d.causes[0]?.id).not.toBe('protocol_mismatch');
  });
});

describe("the error the user's own client would have seen", () => {
  it('for a reset: 104 on Linux, 54 on macOS, 10054 on Windows, ECONNRESET in Node, and the Java/Python/Go words', () => {
    const view = diagnose(fixture('lab-reply-then-reset').observation).clientError;
    expect(view?.symbol).toBe('ECONNRESET');
    expect(view?.linux).toContain('104');
    expect(view?.macos).toContain('54');
    expect(view?.windows).toContain('10054');
    expect(view?.node).toContain('ECONNRESET');
    expect(view?.python).toContain('ConnectionResetError');
    expect(view?.java).toBe('java.net.SocketException: Connection reset');
    expect(view?.go).toContain('connection reset by peer');
  });

  it('for a refusal, the address probed is in the messages that carry one', () => {
    const f = fixture('lab-refused');
    const view = diagnose(f.observation).clientError;
    expect(view?.windows).toContain('10061');
    expect(view?.node).toBe(`Error: connect ECONNREFUSED 127.0.0.1:${f.observation.port} (code 'ECONNREFUSED')`);
    expect(view?.go).toBe(`dial tcp 127.0.0.1:${f.observation.port}: connect: connection refused`);
  });

  it('nothing for a healthy endpoint', () => {
    expect(diagnose(fixture('lab-ok').observation).clientError).toBeNull();
  });
});
