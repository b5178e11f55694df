/**
 * What every fuzz property checks about text connreset prints: no C0/C1 control (other than the
 * newlines we mean), no bidi formatting character, no line or paragraph separator; an error is a
 * typed ConnresetError whose printed line is exactly one line; and each input's work stays inside
 * a generous budget, measured here (a hang or a quadratic blow-up, not a benchmark).
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { ConnresetError, errorLine } from '../../src/errors.js';

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/**
 * The first unsafe character in the text, with some context, or null. A multi-line report may
 * hold newlines and tabs (our own code snippets are indented with tabs); one line holds neither.
 */
export function unsafeIn(text: string, newlines: boolean): string | null {
  const m = UNSAFE.exec(text) ?? (newlines ? null : /[\n\t]/.exec(text));
  if (!m) return null;
  return JSON.stringify(text.slice(Math.max(0, m.index - 40), m.index + 40));
}

export function expectPrintable(text: string, what: string, newlines = true): void {
  const found = unsafeIn(text, newlines);
  if (found) expect.fail(`${what} holds a raw control, bidi or separator character: ${found}`);
}

/** A thrown value must be ours, and print as one clean line. */
export function expectTypedError(error: unknown): void {
  if (!(error instanceof ConnresetError)) throw error;
  const line = errorLine(error);
  expect(line.endsWith('\n')).toBe(true);
  expectPrintable(line.slice(0, -1), 'the error line', false);
}

/** Generous: a quadratic path or a hang blows through it; a busy shared machine does not. */
export const BUDGET_MS = 2_000;

export function withinBudget<T>(fn: () => T): T {
  const t0 = performance.now();
  const out = fn();
  const ms = performance.now() - t0;
  if (ms > BUDGET_MS) expect.fail(`one input took ${ms.toFixed(0)} ms (budget ${BUDGET_MS} ms)`);
  return out;
}

export async function withinBudgetAsync<T>(fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await fn();
  const ms = performance.now() - t0;
  if (ms > BUDGET_MS) expect.fail(`one input took ${ms.toFixed(0)} ms (budget ${BUDGET_MS} ms)`);
  return out;
}

/** The characters a hostile user or peer sends, and the punctuation our parsers split on. */
export const NASTY = [
  '\u001b[2J', '\u001b]0;pwned\u0007', '\n', '\r\n', '\t', '\u0000', '\u0008', '\u007f', '\u0085', '\u009b', '\u009d',
  '\u202e', '\u202a', '\u2066', '\u2069', '\u200f', '\u061c', '\u2028', '\u2029', '\ud800', '\ufeff', '"', "'", '\\',
  '@', ':', '/', '?', '#', '[', ']', '%', '${X}', '${', '$$', '*', '&', '- ', ': ', '{', '}', ',', ' ', '0', '65536',
];

export const hostileText = (maxParts = 8): fc.Arbitrary<string> =>
  fc
    .array(
      fc.oneof(
        fc.constantFrom(...NASTY),
        fc.string({ maxLength: 12 }),
        fc.string({ unit: 'binary', maxLength: 8 }),
        fc.string({ unit: 'grapheme', maxLength: 6 }),
      ),
      { maxLength: maxParts },
    )
    .map((parts) => parts.join(''));

/** Cases per property: a few thousand each, the whole fuzz suite under a minute. */
export const RUNS = Number(process.env.CONNRESET_FUZZ_RUNS ?? 2000);
