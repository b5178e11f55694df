/**
 * Every reading of a number, from the data tables: errno per platform, Winsock, Windows system
 * errors, the Windows CRT, libuv's negative numbers, getaddrinfo codes, and the codes that are not
 * errno at all (curl exit codes, gRPC status, MySQL client errors). Network readings come first.
 */
import { ERRORS, type ErrorEntry, type Platform } from '../../knowledge/errors.js';
import { LINUX_ERRNO, MACOS_ERRNO, WINDOWS_CRT_ERRNO, type ErrnoRow } from '../../knowledge/explain-errno-names.js';
import { CONTEXT_CODES } from '../../knowledge/explain-context-codes.js';
import type { NumberReading, NumberSystem } from './types.js';

/** Which system to prefer when a number is a network error in several (110: Linux before the CRT). */
const SYSTEM_RANK: Readonly<Record<NumberSystem, number>> = {
  winsock: 0,
  'linux-errno': 1,
  'macos-errno': 2,
  libuv: 3,
  getaddrinfo: 4,
  'windows-system': 5,
  'curl-exit': 6,
  'mysql-client': 7,
  'grpc-status': 8,
  'windows-crt-errno': 9,
  'http-status': 10,
};

/**
 * All readings of one number, scanned from the tables (a few hundred rows: cheaper than building an
 * index at start-up). A reading backed by a network error row replaces the bare errno-name row.
 */
function scan(n: number): NumberReading[] {
  const found: NumberReading[] = [];
  const put = (r: NumberReading): void => {
    if (r.number !== n) return;
    const same = found.findIndex((x) => x.system === r.system && x.platform === r.platform && x.symbol === r.symbol);
    if (same === -1) found.push(r);
    else if (found[same]?.error === null && r.error !== null) found[same] = r;
  };
  const errnoRows = (rows: readonly ErrnoRow[], system: NumberSystem, platform: Platform): void => {
    for (const [number, symbol, text] of rows) if (number === n) put({ number, system, platform, symbol, text, error: null });
  };
  errnoRows(LINUX_ERRNO, 'linux-errno', 'linux');
  errnoRows(MACOS_ERRNO, 'macos-errno', 'macos');
  errnoRows(WINDOWS_CRT_ERRNO, 'windows-crt-errno', 'windows');
  for (const e of ERRORS) fromEntry(e, put);
  if (n < 0) {
    // libuv on Unix is -errno: every errno name is a (non-network) libuv reading too
    for (const [rows, platform] of [[LINUX_ERRNO, 'linux'], [MACOS_ERRNO, 'macos']] as const) {
      for (const [number, symbol, text] of rows) {
        if (-number === n) put({ number: n, system: 'libuv', platform, symbol: `UV_${symbol}`, text: text.toLowerCase(), error: null });
      }
    }
  }
  for (const c of CONTEXT_CODES) {
    if (c.system === 'hresult' || c.code !== n) continue;
    const system: NumberSystem = c.system === 'curl' ? 'curl-exit' : c.system === 'grpc' ? 'grpc-status' : 'mysql-client';
    put({ number: c.code, system, platform: null, symbol: c.name, text: c.meaning, error: c.usually?.error ?? null });
  }
  return found.sort(compareReadings);
}

function fromEntry(e: ErrorEntry, put: (r: NumberReading) => void): void {
  if (e.http) put({ number: e.http.status, system: 'http-status', platform: null, symbol: e.id, text: e.http.reason, error: e.id });
  const errnoSystem = (s: NumberSystem): NumberSystem => (e.category === 'dns' ? 'getaddrinfo' : s);
  for (const c of e.linux) put({ ...c, system: errnoSystem('linux-errno'), platform: 'linux', error: e.id });
  for (const c of e.macos) put({ ...c, system: errnoSystem('macos-errno'), platform: 'macos', error: e.id });
  for (const c of e.windows) {
    const system: NumberSystem = c.symbol.startsWith('WSA') ? 'winsock' : 'windows-system';
    put({ ...c, system, platform: 'windows', error: e.id });
  }
  for (const c of e.windowsCrt) put({ ...c, system: 'windows-crt-errno', platform: 'windows', error: e.id });
  if (e.libuv) {
    const { name, text } = e.libuv;
    for (const platform of ['linux', 'macos', 'windows'] as const) {
      const n = e.libuv[platform];
      if (n !== null) put({ number: n, system: 'libuv', platform, symbol: name, text, error: e.id });
    }
  }
}

export function compareReadings(a: NumberReading, b: NumberReading): number {
  const network = Number(b.error !== null) - Number(a.error !== null);
  return network || SYSTEM_RANK[a.system] - SYSTEM_RANK[b.system];
}

const cache = new Map<number, NumberReading[]>();

export interface ReadingFilter {
  platform?: Platform | undefined;
  /** restrict to these systems (a number inside "[Errno N]" is never a curl exit code) */
  systems?: readonly NumberSystem[] | undefined;
}

/** Every reading of `n`, network readings first. */
export function readingsOf(n: number, filter: ReadingFilter = {}): NumberReading[] {
  let all = cache.get(n);
  if (!all) {
    all = Number.isSafeInteger(n) ? scan(n) : [];
    if (cache.size < 10_000) cache.set(n, all);
  }
  return all.filter(
    (r) =>
      (filter.platform === undefined || r.platform === null || r.platform === filter.platform) &&
      (filter.systems === undefined || filter.systems.includes(r.system)),
  );
}

/**
 * A number as users paste it: decimal (possibly negative) or hex. HRESULT_FROM_WIN32 values
 * (0x8007xxxx) carry the Win32/Winsock code in their low 16 bits.
 */
export function parseNumberText(text: string): { value: number; hresult: boolean } | null {
  const t = text.trim();
  if (/^[-+]?\d{1,12}$/.test(t)) return { value: Number(t), hresult: false };
  const hex = /^0x([0-9a-f]{1,8})$/i.exec(t);
  if (!hex?.[1]) return null;
  const value = parseInt(hex[1], 16);
  if ((value & 0xffff0000) >>> 0 === 0x80070000) return { value: value & 0xffff, hresult: true };
  return { value, hresult: false };
}
