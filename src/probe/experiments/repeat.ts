/**
 * Timing and consistency: the same probe again, twice, concurrently (a timer shows as the same
 * delay each time, a policy as an instant failure each time, a limit as failures that come and go).
 */
import { trial, type ExperimentModule } from './context.js';

export const REPEATS = 2;

export const repeat: ExperimentModule = {
  run(ctx) {
    return Promise.all(Array.from({ length: REPEATS }, () => trial(ctx, 'repeat', {})));
  },
};
