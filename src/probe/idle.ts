/**
 * The I/O of `connreset idle`: many connections to one target, each silent for a planned time and
 * then resumed (the request sent again, a reply expected). The decisions (ladder, bracket,
 * refinement points) are pure functions in src/diagnose/idle.ts; this module only keeps sockets,
 * clocks and timers, and records Trials.
 */
import {
  SEARCH,
  bracketOf,
  isNarrowEnough,
  isWhileIdle,
  ladder,
  planRefinement,
  type Death,
  type Trial,
} from '../diagnose/idle.js';
import type { AddressFamily, ResolvedAddress } from '../diagnose/observation.js';
import { payloadBytes } from './payload.js';
import { REPLY_QUIET_MS } from './defaults.js';
import { phaseTimer, type PhaseTimer } from './phase-timer.js';
import { Connection, resolveTarget, type EventSink } from './connection.js';
import type { EventBody } from './recorder.js';
import type { LookupFn, Payload, Target, TlsTrust } from './types.js';

export interface IdleOptions {
  /** longest silence to test */
  maxMs: number;
  /** the request sent after connecting and again at each resume (must draw a reply) */
  payload: Payload;
  connectTimeoutMs: number;
  /** IPv4 or IPv6 only (-4/-6); null: the first address the name resolves to */
  family?: AddressFamily | null;
  /** certificate verification and client certificate, as in probe (null: verify against the built-in store) */
  tlsTrust?: TlsTrust | null;
  /** TLS server name (SNI, and the name the certificate must match); null: the host when it is a name */
  servername?: string | null;
  /** how long a resumed connection may stay silent before it counts as dead (silence on resume) */
  replyTimeoutMs: number;
  /** at most this many connections at once (default: one per rung of the ladder); fewer make the ladder coarser */
  maxConnections?: number;
  /** first rung and ratio of the ladder; defaults in SEARCH */
  minMs?: number;
  ratio?: number;
  precision?: number;
  lookup?: LookupFn;
  onProgress?: (progress: IdleProgress) => void;
  signal?: AbortSignal;
}

export interface IdleProgress {
  elapsedMs: number;
  open: number;
  loMs: number;
  hiMs: number | null;
  nextResumeAtAgeMs: number | null;
  phase: 'connecting' | 'ladder' | 'refining' | 'keepalive_check';
}

export interface IdleSetupFailure {
  /** errno code, or 'NO_REPLY' when the server answered nothing to the request */
  code: string;
  message: string;
}

export interface KeepaliveCheck {
  keepaliveS: number;
  /** wall time of the check */
  durationMs: number;
  /** how long the connection stayed silent (apart from keepalive probes) before the resume */
  heldMs: number;
  result: 'alive' | Death;
  code: string | null;
}

export interface IdleRun {
  target: string;
  host: string;
  port: number;
  address: string | null;
  startedAt: string;
  durationMs: number;
  maxMs: number;
  connections: number;
  trials: Trial[];
  /** why the measurement could not start (connect failed, no reply); null when it ran */
  failure: IdleSetupFailure | null;
  /** true when the run was interrupted before it finished */
  interrupted: boolean;
  keepaliveCheck: KeepaliveCheck | null;
}

/** Rounds on fresh connections when the re-armed ones could not narrow the bracket, and their size. */
const FRESH_ROUNDS_MAX = 3;
const FRESH_ROUND_MAX = 8;

type ConnState = 'setup' | 'replying' | 'free' | 'scheduled' | 'resuming' | 'gone';

interface Conn {
  id: number;
  socket: Connection;
  state: ConnState;
  /** ms since start of the last byte sent or received */
  lastActivity: number;
  /** planned resume age while scheduled */
  plannedAge: number | null;
  resumeTimer: NodeJS.Timeout | null;
  /** a phase timer: a FIN or RST that arrived before it expired wins over it after a stall */
  replyTimer: PhaseTimer | null;
  quietTimer: NodeJS.Timeout | null;
  /** silence before the pending resume, and when the resume was sent */
  resumeAge: number | null;
  resumedAt: number | null;
  /** fires when a resume has waited long enough for its reply to be suspect */
  suspectTimer: NodeJS.Timeout | null;
  /** when the request was written (setup or resume), to measure reply latency */
  sentAt: number | null;
  /** set once the initial request has been answered */
  ready: boolean;
}

export async function measureIdle(target: Target, options: IdleOptions): Promise<IdleRun> {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const now = (): number => performance.now() - t0;
  const run: IdleRun = {
    target: target.input,
    host: target.host,
    port: target.port,
    address: null,
    startedAt,
    durationMs: 0,
    maxMs: options.maxMs,
    connections: 0,
    trials: [],
    failure: null,
    interrupted: false,
    keepaliveCheck: null,
  };
  try {
    const address = await resolve(target, options);
    run.address = address.address;
    await new Search(target, address, options, now, run).run();
  } catch (error) {
    if (error instanceof SetupError) run.failure = { code: error.code, message: error.message };
    else throw error;
  }
  run.durationMs = Math.round(now());
  return run;
}

class SetupError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The engine's resolver (with its timeout and -4/-6); a failure ends the measurement before it starts. */
async function resolve(target: Target, options: IdleOptions): Promise<ResolvedAddress> {
  const resolution = await resolveTarget(
    target,
    { family: options.family ?? null, timeoutMs: options.connectTimeoutMs, lookup: options.lookup },
    options.signal,
    () => 0,
  );
  if (resolution.chosen) return resolution.chosen;
  const failure = resolution.failure;
  if (failure?.kind === 'resolve_failed') {
    throw new SetupError(failure.code, failure.code === 'ENOTFOUND' && failure.message.includes('has no') ? failure.message : `could not resolve ${target.host} (${failure.code})`);
  }
  throw new SetupError('ETIMEDOUT', `could not resolve ${target.host} within ${options.connectTimeoutMs} ms`);
}

/** One measurement: the ladder, then refinement, then (optionally) the keepalive check. */
class Search {
  private readonly conns: Conn[] = [];
  private readonly bytes: Uint8Array;
  private finishing: NodeJS.Timeout | null = null;
  private done!: () => void;
  private readonly finished: Promise<void>;
  private deadline: NodeJS.Timeout | null = null;
  private phase: IdleProgress['phase'] = 'connecting';
  private isDone = false;
  private maxReplyLatency = 0;

  constructor(
    private readonly target: Target,
    private readonly address: ResolvedAddress,
    private readonly options: IdleOptions,
    private readonly now: () => number,
    private readonly out: IdleRun,
  ) {
    this.bytes = payloadBytes(options.payload, target);
    this.finished = new Promise((resolve) => (this.done = resolve));
  }

  async run(): Promise<void> {
    const rungs = ladder(this.options.minMs ?? SEARCH.minMs, this.options.maxMs, this.options.ratio ?? SEARCH.ratio);
    const onAbort = (): void => {
      this.out.interrupted = true;
      this.finish();
    };
    this.options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await this.openAll(Math.min(rungs.length, this.options.maxConnections ?? rungs.length));
      if (this.out.interrupted) return;
      const ready = this.conns.filter((c) => c.ready && c.state === 'free');
      // rungs go to the connections that answered; with fewer connections the ladder is coarser at the top
      ready.forEach((conn, i) => {
        const age = rungs[Math.round((i * (rungs.length - 1)) / Math.max(1, ready.length - 1))]!;
        this.schedule(conn, age);
      });
      this.phase = 'ladder';
      const budget = this.options.maxMs + 2 * this.options.replyTimeoutMs + 5_000;
      this.deadline = setTimeout(() => this.finish(), budget);
      this.progress();
      await this.finished;
    } finally {
      this.options.signal?.removeEventListener('abort', onAbort);
      this.closeAll();
    }
  }

  /** Opens `count` connections at once and waits until each has answered the first request or failed. */
  private async openAll(count: number): Promise<void> {
    const setups = Array.from({ length: count }, (_, id) => this.open(id));
    const results = await Promise.all(setups);
    this.out.connections = this.conns.length;
    if (!results.some((r) => r === null)) {
      const first = results.find((r): r is SetupError => r !== null)!;
      throw first;
    }
  }

  /** Resolves null once the connection is ready (request answered), or with the reason it is not. */
  private open(id: number): Promise<SetupError | null> {
    return new Promise((resolveSetup) => {
      let conn: Conn;
      let settled = false;
      let connected = false;
      const settle = (result: SetupError | null): void => {
        if (settled) return;
        settled = true;
        setupTimer.clear();
        resolveSetup(result);
      };
      // the engine reports every wire event; idle turns them into its connection states
      const sink: EventSink = {
        now: this.now,
        received: () => this.onData(conn, () => settle(null)),
        add: (_phase, body) => this.onEngineEvent(conn, body, connected, settle),
      };
      const socket = connectTo(this.target, sink, this.options);
      conn = {
        id,
        socket,
        state: 'setup',
        lastActivity: this.now(),
        plannedAge: null,
        resumeTimer: null,
        replyTimer: null,
        quietTimer: null,
        resumeAge: null,
        resumedAt: null,
        suspectTimer: null,
        sentAt: null,
        ready: false,
      };
      this.conns.push(conn);
      const setupTimer = phaseTimer(() => {
        settle(new SetupError(connected ? 'NO_REPLY' : 'ETIMEDOUT', this.setupMessage(connected)));
        this.drop(conn);
      }, this.options.connectTimeoutMs + this.options.replyTimeoutMs);
      void socket.open(this.address).then((watch) => {
        if (!watch) {
          // the engine reported why (error, timeout, TLS failure) through the sink
          settle(new SetupError('EOF', 'the connection closed before the server answered'));
          this.drop(conn);
          return;
        }
        if (conn.state === 'gone') return;
        connected = true;
        watch.phase = 'reply';
        conn.lastActivity = this.now();
        conn.sentAt = conn.lastActivity;
        socket.write(this.bytes);
      });
    });
  }

  /** A connect/TLS failure during setup, or a FIN/RST/error on an established connection. */
  private onEngineEvent(conn: Conn, body: EventBody, connected: boolean, settle: (result: SetupError | null) => void): void {
    switch (body.kind) {
      case 'fin':
        if (!connected) return settle(new SetupError('EOF', 'the server closed the connection during the TLS handshake'));
        settle(
          conn.state === 'replying'
            ? new SetupError('CLOSED_AFTER_REPLY', 'the server closes the connection after each reply (no keep-alive): there is no idle connection to measure')
            : new SetupError('EOF', 'the server closed the connection without answering the request'),
        );
        return this.onClose(conn, 'fin', null);
      case 'reset':
        settle(new SetupError(body.code, `${body.code}: the connection was reset`));
        return this.onClose(conn, 'reset', body.code);
      case 'error':
        settle(new SetupError(body.code, `${body.code}: ${body.message}`));
        return this.onClose(conn, 'error', body.code);
      case 'tls_failed':
        settle(new SetupError(body.code, `TLS handshake failed: ${body.message}`));
        return this.onClose(conn, 'error', body.code);
      case 'tls_untrusted':
        settle(new SetupError(body.code, `${body.code}: ${body.reason}: the certificate is not trusted (-k to accept it, --cacert FILE to trust its CA)`));
        return this.onClose(conn, 'error', body.code);
      case 'timeout':
        settle(new SetupError('ETIMEDOUT', this.setupMessage(connected)));
        return this.drop(conn);
      default:
        return; // connecting, connected, tls_established: progress, not a state change
    }
  }

  private setupMessage(connected: boolean): string {
    return connected
      ? `the server did not answer the request within ${this.options.replyTimeoutMs} ms; idle needs a request that draws a reply (see --send)`
      : `could not connect within ${this.options.connectTimeoutMs} ms`;
  }

  private onData(conn: Conn, onReady: () => void): void {
    conn.lastActivity = this.now();
    if (conn.sentAt !== null) {
      this.maxReplyLatency = Math.max(this.maxReplyLatency, conn.lastActivity - conn.sentAt);
      conn.sentAt = null;
    }
    if (conn.state === 'resuming') {
      conn.replyTimer?.clear();
      if (conn.suspectTimer) clearTimeout(conn.suspectTimer);
      conn.suspectTimer = null;
      this.record(conn, 'alive', conn.resumeAge!, null);
      conn.state = 'replying';
    } else if (conn.state === 'setup') {
      conn.state = 'replying';
    } else if (conn.state === 'free' || conn.state === 'scheduled') {
      // unsolicited data: the far end talks during the silence, which restarts its clock
      if (conn.state === 'scheduled') this.unschedule(conn);
      conn.state = 'replying';
    }
    if (conn.state !== 'replying') return;
    if (conn.quietTimer) clearTimeout(conn.quietTimer);
    conn.quietTimer = setTimeout(() => {
      conn.quietTimer = null;
      if (conn.state !== 'replying') return;
      conn.state = 'free';
      if (!conn.ready) {
        conn.ready = true;
        onReady();
      } else {
        this.replan();
      }
    }, REPLY_QUIET_MS);
  }

  /** The peer closed (FIN), reset, or the socket failed. */
  private onClose(conn: Conn, how: 'fin' | 'reset' | 'error', code: string | null): void {
    const state = conn.state;
    this.drop(conn);
    if (!conn.ready || this.isDone) return;
    const age = this.now() - conn.lastActivity;
    if (state === 'free' || state === 'scheduled') {
      this.record(conn, how === 'fin' ? 'fin_while_idle' : how === 'reset' ? 'reset_while_idle' : 'error_on_resume', age, code);
    } else if (state === 'resuming') {
      this.record(conn, how === 'fin' ? 'fin_on_resume' : how === 'reset' ? 'reset_on_resume' : 'error_on_resume', conn.resumeAge!, code);
    }
  }

  private schedule(conn: Conn, age: number): void {
    conn.state = 'scheduled';
    conn.plannedAge = age;
    const fire = (): void => {
      conn.resumeTimer = null;
      if (conn.state !== 'scheduled') return;
      const actual = this.now() - conn.lastActivity;
      // data arrived since scheduling: the silence restarted, so wait out the rest
      if (actual < age - 5) {
        conn.resumeTimer = setTimeout(fire, age - actual);
        return;
      }
      this.resume(conn, actual);
    };
    conn.resumeTimer = setTimeout(fire, Math.max(0, conn.lastActivity + age - this.now()));
  }

  private unschedule(conn: Conn): void {
    if (conn.resumeTimer) clearTimeout(conn.resumeTimer);
    conn.resumeTimer = null;
    conn.plannedAge = null;
    if (conn.state === 'scheduled') conn.state = 'free';
  }

  private resume(conn: Conn, age: number): void {
    conn.state = 'resuming';
    conn.resumeAge = age;
    conn.plannedAge = null;
    conn.lastActivity = this.now();
    conn.resumedAt = conn.lastActivity;
    conn.sentAt = conn.lastActivity;
    conn.socket.write(this.bytes);
    // a reply much later than any seen so far is probably not coming: plan as if this resume
    // failed, so refinement starts now rather than when the reply timeout confirms it
    conn.suspectTimer = setTimeout(() => {
      conn.suspectTimer = null;
      this.replan();
    }, this.suspectMs());
    conn.replyTimer = phaseTimer(() => {
      if (conn.state !== 'resuming') return;
      this.drop(conn);
      this.record(conn, 'silence_on_resume', age, null);
    }, this.options.replyTimeoutMs);
    this.progress();
  }

  private record(conn: Conn, result: Trial['result'], idleMs: number, code: string | null): void {
    if (this.isDone) return;
    this.out.trials.push({ conn: conn.id, idleMs: Math.round(idleMs), result, atMs: Math.round(this.now()), code });
    if (isWhileIdle(result) && !this.finishing) {
      // the far end's own timer fired: every connection as old reads the same value within
      // moments, so collect those readings briefly and stop
      this.phase = 'refining';
      this.finishing = setTimeout(() => this.finish(), Math.max(250, 0.05 * idleMs));
      return;
    }
    if (!this.finishing) this.replan();
  }

  /** After every result: drop tests that became pointless, plan refinement, or finish. */
  private replan(): void {
    if (this.isDone) return;
    const confirmed = bracketOf(this.out.trials);
    // planning also counts resumes whose reply is overdue as failed (confirmed later, or not)
    const planning = bracketOf([...this.out.trials, ...this.suspects()]);
    const precision = this.options.precision ?? SEARCH.precision;
    for (const conn of this.conns) {
      if (conn.state !== 'scheduled' || conn.plannedAge === null) continue;
      if (conn.plannedAge <= planning.loMs || (planning.hiMs !== null && conn.plannedAge >= planning.hiMs)) this.unschedule(conn);
    }
    if (planning.hiMs !== null) {
      this.phase = 'refining';
      // connections already older than the shortest killing silence can tell nothing more
      if (confirmed.hiMs !== null) {
        for (const conn of this.conns) if (conn.state === 'free' && this.now() - conn.lastActivity >= confirmed.hiMs) this.drop(conn);
      }
      if (!planning.inconsistent && !isNarrowEnough(planning, precision)) {
        const pending = this.conns.filter((c) => c.state === 'scheduled' && c.plannedAge !== null).map((c) => c.plannedAge!);
        const candidates = this.conns
          .filter((c) => c.state === 'free')
          .map((c) => ({ conn: c.id, ageMs: this.now() - c.lastActivity }));
        // a test that would finish long after the bracket's end costs more than it tells
        const maxWaitMs = Math.max(0.25 * planning.hiMs, 2 * this.options.replyTimeoutMs);
        for (const step of planRefinement(planning, candidates, pending, precision, maxWaitMs)) {
          this.schedule(this.conns[step.conn]!, step.atAgeMs);
        }
      }
    }
    // a connection still receiving a reply becomes usable for refinement once the reply ends
    const inFlight = this.conns.some((c) => c.state === 'scheduled' || c.state === 'resuming' || (c.ready && c.state === 'replying'));
    const settled = confirmed.hiMs !== null && (confirmed.inconsistent || isNarrowEnough(confirmed, precision));
    if (!inFlight && !settled && confirmed.hiMs !== null && this.freshRounds < FRESH_ROUNDS_MAX) {
      // the re-armed connections ran out before the bracket got narrow (few connections, or an
      // unlucky spread): another round on fresh connections, which costs about T more
      this.freshRounds += 1;
      void this.freshRound({ loMs: confirmed.loMs, hiMs: confirmed.hiMs }, precision);
      return;
    }
    if (!inFlight || settled) {
      this.finish();
      return;
    }
    this.progress();
  }

  private freshRounds = 0;

  private async freshRound(bracket: { loMs: number; hiMs: number }, precision: number): Promise<void> {
    // the idle connections left could not be planned into the bracket: make room for fresh ones
    for (const conn of this.conns) if (conn.state === 'free') this.drop(conn);
    const open = this.conns.filter((c) => c.state !== 'gone').length;
    const room = (this.options.maxConnections ?? Number.POSITIVE_INFINITY) - open;
    const points = Math.min(FRESH_ROUND_MAX, room, Math.ceil((bracket.hiMs - bracket.loMs) / (0.8 * precision * bracket.hiMs)) - 1);
    if (points <= 0) return this.finish();
    const step = (bracket.hiMs - bracket.loMs) / (points + 1);
    const ages = Array.from({ length: points }, (_, i) => Math.round(bracket.loMs + (i + 1) * step));
    if (this.deadline) clearTimeout(this.deadline);
    this.deadline = setTimeout(() => this.finish(), this.options.connectTimeoutMs + 3 * this.options.replyTimeoutMs + bracket.hiMs + 5_000);
    this.phase = 'refining';
    // open() appends to this.conns, so each new connection's id is its index there
    const opened = await Promise.all(ages.map(() => this.open(this.conns.length)));
    const fresh = this.conns.slice(this.conns.length - ages.length);
    this.out.connections = this.conns.length;
    if (this.isDone) {
      for (const conn of fresh) this.drop(conn);
      return;
    }
    fresh.forEach((conn, i) => {
      if (opened[i] === null && conn.state === 'free') this.schedule(conn, ages[i]!);
    });
    if (!fresh.some((c) => c.state === 'scheduled')) return this.finish();
    this.progress();
  }

  /** How long a resume waits for its reply before refinement treats it as failed. */
  private suspectMs(): number {
    return Math.min(this.options.replyTimeoutMs / 2, Math.max(100, 4 * this.maxReplyLatency));
  }

  private suspects(): Trial[] {
    const now = this.now();
    return this.conns
      .filter((c) => c.state === 'resuming' && c.resumedAt !== null && now - c.resumedAt >= this.suspectMs() - 1)
      .map((c) => ({ conn: c.id, idleMs: Math.round(c.resumeAge!), result: 'silence_on_resume', atMs: Math.round(now), code: null }));
  }

  private progress(): void {
    if (!this.options.onProgress) return;
    const { loMs, hiMs } = bracketOf(this.out.trials);
    const next = this.conns
      .filter((c) => c.state === 'scheduled' && c.plannedAge !== null)
      .map((c) => c.plannedAge!)
      .sort((a, b) => a - b)[0];
    this.options.onProgress({
      elapsedMs: this.now(),
      open: this.conns.filter((c) => c.state !== 'gone').length,
      loMs,
      hiMs,
      nextResumeAtAgeMs: next ?? null,
      phase: this.phase,
    });
  }

  private finish(): void {
    if (this.isDone) return;
    this.isDone = true;
    if (this.finishing) clearTimeout(this.finishing);
    if (this.deadline) clearTimeout(this.deadline);
    this.done();
  }

  private drop(conn: Conn): void {
    if (conn.state === 'gone') return;
    conn.state = 'gone';
    for (const timer of [conn.resumeTimer, conn.quietTimer, conn.suspectTimer]) if (timer) clearTimeout(timer);
    conn.replyTimer?.clear();
    conn.resumeTimer = conn.replyTimer = conn.quietTimer = conn.suspectTimer = null;
    conn.socket.destroy();
  }

  private closeAll(): void {
    for (const conn of this.conns) this.drop(conn);
  }
}

export interface KeepaliveCheckOptions {
  payload: Payload;
  keepaliveS: number;
  connectTimeoutMs: number;
  replyTimeoutMs: number;
  signal?: AbortSignal;
  onProgress?: (progress: IdleProgress) => void;
  tlsTrust?: TlsTrust | null;
  servername?: string | null;
}

/**
 * One connection with TCP keepalive every `keepaliveS`, silent (apart from the kernel's keepalive
 * probes) for longer than the measured timeout, then resumed: alive means keepalive holds the
 * path open. Takes the measured upper bound plus a margin of wall time.
 */
export function checkKeepalive(target: Target, run: IdleRun, options: KeepaliveCheckOptions): Promise<KeepaliveCheck> {
  const { hiMs } = bracketOf(run.trials);
  const address: ResolvedAddress = run.address === null ? { address: target.host, family: 4 } : { address: run.address, family: run.address.includes(':') ? 6 : 4 };
  const bytes = payloadBytes(options.payload, target);
  const { keepaliveS } = options;
  const holdMs = Math.round((hiMs ?? run.maxMs) + Math.max(keepaliveS * 1000, 0.25 * (hiMs ?? run.maxMs)));
  const t0 = performance.now();
  const now = (): number => performance.now() - t0;
  return new Promise((resolveCheck) => {
    let stage: 'setup' | 'held' | 'resumed' = 'setup';
    let quiet: NodeJS.Timeout | null = null;
    let lastActivity = now();
    const timers: NodeJS.Timeout[] = [];
    let ended = false;
    const end = (result: KeepaliveCheck['result'], code: string | null): void => {
      if (ended) return;
      ended = true;
      for (const t of timers) clearTimeout(t);
      if (quiet) clearTimeout(quiet);
      options.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolveCheck({ keepaliveS, durationMs: Math.round(now()), heldMs: holdMs, result, code });
    };
    const onAbort = (): void => {
      run.interrupted = true;
      end('error_on_resume', 'INTERRUPTED');
    };
    const onData = (): void => {
      lastActivity = now();
      if (stage === 'resumed') return end('alive', null);
      if (quiet) clearTimeout(quiet);
      quiet = setTimeout(() => {
        if (stage !== 'setup') return;
        stage = 'held';
        options.onProgress?.({ elapsedMs: run.durationMs + now(), open: 1, loMs: 0, hiMs, nextResumeAtAgeMs: holdMs, phase: 'keepalive_check' });
        timers.push(
          setTimeout(() => {
            stage = 'resumed';
            socket.write(bytes);
            timers.push(setTimeout(() => end('silence_on_resume', null), options.replyTimeoutMs));
          }, Math.max(0, lastActivity + holdMs - now())),
        );
      }, REPLY_QUIET_MS);
    };
    // the same engine events as the search, the same labels
    const sink: EventSink = {
      now,
      received: onData,
      add: (_phase, body) => {
        const resumed = stage === 'resumed';
        if (body.kind === 'fin') end(resumed ? 'fin_on_resume' : 'fin_while_idle', null);
        else if (body.kind === 'reset') end(resumed ? 'reset_on_resume' : 'reset_while_idle', body.code);
        else if (body.kind === 'error' || body.kind === 'tls_failed') end('error_on_resume', body.code);
        else if (body.kind === 'timeout') end('error_on_resume', 'ETIMEDOUT');
      },
    };
    const socket = connectTo(target, sink, options);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    timers.push(setTimeout(() => end('error_on_resume', 'ETIMEDOUT'), holdMs + options.connectTimeoutMs + 3 * options.replyTimeoutMs + 2_000));
    void socket.open(address).then((watch) => {
      if (!watch || ended) return;
      socket.raw.setKeepAlive(true, keepaliveS * 1000);
      socket.write(bytes);
    });
  });
}

/** A connection through the engine (TLS, SNI and ALPN as the probe does them). */
function connectTo(target: Target, sink: EventSink, options: { connectTimeoutMs: number; servername?: string | null; payload: Payload; tlsTrust?: TlsTrust | null }): Connection {
  return new Connection(target, sink, {
    connectTimeoutMs: options.connectTimeoutMs,
    tlsTimeoutMs: options.connectTimeoutMs,
    servername: options.servername ?? null,
    alpn: options.payload.kind === 'http' ? ['http/1.1'] : null,
    tlsTrust: options.tlsTrust ?? null,
  });
}
