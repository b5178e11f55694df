/**
 * What a program's own client reports for each family of failure, per platform and runtime, as
 * data. `{remote}` stands for the address:port probed and `{host}` for the name; they are filled
 * in for the observation at hand. Numbers and texts: shared/reference/error-codes.md.
 */
import type { ClientErrorView } from '../shared/client-error.js';

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
  'http_5xx',
  'tls_untrusted',
  'truncated',
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
    // nodejs/node lib/_http_client.js (socketOnEnd: new ConnResetException('socket hang up'), code ECONNRESET)
    node: "Error: socket hang up (code 'ECONNRESET') from http/https; a plain net.Socket sees 'end' with no data",
    // python/cpython Lib/http/client.py (_read_status)
    python: 'http.client.RemoteDisconnected: Remote end closed connection without response',
    // openjdk/jdk src/java.base/share/classes/sun/net/www/http/HttpClient.java (parseHTTP, HttpURLConnection's client)
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
    // golang/go src/net/http/transport.go (errServerClosedIdle)
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
  // An HTTP body cut short: the socket itself reports nothing special (EOF, or ECONNRESET on an
  // RST); HTTP clients compare the bytes with the framing. {curlTruncated} is curl's line for this
  // very framing (curl/curl lib/transfer.c: "transfer closed with %ld bytes remaining to read",
  // "transfer closed with outstanding read data remaining"; an RST is (56) Recv failure).
  truncated: {
    symbol: null,
    linux: 'read() returns 0 (end of file) before the end of the body; ECONNRESET (104) instead if the peer reset',
    macos: 'read() returns 0 (end of file) before the end of the body; ECONNRESET (54) instead if the peer reset',
    windows: 'recv() returns 0 before the end of the body; WSAECONNRESET (10054) instead if the peer reset',
    curl: '{curlTruncated}',
    // nodejs/undici lib/web/fetch (the body stream errors with "terminated", cause SocketError: other side closed)
    node: "fetch: TypeError: terminated (cause: SocketError: other side closed) while reading the body; http.get: the response emits 'aborted' / Error: aborted (code 'ECONNRESET')",
    // python/cpython Lib/http/client.py (IncompleteRead), psf/requests (ChunkedEncodingError wraps urllib3's ProtocolError)
    python: "requests: requests.exceptions.ChunkedEncodingError: ('Connection broken: IncompleteRead({bodyGotN} bytes read, {bodyMissingN} more expected)', …); http.client: IncompleteRead",
    java: 'HttpURLConnection: java.io.IOException: Premature EOF; HttpClient: java.io.IOException: … EOF reached while reading',
    // golang/go src/net/http/transfer.go (body read returns io.ErrUnexpectedEOF)
    go: 'unexpected EOF (io.ErrUnexpectedEOF from resp.Body.Read)',
    dotnet: 'System.Net.Http.HttpIOException: The response ended prematurely. (ResponseEnded)',
  },
  // An HTTP error reply over a healthy connection: no socket error anywhere, so no OS rows; what a
  // client shows depends on whether it turns a status into an exception. {httpCode}, {httpReason} and
  // {httpUrl} are the reply's own status code and reason words and the URL probed, so a 503 reads
  // "503 Service Unavailable" (and Varnish's "503 Backend fetch failed"). Each text was checked in the
  // library's source (repo and path on its line; the copies of those files the search index holds)
  // and, for all but axios, run against the lab's http-502 and http-503 scenarios (curl 7.88.1,
  // requests 2.34.2 and urllib on CPython 3.11, Node 20 fetch, OpenJDK 17, Go 1.19, Mono 6.8's
  // System.Net.Http, which shares .NET's text).
  http_5xx: {
    symbol: null,
    linux: null,
    macos: null,
    windows: null,
    // curl/curl lib/http.c (http_should_fail: failf(data, "The requested URL returned error: %d", …)); exit code 22 is CURLE_HTTP_RETURNED_ERROR
    curl: 'no error: exit 0 with the {httpCode} page as output; with -f (--fail): curl: (22) The requested URL returned error: {httpCode}',
    // fetch (undici in Node): the Fetch standard rejects only on network errors, any status resolves (https://fetch.spec.whatwg.org/);
    // axios/axios lib/core/settle.js ('Request failed with status code ' + response.status, ERR_BAD_RESPONSE for 5xx)
    node: "fetch: no exception, res.ok === false and res.status === {httpCode}; axios: AxiosError: Request failed with status code {httpCode} (code 'ERR_BAD_RESPONSE')",
    // psf/requests src/requests/models.py (Response.raise_for_status); python/cpython Lib/urllib/error.py (HTTPError.__str__: 'HTTP Error %s: %s' % (self.code, self.msg))
    python: 'requests: no exception until r.raise_for_status(): requests.exceptions.HTTPError: {httpCode} Server Error: {httpReason} for url: {httpUrl}; urllib.request.urlopen: urllib.error.HTTPError: HTTP Error {httpCode}: {httpReason}',
    // java.net.http.HttpClient returns any status; openjdk/jdk src/java.base/share/classes/sun/net/www/protocol/http/HttpURLConnection.java (getInputStream: "Server returned HTTP response code: " + respCode + " for URL: " + url)
    java: 'HttpClient: no exception, response.statusCode() == {httpCode}; HttpURLConnection.getInputStream(): java.io.IOException: Server returned HTTP response code: {httpCode} for URL: {httpUrl}',
    // golang/go src/net/http/client.go (Client.Do: "A non-2xx status code doesn't cause an error.")
    go: 'no error: resp.StatusCode == {httpCode} (resp.Status {httpStatus}); check it yourself',
    // dotnet/runtime src/libraries/System.Net.Http/src/System/Net/Http/HttpResponseMessage.cs (EnsureSuccessStatusCode with SR.net_http_message_not_success_statuscode: "Response status code does not indicate success: {0} ({1}).", the code and ReasonPhrase)
    dotnet: 'HttpClient: no exception until response.EnsureSuccessStatusCode(): System.Net.Http.HttpRequestException: Response status code does not indicate success: {httpCode} ({httpReason}).',
  },
  // A certificate that does not verify: each library's own words, from its documentation and
  // source (OpenSSL's "certificate verify failed", Node's X509 error codes, Go's crypto/x509
  // errors, Java's PKIX "unable to find valid certification path", Schannel's SEC_E_* codes).
  tls_untrusted: {
    symbol: null,
    linux: 'OpenSSL: certificate verify failed (self-signed certificate / unable to get local issuer certificate / certificate has expired / hostname mismatch)',
    macos: 'errSSLXCertChainInvalid (-9807) / "The certificate for this server is invalid"',
    windows: 'SEC_E_UNTRUSTED_ROOT (0x80090325), CERT_E_EXPIRED or SEC_E_WRONG_PRINCIPAL from Schannel',
    node: "Error: self-signed certificate (code 'DEPTH_ZERO_SELF_SIGNED_CERT'), 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_HAS_EXPIRED' or 'ERR_TLS_CERT_ALTNAME_INVALID'",
    python: 'ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: …',
    java: 'javax.net.ssl.SSLHandshakeException: PKIX path building failed … unable to find valid certification path to requested target',
    go: 'tls: failed to verify certificate: x509: certificate signed by unknown authority (or: has expired, is valid for X, not Y)',
    curl: 'curl: (60) SSL certificate problem: self-signed certificate (or: unable to get local issuer certificate, certificate has expired); with a wrong name: (60) SSL: no alternative certificate subject name matches',
  },
};

/**
 * What a protocol's own client libraries say instead, where that differs from the HTTP clients
 * above (the OS rows stay). Keyed by the probe target's scheme.
 */
type SchemeClientErrors = Partial<Record<ClientErrorFamily, Partial<ClientErrorView>>>;

// Each text checked against the library's source (repo and path in the comment on its line):
// node-redis raises SocketClosedUnexpectedlyError when its socket closes without an error and
// passes a socket error (Node's `read ECONNRESET`) through; both arrive on the client's 'error'
// event, then it reconnects. Jedis wraps an IOException in JedisConnectionException (the message is
// the cause's toString) and says "Unexpected end of stream." when read() returns -1. go-redis
// returns io.EOF or the *net.OpError as is, but first retries both on a new connection (shouldRetry;
// MaxRetries 3 by default) and drops pooled connections the server closed before reusing them
// (connCheck on Linux and macOS). redis-py turns an EOF into "Connection closed by server." and an
// OSError into ConnectionError "Error while reading from HOST:PORT : (errno, text)".
const REDIS_CLIENTS: SchemeClientErrors = {
  reset: {
    // redis/node-redis packages/client/lib/client/socket.ts: the socket's own error is emitted
    node: "node-redis: Error: read ECONNRESET on the client's 'error' event, then a reconnect (ioredis reconnects too)",
    // redis/redis-py redis/connection.py (read_response: except OSError)
    python: "redis-py: redis.exceptions.ConnectionError: Error while reading from {remote} : (104, 'Connection reset by peer')",
    // redis/jedis src/main/java/redis/clients/jedis/util/RedisInputStream.java (ensureFill wraps the IOException)
    java: 'Jedis: redis.clients.jedis.exceptions.JedisConnectionException: java.net.SocketException: Connection reset',
    // redis/go-redis error.go (shouldRetry: a non-timeout network error is retried, MaxRetries 3 by default)
    go: 'go-redis: read tcp …->{remote}: read: connection reset by peer (only once its retries on new connections, MaxRetries 3 by default, have failed too)',
  },
  eof: {
    // redis/node-redis packages/client/lib/errors.ts (SocketClosedUnexpectedlyError), client/socket.ts ('close' without error);
    // redis/ioredis lib/utils/index.ts (CONNECTION_CLOSED_ERROR_MSG)
    node: "node-redis: SocketClosedUnexpectedlyError: Socket closed unexpectedly, on the client's 'error' event, then a reconnect (ioredis reconnects, and fails pending commands with: Connection is closed.)",
    // redis/redis-py redis/_parsers/socket.py (SERVER_CLOSED_CONNECTION_ERROR)
    python: 'redis-py: redis.exceptions.ConnectionError: Connection closed by server. (redis-py 8 first retries on a new connection by default)',
    // redis/jedis src/main/java/redis/clients/jedis/util/RedisInputStream.java (ensureFill: read() returned -1)
    java: 'Jedis: redis.clients.jedis.exceptions.JedisConnectionException: Unexpected end of stream.',
    // redis/go-redis error.go (shouldRetry: io.EOF is retried on a new connection)
    go: 'go-redis: EOF (only once its retries on new connections, MaxRetries 3 by default, have failed too)',
  },
  stale_reuse: {
    // redis/node-redis packages/client/lib/client/socket.ts: one connection, reopened as soon as it closes
    node: "node-redis: SocketClosedUnexpectedlyError: Socket closed unexpectedly on the 'error' event when the server closes the idle connection, then a reconnect; commands after that go over the new connection",
    // redis/redis-py redis/_parsers/socket.py
    python: 'redis-py: redis.exceptions.ConnectionError: Connection closed by server. (redis-py 8 first retries on a new connection by default)',
    // redis/jedis src/main/java/redis/clients/jedis/util/RedisInputStream.java (the write's IOException wrapped the same way)
    java: 'Jedis: JedisConnectionException: java.net.SocketException: Broken pipe, or Unexpected end of stream.',
    // redis/go-redis internal/pool/conn_check.go (connCheck), error.go (shouldRetry)
    go: 'go-redis: EOF, or write tcp …->{remote}: write: broken pipe (rarely: it drops pooled connections the server closed before reusing them on Linux and macOS, and retries both on a new connection)',
  },
};

export const CLIENT_ERRORS_BY_SCHEME: Readonly<Record<string, SchemeClientErrors>> = { redis: REDIS_CLIENTS, rediss: REDIS_CLIENTS };
