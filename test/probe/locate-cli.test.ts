/**
 * `--locate` on loopback (no namespaces, no root needed): the server's own RST is the server's at
 * hop 1, found through the follow-up record; without the native module every TTL method says
 * "not available: why" and no hop is named; bad --locate-timeout values are one-line usage errors.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectUsageError, runCli } from '../helpers/cli.js';
import type { Observation } from '../../src/diagnose/observation.js';

let server: net.Server;
let port = 0;

beforeAll(async () => {
  server = net.createServer((s) => {
    s.on('error', () => undefined);
    s.on('data', () => s.resetAndDestroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const locateOf = (stdout: string) => {
  const doc = JSON.parse(stdout) as { results: { observation: Observation }[] };
  return doc.results[0]!.observation.experiments?.find((e) => e.id === 'locate')?.locate;
};

describe('probe --locate on loopback', () => {
  it.skipIf(process.platform !== 'linux')("names the server's own RST, at hop 1", async () => {
    const r = await runCli(['probe', `tcp://127.0.0.1:${port}`, '--send', 'text:hello', '--locate', '--no-followup', '--json'], { timeoutMs: 30_000 });
    expect(r.code).toBe(1);
    const loc = locateOf(r.stdout);
    expect(loc?.ran && loc.verdict).toMatchObject({ sender: 'server', hop: 1, hopAddress: '127.0.0.1', serverHops: 1 });
    expect(loc?.ran && loc.measurements.answerTtl).toBe(64);
  });

  it('without the native module: "not available: why" for every TTL method, and no hop', async () => {
    const r = await runCli(['probe', `tcp://127.0.0.1:${port}`, '--send', 'text:hello', '--locate', '--no-followup', '--json'], {
      env: { CONNRESET_NO_NATIVE: '1' },
      timeoutMs: 30_000,
    });
    const loc = locateOf(r.stdout);
    expect(loc?.ran && loc.verdict.hop).toBeNull();
    expect(loc?.notRun.map((n) => n.method)).toEqual(expect.arrayContaining(['syn_sweep', 'ttl_replay', 'min_ttl', 'capture']));
    for (const n of loc?.notRun ?? []) expect(n.reason).toMatch(/^not available: /);
  });

  it('the text report shows who sent it under the follow-up experiments', async () => {
    const r = await runCli(['probe', `tcp://127.0.0.1:${port}`, '--send', 'text:hello', '--locate', '--no-followup'], { timeoutMs: 30_000 });
    expect(r.stdout).toMatch(/locating the sender on the path/);
    expect(r.stdout).toMatch(/sender: (server|unknown)/);
  });

  it('bad --locate-timeout values are one-line usage errors', async () => {
    expectUsageError(await runCli(['probe', '127.0.0.1:9', '--locate-timeout', '0']), /--locate-timeout/);
    expectUsageError(await runCli(['probe', '127.0.0.1:9', '--locate-timeout', 'soon']), /--locate-timeout/);
    expectUsageError(await runCli(['check', '127.0.0.1:9', '--locate-timeout', '-1s']), /--locate-timeout/);
  });
});
