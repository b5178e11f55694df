/**
 * `connreset check` as a user runs it: the built CLI as a real process, against the lab and small
 * servers on loopback (ephemeral ports). Covers the mixed run, every exit code, the reports on
 * disk, garbage entries, the open-file cap, --fail-fast, --deadline and Ctrl-C.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { BIN, runCli } from '../helpers/cli.js';
import { startLab, type Lab } from '../../src/lab/server.js';
import type { CheckJsonDocument } from '../../src/report/check-json.js';
import { parseExposition } from './prom-text.js';

let lab: Lab;
const target = (name: string): string => {
  const s = lab.scenarios.find((x) => x.name === name);
  if (!s) throw new Error(`no lab scenario ${name}`);
  return s.target;
};

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'connreset-check-cli-'));
}

type Json = Record<string, unknown>;
const xmlParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', cdataPropName: '#cdata' });
const testCases = (xml: string): Json[] => {
  const suite = (xmlParser.parse(xml) as { testsuites: { testsuite: { testcase: Json | Json[] } } }).testsuites.testsuite;
  return Array.isArray(suite.testcase) ? suite.testcase : [suite.testcase];
};

/** A server that accepts and then never says a word: a probe of it waits until its reply timeout. */
async function silentServer(): Promise<{ port: number; server: Server; sockets: Set<Socket>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  return {
    port,
    server,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

beforeAll(async () => {
  lab = await startLab({
    host: '127.0.0.1',
    basePort: 0,
    idleAfterMs: 1000,
    only: ['ok', 'reset-on-request', 'reply-then-close', 'idle-close', 'never-reply', 'refused'],
  });
});

afterAll(async () => {
  await lab?.close();
});

const MIXED = `# a mixed run: some expectations hold, some do not
defaults:
  reply_timeout: 1s
targets:
  - target: \${OK_TARGET}
    name: web ok
  - target: \${RESET_TARGET}
    name: api resets
  - target: \${RESET_TARGET}
    expect: reset_after_send
  - target: \${REFUSED_HOST}:\${REFUSED_PORT}
    expect: [refused, connect_timeout]
  - target: \${REFUSED_HOST}:\${REFUSED_PORT}
    name: db must answer
  - target: \${IDLE_TARGET}
    name: keep-alive timeout is about 1 s
    idle: 3s
    expect:
      outcome: closed_while_idle
      within: 100ms..2s
  - target: \${OK_TARGET}
    expect:
      reply: "^HTTP/1\\\\.1 200"
  - target: \${OK_TARGET}
    name: wants ssh
    expect:
      reply: "^SSH-"
`;

describe('connreset check: a mixed run against the lab', () => {
  it('passes what holds, fails what does not, exit 1, and writes every report', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'connreset.yml'), MIXED);
    mkdirSync(join(dir, 'out')); // connreset creates no directories (issue #12)
    const refused = new URL(target('refused'));
    const r = await runCli(
      ['check', join(dir, 'connreset.yml'), '--junit', join(dir, 'out/junit.xml'), '--prometheus', join(dir, 'out/connreset.prom'), '--json-file', join(dir, 'out/check.json')],
      {
        env: {
          OK_TARGET: target('ok'),
          RESET_TARGET: target('reset-on-request'),
          REFUSED_HOST: refused.hostname,
          REFUSED_PORT: refused.port,
          IDLE_TARGET: target('idle-close'),
          GITHUB_ACTIONS: 'true',
          GITHUB_WORKSPACE: dir,
        },
      },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);

    // terminal table
    const rows = r.stdout.split('\n');
    expect(rows.find((l) => l.includes('web ok'))).toMatch(/^✔ web ok\s+ok\s+ok\s/);
    expect(rows.find((l) => l.startsWith('✘ api resets'))).toMatch(/ok\s+reset_after_send\s/);
    expect(rows.find((l) => l.startsWith('✘ db must answer'))).toMatch(/ok\s+refused\s.*Nothing is listening/);
    expect(rows.find((l) => l.includes('keep-alive timeout'))).toMatch(/^✔ .*closed_while_idle within 100 ms\.\.2\.0 s\s+closed_while_idle after .* silent/);
    expect(r.stdout).toContain('8 targets: 5 passed, 3 failed');
    expect(r.stdout).toContain('Failures (3):');

    // GitHub annotations, one per failure, at the config line
    const annotations = rows.filter((l) => l.startsWith('::error '));
    expect(annotations.map((l) => /line=(\d+)/.exec(l)?.[1])).toEqual(['7', '13', '24']);
    expect(annotations.every((l) => l.includes('file=connreset.yml,'))).toBe(true);

    // JUnit
    const xml = readFileSync(join(dir, 'out/junit.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const cases = testCases(xml);
    expect(cases).toHaveLength(8);
    const failures = cases.filter((c) => c.failure).map((c) => [c['@name'], (c.failure as Json)['@type']]);
    expect(failures).toEqual([
      [`api resets (${target('reset-on-request')})`, 'reset_after_send'],
      [`db must answer (${refused.host})`, 'refused'],
      [`wants ssh (${target('ok')})`, expect.any(String)],
    ]);
    expect(((cases[1]!.failure as Json)['#cdata'] as string)).toContain('timeline:');

    // Prometheus textfile
    const prom = parseExposition(readFileSync(join(dir, 'out/connreset.prom'), 'utf8'));
    const success = Object.fromEntries(prom.get('connreset_check_success')!.samples.map((s) => [s.labels.name, s.value]));
    expect(success['web ok']).toBe(1);
    expect(success['api resets']).toBe(0);
    expect(success['db must answer']).toBe(0);

    // JSON file
    const doc = JSON.parse(readFileSync(join(dir, 'out/check.json'), 'utf8')) as CheckJsonDocument;
    expect(doc.totals).toEqual({ targets: 8, passed: 5, failed: 3, notRun: 0 });
    expect(doc.exitCode).toBe(1);
    expect(doc.results.map((x) => x.status)).toEqual(['passed', 'failed', 'passed', 'passed', 'failed', 'passed', 'passed', 'failed']);
  });

  it('prints the JSON document on stdout with --json', async () => {
    const r = await runCli(['check', target('ok'), target('refused'), '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as CheckJsonDocument;
    expect(doc.schema).toBe('connreset.check/v1');
    expect(doc.results.map((x) => [x.status, x.outcome])).toEqual([
      ['passed', 'ok'],
      ['failed', 'refused'],
    ]);
    expect(doc.results[1]!.observation?.events.length).toBeGreaterThan(0);
  });
});

describe('connreset check: exit codes', () => {
  it('0 when every expectation holds (targets from arguments and stdin)', async () => {
    const r = await runCli(['check', target('ok'), '-'], {
      input: `# from a file of targets\n${target('refused')} refused\n${target('reset-on-request')} reset_after_send,closed_after_send\n`,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('3 targets: 3 passed, 0 failed');
  });

  it('-4/-6 hold for targets from arguments and stdin; a config entry\'s own family wins', async () => {
    const ok = target('ok'); // 127.0.0.1:PORT
    const named = ok.replace('127.0.0.1', 'localhost');
    const dir = tmp();
    const config = join(dir, 'family.yml');
    writeFileSync(config, `targets:\n  - target: ${ok}\n    family: 4\n`);
    // a name under -6: no IPv6 address (or, where localhost is ::1 too, nothing listening there): a failing row
    const r = await runCli(['check', named, config, '-6', '--no-followup', '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as CheckJsonDocument;
    const rows = doc.results.map((x) => ({ name: x.name, status: x.status }));
    expect(rows).toEqual([
      { name: ok, status: 'passed' }, // the config entry's family: 4
      { name: named, status: 'failed' },
    ]);
    expect(['dns_failure', 'refused']).toContain(doc.results[1]!.observed);
    // -4: the same name passes
    expect((await runCli(['check', '-', '-4', '--no-followup'], { input: `${named}\n` })).code).toBe(0);
  });

  it('an address of the other family under -4/-6 or family: is bad input, each named, nothing probed', async () => {
    const dir = tmp();
    const config = join(dir, 'family.yml');
    writeFileSync(config, `targets:\n  - target: "[::1]:9"\n    family: 4\n`);
    const r = await runCli(['check', '127.0.0.1:9', '-', config, '-6'], { input: '# a comment\n127.0.0.2:9\n' });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${config}:2: ::1 is an IPv6 address but family: 4 was given`);
    expect(r.stderr).toContain('arguments: 127.0.0.1 is an IPv4 address but -6 was given');
    expect(r.stderr).toContain('<stdin>:2: 127.0.0.2 is an IPv4 address but -6 was given');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // the entry's family: is what asked for IPv4, whatever the flag says
    const same = await runCli(['check', config, '-4']);
    expect(same.code).toBe(2);
    expect(same.stderr).toContain(`${config}:2: ::1 is an IPv6 address but family: 4 was given`);
  });

  it.each([
    [['check', '127.0.0.1:80', '--concurrency', '0'], /bad --concurrency "0"/],
    [['check', '127.0.0.1:80', '--deadline', 'soon'], /bad duration "soon" for --deadline/],
    [['check', '127.0.0.1:80', '--expect-outcome', 'fine'], /unknown outcome "fine"/],
    [['check', '127.0.0.1'], /bad target "127\.0\.0\.1"/],
    [['check', '127.0.0.1:80', '--junit', '/proc/connreset-nope/junit.xml'], /--junit: cannot write \/proc\/connreset-nope\/junit\.xml/],
    [['check', '127.0.0.1:80', '-4', '-6'], /-4 and -6 exclude each other/],
  ])('2 for bad input %j', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('a reader that closes the pipe early (| head) is not a crash', async () => {
    const input = Array.from({ length: 300 }, () => `${target('refused')} refused`).join('\n');
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, 'check', '-', '--json'], { env: { ...process.env, NO_COLOR: '1' } });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.stdout.once('data', () => child.stdout.destroy());
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
      child.stdin.end(input);
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('2 when connreset.yml is missing from the working directory', async () => {
    const dir = tmp();
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'check'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('connreset: connreset.yml: no such file');
  });

  it('2 for garbage among 2,000 entries: each bad entry named with its line, nothing probed', async () => {
    const counting = await silentServer();
    let connections = 0;
    counting.server.on('connection', () => connections++);
    try {
      const dir = tmp();
      const lines = ['targets:'];
      const garbageLines: number[] = [];
      for (let i = 0; i < 2000; i++) {
        const garbage = i === 5 ? 'target: 127.0.0.1:99999' : i === 777 ? 'target: "[::1:80"' : i === 1999 ? '{ target: 127.0.0.1:80, expect: sometimes }' : null;
        if (garbage) garbageLines.push(lines.length + 1);
        lines.push(`  - ${garbage ?? `target: 127.0.0.1:${counting.port}`}`);
      }
      writeFileSync(join(dir, 'fleet.yml'), lines.join('\n'));
      const r = await runCli(['check', join(dir, 'fleet.yml'), '--junit', join(dir, 'junit.xml')]);
      expect(r.code).toBe(2);
      const problems = r.stderr.trimEnd().split('\n');
      expect(problems).toHaveLength(4);
      expect(problems.slice(0, 3).map((l) => Number(/fleet\.yml:(\d+):/.exec(l)?.[1]))).toEqual(garbageLines);
      expect(problems[0]).toContain('targets[5].target: bad target "127.0.0.1:99999"');
      expect(problems[2]).toContain('targets[1999].expect: unknown outcome "sometimes"');
      expect(problems[3]).toBe('connreset: 3 problems in the input; nothing was probed');
      expect(r.stdout).toBe('');
      // our own connection is accepted after any the CLI might have made: the count is then exact
      const mine = connect(counting.port, '127.0.0.1');
      mine.on('error', () => undefined);
      await once(counting.server, 'connection');
      mine.destroy();
      expect(connections).toBe(1);
      expect(() => readFileSync(join(dir, 'junit.xml'))).toThrow();
    } finally {
      await counting.close();
    }
  });
});

describe('connreset check: run control', () => {
  it('--fail-fast stops at the first failure; the rest are reported as skipped', async () => {
    const dir = tmp();
    const r = await runCli(['check', target('refused'), target('ok'), target('ok'), '--fail-fast', '--concurrency', '1', '--json', '--junit', join(dir, 'j.xml')]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as CheckJsonDocument;
    expect(doc.stoppedBy).toBe('fail_fast');
    expect(doc.results.map((x) => [x.status, x.notRunReason])).toEqual([
      ['failed', null],
      ['not_run', 'fail_fast'],
      ['not_run', 'fail_fast'],
    ]);
    const cases = testCases(readFileSync(join(dir, 'j.xml'), 'utf8'));
    expect(cases.map((c) => ('failure' in c ? 'failure' : 'skipped' in c ? 'skipped' : 'pass'))).toEqual(['failure', 'skipped', 'skipped']);
  });

  it('--deadline stops the run; unfinished targets fail', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'c.yml'), `targets:\n  - target: ${target('never-reply')}\n    reply_timeout: 20s\n  - target: ${target('refused')}\n    expect: refused\n`);
    const r = await runCli(['check', join(dir, 'c.yml'), '--deadline', '1500ms', '--json', '--junit', join(dir, 'j.xml')]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as CheckJsonDocument;
    expect(doc.stoppedBy).toBe('deadline');
    expect(doc.results.map((x) => [x.status, x.notRunReason])).toEqual([
      ['not_run', 'deadline'],
      ['passed', null],
    ]);
    const cases = testCases(readFileSync(join(dir, 'j.xml'), 'utf8'));
    expect((cases[0]!.failure as Json)['@type']).toBe('deadline');
  });

  it('caps concurrency below the open-file limit, says so, and still gets every result right', async () => {
    const refused = target('refused');
    const ok = target('reset-on-request');
    const input = Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? `${refused} refused` : `${ok} reset_after_send`)).join('\n');
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', 'ulimit -n 128 && exec "$0" "$@"', process.execPath, BIN, 'check', '-', '--concurrency', '500', '--json'], {
        env: { ...process.env, NO_COLOR: '1' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(input);
    });
    expect(r.stderr).toMatch(/^connreset: concurrency lowered from 500 to \d+: the open-file limit is 128 /);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as CheckJsonDocument;
    expect(doc.concurrency).toMatchObject({ requested: 500, fdLimit: 128, cappedBy: 'fd_limit' });
    expect(doc.concurrency.used).toBeLessThan(128);
    expect(doc.totals).toEqual({ targets: 300, passed: 300, failed: 0, notRun: 0 });
  });

  // the same contract for a person's Ctrl-C and for the SIGTERM a CI runner, timeout(1), systemd or Kubernetes sends
  it.each([
    ['SIGINT', 130, 'Ctrl-C'],
    ['SIGTERM', 143, 'SIGTERM'],
    ['SIGHUP', 129, 'SIGHUP'],
  ] as const)('%s: prints the results so far, exits %i, and leaves complete JUnit, JSON and Prometheus files', async (signal, exitCode, shown) => {
    const silent = await silentServer();
    try {
      const dir = tmp();
      writeFileSync(
        join(dir, 'c.yml'),
        `targets:\n  - target: ${target('refused')}\n    expect: refused\n  - target: ${target('reset-on-request')}\n    expect: reset_after_send\n  - target: http://127.0.0.1:${silent.port}/\n    reply_timeout: 30s\n  - target: ${target('ok')}\n`,
      );
      const child = spawn(
        process.execPath,
        [BIN, 'check', join(dir, 'c.yml'), '--concurrency', '1', '--junit', join(dir, 'j.xml'), '--json-file', join(dir, 'r.json'), '--prometheus', join(dir, 'c.prom')],
        { env: { ...process.env, NO_COLOR: '1' } },
      );
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      const exited = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
      // the third target is being probed once the silent server sees its connection
      await once(silent.server, 'connection');
      child.kill(signal);
      const [code, killedBy] = await exited;
      expect(killedBy).toBeNull();
      expect(code).toBe(exitCode);
      expect(stdout).toContain('4 targets: 2 passed, 0 failed, 2 not run');
      expect(stdout).toContain(`interrupted (${shown}): results so far`);

      const xml = readFileSync(join(dir, 'j.xml'), 'utf8');
      expect(XMLValidator.validate(xml)).toBe(true);
      const cases = testCases(xml);
      expect(cases.map((c) => ('failure' in c ? 'failure' : 'skipped' in c ? 'skipped' : 'pass'))).toEqual(['pass', 'pass', 'skipped', 'skipped']);
      expect(cases[2]!['system-out']).toMatchObject({ '#cdata': `not run: interrupted (${shown})` });
      const doc = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as CheckJsonDocument;
      expect([doc.stoppedBy, doc.signal, doc.exitCode]).toEqual(['interrupted', signal, exitCode]);
      expect(doc.results.map((x) => x.notRunReason)).toEqual([null, null, 'interrupted', 'interrupted']);
      const prom = parseExposition(readFileSync(join(dir, 'c.prom'), 'utf8'));
      expect(prom.get('connreset_check_run_info')!.samples[0]!.labels).toMatchObject({ stopped_by: 'interrupted', signal });
      expect(prom.get('connreset_check_success')!.samples).toHaveLength(2);
    } finally {
      await silent.close();
    }
  });

  it('timeout --preserve-status -s TERM: a run that outlives its time limit still leaves its reports and exits 143', async () => {
    const silent = await silentServer();
    try {
      const dir = tmp();
      // the silent target's probe waits 30 s for a reply, so the time limit always strikes mid-run,
      // however long a loaded CI machine takes to start the CLI (2 s was once too short there)
      writeFileSync(join(dir, 'c.yml'), `targets:\n  - target: ${target('refused')}\n    expect: refused\n  - target: http://127.0.0.1:${silent.port}/\n    reply_timeout: 30s\n`);
      const r = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
        const child = spawn(
          'timeout',
          ['--preserve-status', '-s', 'TERM', '6', process.execPath, BIN, 'check', join(dir, 'c.yml'), '--junit', join(dir, 'j.xml')],
          { env: { ...process.env, NO_COLOR: '1' } },
        );
        let stdout = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout }));
      });
      // with --preserve-status timeout(1) passes on the command's exit status (else it exits 124)
      expect(r.code).toBe(143);
      expect(r.stdout).toContain('2 targets: 1 passed, 0 failed, 1 not run');
      expect(r.stdout).toContain('interrupted (SIGTERM)');
      expect(testCases(readFileSync(join(dir, 'j.xml'), 'utf8')).map((c) => ('skipped' in c ? 'skipped' : 'failure' in c ? 'failure' : 'pass'))).toEqual(['pass', 'skipped']);
    } finally {
      await silent.close();
    }
  });

});

const hasScript = ((): boolean => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('connreset check: progress', () => {
  // `script` gives the CLI a pseudo-terminal (80 columns) on stderr; stdout goes to a file
  function onTerminal(dir: string, env: NodeJS.ProcessEnv): Promise<string> {
    const command = `stty cols 80; exec "${process.execPath}" "${BIN}" check "${join(dir, 'c.yml')}" --concurrency 3 > "${join(dir, 'out.txt')}"`;
    return new Promise<string>((resolve, reject) => {
      const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['ignore', 'pipe', 'inherit'], env });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.on('error', reject);
      child.on('close', () => resolve(out));
    });
  }
  // a developer's terminal: a CI runner sets CI (and may set TERM=dumb), a terminal has neither
  const { CI: _ci, ...withoutCi } = process.env;
  const terminalEnv = { ...withoutCi, TERM: 'xterm-256color', NO_COLOR: '1' };

  it.skipIf(!hasScript)('shows done/total and failures so far on a terminal, and nothing when stderr is not one', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'c.yml'),
      `targets:\n  - ${target('refused')}\n  - ${target('refused')}\n  - target: ${target('never-reply')}\n    reply_timeout: 1500ms\n`,
    );
    const tty = await onTerminal(dir, terminalEnv);
    expect(tty).toContain('checking 2/3, 2 failed');
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toContain('3 targets: 0 passed, 3 failed');
    const piped = await runCli(['check', join(dir, 'c.yml'), '--concurrency', '3']);
    expect(piped.stderr).toBe('');
  });

  it.skipIf(!hasScript)('draws nothing on a terminal when CI is set (a CI log is no place for spinner frames)', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'c.yml'), `targets:\n  - ${target('refused')}\n`);
    const tty = await onTerminal(dir, { ...terminalEnv, CI: 'true' });
    expect(tty).toBe('');
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toContain('1 target: 0 passed, 1 failed');
  });
});

describe('connreset check: scale', () => {
  it('2,000 targets across lab scenarios at concurrency 200: every result correct', async () => {
    const kinds: [string, string][] = [
      [target('ok'), 'ok'],
      [target('refused'), 'refused'],
      [target('reset-on-request'), 'reset_after_send'],
      [target('reply-then-close'), 'reply_then_close'],
      [target('refused'), 'refused'],
      [target('reset-on-request'), 'reset_after_send'],
    ];
    const input = Array.from({ length: 2000 }, (_, i) => kinds[i % kinds.length]!.join(' ')).join('\n');
    const r = await runCli(['check', '-', '--concurrency', '200', '--json'], { input, timeoutMs: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as CheckJsonDocument;
    expect(doc.totals).toEqual({ targets: 2000, passed: 2000, failed: 0, notRun: 0 });
    doc.results.forEach((x, i) => expect(x.outcome).toBe(kinds[i % kinds.length]![1]));
    // passing targets keep no timeline
    expect(doc.results.every((x) => x.observation === null)).toBe(true);
  });
});
