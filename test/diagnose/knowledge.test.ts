import { describe, expect, it } from 'vitest';
import { computeFacts } from '../../src/diagnose/facts.js';
import { OUTCOME_CAUSES, SIGNAL_RULES } from '../../src/knowledge/outcome-causes.js';
import { OUTCOME_INFO } from '../../src/knowledge/outcomes.js';
import { CLIENT_ERRORS } from '../../src/knowledge/client-errors.js';
import { matchKnownIdleTimeout } from '../../src/knowledge/known-idle-timeouts.js';
import { ERROR_PAGE_ROWS, HTTP_STATUS_ROWS, proxyById } from '../../src/knowledge/http-replies.js';
import { fixture } from './fixtures.js';
import { FINDING_VARS } from '../../src/diagnose/findings.js';

/** Every {placeholder} a table uses must be a fact the diagnosis computes, or the sentence never prints. */
describe('knowledge tables', () => {
  // the timeline's facts, and the follow-up experiments' (src/diagnose/findings.ts)
  const known = new Set([...Object.keys(computeFacts(fixture('lab-ok').observation, 'ok', null).vars), ...FINDING_VARS]);
  const templates: string[] = [
    ...Object.values(OUTCOME_CAUSES).flatMap((candidates) => candidates.flatMap((c) => c.evidence.flat())),
    ...SIGNAL_RULES.flatMap((r) => (r.evidence ? [r.evidence].flat() : [])),
    ...Object.values(OUTCOME_INFO).flatMap((info) => [...info.story]),
    ...Object.values(CLIENT_ERRORS).flatMap((view) => Object.values(view).filter((v): v is string => v !== null)),
  ];

  it('use only placeholders that the facts define', () => {
    const used = new Set(templates.flatMap((t) => [...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)));
    expect([...used].filter((name) => !known.has(name))).toEqual([]);
  });

  it('give every failure outcome at least one cause, and a healthy one none', () => {
    for (const [outcome, info] of Object.entries(OUTCOME_INFO)) {
      const candidates = OUTCOME_CAUSES[outcome as keyof typeof OUTCOME_CAUSES];
      if (info.severity === 'ok') expect(candidates, outcome).toEqual([]);
      // an interrupted probe observed no outcome: it must rank no cause at all
      if (outcome === 'interrupted') expect(candidates, outcome).toEqual([]);
      else if (info.severity === 'failure' && outcome !== 'error') expect(candidates.length, outcome).toBeGreaterThan(0);
    }
  });

  it('map only 5xx statuses, and have log advice for every cause a 5xx can point to, even from an unknown proxy', () => {
    for (const row of HTTP_STATUS_ROWS) for (const code of row.codes) expect(code >= 500 && code <= 599, String(code)).toBe(true);
    const causes = new Set([...HTTP_STATUS_ROWS.map((r) => r.cause), ...ERROR_PAGE_ROWS.flatMap((r) => (r.cause ? [r.cause] : []))]);
    for (const cause of causes) expect(proxyById('unknown').says[cause], cause).toBeTruthy();
  });

  it('name a known idle timeout only near it, never well before it', () => {
    expect(matchKnownIdleTimeout(350_400)?.seconds).toBe(350);
    expect(matchKnownIdleTimeout(60_050)?.seconds).toBe(60);
    expect(matchKnownIdleTimeout(45_000)).toBeNull();
    expect(matchKnownIdleTimeout(300_000)).toBeNull();
  });
});
