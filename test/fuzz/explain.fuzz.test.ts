/**
 * `connreset explain` as the CLI runs it (runExplain: input → explanation → text or JSON), on
 * hostile pasted lines: it prints or throws a typed error, nothing printed holds a control, bidi
 * or separator character (newlines in the text report aside), --json parses, and each input stays
 * inside its budget.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Writable } from 'node:stream';
import { runExplain } from '../../src/cli/explain-run.js';
import { ERRORS, symbolsOf } from '../../src/knowledge/errors.js';
import { expectPrintable, expectTypedError, hostileText, RUNS, withinBudgetAsync } from './safety.js';

const words = [
  ...ERRORS.slice(0, 40).flatMap((e) => symbolsOf(e)),
  'Connection reset by peer', 'curl: (56) Recv failure:', 'read tcp 10.0.0.1:5->10.0.0.2:443: read:', '[Errno 104]', 'WinError 10054',
  'java.net.SocketException: Connection reset', 'upstream prematurely closed', '(104: Connection reset by peer) while reading', '10054', '104', '0x2746',
];
const pasted = fc.oneof(
  hostileText(10),
  fc.array(fc.oneof(fc.constantFrom(...words), hostileText(2)), { maxLength: 12 }).map((p) => p.join(' ')),
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc.constantFrom(...words).map((w) => `${w}\u001b[2J\u202e\u2028\u0085`),
);

function collector(): { stream: Writable; text: () => string } {
  let out = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      out += chunk.toString();
      done();
    },
  });
  return { stream, text: () => out };
}

describe('explain on hostile pasted input', { timeout: 60_000 }, () => {
  it('prints clean text or JSON, or throws one clean typed line', async () => {
    await fc.assert(
      fc.asyncProperty(pasted, fc.boolean(), fc.constantFrom(undefined, 'linux', 'windows' as const), fc.constantFrom(undefined, 'node', 'go' as const), async (input, json, platform, lang) => {
        const out = collector();
        try {
          await withinBudgetAsync(() => runExplain([input], { json, platform, lang }, { stdout: out.stream, stdin: () => (async function* () {})(), color: false }));
        } catch (error) {
          expectTypedError(error);
          return;
        }
        expectPrintable(out.text(), `explain ${json ? '--json ' : ''}output for ${JSON.stringify(input)}`);
        if (json) expect(() => JSON.parse(out.text())).not.toThrow();
      }),
      { numRuns: RUNS },
    );
  });
});
