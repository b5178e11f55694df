/**
 * Every text renderer on observations whose free-text fields a hostile peer, resolver or user
 * filled: the target, host, addresses, TLS subject and errors, reply previews, error messages and
 * expect patterns of the recorded fixtures are replaced by hostile strings, diagnosed, and
 * rendered as the probe report (text, summary, JSON) and as a check run (table, JUnit, Prometheus,
 * GitHub annotations, JSON) under a hostile check name. Nothing printed or written holds a raw
 * control, bidi or separator character; JSON parses; JUnit is valid XML; each case stays inside
 * its budget.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import chalk from 'chalk';
import { XMLValidator } from 'fast-xml-parser';
import { loadFixtures } from '../diagnose/fixtures.js';
import type { Observation, TimelineEvent } from '../../src/diagnose/observation.js';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { renderProbeText, renderSummaryText } from '../../src/report/probe-text.js';
import { probeDocument, renderProbeJson } from '../../src/report/probe-json.js';
import { summariseRuns } from '../../src/report/probe-summary.js';
import { checkOne, type ProbeEngine } from '../../src/check/run.js';
import { probeOptions } from '../../src/probe/defaults.js';
import { DEFAULT_EXPECTATION } from '../../src/check/expectation.js';
import type { CheckRun } from '../../src/check/result.js';
import { renderCheckTable } from '../../src/report/check-table.js';
import { renderJUnit } from '../../src/report/junit.js';
import { renderPrometheus } from '../../src/report/prometheus.js';
import { renderGithubAnnotations } from '../../src/report/github-annotations.js';
import { renderCheckJson } from '../../src/report/check-json.js';
import { expectPrintable, hostileText, RUNS, withinBudget, withinBudgetAsync } from './safety.js';

const observations = loadFixtures().map((f) => f.observation);

beforeAll(() => {
  chalk.level = 0; // what NO_COLOR and a pipe give; colour codes are ours, not input
});

/** The event fields that carry text from outside (peer bytes, resolver and socket messages, user patterns). */
function hostileEvent(ev: TimelineEvent, text: () => string): TimelineEvent {
  switch (ev.kind) {
    case 'resolved':
      return { ...ev, addresses: ev.addresses.map((a) => ({ ...a, address: text() })) };
    case 'resolve_failed':
    case 'error':
      return { ...ev, message: text() };
    case 'connecting':
      return { ...ev, address: text() };
    case 'connected':
      return { ...ev, localAddress: text() };
    case 'tls_established':
      return { ...ev, tls: { ...ev.tls, subject: text(), issuer: text(), protocol: text(), cipher: text(), alpn: text(), authorizationError: text() } };
    case 'tls_failed':
      return { ...ev, message: text(), alert: text() };
    case 'received':
      return { ...ev, preview: text() };
    case 'expect_matched':
    case 'expect_failed':
      return { ...ev, pattern: text() };
    default:
      return ev;
  }
}

const hostileObservation = fc
  .tuple(fc.constantFrom(...observations), fc.array(hostileText(6), { minLength: 24, maxLength: 24 }), fc.nat())
  .map(([obs, texts, seed]): Observation => {
    let i = seed;
    const text = (): string => texts[i++ % texts.length]!;
    return {
      ...obs,
      target: text(),
      host: text(),
      address: obs.address === null ? null : text(),
      options: { ...obs.options, expect: obs.options.expect === null ? null : text() },
      events: obs.events.map((ev) => hostileEvent(ev, text)),
    };
  });

describe('renderers on hostile observations', { timeout: 60_000 }, () => {
  it('the probe report (text, summary, JSON) prints nothing raw', () => {
    fc.assert(
      fc.property(hostileObservation, (obs) => {
        withinBudget(() => {
          const diagnosis = diagnose(obs);
          expectPrintable(renderProbeText(obs, diagnosis), 'probe text');
          expectPrintable(renderProbeText(obs, diagnosis, { verbose: true } as never), 'probe text (verbose)');
          const summary = summariseRuns(obs.target, [{ observation: obs, diagnosis }]);
          expectPrintable(renderSummaryText(summary), 'probe summary');
          const json = renderProbeJson(probeDocument([{ target: obs.target, run: 1, observation: obs, diagnosis }], [summary], 1, false));
          expectPrintable(json, 'probe JSON');
          JSON.parse(json);
        });
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it('a check run (table, JUnit, Prometheus, annotations, JSON) prints and writes nothing raw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostileObservation, { minLength: 1, maxLength: 3 }), hostileText(6), hostileText(4), async (list, name, file) => {
        await withinBudgetAsync(async () => {
          const engine: ProbeEngine = {
            probe: async (target) => list.find((o) => o.target === target.input) ?? list[0]!,
            probeAll: async () => list,
            probeOptions,
            diagnose,
          };
          const results = [];
          for (const [index, obs] of list.entries()) {
            const spec = {
              name: index === 0 ? name : obs.target,
              target: { input: obs.target, scheme: 'tcp' as const, host: '127.0.0.1', port: 9, tls: false, path: '/', defaultPayload: { kind: 'none' as const } },
              options: {},
              repeat: 1,
              intervalMs: 0,
              expectation: DEFAULT_EXPECTATION,
              source: { file, line: index + 1 },
            };
            results.push(...(await checkOne(spec, index, engine, new AbortController().signal)));
          }
          const run: CheckRun = {
            source: file,
            startedAt: '2026-01-01T00:00:00.000Z',
            durationMs: 12,
            concurrency: { requested: 1, used: 1, fdLimit: null, cappedBy: null },
            stoppedBy: 'completed',
            signal: null,
            results,
          } as CheckRun;
          expectPrintable(renderCheckTable(run), 'check table');
          const junit = renderJUnit(run);
          expectPrintable(junit, 'JUnit XML');
          expect(XMLValidator.validate(junit)).toBe(true);
          expectPrintable(renderPrometheus(run), 'Prometheus file');
          expectPrintable(renderGithubAnnotations(run, { GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: '/w' }), 'GitHub annotations');
          const json = renderCheckJson(run);
          expectPrintable(json, 'check JSON');
          JSON.parse(json);
        });
      }),
      { numRuns: Math.ceil(RUNS / 4) },
    );
  });
});
