/**
 * `connreset probe TARGET --repeat N`: a real CLI run against the lab on loopback (ephemeral
 * ports) shows a line per attempt and tcping's statistics line, and its numbers are the JSON's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startLab, type Lab } from '../../src/lab/server.js';
import { renderStatsLine } from '../../src/report/probe-text.js';
import type { Observation } from '../../src/diagnose/observation.js';
import chalk from 'chalk';

interface Spread { min: number; avg: number; max: number }
interface Stats { count: number; ok: number; failed: number; connectMs: Spread | null; firstByteMs: Spread | null }
interface Doc {
  results: { run: number; observation: Observation; diagnosis: { outcome: string; healthy: boolean } }[];
  summaries: { target: string; runs: number; failed: number; stats: Stats }[];
}

let lab: Lab;
beforeAll(async () => {
  chalk.level = 0;
  lab = await startLab({ basePort: 0, only: ['ok', 'reply-then-reset', 'refused'] });
});
afterAll(async () => {
  await lab?.close();
});

const target = (name: string): string => `${lab.scenarios.find((s) => s.name === name)!.target}/`;
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const STATS_LINE = /^(\d+) probes: (\d+) ok, (\d+) failed; connect min\/avg\/max ([\d.]+)\/([\d.]+)\/([\d.]+) ms; first byte min\/avg\/max ([\d.]+)\/([\d.]+)\/([\d.]+) ms$/;

/**
 * The numbers of a text run and of a --json run differ (two runs, real timings), so each is
 * checked against its own attempts: the text's statistics line against its attempt lines, the
 * JSON's stats against its own timelines, and the JSON's stats rendered as the text would.
 */
function checkText(text: string, url: string, outcome: string, healthy: boolean): void {
  const lines = text.split('\n');
  expect(lines[0]).toBe(`probe ${url}  (3 runs)`);
  const attempts = lines.slice(1, 4).map((l) => l.match(new RegExp(`^  ([123])  ${outcome} +connect ([\\d.]+) ms  first byte ([\\d.]+) ms$`)));
  expect(attempts.every(Boolean), lines.slice(1, 4).join('\n')).toBe(true);
  expect(attempts.map((m) => m![1])).toEqual(['1', '2', '3']);
  const stats = lines[4]!.match(STATS_LINE);
  expect(stats, lines[4]).not.toBeNull();
  const n = healthy ? 3 : 0;
  expect(stats!.slice(1, 4).map(Number)).toEqual([3, n, 3 - n]);
  for (const [column, first] of [[2, 4], [3, 7]] as const) {
    const values = attempts.map((m) => Number(m![column]));
    const [min, avg, max] = stats!.slice(first, first + 3).map(Number);
    expect(min).toBe(Math.min(...values));
    expect(max).toBe(Math.max(...values));
    expect(avg).toBeGreaterThanOrEqual(min! - 0.05);
    expect(avg).toBeLessThanOrEqual(max! + 0.05);
  }
}

function checkJson(doc: Doc, healthy: boolean): void {
  expect(doc.results.map((r) => r.run)).toEqual([1, 2, 3]);
  const s = doc.summaries[0]!.stats;
  const n = healthy ? 3 : 0;
  expect(s).toMatchObject({ count: 3, ok: n, failed: 3 - n });
  const at = (o: Observation, kind: string): number => o.events.find((e) => e.kind === kind)!.t;
  const connects = doc.results.map((r) => at(r.observation, 'connected') - at(r.observation, 'connecting'));
  const firsts = doc.results.map((r) => at(r.observation, 'received') - at(r.observation, 'sent'));
  for (const [spread, values] of [[s.connectMs!, connects], [s.firstByteMs!, firsts]] as const) {
    expect(spread.min).toBeCloseTo(Math.min(...values), 3);
    expect(spread.max).toBeCloseTo(Math.max(...values), 3);
    expect(spread.avg).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 2);
  }
  // the text would print exactly these numbers
  const line = renderStatsLine(s).match(STATS_LINE)!;
  expect(line.slice(4).map(Number)).toEqual([s.connectMs!, s.firstByteMs!].flatMap((x) => [x.min, x.avg, x.max].map((v) => Number(v.toFixed(1)))));
}

describe('probe --repeat: per-attempt lines and statistics against the lab', () => {
  it('healthy: three attempt lines, a statistics line, then the summary and the last run in full; --json has the stats', async () => {
    const url = target('ok');
    const args = ['probe', url, '--repeat', '3', '--interval', '100ms'];
    const [text, json] = await Promise.all([runCli(args), runCli([...args, '--json'])]);
    expect(text.stderr).toBe('');
    expect([text.code, json.code]).toEqual([0, 0]);
    checkText(text.stdout, url, 'ok {16}', true);
    const lines = text.stdout.split('\n');
    expect(lines[5]).toBe(`${url}  all 3 runs healthy: ok ×3`);
    expect(text.stdout).toMatch(/\n\nrun 3:\nprobe /);
    expect(text.stdout).toMatch(/outcome\s+ok/);
    checkJson(JSON.parse(json.stdout) as Doc, true);
  });

  it('a reset after every reply: the failures are listed and counted, then the first failure in full', async () => {
    const url = target('reply-then-reset');
    const args = ['probe', url, '--repeat', '3', '--interval', '100ms', '--no-followup'];
    const [text, json] = await Promise.all([runCli(args), runCli([...args, '--json'])]);
    expect([text.code, json.code]).toEqual([1, 1]);
    checkText(text.stdout, url, 'reply_then_reset', false);
    expect(text.stdout.split('\n')[5]).toMatch(new RegExp(`^${escapeRe(url)}  3 of 3 runs failed: reply_then_reset ×3`));
    expect(text.stdout).toMatch(/\n\nrun 1:\nprobe /);
    checkJson(JSON.parse(json.stdout) as Doc, false);
  });

  it('refused: every attempt says "no connection" and the JSON has null spreads', async () => {
    const url = target('refused');
    const args = ['probe', url, '--repeat', '3', '--interval', '100ms', '--no-followup'];
    const [text, json] = await Promise.all([runCli(args), runCli([...args, '--json'])]);
    const doc = JSON.parse(json.stdout) as Doc;
    const lines = text.stdout.split('\n');
    expect(lines.slice(1, 4)).toEqual([1, 2, 3].map((n) => `  ${n}  ${'refused'.padEnd(18)} no connection`));
    expect(lines[4]).toBe('3 probes: 0 ok, 3 failed; connect: never connected; first byte: no reply');
    expect(doc.summaries[0]!.stats).toEqual({ count: 3, ok: 0, failed: 3, connectMs: null, firstByteMs: null });
  });

  it('-q keeps one line per probe, without the attempt lines', async () => {
    const r = await runCli(['probe', target('ok'), '--repeat', '3', '--interval', '100ms', '-q']);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines.slice(0, 3).every((l) => /^ok\s+http:\/\//.test(l))).toBe(true);
    expect(r.stdout).not.toMatch(/min\/avg\/max/);
  });
});
