/**
 * Many scrapes at once: the exporter never runs more probes than its cap (the target itself
 * counts the connections open at the same time), the rest get 503 with one line, and when it is
 * over the process holds no more file descriptors than before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import { readdirSync } from 'node:fs';
import type { Exporter } from '../../src/serve/server.js';
import { get, probeUrl, readMetrics, startTestExporter } from './helpers.js';

const CAP = 8;
const SCRAPES = 120;

/** A target that holds each connection without replying until told, and records how many it held at once. */
let target: Server;
let targetPort: number;
const open = new Set<Socket>();
let maxOpen = 0;
let exporter: Exporter;

const fds = (): number => readdirSync('/proc/self/fd').length;

beforeAll(async () => {
  target = createServer((s) => {
    open.add(s);
    maxOpen = Math.max(maxOpen, open.size);
    s.on('error', () => undefined);
    s.on('close', () => open.delete(s));
    s.resume();
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  targetPort = (target.address() as { port: number }).port;
  // the probe sends a line and waits for a reply that never comes: each probe holds its connection
  // ~300 ms. followup: false, so that each probe is one connection and the target's count is the cap's
  exporter = await startTestExporter(`modules:\n  hold:\n    send: "text:hello\\n"\n    reply_timeout: 300ms\n    followup: false\n    allow: { cidrs: [127.0.0.1/32] }\n`, { maxConcurrent: CAP });
});
afterAll(async () => {
  await exporter?.close();
  for (const s of open) s.destroy();
  await new Promise<void>((r) => target?.close(() => r()));
});

describe.skipIf(process.platform !== 'linux')('concurrency cap and file descriptors', () => {
  it(`${SCRAPES} scrapes at once: at most ${CAP} probes run, the others get 503; fds return to the baseline`, async () => {
    // warm up once so that lazily opened files (modules, the event-loop monitor) are in the baseline
    await get(probeUrl(exporter, { target: `127.0.0.1:${targetPort}`, module: 'hold' }));
    const baseline = fds();
    maxOpen = 0;

    const replies = await Promise.all(Array.from({ length: SCRAPES }, () => get(probeUrl(exporter, { target: `127.0.0.1:${targetPort}`, module: 'hold' }))));
    const byStatus = new Map<number, number>();
    for (const r of replies) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
    expect([...byStatus.keys()].sort()).toEqual([200, 503]);
    expect(byStatus.get(200)).toBeGreaterThanOrEqual(CAP);
    expect(maxOpen).toBeLessThanOrEqual(CAP);
    expect(maxOpen).toBeGreaterThan(0);
    for (const r of replies.filter((x) => x.status === 503)) {
      expect(r.body).toMatch(/^too many probes in flight \(limit 8\)/);
      expect(r.body.trimEnd().split('\n')).toHaveLength(1);
    }
    for (const r of replies.filter((x) => x.status === 200)) expect(r.body).toMatch(/^probe_connreset_outcome\{outcome="no_reply"\} 1$/m);

    const m = readMetrics((await get(`${exporter.url}/metrics`)).body);
    expect(m.samples.find((s) => s.name === 'connreset_serve_probes_in_flight')?.value).toBe(0);
    expect(m.samples.find((s) => s.name === 'connreset_serve_requests_rejected_total' && s.labels.reason === 'busy')?.value).toBe(byStatus.get(503));

    // closed sockets leave the fd table when their close events have run: wait for them, bounded
    for (let i = 0; i < 100 && (fds() > baseline || open.size > 0); i++) await new Promise((r) => setTimeout(r, 20));
    expect(fds()).toBeLessThanOrEqual(baseline);
    expect(open.size).toBe(0);
  });
});
