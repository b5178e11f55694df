/**
 * `connreset explain` as a user runs it: the built CLI in a real process. Exit codes, one-line
 * errors, stdin, --json, --lang, --list, --platform, and what explain must not load at start-up.
 */
import { describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { runCli, BIN } from '../helpers/cli.js';
import { ERRORS } from '../../src/knowledge/errors.js';
import { EXPLANATION_SCHEMA } from '../../src/diagnose/explain/types.js';

const NO_STACK = /\n\s+at /;

// real processes: allow for a loaded machine (runCli itself bounds each run at 20 s)
describe('connreset explain (CLI)', { timeout: 30_000 }, () => {
  it('explains a Winsock number with its names on every platform', async () => {
    const r = await runCli(['explain', '10054']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^ECONNRESET — Connection reset by peer/);
    for (const s of ['WSAECONNRESET 10054', 'ECONNRESET 104', 'ECONNRESET 54', '-4077 Windows', 'On the wire: RST', 'Likely causes']) {
      expect(r.stdout).toContain(s);
    }
  });

  it('lists every reading of an ambiguous number and --platform picks one', async () => {
    const all = await runCli(['explain', '54']);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('EXFULL');
    expect(all.stdout).toMatch(/^ECONNRESET/);
    const linux = await runCli(['explain', '54', '--platform', 'linux']);
    expect(linux.code).toBe(2);
    expect(linux.stderr).toMatch(/^connreset: 54 is not a network error on linux \(Linux errno EXFULL/);
    const macos = await runCli(['explain', '--platform=macos', '60']);
    expect(macos.code).toBe(0);
    expect(macos.stdout).toMatch(/^ETIMEDOUT/);
  });

  it('reads a pasted log line from stdin with -', async () => {
    const line = "2017/12/11 16:35:02 [error] 59#0: *244286 recv() failed (104: Connection reset by peer) while reading response header from upstream, client: 10.250.3.2, upstream: \"http://11.211.103.77:9000/api\"\n";
    const r = await runCli(['explain', '-'], { input: line });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Operation: read (receive)');
    // nginx named the upstream as an http:// URL, so the probe speaks HTTP to it
    expect(r.stdout).toContain('connreset probe http://11.211.103.77:9000');
  });

  // nginx's line about its own client: the other end is that client, and there is no server to probe
  it("says whose side an nginx line is from, and suggests no probe of nginx's client", async () => {
    const line = '2026/11/25 15:21:08 [info] 23269#23269: *2 client timed out (110: Connection timed out) while reading client request headers, client: 127.0.0.1, server: , request: "GET / HTTP/1.1", host: "x"';
    const text = await runCli(['explain', line]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Other end: the client');
    expect(text.stdout).toContain('The client is slow, idle or gave up');
    expect(text.stdout).not.toContain('connreset probe');
    expect(text.stdout).not.toContain('The server is slow or overloaded');
    const json = JSON.parse((await runCli(['explain', line, '--json'])).stdout) as { peer: string; probeCommand: string | null; causes: { id: string }[] };
    expect(json).toMatchObject({ peer: 'client', probeCommand: null });
    expect(json.causes[0]?.id).toBe('client_slow_or_gone');
  });

  it('accepts a message as several arguments', async () => {
    const r = await runCli(['explain', 'curl:', '(52)', 'Empty', 'reply', 'from', 'server']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^EOF — Connection closed by the peer without a reply/);
    expect(r.stdout).toContain('curl exit code 52 CURLE_GOT_NOTHING');
  });

  it.each([
    [['explain', ''], /^connreset: nothing to explain: the message is empty/],
    [['explain'], /^connreset: nothing to explain/],
    [['explain', '99999'], /^connreset: unknown code 99999/],
    [['explain', 'ECONRESET'], /^connreset: unknown error symbol "ECONRESET" \(did you mean ECONNRESET\?\)$/],
    [['explain', 'hello world'], /^connreset: no network error found in this message/],
    [['explain', '10054', '--platform', 'beos'], /argument 'beos' is invalid/],
    [['explain', '10054', '--lang', 'cobol'], /argument 'cobol' is invalid/],
    [['explain', '10054', '--frobnicate'], /unknown option '--frobnicate'/],
  ])('bad input %j: one line on stderr, exit 2', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toMatch(message);
    expect(r.stderr).not.toMatch(NO_STACK);
  });

  it('empty stdin is an empty message', async () => {
    const r = await runCli(['explain', '-'], { input: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^connreset: nothing to explain: the message is empty/);
  });

  it('--json prints one document of the documented schema', async () => {
    const r = await runCli(['explain', 'dial tcp 127.0.0.1:5432: connect: connection refused', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Record<string, unknown> & { error: Record<string, unknown>; causes: Record<string, unknown>[]; platforms: Record<string, unknown> };
    expect(doc.schema).toBe(EXPLANATION_SCHEMA);
    expect(doc.inputKind).toBe('message');
    expect(doc.error.id).toBe('ECONNREFUSED');
    expect(doc.error.wire).toMatchObject({ signal: 'rst' });
    expect(doc.operation).toBe('connect');
    expect(doc.endpoint).toEqual({ host: '127.0.0.1', port: 5432, scheme: null });
    expect(doc.probeCommand).toBe('connreset probe 127.0.0.1:5432');
    expect(Object.keys(doc.platforms).sort()).toEqual(['libuv', 'linux', 'macos', 'windows', 'windowsCrt']);
    expect(doc.causes[0]).toMatchObject({ id: 'nothing_listening' });
    // the causes' how-to-tell steps name the endpoint from the message, not HOST:PORT
    expect(JSON.stringify(doc.causes)).toContain('lsof -iTCP:5432');
    expect(JSON.stringify(doc.causes)).not.toContain('HOST:PORT');
    for (const c of doc.causes) {
      expect(Object.keys(c).sort()).toEqual(['howToTell', 'id', 'remediation', 'summary', 'title']);
    }
    expect(doc.snippet).toBeNull();
    for (const key of ['readings', 'context', 'alsoSeen', 'notes']) expect(Array.isArray(doc[key]), key).toBe(true);
  });

  it.each([
    ['python', 'isinstance(exc, ConnectionResetError)', 'random.uniform'],
    ['node', "err?.code === 'ECONNRESET'", 'Math.random()'],
    ['go', 'syscall.Errno(10054)', 'rand.Int63n'],
    ['java', 'SocketException', 'ThreadLocalRandom'],
    ['csharp', 'SocketError.ConnectionReset', 'Random.Shared'],
  ])('--lang %s prints a snippet that detects the error portably and retries with jitter', async (lang, detect, jitter) => {
    const r = await runCli(['explain', 'ECONNRESET', '--lang', lang]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Snippet (${lang})`);
    expect(r.stdout).toContain(detect);
    expect(r.stdout).toContain(jitter);
    expect(r.stdout).toMatch(/[Kk]eep[Aa]live|KEEPALIVE|KeepAlive/);
    expect(r.stdout).not.toContain('{{');
  });

  it('--list names every code in the table, and --list --json too', async () => {
    const text = await runCli(['explain', '--list']);
    expect(text.code).toBe(0);
    for (const e of ERRORS) expect(text.stdout).toContain(e.id);
    // columns stay apart however long a cell is (ECONNREFUSED has three Windows codes): the
    // header's columns start where each row's cells do, and two spaces at least part the cells
    const lines = text.stdout.split('\n').slice(0, ERRORS.length + 1);
    const starts = (line: string): number[] => [...line.matchAll(/(?:^|\s{2,})(\S)/g)].map((m) => m.index! + m[0].length - 1);
    const header = starts(lines[0]!);
    expect(header).toHaveLength(7);
    for (const line of lines.slice(1)) expect(starts(line).slice(0, 6), line).toEqual(header.slice(0, 6));
    const json = await runCli(['explain', '--list', '--json']);
    const doc = JSON.parse(json.stdout) as { schema: string; codes: { id: string }[] };
    expect(doc.schema).toBe('connreset.codes/v1');
    expect(doc.codes.map((c) => c.id)).toEqual(ERRORS.map((e) => e.id));
  });

  it('works through commander too (a global option before the command), negative numbers included', async () => {
    const r = await runCli(['--no-color', 'explain', '-4077', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { error: { id: string }; readings: { number: number; platform: string }[] };
    expect(doc.error.id).toBe('ECONNRESET');
    expect(doc.readings[0]).toMatchObject({ number: -4077, platform: 'windows' });
  });

  it('--help still goes through commander and shows examples', async () => {
    const r = await runCli(['explain', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: connreset explain');
    expect(r.stdout).toContain('Examples:');
  });

  it('honours NO_COLOR and FORCE_COLOR', async () => {
    const plain = await runCli(['explain', '104']);
    expect(plain.stdout).not.toContain('\u001b[');
    const forced = await runCli(['explain', '104'], { env: { FORCE_COLOR: '1', NO_COLOR: '' } });
    // NO_COLOR present (even empty) wins, as no-color.org asks
    expect(forced.stdout).not.toContain('\u001b[');
  });
});

describe('what explain loads', { timeout: 30_000 }, () => {
  const hook = fileURLToPath(new URL('./fixtures/record-imports.mjs', import.meta.url));
  const loads = fileURLToPath(new URL('./fixtures/record-loads.cjs', import.meta.url));
  const ROOT = fileURLToPath(new URL('../../', import.meta.url));
  const BUNDLE = join(ROOT, 'dist', 'explain.bundle.cjs');
  const readMeta = (): { inputs: Record<string, { imports: { path: string }[] }> } =>
    JSON.parse(readFileSync(join(ROOT, 'dist', 'explain.bundle.meta.json'), 'utf8')) as { inputs: Record<string, { imports: { path: string }[] }> };

  interface Loads {
    /** ES modules imported (the hooks), CommonJS modules required, files under dist/ read, vm scripts compiled */
    imports: string[];
    required: string[];
    read: string[];
    scripts: { filename: string | null; cachedData: boolean; rejected: boolean }[];
  }

  function loadsOf(args: string[], input = ''): Promise<Loads> {
    const dir = mkdtempSync(join(tmpdir(), 'connreset-imports-'));
    const importLog = join(dir, 'imports.log');
    const loadLog = join(dir, 'loads.json');
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', hook, '--require', loads, BIN, ...args], {
        // without NODE_OPTIONS: V8 flags there (--max-old-space-size) make V8 refuse any code cache, by design
        env: { ...process.env, NODE_OPTIONS: '', NO_COLOR: '1', CONNRESET_IMPORT_LOG: importLog, CONNRESET_LOAD_LOG: loadLog },
        stdio: ['pipe', 'ignore', 'ignore'],
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.on('error', reject);
      child.on('close', () => {
        clearTimeout(timer);
        const text = (file: string): string => {
          try {
            return readFileSync(file, 'utf8');
          } catch {
            return '';
          }
        };
        const imports = text(importLog).split('\n').filter(Boolean);
        const rest = JSON.parse(text(loadLog) || '{"read":[],"required":[],"scripts":[]}') as Omit<Loads, 'imports'>;
        rmSync(dir, { recursive: true, force: true });
        resolve({ imports, ...rest });
      });
      child.stdin.end(input);
    });
  }

  // a module the fast path must not hold: sockets, TLS, DNS, the spinner, commander, chalk, probe or lab code
  const FORBIDDEN_BUILTINS = ['net', 'tls', 'http', 'https', 'dgram', 'dns'].flatMap((m) => [m, `node:${m}`]);
  const FORBIDDEN_PATH = /(?:^|\/)node_modules\/(ora|commander|chalk)\/|(?:^|\/)dist\/(probe|lab)\/|(?:^|\/)dist\/cli\/main\.js$/;

  it.each([
    [['explain', '10054']],
    [['explain', 'read tcp 10.0.0.1:5->10.0.0.2:443: read: connection reset by peer', '--json']],
    [['explain', 'ECONNRESET', '--lang', 'node']],
    [['explain', '-']],
  ])('%j runs from the bundle with its code cache, and loads no socket, TLS, spinner or other command code', async (args) => {
    const l = await loadsOf(args, 'Error: write EPIPE');
    // the CLI compiled the bundle (the fast path users get), with the code cache the build made, and no ES module of ours
    expect(l.read).toContain(BUNDLE);
    expect(l.scripts).toEqual([{ filename: BUNDLE, cachedData: true, rejected: false }]);
    expect(l.imports.filter((u) => u.includes('/dist/'))).toEqual([]);
    const forbidden = [...l.imports, ...l.required].filter((u) => FORBIDDEN_BUILTINS.includes(u) || FORBIDDEN_PATH.test(u));
    expect(forbidden).toEqual([]);
  });

  it('the bundle finds every table regex\'s prefilter precomputed (none read at run time)', async () => {
    const script = `const f = require(${JSON.stringify(BIN)}).loadExplainBundle();
      f.runExplainFast(['node', 'connreset', 'explain', process.argv[1]]).then(() => process.stderr.write(JSON.stringify(f.literalStats)));`;
    const line = '2024/01/01 [error] 1#1: *1 upstream prematurely closed connection while reading response header from upstream, upstream: "http://10.0.0.2:80/"';
    const stats = await new Promise<{ precomputed: number; readAtRunTime: number }>((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', script, line], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      child.on('error', reject);
      child.on('close', () => {
        clearTimeout(timer);
        resolve(JSON.parse(err) as { precomputed: number; readAtRunTime: number });
      });
    });
    expect(stats.precomputed).toBeGreaterThan(100);
    expect(stats.readAtRunTime).toBe(0);
  });

  // A bundle hides its modules from the import hook above: esbuild's metafile lists them instead,
  // with every import each one makes, static or dynamic (a lazy `await import('node:net')` too).
  it('the bundle holds the explain modules and none of the forbidden ones', () => {
    const meta = readMeta();
    const inputs = Object.keys(meta.inputs);
    expect(inputs).toContain('dist/cli/explain-fast.js');
    expect(inputs).toContain('dist/diagnose/explain/message.js'); // the lazily loaded resolver is inside too
    expect(inputs.filter((i) => FORBIDDEN_PATH.test(i))).toEqual([]);
    const imported = Object.values(meta.inputs).flatMap((i) => i.imports.map((x) => x.path));
    expect(imported.filter((i) => FORBIDDEN_BUILTINS.includes(i) || FORBIDDEN_PATH.test(i))).toEqual([]);
  });

  // bin/connreset.js does not check this at run time (it would cost start-up time), so the tests do:
  // a bundle older than the tsc output it was made from would run yesterday's code.
  it('the bundle is not older than the compiled modules it was made from (else run `npm run build`)', () => {
    const bundleTime = statSync(BUNDLE).mtimeMs;
    const newer = Object.keys(readMeta().inputs)
      .filter((i) => !i.startsWith('<')) // esbuild's own inputs (<define:…>) are no files
      .filter((i) => statSync(join(ROOT, i)).mtimeMs > bundleTime);
    expect(newer, 'compiled after the bundle was made: run `npm run build`').toEqual([]);
  });

  // the build's two files belong together: the cache's key is the hash of the bundle the build wrote
  it('the code cache carries the SHA-256 of the bundle it was made from', () => {
    const text = readFileSync(BUNDLE, 'utf8');
    const m = /\/\/ code-cache-key: ([0-9a-f]{64}) ascii\n$/.exec(text);
    expect(m).not.toBeNull();
    const body = text.slice(0, m!.index);
    expect(createHash('sha256').update(body).digest('hex')).toBe(m![1]);
    expect(readFileSync(join(ROOT, 'dist', 'explain.bundle.cache')).subarray(0, 64).toString('latin1')).toBe(m![1]);
  });

  // only tsc was run (no bundle), or the bundle is damaged (a partial copy): the separate modules still serve
  it.each([
    ['without a bundle (only tsc was run)', null],
    ['with a damaged bundle (cut in half)', (bundle: string) => bundle.slice(0, bundle.length >> 1)],
  ] as const)('%s explain runs from the separate modules', async (_what, damage) => {
    const dir = mkdtempSync(join(tmpdir(), 'connreset-nobundle-'));
    try {
      cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
      cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true, filter: (src) => !src.includes('explain.bundle') });
      if (damage) {
        writeFileSync(join(dir, 'dist', 'explain.bundle.cjs'), damage(readFileSync(BUNDLE, 'utf8')));
        cpSync(join(ROOT, 'dist', 'explain.bundle.cache'), join(dir, 'dist', 'explain.bundle.cache'));
      }
      symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
      const out = await runCli(['explain', '10054'], { bin: join(dir, 'bin', 'connreset.js') });
      expect(out.code).toBe(0);
      expect(out.stdout).toMatch(/^ECONNRESET — Connection reset by peer/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
