/**
 * Small fault servers on loopback for the probe's tests: each does one thing to every connection.
 * Every server and socket is closed by the test that started it.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach } from 'vitest';

export interface Running {
  port: number;
  close(): Promise<void>;
}

async function listen(server: Server, host = '127.0.0.1'): Promise<Running> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  server.on('secureConnection', (s: Socket) => s.on('error', () => undefined));
  server.listen(0, host);
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export function tcpServer(onConnection: (socket: Socket) => void, host?: string): Promise<Running> {
  return listen(createServer({ allowHalfOpen: true }, onConnection), host);
}

export interface TestServers {
  /** A TCP server on 127.0.0.1 that does `onConnection` to every connection; its port. */
  serve(onConnection: (socket: Socket) => void): Promise<number>;
  /** Closes a server started some other way after the test too. */
  adopt(server: Running): void;
}

/** The servers a test file starts, each closed after the test that started it. Call at the top of the file. */
export function closedAfterEachTest(): TestServers {
  const running: Running[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.close()));
  });
  return {
    async serve(onConnection) {
      const server = await tcpServer(onConnection);
      running.push(server);
      return server.port;
    },
    adopt(server) {
      running.push(server);
    },
  };
}

export async function tlsServer(onSecure: (socket: Socket) => void): Promise<Running> {
  const selfsigned = await import('selfsigned');
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'connreset.test' }], { keyType: 'ec' } as never);
  return listen(createTlsServer({ key: pems.private, cert: pems.cert }, onSecure));
}

/** Writes one byte a second, bounded to `count` bytes. */
export function trickle(socket: Socket, count: number): void {
  let sent = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || sent >= count) return clearInterval(timer);
    socket.write('.');
    sent++;
  }, 1000);
  socket.write('.');
  socket.on('close', () => clearInterval(timer));
}

/** Writes as fast as the client reads, bounded in total bytes. */
export function flood(socket: Socket, maxBytes: number): void {
  const chunk = Buffer.alloc(64 * 1024, 0x41);
  let written = 0;
  const pump = (): void => {
    while (!socket.destroyed && written < maxBytes) {
      written += chunk.length;
      if (!socket.write(chunk)) return void socket.once('drain', pump);
    }
  };
  pump();
}

/**
 * A listening socket that never accepts: a child process whose event loop is blocked after
 * listen(), with its accept queue filled by two connections. A further SYN is dropped by the
 * kernel, so a connect to it hangs, as towards a blackhole. The child exits by itself after
 * `lifetimeMs` if the test does not stop it first.
 */
export async function fullBacklog(lifetimeMs = 20_000): Promise<Running & { child: ChildProcess }> {
  const script = `
    const net = require('node:net');
    const server = net.createServer();
    server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
      process.stdout.write(server.address().port + '\\n', () => {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${lifetimeMs});
        process.exit(0);
      });
    });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  const port = Number(line.toString().trim());
  const fillers: Socket[] = [];
  for (let i = 0; i < 2; i++) {
    const s = connect(port, '127.0.0.1');
    s.on('error', () => undefined);
    await once(s, 'connect');
    fillers.push(s);
  }
  return {
    port,
    child,
    close: async () => {
      for (const s of fillers) s.destroy();
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
    },
  };
}
