/**
 * The resolver finds error symbols (ECONNRESET, WSAECONNRESET, EAI_AGAIN) by scanning words, not
 * with one alternation regex of every symbol (start-up time). The scan must find exactly what that
 * regex finds: checked against it on random texts built from symbols, near-symbols and separators.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { symbolMatches } from '../../src/diagnose/explain/message.js';
import { symbolIndex } from '../../src/diagnose/explain/symbols.js';
import { TYPED_ONLY_SYMBOLS } from '../../src/knowledge/log-patterns.js';

const SYMBOLS = [...symbolIndex().keys()];
const LOOKED_FOR = SYMBOLS.filter((s) => s.length >= 5 && !TYPED_ONLY_SYMBOLS.has(s)).sort((a, b) => b.length - a.length);
const REGEX = new RegExp(`(?<![A-Za-z0-9_])(${LOOKED_FOR.join('|')})(?![A-Za-z0-9_])`, 'g');

const byRegex = (text: string): { at: number; id: string }[] =>
  [...text.matchAll(REGEX)].map((m) => ({ at: m.index, id: symbolIndex().get(m[1] ?? '') ?? '' })).filter((m) => m.id !== '');

describe('symbolMatches', () => {
  it('relies on every symbol being one word', () => {
    expect(SYMBOLS.length).toBeGreaterThan(50);
    expect(SYMBOLS.filter((s) => !/^[A-Za-z0-9_]+$/.test(s))).toEqual([]);
  });

  it('finds what the alternation regex finds (property)', () => {
    const piece = fc.oneof(
      fc.constantFrom(...SYMBOLS),
      fc.constantFrom(...SYMBOLS).map((s) => `${s}X`),
      fc.constantFrom(...SYMBOLS).map((s) => `_${s}`),
      fc.constantFrom(' ', ':', '(', ')', '.', '-', '\n', 'é', '_', '0'),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const text = pieces.join('');
        expect([...symbolMatches(text)]).toEqual(byRegex(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads a symbol at either end of the text and next to punctuation', () => {
    expect([...symbolMatches('ECONNRESET')].map((m) => m.at)).toEqual([0]);
    expect([...symbolMatches('read: ECONNRESET)')].map((m) => m.at)).toEqual([6]);
    expect([...symbolMatches('xECONNRESET ECONNRESET_2')]).toEqual([]);
  });
});
