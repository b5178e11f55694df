import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnose/diagnose.js';
import type { Observation } from '../../src/diagnose/observation.js';
import { describeSynReadings, matchSynRetransmits } from '../../src/knowledge/syn-retransmits.js';
import { fixture } from './fixtures.js';

/** Moves the 'connected' event (and everything after it) so that the connect took `connectMs`. */
function withConnectTime(obs: Observation, connectMs: number): Observation {
  const connecting = obs.events.find((e) => e.kind === 'connecting')!;
  const index = obs.events.findIndex((e) => e.kind === 'connected');
  const shift = connecting.t + connectMs - obs.events[index]!.t;
  obs.events.forEach((e, i) => {
    if (i >= index) e.t += shift;
  });
  obs.durationMs += shift;
  return obs;
}

const synNote = (obs: Observation) => diagnose(obs).causes.find((c) => c.id === 'syn_lost');

describe('SYN retransmission timeouts (knowledge/syn-retransmits.ts)', () => {
  it('recognise a connect just after one timeout, on the systems whose timer it is', () => {
    const m = matchSynRetransmits(1012);
    expect(m?.readings.map((r) => r.os)).toEqual(['Linux', 'macOS']);
    expect(describeSynReadings(m!)).toEqual({
      readings: 'one retransmission timeout on Linux or macOS (1 s)',
      lost: 'the first SYN or its SYN-ACK was lost on the way',
    });
  });

  it('read 3 s as Windows\' first timeout or Linux\'s second, and claim only the smaller count', () => {
    const words = describeSynReadings(matchSynRetransmits(3025)!);
    expect(words.readings).toContain('two retransmission timeouts on Linux (1 s + 2 s)');
    expect(words.readings).toContain('one on Windows (3 s)');
    expect(words.lost).toBe('at least one SYN or SYN-ACK was lost on the way');
  });

  it('read 2 s on Linux as a lost SYN, then a lost SYN-ACK (each side\'s 1 s timer), as measured in the namespace tests', () => {
    const m = matchSynRetransmits(2049)!;
    expect(m.readings.find((r) => r.os === 'Linux')?.waitsMs).toEqual([1000, 1000]);
  });

  it('claim nothing for a connect that fits no timeout: a fast one, one in between, one before the first timer could fire', () => {
    for (const ms of [0.4, 180, 640, 960, 1400, 2500]) expect(matchSynRetransmits(ms), String(ms)).toBeNull();
  });
});

describe('diagnosis of a healthy probe whose connect waited for a SYN retransmission', () => {
  it('keeps the outcome ok and healthy, and says a SYN or SYN-ACK was lost, with the measured time', () => {
    const d = diagnose(withConnectTime(fixture('lab-ok').observation, 1013.4));
    expect(d.outcome).toBe('ok');
    expect(d.healthy).toBe(true);
    expect(d.causes.map((c) => c.id)).toEqual(['syn_lost']);
    expect(d.causes[0]?.evidence[0]).toBe(
      'the connect took 1.01 s, one retransmission timeout on Linux or macOS (1 s): the first SYN or its SYN-ACK was lost on the way (packet loss, a full listen queue that dropped the SYN, or a SYN rate limit); a handshake is otherwise one round trip',
    );
    expect(d.causes[0]?.remediation.join(' ')).toMatch(/connect timeout/);
  });

  it('says nothing about a connect of ordinary length, or about a slow reply (a slow server looks like a retransmitted request)', () => {
    expect(diagnose(fixture('lab-ok').observation).causes).toEqual([]);
    expect(diagnose(fixture('hand-ok-slow-reply').observation).causes).toEqual([]);
  });

  it('adds nothing to a failure: its own causes explain it', () => {
    const failing = withConnectTime(fixture('lab-reset-on-request').observation, 1010);
    const d = diagnose(failing);
    expect(d.outcome).toBe('reset_after_send');
    expect(synNote(failing)).toBeUndefined();
    expect(d.causes[0]?.id).toBe(diagnose(fixture('lab-reset-on-request').observation).causes[0]?.id);
  });

  it('reads the recorded namespace run (first SYN dropped by the router) the same way', () => {
    const d = diagnose(fixture('netns-ok-first-syn-dropped').observation);
    expect(d.outcome).toBe('ok');
    expect(d.causes[0]?.evidence[0]).toMatch(/^the connect took 1\.0\d s, one retransmission timeout on Linux or macOS \(1 s\)/);
  });
});
