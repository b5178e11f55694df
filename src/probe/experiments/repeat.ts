/**
 * Timing and consistency: the same probe again, twice, concurrently (a timer shows as the same
 * delay each time, a policy as an instant failure each time, a limit as failures that come and go).
 */
import type { ProbeOptions } from '../types.js';
import { classify } from '../../diagnose/classify.js';
import { failureDelayMs, IMMEDIATE_MS } from '../../diagnose/findings.js';
import { trial, type ExperimentContext, type ExperimentModule } from './context.js';

export const REPEATS = 2;
/** A repeat waits for a hang-up at least this multiple of the delay the first probe saw. */
const DELAY_MULTIPLE = 3;

export const repeat: ExperimentModule = {
  run(ctx) {
    const change = { options: repeatOptions(ctx) };
    return Promise.all(Array.from({ length: REPEATS }, () => trial(ctx, 'repeat', change)));
  },
};

/**
 * A repeat of a hang-up on connect must wait for it as long as "at once" lasts (IMMEDIATE_MS), not
 * the connect check's short settle: a server that hangs up on accept only after a program has
 * started (socat EXEC, inetd) can take longer than the settle on a busy host, and a repeat that
 * stopped waiting first would read as a connection that worked, "a limit that comes and goes".
 * The user's own banner timeout is kept: then the first probe waited that long too.
 */
function repeatOptions(ctx: ExperimentContext): Partial<ProbeOptions> {
  if (ctx.options.bannerTimeoutMs !== null) return {};
  const outcome = classify(ctx.obs);
  if (outcome !== 'closed_on_connect' && outcome !== 'reset_on_connect') return {};
  const waitMs = Math.max(IMMEDIATE_MS, Math.ceil(DELAY_MULTIPLE * (failureDelayMs(ctx.obs) ?? 0)));
  return { bannerTimeoutMs: Math.min(ctx.budgetMs, waitMs) };
}
