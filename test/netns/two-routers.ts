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
 * harness's helpers and its namespace prefix, so a crashed run's namespaces are cleaned up by the
 * next one; `destroy()` removes everything and never throws.
 *
 * The routers' ICMP rate limits are turned off: Linux lets a router send roughly one ICMP error
 * per second per destination after a small burst, and the tests run many TTL-limited attempts
 * back to back; real routers rate-limit, which locate reports as hops that did not answer.
 */
import { fileURLToPath } from 'node:url';
import { BIN, deleteNamespace, must, parseJson, removeStaleNamespaces, run, type ExecResult, type RunningProcess } from './harness.js';
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

  private async build(): Promise<void> {
    const stem = `cl${process.pid.toString(36)}${this.tag}`;
    const [c1, r1c, r1r2, r2r1, r2s, s2] = ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => `${stem}${x}`) as [string, string, string, string, string, string];
    for (const ns of [this.client, this.r1, this.r2, this.server]) {
      await must('ip', ['netns', 'add', ns]);
      await must('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    }
    await must('ip', ['link', 'add', c1, 'netns', this.client, 'type', 'veth', 'peer', 'name', r1c, 'netns', this.r1]);
    await must('ip', ['link', 'add', r1r2, 'netns', this.r1, 'type', 'veth', 'peer', 'name', r2r1, 'netns', this.r2]);
    await must('ip', ['link', 'add', r2s, 'netns', this.r2, 'type', 'veth', 'peer', 'name', s2, 'netns', this.server]);
    const links: [string, string, string, string][] = [
      [this.client, c1, '10.232.1.2/24', 'fd32:1::2/64'],
      [this.r1, r1c, '10.232.1.1/24', 'fd32:1::1/64'],
      [this.r1, r1r2, '10.232.2.1/24', 'fd32:2::1/64'],
      [this.r2, r2r1, '10.232.2.2/24', 'fd32:2::2/64'],
      [this.r2, r2s, '10.232.3.1/24', 'fd32:3::1/64'],
      [this.server, s2, '10.232.3.2/24', 'fd32:3::2/64'],
    ];
    for (const [ns, dev, v4, v6] of links) {
      await must('ip', ['-n', ns, 'addr', 'add', v4, 'dev', dev]);
      // nodad: the address is usable at once, not after duplicate address detection
      await must('ip', ['-n', ns, '-6', 'addr', 'add', v6, 'dev', dev, 'nodad']);
      await must('ip', ['-n', ns, 'link', 'set', dev, 'up']);
    }
    const routes: [string, string[]][] = [
      [this.client, ['route', 'add', 'default', 'via', '10.232.1.1']],
      [this.client, ['-6', 'route', 'add', 'default', 'via', 'fd32:1::1']],
      [this.r1, ['route', 'add', '10.232.3.0/24', 'via', '10.232.2.2']],
      [this.r1, ['-6', 'route', 'add', 'fd32:3::/64', 'via', 'fd32:2::2']],
      [this.r2, ['route', 'add', '10.232.1.0/24', 'via', '10.232.2.1']],
      [this.r2, ['-6', 'route', 'add', 'fd32:1::/64', 'via', 'fd32:2::1']],
      [this.server, ['route', 'add', 'default', 'via', '10.232.3.1']],
      [this.server, ['-6', 'route', 'add', 'default', 'via', 'fd32:3::1']],
    ];
    for (const [ns, args] of routes) await must('ip', ['-n', ns, ...args]);
    for (const router of [this.r1, this.r2]) {
      await this.sysctl(router, 'net.ipv4.ip_forward', '1');
      await this.sysctl(router, 'net.ipv6.conf.all.forwarding', '1');
      await this.sysctl(router, 'net.ipv4.icmp_ratelimit', '0');
      await this.sysctl(router, 'net.ipv6.icmp.ratelimit', '0');
    }
  }

  async sysctl(ns: string, key: string, value: string): Promise<void> {
    await must('ip', ['netns', 'exec', ns, 'sh', '-c', `echo ${value} > /proc/sys/${key.replaceAll('.', '/')}`]);
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
