import { readdirSync, readFileSync } from 'node:fs';
import type { Observation } from '../../src/diagnose/observation.js';
import type { Outcome } from '../../src/shared/outcome.js';
import type { CauseId } from '../../src/knowledge/causes.js';

export interface ObservationFixture {
  name: string;
  source: string;
  /** healthy defaults to what the outcome's severity says; a fixture states it where signals overrule that */
  expected: { outcome: Outcome; topCause: CauseId | null; healthy?: boolean };
  observation: Observation;
}

const DIR = new URL('../fixtures/observations/', import.meta.url);

export function loadFixtures(): ObservationFixture[] {
  return readdirSync(DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => JSON.parse(readFileSync(new URL(file, DIR), 'utf8')) as ObservationFixture);
}

export function fixture(name: string): ObservationFixture {
  const found = loadFixtures().find((f) => f.name === name);
  if (!found) throw new Error(`no fixture ${name}`);
  // a deep copy, so that a test may edit it
  return structuredClone(found);
}
