/**
 * TARGET parsing: `host:port`, `[v6]:port`, or a URL whose scheme sets port, TLS and payload.
 * Hand-written rather than WHATWG URL because URL silently drops default ports, lower-cases
 * only some schemes' hosts and gives no reason when it fails; users need a reason.
 */
import { ipFamily } from '../shared/ip-family.js';
import { BadTargetError, UsageError } from '../errors.js';
import { quote } from '../escape.js';
import type { Payload, Scheme, Target } from './types.js';
import { editDistance } from '../edit-distance.js';

interface SchemeSpec {
  /** port when the URL names none; null = the user must give one */
  port: number | null;
  tls: boolean;
  /** the payload the scheme implies when --send is not given */
  payload: Payload;
  /**
   * Who talks first on this protocol. 'server': the probe waits for the banner before it sends
   * (sending first would put our bytes ahead of the greeting, and some servers, e.g. Postfix's
   * postscreen, drop clients that do). 'client': the server says nothing until asked, so the
   * probe only settles briefly before sending (src/probe/banner-wait.ts). tcp:// and tls:// send
   * nothing by default; given a --send, the user chose to speak first.
   */
  speaksFirst: 'server' | 'client';
}

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

/** PostgreSQL SSLRequest: length 8, code 80877103. The server answers one byte, 'S' or 'N'. */
const POSTGRES_SSL_REQUEST = Uint8Array.from([0x00, 0x00, 0x00, 0x08, 0x04, 0xd2, 0x16, 0x2f]);

/** Adding a protocol is adding a row. Banner-first protocols (SMTP, SSH, MySQL) send nothing. */
export const SCHEMES: Readonly<Record<Scheme, SchemeSpec>> = {
  tcp: { port: null, tls: false, payload: { kind: 'none' }, speaksFirst: 'client' },
  tls: { port: 443, tls: true, payload: { kind: 'none' }, speaksFirst: 'client' },
  http: { port: 80, tls: false, payload: { kind: 'http' }, speaksFirst: 'client' },
  https: { port: 443, tls: true, payload: { kind: 'http' }, speaksFirst: 'client' },
  redis: { port: 6379, tls: false, payload: { kind: 'protocol', name: 'redis PING', bytes: ascii('PING\r\n') }, speaksFirst: 'client' },
  rediss: { port: 6379, tls: true, payload: { kind: 'protocol', name: 'redis PING', bytes: ascii('PING\r\n') }, speaksFirst: 'client' },
  postgres: { port: 5432, tls: false, payload: { kind: 'protocol', name: 'postgres SSLRequest', bytes: POSTGRES_SSL_REQUEST }, speaksFirst: 'client' },
  mysql: { port: 3306, tls: false, payload: { kind: 'none' }, speaksFirst: 'server' },
  smtp: { port: 25, tls: false, payload: { kind: 'none' }, speaksFirst: 'server' },
  ssh: { port: 22, tls: false, payload: { kind: 'none' }, speaksFirst: 'server' },
};

const ALIASES: Readonly<Record<string, Scheme>> = { postgresql: 'postgres', ssl: 'tls' };

const SCHEME_LIST = Object.keys(SCHEMES).join(', ');

/** RFC 1123 host names (plus '_', which real internal DNS uses). */
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})?)*\.?$/;

export function parseTarget(rawInput: string): Target {
  const input = rawInput.trim();
  if (input === '') throw new BadTargetError(redact(rawInput), 'empty target', 'write host:port, e.g. 127.0.0.1:8080');

  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(input);
  if (!schemeMatch) return parseBare(input);

  const name = schemeMatch[1]!.toLowerCase();
  const scheme = (name in SCHEMES ? name : ALIASES[name]) as Scheme | undefined;
  if (!scheme) {
    const guess = closest(name, [...Object.keys(SCHEMES), ...Object.keys(ALIASES)]);
    throw new BadTargetError(
      redact(input),
      `unsupported scheme "${name}://"`,
      guess ? `did you mean ${guess}://? supported: ${SCHEME_LIST}` : `supported: ${SCHEME_LIST}`,
    );
  }
  const rest = input.slice(schemeMatch[0].length);
  const slash = rest.search(/[/?#]/);
  const authorityWithUser = slash === -1 ? rest : rest.slice(0, slash);
  const pathPart = slash === -1 ? '' : rest.slice(slash).replace(/#.*$/, '');
  // user:password@ is accepted (people paste connection strings) and never kept or shown
  const authority = authorityWithUser.slice(authorityWithUser.lastIndexOf('@') + 1);
  if (!authorityWithUser.includes('@') && redact(input) !== input) {
    // a password with an unencoded / ? or #: the authority ends inside it, so its pieces must not be echoed
    throw new BadTargetError(redact(input), 'the user-info holds "/", "?" or "#"', 'percent-encode them (%2F, %3F, %23), or leave the credentials out: a probe does not use them');
  }
  const spec = SCHEMES[scheme];
  const { host, port } = parseAuthority(redact(input), authority, spec.port, scheme);
  const path = pathPart === '' ? '/' : pathPart.startsWith('/') ? pathPart : `/${pathPart}`;
  return {
    input: redact(input),
    scheme,
    host,
    port,
    tls: spec.tls,
    path,
    defaultPayload: spec.payload,
  };
}

function parseBare(input: string): Target {
  const shown = redact(input);
  if (/[/?#]/.test(input)) {
    throw new BadTargetError(shown, 'a path needs a scheme', `write http://${shown} or https://${shown}`);
  }
  const { host, port } = parseAuthority(shown, input.slice(input.lastIndexOf('@') + 1), null, null);
  return { input: shown, scheme: 'tcp', host, port, tls: false, path: '/', defaultPayload: SCHEMES.tcp.payload };
}

function parseAuthority(
  input: string,
  authority: string,
  defaultPort: number | null,
  scheme: Scheme | null,
): { host: string; port: number } {
  let host: string;
  let portText: string | null;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close === -1) throw new BadTargetError(input, 'unclosed "[" in IPv6 address', 'write [::1]:8080');
    host = authority.slice(1, close);
    const after = authority.slice(close + 1);
    if (after === '') portText = null;
    else if (after.startsWith(':')) portText = after.slice(1);
    else throw new BadTargetError(input, `unexpected ${quote(after)} after "]"`, `write [${host}]:PORT`);
    const zoneless = host.split('%')[0] ?? '';
    if (ipFamily(zoneless) !== 6) throw new BadTargetError(input, `${quote(host)} is not an IPv6 address`);
  } else {
    const colon = authority.indexOf(':');
    if (colon !== -1 && authority.indexOf(':', colon + 1) !== -1) {
      const maybePort = authority.slice(authority.lastIndexOf(':') + 1);
      const maybeHost = authority.slice(0, authority.lastIndexOf(':'));
      const splitWorks = /^\d+$/.test(maybePort) && ipFamily(maybeHost) === 6;
      const examples = [
        ...(splitWorks ? [`[${maybeHost}]:${maybePort}`] : []),
        ...(ipFamily(authority) === 6 ? [`[${authority}]:PORT`] : []),
      ];
      const hint = examples.length ? `write ${examples.join(' or ')}` : 'write [IPV6]:PORT';
      throw new BadTargetError(input, 'an IPv6 address needs brackets', hint);
    }
    host = colon === -1 ? authority : authority.slice(0, colon);
    portText = colon === -1 ? null : authority.slice(colon + 1);
    if (host === '') {
      throw new BadTargetError(input, 'missing host', `write a host before the port, e.g. 127.0.0.1${portText !== null ? `:${portText}` : ':8080'}`);
    }
    if (ipFamily(host) === 0 && !HOSTNAME.test(host)) {
      throw new BadTargetError(input, `${quote(host)} is not a valid host name or IP address`);
    }
    host = host.toLowerCase();
  }
  if (portText === null || portText === '') {
    if (defaultPort !== null) return { host, port: defaultPort };
    const shown = host.includes(':') ? `[${host}]` : host;
    throw new BadTargetError(
      input,
      'missing port',
      scheme === 'tcp' ? `write tcp://${shown}:PORT` : `write ${shown}:PORT, or a URL such as https://${shown}`,
    );
  }
  if (!/^\d+$/.test(portText)) throw new BadTargetError(input, `port ${quote(portText)} is not a number`, 'ports are 1-65535');
  const port = Number(portText);
  if (port < 1 || port > 65535) throw new BadTargetError(input, `port ${port} is out of range`, 'ports are 1-65535');
  return { host, port };
}

/**
 * `-4 [::1]:80` can only fail: what to say instead of probing it (bad input), or null. A name is
 * never in conflict: its addresses are known only once it is resolved.
 */
export function familyConflict(target: Target, family: 4 | 6 | null, given: string = `-${family}`): string | null {
  if (family === null) return null;
  const literal = ipFamily(target.host);
  return literal !== 0 && literal !== family ? `${target.host} is an IPv${literal} address but ${given} was given` : null;
}

/** familyConflict as a usage error (probe, idle). */
export function checkFamily(target: Target, family: 4 | 6 | null): Target {
  const conflict = familyConflict(target, family);
  if (conflict) throw new UsageError(conflict, `drop -${family}`);
  return target;
}

/**
 * Hides the password of user:password@ so that it never reaches a report, an error or a log, in
 * every form a target takes: `tcp://u:p@h:1`, `u:p@h:1` (no scheme), `u:p@[::1]:1`, and a
 * password that holds `/`, `?` or `#` unencoded. A plain `host:port` before the first `/?#`
 * means any later `@` is in the path or query (`?email=a@b`) and nothing is hidden; otherwise
 * everything between the first `:` and the last `@` goes. A form this cuts too much of is shown
 * redacted, never with the password.
 */
export function redact(input: string): string {
  // no user-info without an @ (most targets): nothing to hide, and no pattern to run
  if (!input.includes('@')) return input;
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(input)?.[0] ?? '';
  const rest = input.slice(scheme.length);
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  const lastAt = rest.lastIndexOf('@');
  if (lastAt === -1) return input;
  let at: number;
  if (scheme === '') {
    at = lastAt; // a bare target has no path or query: every @ is the user-info's
  } else if (authority.includes('@')) {
    const query = rest.search(/[?#]/);
    at = query !== -1 && lastAt > query ? authority.lastIndexOf('@') : lastAt;
  } else if (PLAIN_AUTHORITY.test(authority)) {
    return input;
  } else {
    at = lastAt;
  }
  const userInfo = rest.slice(0, at);
  const colon = userInfo.indexOf(':');
  if (colon === -1) return input;
  return `${scheme}${userInfo.slice(0, colon)}:***${rest.slice(at)}`;
}

/** host, host:port, [v6] or [v6]:port, nothing else: an authority without user-info. */
const PLAIN_AUTHORITY = /^(?:\[[^\]@]*\]|[^:@[\]]*)(?::\d*)?$/;

/** The nearest candidate within edit distance 2, for "did you mean". */
function closest(word: string, candidates: string[]): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = editDistance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** host as it goes in a URL or Host header: IPv6 in brackets. */
export function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
