/**
 * The --lang snippets are code people paste: each language's snippet for every error must at
 * least parse/compile with that language's own tool, where the tool is installed here.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ERRORS } from '../../src/knowledge/errors.js';
import { DETECT, SNIPPET_LANGUAGES, renderSnippet } from '../../src/knowledge/snippets.js';

const dir = mkdtempSync(join(tmpdir(), 'connreset-snippets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function has(tool: string, versionArg = '--version'): boolean {
  return spawnSync(tool, [versionArg], { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

describe('snippet data', () => {
  it('has a portable detection for every error in every language', () => {
    for (const e of ERRORS) {
      for (const lang of SNIPPET_LANGUAGES) expect(DETECT[e.id]?.[lang], `${e.id} ${lang}`).toBeTruthy();
    }
  });

  it('never detects by one platform number alone', () => {
    for (const e of ERRORS) {
      for (const lang of SNIPPET_LANGUAGES) {
        const code = renderSnippet(lang, e.id);
        expect(code).not.toContain('{{');
        expect(code).not.toMatch(/errno\s*===?\s*104\b|== 104\b|\(104\)/);
      }
    }
  });
});

// each check spawns a compiler: give them room on a loaded 2-core machine
describe('snippets compile', { timeout: 120_000 }, () => {
  it('node: every snippet passes node --check', () => {
    for (const e of ERRORS) {
      const file = join(dir, `${e.id}.mjs`);
      writeFileSync(file, renderSnippet('node', e.id));
      const r = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8', timeout: 20_000 });
      expect(r.status, `${e.id}: ${r.stderr}`).toBe(0);
    }
  });

  it.skipIf(!has('python3'))('python: every snippet byte-compiles (skipped when python3 is not installed)', () => {
    const files = ERRORS.map((e) => {
      const file = join(dir, `snippet_${e.id.toLowerCase()}.py`);
      writeFileSync(file, renderSnippet('python', e.id));
      return file;
    });
    const r = spawnSync('python3', ['-m', 'py_compile', ...files], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
  });

  it.skipIf(!has('javac', '-version'))('java: every snippet compiles with javac (skipped when javac is not installed)', () => {
    const files = ERRORS.map((e) => {
      const name = `NetRetry_${e.id}`;
      const file = join(dir, `${name}.java`);
      writeFileSync(file, renderSnippet('java', e.id).replace('final class NetRetry ', `final class ${name} `));
      return file;
    });
    const r = spawnSync('javac', ['-d', join(dir, 'classes'), ...files], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
  });
});
