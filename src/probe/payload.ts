/**
 * `--send none|http|text:…|hex:…|@file` and the bytes a payload puts on the wire for a target.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { VERSION } from '../version.js';
import { SCHEMES, hostForUrl } from './target.js';
import type { Payload, Target } from './types.js';

/** Files bigger than this are a mistake (a probe payload, not an upload). */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

const SEND_FORMS = 'none, http, text:STRING, hex:BYTES or @FILE';

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
  throw badSend(value, `unknown form`, `use ${SEND_FORMS}`);
}

/** The bytes of a payload for this target (http needs the target's host, port and path). */
export function payloadBytes(payload: Payload, target: Target): Uint8Array {
  switch (payload.kind) {
    case 'none':
      return new Uint8Array(0);
    case 'http':
      return new TextEncoder().encode(httpRequest(target));
    case 'text':
      return new TextEncoder().encode(payload.text);
    case 'hex':
    case 'file':
    case 'protocol':
      return payload.bytes;
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
  }
}

function httpRequest(target: Target): string {
  const defaultPort = SCHEMES[target.scheme].port;
  const host = hostForUrl(target.host) + (target.port === defaultPort && (target.scheme === 'http' || target.scheme === 'https') ? '' : `:${target.port}`);
  return (
    `GET ${target.path} HTTP/1.1\r\n` +
    `Host: ${host}\r\n` +
    `User-Agent: connreset/${VERSION}\r\n` +
    `Accept: */*\r\n` +
    `\r\n`
  );
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
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw badSend(value, `cannot read ${path} (${code})`);
  }
  if (bytes.length === 0) throw badSend(value, `${path} is empty`, 'use --send none to send nothing');
  if (bytes.length > MAX_PAYLOAD_BYTES) throw badSend(value, `${path} is larger than 1 MiB`);
  return { kind: 'file', path, bytes: new Uint8Array(bytes) };
}

function badSend(value: string, reason: string, hint?: string): UsageError {
  return new UsageError(`bad --send ${JSON.stringify(value)}: ${reason}`, hint, 'CR_BAD_OPTION');
}
