import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_ZEROS_BYTES, formatSize, parseSend, payloadBytes } from '../../src/probe/payload.js';
import { parseTarget } from '../../src/probe/target.js';
import { UsageError } from '../../src/errors.js';

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

describe('parseSend', () => {
  const target = parseTarget('127.0.0.1:9');
  const cases: [value: string, bytes: string][] = [
    ['none', ''],
    ['text:hello', 'hello'],
    ['text:PING\\r\\n', 'PING\r\n'],
    ['text:a\\tb\\\\n\\x41\\0', 'a\tb\\nA\0'],
    ['text:keep \\q as is', 'keep \\q as is'],
    ['hex:16030100', '\x16\x03\x01\x00'],
    ['hex:de ad:BE-ef', '\xde\xad\xbe\xef'],
    ['hex:0x0a0x0d', '\n\r'],
  ];
  it.each(cases)('%s', (value, expected) => {
    expect(text(payloadBytes(parseSend(value), target))).toBe(expected);
  });

  it('http builds a GET of the target path with its Host header', () => {
    const get = text(payloadBytes(parseSend('http'), parseTarget('http://example.com/health?deep=1')));
    expect(get.startsWith('GET /health?deep=1 HTTP/1.1\r\nHost: example.com\r\n')).toBe(true);
    expect(get.endsWith('\r\n\r\n')).toBe(true);
    expect(text(payloadBytes(parseSend('http'), parseTarget('[::1]:8080')))).toContain('Host: [::1]:8080\r\n');
    expect(text(payloadBytes(parseSend('http'), parseTarget('https://h:8443/')))).toContain('Host: h:8443\r\n');
  });

  it('@file reads the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'connreset-payload-'));
    const file = join(dir, 'req.bin');
    writeFileSync(file, Buffer.from([1, 2, 3]));
    const payload = parseSend(`@${file}`);
    expect(payload.kind).toBe('file');
    expect([...payloadBytes(payload, target)]).toEqual([1, 2, 3]);
  });

  const sizes: [value: string, bytes: number][] = [
    ['zeros:64KiB', 64 * 1024],
    ['zeros:8MiB', 8 * 1024 * 1024],
    ['zeros:16mib', 16 * 1024 * 1024],
    ['zeros:1000000', 1_000_000],
    ['zeros:1500B', 1500],
    ['zeros:2kB', 2000],
    ['zeros:3MB', 3_000_000],
    ['zeros:256MiB', MAX_ZEROS_BYTES],
  ];
  it.each(sizes)('%s is that many zero bytes', (value, size) => {
    expect(parseSend(value)).toEqual({ kind: 'zeros', size });
  });

  it('zeros are zeros on the wire, whatever size was generated before', () => {
    const big = payloadBytes(parseSend('zeros:1MiB'), target);
    const small = payloadBytes(parseSend('zeros:100'), target);
    expect(big.length).toBe(1024 * 1024);
    expect(small.length).toBe(100);
    expect(big.every((b) => b === 0)).toBe(true);
    expect(small.every((b) => b === 0)).toBe(true);
  });

  it('formatSize writes a size back as it is typed', () => {
    expect(formatSize(8 * 1024 * 1024)).toBe('8MiB');
    expect(formatSize(64 * 1024)).toBe('64KiB');
    expect(formatSize(1_000_000)).toBe('1000000B');
    for (const size of [1500, 64 * 1024, 8 * 1024 * 1024]) expect(parseSend(`zeros:${formatSize(size)}`)).toEqual({ kind: 'zeros', size });
  });

  const bad: [value: string, reason: RegExp][] = [
    ['zeros:', /no size after zeros:/],
    ['zeros:0', /zero bytes.*--send none|zero bytes/],
    ['zeros:1.5MiB', /"1\.5MiB" is not a size/],
    ['zeros:-1', /is not a size/],
    ['zeros:8XB', /"8XB" is not a size/],
    ['zeros:MiB', /is not a size/],
    ['zeros:257MiB', /more than the 256MiB limit/],
    ['zeros:1GiB', /more than the 256MiB limit/],
    ['zeros:99999999999999999999999', /more than the 256MiB limit/],
    ['', /unknown form/],
    ['get', /unknown form/],
    ['text:', /empty text/],
    ['hex:', /no hex digits/],
    ['hex:abc', /odd number/],
    ['hex:zz', /not hex digits/],
    ['@', /no file name/],
    ['@/nonexistent/connreset-payload', /cannot read .*ENOENT/],
  ];
  it.each(bad)('rejects %j', (value, reason) => {
    let error: unknown;
    try {
      parseSend(value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    expect((error as UsageError).message).toMatch(reason);
  });
});
