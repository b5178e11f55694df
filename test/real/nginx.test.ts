/**
 * connreset against a real nginx (the distribution's binary, our own config, loopback, ephemeral
 * ports), through the built CLI as a user runs it. Skipped, with the reason printed, when nginx
 * is not installed (.ci/run installs nginx-light when it runs as root).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { runCli } from '../helpers/cli.js';
import { findBinary, freePort, selfSignedCertificate, startNginx, type RealServer } from './servers.js';
import { idleJson, probeJson, topCause, eventKinds } from './json.js';

const NGINX = findBinary('nginx');
if (!NGINX) console.warn('test/real/nginx.test.ts skipped: no nginx binary (apt-get install nginx-light)');

describe.skipIf(!NGINX)('against nginx', () => {
  let nginx: RealServer | null = null;
  let upstream: Server | null = null;
  const upstreamSockets = new Set<Socket>();
  const port: Record<string, number> = {};

  beforeAll(async () => {
    for (const name of ['plain', 'keepalive2', 'keepalive3', 'drop444', 'resetTimedOut', 'tls', 'proxy', 'upstream', 'nothing']) {
      port[name] = await freePort();
    }
    // an upstream that resets every request, for nginx's own "recv() failed (104: …)" line
    upstream = createServer((s) => {
      upstreamSockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => upstreamSockets.delete(s));
      s.once('data', () => s.resetAndDestroy());
    });
    upstream.listen(port.upstream, '127.0.0.1');
    await once(upstream, 'listening');
    nginx = await startNginx(
      NGINX!,
      [
        { port: port.plain!, body: 'location / { return 200 "hello\\n"; }' },
        { port: port.keepalive2!, body: 'keepalive_timeout 2s; location / { return 200 "hello\\n"; }' },
        { port: port.keepalive3!, body: 'keepalive_timeout 3s; location / { return 200 "hello\\n"; }' },
        { port: port.drop444!, body: 'location / { return 444; }' },
        { port: port.resetTimedOut!, body: 'reset_timedout_connection on; client_header_timeout 1s; location / { return 200; }' },
        { port: port.tls!, tls: true, body: 'location / { return 200 "hello tls\\n"; }' },
        {
          port: port.proxy!,
          body: `location /rst { proxy_pass http://127.0.0.1:${port.upstream}; } location /refused { proxy_pass http://127.0.0.1:${port.nothing}; }`,
        },
      ],
      await selfSignedCertificate(),
    );
  }, 30_000);

  afterAll(async () => {
    await nginx?.stop();
    for (const s of upstreamSockets) s.destroy();
    upstream?.close();
  });

  it('a healthy HTTP endpoint is ok (exit 0)', async () => {
    const { code, doc } = await probeJson([`http://127.0.0.1:${port.plain}/`, '--expect', '^HTTP/1\\.1 200']);
    expect(doc.results[0].diagnosis.outcome).toBe('ok');
    expect(code).toBe(0);
  });

  it('keepalive_timeout 2s: closed while idle, the server idle timeout of about 2 s', async () => {
    const { code, doc } = await probeJson([`http://127.0.0.1:${port.keepalive2}/`, '--idle', '4s']);
    const d = doc.results[0].diagnosis;
    expect(d.outcome).toBe('closed_while_idle');
    expect(topCause(d).id).toBe('server_idle_timeout');
    expect(topCause(d).evidence.join(' ')).toContain('idle timeout is about 2 s');
    expect(code).toBe(1);
  });

  it('return 444: closed after our request without a reply, the application closed it', async () => {
    const { doc } = await probeJson([`http://127.0.0.1:${port.drop444}/`]);
    const d = doc.results[0].diagnosis;
    expect(d.outcome).toBe('closed_after_send');
    expect(topCause(d).id).toBe('app_error_close');
  });

  it('reset_timedout_connection: a real RST after an unfinished request', async () => {
    const { doc } = await probeJson([`127.0.0.1:${port.resetTimedOut}`, '--send', 'text:GET / HTTP/1.1\\r\\n', '--reply-timeout', '3s']);
    const r = doc.results[0];
    expect(r.diagnosis.outcome).toBe('reset_after_send');
    expect(r.observation.events.find((e: { kind: string }) => e.kind === 'reset')).toMatchObject({ phase: 'reply', code: 'ECONNRESET' });
  });

  it('client_header_timeout on a connection that sends nothing: a server timer, not a connection limit', async () => {
    // a connect-only check ends at the settle time: --banner-timeout waits for the server's timer
    const { doc } = await probeJson([`127.0.0.1:${port.resetTimedOut}`, '--send', 'none', '--banner-timeout', '3s']);
    const d = doc.results[0].diagnosis;
    expect(d.outcome).toBe('closed_on_connect');
    expect(topCause(d).id).toBe('server_timer');
  });

  it('tls:// and https:// with a self-signed certificate: tls_untrusted (exit 1) by default, ok with -k, with the handshake facts', async () => {
    for (const target of [`tls://127.0.0.1:${port.tls}`, `https://127.0.0.1:${port.tls}/`]) {
      const verified = await probeJson([target]);
      expect(verified.doc.results[0].diagnosis.outcome, target).toBe('tls_untrusted');
      expect(verified.doc.results[0].certificate).toMatchObject({ subject: 'CN=connreset.test', trusted: false, verifyError: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
      expect(verified.code).toBe(1);
      const { code, doc } = await probeJson([target, '-k']);
      const r = doc.results[0];
      expect(r.diagnosis.outcome, target).toBe('ok');
      const tls = r.observation.events.find((e: { kind: string }) => e.kind === 'tls_established').tls;
      expect(tls.subject).toContain('CN=connreset.test');
      expect(tls.authorized).toBe(false);
      expect(code).toBe(0);
    }
  });

  it('https:// gets its reply in the reply phase (nginx answers before the TLS write callback)', async () => {
    const { doc } = await probeJson([`https://127.0.0.1:${port.tls}/`, '-k']);
    expect(eventKinds(doc.results[0].observation).filter((s) => /sent|received|timeout/.test(s))).toEqual(['send/sent', 'reply/received']);
  });

  it('plain HTTP to the TLS port: a protocol mismatch, try https://', async () => {
    const { doc } = await probeJson([`http://127.0.0.1:${port.tls}/`]);
    const d = doc.results[0].diagnosis;
    expect(d.outcome).toBe('reply_then_close');
    expect(topCause(d).id).toBe('protocol_mismatch');
    expect(topCause(d).evidence.join(' ')).toContain(`https://127.0.0.1:${port.tls}`);
    expect(topCause(d).evidence[0]).toContain('plain HTTP request was sent to HTTPS port');
  });

  it('TLS to the plain HTTP port: the handshake fails, a protocol mismatch', async () => {
    const { code, doc } = await probeJson([`tls://127.0.0.1:${port.plain}`]);
    const d = doc.results[0].diagnosis;
    expect(d.outcome).toBe('tls_failure');
    expect(topCause(d).id).toBe('protocol_mismatch');
    expect(code).toBe(1);
  });

  it('idle: keepalive_timeout 3s is bracketed at 3 s, enforced by the server, with pool advice', async () => {
    const { code, doc } = await idleJson([`http://127.0.0.1:${port.keepalive3}/`, '--max', '10s']);
    expect(doc.status).toBe('found');
    expect(doc.bracket.loMs).toBeGreaterThanOrEqual(2500);
    expect(doc.bracket.hiMs).toBeLessThanOrEqual(3500);
    expect(doc.bracket.loMs).toBeLessThanOrEqual(doc.bracket.hiMs);
    expect(doc.death).toBe('fin_while_idle');
    expect(doc.enforcer).toBe('server');
    // TCP keepalive does not reset a server's idle timer: the advice is the pool's idle time
    expect(doc.recommendation.fixes).toContain('pool_idle');
    expect(doc.recommendation.poolIdleS).toBeLessThan(3);
    expect(code).toBe(0);
  }, 40_000);

  it('nginx answering 502 because its upstream reset or refused: http_5xx (exit 1), the upstream blamed, nginx named', async () => {
    for (const path of ['/rst', '/refused']) {
      const { code, doc } = await probeJson([`http://127.0.0.1:${port.proxy}${path}`]);
      const { diagnosis } = doc.results[0];
      expect(diagnosis.outcome, path).toBe('http_5xx');
      expect(diagnosis.healthy).toBe(false);
      const top = topCause(diagnosis);
      expect(top.id, path).toBe('upstream_reset');
      expect(top.evidence.join(' '), path).toMatch(/^nginx.*answered "502 Bad Gateway"/);
      expect(code).toBe(1);
    }
  });

  it("explain reads nginx's own error log lines for a reset and a refused upstream", async () => {
    for (const path of ['/rst', '/refused']) {
      const reply = await runCli(['probe', `http://127.0.0.1:${port.proxy}${path}`, '--json']);
      expect(JSON.parse(reply.stdout).results[0].observation.events.some((e: { preview?: string }) => e.preview?.startsWith('HTTP/1.1 502'))).toBe(true);
    }
    const log = readFileSync(`${nginx!.dir}/error.log`, 'utf8').split('\n');
    const reset = log.find((l) => l.includes('recv() failed (104: Connection reset by peer)'));
    const refused = log.find((l) => l.includes('connect() failed (111: Connection refused)'));
    expect(reset, nginx!.log()).toBeDefined();
    expect(refused, nginx!.log()).toBeDefined();
    const explainedReset = JSON.parse((await runCli(['explain', '--json', reset!])).stdout);
    expect(explainedReset.error.id).toBe('ECONNRESET');
    expect(explainedReset.probeCommand).toBe(`connreset probe http://127.0.0.1:${port.upstream}`);
    const explainedRefused = JSON.parse((await runCli(['explain', '--json', refused!])).stdout);
    expect(explainedRefused.error.id).toBe('ECONNREFUSED');
    expect(explainedRefused.causes[0].id).toBe('nothing_listening');
  });
});
