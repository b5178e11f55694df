/**
 * A literal prefilter for the knowledge tables' regexes: the strings one of which every match must
 * contain, read off the pattern's source once. Why: `explain <a pasted line>` tests a line against
 * about 250 table patterns, and V8 compiles a regex on its first exec (and again to machine code on
 * the second), which was most of a pasted line's start-up (bench/startup.mjs). Most patterns share
 * no word with the line; `includes` rules those out without compiling them.
 *
 * Sound by construction, not by heuristics: a literal is taken only where the pattern cannot match
 * without it (outside optional parts, lookarounds, classes and repetitions), and anything this
 * reader does not understand means "no prefilter" (the regex simply runs). test/shared checks the
 * claim with generated matches of every table pattern and the whole explain corpus.
 */

/** Any match contains at least one of these; `ci`: compare lower-cased (the pattern has the i flag). */
export interface RequiredLiterals {
  readonly any: readonly string[];
  readonly ci: boolean;
}

const cache = new WeakMap<RegExp, RequiredLiterals | null>();

/**
 * Read at build time: scripts/bundle-explain.mjs reads every knowledge-table regex and esbuild
 * defines this in the explain bundle. Reading sources at run time cost more than the compiles it
 * saves (about 20 ms of cold JavaScript for the tables' ~14,000 characters); without a bundle (tsc
 * output only) every regex is read at first use instead.
 */
declare const __CONNRESET_REGEX_LITERALS__: Readonly<Record<string, RequiredLiterals | null>> | undefined;
const PRECOMPUTED = typeof __CONNRESET_REGEX_LITERALS__ === 'undefined' ? undefined : __CONNRESET_REGEX_LITERALS__;

/**
 * How the bundle's table is keyed: the same source and flags always have the same literals. The
 * source is written in ASCII, as the bundle holds it (scripts/bundle-common.mjs writes a non-ASCII
 * character of a regex literal as \\uXXXX, so `source` differs in the bundle from the modules the
 * table was read from).
 */
// eslint-disable-next-line no-control-regex
export const literalKey = (re: RegExp): string => `${re.flags}/${re.source.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}`;

/** How many regexes were read at run time (not found precomputed): test/explain checks the bundle reads none. */
export const literalStats = { precomputed: 0, readAtRunTime: 0 };

/** The literals every match of `re` contains (one of them at least), or null when none can be named. */
export function requiredLiterals(re: RegExp): RequiredLiterals | null {
  let found = cache.get(re);
  if (found === undefined) {
    const key = PRECOMPUTED && literalKey(re);
    if (key && Object.hasOwn(PRECOMPUTED, key)) {
      found = PRECOMPUTED[key] ?? null;
      literalStats.precomputed++;
    } else {
      found = readLiterals(re);
      literalStats.readAtRunTime++;
    }
    cache.set(re, found);
  }
  return found;
}

/**
 * False only when `re` cannot match `text`. `lower` is `text.toLowerCase()`, passed in so a line is
 * lower-cased once for all patterns.
 */
export function mayMatch(re: RegExp, text: string, lower: string): boolean {
  const lits = requiredLiterals(re);
  if (!lits) return true;
  const subject = lits.ci ? lower : text;
  for (const l of lits.any) if (subject.includes(l)) return true;
  return false;
}

/**
 * Every RegExp reachable from a value (a module's exports, its tables and rows): what the build
 * precomputes, and what test/shared checks, found the same way.
 */
export function regexesIn(root: unknown): RegExp[] {
  const found: RegExp[] = [];
  const seen = new Set<unknown>();
  const walk = (value: unknown, depth: number): void => {
    if (value instanceof RegExp) found.push(value);
    else if (value !== null && typeof value === 'object' && depth < 8 && !seen.has(value)) {
      seen.add(value);
      const children = value instanceof Map || value instanceof Set ? value.values() : Object.values(value);
      for (const child of children) walk(child, depth + 1);
    }
  };
  walk(root, 0);
  return found;
}

/** Reads the literals off the source (what the build precomputes). */
export function readLiterals(re: RegExp): RequiredLiterals | null {
  const ci = re.flags.includes('i');
  // with u or v, /i folds by Unicode (ſ matches s, K (Kelvin) matches k), which lower-casing does not mirror;
  // v also changes class syntax
  if (re.flags.includes('v') || (ci && re.flags.includes('u'))) return null;
  try {
    const parser = new Reader(re.source, ci, re.flags.includes('u'));
    const req = parser.alternation();
    if (parser.at !== re.source.length) return null;
    return req && req.every((l) => l.length > 0) ? { any: req, ci } : null;
  } catch {
    return null;
  }
}

type Req = string[] | null;

/** "At least one of" sets: the better is the one whose shortest member is longest (fewer false hits). */
function better(a: Req, b: Req): Req {
  if (!a) return b;
  if (!b) return a;
  const score = (r: string[]): number => Math.min(...r.map((s) => s.length));
  const sa = score(a);
  const sb = score(b);
  return sb > sa || (sb === sa && b.length < a.length) ? b : a;
}

const ZERO_WIDTH_ESCAPES = 'bB';
const CLASS_ESCAPES = 'dDsSwW';

class Reader {
  at = 0;
  /** whether the source has named groups: only then is `\k<name>` a back-reference without the u flag (Annex B) */
  private readonly named: boolean;
  constructor(
    private readonly src: string,
    private readonly ci: boolean,
    private readonly unicode: boolean,
  ) {
    this.named = /\(\?<[^=!]/.test(src);
  }

  /** branch ('|' branch)*: any match contains a literal of the branch it took */
  alternation(): Req {
    const branches: Req[] = [this.sequence()];
    while (this.src[this.at] === '|') {
      this.at++;
      branches.push(this.sequence());
    }
    if (branches.some((b) => b === null)) return null;
    return [...new Set(branches.flatMap((b) => b as string[]))];
  }

  private sequence(): Req {
    let best: Req = null;
    let run = '';
    const flush = (): void => {
      if (run.length > 0) best = better(best, [run]);
      run = '';
    };
    while (this.at < this.src.length && this.src[this.at] !== '|' && this.src[this.at] !== ')') {
      const atom = this.atom();
      const min = this.quantifier();
      if (atom.kind === 'char') {
        if (!this.justQuantified) run += atom.char;
        else if (min === 0) flush(); // 'a?' may be absent
        else {
          // 'xa+y' contains 'xa' and 'ay': the first and the last repetition touch their neighbours
          run += atom.char;
          flush();
          run = atom.char;
        }
      } else {
        flush();
        if (atom.kind === 'group' && min >= 1) best = better(best, atom.req);
      }
    }
    flush();
    return best;
  }

  /** set by quantifier(): whether a quantifier followed the last atom */
  private justQuantified = false;

  private quantifier(): number {
    const c = this.src[this.at];
    this.justQuantified = true;
    let min = 1;
    if (c === '?' || c === '*') {
      min = 0;
      this.at++;
    } else if (c === '+') {
      this.at++;
    } else if (c === '{') {
      const m = /^\{(\d+)(?:,(\d*))?\}/.exec(this.src.slice(this.at));
      if (!m) {
        this.justQuantified = false;
        return 1; // a literal '{' (Annex B): the next atom reads it
      }
      min = Number(m[1]);
      this.at += m[0].length;
    } else {
      this.justQuantified = false;
      return 1;
    }
    if (this.src[this.at] === '?') this.at++; // lazy
    return min;
  }

  private atom(): { kind: 'char'; char: string } | { kind: 'group'; req: Req } | { kind: 'other' } {
    const src = this.src;
    const c = src[this.at++] as string;
    if (c === '(') return this.group();
    if (c === '[') {
      if (src[this.at] === '^') this.at++;
      while (this.at < src.length && src[this.at] !== ']') this.at += src[this.at] === '\\' ? 2 : 1;
      if (src[this.at] !== ']') throw new Error('unclosed class');
      this.at++;
      return { kind: 'other' };
    }
    if (c === '.' || c === '^' || c === '$') return { kind: 'other' };
    if (c === '\\') {
      const e = src[this.at++];
      if (e === undefined) throw new Error('trailing backslash');
      if (/[0-9A-Za-z]/.test(e)) {
        if (ZERO_WIDTH_ESCAPES.includes(e) || CLASS_ESCAPES.includes(e)) return { kind: 'other' };
        // \n \t \x41 \u0041 \1 \k<name> \cX \p{L}: escapes and back-references are not read as
        // literals (never unsound, only less selective), but their whole text is skipped, so its
        // digits and letters are not mistaken for literals
        this.skipEscapeTail(e);
        return { kind: 'other' };
      }
      return this.char(e);
    }
    if (c === ')' || c === '|') throw new Error('unexpected');
    // with u, a surrogate pair is one character: a quantifier after it repeats the whole pair
    const low = src.charCodeAt(this.at);
    if (this.unicode && c.charCodeAt(0) >= 0xd800 && c.charCodeAt(0) <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
      this.at++;
      return this.char(c + src[this.at - 1]);
    }
    return this.char(c);
  }

  private skipEscapeTail(e: string): void {
    const src = this.src;
    const skipWhile = (ok: (ch: string) => boolean, max: number): void => {
      for (let n = 0; n < max && this.at < src.length && ok(src[this.at] as string); n++) this.at++;
    };
    const hex = (ch: string): boolean => /[0-9A-Fa-f]/.test(ch);
    const braced = (): void => {
      const close = src.indexOf('}', this.at);
      this.at = close === -1 ? src.length : close + 1;
    };
    // Only digits and letters are skipped without the u flag: there `\u{`, `\p{` and `\k<` (with no
    // named group) are plain text, and a skip to the next '}' or '>' could jump over a '|'
    if (e >= '0' && e <= '9') skipWhile((ch) => ch >= '0' && ch <= '9', Infinity);
    else if (e === 'x') skipWhile(hex, 2);
    else if (e === 'u') {
      if (this.unicode && src[this.at] === '{') braced();
      else skipWhile(hex, 4);
    } else if (e === 'c') skipWhile((ch) => /[A-Za-z]/.test(ch), 1);
    else if ((e === 'p' || e === 'P') && this.unicode && src[this.at] === '{') braced();
    else if (e === 'k' && (this.unicode || this.named) && src[this.at] === '<') {
      const close = src.indexOf('>', this.at);
      this.at = close === -1 ? src.length : close + 1;
    }
  }

  private char(c: string): { kind: 'char'; char: string } | { kind: 'other' } {
    // with /i only ASCII is compared lower-cased: lower-casing keeps an ASCII letter's place and case-pair
    if (this.ci) return c.charCodeAt(0) < 128 ? { kind: 'char', char: c.toLowerCase() } : { kind: 'other' };
    return { kind: 'char', char: c };
  }

  private group(): { kind: 'group'; req: Req } | { kind: 'other' } {
    const src = this.src;
    let lookaround = false;
    if (src[this.at] === '?') {
      const next = src[this.at + 1];
      if (next === ':') this.at += 2;
      else if (next === '=' || next === '!') {
        lookaround = true;
        this.at += 2;
      } else if (next === '<' && (src[this.at + 2] === '=' || src[this.at + 2] === '!')) {
        lookaround = true;
        this.at += 3;
      } else if (next === '<') {
        const close = src.indexOf('>', this.at);
        if (close === -1) throw new Error('unclosed group name');
        this.at = close + 1;
      } else throw new Error('unknown group');
    }
    const req = this.alternation();
    if (src[this.at] !== ')') throw new Error('unclosed group');
    this.at++;
    return lookaround ? { kind: 'other' } : { kind: 'group', req };
  }
}
