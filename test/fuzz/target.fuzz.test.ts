/** The target parser against hostile input: a Target or a BadTargetError, one clean line, no password shown. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseTarget } from '../../src/probe/target.js';
import { expectPrintable, expectTypedError, hostileText, RUNS, withinBudget } from './safety.js';

const PASSWORD = 'Pw9zQ';
const scheme = fc.constantFrom('', 'tcp://', 'http://', 'https://', 'TLS://', 'redis://', 'postgresql://', 'ftp://', 'h t://', '://');
const userinfo = fc.constantFrom('', 'admin@', `admin:${PASSWORD}@`, `a:${PASSWORD}:x@`, `:${PASSWORD}@`, `u:${PASSWORD}/x@`, `u:${PASSWORD}?@`);
const host = fc.oneof(fc.constantFrom('127.0.0.1', '[::1]', '::1', 'localhost', 'db.internal', '[fe80::1%eth0]', ''), hostileText(3));
const port = fc.oneof(fc.constantFrom('', ':80', ':0', ':65536', ':99999999999999999999', ':-1', ':8o'), hostileText(2).map((s) => `:${s}`));
const rest = fc.oneof(fc.constant(''), fc.constantFrom('/', '/health?x=1#f', '?@', '#@'), hostileText(3).map((s) => `/${s}`));
const targetText = fc.oneof(
  fc.tuple(scheme, userinfo, host, port, rest).map((parts) => parts.join('')),
  hostileText(12),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ maxLength: 5 }).map((s) => `${s.repeat(20_000)}:80`),
);

describe('parseTarget on hostile input', { timeout: 60_000 }, () => {
  it('returns a target or throws a typed error; nothing shown holds a control character or the password', () => {
    fc.assert(
      fc.property(targetText, (input) => {
        let target;
        try {
          target = withinBudget(() => parseTarget(input));
        } catch (error) {
          expectTypedError(error);
          expect(String((error as Error).message) + String((error as { hint?: string }).hint ?? '')).not.toContain(PASSWORD);
          return;
        }
        expect(target.port).toBeGreaterThanOrEqual(1);
        expect(target.port).toBeLessThanOrEqual(65535);
        expect(target.input).not.toContain(PASSWORD);
        expectPrintable(target.host, 'the host', false);
      }),
      { numRuns: RUNS },
    );
  });
});
