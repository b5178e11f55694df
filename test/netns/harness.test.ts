/**
 * The harness itself: the path client → router → server forwards, router rules act, and destroy()
 * leaves no namespace or process behind, also when the test using it failed half-way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { Topology, SERVER_ADDR, run, warnIfSkipped } from './harness.js';

const skip = warnIfSkipped('netns harness');

const ECHO_SERVER = `
const net = require('node:net');
net.createServer((s) => { s.on('error', () => {}); s.on('data', (d) => s.write(d)); }).listen(Number(process.argv[2]), process.argv[1]);
`;
const ECHO_CLIENT = `
const net = require('node:net');
const s = net.connect({ host: process.argv[1], port: Number(process.argv[2]) });
s.setTimeout(3000, () => { console.log('timeout'); process.exit(0); });
s.on('connect', () => s.write('ping'));
s.on('data', (d) => { console.log('reply:' + d); process.exit(0); });
s.on('error', (e) => { console.log(e.code); process.exit(0); });
`;

function namespaces(): string[] {
  return existsSync('/run/netns') ? readdirSync('/run/netns') : [];
}

describe.skipIf(skip)('netns harness', () => {
  let topo: Topology;
  beforeAll(async () => {
    topo = await Topology.create();
    topo.spawnIn(topo.server, process.execPath, ['-e', ECHO_SERVER, SERVER_ADDR, '7001']);
    await topo.waitForPort(topo.router, SERVER_ADDR, 7001);
  });
  afterAll(async () => {
    await topo?.destroy();
  });

  const client = async () => (await topo.exec(topo.client, process.execPath, ['-e', ECHO_CLIENT, SERVER_ADDR, '7001'])).stdout.trim();

  it('forwards client traffic through the router to the server, and router rules act on it', async () => {
    expect(await client()).toBe('reply:ping');
    await topo.rejectSyn(7001, 'icmp-admin-prohibited');
    expect(await client()).toBe('EHOSTUNREACH');
    await topo.clearRouter();
    await topo.rejectSyn(7001, 'tcp-reset');
    expect(await client()).toBe('ECONNREFUSED');
    await topo.clearRouter();
    expect(await client()).toBe('reply:ping');
  });

  it('removes namespaces left behind by a crashed earlier run (owner no longer alive), and only those', async () => {
    let deadPid = 4_000_000;
    while (existsSync(`/proc/${deadPid}`)) deadPid++;
    const stale = `crns-${deadPid}-0-c`;
    await run('ip', ['netns', 'add', stale]);
    try {
      const fresh = await Topology.create();
      await fresh.destroy();
      expect(namespaces()).not.toContain(stale);
      // our own live topology was left alone
      expect(namespaces()).toContain(topo.client);
    } finally {
      await run('ip', ['netns', 'del', stale]);
    }
  });

  it('destroy() removes its namespaces and kills its processes', async () => {
    const other = await Topology.create();
    const proc = other.spawnIn(other.server, process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    expect(namespaces()).toContain(other.server);
    await other.destroy();
    expect(await proc.exited).toBeNull(); // killed by a signal, not exited on its own
    for (const ns of [other.client, other.router, other.server]) expect(namespaces()).not.toContain(ns);
  });
});
