/** The --list table: every error connreset knows, with its numbers on each platform. */
import { ERRORS, symbolsOf } from '../../knowledge/errors.js';

export interface KnownCode {
  id: string;
  title: string;
  category: string;
  linux: string;
  macos: string;
  windows: string;
  windowsCrt: string;
  libuv: string;
  symbols: string[];
}

export function listKnownCodes(): KnownCode[] {
  const nums = (codes: readonly { number: number }[]): string => codes.map((c) => String(c.number)).join('/') || '-';
  return ERRORS.map((e) => ({
    id: e.id,
    title: e.title,
    category: e.category,
    linux: nums(e.linux),
    macos: nums(e.macos),
    windows: nums(e.windows),
    windowsCrt: nums(e.windowsCrt),
    libuv: e.libuv ? [e.libuv.linux, e.libuv.macos, e.libuv.windows].filter((n, i, a) => n !== null && a.indexOf(n) === i).join('/') || '-' : '-',
    symbols: symbolsOf(e),
  }));
}
