/**
 * Service identification as data: the short probes that find out what listens on a port (nmap
 * -sV's job, for the services people most often mistake for each other), and the replies that
 * identify each service. Previews are the probe's escaped text (\r \n \xHH). Adding a service is
 * adding a probe row (if it needs its own greeting) and a signature row.
 */

export const SERVICE_IDS = ['tls', 'http', 'postgres', 'redis', 'ssh', 'smtp', 'ftp', 'mysql', 'silent'] as const;
export type ServiceId = (typeof SERVICE_IDS)[number];

export const SERVICE_NAMES: Readonly<Record<ServiceId, string>> = {
  tls: 'TLS',
  http: 'HTTP',
  postgres: 'PostgreSQL',
  redis: 'Redis',
  ssh: 'SSH',
  smtp: 'SMTP',
  ftp: 'FTP',
  mysql: 'MySQL',
  silent: 'a silent, client-first service',
};

/** What each trial sends. `tls` runs a TLS handshake (and sends nothing inside it). */
export interface ServiceProbeRow {
  label: string;
  tls: boolean;
  send: { kind: 'none' } | { kind: 'http' } | { kind: 'text'; text: string } | { kind: 'hex'; hex: string };
  /** the service this trial asks about; trials that speak the user's own protocol are skipped */
  asks: ServiceId;
  what: string;
}

export const SERVICE_PROBES: readonly ServiceProbeRow[] = [
  { label: 'tls_hello', tls: true, send: { kind: 'none' }, asks: 'tls', what: 'a TLS ClientHello' },
  { label: 'http_get', tls: false, send: { kind: 'http' }, asks: 'http', what: 'GET / HTTP/1.1' },
  // PostgreSQL's SSLRequest: length 8, code 80877103 (https://www.postgresql.org/docs/current/protocol-message-formats.html)
  { label: 'postgres_ssl', tls: false, send: { kind: 'hex', hex: '0000000804d2162f' }, asks: 'postgres', what: 'a PostgreSQL SSLRequest' },
  // an inline command (https://redis.io/docs/latest/develop/reference/protocol-spec/#inline-commands)
  { label: 'redis_ping', tls: false, send: { kind: 'text', text: 'PING\r\n' }, asks: 'redis', what: 'a Redis PING' },
  { label: 'listen', tls: false, send: { kind: 'none' }, asks: 'ssh', what: 'nothing (listening for a banner)' },
];

export interface ServiceSignature {
  service: ServiceId;
  /** which trials' replies it reads ('*' for any plain trial) */
  trials: readonly string[];
  pattern: RegExp;
  /** the detail shown next to the service name, from the match (and the whole reply text) */
  detail: (m: RegExpExecArray, text: string) => string;
  source: string;
}

/** The first matching row wins; more specific rows come first. */
export const SERVICE_SIGNATURES: readonly ServiceSignature[] = [
  {
    service: 'ssh',
    trials: ['listen'],
    pattern: /^SSH-(\d\.\d+)-([^\s\\]+)/,
    detail: (m) => `banner SSH-${m[1]}-${m[2]}`,
    source: 'RFC 4253 section 4.2 (protocol version exchange)',
  },
  {
    service: 'mysql',
    trials: ['listen'],
    // a protocol 10 handshake: 3-byte length, sequence 0, 0x0a, the server version
    pattern: /^(?:\\x[0-9a-f]{2}|\\\\|[^\\])\\x00\\x00\\x00\\x0a(\d[\w.+~-]*)/,
    detail: (m) => `handshake v10, server ${m[1]}`,
    source: 'https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_handshake_v10.html',
  },
  {
    service: 'ftp',
    trials: ['listen'],
    pattern: /^220[ -]([^\\]*FTP[^\\]*)/i,
    detail: (m) => `greeting "220 ${m[1]!.slice(0, 60)}"`,
    source: 'RFC 959 (220 Service ready)',
  },
  {
    service: 'smtp',
    trials: ['listen'],
    pattern: /^220[ -]([^\\]*)/,
    detail: (m) => `greeting "220 ${m[1]!.slice(0, 60)}"`,
    source: 'RFC 5321 section 4.2 (220 greeting)',
  },
  {
    service: 'postgres',
    trials: ['postgres_ssl'],
    pattern: /^([SN])$/,
    detail: (m) => `SSLRequest answered ${m[1]} (${m[1] === 'S' ? 'TLS available' : 'no TLS'})`,
    source: 'https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-SSL',
  },
  {
    service: 'postgres',
    trials: ['*'],
    // an ErrorResponse: 'E', length, then fields S(everity) ... (FATAL)
    pattern: /^E\\x00\\x00(?:\\x[0-9a-f]{2}|[^\\]){2}S(FATAL|ERROR)/,
    detail: (m) => `ErrorResponse (${m[1]})`,
    source: 'https://www.postgresql.org/docs/current/protocol-message-formats.html',
  },
  {
    service: 'redis',
    trials: ['redis_ping', '*'],
    pattern: /^(\+PONG|-NOAUTH[^\\]*|-ERR[^\\]*|-DENIED[^\\]*|-WRONGPASS[^\\]*)\\r\\n/,
    detail: (m) => `PING answered ${m[1]!.slice(0, 60)}`,
    source: 'https://redis.io/docs/latest/commands/ping/',
  },
  {
    service: 'http',
    trials: ['*'],
    pattern: /^(HTTP\/\d(?:\.\d)? \d\d\d[^\\]*)/,
    detail: (m, text) => {
      const server = /\\r\\nServer: ?([^\\]*)/i.exec(text)?.[1];
      return `"${m[1]!.slice(0, 60)}"${server ? `, Server: ${server.slice(0, 40)}` : ''}`;
    },
    source: 'RFC 9112 section 4 (status line)',
  },
];
