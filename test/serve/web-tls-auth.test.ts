/**
 * TLS and basic auth from an exporter-toolkit web config file, over real HTTPS: a scraper without
 * credentials gets 401 on every path, with them the probe answers; plain HTTP is not served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { makeLabCertificate } from '../../src/lab/certificate.js';
import { loadWebConfig } from '../../src/serve/web-config.js';
import type { Exporter } from '../../src/serve/server.js';
import { get, probeUrl, startTestExporter } from './helpers.js';

let exporter: Exporter;
let ca: Buffer;
const basic = (u: string, p: string): Record<string, string> => ({ Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'connreset-serve-tls-'));
  const { cert, key } = await makeLabCertificate();
  writeFileSync(join(dir, 'server.crt'), cert);
  writeFileSync(join(dir, 'server.key'), key);
  ca = Buffer.from(cert);
  writeFileSync(
    join(dir, 'web.yml'),
    `tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\nbasic_auth_users:\n  prometheus: ${bcrypt.hashSync('scrape-me', 4)}\n`,
  );
  exporter = await startTestExporter('modules: { tcp: { allow: { cidrs: [127.0.0.0/8] } } }', { web: loadWebConfig(join(dir, 'web.yml')) });
});
afterAll(async () => {
  await exporter?.close();
});

describe('web config: TLS and basic auth', () => {
  it('serves HTTPS', () => {
    expect(exporter.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it.each(['/probe?target=127.0.0.1:1&module=tcp', '/metrics', '/', '/-/healthy'])('%s without credentials: 401 and a Basic challenge', async (path) => {
    const r = await get(`${exporter.url}${path}`, {}, { ca });
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toMatch(/^Basic /);
  });

  it('a wrong password: 401', async () => {
    expect((await get(`${exporter.url}/metrics`, basic('prometheus', 'nope'), { ca })).status).toBe(401);
  });

  it('the right credentials: the probe answers', async () => {
    const r = await get(probeUrl(exporter, { target: '127.0.0.1:1', module: 'tcp' }), basic('prometheus', 'scrape-me'), { ca });
    expect(r.status).toBe(200);
    expect(r.body).toMatch(/^probe_success 0$/m);
  });

  it('plain HTTP on the TLS port is not answered as HTTP', async () => {
    const plain = exporter.url.replace('https:', 'http:');
    const outcome = await get(`${plain}/metrics`).then(
      (r) => `status ${r.status}`,
      (e: Error) => e.message,
    );
    expect(outcome).not.toMatch(/^status 200/);
  });
});
