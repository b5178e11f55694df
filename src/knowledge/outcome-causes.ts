/**
 * Which causes an outcome points to, how strongly, and the evidence sentences that tie each to a
 * timeline; then the signals (facts computed from the timeline) that move a cause up or down.
 * Adding a cause to an outcome, or a new signal, is adding a row.
 *
 * Templates use {placeholders} filled from the observation (src/diagnose/facts.ts); a sentence
 * whose placeholder has no value for this timeline is left out, never printed half-filled.
 */
import type { Outcome } from '../shared/outcome.js';
import type { CauseId } from './causes.js';
import type { Template } from '../shared/template.js';

export interface CandidateCause {
  cause: CauseId;
  /** prior confidence for this outcome, 0..1 */
  weight: number;
  /** each entry is one sentence; an array entry lists alternatives, the first that fills is used */
  evidence: readonly Template[];
}

export const OUTCOME_CAUSES: Readonly<Record<Outcome, readonly CandidateCause[]>> = {
  ok: [],
  dns_failure: [
    {
      cause: 'dns_problem',
      weight: 0.9,
      evidence: [
        [
          'the name {host} resolved, but {familyMissing}: drop -{wantedFamily}, or publish an address of that family for it (an AAAA or A record, an /etc/hosts line)',
          'the name {host} did not resolve ({errorCode}): no packet left this machine',
        ],
      ],
    },
  ],
  refused: [
    {
      cause: 'nothing_listening',
      weight: 0.7,
      evidence: ['the connection to {remote} was refused {connectAnswer} after our SYN: the host is up, but nothing accepts on port {port}'],
    },
    {
      cause: 'firewall_intervention',
      weight: 0.3,
      evidence: [
        'a firewall REJECT rule answers with the same RST (or an ICMP port unreachable, which reads the same); a probe from the server\'s own network tells them apart: there the port answers if a firewall in between rejects',
        'a firewall closer to us than the server answers sooner than the round trip to the server: compare {connectAnswer} with the connect time of an open port on the same host',
      ],
    },
  ],
  unreachable: [
    { cause: 'routing_problem', weight: 0.65, evidence: ['the connect to {remote} failed with {errorCode} {connectAnswer} after our SYN: no route to the host'] },
    { cause: 'firewall_intervention', weight: 0.3, evidence: ['a firewall sending ICMP "administratively prohibited" looks the same'] },
  ],
  connect_timeout: [
    { cause: 'packet_filter_drop', weight: 0.6, evidence: ['our SYN to {remote} got no answer at all within {connectTimeout}: its packets are dropped on the way, or the host is down'] },
    { cause: 'routing_problem', weight: 0.3, evidence: ['a black-holed route or a dead host gives the same silence'] },
    { cause: 'connection_limit', weight: 0.2, evidence: ['a listener whose accept queue is full drops new SYNs silently too'] },
  ],
  reset_on_connect: [
    {
      cause: 'connection_limit',
      weight: 0.45,
      evidence: [
        [
          'the peer accepted the connection and reset it {afterConnect} later, before we sent a byte: it refuses this client, or is at its connection limit',
          'the peer completed the handshake and reset the connection {connectAnswer} after our SYN, before we sent a byte: it refuses this client, or is at its connection limit',
        ],
      ],
    },
    { cause: 'firewall_intervention', weight: 0.35, evidence: ['a proxy or firewall that completes the handshake and then rejects the flow resets the same way'] },
    { cause: 'server_crash_restart', weight: 0.25, evidence: ['a server that is shutting down resets what its listen queue still held'] },
    { cause: 'app_error_close', weight: 0.2, evidence: ['an application that aborts connections on accept (SO_LINGER 0) does this on purpose'] },
  ],
  closed_on_connect: [
    {
      cause: 'connection_limit',
      weight: 0.45,
      evidence: [
        [
          'the peer accepted the connection and closed it gracefully {afterConnect} later, before we sent anything',
          'the peer completed the handshake and closed the connection {connectAnswer} after our SYN, before we sent anything',
        ],
      ],
    },
    { cause: 'wrong_service_on_port', weight: 0.3, evidence: ['check which process owns port {port}: a service that expects another client closes at once'] },
    { cause: 'app_error_close', weight: 0.25, evidence: ['an application that rejects this client (allow-list, TLS-only, maintenance mode) closes at once'] },
  ],
  tls_failure: [
    { cause: 'tls_problem', weight: 0.55, evidence: ['the TLS handshake with {remote} failed {afterTlsStart} after it began: {tlsError}'] },
    { cause: 'protocol_mismatch', weight: 0.3, evidence: ['a port that does not speak TLS fails the handshake too; compare with {altTarget}'] },
    { cause: 'firewall_intervention', weight: 0.2, evidence: ['a firewall that filters on the TLS ClientHello (SNI) aborts handshakes it dislikes'] },
  ],
  // stopped before the probe could decide: nothing is concluded from a timeline cut short by us
  interrupted: [],
  tls_untrusted: [
    {
      cause: 'certificate_untrusted',
      weight: 0.9,
      evidence: [
        'the certificate {tlsSubject} (issuer {tlsIssuer}) did not verify: {tlsUntrusted}; a client that verifies certificates, as browsers, curl and most libraries do by default, refuses this server',
        'the certificate {tlsExpiry}',
      ],
    },
  ],
  reset_after_send: [
    {
      cause: 'app_error_close',
      weight: 0.5,
      evidence: ['the RST came {afterSend} after {sent}, with no reply: the service on this port rejected the request'],
    },
    { cause: 'protocol_mismatch', weight: 0.35, evidence: ['a service that cannot parse what we sent resets like this: is it speaking another protocol? try {altTarget}'] },
    { cause: 'wrong_service_on_port', weight: 0.25, evidence: ['check which process owns port {port}'] },
    { cause: 'firewall_intervention', weight: 0.2, evidence: ['an IPS or proxy that dislikes the content injects resets like this'] },
  ],
  closed_after_send: [
    {
      cause: 'app_error_close',
      weight: 0.45,
      evidence: ['the peer closed the connection gracefully {afterSend} after {sent}, without a byte of reply: the application gave up on the request'],
    },
    {
      cause: 'protocol_mismatch',
      weight: 0.4,
      evidence: ['a TLS server closes like this when it gets plain text (and a plain server when it gets a TLS ClientHello): try {altTarget}'],
    },
    { cause: 'wrong_service_on_port', weight: 0.25, evidence: ['check which process owns port {port}'] },
  ],
  no_reply: [
    {
      cause: 'server_slow_or_overloaded',
      weight: 0.5,
      evidence: ['we sent {sent} and not one byte came back within {replyTimeout}; the connection stayed open: the server is stuck, overloaded or waiting on something'],
    },
    {
      cause: 'protocol_mismatch',
      weight: 0.35,
      evidence: ['a server waiting for a different request (its own protocol, a TLS ClientHello, the end of a line) stays silent too: try {altTarget}'],
    },
    { cause: 'wrong_service_on_port', weight: 0.2, evidence: ['check which process owns port {port}'] },
  ],
  send_stalled: [
    {
      cause: 'server_slow_or_overloaded',
      weight: 0.6,
      evidence: ['the peer accepted the connection but stopped reading: its receive window stayed closed, and {intended} had still not been sent after {limit}'],
    },
    { cause: 'app_error_close', weight: 0.2, evidence: ['an application stuck in a bug (a deadlock, a blocked event loop) stops reading its sockets'] },
  ],
  reply_then_reset: [
    {
      cause: 'reset_after_reply',
      weight: 0.6,
      evidence: [
        [
          'the peer sent {reply} ({httpStatus}) and then reset the connection {afterReply} later instead of closing it: it closes sockets with unread data, or aborts them (SO_LINGER 0)',
          'the peer sent {reply} and then reset the connection {afterReply} later instead of closing it: it closes sockets with unread data, or aborts them (SO_LINGER 0)',
        ],
      ],
    },
    { cause: 'server_crash_restart', weight: 0.25, evidence: ['a worker that crashes right after answering resets its connections'] },
    { cause: 'firewall_intervention', weight: 0.15, evidence: ['a proxy or IPS that dislikes the reply can inject the RST'] },
  ],
  reply_then_close: [
    {
      cause: 'server_closes_after_reply',
      weight: 0.6,
      evidence: [
        [
          'the peer sent {reply} ({httpStatus}) and closed the connection gracefully {afterReply} later: it does not keep connections alive, so a pooled client must not reuse this one',
          'the peer sent {reply} and closed the connection gracefully {afterReply} later: it does not keep connections alive, so a pooled client must not reuse this one',
        ],
      ],
    },
    { cause: 'app_error_close', weight: 0.15, evidence: ['an application that closes after an error reply looks the same: read the reply ({replyPreview})'] },
    { cause: 'protocol_mismatch', weight: 0.1, evidence: ['a service answering in another protocol closes after its error: try {altTarget}'] },
  ],
  // the wire was fine; which cause leads comes from the status (the http_* signals below)
  http_5xx: [
    {
      cause: 'app_server_error',
      weight: 0.3,
      // its status sentence comes with the http_app_error signal; for 502/503/504 another cause leads
      evidence: [],
    },
  ],
  slow_reply: [
    {
      cause: 'server_slow_or_overloaded',
      weight: 0.7,
      evidence: [[
          'the reply trickled in: {replyBytes} in {replySpan}, and it had not reached the end of its headers when the read ended; a client with a read timeout gives up on it, one without waits as long as the server likes',
          'the reply trickled in: {replyBytes}, then nothing for longer than the probe waits between bytes, and it had not reached the end of its headers; a client with a read timeout gives up on it',
        ]],
    },
    { cause: 'firewall_intervention', weight: 0.1, evidence: ['a tarpit (a firewall that slows suspected scanners) trickles like this on purpose'] },
  ],
  expect_failed: [
    { cause: 'wrong_service_on_port', weight: 0.5, evidence: ['the reply did not match /{expect}/: it began {replyPreview}'] },
    { cause: 'app_error_close', weight: 0.3, evidence: ['an application error page or an error line answers instead of the expected reply'] },
  ],
  reset_while_idle: [
    {
      cause: 'server_idle_timeout',
      weight: 0.5,
      evidence: ['the peer reset the connection after {silence} of silence: its idle timeout is about {idleAbout}, and it aborts rather than closing; drop pooled connections (or send an application-level request, e.g. a PING) before {reconnectBefore} of silence: TCP keepalive does not reset a server\'s idle timer'],
    },
    {
      cause: 'middlebox_idle_timeout',
      weight: 0.4,
      evidence: ['a NAT, firewall or load balancer that resets idle flows (e.g. Azure Load Balancer with TCP reset on idle) sends the same RST; the server\'s logs would show no close'],
    },
    { cause: 'server_crash_restart', weight: 0.15, evidence: ['a server restarting during the idle hold resets its connections too'] },
  ],
  closed_while_idle: [
    {
      cause: 'server_idle_timeout',
      weight: 0.75,
      evidence: ['the server closed the connection gracefully after {silence} of silence: its idle timeout is about {idleAbout}; drop pooled connections (or send an application-level request, e.g. a PING) before {reconnectBefore} of silence: TCP keepalive does not reset a server\'s idle timer'],
    },
    {
      cause: 'wrote_after_peer_closed',
      weight: 0.35,
      evidence: ['a pooled client that reuses this connection after {idleAbout} of quiet writes into a closed socket: {resumeAnswer}'],
    },
    { cause: 'middlebox_idle_timeout', weight: 0.25, evidence: ['a load balancer in front of the server closes idle client connections the same way'] },
  ],
  reset_on_resume: [
    {
      cause: 'middlebox_idle_timeout',
      weight: 0.6,
      evidence: [
        'the connection stayed silent for {silence} with no FIN or RST, then our {sentResume} was answered with an RST {afterSend} later: something on the path had forgotten the connection, as a NAT gateway or firewall does when its idle timer expires',
        'that idle timeout is {silence} or less: send TCP keepalives more often than it fires; `connreset idle` against this target measures it and prints the keepalive setting for each stack',
      ],
    },
    { cause: 'server_idle_timeout', weight: 0.3, evidence: ['or the server dropped the connection without telling us (an idle reaper that does not send FIN)'] },
    { cause: 'server_crash_restart', weight: 0.25, evidence: ['a server restarted during the idle hold answers the old connection with an RST'] },
  ],
  timeout_on_resume: [
    {
      cause: 'middlebox_idle_timeout',
      weight: 0.6,
      evidence: [
        'after {silence} of silence our {sentResume} got no answer within {replyTimeout}: the connection\'s packets are dropped, as by a load balancer or firewall whose idle timer expired without telling either side',
        'that idle timeout is {silence} or less: send TCP keepalives more often than it fires; `connreset idle` against this target measures it and prints the keepalive setting for each stack',
      ],
    },
    { cause: 'packet_filter_drop', weight: 0.3, evidence: ['a firewall that dropped the flow\'s state discards its packets silently'] },
    { cause: 'server_slow_or_overloaded', weight: 0.2, evidence: ['or the server is stuck and no longer answers this connection'] },
  ],
  closed_on_resume: [
    { cause: 'server_idle_timeout', weight: 0.55, evidence: ['the peer closed the connection when we spoke again after {silence} of silence'] },
    { cause: 'wrote_after_peer_closed', weight: 0.3, evidence: ['a pooled client reusing a connection the server has given up on sees exactly this'] },
    { cause: 'middlebox_idle_timeout', weight: 0.2, evidence: ['a proxy whose idle timer expired closes the client side like this'] },
  ],
  reply_truncated: [
    {
      cause: 'server_crash_restart',
      weight: 0.45,
      evidence: [
        [
          'the reply announced {bodyFraming} but only {bodyGot} of body came before the peer {truncEnd}: the server (or its worker) died or was stopped mid-reply',
          'the reply announced {bodyFraming} but the peer {truncEnd} before the end of the body: the server (or its worker) died or was stopped mid-reply',
        ],
      ],
    },
    {
      cause: 'app_server_error',
      weight: 0.35,
      evidence: ['an application that fails while streaming its body (an exception after the headers went out, a wrong Content-Length) ends the reply early like this'],
    },
    { cause: 'upstream_reset', weight: 0.25, evidence: ['a proxy whose upstream broke off mid-body passes the cut on: the headers came, the rest never will'] },
    { cause: 'firewall_intervention', weight: 0.1, evidence: ['a proxy or IPS that cuts long transfers (a size or time limit) ends the body early too'] },
  ],
  error: [
    { cause: 'local_resource_exhaustion', weight: 0.25, evidence: ['the socket failed with {errorCode}: {errorMessage}'] },
    { cause: 'local_software_abort', weight: 0.2, evidence: ['the local host aborted the connection ({errorCode})'] },
  ],
};

/** Facts about one timeline that strengthen or weaken a cause, computed in src/diagnose/signals.ts. */
export const SIGNALS = [
  'reply_looks_tls_on_plain',
  'reply_says_https_port',
  'tls_peer_not_tls',
  'tls_alert',
  'tls_reset_after_hello',
  'idle_matches_known_middlebox',
  'idle_matches_known_server',
  'idle_round_seconds',
  'silent_client_timed_out',
  'reply_is_http_error',
  'http_upstream_reset',
  'http_upstream_unavailable',
  'http_upstream_timeout',
  'http_app_error',
  'reply_mentions_limit',
  'keepalive_was_on',
  'host_unreachable_at_once',
  'host_unreachable_after_arp',
  'failure_round_delay',
  // from follow-up experiments (src/diagnose/findings.ts)
  'exp_port_speaks_tls',
  'exp_port_not_tls',
  'exp_other_service',
  'exp_service_named',
  'exp_same_service',
  'exp_silent_service',
  'exp_repeat_timer',
  'exp_repeat_steady_delay',
  'exp_repeat_immediate',
  'exp_repeat_consistent',
  'exp_repeat_intermittent',
  'exp_repeat_varies',
  'exp_neutral_answered',
  'exp_neutral_fails_too',
  // from the locate experiment (src/knowledge/locate.ts names which one a verdict raises)
  'exp_located_server',
  'exp_located_middlebox',
  'exp_located_reject',
  'exp_located_payload_reset',
  'exp_located_state_expiry',
  'exp_located_drop',
] as const;

export type Signal = (typeof SIGNALS)[number];

export interface SignalRule {
  signal: Signal;
  cause: CauseId;
  /** added to the cause's confidence (negative lowers it) */
  delta: number;
  /** a sentence for the cause's evidence (or alternatives, the first whose facts exist), or null when the base evidence already says it */
  evidence: Template | null;
}

export const SIGNAL_RULES: readonly SignalRule[] = [
  {
    signal: 'reply_looks_tls_on_plain',
    cause: 'protocol_mismatch',
    delta: 0.7,
    evidence: 'the bytes that came back are a TLS record ({replyPreview}) although we sent plain text: this port speaks TLS; try {altTarget}',
  },
  {
    signal: 'reply_says_https_port',
    cause: 'protocol_mismatch',
    delta: 0.7,
    evidence: [
      'the reply says {replyTitle}: this port expects TLS; try {altTarget}',
      'the reply says {replyPreview}: this port expects TLS; try {altTarget}',
    ],
  },
  {
    signal: 'tls_peer_not_tls',
    cause: 'protocol_mismatch',
    delta: 0.6,
    evidence: 'the handshake failed with {tlsError}: the server answered our ClientHello with something that is not TLS (plain text or HTTP); this port does not speak TLS, try {altTarget}',
  },
  {
    signal: 'tls_alert',
    cause: 'tls_problem',
    delta: 0.3,
    evidence: 'the server refused our handshake with the TLS alert "{tlsAlert}": align TLS versions and ciphers, send SNI, or provide a client certificate',
  },
  {
    signal: 'tls_reset_after_hello',
    cause: 'firewall_intervention',
    delta: 0.15,
    evidence: 'the connection was reset {afterTlsStart} into the handshake, right after our ClientHello: a server that rejects our TLS offer, or a firewall filtering on SNI, does this',
  },
  {
    signal: 'idle_matches_known_middlebox',
    cause: 'middlebox_idle_timeout',
    delta: 0.45,
    evidence: '{silence} of silence matches the idle timeout of {knownIdle}',
  },
  {
    signal: 'idle_matches_known_server',
    cause: 'server_idle_timeout',
    delta: 0.2,
    evidence: '{silence} of silence matches {knownIdle}',
  },
  {
    signal: 'idle_round_seconds',
    cause: 'server_idle_timeout',
    delta: 0.05,
    evidence: 'the silence was a round {idleAbout}: a configured timeout, not a random failure',
  },
  // a limit turns a client away at once; a timer for a new client that says nothing (nginx
  // client_header_timeout, a database's authentication timeout) fires after a round delay
  {
    signal: 'silent_client_timed_out',
    cause: 'server_timer',
    delta: 0.55,
    evidence: 'the peer waited a round {afterConnect} for us to speak, then hung up: a server timer for new clients that send nothing (nginx client_header_timeout, a database\'s authentication timeout), not a connection limit, which turns clients away at once',
  },
  { signal: 'silent_client_timed_out', cause: 'connection_limit', delta: -0.2, evidence: null },
  {
    signal: 'reply_is_http_error',
    cause: 'app_error_close',
    delta: 0.25,
    evidence: [
      'the reply was an HTTP client error ({httpStatus}): the application rejected the request before closing',
      'the reply was an HTTP error ({replyPreview}): the application rejected the request before closing',
    ],
  },
  // An HTTP 5xx: the status (or the proxy's own error page) names the cause, the proxy's headers
  // name the proxy, and the sentences say where that proxy logs the reason. The status sentence
  // leads; the others follow in this order.
  ...upstreamRules('http_upstream_reset', 'upstream_reset', 0.85),
  {
    signal: 'http_upstream_reset',
    cause: 'upstream_keepalive_mismatch',
    delta: 0.35,
    evidence: 'if these errors come and go, mostly on the first request after a quiet spell, the upstream is closing idle connections that the proxy still reuses: {proxyKeepalive}',
  },
  { signal: 'http_upstream_reset', cause: 'app_server_error', delta: -0.3, evidence: null },
  ...upstreamRules('http_upstream_unavailable', 'upstream_unavailable', 0.75),
  {
    signal: 'http_upstream_unavailable',
    cause: 'upstream_unavailable',
    delta: 0,
    evidence: 'the reply says when to come back: Retry-After: {retryAfter}',
  },
  {
    signal: 'http_upstream_unavailable',
    cause: 'app_server_error',
    delta: -0.1,
    evidence: 'an application answers 503 itself while it starts, shuts down or misses a dependency (a health endpoint reports a failed check this way), and a proxy passes it on unchanged: read the application\'s log too',
  },
  ...upstreamRules('http_upstream_timeout', 'upstream_timeout', 0.8),
  {
    signal: 'http_upstream_timeout',
    cause: 'server_slow_or_overloaded',
    delta: 0.3,
    evidence: 'the answer took {httpAfter}: about how long the proxy waits for its upstream before giving up, so the upstream is slow or stuck; probe it directly with a long --reply-timeout to see how long it takes',
  },
  { signal: 'http_upstream_timeout', cause: 'app_server_error', delta: -0.3, evidence: null },
  { signal: 'http_app_error', cause: 'app_server_error', delta: 0.5, evidence: '{httpAnsweredBy} answered {httpStatus} {httpAfter} after {sent}: {httpMeaning}' },
  {
    signal: 'http_app_error',
    cause: 'app_server_error',
    delta: 0,
    evidence: 'the TCP connection to {remote} itself is fine ({connectionKept}): the failure is in the application; {proxyLog}',
  },
  {
    signal: 'reply_mentions_limit',
    cause: 'connection_limit',
    delta: 0.4,
    evidence: 'the peer said {replyPreview}: it is at a connection limit',
  },
  {
    signal: 'keepalive_was_on',
    cause: 'middlebox_idle_timeout',
    delta: -0.2,
    evidence: 'TCP keepalive was on (every {keepalive}), which keeps middlebox idle timers fresh: the server itself is the likelier culprit',
  },
  // Linux reports ICMP host unreachable and "administratively prohibited" alike (EHOSTUNREACH);
  // the timing still tells a rule from a dead host: a router looks for a host for ~3 s (ARP)
  // before it reports it unreachable, while a REJECT rule or an unreachable route answers at once
  {
    signal: 'host_unreachable_at_once',
    cause: 'firewall_intervention',
    delta: 0.4,
    evidence: 'the ICMP unreachable came {connectAnswer} after our SYN, at once: a rule answered, typically a firewall REJECT (firewalld rejects with icmp-host-prohibited) or an unreachable route, not a router looking for a host that is down; `tcpdump -n icmp` shows which (code 13 "admin prohibited filter", code 10 "host prohibited")',
  },
  {
    signal: 'host_unreachable_after_arp',
    cause: 'routing_problem',
    delta: 0.2,
    evidence: 'the ICMP host unreachable came {connectAnswer} after our SYN, about the 3 s a router spends resolving a neighbour (ARP) before giving up: the host is down, or nothing uses that address on its network',
  },
  {
    signal: 'failure_round_delay',
    cause: 'server_timer',
    delta: 0.5,
    evidence: 'the peer ended the connection a round {afterSend} after {sent}, without a reply: the mark of a timer (a server waiting for the rest of a request it took as incomplete, or giving up on answering it), not of an application that rejects the request at once',
  },
  { signal: 'failure_round_delay', cause: 'app_error_close', delta: -0.15, evidence: null },
  // Follow-up experiments (src/diagnose/findings.ts, docs/experiments.md). Their sentences start
  // with the experiment's name, so a reader sees what was tried and what it showed.
  {
    signal: 'exp_port_speaks_tls',
    cause: 'protocol_mismatch',
    delta: 0.75,
    evidence: 'service identification: this port speaks TLS ({serviceDetail}); {sent} in plain text cannot be understood there: use {altTarget}',
  },
  ...lowered('exp_port_speaks_tls', ['app_error_close', 'connection_limit', 'server_slow_or_overloaded', 'wrong_service_on_port', 'turned_away_by_policy'], 0.3),
  {
    signal: 'exp_port_not_tls',
    cause: 'protocol_mismatch',
    delta: 0.75,
    evidence: 'service identification: this port speaks {serviceName} without TLS ({serviceDetail}): use {altTarget}',
  },
  ...lowered('exp_port_not_tls', ['tls_problem', 'firewall_intervention'], 0.3),
  {
    signal: 'exp_other_service',
    cause: 'wrong_service_on_port',
    delta: 0.8,
    evidence: 'service identification: {serviceName} is listening on port {port} ({serviceDetail}), not {expectedService}: the client has the wrong port, or another service took it',
  },
  ...lowered('exp_other_service', ['app_error_close', 'connection_limit', 'server_slow_or_overloaded', 'turned_away_by_policy', 'protocol_mismatch'], 0.3),
  {
    signal: 'exp_service_named',
    cause: 'wrong_service_on_port',
    delta: 0.3,
    evidence: 'service identification: this port speaks {serviceName} ({serviceDetail}): make sure {sent} is meant for {serviceName}',
  },
  {
    signal: 'exp_same_service',
    cause: 'app_error_close',
    delta: 0,
    evidence: 'service identification: the port speaks {serviceName} as expected ({serviceDetail}): the right service answers, so look at what it did with this request',
  },
  ...lowered('exp_same_service', ['protocol_mismatch', 'wrong_service_on_port'], 0.3),
  {
    signal: 'exp_silent_service',
    cause: 'protocol_mismatch',
    delta: 0.1,
    evidence: 'service identification: {serviceDetail}, and no banner came: a silent, client-first service waiting for a protocol we did not try (or a filter that drops them all)',
  },
  {
    signal: 'exp_repeat_timer',
    cause: 'server_timer',
    delta: 0.85,
    evidence: [
      'repeated: {repeatSummary}: the same round {repeatDelay} every time is a timer, not a crash or a limit; timers that end connections like this: {timerCandidates}',
      'repeated: {repeatSummary}: the same round {repeatDelay} every time is a timer, not a crash or a limit',
    ],
  },
  ...lowered('exp_repeat_timer', ['connection_limit', 'app_error_close', 'content_filtering', 'server_crash_restart', 'turned_away_by_policy', 'protocol_mismatch', 'wrong_service_on_port'], 0.35),
  {
    signal: 'exp_repeat_steady_delay',
    cause: 'server_timer',
    delta: 0.45,
    evidence: 'repeated: {repeatSummary}: the same delay ({repeatDelay}) every time points to a timer',
  },
  {
    signal: 'exp_repeat_immediate',
    cause: 'turned_away_by_policy',
    delta: 0.75,
    evidence: 'repeated: {repeatSummary}: turned away at once, every time: a policy, not a limit (a limit lets some connections through and bites under load)',
  },
  ...lowered('exp_repeat_immediate', ['connection_limit', 'server_crash_restart'], 0.3),
  {
    signal: 'exp_repeat_consistent',
    cause: 'server_crash_restart',
    delta: -0.15,
    evidence: null,
  },
  { signal: 'exp_repeat_consistent', cause: 'connection_limit', delta: -0.15, evidence: null },
  {
    signal: 'exp_repeat_intermittent',
    cause: 'connection_limit',
    delta: 0.4,
    evidence: 'repeated: {repeatSummary}: it comes and goes ({kOfN} failed), the mark of a limit or an overload, not of a fixed rule',
  },
  { signal: 'exp_repeat_intermittent', cause: 'server_slow_or_overloaded', delta: 0.2, evidence: 'repeated: {repeatSummary}: the failures come and go with load' },
  ...lowered('exp_repeat_intermittent', ['turned_away_by_policy', 'server_timer', 'protocol_mismatch', 'wrong_service_on_port'], 0.35),
  {
    signal: 'exp_repeat_varies',
    cause: 'server_crash_restart',
    delta: 0.1,
    evidence: 'repeated: {repeatSummary}: it fails differently each time, as a server that is restarting or unstable does',
  },
  {
    signal: 'exp_neutral_answered',
    cause: 'content_filtering',
    delta: 0.8,
    evidence: 'payload differential: a neutral {neutralWhat} on a new connection was answered ({neutralAnswer}) while ours {ourFate}: something filters on the content of our request (an IPS, WAF, DPI box or a proxy rule), not the server as a whole; an application that hangs or aborts on this very request looks the same, its own log tells',
  },
  ...lowered('exp_neutral_answered', ['server_slow_or_overloaded', 'protocol_mismatch', 'wrong_service_on_port'], 0.35),
  { signal: 'exp_neutral_fails_too', cause: 'content_filtering', delta: -0.3, evidence: null },
  {
    signal: 'exp_neutral_fails_too',
    cause: 'server_slow_or_overloaded',
    delta: 0.05,
    evidence: 'payload differential: a neutral {neutralWhat} fails the same way, so it is not the content of our request',
  },
  // locate (src/probe/locate.ts): a sender named hop by hop. A middlebox's RST or drop is not the
  // server host's doing; the server's own RST clears the path. Measured in network namespaces
  // (docs/locate.md): iptables REJECT/DROP, -m string, conntrack INVALID after expiry.
  { signal: 'exp_located_reject', cause: 'firewall_intervention', delta: 0.6, evidence: 'locate: {locateSummary}' },
  { signal: 'exp_located_payload_reset', cause: 'firewall_intervention', delta: 0.5, evidence: 'locate: {locateSummary}' },
  { signal: 'exp_located_payload_reset', cause: 'content_filtering', delta: 0.5, evidence: 'locate: {locateSummary}' },
  { signal: 'exp_located_state_expiry', cause: 'middlebox_idle_timeout', delta: 0.6, evidence: 'locate: {locateSummary}' },
  { signal: 'exp_located_drop', cause: 'packet_filter_drop', delta: 0.6, evidence: 'locate: {locateSummary}' },
  { signal: 'exp_located_middlebox', cause: 'server_crash_restart', delta: -0.5, evidence: null },
  { signal: 'exp_located_middlebox', cause: 'app_error_close', delta: -0.5, evidence: null },
  { signal: 'exp_located_middlebox', cause: 'app_server_error', delta: -0.5, evidence: null },
  { signal: 'exp_located_middlebox', cause: 'server_idle_timeout', delta: -0.5, evidence: null },
  { signal: 'exp_located_middlebox', cause: 'nothing_listening', delta: -0.6, evidence: null },
  { signal: 'exp_located_middlebox', cause: 'connection_limit', delta: -0.4, evidence: null },
  { signal: 'exp_located_middlebox', cause: 'wrong_service_on_port', delta: -0.4, evidence: null },
  { signal: 'exp_located_middlebox', cause: 'server_slow_or_overloaded', delta: -0.4, evidence: null },
  { signal: 'exp_located_middlebox', cause: 'protocol_mismatch', delta: -0.3, evidence: null },
  // the server host sent it: a firewall ON that host (iptables REJECT there) still fits, a box on the path less so
  { signal: 'exp_located_server', cause: 'firewall_intervention', delta: -0.15, evidence: null },
  { signal: 'exp_located_server', cause: 'content_filtering', delta: -0.3, evidence: null },
  { signal: 'exp_located_server', cause: 'middlebox_idle_timeout', delta: -0.4, evidence: null },
  { signal: 'exp_located_server', cause: 'packet_filter_drop', delta: -0.2, evidence: null },
];

/** Rivals an experiment's finding makes less likely (no sentence: the finding's own sentence says why). */
function lowered(signal: Signal, causes: readonly CauseId[], by: number): SignalRule[] {
  return causes.map((cause) => ({ signal, cause, delta: -by, evidence: null }));
}

/** The sentences every upstream failure carries: the status and its meaning, the proxy's own page, the healthy hop, the log line to find. */
function upstreamRules(signal: Signal, cause: CauseId, delta: number): SignalRule[] {
  return [
    { signal, cause, delta, evidence: '{httpAnsweredBy} answered {httpStatus} {httpAfter} after {sent}: {httpMeaning}' },
    { signal, cause, delta: 0, evidence: 'its error page says {httpPage}' },
    {
      signal,
      cause,
      delta: 0,
      evidence: 'the TCP connection to {remote} itself is fine ({connectionKept}): what failed is behind it, between the proxy and its upstream',
    },
    { signal, cause, delta: 0, evidence: '{proxyLog}' },
  ];
}
