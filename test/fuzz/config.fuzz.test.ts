/**
 * The config reader against hostile files: mutations of a valid config (hostile strings spliced
 * in, lines dropped or repeated, anchors and aliases), random YAML built from the known keys, and
 * target lines for stdin. It returns specs or throws ConfigProblems; every problem prints as one
 * clean line; each input stays inside its budget.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { ConfigProblems, parseConfig, parseTargetLines, type ConfigDeps } from '../../src/check/config.js';
import { parseTarget } from '../../src/probe/target.js';
import { parseSend } from '../../src/probe/payload.js';
import { messageLine } from '../../src/errors.js';
import { expectPrintable, expectTypedError, hostileText, RUNS, withinBudget } from './safety.js';

const deps: ConfigDeps = { parseTarget, parseSend };
const env = { HOST: '127.0.0.1', EVIL: '\u001b[2J\u202e' };

const BASE = `version: 1
defaults:
  connect_timeout: 2s
  expect: ok
targets:
  - 127.0.0.1:9
  - name: web
    target: http://127.0.0.1:8080/health
    expect: { outcome: [ok, http_5xx], reply: "^HTTP" }
  - host: \${HOST}
    port: 5432
    scheme: postgres
  - target: 127.0.0.1:7
    idle: 10s
    expect: { outcome: closed_while_idle, within: 5s..9s }
    send: "text:PING\\r\\n"
`;

const KEYS = ['version', 'defaults', 'targets', 'target', 'host', 'port', 'scheme', 'name', 'send', 'connect_timeout', 'idle', 'keepalive', 'family', 'all_addresses', 'repeat', 'interval', 'expect', 'outcome', 'within', 'reply', 'min', 'max'];

const mutation = fc.oneof(
  fc.tuple(fc.nat(), hostileText(4)).map(([at, text]) => (s: string) => s.slice(0, at % (s.length + 1)) + text + s.slice(at % (s.length + 1))),
  fc.tuple(fc.nat(), fc.nat({ max: 40 })).map(([at, n]) => (s: string) => s.slice(0, at % (s.length + 1)) + s.slice((at % (s.length + 1)) + n)),
  fc.nat().map((i) => (s: string) => {
    const lines = s.split('\n');
    const k = i % lines.length;
    return [...lines.slice(0, k), lines[k], ...lines.slice(k)].join('\n');
  }),
  fc.tuple(fc.nat(), fc.constantFrom('&a ', '*a', '&a [*a]', '*nope', '<<: *a', '!!binary ', '!!str ', '? ', '--- ', '...', '%YAML 1.2\n')).map(
    ([at, text]) => (s: string) => s.slice(0, at % (s.length + 1)) + text + s.slice(at % (s.length + 1)),
  ),
);
const mutated = fc.array(mutation, { minLength: 1, maxLength: 6 }).map((ms) => ms.reduce((s, m) => m(s), BASE));

const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    hostileText(3),
    fc.constantFrom('127.0.0.1:9', 'ok', '5s', '1..2', 'none', '@/dev/zero', '@/nonexistent', 'zeros:1KiB', '${EVIL}', '${NOPE}', true, null, 0, -1, 1e9),
    fc.integer(),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), hostileText(2)), tie('v'), { maxKeys: 5 }),
  ),
})).v;
const randomDoc = fc.oneof(
  value.map((v) => stringify(v)),
  fc.array(fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 4 }), { maxLength: 5 }).map((targets) => stringify({ targets })),
);

function check(text: string, read: () => unknown): void {
  try {
    withinBudget(read);
  } catch (error) {
    if (!(error instanceof ConfigProblems)) return expectTypedError(error);
    expect(error.problems.length).toBeGreaterThan(0);
    for (const p of error.problems) {
      const line = messageLine(p.message);
      expectPrintable(line.slice(0, -1), `the problem line for ${JSON.stringify(text.slice(0, 200))}`, false);
    }
  }
}

describe('the config reader on hostile files', { timeout: 60_000 }, () => {
  it('mutated configs: specs, or problems that print as clean lines', () => {
    fc.assert(fc.property(mutated, (text) => check(text, () => parseConfig(text, 'c.yml', deps, env))), { numRuns: Math.ceil(RUNS / 2) });
  });

  it('random YAML over the known keys: specs, or problems that print as clean lines', () => {
    fc.assert(fc.property(randomDoc, (text) => check(text, () => parseConfig(text, 'c.yml', deps, env))), { numRuns: Math.ceil(RUNS / 2) });
  });

  it('target lines (stdin): specs, or problems that print as clean lines', () => {
    const lines = fc.array(fc.oneof(hostileText(5), fc.constantFrom('127.0.0.1:9 ok', '# c', '', 'a:1 refused,ok', 'x:1 ok extra', '${EVIL}:1')), { maxLength: 20 }).map((l) => l.join('\n'));
    fc.assert(fc.property(lines, (text) => check(text, () => parseTargetLines(text, '<stdin>', deps, undefined, env))), { numRuns: RUNS });
  });
});
