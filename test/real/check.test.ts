/**
 * `connreset check` over a small fleet of real servers (nginx and redis-server on loopback, own
 * configs), with expectations and a JUnit report, as a CI job would run it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { runCli } from '../helpers/cli.js';
import { findBinary, freePort, selfSignedCertificate, startNginx, startRedis, type RealServer } from './servers.js';

const NGINX = findBinary('nginx');
const REDIS = findBinary('redis-server');
if (!NGINX || !REDIS) console.warn(`test/real/check.test.ts skipped: no ${!NGINX ? 'nginx' : 'redis-server'} binary`);

describe.skipIf(!NGINX || !REDIS)('check against nginx and redis-server', () => {
  const servers: RealServer[] = [];
  const port: Record<string, number> = {};
  const dir = mkdtempSync(join(tmpdir(), 'connreset-real-check-'));

  beforeAll(async () => {
    for (const name of ['plain', 'keepalive2', 'drop444', 'tls', 'redis', 'nothing']) port[name] = await freePort();
    servers.push(
      await startNginx(
        NGINX!,
        [
          { port: port.plain!, body: 'location / { return 200 "hello\\n"; }' },
          { port: port.keepalive2!, body: 'keepalive_timeout 2s; location / { return 200 "hello\\n"; }' },
          { port: port.drop444!, body: 'location / { return 444; }' },
          { port: port.tls!, tls: true, body: 'location / { return 200 "hello tls\\n"; }' },
        ],
        await selfSignedCertificate(),
      ),
    );
    servers.push(await startRedis(REDIS!, port.redis!));
  }, 30_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes the endpoints that meet their expectations, fails the one that does not, and says why in JUnit', async () => {
    const config = join(dir, 'connreset.yml');
    writeFileSync(
      config,
      [
        'version: 1',
        'targets:',
        `  - target: http://127.0.0.1:${port.plain}/`,
        '    name: web',
        "    expect: { outcome: ok, reply: '^HTTP/1\\.1 200' }",
        `  - target: http://127.0.0.1:${port.keepalive2}/`,
        '    name: keep-alive timeout is 2 s',
        '    idle: 4s',
        '    expect: { outcome: closed_while_idle, within: 1500ms..2500ms }',
        `  - target: https://127.0.0.1:${port.tls}/`,
        '    name: web over TLS',
        '    insecure: true',
        `  - target: http://127.0.0.1:${port.tls}/`,
        '    name: plain HTTP on the TLS port is turned away',
        "    expect: { reply: 'plain HTTP request was sent to HTTPS port' }",
        `  - target: redis://127.0.0.1:${port.redis}`,
        '    name: cache',
        "    expect: { reply: '^\\+PONG' }",
        `  - target: 127.0.0.1:${port.nothing}`,
        '    name: old port stays closed',
        '    expect: refused',
        `  - target: http://127.0.0.1:${port.drop444}/`,
        '    name: api',
        '',
      ].join('\n'),
    );
    const junit = join(dir, 'junit.xml');
    const { code, stdout } = await runCli(['check', config, '--json', '--junit', junit], { timeoutMs: 30_000 });
    const doc = JSON.parse(stdout);
    const byName = Object.fromEntries(doc.results.map((r: { name: string }) => [r.name, r]));
    for (const name of ['web', 'keep-alive timeout is 2 s', 'web over TLS', 'plain HTTP on the TLS port is turned away', 'cache', 'old port stays closed']) {
      expect(byName[name].status, `${name}: ${byName[name].reasons?.join('; ')}`).toBe('passed');
    }
    expect(byName.api.status).toBe('failed');
    expect(byName.api.outcome).toBe('closed_after_send');
    expect(byName.api.topCause).toMatchObject({ id: 'app_error_close' });
    expect(code).toBe(1);

    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(readFileSync(junit, 'utf8'));
    expect(xml.testsuites.tests).toBe('7');
    expect(xml.testsuites.failures).toBe('1');
    const cases = [xml.testsuites.testsuite.testcase].flat() as { name: string; failure?: { message: string } }[];
    const failed = cases.filter((c) => c.failure !== undefined);
    expect(failed.map((c) => c.name)).toEqual([`api (http://127.0.0.1:${port.drop444}/)`]);
    expect(failed[0]!.failure!.message).toContain('closed_after_send');
  }, 40_000);
});
