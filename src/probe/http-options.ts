/**
 * What an HTTP probe sends and expects, as curl spells it: -H/--header (repeatable), -X/--method,
 * --data STRING|@FILE, --expect-status LIST (blackbox's valid_status_codes) and --resolve
 * HOST:PORT:ADDR. Each parser checks what a user typed and throws one UsageError line (exit 2);
 * the check config calls the same parsers and reports the message with file:line.
 */
import { ipFamily } from '../shared/ip-family.js';
import { systemLookup } from './system-lookup.js';
import { readBounded } from '../bounded-read.js';
import { quote } from '../escape.js';
import { UsageError } from '../errors.js';
import type { ResolvedAddress } from '../diagnose/observation.js';
import type { LookupFn } from './types.js';

export const MAX_BODY_BYTES = 1024 * 1024;

export interface HttpRequestOptions {
  /** GET unless -X, POST when --data is given without -X (as curl) */
  method: string | null;
  /** in the order given; a header named like a default one (Host, User-Agent, Accept) replaces it */
  headers: [string, string][];
  body: Uint8Array | null;
}

/** An inclusive range of HTTP status codes. */
export type StatusRange = readonly [number, number];

// RFC 9110 token characters: method and header names
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function parseHeader(value: string, option = '--header'): [string, string] {
  const colon = value.indexOf(':');
  if (colon <= 0) throw new UsageError(`bad ${option} ${quote(value)}: expected "Name: value"`, 'e.g. -H "Authorization: Bearer TOKEN"', 'CR_BAD_OPTION');
  const name = value.slice(0, colon).trim();
  const headerValue = value.slice(colon + 1).trim();
  if (!TOKEN.test(name)) throw new UsageError(`bad ${option} ${quote(value)}: ${quote(name)} is not a header name`, undefined, 'CR_BAD_OPTION');
  // a CR or LF would end the header early and smuggle another one into the request
  if (/[\r\n\0]/.test(headerValue)) throw new UsageError(`bad ${option} ${quote(value)}: a header value cannot hold CR, LF or NUL`, undefined, 'CR_BAD_OPTION');
  return [name, headerValue];
}

export function parseMethod(value: string, option = '--method'): string {
  if (!TOKEN.test(value)) throw new UsageError(`bad ${option} ${quote(value)}: not an HTTP method`, 'e.g. -X POST', 'CR_BAD_OPTION');
  return value;
}

/** --data STRING, or @FILE (at most 1 MiB; a file, not a pipe or device). `baseDir` resolves a config's relative path. */
export function parseData(value: string, option = '--data', resolvePath: (path: string) => string = (p) => p): Uint8Array {
  if (!value.startsWith('@')) return new TextEncoder().encode(value);
  const path = value.slice(1);
  if (path === '') throw new UsageError(`bad ${option} ${quote(value)}: no file name after @`, undefined, 'CR_BAD_OPTION');
  const read = readBounded(resolvePath(path), { limit: MAX_BODY_BYTES, allowPipes: false });
  if (!read.ok) throw new UsageError(`bad ${option} ${quote(value)}: cannot read ${quote(path)}: ${read.reason.startsWith('is larger') ? 'is larger than 1 MiB' : read.reason}`, undefined, 'CR_BAD_OPTION');
  return new Uint8Array(read.bytes);
}

/** "200-399", "200,204,301-308": inclusive ranges of codes 100-599. */
export function parseStatusList(value: string, option = '--expect-status'): StatusRange[] {
  const ranges: StatusRange[] = [];
  for (const part of value.split(',')) {
    const m = /^\s*(\d{3})\s*(?:-\s*(\d{3})\s*)?$/.exec(part);
    const lo = m ? Number(m[1]) : NaN;
    const hi = m ? Number(m[2] ?? m[1]) : NaN;
    if (!m || lo < 100 || hi > 599 || lo > hi) {
      throw new UsageError(`bad ${option} ${quote(value)}: expected status codes or ranges from 100 to 599`, 'e.g. 200-399 or 200,204,301-308', 'CR_BAD_OPTION');
    }
    ranges.push([lo, hi]);
  }
  return ranges;
}

export function statusMatches(status: number, ranges: readonly StatusRange[]): boolean {
  return ranges.some(([lo, hi]) => status >= lo && status <= hi);
}

/** The status code of an HTTP reply's first line, or null when the reply does not start like one. */
export function replyStatus(reply: string): number | null {
  const m = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(reply);
  return m ? Number(m[1]) : null;
}

export interface ResolveEntry {
  host: string;
  /** null: any port (curl's `*`) */
  port: number | null;
  addresses: ResolvedAddress[];
}

/** curl's --resolve HOST:PORT:ADDR[,ADDR...]; an IPv6 address in brackets. */
export function parseResolve(value: string, option = '--resolve'): ResolveEntry {
  const m = /^([^:\s]+):(\d{1,5}|\*):(.+)$/.exec(value.trim());
  const bad = (why: string): UsageError => new UsageError(`bad ${option} ${quote(value)}: ${why}`, 'e.g. --resolve api.example:443:127.0.0.1', 'CR_BAD_OPTION');
  if (!m) throw bad('expected HOST:PORT:ADDRESS');
  const port = m[2] === '*' ? null : Number(m[2]);
  if (port !== null && (port < 1 || port > 65535)) throw bad(`port ${m[2]} is out of range (ports are 1-65535)`);
  const addresses = m[3]!.split(',').map((a) => {
    const address = a.trim().replace(/^\[(.*)\]$/, '$1');
    const family = ipFamily(address);
    if (family === 0) throw bad(`${quote(a.trim())} is not an IP address`);
    return { address, family: family as 4 | 6 };
  });
  return { host: m[1]!.toLowerCase(), port, addresses };
}

/**
 * A lookup that answers from --resolve entries for this port and asks the system resolver for
 * every other name, as curl does.
 */
export function lookupWithOverrides(entries: readonly ResolveEntry[], port: number, fallback?: LookupFn): LookupFn | undefined {
  const mine = entries.filter((e) => e.port === null || e.port === port);
  if (mine.length === 0) return fallback;
  return async (host) => {
    const hit = mine.find((e) => e.host === host.toLowerCase());
    if (hit) return hit.addresses;
    return (fallback ?? systemLookup)(host);
  };
}
