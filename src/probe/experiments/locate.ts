/**
 * The locate experiment as a follow-up (registered in registry.ts): runs src/probe/locate.ts within
 * the follow-up budget and records its measurements and verdict on the experiment record. It opens
 * its own pinned connections through probe(), like every experiment; the native module loads only
 * when it runs.
 */
import type { ExperimentModule } from './context.js';
import { locate } from '../locate.js';

export const locateExperiment: ExperimentModule = {
  async run(ctx) {
    // ctx.options has the idle hold removed; locate repeats the original's hold itself when the answer came on resume
    const result = await locate(ctx.target, ctx.options, ctx.obs, { timeoutMs: ctx.budgetMs }, ctx.signal);
    return { trials: [], locate: result };
  },
};
