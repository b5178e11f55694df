/**
 * Content filtering on a real network stack (issue #8): a router that drops or resets packets whose
 * payload matches a signature (iptables -m string, as an IPS/WAF/DPI box does) lets the handshake
 * through and leaves our request unanswered or reset. The payload differential (a neutral GET / on
 * a new connection) is answered, and the diagnosis names content filtering, not the server.
 */
import { describe, expect, it } from 'vitest';
import { SERVER_ADDR, warnIfSkipped } from './harness.js';
import { labTopology } from './lab-topology.js';
import { causeIds, probeOne } from './probe-json.js';

const skip = warnIfSkipped('netns content filtering');

const BASE = 8000;
const OK_PORT = BASE; // lab scenario 'ok': an HTTP keep-alive server

describe.skipIf(skip)('netns: a content filter on the router', () => {
  const topo = labTopology(BASE);

  const probe = (label: string, target: string, args: string[] = []) => probeOne(topo(), label, target, args);

  const stringRule = (text: string, verdict: string[]): string[] => [
    '-A', 'FORWARD', '-p', 'tcp', '-d', SERVER_ADDR, '--dport', String(OK_PORT),
    '-m', 'conntrack', '--ctstate', 'ESTABLISHED', '-m', 'string', '--algo', 'bm', '--string', text, ...verdict,
  ];

  it('DROP on a signature: no_reply to our request, a neutral GET / is answered: content filtering', async () => {
    await topo().iptables(stringRule('/admin', ['-j', 'DROP']));
    const { observation, diagnosis } = await probe('string DROP', `http://${SERVER_ADDR}:${OK_PORT}/admin`, ['--reply-timeout', '1s']);
    expect(diagnosis.outcome).toBe('no_reply');
    expect(causeIds(diagnosis)[0]).toBe('content_filtering');
    expect(diagnosis.causes[0]!.evidence[0]).toMatch(/^payload differential: a neutral GET \/ HTTP\/1\.1 request .* was answered \("HTTP\/1\.1 200/);
    expect(diagnosis.experimentsUsed).toContain('neutral_payload');
    const neutral = observation.experiments?.find((e) => e.id === 'neutral_payload');
    expect(neutral?.trials[0]?.observation.events.some((e) => e.kind === 'received')).toBe(true);
  });

  it('REJECT with tcp-reset on a signature: reset_after_send, a neutral GET / is answered: content filtering', async () => {
    await topo().iptables(stringRule('/admin', ['-j', 'REJECT', '--reject-with', 'tcp-reset']));
    const { diagnosis } = await probe('string REJECT', `http://${SERVER_ADDR}:${OK_PORT}/admin`);
    expect(diagnosis.outcome).toBe('reset_after_send');
    expect(causeIds(diagnosis)[0]).toBe('content_filtering');
  });

  it('a rule that matches every request (the neutral one too) is not called content filtering', async () => {
    await topo().iptables(stringRule('HTTP/1.1', ['-j', 'REJECT', '--reject-with', 'tcp-reset']));
    const { diagnosis } = await probe('string REJECT on every request', `http://${SERVER_ADDR}:${OK_PORT}/admin`);
    expect(diagnosis.outcome).toBe('reset_after_send');
    expect(causeIds(diagnosis)[0]).not.toBe('content_filtering');
  });
});
