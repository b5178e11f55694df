/**
 * The literal prefilter must never rule out a line its regex matches: explain would then miss an
 * error it knows. Checked three ways: exact literal sets for the constructs the reader handles,
 * random regexes with strings generated to match them, and every regex of the explain tables
 * against generated matches and against the whole explain corpus.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { mayMatch, regexesIn, requiredLiterals } from '../../src/shared/regex-literals.js';

const lits = (re: RegExp): string[] | null => requiredLiterals(re)?.any.slice().sort() ?? null;

describe('requiredLiterals', () => {
  it('takes the longest literal run outside optional parts', () => {
    expect(lits(/\bread ECONNRESET\b/)).toEqual(['read ECONNRESET']);
    expect(lits(/SocketTimeoutException: Read timed out/)).toEqual(['SocketTimeoutException: Read timed out']);
    expect(lits(/ab?cdef/)).toEqual(['cdef']);
    expect(lits(/abc(?:xyz)?de/)).toEqual(['abc']);
    expect(lits(/x+yz/)).toEqual(['xyz']);
    expect(lits(/java\.net\.ConnectException/)).toEqual(['java.net.ConnectException']);
  });

  it('reads alternations as "one of", and lower-cases them under /i', () => {
    expect(lits(/broken pipe|EPIPE here/)).toEqual(['EPIPE here', 'broken pipe']);
    expect(lits(/Connection Was Reset/i)).toEqual(['connection was reset']);
    expect(requiredLiterals(/Connection Was Reset/i)?.ci).toBe(true);
    expect(lits(/(?:reading|waiting for) initial communication packet|reading authorization packet/)).toEqual([
      ' initial communication packet',
      'reading authorization packet',
    ]);
  });

  it('names nothing where one branch has no literal, or everything is optional', () => {
    expect(lits(/abc|\d+/)).toBeNull();
    expect(lits(/(?:abc)?/)).toBeNull();
    expect(lits(/a|/)).toBeNull();
    expect(lits(/[abc]+\s*/)).toBeNull();
  });

  it('does not read lookarounds, classes, escapes or back-references as literals', () => {
    expect(lits(/(?<![A-Za-z])errno(?!abc)/)).toEqual(['errno']);
    expect(lits(/(?=xyz)ab/)).toEqual(['ab']);
    expect(lits(/[\]xyz]ab/)).toEqual(['ab']);
    expect(lits(/\x41BC\u0044EF/)).toEqual(['BC']);
    expect(lits(/\u{41}zz/u)).toEqual(['zz']);
    expect(lits(/(?<n>ab)\k<n>cd/)).toEqual(['ab']);
    expect(lits(new RegExp('(a)\\12345'))).toEqual(['a']);
    expect(lits(/\cJabc/)).toEqual(['abc']);
    expect(lits(/\p{L}xyz/u)).toEqual(['xyz']);
  });

  it('treats a brace that is no quantifier as a literal (Annex B), and a quantifier as one', () => {
    expect(lits(/a{b}/)).toEqual(['a{b}']);
    expect(lits(/ab{0,2}cd/)).toEqual(['cd']);
    expect(lits(/ab{2}cdef/)).toEqual(['bcdef']);
    expect(lits(/xa{1,}?yz/)).toEqual(['ayz']);
  });

  it('gives up on Unicode case folding and the v flag', () => {
    expect(requiredLiterals(/strasse/iu)).toBeNull();
    expect(requiredLiterals(new RegExp('abc', 'v'))).toBeNull();
    // non-ASCII is compared only without /i
    expect(lits(/连接被对方重设/)).toEqual(['连接被对方重设']);
    expect(lits(/ÄBC/i)).toEqual(['bc']);
  });

  it('rules a text out only when none of the literals is in it', () => {
    expect(mayMatch(/\bread ECONNRESET/, 'Error: read ECONNRESET', 'error: read econnreset')).toBe(true);
    expect(mayMatch(/\bread ECONNRESET/, 'Error: read econnreset', 'error: read econnreset')).toBe(false);
    expect(mayMatch(/connection was reset/i, 'The CONNECTION WAS RESET', 'the connection was reset')).toBe(true);
    expect(mayMatch(/connection was reset/i, 'connection reset', 'connection reset')).toBe(false);
    expect(mayMatch(/[a-z]+/, 'anything', 'anything')).toBe(true);
  });
});

/**
 * Random regex sources from a small grammar that fast-check's stringMatching can generate for: no
 * negated classes (it hangs on those) and no unbounded repetition of groups. Leaves include what
 * the reader must not misread: braces and brackets as text, escapes, non-ASCII and non-BMP characters.
 */
const LEAVES = ['a', 'b', 'B', 'k', 's', 'x', '{', '}', ']', ',', '1', '\\]', '\\{', '\\d', '\\w', '.', '[ab]', '[\\]x]', '\\x41', '\\u0042', '\\n', 'é', '😀', '-', '\\.', '\\/'];
const QUANTIFIERS = ['', '', '', '?', '*', '+', '{0}', '{1}', '{2}', '{0,1}', '{1,}', '??', '+?', '{1}?'];
const GROUP_QUANTIFIERS = ['', '', '?', '{2}', '{0,1}', '{1}?'];
function alternation(depth: number): fc.Arbitrary<string> {
  const leaf = fc.tuple(fc.constantFrom(...LEAVES), fc.constantFrom(...QUANTIFIERS)).map(([a, q]) => a + q);
  const group =
    depth === 0 ? leaf : fc.tuple(alternation(depth - 1), fc.constantFrom('(?:', '(', '(?<n>'), fc.constantFrom(...GROUP_QUANTIFIERS)).map(([a, open, q]) => `${open}${a})${q}`);
  const sequence = fc.array(fc.oneof(leaf, leaf, group), { minLength: 1, maxLength: 4 }).map((xs) => xs.join(''));
  return fc.array(sequence, { minLength: 1, maxLength: 3 }).map((bs) => bs.join('|'));
}

describe('the prefilter on random regexes (property)', () => {
  // hand-found counterexamples of an earlier reader: a non-BMP character under u, Annex B escapes
  it('keeps the cases that once broke it', () => {
    const cases: [RegExp, string][] = [
      [/😀?x/u, 'x'],
      [/a😀*b/u, 'ab'],
      [new RegExp('x\\u{|}y'), '}y'],
      [new RegExp('x\\p{|}y'), '}y'],
      [new RegExp('x\\k<|>y'), '>y'],
    ];
    for (const [re, text] of cases) {
      expect(re.test(text)).toBe(true);
      expect(mayMatch(re, text, text.toLowerCase()), String(re)).toBe(true);
    }
  });

  it.each(['', 'i', 'u', 'm', 's'])('never rules out a string the regex matches (flags %j)', (flags) => {
    let checked = 0;
    const sources = alternation(2).filter((src) => {
      try {
        new RegExp(src, flags);
        return (src.match(/\(\?<n>/g) ?? []).length <= 1;
      } catch {
        return false;
      }
    });
    // fast-check cannot generate for /i: a match of the case-sensitive copy, its letters' case flipped at random
    const arb = sources.chain((src) =>
      fc.tuple(fc.constant(src), fc.stringMatching(new RegExp(src, flags.replace('i', ''))), fc.array(fc.boolean(), { minLength: 32, maxLength: 32 })),
    );
    for (const [src, s0, flips] of fc.sample(arb, { numRuns: 600, seed: 3 })) {
      const s = flags.includes('i') ? [...s0].map((c, i) => (flips[i % 32] ? c.toUpperCase() : c.toLowerCase())).join('') : s0;
      const re = new RegExp(src, flags);
      if (!re.test(s)) continue;
      checked++;
      expect(mayMatch(re, s, s.toLowerCase()), `/${src}/${flags} on ${JSON.stringify(s)}`).toBe(true);
    }
    expect(checked).toBeGreaterThan(300);
  });
});

// every knowledge module, walked as the build walks them for the bundle's precomputed table
const KNOWLEDGE = new URL('../../src/knowledge/', import.meta.url);
const TABLES: { name: string; re: RegExp }[] = [];
for (const file of readdirSync(KNOWLEDGE).filter((f) => f.endsWith('.ts'))) {
  for (const re of regexesIn(await import(new URL(file, KNOWLEDGE).href))) TABLES.push({ name: file, re });
}

/** fast-check generates neither /i nor lookbehind: generate for a relaxed copy, keep what the real one matches. */
function generatorFor(re: RegExp): fc.Arbitrary<string> | null {
  const relaxed = re.source.replace(/\(\?<[=!](?:[^()\\]|\\.|\([^()]*\))*\)/g, '');
  try {
    const arb = fc.stringMatching(new RegExp(relaxed, re.flags.replace(/[igy]/g, '')));
    return re.flags.includes('i')
      ? fc.tuple(arb, fc.array(fc.boolean(), { minLength: 64, maxLength: 64 })).map(([s, flips]) =>
          [...s].map((ch, i) => (flips[i % 64] ? ch.toUpperCase() : ch.toLowerCase())).join(''),
        )
      : arb;
  } catch {
    return null;
  }
}

describe('the prefilter on the explain tables', () => {
  it('reads a literal for most table patterns (else it saves nothing)', () => {
    expect(TABLES.length).toBeGreaterThan(150);
    const named = TABLES.filter((t) => requiredLiterals(t.re) !== null);
    expect(named.length / TABLES.length).toBeGreaterThan(0.6);
  });

  it('never rules out a generated match of a table pattern', () => {
    let checked = 0;
    for (const { name, re } of TABLES) {
      const arb = generatorFor(re);
      if (!arb) continue;
      const probe = new RegExp(re.source, re.flags.replace(/[gy]/g, ''));
      for (const core of fc.sample(fc.tuple(fc.string({ maxLength: 8 }), arb, fc.string({ maxLength: 8 })), { numRuns: 40, seed: 9 })) {
        const s = core.join('');
        if (!probe.test(s)) continue;
        checked++;
        expect(mayMatch(re, s, s.toLowerCase()), `${name} ${re} on ${JSON.stringify(s)}`).toBe(true);
      }
    }
    expect(checked).toBeGreaterThan(TABLES.length * 10);
  });

  it('never rules out a corpus line a table pattern matches', () => {
    const corpus = JSON.parse(readFileSync(new URL('../data/explain-corpus.json', import.meta.url), 'utf8')) as { cases: { line: string }[] };
    let hits = 0;
    for (const { line } of corpus.cases) {
      const lower = line.toLowerCase();
      for (const { name, re } of TABLES) {
        const probe = new RegExp(re.source, re.flags.replace(/[gy]/g, ''));
        if (!probe.test(line)) continue;
        hits++;
        expect(mayMatch(re, line, lower), `${name} ${re} on ${line}`).toBe(true);
      }
    }
    expect(hits).toBeGreaterThan(corpus.cases.length);
  });
});
