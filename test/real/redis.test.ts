/**
 * connreset against a real redis-server (the distribution's binary, our own config, loopback,
 * ephemeral ports), through the built CLI. Skipped, with the reason printed, when redis-server is
 * not installed (.ci/run installs it when it runs as root).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { findBinary, freePort, startRedis, type RealServer } from './servers.js';
import { idleJson, probeJson, topCause } from './json.js';

const REDIS = findBinary('redis-server');
if (!REDIS) console.warn('test/real/redis.test.ts skipped: no redis-server binary (apt-get install redis-server)');

describe.skipIf(!REDIS)('against redis-server', () => {
  const servers: RealServer[] = [];
  const held: Socket[] = [];
  const port: Record<string, number> = {};

  beforeAll(async () => {
    for (const name of ['plain', 'timeout2', 'timeout3', 'full', 'stopped']) port[name] = await freePort();
    const started = await Promise.allSettled([
      startRedis(REDIS!, port.plain!),
      startRedis(REDIS!, port.timeout2!, ['timeout 2']),
      startRedis(REDIS!, port.timeout3!, ['timeout 3']),
      startRedis(REDIS!, port.full!, ['maxclients 1']),
      startRedis(REDIS!, port.stopped!),
    ]);
    for (const s of started) if (s.status === 'fulfilled') servers.push(s.value);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    // the one client maxclients 1 allows, answered before the probe comes (a readiness check's
    // connection that redis has not reaped yet still counts: then this one is refused, try again)
    for (let attempt = 0; attempt < 20 && held.length === 0; attempt++) {
      const client = connect(port.full!, '127.0.0.1');
      client.on('error', () => undefined);
      client.write('PING\r\n');
      const [reply] = (await once(client, 'data')) as [Buffer];
      if (reply.toString().startsWith('+PONG')) held.push(client);
      else client.destroy();
    }
    expect(held, 'a client holding the only slot of maxclients 1').toHaveLength(1);
    // a server that was running and is gone: its port refuses
    await servers.pop()!.stop();
  }, 30_000);

  afterAll(async () => {
    for (const s of held) s.destroy();
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('redis:// sends PING and gets +PONG: ok', async () => {
    const { code, doc } = await probeJson([`redis://127.0.0.1:${port.plain}`, '--expect', '^\\+PONG']);
    expect(doc.results[0].diagnosis.outcome).toBe('ok');
    expect(code).toBe(0);
  });

  it('timeout 2: the server closes the idle connection, a server idle timeout', async () => {
    const { doc } = await probeJson([`redis://127.0.0.1:${port.timeout2}`, '--idle', '4s']);
    const d = doc.results[0].diagnosis;
    expect(d.outcome).toBe('closed_while_idle');
    expect(topCause(d).id).toBe('server_idle_timeout');
  });

  it('maxclients exceeded: the server says so and closes, a connection limit', async () => {
    // a wait longer than the 25 ms settle for the refusal: the subject is the limit's message
    const { code, doc } = await probeJson([`redis://127.0.0.1:${port.full}`, '--banner-timeout', '300ms']);
    const d = doc.results[0].diagnosis;
    expect(d.outcome).toBe('closed_on_connect');
    expect(topCause(d).id).toBe('connection_limit');
    expect(topCause(d).evidence.join(' ')).toContain('max number of clients reached');
    expect(code).toBe(1);
  });

  it('a stopped server: refused, nothing listening', async () => {
    const { code, doc } = await probeJson([`redis://127.0.0.1:${port.stopped}`]);
    const d = doc.results[0].diagnosis;
    expect(d.outcome).toBe('refused');
    expect(topCause(d).id).toBe('nothing_listening');
    expect(code).toBe(1);
  });

  it('idle: timeout 3 (checked on a whole-second clock) is found between 3 and about 4 s, enforced by the server', async () => {
    const { code, doc } = await idleJson([`redis://127.0.0.1:${port.timeout3}`, '--max', '10s']);
    expect(doc.status).toBe('found');
    expect(doc.bracket.loMs).toBeGreaterThanOrEqual(2900);
    expect(doc.bracket.hiMs).toBeLessThanOrEqual(4300);
    expect(doc.death).toBe('fin_while_idle');
    expect(doc.enforcer).toBe('server');
    expect(doc.recommendation.fixes).toContain('pool_idle');
    expect(doc.recommendation.poolIdleS).toBeLessThan(3);
    expect(code).toBe(0);
  }, 40_000);
});
