/**
 * Issue #14 "Hostile input at any size", one regression per numbered item (and the two config
 * items of #12): each failed before its fix (crash, hang, leak, raw control byte or secret shown)
 * and passes after. The 125,000-target crash (item 1) is the size test in size.test.ts; the lab
 * leak (item 6) is also counted in descriptors in fds.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Alias } from 'yaml';
import { BIN, runCli, type CliResult } from '../helpers/cli.js';
import { parseTarget } from '../../src/probe/target.js';
import { parseSend } from '../../src/probe/payload.js';
import { ConfigProblems, loadConfigFile, parseConfig, type ConfigDeps } from '../../src/check/config.js';
import { HANDLERS, type HandlerEnv } from '../../src/lab/handlers.js';
import { renderPrometheus } from '../../src/report/prometheus.js';
import { renderCheckTable } from '../../src/report/check-table.js';
import { BadTargetError, UsageError } from '../../src/errors.js';
import type { CheckResult, CheckRun } from '../../src/check/result.js';
import { localLimitNotice } from '../../src/probe/runner.js';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { reportPathProblem } from '../../src/report/atomic-write.js';

const deps: ConfigDeps = { parseTarget, parseSend };
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'connreset-hostile-'));
}

/** A loopback port with nothing listening on it (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigProblems) return error.problems.map((p) => p.message);
    throw error;
  }
  throw new Error('expected config problems');
}

function expectOneCleanLine(r: CliResult): void {
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^connreset: /);
  expect(r.stderr.endsWith('\n')).toBe(true);
  expect(r.stderr.slice(0, -1)).not.toContain('\n');
  expect(r.stderr).not.toMatch(RAW_CONTROL);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('2. YAML aliases are resolved once and their expansion is bounded', () => {
  it('20,000 aliases of one target never walk the document per alias', () => {
    const text = `- &t {target: "127.0.0.1:9"}\n${'- *t\n'.repeat(20_000)}`;
    const resolve = vi.spyOn(Alias.prototype, 'resolve');
    try {
      const specs = parseConfig(text, 'c.yml', deps);
      expect(specs).toHaveLength(20_001);
      // yaml's Alias.resolve visits the whole document on every call: the quadratic cost
      expect(resolve).not.toHaveBeenCalled();
    } finally {
      resolve.mockRestore();
    }
  });

  it('a "billion laughs" document is one problem, found before any field is read', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 8; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const problems = problemsOf(() => parseConfig(`defaults:\n  send: none\nx:\n${levels.map((l) => `  ${l}`).join('\n')}\ntargets: *h\n`, 'c.yml', deps));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^c\.yml:\d+: aliases expand to more than 1000000 nodes/);
  });

  it('many aliases to a large anchored node are one problem', () => {
    const big = `{target: "127.0.0.1:9", expect: {outcome: [${Array(3000).fill('ok').join(',')}]}}`;
    const problems = problemsOf(() => parseConfig(`- &big ${big}\n${'- *big\n'.repeat(5000)}`, 'c.yml', deps));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/aliases expand to more than/);
  });

  it('an alias inside its own anchor and an unknown alias are problems with a line', () => {
    expect(problemsOf(() => parseConfig('targets:\n  - &x [*x]\n', 'c.yml', deps))).toEqual(['c.yml:2: an alias refers to the node that holds it: write the values out, or alias smaller nodes']);
    expect(problemsOf(() => parseConfig('targets:\n  - *nope\n', 'c.yml', deps))[0]).toMatch(/^c\.yml:2: unknown alias \*nope/);
  });
});

describe('3. --send @FILE and config files are type-checked and read to a bound', () => {
  let dir: string;
  let fifo: string;
  beforeAll(() => {
    dir = tmp();
    fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
  });

  it.each([
    ['a FIFO', () => fifo, /is a FIFO/],
    ['/dev/zero', () => '/dev/zero', /is a device/],
    ['a directory', () => tmpdir(), /is a directory/],
  ])('--send @(%s) is refused at once, without reading it', (_, path, reason) => {
    expect(() => parseSend(`@${path()}`)).toThrow(reason);
  });

  it('a file one byte over 1 MiB is refused; exactly 1 MiB is sent', () => {
    const file = join(dir, 'big.bin');
    writeFileSync(file, Buffer.alloc(1024 * 1024 + 1, 0x41));
    expect(() => parseSend(`@${file}`)).toThrow(/larger than 1 MiB/);
    writeFileSync(file, Buffer.alloc(1024 * 1024, 0x41));
    expect(parseSend(`@${file}`)).toMatchObject({ kind: 'file' });
  });

  it('send: "@fifo" in a config is a problem at its line, and check exits 2 at once', async () => {
    writeFileSync(join(dir, 'c.yml'), `targets:\n  - target: 127.0.0.1:9\n    send: "@fifo"\n`);
    expect(problemsOf(() => loadConfigFile(join(dir, 'c.yml'), deps))[0]).toMatch(/c\.yml:3: targets\[0\]\.send: bad --send .*is a FIFO/);
    const r = await runCli(['check', join(dir, 'c.yml')], { timeoutMs: 15_000 });
    expect(r.code).toBe(2);
  });

  it('a config path that is a device is refused, not read without end', () => {
    expect(problemsOf(() => loadConfigFile('/dev/zero', deps))).toEqual(['/dev/zero: is a device, not a file']);
  });

  it('a config from a pipe (process substitution) is still read', async () => {
    const port = await closedPort();
    const r = await new Promise<CliResult>((resolve) => {
      const child = spawn('bash', ['-c', `exec "${process.execPath}" "${BIN}" check <(printf -- '- {target: "127.0.0.1:${port}", expect: refused}\\n') --json`], { env: { ...process.env, NO_COLOR: '1' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).results[0].outcome).toBe('refused');
  });
});

describe('4. everything printed that came from input goes through one escaper', () => {
  it.each([
    [['probe', '127.0.0.1:1/X=\u001b]0;pwned\u0007']],
    [['probe', 'a\nb:80']],
    [['probe', 'a\u202eb:80']],
    [['probe', 'a\u2028b:80']],
    [['probe', 'http://127.0.0.1:99999\u009b2J/']],
    [['probe', '127.0.0.1:9', '--send', 'zz\u001b[2J']],
    [['explain', '-x\u001b[2J']],
    [['probe', '--idle', '5\u001b[2Js', '127.0.0.1:9']],
  ])('%j: one escaped connreset: line on stderr, exit 2', async (args) => {
    const r = await runCli(args);
    expectOneCleanLine(r);
    expect(r.stdout).toBe('');
  });

  it('check names each problem on its own escaped line, then the count', async () => {
    const r = await runCli(['check', '127.0.0.1:\u001b[31m', 'a\u2028b:1']);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(RAW_CONTROL);
    expect(r.stderr.trim().split('\n')).toEqual([
      'connreset: argument 1: bad target "127.0.0.1:\\u001b[31m": port "\\u001b[31m" is not a number (ports are 1-65535)',
      'connreset: argument 2: bad target "a\\u2028b:1": "a\\u2028b" is not a valid host name or IP address',
      'connreset: 2 problems in the input; nothing was probed',
    ]);
  });

  it("commander's own errors come as one connreset: line, not two raw lines", async () => {
    const r = await runCli(['explain', '-x\u001b[2J']);
    expectOneCleanLine(r);
    expect(r.stderr).toBe("connreset: unknown option '-x\\x1b[2J' (run with --help for usage)\n");
  });

  it('config problems escape the keys and values they echo', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'c.yml'), `targets:\n  - target: "127.0.0.1:9"\n    "\\e[2Jkey\\u202e": 1\n    expect: "ok\\x9b\\u2028"\n`);
    const r = await runCli(['check', join(dir, 'c.yml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(RAW_CONTROL);
    expect(r.stderr).toContain('\\x1b[2Jkey\\u202e');
    for (const line of r.stderr.trim().split('\n')) expect(line).toMatch(/^connreset: /);
  });

  it('explain --json escapes C1 controls, bidi and line separators, and still parses to the same text', async () => {
    const line = 'read ECONNRESET \u0085\u009b2J \u202e \u2028 end';
    const r = await runCli(['explain', line, '--json']);
    expect(r.stdout).not.toMatch(RAW_CONTROL);
    expect(r.stdout).not.toContain('\u0085');
    expect(JSON.stringify(JSON.parse(r.stdout))).toContain(JSON.stringify(line).slice(1, -1));
  });

  it('a check name with ESC, C1 and bidi does not reach the Prometheus file raw', () => {
    const text = renderPrometheus(runOf([result({ name: 'evil\u001b]0;t\u0007\u009b\u202e' })]));
    expect(text).not.toMatch(RAW_CONTROL);
    expect(text).toContain('name="evil\\\\x1b]0;t\\\\x07\\\\x9b\\\\u202e"');
  });
});

describe('5. user-info is redacted in every target form', () => {
  it.each(['admin:s3cret@127.0.0.1:9', 'tcp://admin:s3cret@127.0.0.1:9', 'admin:s3cret@[::1]:9', 'http://admin:s3:cret@127.0.0.1:9/x?y=1'])(
    'parseTarget(%j) keeps no password',
    (input) => {
      expect(parseTarget(input).input).not.toContain('s3');
      expect(parseTarget(input).input).toContain('admin:***@');
    },
  );

  it.each(['admin:s3cret@127.0.0.1:99999', 'admin:s3cret@127.0.0.1:9/path', 'admin:s3cret@bad_host!:9', 'admin:s3cret@127.0.0.1', 'admin:pa/s3cret@h:9', 'ftp://admin:s3cret@h:9'])(
    'the error for %j shows no password, in the message or the hint',
    (input) => {
      let error: unknown;
      try {
        parseTarget(input);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(BadTargetError);
      const e = error as BadTargetError;
      expect(`${e.message} ${e.hint ?? ''}`).not.toContain('s3cret');
    },
  );

  it('probe of admin:s3cret@127.0.0.1:PORT shows no password in the text or in the JSON', async () => {
    const port = await closedPort();
    const target = `admin:s3cret@127.0.0.1:${port}`;
    for (const args of [['probe', target], ['probe', target, '--json'], ['check', target, '--json'], ['check', target]]) {
      const r = await runCli(args);
      expect(r.code).toBe(1);
      expect(`${r.stdout}${r.stderr}`).not.toContain('s3cret');
      expect(r.stdout).toContain('admin:***@127.0.0.1');
    }
  });
});

describe('6. lab never-read closes a connection its client has left', () => {
  let server: Server;
  let accepted: Socket[] = [];
  beforeAll(async () => {
    server = createServer((raw) => {
      accepted.push(raw);
      raw.on('error', () => undefined);
      const env: HandlerEnv = { name: 'never-read', idleAfterMs: 1000, trickleIntervalMs: 1000, raw, secureContext: null };
      HANDLERS['never-read'](raw, env);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  });
  afterAll(async () => {
    for (const s of accepted) s.destroy();
    server.close();
    await once(server, 'close');
  });

  it.each([
    ['a request then FIN', (c: Socket) => c.end('GET / HTTP/1.1\r\nHost: lab\r\n\r\n')],
    ['FIN without a request', (c: Socket) => c.end()],
    ['a request then RST', (c: Socket) => c.write('GET / HTTP/1.1\r\n\r\n', () => c.resetAndDestroy())],
  ])('%s: the server side closes (no CLOSE-WAIT)', async (_, leave) => {
    accepted = [];
    const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    client.on('error', () => undefined);
    await once(client, 'connect');
    while (accepted.length === 0) await once(server, 'connection');
    const serverSide = accepted[0]!;
    const closed = once(serverSide, 'close');
    leave(client);
    // before the fix the paused socket never learnt that its client left: this never resolved
    await closed;
    expect(serverSide.destroyed).toBe(true);
    client.destroy();
  });

  it('still never answers, and a large write still stalls (the scenario is unchanged)', async () => {
    const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    client.on('error', () => undefined);
    await once(client, 'connect');
    let received = 0;
    client.on('data', (d: Buffer) => (received += d.length));
    // 64 MiB never fits in the loopback buffers plus what the handler takes: write() reports backpressure
    const flushed = client.write(Buffer.alloc(64 * 1024 * 1024));
    expect(flushed).toBe(false);
    expect(received).toBe(0);
    client.destroy();
  });
});

describe('7. probe shares check’s open-file cap, and EMFILE never becomes the endpoint’s fault', () => {
  it('400 targets under ulimit -n 256: every result is the endpoint’s real answer', async () => {
    const port = await closedPort();
    const targets = Array.from({ length: 400 }, () => `127.0.0.1:${port}`).join(' ');
    const r = await new Promise<CliResult>((resolve) => {
      const child = spawn('bash', ['-c', `ulimit -n 256 && exec "${process.execPath}" "${BIN}" probe ${targets} --json`], { env: { ...process.env, NO_COLOR: '1' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(r.stderr).toMatch(/^connreset: concurrency lowered from 400 to \d+: the open-file limit is 256/);
    expect(r.stdout).not.toContain('EMFILE');
    const doc = JSON.parse(r.stdout) as { results: { observation: { target: string } ; diagnosis: { outcome: string } }[] };
    expect(doc.results).toHaveLength(400);
    expect(new Set(doc.results.map((x) => x.diagnosis.outcome))).toEqual(new Set(['refused']));
  }, 60_000);
});

describe('7b. an EMFILE that still happens is named as our limit', () => {
  const obs = (code: string) => ({ events: [{ kind: 'connecting' }, { kind: 'error', code }] });
  it('counts the probes that failed on our descriptor limit, and only those', () => {
    expect(localLimitNotice([obs('EMFILE'), obs('ECONNREFUSED'), obs('ENFILE'), null])).toMatch(/^connreset: 2 probes failed with EMFILE\/ENFILE: that is this machine's open-file limit, not the endpoint's fault/);
    expect(localLimitNotice([obs('ECONNREFUSED'), null])).toBeNull();
  });

  it('the diagnosis of an EMFILE ranks the local host first, never a cause at the endpoint', () => {
    const d = diagnose({
      schema: 'connreset.observation/v1', target: '127.0.0.1:9', host: '127.0.0.1', port: 9, scheme: 'tcp', address: '127.0.0.1', family: 4, startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1,
      options: { send: 'none', sendBytes: 0, connectTimeoutMs: 5000, replyTimeoutMs: 2000, idleMs: null, keepaliveMs: null, expect: null, tls: false },
      events: [{ t: 0.1, phase: 'connect', kind: 'connecting', address: '127.0.0.1', port: 9, family: 4 }, { t: 0.2, phase: 'connect', kind: 'error', code: 'EMFILE', message: 'connect EMFILE' }],
    });
    expect(d.causes[0]?.id).toBe('local_resource_exhaustion');
  });
});

describe('8. huge inputs give bounded output', () => {
  it('a 10 MB target is echoed in a few hundred bytes', () => {
    let error: unknown;
    try {
      parseTarget(`${'a'.repeat(10_000_000)}!:80`);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message.length).toBeLessThan(1000);
  });

  it('a config of 1,500 bad entries and a 1 MB value prints the first 20 problems and a count', async () => {
    const dir = tmp();
    const entries = Array.from({ length: 1500 }, (_, i) => `  - target: "${'x'.repeat(i === 0 ? 1_000_000 : 100)}${i}"\n    bogus_${i}: 1`).join('\n');
    writeFileSync(join(dir, 'c.yml'), `targets:\n${entries}\n`);
    const r = await runCli(['check', join(dir, 'c.yml')], { timeoutMs: 60_000 });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(22);
    expect(lines[20]).toBe('connreset: … and 2980 more problems');
    expect(lines[21]).toBe('connreset: 3000 problems in the input; nothing was probed');
    // before: every problem, each echoing its value whole (a 10 MB config printed a 20 MB line)
    expect(r.stderr.length).toBeLessThan(20 * 1024);
  }, 60_000);

  it('failures are detailed up to 50 under the table, the rest counted', () => {
    const rows = Array.from({ length: 60 }, (_, i) => result({ index: i, status: 'failed', name: `t${i}`, target: `t${i}` }));
    const text = renderCheckTable(runOf(rows));
    expect(text).toContain('… and 10 more failures');
    expect(text).toContain('t59'); // every row is still in the table
  });
});

describe('#12: an incomplete config entry is an error, and report paths are checked first', () => {
  it.each([
    ['host: without port:', 'targets:\n  - host: 127.0.0.1\n', /^c\.yml:2: targets\[0\]\.port: missing/],
    ['port: without host:', 'targets:\n  - port: 80\n', /^c\.yml:2: targets\[0\]\.host: missing/],
    ['name: alone', 'targets:\n  - name: db\n', /^c\.yml:2: targets\[0\]\.target: missing/],
    ['scheme: alone', 'targets:\n  - scheme: https\n', /^c\.yml:2: targets\[0\]\.target: missing/],
    ['host: with a scheme without a default port', 'targets:\n  - host: 127.0.0.1\n    scheme: tcp\n', /^c\.yml:2: targets\[0\]\.host: bad target "tcp:\/\/127\.0\.0\.1": missing port/],
    ['an empty entry', 'targets:\n  -\n  - 127.0.0.1:9\n', /^c\.yml:\d: targets\[0\]: expected a target string/],
  ])('%s', (_, text, problem) => {
    const problems = problemsOf(() => parseConfig(text, 'c.yml', deps));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(problem);
  });

  it('/dev/null and the like are refused as report paths (checked without writing)', () => {
    expect(reportPathProblem('/dev/null')).toMatch(/kernel file system|not a regular file/);
    expect(reportPathProblem('/proc/self/x.prom')).toMatch(/kernel file system/);
  });

  it('host: with a scheme that has a default port forms a target', () => {
    expect(parseConfig('targets:\n  - host: 127.0.0.1\n    scheme: https\n', 'c.yml', deps)[0]!.target).toMatchObject({ host: '127.0.0.1', port: 443, tls: true });
  });

  it.each([
    ['a missing directory', (d: string) => join(d, 'no', 'such', 'j.xml'), /does not exist \(connreset creates no directories\)/],
    ['/proc', () => '/proc/connreset.prom', /kernel file system/],
    ['a directory', (d: string) => d, /is a directory/],
    // a special file of the test's own (a FIFO in its temp dir), never /dev/null: a regression that
    // renamed its temp file over the path would replace the machine's /dev/null with a plain file
    ['a FIFO', (d: string) => mkfifoIn(d), /not a regular file/],
  ])('a report path in %s is refused before anything is probed, and nothing is created', async (_, pathOf, reason) => {
    const dir = tmp();
    const silent = createServer(() => undefined);
    let connections = 0;
    silent.on('connection', (s) => {
      connections++;
      s.destroy();
    });
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      const path = pathOf(dir);
      for (const option of ['--junit', '--prometheus', '--json-file']) {
        const r = await runCli(['check', `127.0.0.1:${(silent.address() as AddressInfo).port}`, option, path]);
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(reason);
        expect(r.stdout).toBe('');
      }
      expect(connections).toBe(0);
      expect(existsSync(join(dir, 'no'))).toBe(false);
    } finally {
      silent.close();
    }
  });
});

function result(over: Partial<CheckResult>): CheckResult {
  return {
    index: 0,
    name: 'n',
    target: 't:1',
    address: null,
    source: null,
    expected: 'ok',
    status: 'passed',
    notRunReason: null,
    outcome: 'ok',
    observed: 'ok',
    durationMs: 1,
    connectMs: 1,
    startedAt: null,
    attempts: 1,
    failedAttempts: 0,
    reasons: [],
    topCause: null,
    summary: null,
    observation: null,
    diagnosis: null,
    ...over,
  } as CheckResult;
}

function runOf(results: CheckResult[]): CheckRun {
  return {
    source: null,
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1,
    concurrency: { requested: 1, used: 1, fdLimit: null, cappedBy: null },
    stoppedBy: 'completed',
    signal: null,
    results,
  } as CheckRun;
}

/** A named pipe in `dir` (mkfifo(1)): a special file that is not the machine's own. */
function mkfifoIn(dir: string): string {
  const path = join(dir, 'fifo.xml');
  execFileSync('mkfifo', [path]);
  return path;
}
