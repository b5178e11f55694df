/** The pure side of `connreset idle`: ladder, bracket, refinement plan, who enforces, keepalive advice. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEATHS,
  SEARCH,
  bracketOf,
  conclude,
  decisiveDeath,
  isNarrowEnough,
  ladder,
  planRefinement,
  recommend,
  type Trial,
} from '../../src/diagnose/idle.js';
import { KNOWN_IDLE_TIMEOUTS, matchKnownTimeouts } from '../../src/knowledge/middleboxes.js';
import { KEEPALIVE_SETTINGS, renderSetting } from '../../src/knowledge/keepalive.js';

const alive = (idleMs: number, conn = 0): Trial => ({ conn, idleMs, result: 'alive', atMs: idleMs, code: null });
const dead = (idleMs: number, result: Trial['result'] = 'reset_on_resume', conn = 0): Trial => ({ conn, idleMs, result, atMs: idleMs, code: null });

describe('ladder', () => {
  it('is geometric from the first rung and ends exactly at --max', () => {
    const rungs = ladder(500, 20_000, 1.25);
    expect(rungs[0]).toBe(500);
    expect(rungs.at(-1)).toBe(20_000);
    for (let i = 1; i < rungs.length - 1; i++) expect(rungs[i]! / rungs[i - 1]!).toBeCloseTo(1.25, 1);
  });

  it('stays a modest number of connections for the default 15 minutes', () => {
    expect(ladder(SEARCH.minMs, 15 * 60_000, SEARCH.ratio).length).toBeLessThanOrEqual(40);
  });
});

describe('bracketOf', () => {
  it('is (longest survived, shortest killed]', () => {
    expect(bracketOf([alive(1000), alive(4000), dead(9000), dead(5000)])).toEqual({ loMs: 4000, hiMs: 5000, inconsistent: false });
  });

  it('has no upper end when nothing died', () => {
    expect(bracketOf([alive(1000), alive(2000)])).toEqual({ loMs: 2000, hiMs: null, inconsistent: false });
  });

  it('flags a path where a longer silence survived than one that killed', () => {
    expect(bracketOf([alive(6000), dead(5000)]).inconsistent).toBe(true);
  });

  it('reads closes during the silence as the far end\'s timer itself', () => {
    const trials = [alive(1500), dead(2001, 'fin_while_idle', 1), dead(2003, 'fin_while_idle', 2), dead(2500, 'reset_on_resume', 3)];
    expect(bracketOf(trials)).toEqual({ loMs: 2001, hiMs: 2003, inconsistent: false });
  });

  // measured against redis-server 7.0.15 with `timeout 3`: it compares whole seconds of idleness,
  // so connections silent since different moments close anywhere from 3 s to about 4 s
  it('reads survivors just past closes while idle as a coarse timer, not a flaky path', () => {
    const trials = [alive(2980, 1), alive(3720, 2), dead(3640, 'fin_while_idle', 3), dead(3640, 'fin_while_idle', 4)];
    expect(bracketOf(trials)).toEqual({ loMs: 3640, hiMs: 3720, inconsistent: false });
  });

  it('still flags survivors past a close while idle by more than a coarse clock explains', () => {
    expect(bracketOf([alive(6000), dead(3000, 'fin_while_idle', 1)]).inconsistent).toBe(true);
  });

  it('still flags survivors past a death on resume (silence, reset): no timer reading', () => {
    expect(bracketOf([alive(3700), dead(3600, 'silence_on_resume', 1)]).inconsistent).toBe(true);
  });
});

describe('planRefinement', () => {
  it('picks points inside the bracket, each for the connection that reaches it soonest', () => {
    const bracket = { loMs: 7300, hiMs: 9100 };
    const free = [
      { conn: 1, ageMs: 8400 },
      { conn: 2, ageMs: 7400 },
      { conn: 3, ageMs: 6300 },
      { conn: 4, ageMs: 100 },
    ];
    const plan = planRefinement(bracket, free, []);
    expect(plan.length).toBeGreaterThan(0);
    for (const step of plan) {
      expect(step.atAgeMs).toBeGreaterThan(bracket.loMs);
      expect(step.atAgeMs).toBeLessThan(bracket.hiMs);
      const conn = free.find((c) => c.conn === step.conn)!;
      expect(step.atAgeMs).toBeGreaterThan(conn.ageMs);
    }
    // each connection is used once
    expect(new Set(plan.map((s) => s.conn)).size).toBe(plan.length);
  });

  it('plans nothing when the bracket is already narrow, open-ended, or no connection is young enough', () => {
    expect(planRefinement({ loMs: 9900, hiMs: 10_000 }, [{ conn: 1, ageMs: 10 }], [])).toEqual([]);
    expect(planRefinement({ loMs: 9000, hiMs: null }, [{ conn: 1, ageMs: 10 }], [])).toEqual([]);
    expect(planRefinement({ loMs: 5000, hiMs: 10_000 }, [{ conn: 1, ageMs: 11_000 }], [])).toEqual([]);
  });

  it('with fewer connections than points, spreads them over the whole bracket instead of its top', () => {
    const plan = planRefinement({ loMs: 2000, hiMs: 4000 }, [
      { conn: 1, ageMs: 1500 },
      { conn: 2, ageMs: 1000 },
    ], []);
    expect(plan).toHaveLength(2);
    const ages = plan.map((s) => s.atAgeMs).sort((a, b) => a - b);
    expect(ages[0]).toBeLessThan(3000);
    expect(ages[1]).toBeGreaterThan(3000);
  });

  it('respects the longest wait it is allowed', () => {
    const plan = planRefinement({ loMs: 5000, hiMs: 10_000 }, [{ conn: 1, ageMs: 0 }], [], 0.05, 3000);
    expect(plan).toEqual([]);
  });
});

/**
 * The whole search on a virtual clock: connections open at 0, the ladder resumes them, each
 * answered resume re-arms a connection, and refinement uses the re-armed ones; a path kills any
 * connection silent for T or more. Whatever T is, the search ends with a bracket that holds T,
 * about 5 % wide, soon after T. This is the algorithm of src/probe/idle.ts without sockets.
 */
function simulate(timeoutMs: number, maxMs: number): { trials: Trial[]; endMs: number } {
  const rungs = ladder(SEARCH.minMs, maxMs, SEARCH.ratio);
  const lastActivity = rungs.map(() => 0);
  const plannedAt = new Map<number, number>(rungs.map((age, conn) => [conn, age])); // conn -> resume age
  const deadConns = new Set<number>();
  const trials: Trial[] = [];
  let now = 0;
  for (let step = 0; step < 500; step++) {
    const next = [...plannedAt.entries()].map(([conn, age]) => ({ conn, at: lastActivity[conn]! + age })).sort((a, b) => a.at - b.at)[0];
    if (!next) break;
    now = next.at;
    plannedAt.delete(next.conn);
    const age = now - lastActivity[next.conn]!;
    if (age >= timeoutMs) {
      trials.push(dead(age, 'reset_on_resume', next.conn));
      deadConns.add(next.conn);
    } else {
      trials.push(alive(age, next.conn));
      lastActivity[next.conn] = now;
    }
    const b = bracketOf(trials);
    for (const [conn, planned] of plannedAt) if (planned <= b.loMs || (b.hiMs !== null && planned >= b.hiMs)) plannedAt.delete(conn);
    if (b.hiMs !== null && isNarrowEnough(b)) break;
    if (b.hiMs !== null) {
      const free = lastActivity
        .map((t, conn) => ({ conn, ageMs: now - t }))
        .filter((c) => !deadConns.has(c.conn) && !plannedAt.has(c.conn) && c.ageMs < b.hiMs!);
      const maxWait = Math.max(0.25 * b.hiMs, 4000);
      for (const p of planRefinement(b, free, [...plannedAt.values()], SEARCH.precision, maxWait)) plannedAt.set(p.conn, p.atAgeMs);
    }
  }
  return { trials, endMs: now };
}

describe('the search on a virtual clock', () => {
  it('brackets any timeout between 1 s and 10 min within ~5 %, in little more than the timeout itself', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 600_000 }), (timeoutMs) => {
        const { trials, endMs } = simulate(timeoutMs, 900_000);
        const b = bracketOf(trials);
        expect(b.inconsistent).toBe(false);
        expect(b.loMs).toBeLessThan(timeoutMs);
        expect(b.hiMs!).toBeGreaterThanOrEqual(timeoutMs);
        expect((b.hiMs! - b.loMs) / b.hiMs!).toBeLessThanOrEqual(0.08);
        expect(endMs).toBeLessThanOrEqual(timeoutMs * 1.6 + 4000);
      }),
      { numRuns: 200 },
    );
  });
});

describe('who enforces it, and what keeps connections alive', () => {
  it('a close during the silence is the server\'s own timer, even when later resumes saw resets', () => {
    expect(decisiveDeath([dead(3000, 'reset_on_resume'), dead(2000, 'fin_while_idle')])).toBe('fin_while_idle');
    expect(conclude([alive(1000), dead(2000, 'fin_while_idle')]).enforcer).toBe('server');
  });

  it('a reset or silence on resume is a middlebox', () => {
    expect(conclude([alive(7800), dead(8100, 'reset_on_resume')]).enforcer).toBe('middlebox');
    expect(conclude([alive(7800), dead(8100, 'silence_on_resume')]).enforcer).toBe('middlebox');
  });

  it('every death has a meaning (label, reason, fixes)', () => {
    for (const death of DEATHS) {
      const c = conclude([alive(1000), dead(2000, death)]);
      expect(c.reason).toBeTruthy();
      expect(c.recommendation?.fixes.length).toBeGreaterThan(0);
    }
  });

  it('recommends keepalive below the shortest silence that killed, and none for a server\'s timer', () => {
    const middlebox = recommend({ loMs: 58_000, hiMs: 61_000 }, 'reset_on_resume')!;
    expect(middlebox.tcpKeepalive!.idleS).toBeLessThan(58);
    expect(middlebox.poolIdleS).toBeLessThan(58);
    expect(recommend({ loMs: 5000, hiMs: 5010 }, 'fin_while_idle')!.tcpKeepalive).toBeNull();
    expect(recommend({ loMs: 5000, hiMs: null }, null)).toBeNull();
  });

  it('names well-known timeouts from the measured bracket, each row with a source', () => {
    expect(matchKnownTimeouts(58, 61).map((m) => m.id)).toEqual(expect.arrayContaining(['aws_alb', 'aws_clb']));
    expect(matchKnownTimeouts(340, 352).map((m) => m.id)).toEqual(expect.arrayContaining(['aws_nlb', 'aws_nat_gateway']));
    expect(matchKnownTimeouts(7.6, 8.2)).toEqual([]);
    for (const row of KNOWN_IDLE_TIMEOUTS) expect(row.source).toMatch(/^https?:\/\//);
  });

  it('offers a known name only when that box dies the way the path did', () => {
    const fin60 = conclude([alive(58_500), dead(60_020, 'fin_while_idle')]).matches.map((m) => m.id);
    expect(fin60).toContain('aws_alb');
    const silent60 = conclude([alive(58_500), dead(60_900, 'silence_on_resume')]).matches.map((m) => m.id);
    expect(silent60).not.toContain('aws_alb');
    const reset350 = conclude([alive(340_000), dead(352_000, 'reset_on_resume')]).matches.map((m) => m.id);
    expect(reset350).toEqual(expect.arrayContaining(['aws_nat_gateway', 'aws_nlb']));
    expect(reset350).not.toContain('aws_network_firewall'); // it drops silently
  });

  it('fills every keepalive setting template completely', () => {
    for (const setting of KEEPALIVE_SETTINGS) {
      expect(renderSetting(setting, { idleS: 30, intvlS: 10, cnt: 3 })).not.toMatch(/\{\w+\}/);
    }
  });
});
