/**
 * The repeat experiment on a server that hangs up on accept, but only after a while on the later
 * connections (a program spawned per connection on a busy host: socat EXEC, inetd). A repeat must
 * wait for that hang-up; one that stopped at the connect check's short settle read "ok" and named
 * a connection limit (seen in CI with socat EXEC:/bin/true on a loaded machine).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { once } from 'node:events';
import { probeJson, topCause } from '../real/json.js';

/** Later hang-ups come this long after accept: past the 25 ms settle, well inside "at once" (500 ms). */
const LATE_MS = 120;

let server: net.Server;
let port: number;
const timers = new Set<NodeJS.Timeout>();
/** connections accepted since the test began: the first (the probe itself) is closed at once */
let accepted = 0;
beforeEach(() => {
  accepted = 0;
});
beforeAll(async () => {
  server = net.createServer((socket) => {
    socket.on('error', () => {});
    if (accepted++ === 0) {
      socket.end();
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      socket.end();
    }, LATE_MS);
    timers.add(timer);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as net.AddressInfo).port;
});
afterAll(async () => {
  for (const timer of timers) clearTimeout(timer);
  server.close();
});

/* eslint-disable @typescript-eslint/no-explicit-any -- the JSON document is asserted field by field */
describe('a repeat of a hang-up on connect', () => {
  it('waits for a hang-up that comes later than the settle: closed 3 of 3 times, a policy, not a limit', async () => {
    const { doc } = await probeJson([`tcp://127.0.0.1:${port}`]);
    const r = doc.results[0];
    expect(r.diagnosis.outcome).toBe('closed_on_connect');
    const repeat = r.observation.experiments.find((e: { id: string }) => e.id === 'repeat');
    expect(repeat.trials).toHaveLength(2);
    for (const t of repeat.trials) {
      const kinds = t.observation.events.map((e: { kind: string }) => e.kind);
      expect(kinds).toContain('fin');
      const wait = t.observation.events.find((e: { kind: string }) => e.kind === 'banner_wait');
      expect(wait.limitMs).toBeGreaterThanOrEqual(500);
    }
    const top = topCause(r.diagnosis) as any;
    expect(top.id).toBe('turned_away_by_policy');
    expect(top.evidence[0]).toMatch(/closed_on_connect 3 of 3 times/);
  });

  it('a --banner-timeout the user set applies to the repeats as it did to the first probe', async () => {
    const { doc } = await probeJson([`tcp://127.0.0.1:${port}`, '--banner-timeout', '50ms']);
    const repeat = doc.results[0].observation.experiments.find((e: { id: string }) => e.id === 'repeat');
    for (const t of repeat.trials) {
      expect(t.observation.events.find((e: { kind: string }) => e.kind === 'banner_wait').limitMs).toBe(50);
    }
  });
});
