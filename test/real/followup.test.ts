/**
 * Follow-up experiments against real servers on loopback (issue #8): each case of the issue's
 * "Why" must name the right top cause, a healthy target must pay for no follow-ups, and `probe`
 * and `check` must agree. Servers: openssl s_server, redis-server, HAProxy (mode tcp, backend
 * down), socat, nginx, python3 -m http.server, and a PostgreSQL startup-protocol stand-in. Each
 * case is skipped, with the reason printed, when its binary is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.js';
import { findBinary, freePort, selfSignedCertificate, startNginx, startProcess, startRedis, type RealServer } from './servers.js';
import { probeJson, topCause } from './json.js';

const BIN = {
  openssl: findBinary('openssl'),
  redis: findBinary('redis-server'),
  haproxy: findBinary('haproxy'),
  socat: findBinary('socat'),
  nginx: findBinary('nginx'),
  python: findBinary('python3'),
  curl: findBinary('curl'),
};
for (const [name, path] of Object.entries(BIN)) if (!path) console.warn(`test/real/followup.test.ts: ${name} cases skipped: ${name} not installed`);

const STANDIN = fileURLToPath(new URL('./postgres-standin.mjs', import.meta.url));
const servers: RealServer[] = [];
const port: Record<string, number> = {};

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON documents asserted field by field */

/**
 * With CONNRESET_RECORD_FIXTURES=1 each case also writes its observation (with its experiments) and
 * the outcome and top cause it asserted to test/fixtures/observations/, where
 * test/diagnose/diagnose.test.ts checks them offline.
 */
function record(name: string, source: string, result: any): void {
  if (process.env.CONNRESET_RECORD_FIXTURES !== '1') return;
  const fixture = {
    name,
    source: `recorded by test/real/followup.test.ts: ${source}`,
    expected: { outcome: result.diagnosis.outcome, topCause: result.diagnosis.causes[0]?.id ?? null, healthy: result.diagnosis.healthy },
    observation: result.observation,
  };
  writeFileSync(new URL(`../fixtures/observations/${name}.json`, import.meta.url), `${JSON.stringify(fixture, null, 2)}\n`);
}
function experiment(result: any, id: string): any {
  return result.observation.experiments?.find((e: { id: string }) => e.id === id);
}

beforeAll(async () => {
  for (const name of ['tls', 'pg', 'pgSilent', 'redis', 'haproxy', 'haproxyBackend', 'exits', 'nginxTimer', 'truncated', 'chunkedCut', 'python']) {
    port[name] = await freePort();
  }
  const starts: Promise<RealServer>[] = [];
  starts.push(startProcess(process.execPath, [STANDIN, String(port.pg), '60000'], port.pg!));
  starts.push(startProcess(process.execPath, [STANDIN, String(port.pgSilent), '2000'], port.pgSilent!));
  if (BIN.openssl) {
    const { cert, key } = await selfSignedCertificate();
    starts.push(
      startProcess(BIN.openssl, ['s_server', '-accept', `127.0.0.1:${port.tls}`, '-cert', '{dir}/cert.pem', '-key', '{dir}/key.pem', '-www', '-quiet'], port.tls!, {
        'cert.pem': cert,
        'key.pem': key,
      }),
    );
  }
  if (BIN.redis) starts.push(startRedis(BIN.redis, port.redis!));
  if (BIN.haproxy) {
    const cfg = [
      'global',
      '  log stdout format raw local0',
      'defaults',
      '  mode tcp',
      '  timeout connect 1s',
      '  timeout client 5s',
      '  timeout server 5s',
      'frontend fe',
      `  bind 127.0.0.1:${port.haproxy}`,
      '  default_backend be',
      'backend be',
      // nothing listens there: the health check marks it DOWN, and HAProxy turns clients away
      `  server s1 127.0.0.1:${port.haproxyBackend} check inter 100ms fall 1`,
      '',
    ].join('\n');
    starts.push(startProcess(BIN.haproxy, ['-db', '-f', '{dir}/haproxy.cfg'], port.haproxy!, { 'haproxy.cfg': cfg }));
  }
  if (BIN.socat) {
    starts.push(startProcess(BIN.socat, [`TCP-LISTEN:${port.exits},bind=127.0.0.1,fork,reuseaddr`, 'EXEC:/bin/true'], port.exits!));
    // a body cut short: Content-Length 1000, 7 bytes, then the program exits (FIN)
    starts.push(
      startProcess(BIN.socat, [`TCP-LISTEN:${port.truncated},bind=127.0.0.1,fork,reuseaddr`, 'SYSTEM:"sleep 0.1; printf \'HTTP/1.1 200 OK\\r\\nContent-Length: 1000\\r\\n\\r\\nhello\\r\\n\'"'], port.truncated!),
    );
    starts.push(
      startProcess(BIN.socat, [`TCP-LISTEN:${port.chunkedCut},bind=127.0.0.1,fork,reuseaddr`, 'SYSTEM:"sleep 0.1; printf \'HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n5\\r\\nhello\\r\\n\'"'], port.chunkedCut!),
    );
  }
  if (BIN.nginx) {
    starts.push(
      startNginx(BIN.nginx, [{ port: port.nginxTimer!, body: 'reset_timedout_connection on; client_header_timeout 2s; location / { return 200 "hello\\n"; }' }], null),
    );
  }
  if (BIN.python) starts.push(startProcess(BIN.python, ['-m', 'http.server', String(port.python), '--bind', '127.0.0.1', '--directory', '{dir}'], port.python!, { 'index.html': 'hello\n' }));
  const settled = await Promise.allSettled(starts);
  for (const s of settled) if (s.status === 'fulfilled') servers.push(s.value);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
}, 60_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

describe('the wrong protocol or the wrong service on the port', () => {
  it.skipIf(!BIN.openssl)('plain HTTP to a TLS-only server (openssl s_server): this port speaks TLS', async () => {
    const { code, doc } = await probeJson([`http://127.0.0.1:${port.tls}/`]);
    const r = doc.results[0];
    expect(code).toBe(1);
    expect(r.diagnosis.outcome).toBe('closed_after_send');
    const top = topCause(r.diagnosis) as any;
    expect(top.id).toBe('protocol_mismatch');
    record('real-followup-http-to-openssl-s-server', 'plain HTTP to openssl s_server (TLS only)', r);
    expect(top.evidence[0]).toMatch(/this port speaks TLS .*TLSv1\.[23].*CN=connreset\.test/);
    expect(top.basis).toMatchObject({ kind: 'experiment', id: 'service_id' });
    expect(r.diagnosis.experimentsUsed).toContain('service_id');
    // the experiment's own timeline: a TLS handshake that completed
    const hello = experiment(r, 'service_id').trials.find((t: { label: string }) => t.label === 'tls_hello');
    expect(hello.observation.events.map((e: { kind: string }) => e.kind)).toContain('tls_established');
  });

  it('plain HTTP to PostgreSQL (its startup protocol): PostgreSQL is listening here', async () => {
    const { doc } = await probeJson([`http://127.0.0.1:${port.pg}/`]);
    const r = doc.results[0];
    expect(r.diagnosis.outcome).toBe('closed_after_send');
    const top = topCause(r.diagnosis);
    expect(top.id).toBe('wrong_service_on_port');
    expect(top.evidence[0]).toContain('PostgreSQL is listening on port');
    expect(top.evidence[0]).toContain('SSLRequest answered N');
    record('real-followup-http-to-postgres-standin', 'plain HTTP to a PostgreSQL startup-protocol stand-in', r);
  });

  it.skipIf(!BIN.redis)('plain HTTP to redis-server: Redis is listening here', async () => {
    const { doc } = await probeJson([`http://127.0.0.1:${port.redis}/`]);
    const r = doc.results[0];
    expect(r.diagnosis.outcome).toBe('closed_after_send');
    const top = topCause(r.diagnosis);
    expect(top.id).toBe('wrong_service_on_port');
    expect(top.evidence[0]).toContain('Redis is listening on port');
    expect(top.evidence[0]).toContain('+PONG');
    record('real-followup-http-to-redis', 'plain HTTP to redis-server', r);
  });
});

describe('closed right after accept', () => {
  it.skipIf(!BIN.haproxy)('HAProxy mode tcp with its backend down: turned away at once, every time, not a connection limit', async () => {
    // a wait longer than the 25 ms settle: the subject is the refusal, not how fast a loaded machine delivers it
    const { code, doc } = await probeJson([`tcp://127.0.0.1:${port.haproxy}`, '--banner-timeout', '300ms']);
    const r = doc.results[0];
    expect(code).toBe(1);
    expect(r.diagnosis.outcome).toBe('closed_on_connect');
    const top = topCause(r.diagnosis) as any;
    expect(top.id).toBe('turned_away_by_policy');
    expect(top.evidence[0]).toMatch(/closed_on_connect 3 of 3 times/);
    expect(r.diagnosis.causes.findIndex((c: { id: string }) => c.id === 'connection_limit')).not.toBe(0);
    expect(r.diagnosis.experimentsUsed).toContain('repeat');
    record('real-followup-haproxy-backend-down', 'HAProxy mode tcp, its only backend DOWN by health check', r);
  });

  it.skipIf(!BIN.socat)('a program that exits as soon as it accepts (socat EXEC:/bin/true): the same policy reading', async () => {
    // the subject is the repeats' reading, not the first probe's settle (a forked program on a loaded CI machine can hang up later than 25 ms)
    const { doc } = await probeJson([`tcp://127.0.0.1:${port.exits}`, '--banner-timeout', '400ms']);
    expect(doc.results[0].diagnosis.outcome).toBe('closed_on_connect');
    expect(topCause(doc.results[0].diagnosis).id).toBe('turned_away_by_policy');
    record('real-followup-socat-exec-true', 'socat TCP-LISTEN,fork EXEC:/bin/true', doc.results[0]);
  });
});

describe('a server timer', () => {
  it.skipIf(!BIN.nginx)('an incomplete request to nginx (client_header_timeout 2s, reset_timedout_connection on): RST after a round 2.0 s, every time', async () => {
    // sent at once after connecting (nginx's timer counts from accept, ours from the send): the delay stays round under load
    const { doc } = await probeJson([`tcp://127.0.0.1:${port.nginxTimer}`, '--send', 'text:GET / HTTP/1.1\\r\\nHost: x\\r\\n', '--reply-timeout', '5s', '--banner-timeout', '5ms']);
    const r = doc.results[0];
    expect(r.diagnosis.outcome).toBe('reset_after_send');
    const top = topCause(r.diagnosis) as any;
    expect(top.id).toBe('server_timer');
    // the timeline's own round delay leads, the repeats confirm it and name the timer
    const evidence = top.evidence.join('\n');
    expect(evidence).toMatch(/reset_after_send 3 of 3 times, after 2\.0 s, 2\.0 s, 2\.0 s/);
    expect(evidence).toContain('nginx client_header_timeout');
    expect(top.basis).toMatchObject({ kind: 'experiment', id: 'repeat' });
    // the payload differential ran too (GET / is answered), but a timer is not a content filter
    expect(r.diagnosis.causes.map((c: { id: string }) => c.id)).not.toContain('content_filtering');
    record('real-followup-nginx-client-header-timeout-2s', 'nginx client_header_timeout 2s + reset_timedout_connection on, an incomplete request', r);
  });

  it('a silent client at a PostgreSQL stand-in with authentication_timeout 2 s: a timer, named', async () => {
    const { doc } = await probeJson([`tcp://127.0.0.1:${port.pgSilent}`, '--send', 'none', '--banner-timeout', '5s']);
    const r = doc.results[0];
    expect(r.diagnosis.outcome).toBe('closed_on_connect');
    const top = topCause(r.diagnosis);
    expect(top.id).toBe('server_timer');
    record('real-followup-postgres-standin-auth-timeout', 'a silent client at the stand-in with authentication_timeout 2 s', r);
  });
});

describe('a truncated HTTP body', () => {
  it.skipIf(!BIN.socat)('Content-Length 1000, 7 bytes, FIN: reply_truncated, exit 1, with the line curl prints', async () => {
    const { code, doc } = await probeJson([`http://127.0.0.1:${port.truncated}/`]);
    const r = doc.results[0];
    expect(code).toBe(1);
    expect(r.diagnosis.outcome).toBe('reply_truncated');
    expect(r.diagnosis.healthy).toBe(false);
    expect(r.diagnosis.clientError.curl).toBe('curl: (18) transfer closed with 993 bytes remaining to read');
    record('real-followup-truncated-content-length', 'socat: Content-Length 1000, 7 bytes, then FIN', r);
    if (BIN.curl) {
      // the real curl says the same
      let stderr = '';
      try {
        execFileSync(BIN.curl, ['-sS', '-o', '/dev/null', `http://127.0.0.1:${port.truncated}/`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (error) {
        stderr = String((error as { stderr?: string }).stderr ?? '');
      }
      expect(stderr.trim()).toBe(r.diagnosis.clientError.curl);
    }
  });

  it.skipIf(!BIN.socat)('a chunked body without its last chunk: reply_truncated', async () => {
    const { doc } = await probeJson([`http://127.0.0.1:${port.chunkedCut}/`]);
    expect(doc.results[0].diagnosis.outcome).toBe('reply_truncated');
    expect(doc.results[0].diagnosis.clientError.curl).toBe('curl: (18) transfer closed with outstanding read data remaining');
  });
});

describe('one health policy, and no follow-ups for the healthy', () => {
  it.skipIf(!BIN.python)('python3 -m http.server (HTTP/1.0, closes after each reply): healthy under probe and check, no experiments', async () => {
    const target = `http://127.0.0.1:${port.python}/`;
    const { code, doc } = await probeJson([target]);
    expect(doc.results[0].diagnosis.outcome).toBe('reply_then_close');
    expect(code).toBe(0);
    record('real-followup-python-http-server', 'python3 -m http.server (HTTP/1.0, closes after each reply)', doc.results[0]);
    expect(doc.results[0].observation.experiments).toBeUndefined();
    const check = await runCli(['check', target, '--json'], { timeoutMs: 30_000 });
    expect(check.code).toBe(0);
    expect(JSON.parse(check.stdout).results[0]).toMatchObject({ status: 'passed', outcome: 'reply_then_close' });
  });

  it.skipIf(!BIN.openssl)('check runs the follow-ups for a failing row and agrees with probe; --no-followup turns them off', async () => {
    const target = `http://127.0.0.1:${port.tls}/`;
    const on = await runCli(['check', target, '--json'], { timeoutMs: 30_000 });
    expect(on.code).toBe(1);
    const row = JSON.parse(on.stdout).results[0];
    expect(row.topCause.id).toBe('protocol_mismatch');
    expect(row.observation.experiments.map((e: { id: string }) => e.id)).toContain('service_id');
    const off = await runCli(['check', target, '--json', '--no-followup'], { timeoutMs: 30_000 });
    expect(off.code).toBe(1);
    expect(JSON.parse(off.stdout).results[0].observation.experiments).toBeUndefined();
    const probeOff = await probeJson([target, '--no-followup']);
    expect(probeOff.doc.results[0].observation.experiments).toBeUndefined();
  });
});
