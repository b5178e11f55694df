/**
 * Real servers from the distribution (nginx, redis-server) for the integration tests: each runs
 * in the foreground as a child of the test, bound to 127.0.0.1 on ports from freePort(), with a config
 * of the test's own in a temp directory (never the system service or its config), and is stopped
 * by its PID. A server that cannot start fails the test that asked for it, with its own log.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The binary's path, or null when it is not installed (Debian puts nginx in /usr/sbin). */
export function findBinary(name: string): string | null {
  for (const dir of ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin']) {
    const path = join(dir, name);
    if (spawnSync('test', ['-x', path]).status === 0) return path;
  }
  const which = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return which.status === 0 && which.stdout.trim() ? which.stdout.trim() : null;
}

/** Ports this test process has handed out: a port just freed can be handed out again at once. */
const handedOut = new Set<number>();

/**
 * Where this test process takes its ports: a slice of its own (by vitest's worker number) below
 * the range the kernel picks local ports from (ip_local_port_range). A port the kernel chose
 * (listen on 0) was free only until it was closed again: before the server bound it, another
 * worker's outgoing connection could be given it as its local port. Below that range the kernel
 * never hands out a port by itself, and the workers of one run (up to 64) take slices that do not
 * overlap. A port something else holds (a service in that range) is skipped when it is picked;
 * null: no room below the range (a machine configured so), and the kernel's choice is used.
 */
function portSlice(): { first: number; count: number } | null {
  let low = 32768;
  try {
    low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || low;
  } catch {
    // not Linux: the IANA dynamic range starts at 49152, 32768 stays below it
  }
  const first = 10_000;
  const slices = 64;
  const count = Math.floor((low - first) / slices);
  if (count < 50) return null;
  const worker = Math.max(1, Number(process.env.VITEST_POOL_ID ?? '1') || 1);
  // offset by the vitest process (the workers' parent): a second run on the same machine (a
  // shard, a watch run) most likely takes other slices than this one
  return { first: first + ((worker - 1 + process.ppid) % slices) * count, count };
}

const slice = portSlice();
// a random start: a later test file in the same worker does not take the same ports again at once
let nextInSlice = slice ? Math.floor(Math.random() * slice.count) : 0;

/**
 * A loopback port that was free when asked and that no earlier call in this process returned (the
 * kernel may give the same port to two binds in a row: two of nginx's server blocks on one port,
 * one of them `ssl`, refused to start once). Taken from this worker's slice (portSlice) when there
 * is one; a port something else holds is skipped.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const wanted = slice ? slice.first + (nextInSlice++ % slice.count) : 0;
    if (handedOut.has(wanted)) continue;
    const server = createServer();
    server.listen(wanted, '127.0.0.1');
    // not events.once: its 'listening' promise rejects on 'error' too, and the port would not be skipped
    const bound = await new Promise<boolean>((resolve) => {
      server.once('listening', () => resolve(true));
      server.once('error', () => resolve(false));
    });
    if (!bound) continue; // held by something else: the next one
    const address = server.address();
    server.close();
    await once(server, 'close');
    if (address === null || typeof address === 'string') throw new Error('no port');
    if (handedOut.has(address.port)) continue;
    handedOut.add(address.port);
    return address.port;
  }
  throw new Error('no free loopback port in 100 tries');
}

export interface RealServer {
  pid: number;
  dir: string;
  /** the server's own log so far (for failure messages) */
  log(): string;
  stop(): Promise<void>;
}

/** Waits (bounded) until the port accepts a connection: nginx says nothing when it is ready. */
async function acceptsConnections(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s: Socket = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50)); // nothing to await: the port is not open yet
  }
  throw new Error(`server did not listen on 127.0.0.1:${port}:\n${log()}`);
}

async function stopChild(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM'); // nginx: fast shutdown (the master ends its workers); redis: shutdown
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(dir, { recursive: true, force: true });
}

function start(command: string, args: string[], dir: string, logFile: string | null): { child: ChildProcess; log: () => string } {
  let output = '';
  const child = spawn(command, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
  const log = (): string => {
    let file = '';
    try {
      if (logFile) file = readFileSync(logFile, 'utf8');
    } catch {
      // not written yet
    }
    return `${output}${file}`.slice(-4000);
  };
  return { child, log };
}

/**
 * nginx with one `server {}` block per entry of `servers` (each its own listen port, the text
 * is the block's body), master in the foreground, error log at info level in the temp dir.
 */
export async function startNginx(
  binary: string,
  servers: { port: number; tls?: boolean; body: string }[],
  certificate: { cert: string; key: string } | null,
): Promise<RealServer> {
  const dir = mkdtempSync(join(tmpdir(), 'connreset-nginx-'));
  if (certificate) {
    writeFileSync(join(dir, 'cert.pem'), certificate.cert);
    writeFileSync(join(dir, 'key.pem'), certificate.key, { mode: 0o600 });
  }
  const blocks = servers.map(
    (s) =>
      `  server {\n    listen 127.0.0.1:${s.port}${s.tls ? ' ssl' : ''};\n` +
      (s.tls ? `    ssl_certificate ${dir}/cert.pem;\n    ssl_certificate_key ${dir}/key.pem;\n` : '') +
      `    ${s.body}\n  }`,
  );
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t};`);
  const conf = [
    'daemon off;',
    'master_process on;',
    'worker_processes 1;',
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/error.log info;`,
    'events { worker_connections 64; }',
    'http {',
    '  access_log off;',
    ...temp,
    ...blocks,
    '}',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'nginx.conf'), conf);
  // -e: the error log before the config is read (else /var/log/nginx/error.log); -p: our prefix
  const { child, log } = start(binary, ['-e', `${dir}/error.log`, '-p', dir, '-c', `${dir}/nginx.conf`], dir, `${dir}/error.log`);
  const server: RealServer = { pid: child.pid!, dir, log, stop: () => stopChild(child, dir) };
  try {
    for (const s of servers) await acceptsConnections(s.port, child, log);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/** redis-server with the given extra settings, in the foreground, persistence off. */
export async function startRedis(binary: string, port: number, settings: string[] = []): Promise<RealServer> {
  const dir = mkdtempSync(join(tmpdir(), 'connreset-redis-'));
  const conf = ['bind 127.0.0.1', `port ${port}`, 'daemonize no', 'save ""', 'appendonly no', `dir ${dir}`, 'logfile ""', ...settings, ''].join('\n');
  writeFileSync(join(dir, 'redis.conf'), conf);
  return ready(start(binary, [join(dir, 'redis.conf')], dir, null), dir, port);
}

/** The started server once `port` accepts connections; stopped (and the error passed on) if it never does. */
async function ready({ child, log }: { child: ChildProcess; log: () => string }, dir: string, port: number): Promise<RealServer> {
  const server: RealServer = { pid: child.pid!, dir, log, stop: () => stopChild(child, dir) };
  try {
    await acceptsConnections(port, child, log);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

export async function selfSignedCertificate(): Promise<{ cert: string; key: string }> {
  const selfsigned = await import('selfsigned');
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'connreset.test' }], { keyType: 'ec' } as never);
  return { cert: pems.cert, key: pems.private };
}

/**
 * Any server binary in the foreground (openssl s_server, haproxy -db, socat, python3 -m http.server),
 * started in a temp dir of its own, ready when `port` accepts connections, stopped by its PID.
 */
export async function startProcess(command: string, args: string[], port: number, files: Record<string, string> = {}): Promise<RealServer> {
  const dir = mkdtempSync(join(tmpdir(), 'connreset-real-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text.replaceAll('{dir}', dir));
  return ready(start(command, args.map((a) => a.replaceAll('{dir}', dir)), dir, null), dir, port);
}
