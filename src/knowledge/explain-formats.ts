/**
 * Proxies' and browsers' own codes, as data: Envoy's access-log response flags and stream reset
 * reasons, HAProxy's termination states, AWS load balancers' access-log fields, Chrome's net::ERR_*
 * errors. Each row says what the code means (with the exact source), the error it stands for, who
 * wrote it (side) and about whom (peer), the operation, and the causes that fit it, most likely
 * first. A FORMAT says where such codes appear in a pasted line. The message resolver only looks rows
 * up; adding a flag is adding a row. Patterns are linear (no nested quantifiers).
 */
import type { Operation } from './errors.js';
import type { ExplainCauseId } from './explain-causes.js';
import type { LogPeer, LogSide, Product } from './explain-log-perspectives.js';

export type FlagSystem = 'envoy-response-flag' | 'envoy-reset-reason' | 'haproxy-termination-state' | 'aws-elb-log' | 'chrome-net-error' | 'haproxy-check-status';

export interface FlagRow {
  code: string;
  /** the code's long name (Envoy's %RESPONSE_FLAGS_LONG%, Chromium's number) */
  name: string;
  meaning: string;
  /** the error connreset explains for it; null: the code alone names none (the line's other words decide) */
  error: string | null;
  operation?: Operation;
  side: LogSide;
  peer: LogPeer;
  causes: readonly ExplainCauseId[];
}

const ENVOY_FLAGS_DOC = 'https://www.envoyproxy.io/docs/envoy/latest/configuration/observability/access_log/usage (envoyproxy/envoy docs/root/configuration/observability/access_log/usage.rst, %RESPONSE_FLAGS%)';
const ENVOY_RESET_SRC = 'envoyproxy/envoy source/common/http/utility.cc (Utility::resetReasonToString)';
const HAPROXY_DOC = 'https://docs.haproxy.org/2.6/configuration.html#8.5 (Session state at disconnection; /usr/share/doc/haproxy/configuration.txt.gz)';
const ALB_DOC = 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html (HTTP 460, 502, 503, 504) and load-balancer-access-logs.html (fields)';
const ELB_DOC = 'https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/ts-elb-error-message.html (HTTP 502, 503, 504) and access-log-collection.html (-1 processing times)';
const CHROMIUM_SRC = 'chromium/src net/base/net_error_list.h';
const HAPROXY_CHECK_SRC = 'haproxy/haproxy src/check.c (check_statuses[], analyze_statuses[]); management.txt 9.1 (check_status: L4TOUT, L4CON, L6TOUT, L6RSP, L7TOUT, L7RSP, L7STS, SOCKERR)';

export const FLAG_SOURCES: Readonly<Record<FlagSystem, string>> = {
  'envoy-response-flag': ENVOY_FLAGS_DOC,
  'envoy-reset-reason': ENVOY_RESET_SRC,
  'haproxy-termination-state': HAPROXY_DOC,
  'aws-elb-log': `${ALB_DOC}; ${ELB_DOC}`,
  'chrome-net-error': CHROMIUM_SRC,
  'haproxy-check-status': HAPROXY_CHECK_SRC,
};

const UP = { side: 'proxy', peer: 'upstream' } as const;
const DOWN = { side: 'proxy', peer: 'client' } as const;

// ---------------------------------------------------------------- Envoy response flags (ENVOY_FLAGS_DOC)
export const ENVOY_RESPONSE_FLAGS: readonly FlagRow[] = [
  { code: 'UC', name: 'UpstreamConnectionTermination', meaning: 'Upstream connection termination in addition to 503 response code: the upstream closed (or reset) the connection before the response headers.', error: 'HTTP_503', operation: 'read', ...UP, causes: ['envoy_upstream_termination', 'upstream_keepalive_mismatch', 'server_crash_restart', 'protocol_mismatch'] },
  { code: 'UF', name: 'UpstreamConnectionFailure', meaning: 'Upstream connection failure in addition to 503 response code: Envoy could not connect to the upstream (refused, timed out, or the TLS handshake failed).', error: 'HTTP_503', operation: 'connect', ...UP, causes: ['nothing_listening', 'packet_filter_drop', 'tls_problem', 'server_crash_restart'] },
  { code: 'UH', name: 'NoHealthyUpstream', meaning: 'No healthy upstream hosts in upstream cluster in addition to 503 response code.', error: 'HTTP_503', ...UP, causes: ['upstream_unavailable', 'server_crash_restart'] },
  { code: 'UO', name: 'UpstreamOverflow', meaning: 'Upstream overflow (circuit breaking) in addition to 503 response code.', error: 'HTTP_503', ...UP, causes: ['connection_limit', 'upstream_unavailable', 'server_slow_or_overloaded'] },
  { code: 'URX', name: 'UpstreamRetryLimitExceeded', meaning: 'The request was rejected because the upstream retry limit (HTTP) or maximum connect attempts (TCP) was reached.', error: 'HTTP_503', ...UP, causes: ['nothing_listening', 'envoy_upstream_termination', 'server_crash_restart', 'upstream_unavailable'] },
  { code: 'UT', name: 'UpstreamRequestTimeout', meaning: 'Upstream request timeout in addition to 504 response code (the route timeout, 15 s by default).', error: 'HTTP_504', operation: 'read', ...UP, causes: ['upstream_timeout', 'server_slow_or_overloaded'] },
  { code: 'UR', name: 'UpstreamRemoteReset', meaning: 'Upstream remote reset in addition to 503 response code: the upstream reset the stream (HTTP/2 RST_STREAM) or the connection.', error: 'HTTP_503', operation: 'read', ...UP, causes: ['upstream_reset', 'app_error_close', 'protocol_mismatch', 'server_crash_restart'] },
  { code: 'LR', name: 'LocalReset', meaning: 'Connection local reset in addition to 503 response code: Envoy itself reset the stream (often a timeout or an upstream protocol error it detected).', error: 'HTTP_503', ...UP, causes: ['upstream_timeout', 'protocol_mismatch', 'envoy_upstream_termination'] },
  { code: 'DC', name: 'DownstreamConnectionTermination', meaning: 'Downstream connection termination: the client closed its connection to Envoy before the response was complete.', error: null, operation: 'read', ...DOWN, causes: ['client_gave_up', 'server_slow_or_overloaded', 'middlebox_idle_timeout'] },
  { code: 'NR', name: 'NoRouteFound', meaning: 'No route configured for a given request in addition to 404 response code, or no matching filter chain for a downstream connection.', error: null, ...UP, causes: ['wrong_service_on_port', 'protocol_mismatch'] },
  { code: 'UPE', name: 'UpstreamProtocolError', meaning: 'The upstream response had an HTTP protocol error.', error: 'HTTP_502', operation: 'read', ...UP, causes: ['protocol_mismatch', 'app_error_close'] },
  { code: 'DPE', name: 'DownstreamProtocolError', meaning: 'The downstream request had an HTTP protocol error.', error: null, ...DOWN, causes: ['protocol_mismatch', 'client_disconnected'] },
  { code: 'SI', name: 'StreamIdleTimeout', meaning: 'Stream idle timeout in addition to 408 or 504 response code (the stream sent and received nothing for stream_idle_timeout, 5 min by default).', error: 'HTTP_504', operation: 'read', ...UP, causes: ['upstream_timeout', 'server_slow_or_overloaded', 'client_slow_or_gone'] },
  { code: 'UMSDR', name: 'UpstreamMaxStreamDurationReached', meaning: 'The upstream request reached max stream duration.', error: 'HTTP_504', ...UP, causes: ['upstream_timeout', 'server_slow_or_overloaded'] },
  { code: 'LH', name: 'FailedLocalHealthCheck', meaning: 'Local service failed health check request in addition to 503 response code.', error: 'HTTP_503', ...UP, causes: ['upstream_unavailable', 'server_crash_restart'] },
  { code: 'RL', name: 'RateLimited', meaning: 'The request was rate-limited locally by the HTTP rate limit filter in addition to 429 response code.', error: null, ...DOWN, causes: ['connection_limit'] },
  { code: 'OM', name: 'OverloadManagerTerminated', meaning: 'Overload Manager terminated the request.', error: 'HTTP_503', ...UP, causes: ['connection_limit', 'local_resource_exhaustion'] },
  { code: 'DT', name: 'DurationTimeout', meaning: 'A request or connection exceeded max_connection_duration or max_downstream_connection_duration.', error: null, ...UP, causes: ['server_idle_timeout', 'upstream_timeout'] },
  { code: 'NC', name: 'NoClusterFound', meaning: 'Upstream cluster not found.', error: 'HTTP_503', ...UP, causes: ['upstream_unavailable', 'wrong_service_on_port'] },
];

// ---------------------------------------------------------------- Envoy stream reset reasons (ENVOY_RESET_SRC)
// In Envoy's local reply "upstream connect error or disconnect/reset before headers. reset reason: X"
// (sent with 503), and in response_code_details as upstream_reset_before_response_started{x}.
export const ENVOY_RESET_REASONS: readonly FlagRow[] = [
  { code: 'connection termination', name: 'ConnectionTermination', meaning: 'The upstream connection was closed (FIN or RST) while the request was waiting for its response headers.', error: 'HTTP_503', operation: 'read', ...UP, causes: ['envoy_upstream_termination', 'upstream_keepalive_mismatch', 'server_crash_restart', 'protocol_mismatch'] },
  { code: 'connection failure', name: 'ConnectionFailure', meaning: 'Envoy could not connect to the upstream (older Envoy; newer ones say local or remote connection failure).', error: 'HTTP_503', operation: 'connect', ...UP, causes: ['nothing_listening', 'packet_filter_drop', 'tls_problem', 'server_crash_restart'] },
  { code: 'remote connection failure', name: 'RemoteConnectionFailure', meaning: 'The connect to the upstream failed on the remote side (refused, reset or unreachable).', error: 'HTTP_503', operation: 'connect', ...UP, causes: ['nothing_listening', 'server_crash_restart', 'firewall_intervention', 'tls_problem'] },
  { code: 'local connection failure', name: 'LocalConnectionFailure', meaning: 'The connect to the upstream failed on Envoy\'s own side (no local address or port, a socket error).', error: 'HTTP_503', operation: 'connect', ...UP, causes: ['local_resource_exhaustion', 'routing_problem'] },
  { code: 'connection timeout', name: 'ConnectionTimeout', meaning: 'The connect to the upstream timed out (the cluster\'s connect_timeout, 5 s by default).', error: 'HTTP_503', operation: 'connect', ...UP, causes: ['packet_filter_drop', 'connection_limit', 'routing_problem'] },
  { code: 'remote reset', name: 'RemoteReset', meaning: 'The upstream reset the stream (HTTP/2 RST_STREAM) before the response headers.', error: 'HTTP_503', operation: 'read', ...UP, causes: ['upstream_reset', 'app_error_close', 'protocol_mismatch'] },
  { code: 'remote refused stream reset', name: 'RemoteRefusedStreamReset', meaning: 'The upstream refused the stream (HTTP/2 REFUSED_STREAM): it did not process the request, which can be retried.', error: 'HTTP_503', ...UP, causes: ['connection_limit', 'server_crash_restart'] },
  { code: 'local reset', name: 'LocalReset', meaning: 'Envoy reset the stream itself.', error: 'HTTP_503', ...UP, causes: ['upstream_timeout', 'protocol_mismatch'] },
  { code: 'local refused stream reset', name: 'LocalRefusedStreamReset', meaning: 'Envoy refused the stream itself (allowing a retry).', error: 'HTTP_503', ...UP, causes: ['connection_limit'] },
  { code: 'overflow', name: 'Overflow', meaning: 'A circuit breaker or pending-request limit overflowed.', error: 'HTTP_503', ...UP, causes: ['connection_limit', 'upstream_unavailable', 'server_slow_or_overloaded'] },
  { code: 'protocol error', name: 'ProtocolError', meaning: 'The upstream violated the HTTP protocol.', error: 'HTTP_502', ...UP, causes: ['protocol_mismatch', 'app_error_close'] },
  { code: 'overload manager reset', name: 'OverloadManager', meaning: 'Envoy\'s overload manager reset the stream.', error: 'HTTP_503', ...UP, causes: ['local_resource_exhaustion', 'connection_limit'] },
];

// ---------------------------------------------------------------- HAProxy termination states (HAPROXY_DOC)
// The first two characters of termination_state: who or what ended the session, and in which phase.
export const HAPROXY_STATES: readonly FlagRow[] = [
  { code: 'CC', name: 'client abort while connecting to the server', meaning: 'The client aborted before the connection could be established to the server (HAProxy was waiting for a dead or slow server, or for timeout connect).', error: null, operation: 'connect', ...DOWN, causes: ['client_gave_up', 'packet_filter_drop', 'server_crash_restart'] },
  { code: 'CD', name: 'client abort during data', meaning: 'The client unexpectedly aborted during data transfer (a browser crash, an intermediate equipment breaking the connection, routing issues between the client and HAProxy, or a keep-alive session closed first by the client).', error: 'EOF', operation: 'read', ...DOWN, causes: ['client_disconnected', 'middlebox_idle_timeout', 'client_gave_up'] },
  { code: 'cD', name: 'client timeout during data', meaning: 'The client did not send nor acknowledge any data for as long as "timeout client" (network failures on the client side, or the client leaving uncleanly).', error: 'ETIMEDOUT', operation: 'read', ...DOWN, causes: ['client_slow_or_gone', 'middlebox_idle_timeout'] },
  { code: 'CH', name: 'client abort while waiting for response headers', meaning: 'The client aborted while waiting for the server to start responding (a slow server, or a client that gave up).', error: 'EOF', operation: 'read', ...DOWN, causes: ['client_gave_up', 'server_slow_or_overloaded', 'upstream_timeout'] },
  { code: 'cH', name: 'client timeout while waiting for request body', meaning: '"timeout client" struck while waiting for client data during a POST request (MSS/MTU problems, or a client timeout shorter than the server timeout).', error: 'ETIMEDOUT', operation: 'read', ...DOWN, causes: ['client_slow_or_gone', 'middlebox_idle_timeout'] },
  { code: 'CQ', name: 'client abort while queued', meaning: 'The client aborted while its session was queued, waiting for a server slot (servers saturated or slow).', error: 'EOF', ...DOWN, causes: ['client_gave_up', 'connection_limit', 'server_slow_or_overloaded'] },
  { code: 'CR', name: 'client abort before a full request', meaning: 'The client aborted before sending a full HTTP request (status likely 400; browser pre-connects, or an IDS killing the connection).', error: 'EOF', operation: 'read', ...DOWN, causes: ['client_slow_or_gone', 'client_disconnected'] },
  { code: 'cR', name: 'http-request timeout', meaning: '"timeout http-request" struck before the client sent a full request (status likely 408; browser pre-connects that never send a request, MSS problems).', error: 'ETIMEDOUT', operation: 'read', ...DOWN, causes: ['client_slow_or_gone'] },
  { code: 'CT', name: 'client abort while tarpitted', meaning: 'The client aborted while its session was tarpitted.', error: null, ...DOWN, causes: ['client_gave_up'] },
  { code: 'LR', name: 'handled locally', meaning: 'The request was intercepted and handled locally by HAProxy (a redirect or a stats request).', error: null, ...DOWN, causes: ['client_gave_up'] },
  { code: 'SC', name: 'server refused the connection', meaning: 'The server or an equipment between it and HAProxy explicitly refused the TCP connection (an RST or an ICMP message came back; no route or no ARP answer too). Status likely 502 or 503.', error: 'ECONNREFUSED', operation: 'connect', ...UP, causes: ['nothing_listening', 'server_crash_restart', 'firewall_intervention', 'routing_problem'] },
  { code: 'sC', name: 'timeout connect', meaning: '"timeout connect" struck before a connection to the server could complete. Status likely 503 or 504.', error: 'ETIMEDOUT', operation: 'connect', ...UP, causes: ['packet_filter_drop', 'connection_limit', 'routing_problem', 'server_crash_restart'] },
  { code: 'SD', name: 'server died during data', meaning: 'The connection to the server died with an error during the data transfer: usually an RST from the server or an ICMP message from an intermediate equipment (a server crash or a network issue).', error: 'ECONNRESET', operation: 'read', ...UP, causes: ['server_crash_restart', 'upstream_reset', 'middlebox_idle_timeout', 'firewall_intervention'] },
  { code: 'sD', name: 'server timeout during data', meaning: 'The server did not send nor acknowledge any data for as long as "timeout server" during the data phase (often too short timeouts on L4 equipment before the server, or keep-alive sessions expiring first on HAProxy).', error: 'ETIMEDOUT', operation: 'read', ...UP, causes: ['middlebox_idle_timeout', 'server_slow_or_overloaded', 'upstream_timeout'] },
  { code: 'SH', name: 'server abort before full response headers', meaning: 'The server aborted before sending its full HTTP response headers, or it crashed while processing the request (sometimes an IDS killing the connection). Status 502.', error: 'HTTP_502', operation: 'read', ...UP, causes: ['server_crash_restart', 'app_error_close', 'upstream_keepalive_mismatch', 'firewall_intervention'] },
  { code: 'sH', name: 'timeout server before response headers', meaning: '"timeout server" struck before the server returned its response headers: too long transactions, server or database saturation. Status 504.', error: 'HTTP_504', operation: 'read', ...UP, causes: ['upstream_timeout', 'server_slow_or_overloaded'] },
  { code: 'sQ', name: 'queue timeout', meaning: 'The session spent too much time in the queue and expired ("timeout queue"): servers saturated (I/O or database congestion, or an attack). Status 503.', error: 'HTTP_503', ...UP, causes: ['connection_limit', 'server_slow_or_overloaded', 'upstream_unavailable'] },
  { code: 'PC', name: 'proxy socket limit', meaning: 'HAProxy refused to connect to the server because the process\'s socket limit was reached (global maxconn, ulimit-n).', error: 'HTTP_503', operation: 'connect', ...UP, causes: ['local_resource_exhaustion', 'connection_limit'] },
  { code: 'PH', name: 'proxy blocked the response', meaning: 'HAProxy blocked the server\'s response because it was invalid, incomplete, dangerous or matched a security filter: an HTTP 502 is sent.', error: 'HTTP_502', operation: 'read', ...UP, causes: ['protocol_mismatch', 'app_error_close'] },
  { code: 'PD', name: 'proxy blocked bad chunked data', meaning: 'HAProxy blocked an incorrectly formatted chunked message after the server sent its headers.', error: 'HTTP_502', operation: 'read', ...UP, causes: ['protocol_mismatch', 'app_error_close'] },
  { code: 'PR', name: 'proxy blocked the request', meaning: 'HAProxy blocked the client\'s request (invalid HTTP syntax: 400, or a deny rule: 403).', error: null, ...DOWN, causes: ['protocol_mismatch'] },
  { code: 'PT', name: 'proxy tarpitted the request', meaning: 'HAProxy blocked the client\'s request and tarpitted its connection before returning a 500.', error: null, ...DOWN, causes: ['firewall_intervention'] },
  { code: 'RC', name: 'local resource exhausted while connecting', meaning: 'A local resource (memory, sockets, source ports) was exhausted, preventing the connection to the server.', error: 'HTTP_503', operation: 'connect', ...UP, causes: ['local_resource_exhaustion'] },
  // first character only, for combinations the manual does not list
  { code: 'K', name: 'killed by an admin', meaning: 'The session was actively killed by an admin operating on HAProxy.', error: null, ...UP, causes: ['server_crash_restart'] },
  { code: 'D', name: 'killed: server marked down', meaning: 'The session was killed by HAProxy because the server was detected as down and was configured to kill all connections when going down.', error: null, ...UP, causes: ['server_crash_restart', 'upstream_unavailable'] },
  { code: 'U', name: 'killed: backup server while an active one came up', meaning: 'The session was killed on this backup server because an active server came up and was configured to kill backup connections.', error: null, ...UP, causes: ['server_crash_restart'] },
  { code: 'S', name: 'server abort', meaning: 'The TCP session was unexpectedly aborted by the server, or the server explicitly refused it.', error: 'ECONNRESET', ...UP, causes: ['server_crash_restart', 'upstream_reset', 'firewall_intervention'] },
  { code: 'C', name: 'client abort', meaning: 'The TCP session was unexpectedly aborted by the client.', error: 'EOF', ...DOWN, causes: ['client_disconnected', 'client_gave_up'] },
  { code: 's', name: 'server-side timeout', meaning: 'The server-side timeout expired while waiting for the server to send or receive data.', error: 'ETIMEDOUT', ...UP, causes: ['upstream_timeout', 'server_slow_or_overloaded', 'packet_filter_drop'] },
  { code: 'c', name: 'client-side timeout', meaning: 'The client-side timeout expired while waiting for the client to send or receive data.', error: 'ETIMEDOUT', ...DOWN, causes: ['client_slow_or_gone', 'middlebox_idle_timeout'] },
];

// ---------------------------------------------------------------- AWS load balancer access logs (ALB_DOC, ELB_DOC)
// Keys built by the format's key(): "<elb status> <target>" where target is "-" (the target sent
// no response), "target" (the target's own status, passed through) or, for the classic ELB, "-1"
// (the -1 processing times: the back end gave no usable response).
export const AWS_ELB_ROWS: readonly FlagRow[] = [
  { code: '502 -', name: 'ELB 502, no target response', meaning: 'The load balancer answered 502 itself: the target reset or closed the connection while the request was outstanding, refused the connection, failed the TLS handshake, or sent a malformed response.', error: 'HTTP_502', operation: 'read', ...UP, causes: ['lb_target_failure', 'upstream_keepalive_mismatch', 'server_crash_restart', 'nothing_listening'] },
  { code: '504 -', name: 'ELB 504, no target response', meaning: 'The load balancer answered 504 itself: it could not connect to the target within 10 s, or the target did not answer within the idle timeout (60 s by default).', error: 'HTTP_504', operation: 'read', ...UP, causes: ['upstream_timeout', 'lb_target_failure', 'packet_filter_drop'] },
  { code: '503 -', name: 'ELB 503, no target', meaning: 'The load balancer answered 503 itself: the target group has no registered (or no healthy) target.', error: 'HTTP_503', ...UP, causes: ['upstream_unavailable', 'lb_target_failure'] },
  { code: '460 -', name: 'ALB 460', meaning: 'The client closed the connection before the load balancer\'s idle timeout elapsed, while the request was in progress.', error: 'HTTP_460', ...DOWN, causes: ['client_gave_up', 'server_slow_or_overloaded'] },
  { code: '500 -', name: 'ELB 500', meaning: 'The load balancer itself failed the request (an internal error, or a rule or authentication action that failed).', error: null, ...UP, causes: ['lb_target_failure'] },
  { code: '504 -1', name: 'Classic ELB 504 with -1 times', meaning: 'The classic load balancer got no response from the back end: the instance closed the connection (its keep-alive timeout shorter than the ELB idle timeout) or did not answer within the idle timeout.', error: 'HTTP_504', operation: 'read', ...UP, causes: ['upstream_keepalive_mismatch', 'lb_target_failure', 'upstream_timeout'] },
  { code: '502 -1', name: 'Classic ELB 502 with -1 times', meaning: 'The classic load balancer got a reset, a closed connection or a malformed response from the back-end instance.', error: 'HTTP_502', operation: 'read', ...UP, causes: ['lb_target_failure', 'upstream_keepalive_mismatch', 'server_crash_restart'] },
  { code: '503 -1', name: 'Classic ELB 503 with -1 times', meaning: 'The classic load balancer had no healthy instance, or its surge queue was full.', error: 'HTTP_503', ...UP, causes: ['upstream_unavailable', 'connection_limit'] },
];

// ---------------------------------------------------------------- Chrome / Electron / Chromium embedders (CHROMIUM_SRC)
const BROWSER = { side: 'client', peer: 'server' } as const;
export const CHROME_NET_ERRORS: readonly FlagRow[] = [
  { code: 'ERR_CONNECTION_CLOSED', name: '-100', meaning: 'A connection was closed (corresponding to a TCP FIN).', error: 'EOF', operation: 'read', ...BROWSER, causes: ['server_idle_timeout', 'app_error_close', 'firewall_intervention', 'protocol_mismatch'] },
  { code: 'ERR_CONNECTION_RESET', name: '-101', meaning: 'A connection was reset (corresponding to a TCP RST).', error: 'ECONNRESET', ...BROWSER, causes: ['firewall_intervention', 'server_crash_restart', 'middlebox_idle_timeout', 'protocol_mismatch', 'app_error_close'] },
  { code: 'ERR_CONNECTION_REFUSED', name: '-102', meaning: 'A connection attempt was refused.', error: 'ECONNREFUSED', operation: 'connect', ...BROWSER, causes: ['nothing_listening', 'firewall_intervention', 'server_crash_restart'] },
  { code: 'ERR_CONNECTION_ABORTED', name: '-103', meaning: 'A connection timed out as a result of not receiving an ACK for data sent (this can include a FIN that did not get ACKed).', error: 'ECONNABORTED', ...BROWSER, causes: ['middlebox_idle_timeout', 'packet_filter_drop', 'local_software_abort'] },
  { code: 'ERR_CONNECTION_FAILED', name: '-104', meaning: 'A connection attempt failed.', error: 'ECONNREFUSED', operation: 'connect', ...BROWSER, causes: ['nothing_listening', 'firewall_intervention', 'routing_problem'] },
  { code: 'ERR_NAME_NOT_RESOLVED', name: '-105', meaning: 'The host name could not be resolved.', error: 'ENOTFOUND', operation: 'dns', ...BROWSER, causes: ['dns_problem'] },
  { code: 'ERR_INTERNET_DISCONNECTED', name: '-106', meaning: 'The Internet connection has been lost.', error: 'ENETDOWN', ...BROWSER, causes: ['routing_problem', 'local_resource_exhaustion'] },
  { code: 'ERR_SSL_PROTOCOL_ERROR', name: '-107', meaning: 'An SSL protocol error occurred.', error: 'EPROTO', operation: 'tls_handshake', ...BROWSER, causes: ['protocol_mismatch', 'tls_problem', 'firewall_intervention'] },
  { code: 'ERR_ADDRESS_UNREACHABLE', name: '-109', meaning: 'The IP address is unreachable: usually no route to the host or network.', error: 'EHOSTUNREACH', operation: 'connect', ...BROWSER, causes: ['routing_problem', 'firewall_intervention'] },
  { code: 'ERR_TUNNEL_CONNECTION_FAILED', name: '-111', meaning: 'A tunnel connection through the proxy could not be established.', error: 'ECONNREFUSED', operation: 'connect', ...BROWSER, causes: ['firewall_intervention', 'nothing_listening'] },
  { code: 'ERR_SSL_VERSION_OR_CIPHER_MISMATCH', name: '-113', meaning: 'The client and server don\'t support a common SSL protocol version or cipher suite.', error: 'EPROTO', operation: 'tls_handshake', ...BROWSER, causes: ['tls_problem', 'protocol_mismatch'] },
  { code: 'ERR_CONNECTION_TIMED_OUT', name: '-118', meaning: 'A connection attempt timed out.', error: 'ETIMEDOUT', operation: 'connect', ...BROWSER, causes: ['packet_filter_drop', 'routing_problem', 'connection_limit'] },
  { code: 'ERR_PROXY_CONNECTION_FAILED', name: '-130', meaning: 'Could not create a connection to the proxy server (resolving its name or connecting to it failed).', error: 'ECONNREFUSED', operation: 'connect', ...BROWSER, causes: ['nothing_listening', 'dns_problem', 'firewall_intervention'] },
  { code: 'ERR_NAME_RESOLUTION_FAILED', name: '-137', meaning: 'An error occurred when trying to do a name resolution (DNS).', error: 'EAI_AGAIN', operation: 'dns', ...BROWSER, causes: ['dns_problem', 'routing_problem'] },
  { code: 'ERR_NETWORK_ACCESS_DENIED', name: '-138', meaning: 'Permission to access the network was denied (most likely a firewall).', error: 'ECONNREFUSED', operation: 'connect', ...BROWSER, causes: ['firewall_intervention'] },
  { code: 'ERR_TIMED_OUT', name: '-7', meaning: 'An operation timed out.', error: 'ETIMEDOUT', ...BROWSER, causes: ['packet_filter_drop', 'server_slow_or_overloaded', 'middlebox_idle_timeout'] },
  { code: 'ERR_NETWORK_CHANGED', name: '-21', meaning: 'The network changed (a new address, Wi-Fi or VPN switch) and connections were dropped.', error: 'ECONNABORTED', ...BROWSER, causes: ['routing_problem', 'local_software_abort'] },
  { code: 'ERR_SOCKET_NOT_CONNECTED', name: '-15', meaning: 'The socket is not connected.', error: 'ENOTCONN', ...BROWSER, causes: ['server_crash_restart', 'wrote_after_peer_closed'] },
  { code: 'ERR_EMPTY_RESPONSE', name: '-324', meaning: 'The server closed the connection without sending any data.', error: 'EOF', operation: 'read', ...BROWSER, causes: ['app_error_close', 'server_idle_timeout', 'protocol_mismatch', 'server_crash_restart'] },
  { code: 'ERR_CONTENT_LENGTH_MISMATCH', name: '-354', meaning: 'The response body transferred fewer bytes than the Content-Length header advertised when the connection was closed.', error: 'EOF', operation: 'read', ...BROWSER, causes: ['app_error_close', 'upstream_timeout', 'server_crash_restart'] },
  { code: 'ERR_INCOMPLETE_CHUNKED_ENCODING', name: '-355', meaning: 'The chunked response\'s terminating zero-length chunk was never sent when the connection was closed.', error: 'EOF', operation: 'read', ...BROWSER, causes: ['app_error_close', 'upstream_timeout', 'server_crash_restart'] },
  { code: 'ERR_RESPONSE_HEADERS_TRUNCATED', name: '-357', meaning: 'The HTTP headers were truncated by an EOF.', error: 'EOF', operation: 'read', ...BROWSER, causes: ['app_error_close', 'server_crash_restart'] },
  { code: 'ERR_HTTP2_PROTOCOL_ERROR', name: '-337', meaning: 'There is an HTTP/2 protocol error (often a stream reset by a proxy or server in front).', error: 'ECONNRESET', operation: 'read', ...BROWSER, causes: ['upstream_reset', 'protocol_mismatch', 'firewall_intervention'] },
  { code: 'ERR_SPDY_PROTOCOL_ERROR', name: '-337', meaning: 'There is an HTTP/2 (SPDY) protocol error (the older name of ERR_HTTP2_PROTOCOL_ERROR).', error: 'ECONNRESET', operation: 'read', ...BROWSER, causes: ['upstream_reset', 'protocol_mismatch', 'firewall_intervention'] },
  { code: 'ERR_QUIC_PROTOCOL_ERROR', name: '-356', meaning: 'There is a QUIC protocol error (often UDP 443 blocked or mangled on the path).', error: 'ECONNRESET', ...BROWSER, causes: ['firewall_intervention', 'protocol_mismatch'] },
];

// ---------------------------------------------------------------- HAProxy health checks (HAPROXY_CHECK_SRC)
// "Server bk/srv is DOWN, reason: Layer4 connection problem, info: ...", "Health check for server bk/srv
// failed, reason: Layer4 timeout, ...", the stats page's check_status (L4CON, L7STS/500) and the
// "observe" analysis ("Detected 10 consecutive errors, last one was: L4 unsuccessful connection").
// HAProxy wrote these about a SERVER (its upstream) that failed HAProxy's own check; clients then get
// 503 "No server is available to handle this request" once no server is left.
export const HAPROXY_CHECK_STATUSES: readonly FlagRow[] = [
  { code: 'L4TOUT', name: 'Layer4 timeout', meaning: 'The health check\'s TCP connect to the server got no answer within "timeout check" (or "timeout connect"): SYNs dropped by a firewall or security group, the server down or unreachable, or its accept queue full.', error: 'ETIMEDOUT', operation: 'connect', ...UP, causes: ['packet_filter_drop', 'server_crash_restart', 'routing_problem', 'connection_limit'] },
  { code: 'L4CON', name: 'Layer4 connection problem', meaning: 'The health check\'s TCP connect to the server failed at layers 1-4, for example "Connection refused" (a TCP RST: nothing listening on the port) or "No route to host" (ICMP).', error: 'ECONNREFUSED', operation: 'connect', ...UP, causes: ['nothing_listening', 'server_crash_restart', 'firewall_intervention', 'routing_problem'] },
  { code: 'L6TOUT', name: 'Layer6 timeout', meaning: 'The health check\'s SSL/TLS handshake with the server did not complete in time.', error: 'ETIMEDOUT', operation: 'tls_handshake', ...UP, causes: ['tls_problem', 'server_slow_or_overloaded', 'packet_filter_drop'] },
  { code: 'L6RSP', name: 'Layer6 invalid response', meaning: 'The health check\'s SSL/TLS handshake with the server failed (a protocol error: the server does not speak TLS on that port, or no common version or cipher).', error: 'EPROTO', operation: 'tls_handshake', ...UP, causes: ['tls_problem', 'protocol_mismatch', 'wrong_service_on_port'] },
  { code: 'L7TOUT', name: 'Layer7 timeout', meaning: 'The server accepted the health check\'s connection but did not answer the check request (HTTP, SMTP, a tcp-check expect) within "timeout check".', error: 'ETIMEDOUT', operation: 'read', ...UP, causes: ['server_slow_or_overloaded', 'upstream_timeout', 'packet_filter_drop'] },
  { code: 'L7RSP', name: 'Layer7 invalid response', meaning: 'The server answered the health check with an invalid response (a protocol error), or closed the connection without one ("got an empty response").', error: 'EPROTO', operation: 'read', ...UP, causes: ['protocol_mismatch', 'wrong_service_on_port', 'app_error_close'] },
  { code: 'L7STS', name: 'Layer7 wrong status', meaning: 'The server answered the HTTP health check with a status the check does not accept (for example 404 for a wrong check path, or 5xx from the application): HAProxy takes the server out of rotation, and clients get 503 once no server is left.', error: 'HTTP_503', operation: 'read', ...UP, causes: ['upstream_unavailable', 'app_server_error', 'wrong_service_on_port'] },
  { code: 'SOCKERR', name: 'Socket error', meaning: 'HAProxy could not even create or set up the check\'s socket (a local error: file descriptors, source ports, a bad source address).', error: null, ...UP, causes: ['local_resource_exhaustion', 'routing_problem'] },
  // "observe layer4|layer7" on live traffic (analyze_statuses[]): after error-limit consecutive errors the server is marked DOWN
  { code: 'L4 unsuccessful connection', name: 'Health analyze: L4 unsuccessful connection', meaning: 'Live traffic to the server kept failing to connect (observe layer4), so HAProxy marked the server DOWN.', error: 'ECONNREFUSED', operation: 'connect', ...UP, causes: ['nothing_listening', 'server_crash_restart', 'packet_filter_drop', 'firewall_intervention'] },
  { code: 'Read error (http)', name: 'Health analyze: Read error (http)', meaning: 'Reading the server\'s HTTP response on live traffic failed (observe layer7): usually a reset from the server.', error: 'ECONNRESET', operation: 'read', ...UP, causes: ['server_crash_restart', 'upstream_reset', 'upstream_keepalive_mismatch'] },
  { code: 'Read timeout (http)', name: 'Health analyze: Read timeout (http)', meaning: 'The server\'s HTTP response on live traffic did not come before "timeout server" (observe layer7).', error: 'ETIMEDOUT', operation: 'read', ...UP, causes: ['upstream_timeout', 'server_slow_or_overloaded'] },
  { code: 'Close from server (http)', name: 'Health analyze: Close from server (http)', meaning: 'The server closed the connection before its HTTP response on live traffic (observe layer7).', error: 'EOF', operation: 'read', ...UP, causes: ['upstream_keepalive_mismatch', 'server_crash_restart', 'app_error_close'] },
  { code: 'Invalid http response', name: 'Health analyze: Invalid http response', meaning: 'The server\'s HTTP response on live traffic was invalid (observe layer7); the client got 502.', error: 'HTTP_502', operation: 'read', ...UP, causes: ['protocol_mismatch', 'app_error_close'] },
  { code: 'Invalid http response (headers)', name: 'Health analyze: Invalid http response (headers)', meaning: 'The server\'s HTTP response headers on live traffic were invalid (observe layer7); the client got 502.', error: 'HTTP_502', operation: 'read', ...UP, causes: ['protocol_mismatch', 'app_error_close'] },
  { code: 'Wrong http response', name: 'Health analyze: Wrong http response', meaning: 'The server kept answering live traffic with 5xx statuses (observe layer7), so HAProxy marked it DOWN.', error: null, ...UP, causes: ['app_server_error', 'server_slow_or_overloaded'] },
];
/** check_statuses[] descriptions (as logged after "reason: ") to their check_status codes */
const HAPROXY_CHECK_BY_DESCRIPTION: Readonly<Record<string, string>> = Object.fromEntries(HAPROXY_CHECK_STATUSES.map((r) => [r.name, r.code]));

// ---------------------------------------------------------------- AWS: a 5xx the target itself answered (ALB_DOC, ELB_DOC)
// elb_status_code and target_status_code both 5xx: the load balancer passed the target's own status
// through ("If the elb_status_code is 502 and the target_status_code is 502, then your target is the
// source", AWS knowledge center elb-alb-troubleshoot-502-errors). The application (or a proxy inside
// the target) failed the request; the connection between the load balancer and the target was fine.
export const AWS_ELB_TARGET_ROWS: readonly FlagRow[] = [
  { code: '500 target', name: 'target answered 500', meaning: 'The target itself answered 500 and the load balancer passed it through (elb_status_code and target_status_code both 500).', error: null, ...UP, causes: ['app_server_error'] },
  { code: '502 target', name: 'target answered 502', meaning: 'The target itself answered 502 and the load balancer passed it through: a proxy running on the target (nginx, a sidecar) could not reach the application behind it.', error: 'HTTP_502', ...UP, causes: ['app_server_error', 'upstream_unavailable', 'nothing_listening'] },
  { code: '503 target', name: 'target answered 503', meaning: 'The target itself answered 503 and the load balancer passed it through: the application (or a proxy on the target) reported itself unavailable or overloaded.', error: 'HTTP_503', ...UP, causes: ['app_server_error', 'server_slow_or_overloaded', 'upstream_unavailable'] },
  { code: '504 target', name: 'target answered 504', meaning: 'The target itself answered 504 and the load balancer passed it through: a proxy on the target timed out waiting for the application behind it.', error: 'HTTP_504', ...UP, causes: ['upstream_timeout', 'server_slow_or_overloaded', 'app_server_error'] },
];

/** Where the codes appear. key() turns a match into table codes (several for "UF,URX"). */
export interface FlagFormat {
  system: FlagSystem;
  product: Product;
  re: RegExp;
  rows: readonly FlagRow[];
  key: (m: RegExpExecArray) => string[];
  /** lower-case words of which the line must contain one before the pattern runs (skips compiling it for most lines) */
  hint: readonly string[];
  /** whether the line's endpoint is worth probing: an access log's first address is the client's */
  probe: 'none' | 'any';
  /** how strongly a row's error counts (default: a specific text); below an explicit errno where the code only describes the errno's effect */
  weight?: number;
}

const g1 = (m: RegExpExecArray): string[] => (m[1] ? [m[1]] : []);
const flagList = (m: RegExpExecArray): string[] => (m[1] ?? '').split(',').filter((f) => f !== '-' && f !== '');
const envoyFlagCodes = ENVOY_RESPONSE_FLAGS.map((r) => r.code).sort((a, b) => b.length - a.length).join('|');
const envoyLongNames = ENVOY_RESPONSE_FLAGS.map((r) => r.name).join('|');
const resetReasons = ENVOY_RESET_REASONS.map((r) => r.code).sort((a, b) => b.length - a.length).join('|');
const haproxyState = (m: RegExpExecArray): string[] => {
  const s = m[1] ?? '';
  const two = s.slice(0, 2);
  if (two === '--' || two.length < 2) return [];
  return HAPROXY_STATES.some((r) => r.code === two) ? [two] : [s.slice(0, 1)];
};
const haproxyCheckCode = (m: RegExpExecArray): string[] => {
  const code = HAPROXY_CHECK_BY_DESCRIPTION[m[1] ?? m[2] ?? ''];
  return code ? [code] : [];
};
const elbTarget = (elb: string | undefined, target: string | undefined): string[] => (elb && target === '-' ? [`${elb} -`] : []);

export const FLAG_FORMATS: readonly FlagFormat[] = [
  // Envoy's default access-log format: [START_TIME] "METHOD PATH PROTOCOL" RESPONSE_CODE RESPONSE_FLAGS ...
  { system: 'envoy-response-flag', product: 'envoy', hint: ['" '], re: /"[A-Z]{3,10} [^"\s]{1,4096} [A-Z0-9./-]{1,12}" \d{1,3} ([A-Z]{2,5}(?:,[A-Z]{2,5}){0,8}) /g, rows: ENVOY_RESPONSE_FLAGS, key: flagList, probe: 'none' },
  // JSON or key=value access logs (Istio's JSON format: "response_flags":"UF,URX")
  { system: 'envoy-response-flag', product: 'envoy', hint: ['response_flags'], re: /response_flags["']?\s{0,3}[:=|]\s{0,3}["']?([A-Z]{2,5}(?:,[A-Z]{2,5}){0,8})/gi, rows: ENVOY_RESPONSE_FLAGS, key: (m) => flagList(m).map((f) => f.toUpperCase()), probe: 'none' },
  // prose and dashboards: "503 UC", "503 UF,URX", "response flag UC"
  { system: 'envoy-response-flag', product: 'envoy', hint: [' uc', ' uf', ' uh', ' uo', ' urx', ' ut', ' ur', ' lr', ' dc', ' nr', ' upe', ' dpe', ' si', ' umsdr', ' lh', ' rl', ' om', ' dt', ' nc'], re: new RegExp(String.raw`\b(?:50[234]|404|408|429|0) ((?:${envoyFlagCodes})(?:,(?:${envoyFlagCodes})){0,8})\b`, 'g'), rows: ENVOY_RESPONSE_FLAGS, key: flagList, probe: 'none' },
  { system: 'envoy-response-flag', product: 'envoy', hint: ['response flag'], re: new RegExp(String.raw`\bresponse flags? (?:of |is |was )?["'(]?(${envoyFlagCodes})\b`, 'gi'), rows: ENVOY_RESPONSE_FLAGS, key: (m) => [(m[1] ?? '').toUpperCase()], probe: 'none' },
  { system: 'envoy-response-flag', product: 'envoy', hint: ['upstream', 'downstream', 'route', 'health', 'ratelimit', 'overload', 'cluster', 'duration', 'localreset'], re: new RegExp(String.raw`\b(${envoyLongNames})\b`, 'g'), rows: ENVOY_RESPONSE_FLAGS, key: (m) => ENVOY_RESPONSE_FLAGS.filter((r) => r.name === m[1]).map((r) => r.code), probe: 'none' },
  // a reset reason describes what an errno or TLS error after it caused: that error, when present, outranks it
  { system: 'envoy-reset-reason', product: 'envoy', hint: ['reset reason'], re: new RegExp(String.raw`reset reason: (${resetReasons})\b`, 'g'), rows: ENVOY_RESET_REASONS, key: g1, probe: 'none', weight: 5 },
  // response_code_details: upstream_reset_before_response_started{connection_termination}
  { system: 'envoy-reset-reason', product: 'envoy', hint: ['upstream_reset_'], re: /upstream_reset_(?:before|after)_response_started\{([a-z_]{3,40})/g, rows: ENVOY_RESET_REASONS, key: (m) => [(m[1] ?? '').replaceAll('_', ' ')], probe: 'none', weight: 5 },
  // HAProxy HTTP and TCP logs: the state comes just before actconn/feconn/beconn/srv_conn/retries and srv_queue/backend_queue
  { system: 'haproxy-termination-state', product: 'haproxy', hint: ['/'], re: /\s([A-Za-z-]{2}(?:[A-Za-z-]{2})?) \d{1,7}\/\d{1,7}\/\d{1,7}\/\d{1,7}\/\+?\d{1,4} \d{1,7}\/\d{1,7}\b/g, rows: HAPROXY_STATES, key: haproxyState, probe: 'none' },
  // prose: "502 with SH-- errors", "lots of cD-- in the logs" (the 4-character HTTP form is distinctive enough)
  { system: 'haproxy-termination-state', product: 'haproxy', hint: ['--'], re: /(?<![A-Za-z0-9-])([CSPRIDUKLcs][RQCHDLT])--(?![A-Za-z0-9-])/g, rows: HAPROXY_STATES, key: haproxyState, probe: 'none' },
  // prose: "terminations with status `sD`", "termination state cD"
  { system: 'haproxy-termination-state', product: 'haproxy', hint: ['status', 'state', 'flag'], re: /\b(?:state|status|flags?)\s{1,3}[`'"]?([CSPRIDUKLcs][RQCHDLT])(?:--)?[`'"]?(?![A-Za-z0-9-])/g, rows: HAPROXY_STATES, key: haproxyState, probe: 'none' },
  { system: 'haproxy-termination-state', product: 'haproxy', hint: ['termination'], re: /termination[_ ]state["']?\s{0,3}[:= ]\s{0,3}["']?([A-Za-z-]{2,4})\b/gi, rows: HAPROXY_STATES, key: haproxyState, probe: 'none' },
  // a bare state as the whole input ("SD--", "sH")
  { system: 'haproxy-termination-state', product: 'haproxy', hint: [''], re: /^\s{0,20}([CSPRIDUKLcs][RQCHDLT](?:[NIDVEOU-][NIUPRD-])?)\s{0,20}$/g, rows: HAPROXY_STATES, key: haproxyState, probe: 'none' },
  // ALB: type time elb client:port target:port request target response elb_status target_status ...
  { system: 'aws-elb-log', product: 'aws_alb', hint: [' app/'], re: /(?:^|\s)(?:https?|h2|grpcs?|wss?) \S{10,40} app\/\S{1,200} \S{1,60} (?:\S{1,60}) -?[\d.]{1,12} -?[\d.]{1,12} -?[\d.]{1,12} (\d{3}|-) (\d{3}|-) /g, rows: AWS_ELB_ROWS, key: (m) => elbTarget(m[1], m[2]), probe: 'none' },
  // classic ELB: time elb client:port backend:port request backend response elb_status backend_status ...
  {
    system: 'aws-elb-log',
    product: 'aws_elb',
    hint: ['z '],
    re: /(?:^|\s)\d{4}-\d\d-\d\dT[\d:.]{8,16}Z [A-Za-z0-9-]{1,64} [\d.:[\]a-f]{7,60} (?:[\d.:[\]a-f]{7,60}|-) (-?[\d.]{1,12}) (-?[\d.]{1,12}) (-?[\d.]{1,12}) (\d{3}) (\d{1,3}|-) /g,
    rows: AWS_ELB_ROWS,
    key: (m) => (m[1] === '-1' && m[2] === '-1' && m[3] === '-1' ? [`${m[4]} -1`] : elbTarget(m[4], m[5])),
    probe: 'none',
  },
  { system: 'chrome-net-error', product: 'chrome', hint: ['err_'], re: /(?<![A-Za-z0-9_])(?:net::)?(ERR_[A-Z0-9_]{3,50})\b/g, rows: CHROME_NET_ERRORS, key: g1, probe: 'any' },
  // HAProxy health checks: "reason: Layer4 timeout" (a DOWN or failed-check line), the stats page's last check
  // ("Layer4 connection problem: Connection refused") and `show stat`'s check_desc; an errno in the check's info
  // ("Connection refused") outranks the status
  { system: 'haproxy-check-status', product: 'haproxy', hint: ['layer4 ', 'layer6 ', 'layer7 ', 'reason: socket error'], re: /\b(?:reason: (Socket error)|(Layer[467] (?:timeout|connection problem|invalid response|wrong status)))\b/g, rows: HAPROXY_CHECK_STATUSES, key: haproxyCheckCode, probe: 'none', weight: 5 },
  // "Detected 10 consecutive errors, last one was: L4 unsuccessful connection" (observe), and the stats page's check_status ("DOWN L7STS/302 in 10ms")
  { system: 'haproxy-check-status', product: 'haproxy', hint: ['last one was'], re: /\blast one was: (L4 unsuccessful connection|Wrong http response|Invalid http response(?: \(headers\))?|Read error \(http\)|Read timeout \(http\)|Close from server \(http\))/g, rows: HAPROXY_CHECK_STATUSES, key: g1, probe: 'none', weight: 5 },
  { system: 'haproxy-check-status', product: 'haproxy', hint: ['l4tout', 'l4con', 'l6tout', 'l6rsp', 'l7tout', 'l7rsp', 'l7sts', 'sockerr'], re: /\b(L4TOUT|L4CON|L6TOUT|L6RSP|L7TOUT|L7RSP|L7STS|SOCKERR)\b/g, rows: HAPROXY_CHECK_STATUSES, key: g1, probe: 'none', weight: 5 },
  // the target's own 5xx passed through (ALB: elb_status_code target_status_code; classic: elb_status_code backend_status_code)
  { system: 'aws-elb-log', product: 'aws_alb', hint: [' app/'], re: /(?:^|\s)(?:https?|h2|grpcs?|wss?) \S{10,40} app\/\S{1,200} \S{1,60} \S{1,60} -?[\d.]{1,12} -?[\d.]{1,12} -?[\d.]{1,12} (5\d\d) (5\d\d) /g, rows: AWS_ELB_TARGET_ROWS, key: (m) => (m[1] === m[2] ? [`${m[1]} target`] : []), probe: 'none' },
  { system: 'aws-elb-log', product: 'aws_elb', hint: ['z '], re: /(?:^|\s)\d{4}-\d\d-\d\dT[\d:.]{8,16}Z [A-Za-z0-9-]{1,64} [\d.:[\]a-f]{7,60} [\d.:[\]a-f]{7,60} [\d.]{1,12} [\d.]{1,12} [\d.]{1,12} (5\d\d) (5\d\d) /g, rows: AWS_ELB_TARGET_ROWS, key: (m) => (m[1] === m[2] ? [`${m[1]} target`] : []), probe: 'none' },
];
