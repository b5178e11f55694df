/**
 * Certificates are verified by default, as curl and every HTTP library do: a self-signed, expired
 * or wrong-host certificate is the outcome tls_untrusted (exit 1), with the reason and the
 * subject; -k accepts it, --cacert trusts a private CA, --cert/--key answer a server that asks
 * for a client certificate. Real Node TLS servers on loopback, ephemeral ports, certificates made
 * in the test with `selfsigned` (no key on disk but the test's own temporary directory).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createServer as createTlsServer, type TlsOptions, type TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const DAY_MS = 86_400_000;

interface Pems {
  cert: string;
  key: string;
}

async function makeCert(cn: string, opts: { sans?: { dns?: string[]; ip?: string[] }; notBefore?: Date; notAfter?: Date; clientAuth?: boolean } = {}): Promise<Pems> {
  const selfsigned = await import('selfsigned');
  const now = Date.now();
  const sans = opts.sans ?? { dns: ['localhost'], ip: ['127.0.0.1'] };
  const pems = await selfsigned.generate([{ name: 'commonName', value: cn }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: opts.notBefore ?? new Date(now - DAY_MS),
    notAfterDate: opts.notAfter ?? new Date(now + 30 * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: !opts.clientAuth, clientAuth: opts.clientAuth === true },
      {
        name: 'subjectAltName',
        altNames: [...(sans.dns ?? []).map((value) => ({ type: 2, value })), ...(sans.ip ?? []).map((ip) => ({ type: 7, ip }))],
      },
    ],
  } as never);
  return { cert: pems.cert, key: pems.private };
}

let dir: string;
const files = (name: string, pems: Pems): { cert: string; key: string } => {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  writeFileSync(cert, pems.cert);
  writeFileSync(key, pems.key, { mode: 0o600 });
  return { cert, key };
};

let good: Pems;
let expired: Pems;
let otherHost: Pems;
let client: Pems;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'connreset-tls-'));
  [good, expired, otherHost, client] = await Promise.all([
    makeCert('good.test'),
    makeCert('expired.test', { notBefore: new Date(Date.now() - 30 * DAY_MS), notAfter: new Date(Date.now() - 3 * DAY_MS) }),
    makeCert('other.test', { sans: { dns: ['other.test'] } }),
    makeCert('client.test', { sans: { dns: ['client.test'] }, clientAuth: true }),
  ]);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const servers: { close(): void }[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** An HTTPS-ish server that answers every request with a 200; its port. */
async function serve(pems: Pems, extra: TlsOptions = {}): Promise<number> {
  const server = createTlsServer({ key: pems.key, cert: pems.cert, ...extra }, (s: TLSSocket) => {
    s.on('error', () => undefined);
    s.on('data', () => s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
  });
  server.on('tlsClientError', () => undefined);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push({ close: () => server.close() });
  return (server.address() as { port: number }).port;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON documents asserted field by field */
async function probeJson(args: string[]): Promise<{ code: number | null; doc: any; stderr: string }> {
  const r = await runCli(['probe', ...args, '--reply-timeout', '300ms', '--json']);
  return { code: r.code, doc: JSON.parse(r.stdout), stderr: r.stderr };
}

describe('certificate verification (probe)', () => {
  it('a self-signed certificate is tls_untrusted, exit 1, with the reason and the subject; the text says how to accept it', async () => {
    const port = await serve(good);
    const { code, doc } = await probeJson([`https://127.0.0.1:${port}/`]);
    expect(code).toBe(1);
    const r = doc.results[0];
    expect(r.diagnosis.outcome).toBe('tls_untrusted');
    expect(r.diagnosis.healthy).toBe(false);
    expect(r.diagnosis.causes[0].id).toBe('certificate_untrusted');
    const untrusted = r.observation.events.find((e: any) => e.kind === 'tls_untrusted');
    expect(untrusted).toMatchObject({ phase: 'tls', code: 'DEPTH_ZERO_SELF_SIGNED_CERT', reason: 'self-signed certificate' });
    expect(untrusted.tls.subject).toBe('CN=good.test');
    // nothing was sent over a channel we do not trust
    expect(r.observation.events.some((e: any) => e.kind === 'sent')).toBe(false);
    expect(r.certificate).toMatchObject({ subject: 'CN=good.test', trusted: false, daysToExpiry: 29 });

    const text = await runCli(['probe', `https://127.0.0.1:${port}/`]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/certificate not trusted: self-signed certificate \[DEPTH_ZERO_SELF_SIGNED_CERT\]; CN=good\.test \(self-signed\), expires in 29 days/);
    expect(text.stdout).toMatch(/outcome\s+tls_untrusted/);
    expect(text.stdout).toContain('-k to accept it');
  });

  it('-k (--insecure) accepts it: ok, exit 0, the facts still recorded as not trusted', async () => {
    const port = await serve(good);
    for (const flag of ['-k', '--insecure']) {
      const { code, doc } = await probeJson([`https://127.0.0.1:${port}/`, flag]);
      expect(code).toBe(0);
      expect(doc.results[0].diagnosis.outcome).toBe('ok');
      expect(doc.results[0].observation.options.tlsVerify).toBe(false);
      expect(doc.results[0].certificate).toMatchObject({ trusted: false, verifyError: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    }
  });

  it('--cacert trusts the certificate: ok, exit 0, verified, with the days to expiry in the text', async () => {
    const port = await serve(good);
    const { cert } = files('good', good);
    const { code, doc } = await probeJson([`https://127.0.0.1:${port}/`, '--cacert', cert]);
    expect(code).toBe(0);
    expect(doc.results[0].diagnosis.outcome).toBe('ok');
    expect(doc.results[0].certificate).toMatchObject({ trusted: true, verifyError: null, daysToExpiry: 29 });
    const text = await runCli(['probe', `https://localhost:${port}/`, '--cacert', cert, '-4']);
    expect(text.stdout).toMatch(/TLS established: .*certificate CN=good\.test, expires in 29 days \(.+\), verified/);
  });

  it('an expired certificate is tls_untrusted with CERT_HAS_EXPIRED, even from a trusted CA', async () => {
    const port = await serve(expired);
    const { cert } = files('expired', expired);
    const { code, doc } = await probeJson([`https://127.0.0.1:${port}/`, '--cacert', cert]);
    expect(code).toBe(1);
    const r = doc.results[0];
    expect(r.diagnosis.outcome).toBe('tls_untrusted');
    expect(r.observation.events.find((e: any) => e.kind === 'tls_untrusted')).toMatchObject({ code: 'CERT_HAS_EXPIRED', reason: 'certificate has expired' });
    expect(r.certificate.daysToExpiry).toBe(-3);
    expect(r.diagnosis.causes[0].evidence.join(' ')).toMatch(/the certificate expired 3 days ago/);
  });

  it('a certificate for another host is tls_untrusted naming both names; --servername with that name verifies', async () => {
    const port = await serve(otherHost);
    const { cert } = files('other', otherHost);
    const wrong = await probeJson([`https://127.0.0.1:${port}/`, '--cacert', cert]);
    expect(wrong.code).toBe(1);
    const event = wrong.doc.results[0].observation.events.find((e: any) => e.kind === 'tls_untrusted');
    expect(event.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(event.reason).toMatch(/127\.0\.0\.1/);
    expect(event.reason).toMatch(/other\.test/);
    const right = await probeJson([`https://127.0.0.1:${port}/`, '--cacert', cert, '--servername', 'other.test']);
    expect(right.doc.results[0].diagnosis.outcome).toBe('ok');
    expect(right.code).toBe(0);
  });

  it('mTLS: without --cert the server refuses the handshake; with --cert/--key it answers', async () => {
    const port = await serve(good, { requestCert: true, rejectUnauthorized: true, ca: client.cert });
    const { cert: caFile } = files('good', good);
    const { cert, key } = files('client', client);
    const without = await probeJson([`https://127.0.0.1:${port}/`, '--cacert', caFile]);
    expect(without.code).toBe(1);
    // TLS 1.3: the server's alert arrives after the client's Finished, on the first read
    expect(without.doc.results[0].diagnosis.outcome).toBe('tls_failure');
    expect(without.doc.results[0].observation.events.find((e: any) => e.kind === 'tls_failed').alert).toBe('certificate required');
    const withCert = await probeJson([`https://127.0.0.1:${port}/`, '--cacert', caFile, '--cert', cert, '--key', key]);
    expect(withCert.doc.results[0].diagnosis.outcome).toBe('ok');
    expect(withCert.code).toBe(0);
    // one PEM holding both, as curl accepts
    const both = join(dir, 'client-both.pem');
    writeFileSync(both, `${client.cert.trimEnd()}\n${client.key}`, { mode: 0o600 });
    const combined = await probeJson([`https://127.0.0.1:${port}/`, '--cacert', caFile, '--cert', both]);
    expect(combined.doc.results[0].diagnosis.outcome).toBe('ok');
  });

  it.each([
    [['--cacert', '/nonexistent/ca.pem'], /bad --cacert "\/nonexistent\/ca\.pem": cannot read it \(ENOENT\)/],
    [['--cacert', 'PACKAGE'], /bad --cacert ".*package\.json": not a PEM file/],
    [['--key', 'KEYFILE'], /--key needs --cert/],
    [['--cert', 'CERTONLY'], /--cert needs --key/],
    [['--cert', 'CERTONLY', '--key', 'OTHERKEY'], /bad --cert, --key: .*key values mismatch/],
  ])('bad TLS input %j: one line on stderr, exit 2, nothing probed', async (args, message) => {
    const { cert, key } = files('good', good);
    const other = files('expired', expired);
    const real = args.map((a) => (a === 'PACKAGE' ? join(process.cwd(), 'package.json') : a === 'KEYFILE' ? key : a === 'CERTONLY' ? cert : a === 'OTHERKEY' ? other.key : a));
    const r = await runCli(['probe', 'https://127.0.0.1:1/', ...real]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('certificate verification (check)', () => {
  it('fails an untrusted target; insecure/cacert in the config (relative to the file) pass; days to expiry in JSON, JUnit and Prometheus', async () => {
    const port = await serve(good);
    files('good', good);
    const config = join(dir, 'tls.yml');
    writeFileSync(
      config,
      [
        'targets:',
        `  - target: https://127.0.0.1:${port}/`,
        '    name: verified by default',
        `  - target: https://127.0.0.1:${port}/`,
        '    name: private ca',
        '    cacert: good.pem',
        `  - target: https://127.0.0.1:${port}/`,
        '    name: accepted',
        '    insecure: true',
        '',
      ].join('\n'),
    );
    const junit = join(dir, 'tls.xml');
    const prom = join(dir, 'tls.prom');
    const r = await runCli(['check', config, '--json', '--junit', junit, '--prometheus', prom]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.results.map((x: any) => [x.name, x.status, x.outcome])).toEqual([
      ['verified by default', 'failed', 'tls_untrusted'],
      ['private ca', 'passed', 'ok'],
      ['accepted', 'passed', 'ok'],
    ]);
    expect(doc.results[1].certificate).toMatchObject({ trusted: true, daysToExpiry: 29, subject: 'CN=good.test' });
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(junit, 'utf8')).toContain('<property name="connreset.tls.daysToExpiry" value="29"/>');
    expect(readFileSync(prom, 'utf8')).toMatch(/^connreset_tls_cert_expiry_days\{name="private ca",target="https:\/\/127\.0\.0\.1:\d+\/"\} 29$/m);
  });

  it('-k on the command line applies to targets whose config does not say', async () => {
    const port = await serve(good);
    const r = await runCli(['check', `https://127.0.0.1:${port}/`, '-k', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).results[0].outcome).toBe('ok');
  });

  it('a config cacert that cannot be read is a problem with file:line, exit 2', async () => {
    const config = join(dir, 'bad-tls.yml');
    writeFileSync(config, ['targets:', '  - target: https://127.0.0.1:1/', '    cacert: missing.pem', ''].join('\n'));
    const r = await runCli(['check', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad-tls\.yml:3: .*cacert .*cannot read it \(ENOENT\)/);
  });
});

describe('certificate verification (idle)', () => {
  it('an untrusted certificate fails the measurement with its code and says how to accept it (exit 1)', async () => {
    const port = await serve(good);
    const r = await runCli(['idle', `https://127.0.0.1:${port}/`, '--max', '2s', '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.status).toBe('failed');
    expect(doc.failure.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(doc.failure.message).toContain('-k to accept it');
  });

  it('a certificate for another host fails the measurement; --servername with that name gets past the handshake', async () => {
    const port = await serve(otherHost);
    const { cert } = files('other', otherHost);
    const wrong = await runCli(['idle', `https://127.0.0.1:${port}/`, '--cacert', cert, '--max', '2s', '--json']);
    expect(wrong.code).toBe(1);
    expect(JSON.parse(wrong.stdout).failure.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    const right = await runCli(['idle', `https://127.0.0.1:${port}/`, '--cacert', cert, '--servername', 'other.test', '--max', '2s', '--json']);
    const doc = JSON.parse(right.stdout);
    // the certificate verified under that name: whatever the idle search then found, it was not a TLS failure
    expect(doc.failure?.code ?? null).not.toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(doc.status).not.toBe('failed');
  });
});
