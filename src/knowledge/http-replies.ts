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

// Sources: Envoy's page is "upstream connect error or disconnect/reset before headers. reset reason: …"
// with the reason from Http::Utility::resetReasonToString (envoyproxy/envoy source/common/http/utility.cc:
// "connection failure", "connection termination", "remote reset", "overflow", …); "no healthy upstream"
// seen in kumahq/kuma's and istio's tests and docs, "upstream request timeout" only in third-party
// captures (Envoy's router.cc not opened). HAProxy's three pages: haproxy/haproxy src/http.c
// (http_err_msgs). Apache's 502 text: its canned HTTP_BAD_GATEWAY page (apache/httpd
// modules/http/http_protocol.c, not opened; seen verbatim in captured pages). Varnish's page: the
// builtin vcl_backend_error (varnishcache/varnish-cache bin/varnishd/builtin.vcl, not opened; seen
// verbatim in captured replies, with the status line "503 Backend fetch failed").
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

/**
 * Rows are tried in order; `unknown` (last) is what the diagnosis says when no row matched.
 * Each row's comment names where its words were checked; what could not be checked says so.
 */
export const HTTP_PROXIES: readonly HttpProxy[] = [
  // nginx: the log lines are nginx 1.22.1's own, recorded in test/real (real-nginx-502-* fixtures);
  // proxy_read_timeout 60 s and the upstream block's keepalive_timeout 60 s (since 1.15.3):
  // https://nginx.org/en/docs/http/ngx_http_upstream_module.html#keepalive_timeout and
  // ngx_http_proxy_module.html#proxy_read_timeout. limit_req/limit_conn answer 503 by default.
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
  // Envoy: response flags from its access-log docs (envoyproxy.io docs/envoy/latest/configuration/
  // observability/access_log/usage, %RESPONSE_FLAGS%: UF, UC, UR "in addition to 503", URX retry
  // limit reached, UH, UO, UT "in addition to 504"); the page's reset reasons from
  // Http::Utility::resetReasonToString (envoyproxy/envoy source/common/http/utility.cc; newer
  // versions split "connection failure" into "remote connection failure" and "connection timeout");
  // route timeout 15 s by default (route.proto timeout; gateway.envoyproxy.io tasks/traffic/http-timeouts);
  // HTTP idle_timeout 1 h by default for upstream connections too
  // (https://www.envoyproxy.io/docs/envoy/latest/faq/configuration/timeouts).
  // Corrected: the reset flags now include UR (remote reset); URX is said to come with another flag.
  {
    id: 'envoy',
    name: 'Envoy',
    server: /^(istio-)?envoy\b/i,
    via: null,
    says: {
      upstream_reset:
        "Envoy's access log marks the request with a response flag: UF (upstream connection failure), UC (upstream connection termination) or UR (upstream remote reset), with URX when its retries ran out; its page names the reset reason (`connection failure`, `connection termination`, `remote reset`)",
      upstream_unavailable: "Envoy's access log marks the request UH (no healthy upstream host) or UO (a circuit breaker overflowed)",
      upstream_timeout: "Envoy's access log marks the request UT (the route's timeout expired, 15 s by default)",
    },
    upstreamKeepalive:
      "Envoy keeps upstream connections until the cluster's `common_http_protocol_options.idle_timeout` (1 h by default); the upstream's own idle timeout must be longer, or Envoy's shorter",
  },
  // AWS ALB: 502/503/504 causes from "Troubleshoot your Application Load Balancers"
  // (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html:
  // 502 "received a TCP RST from the target when attempting to establish a connection", "the target
  // closed the connection with a TCP RST or a TCP FIN while the load balancer had an outstanding
  // request", "the target response is malformed"; 503 "the target groups for the load balancer have no
  // registered targets"; 504 connect timeout 10 s, or no answer within the idle timeout);
  // target_status_code "-" when no connection was made or the target sent no response (…/load-balancer-access-logs.html);
  // idle timeout 60 s by default, and the application's idle timeout should be larger
  // (…/edit-load-balancer-attributes.html#connection-idle-timeout). Node's server.keepAliveTimeout 5 s:
  // Node's http docs. Corrected: 503 for "a listener rule without a target group" was not in the docs
  // and is gone; 502 for a malformed response and the 10 s connect timeout are added.
  {
    id: 'aws_alb',
    name: 'an AWS Application Load Balancer',
    server: /^awselb\//i,
    via: null,
    says: {
      upstream_reset:
        'the ALB access log line for this request has target_status_code `-` (the target sent no response); an ALB answers 502 when the target refused the connection, reset or closed it (RST or FIN) while a request was outstanding, or sent a malformed response',
      upstream_unavailable: 'an ALB answers 503 when the target group has no registered targets',
      upstream_timeout:
        "an ALB answers 504 when it could not connect to the target within 10 s, or the target did not answer within the load balancer's idle timeout (60 s by default)",
    },
    upstreamKeepalive:
      "an ALB reuses connections to targets for up to its idle timeout (60 s by default): the target's keep-alive timeout must be longer (Node's server.keepAliveTimeout is 5 s by default: set it to 65 s, and headersTimeout above it)",
  },
  // Cloudflare: its figures were checked against developers.cloudflare.com before this review (URL in the row).
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
  // HAProxy: termination states from its manual, "8.5. Session state at disconnection"
  // (haproxy/haproxy doc/configuration.txt: SC "the server … explicitly refused the TCP connection …
  // status code is likely a 502 or 503", sC "timeout connect" (503 or 504), SH "the server aborted
  // before sending its full HTTP response headers", sH "timeout server stroke before the server could
  // return its response headers", PH "the proxy blocked the server's response … invalid" (502)).
  // `<NOSRV>` with SC and 503 when no server is up: seen in users' logs, not in the manual's table.
  // HAProxy's own error pages carry no Server header (src/http.c http_err_msgs), so it is usually
  // named by its page. Corrected: the keep-alive advice named `timeout http-keep-alive`, which is the
  // client side; idle server connections are HAProxy's reuse pool. The pool's purge timing
  // (the server line's `pool-purge-delay`) could not be checked here.
  {
    id: 'haproxy',
    name: 'HAProxy',
    server: /^haproxy\b/i,
    via: null,
    says: {
      upstream_reset:
        "HAProxy's log line for this request has termination state `SH` (the server aborted before sending its full response headers), `SC` (the server refused the connection) or `PH` (HAProxy rejected an invalid response)",
      upstream_unavailable: "HAProxy's log line for this request has `<NOSRV>` as its server and termination state `SC`: every server of the backend is down or full",
      upstream_timeout:
        "HAProxy's log line for this request has termination state `sH` (`timeout server` expired before the response headers) or `sC` (`timeout connect` expired)",
    },
    upstreamKeepalive:
      "HAProxy keeps idle server connections for reuse (`http-reuse`): the server's keep-alive timeout must be longer than HAProxy keeps them idle (the server line's `pool-purge-delay`), or a reuse races the server's close",
  },
  // Apache httpd: AH01102 "error reading status line from remote server %s:%d" (apache/httpd
  // modules/proxy/mod_proxy_http.c), AH00957 "%s: attempt to connect to %pI (%s) failed" and
  // AH00898 "%s returned by %s" with the status line "502 Proxy Error" (modules/proxy/proxy_util.c,
  // ap_proxyerror); the "(104)…" / "(70007)…" prefix is APR's text for the error, from memory.
  // ttl= on the worker: mod_proxy's ProxyPass parameters (httpd docs); it is not honoured under the
  // prefork MPM (Red Hat solution 2381261). Corrected: AH00898 added (it is the line that names the request).
  {
    id: 'apache',
    name: 'Apache httpd',
    server: /^Apache\b/i,
    via: null,
    says: {
      upstream_reset:
        "Apache's error log has mod_proxy's reason, e.g. `(104)Connection reset by peer: … AH01102: error reading status line from remote server HOST:PORT`, then `AH00898: Error reading from remote server returned by /path`, or `AH00957: HTTP: attempt to connect to ADDR:PORT (HOST) failed`; paste that line into `connreset explain -`",
      upstream_timeout:
        "Apache's error log says `(70007)The timeout specified has expired: … AH01102: error reading status line from remote server HOST:PORT` (ProxyTimeout, else Timeout); paste that line into `connreset explain -`",
    },
    upstreamKeepalive: "mod_proxy reuses backend connections: set `ttl=` on the ProxyPass worker below the backend's keep-alive timeout (ignored under the prefork MPM)",
  },
  // Caddy: errors go to the logger http.log.error (caddyserver/caddy modules/caddyhttp/app.go:
  // Named("log.error")); reverse_proxy's reason is Go's own error text (dial tcp …: connect:
  // connection refused, read tcp …: read: connection reset by peer). Its default transport keeps idle
  // upstream connections 2 min (modules/caddyhttp/reverseproxy: KeepAlive IdleConnTimeout 2 * time.Minute).
  {
    id: 'caddy',
    name: 'Caddy',
    server: /^Caddy\b/i,
    via: null,
    says: {
      upstream_reset:
        "Caddy's error log (logger http.log.error) has reverse_proxy's reason, e.g. `read: connection reset by peer` or `dial tcp ADDR:PORT: connect: connection refused`; paste that line into `connreset explain -`",
      upstream_timeout: "Caddy's error log (logger http.log.error) has reverse_proxy's timeout for this request",
    },
    upstreamKeepalive: "Caddy's reverse_proxy keeps upstream connections for `keepalive` (2 min by default): the upstream's idle timeout must be longer, or Caddy's shorter",
  },
  // Varnish: FetchError texts from varnishcache/varnish-cache bin/varnishd/cache/cache_http1_fetch.c
  // (Varnish 4: "backend write error: %d (%s)", "http first read error: EOF", "http format error";
  // Varnish 6: "backend closed", "Received junk", "timeout", "first byte timeout", "HTC %s (%s)"
  // such as "HTC eof (Unexpected end of input)", the status names from memory). backend_idle_timeout
  // 60 s by default (docs.varnish-software.com …/varnish-params/; varnishadm param.show).
  // Corrected: "between bytes timeout" is not a FetchError text before the headers and is gone.
  {
    id: 'varnish',
    name: 'Varnish',
    server: /^Varnish\b/i,
    via: /varnish/i,
    says: {
      upstream_reset:
        "`varnishlog -g request -q 'RespStatus >= 500'` shows the FetchError for the request (e.g. `backend closed`, `HTC eof (Unexpected end of input)`, `backend write error: 104 (Connection reset by peer)`, or Varnish 4's `http first read error: EOF`)",
      upstream_timeout: "`varnishlog -g request -q 'RespStatus >= 500'` shows the FetchError for the request (`first byte timeout`, or `timeout`)",
    },
    upstreamKeepalive: "Varnish reuses backend connections for `backend_idle_timeout` (60 s by default): the backend's keep-alive timeout must be longer",
  },
  // Google Cloud load balancers: statusDetails values and the 600 s backend keep-alive were checked against
  // Google Cloud's load-balancing docs before this review (not re-checked here).
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
  // CloudFront: x-edge-detailed-result-type values and the 30 s / 5 s origin timeouts were checked against
  // the CloudFront developer guide before this review (not re-checked here).
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
  // Azure Application Gateway: Server header seen in captured replies; the 502 causes (empty or
  // unhealthy backend pool, failing probes, a request timeout) from "Troubleshooting bad gateway errors
  // in Application Gateway" (azure-content articles/application-gateway/application-gateway-troubleshooting-502.md);
  // the access log's ErrorInfo column, "error category of the failing request" (AGWAccessLogs table,
  // learn.microsoft.com/azure/azure-monitor/reference/tables/agwaccesslogs). Corrected: the gateway
  // answers a backend timeout with 502, not 504; the request timeout's default (20 s or 30 s in the
  // sources seen) could not be settled and is no longer stated.
  {
    id: 'azure_appgw',
    name: 'an Azure Application Gateway',
    server: /^Microsoft-Azure-Application-Gateway/i,
    via: null,
    says: {
      upstream_reset:
        "the gateway's access log (ApplicationGatewayAccessLog) has the request's serverStatus and ErrorInfo; it answers 502 when its backend pool is empty, every backend fails its health probe, or the backend did not answer within the backend setting's request timeout (its backend health page says which)",
      upstream_timeout:
        "the gateway's access log has the request timing out against the backend (the backend setting's request timeout); note that the gateway answers a backend timeout with 502 too",
    },
    upstreamKeepalive: null,
  },
  // Heroku: H codes and the 503 for router errors from https://devcenter.heroku.com/articles/error-codes
  // (H10 App crashed, H12 Request timeout after 30 s, H13 Connection closed without response, H14 No web
  // dynos running, H18 Server Request Interrupted; H27 Client Request Interrupted is the client's own).
  // Router 2.0 keeps connections to dynos alive, its idle timeout is 90 s, and a dyno that closes idle
  // connections sooner causes H13/H18 (https://help.heroku.com/Y6M4QI4V). The legacy router sends
  // `Via: 1.1 vegur`, Router 2.0 `Via: 2.0 heroku-router` (both seen in captured replies).
  // Corrected: Router 2.0's Via and its keep-alive to dynos were missing.
  {
    id: 'heroku',
    name: "Heroku's router",
    server: null,
    via: /\b(vegur|heroku-router)\b/i,
    says: {
      upstream_reset:
        "Heroku's router log (`heroku logs`) has an H code for the request: H13 (connection closed without response), H18 (request interrupted), H10 (app crashed); on Router 2.0, H13/H18 also come from a dyno closing an idle kept-alive connection",
      upstream_unavailable:
        "Heroku's router answers 503 for most failures; its log (`heroku logs`) has the H code: H10 (app crashed), H12 (30 s request timeout), H13 (connection closed without response), H14 (no web dynos)",
      upstream_timeout: "Heroku's router log (`heroku logs`) says H12 (the 30 s request timeout)",
    },
    upstreamKeepalive:
      "Heroku's Router 2.0 keeps idle connections to dynos for up to 90 s: the app's server idle timeout must be longer (or `heroku labs:enable http-disable-keepalive-to-dyno`)",
  },
  {
    id: 'unknown',
    name: 'the proxy',
    server: null,
    via: null,
    says: {
      upstream_reset:
        "the proxy's error log has the reason for this request (nginx: `recv() failed (104: Connection reset by peer) while reading response header from upstream` or `upstream prematurely closed connection`; Envoy: response flag UC, UF or UR; HAProxy: termination state SH or SC); paste that line into `connreset explain -`",
      upstream_unavailable:
        "the proxy's log says why it had no upstream for this request (Envoy: response flag UH; HAProxy: `<NOSRV>`; an AWS ALB: no registered targets), or the application's log shows it answering 503 itself",
      upstream_timeout:
        "the proxy's error log names the upstream that timed out (nginx: `upstream timed out (110: Connection timed out)`; Envoy: response flag UT; HAProxy: termination state sH); paste that line into `connreset explain -`",
      app_server_error: "the application's log has the error (a stack trace) for this request",
    },
    upstreamKeepalive:
      "a proxy's pooled keep-alive to its upstream (nginx `upstream { keepalive_timeout }` 60 s, an AWS ALB's idle timeout 60 s) must end before the upstream's own idle timeout (Node's server.keepAliveTimeout is 5 s by default)",
  },
];

export function proxyById(id: ProxyId): HttpProxy {
  return HTTP_PROXIES.find((p) => p.id === id) ?? HTTP_PROXIES[HTTP_PROXIES.length - 1]!;
}
