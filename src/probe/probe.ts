/**
 * The socket observer: connects to one address, runs the phases (connect, TLS, banner, send,
 * reply, idle, resume) and writes what it sees on a timeline. It never rejects because of what
 * the network or the peer did; every phase has a limit, and a guard timer ends the whole probe
 * at the sum of the limits plus a small slack, whatever the peer does.
 */
import { replyStatus, statusMatches } from './http-options.js';
import type { Socket } from 'node:net';
import {
  OBSERVATION_SCHEMA,
  type Observation,
  type ObservedOptions,
  type Phase,
  type ResolvedAddress,
} from '../diagnose/observation.js';
import { BANNER_QUIET_MS, REPLY_QUIET_MS, probeBudgetMs } from './defaults.js';
import { bannerWait, isConnectCheck, type BannerWait } from './banner-wait.js';
import { payloadBytes } from './payload.js';
import { matchesPattern } from '../pattern.js';
import { SCHEMES } from './target.js';
import { Recorder } from './recorder.js';
import { Connection, StreamWatch, resolveLiteral, resolveTarget, zeroWrite, type Resolution } from './connection.js';
import { armGuard, disarmGuard, Guarded } from './guard.js';
import { offAbort, onAbort, type AbortHub, type AbortWatcher } from './abort-hub.js';
import { isoNow } from './clock.js';
import type { Payload, ProbeOptions, Target } from './types.js';

/** How often a write-side check looks for the RST that answers a write after the peer's FIN. */
const RST_POLL_MS = 2;

export function probe(target: Target, options: ProbeOptions, signal?: AbortSignal): Promise<Observation> {
  // not an async function: one promise less per probe; a throw still arrives as a rejection
  try {
    return new ProbeRun(target, options, signal).execute(null);
  } catch (error) {
    return Promise.reject(error);
  }
}

/** One observation per resolved address (a bad address behind a round-robin name shows up). */
export async function probeAll(target: Target, options: ProbeOptions, signal?: AbortSignal): Promise<Observation[]> {
  const first = new ProbeRun(target, options, signal);
  const resolution = await first.resolve();
  if (resolution.addresses.length <= 1) return [await first.execute(resolution)];
  return Promise.all(
    resolution.addresses.map((address, index) =>
      index === 0
        ? first.execute({ ...resolution, chosen: address })
        : // a later run's clock starts now: its resolve event is at its time zero
          new ProbeRun(target, options, signal).execute({ ...resolution, chosen: address, resolvedAt: 0 }),
    ),
  );
}

class ProbeRun extends Guarded implements AbortWatcher {
  private readonly rec = new Recorder();
  private readonly startedAt = isoNow();
  private readonly payload: Payload;
  private readonly bytes: Uint8Array;
  private stopped: 'guard' | 'abort' | null = null;
  /** the connection in progress: a stop interrupts it */
  private conn: Connection | null = null;
  private currentPhase: Phase = 'resolve';
  private address: ResolvedAddress | null = null;
  /** When the last payload went out: a reply's timeout counts from there. */
  private sentAt = 0;
  /** How long the TCP connect took (the round trip the banner wait scales with). */
  private connectMs = 0;
  /** the TCP socket under the stream, for SocketHooks */
  private raw: Socket | null = null;
  abortPrev: AbortWatcher | null = null;
  abortNext: AbortWatcher | null = null;
  abortHub: AbortHub | null = null;

  constructor(
    private readonly target: Target,
    private readonly options: ProbeOptions,
    private readonly signal: AbortSignal | undefined,
  ) {
    super();
    this.payload = options.payload ?? target.defaultPayload;
    this.bytes = payloadBytes(this.payload, target, options.http ?? null);
    this.rec.listener = options.onEvent ?? null;
  }

  resolve(): Promise<Resolution> {
    return resolveTarget(this.target, { family: this.options.family, timeoutMs: this.options.connectTimeoutMs, lookup: this.options.lookup }, this.signal, () => this.rec.now());
  }

  async execute(given: Resolution | null): Promise<Observation> {
    // the run itself is what the guard and the signal tell: no closure, no timer per probe
    armGuard(this, probeBudgetMs(this.options));
    if (this.signal) onAbort(this.signal, this);
    try {
      if (this.signal?.aborted) this.stop('abort');
      // an IP literal needs no lookup: no promise, no timer (most targets of a large check)
      const resolution = given ?? resolveLiteral(this.target, this.options.family, this.rec.now()) ?? (await this.resolve());
      if (resolution.failure) {
        this.rec.add('resolve', resolution.failure, resolution.resolvedAt);
      } else {
        this.rec.add('resolve', { kind: 'resolved', addresses: resolution.addresses }, resolution.resolvedAt);
      }
      if (resolution.chosen && !this.stopped) {
        this.address = resolution.chosen;
        await this.converse(resolution.chosen);
      }
    } finally {
      disarmGuard(this);
      if (this.signal) offAbort(this.signal, this);
    }
    return this.observation();
  }

  guardExpired(): void {
    this.stop('guard');
  }

  signalAborted(): void {
    this.stop('abort');
  }

  private stop(reason: 'guard' | 'abort'): void {
    if (this.stopped) return;
    this.stopped = reason;
    if (reason === 'guard') this.rec.add(this.currentPhase, { kind: 'timeout', limitMs: probeBudgetMs(this.options) });
    // stopped from outside: say so on the timeline, so that nothing is concluded from its silence
    else this.rec.add(this.currentPhase, { kind: 'interrupted', reason: typeof this.signal?.reason === 'string' ? this.signal.reason : 'aborted' });
    this.conn?.interrupt();
  }

  /** Connect, TLS, banner, send, reply, idle, resume; then close if the peer has not. */
  private async converse(address: ResolvedAddress): Promise<void> {
    const conn = new Connection(this.target, this.rec, {
      connectTimeoutMs: this.options.connectTimeoutMs,
      tlsTimeoutMs: this.options.tlsTimeoutMs,
      servername: this.options.servername,
      alpn: this.payload.kind === 'http' ? ['http/1.1'] : null,
      createSocket: this.options.hooks?.create ? () => this.options.hooks!.create!(address.family) : undefined,
      tlsTrust: this.options.tlsTrust ?? null,
    });
    this.raw = conn.raw;
    this.conn = conn;
    try {
      this.currentPhase = 'connect';
      if (!(await conn.connect(address))) return;
      this.options.hooks?.at?.('connected', conn.raw);
      this.connectMs = conn.connectMs;
      if (this.target.tls) {
        this.currentPhase = 'tls';
        if (!(await conn.handshake())) return;
      }
      const raw = conn.raw;
      const hasPayload = this.bytes.length > 0;
      // Nagle's delay matters only to what we write: a connect-only probe writes nothing
      const watch = conn.watchStream(hasPayload);

      this.phase(watch, 'banner');
      const speaksFirst = SCHEMES[this.target.scheme].speaksFirst;
      // With nothing to send on a client-first scheme (and no --expect waiting for words), the
      // settle is the whole check: a peer that accepts and then closes or resets does so within
      // it (see banner-wait.ts), so a connect check ends a few round trips after connecting
      // instead of at the reply timeout. --banner-timeout sets the wait instead.
      const connectOnly = isConnectCheck(this.bytes.length, speaksFirst, this.options.expect);
      if (hasPayload || connectOnly || this.options.bannerTimeoutMs !== null) {
        const wait = bannerWait(speaksFirst, this.options.bannerTimeoutMs, this.connectMs, hasPayload ? null : this.options.replyTimeoutMs);
        this.rec.add('banner', { kind: 'banner_wait', limitMs: wait.limitMs, basis: wait.basis });
        const start = this.rec.now();
        // a connect check's usual end: nothing arrives within the settle, and the waits here
        // decide it (a timer that fires before the deadline by our clock, as Node's loop-time
        // timers do on a busy loop, waits out the rest here too); anything else (a byte, a
        // close) goes through the read loop. The common path never enters readPhase, so V8 does
        // not meet it cold, mid-run, in optimised code (a deoptimisation of converse).
        let settled = false;
        const deadline = start + wait.limitMs;
        while (connectOnly && this.alive(watch) && watch.lastDataAt === null) {
          const now = this.rec.now();
          if (now >= deadline) {
            settled = true;
            break;
          }
          await watch.next(deadline - now);
        }
        // a close that ended the settle needs no read loop (it would return at once)
        if (!settled && this.alive(watch)) await this.readPhase(watch, wait, start);
      } else {
        // a server-first scheme with nothing to send: its banner is the reply
        await this.readPhase(watch, 'reply-as-banner');
      }
      if (this.alive(watch) && hasPayload && (await this.send(watch, 'send'))) {
        this.phase(watch, 'reply');
        await this.readPhase(watch, 'reply', this.sentAt);
      }
      this.checkExpectation(watch);

      if (this.options.idleMs !== null && this.alive(watch)) {
        await this.idle(watch, raw, this.options.idleMs);
        if (!watch.dead && !this.stopped) await this.resume(watch, raw);
      }
      if (!watch.dead && !this.stopped) this.rec.add(this.currentPhase, { kind: 'closed_by_us' });
    } finally {
      this.conn = null;
      conn.destroy();
    }
  }

  private phase(watch: StreamWatch, phase: Phase): void {
    watch.phase = phase;
    this.currentPhase = phase;
  }

  private alive(watch: StreamWatch): boolean {
    return !watch.dead && !watch.finSeen && !this.stopped;
  }

  /**
   * Reads until the phase is over. A banner (a BannerWait): up to its limit for the first byte,
   * then until BANNER_QUIET_MS after the banner's last byte, at most its bannerMs after the first.
   * 'reply' (and a banner that is the whole reply, when there is nothing to send): up to the
   * reply timeout for the first byte (else a timeout event), then until REPLY_QUIET_MS of quiet,
   * and never longer than the reply timeout after the first byte.
   */
  private async readPhase(watch: StreamWatch, mode: BannerWait | 'reply' | 'reply-as-banner', start: number = this.rec.now()): Promise<void> {
    const banner = typeof mode === 'object' ? mode : null;
    const firstLimit = banner ? banner.limitMs : this.options.replyTimeoutMs;
    const limit = banner ? banner.bannerMs : this.options.replyTimeoutMs;
    const quiet = banner ? BANNER_QUIET_MS : Math.min(REPLY_QUIET_MS, this.options.replyTimeoutMs);
    let firstByteAt: number | null = null;
    for (;;) {
      if (!this.alive(watch)) return;
      const now = this.rec.now();
      const last = watch.lastDataAt !== null && watch.lastDataAt >= start ? watch.lastDataAt : null;
      if (last !== null && firstByteAt === null) firstByteAt = last;
      const deadline = firstByteAt === null ? start + firstLimit : Math.min(last! + quiet, firstByteAt + limit);
      if (now >= deadline) {
        // no reply at all, or a reply still flowing when its time was up (a flood, a slow trickle)
        const cutShort = firstByteAt !== null && firstByteAt + limit < last! + quiet;
        if (mode === 'reply' && (firstByteAt === null || cutShort)) this.rec.add(watch.phase, { kind: 'timeout', limitMs: limit });
        return;
      }
      await watch.next(deadline - now);
    }
  }

  /**
   * Writes the payload. `sent` is recorded once the bytes are in the kernel: at once for the
   * usual small payload (the write syscall happens inside write()), or when a peer that had
   * stopped reading finally took them. A write that cannot finish within the reply timeout is a
   * timeout of the send phase. Returns whether the payload went out.
   */
  private async send(watch: StreamWatch, phase: Phase): Promise<boolean> {
    this.phase(watch, phase);
    const calledAt = this.rec.now();
    let flushed = false;
    const markSent = (t: number): void => {
      flushed = true;
      watch.beforeData = null;
      this.sentAt = t;
      this.rec.add(phase, { kind: 'sent', bytes: this.bytes.length }, t);
    };
    // write errors (EPIPE, ECONNRESET) also arrive as the stream's 'error' event, recorded there
    if (this.raw) this.options.hooks?.at?.(phase === 'resume' ? 'resume' : 'send', this.raw);
    watch.stream.write(this.bytes, (error) => {
      if (error || flushed) return;
      markSent(this.rec.now());
      watch.wake();
    });
    if (!flushed && watch.stream.writableLength === 0) markSent(calledAt);
    // A TLS socket encrypts and writes at once but calls back only when libuv's write request
    // completes, which can come after the data event of a fast peer's reply: a reply means our
    // bytes went out when we wrote them, and it belongs to the reply phase, not the send phase.
    if (!flushed && this.target.tls) {
      watch.beforeData = () => {
        markSent(calledAt);
        if (phase === 'send') this.phase(watch, 'reply');
      };
    }
    const deadline = calledAt + this.options.replyTimeoutMs;
    for (;;) {
      if (flushed) return true;
      if (watch.dead || this.stopped) return false;
      const now = this.rec.now();
      if (now >= deadline) {
        this.rec.add(phase, { kind: 'timeout', limitMs: this.options.replyTimeoutMs });
        return false;
      }
      await watch.next(deadline - now);
    }
  }

  private checkExpectation(watch: StreamWatch): void {
    if (this.stopped) return;
    const statuses = this.options.expectStatus;
    if (statuses && statuses.length > 0) {
      // --expect-status: the reply's status line decides; no HTTP reply at all does not match
      const status = replyStatus(Buffer.concat(watch.kept).toString('latin1'));
      const pattern = `status ${statuses.map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}-${hi}`)).join(',')}`;
      this.rec.add(watch.phase, { kind: status !== null && statusMatches(status, statuses) ? 'expect_matched' : 'expect_failed', pattern });
    }
    if (this.options.expect === null) return;
    const text = Buffer.concat(watch.kept).toString('latin1');
    // compiled once per pattern (src/pattern.ts); a bad one from an API caller cannot match
    const matched = matchesPattern(this.options.expect, text);
    this.rec.add(watch.phase, { kind: matched ? 'expect_matched' : 'expect_failed', pattern: this.options.expect });
  }

  /** Holds the connection open and silent, watching who closes it and how. */
  private async idle(watch: StreamWatch, raw: Socket, idleMs: number): Promise<void> {
    this.phase(watch, 'idle');
    const keepalive = this.options.keepaliveMs;
    if (keepalive !== null) raw.setKeepAlive(true, keepalive);
    this.rec.add('idle', { kind: 'idle_start', durationMs: idleMs, keepaliveMs: keepalive });
    const deadline = this.rec.now() + idleMs;
    for (;;) {
      if (!this.alive(watch)) break;
      const now = this.rec.now();
      if (now >= deadline) break;
      await watch.next(deadline - now);
    }
    if (!this.stopped) this.rec.add('idle', { kind: 'idle_end' });
  }

  /**
   * Sends the payload again after the idle hold. If the peer closed (FIN) while we were idle,
   * the write itself still succeeds (the kernel accepts it) and a peer that closed for good
   * answers with RST; reading has stopped at the FIN, so zero-byte writes (no packet goes out)
   * poll for that RST, which the kernel reports as EPIPE: exactly what a pooled client would see.
   */
  private async resume(watch: StreamWatch, raw: Socket): Promise<void> {
    if (this.bytes.length === 0) {
      this.phase(watch, 'resume');
      if (!watch.finSeen) await this.readPhase(watch, 'reply');
      return;
    }
    if (!(await this.send(watch, 'resume'))) return;
    if (!watch.finSeen) {
      await this.readPhase(watch, 'reply', this.sentAt);
      return;
    }
    const deadline = this.rec.now() + this.options.replyTimeoutMs;
    while (!watch.dead && !this.stopped && this.rec.now() < deadline) {
      const failed = await zeroWrite(raw);
      if (failed) {
        watch.fail(failed);
        return;
      }
      await watch.next(RST_POLL_MS);
    }
    if (!watch.dead && !this.stopped) this.rec.add('resume', { kind: 'timeout', limitMs: this.options.replyTimeoutMs });
  }

  private observation(): Observation {
    const options: ObservedOptions = {
      send: this.payload.kind,
      sendBytes: this.bytes.length,
      connectTimeoutMs: this.options.connectTimeoutMs,
      replyTimeoutMs: this.options.replyTimeoutMs,
      idleMs: this.options.idleMs,
      keepaliveMs: this.options.keepaliveMs,
      expect: this.options.expect,
      tls: this.target.tls,
    };
    // added, not spread into the literal: a spread makes V8 build every probe's options key by key
    if (this.target.tls) options.tlsVerify = !this.options.tlsTrust?.insecure;
    return {
      schema: OBSERVATION_SCHEMA,
      target: this.target.input,
      host: this.target.host,
      port: this.target.port,
      scheme: this.target.scheme,
      address: this.address?.address ?? null,
      family: this.address?.family ?? null,
      startedAt: this.startedAt,
      durationMs: this.rec.now(),
      options,
      events: this.rec.events,
    };
  }
}
