/**
 * Causes of connection failures, with remediation, as data. `explain` (error codes) and the probe
 * diagnosis both rank rows of this table; adding a cause is adding a row.
 */

export const CAUSE_IDS = [
  'server_crash_restart',
  'server_idle_timeout',
  'middlebox_idle_timeout',
  'firewall_intervention',
  'packet_filter_drop',
  'app_error_close',
  'wrong_service_on_port',
  'protocol_mismatch',
  'tls_problem',
  'connection_limit',
  'nothing_listening',
  'routing_problem',
  'dns_problem',
  'local_resource_exhaustion',
  'wrote_after_peer_closed',
  'server_slow_or_overloaded',
  'local_software_abort',
  'server_closes_after_reply',
  'upstream_reset',
  'upstream_unavailable',
  'upstream_timeout',
  'upstream_keepalive_mismatch',
  'app_server_error',
  'client_slow_or_gone',
  'syn_lost',
  'certificate_untrusted',
  'server_timer',
  'turned_away_by_policy',
  'content_filtering',
  'reset_after_reply',
] as const;

export type CauseId = (typeof CAUSE_IDS)[number];

export interface Cause {
  id: CauseId;
  title: string;
  /** what this cause is, in plain words */
  summary: string;
  /** how to find out whether this is the cause */
  howToTell: string[];
  /** what to do about it, step by step */
  remediation: string[];
}

export const CAUSES: Readonly<Record<CauseId, Cause>> = {
  server_crash_restart: {
    id: 'server_crash_restart',
    title: 'The server process crashed or restarted',
    summary:
      'When a process dies or is restarted (deploy, OOM kill, crash), the kernel closes its sockets; data still arriving for them is answered with RST.',
    howToTell: [
      'Check the server\'s logs, process uptime and restart counters (e.g. `kubectl get pod` RESTARTS, `systemctl status`, `journalctl -k | grep -i oom`) around the time of the reset.',
      'Resets that cluster at deploy times, or affect every client at once, point here.',
      'Run `connreset probe HOST:PORT --repeat 20 --interval 5s` during a deploy to see the window.',
    ],
    remediation: [
      'Make clients retry idempotent requests on ECONNRESET with exponential backoff and jitter.',
      'Drain connections before stopping a server: stop accepting, finish in-flight requests, then exit (graceful shutdown, preStop hook, load-balancer deregistration delay).',
      'Fix the crash itself: look for OOM kills, unhandled exceptions and health-check restarts.',
    ],
  },
  server_idle_timeout: {
    id: 'server_idle_timeout',
    title: 'The server closes idle connections (server keep-alive timeout)',
    summary:
      'Servers close connections that stay silent longer than their keep-alive or idle timeout (nginx keepalive_timeout 75 s, Node http.Server keepAliveTimeout 5 s, databases\' wait_timeout). A client that reuses such a connection from its pool writes into a closed socket and gets a reset.',
    howToTell: [
      'Measure it: `connreset idle HOST:PORT` reports the idle timeout of the path and who enforces it.',
      'The failures come on the first request after a quiet period, rarely under steady load.',
      'A FIN (or RST) from the server after exactly N seconds of silence in `connreset probe HOST:PORT --idle 2m` gives N.',
    ],
    remediation: [
      'Make the client\'s pool idle timeout shorter than the server\'s (e.g. server 5 s → client 4 s), or validate pooled connections before use.',
      'Or raise the server\'s idle timeout above the client\'s (and above any load balancer\'s in between).',
      'Retry idempotent requests once on a reset of a reused connection.',
    ],
  },
  middlebox_idle_timeout: {
    id: 'middlebox_idle_timeout',
    title: 'A NAT, firewall or load balancer dropped the idle connection\'s state',
    summary:
      'Stateful middleboxes forget connections that stay silent past their idle timeout (AWS NAT Gateway and NLB 350 s, ALB 60 s, Azure LB 4 min, GCP firewall 10 min). The next packet is answered with an RST, or silently dropped, while the server still believes the connection is open.',
    howToTell: [
      'Measure it: `connreset idle HOST:PORT` finds the timeout; a value like 60, 240, 350 or 600 s names a cloud middlebox.',
      'The server\'s logs show no close at that time: its side of the connection is still open.',
      'Probing from inside the same network as the server (no middlebox) does not reproduce it.',
    ],
    remediation: [
      'Enable TCP keepalive with an interval below the middlebox timeout (e.g. 30 s for 60 s): Linux `net.ipv4.tcp_keepalive_time`, Node `socket.setKeepAlive(true, 30000)`, Python `SO_KEEPALIVE` + `TCP_KEEPIDLE`, Go `net.Dialer{KeepAlive: 30 * time.Second}`.',
      'Or make connection pools drop idle connections before the middlebox does.',
      'Or raise the middlebox idle timeout where it is configurable (ALB idle_timeout, NLB tcp.idle_timeout, Azure LB idle timeout).',
    ],
  },
  firewall_intervention: {
    id: 'firewall_intervention',
    title: 'A firewall or proxy actively rejected the connection',
    summary:
      'A packet filter with a REJECT rule answers a SYN or data with an RST (or ICMP unreachable) on behalf of the server; a proxy or IPS may inject resets into connections it dislikes.',
    howToTell: [
      'The same port is open from another network, or from the server itself (`connreset probe 127.0.0.1:PORT` on the host).',
      'The RST arrives faster than the round trip to the server would allow, or has a different TTL than the server\'s packets (tcpdump -v).',
      'Check firewall rules and logs along the path (iptables -L -v counters, security groups, network ACLs, IPS logs).',
    ],
    remediation: [
      'Allow the flow in the firewall, security group or network policy that rejects it.',
      'If a proxy or IPS resets on content, find its rule in the proxy\'s logs and adjust it or route around it.',
    ],
  },
  packet_filter_drop: {
    id: 'packet_filter_drop',
    title: 'A firewall silently drops the packets',
    summary:
      'A DROP rule, a black-holed route, or a middlebox that lost state discards packets without answering; the client retransmits until its timeout expires (ETIMEDOUT).',
    howToTell: [
      'A connect that times out with no answer at all, where `refused` would mean something answered.',
      '`tcpdump` on the client shows SYN retransmissions with no reply; on the server, the SYNs never arrive.',
    ],
    remediation: [
      'Allow the flow in the firewall, security group or network ACL that drops it.',
      'Check routes and that the address is the right one (a stale DNS record pointing at a dead address looks the same).',
      'Set a short connect timeout in clients so that a blackhole fails fast and the next address is tried.',
    ],
  },
  app_error_close: {
    id: 'app_error_close',
    title: 'The application closed the socket without replying',
    summary:
      'The server application hit an error (exception, request too large, bad request, timeout reading the request) and closed the socket with unread data in its buffer, which makes the kernel send RST instead of FIN; or it aborted the connection on purpose (SO_LINGER 0, nginx `return 444`).',
    howToTell: [
      'The server\'s application logs show an error for the request at the reset time.',
      'The reset follows the request quickly and reproducibly: `connreset probe HOST:PORT --send http`.',
    ],
    remediation: [
      'Read the server\'s logs for the failing request and fix the error or the request.',
      'Make the server send an error response (e.g. HTTP 400/413/500) before closing, and read the whole request before closing.',
    ],
  },
  wrong_service_on_port: {
    id: 'wrong_service_on_port',
    title: 'A different service (or version) is listening on this port',
    summary:
      'The port is served by something other than what the client expects: another process took the port, a sidecar or debug server, the wrong environment, or a stale port mapping.',
    howToTell: [
      'On the server: `ss -ltnp \'sport = :PORT\'` (Linux) or `lsof -iTCP:PORT -sTCP:LISTEN` shows which process owns the port.',
      'The banner or reply is not what the protocol should produce: `connreset probe HOST:PORT --send text:hello`.',
    ],
    remediation: [
      'Point the client at the right port, or move the other service away.',
      'Pin ports in the deployment configuration and check for port conflicts at start-up (EADDRINUSE).',
    ],
  },
  protocol_mismatch: {
    id: 'protocol_mismatch',
    title: 'Protocol mismatch: the client and server speak different protocols',
    summary:
      'Plain text sent to a TLS port (or TLS to a plain port), HTTP to a database port, HTTP/1 to an HTTP/2-only server: the server cannot parse the bytes and closes or resets the connection.',
    howToTell: [
      'Try the other protocol: `connreset probe tls://HOST:PORT` against `connreset probe tcp://HOST:PORT --send http`.',
      'A TLS client that reads a plain-text reply reports "wrong version number" or "packet length too long".',
    ],
    remediation: [
      'Use the scheme the port expects (https:// vs http://, sslmode, useSSL).',
      'Check the proxy or load-balancer listener protocol matches the backend (TCP vs TLS vs HTTP).',
    ],
  },
  tls_problem: {
    id: 'tls_problem',
    title: 'TLS handshake failure: version, cipher, certificate or SNI',
    summary:
      'The TLS handshake fails when client and server share no protocol version or cipher, the server requires SNI or a client certificate, or a certificate is invalid; servers often abort with an alert or a bare RST.',
    howToTell: [
      '`connreset probe tls://HOST:PORT` shows the alert, the negotiated protocol and the certificate.',
      '`openssl s_client -connect HOST:PORT -servername HOST` shows the server\'s side of the handshake.',
    ],
    remediation: [
      'Align the TLS versions and ciphers (TLS 1.2+), send SNI, provide a client certificate when asked.',
      'Renew or fix an expired or mismatched certificate, and install the intermediate chain.',
    ],
  },
  connection_limit: {
    id: 'connection_limit',
    title: 'A connection limit was hit (backlog, max connections, rate limit)',
    summary:
      'A server at its maximum connections, a full accept backlog (SYN or accept queue overflow), or a rate limiter rejects new connections, often with an immediate RST or close.',
    howToTell: [
      'Failures grow with load and disappear when load drops; `netstat -s | grep -i listen` shows listen queue overflows.',
      'Server logs mention max connections (`too many connections`, `worker_connections are not enough`).',
    ],
    remediation: [
      'Raise the limit (listen backlog / `net.core.somaxconn`, PostgreSQL/MySQL `max_connections`, Redis `maxclients`, nginx `worker_connections`) or add capacity.',
      'Use connection pooling in clients so they reuse connections instead of opening many.',
    ],
  },
  nothing_listening: {
    id: 'nothing_listening',
    title: 'Nothing is listening on that port',
    summary:
      'The host is up but no process listens on the port: the kernel answers the SYN with an RST (connection refused). The service is down, still starting, bound to another interface (127.0.0.1 only), or on another port.',
    howToTell: [
      'On the server: `ss -ltn` (Linux), `netstat -an | findstr LISTEN` (Windows) or `lsof -iTCP -sTCP:LISTEN` (macOS) shows what listens, and on which address.',
      'A refusal that comes back within one round trip is the host\'s kernel; compare with a known-open port on the same host.',
    ],
    remediation: [
      'Start the service, or wait for it to be ready (retry connects with backoff during start-up).',
      'Bind the service to the right interface (0.0.0.0 or the host\'s address, not 127.0.0.1) and port.',
    ],
  },
  routing_problem: {
    id: 'routing_problem',
    title: 'No route to the host or network',
    summary:
      'A router (or the local host) has no route to the destination, or the host does not answer ARP/neighbour discovery, and reports ICMP host/network unreachable.',
    howToTell: [
      '`ip route get ADDRESS` (Linux) or `route get ADDRESS` (macOS) shows the local route; `traceroute -T -p PORT HOST` shows where it stops.',
      'ICMP "administratively prohibited" means a firewall, not a routing hole.',
    ],
    remediation: [
      'Fix the route, VPN or peering, or the address the client uses.',
      'If a firewall sends ICMP unreachable, allow the flow there.',
    ],
  },
  dns_problem: {
    id: 'dns_problem',
    title: 'The name did not resolve',
    summary:
      'DNS lookup failed: the name does not exist (NXDOMAIN, ENOTFOUND) or the resolver could not be reached or answered SERVFAIL (EAI_AGAIN, a temporary failure).',
    howToTell: [
      '`getent hosts NAME` (Linux) or `dscacheutil -q host -a name NAME` (macOS) resolves the way applications do.',
      'EAI_AGAIN is temporary (resolver down or overloaded); ENOTFOUND is a name that does not exist (typo, missing record, wrong search domain).',
    ],
    remediation: [
      'Fix the name or the DNS record; check the search domains in /etc/resolv.conf.',
      'For EAI_AGAIN, check the resolver (systemd-resolved, CoreDNS, the VPC resolver) and retry with backoff.',
    ],
  },
  local_resource_exhaustion: {
    id: 'local_resource_exhaustion',
    title: 'The local host ran out of sockets, buffers or file descriptors',
    summary:
      'EMFILE (too many open files), ENOBUFS (no buffer space) and EADDRNOTAVAIL (no ephemeral port left) come from the client\'s own host, not the network.',
    howToTell: [
      '`ulimit -n`, `ls /proc/PID/fd | wc -l`, and `ss -s` show descriptor and socket counts.',
      'Many sockets in TIME_WAIT towards one destination exhaust ephemeral ports.',
    ],
    remediation: [
      'Close sockets you no longer need and reuse connections (pooling, keep-alive).',
      'Raise the descriptor limit (`ulimit -n`, systemd LimitNOFILE) or widen `net.ipv4.ip_local_port_range`.',
    ],
  },
  wrote_after_peer_closed: {
    id: 'wrote_after_peer_closed',
    title: 'The client wrote to a connection the peer had already closed',
    summary:
      'After the peer closes (FIN), the first write still succeeds but draws an RST; the next write fails with EPIPE ("broken pipe") or ECONNRESET. Typical of a pooled connection reused after the server\'s idle timeout.',
    howToTell: [
      'The error appears on a write (send, write, wsasend), on the first request after a quiet period.',
      '`connreset probe HOST:PORT --idle 2m` shows whether the server closes idle connections, and when.',
    ],
    remediation: [
      'Detect closed connections before reuse (read readiness / EOF check) or limit pool idle time below the server\'s timeout.',
      'Retry idempotent requests once on EPIPE/ECONNRESET from a reused connection.',
    ],
  },
  server_slow_or_overloaded: {
    id: 'server_slow_or_overloaded',
    title: 'The server is slow or overloaded',
    summary:
      'The server accepts the connection but answers late or not at all within the client\'s timeout: overloaded, blocked on a dependency, or stuck.',
    howToTell: [
      '`connreset probe HOST:PORT --send http --reply-timeout 30s` shows how long the first byte takes.',
      'Server metrics (CPU, queue depth, latency of its own dependencies) at the time of the timeouts.',
    ],
    remediation: [
      'Set client timeouts that fit the service\'s real latency, with retries and backoff.',
      'Find the bottleneck on the server (profiling, dependency latency) or add capacity.',
    ],
  },
  local_software_abort: {
    id: 'local_software_abort',
    title: 'The local host aborted the connection',
    summary:
      'ECONNABORTED / WSAECONNABORTED (10053): the client\'s own stack gave up on the connection: retransmission timeout on data, a local firewall or antivirus, or the application closing the socket while an operation was pending.',
    howToTell: [
      'On Windows, check local firewall and antivirus/endpoint-protection logs, and VPN clients.',
      'Look for the client\'s own code closing or disposing the socket (timeouts, cancellation) just before the error.',
    ],
    remediation: [
      'Exclude the application from interfering security software, or update it.',
      'Treat it like a reset: reconnect and retry idempotent work with backoff.',
    ],
  },
  server_closes_after_reply: {
    id: 'server_closes_after_reply',
    title: 'The server closes the connection after each reply (no keep-alive)',
    summary:
      'The server answers and then closes (HTTP `Connection: close`, keep-alive disabled, a one-shot protocol). Harmless for one request, but a client that pools connections and reuses this one writes into a closed socket and gets EPIPE or a reset.',
    howToTell: [
      'The reply carries `Connection: close` (HTTP) or the FIN follows the reply within milliseconds: `connreset probe HOST:PORT --send http`.',
      'Errors come on the second request of a pooled connection, never on the first.',
    ],
    remediation: [
      'Make the client honour `Connection: close` and not pool these connections, or enable keep-alive on the server.',
      'Retry idempotent requests once when a reused connection fails with EPIPE/ECONNRESET.',
    ],
  },
  // The HTTP face of a connection problem one hop further: a proxy or load balancer answers the
  // client with a 5xx because its own connection to the upstream failed (src/knowledge/http-replies.ts).
  upstream_reset: {
    id: 'upstream_reset',
    title: "The proxy's upstream reset, refused or closed the connection (502 Bad Gateway)",
    summary:
      'A reverse proxy or load balancer (nginx, Envoy, an AWS ALB, Cloudflare) answered 502 because its connection to the upstream server failed: the upstream reset it ("connection reset by peer"), refused it (nothing listening), or closed it before sending a complete reply. The client\'s own connection to the proxy is fine.',
    howToTell: [
      'The reply is `502 Bad Gateway` (Cloudflare: 520, 521) and the proxy\'s error log has a line for the request, e.g. nginx `recv() failed (104: Connection reset by peer) while reading response header from upstream` or `upstream prematurely closed connection`.',
      'Every request failing means the upstream is down or refusing; only some failing, mostly after quiet periods, means the upstream closes pooled keep-alive connections the proxy still reuses.',
    ],
    remediation: [
      'Probe the upstream directly, from the proxy\'s host: `connreset probe http://UPSTREAM:PORT/path` shows whether it refuses, resets or closes, and when.',
      'Find the proxy\'s error-log line for this request and paste it into `connreset explain -`: it names the upstream and what its socket reported.',
      'If the 502s are sporadic, compare keep-alive timeouts: the upstream\'s idle timeout must be longer than the time the proxy keeps idle upstream connections (nginx `keepalive_timeout` in the `upstream {}` block, 60 s; an AWS ALB\'s idle timeout, 60 s, against Node\'s `server.keepAliveTimeout`, 5 s by default: set it to 65 s and `headersTimeout` above it).',
      'If every request fails, bring the upstream back (it crashed, is restarting, or listens on another port or address), and fix the proxy\'s upstream address if it is wrong.',
    ],
  },
  upstream_unavailable: {
    id: 'upstream_unavailable',
    title: 'The proxy has no healthy upstream, or the service is overloaded (503 Service Unavailable)',
    summary:
      'A 503 says the service cannot take the request now: the proxy has no healthy upstream (every backend failed its health check, none registered, a circuit breaker open), a rate limit rejected the request, or the application itself reports that it is overloaded, starting, shutting down or missing a dependency.',
    howToTell: [
      'The reply is `503 Service Unavailable`; Envoy\'s page says `no healthy upstream`, HAProxy\'s `No server is available to handle this request`.',
      'The load balancer\'s target health (ALB target group, `kubectl get endpoints`, Envoy\'s /clusters admin page) shows no healthy backend.',
      'A `Retry-After` header says how long the server wants clients to wait.',
    ],
    remediation: [
      'Check the health of the upstreams behind the proxy (target group health, `kubectl get endpoints SERVICE`, Envoy admin /clusters) and why they fail their health checks.',
      'Probe an upstream directly: `connreset probe http://UPSTREAM:PORT/health`.',
      'If a rate limit or circuit breaker rejected the request (nginx limit_req/limit_conn, Envoy overflow), raise it or add capacity; make clients retry 503s with backoff and honour Retry-After.',
    ],
  },
  upstream_timeout: {
    id: 'upstream_timeout',
    title: 'The proxy timed out waiting for its upstream (504 Gateway Timeout)',
    summary:
      'A proxy or load balancer answered 504 because its upstream accepted the request but did not reply within the proxy\'s timeout (nginx proxy_read_timeout 60 s, an AWS ALB\'s idle timeout 60 s, Envoy\'s route timeout 15 s, Cloudflare 120 s), or the connection to the upstream timed out.',
    howToTell: [
      'The reply is `504 Gateway Timeout` (Cloudflare: 522, 524), and it comes after about the proxy\'s timeout.',
      'The proxy\'s error log says so, e.g. nginx `upstream timed out (110: Connection timed out) while reading response header from upstream`.',
    ],
    remediation: [
      'Probe the upstream directly with a long reply timeout: `connreset probe http://UPSTREAM:PORT/path --reply-timeout 2m` shows how long it really takes.',
      'Find what makes the upstream slow (its own dependencies, locks, load) or move long work out of the request.',
      'Align the timeouts along the path: the proxy\'s timeout above the upstream\'s real latency, the client\'s above the proxy\'s.',
    ],
  },
  upstream_keepalive_mismatch: {
    id: 'upstream_keepalive_mismatch',
    title: 'The upstream closes idle keep-alive connections the proxy still reuses (sporadic 502s)',
    summary:
      'A proxy keeps idle connections to its upstream open for reuse. When the upstream\'s idle timeout is shorter than the proxy\'s, the upstream closes a connection just as the proxy sends the next request on it: the proxy gets a reset or an EOF and answers 502. It happens now and then, on the first request after a quiet spell: the classic cause of sporadic 502s behind nginx, an ALB or Envoy.',
    howToTell: [
      '502s are rare, cluster after quiet periods and vanish under steady load; the proxy\'s log says `upstream prematurely closed connection` or `Connection reset by peer` for them.',
      'Measure the upstream\'s idle timeout: `connreset idle http://UPSTREAM:PORT/` or `connreset probe http://UPSTREAM:PORT/ --idle 2m`, and compare it with the proxy\'s upstream keep-alive.',
    ],
    remediation: [
      'Make the upstream\'s idle (keep-alive) timeout longer than the proxy\'s: Node behind an AWS ALB (60 s): `server.keepAliveTimeout = 65000; server.headersTimeout = 66000`; gunicorn `--keep-alive 75`; nginx as the upstream `keepalive_timeout 75s`.',
      'Or make the proxy drop idle upstream connections sooner: nginx `keepalive_timeout` in the `upstream {}` block, Envoy\'s cluster `idle_timeout`; HAProxy `http-reuse never` on the backend stops reusing idle server connections (`timeout http-keep-alive` is the client side).',
      'Let the proxy retry idempotent requests on another connection (nginx `proxy_next_upstream error`, Envoy retry_on `reset`).',
    ],
  },
  app_server_error: {
    id: 'app_server_error',
    title: 'The application failed the request (HTTP 500 or another 5xx)',
    summary:
      'The connection worked and the server answered, but with a server error: the application hit an exception or a failed dependency while handling the request. The cause is in the application, not in the network.',
    howToTell: [
      'The reply is `500 Internal Server Error` (or another 5xx that no proxy explains) and the application\'s log has an error or a stack trace for the request.',
    ],
    remediation: [
      'Read the application\'s log for this request (its time, path, request id) and fix the error it shows.',
      'If a dependency failed (database, another service), probe that dependency: `connreset probe DEPENDENCY:PORT`.',
    ],
  },
  // explain: a server's own log about the client that connected to it (nginx's "client timed out")
  client_slow_or_gone: {
    id: 'client_slow_or_gone',
    title: 'The client is slow, idle or gave up (this is the server\'s log)',
    summary:
      'The line was written by the server (nginx here) about its client, the program that connected to it: a browser, an app, a load balancer or proxy in front. The client sent its request or read the reply more slowly than the server\'s timer allows, held a connection open without sending anything (browser preconnects, idle keep-alive or pooled connections, health checks, slowloris), or closed before the reply came. The server itself was not slow.',
    howToTell: [
      'The line names the client (`client: ADDRESS`) and what the server was doing: `while waiting for request` (connected and sent nothing: nginx client_header_timeout), `while reading client request headers` (client_header_timeout), `while reading client request body` (client_body_timeout), `while sending to client` (send_timeout: the client stopped reading); each defaults to 60 s.',
      'At nginx\'s [info] level, an occasional client timeout is routine: browsers and balancers open connections they never use.',
      'Many such lines from one address (a load balancer or proxy): its idle timeout is longer than the server\'s, or it opens connections ahead of need.',
      'The client closed first (`client prematurely closed connection`, status 499 in nginx\'s access log): compare the request time in the access log with the client\'s own timeout.',
    ],
    remediation: [
      'Nothing to fix for an occasional [info] line: the server closed a connection nobody was using.',
      'Slow legitimate clients (large uploads, mobile networks): raise client_body_timeout / send_timeout for those locations.',
      'A load balancer or proxy in front: make the server\'s keepalive_timeout longer than the balancer\'s idle timeout, so the balancer closes idle connections first.',
      'Clients giving up before the reply (499): make the response faster or raise the client\'s timeout; nginx `proxy_ignore_client_abort on` lets the upstream finish anyway.',
    ],
  },
  // probe: a healthy connection whose handshake waited for a SYN retransmission (knowledge/syn-retransmits.ts)
  syn_lost: {
    id: 'syn_lost',
    title: 'A SYN or its SYN-ACK was lost (the handshake waited for a retransmission)',
    summary:
      'The connect took a SYN retransmission timeout (1 s on Linux and macOS, 3 s on Windows, doubling on Linux and Windows) instead of one round trip: the first SYN or the server\'s SYN-ACK never arrived and was sent again. Packet loss on the path does this, and so do a listen queue that is full (the server\'s kernel drops the SYN) and a SYN rate limit in a firewall or load balancer.',
    howToTell: [
      'On the server, `nstat -az TcpExtListenDrops TcpExtListenOverflows` (or `netstat -s | grep -i listen`) grows when its listen queue drops SYNs.',
      '`tcpdump -n \'tcp[tcpflags] & tcp-syn != 0\'` on both ends shows the retransmitted SYN and where the first one vanished.',
      '`mtr` or a long `ping` between the hosts shows loss on the path.',
    ],
    remediation: [
      'Probe repeatedly (`connreset probe TARGET --repeat 20`) to see how often it happens: a rare lost SYN is normal on a busy path, a frequent one is not.',
      'If the server\'s listen queue overflows, raise its backlog (`net.core.somaxconn` and the server\'s own listen backlog) or add capacity; if a SYN rate limit drops it, raise the limit.',
      'Give clients a connect timeout well above one SYN retransmission timeout (more than 1 s on Linux, more than 3 s on Windows), or one lost SYN becomes a failed connection.',
    ],
  },
  // What makes a chain fail verification: OpenSSL's X509_V_ERR_* reasons as Node reports them
  // (https://nodejs.org/docs/latest-v20.x/api/tls.html#x509-certificate-error-codes) and
  // tls.checkServerIdentity's ERR_TLS_CERT_ALTNAME_INVALID for a certificate of another name.
  certificate_untrusted: {
    id: 'certificate_untrusted',
    title: 'The server\'s certificate is not trusted: self-signed, unknown issuer, expired, or for another name',
    summary:
      'The TLS handshake completed, but the certificate chain did not verify against the trusted CAs: it is self-signed or issued by a private CA the client does not know, the server does not send its intermediate certificates, it has expired (or is not yet valid), or it names another host. Clients that verify (the default almost everywhere) refuse the connection.',
    howToTell: [
      '`connreset probe https://HOST:PORT` shows the subject, the issuer, the expiry and the verification error.',
      '`openssl s_client -connect HOST:PORT -servername HOST -showcerts` prints the chain the server sends and "Verify return code".',
      'If the certificate is from your own CA, `connreset probe https://HOST --cacert ca.pem` verifies against it.',
    ],
    remediation: [
      'Renew an expired certificate (automate it: ACME/cert-manager) and check its dates on every deployment.',
      'Serve the full chain (leaf + intermediates), and a certificate whose subjectAltName lists the name clients use.',
      'For a private CA, give clients its certificate (curl --cacert, NODE_EXTRA_CA_CERTS, REQUESTS_CA_BUNDLE, a Java truststore) instead of turning verification off.',
    ],
  },
  // Causes that follow-up experiments tell apart (docs/experiments.md)
  server_timer: {
    id: 'server_timer',
    title: 'A server or proxy timer ended the connection',
    summary:
      'A timer on the server or a proxy in front of it fired: it waits so long for a client to speak, to finish its request headers, or for the answer, then closes or resets (nginx client_header_timeout, HAProxy timeout client / http-request, PostgreSQL authentication_timeout, Apache RequestReadTimeout). The same delay every time, often a round number, gives it away.',
    howToTell: [
      'Repeat the probe: the failure comes back at the same delay each time (connreset does this as a follow-up).',
      'Find the setting with that value in the server\'s or proxy\'s configuration; its log names the timeout (nginx "client timed out", HAProxy termination state cR/cD).',
    ],
    remediation: [
      'Make the client send its whole request at once, promptly after connecting (a client that connects early and writes later trips these timers).',
      'Or raise the timer on the server or proxy if slow clients are legitimate.',
    ],
  },
  turned_away_by_policy: {
    id: 'turned_away_by_policy',
    title: 'Turned away at once, every time: a proxy with no healthy backend, an access rule, or a program that exits',
    summary:
      'The peer accepts the connection and ends it within a millisecond or two, the same way on every try. A load balancer in TCP mode with every backend down does this (HAProxy, Envoy, nginx stream), as does an access-control rule (tcpwrappers, an allow-list in the application or proxy) and a program that exits as soon as it accepts (inetd or socat EXEC of a command that fails).',
    howToTell: [
      'On the host: which process owns the port (`ss -ltnp \'sport = :PORT\'`): a proxy (haproxy, envoy, nginx stream) points to its backends; its log says why (HAProxy: "no server available", termination state SC).',
      'Probe the backend directly, and probe from another address (an allow-list answers differently).',
    ],
    remediation: [
      'A proxy: bring a backend up or fix its health check; give the proxy a fallback that answers with an error the client understands.',
      'An access rule: allow this client\'s address, or use the path meant for it.',
      'A program that exits: run it by hand to see its error, fix its configuration.',
    ],
  },
  content_filtering: {
    id: 'content_filtering',
    title: 'Content filtering: an IPS, WAF, DPI box or proxy rule blocks this request',
    summary:
      'Something on the path (or in front of the server) inspects what is sent and drops, resets or closes connections whose content matches a rule, while a harmless request on the same port gets through: an intrusion prevention system, a web application firewall, deep packet inspection, a proxy ACL on the path or headers.',
    howToTell: [
      'A neutral request of the same protocol (GET /) is answered while yours is not (connreset does this as a follow-up).',
      'The firewall\'s or WAF\'s log lists the blocked flow with the rule that matched.',
    ],
    remediation: [
      'Find the rule that matches (path, header, user agent, payload signature) and change the request or ask for an exception.',
      'If the block is intended, make clients handle it: it looks like a dead connection, not an error reply.',
    ],
  },
  reset_after_reply: {
    id: 'reset_after_reply',
    title: 'The server reset the connection after replying (RST instead of a graceful close)',
    summary:
      'The server sent its reply and then reset the connection: it closed the socket with unread data in its receive buffer (our request was not read to the end), or it aborts connections on purpose (SO_LINGER 0). The client may lose the end of the reply, and sees ECONNRESET on its next read or write.',
    howToTell: [
      'The RST follows the reply within milliseconds: `connreset probe HOST:PORT` shows it on the timeline.',
      'A request the server does not read to the end (a body it ignores, pipelined requests) makes the kernel send RST on close.',
    ],
    remediation: [
      'Make the server read the whole request (drain the body) before closing, and close with a FIN (shutdown) rather than an abort.',
      'Clients: treat a reset after a complete reply as the end of that connection; retry idempotent requests on a new one.',
    ],
  },
};

export function causeById(id: CauseId): Cause {
  return CAUSES[id];
}
