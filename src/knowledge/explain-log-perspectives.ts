/**
 * Whose side a log line is written from, and what else its words say about the context, as data.
 * The same errno means opposite things in a client's log and in a server's: nginx's `client timed
 * out (110: ...)` is nginx (the server) giving up on a slow or idle CLIENT, while `upstream timed out
 * (110: ...)` is nginx (acting as a client) giving up on a slow UPSTREAM server; PostgreSQL's
 * `could not receive data from client: Connection reset by peer` is the server's view of a client
 * that went away. A perspective names the product, who wrote the line (side), the other end of the
 * connection (peer), the operation where the words give it, says so in a note, and ranks the causes
 * that fit that side. The first row whose pattern matches wins, so specific rows come before
 * general ones. Patterns are linear (no nested quantifiers).
 */
import { mayMatch } from '../shared/regex-literals.js';
import type { ExplainCauseId } from './explain-causes.js';
import type { Operation } from './errors.js';

/** The program (or protocol) whose words the line carries. */
export type Product =
  | 'nginx'
  | 'envoy'
  | 'haproxy'
  | 'aws_alb'
  | 'aws_elb'
  | 'cloudflare'
  | 'ssh'
  | 'postgresql'
  | 'mysql'
  | 'kafka'
  | 'chrome'
  | 'curl'
  | 'docker'
  | 'node'
  | 'dotnet'
  | 'windows'
  | 'python'
  | 'java'
  | 'go';

/** Who wrote the line: a client about its server, a server about its client, a proxy about either side. */
export type LogSide = 'client' | 'server' | 'proxy';

/** The other end of the connection, seen from the program that wrote the log. */
export type LogPeer = 'client' | 'upstream' | 'server';

export interface LogPerspective {
  /** a stable name for the row, reported in `explain --json` (lineContext.matched) */
  id: string;
  product: Product;
  re: RegExp;
  side: LogSide;
  peer: LogPeer;
  /** the operation the words show, where the line's own verbs do not (the MySQL handshake, an Envoy reset before headers) */
  operation?: Operation;
  /** lower-case words of which the line must contain one before the pattern runs: most lines skip most rows without compiling their patterns */
  hint: readonly string[];
  /** the socket is UDP (Windows reports an ICMP port-unreachable on a UDP socket as 10054) */
  transport?: 'udp';
  /** the error the words name when the line carries no error text of its own, and how strongly */
  error?: { id: string; weight: number };
  /** one sentence for the reader: who wrote the line and who the other end is */
  note: string;
  /** causes that fit this side, most likely first; absent: the rules table or the error's own ranking decides */
  causes?: readonly ExplainCauseId[];
  /** causes for one error the line may carry (an Envoy connect failure with errno 111 vs a TLS failure) */
  causesByError?: Readonly<Record<string, readonly ExplainCauseId[]>>;
  /**
   * which endpoint in the line is worth a `connreset probe`: 'upstream' only the backend the line
   * names as its upstream (not the server's own `server:` or `host:` address), 'none' nothing: a
   * server's line about its client names no server to probe (the client has no listening port),
   * 'any' the endpoint the line names.
   */
  probe: 'upstream' | 'none' | 'any';
}

const NGINX_CLIENT =
  'nginx wrote this about its CLIENT (the browser, app, load balancer or proxy that connected to nginx), not about a server: nginx was the server here, and nginx was not slow.';
const NGINX_UPSTREAM =
  'nginx wrote this about its UPSTREAM (the backend server it proxies to): nginx was the client of that connection, so the other end is the backend named in `upstream:`.';

export const LOG_PERSPECTIVES: readonly LogPerspective[] = [
  // nginx's client_header_timeout / client_body_timeout / send_timeout expired
  {
    id: 'nginx-client-timeout',
    hint: ['client timed out'],
    product: 'nginx',
    re: /\bclient timed out\b/,
    side: 'server',
    peer: 'client',
    note: `${NGINX_CLIENT} Its timer for the client expired: client_header_timeout (\`while waiting for request\`, \`while reading client request headers\`), client_body_timeout (\`while reading client request body\`) or send_timeout (\`while sending to client\`).`,
    causes: ['client_slow_or_gone', 'middlebox_idle_timeout'],
    probe: 'none',
  },
  // the client closed first (nginx's 499): usually its own timeout ran out while the upstream was slow
  {
    id: 'nginx-client-closed',
    hint: ['client'],
    product: 'nginx',
    re: /\bclient prematurely closed connection\b|\bclient (?:[0-9A-Fa-f.:]{2,45} )?closed (?:keepalive )?connection\b/,
    side: 'server',
    peer: 'client',
    note: `${NGINX_CLIENT} The client closed its connection first: before nginx had answered (status 499 in the access log; when an upstream is named, it was still working on the reply), or, \`while waiting for request\` or on a keep-alive connection, without sending a request at all.`,
    causes: ['client_slow_or_gone', 'upstream_timeout', 'server_slow_or_overloaded'],
    // the upstream in the line, if any, is worth probing: its response time is what the client gave up on
    probe: 'upstream',
  },
  {
    id: 'nginx-upstream-connect-timeout',
    hint: ['upstream timed out'],
    product: 'nginx',
    re: /\bupstream timed out\b[^\n]{0,120}?\bwhile connecting to upstream\b/,
    side: 'proxy',
    peer: 'upstream',
    note: `${NGINX_UPSTREAM} The backend did not accept the connection within proxy_connect_timeout (default 60 s).`,
    causes: ['packet_filter_drop', 'connection_limit', 'routing_problem', 'upstream_timeout'],
    probe: 'upstream',
  },
  {
    id: 'nginx-upstream-timeout',
    hint: ['upstream timed out'],
    product: 'nginx',
    re: /\bupstream timed out\b/,
    side: 'proxy',
    peer: 'upstream',
    note: `${NGINX_UPSTREAM} The backend accepted the request but did not answer within proxy_read_timeout (fastcgi_read_timeout, uwsgi_read_timeout for those upstreams; or took the request too slowly for proxy_send_timeout; all default to 60 s): the client sees 504.`,
    causes: ['upstream_timeout', 'server_slow_or_overloaded', 'middlebox_idle_timeout', 'packet_filter_drop'],
    probe: 'upstream',
  },
  {
    id: 'nginx-upstream-closed',
    hint: ['upstream prematurely'],
    product: 'nginx',
    re: /\bupstream prematurely closed connection\b/,
    side: 'proxy',
    peer: 'upstream',
    note: `${NGINX_UPSTREAM} The backend closed the connection before its reply was complete: the client sees 502 (or a cut-off body).`,
    causes: ['upstream_keepalive_mismatch', 'app_error_close', 'server_crash_restart', 'upstream_reset'],
    probe: 'upstream',
  },
  // a reset while waiting for the reply: mostly a kept-alive connection the backend had just closed
  {
    id: 'nginx-upstream-reset',
    hint: ['upstream'],
    product: 'nginx',
    re: /Connection reset by peer\) while (?:reading response header from upstream|sending request to upstream|reading upstream)\b/,
    side: 'proxy',
    peer: 'upstream',
    note: `${NGINX_UPSTREAM} The backend reset the connection before its reply was complete: the client sees 502.`,
    causes: ['upstream_keepalive_mismatch', 'upstream_reset', 'server_crash_restart', 'app_error_close'],
    probe: 'upstream',
  },
  // any other line about an upstream (recv() failed ... from upstream, connect() failed ... to upstream):
  // the error's own causes fit, the note says whose they are
  {
    id: 'nginx-upstream',
    hint: ['upstream'],
    product: 'nginx',
    re: /\b(?:from|to) upstream\b|\bwhile reading upstream\b|\bupstream: "/,
    side: 'proxy',
    peer: 'upstream',
    note: NGINX_UPSTREAM,
    probe: 'upstream',
  },
  // nginx's own error page (the reason is in nginx's error.log, which names the upstream)
  {
    id: 'nginx-error-page',
    hint: ['nginx', 'openresty'],
    product: 'nginx',
    re: /<hr><center>(?:nginx|openresty)\b|^Server: (?:nginx|openresty)\b|^\s{0,8}(?:nginx|openresty)\/\d[\d.]{0,12}\s{0,8}$/im,
    side: 'proxy',
    peer: 'upstream',
    note: 'This is nginx\'s own error page: nginx answered because its connection to the UPSTREAM (the backend it proxies to) failed. nginx\'s error.log has a line for this request that names the upstream and the socket error: paste that line into `connreset explain -`.',
    probe: 'none',
  },
  // ---------------------------------------------------------------- Envoy (its local reply; flags and reset reasons are in explain-formats.ts)
  {
    id: 'envoy-upstream-reset-page',
    hint: ['upstream connect error'],
    product: 'envoy',
    re: /upstream connect error or disconnect\/reset before headers/,
    side: 'proxy',
    peer: 'upstream',
    // weak: an errno or TLS error the page carries (delayed connect error: 111) is the more precise code
    error: { id: 'HTTP_503', weight: 3 },
    note: 'Envoy wrote this (its local reply, sent with 503) about its UPSTREAM: the connection from Envoy to the backend failed or was reset before the backend sent response headers. The client\'s own connection to Envoy is fine. The reset reason says how; a transport failure reason or errno after it says why.',
    causes: ['envoy_upstream_termination', 'nothing_listening', 'upstream_keepalive_mismatch', 'server_crash_restart'],
    causesByError: {
      ECONNREFUSED: ['nothing_listening', 'server_crash_restart', 'firewall_intervention', 'wrong_service_on_port'],
      ETIMEDOUT: ['packet_filter_drop', 'connection_limit', 'routing_problem'],
      EPROTO: ['tls_problem', 'protocol_mismatch'],
      TLS_UNEXPECTED_EOF: ['tls_problem', 'protocol_mismatch'],
      EHOSTUNREACH: ['routing_problem', 'server_crash_restart'],
    },
    probe: 'none',
  },
  {
    id: 'envoy-no-healthy-upstream',
    hint: ['healthy upstream', 'healthy_upstream'],
    product: 'envoy',
    re: /\bno[ _]healthy[ _]upstream\b/i,
    side: 'proxy',
    peer: 'upstream',
    error: { id: 'HTTP_503', weight: 6 },
    note: 'Envoy wrote this (with 503): the cluster has no healthy upstream host, so Envoy did not even try a connection.',
    causes: ['upstream_unavailable', 'server_crash_restart', 'connection_limit'],
    probe: 'none',
  },
  {
    id: 'envoy-upstream-request-timeout',
    hint: ['upstream request timeout'],
    product: 'envoy',
    re: /\bupstream request timeout\b/,
    side: 'proxy',
    peer: 'upstream',
    error: { id: 'HTTP_504', weight: 6 },
    note: 'Envoy wrote this (with 504): the upstream accepted the request but did not answer within the route timeout (15 s by default).',
    causes: ['upstream_timeout', 'server_slow_or_overloaded'],
    probe: 'none',
  },
  // ---------------------------------------------------------------- AWS load balancers: a raw reply signed awselb
  {
    id: 'aws-elb-reply',
    hint: ['awselb'],
    product: 'aws_alb',
    re: /\bawselb\/\d/i,
    side: 'proxy',
    peer: 'upstream',
    note: 'An AWS load balancer (Server: awselb) answered this itself: its connection to the TARGET behind it failed. The client\'s own connection to the load balancer is fine; the load balancer\'s access log (elb_status_code vs target_status_code) says which side failed.',
    causesByError: {
      HTTP_502: ['lb_target_failure', 'upstream_keepalive_mismatch', 'server_crash_restart', 'nothing_listening'],
      HTTP_503: ['upstream_unavailable', 'lb_target_failure'],
      HTTP_504: ['upstream_timeout', 'lb_target_failure', 'packet_filter_drop'],
    },
    probe: 'none',
  },
  // the classic ELB's own 503 reason phrase: no healthy registered instance (in that Availability Zone) or
  // its surge queue is full (SpilloverCount). https://repost.aws/knowledge-center/503-error-classic and
  // https://repost.aws/knowledge-center/elb-capacity-troubleshooting; the phrase is the ELB's, not the
  // application's (https://github.com/flynn/flynn/issues/2738)
  {
    id: 'aws-elb-at-capacity',
    hint: ['back-end server is at capacity'],
    product: 'aws_elb',
    re: /Back-end server is at capacity/i,
    side: 'proxy',
    peer: 'upstream',
    error: { id: 'HTTP_503', weight: 6 },
    note: 'A classic AWS Elastic Load Balancer answered this 503 itself ("Service Unavailable: Back-end server is at capacity"): it had no healthy registered instance to send the request to (instances failing health checks, none yet registered in that Availability Zone during a deploy or scale-out), or its surge queue (1024 requests) was full. Check HealthyHostCount, SurgeQueueLength and SpilloverCount.',
    causes: ['upstream_unavailable', 'connection_limit', 'server_slow_or_overloaded'],
    probe: 'none',
  },
  // HAProxy took every server of a backend out of rotation (haproxy/haproxy src/backend.c set_backend_down:
  // "backend '%s' has no server available!"); clients then get its built-in 503 page ("No server is
  // available to handle this request.", src/http.c http_err_msgs)
  {
    id: 'haproxy-no-server',
    hint: ['has no server available', 'no server is available'],
    product: 'haproxy',
    re: /\bhas no server available!|No server is available to handle this request/,
    side: 'proxy',
    peer: 'upstream',
    error: { id: 'HTTP_503', weight: 6 },
    note: 'HAProxy wrote this: every server of the backend failed its health checks (or is in maintenance), so HAProxy answers clients 503 without trying a connection. The "Server ... is DOWN, reason: ..." lines just before it say why each server failed.',
    causes: ['upstream_unavailable', 'server_crash_restart', 'nothing_listening', 'packet_filter_drop'],
    probe: 'none',
  },
  // a 502/503/504 fetched from a load balancer's own DNS name (NAME-ID.REGION.elb.amazonaws.com, https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html, DNS name):
  // the page came from the load balancer, about its target (its 5xx pages carry no awselb text in the body)
  {
    id: 'aws-elb-hostname-5xx',
    hint: ['.elb.amazonaws.com'],
    product: 'aws_alb',
    re: /\.elb\.amazonaws\.com\b[\s\S]{0,600}?\b50[234]\b/,
    side: 'proxy',
    peer: 'upstream',
    note: 'The request went to an AWS load balancer\'s own DNS name (*.elb.amazonaws.com), and the 5xx came from the load balancer, about the TARGET behind it (an instance, a container or a Lambda function). Its access log (elb_status_code vs target_status_code, error_reason) says which: a 502 with target_status_code "-" is the target\'s connection or response failing, a Lambda target returning a response the load balancer cannot use is a 502 too.',
    causesByError: {
      HTTP_502: ['lb_target_failure', 'upstream_keepalive_mismatch', 'server_crash_restart', 'nothing_listening'],
      HTTP_503: ['upstream_unavailable', 'lb_target_failure'],
      HTTP_504: ['upstream_timeout', 'lb_target_failure', 'packet_filter_drop'],
    },
    probe: 'none',
  },
  {
    id: 'cloudflare-reply',
    hint: ['cloudflare', 'cf-ray'],
    product: 'cloudflare',
    re: /\bcloudflare\b|Cloudflare Ray ID|\bcf-ray\b/i,
    side: 'proxy',
    peer: 'upstream',
    note: 'Cloudflare answered this itself, about your ORIGIN server: the connection between Cloudflare and the origin failed. Probe the origin directly, from outside Cloudflare.',
    probe: 'none',
  },
  // ---------------------------------------------------------------- ssh (sshd's log first: it is about the client)
  {
    id: 'sshd-maxstartups',
    hint: ['maxstartups', 'drop connection'],
    product: 'ssh',
    re: /past MaxStartups|\bdrop connection #\d+ from\b|\bexceeded MaxStartups\b/,
    side: 'server',
    peer: 'client',
    error: { id: 'EOF', weight: 7 },
    note: 'sshd wrote this about a CLIENT it dropped before authentication: too many connections were still unauthenticated (MaxStartups). That client sees "kex_exchange_identification: Connection closed by remote host" or a reset.',
    causes: ['ssh_preauth_limit', 'connection_limit'],
    probe: 'none',
  },
  {
    id: 'sshd-about-client',
    hint: ['preauth', 'sshd', 'refused connect'],
    product: 'ssh',
    re: /\[preauth\]|\bsshd(?:-session)?\[\d+\]|\bsshd: (?:error|fatal)\b|refused connect from\b/,
    side: 'server',
    peer: 'client',
    note: 'sshd wrote this about its CLIENT: the client closed or reset the connection (often before authentication: port scanners, load-balancer TCP health checks, clients that gave up, or a client-side firewall).',
    causes: ['client_disconnected', 'ssh_preauth_limit', 'middlebox_idle_timeout'],
    probe: 'none',
  },
  {
    id: 'ssh-client-preauth',
    hint: ['exchange_identification', 'banner exchange'],
    product: 'ssh',
    re: /\bkex_exchange_identification\b|\bssh_exchange_identification\b|\bbanner exchange\b/,
    side: 'client',
    peer: 'server',
    note: 'The ssh client wrote this: the TCP connection opened, but the server side closed or reset it before sending its SSH banner (the identification exchange comes before any authentication), so the cause is on the server\'s side or in front of it, not your key or password.',
    causes: ['ssh_preauth_limit', 'firewall_intervention', 'connection_limit', 'wrong_service_on_port', 'server_crash_restart'],
    causesByError: { ETIMEDOUT: ['packet_filter_drop', 'ssh_preauth_limit', 'connection_limit', 'routing_problem'] },
    probe: 'any',
  },
  {
    id: 'ssh-client-session',
    hint: ['client_loop', 'packet_write_wait', 'not responding', 'closed by remote host', 'read from remote host', 'ssh: connect'],
    product: 'ssh',
    re: /\bclient_loop: send disconnect\b|\bpacket_write_wait\b|\bTimeout, server \S{1,253} not responding\b|\bConnection to \S{1,253} closed by remote host\b|\bRead from remote host\b|\bssh: connect to host\b/,
    side: 'client',
    peer: 'server',
    note: 'The ssh client wrote this about an established session (or its connect): a session that dies after some idle minutes is almost always a NAT or firewall forgetting it (ServerAliveInterval fixes that), or sshd\'s ClientAliveInterval.',
    causes: ['middlebox_idle_timeout', 'server_idle_timeout', 'server_crash_restart', 'routing_problem'],
    causesByError: {
      ECONNREFUSED: ['nothing_listening', 'firewall_intervention', 'server_crash_restart'],
      ETIMEDOUT: ['packet_filter_drop', 'routing_problem', 'middlebox_idle_timeout'],
      ENOTFOUND: ['dns_problem'],
      EAI_AGAIN: ['dns_problem'],
      EHOSTUNREACH: ['routing_problem', 'firewall_intervention'],
    },
    probe: 'any',
  },
  // ---------------------------------------------------------------- PostgreSQL (server log lines first)
  {
    id: 'postgresql-idle-timeout',
    hint: ['idle'],
    product: 'postgresql',
    re: /terminating connection due to idle[- ]in[- ]transaction timeout|terminating connection due to idle[- ]session timeout|idle_in_transaction_session_timeout|idle_session_timeout/,
    side: 'server',
    peer: 'client',
    error: { id: 'EOF', weight: 7 },
    note: 'PostgreSQL (the server) ended this session itself because it sat idle too long: inside an open transaction (idle_in_transaction_session_timeout) or outside one (idle_session_timeout). The client finds out on its next statement ("server closed the connection unexpectedly" or an SSL EOF). Nothing dropped packets.',
    causes: ['db_idle_timeout', 'client_disconnected'],
    probe: 'none',
  },
  // the client's view of the same termination: libpq prints the server's FATAL message, then "server closed
  // the connection unexpectedly"; psycopg2 raises errors.AdminShutdown (SQLSTATE 57P01 admin_shutdown,
  // https://www.postgresql.org/docs/current/errcodes-appendix.html)
  {
    id: 'postgresql-client-admin-terminate',
    hint: ['adminshutdown', 'administrator command'],
    product: 'postgresql',
    re: /\bAdminShutdown\b|terminating connection due to administrator command[^\n]{0,12}(?:\n|\\n|\s)[^\n]{0,40}server closed the connection unexpectedly/,
    side: 'client',
    peer: 'server',
    error: { id: 'EOF', weight: 7 },
    note: 'A PostgreSQL client wrote this: the server ended its session on purpose (a fast or smart shutdown or restart, or pg_terminate_backend from an administrator or a tool) and told the client so before closing. Nothing in the network failed.',
    causes: ['server_crash_restart', 'db_idle_timeout'],
    probe: 'any',
  },
  {
    id: 'postgresql-admin-terminate',
    hint: ['terminating connection', 'database system is'],
    product: 'postgresql',
    re: /terminating connection due to (?:administrator command|conflict with recovery|unexpected postmaster exit)|the database system is (?:shutting down|starting up|in recovery mode)/,
    side: 'server',
    peer: 'client',
    error: { id: 'EOF', weight: 7 },
    note: 'PostgreSQL (the server) ended this session itself: an administrator or tool ran pg_terminate_backend, the server shut down or restarted, or a replica cancelled the session.',
    causes: ['server_crash_restart', 'db_idle_timeout'],
    probe: 'none',
  },
  {
    id: 'postgresql-about-client',
    hint: ['client connection', 'data from client', 'data to client', 'connection to client', 'startup packet'],
    product: 'postgresql',
    re: /could not (?:receive|send) data (?:from|to) client|unexpected EOF on client connection|connection to client lost|incomplete startup packet/,
    side: 'server',
    peer: 'client',
    error: { id: 'EOF', weight: 7 },
    note: 'PostgreSQL (the server) wrote this about its CLIENT: the client application, a pooler (PgBouncer) or something between them closed or reset the connection. The database was not at fault.',
    causes: ['client_disconnected', 'middlebox_idle_timeout', 'client_gave_up'],
    probe: 'none',
  },
  // PgBouncer's log: "S-0x...: db/user@host:port closing because: REASON (age=Ns)" (S- a server
  // connection, C- a client one). pgbouncer/pgbouncer src/server.c server_proto(): SBUF_EV_RECV_FAILED ->
  // disconnect_server(server, false, "server conn crashed?"); src/client.c client_proto(): SBUF_EV_RECV_FAILED ->
  // disconnect_client(client, false, "client unexpected eof"); the timeouts are pgbouncer.ini's
  // (https://www.pgbouncer.org/config.html: client_idle_timeout, idle_transaction_timeout, query_timeout)
  {
    id: 'pgbouncer-server-closed',
    hint: ['server conn crashed'],
    product: 'postgresql',
    re: /\b[CS]-0x[0-9a-fA-F]{4,16}: [^\n]{0,300}?(?:closing because|pooler error): server conn crashed\?/,
    side: 'proxy',
    peer: 'upstream',
    error: { id: 'EOF', weight: 7 },
    note: 'PgBouncer (the pooler) wrote this about its SERVER connection to PostgreSQL: reading from it failed, because PostgreSQL closed it (a restart, pg_terminate_backend, idle_in_transaction_session_timeout or idle_session_timeout) or something between them dropped it. The client that was using it got the error "server conn crashed?".',
    causes: ['server_crash_restart', 'db_idle_timeout', 'middlebox_idle_timeout', 'firewall_intervention'],
    causesByError: { ETIMEDOUT: ['middlebox_idle_timeout', 'packet_filter_drop', 'server_crash_restart'] },
    probe: 'none',
  },
  {
    id: 'pgbouncer-client-closed',
    hint: ['client unexpected eof', 'client disconnect while server was not ready'],
    product: 'postgresql',
    re: /\bclosing because: (?:client unexpected eof|client disconnect while server was not ready)/,
    side: 'proxy',
    peer: 'client',
    error: { id: 'EOF', weight: 7 },
    note: 'PgBouncer (the pooler) wrote this about its CLIENT: the application closed its connection to PgBouncer without the protocol\'s goodbye (it was killed or restarted, a pool discarded the connection, its own timeout fired), in the middle of a query if the server was "not ready". PgBouncer and the database were not at fault.',
    causes: ['client_disconnected', 'client_gave_up', 'middlebox_idle_timeout'],
    probe: 'none',
  },
  {
    id: 'pgbouncer-idle-timeout',
    hint: ['client_idle_timeout', 'idle transaction timeout', 'idle_transaction_timeout'],
    product: 'postgresql',
    re: /\bclosing because: (?:client_idle_timeout|idle transaction timeout)|pooler error: (?:client_idle_timeout|idle transaction timeout)/,
    side: 'proxy',
    peer: 'client',
    error: { id: 'EOF', weight: 7 },
    note: 'PgBouncer (the pooler) closed this CLIENT connection itself because it sat idle longer than client_idle_timeout (or inside a transaction longer than idle_transaction_timeout). The application finds out on its next query ("server closed the connection unexpectedly").',
    causes: ['db_idle_timeout', 'client_disconnected'],
    probe: 'none',
  },
  {
    id: 'postgresql-client',
    hint: ['server closed the connection', 'ssl syscall', 'psycopg', 'libpq', 'psqlexception', 'org.postgresql', 'connection to server at', 'pgx', 'asyncpg', 'node-postgres', 'sequelizeconnection'],
    product: 'postgresql',
    re: /server closed the connection unexpectedly|SSL SYSCALL error|\bpsycopg2?\b|\blibpq\b|\bPSQLException\b|org\.postgresql|connection to server at\b|\bpgx\b|\basyncpg\b|\bnode-postgres\b|\bSequelizeConnection/,
    side: 'client',
    peer: 'server',
    note: 'A PostgreSQL client wrote this about the database server.',
    probe: 'any',
  },
  // more client-side texts: libpq's "SSL connection has been closed unexpectedly" (src/interfaces/libpq/
  // fe-secure-openssl.c, SSL_ERROR_ZERO_RETURN) and "no connection to the server" (fe-exec.c), Ruby pg's
  // PG::ConnectionBad / PG::UnableToSend, and PgBouncer's error as a client receives it ("server conn crashed?", SQLSTATE 08P01)
  {
    id: 'postgresql-client-more',
    hint: ['ssl connection has been closed', 'no connection to the server', 'pg::', 'server conn crashed'],
    product: 'postgresql',
    re: /SSL connection has been closed unexpectedly|\bno connection to the server\b|\bPG::[A-Z][A-Za-z]{2,40}\b|\bserver conn crashed\?/,
    side: 'client',
    peer: 'server',
    error: { id: 'EOF', weight: 7 },
    note: 'A PostgreSQL client wrote this about the database server (or the PgBouncer pooler in front of it): the connection it was using had been closed.',
    probe: 'any',
  },
  // ---------------------------------------------------------------- MySQL / MariaDB
  {
    id: 'mysql-handshake',
    hint: ['communication packet', 'authorization packet'],
    product: 'mysql',
    re: /(?:reading|waiting for) initial communication packet|reading authorization packet/,
    side: 'client',
    peer: 'server',
    operation: 'connect',
    note: 'The MySQL client wrote this: the TCP connection opened, but the server (or something forwarding the port) closed or reset it during MySQL\'s own handshake, before any query: the host is blocked (max_connect_errors) or not allowed, max_connections is reached, a reverse DNS lookup stalled (skip_name_resolve off), or the port forward (Docker, a proxy, an SSH tunnel) has no running server behind it yet.',
    causes: ['connection_limit', 'firewall_intervention', 'server_crash_restart', 'wrong_service_on_port'],
    causesByError: {
      ECONNREFUSED: ['nothing_listening', 'server_crash_restart', 'firewall_intervention'],
      ETIMEDOUT: ['packet_filter_drop', 'connection_limit', 'routing_problem'],
    },
    probe: 'any',
  },
  {
    id: 'mysql-server-timeout-reading',
    hint: ['communication packets'],
    product: 'mysql',
    re: /Aborted connection \S{1,20} to db:[^\n]{0,200}\(Got timeout reading communication packets\)|Got timeout reading communication packets/,
    side: 'server',
    peer: 'client',
    error: { id: 'EOF', weight: 7 },
    note: 'The MySQL server wrote this about its CLIENT: the connection sat idle longer than wait_timeout (or interactive_timeout) and the server closed it.',
    causes: ['db_idle_timeout', 'client_disconnected'],
    probe: 'none',
  },
  {
    id: 'mysql-server-about-client',
    hint: ['aborted connection', 'communication packets'],
    product: 'mysql',
    re: /Aborted connection \S{1,20} to db:|Got an error (?:reading|writing) communication packets|Aborted connection \d+\b/,
    side: 'server',
    peer: 'client',
    error: { id: 'EOF', weight: 7 },
    note: 'The MySQL server wrote this about its CLIENT: the client closed the connection without a proper quit (killed, crashed, a pool discarding it) or something between them dropped it.',
    causes: ['client_disconnected', 'middlebox_idle_timeout', 'db_idle_timeout'],
    probe: 'none',
  },
  {
    id: 'mysql-client',
    hint: ['mysql', 'communications link', 'cr_server', 'protocol_connection_lost', 'inactivity'],
    product: 'mysql',
    re: /MySQL server has gone away|Lost connection to MySQL server|disconnected by the server because of inactivity|\bCommunications link failure\b|\bCR_SERVER_(?:GONE|LOST)|\bPROTOCOL_CONNECTION_LOST\b|MySQL server on '/,
    side: 'client',
    peer: 'server',
    note: 'A MySQL client wrote this about the database server.',
    probe: 'any',
  },
  // ---------------------------------------------------------------- Kafka clients (org.apache.kafka.clients.NetworkClient, librdkafka, KafkaJS, sarama, kafka-python)
  {
    id: 'kafka-connect-failed',
    hint: ['could not be established', 'broker', 'nobrokersavailable'],
    product: 'kafka',
    re: /Connection to node -?\d+ (?:\([^)\n]{0,300}\) )?could not be established|Broker may not be available|\bNoBrokersAvailable\b|run out of available brokers|brokers are down|Failed to connect to (?:any |seed )?(?:kafka )?brokers?/i,
    side: 'client',
    peer: 'server',
    operation: 'connect',
    error: { id: 'ECONNREFUSED', weight: 6 },
    note: 'A Kafka client wrote this: it could not connect to a broker, at the address the broker ADVERTISES (advertised.listeners), which is not always the bootstrap address you configured.',
    causes: ['kafka_broker_unreachable', 'nothing_listening', 'packet_filter_drop', 'server_crash_restart'],
    probe: 'any',
  },
  {
    id: 'kafka-disconnected',
    hint: ['disconnect', 'closing connection', 'closed by broker'],
    product: 'kafka',
    re: /\bDisconnectException\b|being disconnected|Bootstrap broker \S{1,300} \(id: -?\d+ rack: \S{1,60}\) disconnected|\bNode -?\d+ disconnected|Disconnected \(after \d+ms in state|(?:Receive failed|\/bootstrap|:\d{2,5}\/\d{1,6}): Disconnected\b|KafkaJSConnectionClosedError|Closing connection[^\n]{0,80}due to|\bconnection closed by broker\b/i,
    side: 'client',
    peer: 'server',
    operation: 'read',
    error: { id: 'EOF', weight: 7 },
    note: 'A Kafka client wrote this: its connection to a broker closed. Right after connecting, every time: a listener or protocol mismatch (PLAINTEXT against SSL/SASL, the wrong advertised listener); after minutes of quiet: the broker\'s connections.max.idle.ms (10 min) or a NAT idle timeout; in bursts: a broker restarting.',
    causes: ['kafka_broker_unreachable', 'protocol_mismatch', 'server_idle_timeout', 'server_crash_restart'],
    probe: 'any',
  },
  {
    id: 'kafka-client',
    hint: ['kafka', 'sarama'],
    product: 'kafka',
    re: /org\.apache\.kafka|\blibrdkafka\b|\brdkafka\b|\bKafkaJS|\bkafka-python\b|\bsarama\b|\bconfluent_kafka\b|\bKafkaError\b/,
    side: 'client',
    peer: 'server',
    note: 'A Kafka client wrote this about a broker.',
    causesByError: {
      ECONNRESET: ['kafka_broker_unreachable', 'protocol_mismatch', 'middlebox_idle_timeout', 'server_crash_restart'],
      ECONNREFUSED: ['kafka_broker_unreachable', 'nothing_listening', 'server_crash_restart'],
      ETIMEDOUT: ['kafka_broker_unreachable', 'packet_filter_drop', 'server_slow_or_overloaded'],
    },
    probe: 'any',
  },
  // ---------------------------------------------------------------- container registries (docker pull and friends)
  {
    id: 'docker-registry',
    hint: ['docker', 'daemon', 'pulling', 'failed to', 'imagepull', 'errimagepull', 'ghcr.io', 'quay.io', 'gcr.io', '.dkr.ecr.'],
    product: 'docker',
    re: /registry-1\.docker\.io|\bdocker pull\b|Error response from daemon|error pulling image|failed to (?:copy|do request|resolve reference)|\bImagePullBackOff\b|\bErrImagePull\b|\bghcr\.io\b|\bquay\.io\b|\bgcr\.io\b|\.dkr\.ecr\./,
    side: 'client',
    peer: 'server',
    note: 'Docker (or containerd, or Kubernetes through them) wrote this while talking to a container registry: large layer downloads over long-lived HTTPS connections, through whatever proxy, VPN or TLS-inspecting firewall the host uses.',
    causesByError: {
      ECONNRESET: ['firewall_intervention', 'middlebox_idle_timeout', 'server_crash_restart', 'routing_problem'],
      ETIMEDOUT: ['packet_filter_drop', 'routing_problem', 'dns_problem', 'server_slow_or_overloaded'],
      EOF: ['firewall_intervention', 'middlebox_idle_timeout', 'server_crash_restart'],
      TLS_UNEXPECTED_EOF: ['firewall_intervention', 'tls_problem', 'middlebox_idle_timeout'],
    },
    probe: 'any',
  },
  // Java (any OS): java.net.PortUnreachableException "Signals that an ICMP Port Unreachable message has been
  // received on a connected datagram" (https://docs.oracle.com/en/java/javase/21/docs/api/java.base/java/net/PortUnreachableException.html);
  // Linux reports it on a connected UDP socket as ECONNREFUSED (man 7 udp, ERRORS / IP_RECVERR)
  {
    id: 'udp-port-unreachable-java',
    hint: ['portunreachableexception'],
    product: 'java',
    re: /\bPortUnreachableException\b/,
    side: 'client',
    peer: 'server',
    transport: 'udp',
    error: { id: 'ECONNREFUSED', weight: 7 },
    note: 'This is a UDP socket (a DatagramSocket or DatagramChannel, or Netty\'s UDP channel). UDP has no connection to refuse: an EARLIER datagram to that address drew an ICMP port-unreachable because nothing listens on the port there (a statsd or syslog agent not running, a peer that went away), and the OS reported it on this connected socket\'s next send or receive.',
    causesByError: { ECONNREFUSED: ['udp_port_unreachable', 'nothing_listening', 'server_crash_restart'] },
    probe: 'none',
  },
  // ---------------------------------------------------------------- UDP sockets on Windows (10054 from an ICMP port-unreachable)
  {
    id: 'udp-socket',
    hint: ['udp', 'receivefrom', 'wsarecvfrom', 'datagram', 'sock_dgram', 'recvfrom'],
    product: 'windows',
    re: /\bUdpClient\b|\bReceiveFrom\b|\bWSARecvFrom\b|\bDatagramProtocol\b|\bdatagram\b|\bSOCK_DGRAM\b|\brecvfrom\b|_recvfrom\(|\bUDP/i,
    side: 'client',
    peer: 'server',
    transport: 'udp',
    note: 'This is a UDP socket. UDP has no connection to reset: on Windows, WSAECONNRESET (10054) on a UDP receive means an EARLIER datagram you sent drew an ICMP port-unreachable from a host where nothing listens on that port.',
    causesByError: { ECONNRESET: ['udp_port_unreachable', 'nothing_listening', 'server_crash_restart'] },
    probe: 'none',
  },
  // ---------------------------------------------------------------- clients whose words only say which side wrote the line
  {
    id: 'node-socket-hang-up',
    hint: ['socket hang up'],
    product: 'node',
    re: /\bsocket hang up\b/i,
    side: 'client',
    peer: 'server',
    note: 'Node\'s http client wrote this, and it labels the error `code: \'ECONNRESET\'` (err.code === \'ECONNRESET\') although no reset arrived: the server closed the connection with a FIN before sending a reply. Most often it had closed an idle keep-alive connection the agent reused (the server\'s keepAliveTimeout is shorter than the agent\'s idle time).',
    probe: 'any',
  },
  {
    id: 'curl-client',
    hint: ['curl'],
    product: 'curl',
    re: /\bcurl: \(\d+\)|\bcURL error \d+|\bcurl\b/,
    side: 'client',
    peer: 'server',
    note: 'curl (the client) wrote this about the server it connected to (or the proxy in between).',
    probe: 'any',
  },
  {
    id: 'generic-client-library',
    hint: ['connect e', 'read e', 'write e', 'getaddrinfo e', 'fetch failed', 'axioserror', 'undici'],
    product: 'node',
    re: /\b(?:connect|read|write) E[A-Z]{4,20}\b|\bgetaddrinfo E[A-Z_]{4,20}\b|\bfetch failed\b|\bAxiosError\b|\bundici\b/,
    side: 'client',
    peer: 'server',
    note: 'A Node.js client wrote this about the server it connected to.',
    probe: 'any',
  },
  // Go's net/http SERVER about a client whose TLS handshake failed (scanners, health checks, plain HTTP to the TLS port)
  {
    id: 'go-server-tls-handshake',
    hint: ['tls handshake error from'],
    product: 'go',
    re: /\bhttp: TLS handshake error from\b/,
    side: 'server',
    peer: 'client',
    note: 'A Go net/http SERVER wrote this about a CLIENT whose TLS handshake failed: load-balancer TCP health checks and port scanners that connect and close, clients speaking plain HTTP to the TLS port, or clients that do not trust the certificate and hang up.',
    causes: ['client_disconnected', 'protocol_mismatch', 'tls_problem'],
    probe: 'none',
  },
  {
    id: 'python-client',
    hint: ['traceback', 'requests.exceptions', 'urllib3', 'http.client', 'aiohttp', 'httpx', 'error', 'socket.'],
    product: 'python',
    re: /\bTraceback \(most recent call last\)|\brequests\.exceptions\.|\burllib3\.|\bhttp\.client\.|\baiohttp\.|\bhttpx\.|\bConnection(?:Reset|Refused|Aborted)Error\b|\bsocket\.(?:gaierror|timeout)\b|\[(?:WinError|Errno) -?\d+\]/,
    side: 'client',
    peer: 'server',
    note: 'A Python program wrote this; most such lines come from a client (requests, urllib3, an SDK) about the server it called.',
    probe: 'any',
  },
  {
    id: 'java-client',
    hint: ['java.', 'javax.', 'okhttp', 'org.apache.http', 'io.netty', 'feignexception', 'resourceaccessexception'],
    product: 'java',
    re: /\bjava\.(?:net|io)\.|\bjavax\.net\.ssl\.|\bokhttp3?\b|\borg\.apache\.http\.|\bio\.netty\.|\bFeignException\b|\bResourceAccessException\b/,
    side: 'client',
    peer: 'server',
    note: 'A Java program wrote this; most such lines come from a client (HttpClient, OkHttp, a JDBC driver, an SDK) about the server it called.',
    probe: 'any',
  },
  {
    id: 'go-client',
    hint: ['dial tcp', 'read tcp', 'write tcp', 'lookup ', 'net/http'],
    product: 'go',
    re: /\bdial tcp\b|\bread tcp\b|\bwrite tcp\b|\blookup \S{1,253}(?: on \S{1,60})?: |\bnet\/http: /,
    side: 'client',
    peer: 'server',
    note: 'A Go program wrote this from net (dial/read/write tcp); most such lines come from a client about the server it called.',
    probe: 'any',
  },
  {
    id: 'dotnet-client',
    hint: ['system.net.', 'socketexception', 'httprequestexception'],
    product: 'dotnet',
    re: /\bSystem\.Net\.|\bSocketException\b|\bHttpRequestException\b/,
    side: 'client',
    peer: 'server',
    note: 'A .NET program wrote this; most such lines come from a client (HttpClient, a socket) about the server it called.',
    probe: 'any',
  },
];

/** `lower` is the text lower-cased, passed in by a caller that already has it. */
export function perspectiveOf(text: string, lower: string = text.toLowerCase()): LogPerspective | null {
  return LOG_PERSPECTIVES.find((p) => p.hint.some((h) => lower.includes(h)) && mayMatch(p.re, text, lower) && p.re.test(text)) ?? null;
}
