/**
 * `--json` output: one document per run. The explanation document is the Explanation itself
 * (schema "connreset.explanation/v1", fields documented in the README); --list prints
 * "connreset.codes/v1".
 */
import type { Explanation } from '../diagnose/explain/types.js';
import type { KnownCode } from '../diagnose/explain/list.js';

export const CODES_SCHEMA = 'connreset.codes/v1' as const;

export function renderExplanationJson(x: Explanation): string {
  return `${JSON.stringify(x, null, 2)}\n`;
}

export function renderListJson(codes: readonly KnownCode[]): string {
  return `${JSON.stringify({ schema: CODES_SCHEMA, codes }, null, 2)}\n`;
}
