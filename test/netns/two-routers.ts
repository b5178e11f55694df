/**
 * A four-namespace path for the locate tests: client → r1 → r2 → server, IPv4 and IPv6, each
 * router forwarding and decrementing the TTL, so the server sits at hop 3:
 *
 *   client 10.232.1.2 / fd32:1::2
 *     r1   10.232.1.1 | 10.232.2.1   (fd32:1::1 | fd32:2::1)   hop 1
 *     r2   10.232.2.2 | 10.232.3.1   (fd32:2::2 | fd32:3::1)   hop 2
 *   server 10.232.3.2 / fd32:3::2                              hop 3
 *
 * The server runs locate-server.mjs (echo; RESETME → RST with SO_LINGER 0). Middlebox behaviour
 * goes on the routers with iptables/ip6tables (`iptables(router, family, args)`). Built with the
 * harness's builder (buildNamespaces) and its namespace prefix, so a crashed run's namespaces are cleaned up by the
 * next one; `destroy()` removes everything and never throws.
 *
 * The routers' ICMP rate limits are turned off: Linux lets a router send roughly one ICMP error
 * per second per destination after a small burst, and the tests run many TTL-limited attempts
 * back to back; real routers rate-limit, which locate reports as hops that did not answer.
 */
import { fileURLToPath } from 'node:url';
import { BIN, buildNamespaces, deleteNamespace, must, nsSysctl, parseJson, removeStaleNamespaces, run, type ExecResult, type RunningProcess } from './harness.js';
import { spawn } from 'node:child_process';

const SERVER_SCRIPT = fileURLToPath(new URL('./locate-server.mjs', import.meta.url));

export const PATH4 = { client: '10.232.1.2', r1: '10.232.1.1', r2: '10.232.2.2', server: '10.232.3.2' } as const;
export const PATH6 = { client: 'fd32:1::2', r1: 'fd32:1::1', r2: 'fd32:2::2', server: 'fd32:3::2' } as const;
export const SERVER_PORT = 8080;

let counter = 0;

export class TwoRouterPath {
  readonly client: string;
  readonly r1: string;
  readonly r2: string;
  readonly server: string;
  private readonly tag: string;
  private serverProc: RunningProcess | null = null;

  private constructor(tag: string) {
    this.tag = tag;
    const base = `crns-${process.pid}-l${tag}`;
    this.client = `${base}-c`;
    this.r1 = `${base}-r1`;
    this.r2 = `${base}-r2`;
    this.server = `${base}-s`;
  }

  static async create(): Promise<TwoRouterPath> {
    await removeStaleNamespaces();
    const path = new TwoRouterPath(String(counter++));
    try {
      await path.build();
      await path.startServer();
    } catch (error) {
      await path.destroy();
      throw error;
    }
    return path;
  }

  private build(): Promise<void> {
    const stem = `cl${process.pid.toString(36)}${this.tag}`;
    const dev = (x: string): string => `${stem}${x}`;
    return buildNamespaces({
      namespaces: [this.client, this.r1, this.r2, this.server],
      links: [
        { a: { ns: this.client, dev: dev('a'), addrs: ['10.232.1.2/24', 'fd32:1::2/64'] }, b: { ns: this.r1, dev: dev('b'), addrs: ['10.232.1.1/24', 'fd32:1::1/64'] } },
        { a: { ns: this.r1, dev: dev('c'), addrs: ['10.232.2.1/24', 'fd32:2::1/64'] }, b: { ns: this.r2, dev: dev('d'), addrs: ['10.232.2.2/24', 'fd32:2::2/64'] } },
        { a: { ns: this.r2, dev: dev('e'), addrs: ['10.232.3.1/24', 'fd32:3::1/64'] }, b: { ns: this.server, dev: dev('f'), addrs: ['10.232.3.2/24', 'fd32:3::2/64'] } },
      ],
      routes: [
        [this.client, ['route', 'add', 'default', 'via', '10.232.1.1']],
        [this.client, ['-6', 'route', 'add', 'default', 'via', 'fd32:1::1']],
        [this.r1, ['route', 'add', '10.232.3.0/24', 'via', '10.232.2.2']],
        [this.r1, ['-6', 'route', 'add', 'fd32:3::/64', 'via', 'fd32:2::2']],
        [this.r2, ['route', 'add', '10.232.1.0/24', 'via', '10.232.2.1']],
        [this.r2, ['-6', 'route', 'add', 'fd32:1::/64', 'via', 'fd32:2::1']],
        [this.server, ['route', 'add', 'default', 'via', '10.232.3.1']],
        [this.server, ['-6', 'route', 'add', 'default', 'via', 'fd32:3::1']],
      ],
      routers: [this.r1, this.r2].map((ns) => ({ ns, ipv6: true, icmpRateLimit: false })),
    });
  }

  sysctl(ns: string, key: string, value: string): Promise<void> {
    return nsSysctl(ns, key, value);
  }

  /** A rule on a router: iptables for IPv4, ip6tables for IPv6. */
  async iptables(router: 'r1' | 'r2', family: 4 | 6, args: string[]): Promise<void> {
    await must('ip', ['netns', 'exec', this[router], family === 6 ? 'ip6tables' : 'iptables', '-w', ...args]);
  }

  /** Every router rule gone, conntrack timeouts back to their defaults. */
  async clearRouters(): Promise<void> {
    for (const router of ['r1', 'r2'] as const) {
      for (const family of [4, 6] as const) await this.iptables(router, family, ['-F', 'FORWARD']);
      await this.sysctl(this[router], 'net.netfilter.nf_conntrack_tcp_timeout_established', '432000').catch(() => undefined);
    }
  }

  private async startServer(): Promise<void> {
    const child = spawn('ip', ['netns', 'exec', this.server, process.execPath, SERVER_SCRIPT, String(SERVER_PORT)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    this.serverProc = { pid: child.pid!, child, stdout: () => out, stderr: () => '', exited };
    // the server prints "listening" once bound: wait for that line (bounded), not for a fixed time
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('locate-server did not start within 10 s')), 10_000);
      const check = (): void => {
        if (out.includes('listening')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', check);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`locate-server exited (${code})`));
      });
    });
  }

  /** `connreset probe TARGET --json --locate …` in the client namespace, optionally as another user or with extra env. */
  async probe<T>(target: string, args: string[], { user, env = [] }: { user?: string; env?: string[] } = {}): Promise<{ json: T; result: ExecResult }> {
    const asUser = user ? ['setpriv', `--reuid=${user}`, `--regid=${user}`, '--clear-groups'] : [];
    const result = await run('ip', ['netns', 'exec', this.client, ...asUser, 'env', 'NO_COLOR=1', ...env, process.execPath, BIN, 'probe', target, '--json', ...args], 60_000);
    return { json: parseJson<T>(result, `probe ${target}`), result };
  }

  async destroy(): Promise<void> {
    const proc = this.serverProc;
    if (proc && proc.child.exitCode === null) {
      try {
        process.kill(proc.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
      await Promise.race([proc.exited, new Promise((r) => setTimeout(r, 2_000))]);
    }
    for (const ns of [this.client, this.r1, this.r2, this.server]) await deleteNamespace(ns);
  }
}
