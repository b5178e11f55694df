/**
 * Timing and consistency: the same probe again, twice, concurrently (a timer shows as the same
 * delay each time, a policy as an instant failure each time, a limit as failures that come and go).
 */
import type { ProbeOptions } from '../types.js';
import { SCHEMES } from '../target.js';
import { SETTLE_MIN_MS } from '../defaults.js';
import { isConnectCheck } from '../banner-wait.js';
import { classify } from '../../diagnose/classify.js';
import { failureDelayMs } from '../../diagnose/findings.js';
import { establishedEvent } from '../../diagnose/handshake.js';
import { trial, type ExperimentContext, type ExperimentModule } from './context.js';

export const REPEATS = 2;
/**
 * A repeat of a connect check's hang-up waits for it at least this long. socat EXEC:/bin/true
 * hung up 5–11 ms after the connect here, 10–45 ms with the 2 cores saturated, and once in CI
 * after the 25 ms settle. Kept well under a second: a silent client's timer (1 s and more) is a
 * timer, not a hang-up on connect.
 */
const WAIT_FLOOR_MS = 200;
/** ... or this multiple of the delay the first probe saw, when that is longer. */
const DELAY_MULTIPLE = 3;
/** What a repeat's wait leaves of the follow-up budget, for its own connect and close. */
const BUDGET_MARGIN_MS = 100;

export const repeat: ExperimentModule = {
  run(ctx) {
    const change = { options: repeatOptions(ctx) };
    return Promise.all(Array.from({ length: REPEATS }, () => trial(ctx, 'repeat', change)));
  },
};

/**
 * A connect check (nothing to send, a client-first scheme) waits only a short settle for a
 * hang-up. Its repeats wait longer: a server that hangs up on accept only once a program has
 * started (socat EXEC, inetd) can take longer than the settle on a busy host, and a repeat that
 * stopped waiting first reads as a connection that worked, "a limit that comes and goes". Every
 * other probe is repeated as it ran: a banner wait (server-first schemes, the user's
 * --banner-timeout) already waited, and a probe with a request to send is answered or not.
 */
function repeatOptions(ctx: ExperimentContext): Partial<ProbeOptions> {
  // told from the options, not from the timeline's banner_wait: a reset that beat the connect
  // callback ended the first probe before it began its settle
  const { sendBytes, expect } = ctx.obs.options;
  if (ctx.options.bannerTimeoutMs !== null || !isConnectCheck(sendBytes, SCHEMES[ctx.target.scheme].speaksFirst, expect)) return {};
  const outcome = classify(ctx.obs);
  if (outcome !== 'closed_on_connect' && outcome !== 'reset_on_connect') return {};
  const settle = ctx.obs.events.find((e) => e.kind === 'banner_wait');
  const settleMs = settle?.kind === 'banner_wait' ? settle.limitMs : SETTLE_MIN_MS;
  const waitFrom = settle?.t ?? establishedEvent(ctx.obs)?.t ?? 0;
  const wanted = Math.max(WAIT_FLOOR_MS, Math.ceil(DELAY_MULTIPLE * (failureDelayMs(ctx.obs) ?? 0)));
  // the trial must end within the budget: one cut off by it says nothing (see concludeRepeat)
  const room = Math.floor(ctx.budgetMs - waitFrom - BUDGET_MARGIN_MS);
  const waitMs = Math.min(wanted, room);
  return waitMs > settleMs ? { bannerTimeoutMs: waitMs } : {};
}
