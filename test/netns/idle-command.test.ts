/**
 * `connreset idle` against a real stateful middlebox: the router's connection tracking forgets
 * idle connections after CONNTRACK_TIMEOUT_S, then resets (NAT gateway style) or drops (cloud
 * firewall style) their next packet; the lab's 'ok' server behind it never closes. The command
 * must find the router's timeout within its bracket, name a middlebox, and --keepalive must show
 * that TCP keepalive below it keeps the path open. The server's own idle close through the same
 * router must be told apart.
 */
import { describe, expect, it } from 'vitest';
import { SERVER_ADDR, parseJson, warnIfSkipped } from './harness.js';
import { labTopology } from './lab-topology.js';
import type { IdleDocument } from '../../src/report/idle-json.js';

const skip = warnIfSkipped('netns connreset idle');

const BASE = 8000;
const OK = `http://${SERVER_ADDR}:${BASE}/`;
const IDLE_CLOSE = `http://${SERVER_ADDR}:${BASE + 7}/`;
const CONNTRACK_TIMEOUT_S = 8;
const LAB_IDLE_AFTER_S = 3;

describe.skipIf(skip)('netns: connreset idle finds a middlebox idle timeout', () => {
  const topo = labTopology(BASE, ['--idle-after', `${LAB_IDLE_AFTER_S}s`]);

  const idle = async (label: string, args: string[]) => {
    const result = await topo().cli(['idle', ...args, '--json'], { timeoutMs: 90_000 });
    const doc = parseJson<IdleDocument>(result, `idle ${args.join(' ')}`);
    const b = doc.bracket;
    console.log(
      `[netns] idle ${label}: ${doc.status} ${b ? `${b.loMs}-${b.hiMs} ms` : ''} ${doc.death ?? ''} enforcer=${doc.enforcer ?? '-'} ` +
        `measured in ${doc.durationMs} ms${doc.keepaliveCheck ? ` + keepalive check ${doc.keepaliveCheck.durationMs} ms (${doc.keepaliveCheck.result})` : ''}; wall ${Math.round(result.ms)} ms`,
    );
    return { code: result.code, doc };
  };

  const expectAround = (doc: IdleDocument, ms: number): void => {
    expect(doc.status).toBe('found');
    const { loMs, hiMs } = doc.bracket!;
    expect(loMs).toBeLessThanOrEqual(ms + 100);
    expect(hiMs).not.toBeNull();
    expect(hiMs!).toBeGreaterThanOrEqual(ms - 100);
    expect(hiMs! - loMs).toBeLessThanOrEqual(0.06 * hiMs!);
  };

  it('a router that resets forgotten connections: found within its bracket, reset on resume, a middlebox; keepalive below it verified', async () => {
    await topo().masquerade();
    await topo().conntrackExpiry({ establishedTimeoutS: CONNTRACK_TIMEOUT_S, onInvalid: 'reject' });
    const { code, doc } = await idle(`conntrack ${CONNTRACK_TIMEOUT_S}s + reject`, [OK, '--max', '20s', '--keepalive']);
    expectAround(doc, CONNTRACK_TIMEOUT_S * 1000);
    expect(doc.death).toBe('reset_on_resume');
    expect(doc.enforcer).toBe('middlebox');
    expect(doc.recommendation!.tcpKeepalive!.idleS).toBeLessThan(CONNTRACK_TIMEOUT_S);
    expect(doc.keepaliveCheck?.result).toBe('alive');
    expect(doc.keepaliveCheck!.heldMs).toBeGreaterThan(doc.bracket!.hiMs!);
    expect(code).toBe(0);
  }, 90_000);

  it('a router that drops forgotten connections: found within its bracket, silence on resume, a middlebox', async () => {
    await topo().conntrackExpiry({ establishedTimeoutS: CONNTRACK_TIMEOUT_S, onInvalid: 'drop' });
    const { code, doc } = await idle(`conntrack ${CONNTRACK_TIMEOUT_S}s + drop`, [OK, '--max', '20s', '--reply-timeout', '2s']);
    expectAround(doc, CONNTRACK_TIMEOUT_S * 1000);
    expect(doc.death).toBe('silence_on_resume');
    expect(doc.enforcer).toBe('middlebox');
    expect(code).toBe(0);
  }, 90_000);

  it('the server\'s own idle close through the same router is the server\'s, not the router\'s', async () => {
    await topo().conntrackExpiry({ establishedTimeoutS: CONNTRACK_TIMEOUT_S, onInvalid: 'reject' });
    const { doc } = await idle(`server idle close ${LAB_IDLE_AFTER_S}s behind conntrack ${CONNTRACK_TIMEOUT_S}s`, [IDLE_CLOSE, '--max', '20s']);
    expectAround(doc, LAB_IDLE_AFTER_S * 1000);
    expect(doc.death).toBe('fin_while_idle');
    expect(doc.enforcer).toBe('server');
  }, 90_000);
});
