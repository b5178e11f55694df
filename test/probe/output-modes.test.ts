/**
 * Output for many targets: a summary line after the reports, -q one line per probe (tcping-style),
 * and the routine banner wait only with -v. Real probes against loopback servers.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

async function serve(onConnection: (s: Socket) => void): Promise<number> {
  const srv = createServer((s) => {
    s.on('error', () => undefined);
    onConnection(s);
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  servers.push(srv);
  return (srv.address() as { port: number }).port;
}

const ok = (s: Socket): void => void s.on('data', () => s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok'));
const rst = (s: Socket): void => void s.once('data', () => s.resetAndDestroy());

describe('probe output for several targets', () => {
  it('the reports end with one summary line that counts healthy and failing targets', async () => {
    const [a, b] = await Promise.all([serve(ok), serve(rst)]);
    const r = await runCli(['probe', `http://127.0.0.1:${a}/`, `http://127.0.0.1:${b}/`, '--no-followup']);
    expect(r.code).toBe(1);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('2 targets: 1 healthy, 1 failing (reset_after_send ×1)');
  });

  it('-q prints one line per target, then the summary line; the exit code is unchanged', async () => {
    const [a, b] = await Promise.all([serve(ok), serve(rst)]);
    const r = await runCli(['probe', '-q', `http://127.0.0.1:${a}/`, `http://127.0.0.1:${b}/`, '--no-followup']);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(new RegExp(`^reply_then_close\\s+http://127\\.0\\.0\\.1:${a}/ \\(127\\.0\\.0\\.1:${a}\\)  [\\d.]+ ms  The peer sent`));
    expect(lines[1]).toMatch(new RegExp(`^reset_after_send\\s+http://127\\.0\\.0\\.1:${b}/ .* The peer reset the connection`));
    expect(lines[2]).toBe('2 targets: 1 healthy, 1 failing (reset_after_send ×1)');
  });

  it('one target: no summary line, and no banner-wait line unless -v', async () => {
    const a = await serve(ok);
    const plain = await runCli(['probe', `http://127.0.0.1:${a}/`]);
    expect(plain.stdout).not.toMatch(/targets:|waiting up to/);
    const verbose = await runCli(['probe', `http://127.0.0.1:${a}/`, '-v']);
    expect(verbose.stdout).toMatch(/banner\s+waiting up to \d+ ms/);
  });
});
