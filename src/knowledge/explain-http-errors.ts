/**
 * HTTP statuses that a proxy or load balancer answers for a connection problem one hop further,
 * as explain's error rows: `connreset explain 502`, a pasted `HTTP/1.1 502 Bad Gateway`, an access
 * log's status. The network error happened between the proxy and its upstream (or the client), so
 * these rows carry no errno; the line's context (which proxy, which flag) ranks the causes.
 * One row per status, built from the table below; each meaning has its source beside it.
 */
import type { ExplainCauseId } from './explain-causes.js';
import type { ErrorEntry } from './errors.js';

interface HttpStatusErrorRow {
  status: number;
  reason: string;
  meaning: string;
  /** who sends it: a gateway's own status, a Cloudflare edge code, a proxy's log-only code */
  sender: string;
  causes: ExplainCauseId[];
}

const ROWS: readonly HttpStatusErrorRow[] = [
  // nginx: NGX_HTTP_CLIENT_CLOSED_REQUEST 499 (nginx/nginx src/http/ngx_http_request.h), written to the access log only
  {
    status: 499,
    reason: 'Client Closed Request',
    meaning: 'nginx\'s access-log code for a request whose client closed the connection before nginx answered (no reply was sent).',
    sender: 'nginx writes it to its access log; no client ever receives it',
    causes: ['client_gave_up', 'upstream_timeout', 'server_slow_or_overloaded', 'client_slow_or_gone'],
  },
  // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html (HTTP 460)
  {
    status: 460,
    reason: 'Client Closed Connection (AWS ALB)',
    meaning: 'An AWS Application Load Balancer\'s access-log code: the client closed its connection before the load balancer\'s idle timeout elapsed, while the request was in progress.',
    sender: 'an AWS ALB writes it to its access log',
    causes: ['client_gave_up', 'lb_target_failure', 'server_slow_or_overloaded'],
  },
  // RFC 9110 15.6.3
  {
    status: 502,
    reason: 'Bad Gateway',
    meaning: 'A proxy or load balancer could not get a valid response from its upstream: the upstream reset, refused or closed the connection, or answered with something that is not HTTP. The client\'s own connection to the proxy is fine.',
    sender: 'a gateway or proxy (RFC 9110 15.6.3)',
    causes: ['upstream_keepalive_mismatch', 'upstream_reset', 'server_crash_restart', 'app_error_close', 'protocol_mismatch'],
  },
  // RFC 9110 15.6.4
  {
    status: 503,
    reason: 'Service Unavailable',
    meaning: 'The service cannot take the request now: a proxy has no healthy upstream (or, Envoy, its upstream connection failed or was reset), a rate limit or circuit breaker rejected it, or the application is overloaded, starting or in maintenance.',
    sender: 'a proxy, load balancer or the application (RFC 9110 15.6.4)',
    causes: ['upstream_unavailable', 'envoy_upstream_termination', 'connection_limit', 'server_crash_restart'],
  },
  // RFC 9110 15.6.5
  {
    status: 504,
    reason: 'Gateway Timeout',
    meaning: 'A proxy or load balancer timed out waiting for its upstream: the upstream accepted the request but did not answer within the proxy\'s timeout, or the connection to it could not be made in time.',
    sender: 'a gateway or proxy (RFC 9110 15.6.5)',
    causes: ['upstream_timeout', 'server_slow_or_overloaded', 'packet_filter_drop', 'upstream_keepalive_mismatch'],
  },
  // Cloudflare's own codes: https://developers.cloudflare.com/support/troubleshooting/http-status-codes/cloudflare-5xx-errors/
  {
    status: 520,
    reason: 'Web Server Returned an Unknown Error (Cloudflare)',
    meaning: 'Cloudflare got an empty, unknown or unexpected response from the origin: most often the origin reset or closed the connection (a crash, a keep-alive timeout shorter than Cloudflare\'s, a firewall dropping Cloudflare\'s addresses mid-stream) or sent headers that are too large.',
    sender: 'Cloudflare\'s edge, about your origin server',
    causes: ['upstream_reset', 'upstream_keepalive_mismatch', 'server_crash_restart', 'firewall_intervention'],
  },
  {
    status: 521,
    reason: 'Web Server Is Down (Cloudflare)',
    meaning: 'The origin refused Cloudflare\'s connection: nothing listening on the origin port, or a firewall rejecting Cloudflare\'s IP ranges.',
    sender: 'Cloudflare\'s edge, about your origin server',
    causes: ['nothing_listening', 'firewall_intervention', 'server_crash_restart'],
  },
  {
    status: 522,
    reason: 'Connection Timed Out (Cloudflare)',
    meaning: 'Cloudflare\'s TCP connection to the origin timed out: SYNs dropped on the way (a firewall not allowing Cloudflare\'s ranges) or an origin too overloaded to accept.',
    sender: 'Cloudflare\'s edge, about your origin server',
    causes: ['packet_filter_drop', 'connection_limit', 'routing_problem'],
  },
  {
    status: 523,
    reason: 'Origin Is Unreachable (Cloudflare)',
    meaning: 'Cloudflare cannot reach the origin at all: its DNS record points to a wrong or private address, or there is no route to it.',
    sender: 'Cloudflare\'s edge, about your origin server',
    causes: ['routing_problem', 'dns_problem'],
  },
  {
    status: 524,
    reason: 'A Timeout Occurred (Cloudflare)',
    meaning: 'The origin accepted the connection but sent no HTTP response within Cloudflare\'s proxy read timeout (100 s by default).',
    sender: 'Cloudflare\'s edge, about your origin server',
    causes: ['upstream_timeout', 'server_slow_or_overloaded'],
  },
  {
    status: 525,
    reason: 'SSL Handshake Failed (Cloudflare)',
    meaning: 'The TLS handshake between Cloudflare and the origin failed: no common cipher or version, no certificate for the SNI name, or the origin does not speak TLS on that port.',
    sender: 'Cloudflare\'s edge, about your origin server',
    causes: ['tls_problem', 'protocol_mismatch'],
  },
  {
    status: 526,
    reason: 'Invalid SSL Certificate (Cloudflare)',
    meaning: 'Cloudflare (in Full (strict) mode) could not validate the origin\'s certificate: expired, self-signed, or for another name.',
    sender: 'Cloudflare\'s edge, about your origin server',
    causes: ['tls_problem'],
  },
];

export const HTTP_STATUS_ERROR_CODES: readonly number[] = ROWS.map((r) => r.status);

export const HTTP_STATUS_ERRORS: readonly ErrorEntry[] = ROWS.map((r) => ({
  id: `HTTP_${r.status}`,
  category: 'http',
  title: `HTTP ${r.status} ${r.reason}`,
  meaning: r.meaning,
  wire: {
    signal: 'http',
    description: `An HTTP reply (or an access-log entry) from ${r.sender}: the connection that failed is the one behind it, not yours.`,
  },
  linux: [],
  macos: [],
  windows: [],
  windowsCrt: [],
  libuv: null,
  aliases: [`HTTP${r.status}`, `STATUS_${r.status}`],
  causes: r.causes,
  http: { status: r.status, reason: r.reason },
}));
