/**
 * Thousands of random strings and numbers thrown at the parser and explainer: it never throws or
 * rejects, and every failure is one line a user can read.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { explain, parseErrorQuery } from '../../src/diagnose/explain/explain.js';
import { ERRORS, symbolsOf } from '../../src/knowledge/errors.js';
import { renderExplanationText } from '../../src/report/explain-text.js';
import { renderExplanationJson } from '../../src/report/explain-json.js';

const vocabulary = [
  ...ERRORS.flatMap((e) => symbolsOf(e)),
  'Connection reset by peer', 'curl: (56)', 'read tcp', '->', ':443', '[Errno ', ']', 'WinError', '0x', 'errno',
  'socket hang up', 'lookup', 'i/o timeout', 'upstream: "http://', '(104: ', 'SSL_ERROR_SYSCALL', '\n', '\t', '"', "'",
];

const messy = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.array(fc.constantFrom(...vocabulary), { maxLength: 30 }).map((parts) => parts.join(' ')),
  fc.tuple(fc.array(fc.constantFrom(...vocabulary), { maxLength: 10 }), fc.string({ maxLength: 50 })).map(([a, b]) => a.join('') + b),
  fc.integer().map(String),
  fc.bigInt().map(String),
  fc.double().map(String),
  fc.integer({ min: 0, max: 0xffffffff }).map((n) => `0x${n.toString(16)}`),
  fc.string({ maxLength: 5 }).map((s) => s.repeat(2000)),
);

describe('explain on random input', { timeout: 60_000 }, () => {
  it('never throws, and fails with one readable line', async () => {
    await fc.assert(
      fc.asyncProperty(messy, fc.constantFrom(undefined, 'linux', 'macos', 'windows' as const), async (input, platform) => {
        expect(() => parseErrorQuery(input)).not.toThrow();
        const r = await explain(input, { platform });
        if (r.ok) {
          // rendering any explanation must work too
          expect(renderExplanationText(r.explanation).length).toBeGreaterThan(0);
          expect(() => JSON.parse(renderExplanationJson(r.explanation))).not.toThrow();
        } else {
          expect(r.failure.reason.length).toBeGreaterThan(0);
          expect(`${r.failure.reason} ${r.failure.hint ?? ''}`).not.toMatch(/[\n\r]/);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('classifies numbers, symbols and messages', () => {
    expect(parseErrorQuery(' 10054 ').kind).toBe('number');
    expect(parseErrorQuery('-4077').kind).toBe('number');
    expect(parseErrorQuery('0x2746').kind).toBe('number');
    expect(parseErrorQuery('wsaeconnreset').kind).toBe('symbol');
    expect(parseErrorQuery('read ECONNRESET').kind).toBe('message');
  });
});

describe('bad input', () => {
  it('an empty message is refused', async () => {
    for (const input of ['', '   ', '\n\t']) {
      const r = await explain(input);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.failure.reason).toMatch(/empty/);
    }
  });

  it('suggests the symbol a typo was near', async () => {
    for (const [typo, meant] of [['ECONRESET', 'ECONNRESET'], ['econnresett', 'ECONNRESET'], ['ETIMEOUT', 'ETIMEDOUT'], ['EADDRINUSED', 'EADDRINUSE']] as const) {
      const r = await explain(typo);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.failure.hint).toBe(`did you mean ${meant}?`);
    }
  });

  it('a number nothing means is unknown', async () => {
    const r = await explain('99999');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure.reason).toContain('unknown code 99999');
  });

  it('a non-network errno says what it is instead', async () => {
    const r = await explain('EACCES');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure.reason).toMatch(/EACCES is not a network error \(Linux 13/);
  });

  it('random words find nothing', async () => {
    const r = await explain('the quick brown fox');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure.reason).toBe('no network error found in this message');
  });
});

// The resolver finds the platforms' standard texts by indexOf instead of one case-insensitive
// alternation regex (cheaper to start); it must find exactly what that regex found.
describe('standard texts by indexOf', () => {
  const texts = [...new Set(ERRORS.flatMap((e) => [...e.linux, ...e.macos, ...e.windows].map((c) => c.text.replace(/\.$/, ''))))].filter((t) => t.length >= 12);
  const pieces = [...texts, ...texts.map((t) => t.toUpperCase()), ...texts.map((t) => t.slice(0, 8)), 'Connection ', ' by peer', '\n', ': ', 'x'];
  it('matches where a leftmost-longest case-insensitive regex over the same texts matches', async () => {
    const { standardTextMatches, standardTextsForTest } = await import('../../src/diagnose/explain/message.js');
    const list = standardTextsForTest();
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const re = new RegExp(`(${list.map(([t]) => escape(t)).join('|')})`, 'gi');
    const byText = new Map(list);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 12 }), (parts) => {
        const text = parts.join('');
        const expected = [...text.matchAll(re)].map((m) => ({ at: m.index, error: byText.get((m[1] ?? '').toLowerCase()) }));
        expect([...standardTextMatches(text)]).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});
