/**
 * The repeat experiment against servers whose later connections behave differently from the first:
 * a hang-up on accept that comes only after a while (a program spawned per connection on a busy
 * host: socat EXEC, inetd), a server-first refusal, and a limit that lets one repeat in. A repeat
 * of a connect check must wait for a late hang-up (one that stopped at the 25 ms settle read "ok"
 * and named a connection limit: seen in CI with socat EXEC:/bin/true on a loaded machine), must
 * repeat every other probe as it ran, and must end within the follow-up budget.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { once } from 'node:events';
import { probeJson, topCause } from '../real/json.js';
import { parseTarget } from '../../src/probe/target.js';
import { probe } from '../../src/probe/probe.js';
import { probeOptions } from '../../src/probe/defaults.js';
import { runFollowups } from '../../src/probe/experiments/followup.js';
import { diagnose } from '../../src/diagnose/diagnose.js';

/** Later hang-ups come this long after accept: past the 25 ms settle, well inside the repeat's wait. */
const LATE_MS = 120;

type Behaviour = (socket: net.Socket, index: number) => void;
let behaviour: Behaviour = () => {};
/** connections accepted since the test began: index 0 is the probe itself */
let accepted = 0;
const timers = new Set<NodeJS.Timeout>();
function later(ms: number, action: () => void): void {
  const timer = setTimeout(() => {
    timers.delete(timer);
    action();
  }, ms);
  timers.add(timer);
}

let server: net.Server;
let port: number;
beforeEach(() => {
  accepted = 0;
});
beforeAll(async () => {
  server = net.createServer((socket) => {
    socket.on('error', () => {});
    behaviour(socket, accepted++);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as net.AddressInfo).port;
});
afterAll(() => {
  for (const timer of timers) clearTimeout(timer);
  server.close();
});

/* eslint-disable @typescript-eslint/no-explicit-any -- the JSON document is asserted field by field */
function repeatTrials(result: any): any[] {
  const repeat = result.observation.experiments?.find((e: { id: string }) => e.id === 'repeat');
  expect(repeat, 'the repeat experiment ran').toBeDefined();
  expect(repeat.trials).toHaveLength(2);
  return repeat.trials;
}
const kinds = (obs: any): string[] => obs.events.map((e: { kind: string }) => e.kind);
const bannerWait = (obs: any): any => obs.events.find((e: { kind: string }) => e.kind === 'banner_wait');

describe('a repeat of a connect check that was hung up on', () => {
  it('waits for a FIN that comes later than the settle: closed 3 of 3 times, a policy, not a limit', async () => {
    behaviour = (socket, index) => (index === 0 ? socket.end() : later(LATE_MS, () => socket.end()));
    const { doc } = await probeJson([`tcp://127.0.0.1:${port}`]);
    const r = doc.results[0];
    expect(r.diagnosis.outcome).toBe('closed_on_connect');
    for (const t of repeatTrials(r)) {
      expect(kinds(t.observation)).toContain('fin');
      expect(bannerWait(t.observation).limitMs).toBeGreaterThanOrEqual(200);
    }
    const top = topCause(r.diagnosis) as any;
    expect(top.id).toBe('turned_away_by_policy');
    expect(top.evidence[0]).toMatch(/closed_on_connect 3 of 3 times/);
  });

  it('waits for an RST that comes later than the settle: reset 3 of 3 times', async () => {
    behaviour = (socket, index) => (index === 0 ? socket.resetAndDestroy() : later(LATE_MS, () => socket.resetAndDestroy()));
    const { doc } = await probeJson([`tcp://127.0.0.1:${port}`]);
    const r = doc.results[0];
    expect(r.diagnosis.outcome).toBe('reset_on_connect');
    for (const t of repeatTrials(r)) expect(kinds(t.observation)).toContain('reset');
    expect(topCause(r.diagnosis).evidence.join('\n')).toMatch(/reset_on_connect 3 of 3 times/);
  });

  it('a --banner-timeout the user set applies to the repeats as it did to the first probe', async () => {
    behaviour = (socket, index) => (index === 0 ? socket.end() : later(LATE_MS, () => socket.end()));
    const { doc } = await probeJson([`tcp://127.0.0.1:${port}`, '--banner-timeout', '50ms']);
    for (const t of repeatTrials(doc.results[0])) expect(bannerWait(t.observation)).toMatchObject({ limitMs: 50, basis: 'option' });
  });

  it('within a small follow-up budget, a repeat that is let in still reads as let in: a limit, not a policy', async () => {
    // the probe and the first repeat are reset at once, the second repeat is held open
    behaviour = (socket, index) => (index <= 1 ? socket.resetAndDestroy() : later(5_000, () => socket.destroy()));
    const target = parseTarget(`tcp://127.0.0.1:${port}`);
    const options = probeOptions();
    const obs = await probe(target, options);
    expect(diagnose(obs).outcome).toBe('reset_on_connect');
    const budgetMs = 400;
    const experiments = await runFollowups(target, options, obs, [{ id: 'repeat', question: 'again?', separates: [], limitMs: budgetMs }], budgetMs);
    const trials = experiments[0]!.trials;
    // every trial ended before the budget did: the one let in was closed by us, not cut off
    expect(experiments[0]!.stopped).toBeNull();
    expect(trials.map((t) => kinds(t.observation).at(-1)).sort()).toEqual(['closed_by_us', 'reset']);
    const d = diagnose({ ...obs, experiments });
    expect(d.causes[0]!.id).toBe('connection_limit');
  });
});

describe('a repeat of any other probe runs as the first did', () => {
  it('a server-first scheme keeps its banner wait: a refusal line and a FIN 150 ms later, seen by every repeat', async () => {
    behaviour = (socket) => {
      socket.write('421 4.3.2 too busy, try later\r\n');
      later(150, () => socket.end());
    };
    const { doc } = await probeJson([`smtp://127.0.0.1:${port}`]);
    for (const t of repeatTrials(doc.results[0])) {
      expect(bannerWait(t.observation)?.basis ?? 'server_first').toBe('server_first');
      expect(kinds(t.observation)).toContain('fin');
    }
    expect(doc.results[0].diagnosis.causes[0].evidence.join('\n')).not.toMatch(/comes and go/);
  });
});
