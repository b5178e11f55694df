import { describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { probe, probeAll } from '../../src/probe/probe.js';
import { parseTarget } from '../../src/probe/target.js';
import { probeBudgetMs, probeOptions, MAX_RECEIVED_EVENTS } from '../../src/probe/defaults.js';
import type { Observation, TimelineEvent } from '../../src/diagnose/observation.js';
import type { ProbeOptions } from '../../src/probe/types.js';
import { closedAfterEachTest, flood, fullBacklog, tcpServer, tlsServer, trickle } from './servers.js';

const { serve, adopt } = closedAfterEachTest();

/** "phase/kind" of every event, the shape the assertions read best in. */
const steps = (obs: Observation): string[] => obs.events.map((e) => `${e.phase}/${e.kind}`);

function only<K extends TimelineEvent['kind']>(obs: Observation, kind: K): Extract<TimelineEvent, { kind: K }> {
  const found = obs.events.filter((e) => e.kind === kind);
  expect(found, `exactly one ${kind} in ${steps(obs).join(', ')}`).toHaveLength(1);
  return found[0] as Extract<TimelineEvent, { kind: K }>;
}

/** The probe ended by its own phases, not by its guard, and its clock only went forward. */
function wellFormed(obs: Observation, options: ProbeOptions): void {
  const guard = probeBudgetMs(options);
  expect(obs.events.some((e) => e.kind === 'timeout' && e.limitMs === guard)).toBe(false);
  expect(obs.durationMs).toBeLessThan(guard);
  const times = obs.events.map((e) => e.t);
  expect(times).toEqual([...times].sort((a, b) => a - b));
  for (const e of obs.events) if (e.kind === 'received') expect(e.preview).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
}

const http = (port: number): ReturnType<typeof parseTarget> => parseTarget(`http://127.0.0.1:${port}/`);
const fast = (partial: Partial<ProbeOptions> = {}): ProbeOptions => probeOptions({ replyTimeoutMs: 400, ...partial });

describe('probe against loopback fault servers', () => {
  it('sees an RST on accept before anything is sent', async () => {
    const port = await serve((s) => s.resetAndDestroy());
    const options = fast();
    const obs = await probe(http(port), options);
    wellFormed(obs, options);
    expect(steps(obs).slice(0, 2)).toEqual(['resolve/resolved', 'connect/connecting']);
    // the RST can beat Node's connect callback: then connect itself fails with ECONNRESET
    expect(['connect', 'banner']).toContain(only(obs, 'reset').phase);
    expect(only(obs, 'reset').code).toBe('ECONNRESET');
    expect(steps(obs)).not.toContain('send/sent');
    expect(steps(obs)).not.toContain('banner/closed_by_us');
  });

  it('sees a FIN on accept, and closes its side afterwards', async () => {
    const port = await serve((s) => s.end());
    const options = fast();
    const obs = await probe(http(port), options);
    wellFormed(obs, options);
    expect(steps(obs)).toEqual(['resolve/resolved', 'connect/connecting', 'connect/connected', 'banner/banner_wait', 'banner/fin', 'banner/closed_by_us']);
  });

  it('sees an RST after the request', async () => {
    const port = await serve((s) => s.once('data', () => s.resetAndDestroy()));
    const options = fast();
    const obs = await probe(http(port), options);
    wellFormed(obs, options);
    expect(steps(obs)).toEqual(['resolve/resolved', 'connect/connecting', 'connect/connected', 'banner/banner_wait', 'send/sent', 'reply/reset']);
    expect(only(obs, 'sent').bytes).toBe(obs.options.sendBytes);
  });

  it('sees a reply then a FIN, and escapes the reply', async () => {
    const port = await serve((s) => s.once('data', () => s.end('HTTP/1.1 200 OK\r\n\r\n\x1b[31mred\x07')));
    const options = fast();
    const obs = await probe(http(port), options);
    wellFormed(obs, options);
    expect(steps(obs)).toEqual([
      'resolve/resolved', 'connect/connecting', 'connect/connected', 'banner/banner_wait', 'send/sent', 'reply/received', 'reply/fin', 'reply/closed_by_us',
    ]);
    expect(only(obs, 'received').preview).toBe('HTTP/1.1 200 OK\\r\\n\\r\\n\\x1b[31mred\\x07');
  });

  it('sees a reply then an RST', async () => {
    const port = await serve((s) => s.once('data', () => s.write('+PONG\r\n', () => setImmediate(() => s.resetAndDestroy()))));
    const options = fast();
    const obs = await probe(parseTarget(`redis://127.0.0.1:${port}`), options);
    wellFormed(obs, options);
    expect(steps(obs).slice(3)).toEqual(['banner/banner_wait', 'send/sent', 'reply/received', 'reply/reset']);
    expect(only(obs, 'sent').bytes).toBe('PING\r\n'.length);
  });

  it('reads a banner from a server that speaks first, before sending', async () => {
    const port = await serve((s) => {
      s.write('220 mail ESMTP\r\n');
      s.once('data', () => s.write('250 ok\r\n'));
    });
    const options = fast({ payload: { kind: 'text', text: 'QUIT\r\n' } });
    const obs = await probe(parseTarget(`smtp://127.0.0.1:${port}`), options);
    wellFormed(obs, options);
    expect(steps(obs).slice(2)).toEqual(['connect/connected', 'banner/banner_wait', 'banner/received', 'send/sent', 'reply/received', 'reply/closed_by_us']);
  });

  it('times out on a server that never replies, at the reply timeout', async () => {
    const port = await serve(() => undefined);
    const options = fast();
    const obs = await probe(http(port), options);
    wellFormed(obs, options);
    expect(steps(obs).slice(3)).toEqual(['banner/banner_wait', 'send/sent', 'reply/timeout', 'reply/closed_by_us']);
    expect(only(obs, 'timeout').limitMs).toBe(options.replyTimeoutMs);
  });

  it('ends a trickle of one byte a second within its limits', async () => {
    const port = await serve((s) => trickle(s, 30));
    const options = fast({ replyTimeoutMs: 1500 });
    const obs = await probe(http(port), options);
    wellFormed(obs, options);
    expect(obs.events.filter((e) => e.kind === 'received').length).toBeGreaterThan(0);
    expect(obs.events.at(-1)?.kind).toBe('closed_by_us');
  });

  it('keeps a flood small: counts the bytes, caps the events, stops at the reply timeout', async () => {
    const port = await serve((s) => s.once('data', () => flood(s, 512 * 1024 * 1024)));
    const options = fast();
    const obs = await probe(http(port), options);
    wellFormed(obs, options);
    const received = obs.events.filter((e) => e.kind === 'received');
    expect(received.length).toBeLessThanOrEqual(MAX_RECEIVED_EVENTS);
    expect(received.reduce((n, e) => n + (e.kind === 'received' ? e.bytes : 0), 0)).toBeGreaterThan(1024 * 1024);
    expect(steps(obs).slice(-2)).toEqual(['reply/timeout', 'reply/closed_by_us']);
  });

  it('times out the send when the peer never reads a large payload', async () => {
    const port = await serve((s) => s.pause());
    const options = fast({ payload: { kind: 'hex', bytes: new Uint8Array(64 * 1024 * 1024) } });
    const obs = await probe(parseTarget(`127.0.0.1:${port}`), options);
    wellFormed(obs, options);
    expect(steps(obs).slice(2)).toEqual(['connect/connected', 'banner/banner_wait', 'send/timeout', 'send/closed_by_us']);
  });

  it('reports a refused connection as ECONNREFUSED', async () => {
    const server = await tcpServer(() => undefined);
    await server.close(); // the port was just free: nothing listens there now
    const options = fast();
    const obs = await probe(http(server.port), options);
    wellFormed(obs, options);
    expect(steps(obs)).toEqual(['resolve/resolved', 'connect/connecting', 'connect/error']);
    expect(only(obs, 'error').code).toBe('ECONNREFUSED');
  });

  it('times out a connect that gets no answer (full accept queue drops the SYN)', async () => {
    const blackhole = await fullBacklog();
    adopt(blackhole);
    const options = fast({ connectTimeoutMs: 800 });
    const obs = await probe(http(blackhole.port), options);
    wellFormed(obs, options);
    expect(steps(obs)).toEqual(['resolve/resolved', 'connect/connecting', 'connect/timeout']);
    expect(only(obs, 'timeout').limitMs).toBe(800);
  });

  it('matches --expect against the reply', async () => {
    const port = await serve((s) => s.once('data', () => s.write('+PONG\r\n')));
    const target = parseTarget(`redis://127.0.0.1:${port}`);
    const yes = await probe(target, fast({ expect: '^\\+PONG' }));
    expect(only(yes, 'expect_matched').pattern).toBe('^\\+PONG');
    const no = await probe(target, fast({ expect: '^-ERR' }));
    expect(only(no, 'expect_failed').pattern).toBe('^-ERR');
  });
});

describe('idle hold and resume', () => {
  const replyOk = (s: Socket): void => {
    s.on('data', () => s.write('ok\r\n'));
  };

  it('server closes while idle: FIN ends the hold early, the resumed write draws an RST (EPIPE)', async () => {
    const port = await serve((s) => {
      replyOk(s);
      s.once('data', () => setTimeout(() => s.destroy(), 600));
    });
    const options = fast({ replyTimeoutMs: 200, idleMs: 10_000 });
    const obs = await probe(http(port), options);
    wellFormed(obs, options);
    expect(steps(obs).slice(3)).toEqual([
      'banner/banner_wait', 'send/sent', 'reply/received', 'idle/idle_start', 'idle/fin', 'idle/idle_end', 'resume/sent', 'resume/reset',
    ]);
    expect(only(obs, 'reset').code).toBe('EPIPE');
    expect(only(obs, 'idle_end').t - only(obs, 'idle_start').t).toBeLessThan(10_000);
  });

  it('server resets while idle: no resume on a dead connection', async () => {
    const port = await serve((s) => {
      replyOk(s);
      s.once('data', () => setTimeout(() => s.resetAndDestroy(), 600));
    });
    const options = fast({ replyTimeoutMs: 200, idleMs: 10_000 });
    const obs = await probe(http(port), options);
    wellFormed(obs, options);
    expect(steps(obs).slice(3)).toEqual(['banner/banner_wait', 'send/sent', 'reply/received', 'idle/idle_start', 'idle/reset', 'idle/idle_end']);
  });

  it('connection survives the hold (with keepalive): resume gets a reply', async () => {
    const port = await serve(replyOk);
    const options = fast({ replyTimeoutMs: 200, idleMs: 300, keepaliveMs: 1000 });
    const obs = await probe(http(port), options);
    wellFormed(obs, options);
    expect(steps(obs).slice(3)).toEqual([
      'banner/banner_wait', 'send/sent', 'reply/received', 'idle/idle_start', 'idle/idle_end', 'resume/sent', 'resume/received', 'resume/closed_by_us',
    ]);
    expect(only(obs, 'idle_start')).toMatchObject({ durationMs: 300, keepaliveMs: 1000 });
  });

  it('resumed request gets no reply: timeout in the resume phase', async () => {
    const port = await serve((s) => s.once('data', () => s.write('ok\r\n')));
    const options = fast({ replyTimeoutMs: 200, idleMs: 200 });
    const obs = await probe(http(port), options);
    wellFormed(obs, options);
    expect(steps(obs).slice(-3)).toEqual(['resume/sent', 'resume/timeout', 'resume/closed_by_us']);
  });

  it('an abort ends the hold at once and still returns the observation', async () => {
    const port = await serve(replyOk);
    const controller = new AbortController();
    const options = fast({ replyTimeoutMs: 200, idleMs: 60_000 });
    const pending = probe(http(port), options, controller.signal);
    setTimeout(() => controller.abort(), 1500);
    const obs = await pending;
    expect(steps(obs)).toContain('idle/idle_start');
    expect(steps(obs)).not.toContain('resume/sent');
    expect(obs.durationMs).toBeLessThan(60_000);
  });
});

describe('TLS', () => {
  it('records the handshake facts', async () => {
    const server = await tlsServer((s) => s.once('data', () => s.end('HTTP/1.1 204 No Content\r\n\r\n')));
    adopt(server);
    // -k: a self-signed certificate is then observed, not refused (test/probe/tls-verify.test.ts covers refusing)
    const options = fast({ tlsTrust: { insecure: true, ca: null, cert: null, key: null } });
    const obs = await probe(parseTarget(`https://127.0.0.1:${server.port}/`), options);
    wellFormed(obs, options);
    expect(steps(obs).slice(2, 6)).toEqual(['connect/connected', 'tls/tls_established', 'banner/banner_wait', 'send/sent']);
    const { tls } = only(obs, 'tls_established');
    expect(tls.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(tls.subject).toContain('CN=connreset.test');
    expect(tls.authorized).toBe(false); // self-signed: observed, accepted with insecure
    expect(tls.daysToExpiry).toBeGreaterThan(0);
    expect(tls.validTo).not.toBeNull();
  });

  it('a plain-text server on a TLS target fails the handshake with a reason', async () => {
    const port = await serve((s) => s.once('data', () => s.write('HTTP/1.1 400 Bad Request\r\n\r\n')));
    const options = fast();
    const obs = await probe(parseTarget(`tls://127.0.0.1:${port}`), options);
    wellFormed(obs, options);
    const failed = only(obs, 'tls_failed');
    expect(failed.code).toBe('ERR_SSL_WRONG_VERSION_NUMBER');
    expect(failed.message).toBe('wrong version number');
  });

  it('tells an RST from a FIN during the handshake', async () => {
    const rst = await serve((s) => s.once('data', () => s.resetAndDestroy()));
    const fin = await serve((s) => s.once('data', () => s.destroy()));
    const options = fast();
    const reset = await probe(parseTarget(`tls://127.0.0.1:${rst}`), options);
    expect(only(reset, 'reset').phase).toBe('tls');
    const closed = await probe(parseTarget(`tls://127.0.0.1:${fin}`), options);
    expect(only(closed, 'fin').phase).toBe('tls');
    expect(closed.events.some((e) => e.kind === 'reset')).toBe(false);
  });
});

describe('addresses', () => {
  it('probes every resolved address: the one that has no server is refused', async () => {
    const port = await serve((s) => s.once('data', () => s.end('ok')));
    const lookup = async (): Promise<{ address: string; family: 4 | 6 }[]> => [
      { address: '127.0.0.1', family: 4 },
      { address: '127.0.0.2', family: 4 },
    ];
    const observations = await probeAll(parseTarget(`http://app.test:${port}/`), fast({ lookup }));
    expect(observations.map((o) => o.address)).toEqual(['127.0.0.1', '127.0.0.2']);
    expect(observations[0]!.events.some((e) => e.kind === 'received')).toBe(true);
    expect(observations[1]!.events.find((e) => e.kind === 'error')).toMatchObject({ code: 'ECONNREFUSED' });
    for (const o of observations) expect(o.events[0]).toMatchObject({ kind: 'resolved', addresses: [{ address: '127.0.0.1' }, { address: '127.0.0.2' }] });
  });

  it('records a failed lookup with its code', async () => {
    const lookup = async (): Promise<never> => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), { code: 'ENOTFOUND' });
    };
    const obs = await probe(parseTarget('nowhere.invalid:80'), fast({ lookup }));
    expect(steps(obs)).toEqual(['resolve/resolve_failed']);
    expect(only(obs, 'resolve_failed').code).toBe('ENOTFOUND');
  });

  it('-6 with only IPv4 addresses is a resolve failure that names them', async () => {
    const lookup = async (): Promise<{ address: string; family: 4 | 6 }[]> => [{ address: '127.0.0.1', family: 4 }];
    const obs = await probe(parseTarget('db.test:80'), fast({ lookup, family: 6 }));
    expect(only(obs, 'resolve_failed').message).toContain('no IPv6 address');
  });

  it('resolves localhost with the system resolver (from /etc/hosts)', async () => {
    const port = await serve((s) => s.end());
    const obs = await probe(parseTarget(`localhost:${port}`), fast({ family: 4 }));
    expect(only(obs, 'resolved').addresses).toContainEqual({ address: '127.0.0.1', family: 4 });
    expect(only(obs, 'connected')).toBeTruthy();
  });
});

describe('an event-loop stall does not turn a FIN into a timeout', () => {
  it('reports the FIN that arrived before the reply limit even when both are seen after a stall', async () => {
    // the server runs in its own process, so our stall does not delay its FIN
    const script = `
      const net = require('node:net');
      const server = net.createServer((s) => s.once('data', () => setTimeout(() => s.end(), 100)));
      server.listen({ port: 0, host: '127.0.0.1' }, () => process.stdout.write(server.address().port + '\\n'));
      setTimeout(() => process.exit(0), 20000);`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [line] = (await once(child.stdout, 'data')) as [Buffer];
      const port = Number(line.toString().trim());
      const options = probeOptions({ bannerTimeoutMs: 20, replyTimeoutMs: 300 });
      const pending = probe(parseTarget(`tcp://127.0.0.1:${port}`), { ...options, payload: { kind: 'text', text: 'hi\n' } });
      // block this process from before the FIN (~120 ms) until well after the reply limit (~320 ms);
      // from the check phase, so that the next loop iteration starts with an expired timer
      setTimeout(() => setImmediate(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 800)), 60);
      const obs = await pending;
      expect(steps(obs)).toContain('reply/fin');
      expect(obs.events.some((e) => e.kind === 'timeout' && e.phase === 'reply')).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
