/**
 * What the locate experiment's verdict means, as data: which kind of middlebox an answer from the
 * path fits (by what answered and in which phase), and how the ranked causes move once the sender
 * is known. Facts behind the rows: docs/locate.md and /work/shared/reference/locating-resets.md
 * (measured in network namespaces: iptables REJECT --reject-with tcp-reset, -m string, conntrack
 * INVALID after expiry).
 */
import type { LocateAnswer, MiddleboxKind, Sender } from '../diagnose/locate-types.js';
import type { Phase } from '../diagnose/observation.js';
import type { CauseId } from './causes.js';

export interface MiddleboxKindInfo {
  /** words for "a middlebox reset this connection: <what>" */
  what: string;
  /** the cause this kind of middlebox is, moved to the top of the ranking */
  cause: CauseId;
}

export const MIDDLEBOX_KINDS: Readonly<Record<MiddleboxKind, MiddleboxKindInfo>> = {
  // iptables -j REJECT --reject-with tcp-reset on a SYN; cloud network ACLs that reject
  firewall_reject: { what: 'a firewall rejecting the connection', cause: 'firewall_intervention' },
  // the handshake passed, the request drew the RST: a rule that reads payloads (IPS, DPI, content filter; -m string)
  ips_payload: { what: 'an IPS or content filter resetting on the payload', cause: 'firewall_intervention' },
  // NAT gateways and stateful firewalls answer a packet of a forgotten connection with an RST (conntrack INVALID → tcp-reset)
  conntrack_expiry: { what: 'a NAT or stateful firewall that forgot the idle connection (conntrack expiry)', cause: 'middlebox_idle_timeout' },
  firewall_drop: { what: 'a firewall silently dropping the connection', cause: 'packet_filter_drop' },
  payload_drop: { what: 'a filter silently dropping the payload', cause: 'packet_filter_drop' },
  // many cloud load balancers and firewalls drop (not reset) packets of an expired connection
  state_expiry_drop: { what: 'a NAT or stateful firewall that forgot the idle connection and drops its packets', cause: 'middlebox_idle_timeout' },
  proxy_close: { what: 'a proxy or load balancer closing the connection for the server', cause: 'firewall_intervention' },
};

/** Which kind of middlebox an answer in a phase fits; the first matching row wins. */
export const KIND_BY_ANSWER: readonly { answer: LocateAnswer; phases: readonly Phase[]; kind: MiddleboxKind }[] = [
  { answer: 'reset', phases: ['connect'], kind: 'firewall_reject' },
  { answer: 'reset', phases: ['resume', 'idle'], kind: 'conntrack_expiry' },
  { answer: 'reset', phases: ['tls', 'banner', 'send', 'reply'], kind: 'ips_payload' },
  { answer: 'silence', phases: ['connect'], kind: 'firewall_drop' },
  { answer: 'silence', phases: ['resume', 'idle'], kind: 'state_expiry_drop' },
  { answer: 'silence', phases: ['tls', 'banner', 'send', 'reply'], kind: 'payload_drop' },
  { answer: 'fin', phases: ['connect', 'tls', 'banner', 'send', 'reply', 'resume', 'idle'], kind: 'proxy_close' },
];

/**
 * How the ranking moves on a verdict: causes whose sender is the server host itself lose most of
 * their weight when a middlebox sent the answer (an RST forged on the path is not a crash or an
 * application error), and the path's causes lose weight when the server's own kernel sent it.
 * Confidence factors, applied to the diagnosis's confidences before re-sorting.
 */
export const SENDER_RERANK: Readonly<Record<Exclude<Sender, 'unknown'>, { demote: readonly CauseId[]; factor: number }>> = {
  middlebox: {
    demote: [
      'server_crash_restart',
      'app_error_close',
      'app_server_error',
      'server_idle_timeout',
      'nothing_listening',
      'connection_limit',
      'wrong_service_on_port',
      'server_slow_or_overloaded',
      'server_closes_after_reply',
    ],
    factor: 0.3,
  },
  server: { demote: ['firewall_intervention', 'middlebox_idle_timeout', 'packet_filter_drop'], factor: 0.4 },
};

/** The confidence a middlebox cause gets when locate named the middlebox (it stays below certainty: paths can be asymmetric). */
export const LOCATED_CAUSE_CONFIDENCE = 0.9;
