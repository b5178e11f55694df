/**
 * `connreset demo` and `connreset lab` as a user runs them: real processes, real ports.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { once } from 'node:events';
import { BIN, expectUsageError, runCli } from '../helpers/cli.js';

describe('connreset demo', () => {
  it('probes every scenario, shows each outcome and top cause, and exits 0', async () => {
    const r = await runCli(['demo'], { timeoutMs: 30_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('25 of 25 scenarios gave the expected outcome and top cause');
    expect(r.stdout).toMatch(/✓ reset-on-request\s+reset_after_send\s+The application closed the socket without replying/);
    expect(r.stdout).toMatch(/✓ idle-forget\s+reset_on_resume\s+A NAT, firewall or load balancer dropped/);
    expect(r.stdout).toMatch(/✓ http-502\s+http_5xx\s+The proxy's upstream reset, refused or closed the connection \(502 Bad Gateway\)/);
    expect(r.stdout).not.toContain('✗');
    expect(r.stdout).toContain('Try next:');
    // NO_COLOR (set by runCli): no escape sequences
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  it('rejects a bad option with one line and exit 2', async () => {
    const r = await runCli(['demo', '--idle-after', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('bad duration "soon" for --idle-after');
  });
});

describe('connreset lab', () => {
  it('lists every scenario with its port and a command to try, serves them, and stops cleanly on SIGINT', async () => {
    const child = spawn(process.execPath, [BIN, 'lab', '--port', '0', '--idle-after', '1s'], {
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    try {
      let stdout = '';
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.stdout.setEncoding('utf8');
      for await (const chunk of child.stdout) {
        stdout += chunk as string;
        if (stdout.includes('Press Ctrl-C to stop.')) break;
      }
      expect(stdout).toContain('connreset lab: 25 fault scenarios on 127.0.0.1');
      const okPort = Number(/^\s+(\d+)\s+ok\s+probe says: ok$/m.exec(stdout)?.[1]);
      expect(okPort).toBeGreaterThan(0);
      expect(stdout).toContain(`try: connreset probe http://127.0.0.1:${okPort} --idle 1500ms`);
      expect(stdout).toMatch(/^\s+\d+\s+idle-forget\s+probe says: reset_on_resume \(middlebox_idle_timeout\)$/m);
      // the follow-ups rank a policy first for a refusal on accept that every attempt meets
      expect(stdout).toMatch(/^\s+\d+\s+reset-on-accept\s+probe says: reset_on_connect \(turned_away_by_policy\)$/m);

      // it really serves: the ok scenario answers a request
      const socket = connect({ port: okPort, host: '127.0.0.1' });
      await once(socket, 'connect');
      socket.write('GET / HTTP/1.1\r\nHost: lab\r\n\r\n');
      const [reply] = (await once(socket, 'data')) as [Buffer];
      expect(reply.toString('latin1')).toMatch(/^HTTP\/1\.1 200 OK/);

      // Ctrl-C closes the servers, and the connection still open with them
      const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
      const socketClosed = once(socket, 'close');
      socket.on('error', () => undefined);
      child.kill('SIGINT');
      const [code] = await exited;
      await socketClosed;
      expect(code).toBe(0);
      expect(stderr).toContain('lab stopped (SIGINT)');
    } finally {
      clearTimeout(killer);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  const BAD: readonly [string[], string][] = [
    [['lab', '--port', '65530'], 'bad --port "65530"'],
    [['lab', '--port', '-1'], 'bad --port "-1"'],
    [['lab', '--port', 'http'], 'bad --port "http"'],
    [['lab', '--host', ''], 'bad --host ""'],
    [['lab', '--idle-after', '0.2s'], 'bad --idle-after "0.2s"'],
    [['lab', '--idle-after', 'forever'], 'bad duration "forever" for --idle-after'],
    [['demo', '--port', '99999'], 'bad --port "99999"'],
  ];
  for (const [args, message] of BAD) {
    it(`rejects \`${args.join(' ')}\` with one line and exit 2`, async () => {
      expectUsageError(await runCli(args), message);
    });
  }
});
