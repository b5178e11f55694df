import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTarget } from '../../src/probe/target.js';
import { parseSend } from '../../src/probe/payload.js';
import {
  ConfigProblems,
  expandEnv,
  loadConfigFile,
  parseConfig,
  parseTargetLines,
  specsFromArgs,
  type ConfigDeps,
} from '../../src/check/config.js';

const deps: ConfigDeps = { parseTarget, parseSend };

function problemsOf(text: string, file = 'connreset.yml', env: Record<string, string> = {}): ConfigProblems {
  try {
    parseConfig(text, file, deps, env);
  } catch (error) {
    if (error instanceof ConfigProblems) return error;
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

interface ErrorCase {
  name: string;
  file?: string;
  text: string;
  env?: Record<string, string>;
  line: number;
  field?: string;
  message: string;
}

const CASES: ErrorCase[] = [
  { name: 'unknown top-level key', text: 'targts:\n  - 127.0.0.1:80\n', line: 1, field: 'targts', message: 'did you mean targets?' },
  { name: 'missing targets', text: 'defaults:\n  idle: 5s\n', line: 1, field: 'targets', message: 'missing' },
  { name: 'targets is not a list', text: 'targets: 127.0.0.1:80\n', line: 1, field: 'targets', message: 'expected a list' },
  { name: 'empty list', text: 'targets: []\n', line: 1, field: 'targets', message: 'the list is empty' },
  { name: 'port out of range', text: 'targets:\n  - 127.0.0.1:80\n  - target: 127.0.0.1:70000\n', line: 3, field: 'targets[1].target', message: 'port 70000' },
  { name: 'bare target string with no port', text: 'targets:\n  - 127.0.0.1:80\n  - 127.0.0.1\n', line: 3, field: 'targets[1]', message: 'bad target' },
  { name: 'entry without target', text: 'targets:\n  - name: db\n    idle: 5s\n', line: 2, field: 'targets[0].target', message: 'missing' },
  { name: 'unset environment variable', text: 'targets:\n  - target: ${DB_HOST}:5432\n', line: 2, field: 'targets[0].target', message: 'DB_HOST is not set' },
  { name: 'malformed variable reference', text: 'targets:\n  - target: ${DB HOST}:5432\n', line: 2, field: 'targets[0].target', message: 'bad variable reference' },
  { name: 'port from env is not a number', text: 'targets:\n  - host: 127.0.0.1\n    port: ${DB_PORT:-fivefour}\n', line: 3, field: 'targets[0].port', message: 'bad port "fivefour"' },
  { name: 'both target and host', text: 'targets:\n  - target: 127.0.0.1:80\n    host: 127.0.0.1\n', line: 2, field: 'targets[0].target', message: 'not both' },
  { name: 'unknown outcome', text: 'targets:\n  - target: 127.0.0.1:80\n    expect: clsoed_while_idle\n', line: 3, field: 'targets[0].expect', message: 'did you mean closed_while_idle?' },
  { name: 'unknown outcome in a list', text: 'targets:\n  - target: 127.0.0.1:80\n    expect:\n      - ok\n      - refussed\n', line: 5, field: 'targets[0].expect', message: 'did you mean refused?' },
  { name: 'misspelt setting', text: 'targets:\n  - target: 127.0.0.1:80\n    reply-timeout: 2s\n', line: 3, field: 'targets[0].reply-timeout', message: 'did you mean reply_timeout?' },
  { name: 'bad duration in defaults', text: 'defaults:\n  connect_timeout: 5 parsecs\ntargets:\n  - 127.0.0.1:80\n', line: 2, field: 'defaults.connect_timeout', message: 'bad duration' },
  { name: 'unknown key in defaults', text: 'defaults:\n  timeout: 5s\ntargets:\n  - 127.0.0.1:80\n', line: 2, field: 'defaults.timeout', message: 'unknown field' },
  { name: 'window on a non-idle outcome', text: 'targets:\n  - target: 127.0.0.1:80\n    idle: 10s\n    expect:\n      outcome: ok\n      within: 1s..2s\n', line: 6, field: 'targets[0].expect.within', message: 'closed_while_idle' },
  { name: 'idle outcome without idle hold', text: 'targets:\n  - target: 127.0.0.1:80\n    expect: closed_while_idle\n', line: 3, field: 'targets[0].expect', message: 'needs an idle hold' },
  { name: 'idle hold shorter than the window', text: 'targets:\n  - target: 127.0.0.1:80\n    idle: 30s\n    expect:\n      outcome: closed_while_idle\n      within: 55s..65s\n', line: 5, field: 'targets[0].expect', message: "at least the window's end" },
  { name: 'window that ends before it starts', text: 'targets:\n  - target: 127.0.0.1:80\n    idle: 90s\n    expect:\n      outcome: closed_while_idle\n      within: 65s..55s\n', line: 6, field: 'targets[0].expect.within', message: 'ends before it starts' },
  { name: 'bad window text', text: 'targets:\n  - target: 127.0.0.1:80\n    idle: 90s\n    expect:\n      outcome: closed_while_idle\n      within: soon\n', line: 6, field: 'targets[0].expect.within', message: 'bad time window' },
  { name: 'invalid reply regex', text: 'targets:\n  - target: 127.0.0.1:80\n    expect:\n      reply: "HTTP/1\\\\.[01"\n', line: 4, field: 'targets[0].expect.reply', message: 'not a valid regular expression' },
  { name: 'expect mapping with nothing in it', text: 'targets:\n  - target: 127.0.0.1:80\n    expect: {}\n', line: 3, field: 'targets[0].expect', message: 'give `outcome:` or `reply:`' },
  { name: 'repeat zero', text: 'targets:\n  - target: 127.0.0.1:80\n    repeat: 0\n', line: 3, field: 'targets[0].repeat', message: 'whole number' },
  { name: 'family 5', text: 'targets:\n  - target: 127.0.0.1:80\n    family: 5\n', line: 3, field: 'targets[0].family', message: 'expected 4 or 6' },
  { name: 'all_addresses yes', text: 'targets:\n  - target: localhost:80\n    all_addresses: yes\n', line: 3, field: 'targets[0].all_addresses', message: 'expected true or false, not "yes"' },
  { name: 'all_addresses in defaults as a number', text: 'defaults:\n  all_addresses: 1\ntargets:\n  - localhost:80\n', line: 2, field: 'defaults.all_addresses', message: 'expected true or false, not 1' },
  { name: 'misspelt all_addresses', text: 'targets:\n  - target: localhost:80\n    all_adresses: true\n', line: 3, field: 'targets[0].all_adresses', message: 'did you mean all_addresses?' },
  { name: 'bad send form', text: 'targets:\n  - target: 127.0.0.1:80\n    send: "base64:aGk="\n', line: 3, field: 'targets[0].send', message: 'bad --send' },
  { name: 'unsupported version', text: 'version: 2\ntargets:\n  - 127.0.0.1:80\n', line: 1, field: 'version', message: 'unsupported config version' },
  { name: 'YAML syntax error', text: 'targets:\n  - target: 127.0.0.1:80\n   expect: ok\n', line: 3, message: '' },
  { name: 'duplicate key', text: 'targets:\n  - target: 127.0.0.1:80\n    idle: 5s\n    idle: 6s\n', line: 4, message: 'unique' },
  { name: 'empty file', text: '', line: 1, message: 'the file is empty' },
  { name: 'root is a string', text: '127.0.0.1:80\n', line: 1, message: 'expected a mapping' },
  {
    name: 'JSON with a bad target, line of the entry',
    file: 'checks.json',
    text: '{\n  "targets": [\n    "127.0.0.1:80",\n    { "target": "127.0.0.1:0" }\n  ]\n}\n',
    line: 4,
    field: 'targets[1].target',
    message: 'port',
  },
];

describe('check config: each schema error names file, line and field', () => {
  it.each(CASES)('$name', (c) => {
    const file = c.file ?? 'connreset.yml';
    const p = problemsOf(c.text, file, c.env);
    const match = p.problems.find((e) => e.line === c.line && e.field === c.field && e.message.includes(c.message));
    expect(match, p.problems.map((e) => e.message).join('\n')).toBeDefined();
    const prefix = `${file}:${c.line}: ${c.field ? `${c.field}: ` : ''}`;
    expect(match!.message.startsWith(prefix)).toBe(true);
    expect(match!.file).toBe(file);
  });

  it('reports every garbage entry of a 10,000-target file, and only those', () => {
    const bad = new Map([
      [17, 'target: 127.0.0.1:0'],
      [4242, 'target: "::1]:80"'],
      [9999, 'target: 127.0.0.1:80\n    expect: sometimes'],
    ]);
    const lines = ['targets:'];
    const lineOfEntry = new Map<number, number>();
    for (let i = 0; i < 10_000; i++) {
      lineOfEntry.set(i, lines.length + 1);
      lines.push(bad.has(i) ? `  - ${bad.get(i)}` : `  - target: 127.0.${i % 250}.${1 + (i % 200)}:${1024 + i}`);
    }
    const p = problemsOf(lines.join('\n'));
    expect(p.problems.map((e) => e.field)).toEqual(['targets[17].target', 'targets[4242].target', 'targets[9999].expect']);
    expect(p.problems.map((e) => e.line)).toEqual([lineOfEntry.get(17), lineOfEntry.get(4242), lineOfEntry.get(9999)! + 1]);
  });

  it('names a missing file', () => {
    expect(() => loadConfigFile(join(tmpdir(), 'connreset-no-such-file.yml'), deps)).toThrow(/no such file/);
  });
});

describe('check config: valid files', () => {
  it('all_addresses: set in defaults, switched off per target, absent means the probe default (one address)', () => {
    const specs = parseConfig('defaults:\n  all_addresses: true\ntargets:\n  - localhost:80\n  - target: localhost:81\n    all_addresses: false\n  - "[::1]:82"\n', 'c.yml', deps, {});
    expect(specs.map((s) => s.options.allAddresses)).toEqual([true, false, true]);
    expect(parseConfig('targets:\n  - localhost:80\n', 'c.yml', deps, {})[0]!.options).not.toHaveProperty('allAddresses');
  });

  it('applies defaults, lets a target override them, and reads every expectation form', () => {
    const specs = parseConfig(
      `version: 1
defaults:
  connect_timeout: 2s
  reply_timeout: 1500ms
  expect: ok
targets:
  - 127.0.0.1:8080
  - target: 127.0.0.1:9
    name: closed port
    connect_timeout: 500ms
    expect: [refused, connect_timeout]
  - target: 127.0.0.1:8081
    idle: 10s
    keepalive: 2s
    expect:
      outcome: closed_while_idle
      within: 4s..6s
  - target: 127.0.0.1:8082
    idle: 90s
    expect: { outcome: reset_while_idle, within: { min: 55s, max: 65s } }
  - target: redis://127.0.0.1:6379
    repeat: 3
    interval: 1s
    send: "text:PING\\r\\n"
    expect:
      reply: "^\\\\+PONG"
`,
      'c.yml',
      deps,
      {},
    );
    expect(specs).toHaveLength(5);
    const [a, b, c, d, e] = specs as [(typeof specs)[0], (typeof specs)[0], (typeof specs)[0], (typeof specs)[0], (typeof specs)[0]];
    expect(a.options).toEqual({ connectTimeoutMs: 2000, replyTimeoutMs: 1500 });
    expect(a.expectation.outcomes).toEqual(['ok']);
    expect(a.source).toEqual({ file: 'c.yml', line: 7 });
    expect(b.name).toBe('closed port');
    expect(b.options.connectTimeoutMs).toBe(500);
    expect(b.options.replyTimeoutMs).toBe(1500);
    expect(b.expectation.outcomes).toEqual(['refused', 'connect_timeout']);
    expect(c.options).toMatchObject({ idleMs: 10_000, keepaliveMs: 2000 });
    expect(c.expectation).toEqual({ outcomes: ['closed_while_idle'], idleWindow: { minMs: 4000, maxMs: 6000 }, reply: null });
    expect(d.expectation.idleWindow).toEqual({ minMs: 55_000, maxMs: 65_000 });
    expect(e.repeat).toBe(3);
    expect(e.intervalMs).toBe(1000);
    expect(e.options.payload).toEqual({ kind: 'text', text: 'PING\r\n' });
    expect(e.expectation).toEqual({ outcomes: [], idleWindow: null, reply: '^\\+PONG' });
    expect(e.options.expect).toBe('^\\+PONG');
    expect(e.target.scheme).toBe('redis');
  });

  it('expands environment variables in hosts and ports, with defaults and $$', () => {
    const env = { API_HOST: '127.0.0.2', DB_PORT: '6543', EMPTY: '' };
    const specs = parseConfig(
      `targets:
  - target: http://\${API_HOST}:\${API_PORT:-8080}/health
  - host: \${DB_HOST:-127.0.0.3}
    port: \${DB_PORT}
    scheme: postgres
  - host: ::1
    port: \${EMPTY:-443}
  - target: 127.0.0.1:80
    name: costs $$5
`,
      'c.yml',
      deps,
      env,
    );
    expect(specs.map((s) => [s.target.host, s.target.port, s.target.scheme])).toEqual([
      ['127.0.0.2', 8080, 'http'],
      ['127.0.0.3', 6543, 'postgres'],
      ['::1', 443, 'tcp'],
      ['127.0.0.1', 80, 'tcp'],
    ]);
    expect(specs[3]!.name).toBe('costs $$5'); // names are not expanded
  });

  it('accepts a bare list of targets and JSON', () => {
    expect(parseConfig('- 127.0.0.1:80\n- 127.0.0.1:81\n', 'l.yml', deps, {})).toHaveLength(2);
    const json = parseConfig('{"defaults": {"idle": "5s"}, "targets": [{"target": "127.0.0.1:80", "expect": "closed_while_idle"}]}', 'c.json', deps, {});
    expect(json[0]!.options.idleMs).toBe(5000);
  });

  it('reads a payload file relative to the config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'connreset-check-'));
    writeFileSync(join(dir, 'hello.bin'), 'hello');
    writeFileSync(join(dir, 'c.yml'), 'targets:\n  - target: 127.0.0.1:80\n    send: "@hello.bin"\n');
    const [spec] = loadConfigFile(join(dir, 'c.yml'), deps, {});
    expect(spec!.options.payload).toMatchObject({ kind: 'file' });
    expect(Buffer.from((spec!.options.payload as { bytes: Uint8Array }).bytes).toString()).toBe('hello');
  });
});

describe('check targets from stdin and arguments', () => {
  it('reads one target per line with optional outcomes, skipping comments', () => {
    const specs = parseTargetLines('# fleet\n127.0.0.1:80\n\n127.0.0.1:9 refused,connect_timeout\n', '<stdin>', deps);
    expect(specs.map((s) => [s.target.port, s.expectation.outcomes, s.source?.line])).toEqual([
      [80, ['ok'], 2],
      [9, ['refused', 'connect_timeout'], 4],
    ]);
  });

  it('names each bad line of stdin', () => {
    let caught: unknown;
    try {
      parseTargetLines('127.0.0.1:80\nnot a target at all\n127.0.0.1:99999\n127.0.0.1:9 sometimes\n', '<stdin>', deps);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigProblems);
    const lines = (caught as ConfigProblems).problems.map((p) => p.message.split(':').slice(0, 2).join(':'));
    expect(lines).toEqual(['<stdin>:2', '<stdin>:3', '<stdin>:4']);
  });

  it('takes targets from arguments with the given expectation', () => {
    const specs = specsFromArgs(['127.0.0.1:9'], deps, { outcomes: ['refused'], idleWindow: null, reply: null });
    expect(specs[0]!.expectation.outcomes).toEqual(['refused']);
    expect(() => specsFromArgs(['127.0.0.1'], deps)).toThrow(ConfigProblems);
  });
});

describe('expandEnv', () => {
  it.each([
    ['${A}', { A: 'x' }, 'x'],
    ['${A:-d}', {}, 'd'],
    ['${A:-d}', { A: '' }, 'd'],
    ['$${A}', {}, '${A}'],
    ['a$b', {}, 'a$b'],
    ['${A}:${B:-5432}', { A: 'h' }, 'h:5432'],
  ])('%s', (text, env, want) => {
    expect(expandEnv(text, env)).toBe(want);
  });

  it.each([['${A}'], ['${A'], ['${1A}'], ['${}']])('rejects %s', (text) => {
    expect(typeof expandEnv(text, {})).toBe('object');
  });
});
