import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import chalk from 'chalk';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { renderJUnit, writeJUnit } from '../../src/report/junit.js';
import { renderPrometheus, writePrometheus } from '../../src/report/prometheus.js';
import { escapeData, escapeProperty, renderGithubAnnotations } from '../../src/report/github-annotations.js';
import { checkJsonDocument, checkJsonPieces, renderCheckJson } from '../../src/report/check-json.js';
import { writeFileAtomic } from '../../src/report/atomic-write.js';
import { renderCheckTable, safeText } from '../../src/report/check-table.js';
import { fixtureRun } from './fixtures.js';
import { parseExposition } from './prom-text.js';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

beforeAll(() => {
  chalk.level = 0;
});

type Json = Record<string, unknown>;
const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

describe('JUnit report', () => {
  const xml = renderJUnit(fixtureRun());
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', cdataPropName: '#cdata' }).parse(xml) as Json;

  it('is well-formed XML without control characters', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(CONTROL.test(xml)).toBe(false);
  });

  it('has one suite with the counts CI systems read', () => {
    const suites = doc.testsuites as Json;
    expect(suites['@tests']).toBe('5');
    expect(suites['@failures']).toBe('2');
    expect(suites['@skipped']).toBe('1');
    expect(suites['@errors']).toBe('0');
    const suite = suites.testsuite as Json;
    expect(suite['@name']).toBe('checks/connreset.yml');
    expect(suite['@tests']).toBe('5');
    expect(suite['@failures']).toBe('2');
    expect(Number(suite['@time'])).toBeCloseTo(1.235, 3);
  });

  it('has one test case per target with failure message = outcome and top cause, timeline in the body', () => {
    const cases = asArray((doc.testsuites as Json & { testsuite: Json }).testsuite.testcase as Json[]);
    expect(cases.map((c) => c['@name'])).toEqual([
      'api health (http://127.0.0.1:8080/health)',
      'payments, "eu" (127.0.0.1:8081)',
      '10.0.0.1:5432',
      '127.0.0.1:9 [#4]',
      '127.0.0.1:9 [#5]',
    ]);
    for (const c of cases) {
      expect(c['@classname']).toBe('connreset.check');
      expect(c['@file']).toBe('checks/connreset.yml');
    }
    const failure = cases[1]!.failure as Json;
    expect(failure['@message']).toBe('reply_then_reset: The application closed the socket with an error');
    expect(failure['@type']).toBe('reply_then_reset');
    const body = failure['#cdata'] as string;
    expect(body).toContain('expected: ok');
    expect(body).toContain('timeline:');
    expect(body).toMatch(/1\.9 ms {2}reply {4}peer reset \(RST, ECONNRESET\)/);
    expect(body).toContain('\\x1b[31mboom\\x07');
    expect(body).toContain(']] >');
    const deadline = cases[2]!.failure as Json;
    expect(deadline['@type']).toBe('deadline');
    expect(deadline['@message']).toBe('not finished before the --deadline');
    expect(cases[3]).toHaveProperty('skipped');
    expect(cases[0]).not.toHaveProperty('failure');
    expect(Number(cases[0]!['@time'])).toBeCloseTo(0.502, 3);
  });

  it('is written whole, with no temporary file left behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'connreset-junit-'));
    const path = join(dir, 'report.xml');
    writeJUnit(path, fixtureRun());
    expect(XMLValidator.validate(readFileSync(path, 'utf8'))).toBe(true);
    expect(readdirSync(dir)).toEqual(['report.xml']);
    // nothing creates directories: a missing one is an error, not made (issue #12)
    expect(() => writeJUnit(join(dir, 'sub', 'report.xml'), fixtureRun())).toThrow(/the directory .*sub does not exist/);
    expect(readdirSync(dir)).toEqual(['report.xml']);
  });
});

describe('Prometheus textfile', () => {
  const text = renderPrometheus(fixtureRun(), new Date('2026-11-25T12:00:02Z'));
  const families = parseExposition(text);
  const sample = (metric: string, name: string): number | undefined =>
    families.get(metric)?.samples.find((s) => s.labels.name === name)?.value;

  it('parses as text exposition: each family once, typed, with help', () => {
    for (const f of families.values()) {
      expect(f.type).toBe('gauge');
      expect(f.help).not.toBeNull();
    }
    expect([...families.keys()]).toEqual([
      'connreset_check_success',
      'connreset_probe_outcome',
      'connreset_probe_duration_seconds',
      'connreset_probe_connect_seconds',
      'connreset_check_targets',
      'connreset_check_run_duration_seconds',
      'connreset_check_run_timestamp_seconds',
      'connreset_check_run_info',
    ]);
  });

  it('records success, outcome and durations per target; labels round-trip', () => {
    expect(sample('connreset_check_success', 'api health')).toBe(1);
    expect(sample('connreset_check_success', 'payments, "eu"')).toBe(0);
    expect(sample('connreset_check_success', '10.0.0.1:5432')).toBe(0); // deadline
    // the fail-fast skip has no fresh value; the duplicate target keeps its position in the name
    expect(sample('connreset_check_success', '127.0.0.1:9 [#4]')).toBeUndefined();
    expect(sample('connreset_check_success', '127.0.0.1:9 [#5]')).toBe(1);
    const outcome = families.get('connreset_probe_outcome')!.samples.find((s) => s.labels.name === 'payments, "eu"');
    expect(outcome?.labels).toEqual({ name: 'payments, "eu"', target: '127.0.0.1:8081', outcome: 'reply_then_reset' });
    expect(sample('connreset_probe_duration_seconds', 'api health')).toBeCloseTo(0.50225, 6);
    expect(sample('connreset_probe_connect_seconds', 'api health')).toBeCloseTo(0.0005, 6);
    const targets = Object.fromEntries(families.get('connreset_check_targets')!.samples.map((s) => [s.labels.status, s.value]));
    expect(targets).toEqual({ passed: 2, failed: 1, not_run: 2 });
    expect(families.get('connreset_check_run_timestamp_seconds')!.samples[0]!.value).toBe(1795608002);
    expect(families.get('connreset_check_run_info')!.samples[0]!.labels.stopped_by).toBe('fail_fast');
  });

  it('escapes backslashes, quotes and newlines in label values', () => {
    const run = fixtureRun();
    run.results[0]!.name = 'a\\b "c"\nd';
    const f = parseExposition(renderPrometheus(run));
    expect(f.get('connreset_check_success')!.samples[0]!.labels.name).toBe('a\\b "c"\nd');
  });

  it('is written atomically into place', () => {
    const dir = mkdtempSync(join(tmpdir(), 'connreset-prom-'));
    writePrometheus(join(dir, 'connreset.prom'), fixtureRun());
    expect(readdirSync(dir)).toEqual(['connreset.prom']);
    expect(() => parseExposition(readFileSync(join(dir, 'connreset.prom'), 'utf8'))).not.toThrow();
  });
});

describe('GitHub annotations', () => {
  const unescapeData = (s: string): string => s.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%');
  const unescapeProperty = (s: string): string => unescapeData(s.replace(/%3A/g, ':').replace(/%2C/g, ','));

  it('escapes as the runner expects', () => {
    expect(escapeData('100%\r\nnext')).toBe('100%25%0D%0Anext');
    expect(escapeProperty('a:b,c%')).toBe('a%3Ab%2Cc%25');
  });

  it('prints one ::error per failing target, at its config line, relative to the workspace', () => {
    const run = fixtureRun({ source: '/repo/checks/connreset.yml' });
    for (const r of run.results) r.source = r.source && { file: '/repo/checks/connreset.yml', line: r.source.line };
    const out = renderGithubAnnotations(run, { GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: '/repo' });
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    const m = /^::error (.*?)::(.*)$/.exec(lines[0]!);
    expect(m).not.toBeNull();
    const props = Object.fromEntries(m![1]!.split(',').map((kv) => kv.split('=') as [string, string]));
    expect(props).toEqual({ file: 'checks/connreset.yml', line: '7', title: expect.any(String) });
    expect(unescapeProperty(props.title!)).toBe('connreset check: payments, "eu"');
    const message = unescapeData(m![2]!);
    expect(message.split('\n')[0]).toBe('127.0.0.1:8081: expected ok, observed reply_then_reset');
    expect(message).toContain('Top cause: The application closed the socket with an error (80%)');
    expect(CONTROL.test(message)).toBe(false);
    expect(lines[1]).toContain('not finished before the --deadline');
  });
});

describe('GitHub annotations for a large fleet', () => {
  it('stops at 50 annotations, the last one counting the rest', () => {
    const run = fixtureRun();
    const failed = run.results[1]!;
    run.results = Array.from({ length: 120 }, (_, i) => ({ ...failed, index: i, name: `t${i}` }));
    const lines = renderGithubAnnotations(run, { GITHUB_ACTIONS: 'true' }).trimEnd().split('\n');
    expect(lines).toHaveLength(50);
    expect(lines[48]).toContain('title=connreset check%3A t48');
    expect(lines[49]).toBe('::error title=connreset check::71 more targets failed: see the table in the job log, or the JUnit/JSON report');
  });
});

describe('JSON report', () => {
  it('is one versioned document; only failures carry their timeline', () => {
    const doc = JSON.parse(renderCheckJson(fixtureRun())) as ReturnType<typeof checkJsonDocument>;
    expect(doc.schema).toBe('connreset.check/v1');
    expect(doc.ok).toBe(false);
    expect(doc.exitCode).toBe(1);
    expect(doc.totals).toEqual({ targets: 5, passed: 2, failed: 1, notRun: 2 });
    expect(doc.results[0]!.observation).toBeNull();
    expect(doc.results[1]!.observation?.events).toHaveLength(6);
    expect(doc.results[1]!.diagnosis?.outcome).toBe('reply_then_reset');
    expect(doc.results[2]).toMatchObject({ status: 'not_run', notRunReason: 'deadline' });
  });

  it('is written in pieces with the very same text, so a large run is never one string in memory', () => {
    const one = fixtureRun();
    // 1,205 rows span several pieces (100 rows each), the last one partly filled
    const many = fixtureRun({ results: Array.from({ length: 241 }, () => one.results).flat().map((r, index) => ({ ...r, index })) });
    for (const run of [one, many, fixtureRun({ results: [] })]) {
      expect([...checkJsonPieces(run)].join('')).toBe(renderCheckJson(run));
    }
    expect([...checkJsonPieces(many)].length).toBeGreaterThan(2);
    const dir = mkdtempSync(join(tmpdir(), 'connreset-json-'));
    const file = join(dir, 'check.json');
    writeFileAtomic(file, checkJsonPieces(many));
    expect(readFileSync(file, 'utf8')).toBe(renderCheckJson(many));
    expect(readdirSync(dir)).toEqual(['check.json']);
  });

  it('says exit 130 for an interrupted run', () => {
    expect(checkJsonDocument(fixtureRun({ stoppedBy: 'interrupted', signal: 'SIGINT' })).exitCode).toBe(130);
  });

  it('says exit 143 and which signal for a run stopped by SIGTERM; every report names it', () => {
    const run = fixtureRun({ stoppedBy: 'interrupted', signal: 'SIGTERM' });
    const doc = checkJsonDocument(run);
    expect([doc.stoppedBy, doc.signal, doc.exitCode]).toEqual(['interrupted', 'SIGTERM', 143]);
    expect(checkJsonDocument(fixtureRun()).signal).toBeNull();
    expect(renderCheckTable(run)).toContain('— interrupted (SIGTERM): results so far');
    const info = parseExposition(renderPrometheus(run)).get('connreset_check_run_info')!.samples[0]!;
    expect(info.labels).toMatchObject({ stopped_by: 'interrupted', signal: 'SIGTERM' });
    expect(parseExposition(renderPrometheus(fixtureRun())).get('connreset_check_run_info')!.samples[0]!.labels).not.toHaveProperty('signal');
    expect(renderJUnit(run)).toContain('<property name="connreset.signal" value="SIGTERM"/>');
  });
});

describe('terminal table', () => {
  const out = renderCheckTable(fixtureRun());

  it('lists target, expected, observed, time and top cause, then failures in detail', () => {
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^ {2}TARGET\s+EXPECTED\s+OBSERVED\s+TIME\s+TOP CAUSE$/);
    expect(lines[1]).toMatch(/^✔ api health\s+ok\s+ok\s+502 ms\s+—$/);
    expect(lines[2]).toMatch(/^✘ payments, "eu"\s+ok\s+reply_then_reset\s+1\.9 ms\s+The application closed the socket with an error$/);
    expect(lines[3]).toMatch(/^⏱ 10\.0\.0\.1:5432\s+ok\s+not finished \(deadline\)\s+—\s+—$/);
    expect(out).toContain('5 targets: 2 passed, 1 failed, 2 not run (in 1.2 s, concurrency 5) — stopped at the first failure (--fail-fast)');
    expect(out).toContain('Failures (2):');
    expect(out).toContain('1) payments, "eu" 127.0.0.1:8081 (checks/connreset.yml:7)');
    expect(out).toContain('Timeline:');
  });

  it('never writes a peer control character to the terminal', () => {
    expect(CONTROL.test(out)).toBe(false);
    expect(out).toContain('\\x1b[31mboom\\x07');
    expect(safeText('a\u001b[2Jb\u009b')).toBe('a\\x1b[2Jb\\x9b');
  });

  it('can list failures only', () => {
    const only = renderCheckTable(fixtureRun(), { onlyFailures: true });
    expect(only).not.toContain('api health');
    expect(only).toContain('payments');
  });
});
