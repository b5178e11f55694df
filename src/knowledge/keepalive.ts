/**
 * How to keep connections alive through an idle timeout, per stack, as data: each row is a
 * template filled with the recommended seconds. Two kinds of fix exist and they are not
 * interchangeable:
 * - `tcp_keepalive`: TCP keepalive probes refresh the state of NATs, firewalls and most L4 load
 *   balancers; they do NOT reset a server's (or an L7 proxy's) keep-alive timer, which counts
 *   application data only.
 * - `pool_idle`: make the client's connection pool drop idle connections before the path does;
 *   this works whoever enforces the timeout.
 */

export type KeepaliveFixKind = 'tcp_keepalive' | 'pool_idle';

export interface KeepaliveSetting {
  stack: string;
  kind: KeepaliveFixKind;
  /** `{idle}` = keepalive idle time / pool idle timeout (s), `{intvl}` = probe interval (s), `{cnt}` = probe count, `{idleMs}` = idle in ms */
  template: string;
  note: string | null;
}

export const KEEPALIVE_SETTINGS: readonly KeepaliveSetting[] = [
  {
    stack: 'Linux (system-wide, for sockets that enable SO_KEEPALIVE)',
    kind: 'tcp_keepalive',
    template: 'sysctl -w net.ipv4.tcp_keepalive_time={idle} net.ipv4.tcp_keepalive_intvl={intvl} net.ipv4.tcp_keepalive_probes={cnt}',
    note: 'defaults are 7200 s / 75 s / 9: far above every cloud idle timeout; applications must still enable SO_KEEPALIVE',
  },
  {
    stack: 'Node.js (net / tls socket)',
    kind: 'tcp_keepalive',
    template: 'socket.setKeepAlive(true, {idleMs})',
    note: 'for http.Agent: new http.Agent({ keepAlive: true, keepAliveMsecs: {idleMs} })',
  },
  {
    stack: 'Python (socket, Linux)',
    kind: 'tcp_keepalive',
    template:
      'sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1); sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, {idle}); sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, {intvl}); sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, {cnt})',
    note: 'on macOS the idle option is socket.TCP_KEEPALIVE (Python 3.10+ exposes it)',
  },
  {
    stack: 'Java 11+ (java.net.Socket)',
    kind: 'tcp_keepalive',
    template:
      'socket.setKeepAlive(true); socket.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE, {idle}); socket.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL, {intvl}); socket.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT, {cnt})',
    note: null,
  },
  {
    stack: 'Go (net.Dialer)',
    kind: 'tcp_keepalive',
    template: 'net.Dialer{KeepAlive: {idle} * time.Second}',
    note: 'Go enables keepalive by default (15 s); a custom Dialer with KeepAlive < 0 disables it',
  },
  {
    stack: '.NET (Socket)',
    kind: 'tcp_keepalive',
    template:
      'socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true); socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, {idle}); socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, {intvl})',
    note: null,
  },
  {
    stack: 'curl',
    kind: 'tcp_keepalive',
    template: 'curl --keepalive-time {idle} …',
    note: 'curl enables keepalive by default, with 60 s',
  },
  {
    stack: 'Node.js fetch / undici',
    kind: 'pool_idle',
    template: 'new undici.Agent({ keepAliveTimeout: {idleMs} })',
    note: 'undici (Node fetch) drops idle connections after 4 s by default, or the server\'s Keep-Alive: timeout hint',
  },
  {
    stack: 'Go net/http',
    kind: 'pool_idle',
    template: 'http.Transport{IdleConnTimeout: {idle} * time.Second}',
    note: 'http.DefaultTransport keeps idle connections 90 s',
  },
  {
    stack: 'Java OkHttp',
    kind: 'pool_idle',
    template: 'new ConnectionPool(5, {idle}, TimeUnit.SECONDS)',
    note: 'default keep-alive is 5 minutes',
  },
  {
    stack: 'Java Apache HttpClient 5',
    kind: 'pool_idle',
    template: 'HttpClients.custom().evictIdleConnections(TimeValue.ofSeconds({idle}))',
    note: null,
  },
  {
    stack: '.NET HttpClient (SocketsHttpHandler)',
    kind: 'pool_idle',
    template: 'new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds({idle}) }',
    note: 'default 1 minute (.NET 5+)',
  },
  {
    stack: 'Python aiohttp',
    kind: 'pool_idle',
    template: 'aiohttp.TCPConnector(keepalive_timeout={idle})',
    note: 'requests/urllib3 have no pool idle timeout: enable TCP keepalive through socket_options instead',
  },
];

export interface KeepaliveParams {
  idleS: number;
  intvlS: number;
  cnt: number;
}

/** Fills a row's template with the recommended values. */
export function renderSetting(setting: KeepaliveSetting, params: KeepaliveParams): string {
  return fillTemplate(setting.template, params);
}

/** Fills {idle}, {idleMs}, {intvl} and {cnt} in a template or note. */
export function fillTemplate(template: string, params: KeepaliveParams): string {
  return template
    .replaceAll('{idleMs}', String(params.idleS * 1000))
    .replaceAll('{idle}', String(params.idleS))
    .replaceAll('{intvl}', String(params.intvlS))
    .replaceAll('{cnt}', String(params.cnt));
}
