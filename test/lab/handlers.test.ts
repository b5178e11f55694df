/**
 * The lab's servers seen from plain sockets (no probe): what a user's own client meets on each
 * port. A reset must be a real RST (ECONNRESET), a close a real FIN ('end').
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createServer, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { once } from 'node:events';
import { startLab, type Lab } from '../../src/lab/server.js';
import { UsageError } from '../../src/errors.js';

let lab: Lab;
const portOf = (name: string): number => {
  const found = lab.scenarios.find((s) => s.name === name);
  if (!found) throw new Error(`no scenario ${name}`);
  return found.port;
};
const REQUEST = 'GET / HTTP/1.1\r\nHost: lab\r\n\r\n';

interface Ending {
  data: string;
  how: 'fin' | 'reset' | 'error';
  code?: string;
}

/** Connects, optionally writes, and collects everything until the server ends the connection. */
function untilEnd(port: number, write: string | null): Promise<Ending> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let data = '';
    socket.setEncoding('latin1');
    socket.on('connect', () => {
      if (write !== null) socket.write(write);
    });
    socket.on('data', (chunk: string) => (data += chunk));
    // Node reports an RST that follows data as an end of stream too; a zero-byte write (which
    // sends nothing) tells them apart: it fails on a reset socket
    socket.on('end', () => {
      socket.write(Buffer.alloc(0), (error) => {
        socket.destroy();
        resolve(error ? { data, how: 'reset', code: 'ECONNRESET' } : { data, how: 'fin' });
      });
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve({ data, how: error.code === 'ECONNRESET' ? 'reset' : 'error', code: error.code }));
  });
}

/** Reads until `count` HTTP responses have arrived on the socket. */
async function responses(socket: Socket, count: number): Promise<string> {
  let data = '';
  socket.setEncoding('latin1');
  for await (const chunk of socket) {
    data += chunk as string;
    if ((data.match(/HTTP\/1\.1 200 OK/g) ?? []).length >= count && data.endsWith('\n')) return data;
  }
  return data;
}

beforeAll(async () => {
  lab = await startLab({ basePort: 0, idleAfterMs: 500 });
});
afterAll(async () => {
  await lab?.close();
});

describe('lab servers, seen by a plain client', () => {
  it('reset-on-accept resets before any byte; close-on-accept closes gracefully', async () => {
    expect(await untilEnd(portOf('reset-on-accept'), null)).toEqual({ data: '', how: 'reset', code: 'ECONNRESET' });
    expect(await untilEnd(portOf('close-on-accept'), null)).toEqual({ data: '', how: 'fin' });
  });

  it('reset-on-request and close-on-request read the request and answer nothing', async () => {
    expect(await untilEnd(portOf('reset-on-request'), REQUEST)).toMatchObject({ data: '', how: 'reset' });
    expect(await untilEnd(portOf('close-on-request'), REQUEST)).toEqual({ data: '', how: 'fin' });
  });

  it('reply-then-reset delivers the whole reply before its RST; reply-then-close ends with a FIN', async () => {
    const reset = await untilEnd(portOf('reply-then-reset'), REQUEST);
    expect(reset.how).toBe('reset');
    expect(reset.data).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nconnreset lab: reply-then-reset\n$/);
    const close = await untilEnd(portOf('reply-then-close'), REQUEST);
    expect(close.how).toBe('fin');
    expect(close.data).toContain('Connection: close');
  });

  it('ok answers every request on one kept-alive connection', async () => {
    const socket = connect({ port: portOf('ok'), host: '127.0.0.1' });
    await once(socket, 'connect');
    socket.write(REQUEST + REQUEST);
    const data = await responses(socket, 2);
    socket.destroy();
    expect(data.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(2);
    expect(data).toContain('Connection: keep-alive');
  });

  it('idle-close answers, advertises its idle time, then closes the silent connection with a FIN', async () => {
    const ending = await untilEnd(portOf('idle-close'), REQUEST);
    expect(ending.how).toBe('fin');
    expect(ending.data).toContain('Keep-Alive: timeout=1');
  });

  it('idle-reset answers, then resets the silent connection', async () => {
    const ending = await untilEnd(portOf('idle-reset'), REQUEST);
    expect(ending.how).toBe('reset');
    expect(ending.data).toContain('200 OK');
  });

  it('trickle sends its reply one byte at a time', async () => {
    const socket = connect({ port: portOf('trickle'), host: '127.0.0.1' });
    await once(socket, 'connect');
    socket.write(REQUEST);
    const [first] = (await once(socket, 'data')) as [Buffer];
    socket.destroy();
    expect(first.toString('latin1')).toBe('H');
  });

  it('tls-on-plain answers a plain HTTP request like a Go TLS server, and completes a real TLS handshake', async () => {
    const plain = await untilEnd(portOf('tls-on-plain'), REQUEST);
    expect(plain).toEqual({ data: 'HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n', how: 'fin' });
    const secure = tlsConnect({ port: portOf('tls-on-plain'), host: '127.0.0.1', rejectUnauthorized: false });
    await once(secure, 'secureConnect');
    expect(secure.getPeerCertificate().subject?.CN).toBe('connreset-lab');
    secure.write(REQUEST);
    const data = await responses(secure, 1);
    secure.destroy();
    expect(data).toContain('connreset lab: tls-on-plain');
  });

  it('tls-legacy refuses a modern client with a protocol-version alert', async () => {
    const secure = tlsConnect({ port: portOf('tls-legacy'), host: '127.0.0.1', rejectUnauthorized: false });
    const [error] = (await once(secure, 'error')) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
  });

  it("http-502 sends nginx's whole 502 page, then a FIN; http-503 answers every request with a 503 on one kept connection", async () => {
    const bad = await untilEnd(portOf('http-502'), REQUEST);
    expect(bad.how).toBe('fin');
    expect(bad.data).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r\nServer: nginx\r\n[\s\S]*\r\n\r\n<html>[\s\S]*<title>502 Bad Gateway<\/title>[\s\S]*<\/html>\r\n$/);
    const length = Number(/Content-Length: (\d+)/.exec(bad.data)?.[1]);
    expect(Buffer.byteLength(bad.data.slice(bad.data.indexOf('\r\n\r\n') + 4))).toBe(length);

    const socket = connect({ port: portOf('http-503'), host: '127.0.0.1' });
    await once(socket, 'connect');
    socket.write(REQUEST + REQUEST);
    let data = '';
    socket.setEncoding('latin1');
    for await (const chunk of socket) {
      data += chunk as string;
      if ((data.match(/no healthy upstream/g) ?? []).length >= 2) break;
    }
    socket.destroy();
    expect(data.match(/HTTP\/1\.1 503 Service Unavailable\r\n/g)).toHaveLength(2);
    expect(data).toContain('retry-after: 5');
  });

  it('http-504 answers each request with a 504 on a kept connection', async () => {
    const socket = connect({ port: portOf('http-504'), host: '127.0.0.1' });
    await once(socket, 'connect');
    socket.write(REQUEST);
    const [reply] = (await once(socket, 'data')) as [Buffer];
    socket.destroy();
    expect(reply.toString('latin1')).toMatch(/^HTTP\/1\.1 504 Gateway Time-out\r\nServer: nginx\r\n[\s\S]*Connection: keep-alive/);
  });

  it('refused has nothing listening', async () => {
    expect(await untilEnd(portOf('refused'), null)).toMatchObject({ how: 'error', code: 'ECONNREFUSED' });
  });

  it('close() ends the connections still open', async () => {
    const own = await startLab({ basePort: 0, only: ['ok'] });
    const socket = connect({ port: own.scenarios[0]!.port, host: '127.0.0.1' });
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    const closed = once(socket, 'close');
    await own.close();
    await closed;
    expect(socket.destroyed).toBe(true);
  });
});

describe('lab ports', () => {
  it('a base port puts each scenario at base + its offset', async () => {
    // borrow a free port from the kernel for the base
    const holder = createServer().listen(0, '127.0.0.1');
    await once(holder, 'listening');
    const base = (holder.address() as { port: number }).port;
    await new Promise((resolve) => holder.close(resolve));
    const own = await startLab({ basePort: base, only: ['ok'] });
    try {
      expect(own.scenarios[0]?.port).toBe(base);
      expect(own.scenarios[0]?.target).toBe(`http://127.0.0.1:${base}`);
    } finally {
      await own.close();
    }
  });

  it('a port in use is one clear usage error naming the port and the scenario', async () => {
    const holder = createServer().listen(0, '127.0.0.1');
    await once(holder, 'listening');
    const port = (holder.address() as { port: number }).port;
    try {
      const attempt = startLab({ basePort: port, only: ['ok'] });
      await expect(attempt).rejects.toBeInstanceOf(UsageError);
      await expect(attempt).rejects.toThrow(`lab: cannot listen on 127.0.0.1:${port} for scenario ok: it is in use`);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });
});
