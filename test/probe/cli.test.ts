import { describe, expect, it } from 'vitest';
import { expectUsageError, runCli } from '../helpers/cli.js';
import { closedAfterEachTest } from './servers.js';
import { startLab } from '../../src/lab/server.js';
import { suggestedCommand } from '../../src/lab/probe-plan.js';

const { serve } = closedAfterEachTest();

const badInputs: [args: string[], message: RegExp][] = [
  [['host'], /bad target "host": missing port \(write host:PORT/],
  [['host:0'], /port 0 is out of range/],
  [['host:70000'], /port 70000 is out of range/],
  [[':80'], /missing host/],
  [['[::1'], /unclosed "\["/],
  [[''], /empty target/],
  [['gopher://host:70'], /unsupported scheme "gopher:\/\/"/],
  [['127.0.0.1:9', 'host'], /bad target "host"/],
  [['127.0.0.1:9', '--send', 'bogus'], /bad --send "bogus"/],
  [['127.0.0.1:9', '--send', 'hex:abc'], /odd number of hex digits/],
  [['127.0.0.1:9', '--expect', '('], /bad --expect "\("/],
  [['127.0.0.1:9', '--idle', '0'], /bad --idle "0"/],
  [['127.0.0.1:9', '--idle', 'soon'], /bad duration "soon" for --idle/],
  [['127.0.0.1:9', '--keepalive', '30s'], /--keepalive needs --idle/],
  [['127.0.0.1:9', '--repeat', '0'], /bad --repeat "0"/],
  [['127.0.0.1:9', '--interval', '5s'], /--interval needs --repeat/],
  [['127.0.0.1:9', '-4', '-6'], /-4 and -6 exclude each other/],
  [['127.0.0.1:9', '-6'], /127\.0\.0\.1 is an IPv4 address but -6 was given/],
  [['127.0.0.1:9', '--connect-timeout', '-1s'], /bad duration "-1s"/],
  [['127.0.0.1:9', '--send', 'zeros:1TB'], /bad --send "zeros:1TB": "1TB" is not a size/],
  [['127.0.0.1:9', '--send', 'zeros:512MiB'], /bad --send "zeros:512MiB": 512MiB is more than the 256MiB limit/],
  [['127.0.0.1:9', '--send', 'zeros:0'], /bad --send "zeros:0": zero bytes/],
  [['127.0.0.1:9', '--send', 'zeros:lots'], /bad --send "zeros:lots": "lots" is not a size/],
  [['127.0.0.1:9', '--banner-timeout', '0'], /bad --banner-timeout "0"/],
  [['127.0.0.1:9', '--banner-timeout', 'later'], /bad duration "later" for --banner-timeout/],
];

describe('connreset probe: bad input', () => {
  it.each(badInputs)('%j → one line, exit 2', async (args, message) => {
    expectUsageError(await runCli(['probe', ...args]), message);
  });

  it('no target at all is a usage error', async () => {
    const r = await runCli(['probe']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing required argument 'targets'/);
  });
});

describe('connreset probe: real runs on loopback', () => {
  it('a healthy HTTP endpoint: exit 0, timeline and outcome ok', async () => {
    const port = await serve((s) => s.on('data', () => s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')));
    const r = await runCli(['probe', `http://127.0.0.1:${port}/`, '--reply-timeout', '300ms', '--expect', '^HTTP/1\\.1 200']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/connected/);
    expect(r.stdout).toMatch(/reply matches/);
    expect(r.stdout).toMatch(/outcome\s+ok/);
  });

  it('an RST after the request: exit 1, named outcome, the client error and a cause', async () => {
    const port = await serve((s) => s.once('data', () => s.resetAndDestroy()));
    const r = await runCli(['probe', `http://127.0.0.1:${port}/`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/peer reset the connection \(RST\) → ECONNRESET/);
    expect(r.stdout).toMatch(/outcome\s+reset_after_send/);
    expect(r.stdout).toMatch(/WSAECONNRESET \(10054\)/);
    expect(r.stdout).toMatch(/likely causes\n(\s+fit:.*\n)?\s+1\./);
  });

  it('never writes a peer\'s control bytes to the terminal', async () => {
    const port = await serve((s) => s.once('data', () => s.end('\x1b[2J\x1b]0;pwned\x07\x9b31m')));
    const r = await runCli(['probe', `127.0.0.1:${port}`, '--send', 'text:hi\\r\\n']);
    expect(r.stdout).toContain('\\x1b[2J');
    expect(r.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  });

  it('--json prints one versioned document with observation and diagnosis', async () => {
    const port = await serve((s) => s.once('data', () => s.end('+PONG\r\n')));
    const r = await runCli(['probe', `redis://127.0.0.1:${port}`, '--json']);
    const doc = JSON.parse(r.stdout) as {
      schema: string;
      exitCode: number;
      results: { target: string; run: number; observation: { schema: string; events: { kind: string }[] }; diagnosis: { schema: string; outcome: string } }[];
      summaries: { runs: number }[];
    };
    expect(doc.schema).toBe('connreset.probe/v1');
    expect(doc.exitCode).toBe(r.code);
    expect(doc.results).toHaveLength(1);
    expect(doc.results[0]!.observation.schema).toBe('connreset.observation/v1');
    expect(doc.results[0]!.diagnosis.schema).toBe('connreset.diagnosis/v1');
    expect(doc.results[0]!.observation.events.map((e) => e.kind)).toContain('received');
    expect(doc.summaries[0]!.runs).toBe(1);
  });

  it('--repeat summarises: an endpoint that resets every other connection', async () => {
    let n = 0;
    const port = await serve((s) => {
      if (n++ % 2 === 1) s.once('data', () => s.resetAndDestroy());
      else s.on('data', () => s.write('+PONG\r\n'));
    });
    // --no-followup: a failing run's follow-ups connect while the next repeat runs, so under load
    // they would shift which connections the alternating server resets (1 of 4 failed, once)
    const r = await runCli(['probe', `redis://127.0.0.1:${port}`, '--repeat', '4', '--interval', '10ms', '--reply-timeout', '300ms', '--no-followup']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/2 of 4 runs failed: reset_after_send ×2 \(.*after our send\); ok ×2/);
    expect(r.stdout).toMatch(/^run 2:$/m);
  });
});

describe('connreset probe: banner wait and generated payloads', () => {
  it('a client-first scheme settles briefly before sending; --banner-timeout waits the full time', async () => {
    const port = await serve((s) => s.on('data', () => s.write('HTTP/1.1 204 No Content\r\n\r\n')));
    // the wait is routine: shown with -v only
    const quiet = await runCli(['probe', `http://127.0.0.1:${port}/`, '--reply-timeout', '300ms']);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).not.toMatch(/waiting up to/);
    const settle = await runCli(['probe', `http://127.0.0.1:${port}/`, '--reply-timeout', '300ms', '-v']);
    expect(settle.code).toBe(0);
    expect(settle.stdout).toMatch(/banner\s+waiting up to \d+ ms for a banner or an early close \(client speaks first/);
    const full = await runCli(['probe', `http://127.0.0.1:${port}/`, '--reply-timeout', '300ms', '--banner-timeout', '300ms', '-v']);
    expect(full.code).toBe(0);
    expect(full.stdout).toMatch(/waiting up to 300 ms for a banner or an early close \(banner timeout set\)/);
  });

  it("the lab's never-read scenario: the suggested command (--send zeros:SIZE) shows send_stalled", async () => {
    const lab = await startLab({ basePort: 0, only: ['never-read'] });
    try {
      const running = lab.scenarios[0]!;
      const command = suggestedCommand(running, lab.idleAfterMs);
      expect(command).toMatch(/ --send zeros:\d+MiB$/);
      const r = await runCli([...command.split(' ').slice(1), '--json'], { timeoutMs: 30_000 });
      const doc = JSON.parse(r.stdout) as { results: { observation: { options: { send: string; sendBytes: number } }; diagnosis: { outcome: string } }[] };
      expect(doc.results[0]!.diagnosis.outcome).toBe('send_stalled');
      expect(doc.results[0]!.observation.options).toMatchObject({ send: 'zeros', sendBytes: running.scenario.payloadBytes });
      expect(r.code).toBe(1);
    } finally {
      await lab.close();
    }
  });

  it('zeros:16MiB from the command line stalls on a peer that never reads', async () => {
    const port = await serve((s) => s.pause());
    const r = await runCli(['probe', `127.0.0.1:${port}`, '--send', 'zeros:16MiB', '--reply-timeout', '500ms']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/could not send: the peer is not reading/);
    expect(r.stdout).toMatch(/outcome\s+send_stalled/);
  });
});

describe('connreset probe: Ctrl-C', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s mid-probe prints what was seen so far and exits %i', async (signal, expectedCode) => {
    const { spawn } = await import('node:child_process');
    const { BIN } = await import('../helpers/cli.js');
    let requested: () => void = () => undefined;
    const gotRequest = new Promise<void>((resolve) => (requested = resolve));
    const port = await serve((s) =>
      s.on('data', () => {
        s.write('+PONG\r\n');
        requested();
      }),
    );
    const child = spawn(process.execPath, [BIN, 'probe', `redis://127.0.0.1:${port}`, '--idle', '60s', '--reply-timeout', '200ms'], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await gotRequest;
    child.kill(signal);
    const code = await exited;
    expect(code).toBe(expectedCode);
    // the request reached the server before the signal, so the report shows it was sent
    expect(stdout).toMatch(/sent 6 bytes/);
    expect(stderr).toContain(`interrupted (${signal})`);
  });
});
