/**
 * Idle connections on a real network stack: a stateful router (connection tracking with a short
 * established timeout) that forgets an idle connection and then resets or drops its next packet,
 * against the server's own idle close or reset; and latency from a delaying proxy in the path.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTER_CLIENT_SIDE, SERVER_ADDR, warnIfSkipped } from './harness.js';
import { labTopology } from './lab-topology.js';
import { allText, causeIds, describeResult, firstEvent, only, type ProbeDoc } from './probe-json.js';

const skip = warnIfSkipped('netns idle expiry');

const BASE = 8000;
const OK = `http://${SERVER_ADDR}:${BASE}/`; // lab 'ok': answers every request, never closes
const IDLE_CLOSE = `http://${SERVER_ADDR}:${BASE + 7}/`; // lab 'idle-close': FIN after --idle-after
const IDLE_RESET = `http://${SERVER_ADDR}:${BASE + 8}/`; // lab 'idle-reset': RST after --idle-after
const LAB_IDLE_AFTER = '2s';
const CONNTRACK_TIMEOUT_S = 2;
const HOLD = '4s'; // longer than either timeout above

describe.skipIf(skip)('netns: idle connections, middlebox vs server', () => {
  const topo = labTopology(BASE, ['--idle-after', LAB_IDLE_AFTER]);

  const probe = async (label: string, target: string, args: string[]) => {
    const { json } = await topo().probe<ProbeDoc>(target, args);
    const result = only(json);
    console.log(describeResult(label, result.diagnosis));
    return result;
  };

  it('a NAT-like router that forgot the idle connection resets the resume: reset_on_resume, blamed on a middlebox idle timeout', async () => {
    await topo().masquerade();
    await topo().conntrackExpiry({ establishedTimeoutS: CONNTRACK_TIMEOUT_S, onInvalid: 'reject' });
    const { observation, diagnosis } = await probe('conntrack expiry + reject (NAT)', OK, ['--idle', HOLD]);
    expect(diagnosis.outcome).toBe('reset_on_resume');
    expect(causeIds(diagnosis)[0]).toBe('middlebox_idle_timeout');
    // the server never closed: no FIN or RST arrived during the silence
    expect(observation.events.filter((e) => e.phase === 'idle' && (e.kind === 'fin' || e.kind === 'reset'))).toEqual([]);
    expect(allText(diagnosis)).toMatch(/keepalive/i);
    expect(allText(diagnosis)).toContain('connreset idle');
  });

  it('a firewall that forgot the idle connection drops the resume: timeout_on_resume, blamed on a middlebox idle timeout', async () => {
    await topo().conntrackExpiry({ establishedTimeoutS: CONNTRACK_TIMEOUT_S, onInvalid: 'drop' });
    const { diagnosis } = await probe('conntrack expiry + drop', OK, ['--idle', HOLD, '--reply-timeout', '1500ms']);
    expect(diagnosis.outcome).toBe('timeout_on_resume');
    expect(causeIds(diagnosis)[0]).toBe('middlebox_idle_timeout');
    expect(allText(diagnosis)).toMatch(/keepalive/i);
  });

  it('the same path with TCP keepalive below the router timeout stays alive', async () => {
    await topo().conntrackExpiry({ establishedTimeoutS: CONNTRACK_TIMEOUT_S, onInvalid: 'reject' });
    const { diagnosis } = await probe('conntrack expiry, keepalive 1s', OK, ['--idle', HOLD, '--keepalive', '1s']);
    expect(diagnosis.outcome).toBe('ok');
  });

  it('the server closing idle connections itself is closed_while_idle (FIN during the silence), not a middlebox', async () => {
    const { observation, diagnosis } = await probe('server idle close (lab idle-close)', IDLE_CLOSE, ['--idle', HOLD]);
    expect(diagnosis.outcome).toBe('closed_while_idle');
    expect(causeIds(diagnosis)[0]).toBe('server_idle_timeout');
    expect(firstEvent(observation, 'fin')?.phase).toBe('idle');
  });

  it('the server resetting idle connections itself is reset_while_idle (RST during the silence)', async () => {
    const { observation, diagnosis } = await probe('server idle reset (lab idle-reset)', IDLE_RESET, ['--idle', HOLD]);
    expect(diagnosis.outcome).toBe('reset_while_idle');
    expect(causeIds(diagnosis)[0]).toBe('server_idle_timeout');
    expect(firstEvent(observation, 'reset')?.phase).toBe('idle');
  });

  describe('latency from a delaying proxy in the router (no netem here; loss is in loss.test.ts)', () => {
    const DELAY_MS = 150;
    const PROXY_PORT = 9000;
    const PROXY_IDLE_CLOSE_PORT = 9007;
    beforeAll(async () => {
      await topo().startDelayProxy(PROXY_PORT, BASE, DELAY_MS);
      await topo().startDelayProxy(PROXY_IDLE_CLOSE_PORT, BASE + 7, DELAY_MS);
    });

    it('shows in the timeline (the reply comes two delays after the request) and the outcome stays ok', async () => {
      const { observation, diagnosis } = await probe('ok through 150 ms delay proxy', `http://${ROUTER_CLIENT_SIDE}:${PROXY_PORT}/`, [
        '--reply-timeout',
        '3s',
      ]);
      expect(diagnosis.outcome).toBe('ok');
      const sent = firstEvent(observation, 'sent')!;
      const received = firstEvent(observation, 'received')!;
      expect(received.t - sent.t).toBeGreaterThanOrEqual(2 * DELAY_MS);
    });

    it('does not confuse the server\'s idle close: still closed_while_idle, the FIN delayed like the data', async () => {
      const { diagnosis } = await probe('idle-close through delay proxy', `http://${ROUTER_CLIENT_SIDE}:${PROXY_IDLE_CLOSE_PORT}/`, [
        '--idle',
        HOLD,
        '--reply-timeout',
        '3s',
      ]);
      expect(diagnosis.outcome).toBe('closed_while_idle');
      expect(causeIds(diagnosis)[0]).toBe('server_idle_timeout');
    });
  });
});
