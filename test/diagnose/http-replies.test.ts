/**
 * HTTP error replies: a 5xx over a healthy connection is `http_5xx` with the cause its status (or
 * the proxy's own page) points to; the proxy is named from its headers; a reset still wins the
 * outcome; a 4xx stays the client's business. Recorded nginx timelines and hand-written ones.
 */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { parseHttpReply } from '../../src/diagnose/http-reply.js';
import type { Observation, TimelineEvent } from '../../src/diagnose/observation.js';
import { fixture } from './fixtures.js';

const evidenceOf = (obs: Observation, rank = 0): string => diagnose(obs).causes[rank]?.evidence.join('\n') ?? '';

/** The fixture with its reply preview replaced (the same timeline, another answer). */
function withReply(name: string, preview: string): Observation {
  const f = fixture(name);
  const received = f.observation.events.find((e): e is Extract<TimelineEvent, { kind: 'received' }> => e.kind === 'received');
  received!.preview = preview;
  return f.observation;
}

describe('a 5xx from a proxy, over a connection that behaved', () => {
  it("nginx's real 502 for an upstream reset: http_5xx, exit 1, the proxy named, its log lines, the sporadic-502 race second", () => {
    const d = diagnose(fixture('real-nginx-502-upstream-reset').observation);
    expect(d.outcome).toBe('http_5xx');
    expect(d.healthy).toBe(false);
    expect(d.summary).toMatch(/^The TCP connection to 127\.0\.0\.1:18600 is fine, but the request failed: nginx answered "502 Bad Gateway" [\d.]+ ms after our \d+-byte HTTP request and kept the connection open\.$/);
    expect(d.causes.map((c) => c.id)).toEqual(['upstream_reset', 'upstream_keepalive_mismatch']);
    const evidence = d.causes[0]!.evidence;
    expect(evidence[0]).toMatch(/^nginx \(Server: nginx\/1\.22\.1\) answered "502 Bad Gateway" [\d.]+ ms after our \d+-byte HTTP request: it could not get a valid reply from its upstream/);
    expect(evidence.join('\n')).toContain('`recv() failed (104: Connection reset by peer) while reading response header from upstream`');
    expect(evidence.join('\n')).toContain('paste that line into `connreset explain -`');
    expect(d.causes[0]!.remediation.join('\n')).toContain('connreset probe http://UPSTREAM:PORT/path');
    expect(d.causes[1]!.evidence[0]).toContain('`keepalive_timeout` in its `upstream {}` block (60 s by default)');
    // no socket error: the client sees the status, not an OS error
    expect(d.clientError?.linux).toBeNull();
    expect(d.clientError?.python).toContain('HTTP Error 502: Bad Gateway');
  });

  it("nginx's real 504 points at the upstream's timeout and says how long the answer took", () => {
    const d = diagnose(fixture('real-nginx-504-upstream-timeout').observation);
    expect(d.causes[0]?.id).toBe('upstream_timeout');
    expect(evidenceOf(fixture('real-nginx-504-upstream-timeout').observation)).toContain('`upstream timed out (110: Connection timed out) while reading response header from upstream`');
    expect(d.causes[1]?.evidence[0]).toMatch(/^the answer took 1\.0 s: about how long the proxy waits for its upstream/);
  });

  it("an AWS ALB's 502 then a close: named from Server: awselb/2.0, with the target-keep-alive advice", () => {
    const obs = fixture('hand-alb-502-then-close').observation;
    const d = diagnose(obs);
    expect(d.outcome).toBe('http_5xx');
    expect(d.summary).toContain('an AWS Application Load Balancer answered "502 Bad Gateway"');
    expect(d.summary).toMatch(/ and closed the connection gracefully [\d.]+ ms later\.$/);
    expect(evidenceOf(obs)).toContain('target_status_code `-`');
    expect(evidenceOf(obs, 1)).toContain("Node's server.keepAliveTimeout is 5 s by default: set it to 65 s");
  });

  it("Envoy's 503 is read by its page: a reset before headers is an upstream reset, 'no healthy upstream' is unavailability", () => {
    const reset = diagnose(fixture('hand-envoy-503-upstream-reset').observation);
    expect(reset.causes[0]?.id).toBe('upstream_reset');
    expect(reset.causes[0]?.evidence.join('\n')).toContain('its error page says "upstream connect error or disconnect/reset before headers"');
    expect(reset.causes[0]?.evidence.join('\n')).toContain('UC (upstream connection termination)');

    const none = diagnose(fixture('hand-envoy-503-no-healthy-upstream').observation);
    expect(none.causes[0]?.id).toBe('upstream_unavailable');
    const evidence = none.causes[0]!.evidence.join('\n');
    expect(evidence).toContain('Envoy (Server: istio-envoy) answered "503 Service Unavailable"');
    expect(evidence).toContain('Retry-After: 30');
    expect(evidence).toContain('UH (no healthy upstream host)');
  });

  it('HAProxy sends no Server header: its page names it', () => {
    const d = diagnose(fixture('hand-haproxy-504').observation);
    expect(d.causes[0]?.id).toBe('upstream_timeout');
    expect(d.causes[0]?.evidence[0]).toMatch(/^HAProxy answered "504 Gateway Time-out" 30\.0 s after/);
    expect(d.causes[0]?.evidence.join('\n')).toContain('termination state `sH`');
  });

  it('an unnamed proxy is "the proxy" for a 502, and the log advice covers the common proxies', () => {
    const obs = withReply('real-nginx-502-upstream-reset', 'HTTP/1.1 502 Bad Gateway\\r\\nContent-Length: 0\\r\\n\\r\\n');
    const d = diagnose(obs);
    expect(d.causes[0]?.evidence[0]).toMatch(/^the proxy answered "502 Bad Gateway"/);
    expect(d.causes[0]?.evidence.join('\n')).toContain("the proxy's error log has the reason for this request (nginx:");
  });

  it("a page signed by nginx names nginx even with its Server header hidden; Envoy's circuit-breaker overflow is unavailability", () => {
    const page = '<html>\\r\\n<head><title>502 Bad Gateway</title></head>\\r\\n<body>\\r\\n<center><h1>502 Bad Gateway</h1></center>\\r\\n<hr><center>nginx</center>\\r\\n</body>\\r\\n</html>\\r\\n';
    const hidden = diagnose(withReply('real-nginx-502-upstream-reset', `HTTP/1.1 502 Bad Gateway\\r\\nContent-Type: text/html\\r\\n\\r\\n${page}`));
    expect(hidden.causes[0]?.evidence[0]).toMatch(/^nginx answered "502 Bad Gateway"/);
    expect(hidden.causes[0]?.evidence.join('\n')).not.toContain('its error page says');

    const overflow = diagnose(
      withReply('real-nginx-502-upstream-reset', 'HTTP/1.1 503 Service Unavailable\\r\\nserver: envoy\\r\\n\\r\\nupstream connect error or disconnect/reset before headers. reset reason: overflow'),
    );
    expect(overflow.causes[0]?.id).toBe('upstream_unavailable');
  });

  it("Cloudflare's own codes: 522 is a timeout to the origin, 521 a refusal", () => {
    const cf = (status: string): string | undefined =>
      diagnose(withReply('real-nginx-502-upstream-reset', `HTTP/1.1 ${status}\\r\\nServer: cloudflare\\r\\nContent-Length: 0\\r\\n\\r\\n`)).causes[0]?.id;
    expect(cf('522 <none>')).toBe('upstream_timeout');
    expect(cf('521 <none>')).toBe('upstream_reset');
  });

  it("Heroku's Router 2.0 is named by its Via header, with its H codes and its 90 s keep-alive to dynos", () => {
    const obs = withReply('real-nginx-502-upstream-reset', 'HTTP/1.1 503 Service Unavailable\\r\\nVia: 2.0 heroku-router\\r\\nContent-Length: 0\\r\\n\\r\\n');
    const d = diagnose(obs);
    expect(d.causes[0]?.evidence[0]).toMatch(/^Heroku's router \(Via: 2\.0 heroku-router\) answered "503 Service Unavailable"/);
    expect(d.causes[0]?.evidence.join('\n')).toContain('H13 (connection closed without response)');
  });

  it("an Envoy reset names UR (remote reset) among its flags; HAProxy's connect timeout is sC", () => {
    const envoy = diagnose(withReply('real-nginx-502-upstream-reset', 'HTTP/1.1 503 Service Unavailable\\r\\nserver: envoy\\r\\n\\r\\nupstream connect error or disconnect/reset before headers. reset reason: remote reset'));
    expect(envoy.causes[0]?.id).toBe('upstream_reset');
    expect(envoy.causes[0]?.evidence.join('\n')).toContain('UR (upstream remote reset)');
    const haproxy = diagnose(withReply('real-nginx-502-upstream-reset', "HTTP/1.1 504 Gateway Time-out\\r\\n\\r\\n<html><body><h1>504 Gateway Time-out</h1>\\nThe server didn't respond in time.\\n</body></html>"));
    expect(haproxy.causes[0]?.evidence.join('\n')).toContain('`sC` (`timeout connect` expired)');
  });

  it('the resumed request of a pooled connection answered 502 is http_5xx too, dated from the resume', () => {
    const d = diagnose(fixture('hand-resume-502').observation);
    expect(d.outcome).toBe('http_5xx');
    expect(d.causes[0]?.evidence[0]).toMatch(/answered "502 Bad Gateway" 1\.6 ms after our 83-byte HTTP request/);
  });
});

describe("what the user's own client shows for an http_5xx", () => {
  it('for a 502: each library\'s own words, with the code, the reason and the URL of this reply', () => {
    const view = diagnose(fixture('real-nginx-502-upstream-reset').observation).clientError;
    expect(view?.symbol).toBeNull();
    expect([view?.linux, view?.macos, view?.windows]).toEqual([null, null, null]);
    expect(view?.curl).toContain('with -f (--fail): curl: (22) The requested URL returned error: 502');
    expect(view?.python).toContain('requests.exceptions.HTTPError: 502 Server Error: Bad Gateway for url: http://127.0.0.1:18600/rst;');
    expect(view?.python).toContain('urllib.error.HTTPError: HTTP Error 502: Bad Gateway');
    expect(view?.node).toContain('res.ok === false and res.status === 502');
    expect(view?.node).toContain('AxiosError: Request failed with status code 502');
    expect(view?.java).toContain('response.statusCode() == 502');
    expect(view?.java).toContain('java.io.IOException: Server returned HTTP response code: 502 for URL: http://127.0.0.1:18600/rst');
    expect(view?.go).toBe('no error: resp.StatusCode == 502 (resp.Status "502 Bad Gateway"); check it yourself');
    expect(view?.dotnet).toContain('System.Net.Http.HttpRequestException: Response status code does not indicate success: 502 (Bad Gateway).');
  });

  it('for a 503: 503 Service Unavailable, not the 502 words', () => {
    const view = diagnose(fixture('real-nginx-503-from-upstream').observation).clientError;
    const all = Object.values(view ?? {}).join('\n');
    expect(view?.python).toContain('503 Server Error: Service Unavailable for url: http://127.0.0.1:18600/app503');
    expect(view?.python).toContain('HTTP Error 503: Service Unavailable');
    expect(view?.curl).toContain('returned error: 503');
    expect(view?.dotnet).toContain('does not indicate success: 503 (Service Unavailable).');
    expect(all).not.toContain('502');
    expect(all).not.toContain('Bad Gateway');
  });

  it("takes the reason words from the reply itself: Varnish's 503 Backend fetch failed, Apache's 502 Proxy Error", () => {
    const varnish = diagnose(withReply('real-nginx-502-upstream-reset', 'HTTP/1.1 503 Backend fetch failed\\r\\nServer: Varnish\\r\\nContent-Length: 0\\r\\n\\r\\n')).clientError;
    expect(varnish?.python).toContain('503 Server Error: Backend fetch failed for url:');
    expect(varnish?.dotnet).toContain('503 (Backend fetch failed).');
    const apache = diagnose(withReply('real-nginx-502-upstream-reset', 'HTTP/1.1 502 Proxy Error\\r\\nServer: Apache/2.4.57\\r\\nContent-Length: 0\\r\\n\\r\\n')).clientError;
    expect(apache?.python).toContain('urllib.error.HTTPError: HTTP Error 502: Proxy Error');
  });

  it('a target that is not an http(s) URL leaves the URL out rather than inventing one', () => {
    const f = fixture('real-nginx-502-upstream-reset');
    f.observation.target = '127.0.0.1:18600';
    const view = diagnose(f.observation).clientError;
    expect(view?.python).toContain('502 Server Error: Bad Gateway for url: …;');
  });
});

describe('what does not become http_5xx', () => {
  it('a reset after the 502 keeps reply_then_reset, and the status names the cause', () => {
    const d = diagnose(fixture('hand-502-then-reset').observation);
    expect(d.outcome).toBe('reply_then_reset');
    expect(d.causes[0]?.id).toBe('upstream_reset');
    // the connection was not fine: no "itself is fine" sentence
    expect(d.causes[0]?.evidence.join('\n')).not.toContain('itself is fine');
    expect(d.causes.find((c) => c.id === 'reset_after_reply')?.evidence[0]).toContain('("502 Bad Gateway") and then reset the connection');
  });

  it('a 404 then a close stays reply_then_close and healthy, with the status in the evidence', () => {
    const d = diagnose(fixture('hand-404-then-close').observation);
    expect(d.outcome).toBe('reply_then_close');
    expect(d.healthy).toBe(true);
    expect(d.causes[0]?.evidence[0]).toMatch(/^the peer sent a \d+-byte reply \("404 Not Found"\) and closed/);
  });

  it('a 404 over a kept connection is ok, and the summary shows the status', () => {
    const d = diagnose(withReply('lab-ok', 'HTTP/1.1 404 Not Found\\r\\nContent-Length: 0\\r\\n\\r\\n'));
    expect(d.outcome).toBe('ok');
    expect(d.summary).toContain('("404 Not Found")');
  });

  it('an --expect that matched is the user\'s verdict: a 503 they expect stays ok', () => {
    const f = fixture('hand-envoy-503-no-healthy-upstream');
    const events = f.observation.events;
    events.splice(events.length - 1, 0, { t: 528.3, phase: 'reply', kind: 'expect_matched', pattern: '^HTTP/1\\.1 503' });
    f.observation.options.expect = '^HTTP/1\\.1 503';
    expect(diagnose(f.observation).outcome).toBe('ok');
  });

  it('an --expect that failed on a 502 stays expect_failed, but the 502 ranks first', () => {
    const f = fixture('real-nginx-502-upstream-reset');
    const events = f.observation.events;
    events.splice(events.length - 1, 0, { t: 40, phase: 'reply', kind: 'expect_failed', pattern: '^HTTP/1\\.1 200' });
    f.observation.options.expect = '^HTTP/1\\.1 200';
    const d = diagnose(f.observation);
    expect(d.outcome).toBe('expect_failed');
    expect(d.causes[0]?.id).toBe('upstream_reset');
  });

  it('a reply that is not HTTP is never read as one', () => {
    const d = diagnose(withReply('real-nginx-502-upstream-reset', '-ERR 502 upstream\\r\\n'));
    expect(d.outcome).toBe('ok');
  });
});

describe('parseHttpReply', () => {
  it('reads the status, headers and body of an escaped preview', () => {
    const reply = parseHttpReply('HTTP/1.1 503 Service Unavailable\\r\\nServer: envoy\\r\\nRetry-After: 5\\r\\n\\r\\nno healthy upstream');
    expect(reply?.status).toBe(503);
    expect(reply?.statusText).toBe('503 Service Unavailable');
    expect(reply?.headers.get('server')).toBe('envoy');
    expect(reply?.headers.get('retry-after')).toBe('5');
    expect(reply?.body).toBe('no healthy upstream');
  });

  it('copes with a preview cut inside the headers, and with a status line without words', () => {
    expect(parseHttpReply('HTTP/1.1 502 Bad Gateway\\r\\nServer: ngi…')?.status).toBe(502);
    expect(parseHttpReply('HTTP/1.0 500\\r\\n\\r\\n')?.statusText).toBe('500');
    expect(parseHttpReply('HTTP/1.1 5')).toBeNull();
    expect(parseHttpReply('SSH-2.0-OpenSSH_9.6\\r\\n')).toBeNull();
  });

  it('keeps what a hostile peer puts in a header escaped', () => {
    const reply = parseHttpReply('HTTP/1.1 502 Bad\\x1b[31m Gateway\\r\\nServer: evil\\x07\\x1b[2J\\r\\n\\r\\n');
    expect(reply?.statusText).toBe('502 Bad\\x1b[31m Gateway');
    expect(reply?.headers.get('server')).toBe('evil\\x07\\x1b[2J');
  });
});
