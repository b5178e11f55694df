import { describe, expect, it } from 'vitest';
import { parseTarget } from '../../src/probe/target.js';
import { BadTargetError } from '../../src/errors.js';

const good: [input: string, expected: { scheme: string; host: string; port: number; tls: boolean; path?: string; payload: string }][] = [
  ['127.0.0.1:8080', { scheme: 'tcp', host: '127.0.0.1', port: 8080, tls: false, payload: 'none' }],
  ['  localhost:1  ', { scheme: 'tcp', host: 'localhost', port: 1, tls: false, payload: 'none' }],
  ['DB.Internal:5432', { scheme: 'tcp', host: 'db.internal', port: 5432, tls: false, payload: 'none' }],
  ['[::1]:65535', { scheme: 'tcp', host: '::1', port: 65535, tls: false, payload: 'none' }],
  ['[fe80::1%eth0]:22', { scheme: 'tcp', host: 'fe80::1%eth0', port: 22, tls: false, payload: 'none' }],
  ['tcp://10.0.0.1:7', { scheme: 'tcp', host: '10.0.0.1', port: 7, tls: false, payload: 'none' }],
  ['tls://example.com', { scheme: 'tls', host: 'example.com', port: 443, tls: true, payload: 'none' }],
  ['tls://[::1]:8443', { scheme: 'tls', host: '::1', port: 8443, tls: true, payload: 'none' }],
  ['http://example.com', { scheme: 'http', host: 'example.com', port: 80, tls: false, path: '/', payload: 'http' }],
  ['HTTP://example.com:8080/health?x=1#frag', { scheme: 'http', host: 'example.com', port: 8080, tls: false, path: '/health?x=1', payload: 'http' }],
  ['https://[2001:db8::1]/a/b', { scheme: 'https', host: '2001:db8::1', port: 443, tls: true, path: '/a/b', payload: 'http' }],
  ['redis://cache:6380', { scheme: 'redis', host: 'cache', port: 6380, tls: false, payload: 'protocol' }],
  ['rediss://cache', { scheme: 'rediss', host: 'cache', port: 6379, tls: true, payload: 'protocol' }],
  ['postgres://user:secret@db/app', { scheme: 'postgres', host: 'db', port: 5432, tls: false, payload: 'protocol' }],
  ['postgresql://db:6432', { scheme: 'postgres', host: 'db', port: 6432, tls: false, payload: 'protocol' }],
  ['mysql://db', { scheme: 'mysql', host: 'db', port: 3306, tls: false, payload: 'none' }],
  ['smtp://mail', { scheme: 'smtp', host: 'mail', port: 25, tls: false, payload: 'none' }],
  ['ssh://git@bastion', { scheme: 'ssh', host: 'bastion', port: 22, tls: false, payload: 'none' }],
];

describe('parseTarget accepts', () => {
  it.each(good)('%s', (input, expected) => {
    const t = parseTarget(input);
    expect({ scheme: t.scheme, host: t.host, port: t.port, tls: t.tls, payload: t.defaultPayload.kind }).toEqual({
      scheme: expected.scheme,
      host: expected.host,
      port: expected.port,
      tls: expected.tls,
      payload: expected.payload,
    });
    if (expected.path !== undefined) expect(t.path).toBe(expected.path);
  });

  it('never keeps a password from a connection string', () => {
    const t = parseTarget('postgres://app:hunter2@db:5432/app');
    expect(JSON.stringify(t)).not.toContain('hunter2');
    expect(t.input).toBe('postgres://app:***@db:5432/app');
  });

  it('redis sends PING and postgres an SSLRequest', () => {
    const redis = parseTarget('redis://cache').defaultPayload;
    expect(redis.kind === 'protocol' && Buffer.from(redis.bytes).toString()).toBe('PING\r\n');
    const pg = parseTarget('postgres://db').defaultPayload;
    expect(pg.kind === 'protocol' && Buffer.from(pg.bytes).toString('hex')).toBe('0000000804d2162f');
  });
});

const bad: [input: string, reason: RegExp, hint: RegExp | null][] = [
  ['', /empty target/, /host:port/],
  ['   ', /empty target/, /host:port/],
  ['host', /missing port/, /host:PORT.*https:\/\/host/],
  ['host:', /missing port/, null],
  ['host:0', /port 0 is out of range/, /1-65535/],
  ['host:70000', /port 70000 is out of range/, /1-65535/],
  ['host:http', /port "http" is not a number/, null],
  ['host:-1', /not a number/, null],
  [':80', /missing host/, /127\.0\.0\.1:80/],
  ['[::1', /unclosed "\["/, /\[::1\]:8080/],
  ['[::1]80', /unexpected "80" after "\]"/, null],
  ['[not-v6]:80', /not an IPv6 address/, null],
  ['::1:80', /IPv6 address needs brackets/, /\[::1\]:80/],
  ['::1', /IPv6 address needs brackets/, /\[::1\]:PORT/],
  ['ftp://host:21', /unsupported scheme "ftp:\/\/"/, /supported: tcp, tls, http/],
  ['htps://host', /unsupported scheme/, /did you mean https:\/\//],
  ['tcp://host', /missing port/, /tcp:\/\/host:PORT/],
  ['http://:8080', /missing host/, null],
  ['host:80/path', /a path needs a scheme/, /http:\/\/host:80\/path/],
  ['bad_host!:80', /not a valid host name/, null],
  ['https://host:99999/', /out of range/, null],
];

describe('parseTarget rejects', () => {
  it.each(bad)('%j', (input, reason, hint) => {
    let error: unknown;
    try {
      parseTarget(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BadTargetError);
    const e = error as BadTargetError;
    expect(e.exitCode).toBe(2);
    expect(e.code).toBe('CR_BAD_TARGET');
    expect(e.message).toMatch(reason);
    expect(e.message).not.toContain('\n');
    if (hint) expect(e.hint).toMatch(hint);
  });
});
