/**
 * What a program's own client reports for each family of failure, per platform and runtime, as
 * data. `{remote}` stands for the address:port probed and `{host}` for the name; they are filled
 * in for the observation at hand. Numbers and texts: shared/reference/error-codes.md.
 */
import type { ClientErrorView } from '../diagnose/diagnosis.js';

export const CLIENT_ERROR_FAMILIES = [
  'reset',
  'refused',
  'connect_timeout',
  'unreachable',
  'dns',
  'eof',
  'stale_reuse',
  'read_timeout',
  'write_timeout',
  'tls',
] as const;

export type ClientErrorFamily = (typeof CLIENT_ERROR_FAMILIES)[number];

export const CLIENT_ERRORS: Readonly<Record<ClientErrorFamily, ClientErrorView>> = {
  reset: {
    symbol: 'ECONNRESET',
    linux: 'ECONNRESET (104): Connection reset by peer',
    macos: 'ECONNRESET (54): Connection reset by peer',
    windows: 'WSAECONNRESET (10054): An existing connection was forcibly closed by the remote host.',
    node: "Error: read ECONNRESET (code 'ECONNRESET'; errno -104 on Linux, -54 on macOS, -4077 on Windows)",
    python: 'ConnectionResetError: [Errno 104] Connection reset by peer (Windows: [WinError 10054])',
    java: 'java.net.SocketException: Connection reset',
    go: 'read tcp …->{remote}: read: connection reset by peer (Windows: wsarecv: An existing connection was forcibly closed by the remote host.)',
  },
  refused: {
    symbol: 'ECONNREFUSED',
    linux: 'ECONNREFUSED (111): Connection refused',
    macos: 'ECONNREFUSED (61): Connection refused',
    windows: 'WSAECONNREFUSED (10061): No connection could be made because the target machine actively refused it.',
    node: "Error: connect ECONNREFUSED {remote} (code 'ECONNREFUSED')",
    python: 'ConnectionRefusedError: [Errno 111] Connection refused (Windows: [WinError 10061])',
    java: 'java.net.ConnectException: Connection refused',
    go: 'dial tcp {remote}: connect: connection refused',
  },
  connect_timeout: {
    symbol: 'ETIMEDOUT',
    linux: 'ETIMEDOUT (110): Connection timed out',
    macos: 'ETIMEDOUT (60): Operation timed out',
    windows: 'WSAETIMEDOUT (10060): A connection attempt failed because the connected party did not properly respond after a period of time…',
    node: "Error: connect ETIMEDOUT {remote} (code 'ETIMEDOUT'), or your own connect timeout firing first",
    python: 'TimeoutError: [Errno 110] Connection timed out (or "timed out" with a socket timeout set)',
    java: 'java.net.SocketTimeoutException: Connect timed out (java.net.ConnectException: Connection timed out without a timeout set)',
    go: 'dial tcp {remote}: i/o timeout (connect: connection timed out without a dial timeout)',
  },
  unreachable: {
    symbol: 'EHOSTUNREACH',
    linux: 'EHOSTUNREACH (113): No route to host, or ENETUNREACH (101): Network is unreachable',
    macos: 'EHOSTUNREACH (65): No route to host, or ENETUNREACH (51): Network is unreachable',
    windows: 'WSAEHOSTUNREACH (10065): A socket operation was attempted to an unreachable host.',
    node: "Error: connect EHOSTUNREACH {remote} (code 'EHOSTUNREACH')",
    python: 'OSError: [Errno 113] No route to host',
    java: 'java.net.NoRouteToHostException: No route to host',
    go: 'dial tcp {remote}: connect: no route to host',
  },
  dns: {
    symbol: 'ENOTFOUND',
    linux: 'EAI_NONAME (-2): Name or service not known, or EAI_AGAIN (-3): Temporary failure in name resolution',
    macos: 'EAI_NONAME (8): nodename nor servname provided, or not known',
    windows: 'WSAHOST_NOT_FOUND (11001): No such host is known.',
    node: "Error: getaddrinfo ENOTFOUND {host} (code 'ENOTFOUND', or 'EAI_AGAIN')",
    python: 'socket.gaierror: [Errno -2] Name or service not known',
    java: 'java.net.UnknownHostException: {host}',
    go: 'dial tcp: lookup {host}: no such host',
  },
  eof: {
    symbol: null,
    linux: 'no error code: read() returns 0 (end of file) before any reply',
    macos: 'no error code: read() returns 0 (end of file) before any reply',
    windows: 'no error code: recv() returns 0 (graceful close) before any reply',
    node: "Error: socket hang up (code 'ECONNRESET') from http/https; a plain net.Socket sees 'end' with no data",
    python: 'http.client.RemoteDisconnected: Remote end closed connection without response',
    java: 'java.net.SocketException: Unexpected end of file from server',
    go: 'EOF (net/http: "… EOF"; io.ReadFull: unexpected EOF)',
  },
  stale_reuse: {
    symbol: 'ECONNRESET',
    linux: 'on the next request over the pooled connection: EPIPE (32) Broken pipe or ECONNRESET (104)',
    macos: 'on the next request over the pooled connection: EPIPE (32) Broken pipe or ECONNRESET (54)',
    windows: 'on the next request over the pooled connection: WSAECONNRESET (10054) or WSAECONNABORTED (10053)',
    node: "Error: socket hang up / read ECONNRESET on a reused keep-alive socket (code 'ECONNRESET')",
    python: 'http.client.RemoteDisconnected, or ConnectionResetError: [Errno 104] on the reused connection',
    java: 'java.net.SocketException: Connection reset (or NoHttpResponseException in Apache HttpClient)',
    go: 'http: server closed idle connection (retried automatically for idempotent requests)',
  },
  read_timeout: {
    symbol: 'ETIMEDOUT',
    linux: 'no error from the kernel: the read blocks until your own timeout (EAGAIN with SO_RCVTIMEO)',
    macos: 'no error from the kernel: the read blocks until your own timeout (EAGAIN with SO_RCVTIMEO)',
    windows: 'WSAETIMEDOUT (10060) with SO_RCVTIMEO set; otherwise the read blocks',
    node: "your socket 'timeout' event or an AbortSignal; fetch: TimeoutError / UND_ERR_HEADERS_TIMEOUT",
    python: 'TimeoutError: timed out (socket.timeout)',
    java: 'java.net.SocketTimeoutException: Read timed out',
    go: 'read tcp …->{remote}: i/o timeout',
  },
  write_timeout: {
    symbol: 'ETIMEDOUT',
    linux: 'no error from the kernel: the write blocks (or EAGAIN on a non-blocking socket) until your own timeout',
    macos: 'no error from the kernel: the write blocks (or EAGAIN on a non-blocking socket) until your own timeout',
    windows: 'WSAETIMEDOUT (10060) with SO_SNDTIMEO set; otherwise the send blocks',
    node: "socket.write() returns false and 'drain' never comes; memory grows in writableLength",
    python: 'TimeoutError: timed out on sendall() with a socket timeout; otherwise it blocks',
    java: 'the write blocks (java.net.SocketTimeoutException only with NIO/your own deadline)',
    go: 'write tcp …->{remote}: i/o timeout (with a write deadline)',
  },
  tls: {
    symbol: null,
    linux: 'an OpenSSL handshake error (e.g. "wrong version number", "tlsv1 alert protocol version"), or ECONNRESET (104) mid-handshake',
    macos: 'a handshake error (errSSLPeerProtocolVersion, errSSLClosedAbort), or ECONNRESET (54) mid-handshake',
    windows: 'SEC_E_* from Schannel, or WSAECONNRESET (10054) mid-handshake ("The underlying connection was closed")',
    node: 'Error: Client network socket disconnected before secure TLS connection was established, or ERR_SSL_* (e.g. ERR_SSL_WRONG_VERSION_NUMBER)',
    python: 'ssl.SSLError: [SSL: WRONG_VERSION_NUMBER] …, or ssl.SSLEOFError / ConnectionResetError during the handshake',
    java: 'javax.net.ssl.SSLHandshakeException: Remote host terminated the handshake (or: Received fatal alert: protocol_version)',
    go: 'tls: first record does not look like a TLS handshake, or remote error: tls: protocol version not supported',
  },
};

/**
 * What a protocol's own client libraries say instead, where that differs from the HTTP clients
 * above (the OS rows stay). Keyed by the probe target's scheme.
 */
type SchemeClientErrors = Partial<Record<ClientErrorFamily, Partial<ClientErrorView>>>;

const REDIS_CLIENTS: SchemeClientErrors = {
  eof: {
    node: 'node-redis: Error: Socket closed unexpectedly (ioredis reconnects, and fails pending commands with: Connection is closed.)',
    python: 'redis-py: redis.exceptions.ConnectionError: Connection closed by server. (redis-py 8 first retries on a new connection by default)',
    java: 'Jedis: redis.clients.jedis.exceptions.JedisConnectionException: Unexpected end of stream.',
    go: 'go-redis: EOF',
  },
  stale_reuse: {
    node: 'node-redis: Error: Socket closed unexpectedly, then a reconnect',
    python: 'redis-py: redis.exceptions.ConnectionError: Connection closed by server. (redis-py 8 first retries on a new connection by default)',
    java: 'Jedis: JedisConnectionException: java.net.SocketException: Broken pipe, or Unexpected end of stream.',
    go: 'go-redis: EOF, or write tcp …: write: broken pipe',
  },
};

export const CLIENT_ERRORS_BY_SCHEME: Readonly<Record<string, SchemeClientErrors>> = { redis: REDIS_CLIENTS, rediss: REDIS_CLIENTS };
