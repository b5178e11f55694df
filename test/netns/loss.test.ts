/**
 * Packet loss on a real network stack: the router drops chosen packets (iptables statistic match,
 * deterministic: the first of every two matching packets, so each is lost once and its
 * retransmission goes through), and TCP's own retransmission timers show in the probe's
 * timeline. Loss must not confuse the outcome; a connect that waited for a SYN retransmission is
 * reported as worth knowing on a healthy result.
 */
import { describe, expect, it } from 'vitest';
import { SERVER_ADDR, packetLossRule, warnIfSkipped } from './harness.js';
import { labTopology } from './lab-topology.js';
import { allText, causeIds, describeResult, firstEvent, only, type ProbeDoc } from './probe-json.js';
import type { Observation } from '../../src/diagnose/observation.js';

const skip = warnIfSkipped('netns packet loss');

const BASE = 8000;
const OK_PORT = BASE; // lab 'ok': answers every request, never closes
const IDLE_CLOSE_PORT = BASE + 7; // lab 'idle-close': FIN after --idle-after of silence
const OK = `http://${SERVER_ADDR}:${OK_PORT}/`;
const IDLE_CLOSE = `http://${SERVER_ADDR}:${IDLE_CLOSE_PORT}/`;
const LAB_IDLE_AFTER_MS = 1000;
/** each lost packet once: the first of every two matching packets is dropped, its retransmission passes */
const ONCE = { every: 2 } as const;
/** Linux's initial SYN retransmission timeout (TCP_TIMEOUT_INIT) */
const SYN_RTO_MS = 1000;
/** Linux's minimum retransmission timeout for data (TCP_RTO_MIN) */
const DATA_RTO_MIN_MS = 200;

describe.skipIf(skip)('netns: packet loss on the router', () => {
  const topo = labTopology(BASE, ['--idle-after', `${LAB_IDLE_AFTER_MS}ms`]);

  const probe = async (label: string, target: string, args: string[] = []) => {
    const run = await topo().probe<ProbeDoc>(target, args);
    const result = only(run.json);
    console.log(`${describeResult(label, result.diagnosis)} dropped=${JSON.stringify(await topo().droppedPackets())}`);
    return { ...result, code: run.code };
  };
  const connectMs = (obs: Observation) => firstEvent(obs, 'connected')!.t - firstEvent(obs, 'connecting')!.t;

  it('the first SYN lost: the connect takes one SYN retransmission timeout, the outcome stays ok, and the report says a SYN was lost', async () => {
    await topo().dropPackets({ direction: 'to_server', kind: 'syn', port: OK_PORT, pattern: ONCE });
    const { observation, diagnosis, code } = await probe('first SYN dropped', OK);
    expect(await topo().droppedPackets()).toEqual([1]);
    expect(diagnosis.outcome).toBe('ok');
    expect(diagnosis.healthy).toBe(true);
    expect(code).toBe(0);
    const ms = connectMs(observation);
    console.log(`[netns] connect with the first SYN dropped: ${ms.toFixed(1)} ms`);
    expect(ms).toBeGreaterThanOrEqual(SYN_RTO_MS - 20);
    expect(causeIds(diagnosis)).toEqual(['syn_lost']);
    expect(allText(diagnosis)).toMatch(/the connect took 1\.\d\d s, one retransmission timeout on Linux or macOS \(1 s\): the first SYN or its SYN-ACK was lost/);
  });

  it('the SYN-ACK lost reads the same: either side retries after 1 s', async () => {
    await topo().dropPackets({ direction: 'to_client', kind: 'syn', port: OK_PORT, pattern: ONCE });
    const { observation, diagnosis } = await probe('first SYN-ACK dropped', OK);
    expect((await topo().droppedPackets())[0]).toBeGreaterThanOrEqual(1);
    expect(diagnosis.outcome).toBe('ok');
    expect(connectMs(observation)).toBeGreaterThanOrEqual(SYN_RTO_MS - 20);
    expect(causeIds(diagnosis)).toEqual(['syn_lost']);
  });

  it('the request lost once: the reply comes after a retransmission timeout, the outcome stays ok and nothing is claimed', async () => {
    await topo().dropPackets({ direction: 'to_server', kind: 'data', port: OK_PORT, pattern: ONCE });
    const { observation, diagnosis } = await probe('request dropped once', OK);
    expect(await topo().droppedPackets()).toEqual([1]);
    expect(diagnosis.outcome).toBe('ok');
    // the timeline shows the retransmission: the reply waits for TCP's RTO, not a round trip
    const waited = firstEvent(observation, 'received')!.t - firstEvent(observation, 'sent')!.t;
    console.log(`[netns] reply with the request dropped once: ${waited.toFixed(1)} ms after the send`);
    expect(waited).toBeGreaterThanOrEqual(DATA_RTO_MIN_MS * 0.9);
    // a slow server looks the same from here: the report does not guess
    expect(diagnosis.causes).toEqual([]);
  });

  it('the server\'s idle FIN lost once: still closed_while_idle, blamed on the server\'s idle timeout, just later', async () => {
    await topo().dropPackets({ direction: 'to_client', kind: 'fin', port: IDLE_CLOSE_PORT, pattern: ONCE });
    const { observation, diagnosis } = await probe('idle FIN dropped once', IDLE_CLOSE, ['--idle', '3s']);
    expect(await topo().droppedPackets()).toEqual([1]);
    expect(diagnosis.outcome).toBe('closed_while_idle');
    expect(causeIds(diagnosis)[0]).toBe('server_idle_timeout');
    const fin = firstEvent(observation, 'fin')!;
    expect(fin.phase).toBe('idle');
    const silence = fin.t - firstEvent(observation, 'received')!.t;
    console.log(`[netns] idle FIN dropped once: seen ${silence.toFixed(0)} ms after the reply (lab idle timeout ${LAB_IDLE_AFTER_MS} ms)`);
    expect(silence).toBeGreaterThanOrEqual(LAB_IDLE_AFTER_MS + DATA_RTO_MIN_MS * 0.9);
  });

  it('random loss of 10 % each way: every probe of a healthy server stays ok', async () => {
    await topo().dropPackets({ direction: 'to_server', port: OK_PORT, pattern: { probability: 0.1 } });
    await topo().dropPackets({ direction: 'to_client', port: OK_PORT, pattern: { probability: 0.1 } });
    // Limits wide enough for TCP to get there: SYNs go at 0, 1, 3, 7 and 15 s (a handshake attempt
    // fails with p ≈ 0.19 here, so all five with p ≈ 0.0003), and a request or reply lost again and
    // again waits 0.2, 0.4, 0.8 … s (at 20 % loss a reply once took 5.4 s). A probe that still
    // fails is printed with its timeline.
    const run = await topo().probe<ProbeDoc>(OK, ['--repeat', '5', '--interval', '100ms', '--connect-timeout', '16s', '--reply-timeout', '10s'], 150_000);
    const outcomes = run.json.results.map((r) => r.diagnosis.outcome);
    console.log(`[netns] 10 % loss: outcomes ${outcomes.join(', ')}; connects ${run.json.results.map((r) => connectMs(r.observation).toFixed(0)).join(', ')} ms; dropped ${JSON.stringify(await topo().droppedPackets())}; ${run.ms.toFixed(0)} ms in all`);
    for (const r of run.json.results) if (r.diagnosis.outcome !== 'ok') console.log(JSON.stringify(r.observation.events));
    expect(outcomes).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(run.code).toBe(0);
  }, 180_000);
});

// no root needed: the rule a loss spec becomes, and specs that would drop nothing or everything by mistake
describe('netns: loss rules', () => {
  it('pick the SYN-ACK on the way back, only on the given port, and refuse a pattern that is no pattern', () => {
    const synAck = packetLossRule({ direction: 'to_client', kind: 'syn', port: 8000, pattern: { every: 2 } }).join(' ');
    expect(synAck).toContain(`-s ${SERVER_ADDR} --sport 8000 --tcp-flags SYN,ACK,RST,FIN SYN,ACK`);
    expect(synAck).toContain('--mode nth --every 2 --packet 0');
    expect(() => packetLossRule({ direction: 'to_server', pattern: { every: 0 } })).toThrow(/every 0/);
    expect(() => packetLossRule({ direction: 'to_server', pattern: { probability: 0 } })).toThrow(/probability 0/);
    expect(() => packetLossRule({ direction: 'to_server', pattern: { probability: 1.5 } })).toThrow(/probability 1.5/);
  });
});
