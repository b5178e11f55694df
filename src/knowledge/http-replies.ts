/**
 * HTTP error replies as data: what a 5xx status means when a proxy or load balancer sends it,
 * which cause it points to, how to recognise the proxy from its headers or its error page, and
 * where that proxy writes down why the request failed. The diagnosis (src/diagnose/http-reply.ts)
 * only looks rows up; adding a status, a proxy or an error page is adding a row. A `says` sentence
 * ends with the advice to paste the log line into `connreset explain -` where the line is an
 * error message explain can read (a socket error), not a flag in an access log.
 *
 * A 5xx from a proxy is the HTTP face of a connection problem one hop further: nginx answers
 * "502 Bad Gateway" when its upstream reset ("recv() failed (104: Connection reset by peer)"),
 * refused or closed the connection; the client's own TCP connection to the proxy is fine.
 */
import type { CauseId } from './causes.js';

/** The causes a 5xx reply can point to. */
export type HttpFailureCause = Extract<CauseId, 'upstream_reset' | 'upstream_unavailable' | 'upstream_timeout' | 'app_server_error'>;

export interface HttpStatusRow {
  codes: readonly number[];
  cause: HttpFailureCause;
  /** what the status says happened, as a clause after "the server answered 502 Bad Gateway …: " */
  meaning: string;
  /** whether only a proxy or gateway sends it (502, 504, Cloudflare's 52x): then the answerer is a proxy even unnamed */
  gateway: boolean;
}

export const HTTP_STATUS_ROWS: readonly HttpStatusRow[] = [
  {
    codes: [500],
    cause: 'app_server_error',
    meaning: 'the application failed while handling the request (an unhandled exception, a crash mid-request, a failed dependency)',
    gateway: false,
  },
  {
    codes: [501, 505],
    cause: 'app_server_error',
    meaning: 'the server does not support what the request asked for (method or HTTP version)',
    gateway: false,
  },
  {
    codes: [502],
    cause: 'upstream_reset',
    meaning: 'it could not get a valid reply from its upstream, which reset, refused or closed the connection (or answered with something that is not HTTP)',
    gateway: true,
  },
  {
    codes: [503],
    cause: 'upstream_unavailable',
    meaning: 'it has no healthy upstream to send the request to, or it (or the application) is overloaded, rate-limiting or in maintenance',
    gateway: false,
  },
  {
    codes: [504],
    cause: 'upstream_timeout',
    meaning: 'its upstream accepted the request but did not answer within the proxy\'s timeout',
    gateway: true,
  },
  // Cloudflare's own codes (https://developers.cloudflare.com/support/troubleshooting/http-status-codes/cloudflare-5xx-errors/)
  {
    codes: [520],
    cause: 'upstream_reset',
    meaning: 'Cloudflare got an empty, unknown or unexpected answer from the origin: most often the origin reset or closed the connection',
    gateway: true,
  },
  { codes: [521], cause: 'upstream_reset', meaning: 'the origin refused Cloudflare\'s connection (nothing listening, or a firewall rejecting Cloudflare\'s addresses)', gateway: true },
  { codes: [522], cause: 'upstream_timeout', meaning: 'Cloudflare\'s TCP connection to the origin timed out (packets dropped on the way to it)', gateway: true },
  { codes: [523], cause: 'upstream_unavailable', meaning: 'Cloudflare cannot reach the origin at all (its DNS record or route)', gateway: true },
  { codes: [524], cause: 'upstream_timeout', meaning: 'the origin accepted the connection but sent no reply within Cloudflare\'s proxy read timeout (120 s by default)', gateway: true },
  { codes: [525, 526], cause: 'upstream_reset', meaning: 'the TLS handshake between Cloudflare and the origin failed (525), or the origin\'s certificate is invalid (526)', gateway: true },
];

/** Any other 5xx. */
export const OTHER_5XX: HttpStatusRow = {
  codes: [],
  cause: 'app_server_error',
  meaning: 'the server (or a proxy in front of it) failed the request',
  gateway: false,
};

export function statusRow(status: number): HttpStatusRow {
  return HTTP_STATUS_ROWS.find((row) => row.codes.includes(status)) ?? OTHER_5XX;
}

/**
 * Words of proxies' own error pages that say more than their status: Envoy answers 503 for an
 * upstream reset as well as for no healthy host, and says which in the body. First match wins,
 * so the more specific rows come first. Rows without a cause only name the proxy (nginx with its
 * Server header hidden still signs its pages).
 */
export interface ErrorPageRow {
  pattern: RegExp;
  /** the proxy whose page this is, when the headers do not name one */
  proxy: ProxyId;
  /** the cause the words point to; null when they only name the proxy and the status decides */
  cause: HttpFailureCause | null;
}

export const ERROR_PAGE_ROWS: readonly ErrorPageRow[] = [
  { pattern: /reset reason: overflow/i, proxy: 'envoy', cause: 'upstream_unavailable' },
  { pattern: /upstream connect error or disconnect\/reset before headers/i, proxy: 'envoy', cause: 'upstream_reset' },
  { pattern: /no healthy upstream/i, proxy: 'envoy', cause: 'upstream_unavailable' },
  { pattern: /upstream request timeout/i, proxy: 'envoy', cause: 'upstream_timeout' },
  { pattern: /No server is available to handle this request/i, proxy: 'haproxy', cause: 'upstream_unavailable' },
  { pattern: /The server returned an invalid or incomplete response/i, proxy: 'haproxy', cause: 'upstream_reset' },
  { pattern: /The server didn't respond in time/i, proxy: 'haproxy', cause: 'upstream_timeout' },
  { pattern: /received an invalid\s+response from an upstream server/i, proxy: 'apache', cause: 'upstream_reset' },
  { pattern: /Backend fetch failed/i, proxy: 'varnish', cause: 'upstream_reset' },
  { pattern: /<hr><center>(nginx|openresty)\b/i, proxy: 'nginx', cause: null },
  { pattern: /<center>cloudflare<\/center>|Cloudflare Ray ID/i, proxy: 'cloudflare', cause: null },
];

export const PROXY_IDS = [
  'nginx',
  'envoy',
  'aws_alb',
  'cloudflare',
  'haproxy',
  'apache',
  'caddy',
  'varnish',
  'gcp_lb',
  'cloudfront',
  'azure_appgw',
  'heroku',
  'unknown',
] as const;

export type ProxyId = (typeof PROXY_IDS)[number];

export interface HttpProxy {
  id: ProxyId;
  /** as a sentence names it: "nginx answered …" */
  name: string;
  /** matched against the reply's Server header */
  server: RegExp | null;
  /** matched against the reply's Via header */
  via: RegExp | null;
  /** where this proxy writes down why a request failed, per cause: one sentence each */
  says: Readonly<Partial<Record<HttpFailureCause, string>>>;
  /** the proxy's keep-alive with its upstreams, for the upstream-idle-timeout comparison */
  upstreamKeepalive: string | null;
}

/** Rows are tried in order; `unknown` (last) is what the diagnosis says when no row matched. */
export const HTTP_PROXIES: readonly HttpProxy[] = [
  {
    id: 'nginx',
    name: 'nginx',
    server: /^(nginx|openresty)\b/i,
    via: null,
    says: {
      upstream_reset:
        "nginx's error log has the reason for this request: `recv() failed (104: Connection reset by peer) while reading response header from upstream` (the upstream reset), `upstream prematurely closed connection while reading response header from upstream` (it closed), `connect() failed (111: Connection refused) while connecting to upstream` (nothing listens) or `no live upstreams` (every server marked failed); paste that line into `connreset explain -`",
      upstream_unavailable:
        "nginx answers 503 itself when a limit_req or limit_conn zone rejects the request (its error log says `limiting requests` or `limiting connections`); otherwise the 503 came from the upstream and its own logs say why",
      upstream_timeout:
        "nginx's error log says `upstream timed out (110: Connection timed out) while reading response header from upstream` (proxy_read_timeout, 60 s by default) or `while connecting to upstream` (proxy_connect_timeout); paste that line into `connreset explain -`",
      app_server_error: "nginx passes the upstream's 500 through unchanged: the application's own log has the error",
    },
    upstreamKeepalive: "nginx keeps upstream connections for `keepalive_timeout` in its `upstream {}` block (60 s by default); the upstream's own idle timeout must be longer",
  },
  {
    id: 'envoy',
    name: 'Envoy',
    server: /^(istio-)?envoy\b/i,
    via: null,
    says: {
      upstream_reset:
        'Envoy\'s access log marks the request with a response flag: UF (upstream connection failure), UC (upstream connection termination) or URX; its page names the reset reason (`connection failure`, `connection termination`, `remote reset`)',
      upstream_unavailable: 'Envoy\'s access log marks the request UH (no healthy upstream host) or UO (a circuit breaker overflowed)',
      upstream_timeout: 'Envoy\'s access log marks the request UT (the route\'s timeout expired, 15 s by default)',
    },
    upstreamKeepalive: "Envoy keeps upstream connections until the cluster's `common_http_protocol_options.idle_timeout` (1 h by default); the upstream's own idle timeout must be longer, or Envoy's shorter",
  },
  {
    id: 'aws_alb',
    name: 'an AWS Application Load Balancer',
    server: /^awselb\//i,
    via: null,
    says: {
      upstream_reset:
        'the ALB access log line for this request has target_status_code `-` (the target sent no response); an ALB answers 502 when the target refused the connection, or reset or closed it while a request was outstanding',
      upstream_unavailable: 'an ALB answers 503 when the target group has no registered targets (or the listener rule has no target group)',
      upstream_timeout: 'an ALB answers 504 when the target did not answer within the load balancer\'s idle timeout (60 s by default), or the connection to it timed out',
    },
    upstreamKeepalive: "an ALB reuses connections to targets for up to its idle timeout (60 s by default): the target's keep-alive timeout must be longer (Node's server.keepAliveTimeout is 5 s by default: set it to 65 s, and headersTimeout above it)",
  },
  {
    id: 'cloudflare',
    name: 'Cloudflare',
    server: /^cloudflare$/i,
    via: null,
    says: {
      upstream_reset: "Cloudflare's page carries a Ray ID that finds the request in Cloudflare's logs; the origin's own logs at that time say why it dropped the connection",
      upstream_unavailable: "Cloudflare's page carries a Ray ID that finds the request in Cloudflare's logs; check the origin's DNS record and that it accepts Cloudflare's addresses",
      upstream_timeout: "Cloudflare's page carries a Ray ID that finds the request in Cloudflare's logs; the origin's logs show the slow request",
    },
    upstreamKeepalive: "Cloudflare reuses idle origin connections for up to 900 s (its proxy idle timeout, https://developers.cloudflare.com/fundamentals/reference/connection-limits/): an origin that closes them sooner races that reuse",
  },
  {
    id: 'haproxy',
    name: 'HAProxy',
    server: /^haproxy\b/i,
    via: null,
    says: {
      upstream_reset: "HAProxy's log line for this request has termination state `SH` (the server aborted before its headers) or `SC` (the connection to the server failed)",
      upstream_unavailable: "HAProxy's log line for this request has `<NOSRV>` as its server and termination state `SC`: every server of the backend is down or full",
      upstream_timeout: "HAProxy's log line for this request has termination state `sH` (`timeout server` expired waiting for the headers)",
    },
    upstreamKeepalive: "HAProxy reuses server connections (`http-reuse`): the server's keep-alive timeout must be longer than HAProxy's `timeout http-keep-alive` / `timeout server`",
  },
  {
    id: 'apache',
    name: 'Apache httpd',
    server: /^Apache\b/i,
    via: null,
    says: {
      upstream_reset: "Apache's error log has mod_proxy's reason, e.g. `(104)Connection reset by peer: AH01102: error reading status line from remote server` or `AH00957: … attempt to connect to … failed`; paste that line into `connreset explain -`",
      upstream_timeout: "Apache's error log says `(70007)The timeout specified has expired: AH01102: error reading status line from remote server` (ProxyTimeout); paste that line into `connreset explain -`",
    },
    upstreamKeepalive: "mod_proxy reuses backend connections: set `ttl=` on the ProxyPass worker below the backend's keep-alive timeout",
  },
  {
    id: 'caddy',
    name: 'Caddy',
    server: /^Caddy\b/i,
    via: null,
    says: {
      upstream_reset: "Caddy's error log (logger http.log.error) has reverse_proxy's reason, e.g. `read: connection reset by peer` or `connect: connection refused`; paste that line into `connreset explain -`",
      upstream_timeout: "Caddy's error log (logger http.log.error) has reverse_proxy's timeout for this request",
    },
    upstreamKeepalive: "Caddy's reverse_proxy keeps upstream connections for `keepalive` (2 min by default): the upstream's idle timeout must be longer, or Caddy's shorter",
  },
  {
    id: 'varnish',
    name: 'Varnish',
    server: /^Varnish\b/i,
    via: /varnish/i,
    says: {
      upstream_reset: "`varnishlog -g request -q 'RespStatus >= 500'` shows the FetchError for the request (e.g. `backend write error`, `HTC eof`, `first byte timeout`)",
      upstream_timeout: "`varnishlog -g request -q 'RespStatus >= 500'` shows the FetchError for the request (`first byte timeout` or `between bytes timeout`)",
    },
    upstreamKeepalive: "Varnish reuses backend connections for `backend_idle_timeout` (60 s by default): the backend's keep-alive timeout must be longer",
  },
  {
    id: 'gcp_lb',
    name: 'a Google Cloud load balancer',
    server: /^Google Frontend$/i,
    via: /\bgoogle\b/i,
    says: {
      upstream_reset: "the load balancer's request log has statusDetails for this response, e.g. `backend_connection_closed_before_data_sent_to_client` or `failed_to_connect_to_backend`",
      upstream_unavailable: "the load balancer's request log has statusDetails for this response, e.g. `failed_to_pick_backend` (no healthy backend)",
      upstream_timeout: "the load balancer's request log has statusDetails `backend_timeout` for this response (the backend service timeout, 30 s by default)",
    },
    upstreamKeepalive: "Google's load balancers keep backend connections for 600 s: the backend's keep-alive timeout must be longer than 600 s",
  },
  {
    id: 'cloudfront',
    name: 'Amazon CloudFront',
    server: /^CloudFront$/i,
    via: /cloudfront/i,
    says: {
      upstream_reset: "CloudFront's access log has the x-edge-detailed-result-type for the request (e.g. `OriginConnectError`, `OriginReadError`)",
      upstream_timeout: "CloudFront's access log has the x-edge-detailed-result-type for the request (e.g. `OriginCommError`); CloudFront waits 30 s for the origin by default",
    },
    upstreamKeepalive: "CloudFront keeps origin connections for its origin keep-alive timeout (5 s by default): the origin's must be longer",
  },
  {
    id: 'azure_appgw',
    name: 'an Azure Application Gateway',
    server: /^Microsoft-Azure-Application-Gateway/i,
    via: null,
    says: {
      upstream_reset: "the gateway's access log (ApplicationGatewayAccessLog) shows the request's serverStatus and the backend it tried; its backend health page says whether the backend is reachable",
      upstream_timeout: "the gateway's access log shows the request timing out against the backend (request timeout, 20 s by default)",
    },
    upstreamKeepalive: null,
  },
  {
    id: 'heroku',
    name: "Heroku's router",
    server: null,
    via: /\bvegur\b/i,
    says: {
      upstream_reset: "Heroku's router log (`heroku logs`) has an H code for the request: H13 (connection closed without response), H18 (request interrupted), H10 (app crashed)",
      upstream_unavailable: "Heroku's router answers 503 for most failures; its log (`heroku logs`) has the H code: H10 (app crashed), H12 (30 s request timeout), H13 (connection closed without response), H14 (no web dynos)",
      upstream_timeout: "Heroku's router log (`heroku logs`) says H12 (the 30 s request timeout)",
    },
    upstreamKeepalive: null,
  },
  {
    id: 'unknown',
    name: 'the proxy',
    server: null,
    via: null,
    says: {
      upstream_reset:
        "the proxy's error log has the reason for this request (nginx: `recv() failed (104: Connection reset by peer) while reading response header from upstream` or `upstream prematurely closed connection`; Envoy: response flag UC or UF; HAProxy: termination state SH or SC); paste that line into `connreset explain -`",
      upstream_unavailable: "the proxy's log says why it had no upstream for this request (Envoy: response flag UH; HAProxy: `<NOSRV>`; an AWS ALB: no registered targets), or the application's log shows it answering 503 itself",
      upstream_timeout: "the proxy's error log names the upstream that timed out (nginx: `upstream timed out (110: Connection timed out)`; Envoy: response flag UT; HAProxy: termination state sH); paste that line into `connreset explain -`",
      app_server_error: "the application's log has the error (a stack trace) for this request",
    },
    upstreamKeepalive:
      "a proxy's pooled keep-alive to its upstream (nginx `upstream { keepalive_timeout }` 60 s, an AWS ALB's idle timeout 60 s) must end before the upstream's own idle timeout (Node's server.keepAliveTimeout is 5 s by default)",
  },
];

export function proxyById(id: ProxyId): HttpProxy {
  return HTTP_PROXIES.find((p) => p.id === id) ?? HTTP_PROXIES[HTTP_PROXIES.length - 1]!;
}
