/**
 * The one native surface of connreset: a few libc calls through koffi (an FFI library that ships
 * prebuilt binaries), for what Node's net.Socket does not expose: the IP TTL / IPv6 hop limit of a
 * TCP socket, the minimum TTL it accepts (IP_MINTTL), ICMP errors from its error queue
 * (IP_RECVERR + recvmsg(MSG_ERRQUEUE)), TCP_INFO's state, and, as root, an AF_PACKET socket that
 * reads the TTL / IP ID / window of the packets a connection receives.
 *
 * Loaded lazily by the locate experiment only (`loadNative()`): explain, probe without locate,
 * check and the rest never import koffi. Where it cannot load (not Linux, koffi missing or its
 * binary refused), loadNative() says why instead of throwing, and locate reports "not available".
 *
 * Constants are Linux's (include/uapi/linux/in.h, in6.h, errqueue.h, if_ether.h, socket.h).
 */
import { requireLazily } from '../../shared/lazy-require.js';
import type { AddressFamily } from '../../diagnose/observation.js';

const SOL_SOCKET = 1;
const SO_ERROR = 4;
const SO_RCVBUF = 8;
const IPPROTO_IP = 0;
const IPPROTO_TCP = 6;
const IPPROTO_IPV6 = 41;
const IP_TTL = 2;
const IP_RECVERR = 11;
const IP_MINTTL = 21;
const IPV6_UNICAST_HOPS = 16;
const IPV6_RECVERR = 25;
const IPV6_MINHOPCOUNT = 73;
const TCP_INFO = 11;
const MSG_DONTWAIT = 0x40;
const MSG_ERRQUEUE = 0x2000;
const AF_INET = 2;
const AF_INET6 = 10;
const AF_PACKET = 17;
const SOCK_STREAM = 1;
const SOCK_DGRAM = 2;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const ETH_P_ALL_BE = 0x0300; // htons(ETH_P_ALL = 3)
const SO_EE_ORIGIN_ICMP = 2;
const SO_EE_ORIGIN_ICMP6 = 3;
const PACKET_OUTGOING = 4;

/** An ICMP error the kernel queued for a socket: who sent it and what it was. */
export interface IcmpReport {
  /** the address of the router or host that sent the ICMP message */
  from: string;
  /** ICMP type and code (v4: 11/0 time exceeded, 3/x unreachable; v6: 3/0 time exceeded, 1/x unreachable) */
  type: number;
  code: number;
  family: AddressFamily;
  /** whether it is a TTL / hop-limit expiry in transit */
  timeExceeded: boolean;
}

/** The header fields of one captured IP+TCP packet. */
export interface CapturedPacket {
  /** ms on performance.now()'s clock, when the capture read it (not the wire time) */
  readAt: number;
  outgoing: boolean;
  family: AddressFamily;
  src: string;
  dst: string;
  /** IPv4 TTL or IPv6 hop limit as it arrived */
  ttl: number;
  /** IPv4 identification field; null for IPv6 */
  ipId: number | null;
  srcPort: number;
  dstPort: number;
  flags: { syn: boolean; ack: boolean; rst: boolean; fin: boolean; psh: boolean };
  window: number;
  payloadBytes: number;
}

export interface Capture {
  /** reads every packet queued so far (non-blocking) */
  drain(): CapturedPacket[];
  close(): void;
}

export interface Native {
  /** IP_TTL (v4) or IPV6_UNICAST_HOPS (v6) on a socket */
  setTtl(fd: number, family: AddressFamily, ttl: number): void;
  /** IP_MINTTL / IPV6_MINHOPCOUNT: the kernel drops arriving segments below this TTL */
  setMinTtl(fd: number, family: AddressFamily, min: number): void;
  /** IP_RECVERR / IPV6_RECVERR: queue ICMP errors with their sender on the error queue */
  setRecvErr(fd: number, family: AddressFamily): void;
  /** the ICMP errors queued on a socket's error queue (non-blocking, up to `max`) */
  readErrors(fd: number, max?: number): IcmpReport[];
  /** a new non-blocking TCP socket, for options that must be set before connect (TTL-limited SYN) */
  tcpSocket(family: AddressFamily): number;
  /** dup(2): a second descriptor that keeps the socket alive (to read its error queue after Node closes its own) */
  dup(fd: number): number;
  close(fd: number): void;
  /** TCP_INFO's tcpi_state (1 established, 4 fin-wait-1, 5 fin-wait-2, 7 close…), or null */
  tcpState(fd: number): number | null;
  /** SO_ERROR: the pending error of a socket, as an errno number (0: none) */
  socketError(fd: number): number;
  /** As root: an AF_PACKET socket that sees every IP packet of this network namespace. */
  openCapture(): Capture;
}

export type NativeLoad = { ok: true; native: Native } | { ok: false; reason: string };

let loaded: Promise<NativeLoad> | null = null;

/** Loads the native module once; never throws. `CONNRESET_NO_NATIVE=1` disables it (tests, and users who want to). */
export function loadNative(): Promise<NativeLoad> {
  loaded ??= load();
  return loaded;
}

async function load(): Promise<NativeLoad> {
  if (process.env.CONNRESET_NO_NATIVE === '1') return { ok: false, reason: 'the native module is turned off (CONNRESET_NO_NATIVE=1)' };
  if (process.platform !== 'linux') {
    return { ok: false, reason: `setting a TCP socket's TTL and reading its ICMP errors is implemented for Linux only (this is ${process.platform})` };
  }
  let koffi: typeof import('koffi');
  try {
    // koffi is CommonJS; require keeps it out of every code path but this one
    koffi = requireLazily('koffi') as typeof import('koffi');
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { ok: false, reason: `the FFI library koffi could not be loaded (${message}); reinstall connreset with optional dependencies` };
  }
  try {
    return { ok: true, native: bind(koffi) };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { ok: false, reason: `libc could not be bound through koffi (${message})` };
  }
}

function bind(koffi: typeof import('koffi')): Native {
  const libc = koffi.load('libc.so.6');
  const setsockopt = libc.func('int setsockopt(int fd, int level, int name, const void *value, uint32_t len)');
  const getsockopt = libc.func('int getsockopt(int fd, int level, int name, _Inout_ void *value, _Inout_ uint32_t *len)');
  const socketFn = libc.func('int socket(int domain, int type, int protocol)');
  const dupFn = libc.func('int dup(int fd)');
  const closeFn = libc.func('int close(int fd)');
  const recvfrom = libc.func('long recvfrom(int fd, _Out_ void *buf, size_t len, int flags, _Out_ void *from, _Inout_ uint32_t *fromlen)');
  const iovec = koffi.struct('connreset_iovec', { base: 'void *', len: 'size_t' });
  const msghdr = koffi.struct('connreset_msghdr', {
    name: 'void *',
    namelen: 'uint32_t',
    iov: koffi.pointer(iovec),
    iovlen: 'size_t',
    control: 'void *',
    controllen: 'size_t',
    flags: 'int',
  });
  const recvmsg = libc.func('recvmsg', 'long', ['int', koffi.inout(koffi.pointer(msghdr)), 'int']);

  const errnoError = (what: string): Error => {
    const errno = koffi.errno();
    const name = Object.entries(koffi.os.errno).find(([, n]) => n === errno)?.[0] ?? `errno ${errno}`;
    return Object.assign(new Error(`${what} failed: ${name}`), { code: name, errno });
  };
  const setInt = (fd: number, level: number, name: number, value: number, what: string): void => {
    const buf = Buffer.alloc(4);
    buf.writeInt32LE(value);
    if (setsockopt(fd, level, name, buf, 4) !== 0) throw errnoError(`setsockopt(${what})`);
  };
  const level = (family: AddressFamily): number => (family === 6 ? IPPROTO_IPV6 : IPPROTO_IP);

  return {
    setTtl: (fd, family, ttl) => setInt(fd, level(family), family === 6 ? IPV6_UNICAST_HOPS : IP_TTL, ttl, family === 6 ? 'IPV6_UNICAST_HOPS' : 'IP_TTL'),
    setMinTtl: (fd, family, min) =>
      setInt(fd, level(family), family === 6 ? IPV6_MINHOPCOUNT : IP_MINTTL, min, family === 6 ? 'IPV6_MINHOPCOUNT' : 'IP_MINTTL'),
    setRecvErr: (fd, family) => setInt(fd, level(family), family === 6 ? IPV6_RECVERR : IP_RECVERR, 1, family === 6 ? 'IPV6_RECVERR' : 'IP_RECVERR'),
    readErrors(fd, max = 8) {
      const reports: IcmpReport[] = [];
      for (let i = 0; i < max; i++) {
        const data = Buffer.alloc(512);
        const control = Buffer.alloc(512);
        const name = Buffer.alloc(128);
        const msg = { name, namelen: name.length, iov: [{ base: data, len: data.length }], iovlen: 1, control, controllen: control.length, flags: 0 };
        const n = recvmsg(fd, msg, MSG_ERRQUEUE | MSG_DONTWAIT) as number;
        if (n < 0) break;
        const report = parseErrorControl(control.subarray(0, Number(msg.controllen)));
        if (report) reports.push(report);
      }
      return reports;
    },
    tcpSocket(family) {
      const fd = socketFn(family === 6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0) as number;
      if (fd < 0) throw errnoError('socket');
      return fd;
    },
    dup(fd) {
      const copy = dupFn(fd) as number;
      if (copy < 0) throw errnoError('dup');
      return copy;
    },
    close: (fd) => void closeFn(fd),
    tcpState(fd) {
      const info = Buffer.alloc(256);
      const len = [info.length];
      if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, info, len) !== 0) return null;
      return info[0] ?? null;
    },
    socketError(fd) {
      const value = Buffer.alloc(4);
      const len = [4];
      if (getsockopt(fd, SOL_SOCKET, SO_ERROR, value, len) !== 0) return koffi.errno();
      return value.readInt32LE();
    },
    openCapture() {
      const fd = socketFn(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, ETH_P_ALL_BE) as number;
      if (fd < 0) throw errnoError('socket(AF_PACKET)');
      // a few MB of queue: the capture is drained every few ms, but a busy host fills it fast
      setInt(fd, SOL_SOCKET, SO_RCVBUF, 4 << 20, 'SO_RCVBUF');
      let open = true;
      return {
        drain() {
          const packets: CapturedPacket[] = [];
          const buf = Buffer.alloc(2048);
          const from = Buffer.alloc(32);
          for (let i = 0; open && i < 10_000; i++) {
            const fromLen = [from.length];
            const n = recvfrom(fd, buf, buf.length, MSG_DONTWAIT, from, fromLen) as number;
            if (n < 0) break;
            // sockaddr_ll: family u16, protocol be16, ifindex i32, hatype u16, pkttype u8
            const packet = parseIpTcp(buf.subarray(0, n), from[10] === PACKET_OUTGOING, performance.now());
            if (packet) packets.push(packet);
          }
          return packets;
        },
        close() {
          if (!open) return;
          open = false;
          closeFn(fd);
        },
      };
    },
  };
}

/** Finds the sock_extended_err of an IP_RECVERR / IPV6_RECVERR control message and its offender address. */
export function parseErrorControl(control: Buffer): IcmpReport | null {
  // struct cmsghdr { size_t len; int level; int type; } = 16 bytes on 64-bit Linux, data aligned to 8
  let offset = 0;
  while (offset + 16 <= control.length) {
    const len = Number(control.readBigUInt64LE(offset));
    if (len < 16 || offset + len > control.length) break;
    const cmsgLevel = control.readInt32LE(offset + 8);
    const cmsgType = control.readInt32LE(offset + 12);
    const data = control.subarray(offset + 16, offset + len);
    const isV4 = cmsgLevel === IPPROTO_IP && cmsgType === IP_RECVERR;
    const isV6 = cmsgLevel === IPPROTO_IPV6 && cmsgType === IPV6_RECVERR;
    if ((isV4 || isV6) && data.length >= 16) {
      // struct sock_extended_err { u32 errno; u8 origin, type, code, pad; u32 info; u32 data; } then the offender sockaddr
      const origin = data[4]!;
      const type = data[5]!;
      const code = data[6]!;
      if (origin !== SO_EE_ORIGIN_ICMP && origin !== SO_EE_ORIGIN_ICMP6) return null;
      const from = sockaddrAddress(data.subarray(16));
      if (from === null) return null;
      const family: AddressFamily = origin === SO_EE_ORIGIN_ICMP6 ? 6 : 4;
      return { from, type, code, family, timeExceeded: family === 4 ? type === 11 : type === 3 };
    }
    offset += (len + 7) & ~7;
  }
  return null;
}

function sockaddrAddress(sa: Buffer): string | null {
  if (sa.length < 8) return null;
  const family = sa.readUInt16LE(0);
  if (family === AF_INET) return [...sa.subarray(4, 8)].join('.');
  if (family === AF_INET6 && sa.length >= 24) return ipv6Text(sa.subarray(8, 24));
  return null;
}

function ipv6Text(bytes: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  // compress the longest run of zero groups, as inet_ntop does
  let best = { start: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.len && j - i > 1) best = { start: i, len: j - i };
    i = j;
  }
  if (best.start < 0) return groups.join(':');
  return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.len).join(':')}`;
}

/** The IP and TCP header fields of a network-layer packet (AF_PACKET SOCK_DGRAM), or null if it is not TCP. */
export function parseIpTcp(pkt: Buffer, outgoing: boolean, readAt: number): CapturedPacket | null {
  if (pkt.length < 20) return null;
  const version = pkt[0]! >> 4;
  let family: AddressFamily;
  let ttl: number;
  let ipId: number | null;
  let src: string;
  let dst: string;
  let tcp: Buffer;
  if (version === 4) {
    const ihl = (pkt[0]! & 0x0f) * 4;
    if (pkt[9] !== 6 || pkt.length < ihl + 20) return null;
    family = 4;
    ttl = pkt[8]!;
    ipId = pkt.readUInt16BE(4);
    src = [...pkt.subarray(12, 16)].join('.');
    dst = [...pkt.subarray(16, 20)].join('.');
    tcp = pkt.subarray(ihl, Math.min(pkt.length, pkt.readUInt16BE(2)));
  } else if (version === 6) {
    // extension headers are not followed: a probe's own segments carry none
    if (pkt.length < 60 || pkt[6] !== 6) return null;
    family = 6;
    ttl = pkt[7]!;
    ipId = null;
    src = ipv6Text(pkt.subarray(8, 24));
    dst = ipv6Text(pkt.subarray(24, 40));
    tcp = pkt.subarray(40, 40 + pkt.readUInt16BE(4));
  } else {
    return null;
  }
  if (tcp.length < 20) return null;
  const flagByte = tcp[13]!;
  const dataOffset = (tcp[12]! >> 4) * 4;
  return {
    readAt,
    outgoing,
    family,
    src,
    dst,
    ttl,
    ipId,
    srcPort: tcp.readUInt16BE(0),
    dstPort: tcp.readUInt16BE(2),
    flags: { fin: (flagByte & 1) !== 0, syn: (flagByte & 2) !== 0, rst: (flagByte & 4) !== 0, psh: (flagByte & 8) !== 0, ack: (flagByte & 16) !== 0 },
    window: tcp.readUInt16BE(14),
    payloadBytes: Math.max(0, tcp.length - dataOffset),
  };
}
