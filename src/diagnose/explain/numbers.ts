/**
 * Every reading of a number, from the data tables: errno per platform, Winsock, Windows system
 * errors, the Windows CRT, libuv's negative numbers, getaddrinfo codes, and the codes that are not
 * errno at all (curl exit codes, gRPC status, MySQL client errors). Network readings come first.
 */
import { ERRORS, type ErrorEntry, type Platform } from '../../knowledge/errors.js';
import { LINUX_ERRNO, MACOS_ERRNO, WINDOWS_CRT_ERRNO, type ErrnoRow } from '../../knowledge/explain-errno-names.js';
import { CONTEXT_CODES } from '../../knowledge/log-patterns.js';
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
};

function key(r: NumberReading): string {
  return `${r.number}|${r.system}|${r.platform ?? ''}|${r.symbol}`;
}

function buildIndex(): Map<number, NumberReading[]> {
  const byKey = new Map<string, NumberReading>();
  const put = (r: NumberReading): void => {
    const k = key(r);
    const existing = byKey.get(k);
    // a reading backed by a network error row wins over the bare errno-name row
    if (!existing || (existing.error === null && r.error !== null)) byKey.set(k, r);
  };
  const errnoRows = (rows: readonly ErrnoRow[], system: NumberSystem, platform: Platform): void => {
    for (const [number, symbol, text] of rows) put({ number, system, platform, symbol, text, error: null });
  };
  errnoRows(LINUX_ERRNO, 'linux-errno', 'linux');
  errnoRows(MACOS_ERRNO, 'macos-errno', 'macos');
  errnoRows(WINDOWS_CRT_ERRNO, 'windows-crt-errno', 'windows');

  const fromEntry = (e: ErrorEntry): void => {
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
  };
  ERRORS.forEach(fromEntry);
  // libuv on Unix is -errno: the negative of every errno name is a (non-network) libuv reading too
  for (const [rows, platform] of [[LINUX_ERRNO, 'linux'], [MACOS_ERRNO, 'macos']] as const) {
    for (const [number, symbol, text] of rows) put({ number: -number, system: 'libuv', platform, symbol: `UV_${symbol}`, text: text.toLowerCase(), error: null });
  }
  for (const c of CONTEXT_CODES) {
    if (c.system === 'hresult') continue;
    const system: NumberSystem = c.system === 'curl' ? 'curl-exit' : c.system === 'grpc' ? 'grpc-status' : 'mysql-client';
    put({ number: c.code, system, platform: null, symbol: c.name, text: c.meaning, error: c.usually?.error ?? null });
  }

  const index = new Map<number, NumberReading[]>();
  for (const r of byKey.values()) {
    const list = index.get(r.number) ?? [];
    list.push(r);
    index.set(r.number, list);
  }
  for (const list of index.values()) list.sort(compareReadings);
  return index;
}

export function compareReadings(a: NumberReading, b: NumberReading): number {
  const network = Number(b.error !== null) - Number(a.error !== null);
  return network || SYSTEM_RANK[a.system] - SYSTEM_RANK[b.system];
}

let index: Map<number, NumberReading[]> | undefined;

export interface ReadingFilter {
  platform?: Platform | undefined;
  /** restrict to these systems (a number inside "[Errno N]" is never a curl exit code) */
  systems?: readonly NumberSystem[] | undefined;
}

/** Every reading of `n`, network readings first. */
export function readingsOf(n: number, filter: ReadingFilter = {}): NumberReading[] {
  index ??= buildIndex();
  const all = index.get(n) ?? [];
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
