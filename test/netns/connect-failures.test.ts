/**
 * Connect-time middleboxes on a real network stack: a firewall's RST to a SYN against a port
 * nothing listens on, ICMP unreachable of each kind, and a silent DROP. The lab runs in the server
 * namespace, the probe in the client namespace, the rules on the router between them.
 */
import { describe, expect, it } from 'vitest';
import { ABSENT_HOST_ADDR, SERVER_ADDR, warnIfSkipped } from './harness.js';
import { labTopology } from './lab-topology.js';
import { allText, causeIds, describeResult, firstEvent, only, type ProbeDoc } from './probe-json.js';

const skip = warnIfSkipped('netns connect failures');

const BASE = 8000;
const OK_PORT = BASE; // lab scenario 'ok': an HTTP keep-alive server
const CLOSED_PORT = BASE + 20; // lab scenario 'refused': nothing listens there

describe.skipIf(skip)('netns: connect-time middleboxes', () => {
  const topo = labTopology(BASE);

  const probe = async (label: string, target: string, args: string[] = []) => {
    const { json } = await topo().probe<ProbeDoc>(target, args);
    const result = only(json);
    console.log(describeResult(label, result.diagnosis));
    return result;
  };

  it('a firewall RST to the SYN and a port nothing listens on are both "refused", and the diagnosis says how to tell them apart', async () => {
    const closed = await probe('nothing listening', `tcp://${SERVER_ADDR}:${CLOSED_PORT}`, ['--send', 'http']);
    await topo().rejectSyn(OK_PORT, 'tcp-reset');
    const firewalled = await probe('firewall tcp-reset on SYN', `http://${SERVER_ADDR}:${OK_PORT}/`);

    expect(closed.diagnosis.outcome).toBe('refused');
    expect(firewalled.diagnosis.outcome).toBe('refused');
    expect(causeIds(closed.diagnosis)[0]).toBe('nothing_listening');
    for (const diagnosis of [closed.diagnosis, firewalled.diagnosis]) {
      expect(causeIds(diagnosis)).toContain('firewall_intervention');
      // how to tell: probe from the server's side of the firewall, and the answer's timing
      expect(allText(diagnosis)).toMatch(/server's own network/);
      expect(allText(diagnosis)).toMatch(/round trip/);
    }

    // ...and the tell itself: behind the firewall (from the router) the same port is open
    const inside = await topo().cli(['probe', `http://${SERVER_ADDR}:${OK_PORT}/`, '--json'], { ns: topo().router });
    expect(only(JSON.parse(inside.stdout) as ProbeDoc).diagnosis.outcome).toBe('ok');
    const insideClosed = await topo().cli(['probe', `tcp://${SERVER_ADDR}:${CLOSED_PORT}`, '--send', 'http', '--json'], { ns: topo().router });
    expect(only(JSON.parse(insideClosed.stdout) as ProbeDoc).diagnosis.outcome).toBe('refused');
  });

  it('ICMP port unreachable from a firewall reads as "refused" (ECONNREFUSED), like an RST', async () => {
    await topo().rejectSyn(OK_PORT, 'icmp-port-unreachable');
    const { observation, diagnosis } = await probe('icmp-port-unreachable', `http://${SERVER_ADDR}:${OK_PORT}/`);
    expect(diagnosis.outcome).toBe('refused');
    expect(firstEvent(observation, 'error')?.code).toBe('ECONNREFUSED');
    expect(causeIds(diagnosis)).toContain('firewall_intervention');
  });

  it('ICMP host unreachable and admin-prohibited from a REJECT rule are "unreachable" (EHOSTUNREACH), answered at once: a firewall', async () => {
    await topo().rejectSyn(OK_PORT, 'icmp-host-unreachable');
    const host = await probe('icmp-host-unreachable', `http://${SERVER_ADDR}:${OK_PORT}/`);
    await topo().clearRouter();
    await topo().rejectSyn(OK_PORT, 'icmp-admin-prohibited');
    const prohibited = await probe('icmp-admin-prohibited', `http://${SERVER_ADDR}:${OK_PORT}/`);

    for (const { observation, diagnosis } of [host, prohibited]) {
      expect(diagnosis.outcome).toBe('unreachable');
      // Linux maps both ICMP codes to the same errno: the socket API cannot tell them apart
      expect(firstEvent(observation, 'error')?.code).toBe('EHOSTUNREACH');
      // the same errno as a dead host, but answered at once: a rule, so the firewall comes first
      expect(causeIds(diagnosis)[0]).toBe('firewall_intervention');
      expect(causeIds(diagnosis)).toContain('routing_problem');
      expect(allText(diagnosis)).toMatch(/at once/);
    }
  });

  it('a host that is down behind the last router answers EHOSTUNREACH only after the router gives up on ARP: routing, not a firewall', async () => {
    const { observation, diagnosis } = await probe('host down (ARP failure)', `http://${ABSENT_HOST_ADDR}:${OK_PORT}/`, ['--connect-timeout', '10s']);
    expect(diagnosis.outcome).toBe('unreachable');
    expect(firstEvent(observation, 'error')?.code).toBe('EHOSTUNREACH');
    expect(causeIds(diagnosis)[0]).toBe('routing_problem');
    expect(allText(diagnosis)).toMatch(/ARP/);
  });

  it('ICMP net unreachable is "unreachable" (ENETUNREACH) with a routing cause', async () => {
    await topo().rejectSyn(OK_PORT, 'icmp-net-unreachable');
    const { observation, diagnosis } = await probe('icmp-net-unreachable', `http://${SERVER_ADDR}:${OK_PORT}/`);
    expect(diagnosis.outcome).toBe('unreachable');
    expect(firstEvent(observation, 'error')?.code).toBe('ENETUNREACH');
    expect(causeIds(diagnosis)[0]).toBe('routing_problem');
  });

  it('a silent DROP of the SYN is "connect_timeout", blamed on a packet filter', async () => {
    await topo().dropSyn(OK_PORT);
    const { diagnosis } = await probe('DROP on SYN', `http://${SERVER_ADDR}:${OK_PORT}/`, ['--connect-timeout', '1500ms']);
    expect(diagnosis.outcome).toBe('connect_timeout');
    expect(causeIds(diagnosis)[0]).toBe('packet_filter_drop');
  });

  it('an IPS that resets established traffic on content is "reset_after_send", with a firewall named among the causes', async () => {
    await topo().rejectData(OK_PORT, 'GET /blocked');
    const { diagnosis } = await probe('tcp-reset on request content', `http://${SERVER_ADDR}:${OK_PORT}/blocked`);
    expect(diagnosis.outcome).toBe('reset_after_send');
    expect(causeIds(diagnosis)).toContain('firewall_intervention');
    // the same request path without the blocked word goes through: the rule, not the server
    const { diagnosis: allowed } = await probe('same server, other path', `http://${SERVER_ADDR}:${OK_PORT}/fine`);
    expect(allowed.outcome).toBe('ok');
  });
});
