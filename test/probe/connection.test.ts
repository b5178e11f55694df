/**
 * The connection engine's API, as the follow-up experiments and the RST locator use it: open a
 * connection, reach its descriptor, send on it, and learn what the peer did next.
 */
import { describe, expect, it } from 'vitest';
import { Connection, resolveTarget, type EventSink } from '../../src/probe/connection.js';
import { parseTarget } from '../../src/probe/target.js';
import type { Phase } from '../../src/diagnose/observation.js';
import type { EventBody } from '../../src/probe/recorder.js';
import { closedAfterEachTest } from './servers.js';

const { serve } = closedAfterEachTest();

function sink(): EventSink & { kinds: string[] } {
  const t0 = performance.now();
  const kinds: string[] = [];
  return {
    kinds,
    now: () => performance.now() - t0,
    add: (_phase: Phase, body: EventBody) => void kinds.push(body.kind),
    received: () => void kinds.push('received'),
  };
}

async function open(port: number, s = sink()): Promise<{ conn: Connection; s: ReturnType<typeof sink> }> {
  const target = parseTarget(`127.0.0.1:${port}`);
  const resolution = await resolveTarget(target, { family: null, timeoutMs: 1_000 }, undefined, s.now);
  const conn = new Connection(target, s, { connectTimeoutMs: 2_000, tlsTimeoutMs: 2_000, servername: null, alpn: null });
  expect(await conn.open(resolution.chosen!)).not.toBeNull();
  return { conn, s };
}

describe('the connection engine', () => {
  it('exposes the descriptor of an established connection (for socket options such as IP_TTL)', async () => {
    const port = await serve(() => undefined);
    const { conn } = await open(port);
    expect(conn.fd).toBeGreaterThan(2);
    conn.destroy();
  });

  it('tells data, FIN and RST after a send apart, and silence when nothing comes', async () => {
    const port = await serve((c) =>
      c.on('data', (d) => {
        const word = d.toString();
        if (word === 'echo') c.write('echo');
        else if (word === 'fin') c.end();
        else if (word === 'rst') c.resetAndDestroy();
      }),
    );
    const cases: [string, string][] = [
      ['echo', 'data'],
      ['fin', 'fin'],
      ['rst', 'reset'],
      ['quiet', 'silence'],
    ];
    for (const [word, expected] of cases) {
      const { conn, s } = await open(port);
      conn.write(Buffer.from(word));
      expect([word, await conn.awaitPeer(word === 'quiet' ? 100 : 2_000)]).toEqual([word, expected]);
      if (expected === 'fin' || expected === 'reset') expect(s.kinds).toContain(expected);
      conn.destroy();
    }
  });

  it('an end before any byte is a FIN; a reply and an RST at once is a reset, not a FIN', async () => {
    // libuv may report an RST that follows data as end-of-stream: every end is checked for a
    // pending reset before it is called a FIN
    const port = await serve((c) => {
      c.on('error', () => undefined);
      c.once('data', (d) => {
        if (d.toString() === 'fin') c.end();
        else c.write('partial reply', () => c.resetAndDestroy());
      });
    });
    for (const [word, expected, received] of [['fin', 'fin', false], ['rst', 'reset', true]] as const) {
      const { conn, s } = await open(port);
      conn.write(Buffer.from(word));
      const peer = await conn.awaitPeer(2_000);
      // the reply may be seen first: wait for what ends the connection
      const last = peer === 'data' ? await conn.awaitPeer(2_000) : peer;
      expect([word, last]).toEqual([word, expected]);
      expect(s.kinds.includes('received')).toBe(received);
      expect(s.kinds.filter((k) => k === 'fin' || k === 'reset')).toEqual([expected]);
      conn.destroy();
    }
  });

  it('a FIN and an RST that both arrive before the read are a reset, and a FIN alone is a FIN', async () => {
    // the read returns end-of-stream for both (the kernel marks the stream done at the FIN); only
    // the socket's state tells them apart. The server's RST follows as soon as its FIN is out,
    // before this process's next read.
    const port = await serve((c) => {
      c.on('error', () => undefined);
      c.once('data', (d) => (d.toString() === 'fin' ? c.end() : c.end(() => c.resetAndDestroy())));
    });
    // asked of the socket (getpeername on Linux), and by the zero-byte write that serves where it cannot be asked
    for (const way of ['peer name', 'zero-byte write'] as const) {
      for (const [word, expected] of [['fin', 'fin'], ['finrst', 'reset']] as const) {
        const { conn, s } = await open(port);
        if (way === 'zero-byte write') {
          // the handle without getpeername: resetPending cannot tell, tellEnd writes
          (conn.raw as unknown as { _handle: Record<string, unknown> })._handle.getpeername = undefined;
        }
        conn.write(Buffer.from(word));
        expect([way, word, await conn.awaitPeer(2_000)]).toEqual([way, word, expected]);
        expect(s.kinds.filter((k) => k === 'fin' || k === 'reset')).toEqual([expected]);
        conn.destroy();
      }
    }
  });

  it('a refused connect is reported on the sink and open() gives null', async () => {
    const target = parseTarget(`127.0.0.1:1`);
    const s = sink();
    const conn = new Connection(target, s, { connectTimeoutMs: 2_000, tlsTimeoutMs: 2_000, servername: null, alpn: null });
    expect(await conn.open({ address: '127.0.0.1', family: 4 })).toBeNull();
    expect(s.kinds).toContain('error');
  });

  it('interrupt() ends a wait at once', async () => {
    const port = await serve(() => undefined);
    const { conn } = await open(port);
    const waiting = conn.awaitPeer(10_000);
    conn.interrupt();
    expect(await waiting).toBe('stop');
    conn.destroy();
  });
});
