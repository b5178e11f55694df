/**
 * all_addresses: a name that resolves to several addresses is checked at every one of them, each
 * its own row, so one bad address behind a round-robin name fails the run and the reports say
 * which. The name resolves through an injected lookup (never the machine's resolver); the probes
 * are real, against a server on 127.0.0.1 only and nothing on ::1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { lookup as dnsLookup } from 'node:dns/promises';
import chalk from 'chalk';
import { XMLParser } from 'fast-xml-parser';
import { startLab, type Lab } from '../../src/lab/server.js';
import { probe, probeAll } from '../../src/probe/probe.js';
import { probeOptions } from '../../src/probe/defaults.js';
import { parseTarget } from '../../src/probe/target.js';
import { parseSend } from '../../src/probe/payload.js';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { parseConfig, type CheckSpec } from '../../src/check/config.js';
import { runChecks, type ProbeEngine } from '../../src/check/run.js';
import { planConcurrency } from '../../src/probe/runner.js';
import { runExitCode, type CheckRun } from '../../src/check/result.js';
import type { LookupFn } from '../../src/probe/types.js';
import { renderJUnit } from '../../src/report/junit.js';
import { renderPrometheus } from '../../src/report/prometheus.js';
import { renderCheckTable } from '../../src/report/check-table.js';
import { renderGithubAnnotations } from '../../src/report/github-annotations.js';
import { checkJsonDocument } from '../../src/report/check-json.js';
import { runCli } from '../helpers/cli.js';
import { parseExposition } from './prom-text.js';

const engine: ProbeEngine = { probe, probeAll, probeOptions, diagnose };

/** Whether this machine has ::1 (a container may run without IPv6). */
async function hasIpv6Loopback(): Promise<boolean> {
  const server = createServer();
  try {
    server.listen(0, '::1');
    await once(server, 'listening');
    return true;
  } catch {
    return false;
  } finally {
    server.close();
  }
}

let lab: Lab;
let okPort: number;
let ipv6 = false;

beforeAll(async () => {
  chalk.level = 0;
  ipv6 = await hasIpv6Loopback();
  lab = await startLab({ host: '127.0.0.1', basePort: 0, only: ['ok'] });
  okPort = Number(new URL(lab.scenarios.find((s) => s.name === 'ok')!.target).port);
});

afterAll(async () => {
  await lab?.close();
});

/** `localhost` resolves to both loopbacks, as a dual-stack /etc/hosts says; each call is counted. */
function dualStackLookup(): { lookup: LookupFn; calls: string[] } {
  const calls: string[] = [];
  const lookup: LookupFn = async (host) => {
    calls.push(host);
    return [
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ];
  };
  return { lookup, calls };
}

function specs(yaml: string, lookup: LookupFn): CheckSpec[] {
  return parseConfig(yaml, 'connreset.yml', { parseTarget, parseSend }, {}).map((s) => ({ ...s, options: { ...s.options, lookup } }));
}

function run(list: CheckSpec[]): Promise<CheckRun> {
  return runChecks(list, engine, { plan: planConcurrency(4), requestedConcurrency: 4, deadlineMs: 20_000, failFast: false, source: 'connreset.yml' });
}

describe('check all_addresses', () => {
  it('one row per resolved address: the ::1 row is refused, the 127.0.0.1 row ok, and the run fails', async (ctx) => {
    if (!ipv6) ctx.skip('no ::1 on this machine: the second address cannot be probed');
    const { lookup, calls } = dualStackLookup();
    const result = await run(specs(`targets:\n  - target: http://localhost:${okPort}/\n    name: web\n    all_addresses: true\n    reply_timeout: 1s\n`, lookup));
    expect(calls).toEqual(['localhost']); // resolved once, both addresses probed from that answer
    expect(result.results.map((r) => [r.index, r.name, r.address, r.status, r.outcome])).toEqual([
      [0, 'web', '127.0.0.1', 'passed', 'ok'],
      [0, 'web', '::1', 'failed', 'refused'],
    ]);
    expect(result.results[1]!.reasons).toEqual(['expected ok, observed refused']);
    expect(runExitCode(result)).toBe(1);

    // every report says which address failed
    const table = renderCheckTable(result);
    expect(table).toMatch(/^✔ web \(127\.0\.0\.1\)\s+ok\s+ok\s/m);
    expect(table).toMatch(/^✘ web \(::1\)\s+ok\s+refused\s/m);
    expect(table).toContain('2 targets: 1 passed, 1 failed');
    expect(table).toContain(`1) web (::1) http://localhost:${okPort}/ (connreset.yml:2)`);

    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(renderJUnit(result)) as {
      testsuites: { testsuite: { testcase: Record<string, unknown>[] } };
    };
    const cases = junit.testsuites.testsuite.testcase;
    expect(cases.map((c) => c['@name'])).toEqual([`web (http://localhost:${okPort}/, 127.0.0.1)`, `web (http://localhost:${okPort}/, ::1)`]);
    expect(cases[0]).not.toHaveProperty('failure');
    expect((cases[1]!.failure as Record<string, string>)['@type']).toBe('refused');

    const prom = parseExposition(renderPrometheus(result));
    expect(prom.get('connreset_check_success')!.samples.map((s) => [s.labels, s.value])).toEqual([
      [{ name: 'web', target: `http://localhost:${okPort}/`, address: '127.0.0.1' }, 1],
      [{ name: 'web', target: `http://localhost:${okPort}/`, address: '::1' }, 0],
    ]);
    expect(prom.get('connreset_probe_outcome')!.samples.map((s) => s.labels.outcome)).toEqual(['ok', 'refused']);

    const annotations = renderGithubAnnotations(result, {});
    expect(annotations).toBe(
      `::error file=connreset.yml,line=2,title=connreset check%3A web (%3A%3A1)::http://localhost:${okPort}/ (::1): expected ok, observed refused` +
        annotations.slice(annotations.indexOf('%0A')),
    );

    const doc = checkJsonDocument(result);
    expect(doc.totals).toEqual({ targets: 2, passed: 1, failed: 1, notRun: 0 });
    expect(doc.results.map((r) => r.address)).toEqual(['127.0.0.1', '::1']);
  });

  it('with repeat, each address keeps its own attempts; one lookup per attempt', async (ctx) => {
    if (!ipv6) ctx.skip('no ::1 on this machine: the second address cannot be probed');
    const { lookup, calls } = dualStackLookup();
    const result = await run(
      specs(`targets:\n  - target: http://localhost:${okPort}/\n    all_addresses: true\n    reply_timeout: 1s\n    repeat: 2\n    expect: [ok, refused]\n`, lookup),
    );
    expect(calls).toHaveLength(2);
    expect(result.results.map((r) => [r.address, r.attempts, r.failedAttempts, r.outcome])).toEqual([
      ['127.0.0.1', 2, 0, 'ok'],
      ['::1', 2, 0, 'refused'],
    ]);
  });

  it('without all_addresses the same name is one row, no address (the first address, as probe does)', async () => {
    const { lookup } = dualStackLookup();
    const result = await run(specs(`targets:\n  - target: http://localhost:${okPort}/\n    reply_timeout: 1s\n`, lookup));
    expect(result.results.map((r) => [r.address, r.status, r.outcome])).toEqual([[null, 'passed', 'ok']]);
    expect(parseExposition(renderPrometheus(result)).get('connreset_check_success')!.samples[0]!.labels).not.toHaveProperty('address');
  });

  it('an IP literal with all_addresses is its one address: one row, no address suffix', async () => {
    const { lookup, calls } = dualStackLookup();
    const result = await run(specs(`targets:\n  - target: http://127.0.0.1:${okPort}/\n    all_addresses: true\n    reply_timeout: 1s\n`, lookup));
    expect(calls).toEqual([]);
    expect(result.results.map((r) => [r.address, r.status])).toEqual([[null, 'passed']]);
  });

  it('a name that does not resolve is one failed row (dns_failure), no address', async () => {
    const lookup: LookupFn = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), { code: 'ENOTFOUND' });
    };
    const result = await run(specs(`targets:\n  - target: nowhere.invalid:80\n    all_addresses: true\n`, lookup));
    expect(result.results.map((r) => [r.address, r.status, r.outcome])).toEqual([[null, 'failed', 'dns_failure']]);
  });
});

describe('check --all-addresses on the command line', () => {
  it('targets from arguments get one row per address of localhost (from /etc/hosts), each with the address', async () => {
    // localhost is in /etc/hosts: this lookup does not reach a DNS server
    const addresses = (await dnsLookup('localhost', { all: true, verbatim: true })).map((a) => a.address);
    const r = await runCli(['check', `http://localhost:${okPort}/`, '--all-addresses', '--json']);
    const doc = JSON.parse(r.stdout) as ReturnType<typeof checkJsonDocument>;
    expect(doc.results.map((x) => x.address)).toEqual(addresses);
    for (const row of doc.results) expect(row.outcome).toBe(row.address === '127.0.0.1' ? 'ok' : 'refused');
    expect(r.code).toBe(addresses.every((a) => a === '127.0.0.1') ? 0 : 1);
  });

  it('without --all-addresses the rows carry no address', async () => {
    const r = await runCli(['check', `http://localhost:${okPort}/`, '--json']);
    const doc = JSON.parse(r.stdout) as ReturnType<typeof checkJsonDocument>;
    expect(doc.results.map((x) => [x.address, x.outcome])).toEqual([[null, 'ok']]);
  });
});
