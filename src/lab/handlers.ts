/**
 * What the lab's servers do with each accepted connection, one function per handler kind. Every
 * handler is bounded: timers die with their socket, buffers are capped, and a reset is a real
 * RST (socket.resetAndDestroy, i.e. SO_LINGER 0) while a close is a real FIN.
 */
import { TLSSocket, type SecureContext } from 'node:tls';
import type { Socket } from 'node:net';
import type { HandlerKind } from './scenarios.js';

export interface HandlerEnv {
  /** the scenario's name, echoed in replies so a user can tell the ports apart */
  name: string;
  /** silence after which the idle handlers act */
  idleAfterMs: number;
  /** gap between two bytes of the trickle handler */
  trickleIntervalMs: number;
  /** the TCP socket under the stream; only it can be reset (a TLS socket cannot) */
  raw: Socket;
  /** for handlers that speak TLS themselves (tls-on-plain) */
  secureContext: SecureContext | null;
}

export type Handler = (stream: Socket, env: HandlerEnv) => void;

/** What the never-read scenario takes off a connection before it stops reading: one request's worth. */
const NEVER_READ_TAKEN_BYTES = 64 * 1024;
/** The longest a never-read connection is held: longer than any client's write timeout should be. */
export const NEVER_READ_HOLD_MS = 10 * 60_000;

/** A request bigger than this is not a probe: answered with an error and closed. */
const MAX_REQUEST_BYTES = 64 * 1024;
const HTTP_START = /^[A-Z]{3,10} \S+ HTTP\/\d/;
const HTTP_PREFIX = /^[A-Z]{0,10}$/;

type Request = 'http' | 'other' | 'too-large';

/** Splits the incoming bytes into requests: HTTP requests end at a blank line; anything else is one request per chunk. */
function onRequests(stream: Socket, each: (request: Request) => void): void {
  let buffer = '';
  stream.setEncoding('latin1');
  stream.on('data', (chunk: string) => {
    buffer += chunk;
    if (buffer.length > MAX_REQUEST_BYTES) {
      buffer = '';
      each('too-large');
      return;
    }
    for (;;) {
      if (HTTP_START.test(buffer)) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end === -1) return; // the rest of the header block is on its way
        buffer = buffer.slice(end + 4);
        each('http');
        continue;
      }
      if (buffer === '' || (HTTP_PREFIX.test(buffer) && buffer.length < 10)) return;
      buffer = '';
      each('other');
      return;
    }
  });
}

function httpResponse(status: string, body: string, headers: Readonly<Record<string, string>>): string {
  const lines = [`HTTP/1.1 ${status}`, 'Content-Type: text/plain; charset=utf-8', `Content-Length: ${Buffer.byteLength(body)}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

function okResponse(env: HandlerEnv, headers: Readonly<Record<string, string>> = { Connection: 'keep-alive' }): string {
  return httpResponse('200 OK', `connreset lab: ${env.name}\n`, headers);
}

function tooLarge(stream: Socket): void {
  stream.end(httpResponse('413 Content Too Large', 'request too large for the lab\n', { Connection: 'close' }));
}

/** Replies to every request and keeps the connection open; `keepAliveHeader` advertises an idle timeout. */
function serveKeepAlive(stream: Socket, env: HandlerEnv, keepAliveHeader: string | null, onActivity?: () => void): void {
  const headers: Record<string, string> = { Connection: 'keep-alive' };
  if (keepAliveHeader) headers['Keep-Alive'] = keepAliveHeader;
  onRequests(stream, (request) => {
    if (stream.destroyed) return;
    onActivity?.();
    if (request === 'too-large') return tooLarge(stream);
    const reply = request === 'http' ? okResponse(env, headers) : `connreset lab: ${env.name}: ok\r\n`;
    stream.write(reply, () => onActivity?.());
  });
}

interface IdleTimer {
  /** the connection was active: the silence counts from now */
  restart(): void;
  /**
   * Whether idleAfterMs of silence have passed, by the clock when this is asked (as a packet is
   * handled), even when this loop has not run the due timer yet: on a busy machine the data and
   * the timer wake it together, and the data runs first. Whichever comes first decides.
   */
  expired(): boolean;
}

/**
 * A keep-alive server with an idle timer: `onIdle` runs once the connection has been silent for
 * idleAfterMs (counted from the last byte either way, as servers count it).
 */
function withIdleTimer(stream: Socket, env: HandlerEnv, onIdle: () => void): IdleTimer {
  let timer: NodeJS.Timeout | null = null;
  let since = performance.now();
  const restart = (): void => {
    if (timer) clearTimeout(timer);
    since = performance.now();
    timer = setTimeout(() => {
      timer = null;
      onIdle();
    }, env.idleAfterMs);
  };
  stream.once('close', () => {
    if (timer) clearTimeout(timer);
  });
  restart();
  return { restart, expired: () => performance.now() - since >= env.idleAfterMs };
}

const keepAliveSeconds = (env: HandlerEnv): string => `timeout=${Math.max(1, Math.round(env.idleAfterMs / 1000))}`;

/** What Go's net/http answers when a plain HTTP request reaches a TLS listener (server.go). */
const GO_HTTPS_PORT_REPLY = 'HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n';
/** A fatal TLS alert record (unexpected_message), what a TLS stack may send for bytes that are not TLS. */
const TLS_ALERT_UNEXPECTED_MESSAGE = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x0a]);
const TLS_HANDSHAKE_RECORD = 0x16;

/** nginx 1.22's own 502 page (its error log would say why: "recv() failed (104: Connection reset by peer) …"). */
const NGINX_502_PAGE =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
const NGINX_502_REPLY = rawResponse('502 Bad Gateway', { Server: 'nginx', 'Content-Type': 'text/html', Connection: 'close' }, NGINX_502_PAGE);
/** nginx's 504 page (its error log: "upstream timed out (110: Connection timed out) while reading response header from upstream"). */
const NGINX_504_PAGE =
  '<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n<center><h1>504 Gateway Time-out</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
const NGINX_504_REPLY = rawResponse('504 Gateway Time-out', { Server: 'nginx', 'Content-Type': 'text/html', Connection: 'keep-alive' }, NGINX_504_PAGE);
/** The lab proxy's timeout for its (silent) upstream: short, so that the demo stays short and under the lab probe's 1 s reply timeout. */
const LAB_GATEWAY_TIMEOUT_MS = 500;
/** What Envoy answers when a cluster has no healthy host. */
const ENVOY_503_REPLY = rawResponse(
  '503 Service Unavailable',
  { 'content-type': 'text/plain', 'retry-after': '5', server: 'envoy', connection: 'keep-alive' },
  'no healthy upstream',
);

/** A response with exactly these headers (and Content-Length), as a proxy writes it. */
function rawResponse(status: string, headers: Readonly<Record<string, string>>, body: string): string {
  const lines = [`HTTP/1.1 ${status}`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`), `Content-Length: ${Buffer.byteLength(body)}`];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

export const HANDLERS: Readonly<Record<Exclude<HandlerKind, 'nothing-listening'>, Handler>> = {
  'http-keepalive': (stream, env) => serveKeepAlive(stream, env, null),

  'reset-on-accept': (_stream, env) => env.raw.resetAndDestroy(),

  // close() with nothing unread in the buffer: the kernel sends FIN
  'close-on-accept': (stream) => void stream.destroy(),

  'reset-on-request': (stream, env) => {
    stream.once('data', () => env.raw.resetAndDestroy());
  },

  'close-on-request': (stream) => {
    stream.once('data', () => stream.destroy());
  },

  'reply-then-reset': (stream, env) =>
    onRequests(stream, (request) => {
      if (request === 'too-large') return tooLarge(stream);
      stream.write(okResponse(env), () => env.raw.resetAndDestroy());
    }),

  // the head promises 1000 bytes; 7 come, then FIN (what curl reports as "(18) transfer closed")
  'truncated-body': (stream) =>
    onRequests(stream, (request) => {
      if (request === 'too-large') return tooLarge(stream);
      stream.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\nhello\r\n');
    }),

  'reply-then-close': (stream, env) =>
    onRequests(stream, (request) => {
      if (request === 'too-large') return tooLarge(stream);
      stream.end(okResponse(env, { Connection: 'close' }));
    }),

  'close-when-idle': (stream, env) => {
    const idle = withIdleTimer(stream, env, () => stream.destroy());
    serveKeepAlive(stream, env, keepAliveSeconds(env), idle.restart);
  },

  'reset-when-idle': (stream, env) => {
    const idle = withIdleTimer(stream, env, () => env.raw.resetAndDestroy());
    serveKeepAlive(stream, env, keepAliveSeconds(env), idle.restart);
  },

  'forget-when-idle': (stream, env) => {
    let forgotten = false;
    const idle = withIdleTimer(stream, env, () => {
      forgotten = true;
    });
    // a forgotten connection's next packet is answered with RST, as by a NAT that lost the mapping
    stream.prependListener('data', () => {
      if (!forgotten && idle.expired()) forgotten = true;
      if (forgotten) env.raw.resetAndDestroy();
    });
    serveKeepAlive(stream, env, null, () => {
      if (!forgotten) idle.restart();
    });
  },

  'blackhole-when-idle': (stream, env) => {
    let dropping = false;
    const idle = withIdleTimer(stream, env, () => {
      dropping = true;
    });
    const headers = { Connection: 'keep-alive' };
    onRequests(stream, (request) => {
      if (!dropping && idle.expired()) dropping = true;
      if (dropping) return; // read and ignored: the client hears nothing, ever
      idle.restart();
      if (request === 'too-large') return tooLarge(stream);
      stream.write(request === 'http' ? okResponse(env, headers) : `connreset lab: ${env.name}: ok\r\n`, idle.restart);
    });
  },

  'never-reply': (stream) => {
    stream.on('data', () => undefined); // read and discard, so the window stays open
  },

  trickle: (stream, env) => {
    onRequests(stream, (request) => {
      if (request === 'too-large') return tooLarge(stream);
      const reply = Buffer.from(okResponse(env, { Connection: 'close' }), 'latin1');
      let next = 0;
      const timer = setInterval(() => {
        if (stream.destroyed || next >= reply.length) {
          clearInterval(timer);
          if (!stream.destroyed) stream.end();
          return;
        }
        stream.write(reply.subarray(next, next + 1));
        next += 1;
      }, env.trickleIntervalMs);
      stream.once('close', () => clearInterval(timer));
      stream.write(reply.subarray(0, 1));
      next = 1;
    });
  },

  'never-read': (stream) => {
    // Takes the first bytes off the socket and drops them, then stops reading for good: the
    // kernel's buffers fill and the client's window closes. While it still takes bytes it sees the
    // client's FIN or RST and closes too; a socket that was only paused never learns that its
    // client left, and stayed in CLOSE-WAIT holding a descriptor for as long as the lab ran.
    let taken = 0;
    const take = (): void => {
      for (let chunk: Buffer | string | null; taken < NEVER_READ_TAKEN_BYTES && (chunk = stream.read() as Buffer | string | null) !== null; ) {
        taken += chunk.length;
      }
      if (taken >= NEVER_READ_TAKEN_BYTES) stream.off('readable', take);
    };
    stream.on('readable', take);
    stream.once('end', () => stream.destroy());
    // a client that filled the buffers and left cannot be seen leaving: its connection is bounded
    const hold = setTimeout(() => stream.destroy(), NEVER_READ_HOLD_MS);
    stream.once('close', () => clearTimeout(hold));
  },

  'tls-on-plain': (stream, env) => {
    stream.once('data', (first: Buffer) => {
      if (first[0] === TLS_HANDSHAKE_RECORD && env.secureContext) {
        // a real TLS client: put the ClientHello back and hand the socket to TLS
        stream.pause();
        stream.unshift(first);
        const secure = new TLSSocket(stream, { isServer: true, secureContext: env.secureContext });
        secure.on('error', () => stream.destroy());
        serveKeepAlive(secure, env, null);
        return;
      }
      const text = first.toString('latin1');
      stream.end(HTTP_START.test(text) ? GO_HTTPS_PORT_REPLY : TLS_ALERT_UNEXPECTED_MESSAGE);
    });
  },

  'http-strict': (stream, env) =>
    onRequests(stream, (request) => {
      if (request === 'http') {
        stream.write(okResponse(env));
        return;
      }
      // what Node's own http server answers to bytes that are not HTTP (a TLS ClientHello here)
      stream.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    }),

  'bad-gateway': (stream) =>
    onRequests(stream, (request) => {
      if (request === 'too-large') return tooLarge(stream);
      stream.end(NGINX_502_REPLY);
    }),

  'no-healthy-upstream': (stream) =>
    onRequests(stream, (request) => {
      if (stream.destroyed) return;
      if (request === 'too-large') return tooLarge(stream);
      stream.write(ENVOY_503_REPLY);
    }),

  'gateway-timeout': (stream) => {
    const timers = new Set<NodeJS.Timeout>();
    stream.once('close', () => timers.forEach(clearTimeout));
    onRequests(stream, (request) => {
      if (request === 'too-large') return tooLarge(stream);
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!stream.destroyed) stream.write(NGINX_504_REPLY);
      }, LAB_GATEWAY_TIMEOUT_MS);
      timers.add(timer);
    });
  },

  'smtp-banner': (stream, env) => {
    stream.write(`220 connreset-lab ESMTP ${env.name} ready\r\n`);
    let line = '';
    stream.setEncoding('latin1');
    stream.on('data', (chunk: string) => {
      line += chunk;
      if (line.length > MAX_REQUEST_BYTES) return void stream.end('500 5.5.6 line too long\r\n');
      let end: number;
      while ((end = line.indexOf('\n')) !== -1) {
        const command = line.slice(0, end).trim().toUpperCase();
        line = line.slice(end + 1);
        if (command.startsWith('QUIT')) return void stream.end('221 2.0.0 bye\r\n');
        if (command.startsWith('EHLO') || command.startsWith('HELO')) stream.write('250 connreset-lab\r\n');
        else if (command.startsWith('NOOP')) stream.write('250 2.0.0 ok\r\n');
        else if (command !== '') stream.write('500 5.5.2 command not recognized\r\n');
      }
    });
  },
};
