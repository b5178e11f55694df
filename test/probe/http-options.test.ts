/**
 * -H/--header, -X/--method, --data STRING|@FILE, --expect-status and --resolve, checked against a
 * recording HTTP server on loopback: what reaches the server is what curl would have sent.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

interface Recorder {
  port: number;
  /** every request as received, one string per connection */
  requests: string[];
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'connreset-http-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Answers the first complete request (headers and Content-Length body) of each connection with `status`, and records it. */
async function recorder(status = '200 OK'): Promise<Recorder> {
  const requests: string[] = [];
  const server = createServer((s: Socket) => {
    s.on('error', () => undefined);
    let buffer = '';
    s.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(buffer.slice(0, end))?.[1] ?? 0);
      if (buffer.length < end + 4 + length) return;
      requests.push(buffer);
      buffer = '';
      s.write(`HTTP/1.1 ${status}\r\nContent-Length: 2\r\n\r\nok`);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return { port: (server.address() as { port: number }).port, requests };
}

const lines = (request: string): string[] => request.split('\r\n\r\n')[0]!.split('\r\n');
const body = (request: string): string => request.slice(request.indexOf('\r\n\r\n') + 4);

describe('HTTP request options (probe)', () => {
  it('-X, repeated -H and --data STRING reach the server as written, with Content-Length', async () => {
    const r = await recorder();
    const { code } = await runCli(['probe', `http://127.0.0.1:${r.port}/api/items?x=1`, '-X', 'PUT', '-H', 'Authorization: Bearer abc', '-H', 'X-Trace: 7', '--data', '{"a":1}', '-H', 'Content-Type: application/json']);
    expect(code).toBe(0);
    expect(r.requests).toHaveLength(1);
    const req = r.requests[0]!;
    expect(lines(req)[0]).toBe('PUT /api/items?x=1 HTTP/1.1');
    expect(lines(req)).toEqual(expect.arrayContaining([`Host: 127.0.0.1:${r.port}`, 'Authorization: Bearer abc', 'X-Trace: 7', 'Content-Length: 7', 'Content-Type: application/json']));
    // the user's Content-Type replaced the default form type, not added a second one
    expect(lines(req).filter((l) => /^content-type:/i.test(l))).toEqual(['Content-Type: application/json']);
    expect(body(req)).toBe('{"a":1}');
  });

  it('--data @FILE sends the file as the body of a POST (curl\'s default method and form content type); -H Host replaces the default', async () => {
    const r = await recorder();
    const file = join(dir, 'body.txt');
    writeFileSync(file, 'name=connreset&x=%20');
    const { code } = await runCli(['probe', `http://127.0.0.1:${r.port}/form`, '--data', `@${file}`, '-H', 'Host: api.internal']);
    expect(code).toBe(0);
    const req = r.requests[0]!;
    expect(lines(req)[0]).toBe('POST /form HTTP/1.1');
    expect(lines(req)).toEqual(expect.arrayContaining(['Host: api.internal', 'Content-Type: application/x-www-form-urlencoded', 'Content-Length: 20']));
    expect(lines(req).filter((l) => /^host:/i.test(l))).toHaveLength(1);
    expect(body(req)).toBe('name=connreset&x=%20');
  });

  it('--expect-status: a 503 outside 200-399 is expect_failed (exit 1); inside 500-599 it is the expected answer (exit 0)', async () => {
    const r = await recorder('503 Service Unavailable');
    const failed = await runCli(['probe', `http://127.0.0.1:${r.port}/`, '--expect-status', '200-399', '--json']);
    expect(failed.code).toBe(1);
    const doc = JSON.parse(failed.stdout);
    expect(doc.results[0].diagnosis.outcome).toBe('expect_failed');
    expect(doc.results[0].observation.events.find((e: { kind: string }) => e.kind === 'expect_failed').pattern).toBe('status 200-399');
    const text = await runCli(['probe', `http://127.0.0.1:${r.port}/`, '--expect-status', '200-399']);
    expect(text.stdout).toMatch(/reply not status 200-399 \(--expect-status\)/);
    const met = await runCli(['probe', `http://127.0.0.1:${r.port}/`, '--expect-status', '500-599,429', '--json']);
    expect(JSON.parse(met.stdout).results[0].diagnosis.outcome).toBe('ok');
    expect(met.code).toBe(0);
  });

  it('--resolve HOST:PORT:ADDR connects to ADDR and keeps the name in Host (no DNS lookup)', async () => {
    const r = await recorder();
    const { code, stdout } = await runCli(['probe', `http://api.connreset.test:${r.port}/`, '--resolve', `api.connreset.test:${r.port}:127.0.0.1`, '--json']);
    expect(code).toBe(0);
    const obs = JSON.parse(stdout).results[0].observation;
    expect(obs.address).toBe('127.0.0.1');
    expect(lines(r.requests[0]!)).toContain(`Host: api.connreset.test:${r.port}`);
  });

  it.each([
    [['-H', 'no colon here'], /bad --header "no colon here": expected "Name: value"/],
    [['-H', 'X-A: b\r\nX-Injected: 1'], /a header value cannot hold CR, LF or NUL/],
    [['-X', 'GE T'], /bad --method "GE T": not an HTTP method/],
    [['--expect-status', '700'], /bad --expect-status "700": expected status codes or ranges from 100 to 599/],
    [['--expect-status', '399-200'], /bad --expect-status/],
    [['--resolve', 'api:443'], /bad --resolve "api:443": expected HOST:PORT:ADDRESS/],
    [['--resolve', 'api:443:not-an-ip'], /"not-an-ip" is not an IP address/],
    [['--data', '@/nonexistent/body'], /bad --data "@\/nonexistent\/body": cannot read/],
  ])('bad HTTP option %j: one line on stderr, exit 2, nothing sent', async (args, message) => {
    const r = await recorder();
    const res = await runCli(['probe', `http://127.0.0.1:${r.port}/`, ...args]);
    expect(res.code).toBe(2);
    expect(res.stderr.split('\n')[0]).toMatch(message);
    expect(res.stderr).not.toMatch(/\n\s+at /);
    expect(r.requests).toEqual([]);
  });

  it('-H on a target that sends no HTTP request is an error, not silently ignored', async () => {
    const res = await runCli(['probe', '127.0.0.1:9', '-H', 'X-A: b']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/shape an HTTP request, and 127\.0\.0\.1:9 sends none/);
  });
});

describe('HTTP request options (check config)', () => {
  it('method, headers, data, expect_status and resolve keys do what the flags do', async () => {
    const r = await recorder('201 Created');
    writeFileSync(join(dir, 'payload.json'), '{"ok":true}');
    const config = join(dir, 'http.yml');
    writeFileSync(
      config,
      [
        'defaults:',
        `  resolve: ["api.connreset.test:${r.port}:127.0.0.1"]`,
        'targets:',
        `  - target: http://api.connreset.test:${r.port}/items`,
        '    method: PATCH',
        '    headers:',
        '      - "X-Team: payments"',
        '    data: "@payload.json"',
        '    expect_status: 200-299',
        `  - target: http://127.0.0.1:${r.port}/`,
        '    headers: ["Accept: text/plain"]',
        '    expect_status: 200',
        '',
      ].join('\n'),
    );
    const res = await runCli(['check', config, '--json']);
    const doc = JSON.parse(res.stdout);
    expect(doc.results.map((x: { outcome: string; status: string }) => [x.outcome, x.status])).toEqual([
      ['ok', 'passed'],
      ['expect_failed', 'failed'],
    ]);
    expect(res.code).toBe(1);
    const patch = r.requests.find((q) => q.startsWith('PATCH'))!;
    expect(lines(patch)).toEqual(expect.arrayContaining([`Host: api.connreset.test:${r.port}`, 'X-Team: payments', 'Content-Length: 11']));
    expect(body(patch)).toBe('{"ok":true}');
    expect(r.requests.find((q) => q.startsWith('GET'))).toContain('\r\nAccept: text/plain\r\n');
  });

  it('a bad key is a problem with file:line, nothing probed', async () => {
    const config = join(dir, 'bad-http.yml');
    writeFileSync(config, ['targets:', '  - target: http://127.0.0.1:9/', '    expect_status: 999', '    method: "GE T"', ''].join('\n'));
    const res = await runCli(['check', config]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/bad-http\.yml:3: .*expect_status/);
    expect(res.stderr).toMatch(/bad-http\.yml:4: .*method/);
  });
});
