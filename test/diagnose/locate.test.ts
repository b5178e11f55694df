/**
 * The locate verdict and its place in the diagnosis, on recorded data (no network): measurements
 * as the netns runs produced them, and the edge cases where a hop must NOT be named.
 */
import { describe, expect, it } from 'vitest';
import { hopOfTtl, initialTtl, judge } from '../../src/diagnose/locate-verdict.js';
import { locateTrigger } from '../../src/diagnose/locate-trigger.js';
import { arrivalTtl } from '../../src/probe/locate.js';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { parseErrorControl, parseIpTcp } from '../../src/probe/native/index.js';
import { LOCATE_SCHEMA, type LocateMeasurements, type LocateVerdict } from '../../src/diagnose/locate-types.js';
import type { Observation } from '../../src/diagnose/observation.js';
import { fixture as loadFixture } from './fixtures.js';

const fixture = (name: string): Observation => loadFixture(name).observation;

const path3 = [
  { hop: 1, address: '10.0.1.1' },
  { hop: 2, address: '10.0.2.2' },
];
const base: LocateMeasurements = {
  answer: 'reset',
  phase: 'reply',
  family: 4,
  address: '10.0.3.2',
  serverHops: 3,
  path: path3,
  replay: [],
  answerTtl: null,
  serverTtl: null,
  capture: null,
  timing: null,
};
const steps = (...results: ('answer' | 'died' | 'silence')[]) => results.map((result, i) => ({ ttl: i + 1, result }));

describe('locate verdict', () => {
  it('initial TTLs and hops: 64 → hop 1, 62 → hop 3, 126 → hop 3 from 128, 250 → hop 6 from 255', () => {
    expect([initialTtl(64), initialTtl(62), initialTtl(126), initialTtl(250)]).toEqual([64, 64, 128, 255]);
    expect([hopOfTtl(64), hopOfTtl(62), hopOfTtl(126), hopOfTtl(250)]).toEqual([1, 3, 3, 6]);
  });

  it('an RST from the last router: the replay alone cannot tell it from the server, the arrival TTL can', () => {
    const replayOnly = judge({ ...base, replay: steps('died', 'died', 'answer') });
    expect(replayOnly).toMatchObject({ sender: 'unknown', hop: null });
    expect(replayOnly.summary).toMatch(/hop 2/);
    const withTtl = judge({ ...base, replay: steps('died', 'died', 'answer'), answerTtl: 63, serverTtl: 62 });
    expect(withTtl).toMatchObject<Partial<LocateVerdict>>({ sender: 'middlebox', hop: 2, hopAddress: '10.0.2.2', kind: 'ips_payload' });
    expect(withTtl.summary).toBe(
      'the RST came from hop 2 (10.0.2.2); the server is 3 hops away: a middlebox reset this connection: an IPS or content filter resetting on the payload',
    );
  });

  it("the server's RST: same TTL as the SYN-ACK", () => {
    const v = judge({ ...base, replay: steps('died', 'died', 'answer'), answerTtl: 62, serverTtl: 62 });
    expect(v).toMatchObject({ sender: 'server', hop: 3, hopAddress: '10.0.3.2', kind: null });
  });

  it('a capture wins over the IP_MINTTL reading', () => {
    const v = judge({
      ...base,
      answerTtl: 62,
      serverTtl: 62,
      capture: { synAck: { ttl: 62, ipId: 0, window: 65160 }, answer: { ttl: 64, ipId: 0, window: 0 } },
    });
    expect(v).toMatchObject({ sender: 'middlebox', hop: 1, hopAddress: '10.0.1.1' });
    expect(v.methods).toContain('capture');
  });

  it('a middlebox with another initial TTL (255) in front of a Windows server (128)', () => {
    const v = judge({ ...base, answerTtl: 255, serverTtl: 126 });
    expect(v).toMatchObject({ sender: 'middlebox', hop: 1 });
  });

  it('replay only, the RST already at TTL 2 of 3: hop 1', () => {
    expect(judge({ ...base, replay: steps('died', 'answer', 'answer') })).toMatchObject({ sender: 'middlebox', hop: 1 });
  });

  it('a refused SYN: from the host where the SYN first arrived, or from the router before it', () => {
    const refused = { ...base, phase: 'connect' as const, serverHops: null, serverTtl: null };
    expect(judge({ ...refused, replay: steps('died', 'died', 'answer'), answerTtl: 62 })).toMatchObject({ sender: 'server', hop: 3 });
    expect(judge({ ...refused, replay: steps('died', 'answer'), answerTtl: 64 })).toMatchObject({ sender: 'middlebox', hop: 1, kind: 'firewall_reject' });
    // a TTL that fits neither: no hop
    expect(judge({ ...refused, replay: steps('died', 'answer'), answerTtl: 60 })).toMatchObject({ sender: 'unknown', hop: null });
  });

  it('a connect refused by ICMP port unreachable: the message names its sender, no TTL bracket needed', () => {
    const refused = { ...base, phase: 'connect' as const, serverHops: null, replay: steps('died', 'answer') };
    const v = judge({ ...refused, path: [{ hop: 1, address: '10.0.1.1' }], icmpAnswer: { from: '10.0.1.1', type: 3, code: 3 } });
    expect(v).toMatchObject({ sender: 'middlebox', hop: 1, hopAddress: '10.0.1.1', kind: 'firewall_reject' });
    expect(judge({ ...refused, icmpAnswer: { from: '10.0.3.2', type: 3, code: 3 } })).toMatchObject({ sender: 'server', hopAddress: '10.0.3.2' });
  });

  it('timing alone: far inside the round trip is "nearer than the server" without a hop; a sub-millisecond path says nothing', () => {
    const none = { ...base, serverHops: null, path: [] };
    expect(judge({ ...none, timing: { rttMs: 20, answerAfterMs: 2 } })).toMatchObject({ sender: 'middlebox', hop: null, methods: ['timing'] });
    expect(judge({ ...none, timing: { rttMs: 0.2, answerAfterMs: 0.05 } })).toMatchObject({ sender: 'unknown', hop: null });
    expect(judge({ ...none, timing: { rttMs: 20, answerAfterMs: 19 } })).toMatchObject({ sender: 'unknown', hop: null });
  });

  it('silence: packets stop at the last hop that answered with ICMP, unless that is the last router', () => {
    const silent = { ...base, answer: 'silence' as const };
    expect(judge({ ...silent, replay: steps('died', 'silence', 'silence') })).toMatchObject({ sender: 'middlebox', hop: 1, kind: 'payload_drop' });
    expect(judge({ ...silent, replay: steps('died', 'died', 'silence') })).toMatchObject({ sender: 'unknown', hop: null });
    expect(judge({ ...silent, replay: steps('silence', 'silence', 'silence') })).toMatchObject({ sender: 'unknown', hop: null });
    expect(judge({ ...silent, phase: 'resume', replay: steps('died', 'silence', 'silence') })).toMatchObject({ kind: 'state_expiry_drop' });
  });

  it('IP_MINTTL brackets: the largest minimum answered when one more was tried and not', () => {
    expect(arrivalTtl([{ min: 62, answered: true }, { min: 63, answered: false }, { min: 64, answered: false }])).toBe(62);
    expect(arrivalTtl([{ min: 62, answered: true }, { min: 64, answered: false }])).toBeNull();
    expect(arrivalTtl([{ min: 255, answered: true }])).toBe(255);
    expect(arrivalTtl([{ min: 62, answered: false }])).toBeNull();
  });
});

describe('locate trigger', () => {
  it('an RST after the request, a refused connect: located; a healthy probe: nothing to locate', () => {
    expect(locateTrigger(fixture('lab-reset-on-request'))).toMatchObject({ answer: 'reset', phase: 'reply' });
    expect(locateTrigger(fixture('lab-refused'))).toMatchObject({ answer: 'reset', phase: 'connect' });
    expect(locateTrigger(fixture('hand-ok-slow-reply'))).toBeNull();
  });

  it('a FIN in place of the reply is located; a FIN after the reply is an ordinary close', () => {
    const obs = fixture('lab-reset-on-request');
    const head = obs.events.filter((e) => e.kind !== 'reset' && e.kind !== 'closed_by_us');
    const sent = head.find((e) => e.kind === 'sent')!;
    const finOnly = { ...obs, events: [...head, { t: sent.t + 5, phase: 'reply' as const, kind: 'fin' as const }] };
    expect(locateTrigger(finOnly)).toMatchObject({ answer: 'fin', phase: 'reply', answerAfterMs: 5 });
    const replied = {
      ...obs,
      events: [...head, { t: sent.t + 2, phase: 'reply' as const, kind: 'received' as const, bytes: 3, preview: 'ok\\n' }, { t: sent.t + 5, phase: 'reply' as const, kind: 'fin' as const }],
    };
    expect(locateTrigger(replied)).toBeNull();
  });
});

describe('locate in the diagnosis', () => {
  it("a middlebox's RST on record demotes the application's causes and raises the path's; the server's does the opposite", () => {
    const obs = fixture('lab-reset-on-request');
    const plain = diagnose(obs);
    const record = (sender: 'middlebox' | 'server') => ({
      ...obs,
      experiments: [
        {
          id: 'locate' as const,
          question: 'who sent it',
          separates: [],
          startedAfterMs: 0,
          durationMs: 600,
          stopped: null,
          trials: [],
          locate: {
            schema: LOCATE_SCHEMA,
            ran: true as const,
            durationMs: 600,
            notRun: [],
            measurements: { ...base, replay: steps('died', 'died', 'answer'), answerTtl: sender === 'server' ? 62 : 63, serverTtl: 62 },
            verdict: judge({ ...base, replay: steps('died', 'died', 'answer'), answerTtl: sender === 'server' ? 62 : 63, serverTtl: 62 }),
          },
        },
      ],
    });
    const byMiddlebox = diagnose(record('middlebox'));
    const conf = (d: ReturnType<typeof diagnose>, id: string) => d.causes.find((c) => c.id === id)?.confidence ?? 0;
    expect(['firewall_intervention', 'content_filtering']).toContain(byMiddlebox.causes[0]?.id);
    expect(byMiddlebox.causes[0]?.evidence.join(' ')).toContain('locate: the RST came from hop 2 (10.0.2.2)');
    expect(conf(byMiddlebox, 'app_error_close')).toBeLessThan(conf(plain, 'app_error_close'));
    expect(byMiddlebox.experimentsUsed).toContain('locate');
    const byServer = diagnose(record('server'));
    expect(conf(byServer, 'firewall_intervention')).toBeLessThanOrEqual(conf(plain, 'firewall_intervention'));
    expect(byServer.causes[0]?.id).not.toBe('firewall_intervention');
  });
});

describe('native module parsers', () => {
  it('reads the offender of an IP_RECVERR control message (ICMP time exceeded from 10.0.1.1)', () => {
    const control = Buffer.alloc(16 + 16 + 16);
    control.writeBigUInt64LE(BigInt(16 + 16 + 16), 0); // cmsg_len
    control.writeInt32LE(0, 8); // SOL_IP
    control.writeInt32LE(11, 12); // IP_RECVERR
    control.writeUInt32LE(113, 16); // ee_errno EHOSTUNREACH
    control[20] = 2; // SO_EE_ORIGIN_ICMP
    control[21] = 11; // time exceeded
    control[22] = 0;
    control.writeUInt16LE(2, 32); // AF_INET
    Buffer.from([10, 0, 1, 1]).copy(control, 36);
    expect(parseErrorControl(control)).toEqual({ from: '10.0.1.1', type: 11, code: 0, family: 4, timeExceeded: true });
    expect(parseErrorControl(Buffer.alloc(8))).toBeNull();
  });

  it("reads an IPv4 RST's TTL, IP ID and window, and ignores what is not TCP", () => {
    const pkt = Buffer.alloc(40);
    pkt[0] = 0x45;
    pkt.writeUInt16BE(40, 2);
    pkt.writeUInt16BE(4321, 4);
    pkt[8] = 63;
    pkt[9] = 6;
    Buffer.from([10, 0, 3, 2]).copy(pkt, 12);
    Buffer.from([10, 0, 1, 2]).copy(pkt, 16);
    pkt.writeUInt16BE(8080, 20);
    pkt.writeUInt16BE(50000, 22);
    pkt[32] = 0x50;
    pkt[33] = 0x14; // RST + ACK
    pkt.writeUInt16BE(0, 34);
    const parsed = parseIpTcp(pkt, false, 1);
    expect(parsed).toMatchObject({ family: 4, ttl: 63, ipId: 4321, src: '10.0.3.2', srcPort: 8080, dstPort: 50000, window: 0, payloadBytes: 0 });
    expect(parsed?.flags).toMatchObject({ rst: true, ack: true, syn: false });
    pkt[9] = 17; // UDP
    expect(parseIpTcp(pkt, false, 1)).toBeNull();
  });
});
