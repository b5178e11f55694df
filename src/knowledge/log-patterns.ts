/**
 * How errors show up in pasted log lines, as data: texts that name an error, places where an error
 * number appears (and how to read it), codes that are NOT errno values (curl exit codes, gRPC
 * status, MySQL client errors, HRESULTs), operations, and endpoints. The message resolver scores
 * every match by weight; nothing here is an if-chain. Patterns are linear (no nested quantifiers)
 * because they run on arbitrary pasted text.
 */
import type { Operation } from './errors.js';
import { WEIGHT, type ContextCode } from './explain-context-codes.js';

export { WEIGHT, CONTEXT_CODES, type ContextCode } from './explain-context-codes.js';

export type LogSource =
  | 'python'
  | 'java'
  | 'go'
  | 'node'
  | 'dotnet'
  | 'curl'
  | 'openssl'
  | 'nginx'
  | 'postgresql'
  | 'mysql'
  | 'redis'
  | 'grpc'
  | 'rust'
  | 'android'
  | 'envoy'
  | 'ssh'
  | 'kafka'
  | 'generic';


/** A text that names an error directly. */
export interface ErrorTextPattern {
  source: LogSource;
  re: RegExp;
  error: string;
  weight: number;
  operation?: Operation;
}

export const ERROR_TEXT_PATTERNS: readonly ErrorTextPattern[] = [
  // resets
  // ssh: "Connection reset by 192.0.2.1 port 22" (client) / "Connection reset by authenticating user root 192.0.2.1 port 5555 [preauth]" (sshd)
  { source: 'ssh', re: /\bConnection reset by (?:(?:authenticating|invalid) user \S{1,64} )?[0-9A-Fa-f.:]{2,45} port \d{1,5}/, error: 'ECONNRESET', weight: WEIGHT.specificText },
  { source: 'java', re: /SocketException: Connection reset(?! by)/, error: 'ECONNRESET', weight: WEIGHT.specificText, operation: 'read' },
  { source: 'java', re: /Connection reset by peer: socket write error/i, error: 'ECONNRESET', weight: WEIGHT.specificText, operation: 'write' },
  { source: 'curl', re: /Connection was reset/i, error: 'ECONNRESET', weight: WEIGHT.specificText },
  { source: 'node', re: /\bread ECONNRESET/, error: 'ECONNRESET', weight: WEIGHT.specificText, operation: 'read' },
  { source: 'generic', re: /connection reset\b/i, error: 'ECONNRESET', weight: WEIGHT.hint },
  { source: 'python', re: /'Connection aborted\.'/, error: 'ECONNRESET', weight: WEIGHT.hint },
  { source: 'python', re: /ConnectionResetError/, error: 'ECONNRESET', weight: WEIGHT.specificText },
  { source: 'generic', re: /forcibly closed by the remote host/i, error: 'ECONNRESET', weight: WEIGHT.specificText },
  // Windows and glibc texts come translated: the known translations are data too
  { source: 'generic', re: /远程主机强迫关闭了一个现有的连接|既存の接続はリモート ホストに強制的に切断されました|连接被对方重设|Se ha forzado la interrupción de una conexión existente por el host remoto/, error: 'ECONNRESET', weight: WEIGHT.specificText },
  { source: 'generic', re: /你的主机中的软件中止了一个已建立的连接|Se ha anulado una conexión establecida por el software en su equipo host/, error: 'ECONNABORTED', weight: WEIGHT.specificText },
  { source: 'generic', re: /由于目标计算机积极拒绝，无法连接/, error: 'ECONNREFUSED', weight: WEIGHT.specificText, operation: 'connect' },
  // refused
  { source: 'python', re: /ConnectionRefusedError/, error: 'ECONNREFUSED', weight: WEIGHT.specificText, operation: 'connect' },
  { source: 'java', re: /java\.net\.ConnectException/, error: 'ECONNREFUSED', weight: WEIGHT.contextDefault, operation: 'connect' },
  { source: 'generic', re: /actively refused/i, error: 'ECONNREFUSED', weight: WEIGHT.specificText, operation: 'connect' },
  { source: 'generic', re: /connection refused/i, error: 'ECONNREFUSED', weight: WEIGHT.standardText, operation: 'connect' },
  // aborted
  { source: 'python', re: /ConnectionAbortedError/, error: 'ECONNABORTED', weight: WEIGHT.specificText },
  { source: 'generic', re: /connection was aborted|Software caused connection abort/i, error: 'ECONNABORTED', weight: WEIGHT.specificText },
  // timeouts
  { source: 'java', re: /SocketTimeoutException: Read timed out/, error: 'ETIMEDOUT', weight: WEIGHT.specificText, operation: 'read' },
  { source: 'java', re: /SocketTimeoutException: connect timed out|ConnectException: Connection timed out/, error: 'ETIMEDOUT', weight: WEIGHT.specificText, operation: 'connect' },
  { source: 'java', re: /SocketTimeoutException/, error: 'ETIMEDOUT', weight: WEIGHT.standardText },
  { source: 'python', re: /\bTimeoutError\b|socket\.timeout|ReadTimeout(?:Error)?\b|ConnectTimeout(?:Error)?\b/, error: 'ETIMEDOUT', weight: WEIGHT.standardText },
  { source: 'go', re: /\bi\/o timeout\b|context deadline exceeded|Client\.Timeout exceeded/, error: 'ETIMEDOUT', weight: WEIGHT.standardText },
  { source: 'curl', re: /Operation timed out after|Connection timed out after|Timed out\b/, error: 'ETIMEDOUT', weight: WEIGHT.standardText },
  { source: 'nginx', re: /upstream timed out/, error: 'ETIMEDOUT', weight: WEIGHT.standardText },
  // nginx's timer for its own client (client_header_timeout, client_body_timeout, send_timeout): see explain-log-perspectives.ts
  { source: 'nginx', re: /\bclient timed out\b/, error: 'ETIMEDOUT', weight: WEIGHT.standardText },
  { source: 'grpc', re: /DEADLINE_EXCEEDED|code = DeadlineExceeded|Deadline Exceeded/, error: 'ETIMEDOUT', weight: WEIGHT.contextDefault },
  { source: 'generic', re: /\btimed out\b|\btimeout\b/i, error: 'ETIMEDOUT', weight: WEIGHT.hint },
  // broken pipe
  { source: 'python', re: /BrokenPipeError/, error: 'EPIPE', weight: WEIGHT.specificText, operation: 'write' },
  { source: 'generic', re: /broken pipe/i, error: 'EPIPE', weight: WEIGHT.standardText, operation: 'write' },
  // unreachable
  { source: 'java', re: /NoRouteToHostException/, error: 'EHOSTUNREACH', weight: WEIGHT.specificText, operation: 'connect' },
  { source: 'java', re: /java\.net\.BindException/, error: 'EADDRINUSE', weight: WEIGHT.contextDefault, operation: 'bind' },
  { source: 'generic', re: /\bAddress in use\b/, error: 'EADDRINUSE', weight: WEIGHT.standardText, operation: 'bind' },
  { source: 'generic', re: /too many open files/i, error: 'EMFILE', weight: WEIGHT.standardText },
  // DNS
  { source: 'java', re: /UnknownHostException/, error: 'ENOTFOUND', weight: WEIGHT.specificText, operation: 'dns' },
  { source: 'go', re: /\bno such host\b/, error: 'ENOTFOUND', weight: WEIGHT.specificText, operation: 'dns' },
  { source: 'go', re: /\bserver misbehaving\b/, error: 'EAI_AGAIN', weight: WEIGHT.specificText, operation: 'dns' },
  // Go: a DNS query that timed out ("lookup x: i/o timeout") is a temporary resolver failure, not a TCP timeout
  { source: 'go', re: /\blookup [^\s:]{1,253}(?: on [^\s]{1,60})?: [^\n]{0,120}?i\/o timeout/, error: 'EAI_AGAIN', weight: WEIGHT.specificText + 1, operation: 'dns' },
  { source: 'curl', re: /Could not resolve host|Couldn't resolve host/i, error: 'ENOTFOUND', weight: WEIGHT.specificText, operation: 'dns' },
  { source: 'postgresql', re: /could not translate host name/, error: 'ENOTFOUND', weight: WEIGHT.contextDefault, operation: 'dns' },
  { source: 'python', re: /getaddrinfo failed/, error: 'ENOTFOUND', weight: WEIGHT.contextDefault, operation: 'dns' },
  { source: 'mysql', re: /Unknown (?:MySQL )?server host/i, error: 'ENOTFOUND', weight: WEIGHT.specificText, operation: 'dns' },
  { source: 'generic', re: /Name does not resolve|Temporary failure in name resolution|Try again\b/, error: 'EAI_AGAIN', weight: WEIGHT.standardText, operation: 'dns' },
  // plain text where TLS was expected, or TLS where plain text was: a protocol mismatch (EPROTO is Node's reading of it)
  { source: 'openssl', re: /wrong version number|WRONG_VERSION_NUMBER|packet length too long|PACKET_LENGTH_TOO_LONG/, error: 'EPROTO', weight: WEIGHT.specificText, operation: 'tls_handshake' },
  { source: 'nginx', re: /client sent plain HTTP request to HTTPS port/, error: 'EPROTO', weight: WEIGHT.specificText, operation: 'read' },
  // TLS EOF
  { source: 'openssl', re: /unexpected eof while reading|UNEXPECTED_EOF_WHILE_READING/i, error: 'TLS_UNEXPECTED_EOF', weight: WEIGHT.specificText, operation: 'tls_handshake' },
  { source: 'python', re: /SSLEOFError|EOF occurred in violation of protocol/, error: 'TLS_UNEXPECTED_EOF', weight: WEIGHT.specificText },
  // SSL_ERROR_SYSCALL is the TLS layer seeing the socket fail: with an errno it is that errno, without one an EOF
  { source: 'openssl', re: /SSL_ERROR_SYSCALL/, error: 'TLS_UNEXPECTED_EOF', weight: WEIGHT.contextDefault + 2 },
  { source: 'postgresql', re: /SSL SYSCALL error: EOF detected/, error: 'TLS_UNEXPECTED_EOF', weight: WEIGHT.specificText },
  { source: 'java', re: /Remote host terminated the handshake|SSL peer shut down incorrectly|Remote host closed connection during handshake/, error: 'TLS_UNEXPECTED_EOF', weight: WEIGHT.specificText, operation: 'tls_handshake' },
  { source: 'node', re: /Client network socket disconnected before secure TLS connection was established/, error: 'TLS_UNEXPECTED_EOF', weight: WEIGHT.overridesCode, operation: 'tls_handshake' },
  { source: 'dotnet', re: /Received an unexpected EOF or 0 bytes from the transport stream/, error: 'TLS_UNEXPECTED_EOF', weight: WEIGHT.specificText, operation: 'tls_handshake' },
  { source: 'nginx', re: /peer closed connection in SSL handshake/, error: 'TLS_UNEXPECTED_EOF', weight: WEIGHT.specificText, operation: 'tls_handshake' },
  { source: 'go', re: /tls: [^\n]{0,80}\bEOF\b|TLS handshake[^\n]{0,40}\bEOF\b/, error: 'TLS_UNEXPECTED_EOF', weight: WEIGHT.specificText, operation: 'tls_handshake' },
  // clean closes: a FIN, no errno
  { source: 'curl', re: /Empty reply from server/i, error: 'EOF', weight: WEIGHT.cleanClose, operation: 'read' },
  { source: 'postgresql', re: /server closed the connection unexpectedly/, error: 'EOF', weight: WEIGHT.cleanClose, operation: 'read' },
  { source: 'mysql', re: /Lost connection to MySQL server|MySQL server has gone away/, error: 'EOF', weight: WEIGHT.cleanClose, operation: 'read' },
  { source: 'python', re: /RemoteDisconnected|Remote end closed connection without response/, error: 'EOF', weight: WEIGHT.specificText, operation: 'read' },
  { source: 'python', re: /IncompleteRead|Connection closed by server/, error: 'EOF', weight: WEIGHT.cleanClose, operation: 'read' },
  // Node labels a hang-up err.code 'ECONNRESET' although the peer closed with FIN: the text outranks the code
  { source: 'node', re: /socket hang up/i, error: 'EOF', weight: WEIGHT.overridesCode, operation: 'read' },
  // fetch (undici): the peer closed (FIN) before the response was complete
  { source: 'node', re: /other side closed|UND_ERR_SOCKET/, error: 'EOF', weight: WEIGHT.specificText, operation: 'read' },
  { source: 'nginx', re: /upstream prematurely closed connection/, error: 'EOF', weight: WEIGHT.specificText, operation: 'read' },
  // nginx's client closed first (499): a FIN from the client, seen by nginx
  { source: 'nginx', re: /\bclient prematurely closed connection\b|\bclient (?:[0-9A-Fa-f.:]{2,45} )?closed (?:keepalive )?connection\b/, error: 'EOF', weight: WEIGHT.specificText, operation: 'read' },
  { source: 'go', re: /server closed idle connection|: EOF\b|unexpected EOF/, error: 'EOF', weight: WEIGHT.cleanClose, operation: 'read' },
  { source: 'java', re: /NoHttpResponseException|failed to respond|java\.io\.EOFException|unexpected end of stream/, error: 'EOF', weight: WEIGHT.cleanClose, operation: 'read' },
  { source: 'redis', re: /Connection closed by server|Server closed the connection/i, error: 'EOF', weight: WEIGHT.cleanClose, operation: 'read' },
  // node-redis and Jedis on a connection the server closed
  { source: 'redis', re: /Socket closed unexpectedly|Unexpected end of stream/, error: 'EOF', weight: WEIGHT.cleanClose, operation: 'read' },
  { source: 'dotnet', re: /The response ended prematurely/, error: 'EOF', weight: WEIGHT.cleanClose, operation: 'read' },
  // ssh: the server side closed before the banner ("kex_exchange_identification: Connection closed by remote host")
  // or an established session ("Connection to HOST closed by remote host."), sshd about its client ("Connection closed by 192.0.2.1 port 5555 [preauth]")
  { source: 'ssh', re: /\bConnection closed by (?:remote host|(?:authenticating|invalid) user \S{1,64} [0-9A-Fa-f.:]{2,45} port \d{1,5}|[0-9A-Fa-f.:]{2,45} port \d{1,5})|\bConnection to \S{1,253} closed by remote host/, error: 'EOF', weight: WEIGHT.cleanClose },
  // curl 18 (CURLE_PARTIAL_FILE): "transfer closed with N bytes remaining to read" / "outstanding read data remaining"
  { source: 'curl', re: /transfer closed with (?:\d+ bytes remaining to read|outstanding read data remaining)/, error: 'EOF', weight: WEIGHT.specificText, operation: 'read' },
  // Apache HttpClient (httpcore ContentLengthInputStream / ChunkedInputStream: "Premature end of Content-Length
  // delimited message body (expected: N; received: M)", "Premature end of chunk coded message body: closing chunk
  // expected") and aiohttp's ContentLengthError ("Not enough data for satisfy content length header"): the body was cut
  { source: 'generic', re: /\bPremature end of (?:Content-Length delimited message body|chunk coded message body)|\bNot enough data (?:for|to) satisfy content length header/, error: 'EOF', weight: WEIGHT.specificText, operation: 'read' },
  // Windows WSAETIMEDOUT's text names a response that never came: "failed to respond" there is not an EOF
  { source: 'generic', re: /connected party did not properly respond after a period of time/i, error: 'ETIMEDOUT', weight: WEIGHT.overridesCode },
  // Winsock's own description of WSAECONNRESET in recv/recvfrom/WSARecv docs (https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-recvfrom, Return value)
  { source: 'generic', re: /virtual circuit was reset by the remote side/i, error: 'ECONNRESET', weight: WEIGHT.specificText },
  // .NET System.Net.Sockets.SocketError names (https://learn.microsoft.com/en-us/dotnet/api/system.net.sockets.socketerror): ConnectionReset 10054, ConnectionRefused 10061, TimedOut 10060, ConnectionAborted 10053
  { source: 'dotnet', re: /\bSocketError\.ConnectionReset\b|\bSocketException\b[^\n]{0,80}\(ConnectionReset\)/, error: 'ECONNRESET', weight: WEIGHT.specificText },
  { source: 'dotnet', re: /\bSocketError\.ConnectionRefused\b/, error: 'ECONNREFUSED', weight: WEIGHT.specificText, operation: 'connect' },
  { source: 'dotnet', re: /\bSocketError\.TimedOut\b/, error: 'ETIMEDOUT', weight: WEIGHT.specificText },
  { source: 'dotnet', re: /\bSocketError\.ConnectionAborted\b/, error: 'ECONNABORTED', weight: WEIGHT.specificText },
  // Java: an ICMP port unreachable on a connected DatagramSocket (https://docs.oracle.com/en/java/javase/21/docs/api/java.base/java/net/PortUnreachableException.html)
  { source: 'java', re: /\bPortUnreachableException\b/, error: 'ECONNREFUSED', weight: WEIGHT.specificText },
  // libpq: the server sent TLS close_notify (a clean TLS close) where a reply was expected (postgres src/interfaces/libpq/fe-secure-openssl.c, SSL_ERROR_ZERO_RETURN)
  { source: 'postgresql', re: /SSL connection has been closed unexpectedly/, error: 'EOF', weight: WEIGHT.cleanClose, operation: 'read' },
  // libpq: a call on a connection already lost (postgres src/interfaces/libpq/fe-exec.c, "no connection to the server")
  { source: 'postgresql', re: /\bno connection to the server\b/, error: 'EOF', weight: WEIGHT.cleanClose },
  // librdkafka: "Connect to ipv4#10.0.0.1:9092 failed: Connection refused (after 0ms in state CONNECT)"
  { source: 'kafka', re: /\bConnect to (?:ipv[46]#)?\S{1,300} failed: Connection refused/, error: 'ECONNREFUSED', weight: WEIGHT.specificText, operation: 'connect' },
];

/**
 * Places where a log shows an error number, and which numbering it is in. `platform` narrows the
 * reading where the wording gives it away (WinError is always Windows).
 */
export interface NumberPattern {
  source: LogSource;
  /** group 1: the number, decimal (possibly negative) or 0x-hex */
  re: RegExp;
  platform?: 'linux' | 'macos' | 'windows';
  /** numbers that are getaddrinfo codes rather than errno (Python's socket.gaierror) */
  getaddrinfo?: boolean;
}

export const NUMBER_PATTERNS: readonly NumberPattern[] = [
  { source: 'python', re: /\[WinError (\d+)\]/g, platform: 'windows' },
  { source: 'python', re: /gaierror: \[Errno (-?\d+)\]/g, getaddrinfo: true },
  { source: 'python', re: /\[Errno (-?\d+)\] (?:Temporary failure in name|Name or service|nodename nor|No address associated|getaddrinfo|Try again|Name does not)/g, getaddrinfo: true },
  { source: 'python', re: /\[Errno (-?\d+)\]/g },
  { source: 'python', re: /(?:ConnectionResetError|ConnectionRefusedError|ConnectionAbortedError|BrokenPipeError|TimeoutError|OSError)\((-?\d+),/g },
  { source: 'python', re: /\bError (\d+) (?:while|connecting)/g },
  { source: 'generic', re: /\berrno[ =:]{0,3}(-?\d+)/gi },
  { source: 'rust', re: /\(os error (\d+)\)/g },
  // Envoy: "transport failure reason: delayed connect error: 111" (the connect's errno, Linux)
  { source: 'envoy', re: /delayed connect error: (\d+)/g, platform: 'linux' },
  { source: 'mysql', re: /system error: (\d+)/g },
  { source: 'mysql', re: /MySQL server on '[^']{0,255}' \((\d+)/g },
  { source: 'dotnet', re: /SocketException \((\d+)\)/g },
  { source: 'dotnet', re: /(?:Native|Socket)ErrorCode[ =:]{0,3}(\d+)/gi },
  { source: 'nginx', re: /\((\d+): [A-Z][a-z]/g },
  { source: 'postgresql', re: /\((0x[0-9A-Fa-f]{8})\/\d+\)/g, platform: 'windows' },
  // a Winsock code after "error" ("recvfrom() fails with error 10054"): only the WSA range 10004-11031 (https://learn.microsoft.com/en-us/windows/win32/winsock/windows-sockets-error-codes-2)
  { source: 'generic', re: /\berror (10\d{3}|110[0-3]\d)\b/gi, platform: 'windows' },
  { source: 'generic', re: /\b(0x[0-9A-Fa-f]{4,8})\b/g },
];

/** Where a context code appears: group 1 is the code (decimal, or hex for HRESULTs). */
export const CONTEXT_PATTERNS: readonly { system: ContextCode['system']; re: RegExp }[] = [
  { system: 'curl', re: /\bcurl: \((\d+)\)/g },
  { system: 'curl', re: /\bcurl(?: error|\s+exit(?: code)?)?[ :#(]{1,3}(\d+)\b/gi },
  { system: 'curl', re: /\bcURL error (\d+)/g },
  { system: 'grpc', re: /\b(\d+) (?:UNAVAILABLE|INTERNAL|DEADLINE_EXCEEDED)\b/g },
  { system: 'grpc', re: /StatusCode\.(UNAVAILABLE|INTERNAL|DEADLINE_EXCEEDED)\b/g },
  { system: 'grpc', re: /code = (Unavailable|Internal|DeadlineExceeded)\b/g },
  { system: 'mysql', re: /\bERROR (20\d\d) \(HY000\)/g },
  { system: 'mysql', re: /\(?(20(?:02|03|05|06|13|55))[,)]\s{0,2}["']?(?:Can't|Lost|MySQL|Unknown)/g },
  { system: 'hresult', re: /\((0x8[0-9A-Fa-f]{7})\)/g },
];

/** gRPC status names as they appear in logs, to their numbers. */
export const GRPC_STATUS_BY_NAME: Readonly<Record<string, number>> = {
  UNAVAILABLE: 14,
  Unavailable: 14,
  INTERNAL: 13,
  Internal: 13,
  DEADLINE_EXCEEDED: 4,
  DeadlineExceeded: 4,
};

/**
 * Where a line shows an HTTP status (group 1): a status line, an access log's request and status, an
 * error page's title, "status code 502", "502 Bad Gateway", Cloudflare's "Error 522". Only the
 * statuses explain has rows for count (knowledge/explain-http-errors.ts).
 */
export const STATUS_PATTERNS: readonly RegExp[] = [
  /\bHTTP\/[\d.]{1,3} (\d{3})\b/g,
  /"[A-Z]{3,10} [^"\s]{1,4096} HTTP\/[\d.]{1,3}" (\d{3})\b/g,
  /<(?:title|h1)>(\d{3})\b/g,
  /\b(?:status(?:[ _-]?code)?|statusCode|response[ _]code|HTTP status|HTTP code|elb_status_code)["']?\s{0,3}[:=]?\s{0,3}["']?(\d{3})\b/gi,
  /\b(\d{3}):? (?:Bad Gateway|Service (?:Temporarily )?Unavailable|Gateway Time-?out|Client Closed Request)\b/gi,
  /\berror(?: code)?:? (\d{3})\b/gi,
  /\bfailed with status code (\d{3})\b/g,
];

/** The operation a line shows, most specific first (a DNS failure inside "dial tcp" is a DNS failure). */
export const OPERATION_PATTERNS: readonly { operation: Operation; re: RegExp }[] = [
  // MySQL's own handshake, right after the TCP connect: part of connecting
  { operation: 'connect', re: /(?:reading|waiting for) initial communication packet|reading authorization packet/ },
  { operation: 'dns', re: /getaddrinfo|gaierror|\blookup [^\s:]+|UnknownHostException|resolve host|name resolution|Name or service not known|nodename nor servname|No such host is known|translate host name|no such host|Name does not resolve|Unknown (?:MySQL )?server host|EAI_AGAIN|ENOTFOUND/i },
  { operation: 'tls_handshake', re: /handshake|SSL_connect|secure TLS connection/i },
  { operation: 'bind', re: /\blisten E[A-Z]+|\bbind\(\)|BindException|\bbind: |Address already in use|Address in use/ },
  { operation: 'accept', re: /\baccept\(\)|\baccept4\(\)|\baccept: |\baccept E[A-Z]+/ },
  // UDP receives and sends name their datagram call, even when the errno reads like a connect's ("recvAddress(..) failed: Connection refused")
  { operation: 'read', re: /\brecvfrom\b|\b(?:End|Begin)?ReceiveFrom\b|\bWSARecvFrom\b|\brecvAddress\(|\breadAddress\(|\brecv_from\b/ },
  { operation: 'write', re: /\bDatagramSocket\.send\b|\bsendto\(\)|\bSendTo\b/ },
  // psycopg2's connect frame (psycopg2/__init__.py "in connect": conn = _connect(dsn, ...)): the failure came while connecting
  { operation: 'connect', re: /, in connect\n\s{0,12}conn = _connect\(/ },
  { operation: 'connect', re: /\bdial tcp|\bconnect\(\)|connectex|\bconnect: |\bconnect E[A-Z]+|ConnectException|Failed to connect|failed to establish a new connection|could not connect|Can't connect|connect timed out|while connecting|connection to server at|connect failed|No connection could be made|NewConnectionError|Connection refused|ECONNREFUSED|Error while dialing/i },
  { operation: 'write', re: /\bwrite tcp|\bwrite: |\bwrite E[A-Z]+|\bsend\(\)|\bsendmsg\(\)|writev\(\)|wsasend|send failure|SSL_write|while writing|socket write error|while sending to client|could not send|writing to socket|sendto failed|Unable to write data|Error while sending|\bsend: |SocketOutputStream\.socketWrite|Socket\.Send\b|\bsend of \d+ bytes|Write failed/ },
  { operation: 'read', re: /\bread tcp|\bread: |\bread E[A-Z]+|\brecv\(\)|\brecvmsg\(\)|\breadv\(\)|wsarecv|recv failure|SSL_read|while reading|Read timed out|could not receive|reading from socket|Unable to read data|\brecv: |recvfrom failed|SocketInputStream\.read|Socket\.Receive\b|\brecv_into\b|Error while reading/i },
];

/**
 * Where a log names the remote endpoint. group 1 host, group 2 port (optional when defaultPort
 * or a URL scheme gives it). Ordered: the first match wins.
 */
export interface EndpointPattern {
  source: LogSource;
  re: RegExp;
  defaultPort?: number;
  /** the pattern reads a proxy's named upstream (nginx `upstream: "..."`), the only endpoint worth probing in a proxy's log */
  upstream?: true;
}

const HOST = String.raw`(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]{0,252}|[0-9A-Fa-f:]{2,39}[0-9A-Fa-f])`;

export const ENDPOINT_PATTERNS: readonly EndpointPattern[] = [
  { source: 'go', re: new RegExp(String.raw`->${HOST}:(\d{1,5})\b`) },
  { source: 'go', re: new RegExp(String.raw`dial tcp ${HOST}:(\d{1,5})\b`) },
  { source: 'nginx', re: /upstream: "(?:[a-z]+:\/\/)?([^":/\s]+|\[[0-9A-Fa-f:.]+\]):(\d{1,5})/, upstream: true },
  { source: 'node', re: new RegExp(String.raw`\b(?:connect|read|write) E[A-Z]+ ${HOST}:(\d{1,5})\b`) },
  { source: 'python', re: /host='([^']{1,253})', port=(\d{1,5})/ },
  // an uncaught fetch (undici) error prints its socket
  { source: 'node', re: /remoteAddress: '([^'\s]{1,253})',\s{1,20}remotePort: (\d{1,5})/ },
  { source: 'postgresql', re: /(?:host|server at) "([^"]{1,253})"[^"]{0,160}?port (\d{1,5})/ },
  { source: 'android', re: /failed to connect to (?:[^\s/]{0,253}\/)?([^\s/(]{1,253}) \(port (\d{1,5})\)/ },
  { source: 'redis', re: /Redis at ([^\s:]{1,253}):(\d{1,5})/ },
  { source: 'curl', re: /Failed to connect to ([^\s]{1,253}) port (\d{1,5})/ },
  // ssh: "Connection to 192.0.2.1 port 22: Broken pipe", "ssh: connect to host example.com port 22: Connection refused"
  { source: 'ssh', re: /\b(?:Connection to|connect to host|Connection (?:reset|closed) by) ([A-Za-z0-9][A-Za-z0-9.:-]{0,252}) port (\d{1,5})\b/ },
  { source: 'curl', re: /in connection to ([^\s:]{1,253}):(\d{1,5})/ },
  { source: 'mysql', re: /MySQL server on '([^':]{1,253})(?::(\d{1,5}))?'/, defaultPort: 3306 },
  { source: 'dotnet', re: /\(([A-Za-z0-9.-]{1,253}):(\d{1,5})\)/ },
  { source: 'generic', re: /\b(https?|wss?|tls|tcp):\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]{1,253})(?::(\d{1,5}))?/ },
  { source: 'generic', re: /\b((?:\d{1,3}\.){3}\d{1,3}|localhost|[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){1,10}):(\d{1,5})\b/i },
];

/**
 * Ports that speak TLS from the first byte (HTTPS, SMTPS, LDAPS, DNS over TLS, IMAPS, POP3S, common
 * alternates). A TLS failure on one of these is probed with tls://; databases that upgrade to TLS
 * inside their own protocol (PostgreSQL, MySQL) are not on the list, so they are probed plainly.
 */
export const DIRECT_TLS_PORTS: ReadonlySet<number> = new Set([443, 465, 636, 853, 993, 995, 6443, 8443, 9443]);

export const URL_DEFAULT_PORTS: Readonly<Record<string, number>> = { http: 80, https: 443, ws: 80, wss: 443 };

/** Symbols users type but that are too generic to trust inside a log line. */
export const TYPED_ONLY_SYMBOLS: ReadonlySet<string> = new Set([
  'EOF',
  'TIMEOUT',
  'CONNRESET',
  'BROKENPIPE',
  'SIGPIPE',
  'SOCKET_HANG_UP',
  'CLEAN_CLOSE',
  'SSLEOFERROR',
  'SSL_EOF',
  'UNKNOWNHOSTEXCEPTION',
  'SSL_ERROR_SYSCALL',
  'NXDOMAIN',
  'SERVFAIL',
]);
