/**
 * Everything a scraper (or anyone who reaches the port) can send: each gets its status and one
 * line saying what was wrong, and no socket is opened to a target that was refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { connect } from 'node:net';
import type { Exporter } from '../../src/serve/server.js';
import { get, probeUrl, startTestExporter } from './helpers.js';

let exporter: Exporter;
let anyTarget: Exporter;
/** a listener that counts connections: a refused request must never reach it */
let sentinel: Server;
let sentinelPort: number;
let connections = 0;

beforeAll(async () => {
  sentinel = createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((r) => sentinel.listen(0, '127.0.0.1', r));
  sentinelPort = (sentinel.address() as { port: number }).port;
  exporter = await startTestExporter(`
modules:
  tcp:
    allow: { hosts: [db.internal], cidrs: [127.0.0.2/32], ports: ["1-1023"] }
  other:
    allow: { cidrs: [127.0.0.0/8] }
`);
  // followup: false: the sentinel counts the probe's own connection, not follow-up experiments'
  anyTarget = await startTestExporter('modules: { open: { connect_timeout: 1s, followup: false } }', { allowAnyTarget: true });
});
afterAll(async () => {
  await exporter?.close();
  await anyTarget?.close();
  await new Promise<void>((r) => sentinel?.close(() => r()));
});

async function expectOneLine(url: string, status: number, message: RegExp, headers: Record<string, string> = {}): Promise<void> {
  const before = connections;
  const r = await get(url, headers);
  expect(r.status).toBe(status);
  expect(r.headers['content-type']).toMatch(/^text\/plain/);
  expect(r.body).toMatch(message);
  expect(r.body.trimEnd().split('\n')).toHaveLength(1);
  expect(connections).toBe(before);
}

describe('400: bad parameters', () => {
  it.each([
    ['no target', {}, /target parameter is missing/],
    ['an empty target', { target: '' }, /target parameter is missing/],
    ['a target without a port', { target: '127.0.0.1', module: 'tcp' }, /bad target "127\.0\.0\.1"/],
    ['port 70000', { target: '127.0.0.1:70000', module: 'tcp' }, /bad target/],
    ['port 0', { target: '127.0.0.1:0', module: 'tcp' }, /bad target/],
    ['an unknown scheme', { target: 'gopher://127.0.0.1:70', module: 'tcp' }, /bad target/],
    ['an unknown module', { target: '127.0.0.1:1', module: 'tpc' }, /unknown module "tpc": modules are tcp, other/],
    ['an unknown parameter', { target: '127.0.0.1:1', module: 'tcp', modul: 'x' }, /unknown parameter "modul": use target, module, debug/],
    ['debug=yes', { target: '127.0.0.1:1', module: 'tcp', debug: 'yes' }, /bad debug "yes": use true or false/],
    ['no module with two modules configured', { target: '127.0.0.2:22' }, /module parameter is missing: one of tcp, other/],
    ['a huge target', { target: `${'a'.repeat(3000)}:80`, module: 'tcp' }, /longer than 2048/],
    ['control characters', { target: '127.0.0.1:1\r\nX: y', module: 'tcp' }, /bad target/],
  ])('%s', async (_, params, message) => {
    await expectOneLine(probeUrl(exporter, params as Record<string, string>), 400, message);
  });

  it('a parameter given twice', async () => {
    await expectOneLine(`${exporter.url}/probe?target=127.0.0.2:22&target=127.0.0.2:23&module=tcp`, 400, /parameter target given twice/);
  });

  it.each(['abc', '-1', '0', '1e9', ''])('a bad scrape timeout header %j', async (value) => {
    await expectOneLine(probeUrl(exporter, { target: `127.0.0.2:22`, module: 'tcp' }), 400, /bad X-Prometheus-Scrape-Timeout-Seconds/, {
      'X-Prometheus-Scrape-Timeout-Seconds': value,
    });
  });

  it('a scrape timeout that leaves no time after the offset', async () => {
    await expectOneLine(probeUrl(exporter, { target: `127.0.0.2:22`, module: 'tcp' }), 400, /too little for a probe: raise scrape_timeout/, {
      'X-Prometheus-Scrape-Timeout-Seconds': '0.6',
    });
  });

  it('a malformed request line gets 400 from the server, which keeps serving', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const s = connect(exporter.address.port, '127.0.0.1', () => s.write('GARBAGE\r\n\r\n'));
      let text = '';
      s.setEncoding('utf8').on('data', (d: string) => (text += d));
      s.on('end', () => resolve(text));
      s.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect((await get(`${exporter.url}/-/healthy`)).status).toBe(200);
  });
});

describe('403: targets the module does not allow (no connection is made)', () => {
  it.each([
    ['an address outside the CIDRs', { target: '127.0.0.1:22', module: 'tcp' }, /address 127\.0\.0\.1 is not in its allow\.cidrs or allow\.hosts/],
    ['a name not listed', { target: 'evil.example:22', module: 'tcp' }, /host evil\.example is not in its allow\.hosts/],
    ['a listed host on a port outside the list', { target: 'db.internal:5432', module: 'tcp' }, /port 5432 is not in its allow\.ports/],
    ['a name that only looks like an allowed one', { target: 'db.internal.evil.example:22', module: 'tcp' }, /not in its allow\.hosts/],
  ])('%s', async (_, params, message) => {
    await expectOneLine(probeUrl(exporter, params), 403, message);
  });

  it('the sentinel port, allowed by no module of this exporter, is never connected to', async () => {
    await expectOneLine(probeUrl(exporter, { target: `127.0.0.1:${sentinelPort}`, module: 'tcp' }), 403, /not in its allow/);
    // the same target through a module that allows it does connect: the sentinel counts
    const r = await get(probeUrl(exporter, { target: `127.0.0.1:${sentinelPort}`, module: 'other' }));
    expect(r.status).toBe(200);
    expect(connections).toBeGreaterThan(0);
  });

  it('--allow-any-target probes what it is given (and still checks the target itself)', async () => {
    const before = connections;
    const r = await get(probeUrl(anyTarget, { target: `127.0.0.1:${sentinelPort}` }));
    expect(r.status).toBe(200);
    expect(connections).toBe(before + 1);
    expect((await get(probeUrl(anyTarget, { target: 'nope' }))).status).toBe(400);
  });
});
