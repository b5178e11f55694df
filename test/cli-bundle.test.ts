/**
 * The CLI bundle (dist/cli.bundle.cjs, scripts/bundle-cli.mjs) that bin/connreset.js runs for every
 * command but `explain`, with its V8 code cache: it must be made from the current modules, keep the
 * lazily loaded packages outside, come with a cache of its own, and the separate modules must still
 * serve when only tsc was run.
 */
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUNDLE = join(ROOT, 'dist', 'cli.bundle.cjs');

interface Meta {
  inputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
}
const readMeta = (): Meta => JSON.parse(readFileSync(join(ROOT, 'dist', 'cli.bundle.meta.json'), 'utf8')) as Meta;

/** A copy of the install (bin/, dist/ as `keep` allows, package.json, node_modules linked) in a new temporary directory. */
function copyInstall(prefix: string, keep: (src: string) => boolean = () => true): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true, filter: keep });
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

describe('the CLI bundle', () => {
  // bin/connreset.js does not compare times at start-up (it would cost what the bundle saves)
  it('is not older than the compiled modules it was made from (else run `npm run build`)', () => {
    const bundleTime = statSync(BUNDLE).mtimeMs;
    const inputs = Object.keys(readMeta().inputs).filter((i) => !i.startsWith('<'));
    expect(inputs).toContain('dist/cli/main.js');
    expect(inputs).toContain('dist/cli/check-run.js'); // a lazily imported command is inside too
    const newer = inputs.filter((i) => statSync(join(ROOT, i)).mtimeMs > bundleTime);
    expect(newer, 'compiled after the bundle was made: run `npm run build`').toEqual([]);
  });

  it('leaves the heavy, lazily loaded packages outside (required when a run needs them)', () => {
    const meta = readMeta();
    const inputs = Object.keys(meta.inputs);
    for (const name of ['koffi', 'yaml', 'prom-client', 'junit-report-builder', 'selfsigned', 'bcryptjs']) {
      expect(inputs.filter((i) => i.startsWith(`node_modules/${name}/`)), name).toEqual([]);
    }
    // commander, chalk and ora are in it: every run needs the first, and the others are ES modules only
    expect(inputs.some((i) => i.startsWith('node_modules/commander/'))).toBe(true);
  });

  // a YAML config goes through createRequire(import.meta.url)('yaml'), which the bundle shims
  it('reads a YAML config through the bundle (the package outside it is found)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'connreset-bundle-'));
    // a port that was just free: connects to it are refused
    const free = createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const port = (free.address() as AddressInfo).port;
    await new Promise((resolve) => free.close(resolve));
    try {
      const config = join(dir, 'checks.yaml');
      writeFileSync(config, `targets:\n  - target: 127.0.0.1:${port}\n    name: closed port\n    expect: refused\n`);
      // through the bundle itself (loadBundle), so a bundle that failed to load cannot pass by falling back to the modules
      const script = `const cli = require(${JSON.stringify(join(ROOT, 'bin', 'connreset.js'))}).loadBundle('cli');
if (!cli) { process.stderr.write('no bundle'); process.exit(99); }
cli.main(['node', 'connreset', 'check', ${JSON.stringify(config)}, '--json', '--no-followup']).then((code) => { process.exitCode = code; });`;
      const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
      expect(r.stderr).toBe('');
      const doc = JSON.parse(r.stdout) as { results: { name: string; outcome: string; status: string }[] };
      expect(doc.results.map((x) => [x.name, x.outcome, x.status])).toEqual([['closed port', 'refused', 'passed']]);
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // node:tls costs ~3.5 ms of every start: it is loaded for a TLS target (or a TLS option), not for plain TCP
  // each is start-up time a plain check of addresses never uses (src/shared/lazy-require.ts)
  it('loads node:tls, node:dns and node:child_process only when a run needs them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'connreset-lazy-load-'));
    // accepts, then closes: a plain target passes as closed_on_connect, a TLS one gets as far as its handshake
    const server = createServer((c) => c.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const loads = fileURLToPath(new URL('./explain/fixtures/record-loads.cjs', import.meta.url));
    const run = async (target: string, ...flags: string[]): Promise<{ status: number | null; required: string[] }> => {
      const log = join(dir, 'loads.json');
      rmSync(log, { force: true });
      // not spawnSync: the server answering the probe lives in this process
      const child = spawn(process.execPath, ['--require', loads, join(ROOT, 'bin', 'connreset.js'), 'check', '-', '--no-followup', ...flags], {
        env: { ...process.env, NODE_OPTIONS: '', NO_COLOR: '1', CONNRESET_LOAD_LOG: log },
        stdio: ['pipe', 'ignore', 'ignore'],
      });
      // ok too: on a loaded machine the server may not have accepted (and closed) within the settle
      child.stdin.end(`${target} closed_on_connect,ok\n`);
      const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
      return { status, required: (JSON.parse(readFileSync(log, 'utf8')) as { required: string[] }).required };
    };
    const loaded = (required: string[], name: string): boolean => required.includes(name) || required.includes(`node:${name}`);
    try {
      const plain = await run(`127.0.0.1:${port}`);
      expect(plain.status).toBe(0);
      for (const name of ['tls', 'dns/promises', 'child_process']) expect(loaded(plain.required, name), name).toBe(false);
      expect(loaded((await run(`tls://127.0.0.1:${port}`)).required, 'tls')).toBe(true);
      // a name (from /etc/hosts: the machine's resolver answers it without the network)
      const named = await run(`localhost:${port}`, '-4'); // where localhost is ::1 first too
      expect(named.status).toBe(0);
      expect(loaded(named.required, 'dns/promises')).toBe(true);
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // V8 refuses a cache made under other flags, and the build makes this one by running a check,
  // which changes a V8 flag for its run (src/cli/heap-tuning.ts): the cache must still be taken
  it('its code cache is accepted by a plain start, after a check made it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'connreset-cache-'));
    try {
      const log = join(dir, 'loads.json');
      const r = spawnSync(process.execPath, ['--require', fileURLToPath(new URL('./explain/fixtures/record-loads.cjs', import.meta.url)), join(ROOT, 'bin', 'connreset.js'), 'check', '--help'], {
        encoding: 'utf8',
        timeout: 30_000,
        env: { ...process.env, NODE_OPTIONS: '', CONNRESET_LOAD_LOG: log },
      });
      expect(r.status, r.stderr).toBe(0);
      const scripts = (JSON.parse(readFileSync(log, 'utf8')) as { scripts: { filename: string | null; cachedData: boolean; rejected: boolean }[] }).scripts;
      expect(scripts.filter((x) => x.filename === BUNDLE)).toEqual([{ filename: BUNDLE, cachedData: true, rejected: false }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // the build's two files belong together: the cache's key is the hash of the bundle the build wrote
  it('both bundles are ASCII, as the launcher reads them (latin1), and the escaped localized patterns still match', () => {
    for (const name of ['cli', 'explain']) {
      const bytes = readFileSync(join(ROOT, 'dist', `${name}.bundle.cjs`));
      expect(bytes.findIndex((b) => b > 0x7f), `${name}.bundle.cjs`).toBe(-1);
    }
    // a Chinese Windows message (WSAECONNRESET), matched by a pattern that was non-ASCII in the source
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'connreset.js'), 'explain', '远程主机强迫关闭了一个现有的连接。', '--json'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('ECONNRESET');
  });

  it('its code cache carries the SHA-256 of the bundle it was made from', () => {
    const text = readFileSync(BUNDLE, 'utf8');
    const m = /\/\/ code-cache-key: ([0-9a-f]{64}) ascii\n$/.exec(text);
    expect(m).not.toBeNull();
    expect(createHash('sha256').update(text.slice(0, m!.index)).digest('hex')).toBe(m![1]);
    expect(readFileSync(join(ROOT, 'dist', 'cli.bundle.cache')).subarray(0, 64).toString('latin1')).toBe(m![1]);
  });

  // a cache from another build (here: another bundle's) must not break the start: the launcher
  // does not hand it to V8 (its key differs), and V8 would reject it too
  it('a foreign code cache in place of the CLI cache does not break the CLI', () => {
    const dir = copyInstall('connreset-badcache-');
    try {
      cpSync(join(ROOT, 'dist', 'explain.bundle.cache'), join(dir, 'dist', 'cli.bundle.cache'));
      const r = spawnSync(process.execPath, [join(dir, 'bin', 'connreset.js'), 'check', '--help'], { encoding: 'utf8', timeout: 30_000 });
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('Usage: connreset check');
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // after a Node upgrade V8 refuses the build's cache: the plain start that was refused makes it
  // again, and the next start takes it; a start with other V8 flags leaves it alone (its cache
  // would be refused by every plain start)
  it('a code cache that V8 refuses is made again by the plain start it was refused to, and by no other', () => {
    const dir = copyInstall('connreset-renew-');
    try {
      const bundle = join(dir, 'dist', 'cli.bundle.cjs');
      const cache = join(dir, 'dist', 'cli.bundle.cache');
      const launcher = join(dir, 'bin', 'connreset.js');
      const env = { ...process.env, NODE_OPTIONS: '' };
      // a cache with the right key, made under another V8 flag: V8 refuses it as it does one from another Node
      const made = spawnSync(process.execPath, ['--max-old-space-size=123', '-e', `require(${JSON.stringify(launcher)}).loadBundle('cli', { makeCache: ${JSON.stringify(cache)} })`], { encoding: 'utf8', timeout: 30_000, env });
      expect(made.status, made.stderr).toBe(0);
      const foreign = readFileSync(cache);
      const start = (nodeArgs: string[]): { filename: string | null; cachedData: boolean; rejected: boolean }[] => {
        const log = join(dir, 'loads.json');
        rmSync(log, { force: true });
        const r = spawnSync(process.execPath, [...nodeArgs, '--require', fileURLToPath(new URL('./explain/fixtures/record-loads.cjs', import.meta.url)), launcher, 'check', '--help'], {
          encoding: 'utf8',
          timeout: 30_000,
          env: { ...env, CONNRESET_LOAD_LOG: log },
        });
        expect(r.status, r.stderr).toBe(0);
        expect(r.stderr).toBe('');
        return (JSON.parse(readFileSync(log, 'utf8')) as { scripts: { filename: string | null; cachedData: boolean; rejected: boolean }[] }).scripts.filter((x) => x.filename === bundle);
      };
      // not a plain start (node options): refused, and left as it was
      expect(start(['--stack-size=900'])).toEqual([{ filename: bundle, cachedData: true, rejected: true }]);
      expect(readFileSync(cache).equals(foreign)).toBe(true);
      // a plain start: refused, and made again
      const plain = spawnSync(process.execPath, [launcher, 'check', '--help'], { encoding: 'utf8', timeout: 30_000, env });
      expect(plain.status, plain.stderr).toBe(0);
      expect(readFileSync(cache).equals(foreign)).toBe(false);
      // the next start takes it; its key is still the bundle's, and no temporary file is left
      expect(start([])).toEqual([{ filename: bundle, cachedData: true, rejected: false }]);
      expect(readFileSync(cache).subarray(0, 64).toString('latin1')).toBe(/code-cache-key: ([0-9a-f]{64})/.exec(readFileSync(bundle, 'latin1'))![1]);
      expect(readdirSync(join(dir, 'dist')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the build writes non-ASCII characters as \\uXXXX, and refuses one after a backslash (the escape would change its meaning)', async () => {
    const { asciiEscaped } = (await import(pathToFileURL(join(ROOT, 'scripts', 'bundle-common.mjs')).href)) as { asciiEscaped: (text: string) => string };
    const source = 'const re = /远程主机|…$|[é-ü]/u; const s = "ok";';
    const escaped = asciiEscaped(source);
    expect([...escaped].every((c) => c.charCodeAt(0) < 0x80)).toBe(true);
    const evaluate = (text: string): RegExp => new Function(`${text} return re;`)() as RegExp;
    for (const line of ['远程主机强迫关闭', 'cut…', 'café', 'plain']) expect(evaluate(escaped).test(line)).toBe(evaluate(source).test(line));
    expect(() => asciiEscaped('const re = /a\\é/;')).toThrow(/backslash before a non-ASCII character/);
    // an escaped backslash before it is two backslashes: the character itself is plain
    expect(asciiEscaped('"\\\\é"')).toBe('"\\\\\\u00e9"');
  });

  // a bundle from before the build wrote bundles in ASCII (no ' ascii' on its key line) is read as UTF-8
  it('reads a bundle not marked ASCII as UTF-8', () => {
    const dir = copyInstall('connreset-utf8-');
    try {
      const bundle = join(dir, 'dist', 'explain.bundle.cjs');
      // as an older build wrote it: the pattern's characters raw (UTF-8), no ' ascii' mark
      const raw = readFileSync(bundle, 'latin1')
        .replace(/\\u([0-9a-f]{4})/g, (all, hex: string) => (parseInt(hex, 16) >= 0x80 ? String.fromCharCode(parseInt(hex, 16)) : all))
        .replace(/ ascii\n$/, '\n');
      expect(raw).toContain('远程主机');
      writeFileSync(bundle, raw, 'utf8');
      const r = spawnSync(process.execPath, [join(dir, 'bin', 'connreset.js'), 'explain', '远程主机强迫关闭了一个现有的连接。', '--json'], { encoding: 'utf8', timeout: 30_000 });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('ECONNRESET');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without the bundle (only tsc was run), the separate modules serve', () => {
    const dir = copyInstall('connreset-nobundle-', (src) => !/cli\.bundle\.(cjs|cache)$/.test(src));
    try {
      const r = spawnSync(process.execPath, [join(dir, 'bin', 'connreset.js'), '--version'], { encoding: 'utf8', timeout: 30_000 });
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
