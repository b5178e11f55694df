/**
 * Network error codes across platforms, as data. One row per error that `explain` knows; each row
 * carries the names and numbers of that error on every platform (from the platforms' own headers:
 * Linux include/uapi/asm-generic/errno*.h, xnu bsd/sys/errno.h, WinSock2.h/winerror.h, the UCRT
 * errno.h POSIX block, libuv include/uv/errno.h), what it means on the wire, and the causes to
 * rank. Adding an error is adding a row; the lookup code has no per-error branches.
 */
import type { ExplainCauseId as CauseId } from './explain-causes.js';
import { HTTP_STATUS_ERRORS } from './explain-http-errors.js';

export const PLATFORMS = ['linux', 'macos', 'windows'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** What the peer (or the path) did on the wire that produced this error. */
export type WireSignal = 'rst' | 'fin' | 'icmp' | 'silence' | 'local' | 'dns' | 'tls' | 'http';

/** The operation a log line shows the error happened in: different operations call for different fixes. */
export const OPERATIONS = ['dns', 'connect', 'tls_handshake', 'bind', 'accept', 'write', 'read'] as const;
export type Operation = (typeof OPERATIONS)[number];

export const OPERATION_LABEL: Readonly<Record<Operation, string>> = {
  dns: 'DNS lookup',
  connect: 'connect',
  tls_handshake: 'TLS handshake',
  bind: 'bind/listen',
  accept: 'accept',
  write: 'write (send)',
  read: 'read (receive)',
};

/** One name/number/text of an error in one numbering system. */
export interface NamedCode {
  symbol: string;
  number: number;
  text: string;
}

export interface LibuvCodes {
  /** the libuv constant, e.g. UV_ECONNRESET; Node puts the name without UV_ in err.code */
  name: string;
  /** what uv_strerror prints */
  text: string;
  linux: number | null;
  macos: number | null;
  windows: number | null;
}

export type ErrorCategory = 'errno' | 'dns' | 'tls' | 'close' | 'http';

export interface ErrorEntry {
  /** canonical symbol, the key users type */
  id: string;
  category: ErrorCategory;
  /** one line: the error's name in plain words */
  title: string;
  /** what it means, in plain words */
  meaning: string;
  wire: { signal: WireSignal; description: string };
  linux: NamedCode[];
  /** macOS and the BSDs share these numbers for every row here */
  macos: NamedCode[];
  /** Winsock (WSA*, 100xx/110xx) codes, and Windows system errors that libuv maps to the same error */
  windows: NamedCode[];
  /** Windows CRT errno.h (VS2010+/UCRT), listed because it differs from the Winsock number */
  windowsCrt: NamedCode[];
  libuv: LibuvCodes | null;
  /** other names that mean this error (typed by users or seen in logs) */
  aliases: string[];
  /** causes, most likely first */
  causes: CauseId[];
  /** a different order when the log line shows the operation */
  causesByOperation?: Partial<Record<Operation, CauseId[]>>;
  notes?: string[];
  /** an HTTP status row (category 'http'): the status a proxy answered or logged */
  http?: { status: number; reason: string };
}

/**
 * The UCRT errno.h POSIX supplement (EADDRINUSE 100 ... EWOULDBLOCK 140) has no standard strerror
 * text, and Winsock calls report WSA* codes instead; say so rather than invent a message.
 */
const CRT_SUPPLEMENT = 'errno.h value; Winsock calls report the WSA code instead';

const RESET_CAUSES: CauseId[] = [
  'server_idle_timeout',
  'server_crash_restart',
  'middlebox_idle_timeout',
  'app_error_close',
  'firewall_intervention',
  'wrong_service_on_port',
  'protocol_mismatch',
  'connection_limit',
];

export const ERRORS: readonly ErrorEntry[] = [
  {
    id: 'ECONNRESET',
    category: 'errno',
    title: 'Connection reset by peer',
    meaning:
      'The other end (or something in between) aborted the connection: your socket received a TCP RST, so any data in flight is lost and the connection is gone.',
    wire: { signal: 'rst', description: 'A TCP RST segment arrived from the peer or from a middlebox speaking for it.' },
    linux: [{ symbol: 'ECONNRESET', number: 104, text: 'Connection reset by peer' }],
    macos: [{ symbol: 'ECONNRESET', number: 54, text: 'Connection reset by peer' }],
    windows: [
      { symbol: 'WSAECONNRESET', number: 10054, text: 'An existing connection was forcibly closed by the remote host.' },
      { symbol: 'ERROR_NETNAME_DELETED', number: 64, text: 'The specified network name is no longer available.' },
    ],
    windowsCrt: [{ symbol: 'ECONNRESET', number: 108, text: CRT_SUPPLEMENT }],
    libuv: { name: 'UV_ECONNRESET', text: 'connection reset by peer', linux: -104, macos: -54, windows: -4077 },
    aliases: ['WSAECONNRESET', 'UV_ECONNRESET', 'ERROR_NETNAME_DELETED', 'CONNRESET'],
    causes: RESET_CAUSES,
    causesByOperation: {
      connect: ['connection_limit', 'firewall_intervention', 'wrong_service_on_port', 'protocol_mismatch', 'server_crash_restart'],
      tls_handshake: ['protocol_mismatch', 'tls_problem', 'firewall_intervention', 'wrong_service_on_port', 'server_crash_restart'],
      write: ['wrote_after_peer_closed', 'server_idle_timeout', 'middlebox_idle_timeout', 'server_crash_restart', 'app_error_close', 'firewall_intervention'],
    },
  },
  {
    id: 'ECONNREFUSED',
    category: 'errno',
    title: 'Connection refused',
    meaning: 'The host answered the connection attempt with a refusal: nothing accepted the connection on that port.',
    wire: { signal: 'rst', description: 'The SYN was answered with an RST (or an ICMP port-unreachable): the host is up, but no socket listens there, or a firewall rejects on its behalf.' },
    linux: [{ symbol: 'ECONNREFUSED', number: 111, text: 'Connection refused' }],
    macos: [{ symbol: 'ECONNREFUSED', number: 61, text: 'Connection refused' }],
    windows: [
      { symbol: 'WSAECONNREFUSED', number: 10061, text: 'No connection could be made because the target machine actively refused it.' },
      { symbol: 'ERROR_CONNECTION_REFUSED', number: 1225, text: 'The remote computer refused the network connection.' },
      // winerror.h; the Win32 form of an ICMP port unreachable (STATUS_PORT_UNREACHABLE): nothing serves that port
      { symbol: 'ERROR_PORT_UNREACHABLE', number: 1234, text: 'No service is operating at the destination network endpoint on the remote system.' },
    ],
    windowsCrt: [{ symbol: 'ECONNREFUSED', number: 107, text: CRT_SUPPLEMENT }],
    libuv: { name: 'UV_ECONNREFUSED', text: 'connection refused', linux: -111, macos: -61, windows: -4078 },
    aliases: ['WSAECONNREFUSED', 'UV_ECONNREFUSED', 'ERROR_CONNECTION_REFUSED', 'ERROR_PORT_UNREACHABLE'],
    causes: ['nothing_listening', 'server_crash_restart', 'firewall_intervention', 'wrong_service_on_port', 'connection_limit'],
  },
  {
    id: 'ECONNABORTED',
    category: 'errno',
    title: 'Software caused connection abort',
    meaning: 'Your own host\'s network stack gave up on the connection (or the peer aborted it before it was accepted); on Windows it is often a local firewall, antivirus or the app closing the socket during an operation.',
    wire: { signal: 'local', description: 'Usually decided locally: retransmissions ran out, or local software tore the connection down; sometimes an RST arrived while the connection was still being set up.' },
    linux: [{ symbol: 'ECONNABORTED', number: 103, text: 'Software caused connection abort' }],
    macos: [{ symbol: 'ECONNABORTED', number: 53, text: 'Software caused connection abort' }],
    windows: [
      { symbol: 'WSAECONNABORTED', number: 10053, text: 'An established connection was aborted by the software in your host machine.' },
      { symbol: 'ERROR_CONNECTION_ABORTED', number: 1236, text: 'The network connection was aborted by the local system.' },
    ],
    windowsCrt: [{ symbol: 'ECONNABORTED', number: 106, text: CRT_SUPPLEMENT }],
    libuv: { name: 'UV_ECONNABORTED', text: 'software caused connection abort', linux: -103, macos: -53, windows: -4079 },
    aliases: ['WSAECONNABORTED', 'UV_ECONNABORTED', 'ERROR_CONNECTION_ABORTED'],
    causes: ['local_software_abort', 'middlebox_idle_timeout', 'server_crash_restart', 'firewall_intervention', 'server_idle_timeout'],
  },
  {
    id: 'ETIMEDOUT',
    category: 'errno',
    title: 'Connection timed out',
    meaning: 'Nothing answered in time: the connect got no reply to its SYNs, or sent data was never acknowledged, or (for application timeouts) no reply came within the deadline.',
    wire: { signal: 'silence', description: 'Silence: packets went out and nothing came back (no SYN-ACK, no ACK, no reply) until the timer expired.' },
    linux: [{ symbol: 'ETIMEDOUT', number: 110, text: 'Connection timed out' }],
    macos: [{ symbol: 'ETIMEDOUT', number: 60, text: 'Operation timed out' }],
    windows: [
      {
        symbol: 'WSAETIMEDOUT',
        number: 10060,
        text: 'A connection attempt failed because the connected party did not properly respond after a period of time, or established connection failed because connected host has failed to respond.',
      },
      { symbol: 'ERROR_SEM_TIMEOUT', number: 121, text: 'The semaphore timeout period has expired.' },
    ],
    windowsCrt: [{ symbol: 'ETIMEDOUT', number: 138, text: CRT_SUPPLEMENT }],
    libuv: { name: 'UV_ETIMEDOUT', text: 'connection timed out', linux: -110, macos: -60, windows: -4039 },
    aliases: ['WSAETIMEDOUT', 'UV_ETIMEDOUT', 'ERROR_SEM_TIMEOUT', 'TIMEOUT'],
    causes: ['packet_filter_drop', 'server_slow_or_overloaded', 'routing_problem', 'middlebox_idle_timeout', 'connection_limit'],
    causesByOperation: {
      read: ['server_slow_or_overloaded', 'middlebox_idle_timeout', 'packet_filter_drop'],
      write: ['middlebox_idle_timeout', 'server_slow_or_overloaded', 'packet_filter_drop'],
    },
  },
  {
    id: 'EPIPE',
    category: 'errno',
    title: 'Broken pipe',
    meaning: 'You wrote to a connection the other side had already closed (or reset): the peer will never read this data.',
    wire: { signal: 'fin', description: 'The peer had sent FIN (closed); your earlier write drew an RST, and this write fails locally.' },
    linux: [{ symbol: 'EPIPE', number: 32, text: 'Broken pipe' }],
    macos: [{ symbol: 'EPIPE', number: 32, text: 'Broken pipe' }],
    windows: [
      { symbol: 'ERROR_NO_DATA', number: 232, text: 'The pipe is being closed.' },
    ],
    windowsCrt: [{ symbol: 'EPIPE', number: 32, text: 'Broken pipe' }],
    libuv: { name: 'UV_EPIPE', text: 'broken pipe', linux: -32, macos: -32, windows: -4047 },
    aliases: ['UV_EPIPE', 'ERROR_NO_DATA', 'BROKENPIPE', 'SIGPIPE'],
    causes: ['wrote_after_peer_closed', 'server_idle_timeout', 'server_crash_restart', 'app_error_close', 'middlebox_idle_timeout'],
    notes: ['Windows sockets have no EPIPE: the same situation gives WSAECONNRESET (10054), WSAECONNABORTED (10053) or WSAESHUTDOWN (10058).'],
  },
  {
    id: 'EHOSTUNREACH',
    category: 'errno',
    title: 'No route to host',
    meaning: 'The destination host cannot be reached: no route to it, or it does not answer on its local network.',
    wire: { signal: 'icmp', description: 'An ICMP host-unreachable came back from a router (or the local host found no route / no ARP answer).' },
    linux: [{ symbol: 'EHOSTUNREACH', number: 113, text: 'No route to host' }],
    macos: [{ symbol: 'EHOSTUNREACH', number: 65, text: 'No route to host' }],
    windows: [
      { symbol: 'WSAEHOSTUNREACH', number: 10065, text: 'A socket operation was attempted to an unreachable host.' },
      // winerror.h (current SDK text); libuv's uv_translate_sys_error maps it to UV_EHOSTUNREACH
      { symbol: 'ERROR_HOST_UNREACHABLE', number: 1232, text: 'The network location cannot be reached. For information about network troubleshooting, see Windows Help.' },
    ],
    windowsCrt: [{ symbol: 'EHOSTUNREACH', number: 110, text: CRT_SUPPLEMENT }],
    libuv: { name: 'UV_EHOSTUNREACH', text: 'host is unreachable', linux: -113, macos: -65, windows: -4073 },
    aliases: ['WSAEHOSTUNREACH', 'UV_EHOSTUNREACH', 'ERROR_HOST_UNREACHABLE'],
    causes: ['routing_problem', 'firewall_intervention', 'server_crash_restart', 'dns_problem'],
  },
  {
    id: 'ENETUNREACH',
    category: 'errno',
    title: 'Network is unreachable',
    meaning: 'There is no route to the destination network (often: an IPv6 address without IPv6 connectivity, or a VPN/route missing).',
    wire: { signal: 'icmp', description: 'The local routing table has no route, or a router returned ICMP network-unreachable; nothing reached the server.' },
    linux: [{ symbol: 'ENETUNREACH', number: 101, text: 'Network is unreachable' }],
    macos: [{ symbol: 'ENETUNREACH', number: 51, text: 'Network is unreachable' }],
    windows: [
      { symbol: 'WSAENETUNREACH', number: 10051, text: 'A socket operation was attempted to an unreachable network.' },
      // winerror.h (current SDK text); libuv's uv_translate_sys_error maps it to UV_ENETUNREACH
      { symbol: 'ERROR_NETWORK_UNREACHABLE', number: 1231, text: 'The network location cannot be reached. For information about network troubleshooting, see Windows Help.' },
    ],
    windowsCrt: [{ symbol: 'ENETUNREACH', number: 118, text: CRT_SUPPLEMENT }],
    libuv: { name: 'UV_ENETUNREACH', text: 'network is unreachable', linux: -101, macos: -51, windows: -4062 },
    aliases: ['WSAENETUNREACH', 'UV_ENETUNREACH', 'ERROR_NETWORK_UNREACHABLE'],
    causes: ['routing_problem', 'firewall_intervention', 'dns_problem'],
  },
  {
    id: 'ENETDOWN',
    category: 'errno',
    title: 'Network is down',
    meaning: 'The local network interface used for this connection is down.',
    wire: { signal: 'local', description: 'Nothing on the wire: the local interface (Wi-Fi, VPN tunnel, container network) went away.' },
    linux: [{ symbol: 'ENETDOWN', number: 100, text: 'Network is down' }],
    macos: [{ symbol: 'ENETDOWN', number: 50, text: 'Network is down' }],
    windows: [{ symbol: 'WSAENETDOWN', number: 10050, text: 'A socket operation encountered a dead network.' }],
    windowsCrt: [{ symbol: 'ENETDOWN', number: 116, text: CRT_SUPPLEMENT }],
    libuv: { name: 'UV_ENETDOWN', text: 'network is down', linux: -100, macos: -50, windows: -4063 },
    aliases: ['WSAENETDOWN', 'UV_ENETDOWN'],
    causes: ['routing_problem', 'local_resource_exhaustion'],
  },
  {
    id: 'ENETRESET',
    category: 'errno',
    title: 'Network dropped connection on reset',
    meaning: 'The connection was broken because keepalive found the peer gone, or (on some systems) the network reset it.',
    wire: { signal: 'silence', description: 'Keepalive probes went unanswered (or an RST arrived for a connection the path had dropped).' },
    linux: [{ symbol: 'ENETRESET', number: 102, text: 'Network dropped connection on reset' }],
    macos: [{ symbol: 'ENETRESET', number: 52, text: 'Network dropped connection on reset' }],
    windows: [{ symbol: 'WSAENETRESET', number: 10052, text: 'The connection has been broken due to keep-alive activity detecting a failure while the operation was in progress.' }],
    windowsCrt: [{ symbol: 'ENETRESET', number: 117, text: CRT_SUPPLEMENT }],
    libuv: null,
    aliases: ['WSAENETRESET'],
    causes: ['middlebox_idle_timeout', 'server_crash_restart', 'routing_problem'],
    notes: ['libuv has no UV_ENETRESET: Node reports it as an unknown system error.'],
  },
  {
    id: 'EADDRINUSE',
    category: 'errno',
    title: 'Address already in use',
    meaning: 'Binding (listening) failed because another socket already holds that address and port.',
    wire: { signal: 'local', description: 'Nothing on the wire: the local kernel refused the bind()/listen().' },
    linux: [{ symbol: 'EADDRINUSE', number: 98, text: 'Address already in use' }],
    macos: [{ symbol: 'EADDRINUSE', number: 48, text: 'Address already in use' }],
    windows: [{ symbol: 'WSAEADDRINUSE', number: 10048, text: 'Only one usage of each socket address (protocol/network address/port) is normally permitted.' }],
    windowsCrt: [{ symbol: 'EADDRINUSE', number: 100, text: CRT_SUPPLEMENT }],
    libuv: { name: 'UV_EADDRINUSE', text: 'address already in use', linux: -98, macos: -48, windows: -4091 },
    aliases: ['WSAEADDRINUSE', 'UV_EADDRINUSE'],
    causes: ['wrong_service_on_port', 'local_resource_exhaustion'],
  },
  {
    id: 'EADDRNOTAVAIL',
    category: 'errno',
    title: 'Cannot assign requested address',
    meaning: 'The local address is not usable: binding to an address this host does not have, or no ephemeral port left for an outgoing connection.',
    wire: { signal: 'local', description: 'Nothing on the wire: the local kernel could not pick or use the local address/port.' },
    linux: [{ symbol: 'EADDRNOTAVAIL', number: 99, text: 'Cannot assign requested address' }],
    macos: [{ symbol: 'EADDRNOTAVAIL', number: 49, text: "Can't assign requested address" }],
    windows: [{ symbol: 'WSAEADDRNOTAVAIL', number: 10049, text: 'The requested address is not valid in its context.' }],
    windowsCrt: [{ symbol: 'EADDRNOTAVAIL', number: 101, text: CRT_SUPPLEMENT }],
    libuv: { name: 'UV_EADDRNOTAVAIL', text: 'address not available', linux: -99, macos: -49, windows: -4090 },
    aliases: ['WSAEADDRNOTAVAIL', 'UV_EADDRNOTAVAIL'],
    causes: ['local_resource_exhaustion', 'routing_problem'],
  },
  {
    id: 'ENOTCONN',
    category: 'errno',
    title: 'Socket is not connected',
    meaning: 'An operation needed a connected socket, but this one is not (or no longer) connected: it was never connected, or the connection already failed.',
    wire: { signal: 'local', description: 'Decided locally, usually after the connection had already been reset or closed.' },
    linux: [{ symbol: 'ENOTCONN', number: 107, text: 'Transport endpoint is not connected' }],
    macos: [{ symbol: 'ENOTCONN', number: 57, text: 'Socket is not connected' }],
    windows: [{ symbol: 'WSAENOTCONN', number: 10057, text: 'A request to send or receive data was disallowed because the socket is not connected and (when sending on a datagram socket using a sendto call) no address was supplied.' }],
    windowsCrt: [{ symbol: 'ENOTCONN', number: 126, text: CRT_SUPPLEMENT }],
    libuv: { name: 'UV_ENOTCONN', text: 'socket is not connected', linux: -107, macos: -57, windows: -4053 },
    aliases: ['WSAENOTCONN', 'UV_ENOTCONN'],
    causes: ['wrote_after_peer_closed', 'server_crash_restart', 'local_software_abort'],
  },
  {
    id: 'ESHUTDOWN',
    category: 'errno',
    title: 'Cannot send after socket shutdown',
    meaning: 'The program tried to send on a socket whose sending side was already shut down (by itself, with shutdown()).',
    wire: { signal: 'local', description: 'Decided locally: this side already sent its FIN.' },
    linux: [{ symbol: 'ESHUTDOWN', number: 108, text: 'Cannot send after transport endpoint shutdown' }],
    macos: [{ symbol: 'ESHUTDOWN', number: 58, text: "Can't send after socket shutdown" }],
    windows: [{ symbol: 'WSAESHUTDOWN', number: 10058, text: 'A request to send or receive data was disallowed because the socket had already been shut down in that direction with a previous shutdown call.' }],
    windowsCrt: [],
    libuv: { name: 'UV_ESHUTDOWN', text: 'cannot send after transport endpoint shutdown', linux: -108, macos: -58, windows: -4042 },
    aliases: ['WSAESHUTDOWN', 'UV_ESHUTDOWN'],
    causes: ['local_software_abort', 'wrote_after_peer_closed'],
    notes: ['The Windows CRT errno.h defines no ESHUTDOWN.'],
  },
  {
    id: 'EHOSTDOWN',
    category: 'errno',
    title: 'Host is down',
    meaning: 'The destination host is known to be down (its local network did not answer).',
    wire: { signal: 'icmp', description: 'No answer from the host on its local network (no ARP/neighbour reply), or an ICMP host-unreachable.' },
    linux: [{ symbol: 'EHOSTDOWN', number: 112, text: 'Host is down' }],
    macos: [{ symbol: 'EHOSTDOWN', number: 64, text: 'Host is down' }],
    windows: [{ symbol: 'WSAEHOSTDOWN', number: 10064, text: 'A socket operation failed because the destination host was down.' }],
    windowsCrt: [],
    libuv: { name: 'UV_EHOSTDOWN', text: 'host is down', linux: -112, macos: -64, windows: -4031 },
    aliases: ['WSAEHOSTDOWN', 'UV_EHOSTDOWN'],
    causes: ['server_crash_restart', 'routing_problem'],
    notes: ['The Windows CRT errno.h defines no EHOSTDOWN.'],
  },
  {
    id: 'ENOBUFS',
    category: 'errno',
    title: 'No buffer space available',
    meaning: 'The local host ran out of socket buffer memory, or of some socket-related table (often ephemeral ports on Windows).',
    wire: { signal: 'local', description: 'Nothing on the wire: the local kernel could not allocate what the operation needed.' },
    linux: [{ symbol: 'ENOBUFS', number: 105, text: 'No buffer space available' }],
    macos: [{ symbol: 'ENOBUFS', number: 55, text: 'No buffer space available' }],
    windows: [{ symbol: 'WSAENOBUFS', number: 10055, text: 'An operation on a socket could not be performed because the system lacked sufficient buffer space or because a queue was full.' }],
    windowsCrt: [{ symbol: 'ENOBUFS', number: 119, text: CRT_SUPPLEMENT }],
    libuv: { name: 'UV_ENOBUFS', text: 'no buffer space available', linux: -105, macos: -55, windows: -4060 },
    aliases: ['WSAENOBUFS', 'UV_ENOBUFS'],
    causes: ['local_resource_exhaustion'],
  },
  {
    id: 'EMFILE',
    category: 'errno',
    title: 'Too many open files',
    meaning: 'The process reached its limit of open file descriptors; every socket is one.',
    wire: { signal: 'local', description: 'Nothing on the wire: socket() or accept() failed locally.' },
    linux: [{ symbol: 'EMFILE', number: 24, text: 'Too many open files' }],
    macos: [{ symbol: 'EMFILE', number: 24, text: 'Too many open files' }],
    windows: [{ symbol: 'WSAEMFILE', number: 10024, text: 'Too many open sockets.' }],
    windowsCrt: [{ symbol: 'EMFILE', number: 24, text: 'Too many open files' }],
    libuv: { name: 'UV_EMFILE', text: 'too many open files', linux: -24, macos: -24, windows: -4066 },
    aliases: ['WSAEMFILE', 'UV_EMFILE'],
    causes: ['local_resource_exhaustion'],
  },
  {
    id: 'EPROTO',
    category: 'errno',
    title: 'Protocol error',
    meaning: 'A protocol-level error on the connection; Node reports TLS failures on a plain-text reply this way.',
    wire: { signal: 'tls', description: 'The bytes received did not follow the expected protocol (e.g. plain text where a TLS record was expected).' },
    linux: [{ symbol: 'EPROTO', number: 71, text: 'Protocol error' }],
    macos: [{ symbol: 'EPROTO', number: 100, text: 'Protocol error' }],
    windows: [],
    windowsCrt: [{ symbol: 'EPROTO', number: 134, text: CRT_SUPPLEMENT }],
    libuv: { name: 'UV_EPROTO', text: 'protocol error', linux: -71, macos: -100, windows: -4046 },
    aliases: ['UV_EPROTO'],
    causes: ['protocol_mismatch', 'tls_problem', 'wrong_service_on_port'],
    notes: ['FreeBSD numbers EPROTO 92; Winsock has no equivalent.'],
  },
  {
    id: 'ENOTFOUND',
    category: 'dns',
    title: 'Host name not found',
    meaning: 'DNS says the name does not exist (or has no address of the requested family). Node calls both EAI_NONAME and EAI_NODATA "ENOTFOUND".',
    wire: { signal: 'dns', description: 'No TCP packet was sent: the DNS lookup answered NXDOMAIN or no address.' },
    linux: [
      { symbol: 'EAI_NONAME', number: -2, text: 'Name or service not known' },
      { symbol: 'EAI_NODATA', number: -5, text: 'No address associated with hostname' },
    ],
    macos: [
      { symbol: 'EAI_NONAME', number: 8, text: 'nodename nor servname provided, or not known' },
      { symbol: 'EAI_NODATA', number: 7, text: 'no address associated with nodename' },
    ],
    windows: [
      { symbol: 'WSAHOST_NOT_FOUND', number: 11001, text: 'No such host is known.' },
      { symbol: 'WSANO_DATA', number: 11004, text: 'The requested name is valid, but no data of the requested type was found.' },
    ],
    windowsCrt: [],
    libuv: { name: 'UV_EAI_NONAME', text: 'unknown node or service', linux: -3008, macos: -3008, windows: -3008 },
    aliases: ['EAI_NONAME', 'EAI_NODATA', 'WSAHOST_NOT_FOUND', 'WSANO_DATA', 'UV_EAI_NONAME', 'UV_EAI_NODATA', 'NXDOMAIN', 'UNKNOWNHOSTEXCEPTION'],
    causes: ['dns_problem'],
    notes: ['libuv numbers: UV_EAI_NONAME -3008, UV_EAI_NODATA -3007 on every platform. getaddrinfo codes are not errno values: -2 and 8 here are not ENOENT/ENOEXEC.'],
  },
  {
    id: 'EAI_AGAIN',
    category: 'dns',
    title: 'Temporary failure in name resolution',
    meaning: 'The DNS lookup could not be completed right now: the resolver was unreachable, timed out or answered SERVFAIL. The name may well exist.',
    wire: { signal: 'dns', description: 'No TCP packet was sent: the DNS query went unanswered or failed at the resolver.' },
    linux: [{ symbol: 'EAI_AGAIN', number: -3, text: 'Temporary failure in name resolution' }],
    macos: [{ symbol: 'EAI_AGAIN', number: 2, text: 'temporary failure in name resolution' }],
    windows: [{ symbol: 'WSATRY_AGAIN', number: 11002, text: 'This is usually a temporary error during hostname resolution and means that the local server did not receive a response from an authoritative server.' }],
    windowsCrt: [],
    libuv: { name: 'UV_EAI_AGAIN', text: 'temporary failure', linux: -3001, macos: -3001, windows: -3001 },
    aliases: ['WSATRY_AGAIN', 'UV_EAI_AGAIN', 'SERVFAIL'],
    causes: ['dns_problem', 'routing_problem'],
  },
  {
    id: 'TLS_UNEXPECTED_EOF',
    category: 'tls',
    title: 'TLS connection closed without close_notify (unexpected EOF)',
    meaning: 'The peer closed the TCP connection in the middle of TLS (often during the handshake) without sending a TLS alert or close_notify. No errno: the socket just reached end-of-file.',
    wire: { signal: 'fin', description: 'A FIN (sometimes an RST) arrived during TLS, with no TLS alert before it.' },
    linux: [],
    macos: [],
    windows: [],
    windowsCrt: [],
    libuv: null,
    aliases: ['SSL_R_UNEXPECTED_EOF_WHILE_READING', 'UNEXPECTED_EOF_WHILE_READING', 'SSL_ERROR_SYSCALL', 'SSLEOFERROR', 'SSL_EOF'],
    causes: ['protocol_mismatch', 'tls_problem', 'firewall_intervention', 'server_idle_timeout', 'server_crash_restart'],
    // after the handshake (SSL_read, a query on an established session) the peer closed a working
    // connection: the handshake causes (protocol or TLS mismatch) cannot be the reason
    causesByOperation: {
      read: ['server_idle_timeout', 'middlebox_idle_timeout', 'server_crash_restart', 'app_error_close', 'firewall_intervention'],
      write: ['server_idle_timeout', 'middlebox_idle_timeout', 'server_crash_restart', 'wrote_after_peer_closed'],
    },
    notes: [
      'OpenSSL 3 reports it as "unexpected eof while reading" (SSL_R_UNEXPECTED_EOF_WHILE_READING); OpenSSL 1.1 as SSL_ERROR_SYSCALL with errno 0. Python: SSLEOFError "EOF occurred in violation of protocol"; Java: "Remote host terminated the handshake"; .NET: "Received an unexpected EOF or 0 bytes from the transport stream".',
    ],
  },
  {
    id: 'EOF',
    category: 'close',
    title: 'Connection closed by the peer without a reply (clean close, not a reset)',
    meaning: 'The peer closed the connection normally (FIN) before sending the reply the client was waiting for. There is no error number: a read simply returned end-of-file. This is not a reset.',
    wire: { signal: 'fin', description: 'A FIN arrived (orderly close), with no reply before it, or with the reply cut short.' },
    linux: [],
    macos: [],
    windows: [{ symbol: 'ERROR_BROKEN_PIPE', number: 109, text: 'The pipe has been ended.' }],
    windowsCrt: [],
    libuv: { name: 'UV_EOF', text: 'end of file', linux: -4095, macos: -4095, windows: -4095 },
    aliases: ['UV_EOF', 'CLEAN_CLOSE', 'SOCKET_HANG_UP', 'CURLE_GOT_NOTHING'],
    causes: ['server_idle_timeout', 'app_error_close', 'server_crash_restart', 'middlebox_idle_timeout', 'protocol_mismatch', 'connection_limit'],
    notes: [
      'curl exit 52 "Empty reply from server", PostgreSQL "server closed the connection unexpectedly", MySQL 2013 "Lost connection to MySQL server during query" / 2006 "MySQL server has gone away", Python RemoteDisconnected, Node "socket hang up" (Node labels it err.code ECONNRESET) and Go io.EOF all report this.',
    ],
  },
  ...HTTP_STATUS_ERRORS,
];

const BY_ID = new Map(ERRORS.map((e) => [e.id, e]));

export function errorById(id: string): ErrorEntry | undefined {
  return BY_ID.get(id);
}

/** All symbols a user may type for each error, upper-case: the id, every platform symbol, every alias. */
export function symbolsOf(entry: ErrorEntry): string[] {
  const names = new Set<string>([entry.id, ...entry.aliases]);
  for (const code of [...entry.linux, ...entry.macos, ...entry.windows, ...entry.windowsCrt]) names.add(code.symbol);
  if (entry.libuv) names.add(entry.libuv.name);
  return [...names].map((n) => n.toUpperCase());
}
