/**
 * `--send none|http|text:…|hex:…|@file|zeros:SIZE` and the bytes a payload puts on the wire for
 * a target.
 */
import { readBounded } from '../bounded-read.js';
import { quote } from '../escape.js';
import { UsageError } from '../errors.js';
import { VERSION } from '../version.js';
import { SCHEMES, hostForUrl } from './target.js';
import type { Payload, Target } from './types.js';
import type { HttpRequestOptions } from './http-options.js';

/** Files bigger than this are a mistake (a probe payload, not an upload). */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

/**
 * zeros:SIZE is bounded: enough to fill any socket buffers (Linux allows a few MB per direction by
 * default, tuned hosts tens of MB), far from what a probe should push down a production link.
 */
export const MAX_ZEROS_BYTES = 256 * 1024 * 1024;

const SEND_FORMS = 'none, http, text:STRING, hex:BYTES, @FILE or zeros:SIZE';

/** Units of a SIZE, lower-cased: binary (KiB, MiB, GiB) and decimal (kB, MB, GB), as people write them. */
const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
};

export function parseSend(value: string): Payload {
  if (value === 'none') return { kind: 'none' };
  if (value === 'http') return { kind: 'http' };
  if (value.startsWith('text:')) {
    const text = unescapeText(value.slice('text:'.length));
    if (text === '') throw badSend(value, 'empty text', 'use --send none to send nothing');
    return { kind: 'text', text };
  }
  if (value.startsWith('hex:')) return { kind: 'hex', bytes: parseHex(value) };
  if (value.startsWith('@')) return readPayloadFile(value);
  if (value.startsWith('zeros:')) return { kind: 'zeros', size: parseZerosSize(value) };
  throw badSend(value, `unknown form`, `use ${SEND_FORMS}`);
}

/** Nothing to send: one empty array for every probe that sends nothing (never written to). */
const NO_BYTES = new Uint8Array(0);

/** The bytes of a payload for this target (http needs the target's host, port and path). */
export function payloadBytes(payload: Payload, target: Target, http: HttpRequestOptions | null = null): Uint8Array {
  switch (payload.kind) {
    case 'none':
      return NO_BYTES;
    case 'http':
      return httpRequest(target, http);
    case 'text':
      return new TextEncoder().encode(payload.text);
    case 'hex':
    case 'file':
    case 'protocol':
      return payload.bytes;
    case 'zeros':
      return zeroBytes(payload.size);
  }
}

/** A short human name for a payload, for reports ("HTTP GET /health", "redis PING", "12 bytes of text"). */
export function describePayload(payload: Payload, target: Target): string {
  switch (payload.kind) {
    case 'none':
      return 'nothing';
    case 'http':
      return `HTTP GET ${target.path}`;
    case 'text':
      return 'text';
    case 'hex':
      return 'hex bytes';
    case 'file':
      return `file ${payload.path}`;
    case 'protocol':
      return payload.name;
    case 'zeros':
      return `${formatSize(payload.size)} of zeros`;
  }
}

/** 8 MiB, 64 KiB, 1000000 bytes: the size as a person would write it back. */
export function formatSize(bytes: number): string {
  if (bytes >= 1024 ** 2 && bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2}MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024}KiB`;
  return `${bytes}B`;
}

/**
 * Zero bytes for every zeros payload come from one shared, zero-filled buffer, allocated on first
 * use and grown only when a larger size is asked for: a `check` of many targets with zeros:64MiB
 * holds one 64 MiB buffer, not one per probe. Nothing writes into it (sockets only read what they
 * are given). Large zeroed allocations are mapped lazily by the OS, so untouched pages cost
 * nothing.
 */
let sharedZeros: Uint8Array = new Uint8Array(0);
function zeroBytes(size: number): Uint8Array {
  if (sharedZeros.length < size) sharedZeros = new Uint8Array(size);
  return sharedZeros.subarray(0, size);
}

function parseZerosSize(value: string): number {
  const text = value.slice('zeros:'.length).trim();
  const example = 'e.g. zeros:8MiB, zeros:64KiB or zeros:1000000';
  if (text === '') throw badSend(value, 'no size after zeros:', example);
  const match = /^(\d+)\s*([A-Za-z]*)$/.exec(text);
  const unit = match ? SIZE_UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) throw badSend(value, `"${text}" is not a size`, `a whole number of bytes, KiB, MiB, kB or MB; ${example}`);
  const size = Number(match[1]) * unit;
  if (size === 0) throw badSend(value, 'zero bytes', 'use --send none to send nothing');
  if (size > MAX_ZEROS_BYTES) throw badSend(value, `${text} is more than the ${formatSize(MAX_ZEROS_BYTES)} limit`, 'a probe needs only enough to fill the socket buffers, e.g. zeros:16MiB');
  return size;
}

function httpRequest(target: Target, http: HttpRequestOptions | null): Uint8Array {
  const defaultPort = SCHEMES[target.scheme].port;
  const host = hostForUrl(target.host) + (target.port === defaultPort && (target.scheme === 'http' || target.scheme === 'https') ? '' : `:${target.port}`);
  const body = http?.body ?? null;
  // as curl: --data makes a POST with a form content type unless told otherwise
  const method = http?.method ?? (body ? 'POST' : 'GET');
  const defaults: [string, string][] = [
    ['Host', host],
    ['User-Agent', `connreset/${VERSION}`],
    ['Accept', '*/*'],
    ...(body ? ([['Content-Type', 'application/x-www-form-urlencoded'], ['Content-Length', String(body.length)]] as [string, string][]) : []),
  ];
  const given = http?.headers ?? [];
  const overridden = new Set(given.map(([name]) => name.toLowerCase()));
  const lines = [...defaults.filter(([name]) => !overridden.has(name.toLowerCase())), ...given].map(([name, value]) => `${name}: ${value}\r\n`);
  const head = new TextEncoder().encode(`${method} ${target.path} HTTP/1.1\r\n${lines.join('')}\r\n`);
  if (!body) return head;
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

const ESCAPES: Readonly<Record<string, string>> = { r: '\r', n: '\n', t: '\t', '0': '\0', '\\': '\\' };

/** `\r`, `\n`, `\t`, `\0`, `\\` and `\xHH`, so that a shell argument can carry a protocol line. */
function unescapeText(text: string): string {
  return text.replace(/\\(x([0-9A-Fa-f]{2})|.)/g, (whole, what: string, hex: string | undefined) => {
    if (hex !== undefined) return String.fromCharCode(parseInt(hex, 16));
    return ESCAPES[what] ?? whole;
  });
}

function parseHex(value: string): Uint8Array {
  const digits = value.slice('hex:'.length).replace(/0x/gi, '').replace(/[\s:,-]/g, '');
  if (digits === '') throw badSend(value, 'no hex digits', 'e.g. hex:16030100');
  if (!/^[0-9A-Fa-f]+$/.test(digits)) throw badSend(value, 'not hex digits', 'use 0-9 and a-f, e.g. hex:16030100');
  if (digits.length % 2 !== 0) throw badSend(value, 'odd number of hex digits', 'two digits per byte');
  return Uint8Array.from(digits.match(/../g)!, (pair) => parseInt(pair, 16));
}

function readPayloadFile(value: string): Payload {
  const path = value.slice(1);
  if (path === '') throw badSend(value, 'no file name after @', 'e.g. --send @request.bin');
  // a payload is a file: a FIFO would block the probe and /dev/zero would never end
  const read = readBounded(path, { limit: MAX_PAYLOAD_BYTES, allowPipes: false });
  if (!read.ok) {
    const why = read.reason.startsWith('is larger') ? 'is larger than 1 MiB' : read.reason;
    throw badSend(value, `cannot read ${quote(path)}: ${why}`, read.reason.includes('not a file') ? 'use text:… or hex:… for generated bytes' : undefined);
  }
  if (read.bytes.length === 0) throw badSend(value, `${quote(path)} is empty`, 'use --send none to send nothing');
  return { kind: 'file', path, bytes: new Uint8Array(read.bytes) };
}

function badSend(value: string, reason: string, hint?: string): UsageError {
  return new UsageError(`bad --send ${quote(value)}: ${reason}`, hint, 'CR_BAD_OPTION');
}
