/**
 * The socket observer: connects to one address, runs the phases (connect, TLS, banner, send,
 * reply, idle, resume) and writes what it sees on a timeline. It never rejects because of what
 * the network or the peer did; every phase has a limit, and a guard timer ends the whole probe
 * at the sum of the limits plus a small slack, whatever the peer does.
 */
import { isIP, Socket } from 'node:net';
import { checkServerIdentity, connect as tlsConnect, type ConnectionOptions, type TLSSocket, type PeerCertificate } from 'node:tls';
import { lookup as dnsLookup } from 'node:dns/promises';
import {
  OBSERVATION_SCHEMA,
  type AddressFamily,
  type Observation,
  type ObservedOptions,
  type Phase,
  type ResolvedAddress,
  type TlsInfo,
} from '../diagnose/observation.js';
import { BANNER_QUIET_MS, KEPT_REPLY_BYTES, REPLY_QUIET_MS, probeBudgetMs } from './defaults.js';
import { bannerWait, type BannerWait } from './banner-wait.js';
import { payloadBytes } from './payload.js';
import { SCHEMES } from './target.js';
import { phaseTimer } from './phase-timer.js';
import { Recorder, type EventBody } from './recorder.js';
import { certificateErrorText } from '../knowledge/certificate-errors.js';
import type { LookupFn, Payload, ProbeOptions, Target } from './types.js';

/** How often a write-side check looks for the RST that answers a write after the peer's FIN. */
const RST_POLL_MS = 2;

export async function probe(target: Target, options: ProbeOptions, signal?: AbortSignal): Promise<Observation> {
  const run = new ProbeRun(target, options, signal);
  return run.execute(null);
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

interface Resolution {
  addresses: ResolvedAddress[];
  /** the address to connect to; null when resolution failed (already on the timeline) */
  chosen: ResolvedAddress | null;
  /** events of the resolve phase, replayed onto each address's timeline */
  failure: EventBody | null;
  resolvedAt: number;
}

type Wake = 'event' | 'timer' | 'stop';

/** Watches the stream that carries application data (the TLS socket for TLS targets). */
class StreamWatch {
  phase: Phase = 'connect';
  finSeen = false;
  dead = false;
  bytesTotal = 0;
  lastDataAt: number | null = null;
  readonly kept: Buffer[] = [];
  private keptBytes = 0;
  private pending = false;
  private checkingEnd = false;
  private waiter: ((wake: Wake) => void) | null = null;
  /** Runs before a chunk is recorded (see ProbeRun.send). */
  beforeData: (() => void) | null = null;

  constructor(
    readonly stream: Socket,
    raw: Socket,
    private readonly rec: Recorder,
  ) {
    stream.on('data', (chunk: Buffer) => {
      this.beforeData?.();
      const t = rec.now();
      rec.received(this.phase, chunk, t);
      this.bytesTotal += chunk.length;
      this.lastDataAt = t;
      if (this.keptBytes < KEPT_REPLY_BYTES) {
        this.kept.push(chunk.subarray(0, KEPT_REPLY_BYTES - this.keptBytes));
        this.keptBytes += Math.min(chunk.length, KEPT_REPLY_BYTES - this.keptBytes);
      }
      this.wake();
    });
    // libuv reports end-of-stream when the kernel flags a hang-up after a short read, which an
    // RST following data also causes: check whether the socket holds a reset before calling it
    // a FIN (a zero-byte write sends nothing, but fails on a reset socket)
    stream.on('end', () => {
      const t = rec.now();
      const phase = this.phase;
      this.checkingEnd = true;
      void zeroWrite(raw).then((error) => {
        this.checkingEnd = false;
        if (this.dead) return;
        if (error) {
          this.dead = true;
          rec.add(phase, { kind: 'reset', code: 'ECONNRESET' }, t);
        } else {
          this.finSeen = true;
          rec.add(phase, { kind: 'fin' }, t);
        }
        this.wake();
      });
    });
    stream.on('error', (error: NodeJS.ErrnoException) => this.fail(error));
    stream.on('close', () => {
      if (this.checkingEnd) return;
      this.dead = true;
      this.wake();
    });
  }

  fail(error: NodeJS.ErrnoException, t: number = this.rec.now()): void {
    if (this.dead || this.checkingEnd) return;
    this.dead = true;
    // a TLS alert after the handshake (TLS 1.3 servers reject a missing client certificate on the first read) is a TLS failure
    const tlsAlert = /^ERR_SSL_/.test(error.code ?? '');
    this.rec.add(this.phase, tlsAlert ? tlsErrorEvent(error) : socketErrorEvent(error, this.finSeen), t);
    this.wake();
  }

  /** Resolves at the next socket event (or at once if one came since the last call), or after ms. */
  next(ms: number): Promise<Wake> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve('event');
    }
    return new Promise((resolve) => {
      const timer = phaseTimer(() => {
        // a FIN or RST is being told apart right now: its wake() settles this wait as an event
        if (this.checkingEnd) return;
        this.waiter = null;
        resolve('timer');
      }, ms);
      this.waiter = (wake) => {
        timer.clear();
        this.waiter = null;
        resolve(wake);
      };
    });
  }

  wake(wake: Wake = 'event'): void {
    if (this.waiter) this.waiter(wake);
    else this.pending = true;
  }
}

class ProbeRun {
  private readonly rec = new Recorder();
  private readonly startedAt = new Date().toISOString();
  private readonly payload: Payload;
  private readonly bytes: Uint8Array;
  private stopped: 'guard' | 'abort' | null = null;
  private onStop: (() => void) | null = null;
  private currentPhase: Phase = 'resolve';
  private address: ResolvedAddress | null = null;
  /** When the last payload went out: a reply's timeout counts from there. */
  private sentAt = 0;
  /** When the SYN went out, and how long the TCP connect took (the round trip the banner wait scales with). */
  private connectingAt = 0;
  private connectMs = 0;

  constructor(
    private readonly target: Target,
    private readonly options: ProbeOptions,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.payload = options.payload ?? target.defaultPayload;
    this.bytes = payloadBytes(this.payload, target);
  }

  async resolve(): Promise<Resolution> {
    const { host } = this.target;
    const family = this.options.family;
    // isIP accepts an IPv6 zone (fe80::1%eth0)
    const literal = isIP(host);
    let all: ResolvedAddress[];
    try {
      if (literal !== 0) {
        all = [{ address: host, family: literal as AddressFamily }];
      } else {
        const lookup: LookupFn = this.options.lookup ?? defaultLookup;
        all = await withTimeout(lookup(host), this.options.connectTimeoutMs, this.signal);
      }
    } catch (error) {
      const t = this.rec.now();
      if (error instanceof LookupTimeout) {
        return { addresses: [], chosen: null, failure: { kind: 'timeout', limitMs: this.options.connectTimeoutMs }, resolvedAt: t };
      }
      const e = error as NodeJS.ErrnoException;
      return {
        addresses: [],
        chosen: null,
        failure: { kind: 'resolve_failed', code: e.code ?? 'ERESOLVE', message: e.message ?? String(error) },
        resolvedAt: t,
      };
    }
    const t = this.rec.now();
    const usable = family === null ? all : all.filter((a) => a.family === family);
    if (usable.length === 0) {
      const message =
        all.length === 0 ? `${host} has no address` : `${host} has no IPv${family} address (it has ${all.map((a) => a.address).join(', ')})`;
      return { addresses: [], chosen: null, failure: { kind: 'resolve_failed', code: 'ENOTFOUND', message }, resolvedAt: t };
    }
    return { addresses: usable, chosen: usable[0] ?? null, failure: null, resolvedAt: t };
  }

  async execute(given: Resolution | null): Promise<Observation> {
    const guard = setTimeout(() => this.stop('guard'), probeBudgetMs(this.options));
    const onAbort = (): void => this.stop('abort');
    this.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (this.signal?.aborted) this.stopped = 'abort';
      const resolution = given ?? (await this.resolve());
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
      clearTimeout(guard);
      this.signal?.removeEventListener('abort', onAbort);
    }
    return this.observation();
  }

  private stop(reason: 'guard' | 'abort'): void {
    if (this.stopped) return;
    this.stopped = reason;
    if (reason === 'guard') this.rec.add(this.currentPhase, { kind: 'timeout', limitMs: probeBudgetMs(this.options) });
    this.onStop?.();
  }

  /** Connect, TLS, banner, send, reply, idle, resume; then close if the peer has not. */
  private async converse(address: ResolvedAddress): Promise<void> {
    const raw = new Socket({ allowHalfOpen: true });
    raw.on('error', () => undefined); // every error is recorded by the phase that is listening
    try {
      if (!(await this.connect(raw, address))) return;
      let stream: Socket = raw;
      if (this.target.tls) {
        const secured = await this.handshake(raw);
        if (!secured) return;
        stream = secured;
      }
      raw.setNoDelay(true);
      const watch = new StreamWatch(stream, raw, this.rec);
      this.onStop = () => watch.wake('stop');
      const hasPayload = this.bytes.length > 0;

      this.phase(watch, 'banner');
      if (hasPayload) {
        const wait = bannerWait(SCHEMES[this.target.scheme].speaksFirst, this.options.bannerTimeoutMs, this.connectMs);
        this.rec.add('banner', { kind: 'banner_wait', limitMs: wait.limitMs, basis: wait.basis });
        await this.readPhase(watch, wait);
      } else {
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
      this.onStop = null;
      raw.destroy();
    }
  }

  private phase(watch: StreamWatch, phase: Phase): void {
    watch.phase = phase;
    this.currentPhase = phase;
  }

  private alive(watch: StreamWatch): boolean {
    return !watch.dead && !watch.finSeen && !this.stopped;
  }

  private connect(raw: Socket, address: ResolvedAddress): Promise<boolean> {
    this.currentPhase = 'connect';
    return new Promise((resolve) => {
      const finish = (ok: boolean): void => {
        timer.clear();
        raw.removeListener('connect', onConnect);
        raw.removeListener('error', onError);
        this.onStop = null;
        resolve(ok);
      };
      const onConnect = (): void => {
        const t = this.rec.now();
        this.connectMs = t - this.connectingAt;
        this.rec.add('connect', { kind: 'connected', localAddress: raw.localAddress ?? '', localPort: raw.localPort ?? 0 }, t);
        finish(true);
      };
      const onError = (error: NodeJS.ErrnoException): void => {
        this.rec.add('connect', socketErrorEvent(error, false));
        finish(false);
      };
      const timer = phaseTimer(() => {
        this.rec.add('connect', { kind: 'timeout', limitMs: this.options.connectTimeoutMs });
        finish(false);
      }, this.options.connectTimeoutMs);
      this.onStop = () => finish(false);
      raw.once('connect', onConnect);
      raw.once('error', onError);
      raw.connect({ host: address.address, port: this.target.port, family: address.family });
      // Node sends the SYN from a nextTick queued inside connect(); this tick runs right after it
      const connecting = { kind: 'connecting', address: address.address, port: this.target.port, family: address.family } as const;
      process.nextTick(() => {
        this.connectingAt = this.rec.now();
        this.rec.add('connect', connecting, this.connectingAt);
      });
    });
  }

  private handshake(raw: Socket): Promise<TLSSocket | null> {
    this.currentPhase = 'tls';
    const host = this.target.host;
    const servername = this.options.servername ?? (isIP(host) === 0 ? host : undefined);
    const alpn = this.payload.kind === 'http' ? ['http/1.1'] : undefined;
    return new Promise((resolve) => {
      // allowHalfOpen is passed on to the TLSSocket by tls.connect, though @types/node omits it
      const trust = this.options.tlsTrust;
      const tlsOptions: ConnectionOptions & { allowHalfOpen: boolean } = {
        socket: raw,
        // the handshake always completes so that its facts (chain, dates) are recorded; an
        // untrusted certificate is then refused below, unless --insecure
        rejectUnauthorized: false,
        allowHalfOpen: true,
        // the name the certificate must match: --servername, else the host (an IP literal matches IP SANs)
        host,
        ...(servername ? { servername } : {}),
        ...(alpn ? { ALPNProtocols: alpn } : {}),
        ...(trust?.ca ? { ca: trust.ca } : {}),
        ...(trust?.cert ? { cert: trust.cert } : {}),
        ...(trust?.key ? { key: trust.key } : {}),
      };
      const secure = tlsConnect(tlsOptions);
      let done = false;
      const finish = (ok: boolean): void => {
        if (done) return;
        done = true;
        timer.clear();
        secure.removeListener('secureConnect', onSecure);
        secure.removeListener('end', onEnd);
        this.onStop = null;
        if (!ok) secure.destroy();
        resolve(ok ? secure : null);
      };
      const onSecure = (): void => {
        const info = tlsInfo(secure);
        if (!info.authorized && !trust?.insecure) {
          // what a verifying client does: close before sending a byte over an untrusted channel
          const code = info.authorizationError ?? 'CERT_UNTRUSTED';
          this.rec.add('tls', { kind: 'tls_untrusted', code, reason: untrustedReason(code, secure, servername ?? host), tls: info });
          finish(false);
          return;
        }
        this.rec.add('tls', { kind: 'tls_established', tls: info });
        finish(true);
      };
      // a FIN during the handshake: Node reports it as ECONNRESET "disconnected before secure
      // TLS connection", but on the wire it was a graceful close, so record it as one
      const onEnd = (): void => {
        const t = this.rec.now();
        done = true; // the error Node raises next is about this same close
        void zeroWrite(raw).then((error) => {
          this.rec.add('tls', error ? { kind: 'reset', code: 'ECONNRESET' } : { kind: 'fin' }, t);
          done = false;
          finish(false);
        });
      };
      const onError = (error: NodeJS.ErrnoException): void => {
        if (done) return;
        this.rec.add('tls', tlsErrorEvent(error));
        finish(false);
      };
      const timer = phaseTimer(() => {
        if (done) return;
        this.rec.add('tls', { kind: 'timeout', limitMs: this.options.tlsTimeoutMs });
        finish(false);
      }, this.options.tlsTimeoutMs);
      this.onStop = () => finish(false);
      secure.once('secureConnect', onSecure);
      secure.once('end', onEnd);
      secure.on('error', onError);
    });
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
    if (this.options.expect === null || this.stopped) return;
    const text = Buffer.concat(watch.kept).toString('latin1');
    let matched: boolean;
    try {
      matched = new RegExp(this.options.expect).test(text);
    } catch {
      matched = false; // the CLI validates patterns; a bad one from an API caller cannot match
    }
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
      ...(this.target.tls ? { tlsVerify: !this.options.tlsTrust?.insecure } : {}),
    };
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

/** A zero-length write sends no packet but reports a pending socket error (EPIPE after RST). */
function zeroWrite(raw: Socket): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    if (raw.destroyed) return resolve(null);
    raw.write(Buffer.alloc(0), (error) => resolve((error as NodeJS.ErrnoException | null | undefined) ?? null));
  });
}

/**
 * ECONNRESET is an RST. After the peer's FIN, an RST surfaces as EPIPE on the next write (the
 * kernel sets EPIPE for a reset in CLOSE_WAIT): that too is a reset on the wire.
 */
function socketErrorEvent(error: NodeJS.ErrnoException, afterFin: boolean): EventBody {
  const code = error.code ?? 'EUNKNOWN';
  if (code === 'ECONNRESET' || (code === 'EPIPE' && afterFin)) return { kind: 'reset', code };
  return { kind: 'error', code, message: error.message };
}

function tlsErrorEvent(error: NodeJS.ErrnoException): EventBody {
  const code = error.code ?? 'EUNKNOWN';
  if (code === 'ECONNRESET' && error.syscall === 'read') return { kind: 'reset', code };
  if (error.syscall !== undefined && /^E[A-Z]+$/.test(code)) return { kind: 'error', code, message: error.message };
  const reason = /SSL routines:[^:]*:([^:]+):/.exec(error.message)?.[1] ?? error.message.trim();
  const alert = /_ALERT_(.+)$/.exec(code)?.[1]?.toLowerCase().replace(/_/g, ' ') ?? (/alert (.+)$/i.exec(reason)?.[1] ?? null);
  return { kind: 'tls_failed', code, message: reason, alert };
}

/** OpenSSL's words for a chain error; for a name mismatch, Node's own sentence naming both sides. */
function untrustedReason(code: string, socket: TLSSocket, name: string): string {
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const cert = socket.getPeerCertificate();
    const mismatch = checkServerIdentity(name, cert);
    if (mismatch) return `${mismatch.message}${cert.subjectaltname ? ` (the certificate names ${cert.subjectaltname})` : ''}`;
  }
  return certificateErrorText(code);
}

const DAY_MS = 86_400_000;

function tlsInfo(socket: TLSSocket): TlsInfo {
  const cert: PeerCertificate | Record<string, never> = socket.getPeerCertificate();
  const name = (fields: Record<string, string | string[] | undefined> | undefined): string | null => {
    if (!fields) return null;
    const parts = ['CN', 'O', 'OU'].flatMap((key) => {
      const value = fields[key];
      return value === undefined ? [] : [`${key}=${Array.isArray(value) ? value.join('+') : value}`];
    });
    return parts.length ? parts.join(', ') : null;
  };
  const hasCert = 'subject' in cert && cert.subject !== undefined;
  return {
    protocol: socket.getProtocol(),
    cipher: socket.getCipher()?.name ?? null,
    alpn: typeof socket.alpnProtocol === 'string' ? socket.alpnProtocol : null,
    subject: hasCert ? name(cert.subject as unknown as Record<string, string>) : null,
    issuer: hasCert ? name((cert as PeerCertificate).issuer as unknown as Record<string, string>) : null,
    validFrom: hasCert ? (cert as PeerCertificate).valid_from : null,
    validTo: hasCert ? (cert as PeerCertificate).valid_to : null,
    authorized: socket.authorized,
    authorizationError: socket.authorizationError ? String(socket.authorizationError) : null,
    daysToExpiry: hasCert ? daysUntil((cert as PeerCertificate).valid_to) : null,
  };
}

/** whole days from now to an OpenSSL date ("Jan  3 10:00:00 2027 GMT"), negative once expired: 29.9 days left is 29, 3.1 days ago is -3 */
function daysUntil(date: string | undefined): number | null {
  const at = date ? Date.parse(date) : NaN;
  return Number.isNaN(at) ? null : Math.trunc((at - Date.now()) / DAY_MS);
}

async function defaultLookup(host: string): Promise<ResolvedAddress[]> {
  const found = await dnsLookup(host, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
}

class LookupTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number, signal: AbortSignal | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new LookupTimeout()), ms);
    const onAbort = (): void => reject(Object.assign(new Error('aborted'), { code: 'ABORT_ERR' }));
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
