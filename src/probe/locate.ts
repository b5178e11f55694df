/**
 * The locate experiment: after a probe ended in an RST, a FIN without a reply or silence, find
 * which hop sent it (or where packets stop), compared with the server's own distance.
 *
 * Every attempt is a probe() of the one engine with SocketHooks that set options on its socket:
 *  1. SYN sweep: SYNs with TTL 1, 2, … (in small parallel batches) until one connects; routers
 *     answer the others with ICMP time exceeded, which IP_RECVERR puts on the connecting socket's
 *     error queue with the router's address. The first TTL that connects is the server's distance.
 *  2. TTL-limited replay: the failing exchange again, on a fresh connection with a full-TTL
 *     handshake, the packet that drew the answer sent with TTL k = 1 … distance; and IP_MINTTL
 *     brackets for the TTL the server's SYN-ACK arrives with.
 *  3. IP_MINTTL brackets for the TTL the answer itself arrives with, around the hops the replay
 *     pointed at.
 *  As root, an AF_PACKET capture reads the SYN-ACK's and the answer's TTL, IP ID and window of a
 *  full-TTL replay as well. Without the native module only the timing fallback is left.
 * Every attempt is bounded by the remaining budget (`timeoutMs`, 2 s by default), and attempts of a
 * round run in parallel, so locate costs a few round trips plus the longest wait, not their sum.
 */
import { setMaxListeners } from 'node:events';
import { Socket } from 'node:net';
import type { Observation, Phase, TimelineEvent } from '../diagnose/observation.js';
import {
  LOCATE_SCHEMA,
  type LocateAnswer,
  type LocateMeasurements,
  type LocateResult,
  type MethodNotRun,
  type PacketFacts,
  type PathHop,
  type ReplayStep,
  type StepResult,
} from '../diagnose/locate-types.js';
import { locateTrigger, type LocateTrigger } from '../diagnose/locate-trigger.js';
import { judge } from '../diagnose/locate-verdict.js';
import { probe } from './probe.js';
import { loadNative, type CapturedPacket, type IcmpReport, type Native } from './native/index.js';
import type { HookPoint, ProbeOptions, SocketHooks, Target } from './types.js';

export const LOCATE_TIMEOUT_MS = 2_000;
/** A TTL sweep stops here (traceroute's default maximum is 30). */
const MAX_HOPS = 30;
/**
 * SYNs of the sweep sent at once: 2 first (a refusing or resetting box is usually near, and every
 * SYN past it draws one more answer, which for ICMP counts against the router's rate limit), then 4.
 */
const SWEEP_FIRST_BATCH = 2;
const SWEEP_BATCH = 4;
/** Attempts in flight at once. */
const MAX_PARALLEL = 24;
/**
 * How long an attempt waits for an answer that may never come: a multiple of what the original
 * probe saw, never below this floor (timer and scheduling jitter on a busy machine), never past
 * the budget. A wait that is too short would read a late answer as silence.
 */
const MIN_WAIT_MS = 250;
const INITIAL_TTLS = [64, 128, 255] as const;

export interface LocateOptions {
  timeoutMs: number;
}

/** Runs locate for a finished observation; never throws, always ends within about timeoutMs. */
export async function locate(target: Target, options: ProbeOptions, original: Observation, locateOptions: LocateOptions, signal?: AbortSignal): Promise<LocateResult> {
  const started = performance.now();
  const elapsed = (): number => Math.round((performance.now() - started) * 1000) / 1000;
  const trigger = locateTrigger(original);
  if (trigger === null || original.address === null || original.family === null) {
    return { schema: LOCATE_SCHEMA, ran: false, durationMs: elapsed(), reason: 'nothing to locate: the probe ended without an RST, an unanswered FIN or silence', notRun: [] };
  }
  const timing = trigger.rttMs !== null && trigger.answerAfterMs !== null ? { rttMs: trigger.rttMs, answerAfterMs: trigger.answerAfterMs } : null;
  const base: LocateMeasurements = {
    answer: trigger.answer,
    phase: trigger.phase,
    family: original.family,
    address: original.address,
    serverHops: null,
    path: [],
    replay: [],
    answerTtl: null,
    serverTtl: null,
    capture: null,
    timing,
  };
  const notRun: MethodNotRun[] = [];
  const loaded = await loadNative();
  if (!loaded.ok) {
    const reason = `not available: ${loaded.reason}`;
    for (const method of ['syn_sweep', 'ttl_replay', 'min_ttl', 'capture'] as const) notRun.push({ method, reason });
    if (timing === null) notRun.push({ method: 'timing', reason: 'not available: the original probe has no round trip and answer delay to compare' });
    return { schema: LOCATE_SCHEMA, ran: true, durationMs: elapsed(), verdict: judge(base), notRun, measurements: base };
  }
  // every attempt listens on the stop signal: one child signal for this run, with room for all of them
  const child = new AbortController();
  setMaxListeners(4 * MAX_PARALLEL, child.signal);
  const onAbort = (): void => child.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) child.abort(signal.reason);
  const run = new LocateRun(target, options, original, trigger, loaded.native, started + locateOptions.timeoutMs, child.signal);
  let measurements: LocateMeasurements;
  try {
    measurements = await run.measure(base, notRun);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  return { schema: LOCATE_SCHEMA, ran: true, durationMs: elapsed(), verdict: judge(measurements), notRun, measurements };
}

/** What one attempt is: which socket options, set where. */
interface AttemptSpec {
  /** options set on a descriptor of our own before the SYN */
  beforeConnect?: (fd: number) => void;
  /** options set on the engine's socket at a hook point */
  at?: { point: HookPoint; apply: (fd: number) => void };
  /** send the original payload (false: connect only) */
  exchange: boolean;
}

interface AttemptResult {
  obs: Observation;
  icmp: IcmpReport[];
  localPort: number | null;
}

class LocateRun {
  private readonly family: 4 | 6;
  private readonly waitMs: number;

  constructor(
    private readonly target: Target,
    private readonly options: ProbeOptions,
    private readonly original: Observation,
    private readonly trigger: LocateTrigger,
    private readonly native: Native,
    private readonly deadline: number,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.family = original.family ?? 4;
    // the answer took answerAfterMs in the original; a few times that (or the round trip) is when it is not coming
    const basis = Math.max(trigger.answerAfterMs ?? 0, trigger.rttMs ?? 0);
    this.waitMs = Math.max(MIN_WAIT_MS, 4 * basis + 50);
  }

  private remaining(): number {
    return this.deadline - performance.now();
  }

  /** The wait for one round, shortened to what the budget has left. */
  private wait(): number {
    return Math.max(1, Math.min(this.waitMs, this.remaining()));
  }

  /** The hook point where the packet that drew the answer leaves, or null when nothing we sent drew it. */
  private replayPoint(): HookPoint | 'syn' | null {
    const phase: Phase = this.trigger.phase;
    if (phase === 'connect') return 'syn';
    if (phase === 'tls') return 'connected';
    if (phase === 'send' || phase === 'reply') return 'send';
    if (phase === 'resume') return 'resume';
    return null; // banner, idle: the answer came without a packet of ours to limit
  }

  private needsIdle(): boolean {
    return this.trigger.phase === 'resume' || this.trigger.phase === 'idle';
  }

  async measure(m: LocateMeasurements, notRun: MethodNotRun[]): Promise<LocateMeasurements> {
    const point = this.replayPoint();
    if (this.needsIdle()) {
      const idleMs = this.original.options.idleMs ?? 0;
      if (this.remaining() < idleMs + MIN_WAIT_MS) {
        const reason = `not run: the answer came after a ${Math.round(idleMs / 1000)} s idle hold, which every replay must repeat; give --locate-timeout more than that`;
        notRun.push({ method: 'ttl_replay', reason }, { method: 'min_ttl', reason }, { method: 'capture', reason });
        const swept = await this.sweep();
        return { ...m, serverHops: swept.serverHops, path: swept.path };
      }
    }

    // round 1: the path and the server's distance
    const swept = await this.sweep();
    m = { ...m, serverHops: swept.serverHops, path: swept.path, icmpAnswer: swept.icmpAnswer };
    if (this.trigger.phase === 'connect') m.replay = swept.steps;
    if (swept.icmpAnswer) {
      // the ICMP message names its sender; bracketing its TTL would only draw more ICMP (routers rate-limit it)
      notRun.push({ method: 'min_ttl', reason: 'not needed: the refusal was an ICMP message, which names its sender' }, { method: 'capture', reason: 'not needed: the refusal was an ICMP message' });
      return m;
    }
    if (this.signal?.aborted) return m;

    // round 2: replay (and the server's SYN-ACK TTL), with a capture of a full-TTL replay as root
    const capture = this.openCapture(notRun);
    const reference = capture ? this.attempt({ exchange: point !== 'syn' }) : null;
    const hops = m.serverHops ?? Math.min(MAX_HOPS, swept.steps.length + 1);
    const replay =
      point === null || point === 'syn'
        ? Promise.resolve(null)
        : Promise.all(range(1, hops).map(async (ttl): Promise<ReplayStep> => ({ ttl, result: this.classify(await this.ttlAttempt(point, ttl), point) })));
    if (point === null) notRun.push({ method: 'ttl_replay', reason: `not run: the ${m.answer === 'reset' ? 'RST' : 'FIN'} came before we sent anything, so there is no packet to limit` });
    const serverTtl = m.serverHops === null || m.answer === 'silence' ? Promise.resolve(null) : this.serverTtl(m.serverHops);
    // after an idle hold a third round would repeat the hold: bracket the answer's TTL now, over every hop
    const early = this.needsIdle() && m.answer !== 'silence' ? this.answerTtl(m, point) : Promise.resolve(null);
    const [steps, sTtl, ref, earlyTtl] = await Promise.all([replay, serverTtl, reference, early]);
    if (steps) m.replay = steps;
    m.serverTtl = sTtl;
    m.answerTtl = earlyTtl;

    // round 3: the answer's own arrival TTL, around the hops the replay pointed at
    if (m.answer === 'silence') {
      notRun.push({ method: 'min_ttl', reason: 'not needed: silence has no packet whose TTL could be read' });
    } else if (!this.needsIdle() && !this.signal?.aborted) {
      if (this.remaining() < MIN_WAIT_MS / 2) notRun.push({ method: 'min_ttl', reason: 'not run: the time for locate (--locate-timeout) was spent before the answer\'s TTL could be bracketed' });
      else m.answerTtl = await this.answerTtl(m, point);
    }
    if (capture) {
      const packets = capture.finish();
      m.capture = ref?.localPort ? this.fromCapture(packets, ref.localPort) : { synAck: null, answer: null };
    }
    return m;
  }

  /** SYNs with TTL 1, 2, … in batches until one connects (or is answered), or the budget ends. */
  private async sweep(): Promise<{ serverHops: number | null; path: PathHop[]; steps: ReplayStep[]; icmpAnswer: { from: string; type: number; code: number } | null }> {
    const path: PathHop[] = [];
    const steps: ReplayStep[] = [];
    let serverHops: number | null = null;
    let icmpAnswer: { from: string; type: number; code: number } | null = null;
    for (let first = 1; first <= MAX_HOPS && this.remaining() > 0 && !this.signal?.aborted; ) {
      const size = first === 1 ? SWEEP_FIRST_BATCH : SWEEP_BATCH;
      const batch = range(first, Math.min(MAX_HOPS, first + size - 1));
      first += size;
      const results = await Promise.all(
        batch.map(async (ttl) => {
          const result = await this.attempt({
            beforeConnect: (fd) => {
              this.native.setRecvErr(fd, this.family);
              this.native.setTtl(fd, this.family, ttl);
            },
            exchange: false,
          });
          return { ttl, result };
        }),
      );
      let done = false;
      for (const { ttl, result } of results) {
        const step = this.classify(result, 'syn');
        const expired = result.icmp.find((r) => r.timeExceeded);
        if (!done) {
          steps.push({ ttl, result: step });
          if (step === 'reply') serverHops = ttl;
          // ECONNREFUSED from an ICMP error, not an RST: the error queue names its sender
          const refusal = result.icmp.find((r) => !r.timeExceeded);
          if (step === 'answer' && refusal) icmpAnswer = { from: refusal.from, type: refusal.type, code: refusal.code };
          if (step === 'died' || step === 'silence') path.push({ hop: ttl, address: expired?.from ?? null });
        }
        if (step === 'reply' || step === 'answer') done = true;
      }
      // a whole batch without any answer: nothing further on answers either (a drop, or routers without ICMP)
      if (done || results.every(({ result }) => this.classify(result, 'syn') === 'silence')) break;
    }
    return { serverHops, path, steps, icmpAnswer };
  }

  /** The TTL of the server's SYN-ACK: connects with IP_MINTTL at the values a server at this distance arrives with. */
  private async serverTtl(serverHops: number): Promise<number | null> {
    const candidates = INITIAL_TTLS.flatMap((initial) => [initial - serverHops + 1, initial - serverHops + 2]).filter((m) => m >= 1 && m <= 255);
    const tried = await Promise.all(
      candidates.map(async (min) => {
        const result = await this.attempt({ beforeConnect: (fd) => this.native.setMinTtl(fd, this.family, min), exchange: false });
        return { min, answered: this.classify(result, 'syn') === 'reply' };
      }),
    );
    return arrivalTtl(tried);
  }

  /** The TTL of the answer: the replay with IP_MINTTL at values around the hops it could come from. */
  private async answerTtl(m: LocateMeasurements, point: HookPoint | 'syn' | null): Promise<number | null> {
    const kmin = m.replay.filter((s) => s.result === 'answer').map((s) => s.ttl).sort((a, b) => a - b)[0];
    // a sender at hop h arrives with initial - h + 1; the replay says h is kmin - 1 or kmin (without it: any hop up to the server)
    const hops = kmin !== undefined ? [kmin - 1, kmin] : range(1, m.serverHops ?? Math.max(1, m.path.length + 1));
    const candidates = new Set<number>();
    for (const initial of INITIAL_TTLS) {
      for (const h of hops) {
        if (h < 1) continue;
        for (const min of [initial - h + 1, initial - h + 2]) if (min >= 1 && min <= 255) candidates.add(min);
      }
    }
    if (this.remaining() <= 0) return null;
    const tried = await Promise.all(
      [...candidates].map(async (min) => {
        const apply = (fd: number): void => this.native.setMinTtl(fd, this.family, min);
        const result =
          point === 'syn' ? await this.attempt({ beforeConnect: apply, exchange: false }) : await this.attempt({ at: { point: point ?? 'connected', apply }, exchange: true });
        return { min, answered: this.classify(result, point ?? 'connected') === 'answer' };
      }),
    );
    return arrivalTtl(tried);
  }

  private ttlAttempt(point: HookPoint, ttl: number): Promise<AttemptResult> {
    return this.attempt({
      at: {
        point,
        apply: (fd) => {
          // IP_RECVERR turns the router's ICMP time exceeded into an error on the socket at once
          this.native.setRecvErr(fd, this.family);
          this.native.setTtl(fd, this.family, ttl);
        },
      },
      exchange: true,
    });
  }

  /** One probe() of the engine, pinned to the original address, with the spec's socket options. */
  private async attempt(spec: AttemptSpec): Promise<AttemptResult> {
    await this.slot();
    let keep = -1;
    try {
      const wait = this.wait();
      const hooks: SocketHooks = {};
      if (spec.beforeConnect) {
        const before = spec.beforeConnect;
        hooks.create = (family) => {
          const fd = this.native.tcpSocket(family);
          before(fd);
          // a second descriptor keeps the socket (and its error queue) alive after Node closes its own
          keep = this.native.dup(fd);
          return new Socket({ fd, allowHalfOpen: true, readable: true, writable: true });
        };
      }
      if (spec.at) {
        const { point, apply } = spec.at;
        hooks.at = (at, raw) => {
          const fd = socketFd(raw);
          if (at === point && fd !== null) apply(fd);
        };
      }
      const address = this.original.address!;
      const family = this.family;
      const options: ProbeOptions = {
        ...this.options,
        payload: spec.exchange ? this.options.payload : { kind: 'none' },
        lookup: async () => [{ address, family }],
        family,
        connectTimeoutMs: wait,
        tlsTimeoutMs: wait,
        replyTimeoutMs: spec.exchange ? wait : 1,
        idleMs: spec.exchange && this.needsIdle() ? this.original.options.idleMs : null,
        keepaliveMs: null,
        expect: null,
        hooks,
      };
      const obs = await probe(this.target, options, this.signal);
      const icmp = keep >= 0 ? this.native.readErrors(keep) : [];
      const connected = obs.events.find((e) => e.kind === 'connected');
      return { obs, icmp, localPort: connected && connected.kind === 'connected' ? connected.localPort : null };
    } catch {
      // a socket option the kernel refused: this attempt tells nothing
      return { obs: { ...this.original, events: [] }, icmp: [], localPort: null };
    } finally {
      if (keep >= 0) this.native.close(keep);
      this.release();
    }
  }

  /** What came back to an attempt, after the point where its options applied. */
  private classify(result: AttemptResult, point: HookPoint | 'syn'): StepResult {
    const events = result.obs.events.filter((e) => relevant(e, point));
    for (const e of events) {
      if (e.kind === 'reset') return this.trigger.answer === 'reset' ? 'answer' : 'other';
      if (e.kind === 'error') {
        if (e.code === 'ECONNREFUSED') return this.trigger.answer === 'reset' ? 'answer' : 'other';
        if (e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH') return result.icmp.length === 0 || result.icmp.some((r) => r.timeExceeded) ? 'died' : 'other';
        if (e.code === 'ETIMEDOUT') return 'silence';
        return 'other';
      }
      if (e.kind === 'fin') return this.trigger.answer === 'fin' ? 'answer' : 'other';
      if (e.kind === 'received' || e.kind === 'connected') return 'reply';
      if (e.kind === 'timeout') return 'silence';
    }
    return events.length === 0 && point === 'syn' ? 'silence' : 'other';
  }

  private openCapture(notRun: MethodNotRun[]): { finish(): CapturedPacket[] } | null {
    if (process.getuid?.() !== 0) {
      notRun.push({ method: 'capture', reason: 'not available: reading packet headers needs root (an AF_PACKET socket needs CAP_NET_RAW)' });
      return null;
    }
    let capture: ReturnType<Native['openCapture']>;
    try {
      capture = this.native.openCapture();
    } catch (error) {
      notRun.push({ method: 'capture', reason: `not available: ${(error as Error).message}` });
      return null;
    }
    const { address } = this.original;
    const port = this.original.port;
    const kept: CapturedPacket[] = [];
    const take = (): void => {
      for (const p of capture.drain()) if (!p.outgoing && p.src === address && p.srcPort === port && kept.length < 10_000) kept.push(p);
    };
    const timer = setInterval(take, 5);
    return {
      finish() {
        clearInterval(timer);
        take();
        capture.close();
        return kept;
      },
    };
  }

  private fromCapture(packets: CapturedPacket[], localPort: number): { synAck: PacketFacts | null; answer: PacketFacts | null } {
    const mine = packets.filter((p) => p.dstPort === localPort);
    const facts = (p: CapturedPacket | undefined): PacketFacts | null => (p ? { ttl: p.ttl, ipId: p.ipId, window: p.window } : null);
    const answer: LocateAnswer = this.trigger.answer;
    return {
      synAck: facts(mine.find((p) => p.flags.syn && p.flags.ack)),
      answer: answer === 'silence' ? null : facts(mine.find((p) => (answer === 'reset' ? p.flags.rst : p.flags.fin))),
    };
  }

  private inFlight = 0;
  private readonly queue: (() => void)[] = [];

  private slot(): Promise<void> {
    if (this.inFlight < MAX_PARALLEL) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push(resolve));
  }

  private release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.inFlight--;
  }
}

/** Events that belong to what the attempt tested: the connect for SYN attempts, what follows the hook point otherwise. */
function relevant(e: TimelineEvent, point: HookPoint | 'syn'): boolean {
  if (point === 'syn') return e.phase === 'connect';
  if (point === 'connected') return e.phase !== 'resolve' && e.phase !== 'connect';
  if (point === 'send') return e.phase === 'send' || e.phase === 'reply';
  return e.phase === 'resume';
}

/** The arrival TTL from IP_MINTTL tries: the largest minimum still answered, when one more was tried and not. */
export function arrivalTtl(tried: readonly { min: number; answered: boolean }[]): number | null {
  const answered = tried.filter((t) => t.answered).map((t) => t.min);
  if (answered.length === 0) return null;
  const top = Math.max(...answered);
  if (top === 255) return 255;
  return tried.some((t) => t.min === top + 1 && !t.answered) ? top : null;
}

function socketFd(raw: Socket): number | null {
  const fd = (raw as unknown as { _handle?: { fd?: number } })._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : null;
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}
