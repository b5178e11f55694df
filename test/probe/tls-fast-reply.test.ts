import { afterEach, describe, expect, it } from 'vitest';
import { probe } from '../../src/probe/probe.js';
import { parseTarget } from '../../src/probe/target.js';
import { probeOptions } from '../../src/probe/defaults.js';
import type { Observation } from '../../src/diagnose/observation.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null) continue;
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
});

/**
 * A TLS server in another process (as nginx is) that answers every chunk at once: in the same
 * process as the probe it could only answer after the probe's callbacks had run.
 */
async function fastTlsServer(): Promise<number> {
  const selfsigned = await import('selfsigned');
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'connreset.test' }], { keyType: 'ec' } as never);
  const script = `
    const tls = require('node:tls');
    const server = tls.createServer({ key: process.env.KEY, cert: process.env.CERT }, (s) => {
      s.on('error', () => {});
      s.on('data', () => s.write('HTTP/1.1 200 OK\\r\\nContent-Length: 0\\r\\n\\r\\n'));
    });
    server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
    setTimeout(() => process.exit(0), 30000); // bounded life if the test dies`;
  const child = spawn(process.execPath, ['-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, KEY: pems.private, CERT: pems.cert },
  });
  children.push(child);
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  return Number(line.toString().trim());
}

const steps = (obs: Observation): string[] => obs.events.map((e) => `${e.phase}/${e.kind}`);

// A TLS socket's write callback comes when libuv's write request completes, which can be after
// the data event of a peer that answers at once (nginx on loopback does): the reply must still
// count as the reply to what we sent, not as bytes seen while sending.
describe('TLS peer that replies at once', () => {
  it('records sent, then the reply in the reply phase, every time', async () => {
    const port = await fastTlsServer();
    const options = probeOptions({ replyTimeoutMs: 150, bannerTimeoutMs: 20, tlsTrust: { insecure: true, ca: null, cert: null, key: null } });
    for (let i = 0; i < 12; i++) {
      const obs = await probe(parseTarget(`https://127.0.0.1:${port}/`), options);
      const kinds = steps(obs).filter((s) => /sent|received|timeout/.test(s));
      expect(kinds, `run ${i + 1}`).toEqual(['send/sent', 'reply/received']);
      const sent = obs.events.find((e) => e.kind === 'sent')!;
      const received = obs.events.find((e) => e.kind === 'received')!;
      expect(sent.t).toBeLessThanOrEqual(received.t);
    }
  });
});
