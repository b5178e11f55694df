/**
 * `--json` output: one document per run. The explanation document is the Explanation itself
 * (schema "connreset.explanation/v1", fields documented in the README); --list prints
 * "connreset.codes/v1".
 */
import { jsonDocument } from '../escape.js';
import type { Explanation } from '../diagnose/explain/types.js';
import type { KnownCode } from '../diagnose/explain/list.js';

export const CODES_SCHEMA = 'connreset.codes/v1' as const;

export function renderExplanationJson(x: Explanation): string {
  return jsonDocument(x);
}

export function renderListJson(codes: readonly KnownCode[]): string {
  return jsonDocument({ schema: CODES_SCHEMA, codes });
}
