/**
 * `connreset serve` as a user runs it: bad options and configs are one line and exit 2 before
 * anything listens; SIGTERM stops it gracefully (no new connections, the probe in flight answers,
 * exit 0), and a probe still running after --shutdown-grace is cut, not waited for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectUsageError, runCli } from '../helpers/cli.js';
import { get, readMetrics, spawnServe } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'connreset-serve-cli-'));
let holder: Server;
let holderPort: number;
const held = new Set<Socket>();

beforeAll(async () => {
  // accepts, reads, never replies: a probe of it lasts its reply timeout
  holder = createServer((s) => {
    held.add(s);
    s.on('error', () => undefined).on('close', () => held.delete(s)).resume();
  });
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
  holderPort = (holder.address() as { port: number }).port;
  writeFileSync(join(dir, 'ok.yml'), `modules:\n  hold:\n    send: "text:hi\\n"\n    reply_timeout: 1500ms\n    allow: { cidrs: [127.0.0.1/32] }\n`);
});
afterAll(async () => {
  for (const s of held) s.destroy();
  await new Promise<void>((r) => holder?.close(() => r()));
});

describe('connreset serve: bad options and configs (exit 2, one line, nothing listens)', () => {
  it.each([
    [['--listen', 'localhost'], /bad --listen "localhost": expected HOST:PORT/],
    [['--listen', '127.0.0.1:99999'], /bad --listen/],
    [['--max-concurrent', '0'], /bad --max-concurrent "0"/],
    [['--timeout-offset', 'soon'], /bad duration "soon" for --timeout-offset/],
    [['--config', join(dir, 'missing.yml')], /missing\.yml: no such file/],
    [['--web-config', join(dir, 'missing-web.yml')], /missing-web\.yml: no such file/],
  ])('%j', async (args, message) => {
    expectUsageError(await runCli(['serve', ...args]), message);
  });

  it('a config with an unknown module setting names file:line', async () => {
    writeFileSync(join(dir, 'bad.yml'), 'modules:\n  tcp:\n    allow: { cidrs: [127.0.0.1] }\n    reply_timout: 1s\n');
    expectUsageError(await runCli(['serve', '--config', join(dir, 'bad.yml')]), /bad\.yml:4: modules\.tcp\.reply_timout: unknown field \(did you mean reply_timeout\?\)/);
  });

  it('a port in use', async () => {
    expectUsageError(await runCli(['serve', '--listen', `127.0.0.1:${holderPort}`]), new RegExp(`cannot listen on 127\\.0\\.0\\.1:${holderPort}: address in use`));
  });
});

describe('connreset serve: the open-file limit', () => {
  it('--max-concurrent above what the limit allows is lowered, and says so', async () => {
    const serve = await spawnServe(['--max-concurrent', '1000'], 15_000, 160);
    try {
      expect(serve.stderr()).toMatch(/--max-concurrent lowered from 1000 to \d+: the open-file limit is 160/);
      const cap = readMetrics((await get(`${serve.url}/metrics`)).body).samples.find((s) => s.name === 'connreset_serve_max_concurrent_probes')!.value;
      expect(cap).toBeGreaterThan(0);
      expect(cap * 2).toBeLessThan(160);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  });
});

// bcryptjs is loaded lazily, at the first request with credentials: through the CLI bundle too
describe('connreset serve: basic auth as a user runs it', () => {
  it('a right password gets the metrics, a wrong one 401', async () => {
    const { default: bcrypt } = await import('bcryptjs');
    const web = join(dir, 'web-auth.yml');
    writeFileSync(web, `basic_auth_users:\n  prometheus: ${bcrypt.hashSync('scrape-me', 4)}\n`);
    const serve = await spawnServe(['--web-config', web]);
    try {
      const basic = (password: string) => ({ authorization: `Basic ${Buffer.from(`prometheus:${password}`).toString('base64')}` });
      const right = await get(`${serve.url}/metrics`, basic('scrape-me'));
      expect(right.status).toBe(200);
      expect(right.body).toContain('connreset_serve_');
      expect((await get(`${serve.url}/metrics`, basic('wrong'))).status).toBe(401);
      expect((await get(`${serve.url}/metrics`)).status).toBe(401);
      expect(serve.stderr()).not.toMatch(/internal error/);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  });
});

describe('connreset serve: stopping', () => {
  /** waits (bounded) until the exporter reports a probe in flight */
  async function untilInFlight(url: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const m = readMetrics((await get(`${url}/metrics`)).body);
      if (m.samples.find((s) => s.name === 'connreset_serve_probes_in_flight')?.value === 1) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('no probe in flight after 200 polls');
  }

  it('its log lines stay one line each: a config path with a newline and a control character is escaped', async () => {
    const odd = join(dir, 'odd\nname\u001b[31m.yml');
    copyFileSync(join(dir, 'ok.yml'), odd);
    const serve = await spawnServe(['--config', odd]);
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
    const lines = serve.stderr().split('\n').filter(Boolean);
    expect(lines.every((l) => l.startsWith('connreset serve: '))).toBe(true);
    expect(serve.stderr()).toContain('odd\\nname\\x1b[31m.yml');
    expect(serve.stderr()).not.toContain('\u001b');
  });

  it('SIGTERM: no new connections, the probe in flight finishes and answers, exit 0', async () => {
    const serve = await spawnServe(['--config', join(dir, 'ok.yml')]);
    const pending = get(`${serve.url}/probe?target=127.0.0.1:${holderPort}&module=hold`);
    await untilInFlight(serve.url);
    serve.child.kill('SIGTERM');
    const answer = await pending;
    expect(answer.status).toBe(200);
    expect(answer.body).toMatch(/^probe_connreset_outcome\{outcome="no_reply"\} 1$/m);
    expect(await serve.exited).toBe(0);
    expect(serve.stderr()).toMatch(/stopping \(SIGTERM\)[\s\S]*waiting for 1 probe\(s\) in flight[\s\S]*stopped/);
    await expect(get(`${serve.url}/-/healthy`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('a probe still running after --shutdown-grace is cut: it answers with what it saw, probe_success 0', async () => {
    const serve = await spawnServe(['--config', join(dir, 'ok.yml'), '--shutdown-grace', '100ms']);
    const pending = get(`${serve.url}/probe?target=127.0.0.1:${holderPort}&module=hold&debug=true`);
    await untilInFlight(serve.url);
    serve.child.kill('SIGTERM');
    const answer = await pending;
    expect(answer.status).toBe(200);
    expect(answer.body).toMatch(/The probe was cut \(shutdown\)/);
    expect(answer.body).toMatch(/^probe_success 0$/m);
    expect(await serve.exited).toBe(0);
  });
});
