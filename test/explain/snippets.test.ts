/**
 * The --lang snippets are code people paste: each language's snippet for every error must at
 * least parse/compile with that language's own tool, where the tool is installed here.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

  // go vet type-checks every snippet (and runs vet's checks) with the standard library only: no
  // module download (GOPROXY=off), no toolchain switch (GOTOOLCHAIN=local), a private build cache.
  it.skipIf(!has('go', 'version'))('go: every snippet passes go vet (skipped when go is not installed: apt-get install golang-go)', () => {
    const mod = join(dir, 'go');
    mkdirSync(mod, { recursive: true });
    writeFileSync(join(mod, 'go.mod'), 'module example.com/snippets\n\ngo 1.19\n');
    for (const e of ERRORS) {
      const pkg = join(mod, e.id.toLowerCase());
      mkdirSync(pkg, { recursive: true });
      writeFileSync(join(pkg, 'netretry.go'), renderSnippet('go', e.id));
    }
    const env = { ...process.env, GOFLAGS: '-mod=mod', GOPROXY: 'off', GOTOOLCHAIN: 'local', GOCACHE: join(dir, 'go-cache'), GOPATH: join(dir, 'gopath') };
    const r = spawnSync('go', ['vet', './...'], { cwd: mod, encoding: 'utf8', env, timeout: 120_000 });
    expect(r.status, `${r.stderr}${r.error ? String(r.error) : ''}`).toBe(0);
  });

  // Mono's mcs with Mono's class library (.NET Framework 4.x): every type, member and line of syntax
  // is checked, except the two .NET 5/6 members Mono lacks, swapped for their older equivalents here.
  const NEWER_THAN_MONO: readonly [string | RegExp, string][] = [
    ['Random.Shared.NextDouble()', 'new Random().NextDouble()'], // .NET 6
    [/^.*KeepAlivePingDelay = .*\n/m, ''], // .NET 5
  ];
  const monoHttp = ['/usr/lib/mono/4.5/System.Net.Http.dll', '/usr/lib/mono/4.5-api/System.Net.Http.dll'].some((f) => existsSync(f));
  it.skipIf(!has('mcs') || !monoHttp)(
    'csharp: every snippet compiles with mcs (skipped when mcs or System.Net.Http is missing: apt-get install mono-mcs libmono-system-net-http4.0-cil)',
    () => {
      const files = ERRORS.map((e) => {
        const file = join(dir, `NetRetry_${e.id}.cs`);
        let code = renderSnippet('csharp', e.id).replace('static class NetRetry', `static class NetRetry_${e.id}`);
        for (const [newer, older] of NEWER_THAN_MONO) {
          const before = code;
          code = code.replace(newer, older);
          expect(code, `${String(newer)} is no longer in the snippet: drop it from NEWER_THAN_MONO`).not.toBe(before);
        }
        writeFileSync(file, code);
        return file;
      });
      const r = spawnSync('mcs', ['-target:library', '-r:System.Net.Http', '-warnaserror+', `-out:${join(dir, 'snippets.dll')}`, ...files], {
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    },
  );
});
