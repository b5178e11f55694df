/**
 * `probe --locate` on a real two-router path (client → r1 → r2 → server, see two-routers.ts):
 * every case names the sender (server or middlebox) and its hop, as the user reads it in --json.
 * The CLI runs as root in the client namespace (so the capture runs too), except where a case says
 * otherwise: an unprivileged run, and a run without the native module.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, run, warnIfSkipped } from './harness.js';
import { PATH4, PATH6, SERVER_PORT, TwoRouterPath } from './two-routers.js';
import type { Diagnosis } from '../../src/diagnose/diagnosis.js';
import type { LocateVerdict } from '../../src/diagnose/locate-types.js';
import type { Observation } from '../../src/diagnose/observation.js';

const skip = warnIfSkipped('netns locate');

interface Doc {
  results: { diagnosis: Diagnosis; observation: Observation }[];
}

describe.skipIf(skip)('netns: locate names who sent it', () => {
  let path: TwoRouterPath | undefined;
  const p = (): TwoRouterPath => {
    if (!path) throw new Error('path is built in beforeAll');
    return path;
  };
  beforeAll(async () => {
    path = await TwoRouterPath.create();
  });
  afterEach(async () => {
    await path?.clearRouters();
  });
  afterAll(async () => {
    await path?.destroy();
  });

  const target4 = (port = SERVER_PORT): string => `tcp://${PATH4.server}:${port}`;
  const target6 = (port = SERVER_PORT): string => `tcp://[${PATH6.server}]:${port}`;

  async function locate(label: string, target: string, args: string[], opts: { user?: string; env?: string[] } = {}) {
    const { json } = await p().probe<Doc>(target, ['--locate', ...args], opts);
    const result = json.results[0]!;
    // the locate follow-up's record, beside the observation like every experiment's
    const loc = result.observation.experiments?.find((e) => e.id === 'locate')?.locate;
    if (!loc) throw new Error(`${label}: no locate result`);
    const verdict: LocateVerdict | null = loc.ran ? loc.verdict : null;
    console.log(`[netns] locate ${label}: outcome=${result.diagnosis.outcome} ${verdict ? `sender=${verdict.sender} hop=${verdict.hop} (${verdict.hopAddress}) :: ${verdict.summary}` : `not run: ${loc.ran ? '' : loc.reason}`} [${loc.durationMs.toFixed(0)} ms]`);
    return { diagnosis: result.diagnosis, locate: loc, verdict };
  }

  it("the server's own RST (SO_LINGER 0) is the server's, at hop 3", async () => {
    const { diagnosis, verdict, locate: loc } = await locate('server RST', target4(), ['--send', 'text:RESETME']);
    expect(diagnosis.outcome).toBe('reset_after_send');
    expect(verdict).toMatchObject({ sender: 'server', hop: 3, hopAddress: PATH4.server, serverHops: 3, kind: null });
    // as root both readings exist, and agree: the RST's TTL is the SYN-ACK's
    expect(loc.ran && loc.measurements.answerTtl).toBe(62);
    expect(loc.ran && loc.measurements.capture?.answer?.ttl).toBe(62);
    expect(loc.ran && loc.measurements.capture?.synAck?.ttl).toBe(62);
    // the server's RST keeps the application's causes in front of the path's
    expect(diagnosis.causes[0]?.id).not.toBe('firewall_intervention');
  });

  it('a closed port: the RST to the SYN comes from the host at hop 3', async () => {
    const { diagnosis, verdict } = await locate('closed port', target4(SERVER_PORT + 1), ['--send', 'text:hi']);
    expect(diagnosis.outcome).toBe('refused');
    expect(verdict).toMatchObject({ sender: 'server', hop: 3, hopAddress: PATH4.server });
  });

  for (const [router, hop, address, ttl] of [
    ['r1', 1, PATH4.r1, 64],
    ['r2', 2, PATH4.r2, 63],
  ] as const) {
    it(`REJECT --reject-with tcp-reset on ${router}: a middlebox at hop ${hop} (${address}) rejected the connection`, async () => {
      await p().iptables(router, 4, ['-A', 'FORWARD', '-p', 'tcp', '--dport', String(SERVER_PORT), '--syn', '-j', 'REJECT', '--reject-with', 'tcp-reset']);
      const { diagnosis, verdict, locate: loc } = await locate(`SYN reject on ${router}`, target4(), ['--send', 'text:hi']);
      expect(diagnosis.outcome).toBe('refused');
      expect(verdict).toMatchObject({ sender: 'middlebox', hop, hopAddress: address, kind: 'firewall_reject' });
      expect(loc.ran && loc.measurements.answerTtl).toBe(ttl);
      expect(diagnosis.causes[0]?.id).toBe('firewall_intervention');
      expect(verdict?.summary).toContain(`came from hop ${hop} (${address})`);
    });
  }

  it('an IPS-style -m string REJECT on r2: the handshake passes, the payload is reset by hop 2', async () => {
    await p().iptables('r2', 4, ['-A', 'FORWARD', '-p', 'tcp', '-m', 'string', '--algo', 'bm', '--string', 'EVIL', '-j', 'REJECT', '--reject-with', 'tcp-reset']);
    const { diagnosis, verdict, locate: loc } = await locate('IPS on r2', target4(), ['--send', 'text:EVIL request']);
    expect(diagnosis.outcome).toBe('reset_after_send');
    expect(verdict).toMatchObject({ sender: 'middlebox', hop: 2, hopAddress: PATH4.r2, serverHops: 3, kind: 'ips_payload' });
    // the replay alone would blame hop 2 or the server (both answer from TTL 3): the RST's TTL separates them
    expect(loc.ran && loc.measurements.replay.find((s) => s.result === 'answer')?.ttl).toBe(3);
    expect(loc.ran && loc.measurements.answerTtl).toBe(63);
    expect(loc.ran && loc.measurements.serverTtl).toBe(62);
    expect(verdict?.summary).toBe(
      'the RST came from hop 2 (10.232.2.2); the server is 3 hops away: a middlebox reset this connection: an IPS or content filter resetting on the payload',
    );
    // the re-rank: a forged RST puts the path's causes first and demotes the application's
    expect(['firewall_intervention', 'content_filtering']).toContain(diagnosis.causes[0]?.id);
    expect(diagnosis.causes[0]?.evidence.join(' ')).toContain('locate: the RST came from hop 2');
    const appError = diagnosis.causes.find((c) => c.id === 'app_error_close');
    if (appError) expect(appError.confidence).toBeLessThan(diagnosis.causes[0]!.confidence);
  });

  it('conntrack expiry on r1 with INVALID → tcp-reset: the reset on resume comes from hop 1', async () => {
    await p().iptables('r1', 4, ['-A', 'FORWARD', '-p', 'tcp', '-m', 'conntrack', '--ctstate', 'INVALID', '-j', 'REJECT', '--reject-with', 'tcp-reset']);
    await p().sysctl(p().r1, 'net.netfilter.nf_conntrack_tcp_loose', '0');
    await p().sysctl(p().r1, 'net.netfilter.nf_conntrack_tcp_timeout_established', '2');
    // every replay repeats the 3 s idle hold (in parallel): locate needs more than its default 2 s
    const { diagnosis, verdict } = await locate('conntrack expiry on r1', target4(), ['--send', 'text:hello', '--idle', '3s', '--locate-timeout', '8s']);
    expect(diagnosis.outcome).toBe('reset_on_resume');
    expect(verdict).toMatchObject({ sender: 'middlebox', hop: 1, hopAddress: PATH4.r1, kind: 'conntrack_expiry' });
    expect(diagnosis.causes[0]?.id).toBe('middlebox_idle_timeout');
  });

  it('within the default 2 s, a reset after a 3 s idle hold is not replayed, and locate says why instead of guessing', async () => {
    await p().iptables('r1', 4, ['-A', 'FORWARD', '-p', 'tcp', '-m', 'conntrack', '--ctstate', 'INVALID', '-j', 'REJECT', '--reject-with', 'tcp-reset']);
    await p().sysctl(p().r1, 'net.netfilter.nf_conntrack_tcp_loose', '0');
    await p().sysctl(p().r1, 'net.netfilter.nf_conntrack_tcp_timeout_established', '2');
    const { verdict, locate: loc } = await locate('conntrack expiry, default budget', target4(), ['--send', 'text:hello', '--idle', '3s']);
    // only the timing fallback is left: it may say "something nearer than the server" (an RST well
    // inside the connect round trip), never the server and never a hop
    expect(verdict?.hop).toBeNull();
    expect(verdict?.sender).not.toBe('server');
    if (verdict?.sender === 'middlebox') expect(verdict.methods).toEqual(['syn_sweep', 'timing']);
    expect(loc.notRun.find((n) => n.method === 'ttl_replay')?.reason).toMatch(/--locate-timeout/);
  });

  it('a silent drop of the payload at r1: packets stop at hop 1', async () => {
    await p().iptables('r1', 4, ['-A', 'FORWARD', '-p', 'tcp', '-m', 'string', '--algo', 'bm', '--string', 'DROPME', '-j', 'DROP']);
    const { diagnosis, verdict } = await locate('silent drop on r1', target4(), ['--send', 'text:DROPME', '--reply-timeout', '1s']);
    expect(diagnosis.outcome).toBe('no_reply');
    expect(verdict).toMatchObject({ sender: 'middlebox', hop: 1, hopAddress: PATH4.r1, kind: 'payload_drop' });
    expect(verdict?.summary).toMatch(/^packets stop at hop 1 \(10\.232\.1\.1\)/);
  });

  it('IPv6: an IPS-style reject on r2 is hop 2, the server\'s own RST hop 3 (IPV6_UNICAST_HOPS, IPV6_MINHOPCOUNT)', async () => {
    await p().iptables('r2', 6, ['-A', 'FORWARD', '-p', 'tcp', '-m', 'string', '--algo', 'bm', '--string', 'EVIL', '-j', 'REJECT', '--reject-with', 'tcp-reset']);
    const ips = await locate('IPv6 IPS on r2', target6(), ['--send', 'text:EVIL request']);
    expect(ips.verdict).toMatchObject({ sender: 'middlebox', hop: 2, hopAddress: PATH6.r2, kind: 'ips_payload' });
    const own = await locate('IPv6 server RST', target6(), ['--send', 'text:RESETME']);
    expect(own.verdict).toMatchObject({ sender: 'server', hop: 3, hopAddress: PATH6.server });
  });

  it('unprivileged: the TTL methods still name hop 2; the capture says it needs root', async () => {
    await p().iptables('r2', 4, ['-A', 'FORWARD', '-p', 'tcp', '-m', 'string', '--algo', 'bm', '--string', 'EVIL', '-j', 'REJECT', '--reject-with', 'tcp-reset']);
    const { verdict, locate: loc } = await locate('unprivileged, IPS on r2', target4(), ['--send', 'text:EVIL request'], { user: '65534' });
    expect(verdict).toMatchObject({ sender: 'middlebox', hop: 2, hopAddress: PATH4.r2 });
    expect(verdict?.methods).toContain('min_ttl');
    expect(loc.ran && loc.measurements.capture).toBeNull();
    expect(loc.notRun.find((n) => n.method === 'capture')?.reason).toMatch(/^not available: .*root/);
  });

  it('without the native module: "not available: why", and no hop at all rather than a wrong one', async () => {
    await p().iptables('r1', 4, ['-A', 'FORWARD', '-p', 'tcp', '-m', 'string', '--algo', 'bm', '--string', 'EVIL', '-j', 'REJECT', '--reject-with', 'tcp-reset']);
    const { diagnosis, verdict, locate: loc } = await locate('no native module, IPS on r1', target4(), ['--send', 'text:EVIL request'], { env: ['CONNRESET_NO_NATIVE=1'] });
    expect(diagnosis.outcome).toBe('reset_after_send');
    expect(verdict?.hop).toBeNull();
    // timing is all that is left: at most "nearer than the server", never the server, never a hop
    expect(verdict?.sender).not.toBe('server');
    expect(verdict?.methods.filter((m) => m !== 'timing')).toEqual([]);
    for (const method of ['syn_sweep', 'ttl_replay', 'min_ttl', 'capture'] as const) {
      expect(loc.notRun.find((n) => n.method === method)?.reason).toMatch(/^not available: the native module is turned off/);
    }
  });

  it('check --locate: the failing row names the sender and hop, and Prometheus gets sender="middlebox" with the hop', async () => {
    await p().iptables('r2', 4, ['-A', 'FORWARD', '-p', 'tcp', '-m', 'string', '--algo', 'bm', '--string', 'EVIL', '-j', 'REJECT', '--reject-with', 'tcp-reset']);
    const dir = mkdtempSync(join(tmpdir(), 'connreset-locate-'));
    try {
      const config = join(dir, 'checks.yml');
      const prom = join(dir, 'out.prom');
      writeFileSync(
        config,
        `targets:\n  - name: ips\n    target: ${target4()}\n    send: "text:EVIL request"\n  - name: healthy\n    target: ${target4()}\n    send: "text:hello"\n`,
      );
      const result = await run('ip', ['netns', 'exec', p().client, 'env', 'NO_COLOR=1', process.execPath, BIN, 'check', config, '--locate', '--prometheus', prom], 60_000);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('who sent it: the RST came from hop 2 (10.232.2.2); the server is 3 hops away');
      const metrics = readFileSync(prom, 'utf8');
      expect(metrics).toContain(`connreset_probe_sender{name="ips",target="${target4()}",sender="middlebox"} 1`);
      expect(metrics).toContain(`connreset_probe_sender_hop{name="ips",target="${target4()}"} 2`);
      // a passing row gets no sender series
      expect(metrics).not.toMatch(/connreset_probe_sender\{name="healthy"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
