/**
 * Numbers in logs that are not errno values (curl exit codes, gRPC status codes, MySQL client
 * errors, HRESULTs), as data: what each means, and the error it usually stands for when the line
 * names no errno, and the weights of evidence the message resolver uses. Kept apart from the log
 * patterns so that a bare-number lookup loads only this module.
 */
import type { Operation } from './errors.js';

/**
 * Weights: an explicit number in an errno context beats a symbol, which beats a standard text,
 * which beats the default reading of a non-errno code ("curl 56 is usually a reset").
 */
export const WEIGHT = {
  /** a text known to come with a misleading code (Node's "socket hang up" carries code ECONNRESET) */
  overridesCode: 12,
  number: 10,
  symbol: 9,
  specificText: 9,
  standardText: 8,
  cleanClose: 7,
  contextDefault: 3,
  hint: 2,
} as const;

/** Numbers that are not errno values: what they mean in their own system. */
export interface ContextCode {
  system: 'curl' | 'grpc' | 'mysql' | 'hresult';
  code: number;
  name: string;
  meaning: string;
  /** the error it usually stands for when the line names no errno */
  usually?: { error: string; weight: number };
  operation?: Operation;
}

export const CONTEXT_CODES: readonly ContextCode[] = [
  { system: 'curl', code: 6, name: 'CURLE_COULDNT_RESOLVE_HOST', meaning: 'curl could not resolve the host name', usually: { error: 'ENOTFOUND', weight: WEIGHT.contextDefault }, operation: 'dns' },
  { system: 'curl', code: 7, name: 'CURLE_COULDNT_CONNECT', meaning: 'curl could not connect to the host or proxy', usually: { error: 'ECONNREFUSED', weight: WEIGHT.contextDefault }, operation: 'connect' },
  { system: 'curl', code: 16, name: 'CURLE_HTTP2', meaning: 'a problem in the HTTP/2 framing layer (often a stream or connection the server or a proxy reset)', usually: { error: 'ECONNRESET', weight: WEIGHT.contextDefault }, operation: 'read' },
  { system: 'curl', code: 18, name: 'CURLE_PARTIAL_FILE', meaning: 'the transfer ended before the whole body arrived: the server closed the connection with bytes still to come', usually: { error: 'EOF', weight: WEIGHT.cleanClose }, operation: 'read' },
  { system: 'curl', code: 28, name: 'CURLE_OPERATION_TIMEDOUT', meaning: 'curl\'s timeout expired (--connect-timeout or --max-time)', usually: { error: 'ETIMEDOUT', weight: WEIGHT.contextDefault + 3 } },
  { system: 'curl', code: 35, name: 'CURLE_SSL_CONNECT_ERROR', meaning: 'the TLS handshake failed', usually: { error: 'TLS_UNEXPECTED_EOF', weight: WEIGHT.contextDefault }, operation: 'tls_handshake' },
  { system: 'curl', code: 52, name: 'CURLE_GOT_NOTHING', meaning: 'the server closed the connection without sending anything (empty reply)', usually: { error: 'EOF', weight: WEIGHT.cleanClose }, operation: 'read' },
  { system: 'curl', code: 55, name: 'CURLE_SEND_ERROR', meaning: 'curl failed sending network data', usually: { error: 'EPIPE', weight: WEIGHT.contextDefault }, operation: 'write' },
  { system: 'curl', code: 56, name: 'CURLE_RECV_ERROR', meaning: 'curl failed receiving network data', usually: { error: 'ECONNRESET', weight: WEIGHT.contextDefault }, operation: 'read' },
  { system: 'curl', code: 92, name: 'CURLE_HTTP2_STREAM', meaning: 'an HTTP/2 stream was reset or not closed cleanly (RST_STREAM from the server or a proxy)', usually: { error: 'ECONNRESET', weight: WEIGHT.contextDefault }, operation: 'read' },
  { system: 'grpc', code: 4, name: 'DEADLINE_EXCEEDED', meaning: 'the call\'s deadline expired before it completed', usually: { error: 'ETIMEDOUT', weight: WEIGHT.contextDefault } },
  { system: 'grpc', code: 13, name: 'INTERNAL', meaning: 'gRPC INTERNAL: often a stream torn down mid-call (RST_STREAM) or a protocol error' },
  { system: 'grpc', code: 14, name: 'UNAVAILABLE', meaning: 'gRPC UNAVAILABLE: the transport failed (connect failed, connection reset or closed); the text after it names the socket error', usually: { error: 'ECONNRESET', weight: 1 } },
  { system: 'mysql', code: 2002, name: 'CR_CONNECTION_ERROR', meaning: 'MySQL client could not connect (local socket or TCP); the errno is in the trailing parentheses', usually: { error: 'ECONNREFUSED', weight: WEIGHT.contextDefault }, operation: 'connect' },
  { system: 'mysql', code: 2003, name: 'CR_CONN_HOST_ERROR', meaning: 'MySQL client could not connect to the server over TCP; the errno is in the trailing parentheses', usually: { error: 'ECONNREFUSED', weight: WEIGHT.contextDefault }, operation: 'connect' },
  { system: 'mysql', code: 2005, name: 'CR_UNKNOWN_HOST', meaning: 'MySQL client could not resolve the server host name', usually: { error: 'ENOTFOUND', weight: WEIGHT.contextDefault }, operation: 'dns' },
  { system: 'mysql', code: 2006, name: 'CR_SERVER_GONE_ERROR', meaning: 'MySQL server has gone away: the server closed the connection (often wait_timeout on an idle connection)', usually: { error: 'EOF', weight: WEIGHT.cleanClose } },
  { system: 'mysql', code: 2013, name: 'CR_SERVER_LOST', meaning: 'Lost connection to MySQL server during a query', usually: { error: 'EOF', weight: WEIGHT.cleanClose }, operation: 'read' },
  { system: 'mysql', code: 2055, name: 'CR_SERVER_LOST_EXTENDED', meaning: 'Lost connection to MySQL server; the system error follows', usually: { error: 'EOF', weight: WEIGHT.contextDefault } },
  { system: 'hresult', code: 0x80004005, name: 'E_FAIL', meaning: 'a generic HRESULT printed by .NET Framework next to SocketException: not the socket error (look for the Winsock number or text)' },
];

