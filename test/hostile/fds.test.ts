/**
 * Descriptor accounting (issue #14): after a burst against the lab, and after a check run, the
 * process holds as many file descriptors as before. The waits are events, never sleeps: each
 * client's 'close', then the lab's settled() (its last connection closed), which also means every
 * client has closed its descriptor (the server only sees the FIN or RST after the client's close).
 * Before the never-read fix the lab kept one descriptor per connection in CLOSE-WAIT for ever.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { startLab, type Lab } from '../../src/lab/server.js';
import { specsFromArgs, type ConfigDeps } from '../../src/check/config.js';
import { parseTarget } from '../../src/probe/target.js';
import { parseSend } from '../../src/probe/payload.js';
import { runChecks } from '../../src/check/run.js';
import { planConcurrency } from '../../src/probe/runner.js';
import { probe, probeAll } from '../../src/probe/probe.js';
import { probeOptions } from '../../src/probe/defaults.js';
import { diagnose } from '../../src/diagnose/diagnose.js';

const fdCount = (): number => readdirSync('/proc/self/fd').length;
const hasProcFd = ((): boolean => {
  try {
    fdCount();
    return true;
  } catch {
    return false;
  }
})();

let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ basePort: 0, idleAfterMs: 1000, trickleIntervalMs: 50 });
});
afterAll(async () => {
  await lab?.close();
});

/** One client: connect, send a request, leave with a FIN (end) or an RST; resolves on its 'close'. */
async function visit(port: number, leave: 'fin' | 'rst'): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.on('data', () => undefined);
  // not events.once: it rejects on 'error', and a reset-on-accept scenario resets during connect
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const connected = await new Promise<boolean>((resolve) => {
    socket.once('connect', () => resolve(true));
    socket.once('close', () => resolve(false));
  });
  if (!connected) return; // refused or reset before the connection was ours: nothing held
  socket.write('GET / HTTP/1.1\r\nHost: lab\r\n\r\n');
  if (leave === 'fin') socket.end();
  else socket.resetAndDestroy();
  await closed;
}

describe.skipIf(!hasProcFd)('file descriptors come back after a burst', () => {
  it('lab: 20 rounds of every scenario, FIN and RST, leave the count where it started', async () => {
    await lab.settled();
    const before = fdCount();
    const ports = lab.scenarios.filter((s) => s.scenario.handler !== 'nothing-listening').map((s) => s.port);
    for (let round = 0; round < 20; round++) {
      await Promise.all(ports.map((port) => visit(port, round % 2 === 0 ? 'fin' : 'rst')));
    }
    await lab.settled();
    expect(lab.openConnections()).toBe(0);
    expect(fdCount()).toBe(before);
  }, 60_000);

  it('check: a run of 300 probes against the lab leaves the count where it started', async () => {
    const deps: ConfigDeps = { parseTarget, parseSend };
    const names = ['ok', 'reset-on-accept', 'close-on-request', 'reply-then-reset', 'never-read', 'http-502', 'refused'];
    const chosen = lab.scenarios.filter((s) => names.includes(s.name)).map((s) => s.target);
    expect(chosen.length).toBeGreaterThan(3);
    const specs = specsFromArgs(Array.from({ length: 300 }, (_, i) => chosen[i % chosen.length]!), deps).map((s) => ({
      ...s,
      options: { replyTimeoutMs: 300, connectTimeoutMs: 1000 },
    }));
    await lab.settled();
    const before = fdCount();
    const run = await runChecks(specs, { probe, probeAll, probeOptions, diagnose }, {
      plan: planConcurrency(50),
      requestedConcurrency: 50,
      deadlineMs: null,
      failFast: false,
      source: null,
    });
    expect(run.results).toHaveLength(300);
    expect(run.results.every((r) => r.status !== 'not_run')).toBe(true);
    await lab.settled();
    expect(fdCount()).toBe(before);
  }, 120_000);
});
