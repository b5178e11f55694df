/**
 * A probe stopped from outside reports `interrupted` with the timeline it had, and nothing it did
 * not see: no invented no_reply, no causes. Each phase is reached by awaiting its own event (the
 * probe's timeline or the server's), then the stop comes: no sleeps.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { probe } from '../../src/probe/probe.js';
import { parseTarget } from '../../src/probe/target.js';
import { probeOptions } from '../../src/probe/defaults.js';
import { diagnose } from '../../src/diagnose/diagnose.js';
import type { Observation, Phase, TimelineEvent } from '../../src/diagnose/observation.js';
import type { ProbeOptions } from '../../src/probe/types.js';
import { BIN } from '../helpers/cli.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

/** A TCP server on loopback; `onConnection` decides what each connection gets. */
async function server(onConnection: (s: Socket) => void): Promise<number> {
  const sockets = new Set<Socket>();
  const srv = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
    onConnection(s);
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const close = srv.close.bind(srv);
  srv.close = ((cb?: (err?: Error) => void) => {
    for (const s of sockets) s.destroy();
    return close(cb);
  }) as typeof srv.close;
  servers.push(srv);
  return (srv.address() as { port: number }).port;
}

const silent = (s: Socket): void => void s.resume();
/** answers the first request only: a resume gets silence */
const answersOnce = (s: Socket): void => {
  let answered = false;
  s.on('data', () => {
    if (answered) return;
    answered = true;
    s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
  });
};

interface Case {
  phase: Phase;
  target: (port: number) => string;
  serve: (s: Socket, stop: () => void) => void;
  options?: Partial<ProbeOptions>;
  /** stop when the probe records this (else the server calls stop) */
  at?: (e: TimelineEvent) => boolean;
}

const CASES: Case[] = [
  { phase: 'connect', target: (p) => `http://127.0.0.1:${p}/`, serve: silent, at: (e) => e.kind === 'connecting' },
  // a TLS client's first bytes are its ClientHello: the server sees them while the probe waits in the handshake
  { phase: 'tls', target: (p) => `https://127.0.0.1:${p}/`, serve: (s, stop) => s.once('data', stop) },
  { phase: 'banner', target: (p) => `http://127.0.0.1:${p}/`, serve: silent, options: { bannerTimeoutMs: 10_000 }, at: (e) => e.kind === 'banner_wait' },
  // a peer that never reads: the first bytes arrive while the rest of 8 MiB is stuck in our buffers
  { phase: 'send', target: (p) => `127.0.0.1:${p}`, serve: (s, stop) => s.once('data', () => (s.pause(), stop())), options: { payload: { kind: 'zeros', size: 8 * 1024 * 1024 }, replyTimeoutMs: 10_000 } },
  { phase: 'reply', target: (p) => `http://127.0.0.1:${p}/`, serve: (s, stop) => s.once('data', stop), options: { replyTimeoutMs: 10_000 } },
  { phase: 'idle', target: (p) => `http://127.0.0.1:${p}/`, serve: answersOnce, options: { idleMs: 60_000 }, at: (e) => e.kind === 'idle_start' },
  { phase: 'resume', target: (p) => `http://127.0.0.1:${p}/`, serve: answersOnce, options: { idleMs: 50, replyTimeoutMs: 10_000 }, at: (e) => e.kind === 'sent' && e.phase === 'resume' },
];

describe('an interrupted probe (API): the partial timeline, outcome interrupted, no causes', () => {
  it.each(CASES)('in the $phase phase', async (c) => {
    const controller = new AbortController();
    const stop = (): void => controller.abort('SIGINT');
    const port = await server((s) => c.serve(s, stop));
    const options = probeOptions({ connectTimeoutMs: 10_000, tlsTimeoutMs: 10_000, ...c.options, ...(c.at ? { onEvent: (e: TimelineEvent) => c.at!(e) && stop() } : {}) });
    const obs: Observation = await probe(parseTarget(c.target(port)), options, controller.signal);
    const last = obs.events.at(-1)!;
    expect(last).toMatchObject({ kind: 'interrupted', reason: 'SIGINT', phase: c.phase });
    // nothing decisive was invented before the stop
    expect(obs.events.some((e) => e.kind === 'timeout' || e.kind === 'reset' || e.kind === 'fin')).toBe(false);
    const d = diagnose(obs);
    expect(d.outcome).toBe('interrupted');
    expect(d.healthy).toBe(false);
    expect(d.causes).toEqual([]);
    expect(d.clientError).toBeNull();
    expect(d.summary).toContain(`Stopped by Ctrl-C (SIGINT) during the ${c.phase} phase`);
  });
});

/** Runs the CLI; `ready` resolves when the server has seen what it waits for; then the signal. */
async function interruptCli(args: string[], signal: 'SIGINT' | 'SIGTERM', ready: Promise<void>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await ready;
  child.kill(signal);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(guard);
  return { code, stdout, stderr };
}

describe('an interrupted probe (CLI): SIGINT and SIGTERM, text and JSON', () => {
  it.each([
    ['SIGINT', 130, 'reply'],
    ['SIGTERM', 143, 'reply'],
    ['SIGINT', 130, 'tls'],
    ['SIGTERM', 143, 'tls'],
  ] as const)('%s (exit %i) in the %s phase', async (signal, exitCode, phase) => {
    let seen!: () => void;
    const ready = new Promise<void>((resolve) => (seen = resolve));
    const port = await server((s) => s.once('data', () => seen()));
    const target = phase === 'tls' ? `https://127.0.0.1:${port}/` : `http://127.0.0.1:${port}/`;
    const json = await interruptCli(['probe', target, '--reply-timeout', '15s', '--tls-timeout', '15s', '--json'], signal, ready);
    expect(json.code).toBe(exitCode);
    const doc = JSON.parse(json.stdout);
    expect(doc).toMatchObject({ interrupted: true, exitCode, healthy: false });
    const r = doc.results[0];
    expect(r.diagnosis.outcome).toBe('interrupted');
    expect(r.diagnosis.causes).toEqual([]);
    expect(r.observation.events.at(-1)).toMatchObject({ kind: 'interrupted', reason: signal, phase });

    let seenAgain!: () => void;
    const readyAgain = new Promise<void>((resolve) => (seenAgain = resolve));
    const port2 = await server((s) => s.once('data', () => seenAgain()));
    const text = await interruptCli(['probe', target.replace(String(port), String(port2))], signal, readyAgain);
    expect(text.code).toBe(exitCode);
    expect(text.stdout).toMatch(new RegExp(`stopped by ${signal}: the probe ends here`));
    expect(text.stdout).toMatch(/outcome\s+interrupted\s+Stopped by/);
    expect(text.stdout).not.toMatch(/likely causes|no_reply|your client would have seen/);
    expect(text.stderr).toContain(`interrupted (${signal})`);
  });
});
