/**
 * What the locate experiment's verdict means, as data: which kind of middlebox an answer from the
 * path fits (by what answered and in which phase), and how the ranked causes move once the sender
 * is known. Facts behind the rows: docs/locate.md and /work/shared/reference/locating-resets.md
 * (measured in network namespaces: iptables REJECT --reject-with tcp-reset, -m string, conntrack
 * INVALID after expiry).
 */
import type { LocateAnswer, MiddleboxKind, Sender } from '../shared/locate-kinds.js';
import type { Phase } from '../shared/phases.js';
import type { Signal } from './outcome-causes.js';

export interface MiddleboxKindInfo {
  /** words for "a middlebox reset this connection: <what>" */
  what: string;
  /** the signal a verdict of this kind raises (its rows in SIGNAL_RULES, src/knowledge/outcome-causes.ts, move the causes) */
  signal: Signal;
}

export const MIDDLEBOX_KINDS: Readonly<Record<MiddleboxKind, MiddleboxKindInfo>> = {
  // iptables -j REJECT --reject-with tcp-reset on a SYN; cloud network ACLs that reject
  firewall_reject: { what: 'a firewall rejecting the connection', signal: 'exp_located_reject' },
  // the handshake passed, the request drew the RST: a rule that reads payloads (IPS, DPI, content filter; -m string)
  ips_payload: { what: 'an IPS or content filter resetting on the payload', signal: 'exp_located_payload_reset' },
  // NAT gateways and stateful firewalls answer a packet of a forgotten connection with an RST (conntrack INVALID → tcp-reset)
  conntrack_expiry: { what: 'a NAT or stateful firewall that forgot the idle connection (conntrack expiry)', signal: 'exp_located_state_expiry' },
  firewall_drop: { what: 'a firewall silently dropping the connection', signal: 'exp_located_drop' },
  payload_drop: { what: 'a filter silently dropping the payload', signal: 'exp_located_drop' },
  // many cloud load balancers and firewalls drop (not reset) packets of an expired connection
  state_expiry_drop: { what: 'a NAT or stateful firewall that forgot the idle connection and drops its packets', signal: 'exp_located_state_expiry' },
  proxy_close: { what: 'a proxy or load balancer closing the connection for the server', signal: 'exp_located_reject' },
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

/** The signal every verdict with a named sender raises besides its kind's (demotions, SIGNAL_RULES). */
export const SENDER_SIGNALS: Readonly<Record<Exclude<Sender, 'unknown'>, Signal>> = {
  middlebox: 'exp_located_middlebox',
  server: 'exp_located_server',
};
