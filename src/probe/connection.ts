/**
 * The connection engine: the ONE place that resolves a name, connects, runs TLS and watches a
 * stream for data, FIN, RST and errors. `probe`, `idle`, `check` and the follow-up experiments
 * all drive sockets through it; they keep only their own scheduling (what to send when, how long
 * to wait for what).
 *
 * Everything the engine sees is reported to an EventSink as timeline event bodies (the
 * vocabulary of src/diagnose/observation.ts), with the time Node saw it. The probe's Recorder is
 * a sink; idle passes a small sink that turns the same events into its trial states, so the same
 * wire event gets the same label in every command.
 *
 * API (stable; experiments and the locator build on it):
 *   resolveTarget(target, { family, timeoutMs, lookup }, signal, now) -> Resolution
 *   const c = new Connection(target, sink, { connectTimeoutMs, tlsTimeoutMs, servername, alpn })
 *   await c.open(address)            -> StreamWatch | null (connect + TLS; null = failed, on the sink)
 *     or step by step: c.connect(address), c.handshake(), c.watchStream()
 *   c.raw / c.fd                     the TCP socket and its descriptor (socket options: IP_TTL, keepalive)
 *   c.write(bytes)                   send on the established stream
 *   c.awaitPeer(ms)                  wait for what the peer does next: data | fin | reset | error | silence
 *   c.interrupt()                    end a pending connect/handshake/wait at once (Ctrl-C, a guard)
 *   c.destroy()
 */
import { Socket } from 'node:net';
import { ipFamily } from '../shared/ip-family.js';
import { release } from 'node:os';
import type { ConnectionOptions as TlsOptions, TLSSocket, PeerCertificate } from 'node:tls';
import { tls } from '../shared/lazy-require.js';
import { certificateErrorText } from '../knowledge/certificate-errors.js';
import { systemLookup } from './system-lookup.js';
import type { AddressFamily, Phase, ResolvedAddress, TlsInfo } from '../diagnose/observation.js';
import { KEPT_REPLY_BYTES } from './defaults.js';
import { phaseTimer } from './phase-timer.js';
import type { EventBody } from './recorder.js';
import type { LookupFn, Target, TlsTrust } from './types.js';

/** Where the engine reports what it sees. src/probe/recorder.ts's Recorder is one. */
export interface EventSink {
  /** ms since the start of the caller's clock */
  now(): number;
  add(phase: Phase, body: EventBody, t?: number): void;
  received(phase: Phase, chunk: Uint8Array, t: number): void;
}

// ---------------------------------------------------------------------------------------------
// resolve

export interface ResolveOptions {
  family: AddressFamily | null;
  /** a lookup that takes longer is a `timeout` event of the resolve phase */
  timeoutMs: number;
  /** injected resolver (tests avoid the machine's DNS) */
  lookup?: LookupFn | undefined;
}

export interface Resolution {
  addresses: ResolvedAddress[];
  /** the address to connect to; null when resolution failed (see `failure`) */
  chosen: ResolvedAddress | null;
  /** the resolve phase's failure event, or null */
  failure: EventBody | null;
  resolvedAt: number;
}

/**
 * The resolution of an IP literal, at once (no lookup, no promise), or null for a name. The same
 * answer resolveTarget gives for a literal: its one address, or no address of the asked family.
 */
export function resolveLiteral(target: Target, family: AddressFamily | null, t: number): Resolution | null {
  // ipFamily accepts an IPv6 zone (fe80::1%eth0)
  const literal = ipFamily(target.host);
  if (literal === 0) return null;
  return usableAddresses(target.host, [{ address: target.host, family: literal as AddressFamily }], family, t);
}

export async function resolveTarget(target: Target, options: ResolveOptions, signal: AbortSignal | undefined, now: () => number): Promise<Resolution> {
  const { host } = target;
  const family = options.family;
  const literal = resolveLiteral(target, family, now());
  if (literal) return literal;
  let all: ResolvedAddress[];
  try {
    const lookup: LookupFn = options.lookup ?? systemLookup;
    all = await withTimeout(lookup(host), options.timeoutMs, signal);
  } catch (error) {
    const t = now();
    if (error instanceof LookupTimeout) {
      return { addresses: [], chosen: null, failure: { kind: 'timeout', limitMs: options.timeoutMs }, resolvedAt: t };
    }
    const e = error as NodeJS.ErrnoException;
    return {
      addresses: [],
      chosen: null,
      failure: { kind: 'resolve_failed', code: e.code ?? 'ERESOLVE', message: e.message ?? String(error) },
      resolvedAt: t,
    };
  }
  return usableAddresses(host, all, family, now());
}

function usableAddresses(host: string, all: ResolvedAddress[], family: AddressFamily | null, t: number): Resolution {
  const usable = family === null ? all : all.filter((a) => a.family === family);
  if (usable.length === 0) {
    const message =
      all.length === 0 ? `${host} has no address` : `${host} has no IPv${family} address (it has ${all.map((a) => a.address).join(', ')})`;
    return { addresses: [], chosen: null, failure: { kind: 'resolve_failed', code: 'ENOTFOUND', message }, resolvedAt: t };
  }
  return { addresses: usable, chosen: usable[0] ?? null, failure: null, resolvedAt: t };
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

// ---------------------------------------------------------------------------------------------
// the stream watcher

export type Wake = 'event' | 'timer' | 'stop';

/** What the peer did next (Connection.awaitPeer). */
export type PeerEvent = 'data' | 'fin' | 'reset' | 'error' | 'silence' | 'stop';

/**
 * Watches the stream that carries application data (the TLS socket for TLS targets) and reports
 * data, FIN, RST and errors to the sink, in the phase the caller set.
 */
export class StreamWatch {
  phase: Phase = 'connect';
  finSeen = false;
  dead = false;
  bytesTotal = 0;
  lastDataAt: number | null = null;
  /** the first KEPT_REPLY_BYTES received (for --expect); the rest is counted, not kept */
  readonly kept: Buffer[] = [];
  private keptBytes = 0;
  private pending = false;
  private checkingEnd = false;
  private waiter: ((wake: Wake) => void) | null = null;
  /** Runs before a chunk is recorded (the probe's TLS send uses it: see probe.ts send()). */
  beforeData: (() => void) | null = null;
  /** the last thing the peer did, for awaitPeer */
  last: Exclude<PeerEvent, 'silence' | 'stop'> | null = null;

  constructor(
    readonly stream: Socket,
    raw: Socket,
    private readonly sink: EventSink,
  ) {
    // V8 assumes a field written once is constant; the first watch to write `waiter` again would
    // then deoptimise every function that inlined a watch (the probe's whole path, mid-run).
    // Writing it twice here settles the field as mutable before anything is optimised.
    this.waiter = null;
    stream.on('data', (chunk: Buffer) => {
      this.beforeData?.();
      const t = sink.now();
      sink.received(this.phase, chunk, t);
      this.bytesTotal += chunk.length;
      this.lastDataAt = t;
      if (this.keptBytes < KEPT_REPLY_BYTES) {
        this.kept.push(chunk.subarray(0, KEPT_REPLY_BYTES - this.keptBytes));
        this.keptBytes += Math.min(chunk.length, KEPT_REPLY_BYTES - this.keptBytes);
      }
      this.last = 'data';
      this.wake();
    });
    // libuv reports end-of-stream when the kernel flags a hang-up after a short read, which an
    // RST following data also causes, and a FIN and an RST that both arrive before the read
    // read as end-of-stream too: check whether the socket holds a reset before calling it a FIN
    stream.on('end', () => {
      const t = sink.now();
      const phase = this.phase;
      this.checkingEnd = tellEnd(raw, (reset) => {
        this.checkingEnd = false;
        this.settleEnd(phase, reset, t);
      });
    });
    stream.on('error', (error: NodeJS.ErrnoException) => this.fail(error));
    stream.on('close', () => {
      if (this.checkingEnd) return;
      this.dead = true;
      this.wake();
    });
  }

  /** The end of the stream, told apart: an RST (the socket holds a reset) or a FIN. */
  private settleEnd(phase: Phase, reset: boolean, t: number): void {
    if (this.dead) return;
    if (reset) {
      this.dead = true;
      this.last = 'reset';
      this.sink.add(phase, { kind: 'reset', code: 'ECONNRESET' }, t);
    } else {
      this.finSeen = true;
      this.last = 'fin';
      this.sink.add(phase, { kind: 'fin' }, t);
    }
    this.wake();
  }

  fail(error: NodeJS.ErrnoException, t: number = this.sink.now()): void {
    if (this.dead || this.checkingEnd) return;
    this.dead = true;
    // a TLS alert after the handshake (TLS 1.3 servers reject a missing client certificate on the first read) is a TLS failure
    const body = /^ERR_SSL_/.test(error.code ?? '') ? tlsErrorEvent(error) : socketErrorEvent(error, this.finSeen);
    this.last = body.kind === 'reset' ? 'reset' : 'error';
    this.sink.add(this.phase, body, t);
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

// ---------------------------------------------------------------------------------------------
// one connection

export interface ConnectionOptions {
  connectTimeoutMs: number;
  tlsTimeoutMs: number;
  /** SNI; null: the host when it is a name */
  servername: string | null;
  /** ALPN protocols to offer, or null */
  alpn: string[] | null;
  /** makes the TCP socket instead of `new Socket()`: a descriptor prepared before the SYN (locate's TTL-limited SYNs) */
  createSocket?: (() => Socket) | undefined;
  /**
   * Certificate verification and the client certificate (mTLS). Absent: verify against Node's CA
   * store and the host name; a certificate that does not verify ends the handshake as tls_untrusted.
   */
  tlsTrust?: TlsTrust | null;
}

export class Connection {
  readonly raw: Socket;
  /** the stream that carries application data: `raw`, or the TLS socket over it */
  stream: Socket;
  watch: StreamWatch | null = null;
  /** when the SYN went out, and how long the TCP connect took */
  connectingAt = 0;
  connectMs = 0;
  private onInterrupt: (() => void) | null = null;
  private interrupted = false;

  constructor(
    readonly target: Target,
    readonly sink: EventSink,
    readonly options: ConnectionOptions,
  ) {
    this.raw = options.createSocket?.() ?? halfOpenSocket();
    this.stream = this.raw;
    this.raw.on('error', ignore); // every error is reported by the phase that is listening
  }

  /** The socket's file descriptor (for setsockopt through FFI), or null before connecting / on other platforms. */
  get fd(): number | null {
    const fd = (this.raw as unknown as { _handle?: { fd?: number } })._handle?.fd;
    return typeof fd === 'number' && fd >= 0 ? fd : null;
  }

  /** Connect, then TLS when the target asks for it, then watch the stream. null: failed (the reason is on the sink). */
  async open(address: ResolvedAddress): Promise<StreamWatch | null> {
    if (!(await this.connect(address))) return null;
    if (this.target.tls && !(await this.handshake())) return null;
    return this.watchStream();
  }

  connect(address: ResolvedAddress): Promise<boolean> {
    const { raw, sink } = this;
    if (this.interrupted) return Promise.resolve(false);
    return new Promise((resolve) => {
      // listeners stay on the socket after the connect (a flag, not removeListener, ends them):
      // removing a listener turns the socket's listener table into a slow dictionary
      let done = false;
      const finish = (ok: boolean): void => {
        done = true;
        timer.clear();
        this.onInterrupt = null;
        resolve(ok);
      };
      const onConnect = (): void => {
        if (done) return;
        const t = sink.now();
        this.connectMs = t - this.connectingAt;
        sink.add('connect', { kind: 'connected', localAddress: raw.localAddress ?? '', localPort: raw.localPort ?? 0 }, t);
        finish(true);
      };
      const onError = (error: NodeJS.ErrnoException): void => {
        if (done) return;
        sink.add('connect', socketErrorEvent(error, false));
        finish(false);
      };
      const timer = phaseTimer(() => {
        sink.add('connect', { kind: 'timeout', limitMs: this.options.connectTimeoutMs });
        finish(false);
      }, this.options.connectTimeoutMs);
      this.onInterrupt = () => finish(false);
      raw.on('connect', onConnect);
      raw.on('error', onError);
      raw.connect({ host: address.address, port: this.target.port, family: address.family });
      // Node sends the SYN from a nextTick queued inside connect(); this tick runs right after it
      process.nextTick(markConnecting, this, address);
    });
  }

  handshake(): Promise<boolean> {
    const { raw, sink } = this;
    if (this.interrupted) return Promise.resolve(false);
    const host = this.target.host;
    const servername = this.options.servername ?? (ipFamily(host) === 0 ? host : undefined);
    const alpn = this.options.alpn;
    return new Promise((resolve) => {
      // allowHalfOpen is passed on to the TLSSocket by tls.connect, though @types/node omits it
      const trust = this.options.tlsTrust;
      const tlsOptions: TlsOptions & { allowHalfOpen: boolean } = {
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
      const secure = tls().connect(tlsOptions);
      let done = false;
      const finish = (ok: boolean): void => {
        if (done) return;
        done = true;
        timer.clear();
        secure.removeListener('secureConnect', onSecure);
        secure.removeListener('end', onEnd);
        this.onInterrupt = null;
        if (ok) this.stream = secure;
        else secure.destroy();
        resolve(ok);
      };
      const onSecure = (): void => {
        const info = tlsInfo(secure);
        if (!info.authorized && !trust?.insecure) {
          // what a verifying client does: close before sending a byte over an untrusted channel
          const code = info.authorizationError ?? 'CERT_UNTRUSTED';
          sink.add('tls', { kind: 'tls_untrusted', code, reason: untrustedReason(code, secure, servername ?? host), tls: info });
          finish(false);
          return;
        }
        sink.add('tls', { kind: 'tls_established', tls: info });
        finish(true);
      };
      // a FIN during the handshake: Node reports it as ECONNRESET "disconnected before secure
      // TLS connection", but on the wire it was a graceful close, so record it as one
      const onEnd = (): void => {
        const t = sink.now();
        done = true; // the error Node raises next is about this same close
        tellEnd(raw, (reset) => {
          sink.add('tls', reset ? { kind: 'reset', code: 'ECONNRESET' } : { kind: 'fin' }, t);
          done = false;
          finish(false);
        });
      };
      const onError = (error: NodeJS.ErrnoException): void => {
        if (done) return;
        sink.add('tls', tlsErrorEvent(error));
        finish(false);
      };
      const timer = phaseTimer(() => {
        if (done) return;
        sink.add('tls', { kind: 'timeout', limitMs: this.options.tlsTimeoutMs });
        finish(false);
      }, this.options.tlsTimeoutMs);
      this.onInterrupt = () => finish(false);
      secure.once('secureConnect', onSecure);
      secure.once('end', onEnd);
      secure.on('error', onError);
    });
  }

  /**
   * Starts reporting data, FIN, RST and errors of the established stream. noDelay: turn off
   * Nagle's algorithm for what we write (a caller that writes nothing saves the system call).
   */
  watchStream(noDelay = true): StreamWatch {
    if (!this.watch) {
      if (noDelay) this.raw.setNoDelay(true);
      this.watch = new StreamWatch(this.stream, this.raw, this.sink);
    }
    return this.watch;
  }

  /** Writes on the established stream; errors arrive through the watch. */
  write(bytes: Uint8Array, callback?: (error?: Error | null) => void): void {
    this.stream.write(bytes, callback);
  }

  /** Waits up to ms for the peer's next move on the watched stream. */
  async awaitPeer(ms: number): Promise<PeerEvent> {
    const watch = this.watchStream();
    const before = watch.last;
    const beforeBytes = watch.bytesTotal;
    if (watch.dead || watch.finSeen) return watch.last ?? 'error';
    const deadline = this.sink.now() + ms;
    for (;;) {
      const wake = await watch.next(Math.max(0, deadline - this.sink.now()));
      if (wake === 'stop') return 'stop';
      if (watch.dead || watch.finSeen) return watch.last ?? 'error';
      if (watch.bytesTotal !== beforeBytes || (watch.last !== before && watch.last === 'data')) return 'data';
      if (wake === 'timer' || this.sink.now() >= deadline) return 'silence';
    }
  }

  /** Ends a pending connect or handshake (as a failure, no event) or wakes a waiting reader with 'stop'. */
  interrupt(): void {
    this.interrupted = true;
    if (this.onInterrupt) this.onInterrupt();
    else this.watch?.wake('stop');
  }

  /** Closes the connection; a pending connect or handshake ends as a failure (its timer is cleared). */
  destroy(): void {
    this.interrupted = true;
    this.onInterrupt?.();
    this.onInterrupt = null;
    this.raw.destroy();
    if (this.stream !== this.raw) this.stream.destroy();
  }
}

function ignore(): void {}

/** The `connecting` event, from the tick after connect() (see Connection.connect); no closure per probe. */
function markConnecting(conn: Connection, address: ResolvedAddress): void {
  conn.connectingAt = conn.sink.now();
  conn.sink.add('connect', { kind: 'connecting', address: address.address, port: conn.target.port, family: address.family }, conn.connectingAt);
}

/**
 * A TCP socket that stays writable after the peer's FIN (where getpeername cannot tell a FIN
 * from an RST, a zero-byte write does: tellEnd; and the idle probe's resume writes after a FIN).
 * Set after construction, not as `new Socket({ allowHalfOpen: true })`: Node copies a non-empty
 * options object with a spread, and on Node 20 that cost ~20 µs of CPU per socket (10,000
 * loopback connects held 25 ms: 0.80 s user without options, 1.11 s with `{ allowHalfOpen }`).
 * Node reads the property only when the stream ends (net.js onReadableStreamEnd, Readable's
 * endReadableNT), so setting it before connecting is the same socket.
 */
function halfOpenSocket(): Socket {
  const socket = new Socket();
  socket.allowHalfOpen = true;
  return socket;
}

/**
 * Whether the socket was reset, asked without writing: on Linux getpeername(2) fails with
 * ENOTCONN once an RST has closed the socket (the kernel's inet_getname refuses a peer name in
 * TCP_CLOSE) and succeeds after a FIN alone (CLOSE_WAIT); this is what zeroWrite tells, for one
 * system call and no write request, promise or callback. null: cannot tell this way (another
 * platform, no handle): use zeroWrite. Node's remoteAddress caches the name, so the handle is asked.
 */
function resetPending(raw: Socket): boolean | null {
  if (!ASK_PEER_NAME) return null;
  const handle = (raw as unknown as { _handle?: { getpeername?: (out: object) => number } | null })._handle;
  if (!handle || typeof handle.getpeername !== 'function') return null;
  return handle.getpeername({}) !== 0;
}

/**
 * Linux's own TCP stack: not WSL 1, whose kernel release ends in "-Microsoft" and whose sockets are
 * Windows' underneath (WSL 2 runs a Linux kernel: "...-microsoft-standard-WSL2").
 */
const ASK_PEER_NAME = process.platform === 'linux' && !/-Microsoft$/.test(release());

/**
 * Tells `done` whether an end of stream was an RST: at once where the socket's state says it
 * (resetPending), else after a zero-byte write. Returns true while the answer is pending.
 */
export function tellEnd(raw: Socket, done: (reset: boolean) => void): boolean {
  const reset = resetPending(raw);
  if (reset !== null) {
    done(reset);
    return false;
  }
  void zeroWrite(raw).then((error) => done(error !== null));
  return true;
}

/** A zero-length write sends no packet but reports a pending socket error (EPIPE after RST). */
export function zeroWrite(raw: Socket): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    if (raw.destroyed) return resolve(null);
    raw.write(Buffer.alloc(0), (error) => resolve((error as NodeJS.ErrnoException | null | undefined) ?? null));
  });
}

/**
 * ECONNRESET is an RST. After the peer's FIN, an RST surfaces as EPIPE on the next write (the
 * kernel sets EPIPE for a reset in CLOSE_WAIT): that too is a reset on the wire.
 */
export function socketErrorEvent(error: NodeJS.ErrnoException, afterFin: boolean): EventBody {
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

/** OpenSSL's words for a chain error; for a name mismatch, Node's own sentence and the names the certificate holds. */
function untrustedReason(code: string, socket: TLSSocket, name: string): string {
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const cert = socket.getPeerCertificate();
    const mismatch = tls().checkServerIdentity(name, cert);
    if (mismatch) return `${mismatch.message}${cert.subjectaltname ? ` (the certificate names ${cert.subjectaltname})` : ''}`;
  }
  return certificateErrorText(code);
}

const DAY_MS = 86_400_000;

/** whole days from now to an OpenSSL date ("Jan  3 10:00:00 2027 GMT"), negative once expired: 29.9 days left is 29, 3.1 days ago is -3 */
function daysUntil(date: string | undefined): number | null {
  const at = date ? Date.parse(date) : NaN;
  return Number.isNaN(at) ? null : Math.trunc((at - Date.now()) / DAY_MS);
}

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
