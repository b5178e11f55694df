/** modules: in the check config, allow-lists, the scrape-time fit and the web config: pure parts, no sockets. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { isAllowed, parseAllow } from '../../src/serve/allow.js';
import { fitOptions, parseScrapeTimeout } from '../../src/serve/deadline.js';
import { probeBudgetMs, probeOptions } from '../../src/probe/defaults.js';
import { BasicAuth, parseWebConfig } from '../../src/serve/web-config.js';
import { phaseDurations } from '../../src/serve/probe-metrics.js';
import { parseConfig } from '../../src/check/config.js';
import { DEPS, serveConfig } from './helpers.js';
import type { Observation } from '../../src/diagnose/observation.js';
import type { ProbeReport } from '../../src/serve/probe-metrics.js';

describe('modules: in the config file check reads', () => {
  it('each module takes the settings of defaults:, its own over them, and its allow-list', () => {
    const c = serveConfig(`
version: 1
defaults: { connect_timeout: 2s, reply_timeout: 3s }
modules:
  redis:
    send: "text:PING\\r\\n"
    reply_timeout: 500ms
    expect: { reply: "^\\\\+PONG" }
    allow: { cidrs: [10.0.0.0/8], ports: [6379] }
targets: [127.0.0.1:6379]
`);
    const m = c.modules.get('redis')!;
    expect(m.options).toMatchObject({ connectTimeoutMs: 2000, replyTimeoutMs: 500, expect: '^\\+PONG' });
    expect(m.options.payload).toMatchObject({ kind: 'text' });
    expect(isAllowed(m.allow, '10.1.2.3', 6379)).toEqual({ allowed: true });
    expect(isAllowed(m.allow, '10.1.2.3', 6380).allowed).toBe(false);
  });

  it('check still reads the same file, and ignores modules:', () => {
    const specs = parseConfig('modules: { tcp: { allow: { cidrs: [127.0.0.1] } } }\ntargets: [127.0.0.1:1]\n', 'c.yml', DEPS, {});
    expect(specs.map((s) => s.name)).toEqual(['127.0.0.1:1']);
  });

  it('without modules: a "default" module that allows nothing', () => {
    const c = serveConfig('targets: [127.0.0.1:1]\n');
    expect([...c.modules.keys()]).toEqual(['default']);
    expect(isAllowed(c.modules.get('default')!.allow, '127.0.0.1', 1).allowed).toBe(false);
  });

  it.each([
    ['an unknown setting, with file:line and a suggestion', 'modules:\n  tcp:\n    conect_timeout: 1s\n', /serve-test\.yml:3: modules\.tcp\.conect_timeout: unknown field \(did you mean connect_timeout\?\)/],
    ['a bad duration', 'modules:\n  tcp:\n    connect_timeout: soon\n', /serve-test\.yml:3: modules\.tcp\.connect_timeout: bad duration "soon"/],
    ['a bad CIDR', 'modules:\n  tcp:\n    allow: { cidrs: [10.0.0.0/33] }\n', /serve-test\.yml:3: modules\.tcp: allow\.cidrs: bad CIDR "10\.0\.0\.0\/33"/],
    ['a bad port range', 'modules:\n  tcp:\n    allow: { ports: ["9-1"] }\n', /allow\.ports: bad port "9-1"/],
    ['an unknown allow key', 'modules:\n  tcp:\n    allow: { host: [a] }\n', /allow\.host: unknown field; allowed: hosts, cidrs, ports/],
    ['a wildcard inside a name', 'modules:\n  tcp:\n    allow: { hosts: ["db.*.internal"] }\n', /a wildcard may only start a name/],
    ['modules: that is a list', 'modules: [tcp]\n', /modules: expected a mapping of module names/],
    ['an idle expectation without an idle hold', 'modules:\n  idle:\n    expect: closed_while_idle\n', /needs an idle hold/],
  ])('%s', (_, yaml, message) => {
    expect(() => serveConfig(yaml)).toThrow(message);
  });
});

describe('allow-lists', () => {
  const { list } = parseAllow({ hosts: ['DB.internal.', '*.svc.cluster.local', '[::1]'], cidrs: ['10.0.0.0/8', 'fd00::/8', '192.0.2.7'], ports: [443, '8000-8999'] });
  it.each([
    ['db.internal', 443, true],
    ['DB.INTERNAL', 8080, true],
    ['db.internal', 22, false],
    ['api.ns.svc.cluster.local', 443, true],
    ['svc.cluster.local', 443, false], // the wildcard is for names below it
    ['evilsvc.cluster.local', 443, false],
    ['10.200.0.1', 443, true],
    ['11.0.0.1', 443, false],
    ['fd12::1', 8500, true],
    ['fe80::1', 443, false],
    ['::1', 443, true],
    ['192.0.2.7', 443, true],
    ['192.0.2.8', 443, false],
    // an IP literal is matched as an address, never by name suffixes
    ['10.svc.cluster.local', 443, true],
  ])('%s port %d: %s', (host, port, allowed) => {
    expect(isAllowed(list, host, port).allowed).toBe(allowed);
  });
});

describe('fitting a probe into the scrape timeout', () => {
  it('leaves a probe that fits alone', () => {
    const o = probeOptions({ connectTimeoutMs: 100, replyTimeoutMs: 100, tlsTimeoutMs: 100 });
    expect(fitOptions(o, 10_000)).toEqual({ ok: true, options: o });
  });
  it.each([2_000, 4_500, 9_500])('scales the limits of the default options into %d ms', (budget) => {
    const fit = fitOptions(probeOptions(), budget);
    expect(fit.ok).toBe(true);
    if (fit.ok) expect(probeBudgetMs(fit.options)).toBeLessThanOrEqual(budget);
  });
  it('refuses to shorten an idle hold', () => {
    const fit = fitOptions(probeOptions({ idleMs: 90_000 }), 9_500);
    expect(fit).toMatchObject({ ok: false, why: expect.stringMatching(/idle 90 s, longer than the 9\.5 s this scrape allows/) });
  });
  it('reads the header', () => {
    expect(parseScrapeTimeout(undefined)).toBeNull();
    expect(parseScrapeTimeout('9.5')).toBe(9500);
    expect(parseScrapeTimeout('soon')).toMatchObject({ error: expect.any(String) });
  });
});

describe('phase durations', () => {
  it('a phase runs from the end of the one before to its own last event; they add up to the probe', () => {
    const obs = {
      durationMs: 10,
      events: [
        { t: 0.5, phase: 'resolve', kind: 'resolved', addresses: [] },
        { t: 0.6, phase: 'connect', kind: 'connecting' },
        { t: 2, phase: 'connect', kind: 'connected' },
        { t: 5, phase: 'tls', kind: 'tls_established' },
        { t: 6, phase: 'send', kind: 'sent' },
        { t: 9, phase: 'reply', kind: 'received' },
      ],
    } as unknown as Observation;
    expect(phaseDurations(obs)).toEqual([
      ['resolve', 0.5],
      ['connect', 1.5],
      ['tls', 3],
      ['send', 1],
      ['reply', 4],
    ]);
  });
});

describe('web config (exporter-toolkit format)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'connreset-webcfg-'));
  writeFileSync(join(dir, 'c.pem'), 'cert');
  writeFileSync(join(dir, 'k.pem'), 'key');
  const hash = bcrypt.hashSync('s3cret', 4);

  it('reads TLS files relative to the file, and bcrypt users', () => {
    const w = parseWebConfig(`tls_server_config:\n  cert_file: c.pem\n  key_file: k.pem\nbasic_auth_users:\n  prom: ${hash}\n`, join(dir, 'web.yml'));
    expect(w.tls?.cert.toString()).toBe('cert');
    expect(w.tls?.minVersion).toBe('TLSv1.2');
    expect(w.users.get('prom')).toBe(hash);
  });
  it.each([
    ['a setting connreset does not implement', 'http_server_config: { http2: false }\n', /web\.yml:1: http_server_config: not supported by connreset serve/],
    ['a TLS setting it does not implement', 'tls_server_config:\n  cert_file: c.pem\n  key_file: k.pem\n  cipher_suites: [x]\n', /web\.yml:4: tls_server_config\.cipher_suites: not supported/],
    ['a missing key file', 'tls_server_config:\n  cert_file: c.pem\n  key_file: nope.pem\n', /tls_server_config\.key_file: cannot read nope\.pem \(ENOENT\)/],
    ['a password in clear', 'basic_auth_users:\n  prom: hunter2\n', /web\.yml:2: basic_auth_users\.prom: expected a bcrypt hash/],
    ['client verification without a CA', 'tls_server_config:\n  cert_file: c.pem\n  key_file: k.pem\n  client_auth_type: RequireAndVerifyClientCert\n', /needs client_ca_file/],
  ])('%s is an error with file:line', (_, yaml, message) => {
    expect(() => parseWebConfig(yaml, join(dir, 'web.yml'))).toThrow(message);
  });

  it('basic auth: the right pair passes (and is remembered), a wrong one or an unknown user does not', async () => {
    const auth = new BasicAuth(new Map([['prom', hash]]));
    const header = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
    expect(await auth.check(header('prom', 's3cret'))).toBe(true);
    expect(await auth.check(header('prom', 's3cret'))).toBe(true);
    expect(await auth.check(header('prom', 'wrong'))).toBe(false);
    expect(await auth.check(header('other', 's3cret'))).toBe(false);
    expect(await auth.check(undefined)).toBe(false);
    expect(await auth.check('Bearer x')).toBe(false);
  });
});

describe('the per-probe registry', () => {
  it('a located sender becomes probe_connreset_sender{sender}; absent when unknown', async () => {
    const { probeRegistry } = await import('../../src/serve/probe-metrics.js');
    const obs = { durationMs: 5, events: [{ t: 1, phase: 'resolve', kind: 'resolved', addresses: [] }] } as unknown as Observation;
    const base: Omit<ProbeReport, 'sender'> = {
      obs,
      diagnosis: { schema: 'connreset.diagnosis/v1', outcome: 'reset_after_send', healthy: false, summary: '', causes: [], clientError: null },
      verdict: { pass: false, reasons: ['x'], observed: 'reset_after_send' },
      failedAtStep: 'reply',
    };
    const withSender = await probeRegistry({ ...base, sender: 'middlebox' }).metrics();
    expect(withSender).toMatch(/^probe_connreset_sender\{sender="middlebox"\} 1$/m);
    expect(withSender).toMatch(/^probe_connreset_failed_at_step\{step="reply"\} 1$/m);
    expect(withSender).not.toMatch(/probe_connreset_cause/);
    expect(await probeRegistry({ ...base, sender: null }).metrics()).not.toMatch(/probe_connreset_sender/);
  });
});

describe('the sender, from the locate follow-up', () => {
  it('is read from the locate experiment record when it ran, and only from a known sender kind', async () => {
    const { senderOf } = await import('../../src/serve/server.js');
    const obs = (experiments: unknown[]): Observation => ({ durationMs: 1, events: [], experiments }) as unknown as Observation;
    expect(senderOf(obs([{ id: 'repeat' }, { id: 'locate', locate: { verdict: { sender: 'middlebox', hop: 2 } } }]))).toBe('middlebox');
    expect(senderOf(obs([{ id: 'locate', locate: { verdict: { sender: 'server' } } }]))).toBe('server');
    expect(senderOf(obs([{ id: 'locate', locate: { verdict: { sender: 'a"b' } } }]))).toBeNull();
    expect(senderOf(obs([{ id: 'service_id' }]))).toBeNull();
    expect(senderOf({ durationMs: 1, events: [] } as unknown as Observation)).toBeNull();
  });
});
