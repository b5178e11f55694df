/** The lab's defaults, in a module light enough for the CLI wiring to import at start-up. */
import { SCENARIOS } from './scenarios.js';

export const LAB_DEFAULTS = {
  host: '127.0.0.1',
  basePort: 7100,
  /** `connreset lab`: idle scenarios act after this much silence */
  idleAfterMs: 3000,
  /** `connreset demo`: shorter, to keep the tour under ten seconds */
  demoIdleAfterMs: 2000,
  trickleIntervalMs: 1000,
} as const;

/** The lab uses ports base .. base + this. */
export const LAB_PORT_SPAN = Math.max(...SCENARIOS.map((s) => s.offset));
