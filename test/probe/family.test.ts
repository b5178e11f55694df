/**
 * `-6 localhost` where the name has only an IPv4 address: the report says the name has no IPv6
 * address (and which it has), not that it did not resolve. The lookup is injected: no DNS.
 */
import { describe, expect, it } from 'vitest';
import { probe } from '../../src/probe/probe.js';
import { parseTarget } from '../../src/probe/target.js';
import { probeOptions } from '../../src/probe/defaults.js';
import { diagnose } from '../../src/diagnose/diagnose.js';
import type { LookupFn } from '../../src/probe/types.js';

const v4only: LookupFn = async () => [{ address: '127.0.0.1', family: 4 }];
const v6only: LookupFn = async () => [{ address: '::1', family: 6 }];

describe('-4 / -6 against a name without that family', () => {
  it.each([
    [6 as const, v4only, 'IPv6', '127.0.0.1'],
    [4 as const, v6only, 'IPv4', '::1'],
  ])('-%i: "no %s address", naming what it has, not "did not resolve"', async (family, lookup, name, has) => {
    const obs = await probe(parseTarget('http://localhost:9/'), probeOptions({ family, lookup }));
    const d = diagnose(obs);
    expect(d.outcome).toBe('dns_failure');
    expect(d.summary).toBe(`localhost resolved, but it has no ${name} address (only ${has}): nothing to connect to with -${family}.`);
    expect(d.summary).not.toMatch(/did not resolve/);
    expect(d.causes[0]!.evidence[0]).toMatch(new RegExp(`drop -${family}`));
    // nothing was sent anywhere
    expect(obs.events.some((e) => e.kind === 'connecting')).toBe(false);
  });

  it('a name that does not resolve at all still says so', async () => {
    const missing: LookupFn = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.test'), { code: 'ENOTFOUND' });
    };
    const d = diagnose(await probe(parseTarget('http://nowhere.test:9/'), probeOptions({ family: 6, lookup: missing })));
    expect(d.summary).toBe('nowhere.test did not resolve (ENOTFOUND).');
  });
});
