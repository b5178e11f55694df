/**
 * The user documentation is a contract too: README.md routes, docs/ explains. These tests keep the
 * docs from drifting away from the code: every relative link resolves, the outcome table is
 * src/knowledge/outcomes.ts, and every option a command's --help lists is documented.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { EXIT } from '../../src/exit-codes.js';
import { OUTCOME_INFO } from '../../src/knowledge/outcomes.js';
import { OUTCOMES } from '../../src/shared/outcome.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const read = (rel: string) => readFileSync(join(ROOT, rel), 'utf8');
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/**
 * Pages other helpers are writing in parallel: linked already, allowed to be missing until they
 * land. Every other link must resolve.
 */
const PENDING = new Set(['explain-contexts.md', 'experiments.md', 'locate.md', 'fleet.md', 'settings.md', 'scale.md', 'reliability.md'].map((f) => `docs/${f}`));

/** prose only: fenced code blocks hold shell comments and example output, not headings or links */
function prose(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, '');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of prose(text).matchAll(/^#{1,6} (.+)$/gm)) {
    const base = m[1]!.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

describe('docs', () => {
  it('README stays short: at most about 400 lines', () => {
    expect(read('README.md').split('\n').length).toBeLessThanOrEqual(400);
  });

  it('README keeps the two set-up commands and says how to install from a clone', () => {
    const readme = read('README.md');
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
    expect(readme).toContain('npm link');
    expect(readme).toContain('node bin/connreset.js');
    expect(readme).toMatch(/not on the npm registry/);
  });

  it('no page tells users to run the package from the registry (it is not published)', () => {
    for (const file of DOCS) expect(read(file), file).not.toMatch(/npx (--yes )?connreset/);
  });

  it.each(DOCS)('%s: every relative link resolves, anchors included', (file) => {
    const text = prose(read(file));
    const problems: string[] = [];
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const link = m[1]!;
      if (/^[a-z]+:/i.test(link)) continue; // http(s), mailto
      const [path, anchor] = link.split('#') as [string, string | undefined];
      const target = path === '' ? file : join(dirname(file), path);
      if (!existsSync(join(ROOT, target))) {
        if (!PENDING.has(target)) problems.push(`${link}: ${target} does not exist`);
        continue;
      }
      if (anchor && target.endsWith('.md') && !anchors(read(target)).has(anchor)) problems.push(`${link}: no heading #${anchor} in ${target}`);
    }
    expect(problems).toEqual([]);
  });

  it('the outcome table in docs/probe.md is src/knowledge/outcomes.ts: every outcome, its wire meaning, healthy or not', () => {
    const section = read('docs/probe.md').split(/^## Outcomes$/m)[1]!.split(/^## /m)[0]!;
    const rows = [...section.matchAll(/^\| `([a-z0-9_]+)` \| (.+?) \| (.+?) \|$/gm)];
    expect(rows.map((r) => r[1]).sort()).toEqual([...OUTCOMES].sort());
    for (const [, id, wire, healthy] of rows) {
      const info = OUTCOME_INFO[id as keyof typeof OUTCOME_INFO];
      expect(wire, id).toContain(info.wire);
      expect(healthy!.startsWith('yes'), `${id}: healthy column "${healthy}"`).toBe(info.severity !== 'failure');
    }
  });

  it('the exit-code table in the README lists every exit code', () => {
    const readme = read('README.md').split(/^## Exit codes$/m)[1]!.split(/^## /m)[0]!;
    const codes = [...readme.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    expect(codes.sort((a, b) => a - b)).toEqual([...new Set(Object.values(EXIT))].sort((a, b) => a - b));
  });

  it("every option in every command's --help appears on that command's page", () => {
    const program = buildProgram({ exitCode: 0, stdout: process.stdout, stderr: process.stderr });
    const page: Record<string, string> = { lab: 'docs/lab.md', demo: 'docs/lab.md', serve: 'docs/fleet.md' };
    const missing: string[] = [];
    for (const command of program.commands) {
      const file = page[command.name()] ?? `docs/${command.name()}.md`;
      if (!existsSync(join(ROOT, file))) {
        // a page another helper is writing: checked once it lands
        if (!PENDING.has(file)) missing.push(`${command.name()}: no page ${file}`);
        continue;
      }
      const text = read(file);
      for (const option of command.options) {
        for (const flag of [option.long, option.short]) {
          if (!flag) continue;
          // a flag counts when it appears as a flag: `--json`, --json FILE, -k, in a table or usage line
          if (!new RegExp(`(^|[\\s\`|\\[(,])${flag.replace(/[-]/g, '\\-')}(?![a-z-])`, 'm').test(text)) missing.push(`${command.name()} ${flag} (${file})`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
