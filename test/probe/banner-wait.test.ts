import { describe, expect, it } from 'vitest';
import { bannerWait, settleMs } from '../../src/probe/banner-wait.js';
import { probe } from '../../src/probe/probe.js';
import { SCHEMES, parseTarget } from '../../src/probe/target.js';
import { DEFAULTS, SETTLE_CONNECT_MULTIPLE, SETTLE_MIN_MS, probeOptions } from '../../src/probe/defaults.js';
import type { Observation, TimelineEvent } from '../../src/diagnose/observation.js';
import { classify } from '../../src/diagnose/classify.js';
import { closedAfterEachTest, tlsServer } from './servers.js';

const { serve, adopt } = closedAfterEachTest();

const steps = (obs: Observation): string[] => obs.events.map((e) => `${e.phase}/${e.kind}`);
type BannerWaitEvent = Extract<TimelineEvent, { kind: 'banner_wait' }>;
const waitOf = (obs: Observation): BannerWaitEvent | undefined => obs.events.find((e): e is BannerWaitEvent => e.kind === 'banner_wait');
const connectMs = (obs: Observation): number => {
  const t = (kind: string): number => obs.events.find((e) => e.kind === kind)!.t;
  return t('connected') - t('connecting');
};

describe('bannerWait: who speaks first decides how long we wait before sending', () => {
  it('server-first schemes wait the full banner timeout', () => {
    for (const scheme of ['smtp', 'ssh', 'mysql'] as const) {
      expect(SCHEMES[scheme].speaksFirst).toBe('server');
      expect(bannerWait(SCHEMES[scheme].speaksFirst, null, 0.2)).toEqual({ limitMs: DEFAULTS.bannerTimeoutMs, bannerMs: DEFAULTS.bannerTimeoutMs, basis: 'server_first' });
    }
  });

  it('client-first schemes settle for a few connect times, within a floor and the banner timeout', () => {
    for (const scheme of ['http', 'https', 'redis', 'rediss', 'postgres', 'tcp', 'tls'] as const) expect(SCHEMES[scheme].speaksFirst).toBe('client');
    expect(settleMs(0.1)).toBe(SETTLE_MIN_MS);
    expect(settleMs(40)).toBe(SETTLE_CONNECT_MULTIPLE * 40);
    expect(settleMs(5_000)).toBe(DEFAULTS.bannerTimeoutMs);
    // a banner that starts within the settle time is still read to its end like any banner
    expect(bannerWait('client', null, 40)).toEqual({ limitMs: 120, bannerMs: DEFAULTS.bannerTimeoutMs, basis: 'settle' });
  });

  it('a banner timeout the user set is the wait on any scheme', () => {
    expect(bannerWait('client', 300, 0.1)).toEqual({ limitMs: 300, bannerMs: 300, basis: 'option' });
    expect(bannerWait('server', 50, 0.1)).toEqual({ limitMs: 50, bannerMs: 50, basis: 'option' });
  });
});

describe('the probe records the wait it used', () => {
  const http = (port: number) => parseTarget(`http://127.0.0.1:${port}/`);
  const answer = (s: import('node:net').Socket): void => void s.on('data', () => s.write('HTTP/1.1 204 No Content\r\n\r\n'));

  it('http: a settle time scaled to this connect, then the request', async () => {
    const port = await serve(answer);
    const obs = await probe(http(port), probeOptions({ replyTimeoutMs: 300 }));
    const wait = waitOf(obs)!;
    expect(wait).toMatchObject({ phase: 'banner', basis: 'settle', limitMs: settleMs(connectMs(obs)) });
    expect(steps(obs).slice(2, 5)).toEqual(['connect/connected', 'banner/banner_wait', 'send/sent']);
    expect(classify(obs)).toBe('ok');
  });

  it('--banner-timeout: the full wait on a client-first scheme', async () => {
    const port = await serve(answer);
    const obs = await probe(http(port), probeOptions({ replyTimeoutMs: 300, bannerTimeoutMs: 120 }));
    expect(waitOf(obs)).toMatchObject({ basis: 'option', limitMs: 120 });
  });

  it('smtp: waits for the banner the server speaks first, then sends', async () => {
    const port = await serve((s) => {
      s.write('220 mail ESMTP\r\n');
      s.once('data', () => s.write('221 bye\r\n'));
    });
    const obs = await probe(parseTarget(`smtp://127.0.0.1:${port}`), probeOptions({ replyTimeoutMs: 300, payload: { kind: 'text', text: 'QUIT\r\n' } }));
    expect(waitOf(obs)).toMatchObject({ basis: 'server_first', limitMs: DEFAULTS.bannerTimeoutMs });
    expect(steps(obs).slice(3, 6)).toEqual(['banner/banner_wait', 'banner/received', 'send/sent']);
  });

  it('tcp with a payload: a server that greets at once still has its banner read before we send', async () => {
    const port = await serve((s) => {
      s.write('* OK ready\r\n');
      s.once('data', () => s.write('* BYE\r\n'));
    });
    const obs = await probe(parseTarget(`127.0.0.1:${port}`), probeOptions({ replyTimeoutMs: 300, payload: { kind: 'text', text: 'a1 LOGOUT\r\n' } }));
    expect(waitOf(obs)).toMatchObject({ basis: 'settle' });
    expect(steps(obs).slice(3, 6)).toEqual(['banner/banner_wait', 'banner/received', 'send/sent']);
  });

  it('an RST at accept is still seen before the request: reset_on_connect, nothing sent', async () => {
    const port = await serve((s) => s.resetAndDestroy());
    const obs = await probe(http(port), probeOptions({ replyTimeoutMs: 300 }));
    expect(steps(obs)).not.toContain('send/sent');
    expect(classify(obs)).toBe('reset_on_connect');
  });

  it('https: the same short settle after the handshake', async () => {
    const server = await tlsServer((s) => s.once('data', () => s.end('HTTP/1.1 204 No Content\r\n\r\n')));
    adopt(server);
    const obs = await probe(parseTarget(`https://127.0.0.1:${server.port}/`), probeOptions({ replyTimeoutMs: 300, tlsTrust: { insecure: true, ca: null, cert: null, key: null } }));
    expect(steps(obs).slice(3, 6)).toEqual(['tls/tls_established', 'banner/banner_wait', 'send/sent']);
    expect(waitOf(obs)).toMatchObject({ basis: 'settle', limitMs: settleMs(connectMs(obs)) });
  });

  it('nothing to send on a client-first scheme: the settle is the whole check, and a greeting within it is read', async () => {
    const port = await serve((s) => s.end('hello\r\n'));
    const obs = await probe(parseTarget(`127.0.0.1:${port}`), probeOptions({ replyTimeoutMs: 300 }));
    expect(waitOf(obs)).toMatchObject({ basis: 'settle', limitMs: settleMs(connectMs(obs)) });
    expect(steps(obs)).toContain('banner/received');
    expect(steps(obs)).toContain('banner/fin');
  });

  it('nothing to send on a silent client-first peer: ends at the settle time, not the reply timeout', async () => {
    const port = await serve(() => undefined);
    const obs = await probe(parseTarget(`127.0.0.1:${port}`), probeOptions({ replyTimeoutMs: 5_000 }));
    expect(waitOf(obs)).toMatchObject({ basis: 'settle' });
    expect(classify(obs)).toBe('ok');
    // the settle is at most the banner timeout: far below the 5 s reply timeout whatever the load
    expect(obs.durationMs).toBeLessThan(5_000);
  });

  it('nothing to send, with --expect or a server-first scheme: the reply wait is the whole phase', async () => {
    const port = await serve((s) => setTimeout(() => s.end('hello\r\n'), 2 * DEFAULTS.bannerTimeoutMs));
    const expecting = await probe(parseTarget(`127.0.0.1:${port}`), probeOptions({ replyTimeoutMs: 5_000, expect: '^hello' }));
    expect(waitOf(expecting)).toBeUndefined();
    expect(expecting.events.map((e) => e.kind)).toContain('expect_matched');
    const smtp = await probe(parseTarget(`smtp://127.0.0.1:${port}`), probeOptions({ replyTimeoutMs: 5_000 }));
    expect(waitOf(smtp)).toBeUndefined();
    expect(steps(smtp)).toContain('banner/received');
  });

  it('nothing to send, --banner-timeout: waits that long on a client-first scheme', async () => {
    const port = await serve((s) => setTimeout(() => s.end('hello\r\n'), 100));
    const obs = await probe(parseTarget(`127.0.0.1:${port}`), probeOptions({ replyTimeoutMs: 5_000, bannerTimeoutMs: 3_000 }));
    expect(waitOf(obs)).toMatchObject({ basis: 'option', limitMs: 3_000 });
    expect(steps(obs)).toContain('banner/received');
  });
});

describe('a short settle survives a stall of our own event loop', () => {
  it('an RST that arrived while we were blocked past the settle time is still seen before we send', async () => {
    const { spawn } = await import('node:child_process');
    // the server runs in its own process, so our stall does not delay its RST; it says when it
    // accepted, and resets 10 ms later
    const script = `
      const net = require('node:net');
      const server = net.createServer((s) => {
        process.stdout.write('accepted\\n');
        setTimeout(() => s.resetAndDestroy(), 10);
      });
      server.listen({ port: 0, host: '127.0.0.1' }, () => process.stdout.write(server.address().port + '\\n'));
      setTimeout(() => process.exit(0), 20000);`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const lines = child.stdout.setEncoding('utf8');
      const port = await new Promise<number>((resolve) => lines.once('data', (d: string) => resolve(Number(d.trim()))));
      // once the server has accepted (our connect is done), block this process past the settle
      // time and the RST: both the expired settle timer and the RST then wait for the loop
      lines.once('data', () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 4 * SETTLE_MIN_MS));
      const obs = await probe(parseTarget(`http://127.0.0.1:${port}/`), probeOptions({ replyTimeoutMs: 300 }));
      expect(steps(obs)).not.toContain('send/sent');
      expect(classify(obs)).toBe('reset_on_connect');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
