/**
 * Causes that only `explain` ranks: they come from what a pasted line says about its context (an
 * sshd before authentication, a database server's log about its client, a Kafka client, Envoy, an
 * AWS load balancer, a UDP socket on Windows), not from anything a probe observes. Kept beside the
 * shared table (causes.ts) so that the probe's diagnosis and this table grow without touching each
 * other; explainCauseById() reads both. Adding a cause is adding a row.
 */
import { CAUSES, type Cause, type CauseId } from './causes.js';

export const EXPLAIN_CAUSE_IDS = [
  'ssh_preauth_limit',
  'client_disconnected',
  'db_idle_timeout',
  'kafka_broker_unreachable',
  'envoy_upstream_termination',
  'lb_target_failure',
  'udp_port_unreachable',
  'client_gave_up',
] as const;

export type ExplainOnlyCauseId = (typeof EXPLAIN_CAUSE_IDS)[number];
/** Every cause explain can rank: the shared ones and its own. */
export type ExplainCauseId = CauseId | ExplainOnlyCauseId;

interface ExplainCause extends Omit<Cause, 'id'> {
  id: ExplainOnlyCauseId;
}

export const EXPLAIN_CAUSES: Readonly<Record<ExplainOnlyCauseId, ExplainCause>> = {
  // sshd's own pre-authentication limits (man sshd_config: MaxStartups "10:30:100" by default,
  // LoginGraceTime 120 s), fail2ban's ban actions and TCP wrappers (hosts.allow / hosts.deny) all
  // close or reset the connection before sshd sends its banner: the client reports
  // kex_exchange_identification / ssh_exchange_identification.
  ssh_preauth_limit: {
    id: 'ssh_preauth_limit',
    title: 'sshd (or something guarding it) closed the connection before the SSH banner: MaxStartups, fail2ban, TCP wrappers or a firewall',
    summary:
      'The TCP connection opened, but the SSH server side dropped it before sending its identification string. sshd does this itself when too many connections are still unauthenticated (MaxStartups, 10:30:100 by default: from 10 pending connections on, it drops 30 % of new ones, all of them at 100) or when TCP wrappers deny the client (hosts.deny); fail2ban and firewalls ban an address that failed too often; a bastion, load balancer or port-knocking daemon in front may close it too.',
    howToTell: [
      'On the server: `journalctl -u ssh -u sshd` (or /var/log/auth.log) around the time: `drop connection #N from [ADDRESS]:PORT on [ADDRESS]:22 past MaxStartups`, `refused connect from ADDRESS` (TCP wrappers), or nothing at all (a firewall or fail2ban ban happened before sshd).',
      '`fail2ban-client status sshd` lists banned addresses; `grep ADDRESS /etc/hosts.deny`.',
      'It comes in bursts when many connections open at once (Ansible forks, CI jobs, parallel scp), or only from one address after failed logins.',
    ],
    remediation: [
      'Raise sshd\'s MaxStartups (e.g. `MaxStartups 100:30:200`) and reload sshd, or lower the client\'s parallelism (Ansible `forks`, ControlMaster/ControlPersist to reuse one connection).',
      'Unban the address (`fail2ban-client set sshd unbanip ADDRESS`) and add it to fail2ban\'s ignoreip if it is a trusted automation host.',
      'Check /etc/hosts.allow and /etc/hosts.deny, and the firewall or security group in front of port 22.',
    ],
  },
  client_disconnected: {
    id: 'client_disconnected',
    title: 'The client went away (this is the server\'s log about its client)',
    summary:
      'The line was written by the server (a database, sshd, a broker) about the program that connected to it. That client closed or reset the connection without the protocol\'s goodbye: it crashed or was killed, its own timeout fired and it dropped the socket, a connection pool discarded the connection, or a NAT, firewall or load balancer between them dropped the idle connection. The server was not at fault.',
    howToTell: [
      'Match the time and the client address in the line with the client\'s own logs: a restart, a deploy, a timeout or an exception there at the same moment.',
      'Many such lines at regular intervals from one address point to a pool or a middlebox closing idle connections (compare the interval with the pool\'s idle timeout and the middlebox\'s).',
    ],
    remediation: [
      'Close connections cleanly in the client (return them to the pool, call close() on shutdown), so the server sees a goodbye instead of a reset.',
      'If a middlebox drops idle connections, enable TCP keepalive below its idle timeout on the client (or on the server: PostgreSQL tcp_keepalives_idle, MySQL has none) or shorten the pool\'s idle timeout.',
      'An occasional line at client restarts is harmless.',
    ],
  },
  // PostgreSQL: idle_in_transaction_session_timeout (9.6+), idle_session_timeout (14+)
  // (https://www.postgresql.org/docs/current/runtime-config-client.html); MySQL: wait_timeout,
  // interactive_timeout (28800 s by default) (https://dev.mysql.com/doc/refman/8.0/en/server-system-variables.html#sysvar_wait_timeout).
  db_idle_timeout: {
    id: 'db_idle_timeout',
    title: 'The database closed an idle session (idle or idle-in-transaction timeout)',
    summary:
      'Databases end sessions that sit idle too long: PostgreSQL after idle_in_transaction_session_timeout (a transaction left open without a statement) or idle_session_timeout, MySQL after wait_timeout / interactive_timeout (8 hours by default, often lowered), PgBouncer after server_idle_timeout or client_idle_timeout. The client learns of it on its next statement: "server closed the connection unexpectedly", "MySQL server has gone away", "Lost connection", or a reset.',
    howToTell: [
      'The server\'s log says so: PostgreSQL `FATAL: terminating connection due to idle-in-transaction timeout` (or `idle-session timeout`), MySQL `Aborted connection N to db: ... (Got timeout reading communication packets)`.',
      'Read the timeouts: PostgreSQL `SHOW idle_in_transaction_session_timeout; SHOW idle_session_timeout;`, MySQL `SHOW VARIABLES LIKE \'%_timeout\';`.',
      'The failures come on the first statement after a quiet period, or after code that opened a transaction and waited (a slow HTTP call inside a transaction).',
    ],
    remediation: [
      'Do not hold a transaction open while waiting for something else: commit or roll back before slow work.',
      'Make the connection pool retire idle connections before the database does (HikariCP maxLifetime / idleTimeout, SQLAlchemy pool_recycle and pool_pre_ping, pgx MaxConnIdleTime), or validate connections on checkout.',
      'Or raise the database timeout where the idle sessions are legitimate.',
    ],
  },
  // Kafka clients first connect to a bootstrap broker, then to the addresses the brokers ADVERTISE
  // (advertised.listeners); org.apache.kafka.clients.NetworkClient logs "Connection to node N (...)
  // could not be established. Broker may not be available." when a connect to one of them fails.
  kafka_broker_unreachable: {
    id: 'kafka_broker_unreachable',
    title: 'The Kafka broker is not reachable at the address it advertises (broker down, or advertised.listeners wrong)',
    summary:
      'A Kafka client connects to the bootstrap address, gets the cluster metadata, and then connects to each broker at the address that broker ADVERTISES (advertised.listeners). If a broker is down, or advertises a name or port the client cannot reach (localhost, a container hostname, an internal address, the wrong listener for TLS/SASL), every connection to it fails: "Connection to node N (...) could not be established. Broker may not be available", or a disconnect right after connecting.',
    howToTell: [
      'Compare the address in the line (node N (HOST:PORT)) with the bootstrap address you configured: a different host (localhost, a container name, 127.0.0.1) means advertised.listeners is wrong for this client.',
      'Probe that exact address from the client\'s host: `connreset probe HOST:PORT`.',
      'A disconnect right after connecting, with the broker up, points to a listener speaking another protocol (SSL or SASL where the client sends PLAINTEXT, or the other way round).',
    ],
    remediation: [
      'Set advertised.listeners on each broker to an address clients can resolve and reach (with a separate listener per network: internal, external, Docker host), and listener.security.protocol.map to match.',
      'Make the client\'s security.protocol / sasl.mechanism match the listener it connects to.',
      'If the broker is down, bring it back; clients retry with reconnect.backoff.ms on their own.',
    ],
  },
  // Envoy: "UC: Upstream connection termination in addition to 503 response code" (access-log
  // response flags, https://www.envoyproxy.io/docs/envoy/latest/configuration/observability/access_log/usage);
  // reset reason "connection termination" (envoyproxy/envoy source/common/http/utility.cc, resetReasonToString).
  envoy_upstream_termination: {
    id: 'envoy_upstream_termination',
    title: 'The upstream closed the connection Envoy was using (Envoy: upstream connection termination, 503 UC)',
    summary:
      'Envoy had sent the request on a connection to the upstream, and that connection was closed (FIN or RST) before the response headers came. Most often the upstream closed an idle pooled connection just as Envoy reused it (the upstream\'s keep-alive timeout is shorter than Envoy\'s idle_timeout for the cluster, 1 hour by default); otherwise the upstream crashed, restarted or was scaled down mid-request, or it speaks another protocol than Envoy expects (HTTP/1.1 against HTTP/2, TLS against plain).',
    howToTell: [
      'The access log shows `503 UC` (or the page `upstream connect error or disconnect/reset before headers. reset reason: connection termination`); rare, and after quiet periods: keep-alive mismatch. Every request: protocol mismatch or a crashing upstream.',
      'Measure the upstream\'s idle timeout: `connreset idle http://UPSTREAM:PORT/` and compare with the cluster\'s common_http_protocol_options.idle_timeout.',
      'In Istio, check the DestinationRule (h2UpgradePolicy, connectionPool.http.idleTimeout) and the port name or appProtocol (http vs http2 vs tcp).',
    ],
    remediation: [
      'Make Envoy drop idle upstream connections before the upstream does: cluster common_http_protocol_options.idle_timeout (Istio: DestinationRule trafficPolicy.connectionPool.http.idleTimeout) below the upstream\'s keep-alive timeout; or raise the upstream\'s keep-alive timeout.',
      'Let Envoy retry: retry_on `reset,connect-failure` (Istio retries 503s twice by default for idempotent requests).',
      'If every request fails, fix the protocol: declare the port\'s protocol correctly (Istio port name http/http2/grpc, appProtocol) and the TLS mode of the upstream.',
    ],
  },
  // AWS: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html
  // (HTTP 502, 503, 504), https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/ts-elb-error-message.html
  lb_target_failure: {
    id: 'lb_target_failure',
    title: 'The load balancer\'s target failed the request (reset, closed, refused or never answered)',
    summary:
      'The AWS load balancer itself answered: its connection to the target (the instance, pod or IP behind it) failed. For 502 the target reset or closed the connection while the request was outstanding, refused the connection, failed the TLS handshake or sent a malformed response; for 504 the target did not accept the connection within 10 s or did not answer within the idle timeout; for 503 the target group had no healthy registered target. In a classic ELB access log, -1 for the processing times means the load balancer got no usable response from the back end.',
    howToTell: [
      'The access log line has the load balancer\'s status (elb_status_code) and `-` for the target\'s status (target_status_code): the target sent no response. target_processing_time -1 means the request never completed at the target.',
      'CloudWatch: HTTPCode_ELB_502_Count / HTTPCode_ELB_504_Count rise, HTTPCode_Target_5XX_Count does not; TargetConnectionErrorCount and UnHealthyHostCount show connection failures and unhealthy targets.',
      'Sporadic 502s, after quiet periods: the target\'s keep-alive timeout is shorter than the load balancer\'s idle timeout (60 s by default): Node\'s default is 5 s.',
    ],
    remediation: [
      'Set the target\'s keep-alive (idle) timeout ABOVE the load balancer\'s idle timeout: Node `server.keepAliveTimeout = 65000` (and headersTimeout above it), gunicorn `--keep-alive 75`, nginx `keepalive_timeout 75s`, Apache `KeepAliveTimeout 75`.',
      'Check target health and the security group / network ACL between the load balancer and the targets (ephemeral ports back to the load balancer).',
      'For 504s, find what makes the target slow, or raise the load balancer\'s idle timeout above the target\'s real response time.',
      'Deregister targets with a deregistration delay before stopping them, so in-flight requests finish.',
    ],
  },
  // https://learn.microsoft.com/en-us/windows/win32/winsock/winsock-ioctls (SIO_UDP_CONNRESET):
  // "the ICMP Port Unreachable message ... will result in WSAECONNRESET on the next recvfrom".
  udp_port_unreachable: {
    id: 'udp_port_unreachable',
    title: 'An earlier UDP datagram drew an ICMP port-unreachable (Windows reports it as WSAECONNRESET 10054)',
    summary:
      'UDP has no connection to reset. On Windows, when a datagram you sent reaches a host where nothing listens on that UDP port, the host answers with ICMP port-unreachable, and Winsock reports it on the socket\'s NEXT receive as WSAECONNRESET (10054): "An existing connection was forcibly closed by the remote host". The socket is still usable.',
    howToTell: [
      'The error comes from a UDP socket (UdpClient.Receive / EndReceive, Socket.ReceiveFrom, recvfrom, asyncio DatagramProtocol.error_received) right after sending to a peer that is not (or no longer) listening.',
      'On the peer: is the process listening on that UDP port (`ss -lunp` / `netstat -anu`)? A capture on the sender shows ICMP "port unreachable" coming back.',
    ],
    remediation: [
      'Ignore the error and keep receiving: the socket is fine; or turn the behaviour off with the SIO_UDP_CONNRESET ioctl (C#: `socket.IOControl(-1744830452 /* SIO_UDP_CONNRESET */, new byte[] { 0 }, null)`).',
      'Make sure the peer listens before you send to it, and drop peers that have gone away from your send list.',
    ],
  },
  // nginx 499 (client closed request, ngx_http_request.h NGX_HTTP_CLIENT_CLOSED_REQUEST), ALB 460,
  // HAProxy CH / CQ / CC, Envoy DC: the client closed its connection before the reply came.
  client_gave_up: {
    id: 'client_gave_up',
    title: 'The client gave up waiting and closed the connection before the reply (the reply was too slow for the client\'s timeout)',
    summary:
      'The proxy or server was still working on the request (or waiting for its upstream) when the client closed its connection: the client\'s own timeout fired first, the user navigated away or cancelled, or a health check or load balancer in front has a shorter timeout. The status is recorded by the proxy (nginx 499, ALB 460, HAProxy CH / CQ / CC, Envoy DC); the client itself saw a timeout, not an error from the server.',
    howToTell: [
      'The request time in the access log (nginx $request_time, ALB request/target processing times, HAProxy Ta / Tr, Envoy DURATION) is close to a timeout of the client or of something in front of the proxy (30 s, 60 s).',
      'The upstream\'s own latency for that request: a slow upstream makes clients give up.',
    ],
    remediation: [
      'Make the slow request faster (its upstream, database query, or move long work to a background job) or raise the client\'s timeout above the real latency.',
      'Align the timeouts along the path: each hop\'s timeout should be longer than the next hop\'s, the client\'s the longest.',
      'nginx `proxy_ignore_client_abort on` lets the upstream finish work the client abandoned (for non-idempotent requests).',
    ],
  },
};

export interface ExplainCauseRow extends Omit<Cause, 'id'> {
  id: ExplainCauseId;
}

export function explainCauseById(id: ExplainCauseId): ExplainCauseRow {
  return (EXPLAIN_CAUSES as Readonly<Record<string, ExplainCause>>)[id] ?? CAUSES[id as CauseId];
}
