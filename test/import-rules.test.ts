/**
 * The import rules of /work/shared/DESIGN.md ("Layout"), checked on the source: pure logic and
 * data never reach up into I/O, and `explain` never loads the socket code, native modules or
 * spinners (start-up time matters for a CLI). Static imports and literal dynamic import()s count.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

interface Edge {
  from: string;
  /** a path under src/ for relative imports, else the bare specifier (node:net, ora) */
  to: string;
  dynamic: boolean;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g;

function edges(): Edge[] {
  return sources(SRC).flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    const from = relative(SRC, file);
    return [...text.matchAll(IMPORT)].map((m) => {
      const spec = (m[1] ?? m[2])!;
      const to = spec.startsWith('.') ? relative(SRC, resolve(dirname(file), spec)).replace(/\.js$/, '.ts') : spec;
      return { from, to, dynamic: m[2] !== undefined };
    });
  });
}

const ALL = edges();
const under = (path: string, dir: string): boolean => path.startsWith(`${dir}/`);
const violations = (fromDir: (f: string) => boolean, toBad: (t: string) => boolean): string[] =>
  ALL.filter((e) => fromDir(e.from) && toBad(e.to)).map((e) => `${e.from} -> ${e.to}`);

describe('import rules (DESIGN.md)', () => {
  it('finds the imports it checks', () => {
    expect(ALL.length).toBeGreaterThan(200);
    expect(ALL.some((e) => e.from === 'cli/check.ts' && e.to === 'cli/check-run.ts' && e.dynamic)).toBe(true);
  });

  it('diagnose/ and knowledge/ import nothing from probe/, cli/, report/', () => {
    const pure = (f: string): boolean => under(f, 'diagnose') || under(f, 'knowledge');
    expect(violations(pure, (t) => ['probe', 'cli', 'report'].some((d) => under(t, d)))).toEqual([]);
  });

  it('knowledge/ imports nothing from diagnose/ (shared types live in src/shared/)', () => {
    expect(violations((f) => under(f, 'knowledge'), (t) => under(t, 'diagnose'))).toEqual([]);
  });

  it('src/shared/ is a leaf: it imports nothing of the project', () => {
    expect(violations((f) => under(f, 'shared'), (t) => !t.startsWith('node:'))).toEqual([]);
  });

  it('probe/ imports nothing from report/ or cli/', () => {
    expect(violations((f) => under(f, 'probe'), (t) => under(t, 'report') || under(t, 'cli'))).toEqual([]);
  });

  it('explain loads no socket code, native module or spinner', () => {
    const explain = (f: string): boolean => under(f, 'diagnose/explain') || /^cli\/explain[^/]*\.ts$/.test(f);
    // everything explain reaches through static imports
    const reach = new Set<string>();
    const queue = ALL.filter((e) => explain(e.from)).map((e) => e.from);
    while (queue.length > 0) {
      const f = queue.pop()!;
      if (reach.has(f)) continue;
      reach.add(f);
      for (const e of ALL) if (e.from === f && !e.dynamic && !e.to.startsWith('node:') && e.to.endsWith('.ts')) queue.push(e.to);
    }
    const bad = ALL.filter((e) => reach.has(e.from) && !e.dynamic)
      .filter((e) => under(e.to, 'probe') || ['node:net', 'node:tls', 'node:dgram', 'ora', 'koffi'].includes(e.to))
      .map((e) => `${e.from} -> ${e.to}`);
    expect(bad).toEqual([]);
  });
});
