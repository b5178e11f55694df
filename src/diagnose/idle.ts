/**
 * Pure logic of `connreset idle`: the resume schedule, the bracket of the idle timeout from the
 * trials, who most likely enforces it, and the keepalive that keeps connections alive through it.
 * The I/O (src/probe/idle.ts) asks this module what to do next and records what happened.
 *
 * How the search stays close to T of wall time: every connection opens at the start and goes
 * silent; a geometric ladder of resume times tests idle ages d1 < d2 < …, one connection each. A
 * connection that answers its resume is alive again with a fresh idle clock that started at its
 * resume time, so after the first failing rung (T in (lo, hi]) the connections re-armed early in
 * the ladder have ages that are just below the bracket: resuming them when their ages reach points
 * inside the bracket refines it within a fraction of T, instead of a new round of T.
 */
import { matchKnownTimeouts, type ExpiryBehaviour, type KnownIdleTimeout } from '../knowledge/middleboxes.js';
import type { KeepaliveFixKind, KeepaliveParams } from '../knowledge/keepalive.js';
import type { Outcome } from '../shared/outcome.js';

export const IDLE_SCHEMA = 'connreset.idle/v1' as const;

/** How a connection died, as the client saw it. */
export const DEATHS = ['fin_while_idle', 'reset_while_idle', 'reset_on_resume', 'silence_on_resume', 'fin_on_resume', 'error_on_resume'] as const;
export type Death = (typeof DEATHS)[number];

/**
 * The probe outcome (src/knowledge/outcomes.ts) that names the same wire event as each idle
 * death. idle's names describe one connection of many (and predate the shared engine); both
 * commands now take the event from the same engine (src/probe/connection.ts), so a FIN while idle
 * is `fin_while_idle` in idle's trials and `closed_while_idle` in a probe, never two different
 * events. The idle JSON carries both (`death` and `deathOutcome`).
 */
export const DEATH_OUTCOMES: Readonly<Record<Death, Outcome>> = {
  fin_while_idle: 'closed_while_idle',
  reset_while_idle: 'reset_while_idle',
  reset_on_resume: 'reset_on_resume',
  silence_on_resume: 'timeout_on_resume',
  fin_on_resume: 'closed_on_resume',
  error_on_resume: 'error',
};

/** One observation of a connection after `idleMs` of silence. */
export interface Trial {
  conn: number;
  /** silence before this result: the age at the resume, or at the close for *_while_idle */
  idleMs: number;
  result: 'alive' | Death;
  /** ms since the measurement started when the result was known */
  atMs: number;
  /** errno code for resets and errors */
  code: string | null;
}

export interface Bracket {
  /** the longest silence a connection survived (0 when none was tested) */
  loMs: number;
  /** the shortest silence that killed a connection; null when none died up to --max */
  hiMs: number | null;
}

/** Ladder of resume ages, geometric from minMs up to (and including) maxMs. */
export function ladder(minMs: number, maxMs: number, ratio: number): number[] {
  const rungs: number[] = [];
  for (let age = minMs; age < maxMs && rungs.length < 200; age *= ratio) rungs.push(Math.round(age));
  rungs.push(maxMs);
  return rungs;
}

export const SEARCH = {
  /** first rung of the ladder */
  minMs: 500,
  /** ratio between rungs: coarse enough to keep the connection count low, fine enough to leave re-armed connections for refinement */
  ratio: 1.25,
  /** stop refining when the bracket is this narrow relative to its upper end */
  precision: 0.05,
  /** a test is not worth scheduling closer than this to now (timer and scheduling jitter) */
  minLeadMs: 30,
} as const;

/**
 * The bracket the trials imply, and whether they contradict each other (a flaky path). A close
 * that arrives during the silence is a direct reading of the far end's timer, not just a bound:
 * when the shortest killing silence is such a close, the bracket is the spread of those readings.
 */
export function bracketOf(trials: readonly Trial[]): Bracket & { inconsistent: boolean } {
  let loMs = 0;
  let hiMs: number | null = null;
  for (const trial of trials) {
    if (trial.result === 'alive') loMs = Math.max(loMs, trial.idleMs);
    else hiMs = hiMs === null ? trial.idleMs : Math.min(hiMs, trial.idleMs);
  }
  const inconsistent = hiMs !== null && loMs > hiMs;
  const first = hiMs;
  const closes = trials.filter((t) => isWhileIdle(t.result) && first !== null && t.idleMs <= first * (1 + CLOSE_SPREAD));
  if (!inconsistent && first !== null && closes.some((t) => t.idleMs === first)) {
    return { loMs: Math.max(loMs, first), hiMs: Math.max(...closes.map((t) => t.idleMs)), inconsistent };
  }
  // A timer on a coarse clock closes idle connections anywhere within about a second past its
  // setting (Redis compares whole seconds of idleness, client by client, ten times a second):
  // survivors a little older than a close while idle are that spread, not a flaky path. The
  // bracket is then the spread itself, from the first close to the oldest survivor or close.
  if (inconsistent && first !== null && loMs - first <= COARSE_TIMER_MS) {
    const contradicted = trials.filter((t) => t.result !== 'alive' && t.idleMs <= loMs);
    if (contradicted.every((t) => isWhileIdle(t.result))) {
      return { loMs: first, hiMs: Math.max(loMs, ...contradicted.map((t) => t.idleMs)), inconsistent: false };
    }
  }
  return { loMs, hiMs, inconsistent };
}

/** How far past a close while idle a survivor may be and still be read as a coarse timer's spread. */
const COARSE_TIMER_MS = 1100;

/** Closes while idle within this fraction of the first one are readings of the same timer. */
const CLOSE_SPREAD = 0.1;

export function isWhileIdle(result: Trial['result']): boolean {
  return result === 'fin_while_idle' || result === 'reset_while_idle';
}

export function isNarrowEnough(b: Bracket, precision: number = SEARCH.precision): boolean {
  return b.hiMs !== null && b.hiMs - b.loMs <= precision * b.hiMs;
}

export interface FreeConnection {
  conn: number;
  /** current silence of the connection */
  ageMs: number;
}

export interface PlannedResume {
  conn: number;
  /** resume when the connection's silence reaches this age */
  atAgeMs: number;
}

/**
 * Picks points inside the bracket and the free connections that can test them soonest: a
 * connection of age a tests age g (>= a) by being resumed g - a from now. Points already covered
 * by a pending test (within half a step) are skipped. Pure: the caller schedules the result.
 */
export function planRefinement(
  bracket: Bracket,
  free: readonly FreeConnection[],
  pendingAges: readonly number[],
  precision: number = SEARCH.precision,
  maxWaitMs = Number.POSITIVE_INFINITY,
): PlannedResume[] {
  if (bracket.hiMs === null || isNarrowEnough(bracket, precision)) return [];
  const { loMs, hiMs } = bracket;
  // aim a little finer than asked: the bracket's upper end drops as results come in
  const wanted = Math.ceil((hiMs - loMs) / (PLANNING_MARGIN * precision * hiMs)) - 1;
  // with fewer usable connections than points, spread the ones there are evenly over the
  // bracket (a parallel split) instead of spending them all at its top
  const usable = free.filter((c) => c.ageMs + SEARCH.minLeadMs < hiMs && loMs - c.ageMs <= maxWaitMs).length;
  const points = Math.min(wanted, usable);
  if (points <= 0) return [];
  const step = (hiMs - loMs) / (points + 1);
  const pool = [...free].sort((a, b) => b.ageMs - a.ageMs);
  const plan: PlannedResume[] = [];
  for (let i = points; i >= 1; i--) {
    const target = loMs + i * step;
    if (pendingAges.some((age) => Math.abs(age - target) < step / 2)) continue;
    // the oldest connection that is still young enough to reach this age in the future
    const index = pool.findIndex((c) => c.ageMs + SEARCH.minLeadMs <= target && target - c.ageMs <= maxWaitMs);
    if (index === -1) continue;
    const [chosen] = pool.splice(index, 1);
    plan.push({ conn: chosen!.conn, atAgeMs: Math.round(target) });
  }
  return plan;
}

const PLANNING_MARGIN = 0.8;

/** Who most likely enforces the timeout, from how the connections died: data, one row per death. */
export type Enforcer = 'server' | 'middlebox' | 'server_or_middlebox';

interface DeathMeaning {
  enforcer: Enforcer;
  /** how the death reads in a report */
  label: string;
  /** why this points at the enforcer */
  reason: string;
  /** fixes that work, best first */
  fixes: KeepaliveFixKind[];
  /** how the well-known timeouts this death can come from behave at expiry */
  behaviours: ExpiryBehaviour[];
}

export const DEATH_MEANINGS: Readonly<Record<Death, DeathMeaning>> = {
  fin_while_idle: {
    enforcer: 'server',
    label: 'FIN from the server while idle',
    reason:
      'the far end closed idle connections itself (graceful FIN): the server\'s keep-alive/idle timeout, or a proxy or L7 load balancer that terminates the connection (nginx, ALB)',
    fixes: ['pool_idle'],
    behaviours: ['fin', 'close'],
  },
  reset_while_idle: {
    enforcer: 'server_or_middlebox',
    label: 'RST from the server while idle',
    reason:
      'an RST arrived during the silence without anything sent: the server (or a proxy) aborts idle connections (SO_LINGER 0, nginx reset_timedout_connection), or a load balancer resets both sides on expiry (Azure LB "TCP reset on idle")',
    fixes: ['pool_idle', 'tcp_keepalive'],
    behaviours: ['reset_both', 'close'],
  },
  reset_on_resume: {
    enforcer: 'middlebox',
    label: 'reset on resume',
    reason:
      'nothing came during the silence, and the first packet after it was answered by an RST: a NAT or stateful firewall forgot the connection while the server still held it (as an AWS NAT Gateway does)',
    fixes: ['tcp_keepalive', 'pool_idle'],
    behaviours: ['reset_on_resume', 'close'],
  },
  silence_on_resume: {
    enforcer: 'middlebox',
    label: 'silence on resume',
    reason:
      'nothing came during the silence, and the request after it got no answer at all: a middlebox forgot the connection and drops its packets (Azure LB by default, AWS Network Firewall, GCP firewall)',
    fixes: ['tcp_keepalive', 'pool_idle'],
    behaviours: ['drop', 'close'],
  },
  fin_on_resume: {
    enforcer: 'server_or_middlebox',
    label: 'FIN on resume',
    reason: 'the request after the silence was answered by a close without data: the server or a proxy had dropped the connection\'s session',
    fixes: ['pool_idle'],
    behaviours: ['fin', 'close', 'reset_on_resume'],
  },
  error_on_resume: {
    enforcer: 'server_or_middlebox',
    label: 'error on resume',
    reason: 'the request after the silence failed with a socket error',
    fixes: ['pool_idle', 'tcp_keepalive'],
    behaviours: ['fin', 'close', 'reset_on_resume', 'drop', 'reset_both'],
  },
};

/** The death that decided the bracket: the commonest among the deaths at the shortest silences. */
export function decisiveDeath(trials: readonly Trial[]): Death | null {
  const deaths = trials.filter((t): t is Trial & { result: Death } => t.result !== 'alive').sort((a, b) => a.idleMs - b.idleMs);
  if (deaths.length === 0) return null;
  // an active close while idle is the far end's own timer: it outranks what later resumes saw
  const whileIdle = deaths.find((d) => d.result === 'fin_while_idle' || d.result === 'reset_while_idle');
  if (whileIdle) return whileIdle.result;
  const counts = new Map<Death, number>();
  for (const d of deaths.slice(0, 3)) counts.set(d.result, (counts.get(d.result) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
}

export interface Recommendation {
  /** TCP keepalive below the timeout; null when it would not help (the server closes on its own timer) */
  tcpKeepalive: KeepaliveParams | null;
  /** client pool idle timeout below the timeout, seconds */
  poolIdleS: number;
  fixes: KeepaliveFixKind[];
}

/** Keepalive idle at half the shortest silence known to kill, pool idle at 80 % of the longest survived. */
export function recommend(bracket: Bracket, death: Death | null): Recommendation | null {
  if (bracket.hiMs === null || death === null) return null;
  const safeS = Math.max(bracket.loMs, 1000) / 1000;
  const idleS = Math.max(1, Math.floor(safeS / 2));
  const intvlS = Math.max(1, Math.min(10, Math.floor(idleS / 3)));
  const fixes = DEATH_MEANINGS[death].fixes;
  return {
    tcpKeepalive: fixes.includes('tcp_keepalive') ? { idleS, intvlS, cnt: 3 } : null,
    poolIdleS: Math.max(1, Math.floor(safeS * 0.8)),
    fixes,
  };
}

export type IdleStatus = 'found' | 'none_up_to_max' | 'inconsistent' | 'failed';

export interface IdleConclusion {
  status: IdleStatus;
  bracket: Bracket;
  death: Death | null;
  enforcer: Enforcer | null;
  reason: string | null;
  matches: KnownIdleTimeout[];
  recommendation: Recommendation | null;
}

/** Everything the report says, derived from the trials alone. */
export function conclude(trials: readonly Trial[]): IdleConclusion {
  const b = bracketOf(trials);
  const bracket = { loMs: b.loMs, hiMs: b.hiMs };
  const death = decisiveDeath(trials);
  const status: IdleStatus = b.inconsistent ? 'inconsistent' : b.hiMs === null ? 'none_up_to_max' : 'found';
  const meaning = death ? DEATH_MEANINGS[death] : null;
  return {
    status,
    bracket,
    death,
    enforcer: meaning?.enforcer ?? null,
    reason: meaning?.reason ?? null,
    // a name is only offered when that box dies the way this path did
    matches: b.hiMs === null || meaning === null ? [] : matchKnownTimeouts(b.loMs / 1000, b.hiMs / 1000).filter((m) => meaning.behaviours.includes(m.behaviour)),
    recommendation: status === 'found' ? recommend(bracket, death) : null,
  };
}
