/**
 * Which follow-up experiment separates which likely causes, as data. After a failure, the
 * diagnosis looks at its top causes: a row runs when the outcome is one of its outcomes and at
 * least two of the top causes are among the causes it separates (the question it can answer).
 * Adding an experiment: a row here, a module in src/probe/experiments/ (registered in
 * registry.ts), its conclusions in src/diagnose/findings.ts.
 */
import type { Outcome } from '../shared/outcome.js';
import type { ExperimentId } from '../shared/experiment-ids.js';
import type { CauseId } from './causes.js';

/** Extra preconditions a row needs besides the outcome and the causes, checked by the planner. */
export type FollowupNeed =
  /** the failure came soon enough to repeat it within the follow-up budget */
  | 'fast_failure'
  /** a neutral payload of the same protocol exists that differs from what the user sent */
  | 'distinct_neutral'
  /** the handshake worked: we spoke, the peer said nothing useful */
  | 'connected';

export interface FollowupRow {
  experiment: ExperimentId;
  question: string;
  outcomes: readonly Outcome[];
  separates: readonly CauseId[];
  needs: readonly FollowupNeed[];
}

/** How many of the diagnosis's causes (from the top) the planner looks at. */
export const FOLLOWUP_TOP_CAUSES = 3;

export const FOLLOWUPS: readonly FollowupRow[] = [
  {
    experiment: 'service_id',
    question: 'which service answers on this port? (TLS ClientHello, HTTP GET /, PostgreSQL SSLRequest, Redis PING, a server-first banner)',
    outcomes: [
      'closed_on_connect',
      'reset_on_connect',
      'closed_after_send',
      'reset_after_send',
      'no_reply',
      'tls_failure',
      'reply_then_close',
      'reply_then_reset',
      'expect_failed',
    ],
    separates: [
      'protocol_mismatch',
      'wrong_service_on_port',
      'app_error_close',
      'tls_problem',
      'connection_limit',
      'server_slow_or_overloaded',
      'firewall_intervention',
      'server_closes_after_reply',
      'reset_after_reply',
      'server_crash_restart',
    ],
    needs: ['connected'],
  },
  {
    experiment: 'repeat',
    question: 'does the failure come back the same way, at the same delay? (a timer, a policy, or a limit that comes and goes)',
    outcomes: ['closed_on_connect', 'reset_on_connect', 'closed_after_send', 'reset_after_send', 'reply_then_reset'],
    separates: [
      'connection_limit',
      'app_error_close',
      'server_timer',
      'turned_away_by_policy',
      'server_crash_restart',
      'firewall_intervention',
      'wrong_service_on_port',
      'protocol_mismatch',
      'reset_after_reply',
    ],
    needs: ['connected', 'fast_failure'],
  },
  {
    experiment: 'neutral_payload',
    question: 'is a neutral request of the same protocol answered? (then the content of ours was filtered)',
    outcomes: ['no_reply', 'reset_after_send', 'closed_after_send'],
    separates: ['server_slow_or_overloaded', 'app_error_close', 'protocol_mismatch', 'content_filtering', 'firewall_intervention', 'wrong_service_on_port'],
    needs: ['connected', 'distinct_neutral'],
  },
];
