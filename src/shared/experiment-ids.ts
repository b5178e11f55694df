/**
 * The experiments connreset knows. Adding one: a row in src/knowledge/followups.ts (which cause
 * pairs it separates, for which outcomes), one module in src/probe/experiments/ that runs it
 * (registered in src/probe/experiments/registry.ts), and its conclusions in src/diagnose/findings.ts.
 */
export const EXPERIMENT_IDS = ['service_id', 'repeat', 'neutral_payload'] as const;
export type ExperimentId = (typeof EXPERIMENT_IDS)[number];
