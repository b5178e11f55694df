/**
 * Network-namespace test harness: client ns ↔ router ns ↔ server ns, joined by veth pairs, with
 * private addresses that exist only inside these namespaces. The router forwards between the two
 * links and is where per-test middlebox behaviour goes (iptables REJECT/DROP, conntrack expiry,
 * NAT). The project's lab runs in the server namespace, the probe in the client namespace, both as
 * real processes of the built CLI (`node bin/connreset.js …` under `ip netns exec`).
 *
 * Every namespace (and with it every veth) and every process is created by the harness and removed
 * by `destroy()`, which test files call from afterAll; destroy() never throws. Namespaces left
 * behind by a crashed earlier run of this harness (same prefix, owner pid no longer alive) are
 * removed when a topology is created.
 *
 * There is no `tc netem` on these machines: latency comes from a delaying TCP proxy of the
 * project's own (delay-proxy.mjs) run in the router namespace; packet loss from iptables'
 * statistic match on the router's FORWARD chain (`dropPackets()`), deterministic (every Nth
 * matching packet) or random, so that TCP's own retransmissions show in the probe's timings.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/connreset.js', import.meta.url));
export const DELAY_PROXY = fileURLToPath(new URL('./delay-proxy.mjs', import.meta.url));
const PORT_WAITER = fileURLToPath(new URL('./wait-port.mjs', import.meta.url));

/** Prefix of every namespace this harness creates: `crns-<pid>-<n>-<role>`. */
const NS_PREFIX = 'crns-';

export const CLIENT_ADDR = '10.231.1.2';
export const ROUTER_CLIENT_SIDE = '10.231.1.1';
export const ROUTER_SERVER_SIDE = '10.231.2.1';
export const SERVER_ADDR = '10.231.2.2';
/** An address on the server's link that no host owns: the router's ARP for it fails. */
export const ABSENT_HOST_ADDR = '10.231.2.99';

/** Whether namespace tests can run here, and if not, why (printed by the tests). */
export function netnsSupport(): { ok: true } | { ok: false; reason: string } {
  if (process.platform !== 'linux') return { ok: false, reason: 'network-namespace tests need Linux' };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'network-namespace tests need root (run .ci/run as root)' };
  const path = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin']);
  for (const tool of ['ip', 'iptables']) {
    if (!path.some((dir) => existsSync(`${dir}/${tool}`))) {
      return { ok: false, reason: `network-namespace tests need \`${tool}\` (apt-get install iproute2 iptables)` };
    }
  }
  return { ok: true };
}

/** Announces a skipped namespace suite visibly, so a green run without root is not mistaken for coverage. */
export function warnIfSkipped(suite: string): boolean {
  const support = netnsSupport();
  if (!support.ok) console.warn(`[netns] skipping "${suite}": ${support.reason}`);
  return !support.ok;
}

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, bounded in time; never rejects on a non-zero exit. */
export function run(cmd: string, args: string[], timeoutMs = 20_000): Promise<ExecResult> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** Like run() but throws with the command line and its stderr when it fails. */
export async function must(cmd: string, args: string[], timeoutMs?: number): Promise<string> {
  const result = await run(cmd, args, timeoutMs);
  if (result.code !== 0) {
    throw new Error(`\`${cmd} ${args.join(' ')}\` exited ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`);
  }
  return result.stdout;
}

export type RejectWith = 'tcp-reset' | 'icmp-port-unreachable' | 'icmp-host-unreachable' | 'icmp-admin-prohibited' | 'icmp-net-unreachable';

export interface ConntrackExpiry {
  /** nf_conntrack_tcp_timeout_established in the router, seconds */
  establishedTimeoutS: number;
  /** what the router does with a packet of a connection whose state expired */
  onInvalid: 'reject' | 'drop';
}

/** Which way a dropped packet was going through the router. */
export type LossDirection = 'to_server' | 'to_client';

/**
 * Which packets a loss rule picks, by TCP flags: 'syn' the opening SYN (to the server) or SYN-ACK
 * (to the client); 'data' segments with PSH set, i.e. the last (usually only) segment of each
 * write, not the middle segments of a bulk transfer; 'fin' any segment with FIN set; 'any' all.
 */
export type LossKind = 'any' | 'syn' | 'data' | 'fin';

/**
 * How often: `every: N` drops the first of every N matching packets (1st, N+1th, …; N = 2 drops a
 * packet and lets its retransmission through), deterministic for tests; `probability: p` drops
 * each matching packet with probability p, for demos and benchmarks.
 */
export type LossPattern = { every: number } | { probability: number };

export interface PacketLoss {
  direction: LossDirection;
  kind?: LossKind;
  /** only the connection to (or from) this server port; all TCP when absent */
  port?: number;
  pattern: LossPattern;
}

const LOSS_FLAGS: Readonly<Record<LossKind, Readonly<Record<LossDirection, string[]>>>> = {
  any: { to_server: [], to_client: [] },
  syn: { to_server: ['--tcp-flags', 'SYN,ACK,RST,FIN', 'SYN'], to_client: ['--tcp-flags', 'SYN,ACK,RST,FIN', 'SYN,ACK'] },
  data: { to_server: ['--tcp-flags', 'SYN,RST,PSH', 'PSH'], to_client: ['--tcp-flags', 'SYN,RST,PSH', 'PSH'] },
  fin: { to_server: ['--tcp-flags', 'FIN', 'FIN'], to_client: ['--tcp-flags', 'FIN', 'FIN'] },
};

/** The iptables arguments of one loss rule (FORWARD chain), exported for the harness's own test. */
export function packetLossRule({ direction, kind = 'any', port, pattern }: PacketLoss): string[] {
  const where =
    direction === 'to_server'
      ? ['-d', SERVER_ADDR, ...(port === undefined ? [] : ['--dport', String(port)])]
      : ['-s', SERVER_ADDR, ...(port === undefined ? [] : ['--sport', String(port)])];
  let statistic: string[];
  if ('every' in pattern) {
    if (!Number.isInteger(pattern.every) || pattern.every < 1) throw new Error(`bad loss pattern: every ${pattern.every}`);
    statistic = ['--mode', 'nth', '--every', String(pattern.every), '--packet', '0'];
  } else {
    if (!(pattern.probability > 0 && pattern.probability <= 1)) throw new Error(`bad loss pattern: probability ${pattern.probability}`);
    statistic = ['--mode', 'random', '--probability', String(pattern.probability)];
  }
  return ['-A', 'FORWARD', '-p', 'tcp', ...where, ...LOSS_FLAGS[kind][direction], '-m', 'statistic', ...statistic, '-j', 'DROP'];
}

export interface RunningProcess {
  pid: number;
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** resolves with the exit code once the process has exited */
  exited: Promise<number | null>;
}

export interface CliRun extends ExecResult {
  ms: number;
}

export interface ProbeRun<T = unknown> extends CliRun {
  /** the parsed --json document */
  json: T;
}

let topologyCounter = 0;

/** A veth pair between two namespaces, and the addresses of each end (IPv6 ones contain ':'). */
export interface VethLink {
  a: { ns: string; dev: string; addrs: string[] };
  b: { ns: string; dev: string; addrs: string[] };
}

/** A namespace path: its namespaces, the veth pairs between them, routes, and which namespaces forward. */
export interface NamespacePlan {
  namespaces: string[];
  links: VethLink[];
  routes: [ns: string, args: string[]][];
  routers: { ns: string; ipv6: boolean; icmpRateLimit: boolean }[];
}

/**
 * Builds a plan: every namespace with lo up, each veth pair with its addresses (IPv6 with nodad,
 * usable at once rather than after duplicate address detection), the routes, and forwarding on
 * the routers. `icmpRateLimit: false` lifts Linux's roughly one ICMP error per second per
 * destination, for tests that send many TTL-limited packets back to back. The one builder of
 * Topology and TwoRouterPath (two-routers.ts).
 */
export async function buildNamespaces(plan: NamespacePlan): Promise<void> {
  for (const ns of plan.namespaces) {
    await must('ip', ['netns', 'add', ns]);
    await must('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  }
  for (const { a, b } of plan.links) {
    await must('ip', ['link', 'add', a.dev, 'netns', a.ns, 'type', 'veth', 'peer', 'name', b.dev, 'netns', b.ns]);
    for (const end of [a, b]) {
      for (const addr of end.addrs) {
        await must('ip', addr.includes(':') ? ['-n', end.ns, '-6', 'addr', 'add', addr, 'dev', end.dev, 'nodad'] : ['-n', end.ns, 'addr', 'add', addr, 'dev', end.dev]);
      }
      await must('ip', ['-n', end.ns, 'link', 'set', end.dev, 'up']);
    }
  }
  for (const [ns, args] of plan.routes) await must('ip', ['-n', ns, ...args]);
  for (const r of plan.routers) {
    await nsSysctl(r.ns, 'net.ipv4.ip_forward', '1');
    if (r.ipv6) await nsSysctl(r.ns, 'net.ipv6.conf.all.forwarding', '1');
    if (!r.icmpRateLimit) {
      await nsSysctl(r.ns, 'net.ipv4.icmp_ratelimit', '0');
      if (r.ipv6) await nsSysctl(r.ns, 'net.ipv6.icmp.ratelimit', '0');
    }
  }
}

/** Sets a per-namespace sysctl through /proc/sys (no dependency on procps' sysctl binary). */
export async function nsSysctl(ns: string, key: string, value: string): Promise<void> {
  if (!/^[a-z0-9_.]+$/.test(key) || !/^\d+$/.test(value)) throw new Error(`bad sysctl ${key}=${value}`);
  await must('ip', ['netns', 'exec', ns, 'sh', '-c', `echo ${value} > /proc/sys/${key.replaceAll('.', '/')}`]);
}

/**
 * One client/router/server network. Create with `Topology.create()`, always `destroy()` it.
 * Router rules apply to traffic forwarded towards the server address.
 */
export class Topology {
  readonly client: string;
  readonly router: string;
  readonly server: string;
  readonly clientAddr = CLIENT_ADDR;
  readonly serverAddr = SERVER_ADDR;
  readonly routerClientSide = ROUTER_CLIENT_SIDE;
  readonly routerServerSide = ROUTER_SERVER_SIDE;
  private readonly processes = new Set<RunningProcess>();
  private readonly tag: string;

  private constructor(tag: string) {
    this.tag = tag;
    const base = `${NS_PREFIX}${process.pid}-${tag}`;
    this.client = `${base}-c`;
    this.router = `${base}-r`;
    this.server = `${base}-s`;
  }

  static async create(): Promise<Topology> {
    await removeStaleNamespaces();
    const topo = new Topology(String(topologyCounter++));
    try {
      await topo.build();
    } catch (error) {
      await topo.destroy();
      throw error;
    }
    return topo;
  }

  private async build(): Promise<void> {
    // veth names are limited to 15 characters: a short per-process, per-topology stem
    const stem = `cr${process.pid.toString(36)}${this.tag}`;
    await buildNamespaces({
      namespaces: [this.client, this.router, this.server],
      links: [
        { a: { ns: this.client, dev: `${stem}cr`, addrs: [`${CLIENT_ADDR}/24`] }, b: { ns: this.router, dev: `${stem}rc`, addrs: [`${ROUTER_CLIENT_SIDE}/24`] } },
        { a: { ns: this.router, dev: `${stem}rs`, addrs: [`${ROUTER_SERVER_SIDE}/24`] }, b: { ns: this.server, dev: `${stem}sr`, addrs: [`${SERVER_ADDR}/24`] } },
      ],
      routes: [
        [this.client, ['route', 'add', 'default', 'via', ROUTER_CLIENT_SIDE]],
        [this.server, ['route', 'add', 'default', 'via', ROUTER_SERVER_SIDE]],
      ],
      routers: [{ ns: this.router, ipv6: false, icmpRateLimit: true }],
    });
  }

  /** Runs a command inside a namespace. */
  exec(ns: string, cmd: string, args: string[], timeoutMs?: number): Promise<ExecResult> {
    return run('ip', ['netns', 'exec', ns, cmd, ...args], timeoutMs);
  }

  /** Sets a per-namespace sysctl (see nsSysctl). */
  sysctl(ns: string, key: string, value: string): Promise<void> {
    return nsSysctl(ns, key, value);
  }

  /** Appends an iptables rule in the router (filter table unless `-t` is given in args). */
  async iptables(args: string[]): Promise<void> {
    await must('ip', ['netns', 'exec', this.router, 'iptables', '-w', ...args]);
  }

  /** Rejects new connections (SYNs) to the server's port, as a firewall REJECT rule does. */
  rejectSyn(port: number, rejectWith: RejectWith): Promise<void> {
    return this.iptables([
      '-A', 'FORWARD', '-p', 'tcp', '-d', SERVER_ADDR, '--dport', String(port), '--syn',
      '-j', 'REJECT', '--reject-with', rejectWith,
    ]);
  }

  /** Silently drops new connections (SYNs) to the server's port. */
  dropSyn(port: number): Promise<void> {
    return this.iptables(['-A', 'FORWARD', '-p', 'tcp', '-d', SERVER_ADDR, '--dport', String(port), '--syn', '-j', 'DROP']);
  }

  /**
   * Resets established traffic towards the server whose payload contains `containing`, as an IPS
   * or content filter does: the connection itself is let through, the request is answered by RST.
   */
  rejectData(port: number, containing: string): Promise<void> {
    return this.iptables([
      '-A', 'FORWARD', '-p', 'tcp', '-d', SERVER_ADDR, '--dport', String(port),
      '-m', 'conntrack', '--ctstate', 'ESTABLISHED', '-m', 'string', '--algo', 'bm', '--string', containing,
      '-j', 'REJECT', '--reject-with', 'tcp-reset',
    ]);
  }

  /**
   * A stateful middlebox that forgets idle connections: the router's connection tracking expires
   * established entries after `establishedTimeoutS` of silence, and packets of a forgotten
   * connection (INVALID, since loose pickup is off) are reset (like a NAT gateway) or dropped
   * (like many load balancers and cloud firewalls). The server never hears of it.
   */
  async conntrackExpiry({ establishedTimeoutS, onInvalid }: ConntrackExpiry): Promise<void> {
    // the INVALID rule loads conntrack in this namespace, which creates the sysctls below
    await this.iptables([
      '-A', 'FORWARD', '-p', 'tcp', '-m', 'conntrack', '--ctstate', 'INVALID',
      ...(onInvalid === 'reject' ? ['-j', 'REJECT', '--reject-with', 'tcp-reset'] : ['-j', 'DROP']),
    ]);
    await this.sysctl(this.router, 'net.netfilter.nf_conntrack_tcp_loose', '0');
    await this.sysctl(this.router, 'net.netfilter.nf_conntrack_tcp_timeout_established', String(establishedTimeoutS));
  }

  /**
   * Drops packets on the router (FORWARD chain), as a lossy link would, leaving TCP to retransmit.
   * Like every router rule it goes with clearRouter() and with the router namespace in destroy().
   * Appended after earlier rules, so it only sees packets they let through.
   */
  dropPackets(loss: PacketLoss): Promise<void> {
    return this.iptables(packetLossRule(loss));
  }

  /** Packets dropped so far by the router's loss rules (their iptables counters), in rule order. */
  async droppedPackets(): Promise<number[]> {
    const listing = await must('ip', ['netns', 'exec', this.router, 'iptables', '-w', '-L', 'FORWARD', '-v', '-n', '-x']);
    return listing
      .split('\n')
      .filter((line) => /\bstatistic mode\b/.test(line) && /\bDROP\b/.test(line))
      .map((line) => Number(line.trim().split(/\s+/)[0]));
  }

  /** Source-NATs the client behind the router's server-side address (a NAT gateway). */
  masquerade(): Promise<void> {
    return this.iptables(['-t', 'nat', '-A', 'POSTROUTING', '-s', `${CLIENT_ADDR}/32`, '-j', 'MASQUERADE']);
  }

  /** Removes every router rule and forgets tracked connections, for the next test. */
  async clearRouter(): Promise<void> {
    await this.iptables(['-F', 'FORWARD']);
    await this.iptables(['-t', 'nat', '-F', 'POSTROUTING']);
    // flushing the conntrack table needs the conntrack tool; fall back to a short-lived reset of
    // the timeout, which is enough because tests use fresh ports per case
    await this.sysctl(this.router, 'net.netfilter.nf_conntrack_tcp_timeout_established', '432000').catch(() => undefined);
  }

  /** Spawns a long-running process inside a namespace, tracked so destroy() kills it by PID. */
  spawnIn(ns: string, cmd: string, args: string[]): RunningProcess {
    // `ip netns exec` execs the command in place, so the child's PID is the command's own
    const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
    const exited = new Promise<number | null>((resolve) => {
      child.on('exit', (code) => resolve(code));
      child.on('error', () => resolve(null));
    });
    if (child.pid === undefined) throw new Error(`could not spawn ${cmd} in ${ns}`);
    const proc: RunningProcess = { pid: child.pid, child, stdout: () => out, stderr: () => err, exited };
    this.processes.add(proc);
    void exited.then(() => this.processes.delete(proc));
    return proc;
  }

  /** Waits (bounded) until something accepts TCP connections on addr:port, seen from `ns`. */
  async waitForPort(ns: string, addr: string, port: number, timeoutMs = 10_000): Promise<void> {
    const result = await this.exec(ns, process.execPath, [PORT_WAITER, addr, String(port), String(timeoutMs)], timeoutMs + 5_000);
    if (result.code !== 0) throw new Error(`nothing accepted connections on ${addr}:${port} in ${ns} within ${timeoutMs} ms`);
  }

  /**
   * Starts `connreset lab` in the server namespace, bound to the server address, and waits until
   * it has printed its listing (it does once every scenario's port is bound: the lab binds them one
   * after another, so the first port accepting says nothing of the others) and `readyPort` accepts
   * connections (from the router, so client-side router rules do not matter).
   */
  async startLab(basePort: number, extraArgs: string[] = [], readyPort = basePort, timeoutMs = 10_000): Promise<RunningProcess> {
    const lab = this.spawnIn(this.server, process.execPath, [BIN, 'lab', '--host', SERVER_ADDR, '--port', String(basePort), ...extraArgs]);
    const listed = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`lab printed no listing within ${timeoutMs} ms: ${lab.stderr().trim()}`)), timeoutMs);
      const check = (): void => {
        if (!/fault scenarios on/.test(lab.stdout())) return;
        clearTimeout(timer);
        lab.child.stdout?.off('data', check);
        resolve();
      };
      lab.child.stdout?.on('data', check);
      void lab.exited.then(() => clearTimeout(timer));
      check();
    });
    try {
      await Promise.race([
        listed.then(() => this.waitForPort(this.router, SERVER_ADDR, readyPort)),
        lab.exited.then((code) => {
          throw new Error(`lab exited (${code}) before listening: ${lab.stderr().trim()}`);
        }),
      ]);
    } catch (error) {
      await this.stop(lab);
      throw error;
    }
    return lab;
  }

  /**
   * Starts the delaying TCP proxy in the router namespace: it listens on the router's client-side
   * address and forwards to the server, holding every chunk `delayMs` in each direction.
   */
  async startDelayProxy(listenPort: number, targetPort: number, delayMs: number): Promise<RunningProcess> {
    const proxy = this.spawnIn(this.router, process.execPath, [
      DELAY_PROXY, ROUTER_CLIENT_SIDE, String(listenPort), SERVER_ADDR, String(targetPort), String(delayMs),
    ]);
    try {
      await this.waitForPort(this.router, ROUTER_CLIENT_SIDE, listenPort);
    } catch (error) {
      await this.stop(proxy);
      throw error;
    }
    return proxy;
  }

  /** Runs the built CLI in a namespace (the client by default) and collects its output. */
  async cli(args: string[], { ns = this.client, timeoutMs = 60_000 }: { ns?: string; timeoutMs?: number } = {}): Promise<CliRun> {
    const start = performance.now();
    const result = await run('ip', ['netns', 'exec', ns, 'env', 'NO_COLOR=1', process.execPath, BIN, ...args], timeoutMs);
    return { ...result, ms: performance.now() - start };
  }

  /** `connreset probe TARGET --json …` in the client namespace, with the JSON parsed. */
  async probe<T = unknown>(target: string, args: string[] = [], timeoutMs?: number): Promise<ProbeRun<T>> {
    const result = await this.cli(['probe', target, '--json', ...args], timeoutMs === undefined ? {} : { timeoutMs });
    return { ...result, json: parseJson<T>(result, `probe ${target}`) };
  }

  /** Kills one tracked process by PID and waits (bounded) for it to exit. */
  async stop(proc: RunningProcess): Promise<void> {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
    try {
      process.kill(proc.pid, 'SIGTERM');
    } catch {
      return;
    }
    const killer = setTimeout(() => {
      try {
        process.kill(proc.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, 2_000);
    await Promise.race([proc.exited, new Promise((r) => setTimeout(r, 5_000))]);
    clearTimeout(killer);
  }

  /** Kills every process and deletes the namespaces (their veths go with them). Never throws. */
  async destroy(): Promise<void> {
    await Promise.all([...this.processes].map((p) => this.stop(p).catch(() => undefined)));
    for (const ns of [this.client, this.router, this.server]) await deleteNamespace(ns);
  }
}

export function parseJson<T>(result: ExecResult, what: string): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`${what}: stdout is not JSON (exit ${result.code}); stderr: ${result.stderr.trim().slice(0, 500)}; stdout: ${result.stdout.slice(0, 500)}`);
  }
}

export async function deleteNamespace(ns: string): Promise<void> {
  // processes still inside (e.g. from a crashed run) keep a namespace alive: stop them first
  const pids = await run('ip', ['netns', 'pids', ns]);
  for (const pid of pids.stdout.split(/\s+/).filter(Boolean).map(Number)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  await run('ip', ['netns', 'del', ns]);
}

/** Deletes namespaces of this harness whose creating process is no longer alive. */
export async function removeStaleNamespaces(): Promise<void> {
  let names: string[];
  try {
    names = readdirSync('/run/netns');
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(NS_PREFIX)) continue;
    const owner = Number(name.slice(NS_PREFIX.length).split('-')[0]);
    if (!Number.isInteger(owner) || owner === process.pid || existsSync(`/proc/${owner}`)) continue;
    await deleteNamespace(name);
  }
}
