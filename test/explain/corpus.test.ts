/**
 * Real-world error lines collected from public issue trackers (each with its source URL in
 * test/data/explain-corpus.json) must resolve to the right error, and to the operation and probe
 * target where the line shows them.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { explain } from '../../src/diagnose/explain/explain.js';

interface CorpusCase {
  source: string;
  line: string;
  /** probe null: the line names no server to probe (a server's line about its client); peer and cause: whose side the line is from, and the first cause */
  expect: { error: string; operation?: string; probe?: string | null; peer?: 'client' | 'upstream' | 'server'; side?: 'client' | 'server' | 'proxy'; cause?: string };
}

const corpus = JSON.parse(readFileSync(new URL('../data/explain-corpus.json', import.meta.url), 'utf8')) as { cases: CorpusCase[] };

describe('the corpus', () => {
  it('has at least 60 lines, each with a public source or the local reproduction it came from', () => {
    expect(corpus.cases.length).toBeGreaterThanOrEqual(60);
    for (const c of corpus.cases) expect(c.source).toMatch(/^(https:\/\/|reproduced locally (against|with) [a-z])/i);
  });

  it('covers every log family the issue names', () => {
    const all = corpus.cases.map((c) => c.line).join('\n');
    for (const marker of ['Error: read ECONNRESET', 'java.net.SocketException', 'read tcp', 'WinError 10054', 'SocketException (', 'curl: (56)', 'curl: (52)', 'curl: (35)', 'curl: (7)', 'curl: (28)', 'unexpected eof while reading', 'recv() failed', 'server closed the connection unexpectedly', 'Lost connection to MySQL', 'Redis', 'UNAVAILABLE', 'client timed out', 'upstream timed out', 'client prematurely closed connection']) {
      expect(all, marker).toContain(marker);
    }
  });
});

describe.each(corpus.cases)('$source', (c) => {
  it(`resolves to ${c.expect.error}${c.expect.operation ? ` on ${c.expect.operation}` : ''}`, async () => {
    const r = await explain(c.line);
    expect(r.ok, r.ok ? '' : r.failure.reason).toBe(true);
    if (!r.ok) return;
    expect(r.explanation.error.id).toBe(c.expect.error);
    if (c.expect.operation !== undefined) expect(r.explanation.operation).toBe(c.expect.operation);
    if (c.expect.probe !== undefined) expect(r.explanation.probeCommand).toBe(c.expect.probe === null ? null : `connreset probe ${c.expect.probe}`);
    if (c.expect.peer !== undefined) expect(r.explanation.peer).toBe(c.expect.peer);
    if (c.expect.side !== undefined) expect(r.explanation.side).toBe(c.expect.side);
    if (c.expect.cause !== undefined) expect(r.explanation.causes[0]?.id).toBe(c.expect.cause);
  });
});
